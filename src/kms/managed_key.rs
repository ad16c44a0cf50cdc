//! The AWS managed key `aws/secretsmanager` as AWS defines it: its description and its key
//! policy (`auto-secretsmanager-2`). `LocalKms` creates the key lazily per (account, region)
//! from these.

/// Description AWS gives the `aws/secretsmanager` key.
pub const MANAGED_KEY_DESCRIPTION: &str =
    "Default key that protects my Secrets Manager data when no other key is defined";

/// The key policy of `aws/secretsmanager` (`auto-secretsmanager-2`): usable
/// through Secrets Manager by everyone in the account, metadata readable by the account.
pub fn managed_key_policy(account: &str, region: &str) -> String {
    let via = "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager";
    serde_json::to_string_pretty(&serde_json::json!({
        "Version": "2012-10-17",
        "Id": "auto-secretsmanager-2",
        "Statement": [
            {
                "Sid": via,
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:CallerAccount": account,
                    "kms:ViaService": format!("secretsmanager.{region}.amazonaws.com")}}
            },
            {
                "Sid": via,
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": account},
                    "StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*"
            }
        ]
    }))
    .unwrap_or_default()
}
