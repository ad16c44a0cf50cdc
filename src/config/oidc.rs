//! OpenID Connect providers declared in the config file, which `AssumeRoleWithWebIdentity`
//! trusts: the issuer URL, the audiences (client ids) it accepts, the account the provider
//! belongs to, and the public keys its tokens are signed with. Lockbox never fetches a JWKS:
//! the keys come from a JWKS file and/or PEM files, read and checked at start-up.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::crypto::jwt::KeySet;

/// `[[oidc_providers]]` as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OidcProviderFile {
    /// The issuer, `https://host[/path]`, exactly the tokens' `iss`.
    url: String,
    /// The audiences accepted (`aud`), at least one.
    client_ids: Vec<String>,
    /// The account the provider is created in; the default account when absent.
    account_id: Option<String>,
    /// A JWKS document (`{"keys": [...]}`), relative to the config file's directory.
    jwks_file: Option<PathBuf>,
    /// PEM `PUBLIC KEY` files, relative to the config file's directory.
    #[serde(default)]
    public_key_files: Vec<PathBuf>,
}

/// A provider ready to verify tokens.
#[derive(Debug, Clone)]
pub struct OidcProvider {
    /// The 12-digit account the provider lives in.
    pub account_id: String,
    /// The issuer without its scheme (`token.actions.githubusercontent.com`), the provider
    /// ARN's resource and the prefix of its condition keys.
    pub host_path: String,
    /// The accepted audiences.
    pub client_ids: Vec<String>,
    /// The keys its tokens verify with.
    pub keys: KeySet,
}

impl OidcProvider {
    /// `arn:aws:iam::<account>:oidc-provider/<host/path>`.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:oidc-provider/{}",
            self.account_id, self.host_path
        )
    }
}

impl OidcProviderFile {
    /// Reads the key files (relative paths from `base`) and checks every value; the error
    /// names the provider.
    pub(super) fn resolve(
        self,
        index: usize,
        base: &Path,
        default_account: &str,
    ) -> Result<OidcProvider, String> {
        let context =
            |message: String| format!("oidc_providers[{index}] ({}): {message}", self.url);
        let host_path = self
            .url
            .strip_prefix("https://")
            .map(|rest| rest.trim_end_matches('/').to_owned())
            .filter(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
            .ok_or_else(|| context("url must be https://host[/path]".into()))?;
        if self.client_ids.is_empty() || self.client_ids.iter().any(String::is_empty) {
            return Err(context("client_ids must list at least one audience".into()));
        }
        let account_id = self
            .account_id
            .clone()
            .unwrap_or_else(|| default_account.to_owned());
        if !super::is_account_id(&account_id) {
            return Err(context("account_id must be 12 digits".into()));
        }
        let read = |path: &Path| {
            let path = base.join(path);
            std::fs::read_to_string(&path)
                .map_err(|error| context(format!("cannot read {}: {error}", path.display())))
        };
        let mut keys = KeySet::default();
        if let Some(path) = &self.jwks_file {
            let text = read(path)?;
            keys = keys.merged(
                KeySet::from_jwks(&text)
                    .map_err(|error| context(format!("jwks_file {}: {error}", path.display())))?,
            );
        }
        for path in &self.public_key_files {
            let text = read(path)?;
            keys = keys.merged(KeySet::from_pem(&text).map_err(|error| {
                context(format!("public_key_files {}: {error}", path.display()))
            })?);
        }
        if keys.is_empty() {
            return Err(context(
                "give a jwks_file or public_key_files: Lockbox does not fetch keys".into(),
            ));
        }
        Ok(OidcProvider {
            account_id,
            host_path,
            client_ids: self.client_ids,
            keys,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::{Config, ServeArgs};

    /// A P-256 public key (the NIST test vector's) as a JWK.
    const JWKS: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1",
        "x":"YP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Y",
        "y":"eQP-EAi4vJmkGunpVii8ZPLxsgwtfp9Rd6PClNRGIpk"}]}"#;

    fn resolve(provider: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("jwks.json"), JWKS).unwrap();
        let path = dir.path().join("lockbox.toml");
        std::fs::write(
            &path,
            format!("default_account = \"111122223333\"\n[[oidc_providers]]\n{provider}\n"),
        )
        .unwrap();
        Config::resolve(ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        })
    }

    #[test]
    fn providers_are_read_with_their_keys_relative_to_the_file() {
        let config = resolve(
            "url = \"https://token.example.com/\"\nclient_ids = [\"sts.amazonaws.com\"]\njwks_file = \"jwks.json\"",
        )
        .unwrap();
        let provider = &config.oidc_providers[0];
        assert_eq!(provider.host_path, "token.example.com");
        assert_eq!(
            provider.arn(),
            "arn:aws:iam::111122223333:oidc-provider/token.example.com"
        );
        assert_eq!(provider.keys.len(), 1);
    }

    #[test]
    fn a_provider_without_keys_or_with_a_bad_url_is_refused_at_start() {
        let no_keys =
            resolve("url = \"https://token.example.com\"\nclient_ids = [\"a\"]").unwrap_err();
        assert!(no_keys.contains("does not fetch keys"), "{no_keys}");
        let plain_http = resolve(
            "url = \"http://token.example.com\"\nclient_ids = [\"a\"]\njwks_file = \"jwks.json\"",
        )
        .unwrap_err();
        assert!(plain_http.contains("https://host"), "{plain_http}");
        let missing = resolve(
            "url = \"https://token.example.com\"\nclient_ids = [\"a\"]\njwks_file = \"nope.json\"",
        )
        .unwrap_err();
        assert!(missing.contains("cannot read"), "{missing}");
        let no_audience =
            resolve("url = \"https://t.example\"\nclient_ids = []\njwks_file = \"jwks.json\"")
                .unwrap_err();
        assert!(no_audience.contains("client_ids"), "{no_audience}");
    }
}
