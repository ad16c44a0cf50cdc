//! UpdatePrimaryRegion: the roles swap on every related key, the new primary manages the
//! set; and its refusals.
#![allow(clippy::unwrap_used)]

use aws_sdk_kms::types::MultiRegionKeyType;

use super::support::{EAST, EU, WEST, arn_in, describe, kms_in, new_primary, replicate, roles};
use crate::common::{assert_error, start};

#[tokio::test]
async fn update_primary_region_swaps_the_roles_everywhere() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let eu = kms_in(&server, EU);
    let id = new_primary(&east, None).await.key_id().to_owned();
    replicate(&east, &id, WEST).await;
    replicate(&east, &id, EU).await;
    east.update_primary_region()
        .key_id(&id)
        .primary_region(WEST)
        .send()
        .await
        .unwrap();
    for (kms, kind) in [
        (&east, MultiRegionKeyType::Replica),
        (&west, MultiRegionKeyType::Primary),
        (&eu, MultiRegionKeyType::Replica),
    ] {
        let (seen, primary, replicas) = roles(&describe(kms, &id).await);
        assert_eq!(seen, kind);
        assert_eq!(primary, WEST);
        assert_eq!(replicas, vec![EAST.to_owned(), EU.to_owned()]);
    }
    // The new primary manages the set; the old one is now a replica.
    west.rotate_key_on_demand()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        describe(&east, &id).await.current_key_material_id(),
        describe(&west, &id).await.current_key_material_id()
    );
    assert_error(
        east.replicate_key()
            .key_id(&id)
            .replica_region("ap-south-1")
            .send()
            .await,
        "UnsupportedOperationException",
        format!("{} is not a multi-Region primary key.", arn_in(EAST, &id)),
    );
    assert_error(
        east.update_primary_region()
            .key_id(&id)
            .primary_region(EU)
            .send()
            .await,
        "UnsupportedOperationException",
        format!("{} is not a multi-Region primary key.", arn_in(EAST, &id)),
    );
}

#[tokio::test]
async fn update_primary_region_refusals() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    let arn = arn_in(EAST, &id);
    assert_error(
        east.update_primary_region()
            .key_id(&id)
            .primary_region(WEST)
            .send()
            .await,
        "NotFoundException",
        format!("Key '{}' does not exist", arn_in(WEST, &id)),
    );
    assert_error(
        east.update_primary_region()
            .key_id(&id)
            .primary_region(EAST)
            .send()
            .await,
        "UnsupportedOperationException",
        format!("{arn} is already the primary key in {EAST}."),
    );
    assert_error(
        east.update_primary_region()
            .key_id(&id)
            .primary_region("nowhere")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'nowhere' at 'primaryRegion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$",
    );
    let single = east
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap();
    assert_error(
        east.update_primary_region()
            .key_id(single.key_id())
            .primary_region(WEST)
            .send()
            .await,
        "UnsupportedOperationException",
        format!("{} is not a multi-Region key.", single.arn().unwrap()),
    );
    replicate(&east, &id, WEST).await;
    west.schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    assert_error(
        east.update_primary_region()
            .key_id(&id)
            .primary_region(WEST)
            .send()
            .await,
        "KMSInvalidStateException",
        format!("{} is pending deletion.", arn_in(WEST, &id)),
    );
    east.disable_key().key_id(&id).send().await.unwrap();
    assert_error(
        east.update_primary_region()
            .key_id(&id)
            .primary_region(WEST)
            .send()
            .await,
        "DisabledException",
        format!("{arn} is disabled."),
    );
    // Nothing changed.
    assert_eq!(
        roles(&describe(&east, &id).await).0,
        MultiRegionKeyType::Primary
    );
}
