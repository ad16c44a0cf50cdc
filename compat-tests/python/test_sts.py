"""STS over awsQuery with boto3 and the aws CLI v1: GetCallerIdentity for each kind of
credential, GetSessionToken credentials calling Secrets Manager until they expire on the
virtual clock, and the XML error envelope."""
from __future__ import annotations

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

import lockbox_harness as h

EXPIRED = "The security token included in the request is expired"
INVALID = "The security token included in the request is invalid."
NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"

ALICE_CONFIG = """
[[credentials]]
access_key_id = "AKIALOCKBOXSTSALICE1"
secret_access_key = "alice-secret"
account_id = "333333333333"
user_name = "alice"

[[credentials]]
access_key_id = "AKIALOCKBOXSTSROLE01"
secret_access_key = "role-secret"
account_id = "333333333333"
arn = "arn:aws:sts::333333333333:assumed-role/deployer/ci-run"
"""


def client(server, service, key="test", secret="test", token=None):
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
        region_name=h.REGION,
    )
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    return session.client(service, endpoint_url=server.url, config=cfg)


@pytest.fixture(scope="module")
def alice_server(server_factory):
    return server_factory(label="sts-alice", config_text=ALICE_CONFIG)


def test_caller_identity_of_root_keys(lockbox):
    who = client(lockbox, "sts").get_caller_identity()
    assert (who["Account"], who["Arn"], who["UserId"]) == (
        "000000000000", "arn:aws:iam::000000000000:root", "000000000000")
    other = client(lockbox, "sts", key="111111111111").get_caller_identity()
    assert other["Arn"] == "arn:aws:iam::111111111111:root"


def test_caller_identity_of_a_configured_user(alice_server):
    who = client(alice_server, "sts", key="AKIALOCKBOXSTSALICE1", secret="alice-secret").get_caller_identity()
    assert who["Arn"] == "arn:aws:iam::333333333333:user/alice"
    assert who["Account"] == "333333333333"
    assert who["UserId"].startswith("AIDA") and len(who["UserId"]) == 21


def test_caller_identity_of_a_role_session(alice_server):
    who = client(alice_server, "sts", key="AKIALOCKBOXSTSROLE01", secret="role-secret").get_caller_identity()
    assert who["Arn"] == "arn:aws:sts::333333333333:assumed-role/deployer/ci-run"
    assert who["UserId"].startswith("AROA") and who["UserId"].endswith(":ci-run")


def test_cli_caller_identity_of_a_user_and_a_role_session(cli, alice_server):
    user = cli.ok(alice_server, "sts", "get-caller-identity", key="AKIALOCKBOXSTSALICE1", secret="alice-secret")
    assert user["Arn"] == "arn:aws:iam::333333333333:user/alice"
    role = cli.ok(alice_server, "sts", "get-caller-identity", key="AKIALOCKBOXSTSROLE01", secret="role-secret")
    assert role["Arn"] == "arn:aws:sts::333333333333:assumed-role/deployer/ci-run"


def test_session_credentials_call_secrets_manager_until_they_expire(alice_server):
    issued = client(alice_server, "sts", key="AKIALOCKBOXSTSALICE1", secret="alice-secret") \
        .get_session_token(DurationSeconds=900)["Credentials"]
    assert issued["AccessKeyId"].startswith("ASIA") and len(issued["AccessKeyId"]) == 20
    assert len(issued["SecretAccessKey"]) == 40
    creds = dict(key=issued["AccessKeyId"], secret=issued["SecretAccessKey"], token=issued["SessionToken"])

    sts = client(alice_server, "sts", **creds)
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::333333333333:user/alice"
    sm = client(alice_server, "secretsmanager", **creds)
    name = h.uniq("sts-temp")
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]
    assert ":333333333333:secret:" in arn

    h.clock_advance(alice_server, "16m")
    with pytest.raises(ClientError) as excinfo:
        sm.describe_secret(SecretId=name)
    h.assert_client_error(excinfo, "ExpiredTokenException", EXPIRED, status=403)
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    h.assert_client_error(excinfo, "ExpiredToken", EXPIRED, status=403)


def test_an_unknown_key_is_an_invalid_client_token_id(lockbox):
    with pytest.raises(ClientError) as excinfo:
        client(lockbox, "sts", key="AKIAUNKNOWNKEY000000").get_caller_identity()
    resp = h.assert_client_error(excinfo, "InvalidClientTokenId", INVALID, status=403)
    assert resp["Error"]["Type"] == "Sender"


def test_a_wrong_token_is_an_invalid_client_token_id(lockbox):
    issued = client(lockbox, "sts").get_session_token()["Credentials"]
    with pytest.raises(ClientError) as excinfo:
        client(lockbox, "sts", key=issued["AccessKeyId"], secret=issued["SecretAccessKey"],
               token="LBXsnot-the-token").get_caller_identity()
    h.assert_client_error(excinfo, "InvalidClientTokenId", INVALID, status=403)


def signed_form(server, body: str):
    req = AWSRequest(method="POST", url=server.url + "/", data=body.encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials("test", "test"), "sts", h.REGION).add_auth(req)
    prepared = req.prepare()
    ureq = urllib.request.Request(prepared.url, data=body.encode(), method="POST")
    for k, v in prepared.headers.items():
        ureq.add_header(k, v)
    try:
        with urllib.request.urlopen(ureq, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def test_an_unknown_action_is_an_xml_invalid_action(lockbox):
    status, headers, body = signed_form(lockbox, "Action=NoSuchThing&Version=2011-06-15")
    assert status == 400, body
    assert headers["content-type"] == "text/xml"
    root = ET.fromstring(body)
    assert root.tag == f"{NS}ErrorResponse"
    assert root.findtext(f"{NS}Error/{NS}Type") == "Sender"
    assert root.findtext(f"{NS}Error/{NS}Code") == "InvalidAction"
    assert root.findtext(f"{NS}Error/{NS}Message") == "Could not find operation NoSuchThing for version 2011-06-15"
    assert root.findtext(f"{NS}RequestId") == headers["x-amzn-requestid"]


def test_cli_get_caller_identity(cli, lockbox):
    # The acceptance line: `aws sts get-caller-identity --endpoint-url ...`.
    who = cli.ok(lockbox, "sts", "get-caller-identity")
    assert who == {"UserId": "000000000000", "Account": "000000000000",
                   "Arn": "arn:aws:iam::000000000000:root"}


def test_cli_session_token_then_secrets_manager(cli, lockbox):
    issued = cli.ok(lockbox, "sts", "get-session-token", "--duration-seconds", "900")["Credentials"]
    extra = {"AWS_SESSION_TOKEN": issued["SessionToken"]}
    kw = dict(key=issued["AccessKeyId"], secret=issued["SecretAccessKey"], extra=extra)
    assert cli.ok(lockbox, "sts", "get-caller-identity", **kw)["Arn"] == "arn:aws:iam::000000000000:root"
    assert "SecretList" in cli.ok(lockbox, "secretsmanager", "list-secrets", **kw)


def test_cli_unknown_key(cli, lockbox):
    cli.fails(lockbox, "InvalidClientTokenId", "GetCallerIdentity", INVALID,
              "sts", "get-caller-identity", key="AKIAUNKNOWNKEY000000")
