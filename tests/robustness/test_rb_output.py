"""Output is safe to print: what a linted file contains (or what it is called) cannot repaint the
terminal, break a finding over several lines, or forge a GitHub Actions workflow command — the
runner reads ``::cmd ...::`` at the start of any line (after leading blanks) and the legacy
``##[cmd]`` anywhere in a line.  SARIF locations are relative to the scanned root."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .support import HOSTILE, assert_clean_exit, make_repo, run_cli

#: what must never reach a terminal or a CI log raw
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

HOSTILE_NAMES = [
    "weird\nname.Dockerfile",
    "::error ::forged-by-name.Dockerfile",
    "  ::warning file=x,line=1::indented.Dockerfile",
    "\x1b[2J\x1b[Hclear.Dockerfile",
    "bell\x07\rcarriage.Dockerfile",
    "a,line=9::comma.Dockerfile",
    "%0A%25encoded.Dockerfile",
    "##[error]legacy.Dockerfile",
    "\u202etxt.Dockerfile",
]


@pytest.fixture(params=["content", "names"])
def hostile_repo(tmp_path, request):
    """``content``: the escapes are inside a Dockerfile; ``names``: in file names."""
    root = make_repo(tmp_path / "repo")
    if request.param == "content":
        shutil.copy(HOSTILE / "terminal-escapes.Dockerfile", root / "terminal-escapes.Dockerfile")
        return root
    for name in HOSTILE_NAMES:
        try:
            (root / name).write_text("FROM python:latest\n")
        except OSError:  # a file system that refuses the name
            pass
    return root


def _expected_count(root: Path) -> int:
    """Findings + notices the run should print (in-process, the same settings)."""
    from archlint.config import ConfigResolver
    from archlint.run.runner import run_paths

    run = run_paths([str(root)], ConfigResolver(), str(root), use_cache=False, jobs=1)
    return len([f for f in run.findings if not f.suppressed]) + len(run.notices)


# ---- text ---------------------------------------------------------------------------------------------

_TEXT_LINE = [
    re.compile(r"^\S.*:\d+:\d+: [A-Z]+\d{3} \S"),  # path:line:col: ID message
    re.compile(r"^ *\d* \|( .*)?$"),  # gutter and source line
    re.compile(r"^ += help: "),
    re.compile(r"^ *= help: "),
    re.compile(r"^$"),
    re.compile(r"^(\d+ findings? \(|No findings in )"),
    re.compile(r"^ *\d+  [A-Z]+\d{3}  \S+"),  # a --statistics row: count, ID, name[, fixable]
]


def _check_text(out: str, expected_heads: int | None = None) -> None:
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out).group(0))
    heads = 0
    for line in out.split("\n"):
        assert not line.lstrip().startswith("::"), f"forged workflow command: {line!r}"
        assert any(rx.match(line) for rx in _TEXT_LINE), f"unexpected output line: {line!r}"
        if _TEXT_LINE[0].match(line):
            heads += 1
    if expected_heads is not None:
        assert heads == expected_heads


@pytest.mark.cli
def test_text_output_cannot_repaint_or_forge(hostile_repo):
    r = run_cli(["check", "--no-cache", "--color", "never"], hostile_repo)
    assert_clean_exit(r, allowed=(1,))
    _check_text(r.stdout.decode("utf-8"), _expected_count(hostile_repo))


@pytest.mark.cli
def test_text_output_with_color_has_only_our_own_escapes(hostile_repo):
    r = run_cli(["check", "--no-cache", "--color", "always"], hostile_repo)
    assert_clean_exit(r, allowed=(1,))
    out = r.stdout.decode("utf-8")
    ours = re.sub(r"\x1b\[[0-9;]*m", "", out)  # SGR colour codes are archlint's
    assert "\x1b" not in ours and "\x07" not in ours and "\r" not in ours
    for esc in re.findall(r"\x1b\[[0-9;]*m", out):
        assert esc in ("\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[1;34m"), repr(esc)


def test_text_renderer_in_process_escapes_messages_paths_and_source_lines():
    from types import SimpleNamespace

    from archlint.engine import lint_file
    from archlint.model import RunResult
    from archlint.output.text import render

    from .support import settings

    r = lint_file(str(HOSTILE / "terminal-escapes.Dockerfile"), "terminal-escapes.Dockerfile",
                  settings(platforms=["linux/amd64"]))
    out = render(RunResult([r], "/", []), SimpleNamespace(color=False, statistics=False, show_fixes=True))
    _check_text(out, len([f for f in r.findings if not f.suppressed]) + len(r.notices))
    # --statistics prints only its table, escaped the same way
    _check_text(render(RunResult([r], "/", []), SimpleNamespace(color=False, statistics=True, show_fixes=True)), 0)


@pytest.mark.cli
def test_text_output_has_no_legacy_workflow_command(hostile_repo):
    """The runner still honours ``##[error]…`` anywhere in a line (ActionCommand.TryParse)."""
    r = run_cli(["check", "--no-cache", "--color", "never"], hostile_repo)
    assert b"##[" not in r.stdout


# ---- GitHub workflow commands --------------------------------------------------------------------------

_PROPS = {"file", "line", "endLine", "col", "endColumn", "title"}


def _unescape_property(v: str) -> str:
    for token, rep in (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        v = v.replace(rep, token)
    return v


@pytest.mark.cli
def test_github_output_cannot_forge_annotations(hostile_repo):
    r = run_cli(["check", "--no-cache", "--output-format", "github"], hostile_repo)
    assert_clean_exit(r, allowed=(1,))
    out = r.stdout.decode("utf-8")
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out).group(0))
    real = {p.relative_to(hostile_repo).as_posix() for p in hostile_repo.rglob("*") if p.is_file()}
    lines_in = {p: len(open(hostile_repo / p, "rb").read().splitlines()) for p in real}
    commands = 0
    for line in out.split("\n"):
        stripped = line.lstrip()
        if not stripped.startswith("::"):
            assert "##[" not in line, f"legacy command in a plain line: {line!r}"
            continue
        end = stripped.find("::", 2)
        assert end > 0, line
        info = stripped[2:end]
        cmd, _, props = info.partition(" ")
        assert cmd in ("error", "warning", "notice"), f"unexpected command {cmd!r} in {line!r}"
        commands += 1
        seen = {}
        for pair in filter(None, props.split(",")):
            k, eq, v = pair.partition("=")
            assert eq and k in _PROPS, f"bad property {pair!r} in {line!r}"
            assert ":" not in v, f"unescaped ':' in property {pair!r}"
            seen[k] = _unescape_property(v)
        if "file" not in seen:
            # a name the runner cannot carry (control characters): a file-less annotation
            # whose message names the file, escaped
            assert re.match(r"\S+:\d+:\d+: ", stripped[end + 2 :]), line
            continue
        assert seen["file"] in real, f"annotation for a file that does not exist: {seen['file']!r}"
        if "line" in seen:
            assert 1 <= int(seen["line"]) <= max(1, lines_in[seen["file"]] + 1)
    assert commands == _expected_count(hostile_repo)


# ---- JSON --------------------------------------------------------------------------------------------------


@pytest.mark.cli
def test_json_output_round_trips_hostile_text(hostile_repo):
    r = run_cli(["check", "--no-cache", "--output-format", "json"], hostile_repo)
    assert_clean_exit(r, allowed=(1,))
    data = json.loads(r.stdout)

    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for v in node.values():
                yield from strings(v)
        elif isinstance(node, list):
            for v in node:
                yield from strings(v)

    texts = list(strings(data))
    # data stays exact in a machine format (JSON escapes it on the wire)
    if (hostile_repo / "terminal-escapes.Dockerfile").exists():
        assert any("\x1b[31mthon" in t for t in texts)
    else:
        assert "weird\nname.Dockerfile" in texts
        assert "\x1b[2J\x1b[Hclear.Dockerfile" in texts
    assert b"\x1b" not in r.stdout  # ...and the raw bytes never reach a terminal


# ---- SARIF -------------------------------------------------------------------------------------------------


def _sarif_uris(doc) -> list[str]:
    out = []
    for run in doc["runs"]:
        for res in run.get("results", []):
            for loc in res.get("locations", []):
                out.append(loc["physicalLocation"]["artifactLocation"]["uri"])
    return out


@pytest.fixture
def sarif_repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    (root / "svc" / "api").mkdir(parents=True)
    (root / "svc" / "api" / "Dockerfile").write_text("FROM python:latest\n")
    (root / "with space & #hash%.Dockerfile").write_text("FROM python:latest\n")
    (root / "d\u00e9j\u00e0.Dockerfile").write_text("FROM python:latest\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text("FROM python:latest\nSECRET-TOKEN-0123456789\n")
    os.symlink(outside / "Dockerfile", root / "svc" / "linked.Dockerfile")
    return root


@pytest.mark.cli
@pytest.mark.parametrize("cwd", [".", "svc", "svc/api"])
def test_sarif_uris_are_relative_to_the_root(sarif_repo, cwd):
    here = sarif_repo / cwd
    r = run_cli(["check", "--no-cache", "--output-format", "sarif", "."], here)
    assert_clean_exit(r, allowed=(1,))
    doc = json.loads(r.stdout)
    uris = _sarif_uris(doc)
    assert uris
    for uri in uris:
        u = urlparse(uri)
        assert not u.scheme and not uri.startswith("/"), uri
        assert ".." not in uri.split("/"), uri
        assert (sarif_repo / unquote(u.path)).is_file(), uri
    assert not any("linked" in u for u in uris)
    assert b"SECRET-TOKEN" not in r.stdout


@pytest.mark.cli
def test_sarif_reports_a_link_out_of_the_root_as_a_notification(sarif_repo):
    r = run_cli(["check", "--no-cache", "--output-format", "sarif"], sarif_repo)
    doc = json.loads(r.stdout)
    notes = [n for run in doc["runs"] for inv in run.get("invocations", [])
             for n in inv.get("toolExecutionNotifications", [])]
    assert any("linked.Dockerfile" in json.dumps(n) for n in notes), notes
    assert not any("linked" in u for u in _sarif_uris(doc))


@pytest.mark.cli
def test_sarif_root_option(sarif_repo):
    r = run_cli(["check", "--no-cache", "--output-format", "sarif", "--sarif-root", "svc", "svc"], sarif_repo)
    doc = json.loads(r.stdout)
    for uri in _sarif_uris(doc):
        assert (sarif_repo / "svc" / unquote(urlparse(uri).path)).is_file(), uri
