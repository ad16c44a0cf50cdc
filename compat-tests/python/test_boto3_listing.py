"""boto3 against lockbox: ListSecrets (filters, sort order, pagination, planned deletion),
BatchGetSecretValue, TagResource / UntagResource. The server is reset before each test so
that the filter expectations (taken from real-AWS runs) see exactly
the secrets the test created."""
from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, payload

SECRET_ENTRY_KEYS = {"ARN", "Name", "CreatedDate", "LastChangedDate"}


@pytest.fixture(autouse=True)
def clean(lockbox):
    h.reset_server(lockbox)


def names(resp) -> list:
    return [s["Name"] for s in resp["SecretList"]]


def listed(sm, *filters, **kw) -> list:
    """Sorted names returned by one ListSecrets call with the given filters."""
    if filters:
        kw["Filters"] = [{"Key": k, "Values": v} for k, v in filters]
    return sorted(names(sm.list_secrets(**kw)))


def create_all(sm, specs):
    """specs: list of (name, description|None, tags|None); creation order is kept."""
    for name, description, tags in specs:
        kw = {"Name": name, "SecretString": "s"}
        if description is not None:
            kw["Description"] = description
        if tags:
            kw["Tags"] = [{"Key": k, "Value": v} for k, v in tags]
        sm.create_secret(**kw)


# ---------------------------------------------------------------- entry shape
def test_list_entry_fields(sm, lockbox):
    full = sm.create_secret(Name="full", SecretString="v", Description="d", Tags=[{"Key": "k", "Value": "v"}])
    sm.create_secret(Name="bare")
    sm.get_secret_value(SecretId="full")
    resp = sm.list_secrets()
    assert set(payload(resp)) == {"SecretList"}, resp  # no NextToken on the last page
    by_name = {s["Name"]: s for s in resp["SecretList"]}
    assert set(by_name["full"]) == SECRET_ENTRY_KEYS | {
        "Description", "Tags", "SecretVersionsToStages", "LastAccessedDate"}, by_name["full"]
    assert by_name["full"]["ARN"] == full["ARN"]
    assert by_name["full"]["SecretVersionsToStages"] == {full["VersionId"]: ["AWSCURRENT"]}
    assert by_name["full"]["Tags"] == [{"Key": "k", "Value": "v"}]
    assert by_name["full"]["LastAccessedDate"].timestamp() % 86400 == 0
    assert set(by_name["bare"]) == SECRET_ENTRY_KEYS, by_name["bare"]
    raw = h.raw_ok(lockbox, "ListSecrets", {})
    assert set(raw) == {"SecretList"} and len(raw["SecretList"]) == 2


# ---------------------------------------------------------------- filters
def test_name_and_description_filters(sm):
    """LocalStack's test_list_secrets_filtering (recorded against real AWS)."""
    create_all(sm, [
        ("testing1/one-12345", "a secret", None),
        ("/testing2/two-12345", "an secret", None),
        ("testing3/three-12345", "asecret", None),
        ("/testing4/four-12345", "thesecret", None),
    ])
    one, two, three, four = "testing1/one-12345", "/testing2/two-12345", "testing3/three-12345", "/testing4/four-12345"
    assert listed(sm, ("name", ["/"])) == sorted([two, four])
    assert listed(sm, ("name", ["!/"])) == sorted([one, three])
    assert listed(sm, ("name", ["testing1 one"])) == []
    assert listed(sm, ("description", ["a"])) == sorted([one, two, three])
    assert listed(sm, ("description", ["!a"])) == [four]
    assert listed(sm, ("description", ["a secret"])) == sorted([one, two])
    assert listed(sm, ("description", ["!c"])) == sorted([one, two, three, four])
    assert listed(sm, ("description", ["a"]), ("name", ["secret"])) == []
    assert listed(sm, ("description", ["a"]), ("name", ["an"])) == []
    # description is case-insensitive, name is case-sensitive (AWS documentation; recorded on AWS)
    assert listed(sm, ("description", ["A SECRET"])) == sorted([one, two])
    assert listed(sm, ("name", ["Testing1"])) == []
    assert listed(sm, ("name", ["testing1"])) == [one]


def test_description_words_and_duplicate_keys(sm):
    """As moto's test_with_filter_with_value_with_multiple_words / test_with_duplicate_filter_keys
    check (validated against AWS)."""
    create_all(sm, [("foo", "one two", None), ("bar", "one and two", None), ("baz", "one", None),
                    ("qux", "two", None), ("none", "unrelated", None)])
    assert listed(sm, ("description", ["one two"])) == ["bar", "foo"]
    assert listed(sm, ("description", ["one"]), ("description", ["two"])) == ["bar", "foo"]
    assert listed(sm, ("description", ["t"])) == ["bar", "foo", "qux"]


def test_all_filter(sm):
    """As moto's test_with_all_filter checks (validated against AWS)."""
    u = "qzxvwk"
    first, second, third = f"SecretOne{u}", f"SecretTwo{u}", f"Thirdsecret{u}"
    tag_key, tag_val, none = f"SecretFTag{u}", f"SecretFValue{u}", f"none{u}"
    create_all(sm, [(first, None, None), (second, "DescTwo", None), (third, None, None),
                    (tag_key, None, [("1", "foo")]), (tag_val, None, [("foo", "v")]), (none, None, None)])
    secretish = sorted([first, second, tag_key, tag_val])
    assert listed(sm, ("all", ["SecretOne"])) == [first]
    assert listed(sm, ("all", ["foo"])) == sorted([tag_key, tag_val])
    assert listed(sm, ("all", ["Secret"])) == secretish
    assert listed(sm, ("all", ["secret"])) == secretish
    assert listed(sm, ("all", ["ret"])) == []
    assert listed(sm, ("all", ["sec"])) == secretish
    assert listed(sm, ("all", ["SomeSecret"])) == []
    assert listed(sm, ("all", ["d"])) == [second]
    assert listed(sm, ("all", ["d t"])) == [second]
    assert listed(sm, ("all", ["t"])) == sorted([second, third, tag_key])


def test_all_filter_word_splitting(sm):
    """As moto's test_with_all_filter_special_characters checks (validated against AWS)."""
    u = "qzxvwk"
    special = [f"prod{sep}AppBeta{sep}{u}" for sep in "/_+=.@-"]
    full_upper, partial_upper = f"uat/COMPANY/{u}", f"uat/COMPANYthings/{u}"
    create_all(sm, [(n, None, None) for n in special + [full_upper, partial_upper]])
    assert listed(sm, ("all", ["AppBeta"])) == sorted(special)
    assert listed(sm, ("all", ["Beta"])) == sorted(special)
    assert listed(sm, ("all", ["AppBeta", "prod"])) == sorted(special)
    assert listed(sm, ("all", ["+"])) == []
    assert listed(sm, ("all", [u])) == sorted(special + [full_upper, partial_upper])
    assert listed(sm, ("all", ["company"])) == [full_upper]
    assert listed(sm, ("all", ["things"])) == []
    assert listed(sm, ("all", ["Ythings"])) == [partial_upper]
    assert listed(sm, ("all", ["N"])) == []
    assert listed(sm, ("all", ["pany"])) == []


def test_tag_filters_prefix_case_sensitive_and_combined(sm):
    """tag-key / tag-value: case-sensitive prefix (AWS documentation); filters AND together (as
    moto's test_with_multiple_filters checks, validated against AWS); values inside one filter
    OR together."""
    create_all(sm, [
        ("foo", None, [("right", "right")]), ("bar", None, [("right", "wrong")]),
        ("baz", None, [("wrong", "right")]), ("qux", None, [("wrong", "wrong")]),
        ("env", None, [("Environment", "Production")]),
    ])
    assert listed(sm, ("tag-key", ["right"]), ("tag-value", ["right"])) == ["foo"]
    assert listed(sm, ("tag-key", ["Env"])) == ["env"]
    assert listed(sm, ("tag-key", ["env"])) == []
    assert listed(sm, ("tag-key", ["ronment"])) == []
    assert listed(sm, ("tag-value", ["Prod"])) == ["env"]
    assert listed(sm, ("tag-value", ["prod"])) == []
    assert listed(sm, ("tag-key", ["!wrong"])) == ["bar", "env", "foo"]
    assert listed(sm, ("name", ["foo", "bar"])) == ["bar", "foo"]


def test_filter_validation(sm):
    with pytest.raises(ClientError) as ei:
        sm.list_secrets(Filters=[{"Key": "invalid", "Values": ["foo"]}])
    resp = assert_client_error(ei, "ValidationException")
    assert resp["Error"]["Message"].startswith(
        "1 validation error detected: Value 'invalid' at 'filters.1.member.key' failed to satisfy constraint: "
        "Member must satisfy enum value set: ["), resp
    with pytest.raises(ClientError) as ei:
        sm.list_secrets(MaxResults=101)
    assert_client_error(ei, "ValidationException", h.coral_range_max("maxResults", 101, 100))
    with pytest.raises(ClientError) as ei:
        sm.list_secrets(SortOrder="sideways")
    resp = assert_client_error(ei, "ValidationException")
    assert resp["Error"]["Message"].startswith(
        "1 validation error detected: Value 'sideways' at 'sortOrder' failed to satisfy constraint: "
        "Member must satisfy enum value set: ["), resp


# ---------------------------------------------------------------- order, pages, planned deletion
def test_sort_order(sm):
    order = ["zulu", "alpha", "mike", "bravo"]
    for n in order:
        sm.create_secret(Name=n, SecretString="s")
        time.sleep(0.02)
    # default: by CreatedDate, oldest first (listings recorded against real AWS; the model does
    # not state the direction)
    assert names(sm.list_secrets()) == order
    assert names(sm.list_secrets(SortOrder="asc")) == order
    assert names(sm.list_secrets(SortOrder="desc")) == order[::-1]


def test_paginator_sees_every_secret_once(sm):
    created = [f"page-{i:02d}" for i in range(7)] + ["other-1", "other-2"]
    for n in created:
        sm.create_secret(Name=n, SecretString="s")
    paginator = sm.get_paginator("list_secrets")
    for size in (1, 2, 3, 100):
        pages = list(paginator.paginate(PaginationConfig={"PageSize": size}))
        seen = [s["Name"] for p in pages for s in p["SecretList"]]
        assert sorted(seen) == sorted(created) and len(seen) == len(set(seen)), (size, seen)
        assert all(len(p["SecretList"]) <= size for p in pages)
        assert "NextToken" not in pages[-1]
        assert all("NextToken" in p for p in pages[:-1])
    pages = list(paginator.paginate(Filters=[{"Key": "name", "Values": ["page-"]}], PaginationConfig={"PageSize": 2}))
    seen = [s["Name"] for p in pages for s in p["SecretList"]]
    assert sorted(seen) == created[:7] and len(seen) == 7
    full = paginator.paginate(PaginationConfig={"PageSize": 4, "MaxItems": 5}).build_full_result()
    assert len(full["SecretList"]) == 5 and "NextToken" in full


def test_include_planned_deletion(sm):
    sm.create_secret(Name="kept", SecretString="s")
    sm.create_secret(Name="doomed", SecretString="s")
    sm.delete_secret(SecretId="doomed", RecoveryWindowInDays=7)
    assert names(sm.list_secrets()) == ["kept"]
    assert names(sm.list_secrets(IncludePlannedDeletion=False)) == ["kept"]
    entries = {s["Name"]: s for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]}
    assert set(entries) == {"kept", "doomed"}
    assert "DeletedDate" in entries["doomed"] and "DeletedDate" not in entries["kept"]


# ---------------------------------------------------------------- BatchGetSecretValue
VALUE_KEYS = {"ARN", "Name", "VersionId", "VersionStages", "CreatedDate"}


def test_batch_by_ids_with_per_secret_errors(sm, lockbox):
    a = sm.create_secret(Name="batch-a", SecretString="va")
    b = sm.create_secret(Name="batch-b", SecretBinary=h.BINARY_VALUE)
    missing = "batch-missing"
    resp = sm.batch_get_secret_value(SecretIdList=["batch-a", b["ARN"], missing])
    assert set(payload(resp)) == {"SecretValues", "Errors"}, resp
    by_name = {v["Name"]: v for v in resp["SecretValues"]}
    assert set(by_name) == {"batch-a", "batch-b"}
    assert set(by_name["batch-a"]) == VALUE_KEYS | {"SecretString"}
    assert set(by_name["batch-b"]) == VALUE_KEYS | {"SecretBinary"}
    assert by_name["batch-a"]["SecretString"] == "va" and by_name["batch-a"]["VersionId"] == a["VersionId"]
    assert by_name["batch-b"]["SecretBinary"] == h.BINARY_VALUE and by_name["batch-b"]["ARN"] == b["ARN"]
    assert all(v["VersionStages"] == ["AWSCURRENT"] for v in resp["SecretValues"])
    assert resp["Errors"] == [
        {"SecretId": missing, "ErrorCode": "ResourceNotFoundException", "Message": h.MSG_NOT_FOUND}]
    # a batch read counts as an access
    assert sm.describe_secret(SecretId="batch-a")["LastAccessedDate"].timestamp() % 86400 == 0
    # "Errors": [] when nothing failed (the CLI example in AWS's documentation)
    raw = h.raw_ok(lockbox, "BatchGetSecretValue", {"SecretIdList": ["batch-a"]})
    assert raw["Errors"] == [] and len(raw["SecretValues"]) == 1 and "NextToken" not in raw


def test_batch_by_filters_and_paging(sm):
    for i in range(5):
        sm.create_secret(Name=f"bf-{i}", SecretString=f"value-{i}")
    sm.create_secret(Name="other", SecretString="x")
    resp = sm.batch_get_secret_value(Filters=[{"Key": "name", "Values": ["bf-"]}])
    assert sorted((v["Name"], v["SecretString"]) for v in resp["SecretValues"]) == [(f"bf-{i}", f"value-{i}") for i in range(5)]
    assert resp["Errors"] == []
    seen, token, calls = [], None, 0
    while True:
        kw = {"Filters": [{"Key": "name", "Values": ["bf-"]}], "MaxResults": 2}
        if token:
            kw["NextToken"] = token
        page = sm.batch_get_secret_value(**kw)
        calls += 1
        assert len(page["SecretValues"]) <= 2
        seen += [v["Name"] for v in page["SecretValues"]]
        token = page.get("NextToken")
        if not token:
            break
        assert calls < 10
    assert sorted(seen) == [f"bf-{i}" for i in range(5)] and len(seen) == 5


def test_batch_parameter_errors(sm):
    """Both lists / MaxResults without Filters: InvalidParameterException (texts unverified)."""
    sm.create_secret(Name="bp", SecretString="s")
    with pytest.raises(ClientError) as ei:
        sm.batch_get_secret_value(SecretIdList=["bp"], Filters=[{"Key": "name", "Values": ["bp"]}])
    assert_client_error(ei, "InvalidParameterException")
    with pytest.raises(ClientError) as ei:
        sm.batch_get_secret_value(SecretIdList=["bp"], MaxResults=5)
    assert_client_error(ei, "InvalidParameterException")


# ---------------------------------------------------------------- tags
def test_tag_sequence(sm):
    """test_secret_tags (recorded against real AWS): insertion order kept; "Tags": [] once every
    tag is removed."""
    arn = sm.create_secret(Name="tagged")["ARN"]
    assert "Tags" not in sm.describe_secret(SecretId=arn)
    out = sm.tag_resource(SecretId=arn, Tags=[{"Key": "tag1", "Value": "value1"}])
    assert payload(out) == {}
    sm.tag_resource(SecretId=arn, Tags=[{"Key": "tag2", "Value": "value2"}])
    assert sm.describe_secret(SecretId=arn)["Tags"] == [{"Key": "tag1", "Value": "value1"}, {"Key": "tag2", "Value": "value2"}]
    assert payload(sm.untag_resource(SecretId=arn, TagKeys=["tag1"])) == {}
    assert sm.describe_secret(SecretId=arn)["Tags"] == [{"Key": "tag2", "Value": "value2"}]
    sm.untag_resource(SecretId=arn, TagKeys=["tag2"])
    assert sm.describe_secret(SecretId=arn)["Tags"] == []
    assert sm.list_secrets()["SecretList"][0]["Tags"] == []
    sm.tag_resource(SecretId=arn, Tags=[{"Key": "tag3", "Value": "value3"}, {"Key": "tag4", "Value": "value4"}])
    assert sm.describe_secret(SecretId=arn)["Tags"] == [{"Key": "tag3", "Value": "value3"}, {"Key": "tag4", "Value": "value4"}]
    sm.untag_resource(SecretId=arn, TagKeys=["tag3", "tag4"])
    assert sm.describe_secret(SecretId=arn)["Tags"] == []


def test_tag_upsert_and_untag_absent_key(sm):
    sm.create_secret(Name="upsert", SecretString="s", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    sm.tag_resource(SecretId="upsert", Tags=[{"Key": "a", "Value": "changed"}, {"Key": "c", "Value": "3"}])
    tags = sm.describe_secret(SecretId="upsert")["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"a": "changed", "b": "2", "c": "3"} and len(tags) == 3
    sm.untag_resource(SecretId="upsert", TagKeys=["never-there"])
    assert len(sm.describe_secret(SecretId="upsert")["Tags"]) == 3


def test_tag_errors(sm):
    sm.create_secret(Name="tag-errors", SecretString="s")
    key = "aws:cloudformation:stack-name"
    with pytest.raises(ClientError) as ei:
        sm.tag_resource(SecretId="tag-errors", Tags=[{"Key": key, "Value": "x"}])
    assert_client_error(ei, "InvalidParameterException", h.msg_system_tag(key))
    assert "Tags" not in sm.describe_secret(SecretId="tag-errors")
    for call in (lambda s: sm.tag_resource(SecretId=s, Tags=[{"Key": "FirstTag", "Value": "SomeValue"}]),
                 lambda s: sm.untag_resource(SecretId=s, TagKeys=["FirstTag"])):
        with pytest.raises(ClientError) as ei:
            call("tag-missing")
        assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
        with pytest.raises(ClientError) as ei:
            call("Inv Name")
        assert_client_error(ei, "ValidationException", h.MSG_INVALID_NAME)


@pytest.mark.parametrize("target,body", [
    ("TagResource", {"Tags": [{"Key": "k", "Value": "v"}]}),
    ("UntagResource", {"TagKeys": ["k"]}),
])
def test_tag_untag_empty_body_on_the_wire(sm, lockbox, target, body):
    """HTTP 200, Content-Length 0, empty body, as the AWS CLI debug log in
    terraform-provider-aws#43073 shows."""
    sm.create_secret(Name="wire-tags", SecretString="s")
    resp = h.raw_call(lockbox, target, {"SecretId": "wire-tags", **body})
    assert resp.status == 200, resp.body
    assert resp.body == b"", resp.body
    assert resp.header("Content-Length") == "0", resp.headers
    assert resp.header("x-amzn-RequestId")
    assert (resp.header("Content-Type") or "").split(";")[0] == h.JSON_CT

