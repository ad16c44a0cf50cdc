//! The credential registry: access key id -> (secret key, principal).
//!
//! Built in: `test`/`test` for the default account, and any 12-digit access key id signed with
//! secret `test` acts as that account (multi-account tests need no configuration). Keys from
//! the config file come first and may bind any id to any account and IAM identity. Any other
//! key is looked up in the identity directory (access keys IAM created): an active key signs at
//! once, an inactive or deleted one is unknown.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::api::Principal;
use crate::config::{Config, is_account_id};
use crate::identity::{AccessKeyLookup, IdentityDirectory, NoIdentities};
use crate::sigv4::SecretKey;

/// The secret every built-in key signs with.
const BUILT_IN_SECRET: &str = "test";
/// The built-in access key id of the default account.
const BUILT_IN_KEY: &str = "test";

struct Entry {
    secret: SecretKey,
    principal: Principal,
}

/// Every access key Lockbox accepts.
pub struct Credentials {
    default_account: String,
    configured: HashMap<String, Entry>,
    /// Accounts the config file gives keys of their own: only those keys reach them.
    declared_accounts: HashSet<String>,
    /// Where keys that are neither configured nor built in are looked up.
    directory: Arc<dyn IdentityDirectory>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("default_account", &self.default_account)
            .field(
                "configured_keys",
                &self.configured.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Credentials {
    /// The registry described by a configuration.
    pub fn from_config(config: &Config) -> Self {
        let configured = config
            .credentials
            .iter()
            .map(|cred| {
                let arn = cred.arn.clone().unwrap_or_else(|| match &cred.user_name {
                    Some(user) => format!("arn:aws:iam::{}:user/{user}", cred.account_id),
                    None => root_arn(&cred.account_id),
                });
                let principal = Principal::from_arn(&cred.account_id, &arn, &cred.access_key_id);
                let entry = Entry {
                    secret: SecretKey::new(cred.secret_access_key.as_str()),
                    principal,
                };
                (cred.access_key_id.clone(), entry)
            })
            .collect();
        Credentials {
            default_account: config.default_account.clone(),
            declared_accounts: config
                .credentials
                .iter()
                .map(|cred| cred.account_id.clone())
                .collect(),
            configured,
            directory: Arc::new(NoIdentities),
        }
    }

    /// The same registry, also accepting the active access keys `directory` knows.
    pub fn with_directory(mut self, directory: Arc<dyn IdentityDirectory>) -> Self {
        self.directory = directory;
        self
    }

    /// The secret key and principal of an access key id, if it is known: a configured key, or
    /// a built-in one (`test`, or a 12-digit account id) for an account the config does not
    /// declare.
    pub fn lookup(&self, access_key_id: &str) -> Option<(SecretKey, Principal)> {
        if let Some(entry) = self.configured.get(access_key_id) {
            return Some((entry.secret.clone(), entry.principal.clone()));
        }
        let account = if access_key_id == BUILT_IN_KEY {
            self.default_account.clone()
        } else if is_account_id(access_key_id) {
            access_key_id.to_owned()
        } else {
            return match self.directory.access_key(access_key_id)? {
                AccessKeyLookup::Active { secret, principal } => Some((secret, principal)),
                AccessKeyLookup::Inactive => None,
            };
        };
        if self.declared_accounts.contains(&account) {
            // A declared account is reachable only with its configured keys, never with the
            // built-in convenience keys.
            return None;
        }
        Some((
            SecretKey::new(BUILT_IN_SECRET),
            built_in(access_key_id, account),
        ))
    }

    /// The account of the built-in `test` key.
    pub fn default_account(&self) -> &str {
        &self.default_account
    }

    /// The principal `--auth off` uses for a key that is not known: the default account's root.
    pub fn default_principal(&self, access_key_id: &str) -> Principal {
        built_in(access_key_id, self.default_account.clone())
    }
}

fn built_in(access_key_id: &str, account: String) -> Principal {
    Principal::root(&account, access_key_id)
}

pub(super) fn root_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_keys_select_accounts() {
        let creds = Credentials::from_config(&Config::default());
        assert_eq!(creds.lookup("test").unwrap().1.account_id, "000000000000");
        assert_eq!(
            creds.lookup("123456789012").unwrap().1.account_id,
            "123456789012"
        );
        assert!(creds.lookup("AKIAIOSFODNN7EXAMPLE").is_none());
        assert!(creds.lookup("12345678901").is_none());
    }

    /// A directory that knows one active and one inactive key.
    #[derive(Debug)]
    struct TwoKeys;

    impl IdentityDirectory for TwoKeys {
        fn access_key(&self, access_key_id: &str) -> Option<AccessKeyLookup> {
            match access_key_id {
                "AKIAACTIVE" => Some(AccessKeyLookup::Active {
                    secret: SecretKey::new("s"),
                    principal: Principal::from_arn(
                        "555555555555",
                        "arn:aws:iam::555555555555:user/alice",
                        access_key_id,
                    ),
                }),
                "AKIAINACTIVE" => Some(AccessKeyLookup::Inactive),
                _ => None,
            }
        }

        fn identity_policies(&self, _: &Principal) -> Vec<crate::iam_policy::NamedPolicy> {
            Vec::new()
        }

        fn principal_tags(&self, _: &Principal) -> Vec<(String, String)> {
            Vec::new()
        }

        fn role(&self, _: &str) -> Option<crate::identity::RoleFacts> {
            None
        }

        fn verify_mfa(
            &self,
            _: &Principal,
            _: &str,
            _: &str,
            _: time::OffsetDateTime,
        ) -> crate::identity::MfaVerdict {
            crate::identity::MfaVerdict::UnknownDevice
        }
    }

    #[test]
    fn keys_the_directory_created_sign_while_active() {
        let creds = Credentials::from_config(&Config::default()).with_directory(Arc::new(TwoKeys));
        let (_, principal) = creds.lookup("AKIAACTIVE").unwrap();
        assert_eq!(principal.arn, "arn:aws:iam::555555555555:user/alice");
        assert!(creds.lookup("AKIAINACTIVE").is_none());
        assert!(creds.lookup("AKIAUNKNOWN").is_none());
        assert!(creds.lookup("test").is_some());
    }

    #[test]
    fn a_declared_account_is_reachable_only_with_its_configured_keys() {
        let config = Config {
            credentials: vec![crate::config::CredentialConfig {
                access_key_id: "AKIDALICE".into(),
                secret_access_key: zeroize::Zeroizing::new("alice-secret".into()),
                account_id: "333333333333".into(),
                user_name: None,
                arn: None,
            }],
            ..Config::default()
        };
        let creds = Credentials::from_config(&config);
        assert_eq!(
            creds.lookup("AKIDALICE").unwrap().1.account_id,
            "333333333333"
        );
        assert!(creds.lookup("333333333333").is_none());
        assert!(creds.lookup("444444444444").is_some());
        assert!(creds.lookup("test").is_some());
    }
}
