"""aws CLI v1 against lockbox: list-secrets (auto-pagination, --max-items/--starting-token,
filters, sort order, planned deletion), batch-get-secret-value, tag-resource / untag-resource.
State is set up through boto3 (fast); only the behaviour under test goes through the CLI."""
from __future__ import annotations

import json

import pytest

import lockbox_harness as h

SM = "secretsmanager"


@pytest.fixture(autouse=True)
def clean(lockbox):
    h.reset_server(lockbox)


def names(doc) -> list:
    return [s["Name"] for s in doc["SecretList"]]


def test_list_auto_pagination_and_max_items(cli, lockbox, sm):
    created = [f"page-{i:02d}" for i in range(7)]
    for n in created:
        sm.create_secret(Name=n, SecretString="s")
    # --page-size sets MaxResults; the CLI follows NextToken until the server omits it
    out = cli.ok(lockbox, SM, "list-secrets", "--page-size", "2")
    assert names(out) == created and "NextToken" not in out, out
    first = cli.ok(lockbox, SM, "list-secrets", "--page-size", "2", "--max-items", "3")
    assert names(first) == created[:3] and first.get("NextToken"), first
    rest = cli.ok(lockbox, SM, "list-secrets", "--page-size", "2", "--starting-token", first["NextToken"])
    assert names(rest) == created[3:], rest
    assert names(cli.ok(lockbox, SM, "list-secrets", "--sort-order", "desc")) == created[::-1]


def test_list_filters(cli, lockbox, sm):
    """test_list_secrets_filtering (recorded against real AWS) through the CLI's JSON and
    shorthand syntaxes."""
    for name, desc in [("testing1/one", "a secret"), ("/testing2/two", "an secret"),
                       ("testing3/three", "asecret"), ("/testing4/four", "thesecret")]:
        sm.create_secret(Name=name, SecretString="s", Description=desc, Tags=[{"Key": "Team", "Value": name[-3:]}])
    out = cli.ok(lockbox, SM, "list-secrets", "--filters", json.dumps([{"Key": "description", "Values": ["a secret"]}]))
    assert sorted(names(out)) == ["/testing2/two", "testing1/one"]
    out = cli.ok(lockbox, SM, "list-secrets", "--filters", "Key=name,Values=/", "Key=description,Values=!an")
    assert names(out) == ["/testing4/four"]
    entry = out["SecretList"][0]
    assert set(entry) == {"ARN", "Name", "Description", "CreatedDate", "LastChangedDate", "Tags",
                          "SecretVersionsToStages"}, entry


def test_list_include_planned_deletion(cli, lockbox, sm):
    sm.create_secret(Name="kept", SecretString="s")
    sm.create_secret(Name="doomed", SecretString="s")
    sm.delete_secret(SecretId="doomed", RecoveryWindowInDays=7)
    assert names(cli.ok(lockbox, SM, "list-secrets")) == ["kept"]
    out = cli.ok(lockbox, SM, "list-secrets", "--include-planned-deletion")
    by_name = {s["Name"]: s for s in out["SecretList"]}
    assert set(by_name) == {"kept", "doomed"} and "DeletedDate" in by_name["doomed"]


def test_batch_get(cli, lockbox, sm):
    sm.create_secret(Name="batch-a", SecretString="va")
    b = sm.create_secret(Name="batch-b", SecretString="vb")
    out = cli.ok(lockbox, SM, "batch-get-secret-value", "--secret-id-list", "batch-a", b["ARN"], "batch-missing")
    assert sorted((v["Name"], v["SecretString"]) for v in out["SecretValues"]) == [("batch-a", "va"), ("batch-b", "vb")]
    assert out["Errors"] == [
        {"SecretId": "batch-missing", "ErrorCode": "ResourceNotFoundException", "Message": h.MSG_NOT_FOUND}]
    out = cli.ok(lockbox, SM, "batch-get-secret-value", "--filters", "Key=name,Values=batch-")
    assert sorted(v["Name"] for v in out["SecretValues"]) == ["batch-a", "batch-b"]
    assert out["Errors"] == []


def test_tags(cli, lockbox, sm):
    arn = sm.create_secret(Name="tagged", SecretString="s")["ARN"]
    p = cli.run(lockbox, SM, "tag-resource", "--secret-id", arn, "--tags", "Key=tag1,Value=value1", "Key=tag2,Value=value2")
    assert p.returncode == 0 and p.stdout.strip() == "", (p.stdout, p.stderr)  # empty body -> no output
    p = cli.run(lockbox, SM, "untag-resource", "--secret-id", "tagged", "--tag-keys", "tag1", "tag2")
    assert p.returncode == 0 and p.stdout.strip() == "", (p.stdout, p.stderr)
    assert cli.ok(lockbox, SM, "describe-secret", "--secret-id", "tagged")["Tags"] == []
    key = "aws:cloudformation:stack-name"
    cli.fails(lockbox, "InvalidParameterException", "TagResource", h.msg_system_tag(key),
              SM, "tag-resource", "--secret-id", "tagged", "--tags", f"Key={key},Value=x")
