// AWS SDK for JavaScript v3 against lockbox: SigV4 verification, accounts, regions, --auth off.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  DescribeSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import {
  startLockbox, client, uniq, arnRe, rejectsWith, withServerLog, editSignedRequest, checkSignatureExpired, MSG,
} from "../lib/lockbox.mjs";

let server;
let authOff;
let sm;
let existing;
const t = withServerLog(() => [server, authOff]);
const clients = [];
function mk(srv, opts) {
  const c = client(srv, opts);
  clients.push(c);
  return c;
}

before(async () => {
  [server, authOff] = await Promise.all([startLockbox(), startLockbox(["--auth", "off"])]);
  sm = mk(server);
  existing = uniq("js-auth");
  await sm.send(new CreateSecretCommand({ Name: existing, SecretString: "auth-target" }));
});
after(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([server?.stop(), authOff?.stop()]);
});

const getCmd = (id) => new GetSecretValueCommand({ SecretId: id });

describe("signature failures", () => {
  it("wrong secret key", t(async () => {
    await rejectsWith(mk(server, { secret: "wrong" }).send(getCmd(existing)), "InvalidSignatureException", MSG.badSignature);
  }));

  it("request dated 10 minutes ago (systemClockOffset, no retry)", t(async () => {
    const c = mk(server, { systemClockOffset: -600000 });
    const err = await rejectsWith(c.send(getCmd(existing)), "InvalidSignatureException");
    checkSignatureExpired(err.message, 600);
  }));

  it("control: 3 minutes of skew is accepted", t(async () => {
    const c = mk(server, { systemClockOffset: -180000 });
    assert.equal((await c.send(getCmd(existing))).SecretString, "auth-target");
  }));

  it("body tampered after signing", t(async () => {
    const name = `${uniq("js")}-tamper`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v" }));
    const c = mk(server);
    let tampered = false;
    editSignedRequest(c, "lockboxTamper", (req) => {
      assert.ok(req.headers.authorization || req.headers.Authorization, "request should already be signed");
      const body = typeof req.body === "string" ? req.body : Buffer.from(req.body).toString("utf8");
      const next = body.replace('-tamper"', '-tampeR"');
      assert.notEqual(next, body);
      assert.equal(next.length, body.length);
      req.body = next;
      tampered = true;
    });
    await rejectsWith(c.send(getCmd(name)), "InvalidSignatureException", MSG.badSignature);
    assert.ok(tampered);
  }));

  it("body tampered after signing, x-amz-content-sha256 recomputed to match", t(async () => {
    const name = `${uniq("js")}-tamper`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v" }));
    const c = mk(server);
    editSignedRequest(c, "lockboxTamperWithHash", (req) => {
      const body = typeof req.body === "string" ? req.body : Buffer.from(req.body).toString("utf8");
      const next = body.replace('-tamper"', '-tampeR"');
      assert.notEqual(next, body);
      req.body = next;
      const key = Object.keys(req.headers).find((h) => h.toLowerCase() === "x-amz-content-sha256");
      assert.ok(key, "the JS SDK signs x-amz-content-sha256");
      req.headers[key] = createHash("sha256").update(next).digest("hex");
    });
    await rejectsWith(c.send(getCmd(name)), "InvalidSignatureException", MSG.badSignature);
  }));

  it("missing Authorization (no-op signer)", t(async () => {
    const c = mk(server, { signer: { sign: async (request) => request } });
    let sawAuth = null;
    editSignedRequest(c, "lockboxInspect", (req) => {
      sawAuth = Object.keys(req.headers).some((h) => h.toLowerCase() === "authorization");
    });
    await rejectsWith(c.send(getCmd(existing)), "MissingAuthenticationTokenException", MSG.missingToken);
    assert.equal(sawAuth, false);
  }));

  it("unknown access key", t(async () => {
    await rejectsWith(
      mk(server, { key: "AKIAUNKNOWNKEY000000" }).send(new CreateSecretCommand({ Name: uniq("js-unk"), SecretString: "v" })),
      "UnrecognizedClientException", MSG.unrecognized,
    );
  }));
});

describe("accounts and regions", () => {
  it("a 12-digit access key selects that account", t(async () => {
    const acct = mk(server, { key: "111111111111" });
    const name = uniq("js-acct");
    const created = await acct.send(new CreateSecretCommand({ Name: name, SecretString: "in-111" }));
    assert.match(created.ARN, arnRe(name, "111111111111"));
    assert.equal((await acct.send(getCmd(name))).SecretString, "in-111");
    await rejectsWith(sm.send(getCmd(name)), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(acct.send(getCmd(existing)), "ResourceNotFoundException", MSG.notFound);
  }));

  it("regions are isolated", t(async () => {
    const west = mk(server, { region: "eu-west-1" });
    const name = uniq("js-region");
    const created = await west.send(new CreateSecretCommand({ Name: name, SecretString: "west" }));
    assert.match(created.ARN, arnRe(name, "000000000000", "eu-west-1"));
    await rejectsWith(sm.send(getCmd(name)), "ResourceNotFoundException", MSG.notFound);
    await rejectsWith(sm.send(new DescribeSecretCommand({ SecretId: name })), "ResourceNotFoundException", MSG.notFound);
    assert.equal((await west.send(getCmd(name))).SecretString, "west");
  }));
});

describe("--auth off", () => {
  it("ready line reports auth: off", () => {
    assert.match(authOff.readyLine, /\(auth: off/);
  });

  it("wrong secret key succeeds; account and region still come from the credential", t(async () => {
    const c = mk(authOff, { key: "777777777777", secret: "not-checked", region: "ca-central-1" });
    const name = uniq("js-off");
    const created = await c.send(new CreateSecretCommand({ Name: name, SecretString: "v" }));
    assert.match(created.ARN, arnRe(name, "777777777777", "ca-central-1"));
    assert.equal((await c.send(getCmd(name))).SecretString, "v");
    const otherRegion = mk(authOff, { key: "777777777777", secret: "x", region: "us-east-1" });
    await rejectsWith(otherRegion.send(getCmd(name)), "ResourceNotFoundException", MSG.notFound);
    const plain = mk(authOff, { secret: "also-wrong" });
    const n2 = uniq("js-off-default");
    assert.match((await plain.send(new CreateSecretCommand({ Name: n2, SecretString: "v" }))).ARN, arnRe(n2));
  }));
});
