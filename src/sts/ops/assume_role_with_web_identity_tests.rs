#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use getrandom::SysRng;
use p256::elliptic_curve::Generate as _;
use signature::Signer as _;
use spki::EncodePublicKey as _;

use super::*;
use crate::crypto::jwt::KeySet;
use crate::identity::RoleFacts;
use crate::sts::ops::test_support::{NOW, ctx_as, sts_with};

const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/ci/deployer";
const HOST: &str = "token.example.com";
const PROVIDER_ARN: &str = "arn:aws:iam::111122223333:oidc-provider/token.example.com";

fn trust(condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER_ARN}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
    )
}

fn role(trust_policy: &str) -> RoleFacts {
    RoleFacts {
        arn: ROLE_ARN.into(),
        name: "deployer".into(),
        account_id: "111122223333".into(),
        role_id: "AROAEXAMPLEROLEID0001".into(),
        trust_policy: trust_policy.into(),
        max_session_duration: 3600,
    }
}

struct Fixture {
    sts: Sts,
    key: p256::ecdsa::SigningKey,
}

fn fixture(trust_policy: &str) -> Fixture {
    let key = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).unwrap();
    let pem = key
        .verifying_key()
        .to_public_key_pem(pkcs8::LineEnding::LF)
        .unwrap();
    let provider = OidcProvider {
        account_id: "111122223333".into(),
        host_path: HOST.into(),
        client_ids: vec!["sts.amazonaws.com".into()],
        keys: KeySet::from_pem(&pem).unwrap(),
    };
    let (sts, _) = sts_with(vec![role(trust_policy)]);
    Fixture {
        sts: sts.with_oidc_providers(vec![provider]),
        key,
    }
}

fn token(key: &p256::ecdsa::SigningKey, claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{body}");
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn claims(sub: &str) -> Value {
    serde_json::json!({
        "iss": format!("https://{HOST}"),
        "aud": "sts.amazonaws.com",
        "sub": sub,
        "exp": NOW.unix_timestamp() + 300,
        "nbf": NOW.unix_timestamp() - 10,
    })
}

fn input(token: String) -> AssumeRoleWithWebIdentityInput {
    AssumeRoleWithWebIdentityInput {
        role_arn: ROLE_ARN.into(),
        role_session_name: "ci-run".into(),
        web_identity_token: token.into(),
        provider_id: None,
        policy_arns: None,
        policy: None,
        duration_seconds: None,
    }
}

#[test]
fn the_token_is_never_printed() {
    let printed = format!("{:?}", input("header.claims.signature".into()));
    assert!(!printed.contains("claims"), "{printed}");
}

fn anonymous() -> RequestCtx {
    ctx_as(Principal::from_arn("000000000000", "", ""))
}

fn call(fixture: &Fixture, claims: &Value) -> Result<AssumeRoleWithWebIdentityOutput, StsError> {
    assume_role_with_web_identity(
        &fixture.sts,
        &anonymous(),
        input(token(&fixture.key, claims)),
    )
}

fn sub_like(pattern: &str) -> String {
    trust(&format!(
        r#"{{"StringLike":{{"{HOST}:sub":"{pattern}"}},"StringEquals":{{"{HOST}:aud":"sts.amazonaws.com"}}}}"#
    ))
}

#[test]
fn a_valid_token_of_a_trusted_subject_gets_a_role_session() {
    let fixture = fixture(&sub_like("repo:acme/*"));
    let output = call(&fixture, &claims("repo:acme/app:ref:refs/heads/main")).unwrap();
    assert_eq!(
        output.subject_from_web_identity_token,
        "repo:acme/app:ref:refs/heads/main"
    );
    assert_eq!(output.provider, PROVIDER_ARN);
    assert_eq!(output.audience, "sts.amazonaws.com");
    assert_eq!(
        output.assumed_role_user.arn,
        "arn:aws:sts::111122223333:assumed-role/deployer/ci-run"
    );
    assert_eq!(output.credentials.expiration, "2026-01-01T13:00:00Z");
    assert!(output.credentials.access_key_id.starts_with("ASIA"));
}

#[test]
fn the_trust_policy_conditions_decide() {
    let trusting = fixture(&sub_like("repo:acme/*"));
    assert_eq!(
        call(&trusting, &claims("repo:evil/app")).unwrap_err(),
        StsError::AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity".into())
    );
    let other_provider = fixture(&trust("{}").replace("token.example.com", "other.example.com"));
    assert!(matches!(
        call(&other_provider, &claims("repo:acme/app")),
        Err(StsError::AccessDenied(_))
    ));
}

#[test]
fn bad_tokens_are_refused_with_their_own_errors() {
    let fixture = fixture(&sub_like("*"));
    let mut wrong_audience = claims("repo:acme/app");
    wrong_audience["aud"] = serde_json::json!(["someone-else"]);
    assert_eq!(
        call(&fixture, &wrong_audience).unwrap_err(),
        StsError::InvalidIdentityToken("Incorrect token audience".into())
    );
    let mut expired = claims("repo:acme/app");
    expired["exp"] = serde_json::json!(NOW.unix_timestamp());
    assert!(matches!(
        call(&fixture, &expired),
        Err(StsError::ExpiredTokenException(m)) if m.starts_with("Token expired: current date/time ")
    ));
    let mut early = claims("repo:acme/app");
    early["nbf"] = serde_json::json!(NOW.unix_timestamp() + 60);
    assert!(matches!(
        call(&fixture, &early),
        Err(StsError::InvalidIdentityToken(_))
    ));
    let mut unknown_issuer = claims("repo:acme/app");
    unknown_issuer["iss"] = serde_json::json!("https://elsewhere.example");
    assert_eq!(
        call(&fixture, &unknown_issuer).unwrap_err(),
        StsError::InvalidIdentityToken(
            "No OpenIDConnect provider found in your account for https://elsewhere.example".into()
        )
    );
    let mut no_subject = claims("repo:acme/app");
    no_subject.as_object_mut().unwrap().remove("sub");
    assert!(matches!(
        call(&fixture, &no_subject),
        Err(StsError::InvalidIdentityToken(_))
    ));
    let forger = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).unwrap();
    assert_eq!(
        assume_role_with_web_identity(
            &fixture.sts,
            &anonymous(),
            input(token(&forger, &claims("repo:acme/app")))
        )
        .unwrap_err(),
        StsError::InvalidIdentityToken("The web identity token's signature is invalid.".into())
    );
    assert!(matches!(
        assume_role_with_web_identity(&fixture.sts, &anonymous(), input("not-a-jwt".into())),
        Err(StsError::InvalidIdentityToken(m)) if m.starts_with("The ID Token provided is not a valid JWT")
    ));
}
