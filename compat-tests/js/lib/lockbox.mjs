// Shared helpers for the Lockbox JS SDK v3 compatibility tests.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID, createHash, createHmac } from "node:crypto";
import assert from "node:assert/strict";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { KMSClient } from "@aws-sdk/client-kms";

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, "..", "..", "..");
export const READY_RE = /ready: (http:\/\/\S+)/;
export const DEFAULT_ACCOUNT = "000000000000";
export const REGION = "us-east-1";

export const MSG = {
  notFound: "Secrets Manager can't find the specified secret.",
  invalidName:
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
  bothValues: "You can't specify both a binary secret value and a string secret value in the same secret.",
  stageNotOnVersion: "You provided a VersionStage that is not associated to the provided VersionId.",
  badSignature:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  missingToken: "Missing Authentication Token",
  unrecognized: "The security token included in the request is invalid.",
  noValueForStage: (stage = "AWSCURRENT") =>
    `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
  noValueForVersion: (id) => `Secrets Manager can't find the specified secret value for VersionId: ${id}`,
  exists: (name) => `The operation failed because the secret ${name} already exists.`,
  tokenInUse: (token, arn) =>
    `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
};

export const SIG_EXPIRED_RE =
  /^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 5 min\.\)$/;

// Non-UTF-8 bytes for binary round trips.
export const BINARY_VALUE = Uint8Array.from([
  0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0a, 0x0d, 0x7f, 0x01,
  ...Array.from({ length: 256 }, (_, i) => i),
]);

export function lockboxBin() {
  return process.env.LOCKBOX_BIN || join(REPO, "target", "debug", "lockbox");
}

export function uniq(prefix = "js") {
  return `${prefix}-${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
}

export function arnRe(name, account = DEFAULT_ACCOUNT, region = REGION) {
  return new RegExp(`^arn:aws:secretsmanager:${escapeRe(region)}:${account}:secret:${escapeRe(name)}-[A-Za-z0-9]{6}$`);
}

export function partialArn(arn) {
  assert.match(arn, /-[A-Za-z0-9]{6}$/);
  return arn.slice(0, -7);
}

/** Keys of an SDK output that are present (not undefined), without $metadata. */
export function keysOf(out) {
  return Object.keys(out)
    .filter((k) => k !== "$metadata" && out[k] !== undefined)
    .sort();
}

/**
 * Start lockbox on 127.0.0.1:0 and wait for its ready line.
 * Returns { url, readyLine, proc, logPath, stop(), logTail() }.
 */
export async function startLockbox(args = [], { configText, timeoutMs = 30000 } = {}) {
  const bin = lockboxBin();
  if (!existsSync(bin)) {
    throw new Error(`lockbox binary not found at ${bin} (cargo build --bin lockbox, or set LOCKBOX_BIN)`);
  }
  const dir = mkdtempSync(join(tmpdir(), "lockbox-compat-js-"));
  const logPath = join(dir, "lockbox.stderr.log");
  const fullArgs = ["--listen", "127.0.0.1:0", ...args];
  if (configText !== undefined) {
    const cfg = join(dir, "lockbox.toml");
    writeFileSync(cfg, configText);
    fullArgs.push("--config", cfg);
  }
  const errFd = openSync(logPath, "w");
  const proc = spawn(bin, fullArgs, { stdio: ["ignore", "pipe", errFd] });
  closeSync(errFd);
  const logTail = (n = 40) => {
    try {
      return `[${logPath}]\n` + readFileSync(logPath, "utf8").split("\n").slice(-n).join("\n");
    } catch {
      return "(no log)";
    }
  };
  let exited = null;
  const exitPromise = new Promise((res) => proc.on("exit", (code, signal) => { exited = { code, signal }; res(exited); }));

  const { url, readyLine } = await new Promise((res, rej) => {
    let buf = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      rej(new Error(`lockbox did not become ready in ${timeoutMs}ms; stdout=${JSON.stringify(buf)}\n${logTail()}`));
    }, timeoutMs);
    const onData = (chunk) => {
      buf += chunk.toString("utf8");
      for (const line of buf.split("\n")) {
        const m = READY_RE.exec(line);
        if (m) {
          clearTimeout(timer);
          // keep draining stdout so the child never blocks on a full pipe
          proc.stdout.off("data", onData);
          proc.stdout.resume();
          res({ url: m[1].replace(/\/$/, ""), readyLine: line });
          return;
        }
      }
    };
    proc.stdout.on("data", onData);
    exitPromise.then((e) => {
      clearTimeout(timer);
      rej(new Error(`lockbox exited before ready (${JSON.stringify(e)}); stdout=${JSON.stringify(buf)}\n${logTail()}`));
    });
  });

  async function stop() {
    if (exited) return exited;
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 10000);
    const e = await exitPromise;
    clearTimeout(t);
    return e;
  }
  return { url, readyLine, proc, logPath, stop, logTail };
}

export function client(server, { key = "test", secret = "test", region = REGION, ...extra } = {}) {
  return new SecretsManagerClient({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: key, secretAccessKey: secret },
    maxAttempts: 1,
    ...extra,
  });
}

/** Assert that `promise` rejects with a service error of `code` (and exact `message` if given). */
export async function rejectsWith(promise, code, message, { status = 400 } = {}) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${code} but the call succeeded`);
  assert.equal(err.name, code, `error name: ${err.name}: ${err.message}`);
  if (message !== undefined) assert.equal(err.message, message);
  assert.equal(err.$metadata?.httpStatusCode, status);
  assert.ok(err.$metadata?.requestId, "x-amzn-RequestId missing on error");
  return err;
}

/** Adds a middleware running after signing that can edit the outgoing request. */
export function editSignedRequest(c, name, fn) {
  c.middlewareStack.add(
    (next) => async (args) => {
      fn(args.request);
      return next(args);
    },
    { step: "deserialize", name, override: true },
  );
}

export function checkSignatureExpired(message, skewSeconds) {
  const m = SIG_EXPIRED_RE.exec(message);
  assert.ok(m, `unexpected message: ${message}`);
  const parse = (s) =>
    Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));
  const [signed, limit, now] = m.slice(1).map(parse);
  assert.equal(now - limit, 5 * 60 * 1000, message);
  assert.ok(Math.abs(Date.now() - now) < 60000, message);
  assert.ok(Math.abs((Date.now() - signed) / 1000 - skewSeconds) < 60, message);
}

/**
 * Wrap a test body so that a failure carries the tail of the servers' stderr.
 * Usage: const t = withServerLog(() => [server]); it("x", t(async () => {...}))
 */
export function withServerLog(getServers) {
  return (fn) => async (...args) => {
    try {
      return await fn(...args);
    } catch (e) {
      const tails = getServers().filter(Boolean).map((s) => `--- lockbox stderr (${s.url}) ---\n${s.logTail()}`);
      if (e && typeof e === "object") {
        try {
          e.message = `${e.message}\n${tails.join("\n")}`;
        } catch {
          /* read-only message */
        }
      }
      throw e;
    }
  };
}

// ------------------------------------------------------------------ issue 3: versions, listing, lifecycle
Object.assign(MSG, {
  markedForDeletion: "You can't perform this operation on the secret because it was marked for deletion.",
  scheduledForDeletion:
    "You can't create this secret because a secret with this name is already scheduled for deletion.",
  needToken: "You must provide a ClientRequestToken value. We recommend a UUID-type value.",
  removeFromVersionId: (label, holder) =>
    `The parameter RemoveFromVersionId can't be empty. Staging label ${label} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
  systemTag: (key) => `You can't modify system tags. Tag key: '${key}'.`,
  rangeMax: (member, value, max) =>
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
});
export const DEFAULT_KMS_KEY_IDS = ["DefaultEncryptionKey"];

/** JSON fixtures shared with the Python suite (compat-tests/shared/). */
export function loadShared(name) {
  return JSON.parse(readFileSync(join(HERE, "..", "..", "shared", name), "utf8"));
}

/** Unsigned call to the admin surface; returns { status, json }. */
/**
 * An admin call (`/_lockbox/*`), signed with SigV4 for the service name `lockbox` by the default
 * account's root key (test/test), as Lockbox requires for every admin endpoint but health.
 */
export async function admin(server, method, path, body, { key = "test", secret = "test" } = {}) {
  const payload = body === undefined ? "" : JSON.stringify(body);
  const headers = body === undefined ? {} : { "content-type": "application/json" };
  const signed = signHeaders(server, { method, path, headers, body: payload, key, secret, service: "lockbox" });
  const res = await fetch(server.url + path, {
    method,
    headers: signed,
    body: body === undefined ? undefined : payload,
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/**
 * Minimal SigV4 with node:crypto: returns `headers` plus `x-amz-date` and `authorization`,
 * signed over every header given and `host` (which fetch sets itself, so it is not returned).
 */
export function signHeaders(server, { method, path, headers, body, key = "test", secret = "test", region = REGION, service }) {
  const url = new URL(server.url + path);
  const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const sha = (data) => createHash("sha256").update(data).digest("hex");
  const hmac = (k, data) => createHmac("sha256", k).update(data).digest();
  const all = { ...headers, host: url.host, "x-amz-date": amzDate };
  const names = Object.keys(all).sort();
  const query = [...url.searchParams]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join("&");
  const canonical = [method, url.pathname, query, ...names.map((n) => `${n}:${all[n]}`), "", names.join(";"), sha(body)].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha(canonical)].join("\n");
  let k = hmac(`AWS4${secret}`, day);
  for (const part of [region, service, "aws4_request"]) k = hmac(k, part);
  const signature = createHmac("sha256", k).update(toSign).digest("hex");
  all.authorization = `AWS4-HMAC-SHA256 Credential=${key}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  delete all.host;
  return all;
}

export async function resetServer(server) {
  const r = await admin(server, "POST", "/_lockbox/reset");
  assert.equal(r.status, 200, r.text);
}

/** GET /_lockbox/clock -> { now, offset_seconds } */
export async function clockNow(server) {
  const r = await admin(server, "GET", "/_lockbox/clock");
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** POST /_lockbox/clock {"advance": "31d"}; returns the clock afterwards. */
export async function clockAdvance(server, amount) {
  const r = await admin(server, "POST", "/_lockbox/clock", { advance: amount });
  assert.equal(r.status, 200, r.text);
  return clockNow(server);
}

/**
 * Signed raw awsJson1_1 call (minimal SigV4 with node:crypto) for wire details the SDK hides:
 * empty bodies, nulls. Returns { status, headers, body } with body as text.
 */
export async function rawCall(server, target, input, { key = "test", secret = "test", region = REGION } = {}) {
  const body = typeof input === "string" ? input : JSON.stringify(input);
  const headers = signHeaders(server, {
    method: "POST",
    path: "/",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `secretsmanager.${target}` },
    body,
    key,
    secret,
    region,
    service: "secretsmanager",
  });
  const res = await fetch(server.url + "/", { method: "POST", headers, body });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Assert no JSON null anywhere in a parsed document. */
export function assertNoNulls(doc, path = "$") {
  assert.notEqual(doc, null, `null at ${path}`);
  if (Array.isArray(doc)) doc.forEach((v, i) => assertNoNulls(v, `${path}[${i}]`));
  else if (typeof doc === "object") for (const [k, v] of Object.entries(doc)) assertNoNulls(v, `${path}.${k}`);
}

/** Versions list -> { labelled: {id: sorted labels}, deprecated: [sorted ids] } (deprecated = no VersionStages key). */
export function stagesMap(versions) {
  const labelled = {};
  const deprecated = [];
  for (const v of versions) {
    if (v.VersionStages !== undefined) {
      assert.ok(v.VersionStages.length > 0, `empty VersionStages instead of an absent key: ${JSON.stringify(v)}`);
      labelled[v.VersionId] = [...v.VersionStages].sort();
    } else {
      deprecated.push(v.VersionId);
    }
  }
  return { labelled, deprecated: deprecated.sort() };
}

const sortedMap = (m) =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, [...v].sort()]).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Plays one trace of shared/label-traces.json; `c` is an adapter like the Python LabelTraceRunner's. */
export async function runLabelTrace(c, name, trace, { checkEveryStep = true } = {}) {
  const ids = {};
  const vid = (alias) => (ids[alias] ??= randomUUID());
  const value = (alias) => `value-of-${alias}`;
  for (const [i, step] of trace.steps.entries()) {
    const [op, ...args] = step.do;
    const where = `${trace.id} step ${i} ${JSON.stringify(step.do)}`;
    let out;
    if (op === "create") out = await c.create(name, vid(args[0]), value(args[0]));
    else if (op === "create_empty") out = await c.create(name, undefined, undefined);
    else if (op === "put") out = await c.put(name, vid(args[0]), value(args[0]), args[1] ?? undefined);
    else if (op === "update") out = await c.update(name, vid(args[0]), value(args[0]));
    else if (op === "move") out = await c.move(name, args[0], vid(args[1]), vid(args[2]));
    else if (op === "remove") out = await c.remove(name, args[0], vid(args[1]));
    else throw new Error(`unknown op ${op}`);
    if (op === "put") {
      assert.equal(out.VersionId, vid(args[0]), where);
      assert.deepEqual([...out.VersionStages].sort(), [...step.labels[args[0]]].sort(), `${where}: PutSecretValue VersionStages`);
    }
    if (op === "move" || op === "remove") assert.deepEqual(keysOf(out), ["ARN", "Name"], where);
    if (!checkEveryStep && i !== trace.steps.length - 1) continue;
    const labelled = sortedMap(Object.fromEntries(Object.entries(step.labels).map(([a, l]) => [vid(a), l])));
    const deprecated = (step.deprecated ?? []).map(vid).sort();
    const all = stagesMap(await c.versions(name, true));
    assert.deepEqual({ labelled: sortedMap(all.labelled), deprecated: all.deprecated }, { labelled, deprecated }, `${where}: IncludeDeprecated`);
    const dflt = stagesMap(await c.versions(name, false));
    assert.deepEqual({ labelled: sortedMap(dflt.labelled), deprecated: dflt.deprecated }, { labelled, deprecated: [] }, `${where}: default listing`);
    assert.deepEqual(sortedMap(await c.describeStages(name)), labelled, `${where}: VersionIdsToStages`);
    const current = Object.entries(step.labels).filter(([, l]) => l.includes("AWSCURRENT")).map(([a]) => a);
    if (current.length) assert.equal(await c.currentValue(name), value(current[0]), `${where}: GetSecretValue()`);
  }
}

// ------------------------------------------------------------------ issue 4: KMS
// Texts and shapes of real KMS; the comment after each says where it is known from
// ("AWS" = recorded against real AWS).
export const KMS_SYMMETRIC_METADATA_FIELDS = [ // CreateKey (AWS)
  "AWSAccountId", "Arn", "CreationDate", "CurrentKeyMaterialId", "CustomerMasterKeySpec", "Description", "Enabled",
  "EncryptionAlgorithms", "KeyId", "KeyManager", "KeySpec", "KeyState", "KeyUsage", "MultiRegion", "Origin",
].sort();
export const KMS_KEY_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const KMS_HEX64_RE = /^[0-9a-f]{64}$/; // key-material ids and grant ids

export const kmsKeyArn = (keyId, account = DEFAULT_ACCOUNT, region = REGION) => `arn:aws:kms:${region}:${account}:key/${keyId}`;
export const kmsAliasArn = (aliasName, account = DEFAULT_ACCOUNT, region = REGION) => {
  assert.ok(aliasName.startsWith("alias/"), aliasName);
  return `arn:aws:kms:${region}:${account}:${aliasName}`;
};

export const KMS_MSG = {
  managedSmDescription: "Default key that protects my Secrets Manager data when no other key is defined", // the AWS managed key's description
  incorrectKey: "The key ID in the request does not identify a CMK that can perform this operation.", // AWS
  dryRun: "The request would have succeeded, but the DryRun option is set.", // AWS
  foreignCiphertext: // seen from real AWS in public logs; moto and local-kms use it too
    "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.",
  aliasPrefix: // AWS
    'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
  tooManyTags: "Too many tags", // AWS
  duplicateTagKeys: "Duplicate tag keys", // AWS
  reservedTags: "Tags beginning with aws: are reserved", // AWS
  numberOfBytesRequired: "NumberOfBytes is required.", // AWS
  invalidKeyId: (id) => `Invalid keyId '${id}'`, // key identifiers (AWS)
  keyMissing: (arn) => `Key '${arn}' does not exist`, // key identifiers (AWS): always the ARN
  invalidArn: (region) => `Invalid arn ${region}`, // key identifiers (AWS)
  disabled: (arn) => `${arn} is disabled.`, // key states: a disabled key
  pendingDeletion: (arn) => `${arn} is pending deletion.`, // key states: a key pending deletion
  notPendingDeletion: (arn) => `${arn} is not pending deletion.`, // key states: CancelKeyDeletion on another key
  rotationLimit: (arn) => // RotateKeyOnDemand (AWS)
    `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${arn}`,
  rangeMin: (member, value, min) =>
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
  /** Coral length text; value undefined for sensitive members (Coral omits the value). */
  lengthMax: (member, value, max) =>
    `1 validation error detected: ${value === undefined ? "Value" : `Value '${value}'`} at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
};

/** The JS SDK's rendering of a modeled error with no message on the wire (InvalidCiphertextException). */
export const SDK_NO_MESSAGE = "UnknownError";

/** The default key policy exactly as the API returns it. */
export function kmsDefaultPolicy(account = DEFAULT_ACCOUNT) {
  return [
    "{",
    '  "Version" : "2012-10-17",',
    '  "Id" : "key-default-1",',
    '  "Statement" : [ {',
    '    "Sid" : "Enable IAM User Permissions",',
    '    "Effect" : "Allow",',
    '    "Principal" : {',
    `      "AWS" : "arn:aws:iam::${account}:root"`,
    "    },",
    '    "Action" : "kms:*",',
    '    "Resource" : "*"',
    "  } ]",
    "}",
  ].join("\n");
}

export function kmsClient(server, { key = "test", secret = "test", region = REGION, ...extra } = {}) {
  return new KMSClient({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: key, secretAccessKey: secret },
    maxAttempts: 1,
    ...extra,
  });
}
