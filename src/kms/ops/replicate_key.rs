//! ReplicateKey: a replica of a multi-Region primary key in another Region of the same
//! account. The replica shares the primary's key id, material (every generation), key spec,
//! usage and rotation settings; it gets its own description (`""` unless given), key policy
//! (KMS's default unless given), tags (none unless given), aliases, grants and state. AWS
//! shows a replica `Creating` for a few seconds; here it is created `Enabled` at once, as
//! AWS's own example shows it. The replica of an `EXTERNAL` primary is created
//! `PendingImport` instead, without material: the primary's material must be imported into
//! it (`multi_region_imported.rs`).
//!
//! Refusals after the model's constraints, in this order: the key must be usable
//! (`DisabledException`, `KMSInvalidStateException`), a multi-Region primary key
//! (`UnsupportedOperationException`, see `related_op.rs`), and the Region must not hold a
//! key of the set yet, the primary's own Region included (`AlreadyExistsException`, also
//! while that replica is pending deletion); then the policy and tags as CreateKey checks
//! them.

use serde::{Deserialize, Serialize};

use super::super::keys::{Key, default_policy};
use super::super::model::{KeyMetadata, KmsTag};
use super::super::{KmsCaller, KmsError, LocalKms, arn};
use super::input::{finish, validate_key_id};
use super::key_op::KeyRule;
use super::key_policy::{check_policy, validate_policy};
use super::related_op::{check_primary, validate_region, write_related_key};
use super::tags::{check_tags, tag_pairs, validate_tags};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// What ReplicateKey requires of the primary key.
const RULE: KeyRule = KeyRule::usable("kms:ReplicateKey");

/// ReplicateKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicateKeyInput {
    key_id: Option<String>,
    replica_region: Option<String>,
    policy: Option<String>,
    /// Typed (a wrong JSON type is a `SerializationException`); policies are not evaluated.
    #[allow(dead_code)]
    bypass_policy_lockout_safety_check: Option<bool>,
    description: Option<String>,
    tags: Option<Vec<KmsTag>>,
}

/// ReplicateKey output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicateKeyOutput {
    replica_key_metadata: KeyMetadata,
    replica_policy: String,
    replica_tags: Vec<KmsTag>,
}

/// A valid ReplicateKey request.
struct Replication {
    key_id: String,
    region: String,
    policy: Option<String>,
    description: String,
    tags: Vec<(String, String)>,
}

impl ReplicateKeyInput {
    fn validate(self) -> Result<Replication, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        validate_region(&mut v, "ReplicaRegion", self.replica_region.as_ref());
        validate_policy(&mut v, self.policy.as_deref());
        v.length(
            "Description",
            self.description.as_deref(),
            0,
            8192,
            Echo::Value,
        );
        validate_tags(&mut v, self.tags.as_deref());
        let (key_id, region, tags) = finish(
            v,
            (
                self.key_id,
                self.replica_region,
                self.tags.map_or(Some(Vec::new()), tag_pairs),
            ),
        )?;
        Ok(Replication {
            key_id,
            region,
            policy: self.policy,
            description: self.description.unwrap_or_default(),
            tags,
        })
    }
}

/// Serves ReplicateKey.
pub fn replicate_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ReplicateKeyInput,
) -> Result<ReplicateKeyOutput, KmsError> {
    let Replication {
        key_id,
        region,
        policy,
        description,
        tags,
    } = input.validate()?;
    let caller = KmsCaller::from(ctx);
    write_related_key(kms, ctx, &key_id, RULE, Some(&region), |id, related| {
        let primary = related.key(caller.region, id).ok_or(KmsError::Internal)?;
        check_primary(primary, caller.region)?;
        if related.key(&region, id).is_some() {
            // Unverified text: AWS documents the exception, not its message.
            return Err(KmsError::AlreadyExists(format!(
                "{} already exists.",
                arn::key_arn(&region, caller.account, id)
            )));
        }
        let tags = check_tags(tags)?;
        if let Some(policy) = &policy {
            check_policy(policy)?;
        }
        let replica = replica_of(primary, caller, &region, description, policy, tags);
        related.insert(&region, replica)?;
        related.touch(id, caller.now);
        related.relink_now();
        let replica = related.key(&region, id).ok_or(KmsError::Internal)?;
        Ok(ReplicateKeyOutput {
            replica_key_metadata: replica.metadata(),
            replica_policy: replica.policy.clone(),
            replica_tags: replica
                .tags
                .iter()
                .map(|(key, value)| KmsTag {
                    tag_key: Some(key.clone()),
                    tag_value: Some(value.clone()),
                })
                .collect(),
        })
    })
}

/// A new replica of `primary` in `region`, created now: the shared properties copied (its
/// place in the set is filled in by the relink), the others its own.
fn replica_of(
    primary: &Key,
    caller: KmsCaller<'_>,
    region: &str,
    description: String,
    policy: Option<String>,
    tags: Vec<(String, String)>,
) -> Key {
    let mut replica = primary.clone();
    replica.arn = arn::key_arn(region, caller.account, &primary.id);
    replica.state = super::super::keys::KeyState::Enabled;
    replica.description = description;
    replica.creation_date = caller.now;
    replica.deletion_date = None;
    replica.policy = policy.unwrap_or_else(|| default_policy(caller.account));
    replica.tags = tags;
    replica.grants = Vec::new();
    // A replica of imported material gets none: it is imported into each key separately.
    replica.strip_imported_for_replica();
    replica
}
