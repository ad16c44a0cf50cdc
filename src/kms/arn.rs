//! The ARNs KMS names keys and aliases by: `arn:aws:kms:<region>:<account>:key/<key id>` and
//! `arn:aws:kms:<region>:<account>:alias/<name>`. Every KMS ARN is built here.

use super::KmsCaller;

/// The part every KMS ARN of a partition starts with: `arn:aws:kms:<region>:<account>:`.
pub fn partition_prefix(region: &str, account: &str) -> String {
    format!("arn:aws:kms:{region}:{account}:")
}

/// The ARN of key `key_id` in (`region`, `account`).
pub fn key_arn(region: &str, account: &str, key_id: &str) -> String {
    format!("{}key/{key_id}", partition_prefix(region, account))
}

/// The ARN of alias `alias` (`alias/<name>`) in (`region`, `account`).
pub fn alias_arn(region: &str, account: &str, alias: &str) -> String {
    format!("{}{alias}", partition_prefix(region, account))
}

impl KmsCaller<'_> {
    /// The ARN of key `key_id` in the caller's partition.
    pub fn key_arn(&self, key_id: &str) -> String {
        key_arn(self.region, self.account, key_id)
    }

    /// The ARN of alias `alias` (`alias/<name>`) in the caller's partition.
    pub fn alias_arn(&self, alias: &str) -> String {
        alias_arn(self.region, self.account, alias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_the_partition() {
        assert_eq!(
            key_arn("us-east-1", "111122223333", "k"),
            "arn:aws:kms:us-east-1:111122223333:key/k"
        );
        assert_eq!(
            alias_arn("eu-west-1", "111122223333", "alias/a"),
            "arn:aws:kms:eu-west-1:111122223333:alias/a"
        );
    }
}
