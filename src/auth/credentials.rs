//! The credential registry: access key id -> (secret key, principal).
//!
//! Built in: `test`/`test` for the default account, and any 12-digit access key id signed with
//! secret `test` acts as that account (multi-account tests need no configuration). Keys from
//! the config file come first and may bind any id to any account and IAM identity.

use std::collections::HashMap;

use crate::api::Principal;
use crate::config::{Config, is_account_id};
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
                let principal = Principal {
                    account_id: cred.account_id.clone(),
                    arn,
                    access_key_id: cred.access_key_id.clone(),
                };
                let entry = Entry {
                    secret: SecretKey::new(cred.secret_access_key.as_str()),
                    principal,
                };
                (cred.access_key_id.clone(), entry)
            })
            .collect();
        Credentials {
            default_account: config.default_account.clone(),
            configured,
        }
    }

    /// The secret key and principal of an access key id, if it is known.
    pub fn lookup(&self, access_key_id: &str) -> Option<(SecretKey, Principal)> {
        if let Some(entry) = self.configured.get(access_key_id) {
            return Some((entry.secret.clone(), entry.principal.clone()));
        }
        let account = if access_key_id == BUILT_IN_KEY {
            self.default_account.clone()
        } else if is_account_id(access_key_id) {
            access_key_id.to_owned()
        } else {
            return None;
        };
        Some((
            SecretKey::new(BUILT_IN_SECRET),
            built_in(access_key_id, account),
        ))
    }

    /// The principal `--auth off` uses for a key that is not known: the default account's root.
    pub fn default_principal(&self, access_key_id: &str) -> Principal {
        built_in(access_key_id, self.default_account.clone())
    }
}

fn built_in(access_key_id: &str, account: String) -> Principal {
    Principal {
        arn: root_arn(&account),
        account_id: account,
        access_key_id: access_key_id.to_owned(),
    }
}

fn root_arn(account: &str) -> String {
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
}
