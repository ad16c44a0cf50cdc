//! Asymmetric key material: key pairs of every asymmetric KMS key spec ([`PrivateKey`]),
//! their PKCS#8 and SubjectPublicKeyInfo encodings, signing and verification with every
//! KMS signing algorithm (`signing.rs`), RSA encryption (`encryption.rs`) and ECDH key
//! agreement (`agreement.rs`).
//!
//! # Which cryptography, and why
//!
//! Everything here comes from the RustCrypto crates (`rsa`, `p256`, `p384`, `p521`, `k256`
//! over `ecdsa`, `ed25519-dalek`, `ml-dsa`, `sha2`, `pkcs8`/`spki`), one coherent family
//! (signature 3 / digest 0.11), rather than from `aws-lc-rs`:
//! - pure Rust: the Docker image stays a static musl build with no C toolchain, CMake or
//!   Go in the build, and cross-compiles as the rest of Lockbox does;
//! - one family covers every spec AWS offers outside China, ML-DSA included (FIPS 204, with
//!   the pre-computed-μ signing KMS calls `EXTERNAL_MU`), with PKCS#8 and SPKI for all;
//! - speed is not what an emulator needs most: signing is fast enough in every spec; only
//!   RSA key generation is slow (about a second for RSA_4096 in a release build), which AWS
//!   CreateKey is as well.
//!
//! Known caveat: RUSTSEC-2023-0071 (the "Marvin" timing side channel) concerns RSA private-key
//! operations of `rsa` before 0.10; 0.10 moved to constant-time big integers
//! (`crypto-bigint`) and blinds every private operation. Even where residual timing
//! differences remain, they matter only to an attacker who times many operations on a key
//! they cannot read; Lockbox is a local emulator holding throw-away test keys that its
//! operator can export anyway, so the risk model does not apply to it.
//!
//! No primitive is written here: this module only selects parameters (hash, padding, salt
//! length, encodings) the way KMS documents them, and maps failures to KMS's errors.
//!
//! Invariants: private keys are zeroized on drop by their crates and never printed
//! ([`PrivateKey`]'s `Debug` shows the spec only); the public key is always derived from the
//! private key, never stored apart from it.

mod agreement;
pub mod encryption;
mod private_key;
mod signing;

pub use agreement::{PeerKeyError, derive_shared_secret};
pub use encryption::OaepHash;
pub use private_key::{MaterialError, PrivateKey};
pub use signing::{Message, SigningAlgorithm, check_message, sign, verify};
