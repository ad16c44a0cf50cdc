//! Fuzz target: KMS ciphertext blobs: the blob parser, the open path of a fresh key (nothing may open)
//! and Decrypt/ReEncrypt of a key whose real blob is in the corpus.
//! The checks are in `lockbox::fuzzing::ciphertext_blob`; see fuzz/README.md to run it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lockbox::fuzzing::ciphertext_blob(data));
