// AWS SDK for JavaScript v3 against lockbox: STS over awsQuery. GetCallerIdentity for each kind
// of credential, GetSessionToken credentials calling Secrets Manager until they expire on the
// virtual clock, and the XML error envelope.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  STSClient,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
} from "@aws-sdk/client-sts";
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import {
  startLockbox, client, uniq, rejectsWith, withServerLog, clockAdvance, signHeaders, REGION,
} from "../lib/lockbox.mjs";

const EXPIRED = "The security token included in the request is expired";
const INVALID = "The security token included in the request is invalid.";
const ALICE_CONFIG = `
[[credentials]]
access_key_id = "AKIALOCKBOXJSALICE01"
secret_access_key = "alice-secret"
account_id = "333333333333"
user_name = "alice"

[[credentials]]
access_key_id = "AKIALOCKBOXJSROLE001"
secret_access_key = "role-secret"
account_id = "333333333333"
arn = "arn:aws:sts::333333333333:assumed-role/deployer/ci-run"
`;

let server;
let alice;
const t = withServerLog(() => [server, alice]);
const clients = [];

function sts(srv, { key = "test", secret = "test", token } = {}) {
  const c = new STSClient({
    endpoint: srv.url,
    region: REGION,
    credentials: { accessKeyId: key, secretAccessKey: secret, sessionToken: token },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}

before(async () => {
  [server, alice] = await Promise.all([startLockbox(), startLockbox([], { configText: ALICE_CONFIG })]);
});
after(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([server?.stop(), alice?.stop()]);
});

describe("GetCallerIdentity", () => {
  it("names the root user of the built-in keys", t(async () => {
    const who = await sts(server).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, "000000000000");
    assert.equal(who.Arn, "arn:aws:iam::000000000000:root");
    assert.equal(who.UserId, "000000000000");
  }));

  it("names a configured IAM user", t(async () => {
    const who = await sts(alice, { key: "AKIALOCKBOXJSALICE01", secret: "alice-secret" })
      .send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, "arn:aws:iam::333333333333:user/alice");
    assert.match(who.UserId, /^AIDA[A-Z2-7]{17}$/);
  }));

  it("names a role session", t(async () => {
    const who = await sts(alice, { key: "AKIALOCKBOXJSROLE001", secret: "role-secret" })
      .send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, "arn:aws:sts::333333333333:assumed-role/deployer/ci-run");
    assert.match(who.UserId, /^AROA[A-Z2-7]{17}:ci-run$/);
  }));

  it("refuses an unknown key with InvalidClientTokenId", t(async () => {
    const err = await rejectsWith(
      sts(server, { key: "AKIAUNKNOWNKEY000000" }).send(new GetCallerIdentityCommand({})),
      "InvalidClientTokenId", INVALID, { status: 403 },
    );
    assert.equal(err.Type, "Sender");
  }));
});

describe("GetSessionToken", () => {
  it("issues credentials that call Secrets Manager until they expire", t(async () => {
    const { Credentials: issued } = await sts(alice, { key: "AKIALOCKBOXJSALICE01", secret: "alice-secret" })
      .send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    assert.match(issued.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.equal(issued.SecretAccessKey.length, 40);
    assert.ok(issued.Expiration instanceof Date);
    const creds = { key: issued.AccessKeyId, secret: issued.SecretAccessKey, token: issued.SessionToken };
    const temp = sts(alice, creds);
    assert.equal((await temp.send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::333333333333:user/alice");
    const sm = client(alice, {
      credentials: { accessKeyId: creds.key, secretAccessKey: creds.secret, sessionToken: creds.token },
    });
    clients.push(sm);
    const name = uniq("js-sts");
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v" }));
    assert.match(ARN, /:333333333333:secret:/);

    await clockAdvance(alice, "16m");
    await rejectsWith(sm.send(new DescribeSecretCommand({ SecretId: name })), "ExpiredTokenException", EXPIRED, { status: 403 });
    await rejectsWith(temp.send(new GetCallerIdentityCommand({})), "ExpiredToken", EXPIRED, { status: 403 });
  }));
});

describe("awsQuery envelope", () => {
  it("answers an unknown action with an XML InvalidAction", t(async () => {
    const body = "Action=NoSuchThing&Version=2011-06-15";
    const headers = signHeaders(server, {
      method: "POST", path: "/", body, service: "sts",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    });
    const response = await fetch(server.url + "/", { method: "POST", headers, body });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("content-type"), "text/xml");
    const text = await response.text();
    const requestId = response.headers.get("x-amzn-requestid");
    assert.equal(
      text,
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation NoSuchThing for version 2011-06-15</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }));
});
