//! Unit tests of `signing.rs`: every algorithm round-trips, message types and lengths are
//! checked with KMS's texts, high-S secp256k1 signatures and EXTERNAL_MU verify.

use super::*;

/// The message an algorithm takes for `bytes`: their SHA-512 digest for Ed25519ph, else
/// the bytes themselves.
fn input_for(algorithm: SigningAlgorithm, bytes: &[u8]) -> (bool, Vec<u8>) {
    match algorithm {
        SigningAlgorithm::Ed25519Ph => (true, Sha512::digest(bytes).to_vec()),
        _ => (false, bytes.to_vec()),
    }
}

fn message(digest: bool, bytes: &[u8]) -> Message<'_> {
    match digest {
        true => Message::Digest(bytes),
        false => Message::Raw(bytes),
    }
}

fn round_trip(spec: KeySpec, algorithm: &str) {
    let key = PrivateKey::generate(spec).unwrap();
    let algorithm = SigningAlgorithm::parse(algorithm).unwrap();
    let (digest, signed) = input_for(algorithm, b"lockbox signs this");
    let (_, other) = input_for(algorithm, b"another");
    let signature = sign(&key, algorithm, message(digest, &signed)).unwrap();
    verify(&key, algorithm, message(digest, &signed), &signature).unwrap();
    assert_eq!(
        verify(&key, algorithm, message(digest, &other), &signature),
        Err(KmsError::InvalidSignature)
    );
    assert_eq!(
        verify(&key, algorithm, message(digest, &signed), b"garbage"),
        Err(KmsError::InvalidSignature)
    );
}

#[test]
fn every_algorithm_signs_and_verifies_and_refuses_another_message() {
    for algorithm in ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_512"] {
        round_trip(KeySpec::Rsa2048, algorithm);
    }
    round_trip(KeySpec::EccNistP256, "ECDSA_SHA_256");
    round_trip(KeySpec::EccNistP384, "ECDSA_SHA_384");
    round_trip(KeySpec::EccNistP521, "ECDSA_SHA_512");
    round_trip(KeySpec::EccSecgP256k1, "ECDSA_SHA_256");
    round_trip(KeySpec::EccNistEdwards25519, "ED25519_SHA_512");
    round_trip(KeySpec::EccNistEdwards25519, "ED25519_PH_SHA_512");
    for spec in [KeySpec::MlDsa44, KeySpec::MlDsa65, KeySpec::MlDsa87] {
        round_trip(spec, "ML_DSA_SHAKE_256");
    }
}

#[test]
fn raw_and_digest_are_interchangeable_and_lengths_are_checked() {
    let key = PrivateKey::generate(KeySpec::EccNistP384).unwrap();
    let algorithm = SigningAlgorithm::Ecdsa(Hash::Sha384);
    let signature = sign(&key, algorithm, Message::Raw(b"m")).unwrap();
    let digest = Sha384::digest(b"m");
    verify(&key, algorithm, Message::Digest(&digest), &signature).unwrap();
    assert_eq!(
        sign(&key, algorithm, Message::Digest(&digest[..32])),
        Err(KmsError::Validation(
            "Digest is invalid length for algorithm ECDSA_SHA_384.".into()
        ))
    );
    assert_eq!(
        sign(&key, algorithm, Message::ExternalMu(&[0; 64])),
        Err(KmsError::Validation(
            "Message type EXTERNAL_MU is incompatible with key spec ECC_NIST_P384.".into()
        ))
    );
    let ml = PrivateKey::generate(KeySpec::MlDsa44).unwrap();
    assert_eq!(
        sign(&ml, SigningAlgorithm::MlDsa, Message::Digest(&[0; 64])),
        Err(KmsError::Validation(
            "Message type DIGEST is incompatible with key spec ML_DSA_44.".into()
        ))
    );
    let ed = PrivateKey::generate(KeySpec::EccNistEdwards25519).unwrap();
    assert_eq!(
        sign(&ed, SigningAlgorithm::Ed25519Ph, Message::Raw(b"m")),
        Err(KmsError::Validation(
            "Message type RAW is incompatible with signing algorithm ED25519_PH_SHA_512.".into()
        ))
    );
}

#[test]
fn pkcs1_signatures_are_deterministic_across_raw_and_digest() {
    let key = PrivateKey::generate(KeySpec::Rsa2048).unwrap();
    let algorithm = SigningAlgorithm::RsaPkcs1(Hash::Sha256);
    let raw = sign(&key, algorithm, Message::Raw(b"m")).unwrap();
    let digest = Sha256::digest(b"m");
    let from_digest = sign(&key, algorithm, Message::Digest(&digest)).unwrap();
    assert_eq!(raw, from_digest);
    assert_eq!(raw.len(), 256);
}

#[test]
fn a_high_s_secp256k1_signature_still_verifies() {
    let key = PrivateKey::generate(KeySpec::EccSecgP256k1).unwrap();
    let PrivateKey::K256(signing) = &key else {
        unreachable!()
    };
    let digest = Sha256::digest(b"m");
    let low: k256::ecdsa::Signature = signing.sign_prehash(&digest).unwrap();
    let (r, s) = low.split_scalars();
    let high = k256::ecdsa::Signature::from_scalars(r, -*s).unwrap();
    let algorithm = SigningAlgorithm::Ecdsa(Hash::Sha256);
    for signature in [low, high] {
        verify(
            &key,
            algorithm,
            Message::Raw(b"m"),
            signature.to_der().as_bytes(),
        )
        .unwrap();
    }
}

#[test]
fn external_mu_signatures_verify_as_raw_ones() {
    let key = PrivateKey::generate(KeySpec::MlDsa65).unwrap();
    let PrivateKey::MlDsa65(signing) = &key else {
        unreachable!()
    };
    let public = signing.verifying_key();
    let mu = public
        .compute_mu(
            |shake| {
                ml_dsa::signature::digest::Update::update(shake, b"m");
                Ok(())
            },
            &[],
        )
        .unwrap();
    let signature = sign(&key, SigningAlgorithm::MlDsa, Message::ExternalMu(&mu)).unwrap();
    verify(
        &key,
        SigningAlgorithm::MlDsa,
        Message::Raw(b"m"),
        &signature,
    )
    .unwrap();
}
