// AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against lockbox: imported key material
// (Origin EXTERNAL). Material is wrapped offline with node:crypto, RSA-OAEP SHA-256 directly
// or RSA_AES_KEY_WRAP_SHA_256 (OAEP of an AES key + id-aes256-wrap-pad); a symmetric
// ciphertext then round-trips, an HMAC key MACs as node:crypto does, a multi-Region replica
// takes only its primary's material, and the errors carry their exact __type and message.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  DeleteImportedKeyMaterialCommand,
  EncryptCommand,
  DecryptCommand,
  GenerateMacCommand,
  SignCommand,
  GetPublicKeyCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ListKeyRotationsCommand,
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
const NO_EXPIRY = "KEY_MATERIAL_DOES_NOT_EXPIRE";

/** `material` wrapped under the DER public key as AWS's docs do it with OpenSSL. */
function wrap(publicDer, algorithm, material) {
  const key = crypto.createPublicKey({ key: Buffer.from(publicDer), format: "der", type: "spki" });
  const oaepHash = algorithm.endsWith("SHA_1") ? "sha1" : "sha256";
  const oaep = (data) => crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data);
  if (algorithm.startsWith("RSAES_OAEP")) return oaep(material);
  const aesKey = crypto.randomBytes(32);
  const kwp = crypto.createCipheriv("id-aes256-wrap-pad", aesKey, Buffer.from("A65959A6", "hex"));
  return Buffer.concat([oaep(aesKey), kwp.update(material), kwp.final()]);
}

async function importMaterial(KeyId, material, WrappingAlgorithm = "RSAES_OAEP_SHA_256", extra = {}, client = kms) {
  const p = await client.send(new GetParametersForImportCommand({ KeyId, WrappingAlgorithm, WrappingKeySpec: "RSA_2048" }));
  return client.send(new ImportKeyMaterialCommand({
    KeyId,
    ImportToken: p.ImportToken,
    EncryptedKeyMaterial: wrap(p.PublicKey, WrappingAlgorithm, material),
    ExpirationModel: NO_EXPIRY,
    ...extra,
  }));
}

describe("KMS imported key material (SDK v3)", () => {
  it("imports symmetric material wrapped offline and round-trips a ciphertext", t(async () => {
    const meta = (await send(CreateKeyCommand, { Origin: "EXTERNAL" })).KeyMetadata;
    assert.equal(meta.Origin, "EXTERNAL");
    assert.equal(meta.KeyState, "PendingImport");
    await rejectsWith(send(EncryptCommand, { KeyId: meta.KeyId, Plaintext: Buffer.from("x") }),
      "KMSInvalidStateException", `${meta.Arn} is pending import.`);
    const p = await send(GetParametersForImportCommand,
      { KeyId: meta.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_4096" });
    assert.equal(p.KeyId, meta.Arn);
    assert.equal(crypto.createPublicKey({ key: Buffer.from(p.PublicKey), format: "der", type: "spki" })
      .asymmetricKeyDetails.modulusLength, 4096);
    assert.ok(p.ParametersValidTo instanceof Date);
    const material = crypto.randomBytes(32);
    const out = await send(ImportKeyMaterialCommand, {
      KeyId: meta.KeyId, ImportToken: p.ImportToken, ExpirationModel: NO_EXPIRY,
      EncryptedKeyMaterial: wrap(p.PublicKey, "RSAES_OAEP_SHA_256", material),
    });
    assert.match(out.KeyMaterialId, /^[0-9a-f]{64}$/);
    const described = (await send(DescribeKeyCommand, { KeyId: meta.KeyId })).KeyMetadata;
    assert.equal(described.KeyState, "Enabled");
    assert.equal(described.ExpirationModel, NO_EXPIRY);
    const { CiphertextBlob } = await send(EncryptCommand, { KeyId: meta.KeyId, Plaintext: Buffer.from("byok") });
    const decrypted = await send(DecryptCommand, { CiphertextBlob });
    assert.equal(Buffer.from(decrypted.Plaintext).toString(), "byok");
    assert.equal(decrypted.KeyMaterialId, out.KeyMaterialId);

    const deleted = await send(DeleteImportedKeyMaterialCommand, { KeyId: meta.KeyId });
    assert.equal(deleted.KeyMaterialId, out.KeyMaterialId);
    await rejectsWith(send(DecryptCommand, { CiphertextBlob }),
      "KMSInvalidStateException", `${meta.Arn} is pending import.`);
    await rejectsWith(importMaterial(meta.KeyId, crypto.randomBytes(32)), "IncorrectKeyMaterialException",
      `The key material does not match the key material previously imported into ${meta.Arn}.`);
    await importMaterial(meta.KeyId, material, "RSAES_OAEP_SHA_1");
    assert.equal(Buffer.from((await send(DecryptCommand, { CiphertextBlob })).Plaintext).toString(), "byok");
  }));

  it("an imported HMAC key MACs as node:crypto does", t(async () => {
    const meta = (await send(CreateKeyCommand,
      { Origin: "EXTERNAL", KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" })).KeyMetadata;
    const material = crypto.randomBytes(32);
    await importMaterial(meta.KeyId, material);
    const { Mac } = await send(GenerateMacCommand,
      { KeyId: meta.KeyId, MacAlgorithm: "HMAC_SHA_256", Message: Buffer.from("payload") });
    assert.deepEqual(Buffer.from(Mac), crypto.createHmac("sha256", material).update("payload").digest());
  }));

  it("an EC key pair wrapped with RSA_AES_KEY_WRAP_SHA_256 signs with its own key", t(async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const der = privateKey.export({ format: "der", type: "pkcs8" });
    const meta = (await send(CreateKeyCommand,
      { Origin: "EXTERNAL", KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" })).KeyMetadata;
    await importMaterial(meta.KeyId, der, "RSA_AES_KEY_WRAP_SHA_256");
    const got = await send(GetPublicKeyCommand, { KeyId: meta.KeyId });
    assert.deepEqual(Buffer.from(got.PublicKey), publicKey.export({ format: "der", type: "spki" }));
    const { Signature } = await send(SignCommand,
      { KeyId: meta.KeyId, Message: Buffer.from("doc"), SigningAlgorithm: "ECDSA_SHA_256" });
    assert.ok(crypto.verify("sha256", Buffer.from("doc"), { key: publicKey, dsaEncoding: "der" }, Signature));
  }));

  it("refuses tokens of another key, keys of origin AWS_KMS and missing ValidTo", t(async () => {
    const a = (await send(CreateKeyCommand, { Origin: "EXTERNAL" })).KeyMetadata;
    const b = (await send(CreateKeyCommand, { Origin: "EXTERNAL" })).KeyMetadata;
    const p = await send(GetParametersForImportCommand,
      { KeyId: b.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
    const material = wrap(p.PublicKey, "RSAES_OAEP_SHA_256", crypto.randomBytes(32));
    await rejectsWith(send(ImportKeyMaterialCommand,
      { KeyId: a.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: material, ExpirationModel: NO_EXPIRY }),
      "InvalidImportTokenException", "Import token is invalid or is associated with a different KMS key.");
    await rejectsWith(send(ImportKeyMaterialCommand,
      { KeyId: b.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: material }),
      "ValidationException", "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.");
    const plain = (await send(CreateKeyCommand, {})).KeyMetadata;
    await rejectsWith(send(DeleteImportedKeyMaterialCommand, { KeyId: plain.KeyId }),
      "UnsupportedOperationException", `${plain.Arn} origin is AWS_KMS which is not valid for this operation.`);
    await rejectsWith(send(GetParametersForImportCommand,
      { KeyId: plain.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }),
      "UnsupportedOperationException", `${plain.Arn} origin is AWS_KMS which is not valid for this operation.`);
  }));

  it("a multi-Region replica of imported material takes only its primary's material", t(async () => {
    const west = kmsClient(server, { region: "us-west-2" });
    try {
      const meta = (await send(CreateKeyCommand, { Origin: "EXTERNAL", MultiRegion: true })).KeyMetadata;
      assert.match(meta.KeyId, /^mrk-[0-9a-f]{32}$/);
      assert.equal(meta.KeyState, "PendingImport");
      const material = crypto.randomBytes(32);
      const first = (await importMaterial(meta.KeyId, material)).KeyMaterialId;
      const replica = (await send(ReplicateKeyCommand, { KeyId: meta.KeyId, ReplicaRegion: "us-west-2" }))
        .ReplicaKeyMetadata;
      assert.equal(replica.KeyState, "PendingImport");
      assert.equal(replica.CurrentKeyMaterialId, first);
      assert.equal(replica.ExpirationModel, undefined);
      const blob = (await send(EncryptCommand, { KeyId: meta.KeyId, Plaintext: Buffer.from("across") })).CiphertextBlob;
      await rejectsWith(west.send(new DecryptCommand({ CiphertextBlob: blob })),
        "KMSInvalidStateException", `${replica.Arn} is pending import.`);
      await rejectsWith(importMaterial(meta.KeyId, crypto.randomBytes(32), undefined, {}, west),
        "IncorrectKeyMaterialException",
        `The key material does not match the key material previously imported into ${replica.Arn}.`);
      await rejectsWith(importMaterial(meta.KeyId, material, undefined, { ImportType: "NEW_KEY_MATERIAL" }, west),
        "UnsupportedOperationException",
        `${replica.Arn} is a multi-Region replica key. Import new key material into its primary key, then import the same key material into this key with ImportType EXISTING_KEY_MATERIAL.`);
      assert.equal((await importMaterial(meta.KeyId, material, undefined, {}, west)).KeyMaterialId, first);
      const opened = await west.send(new DecryptCommand({ CiphertextBlob: blob }));
      assert.equal(Buffer.from(opened.Plaintext).toString(), "across");
      // New material: pending in every Region until the replica has it, then rotated to.
      const newer = crypto.randomBytes(32);
      const pending = (await importMaterial(meta.KeyId, newer, undefined, { ImportType: "NEW_KEY_MATERIAL" }))
        .KeyMaterialId;
      const listed = await send(ListKeyRotationsCommand, { KeyId: meta.KeyId, IncludeKeyMaterial: "ALL_KEY_MATERIAL" });
      assert.deepEqual(listed.Rotations.map((r) => [r.KeyMaterialId, r.KeyMaterialState]),
        [[first, "CURRENT"], [pending, "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"]]);
      await rejectsWith(send(RotateKeyOnDemandCommand, { KeyId: meta.KeyId }), "KMSInvalidStateException",
        `${meta.Arn} has key material ${pending} in PENDING_MULTI_REGION_IMPORT_AND_ROTATION state. Import it into every replica key with ImportType EXISTING_KEY_MATERIAL before rotating it.`);
      await importMaterial(meta.KeyId, newer, undefined, { ImportType: "EXISTING_KEY_MATERIAL" }, west);
      await send(RotateKeyOnDemandCommand, { KeyId: meta.KeyId });
      const rotated = (await west.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata;
      assert.equal(rotated.CurrentKeyMaterialId, pending);
      // A replica's material is deleted on its own.
      await west.send(new DeleteImportedKeyMaterialCommand({ KeyId: meta.KeyId }));
      assert.equal((await west.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata.KeyState, "PendingImport");
      assert.equal((await send(DescribeKeyCommand, { KeyId: meta.KeyId })).KeyMetadata.KeyState, "Enabled");
    } finally {
      west.destroy();
    }
  }));
});
