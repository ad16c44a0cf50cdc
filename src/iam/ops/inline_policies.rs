//! Put/Get/Delete/List of inline policies for users, roles and groups (twelve operations, one
//! rule set, written once through a macro over the holder's kind).
//!
//! Put is an upsert and checks the document first (`MalformedPolicyDocument`); Get returns the
//! document URL-encoded; List gives the names in order. A missing holder is the holder's
//! `NoSuchEntity`, a missing policy `The <kind> policy with name <name> cannot be found.`

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::documents::{self, DocumentKind, url_encode};
use super::super::error::IamError;
use super::super::input::{Checks, present};
use super::super::model::{AccountIam, InlinePolicies};
use super::super::paging::page;
use super::{group, group_mut, role, role_mut, user, user_mut};
use crate::api::RequestCtx;

/// Who holds inline policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    User,
    Role,
    Group,
}

impl Holder {
    fn kind(self) -> &'static str {
        match self {
            Holder::User => "user",
            Holder::Role => "role",
            Holder::Group => "group",
        }
    }

    fn policies<'a>(
        self,
        state: &'a AccountIam,
        name: &str,
    ) -> Result<&'a InlinePolicies, IamError> {
        Ok(match self {
            Holder::User => &user(state, name)?.inline_policies,
            Holder::Role => &role(state, name)?.inline_policies,
            Holder::Group => &group(state, name)?.inline_policies,
        })
    }

    fn policies_mut<'a>(
        self,
        state: &'a mut AccountIam,
        name: &str,
    ) -> Result<&'a mut InlinePolicies, IamError> {
        Ok(match self {
            Holder::User => &mut user_mut(state, name)?.inline_policies,
            Holder::Role => &mut role_mut(state, name)?.inline_policies,
            Holder::Group => &mut group_mut(state, name)?.inline_policies,
        })
    }

    fn no_such_policy(self, policy: &str) -> IamError {
        IamError::NoSuchEntity(format!(
            "The {} policy with name {policy} cannot be found.",
            self.kind()
        ))
    }
}

fn put(
    iam: &IamService,
    ctx: &RequestCtx,
    holder: Holder,
    name: String,
    policy: String,
    document: String,
) -> Result<(), IamError> {
    documents::check(&document, DocumentKind::Identity)?;
    iam.write(ctx.account(), |state| {
        holder.policies_mut(state, &name)?.insert(policy, document);
        Ok(())
    })
}

fn get(
    iam: &IamService,
    ctx: &RequestCtx,
    holder: Holder,
    name: &str,
    policy: &str,
) -> Result<(String, String), IamError> {
    iam.read(ctx.account(), |state| {
        let document = holder
            .policies(state, name)?
            .get(policy)
            .ok_or_else(|| holder.no_such_policy(policy))?;
        let holder_name = match holder {
            Holder::User => user(state, name)?.name.clone(),
            Holder::Role => role(state, name)?.name.clone(),
            Holder::Group => group(state, name)?.name.clone(),
        };
        Ok((holder_name, url_encode(document)))
    })
}

fn delete(
    iam: &IamService,
    ctx: &RequestCtx,
    holder: Holder,
    name: &str,
    policy: &str,
) -> Result<(), IamError> {
    iam.write(ctx.account(), |state| {
        holder
            .policies_mut(state, name)?
            .remove(policy)
            .map(|_| ())
            .ok_or_else(|| holder.no_such_policy(policy))
    })
}

/// ListUserPolicies, ListRolePolicies and ListGroupPolicies output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInlinePoliciesOutput {
    policy_names: Vec<String>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

fn list(
    iam: &IamService,
    ctx: &RequestCtx,
    holder: Holder,
    name: &str,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<ListInlinePoliciesOutput, IamError> {
    let names = iam.read(ctx.account(), |state| {
        holder
            .policies(state, name)
            .map(|policies| policies.keys().cloned().collect())
    })?;
    let page = page(names, marker, max_items)?;
    Ok(ListInlinePoliciesOutput {
        is_truncated: page.is_truncated(),
        policy_names: page.items,
        marker: page.marker,
    })
}

/// Declares the four inline-policy operations of one holder kind.
macro_rules! inline_policy_operations {
    (
        $holder:expr, $member:literal, $max:expr,
        $put_input:ident => $put:ident,
        $get_input:ident, $get_output:ident => $get:ident,
        $delete_input:ident => $delete:ident,
        $list_input:ident => $list:ident
    ) => {
        #[doc = concat!(stringify!($put_input), ".")]
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $put_input {
            #[serde(rename = $member)]
            holder_name: Option<String>,
            policy_name: Option<String>,
            policy_document: Option<String>,
        }

        #[doc = concat!(stringify!($get_input), ".")]
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $get_input {
            #[serde(rename = $member)]
            holder_name: Option<String>,
            policy_name: Option<String>,
        }

        #[doc = concat!(stringify!($get_output), ".")]
        #[derive(Debug, Serialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $get_output {
            #[serde(rename = $member)]
            holder_name: String,
            policy_name: String,
            policy_document: String,
        }

        #[doc = concat!(stringify!($delete_input), ".")]
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $delete_input {
            #[serde(rename = $member)]
            holder_name: Option<String>,
            policy_name: Option<String>,
        }

        #[doc = concat!(stringify!($list_input), ".")]
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $list_input {
            #[serde(rename = $member)]
            holder_name: Option<String>,
            marker: Option<String>,
            max_items: Option<i64>,
        }

        #[doc = concat!("The handler of ", stringify!($put), ".")]
        pub fn $put(iam: &IamService, ctx: &RequestCtx, input: $put_input) -> Result<(), IamError> {
            Checks::new()
                .name($member, input.holder_name.as_deref(), $max)
                .name("PolicyName", input.policy_name.as_deref(), 128)
                .document("PolicyDocument", input.policy_document.as_deref())
                .finish()?;
            put(
                iam,
                ctx,
                $holder,
                present(input.holder_name)?,
                present(input.policy_name)?,
                present(input.policy_document)?,
            )
        }

        #[doc = concat!("The handler of ", stringify!($get), ".")]
        pub fn $get(
            iam: &IamService,
            ctx: &RequestCtx,
            input: $get_input,
        ) -> Result<$get_output, IamError> {
            Checks::new()
                .name($member, input.holder_name.as_deref(), $max)
                .name("PolicyName", input.policy_name.as_deref(), 128)
                .finish()?;
            let name = present(input.holder_name)?;
            let policy_name = present(input.policy_name)?;
            let (holder_name, policy_document) = get(iam, ctx, $holder, &name, &policy_name)?;
            Ok($get_output {
                holder_name,
                policy_name,
                policy_document,
            })
        }

        #[doc = concat!("The handler of ", stringify!($delete), ".")]
        pub fn $delete(
            iam: &IamService,
            ctx: &RequestCtx,
            input: $delete_input,
        ) -> Result<(), IamError> {
            Checks::new()
                .name($member, input.holder_name.as_deref(), $max)
                .name("PolicyName", input.policy_name.as_deref(), 128)
                .finish()?;
            delete(
                iam,
                ctx,
                $holder,
                &present(input.holder_name)?,
                &present(input.policy_name)?,
            )
        }

        #[doc = concat!("The handler of ", stringify!($list), ".")]
        pub fn $list(
            iam: &IamService,
            ctx: &RequestCtx,
            input: $list_input,
        ) -> Result<ListInlinePoliciesOutput, IamError> {
            Checks::new()
                .name($member, input.holder_name.as_deref(), $max)
                .paging(input.marker.as_deref(), input.max_items)
                .finish()?;
            let name = present(input.holder_name)?;
            list(
                iam,
                ctx,
                $holder,
                &name,
                input.marker.as_deref(),
                input.max_items,
            )
        }
    };
}

inline_policy_operations!(
    Holder::User, "UserName", 128,
    PutUserPolicyInput => put_user_policy,
    GetUserPolicyInput, GetUserPolicyOutput => get_user_policy,
    DeleteUserPolicyInput => delete_user_policy,
    ListUserPoliciesInput => list_user_policies
);

inline_policy_operations!(
    Holder::Role, "RoleName", 64,
    PutRolePolicyInput => put_role_policy,
    GetRolePolicyInput, GetRolePolicyOutput => get_role_policy,
    DeleteRolePolicyInput => delete_role_policy,
    ListRolePoliciesInput => list_role_policies
);

inline_policy_operations!(
    Holder::Group, "GroupName", 128,
    PutGroupPolicyInput => put_group_policy,
    GetGroupPolicyInput, GetGroupPolicyOutput => get_group_policy,
    DeleteGroupPolicyInput => delete_group_policy,
    ListGroupPoliciesInput => list_group_policies
);
