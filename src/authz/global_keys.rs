//! The global condition keys (`aws:*`) of a request: who calls (`aws:PrincipalArn`,
//! `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:userid`, `aws:username`,
//! `aws:PrincipalTag/*`), with which credentials (`aws:MultiFactorAuthPresent`,
//! `aws:MultiFactorAuthAge` for temporary ones), when (`aws:CurrentTime`, `aws:EpochTime` on
//! the virtual clock), where (`aws:RequestedRegion`, `aws:SecureTransport`: Lockbox serves
//! plain HTTP) and, for KMS, `kms:CallerAccount` and `kms:ViaService`.

use time::format_description::well_known::Rfc3339;

use crate::api::{PrincipalKind, RequestCtx};

/// The global keys of `ctx`'s request; `principal_tags` are the caller's user or role tags.
pub fn global_keys(ctx: &RequestCtx, principal_tags: &[(String, String)]) -> Vec<(String, String)> {
    let principal = &ctx.principal;
    let mut keys = Vec::new();
    let mut put = |key: &str, value: String| keys.push((key.to_owned(), value));
    let (principal_arn, principal_type) = match &principal.kind {
        PrincipalKind::Root => (principal.arn.clone(), "Account"),
        PrincipalKind::User { .. } => (principal.arn.clone(), "User"),
        PrincipalKind::AssumedRole { role_arn, .. } => (role_arn.clone(), "AssumedRole"),
    };
    put("aws:PrincipalArn", principal_arn);
    put("aws:PrincipalAccount", principal.account_id.clone());
    put("aws:PrincipalType", principal_type.to_owned());
    put("aws:userid", principal.user_id.clone());
    if let PrincipalKind::User { name } = &principal.kind {
        put("aws:username", name.clone());
    }
    put("aws:RequestedRegion", ctx.region.clone());
    put("aws:SecureTransport", "false".to_owned());
    if let Ok(now) = ctx
        .now
        .replace_nanosecond(0)
        .unwrap_or(ctx.now)
        .format(&Rfc3339)
    {
        put("aws:CurrentTime", now);
    }
    put("aws:EpochTime", ctx.now.unix_timestamp().to_string());
    if let Some(session) = &principal.session {
        put(
            "aws:MultiFactorAuthPresent",
            session.mfa_authenticated_at.is_some().to_string(),
        );
        if let Some(at) = session.mfa_authenticated_at {
            put(
                "aws:MultiFactorAuthAge",
                (ctx.now - at).whole_seconds().max(0).to_string(),
            );
        }
        for (key, value) in &session.tags {
            put(&format!("aws:PrincipalTag/{key}"), value.clone());
        }
    }
    for (key, value) in principal_tags {
        let name = format!("aws:PrincipalTag/{key}");
        // A session tag overrides the role's tag of the same key.
        let overridden = principal.session.as_ref().is_some_and(|session| {
            session
                .tags
                .iter()
                .any(|(session_key, _)| session_key.eq_ignore_ascii_case(key))
        });
        if !overridden {
            put(&name, value.clone());
        }
    }
    keys
}

/// `kms:CallerAccount` and (on calls a service makes for the caller) `kms:ViaService`.
pub fn kms_keys(ctx: &RequestCtx) -> Vec<(String, String)> {
    let mut keys = vec![("kms:CallerAccount".to_owned(), ctx.account().to_owned())];
    if let Some(via) = &ctx.access.via_service {
        keys.push(("kms:ViaService".to_owned(), via.clone()));
    }
    keys
}
