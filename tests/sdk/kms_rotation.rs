//! KMS key rotation through the official Rust SDK: the automatic schedule driven by the
//! virtual clock, on-demand rotation, the rotation list, and that every ciphertext ever made
//! keeps decrypting while new ones use the newest material.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{IncludeKeyMaterial, RotationType};
use common::{advance_clock, assert_error, kms_client, start};

async fn new_key(kms: &aws_sdk_kms::Client) -> (String, String) {
    let created = kms.create_key().send().await.unwrap();
    let meta = created.key_metadata().unwrap();
    (meta.key_id().to_owned(), meta.arn().unwrap().to_owned())
}

async fn current_material(kms: &aws_sdk_kms::Client, key: &str) -> String {
    let meta = kms.describe_key().key_id(key).send().await.unwrap();
    meta.key_metadata()
        .unwrap()
        .current_key_material_id()
        .unwrap()
        .to_owned()
}

async fn encrypt(kms: &aws_sdk_kms::Client, key: &str, text: &str) -> (Blob, String) {
    let blob = kms
        .encrypt()
        .key_id(key)
        .plaintext(Blob::new(text))
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let material = kms
        .decrypt()
        .ciphertext_blob(blob.clone())
        .send()
        .await
        .unwrap()
        .key_material_id
        .unwrap();
    (blob, material)
}

#[tokio::test]
async fn rotation_status_follows_enable_and_disable() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let status = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert!(!status.key_rotation_enabled());
    // KeyId is the key id here, as the examples in AWS's documentation show it (Lockbox's choice).
    assert_eq!(status.key_id(), Some(id.as_str()));
    assert!(status.rotation_period_in_days().is_none());
    assert!(status.next_rotation_date().is_none());
    assert!(status.on_demand_rotation_start_date().is_none());

    kms.enable_key_rotation().key_id(&arn).send().await.unwrap();
    let status = kms
        .get_key_rotation_status()
        .key_id(&arn)
        .send()
        .await
        .unwrap();
    assert!(status.key_rotation_enabled());
    assert_eq!(status.rotation_period_in_days(), Some(365));
    let next = status.next_rotation_date().unwrap().secs();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((next - now - 365 * 86_400).abs() < 120, "{next} vs {now}");

    kms.enable_key_rotation()
        .key_id(&id)
        .rotation_period_in_days(90)
        .send()
        .await
        .unwrap();
    let status = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(status.rotation_period_in_days(), Some(90));
    assert!((status.next_rotation_date().unwrap().secs() - now - 90 * 86_400).abs() < 120);

    kms.disable_key_rotation().key_id(&id).send().await.unwrap();
    let status = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert!(!status.key_rotation_enabled());
    assert!(status.rotation_period_in_days().is_none());
    assert!(status.next_rotation_date().is_none());
}

#[tokio::test]
async fn rotation_operations_validate_like_kms() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    for (days, constraint) in [
        (89, "greater than or equal to 90"),
        (2561, "less than or equal to 2560"),
    ] {
        assert_error(
            kms.enable_key_rotation()
                .key_id(&id)
                .rotation_period_in_days(days)
                .send()
                .await,
            "ValidationException",
            format!(
                "1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value {constraint}"
            ),
        );
    }
    // Rotation operations take a key id or key ARN only, not an alias.
    assert_error(
        kms.enable_key_rotation()
            .key_id("alias/aws/secretsmanager")
            .send()
            .await,
        "NotFoundException",
        "Invalid keyId 'alias/aws/secretsmanager'",
    );
    assert_error(
        kms.get_key_rotation_status().key_id("alias/x").send().await,
        "NotFoundException",
        "Invalid keyId 'alias/x'",
    );
    let unknown = "1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_error(
        kms.rotate_key_on_demand().key_id(unknown).send().await,
        "NotFoundException",
        format!("Key 'arn:aws:kms:us-east-1:000000000000:key/{unknown}' does not exist"),
    );
    assert_error(
        kms.list_key_rotations().key_id(&id).limit(0).send().await,
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        kms.list_key_rotations()
            .key_id(&id)
            .marker("nope")
            .send()
            .await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
}

#[tokio::test]
async fn on_demand_rotation_keeps_old_ciphertexts_decryptable() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let first_material = current_material(&kms, &id).await;
    let (old_blob, old_material) = encrypt(&kms, &id, "before").await;
    assert_eq!(old_material, first_material);

    let out = kms.rotate_key_on_demand().key_id(&id).send().await.unwrap();
    assert_eq!(out.key_id(), Some(arn.as_str()));
    let second_material = current_material(&kms, &id).await;
    assert_ne!(second_material, first_material);

    let (new_blob, new_material) = encrypt(&kms, &id, "after").await;
    assert_eq!(new_material, second_material);
    let old = kms
        .decrypt()
        .ciphertext_blob(old_blob)
        .send()
        .await
        .unwrap();
    assert_eq!(old.plaintext().unwrap().as_ref(), b"before");
    assert_eq!(old.key_material_id(), Some(first_material.as_str()));
    let new = kms
        .decrypt()
        .ciphertext_blob(new_blob)
        .send()
        .await
        .unwrap();
    assert_eq!(new.plaintext().unwrap().as_ref(), b"after");

    // On-demand rotation does not turn on automatic rotation (recorded against real AWS).
    let status = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert!(!status.key_rotation_enabled());
    assert!(status.on_demand_rotation_start_date().is_none());

    let list = kms.list_key_rotations().key_id(&id).send().await.unwrap();
    assert!(!list.truncated());
    assert!(list.next_marker().is_none());
    let rotations = list.rotations();
    assert_eq!(rotations.len(), 1);
    assert_eq!(rotations[0].key_id(), Some(id.as_str()));
    assert_eq!(
        rotations[0].key_material_id(),
        Some(second_material.as_str())
    );
    assert_eq!(rotations[0].rotation_type(), Some(&RotationType::OnDemand));
    assert!(rotations[0].rotation_date().is_some());

    let all = kms
        .list_key_rotations()
        .key_id(&id)
        .include_key_material(IncludeKeyMaterial::AllKeyMaterial)
        .send()
        .await
        .unwrap();
    let all = all.rotations();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].key_material_id(), Some(first_material.as_str()));
    assert!(all[0].rotation_date().is_none() && all[0].rotation_type().is_none());
}

#[tokio::test]
async fn automatic_rotation_happens_when_the_clock_passes_the_date() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    kms.enable_key_rotation()
        .key_id(&id)
        .rotation_period_in_days(90)
        .send()
        .await
        .unwrap();
    let first = current_material(&kms, &id).await;
    let (blob_1, _) = encrypt(&kms, &id, "one").await;
    let next = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap()
        .next_rotation_date()
        .unwrap()
        .secs();

    advance_clock(&server, "89d").await;
    assert_eq!(current_material(&kms, &id).await, first);

    advance_clock(&server, "2d").await;
    let second = current_material(&kms, &id).await;
    assert_ne!(second, first);
    let (blob_2, material_2) = encrypt(&kms, &id, "two").await;
    assert_eq!(material_2, second);
    let status = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status.next_rotation_date().unwrap().secs(),
        next + 90 * 86_400
    );

    // Two more periods at once: two rotations, each dated when it fell due.
    advance_clock(&server, "180d").await;
    let rotations = kms.list_key_rotations().key_id(&id).send().await.unwrap();
    let rotations = rotations.rotations();
    assert_eq!(rotations.len(), 3);
    for (index, rotation) in rotations.iter().enumerate() {
        assert_eq!(rotation.rotation_type(), Some(&RotationType::Automatic));
        let due = next + 90 * 86_400 * index as i64;
        assert!((rotation.rotation_date().unwrap().secs() - due).abs() <= 1);
    }
    for (blob, text) in [(blob_1, "one"), (blob_2, "two")] {
        let out = kms.decrypt().ciphertext_blob(blob).send().await.unwrap();
        assert_eq!(out.plaintext().unwrap().as_ref(), text.as_bytes());
    }

    // Paging through the rotations.
    let page = kms
        .list_key_rotations()
        .key_id(&id)
        .limit(2)
        .send()
        .await
        .unwrap();
    assert!(page.truncated());
    assert_eq!(page.rotations().len(), 2);
    let rest = kms
        .list_key_rotations()
        .key_id(&id)
        .marker(page.next_marker().unwrap())
        .send()
        .await
        .unwrap();
    assert!(!rest.truncated());
    assert_eq!(rest.rotations().len(), 1);
}

#[tokio::test]
async fn disabled_rotation_does_not_rotate() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    kms.enable_key_rotation().key_id(&id).send().await.unwrap();
    kms.disable_key_rotation().key_id(&id).send().await.unwrap();
    let first = current_material(&kms, &id).await;
    advance_clock(&server, "800d").await;
    assert_eq!(current_material(&kms, &id).await, first);
}

#[tokio::test]
async fn on_demand_rotations_are_limited_to_25() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    for _ in 0..25 {
        kms.rotate_key_on_demand().key_id(&id).send().await.unwrap();
    }
    assert_error(
        kms.rotate_key_on_demand().key_id(&id).send().await,
        "LimitExceededException",
        format!(
            "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {arn}"
        ),
    );
}

#[tokio::test]
async fn the_secrets_manager_key_rotates_yearly_and_cannot_be_changed() {
    let server = start().await;
    let kms = kms_client(&server);
    let sm = common::client(&server);
    sm.create_secret()
        .name("before-rotation")
        .secret_string("old material")
        .send()
        .await
        .unwrap();
    let meta = kms
        .describe_key()
        .key_id("alias/aws/secretsmanager")
        .send()
        .await
        .unwrap();
    let meta = meta.key_metadata().unwrap();
    let (id, arn) = (meta.key_id().to_owned(), meta.arn().unwrap().to_owned());
    let status = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert!(status.key_rotation_enabled());
    assert_eq!(status.rotation_period_in_days(), Some(365));
    let denied = |action: &str| {
        format!(
            "User: arn:aws:iam::000000000000:root is not authorized to perform: {action} on resource: {arn} because no resource-based policy allows the {action} action"
        )
    };
    assert_error(
        kms.disable_key_rotation().key_id(&id).send().await,
        "AccessDeniedException",
        denied("kms:DisableKeyRotation"),
    );
    assert_error(
        kms.enable_key_rotation().key_id(&id).send().await,
        "AccessDeniedException",
        denied("kms:EnableKeyRotation"),
    );
    assert_error(
        kms.rotate_key_on_demand().key_id(&id).send().await,
        "AccessDeniedException",
        denied("kms:RotateKeyOnDemand"),
    );
    let first = current_material(&kms, &id).await;
    advance_clock(&server, "366d").await;
    assert_ne!(current_material(&kms, &id).await, first);
    // Secrets Manager keeps reading values sealed under the old material.
    let value = sm
        .get_secret_value()
        .secret_id("before-rotation")
        .send()
        .await
        .unwrap();
    assert_eq!(value.secret_string(), Some("old material"));
}

#[tokio::test]
async fn a_key_overdue_by_many_periods_rotates_once() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    kms.enable_key_rotation()
        .key_id(&id)
        .rotation_period_in_days(90)
        .send()
        .await
        .unwrap();
    let first = current_material(&kms, &id).await;

    let moved = advance_clock(&server, "3650d").await;
    let now = time::OffsetDateTime::parse(
        moved["now"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp();
    let rotations = kms.list_key_rotations().key_id(&id).send().await.unwrap();
    assert_eq!(rotations.rotations().len(), 1);
    assert_ne!(current_material(&kms, &id).await, first);
    let status = kms
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    let next = status.next_rotation_date().unwrap().secs();
    assert!((next - (now + 90 * 86_400)).abs() <= 5, "{next} vs {now}");
}
