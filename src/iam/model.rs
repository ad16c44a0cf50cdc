//! The IAM entities of one account and the maps they live in.
//!
//! Names are unique case-insensitively (IAM refuses `Alice` when `alice` exists), so every map
//! is keyed by the lower-cased name and the entity keeps the name as it was given. Managed
//! policies are keyed the same way (a policy's name is unique in its account whatever its
//! path). Attachment counts are not stored: they are counted from the attachments, so they
//! can never drift. Secrets (access keys' secret halves, MFA seeds) are [`Sensitive`] and are
//! skipped by the stored form, which seals them separately (`stored.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::crypto::Sensitive;
use crate::storage::codec::{nanos, opt_nanos};

/// A tag on a user, role, policy or MFA device.
pub type Tags = Vec<(String, String)>;

/// Inline policies by name (as given), with their JSON text.
pub type InlinePolicies = BTreeMap<String, String>;

/// An IAM user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// `/` or `/a/b/`.
    pub path: String,
    /// The name as given.
    pub name: String,
    /// `AIDA` + 17.
    pub id: String,
    /// `arn:aws:iam::<account>:user<path><name>`.
    pub arn: String,
    /// When it was created (virtual clock).
    #[serde(with = "nanos")]
    pub created: OffsetDateTime,
    /// Its tags, in the order they were first set.
    pub tags: Tags,
    /// Its access keys (at most two).
    pub access_keys: Vec<AccessKey>,
    /// Its inline policies.
    pub inline_policies: InlinePolicies,
    /// ARNs of the managed policies attached to it.
    pub attached: Vec<String>,
}

/// Whether an access key may sign requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    /// It signs.
    Active,
    /// It is refused like an unknown key.
    Inactive,
}

impl KeyStatus {
    /// The model's text.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

/// A long-term access key of a user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessKey {
    /// `AKIA` + 16.
    pub id: String,
    /// The 40-character secret; never stored in clear, never logged.
    #[serde(skip)]
    pub secret: Sensitive<String>,
    /// Active or Inactive.
    pub status: KeyStatus,
    /// When it was created.
    #[serde(with = "nanos")]
    pub created: OffsetDateTime,
}

/// An IAM role.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    /// `/` or `/a/b/`.
    pub path: String,
    /// The name as given.
    pub name: String,
    /// `AROA` + 17.
    pub id: String,
    /// `arn:aws:iam::<account>:role<path><name>`.
    pub arn: String,
    /// When it was created.
    #[serde(with = "nanos")]
    pub created: OffsetDateTime,
    /// The trust policy's JSON text.
    pub trust_policy: String,
    /// Its description, if set.
    pub description: Option<String>,
    /// The longest session AssumeRole grants, in seconds.
    pub max_session_duration: u32,
    /// Its tags.
    pub tags: Tags,
    /// Its inline policies.
    pub inline_policies: InlinePolicies,
    /// ARNs of the managed policies attached to it.
    pub attached: Vec<String>,
}

/// An IAM group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    /// `/` or `/a/b/`.
    pub path: String,
    /// The name as given.
    pub name: String,
    /// `AGPA` + 17.
    pub id: String,
    /// `arn:aws:iam::<account>:group<path><name>`.
    pub arn: String,
    /// When it was created.
    #[serde(with = "nanos")]
    pub created: OffsetDateTime,
    /// Lower-cased names of its members, in the order they were added.
    pub members: Vec<String>,
    /// Its inline policies.
    pub inline_policies: InlinePolicies,
    /// ARNs of the managed policies attached to it.
    pub attached: Vec<String>,
}

/// One version of a managed policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// `v1`, `v2`, ...
    pub id: String,
    /// The document's JSON text.
    pub document: String,
    /// When it was created.
    #[serde(with = "nanos")]
    pub created: OffsetDateTime,
}

/// A customer managed policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManagedPolicy {
    /// The name as given.
    pub name: String,
    /// `ANPA` + 17.
    pub id: String,
    /// `arn:aws:iam::<account>:policy<path><name>`.
    pub arn: String,
    /// `/` or `/a/b/`.
    pub path: String,
    /// Its description, if set.
    pub description: Option<String>,
    /// When it was created.
    #[serde(with = "nanos")]
    pub created: OffsetDateTime,
    /// When its default version last changed.
    #[serde(with = "nanos")]
    pub updated: OffsetDateTime,
    /// Its versions, oldest first (at most five).
    pub versions: Vec<PolicyVersion>,
    /// The id of the default version.
    pub default_version: String,
    /// The number the next version gets.
    pub next_version: u32,
    /// Its tags.
    pub tags: Tags,
}

impl ManagedPolicy {
    /// The default version's document.
    pub fn default_document(&self) -> Option<&str> {
        self.versions
            .iter()
            .find(|version| version.id == self.default_version)
            .map(|version| version.document.as_str())
    }
}

/// A virtual MFA device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MfaDevice {
    /// `arn:aws:iam::<account>:mfa<path><name>`.
    pub serial: String,
    /// The TOTP key (20 random bytes); never stored in clear, never logged.
    #[serde(skip)]
    pub seed: Sensitive<Vec<u8>>,
    /// Lower-cased name of the user it is enabled for.
    pub user: Option<String>,
    /// When it was enabled.
    #[serde(with = "opt_nanos", default)]
    pub enabled: Option<OffsetDateTime>,
    /// The latest time step whose code was accepted (a step is accepted once).
    pub last_step: Option<u64>,
    /// Its tags.
    pub tags: Tags,
}

/// Everything IAM holds for one account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountIam {
    /// Users by lower-cased name.
    pub users: BTreeMap<String, User>,
    /// Roles by lower-cased name.
    pub roles: BTreeMap<String, Role>,
    /// Groups by lower-cased name.
    pub groups: BTreeMap<String, Group>,
    /// Managed policies by lower-cased name.
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// Virtual MFA devices by serial number.
    pub mfa_devices: BTreeMap<String, MfaDevice>,
}

/// The map key of a name.
pub fn key(name: &str) -> String {
    name.to_lowercase()
}

impl AccountIam {
    /// The managed policy with ARN `arn`.
    pub fn policy_by_arn(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.values().find(|policy| policy.arn == arn)
    }

    /// The managed policy with ARN `arn`, to change.
    pub fn policy_by_arn_mut(&mut self, arn: &str) -> Option<&mut ManagedPolicy> {
        self.policies.values_mut().find(|policy| policy.arn == arn)
    }

    /// How many users, roles and groups `arn` is attached to.
    pub fn attachment_count(&self, arn: &str) -> usize {
        let attached = |list: &Vec<String>| list.iter().filter(|a| *a == arn).count();
        self.users
            .values()
            .map(|u| attached(&u.attached))
            .sum::<usize>()
            + self
                .roles
                .values()
                .map(|r| attached(&r.attached))
                .sum::<usize>()
            + self
                .groups
                .values()
                .map(|g| attached(&g.attached))
                .sum::<usize>()
    }

    /// The groups user `user_key` belongs to.
    pub fn groups_of(&self, user_key: &str) -> impl Iterator<Item = &Group> {
        self.groups
            .values()
            .filter(move |group| group.members.iter().any(|member| member == user_key))
    }

    /// The user owning access key `key_id`.
    pub fn user_of_key(&self, key_id: &str) -> Option<&User> {
        self.users
            .values()
            .find(|user| user.access_keys.iter().any(|k| k.id == key_id))
    }
}
