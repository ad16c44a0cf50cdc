//! Who may use the admin endpoints: a credential where one is needed (SigV4 for `lockbox` by
//! the default account's root key, or the admin token), never a browser context, health open,
//! moto's reset open to loopback callers, and `--auth off` open except for plaintext exports.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::admin::{AdminAuth, admin_call_with};
use common::start_with;
use lockbox::config::{AuthMode, CredentialConfig};
use lockbox::{Config, ServerHandle};

const TOKEN: &str = "admin-token-0123456789";

/// Every guarded endpoint, as (method, path, body).
const GUARDED: &[(&str, &str, Option<&str>)] = &[
    ("POST", "/_lockbox/reset", None),
    ("GET", "/_lockbox/events", None),
    (
        "POST",
        "/_lockbox/explain",
        Some(
            r#"{"principal":"arn:aws:iam::000000000000:root","action":"kms:ListKeys","resource":"*"}"#,
        ),
    ),
    ("GET", "/_lockbox/clock", None),
    ("POST", "/_lockbox/clock", Some(r#"{"advance":"1s"}"#)),
    ("GET", "/_lockbox/export", None),
    ("GET", "/_lockbox/export?plaintext=true", None),
    (
        "POST",
        "/_lockbox/import",
        Some(r#"{"version":1,"partitions":[]}"#),
    ),
];

fn with_token() -> Config {
    Config {
        admin_token: Some(lockbox::config::AdminToken::new(zeroize::Zeroizing::new(
            TOKEN.to_owned(),
        ))),
        ..Config::for_tests()
    }
}

async fn status(
    server: &ServerHandle,
    call: (&str, &str, Option<&str>),
    auth: AdminAuth<'_>,
) -> u16 {
    let (method, path, body) = call;
    let answer = admin_call_with(server, method, path, body, auth, &[]).await;
    assert!(
        answer.text.starts_with('{'),
        "{method} {path}: {}",
        answer.text
    );
    answer.status
}

#[tokio::test]
async fn every_guarded_endpoint_needs_the_owners_credential() {
    let server = start_with(with_token()).await;
    for &call in GUARDED {
        assert_eq!(
            status(&server, call, AdminAuth::None).await,
            401,
            "{call:?}"
        );
        assert_eq!(
            status(&server, call, AdminAuth::Keys("test", "wrong")).await,
            403,
            "{call:?}"
        );
        // The root of another account is not the instance's owner.
        assert_eq!(
            status(&server, call, AdminAuth::Keys("111111111111", "test")).await,
            403,
            "{call:?}"
        );
        assert_eq!(
            status(&server, call, AdminAuth::Bearer("admin-token-012345678")).await,
            403,
            "{call:?}"
        );
        assert_eq!(
            status(&server, call, AdminAuth::Keys("test", "test")).await,
            200,
            "{call:?}"
        );
        assert_eq!(
            status(&server, call, AdminAuth::Bearer(TOKEN)).await,
            200,
            "{call:?}"
        );
    }
}

#[tokio::test]
async fn without_a_configured_token_a_bearer_token_opens_nothing() {
    let server = common::start().await;
    let answer = admin_call_with(
        &server,
        "GET",
        "/_lockbox/events",
        None,
        AdminAuth::Bearer(TOKEN),
        &[],
    )
    .await;
    assert_eq!(answer.status, 403);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("no admin token is configured")
    );
}

#[tokio::test]
async fn health_stays_open_and_reveals_nothing_sensitive() {
    let server = start_with(with_token()).await;
    let sm = common::client(&server);
    common::create_string_secret(&sm, "db", "health-must-not-show-this").await;
    let answer = admin_call_with(
        &server,
        "GET",
        "/_lockbox/health",
        None,
        AdminAuth::None,
        &[],
    )
    .await;
    assert_eq!(answer.status, 200);
    let mut keys: Vec<String> = answer.json().as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["auth", "services", "status", "store", "version"]);
    assert!(!answer.text.contains("health-must-not-show-this") && !answer.text.contains(TOKEN));
}

#[tokio::test]
async fn a_declared_owner_key_replaces_test_test_and_an_iam_user_is_not_the_owner() {
    let declared = |key: &str, user: Option<&str>| CredentialConfig {
        access_key_id: key.to_owned(),
        secret_access_key: zeroize::Zeroizing::new(format!("{key}-secret")),
        account_id: "000000000000".to_owned(),
        user_name: user.map(str::to_owned),
        arn: None,
    };
    let server = start_with(Config {
        credentials: vec![
            declared("AKIDOWNER", None),
            declared("AKIDDEV", Some("dev")),
        ],
        ..Config::for_tests()
    })
    .await;
    let call = ("GET", "/_lockbox/clock", None);
    assert_eq!(
        status(
            &server,
            call,
            AdminAuth::Keys("AKIDOWNER", "AKIDOWNER-secret")
        )
        .await,
        200
    );
    assert_eq!(
        status(&server, call, AdminAuth::Keys("test", "test")).await,
        403
    );
    let answer = admin_call_with(
        &server,
        "GET",
        "/_lockbox/clock",
        None,
        AdminAuth::Keys("AKIDDEV", "AKIDDEV-secret"),
        &[],
    )
    .await;
    assert_eq!(answer.status, 403);
    assert!(
        answer
            .text
            .contains("arn:aws:iam::000000000000:user/dev is not the root user"),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn browser_contexts_are_refused_even_with_a_valid_credential() {
    let server = start_with(with_token()).await;
    let port = server.addr().port();
    let own_origin = format!("http://127.0.0.1:{port}");
    let foreign_host = format!("evil.example:{port}");
    let refused: [(&str, &str, u16); 5] = [
        ("origin", "http://evil.example", 403),
        ("origin", "null", 403),
        ("host", &foreign_host, 403),
        ("sec-fetch-site", "cross-site", 403),
        ("content-type", "text/plain", 415),
    ];
    for (name, value, expected) in refused {
        let answer = raw(
            &server,
            "POST",
            "/_lockbox/reset",
            &[("authorization", &format!("Bearer {TOKEN}")), (name, value)],
        )
        .await;
        assert_eq!(answer.0, expected, "{name}: {value}: {}", answer.1);
        assert!(
            answer.1.contains("not accepted from web pages"),
            "{}",
            answer.1
        );
    }
    let same_origin = raw(
        &server,
        "POST",
        "/_lockbox/reset",
        &[
            ("authorization", &format!("Bearer {TOKEN}")),
            ("origin", &own_origin),
        ],
    )
    .await;
    assert_eq!(same_origin.0, 200, "{}", same_origin.1);
    // A configured name passes the Host check.
    let named = start_with(Config {
        admin_hosts: vec!["lockbox".to_owned()],
        ..with_token()
    })
    .await;
    let answer = raw(
        &named,
        "POST",
        "/_lockbox/reset",
        &[
            ("authorization", &format!("Bearer {TOKEN}")),
            ("host", "lockbox:4566"),
        ],
    )
    .await;
    assert_eq!(answer.0, 200, "{}", answer.1);
}

/// A request with exactly these extra headers (a `host` entry replaces the real one).
async fn raw(
    server: &ServerHandle,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let http = reqwest::Client::new();
    let mut request = http.request(
        reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
        format!("{}{path}", server.endpoint_url()),
    );
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn moto_reset_is_open_to_loopback_callers_only_outside_a_browser() {
    let server = common::start().await;
    common::create_string_secret(&common::client(&server), "gone", "v").await;
    assert_eq!(raw(&server, "POST", "/moto-api/reset", &[]).await.0, 200);
    assert!(
        common::client(&server)
            .describe_secret()
            .secret_id("gone")
            .send()
            .await
            .is_err()
    );
    let from_page = raw(
        &server,
        "POST",
        "/moto-api/reset",
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(from_page.0, 403);
    // Lockbox's own reset path is not exempt.
    assert_eq!(raw(&server, "POST", "/_lockbox/reset", &[]).await.0, 401);
}

#[tokio::test]
async fn auth_off_is_open_except_for_plaintext_exports() {
    let server = start_with(Config {
        auth: AuthMode::Off,
        ..with_token()
    })
    .await;
    for &(method, path, body) in GUARDED {
        let expected = if path.contains("plaintext=true") {
            401
        } else {
            200
        };
        assert_eq!(
            status(&server, (method, path, body), AdminAuth::None).await,
            expected,
            "{path}"
        );
    }
    let plaintext = ("GET", "/_lockbox/export?plaintext=true", None);
    assert_eq!(
        status(&server, plaintext, AdminAuth::Bearer(TOKEN)).await,
        200
    );
    // Under --auth off a signature is still verified where a credential is needed.
    assert_eq!(
        status(&server, plaintext, AdminAuth::Keys("test", "nope")).await,
        403
    );
    assert_eq!(
        status(&server, plaintext, AdminAuth::Keys("test", "test")).await,
        200
    );
    // Browser checks hold in every mode.
    let answer = raw(
        &server,
        "POST",
        "/_lockbox/reset",
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(answer.0, 403);
}

#[tokio::test]
async fn the_cli_commands_sign_with_the_environments_credential() {
    let server = start_with(with_token()).await;
    let binary = env!("CARGO_BIN_EXE_lockbox");
    let run = |envs: Vec<(&'static str, &'static str)>| {
        let endpoint = server.endpoint_url();
        async move {
            tokio::process::Command::new(binary)
                .env_remove("LOCKBOX_ADMIN_TOKEN")
                .env_remove("AWS_ACCESS_KEY_ID")
                .env_remove("AWS_SECRET_ACCESS_KEY")
                .envs(envs)
                .args(["export", "--plaintext", "--endpoint", &endpoint])
                .output()
                .await
                .unwrap()
        }
    };
    assert!(run(vec![]).await.status.success(), "test/test by default");
    assert!(
        run(vec![("LOCKBOX_ADMIN_TOKEN", TOKEN)])
            .await
            .status
            .success()
    );
    let refused = run(vec![
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "wrong"),
    ])
    .await;
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("the server answered 403: admin credential refused"),
        "{stderr}"
    );
    let refused = run(vec![("LOCKBOX_ADMIN_TOKEN", "not-the-admin-token-at-all")]).await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&refused.stderr).contains("not-the-admin-token-at-all"));
}
