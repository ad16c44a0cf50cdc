//! Property tests and conformance suites of pure library code (SigV4 verification, the KMS
//! ciphertext-blob parser), and the fuzz corpora replayed through the fuzz targets' entry
//! points, that need no server and no SDK client: one test binary, one module per area.

mod fuzz_corpus;
mod kms_blob_props;
mod sigv4_props;
mod sigv4_suite;
