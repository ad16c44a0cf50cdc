//! [`LocalKms`]: the in-process [`KeyService`] over per-partition key rings.
//!
//! AWS managed keys (`aws/secretsmanager`) are created lazily on first use in each
//! (account, region), as AWS does.

use zeroize::Zeroizing;

use super::envelope::{self, associated_data, header};
use super::keys::{Key, KeyManager, KeyRing, KeyState, Material};
use super::{
    DataKey, EncryptionContext, KeyService, KmsCaller, KmsError, SECRETS_MANAGER_ALIAS, aead,
};
use crate::storage::Partitions;

/// The emulated KMS.
#[derive(Debug, Default)]
pub struct LocalKms {
    rings: Partitions<KeyRing>,
}

impl LocalKms {
    /// An empty KMS.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates an enabled symmetric customer managed key in the caller's partition and
    /// returns its ARN (the in-process core of KMS CreateKey).
    pub fn create_customer_key(&self, caller: KmsCaller<'_>) -> String {
        let ring = self.rings.get_or_create(caller.account, caller.region);
        let id = uuid::Uuid::new_v4().to_string();
        let arn = format!("arn:aws:kms:{}:{}:key/{id}", caller.region, caller.account);
        let key = Key {
            arn: arn.clone(),
            id: id.clone(),
            manager: KeyManager::Customer,
            state: KeyState::Enabled,
            materials: vec![Material::generate()],
        };
        ring.keys.write().insert(id, key);
        arn
    }

    /// Points `alias` (`alias/<name>`) at the key `key_id` in the caller's partition.
    pub fn create_alias(&self, caller: KmsCaller<'_>, alias: &str, key_id: &str) {
        let ring = self.rings.get_or_create(caller.account, caller.region);
        ring.aliases
            .write()
            .insert(alias.to_owned(), key_id.to_owned());
    }

    /// The key id an identifier names, creating the managed key if that is what it names.
    fn resolve_id(
        &self,
        caller: KmsCaller<'_>,
        ring: &KeyRing,
        key_id: Option<&str>,
    ) -> Result<String, KmsError> {
        let key_id = key_id
            .filter(|id| !id.is_empty())
            .unwrap_or(SECRETS_MANAGER_ALIAS);
        let alias_prefix = format!("arn:aws:kms:{}:{}:alias/", caller.region, caller.account);
        let key_prefix = format!("arn:aws:kms:{}:{}:key/", caller.region, caller.account);
        let alias = if let Some(name) = key_id.strip_prefix(&alias_prefix) {
            Some(format!("alias/{name}"))
        } else if key_id.starts_with("alias/") {
            Some(key_id.to_owned())
        } else {
            None
        };
        if let Some(alias) = alias {
            if alias == SECRETS_MANAGER_ALIAS {
                return Ok(self.managed_key(caller, ring));
            }
            return ring.aliases.read().get(&alias).cloned().ok_or_else(|| {
                KmsError::NotFound(format!(
                    "Alias {alias_prefix}{} is not found.",
                    &alias["alias/".len()..]
                ))
            });
        }
        let id = key_id.strip_prefix(&key_prefix).unwrap_or(key_id);
        if uuid::Uuid::try_parse(id).is_err() {
            return Err(KmsError::InvalidKeyId(key_id.to_owned()));
        }
        if ring.keys.read().contains_key(id) {
            Ok(id.to_owned())
        } else {
            Err(KmsError::NotFound(format!(
                "Key '{key_prefix}{id}' does not exist"
            )))
        }
    }

    /// The id of `aws/secretsmanager` in this partition, created on first use.
    fn managed_key(&self, caller: KmsCaller<'_>, ring: &KeyRing) -> String {
        if let Some(id) = ring.aliases.read().get(SECRETS_MANAGER_ALIAS) {
            return id.clone();
        }
        let mut aliases = ring.aliases.write();
        if let Some(id) = aliases.get(SECRETS_MANAGER_ALIAS) {
            return id.clone();
        }
        let id = uuid::Uuid::new_v4().to_string();
        let key = Key {
            arn: format!("arn:aws:kms:{}:{}:key/{id}", caller.region, caller.account),
            id: id.clone(),
            manager: KeyManager::Aws,
            state: KeyState::Enabled,
            materials: vec![Material::generate()],
        };
        ring.keys.write().insert(id.clone(), key);
        aliases.insert(SECRETS_MANAGER_ALIAS.to_owned(), id.clone());
        id
    }
}

impl KeyService for LocalKms {
    fn resolve_key_arn(
        &self,
        caller: KmsCaller<'_>,
        key_id: Option<&str>,
    ) -> Result<String, KmsError> {
        let ring = self.rings.get_or_create(caller.account, caller.region);
        let id = self.resolve_id(caller, &ring, key_id)?;
        let keys = ring.keys.read();
        keys.get(&id)
            .map(|key| key.arn.clone())
            .ok_or(KmsError::Internal)
    }

    fn generate_data_key(
        &self,
        caller: KmsCaller<'_>,
        key_id: Option<&str>,
        context: &EncryptionContext,
    ) -> Result<DataKey, KmsError> {
        let ring = self.rings.get_or_create(caller.account, caller.region);
        let id = self.resolve_id(caller, &ring, key_id)?;
        let keys = ring.keys.read();
        let key = keys.get(&id).ok_or(KmsError::Internal)?;
        let material = key.current_material().ok_or(KmsError::Internal)?;
        let plaintext = aead::random_key();
        let mut blob = header(&key.id, &material.id);
        let aad = associated_data(&blob, context);
        let sealed = aead::seal(&material.secret, plaintext.as_slice(), &aad)
            .map_err(|_| KmsError::Internal)?;
        blob.extend_from_slice(&sealed);
        Ok(DataKey {
            plaintext,
            ciphertext_blob: blob,
            key_arn: key.arn.clone(),
        })
    }

    fn decrypt(
        &self,
        caller: KmsCaller<'_>,
        ciphertext_blob: &[u8],
        context: &EncryptionContext,
    ) -> Result<Zeroizing<Vec<u8>>, KmsError> {
        let blob = envelope::parse(ciphertext_blob).map_err(|_| KmsError::InvalidCiphertext)?;
        let ring = self
            .rings
            .get(caller.account, caller.region)
            .ok_or(KmsError::InvalidCiphertext)?;
        let keys = ring.keys.read();
        let key = keys.get(blob.key_id).ok_or(KmsError::InvalidCiphertext)?;
        let material = key
            .material(&blob.material_id)
            .ok_or(KmsError::InvalidCiphertext)?;
        let header_len = ciphertext_blob.len() - blob.sealed.len();
        let aad = associated_data(&ciphertext_blob[..header_len], context);
        aead::open(&material.secret, blob.sealed, &aad).map_err(|_| KmsError::InvalidCiphertext)
    }

    fn reset_all(&self) {
        self.rings.clear();
    }

    fn reset_account(&self, account: &str) {
        self.rings.clear_account(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLER: KmsCaller<'static> = KmsCaller {
        account: "000000000000",
        region: "us-east-1",
    };

    fn ctx(value: &str) -> EncryptionContext {
        [("SecretARN".to_owned(), value.to_owned())]
            .into_iter()
            .collect()
    }

    #[test]
    fn data_keys_decrypt_only_with_their_context() {
        let kms = LocalKms::new();
        let key = kms.generate_data_key(CALLER, None, &ctx("a")).unwrap();
        assert!(
            key.key_arn
                .starts_with("arn:aws:kms:us-east-1:000000000000:key/")
        );
        let plain = kms
            .decrypt(CALLER, &key.ciphertext_blob, &ctx("a"))
            .unwrap();
        assert_eq!(plain.as_slice(), key.plaintext.as_slice());
        assert_eq!(
            kms.decrypt(CALLER, &key.ciphertext_blob, &ctx("b")),
            Err(KmsError::InvalidCiphertext)
        );
        let other = KmsCaller {
            account: "111111111111",
            region: "us-east-1",
        };
        assert_eq!(
            kms.decrypt(other, &key.ciphertext_blob, &ctx("a")),
            Err(KmsError::InvalidCiphertext)
        );
    }

    #[test]
    fn the_managed_key_is_created_once_per_partition() {
        let kms = LocalKms::new();
        let first = kms.resolve_key_arn(CALLER, None).unwrap();
        assert_eq!(
            kms.resolve_key_arn(CALLER, Some(SECRETS_MANAGER_ALIAS))
                .unwrap(),
            first
        );
        let west = KmsCaller {
            account: "000000000000",
            region: "eu-west-1",
        };
        assert_ne!(kms.resolve_key_arn(west, None).unwrap(), first);
    }

    #[test]
    fn unknown_identifiers_are_reported_as_kms_does() {
        let kms = LocalKms::new();
        assert!(
            matches!(kms.resolve_key_arn(CALLER, Some("alias/nope")), Err(KmsError::NotFound(m)) if m == "Alias arn:aws:kms:us-east-1:000000000000:alias/nope is not found.")
        );
        assert!(matches!(
            kms.resolve_key_arn(CALLER, Some("1234abcd-12ab-34cd-56ef-1234567890ab")),
            Err(KmsError::NotFound(_))
        ));
        assert!(matches!(
            kms.resolve_key_arn(CALLER, Some("nope")),
            Err(KmsError::InvalidKeyId(_))
        ));
    }
}
