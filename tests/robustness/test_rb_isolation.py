"""Never reach outside: linting opens no socket and starts no process, and nothing in a linted
file is executed or constructed (YAML tags, Python code, Makefile ``$(shell …)``, rule packs)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import traceback

import pytest

from .support import (
    FIXTURES, KINDS, YAML_KINDS, assert_clean_exit, internal_errors, make_repo, run_cli, settings,
    write_kind,
)


class Forbidden(Exception):
    pass


class Hung(BaseException):
    """Raised by SIGALRM; a BaseException so the engine's ``except Exception`` cannot swallow it."""


FORBIDDEN_OS = ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv", "execve", "execvp",
                "execvpe", "execl", "execle", "execlp", "execlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
                "spawnl", "spawnle", "spawnlp", "spawnlpe", "startfile")


def _fixture_files():
    out = []
    for p in sorted(FIXTURES.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            out.append(p)
    return out


@pytest.fixture(scope="module")
def sealed_run():
    """Lint every fixture with the full rule set and three platform settings, with the network and
    process creation replaced by functions that record the attempt and raise."""
    from archlint.engine import lint_file

    attempts: list[str] = []

    def forbid(name):
        def f(*a, **kw):
            attempts.append(f"{name}{a[:2]!r}\n" + "".join(traceback.format_stack(limit=12)))
            raise Forbidden(f"{name} called during linting")
        return f

    mp = pytest.MonkeyPatch()
    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "create_server", "fromfd"):
        if hasattr(socket, name):
            mp.setattr(socket, name, forbid(f"socket.{name}"))
    mp.setattr(subprocess, "Popen", forbid("subprocess.Popen"))
    for name in FORBIDDEN_OS:
        if hasattr(os, name):
            mp.setattr(os, name, forbid(f"os.{name}"))

    def on_alarm(signum, frame):
        raise Hung()

    old = signal.signal(signal.SIGALRM, on_alarm)
    results, hung = [], []  # (a per-file alarm: a hang is reported by name, the suite goes on)
    variants = [(), ("linux/amd64",), ("linux/amd64", "linux/arm64")]
    try:
        for platforms in variants:
            s = settings(platforms=list(platforms), select=["ALL"])
            for p in _fixture_files():
                display = p.relative_to(FIXTURES).as_posix()
                signal.alarm(60)
                try:
                    results.append(lint_file(str(p), display, s))
                except Hung:
                    hung.append(f"{display} with platforms {platforms}")
                finally:
                    signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)
        mp.undo()
    return results, attempts, hung


def test_there_are_fixtures_of_every_kind(sealed_run):
    results, _, _ = sealed_run
    kinds = {r.kind for r in results}
    present = {"dockerfile", "shell", "makefile", "markdown", "python"}
    assert present <= kinds, kinds


def test_no_socket_and_no_process_while_linting_every_fixture(sealed_run):
    _, attempts, _ = sealed_run
    assert not attempts, attempts[0]


def test_every_fixture_finishes_within_a_minute(sealed_run):
    _, _, hung = sealed_run
    assert not hung, hung


def test_every_fixture_lints_without_internal_errors(sealed_run):
    results, _, _ = sealed_run
    bad = [n.message for r in results for n in internal_errors(r)]
    assert not bad, "\n".join(bad[:20])


# ---- nothing in a linted file is executed ------------------------------------------------------------


def _evil_tree(root, marker):
    """Files of every kind whose content would create ``marker`` if anything ran it."""
    m = str(marker)
    make_repo(root)
    tag_apply = f'!!python/object/apply:os.system ["touch {m}"]'
    tag_new = f'!!python/object/new:os.system ["touch {m}"]'
    tag_sub = f'!!python/object/apply:subprocess.check_output [["touch", "{m}"]]'
    (root / "Dockerfile").write_text(f"FROM python:latest\nRUN touch {m}\nCMD [\"touch\", \"{m}\"]\n")
    (root / "evil.sh").write_text(f"#!/bin/sh\ntouch {m}\n$(touch {m})\n")
    (root / "Makefile").write_text(
        f"A != touch {m}\nB := $(shell touch {m})\nC = $(shell touch {m})\n"
        f"include $(shell touch {m})\n$(shell touch {m})\n$(eval X := $(shell touch {m}))\n"
        f"all:\n\ttouch {m}\n\tdocker build -t $(C) .\n")
    (root / "inc.mk").write_text(f"D != touch {m}\n")
    (root / "RUNBOOK.md").write_text(f"```sh\ntouch {m}\n```\n```console\n$ touch {m}\n```\n")
    (root / "evil.py").write_text(
        f"import os\nopen({m!r}, 'w').close()\nos.system('touch {m}')\n"
        f"class X:\n    def __init_subclass__(cls):\n        open({m!r}, 'w').close()\n"
        f"if __name__ == '__main__':\n    open({m!r}, 'w').close()\n")
    (root / "deploy.yaml").write_text(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {tag_apply}\n  b: {tag_new}\n  c: {tag_sub}\n")
    (root / "compose.yaml").write_text(f"services:\n  web:\n    image: nginx:1.27\n    command: {tag_apply}\n")
    (root / "kustomization.yaml").write_text(
        f"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages: {tag_apply}\n")
    (root / "chart").mkdir()
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 0.1.0\n")
    (root / "chart" / "values.yaml").write_text(f"image: {tag_apply}\n")
    (root / "chart" / "templates").mkdir()
    (root / "chart" / "templates" / "d.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n"
        f"spec: {{{{ (exec \"touch\" (list \"{m}\")) }}}}\n")
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        f"on: push\njobs:\n  b:\n    runs-on: {tag_apply}\n    steps:\n      - run: touch {m}\n"
        f"      - uses: docker/build-push-action@v6\n        with: {tag_new}\n")


@pytest.mark.cli
def test_nothing_in_linted_files_is_executed(tmp_path):
    marker = tmp_path / "outside" / "PWNED"
    marker.parent.mkdir()
    root = tmp_path / "repo"
    _evil_tree(root, marker)
    for fmt in ("text", "json"):
        r = run_cli(["check", "--no-cache", "--output-format", fmt], root)
        assert_clean_exit(r, allowed=(1,))
    r = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes"], root)
    assert r.returncode in (0, 1, 2)
    assert not marker.exists(), "linting executed content of a linted file"


def test_nothing_in_linted_files_is_executed_in_process(tmp_path):
    from archlint.engine import lint_file

    marker = tmp_path / "PWNED"
    root = tmp_path / "repo"
    _evil_tree(root, marker)
    s = settings(platforms=["linux/amd64"], select=["ALL"])
    for p in sorted(root.rglob("*")):
        if p.is_file():
            lint_file(str(p), p.relative_to(root).as_posix(), s)
    assert not marker.exists()


@pytest.mark.parametrize("kind", YAML_KINDS)
def test_unknown_and_python_tags_are_not_constructed(tmp_path, kind, monkeypatch):
    from archlint.engine import lint_file

    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    name, sample = KINDS[kind]
    extra = ("x-evil: !!python/object/apply:os.system [\"true\"]\nx-ref: !Ref Something\n"
             "x-sub: !Sub '${AWS::Region}'\nx-bin: !!binary aGVsbG8=\nx-name: !!python/name:os.system\n"
             "x-module: !!python/module:os\nx-unknown: !<tag:example.com,2000:app/foo> bar\n")
    text = sample.split("\n---\n")[0].rstrip("\n") + "\n" + extra
    p = write_kind(tmp_path, kind, text)
    r = lint_file(str(p), p.relative_to(tmp_path).as_posix(), settings(platforms=["linux/amd64"]), kind=kind)
    assert not calls
    assert not internal_errors(r), [n.message for n in r.notices]


@pytest.mark.cli
def test_rule_packs_and_config_are_data_only(tmp_path):
    marker = tmp_path / "PWNED"
    root = make_repo(tmp_path / "repo")
    (root / "evil-pack.yaml").write_text(
        f"!!python/object/apply:os.system [\"touch {marker}\"]\n")
    (root / "evil-pack2.yaml").write_text(
        f"rules:\n  - id: X: !!python/object/apply:os.system [\"touch {marker}\"]\n")
    (root / "Dockerfile").write_text("FROM python:latest\n")
    for pack in ("evil-pack.yaml", "evil-pack2.yaml"):
        (root / ".archlint.toml").write_text(f'platforms = ["linux/amd64"]\nrule-packs = ["{pack}"]\n')
        r = run_cli(["check", "--no-cache"], root)
        assert r.returncode in (0, 1, 2)
        assert b"Traceback" not in r.stderr, r.stderr.decode()
    assert not marker.exists()


def test_makefile_includes_stay_inside_the_repository(tmp_path):
    """``include`` reads files of the same repository only: never /etc, a device or a FIFO."""
    from archlint.engine import lint_file

    root = make_repo(tmp_path / "repo")
    outside = tmp_path / "outside.mk"
    outside.write_text("PLATFORM = linux/arm64\n")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.mk")
    (root / "Makefile").write_text(
        f"include {outside}\ninclude ../outside.mk\ninclude /dev/zero\ninclude /dev/stdin\n-include fifo.mk\n"
        "include /proc/self/environ\nall:\n\tdocker build --platform $(PLATFORM) -t acme/a:1 .\n")
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(Hung()))
    signal.alarm(30)
    try:
        r = lint_file(str(root / "Makefile"), "Makefile", settings(platforms=["linux/amd64"]))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    assert not internal_errors(r)
    # PLATFORM is unknown (its value lives outside the repository): no BC002 mismatch from it
    assert "BC002" not in {f.rule_id for f in r.findings}
