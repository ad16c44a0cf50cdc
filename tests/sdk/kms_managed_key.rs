//! The AWS managed key `aws/secretsmanager` through the official Rust SDK (aws-sdk-kms):
//! callers may read it (DescribeKey, GetKeyPolicy, ListResourceTags, ListAliases) but every
//! change is AccessDenied, as its key policy makes it on AWS.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_kms::types::Tag;
use common::{assert_error, kms_client, start};

const ACCOUNT_ARN: &str = "arn:aws:kms:us-east-1:000000000000";

const POLICY: &str = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder()
        .tag_key(key)
        .tag_value(value)
        .build()
        .unwrap()
}

async fn new_key(kms: &aws_sdk_kms::Client) -> String {
    let created = kms.create_key().send().await.unwrap();
    created.key_metadata().unwrap().key_id().to_owned()
}

#[tokio::test]
async fn the_aws_managed_key_can_be_read_but_not_changed() {
    let server = start().await;
    let kms = kms_client(&server);
    let described = kms
        .describe_key()
        .key_id("alias/aws/secretsmanager")
        .send()
        .await
        .unwrap();
    let meta = described.key_metadata().unwrap();
    let id = meta.key_id().to_owned();
    let arn = meta.arn().unwrap().to_owned();
    // Lockbox's choice (AWS's text is not recorded): the denial AWS's key policy evaluation
    // would give a root caller.
    let denied = |action: &str| {
        format!(
            "User: arn:aws:iam::000000000000:root is not authorized to perform: kms:{action} on resource: {arn} because no resource-based policy allows the kms:{action} action"
        )
    };
    let code = "AccessDeniedException";
    assert_error(
        kms.disable_key().key_id(&id).send().await,
        code,
        denied("DisableKey"),
    );
    assert_error(
        kms.enable_key().key_id(&id).send().await,
        code,
        denied("EnableKey"),
    );
    assert_error(
        kms.schedule_key_deletion().key_id(&id).send().await,
        code,
        denied("ScheduleKeyDeletion"),
    );
    assert_error(
        kms.cancel_key_deletion().key_id(&id).send().await,
        code,
        denied("CancelKeyDeletion"),
    );
    assert_error(
        kms.update_key_description()
            .key_id(&id)
            .description("x")
            .send()
            .await,
        code,
        denied("UpdateKeyDescription"),
    );
    assert_error(
        kms.put_key_policy().key_id(&id).policy(POLICY).send().await,
        code,
        denied("PutKeyPolicy"),
    );
    assert_error(
        kms.tag_resource()
            .key_id(&id)
            .tags(tag("k", "v"))
            .send()
            .await,
        code,
        denied("TagResource"),
    );
    assert_error(
        kms.untag_resource().key_id(&id).tag_keys("k").send().await,
        code,
        denied("UntagResource"),
    );
    assert_error(
        kms.create_alias()
            .alias_name("alias/mine")
            .target_key_id(&id)
            .send()
            .await,
        code,
        denied("CreateAlias"),
    );
    let own = new_key(&kms).await;
    kms.create_alias()
        .alias_name("alias/mine")
        .target_key_id(&own)
        .send()
        .await
        .unwrap();
    assert_error(
        kms.update_alias()
            .alias_name("alias/mine")
            .target_key_id(&id)
            .send()
            .await,
        code,
        denied("UpdateAlias"),
    );

    // Reading works.
    let policy = kms.get_key_policy().key_id(&id).send().await.unwrap();
    assert!(policy.policy().unwrap().contains("auto-secretsmanager-2"));
    assert!(
        kms.list_resource_tags()
            .key_id(&id)
            .send()
            .await
            .unwrap()
            .tags()
            .is_empty()
    );
    let aliases = kms.list_aliases().key_id(&arn).send().await.unwrap();
    assert_eq!(aliases.aliases().len(), 1);
    assert_eq!(
        aliases.aliases()[0].alias_arn(),
        Some(format!("{ACCOUNT_ARN}:alias/aws/secretsmanager").as_str())
    );
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    assert!(described.key_metadata().unwrap().enabled());
}
