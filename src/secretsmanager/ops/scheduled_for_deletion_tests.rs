//! Every version operation refuses a secret scheduled for deletion with AWS's
//! `InvalidRequestException` (reference §5), while DescribeSecret still answers. Driven
//! in-process until DeleteSecret is served; the SDK suites cover the rest.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::sync::Arc;

use time::OffsetDateTime;

use super::super::SecretsManager;
use super::super::error::{SmError, text};
use super::super::model::{CreateSecretInput, DescribeSecretInput};
use super::list_secret_version_ids::ListSecretVersionIdsInput;
use super::put_secret_value::PutSecretValueInput;
use super::update_secret::UpdateSecretInput;
use super::update_secret_version_stage::UpdateSecretVersionStageInput;
use crate::auth::Principal;
use crate::kms::LocalKms;
use crate::protocol::ctx::RequestCtx;
use crate::protocol::json::SecretText;

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "r".into(),
        principal: Principal {
            account_id: "000000000000".into(),
            arn: "arn:aws:iam::000000000000:root".into(),
            access_key_id: "test".into(),
        },
        region: "us-east-1".into(),
        now: OffsetDateTime::UNIX_EPOCH + time::Duration::days(10_000),
    }
}

fn text_value(value: &str) -> Option<SecretText> {
    Some(SecretText(zeroize::Zeroizing::new(value.to_owned())))
}

fn token(name: &str) -> Option<String> {
    Some(format!("{name}-{}", "0".repeat(32)))
}

#[test]
fn version_operations_refuse_a_secret_scheduled_for_deletion() {
    let sm = SecretsManager::new(Arc::new(LocalKms::new()));
    let ctx = ctx();
    let id = || Some("doomed".to_owned());
    super::create_secret(
        &sm,
        &ctx,
        CreateSecretInput {
            name: id(),
            client_request_token: token("v1"),
            description: None,
            kms_key_id: None,
            secret_binary: None,
            secret_string: text_value("x"),
            tags: None,
            add_replica_regions: None,
            force_overwrite_replica_secret: None,
            secret_type: None,
        },
    )
    .unwrap();
    sm.write_secret(&ctx, "doomed", |secret| {
        secret.deleted = Some(ctx.now);
        Ok(())
    })
    .unwrap();
    let marked = Err(SmError::InvalidRequest(
        text::MARKED_FOR_DELETION.to_owned(),
    ));

    let put = super::put_secret_value(
        &sm,
        &ctx,
        PutSecretValueInput {
            secret_id: id(),
            client_request_token: token("v2"),
            secret_binary: None,
            secret_string: text_value("y"),
            version_stages: None,
            rotation_token: None,
        },
    );
    assert_eq!(put.map(drop), marked);
    for description in [None, Some("d".to_owned())] {
        let update = super::update_secret(
            &sm,
            &ctx,
            UpdateSecretInput {
                secret_id: id(),
                client_request_token: token("v2"),
                description: description.clone(),
                kms_key_id: None,
                secret_binary: None,
                secret_string: description.is_none().then(|| text_value("y")).flatten(),
                secret_type: None,
            },
        );
        assert_eq!(update.map(drop), marked);
    }
    let stage = super::update_secret_version_stage(
        &sm,
        &ctx,
        UpdateSecretVersionStageInput {
            secret_id: id(),
            version_stage: Some("X".into()),
            remove_from_version_id: None,
            move_to_version_id: token("v1"),
        },
    );
    assert_eq!(stage.map(drop), marked);
    // [U] ListSecretVersionIds refuses too (LocalStack does; AWS unverified).
    let list = super::list_secret_version_ids(
        &sm,
        &ctx,
        ListSecretVersionIdsInput {
            secret_id: id(),
            max_results: None,
            next_token: None,
            include_deprecated: Some(true),
        },
    );
    assert_eq!(list.map(drop), marked);
    let described =
        super::describe_secret(&sm, &ctx, DescribeSecretInput { secret_id: id() }).unwrap();
    assert!(described.metadata.deleted_date.is_some());
    assert_eq!(described.version_ids_to_stages.unwrap().len(), 1);
}
