//! Deleting multi-Region keys: a primary with replicas waits in `PendingReplicaDeletion`
//! until its last replica is deleted, then counts its own window; replicas leave the set
//! when they are deleted; cancelling works from either state.
#![allow(clippy::unwrap_used)]

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::KeyState;

use super::support::{EAST, WEST, arn_in, describe, kms_in, new_primary, replicate, roles};
use crate::common::{advance_clock, assert_error, error_of, start};

#[tokio::test]
async fn a_primary_waits_for_its_replicas_to_be_deleted() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    let arn = arn_in(EAST, &id);
    replicate(&east, &id, WEST).await;

    let scheduled = east
        .schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(10)
        .send()
        .await
        .unwrap();
    assert_eq!(
        scheduled.key_state(),
        Some(&KeyState::PendingReplicaDeletion)
    );
    assert_eq!(scheduled.pending_window_in_days(), Some(10));
    assert!(scheduled.deletion_date().is_none());
    let meta = describe(&east, &id).await;
    assert_eq!(meta.key_state(), Some(&KeyState::PendingReplicaDeletion));
    assert_eq!(meta.pending_deletion_window_in_days(), Some(10));
    assert!(meta.deletion_date().is_none());
    assert!(!meta.enabled());
    assert_error(
        east.encrypt()
            .key_id(&id)
            .plaintext(Blob::new("x"))
            .send()
            .await,
        "KMSInvalidStateException",
        format!("{arn} is pending replica deletion."),
    );
    assert_error(
        east.enable_key().key_id(&id).send().await,
        "KMSInvalidStateException",
        format!("{arn} is pending replica deletion."),
    );
    // The replica keeps working meanwhile; the primary waits however long it takes.
    west.encrypt()
        .key_id(&id)
        .plaintext(Blob::new("x"))
        .send()
        .await
        .unwrap();
    advance_clock(&server, "60d").await;
    assert_eq!(
        describe(&east, &id).await.key_state(),
        Some(&KeyState::PendingReplicaDeletion)
    );

    // Cancelling from PendingReplicaDeletion leaves it Disabled; schedule again.
    east.cancel_key_deletion().key_id(&id).send().await.unwrap();
    let meta = describe(&east, &id).await;
    assert_eq!(meta.key_state(), Some(&KeyState::Disabled));
    assert!(meta.pending_deletion_window_in_days().is_none());
    east.schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(10)
        .send()
        .await
        .unwrap();

    // The replica goes after its own window; then the primary counts its ten days.
    let replica_gone = west
        .schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap()
        .deletion_date
        .unwrap();
    advance_clock(&server, "7d").await;
    assert_eq!(
        error_of(west.describe_key().key_id(&id).send().await).0,
        "NotFoundException"
    );
    let meta = describe(&east, &id).await;
    assert_eq!(meta.key_state(), Some(&KeyState::PendingDeletion));
    assert!(meta.pending_deletion_window_in_days().is_none());
    assert_eq!(
        meta.deletion_date().unwrap().secs(),
        replica_gone.secs() + 10 * 86_400
    );
    assert!(roles(&meta).2.is_empty());
    advance_clock(&server, "10d").await;
    assert_eq!(
        error_of(east.describe_key().key_id(&id).send().await).0,
        "NotFoundException"
    );
}

#[tokio::test]
async fn a_deleted_replica_leaves_the_set_and_its_region_can_be_replicated_again() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    replicate(&east, &id, WEST).await;
    west.schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    // A replica pending deletion still counts as the Region's replica.
    assert_error(
        east.replicate_key()
            .key_id(&id)
            .replica_region(WEST)
            .send()
            .await,
        "AlreadyExistsException",
        format!("{} already exists.", arn_in(WEST, &id)),
    );
    advance_clock(&server, "8d").await;
    assert!(roles(&describe(&east, &id).await).2.is_empty());
    let again = replicate(&east, &id, WEST).await;
    assert_eq!(again.key_state(), Some(&KeyState::Enabled));
    // A primary without replicas is scheduled as any key.
    let single = east.create_key().multi_region(true).send().await.unwrap();
    let scheduled = east
        .schedule_key_deletion()
        .key_id(single.key_metadata().unwrap().key_id())
        .send()
        .await
        .unwrap();
    assert_eq!(scheduled.key_state(), Some(&KeyState::PendingDeletion));
    assert!(scheduled.deletion_date().is_some());
}
