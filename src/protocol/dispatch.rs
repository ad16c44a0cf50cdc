//! Typed dispatch at the edge: the request body decoded into the operation's input, the
//! handler the operation table names called, the output encoded — once, here, for every
//! operation of every service. Services only ever see typed input and return typed output.

use std::any::TypeId;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::RequestCtx;
use crate::api::error::CommonError;
use crate::api::json;
use crate::api::operation::{Call, JsonService, OperationTable};

/// The error type of the service `Op` belongs to.
pub type ServiceError<Op> = <<Op as OperationTable>::Service as JsonService>::Error;

/// Runs `op` of `service` with the JSON request `body`; returns the JSON response body (empty
/// for operations without an output shape, as AWS answers them). A body that does not decode
/// is the service's `SerializationException`.
pub fn call<Op: OperationTable>(
    service: &Op::Service,
    op: Op,
    ctx: &RequestCtx,
    body: &[u8],
) -> Result<Vec<u8>, ServiceError<Op>> {
    op.dispatch(JsonCall { service, ctx, body })
}

/// One request on its way to the handler.
struct JsonCall<'a, S> {
    service: &'a S,
    ctx: &'a RequestCtx,
    body: &'a [u8],
}

impl<S: JsonService> Call<S> for JsonCall<'_, S> {
    type Output = Result<Vec<u8>, S::Error>;

    fn handler<I, O>(
        self,
        handler: impl FnOnce(&S, &RequestCtx, I) -> Result<O, S::Error>,
    ) -> Self::Output
    where
        I: DeserializeOwned,
        O: Serialize + 'static,
    {
        let input = json::decode(self.body)?;
        let output = handler(self.service, self.ctx, input)?;
        Ok(encode_output(&output)?)
    }
}

/// The response body of an output: JSON, or nothing at all for an operation without an output
/// shape (its handler returns `()`), which AWS answers with HTTP 200 and an empty body.
fn encode_output<O: Serialize + 'static>(output: &O) -> Result<Vec<u8>, CommonError> {
    if TypeId::of::<O>() == TypeId::of::<()>() {
        return Ok(Vec::new());
    }
    json::encode(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_outputs_have_an_empty_body_and_others_are_json() {
        assert_eq!(encode_output(&()).unwrap(), b"");
        assert_eq!(
            encode_output(&serde_json::json!({"A": 1})).unwrap(),
            br#"{"A":1}"#
        );
    }
}
