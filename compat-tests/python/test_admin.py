"""Admin endpoints (plain HTTP, no signature) and process lifecycle."""
from __future__ import annotations

import json
import re

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
