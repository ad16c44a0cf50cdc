//! A KMS key, its state machine, and an alias.
//!
//! Invariants: a key of origin `AWS_KMS` always has at least one generation of material (the
//! newest encrypts, every generation keeps decrypting); a key of origin `EXTERNAL` has the
//! generations its import record says are imported (see `imported.rs`; its current one
//! encrypts) and is `PendingImport` exactly while a permanently associated one is missing,
//! unless it is pending deletion; every generation is of the kind its [`KeyType`] says;
//! `deletion_date` is set exactly when the state is `PendingDeletion`; key material never
//! leaves this module except inside ciphertext blobs.

use time::OffsetDateTime;

use super::KmsCaller;
use super::asymmetric::{MaterialError, PrivateKey};
use super::envelope::MATERIAL_ID_LEN;
use super::error::KmsError;
use super::grants::Grant;
use super::imported::Origin;
use super::key_spec::{KeyType, KeyUsage};
use super::model::KeyMetadata;
use super::rotation::KeyRotation;
use crate::api::json::EpochSeconds;

pub use super::material::{Material, Secret};
pub use super::multi_region::MultiRegion;

/// Who manages a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyManager {
    /// An AWS managed key such as `aws/secretsmanager`.
    Aws,
    /// A customer managed key.
    Customer,
}

impl KeyManager {
    /// The wire name (`AWS` | `CUSTOMER`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyManager::Aws => "AWS",
            KeyManager::Customer => "CUSTOMER",
        }
    }
}

/// Lifecycle state of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Usable for cryptographic operations.
    Enabled,
    /// Refuses cryptographic operations until enabled again.
    Disabled,
    /// Scheduled for deletion at the key's `deletion_date`.
    PendingDeletion,
    /// A multi-Region primary scheduled for deletion, waiting for its replicas to be deleted
    /// (no `deletion_date` until then; see `multi_region.rs`).
    PendingReplicaDeletion,
    /// An `EXTERNAL` key missing imported material (never imported, deleted or expired).
    PendingImport,
}

impl KeyState {
    /// The wire name, e.g. `PendingDeletion`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
            KeyState::PendingReplicaDeletion => "PendingReplicaDeletion",
            KeyState::PendingImport => "PendingImport",
        }
    }
}

/// A KMS key of any kind.
#[derive(Clone)]
pub struct Key {
    /// The key id (a UUID).
    pub id: String,
    /// The key ARN.
    pub arn: String,
    /// The owning account.
    pub account: String,
    /// Who manages it.
    pub manager: KeyManager,
    /// Its key spec and key usage (fixed at creation).
    pub key_type: KeyType,
    /// Lifecycle state.
    pub state: KeyState,
    /// Description (may be empty, and is then sent as `""`, as KMS does).
    pub description: String,
    /// When it was created (virtual clock).
    pub creation_date: OffsetDateTime,
    /// When it will be deleted; set exactly while `PendingDeletion`.
    pub deletion_date: Option<OffsetDateTime>,
    /// The key policy named `default`, stored as given.
    pub policy: String,
    /// Tags in the order they were added.
    pub tags: Vec<(String, String)>,
    /// All material generations, newest last; only the newest encrypts. Asymmetric and HMAC
    /// keys have exactly one (they do not rotate).
    pub materials: Vec<Material>,
    /// Automatic rotation schedule and rotation history.
    pub rotation: KeyRotation,
    /// Grants on this key, oldest first.
    pub grants: Vec<Grant>,
    /// Its place in a set of related multi-Region keys; `None` for a single-Region key.
    pub multi_region: Option<MultiRegion>,
    /// `AWS_KMS`, or `EXTERNAL` with the record of its imported materials.
    pub origin: Origin,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("manager", &self.manager)
            .field("key_type", &self.key_type)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// A new enabled symmetric encryption key with fresh material in the caller's partition,
    /// created now; `policy` `None` gets KMS's default key policy.
    pub fn new(
        caller: KmsCaller<'_>,
        manager: KeyManager,
        description: String,
        policy: Option<String>,
    ) -> Key {
        Key::with_materials(
            caller,
            manager,
            description,
            policy,
            KeyType::SYMMETRIC,
            vec![Material::generate()],
        )
    }

    /// Like [`Key::new`], for a key of `key_type` (asymmetric key pairs are generated here,
    /// which takes a moment for RSA: call it before taking any lock).
    pub fn new_of_type(
        caller: KmsCaller<'_>,
        manager: KeyManager,
        description: String,
        policy: Option<String>,
        key_type: KeyType,
    ) -> Result<Key, MaterialError> {
        let material = Material::generate_for(key_type.spec())?;
        Ok(Key::with_materials(
            caller,
            manager,
            description,
            policy,
            key_type,
            vec![material],
        ))
    }

    /// An enabled key of origin `AWS_KMS` with `materials` (the newest last).
    pub(super) fn with_materials(
        caller: KmsCaller<'_>,
        manager: KeyManager,
        description: String,
        policy: Option<String>,
        key_type: KeyType,
        materials: Vec<Material>,
    ) -> Key {
        let id = uuid::Uuid::new_v4().to_string();
        Key {
            arn: caller.key_arn(&id),
            id,
            account: caller.account.to_owned(),
            manager,
            key_type,
            state: KeyState::Enabled,
            description,
            creation_date: caller.now,
            deletion_date: None,
            policy: policy.unwrap_or_else(|| default_policy(caller.account)),
            tags: Vec::new(),
            materials,
            rotation: KeyRotation::default(),
            grants: Vec::new(),
            multi_region: None,
            origin: Origin::AwsKms,
        }
    }

    /// The material new ciphertexts are made with (`None` while an `EXTERNAL` key's current
    /// material is not imported).
    pub fn current_material(&self) -> Option<&Material> {
        match &self.origin {
            Origin::AwsKms => self.materials.last(),
            Origin::External(record) => self.material(&record.current()?.id),
        }
    }

    /// The material with `id`, for decryption.
    pub fn material(&self, id: &[u8; MATERIAL_ID_LEN]) -> Option<&Material> {
        self.materials.iter().find(|m| &m.id == id)
    }

    /// Fails as KMS does when the key cannot be used for cryptographic operations:
    /// `DisabledException` when disabled, `KMSInvalidStateException` when pending deletion.
    pub fn check_usable(&self) -> Result<(), KmsError> {
        match self.state {
            KeyState::Enabled => Ok(()),
            KeyState::Disabled => Err(KmsError::Disabled(self.arn.clone())),
            KeyState::PendingDeletion => Err(KmsError::pending_deletion(&self.arn)),
            KeyState::PendingReplicaDeletion => Err(KmsError::pending_replica_deletion(&self.arn)),
            KeyState::PendingImport => Err(KmsError::pending_import(&self.arn)),
        }
    }

    /// Fails with `KMSInvalidStateException` while the key is pending deletion (management
    /// operations such as EnableKey, TagResource or CreateAlias).
    pub fn check_not_pending_deletion(&self) -> Result<(), KmsError> {
        match self.state {
            KeyState::PendingDeletion => Err(KmsError::pending_deletion(&self.arn)),
            KeyState::PendingReplicaDeletion => Err(KmsError::pending_replica_deletion(&self.arn)),
            _ => Ok(()),
        }
    }

    /// Puts the key in `PendingDeletion` until `now + days`; returns the deletion date.
    pub fn schedule_deletion(&mut self, now: OffsetDateTime, days: i64) -> OffsetDateTime {
        // Callers check the window first; saturating keeps an unchecked caller from panicking.
        let date = now.saturating_add(time::Duration::days(days));
        self.state = KeyState::PendingDeletion;
        self.deletion_date = Some(date);
        date
    }

    /// Takes the key out of `PendingDeletion` (or `PendingReplicaDeletion`); it is then
    /// `Disabled`, as on AWS, or `PendingImport` if it misses imported material.
    pub fn cancel_deletion(&mut self) {
        self.state = match self.origin.external() {
            Some(record) if !record.complete() => KeyState::PendingImport,
            _ => KeyState::Disabled,
        };
        self.deletion_date = None;
        if let Some(mr) = self.multi_region.as_mut() {
            mr.replica_deletion_window = None;
        }
    }

    /// Whether the key's deletion window has ended at `now`.
    pub fn deletion_due(&self, now: OffsetDateTime) -> bool {
        self.deletion_date.is_some_and(|date| date <= now)
    }

    /// The key's Region (read from its ARN).
    pub fn region(&self) -> &str {
        self.arn.split(':').nth(3).unwrap_or_default()
    }

    /// The private key of an asymmetric key (`None` for symmetric and HMAC keys).
    pub fn private_key(&self) -> Option<&PrivateKey> {
        match &self.current_material()?.secret {
            Secret::Private(key) => Some(key),
            _ => None,
        }
    }

    /// The HMAC key bytes of an HMAC key.
    pub fn hmac_key(&self) -> Option<&[u8]> {
        match &self.current_material()?.secret {
            Secret::Hmac(key) => Some(key.as_slice()),
            _ => None,
        }
    }

    /// `InvalidKeyUsageException` unless the key's usage is `usage`, in AWS's words:
    /// `<key ARN> key usage is SIGN_VERIFY which is not valid for Encrypt.`
    pub fn check_usage(&self, usage: KeyUsage, operation: &str) -> Result<(), KmsError> {
        let actual = self.key_type.usage();
        match actual == usage {
            true => Ok(()),
            false => Err(KmsError::InvalidKeyUsage(format!(
                "{} key usage is {} which is not valid for {operation}.",
                self.arn,
                actual.as_str()
            ))),
        }
    }

    /// For the operations only symmetric encryption keys serve (GenerateDataKey*): the usage
    /// check of [`Key::check_usage`], then for an asymmetric encryption key
    /// `<key ARN> key KeySpec is RSA_2048 which is not valid for GenerateDataKey.`
    pub fn check_symmetric(&self, operation: &str) -> Result<(), KmsError> {
        self.check_usage(KeyUsage::EncryptDecrypt, operation)?;
        match self.key_type.is_symmetric() {
            true => Ok(()),
            false => Err(KmsError::InvalidKeyUsage(format!(
                "{} key KeySpec is {} which is not valid for {operation}.",
                self.arn,
                self.key_type.spec().as_str()
            ))),
        }
    }

    /// `UnsupportedOperationException` for the rotation operations on a key that is not a
    /// symmetric encryption key (only those rotate). AWS's wording is not documented; this
    /// one follows its text for keys of another origin.
    pub fn check_rotatable(&self) -> Result<(), KmsError> {
        match self.key_type.is_symmetric() {
            true => Ok(()),
            false => Err(KmsError::UnsupportedOperation(format!(
                "{} key spec is {} which is not valid for this operation.",
                self.arn,
                self.key_type.spec().as_str()
            ))),
        }
    }

    /// `KeyMetadata` as DescribeKey, CreateKey and friends return it: the algorithm list of
    /// the key's usage only, `CustomerMasterKeySpec` when its enum can name the spec, and
    /// `CurrentKeyMaterialId` for symmetric encryption keys only.
    pub fn metadata(&self) -> KeyMetadata {
        let spec = self.key_type.spec();
        let algorithms = self.key_type.algorithms();
        let expiration = self
            .origin
            .external()
            .and_then(|record| record.expiration());
        KeyMetadata {
            aws_account_id: self.account.clone(),
            key_id: self.id.clone(),
            arn: self.arn.clone(),
            creation_date: EpochSeconds(self.creation_date),
            enabled: self.state == KeyState::Enabled,
            description: self.description.clone(),
            key_usage: self.key_type.usage().as_str(),
            key_state: self.state.as_str(),
            deletion_date: self.deletion_date.map(EpochSeconds),
            origin: self.origin.as_str(),
            key_manager: self.manager.as_str(),
            customer_master_key_spec: spec.customer_master_key_spec(),
            key_spec: spec.as_str(),
            encryption_algorithms: algorithms.encryption,
            signing_algorithms: algorithms.signing,
            key_agreement_algorithms: algorithms.key_agreement,
            multi_region: self.multi_region.is_some(),
            multi_region_configuration: self
                .multi_region
                .as_ref()
                .map(|mr| mr.configuration(&self.account, &self.id, self.region())),
            pending_deletion_window_in_days: self
                .multi_region
                .as_ref()
                .and_then(|mr| mr.replica_deletion_window)
                .filter(|_| self.state == KeyState::PendingReplicaDeletion),
            mac_algorithms: algorithms.mac,
            current_key_material_id: self
                .key_type
                .is_symmetric()
                .then(|| self.current_material_id().map(hex::encode))
                .flatten(),
            expiration_model: expiration.map(|expiry| expiry.model()),
            valid_to: expiration
                .and_then(|expiry| expiry.valid_to())
                .map(EpochSeconds),
        }
    }

    /// The id of the current material, imported or not.
    pub fn current_material_id(&self) -> Option<[u8; MATERIAL_ID_LEN]> {
        match &self.origin {
            Origin::AwsKms => self.materials.last().map(|material| material.id),
            Origin::External(record) => record.current().map(|entry| entry.id),
        }
    }
}

/// KMS's default key policy, byte for byte as the API prints it (`" : "` separators,
/// 2-space indent).
pub fn default_policy(account: &str) -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {{\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"arn:aws:iam::{account}:root\"\n    }},\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

/// An alias: a name (`alias/...`, its key in the key ring) for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// Id of the key it points at.
    pub key_id: String,
    /// When it was created.
    pub creation_date: OffsetDateTime,
    /// When it was last pointed at a key (its creation date until UpdateAlias).
    pub last_updated_date: OffsetDateTime,
}

impl Alias {
    /// A new alias of `key_id`, made at `now`.
    pub fn new(key_id: String, now: OffsetDateTime) -> Alias {
        Alias {
            key_id,
            creation_date: now,
            last_updated_date: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        let caller = KmsCaller {
            account: "111122223333",
            region: "us-east-1",
            now: OffsetDateTime::UNIX_EPOCH,
        };
        Key::new(caller, KeyManager::Customer, String::new(), None)
    }

    #[test]
    fn states_refuse_use_with_kms_texts() {
        let mut key = key();
        assert!(key.check_usable().is_ok());
        key.state = KeyState::Disabled;
        assert_eq!(
            key.check_usable().unwrap_err().to_string(),
            format!("{} is disabled.", key.arn)
        );
        assert!(key.check_not_pending_deletion().is_ok());
        key.state = KeyState::PendingDeletion;
        assert_eq!(
            key.check_usable().unwrap_err().to_string(),
            format!("{} is pending deletion.", key.arn)
        );
    }

    #[test]
    fn metadata_of_a_default_key_has_the_aws_fields() {
        let key = key();
        let json = serde_json::to_value(key.metadata()).unwrap();
        assert_eq!(json["KeyManager"], "CUSTOMER");
        assert_eq!(json["KeyState"], "Enabled");
        assert_eq!(json["Description"], "");
        assert_eq!(json["CurrentKeyMaterialId"].as_str().unwrap().len(), 64);
        assert!(json.get("DeletionDate").is_none());
        assert!(
            key.policy
                .contains("\"AWS\" : \"arn:aws:iam::111122223333:root\"")
        );
    }
}
