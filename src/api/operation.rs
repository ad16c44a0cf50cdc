//! The operation table of a JSON service: each operation is declared once, and the operation
//! enum, its list, its names and the typed dispatch to its handler all come from that one line.
//!
//! A service declares its table with the `operations!` macro:
//!
//! ```text
//! operations! {
//!     /// The operations the service serves.
//!     pub enum Operation for SecretsManager {
//!         write CreateSecret => ops::create_secret;
//!         read GetRandomPassword => stateless(ops::get_random_password);
//!     }
//! }
//! ```
//!
//! Each line gives the operation's model name, whether it only reads (`read`) or changes state
//! (`write`, the audit trail's `readOnly`), and its handler: a function
//! `fn(&Service, &RequestCtx, Input) -> Result<Output, Service::Error>` (or, through
//! [`stateless`], `fn(Input) -> Result<Output, _>`). The input and output types are taken from
//! the handler's signature; an output of `()` means the operation has no output shape.
//!
//! Handlers see typed input and return typed output: decoding the request body and encoding
//! the response happen once, at the protocol edge, which drives the table through [`Call`].

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ctx::RequestCtx;
use super::error::{CommonError, WireError};

/// A service served over the awsJson1_1 protocol, and what its audit records say.
pub trait JsonService: Sized + 'static {
    /// The service's errors; a protocol error raised for it (a body that does not decode)
    /// converts into one.
    type Error: WireError + From<CommonError> + Send + 'static;
    /// CloudTrail's `eventSource`, e.g. `kms.amazonaws.com`.
    const EVENT_SOURCE: &'static str;
    /// The request members recorded in an audit record's `requestParameters` (wire names).
    /// Any other member — a secret value, a plaintext, a ciphertext — is never recorded.
    const AUDITED_REQUEST_MEMBERS: &'static [&'static str];
    /// The response members recorded in `responseElements` of a successful write.
    const AUDITED_RESPONSE_MEMBERS: &'static [&'static str];
}

/// A service served over the awsQuery protocol (form-encoded requests, XML responses), such
/// as STS and IAM: what its documents are stamped with.
pub trait QueryService: JsonService {
    /// The XML namespace of its responses, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`.
    const XML_NAMESPACE: &'static str;
    /// The API version every request must name in `Version`, e.g. `2011-06-15`.
    const API_VERSION: &'static str;
}

/// An operation enum made by the `operations!` macro.
pub trait OperationTable: Copy + Eq + Debug + Send + Sync + 'static {
    /// The service whose operations these are.
    type Service: JsonService;
    /// Every operation, in the table's order.
    const ALL: &'static [Self];

    /// The operation's model name, e.g. `GetSecretValue`.
    fn name(self) -> &'static str;

    /// True when the operation changes no state (CloudTrail's `readOnly`).
    fn read_only(self) -> bool;

    /// Hands the operation's handler to `call`, typed with the handler's input and output.
    fn dispatch<C: Call<Self::Service>>(self, call: C) -> C::Output;

    /// The operation with model name `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|op| op.name() == name)
    }
}

/// What is done with an operation's handler once the table has found it: the protocol edge
/// decodes the input, calls the handler and encodes the output.
pub trait Call<S: JsonService> {
    /// What the call produces.
    type Output;

    /// Runs the call with the operation's handler.
    fn handler<I, O>(
        self,
        handler: impl FnOnce(&S, &RequestCtx, I) -> Result<O, S::Error>,
    ) -> Self::Output
    where
        I: DeserializeOwned,
        O: Serialize + 'static;
}

/// A handler that needs neither the service's state nor the request context (e.g.
/// GetRandomPassword), in the shape the table expects.
pub fn stateless<S, I, O, E>(
    handler: impl FnOnce(I) -> Result<O, E>,
) -> impl FnOnce(&S, &RequestCtx, I) -> Result<O, E> {
    move |_: &S, _: &RequestCtx, input: I| handler(input)
}

/// Declares a service's operation table; see the [module documentation](self).
macro_rules! operations {
    (@read_only read) => { true };
    (@read_only write) => { false };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident for $service:ty {
            $( $access:ident $op:ident => $handler:expr; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $(
                #[doc = concat!("`", stringify!($op), "`.")]
                $op,
            )+
        }

        impl $name {
            /// Every served operation, in the table's order.
            pub const ALL: &'static [$name] = &[$($name::$op),+];

            /// The operation's model name.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$op => stringify!($op),)+
                }
            }

            /// The operation with model name `name`.
            pub fn from_name(name: &str) -> Option<$name> {
                <$name as $crate::api::operation::OperationTable>::from_name(name)
            }

            /// True when the operation changes no state.
            pub fn read_only(self) -> bool {
                match self {
                    $($name::$op => $crate::api::operation::operations!(@read_only $access),)+
                }
            }
        }

        impl $crate::api::operation::OperationTable for $name {
            type Service = $service;
            const ALL: &'static [$name] = $name::ALL;

            fn name(self) -> &'static str {
                $name::name(self)
            }

            fn read_only(self) -> bool {
                $name::read_only(self)
            }

            fn dispatch<C: $crate::api::operation::Call<$service>>(self, call: C) -> C::Output {
                match self {
                    $($name::$op => call.handler($handler),)+
                }
            }
        }
    };
}

pub(crate) use operations;
