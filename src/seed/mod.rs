//! Deterministic seeding, export and import of the whole emulator state.
//!
//! One document format ([`model::SeedDocument`], `version: 1`) serves three uses: a seed file
//! applied at start-up (`--seed` / `LOCKBOX_SEED` / TOML `seed`), `POST /_lockbox/import`, and
//! what `GET /_lockbox/export` writes. JSON always; YAML when the file name ends in `.yaml` or
//! `.yml` (or the request's content type says yaml). Applying goes through the services' own
//! seeding APIs (`LocalKms::seed_key`, `SecretsManager::seed_secret`), never their storage.
//!
//! Encrypted exports: secret values are written as stored (value ciphertext + KMS-encrypted
//! data key) and every KMS key is written with its material, so the importing instance gets the
//! same keys and decrypts the same blobs. No secret value appears in plaintext, but the file
//! holds the key material: treat it like the instance itself. `?plaintext=true` writes values
//! in clear instead (still with the key material, so users' own KMS ciphertexts keep working).

pub mod apply;
pub mod export;
pub mod model;
pub mod remote;

use std::path::Path;

pub use apply::{ApplyReport, OnConflict, apply, apply_with};
pub use export::export;
pub use model::SeedDocument;

/// The on-disk syntax of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML 1.2 (through `serde_norway`).
    Yaml,
}

impl Format {
    /// YAML for `.yaml` / `.yml` files, JSON otherwise.
    pub fn of_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => {
                Format::Yaml
            }
            _ => Format::Json,
        }
    }
}

/// Parses a document; the error names the field path that failed (never a value).
pub fn parse(bytes: &[u8], format: Format) -> Result<SeedDocument, String> {
    let document: SeedDocument = match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                format!(
                    "at {}: {}",
                    e.path(),
                    without_values(&e.inner().to_string())
                )
            })?
        }
        Format::Yaml => {
            serde_norway::from_slice(bytes).map_err(|e| without_values(&e.to_string()))?
        }
    };
    if document.version != model::DOCUMENT_VERSION {
        return Err(format!(
            "version {} is not supported (this build reads version {})",
            document.version,
            model::DOCUMENT_VERSION
        ));
    }
    Ok(document)
}

/// serde quotes offending string values in some messages (`invalid type: string "..",
/// expected ..`); a malformed seed must not echo a secret, so the quoted value is withheld
/// and the rest of the message (what was expected, the position) is kept.
fn without_values(message: &str) -> String {
    let Some(at) = message.find("string \"") else {
        return message.to_owned();
    };
    let quoted = &message[at + "string \"".len()..];
    let rest = quoted
        .find("\", expected")
        .map_or("", |end| &quoted[end + 1..]);
    format!("{}string (value withheld){rest}", &message[..at])
}

/// Reads and parses a seed file, choosing the syntax by extension.
pub fn load_file(path: &Path) -> Result<SeedDocument, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read seed file {}: {e}", path.display()))?;
    parse(&bytes, Format::of_path(path))
        .map_err(|e| format!("invalid seed file {}: {e}", path.display()))
}

/// Serializes a document in `format`.
pub fn render(document: &SeedDocument, format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Json => serde_json::to_vec_pretty(document).map_err(|e| e.to_string()),
        Format::Yaml => serde_norway::to_string(document)
            .map(String::into_bytes)
            .map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_never_echo_string_values() {
        let json = br#"{"version": 1, "partitions": [{"account": "000000000000", "region": "r",
            "secrets": [{"name": "s", "versions": [{"stages": "hunter2-secret"}]}]}]}"#;
        let message = parse(json, Format::Json).unwrap_err();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(
            message.contains("string (value withheld), expected a sequence"),
            "{message}"
        );
        let yaml = b"version: 1\npartitions:\n  - account: '000000000000'\n    region: r\n    secrets:\n      - name: s\n        versions: hunter2-secret\n";
        let message = parse(yaml, Format::Yaml).unwrap_err();
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::of_path(Path::new("a/seed.YAML")), Format::Yaml);
        assert_eq!(Format::of_path(Path::new("seed.yml")), Format::Yaml);
        assert_eq!(Format::of_path(Path::new("seed.json")), Format::Json);
        assert_eq!(Format::of_path(Path::new("seed")), Format::Json);
    }
}
