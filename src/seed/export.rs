//! Writing the instance's state as a [`SeedDocument`] (see the module doc of [`super`] for
//! what "encrypted" means). Deterministic order: partitions by (account, region), keys by id,
//! secrets by name, versions in creation order. Secrets scheduled for deletion, rotation
//! placeholders (versions without a value), grants, rotation schedules and timestamps are not
//! exported (except an `EXTERNAL` key's material expiry and rotation dates, part of its import
//! record); a key pending deletion is exported as disabled.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use time::format_description::well_known::Rfc3339;

use super::model::{
    DOCUMENT_VERSION, EncryptedValueDoc, KeyDoc, KeyMaterialText, MaterialDoc, PartitionDoc,
    SecretDoc, SeedDocument, ValueKindDoc, VersionDoc,
};
use crate::api::json::{SecretBlob, SecretText};
use crate::app::AppState;
use crate::clock::Clock as _;
use crate::kms::KeyExport;
use crate::secretsmanager::{SecretExport, SecretValue, SeedValue, ValueKind};
use crate::storage::PartitionKey;

/// The whole state; secret values in plaintext only when `plaintext`.
pub fn export(state: &AppState, plaintext: bool) -> Result<SeedDocument, String> {
    let mut partitions: BTreeMap<PartitionKey, PartitionDoc> = BTreeMap::new();
    for (key, keys) in state.kms.export_keys() {
        let doc = partitions.entry(key.clone()).or_insert_with(|| empty(&key));
        doc.kms_keys = keys.into_iter().map(key_doc).collect();
    }
    for (key, secrets) in state
        .secrets_manager
        .export_secrets(state.clock.now(), plaintext)?
    {
        let doc = partitions.entry(key.clone()).or_insert_with(|| empty(&key));
        doc.secrets = secrets.into_iter().map(secret_doc).collect();
    }
    Ok(SeedDocument {
        version: DOCUMENT_VERSION,
        partitions: partitions.into_values().collect(),
    })
}

fn empty(key: &PartitionKey) -> PartitionDoc {
    PartitionDoc {
        account: key.account.clone(),
        region: key.region.clone(),
        kms_keys: Vec::new(),
        secrets: Vec::new(),
    }
}

fn key_doc(key: KeyExport) -> KeyDoc {
    KeyDoc {
        key_id: key.key_id,
        description: key.description,
        enabled: key.enabled,
        policy: Some(key.policy),
        tags: key.tags.into_iter().collect(),
        aliases: key.aliases,
        aws_managed: key.aws_managed,
        key_spec: key.key_type.map(|(spec, _)| spec.to_owned()),
        key_usage: key.key_type.map(|(_, usage)| usage.to_owned()),
        key_material: None,
        origin: key.external.then(|| "EXTERNAL".to_owned()),
        key_materials: key
            .materials
            .into_iter()
            .map(|exported| MaterialDoc {
                id: Some(exported.id),
                material: exported
                    .secret
                    .map(|secret| KeyMaterialText::new(STANDARD.encode(secret.as_slice()))),
                state: exported
                    .details
                    .state
                    .map(|state| state.as_str().to_owned()),
                valid_to: exported.details.valid_to.map(rfc3339),
                description: exported.details.description,
                rotated_at: exported.details.rotated_at.map(rfc3339),
            })
            .collect(),
        primary_region: key.primary_region,
    }
}

/// A date as the document writes it (RFC 3339, UTC as stored).
fn rfc3339(date: time::OffsetDateTime) -> String {
    date.format(&Rfc3339)
        .unwrap_or_else(|_| date.unix_timestamp().to_string())
}

fn secret_doc(secret: SecretExport) -> SecretDoc {
    SecretDoc {
        name: secret.name,
        arn_suffix: Some(secret.arn_suffix),
        description: secret.description,
        kms_key_id: secret.kms_key_id,
        tags: secret.tags.into_iter().collect(),
        resource_policy: secret.resource_policy,
        versions: secret
            .versions
            .into_iter()
            .map(|version| {
                let mut doc = VersionDoc {
                    version_id: Some(version.id),
                    stages: version.stages,
                    secret_string: None,
                    secret_binary: None,
                    encrypted: None,
                };
                match version.value {
                    SeedValue::Plain(SecretValue::Text(text)) => {
                        doc.secret_string = Some(SecretText(text.0))
                    }
                    SeedValue::Plain(SecretValue::Binary(blob)) => {
                        doc.secret_binary = Some(SecretBlob(blob.0))
                    }
                    SeedValue::Sealed {
                        kind,
                        ciphertext,
                        encrypted_data_key,
                    } => {
                        doc.encrypted = Some(EncryptedValueDoc {
                            kind: match kind {
                                ValueKind::Text => ValueKindDoc::String,
                                ValueKind::Binary => ValueKindDoc::Binary,
                            },
                            ciphertext: STANDARD.encode(ciphertext),
                            encrypted_data_key: STANDARD.encode(encrypted_data_key),
                        })
                    }
                }
                doc
            })
            .collect(),
    }
}
