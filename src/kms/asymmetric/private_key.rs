//! [`PrivateKey`]: the key pair of an asymmetric KMS key, generated fresh or read from
//! PKCS#8 DER (seeds, the stored form), written back as PKCS#8 DER (sealed storage, exports),
//! and its public half as DER SubjectPublicKeyInfo (GetPublicKey).

use getrandom::SysRng;
use ml_dsa::{MlDsa44, MlDsa65, MlDsa87};
use p256::elliptic_curve::Generate as _;
use pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::traits::PublicKeyParts as _;
use signature::Keypair as _;
use spki::EncodePublicKey as _;
use zeroize::Zeroizing;

use super::super::key_spec::KeySpec;

/// The private key of an asymmetric KMS key, by spec. Each crate zeroizes its key on drop.
#[derive(Clone)]
pub enum PrivateKey {
    /// RSA_2048, RSA_3072 or RSA_4096 (which one: the modulus size).
    Rsa(rsa::PrivateKey),
    /// ECC_NIST_P256.
    P256(p256::ecdsa::SigningKey),
    /// ECC_NIST_P384.
    P384(p384::ecdsa::SigningKey),
    /// ECC_NIST_P521.
    P521(p521::ecdsa::SigningKey),
    /// ECC_SECG_P256K1.
    K256(k256::ecdsa::SigningKey),
    /// ECC_NIST_EDWARDS25519.
    Ed25519(ed25519_dalek::SigningKey),
    /// ML_DSA_44 (boxed: the expanded key is large).
    MlDsa44(Box<ml_dsa::SigningKey<MlDsa44>>),
    /// ML_DSA_65.
    MlDsa65(Box<ml_dsa::SigningKey<MlDsa65>>),
    /// ML_DSA_87.
    MlDsa87(Box<ml_dsa::SigningKey<MlDsa87>>),
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({}, **redacted**)", self.spec().as_str())
    }
}

/// Why key material could not be made or read (never contains the material).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaterialError {
    /// The bytes are not a PKCS#8 private key of the spec's algorithm, curve or size.
    #[error("not a PKCS#8 {0} private key")]
    NotPkcs8Of(&'static str),
    /// The spec has no key pair (symmetric or HMAC).
    #[error("{0} is not an asymmetric key spec")]
    NotAsymmetric(&'static str),
    /// The operating system's random generator failed.
    #[error("the random generator failed")]
    Random,
    /// Encoding failed (only on an internal error of the encoder).
    #[error("the key could not be encoded")]
    Encoding,
}

fn rsa_bits(spec: KeySpec) -> Option<usize> {
    match spec {
        KeySpec::Rsa2048 => Some(2048),
        KeySpec::Rsa3072 => Some(3072),
        KeySpec::Rsa4096 => Some(4096),
        _ => None,
    }
}

impl PrivateKey {
    /// A fresh key pair of `spec` from the operating system's random generator.
    pub fn generate(spec: KeySpec) -> Result<PrivateKey, MaterialError> {
        let rng = &mut SysRng;
        let random = |_| MaterialError::Random;
        Ok(match spec {
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
                let bits = rsa_bits(spec).ok_or(MaterialError::Random)?;
                let generated = off_the_async_worker(|| rsa::PrivateKey::new(rng, bits));
                PrivateKey::Rsa(generated.map_err(|_| MaterialError::Random)?)
            }
            KeySpec::EccNistP256 => PrivateKey::P256(
                p256::ecdsa::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            ),
            KeySpec::EccNistP384 => PrivateKey::P384(
                p384::ecdsa::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            ),
            KeySpec::EccNistP521 => PrivateKey::P521(
                p521::ecdsa::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            ),
            KeySpec::EccSecgP256k1 => PrivateKey::K256(
                k256::ecdsa::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            ),
            KeySpec::EccNistEdwards25519 => PrivateKey::Ed25519(
                ed25519_dalek::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            ),
            KeySpec::MlDsa44 => PrivateKey::MlDsa44(Box::new(
                ml_dsa::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            )),
            KeySpec::MlDsa65 => PrivateKey::MlDsa65(Box::new(
                ml_dsa::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            )),
            KeySpec::MlDsa87 => PrivateKey::MlDsa87(Box::new(
                ml_dsa::SigningKey::try_generate_from_rng(rng).map_err(random)?,
            )),
            other => return Err(MaterialError::NotAsymmetric(other.as_str())),
        })
    }

    /// The key of `spec` in PKCS#8 DER `der` (for ML-DSA, the seed form); refuses a key of
    /// another algorithm, curve or RSA size.
    pub fn from_pkcs8_der(spec: KeySpec, der: &[u8]) -> Result<PrivateKey, MaterialError> {
        let wrong = |_| MaterialError::NotPkcs8Of(spec.as_str());
        let key = match spec {
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
                let key = rsa::PrivateKey::from_pkcs8_der(der).map_err(wrong)?;
                if Some(key.size() * 8) != rsa_bits(spec) {
                    return Err(MaterialError::NotPkcs8Of(spec.as_str()));
                }
                PrivateKey::Rsa(key)
            }
            KeySpec::EccNistP256 => {
                PrivateKey::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(wrong)?)
            }
            KeySpec::EccNistP384 => {
                PrivateKey::P384(p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(wrong)?)
            }
            KeySpec::EccNistP521 => {
                PrivateKey::P521(p521::ecdsa::SigningKey::from_pkcs8_der(der).map_err(wrong)?)
            }
            KeySpec::EccSecgP256k1 => {
                PrivateKey::K256(k256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(wrong)?)
            }
            KeySpec::EccNistEdwards25519 => {
                PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(wrong)?)
            }
            KeySpec::MlDsa44 => PrivateKey::MlDsa44(Box::new(
                ml_dsa::SigningKey::from_pkcs8_der(der).map_err(wrong)?,
            )),
            KeySpec::MlDsa65 => PrivateKey::MlDsa65(Box::new(
                ml_dsa::SigningKey::from_pkcs8_der(der).map_err(wrong)?,
            )),
            KeySpec::MlDsa87 => PrivateKey::MlDsa87(Box::new(
                ml_dsa::SigningKey::from_pkcs8_der(der).map_err(wrong)?,
            )),
            other => return Err(MaterialError::NotAsymmetric(other.as_str())),
        };
        Ok(key)
    }

    /// The key's spec.
    pub fn spec(&self) -> KeySpec {
        match self {
            PrivateKey::Rsa(key) => match key.size() * 8 {
                2048 => KeySpec::Rsa2048,
                3072 => KeySpec::Rsa3072,
                // Construction admits only the three sizes.
                _ => KeySpec::Rsa4096,
            },
            PrivateKey::P256(_) => KeySpec::EccNistP256,
            PrivateKey::P384(_) => KeySpec::EccNistP384,
            PrivateKey::P521(_) => KeySpec::EccNistP521,
            PrivateKey::K256(_) => KeySpec::EccSecgP256k1,
            PrivateKey::Ed25519(_) => KeySpec::EccNistEdwards25519,
            PrivateKey::MlDsa44(_) => KeySpec::MlDsa44,
            PrivateKey::MlDsa65(_) => KeySpec::MlDsa65,
            PrivateKey::MlDsa87(_) => KeySpec::MlDsa87,
        }
    }

    /// The private key as PKCS#8 DER, in a zeroizing buffer.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
        let document = match self {
            PrivateKey::Rsa(key) => key.to_pkcs8_der(),
            PrivateKey::P256(key) => key.to_pkcs8_der(),
            PrivateKey::P384(key) => key.to_pkcs8_der(),
            PrivateKey::P521(key) => key.to_pkcs8_der(),
            PrivateKey::K256(key) => key.to_pkcs8_der(),
            PrivateKey::Ed25519(key) => key.to_pkcs8_der(),
            PrivateKey::MlDsa44(key) => key.to_pkcs8_der(),
            PrivateKey::MlDsa65(key) => key.to_pkcs8_der(),
            PrivateKey::MlDsa87(key) => key.to_pkcs8_der(),
        }
        .map_err(|_| MaterialError::Encoding)?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The private key as a version-1 (RFC 5208) PKCS#8 `PrivateKeyInfo` in DER, in a
    /// zeroizing buffer: what GenerateDataKeyPair hands out. The same as
    /// [`PrivateKey::to_pkcs8_der`] but for Ed25519, which is written as RFC 8410's 48-byte
    /// form without the optional public key (a version-2 `OneAsymmetricKey` otherwise).
    pub fn to_pkcs8_v1_der(&self) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
        let PrivateKey::Ed25519(key) = self else {
            return self.to_pkcs8_der();
        };
        let bytes = ed25519_dalek::ed25519::pkcs8::KeypairBytes {
            secret_key: key.to_bytes(),
            public_key: None,
        };
        let document = bytes.to_pkcs8_der().map_err(|_| MaterialError::Encoding)?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The public key as DER SubjectPublicKeyInfo (RFC 5280), as GetPublicKey returns it.
    pub fn public_key_der(&self) -> Result<Vec<u8>, MaterialError> {
        let document = match self {
            PrivateKey::Rsa(key) => key.to_public_key().to_public_key_der(),
            PrivateKey::P256(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::P384(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::P521(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::K256(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::Ed25519(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::MlDsa44(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::MlDsa65(key) => key.verifying_key().to_public_key_der(),
            PrivateKey::MlDsa87(key) => key.verifying_key().to_public_key_der(),
        }
        .map_err(|_| MaterialError::Encoding)?;
        Ok(document.as_bytes().to_vec())
    }
}

/// Runs slow CPU work (an RSA key pair takes up to seconds) without stalling the other tasks
/// of the async worker thread it is called on: on a multi-threaded tokio runtime the worker
/// first hands its queued tasks to another thread (`block_in_place`), so requests of other
/// clients keep being served; anywhere else (a current-thread runtime, no runtime) it just runs.
fn off_the_async_worker<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asymmetric_spec_round_trips_through_pkcs8_with_its_public_key_size() {
        // DER SubjectPublicKeyInfo sizes of each spec (RSA: 2048 only, to keep the test fast).
        let cases = [
            (KeySpec::Rsa2048, 294),
            (KeySpec::EccNistP256, 91),
            (KeySpec::EccNistP384, 120),
            (KeySpec::EccNistP521, 158),
            (KeySpec::EccSecgP256k1, 88),
            (KeySpec::EccNistEdwards25519, 44),
            (KeySpec::MlDsa44, 1334),
            (KeySpec::MlDsa65, 1974),
            (KeySpec::MlDsa87, 2614),
        ];
        for (spec, spki_len) in cases {
            let key = PrivateKey::generate(spec).unwrap();
            assert_eq!(key.spec(), spec);
            let public = key.public_key_der().unwrap();
            assert_eq!(public.len(), spki_len, "{spec:?}");
            let der = key.to_pkcs8_der().unwrap();
            let back = PrivateKey::from_pkcs8_der(spec, &der).unwrap();
            assert_eq!(back.public_key_der().unwrap(), public);
            assert!(!format!("{key:?}").contains(&hex::encode(&der[..])));
        }
    }

    #[test]
    fn version_one_pkcs8_is_rfc_8410_for_ed25519_and_unchanged_otherwise() {
        let ed = PrivateKey::generate(KeySpec::EccNistEdwards25519).unwrap();
        let v1 = ed.to_pkcs8_v1_der().unwrap();
        assert_eq!(v1.len(), 48);
        assert_eq!(ed.to_pkcs8_der().unwrap().len(), 83);
        let back = PrivateKey::from_pkcs8_der(KeySpec::EccNistEdwards25519, &v1).unwrap();
        assert_eq!(back.public_key_der().unwrap(), ed.public_key_der().unwrap());
        let p256 = PrivateKey::generate(KeySpec::EccNistP256).unwrap();
        assert_eq!(
            p256.to_pkcs8_v1_der().unwrap(),
            p256.to_pkcs8_der().unwrap()
        );
    }

    #[test]
    fn a_key_of_another_spec_is_refused() {
        let p256 = PrivateKey::generate(KeySpec::EccNistP256).unwrap();
        let der = p256.to_pkcs8_der().unwrap();
        for spec in [
            KeySpec::EccNistP384,
            KeySpec::EccSecgP256k1,
            KeySpec::Rsa2048,
        ] {
            assert_eq!(
                PrivateKey::from_pkcs8_der(spec, &der).unwrap_err(),
                MaterialError::NotPkcs8Of(spec.as_str())
            );
        }
        let rsa = PrivateKey::generate(KeySpec::Rsa2048).unwrap();
        let der = rsa.to_pkcs8_der().unwrap();
        assert!(PrivateKey::from_pkcs8_der(KeySpec::Rsa3072, &der).is_err());
        assert_eq!(
            PrivateKey::generate(KeySpec::Hmac256).unwrap_err(),
            MaterialError::NotAsymmetric("HMAC_256")
        );
    }

    #[test]
    fn rsa_generation_lets_the_other_tasks_of_its_worker_run() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU64, Ordering};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_time()
            .build()
            .unwrap();
        let ticks = Arc::new(AtomicU64::new(0));
        let ticker = {
            let ticks = Arc::clone(&ticks);
            async move {
                loop {
                    ticks.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
            }
        };
        let (before, after) = runtime.block_on(async {
            let ticking = tokio::spawn(ticker);
            tokio::task::yield_now().await;
            let generating = tokio::spawn({
                let ticks = Arc::clone(&ticks);
                async move {
                    let before = ticks.load(Ordering::SeqCst);
                    PrivateKey::generate(KeySpec::Rsa2048).unwrap();
                    (before, ticks.load(Ordering::SeqCst))
                }
            });
            let counts = generating.await.unwrap();
            ticking.abort();
            counts
        });
        // With one worker, the ticker only runs during generation if the worker handed it on.
        assert!(after > before, "ticks {before} -> {after}");
    }
}
