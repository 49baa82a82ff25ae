"""Shared helpers for the robustness suite: one sample per file kind, settings, in-process and
subprocess linting, and the invariants every result must satisfy (spans inside the file)."""
from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from helpers import lint_as, lint_path, settings  # noqa: F401 (settings: for the test modules)

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
HOSTILE = FIXTURES / "hostile"
SAMPLES = REPO.parent / "shared" / "samples"


# ---- what exists yet -------------------------------------------------------------------------


def has(module: str) -> bool:
    """Is ``module`` importable (without importing it)?"""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def kind_param(kind: str, with_rules: bool = False):
    """A pytest.param for ``kind`` (``with_rules`` is kept for the call sites' readability)."""
    return pytest.param(kind, id=kind)


# ---- one small sample per kind -----------------------------------------------------------------
# Each has at least one finding once its parser and rules exist (with platforms = linux/amd64).

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      nodeSelector:
        kubernetes.io/arch: arm64
      containers:
        - name: api
          image: myacr.azurecr.io/api:latest
        - name: sidecar
          image: myacr.azurecr.io/sidecar
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: api}
"""

KINDS: dict[str, tuple[str, str]] = {
    # kind: (file name, text)
    "dockerfile": ("Dockerfile", "FROM python:latest\nRUN docker build -t acme/app:1 .\n"),
    "shell": ("build.sh", "#!/bin/sh\nset -e\ndocker build -t acme/app:1 .\n"),
    "makefile": ("Makefile", "IMAGE = acme/app:1\n\nbuild:\n\tdocker build -t $(IMAGE) .\n"),
    "markdown": ("DEPLOY.md", "# Deploy\n\n```sh\ndocker build -t acme/app:1 . && docker push acme/app:1\n```\n"),
    "python": ("app.py", "import threading\n\n\ndef stamp():\n    return threading.currentThread()\n"),
    "kubernetes": ("deploy.yaml", DEPLOYMENT),
    "kustomization": (
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deploy.yaml\n"
        "images:\n  - name: myacr.azurecr.io/api\n    newTag: latest\n",
    ),
    "helm-values": (
        "values.yaml",
        "image:\n  repository: myacr.azurecr.io/api\n  tag: latest\nnodeSelector:\n  kubernetes.io/arch: arm64\n",
    ),
    "compose": (
        "compose.yaml",
        "services:\n  web:\n    image: nginx:latest\n    platform: linux/arm64\n  api:\n    build: .\n",
    ),
    "workflow": (
        ".github/workflows/ci.yml",
        "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: docker build -t acme/app:1 .\n      - run: docker push acme/app:1\n",
    ),
}
ALL_KINDS = tuple(KINDS)
YAML_KINDS = ("kubernetes", "kustomization", "helm-values", "compose", "workflow")
#: a comment line in each kind (for "unrelated lines added above")
COMMENT = {k: "# an unrelated comment" for k in KINDS}
COMMENT["markdown"] = "An unrelated paragraph."


def write_kind(root: Path, kind: str, text: str | bytes | None = None) -> Path:
    """Write ``kind``'s sample (or ``text``) under ``root`` where discovery and kind detection
    recognise it (a workflow under .github/workflows, helm values next to a Chart.yaml)."""
    name, sample = KINDS[kind]
    p = root / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if kind == "helm-values":  # (a chart that renders something: its templates/ folder)
        (p.parent / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
        (p.parent / "templates").mkdir(exist_ok=True)
    data = sample if text is None else text
    if isinstance(data, str):
        p.write_bytes(data.encode("utf-8"))
    else:
        p.write_bytes(data)
    return p


# ---- linting (through tests/helpers.py, the one helper module of the tests) --------------------


AMD64 = {"platforms": ["linux/amd64"]}


#: an empty folder to stand for the linted file's directory: rules that look around a file
#: (requirements.txt, pyproject.toml, Makefile includes) must not find this repository's files
NEUTRAL = tempfile.mkdtemp(prefix="archlint-robustness-")
atexit.register(shutil.rmtree, NEUTRAL, ignore_errors=True)  # (one per test process: none is left behind)


def lint(kind: str, text: str, name: str | None = None, abspath: str | None = None, **table):
    """Lint ``text`` in-process as ``kind`` (platforms linux/amd64 unless given), as the kind's
    sample file in the NEUTRAL folder unless ``name``/``abspath`` say otherwise."""
    name = name or KINDS[kind][0]
    return lint_as(name, text, kind=kind, abspath=abspath or os.path.join(NEUTRAL, name), **{**AMD64, **table})


def lint_bytes(root: Path, kind: str, data: bytes, **table):
    """Write ``data`` as the kind's sample under ``root`` and lint the file as ``archlint check``
    reads it (platforms linux/amd64 unless given)."""
    p = write_kind(root, kind, data)
    return lint_path(p, p.relative_to(root).as_posix(), kind=kind, **{**AMD64, **table})


def triples(result, prefix: str = "") -> list[tuple[str, int, int]]:
    """Unsuppressed findings and notices as sorted (ID, line, col)."""
    out = [(f.rule_id, f.span.line, f.span.col) for f in result.findings if not f.suppressed]
    out += [(n.rule_id, n.line, n.col) for n in result.notices]
    return sorted(x for x in out if x[0].startswith(prefix))


def notices(result, rule_id: str | None = None) -> list:
    return [n for n in result.notices if rule_id is None or n.rule_id == rule_id]


def internal_errors(result) -> list:
    return [n for n in result.notices if n.rule_id == "AL004" or n.internal]


def assert_no_internal_errors(result) -> None:
    bad = internal_errors(result)
    assert not bad, "\n".join(n.message for n in bad)


def lines_of(text: str) -> list[str]:
    from archlint.source import normalize_newlines

    return normalize_newlines(text).split("\n")


def assert_spans_inside(result, text: str | None = None) -> None:
    """Every finding's span and every notice's position lies inside the file: lines in
    1..len(lines), columns in 1..len(line)+1, the end after the start (never zero-width)."""
    lines = result.lines if result.lines is not None else (lines_of(text) if text is not None else None)
    if lines is None:
        lines = [""]
    n = len(lines)
    for f in result.findings:
        line, col, end_line, end_col = f.span
        where = f"{f.rule_id} {tuple(f.span)} in {result.path} ({n} lines): {f.message}"
        assert 1 <= line <= n, where
        assert 1 <= end_line <= n, where
        assert 1 <= col <= len(lines[line - 1]) + 1, where
        assert 1 <= end_col <= len(lines[end_line - 1]) + 1, where
        assert (end_line, end_col) > (line, col), where
        for r in f.related:
            if r.path is None:
                rl, rc, rel, rec = r.span
                assert 1 <= rl <= rel <= n, f"related {tuple(r.span)} of {where}"
                assert 1 <= rc <= len(lines[rl - 1]) + 1, f"related {tuple(r.span)} of {where}"
                assert 1 <= rec <= len(lines[rel - 1]) + 1, f"related {tuple(r.span)} of {where}"
        if f.fix is not None:
            for e in f.fix.edits:
                el, ec, eel, eec = e.span
                assert 1 <= el <= eel <= n, f"fix edit {tuple(e.span)} of {where}"
                assert 1 <= ec <= len(lines[el - 1]) + 1, f"fix edit {tuple(e.span)} of {where}"
                assert 1 <= eec <= len(lines[eel - 1]) + 1, f"fix edit {tuple(e.span)} of {where}"
                assert (eel, eec) >= (el, ec), f"fix edit {tuple(e.span)} of {where}"
    for no in result.notices:
        where = f"{no.rule_id} {no.line}:{no.col} in {result.path} ({n} lines): {no.message}"
        assert 1 <= no.line <= max(n, 1), where
        if no.line <= n:
            assert 1 <= no.col <= len(lines[no.line - 1]) + 1, where


def snapshot(result) -> list[tuple]:
    """Everything observable about a FileResult, for determinism checks."""
    fs = [(f.rule_id, tuple(f.span), f.message, int(f.severity), f.hint, f.key, f.suppressed, f.fingerprint,
           repr(f.fix), tuple((tuple(r.span), r.message, r.path) for r in f.related)) for f in result.findings]
    ns = [(n.rule_id, n.message, n.line, n.col, int(n.severity), n.internal) for n in result.notices]
    return [result.kind, result.encoding, fs, ns]


# ---- time limits for in-process runs ----------------------------------------------------------------


class TimeLimit(BaseException):
    """Raised by SIGALRM: a BaseException, so the engine's ``except Exception`` cannot swallow it."""


@contextlib.contextmanager
def time_limit(seconds: int, what: str = "linting"):
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``.  Main
    thread and Unix only; elsewhere the block simply runs."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimit()

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    except TimeLimit:
        pytest.fail(f"{what} did not finish within {seconds} s", pytrace=False)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---- the command line ----------------------------------------------------------------------------


def cli_env(cwd: Path, extra: dict | None = None) -> dict:
    e = dict(os.environ, NO_COLOR="1")
    for k in ("FORCE_COLOR", "ARCHLINT_OUTPUT_FORMAT", "ARCHLINT_NO_CACHE", "GITHUB_ACTIONS"):
        e.pop(k, None)
    e["ARCHLINT_CACHE_DIR"] = str(Path(cwd) / ".archlint-test-cache")
    if extra:
        e.update(extra)
    return e


def run_cli(args, cwd, env: dict | None = None, timeout: float = 180, stdin: bytes | None = None):
    """Run ``python -m archlint ARGS`` in ``cwd``; return CompletedProcess (bytes stdout/stderr).
    A run that does not end within ``timeout`` seconds is killed and the test fails saying so."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "archlint", *args],
            cwd=str(cwd), input=stdin, capture_output=True, env=cli_env(Path(cwd), env), timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`archlint {' '.join(map(str, args))}` did not finish within {timeout} s (killed)", pytrace=False)


def popen_cli(args, cwd, env: dict | None = None):
    return subprocess.Popen(
        [sys.executable, "-m", "archlint", *args],
        cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(Path(cwd), env),
    )


def assert_clean_exit(proc, allowed=(0, 1)) -> None:
    err = proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else proc.stderr
    out = proc.stdout.decode("utf-8", "replace") if isinstance(proc.stdout, bytes) else proc.stdout
    assert proc.returncode in allowed, f"exit {proc.returncode}\nstdout:\n{out[-3000:]}\nstderr:\n{err[-3000:]}"
    assert "Traceback" not in err, err[-3000:]


_HEAD = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?:note: )?(?P<rule>[A-Z]+\d{3}) (?P<msg>.*)$")


def text_findings(stdout: bytes | str) -> set[tuple[str, int, int, str, str]]:
    """The finding lines of text output, notes included, as a set of (path, line, col, rule, message)."""
    s = stdout.decode("utf-8", "replace") if isinstance(stdout, bytes) else stdout
    out = set()
    for line in s.splitlines():
        m = _HEAD.match(line)
        if m:
            out.add((m["path"], int(m["line"]), int(m["col"]), m["rule"], m["msg"]))
    return out


def make_repo(root: Path, platforms=("linux/amd64",)) -> Path:
    """A repository root (a ``.git`` folder: discovery reads files only, git never runs)."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    plist = ", ".join(f'"{p}"' for p in platforms)
    (root / ".archlint.toml").write_text(f"platforms = [{plist}]\n")
    return root


def can_read_after_chmod_000(path: Path) -> bool:
    """True when permissions do not stop this process (root, CAP_DAC_OVERRIDE)."""
    try:
        with open(path, "rb") as fh:
            fh.read(1)
        return True
    except OSError:
        return False
