//! The condition keys a request's own parameters supply, read from its JSON body at the edge:
//! Secrets Manager's `secretsmanager:Name`, `Description`, `KmsKeyId`, `VersionId`,
//! `VersionStage`, `ForceDeleteWithoutRecovery`, `RecoveryWindowInDays`, `BlockPublicPolicy`,
//! `AddReplicaRegions`; KMS's `kms:EncryptionContext:<key>`, `kms:EncryptionContextKeys`,
//! `kms:EncryptionAlgorithm`, `kms:GrantOperations`, `kms:GranteePrincipal`,
//! `kms:RetiringPrincipal`, `kms:RequestAlias`, `kms:KeySpec` / `kms:KeyUsage` /
//! `kms:KeyOrigin` / `kms:MultiRegion` of CreateKey, `kms:BypassPolicyLockoutSafetyCheck`,
//! `kms:ScheduleKeyDeletionPendingWindowInDays`; and for both `aws:RequestTag/<key>` and
//! `aws:TagKeys`. A parameter the caller did not pass gives no key, as in AWS. Values are the
//! request's parameters, never secret values (those parameters are not read here).

use serde_json::{Map, Value};

/// The keys `operation` of the service signing as `service` (`secretsmanager`, `kms`) reads
/// from `body`; nothing when the body is not a JSON object.
pub fn request_keys(service: &str, operation: &str, body: &[u8]) -> Vec<(String, String)> {
    let Ok(Value::Object(input)) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let mut keys = Keys::default();
    match service {
        "secretsmanager" => secrets_manager_keys(operation, &input, &mut keys),
        "kms" => kms_keys(operation, &input, &mut keys),
        _ => {}
    }
    keys.0
}

#[derive(Default)]
struct Keys(Vec<(String, String)>);

impl Keys {
    fn put(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    /// `key` = the scalar parameter `member`, when it was passed.
    fn scalar(&mut self, key: &str, input: &Map<String, Value>, member: &str) {
        match input.get(member) {
            Some(Value::String(text)) => self.put(key, text.clone()),
            Some(Value::Bool(flag)) => self.put(key, flag.to_string()),
            Some(Value::Number(number)) => self.put(key, number.to_string()),
            _ => {}
        }
    }

    /// `key` once per string in the list parameter `member` (or in `field` of its objects).
    fn list(&mut self, key: &str, input: &Map<String, Value>, member: &str, field: Option<&str>) {
        let Some(Value::Array(items)) = input.get(member) else {
            return;
        };
        for item in items {
            let value = match field {
                Some(field) => item.get(field).and_then(Value::as_str),
                None => item.as_str(),
            };
            if let Some(value) = value {
                self.put(key, value);
            }
        }
    }

    /// `aws:RequestTag/<key>` and `aws:TagKeys` from a tag list with `key` / `value` members.
    fn tags(&mut self, input: &Map<String, Value>, member: &str, key: &str, value: &str) {
        let Some(Value::Array(tags)) = input.get(member) else {
            return;
        };
        for tag in tags {
            if let Some(tag_key) = tag.get(key).and_then(Value::as_str) {
                self.put("aws:TagKeys", tag_key);
                if let Some(tag_value) = tag.get(value).and_then(Value::as_str) {
                    self.put(format!("aws:RequestTag/{tag_key}"), tag_value);
                }
            }
        }
    }
}

fn secrets_manager_keys(operation: &str, input: &Map<String, Value>, keys: &mut Keys) {
    match operation {
        "CreateSecret" => {
            keys.scalar("secretsmanager:Name", input, "Name");
            keys.scalar("secretsmanager:Description", input, "Description");
            keys.scalar("secretsmanager:KmsKeyId", input, "KmsKeyId");
            keys.scalar(
                "secretsmanager:ForceOverwriteReplicaSecret",
                input,
                "ForceOverwriteReplicaSecret",
            );
            keys.list(
                "secretsmanager:AddReplicaRegions",
                input,
                "AddReplicaRegions",
                Some("Region"),
            );
            keys.tags(input, "Tags", "Key", "Value");
        }
        "UpdateSecret" => {
            keys.scalar("secretsmanager:Description", input, "Description");
            keys.scalar("secretsmanager:KmsKeyId", input, "KmsKeyId");
        }
        "GetSecretValue" => {
            keys.scalar("secretsmanager:VersionId", input, "VersionId");
            keys.scalar("secretsmanager:VersionStage", input, "VersionStage");
        }
        "UpdateSecretVersionStage" => {
            keys.scalar("secretsmanager:VersionStage", input, "VersionStage");
        }
        "DeleteSecret" => {
            keys.scalar(
                "secretsmanager:ForceDeleteWithoutRecovery",
                input,
                "ForceDeleteWithoutRecovery",
            );
            keys.scalar(
                "secretsmanager:RecoveryWindowInDays",
                input,
                "RecoveryWindowInDays",
            );
        }
        "PutResourcePolicy" => {
            keys.scalar(
                "secretsmanager:BlockPublicPolicy",
                input,
                "BlockPublicPolicy",
            );
        }
        "TagResource" => keys.tags(input, "Tags", "Key", "Value"),
        "UntagResource" => keys.list("aws:TagKeys", input, "TagKeys", None),
        _ => {}
    }
}

fn kms_keys(operation: &str, input: &Map<String, Value>, keys: &mut Keys) {
    if let Some(Value::Object(context)) = input.get("EncryptionContext") {
        for (name, value) in context {
            keys.put("kms:EncryptionContextKeys", name.clone());
            if let Some(value) = value.as_str() {
                keys.put(format!("kms:EncryptionContext:{name}"), value);
            }
        }
    }
    keys.scalar("kms:EncryptionAlgorithm", input, "EncryptionAlgorithm");
    if let Some(Value::String(key_id)) = input.get("KeyId") {
        if key_id.starts_with("alias/") || key_id.contains(":alias/") {
            let alias = key_id.rsplit_once(':').map_or(key_id.as_str(), |(_, a)| a);
            keys.put("kms:RequestAlias", alias);
        }
    }
    match operation {
        "CreateKey" => {
            let spec = input
                .get("KeySpec")
                .or_else(|| input.get("CustomerMasterKeySpec"))
                .and_then(Value::as_str)
                .unwrap_or("SYMMETRIC_DEFAULT");
            keys.put("kms:KeySpec", spec);
            let usage = input
                .get("KeyUsage")
                .and_then(Value::as_str)
                .unwrap_or("ENCRYPT_DECRYPT");
            keys.put("kms:KeyUsage", usage);
            let origin = input
                .get("Origin")
                .and_then(Value::as_str)
                .unwrap_or("AWS_KMS");
            keys.put("kms:KeyOrigin", origin);
            let multi_region = input.get("MultiRegion").and_then(Value::as_bool);
            keys.put("kms:MultiRegion", multi_region.unwrap_or(false).to_string());
            keys.scalar(
                "kms:BypassPolicyLockoutSafetyCheck",
                input,
                "BypassPolicyLockoutSafetyCheck",
            );
            keys.tags(input, "Tags", "TagKey", "TagValue");
        }
        "PutKeyPolicy" => keys.scalar(
            "kms:BypassPolicyLockoutSafetyCheck",
            input,
            "BypassPolicyLockoutSafetyCheck",
        ),
        "CreateGrant" => {
            keys.list("kms:GrantOperations", input, "Operations", None);
            keys.scalar("kms:GranteePrincipal", input, "GranteePrincipal");
            keys.scalar("kms:RetiringPrincipal", input, "RetiringPrincipal");
        }
        "ScheduleKeyDeletion" => keys.scalar(
            "kms:ScheduleKeyDeletionPendingWindowInDays",
            input,
            "PendingWindowInDays",
        ),
        "TagResource" => keys.tags(input, "Tags", "TagKey", "TagValue"),
        "UntagResource" => keys.list("aws:TagKeys", input, "TagKeys", None),
        _ => {}
    }
}
