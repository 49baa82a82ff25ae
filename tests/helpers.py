"""The one helper module of the tests.

Rule tests state their input inline and check the message, as hadolint's and yamllint's do:

    def test_latest_tag():
        assert check('''
            FROM python:latest
        ''', "DF001", kind="dockerfile") == [
            "1:6 DF001 Base image python:latest uses the mutable tag latest.",
        ]

``check`` dedents the text, lints it through the engine (the same path as ``archlint check``)
and returns the unsuppressed findings of the rule (or of every rule starting with the prefix) as
``"line:col ID message"`` strings.  A parse failure or a crashed rule (AL001/AL004) fails the
test instead of passing silently.
"""
from __future__ import annotations

import gc
import os
import textwrap
import time
from pathlib import Path

from archlint.config import Settings, settings_from_table
from archlint.engine import lint_file, lint_text

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ONE = ["linux/amd64"]
TWO = ["linux/amd64", "linux/arm64"]

#: a file name per kind, for inline texts linted without one
DEFAULT_NAME = {
    "dockerfile": "Dockerfile",
    "shell": "build.sh",
    "makefile": "Makefile",
    "markdown": "README.md",
    "python": "app.py",
    "kubernetes": "deploy.yaml",
    "kustomization": "kustomization.yaml",
    "helm-values": "values.yaml",
    "compose": "docker-compose.yml",
    "workflow": ".github/workflows/ci.yml",
}


def settings(**table) -> Settings:
    """Settings from config-file style keys (platforms=[...], select=[...], ...)."""
    return settings_from_table({k.replace("_", "-"): v for k, v in table.items()}, None)


def dedent(text: str) -> str:
    """An inline test text as the file holds it: common indentation and the first newline
    removed (a trailing newline kept)."""
    text = textwrap.dedent(text)
    return text[1:] if text.startswith("\n") else text


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``{relative name: text}`` under ``root`` (texts dedented, folders made)."""
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(dedent(text), encoding="utf-8")


def lint(path: str | Path, text: str | None = None, kind: str | None = None, **table):
    """Lint ``text`` (default: the file's content) as ``path``; returns the FileResult."""
    p = Path(path)
    if text is None:
        text = p.read_text(encoding="utf-8")
    return lint_text(p.name if p.is_absolute() else str(p), text, settings(**table), kind=kind, abspath=str(p))


def lint_inline(text: str, kind: str | None = None, name: str | None = None, tmp_path: Path | None = None, **table):
    """Lint an inline ``text`` (dedented) as ``name`` (default: a usual file name of ``kind``).
    With ``tmp_path`` the file is written there first, for rules that look at its folder."""
    text = dedent(text)
    name = name or DEFAULT_NAME[kind]
    if tmp_path is not None:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return lint_text(name, text, settings(**table), kind=kind, abspath=str(p))
    return lint_text(name, text, settings(**table), kind=kind)


def lint_as(name: str, text: str, kind: str | None = None, abspath: str | None = None, **table):
    """Lint ``text`` exactly as given (not dedented: CRLF, odd whitespace, hostile input) as the
    file ``name``, said to be at ``abspath`` (rules that look at the folder look there)."""
    return lint_text(name, text, settings(**table), kind=kind, abspath=abspath)


def lint_path(path: str | Path, display: str | None = None, kind: str | None = None, **table):
    """Lint the file at ``path`` the way ``archlint check`` reads it (bytes decoded, BOMs, size
    limits), shown as ``display`` (default: its name)."""
    return lint_file(str(path), display or Path(path).name, settings(**table), kind=kind)


def findings(result, rule: str = "") -> list:
    """Unsuppressed findings whose ID starts with ``rule``, in report order; fails the test on
    a parse failure or a crashed rule."""
    bad = [n for n in result.notices if n.rule_id in ("AL001", "AL004")]
    assert not bad, [n.message for n in bad]
    return [f for f in result.findings if not f.suppressed and f.rule_id.startswith(rule)]


def show(found) -> list[str]:
    """Findings as ``"line:col ID message"``."""
    return [f"{f.span.line}:{f.span.col} {f.rule_id} {f.message}" for f in found]


def check(text: str, rule: str, kind: str | None = None, name: str | None = None, **table) -> list[str]:
    """Lint an inline text and show the findings of ``rule`` (an ID or a prefix)."""
    return show(findings(lint_inline(text, kind=kind, name=name, **table), rule))


def ids(result, rule_prefix: str = "") -> list[tuple[str, int, int]]:
    """Unsuppressed findings and notices as (ID, line, col), sorted."""
    out = [(f.rule_id, f.span.line, f.span.col) for f in result.findings if not f.suppressed]
    out += [(n.rule_id, n.line, n.col) for n in result.notices]
    return sorted(x for x in out if x[0].startswith(rule_prefix))


def apply_fix(text: str, fix) -> str:
    """Apply a Fix's edits (non-overlapping, positions in code points) to ``text``."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def off(line, col):
        return starts[line - 1] + col - 1

    out = text
    for e in sorted(fix.edits, key=lambda e: (e.span.line, e.span.col), reverse=True):
        a = off(e.span.line, e.span.col)
        b = off(e.span.end_line, e.span.end_col)
        out = out[:a] + e.text + out[b:]
    return out


# ---- file times: a tree "settled" in the past, one file changed later -------------------------

_STEP = [0]


def later(path: Path, text: str | None = None) -> None:
    """Rewrite ``path`` (when ``text`` is given) and move its mtime to a distinct point in the
    past, older than the cache's racy window; a symlink's own times (its target may not exist)."""
    if text is not None:
        path.write_text(text)
    _STEP[0] += 1
    follow = not path.is_symlink()
    st = os.stat(path, follow_symlinks=follow)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - (100 + _STEP[0]) * 1_000_000_000), follow_symlinks=follow)


def age_tree(root: Path) -> None:
    """``later`` for every file and folder below ``root``, and ``root`` itself."""
    for dirpath, dirnames, filenames in os.walk(root):
        for n in filenames + dirnames:
            later(Path(dirpath) / n)
    later(root)


# ---- timing for the linear-time tests --------------------------------------------------------


def settle(root: Path, tmp_path: Path, monkeypatch) -> Path:
    """Make ``root`` the working folder of a run with a result cache of its own (in
    ``tmp_path``), no racy window, no colour, and every file aged: the state in which a later run
    may serve what an earlier one stored."""
    from archlint.run import cache

    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.chdir(root)
    age_tree(root)
    return root


def best_time(fn, n, runs: int = 5) -> float:
    """The best of ``runs`` timings of ``fn(n)``, the cyclic collector off while timing: a full
    collection's walk over whatever earlier tests of the session left alive is not the case's own
    cost (a 0.05 s -> 0.50 s outlier in CI was one such collection)."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            t = time.perf_counter()
            fn(n)
            best = min(best, time.perf_counter() - t)
        finally:
            gc.enable()
    return best
