// AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against lockbox: keys and their management
// (key identifiers, key states, the key-management operations, the AWS managed key, the default
// policy). Messages known from real AWS or its documentation are exact; where AWS's text is not
// known only the code is pinned. The deletion-window test moves the virtual clock and runs last.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  ListKeysCommand,
  paginateListKeys,
  paginateListAliases,
  EnableKeyCommand,
  DisableKeyCommand,
  UpdateKeyDescriptionCommand,
  ScheduleKeyDeletionCommand,
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  UpdateAliasCommand,
  DeleteAliasCommand,
  ListAliasesCommand,
  GetKeyPolicyCommand,
  PutKeyPolicyCommand,
  ListKeyPoliciesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListResourceTagsCommand,
  EncryptCommand,
  DecryptCommand,
} from "@aws-sdk/client-kms";
import {
  startLockbox, uniq, keysOf, rejectsWith, withServerLog, clockNow, clockAdvance, kmsClient, kmsKeyArn, kmsAliasArn,
  kmsDefaultPolicy, KMS_MSG, KMS_SYMMETRIC_METADATA_FIELDS, KMS_KEY_ID_RE, KMS_HEX64_RE, DEFAULT_ACCOUNT, MSG,
} from "../lib/lockbox.mjs";

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

const DAY = 86400000;
const send = (Cmd, input = {}) => kms.send(new Cmd(input));
const newKey = async (input = {}) => (await send(CreateKeyCommand, input)).KeyMetadata;
const describeKey = async (KeyId) => (await send(DescribeKeyCommand, { KeyId })).KeyMetadata;
const aliasName = () => `alias/${uniq("js")}`;
const serverNow = async () => Date.parse((await clockNow(server)).now);
const metaKeys = (m) => Object.keys(m).filter((k) => m[k] !== undefined).sort();
const UNKNOWN_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const enc = (s) => new TextEncoder().encode(s);

async function allKeyIds() {
  const ids = [];
  for await (const page of paginateListKeys({ client: kms }, {})) ids.push(...page.Keys.map((k) => k.KeyId));
  return ids;
}
async function allAliasNames() {
  const names = [];
  for await (const page of paginateListAliases({ client: kms }, {})) names.push(...page.Aliases.map((a) => a.AliasName));
  return names;
}

describe("CreateKey / DescribeKey", () => {
  it("a default symmetric key has exactly the recorded metadata", t(async () => {
    const out = await send(CreateKeyCommand, {});
    assert.deepEqual(keysOf(out), ["KeyMetadata"]);
    const m = out.KeyMetadata;
    assert.deepEqual(metaKeys(m), KMS_SYMMETRIC_METADATA_FIELDS);
    assert.match(m.KeyId, KMS_KEY_ID_RE);
    assert.match(m.CurrentKeyMaterialId, KMS_HEX64_RE);
    assert.equal(m.Arn, kmsKeyArn(m.KeyId));
    assert.equal(m.AWSAccountId, DEFAULT_ACCOUNT);
    assert.ok(Math.abs(m.CreationDate.getTime() - (await serverNow())) < 120000, String(m.CreationDate));
    assert.deepEqual(
      [m.CustomerMasterKeySpec, m.Description, m.Enabled, m.EncryptionAlgorithms, m.KeyManager, m.KeySpec, m.KeyState, m.KeyUsage, m.MultiRegion, m.Origin],
      ["SYMMETRIC_DEFAULT", "", true, ["SYMMETRIC_DEFAULT"], "CUSTOMER", "SYMMETRIC_DEFAULT", "Enabled", "ENCRYPT_DECRYPT", false, "AWS_KMS"],
    );
  }));

  it("DescribeKey by key id, key ARN, alias name and alias ARN", t(async () => {
    const m = await newKey({ Description: "js described" });
    const alias = aliasName();
    await send(CreateAliasCommand, { AliasName: alias, TargetKeyId: m.KeyId });
    for (const id of [m.KeyId, m.Arn, alias, kmsAliasArn(alias)]) assert.deepEqual(await describeKey(id), m, id);
  }));

  it("identifier resolution errors", t(async () => {
    for (const id of ["fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id"]) {
      await rejectsWith(describeKey(id), "NotFoundException", KMS_MSG.invalidKeyId(id));
    }
    for (const id of [UNKNOWN_ID, kmsKeyArn(UNKNOWN_ID)]) {
      await rejectsWith(describeKey(id), "NotFoundException", KMS_MSG.keyMissing(kmsKeyArn(UNKNOWN_ID)));
    }
    await rejectsWith(describeKey(kmsKeyArn(UNKNOWN_ID, DEFAULT_ACCOUNT, "eu-west-1")), "NotFoundException", KMS_MSG.invalidArn("eu-west-1"));
    // the unknown-alias text is moto's, local-kms's and LocalStack's; AWS's is not known: code only
    await rejectsWith(describeKey("alias/js-does-not-exist"), "NotFoundException");
    await rejectsWith(describeKey(kmsAliasArn("alias/js-does-not-exist")), "NotFoundException");
  }));

  it("DescribeKey creates alias/aws/secretsmanager with KeyManager AWS", t(async () => {
    const m = await describeKey("alias/aws/secretsmanager");
    assert.deepEqual(metaKeys(m), KMS_SYMMETRIC_METADATA_FIELDS);
    assert.equal(m.KeyManager, "AWS");
    assert.equal(m.Description, KMS_MSG.managedSmDescription);
    assert.equal((await describeKey(kmsAliasArn("alias/aws/secretsmanager"))).KeyId, m.KeyId);
    const aliases = (await send(ListAliasesCommand, { KeyId: m.KeyId })).Aliases;
    assert.deepEqual(aliases.map((a) => [a.AliasName, a.TargetKeyId]), [["alias/aws/secretsmanager", m.KeyId]]);
    assert.ok((await allKeyIds()).includes(m.KeyId));
  }));
});

describe("ListKeys", () => {
  it("paginateListKeys walks every page", t(async () => {
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push((await newKey()).KeyId);
    const pages = [];
    for await (const page of paginateListKeys({ client: kms, pageSize: 2 }, {})) pages.push(page);
    assert.ok(pages.length >= 3, `${pages.length} pages`);
    for (const page of pages.slice(0, -1)) {
      assert.equal(page.Truncated, true);
      assert.ok(page.NextMarker);
      assert.equal(page.Keys.length, 2);
    }
    assert.equal(pages.at(-1).Truncated, false);
    assert.equal(pages.at(-1).NextMarker, undefined);
    const ids = pages.flatMap((p) => p.Keys.map((k) => {
      assert.deepEqual(keysOf(k), ["KeyArn", "KeyId"]);
      assert.equal(k.KeyArn, kmsKeyArn(k.KeyId));
      return k.KeyId;
    }));
    assert.equal(new Set(ids).size, ids.length);
    for (const id of mine) assert.ok(ids.includes(id), id);
  }));

  it("Limit bounds and a bad marker", t(async () => {
    await rejectsWith(send(ListKeysCommand, { Limit: 1001 }), "ValidationException", MSG.rangeMax("limit", 1001, 1000));
    await rejectsWith(send(ListKeysCommand, { Limit: 0 }), "ValidationException", KMS_MSG.rangeMin("limit", 0, 1));
    await rejectsWith(send(ListKeysCommand, { Marker: "not-a-marker" }), "InvalidMarkerException");
  }));
});

describe("key states", () => {
  it("DisableKey / EnableKey", t(async () => {
    const m = await newKey();
    assert.deepEqual(keysOf(await send(DisableKeyCommand, { KeyId: m.KeyId })), []);
    await send(DisableKeyCommand, { KeyId: m.Arn }); // idempotent
    const d = await describeKey(m.Arn);
    assert.deepEqual([d.KeyState, d.Enabled], ["Disabled", false]);
    await rejectsWith(send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("x") }), "DisabledException", KMS_MSG.disabled(m.Arn));
    assert.deepEqual(keysOf(await send(EnableKeyCommand, { KeyId: m.KeyId })), []);
    assert.equal((await describeKey(m.KeyId)).KeyState, "Enabled");
  }));

  // Lockbox's choice where AWS's behaviour is not known: only the error code is asserted.
  it("key-only operations reject aliases (code only)", t(async () => {
    const m = await newKey();
    const alias = aliasName();
    await send(CreateAliasCommand, { AliasName: alias, TargetKeyId: m.KeyId });
    await rejectsWith(send(DisableKeyCommand, { KeyId: alias }), "NotFoundException");
    await rejectsWith(send(CreateAliasCommand, { AliasName: aliasName(), TargetKeyId: alias }), "NotFoundException");
  }));

  it("UpdateKeyDescription", t(async () => {
    const m = await newKey({ Description: "before" });
    assert.deepEqual(keysOf(await send(UpdateKeyDescriptionCommand, { KeyId: m.Arn, Description: "after" })), []);
    assert.equal((await describeKey(m.KeyId)).Description, "after");
  }));

  for (const window of [undefined, 7, 30]) {
    it(`ScheduleKeyDeletion (PendingWindowInDays=${window})`, t(async () => {
      const m = await newKey();
      const out = await send(ScheduleKeyDeletionCommand, { KeyId: m.KeyId, PendingWindowInDays: window });
      const days = window ?? 30;
      assert.deepEqual(keysOf(out), ["DeletionDate", "KeyId", "KeyState", "PendingWindowInDays"]);
      assert.deepEqual([out.KeyId, out.KeyState, out.PendingWindowInDays], [m.Arn, "PendingDeletion", days]);
      // AWS's example shows a DeletionDate on a day boundary: allow up to one day of rounding up
      const now = await serverNow();
      const at = out.DeletionDate.getTime();
      assert.ok(at >= now + days * DAY - 120000 && at <= now + (days + 1) * DAY, String(out.DeletionDate));
      const d = await describeKey(m.KeyId);
      assert.deepEqual(metaKeys(d), [...KMS_SYMMETRIC_METADATA_FIELDS, "DeletionDate"].sort());
      assert.deepEqual([d.KeyState, d.Enabled, d.DeletionDate.getTime()], ["PendingDeletion", false, at]);
    }));
  }

  it("a key pending deletion refuses state changes with KMSInvalidStateException", t(async () => {
    const m = await newKey();
    await send(ScheduleKeyDeletionCommand, { KeyId: m.KeyId, PendingWindowInDays: 7 });
    const pending = KMS_MSG.pendingDeletion(m.Arn);
    await rejectsWith(send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("x") }), "KMSInvalidStateException", pending);
    await rejectsWith(send(EnableKeyCommand, { KeyId: m.KeyId }), "KMSInvalidStateException", pending);
    await rejectsWith(send(DisableKeyCommand, { KeyId: m.KeyId }), "KMSInvalidStateException", pending);
    await rejectsWith(send(ScheduleKeyDeletionCommand, { KeyId: m.KeyId }), "KMSInvalidStateException", pending);
    await rejectsWith(send(TagResourceCommand, { KeyId: m.KeyId, Tags: [{ TagKey: "k", TagValue: "v" }] }), "KMSInvalidStateException", pending);
    await rejectsWith(send(UpdateKeyDescriptionCommand, { KeyId: m.KeyId, Description: "d" }), "KMSInvalidStateException", pending);
    await rejectsWith(send(CreateAliasCommand, { AliasName: aliasName(), TargetKeyId: m.KeyId }), "KMSInvalidStateException", pending);
    assert.equal((await send(GetKeyPolicyCommand, { KeyId: m.KeyId, PolicyName: "default" })).Policy, kmsDefaultPolicy());
  }));

  it("CancelKeyDeletion leaves the key Disabled", t(async () => {
    const m = await newKey();
    await rejectsWith(send(CancelKeyDeletionCommand, { KeyId: m.KeyId }), "KMSInvalidStateException", KMS_MSG.notPendingDeletion(m.Arn));
    await send(ScheduleKeyDeletionCommand, { KeyId: m.KeyId, PendingWindowInDays: 7 });
    const out = await send(CancelKeyDeletionCommand, { KeyId: m.KeyId });
    assert.deepEqual(keysOf(out), ["KeyId"]);
    assert.equal(out.KeyId, m.Arn);
    const d = await describeKey(m.KeyId);
    assert.deepEqual([d.KeyState, d.Enabled, d.DeletionDate], ["Disabled", false, undefined]);
    await rejectsWith(send(EncryptCommand, { KeyId: m.KeyId, Plaintext: enc("x") }), "DisabledException", KMS_MSG.disabled(m.Arn));
    await send(EnableKeyCommand, { KeyId: m.KeyId });
    assert.equal((await describeKey(m.KeyId)).KeyState, "Enabled");
  }));

  it("PendingWindowInDays outside 7-30 (AWS text unverified: code only)", t(async () => {
    const m = await newKey();
    for (const days of [6, 31]) {
      await rejectsWith(send(ScheduleKeyDeletionCommand, { KeyId: m.KeyId, PendingWindowInDays: days }), "ValidationException");
    }
  }));
});

describe("aliases", () => {
  it("create, list, update, delete", t(async () => {
    const k1 = await newKey();
    const k2 = await newKey();
    const alias = aliasName();
    assert.deepEqual(keysOf(await send(CreateAliasCommand, { AliasName: alias, TargetKeyId: k1.Arn })), []);
    const listed = await send(ListAliasesCommand, { KeyId: k1.KeyId });
    assert.equal(listed.Truncated, false);
    assert.equal(listed.Aliases.length, 1);
    const [entry] = listed.Aliases;
    assert.deepEqual(keysOf(entry), ["AliasArn", "AliasName", "CreationDate", "LastUpdatedDate", "TargetKeyId"]);
    assert.deepEqual([entry.AliasName, entry.AliasArn, entry.TargetKeyId], [alias, kmsAliasArn(alias), k1.KeyId]);
    assert.ok((await allAliasNames()).includes(alias));
    await rejectsWith(send(CreateAliasCommand, { AliasName: alias, TargetKeyId: k2.KeyId }), "AlreadyExistsException"); // LocalStack's text: code only
    assert.deepEqual(keysOf(await send(UpdateAliasCommand, { AliasName: alias, TargetKeyId: k2.KeyId })), []);
    assert.equal((await describeKey(alias)).KeyId, k2.KeyId);
    assert.deepEqual((await send(ListAliasesCommand, { KeyId: k1.KeyId })).Aliases, []);
    assert.deepEqual(keysOf(await send(DeleteAliasCommand, { AliasName: alias })), []);
    await rejectsWith(describeKey(alias), "NotFoundException");
    await rejectsWith(send(DeleteAliasCommand, { AliasName: alias }), "NotFoundException"); // LocalStack's text: code only
    await rejectsWith(send(UpdateAliasCommand, { AliasName: alias, TargetKeyId: k1.KeyId }), "NotFoundException");
  }));

  it("alias name rules", t(async () => {
    const m = await newKey();
    await rejectsWith(send(CreateAliasCommand, { AliasName: uniq("noprefix"), TargetKeyId: m.KeyId }), "ValidationException", KMS_MSG.aliasPrefix);
    await rejectsWith(send(CreateAliasCommand, { AliasName: `alias/aws/${uniq("x")}`, TargetKeyId: m.KeyId }), "NotAuthorizedException"); // as moto and local-kms: code only
  }));
});

describe("key policies", () => {
  it("the default policy, PutKeyPolicy byte for byte, ListKeyPolicies", t(async () => {
    const m = await newKey();
    const got = await send(GetKeyPolicyCommand, { KeyId: m.KeyId, PolicyName: "default" });
    assert.deepEqual(keysOf(got), ["Policy", "PolicyName"]);
    assert.equal(got.Policy, kmsDefaultPolicy());
    assert.equal(got.PolicyName, "default");
    assert.equal((await send(GetKeyPolicyCommand, { KeyId: m.KeyId })).Policy, kmsDefaultPolicy());
    const policy = `{"Version":"2012-10-17",  "Id":"js-custom","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${DEFAULT_ACCOUNT}:root"},"Action":"kms:*","Resource":"*"}]}`;
    assert.deepEqual(keysOf(await send(PutKeyPolicyCommand, { KeyId: m.Arn, PolicyName: "default", Policy: policy })), []);
    assert.equal((await send(GetKeyPolicyCommand, { KeyId: m.KeyId, PolicyName: "default" })).Policy, policy);
    const listed = await send(ListKeyPoliciesCommand, { KeyId: m.KeyId });
    assert.deepEqual([keysOf(listed), listed.PolicyNames, listed.Truncated], [["PolicyNames", "Truncated"], ["default"], false]);
    await rejectsWith(send(GetKeyPolicyCommand, { KeyId: m.KeyId, PolicyName: "other" }), "NotFoundException"); // moto's and LocalStack's text: code only
  }));
});

describe("tags", () => {
  const tagsOf = async (KeyId) => {
    const out = await send(ListResourceTagsCommand, { KeyId });
    assert.equal(out.Truncated, false);
    return out.Tags.map((x) => `${x.TagKey}=${x.TagValue}`).sort();
  };

  it("TagResource / UntagResource / ListResourceTags", t(async () => {
    const m = await newKey({ Tags: [{ TagKey: "env", TagValue: "dev" }] });
    assert.deepEqual(await tagsOf(m.KeyId), ["env=dev"]);
    assert.deepEqual(keysOf(await send(TagResourceCommand, { KeyId: m.KeyId, Tags: [{ TagKey: "env", TagValue: "prod" }, { TagKey: "team", TagValue: "a" }] })), []);
    assert.deepEqual(await tagsOf(m.KeyId), ["env=prod", "team=a"]);
    assert.deepEqual(keysOf(await send(UntagResourceCommand, { KeyId: m.Arn, TagKeys: ["team"] })), []);
    assert.deepEqual(await tagsOf(m.KeyId), ["env=prod"]);
  }));

  it("TagException texts and the tag value length", t(async () => {
    const m = await newKey();
    const tag = { TagKey: "k", TagValue: "v" };
    const many = Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: "v" }));
    await rejectsWith(send(TagResourceCommand, { KeyId: m.KeyId, Tags: many }), "TagException", KMS_MSG.tooManyTags);
    await rejectsWith(send(TagResourceCommand, { KeyId: m.KeyId, Tags: [tag, tag] }), "TagException", KMS_MSG.duplicateTagKeys);
    for (const key of ["aws:x", "AWS:x"]) {
      await rejectsWith(send(TagResourceCommand, { KeyId: m.KeyId, Tags: [{ TagKey: key, TagValue: "v" }] }), "TagException", KMS_MSG.reservedTags);
    }
    await rejectsWith(send(CreateKeyCommand, { Tags: [{ TagKey: "aws:y", TagValue: "v" }] }), "TagException", KMS_MSG.reservedTags);
    const long = "v".repeat(257);
    await rejectsWith(send(TagResourceCommand, { KeyId: m.KeyId, Tags: [{ TagKey: "k", TagValue: long }] }), "ValidationException",
      KMS_MSG.lengthMax("tags.1.member.tagValue", long, 256));
    assert.deepEqual(await tagsOf(m.KeyId), []);
  }));
});

describe("the deletion window on the virtual clock (moves the clock: last)", () => {
  it("keys and their aliases disappear when the window ends", t(async () => {
    const short = await newKey();
    const long = await newKey();
    const alias = aliasName();
    await send(CreateAliasCommand, { AliasName: alias, TargetKeyId: short.KeyId });
    const blob = (await send(EncryptCommand, { KeyId: short.KeyId, Plaintext: enc("soon gone") })).CiphertextBlob;
    await send(ScheduleKeyDeletionCommand, { KeyId: short.KeyId, PendingWindowInDays: 7 });
    await send(ScheduleKeyDeletionCommand, { KeyId: long.KeyId });
    await clockAdvance(server, "6d");
    assert.equal((await describeKey(short.KeyId)).KeyState, "PendingDeletion");
    await clockAdvance(server, "2d");
    await rejectsWith(describeKey(short.KeyId), "NotFoundException", KMS_MSG.keyMissing(short.Arn));
    await rejectsWith(describeKey(alias), "NotFoundException");
    assert.ok(!(await allAliasNames()).includes(alias));
    await rejectsWith(send(DecryptCommand, { CiphertextBlob: blob }), "AccessDeniedException", KMS_MSG.foreignCiphertext);
    const ids = await allKeyIds();
    assert.ok(!ids.includes(short.KeyId) && ids.includes(long.KeyId));
    await clockAdvance(server, "23d");
    await rejectsWith(describeKey(long.Arn), "NotFoundException", KMS_MSG.keyMissing(long.Arn));
  }));
});
