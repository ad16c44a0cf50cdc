//! Fuzz target: awsQuery form bodies: parsed, decoded and called as every STS operation, and
//! every answer and error written as XML.
//! The checks are in `lockbox::fuzzing::query_request`; see fuzz/README.md to run it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lockbox::fuzzing::query_request(data));
