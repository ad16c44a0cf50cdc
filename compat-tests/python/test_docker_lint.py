"""docker/Dockerfile through hadolint (pinned in requirements.txt; the wheel ships the
binary), at the strictest threshold and with the OCI labels required. Docker itself is not
available on CI; tests/process/docker_image.rs checks what hadolint does not (digest pins, the
runtime user and health check, and runs the binary as the image would)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lockbox_harness as h

HADOLINT = Path(sys.executable).parent / "hadolint"
DOCKERFILE = h.REPO / "docker" / "Dockerfile"
REQUIRED_LABELS = ["title", "description", "version", "revision", "licenses"]


def hadolint(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    args = [str(HADOLINT), "--no-color", "--failure-threshold", "style"]
    for label in REQUIRED_LABELS:
        kind = "spdx" if label == "licenses" else "text"
        args += ["--require-label", f"org.opencontainers.image.{label}:{kind}"]
    # cwd and HOME elsewhere, so no .hadolint.yaml of the checkout or the user applies.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "XDG_CONFIG_HOME": str(cwd)}
    return subprocess.run(args + [str(path)], capture_output=True, text=True, cwd=cwd, env=env, timeout=60)


def test_the_dockerfile_passes_hadolint(tmp_path):
    assert HADOLINT.exists(), f"{HADOLINT} missing: run compat-tests/setup"
    p = hadolint(DOCKERFILE, tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr


def test_hadolint_does_catch_a_root_user(tmp_path):
    # The linter is live: the same file running as root fails.
    broken = tmp_path / "Dockerfile"
    text = DOCKERFILE.read_text()
    assert "\nUSER 65532:65532\n" in text
    broken.write_text(text.replace("\nUSER 65532:65532\n", "\nUSER root\n"))
    p = hadolint(broken, tmp_path)
    assert p.returncode != 0
    assert "DL3002" in p.stdout, p.stdout
