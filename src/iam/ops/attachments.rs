//! Attach/Detach/ListAttached for users, roles and groups (nine operations over one rule set).
//!
//! Only the account's own managed policies can be attached (`NoSuchEntity` "Policy {arn} does
//! not exist or is not attachable." otherwise); attaching twice is not an error, detaching a
//! policy that is not attached is `NoSuchEntity`. Lists give name and ARN, filtered by the
//! policy's path.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::error::IamError;
use super::super::input::{Checks, present};
use super::super::model::AccountIam;
use super::super::paging::page;
use super::super::wire::AttachedPolicyShape;
use super::managed_policies::check_policy_arn;
use super::{group, group_mut, role, role_mut, user, user_mut};
use crate::api::RequestCtx;

/// Who managed policies attach to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    User,
    Role,
    Group,
}

impl Holder {
    fn attached<'a>(self, state: &'a AccountIam, name: &str) -> Result<&'a Vec<String>, IamError> {
        Ok(match self {
            Holder::User => &user(state, name)?.attached,
            Holder::Role => &role(state, name)?.attached,
            Holder::Group => &group(state, name)?.attached,
        })
    }

    fn attached_mut<'a>(
        self,
        state: &'a mut AccountIam,
        name: &str,
    ) -> Result<&'a mut Vec<String>, IamError> {
        Ok(match self {
            Holder::User => &mut user_mut(state, name)?.attached,
            Holder::Role => &mut role_mut(state, name)?.attached,
            Holder::Group => &mut group_mut(state, name)?.attached,
        })
    }
}

fn attach(
    iam: &IamService,
    ctx: &RequestCtx,
    holder: Holder,
    name: &str,
    arn: String,
) -> Result<(), IamError> {
    iam.write(ctx.account(), |state| {
        holder.attached(state, name)?;
        if state.policy_by_arn(&arn).is_none() {
            return Err(IamError::NoSuchEntity(format!(
                "Policy {arn} does not exist or is not attachable."
            )));
        }
        let attached = holder.attached_mut(state, name)?;
        if !attached.contains(&arn) {
            attached.push(arn);
        }
        Ok(())
    })
}

fn detach(
    iam: &IamService,
    ctx: &RequestCtx,
    holder: Holder,
    name: &str,
    arn: &str,
) -> Result<(), IamError> {
    iam.write(ctx.account(), |state| {
        let attached = holder.attached_mut(state, name)?;
        let before = attached.len();
        attached.retain(|a| a != arn);
        if attached.len() == before {
            return Err(IamError::no_such_policy(arn));
        }
        Ok(())
    })
}

/// ListAttachedUserPolicies, ListAttachedRolePolicies and ListAttachedGroupPolicies output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedPoliciesOutput {
    attached_policies: Vec<AttachedPolicyShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

fn list(
    iam: &IamService,
    ctx: &RequestCtx,
    holder: Holder,
    name: &str,
    path_prefix: Option<String>,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<ListAttachedPoliciesOutput, IamError> {
    let prefix = path_prefix.unwrap_or_else(|| "/".into());
    let attached = iam.read(ctx.account(), |state| {
        holder.attached(state, name).map(|arns| {
            arns.iter()
                .filter_map(|arn| state.policy_by_arn(arn))
                .filter(|policy| policy.path.starts_with(&prefix))
                .map(|policy| AttachedPolicyShape {
                    policy_name: policy.name.clone(),
                    policy_arn: policy.arn.clone(),
                })
                .collect()
        })
    })?;
    let page = page(attached, marker, max_items)?;
    Ok(ListAttachedPoliciesOutput {
        is_truncated: page.is_truncated(),
        attached_policies: page.items,
        marker: page.marker,
    })
}

/// Declares the three attachment operations of one holder kind.
macro_rules! attachment_operations {
    (
        $holder:expr, $member:literal, $max:expr,
        $attach_input:ident => $attach:ident,
        $detach_input:ident => $detach:ident,
        $list_input:ident => $list:ident
    ) => {
        #[doc = concat!(stringify!($attach_input), ".")]
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $attach_input {
            #[serde(rename = $member)]
            holder_name: Option<String>,
            policy_arn: Option<String>,
        }

        #[doc = concat!(stringify!($detach_input), ".")]
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $detach_input {
            #[serde(rename = $member)]
            holder_name: Option<String>,
            policy_arn: Option<String>,
        }

        #[doc = concat!(stringify!($list_input), ".")]
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $list_input {
            #[serde(rename = $member)]
            holder_name: Option<String>,
            path_prefix: Option<String>,
            marker: Option<String>,
            max_items: Option<i64>,
        }

        #[doc = concat!("The handler of ", stringify!($attach), ".")]
        pub fn $attach(
            iam: &IamService,
            ctx: &RequestCtx,
            input: $attach_input,
        ) -> Result<(), IamError> {
            let mut checks = Checks::new();
            checks.name($member, input.holder_name.as_deref(), $max);
            check_policy_arn(&mut checks, input.policy_arn.as_deref());
            checks.finish()?;
            attach(
                iam,
                ctx,
                $holder,
                &present(input.holder_name)?,
                present(input.policy_arn)?,
            )
        }

        #[doc = concat!("The handler of ", stringify!($detach), ".")]
        pub fn $detach(
            iam: &IamService,
            ctx: &RequestCtx,
            input: $detach_input,
        ) -> Result<(), IamError> {
            let mut checks = Checks::new();
            checks.name($member, input.holder_name.as_deref(), $max);
            check_policy_arn(&mut checks, input.policy_arn.as_deref());
            checks.finish()?;
            detach(
                iam,
                ctx,
                $holder,
                &present(input.holder_name)?,
                &present(input.policy_arn)?,
            )
        }

        #[doc = concat!("The handler of ", stringify!($list), ".")]
        pub fn $list(
            iam: &IamService,
            ctx: &RequestCtx,
            input: $list_input,
        ) -> Result<ListAttachedPoliciesOutput, IamError> {
            Checks::new()
                .name($member, input.holder_name.as_deref(), $max)
                .path_prefix(input.path_prefix.as_deref())
                .paging(input.marker.as_deref(), input.max_items)
                .finish()?;
            let name = present(input.holder_name)?;
            list(
                iam,
                ctx,
                $holder,
                &name,
                input.path_prefix,
                input.marker.as_deref(),
                input.max_items,
            )
        }
    };
}

attachment_operations!(
    Holder::User, "UserName", 128,
    AttachUserPolicyInput => attach_user_policy,
    DetachUserPolicyInput => detach_user_policy,
    ListAttachedUserPoliciesInput => list_attached_user_policies
);

attachment_operations!(
    Holder::Role, "RoleName", 64,
    AttachRolePolicyInput => attach_role_policy,
    DetachRolePolicyInput => detach_role_policy,
    ListAttachedRolePoliciesInput => list_attached_role_policies
);

attachment_operations!(
    Holder::Group, "GroupName", 128,
    AttachGroupPolicyInput => attach_group_policy,
    DetachGroupPolicyInput => detach_group_policy,
    ListAttachedGroupPoliciesInput => list_attached_group_policies
);
