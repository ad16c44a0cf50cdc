"""Admin endpoints (signed with SigV4 for the service `lockbox`, or the admin token; health and
loopback moto resets open), the browser-context refusals, and process lifecycle."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import uniq


def test_ready_line_format(lockbox):
    assert re.search(r"lockbox ready: http://127\.0\.0\.1:\d+ \(auth: verify, store: memory\)$", lockbox.ready_line), lockbox.ready_line


def test_health(lockbox):
    status, headers, body = lockbox.admin("GET", "/_lockbox/health")
    assert status == 200, body
    doc = json.loads(body)
    assert doc["status"] == "running"
    assert re.fullmatch(r"\d+\.\d+\.\d+", doc["version"]), doc
    assert doc["services"]["secretsmanager"] == "available"


def _secret_in(sm, name):
    try:
        sm.describe_secret(SecretId=name)
        return True
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
        assert e.response["Error"]["Message"] == h.MSG_NOT_FOUND, e.response
        return False


@pytest.mark.parametrize("path", ["/_lockbox/reset", "/moto-api/reset"])
def test_reset_all(lockbox, sm, path):
    other = h.boto_client(lockbox, key="111111111111", region="eu-west-1")
    a, b = uniq("adm-a"), uniq("adm-b")
    sm.create_secret(Name=a, SecretString="v")
    other.create_secret(Name=b, SecretString="v")
    status, _, body = lockbox.admin("POST", path)
    assert status == 200, body
    assert json.loads(body) == {"reset": "all"}
    assert not _secret_in(sm, a)
    assert not _secret_in(other, b)
    # the server keeps working after a reset, and names are reusable
    sm.create_secret(Name=a, SecretString="again")
    assert sm.get_secret_value(SecretId=a)["SecretString"] == "again"


def test_reset_with_empty_json_body_resets_all(lockbox, sm):
    a = uniq("adm-empty")
    sm.create_secret(Name=a, SecretString="v")
    status, _, body = lockbox.admin("POST", "/_lockbox/reset", b"{}")
    assert status == 200, body
    assert json.loads(body) == {"reset": "all"}
    assert not _secret_in(sm, a)


def test_reset_one_account(lockbox, sm):
    other = h.boto_client(lockbox, key="111111111111")
    other_west = h.boto_client(lockbox, key="111111111111", region="eu-west-1")
    keep, gone, gone_west = uniq("adm-keep"), uniq("adm-gone"), uniq("adm-gone-w")
    sm.create_secret(Name=keep, SecretString="v")
    other.create_secret(Name=gone, SecretString="v")
    other_west.create_secret(Name=gone_west, SecretString="v")
    status, _, body = lockbox.admin("POST", "/_lockbox/reset", json.dumps({"account": "111111111111"}).encode())
    assert status == 200, body
    assert json.loads(body) == {"reset": "111111111111"}
    assert _secret_in(sm, keep)
    assert not _secret_in(other, gone)
    assert not _secret_in(other_west, gone_west)


def test_sigterm_is_graceful(server_factory):
    srv = h.LockboxServer(args=[], label="sigterm").start()
    try:
        status, _, _ = srv.admin("GET", "/_lockbox/health")
        assert status == 200
    finally:
        rc = srv.stop(timeout=10)
    assert rc == 0, f"exit code after SIGTERM: {rc}\n{srv.log_tail()}"


ADMIN_TOKEN = "compat-admin-token-0123456789"
GUARDED = [
    ("POST", "/_lockbox/reset", None),
    ("GET", "/_lockbox/events", None),
    ("GET", "/_lockbox/clock", None),
    ("GET", "/_lockbox/export", None),
    ("GET", "/_lockbox/export?plaintext=true", None),
    ("POST", "/_lockbox/import", b'{"version": 1, "partitions": []}'),
]


@pytest.fixture(scope="module")
def token_server(server_factory):
    return server_factory(label="admin-token", config_text=f'admin_token = "{ADMIN_TOKEN}"\n')


@pytest.mark.parametrize("method,path,body", GUARDED)
def test_guarded_endpoints_need_the_owners_credential(token_server, method, path, body):
    status, _, text = token_server.admin(method, path, body, key=None)
    assert status == 401, text
    assert "needs a credential" in json.loads(text)["error"]
    assert token_server.admin(method, path, body, secret="wrong")[0] == 403
    assert token_server.admin(method, path, body, key="111111111111")[0] == 403
    assert token_server.admin(method, path, body)[0] == 200
    status, _, text = token_server.admin(method, path, body, key=None, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert status == 200, text
    assert token_server.admin(method, path, body, key=None, headers={"Authorization": "Bearer wrong-token-wrong-token"})[0] == 403


def test_the_admin_token_never_reaches_the_log(token_server):
    token_server.admin("GET", "/_lockbox/clock", key=None, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    token_server.admin("GET", "/_lockbox/clock", key=None, headers={"Authorization": f"Bearer {ADMIN_TOKEN}x"})
    log = token_server.log_path.read_text("utf-8", "replace")
    assert "admin request refused" in log
    assert ADMIN_TOKEN not in log


@pytest.mark.parametrize(
    "header,value,status",
    [
        ("Origin", "http://evil.example", 403),
        ("Origin", "null", 403),
        ("Sec-Fetch-Site", "cross-site", 403),
        ("Content-Type", "text/plain", 415),
        ("Content-Type", "application/x-www-form-urlencoded", 415),
    ],
)
def test_browser_contexts_are_refused_even_when_signed(lockbox, header, value, status):
    got, _, text = lockbox.admin("POST", "/_lockbox/reset", b"{}", headers={header: value})
    assert got == status, text
    assert "not accepted from web pages" in json.loads(text)["error"]


def test_a_rebound_host_name_is_refused(lockbox):
    port = lockbox.url.rsplit(":", 1)[1]
    got, _, text = lockbox.admin("GET", "/_lockbox/clock", headers={"Host": f"attacker.example:{port}"})
    assert got == 403, text
    assert "is not a loopback name" in json.loads(text)["error"]
    assert lockbox.admin("GET", "/_lockbox/clock", headers={"Host": f"localhost:{port}"})[0] == 200


def test_moto_reset_needs_no_credential_from_loopback(lockbox, sm):
    name = uniq("adm-moto")
    sm.create_secret(Name=name, SecretString="v")
    status, _, body = lockbox.admin("POST", "/moto-api/reset", key=None)
    assert status == 200, body
    assert not _secret_in(sm, name)
    assert lockbox.admin("POST", "/_lockbox/reset", key=None)[0] == 401


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_aws_sigv4_is_enough_to_sign(lockbox):
    out = subprocess.run(
        ["curl", "-sS", "--aws-sigv4", "aws:amz:us-east-1:lockbox", "--user", "test:test",
         "-H", "Content-Type: application/json", "-d", '{"advance":"1s"}', f"{lockbox.url}/_lockbox/clock"],
        capture_output=True, text=True, timeout=20,
    )
    assert out.returncode == 0, out.stderr
    assert "offset_seconds" in json.loads(out.stdout)


def test_lockbox_export_signs_with_the_environments_keys(token_server, sm):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LOCKBOX_"))}
    run = lambda extra: subprocess.run(  # noqa: E731
        [str(h.lockbox_bin()), "export", "--endpoint", token_server.url], env={**env, **extra},
        capture_output=True, text=True, timeout=30,
    )
    assert run({}).returncode == 0
    assert run({"LOCKBOX_ADMIN_TOKEN": ADMIN_TOKEN}).returncode == 0
    refused = run({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "nope"})
    assert refused.returncode == 1
    assert "the server answered 403" in refused.stderr


def test_auth_off_keeps_plaintext_exports_behind_a_credential(server_factory):
    srv = server_factory("--auth", "off", label="admin-auth-off")
    assert srv.admin("GET", "/_lockbox/clock", key=None)[0] == 200
    assert srv.admin("GET", "/_lockbox/export", key=None)[0] == 200
    assert srv.admin("GET", "/_lockbox/export?plaintext=true", key=None)[0] == 401
    assert srv.admin("GET", "/_lockbox/export?plaintext=true")[0] == 200
