"""boto3 against lockbox KMS: keys and their management (key identifiers, key states, the
key-management operations, the AWS managed key, the default key policy). Messages known from
real AWS or its documentation are asserted exactly; where AWS's text is not known (only other
emulators' wording or Lockbox's own), only the error code is pinned. Time is the server's
virtual clock; the deletion-window test moves it, so it runs last in this module."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, payload, uniq

DAY = 86400.0
FIELDS = h.KMS_SYMMETRIC_METADATA_FIELDS


def fails(code, message, fn, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    return assert_client_error(ei, code, message)


def new_key(kms, **kw) -> dict:
    return kms.create_key(**kw)["KeyMetadata"]


def alias_name() -> str:
    return f"alias/{uniq('b3')}"


# ---------------------------------------------------------------- CreateKey / DescribeKey
def test_create_key_default_symmetric_metadata(kms, lockbox):
    out = kms.create_key()
    assert set(payload(out)) == {"KeyMetadata"}, out
    meta = out["KeyMetadata"]
    assert set(meta) == FIELDS, sorted(set(meta) ^ FIELDS)
    assert h.KMS_KEY_ID_RE.match(meta["KeyId"]), meta
    assert meta["Arn"] == h.kms_key_arn(meta["KeyId"])
    assert meta["AWSAccountId"] == h.DEFAULT_ACCOUNT
    assert h.KMS_MATERIAL_ID_RE.match(meta["CurrentKeyMaterialId"]), meta
    assert h.near_epoch(meta["CreationDate"], h.server_epoch(lockbox)), meta
    expected = {
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "Description": "", "Enabled": True,
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "KeyManager": "CUSTOMER",
        "KeySpec": "SYMMETRIC_DEFAULT", "KeyState": "Enabled", "KeyUsage": "ENCRYPT_DECRYPT",
        "MultiRegion": False, "Origin": "AWS_KMS",
    }
    assert {k: meta[k] for k in expected} == expected


def test_create_key_wire_has_no_nulls(lockbox):
    resp = h.raw_kms_call(lockbox, "CreateKey", {"Description": "raw"})
    assert resp.status == 200, resp.body
    assert resp.header("x-amzn-RequestId")
    doc = resp.json
    h.assert_no_nulls(doc)
    assert set(doc) == {"KeyMetadata"} and set(doc["KeyMetadata"]) == FIELDS, doc
    assert doc["KeyMetadata"]["Description"] == "raw"
    assert isinstance(doc["KeyMetadata"]["CreationDate"], (int, float)), doc  # EpochSeconds


def test_describe_key_by_every_identifier(kms):
    meta = new_key(kms, Description="described")
    alias = alias_name()
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    for ident in (meta["KeyId"], meta["Arn"], alias, h.kms_alias_arn(alias)):
        got = kms.describe_key(KeyId=ident)
        assert set(payload(got)) == {"KeyMetadata"}, got
        assert got["KeyMetadata"] == meta, ident


UNKNOWN_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize("key_id", ["fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id"])
def test_malformed_key_id(kms, key_id):
    fails("NotFoundException", h.msg_kms_invalid_key_id(key_id), kms.describe_key, KeyId=key_id)


@pytest.mark.parametrize("form", ["id", "arn"])
def test_unknown_key_message_always_shows_the_arn(kms, form):
    key_id = UNKNOWN_ID if form == "id" else h.kms_key_arn(UNKNOWN_ID)
    fails("NotFoundException", h.msg_kms_key_missing(h.kms_key_arn(UNKNOWN_ID)), kms.describe_key, KeyId=key_id)


def test_key_arn_from_another_region(kms):
    meta = new_key(kms)
    fails("NotFoundException", h.msg_kms_invalid_arn("eu-west-1"), kms.describe_key,
          KeyId=h.kms_key_arn(meta["KeyId"], region="eu-west-1"))


def test_unknown_alias(kms):
    # "Alias <alias ARN> is not found." is moto's, local-kms's and LocalStack's wording; AWS's is
    # not known: code only.
    fails("NotFoundException", None, kms.describe_key, KeyId="alias/does-not-exist")
    fails("NotFoundException", None, kms.describe_key, KeyId=h.kms_alias_arn("alias/does-not-exist"))


def test_managed_secretsmanager_key_is_created_by_describe_key(kms):
    first = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert set(first) == FIELDS, sorted(set(first) ^ FIELDS)
    assert first["KeyManager"] == "AWS"
    assert first["Description"] == h.MSG_KMS_MANAGED_SM_DESCRIPTION
    assert (first["KeySpec"], first["KeyUsage"], first["Origin"], first["KeyState"], first["Enabled"]) == (
        "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "Enabled", True)
    again = kms.describe_key(KeyId=h.kms_alias_arn("alias/aws/secretsmanager"))["KeyMetadata"]
    assert again["KeyId"] == first["KeyId"]
    aliases = kms.list_aliases(KeyId=first["KeyId"])["Aliases"]
    assert [a["AliasName"] for a in aliases] == ["alias/aws/secretsmanager"], aliases
    assert aliases[0]["TargetKeyId"] == first["KeyId"]
    listed = {k["KeyId"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]}
    assert first["KeyId"] in listed


def test_managed_key_policy_content(kms):
    """The auto-secretsmanager-2 statements, as seen from real AWS in public logs (the string
    layout is Lockbox's choice, so compare parsed)."""
    key_id = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"]
    doc = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert doc["Id"] == "auto-secretsmanager-2" and doc["Version"] == "2012-10-17", doc
    assert [s["Sid"] for s in doc["Statement"]][-1] == "Allow direct access to key metadata to the account"
    assert doc["Statement"][0]["Condition"]["StringEquals"] == {
        "kms:CallerAccount": h.DEFAULT_ACCOUNT, "kms:ViaService": f"secretsmanager.{h.REGION}.amazonaws.com"}


# ---------------------------------------------------------------- ListKeys
def test_list_keys_paginator(kms, lockbox):
    mine = {new_key(kms)["KeyId"] for _ in range(5)}
    pages = list(kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) >= 3, pages
    seen = []
    for page in pages[:-1]:
        assert page["Truncated"] is True and page["NextMarker"], page
        assert len(page["Keys"]) == 2, page
    assert pages[-1]["Truncated"] is False and "NextMarker" not in pages[-1], pages[-1]
    for page in pages:
        for entry in page["Keys"]:
            assert set(entry) == {"KeyId", "KeyArn"} and entry["KeyArn"] == h.kms_key_arn(entry["KeyId"]), entry
            seen.append(entry["KeyId"])
    assert len(seen) == len(set(seen)), seen
    assert mine <= set(seen)
    raw = h.raw_kms_call(lockbox, "ListKeys", {"Limit": 1000})
    assert raw.status == 200 and raw.json["Truncated"] is False and "NextMarker" not in raw.json, raw.body
    assert len(raw.json["Keys"]) == len(seen)


def test_list_keys_limits_and_marker(kms, kms_unchecked):
    fails("ValidationException", h.coral_range_max("limit", 1001, 1000), kms.list_keys, Limit=1001)
    fails("ValidationException", h.coral_range_min("limit", 0, 1), kms_unchecked.list_keys, Limit=0)
    fails("InvalidMarkerException", None, kms.list_keys, Marker="not-a-marker")


# ---------------------------------------------------------------- Enable / Disable / description
def test_disable_and_enable_key(kms):
    meta = new_key(kms)
    arn = meta["Arn"]
    assert payload(kms.disable_key(KeyId=meta["KeyId"])) == {}
    kms.disable_key(KeyId=arn)  # idempotent
    d = kms.describe_key(KeyId=arn)["KeyMetadata"]
    assert (d["KeyState"], d["Enabled"]) == ("Disabled", False) and set(d) == FIELDS, d
    fails("DisabledException", h.msg_kms_disabled(arn), kms.encrypt, KeyId=meta["KeyId"], Plaintext=b"x")
    assert payload(kms.enable_key(KeyId=meta["KeyId"])) == {}
    kms.enable_key(KeyId=meta["KeyId"])  # idempotent
    d = kms.describe_key(KeyId=arn)["KeyMetadata"]
    assert (d["KeyState"], d["Enabled"]) == ("Enabled", True), d
    assert kms.encrypt(KeyId=arn, Plaintext=b"x")["KeyId"] == arn


def test_key_only_operations_reject_aliases(kms):
    """Lockbox's choice: an alias where only a key ID/ARN is accepted -> NotFoundException
    (code only)."""
    meta = new_key(kms)
    alias = alias_name()
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    fails("NotFoundException", None, kms.disable_key, KeyId=alias)
    fails("NotFoundException", None, kms.create_alias, AliasName=alias_name(), TargetKeyId=alias)
    fails("NotFoundException", None, kms.tag_resource, KeyId=alias, Tags=[{"TagKey": "k", "TagValue": "v"}])


def test_update_key_description(kms):
    meta = new_key(kms, Description="before")
    assert payload(kms.update_key_description(KeyId=meta["Arn"], Description="after")) == {}
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["Description"] == "after"


# ---------------------------------------------------------------- ScheduleKeyDeletion / CancelKeyDeletion
@pytest.mark.parametrize("window", [None, 7, 30])
def test_schedule_key_deletion(kms, lockbox, window):
    meta = new_key(kms)
    kw = {} if window is None else {"PendingWindowInDays": window}
    out = kms.schedule_key_deletion(KeyId=meta["KeyId"], **kw)
    days = window or 30
    assert set(payload(out)) == {"KeyId", "DeletionDate", "KeyState", "PendingWindowInDays"}, out
    assert (out["KeyId"], out["KeyState"], out["PendingWindowInDays"]) == (meta["Arn"], "PendingDeletion", days)
    # AWS's example shows a DeletionDate at a day boundary: allow up to one day of rounding up.
    now = h.server_epoch(lockbox)
    assert now + days * DAY - 120 <= h.epoch(out["DeletionDate"]) <= now + (days + 1) * DAY, out
    d = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert set(d) == FIELDS | {"DeletionDate"}, sorted(set(d) ^ FIELDS)
    assert (d["KeyState"], d["Enabled"]) == ("PendingDeletion", False)
    assert h.epoch(d["DeletionDate"]) == h.epoch(out["DeletionDate"])


def test_pending_deletion_key_state_errors(kms):
    meta = new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
    pending = h.msg_kms_pending_deletion(arn)
    fails("KMSInvalidStateException", pending, kms.encrypt, KeyId=kid, Plaintext=b"x")
    fails("KMSInvalidStateException", pending, kms.generate_data_key, KeyId=kid, KeySpec="AES_256")
    fails("KMSInvalidStateException", pending, kms.enable_key, KeyId=kid)
    fails("KMSInvalidStateException", pending, kms.disable_key, KeyId=kid)
    fails("KMSInvalidStateException", pending, kms.schedule_key_deletion, KeyId=kid, PendingWindowInDays=7)
    fails("KMSInvalidStateException", pending, kms.tag_resource, KeyId=kid, Tags=[{"TagKey": "k", "TagValue": "v"}])
    fails("KMSInvalidStateException", pending, kms.untag_resource, KeyId=kid, TagKeys=["k"])
    fails("KMSInvalidStateException", pending, kms.update_key_description, KeyId=kid, Description="d")
    fails("KMSInvalidStateException", pending, kms.create_alias, AliasName=alias_name(), TargetKeyId=kid)
    # allowed in every state
    assert kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"] == h.kms_default_policy()
    assert kms.list_resource_tags(KeyId=kid)["Tags"] == []


def test_cancel_key_deletion_leaves_key_disabled(kms):
    meta = new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    fails("KMSInvalidStateException", h.msg_kms_not_pending_deletion(arn), kms.cancel_key_deletion, KeyId=kid)
    kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
    out = kms.cancel_key_deletion(KeyId=kid)
    assert payload(out) == {"KeyId": arn}, out
    d = kms.describe_key(KeyId=kid)["KeyMetadata"]
    assert (d["KeyState"], d["Enabled"]) == ("Disabled", False) and set(d) == FIELDS, d
    fails("KMSInvalidStateException", h.msg_kms_not_pending_deletion(arn), kms.cancel_key_deletion, KeyId=arn)
    fails("DisabledException", h.msg_kms_disabled(arn), kms.encrypt, KeyId=kid, Plaintext=b"x")
    kms.enable_key(KeyId=kid)
    assert kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Enabled"


@pytest.mark.parametrize("days", [6, 31])
def test_schedule_key_deletion_window_outside_7_to_30(kms, days):
    """Documented range 7-30; AWS's wording is not known (Lockbox uses LocalStack's): code only."""
    fails("ValidationException", None, kms.schedule_key_deletion, KeyId=new_key(kms)["KeyId"], PendingWindowInDays=days)


# ---------------------------------------------------------------- aliases
def test_alias_lifecycle(kms, lockbox):
    k1, k2 = new_key(kms), new_key(kms)
    alias = alias_name()
    assert payload(kms.create_alias(AliasName=alias, TargetKeyId=k1["Arn"])) == {}
    listed = kms.list_aliases(KeyId=k1["KeyId"])
    assert listed["Truncated"] is False and "NextMarker" not in listed, listed
    (entry,) = listed["Aliases"]
    assert set(entry) == {"AliasName", "AliasArn", "TargetKeyId", "CreationDate", "LastUpdatedDate"}, entry
    assert (entry["AliasName"], entry["AliasArn"], entry["TargetKeyId"]) == (alias, h.kms_alias_arn(alias), k1["KeyId"])
    assert h.near_epoch(entry["CreationDate"], h.server_epoch(lockbox))
    all_names = [a["AliasName"] for p in kms.get_paginator("list_aliases").paginate() for a in p["Aliases"]]
    assert alias in all_names
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == k1["KeyId"]

    fails("AlreadyExistsException", None, kms.create_alias, AliasName=alias, TargetKeyId=k2["KeyId"])  # LocalStack's text: code only

    assert payload(kms.update_alias(AliasName=alias, TargetKeyId=k2["KeyId"])) == {}
    assert kms.describe_key(KeyId=h.kms_alias_arn(alias))["KeyMetadata"]["KeyId"] == k2["KeyId"]
    assert kms.list_aliases(KeyId=k1["KeyId"])["Aliases"] == []
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=k2["KeyId"])["Aliases"]] == [alias]

    assert payload(kms.delete_alias(AliasName=alias)) == {}
    fails("NotFoundException", None, kms.describe_key, KeyId=alias)
    fails("NotFoundException", None, kms.delete_alias, AliasName=alias)  # LocalStack's text: code only
    fails("NotFoundException", None, kms.update_alias, AliasName=alias, TargetKeyId=k1["KeyId"])
    assert kms.describe_key(KeyId=k2["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_update_alias_and_pending_deletion(kms):
    """KMS key-state rules for UpdateAlias: fine when the old target is pending deletion, refused
    when the new one is."""
    k1, k2, k3 = new_key(kms), new_key(kms), new_key(kms)
    alias = alias_name()
    kms.create_alias(AliasName=alias, TargetKeyId=k1["KeyId"])
    kms.schedule_key_deletion(KeyId=k1["KeyId"], PendingWindowInDays=7)
    kms.update_alias(AliasName=alias, TargetKeyId=k2["KeyId"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == k2["KeyId"]
    kms.schedule_key_deletion(KeyId=k3["KeyId"], PendingWindowInDays=7)
    fails("KMSInvalidStateException", h.msg_kms_pending_deletion(k3["Arn"]), kms.update_alias,
          AliasName=alias, TargetKeyId=k3["KeyId"])


def test_alias_name_rules(kms):
    kid = new_key(kms)["KeyId"]
    fails("ValidationException", h.MSG_KMS_ALIAS_PREFIX, kms.create_alias, AliasName=uniq("noprefix"), TargetKeyId=kid)
    fails("NotAuthorizedException", None, kms.create_alias, AliasName=f"alias/aws/{uniq('x')}", TargetKeyId=kid)  # as moto and local-kms: code only
    fails("NotFoundException", h.msg_kms_key_missing(h.kms_key_arn(UNKNOWN_ID)), kms.create_alias,
          AliasName=alias_name(), TargetKeyId=UNKNOWN_ID)


# ---------------------------------------------------------------- key policies
def test_default_key_policy(kms):
    kid = new_key(kms)["KeyId"]
    out = kms.get_key_policy(KeyId=kid, PolicyName="default")
    assert payload(out) == {"Policy": h.kms_default_policy(), "PolicyName": "default"}, out
    assert kms.get_key_policy(KeyId=kid)["Policy"] == h.kms_default_policy()  # PolicyName is optional
    listed = kms.list_key_policies(KeyId=kid)
    assert payload(listed) == {"PolicyNames": ["default"], "Truncated": False}, listed
    fails("NotFoundException", None, kms.get_key_policy, KeyId=kid, PolicyName="other")  # moto's and LocalStack's text: code only


def test_put_key_policy_is_returned_byte_for_byte(kms):
    kid = new_key(kms)["KeyId"]
    # keeps the account root statement, so the lockout safety check is satisfied; odd spacing on purpose
    policy = ('{"Version":"2012-10-17",  "Id":"custom-1","Statement":[{"Sid":"Root","Effect":"Allow",'
              f'"Principal":{{"AWS":"arn:aws:iam::{h.DEFAULT_ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}')
    assert payload(kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy)) == {}
    assert kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"] == policy
    created = new_key(kms, Policy=policy)
    assert kms.get_key_policy(KeyId=created["Arn"], PolicyName="default")["Policy"] == policy


# ---------------------------------------------------------------- tags
def tags_of(kms, key_id):
    out = kms.list_resource_tags(KeyId=key_id)
    assert out["Truncated"] is False and "NextMarker" not in out, out
    return sorted((t["TagKey"], t["TagValue"]) for t in out["Tags"])


def test_tag_untag_and_list(kms):
    kid = new_key(kms, Tags=[{"TagKey": "env", "TagValue": "dev"}, {"TagKey": "empty", "TagValue": ""}])["KeyId"]
    assert tags_of(kms, kid) == [("empty", ""), ("env", "dev")]
    assert payload(kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "env", "TagValue": "prod"},
                                                      {"TagKey": "team", "TagValue": "a"}])) == {}
    assert tags_of(kms, kid) == [("empty", ""), ("env", "prod"), ("team", "a")]
    assert payload(kms.untag_resource(KeyId=h.kms_key_arn(kid), TagKeys=["empty", "absent"])) == {}
    assert tags_of(kms, kid) == [("env", "prod"), ("team", "a")]


def test_tag_errors(kms):
    kid = new_key(kms)["KeyId"]
    tag = {"TagKey": "k", "TagValue": "v"}
    many = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(51)]
    fails("TagException", h.MSG_KMS_TOO_MANY_TAGS, kms.tag_resource, KeyId=kid, Tags=many)
    fails("TagException", h.MSG_KMS_TOO_MANY_TAGS, kms.create_key, Tags=many)
    fails("TagException", h.MSG_KMS_DUPLICATE_TAG_KEYS, kms.tag_resource, KeyId=kid, Tags=[tag, tag])
    for key in ("aws:x", "AWS:x", "Aws:created"):
        fails("TagException", h.MSG_KMS_RESERVED_TAGS, kms.tag_resource, KeyId=kid, Tags=[{"TagKey": key, "TagValue": "v"}])
    long_value = "v" * 257
    fails("ValidationException", h.coral_length_max("tags.1.member.tagValue", long_value, 256),
          kms.tag_resource, KeyId=kid, Tags=[{"TagKey": "k", "TagValue": long_value}])
    assert tags_of(kms, kid) == []


# ---------------------------------------------------------------- the deletion window on the clock (moves the clock: last)
def test_keys_disappear_when_the_window_ends(kms, lockbox):
    short, long_ = new_key(kms), new_key(kms)
    alias = alias_name()
    kms.create_alias(AliasName=alias, TargetKeyId=short["KeyId"])
    blob = kms.encrypt(KeyId=short["KeyId"], Plaintext=b"soon gone")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=short["KeyId"], PendingWindowInDays=7)
    kms.schedule_key_deletion(KeyId=long_["KeyId"])  # 30 days
    h.clock_advance(lockbox, "6d")
    assert kms.describe_key(KeyId=short["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    h.clock_advance(lockbox, "2d")
    fails("NotFoundException", h.msg_kms_key_missing(short["Arn"]), kms.describe_key, KeyId=short["KeyId"])
    fails("NotFoundException", None, kms.describe_key, KeyId=alias)
    assert alias not in [a["AliasName"] for p in kms.get_paginator("list_aliases").paginate() for a in p["Aliases"]]
    fails("AccessDeniedException", h.MSG_KMS_FOREIGN_CIPHERTEXT, kms.decrypt, CiphertextBlob=blob)
    listed = {k["KeyId"] for p in kms.get_paginator("list_keys").paginate() for k in p["Keys"]}
    assert short["KeyId"] not in listed and long_["KeyId"] in listed
    assert kms.describe_key(KeyId=long_["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    h.clock_advance(lockbox, "23d")
    fails("NotFoundException", h.msg_kms_key_missing(long_["Arn"]), kms.describe_key, KeyId=long_["Arn"])
