// AWS SDK for JavaScript v3 against lockbox: DeleteSecret / RestoreSecret and the deletion
// lifecycle driven by the admin clock, resource policies and GetRandomPassword. Times are
// compared with the server's virtual clock (GET /_lockbox/clock).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  DeleteSecretCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  GetRandomPasswordCommand,
  PutResourcePolicyCommand,
  GetResourcePolicyCommand,
  DeleteResourcePolicyCommand,
  ValidateResourcePolicyCommand,
} from "@aws-sdk/client-secrets-manager";
import {
  startLockbox, client, uniq, arnRe, keysOf, rejectsWith, withServerLog, MSG, clockNow, clockAdvance, admin,
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

const DAY = 86400000;
const send = (Cmd, input = {}) => sm.send(new Cmd(input));
const create = (input) => send(CreateSecretCommand, input);
const del = (input) => send(DeleteSecretCommand, input);
const desc = (id) => send(DescribeSecretCommand, { SecretId: id });
const get = (id) => send(GetSecretValueCommand, { SecretId: id });
const serverNow = async () => Date.parse((await clockNow(server)).now);
const near = (date, expectedMs, tolMs = 120000) => Math.abs(date.getTime() - expectedMs) < tolMs;

describe("DeleteSecret / RestoreSecret", () => {
  for (const window of [undefined, 7, 30]) {
    it(`schedules deletion (RecoveryWindowInDays=${window})`, t(async () => {
      const name = uniq("js-del");
      const created = await create({ Name: name, SecretString: "v" });
      const out = await del({ SecretId: name, RecoveryWindowInDays: window });
      assert.deepEqual(keysOf(out), ["ARN", "DeletionDate", "Name"]);
      assert.equal(out.ARN, created.ARN);
      assert.ok(near(out.DeletionDate, (await serverNow()) + (window ?? 30) * DAY), String(out.DeletionDate));
      assert.deepEqual(keysOf(await desc(name)), ["ARN", "CreatedDate", "DeletedDate", "LastChangedDate", "Name", "VersionIdsToStages"]);
    }));
  }

  it("a scheduled secret refuses reads and writes; CreateSecret with its name fails", t(async () => {
    const name = uniq("js-sched");
    await create({ Name: name, SecretString: "v", Tags: [{ Key: "t", Value: "1" }] });
    await del({ SecretId: name });
    const marked = MSG.markedForDeletion;
    await rejectsWith(get(name), "InvalidRequestException", marked);
    await rejectsWith(send(PutSecretValueCommand, { SecretId: name, SecretString: "x" }), "InvalidRequestException", marked);
    await rejectsWith(send(TagResourceCommand, { SecretId: name, Tags: [{ Key: "k", Value: "v" }] }), "InvalidRequestException", marked);
    await rejectsWith(send(UntagResourceCommand, { SecretId: name, TagKeys: ["t"] }), "InvalidRequestException", marked);
    await rejectsWith(send(DeleteResourcePolicyCommand, { SecretId: name }), "InvalidRequestException", marked);
    await rejectsWith(create({ Name: name, SecretString: "again" }), "InvalidRequestException", MSG.scheduledForDeletion);
    assert.ok((await desc(name)).DeletedDate instanceof Date);
  }));

  it("RestoreSecret clears DeletedDate and the secret is usable again", t(async () => {
    const name = uniq("js-restore");
    const created = await create({ Name: name, SecretString: "v" });
    await del({ SecretId: name, RecoveryWindowInDays: 7 });
    const out = await send(RestoreSecretCommand, { SecretId: created.ARN });
    assert.deepEqual(keysOf(out), ["ARN", "Name"]);
    assert.equal((await desc(name)).DeletedDate, undefined);
    assert.equal((await get(name)).SecretString, "v");
  }));

  it("force delete: immediate, name reusable with a new ARN; missing secret succeeds", t(async () => {
    const name = uniq("js-force");
    const created = await create({ Name: name, SecretString: "v" });
    const out = await del({ SecretId: name, ForceDeleteWithoutRecovery: true });
    assert.deepEqual(keysOf(out), ["ARN", "DeletionDate", "Name"]);
    assert.ok(near(out.DeletionDate, await serverNow()));
    await rejectsWith(desc(name), "ResourceNotFoundException", MSG.notFound);
    const again = await create({ Name: name, SecretString: "new" });
    assert.notEqual(again.ARN, created.ARN);
    const missing = uniq("js-force-missing");
    const gone = await del({ SecretId: missing, ForceDeleteWithoutRecovery: true });
    assert.equal(gone.Name, missing);
    assert.ok(gone.ARN && gone.DeletionDate instanceof Date);
  }));

  it("errors (window range and exclusivity: code only)", t(async () => {
    const name = uniq("js-del-err");
    await create({ Name: name, SecretString: "v" });
    await rejectsWith(del({ SecretId: name, RecoveryWindowInDays: 6 }), "InvalidParameterException");
    await rejectsWith(del({ SecretId: name, RecoveryWindowInDays: 31 }), "InvalidParameterException");
    await rejectsWith(del({ SecretId: name, ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 }), "InvalidParameterException");
    await rejectsWith(del({ SecretId: "Inv Name", ForceDeleteWithoutRecovery: true }), "ValidationException", MSG.invalidName);
    await rejectsWith(del({ SecretId: uniq("js-del-missing") }), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(send(RestoreSecretCommand, { SecretId: uniq("js-restore-missing") }), "ResourceNotFoundException", MSG.notFound);
  }));

  it("the clock moving past the window purges the secret; requests still verify", t(async () => {
    const name = uniq("js-purge");
    const created = await create({ Name: name, SecretString: "v" });
    await del({ SecretId: name });
    await clockAdvance(server, "29d");
    assert.ok((await desc(name)).DeletedDate instanceof Date);
    await clockAdvance(server, "2d");
    await rejectsWith(desc(name), "ResourceNotFoundException", MSG.notFound);
    const again = await create({ Name: name, SecretString: "reborn" });
    assert.notEqual(again.ARN, created.ARN);
    assert.match(again.ARN, arnRe(name));
    assert.equal((await get(name)).SecretString, "reborn");
  }));

  it("clock API: forward only", t(async () => {
    const before = await clockNow(server);
    assert.deepEqual(Object.keys(before).sort(), ["now", "offset_seconds"]);
    const after = await clockAdvance(server, "1h");
    assert.ok(after.offset_seconds - before.offset_seconds >= 3600);
    const back = await admin(server, "POST", "/_lockbox/clock", { set: "2001-01-01T00:00:00Z" });
    assert.equal(back.status, 400, back.text);
    assert.ok((await clockNow(server)).offset_seconds >= after.offset_seconds);
  }));
});

const policy = (Principal) => JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal, Action: "secretsmanager:GetSecretValue", Resource: "*" }],
});

describe("resource policies", () => {
  it("put / get / delete; ResourcePolicy omitted when none", t(async () => {
    const name = uniq("js-pol");
    const created = await create({ Name: name, SecretString: "v" });
    assert.deepEqual(keysOf(await send(GetResourcePolicyCommand, { SecretId: name })), ["ARN", "Name"]);
    const doc = policy("*");
    const out = await send(PutResourcePolicyCommand, { SecretId: name, ResourcePolicy: doc });
    assert.deepEqual(keysOf(out), ["ARN", "Name"]);
    assert.equal(out.ARN, created.ARN);
    const got = await send(GetResourcePolicyCommand, { SecretId: name });
    assert.deepEqual(JSON.parse(got.ResourcePolicy), JSON.parse(doc));
    assert.deepEqual(keysOf(await send(DeleteResourcePolicyCommand, { SecretId: name })), ["ARN", "Name"]);
    assert.equal((await send(GetResourcePolicyCommand, { SecretId: name })).ResourcePolicy, undefined);
  }));

  it("BlockPublicPolicy refuses a public policy; errors", t(async () => {
    const name = uniq("js-pol-public");
    await create({ Name: name, SecretString: "v" });
    await rejectsWith(send(PutResourcePolicyCommand, { SecretId: name, ResourcePolicy: policy("*"), BlockPublicPolicy: true }), "PublicPolicyException");
    await send(PutResourcePolicyCommand, { SecretId: name, ResourcePolicy: policy({ AWS: "arn:aws:iam::123456789012:root" }), BlockPublicPolicy: true });
    await rejectsWith(send(PutResourcePolicyCommand, { SecretId: name, ResourcePolicy: "{not json" }), "MalformedPolicyDocumentException");
    await rejectsWith(send(GetResourcePolicyCommand, { SecretId: uniq("js-pol-missing") }), "ResourceNotFoundException", MSG.notFound);
  }));

  it("ValidateResourcePolicy", t(async () => {
    const out = await send(ValidateResourcePolicyCommand, { ResourcePolicy: policy({ AWS: "arn:aws:iam::123456789012:root" }) });
    assert.deepEqual({ ...out, $metadata: undefined }, { PolicyValidationPassed: true, ValidationErrors: [], $metadata: undefined });
    const broad = await send(ValidateResourcePolicyCommand, { ResourcePolicy: policy("*") });
    assert.equal(broad.PolicyValidationPassed, false);
    assert.ok(broad.ValidationErrors.length > 0);
    await rejectsWith(send(ValidateResourcePolicyCommand, { SecretId: "Inv Name", ResourcePolicy: policy("*") }), "ValidationException", MSG.invalidName);
  }));
});

describe("GetRandomPassword", () => {
  const PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  const classesOf = (pw) => new Set([...pw].map((c) =>
    /[A-Z]/.test(c) ? "upper" : /[a-z]/.test(c) ? "lower" : /[0-9]/.test(c) ? "digit" : PUNCT.includes(c) ? "punct" : `other:${c}`));

  it("defaults: 32 characters with every class", t(async () => {
    for (let i = 0; i < 20; i++) {
      const out = await send(GetRandomPasswordCommand);
      assert.deepEqual(keysOf(out), ["RandomPassword"]);
      assert.equal(out.RandomPassword.length, 32);
      assert.deepEqual([...classesOf(out.RandomPassword)].sort(), ["digit", "lower", "punct", "upper"]);
    }
  }));

  it("ExcludeCharacters and Exclude* flags", t(async () => {
    const pw = (await send(GetRandomPasswordCommand, { PasswordLength: 120, ExcludeCharacters: "xyzDje@?!." })).RandomPassword;
    assert.equal(pw.length, 120);
    assert.ok(![..."xyzDje@?!."].some((c) => pw.includes(c)), pw);
    const only = (await send(GetRandomPasswordCommand, { PasswordLength: 50, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true })).RandomPassword;
    assert.match(only, /^[0-9]{50}$/);
    const noDigits = (await send(GetRandomPasswordCommand, { ExcludeNumbers: true })).RandomPassword;
    assert.deepEqual([...classesOf(noDigits)].sort(), ["lower", "punct", "upper"]);
  }));

  it("errors", t(async () => {
    await rejectsWith(send(GetRandomPasswordCommand, { PasswordLength: 4097 }), "ValidationException", MSG.rangeMax("passwordLength", 4097, 4096));
    await rejectsWith(
      send(GetRandomPasswordCommand, { ExcludeNumbers: true, ExcludePunctuation: true, ExcludeUppercase: true, ExcludeLowercase: true }),
      "InvalidParameterException",
    );
  }));
});
