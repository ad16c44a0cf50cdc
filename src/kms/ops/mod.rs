//! One file per KMS operation (or tight group). Each validates its input against the botocore
//! model (Coral messages, see `input.rs`) into a validated value, then, through `key_op.rs`,
//! resolves the key as the operation allows, refuses an AWS managed key if the operation may
//! not act on one, checks the key state, and acts: in that order, which is KMS's.

mod aliases;
mod create_grant;
mod create_key;
mod custom_key_stores;
mod decrypt;
mod delete_imported_key_material;
mod derive_shared_secret;
mod describe_key;
mod encrypt;
mod generate_data_key;
mod generate_data_key_pair;
mod generate_random;
mod get_parameters_for_import;
mod get_public_key;
mod import_key_material;
mod imported_rotations;
mod input;
mod key_deletion;
mod key_last_usage;
mod key_op;
mod key_policy;
mod key_rotation;
mod key_state;
mod list_aliases;
mod list_grants;
mod list_keys;
mod mac;
mod re_encrypt;
mod related_op;
mod replicate_key;
mod retire_grant;
mod rotate_key_on_demand;
mod sign;
#[cfg(test)]
mod state_tests;
mod support;
mod tags;
mod update_primary_region;
#[cfg(test)]
mod wire_type_tests;

pub use aliases::{create_alias, delete_alias, update_alias};
pub use create_grant::create_grant;
pub use create_key::create_key;
pub use custom_key_stores::{
    create_custom_key_store, describe_custom_key_stores, no_such_store, update_custom_key_store,
};
pub use decrypt::decrypt;
pub use delete_imported_key_material::delete_imported_key_material;
pub use derive_shared_secret::derive_shared_secret;
pub use describe_key::describe_key;
pub use encrypt::encrypt;
pub use generate_data_key::{generate_data_key, generate_data_key_without_plaintext};
pub use generate_data_key_pair::{
    generate_data_key_pair, generate_data_key_pair_without_plaintext,
};
pub use generate_random::generate_random;
pub use get_parameters_for_import::get_parameters_for_import;
pub use get_public_key::get_public_key;
pub use import_key_material::import_key_material;
pub use key_deletion::{cancel_key_deletion, schedule_key_deletion};
pub use key_last_usage::get_key_last_usage;
pub use key_policy::{get_key_policy, list_key_policies, put_key_policy};
pub use key_rotation::{disable_key_rotation, enable_key_rotation, get_key_rotation_status};
pub use key_state::{disable_key, enable_key, update_key_description};
pub use list_aliases::list_aliases;
pub use list_grants::{list_grants, list_retirable_grants};
pub use list_keys::list_keys;
pub use mac::{generate_mac, verify_mac};
pub use re_encrypt::re_encrypt;
pub use replicate_key::replicate_key;
pub use retire_grant::{retire_grant, revoke_grant};
pub use rotate_key_on_demand::{list_key_rotations, rotate_key_on_demand};
pub use sign::{sign, verify};
pub use tags::{list_resource_tags, tag_resource, untag_resource};
pub use update_primary_region::update_primary_region;
