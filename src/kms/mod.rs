//! Emulated AWS KMS, served on the wire as `TrentService.*` (the operation table in
//! `service.rs`, one handler per file in `ops/`) and used in-process by Secrets Manager through
//! [`KeyService`] for envelope encryption. KMS owns the root key that seals key material at
//! rest (`root_key.rs`, `sealed_journal.rs`).
//!
//! Invariants: key material never leaves this module except sealed in a ciphertext blob, or
//! through [`LocalKms::export_keys`] for `/_lockbox/export` (see `seeding.rs`);
//! plaintext data keys are returned in zeroizing buffers; every ciphertext binds its
//! encryption context as associated data, so a wrong context fails to decrypt.

mod access;
mod arn;
mod asymmetric;
mod crypto;
mod deletion;
mod envelope;
mod error;
pub mod fuzz_support;
mod grants;
mod import_token;
mod import_wrap;
mod imported;
mod key_import;
mod key_spec;
mod keys;
mod last_usage;
mod local;
mod mac;
mod managed_key;
mod material;
pub mod model;
mod multi_region;
mod multi_region_imported;
mod ops;
mod paging;
mod related;
mod ring;
mod root_key;
mod rotation;
mod sealed_journal;
mod seeding;
mod seeding_imported;
mod seeding_material;
mod service;
mod stored;
mod stored_imported;
mod stored_material;

use std::collections::BTreeMap;

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::api::ctx::RequestCtx;
use crate::crypto::Sensitive;

pub use arn::{alias_arn, key_arn};
pub use crypto::key_id_of as ciphertext_key_id;
pub use error::KmsError;
pub use imported::MaterialState;
pub use local::{Accepts, LocalKms};
pub use root_key::{
    NEXT_ROOT_KEY_FILE, ROOT_KEY_ENV, ROOT_KEY_FILE, RootKey, RootKeyError, RootKeySource,
};
pub use seeding::{Applied, KeyExport, KeySeed, SeedError, SeedMaterial};
pub use seeding_imported::SeedImportDetails;
pub use seeding_material::decode_material_text;
pub use service::Operation;
pub(crate) use stored::reseal_key;

/// Alias of the AWS managed key Secrets Manager uses by default.
pub const SECRETS_MANAGER_ALIAS: &str = "alias/aws/secretsmanager";

/// KMS encryption context: sorted, so its canonical encoding is unique.
pub type EncryptionContext = BTreeMap<String, String>;

/// Who a KMS call acts for (the partition the key lives in) and when it happens.
#[derive(Debug, Clone, Copy)]
pub struct KmsCaller<'a> {
    /// Account of the caller.
    pub account: &'a str,
    /// Region of the call.
    pub region: &'a str,
    /// The (virtual) time of the call.
    pub now: OffsetDateTime,
}

impl<'a> From<&'a RequestCtx> for KmsCaller<'a> {
    fn from(ctx: &'a RequestCtx) -> Self {
        KmsCaller {
            account: ctx.account(),
            region: &ctx.region,
            now: ctx.now,
        }
    }
}

/// A fresh 256-bit data key: the plaintext (zeroized on drop, never printed) and the same key
/// encrypted under a KMS key.
#[derive(Debug)]
pub struct DataKey {
    /// Plaintext key bytes; use at once and drop.
    pub plaintext: Sensitive<Zeroizing<[u8; 32]>>,
    /// The key encrypted under `key_arn`, as a ciphertext blob.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the KMS key that encrypted it.
    pub key_arn: String,
}

/// The KMS operations other services call on a caller's behalf.
pub trait KeyService: Send + Sync {
    /// Resolves a key identifier (key id, key ARN, alias name or alias ARN; `None` = the AWS
    /// managed `aws/secretsmanager` key, created on first use) to the key's ARN.
    fn resolve_key_arn(
        &self,
        caller: KmsCaller<'_>,
        key_id: Option<&str>,
    ) -> Result<String, KmsError>;

    /// GenerateDataKey with KeySpec AES_256 under `key_id` (see [`KeyService::resolve_key_arn`]).
    fn generate_data_key(
        &self,
        caller: KmsCaller<'_>,
        key_id: Option<&str>,
        context: &EncryptionContext,
    ) -> Result<DataKey, KmsError>;

    /// Decrypts a ciphertext blob made by this service with the same encryption context.
    fn decrypt(
        &self,
        caller: KmsCaller<'_>,
        ciphertext_blob: &[u8],
        context: &EncryptionContext,
    ) -> Result<Zeroizing<Vec<u8>>, KmsError>;

    /// Authorizes `action` (`kms:GenerateDataKey`, `kms:Decrypt`) on the key `key_arn` for
    /// the caller of `ctx`, as a call Secrets Manager makes for it (`kms:ViaService`, the
    /// encryption context `context` as `kms:EncryptionContext:*`). A service without policies
    /// allows it.
    fn authorize_on_behalf(
        &self,
        _ctx: &RequestCtx,
        _key_arn: &str,
        _action: &'static str,
        _context: &EncryptionContext,
    ) -> Result<(), KmsError> {
        Ok(())
    }

    /// Records that a successful `operation` (GenerateDataKey or Decrypt) made for the request
    /// `request_id` at `at` used the key `key_arn`, its audit record being `event_id`
    /// (GetKeyLastUsage). A service without usage tracking ignores it.
    fn record_use(
        &self,
        _key_arn: &str,
        _operation: &'static str,
        _at: OffsetDateTime,
        _request_id: &str,
        _event_id: &str,
    ) {
    }

    /// Drops every key of every account (admin reset).
    fn reset_all(&self);

    /// Drops every key of one account (admin reset).
    fn reset_account(&self, account: &str);
}
