//! The awsJson1_1 edge seen through raw HTTP: envelope, headers, protocol errors, body cap,
//! and the admin endpoints.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{client, raw_call, raw_call_with, start, start_with};
use lockbox::Config;
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test]
async fn success_and_error_carry_request_id_and_content_type() {
    let server = start().await;
    let (status, headers, body) = raw_call(
        &server,
        Some("secretsmanager.CreateSecret"),
        br#"{"Name":"raw"}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "application/x-amz-json-1.1");
    assert_eq!(headers["x-amzn-requestid"].len(), 36);
    let value = json(&body);
    assert!(
        value.get("VersionId").is_none(),
        "absent members are omitted: {body}"
    );
    assert!(!body.contains("null"));

    let (status, headers, body) = raw_call(
        &server,
        Some("secretsmanager.DescribeSecret"),
        br#"{"SecretId":"missing"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(headers["x-amzn-requestid"].len(), 36);
    assert_eq!(
        json(&body),
        serde_json::json!({"__type": "ResourceNotFoundException", "Message": "Secrets Manager can't find the specified secret."})
    );
}

#[tokio::test]
async fn missing_token_body_is_aws_byte_for_byte() {
    let server = start().await;
    let (status, _, body) = raw_call_with(
        &server,
        Some("secretsmanager.DescribeSecret"),
        br#"{"SecretId":"x"}"#,
        false,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}"#
    );
}

#[tokio::test]
async fn unknown_operations_and_targets() {
    let server = start().await;
    for target in [
        Some("secretsmanager.NoSuchOperation"),
        Some("nosuchservice.Op"),
        None,
    ] {
        let (status, _, body) = raw_call(&server, target, b"{}").await;
        assert_eq!(status, 400, "{target:?}");
        assert_eq!(
            json(&body)["__type"],
            "UnknownOperationException",
            "{target:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_operation_of_a_known_service_is_named_in_the_message() {
    let server = start().await;
    for (target, service, message) in [
        (
            "TrentService.NoSuchOperation",
            "kms",
            "Unknown operation NoSuchOperation for service TrentService.",
        ),
        (
            "secretsmanager.NoSuchOperation",
            "secretsmanager",
            "Unknown operation NoSuchOperation for service secretsmanager.",
        ),
        (
            "TrentService.decrypt",
            "kms",
            "Unknown operation decrypt for service TrentService.",
        ),
    ] {
        let (status, body) = common::kms::signed_call(&server, target, service, b"{}").await;
        assert_eq!(status, 400, "{target}");
        assert_eq!(body["__type"], "UnknownOperationException", "{target}");
        assert_eq!(body["message"], message, "{target}");
    }
    // No service named: no message.
    let (_, _, body) = raw_call(&server, Some("nosuchservice.Op"), b"{}").await;
    assert!(json(&body).get("message").is_none(), "{body}");
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_serialization_errors() {
    let server = start().await;
    for body in [
        &b"{not json"[..],
        br#"{"Name": 5}"#,
        br#"["Name"]"#,
        br#"{"Name":"a"} trailing"#,
    ] {
        let (status, _, text) = raw_call(&server, Some("secretsmanager.CreateSecret"), body).await;
        assert_eq!(status, 400);
        assert_eq!(json(&text)["__type"], "SerializationException", "{text}");
    }
    let (_, _, text) = raw_call(
        &server,
        Some("secretsmanager.CreateSecret"),
        br#"{"Name":"n","SecretString":{"v":"hunter2"}}"#,
    )
    .await;
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn empty_body_means_no_members() {
    let server = start().await;
    let (status, _, text) = raw_call(&server, Some("secretsmanager.DescribeSecret"), b"").await;
    assert_eq!(status, 400);
    assert_eq!(
        json(&text),
        serde_json::json!({"__type": "ValidationException", "message": "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null"})
    );
}

#[tokio::test]
async fn raw_writes_without_a_token_are_refused() {
    let server = start().await;
    let (status, _, text) = raw_call(
        &server,
        Some("secretsmanager.CreateSecret"),
        br#"{"Name":"n","SecretString":"v"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        json(&text),
        serde_json::json!({"__type": "InvalidRequestException", "Message": "You must provide a ClientRequestToken value. We recommend a UUID-type value."})
    );
}

#[tokio::test]
async fn binary_is_base64_on_the_wire_exactly_once() {
    let server = start().await;
    let body = br#"{"Name":"b","SecretBinary":"AAH/","ClientRequestToken":"00000000-0000-0000-0000-000000000001"}"#;
    assert_eq!(
        raw_call(&server, Some("secretsmanager.CreateSecret"), body)
            .await
            .0,
        200
    );
    let (_, _, text) = raw_call(
        &server,
        Some("secretsmanager.GetSecretValue"),
        br#"{"SecretId":"b"}"#,
    )
    .await;
    let value = json(&text);
    assert_eq!(value["SecretBinary"], "AAH/");
    assert!(value["CreatedDate"].is_number());
    let (_, _, text) = raw_call(
        &server,
        Some("secretsmanager.CreateSecret"),
        br#"{"Name":"c","SecretBinary":"%%%"}"#,
    )
    .await;
    assert_eq!(json(&text)["__type"], "SerializationException");
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_parsing() {
    let server = start().await;
    let huge = vec![b' '; 2 * 1024 * 1024];
    let (status, _, text) = raw_call(&server, Some("secretsmanager.CreateSecret"), &huge).await;
    assert_eq!(status, 413);
    assert_eq!(json(&text)["__type"], "RequestEntityTooLargeException");
    // The server keeps serving.
    assert_eq!(
        raw_call(
            &server,
            Some("secretsmanager.CreateSecret"),
            br#"{"Name":"after"}"#
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_without_waiting_for_it() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server = start().await;
    let address = server
        .endpoint_url()
        .trim_start_matches("http://")
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: secretsmanager.CreateSecret\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 50000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // No body byte is ever sent: the answer must not wait for one.
    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let n = stream.read(&mut buffer).await.unwrap_or(0);
            response.extend_from_slice(&buffer[..n]);
            if n == 0 || response.windows(4).any(|w| w == b"\r\n\r\n") && response.ends_with(b"}") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server waited for the announced body");
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("RequestEntityTooLargeException"), "{text}");
}

#[tokio::test]
async fn admin_health_and_reset() {
    let server = start_with(Config::for_tests()).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/_lockbox/health", server.endpoint_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let health = json(&health.text().await.unwrap());
    assert_eq!(health["status"], "running");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["services"]["secretsmanager"], "available");

    let sm = client(&server);
    let other = common::client_as(&server, "111111111111", "test", "us-east-1");
    sm.create_secret().name("a").send().await.unwrap();
    other.create_secret().name("a").send().await.unwrap();

    let reset = common::admin::admin_call(
        &server,
        "POST",
        "/_lockbox/reset",
        Some(r#"{"account":"111111111111"}"#),
    )
    .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert!(sm.describe_secret().secret_id("a").send().await.is_ok());
    assert!(other.describe_secret().secret_id("a").send().await.is_err());

    let reset = http
        .post(format!("{}/moto-api/reset", server.endpoint_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert!(sm.describe_secret().secret_id("a").send().await.is_err());

    let bad = common::admin::admin_call(
        &server,
        "POST",
        "/_lockbox/reset",
        Some(r#"{"account":"12"}"#),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

/// Shutdown drains: a request whose body is still being uploaded when shutdown is triggered
/// gets its full, successful response, and only then does the server stop. Fails if shutdown
/// returned before the in-flight request finished, cut its connection, or never stopped.
#[tokio::test]
async fn graceful_shutdown_completes() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let server = start().await;
    let sm = client(&server);
    sm.create_secret()
        .name("x")
        .secret_string("in flight")
        .send()
        .await
        .unwrap();

    // A signed GetSecretValue sent by hand with `Expect: 100-continue`: the server answers
    // "100 Continue" once its handler is reading the body, which proves the request is in
    // flight (a connection that has not started a request would just be closed).
    let addr = server.addr();
    let host = addr.to_string();
    let body = br#"{"SecretId":"x"}"#;
    let headers = common::sign_headers(
        &host,
        vec![
            ("host".to_owned(), host.clone()),
            (
                "content-type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            ),
            (
                "x-amz-target".to_owned(),
                "secretsmanager.GetSecretValue".to_owned(),
            ),
        ],
        body,
        std::time::SystemTime::now(),
    );
    let mut head = String::from("POST / HTTP/1.1\r\n");
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nexpect: 100-continue\r\n\r\n",
        body.len()
    ));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let (first_half, second_half) = body.split_at(body.len() / 2);
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut byte))
            .await
            .expect("the server answers the Expect header")
            .unwrap();
        assert_eq!(read, 1, "connection closed before 100 Continue");
        interim.push(byte[0]);
    }
    assert!(
        interim.starts_with(b"HTTP/1.1 100 Continue"),
        "{}",
        String::from_utf8_lossy(&interim)
    );
    stream.write_all(first_half).await.unwrap();
    stream.flush().await.unwrap();

    // Trigger shutdown while the body is half sent; it has begun once the listener is gone.
    let mut shutdown = tokio::spawn(server.shutdown());
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still accepting after shutdown"
        );
        // Polls the server task closing its listener: a wait for a task, not for a time.
        tokio::task::yield_now().await;
    }
    // The server must be waiting for the in-flight request, not finished.
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), &mut shutdown)
            .await
            .is_err(),
        "shutdown finished while a request was still in flight"
    );

    // The rest of the body: the request completes with a full, successful response.
    stream.write_all(second_half).await.unwrap();
    stream.flush().await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await
    .expect("the response arrives")
    .unwrap();
    let response = String::from_utf8(response).unwrap();
    let (status_and_headers, payload) = response.split_once("\r\n\r\n").expect("a response");
    assert!(
        status_and_headers.starts_with("HTTP/1.1 200 "),
        "{status_and_headers}"
    );
    assert_eq!(json(payload)["SecretString"], "in flight", "{payload}");

    // Then the server stops.
    tokio::time::timeout(std::time::Duration::from_secs(10), shutdown)
        .await
        .expect("the server stops once the request is done")
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn duplicated_signed_headers_are_refused_quickly() {
    // Issue 11, item 3: one large header listed 2,500 times in SignedHeaders with a wrong
    // signature used to cost seconds, hundreds of MB and a huge log line. Now the parse refuses it.
    let server = start().await;
    let now = lockbox::sigv4::format_amz_date(time::OffsetDateTime::now_utc());
    let signed = format!(
        "content-type;host;x-amz-date;x-amz-target{}",
        ";x-big".repeat(2_500)
    );
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=test/{}/us-east-1/secretsmanager/aws4_request, SignedHeaders={signed}, Signature={}",
        &now[..8],
        "0".repeat(64)
    );
    let started = std::time::Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{}/", server.endpoint_url()))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "secretsmanager.ListSecrets")
        .header("x-amz-date", now.as_str())
        .header("x-big", "b".repeat(40_000))
        .header("authorization", authorization)
        .body("{}")
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(status, 400, "{text}");
    let body = json(&text);
    assert_eq!(body["__type"], "IncompleteSignatureException");
    assert!(
        text.contains(
            "Authorization header 'SignedHeaders' parameter lists 2504 headers; at most 64 are allowed."
        ),
        "{text}"
    );
}
