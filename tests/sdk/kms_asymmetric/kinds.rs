//! CreateKey, DescribeKey and GetPublicKey for every kind of key, and CreateKey's refusals.
#![allow(deprecated)] // CustomerMasterKeySpec, deprecated but still served, is part of what is tested

use aws_sdk_kms::types::{CustomerMasterKeySpec, KeySpec, KeyUsageType};

use crate::common::{assert_error, error_of, kms_client, start};

/// (spec, usage, which algorithm list, its algorithms, DER SubjectPublicKeyInfo length).
type Kind = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<usize>,
);

/// Every accepted (spec, usage) with the one algorithm list DescribeKey shows and, for key
/// pairs, the length of the DER SubjectPublicKeyInfo.
const KINDS: [Kind; 20] = [
    (
        "SYMMETRIC_DEFAULT",
        "ENCRYPT_DECRYPT",
        "Encryption",
        &["SYMMETRIC_DEFAULT"],
        None,
    ),
    (
        "RSA_2048",
        "ENCRYPT_DECRYPT",
        "Encryption",
        &["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        Some(294),
    ),
    (
        "RSA_3072",
        "SIGN_VERIFY",
        "Signing",
        &super::support::RSA_ALGORITHMS,
        Some(422),
    ),
    (
        "RSA_4096",
        "ENCRYPT_DECRYPT",
        "Encryption",
        &["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        Some(550),
    ),
    (
        "RSA_2048",
        "SIGN_VERIFY",
        "Signing",
        &super::support::RSA_ALGORITHMS,
        Some(294),
    ),
    (
        "ECC_NIST_P256",
        "SIGN_VERIFY",
        "Signing",
        &["ECDSA_SHA_256"],
        Some(91),
    ),
    (
        "ECC_NIST_P384",
        "SIGN_VERIFY",
        "Signing",
        &["ECDSA_SHA_384"],
        Some(120),
    ),
    (
        "ECC_NIST_P521",
        "SIGN_VERIFY",
        "Signing",
        &["ECDSA_SHA_512"],
        Some(158),
    ),
    (
        "ECC_NIST_P256",
        "KEY_AGREEMENT",
        "KeyAgreement",
        &["ECDH"],
        Some(91),
    ),
    (
        "ECC_NIST_P384",
        "KEY_AGREEMENT",
        "KeyAgreement",
        &["ECDH"],
        Some(120),
    ),
    (
        "ECC_NIST_P521",
        "KEY_AGREEMENT",
        "KeyAgreement",
        &["ECDH"],
        Some(158),
    ),
    (
        "ECC_SECG_P256K1",
        "SIGN_VERIFY",
        "Signing",
        &["ECDSA_SHA_256"],
        Some(88),
    ),
    (
        "ECC_NIST_EDWARDS25519",
        "SIGN_VERIFY",
        "Signing",
        &["ED25519_SHA_512", "ED25519_PH_SHA_512"],
        Some(44),
    ),
    (
        "ML_DSA_44",
        "SIGN_VERIFY",
        "Signing",
        &["ML_DSA_SHAKE_256"],
        Some(1334),
    ),
    (
        "ML_DSA_65",
        "SIGN_VERIFY",
        "Signing",
        &["ML_DSA_SHAKE_256"],
        Some(1974),
    ),
    (
        "ML_DSA_87",
        "SIGN_VERIFY",
        "Signing",
        &["ML_DSA_SHAKE_256"],
        Some(2614),
    ),
    (
        "HMAC_224",
        "GENERATE_VERIFY_MAC",
        "Mac",
        &["HMAC_SHA_224"],
        None,
    ),
    (
        "HMAC_256",
        "GENERATE_VERIFY_MAC",
        "Mac",
        &["HMAC_SHA_256"],
        None,
    ),
    (
        "HMAC_384",
        "GENERATE_VERIFY_MAC",
        "Mac",
        &["HMAC_SHA_384"],
        None,
    ),
    (
        "HMAC_512",
        "GENERATE_VERIFY_MAC",
        "Mac",
        &["HMAC_SHA_512"],
        None,
    ),
];

fn names<T: AsRef<str>>(list: Option<&Vec<T>>) -> Option<Vec<&str>> {
    list.map(|items| items.iter().map(AsRef::as_ref).collect())
}

#[tokio::test]
async fn every_kind_is_created_and_described_with_exactly_its_fields() {
    let server = start().await;
    let kms = kms_client(&server);
    for (spec, usage, list, algorithms, spki_len) in KINDS {
        let created = kms
            .create_key()
            .key_spec(KeySpec::from(spec))
            .key_usage(KeyUsageType::from(usage))
            .send()
            .await
            .unwrap();
        let arn = created.key_metadata().unwrap().arn().unwrap().to_owned();
        let described = kms.describe_key().key_id(&arn).send().await.unwrap();
        for meta in [
            created.key_metadata().unwrap(),
            described.key_metadata().unwrap(),
        ] {
            let what = format!("{spec} {usage}");
            assert_eq!(meta.key_spec().map(|s| s.as_str()), Some(spec), "{what}");
            assert_eq!(meta.key_usage().map(|u| u.as_str()), Some(usage), "{what}");
            // Ed25519 and ML-DSA are not in CustomerMasterKeySpec's enum: left out.
            let cmks = meta.customer_master_key_spec().map(|s| s.as_str());
            let new_spec = spec.starts_with("ML_DSA") || spec == "ECC_NIST_EDWARDS25519";
            assert_eq!(cmks, (!new_spec).then_some(spec), "{what}");
            let lists = [
                ("Encryption", names(meta.encryption_algorithms.as_ref())),
                ("Signing", names(meta.signing_algorithms.as_ref())),
                ("Mac", names(meta.mac_algorithms.as_ref())),
                (
                    "KeyAgreement",
                    names(meta.key_agreement_algorithms.as_ref()),
                ),
            ];
            for (name, shown) in lists {
                let expected = (name == list).then(|| algorithms.to_vec());
                assert_eq!(shown, expected, "{what}: {name}Algorithms");
            }
            assert_eq!(
                meta.current_key_material_id().is_some(),
                spec == "SYMMETRIC_DEFAULT",
                "{what}: CurrentKeyMaterialId"
            );
            assert_eq!(meta.origin().map(|o| o.as_str()), Some("AWS_KMS"));
            assert!(!meta.multi_region().unwrap());
        }
        let public = kms.get_public_key().key_id(&arn).send().await;
        match spki_len {
            Some(len) => {
                let public = public.unwrap();
                assert_eq!(public.key_id(), Some(arn.as_str()));
                assert_eq!(public.public_key().unwrap().as_ref().len(), len, "{spec}");
                assert_eq!(public.key_usage().map(|u| u.as_str()), Some(usage));
                assert_eq!(public.key_spec().map(|s| s.as_str()), Some(spec));
                let shown = [
                    ("Encryption", names(public.encryption_algorithms.as_ref())),
                    ("Signing", names(public.signing_algorithms.as_ref())),
                    (
                        "KeyAgreement",
                        names(public.key_agreement_algorithms.as_ref()),
                    ),
                ];
                for (name, shown) in shown {
                    assert_eq!(shown, (name == list).then(|| algorithms.to_vec()), "{spec}");
                }
            }
            None => assert_error(
                public,
                "UnsupportedOperationException",
                format!("{arn} key spec is {spec} which is not valid for GetPublicKey."),
            ),
        }
    }
    assert_eq!(
        kms.list_keys().send().await.unwrap().keys().len(),
        KINDS.len()
    );
}

#[tokio::test]
async fn create_key_refuses_what_aws_refuses() {
    let server = start().await;
    let kms = kms_client(&server);
    let pair = |spec: &str, usage: &str| {
        kms.create_key()
            .key_spec(KeySpec::from(spec))
            .key_usage(KeyUsageType::from(usage))
            .send()
    };
    assert_error(
        pair("SYMMETRIC_DEFAULT", "SIGN_VERIFY").await,
        "ValidationException",
        "The operation failed because the KeyUsage value of the CMK is SIGN_VERIFY. To perform this operation, the KeyUsage value must be ENCRYPT_DECRYPT.",
    );
    for (spec, usage) in [
        ("ECC_SECG_P256K1", "KEY_AGREEMENT"),
        ("ECC_NIST_EDWARDS25519", "ENCRYPT_DECRYPT"),
        ("ECC_NIST_P256", "ENCRYPT_DECRYPT"),
        ("ML_DSA_65", "KEY_AGREEMENT"),
        ("HMAC_256", "SIGN_VERIFY"),
        ("RSA_2048", "GENERATE_VERIFY_MAC"),
        ("RSA_4096", "KEY_AGREEMENT"),
    ] {
        assert_error(
            pair(spec, usage).await,
            "ValidationException",
            format!("KeyUsage {usage} is not compatible with KeySpec {spec}"),
        );
    }
    assert_error(
        pair("SM2", "SIGN_VERIFY").await,
        "UnsupportedOperationException",
        "KeySpec SM2 is not supported in this region.",
    );
    assert_error(
        kms.create_key().key_spec(KeySpec::EccNistP256).send().await,
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
    );
    assert_error(
        kms.create_key()
            .key_spec(KeySpec::Rsa2048)
            .customer_master_key_spec(CustomerMasterKeySpec::Rsa2048)
            .key_usage(KeyUsageType::SignVerify)
            .send()
            .await,
        "ValidationException",
        "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.",
    );
    // The deprecated member still works, but its enum has no Ed25519 or ML-DSA.
    let old = kms
        .create_key()
        .customer_master_key_spec(CustomerMasterKeySpec::EccNistP384)
        .key_usage(KeyUsageType::SignVerify)
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.key_metadata().unwrap().key_spec(),
        Some(&KeySpec::EccNistP384)
    );
    let (code, message) = error_of(
        kms.create_key()
            .customer_master_key_spec(CustomerMasterKeySpec::from("ML_DSA_44"))
            .key_usage(KeyUsageType::SignVerify)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("customerMasterKeySpec"), "{message}");
}
