//! What a request claims about its caller when nothing is verified (`--auth off`): the access
//! key id and region of its credential, read with the same parser verification uses, so a
//! request is never read one way when verified and another way when not.
//!
//! Checked: one `Authorization` header, its syntax, a credential of five elements with a
//! well-formed region; each refusal is the error verification gives for the same fault. Not
//! checked: completeness, date, clock skew, service, terminator, signature. A request with no
//! `Authorization` header, or one without a `Credential=`, claims nothing.

use super::Request;
use super::authorization::{parse_credential, parse_header, single_header};
use super::error::Error;
use super::verify::is_valid_region;

/// The caller a request names in its credential scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedCredential {
    /// The access key id, as written.
    pub access_key_id: String,
    /// The region of the credential scope (well-formed).
    pub region: String,
    /// The service (signing name) of the credential scope, as written.
    pub service: String,
}

/// Reads the credential of `req` without verifying anything; see the module docs.
pub(crate) fn claimed_credential(req: &Request<'_>) -> Result<Option<ClaimedCredential>, Error> {
    let Some(header) = single_header(req)? else {
        return Ok(None);
    };
    let auth = parse_header(&header)?;
    let Some(credential) = auth.credential.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let credential = parse_credential(credential)?;
    if !is_valid_region(credential.region) {
        return Err(Error::invalid_region(credential.region));
    }
    Ok(Some(ClaimedCredential {
        access_key_id: credential.access_key_id.to_owned(),
        region: credential.region.to_owned(),
        service: credential.service.to_owned(),
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::sigv4::ErrorKind;

    fn claim(authorization: &[&str]) -> Result<Option<ClaimedCredential>, Error> {
        let headers: Vec<(&str, &[u8])> = authorization
            .iter()
            .map(|value| ("authorization", value.as_bytes()))
            .collect();
        claimed_credential(&Request {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: b"{}",
        })
    }

    #[test]
    fn reads_key_and_region_without_checking_the_rest() {
        let header =
            "AWS4-HMAC-SHA256 Credential=111111111111/19990101/eu-west-1/kms/x, Signature=bad";
        assert_eq!(
            claim(&[header]).unwrap(),
            Some(ClaimedCredential {
                access_key_id: "111111111111".into(),
                region: "eu-west-1".into(),
                service: "kms".into(),
            })
        );
        assert_eq!(claim(&[]).unwrap(), None);
        assert_eq!(claim(&["AWS4-HMAC-SHA256 Signature=x"]).unwrap(), None);
        assert_eq!(claim(&["AWS4-HMAC-SHA256 Credential="]).unwrap(), None);
    }

    #[test]
    fn refuses_what_verification_refuses_in_the_credential() {
        let err =
            claim(&["AWS4-HMAC-SHA256 Credential=test/20250101/Not_A_Region/sm/aws4_request"])
                .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSignature);
        assert_eq!(
            err.message(),
            "Credential should be scoped to a valid region, not 'Not_A_Region'. "
        );

        let spaced = "AWS4-HMAC-SHA256 Credential=test/20250101/not a region!/secretsmanager/aws4_request, SignedHeaders=host, Signature=00";
        let err = claim(&[spaced]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            format!(
                "'a' not a valid key=value pair (missing equal-sign) in Authorization header: '{spaced}'."
            )
        );

        let err = claim(&["AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);

        let one = "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sm/aws4_request";
        let err = claim(&[one, one]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    }
}
