//! The stored form of a secret (`RecordKind::Secret`, id = the secret's name): everything
//! [`Secret`] holds, so a restarted server answers exactly as before. Values stay as in
//! memory — AES-GCM ciphertext plus the KMS-encrypted data key — so no plaintext is stored.
//!
//! Evolving the form: add fields with `#[serde(default)]`; never rename or retype one.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::model::Tag;
use super::secret::{AccessDay, SealedValue, Secret, ValueKind, Version};
use super::table::Secrets;
use crate::storage::codec::{b64, nanos, opt_nanos};
use crate::storage::{
    Mutation, PartitionKey, RecordKind, Section, StoreError, changed_records, decode_json,
    encode_json,
};

#[derive(Serialize, Deserialize)]
struct StoredSecret {
    name: String,
    arn: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    secret_type: Option<String>,
    #[serde(default)]
    tags: Option<Vec<(Option<String>, Option<String>)>>,
    #[serde(with = "nanos")]
    created: OffsetDateTime,
    #[serde(with = "nanos")]
    last_changed: OffsetDateTime,
    #[serde(default)]
    last_accessed_day: i64,
    #[serde(with = "opt_nanos", default)]
    deleted: Option<OffsetDateTime>,
    #[serde(with = "opt_nanos", default)]
    deletion_date: Option<OffsetDateTime>,
    #[serde(default)]
    resource_policy: Option<String>,
    versions: Vec<StoredVersion>,
}

#[derive(Serialize, Deserialize)]
struct StoredVersion {
    id: String,
    stages: Vec<String>,
    #[serde(with = "nanos")]
    created: OffsetDateTime,
    #[serde(default)]
    last_accessed_day: i64,
    #[serde(default)]
    value: Option<StoredValue>,
}

#[derive(Serialize, Deserialize)]
struct StoredValue {
    binary: bool,
    #[serde(with = "b64")]
    ciphertext: Vec<u8>,
    #[serde(with = "b64")]
    encrypted_data_key: Vec<u8>,
    key_arn: String,
}

/// The record bytes of `secret`.
pub fn encode(secret: &Secret) -> Result<Vec<u8>, StoreError> {
    encode_json(&StoredSecret {
        name: secret.name.clone(),
        arn: secret.arn.clone(),
        description: secret.description.clone(),
        kms_key_id: secret.kms_key_id.clone(),
        secret_type: secret.secret_type.clone(),
        tags: secret.tags.as_ref().map(|tags| {
            tags.iter()
                .map(|tag| (tag.key.clone(), tag.value.clone()))
                .collect()
        }),
        created: secret.created,
        last_changed: secret.last_changed,
        last_accessed_day: secret.last_accessed.raw(),
        deleted: secret.deleted,
        deletion_date: secret.deletion_date,
        resource_policy: secret.resource_policy.clone(),
        versions: secret
            .versions
            .iter()
            .map(|version| StoredVersion {
                id: version.id.clone(),
                stages: version.stages.clone(),
                created: version.created,
                last_accessed_day: version.last_accessed.raw(),
                value: version.value.as_ref().map(|sealed| StoredValue {
                    binary: sealed.kind == ValueKind::Binary,
                    ciphertext: sealed.ciphertext.clone(),
                    encrypted_data_key: sealed.encrypted_data_key.clone(),
                    key_arn: sealed.key_arn.clone(),
                }),
            })
            .collect(),
    })
}

/// The secret stored as `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Secret, StoreError> {
    let stored: StoredSecret = decode_json(bytes, "a stored secret")?;
    Ok(Secret {
        name: stored.name,
        arn: stored.arn,
        description: stored.description,
        kms_key_id: stored.kms_key_id,
        secret_type: stored.secret_type,
        tags: stored.tags.map(|tags| {
            tags.into_iter()
                .map(|(key, value)| Tag { key, value })
                .collect()
        }),
        created: stored.created,
        last_changed: stored.last_changed,
        last_accessed: AccessDay::from_raw(stored.last_accessed_day),
        deleted: stored.deleted,
        deletion_date: stored.deletion_date,
        resource_policy: stored.resource_policy,
        versions: stored
            .versions
            .into_iter()
            .map(|version| Version {
                id: version.id,
                stages: version.stages,
                created: version.created,
                last_accessed: AccessDay::from_raw(version.last_accessed_day),
                value: version.value.map(|value| SealedValue {
                    kind: if value.binary {
                        ValueKind::Binary
                    } else {
                        ValueKind::Text
                    },
                    ciphertext: value.ciphertext,
                    encrypted_data_key: value.encrypted_data_key,
                    key_arn: value.key_arn,
                }),
            })
            .collect(),
    })
}

/// A write section over one partition's secrets.
pub struct SecretsSection<'a> {
    /// The partition's secrets, write-locked.
    pub secrets: &'a mut Secrets,
    /// Which partition they are.
    pub partition: &'a PartitionKey,
}

impl Section for SecretsSection<'_> {
    fn is_changed(&self) -> bool {
        self.secrets.is_changed()
    }

    fn batch(&self) -> Result<Vec<Mutation>, StoreError> {
        changed_records(
            self.secrets.changes(),
            RecordKind::Secret,
            self.partition,
            encode,
        )
    }

    fn settle(&mut self) {
        self.secrets.settle();
    }

    fn rollback(&mut self) {
        self.secrets.rollback();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_round_trips_field_for_field() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        let mut secret = Secret::new(
            "db/pass".into(),
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:db/pass-AbCdEf".into(),
            at,
        );
        secret.description = Some("d".into());
        secret.tags = Some(vec![Tag {
            key: Some("k".into()),
            value: Some("v".into()),
        }]);
        secret.last_accessed.touch(at);
        secret.schedule_deletion(at, time::Duration::days(7));
        secret.versions.push(Version {
            id: "v1".into(),
            stages: vec!["AWSCURRENT".into()],
            created: at,
            last_accessed: AccessDay::default(),
            value: Some(SealedValue {
                kind: ValueKind::Binary,
                ciphertext: vec![1, 2, 3],
                encrypted_data_key: vec![4, 5],
                key_arn: "arn:aws:kms:us-east-1:000000000000:key/k".into(),
            }),
        });
        let back = decode(&encode(&secret).unwrap()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{secret:?}"));
    }

    #[test]
    fn garbage_is_reported_as_corrupt() {
        assert!(matches!(decode(b"{"), Err(StoreError::Corrupt(_))));
    }
}
