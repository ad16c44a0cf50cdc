//! ECDH key agreement for `KEY_AGREEMENT` keys (NIST P-256, P-384, P-521): the raw shared
//! secret Z of SP 800-56A's elliptic curve cofactor Diffie-Hellman primitive, which is the
//! x-coordinate of `d·Q` (the key's private scalar times the peer's public point), with no key
//! derivation applied: 32, 48 or 66 bytes, what `openssl pkeyutl -derive` and Python
//! `cryptography`'s `ECDH()` give. (The NIST curves have cofactor 1, so cofactor ECDH and
//! plain ECDH agree.)
//!
//! The peer's key arrives as DER SubjectPublicKeyInfo and is checked in three steps, each its
//! own [`PeerKeyError`]: it must decode, name the key's curve, and hold a point on that curve
//! (the identity is not a valid public key).
//!
//! The arithmetic is the curve crate's own (the scalar multiplication behind
//! `elliptic_curve::ecdh::diffie_hellman`, whose `ecdh` feature would pull in an HKDF
//! dependency KMS does not use); nothing here implements a primitive.

use p256::elliptic_curve::group::Curve as _;
use p256::elliptic_curve::point::AffineCoordinates as _;
use p256::elliptic_curve::{CurveArithmetic, NonZeroScalar, PublicKey};
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::PrivateKey;

/// `id-ecPublicKey` (RFC 5480).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `secp256r1` (P-256).
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// `secp384r1` (P-384).
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// `secp521r1` (P-521).
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// Why a peer public key cannot be used (never contains key bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeerKeyError {
    /// Not a DER SubjectPublicKeyInfo (or bytes follow it).
    #[error("not a DER SubjectPublicKeyInfo")]
    NotSpki,
    /// An SPKI of another algorithm or another curve than the key's.
    #[error("not a public key on the key's curve")]
    WrongCurve,
    /// An elliptic curve SPKI whose point is not a valid point of its curve.
    #[error("not a valid point of the curve")]
    InvalidPoint,
    /// The key cannot agree keys (not a NIST P-curve key).
    #[error("the key does not support key agreement")]
    NotAgreementKey,
}

/// The ECDH shared secret of `key` and the peer's public key `peer_spki` (DER
/// SubjectPublicKeyInfo), in a zeroizing buffer.
pub fn derive_shared_secret(
    key: &PrivateKey,
    peer_spki: &[u8],
) -> Result<Zeroizing<Vec<u8>>, PeerKeyError> {
    let curve = match key {
        PrivateKey::P256(_) => P256,
        PrivateKey::P384(_) => P384,
        PrivateKey::P521(_) => P521,
        _ => return Err(PeerKeyError::NotAgreementKey),
    };
    let point = peer_point(peer_spki, curve)?;
    match key {
        PrivateKey::P256(secret) => Ok(shared_x(
            secret.as_nonzero_scalar(),
            &p256::PublicKey::from_sec1_bytes(point).map_err(|_| PeerKeyError::InvalidPoint)?,
        )),
        PrivateKey::P384(secret) => Ok(shared_x(
            secret.as_nonzero_scalar(),
            &p384::PublicKey::from_sec1_bytes(point).map_err(|_| PeerKeyError::InvalidPoint)?,
        )),
        PrivateKey::P521(secret) => Ok(shared_x(
            secret.as_nonzero_scalar(),
            &p521::PublicKey::from_sec1_bytes(point).map_err(|_| PeerKeyError::InvalidPoint)?,
        )),
        _ => Err(PeerKeyError::NotAgreementKey),
    }
}

/// The SEC1 point bytes of an elliptic curve SPKI on `curve`.
fn peer_point(der: &[u8], curve: ObjectIdentifier) -> Result<&[u8], PeerKeyError> {
    let spki = SubjectPublicKeyInfoRef::try_from(der).map_err(|_| PeerKeyError::NotSpki)?;
    if spki.algorithm.oid != EC_PUBLIC_KEY {
        return Err(PeerKeyError::WrongCurve);
    }
    match spki.algorithm.parameters_oid() {
        Ok(named) if named == curve => {}
        _ => return Err(PeerKeyError::WrongCurve),
    }
    spki.subject_public_key
        .as_bytes()
        .ok_or(PeerKeyError::InvalidPoint)
}

/// The x-coordinate of `secret · peer`, big-endian, the curve's field size.
fn shared_x<C: CurveArithmetic>(
    secret: &NonZeroScalar<C>,
    peer: &PublicKey<C>,
) -> Zeroizing<Vec<u8>> {
    let product = (peer.to_projective() * secret.as_ref()).to_affine();
    let x = product.x();
    Zeroizing::new(AsRef::<[u8]>::as_ref(&x).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kms::key_spec::KeySpec;

    #[test]
    fn both_sides_derive_the_same_secret_of_the_curve_size() {
        for (spec, len) in [
            (KeySpec::EccNistP256, 32),
            (KeySpec::EccNistP384, 48),
            (KeySpec::EccNistP521, 66),
        ] {
            let ours = PrivateKey::generate(spec).unwrap();
            let theirs = PrivateKey::generate(spec).unwrap();
            let a = derive_shared_secret(&ours, &theirs.public_key_der().unwrap()).unwrap();
            let b = derive_shared_secret(&theirs, &ours.public_key_der().unwrap()).unwrap();
            assert_eq!(a.len(), len, "{spec:?}");
            assert_eq!(a, b, "{spec:?}");
            let third = PrivateKey::generate(spec).unwrap();
            let c = derive_shared_secret(&third, &ours.public_key_der().unwrap()).unwrap();
            assert_ne!(a, c);
        }
    }

    #[test]
    fn peer_keys_are_checked_for_format_curve_and_point() {
        let ours = PrivateKey::generate(KeySpec::EccNistP256).unwrap();
        let p384 = PrivateKey::generate(KeySpec::EccNistP384).unwrap();
        let k256 = PrivateKey::generate(KeySpec::EccSecgP256k1).unwrap();
        let ed = PrivateKey::generate(KeySpec::EccNistEdwards25519).unwrap();
        assert_eq!(
            derive_shared_secret(&ours, b"not der"),
            Err(PeerKeyError::NotSpki)
        );
        let mut trailing = ours.public_key_der().unwrap();
        trailing.push(0);
        assert_eq!(
            derive_shared_secret(&ours, &trailing),
            Err(PeerKeyError::NotSpki)
        );
        for other in [&p384, &k256, &ed] {
            assert_eq!(
                derive_shared_secret(&ours, &other.public_key_der().unwrap()),
                Err(PeerKeyError::WrongCurve)
            );
        }
        // The last byte of the uncompressed point's y moved: off the curve.
        let mut off_curve = ours.public_key_der().unwrap();
        let last = off_curve.len() - 1;
        off_curve[last] ^= 1;
        assert_eq!(
            derive_shared_secret(&ours, &off_curve),
            Err(PeerKeyError::InvalidPoint)
        );
        assert_eq!(
            derive_shared_secret(&k256, &ours.public_key_der().unwrap()),
            Err(PeerKeyError::NotAgreementKey)
        );
    }
}
