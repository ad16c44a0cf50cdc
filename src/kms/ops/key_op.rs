//! The opening every KMS key operation shares, in KMS's order: resolve the key identifier in
//! the caller's partition (or, for a key ARN of another account and an operation AWS allows
//! across accounts, in the owner's, when policies are enforced) in the forms the operation
//! accepts, lock the key ring for reading or for writing, refuse an AWS managed key if the
//! operation may not act on one, authorize the caller (policies and grants), check the key's
//! state, then run what is particular to the operation on the key. A [`KeyRule`] says
//! what an operation requires; [`read_key`] and [`write_key`] (or a [`Partition`], for the
//! operations that need more than one key or the aliases) run it.

use std::sync::Arc;

use super::super::access::authorize_key;
use super::super::keys::{Alias, Key, KeyManager, KeyState};
use super::super::local::{Accepts, key_not_found};
use super::super::ring::KeyRing;
use super::super::{KmsCaller, KmsError, LocalKms};
use crate::api::ctx::RequestCtx;
use crate::storage::Tracked;

/// Whether an operation may act on an AWS managed key (`aws/secretsmanager`).
///
/// Such a key may be used only through Secrets Manager and its settings cannot be changed: its
/// key policy (`auto-secretsmanager-2`) allows the cryptographic actions only with
/// `kms:ViaService`, and directly only `kms:Describe*`, `kms:Get*`, `kms:List*` and
/// `kms:RevokeGrant`. A direct call of anything else fails as that key policy makes it fail on
/// AWS. Hard-coded until key policies are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsManaged {
    /// It may (reading the key, its policy, grants, rotations and tags; removing grants).
    Allowed,
    /// It may not: `AccessDeniedException` naming the caller, this action (`kms:<Operation>`)
    /// and the key ARN, "because no resource-based policy allows" the action.
    Refused(&'static str),
}

/// The key states an operation accepts; a key in another state is refused with the error KMS
/// sends for that state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStates {
    /// Every state (reading the key, key policies, removing grants).
    Any,
    /// Enabled only (cryptographic use, grants, rotation): a disabled key is
    /// `DisabledException "<arn> is disabled."`, a key pending deletion
    /// `KMSInvalidStateException "<arn> is pending deletion."`.
    Usable,
    /// Enabled or disabled (management: key state, description, tags, aliases, scheduling
    /// deletion): a key pending deletion is `KMSInvalidStateException "<arn> is pending
    /// deletion."`.
    NotPendingDeletion,
    /// Pending deletion only (CancelKeyDeletion): another key is
    /// `KMSInvalidStateException "<arn> is not pending deletion."`.
    PendingDeletion,
}

impl KeyStates {
    /// Ok when `key`'s state is accepted, else KMS's error for its state.
    fn check(self, key: &Key) -> Result<(), KmsError> {
        match self {
            KeyStates::Any => Ok(()),
            KeyStates::Usable => key.check_usable(),
            KeyStates::NotPendingDeletion => key.check_not_pending_deletion(),
            KeyStates::PendingDeletion
                if matches!(
                    key.state,
                    KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
                ) =>
            {
                Ok(())
            }
            KeyStates::PendingDeletion => Err(KmsError::not_pending_deletion(&key.arn)),
        }
    }
}

/// What an operation requires of the key it acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRule {
    /// The identifier forms it accepts.
    pub accepts: Accepts,
    /// The key states it accepts.
    pub states: KeyStates,
    /// Whether it may act on an AWS managed key.
    pub aws_managed: AwsManaged,
}

impl KeyRule {
    /// A rule.
    pub const fn new(accepts: Accepts, states: KeyStates, aws_managed: AwsManaged) -> KeyRule {
        KeyRule {
            accepts,
            states,
            aws_managed,
        }
    }

    /// Any key named by key id or key ARN, in every state, AWS managed keys included (reading
    /// a key, its policy, grants, rotations or tags; removing a grant).
    pub const ANY_KEY: KeyRule =
        KeyRule::new(Accepts::KeyOnly, KeyStates::Any, AwsManaged::Allowed);

    /// Cryptographic use by `action` (e.g. `kms:Encrypt`): any identifier form, a usable
    /// customer managed key.
    pub const fn crypto(action: &'static str) -> KeyRule {
        KeyRule::new(
            Accepts::KeyOrAlias,
            KeyStates::Usable,
            AwsManaged::Refused(action),
        )
    }

    /// A use of a key's material by `action` other than encryption (grants, rotation): key id or
    /// key ARN, a usable customer managed key.
    pub const fn usable(action: &'static str) -> KeyRule {
        KeyRule::new(
            Accepts::KeyOnly,
            KeyStates::Usable,
            AwsManaged::Refused(action),
        )
    }

    /// A change of a key's settings by `action` (state, description, tags, aliases, deletion):
    /// key id or key ARN, a customer managed key not pending deletion.
    pub const fn manage(action: &'static str) -> KeyRule {
        KeyRule::new(
            Accepts::KeyOnly,
            KeyStates::NotPendingDeletion,
            AwsManaged::Refused(action),
        )
    }

    /// Checks `key` against the rule for `ctx`'s caller: AWS managed key first, then the
    /// caller's authorization (policies and grants), then state.
    pub fn check(&self, ctx: &RequestCtx, key: &Key) -> Result<(), KmsError> {
        if let (AwsManaged::Refused(action), KeyManager::Aws) = (self.aws_managed, key.manager) {
            return Err(KmsError::AccessDenied(format!(
                "User: {} is not authorized to perform: {action} on resource: {} because no resource-based policy allows the {action} action",
                ctx.principal.arn, key.arn
            )));
        }
        let action = match self.aws_managed {
            AwsManaged::Refused(action) => action.to_owned(),
            AwsManaged::Allowed => ctx.action("kms"),
        };
        authorize_key(ctx, key, &action)?;
        self.states.check(key)
    }
}

/// The caller's partition for one request: its key ring (keys whose deletion window has ended
/// are deleted when it is opened) and who acts.
pub struct Partition<'a> {
    kms: &'a LocalKms,
    ctx: &'a RequestCtx,
    caller: KmsCaller<'a>,
    ring: Arc<KeyRing>,
}

/// The operations AWS lets one account perform on another account's key (named by its key or
/// alias ARN), when the key policy allows it.
const CROSS_ACCOUNT: [&str; 17] = [
    "CreateGrant",
    "DeriveSharedSecret",
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GetPublicKey",
    "ListGrants",
    "RetireGrant",
    "RevokeGrant",
    "Sign",
    "Verify",
    "VerifyMac",
    "ReEncrypt",
];

/// The other account whose key `key_id` names by ARN (in the caller's Region), when this
/// operation may reach it: policies are enforced (they decide) and AWS allows the operation
/// across accounts. `None` keeps the caller in its own partition.
fn foreign_owner<'k>(ctx: &RequestCtx, key_id: &'k str) -> Option<&'k str> {
    if !ctx.access.gate.reaches_other_accounts() || !CROSS_ACCOUNT.contains(&ctx.access.operation) {
        return None;
    }
    let rest = key_id.strip_prefix("arn:aws:kms:")?;
    let (region, rest) = rest.split_once(':')?;
    let (account, _) = rest.split_once(':')?;
    let is_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (region == ctx.region && is_account && account != ctx.account()).then_some(account)
}

impl<'a> Partition<'a> {
    /// The partition of `ctx`'s caller.
    pub fn open(kms: &'a LocalKms, ctx: &'a RequestCtx) -> Self {
        let caller = KmsCaller::from(ctx);
        Partition {
            kms,
            ctx,
            caller,
            ring: kms.ring(caller),
        }
    }

    /// The partition holding the key `key_id` names: the caller's, or the owner's for
    /// another account's key ARN an operation may use across accounts.
    pub fn open_for(kms: &'a LocalKms, ctx: &'a RequestCtx, key_id: &'a str) -> Self {
        let Some(owner) = foreign_owner(ctx, key_id) else {
            return Partition::open(kms, ctx);
        };
        let caller = KmsCaller {
            account: owner,
            ..KmsCaller::from(ctx)
        };
        Partition {
            kms,
            ctx,
            caller,
            ring: kms.ring(caller),
        }
    }

    /// Who acts, where and when.
    pub fn caller(&self) -> KmsCaller<'a> {
        self.caller
    }

    /// The partition's keys and aliases.
    pub fn ring(&self) -> &KeyRing {
        &self.ring
    }

    /// The id of the key `key_id` names (in the forms `accepts` allows), with KMS's errors; an
    /// alias of the AWS managed key creates it on first use (before any lock is held here).
    pub fn resolve(&self, key_id: &str, accepts: Accepts) -> Result<String, KmsError> {
        self.kms.resolve(self.caller, &self.ring, key_id, accepts)
    }

    /// The key with id `id` among `keys` (NotFound if it was deleted since it was resolved).
    pub fn find<'k>(&self, keys: &'k Tracked<Key>, id: &str) -> Result<&'k Key, KmsError> {
        keys.get(id).ok_or_else(|| key_not_found(self.caller, id))
    }

    /// Checks `key` against `rule` for this request's caller.
    pub fn check(&self, rule: KeyRule, key: &Key) -> Result<(), KmsError> {
        rule.check(self.ctx, key)
    }

    /// Resolves `key_id` and runs `read` on the key under the ring's read lock once `rule`
    /// accepts it. Nothing is stored under the read lock.
    pub fn read_key<R>(
        &self,
        key_id: &str,
        rule: KeyRule,
        read: impl FnOnce(&Key) -> Result<R, KmsError>,
    ) -> Result<R, KmsError> {
        let id = self.resolve(key_id, rule.accepts)?;
        let keys = self.ring.keys();
        let key = self.find(&keys, &id)?;
        self.check(rule, key)?;
        read(key)
    }

    /// Resolves `key_id` and runs `act` on the key and the aliases under the ring's write locks
    /// once `rule` accepts the key; what it changes is stored before the locks are released,
    /// and undone if it fails.
    pub fn write_key_and_aliases<R>(
        &self,
        key_id: &str,
        rule: KeyRule,
        act: impl FnOnce(&mut Key, &mut Tracked<Alias>) -> Result<R, KmsError>,
    ) -> Result<R, KmsError> {
        let id = self.resolve(key_id, rule.accepts)?;
        self.write(|aliases, keys| {
            let key = keys
                .get_mut(&id)
                .ok_or_else(|| key_not_found(self.caller, &id))?;
            self.check(rule, key)?;
            act(key, aliases)
        })
    }

    /// Like [`Partition::write_key_and_aliases`], for an operation that changes the key only.
    pub fn write_key<R>(
        &self,
        key_id: &str,
        rule: KeyRule,
        act: impl FnOnce(&mut Key) -> Result<R, KmsError>,
    ) -> Result<R, KmsError> {
        self.write_key_and_aliases(key_id, rule, |key, _| act(key))
    }

    /// Runs `section` on the aliases and keys under the ring's write locks, storing what it
    /// changed before they are released.
    pub fn write<R>(
        &self,
        section: impl FnOnce(&mut Tracked<Alias>, &mut Tracked<Key>) -> Result<R, KmsError>,
    ) -> Result<R, KmsError> {
        self.kms.write_ring(self.caller, &self.ring, section)
    }
}

/// [`Partition::read_key`] in the partition of the key (the caller's, or the owner's of a key
/// ARN another account may use).
pub fn read_key<R>(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    rule: KeyRule,
    read: impl FnOnce(&Key) -> Result<R, KmsError>,
) -> Result<R, KmsError> {
    Partition::open_for(kms, ctx, key_id).read_key(key_id, rule, read)
}

/// [`Partition::write_key`] in the partition of the key (see [`read_key`]).
pub fn write_key<R>(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    rule: KeyRule,
    act: impl FnOnce(&mut Key) -> Result<R, KmsError>,
) -> Result<R, KmsError> {
    Partition::open_for(kms, ctx, key_id).write_key(key_id, rule, act)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(state: KeyState) -> Key {
        let caller = KmsCaller {
            account: "111122223333",
            region: "us-east-1",
            now: time::OffsetDateTime::UNIX_EPOCH,
        };
        let mut key = Key::new(caller, KeyManager::Customer, String::new(), None);
        key.state = state;
        key
    }

    #[test]
    fn each_rule_refuses_a_state_with_kms_error_for_it() {
        let cases = [
            (KeyStates::Usable, KeyState::Disabled, "DisabledException"),
            (
                KeyStates::Usable,
                KeyState::PendingDeletion,
                "KMSInvalidStateException",
            ),
            (
                KeyStates::NotPendingDeletion,
                KeyState::PendingDeletion,
                "KMSInvalidStateException",
            ),
            (
                KeyStates::PendingDeletion,
                KeyState::Enabled,
                "KMSInvalidStateException",
            ),
            (
                KeyStates::PendingDeletion,
                KeyState::Disabled,
                "KMSInvalidStateException",
            ),
        ];
        for (rule, state, code) in cases {
            let key = key(state);
            assert_eq!(rule.check(&key).map_err(|e| e.code()), Err(code));
        }
        let disabled = key(KeyState::Disabled);
        assert_eq!(
            KeyStates::PendingDeletion
                .check(&disabled)
                .map_err(|e| e.to_string()),
            Err(format!("{} is not pending deletion.", disabled.arn))
        );
        let pending = key(KeyState::PendingDeletion);
        assert!(KeyStates::Any.check(&pending).is_ok());
        assert!(KeyStates::PendingDeletion.check(&pending).is_ok());
        assert!(
            KeyStates::NotPendingDeletion
                .check(&key(KeyState::Disabled))
                .is_ok()
        );
    }
}
