//! Imported key material (Origin `EXTERNAL`) through the official Rust SDK: CreateKey
//! without material (`PendingImport`), GetParametersForImport for every wrapping algorithm and
//! wrapping key spec AWS serves, material wrapped offline (RSA-OAEP and RSA + AES key wrap
//! with padding) and imported, ImportType / KeyMaterialId / KeyMaterialDescription,
//! DeleteImportedKeyMaterial, expiry on the virtual clock, rotation to imported material,
//! symmetric, HMAC and asymmetric material, every error AWS raises, a restart, and
//! multi-Region keys of imported material.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

mod errors;
mod kinds;
mod lifecycle;
mod multi_region;
mod rotation;
mod seeding;
