//! KMS keys beyond symmetric encryption through the official Rust SDK: CreateKey of every key
//! spec and usage pair AWS accepts (and its refusals), the `KeyMetadata` and GetPublicKey
//! fields of each kind, Sign/Verify with every signing algorithm and message type, GenerateMac
//! and VerifyMac, RSA Encrypt/Decrypt/ReEncrypt, the symmetric operations refusing other kinds
//! with AWS's texts, rotation and grants per kind, and key pairs that survive a restart or are
//! seeded with fixed material.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

mod kinds;
mod mac;
mod material;
mod refusals;
mod rsa_encryption;
mod signing;
