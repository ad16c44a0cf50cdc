// AWS SDK for JavaScript v3 against lockbox: CreateSecret / GetSecretValue / DescribeSecret.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  DescribeSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import {
  startLockbox, client, uniq, arnRe, partialArn, keysOf, rejectsWith, withServerLog, MSG, BINARY_VALUE,
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

const create = (input) => sm.send(new CreateSecretCommand(input));
const get = (input) => sm.send(new GetSecretValueCommand(input));
const desc = (input) => sm.send(new DescribeSecretCommand(input));

describe("create and get", () => {
  it("string secret round trip", t(async () => {
    const name = uniq("js-str");
    const created = await create({ Name: name, SecretString: "js secret ✓" });
    assert.deepEqual(keysOf(created), ["ARN", "Name", "VersionId"]);
    assert.equal(created.Name, name);
    assert.match(created.ARN, arnRe(name));
    assert.match(created.VersionId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(created.$metadata.requestId);

    const got = await get({ SecretId: name });
    assert.deepEqual(keysOf(got), ["ARN", "CreatedDate", "Name", "SecretString", "VersionId", "VersionStages"]);
    assert.equal(got.SecretString, "js secret ✓");
    assert.equal(got.ARN, created.ARN);
    assert.equal(got.VersionId, created.VersionId);
    assert.deepEqual(got.VersionStages, ["AWSCURRENT"]);
    assert.ok(got.CreatedDate instanceof Date);
    assert.ok(Math.abs(got.CreatedDate.getTime() - Date.now()) < 120000);
  }));

  it("VersionId equals the ClientRequestToken", t(async () => {
    const token = randomUUID();
    const created = await create({ Name: uniq("js-tok"), SecretString: "v", ClientRequestToken: token });
    assert.equal(created.VersionId, token);
  }));

  it("binary secret with non-UTF-8 bytes round trips", t(async () => {
    const name = uniq("js-bin");
    const created = await create({ Name: name, SecretBinary: BINARY_VALUE });
    assert.deepEqual(keysOf(created), ["ARN", "Name", "VersionId"]);
    const got = await get({ SecretId: name });
    assert.equal(got.SecretString, undefined);
    assert.deepEqual(Buffer.from(got.SecretBinary), Buffer.from(BINARY_VALUE));
    assert.deepEqual(keysOf(got), ["ARN", "CreatedDate", "Name", "SecretBinary", "VersionId", "VersionStages"]);
  }));

  it("ARN format with path-like name characters", t(async () => {
    const name = `js/path_+=.@!-${randomUUID().slice(0, 8)}`;
    const created = await create({ Name: name, SecretString: "x" });
    assert.match(created.ARN, arnRe(name));
  }));

  for (const how of ["name", "full ARN", "partial ARN"]) {
    it(`lookup by ${how}`, t(async () => {
      const name = uniq("js-lookup");
      const created = await create({ Name: name, SecretString: "lookup" });
      const id = { name, "full ARN": created.ARN, "partial ARN": partialArn(created.ARN) }[how];
      const got = await get({ SecretId: id });
      assert.equal(got.ARN, created.ARN);
      assert.equal(got.SecretString, "lookup");
      const d = await desc({ SecretId: id });
      assert.equal(d.ARN, created.ARN);
      assert.equal(d.Name, name);
    }));
  }
});

describe("describe", () => {
  it("fresh secret has exactly the documented fields", t(async () => {
    const name = uniq("js-desc");
    const created = await create({ Name: name, SecretString: "v" });
    const d = await desc({ SecretId: name });
    assert.deepEqual(keysOf(d), ["ARN", "CreatedDate", "LastChangedDate", "Name", "VersionIdsToStages"]);
    assert.deepEqual(d.VersionIdsToStages, { [created.VersionId]: ["AWSCURRENT"] });
  }));

  it("description and tags (order kept)", t(async () => {
    const name = uniq("js-tags");
    const tags = [{ Key: "zeta", Value: "1" }, { Key: "alpha", Value: "" }, { Key: "mid", Value: "3" }];
    await create({ Name: name, SecretString: "v", Description: "js description", Tags: tags });
    const d = await desc({ SecretId: name });
    assert.equal(d.Description, "js description");
    assert.deepEqual(d.Tags, tags);
    assert.deepEqual(keysOf(d), ["ARN", "CreatedDate", "Description", "LastChangedDate", "Name", "Tags", "VersionIdsToStages"]);
  }));

  it("empty description is absent", t(async () => {
    const name = uniq("js-desc-empty");
    await create({ Name: name, SecretString: "v", Description: "" });
    const d = await desc({ SecretId: name });
    assert.equal(d.Description, undefined);
  }));

  it("LastAccessedDate appears after GetSecretValue, truncated to midnight UTC", t(async () => {
    const name = uniq("js-lad");
    await create({ Name: name, SecretString: "v" });
    assert.equal((await desc({ SecretId: name })).LastAccessedDate, undefined);
    await get({ SecretId: name });
    const d = await desc({ SecretId: name });
    const ms = d.LastAccessedDate.getTime();
    assert.equal(ms % 86400000, 0, String(d.LastAccessedDate));
    assert.ok(ms <= Date.now() && ms > Date.now() - 86400000);
  }));

  it("secret created without a value", t(async () => {
    const name = uniq("js-novalue");
    const created = await create({ Name: name });
    assert.deepEqual(keysOf(created), ["ARN", "Name"]);
    const d = await desc({ SecretId: name });
    assert.deepEqual(keysOf(d), ["ARN", "CreatedDate", "LastChangedDate", "Name"]);
    await rejectsWith(get({ SecretId: name }), "ResourceNotFoundException", MSG.noValueForStage("AWSCURRENT"));
  }));
});

describe("version selectors", () => {
  let name;
  let vid;
  before(async () => {
    name = uniq("js-sel");
    vid = (await create({ Name: name, SecretString: "selected" })).VersionId;
  });

  it("by VersionId", t(async () => {
    const got = await get({ SecretId: name, VersionId: vid });
    assert.equal(got.VersionId, vid);
    assert.equal(got.SecretString, "selected");
  }));
  it("by VersionStage", t(async () => {
    assert.equal((await get({ SecretId: name, VersionStage: "AWSCURRENT" })).VersionId, vid);
  }));
  it("by VersionId and matching VersionStage", t(async () => {
    assert.equal((await get({ SecretId: name, VersionId: vid, VersionStage: "AWSCURRENT" })).VersionId, vid);
  }));
  it("unattached stage", t(async () => {
    await rejectsWith(get({ SecretId: name, VersionStage: "AWSPREVIOUS" }), "ResourceNotFoundException", MSG.noValueForStage("AWSPREVIOUS"));
  }));
  it("unknown VersionId", t(async () => {
    const unknown = randomUUID();
    await rejectsWith(get({ SecretId: name, VersionId: unknown }), "ResourceNotFoundException", MSG.noValueForVersion(unknown));
  }));
  it("VersionId with a stage not on it", t(async () => {
    await rejectsWith(get({ SecretId: name, VersionId: vid, VersionStage: "AWSPREVIOUS" }), "InvalidRequestException", MSG.stageNotOnVersion);
  }));
});

describe("errors", () => {
  it("unknown secret (name and ARN)", t(async () => {
    const name = uniq("js-missing");
    await rejectsWith(get({ SecretId: name }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(desc({ SecretId: name }), "ResourceNotFoundException", MSG.notFound);
    const arn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbC123`;
    await rejectsWith(get({ SecretId: arn }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(desc({ SecretId: arn }), "ResourceNotFoundException", MSG.notFound);
  }));

  it("duplicate name", t(async () => {
    const name = uniq("js-dup");
    await create({ Name: name, SecretString: "one" });
    await rejectsWith(create({ Name: name, SecretString: "two" }), "ResourceExistsException", MSG.exists(name));
    assert.equal((await get({ SecretId: name })).SecretString, "one");
  }));

  it("idempotent replay with the same token and value", t(async () => {
    const name = uniq("js-idem");
    const token = randomUUID();
    const first = await create({ Name: name, SecretString: "same", ClientRequestToken: token });
    const again = await create({ Name: name, SecretString: "same", ClientRequestToken: token });
    assert.deepEqual({ ...again, $metadata: undefined }, { ...first, $metadata: undefined });
    assert.equal(again.VersionId, token);
    assert.deepEqual((await desc({ SecretId: name })).VersionIdsToStages, { [token]: ["AWSCURRENT"] });
  }));

  it("same token with a different value", t(async () => {
    const name = uniq("js-idem-diff");
    const token = randomUUID();
    const first = await create({ Name: name, SecretString: "one", ClientRequestToken: token });
    await rejectsWith(
      create({ Name: name, SecretString: "two", ClientRequestToken: token }),
      "ResourceExistsException", MSG.tokenInUse(token, first.ARN),
    );
  }));

  it("both SecretString and SecretBinary", t(async () => {
    const name = uniq("js-both");
    await rejectsWith(
      create({ Name: name, SecretString: "s", SecretBinary: Uint8Array.from([1, 2]) }),
      "InvalidParameterException", MSG.bothValues,
    );
    await rejectsWith(desc({ SecretId: name }), "ResourceNotFoundException", MSG.notFound);
  }));

  it("invalid name on Name and SecretId", t(async () => {
    await rejectsWith(create({ Name: "bad name!#", SecretString: "v" }), "ValidationException", MSG.invalidName);
    await rejectsWith(get({ SecretId: "bad name!#" }), "ValidationException", MSG.invalidName);
    await rejectsWith(desc({ SecretId: "bad name!#" }), "ValidationException", MSG.invalidName);
  }));

  it("model constraint violations (max length, sensitive member)", t(async () => {
    const long = "n".repeat(513);
    await rejectsWith(
      create({ Name: long, SecretString: "v" }), "ValidationException",
      `1 validation error detected: Value '${long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512`,
    );
    await rejectsWith(
      create({ Name: uniq("js-long"), SecretString: "s".repeat(65537) }), "ValidationException",
      "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
    );
    const longId = "i".repeat(2049);
    await rejectsWith(
      desc({ SecretId: longId }), "ValidationException",
      `1 validation error detected: Value '${longId}' at 'secretId' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
  }));
});
