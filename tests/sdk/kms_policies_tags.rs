//! KMS key policies and tags through the official Rust SDK (aws-sdk-kms): GetKeyPolicy,
//! PutKeyPolicy, ListKeyPolicies, TagResource, UntagResource, ListResourceTags.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_kms::types::Tag;
use common::{assert_error, kms_client, start};

async fn new_key(kms: &aws_sdk_kms::Client) -> (String, String) {
    let created = kms.create_key().send().await.unwrap();
    let meta = created.key_metadata().unwrap();
    (meta.key_id().to_owned(), meta.arn().unwrap().to_owned())
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder()
        .tag_key(key)
        .tag_value(value)
        .build()
        .unwrap()
}

async fn tags_of(kms: &aws_sdk_kms::Client, id: &str) -> Vec<(String, String)> {
    let listed = kms.list_resource_tags().key_id(id).send().await.unwrap();
    listed
        .tags()
        .iter()
        .map(|t| (t.tag_key().to_owned(), t.tag_value().to_owned()))
        .collect()
}

const POLICY: &str = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

#[tokio::test]
async fn the_default_policy_is_returned_and_replaced_byte_for_byte() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let got = kms.get_key_policy().key_id(&id).send().await.unwrap();
    assert_eq!(got.policy_name(), Some("default"));
    assert_eq!(
        got.policy(),
        Some(
            "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::000000000000:root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}"
        )
    );
    let spaced = format!("  {POLICY}\n");
    kms.put_key_policy()
        .key_id(&arn)
        .policy(&spaced)
        .send()
        .await
        .unwrap();
    let got = kms
        .get_key_policy()
        .key_id(&arn)
        .policy_name("default")
        .send()
        .await
        .unwrap();
    assert_eq!(got.policy(), Some(spaced.as_str()));
    let names = kms.list_key_policies().key_id(&id).send().await.unwrap();
    assert_eq!(names.policy_names(), ["default"]);
    assert!(!names.truncated());

    // Policies work in every state, including pending deletion.
    kms.schedule_key_deletion()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    kms.put_key_policy()
        .key_id(&id)
        .policy(POLICY)
        .send()
        .await
        .unwrap();
    let got = kms.get_key_policy().key_id(&id).send().await.unwrap();
    assert_eq!(got.policy(), Some(POLICY));
}

#[tokio::test]
async fn bad_policies_and_policy_names_are_refused() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    // Lockbox's choice, as moto and LocalStack do: only `default` exists.
    assert_error(
        kms.get_key_policy()
            .key_id(&id)
            .policy_name("other")
            .send()
            .await,
        "NotFoundException",
        "No such policy exists",
    );
    assert_error(
        kms.put_key_policy()
            .key_id(&id)
            .policy_name("other")
            .policy(POLICY)
            .send()
            .await,
        "NotFoundException",
        "No such policy exists",
    );
    // Real KMS answered a non-JSON policy with no message (seen in a public log).
    for bad in ["not a policy", "{\"Version\":\"2012-10-17\"}"] {
        assert_error(
            kms.put_key_policy().key_id(&id).policy(bad).send().await,
            "MalformedPolicyDocumentException",
            "<no message>",
        );
    }
    assert_error(
        kms.put_key_policy()
            .key_id(&id)
            .policy(
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}",
            )
            .send()
            .await,
        "MalformedPolicyDocumentException",
        "Policy contains a statement with one or more invalid principals.",
    );
    assert_error(
        kms.create_key().policy("not a policy").send().await,
        "MalformedPolicyDocumentException",
        "<no message>",
    );
    let huge = format!(
        "{{\"Statement\":[{{\"Principal\":\"*\",\"Sid\":\"{}\"}}]}}",
        "x".repeat(32_768)
    );
    // Lockbox's wording: AWS's text for the 32 KB quota is not known.
    assert_error(
        kms.put_key_policy().key_id(&id).policy(huge).send().await,
        "LimitExceededException",
        "The key policy exceeds the maximum size of 32768 bytes.",
    );
    assert_error(
        kms.put_key_policy()
            .key_id(&id)
            .policy("caf\u{e9} \u{2603}")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'caf\u{e9} \u{2603}' at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    );
    assert_error(
        kms.get_key_policy()
            .key_id("alias/aws/secretsmanager")
            .send()
            .await,
        "NotFoundException",
        "Invalid keyId 'alias/aws/secretsmanager'",
    );
}

#[tokio::test]
async fn tags_are_upserted_removed_and_paged() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    kms.tag_resource()
        .key_id(&id)
        .tags(tag("team", "a"))
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap();
    kms.tag_resource()
        .key_id(&arn)
        .tags(tag("team", "b"))
        .send()
        .await
        .unwrap();
    // Lockbox's choice (AWS's order is not known): tags are listed by key.
    assert_eq!(
        tags_of(&kms, &id).await,
        [("env".into(), "dev".into()), ("team".into(), "b".into())]
    );
    kms.untag_resource()
        .key_id(&id)
        .tag_keys("env")
        .tag_keys("absent")
        .send()
        .await
        .unwrap();
    assert_eq!(tags_of(&kms, &id).await, [("team".into(), "b".into())]);

    let mut request = kms.tag_resource().key_id(&id);
    for i in 0..49 {
        request = request.tags(tag(&format!("k{i:02}"), "v"));
    }
    request.send().await.unwrap();
    let first = kms
        .list_resource_tags()
        .key_id(&id)
        .limit(30)
        .send()
        .await
        .unwrap();
    assert_eq!(first.tags().len(), 30);
    assert!(first.truncated());
    let rest = kms
        .list_resource_tags()
        .key_id(&id)
        .marker(first.next_marker().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.tags().len(), 20);
    assert!(!rest.truncated());
    assert_eq!(rest.next_marker(), None);

    // 50 tags exist: a new key is one too many, an existing one is still an update.
    assert_error(
        kms.tag_resource()
            .key_id(&id)
            .tags(tag("new", "v"))
            .send()
            .await,
        "TagException",
        "Too many tags",
    );
    kms.tag_resource()
        .key_id(&id)
        .tags(tag("k00", "w"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn tagging_refuses_what_kms_refuses() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    assert_error(
        kms.tag_resource()
            .key_id(&id)
            .tags(tag("aws:x", "v"))
            .send()
            .await,
        "TagException",
        "Tags beginning with aws: are reserved",
    );
    assert_error(
        kms.tag_resource()
            .key_id(&id)
            .tags(tag("k", "1"))
            .tags(tag("k", "2"))
            .send()
            .await,
        "TagException",
        "Duplicate tag keys",
    );
    let long = "v".repeat(257);
    assert_error(
        kms.tag_resource()
            .key_id(&id)
            .tags(tag("k", &long))
            .send()
            .await,
        "ValidationException",
        format!(
            "1 validation error detected: Value '{long}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256"
        ),
    );
    assert_error(
        kms.list_resource_tags()
            .key_id(&id)
            .marker("junk")
            .send()
            .await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
    kms.tag_resource()
        .key_id(&id)
        .tags(tag("k", "v"))
        .send()
        .await
        .unwrap();
    kms.schedule_key_deletion()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    let pending = format!("{arn} is pending deletion.");
    assert_error(
        kms.tag_resource()
            .key_id(&id)
            .tags(tag("x", "v"))
            .send()
            .await,
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        kms.untag_resource().key_id(&id).tag_keys("k").send().await,
        "KMSInvalidStateException",
        &pending,
    );
    // Listing works in every state.
    assert_eq!(tags_of(&kms, &id).await, [("k".into(), "v".into())]);
}
