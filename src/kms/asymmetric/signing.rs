//! Sign and Verify with every KMS signing algorithm, as KMS defines them:
//! - `RSASSA_PKCS1_V1_5_SHA_*`: RFC 8017 §8.2 over the message's digest (DigestInfo built from
//!   the digest, so RAW and DIGEST inputs give the same signature);
//! - `RSASSA_PSS_SHA_*`: RFC 8017 §8.1, MGF1 with the same hash, salt as long as the digest;
//! - `ECDSA_SHA_*`: over the digest, DER `SEQUENCE { r, s }`; Verify accepts high and low `s`
//!   alike (secp256k1 signers that do not normalize `s`, AWS among them, still verify);
//! - `ED25519_SHA_512`: PureEdDSA (RFC 8032) over the RAW message;
//! - `ED25519_PH_SHA_512`: Ed25519ph over the 64 DIGEST bytes taken as the message (KMS hashes
//!   them once more with SHA-512 as the pre-hash, so the input is "hashed twice");
//! - `ML_DSA_SHAKE_256`: pure ML-DSA with an empty context, hedged, over the RAW message, or
//!   over a caller-computed 64-byte μ with `EXTERNAL_MU` (FIPS 204 §6.2).
//!
//! [`sign`] and [`verify`] first check the message type and digest length against the
//! algorithm with KMS's `ValidationException` texts; a signature that does not verify, for
//! whatever reason (other key, algorithm, message, or bytes that do not even parse), is
//! `KMSInvalidSignatureException`, never `SignatureValid: false`.

use ed25519_dalek::Sha512 as EdSha512;
use getrandom::SysRng;
use rsa::sha2::{Digest as _, Sha256, Sha384, Sha512};
use rsa::{Pkcs1v15Sign, Pss};
use signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};
use signature::{Keypair as _, Signer as _, Verifier as _};

use super::super::KmsError;
use super::super::key_spec::KeySpec;
use super::private_key::PrivateKey;

/// A KMS signing algorithm (`SigningAlgorithmSpec`, without SM2DSA, which needs an SM2 key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningAlgorithm {
    /// `RSASSA_PSS_SHA_256|384|512`.
    RsaPss(Hash),
    /// `RSASSA_PKCS1_V1_5_SHA_256|384|512`.
    RsaPkcs1(Hash),
    /// `ECDSA_SHA_256|384|512`.
    Ecdsa(Hash),
    /// `ED25519_SHA_512`.
    Ed25519,
    /// `ED25519_PH_SHA_512`.
    Ed25519Ph,
    /// `ML_DSA_SHAKE_256`.
    MlDsa,
}

/// The hash of an RSA or ECDSA algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// The digest length in bytes.
    fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(message).to_vec(),
            Hash::Sha384 => Sha384::digest(message).to_vec(),
            Hash::Sha512 => Sha512::digest(message).to_vec(),
        }
    }

    fn pkcs1(self) -> Pkcs1v15Sign {
        match self {
            Hash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            Hash::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
            Hash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        }
    }
}

impl SigningAlgorithm {
    /// The algorithm named `name`; `None` for SM2DSA and unknown names.
    pub fn parse(name: &str) -> Option<SigningAlgorithm> {
        use Hash::*;
        use SigningAlgorithm::*;
        Some(match name {
            "RSASSA_PSS_SHA_256" => RsaPss(Sha256),
            "RSASSA_PSS_SHA_384" => RsaPss(Sha384),
            "RSASSA_PSS_SHA_512" => RsaPss(Sha512),
            "RSASSA_PKCS1_V1_5_SHA_256" => RsaPkcs1(Sha256),
            "RSASSA_PKCS1_V1_5_SHA_384" => RsaPkcs1(Sha384),
            "RSASSA_PKCS1_V1_5_SHA_512" => RsaPkcs1(Sha512),
            "ECDSA_SHA_256" => Ecdsa(Sha256),
            "ECDSA_SHA_384" => Ecdsa(Sha384),
            "ECDSA_SHA_512" => Ecdsa(Sha512),
            "ED25519_SHA_512" => Ed25519,
            "ED25519_PH_SHA_512" => Ed25519Ph,
            "ML_DSA_SHAKE_256" => MlDsa,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        use Hash::*;
        use SigningAlgorithm::*;
        match self {
            RsaPss(Sha256) => "RSASSA_PSS_SHA_256",
            RsaPss(Sha384) => "RSASSA_PSS_SHA_384",
            RsaPss(Sha512) => "RSASSA_PSS_SHA_512",
            RsaPkcs1(Sha256) => "RSASSA_PKCS1_V1_5_SHA_256",
            RsaPkcs1(Sha384) => "RSASSA_PKCS1_V1_5_SHA_384",
            RsaPkcs1(Sha512) => "RSASSA_PKCS1_V1_5_SHA_512",
            Ecdsa(Sha256) => "ECDSA_SHA_256",
            Ecdsa(Sha384) => "ECDSA_SHA_384",
            Ecdsa(Sha512) => "ECDSA_SHA_512",
            Ed25519 => "ED25519_SHA_512",
            Ed25519Ph => "ED25519_PH_SHA_512",
            MlDsa => "ML_DSA_SHAKE_256",
        }
    }
}

/// The `Message` of a Sign or Verify call, by `MessageType`.
#[derive(Debug, Clone, Copy)]
pub enum Message<'a> {
    /// `RAW`: the message itself; the algorithm hashes it.
    Raw(&'a [u8]),
    /// `DIGEST`: the caller hashed it already.
    Digest(&'a [u8]),
    /// `EXTERNAL_MU`: ML-DSA's 64-byte μ, computed by the caller.
    ExternalMu(&'a [u8]),
}

impl Message<'_> {
    fn type_name(self) -> &'static str {
        match self {
            Message::Raw(_) => "RAW",
            Message::Digest(_) => "DIGEST",
            Message::ExternalMu(_) => "EXTERNAL_MU",
        }
    }
}

/// What the algorithm will sign, once the message type and length are checked.
enum Input<'a> {
    /// The digest RSA and ECDSA sign.
    Digest(Vec<u8>),
    /// Ed25519's or ML-DSA's message.
    Message(&'a [u8]),
    /// Ed25519ph's 64 bytes.
    PreHashed(&'a [u8]),
    /// ML-DSA's μ.
    Mu(&'a [u8]),
}

fn invalid_length(algorithm: SigningAlgorithm) -> KmsError {
    KmsError::Validation(format!(
        "Digest is invalid length for algorithm {}.",
        algorithm.as_str()
    ))
}

/// Checks `message` against `algorithm` of a key of `spec` with KMS's texts:
/// - DIGEST must be exactly the digest length of the algorithm's hash
///   ("Digest is invalid length for algorithm X."; 64 bytes for ED25519_PH_SHA_512);
/// - ML-DSA takes RAW or a 64-byte EXTERNAL_MU, never DIGEST ("Message type DIGEST is
///   incompatible with key spec ML_DSA_44.", as AWS answers);
/// - EXTERNAL_MU is for ML-DSA only, ED25519_SHA_512 takes RAW only and ED25519_PH_SHA_512
///   DIGEST only (these texts follow the ML-DSA one; AWS's are not documented).
fn prepare<'a>(
    spec: KeySpec,
    algorithm: SigningAlgorithm,
    message: Message<'a>,
) -> Result<Input<'a>, KmsError> {
    let incompatible = |with: String| {
        KmsError::Validation(format!(
            "Message type {} is incompatible with {with}.",
            message.type_name()
        ))
    };
    match (algorithm, message) {
        (SigningAlgorithm::MlDsa, Message::Raw(m)) => Ok(Input::Message(m)),
        (SigningAlgorithm::MlDsa, Message::ExternalMu(mu)) if mu.len() == 64 => Ok(Input::Mu(mu)),
        (SigningAlgorithm::MlDsa, Message::ExternalMu(_)) => Err(invalid_length(algorithm)),
        (SigningAlgorithm::MlDsa, Message::Digest(_)) | (_, Message::ExternalMu(_)) => {
            Err(incompatible(format!("key spec {}", spec.as_str())))
        }
        (SigningAlgorithm::Ed25519, Message::Raw(m)) => Ok(Input::Message(m)),
        (SigningAlgorithm::Ed25519Ph, Message::Digest(d)) if d.len() == 64 => {
            Ok(Input::PreHashed(d))
        }
        (SigningAlgorithm::Ed25519Ph, Message::Digest(_)) => Err(invalid_length(algorithm)),
        (SigningAlgorithm::Ed25519 | SigningAlgorithm::Ed25519Ph, _) => Err(incompatible(format!(
            "signing algorithm {}",
            algorithm.as_str()
        ))),
        (
            SigningAlgorithm::RsaPss(hash)
            | SigningAlgorithm::RsaPkcs1(hash)
            | SigningAlgorithm::Ecdsa(hash),
            message,
        ) => match message {
            Message::Raw(m) => Ok(Input::Digest(hash.digest(m))),
            Message::Digest(d) if d.len() == hash.len() => Ok(Input::Digest(d.to_vec())),
            _ => Err(invalid_length(algorithm)),
        },
    }
}

/// Checks `message` against `algorithm` for a key of `spec` without signing (DryRun answers
/// these errors before `DryRunOperationException`).
pub fn check_message(
    spec: KeySpec,
    algorithm: SigningAlgorithm,
    message: Message<'_>,
) -> Result<(), KmsError> {
    prepare(spec, algorithm, message).map(|_| ())
}

fn internal<E>(_: E) -> KmsError {
    KmsError::Internal
}

/// Signs an ECDSA digest with the signing key of curve module `$curve`; DER encoded.
macro_rules! ecdsa_sign {
    ($curve:ident, $key:expr, $digest:expr) => {{
        let signature: $curve::ecdsa::Signature = $key.sign_prehash($digest).map_err(internal)?;
        signature.to_der().as_bytes().to_vec()
    }};
}

/// Verifies a DER ECDSA signature over a digest; `s` is normalized first so both halves of
/// the order verify on every curve.
macro_rules! ecdsa_verify {
    ($curve:ident, $key:expr, $digest:expr, $signature:expr) => {{
        $curve::ecdsa::Signature::from_der($signature)
            .map(|signature| signature.normalize_s())
            .and_then(|signature| $key.verifying_key().verify_prehash($digest, &signature))
            .is_ok()
    }};
}

/// Signs `message` with `key` by `algorithm` (which must be one of the key's signing
/// algorithms: the caller checks that first, with KMS's `InvalidKeyUsageException`).
pub fn sign(
    key: &PrivateKey,
    algorithm: SigningAlgorithm,
    message: Message<'_>,
) -> Result<Vec<u8>, KmsError> {
    let input = prepare(key.spec(), algorithm, message)?;
    Ok(match (key, algorithm, &input) {
        (PrivateKey::Rsa(key), SigningAlgorithm::RsaPkcs1(hash), Input::Digest(digest)) => {
            key.sign(hash.pkcs1(), digest).map_err(internal)?
        }
        (PrivateKey::Rsa(key), SigningAlgorithm::RsaPss(hash), Input::Digest(digest)) => match hash
        {
            Hash::Sha256 => key.sign(Pss::<Sha256>::new(), digest),
            Hash::Sha384 => key.sign(Pss::<Sha384>::new(), digest),
            Hash::Sha512 => key.sign(Pss::<Sha512>::new(), digest),
        }
        .map_err(internal)?,
        (PrivateKey::P256(key), _, Input::Digest(digest)) => ecdsa_sign!(p256, key, digest),
        (PrivateKey::P384(key), _, Input::Digest(digest)) => ecdsa_sign!(p384, key, digest),
        (PrivateKey::P521(key), _, Input::Digest(digest)) => ecdsa_sign!(p521, key, digest),
        (PrivateKey::K256(key), _, Input::Digest(digest)) => ecdsa_sign!(k256, key, digest),
        (PrivateKey::Ed25519(key), _, Input::Message(message)) => {
            key.try_sign(message).map_err(internal)?.to_bytes().to_vec()
        }
        (PrivateKey::Ed25519(key), _, Input::PreHashed(bytes)) => key
            .sign_prehashed(EdSha512::new_with_prefix(bytes), None)
            .map_err(internal)?
            .to_bytes()
            .to_vec(),
        (PrivateKey::MlDsa44(key), _, input) => ml_dsa_sign(key, input)?,
        (PrivateKey::MlDsa65(key), _, input) => ml_dsa_sign(key, input)?,
        (PrivateKey::MlDsa87(key), _, input) => ml_dsa_sign(key, input)?,
        // The caller checked the algorithm against the key's spec.
        _ => return Err(KmsError::Internal),
    })
}

/// ML-DSA's μ: 64 bytes.
type Mu = hybrid_array::Array<u8, hybrid_array::sizes::U64>;

fn ml_dsa_sign<P: ml_dsa::MlDsaParams>(
    key: &ml_dsa::SigningKey<P>,
    input: &Input<'_>,
) -> Result<Vec<u8>, KmsError> {
    let expanded = key.expanded_key();
    let signature = match input {
        Input::Message(message) => expanded
            .sign_randomized(message, &[], &mut SysRng)
            .map_err(internal)?,
        Input::Mu(mu) => {
            let mu = Mu::try_from(*mu).map_err(internal)?;
            expanded
                .sign_mu_randomized(&mu, &mut SysRng)
                .map_err(internal)?
        }
        _ => return Err(KmsError::Internal),
    };
    Ok(signature.encode().to_vec())
}

fn ml_dsa_verify<P: ml_dsa::MlDsaParams>(
    key: &ml_dsa::SigningKey<P>,
    input: &Input<'_>,
    signature: &[u8],
) -> bool {
    let Ok(signature) = ml_dsa::Signature::<P>::try_from(signature) else {
        return false;
    };
    let public = key.verifying_key();
    match input {
        Input::Message(message) => public.verify_with_context(message, &[], &signature),
        Input::Mu(mu) => Mu::try_from(*mu).is_ok_and(|mu| public.verify_mu(&mu, &signature)),
        _ => false,
    }
}

/// Verifies `signature` over `message` with `key`'s public key by `algorithm` (one of the
/// key's algorithms); `KMSInvalidSignatureException` unless it is valid.
pub fn verify(
    key: &PrivateKey,
    algorithm: SigningAlgorithm,
    message: Message<'_>,
    signature: &[u8],
) -> Result<(), KmsError> {
    let input = prepare(key.spec(), algorithm, message)?;
    let valid = match (key, algorithm, &input) {
        (PrivateKey::Rsa(key), SigningAlgorithm::RsaPkcs1(hash), Input::Digest(digest)) => key
            .to_public_key()
            .verify(hash.pkcs1(), digest, signature)
            .is_ok(),
        (PrivateKey::Rsa(key), SigningAlgorithm::RsaPss(hash), Input::Digest(digest)) => {
            let public = key.to_public_key();
            match hash {
                Hash::Sha256 => public.verify(Pss::<Sha256>::new(), digest, signature),
                Hash::Sha384 => public.verify(Pss::<Sha384>::new(), digest, signature),
                Hash::Sha512 => public.verify(Pss::<Sha512>::new(), digest, signature),
            }
            .is_ok()
        }
        (PrivateKey::P256(key), _, Input::Digest(digest)) => {
            ecdsa_verify!(p256, key, digest, signature)
        }
        (PrivateKey::P384(key), _, Input::Digest(digest)) => {
            ecdsa_verify!(p384, key, digest, signature)
        }
        (PrivateKey::P521(key), _, Input::Digest(digest)) => {
            ecdsa_verify!(p521, key, digest, signature)
        }
        (PrivateKey::K256(key), _, Input::Digest(digest)) => {
            ecdsa_verify!(k256, key, digest, signature)
        }
        (PrivateKey::Ed25519(key), _, Input::Message(message)) => {
            ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verifying_key().verify(message, &signature).is_ok())
        }
        (PrivateKey::Ed25519(key), _, Input::PreHashed(bytes)) => {
            ed25519_dalek::Signature::from_slice(signature).is_ok_and(|signature| {
                key.verifying_key()
                    .verify_prehashed(EdSha512::new_with_prefix(bytes), None, &signature)
                    .is_ok()
            })
        }
        (PrivateKey::MlDsa44(key), _, input) => ml_dsa_verify(key, input, signature),
        (PrivateKey::MlDsa65(key), _, input) => ml_dsa_verify(key, input, signature),
        (PrivateKey::MlDsa87(key), _, input) => ml_dsa_verify(key, input, signature),
        _ => return Err(KmsError::Internal),
    };
    if valid {
        Ok(())
    } else {
        Err(KmsError::InvalidSignature)
    }
}

#[cfg(test)]
#[path = "signing_tests.rs"]
mod tests;
