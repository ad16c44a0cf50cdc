//! The record of a race: every call a client made, with its arguments, the instants it was
//! invoked and answered (nanoseconds since the race began) and what came back. The racing
//! clients fill it through a [`Recorder`]; the unit tests build small histories by hand with
//! [`History::push`].

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;

/// An instant of the race, in nanoseconds since it began.
pub type Tick = u64;

/// The "answer instant" of a call that never got an answer: it may take effect at any time
/// after its invocation.
pub const NEVER: Tick = Tick::MAX;

/// One call as the client made it (only what was known when it was invoked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// CreateSecret with a string value (see [`value_for`]) and version id `token`.
    CreateSecret {
        secret: String,
        token: String,
        kms_key: Option<String>,
    },
    /// PutSecretValue of [`value_for`]`(token)`, with or without `VersionStages`.
    PutValue {
        secret: String,
        token: String,
        stages: Option<Vec<String>>,
    },
    /// UpdateSecretVersionStage.
    UpdateStage {
        secret: String,
        label: String,
        remove_from: Option<String>,
        move_to: Option<String>,
    },
    /// DeleteSecret with a recovery window.
    DeleteSecret { secret: String, window_days: i64 },
    /// RestoreSecret.
    RestoreSecret { secret: String },
    /// GetSecretValue by version id and/or stage (AWSCURRENT when neither).
    GetValue {
        secret: String,
        version_id: Option<String>,
        stage: Option<String>,
    },
    /// DescribeSecret.
    Describe { secret: String },
    /// ListSecretVersionIds (one page).
    ListVersions {
        secret: String,
        include_deprecated: bool,
    },
    /// CreateKey; `key` is the ARN it answered (recorded once known).
    CreateKey { key: String },
    /// EnableKey.
    EnableKey { key: String },
    /// DisableKey.
    DisableKey { key: String },
    /// ScheduleKeyDeletion.
    ScheduleKeyDeletion { key: String, days: i32 },
    /// CancelKeyDeletion.
    CancelKeyDeletion { key: String },
    /// RotateKeyOnDemand.
    RotateKey { key: String },
    /// Encrypt under an encryption context.
    Encrypt {
        key: String,
        plaintext: Vec<u8>,
        context: Vec<(String, String)>,
    },
    /// GenerateDataKey (AES_256).
    GenerateDataKey { key: String },
    /// Decrypt of a blob an earlier Encrypt or GenerateDataKey answered.
    Decrypt {
        key: String,
        blob: Vec<u8>,
        context: Vec<(String, String)>,
    },
}

/// What a successful call answered (only what the checks use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Nothing to check beyond success.
    Done,
    /// CreateSecret / PutSecretValue: the version made and the labels it answered.
    Version {
        version_id: String,
        stages: Vec<String>,
    },
    /// GetSecretValue.
    Value {
        version_id: String,
        value: String,
        stages: Vec<String>,
    },
    /// DescribeSecret (labelled versions) or ListSecretVersionIds (listed versions, a
    /// deprecated one with no labels).
    Labels {
        deleted: bool,
        versions: BTreeMap<String, Vec<String>>,
        /// DescribeSecret's `LastChangedDate` in milliseconds.
        last_changed_ms: Option<i64>,
    },
    /// Encrypt / GenerateDataKey: the blob and the plaintext it holds.
    Ciphertext { blob: Vec<u8>, plaintext: Vec<u8> },
    /// Decrypt.
    Plaintext(Vec<u8>),
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Success.
    Ok(Reply),
    /// A service error: HTTP status, `__type` and message.
    Failed {
        status: u16,
        code: String,
        message: String,
    },
    /// No answer (connection failure, timeout): the call may or may not have taken effect.
    NoAnswer(String),
}

impl Outcome {
    /// The outcome of an SDK call: `reply` of its output, or the error.
    pub fn of<T, E: ProvideErrorMetadata + std::fmt::Debug>(
        result: Result<T, SdkError<E, Response>>,
        reply: impl FnOnce(T) -> Reply,
    ) -> Outcome {
        match result {
            Ok(output) => Outcome::Ok(reply(output)),
            Err(error) => match (&error, error.code()) {
                (SdkError::ServiceError(service), Some(code)) => Outcome::Failed {
                    status: service.raw().status().as_u16(),
                    code: code.to_owned(),
                    message: error.message().unwrap_or_default().to_owned(),
                },
                _ => Outcome::NoAnswer(format!("{error:?}")),
            },
        }
    }

    /// The reply of a success.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            Outcome::Ok(reply) => Some(reply),
            _ => None,
        }
    }

    /// True unless the call is known to have failed (a call without an answer may have
    /// taken effect).
    pub fn may_have_taken_effect(&self) -> bool {
        !matches!(self, Outcome::Failed { .. })
    }
}

/// One recorded call.
#[derive(Debug, Clone)]
pub struct Event {
    /// Its position in the history.
    pub id: usize,
    /// Which client made it.
    pub client: usize,
    /// What was asked.
    pub call: Call,
    /// When it was sent.
    pub invoked: Tick,
    /// When its answer arrived ([`NEVER`] without one).
    pub returned: Tick,
    /// What came back.
    pub outcome: Outcome,
}

impl Event {
    /// True when this call was answered before `other` was invoked (real-time order).
    pub fn precedes(&self, other: &Event) -> bool {
        self.returned < other.invoked
    }
}

/// The value written by the version `token` of `secret`: each write's value names its version,
/// so a read answering a value nobody wrote, or another version's value, is visible.
pub fn value_for(secret: &str, token: &str) -> String {
    format!("{secret}:{token}")
}

/// Every call of a race (or of a hand-made example), in the order they were recorded.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The calls.
    pub events: Vec<Event>,
}

impl History {
    /// Appends a call; returns its id.
    pub fn push(
        &mut self,
        client: usize,
        call: Call,
        invoked: Tick,
        returned: Tick,
        outcome: Outcome,
    ) -> usize {
        let id = self.events.len();
        self.events.push(Event {
            id,
            client,
            call,
            invoked,
            returned,
            outcome,
        });
        id
    }
}

/// Collects the calls of racing clients, stamping them with one clock.
#[derive(Debug)]
pub struct Recorder {
    start: Instant,
    history: Mutex<History>,
}

impl Recorder {
    /// A recorder whose instants count from now.
    pub fn new() -> Self {
        Recorder {
            start: Instant::now(),
            history: Mutex::new(History::default()),
        }
    }

    /// The current instant.
    pub fn now(&self) -> Tick {
        Tick::try_from(self.start.elapsed().as_nanos()).unwrap_or(NEVER - 1)
    }

    /// Records `call`, invoked at `invoked` by `client`, answered now with `outcome`; returns
    /// the outcome for the client to act on.
    pub fn finish(&self, client: usize, call: Call, invoked: Tick, outcome: Outcome) -> Outcome {
        let returned = match outcome {
            Outcome::NoAnswer(_) => NEVER,
            _ => self.now(),
        };
        let mut history = self.history.lock().expect("history lock");
        history.push(client, call, invoked, returned, outcome.clone());
        outcome
    }

    /// The history recorded so far.
    pub fn history(&self) -> History {
        self.history.lock().expect("history lock").clone()
    }
}
