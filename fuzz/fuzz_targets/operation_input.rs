//! Fuzz target: request bodies: decoded as the input of every Secrets Manager and KMS operation,
//! then one operation (chosen by the first byte) called with it on a seeded instance.
//! The checks are in `lockbox::fuzzing::operation_input`; see fuzz/README.md to run it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lockbox::fuzzing::operation_input(data));
