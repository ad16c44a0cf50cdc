//! The `operation_input` target: a request body decoded as the input of every operation of both
//! services (the decode path of `protocol::dispatch`), then one operation, chosen by the first
//! byte, called with it against a fresh [`Fixture`] (validation and handler included).
//!
//! Input: one selector byte, then the body. The selector indexes the Secrets Manager table
//! followed by the KMS table (`Operation::ALL`), modulo their total length.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Fixture;
use crate::api::RequestCtx;
use crate::api::error::{CommonError, WireError};
use crate::api::json;
use crate::api::operation::{Call, JsonService, OperationTable};
use crate::{kms, secretsmanager};

/// Decodes the body as the operation's input and drops it; the handler is not called.
struct DecodeOnly<'a> {
    body: &'a [u8],
}

impl<S: JsonService> Call<S> for DecodeOnly<'_> {
    type Output = Result<(), CommonError>;

    fn handler<I, O>(
        self,
        _handler: impl FnOnce(&S, &RequestCtx, I) -> Result<O, S::Error>,
    ) -> Self::Output
    where
        I: DeserializeOwned,
        O: Serialize + 'static,
    {
        json::decode::<I>(self.body).map(drop)
    }
}

/// Decodes `body` as `op`'s input; a refusal must be a client error.
fn decode_as<Op: OperationTable>(op: Op, body: &[u8]) {
    if let Err(error) = op.dispatch(DecodeOnly { body }) {
        assert!(
            error.status() < 500,
            "decoding {} input answered {}",
            op.name(),
            error.code()
        );
    }
}

/// The entry point: see the module documentation.
pub fn operation_input(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    for &op in secretsmanager::Operation::ALL {
        decode_as(op, body);
    }
    for &op in kms::Operation::ALL {
        decode_as(op, body);
    }
    let fixture = Fixture::new();
    let secrets_manager_ops = secretsmanager::Operation::ALL.len();
    let index = usize::from(selector) % (secrets_manager_ops + kms::Operation::ALL.len());
    match index.checked_sub(secrets_manager_ops) {
        None => {
            fixture.secrets_manager(secretsmanager::Operation::ALL[index], body);
        }
        Some(kms_index) => {
            fixture.kms(kms::Operation::ALL[kms_index], body);
        }
    }
}
