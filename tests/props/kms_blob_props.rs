//! Property tests: the ciphertext-blob parser and the full open path answer every byte
//! string with an error (never a panic), and any change to a valid blob or its context is
//! refused. The cargo-fuzz target `fuzz/fuzz_targets/ciphertext_blob.rs` explores the same
//! entry points without a case budget.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use lockbox::kms::fuzz_support::{FuzzKeyRing, parse_blob};
use proptest::prelude::*;

fn context() -> impl Strategy<Value = BTreeMap<String, String>> {
    proptest::collection::btree_map(".{0,8}", ".{0,8}", 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let ring = FuzzKeyRing::new();
        let _ = parse_blob(&bytes);
        let result = ring.open(&bytes, &BTreeMap::new());
        prop_assert!(result.is_err());
    }

    #[test]
    fn a_header_naming_a_real_key_with_arbitrary_rest_never_opens(
        material in proptest::collection::vec(any::<u8>(), 0..40),
        rest in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let ring = FuzzKeyRing::new();
        let mut bytes = vec![1u8, 36];
        bytes.extend_from_slice(ring.key_id().as_bytes());
        bytes.extend_from_slice(&material);
        bytes.extend_from_slice(&rest);
        prop_assert_eq!(ring.open(&bytes, &BTreeMap::new()), Err("InvalidCiphertextException"));
    }

    #[test]
    fn any_changed_byte_or_context_is_refused(
        plaintext in proptest::collection::vec(any::<u8>(), 1..64),
        ctx in context(),
        other in context(),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let ring = FuzzKeyRing::new();
        let blob = ring.seal(&plaintext, &ctx);
        prop_assert_eq!(ring.open(&blob, &ctx), Ok(plaintext.clone()));
        if other != ctx {
            prop_assert_eq!(ring.open(&blob, &other), Err("InvalidCiphertextException"));
        }
        let mut changed = blob.clone();
        let at = index.index(changed.len());
        changed[at] ^= flip;
        let result = ring.open(&changed, &ctx);
        // A changed key-id byte names an unknown key (AccessDenied); anything else fails
        // authentication or parsing (InvalidCiphertext).
        prop_assert!(
            matches!(result, Err("InvalidCiphertextException") | Err("AccessDeniedException")),
            "{:?}", result
        );
        let truncated = &blob[..at];
        prop_assert!(ring.open(truncated, &ctx).is_err());
    }
}
