//! Multi-Region keys through the official Rust SDK: CreateKey with `MultiRegion`, ReplicateKey
//! into another Region of the account, related keys decrypting, verifying and checking MACs
//! for each other, rotation shared from the primary, UpdatePrimaryRegion, the deletion rules
//! of a primary with replicas, and a set surviving a restart, an export and an import.

mod deletion;
mod interop;
mod lifecycle;
mod persistence;
mod replicate;
mod rotation;
mod support;
