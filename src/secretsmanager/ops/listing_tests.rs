//! Unit tests of ListSecrets, BatchGetSecretValue and Tag/UntagResource on states the public
//! API of this branch cannot reach yet: secrets scheduled for deletion (DeleteSecret is built
//! elsewhere) and values KMS can no longer decrypt. The state is set through the crate's
//! internal API; everything else is exercised through the SDK in `tests/secretsmanager_*.rs`.

use std::sync::Arc;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::super::SecretsManager;
use super::super::model::CreateSecretInput;
use super::batch_get_secret_value::BatchGetSecretValueInput;
use super::list_secrets::ListSecretsInput;
use super::tag_resource::{TagResourceInput, UntagResourceInput};
use super::{batch_get_secret_value, create_secret, list_secrets, tag_resource, untag_resource};
use crate::api::ctx::RequestCtx;
use crate::api::json::{SecretText, decode};
use crate::kms::LocalKms;

fn ctx() -> RequestCtx {
    ctx_at(OffsetDateTime::now_utc())
}

/// A request of the root user of account 111111111111 in us-east-1, served at `now`.
pub(super) fn ctx_at(now: OffsetDateTime) -> RequestCtx {
    RequestCtx::for_tests(now)
}

fn service_with(names: &[&str]) -> SecretsManager {
    let sm = SecretsManager::new(
        Arc::new(LocalKms::new()),
        Arc::new(crate::audit::AuditLog::new()),
    );
    for name in names {
        let input: CreateSecretInput = decode(
            json!({"Name": name, "ClientRequestToken": format!("{name:0<32}")})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        let input = CreateSecretInput {
            secret_string: Some(SecretText::new(format!("value of {name}"))),
            ..input
        };
        create_secret(&sm, &ctx(), input).unwrap();
    }
    sm
}

fn schedule_deletion(sm: &SecretsManager, name: &str) -> OffsetDateTime {
    let at = OffsetDateTime::now_utc();
    sm.write_table(&ctx(), |secrets| {
        secrets.get_mut(name).unwrap().deleted = Some(at);
        Ok(())
    })
    .unwrap();
    at
}

fn list(sm: &SecretsManager, body: Value) -> Value {
    let input: ListSecretsInput = decode(body.to_string().as_bytes()).unwrap();
    serde_json::to_value(list_secrets(sm, &ctx(), input).unwrap()).unwrap()
}

fn batch(sm: &SecretsManager, body: Value) -> Value {
    let input: BatchGetSecretValueInput = decode(body.to_string().as_bytes()).unwrap();
    serde_json::to_value(batch_get_secret_value(sm, &ctx(), input).unwrap()).unwrap()
}

fn names(listed: &Value) -> Vec<&str> {
    listed["SecretList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["Name"].as_str().unwrap())
        .collect()
}

#[test]
fn planned_deletions_are_listed_only_on_request_and_show_deleted_date() {
    let sm = service_with(&["kept", "going"]);
    let deleted_at = schedule_deletion(&sm, "going");

    assert_eq!(names(&list(&sm, json!({}))), ["kept"]);
    let both = list(&sm, json!({"IncludePlannedDeletion": true}));
    assert_eq!(names(&both), ["kept", "going"]);
    let entries = both["SecretList"].as_array().unwrap();
    assert!(entries[0].get("DeletedDate").is_none());
    let shown = entries[1]["DeletedDate"].as_f64().unwrap();
    let expected = (deleted_at.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0;
    assert!((shown - expected).abs() < 1e-6, "{shown} vs {expected}");
    // Filters still apply to planned deletions.
    let filtered = list(
        &sm,
        json!({"IncludePlannedDeletion": true, "Filters": [{"Key": "name", "Values": ["go"]}]}),
    );
    assert_eq!(names(&filtered), ["going"]);
}

#[test]
fn batch_reports_planned_deletions_per_secret_or_skips_them_with_filters() {
    let sm = service_with(&["kept", "going"]);
    schedule_deletion(&sm, "going");

    let by_list = batch(&sm, json!({"SecretIdList": ["kept", "going"]}));
    assert_eq!(by_list["SecretValues"][0]["Name"], "kept");
    assert_eq!(
        by_list["Errors"],
        json!([{
            "SecretId": "going",
            "ErrorCode": "InvalidRequestException",
            "Message": "You can't perform this operation on the secret because it was marked for deletion."
        }])
    );
    let by_filter = batch(&sm, json!({"Filters": [{"Key": "name", "Values": [""]}]}));
    let listed: Vec<_> = by_filter["SecretValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["Name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["kept"]);
    assert_eq!(by_filter["Errors"], json!([]));
}

#[test]
fn batch_reports_decryption_failures_per_secret() {
    let sm = service_with(&["fine", "broken"]);
    sm.write_table(&ctx(), |secrets| {
        let secret = secrets.get_mut("broken").unwrap();
        let sealed = secret.versions[0].value.as_mut().unwrap();
        let last = sealed.ciphertext.len() - 1;
        sealed.ciphertext[last] ^= 1;
        Ok(())
    })
    .unwrap();
    let out = batch(&sm, json!({"SecretIdList": ["broken", "fine"]}));
    assert_eq!(out["SecretValues"][0]["SecretString"], "value of fine");
    assert_eq!(
        out["Errors"],
        json!([{
            "SecretId": "broken",
            "ErrorCode": "DecryptionFailure",
            "Message": "Secrets Manager can't decrypt the protected secret text using the provided KMS key."
        }])
    );
}

#[test]
fn tags_cannot_change_on_a_planned_deletion() {
    let sm = service_with(&["going"]);
    schedule_deletion(&sm, "going");
    let tag: TagResourceInput =
        decode(br#"{"SecretId": "going", "Tags": [{"Key": "k", "Value": "v"}]}"#).unwrap();
    let untag: UntagResourceInput = decode(br#"{"SecretId": "going", "TagKeys": ["k"]}"#).unwrap();
    let marked = super::super::error::SmError::InvalidRequest(
        "You can't perform this operation on the secret because it was marked for deletion.".into(),
    );
    assert_eq!(tag_resource(&sm, &ctx(), tag).unwrap_err(), marked);
    assert_eq!(untag_resource(&sm, &ctx(), untag).unwrap_err(), marked);
}

#[test]
fn a_short_scan_budget_gives_short_pages_that_still_reach_everything() {
    use super::super::filter::SecretFilters;
    use super::super::listing::{SortBy, Walk, page};

    let names_in: Vec<String> = (0..30).map(|i| format!("s{i:02}")).collect();
    let refs: Vec<&str> = names_in.iter().map(String::as_str).collect();
    let sm = service_with(&refs);
    // Only every tenth secret matches; a budget of 4 forces pages with no match at all.
    let filters = SecretFilters::parse(Some(
        &decode::<super::super::model::Filter>(br#"{"Key": "name", "Values": ["s0", "s2"]}"#)
            .map(|f| vec![f])
            .unwrap(),
    ))
    .unwrap();
    let walk = Walk {
        sort_by: SortBy::Name,
        descending: false,
        include_planned_deletion: false,
        filters: &filters,
        max_results: 3,
        budget: 4,
    };
    let table = sm.table(&ctx());
    let secrets = table.read();
    let mut cursor = None;
    let mut seen = Vec::new();
    let mut empty_pages_with_token = 0;
    loop {
        let result = page(&secrets, &walk, cursor.as_ref());
        assert!(result.secrets.len() <= 3);
        if result.secrets.is_empty() && result.next.is_some() {
            empty_pages_with_token += 1;
        }
        seen.extend(result.secrets.iter().map(|s| s.name.clone()));
        match result.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..10).chain(20..30).map(|i| format!("s{i:02}")).collect();
    assert_eq!(seen, expected);
    assert!(empty_pages_with_token > 0);
}

#[test]
fn pages_stay_exact_while_other_threads_create_and_delete() {
    use super::super::filter::SecretFilters;
    use super::super::listing::{SCAN_BUDGET, SortBy, Walk, page};
    use std::sync::atomic::{AtomicBool, Ordering};

    let stable: Vec<String> = (0..40).map(|i| format!("stable-{i:02}")).collect();
    let churn: Vec<String> = (0..40).map(|i| format!("churn-{i:02}")).collect();
    let all: Vec<&str> = stable
        .iter()
        .zip(&churn)
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let sm = Arc::new(service_with(&all));
    let done = Arc::new(AtomicBool::new(false));

    // The churn is bounded: each new secret lands at the end of the ascending walks, so an
    // unbounded churner that outruns a starved reader (a loaded machine) would keep the walk
    // from ever reaching its end.
    const MAX_ROUNDS: usize = 500;
    let churner = {
        let (sm, done, churn) = (Arc::clone(&sm), Arc::clone(&done), churn.clone());
        std::thread::spawn(move || {
            let mut round = 0;
            while !done.load(Ordering::Acquire) && round < MAX_ROUNDS {
                if let Some(name) = churn.get(round) {
                    sm.write_table(&ctx(), |secrets| {
                        secrets.remove(name);
                        Ok(())
                    })
                    .unwrap();
                }
                let name = format!("fresh-{round:04}");
                let input: CreateSecretInput =
                    decode(json!({"Name": name}).to_string().as_bytes()).unwrap();
                create_secret(&sm, &ctx(), input).unwrap();
                round += 1;
                std::thread::yield_now();
            }
        })
    };

    let filters = SecretFilters::default();
    for (sort_by, descending) in [
        (SortBy::CreatedDate, false),
        (SortBy::CreatedDate, true),
        (SortBy::Name, false),
        (SortBy::Name, true),
        (SortBy::LastChangedDate, false),
    ] {
        let walk = Walk {
            sort_by,
            descending,
            include_planned_deletion: false,
            filters: &filters,
            max_results: 3,
            budget: SCAN_BUDGET,
        };
        let mut cursor = None;
        let mut seen: Vec<String> = Vec::new();
        loop {
            let next = {
                let table = sm.table(&ctx());
                let secrets = table.read();
                let result = page(&secrets, &walk, cursor.as_ref());
                seen.extend(result.secrets.iter().map(|s| s.name.clone()));
                result.next
            };
            match next {
                Some(next) => cursor = Some(next),
                None => break,
            }
            std::thread::yield_now();
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            seen.len(),
            "duplicates in {sort_by:?}: {seen:?}"
        );
        for name in &stable {
            assert!(seen.contains(name), "{name} skipped in {sort_by:?}");
        }
    }
    done.store(true, Ordering::Release);
    churner.join().unwrap();
}
