//! Typed dispatch for awsQuery: the parameter tree decoded into the operation's input, the
//! handler the operation table names called, the output written as the XML response. The same
//! operation tables and [`Call`] trait as the JSON edge; only the decoding and encoding differ.

use std::any::TypeId;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::RequestCtx;
use crate::api::error::CommonError;
use crate::api::operation::{Call, OperationTable, QueryService};

use super::decode::{DecodeError, decode};
use super::encode;
use super::form::Node;

/// The error type of the service `Op` belongs to.
pub type ServiceError<Op> =
    <<Op as OperationTable>::Service as crate::api::operation::JsonService>::Error;

/// Runs `op` of `service` with the request parameters `params`; returns the XML response.
pub fn call<Op>(
    service: &Op::Service,
    op: Op,
    ctx: &RequestCtx,
    params: &Node,
) -> Result<Vec<u8>, ServiceError<Op>>
where
    Op: OperationTable,
    Op::Service: QueryService,
{
    op.dispatch(QueryCall {
        service,
        ctx,
        params,
        operation: op.name(),
    })
}

/// One request on its way to the handler.
struct QueryCall<'a, S> {
    service: &'a S,
    ctx: &'a RequestCtx,
    params: &'a Node,
    operation: &'static str,
}

impl<S: QueryService> Call<S> for QueryCall<'_, S> {
    type Output = Result<Vec<u8>, S::Error>;

    fn handler<I, O>(
        self,
        handler: impl FnOnce(&S, &RequestCtx, I) -> Result<O, S::Error>,
    ) -> Self::Output
    where
        I: DeserializeOwned,
        O: Serialize + 'static,
    {
        let input = decode(self.params).map_err(input_error)?;
        let output = handler(self.service, self.ctx, input)?;
        let shown = (TypeId::of::<O>() != TypeId::of::<()>()).then_some(&output);
        encode::success(
            S::XML_NAMESPACE,
            self.operation,
            shown,
            &self.ctx.request_id,
        )
        .map_err(|error| {
            tracing::error!(%error, "could not encode an awsQuery output");
            S::Error::from(CommonError::InternalFailure)
        })
    }
}

/// The validation error for parameters that do not make the input: a missing required member
/// in AWS's words, anything else with the decoder's reason.
fn input_error(error: DecodeError) -> CommonError {
    if let Some(member) = error
        .0
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return CommonError::Validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            lower_first(member)
        ));
    }
    CommonError::Validation(format!("Invalid parameters: {}", error.0))
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_member_is_named_as_aws_names_it() {
        assert_eq!(
            input_error(DecodeError("missing field `RoleArn`".into())),
            CommonError::Validation(
                "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null".into()
            )
        );
        assert_eq!(
            input_error(DecodeError("'x' is not a number".into())),
            CommonError::Validation("Invalid parameters: 'x' is not a number".into())
        );
    }
}
