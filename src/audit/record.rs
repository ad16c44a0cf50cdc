//! One CloudTrail record and the `userIdentity` shapes Lockbox emits: the record of a call a
//! client made ([`ApiCall`], produced at the protocol edge) and the record of a KMS call
//! Secrets Manager made on a caller's behalf ([`KmsCall`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::bounds::{bounded_members, bounded_text, retained_bytes};
use crate::api::{Principal, PrincipalKind};

/// A field that is usually a fixed name but may be read back from the store.
pub type Text = Cow<'static, str>;

/// Who made a call, as CloudTrail's `userIdentity`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    /// `Root` for account credentials, `IAMUser` for configured users, `AssumedRole` for role
    /// sessions.
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
    /// For temporary credentials: the role behind a role session, and whether MFA was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_context: Option<SessionContext>,
}

/// CloudTrail's `sessionContext` of a call made with temporary credentials.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext {
    /// The role a role session was issued for (absent for `GetSessionToken` sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_issuer: Option<SessionIssuer>,
    /// `{"mfaAuthenticated": "true" | "false"}`.
    pub attributes: BTreeMap<String, String>,
}

/// The role behind a role session.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer {
    /// Always `Role`.
    #[serde(rename = "type")]
    pub kind: Text,
    /// The role's unique id (`AROA...`).
    pub principal_id: String,
    /// The role's ARN.
    pub arn: String,
    /// The role's account.
    pub account_id: String,
    /// The role's name.
    pub user_name: String,
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
            session_context: None,
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
                session_context: None,
            },
            None => UserIdentity {
                arn: arn.to_owned(),
                ..UserIdentity::root(account, access_key_id)
            },
        }
    }

    /// The identity of an authenticated caller; temporary credentials add their
    /// `sessionContext` (a role session is `AssumedRole`, with the role as session issuer).
    pub fn of_principal(principal: &Principal) -> Self {
        if principal.arn.is_empty() {
            // An unsigned request (AssumeRoleWithWebIdentity): nobody AWS knows yet.
            return UserIdentity {
                kind: Cow::Borrowed("Unknown"),
                principal_id: String::new(),
                arn: String::new(),
                account_id: principal.account_id.clone(),
                access_key_id: String::new(),
                user_name: None,
                invoked_by: None,
                session_context: None,
            };
        }
        let mut identity = match &principal.kind {
            PrincipalKind::AssumedRole { .. } => UserIdentity {
                kind: Cow::Borrowed("AssumedRole"),
                principal_id: principal.user_id.clone(),
                arn: principal.arn.clone(),
                account_id: principal.account_id.clone(),
                access_key_id: principal.access_key_id.clone(),
                user_name: None,
                invoked_by: None,
                session_context: None,
            },
            _ => UserIdentity::of(
                &principal.arn,
                &principal.account_id,
                &principal.access_key_id,
            ),
        };
        let issuer = match &principal.kind {
            PrincipalKind::AssumedRole { role_arn, .. } => Some(SessionIssuer {
                kind: Cow::Borrowed("Role"),
                principal_id: principal
                    .user_id
                    .split_once(':')
                    .map_or(principal.user_id.as_str(), |(role_id, _)| role_id)
                    .to_owned(),
                arn: role_arn.clone(),
                account_id: principal.account_id.clone(),
                user_name: role_arn.rsplit('/').next().unwrap_or_default().to_owned(),
            }),
            _ => None,
        };
        if let Some(session) = &principal.session {
            let mfa = session.mfa_authenticated_at.is_some();
            identity.session_context = Some(SessionContext {
                session_issuer: issuer,
                attributes: BTreeMap::from([("mfaAuthenticated".to_owned(), mfa.to_string())]),
            });
        }
        identity
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
    /// The record's `eventID` (made by the caller, so a key's last use can name it).
    pub event_id: String,
    /// When it happened (virtual clock).
    pub at: OffsetDateTime,
    /// The KMS error code, when the call failed.
    pub error_code: Option<&'static str>,
}

/// A call a client made to a service, as the protocol edge saw it.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// CloudTrail's `eventSource`, e.g. `secretsmanager.amazonaws.com`.
    pub event_source: &'static str,
    /// The operation, e.g. `GetSecretValue`.
    pub event_name: &'static str,
    /// True when the operation changes no state.
    pub read_only: bool,
    /// The caller.
    pub identity: UserIdentity,
    /// Region of the call.
    pub region: String,
    /// The request id sent in `x-amzn-RequestId`.
    pub request_id: String,
    /// The record's `eventID`, made at the edge with the request id.
    pub event_id: String,
    /// When it happened (virtual clock).
    pub at: OffsetDateTime,
    /// The caller's address, when the server knows it.
    pub source_ip_address: Option<String>,
    /// The caller's `User-Agent`, if it sent one.
    pub user_agent: Option<String>,
    /// The audited request members (`null` when none); never a secret value.
    pub request_parameters: Value,
    /// The audited response members of a successful write (`null` otherwise).
    pub response_elements: Value,
    /// The error code and message, when the call failed.
    pub error: Option<(&'static str, Option<String>)>,
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
    #[serde(rename = "sourceIPAddress", skip_serializing_if = "Option::is_none")]
    source_ip_address: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_agent: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
    request_parameters: Value,
    response_elements: Value,
    #[serde(rename = "requestID")]
    request_id: String,
    #[serde(rename = "eventID")]
    event_id: String,
    read_only: bool,
    #[serde(default, skip_serializing_if = "Value::is_null")]
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

    /// True for a call a service made on a caller's behalf (`userIdentity.invokedBy`).
    pub fn is_relayed(&self) -> bool {
        self.user_identity.invoked_by.is_some()
    }

    /// An estimate of the memory the record holds: its own size plus its text and JSON.
    pub fn retained_bytes(&self) -> usize {
        fn text(text: &Text) -> usize {
            match text {
                Cow::Borrowed(_) => 0,
                Cow::Owned(owned) => owned.len(),
            }
        }
        fn optional(value: Option<&Text>) -> usize {
            value.map_or(0, text)
        }
        let identity = &self.user_identity;
        let identity_bytes = text(&identity.kind)
            + identity.principal_id.len()
            + identity.arn.len()
            + identity.account_id.len()
            + identity.access_key_id.len()
            + identity.user_name.as_ref().map_or(0, String::len)
            + optional(identity.invoked_by.as_ref());
        std::mem::size_of::<AuditRecord>()
            + identity_bytes
            + text(&self.event_version)
            + self.event_time.len()
            + text(&self.event_source)
            + text(&self.event_name)
            + self.aws_region.len()
            + optional(self.source_ip_address.as_ref())
            + optional(self.user_agent.as_ref())
            + optional(self.error_code.as_ref())
            + self.error_message.as_ref().map_or(0, String::len)
            + retained_bytes(&self.request_parameters)
            + retained_bytes(&self.response_elements)
            + self.request_id.len()
            + self.event_id.len()
            + retained_bytes(&self.resources)
            + text(&self.event_type)
            + self.recipient_account_id.len()
            + text(&self.event_category)
    }
}

/// The service that relays Secrets Manager's KMS calls.
const SECRETS_MANAGER: &str = "secretsmanager.amazonaws.com";

impl AuditRecord {
    /// The record of a call a client made: who, what, when, from where, the audited request
    /// and response members, and how it failed if it did.
    ///
    /// What came from the client is bounded as CloudTrail bounds it ([`super::bounds`]): the error
    /// message and user agent are cut at 1 KB, the parameters and elements kept within 100 KB.
    pub fn api_call(call: ApiCall) -> AuditRecord {
        let (error_code, error_message) = match call.error {
            Some((code, message)) => (Some(Cow::Borrowed(code)), message.map(bounded_text)),
            None => (None, None),
        };
        AuditRecord {
            source_ip_address: call.source_ip_address.map(Cow::Owned),
            user_agent: call.user_agent.map(|agent| Cow::Owned(bounded_text(agent))),
            error_code,
            error_message,
            request_parameters: bounded_members(call.request_parameters),
            response_elements: bounded_members(call.response_elements),
            read_only: call.read_only,
            event_id: call.event_id,
            ..AuditRecord::management_event(
                call.identity,
                call.at,
                call.event_source,
                call.event_name,
                call.region,
                call.request_id,
            )
        }
    }

    /// The KMS event behind a Secrets Manager call: the caller's identity plus `invokedBy`,
    /// source and user agent `secretsmanager.amazonaws.com`, key ARN and context.
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
        let identity = UserIdentity {
            invoked_by: Some(Cow::Borrowed(SECRETS_MANAGER)),
            ..call.identity
        };
        AuditRecord {
            source_ip_address: Some(Cow::Borrowed(SECRETS_MANAGER)),
            user_agent: Some(Cow::Borrowed(SECRETS_MANAGER)),
            error_code: call.error_code.map(Cow::Borrowed),
            request_parameters,
            read_only: true,
            resources: json!([{"ARN": call.key_arn, "accountId": account, "type": "AWS::KMS::Key"}]),
            event_id: call.event_id,
            ..AuditRecord::management_event(
                identity,
                call.at,
                "kms.amazonaws.com",
                call.event_name,
                call.region,
                call.request_id,
            )
        }
    }

    /// The fields every management event has, with no parameters, elements, error or
    /// resources yet.
    fn management_event(
        identity: UserIdentity,
        at: OffsetDateTime,
        event_source: &'static str,
        event_name: &'static str,
        region: String,
        request_id: String,
    ) -> AuditRecord {
        AuditRecord {
            event_version: Cow::Borrowed("1.11"),
            recipient_account_id: identity.account_id.clone(),
            user_identity: identity,
            event_time: at
                .replace_nanosecond(0)
                .unwrap_or(at)
                .format(&Rfc3339)
                .unwrap_or_default(),
            event_source: Cow::Borrowed(event_source),
            event_name: Cow::Borrowed(event_name),
            aws_region: region,
            source_ip_address: None,
            user_agent: None,
            error_code: None,
            error_message: None,
            request_parameters: Value::Null,
            response_elements: Value::Null,
            request_id,
            event_id: crate::crypto::random_uuid(),
            read_only: false,
            resources: Value::Null,
            event_type: Cow::Borrowed("AwsApiCall"),
            management_event: true,
            event_category: Cow::Borrowed("Management"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod session_identity_tests {
    use super::*;
    use crate::api::with_test_session;

    #[test]
    fn a_role_session_is_an_assumed_role_with_its_issuer() {
        let session = with_test_session(
            Principal::from_arn(
                "123456789012",
                "arn:aws:sts::123456789012:assumed-role/RoleName/MySession",
                "ASIAEXAMPLE",
            ),
            false,
        );
        let identity = serde_json::to_value(UserIdentity::of_principal(&session)).unwrap();
        let role_id = session.user_id.split(':').next().unwrap();
        assert_eq!(
            identity,
            json!({
                "type": "AssumedRole",
                "principalId": session.user_id,
                "arn": "arn:aws:sts::123456789012:assumed-role/RoleName/MySession",
                "accountId": "123456789012",
                "accessKeyId": "ASIAEXAMPLE",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": role_id,
                        "arn": "arn:aws:iam::123456789012:role/RoleName",
                        "accountId": "123456789012",
                        "userName": "RoleName"
                    },
                    "attributes": {"mfaAuthenticated": "false"}
                }
            })
        );
    }

    #[test]
    fn a_user_session_keeps_the_user_and_says_whether_mfa_was_used() {
        let user = Principal::from_arn(
            "123456789012",
            "arn:aws:iam::123456789012:user/Alice",
            "ASIAX",
        );
        let identity = serde_json::to_value(UserIdentity::of_principal(&with_test_session(
            user.clone(),
            true,
        )))
        .unwrap();
        assert_eq!(identity["type"], "IAMUser");
        assert_eq!(identity["userName"], "Alice");
        assert_eq!(
            identity["sessionContext"],
            json!({"attributes": {"mfaAuthenticated": "true"}})
        );
        let long_term = serde_json::to_value(UserIdentity::of_principal(&user)).unwrap();
        assert!(long_term.get("sessionContext").is_none());
    }

    #[test]
    fn an_unsigned_caller_is_unknown_not_root() {
        let nobody = Principal::from_arn("123456789012", "", "");
        let identity = serde_json::to_value(UserIdentity::of_principal(&nobody)).unwrap();
        assert_eq!(identity["type"], "Unknown");
        assert_eq!(identity["arn"], "");
        assert_eq!(identity["accountId"], "123456789012");
    }
}
