//! Seeds and exports of `EXTERNAL` keys: a seed declares one with imported material (which a
//! later ImportKeyMaterial of the same bytes matches) or pending import, and an export
//! carries the origin and the imported material to another instance.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lockbox::Config;

use super::support::{import, state_of};
use crate::common::kms::encrypt;
use crate::common::seed::{export, import as admin_import, temp_file};
use crate::common::{kms_client, start_with};

const IMPORTED: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const WAITING: &str = "8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";

#[tokio::test]
async fn a_seed_declares_external_keys_and_an_export_carries_them() {
    let material = [0x24u8; 32];
    let document = format!(
        "version: 1\npartitions:\n  - account: '000000000000'\n    region: us-east-1\n    kms_keys:\n      - key_id: {IMPORTED}\n        origin: EXTERNAL\n        key_material: {}\n      - key_id: {WAITING}\n        origin: EXTERNAL\n",
        STANDARD.encode(material)
    );
    let path = temp_file("external-keys.yaml", &document);
    let server = start_with(Config {
        seed: Some(path),
        ..Config::for_tests()
    })
    .await;
    let kms = kms_client(&server);
    let described = kms.describe_key().key_id(IMPORTED).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    assert_eq!(meta.origin().unwrap().as_str(), "EXTERNAL");
    assert_eq!(meta.key_state().unwrap().as_str(), "Enabled");
    assert_eq!(
        meta.expiration_model().unwrap().as_str(),
        "KEY_MATERIAL_DOES_NOT_EXPIRE"
    );
    let seeded_id = meta.current_key_material_id().unwrap().to_owned();
    assert_eq!(state_of(&kms, WAITING).await, "PendingImport");
    // The seeded material is what an import of the same bytes gives.
    let again = import(&kms, IMPORTED, "RSAES_OAEP_SHA_256", &material).await;
    assert_eq!(again.key_material_id(), Some(seeded_id.as_str()));
    let blob = encrypt(&kms, IMPORTED, b"seeded", &[]).await;

    let exported = export(&server, "").await;
    let other = start_with(Config::for_tests()).await;
    let (status, answer) = admin_import(&other, "application/json", exported).await;
    assert_eq!(status, 200, "{answer}");
    let kms = kms_client(&other);
    let decrypted = kms.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"seeded");
    assert_eq!(decrypted.key_material_id(), Some(seeded_id.as_str()));
    assert_eq!(state_of(&kms, WAITING).await, "PendingImport");
    let described = kms.describe_key().key_id(WAITING).send().await.unwrap();
    assert_eq!(
        described.key_metadata().unwrap().origin().unwrap().as_str(),
        "EXTERNAL"
    );
}
