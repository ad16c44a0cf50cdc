//! Listeners that stand for VPC interface endpoints (`[[vpc_endpoints]]` in the config file).
//!
//! Each entry names an extra address to listen on, the endpoint id (`vpce-` + 17 hex digits)
//! and its VPC (`vpc-` + 8 or 17 hex digits), and optionally an endpoint policy (the JSON
//! text itself, or the path of a file holding it). Requests arriving on such a listener carry
//! `aws:SourceVpce` and `aws:SourceVpc` instead of `aws:SourceIp`, and must also be allowed by
//! the endpoint policy when there is one. Everything is checked when the configuration is
//! resolved, so a bad entry stops start-up with a message naming it.

use std::net::SocketAddr;
use std::sync::Arc;

use serde::Deserialize;

use crate::iam_policy::{self, ParseError, PolicyDocument};

/// One `[[vpc_endpoints]]` entry as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpointEntry {
    /// Address and port of the endpoint's listener.
    pub listen: SocketAddr,
    /// The endpoint id, `vpce-` + 17 hex digits.
    pub id: String,
    /// The endpoint's VPC, `vpc-` + 8 or 17 hex digits.
    pub vpc: String,
    /// The endpoint policy: JSON text (starting with `{`) or a file path.
    pub policy: Option<String>,
}

/// A resolved, validated VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcEndpoint {
    /// Address and port of the endpoint's listener.
    pub listen: SocketAddr,
    /// The endpoint id (`aws:SourceVpce`).
    pub id: String,
    /// The VPC id (`aws:SourceVpc`).
    pub vpc: String,
    /// The parsed endpoint policy; `None` allows everything (AWS's default full-access policy).
    pub policy: Option<Arc<PolicyDocument>>,
}

impl VpcEndpoint {
    /// Validates entry number `index` and parses its policy (reading it from a file when the
    /// text is not JSON).
    pub fn resolve(index: usize, entry: VpcEndpointEntry) -> Result<VpcEndpoint, String> {
        let name = format!("vpc_endpoints[{index}]");
        if !has_hex_suffix(&entry.id, "vpce-", &[17]) {
            return Err(format!(
                "{name}: id must be 'vpce-' followed by 17 lowercase hex digits, got '{}'",
                entry.id
            ));
        }
        if !has_hex_suffix(&entry.vpc, "vpc-", &[8, 17]) {
            return Err(format!(
                "{name} ({}): vpc must be 'vpc-' followed by 8 or 17 lowercase hex digits, got '{}'",
                entry.id, entry.vpc
            ));
        }
        let policy = match entry.policy {
            None => None,
            Some(given) => {
                let text = if given.trim_start().starts_with('{') {
                    given
                } else {
                    std::fs::read_to_string(&given).map_err(|error| {
                        format!(
                            "{name} ({}): cannot read the policy file {given}: {error}",
                            entry.id
                        )
                    })?
                };
                let document = iam_policy::parse(&text).map_err(|error| {
                    format!(
                        "{name} ({}): invalid endpoint policy: {}",
                        entry.id,
                        parse_problem(&error)
                    )
                })?;
                Some(Arc::new(document))
            }
        };
        Ok(VpcEndpoint {
            listen: entry.listen,
            id: entry.id,
            vpc: entry.vpc,
            policy,
        })
    }
}

/// Resolves every entry, refusing two endpoints with one id or one address.
pub fn resolve_all(entries: Vec<VpcEndpointEntry>) -> Result<Vec<VpcEndpoint>, String> {
    let mut endpoints: Vec<VpcEndpoint> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let endpoint = VpcEndpoint::resolve(index, entry)?;
        if endpoints.iter().any(|other| other.id == endpoint.id) {
            return Err(format!(
                "vpc_endpoints[{index}]: the id {} is used twice",
                endpoint.id
            ));
        }
        let port_chosen = endpoint.listen.port() != 0;
        if port_chosen
            && endpoints
                .iter()
                .any(|other| other.listen == endpoint.listen)
        {
            return Err(format!(
                "vpc_endpoints[{index}] ({}): the address {} is used twice",
                endpoint.id, endpoint.listen
            ));
        }
        endpoints.push(endpoint);
    }
    Ok(endpoints)
}

/// What is wrong with a policy the parser refused, in words.
fn parse_problem(error: &ParseError) -> String {
    match error {
        ParseError::NotJson => "it is not JSON".to_owned(),
        ParseError::NotAnObject => "it is not a JSON object".to_owned(),
        ParseError::MissingStatement => "it has no Statement".to_owned(),
        ParseError::BadStatement { index, reason } => format!("statement {index}: {reason}"),
        ParseError::BadVersion => "Version must be 2012-10-17 or 2008-10-17".to_owned(),
        ParseError::ConditionNotSupported { index } => {
            format!("statement {index} has a Condition this emulator does not evaluate")
        }
    }
}

/// True when `value` is `prefix` followed by lowercase hex digits, as many as one of `lengths`.
fn has_hex_suffix(value: &str, prefix: &str, lengths: &[usize]) -> bool {
    value.strip_prefix(prefix).is_some_and(|digits| {
        lengths.contains(&digits.len())
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, vpc: &str, policy: Option<&str>) -> VpcEndpointEntry {
        VpcEndpointEntry {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            id: id.to_owned(),
            vpc: vpc.to_owned(),
            policy: policy.map(str::to_owned),
        }
    }

    const ID: &str = "vpce-0123456789abcdef0";
    const VPC: &str = "vpc-0abcdef1234567890";

    #[test]
    fn a_valid_entry_resolves_with_its_policy_parsed() {
        let policy = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
        let endpoint = VpcEndpoint::resolve(0, entry(ID, VPC, Some(policy))).unwrap();
        assert_eq!(endpoint.id, ID);
        assert_eq!(endpoint.vpc, VPC);
        assert_eq!(endpoint.policy.unwrap().statements.len(), 1);
        let short_vpc = VpcEndpoint::resolve(0, entry(ID, "vpc-0abc1234", None)).unwrap();
        assert!(short_vpc.policy.is_none());
    }

    #[test]
    fn ids_of_the_wrong_shape_are_refused_with_the_entry_named() {
        for id in [
            "vpce-0123",
            "vpce-0123456789ABCDEF0",
            "vpc-0123456789abcdef0",
            "",
        ] {
            let error = VpcEndpoint::resolve(2, entry(id, VPC, None)).unwrap_err();
            assert!(error.starts_with("vpc_endpoints[2]: id must be"), "{error}");
        }
        for vpc in ["vpc-123", "vpce-0abcdef1234567890", "vpc-0abcdef123456789g"] {
            let error = VpcEndpoint::resolve(0, entry(ID, vpc, None)).unwrap_err();
            assert!(error.contains("vpc must be"), "{error}");
        }
    }

    #[test]
    fn a_bad_policy_or_missing_policy_file_fails() {
        let error =
            VpcEndpoint::resolve(0, entry(ID, VPC, Some("{\"Statement\": 5}"))).unwrap_err();
        assert!(error.contains("invalid endpoint policy"), "{error}");
        let error =
            VpcEndpoint::resolve(0, entry(ID, VPC, Some("/nonexistent/policy.json"))).unwrap_err();
        assert!(error.contains("cannot read the policy file"), "{error}");
    }

    #[test]
    fn a_policy_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("endpoint.json");
        std::fs::write(
            &path,
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#,
        )
        .unwrap();
        let given = path.to_str().unwrap();
        let endpoint = VpcEndpoint::resolve(0, entry(ID, VPC, Some(given))).unwrap();
        assert!(endpoint.policy.is_some());
    }

    #[test]
    fn the_config_file_declares_endpoints_and_a_bad_one_fails_start_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lockbox.toml");
        let endpoint = "[[vpc_endpoints]]\nlisten = \"127.0.0.1:4567\"\n\
                        id = \"vpce-0123456789abcdef0\"\nvpc = \"vpc-0abc1234\"\n\
                        policy = '{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}'\n";
        std::fs::write(&path, endpoint).unwrap();
        let args = crate::config::ServeArgs {
            config: Some(path.clone()),
            ..crate::config::ServeArgs::default()
        };
        let config = crate::config::Config::resolve(args.clone()).unwrap();
        assert_eq!(config.vpc_endpoints.len(), 1);
        assert_eq!(config.vpc_endpoints[0].listen.port(), 4567);
        assert!(config.vpc_endpoints[0].policy.is_some());

        std::fs::write(&path, endpoint.replace("Allow", "Permit")).unwrap();
        let error = crate::config::Config::resolve(args).unwrap_err();
        assert!(
            error.contains("vpc_endpoints[0] (vpce-0123456789abcdef0): invalid endpoint policy"),
            "{error}"
        );
    }

    #[test]
    fn an_id_used_twice_is_refused() {
        let error = resolve_all(vec![entry(ID, VPC, None), entry(ID, VPC, None)]).unwrap_err();
        assert!(error.contains("used twice"), "{error}");
    }
}
