//! `AssumeRoleWithWebIdentity` through the official Rust SDK, which sends it unsigned: a
//! token signed in the test with a key whose public half the server's config declares for an
//! OpenID Connect provider, a role created with IAM that trusts the provider for one
//! repository, and the session's credentials calling STS. Tokens for another subject, from
//! another key or past their expiry are refused with AWS's codes.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use getrandom::SysRng;
use lockbox::config::OidcProvider;
use lockbox::crypto::jwt::KeySet;
use lockbox::{Config, ServerHandle};
use p256::elliptic_curve::Generate as _;
use signature::Signer as _;
use spki::EncodePublicKey as _;

use crate::common::{error_of, start_with};

const ISSUER: &str = "https://token.actions.githubusercontent.com";
const PROVIDER_ARN: &str =
    "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com";

fn unsigned_sts(server: &ServerHandle) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

fn sts_with(server: &ServerHandle, credentials: Credentials) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

fn iam(server: &ServerHandle) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

fn token(key: &p256::ecdsa::SigningKey, sub: &str, expires_in: i64) -> String {
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs(),
    )
    .expect("seconds fit");
    let claims = serde_json::json!({
        "iss": ISSUER, "aud": "sts.amazonaws.com", "sub": sub,
        "iat": now, "exp": now + expires_in,
    });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","typ":"JWT","kid":"ci"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn new_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).expect("a key")
}

/// A server trusting a GitHub-Actions-like provider whose tokens `key` signs, with role `ci`
/// trusting the provider for repository `acme/app`.
async fn server_trusting(key: &p256::ecdsa::SigningKey) -> (ServerHandle, String) {
    let pem = key
        .verifying_key()
        .to_public_key_pem(pkcs8::LineEnding::LF)
        .expect("PEM");
    let provider = OidcProvider {
        account_id: "000000000000".into(),
        host_path: "token.actions.githubusercontent.com".into(),
        client_ids: vec!["sts.amazonaws.com".into()],
        keys: KeySet::from_pem(&pem).expect("the key"),
    };
    let server = start_with(Config {
        oidc_providers: vec![provider],
        ..Config::for_tests()
    })
    .await;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER_ARN}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}}}}]}}"#
    );
    let role = iam(&server)
        .create_role()
        .role_name("ci")
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("CreateRole")
        .role
        .expect("the role");
    (server, role.arn)
}

#[tokio::test]
async fn a_trusted_token_buys_a_role_session_without_credentials() {
    let key = new_key();
    let (server, role_arn) = server_trusting(&key).await;
    let output = unsigned_sts(&server)
        .assume_role_with_web_identity()
        .role_arn(&role_arn)
        .role_session_name("run-42")
        .web_identity_token(token(&key, "repo:acme/app:ref:refs/heads/main", 600))
        .send()
        .await
        .expect("AssumeRoleWithWebIdentity");
    assert_eq!(
        output.subject_from_web_identity_token(),
        Some("repo:acme/app:ref:refs/heads/main")
    );
    assert_eq!(output.provider(), Some(PROVIDER_ARN));
    assert_eq!(output.audience(), Some("sts.amazonaws.com"));
    let user = output.assumed_role_user().expect("the session");
    assert_eq!(
        user.arn(),
        "arn:aws:sts::000000000000:assumed-role/ci/run-42"
    );
    let credentials = output.credentials().expect("credentials");
    let session = sts_with(
        &server,
        Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            Some(credentials.session_token().to_owned()),
            None,
            "tests",
        ),
    );
    let me = session
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.arn(), Some(user.arn()));
}

#[tokio::test]
async fn untrusted_forged_and_expired_tokens_are_refused() {
    let key = new_key();
    let (server, role_arn) = server_trusting(&key).await;
    let sts = unsigned_sts(&server);
    let attempt = |token: String| {
        sts.assume_role_with_web_identity()
            .role_arn(&role_arn)
            .role_session_name("run-42")
            .web_identity_token(token)
            .send()
    };
    assert_eq!(
        error_of(attempt(token(&key, "repo:evil/app:ref:refs/heads/main", 600)).await),
        (
            "AccessDenied".to_owned(),
            "Not authorized to perform sts:AssumeRoleWithWebIdentity".to_owned()
        )
    );
    let (code, _) = error_of(attempt(token(&new_key(), "repo:acme/app:x", 600)).await);
    assert_eq!(code, "InvalidIdentityToken");
    let (code, message) = error_of(attempt(token(&key, "repo:acme/app:x", -60)).await);
    assert_eq!(code, "ExpiredTokenException");
    assert!(message.starts_with("Token expired: "), "{message}");
}
