//! The response shapes IAM operations share (`User`, `Role`, `Group`, `Policy`, ...), built
//! from the entities. Timestamps are ISO 8601 UTC text and policy documents URL-encoded JSON
//! text, as the awsQuery edge sends them; absent members are left out.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Iso8601;

use super::documents::url_encode;
use super::input::Tag;
use super::model::{AccessKey, Group, ManagedPolicy, PolicyVersion, Role, Tags, User};

/// `2026-01-01T13:00:00Z`: whole seconds, UTC.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.format(&format)
        .or_else(|_| at.format(&Iso8601::DEFAULT))
        .unwrap_or_default()
}

/// Tags in wire form.
pub fn tags(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag {
            key: key.clone(),
            value: value.clone(),
        })
        .collect()
}

fn non_empty(tags: Vec<Tag>) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then_some(tags)
}

/// `User`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserShape {
    /// Absent only for the root user (GetUser by root).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Absent only for the root user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// `AIDA…` (the account id for root).
    pub user_id: String,
    /// The user's ARN.
    pub arn: String,
    /// When it was created.
    pub create_date: String,
    /// Its tags (GetUser and CreateUser only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

impl UserShape {
    /// A user, with its tags when `with_tags`.
    pub fn of(user: &User, with_tags: bool) -> UserShape {
        UserShape {
            path: Some(user.path.clone()),
            user_name: Some(user.name.clone()),
            user_id: user.id.clone(),
            arn: user.arn.clone(),
            create_date: timestamp(user.created),
            tags: with_tags.then(|| tags(&user.tags)).and_then(non_empty),
        }
    }
}

/// `Role`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleShape {
    /// Its path.
    pub path: String,
    /// Its name.
    pub role_name: String,
    /// `AROA…`.
    pub role_id: String,
    /// Its ARN.
    pub arn: String,
    /// When it was created.
    pub create_date: String,
    /// The trust policy, URL-encoded.
    pub assume_role_policy_document: String,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The longest session, in seconds.
    pub max_session_duration: u32,
    /// Its tags (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

impl RoleShape {
    /// A role, with its tags when `with_tags`.
    pub fn of(role: &Role, with_tags: bool) -> RoleShape {
        RoleShape {
            path: role.path.clone(),
            role_name: role.name.clone(),
            role_id: role.id.clone(),
            arn: role.arn.clone(),
            create_date: timestamp(role.created),
            assume_role_policy_document: url_encode(&role.trust_policy),
            description: role.description.clone(),
            max_session_duration: role.max_session_duration,
            tags: with_tags.then(|| tags(&role.tags)).and_then(non_empty),
        }
    }
}

/// `Group`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupShape {
    /// Its path.
    pub path: String,
    /// Its name.
    pub group_name: String,
    /// `AGPA…`.
    pub group_id: String,
    /// Its ARN.
    pub arn: String,
    /// When it was created.
    pub create_date: String,
}

impl GroupShape {
    /// A group.
    pub fn of(group: &Group) -> GroupShape {
        GroupShape {
            path: group.path.clone(),
            group_name: group.name.clone(),
            group_id: group.id.clone(),
            arn: group.arn.clone(),
            create_date: timestamp(group.created),
        }
    }
}

/// `Policy`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyShape {
    /// Its name.
    pub policy_name: String,
    /// `ANPA…`.
    pub policy_id: String,
    /// Its ARN.
    pub arn: String,
    /// Its path.
    pub path: String,
    /// The default version's id.
    pub default_version_id: String,
    /// Users, roles and groups it is attached to.
    pub attachment_count: usize,
    /// Always 0: permissions boundaries are not modelled.
    pub permissions_boundary_usage_count: usize,
    /// Customer managed policies can always be attached.
    pub is_attachable: bool,
    /// Its description (GetPolicy and CreatePolicy only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created.
    pub create_date: String,
    /// When its default version last changed.
    pub update_date: String,
    /// Its tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

impl PolicyShape {
    /// A policy attached `attachments` times; its description and tags when `full`.
    pub fn of(policy: &ManagedPolicy, attachments: usize, full: bool) -> PolicyShape {
        PolicyShape {
            policy_name: policy.name.clone(),
            policy_id: policy.id.clone(),
            arn: policy.arn.clone(),
            path: policy.path.clone(),
            default_version_id: policy.default_version.clone(),
            attachment_count: attachments,
            permissions_boundary_usage_count: 0,
            is_attachable: true,
            description: policy.description.clone().filter(|_| full),
            create_date: timestamp(policy.created),
            update_date: timestamp(policy.updated),
            tags: full.then(|| tags(&policy.tags)).and_then(non_empty),
        }
    }
}

/// `PolicyVersion`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionShape {
    /// The document, URL-encoded (GetPolicyVersion only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// `v1`, `v2`, ...
    pub version_id: String,
    /// True for the policy's default version.
    pub is_default_version: bool,
    /// When it was created.
    pub create_date: String,
}

impl PolicyVersionShape {
    /// A version of `policy`, with its document when `with_document`.
    pub fn of(
        policy: &ManagedPolicy,
        version: &PolicyVersion,
        with_document: bool,
    ) -> PolicyVersionShape {
        PolicyVersionShape {
            document: with_document.then(|| url_encode(&version.document)),
            version_id: version.id.clone(),
            is_default_version: version.id == policy.default_version,
            create_date: timestamp(version.created),
        }
    }
}

/// `AttachedPolicy`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicyShape {
    /// The policy's name.
    pub policy_name: String,
    /// The policy's ARN.
    pub policy_arn: String,
}

/// `AccessKeyMetadata` (no secret).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyMetadataShape {
    /// The owner's name.
    pub user_name: String,
    /// `AKIA…`.
    pub access_key_id: String,
    /// `Active` or `Inactive`.
    pub status: &'static str,
    /// When it was created.
    pub create_date: String,
}

impl AccessKeyMetadataShape {
    /// A key of `user_name`.
    pub fn of(user_name: &str, key: &AccessKey) -> AccessKeyMetadataShape {
        AccessKeyMetadataShape {
            user_name: user_name.to_owned(),
            access_key_id: key.id.clone(),
            status: key.status.as_str(),
            create_date: timestamp(key.created),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_whole_seconds_in_utc() {
        let at = time::macros::datetime!(2026-01-01 14:00:00.75 +01:00);
        assert_eq!(timestamp(at), "2026-01-01T13:00:00Z");
    }
}
