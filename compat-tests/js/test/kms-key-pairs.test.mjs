// AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against lockbox: data key pairs whose private
// key node:crypto loads (PKCS#8 DER) and whose public half is PublicKey, the blob opening with
// plain Decrypt; DeriveSharedSecret equal to node:crypto's ECDH with the peer's private key and
// GetPublicKey; GetKeyLastUsage naming the last call; custom key store operations answered as
// for an account without any.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteCustomKeyStoreCommand,
  DeriveSharedSecretCommand,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GetKeyLastUsageCommand,
  GetPublicKeyCommand,
  UpdateCustomKeyStoreCommand,
} from "@aws-sdk/client-kms";
import { startLockbox, rejectsWith, withServerLog, kmsClient } from "../lib/lockbox.mjs";

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
const newKey = async (input = {}) => (await send(CreateKeyCommand, input)).KeyMetadata;
const DRY_RUN = "The request would have succeeded, but the DryRun option is set.";
const STORE = "cks-1234567890abcdef0";
const spkiOf = (key) =>
  (key.type === "public" ? key : crypto.createPublicKey(key)).export({ format: "der", type: "spki" });

describe("KMS data key pairs (SDK v3)", () => {
  for (const spec of ["RSA_2048", "ECC_NIST_P256", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"]) {
    it(`${spec} pairs load in node:crypto and the blob decrypts to the same key`, t(async () => {
      const meta = await newKey();
      const context = { purpose: "js", spec };
      const out = await send(GenerateDataKeyPairCommand, { KeyId: meta.KeyId, KeyPairSpec: spec, EncryptionContext: context });
      assert.equal(out.KeyId, meta.Arn);
      assert.equal(out.KeyPairSpec, spec);
      assert.equal(out.KeyMaterialId, meta.CurrentKeyMaterialId);
      const privateKey = crypto.createPrivateKey({ key: Buffer.from(out.PrivateKeyPlaintext), format: "der", type: "pkcs8" });
      assert.deepEqual(spkiOf(privateKey), Buffer.from(out.PublicKey));
      const message = Buffer.from("signed with a data key pair");
      const hash = spec.startsWith("ECC_NIST_EDWARDS") ? null : "sha256";
      const signature = crypto.sign(hash, message, privateKey);
      const publicKey = crypto.createPublicKey({ key: Buffer.from(out.PublicKey), format: "der", type: "spki" });
      assert.ok(crypto.verify(hash, message, publicKey, signature));
      const opened = await send(DecryptCommand, { CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: context });
      assert.deepEqual(Buffer.from(opened.Plaintext), Buffer.from(out.PrivateKeyPlaintext));
    }));
  }

  it("without plaintext, and AWS's errors", t(async () => {
    const meta = await newKey();
    const out = await send(GenerateDataKeyPairWithoutPlaintextCommand, { KeyId: meta.Arn, KeyPairSpec: "ECC_NIST_P384" });
    assert.equal(out.PrivateKeyPlaintext, undefined);
    const opened = await send(DecryptCommand, { CiphertextBlob: out.PrivateKeyCiphertextBlob });
    const privateKey = crypto.createPrivateKey({ key: Buffer.from(opened.Plaintext), format: "der", type: "pkcs8" });
    assert.deepEqual(spkiOf(privateKey), Buffer.from(out.PublicKey));
    await rejectsWith(
      send(GenerateDataKeyPairCommand, { KeyId: meta.KeyId, KeyPairSpec: "RSA_2048", DryRun: true }),
      "DryRunOperationException", DRY_RUN,
    );
    const rsa = await newKey({ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
    await rejectsWith(
      send(GenerateDataKeyPairWithoutPlaintextCommand, { KeyId: rsa.KeyId, KeyPairSpec: "ECC_NIST_P256" }),
      "InvalidKeyUsageException",
      `${rsa.Arn} key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPairWithoutPlaintext.`,
    );
    await rejectsWith(
      send(GenerateDataKeyPairCommand, { KeyId: meta.KeyId, KeyPairSpec: "SM2" }),
      "UnsupportedOperationException", "KeyPairSpec SM2 is not supported in this region.",
    );
  }));
});

describe("KMS DeriveSharedSecret (SDK v3)", () => {
  for (const [spec, curve, length] of [["ECC_NIST_P256", "prime256v1", 32], ["ECC_NIST_P384", "secp384r1", 48], ["ECC_NIST_P521", "secp521r1", 66]]) {
    it(`${spec}: the secret equals node:crypto's ECDH`, t(async () => {
      const meta = await newKey({ KeySpec: spec, KeyUsage: "KEY_AGREEMENT" });
      const peer = crypto.generateKeyPairSync("ec", { namedCurve: curve });
      const out = await send(DeriveSharedSecretCommand, {
        KeyId: meta.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: spkiOf(peer.publicKey),
      });
      assert.equal(out.KeyId, meta.Arn);
      assert.equal(out.KeyOrigin, "AWS_KMS");
      assert.equal(out.KeyAgreementAlgorithm, "ECDH");
      const lockboxPublic = (await send(GetPublicKeyCommand, { KeyId: meta.KeyId })).PublicKey;
      const offline = crypto.diffieHellman({
        privateKey: peer.privateKey,
        publicKey: crypto.createPublicKey({ key: Buffer.from(lockboxPublic), format: "der", type: "spki" }),
      });
      assert.equal(out.SharedSecret.length, length);
      assert.deepEqual(Buffer.from(out.SharedSecret), offline);
    }));
  }

  it("refuses a peer key on another curve and a signing key", t(async () => {
    const meta = await newKey({ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT" });
    const other = crypto.generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    await rejectsWith(
      send(DeriveSharedSecretCommand, { KeyId: meta.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: spkiOf(other.publicKey) }),
      "ValidationException", "PublicKey must be an elliptic curve public key of key spec ECC_NIST_P256.",
    );
    const signing = await newKey({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    const peer = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    await rejectsWith(
      send(DeriveSharedSecretCommand, { KeyId: signing.Arn, KeyAgreementAlgorithm: "ECDH", PublicKey: spkiOf(peer.publicKey) }),
      "InvalidKeyUsageException", `${signing.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`,
    );
  }));
});

describe("KMS GetKeyLastUsage and custom key stores (SDK v3)", () => {
  it("GetKeyLastUsage names the last successful call", t(async () => {
    const meta = await newKey();
    const fresh = await send(GetKeyLastUsageCommand, { KeyId: meta.Arn });
    assert.equal(fresh.KeyId, meta.KeyId);
    assert.deepEqual(fresh.KeyLastUsage ?? {}, {});
    assert.equal(fresh.TrackingStartDate.getTime(), fresh.KeyCreationDate.getTime());
    const encrypted = await send(EncryptCommand, { KeyId: meta.KeyId, Plaintext: Buffer.from("x") });
    const usage = (await send(GetKeyLastUsageCommand, { KeyId: meta.KeyId })).KeyLastUsage;
    assert.equal(usage.Operation, "Encrypt");
    assert.equal(usage.KmsRequestId, encrypted.$metadata.requestId);
    assert.ok(usage.Timestamp instanceof Date);
    assert.equal(usage.CloudTrailEventId.length, 36);
  }));

  it("custom key store operations answer as for an account without any", t(async () => {
    const listed = await send(DescribeCustomKeyStoresCommand);
    assert.deepEqual(listed.CustomKeyStores, []);
    assert.equal(listed.Truncated, false);
    const notFound = `Custom key store '${STORE}' does not exist.`;
    for (const Cmd of [ConnectCustomKeyStoreCommand, DisconnectCustomKeyStoreCommand, DeleteCustomKeyStoreCommand, UpdateCustomKeyStoreCommand]) {
      await rejectsWith(send(Cmd, { CustomKeyStoreId: STORE }), "CustomKeyStoreNotFoundException", notFound);
    }
    await rejectsWith(
      send(CreateCustomKeyStoreCommand, {
        CustomKeyStoreName: "ExampleKeyStore", CloudHsmClusterId: "cluster-abcdefghijk",
        KeyStorePassword: "kmsPswd", TrustAnchorCertificate: "<certificate>",
      }),
      "CloudHsmClusterNotFoundException", "The CloudHSM cluster cluster-abcdefghijk was not found.",
    );
    await rejectsWith(send(CreateKeyCommand, { CustomKeyStoreId: STORE }), "CustomKeyStoreNotFoundException", notFound);
  }));
});
