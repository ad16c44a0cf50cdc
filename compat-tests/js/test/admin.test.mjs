// The admin endpoints from Node: signed with SigV4 for the service name `lockbox` by the default
// account's root key they answer; unsigned, wrongly signed or sent as a web page would, they
// are refused; health stays open.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLockbox, admin, withServerLog } from "../lib/lockbox.mjs";

let server;
const t = withServerLog(() => [server]);

before(async () => {
  server = await startLockbox();
});
after(async () => {
  await server?.stop();
});

describe("admin endpoints", () => {
  it("answer a request signed by the default account's root key", t(async () => {
    const r = await admin(server, "POST", "/_lockbox/clock", { advance: "1s" });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.offset_seconds >= 1);
  }));

  it("refuse an unsigned request with 401 and a wrong key with 403", t(async () => {
    const unsigned = await fetch(`${server.url}/_lockbox/events`);
    assert.equal(unsigned.status, 401);
    assert.match((await unsigned.json()).error, /needs a credential/);
    const wrong = await admin(server, "GET", "/_lockbox/events", undefined, { secret: "wrong" });
    assert.equal(wrong.status, 403, wrong.text);
    const otherAccount = await admin(server, "GET", "/_lockbox/events", undefined, { key: "111111111111" });
    assert.equal(otherAccount.status, 403, otherAccount.text);
  }));

  it("refuse what a web page would send", t(async () => {
    const cross = await fetch(`${server.url}/_lockbox/reset`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    assert.equal(cross.status, 415);
    assert.match((await cross.json()).error, /not accepted from web pages/);
  }));

  it("leave health open", t(async () => {
    const health = await fetch(`${server.url}/_lockbox/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, "running");
  }));
});
