//! KMS grants through the official Rust SDK: CreateGrant (with name idempotency and
//! constraints), ListGrants (filters and paging), ListRetirableGrants, RetireGrant (by token
//! or by key and grant id) and RevokeGrant, with their errors.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{GrantConstraints, GrantOperation};
use common::{assert_error, kms_client, start};

const GRANTEE: &str = "arn:aws:iam::000000000000:role/app";
const DRY_RUN: &str = "The request would have succeeded, but the DryRun option is set.";

async fn new_key(kms: &aws_sdk_kms::Client) -> (String, String) {
    let created = kms.create_key().send().await.unwrap();
    let meta = created.key_metadata().unwrap();
    (meta.key_id().to_owned(), meta.arn().unwrap().to_owned())
}

async fn grant(kms: &aws_sdk_kms::Client, key: &str) -> (String, String) {
    let out = kms
        .create_grant()
        .key_id(key)
        .grantee_principal(GRANTEE)
        .operations(GrantOperation::Decrypt)
        .send()
        .await
        .unwrap();
    (
        out.grant_id().unwrap().to_owned(),
        out.grant_token().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_grant_is_created_and_listed_as_kms_shows_it() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let constraints = GrantConstraints::builder()
        .encryption_context_subset("Department", "IT")
        .build();
    let out = kms
        .create_grant()
        .key_id(&arn)
        .grantee_principal(GRANTEE)
        .retiring_principal("arn:aws:iam::000000000000:role/admin")
        .operations(GrantOperation::Encrypt)
        .operations(GrantOperation::Decrypt)
        .constraints(constraints.clone())
        .name("app-grant")
        .send()
        .await
        .unwrap();
    let grant_id = out.grant_id().unwrap().to_owned();
    assert_eq!(grant_id.len(), 64);
    assert!(
        grant_id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert!(!out.grant_token().unwrap().is_empty());

    let listed = kms.list_grants().key_id(&id).send().await.unwrap();
    assert!(!listed.truncated());
    assert!(listed.next_marker().is_none());
    let entry = &listed.grants()[0];
    assert_eq!(entry.key_id(), Some(arn.as_str()));
    assert_eq!(entry.grant_id(), Some(grant_id.as_str()));
    assert_eq!(entry.name(), Some("app-grant"));
    assert!(entry.creation_date().is_some());
    assert_eq!(entry.grantee_principal(), Some(GRANTEE));
    assert_eq!(
        entry.retiring_principal(),
        Some("arn:aws:iam::000000000000:role/admin")
    );
    assert_eq!(
        entry.issuing_account(),
        Some("arn:aws:iam::000000000000:root")
    );
    assert_eq!(
        entry.operations(),
        &[GrantOperation::Decrypt, GrantOperation::Encrypt]
    );
    assert_eq!(entry.constraints(), Some(&constraints));

    // A grant without name, retiring principal or constraints omits them.
    let (plain_id, _) = grant(&kms, &id).await;
    let only = kms
        .list_grants()
        .key_id(&id)
        .grant_id(&plain_id)
        .send()
        .await
        .unwrap();
    let only = &only.grants()[0];
    assert_eq!(only.grant_id(), Some(plain_id.as_str()));
    assert!(only.name().is_none() && only.retiring_principal().is_none());
    assert!(only.constraints().is_none());
}

#[tokio::test]
async fn a_named_grant_retried_with_the_same_terms_is_the_same_grant() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let create = |name: &'static str, op: GrantOperation| {
        kms.create_grant()
            .key_id(&id)
            .grantee_principal(GRANTEE)
            .operations(op)
            .name(name)
            .send()
    };
    let first = create("n", GrantOperation::Decrypt).await.unwrap();
    let again = create("n", GrantOperation::Decrypt).await.unwrap();
    assert_eq!(first.grant_id(), again.grant_id());
    assert_ne!(first.grant_token(), again.grant_token());
    let different = create("n", GrantOperation::Encrypt).await.unwrap();
    assert_ne!(first.grant_id(), different.grant_id());
    // Without a name every call makes a new grant.
    let (a, _) = grant(&kms, &id).await;
    let (b, _) = grant(&kms, &id).await;
    assert_ne!(a, b);
    let listed = kms.list_grants().key_id(&id).send().await.unwrap();
    assert_eq!(listed.grants().len(), 4);
    // Every token of the grant retires it.
    kms.retire_grant()
        .grant_token(first.grant_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_error(
        kms.retire_grant()
            .grant_token(again.grant_token().unwrap())
            .send()
            .await,
        "InvalidGrantTokenException",
        "Invalid grant token.",
    );
}

#[tokio::test]
async fn list_grants_filters_and_pages() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let (other_key, _) = new_key(&kms).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(grant(&kms, &id).await.0);
    }
    kms.create_grant()
        .key_id(&id)
        .grantee_principal("arn:aws:iam::000000000000:user/bob")
        .operations(GrantOperation::Encrypt)
        .send()
        .await
        .unwrap();
    grant(&kms, &other_key).await;

    let bob = kms
        .list_grants()
        .key_id(&id)
        .grantee_principal("arn:aws:iam::000000000000:user/bob")
        .send()
        .await
        .unwrap();
    assert_eq!(bob.grants().len(), 1);

    let first = kms.list_grants().key_id(&id).limit(2).send().await.unwrap();
    assert!(first.truncated());
    let seen: Vec<_> = first
        .grants()
        .iter()
        .map(|g| g.grant_id().unwrap())
        .collect();
    assert_eq!(seen, vec![ids[0].as_str(), ids[1].as_str()]);
    let rest = kms
        .list_grants()
        .key_id(&id)
        .limit(2)
        .marker(first.next_marker().unwrap())
        .send()
        .await
        .unwrap();
    assert!(!rest.truncated());
    assert_eq!(rest.grants().len(), 2);
    assert_eq!(rest.grants()[0].grant_id(), Some(ids[2].as_str()));

    // The paginator follows NextMarker/Truncated.
    let all: Vec<_> = kms
        .list_grants()
        .key_id(&id)
        .limit(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);

    // Lockbox's wording (AWS's is not known).
    assert_error(
        kms.list_grants()
            .key_id(&id)
            .grant_id("missing")
            .send()
            .await,
        "InvalidGrantIdException",
        "Invalid grant ID 'missing'",
    );
    assert_error(
        kms.list_grants()
            .key_id(&other_key)
            .grant_id(&ids[0])
            .send()
            .await,
        "InvalidGrantIdException",
        format!("Invalid grant ID '{}'", ids[0]),
    );
    assert_error(
        kms.list_grants().key_id(&id).marker("bogus").send().await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
    assert_error(
        kms.list_grants().key_id(&id).limit(101).send().await,
        "ValidationException",
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
}

#[tokio::test]
async fn retirable_grants_are_listed_across_the_accounts_keys() {
    let server = start().await;
    let kms = kms_client(&server);
    const RETIRER: &str = "arn:aws:iam::000000000000:role/retirer";
    let mut expected = Vec::new();
    for _ in 0..2 {
        let (id, arn) = new_key(&kms).await;
        let out = kms
            .create_grant()
            .key_id(&id)
            .grantee_principal(GRANTEE)
            .retiring_principal(RETIRER)
            .operations(GrantOperation::Decrypt)
            .send()
            .await
            .unwrap();
        expected.push((arn, out.grant_id().unwrap().to_owned()));
        grant(&kms, &id).await; // no retiring principal: not listed
    }
    expected.sort();
    let all = kms
        .list_retirable_grants()
        .retiring_principal(RETIRER)
        .send()
        .await
        .unwrap();
    assert!(!all.truncated());
    assert!(all.next_marker().is_none());
    let mut listed: Vec<(String, String)> = all
        .grants()
        .iter()
        .map(|g| {
            assert_eq!(g.retiring_principal(), Some(RETIRER));
            assert_eq!(g.grantee_principal(), Some(GRANTEE));
            assert_eq!(g.issuing_account(), Some("arn:aws:iam::000000000000:root"));
            (
                g.key_id().unwrap().to_owned(),
                g.grant_id().unwrap().to_owned(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(listed, expected);

    let first = kms
        .list_retirable_grants()
        .retiring_principal(RETIRER)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert!(first.truncated());
    let second = kms
        .list_retirable_grants()
        .retiring_principal(RETIRER)
        .limit(1)
        .marker(first.next_marker().unwrap())
        .send()
        .await
        .unwrap();
    assert!(!second.truncated());
    assert_ne!(first.grants()[0].grant_id(), second.grants()[0].grant_id());

    let nobody = kms
        .list_retirable_grants()
        .retiring_principal("arn:aws:iam::000000000000:role/nobody")
        .send()
        .await
        .unwrap();
    assert!(nobody.grants().is_empty());
    assert_error(
        kms.list_retirable_grants()
            .retiring_principal(RETIRER)
            .marker("bogus")
            .send()
            .await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
    assert_error(
        kms.list_retirable_grants()
            .retiring_principal("not a principal")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'not a principal' at 'retiringPrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$",
    );
}

#[tokio::test]
async fn grants_are_retired_and_revoked() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let (by_token, token) = grant(&kms, &id).await;
    let (by_ids, _) = grant(&kms, &id).await;
    let (revoked, _) = grant(&kms, &id).await;

    assert_error(
        kms.retire_grant()
            .grant_token(&token)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        DRY_RUN,
    );
    kms.retire_grant().grant_token(&token).send().await.unwrap();
    kms.retire_grant()
        .key_id(&arn)
        .grant_id(&by_ids)
        .send()
        .await
        .unwrap();
    assert_error(
        kms.revoke_grant()
            .key_id(&id)
            .grant_id(&revoked)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        DRY_RUN,
    );
    kms.revoke_grant()
        .key_id(&id)
        .grant_id(&revoked)
        .send()
        .await
        .unwrap();
    let listed = kms.list_grants().key_id(&id).send().await.unwrap();
    assert!(listed.grants().is_empty());

    for gone in [&by_token, &by_ids, &revoked] {
        assert_error(
            kms.revoke_grant().key_id(&id).grant_id(gone).send().await,
            "InvalidGrantIdException",
            format!("Invalid grant ID '{gone}'"),
        );
    }
    assert_error(
        kms.retire_grant()
            .key_id(&arn)
            .grant_id(&by_ids)
            .send()
            .await,
        "InvalidGrantIdException",
        format!("Invalid grant ID '{by_ids}'"),
    );
    assert_error(
        kms.retire_grant().grant_token(&token).send().await,
        "InvalidGrantTokenException",
        "Invalid grant token.",
    );
    assert_error(
        kms.retire_grant().grant_token("not-a-token").send().await,
        "InvalidGrantTokenException",
        "Invalid grant token.",
    );
    // LocalStack's wording (AWS's is not known) when neither a token nor key and grant id are
    // given.
    assert_error(
        kms.retire_grant().grant_id(&by_ids).send().await,
        "ValidationException",
        "Grant token OR (grant ID, key ID) must be specified",
    );
}

#[tokio::test]
async fn create_grant_validates_like_kms() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    assert_error(
        kms.create_grant()
            .key_id(&id)
            .grantee_principal("has space")
            .operations(GrantOperation::Decrypt)
            .send()
            .await,
        "ValidationException",
        r"1 validation error detected: Value 'has space' at 'granteePrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\w+=,.@:/-]+$",
    );
    assert_error(
        kms.create_grant()
            .key_id(&id)
            .grantee_principal(GRANTEE)
            .operations(GrantOperation::Decrypt)
            .name("bad name")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
    assert_error(
        kms.create_grant()
            .key_id(&id)
            .grantee_principal(GRANTEE)
            .operations(GrantOperation::from("Fly"))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value '[Fly]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, VerifyMac, DeriveSharedSecret]]",
    );
    // Lockbox's wording (AWS's is not known) for operations a symmetric key cannot do.
    assert_error(
        kms.create_grant()
            .key_id(&id)
            .grantee_principal(GRANTEE)
            .operations(GrantOperation::Sign)
            .operations(GrantOperation::Decrypt)
            .send()
            .await,
        "ValidationException",
        "Grant operations [Sign] are not supported by a symmetric encryption KMS key.",
    );
    assert_error(
        kms.create_grant()
            .key_id("alias/aws/secretsmanager")
            .grantee_principal(GRANTEE)
            .operations(GrantOperation::Decrypt)
            .send()
            .await,
        "NotFoundException",
        "Invalid keyId 'alias/aws/secretsmanager'",
    );
    assert_error(
        kms.create_grant()
            .key_id(&id)
            .grantee_principal(GRANTEE)
            .operations(GrantOperation::Decrypt)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        DRY_RUN,
    );
    assert_error(
        kms.create_grant()
            .key_id(&id)
            .grantee_principal(GRANTEE)
            .operations(GrantOperation::Decrypt)
            .grant_tokens("forged")
            .send()
            .await,
        "InvalidGrantTokenException",
        "Invalid grant token.",
    );
    let listed = kms.list_grants().key_id(&id).send().await.unwrap();
    assert!(listed.grants().is_empty());
}

#[tokio::test]
async fn issued_grant_tokens_are_accepted_by_cryptographic_operations() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let (_, token) = grant(&kms, &id).await;
    let out = kms
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new("x"))
        .grant_tokens(&token)
        .send()
        .await
        .unwrap();
    let plain = kms
        .decrypt()
        .ciphertext_blob(out.ciphertext_blob.unwrap())
        .grant_tokens(token)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.plaintext().unwrap().as_ref(), b"x");
}
