"""Files archlint reads besides the linted one are read without blocking (issue 17, section 5):
a FIFO (or device) in the place of a .gitignore, a configuration file, a Makefile include, a
requirements file or a Dockerfile the Python rules read, a rule pack or a baseline is reported or
passed over, and the run ends."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _run(cwd, *args):
    env = {**os.environ, "ARCHLINT_NO_CACHE": "1", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "archlint", "check", "--exit-zero", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("fifo", [".gitignore", ".git/info/exclude", "common.mk", "requirements.txt",
                                  "app/Dockerfile", "app/requirements.txt", "pyproject.toml", ".archlint.toml",
                                  "app/pyproject.toml", ".github/dependabot.yml"])
def test_a_fifo_where_a_side_input_is_expected_never_hangs(tmp_path, fifo):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / "app").mkdir()
    (tmp_path / "Makefile").write_text("include common.mk\nimage:\n\tdocker build -t acme/app:1 .\n\tdocker push acme/app:1\n")
    (tmp_path / "app" / "clock.py").write_text("import threading\nx = threading.currentThread()\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM gcr.io/distroless/static:latest\n")  # reads the updaters' files
    os.mkfifo(tmp_path / fifo)
    p = _run(tmp_path, ".")
    assert p.returncode == 0, p.stderr
    assert "Makefile" in p.stdout  # the run went on and linted the rest


def test_a_fifo_as_baseline_or_rule_pack_is_an_error_not_a_hang(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM alpine:latest\n")
    os.mkfifo(tmp_path / "baseline.json")
    p = _run(tmp_path, "--baseline", "baseline.json", ".")
    assert p.returncode == 2 and "baseline baseline.json: cannot read" in p.stderr, p.stderr
    os.mkfifo(tmp_path / "pack.yaml")
    (tmp_path / ".archlint.toml").write_text('rule-packs = ["pack.yaml"]\n')
    p = _run(tmp_path, ".")
    assert p.returncode == 2 and "pack.yaml" in p.stderr, p.stderr


def test_a_baseline_nested_too_deep_or_endless_is_an_error(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM alpine:latest\n")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    p = _run(tmp_path, "--baseline", "deep.json", ".")
    assert p.returncode == 2 and "Traceback" not in p.stderr and "baseline deep.json" in p.stderr, p.stderr
    if os.path.exists("/dev/zero"):
        p = _run(tmp_path, "--baseline", "/dev/zero", ".")
        assert p.returncode == 2 and "cannot read" in p.stderr, p.stderr


def test_max_file_size_bounds_stdin(tmp_path):
    """A text on stdin over max-file-size gets the AL005 notice a file on disk gets, and is not
    read past the limit (issue 17: a 6 MB YAML through stdin took 560 MB)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".archlint.toml").write_text("max-file-size = 1000\n")
    env = {**os.environ, "ARCHLINT_NO_CACHE": "1", "NO_COLOR": "1"}
    p = subprocess.run([sys.executable, "-m", "archlint", "check", "--stdin-filename", "deploy.yaml", "-"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                       input="apiVersion: v1\nkind: ConfigMap\n" + "x: y\n" * 1000)
    assert p.returncode == 0, p.stderr
    assert "AL005 deploy.yaml skipped: more than 1000 bytes is over max-file-size (1000)" in p.stdout
    p = subprocess.run([sys.executable, "-m", "archlint", "check", "--stdin-filename", "deploy.yaml", "-"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                       input="apiVersion: v1\nkind: ConfigMap\n")
    assert "AL005" not in p.stdout
