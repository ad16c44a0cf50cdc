"""aws CLI v1 against lockbox: put-secret-value, update-secret, update-secret-version-stage
and list-secret-version-ids. Each CLI call costs ~0.6 s, so the staging-label traces
recorded against real AWS are replayed with a state check at the end only (boto3 and JS
check every step)."""
from __future__ import annotations

import uuid

import pytest

import lockbox_harness as h
from lockbox_harness import uniq

SM = "secretsmanager"
TRACES = {t["id"]: t for t in h.load_shared("label-traces.json")["traces"]}


class CliLabels:
    """LabelTraceRunner adapter for the aws CLI."""

    def __init__(self, cli, server):
        self.cli, self.server = cli, server

    def ok(self, *args):
        return self.cli.ok(self.server, SM, *args)

    def create(self, name, token, value):
        extra = [] if value is None else ["--client-request-token", token, "--secret-string", value]
        return self.ok("create-secret", "--name", name, *extra)

    def put(self, name, token, value, stages):
        extra = [] if stages is None else ["--version-stages", *stages]
        out = self.ok("put-secret-value", "--secret-id", name, "--client-request-token", token,
                      "--secret-string", value, *extra)
        assert set(out) == {"ARN", "Name", "VersionId", "VersionStages"}, out
        return out

    def update(self, name, token, value):
        return self.ok("update-secret", "--secret-id", name, "--client-request-token", token, "--secret-string", value)

    def move(self, name, label, to_id, from_id):
        return self.ok("update-secret-version-stage", "--secret-id", name, "--version-stage", label,
                       "--move-to-version-id", to_id, "--remove-from-version-id", from_id)

    def remove(self, name, label, from_id):
        return self.ok("update-secret-version-stage", "--secret-id", name, "--version-stage", label,
                       "--remove-from-version-id", from_id)

    def versions(self, name, include_deprecated):
        flag = ["--include-deprecated"] if include_deprecated else []
        return self.ok("list-secret-version-ids", "--secret-id", name, *flag)["Versions"]

    def describe_stages(self, name):
        return self.ok("describe-secret", "--secret-id", name).get("VersionIdsToStages")

    def current_value(self, name):
        return self.ok("get-secret-value", "--secret-id", name)["SecretString"]


@pytest.mark.parametrize("trace_id", ["C1-current-pending", "C2-custom-stages-1", "C4-custom-stages-3"])
def test_label_trace(cli, lockbox, trace_id):
    h.LabelTraceRunner(CliLabels(cli, lockbox), uniq("cli-trace")).run(TRACES[trace_id], check_every_step=False)


def test_put_idempotency_and_deprecated_listing(cli, lockbox):
    name = uniq("cli-put")
    c = CliLabels(cli, lockbox)
    created = c.ok("create-secret", "--name", name, "--secret-string", "one")
    token = str(uuid.uuid4())
    args = ["put-secret-value", "--secret-id", name, "--client-request-token", token]
    first = c.ok(*args, "--secret-string", "two")
    again = c.ok(*args, "--secret-string", "two")
    assert again == first and first["VersionId"] == token and first["VersionStages"] == ["AWSCURRENT"]
    cli.fails(lockbox, "ResourceExistsException", "PutSecretValue", h.msg_token_in_use(token, created["ARN"]),
              SM, *args, "--secret-string", "three")
    third = c.ok("put-secret-value", "--secret-id", name, "--secret-string", "three")
    full = c.ok("list-secret-version-ids", "--secret-id", name, "--include-deprecated")
    assert set(full) == {"ARN", "Name", "Versions"}, full
    by_id = {v["VersionId"]: v for v in full["Versions"]}
    assert set(by_id) == {created["VersionId"], token, third["VersionId"]}
    assert set(by_id[created["VersionId"]]) == {"VersionId", "CreatedDate", "KmsKeyIds"}, by_id
    assert by_id[token]["VersionStages"] == ["AWSPREVIOUS"]
    assert by_id[third["VersionId"]]["VersionStages"] == ["AWSCURRENT"]
    assert all(v["KmsKeyIds"] == h.DEFAULT_KMS_KEY_IDS for v in by_id.values())


def test_update_secret(cli, lockbox):
    name = uniq("cli-upd")
    c = CliLabels(cli, lockbox)
    created = c.ok("create-secret", "--name", name, "--secret-string", "one")
    out = c.ok("update-secret", "--secret-id", name, "--description", "only the description")
    assert set(out) == {"ARN", "Name"}, out  # no VersionId without a value (recorded against real AWS)
    token = str(uuid.uuid4())
    args = ["update-secret", "--secret-id", name, "--client-request-token", token]
    first = c.ok(*args, "--secret-string", "two")
    again = c.ok(*args, "--secret-string", "two")
    assert first["VersionId"] == token and again["VersionId"] == token
    cli.fails(lockbox, "ResourceExistsException", "UpdateSecret", h.msg_token_in_use(token, created["ARN"]),
              SM, *args, "--secret-string", "three")
    d = c.ok("describe-secret", "--secret-id", name)
    assert d["Description"] == "only the description"
    assert d["VersionIdsToStages"] == {created["VersionId"]: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}


def test_version_stage_errors(cli, lockbox):
    name = uniq("cli-uvs")
    c = CliLabels(cli, lockbox)
    v1 = c.ok("create-secret", "--name", name, "--secret-string", "one")["VersionId"]
    v2 = c.ok("put-secret-value", "--secret-id", name, "--secret-string", "two", "--version-stages", "AWSPENDING")["VersionId"]
    cli.fails(lockbox, "InvalidParameterException", "UpdateSecretVersionStage",
              h.msg_remove_from_version_id("AWSCURRENT", v1),
              SM, "update-secret-version-stage", "--secret-id", name, "--version-stage", "AWSCURRENT",
              "--move-to-version-id", v2)


def test_unknown_secret(cli, lockbox):
    missing = uniq("cli-missing")
    cli.fails(lockbox, "ResourceNotFoundException", "PutSecretValue", h.MSG_NOT_FOUND,
              SM, "put-secret-value", "--secret-id", missing, "--secret-string", "v")
    cli.fails(lockbox, "ResourceNotFoundException", "ListSecretVersionIds", h.MSG_NOT_FOUND,
              SM, "list-secret-version-ids", "--secret-id", missing)
