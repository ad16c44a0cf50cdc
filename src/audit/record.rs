//! One CloudTrail record and the `userIdentity` shapes Lockbox emits (reference §6.1-6.2).

use std::collections::BTreeMap;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A field that is usually a fixed name but may be read back from the store.
pub type Text = Cow<'static, str>;

/// Who made a call, as CloudTrail's `userIdentity`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    /// `Root` for account credentials, `IAMUser` for configured users.
    #[serde(rename = "type")]
    pub kind: Text,
    /// Principal id (the account id for root).
    pub principal_id: String,
    /// Principal ARN.
    pub arn: String,
    /// Owning account.
    pub account_id: String,
    /// The access key the request was signed with.
    pub access_key_id: String,
    /// IAM user name, for IAM users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The service that relayed the call, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<Text>,
}

impl UserIdentity {
    /// The root identity of `account`.
    pub fn root(account: &str, access_key_id: &str) -> Self {
        UserIdentity {
            kind: Cow::Borrowed("Root"),
            principal_id: account.to_owned(),
            arn: format!("arn:aws:iam::{account}:root"),
            account_id: account.to_owned(),
            access_key_id: access_key_id.to_owned(),
            user_name: None,
            invoked_by: None,
        }
    }

    /// The identity behind a principal ARN (`...:root` or `...:user/<name>`).
    pub fn of(arn: &str, account: &str, access_key_id: &str) -> Self {
        match arn.rsplit_once(":user/") {
            Some((_, name)) => UserIdentity {
                kind: Cow::Borrowed("IAMUser"),
                principal_id: access_key_id.to_owned(),
                arn: arn.to_owned(),
                account_id: account.to_owned(),
                access_key_id: access_key_id.to_owned(),
                user_name: Some(name.to_owned()),
                invoked_by: None,
            },
            None => UserIdentity {
                arn: arn.to_owned(),
                ..UserIdentity::root(account, access_key_id)
            },
        }
    }
}

/// A KMS call Secrets Manager made for a caller.
#[derive(Debug, Clone)]
pub struct KmsCall {
    /// `GenerateDataKey` or `Decrypt`.
    pub event_name: &'static str,
    /// The key used.
    pub key_arn: String,
    /// The encryption context (logged in plaintext, as CloudTrail does).
    pub encryption_context: BTreeMap<String, String>,
    /// The caller Secrets Manager acted for.
    pub identity: UserIdentity,
    /// Region of the call.
    pub region: String,
    /// The Secrets Manager request id.
    pub request_id: String,
    /// When it happened (virtual clock).
    pub at: OffsetDateTime,
    /// The KMS error code, when the call failed.
    pub error_code: Option<&'static str>,
}

/// A CloudTrail management-event record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    event_version: Text,
    user_identity: UserIdentity,
    /// RFC 3339 time of the event (second precision).
    pub event_time: String,
    event_source: Text,
    event_name: Text,
    aws_region: String,
    #[serde(rename = "sourceIPAddress")]
    source_ip_address: Text,
    user_agent: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<Text>,
    request_parameters: Value,
    response_elements: Value,
    #[serde(rename = "requestID")]
    request_id: String,
    #[serde(rename = "eventID")]
    event_id: String,
    read_only: bool,
    resources: Value,
    event_type: Text,
    management_event: bool,
    /// The account the record belongs to.
    pub recipient_account_id: String,
    event_category: Text,
}

impl AuditRecord {
    /// The region of the event.
    pub fn aws_region(&self) -> &str {
        &self.aws_region
    }
}

/// The service that relays Secrets Manager's KMS calls.
const SECRETS_MANAGER: &str = "secretsmanager.amazonaws.com";

impl AuditRecord {
    /// The KMS event behind a Secrets Manager call (reference §5): the caller's identity plus
    /// `invokedBy`, source and user agent `secretsmanager.amazonaws.com`, key ARN and context.
    pub fn kms_call_via_secrets_manager(call: KmsCall) -> AuditRecord {
        let mut request_parameters = json!({
            "keyId": call.key_arn,
            "encryptionContext": call.encryption_context,
        });
        match call.event_name {
            "GenerateDataKey" => request_parameters["keySpec"] = json!("AES_256"),
            _ => request_parameters["encryptionAlgorithm"] = json!("SYMMETRIC_DEFAULT"),
        }
        let account = call.identity.account_id.clone();
        AuditRecord {
            event_version: Cow::Borrowed("1.11"),
            user_identity: UserIdentity {
                invoked_by: Some(Cow::Borrowed(SECRETS_MANAGER)),
                ..call.identity
            },
            event_time: call
                .at
                .replace_nanosecond(0)
                .unwrap_or(call.at)
                .format(&Rfc3339)
                .unwrap_or_default(),
            event_source: Cow::Borrowed("kms.amazonaws.com"),
            event_name: Cow::Borrowed(call.event_name),
            aws_region: call.region,
            source_ip_address: Cow::Borrowed(SECRETS_MANAGER),
            user_agent: Cow::Borrowed(SECRETS_MANAGER),
            error_code: call.error_code.map(Cow::Borrowed),
            request_parameters,
            response_elements: Value::Null,
            request_id: call.request_id,
            event_id: uuid::Uuid::new_v4().to_string(),
            read_only: true,
            resources: json!([{"ARN": call.key_arn, "accountId": account, "type": "AWS::KMS::Key"}]),
            event_type: Cow::Borrowed("AwsApiCall"),
            management_event: true,
            recipient_account_id: account,
            event_category: Cow::Borrowed("Management"),
        }
    }
}
