//! A one-screen summary of a race: per call kind, how many succeeded, how many failed with
//! which error, and the mean latency, so a run shows what it exercised.

use std::collections::BTreeMap;

use super::history::{Call, History, Outcome};

fn kind(call: &Call) -> &'static str {
    match call {
        Call::CreateSecret { .. } => "CreateSecret",
        Call::PutValue { stages: None, .. } => "PutSecretValue",
        Call::PutValue { .. } => "PutSecretValue+VersionStages",
        Call::UpdateStage { move_to: None, .. } => "UpdateSecretVersionStage(remove)",
        Call::UpdateStage { .. } => "UpdateSecretVersionStage(move)",
        Call::DeleteSecret { .. } => "DeleteSecret",
        Call::RestoreSecret { .. } => "RestoreSecret",
        Call::GetValue { .. } => "GetSecretValue",
        Call::Describe { .. } => "DescribeSecret",
        Call::ListVersions { .. } => "ListSecretVersionIds",
        Call::CreateKey { .. } => "CreateKey",
        Call::EnableKey { .. } => "EnableKey",
        Call::DisableKey { .. } => "DisableKey",
        Call::ScheduleKeyDeletion { .. } => "ScheduleKeyDeletion",
        Call::CancelKeyDeletion { .. } => "CancelKeyDeletion",
        Call::RotateKey { .. } => "RotateKeyOnDemand",
        Call::Encrypt { .. } => "Encrypt",
        Call::GenerateDataKey { .. } => "GenerateDataKey",
        Call::Decrypt { .. } => "Decrypt",
    }
}

/// One line per call kind: `name: N ok, M ErrorCode, ... (mean X ms)`.
pub fn summarize(history: &History) -> String {
    let mut by_kind: BTreeMap<&str, (BTreeMap<String, usize>, u64, u64)> = BTreeMap::new();
    for event in &history.events {
        let (outcomes, total_ns, answered) = by_kind.entry(kind(&event.call)).or_default();
        let outcome = match &event.outcome {
            Outcome::Ok(_) => "ok".to_owned(),
            Outcome::Failed { code, .. } => code.clone(),
            Outcome::NoAnswer(_) => "no answer".to_owned(),
        };
        *outcomes.entry(outcome).or_default() += 1;
        if event.returned != super::history::NEVER {
            *total_ns += event.returned - event.invoked;
            *answered += 1;
        }
    }
    by_kind
        .iter()
        .map(|(kind, (outcomes, total_ns, answered))| {
            let counts: Vec<String> = outcomes.iter().map(|(o, n)| format!("{n} {o}")).collect();
            let mean_ms = *total_ns as f64 / (*answered).max(1) as f64 / 1e6;
            format!("  {kind}: {} (mean {mean_ms:.1} ms)", counts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
