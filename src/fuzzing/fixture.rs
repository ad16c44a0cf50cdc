//! The instance the fuzz targets call: a fresh in-memory [`AppState`] seeded with a symmetric
//! KMS key of fixed id and material (so a ciphertext made once, like the corpus's real blob,
//! opens on every fixture), an HMAC key and an ECC signing key, and one secret under the first
//! with two versions, a tag and a resource policy; and the calls into it, through the same
//! typed dispatch as the protocol edge.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::api::error::WireError;
use crate::api::operation::OperationTable;
use crate::api::{Principal, RequestCtx};
use crate::app::AppState;
use crate::clock::Clock as _;
use crate::config::Config;
use crate::protocol::dispatch;
use crate::seed::{self, Format};
use crate::{kms, secretsmanager};

/// The account every fixture call acts in (the default account).
pub const ACCOUNT: &str = "000000000000";
/// The region every fixture call acts in.
pub const REGION: &str = "us-east-1";
/// The fixture's symmetric encryption key (alias `alias/fuzz`); its HMAC key ends in `d9`
/// (`alias/fuzz-mac`) and its ECC_NIST_P256 signing key in `da` (`alias/fuzz-sign`).
pub const KEY_ID: &str = "f0a1b2c3-d4e5-4f60-8172-8394a5b6c7d8";
/// The fixture's secret.
pub const SECRET_NAME: &str = "fuzz/secret";
/// The encryption context of the corpus's real ciphertext blob.
pub const BLOB_CONTEXT: (&str, &str) = ("purpose", "fuzz");

/// The fixture's seed document: fixed key material, so blobs sealed by one fixture open on all.
const SEED: &str = r#"{
  "version": 1,
  "partitions": [{
    "account": "000000000000",
    "region": "us-east-1",
    "kms_keys": [{
      "key_id": "f0a1b2c3-d4e5-4f60-8172-8394a5b6c7d8",
      "description": "fuzz fixture",
      "aliases": ["alias/fuzz"],
      "tags": {"team": "fuzz"},
      "key_material": "Zm9yIGZ1enppbmcgb25seSwgbmV2ZXIgYSByZWFsIGs="
    }, {
      "key_id": "f0a1b2c3-d4e5-4f60-8172-8394a5b6c7d9",
      "description": "fuzz fixture MAC key",
      "aliases": ["alias/fuzz-mac"],
      "key_spec": "HMAC_256",
      "key_usage": "GENERATE_VERIFY_MAC",
      "key_material": "Zm9yIGZ1enppbmcgb25seSwgbmV2ZXIgYSByZWFsIGs="
    }, {
      "key_id": "f0a1b2c3-d4e5-4f60-8172-8394a5b6c7da",
      "description": "fuzz fixture signing key",
      "aliases": ["alias/fuzz-sign"],
      "key_spec": "ECC_NIST_P256",
      "key_usage": "SIGN_VERIFY"
    }],
    "secrets": [{
      "name": "fuzz/secret",
      "kms_key_id": "alias/fuzz",
      "description": "fuzz fixture",
      "tags": {"team": "fuzz"},
      "resource_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}",
      "versions": [
        {"version_id": "00000000-0000-4000-8000-000000000001", "stages": ["AWSPREVIOUS"], "secret_string": "previous"},
        {"version_id": "00000000-0000-4000-8000-000000000002", "stages": ["AWSCURRENT"], "secret_string": "current"}
      ]
    }]
  }]
}"#;

/// A seeded in-memory instance.
#[derive(Debug)]
pub struct Fixture {
    /// The instance.
    pub state: AppState,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

/// One fixture shared by targets that only read (its state never changes).
pub(super) fn shared() -> &'static Fixture {
    static SHARED: OnceLock<Fixture> = OnceLock::new();
    SHARED.get_or_init(Fixture::new)
}

impl Fixture {
    /// A fresh instance with the fixture's key and secret.
    pub fn new() -> Fixture {
        let state = AppState::new(Config::default());
        let document = match seed::parse(SEED.as_bytes(), Format::Json) {
            Ok(document) => document,
            Err(error) => panic!("the fixture's seed does not parse: {error}"),
        };
        if let Err(error) = seed::apply(&state, &document) {
            panic!("the fixture's seed does not apply: {error}");
        }
        Fixture { state }
    }

    /// A request of the default account's root user, at the instance's current time.
    pub fn ctx(&self) -> RequestCtx {
        RequestCtx {
            request_id: "fuzz".into(),
            event_id: "fuzz-event".into(),
            principal: Principal::root(ACCOUNT, "test"),
            region: REGION.into(),
            now: self.state.clock.now(),
            access: crate::api::access::Access::unchecked("Fuzz"),
        }
    }

    /// Calls a Secrets Manager operation with a JSON body; panics on an internal error.
    pub fn secrets_manager(&self, op: secretsmanager::Operation, body: &[u8]) -> Option<Vec<u8>> {
        self.call(&self.state.secrets_manager, op, body)
    }

    /// Calls a KMS operation with a JSON body; panics on an internal error.
    pub fn kms(&self, op: kms::Operation, body: &[u8]) -> Option<Vec<u8>> {
        self.call(&*self.state.kms, op, body)
    }

    /// The response body, or `None` for an error a client may be answered; panics on an
    /// internal error (HTTP 500), which no client input may cause.
    fn call<Op: OperationTable>(
        &self,
        service: &Op::Service,
        op: Op,
        body: &[u8],
    ) -> Option<Vec<u8>> {
        match dispatch::call(service, op, &self.ctx(), body) {
            Ok(response) => Some(response),
            Err(error) if error.status() >= 500 => panic!(
                "{} answered {} {}: {:?}",
                op.name(),
                error.status(),
                error.code(),
                error.message()
            ),
            Err(_) => None,
        }
    }

    /// `blob` through Decrypt (without and with the corpus blob's context, and naming the
    /// fixture's key) and ReEncrypt.
    pub fn decrypt_everywhere(&self, blob: &[u8]) {
        let blob = STANDARD.encode(blob);
        let (context_key, context_value) = BLOB_CONTEXT;
        let bodies = [
            json!({ "CiphertextBlob": blob }),
            json!({ "CiphertextBlob": blob, "EncryptionContext": { context_key: context_value } }),
            json!({ "CiphertextBlob": blob, "KeyId": KEY_ID, "EncryptionContext": { context_key: context_value } }),
        ];
        for body in &bodies {
            self.kms(kms::Operation::Decrypt, body.to_string().as_bytes());
        }
        let re_encrypt = json!({
            "CiphertextBlob": blob,
            "SourceEncryptionContext": { context_key: context_value },
            "DestinationKeyId": "alias/fuzz",
        });
        self.kms(kms::Operation::ReEncrypt, re_encrypt.to_string().as_bytes());
    }
}
