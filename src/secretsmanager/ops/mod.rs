//! One file per operation; each validates its input against the model (see [`validation`]),
//! then acts.

mod batch_get_secret_value;
mod create_secret;
mod delete_secret;
mod describe_secret;
mod get_random_password;
mod get_secret_value;
mod list_secret_version_ids;
mod list_secrets;
mod new_version;
mod put_secret_value;
mod resource_policy;
mod restore_secret;
mod tag_resource;
mod update_secret;
mod update_secret_version_stage;
mod validate_resource_policy;
mod validation;

pub use batch_get_secret_value::batch_get_secret_value;
pub use create_secret::create_secret;
pub use delete_secret::delete_secret;
pub use describe_secret::describe_secret;
pub use get_random_password::get_random_password;
pub use get_secret_value::get_secret_value;
pub use list_secret_version_ids::list_secret_version_ids;
pub use list_secrets::list_secrets;
pub use put_secret_value::put_secret_value;
pub use resource_policy::{delete_resource_policy, get_resource_policy, put_resource_policy};
pub use restore_secret::restore_secret;
pub use tag_resource::{tag_resource, untag_resource};
pub use update_secret::update_secret;
pub use update_secret_version_stage::update_secret_version_stage;
pub use validate_resource_policy::validate_resource_policy;

#[cfg(test)]
mod access_tests;
#[cfg(test)]
mod listing_tests;
