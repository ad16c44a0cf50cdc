//! The MFA check of `GetSessionToken` and `AssumeRole`: `SerialNumber` and `TokenCode` go
//! together, and the code is judged by the identity directory (IAM's virtual devices).

use time::OffsetDateTime;

use crate::api::Principal;
use crate::api::validate::{Echo, Validator};
use crate::identity::{IdentityDirectory, MfaVerdict};
use crate::sts::StsError;

/// AWS's text for a wrong (or reused) code; seen in public reports of real responses.
pub const WRONG_CODE: &str =
    "MultiFactorAuthentication failed with invalid MFA one time pass code.";
/// AWS's text for a device that is not the caller's (two spaces after the first sentence, as
/// AWS writes it).
pub const UNKNOWN_DEVICE: &str = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.";

/// The model's constraints on the two members.
pub fn validate(validator: &mut Validator, serial_number: Option<&str>, token_code: Option<&str>) {
    validator.length("SerialNumber", serial_number, 9, 256, Echo::Value);
    validator.pattern("SerialNumber", serial_number, r"[\w+=/:,.@-]*", |value| {
        value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c))
    });
    validator.length("TokenCode", token_code, 6, 6, Echo::Value);
    validator.pattern("TokenCode", token_code, r"[\d]*", |value| {
        value.bytes().all(|b| b.is_ascii_digit())
    });
}

/// When the session was authenticated with MFA: `None` without `SerialNumber`, `now` when
/// the code is right, else the refusal. A serial number without a code fails like a wrong
/// code (not confirmed against AWS).
pub fn authenticate(
    directory: &dyn IdentityDirectory,
    caller: &Principal,
    serial_number: Option<&str>,
    token_code: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, StsError> {
    let Some(serial_number) = serial_number else {
        return Ok(None);
    };
    let Some(code) = token_code else {
        return Err(StsError::AccessDenied(WRONG_CODE.into()));
    };
    match directory.verify_mfa(caller, serial_number, code, now) {
        MfaVerdict::Valid => Ok(Some(now)),
        MfaVerdict::WrongCode => Err(StsError::AccessDenied(WRONG_CODE.into())),
        MfaVerdict::UnknownDevice => Err(StsError::AccessDenied(UNKNOWN_DEVICE.into())),
    }
}
