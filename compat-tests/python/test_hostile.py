"""Hostile input against the real binary.

Every case attacks the running server and checks that it answers a clear 4xx (an AWS-shaped
JSON error with `__type` whenever the request reached the AWS edge; a bodiless 4xx when the
HTTP layer refuses it before that), never a 5xx, never hangs, never dies (health is 200 after
every case) and never echoes secret material. Malformed traffic is written with raw sockets.

Cases: malformed JSON and deep nesting, every operation x every top-level member of its input
shape with a wrong JSON type (generated from the botocore models), strings over their limits,
request smuggling, pipelining, HTTP/1.0, header floods, a SignedHeaders list repeating one big
header, an over-cap Content-Length, session tokens (refused and never logged), repeated
Authorization headers, malformed credential regions under --auth off, the virtual clock pushed
past its limit, and cross-account reads.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
import socket
import time
import urllib.parse
import uuid
from dataclasses import dataclass

import botocore.exceptions
import botocore.loaders
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import lockbox_harness as h

# Secret material that must never come back in an error or reach the log.
SECRET_CANARY = "hostile-secret-" + uuid.uuid4().hex
TOKEN_CANARY = "hostile-session-token-" + uuid.uuid4().hex
# Every refused case must be answered well within this many seconds.
PROMPT = 3.0
KMS = ("kms", "TrentService.")
SM = ("secretsmanager", "secretsmanager.")


# ------------------------------------------------------------------ raw HTTP
@dataclass
class Response:
    version: str
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Exchange:
    responses: list
    closed: bool
    seconds: float
    raw: bytes


def _address(server: h.LockboxServer) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(server.url)
    return parts.hostname, parts.port


def exchange(server: h.LockboxServer, data: bytes, *, timeout: float = PROMPT + 2) -> Exchange:
    """Writes `data` at once and reads until the server closes the connection (or `timeout`)."""
    started = time.monotonic()
    with socket.create_connection(_address(server), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may refuse and close before all of a huge request is written
        raw, closed = b"", False
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    closed = True
                    break
                raw += chunk
        except socket.timeout:
            pass
        except ConnectionResetError:
            closed = True
    return Exchange(parse_responses(raw), closed, time.monotonic() - started, raw)


def parse_responses(raw: bytes) -> list:
    """The HTTP/1.x responses in `raw`, in order (every Lockbox response has a Content-Length)."""
    responses = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        responses.append(Response(version, int(status), headers, rest[:length]))
        raw = rest[length:]
    return responses


def request_bytes(
    server: h.LockboxServer,
    target: str | None,
    body: bytes,
    *,
    sign: bool = True,
    service: str = "secretsmanager",
    key: str = "test",
    region: str = h.REGION,
    token: str | None = None,
    signed_extra: dict | None = None,
    unsigned_extra: list | None = None,
    version: str = "HTTP/1.1",
    close: bool = True,
) -> bytes:
    """One POST / as bytes, SigV4-signed by botocore unless `sign` is false. `signed_extra`
    headers are added before signing, `unsigned_extra` (name, value) pairs after it."""
    netloc = urllib.parse.urlsplit(server.url).netloc
    headers = {"Content-Type": h.JSON_CT}
    if target is not None:
        headers["X-Amz-Target"] = target
    headers.update(signed_extra or {})
    request = AWSRequest(method="POST", url=server.url + "/", data=body, headers=headers)
    if sign:
        SigV4Auth(Credentials(key, "test", token), service, region).add_auth(request)
    lines = [f"POST / {version}", f"Host: {netloc}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    lines += [f"{name}: {value}" for name, value in unsigned_extra or []]
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


def one_response(ex: Exchange) -> Response:
    assert len(ex.responses) == 1, f"expected one response, got {ex.raw[:2000]!r}"
    return ex.responses[0]


def assert_aws_error(resp, code: str, *, status: int = 400, message: str | None = None) -> dict:
    """An AWS-shaped JSON error: status, content type, request id, `__type`, a message, no secret."""
    if isinstance(resp, h.RawResponse):
        resp = Response("HTTP/1.1", resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.body)
    assert resp.status == status, (resp.status, resp.body[:2000])
    assert resp.headers.get("content-type", "").split(";")[0] == h.JSON_CT, resp.headers
    assert resp.headers.get("x-amzn-requestid"), resp.headers
    doc = resp.json
    assert doc.get("__type") == code, doc
    if message is not None:
        assert doc.get("message", doc.get("Message")) == message, doc
    assert SECRET_CANARY.encode() not in resp.body and TOKEN_CANARY.encode() not in resp.body
    return doc


def assert_refused_at_http_layer(ex: Exchange) -> Response:
    """Refused before the AWS edge (by the HTTP parser) or at it: one 4xx, then the server
    closes the connection, promptly."""
    resp = one_response(ex)
    assert 400 <= resp.status < 500, ex.raw[:2000]
    assert ex.closed, f"the connection stayed open after {ex.raw[:500]!r}"
    assert ex.seconds < PROMPT, ex.seconds
    if resp.body:
        assert "__type" in resp.json, resp.body
    return resp


def assert_alive(server: h.LockboxServer) -> None:
    assert server.proc.poll() is None, f"lockbox died\n{server.log_tail()}"
    started = time.monotonic()
    status, _, body = server.admin("GET", "/_lockbox/health")
    assert status == 200, body
    assert time.monotonic() - started < PROMPT


def log_text(server: h.LockboxServer) -> str:
    return server.log_path.read_text("utf-8", "replace")


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def lockbox(server_factory) -> h.LockboxServer:
    """The module's server: verifies signatures, logs at debug (so more could leak)."""
    return server_factory("--log-level", "debug", label="hostile")


@pytest.fixture(scope="module")
def auth_off(server_factory) -> h.LockboxServer:
    return server_factory("--auth", "off", "--log-level", "debug", label="hostile-auth-off")


@pytest.fixture(autouse=True)
def still_serving(lockbox):
    """After every case the server is alive and healthy."""
    yield
    assert_alive(lockbox)


@pytest.fixture(scope="module")
def demo(lockbox) -> str:
    """A secret holding the canary; its ARN."""
    doc = h.raw_ok(lockbox, "CreateSecret", {
        "Name": "hostile-demo", "SecretString": SECRET_CANARY,
        "ClientRequestToken": str(uuid.uuid4()),
    })
    return doc["ARN"]


@pytest.fixture(scope="module")
def served(lockbox):
    """Which operations this build serves: the rest answer UnknownOperationException."""
    cache: dict = {}

    def is_served(service: str, operation: str) -> bool:
        if (service, operation) not in cache:
            prefix = KMS if service == "kms" else SM
            resp = h.raw_call(lockbox, operation, {}, service=prefix[0], target_prefix=prefix[1])
            cache[(service, operation)] = resp.json.get("__type") != "UnknownOperationException"
        return cache[(service, operation)]

    return is_served


# ------------------------------------------------------------------ malformed JSON
DEPTH = 100_000
MALFORMED_BODIES = {
    "not-json": b"{not json",
    "truncated": b'{"SecretId": "x"',
    "invalid-utf8": b'{"SecretId": "\xff\xfe"}',
    "utf16": '{"SecretId": "x"}'.encode("utf-16"),
    "byte-order-mark": b"\xef\xbb\xbf{}",
    "nan": b'{"SecretId": NaN}',
    "raw-control-character": b'{"SecretId": "a\x01b"}',
    "lone-surrogate": b'{"SecretId": "\\ud800"}',
    "trailing-content": b'{"SecretId": "x"} {}',
    "number-with-5000-digits": b'{"VersionId": 1' + b"0" * 5000 + b"}",
    "top-level-string": b'"hostile-demo"',
    "top-level-number": b"1",
    "top-level-null": b"null",
    "100k-nested-arrays": b"[" * DEPTH,
    "100k-nested-objects": b'{"a":' * DEPTH,
    "100k-nested-arrays-in-a-member": b'{"SecretId":' + b"[" * DEPTH + b"]" * DEPTH + b"}",
    "duplicate-member": b'{"SecretId": "a", "SecretId": "hostile-demo"}',
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_malformed_json_is_a_serialization_exception(lockbox, demo, body):
    started = time.monotonic()
    resp = h.raw_call(lockbox, "GetSecretValue", body)
    assert time.monotonic() - started < PROMPT
    assert_aws_error(resp, "SerializationException")


def test_deep_nesting_in_an_unknown_member_is_ignored_like_any_unknown_member(lockbox):
    body = b'{"Unknown":' + b"[" * DEPTH + b"]" * DEPTH + b', "SecretId": "hostile-missing"}'
    resp = h.raw_call(lockbox, "GetSecretValue", body)
    assert_aws_error(resp, "ResourceNotFoundException", message=h.MSG_NOT_FOUND)


@pytest.mark.parametrize("service,operation,body", [
    ("secretsmanager", "GetSecretValue", b'["hostile-demo", null, null]'),
    ("kms", "CreateKey", b'{"Tags": [["k", "v"]]}'),
], ids=["top-level-array", "nested-struct-as-array"])
def test_an_array_where_an_object_belongs_is_a_serialization_exception(lockbox, demo, service, operation, body):
    prefix = KMS if service == "kms" else SM
    resp = h.raw_call(lockbox, operation, body, service=prefix[0], target_prefix=prefix[1])
    assert_aws_error(resp, "SerializationException")


# ------------------------------------------------------------------ wrong JSON types
WRONG_TYPE_MARK = "hostile-wrong-type"
# For each model type, a JSON value of another type.
WRONG_VALUE = {
    "string": 12345,
    "blob": 12345,
    "integer": WRONG_TYPE_MARK,
    "long": WRONG_TYPE_MARK,
    "boolean": WRONG_TYPE_MARK,
    "timestamp": [WRONG_TYPE_MARK],
    "list": {"value": WRONG_TYPE_MARK},
    "map": [WRONG_TYPE_MARK],
    # A string; an array where a structure belongs is covered by the test above.
    "structure": WRONG_TYPE_MARK,
}


def _wrong_type_cases():
    loader = botocore.loaders.Loader()
    cases = []
    for service, version in (("secretsmanager", "2017-10-17"), ("kms", "2014-11-01")):
        model = loader.load_service_model(service, "service-2", version)
        shapes = model["shapes"]
        for operation, spec in sorted(model["operations"].items()):
            if "input" not in spec:
                continue
            members = shapes[spec["input"]["shape"]].get("members", {})
            for member, ref in members.items():
                kind = shapes[ref["shape"]]["type"]
                cases.append(pytest.param(service, operation, member, kind,
                                          id=f"{service}.{operation}.{member}:{kind}"))
    return cases


@pytest.mark.parametrize("service,operation,member,kind", _wrong_type_cases())
def test_a_member_of_the_wrong_json_type(lockbox, served, service, operation, member, kind):
    prefix = KMS if service == "kms" else SM
    resp = h.raw_call(lockbox, operation, {member: WRONG_VALUE[kind]},
                      service=prefix[0], target_prefix=prefix[1])
    if not served(service, operation):
        assert_aws_error(resp, "UnknownOperationException")
        return
    # The body is decoded into typed input before anything else: a wrong type is a
    # SerializationException that names the member and never echoes the value.
    doc = assert_aws_error(resp, "SerializationException")
    message = doc.get("message", "")
    assert re.search(rf"'{member}['\[.]", message), doc
    assert WRONG_TYPE_MARK not in message, doc


# ------------------------------------------------------------------ over limits
def _camel(member: str) -> str:
    return member[0].lower() + member[1:]


OVER_LIMITS = [
    # (id, service, operation, body, member whose limit is broken, limit, value is secret)
    ("secret-id-2049", SM, "GetSecretValue", {"SecretId": "s" * 2049}, "SecretId", 2048, False),
    ("secret-id-1mb", SM, "GetSecretValue", {"SecretId": "s" * 1_000_000}, "SecretId", 2048, False),
    ("name-513", SM, "CreateSecret", {"Name": "n" * 513}, "Name", 512, False),
    ("description-2049", SM, "CreateSecret", {"Name": "over", "Description": "d" * 2049}, "Description", 2048, False),
    ("client-request-token-65", SM, "CreateSecret", {"Name": "over", "ClientRequestToken": "t" * 65}, "ClientRequestToken", 64, False),
    ("secret-string-65537", SM, "CreateSecret",
     {"Name": "over", "ClientRequestToken": str(uuid.uuid4()), "SecretString": SECRET_CANARY + "v" * 65537},
     "SecretString", 65536, True),
    ("secret-binary-65537", SM, "CreateSecret",
     {"Name": "over", "ClientRequestToken": str(uuid.uuid4()),
      "SecretBinary": base64.b64encode(SECRET_CANARY.encode() + b"v" * 65537).decode()},
     "SecretBinary", 65536, True),
    ("password-length-4097", SM, "GetRandomPassword", {"PasswordLength": 4097}, "PasswordLength", 4096, False),
    ("max-results-101", SM, "ListSecrets", {"MaxResults": 101}, "MaxResults", 100, False),
    ("plaintext-4097", KMS, "Encrypt",
     {"KeyId": "alias/aws/secretsmanager", "Plaintext": base64.b64encode(SECRET_CANARY.encode() + b"p" * 4097).decode()},
     "Plaintext", 4096, True),
    ("ciphertext-6145", KMS, "Decrypt", {"CiphertextBlob": base64.b64encode(b"c" * 6145).decode()}, "CiphertextBlob", 6144, False),
    ("number-of-bytes-1025", KMS, "GenerateRandom", {"NumberOfBytes": 1025}, "NumberOfBytes", 1024, False),
    ("key-description-8193", KMS, "CreateKey", {"Description": "d" * 8193}, "Description", 8192, False),
    ("alias-name-257", KMS, "CreateAlias", {"AliasName": "alias/" + "a" * 251, "TargetKeyId": "x"}, "AliasName", 256, False),
]


@pytest.mark.parametrize("prefix,operation,body,member,limit,secret",
                         [pytest.param(*case[1:], id=case[0]) for case in OVER_LIMITS])
def test_strings_and_numbers_over_their_limits(lockbox, prefix, operation, body, member, limit, secret):
    started = time.monotonic()
    resp = h.raw_call(lockbox, operation, body, service=prefix[0], target_prefix=prefix[1])
    assert time.monotonic() - started < PROMPT
    doc = assert_aws_error(resp, "ValidationException")
    message = doc["message"]
    assert f"at '{_camel(member)}' failed to satisfy constraint" in message, message[:500]
    assert str(limit) in message, message[:500]
    if secret:
        assert f"Value at '{_camel(member)}'" in message, "a secret member's value is never echoed"


# ------------------------------------------------------------------ HTTP framing
def _smuggled(first_headers: bytes, body: bytes) -> bytes:
    return b"POST / HTTP/1.1\r\nHost: lockbox\r\nX-Amz-Target: secretsmanager.ListSecrets\r\n" + first_headers + b"\r\n" + body


SMUGGLED_REQUEST = b"GET /_lockbox/health HTTP/1.1\r\nHost: lockbox\r\n\r\n"
CHUNKED_THEN_SMUGGLED = b"0\r\n\r\n" + SMUGGLED_REQUEST
FRAMING_CASES = {
    # Both framings: Transfer-Encoding wins, and the connection is closed after the answer,
    # so the bytes after the empty chunk are never read as a second request.
    "content-length-then-chunked": _smuggled(
        b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n" % len(CHUNKED_THEN_SMUGGLED), CHUNKED_THEN_SMUGGLED),
    "chunked-then-short-content-length": _smuggled(
        b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", CHUNKED_THEN_SMUGGLED),
    "two-different-content-lengths": _smuggled(b"Content-Length: 2\r\nContent-Length: 40\r\n", b"{}" + SMUGGLED_REQUEST),
    "content-length-not-a-number": _smuggled(b"Content-Length: 2x\r\n", b"{}"),
    "negative-content-length": _smuggled(b"Content-Length: -1\r\n", b"{}"),
    "content-length-over-u64": _smuggled(b"Content-Length: 99999999999999999999999\r\n", b"{}"),
    "chunk-size-not-hex": _smuggled(b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n"),
    "chunk-size-overflowing": _smuggled(b"Transfer-Encoding: chunked\r\n", b"ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n"),
    "chunk-size-negative": _smuggled(b"Transfer-Encoding: chunked\r\n", b"-2\r\n{}\r\n0\r\n\r\n"),
    "chunk-extension-of-100kb": _smuggled(b"Transfer-Encoding: chunked\r\n", b"2;" + b"e" * 100_000 + b"\r\n{}\r\n0\r\n\r\n"),
    "unknown-transfer-coding": _smuggled(b"Transfer-Encoding: xchunked\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
    "chunked-not-last": _smuggled(b"Transfer-Encoding: chunked, identity\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
    "space-before-colon": _smuggled(b"Content-Length : 2\r\n", b"{}"),
    "obsolete-line-folding": _smuggled(b"X-Amz-Date: 20250101T000000Z\r\n continued\r\nContent-Length: 2\r\n", b"{}"),
    "transfer-encoding-in-http-1.0": b"POST / HTTP/1.0\r\nHost: lockbox\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "garbage-request-line": b"\x00\x01\x02 not http\r\n\r\n",
    "1000-headers": _smuggled(b"".join(b"X-Flood-%d: v\r\n" % i for i in range(1000)) + b"Content-Length: 2\r\n", b"{}"),
    "one-header-of-1mb": _smuggled(b"X-Huge: " + b"h" * 1_000_000 + b"\r\nContent-Length: 2\r\n", b"{}"),
}


@pytest.mark.parametrize("data", FRAMING_CASES.values(), ids=FRAMING_CASES.keys())
def test_malformed_framing_is_refused_and_the_connection_closed(lockbox, data):
    ex = exchange(lockbox, data)
    resp = assert_refused_at_http_layer(ex)
    assert b'"status":"running"' not in resp.body, "a smuggled request was answered"


def test_pipelined_requests_are_answered_in_order(lockbox):
    name = h.uniq("hostile-pipe")
    create = request_bytes(lockbox, "secretsmanager.CreateSecret", json.dumps(
        {"Name": name, "SecretString": "pipelined", "ClientRequestToken": str(uuid.uuid4())}).encode(), close=False)
    read = request_bytes(lockbox, "secretsmanager.GetSecretValue", json.dumps({"SecretId": name}).encode(), close=False)
    missing = request_bytes(lockbox, "secretsmanager.DescribeSecret", json.dumps({"SecretId": name + "-no"}).encode())
    ex = exchange(lockbox, create + read + missing)
    assert [r.status for r in ex.responses] == [200, 200, 400], ex.raw[:3000]
    assert ex.responses[0].json["Name"] == name
    assert ex.responses[1].json["SecretString"] == "pipelined"
    assert_aws_error(ex.responses[2], "ResourceNotFoundException", message=h.MSG_NOT_FOUND)
    ids = [r.headers["x-amzn-requestid"] for r in ex.responses]
    assert len(set(ids)) == 3, ids
    assert ex.closed and ex.seconds < PROMPT


def test_http_1_0_is_served_and_closed(lockbox):
    ex = exchange(lockbox, request_bytes(lockbox, "secretsmanager.ListSecrets", b"{}", version="HTTP/1.0", close=False))
    resp = one_response(ex)
    assert resp.status == 200, resp.body
    assert "SecretList" in resp.json
    assert ex.closed and ex.seconds < PROMPT


def test_an_over_cap_content_length_is_refused_before_the_body_is_sent(lockbox):
    head = request_bytes(lockbox, "secretsmanager.ListSecrets", b"", close=False)
    head = head.replace(b"Content-Length: 0\r\n", b"Content-Length: 1073741824\r\n")
    ex = exchange(lockbox, head)  # the body never follows
    assert_aws_error(one_response(ex), "RequestEntityTooLargeException", status=413)
    assert ex.seconds < PROMPT


def test_a_stalled_client_does_not_hold_up_others(lockbox):
    with socket.create_connection(_address(lockbox), timeout=PROMPT) as stalled:
        stalled.sendall(_smuggled(b"Content-Length: 100\r\n", b"{}"))  # 98 bytes never come
        for _ in range(3):
            started = time.monotonic()
            resp = h.raw_call(lockbox, "ListSecrets", {})
            assert resp.status == 200 and time.monotonic() - started < PROMPT


def test_a_signed_headers_list_repeating_a_big_header_is_refused_quickly_and_logged_briefly(lockbox):
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    signed = "content-type;host;x-amz-date;x-amz-target" + ";x-big" * 2500
    authorization = (
        f"AWS4-HMAC-SHA256 Credential=test/{now[:8]}/us-east-1/secretsmanager/aws4_request, "
        f"SignedHeaders={signed}, Signature={'0' * 64}"
    )
    ex = exchange(lockbox, request_bytes(lockbox, "secretsmanager.ListSecrets", b"{}", sign=False, unsigned_extra=[
        ("X-Amz-Date", now), ("X-Big", "b" * 40_000), ("Authorization", authorization)]))
    assert ex.seconds < PROMPT
    resp = one_response(ex)
    doc = assert_aws_error(resp, "IncompleteSignatureException")
    assert "lists 2504 headers; at most 64 are allowed" in doc["message"], doc
    request_id = resp.headers["x-amzn-requestid"]
    lines = [line for line in log_text(lockbox).splitlines() if request_id in line]
    assert lines, "the refusal is logged"
    assert all(len(line) < 4096 for line in lines), max(len(line) for line in lines)
    assert "b" * 1000 not in "\n".join(lines)


# ------------------------------------------------------------------ credentials on the wire
def test_a_session_token_is_refused_and_never_logged(lockbox):
    session = h.boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test",
        aws_session_token=TOKEN_CANARY, region_name=h.REGION)
    client = session.client("secretsmanager", endpoint_url=lockbox.url,
                            config=h.Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.list_secrets()
    h.assert_client_error(excinfo, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)
    in_query = exchange(lockbox, request_bytes(lockbox, "secretsmanager.ListSecrets", b"{}").replace(
        b"POST / HTTP/1.1", b"POST /?X-Amz-Security-Token=" + TOKEN_CANARY.encode() + b" HTTP/1.1", 1))
    # The query is part of what was signed, so this request's signature no longer matches:
    # the token, read from the query, is still judged first.
    assert_aws_error(one_response(in_query), "UnrecognizedClientException", message=h.MSG_UNRECOGNIZED)
    assert TOKEN_CANARY not in log_text(lockbox)


def test_auth_off_still_accepts_a_session_token_and_never_logs_it(auth_off):
    ex = exchange(auth_off, request_bytes(auth_off, "secretsmanager.ListSecrets", b"{}", token=TOKEN_CANARY))
    assert one_response(ex).status == 200, ex.raw[:1000]
    assert TOKEN_CANARY not in log_text(auth_off)
    assert_alive(auth_off)


@pytest.mark.parametrize("mode", ["verify", "off"])
def test_two_authorization_headers_are_an_incomplete_signature(lockbox, auth_off, mode):
    server = lockbox if mode == "verify" else auth_off
    second = ("AWS4-HMAC-SHA256 Credential=111111111111/20250101/eu-west-1/secretsmanager/aws4_request, "
              "SignedHeaders=host, Signature=00")
    ex = exchange(server, request_bytes(server, "secretsmanager.ListSecrets", b"{}",
                                        unsigned_extra=[("Authorization", second)]))
    doc = assert_aws_error(one_response(ex), "IncompleteSignatureException")
    assert doc["message"].startswith("'AWS4-HMAC-SHA256' not a valid key=value pair (missing equal-sign) "
                                     "in Authorization header: 'AWS4-HMAC-SHA256 Credential=test/"), doc
    assert doc["message"].endswith(f",{second}'."), doc
    assert_alive(server)


@pytest.mark.parametrize("region,code,message", [
    ("Not_A_Region", "InvalidSignatureException",
     "Credential should be scoped to a valid region, not 'Not_A_Region'. "),
    ("not a region!", "IncompleteSignatureException", None),
])
def test_a_malformed_region_is_refused_alike_with_and_without_verification(lockbox, auth_off, region, code, message):
    answers = []
    for server in (lockbox, auth_off):
        ex = exchange(server, request_bytes(server, "secretsmanager.ListSecrets", b"{}", region=region))
        doc = assert_aws_error(one_response(ex), code, message=message)
        answers.append(re.sub(r"Signature=[0-9a-f]+", "Signature=...", doc["message"]))
        assert_alive(server)
    # The same text (the echoed header differs only in its signature: the hosts differ).
    assert answers[0] == answers[1]


# ------------------------------------------------------------------ virtual clock
@pytest.fixture(scope="module")
def clocked(server_factory) -> h.LockboxServer:
    """A server of its own: these cases move its clock close to the limit."""
    return server_factory(label="hostile-clock")


@pytest.mark.parametrize("move", [
    {"advance": "3000000d"},
    {"advance": "99999999999999999999999d"},
    {"set": "9000-01-01T00:00:00Z"},
    {"set": "+10000-01-01T00:00:00Z"},
    {"advance": "-1d"},
    {"advance": 5},
    {"advance": "1d", "set": "2030-01-01T00:00:00Z"},
], ids=["advance-past-9000", "advance-overflowing", "set-to-9000", "set-past-9999", "advance-negative",
        "advance-not-a-string", "advance-and-set"])
def test_the_clock_refuses_moves_beyond_its_limit(clocked, move):
    before = h.clock_now(clocked)["offset_seconds"]
    status, _, body = clocked.admin("POST", "/_lockbox/clock", json.dumps(move).encode())
    assert status == 400, body
    assert json.loads(body)["error"], body
    assert h.clock_now(clocked)["offset_seconds"] == before
    assert_alive(clocked)


def test_near_the_clock_limit_dated_operations_still_answer_without_a_5xx(clocked):
    status, _, body = clocked.admin("POST", "/_lockbox/clock", json.dumps({"set": "8999-12-01T00:00:00Z"}).encode())
    assert status == 200, body
    name = h.uniq("hostile-late")
    for operation, body in [
        ("CreateSecret", {"Name": name, "SecretString": "v", "ClientRequestToken": str(uuid.uuid4())}),
        ("DeleteSecret", {"SecretId": name, "RecoveryWindowInDays": 30}),
        ("RestoreSecret", {"SecretId": name}),
        ("DescribeSecret", {"SecretId": name}),
    ]:
        resp = h.raw_call(clocked, operation, body)
        assert resp.status == 200, (operation, resp.body)
    key = json.loads(h.raw_kms_call(clocked, "CreateKey", {}).body)["KeyMetadata"]["KeyId"]
    resp = h.raw_kms_call(clocked, "ScheduleKeyDeletion", {"KeyId": key, "PendingWindowInDays": 30})
    assert resp.status == 200, resp.body
    status, _, body = clocked.admin("POST", "/_lockbox/clock", json.dumps({"advance": "40d"}).encode())
    assert status == 400, body
    status, _, body = clocked.admin("POST", "/_lockbox/clock", json.dumps({"advance": "30d"}).encode())
    assert status == 200, body  # the key's deletion and the secret's window come due
    assert_alive(clocked)


# ------------------------------------------------------------------ cross-account
ALICE, BOB = "111111111111", "222222222222"


@pytest.fixture(scope="module")
def alices(lockbox) -> dict:
    """Alice's secret (holding the canary), KMS key and a ciphertext under it."""
    secret = json.loads(h.raw_call(lockbox, "CreateSecret", {
        "Name": "alice-only", "SecretString": SECRET_CANARY, "ClientRequestToken": str(uuid.uuid4()),
    }, key=ALICE).body)["ARN"]
    key = json.loads(h.raw_kms_call(lockbox, "CreateKey", {}, key=ALICE).body)["KeyMetadata"]["Arn"]
    blob = json.loads(h.raw_kms_call(lockbox, "Encrypt", {
        "KeyId": key, "Plaintext": base64.b64encode(SECRET_CANARY.encode()).decode()}, key=ALICE).body)["CiphertextBlob"]
    return {"secret": secret, "key": key, "blob": blob}


SECRET_READS = ["GetSecretValue", "DescribeSecret", "ListSecretVersionIds", "GetResourcePolicy"]
SECRET_WRITES = {
    "PutSecretValue": {"SecretString": "bob", "ClientRequestToken": "11111111-2222-4333-8444-555555555555"},
    "UpdateSecret": {"Description": "bob was here"},
    "TagResource": {"Tags": [{"Key": "owner", "Value": "bob"}]},
    "PutResourcePolicy": {"ResourcePolicy": '{"Version":"2012-10-17","Statement":[]}'},
}


@pytest.mark.parametrize("operation", SECRET_READS + list(SECRET_WRITES))
def test_another_account_cannot_reach_a_secret_by_its_arn(lockbox, alices, operation):
    body = {"SecretId": alices["secret"], **SECRET_WRITES.get(operation, {})}
    # As on AWS: the ARN names Alice's secret, and no resource policy lets Bob's account in.
    denied = (f"User: arn:aws:iam::{BOB}:root is not authorized to perform: secretsmanager:{operation} "
              f"on resource: {alices['secret']} because no resource-based policy allows the "
              f"secretsmanager:{operation} action")
    answer = h.raw_call(lockbox, operation, body, key=BOB)
    assert_aws_error(answer, "AccessDeniedException", message=denied)
    assert SECRET_CANARY not in answer.body.decode(errors="replace")
    same_account_other_region = h.raw_call(lockbox, operation, body, key=ALICE, region="eu-west-1")
    assert_aws_error(same_account_other_region, "ResourceNotFoundException", message=h.MSG_NOT_FOUND)


def test_another_account_cannot_batch_read_or_delete_a_secret(lockbox, alices):
    batch = json.loads(
        h.raw_call(lockbox, "BatchGetSecretValue", {"SecretIdList": [alices["secret"]]}, key=BOB).body)
    assert batch["SecretValues"] == [] and batch["Errors"][0]["ErrorCode"] == "AccessDeniedException", batch
    assert SECRET_CANARY not in json.dumps(batch)
    assert "alice-only" not in json.dumps(h.raw_call(lockbox, "ListSecrets", {}, key=BOB).json)
    # A forced delete of an unknown secret succeeds on AWS; it must not touch Alice's secret.
    h.raw_call(lockbox, "DeleteSecret", {"SecretId": alices["secret"], "ForceDeleteWithoutRecovery": True}, key=BOB)
    read = h.raw_call(lockbox, "GetSecretValue", {"SecretId": alices["secret"]}, key=ALICE)
    assert read.status == 200 and read.json["SecretString"] == SECRET_CANARY


KMS_CROSS_ACCOUNT = [
    pytest.param("Decrypt", lambda a: {"CiphertextBlob": a["blob"]}, "AccessDeniedException", id="Decrypt"),
    pytest.param("ReEncrypt", lambda a: {"CiphertextBlob": a["blob"], "DestinationKeyId": "alias/aws/secretsmanager"},
                 "AccessDeniedException", id="ReEncrypt"),
    # Operations AWS allows across accounts reach the key by its ARN; its key policy refuses.
    pytest.param("Encrypt", lambda a: {"KeyId": a["key"], "Plaintext": "eA=="}, "AccessDeniedException",
                 id="Encrypt"),
    pytest.param("GenerateDataKey", lambda a: {"KeyId": a["key"], "NumberOfBytes": 32}, "AccessDeniedException",
                 id="GenerateDataKey"),
    pytest.param("DescribeKey", lambda a: {"KeyId": a["key"]}, "AccessDeniedException", id="DescribeKey"),
    pytest.param("GetKeyPolicy", lambda a: {"KeyId": a["key"]}, "NotFoundException", id="GetKeyPolicy"),
    pytest.param("ScheduleKeyDeletion", lambda a: {"KeyId": a["key"]}, "NotFoundException", id="ScheduleKeyDeletion"),
    pytest.param("DisableKey", lambda a: {"KeyId": a["key"]}, "NotFoundException", id="DisableKey"),
]


@pytest.mark.parametrize("operation,body,code", KMS_CROSS_ACCOUNT)
def test_another_account_cannot_use_a_kms_key(lockbox, alices, operation, body, code):
    resp = h.raw_kms_call(lockbox, operation, body(alices), key=BOB)
    assert_aws_error(resp, code)
    assert base64.b64encode(SECRET_CANARY.encode()) not in resp.body
    described = h.raw_kms_call(lockbox, "DescribeKey", {"KeyId": alices["key"]}, key=ALICE)
    assert described.json["KeyMetadata"]["KeyState"] == "Enabled"


# ------------------------------------------------------------------ the log, at the end
def test_no_secret_material_ever_reached_the_log(lockbox, auth_off):
    for server in (lockbox, auth_off):
        text = log_text(server)
        for needle in (SECRET_CANARY, TOKEN_CANARY, base64.b64encode(SECRET_CANARY.encode()).decode()):
            assert needle not in text, f"{needle} in the log of {server.label}"
