//! Fuzz target: seed documents: parsed as JSON and YAML, applied to fresh and seeded instances,
//! re-applied and exported.
//! The checks are in `lockbox::fuzzing::seed_document`; see fuzz/README.md to run it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lockbox::fuzzing::seed_document(data));
