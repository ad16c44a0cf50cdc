//! CreateGrant: stores a grant on a usable customer managed key (key id or key ARN) and
//! returns its `GrantId` and a fresh `GrantToken`. With `Name`, a retry with identical terms
//! returns the same `GrantId` and a new token (all tokens of a grant are interchangeable);
//! the same name with different terms makes a new grant, as the model documents.

use serde::{Deserialize, Serialize};

use super::super::grants::{Constraints, Grant, GrantTerms};
use super::super::key_spec::{KeyType, KeyUsage};
use super::super::{EncryptionContext, KmsError, LocalKms};
use super::input::{finish, validate_grant_tokens, validate_key_id, validate_principal};
use super::key_op::{KeyRule, write_key};
use super::support::check_grant_tokens;
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// What CreateGrant requires of the key.
const CREATE_GRANT: KeyRule = KeyRule::usable("kms:CreateGrant");

/// `GrantOperation`, in the model's order.
pub const GRANT_OPERATIONS: [&str; 17] = [
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
];

/// Whether a key of `key_type` supports the grant operation `op`: every key supports
/// DescribeKey, CreateGrant and RetireGrant; the rest follow its kind (symmetric keys the
/// data-key operations, key pairs GetPublicKey and their usage's operations, HMAC keys the
/// MAC operations).
fn supports(key_type: KeyType, op: &str) -> bool {
    if matches!(op, "DescribeKey" | "CreateGrant" | "RetireGrant") {
        return true;
    }
    let usage_ops: &[&str] = match key_type.usage() {
        KeyUsage::EncryptDecrypt if key_type.is_symmetric() => &[
            "Encrypt",
            "Decrypt",
            "ReEncryptFrom",
            "ReEncryptTo",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext",
        ],
        KeyUsage::EncryptDecrypt => &[
            "Encrypt",
            "Decrypt",
            "ReEncryptFrom",
            "ReEncryptTo",
            "GetPublicKey",
        ],
        KeyUsage::SignVerify => &["Sign", "Verify", "GetPublicKey"],
        KeyUsage::KeyAgreement => &["DeriveSharedSecret", "GetPublicKey"],
        KeyUsage::GenerateVerifyMac => &["GenerateMac", "VerifyMac"],
    };
    usage_ops.contains(&op)
}

/// The kind of key, as the refusal of an unsupported grant operation names it.
fn kind_name(key_type: KeyType) -> String {
    match key_type.is_symmetric() {
        true => "a symmetric encryption KMS key".to_owned(),
        false => format!(
            "a KMS key with KeySpec {} and KeyUsage {}",
            key_type.spec().as_str(),
            key_type.usage().as_str()
        ),
    }
}

/// `GrantConstraints` on the wire.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GrantConstraintsShape {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_context_subset: Option<EncryptionContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_context_equals: Option<EncryptionContext>,
}

impl From<GrantConstraintsShape> for Constraints {
    fn from(shape: GrantConstraintsShape) -> Self {
        Constraints {
            subset: shape.encryption_context_subset,
            equals: shape.encryption_context_equals,
        }
    }
}

impl From<&Constraints> for GrantConstraintsShape {
    fn from(constraints: &Constraints) -> Self {
        GrantConstraintsShape {
            encryption_context_subset: constraints.subset.clone(),
            encryption_context_equals: constraints.equals.clone(),
        }
    }
}

/// CreateGrant input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGrantInput {
    key_id: Option<String>,
    grantee_principal: Option<String>,
    retiring_principal: Option<String>,
    operations: Option<Vec<String>>,
    constraints: Option<GrantConstraintsShape>,
    grant_tokens: Option<Vec<String>>,
    name: Option<String>,
    dry_run: Option<bool>,
}

/// CreateGrant output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGrantOutput {
    grant_token: String,
    grant_id: String,
}

/// A valid CreateGrant request.
struct GrantRequest {
    key_id: String,
    /// The grant's terms, operations sorted and without duplicates.
    terms: GrantTerms,
    dry_run: bool,
}

/// The model's `GrantNameType` pattern.
fn is_grant_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":/_-".contains(c))
}

impl CreateGrantInput {
    fn validate(self) -> Result<GrantRequest, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("GranteePrincipal", self.grantee_principal.as_ref());
        validate_principal(
            &mut v,
            "GranteePrincipal",
            self.grantee_principal.as_deref(),
        );
        validate_principal(
            &mut v,
            "RetiringPrincipal",
            self.retiring_principal.as_deref(),
        );
        v.required("Operations", self.operations.as_ref());
        let enum_set = format!(
            "Member must satisfy enum value set: [{}]",
            GRANT_OPERATIONS.join(", ")
        );
        v.list_members(
            "Operations",
            self.operations.as_deref(),
            &[enum_set],
            |op| GRANT_OPERATIONS.contains(&op),
        );
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        v.length("Name", self.name.as_deref(), 1, 256, Echo::Value);
        v.pattern(
            "Name",
            self.name.as_deref(),
            "^[a-zA-Z0-9:/_-]+$",
            is_grant_name,
        );
        let (key_id, grantee_principal, mut operations) =
            finish(v, (self.key_id, self.grantee_principal, self.operations))?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        operations.sort();
        operations.dedup();
        Ok(GrantRequest {
            key_id,
            terms: GrantTerms {
                name: self.name,
                grantee_principal,
                retiring_principal: self.retiring_principal,
                operations,
                constraints: self.constraints.map(Constraints::from),
            },
            dry_run: self.dry_run == Some(true),
        })
    }
}

/// Serves CreateGrant.
pub fn create_grant(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: CreateGrantInput,
) -> Result<CreateGrantOutput, KmsError> {
    let GrantRequest {
        key_id,
        terms,
        dry_run,
    } = input.validate()?;
    write_key(kms, ctx, &key_id, CREATE_GRANT, |key| {
        let unsupported: Vec<&str> = terms
            .operations
            .iter()
            .map(String::as_str)
            .filter(|op| !supports(key.key_type, op))
            .collect();
        if !unsupported.is_empty() {
            // The model documents a validation error here; AWS's wording is not documented.
            return Err(KmsError::Validation(format!(
                "Grant operations [{}] are not supported by {}.",
                unsupported.join(", "),
                kind_name(key.key_type)
            )));
        }
        // Encryption-context constraints only mean something for operations that take a
        // context, which only symmetric encryption keys serve.
        if terms.constraints.is_some() && !key.key_type.is_symmetric() {
            return Err(KmsError::Validation(format!(
                "Grant constraints are not supported by {}.",
                kind_name(key.key_type)
            )));
        }
        if dry_run {
            return Err(KmsError::DryRun);
        }
        let existing = terms
            .name
            .is_some()
            .then(|| key.grants.iter_mut().find(|g| g.terms == terms))
            .flatten();
        let grant = match existing {
            Some(grant) => grant,
            None => {
                key.grants
                    .push(Grant::new(terms, &ctx.principal.account_id, ctx.now));
                key.grants.last_mut().ok_or(KmsError::Internal)?
            }
        };
        Ok(CreateGrantOutput {
            grant_token: grant.issue_token(),
            grant_id: grant.id.clone(),
        })
    })
}
