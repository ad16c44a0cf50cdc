// AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against lockbox: multi-Region keys.
// CreateKey with MultiRegion, ReplicateKey into another Region, ciphertexts and signatures
// made in one Region opened or verified in another, UpdatePrimaryRegion, rotation shared from
// the primary, and PendingReplicaDeletion. Messages AWS does not document are Lockbox's own
// (pinned in the Rust tests), so only their codes are asserted here.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  ReplicateKeyCommand,
  UpdatePrimaryRegionCommand,
  EncryptCommand,
  DecryptCommand,
  SignCommand,
  VerifyCommand,
  RotateKeyOnDemandCommand,
  EnableKeyRotationCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { startLockbox, rejectsWith, withServerLog, kmsClient, kmsKeyArn, DEFAULT_ACCOUNT } from "../lib/lockbox.mjs";

const EAST = "us-east-1";
const WEST = "us-west-2";
let server;
let east;
let west;
const t = withServerLog(() => [server]);

before(async () => {
  server = await startLockbox();
  east = kmsClient(server, { region: EAST });
  west = kmsClient(server, { region: WEST });
});
after(async () => {
  east?.destroy();
  west?.destroy();
  await server?.stop();
});

const newPrimary = async (input = {}) =>
  (await east.send(new CreateKeyCommand({ MultiRegion: true, ...input }))).KeyMetadata;
const entry = (region, id) => ({ Arn: kmsKeyArn(id, DEFAULT_ACCOUNT, region), Region: region });

describe("KMS multi-Region keys (SDK v3)", () => {
  it("CreateKey MultiRegion and ReplicateKey show the set on every key", t(async () => {
    const meta = await newPrimary();
    assert.match(meta.KeyId, /^mrk-[0-9a-f]{32}$/);
    assert.equal(meta.MultiRegion, true);
    assert.deepEqual(meta.MultiRegionConfiguration, {
      MultiRegionKeyType: "PRIMARY", PrimaryKey: entry(EAST, meta.KeyId), ReplicaKeys: [],
    });
    const out = await east.send(new ReplicateKeyCommand({ KeyId: meta.KeyId, ReplicaRegion: WEST }));
    assert.equal(out.ReplicaKeyMetadata.Arn, kmsKeyArn(meta.KeyId, DEFAULT_ACCOUNT, WEST));
    assert.equal(out.ReplicaKeyMetadata.Description, "");
    assert.deepEqual(out.ReplicaTags, []);
    assert.ok(out.ReplicaPolicy.includes('"Id" : "key-default-1"'));
    const seen = (await west.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata;
    assert.deepEqual(seen.MultiRegionConfiguration, {
      MultiRegionKeyType: "REPLICA", PrimaryKey: entry(EAST, meta.KeyId), ReplicaKeys: [entry(WEST, meta.KeyId)],
    });
    await rejectsWith(east.send(new ReplicateKeyCommand({ KeyId: meta.KeyId, ReplicaRegion: WEST })), "AlreadyExistsException");
    await rejectsWith(west.send(new ReplicateKeyCommand({ KeyId: meta.KeyId, ReplicaRegion: "eu-west-1" })), "UnsupportedOperationException");
    const single = (await east.send(new CreateKeyCommand({}))).KeyMetadata;
    assert.equal(single.MultiRegionConfiguration, undefined);
    await rejectsWith(east.send(new ReplicateKeyCommand({ KeyId: single.KeyId, ReplicaRegion: WEST })), "UnsupportedOperationException");
  }));

  it("what one related key makes, another opens or verifies", t(async () => {
    const id = (await newPrimary()).KeyId;
    await east.send(new ReplicateKeyCommand({ KeyId: id, ReplicaRegion: WEST }));
    const { CiphertextBlob } = await west.send(new EncryptCommand({ KeyId: id, Plaintext: new TextEncoder().encode("js") }));
    const opened = await east.send(new DecryptCommand({ CiphertextBlob }));
    assert.equal(new TextDecoder().decode(opened.Plaintext), "js");
    assert.equal(opened.KeyId, kmsKeyArn(id, DEFAULT_ACCOUNT, EAST));

    const signer = (await newPrimary({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" })).KeyId;
    await east.send(new ReplicateKeyCommand({ KeyId: signer, ReplicaRegion: WEST }));
    const Message = new TextEncoder().encode("signed");
    const { Signature } = await east.send(new SignCommand({ KeyId: signer, Message, SigningAlgorithm: "ECDSA_SHA_256" }));
    const verified = await west.send(new VerifyCommand({ KeyId: signer, Message, Signature, SigningAlgorithm: "ECDSA_SHA_256" }));
    assert.equal(verified.SignatureValid, true);
  }));

  it("rotation and the primary Region are managed on the primary", t(async () => {
    const id = (await newPrimary()).KeyId;
    await east.send(new ReplicateKeyCommand({ KeyId: id, ReplicaRegion: WEST }));
    await east.send(new RotateKeyOnDemandCommand({ KeyId: id }));
    const material = async (c) => (await c.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata.CurrentKeyMaterialId;
    assert.equal(await material(west), await material(east));
    await rejectsWith(west.send(new EnableKeyRotationCommand({ KeyId: id })), "UnsupportedOperationException");
    await east.send(new UpdatePrimaryRegionCommand({ KeyId: id, PrimaryRegion: WEST }));
    const config = (await east.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata.MultiRegionConfiguration;
    assert.deepEqual(config, { MultiRegionKeyType: "REPLICA", PrimaryKey: entry(WEST, id), ReplicaKeys: [entry(EAST, id)] });
    await west.send(new RotateKeyOnDemandCommand({ KeyId: id }));
    assert.equal(await material(east), await material(west));
    await rejectsWith(east.send(new UpdatePrimaryRegionCommand({ KeyId: id, PrimaryRegion: WEST })), "UnsupportedOperationException");
  }));

  it("a primary with replicas is scheduled as PendingReplicaDeletion", t(async () => {
    const meta = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: meta.KeyId, ReplicaRegion: WEST }));
    const out = await east.send(new ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 7 }));
    assert.equal(out.KeyState, "PendingReplicaDeletion");
    assert.equal(out.PendingWindowInDays, 7);
    assert.equal(out.DeletionDate, undefined);
    const seen = (await east.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata;
    assert.equal(seen.PendingDeletionWindowInDays, 7);
    await rejectsWith(
      east.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: new Uint8Array([1]) })),
      "KMSInvalidStateException",
      `${meta.Arn} is pending replica deletion.`,
    );
  }));
});
