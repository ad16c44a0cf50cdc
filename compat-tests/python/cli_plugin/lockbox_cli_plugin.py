"""awscli v1 plugin used by the Lockbox compat tests.

Enabled through a `[plugins]` section in a temporary AWS_CONFIG_FILE (the CLI
v1 imports plugin modules from sys.path, so the tests put this directory on
PYTHONPATH). Behaviour is selected with LOCKBOX_CLI_PLUGIN_MODE:

- ``tamper``: after SigV4 signing (before-send), change one character of the
  SecretId/Name value in the body (same length, still valid JSON).
- ``backdate``: sign requests as if the clock were
  LOCKBOX_CLI_BACKDATE_SECONDS (default 600) seconds behind.
"""
import datetime
import json
import os


def _tamper(request, **kwargs):
    body = request.body
    if isinstance(body, str):
        body = body.encode()
    doc = json.loads(body)
    for key in ("SecretId", "Name"):
        value = doc.get(key)
        if isinstance(value, str) and value:
            new = value[:-1] + ("X" if value[-1] != "X" else "Y")
            request.body = body.replace(json.dumps(value).encode(), json.dumps(new).encode(), 1)
            assert request.body != body and len(request.body) == len(body)
            return None
    raise RuntimeError("lockbox_cli_plugin: nothing to tamper with")


def awscli_initialize(cli):
    mode = os.environ.get("LOCKBOX_CLI_PLUGIN_MODE", "")
    if mode == "tamper":
        cli.register("before-send.secrets-manager", _tamper)
    elif mode == "backdate":
        import botocore.auth

        seconds = int(os.environ.get("LOCKBOX_CLI_BACKDATE_SECONDS", "600"))
        real = botocore.auth.get_current_datetime

        def skewed(*args, **kwargs):
            return real(*args, **kwargs) - datetime.timedelta(seconds=seconds)

        botocore.auth.get_current_datetime = skewed
    elif mode:
        raise RuntimeError(f"unknown LOCKBOX_CLI_PLUGIN_MODE {mode!r}")
