//! Identifiers IAM mints: unique ids (`AIDA…`, `AROA…`, `AGPA…`, `ANPA…`), access key ids
//! (`AKIA…`), secret access keys and MFA seeds, all from the operating system's random source;
//! and the ARNs of the entities.

/// Characters of unique ids and access key ids (upper-case letters and digits 2-7, as IAM's).
const ID_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Characters of a secret access key.
const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// Bytes of a virtual MFA device's TOTP key (what authenticator apps expect for SHA-1).
pub const SEED_BYTES: usize = 20;

/// Unique-id prefix of users.
pub const USER_PREFIX: &str = "AIDA";
/// Unique-id prefix of roles.
pub const ROLE_PREFIX: &str = "AROA";
/// Unique-id prefix of groups.
pub const GROUP_PREFIX: &str = "AGPA";
/// Unique-id prefix of managed policies.
pub const POLICY_PREFIX: &str = "ANPA";

fn random_text(alphabet: &[u8], len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::fill(bytes.as_mut_slice());
    bytes
        .iter()
        .map(|byte| char::from(alphabet[usize::from(*byte) % alphabet.len()]))
        .collect()
}

/// A new unique id: `prefix` + 17 characters.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_text(ID_ALPHABET, 17))
}

/// A new long-term access key id: `AKIA` + 16 characters.
pub fn access_key_id() -> String {
    format!("AKIA{}", random_text(ID_ALPHABET, 16))
}

/// A new 40-character secret access key.
pub fn secret_access_key() -> String {
    random_text(SECRET_ALPHABET, 40)
}

/// A new TOTP key for a virtual MFA device.
pub fn mfa_seed() -> Vec<u8> {
    let mut seed = vec![0u8; SEED_BYTES];
    rand::fill(seed.as_mut_slice());
    seed
}

/// `arn:aws:iam::<account>:<kind><path><name>` (`kind` is `user`, `role`, `group`, `policy`
/// or `mfa`).
pub fn arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{kind}{path}{name}")
}

/// The account of an IAM ARN (`arn:aws:iam::<account>:...`).
pub fn account_of_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some("iam"), Some(_), Some(account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    Some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_iam_shapes() {
        let id = unique_id(USER_PREFIX);
        assert!(id.starts_with("AIDA") && id.len() == 21);
        let key = access_key_id();
        assert!(key.starts_with("AKIA") && key.len() == 20);
        assert!(key.bytes().all(|b| ID_ALPHABET.contains(&b)));
        let secret = secret_access_key();
        assert_eq!(secret.len(), 40);
        assert_ne!(secret, secret_access_key());
        assert_eq!(mfa_seed().len(), SEED_BYTES);
    }

    #[test]
    fn arns_carry_path_and_account() {
        let arn = arn("111122223333", "user", "/team/", "alice");
        assert_eq!(arn, "arn:aws:iam::111122223333:user/team/alice");
        assert_eq!(account_of_arn(&arn), Some("111122223333"));
        assert_eq!(account_of_arn("arn:aws:sts::1:x"), None);
    }
}
