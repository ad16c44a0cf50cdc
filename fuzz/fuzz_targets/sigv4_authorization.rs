//! Fuzz target: SigV4: a request as HTTP/1.1 text through the `Authorization` header parser,
//! verification and canonical-request construction.
//! The checks are in `lockbox::fuzzing::sigv4_authorization`; see fuzz/README.md to run it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lockbox::fuzzing::sigv4_authorization(data));
