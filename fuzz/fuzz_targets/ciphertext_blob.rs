//! Fuzzes the KMS ciphertext-blob parser and the full open path (`crypto::open` through
//! `lockbox::kms::fuzz_support`): arbitrary bytes must be refused with an error, never a
//! panic, and must never open under a fresh key. Run from `fuzz/`:
//! `cargo fuzz run ciphertext_blob` (nightly, or `RUSTC_BOOTSTRAP=1` on stable).
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lockbox::kms::fuzz_support::{FuzzKeyRing, parse_blob};

static RING: OnceLock<FuzzKeyRing> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let ring = RING.get_or_init(FuzzKeyRing::new);
    let _ = parse_blob(data);
    assert!(ring.open(data, &BTreeMap::new()).is_err());
    // Also with the real key id spliced in, so the fuzzer reaches material lookup and AES-GCM.
    let mut named = vec![1u8, 36];
    named.extend_from_slice(ring.key_id().as_bytes());
    named.extend_from_slice(data);
    assert!(ring.open(&named, &BTreeMap::new()).is_err());
});
