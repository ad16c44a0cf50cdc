"""Raw awsJson1_1 requests (botocore SigV4Auth + urllib): protocol details that
SDKs hide or cannot produce."""
from __future__ import annotations

import base64
import uuid

import pytest

import lockbox_harness as h
from lockbox_harness import raw_call, uniq


def content_type(resp: h.RawResponse) -> str:
    return (resp.header("Content-Type") or "").split(";")[0].strip()


def assert_error(resp: h.RawResponse, code: str, message: str | None = None, status: int = 400):
    assert resp.status == status, (resp.status, resp.body)
    assert resp.header("x-amzn-RequestId"), resp.headers
    assert content_type(resp) == h.JSON_CT, resp.headers
    body = resp.json
    h.assert_no_nulls(body)
    assert body.get("__type") == code, body
    msg = body.get("message", body.get("Message"))
    assert isinstance(msg, str), body
    if message is not None:
        assert msg == message, body
    return body


def assert_ok(resp: h.RawResponse) -> dict:
    assert resp.status == 200, (resp.status, resp.body)
    assert resp.header("x-amzn-RequestId"), resp.headers
    assert content_type(resp) == h.JSON_CT, resp.headers
    body = resp.json
    h.assert_no_nulls(body)
    return body


def test_missing_authorization_header(lockbox):
    resp = raw_call(lockbox, "GetSecretValue", {"SecretId": "whatever"}, sign=False)
    assert_error(resp, "MissingAuthenticationTokenException", h.MSG_MISSING_TOKEN)


def test_unknown_operation(lockbox):
    resp = raw_call(lockbox, "NoSuchOperation", {})
    assert resp.status == 400, (resp.status, resp.body)
    assert resp.header("x-amzn-RequestId")
    assert resp.json.get("__type") == "UnknownOperationException", resp.body


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b"\xff\xfe", b'{"SecretId": "x"'])
def test_malformed_json(lockbox, body):
    resp = raw_call(lockbox, "GetSecretValue", body)
    assert resp.status == 400, (resp.status, resp.body)
    assert resp.header("x-amzn-RequestId")
    assert resp.json.get("__type") == "SerializationException", resp.body


@pytest.mark.parametrize(
    "target,body",
    [
        ("GetSecretValue", {"SecretId": 123}),
        ("DescribeSecret", {"SecretId": ["a"]}),
        ("CreateSecret", {"Name": {"a": 1}, "ClientRequestToken": str(uuid.uuid4()), "SecretString": "v"}),
        ("CreateSecret", {"Name": "wrong-type-tags", "Tags": "notalist"}),
        ("CreateSecret", {"Name": "wrong-type-str", "ClientRequestToken": str(uuid.uuid4()), "SecretString": 5}),
    ],
    ids=["secretid-number", "secretid-list", "name-object", "tags-string", "secretstring-number"],
)
def test_wrong_json_type(lockbox, target, body):
    resp = raw_call(lockbox, target, body)
    assert resp.status == 400, (resp.status, resp.body)
    assert resp.json.get("__type") == "SerializationException", resp.body


@pytest.mark.parametrize("value_key,value", [("SecretString", "v"), ("SecretBinary", base64.b64encode(b"\x00\xff").decode())])
def test_value_without_client_request_token(lockbox, value_key, value):
    name = uniq("raw-notoken")
    resp = raw_call(lockbox, "CreateSecret", {"Name": name, value_key: value})
    assert_error(resp, "InvalidRequestException", h.MSG_NEED_TOKEN)
    assert_error(raw_call(lockbox, "DescribeSecret", {"SecretId": name}), "ResourceNotFoundException", h.MSG_NOT_FOUND)


def test_create_without_token_and_without_value(lockbox):
    name = uniq("raw-bare")
    body = assert_ok(raw_call(lockbox, "CreateSecret", {"Name": name}))
    assert set(body) == {"ARN", "Name"}, body
    assert h.arn_re(name).match(body["ARN"])
    again = raw_call(lockbox, "CreateSecret", {"Name": name})
    assert_error(again, "ResourceExistsException", h.msg_exists(name))


@pytest.mark.parametrize(
    "target,member",
    [("CreateSecret", "name"), ("GetSecretValue", "secretId"), ("DescribeSecret", "secretId")],
)
def test_empty_object_body(lockbox, target, member):
    resp = raw_call(lockbox, target, b"{}")
    assert_error(
        resp, "ValidationException",
        f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null",
    )


def test_success_headers_and_body_shapes(lockbox):
    name = uniq("raw-shape")
    token = str(uuid.uuid4())
    created = assert_ok(raw_call(lockbox, "CreateSecret", {"Name": name, "ClientRequestToken": token, "SecretString": "x"}))
    assert set(created) == {"ARN", "Name", "VersionId"} and created["VersionId"] == token
    got = assert_ok(raw_call(lockbox, "GetSecretValue", {"SecretId": name}))
    assert set(got) == {"ARN", "Name", "VersionId", "SecretString", "VersionStages", "CreatedDate"}, got
    desc = assert_ok(raw_call(lockbox, "DescribeSecret", {"SecretId": name}))
    assert set(desc) == {"ARN", "Name", "CreatedDate", "LastChangedDate", "LastAccessedDate", "VersionIdsToStages"}, desc
    for ts in (got["CreatedDate"], desc["CreatedDate"], desc["LastChangedDate"], desc["LastAccessedDate"]):
        assert isinstance(ts, (int, float)) and not isinstance(ts, bool), ts
    assert desc["LastAccessedDate"] % 86400 == 0


def test_request_ids_are_unique(lockbox):
    ids = set()
    for _ in range(3):
        ids.add(raw_call(lockbox, "DescribeSecret", {"SecretId": uniq("raw-rid")}).header("x-amzn-RequestId"))
        ids.add(raw_call(lockbox, "NoSuchOperation", {}).header("x-amzn-RequestId"))
    assert None not in ids and len(ids) == 6, ids


def test_error_headers_on_not_found(lockbox):
    assert_error(raw_call(lockbox, "GetSecretValue", {"SecretId": uniq("raw-nf")}), "ResourceNotFoundException", h.MSG_NOT_FOUND)


def test_secret_binary_is_base64_exactly_once(lockbox, sm):
    # written raw, read raw and through boto3
    name = uniq("raw-bin")
    encoded = base64.b64encode(h.BINARY_VALUE).decode()
    assert_ok(raw_call(lockbox, "CreateSecret", {"Name": name, "ClientRequestToken": str(uuid.uuid4()), "SecretBinary": encoded}))
    got = assert_ok(raw_call(lockbox, "GetSecretValue", {"SecretId": name}))
    assert got["SecretBinary"] == encoded
    assert "SecretString" not in got
    assert sm.get_secret_value(SecretId=name)["SecretBinary"] == h.BINARY_VALUE
    # written through boto3, read raw
    name2 = uniq("raw-bin2")
    sm.create_secret(Name=name2, SecretBinary=h.BINARY_VALUE)
    assert assert_ok(raw_call(lockbox, "GetSecretValue", {"SecretId": name2}))["SecretBinary"] == encoded


def test_unknown_access_key_raw(lockbox):
    resp = raw_call(lockbox, "DescribeSecret", {"SecretId": "x"}, key="AKIANOTKNOWN00000000")
    assert_error(resp, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)


def test_wrong_secret_raw(lockbox):
    resp = raw_call(lockbox, "DescribeSecret", {"SecretId": "x"}, secret="wrong")
    assert_error(resp, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)
