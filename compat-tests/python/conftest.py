"""Fixtures for the Lockbox compatibility suites.

Every test module gets its own lockbox process listening on 127.0.0.1:0; the
URL is parsed from the ready line. The server's stderr goes to a temp file whose
tail is attached to the report of any failing test.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import lockbox_harness as h

# Isolate boto3/botocore in this process from the user's AWS configuration.
_ISOLATION_DIR = Path(tempfile.mkdtemp(prefix="lockbox-compat-awscfg-"))
for _k in [k for k in os.environ if k.startswith("AWS_")]:
    del os.environ[_k]
(_ISOLATION_DIR / "config").write_text("")
(_ISOLATION_DIR / "credentials").write_text("")
os.environ["AWS_CONFIG_FILE"] = str(_ISOLATION_DIR / "config")
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(_ISOLATION_DIR / "credentials")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

_RUNNING: list[h.LockboxServer] = []


def _start(args, label, config_text=None) -> h.LockboxServer:
    try:
        srv = h.LockboxServer(args=list(args), label=label, config_text=config_text).start()
    except RuntimeError as e:
        pytest.fail(f"could not start lockbox ({label}): {e}", pytrace=False)
    _RUNNING.append(srv)
    return srv


@pytest.fixture(scope="module")
def server_factory():
    """Start extra lockbox processes (e.g. with --auth off or --config) for one module."""
    started: list[h.LockboxServer] = []

    def factory(*args: str, label: str = "lockbox", config_text: str | None = None) -> h.LockboxServer:
        srv = _start(args, label, config_text)
        started.append(srv)
        return srv

    yield factory
    for srv in started:
        srv.stop()
        _RUNNING.remove(srv)


@pytest.fixture(scope="module")
def lockbox(server_factory) -> h.LockboxServer:
    """The module's default server (auth verified, default account)."""
    return server_factory(label="default")


@pytest.fixture(scope="module")
def sm(lockbox):
    return h.boto_client(lockbox)


@pytest.fixture(scope="module")
def cli(lockbox, tmp_path_factory) -> h.AwsCli:
    return h.AwsCli(tmp_path_factory.mktemp("awscli"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for srv in _RUNNING:
            rep.sections.append((f"lockbox stderr ({srv.label}, {srv.url})", srv.log_tail()))


@pytest.fixture(scope="module")
def kms(lockbox):
    """boto3 KMS client on the module's default server."""
    return h.kms_client(lockbox)


@pytest.fixture(scope="module")
def kms_unchecked(lockbox):
    """boto3 KMS client without botocore's client-side parameter validation."""
    return h.kms_client(lockbox, parameter_validation=False)
