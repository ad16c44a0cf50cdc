"""boto3 against lockbox: PutSecretValue, UpdateSecret, UpdateSecretVersionStage and
ListSecretVersionIds -- the staging-label state machine (the traces recorded against real
AWS, shared with the other clients in shared/label-traces.json), ClientRequestToken
idempotency and deprecated versions."""
from __future__ import annotations

import time
import uuid

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, payload, uniq

TRACES = h.load_shared("label-traces.json")["traces"]


class Boto3Labels:
    """LabelTraceRunner adapter for boto3."""

    def __init__(self, sm):
        self.sm = sm

    def create(self, name, token, value):
        kw = {"Name": name}
        if value is not None:
            kw.update(ClientRequestToken=token, SecretString=value)
        return payload(self.sm.create_secret(**kw))

    def put(self, name, token, value, stages):
        kw = {"SecretId": name, "ClientRequestToken": token, "SecretString": value}
        if stages is not None:
            kw["VersionStages"] = stages
        out = payload(self.sm.put_secret_value(**kw))
        assert set(out) == {"ARN", "Name", "VersionId", "VersionStages"}, out
        return out

    def update(self, name, token, value):
        out = payload(self.sm.update_secret(SecretId=name, ClientRequestToken=token, SecretString=value))
        assert set(out) == {"ARN", "Name", "VersionId"} and out["VersionId"] == token, out
        return out

    def move(self, name, label, to_id, from_id):
        return payload(self.sm.update_secret_version_stage(
            SecretId=name, VersionStage=label, MoveToVersionId=to_id, RemoveFromVersionId=from_id))

    def remove(self, name, label, from_id):
        return payload(self.sm.update_secret_version_stage(
            SecretId=name, VersionStage=label, RemoveFromVersionId=from_id))

    def versions(self, name, include_deprecated):
        return self.sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=include_deprecated)["Versions"]

    def describe_stages(self, name):
        return self.sm.describe_secret(SecretId=name).get("VersionIdsToStages")

    def current_value(self, name):
        return self.sm.get_secret_value(SecretId=name)["SecretString"]


@pytest.mark.parametrize("trace", TRACES, ids=[t["id"] for t in TRACES])
def test_label_trace(sm, trace):
    h.LabelTraceRunner(Boto3Labels(sm), uniq("b3-trace")).run(trace)


# ---------------------------------------------------------------- ListSecretVersionIds
def test_list_versions_shape_and_deprecated_entries(sm, lockbox):
    """A trace recorded against real AWS: Create + 3x PutSecretValue; deprecated versions only
    with IncludeDeprecated and without a VersionStages key; KmsKeyIds for the default key."""
    name = uniq("b3-lsv")
    created = sm.create_secret(Name=name, SecretString="v1")
    ids = [created["VersionId"]] + [sm.put_secret_value(SecretId=name, SecretString=f"v{i}")["VersionId"] for i in (2, 3, 4)]
    out = sm.list_secret_version_ids(SecretId=name)
    assert set(payload(out)) == {"ARN", "Name", "Versions"}, out
    assert out["ARN"] == created["ARN"] and out["Name"] == name
    assert sorted(v["VersionId"] for v in out["Versions"]) == sorted(ids[2:])
    for v in out["Versions"]:
        assert set(v) == {"VersionId", "CreatedDate", "KmsKeyIds", "VersionStages"}, v
        assert v["KmsKeyIds"] == h.DEFAULT_KMS_KEY_IDS
        assert abs(v["CreatedDate"].timestamp() - time.time()) < 120
    full = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)
    assert sorted(v["VersionId"] for v in full["Versions"]) == sorted(ids)
    by_id = {v["VersionId"]: v for v in full["Versions"]}
    for old in ids[:2]:
        assert set(by_id[old]) == {"VersionId", "CreatedDate", "KmsKeyIds"}, by_id[old]
    assert by_id[ids[2]]["VersionStages"] == ["AWSPREVIOUS"]
    assert by_id[ids[3]]["VersionStages"] == ["AWSCURRENT"]
    # Describe hides deprecated versions too
    assert sm.describe_secret(SecretId=name)["VersionIdsToStages"] == {ids[2]: ["AWSPREVIOUS"], ids[3]: ["AWSCURRENT"]}
    # raw wire: no nulls anywhere, no NextToken on the only page
    raw = h.raw_ok(lockbox, "ListSecretVersionIds", {"SecretId": name, "IncludeDeprecated": True})
    assert "NextToken" not in raw and len(raw["Versions"]) == 4


def test_list_versions_last_accessed_only_on_read_version(sm):
    name = uniq("b3-lsv-lad")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two")["VersionId"]
    sm.get_secret_value(SecretId=name, VersionId=v1)
    by_id = {v["VersionId"]: v for v in sm.list_secret_version_ids(SecretId=name)["Versions"]}
    lad = by_id[v1]["LastAccessedDate"].timestamp()
    assert lad % 86400 == 0 and time.time() - 86400 < lad <= time.time()
    assert "LastAccessedDate" not in by_id[v2], by_id[v2]


def test_list_versions_secret_without_value(sm):
    name = uniq("b3-lsv-empty")
    sm.create_secret(Name=name)
    out = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)
    assert out["Versions"] == [] and out["Name"] == name


def test_list_versions_errors(sm):
    with pytest.raises(ClientError) as ei:
        sm.list_secret_version_ids(SecretId=uniq("b3-lsv-missing"))
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    with pytest.raises(ClientError) as ei:
        sm.list_secret_version_ids(SecretId="Inv Name", IncludeDeprecated=True)
    assert_client_error(ei, "ValidationException", h.MSG_INVALID_NAME)


# ---------------------------------------------------------------- PutSecretValue
def test_put_output_and_binary_value(sm):
    name = uniq("b3-put")
    created = sm.create_secret(Name=name, SecretString="s")
    out = sm.put_secret_value(SecretId=h.partial_arn(created["ARN"]), SecretBinary=h.BINARY_VALUE)
    assert set(payload(out)) == {"ARN", "Name", "VersionId", "VersionStages"}
    assert out["ARN"] == created["ARN"] and out["Name"] == name
    assert out["VersionStages"] == ["AWSCURRENT"]
    uuid.UUID(out["VersionId"])
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretBinary"] == h.BINARY_VALUE and "SecretString" not in got
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "s"


def test_put_errors(sm):
    missing = uniq("b3-put-missing")
    with pytest.raises(ClientError) as ei:
        sm.put_secret_value(SecretId=missing, SecretString="v")
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    with pytest.raises(ClientError) as ei:
        sm.put_secret_value(SecretId="Inv Name", SecretString="v")
    assert_client_error(ei, "ValidationException", h.MSG_INVALID_NAME)
    name = uniq("b3-put-both")
    sm.create_secret(Name=name, SecretString="v")
    with pytest.raises(ClientError) as ei:
        sm.put_secret_value(SecretId=name, SecretString="s", SecretBinary=b"b")
    assert_client_error(ei, "InvalidParameterException", h.MSG_BOTH_VALUES)


def test_put_same_token_same_value_is_a_no_op(sm):
    """As moto's test_put_same_secret_value_with_same_token checks (validated against AWS)."""
    name = uniq("b3-put-idem")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    token = str(uuid.uuid4())
    first = sm.put_secret_value(SecretId=name, SecretString="two", ClientRequestToken=token)
    again = sm.put_secret_value(SecretId=name, SecretString="two", ClientRequestToken=token)
    assert payload(again) == payload(first)
    assert again["VersionId"] == token and again["VersionStages"] == ["AWSCURRENT"]
    assert sm.describe_secret(SecretId=name)["VersionIdsToStages"] == {v1: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}
    assert len(sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]) == 2
    # binary values replay too
    btoken = str(uuid.uuid4())
    sm.put_secret_value(SecretId=name, SecretBinary=h.BINARY_VALUE, ClientRequestToken=btoken)
    again = sm.put_secret_value(SecretId=name, SecretBinary=h.BINARY_VALUE, ClientRequestToken=btoken)
    assert again["VersionId"] == btoken and again["VersionStages"] == ["AWSCURRENT"]


def test_put_same_token_different_value(sm):
    name = uniq("b3-put-idem-diff")
    arn = sm.create_secret(Name=name, SecretString="one")["ARN"]
    token = str(uuid.uuid4())
    sm.put_secret_value(SecretId=name, SecretString="two", ClientRequestToken=token)
    with pytest.raises(ClientError) as ei:
        sm.put_secret_value(SecretId=name, SecretString="three", ClientRequestToken=token)
    assert_client_error(ei, "ResourceExistsException", h.msg_token_in_use(token, arn))
    # a string and a binary value are different values
    with pytest.raises(ClientError) as ei:
        sm.put_secret_value(SecretId=name, SecretBinary=b"two", ClientRequestToken=token)
    assert_client_error(ei, "ResourceExistsException", h.msg_token_in_use(token, arn))
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"


# ---------------------------------------------------------------- UpdateSecret
def test_update_description_only_creates_no_version(sm):
    """Recorded against real AWS: description-only UpdateSecret returns no VersionId even though
    botocore sends a ClientRequestToken; LastChangedDate strictly increases
    (test_last_updated_date)."""
    name = uniq("b3-upd-desc")
    created = sm.create_secret(Name=name, SecretString="v")
    before = sm.describe_secret(SecretId=name)
    time.sleep(0.01)
    out = sm.update_secret(SecretId=name, Description="new description")
    assert set(payload(out)) == {"ARN", "Name"}, out
    assert out["ARN"] == created["ARN"] and out["Name"] == name
    # an explicit token with no value still must not create a version
    out = sm.update_secret(SecretId=name, Description="newer", ClientRequestToken=str(uuid.uuid4()))
    assert set(payload(out)) == {"ARN", "Name"}, out
    after = sm.describe_secret(SecretId=name)
    assert after["Description"] == "newer"
    assert after["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert after["LastChangedDate"] > before["LastChangedDate"]
    assert len(sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]) == 1


def test_update_value_and_description(sm):
    name = uniq("b3-upd-both")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    before = sm.describe_secret(SecretId=name)["LastChangedDate"]
    time.sleep(0.01)
    out = sm.update_secret(SecretId=name, SecretString="two", Description="d")
    assert set(payload(out)) == {"ARN", "Name", "VersionId"}
    d = sm.describe_secret(SecretId=name)
    assert d["Description"] == "d" and d["LastChangedDate"] > before
    assert d["VersionIdsToStages"] == {v1: ["AWSPREVIOUS"], out["VersionId"]: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"


def test_update_same_token_same_value_and_different_value(sm):
    """As moto's tests check (validated against AWS): replaying UpdateSecret with the same token
    and value succeeds with VersionId = token; a different value with that token is
    ResourceExistsException."""
    name = uniq("b3-upd-idem")
    arn = sm.create_secret(Name=name, SecretString="one")["ARN"]
    token = str(uuid.uuid4())
    first = sm.update_secret(SecretId=name, SecretString="two", ClientRequestToken=token)
    again = sm.update_secret(SecretId=name, SecretString="two", ClientRequestToken=token)
    assert first["VersionId"] == token and again["VersionId"] == token
    assert len(sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]) == 2
    with pytest.raises(ClientError) as ei:
        sm.update_secret(SecretId=name, SecretString="three", ClientRequestToken=token)
    assert_client_error(ei, "ResourceExistsException", h.msg_token_in_use(token, arn))
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"


def test_update_errors(sm):
    with pytest.raises(ClientError) as ei:
        sm.update_secret(SecretId=uniq("b3-upd-missing"), SecretString="v")
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    with pytest.raises(ClientError) as ei:
        sm.update_secret(SecretId="Inv Name", Description="MyNewDescription")
    assert_client_error(ei, "ValidationException", h.MSG_INVALID_NAME)
    name = uniq("b3-upd-both")
    sm.create_secret(Name=name, SecretString="v")
    with pytest.raises(ClientError) as ei:
        sm.update_secret(SecretId=name, SecretString="s", SecretBinary=b"b")
    assert_client_error(ei, "InvalidParameterException", h.MSG_BOTH_VALUES)


@pytest.mark.parametrize("target,id_key", [("PutSecretValue", "SecretId"), ("UpdateSecret", "SecretId")])
def test_raw_value_without_token(lockbox, sm, target, id_key):
    """Recorded against real AWS over raw HTTP: a value without ClientRequestToken is refused."""
    name = uniq("b3-raw-notoken")
    sm.create_secret(Name=name, SecretString="v")
    h.raw_error(lockbox, target, {id_key: name, "SecretString": "x"}, "InvalidRequestException", h.MSG_NEED_TOKEN)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v"


# ---------------------------------------------------------------- UpdateSecretVersionStage
def test_move_current_without_remove_from(sm):
    """As moto's test_update_secret_version_stage_dont_specify_current_stage checks (validated
    against AWS)."""
    name = uniq("b3-uvs")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two", VersionStages=["AWSPENDING"])["VersionId"]
    with pytest.raises(ClientError) as ei:
        sm.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2)
    assert_client_error(ei, "InvalidParameterException", h.msg_remove_from_version_id("AWSCURRENT", v1))
    assert sm.describe_secret(SecretId=name)["VersionIdsToStages"] == {v1: ["AWSCURRENT"], v2: ["AWSPENDING"]}


def test_move_with_wrong_remove_from_or_unknown_version(sm):
    """The label must be removed from its holder; unknown version ids fail
    (InvalidParameterException per the model docs; texts unverified -> code only)."""
    name = uniq("b3-uvs-wrong")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two", VersionStages=["AWSPENDING"])["VersionId"]
    with pytest.raises(ClientError) as ei:
        sm.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v2)
    assert_client_error(ei, "InvalidParameterException")
    with pytest.raises(ClientError) as ei:
        sm.update_secret_version_stage(
            SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=str(uuid.uuid4()), RemoveFromVersionId=v1)
    assert_client_error(ei, "InvalidParameterException")
    assert sm.describe_secret(SecretId=name)["VersionIdsToStages"] == {v1: ["AWSCURRENT"], v2: ["AWSPENDING"]}


def test_version_stage_unknown_secret(sm):
    with pytest.raises(ClientError) as ei:
        sm.update_secret_version_stage(
            SecretId=uniq("b3-uvs-missing"), VersionStage="AWSCURRENT",
            MoveToVersionId=str(uuid.uuid4()), RemoveFromVersionId=str(uuid.uuid4()))
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
