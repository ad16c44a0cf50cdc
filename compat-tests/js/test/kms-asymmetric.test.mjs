// AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against lockbox: key pairs and HMAC keys.
// Signatures Lockbox makes verify offline with node:crypto using the GetPublicKey key (RSA
// PKCS#1 v1.5 and PSS, ECDSA on the NIST curves and secp256k1, Ed25519); data encrypted with
// node:crypto and an RSA public key decrypts in Lockbox; HMACs of a key seeded through the
// admin import equal node:crypto's. KMSInvalidSignatureException and KMSInvalidMacException
// have no message on the wire ("UnknownError" in this SDK).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  SignCommand,
  VerifyCommand,
  GenerateMacCommand,
  VerifyMacCommand,
  EncryptCommand,
  DecryptCommand,
} from "@aws-sdk/client-kms";
import { startLockbox, rejectsWith, withServerLog, kmsClient, admin, SDK_NO_MESSAGE, DEFAULT_ACCOUNT, REGION } from "../lib/lockbox.mjs";

let server;
let kms;
const t = withServerLog(() => [server]);

before(async () => {
  server = await startLockbox();
  kms = kmsClient(server);
});
after(async () => {
  kms?.destroy();
  await server?.stop();
});

const send = (Cmd, input = {}) => kms.send(new Cmd(input));
const MESSAGE = new TextEncoder().encode('{"iss":"lockbox","aud":"js"}');
const newKey = async (KeySpec, KeyUsage) => (await send(CreateKeyCommand, { KeySpec, KeyUsage })).KeyMetadata;

/** node:crypto's verification of a KMS signing algorithm's signature. */
function verifyOffline(publicDer, algorithm, message, signature) {
  const key = crypto.createPublicKey({ key: Buffer.from(publicDer), format: "der", type: "spki" });
  if (algorithm.startsWith("ED25519")) return crypto.verify(null, message, key, signature);
  const hash = `sha${algorithm.slice(-3)}`;
  if (algorithm.startsWith("RSASSA_PSS")) {
    const saltLength = Number(algorithm.slice(-3)) / 8;
    return crypto.verify(hash, message, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
  }
  if (algorithm.startsWith("ECDSA")) return crypto.verify(hash, message, { key, dsaEncoding: "der" }, signature);
  return crypto.verify(hash, message, key, signature);
}

describe("KMS key pairs (SDK v3)", () => {
  const cases = [
    ["RSA_2048", ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]],
    ["ECC_NIST_P256", ["ECDSA_SHA_256"]],
    ["ECC_NIST_P384", ["ECDSA_SHA_384"]],
    ["ECC_NIST_P521", ["ECDSA_SHA_512"]],
    ["ECC_SECG_P256K1", ["ECDSA_SHA_256"]],
    ["ECC_NIST_EDWARDS25519", ["ED25519_SHA_512"]],
  ];
  for (const [spec, algorithms] of cases) {
    it(`${spec} signatures verify offline and in lockbox`, t(async () => {
      const meta = await newKey(spec, "SIGN_VERIFY");
      assert.equal(meta.KeySpec, spec);
      assert.equal(meta.EncryptionAlgorithms, undefined);
      assert.equal(meta.CurrentKeyMaterialId, undefined);
      const pub = await send(GetPublicKeyCommand, { KeyId: meta.KeyId });
      assert.equal(pub.KeyId, meta.Arn);
      assert.equal(pub.KeyUsage, "SIGN_VERIFY");
      for (const algorithm of algorithms) {
        const signed = await send(SignCommand, { KeyId: meta.Arn, Message: MESSAGE, SigningAlgorithm: algorithm });
        assert.equal(signed.SigningAlgorithm, algorithm);
        assert.ok(verifyOffline(pub.PublicKey, algorithm, MESSAGE, signed.Signature), `${spec} ${algorithm}`);
        const ok = await send(VerifyCommand, { KeyId: meta.KeyId, Message: MESSAGE, Signature: signed.Signature, SigningAlgorithm: algorithm });
        assert.equal(ok.SignatureValid, true);
        const changed = Uint8Array.from(MESSAGE);
        changed[0] ^= 1;
        await rejectsWith(
          send(VerifyCommand, { KeyId: meta.KeyId, Message: changed, Signature: signed.Signature, SigningAlgorithm: algorithm }),
          "KMSInvalidSignatureException", SDK_NO_MESSAGE,
        );
      }
    }));
  }

  it("DIGEST signatures verify as signatures of the message", t(async () => {
    const meta = await newKey("ECC_NIST_P256", "SIGN_VERIFY");
    const digest = crypto.createHash("sha256").update(MESSAGE).digest();
    const signed = await send(SignCommand, { KeyId: meta.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256" });
    const pub = await send(GetPublicKeyCommand, { KeyId: meta.KeyId });
    assert.ok(verifyOffline(pub.PublicKey, "ECDSA_SHA_256", MESSAGE, signed.Signature));
    await rejectsWith(
      send(SignCommand, { KeyId: meta.KeyId, Message: digest.subarray(1), MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256" }),
      "ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256.",
    );
  }));

  it("refuses the wrong key usage and algorithm with AWS's texts", t(async () => {
    const signing = await newKey("ECC_NIST_P384", "SIGN_VERIFY");
    await rejectsWith(
      send(EncryptCommand, { KeyId: signing.Arn, Plaintext: MESSAGE }),
      "InvalidKeyUsageException", `${signing.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`,
    );
    await rejectsWith(
      send(SignCommand, { KeyId: signing.Arn, Message: MESSAGE, SigningAlgorithm: "ECDSA_SHA_256" }),
      "InvalidKeyUsageException", "Algorithm ECDSA_SHA_256 is incompatible with key spec ECC_NIST_P384.",
    );
    await rejectsWith(
      send(CreateKeyCommand, { KeySpec: "ECC_SECG_P256K1", KeyUsage: "KEY_AGREEMENT" }),
      "ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec ECC_SECG_P256K1",
    );
    const ml = await newKey("ML_DSA_65", "SIGN_VERIFY");
    const described = (await send(DescribeKeyCommand, { KeyId: ml.KeyId })).KeyMetadata;
    assert.deepEqual(described.SigningAlgorithms, ["ML_DSA_SHAKE_256"]);
    assert.equal(described.CustomerMasterKeySpec, undefined);
  }));
});

describe("KMS RSA encryption (SDK v3)", () => {
  it("data encrypted with node:crypto and the public key decrypts in lockbox", t(async () => {
    const meta = await newKey("RSA_2048", "ENCRYPT_DECRYPT");
    const pub = await send(GetPublicKeyCommand, { KeyId: meta.KeyId });
    const key = crypto.createPublicKey({ key: Buffer.from(pub.PublicKey), format: "der", type: "spki" });
    const ciphertext = crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, MESSAGE);
    const out = await send(DecryptCommand, { KeyId: meta.Arn, CiphertextBlob: ciphertext, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });
    assert.deepEqual(Buffer.from(out.Plaintext), Buffer.from(MESSAGE));
    assert.equal(out.KeyMaterialId, undefined);
    await rejectsWith(
      send(DecryptCommand, { KeyId: meta.Arn, CiphertextBlob: ciphertext }),
      "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    );
  }));
});

describe("KMS HMAC keys (SDK v3)", () => {
  it("MACs of a seeded key equal node:crypto's", t(async () => {
    const material = crypto.randomBytes(48);
    const keyId = crypto.randomUUID();
    const seeded = await admin(server, "POST", "/_lockbox/import", {
      version: 1,
      partitions: [{
        account: DEFAULT_ACCOUNT, region: REGION,
        kms_keys: [{ key_id: keyId, key_spec: "HMAC_384", key_usage: "GENERATE_VERIFY_MAC", key_material: material.toString("base64") }],
      }],
    });
    assert.equal(seeded.status, 200, seeded.text);
    const offline = crypto.createHmac("sha384", material).update(MESSAGE).digest();
    const out = await send(GenerateMacCommand, { KeyId: keyId, Message: MESSAGE, MacAlgorithm: "HMAC_SHA_384" });
    assert.deepEqual(Buffer.from(out.Mac), offline);
    const ok = await send(VerifyMacCommand, { KeyId: keyId, Message: MESSAGE, Mac: offline, MacAlgorithm: "HMAC_SHA_384" });
    assert.equal(ok.MacValid, true);
    await rejectsWith(
      send(VerifyMacCommand, { KeyId: keyId, Message: MESSAGE.subarray(1), Mac: offline, MacAlgorithm: "HMAC_SHA_384" }),
      "KMSInvalidMacException", SDK_NO_MESSAGE,
    );
    await rejectsWith(
      send(GenerateMacCommand, { KeyId: keyId, Message: MESSAGE, MacAlgorithm: "HMAC_SHA_256" }),
      "InvalidKeyUsageException", "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_384.",
    );
  }));
});
