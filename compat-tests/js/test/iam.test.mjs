// AWS SDK for JavaScript v3 against lockbox: IAM over awsQuery. A new access key signs a Secrets
// Manager call at once and stops when Inactive or deleted; policy documents come back
// URL-encoded; versions are limited to five; a virtual MFA device is enabled with TOTP codes
// computed here.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  IAMClient,
  CreateUserCommand,
  CreateAccessKeyCommand,
  UpdateAccessKeyCommand,
  DeleteAccessKeyCommand,
  PutUserPolicyCommand,
  GetUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  GetRoleCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  ListMFADevicesCommand,
} from "@aws-sdk/client-iam";
import { ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { startLockbox, client, uniq, rejectsWith, withServerLog, MSG } from "../lib/lockbox.mjs";

const ALLOW = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:*", Resource: "*" }] };
const TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }],
};

let server;
const t = withServerLog(() => [server]);
const clients = [];

function iam(srv, { key = "test", secret = "test" } = {}) {
  // IAM is global; with a custom endpoint the SDK signs for the client's Region.
  const c = new IAMClient({
    endpoint: srv.url,
    region: "eu-west-1",
    credentials: { accessKeyId: key, secretAccessKey: secret },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}

/** RFC 6238: HMAC-SHA1 of the 30-second step, dynamic truncation, six digits. */
function totp(seed, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", seed).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, "0");
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

before(async () => {
  server = await startLockbox();
});
after(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

describe("IAM users and access keys", () => {
  it("a new key signs at once and stops when Inactive or deleted", t(async () => {
    const admin = iam(server);
    const name = uniq("js-user");
    const { User } = await admin.send(new CreateUserCommand({ UserName: name }));
    // Calls are authorized: the user may list secrets, and nothing else.
    await admin.send(new PutUserPolicyCommand({
      UserName: name,
      PolicyName: "list",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "secretsmanager:ListSecrets", Resource: "*" }],
      }),
    }));
    assert.match(User.UserId, /^AIDA/);
    const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: name }));
    assert.match(AccessKey.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
    const sm = client(server, { key: AccessKey.AccessKeyId, secret: AccessKey.SecretAccessKey });
    clients.push(sm);
    await sm.send(new ListSecretsCommand({}));

    await admin.send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: AccessKey.AccessKeyId, Status: "Inactive" }));
    await rejectsWith(sm.send(new ListSecretsCommand({})), "UnrecognizedClientException", MSG.unrecognized);
    await admin.send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: AccessKey.AccessKeyId, Status: "Active" }));
    await sm.send(new ListSecretsCommand({}));

    await admin.send(new CreateAccessKeyCommand({ UserName: name }));
    await rejectsWith(
      admin.send(new CreateAccessKeyCommand({ UserName: name })),
      "LimitExceededException", "Cannot exceed quota for AccessKeysPerUser: 2", { status: 409 },
    );
    await admin.send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: AccessKey.AccessKeyId }));
    await rejectsWith(sm.send(new ListSecretsCommand({})), "UnrecognizedClientException", MSG.unrecognized);
  }));
});

describe("IAM policies and roles", () => {
  it("returns documents URL-encoded and keeps five versions", t(async () => {
    const admin = iam(server);
    const name = uniq("js-pol");
    await admin.send(new CreateUserCommand({ UserName: name }));
    await admin.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "p", PolicyDocument: JSON.stringify(ALLOW) }));
    const got = await admin.send(new GetUserPolicyCommand({ UserName: name, PolicyName: "p" }));
    assert.deepEqual(JSON.parse(decodeURIComponent(got.PolicyDocument)), ALLOW);
    await rejectsWith(
      admin.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "bad", PolicyDocument: "{nope" })),
      "MalformedPolicyDocumentException", "Syntax errors in policy.",
    );
    const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(ALLOW) }));
    for (let i = 2; i <= 5; i++) {
      await admin.send(new CreatePolicyVersionCommand({ PolicyArn: Policy.Arn, PolicyDocument: JSON.stringify(ALLOW) }));
    }
    await rejectsWith(
      admin.send(new CreatePolicyVersionCommand({ PolicyArn: Policy.Arn, PolicyDocument: JSON.stringify(ALLOW) })),
      "LimitExceededException", undefined, { status: 409 },
    );

    const role = uniq("js-role");
    await admin.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    const { Role } = await admin.send(new GetRoleCommand({ RoleName: role }));
    assert.match(Role.RoleId, /^AROA/);
    assert.equal(Role.MaxSessionDuration, 3600);
    assert.deepEqual(JSON.parse(decodeURIComponent(Role.AssumeRolePolicyDocument)), TRUST);
  }));
});

describe("IAM virtual MFA", () => {
  it("enables a device with two consecutive codes", t(async () => {
    const admin = iam(server);
    const user = uniq("js-mfa");
    await admin.send(new CreateUserCommand({ UserName: user }));
    const { VirtualMFADevice } = await admin.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: user }));
    assert.deepEqual([...VirtualMFADevice.QRCodePNG.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const seed = base32Decode(Buffer.from(VirtualMFADevice.Base32StringSeed).toString("ascii"));
    const now = Date.now() / 1000;
    await rejectsWith(
      admin.send(new EnableMFADeviceCommand({
        UserName: user, SerialNumber: VirtualMFADevice.SerialNumber,
        AuthenticationCode1: totp(seed, now), AuthenticationCode2: totp(seed, now - 30),
      })),
      "InvalidAuthenticationCodeException", undefined, { status: 403 },
    );
    await admin.send(new EnableMFADeviceCommand({
      UserName: user, SerialNumber: VirtualMFADevice.SerialNumber,
      AuthenticationCode1: totp(seed, now - 30), AuthenticationCode2: totp(seed, now),
    }));
    const { MFADevices } = await admin.send(new ListMFADevicesCommand({ UserName: user }));
    assert.deepEqual(MFADevices.map((d) => d.SerialNumber), [VirtualMFADevice.SerialNumber]);
  }));
});
