"""boto3 against lockbox: DeleteSecret / RestoreSecret and the deletion lifecycle (driven by
the admin clock), resource policies and GetRandomPassword. Time assertions are relative to the
server's virtual clock (GET /_lockbox/clock), so moving it in one test does not disturb another."""
from __future__ import annotations

import json
import string

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, payload, uniq

DAY = 86400.0
PUNCTUATION = set(string.punctuation)  # the 32 ASCII punctuation characters of the model doc
DEFAULT_ALPHABET = set(string.ascii_letters) | set(string.digits) | PUNCTUATION


def server_now(lockbox) -> float:
    return h.rfc3339_epoch(h.clock_now(lockbox)["now"])


def near(value, expected: float, tolerance: float = 120.0) -> bool:
    return abs(h.epoch(value) - expected) < tolerance


def fails(code, message, fn, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    return assert_client_error(ei, code, message)


# ---------------------------------------------------------------- DeleteSecret / RestoreSecret
@pytest.mark.parametrize("window", [None, 7, 30])
def test_delete_schedules_with_recovery_window(sm, lockbox, window):
    name = uniq("b3-del")
    created = sm.create_secret(Name=name, SecretString="v")
    kw = {} if window is None else {"RecoveryWindowInDays": window}
    out = sm.delete_secret(SecretId=name, **kw)
    assert set(payload(out)) == {"ARN", "Name", "DeletionDate"}, out
    assert out["ARN"] == created["ARN"] and out["Name"] == name
    assert near(out["DeletionDate"], server_now(lockbox) + (window or 30) * DAY), out
    d = sm.describe_secret(SecretId=name)
    assert set(payload(d)) == {"ARN", "Name", "CreatedDate", "LastChangedDate", "DeletedDate", "VersionIdsToStages"}, d


def test_force_false_with_window_is_accepted(sm):
    """LocalStack's test_cross_account_access_non_default_key, recorded against real AWS, calls
    DeleteSecret(ForceDeleteWithoutRecovery=False, RecoveryWindowInDays=7) on AWS."""
    name = uniq("b3-del-false")
    sm.create_secret(Name=name, SecretString="v")
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=False, RecoveryWindowInDays=7)
    assert "DeletedDate" in sm.describe_secret(SecretId=name)


def test_scheduled_secret_refuses_reads_and_writes(sm, lockbox):
    name = uniq("b3-sched")
    sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "t", "Value": "1"}])
    sm.delete_secret(SecretId=name)
    marked = h.MSG_MARKED_FOR_DELETION
    fails("InvalidRequestException", marked, sm.get_secret_value, SecretId=name)
    fails("InvalidRequestException", marked, sm.put_secret_value, SecretId=name, SecretString="x")
    fails("InvalidRequestException", marked, sm.tag_resource, SecretId=name, Tags=[{"Key": "k", "Value": "v"}])
    fails("InvalidRequestException", marked, sm.untag_resource, SecretId=name, TagKeys=["t"])
    fails("InvalidRequestException", marked, sm.delete_resource_policy, SecretId=name)
    fails("InvalidRequestException", h.MSG_SCHEDULED_FOR_DELETION, sm.create_secret, Name=name, SecretString="again")
    # Describe still works and shows DeletedDate
    d = sm.describe_secret(SecretId=name)
    assert "DeletedDate" in d and d["Tags"] == [{"Key": "t", "Value": "1"}]


def test_restore(sm):
    name = uniq("b3-restore")
    created = sm.create_secret(Name=name, SecretString="v1")
    v2 = sm.put_secret_value(SecretId=name, SecretString="v2")["VersionId"]
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    out = sm.restore_secret(SecretId=h.partial_arn(created["ARN"]))
    assert set(payload(out)) == {"ARN", "Name"} and out["ARN"] == created["ARN"], out
    d = sm.describe_secret(SecretId=name)
    assert "DeletedDate" not in d
    assert d["VersionIdsToStages"] == {created["VersionId"]: ["AWSPREVIOUS"], v2: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v2"
    sm.put_secret_value(SecretId=name, SecretString="v3")


def test_force_delete(sm, lockbox):
    name = uniq("b3-force")
    created = sm.create_secret(Name=name, SecretString="v")
    out = sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    assert set(payload(out)) == {"ARN", "Name", "DeletionDate"} and out["ARN"] == created["ARN"], out
    assert near(out["DeletionDate"], server_now(lockbox)), out
    # AWS purges asynchronously within seconds; an emulator that purges at once is what tests want
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.describe_secret, SecretId=name)
    again = sm.create_secret(Name=name, SecretString="new")
    assert again["ARN"] != created["ARN"] and h.arn_re(name).match(again["ARN"])


def test_force_delete_of_missing_and_of_scheduled_secret(sm):
    """Recorded against real AWS: ForceDeleteWithoutRecovery succeeds on a secret that does not
    exist, and on one already scheduled for deletion."""
    missing = uniq("b3-force-missing")
    out = sm.delete_secret(SecretId=missing, ForceDeleteWithoutRecovery=True)
    assert out["Name"] == missing and out["ARN"] and out["DeletionDate"], out
    name = uniq("b3-force-sched")
    sm.create_secret(Name=name, SecretString="v")
    sm.delete_secret(SecretId=name)
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.describe_secret, SecretId=name)


def test_delete_errors(sm):
    name = uniq("b3-del-err")
    sm.create_secret(Name=name, SecretString="v")
    # AWS's exact texts are not known: code only
    for window in (6, 31):
        fails("InvalidParameterException", None, sm.delete_secret, SecretId=name, RecoveryWindowInDays=window)
    fails("InvalidParameterException", None, sm.delete_secret, SecretId=name,
          ForceDeleteWithoutRecovery=True, RecoveryWindowInDays=7)
    assert "DeletedDate" not in sm.describe_secret(SecretId=name)
    fails("ValidationException", h.MSG_INVALID_NAME, sm.delete_secret, SecretId="Inv Name", ForceDeleteWithoutRecovery=True)
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.delete_secret, SecretId=uniq("b3-del-missing"))
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.restore_secret, SecretId=uniq("b3-restore-missing"))


def test_window_end_purges_secret_and_name_is_reusable(sm, lockbox):
    """Advancing the virtual clock past the recovery window removes the secret; SigV4 keeps
    checking request dates against real time, so every call after the move still verifies."""
    name = uniq("b3-purge")
    created = sm.create_secret(Name=name, SecretString="v")
    sm.delete_secret(SecretId=name)  # 30 days
    h.clock_advance(lockbox, "29d")
    assert "DeletedDate" in sm.describe_secret(SecretId=name)
    h.clock_advance(lockbox, "2d")
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.describe_secret, SecretId=name)
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.get_secret_value, SecretId=name)
    again = sm.create_secret(Name=name, SecretString="reborn")
    assert again["ARN"] != created["ARN"] and h.arn_re(name).match(again["ARN"])
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "reborn"
    assert near(sm.describe_secret(SecretId=name)["CreatedDate"], server_now(lockbox))


def test_restore_inside_window_then_no_purge(sm, lockbox):
    name = uniq("b3-purge-restore")
    sm.create_secret(Name=name, SecretString="v")
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    h.clock_advance(lockbox, "6d")
    sm.restore_secret(SecretId=name)
    h.clock_advance(lockbox, "8d")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v"


def test_clock_api(lockbox):
    before = h.clock_now(lockbox)
    assert set(before) == {"now", "offset_seconds"}, before
    after = h.clock_advance(lockbox, "1h")
    assert after["offset_seconds"] - before["offset_seconds"] >= 3600
    assert h.rfc3339_epoch(after["now"]) - h.rfc3339_epoch(before["now"]) >= 3600
    status, _, body = lockbox.admin("POST", "/_lockbox/clock", json.dumps({"set": "2001-01-01T00:00:00Z"}).encode())
    assert status == 400, body  # time never moves backwards
    assert h.clock_now(lockbox)["offset_seconds"] >= after["offset_seconds"]


# ---------------------------------------------------------------- resource policies
def policy_doc(principal) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": principal, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})


def test_resource_policy_put_get_delete(sm):
    name = uniq("b3-pol")
    created = sm.create_secret(Name=name, SecretString="v")
    got = sm.get_resource_policy(SecretId=name)
    assert set(payload(got)) == {"ARN", "Name"}, got  # no policy -> member omitted
    # accepted when BlockPublicPolicy is not set (test_resource_policy, recorded against real AWS)
    doc = policy_doc("*")
    out = sm.put_resource_policy(SecretId=name, ResourcePolicy=doc)
    assert set(payload(out)) == {"ARN", "Name"} and out["ARN"] == created["ARN"], out
    got = sm.get_resource_policy(SecretId=created["ARN"])
    assert set(payload(got)) == {"ARN", "Name", "ResourcePolicy"}
    assert json.loads(got["ResourcePolicy"]) == json.loads(doc)
    out = sm.delete_resource_policy(SecretId=name)
    assert set(payload(out)) == {"ARN", "Name"}, out
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)


def test_block_public_policy(sm):
    name = uniq("b3-pol-public")
    sm.create_secret(Name=name, SecretString="v")
    fails("PublicPolicyException", None, sm.put_resource_policy, SecretId=name,
          ResourcePolicy=policy_doc("*"), BlockPublicPolicy=True)
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)
    sm.put_resource_policy(SecretId=name, ResourcePolicy=policy_doc({"AWS": "arn:aws:iam::123456789012:root"}),
                           BlockPublicPolicy=True)


def test_policy_errors(sm):
    name = uniq("b3-pol-err")
    sm.create_secret(Name=name, SecretString="v")
    fails("MalformedPolicyDocumentException", None, sm.put_resource_policy, SecretId=name, ResourcePolicy="{not json")
    missing = uniq("b3-pol-missing")
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.put_resource_policy, SecretId=missing, ResourcePolicy=policy_doc("*"))
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.get_resource_policy, SecretId=missing)
    fails("ResourceNotFoundException", h.MSG_NOT_FOUND, sm.delete_resource_policy, SecretId=missing)


def test_validate_resource_policy(sm):
    doc = policy_doc({"AWS": "arn:aws:iam::123456789012:root"})
    out = sm.validate_resource_policy(ResourcePolicy=doc)
    assert payload(out) == {"PolicyValidationPassed": True, "ValidationErrors": []}, out
    name = uniq("b3-pol-val")
    sm.create_secret(Name=name, SecretString="v")
    assert sm.validate_resource_policy(SecretId=name, ResourcePolicy=doc)["PolicyValidationPassed"] is True
    fails("ValidationException", h.MSG_INVALID_NAME, sm.validate_resource_policy, SecretId="Inv Name", ResourcePolicy=doc)
    # the broad-access check flags a wildcard principal (CheckName/ErrorMessage texts unverified)
    out = sm.validate_resource_policy(ResourcePolicy=policy_doc("*"))
    assert out["PolicyValidationPassed"] is False and out["ValidationErrors"], out


# ---------------------------------------------------------------- GetRandomPassword
def classes(pw: str) -> set:
    found = set()
    for ch in pw:
        found.add("upper" if ch.isupper() else "lower" if ch.islower() else "digit" if ch.isdigit()
                  else "punct" if ch in PUNCTUATION else "space" if ch == " " else f"other:{ch!r}")
    return found


def test_random_password_defaults(sm):
    for _ in range(20):
        out = sm.get_random_password()
        assert set(payload(out)) == {"RandomPassword"}
        pw = out["RandomPassword"]
        assert len(pw) == 32 and set(pw) <= DEFAULT_ALPHABET, pw
        assert classes(pw) == {"upper", "lower", "digit", "punct"}, pw  # RequireEachIncludedType default true


def test_random_password_excludes(sm):
    """test_get_random_exclude_characters_and_symbols (recorded against real AWS) plus the Exclude*
    flags as the AWS API model describes them."""
    pw = sm.get_random_password(PasswordLength=120, ExcludeCharacters="xyzDje@?!.")["RandomPassword"]
    assert len(pw) == 120 and not set(pw) & set("xyzDje@?!."), pw
    cases = {
        "ExcludeNumbers": {"upper", "lower", "punct"},
        "ExcludePunctuation": {"upper", "lower", "digit"},
        "ExcludeUppercase": {"lower", "digit", "punct"},
        "ExcludeLowercase": {"upper", "digit", "punct"},
    }
    for flag, expected in cases.items():
        for _ in range(5):
            pw = sm.get_random_password(PasswordLength=40, **{flag: True})["RandomPassword"]
            assert len(pw) == 40 and classes(pw) == expected, (flag, pw)
    pw = sm.get_random_password(PasswordLength=64, ExcludeNumbers=True, ExcludePunctuation=True, ExcludeUppercase=True)
    assert set(pw["RandomPassword"]) <= set(string.ascii_lowercase) and len(pw["RandomPassword"]) == 64
    pw = sm.get_random_password(PasswordLength=200, IncludeSpace=True)["RandomPassword"]
    assert set(pw) <= DEFAULT_ALPHABET | {" "} and len(pw) == 200


def test_random_password_errors(sm):
    fails("ValidationException", h.coral_range_max("passwordLength", 4097, 4096), sm.get_random_password, PasswordLength=4097)
    # nothing left to draw from: InvalidParameterException (text unverified)
    fails("InvalidParameterException", None, sm.get_random_password, ExcludeNumbers=True, ExcludePunctuation=True,
          ExcludeUppercase=True, ExcludeLowercase=True)
