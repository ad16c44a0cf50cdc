//! The seam between who is who and the parts that ask.
//!
//! IAM keeps users, their access keys, roles, groups, policies and MFA devices; authentication
//! asks it for long-term access keys, STS for roles to assume and MFA codes to check, and
//! authorization for the policies attached to a caller. They all ask through
//! [`IdentityDirectory`], so none of them depends on how IAM stores its entities. Until an
//! account declares identities, [`NoIdentities`] answers: no keys, no roles, no policies, and
//! callers act as their account's built-in root user.

use time::OffsetDateTime;

use crate::api::Principal;
use crate::iam_policy::NamedPolicy;
use crate::sigv4::SecretKey;

/// Where identities are looked up.
pub trait IdentityDirectory: Send + Sync + std::fmt::Debug {
    /// A long-term access key IAM created, if it exists (active or not).
    fn access_key(&self, access_key_id: &str) -> Option<AccessKeyLookup>;

    /// The policies attached to the caller's identity: for a user its inline policies, its
    /// attached managed policies and those of its groups; for a role session the role's inline
    /// and attached policies. Session policies are not included (they travel in
    /// [`Principal::session`]). Empty for a root user.
    fn identity_policies(&self, principal: &Principal) -> Vec<NamedPolicy>;

    /// A managed policy by ARN (its default version), for session policies passed as
    /// `PolicyArns`. The default finds none.
    fn managed_policy(&self, _policy_arn: &str) -> Option<NamedPolicy> {
        None
    }

    /// The tags of the caller's user or role (`aws:PrincipalTag/<key>`).
    fn principal_tags(&self, principal: &Principal) -> Vec<(String, String)>;

    /// A role, by ARN, for `AssumeRole`.
    fn role(&self, role_arn: &str) -> Option<RoleFacts>;

    /// Checks an MFA code for `principal` against the device `serial_number` at `now`
    /// (virtual clock), consuming the code's time step when it is valid.
    fn verify_mfa(
        &self,
        principal: &Principal,
        serial_number: &str,
        code: &str,
        now: OffsetDateTime,
    ) -> MfaVerdict;
}

/// What an access key lookup finds.
#[derive(Debug, Clone)]
pub enum AccessKeyLookup {
    /// An active key: its secret and the user it signs as.
    Active {
        /// The secret the request must be signed with.
        secret: SecretKey,
        /// The IAM user the key belongs to.
        principal: Principal,
    },
    /// A key made `Inactive` with `UpdateAccessKey`: refused like an unknown one.
    Inactive,
}

/// What `AssumeRole` needs to know of a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFacts {
    /// `arn:aws:iam::<account>:role/<path><name>`.
    pub arn: String,
    /// The role's name (without its path).
    pub name: String,
    /// The role's unique id (`AROA...`).
    pub role_id: String,
    /// The account that owns the role.
    pub account_id: String,
    /// The trust policy (`AssumeRolePolicyDocument`), as JSON text.
    pub trust_policy: String,
    /// The longest session `AssumeRole` may grant, in seconds (3600 to 43200).
    pub max_session_duration: u32,
}

/// The outcome of an MFA code check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaVerdict {
    /// The code is right for the device, which belongs to the caller.
    Valid,
    /// The device belongs to the caller, but the code is wrong (or already used).
    WrongCode,
    /// No such device, or it is not the caller's.
    UnknownDevice,
}

/// The directory of a Lockbox without IAM entities: nothing is found.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoIdentities;

impl IdentityDirectory for NoIdentities {
    fn access_key(&self, _: &str) -> Option<AccessKeyLookup> {
        None
    }

    fn identity_policies(&self, _: &Principal) -> Vec<NamedPolicy> {
        Vec::new()
    }

    fn principal_tags(&self, _: &Principal) -> Vec<(String, String)> {
        Vec::new()
    }

    fn role(&self, _: &str) -> Option<RoleFacts> {
        None
    }

    fn verify_mfa(&self, _: &Principal, _: &str, _: &str, _: OffsetDateTime) -> MfaVerdict {
        MfaVerdict::UnknownDevice
    }
}
