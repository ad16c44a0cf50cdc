// AWS SDK for JavaScript v3 against lockbox: ListSecrets (filters, order, paginateListSecrets,
// planned deletion), BatchGetSecretValue (incl. paginateBatchGetSecretValue) and
// TagResource / UntagResource. The server is reset before each test.
import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  BatchGetSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListSecrets,
  paginateBatchGetSecretValue,
} from "@aws-sdk/client-secrets-manager";
import {
  startLockbox, client, keysOf, rejectsWith, withServerLog, MSG, BINARY_VALUE, resetServer, rawCall, assertNoNulls,
} from "../lib/lockbox.mjs";

let server;
let sm;
const t = withServerLog(() => [server]);

before(async () => {
  server = await startLockbox();
  sm = client(server);
});
after(async () => {
  sm?.destroy();
  await server?.stop();
});
beforeEach(async () => resetServer(server));

const send = (Cmd, input) => sm.send(new Cmd(input));
const create = (input) => send(CreateSecretCommand, input);
const list = (input = {}) => send(ListSecretsCommand, input);
const desc = (id) => send(DescribeSecretCommand, { SecretId: id });
const batch = (input) => send(BatchGetSecretValueCommand, input);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const names = (out) => out.SecretList.map((s) => s.Name);
const listed = async (...filters) =>
  names(await list({ Filters: filters.map(([Key, Values]) => ({ Key, Values })) })).sort();

async function createAll(specs) {
  for (const [Name, Description, tags] of specs) {
    await create({ Name, SecretString: "s", Description, Tags: tags?.map(([Key, Value]) => ({ Key, Value })) });
  }
}

describe("ListSecrets", () => {
  it("entry fields; absent fields are absent", t(async () => {
    const full = await create({ Name: "full", SecretString: "v", Description: "d", Tags: [{ Key: "k", Value: "v" }] });
    await create({ Name: "bare" });
    const out = await list();
    assert.deepEqual(keysOf(out), ["SecretList"]);
    const byName = Object.fromEntries(out.SecretList.map((s) => [s.Name, s]));
    assert.deepEqual(keysOf(byName.full), ["ARN", "CreatedDate", "Description", "LastChangedDate", "Name", "SecretVersionsToStages", "Tags"]);
    assert.deepEqual(byName.full.SecretVersionsToStages, { [full.VersionId]: ["AWSCURRENT"] });
    assert.deepEqual(keysOf(byName.bare), ["ARN", "CreatedDate", "LastChangedDate", "Name"]);
    const raw = await rawCall(server, "ListSecrets", {});
    assert.equal(raw.status, 200, raw.body);
    assertNoNulls(JSON.parse(raw.body));
  }));

  it("name and description filters, as recorded against real AWS", t(async () => {
    const [one, two, three, four] = ["testing1/one-12345", "/testing2/two-12345", "testing3/three-12345", "/testing4/four-12345"];
    await createAll([[one, "a secret"], [two, "an secret"], [three, "asecret"], [four, "thesecret"]]);
    assert.deepEqual(await listed(["name", ["/"]]), [two, four].sort());
    assert.deepEqual(await listed(["name", ["!/"]]), [one, three].sort());
    assert.deepEqual(await listed(["name", ["testing1 one"]]), []);
    assert.deepEqual(await listed(["description", ["a"]]), [one, two, three].sort());
    assert.deepEqual(await listed(["description", ["!a"]]), [four]);
    assert.deepEqual(await listed(["description", ["a secret"]]), [one, two].sort());
    assert.deepEqual(await listed(["description", ["!c"]]), [one, two, three, four].sort());
    assert.deepEqual(await listed(["description", ["a"]], ["name", ["an"]]), []);
    assert.deepEqual(await listed(["description", ["A SECRET"]]), [one, two].sort());
    assert.deepEqual(await listed(["name", ["Testing1"]]), []);
  }));

  it("description words and duplicate keys", t(async () => {
    await createAll([["foo", "one two"], ["bar", "one and two"], ["baz", "one"], ["qux", "two"], ["none", "unrelated"]]);
    assert.deepEqual(await listed(["description", ["one two"]]), ["bar", "foo"]);
    assert.deepEqual(await listed(["description", ["one"]], ["description", ["two"]]), ["bar", "foo"]);
  }));

  it("all filter and word splitting", t(async () => {
    const u = "qzxvwk";
    const [first, second, third, tagKey, tagVal] = ["SecretOne", "SecretTwo", "Thirdsecret", "SecretFTag", "SecretFValue"].map((p) => p + u);
    const special = [..."/_+=.@-"].map((sep) => `prod${sep}AppBeta${sep}${u}`);
    const [fullUpper, partialUpper] = [`uat/COMPANY/${u}`, `uat/COMPANYthings/${u}`];
    await createAll([[first], [second, "DescTwo"], [third], [tagKey, undefined, [["1", "foo"]]], [tagVal, undefined, [["foo", "v"]]]]);
    await createAll([...special, fullUpper, partialUpper].map((n) => [n]));
    const secretish = [first, second, tagKey, tagVal].sort();
    assert.deepEqual(await listed(["all", ["SecretOne"]]), [first]);
    assert.deepEqual(await listed(["all", ["foo"]]), [tagKey, tagVal].sort());
    assert.deepEqual(await listed(["all", ["secret"]]), secretish);
    assert.deepEqual(await listed(["all", ["ret"]]), []);
    assert.deepEqual(await listed(["all", ["d t"]]), [second]);
    assert.deepEqual(await listed(["all", ["t"]]), [second, third, tagKey].sort());
    assert.deepEqual(await listed(["all", ["AppBeta"]]), [...special].sort());
    assert.deepEqual(await listed(["all", ["Beta"]]), [...special].sort());
    assert.deepEqual(await listed(["all", ["+"]]), []);
    assert.deepEqual(await listed(["all", ["company"]]), [fullUpper]);
    assert.deepEqual(await listed(["all", ["things"]]), []);
    assert.deepEqual(await listed(["all", ["Ythings"]]), [partialUpper]);
  }));

  it("tag-key / tag-value prefix, case-sensitive; AND across filters, OR within values", t(async () => {
    await createAll([
      ["foo", undefined, [["right", "right"]]], ["bar", undefined, [["right", "wrong"]]],
      ["baz", undefined, [["wrong", "right"]]], ["env", undefined, [["Environment", "Production"]]],
    ]);
    assert.deepEqual(await listed(["tag-key", ["right"]], ["tag-value", ["right"]]), ["foo"]);
    assert.deepEqual(await listed(["tag-key", ["Env"]]), ["env"]);
    assert.deepEqual(await listed(["tag-key", ["env"]]), []);
    assert.deepEqual(await listed(["tag-value", ["Prod"]]), ["env"]);
    assert.deepEqual(await listed(["tag-value", ["prod"]]), []);
    assert.deepEqual(await listed(["name", ["foo", "bar"]]), ["bar", "foo"]);
  }));

  it("validation: MaxResults range, enum members", t(async () => {
    await rejectsWith(list({ MaxResults: 101 }), "ValidationException", MSG.rangeMax("maxResults", 101, 100));
    const err = await rejectsWith(list({ Filters: [{ Key: "invalid", Values: ["x"] }] }), "ValidationException");
    assert.ok(err.message.startsWith("1 validation error detected: Value 'invalid' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: ["), err.message);
  }));

  it("sort order: default and asc oldest first, desc newest first", t(async () => {
    const order = ["zulu", "alpha", "mike", "bravo"];
    for (const n of order) {
      await create({ Name: n, SecretString: "s" });
      await sleep(20);
    }
    assert.deepEqual(names(await list()), order);
    assert.deepEqual(names(await list({ SortOrder: "asc" })), order);
    assert.deepEqual(names(await list({ SortOrder: "desc" })), [...order].reverse());
  }));

  it("paginateListSecrets sees every secret exactly once", t(async () => {
    const created = Array.from({ length: 7 }, (_, i) => `page-${String(i).padStart(2, "0")}`);
    for (const n of [...created, "other-1"]) await create({ Name: n, SecretString: "s" });
    for (const pageSize of [1, 2, 3, 100]) {
      const seen = [];
      const pages = [];
      for await (const page of paginateListSecrets({ client: sm, pageSize }, {})) {
        pages.push(page);
        seen.push(...names(page));
      }
      assert.deepEqual([...seen].sort(), [...created, "other-1"].sort(), `pageSize ${pageSize}`);
      assert.equal(new Set(seen).size, seen.length);
      assert.ok(pages.every((p) => p.SecretList.length <= pageSize));
      assert.equal(pages.at(-1).NextToken, undefined);
    }
    const seen = [];
    for await (const page of paginateListSecrets({ client: sm, pageSize: 2 }, { Filters: [{ Key: "name", Values: ["page-"] }] })) {
      seen.push(...names(page));
    }
    assert.deepEqual(seen.sort(), created);
  }));

  it("IncludePlannedDeletion", t(async () => {
    await create({ Name: "kept", SecretString: "s" });
    await create({ Name: "doomed", SecretString: "s" });
    await send(DeleteSecretCommand, { SecretId: "doomed", RecoveryWindowInDays: 7 });
    assert.deepEqual(names(await list()), ["kept"]);
    const byName = Object.fromEntries((await list({ IncludePlannedDeletion: true })).SecretList.map((s) => [s.Name, s]));
    assert.deepEqual(Object.keys(byName).sort(), ["doomed", "kept"]);
    assert.ok(byName.doomed.DeletedDate instanceof Date);
    assert.equal(byName.kept.DeletedDate, undefined);
  }));
});

describe("BatchGetSecretValue", () => {
  it("by ids, with a per-secret error", t(async () => {
    const a = await create({ Name: "batch-a", SecretString: "va" });
    const b = await create({ Name: "batch-b", SecretBinary: BINARY_VALUE });
    const out = await batch({ SecretIdList: ["batch-a", b.ARN, "batch-missing"] });
    assert.deepEqual(keysOf(out), ["Errors", "SecretValues"]);
    const byName = Object.fromEntries(out.SecretValues.map((v) => [v.Name, v]));
    assert.deepEqual(keysOf(byName["batch-a"]), ["ARN", "CreatedDate", "Name", "SecretString", "VersionId", "VersionStages"]);
    assert.deepEqual(keysOf(byName["batch-b"]), ["ARN", "CreatedDate", "Name", "SecretBinary", "VersionId", "VersionStages"]);
    assert.equal(byName["batch-a"].VersionId, a.VersionId);
    assert.deepEqual(Buffer.from(byName["batch-b"].SecretBinary), Buffer.from(BINARY_VALUE));
    assert.deepEqual(out.Errors, [{ SecretId: "batch-missing", ErrorCode: "ResourceNotFoundException", Message: MSG.notFound }]);
    assert.deepEqual((await batch({ SecretIdList: ["batch-a"] })).Errors, []);
  }));

  it("by filters through paginateBatchGetSecretValue", t(async () => {
    for (let i = 0; i < 5; i++) await create({ Name: `bf-${i}`, SecretString: `value-${i}` });
    await create({ Name: "other", SecretString: "x" });
    const seen = [];
    for await (const page of paginateBatchGetSecretValue({ client: sm, pageSize: 2 }, { Filters: [{ Key: "name", Values: ["bf-"] }] })) {
      assert.ok(page.SecretValues.length <= 2);
      seen.push(...page.SecretValues.map((v) => `${v.Name}=${v.SecretString}`));
    }
    assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4].map((i) => `bf-${i}=value-${i}`));
  }));

  it("parameter errors (texts unverified: code only)", t(async () => {
    await create({ Name: "bp", SecretString: "s" });
    await rejectsWith(batch({ SecretIdList: ["bp"], Filters: [{ Key: "name", Values: ["bp"] }] }), "InvalidParameterException");
    await rejectsWith(batch({ SecretIdList: ["bp"], MaxResults: 5 }), "InvalidParameterException");
  }));
});

describe("tags", () => {
  it("tag sequence recorded against real AWS; Tags: [] after removing all", t(async () => {
    const { ARN } = await create({ Name: "tagged" });
    assert.equal((await desc(ARN)).Tags, undefined);
    const out = await send(TagResourceCommand, { SecretId: ARN, Tags: [{ Key: "tag1", Value: "value1" }] });
    assert.deepEqual(keysOf(out), []);
    await send(TagResourceCommand, { SecretId: ARN, Tags: [{ Key: "tag2", Value: "value2" }] });
    assert.deepEqual((await desc(ARN)).Tags, [{ Key: "tag1", Value: "value1" }, { Key: "tag2", Value: "value2" }]);
    assert.deepEqual(keysOf(await send(UntagResourceCommand, { SecretId: ARN, TagKeys: ["tag1"] })), []);
    assert.deepEqual((await desc(ARN)).Tags, [{ Key: "tag2", Value: "value2" }]);
    await send(UntagResourceCommand, { SecretId: ARN, TagKeys: ["tag2"] });
    assert.deepEqual((await desc(ARN)).Tags, []);
    await send(TagResourceCommand, { SecretId: ARN, Tags: [{ Key: "tag3", Value: "value3" }, { Key: "tag4", Value: "value4" }] });
    assert.deepEqual((await desc(ARN)).Tags, [{ Key: "tag3", Value: "value3" }, { Key: "tag4", Value: "value4" }]);
  }));

  it("upsert keeps other tags; untagging an absent key is a no-op", t(async () => {
    await create({ Name: "upsert", SecretString: "s", Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] });
    await send(TagResourceCommand, { SecretId: "upsert", Tags: [{ Key: "a", Value: "changed" }, { Key: "c", Value: "3" }] });
    await send(UntagResourceCommand, { SecretId: "upsert", TagKeys: ["never-there"] });
    const tags = (await desc("upsert")).Tags;
    assert.deepEqual(Object.fromEntries(tags.map((x) => [x.Key, x.Value])), { a: "changed", b: "2", c: "3" });
    assert.equal(tags.length, 3);
  }));

  it("errors: aws: prefix, unknown secret, invalid name", t(async () => {
    await create({ Name: "tag-errors", SecretString: "s" });
    const key = "aws:cloudformation:stack-name";
    await rejectsWith(send(TagResourceCommand, { SecretId: "tag-errors", Tags: [{ Key: key, Value: "x" }] }), "InvalidParameterException", MSG.systemTag(key));
    await rejectsWith(send(TagResourceCommand, { SecretId: "tag-missing", Tags: [{ Key: "k", Value: "v" }] }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(send(UntagResourceCommand, { SecretId: "tag-missing", TagKeys: ["k"] }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(send(TagResourceCommand, { SecretId: "Inv Name", Tags: [{ Key: "k", Value: "v" }] }), "ValidationException", MSG.invalidName);
  }));

  it("empty 200 body on the wire for TagResource and UntagResource", t(async () => {
    await create({ Name: "wire-tags", SecretString: "s" });
    for (const [target, body] of [["TagResource", { Tags: [{ Key: "k", Value: "v" }] }], ["UntagResource", { TagKeys: ["k"] }]]) {
      const res = await rawCall(server, target, { SecretId: "wire-tags", ...body });
      assert.equal(res.status, 200, res.body);
      assert.equal(res.body, "");
      assert.equal(res.headers.get("content-length"), "0");
      assert.ok(res.headers.get("x-amzn-requestid"));
    }
  }));
});
