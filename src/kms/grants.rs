//! Grants on a key: what CreateGrant stores, ListGrants shows and Retire/RevokeGrant remove,
//! and the grant tokens that name them.
//!
//! Invariants: a grant id is 64 lowercase hex characters, unique in its partition; a grant
//! token is `base64url(TOKEN_MAGIC || grant id (32 bytes) || 32 random bytes)` and the grant
//! keeps only SHA-256 digests of the tokens it issued (several per grant when a named
//! CreateGrant is retried). Grants are stored and listed; IAM evaluation will consult them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::EncryptionContext;
use crate::crypto::aead;

/// The first bytes of every grant token Lockbox issues.
const TOKEN_MAGIC: &[u8; 4] = b"LBGT";
const GRANT_ID_LEN: usize = 32;
const TOKEN_LEN: usize = TOKEN_MAGIC.len() + GRANT_ID_LEN + 32;

/// `GrantConstraints`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    /// `EncryptionContextSubset`.
    pub subset: Option<EncryptionContext>,
    /// `EncryptionContextEquals`.
    pub equals: Option<EncryptionContext>,
}

/// What a grant allows; two CreateGrant calls with the same name and terms are one grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTerms {
    /// `Name`, if given.
    pub name: Option<String>,
    /// `GranteePrincipal`.
    pub grantee_principal: String,
    /// `RetiringPrincipal`, if given.
    pub retiring_principal: Option<String>,
    /// `Operations`, sorted and without duplicates.
    pub operations: Vec<String>,
    /// `Constraints`, if given.
    pub constraints: Option<Constraints>,
}

/// One grant on a key.
#[derive(Debug, Clone)]
pub struct Grant {
    /// `GrantId`: 64 lowercase hex characters.
    pub id: String,
    /// What it allows.
    pub terms: GrantTerms,
    /// When it was created.
    pub creation_date: OffsetDateTime,
    /// `IssuingAccount`: `arn:aws:iam::<account>:root`.
    pub issuing_account: String,
    /// SHA-256 of every token issued for it.
    pub(super) token_digests: Vec<[u8; 32]>,
}

impl Grant {
    /// A new grant with a fresh id.
    pub fn new(terms: GrantTerms, account: &str, now: OffsetDateTime) -> Grant {
        Grant {
            id: hex::encode(*aead::random_key()),
            terms,
            creation_date: now,
            issuing_account: format!("arn:aws:iam::{account}:root"),
            token_digests: Vec::new(),
        }
    }

    /// Issues a new token for this grant (every CreateGrant call gets its own).
    pub fn issue_token(&mut self) -> String {
        let mut bytes = Zeroizing::new(Vec::with_capacity(TOKEN_LEN));
        bytes.extend_from_slice(TOKEN_MAGIC);
        // The id was made by `Grant::new` from 32 bytes, so it always decodes.
        bytes.extend_from_slice(&hex::decode(&self.id).unwrap_or_default());
        bytes.extend_from_slice(aead::random_key().as_slice());
        let token = URL_SAFE_NO_PAD.encode(bytes.as_slice());
        self.token_digests
            .push(Sha256::digest(token.as_bytes()).into());
        token
    }

    /// Whether `token` was issued for this grant.
    pub fn has_token(&self, token: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.token_digests.contains(&digest)
    }
}

/// The grant id a token names, if it is a well-formed Lockbox grant token.
pub fn grant_id_of_token(token: &str) -> Option<String> {
    let bytes = Zeroizing::new(URL_SAFE_NO_PAD.decode(token.as_bytes()).ok()?);
    if bytes.len() != TOKEN_LEN || !bytes.starts_with(TOKEN_MAGIC) {
        return None;
    }
    Some(hex::encode(
        &bytes[TOKEN_MAGIC.len()..TOKEN_MAGIC.len() + GRANT_ID_LEN],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> GrantTerms {
        GrantTerms {
            name: None,
            grantee_principal: "arn:aws:iam::111122223333:role/r".into(),
            retiring_principal: None,
            operations: vec!["Decrypt".into()],
            constraints: None,
        }
    }

    #[test]
    fn tokens_name_their_grant_and_are_checked_by_digest() {
        let mut grant = Grant::new(terms(), "111122223333", OffsetDateTime::UNIX_EPOCH);
        assert_eq!(grant.id.len(), 64);
        let first = grant.issue_token();
        let second = grant.issue_token();
        assert_ne!(first, second);
        assert_eq!(
            grant_id_of_token(&first).as_deref(),
            Some(grant.id.as_str())
        );
        assert!(grant.has_token(&first) && grant.has_token(&second));
        assert!(!grant.has_token("nope"));
        assert_eq!(grant_id_of_token("nope"), None);
        assert_eq!(grant_id_of_token(""), None);
    }
}
