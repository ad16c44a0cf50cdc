//! A minimal HTTP/1.1 client for `lockbox export` / `lockbox import`, which talk to a running
//! server's admin endpoints. Plain `http://` only (the admin surface is unsigned and meant for
//! loopback); one request per connection (`Connection: close`), the response read to EOF.
//! Handles `Content-Length` and chunked bodies. Kept tiny on purpose: no TLS, no redirects.

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Status and body of a response.
#[derive(Debug)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Body bytes (de-chunked).
    pub body: Vec<u8>,
}

/// Sends `method path` to `endpoint` (`http://host:port`) with an optional body.
pub async fn request(
    endpoint: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> Result<Response, String> {
    let authority = endpoint
        .strip_prefix("http://")
        .ok_or_else(|| format!("endpoint '{endpoint}' must start with http://"))?
        .trim_end_matches('/');
    if authority.is_empty() || authority.contains('/') {
        return Err(format!("endpoint '{endpoint}' must be http://host:port"));
    }
    let mut stream = TcpStream::connect(authority)
        .await
        .map_err(|e| format!("cannot connect to {endpoint}: {e}"))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nAccept: */*\r\n"
    );
    let payload: &[u8] = match body {
        Some((content_type, bytes)) => {
            head.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                bytes.len()
            ));
            bytes
        }
        None => b"",
    };
    head.push_str("\r\n");
    let io = |e: std::io::Error| format!("talking to {endpoint}: {e}");
    stream.write_all(head.as_bytes()).await.map_err(io)?;
    stream.write_all(payload).await.map_err(io)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.map_err(io)?;
    parse_response(&raw).ok_or_else(|| format!("{endpoint} sent a malformed HTTP response"))
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let rest = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut chunked = false;
    let mut length = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        } else if name.eq_ignore_ascii_case("content-length") {
            length = value.parse::<usize>().ok();
        }
    }
    let body = if chunked {
        dechunk(rest)?
    } else {
        match length {
            Some(n) => rest.get(..n)?.to_vec(),
            None => rest.to_vec(),
        }
    };
    Some(Response { status, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_length_and_chunked_bodies() {
        let plain = parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi").unwrap();
        assert_eq!((plain.status, plain.body.as_slice()), (200, &b"hi"[..]));
        let chunked = parse_response(
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            (chunked.status, chunked.body.as_slice()),
            (400, &b"abcde"[..])
        );
        assert!(parse_response(b"garbage").is_none());
    }
}
