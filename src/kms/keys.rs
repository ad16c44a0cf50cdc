//! A KMS key, its state machine, and an alias.
//!
//! Invariants: a key always has at least one generation of material (the newest encrypts,
//! every generation keeps decrypting); `deletion_date` is set exactly when the state is
//! `PendingDeletion`; key material never leaves this module except inside ciphertext blobs.

use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::KmsCaller;
use super::envelope::MATERIAL_ID_LEN;
use super::error::KmsError;
use super::grants::Grant;
use super::model::KeyMetadata;
use super::rotation::KeyRotation;
use crate::api::json::EpochSeconds;
use crate::crypto::{Sensitive, aead};

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
}

impl KeyState {
    /// The wire name, e.g. `PendingDeletion`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
        }
    }
}

/// One generation of key material.
#[derive(Debug, Clone)]
pub struct Material {
    /// Identifies this material inside ciphertext blobs (`KeyMaterialId` is its hex form).
    pub id: [u8; MATERIAL_ID_LEN],
    /// The 256-bit secret; zeroized on drop, never printed.
    pub secret: Sensitive<Zeroizing<[u8; 32]>>,
}

impl Material {
    /// Fresh random material.
    pub fn generate() -> Self {
        let mut id = [0u8; MATERIAL_ID_LEN];
        id.copy_from_slice(&aead::random_key()[..MATERIAL_ID_LEN]);
        Material {
            id,
            secret: Sensitive::new(aead::random_key()),
        }
    }

    /// `KeyMaterialId` as KMS shows it: 64 lowercase hex characters.
    pub fn id_hex(&self) -> String {
        hex::encode(self.id)
    }
}

/// A symmetric encryption KMS key.
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
    /// All material generations, newest last; only the newest encrypts.
    pub materials: Vec<Material>,
    /// Automatic rotation schedule and rotation history.
    pub rotation: KeyRotation,
    /// Grants on this key, oldest first.
    pub grants: Vec<Grant>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("manager", &self.manager)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// A new enabled key with fresh material in the caller's partition, created now;
    /// `policy` `None` gets KMS's default key policy.
    pub fn new(
        caller: KmsCaller<'_>,
        manager: KeyManager,
        description: String,
        policy: Option<String>,
    ) -> Key {
        let id = uuid::Uuid::new_v4().to_string();
        Key {
            arn: caller.key_arn(&id),
            id,
            account: caller.account.to_owned(),
            manager,
            state: KeyState::Enabled,
            description,
            creation_date: caller.now,
            deletion_date: None,
            policy: policy.unwrap_or_else(|| default_policy(caller.account)),
            tags: Vec::new(),
            materials: vec![Material::generate()],
            rotation: KeyRotation::default(),
            grants: Vec::new(),
        }
    }

    /// The material new ciphertexts are made with.
    pub fn current_material(&self) -> Option<&Material> {
        self.materials.last()
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
        }
    }

    /// Fails with `KMSInvalidStateException` while the key is pending deletion (management
    /// operations such as EnableKey, TagResource or CreateAlias).
    pub fn check_not_pending_deletion(&self) -> Result<(), KmsError> {
        match self.state {
            KeyState::PendingDeletion => Err(KmsError::pending_deletion(&self.arn)),
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

    /// Takes the key out of `PendingDeletion`; it is then `Disabled`, as on AWS.
    pub fn cancel_deletion(&mut self) {
        self.state = KeyState::Disabled;
        self.deletion_date = None;
    }

    /// Whether the key's deletion window has ended at `now`.
    pub fn deletion_due(&self, now: OffsetDateTime) -> bool {
        self.deletion_date.is_some_and(|date| date <= now)
    }

    /// `KeyMetadata` as DescribeKey, CreateKey and friends return it.
    pub fn metadata(&self) -> KeyMetadata {
        KeyMetadata {
            aws_account_id: self.account.clone(),
            key_id: self.id.clone(),
            arn: self.arn.clone(),
            creation_date: EpochSeconds(self.creation_date),
            enabled: self.state == KeyState::Enabled,
            description: self.description.clone(),
            key_usage: "ENCRYPT_DECRYPT",
            key_state: self.state.as_str(),
            deletion_date: self.deletion_date.map(EpochSeconds),
            origin: "AWS_KMS",
            key_manager: self.manager.as_str(),
            customer_master_key_spec: "SYMMETRIC_DEFAULT",
            key_spec: "SYMMETRIC_DEFAULT",
            encryption_algorithms: vec!["SYMMETRIC_DEFAULT"],
            multi_region: false,
            current_key_material_id: self.current_material().map(Material::id_hex),
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
