"""Secrets never reach the server log, even at trace level, and JSON logs are JSON.

Drives the operations that carry secret material (values, binary values, a wrong secret key,
an oversized value that fails validation) through boto3 against a server logging at `trace`
in JSON, then reads its whole stderr.
"""
from __future__ import annotations

import json

import botocore.exceptions
import pytest

import lockbox_harness as h

SECRET_TEXT = "Zebra-Quartz-5512-never-log-me"
SECRET_BYTES = b"binary-never-log-me-\x00\xff"
WRONG_SECRET_KEY = "WrongKey-never-log-me"


def test_secret_material_never_reaches_the_log(server_factory):
    srv = server_factory("--log-level", "trace", "--log-format", "json", label="trace-json")
    sm = h.boto_client(srv)
    sm.create_secret(Name="logged", SecretString=SECRET_TEXT)
    sm.create_secret(Name="logged-bin", SecretBinary=SECRET_BYTES)
    assert sm.get_secret_value(SecretId="logged")["SecretString"] == SECRET_TEXT
    assert sm.get_secret_value(SecretId="logged-bin")["SecretBinary"] == SECRET_BYTES
    with pytest.raises(botocore.exceptions.ClientError):
        h.boto_client(srv, secret=WRONG_SECRET_KEY).get_secret_value(SecretId="logged")
    with pytest.raises(botocore.exceptions.ClientError):
        h.boto_client(srv, parameter_validation=False).create_secret(
            Name="too-long", SecretString=SECRET_TEXT * 5000
        )
    typed = h.raw_call(srv, "CreateSecret", {"Name": "typed", "SecretString": {"v": SECRET_TEXT}})
    assert typed.status == 400

    assert srv.stop() == 0
    log = srv.log_path.read_bytes()
    for needle in (SECRET_TEXT.encode(), SECRET_BYTES, h.b64(SECRET_BYTES).encode(), WRONG_SECRET_KEY.encode()):
        assert needle not in log, f"{needle!r} found in the server log"
    lines = [line for line in log.decode().splitlines() if line.strip()]
    assert lines, "trace logging produced no output"
    for line in lines:
        json.loads(line)
    assert any("bad signature" in line for line in lines), "the refusal reason is logged"
