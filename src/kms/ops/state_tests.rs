//! The key-state table for the cryptographic, rotation and grant operations, driven
//! in-process (EnableKey/DisableKey/ScheduleKeyDeletion are served elsewhere): a disabled key
//! answers `DisabledException "<arn> is disabled."`, a key pending deletion
//! `KMSInvalidStateException "<arn> is pending deletion."`, and the listing, status and
//! grant-removal operations work in every state.
#![allow(clippy::unwrap_used)]

use serde_json::json;
use time::OffsetDateTime;

use super::super::keys::KeyState;
use super::super::{KmsCaller, LocalKms};
use crate::api::ctx::RequestCtx;
use crate::api::json::decode;

fn ctx() -> RequestCtx {
    RequestCtx::for_tests(OffsetDateTime::UNIX_EPOCH)
}

fn input<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    decode(value.to_string().as_bytes()).unwrap()
}

/// A key with a blob, a grant and rotation on, then put in `state`.
fn key_in(kms: &LocalKms, state: KeyState) -> (String, String, String, String) {
    let ctx = ctx();
    let arn = kms.create_customer_key(KmsCaller::from(&ctx)).unwrap();
    let id = arn.rsplit('/').next().unwrap().to_owned();
    let blob = super::encrypt(kms, &ctx, input(json!({"KeyId": id, "Plaintext": "eA=="}))).unwrap();
    let blob = serde_json::to_value(blob).unwrap()["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_owned();
    let grant = super::create_grant(
        kms,
        &ctx,
        input(json!({"KeyId": id, "GranteePrincipal": "p", "Operations": ["Decrypt"]})),
    )
    .unwrap();
    let grant = serde_json::to_value(grant).unwrap()["GrantId"]
        .as_str()
        .unwrap()
        .to_owned();
    super::enable_key_rotation(kms, &ctx, input(json!({"KeyId": id}))).unwrap();
    set_state(kms, &id, state);
    (id, arn, blob, grant)
}

/// Puts key `id` in `state` directly (as EnableKey/DisableKey/ScheduleKeyDeletion would).
fn set_state(kms: &LocalKms, id: &str, state: KeyState) {
    let ctx = ctx();
    let caller = KmsCaller::from(&ctx);
    let ring = kms.ring(caller);
    kms.write_ring(caller, &ring, |_, keys| {
        keys.get_mut(id).unwrap().state = state;
        Ok(())
    })
    .unwrap();
}

#[test]
fn disabled_and_pending_deletion_keys_refuse_use_with_kms_texts() {
    for (state, code, suffix) in [
        (KeyState::Disabled, "DisabledException", "is disabled."),
        (
            KeyState::PendingDeletion,
            "KMSInvalidStateException",
            "is pending deletion.",
        ),
    ] {
        let kms = LocalKms::new();
        let ctx = ctx();
        let (id, arn, blob, _) = key_in(&kms, state);
        let expected = (code, format!("{arn} {suffix}"));
        let check = |result: Result<(), crate::kms::KmsError>| {
            let error = result.unwrap_err();
            assert_eq!((error.code(), error.to_string()), expected);
        };
        check(
            super::encrypt(&kms, &ctx, input(json!({"KeyId": id, "Plaintext": "eA=="})))
                .map(|_| ()),
        );
        check(super::decrypt(&kms, &ctx, input(json!({"CiphertextBlob": blob}))).map(|_| ()));
        check(
            super::re_encrypt(
                &kms,
                &ctx,
                input(json!({"CiphertextBlob": blob, "DestinationKeyId": id})),
            )
            .map(|_| ()),
        );
        for op in [
            super::generate_data_key,
            super::generate_data_key_without_plaintext,
        ] {
            check(
                op(
                    &kms,
                    &ctx,
                    input(json!({"KeyId": id, "KeySpec": "AES_256"})),
                )
                .map(|_| ()),
            );
        }
        check(super::enable_key_rotation(
            &kms,
            &ctx,
            input(json!({"KeyId": id})),
        ));
        check(super::disable_key_rotation(
            &kms,
            &ctx,
            input(json!({"KeyId": id})),
        ));
        check(super::rotate_key_on_demand(&kms, &ctx, input(json!({"KeyId": id}))).map(|_| ()));
        check(
            super::create_grant(
                &kms,
                &ctx,
                input(json!({"KeyId": id, "GranteePrincipal": "p", "Operations": ["Decrypt"]})),
            )
            .map(|_| ()),
        );
    }
}

#[test]
fn status_listings_and_grant_removal_work_in_every_state() {
    for state in [KeyState::Disabled, KeyState::PendingDeletion] {
        let kms = LocalKms::new();
        let ctx = ctx();
        let (id, _, _, grant) = key_in(&kms, state);
        let status =
            super::get_key_rotation_status(&kms, &ctx, input(json!({"KeyId": id}))).unwrap();
        assert_eq!(
            serde_json::to_value(status).unwrap()["KeyRotationEnabled"],
            true
        );
        super::list_key_rotations(&kms, &ctx, input(json!({"KeyId": id}))).unwrap();
        super::list_grants(&kms, &ctx, input(json!({"KeyId": id}))).unwrap();
        super::revoke_grant(&kms, &ctx, input(json!({"KeyId": id, "GrantId": grant}))).unwrap();
    }
}

#[test]
fn a_key_disabled_when_rotation_falls_due_rotates_once_enabled_again() {
    let kms = LocalKms::new();
    let ctx = ctx();
    let (id, _, blob, _) = key_in(&kms, KeyState::Disabled);
    let later = OffsetDateTime::UNIX_EPOCH + time::Duration::days(400);
    kms.rotate_due_keys(later);
    let ring = kms.ring(KmsCaller::from(&ctx));
    assert_eq!(ring.keys()[&id].materials.len(), 1);
    set_state(&kms, &id, KeyState::Enabled);
    let even_later = later + time::Duration::days(1);
    kms.rotate_due_keys(even_later);
    let keys = ring.keys();
    assert_eq!(keys[&id].materials.len(), 2);
    assert_eq!(keys[&id].rotation.history[0].date, even_later);
    drop(keys);
    // The blob made before the rotation still opens.
    super::decrypt(&kms, &ctx, input(json!({"CiphertextBlob": blob}))).unwrap();
}
