//! The `seed_document` target: the input parsed as a seed document in JSON and in YAML; each
//! document that parses is applied to a fresh in-memory instance and to a [`Fixture`] (whose
//! existing key and secret the document may contradict). Besides never panicking: a document
//! that applied applies again without creating anything (application is idempotent), and the
//! instance's export applies to another fresh instance.

use super::Fixture;
use crate::app::AppState;
use crate::config::Config;
use crate::seed::{self, Format};

/// The entry point: see the module documentation.
pub fn seed_document(data: &[u8]) {
    for format in [Format::Json, Format::Yaml] {
        let Ok(document) = seed::parse(data, format) else {
            continue;
        };
        let fresh = AppState::new(Config::default());
        if seed::apply(&fresh, &document).is_ok() {
            let again = match seed::apply(&fresh, &document) {
                Ok(report) => report,
                Err(error) => panic!("a seed that applied failed to apply again: {error}"),
            };
            assert_eq!(
                (again.keys_created, again.secrets_created),
                (0, 0),
                "re-applying a seed created objects"
            );
            round_trip_export(&fresh);
        }
        let fixture = Fixture::new();
        let _ = seed::apply(&fixture.state, &document);
    }
}

/// The instance's export (encrypted and in clear), rendered and parsed in both syntaxes,
/// applies to a fresh instance.
fn round_trip_export(state: &AppState) {
    for plaintext in [false, true] {
        let exported = match seed::export(state, plaintext) {
            Ok(document) => document,
            Err(error) => panic!("an instance seeded from a document did not export: {error}"),
        };
        for format in [Format::Json, Format::Yaml] {
            let rendered = match seed::render(&exported, format) {
                Ok(bytes) => bytes,
                Err(error) => panic!("an export did not render as {format:?}: {error}"),
            };
            let parsed = match seed::parse(&rendered, format) {
                Ok(document) => document,
                Err(error) => panic!("an export did not parse back as {format:?}: {error}"),
            };
            if let Err(error) = seed::apply(&AppState::new(Config::default()), &parsed) {
                panic!("an export did not apply to a fresh instance: {error}");
            }
        }
    }
}
