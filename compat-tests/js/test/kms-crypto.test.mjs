// AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against lockbox: cryptographic operations,
// rotation, grants and Secrets Manager on a customer key. Messages known from real AWS or its
// documentation are exact; where AWS's text is not known only the code is pinned.
// InvalidCiphertextException has no message on the wire, which the SDK renders as "UnknownError".
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  CreateAliasCommand,
  EncryptCommand,
  DecryptCommand,
  ReEncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  EnableKeyRotationCommand,
  DisableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  RotateKeyOnDemandCommand,
  ListKeyRotationsCommand,
  CreateGrantCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
} from "@aws-sdk/client-kms";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import {
  startLockbox, client, uniq, keysOf, rejectsWith, withServerLog, clockNow, kmsClient, kmsAliasArn, KMS_MSG,
  KMS_HEX64_RE, SDK_NO_MESSAGE, BINARY_VALUE, DEFAULT_ACCOUNT, MSG,
} from "../lib/lockbox.mjs";

let server;
let kms;
let sm;
const t = withServerLog(() => [server]);

before(async () => {
  server = await startLockbox();
  kms = kmsClient(server);
  sm = client(server);
});
after(async () => {
  kms?.destroy();
  sm?.destroy();
  await server?.stop();
});

const DAY = 86400000;
const CTX = { purpose: "compat", Tenant: "a" };
const PRINCIPAL = `arn:aws:iam::${DEFAULT_ACCOUNT}:role/compat-js`;
const send = (Cmd, input = {}) => kms.send(new Cmd(input));
const newKey = async (input = {}) => (await send(CreateKeyCommand, input)).KeyMetadata;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const bytes = (b) => Buffer.from(b);
const serverNow = async () => Date.parse((await clockNow(server)).now);
const badCiphertext = (promise) => rejectsWith(promise, "InvalidCiphertextException", SDK_NO_MESSAGE);
const decrypt = (input) => send(DecryptCommand, input);

describe("Encrypt / Decrypt", () => {
  it("round trip without encryption context", t(async () => {
    const m = await newKey();
    const out = await send(EncryptCommand, { KeyId: m.KeyId, Plaintext: BINARY_VALUE });
    assert.deepEqual(keysOf(out), ["CiphertextBlob", "EncryptionAlgorithm", "KeyId"]);
    assert.deepEqual([out.KeyId, out.EncryptionAlgorithm], [m.Arn, "SYMMETRIC_DEFAULT"]);
    const d = await decrypt({ CiphertextBlob: out.CiphertextBlob });
    assert.deepEqual(keysOf(d), ["EncryptionAlgorithm", "KeyId", "KeyMaterialId", "Plaintext"]);
    assert.ok(bytes(d.Plaintext).equals(bytes(BINARY_VALUE)));
    assert.deepEqual([d.KeyId, d.EncryptionAlgorithm, d.KeyMaterialId], [m.Arn, "SYMMETRIC_DEFAULT", m.CurrentKeyMaterialId]);
  }));

  it("every identifier form encrypts; Decrypt accepts a matching KeyId", t(async () => {
    const m = await newKey();
    const alias = `alias/${uniq("js-enc")}`;
    await send(CreateAliasCommand, { AliasName: alias, TargetKeyId: m.KeyId });
    for (const id of [m.KeyId, m.Arn, alias, kmsAliasArn(alias)]) {
      const blob = (await send(EncryptCommand, { KeyId: id, Plaintext: enc(id) })).CiphertextBlob;
      assert.equal(dec((await decrypt({ CiphertextBlob: blob, KeyId: id })).Plaintext), id);
    }
  }));

  it("the encryption context must match exactly", t(async () => {
    const m = await newKey();
    const blob = (await send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("ctx"), EncryptionContext: CTX })).CiphertextBlob;
    assert.equal(dec((await decrypt({ CiphertextBlob: blob, EncryptionContext: { Tenant: "a", purpose: "compat" } })).Plaintext), "ctx");
    for (const wrong of [undefined, {}, { purpose: "compat" }, { ...CTX, extra: "1" }, { ...CTX, Tenant: "b" }, { Purpose: "compat", Tenant: "a" }]) {
      await badCiphertext(decrypt({ CiphertextBlob: blob, EncryptionContext: wrong }));
    }
  }));

  it("tampered and garbage blobs", t(async () => {
    const m = await newKey();
    const blob = bytes((await send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("tamper me".repeat(4)) })).CiphertextBlob);
    for (const i of [blob.length - 1, blob.length - 20, 0]) {
      const copy = Buffer.from(blob);
      copy[i] ^= 0x01;
      await badCiphertext(decrypt({ CiphertextBlob: copy }));
    }
    await badCiphertext(decrypt({ CiphertextBlob: blob.subarray(0, blob.length - 1) }));
    await badCiphertext(decrypt({ CiphertextBlob: enc("definitely not a ciphertext blob") }));
  }));

  it("IncorrectKeyException, size limit, DryRun", t(async () => {
    const k1 = await newKey();
    const k2 = await newKey();
    const blob = (await send(EncryptCommand, { KeyId: k1.KeyId, Plaintext: enc("k1") })).CiphertextBlob;
    await rejectsWith(decrypt({ CiphertextBlob: blob, KeyId: k2.KeyId }), "IncorrectKeyException", KMS_MSG.incorrectKey);
    await rejectsWith(send(EncryptCommand, { KeyId: k1.KeyId, Plaintext: new Uint8Array(4097) }), "ValidationException",
      KMS_MSG.lengthMax("plaintext", undefined, 4096));
    await rejectsWith(send(EncryptCommand, { KeyId: k1.KeyId, Plaintext: enc("x"), DryRun: true }), "DryRunOperationException", KMS_MSG.dryRun);
  }));
});

describe("data keys and random bytes", () => {
  for (const [input, size] of [[{ KeySpec: "AES_256" }, 32], [{ KeySpec: "AES_128" }, 16], [{ NumberOfBytes: 64 }, 64]]) {
    it(`GenerateDataKey ${JSON.stringify(input)}`, t(async () => {
      const m = await newKey();
      const out = await send(GenerateDataKeyCommand, { KeyId: m.KeyId, EncryptionContext: CTX, ...input });
      assert.deepEqual(keysOf(out), ["CiphertextBlob", "KeyId", "KeyMaterialId", "Plaintext"]);
      assert.equal(out.Plaintext.length, size);
      assert.deepEqual([out.KeyId, out.KeyMaterialId], [m.Arn, m.CurrentKeyMaterialId]);
      const d = await decrypt({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: CTX });
      assert.ok(bytes(d.Plaintext).equals(bytes(out.Plaintext)));
      await badCiphertext(decrypt({ CiphertextBlob: out.CiphertextBlob }));
    }));
  }

  it("GenerateDataKeyWithoutPlaintext and argument errors", t(async () => {
    const m = await newKey();
    const out = await send(GenerateDataKeyWithoutPlaintextCommand, { KeyId: m.Arn, KeySpec: "AES_256" });
    assert.deepEqual(keysOf(out), ["CiphertextBlob", "KeyId", "KeyMaterialId"]);
    assert.equal((await decrypt({ CiphertextBlob: out.CiphertextBlob })).Plaintext.length, 32);
    // "Please specify either number of bytes or key spec." is moto's wording: code only
    await rejectsWith(send(GenerateDataKeyCommand, { KeyId: m.KeyId }), "ValidationException");
    await rejectsWith(send(GenerateDataKeyCommand, { KeyId: m.KeyId, KeySpec: "AES_256", NumberOfBytes: 32 }), "ValidationException");
    await rejectsWith(send(GenerateDataKeyCommand, { KeyId: m.KeyId, NumberOfBytes: 1025 }), "ValidationException",
      MSG.rangeMax("numberOfBytes", 1025, 1024));
  }));

  it("GenerateRandom and its limits", t(async () => {
    const out = await send(GenerateRandomCommand, { NumberOfBytes: 32 });
    assert.deepEqual(keysOf(out), ["Plaintext"]);
    assert.equal(out.Plaintext.length, 32);
    assert.ok(!bytes((await send(GenerateRandomCommand, { NumberOfBytes: 32 })).Plaintext).equals(bytes(out.Plaintext)));
    assert.equal((await send(GenerateRandomCommand, { NumberOfBytes: 1024 })).Plaintext.length, 1024);
    await rejectsWith(send(GenerateRandomCommand, {}), "ValidationException", KMS_MSG.numberOfBytesRequired);
    await rejectsWith(send(GenerateRandomCommand, { NumberOfBytes: 0 }), "ValidationException", KMS_MSG.rangeMin("numberOfBytes", 0, 1));
    await rejectsWith(send(GenerateRandomCommand, { NumberOfBytes: 1025 }), "ValidationException", MSG.rangeMax("numberOfBytes", 1025, 1024));
  }));
});

describe("ReEncrypt", () => {
  it("moves a ciphertext to another key and context", t(async () => {
    const src = await newKey();
    const dst = await newKey();
    const blob = (await send(EncryptCommand, { KeyId: src.KeyId, Plaintext: enc("move me"), EncryptionContext: CTX })).CiphertextBlob;
    const out = await send(ReEncryptCommand, {
      CiphertextBlob: blob, SourceEncryptionContext: CTX, DestinationKeyId: dst.KeyId, DestinationEncryptionContext: { new: "ctx" },
    });
    assert.deepEqual(keysOf(out), ["CiphertextBlob", "DestinationEncryptionAlgorithm", "DestinationKeyMaterialId", "KeyId",
      "SourceEncryptionAlgorithm", "SourceKeyId", "SourceKeyMaterialId"]);
    assert.deepEqual([out.SourceKeyId, out.KeyId, out.SourceEncryptionAlgorithm, out.DestinationEncryptionAlgorithm],
      [src.Arn, dst.Arn, "SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT"]);
    const d = await decrypt({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { new: "ctx" } });
    assert.deepEqual([dec(d.Plaintext), d.KeyId], ["move me", dst.Arn]);
    await badCiphertext(decrypt({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: CTX }));
    await rejectsWith(send(ReEncryptCommand, {
      CiphertextBlob: blob, SourceEncryptionContext: CTX, SourceKeyId: dst.KeyId, DestinationKeyId: dst.KeyId,
    }), "IncorrectKeyException", KMS_MSG.incorrectKey);
  }));
});

describe("key states for cryptographic operations", () => {
  it("a disabled key refuses them with DisabledException", t(async () => {
    const m = await newKey();
    const other = await newKey();
    const blob = (await send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("before") })).CiphertextBlob;
    await send(DisableKeyCommand, { KeyId: m.KeyId });
    const disabled = KMS_MSG.disabled(m.Arn);
    await rejectsWith(send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("x") }), "DisabledException", disabled);
    await rejectsWith(decrypt({ CiphertextBlob: blob }), "DisabledException", disabled);
    await rejectsWith(send(GenerateDataKeyCommand, { KeyId: m.KeyId, KeySpec: "AES_256" }), "DisabledException", disabled);
    await rejectsWith(send(ReEncryptCommand, { CiphertextBlob: blob, DestinationKeyId: other.KeyId }), "DisabledException", disabled);
    await rejectsWith(send(CreateGrantCommand, { KeyId: m.KeyId, GranteePrincipal: PRINCIPAL, Operations: ["Decrypt"] }), "DisabledException", disabled);
    await rejectsWith(send(EnableKeyRotationCommand, { KeyId: m.KeyId }), "DisabledException", disabled);
    await rejectsWith(send(RotateKeyOnDemandCommand, { KeyId: m.KeyId }), "DisabledException", disabled);
    await send(EnableKeyCommand, { KeyId: m.KeyId });
    assert.equal(dec((await decrypt({ CiphertextBlob: blob })).Plaintext), "before");
  }));
});

describe("rotation", () => {
  it("automatic rotation settings and status", t(async () => {
    const m = await newKey();
    let status = await send(GetKeyRotationStatusCommand, { KeyId: m.KeyId });
    assert.deepEqual(keysOf(status), ["KeyId", "KeyRotationEnabled"]);
    assert.equal(status.KeyRotationEnabled, false);
    assert.ok([m.KeyId, m.Arn].includes(status.KeyId), status.KeyId); // id or ARN: which one AWS returns is not known
    assert.deepEqual(keysOf(await send(EnableKeyRotationCommand, { KeyId: m.KeyId })), []);
    status = await send(GetKeyRotationStatusCommand, { KeyId: m.Arn });
    assert.deepEqual(keysOf(status), ["KeyId", "KeyRotationEnabled", "NextRotationDate", "RotationPeriodInDays"]);
    assert.deepEqual([status.KeyRotationEnabled, status.RotationPeriodInDays], [true, 365]);
    assert.ok(Math.abs(status.NextRotationDate.getTime() - ((await serverNow()) + 365 * DAY)) < DAY + 120000, String(status.NextRotationDate));
    await send(EnableKeyRotationCommand, { KeyId: m.KeyId, RotationPeriodInDays: 180 });
    assert.equal((await send(GetKeyRotationStatusCommand, { KeyId: m.KeyId })).RotationPeriodInDays, 180);
    await rejectsWith(send(EnableKeyRotationCommand, { KeyId: m.KeyId, RotationPeriodInDays: 89 }), "ValidationException",
      KMS_MSG.rangeMin("rotationPeriodInDays", 89, 90));
    await rejectsWith(send(EnableKeyRotationCommand, { KeyId: m.KeyId, RotationPeriodInDays: 2561 }), "ValidationException",
      MSG.rangeMax("rotationPeriodInDays", 2561, 2560));
    assert.deepEqual(keysOf(await send(DisableKeyRotationCommand, { KeyId: m.KeyId })), []);
    assert.equal((await send(GetKeyRotationStatusCommand, { KeyId: m.KeyId })).KeyRotationEnabled, false);
  }));

  it("RotateKeyOnDemand: new material, old ciphertexts still decrypt, ListKeyRotations", t(async () => {
    const m = await newKey();
    const old = (await send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("old"), EncryptionContext: CTX })).CiphertextBlob;
    const out = await send(RotateKeyOnDemandCommand, { KeyId: m.KeyId });
    assert.deepEqual([keysOf(out), out.KeyId], [["KeyId"], m.Arn]);
    const m2 = (await send(DescribeKeyCommand, { KeyId: m.KeyId })).KeyMetadata.CurrentKeyMaterialId;
    assert.match(m2, KMS_HEX64_RE);
    assert.notEqual(m2, m.CurrentKeyMaterialId);
    const fresh = (await send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("new") })).CiphertextBlob;
    const dOld = await decrypt({ CiphertextBlob: old, EncryptionContext: CTX });
    assert.deepEqual([dec(dOld.Plaintext), dOld.KeyMaterialId], ["old", m.CurrentKeyMaterialId]);
    const dNew = await decrypt({ CiphertextBlob: fresh });
    assert.deepEqual([dec(dNew.Plaintext), dNew.KeyMaterialId], ["new", m2]);
    // recorded against real AWS: after an on-demand rotation with automatic rotation off, only
    // these two members
    assert.deepEqual(keysOf(await send(GetKeyRotationStatusCommand, { KeyId: m.KeyId })), ["KeyId", "KeyRotationEnabled"]);
    const rotations = await send(ListKeyRotationsCommand, { KeyId: m.KeyId });
    assert.equal(rotations.Truncated, false);
    assert.equal(rotations.Rotations.length, 1);
    assert.equal(rotations.Rotations[0].RotationType, "ON_DEMAND");
    assert.ok(Math.abs(rotations.Rotations[0].RotationDate.getTime() - (await serverNow())) < 120000);
  }));

  it("the 26th on-demand rotation hits the limit", t(async () => {
    const m = await newKey();
    for (let i = 0; i < 25; i++) await send(RotateKeyOnDemandCommand, { KeyId: m.KeyId });
    await rejectsWith(send(RotateKeyOnDemandCommand, { KeyId: m.KeyId }), "LimitExceededException", KMS_MSG.rotationLimit(m.Arn));
  }));
});

describe("grants", () => {
  it("CreateGrant / ListGrants / RetireGrant / RevokeGrant", t(async () => {
    const m = await newKey();
    const name = uniq("js-grant");
    const input = { KeyId: m.KeyId, GranteePrincipal: PRINCIPAL, RetiringPrincipal: PRINCIPAL, Operations: ["Encrypt", "Decrypt"], Name: name };
    const g1 = await send(CreateGrantCommand, input);
    assert.deepEqual(keysOf(g1), ["GrantId", "GrantToken"]);
    assert.match(g1.GrantId, KMS_HEX64_RE);
    const again = await send(CreateGrantCommand, input);
    assert.equal(again.GrantId, g1.GrantId);
    assert.notEqual(again.GrantToken, g1.GrantToken);
    const g2 = await send(CreateGrantCommand, { KeyId: m.Arn, GranteePrincipal: PRINCIPAL, Operations: ["Decrypt"] });
    const g3 = await send(CreateGrantCommand, { KeyId: m.Arn, GranteePrincipal: PRINCIPAL, Operations: ["Decrypt"] });
    const listed = await send(ListGrantsCommand, { KeyId: m.KeyId });
    assert.equal(listed.Truncated, false);
    const byId = Object.fromEntries(listed.Grants.map((g) => [g.GrantId, g]));
    assert.deepEqual(Object.keys(byId).sort(), [g1.GrantId, g2.GrantId, g3.GrantId].sort());
    const e = byId[g1.GrantId];
    assert.deepEqual(keysOf(e), ["CreationDate", "GrantId", "GranteePrincipal", "IssuingAccount", "KeyId", "Name", "Operations", "RetiringPrincipal"]);
    assert.deepEqual([e.KeyId, e.Name, e.GranteePrincipal, e.RetiringPrincipal, e.IssuingAccount, [...e.Operations].sort()],
      [m.Arn, name, PRINCIPAL, PRINCIPAL, `arn:aws:iam::${DEFAULT_ACCOUNT}:root`, ["Decrypt", "Encrypt"]]);
    await rejectsWith(send(ListGrantsCommand, { KeyId: m.KeyId, GrantId: "0".repeat(64) }), "InvalidGrantIdException");
    assert.deepEqual(keysOf(await send(RetireGrantCommand, { GrantToken: g1.GrantToken })), []);
    await send(DisableKeyCommand, { KeyId: m.KeyId }); // retire / revoke work in every key state
    assert.deepEqual(keysOf(await send(RetireGrantCommand, { KeyId: m.Arn, GrantId: g2.GrantId })), []);
    assert.deepEqual(keysOf(await send(RevokeGrantCommand, { KeyId: m.KeyId, GrantId: g3.GrantId })), []);
    assert.deepEqual((await send(ListGrantsCommand, { KeyId: m.KeyId })).Grants, []);
  }));

  it("ListRetirableGrants lists the account's grants a principal may retire", t(async () => {
    const retirer = `arn:aws:iam::${DEFAULT_ACCOUNT}:role/${uniq("js-retirer")}`;
    const a = await newKey();
    const b = await newKey();
    const ga = await send(CreateGrantCommand, { KeyId: a.KeyId, GranteePrincipal: PRINCIPAL, RetiringPrincipal: retirer, Operations: ["Decrypt"] });
    const gb = await send(CreateGrantCommand, { KeyId: b.KeyId, GranteePrincipal: PRINCIPAL, RetiringPrincipal: retirer, Operations: ["Decrypt"] });
    await send(CreateGrantCommand, { KeyId: a.KeyId, GranteePrincipal: PRINCIPAL, Operations: ["Decrypt"] });
    const out = await send(ListRetirableGrantsCommand, { RetiringPrincipal: retirer });
    assert.equal(out.Truncated, false);
    assert.deepEqual(out.Grants.map((g) => `${g.KeyId} ${g.GrantId}`).sort(),
      [`${a.Arn} ${ga.GrantId}`, `${b.Arn} ${gb.GrantId}`].sort());
    const first = await send(ListRetirableGrantsCommand, { RetiringPrincipal: retirer, Limit: 1 });
    assert.equal(first.Truncated, true);
    const rest = await send(ListRetirableGrantsCommand, { RetiringPrincipal: retirer, Limit: 1, Marker: first.NextMarker });
    assert.equal(rest.Truncated, false);
    assert.notEqual(rest.Grants[0].GrantId, first.Grants[0].GrantId);
  }));
});

describe("Secrets Manager on a customer managed key", () => {
  it("a secret follows its key's state", t(async () => {
    const m = await newKey();
    const name = uniq("js-kms-secret");
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: "under a CMK", KmsKeyId: m.Arn }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "under a CMK");
    await send(DisableKeyCommand, { KeyId: m.KeyId });
    // DecryptionFailure / EncryptionFailure are the natural mapping, unverified against AWS: code only
    await rejectsWith(sm.send(new GetSecretValueCommand({ SecretId: name })), "DecryptionFailure");
    await rejectsWith(sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "while disabled" })), "EncryptionFailure");
    await send(EnableKeyCommand, { KeyId: m.KeyId });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "under a CMK");
  }));
});
