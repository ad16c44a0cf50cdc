//! Entry points of the cargo-fuzz targets under `fuzz/` and of the corpus replay test
//! (`tests/props/fuzz_corpus.rs`): one function per target, taking the fuzzer's bytes. Not part
//! of Lockbox's API (hidden from the docs); it exists so both the fuzzers (nightly) and a stable
//! `cargo test` drive the same code with the same bytes.
//!
//! Every entry point must return normally for every input. It panics only when Lockbox broke
//! a promise: a panic inside Lockbox itself, an internal error (HTTP 500) answered to input a
//! client chose, or an invariant named in the target's module (a forged ciphertext opening, a
//! re-applied seed changing state, a modified body passing signature verification).

mod fixture;
mod operation_input;
mod policy_document;
mod query_request;
mod seed_document;
mod sigv4_authorization;

pub use fixture::{Fixture, KEY_ID, SECRET_NAME};
pub use operation_input::operation_input;
pub use policy_document::policy_document;
pub use query_request::query_request;
pub use seed_document::seed_document;
pub use sigv4_authorization::sigv4_authorization;

/// A target's entry point: the fuzzer's bytes in, a panic out when a promise is broken.
pub type EntryPoint = fn(&[u8]);

/// Every fuzz target: its name (the `fuzz/fuzz_targets/<name>.rs` binary and the
/// `fuzz/corpus/<name>/` directory) and its entry point.
pub const TARGETS: &[(&str, EntryPoint)] = &[
    ("ciphertext_blob", ciphertext_blob),
    ("operation_input", operation_input),
    ("policy_document", policy_document),
    ("query_request", query_request),
    ("seed_document", seed_document),
    ("sigv4_authorization", sigv4_authorization),
];

/// The KMS ciphertext blob: arbitrary bytes go through the blob parser and the open path of a
/// fresh key (where they must never open), then through `Decrypt` and `ReEncrypt` of an
/// instance whose key sealed the corpus's real blob (where nothing may fail internally).
pub fn ciphertext_blob(data: &[u8]) {
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    use crate::kms::fuzz_support::{FuzzKeyRing, parse_blob};

    static RING: OnceLock<FuzzKeyRing> = OnceLock::new();
    let ring = RING.get_or_init(FuzzKeyRing::new);
    let _ = parse_blob(data);
    let _ = crate::kms::ciphertext_key_id(data);
    assert!(
        ring.open(data, &BTreeMap::new()).is_err(),
        "arbitrary bytes opened under a fresh key"
    );
    // The ring's own key id spliced in, so the fuzzer reaches material lookup and AES-GCM.
    let mut named = vec![1u8, 36];
    named.extend_from_slice(ring.key_id().as_bytes());
    named.extend_from_slice(data);
    assert!(
        ring.open(&named, &BTreeMap::new()).is_err(),
        "arbitrary bytes opened under a fresh key"
    );
    fixture::shared().decrypt_everywhere(data);
}
