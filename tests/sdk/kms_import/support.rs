//! Helpers of the import tests: keys of origin `EXTERNAL`, import parameters, and wrapping
//! material offline as a caller would (RustCrypto's `rsa` and `aes-kw`, not Lockbox's code).

use aws_sdk_kms::operation::import_key_material::ImportKeyMaterialOutput;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{
    AlgorithmSpec, ExpirationModelType, KeySpec, KeyUsageType, OriginType, WrappingKeySpec,
};
use rsa::pkcs8::DecodePublicKey as _;

/// Creates a key of origin `EXTERNAL` of `spec` and `usage`; returns its ARN.
pub async fn new_external(kms: &aws_sdk_kms::Client, spec: &str, usage: &str) -> String {
    let created = kms
        .create_key()
        .origin(OriginType::External)
        .key_spec(KeySpec::from(spec))
        .key_usage(KeyUsageType::from(usage))
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateKey EXTERNAL {spec}: {e:?}"));
    created.key_metadata().unwrap().arn().unwrap().to_owned()
}

/// The import token and the wrapping public key (DER SPKI) of one GetParametersForImport.
pub struct Params {
    pub token: Blob,
    pub public_key: Vec<u8>,
}

/// GetParametersForImport for `key` with `algorithm` and `wrapping_spec`.
pub async fn params(
    kms: &aws_sdk_kms::Client,
    key: &str,
    algorithm: &str,
    wrapping_spec: &str,
) -> Params {
    let out = kms
        .get_parameters_for_import()
        .key_id(key)
        .wrapping_algorithm(AlgorithmSpec::from(algorithm))
        .wrapping_key_spec(WrappingKeySpec::from(wrapping_spec))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetParametersForImport {algorithm} {wrapping_spec}: {e:?}"));
    Params {
        token: out.import_token().unwrap().clone(),
        public_key: out.public_key().unwrap().as_ref().to_vec(),
    }
}

fn oaep_encrypt(public: &rsa::PublicKey, sha1: bool, data: &[u8]) -> Vec<u8> {
    let rng = &mut getrandom::SysRng;
    match sha1 {
        true => public.encrypt(rng, rsa::Oaep::<sha1::Sha1>::new(), data),
        false => public.encrypt(rng, rsa::Oaep::<rsa::sha2::Sha256>::new(), data),
    }
    .unwrap()
}

/// `material` wrapped under the DER `public_key` with `algorithm`, as AWS's docs do it with
/// OpenSSL.
pub fn wrap(public_key: &[u8], algorithm: &str, material: &[u8]) -> Vec<u8> {
    let public = rsa::PublicKey::from_public_key_der(public_key).unwrap();
    let sha1 = algorithm.ends_with("SHA_1");
    if algorithm.starts_with("RSAES_OAEP") {
        return oaep_encrypt(&public, sha1, material);
    }
    let mut aes_key = [0u8; 32];
    getrandom::fill(&mut aes_key).unwrap();
    let mut wrapped = oaep_encrypt(&public, sha1, &aes_key);
    wrapped.extend(
        aes_kw::KekAes256::from(aes_key)
            .wrap_with_padding_vec(material)
            .unwrap(),
    );
    wrapped
}

/// Imports `material` into `key` with `algorithm` under an RSA_2048 wrapping key, material
/// that does not expire.
pub async fn import(
    kms: &aws_sdk_kms::Client,
    key: &str,
    algorithm: &str,
    material: &[u8],
) -> ImportKeyMaterialOutput {
    let params = params(kms, key, algorithm, "RSA_2048").await;
    kms.import_key_material()
        .key_id(key)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(&params.public_key, algorithm, material)))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .send()
        .await
        .unwrap_or_else(|e| panic!("ImportKeyMaterial {algorithm}: {e:?}"))
}

/// DescribeKey's `KeyState` of `key`.
pub async fn state_of(kms: &aws_sdk_kms::Client, key: &str) -> String {
    let described = kms.describe_key().key_id(key).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    meta.key_state().unwrap().as_str().to_owned()
}
