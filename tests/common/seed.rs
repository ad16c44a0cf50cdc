//! Helpers of the seeding and export/import tests: the example seed, admin export/import
//! calls, and [`observe`], everything a client can see of the default partition's secrets.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_sdk_secretsmanager::primitives::Blob;
use lockbox::{Config, ServerHandle};

use super::{client, start_with};

pub const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docker/seed.example.yaml");
pub const APP_KEY: &str = "0b6d8a3e-1f2c-4d5e-8a9b-0c1d2e3f4a5b";
pub const RETIRED_KEY: &str = "5c3e2a1b-9d8f-4e7a-b6c5-d4e3f2a1b0c9";

pub async fn seeded(path: &str) -> ServerHandle {
    start_with(Config {
        seed: Some(PathBuf::from(path)),
        ..Config::for_tests()
    })
    .await
}

pub fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lockbox-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

pub async fn export(server: &ServerHandle, query: &str) -> String {
    let answer =
        super::admin::admin_call(server, "GET", &format!("/_lockbox/export{query}"), None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.text
}

pub async fn import(
    server: &ServerHandle,
    content_type: &str,
    body: String,
) -> (u16, serde_json::Value) {
    let answer = super::admin::admin_call_with(
        server,
        "POST",
        "/_lockbox/import",
        Some(&body),
        super::admin::AdminAuth::Keys("test", "test"),
        &[("content-type", content_type)],
    )
    .await;
    (answer.status, answer.json())
}

/// Value of one version: string, or binary bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Bytes(Vec<u8>),
}

/// Everything a client can observe of the secrets of the default partition.
#[derive(Debug, PartialEq, Eq)]
pub struct SecretView {
    pub arn: String,
    pub description: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub policy: Option<String>,
    pub versions: BTreeMap<String, (Vec<String>, Value)>,
}

pub async fn observe(server: &ServerHandle) -> BTreeMap<String, SecretView> {
    let sm = client(server);
    let listed = sm.list_secrets().send().await.unwrap();
    let mut out = BTreeMap::new();
    for entry in listed.secret_list() {
        let name = entry.name().unwrap().to_owned();
        let described = sm.describe_secret().secret_id(&name).send().await.unwrap();
        let policy = sm
            .get_resource_policy()
            .secret_id(&name)
            .send()
            .await
            .unwrap()
            .resource_policy()
            .map(str::to_owned);
        let mut versions = BTreeMap::new();
        let ids = sm
            .list_secret_version_ids()
            .secret_id(&name)
            .send()
            .await
            .unwrap();
        for version in ids.versions() {
            let id = version.version_id().unwrap().to_owned();
            let got = sm
                .get_secret_value()
                .secret_id(&name)
                .version_id(&id)
                .send()
                .await
                .unwrap();
            let value = match got.secret_string() {
                Some(text) => Value::Text(text.to_owned()),
                None => Value::Bytes(got.secret_binary().unwrap().as_ref().to_vec()),
            };
            let mut stages = version.version_stages().to_vec();
            stages.sort();
            versions.insert(id, (stages, value));
        }
        out.insert(
            name,
            SecretView {
                arn: described.arn().unwrap().to_owned(),
                description: described.description().map(str::to_owned),
                tags: described
                    .tags()
                    .iter()
                    .map(|t| (t.key().unwrap().to_owned(), t.value().unwrap().to_owned()))
                    .collect(),
                policy,
                versions,
            },
        );
    }
    out
}

/// A server with the example seed plus secrets made through the API (default key, a custom
/// label, an update), and a KMS ciphertext under the managed key's partition.
pub async fn busy_server() -> ServerHandle {
    let server = seeded(EXAMPLE).await;
    let sm = client(&server);
    sm.create_secret()
        .name("made/by-api")
        .secret_string("api-value-one")
        .tags(
            aws_sdk_secretsmanager::types::Tag::builder()
                .key("k")
                .value("v")
                .build(),
        )
        .send()
        .await
        .unwrap();
    sm.put_secret_value()
        .secret_id("made/by-api")
        .secret_string("api-value-two")
        .version_stages("AWSCURRENT")
        .send()
        .await
        .unwrap();
    sm.put_secret_value()
        .secret_id("made/by-api")
        .secret_binary(Blob::new(b"api-binary-three".to_vec()))
        .version_stages("CANARY")
        .send()
        .await
        .unwrap();
    server
}

pub const PLAINTEXTS: [&str; 6] = [
    "old-password",
    "current-password",
    "api-value-one",
    "api-value-two",
    "api-binary-three",
    "3q2+7w==",
];

pub fn base64_of(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = ((n >> (18 - 6 * i)) & 63) as usize;
                out.write_char(char::from(TABLE[index])).unwrap();
            } else {
                out.push('=');
            }
        }
    }
    out
}
