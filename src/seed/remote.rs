//! A minimal HTTP/1.1 client for `lockbox export` / `lockbox import`, which talk to a running
//! server's admin endpoints with an [`AdminCredential`]: the admin token as a Bearer token, or
//! a SigV4 signature for the service name `lockbox`. Plain `http://` only; one request per
//! connection (`Connection: close`), the response read to EOF. Handles `Content-Length` and
//! chunked bodies. Kept tiny on purpose: no TLS, no redirects.

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use zeroize::Zeroizing;

use crate::crypto::Sensitive;
use crate::sigv4::{self, SecretKey, Signer};

/// How the client commands authenticate to the admin endpoints.
#[derive(Debug, Clone)]
pub enum AdminCredential {
    /// `Authorization: Bearer <token>`.
    Bearer(Sensitive<Zeroizing<String>>),
    /// A SigV4 signature with these keys (the default account's root key).
    Keys {
        /// Access key id.
        access_key_id: String,
        /// Secret access key.
        secret: SecretKey,
        /// Region of the credential scope (any region works).
        region: String,
    },
}

impl AdminCredential {
    /// From the environment as `lookup` reads it: `LOCKBOX_ADMIN_TOKEN` if set, else
    /// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` if both are set, else the built-in
    /// `test`/`test`; the region from `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| lookup(name).filter(|value| !value.is_empty());
        if let Some(token) = set("LOCKBOX_ADMIN_TOKEN") {
            return AdminCredential::Bearer(Sensitive::new(Zeroizing::new(token)));
        }
        let (access_key_id, secret) = match (set("AWS_ACCESS_KEY_ID"), set("AWS_SECRET_ACCESS_KEY"))
        {
            (Some(key), Some(secret)) => (key, SecretKey::new(secret)),
            _ => ("test".to_owned(), SecretKey::new("test")),
        };
        let region = set("AWS_REGION")
            .or_else(|| set("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".to_owned());
        AdminCredential::Keys {
            access_key_id,
            secret,
            region,
        }
    }

    /// The `Authorization` value for a request with these headers (which must hold `host`
    /// and `x-amz-date`) at `now`.
    fn authorization(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
        now: time::OffsetDateTime,
    ) -> String {
        match self {
            AdminCredential::Bearer(token) => format!("Bearer {}", token.expose().as_str()),
            AdminCredential::Keys {
                access_key_id,
                secret,
                region,
            } => {
                let (path, query) = path.split_once('?').unwrap_or((path, ""));
                let request = sigv4::Request {
                    method,
                    path,
                    query,
                    headers,
                    body,
                };
                let signer = Signer {
                    access_key_id,
                    secret,
                    region,
                    service: "lockbox",
                };
                signer.authorization(&request, now)
            }
        }
    }
}

/// Status and body of a response.
#[derive(Debug)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Body bytes (de-chunked).
    pub body: Vec<u8>,
}

/// Sends `method path` to `endpoint` (`http://host:port`) with an optional body, authenticated
/// with `credential` (none for the open health endpoint).
pub async fn request(
    endpoint: &str,
    credential: Option<&AdminCredential>,
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
    let now = time::OffsetDateTime::now_utc();
    let amz_date = sigv4::format_amz_date(now);
    let mut signed: Vec<(&str, &[u8])> = vec![
        ("host", authority.as_bytes()),
        ("x-amz-date", amz_date.as_bytes()),
    ];
    let payload: &[u8] = match body {
        Some((content_type, bytes)) => {
            signed.push(("content-type", content_type.as_bytes()));
            bytes
        }
        None => b"",
    };
    let mut head = Zeroizing::new(format!("{method} {path} HTTP/1.1\r\n"));
    for (name, value) in &signed {
        head.push_str(&format!("{name}: {}\r\n", String::from_utf8_lossy(value)));
    }
    if let Some(credential) = credential {
        let authorization = credential.authorization(method, path, &signed, payload, now);
        head.push_str(&format!("Authorization: {authorization}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\nAccept: */*\r\n\r\n",
        payload.len()
    ));
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
    fn the_credential_comes_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert!(matches!(
            AdminCredential::from_env(env(&[("LOCKBOX_ADMIN_TOKEN", "t0k3n-t0k3n-t0k3n"), ("AWS_ACCESS_KEY_ID", "k")])),
            AdminCredential::Bearer(token) if token.expose().as_str() == "t0k3n-t0k3n-t0k3n"
        ));
        let AdminCredential::Keys {
            access_key_id,
            region,
            ..
        } = AdminCredential::from_env(env(&[
            ("AWS_ACCESS_KEY_ID", "AKIDOWNER"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ]))
        else {
            panic!("keys expected");
        };
        assert_eq!(
            (access_key_id.as_str(), region.as_str()),
            ("AKIDOWNER", "eu-west-1")
        );
        let AdminCredential::Keys {
            access_key_id,
            region,
            ..
        } = AdminCredential::from_env(env(&[("AWS_ACCESS_KEY_ID", "only-the-id")]))
        else {
            panic!("keys expected");
        };
        assert_eq!(
            (access_key_id.as_str(), region.as_str()),
            ("test", "us-east-1")
        );
    }

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
