//! `X-Amz-Target` routing: `"<prefix>.<Operation>"` to a service and its operation enum.
//!
//! The prefix picks the [`Service`] (and so the SigV4 signing name the credential scope must
//! carry); the operation name is resolved by that service's own `Operation` enum only after
//! the request is authenticated, as AWS does.

use crate::kms::Operation as KmsOperation;
use crate::secretsmanager::Operation as SmOperation;

/// A service served on the awsJson1_1 edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// AWS Secrets Manager (`secretsmanager.*`).
    SecretsManager,
    /// AWS KMS (`TrentService.*`).
    Kms,
}

impl Service {
    /// Every service this build serves, for the health endpoint.
    pub const ALL: [Service; 2] = [Service::SecretsManager, Service::Kms];

    /// The service for an `X-Amz-Target` prefix.
    pub fn from_target_prefix(prefix: &str) -> Option<Service> {
        match prefix {
            "secretsmanager" => Some(Service::SecretsManager),
            "TrentService" => Some(Service::Kms),
            _ => None,
        }
    }

    /// The `X-Amz-Target` prefix, the service's name in its model.
    pub fn target_prefix(self) -> &'static str {
        match self {
            Service::SecretsManager => "secretsmanager",
            Service::Kms => "TrentService",
        }
    }

    /// The SigV4 signing name that must appear in the credential scope.
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::SecretsManager => "secretsmanager",
            Service::Kms => "kms",
        }
    }
}

/// A resolved operation of one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A Secrets Manager operation.
    SecretsManager(SmOperation),
    /// A KMS operation.
    Kms(KmsOperation),
}

impl Target {
    /// The operation's name, as in the model (for logs and the audit trail).
    pub fn operation_name(self) -> &'static str {
        match self {
            Target::SecretsManager(op) => op.name(),
            Target::Kms(op) => op.name(),
        }
    }
}

/// Splits `X-Amz-Target` into the service and the (not yet resolved) operation name.
pub fn split_target(header: &str) -> Option<(Service, &str)> {
    let (prefix, operation) = header.split_once('.')?;
    Some((Service::from_target_prefix(prefix)?, operation))
}

/// The longest part of an unknown operation name quoted back: the header is the client's, and
/// the answer stays small whatever it sent.
const MAX_QUOTED_OPERATION: usize = 128;

/// The `UnknownOperationException` text for `operation`, which `service` does not have:
/// `Unknown operation NoSuchOperation for service TrentService.` (AWS sends no message;
/// naming what was asked makes a typo or a too-new SDK obvious). A name longer than
/// `MAX_QUOTED_OPERATION` characters is cut, with `...`.
pub fn unknown_operation_message(service: Service, operation: &str) -> String {
    let quoted: String = operation.chars().take(MAX_QUOTED_OPERATION).collect();
    let cut = if quoted.len() < operation.len() {
        "..."
    } else {
        ""
    };
    format!(
        "Unknown operation {quoted}{cut} for service {}.",
        service.target_prefix()
    )
}

/// Resolves the operation name within its service.
pub fn resolve(service: Service, operation: &str) -> Option<Target> {
    match service {
        Service::SecretsManager => SmOperation::from_name(operation).map(Target::SecretsManager),
        Service::Kms => KmsOperation::from_name(operation).map(Target::Kms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_known_targets_only() {
        let (service, op) = split_target("secretsmanager.GetSecretValue").unwrap();
        assert_eq!(service.signing_name(), "secretsmanager");
        assert!(resolve(service, op).is_some());
        assert!(resolve(service, "Nope").is_none());
        assert!(split_target("nope.GetSecretValue").is_none());
        assert!(split_target("secretsmanager").is_none());
        let (kms, op) = split_target("TrentService.DescribeKey").unwrap();
        assert_eq!(kms.signing_name(), "kms");
        assert!(resolve(kms, op).is_some());
        for service in Service::ALL {
            assert_eq!(
                split_target(&format!("{}.X", service.target_prefix())).map(|t| t.0),
                Some(service)
            );
        }
    }

    #[test]
    fn unknown_operations_are_named_within_bounds() {
        assert_eq!(
            unknown_operation_message(Service::Kms, "NoSuchOperation"),
            "Unknown operation NoSuchOperation for service TrentService."
        );
        let long = "x".repeat(10_000);
        let message = unknown_operation_message(Service::SecretsManager, &long);
        assert!(message.len() < 200, "{}", message.len());
        assert!(message.ends_with("... for service secretsmanager."));
    }
}
