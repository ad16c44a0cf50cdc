//! CreateVirtualMFADevice, EnableMFADevice, DeactivateMFADevice, DeleteVirtualMFADevice,
//! ListMFADevices and ListVirtualMFADevices.
//!
//! A new device has a random 20-byte TOTP key, returned once as `Base32StringSeed` (base64 of
//! the base32 text, as the wire carries blobs) and as `QRCodePNG` (a PNG of the `otpauth://`
//! URI naming the device and the account, base64 too). Enabling binds
//! the device to a user with two consecutive codes (`totp::accept_pair`), and the step of the
//! second code is then used up. Codes are never echoed in errors, seeds never listed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::error::IamError;
use super::super::ids;
use super::super::input::{Checks, Tag, present};
use super::super::model::{MfaDevice, key};
use super::super::paging::page;
use super::super::qr_png::{otpauth_uri, qr_png};
use super::super::totp;
use super::super::wire::timestamp;
use super::users::tag_pairs;
use super::{path_or_root, user, user_or_caller};
use crate::api::RequestCtx;
use crate::crypto::Sensitive;

/// CreateVirtualMFADevice input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVirtualMfaDeviceInput {
    path: Option<String>,
    #[serde(rename = "VirtualMFADeviceName")]
    device_name: Option<String>,
    tags: Option<Vec<Tag>>,
}

/// The new device with its seed: sent once, never logged or audited.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewVirtualMfaDevice {
    serial_number: String,
    base32_string_seed: String,
    #[serde(rename = "QRCodePNG", skip_serializing_if = "Option::is_none")]
    qr_code_png: Option<String>,
}

impl std::fmt::Debug for NewVirtualMfaDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewVirtualMfaDevice")
            .field("serial_number", &self.serial_number)
            .finish_non_exhaustive()
    }
}

/// CreateVirtualMFADevice output.
#[derive(Debug, Serialize)]
pub struct CreateVirtualMfaDeviceOutput {
    #[serde(rename = "VirtualMFADevice")]
    device: NewVirtualMfaDevice,
}

/// EnableMFADevice input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableMfaDeviceInput {
    user_name: Option<String>,
    serial_number: Option<String>,
    authentication_code1: Option<Sensitive<String>>,
    authentication_code2: Option<Sensitive<String>>,
}

impl std::fmt::Debug for EnableMfaDeviceInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnableMfaDeviceInput")
            .field("user_name", &self.user_name)
            .field("serial_number", &self.serial_number)
            .finish_non_exhaustive()
    }
}

/// DeactivateMFADevice input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeactivateMfaDeviceInput {
    user_name: Option<String>,
    serial_number: Option<String>,
}

/// DeleteVirtualMFADevice input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteVirtualMfaDeviceInput {
    serial_number: Option<String>,
}

/// ListMFADevices input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMfaDevicesInput {
    user_name: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `MFADevice`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaDeviceShape {
    user_name: String,
    serial_number: String,
    enable_date: String,
}

/// ListMFADevices output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMfaDevicesOutput {
    #[serde(rename = "MFADevices")]
    mfa_devices: Vec<MfaDeviceShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// ListVirtualMFADevices input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListVirtualMfaDevicesInput {
    assignment_status: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `VirtualMFADevice` in lists: no seed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListedVirtualMfaDevice {
    serial_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<super::super::wire::UserShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_date: Option<String>,
}

/// ListVirtualMFADevices output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListVirtualMfaDevicesOutput {
    #[serde(rename = "VirtualMFADevices")]
    virtual_mfa_devices: Vec<ListedVirtualMfaDevice>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

fn no_such_device(serial: &str) -> IamError {
    IamError::NoSuchEntity(format!(
        "VirtualMFADevice with serial number {serial} doesn't exist."
    ))
}

fn check_serial(checks: &mut Checks, serial: Option<&str>) {
    checks.text("SerialNumber", serial, 9, 256);
}

/// CreateVirtualMFADevice.
pub fn create_virtual_mfa_device(
    iam: &IamService,
    ctx: &RequestCtx,
    input: CreateVirtualMfaDeviceInput,
) -> Result<CreateVirtualMfaDeviceOutput, IamError> {
    Checks::new()
        .name("VirtualMFADeviceName", input.device_name.as_deref(), 226)
        .path("Path", input.path.as_deref())
        .tags(input.tags.as_deref())
        .finish()?;
    let name = present(input.device_name)?;
    let serial = ids::arn(ctx.account(), "mfa", &path_or_root(input.path), &name);
    iam.write(ctx.account(), |state| {
        if state.mfa_devices.contains_key(&serial) {
            return Err(IamError::EntityAlreadyExists(
                "MFADevice entity at the same path and name already exists.".into(),
            ));
        }
        let seed = ids::mfa_seed();
        let base32 = totp::base32_encode(&seed);
        let qr_code_png =
            qr_png(&otpauth_uri(&name, ctx.account(), &base32)).map(|png| STANDARD.encode(png));
        state.mfa_devices.insert(
            serial.clone(),
            MfaDevice {
                serial: serial.clone(),
                seed: Sensitive::new(seed),
                user: None,
                enabled: None,
                last_step: None,
                tags: tag_pairs(input.tags),
            },
        );
        Ok(CreateVirtualMfaDeviceOutput {
            device: NewVirtualMfaDevice {
                serial_number: serial.clone(),
                base32_string_seed: STANDARD.encode(base32.as_bytes()),
                qr_code_png,
            },
        })
    })
}

/// EnableMFADevice.
pub fn enable_mfa_device(
    iam: &IamService,
    ctx: &RequestCtx,
    input: EnableMfaDeviceInput,
) -> Result<(), IamError> {
    let first = input
        .authentication_code1
        .as_ref()
        .map(|c| c.expose().as_str());
    let second = input
        .authentication_code2
        .as_ref()
        .map(|c| c.expose().as_str());
    let mut checks = Checks::new();
    checks.name("UserName", input.user_name.as_deref(), 128);
    check_serial(&mut checks, input.serial_number.as_deref());
    checks.code("AuthenticationCode1", first);
    checks.code("AuthenticationCode2", second);
    checks.finish()?;
    let (Some(first), Some(second)) = (first, second) else {
        return Err(IamError::ServiceFailure);
    };
    let user_name = present(input.user_name.clone())?;
    let serial = present(input.serial_number.clone())?;
    let now_step = totp::time_step(ctx.now.unix_timestamp());
    iam.write(ctx.account(), |state| {
        let member = key(&user(state, &user_name)?.name);
        let device = state
            .mfa_devices
            .get_mut(&serial)
            .ok_or_else(|| no_such_device(&serial))?;
        if device.user.is_some() {
            return Err(IamError::EntityAlreadyExists(
                "MFA device is already in use.".into(),
            ));
        }
        let step = totp::accept_pair(
            device.seed.expose(),
            now_step,
            first,
            second,
            device.last_step,
        )
        .ok_or_else(|| {
            IamError::InvalidAuthenticationCode(
                "Authentication code for device is not valid.".into(),
            )
        })?;
        device.user = Some(member);
        device.enabled = Some(ctx.now);
        device.last_step = Some(step);
        Ok(())
    })
}

/// DeactivateMFADevice.
pub fn deactivate_mfa_device(
    iam: &IamService,
    ctx: &RequestCtx,
    input: DeactivateMfaDeviceInput,
) -> Result<(), IamError> {
    let mut checks = Checks::new();
    checks.optional_name("UserName", input.user_name.as_deref(), 128);
    check_serial(&mut checks, input.serial_number.as_deref());
    checks.finish()?;
    let serial = present(input.serial_number)?;
    iam.write(ctx.account(), |state| {
        let member = match &input.user_name {
            Some(name) => Some(key(&user(state, name)?.name)),
            None => None,
        };
        let device = state
            .mfa_devices
            .get_mut(&serial)
            .filter(|device| device.user.is_some())
            .filter(|device| member.is_none() || device.user == member)
            .ok_or_else(|| {
                IamError::NoSuchEntity(format!(
                    "MFA Device with serial number {serial} does not exist."
                ))
            })?;
        device.user = None;
        device.enabled = None;
        Ok(())
    })
}

/// DeleteVirtualMFADevice.
pub fn delete_virtual_mfa_device(
    iam: &IamService,
    ctx: &RequestCtx,
    input: DeleteVirtualMfaDeviceInput,
) -> Result<(), IamError> {
    let mut checks = Checks::new();
    check_serial(&mut checks, input.serial_number.as_deref());
    checks.finish()?;
    let serial = present(input.serial_number)?;
    iam.write(ctx.account(), |state| {
        let device = state
            .mfa_devices
            .get(&serial)
            .ok_or_else(|| no_such_device(&serial))?;
        if device.user.is_some() {
            return Err(IamError::DeleteConflict(
                "MFA device is still in use. Deactivate it first.".into(),
            ));
        }
        state.mfa_devices.remove(&serial);
        Ok(())
    })
}

/// ListMFADevices: the devices enabled for a user (the caller by default).
pub fn list_mfa_devices(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListMfaDevicesInput,
) -> Result<ListMfaDevicesOutput, IamError> {
    Checks::new()
        .optional_name("UserName", input.user_name.as_deref(), 128)
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let name = user_or_caller(ctx, input.user_name)?;
    let devices = iam.read(ctx.account(), |state| {
        let found = user(state, &name)?;
        let member = key(&found.name);
        Ok::<_, IamError>(
            state
                .mfa_devices
                .values()
                .filter(|device| device.user.as_deref() == Some(member.as_str()))
                .map(|device| MfaDeviceShape {
                    user_name: found.name.clone(),
                    serial_number: device.serial.clone(),
                    enable_date: device.enabled.map(timestamp).unwrap_or_default(),
                })
                .collect(),
        )
    })?;
    let page = page(devices, input.marker.as_deref(), input.max_items)?;
    Ok(ListMfaDevicesOutput {
        is_truncated: page.is_truncated(),
        mfa_devices: page.items,
        marker: page.marker,
    })
}

/// ListVirtualMFADevices, by assignment status (`Assigned`, `Unassigned` or `Any`).
pub fn list_virtual_mfa_devices(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListVirtualMfaDevicesInput,
) -> Result<ListVirtualMfaDevicesOutput, IamError> {
    Checks::new()
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let wanted = match input.assignment_status.as_deref() {
        None | Some("Any") => None,
        Some("Assigned") => Some(true),
        Some("Unassigned") => Some(false),
        Some(other) => {
            return Err(IamError::Validation(format!(
                "1 validation error detected: Value '{other}' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]"
            )));
        }
    };
    let devices = iam.read(ctx.account(), |state| {
        state
            .mfa_devices
            .values()
            .filter(|device| wanted.is_none_or(|assigned| device.user.is_some() == assigned))
            .map(|device| ListedVirtualMfaDevice {
                serial_number: device.serial.clone(),
                user: device
                    .user
                    .as_ref()
                    .and_then(|member| state.users.get(member))
                    .map(|user| super::super::wire::UserShape::of(user, false)),
                enable_date: device.enabled.map(timestamp),
            })
            .collect()
    });
    let page = page(devices, input.marker.as_deref(), input.max_items)?;
    Ok(ListVirtualMfaDevicesOutput {
        is_truncated: page.is_truncated(),
        virtual_mfa_devices: page.items,
        marker: page.marker,
    })
}
