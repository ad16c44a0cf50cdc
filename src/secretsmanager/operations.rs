//! The Secrets Manager operation table: one line per served operation (model name, read or
//! write, handler in `ops/`), and what the audit trail records of a call.

use super::error::SmError;
use super::{SecretsManager, ops};
use crate::api::operation::{JsonService, operations, stateless};

operations! {
    /// The Secrets Manager operations Lockbox serves.
    pub enum Operation for SecretsManager {
        read BatchGetSecretValue => ops::batch_get_secret_value;
        write CreateSecret => ops::create_secret;
        write DeleteResourcePolicy => ops::delete_resource_policy;
        write DeleteSecret => ops::delete_secret;
        read DescribeSecret => ops::describe_secret;
        read GetRandomPassword => stateless(ops::get_random_password);
        read GetResourcePolicy => ops::get_resource_policy;
        read GetSecretValue => ops::get_secret_value;
        read ListSecretVersionIds => ops::list_secret_version_ids;
        read ListSecrets => ops::list_secrets;
        write PutResourcePolicy => ops::put_resource_policy;
        write PutSecretValue => ops::put_secret_value;
        write RestoreSecret => ops::restore_secret;
        write TagResource => ops::tag_resource;
        write UntagResource => ops::untag_resource;
        write UpdateSecret => ops::update_secret;
        write UpdateSecretVersionStage => ops::update_secret_version_stage;
        read ValidateResourcePolicy => ops::validate_resource_policy;
    }
}

impl JsonService for SecretsManager {
    type Error = SmError;
    const EVENT_SOURCE: &'static str = "secretsmanager.amazonaws.com";
    /// Identifiers and options, as CloudTrail shows them; never `SecretString`,
    /// `SecretBinary`, `RotationToken` or a resource policy.
    const AUDITED_REQUEST_MEMBERS: &'static [&'static str] = &[
        "BlockPublicPolicy",
        "ClientRequestToken",
        "Description",
        "Filters",
        "ForceDeleteWithoutRecovery",
        "IncludeDeprecated",
        "IncludePlannedDeletion",
        "KmsKeyId",
        "MaxResults",
        "MoveToVersionId",
        "Name",
        "NextToken",
        "PasswordLength",
        "RecoveryWindowInDays",
        "RemoveFromVersionId",
        "SecretId",
        "SecretIdList",
        "SortBy",
        "SortOrder",
        "TagKeys",
        "Tags",
        "Type",
        "VersionId",
        "VersionStage",
        "VersionStages",
    ];
    const AUDITED_RESPONSE_MEMBERS: &'static [&'static str] =
        &["ARN", "DeletionDate", "Name", "VersionId"];
}

#[cfg(test)]
mod tests {
    use super::Operation;
    use crate::api::operation::OperationTable;

    #[test]
    fn every_name_resolves_to_its_operation_and_nothing_else_does() {
        assert_eq!(Operation::ALL.len(), 18);
        for &op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
        }
        let mut names: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
        assert!(names.is_sorted(), "the table is in alphabetical order");
        assert_eq!(Operation::from_name("RotateSecret"), None);
        assert_eq!(Operation::from_name("getsecretvalue"), None);
        assert_eq!(Operation::from_name(""), None);
    }

    #[test]
    fn reads_and_writes_are_marked() {
        assert!(Operation::GetSecretValue.read_only());
        assert!(Operation::GetRandomPassword.read_only());
        assert!(!Operation::CreateSecret.read_only());
        assert!(!Operation::TagResource.read_only());
        assert_eq!(
            <Operation as OperationTable>::ALL.len(),
            Operation::ALL.len()
        );
    }
}
