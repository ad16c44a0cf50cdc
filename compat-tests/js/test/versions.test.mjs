// AWS SDK for JavaScript v3 against lockbox: PutSecretValue, UpdateSecret,
// UpdateSecretVersionStage, ListSecretVersionIds -- the real-AWS label traces of
// shared/label-traces.json, idempotency and deprecated versions.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  ListSecretVersionIdsCommand,
  paginateListSecretVersionIds,
} from "@aws-sdk/client-secrets-manager";
import {
  startLockbox, client, uniq, keysOf, rejectsWith, withServerLog, MSG, BINARY_VALUE, DEFAULT_KMS_KEY_IDS,
  loadShared, runLabelTrace, partialArn, rawCall,
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

const send = (Cmd, input) => sm.send(new Cmd(input));
const create = (input) => send(CreateSecretCommand, input);
const put = (input) => send(PutSecretValueCommand, input);
const update = (input) => send(UpdateSecretCommand, input);
const stage = (input) => send(UpdateSecretVersionStageCommand, input);
const versions = (input) => send(ListSecretVersionIdsCommand, input);
const desc = (id) => send(DescribeSecretCommand, { SecretId: id });
const get = (input) => send(GetSecretValueCommand, input);

const adapter = {
  create: (name, token, value) =>
    create(value === undefined ? { Name: name } : { Name: name, ClientRequestToken: token, SecretString: value }),
  put: async (name, token, value, stages) => {
    const out = await put({ SecretId: name, ClientRequestToken: token, SecretString: value, VersionStages: stages });
    assert.deepEqual(keysOf(out), ["ARN", "Name", "VersionId", "VersionStages"]);
    return out;
  },
  update: (name, token, value) => update({ SecretId: name, ClientRequestToken: token, SecretString: value }),
  move: (name, label, to, from) =>
    stage({ SecretId: name, VersionStage: label, MoveToVersionId: to, RemoveFromVersionId: from }),
  remove: (name, label, from) => stage({ SecretId: name, VersionStage: label, RemoveFromVersionId: from }),
  versions: async (name, includeDeprecated) => (await versions({ SecretId: name, IncludeDeprecated: includeDeprecated })).Versions,
  describeStages: async (name) => (await desc(name)).VersionIdsToStages,
  currentValue: async (name) => (await get({ SecretId: name })).SecretString,
};

describe("staging-label traces recorded on AWS", () => {
  for (const trace of loadShared("label-traces.json").traces) {
    it(trace.id, t(async () => runLabelTrace(adapter, uniq("js-trace"), trace)));
  }
});

describe("ListSecretVersionIds", () => {
  it("shape, KmsKeyIds and deprecated entries without VersionStages (B.6)", t(async () => {
    const name = uniq("js-lsv");
    const created = await create({ Name: name, SecretString: "v1" });
    const ids = [created.VersionId];
    for (const v of ["v2", "v3", "v4"]) ids.push((await put({ SecretId: name, SecretString: v })).VersionId);
    const out = await versions({ SecretId: name });
    assert.deepEqual(keysOf(out), ["ARN", "Name", "Versions"]);
    assert.deepEqual(out.Versions.map((v) => v.VersionId).sort(), ids.slice(2).sort());
    for (const v of out.Versions) {
      assert.deepEqual(keysOf(v), ["CreatedDate", "KmsKeyIds", "VersionId", "VersionStages"]);
      assert.deepEqual(v.KmsKeyIds, DEFAULT_KMS_KEY_IDS);
      assert.ok(v.CreatedDate instanceof Date);
    }
    const full = await versions({ SecretId: name, IncludeDeprecated: true });
    const byId = Object.fromEntries(full.Versions.map((v) => [v.VersionId, v]));
    assert.deepEqual(Object.keys(byId).sort(), [...ids].sort());
    for (const old of ids.slice(0, 2)) assert.deepEqual(keysOf(byId[old]), ["CreatedDate", "KmsKeyIds", "VersionId"]);
    assert.deepEqual(byId[ids[2]].VersionStages, ["AWSPREVIOUS"]);
    assert.deepEqual(byId[ids[3]].VersionStages, ["AWSCURRENT"]);
    // the JS paginator (one page here) sees the same versions
    const seen = [];
    for await (const page of paginateListSecretVersionIds({ client: sm }, { SecretId: name, IncludeDeprecated: true })) {
      seen.push(...page.Versions.map((v) => v.VersionId));
    }
    assert.deepEqual(seen.sort(), [...ids].sort());
    // wire: no NextToken key on the only page
    const raw = await rawCall(server, "ListSecretVersionIds", { SecretId: name });
    assert.equal(raw.status, 200, raw.body);
    assert.equal("NextToken" in JSON.parse(raw.body), false);
  }));

  it("LastAccessedDate only on the version that was read", t(async () => {
    const name = uniq("js-lsv-lad");
    const v1 = (await create({ Name: name, SecretString: "one" })).VersionId;
    const v2 = (await put({ SecretId: name, SecretString: "two" })).VersionId;
    await get({ SecretId: name, VersionId: v1 });
    const byId = Object.fromEntries((await versions({ SecretId: name })).Versions.map((v) => [v.VersionId, v]));
    assert.equal(byId[v1].LastAccessedDate.getTime() % 86400000, 0);
    assert.equal(byId[v2].LastAccessedDate, undefined);
  }));

  it("errors: unknown secret, invalid name", t(async () => {
    await rejectsWith(versions({ SecretId: uniq("js-lsv-missing") }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(versions({ SecretId: "Inv Name", IncludeDeprecated: true }), "ValidationException", MSG.invalidName);
  }));
});

describe("PutSecretValue", () => {
  it("output shape, binary value, partial ARN", t(async () => {
    const name = uniq("js-put");
    const created = await create({ Name: name, SecretString: "s" });
    const out = await put({ SecretId: partialArn(created.ARN), SecretBinary: BINARY_VALUE });
    assert.deepEqual(keysOf(out), ["ARN", "Name", "VersionId", "VersionStages"]);
    assert.deepEqual(out.VersionStages, ["AWSCURRENT"]);
    assert.equal(out.ARN, created.ARN);
    const got = await get({ SecretId: name });
    assert.deepEqual(Buffer.from(got.SecretBinary), Buffer.from(BINARY_VALUE));
    assert.equal((await get({ SecretId: name, VersionStage: "AWSPREVIOUS" })).SecretString, "s");
  }));

  it("same token + same value is a no-op; different value is ResourceExists", t(async () => {
    const name = uniq("js-put-idem");
    const created = await create({ Name: name, SecretString: "one" });
    const token = randomUUID();
    const first = await put({ SecretId: name, SecretString: "two", ClientRequestToken: token });
    const again = await put({ SecretId: name, SecretString: "two", ClientRequestToken: token });
    assert.deepEqual({ ...again, $metadata: undefined }, { ...first, $metadata: undefined });
    assert.deepEqual(again.VersionStages, ["AWSCURRENT"]);
    assert.deepEqual((await desc(name)).VersionIdsToStages, { [created.VersionId]: ["AWSPREVIOUS"], [token]: ["AWSCURRENT"] });
    await rejectsWith(
      put({ SecretId: name, SecretString: "three", ClientRequestToken: token }),
      "ResourceExistsException", MSG.tokenInUse(token, created.ARN),
    );
    assert.equal((await versions({ SecretId: name, IncludeDeprecated: true })).Versions.length, 2);
  }));

  it("errors: unknown secret, invalid name, both values", t(async () => {
    await rejectsWith(put({ SecretId: uniq("js-put-missing"), SecretString: "v" }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(put({ SecretId: "Inv Name", SecretString: "v" }), "ValidationException", MSG.invalidName);
    const name = uniq("js-put-both");
    await create({ Name: name, SecretString: "v" });
    await rejectsWith(
      put({ SecretId: name, SecretString: "s", SecretBinary: Uint8Array.from([1]) }),
      "InvalidParameterException", MSG.bothValues,
    );
  }));
});

describe("UpdateSecret", () => {
  it("description only: no VersionId, no new version, LastChangedDate increases", t(async () => {
    const name = uniq("js-upd-desc");
    const created = await create({ Name: name, SecretString: "v" });
    const before = await desc(name);
    await new Promise((r) => setTimeout(r, 10));
    const out = await update({ SecretId: name, Description: "described" });
    assert.deepEqual(keysOf(out), ["ARN", "Name"]);
    const after = await desc(name);
    assert.equal(after.Description, "described");
    assert.deepEqual(after.VersionIdsToStages, { [created.VersionId]: ["AWSCURRENT"] });
    assert.ok(after.LastChangedDate > before.LastChangedDate);
  }));

  it("same token + same value succeeds with VersionId = token; different value is ResourceExists", t(async () => {
    const name = uniq("js-upd-idem");
    const created = await create({ Name: name, SecretString: "one" });
    const token = randomUUID();
    assert.equal((await update({ SecretId: name, SecretString: "two", ClientRequestToken: token })).VersionId, token);
    assert.equal((await update({ SecretId: name, SecretString: "two", ClientRequestToken: token })).VersionId, token);
    await rejectsWith(
      update({ SecretId: name, SecretString: "three", ClientRequestToken: token }),
      "ResourceExistsException", MSG.tokenInUse(token, created.ARN),
    );
    assert.equal((await versions({ SecretId: name, IncludeDeprecated: true })).Versions.length, 2);
  }));

  it("errors: unknown secret, invalid name", t(async () => {
    await rejectsWith(update({ SecretId: uniq("js-upd-missing"), SecretString: "v" }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(update({ SecretId: "Inv Name", Description: "d" }), "ValidationException", MSG.invalidName);
  }));
});

describe("UpdateSecretVersionStage", () => {
  it("moving AWSCURRENT without RemoveFromVersionId (verified text)", t(async () => {
    const name = uniq("js-uvs");
    const v1 = (await create({ Name: name, SecretString: "one" })).VersionId;
    const v2 = (await put({ SecretId: name, SecretString: "two", VersionStages: ["AWSPENDING"] })).VersionId;
    await rejectsWith(
      stage({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: v2 }),
      "InvalidParameterException", MSG.removeFromVersionId("AWSCURRENT", v1),
    );
    // wrong holder / unknown version: InvalidParameterException (texts unverified)
    await rejectsWith(stage({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: v2, RemoveFromVersionId: v2 }), "InvalidParameterException");
    await rejectsWith(stage({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: randomUUID(), RemoveFromVersionId: v1 }), "InvalidParameterException");
    assert.deepEqual((await desc(name)).VersionIdsToStages, { [v1]: ["AWSCURRENT"], [v2]: ["AWSPENDING"] });
    await rejectsWith(
      stage({ SecretId: uniq("js-uvs-missing"), VersionStage: "AWSCURRENT", MoveToVersionId: v2, RemoveFromVersionId: v1 }),
      "ResourceNotFoundException", MSG.notFound,
    );
  }));
});
