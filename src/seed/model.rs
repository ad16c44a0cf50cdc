//! The seed / export document (`version: 1`), shared by `--seed`, `/_lockbox/import` and
//! `/_lockbox/export`. Plain serde types: JSON always, YAML by file extension (see
//! [`super::parse`]).
//!
//! Invariants: secret values are held in [`SecretText`] / [`SecretBlob`] and key material in
//! [`KeyMaterialText`], all zeroized on drop and redacted in `Debug`; unknown fields are
//! rejected so a typo fails loudly instead of being ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::api::json::{SecretBlob, SecretText};
use crate::crypto::Sensitive;

/// The only document version this build reads and writes.
pub const DOCUMENT_VERSION: u32 = 1;

/// A whole seed or export.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedDocument {
    /// Must be [`DOCUMENT_VERSION`].
    pub version: u32,
    /// State per (account, region).
    #[serde(default)]
    pub partitions: Vec<PartitionDoc>,
}

/// Everything in one (account, region).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionDoc {
    /// 12-digit account id.
    pub account: String,
    /// Region name, e.g. `us-east-1`.
    pub region: String,
    /// KMS keys (applied before secrets, so secrets can name them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kms_keys: Vec<KeyDoc>,
    /// Secrets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretDoc>,
}

/// A KMS key with a fixed id: a symmetric encryption key unless `key_spec` says otherwise.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyDoc {
    /// The key id: a hyphenated UUID, fixed so ARNs and ciphertexts stay valid.
    pub key_id: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// `false` makes the key `Disabled`.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Key policy; absent means KMS's default policy (and is not compared on re-apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Aliases (`alias/<name>`) pointing at this key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// True for the AWS managed key (`alias/aws/secretsmanager`); exports set it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub aws_managed: bool,
    /// `KeySpec` (e.g. `ECC_NIST_P256`, `HMAC_256`); absent = `SYMMETRIC_DEFAULT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<String>,
    /// `KeyUsage` (e.g. `SIGN_VERIFY`); absent = `ENCRYPT_DECRYPT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<String>,
    /// Shorthand for one generation of material: base64 of the 32-byte AES key, of the HMAC
    /// key bytes, or of a PKCS#8 DER private key; or a PKCS#8 PEM private key. Its material id
    /// is derived from the key id and the material, so the same seed always makes the same key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material: Option<KeyMaterialText>,
    /// Every generation, oldest first (exports write this; the newest encrypts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_materials: Vec<MaterialDoc>,
    /// For a multi-Region key (`key_id` `mrk-` and 32 hex digits): the Region of its primary
    /// key. The keys with this id in the account's partitions form one set; a replica
    /// declared without material gets its primary's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_region: Option<String>,
    /// `EXTERNAL` for a key of imported material: `key_materials` are its import record (see
    /// [`MaterialDoc`]); without material it is `PendingImport`. Absent = `AWS_KMS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// One generation of key material. The fields after `material` are for keys of origin
/// `EXTERNAL` only (exports write them all).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialDoc {
    /// `KeyMaterialId`: 64 hex characters; derived when absent (for `EXTERNAL` material it is
    /// always derived from the key id and the bytes, and needed only without `material`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The material, in a form `key_material` accepts. Absent only for `EXTERNAL` material
    /// that is associated but not imported (deleted or expired; `ImportState`
    /// `PENDING_IMPORT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub material: Option<KeyMaterialText>,
    /// `KeyMaterialState`: `CURRENT`, `NON_CURRENT`, `PENDING_ROTATION` (or, in a multi-Region
    /// key, `PENDING_MULTI_REGION_IMPORT_AND_ROTATION`); absent = the last
    /// material without a state is `CURRENT` (unless another is), the others `NON_CURRENT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `ValidTo` (RFC 3339) of imported material that expires; absent = does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    /// `KeyMaterialDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the on-demand rotation that made this material current happened (RFC 3339), for
    /// permanent material after the first; absent = the time of seeding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<String>,
}

/// Base64 key material, zeroized on drop and never printed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct KeyMaterialText(pub Sensitive<Zeroizing<String>>);

impl KeyMaterialText {
    /// Wraps base64 text.
    pub fn new(text: String) -> Self {
        KeyMaterialText(Sensitive::new(Zeroizing::new(text)))
    }
}

impl Serialize for KeyMaterialText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose())
    }
}

/// A secret and its versions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretDoc {
    /// The secret name.
    pub name: String,
    /// The 6 alphanumerics after `<name>-` in the ARN; derived from account, region and name
    /// when absent, so the ARN is stable either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn_suffix: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// KMS key (id, ARN or alias) encrypting the values; absent means `aws/secretsmanager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Resource policy document (JSON text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<String>,
    /// Versions, oldest first. When no version carries `AWSCURRENT`, the last one gets it.
    #[serde(default)]
    pub versions: Vec<VersionDoc>,
}

/// One version: its id, labels and exactly one of the value forms.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionDoc {
    /// Version id (32-64 characters); derived from the secret and position when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// Staging labels.
    #[serde(default)]
    pub stages: Vec<String>,
    /// Plaintext string value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_string: Option<SecretText>,
    /// Plaintext binary value (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_binary: Option<SecretBlob>,
    /// The value as stored: only importable with the KMS key that sealed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<EncryptedValueDoc>,
}

/// A version's value sealed as Lockbox stores it (see `secretsmanager::value`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedValueDoc {
    /// `string` or `binary`.
    pub kind: ValueKindDoc,
    /// Base64 of `nonce || ciphertext || tag` under the version's data key.
    pub ciphertext: String,
    /// Base64 KMS ciphertext blob of the data key (context {SecretARN, SecretVersionId}).
    pub encrypted_data_key: String,
}

/// Which member a value came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKindDoc {
    /// `SecretString`.
    String,
    /// `SecretBinary`.
    Binary,
}

fn enabled_by_default() -> bool {
    true
}

fn is_false(value: &bool) -> bool {
    !*value
}
