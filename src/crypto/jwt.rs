//! Signed JSON Web Tokens (compact JWS) as OpenID Connect providers issue them: the public
//! keys that verify them ([`KeySet`], read from a JWKS document or PEM), and [`verify`], which
//! checks a token's signature (RS256 or ES256) and hands back its claims. What the claims must
//! say (issuer, audience, times) is the caller's business.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pkcs8::DecodePublicKey as _;
use rsa::Pkcs1v15Sign;
use rsa::sha2::{Digest as _, Sha256};
use serde::Deserialize;
use serde_json::{Map, Value};
use signature::Verifier as _;

/// Longest RSA modulus accepted from a JWKS, in bits.
const MAX_RSA_BITS: usize = 8_192;

/// One public key that verifies tokens.
#[derive(Debug, Clone)]
enum PublicKey {
    /// RS256: RSASSA-PKCS1-v1_5 with SHA-256.
    Rsa(Box<rsa::PublicKey>),
    /// ES256: ECDSA on P-256 with SHA-256.
    P256(p256::ecdsa::VerifyingKey),
}

/// The keys a provider signs with, each with its key id (`kid`) when it has one.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<(Option<String>, PublicKey)>,
}

/// Why a token does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url parts, or a header or claims part that is not a JSON object.
    Malformed,
    /// The header's `alg` is neither RS256 nor ES256.
    UnsupportedAlgorithm(String),
    /// No key of the set verifies the signature.
    BadSignature,
}

/// A JWK as a JWKS lists it; members of other key types are ignored.
#[derive(Debug, Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    crv: Option<String>,
    n: Option<String>,
    e: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

/// `{"keys": [...]}`.
#[derive(Debug, Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

impl KeySet {
    /// The keys of a JWKS document. Keys of types other than RSA and EC P-256 are skipped;
    /// a document with none Lockbox can use, or a key that does not decode, is an error.
    pub fn from_jwks(text: &str) -> Result<KeySet, String> {
        let jwks: Jwks =
            serde_json::from_str(text).map_err(|error| format!("not a JWKS document: {error}"))?;
        let mut keys = Vec::new();
        for (index, jwk) in jwks.keys.iter().enumerate() {
            let key = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
                ("RSA", _) => rsa_key(jwk).map_err(|error| format!("key {index}: {error}"))?,
                ("EC", Some("P-256")) => {
                    p256_key(jwk).map_err(|error| format!("key {index}: {error}"))?
                }
                _ => continue,
            };
            keys.push((jwk.kid.clone(), key));
        }
        if keys.is_empty() {
            return Err("the JWKS holds no RSA or EC P-256 key".into());
        }
        Ok(KeySet { keys })
    }

    /// One key from a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block, RSA or EC P-256; it
    /// verifies tokens whatever their `kid`.
    pub fn from_pem(text: &str) -> Result<KeySet, String> {
        let key = if let Ok(rsa) = rsa::PublicKey::from_public_key_pem(text) {
            PublicKey::Rsa(Box::new(rsa))
        } else if let Ok(ec) = p256::ecdsa::VerifyingKey::from_public_key_pem(text) {
            PublicKey::P256(ec)
        } else {
            return Err("not a PEM RSA or EC P-256 public key".into());
        };
        Ok(KeySet {
            keys: vec![(None, key)],
        })
    }

    /// This set and `other`'s keys together.
    pub fn merged(mut self, other: KeySet) -> KeySet {
        self.keys.extend(other.keys);
        self
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn decode_part(text: Option<&String>, name: &str) -> Result<Vec<u8>, String> {
    let text = text.ok_or_else(|| format!("missing \"{name}\""))?;
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| format!("\"{name}\" is not base64url"))
}

fn rsa_key(jwk: &Jwk) -> Result<PublicKey, String> {
    let n = decode_part(jwk.n.as_ref(), "n")?;
    let e = decode_part(jwk.e.as_ref(), "e")?;
    if n.len() * 8 > MAX_RSA_BITS || e.len() > 8 {
        return Err("the RSA key is too large".into());
    }
    let modulus = rsa::BoxedUint::from_be_slice_vartime(&n);
    let exponent = rsa::BoxedUint::from_be_slice_vartime(&e);
    rsa::PublicKey::new(modulus, exponent)
        .map(|key| PublicKey::Rsa(Box::new(key)))
        .map_err(|error| format!("not a valid RSA key: {error}"))
}

fn p256_key(jwk: &Jwk) -> Result<PublicKey, String> {
    let x = decode_part(jwk.x.as_ref(), "x")?;
    let y = decode_part(jwk.y.as_ref(), "y")?;
    if x.len() != 32 || y.len() != 32 {
        return Err("a P-256 coordinate is not 32 bytes".into());
    }
    let mut point = Vec::with_capacity(65);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    p256::ecdsa::VerifyingKey::from_sec1_bytes(&point)
        .map(PublicKey::P256)
        .map_err(|_| "not a point of P-256".into())
}

/// The `alg` names Lockbox verifies.
const RS256: &str = "RS256";
const ES256: &str = "ES256";

/// Verifies `token`'s signature with `keys` (the key named by the header's `kid` when the set
/// has it, else every key of the algorithm's type) and returns its claims.
pub fn verify(token: &str, keys: &KeySet) -> Result<Map<String, Value>, JwtError> {
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header_json = json_object(header)?;
    let claims_json = json_object(claims)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError::Malformed)?;
    let algorithm = header_json
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if algorithm != RS256 && algorithm != ES256 {
        return Err(JwtError::UnsupportedAlgorithm(algorithm.to_owned()));
    }
    let kid = header_json.get("kid").and_then(Value::as_str);
    let signed = &token.as_bytes()[..header.len() + 1 + claims.len()];
    let named: Vec<&PublicKey> = keys
        .keys
        .iter()
        .filter(|(key_id, _)| kid.is_some() && key_id.as_deref() == kid)
        .map(|(_, key)| key)
        .collect();
    let candidates: Vec<&PublicKey> = if named.is_empty() {
        keys.keys.iter().map(|(_, key)| key).collect()
    } else {
        named
    };
    let verified = candidates
        .into_iter()
        .any(|key| verifies(key, algorithm, signed, &signature));
    if verified {
        Ok(claims_json)
    } else {
        Err(JwtError::BadSignature)
    }
}

/// The claims of `token` without checking its signature: only to find out which provider's
/// keys should verify it.
pub fn peek_claims(token: &str) -> Result<Map<String, Value>, JwtError> {
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(claims), Some(_), None) => json_object(claims),
        _ => Err(JwtError::Malformed),
    }
}

fn verifies(key: &PublicKey, algorithm: &str, signed: &[u8], signature: &[u8]) -> bool {
    match (key, algorithm) {
        (PublicKey::Rsa(key), RS256) => {
            let digest = Sha256::digest(signed);
            key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
                .is_ok()
        }
        (PublicKey::P256(key), ES256) => p256::ecdsa::Signature::from_slice(signature)
            .and_then(|signature| key.verify(signed, &signature))
            .is_ok(),
        _ => false,
    }
}

fn json_object(part: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(JwtError::Malformed),
    }
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
mod tests;
