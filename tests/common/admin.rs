//! Calls to the admin endpoints (`/_lockbox/*`): signed with SigV4 for the service name
//! `lockbox` by the default account's root key (`test`/`test`) unless the test asks for
//! another credential, as every admin request except health must be.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use lockbox::ServerHandle;

/// The credential an admin request carries.
#[derive(Debug, Clone, Copy)]
pub enum AdminAuth<'a> {
    /// No `Authorization` header.
    None,
    /// SigV4 (service `lockbox`, us-east-1) with this access key id and secret.
    Keys(&'a str, &'a str),
    /// `Authorization: Bearer <token>`.
    Bearer(&'a str),
}

/// Status and body of an admin answer.
#[derive(Debug)]
pub struct AdminResponse {
    pub status: u16,
    pub text: String,
}

impl AdminResponse {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("JSON body: {}", self.text))
    }
}

/// `method path_and_query` with an optional JSON body, signed as `test`/`test`.
pub async fn admin_call(
    server: &ServerHandle,
    method: &str,
    path_and_query: &str,
    body: Option<&str>,
) -> AdminResponse {
    admin_call_with(
        server,
        method,
        path_and_query,
        body,
        AdminAuth::Keys("test", "test"),
        &[],
    )
    .await
}

/// `method path_and_query` with an optional body (sent as `application/json` unless `extra`
/// sets a content type), the given credential and extra headers (signed too when signing).
pub async fn admin_call_with(
    server: &ServerHandle,
    method: &str,
    path_and_query: &str,
    body: Option<&str>,
    auth: AdminAuth<'_>,
    extra: &[(&str, &str)],
) -> AdminResponse {
    let url = format!("{}{path_and_query}", server.endpoint_url());
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut headers: Vec<(String, String)> = vec![("host".to_owned(), host)];
    if body.is_some()
        && !extra
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("content-type".to_owned(), "application/json".to_owned()));
    }
    for (name, value) in extra {
        headers.push(((*name).to_owned(), (*value).to_owned()));
    }
    let payload = body.unwrap_or_default().as_bytes().to_vec();
    match auth {
        AdminAuth::None => {}
        AdminAuth::Bearer(token) => {
            headers.push(("authorization".to_owned(), format!("Bearer {token}")));
        }
        AdminAuth::Keys(key, secret) => {
            headers = sign(method, &url, headers, &payload, key, secret);
        }
    }
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = http.request(method, &url);
    for (name, value) in &headers {
        if !name.eq_ignore_ascii_case("host") {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    if body.is_some() {
        request = request.body(payload);
    }
    let response = request.send().await.expect("send");
    AdminResponse {
        status: response.status().as_u16(),
        text: response.text().await.expect("body"),
    }
}

fn sign(
    method: &str,
    url: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
    key: &str,
    secret: &str,
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let identity = Credentials::new(key, secret, None, None, "admin").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("lockbox")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .expect("params")
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .expect("signable");
    let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
    let mut out = headers;
    for (name, value) in instructions.headers() {
        out.push((name.to_owned(), value.to_owned()));
    }
    out
}
