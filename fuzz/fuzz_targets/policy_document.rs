//! Fuzz target: resource and key policy documents: validated, put and read back through Secrets
//! Manager's and KMS's policy operations on a seeded instance.
//! The checks are in `lockbox::fuzzing::policy_document`; see fuzz/README.md to run it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lockbox::fuzzing::policy_document(data));
