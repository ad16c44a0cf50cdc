//! The QR code a virtual MFA device is set up with: the `otpauth://` URI an authenticator app
//! reads, drawn as a black-on-white grayscale PNG (4 pixels a module, a 4-module quiet zone).
//!
//! The PNG is written here: one IHDR, one IDAT holding the rows as stored (uncompressed)
//! deflate blocks in a zlib stream, and IEND, each chunk with its CRC-32. Every PNG reader
//! accepts stored blocks, and the image is small (tens of kilobytes).

use qrcodegen::{QrCode, QrCodeEcc};

/// Pixels per QR module.
const SCALE: usize = 4;
/// Modules of white border around the code (what the QR standard asks for).
const QUIET_ZONE: usize = 4;
/// The PNG file signature.
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
/// The largest stored deflate block.
const MAX_STORED_BLOCK: usize = 65_535;

/// `otpauth://totp/<device>@<account>?secret=<base32>`: the URI AWS's QR codes hold.
pub fn otpauth_uri(device_name: &str, account_name: &str, base32_seed: &str) -> String {
    format!("otpauth://totp/{device_name}@{account_name}?secret={base32_seed}")
}

/// The PNG of a QR code holding `text`; `None` when the text is too long for any QR code.
pub fn qr_png(text: &str) -> Option<Vec<u8>> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let modules = usize::try_from(code.size()).ok()?;
    let side = (modules + 2 * QUIET_ZONE) * SCALE;
    let mut pixels = vec![0xffu8; side * side];
    for y in 0..modules {
        for x in 0..modules {
            let (Ok(qx), Ok(qy)) = (i32::try_from(x), i32::try_from(y)) else {
                continue;
            };
            if !code.get_module(qx, qy) {
                continue;
            }
            for dy in 0..SCALE {
                let row = (y + QUIET_ZONE) * SCALE + dy;
                let start = row * side + (x + QUIET_ZONE) * SCALE;
                pixels[start..start + SCALE].fill(0);
            }
        }
    }
    grayscale_png(side, side, &pixels)
}

/// An 8-bit grayscale PNG of `width` x `height` pixels (row after row).
pub fn grayscale_png(width: usize, height: usize, pixels: &[u8]) -> Option<Vec<u8>> {
    if pixels.len() != width.checked_mul(height)? {
        return None;
    }
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&u32::try_from(width).ok()?.to_be_bytes());
    header.extend_from_slice(&u32::try_from(height).ok()?.to_be_bytes());
    // Bit depth 8, colour type 0 (grayscale), deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut raw = Vec::with_capacity(height * (width + 1));
    for row in pixels.chunks(width.max(1)) {
        raw.push(0); // filter type None
        raw.extend_from_slice(row);
    }
    let mut png = SIGNATURE.to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    Some(png)
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&length.to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// `data` as a zlib stream of stored deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(MAX_STORED_BLOCK).collect();
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    for (index, block) in blocks.iter().enumerate() {
        out.push(u8::from(index + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// CRC-32 (IEEE 802.3, as PNG uses it).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Adler-32 (what a zlib stream ends with).
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % MOD;
        b = (b + a) % MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_standard_check_values() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    /// The pixels of a PNG written by [`grayscale_png`] (stored blocks only).
    fn pixels_of(png: &[u8]) -> (usize, Vec<u8>) {
        assert_eq!(png[..8], SIGNATURE);
        let mut at = 8;
        let mut width = 0;
        let mut stream = Vec::new();
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind = &png[at + 4..at + 8];
            let data = &png[at + 8..at + 8 + len];
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc, crc32(&png[at + 4..at + 8 + len]), "chunk CRC");
            match kind {
                b"IHDR" => width = u32::from_be_bytes(data[..4].try_into().unwrap()) as usize,
                b"IDAT" => stream.extend_from_slice(data),
                _ => {}
            }
            at += 12 + len;
        }
        let mut raw = Vec::new();
        let mut at = 2;
        loop {
            let last = stream[at] & 1 == 1;
            let len = u16::from_le_bytes([stream[at + 1], stream[at + 2]]) as usize;
            raw.extend_from_slice(&stream[at + 5..at + 5 + len]);
            at += 5 + len;
            if last {
                break;
            }
        }
        assert_eq!(stream[at..at + 4], adler32(&raw).to_be_bytes());
        let pixels = raw
            .chunks(width + 1)
            .flat_map(|row| {
                assert_eq!(row[0], 0, "filter None");
                row[1..].to_vec()
            })
            .collect();
        (width, pixels)
    }

    #[test]
    fn the_png_holds_the_qr_code_modules() {
        let uri = otpauth_uri("phone", "111111111111", "JBSWY3DPEHPK3PXP");
        let png = qr_png(&uri).unwrap();
        let code = QrCode::encode_text(&uri, QrCodeEcc::Medium).unwrap();
        let modules = code.size() as usize;
        let (width, pixels) = pixels_of(&png);
        assert_eq!(width, (modules + 2 * QUIET_ZONE) * SCALE);
        assert_eq!(pixels.len(), width * width);
        for y in 0..modules {
            for x in 0..modules {
                let px = (x + QUIET_ZONE) * SCALE + 1;
                let py = (y + QUIET_ZONE) * SCALE + 2;
                let dark = pixels[py * width + px] == 0;
                assert_eq!(
                    dark,
                    code.get_module(x as i32, y as i32),
                    "module ({x}, {y})"
                );
            }
        }
        // The quiet zone is white.
        assert!(
            pixels[..width * QUIET_ZONE * SCALE]
                .iter()
                .all(|&p| p == 0xff)
        );
    }

    #[test]
    fn large_images_span_several_stored_blocks() {
        let pixels = vec![0x80u8; 300 * 300];
        let png = grayscale_png(300, 300, &pixels).unwrap();
        assert_eq!(pixels_of(&png), (300, pixels));
        assert!(grayscale_png(3, 3, &[0; 8]).is_none());
    }
}
