"""boto3 against lockbox: CreateSecret / GetSecretValue / DescribeSecret."""
from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, payload, uniq


def test_string_secret_create_and_get(sm):
    name = uniq("b3-str")
    created = sm.create_secret(Name=name, SecretString="s3cr3t value ✓")
    assert set(payload(created)) == {"ARN", "Name", "VersionId"}
    assert created["Name"] == name
    assert h.arn_re(name).match(created["ARN"]), created["ARN"]
    uuid.UUID(created["VersionId"])  # the SDK auto-filled ClientRequestToken is a UUID

    got = sm.get_secret_value(SecretId=name)
    assert set(payload(got)) == {"ARN", "Name", "VersionId", "SecretString", "VersionStages", "CreatedDate"}
    assert got["ARN"] == created["ARN"]
    assert got["Name"] == name
    assert got["VersionId"] == created["VersionId"]
    assert got["SecretString"] == "s3cr3t value ✓"
    assert got["VersionStages"] == ["AWSCURRENT"]
    assert isinstance(got["CreatedDate"], dt.datetime)
    assert abs(got["CreatedDate"].timestamp() - time.time()) < 120
    assert got["ResponseMetadata"]["RequestId"]


def test_version_id_equals_client_request_token(sm):
    name = uniq("b3-tok")
    token = str(uuid.uuid4())
    created = sm.create_secret(Name=name, SecretString="v", ClientRequestToken=token)
    assert created["VersionId"] == token


def test_binary_secret_round_trip(sm):
    name = uniq("b3-bin")
    created = sm.create_secret(Name=name, SecretBinary=h.BINARY_VALUE)
    assert set(payload(created)) == {"ARN", "Name", "VersionId"}
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretBinary"] == h.BINARY_VALUE
    assert "SecretString" not in got
    assert set(payload(got)) == {"ARN", "Name", "VersionId", "SecretBinary", "VersionStages", "CreatedDate"}


def test_arn_format_and_suffix_unique(sm):
    a = sm.create_secret(Name=uniq("b3-arn"), SecretString="x")
    b = sm.create_secret(Name=uniq("b3-arn"), SecretString="x")
    for r in (a, b):
        assert h.arn_re(r["Name"]).match(r["ARN"]), r["ARN"]
    # name with path-like characters keeps them verbatim in the ARN
    name = "b3/path_+=.@!-" + uuid.uuid4().hex[:8]
    r = sm.create_secret(Name=name, SecretString="x")
    assert h.arn_re(name).match(r["ARN"]), r["ARN"]


@pytest.mark.parametrize("how", ["name", "full_arn", "partial_arn"])
def test_lookup_by_name_full_and_partial_arn(sm, how):
    name = uniq("b3-lookup")
    created = sm.create_secret(Name=name, SecretString="lookup")
    secret_id = {"name": name, "full_arn": created["ARN"], "partial_arn": h.partial_arn(created["ARN"])}[how]
    got = sm.get_secret_value(SecretId=secret_id)
    assert got["ARN"] == created["ARN"] and got["Name"] == name and got["SecretString"] == "lookup"
    desc = sm.describe_secret(SecretId=secret_id)
    assert desc["ARN"] == created["ARN"] and desc["Name"] == name


def test_describe_fresh_secret_fields(sm):
    name = uniq("b3-desc")
    created = sm.create_secret(Name=name, SecretString="v")
    d = sm.describe_secret(SecretId=name)
    assert set(payload(d)) == {"ARN", "Name", "CreatedDate", "LastChangedDate", "VersionIdsToStages"}, d
    assert d["ARN"] == created["ARN"]
    assert d["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    for absent in ("Description", "Tags", "LastAccessedDate", "KmsKeyId", "RotationEnabled", "DeletedDate"):
        assert absent not in d


def test_describe_with_description_and_tags_in_order(sm):
    name = uniq("b3-desc-tags")
    tags = [{"Key": "zeta", "Value": "1"}, {"Key": "alpha", "Value": ""}, {"Key": "mid", "Value": "3"}]
    sm.create_secret(Name=name, SecretString="v", Description="a description", Tags=tags)
    d = sm.describe_secret(SecretId=name)
    assert d["Description"] == "a description"
    assert d["Tags"] == tags
    assert set(payload(d)) == {
        "ARN", "Name", "Description", "CreatedDate", "LastChangedDate", "VersionIdsToStages", "Tags",
    }


def test_describe_empty_description_is_absent(sm):
    name = uniq("b3-desc-empty")
    sm.create_secret(Name=name, SecretString="v", Description="")
    d = sm.describe_secret(SecretId=name)
    assert "Description" not in d


def test_describe_last_accessed_date_after_get(sm):
    name = uniq("b3-lad")
    sm.create_secret(Name=name, SecretString="v")
    assert "LastAccessedDate" not in sm.describe_secret(SecretId=name)
    sm.get_secret_value(SecretId=name)
    d = sm.describe_secret(SecretId=name)
    ts = d["LastAccessedDate"].timestamp()
    assert ts % 86400 == 0, ts
    assert time.time() - 86400 < ts <= time.time()


def test_create_without_value(sm):
    name = uniq("b3-novalue")
    created = sm.create_secret(Name=name)
    assert set(payload(created)) == {"ARN", "Name"}
    assert h.arn_re(name).match(created["ARN"])
    d = sm.describe_secret(SecretId=name)
    assert "VersionIdsToStages" not in d
    assert set(payload(d)) == {"ARN", "Name", "CreatedDate", "LastChangedDate"}, d
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=name)
    assert_client_error(ei, "ResourceNotFoundException", h.msg_no_value_for_stage("AWSCURRENT"))


# ---------------------------------------------------------------- selectors
@pytest.fixture
def one_version(sm):
    name = uniq("b3-sel")
    created = sm.create_secret(Name=name, SecretString="selected")
    return name, created


def test_select_by_version_id(sm, one_version):
    name, created = one_version
    got = sm.get_secret_value(SecretId=name, VersionId=created["VersionId"])
    assert got["VersionId"] == created["VersionId"] and got["SecretString"] == "selected"
    assert got["VersionStages"] == ["AWSCURRENT"]


def test_select_by_version_stage(sm, one_version):
    name, created = one_version
    got = sm.get_secret_value(SecretId=name, VersionStage="AWSCURRENT")
    assert got["VersionId"] == created["VersionId"]


def test_select_by_version_id_and_matching_stage(sm, one_version):
    name, created = one_version
    got = sm.get_secret_value(SecretId=name, VersionId=created["VersionId"], VersionStage="AWSCURRENT")
    assert got["VersionId"] == created["VersionId"]


def test_select_unattached_stage(sm, one_version):
    name, _ = one_version
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    assert_client_error(ei, "ResourceNotFoundException", h.msg_no_value_for_stage("AWSPREVIOUS"))


def test_select_unknown_version_id(sm, one_version):
    name, _ = one_version
    vid = str(uuid.uuid4())
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=name, VersionId=vid)
    assert_client_error(ei, "ResourceNotFoundException", h.msg_no_value_for_version(vid))


def test_select_version_id_with_wrong_stage(sm, one_version):
    name, created = one_version
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=name, VersionId=created["VersionId"], VersionStage="AWSPREVIOUS")
    assert_client_error(ei, "InvalidRequestException", h.MSG_STAGE_NOT_ON_VERSION)


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("op", ["get_secret_value", "describe_secret"])
@pytest.mark.parametrize("how", ["name", "arn"])
def test_unknown_secret(sm, op, how):
    name = uniq("b3-missing")
    secret_id = name if how == "name" else f"arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}-AbC123"
    with pytest.raises(ClientError) as ei:
        getattr(sm, op)(SecretId=secret_id)
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)


def test_duplicate_name(sm):
    name = uniq("b3-dup")
    sm.create_secret(Name=name, SecretString="one")
    with pytest.raises(ClientError) as ei:
        sm.create_secret(Name=name, SecretString="two")
    assert_client_error(ei, "ResourceExistsException", h.msg_exists(name))
    # duplicate of a secret created without a value
    name2 = uniq("b3-dup-novalue")
    sm.create_secret(Name=name2)
    with pytest.raises(ClientError) as ei:
        sm.create_secret(Name=name2)
    assert_client_error(ei, "ResourceExistsException", h.msg_exists(name2))
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "one"


def test_idempotent_replay_same_token_same_value(sm):
    name = uniq("b3-idem")
    token = str(uuid.uuid4())
    first = sm.create_secret(Name=name, SecretString="same", ClientRequestToken=token)
    again = sm.create_secret(Name=name, SecretString="same", ClientRequestToken=token)
    assert payload(again) == payload(first)
    assert again["VersionId"] == token
    d = sm.describe_secret(SecretId=name)
    assert d["VersionIdsToStages"] == {token: ["AWSCURRENT"]}


def test_idempotent_replay_binary(sm):
    name = uniq("b3-idem-bin")
    token = str(uuid.uuid4())
    first = sm.create_secret(Name=name, SecretBinary=h.BINARY_VALUE, ClientRequestToken=token)
    again = sm.create_secret(Name=name, SecretBinary=h.BINARY_VALUE, ClientRequestToken=token)
    assert payload(again) == payload(first)


def test_same_token_different_value(sm):
    name = uniq("b3-idem-diff")
    token = str(uuid.uuid4())
    first = sm.create_secret(Name=name, SecretString="one", ClientRequestToken=token)
    with pytest.raises(ClientError) as ei:
        sm.create_secret(Name=name, SecretString="two", ClientRequestToken=token)
    assert_client_error(ei, "ResourceExistsException", h.msg_token_in_use(token, first["ARN"]))
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "one"


def test_both_string_and_binary(sm):
    name = uniq("b3-both")
    with pytest.raises(ClientError) as ei:
        sm.create_secret(Name=name, SecretString="s", SecretBinary=b"b")
    assert_client_error(ei, "InvalidParameterException", h.MSG_BOTH_VALUES)
    with pytest.raises(ClientError) as ei:
        sm.describe_secret(SecretId=name)
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)


@pytest.mark.parametrize("bad", ["bad name!#", "spaces are bad", "semi;colon", "brace{", "quote'"])
def test_invalid_name_on_create(sm, bad):
    with pytest.raises(ClientError) as ei:
        sm.create_secret(Name=bad, SecretString="v")
    assert_client_error(ei, "ValidationException", h.MSG_INVALID_NAME)


@pytest.mark.parametrize("op", ["get_secret_value", "describe_secret"])
def test_invalid_name_on_secret_id(sm, op):
    with pytest.raises(ClientError) as ei:
        getattr(sm, op)(SecretId="bad name!#")
    assert_client_error(ei, "ValidationException", h.MSG_INVALID_NAME)


def test_name_max_length_violation(sm):
    name = "n" * 513
    with pytest.raises(ClientError) as ei:
        sm.create_secret(Name=name, SecretString="v")
    assert_client_error(
        ei, "ValidationException",
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 512",
    )


def test_name_at_max_length_is_accepted(sm):
    name = uuid.uuid4().hex + "x" * (512 - 32)
    assert len(name) == 512
    created = sm.create_secret(Name=name, SecretString="v")
    assert created["Name"] == name
