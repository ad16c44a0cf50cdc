//! One racing client: its own SDK clients (so its own connections), its own random choices,
//! and one method per call that records the call, its instants and its outcome.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::history::{Call, Outcome, Recorder, Reply, value_for};
use crate::common;

/// A client of the race.
pub struct RaceClient {
    /// Its number in the history.
    pub id: usize,
    /// Its random choices (seeded, so a failing run's choices can be replayed).
    pub rng: StdRng,
    recorder: Arc<Recorder>,
    sm: aws_sdk_secretsmanager::Client,
    kms: aws_sdk_kms::Client,
}

fn context_map(context: &[(String, String)]) -> Option<HashMap<String, String>> {
    (!context.is_empty()).then(|| context.iter().cloned().collect())
}

fn bytes(blob: Option<&Blob>) -> Vec<u8> {
    blob.map(|b| b.as_ref().to_vec()).unwrap_or_default()
}

impl RaceClient {
    /// Client `id` of `server`, recording into `recorder`, choosing with `seed`.
    pub fn new(
        server: &lockbox::ServerHandle,
        recorder: Arc<Recorder>,
        id: usize,
        seed: u64,
    ) -> Self {
        RaceClient {
            id,
            rng: StdRng::seed_from_u64(seed),
            recorder,
            sm: common::client(server),
            kms: common::kms_client(server),
        }
    }

    fn record(&self, call: Call, invoked: u64, outcome: Outcome) -> Outcome {
        self.recorder.finish(self.id, call, invoked, outcome)
    }

    /// CreateKey; returns the key ARN.
    pub async fn create_key(&self) -> String {
        let invoked = self.recorder.now();
        let created = self.kms.create_key().send().await.expect("CreateKey");
        let arn = created
            .key_metadata()
            .and_then(|m| m.arn())
            .expect("key ARN")
            .to_owned();
        let call = Call::CreateKey { key: arn.clone() };
        self.record(call, invoked, Outcome::Ok(Reply::Done));
        arn
    }

    /// CreateSecret with version `token` of its value, under `kms_key` if given.
    pub async fn create_secret(&self, secret: &str, token: &str, kms_key: Option<&str>) {
        let call = Call::CreateSecret {
            secret: secret.to_owned(),
            token: token.to_owned(),
            kms_key: kms_key.map(str::to_owned),
        };
        let invoked = self.recorder.now();
        let result = self
            .sm
            .create_secret()
            .name(secret)
            .client_request_token(token)
            .secret_string(value_for(secret, token))
            .set_kms_key_id(kms_key.map(str::to_owned))
            .send()
            .await;
        let outcome = Outcome::of(result, |out| Reply::Version {
            version_id: out.version_id().unwrap_or_default().to_owned(),
            stages: Vec::new(),
        });
        assert!(outcome.reply().is_some(), "CreateSecret: {outcome:?}");
        self.record(call, invoked, outcome);
    }

    /// PutSecretValue of version `token`.
    pub async fn put(&self, secret: &str, token: &str, stages: Option<Vec<String>>) -> Outcome {
        let call = Call::PutValue {
            secret: secret.to_owned(),
            token: token.to_owned(),
            stages: stages.clone(),
        };
        let invoked = self.recorder.now();
        let result = self
            .sm
            .put_secret_value()
            .secret_id(secret)
            .client_request_token(token)
            .secret_string(value_for(secret, token))
            .set_version_stages(stages)
            .send()
            .await;
        let outcome = Outcome::of(result, |out| Reply::Version {
            version_id: out.version_id().unwrap_or_default().to_owned(),
            stages: out.version_stages().to_vec(),
        });
        self.record(call, invoked, outcome)
    }

    /// UpdateSecretVersionStage.
    pub async fn update_stage(
        &self,
        secret: &str,
        label: &str,
        remove_from: Option<String>,
        move_to: Option<String>,
    ) -> Outcome {
        let call = Call::UpdateStage {
            secret: secret.to_owned(),
            label: label.to_owned(),
            remove_from: remove_from.clone(),
            move_to: move_to.clone(),
        };
        let invoked = self.recorder.now();
        let result = self
            .sm
            .update_secret_version_stage()
            .secret_id(secret)
            .version_stage(label)
            .set_remove_from_version_id(remove_from)
            .set_move_to_version_id(move_to)
            .send()
            .await;
        self.record(call, invoked, Outcome::of(result, |_| Reply::Done))
    }

    /// DeleteSecret with a recovery window.
    pub async fn delete(&self, secret: &str, window_days: i64) -> Outcome {
        let call = Call::DeleteSecret {
            secret: secret.to_owned(),
            window_days,
        };
        let invoked = self.recorder.now();
        let result = self
            .sm
            .delete_secret()
            .secret_id(secret)
            .recovery_window_in_days(window_days)
            .send()
            .await;
        self.record(call, invoked, Outcome::of(result, |_| Reply::Done))
    }

    /// RestoreSecret.
    pub async fn restore(&self, secret: &str) -> Outcome {
        let call = Call::RestoreSecret {
            secret: secret.to_owned(),
        };
        let invoked = self.recorder.now();
        let result = self.sm.restore_secret().secret_id(secret).send().await;
        self.record(call, invoked, Outcome::of(result, |_| Reply::Done))
    }

    /// GetSecretValue.
    pub async fn get(
        &self,
        secret: &str,
        version_id: Option<String>,
        stage: Option<String>,
    ) -> Outcome {
        let call = Call::GetValue {
            secret: secret.to_owned(),
            version_id: version_id.clone(),
            stage: stage.clone(),
        };
        let invoked = self.recorder.now();
        let result = self
            .sm
            .get_secret_value()
            .secret_id(secret)
            .set_version_id(version_id)
            .set_version_stage(stage)
            .send()
            .await;
        let outcome = Outcome::of(result, |out| Reply::Value {
            version_id: out.version_id().unwrap_or_default().to_owned(),
            value: out.secret_string().unwrap_or_default().to_owned(),
            stages: out.version_stages().to_vec(),
        });
        self.record(call, invoked, outcome)
    }

    /// DescribeSecret.
    pub async fn describe(&self, secret: &str) -> Outcome {
        let call = Call::Describe {
            secret: secret.to_owned(),
        };
        let invoked = self.recorder.now();
        let result = self.sm.describe_secret().secret_id(secret).send().await;
        let outcome = Outcome::of(result, |out| Reply::Labels {
            deleted: out.deleted_date().is_some(),
            versions: out
                .version_ids_to_stages()
                .into_iter()
                .flatten()
                .map(|(id, stages)| (id.clone(), stages.clone()))
                .collect(),
            last_changed_ms: out.last_changed_date().and_then(|d| d.to_millis().ok()),
        });
        self.record(call, invoked, outcome)
    }

    /// ListSecretVersionIds (every version fits one page).
    pub async fn list_versions(&self, secret: &str, include_deprecated: bool) -> Outcome {
        let call = Call::ListVersions {
            secret: secret.to_owned(),
            include_deprecated,
        };
        let invoked = self.recorder.now();
        let result = self
            .sm
            .list_secret_version_ids()
            .secret_id(secret)
            .include_deprecated(include_deprecated)
            .send()
            .await;
        let outcome = Outcome::of(result, |out| Reply::Labels {
            deleted: false,
            versions: out
                .versions()
                .iter()
                .map(|v| {
                    let id = v.version_id().unwrap_or_default().to_owned();
                    (id, v.version_stages().to_vec())
                })
                .collect::<BTreeMap<_, _>>(),
            last_changed_ms: None,
        });
        self.record(call, invoked, outcome)
    }

    /// A KMS key-state change or rotation: `call` names which.
    pub async fn key_change(&self, call: Call) -> Outcome {
        let invoked = self.recorder.now();
        let kms = &self.kms;
        let outcome = match &call {
            Call::EnableKey { key } => {
                Outcome::of(kms.enable_key().key_id(key).send().await, |_| Reply::Done)
            }
            Call::DisableKey { key } => {
                Outcome::of(kms.disable_key().key_id(key).send().await, |_| Reply::Done)
            }
            Call::ScheduleKeyDeletion { key, days } => {
                let sent = kms.schedule_key_deletion().key_id(key);
                let result = sent.pending_window_in_days(*days).send().await;
                Outcome::of(result, |_| Reply::Done)
            }
            Call::CancelKeyDeletion { key } => {
                let result = kms.cancel_key_deletion().key_id(key).send().await;
                Outcome::of(result, |_| Reply::Done)
            }
            Call::RotateKey { key } => {
                let result = kms.rotate_key_on_demand().key_id(key).send().await;
                Outcome::of(result, |_| Reply::Done)
            }
            other => panic!("not a key change: {other:?}"),
        };
        self.record(call, invoked, outcome)
    }

    /// Encrypt `plaintext` under `key` with `context`.
    pub async fn encrypt(
        &self,
        key: &str,
        plaintext: Vec<u8>,
        context: Vec<(String, String)>,
    ) -> Outcome {
        let invoked = self.recorder.now();
        let result = self
            .kms
            .encrypt()
            .key_id(key)
            .plaintext(Blob::new(plaintext.clone()))
            .set_encryption_context(context_map(&context))
            .send()
            .await;
        let sent = plaintext.clone();
        let outcome = Outcome::of(result, |out| Reply::Ciphertext {
            blob: bytes(out.ciphertext_blob()),
            plaintext: sent,
        });
        let call = Call::Encrypt {
            key: key.to_owned(),
            plaintext,
            context,
        };
        self.record(call, invoked, outcome)
    }

    /// GenerateDataKey (AES_256) under `key`.
    pub async fn generate_data_key(&self, key: &str) -> Outcome {
        let invoked = self.recorder.now();
        let result = self
            .kms
            .generate_data_key()
            .key_id(key)
            .key_spec(DataKeySpec::Aes256)
            .send()
            .await;
        let outcome = Outcome::of(result, |out| Reply::Ciphertext {
            blob: bytes(out.ciphertext_blob()),
            plaintext: bytes(out.plaintext()),
        });
        let call = Call::GenerateDataKey {
            key: key.to_owned(),
        };
        self.record(call, invoked, outcome)
    }

    /// Decrypt `blob` (made under `key` with `context`).
    pub async fn decrypt(&self, key: &str, blob: Vec<u8>, context: Vec<(String, String)>) {
        let invoked = self.recorder.now();
        let result = self
            .kms
            .decrypt()
            .key_id(key)
            .ciphertext_blob(Blob::new(blob.clone()))
            .set_encryption_context(context_map(&context))
            .send()
            .await;
        let outcome = Outcome::of(result, |out| Reply::Plaintext(bytes(out.plaintext())));
        let call = Call::Decrypt {
            key: key.to_owned(),
            blob,
            context,
        };
        self.record(call, invoked, outcome);
    }
}
