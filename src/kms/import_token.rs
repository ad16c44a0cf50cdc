//! Import tokens (GetParametersForImport -> ImportKeyMaterial): opaque to the caller,
//! self-contained here, so nothing is kept between the two calls.
//!
//! A token is the AES-256-GCM sealing of
//! `version (1) | wrapping algorithm code (1) | expiry, unix seconds (i64 BE) |
//! key-id length (1) | key id | wrapping private key (PKCS#8 DER)`,
//! under the root key when there is one (tokens then survive a restart, not a rekey), else
//! under a random key of this process. It binds the KMS key and the wrapping key pair, and
//! expires 24 hours after it was issued, on the virtual clock. A token that does not open or
//! parse is `InvalidImportTokenException`; one for another key likewise; an expired one
//! `ExpiredImportTokenException`.

use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use super::KmsError;
use super::asymmetric::PrivateKey;
use super::import_wrap::WrappingAlgorithm;
use super::key_spec::KeySpec;
use super::root_key::RootKey;
use crate::crypto::{Sensitive, aead};

/// How long a token and its wrapping key are valid.
pub const VALIDITY: Duration = Duration::hours(24);

const VERSION: u8 = 1;
const AAD: &[u8] = b"lockbox import token v1";

/// The random key that seals tokens when there is no root key (in memory only).
#[derive(Debug)]
pub struct TokenKey(Sensitive<Zeroizing<[u8; 32]>>);

impl Default for TokenKey {
    fn default() -> Self {
        TokenKey(Sensitive::new(aead::random_key()))
    }
}

/// What seals and opens tokens.
#[derive(Debug, Clone, Copy)]
pub enum TokenSealer<'a> {
    /// The root key of a data dir.
    Root(&'a RootKey),
    /// The process's own key.
    Process(&'a TokenKey),
}

impl TokenSealer<'_> {
    fn seal(self, payload: &[u8]) -> Result<Vec<u8>, KmsError> {
        match self {
            TokenSealer::Root(key) => key.seal(payload, AAD).map_err(|_| KmsError::Internal),
            TokenSealer::Process(key) => {
                aead::seal(key.0.expose(), payload, AAD).map_err(|_| KmsError::Internal)
            }
        }
    }

    fn open(self, token: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            TokenSealer::Root(key) => key.open(token, AAD).ok(),
            TokenSealer::Process(key) => aead::open(key.0.expose(), token, AAD).ok(),
        }
    }
}

/// What a valid token stands for.
pub struct ImportToken {
    /// The key id it was issued for.
    pub key_id: String,
    /// The wrapping algorithm the caller chose.
    pub algorithm: WrappingAlgorithm,
    /// When it stops being valid.
    pub expires: OffsetDateTime,
    /// The wrapping key pair whose public half was handed out.
    pub wrapping_key: PrivateKey,
}

impl std::fmt::Debug for ImportToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportToken")
            .field("key_id", &self.key_id)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// `InvalidImportTokenException` (AWS's wording is not documented; unverified).
pub fn invalid_token() -> KmsError {
    KmsError::InvalidImportToken(
        "Import token is invalid or is associated with a different KMS key.".into(),
    )
}

impl ImportToken {
    /// The token bytes handed to the caller.
    pub fn seal(&self, sealer: TokenSealer<'_>) -> Result<Vec<u8>, KmsError> {
        let wrapping = self
            .wrapping_key
            .to_pkcs8_der()
            .map_err(|_| KmsError::Internal)?;
        let id_len = u8::try_from(self.key_id.len()).map_err(|_| KmsError::Internal)?;
        let mut payload =
            Zeroizing::new(Vec::with_capacity(11 + self.key_id.len() + wrapping.len()));
        payload.push(VERSION);
        payload.push(self.algorithm.code());
        payload.extend_from_slice(&self.expires.unix_timestamp().to_be_bytes());
        payload.push(id_len);
        payload.extend_from_slice(self.key_id.as_bytes());
        payload.extend_from_slice(&wrapping);
        sealer.seal(&payload)
    }

    /// The token `bytes` stand for, if Lockbox issued them (`InvalidImportTokenException`
    /// otherwise). Expiry and key are the caller's to check ([`ImportToken::check`]).
    pub fn open(sealer: TokenSealer<'_>, bytes: &[u8]) -> Result<ImportToken, KmsError> {
        let payload = sealer.open(bytes).ok_or_else(invalid_token)?;
        Self::parse(&payload).ok_or_else(invalid_token)
    }

    fn parse(payload: &[u8]) -> Option<ImportToken> {
        let (&version, rest) = payload.split_first()?;
        if version != VERSION {
            return None;
        }
        let (&code, rest) = rest.split_first()?;
        let algorithm = WrappingAlgorithm::from_code(code)?;
        let (expires, rest) = rest.split_first_chunk::<8>()?;
        let expires = OffsetDateTime::from_unix_timestamp(i64::from_be_bytes(*expires)).ok()?;
        let (&id_len, rest) = rest.split_first()?;
        let (key_id, der) = rest.split_at_checked(usize::from(id_len))?;
        let key_id = std::str::from_utf8(key_id).ok()?.to_owned();
        let wrapping_key = [KeySpec::Rsa2048, KeySpec::Rsa3072, KeySpec::Rsa4096]
            .into_iter()
            .find_map(|spec| PrivateKey::from_pkcs8_der(spec, der).ok())?;
        Some(ImportToken {
            key_id,
            algorithm,
            expires,
            wrapping_key,
        })
    }

    /// Ok when the token is for `key_id` and still valid at `now`.
    pub fn check(&self, key_id: &str, now: OffsetDateTime) -> Result<(), KmsError> {
        if self.key_id != key_id {
            return Err(invalid_token());
        }
        if now >= self.expires {
            // AWS's wording is not documented (unverified).
            return Err(KmsError::ExpiredImportToken(
                "Import token has expired. Call GetParametersForImport to get a new import token and public key.".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kms::asymmetric::OaepHash;

    #[test]
    fn a_token_opens_only_with_its_sealer_and_only_for_its_key_until_it_expires() {
        let key = TokenKey::default();
        let other = TokenKey::default();
        let start = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let token = ImportToken {
            key_id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            algorithm: WrappingAlgorithm::RsaAesKeyWrap(OaepHash::Sha256),
            expires: start + VALIDITY,
            wrapping_key: PrivateKey::generate(KeySpec::Rsa2048).unwrap(),
        };
        let bytes = token.seal(TokenSealer::Process(&key)).unwrap();
        assert!(bytes.len() <= 6144);
        let opened = ImportToken::open(TokenSealer::Process(&key), &bytes).unwrap();
        assert_eq!(opened.algorithm, token.algorithm);
        assert_eq!(opened.expires, token.expires);
        assert_eq!(
            opened.wrapping_key.public_key_der().unwrap(),
            token.wrapping_key.public_key_der().unwrap()
        );
        assert!(opened.check(&token.key_id, start).is_ok());
        assert_eq!(
            opened.check("another", start).map_err(|e| e.code()),
            Err("InvalidImportTokenException")
        );
        assert_eq!(
            opened
                .check(&token.key_id, start + VALIDITY)
                .map_err(|e| e.code()),
            Err("ExpiredImportTokenException")
        );
        assert!(ImportToken::open(TokenSealer::Process(&other), &bytes).is_err());
        assert!(ImportToken::open(TokenSealer::Process(&key), &bytes[1..]).is_err());
        assert!(ImportToken::open(TokenSealer::Process(&key), b"").is_err());
    }
}
