//! IAM's operation table (model name, read or write, handler in `ops/`) and what the audit
//! trail records of a call: names, ARNs, paths and documents, never a secret access key, an
//! MFA seed or an authentication code.

use super::{IamError, IamService, ops};
use crate::api::operation::{JsonService, QueryService, operations};

operations! {
    /// The IAM operations Lockbox serves.
    pub enum Operation for IamService {
        write AddUserToGroup => ops::add_user_to_group;
        write AttachGroupPolicy => ops::attach_group_policy;
        write AttachRolePolicy => ops::attach_role_policy;
        write AttachUserPolicy => ops::attach_user_policy;
        write CreateAccessKey => ops::create_access_key;
        write CreateGroup => ops::create_group;
        write CreatePolicy => ops::create_policy;
        write CreatePolicyVersion => ops::create_policy_version;
        write CreateRole => ops::create_role;
        write CreateUser => ops::create_user;
        write CreateVirtualMFADevice => ops::create_virtual_mfa_device;
        write DeactivateMFADevice => ops::deactivate_mfa_device;
        write DeleteAccessKey => ops::delete_access_key;
        write DeleteGroup => ops::delete_group;
        write DeleteGroupPolicy => ops::delete_group_policy;
        write DeletePolicy => ops::delete_policy;
        write DeletePolicyVersion => ops::delete_policy_version;
        write DeleteRole => ops::delete_role;
        write DeleteRolePolicy => ops::delete_role_policy;
        write DeleteUser => ops::delete_user;
        write DeleteUserPolicy => ops::delete_user_policy;
        write DeleteVirtualMFADevice => ops::delete_virtual_mfa_device;
        write DetachGroupPolicy => ops::detach_group_policy;
        write DetachRolePolicy => ops::detach_role_policy;
        write DetachUserPolicy => ops::detach_user_policy;
        write EnableMFADevice => ops::enable_mfa_device;
        read GetGroup => ops::get_group;
        read GetGroupPolicy => ops::get_group_policy;
        read GetPolicy => ops::get_policy;
        read GetPolicyVersion => ops::get_policy_version;
        read GetRole => ops::get_role;
        read GetRolePolicy => ops::get_role_policy;
        read GetUser => ops::get_user;
        read GetUserPolicy => ops::get_user_policy;
        read ListAccessKeys => ops::list_access_keys;
        read ListAttachedGroupPolicies => ops::list_attached_group_policies;
        read ListAttachedRolePolicies => ops::list_attached_role_policies;
        read ListAttachedUserPolicies => ops::list_attached_user_policies;
        read ListGroupPolicies => ops::list_group_policies;
        read ListGroups => ops::list_groups;
        read ListGroupsForUser => ops::list_groups_for_user;
        read ListMFADevices => ops::list_mfa_devices;
        read ListPolicies => ops::list_policies;
        read ListPolicyVersions => ops::list_policy_versions;
        read ListRolePolicies => ops::list_role_policies;
        read ListRoleTags => ops::list_role_tags;
        read ListRoles => ops::list_roles;
        read ListUserPolicies => ops::list_user_policies;
        read ListUserTags => ops::list_user_tags;
        read ListUsers => ops::list_users;
        read ListVirtualMFADevices => ops::list_virtual_mfa_devices;
        write PutGroupPolicy => ops::put_group_policy;
        write PutRolePolicy => ops::put_role_policy;
        write PutUserPolicy => ops::put_user_policy;
        write RemoveUserFromGroup => ops::remove_user_from_group;
        write SetDefaultPolicyVersion => ops::set_default_policy_version;
        write TagRole => ops::tag_role;
        write TagUser => ops::tag_user;
        write UntagRole => ops::untag_role;
        write UntagUser => ops::untag_user;
        write UpdateAccessKey => ops::update_access_key;
        write UpdateAssumeRolePolicy => ops::update_assume_role_policy;
        write UpdateRole => ops::update_role;
    }
}

impl JsonService for IamService {
    type Error = IamError;
    const EVENT_SOURCE: &'static str = "iam.amazonaws.com";
    /// Entity names, ARNs, paths, documents and options; never `AuthenticationCode1`/`2`.
    const AUDITED_REQUEST_MEMBERS: &'static [&'static str] = &[
        "AccessKeyId",
        "AssignmentStatus",
        "AssumeRolePolicyDocument",
        "Description",
        "GroupName",
        "MaxSessionDuration",
        "OnlyAttached",
        "Path",
        "PathPrefix",
        "PolicyArn",
        "PolicyDocument",
        "PolicyName",
        "RoleName",
        "Scope",
        "SerialNumber",
        "SetAsDefault",
        "Status",
        "TagKeys",
        "Tags",
        "UserName",
        "VersionId",
        "VirtualMFADeviceName",
    ];
    /// The created entity; never `AccessKey` (it holds the secret) or `VirtualMFADevice` (it
    /// holds the seed).
    const AUDITED_RESPONSE_MEMBERS: &'static [&'static str] =
        &["Group", "Policy", "PolicyVersion", "Role", "User"];
}

impl QueryService for IamService {
    const XML_NAMESPACE: &'static str = "https://iam.amazonaws.com/doc/2010-05-08/";
    const API_VERSION: &'static str = "2010-05-08";
}
