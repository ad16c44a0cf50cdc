//! The race: per round, fresh secrets (two under the AWS managed key, one under a fresh
//! customer key) and eight clients racing on them, then a settling phase that enables the
//! key, restores the secrets and reads back everything written or encrypted.
//!
//! Clients: two label movers (PutSecretValue with and without VersionStages,
//! UpdateSecretVersionStage with the RemoveFromVersionId they last saw, sometimes a stale one),
//! a manual rotator (AWSPENDING version, then AWSCURRENT moved onto it), a deleter
//! (DeleteSecret with a recovery window, RestoreSecret), two readers (GetSecretValue by
//! label or version, DescribeSecret, ListSecretVersionIds), a key administrator (DisableKey,
//! EnableKey, ScheduleKeyDeletion, CancelKeyDeletion, RotateKeyOnDemand) and a KMS user
//! (Encrypt, GenerateDataKey, Decrypt, and writes and reads of the secret under that key).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use rand::seq::IndexedRandom;

use super::client::RaceClient;
use super::history::{Call, History, Outcome, Recorder, Reply};
use super::secret_facts::{AWSCURRENT, AWSPENDING};

/// How big the race is: `LOCKBOX_HISTORY_ROUNDS` rounds (default 2) of
/// `LOCKBOX_HISTORY_OPS` calls per client (default 40, at most 150 so no secret reaches the
/// 100-version quota), choices seeded by `LOCKBOX_HISTORY_SEED` (default: random, printed).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub rounds: usize,
    pub ops_per_client: usize,
    pub seed: u64,
}

impl Settings {
    /// The settings from the environment.
    pub fn from_env() -> Settings {
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .map(|v| v.parse::<u64>().unwrap_or_else(|_| panic!("{name}={v}")))
                .unwrap_or(default)
        };
        Settings {
            rounds: usize::try_from(number("LOCKBOX_HISTORY_ROUNDS", 2)).expect("rounds"),
            ops_per_client: usize::try_from(number("LOCKBOX_HISTORY_OPS", 40).min(150))
                .expect("ops"),
            seed: number("LOCKBOX_HISTORY_SEED", rand::random()),
        }
    }
}

/// Labels the movers use besides AWSCURRENT.
const LABELS: [&str; 3] = [AWSPENDING, "A", "B"];

/// A KMS ciphertext with the encryption context it was made with.
type Sealed = (Vec<u8>, Vec<(String, String)>);

/// What the clients of one round share.
struct Round {
    secrets: Vec<String>,
    /// The secret under the customer key.
    keyed_secret: String,
    key: String,
    /// Versions each secret is known to have (acknowledged writes), by secret index.
    versions: Mutex<Vec<Vec<String>>>,
    /// Blobs KMS answered, with their encryption context.
    blobs: Mutex<Vec<Sealed>>,
    ops: usize,
}

impl Round {
    fn pick_secret(&self, client: &mut RaceClient) -> (usize, String) {
        let index = client.rng.random_range(0..self.secrets.len());
        (index, self.secrets[index].clone())
    }

    fn pick_version(&self, client: &mut RaceClient, secret: usize) -> Option<String> {
        let versions = self.versions.lock().expect("versions");
        versions[secret].choose(&mut client.rng).cloned()
    }

    fn blobs_known(&self, client: &mut RaceClient) -> Option<Sealed> {
        self.blobs
            .lock()
            .expect("blobs")
            .choose(&mut client.rng)
            .cloned()
    }

    fn note_blob(&self, outcome: &Outcome, context: Vec<(String, String)>) {
        if let Some(Reply::Ciphertext { blob, .. }) = outcome.reply() {
            self.blobs
                .lock()
                .expect("blobs")
                .push((blob.clone(), context));
        }
    }

    fn note_version(&self, secret: usize, outcome: &Outcome) {
        if let Some(Reply::Version { version_id, .. }) = outcome.reply() {
            self.versions.lock().expect("versions")[secret].push(version_id.clone());
        }
    }
}

fn token() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn pause(client: &mut RaceClient, max_micros: u64) {
    let micros = client.rng.random_range(0..=max_micros);
    tokio::time::sleep(Duration::from_micros(micros)).await;
}

/// Who holds `label` in a DescribeSecret answer.
fn holder(outcome: &Outcome, label: &str) -> Option<String> {
    let Some(Reply::Labels { versions, .. }) = outcome.reply() else {
        return None;
    };
    versions
        .iter()
        .find(|(_, stages)| stages.iter().any(|s| s == label))
        .map(|(id, _)| id.clone())
}

/// Runs the whole race against `server` and returns its history.
pub async fn race(server: &lockbox::ServerHandle, settings: Settings) -> History {
    let recorder = Arc::new(Recorder::new());
    for round in 0..settings.rounds {
        let seed = settings.seed.wrapping_add(round as u64 * 1000);
        run_round(server, &recorder, round, seed, settings.ops_per_client).await;
    }
    recorder.history()
}

async fn run_round(
    server: &lockbox::ServerHandle,
    recorder: &Arc<Recorder>,
    round: usize,
    seed: u64,
    ops: usize,
) {
    let setup = RaceClient::new(server, recorder.clone(), 0, seed);
    let key = setup.create_key().await;
    let secrets: Vec<String> = (0..3).map(|i| format!("race-{round}-{i}")).collect();
    let mut versions = Vec::new();
    for (index, secret) in secrets.iter().enumerate() {
        let first = token();
        let under = (index == 2).then_some(key.as_str());
        setup.create_secret(secret, &first, under).await;
        versions.push(vec![first]);
    }
    let shared = Arc::new(Round {
        keyed_secret: secrets[2].clone(),
        secrets,
        key,
        versions: Mutex::new(versions),
        blobs: Mutex::new(Vec::new()),
        ops,
    });
    let roles: [fn(RaceClient, Arc<Round>) -> _; 8] = [
        |c, r| Box::pin(mover(c, r)) as Task,
        |c, r| Box::pin(mover(c, r)) as Task,
        |c, r| Box::pin(rotator(c, r)) as Task,
        |c, r| Box::pin(deleter(c, r)) as Task,
        |c, r| Box::pin(reader(c, r)) as Task,
        |c, r| Box::pin(reader(c, r)) as Task,
        |c, r| Box::pin(key_admin(c, r)) as Task,
        |c, r| Box::pin(kms_user(c, r)) as Task,
    ];
    let tasks: Vec<_> = roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let client = RaceClient::new(server, recorder.clone(), i + 1, seed + i as u64 + 1);
            tokio::spawn(role(client, shared.clone()))
        })
        .collect();
    for task in tasks {
        task.await.expect("a racing client panicked");
    }
    settle(&setup, &shared).await;
}

type Task = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Puts values with and without labels and moves labels, naming where it last saw them.
async fn mover(mut client: RaceClient, round: Arc<Round>) {
    for _ in 0..round.ops {
        let (index, secret) = round.pick_secret(&mut client);
        let roll = client.rng.random_range(0..100);
        if roll < 30 {
            let outcome = client.put(&secret, &token(), None).await;
            round.note_version(index, &outcome);
        } else if roll < 50 {
            let mut stages: Vec<String> = LABELS
                .iter()
                .filter(|_| client.rng.random_bool(0.5))
                .map(|l| (*l).to_owned())
                .collect();
            if stages.is_empty() || client.rng.random_bool(0.15) {
                stages.push(AWSCURRENT.to_owned());
            }
            let outcome = client.put(&secret, &token(), Some(stages)).await;
            round.note_version(index, &outcome);
        } else if roll < 92 {
            move_label(&mut client, &round, index, &secret).await;
        } else {
            let include_deprecated = client.rng.random_bool(0.5);
            client.list_versions(&secret, include_deprecated).await;
        }
    }
}

async fn move_label(client: &mut RaceClient, round: &Round, index: usize, secret: &str) {
    let all = [AWSCURRENT, AWSPENDING, "A", "B"];
    let label = *all.choose(&mut client.rng).expect("labels");
    let described = client.describe(secret).await;
    let mut remove_from = holder(&described, label);
    if client.rng.random_bool(0.1) {
        remove_from = round.pick_version(client, index);
    }
    let move_to = round.pick_version(client, index);
    if label != AWSCURRENT && remove_from.is_some() && client.rng.random_bool(0.25) {
        client.update_stage(secret, label, remove_from, None).await;
    } else {
        client
            .update_stage(secret, label, remove_from, move_to)
            .await;
    }
}

/// Rotates as clients do without RotateSecret: a new AWSPENDING version, read back, then
/// AWSCURRENT moved onto it from where DescribeSecret saw it; sometimes AWSPENDING removed.
async fn rotator(mut client: RaceClient, round: Arc<Round>) {
    let mut done = 0;
    while done < round.ops {
        let (index, secret) = round.pick_secret(&mut client);
        let described = client.describe(&secret).await;
        let current = holder(&described, AWSCURRENT);
        let pending = token();
        let put = client
            .put(&secret, &pending, Some(vec![AWSPENDING.to_owned()]))
            .await;
        round.note_version(index, &put);
        client.get(&secret, None, Some(AWSPENDING.to_owned())).await;
        done += 3;
        if put.reply().is_none() {
            continue;
        }
        client
            .update_stage(&secret, AWSCURRENT, current, Some(pending.clone()))
            .await;
        done += 1;
        if client.rng.random_bool(0.5) {
            client
                .update_stage(&secret, AWSPENDING, Some(pending), None)
                .await;
            done += 1;
        }
    }
}

/// Schedules secrets for deletion and restores them, pausing up to 80 ms in between so that
/// whole calls of other clients fall between a delete's answer and the restore.
async fn deleter(mut client: RaceClient, round: Arc<Round>) {
    let mut done = 0;
    while done < round.ops {
        let (_, secret) = round.pick_secret(&mut client);
        if client.rng.random_bool(0.8) {
            let window = client.rng.random_range(7..=30);
            client.delete(&secret, window).await;
            pause(&mut client, 80_000).await;
            if client.rng.random_bool(0.2) {
                client.delete(&secret, 7).await;
                done += 1;
            }
        }
        client.restore(&secret).await;
        done += 2;
        pause(&mut client, 20_000).await;
    }
}

/// Reads values by label and by version, and the label maps.
async fn reader(mut client: RaceClient, round: Arc<Round>) {
    for _ in 0..round.ops {
        let (index, secret) = round.pick_secret(&mut client);
        match client.rng.random_range(0..100) {
            0..40 => drop(client.get(&secret, None, None).await),
            40..55 => drop(client.get(&secret, None, Some(AWSPENDING.into())).await),
            55..70 => {
                let version = round.pick_version(&mut client, index);
                client.get(&secret, version, None).await;
            }
            70..85 => drop(client.describe(&secret).await),
            _ => {
                let include_deprecated = client.rng.random_bool(0.5);
                client.list_versions(&secret, include_deprecated).await;
            }
        }
    }
}

/// Changes the customer key's state and rotates it, pausing up to 50 ms after each change so
/// that whole calls of other clients see each state.
async fn key_admin(mut client: RaceClient, round: Arc<Round>) {
    for _ in 0..round.ops {
        let key = round.key.clone();
        let call = match client.rng.random_range(0..100) {
            0..25 => Call::DisableKey { key },
            25..55 => Call::EnableKey { key },
            55..70 => Call::ScheduleKeyDeletion {
                key,
                days: client.rng.random_range(7..=30),
            },
            70..88 => Call::CancelKeyDeletion { key },
            _ => Call::RotateKey { key },
        };
        client.key_change(call).await;
        pause(&mut client, 50_000).await;
    }
}

/// Uses the customer key directly and through the secret encrypted under it.
async fn kms_user(mut client: RaceClient, round: Arc<Round>) {
    let secret = round.keyed_secret.clone();
    let index = round.secrets.len() - 1;
    for n in 0..round.ops {
        match client.rng.random_range(0..100) {
            0..25 => {
                let context = if client.rng.random_bool(0.5) {
                    vec![("purpose".to_owned(), format!("race-{n}"))]
                } else {
                    Vec::new()
                };
                let plaintext = format!("plaintext {} {n}", client.id).into_bytes();
                let outcome = client.encrypt(&round.key, plaintext, context.clone()).await;
                round.note_blob(&outcome, context);
            }
            25..40 => {
                let outcome = client.generate_data_key(&round.key).await;
                round.note_blob(&outcome, Vec::new());
            }
            40..60 => {
                let blob = round.blobs_known(&mut client);
                if let Some((blob, context)) = blob {
                    client.decrypt(&round.key, blob, context).await;
                }
            }
            60..80 => {
                let outcome = client.put(&secret, &token(), None).await;
                round.note_version(index, &outcome);
            }
            _ => drop(client.get(&secret, None, None).await),
        }
    }
}

/// After the race: the key enabled, the secrets restored, then every blob decrypted and every
/// version read back by id, and each secret's labels listed once more.
async fn settle(client: &RaceClient, round: &Round) {
    let key = round.key.clone();
    client
        .key_change(Call::CancelKeyDeletion { key: key.clone() })
        .await;
    client
        .key_change(Call::EnableKey { key: key.clone() })
        .await;
    for secret in &round.secrets {
        client.restore(secret).await;
    }
    let blobs = round.blobs.lock().expect("blobs").clone();
    for (blob, context) in blobs {
        client.decrypt(&key, blob, context).await;
    }
    let versions = round.versions.lock().expect("versions").clone();
    for (secret, versions) in round.secrets.iter().zip(versions) {
        for version in versions {
            client.get(secret, Some(version), None).await;
        }
        client.describe(secret).await;
        client.list_versions(secret, true).await;
    }
}
