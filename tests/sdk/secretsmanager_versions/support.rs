//! Helpers for the version tests: readable version ids and label snapshots.

use aws_sdk_secretsmanager::Client;

/// A valid ClientRequestToken / VersionId (32+ characters) that starts with `name`.
pub fn tok(name: &str) -> String {
    format!("{name}-{}", "0".repeat(32))
}

/// Creates a string secret whose first version id is `tok("v1")`; returns its ARN.
pub async fn create(sm: &Client, name: &str, value: &str) -> String {
    sm.create_secret()
        .name(name)
        .secret_string(value)
        .client_request_token(tok("v1"))
        .send()
        .await
        .expect("CreateSecret")
        .arn
        .expect("ARN")
}

/// PutSecretValue of a string with token `tok(id)` and optional explicit labels.
pub async fn put(sm: &Client, secret: &str, id: &str, value: &str, stages: Option<&[&str]>) {
    sm.put_secret_value()
        .secret_id(secret)
        .client_request_token(tok(id))
        .secret_string(value)
        .set_version_stages(stages.map(|s| s.iter().map(|l| (*l).to_owned()).collect()))
        .send()
        .await
        .expect("PutSecretValue");
}

/// UpdateSecretVersionStage with short version names.
pub async fn move_stage(
    sm: &Client,
    secret: &str,
    label: &str,
    remove: Option<&str>,
    move_to: Option<&str>,
) {
    sm.update_secret_version_stage()
        .secret_id(secret)
        .version_stage(label)
        .set_remove_from_version_id(remove.map(tok))
        .set_move_to_version_id(move_to.map(tok))
        .send()
        .await
        .expect("UpdateSecretVersionStage");
}

/// Every version (deprecated included) as (short name, sorted labels), in listing order.
pub async fn state(sm: &Client, secret: &str) -> Vec<(String, Vec<String>)> {
    let listed = sm
        .list_secret_version_ids()
        .secret_id(secret)
        .include_deprecated(true)
        .send()
        .await
        .expect("ListSecretVersionIds");
    listed
        .versions()
        .iter()
        .map(|v| {
            let id = v.version_id().unwrap_or_default();
            let short = id.split('-').next().unwrap_or(id).to_owned();
            let mut stages = v.version_stages().to_vec();
            stages.sort();
            (short, stages)
        })
        .collect()
}

/// `expected` in the shape of [`state`].
pub fn expect(expected: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    expected
        .iter()
        .map(|(id, stages)| {
            let mut stages: Vec<String> = stages.iter().map(|s| (*s).to_owned()).collect();
            stages.sort();
            ((*id).to_owned(), stages)
        })
        .collect()
}

/// The string value GetSecretValue() returns (AWSCURRENT) and its version's short name.
pub async fn current(sm: &Client, secret: &str) -> (String, String) {
    let got = sm
        .get_secret_value()
        .secret_id(secret)
        .send()
        .await
        .expect("GetSecretValue");
    let id = got.version_id().unwrap_or_default();
    let short = id.split('-').next().unwrap_or(id).to_owned();
    (short, got.secret_string().unwrap_or_default().to_owned())
}
