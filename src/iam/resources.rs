//! The resource each IAM action is authorized on, as AWS documents it per action: the user,
//! group, role, managed policy or virtual MFA device the call names (by its ARN, path
//! included). The account-wide list operations are on the path they list
//! (`arn:aws:iam::<account>:user/` for ListUsers without `PathPrefix`), as AWS's denials name
//! them; a policy's `"Resource": "*"` or `.../user/*` covers that. Calls about "my own user"
//! that omit `UserName` act on the caller's user.
//!
//! The edge asks before the handler runs; an entity that does not exist yet (or any more) is
//! named with the path the request gives, else `/`, as AWS names it in its denial.

use super::IamService;
use super::ids::arn;
use super::model::{AccountIam, key};
use crate::api::{Principal, PrincipalKind};

/// What kind of entity an action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    User,
    Group,
    Role,
    Policy,
    NewPolicy,
    NewMfaDevice,
    MfaDevice,
    /// A list of the entities of this kind (`user`, `role`, ...).
    Listing(&'static str),
}

fn subject_of(operation: &str) -> Option<Subject> {
    let subject = match operation {
        "CreateUser"
        | "DeleteUser"
        | "GetUser"
        | "TagUser"
        | "UntagUser"
        | "ListUserTags"
        | "PutUserPolicy"
        | "DeleteUserPolicy"
        | "GetUserPolicy"
        | "ListUserPolicies"
        | "AttachUserPolicy"
        | "DetachUserPolicy"
        | "ListAttachedUserPolicies"
        | "CreateAccessKey"
        | "DeleteAccessKey"
        | "UpdateAccessKey"
        | "ListAccessKeys"
        | "ListGroupsForUser"
        | "ListMFADevices"
        | "EnableMFADevice"
        | "DeactivateMFADevice" => Subject::User,
        "CreateGroup"
        | "DeleteGroup"
        | "GetGroup"
        | "PutGroupPolicy"
        | "DeleteGroupPolicy"
        | "GetGroupPolicy"
        | "ListGroupPolicies"
        | "AttachGroupPolicy"
        | "DetachGroupPolicy"
        | "ListAttachedGroupPolicies"
        | "AddUserToGroup"
        | "RemoveUserFromGroup" => Subject::Group,
        "CreateRole"
        | "DeleteRole"
        | "GetRole"
        | "UpdateRole"
        | "UpdateAssumeRolePolicy"
        | "TagRole"
        | "UntagRole"
        | "ListRoleTags"
        | "PutRolePolicy"
        | "DeleteRolePolicy"
        | "GetRolePolicy"
        | "ListRolePolicies"
        | "AttachRolePolicy"
        | "DetachRolePolicy"
        | "ListAttachedRolePolicies" => Subject::Role,
        "DeletePolicy"
        | "GetPolicy"
        | "CreatePolicyVersion"
        | "DeletePolicyVersion"
        | "GetPolicyVersion"
        | "ListPolicyVersions"
        | "SetDefaultPolicyVersion" => Subject::Policy,
        "CreatePolicy" => Subject::NewPolicy,
        "CreateVirtualMFADevice" => Subject::NewMfaDevice,
        "DeleteVirtualMFADevice" => Subject::MfaDevice,
        "ListUsers" => Subject::Listing("user"),
        "ListRoles" => Subject::Listing("role"),
        "ListGroups" => Subject::Listing("group"),
        "ListPolicies" => Subject::Listing("policy"),
        "ListVirtualMFADevices" => Subject::Listing("mfa"),
        _ => return None,
    };
    Some(subject)
}

impl IamService {
    /// The ARN `operation` by `caller` is authorized on, reading the request parameters with
    /// `param`; `None` when the request does not say (a missing required name, which the
    /// handler refuses) or the operation is unknown.
    pub fn action_resource(
        &self,
        caller: &Principal,
        operation: &str,
        param: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        let account = caller.account_id.as_str();
        let path = || param("Path").unwrap_or_else(|| "/".to_owned());
        match subject_of(operation)? {
            Subject::Listing(kind) => {
                let prefix = param("PathPrefix").unwrap_or_else(|| "/".to_owned());
                Some(format!("arn:aws:iam::{account}:{kind}{prefix}"))
            }
            Subject::Policy => param("PolicyArn"),
            Subject::MfaDevice => param("SerialNumber"),
            Subject::NewPolicy => Some(arn(account, "policy", &path(), &param("PolicyName")?)),
            Subject::NewMfaDevice => Some(arn(
                account,
                "mfa",
                &path(),
                &param("VirtualMFADeviceName")?,
            )),
            Subject::User => {
                let Some(name) = param("UserName") else {
                    // Without a name the call is about the caller's own user.
                    return matches!(caller.kind, PrincipalKind::User { .. })
                        .then(|| caller.arn.clone());
                };
                let known = self.read(account, |state| existing_arn(state, Subject::User, &name));
                Some(known.unwrap_or_else(|| arn(account, "user", &path(), &name)))
            }
            subject @ (Subject::Group | Subject::Role) => {
                let (member, kind) = if subject == Subject::Group {
                    ("GroupName", "group")
                } else {
                    ("RoleName", "role")
                };
                let name = param(member)?;
                let known = self.read(account, |state| existing_arn(state, subject, &name));
                Some(known.unwrap_or_else(|| arn(account, kind, &path(), &name)))
            }
        }
    }
}

/// The ARN of the existing user, group or role `name`.
fn existing_arn(state: &AccountIam, subject: Subject, name: &str) -> Option<String> {
    let name = key(name);
    match subject {
        Subject::User => state.users.get(&name).map(|user| user.arn.clone()),
        Subject::Group => state.groups.get(&name).map(|group| group.arn.clone()),
        Subject::Role => state.roles.get(&name).map(|role| role.arn.clone()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::iam::Operation;

    #[test]
    fn every_served_operation_names_its_resource() {
        for operation in Operation::ALL {
            assert!(
                subject_of(operation.name()).is_some(),
                "{} has no resource",
                operation.name()
            );
        }
    }

    #[test]
    fn resources_carry_the_path_and_default_to_the_callers_user() {
        let iam = IamService::new();
        let dana = Principal {
            account_id: "000000000000".into(),
            arn: "arn:aws:iam::000000000000:user/dana".into(),
            access_key_id: "AKIA".into(),
            kind: PrincipalKind::User {
                name: "dana".into(),
            },
            user_id: "AIDA".into(),
            session: None,
        };
        let none = |_: &str| None;
        assert_eq!(
            iam.action_resource(&dana, "ListAccessKeys", &none)
                .as_deref(),
            Some("arn:aws:iam::000000000000:user/dana")
        );
        assert_eq!(
            iam.action_resource(&dana, "ListRoles", &none).as_deref(),
            Some("arn:aws:iam::000000000000:role/")
        );
        assert_eq!(iam.action_resource(&dana, "GetRole", &none), None);
        let params = |name: &str| match name {
            "RoleName" => Some("app".to_owned()),
            "Path" => Some("/svc/".to_owned()),
            _ => None,
        };
        assert_eq!(
            iam.action_resource(&dana, "CreateRole", &params).as_deref(),
            Some("arn:aws:iam::000000000000:role/svc/app")
        );
    }
}
