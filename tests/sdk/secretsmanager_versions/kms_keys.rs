//! UpdateSecret with KmsKeyId: labelled versions are re-encrypted under the new key with no
//! new version, reads stay transparent, and `""` returns to the AWS managed key.

use lockbox::kms::KmsCaller;

use super::support::{create, expect, put, state, tok};
use crate::common::{assert_error, client, start};

async fn key_ids(sm: &aws_sdk_secretsmanager::Client, secret: &str) -> Vec<Vec<String>> {
    let listed = sm
        .list_secret_version_ids()
        .secret_id(secret)
        .include_deprecated(true)
        .send()
        .await
        .unwrap();
    listed
        .versions()
        .iter()
        .map(|v| v.kms_key_ids().to_vec())
        .collect()
}

async fn value_of(sm: &aws_sdk_secretsmanager::Client, secret: &str, id: &str) -> String {
    let got = sm
        .get_secret_value()
        .secret_id(secret)
        .version_id(tok(id))
        .send()
        .await
        .unwrap();
    got.secret_string().unwrap().to_owned()
}

#[tokio::test]
async fn changing_the_key_re_encrypts_labelled_versions_transparently() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "k", "one").await;
    let account = arn.split(':').nth(4).unwrap().to_owned();
    let caller = KmsCaller {
        account: &account,
        region: "us-east-1",
        now: time::OffsetDateTime::now_utc(),
    };
    let key_arn = server.state().kms.create_customer_key(caller).unwrap();
    let key_id = key_arn.rsplit('/').next().unwrap().to_owned();
    for v in ["v2", "v3"] {
        put(&sm, "k", v, v, None).await;
    }
    put(&sm, "k", "v4", "v4", Some(&["AWSPENDING"])).await;
    let default = vec!["DefaultEncryptionKey".to_owned()];

    let updated = sm
        .update_secret()
        .secret_id("k")
        .kms_key_id(&key_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.version_id(),
        None,
        "a key change creates no version"
    );
    let described = sm.describe_secret().secret_id("k").send().await.unwrap();
    assert_eq!(described.kms_key_id(), Some(key_id.as_str()));
    // v1 is deprecated and keeps its old key; the labelled ones moved to the new key.
    assert_eq!(
        key_ids(&sm, "k").await,
        [
            default.clone(),
            vec![key_id.clone()],
            vec![key_id.clone()],
            vec![key_id.clone()]
        ]
    );
    for v in ["v1", "v2", "v3", "v4"] {
        let expected = if v == "v1" { "one" } else { v };
        assert_eq!(value_of(&sm, "k", v).await, expected);
    }
    assert_eq!(
        state(&sm, "k").await,
        expect(&[
            ("v1", &[]),
            ("v2", &["AWSPREVIOUS"]),
            ("v3", &["AWSCURRENT"]),
            ("v4", &["AWSPENDING"])
        ])
    );

    // New versions use the new key.
    put(&sm, "k", "v5", "v5", None).await;
    assert_eq!(key_ids(&sm, "k").await[4], std::slice::from_ref(&key_id));

    // "" goes back to the AWS managed key (KmsKeyId no longer described).
    sm.update_secret()
        .secret_id("k")
        .kms_key_id("")
        .send()
        .await
        .unwrap();
    let described = sm.describe_secret().secret_id("k").send().await.unwrap();
    assert_eq!(described.kms_key_id(), None);
    let ids = key_ids(&sm, "k").await;
    assert_eq!(
        ids[1],
        vec![key_id.clone()],
        "v2 is deprecated now and stays as it was"
    );
    assert_eq!(ids[2], default, "AWSPREVIOUS re-encrypted");
    assert_eq!(ids[3], default, "AWSPENDING re-encrypted");
    assert_eq!(ids[4], default, "AWSCURRENT re-encrypted");
    for v in ["v2", "v3", "v4", "v5"] {
        assert_eq!(value_of(&sm, "k", v).await, v);
    }
}

#[tokio::test]
async fn keys_can_be_named_by_alias_and_unknown_keys_are_refused() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "ka", "one").await;
    let account = arn.split(':').nth(4).unwrap().to_owned();
    let caller = KmsCaller {
        account: &account,
        region: "us-east-1",
        now: time::OffsetDateTime::now_utc(),
    };
    let key_arn = server.state().kms.create_customer_key(caller).unwrap();
    let key_id = key_arn.rsplit('/').next().unwrap().to_owned();
    server
        .state()
        .kms
        .create_alias(caller, "alias/app", &key_id)
        .unwrap();
    sm.update_secret()
        .secret_id("ka")
        .kms_key_id("alias/app")
        .secret_string("two")
        .client_request_token(tok("v2"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        key_ids(&sm, "ka").await,
        [vec![key_id.clone()], vec![key_id.clone()]]
    );
    assert_eq!(value_of(&sm, "ka", "v1").await, "one");
    assert_eq!(value_of(&sm, "ka", "v2").await, "two");

    let missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_error(
        sm.update_secret()
            .secret_id("ka")
            .kms_key_id(missing)
            .send()
            .await,
        "EncryptionFailure",
        format!(
            "Secrets Manager can't encrypt the secret value: Key 'arn:aws:kms:us-east-1:{account}:key/{missing}' does not exist"
        ),
    );
    let described = sm.describe_secret().secret_id("ka").send().await.unwrap();
    assert_eq!(
        described.kms_key_id(),
        Some("alias/app"),
        "a refused update changes nothing"
    );
}
