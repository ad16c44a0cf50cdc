// AWS SDK for JavaScript v3 against lockbox: least privilege end to end with identities the root
// user creates through IAM. A user reads only the secret its policy names (while its key is
// active), a resource-policy Deny wins, tag and encryption-context conditions narrow its rights,
// a customer managed key also needs kms:Decrypt, an assumed role's credentials expire on the
// virtual clock, an MFA-required policy is met by GetSessionToken credentials proven with a
// device code, another account needs a key it may use, and GetCallerIdentity names each caller.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  IAMClient,
  CreateUserCommand,
  CreateAccessKeyCommand,
  UpdateAccessKeyCommand,
  PutUserPolicyCommand,
  GetUserCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
} from "@aws-sdk/client-iam";
import {
  STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand,
} from "@aws-sdk/client-sts";
import {
  SecretsManagerClient,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-secrets-manager";
import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand } from "@aws-sdk/client-kms";
import {
  startLockbox, uniq, rejectsWith, withServerLog, clockAdvance, clockNow, MSG, REGION, DEFAULT_ACCOUNT,
} from "../lib/lockbox.mjs";

const ACCOUNT = DEFAULT_ACCOUNT;
const ROOT_KEYS = { key: "test", secret: "test" };
const EXPIRED = "The security token included in the request is expired";

let server;
const extra = [];
const t = withServerLog(() => [server, ...extra]);
const clients = [];

function make(Client, srv, { key, secret, token } = ROOT_KEYS) {
  const c = new Client({
    endpoint: srv.url,
    region: REGION,
    credentials: { accessKeyId: key, secretAccessKey: secret, sessionToken: token },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}
const sm = (srv, keys) => make(SecretsManagerClient, srv, keys);
const kms = (srv, keys) => make(KMSClient, srv, keys);
const iam = (srv, keys) => make(IAMClient, srv, keys);
const sts = (srv, keys) => make(STSClient, srv, keys);

function allow(Action, Resource, Condition) {
  const statement = { Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) };
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}

/** Creates IAM user `name` as root with an optional inline policy; returns its new key. */
async function userWithPolicy(srv, name, document) {
  const root = iam(srv);
  await root.send(new CreateUserCommand({ UserName: name }));
  if (document) {
    await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "least-privilege", PolicyDocument: document }));
  }
  const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: name }));
  return { key: AccessKey.AccessKeyId, secret: AccessKey.SecretAccessKey };
}

const issued = ({ Credentials: c }) => ({ key: c.AccessKeyId, secret: c.SecretAccessKey, token: c.SessionToken });

function denied(userArn, action, resource, why = `because no identity-based policy allows the ${action} action`) {
  return `User: ${userArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

/** RFC 6238: HMAC-SHA1 of the 30-second step, dynamic truncation, six digits. */
function totp(seed, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", seed).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** RFC 4648 base32 (no padding) to bytes. */
function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let buffer = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, "")) {
    buffer = (buffer << 5) | alphabet.indexOf(ch.toUpperCase());
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** A server of its own for a test that moves the virtual clock. */
async function ownServer() {
  const srv = await startLockbox();
  extra.push(srv);
  return srv;
}

before(async () => {
  server = await startLockbox();
});
after(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([server?.stop(), ...extra.map((s) => s.stop())]);
});

describe("an IAM user with one policy", () => {
  it("reads only its secret, and only while its key is active", t(async () => {
    const root = sm(server);
    const prefix = uniq("lp");
    const { ARN: mine } = await root.send(new CreateSecretCommand({ Name: `${prefix}/db`, SecretString: "mine" }));
    await root.send(new CreateSecretCommand({ Name: `${prefix}/other`, SecretString: "not mine" }));
    const name = uniq("reader");
    const keys = await userWithPolicy(server, name, allow("secretsmanager:GetSecretValue", mine));
    const user = sm(server, keys);
    const read = await user.send(new GetSecretValueCommand({ SecretId: mine }));
    assert.equal(read.SecretString, "mine");
    await rejectsWith(
      user.send(new GetSecretValueCommand({ SecretId: `${prefix}/other` })),
      "AccessDeniedException",
      denied(`arn:aws:iam::${ACCOUNT}:user/${name}`, "secretsmanager:GetSecretValue", `${prefix}/other`),
    );
    await iam(server).send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: keys.key, Status: "Inactive" }));
    await rejectsWith(user.send(new GetSecretValueCommand({ SecretId: mine })), "UnrecognizedClientException", MSG.unrecognized);
  }));

  it("is refused by a Deny in the secret's resource policy despite its Allow", t(async () => {
    const root = sm(server);
    const secretName = uniq("lp-deny");
    const { ARN } = await root.send(new CreateSecretCommand({ Name: secretName, SecretString: "v" }));
    const name = uniq("reader");
    const userArn = `arn:aws:iam::${ACCOUNT}:user/${name}`;
    const user = sm(server, await userWithPolicy(server, name, allow("secretsmanager:GetSecretValue", "*")));
    await user.send(new GetSecretValueCommand({ SecretId: secretName }));
    await root.send(new PutResourcePolicyCommand({
      SecretId: ARN,
      ResourcePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{
        Effect: "Deny", Principal: { AWS: userArn }, Action: "secretsmanager:GetSecretValue", Resource: "*",
      }] }),
    }));
    await rejectsWith(
      user.send(new GetSecretValueCommand({ SecretId: secretName })),
      "AccessDeniedException",
      denied(userArn, "secretsmanager:GetSecretValue", secretName, "with an explicit deny in a resource-based policy"),
    );
  }));

  it("is limited by tag and encryption-context conditions", t(async () => {
    const root = sm(server);
    const blue = uniq("blue");
    const green = uniq("green");
    await root.send(new CreateSecretCommand({ Name: blue, SecretString: "blue", Tags: [{ Key: "team", Value: "blue" }] }));
    await root.send(new CreateSecretCommand({ Name: green, SecretString: "green", Tags: [{ Key: "team", Value: "green" }] }));
    const { KeyMetadata } = await kms(server).send(new CreateKeyCommand({}));
    const keyArn = KeyMetadata.Arn;
    const name = uniq("reader");
    const userArn = `arn:aws:iam::${ACCOUNT}:user/${name}`;
    const keys = await userWithPolicy(server, name, JSON.stringify({ Version: "2012-10-17", Statement: [
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/team": "blue" } } },
      { Effect: "Allow", Action: "secretsmanager:DescribeSecret", Resource: "*",
        Condition: { StringEquals: { "secretsmanager:ResourceTag/team": "green" } } },
      { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt"], Resource: keyArn,
        Condition: { StringEquals: { "kms:EncryptionContext:app": "billing" } } },
    ] }));
    const user = sm(server, keys);
    assert.equal((await user.send(new GetSecretValueCommand({ SecretId: blue }))).SecretString, "blue");
    await rejectsWith(
      user.send(new GetSecretValueCommand({ SecretId: green })),
      "AccessDeniedException",
      denied(userArn, "secretsmanager:GetSecretValue", green),
    );
    await user.send(new DescribeSecretCommand({ SecretId: green }));

    const userKms = kms(server, keys);
    const context = { app: "billing" };
    const { CiphertextBlob } = await userKms.send(new EncryptCommand({
      KeyId: keyArn, Plaintext: Buffer.from("card"), EncryptionContext: context,
    }));
    const { Plaintext } = await userKms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    assert.equal(Buffer.from(Plaintext).toString(), "card");
    await rejectsWith(
      userKms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from("card"), EncryptionContext: { app: "payroll" } })),
      "AccessDeniedException",
      denied(userArn, "kms:Encrypt", keyArn),
    );
  }));

  it("needs kms:Decrypt for a secret under a customer managed key", t(async () => {
    const { KeyMetadata } = await kms(server).send(new CreateKeyCommand({}));
    const { ARN } = await sm(server).send(new CreateSecretCommand({
      Name: uniq("lp-cmk"), SecretString: "cmk", KmsKeyId: KeyMetadata.Arn,
    }));
    const name = uniq("reader");
    const user = sm(server, await userWithPolicy(server, name, allow("secretsmanager:GetSecretValue", ARN)));
    await rejectsWith(user.send(new GetSecretValueCommand({ SecretId: ARN })), "AccessDeniedException", "Access to KMS is not allowed");
    await iam(server).send(new PutUserPolicyCommand({
      UserName: name, PolicyName: "decrypt", PolicyDocument: allow("kms:Decrypt", KeyMetadata.Arn),
    }));
    assert.equal((await user.send(new GetSecretValueCommand({ SecretId: ARN }))).SecretString, "cmk");
  }));
});

describe("temporary credentials", () => {
  it("of an assumed role read what the role allows until they expire", t(async () => {
    const srv = await ownServer();
    const { ARN } = await sm(srv).send(new CreateSecretCommand({ Name: "app/db", SecretString: "role-readable" }));
    const keys = await userWithPolicy(srv, "deployer");
    const root = iam(srv);
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{
      Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/deployer` }, Action: "sts:AssumeRole",
    }] });
    const { Role } = await root.send(new CreateRoleCommand({ RoleName: "app-reader", AssumeRolePolicyDocument: trust }));
    await root.send(new PutRolePolicyCommand({
      RoleName: "app-reader", PolicyName: "read-one", PolicyDocument: allow("secretsmanager:GetSecretValue", ARN),
    }));
    const role = issued(await sts(srv, keys).send(new AssumeRoleCommand({
      RoleArn: Role.Arn, RoleSessionName: "release", DurationSeconds: 900,
    })));
    const asRole = sm(srv, role);
    assert.equal((await asRole.send(new GetSecretValueCommand({ SecretId: ARN }))).SecretString, "role-readable");
    await clockAdvance(srv, "16m");
    await rejectsWith(asRole.send(new GetSecretValueCommand({ SecretId: ARN })), "ExpiredTokenException", EXPIRED, { status: 403 });
    await rejectsWith(sts(srv, role).send(new GetCallerIdentityCommand({})), "ExpiredToken", EXPIRED, { status: 403 });
  }));

  it("proven with an MFA code meet an MFA-required policy", t(async () => {
    const srv = await ownServer();
    const { ARN } = await sm(srv).send(new CreateSecretCommand({ Name: "app/db", SecretString: "mfa" }));
    const keys = await userWithPolicy(srv, "careful", allow(
      "secretsmanager:GetSecretValue", ARN, { Bool: { "aws:MultiFactorAuthPresent": "true" } },
    ));
    await rejectsWith(
      sm(srv, keys).send(new GetSecretValueCommand({ SecretId: ARN })),
      "AccessDeniedException",
      denied(`arn:aws:iam::${ACCOUNT}:user/careful`, "secretsmanager:GetSecretValue", ARN),
    );
    const root = iam(srv);
    const { VirtualMFADevice } = await root.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "careful-phone" }));
    const seed = base32Decode(Buffer.from(VirtualMFADevice.Base32StringSeed).toString("ascii"));
    const { now: nowText } = await clockAdvance(srv, "1h");
    const now = Math.floor(Date.parse(nowText) / 1000);
    await root.send(new EnableMFADeviceCommand({
      UserName: "careful", SerialNumber: VirtualMFADevice.SerialNumber,
      AuthenticationCode1: totp(seed, now - 60), AuthenticationCode2: totp(seed, now - 30),
    }));
    const proven = issued(await sts(srv, keys).send(new GetSessionTokenCommand({
      SerialNumber: VirtualMFADevice.SerialNumber, TokenCode: totp(seed, now),
    })));
    assert.equal((await sm(srv, proven).send(new GetSecretValueCommand({ SecretId: ARN }))).SecretString, "mfa");
  }));
});

describe("across accounts and callers", () => {
  it("another account reads a shared secret only under a key it may use", t(async () => {
    const partner = "222222222222";
    const { KeyMetadata } = await kms(server).send(new CreateKeyCommand({
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
        { Effect: "Allow", Principal: { AWS: partner }, Action: "kms:Decrypt", Resource: "*" },
      ] }),
    }));
    const root = sm(server);
    const shared = (await root.send(new CreateSecretCommand({
      Name: uniq("shared"), SecretString: "cross", KmsKeyId: KeyMetadata.KeyId,
    }))).ARN;
    const managed = (await root.send(new CreateSecretCommand({ Name: uniq("managed"), SecretString: "aws-key" }))).ARN;
    for (const SecretId of [shared, managed]) {
      await root.send(new PutResourcePolicyCommand({
        SecretId,
        ResourcePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{
          Effect: "Allow", Principal: { AWS: `arn:aws:iam::${partner}:root` },
          Action: "secretsmanager:GetSecretValue", Resource: "*",
        }] }),
      }));
    }
    const other = sm(server, { key: partner, secret: "test" });
    assert.equal((await other.send(new GetSecretValueCommand({ SecretId: shared }))).SecretString, "cross");
    await rejectsWith(other.send(new GetSecretValueCommand({ SecretId: managed })), "AccessDeniedException", "Access to KMS is not allowed");
  }));

  it("GetCallerIdentity names root, a user key, a role session and session-token credentials", t(async () => {
    const name = uniq("someone");
    const keys = await userWithPolicy(server, name);
    const root = iam(server);
    const { User } = await root.send(new GetUserCommand({ UserName: name }));
    const roleName = uniq("worker");
    const { Role } = await root.send(new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{
        Effect: "Allow", Principal: { AWS: User.Arn }, Action: "sts:AssumeRole",
      }] }),
    }));
    const roleKeys = issued(await sts(server, keys).send(new AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: "job-7" })));
    const sessionKeys = issued(await sts(server, keys).send(new GetSessionTokenCommand({})));
    const cases = [
      [ROOT_KEYS, `arn:aws:iam::${ACCOUNT}:root`, ACCOUNT],
      [keys, User.Arn, User.UserId],
      [roleKeys, `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/job-7`, `${Role.RoleId}:job-7`],
      [sessionKeys, User.Arn, User.UserId],
    ];
    for (const [creds, Arn, UserId] of cases) {
      const who = await sts(server, creds).send(new GetCallerIdentityCommand({}));
      assert.deepEqual({ Account: who.Account, Arn: who.Arn, UserId: who.UserId }, { Account: ACCOUNT, Arn, UserId });
    }
  }));
});
