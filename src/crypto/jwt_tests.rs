#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use getrandom::SysRng;
use p256::elliptic_curve::Generate as _;
use rsa::Pkcs1v15Sign;
use rsa::sha2::{Digest as _, Sha256};
use rsa::traits::PublicKeyParts as _;
use signature::Signer as _;
use spki::EncodePublicKey as _;

use super::*;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unsigned(alg: &str, kid: Option<&str>, claims: &Value) -> String {
    let mut header = serde_json::json!({"alg": alg, "typ": "JWT"});
    if let Some(kid) = kid {
        header["kid"] = Value::String(kid.into());
    }
    format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

fn rsa_pair() -> rsa::PrivateKey {
    rsa::PrivateKey::new(&mut SysRng, 2048).unwrap()
}

fn rs256(key: &rsa::PrivateKey, kid: Option<&str>, claims: &Value) -> String {
    let input = unsigned("RS256", kid, claims);
    let digest = Sha256::digest(input.as_bytes());
    let signature = key.sign(Pkcs1v15Sign::new::<Sha256>(), &digest).unwrap();
    format!("{input}.{}", b64(&signature))
}

fn es256(key: &p256::ecdsa::SigningKey, kid: Option<&str>, claims: &Value) -> String {
    let input = unsigned("ES256", kid, claims);
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

fn rsa_jwk(key: &rsa::PrivateKey, kid: &str) -> Value {
    let public = key.to_public_key();
    serde_json::json!({
        "kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
        "n": b64(&public.n().to_be_bytes_trimmed_vartime()),
        "e": b64(&public.e().to_be_bytes_trimmed_vartime()),
    })
}

fn p256_jwk(key: &p256::ecdsa::SigningKey, kid: &str) -> Value {
    let point = key.verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    serde_json::json!({
        "kty": "EC", "crv": "P-256", "kid": kid,
        "x": b64(&bytes[1..33]), "y": b64(&bytes[33..65]),
    })
}

fn claims() -> Value {
    serde_json::json!({"iss": "https://issuer.example", "sub": "repo:acme/app", "aud": "sts.amazonaws.com"})
}

#[test]
fn rs256_and_es256_tokens_verify_with_a_jwks() {
    let rsa_key = rsa_pair();
    let ec_key = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).unwrap();
    let jwks = serde_json::json!({"keys": [
        {"kty": "oct", "k": "c2VjcmV0"},
        rsa_jwk(&rsa_key, "r1"),
        p256_jwk(&ec_key, "e1"),
    ]});
    let keys = KeySet::from_jwks(&jwks.to_string()).unwrap();
    assert_eq!(keys.len(), 2);
    let got = verify(&rs256(&rsa_key, Some("r1"), &claims()), &keys).unwrap();
    assert_eq!(got["sub"], "repo:acme/app");
    assert!(verify(&es256(&ec_key, Some("e1"), &claims()), &keys).is_ok());
    // Without a kid every key is tried.
    assert!(verify(&es256(&ec_key, None, &claims()), &keys).is_ok());
}

#[test]
fn a_pem_public_key_verifies_too() {
    let ec_key = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).unwrap();
    let pem = ec_key
        .verifying_key()
        .to_public_key_pem(pkcs8::LineEnding::LF)
        .unwrap();
    let keys = KeySet::from_pem(&pem).unwrap();
    assert!(verify(&es256(&ec_key, Some("any"), &claims()), &keys).is_ok());
    let rsa_key = rsa_pair();
    let rsa_pem = rsa_key
        .to_public_key()
        .to_public_key_pem(pkcs8::LineEnding::LF)
        .unwrap();
    let rsa_keys = KeySet::from_pem(&rsa_pem).unwrap();
    assert!(verify(&rs256(&rsa_key, None, &claims()), &rsa_keys).is_ok());
    assert!(
        KeySet::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err()
    );
}

#[test]
fn forged_altered_and_malformed_tokens_are_refused() {
    let ec_key = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).unwrap();
    let other = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).unwrap();
    let keys =
        KeySet::from_jwks(&serde_json::json!({"keys": [p256_jwk(&ec_key, "e1")]}).to_string())
            .unwrap();
    assert_eq!(
        verify(&es256(&other, Some("e1"), &claims()), &keys),
        Err(JwtError::BadSignature)
    );
    let token = es256(&ec_key, Some("e1"), &claims());
    let signature = token.rsplit('.').next().unwrap();
    let altered = format!(
        "{}.{signature}",
        unsigned(
            "ES256",
            Some("e1"),
            &serde_json::json!({"sub": "someone-else"})
        )
    );
    assert_eq!(verify(&altered, &keys), Err(JwtError::BadSignature));
    let none = format!("{}.", unsigned("none", None, &claims()));
    assert_eq!(
        verify(&none, &keys),
        Err(JwtError::UnsupportedAlgorithm("none".into()))
    );
    assert_eq!(verify("abc", &keys), Err(JwtError::Malformed));
    assert_eq!(verify("a.b.c.d", &keys), Err(JwtError::Malformed));
    assert_eq!(verify("e30.W10.", &keys), Err(JwtError::Malformed));
    assert!(KeySet::from_jwks(r#"{"keys":[]}"#).is_err());
    assert!(
        KeySet::from_jwks(r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}"#).is_err()
    );
}
