//! GenerateMac and VerifyMac with HMAC keys of every spec, and their errors.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::MacAlgorithmSpec;

use super::support::new_key;
use crate::common::kms::NO_MESSAGE;
use crate::common::{assert_error, kms_client, start};

const SPECS: [(&str, &str, usize); 4] = [
    ("HMAC_224", "HMAC_SHA_224", 28),
    ("HMAC_256", "HMAC_SHA_256", 32),
    ("HMAC_384", "HMAC_SHA_384", 48),
    ("HMAC_512", "HMAC_SHA_512", 64),
];

#[tokio::test]
async fn every_hmac_spec_generates_and_verifies_its_macs() {
    let server = start().await;
    let kms = kms_client(&server);
    for (spec, algorithm, len) in SPECS {
        let arn = new_key(&kms, spec, "GENERATE_VERIFY_MAC").await;
        let generated = kms
            .generate_mac()
            .key_id(&arn)
            .message(Blob::new(b"token-body".to_vec()))
            .mac_algorithm(MacAlgorithmSpec::from(algorithm))
            .send()
            .await
            .unwrap();
        assert_eq!(generated.key_id(), Some(arn.as_str()));
        assert_eq!(
            generated.mac_algorithm().map(|a| a.as_str()),
            Some(algorithm)
        );
        let tag = generated.mac().unwrap().clone();
        assert_eq!(tag.as_ref().len(), len);
        let verify = |message: &[u8], tag: Blob| {
            kms.verify_mac()
                .key_id(&arn)
                .message(Blob::new(message.to_vec()))
                .mac(tag)
                .mac_algorithm(MacAlgorithmSpec::from(algorithm))
                .send()
        };
        let verified = verify(b"token-body", tag.clone()).await.unwrap();
        assert!(verified.mac_valid());
        assert_eq!(verified.key_id(), Some(arn.as_str()));
        assert_error(
            verify(b"token-bodY", tag.clone()).await,
            "KMSInvalidMacException",
            NO_MESSAGE,
        );
        assert_error(
            verify(b"token-body", Blob::new(&tag.as_ref()[1..])).await,
            "KMSInvalidMacException",
            NO_MESSAGE,
        );
        // The same message MACs the same way every time (HMAC is deterministic).
        let again = kms
            .generate_mac()
            .key_id(&arn)
            .message(Blob::new(b"token-body".to_vec()))
            .mac_algorithm(MacAlgorithmSpec::from(algorithm))
            .send()
            .await
            .unwrap();
        assert_eq!(again.mac(), Some(&tag));
    }
}

#[tokio::test]
async fn mac_operations_check_usage_algorithm_and_dry_run() {
    let server = start().await;
    let kms = kms_client(&server);
    let hmac = new_key(&kms, "HMAC_384", "GENERATE_VERIFY_MAC").await;
    let signing = new_key(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let (_, symmetric) = crate::common::kms::new_key(&kms).await;
    let generate = |key: &str, algorithm: MacAlgorithmSpec| {
        kms.generate_mac()
            .key_id(key)
            .message(Blob::new(b"m".to_vec()))
            .mac_algorithm(algorithm)
            .send()
    };
    assert_error(
        generate(&hmac, MacAlgorithmSpec::HmacSha256).await,
        "InvalidKeyUsageException",
        "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_384.",
    );
    assert_error(
        generate(&symmetric, MacAlgorithmSpec::HmacSha256).await,
        "InvalidKeyUsageException",
        format!("{symmetric} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac."),
    );
    assert_error(
        kms.verify_mac()
            .key_id(&signing)
            .message(Blob::new(b"m".to_vec()))
            .mac(Blob::new(vec![0; 32]))
            .mac_algorithm(MacAlgorithmSpec::HmacSha256)
            .send()
            .await,
        "InvalidKeyUsageException",
        format!("{signing} key usage is SIGN_VERIFY which is not valid for VerifyMac."),
    );
    assert_error(
        kms.generate_mac()
            .key_id(&hmac)
            .message(Blob::new(b"m".to_vec()))
            .mac_algorithm(MacAlgorithmSpec::HmacSha384)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    kms.schedule_key_deletion()
        .key_id(&hmac)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    assert_error(
        generate(&hmac, MacAlgorithmSpec::HmacSha384).await,
        "KMSInvalidStateException",
        format!("{hmac} is pending deletion."),
    );
}
