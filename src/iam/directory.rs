//! IAM as the [`IdentityDirectory`]: the access keys it created (for authentication), the
//! policies and tags of users and roles (for authorization), roles (for STS `AssumeRole`) and
//! MFA code checks (for STS `SerialNumber`/`TokenCode`).
//!
//! A policy that no longer parses is left out of `identity_policies` with a warning; none can
//! be stored (every document is checked on the way in), so this only guards a damaged store.

use time::OffsetDateTime;

use super::ids::account_of_arn;
use super::model::{AccountIam, KeyStatus, key};
use super::{IamService, totp};
use crate::api::{Principal, PrincipalKind};
use crate::iam_policy::{self, NamedPolicy};
use crate::identity::{AccessKeyLookup, IdentityDirectory, MfaVerdict, RoleFacts};
use crate::sigv4::SecretKey;

fn named(name: String, document: &str) -> Option<NamedPolicy> {
    match iam_policy::parse(document) {
        Ok(document) => Some(NamedPolicy { name, document }),
        Err(error) => {
            tracing::warn!(policy = %name, ?error, "a stored IAM policy does not parse; it is ignored");
            None
        }
    }
}

/// The inline and attached (default version) policies of one holder.
fn holder_policies(
    state: &AccountIam,
    holder_arn: &str,
    inline: &std::collections::BTreeMap<String, String>,
    attached: &[String],
    out: &mut Vec<NamedPolicy>,
) {
    for (name, document) in inline {
        out.extend(named(format!("{holder_arn}/{name}"), document));
    }
    for arn in attached {
        if let Some(document) = state.policy_by_arn(arn).and_then(|p| p.default_document()) {
            out.extend(named(arn.clone(), document));
        }
    }
}

/// The role whose ARN is `role_arn`, in `state`.
fn role_by_arn<'a>(state: &'a AccountIam, role_arn: &str) -> Option<&'a super::model::Role> {
    state.roles.values().find(|role| role.arn == role_arn)
}

impl IdentityDirectory for IamService {
    fn access_key(&self, access_key_id: &str) -> Option<AccessKeyLookup> {
        for (account, state) in self.all_accounts() {
            let state = state.read();
            let Some(user) = state.user_of_key(access_key_id) else {
                continue;
            };
            let access_key = user.access_keys.iter().find(|k| k.id == access_key_id)?;
            return Some(match access_key.status {
                KeyStatus::Inactive => AccessKeyLookup::Inactive,
                KeyStatus::Active => AccessKeyLookup::Active {
                    secret: SecretKey::new(access_key.secret.expose().as_str()),
                    principal: Principal {
                        account_id: account.clone(),
                        arn: user.arn.clone(),
                        access_key_id: access_key_id.to_owned(),
                        kind: PrincipalKind::User {
                            name: user.name.clone(),
                        },
                        user_id: user.id.clone(),
                        session: None,
                    },
                },
            });
        }
        None
    }

    fn identity_policies(&self, principal: &Principal) -> Vec<NamedPolicy> {
        let mut out = Vec::new();
        self.read(&principal.account_id, |state| match &principal.kind {
            PrincipalKind::Root => {}
            PrincipalKind::User { name } => {
                let Some(user) = state.users.get(&key(name)) else {
                    return;
                };
                holder_policies(
                    state,
                    &user.arn,
                    &user.inline_policies,
                    &user.attached,
                    &mut out,
                );
                for group in state.groups_of(&key(&user.name)) {
                    holder_policies(
                        state,
                        &group.arn,
                        &group.inline_policies,
                        &group.attached,
                        &mut out,
                    );
                }
            }
            PrincipalKind::AssumedRole { role_arn, .. } => {
                if let Some(role) = role_by_arn(state, role_arn) {
                    holder_policies(
                        state,
                        &role.arn,
                        &role.inline_policies,
                        &role.attached,
                        &mut out,
                    );
                }
            }
        });
        out
    }

    fn managed_policy(&self, policy_arn: &str) -> Option<NamedPolicy> {
        let account = account_of_arn(policy_arn)?;
        if !self.accounts.read().contains_key(account) {
            return None;
        }
        self.read(account, |state| {
            let document = state.policy_by_arn(policy_arn)?.default_document()?;
            named(policy_arn.to_owned(), document)
        })
    }

    fn principal_tags(&self, principal: &Principal) -> Vec<(String, String)> {
        self.read(&principal.account_id, |state| match &principal.kind {
            PrincipalKind::Root => Vec::new(),
            PrincipalKind::User { name } => state
                .users
                .get(&key(name))
                .map(|user| user.tags.clone())
                .unwrap_or_default(),
            PrincipalKind::AssumedRole { role_arn, .. } => role_by_arn(state, role_arn)
                .map(|role| role.tags.clone())
                .unwrap_or_default(),
        })
    }

    fn role(&self, role_arn: &str) -> Option<RoleFacts> {
        let account = account_of_arn(role_arn)?;
        if !self.accounts.read().contains_key(account) {
            return None;
        }
        self.read(account, |state| {
            role_by_arn(state, role_arn).map(|role| RoleFacts {
                arn: role.arn.clone(),
                name: role.name.clone(),
                role_id: role.id.clone(),
                account_id: account.to_owned(),
                trust_policy: role.trust_policy.clone(),
                max_session_duration: role.max_session_duration,
            })
        })
    }

    fn verify_mfa(
        &self,
        principal: &Principal,
        serial_number: &str,
        code: &str,
        now: OffsetDateTime,
    ) -> MfaVerdict {
        let PrincipalKind::User { name } = &principal.kind else {
            return MfaVerdict::UnknownDevice;
        };
        if !self.accounts.read().contains_key(&principal.account_id) {
            return MfaVerdict::UnknownDevice;
        }
        let member = key(name);
        let now_step = totp::time_step(now.unix_timestamp());
        let verdict = std::cell::Cell::new(MfaVerdict::UnknownDevice);
        // A write, so an accepted step is used up (and stored) before the answer.
        let stored = self.write(&principal.account_id, |state| {
            let Some(device) = state
                .mfa_devices
                .get_mut(serial_number)
                .filter(|device| device.user.as_deref() == Some(member.as_str()))
            else {
                return Ok(());
            };
            match totp::accept_code(device.seed.expose(), now_step, code, device.last_step) {
                Some(step) => {
                    device.last_step = Some(step);
                    verdict.set(MfaVerdict::Valid);
                }
                None => verdict.set(MfaVerdict::WrongCode),
            }
            Ok(())
        });
        match stored {
            Ok(()) => verdict.get(),
            // The used-up step could not be stored: refuse rather than allow a replay.
            Err(_) => MfaVerdict::WrongCode,
        }
    }
}
