"""The README's recipes, run as written where this machine allows.

Blocks marked `<!-- recipe: NAME -->` in README.md are run with bash, with
`127.0.0.1:4566` replaced by the address under test:
- `env`: the exported variables alone point the aws CLI, boto3 and the JS SDK v3 at
  Lockbox (no endpoint in code);
- `wait-for-ready`: starting Lockbox and waiting for its ready line without polling.
Plus the service-specific variables (`AWS_ENDPOINT_URL_SECRETS_MANAGER`,
`AWS_ENDPOINT_URL_KMS`) for the CLI and boto3.
Not runnable here (no Docker engine, Terraform, Go or Java toolchain): the Docker, compose,
GitHub Actions, GitLab CI, Terraform, Go and Java recipes.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import boto3
import pytest

import lockbox_harness as h
from lockbox_harness import uniq

README = h.REPO / "README.md"
JS_DIR = h.REPO / "compat-tests" / "js"


def recipe(name: str) -> str:
    text = README.read_text("utf-8")
    m = re.search(rf"<!-- recipe: {re.escape(name)} -->\n```(?:sh|bash)\n(.*?)\n```", text, re.S)
    assert m, f"README.md has no recipe block {name!r}"
    return m.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def shell_env(tmp_path):
    """An environment like a fresh CI shell: `lockbox`, `aws` and `python` (the venv's) on
    PATH, no AWS_* variables, empty AWS config files."""
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "lockbox").symlink_to(h.lockbox_bin())
    (tmp_path / "aws-config").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=os.pathsep.join([str(shim), str(h.AWS_EXE.parent), env.get("PATH", "")]),
        AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-config"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
    )
    return env


def run_bash(script: str, env: dict, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.Popen(
        ["bash", "-c", script], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        try:  # whatever the script left running (it should have stopped lockbox itself)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_env_recipe_points_cli_boto3_and_js_at_lockbox(lockbox, shell_env, tmp_path):
    exports = recipe("env").replace("http://127.0.0.1:4566", lockbox.url)
    name = uniq("recipe-env")
    js = (
        "const sm = require('@aws-sdk/client-secrets-manager');"
        "new sm.SecretsManagerClient({}).send(new sm.GetSecretValueCommand({SecretId: process.argv[1]}))"
        ".then(r => console.log('js:' + r.SecretString), e => { console.error(e); process.exit(1); });"
    )
    script = "\n".join([
        "set -euo pipefail",
        exports,
        f"aws secretsmanager create-secret --name {name} --secret-string from-cli --output json",
        "python -c 'import boto3, sys; "
        "print(\"boto3:\" + boto3.client(\"secretsmanager\").get_secret_value(SecretId=sys.argv[1])[\"SecretString\"])' "
        f"{name}",
    ])
    assert shutil.which("node", path=shell_env["PATH"]) and (JS_DIR / "node_modules").is_dir(), (
        "node and compat-tests/js/node_modules are needed (compat-tests/setup)"
    )
    script += f"\n(cd {JS_DIR} && AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true node -e \"{js}\" {name})"
    p = run_bash(script, shell_env, tmp_path)
    assert p.returncode == 0, f"stdout={p.stdout}\nstderr={p.stderr}"
    created = json.loads(p.stdout[: p.stdout.index("boto3:")])
    assert h.arn_re(name).match(created["ARN"]), created
    assert "boto3:from-cli" in p.stdout.splitlines(), p.stdout
    assert "js:from-cli" in p.stdout.splitlines(), p.stdout


def test_wait_for_ready_recipe_starts_uses_and_stops_lockbox(shell_env, tmp_path):
    port = free_port()
    script = "set -euo pipefail\n" + recipe("wait-for-ready").replace("127.0.0.1:4566", f"127.0.0.1:{port}")
    started = time.monotonic()
    p = run_bash(script, shell_env, tmp_path)
    assert p.returncode == 0, f"stdout={p.stdout}\nstderr={p.stderr}"
    lines = p.stdout.splitlines()
    assert lines[0] == f"lockbox ready: http://127.0.0.1:{port} (auth: verify, store: memory)", lines
    created = json.loads("\n".join(lines[1:]))
    assert created["Name"] == "demo", created
    assert time.monotonic() - started < 60
    # `kill` stopped it: the port is released.
    deadline = time.monotonic() + 10
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                break
        assert time.monotonic() < deadline, "lockbox still listening after the recipe's kill"
        time.sleep(0.05)


def test_wait_for_ready_recipe_fails_at_once_when_the_port_is_taken(shell_env, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        script = "set -euo pipefail\n" + recipe("wait-for-ready").replace("127.0.0.1:4566", f"127.0.0.1:{port}")
        p = run_bash(script, shell_env, tmp_path, timeout=30)
    assert p.returncode == 1, f"stdout={p.stdout}\nstderr={p.stderr}"
    assert "lockbox ready" not in p.stdout
    assert f"cannot listen on 127.0.0.1:{port}: the address is already in use" in p.stdout, p.stdout


def test_service_specific_endpoint_variables(lockbox, tmp_path, monkeypatch):
    cli = h.AwsCli(tmp_path / "awscli")
    key = cli.ok(None, "kms", "create-key", extra={"AWS_ENDPOINT_URL_KMS": lockbox.url})
    assert h.KMS_KEY_ID_RE.match(key["KeyMetadata"]["KeyId"]), key
    name = uniq("recipe-svc")
    cli.ok(
        None, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v",
        extra={"AWS_ENDPOINT_URL_SECRETS_MANAGER": lockbox.url},
    )

    for var, value in {
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": lockbox.url,
        "AWS_ENDPOINT_URL_KMS": lockbox.url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(var, value)
    session = boto3.session.Session()
    assert session.client("secretsmanager").get_secret_value(SecretId=name)["SecretString"] == "v"
    keys = session.client("kms").list_keys()["Keys"]
    assert key["KeyMetadata"]["KeyId"] in [k["KeyId"] for k in keys]
