//! Time-based one-time passwords (RFC 6238 over RFC 4226) for virtual MFA devices, and the
//! base32 text (RFC 4648 alphabet, no padding) a device's seed is shown as.
//!
//! A code is HMAC-SHA1 of the 30-second time step (8 bytes, big-endian) under the seed,
//! dynamically truncated to 31 bits and reduced to 6 decimal digits. HMAC is built here on
//! the `sha1` digest directly, so no second HMAC crate version is needed.

use sha1::{Digest as _, Sha1};

/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code virtual MFA devices show.
pub const DIGITS: u32 = 6;
/// SHA-1's block size, which HMAC pads the key to.
const SHA1_BLOCK: usize = 64;
/// The base32 alphabet of RFC 4648.
const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// HMAC-SHA1 (RFC 2104) of `message` under `key`.
pub fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut block = [0u8; SHA1_BLOCK];
    if key.len() > SHA1_BLOCK {
        block[..20].copy_from_slice(&Sha1::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha1::new();
    inner.update(block.map(|byte| byte ^ 0x36));
    inner.update(message);
    let inner_digest = inner.finalize();
    let mut outer = Sha1::new();
    outer.update(block.map(|byte| byte ^ 0x5c));
    outer.update(inner_digest);
    let mut out = [0u8; 20];
    out.copy_from_slice(&outer.finalize());
    out
}

/// The time step of a Unix time (seconds): ⌊t / 30⌋, never negative.
pub fn time_step(unix_seconds: i64) -> u64 {
    u64::try_from(unix_seconds.max(0) / STEP_SECONDS).unwrap_or(0)
}

/// The HOTP value of `counter` under `seed`, with `digits` decimal digits, zero-padded.
pub fn code(seed: &[u8], counter: u64, digits: u32) -> String {
    let mac = hmac_sha1(seed, &counter.to_be_bytes());
    let offset = usize::from(mac[19] & 0x0f);
    let truncated = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    let value = truncated % 10u32.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// The 6-digit code a virtual device with `seed` shows during time step `step`.
pub fn device_code(seed: &[u8], step: u64) -> String {
    code(seed, step, DIGITS)
}

/// The time step at which EnableMFADevice accepts two consecutive codes `first`, `second`
/// (the step of `second`): the pair may be for the current step or up to two steps earlier,
/// so a user who types slowly is not refused. Steps at or before `last_step` were used
/// already and are refused.
pub fn accept_pair(
    seed: &[u8],
    now_step: u64,
    first: &str,
    second: &str,
    last_step: Option<u64>,
) -> Option<u64> {
    (0..=2u64).find_map(|back| {
        let step = now_step.checked_sub(back)?;
        let previous = step.checked_sub(1)?;
        let fresh = last_step.is_none_or(|last| previous > last);
        (fresh && device_code(seed, previous) == first && device_code(seed, step) == second)
            .then_some(step)
    })
}

/// The time step at which a single `code` is accepted (STS `TokenCode`): the current step or
/// one either side, not at or before `last_step`.
pub fn accept_code(seed: &[u8], now_step: u64, code: &str, last_step: Option<u64>) -> Option<u64> {
    [
        now_step.checked_sub(1),
        Some(now_step),
        now_step.checked_add(1),
    ]
    .into_iter()
    .flatten()
    .filter(|step| last_step.is_none_or(|last| *step > last))
    .find(|step| device_code(seed, *step) == code)
}

/// `bytes` as base32 text without padding (what authenticator apps read).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[((buffer >> bits) & 31) as usize],
            ));
        }
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[((buffer << (5 - bits)) & 31) as usize],
        ));
    }
    out
}

/// The bytes of base32 `text` (case-insensitive, padding ignored); `None` when a character is
/// outside the alphabet.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for ch in text.trim_end_matches('=').bytes() {
        let upper = ch.to_ascii_uppercase();
        let value = BASE32_ALPHABET.iter().position(|&c| c == upper)?;
        buffer = (buffer << 5) | u32::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SHA-1 seed of RFC 6238's test vectors.
    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors() {
        for (unix, expected) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code(RFC_SEED, time_step(unix), 8), expected, "T = {unix}");
        }
        // Six digits are the low six of the eight.
        assert_eq!(device_code(RFC_SEED, time_step(59)), "287082");
        assert_eq!(device_code(RFC_SEED, time_step(1_234_567_890)), "005924");
    }

    #[test]
    fn rfc_4226_hotp_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(device_code(RFC_SEED, counter as u64), *code);
        }
    }

    #[test]
    fn hmac_sha1_rfc_2202_vectors() {
        assert_eq!(
            hex::encode(hmac_sha1(&[0x0b; 20], b"Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00"
        );
        // A key longer than a block is hashed first.
        assert_eq!(
            hex::encode(hmac_sha1(
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        );
    }

    #[test]
    fn enabling_takes_two_consecutive_codes_within_the_window() {
        let now = 1_000_000;
        let code = |step| device_code(RFC_SEED, step);
        assert_eq!(
            accept_pair(RFC_SEED, now, &code(now - 1), &code(now), None),
            Some(now)
        );
        assert_eq!(
            accept_pair(RFC_SEED, now, &code(now - 3), &code(now - 2), None),
            Some(now - 2)
        );
        // Too old, not consecutive, reversed, or already used.
        assert_eq!(
            accept_pair(RFC_SEED, now, &code(now - 4), &code(now - 3), None),
            None
        );
        assert_eq!(
            accept_pair(RFC_SEED, now, &code(now - 2), &code(now), None),
            None
        );
        assert_eq!(
            accept_pair(RFC_SEED, now, &code(now), &code(now - 1), None),
            None
        );
        assert_eq!(
            accept_pair(RFC_SEED, now, &code(now - 1), &code(now), Some(now - 1)),
            None
        );
    }

    #[test]
    fn a_code_is_accepted_once_within_one_step_either_side() {
        let now = 1_000_000;
        let code = |step| device_code(RFC_SEED, step);
        assert_eq!(accept_code(RFC_SEED, now, &code(now), None), Some(now));
        assert_eq!(
            accept_code(RFC_SEED, now, &code(now + 1), None),
            Some(now + 1)
        );
        assert_eq!(
            accept_code(RFC_SEED, now, &code(now - 1), None),
            Some(now - 1)
        );
        assert_eq!(accept_code(RFC_SEED, now, &code(now - 2), None), None);
        assert_eq!(accept_code(RFC_SEED, now, &code(now), Some(now)), None);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_encode(b"fo"), "MZXQ");
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxq====").unwrap(), b"fo");
        assert!(base32_decode("MZ1Q").is_none());
        let seed: Vec<u8> = (0u8..40).collect();
        assert_eq!(base32_decode(&base32_encode(&seed)).unwrap(), seed);
    }
}
