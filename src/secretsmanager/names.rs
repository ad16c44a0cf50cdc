//! Secret names, ARNs and `SecretId` resolution.
//!
//! A `SecretId` is a name, a full ARN (with the 6-character suffix) or a partial ARN (without
//! it). As in AWS, an ARN whose resource part ends in `-` + 6 alphanumerics is taken as a full
//! ARN only, so a partial ARN of a name that itself ends that way does not resolve. An ARN of
//! another account (in the caller's region) resolves in that account's partition
//! ([`owner_account`]) when policies are enforced; whether the caller may use it is for
//! authorization to say. ARNs of another region do not resolve.

use rand::Rng as _;
use rand::distr::Alphanumeric;

use super::error::SmError;
use super::secret::Secret;
use super::table::Secrets;
use crate::api::ctx::RequestCtx;

const SUFFIX_LEN: usize = 6;

/// True when every character is one AWS allows in a secret name: `[A-Za-z0-9/_+=.@!-]`.
pub fn is_valid_name(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/_+=.@!-".contains(&b))
}

/// A fresh ARN for `name`: `arn:aws:secretsmanager:<region>:<account>:secret:<name>-XXXXXX`.
pub fn new_arn(ctx: &RequestCtx, name: &str) -> String {
    let suffix: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(SUFFIX_LEN)
        .map(char::from)
        .collect();
    format!("{}{name}-{suffix}", arn_prefix(ctx))
}

fn arn_prefix(ctx: &RequestCtx) -> String {
    arn_prefix_in(&ctx.region, ctx.account())
}

fn arn_prefix_in(region: &str, account: &str) -> String {
    format!("arn:aws:secretsmanager:{region}:{account}:secret:")
}

/// The account whose partition a `SecretId` names: the account of a full or partial ARN in
/// the caller's region (another account's secret is reached by its ARN, as in AWS, when
/// policies are enforced; with authorization off accounts stay apart), else the caller's own.
pub fn owner_account<'a>(ctx: &'a RequestCtx, id: &'a str) -> &'a str {
    if !ctx.access.gate.reaches_other_accounts() {
        return ctx.account();
    }
    let mut parts = id.splitn(7, ':');
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (
            Some("arn"),
            Some("aws"),
            Some("secretsmanager"),
            Some(region),
            Some(account),
            Some("secret"),
        ) if region == ctx.region
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit()) =>
        {
            account
        }
        _ => ctx.account(),
    }
}

/// Rejects a non-ARN `SecretId` with characters no name can have (AWS's ValidationException).
pub fn check_secret_id(id: &str) -> Result<(), SmError> {
    if id.starts_with("arn:") || is_valid_name(id) {
        Ok(())
    } else {
        Err(SmError::invalid_name())
    }
}

/// Finds the secret a `SecretId` names in this partition.
pub fn resolve<'a>(
    secrets: &'a Secrets,
    ctx: &RequestCtx,
    id: &str,
) -> Result<&'a Secret, SmError> {
    let name = resolve_name(secrets, ctx, id)?;
    secrets.get(name).ok_or_else(SmError::secret_not_found)
}

/// The name (map key) of the secret a `SecretId` names in this partition.
pub fn resolve_name<'a>(
    secrets: &'a Secrets,
    ctx: &RequestCtx,
    id: &str,
) -> Result<&'a str, SmError> {
    let Some(resource) = id.strip_prefix("arn:") else {
        check_secret_id(id)?;
        return secrets
            .get_key_value(id)
            .map(|(name, _)| name.as_str())
            .ok_or_else(SmError::secret_not_found);
    };
    let resource = format!("arn:{resource}");
    let Some(rest) = resource.strip_prefix(&arn_prefix_in(&ctx.region, owner_account(ctx, id)))
    else {
        return Err(SmError::secret_not_found());
    };
    let found = match split_suffix(rest) {
        Some(name) => secrets
            .get_key_value(name)
            .filter(|(_, secret)| secret.arn == resource),
        None => secrets.get_key_value(rest),
    };
    found
        .map(|(name, _)| name.as_str())
        .ok_or_else(SmError::secret_not_found)
}

/// `name` when `rest` looks like `name-XXXXXX` (a full ARN's resource part).
fn split_suffix(rest: &str) -> Option<&str> {
    let cut = rest.len().checked_sub(SUFFIX_LEN + 1)?;
    let (name, suffix) = rest.split_at(cut);
    let suffix = suffix.strip_prefix('-')?;
    (!name.is_empty() && suffix.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(name)
}

/// The secret name an ARN-shaped `SecretId` carries (its resource part without a trailing
/// `-XXXXXX` suffix), for answers about secrets that do not exist.
pub fn name_from_arn(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":secret:")?;
    Some(split_suffix(rest).unwrap_or(rest)).filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Principal;
    use time::OffsetDateTime;

    fn ctx() -> RequestCtx {
        RequestCtx {
            request_id: "r".into(),
            event_id: "e".into(),
            principal: Principal::root("000000000000", "test"),
            region: "us-east-1".into(),
            now: OffsetDateTime::UNIX_EPOCH,
            access: crate::api::access::Access::unchecked("Test"),
        }
    }

    fn table(names: &[&str]) -> Secrets {
        let mut secrets = Secrets::default();
        for name in names {
            secrets.insert(Secret::new(
                (*name).into(),
                format!("arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}-AbC123"),
                OffsetDateTime::UNIX_EPOCH,
            ));
        }
        secrets
    }

    #[test]
    fn resolves_names_full_and_partial_arns() {
        let secrets = table(&["app/db", "Valid/_+=.@-Name-a1b2", "tricky-a1b2c3"]);
        let prefix = "arn:aws:secretsmanager:us-east-1:000000000000:secret:";
        for id in [
            "app/db",
            &format!("{prefix}app/db-AbC123"),
            &format!("{prefix}app/db"),
        ] {
            assert_eq!(
                resolve(&secrets, &ctx(), id).unwrap().name,
                "app/db",
                "{id}"
            );
        }
        assert!(resolve(&secrets, &ctx(), &format!("{prefix}Valid/_+=.@-Name-a1b2")).is_ok());
        // A partial ARN of a name that itself ends in -XXXXXX is read as a full ARN and misses.
        assert!(resolve(&secrets, &ctx(), &format!("{prefix}tricky-a1b2c3")).is_err());
        assert!(resolve(&secrets, &ctx(), &format!("{prefix}app/db-Wrong1")).is_err());
        assert!(
            resolve(
                &secrets,
                &ctx(),
                "arn:aws:secretsmanager:eu-west-1:000000000000:secret:app/db"
            )
            .is_err()
        );
    }

    #[test]
    fn invalid_names_are_validation_errors() {
        let secrets = table(&[]);
        let error = resolve(&secrets, &ctx(), "bad name").unwrap_err();
        assert_eq!(error, SmError::invalid_name());
        assert!(is_valid_name("rds!cluster-1/a_b+c=d.e@f"));
    }

    #[test]
    fn new_arns_have_a_six_character_suffix() {
        let arn = new_arn(&ctx(), "x");
        let suffix = arn.rsplit('-').next().unwrap();
        assert_eq!(suffix.len(), 6);
        assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
