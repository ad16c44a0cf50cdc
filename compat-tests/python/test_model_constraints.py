"""Model-driven constraint checks.

Loads the installed botocore model for secretsmanager 2017-10-17 and, for every input member
(nested structure and list members included) of every operation Lockbox serves that has a
length limit, a range, an enum or a pattern, sends a violating value through boto3 with
client-side validation disabled. The expected Coral-style ValidationException text is derived
from the model, so the test follows the model when botocore is upgraded.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import botocore
import botocore.loaders
import pytest
from botocore.exceptions import ClientError
from botocore.model import ServiceModel

import lockbox_harness as h
from lockbox_harness import assert_client_error, uniq

OPERATIONS = [
    "BatchGetSecretValue", "CreateSecret", "DeleteResourcePolicy", "DeleteSecret", "DescribeSecret",
    "GetRandomPassword", "GetResourcePolicy", "GetSecretValue", "ListSecretVersionIds", "ListSecrets",
    "PutResourcePolicy", "PutSecretValue", "RestoreSecret", "TagResource", "UntagResource",
    "UpdateSecret", "UpdateSecretVersionStage", "ValidateResourcePolicy",
]
_loader = botocore.loaders.Loader()
MODEL = ServiceModel(_loader.load_service_model("secretsmanager", "service-2", api_version="2017-10-17"))
# Strings that may violate a pattern; the generator picks the first that does.
PATTERN_BREAKERS = ("NOT_VALID!", "bad#value", "x", "0", "A", "tab\there")


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


@dataclass
class Case:
    op: str
    member_path: list  # e.g. ["Tags", 0, "Key"]
    coral_path: str  # e.g. "tags.1.member.key"
    value: object
    constraint: str
    sensitive: bool
    exact: bool = True  # False: only "<path>' failed to satisfy constraint: <constraint>" is pinned

    @property
    def id(self):
        c = self.constraint
        kind = ("pattern" if "pattern" in c else "enum" if "enum" in c else "members" if "satisfy constraint" in c
                else "max" if "less than" in c else "min")
        return f"{self.op}-{self.coral_path}-{kind}"

    def expected_message(self) -> str:
        if self.sensitive:
            part = f"Value at '{self.coral_path}' failed to satisfy constraint: {self.constraint}"
        else:
            shown = self.value.decode() if isinstance(self.value, bytes) else self.value
            part = f"Value '{shown}' at '{self.coral_path}' failed to satisfy constraint: {self.constraint}"
        return f"1 validation error detected: {part}"


def _matches(pattern, value) -> bool:
    return pattern is None or re.search(pattern, value) is not None


def _string_cases(op, mshape, mpath, mcoral, sensitive):
    md = mshape.metadata
    pattern = md.get("pattern")
    mk = (lambda s: s.encode()) if mshape.type_name == "blob" else (lambda s: s)
    if getattr(mshape, "enum", None):
        yield Case(op, mpath, mcoral, "bogus-value",
                   f"Member must satisfy enum value set: [{', '.join(mshape.enum)}]", sensitive)
    if "max" in md:
        n = md["max"] + 1
        for cand in ("a" * n, "a" * (n - 2) + "-1"):
            if _matches(pattern, cand):
                yield Case(op, mpath, mcoral, mk(cand),
                           f"Member must have length less than or equal to {md['max']}", sensitive)
                break
    if md.get("min", 0) > 0:
        n = md["min"] - 1
        for cand in ("a" * n, "a" * (n - 2) + "-1" if n >= 3 else None):
            if cand is not None and _matches(pattern, cand):
                yield Case(op, mpath, mcoral, mk(cand),
                           f"Member must have length greater than or equal to {md['min']}", sensitive)
                break
    if pattern:
        lo, hi = md.get("min", 0), md.get("max", 10_000)
        for cand in PATTERN_BREAKERS + ("#" * max(lo, 1), "0" * max(lo, 1), "A" * max(lo, 1)):
            if lo <= len(cand) <= hi and not _matches(pattern, cand):
                yield Case(op, mpath, mcoral, mk(cand),
                           f"Member must satisfy regular expression pattern: {pattern}", sensitive)
                break
        else:  # pragma: no cover - would mean the generator needs a new candidate
            raise AssertionError(f"no pattern-violating candidate for {op}.{mcoral}: {pattern}")


def _valid_item(shape):
    """A value of `shape` that satisfies its constraints (for over-long lists)."""
    if shape.type_name == "structure":
        if shape.name == "Filter":
            return {"Key": "name", "Values": ["x"]}
        return {name: _valid_item(member) for name, member in shape.members.items()
                if name in shape.required_members}
    return "v" * max(shape.metadata.get("min", 1), 1)


def _list_cases(op, mshape, mpath, mcoral, sensitive):
    md = mshape.metadata
    if "max" in md:
        items = [_valid_item(mshape.member) for _ in range(md["max"] + 1)]
        if mshape.member.type_name == "string":
            items = [f"{item}{i}" for i, item in enumerate(items)]
        yield Case(op, mpath, mcoral, items,
                   f"Member must have length less than or equal to {md['max']}", sensitive, exact=False)
    inner = mshape.member
    if inner.type_name == "string" and (inner.metadata.get("max") or inner.metadata.get("pattern")):
        too_long = "a" * (inner.metadata.get("max", 1) + 1) if inner.metadata.get("max") else None
        bad = too_long if too_long is not None else next(c for c in PATTERN_BREAKERS if not _matches(inner.metadata["pattern"], c))
        yield Case(op, mpath, mcoral, [bad], "Member must satisfy constraint: [", sensitive, exact=False)


def _cases_for_shape(op, shape, path, coral, sensitive_parent=False):
    for mname, mshape in shape.members.items():
        mpath = path + [mname]
        mcoral = f"{coral}.{lower_first(mname)}" if coral else lower_first(mname)
        md = mshape.metadata
        sensitive = sensitive_parent or bool(md.get("sensitive"))
        if mshape.type_name in ("string", "blob"):
            yield from _string_cases(op, mshape, mpath, mcoral, sensitive)
        elif mshape.type_name in ("integer", "long"):
            if "max" in md:
                yield Case(op, mpath, mcoral, md["max"] + 1,
                           f"Member must have value less than or equal to {md['max']}", sensitive)
            if "min" in md:
                yield Case(op, mpath, mcoral, md["min"] - 1,
                           f"Member must have value greater than or equal to {md['min']}", sensitive)
        elif mshape.type_name == "structure":
            yield from _cases_for_shape(op, mshape, mpath, mcoral, sensitive)
        elif mshape.type_name == "list":
            yield from _list_cases(op, mshape, mpath, mcoral, sensitive)
            if mshape.member.type_name == "structure":
                yield from _cases_for_shape(op, mshape.member, mpath + [0], f"{mcoral}.1.member", sensitive)


def all_cases():
    cases = []
    for op in OPERATIONS:
        cases.extend(_cases_for_shape(op, MODEL.operation_model(op).input_shape, [], ""))
    return cases


CASES = all_cases()


def test_model_yields_expected_case_set():
    """Sanity check of the generator against the model shipped with botocore 1.43.11."""
    ids = {(c.op, c.coral_path) for c in CASES}
    for must in [
        ("CreateSecret", "name"), ("CreateSecret", "clientRequestToken"), ("CreateSecret", "description"),
        ("CreateSecret", "kmsKeyId"), ("CreateSecret", "secretString"), ("CreateSecret", "secretBinary"),
        ("CreateSecret", "tags.1.member.key"), ("CreateSecret", "tags.1.member.value"),
        ("CreateSecret", "addReplicaRegions.1.member.region"),
        ("GetSecretValue", "secretId"), ("GetSecretValue", "versionId"), ("GetSecretValue", "versionStage"),
        ("DescribeSecret", "secretId"), ("PutSecretValue", "rotationToken"), ("PutSecretValue", "versionStages"),
        ("ListSecrets", "maxResults"), ("ListSecrets", "sortBy"), ("ListSecrets", "filters.1.member.key"),
        ("ListSecrets", "filters.1.member.values"), ("BatchGetSecretValue", "secretIdList"),
        ("GetRandomPassword", "passwordLength"), ("UntagResource", "tagKeys"),
        ("PutResourcePolicy", "resourcePolicy"), ("UpdateSecretVersionStage", "moveToVersionId"),
    ]:
        assert must in ids, must
    assert any("regular expression pattern" in c.constraint for c in CASES)
    assert len(CASES) > 80, len(CASES)


@pytest.fixture(scope="module")
def raw_client(lockbox):
    return h.boto_client(lockbox, parameter_validation=False)


@pytest.fixture(scope="module")
def existing(sm):
    name = uniq("mc")
    sm.create_secret(Name=name, SecretString="v")
    return name


def _set(params, path, value):
    target = params
    for i, key in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(key, int):
            while len(target) <= key:
                target.append({} if isinstance(nxt, str) else [])
        elif key not in target:
            target[key] = [] if isinstance(nxt, int) else {}
        target = target[key]
    target[path[-1]] = value


POLICY = '{"Version":"2012-10-17","Statement":[]}'


def _base_params(case: Case, existing: str) -> dict:
    """A request that is valid except for the member under test (which `_set` overwrites)."""
    top = case.member_path[0]
    if case.op == "BatchGetSecretValue":
        if top in ("Filters", "MaxResults"):
            return {"Filters": [{"Key": "name", "Values": ["x"]}]}
        return {"SecretIdList": [existing]}
    if case.op in ("ListSecrets", "GetRandomPassword"):
        return {}
    if case.op == "CreateSecret":
        params = {"Name": uniq("mc-create"), "ClientRequestToken": str(uuid.uuid4())}
        if case.member_path[0] != "SecretBinary":
            params["SecretString"] = "v"
        if case.member_path[0] == "Tags":
            params["Tags"] = [{"Key": "k", "Value": "v"}]
        if case.member_path[0] == "AddReplicaRegions":
            params["AddReplicaRegions"] = [{"Region": "us-west-2"}]
        return params
    # Destructive operations act on a secret that does not exist, in case validation is missed.
    params = {"SecretId": uniq("mc-absent") if case.op in ("DeleteSecret", "RestoreSecret") else existing}
    required = MODEL.operation_model(case.op).input_shape.required_members
    defaults = {"VersionStage": "AWSCURRENT", "Tags": [{"Key": "k", "Value": "v"}],
                "TagKeys": ["k"], "ResourcePolicy": POLICY}
    params.update({name: value for name, value in defaults.items() if name in required})
    if case.op == "PutSecretValue":
        params["ClientRequestToken"] = str(uuid.uuid4())
        if top != "SecretBinary":
            params["SecretString"] = "v"
    return params


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_constraint_violation(raw_client, existing, case: Case):
    params = _base_params(case, existing)
    _set(params, case.member_path, case.value)
    with pytest.raises(ClientError) as ei:
        getattr(raw_client, botocore.xform_name(case.op))(**params)
    if case.exact:
        assert_client_error(ei, "ValidationException", case.expected_message())
    else:
        message = assert_client_error(ei, "ValidationException")["Error"]["Message"]
        expected = f"at '{case.coral_path}' failed to satisfy constraint: {case.constraint}"
        assert message.startswith("1 validation error detected: Value "), message
        assert expected in message, message


def test_two_violations_in_one_request(raw_client):
    name = "n" * 513
    desc = "d" * 2049
    with pytest.raises(ClientError) as ei:
        raw_client.create_secret(Name=name, Description=desc, SecretString="v")
    resp = assert_client_error(ei, "ValidationException")
    a = f"Value '{name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512"
    b = f"Value '{desc}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048"
    # The contract does not fix the order of the individual errors.
    assert resp["Error"]["Message"] in (
        f"2 validation errors detected: {a}; {b}",
        f"2 validation errors detected: {b}; {a}",
    ), resp["Error"]["Message"]


def test_sensitive_value_never_echoed_in_multi_error(raw_client):
    secret = "S" * 65537
    name = "n" * 513
    with pytest.raises(ClientError) as ei:
        raw_client.create_secret(Name=name, SecretString=secret)
    msg = assert_client_error(ei, "ValidationException")["Error"]["Message"]
    assert msg.startswith("2 validation errors detected: "), msg
    assert "SSSS" not in msg
    assert "Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536" in msg


@pytest.mark.parametrize(
    "member,value",
    [
        ("Description", "d" * 2048),
        ("SecretString", "s" * 65536),
        ("SecretBinary", b"\xff" * 65536),
        ("ClientRequestToken", "t" * 64),
        ("Tags", [{"Key": "k" * 128, "Value": "v" * 256}]),
    ],
    ids=["Description", "SecretString", "SecretBinary", "ClientRequestToken", "Tags"],
)
def test_values_at_the_limit_are_accepted(raw_client, member, value):
    name = uniq("mc-limit")
    params = {"Name": name, member: value}
    if member not in ("SecretString", "SecretBinary"):
        params["SecretString"] = "v"
    raw_client.create_secret(**params)
    d = raw_client.describe_secret(SecretId=name)
    assert d["Name"] == name
    if member in ("SecretString", "SecretBinary"):
        assert raw_client.get_secret_value(SecretId=name)[member] == value
