"""The machine output formats json, github and gitlab, the format dispatcher, and the sample run
(shared with test_output_sarif.py) they are all rendered from.

Snapshots live in tests/snapshots/; regenerate them with ARCHLINT_UPDATE_SNAPSHOTS=1 after an
intended change (and review the diff)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archlint import __version__
from archlint.fingerprint import assign_fingerprints
from archlint.model import Edit, FileResult, Finding, Fix, Notice, Related, RunResult, Severity, Span
from archlint.output import OutputOptions, render
from archlint.registry import Rule

SNAPSHOTS = Path(__file__).parent / "snapshots"
REPO = Path(__file__).resolve().parents[1]

# -- the sample run ---------------------------------------------------------------------------


def _doc(what: str) -> str:
    return (
        f"## What it does\n{what}\n\n## Why is this bad?\nThe image differs between architectures.\n\n"
        "## Example\n```dockerfile\nFROM python:latest\n```\n\n## Use instead\n```dockerfile\n"
        "FROM python:3.12-slim\n```\n\n## Fix\nNot fixable automatically."
    )


def sample_rules() -> list[Rule]:
    return [
        Rule("DF001", "from-latest-tag", {"dockerfile"}, Severity.ERROR, None,
             _doc("Flags `FROM` images tagged `latest`. The tag moves between builds."),
             tags=("images", "reproducibility"), family="DF"),
        Rule("DF006", "arch-specific-download", {"dockerfile"}, Severity.WARNING, None,
             _doc("Flags downloads whose URL names one CPU architecture."),
             tags=("multi-arch",), precision="medium", family="DF"),
        Rule("DF009", "invalid-platform", {"dockerfile"}, Severity.ERROR, None,
             _doc("Flags malformed or unknown platform strings."), fix="safe", family="DF"),
        Rule("BC004", "docs-arch-pin", {"markdown"}, Severity.INFO, None,
             _doc("Flags documentation snippets that download an architecture-specific archive"), family="BC"),
        Rule("AL001", "could-not-parse", {"dockerfile", "kubernetes"}, Severity.ERROR, None,
             _doc("Reports files that could not be read or parsed."), family="AL"),
    ]


DOCKERFILE = "services/web app/Dockerfile"  # a space: percent-encoded in SARIF
DOCKERFILE_LINES = [
    "# syntax=docker/dockerfile:1",
    "FROM python:latest AS build",
    "RUN echo '🚀 构建' && curl -fsSL https://example.com/tool-linux-amd64.tar.gz | tar xz",
    "FROM --platform=linux/x86_64 debian:12",
    "# archlint: ignore[DF001]",
    "FROM alpine:latest",
    "",
]
README = "docs/README.md"
README_LINES = ["# Install", "", "```sh", "curl -LO https://x.example/k9s_Linux_arm64.tar.gz", "```", ""]
BROKEN = "k8s/broken.yaml"
BROKEN_LINES = ["apiVersion: v1", "kind: Pod", "metadata: name: x", ""]


def col_of(line: str, needle: str) -> int:
    return line.index(needle) + 1


def sample_run(root: str = "/repo") -> RunResult:
    amd = col_of(DOCKERFILE_LINES[2], "amd64")  # after an emoji (2 UTF-16 units) and CJK (1 each)
    dockerfile = FileResult(DOCKERFILE, "dockerfile", lines=list(DOCKERFILE_LINES), findings=[
        Finding("DF001", "Image python:latest uses the mutable tag latest", Span(2, 6, 2, 19), Severity.ERROR,
                path=DOCKERFILE, hint="pin a version, e.g. python:3.12-slim", key="python:latest"),
        Finding("DF006", "Download URL hard-codes the architecture amd64", Span(3, amd, 3, amd + 5),
                Severity.WARNING, path=DOCKERFILE, key="amd64",
                related=(Related(Span(2, 1, 2, 28), "the stage starts here and never reads TARGETARCH"),)),
        Finding("DF009", "Platform linux/x86_64 is not valid; did you mean linux/amd64?", Span(4, 17, 4, 29),
                Severity.ERROR, path=DOCKERFILE, key="linux/x86_64",
                fix=Fix("Replace linux/x86_64 with linux/amd64", (Edit(Span(4, 17, 4, 29), "linux/amd64"),))),
        Finding("DF001", "Image alpine:latest uses the mutable tag latest", Span(6, 6, 6, 19), Severity.ERROR,
                path=DOCKERFILE, key="alpine:latest", suppressed=True),
    ])
    arm = col_of(README_LINES[3], "arm64")
    readme = FileResult(README, "markdown", lines=list(README_LINES), findings=[
        Finding("BC004", "The snippet downloads an arm64-only archive", Span(4, arm, 4, arm + 5), Severity.INFO,
                path=README, key="arm64"),
    ])
    broken = FileResult(BROKEN, "kubernetes", lines=list(BROKEN_LINES), notices=[
        Notice("AL001", f"could not parse {BROKEN}: mapping values are not allowed here (line 3, column 15)",
               BROKEN, 3, 15),
    ])
    for fr in (dockerfile, readme, broken):
        assign_fingerprints(fr)
    return RunResult([dockerfile, readme, broken], root, sample_rules())


def empty_run(root: str = "/repo") -> RunResult:
    return RunResult([FileResult("Dockerfile", "dockerfile", lines=["FROM scratch", ""])], root, sample_rules())


# -- snapshots --------------------------------------------------------------------------------


def check_snapshot(name: str, text: str) -> None:
    """Compare ``text`` with tests/snapshots/NAME (the archlint version normalised to <VERSION>)."""
    text = text.replace(f'"{__version__}"', '"<VERSION>"')
    path = SNAPSHOTS / name
    if os.environ.get("ARCHLINT_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    assert path.exists(), f"snapshot {path} is missing: run the tests once with ARCHLINT_UPDATE_SNAPSHOTS=1"
    with open(path, encoding="utf-8", newline="") as fh:
        expected = fh.read()
    assert text == expected, (
        f"output differs from snapshot {path.name}; if the change is intended, regenerate with "
        "ARCHLINT_UPDATE_SNAPSHOTS=1 and review the diff"
    )


# -- dispatcher -------------------------------------------------------------------------------


def test_render_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", sample_run(), OutputOptions())


def test_output_options_defaults():
    o = OutputOptions()
    assert (o.color, o.statistics, o.sarif_root, o.sarif_category, o.sarif_include_suppressed, o.show_fixes) == (
        False, False, None, None, False, True)
    assert OutputOptions(sarif_category="x") == OutputOptions(sarif_category="x") != OutputOptions()


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "gitlab"])
def test_render_imports_only_the_chosen_format(fmt):
    code = (
        "import sys\n"
        "from archlint.model import RunResult\n"
        "from archlint.output import render, OutputOptions, MODULES\n"
        f"out = render({fmt!r}, RunResult([], '/repo', []), OutputOptions())\n"
        "loaded = sorted(m for m in MODULES.values() if m in sys.modules)\n"
        "print(loaded)\n"
        "print('dataclasses' in sys.modules, 'jsonschema' in sys.modules, 'yaml' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stderr
    loaded, heavy = r.stdout.splitlines()
    from archlint.output import MODULES

    assert loaded == str([MODULES[fmt]])
    assert heavy == "False False False"


def test_text_format_dispatches_to_text_module():
    out = render("text", sample_run(), OutputOptions())
    assert "DF009" in out and "AL001" in out and "alpine:latest" not in out


# -- json -------------------------------------------------------------------------------------


def test_json_document_shape_and_order():
    doc = json.loads(render("json", sample_run(), OutputOptions()))
    assert list(doc) == ["version", "findings", "notices", "summary"]
    assert doc["version"] == __version__
    keys = ["rule", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "hint",
            "fix", "fingerprint", "suppressed"]
    assert all(list(f) == keys for f in doc["findings"])
    got = [(f["path"], f["line"], f["column"], f["rule"], f["suppressed"]) for f in doc["findings"]]
    assert got == [
        (README, 4, col_of(README_LINES[3], "arm64"), "BC004", False),
        (BROKEN, 3, 15, "AL001", False),  # the notice, as a finding
        (DOCKERFILE, 2, 6, "DF001", False),
        (DOCKERFILE, 3, col_of(DOCKERFILE_LINES[2], "amd64"), "DF006", False),  # code points, not UTF-16
        (DOCKERFILE, 4, 17, "DF009", False),
        (DOCKERFILE, 6, 6, "DF001", True),
    ]
    df009 = doc["findings"][4]
    assert df009["name"] == "invalid-platform" and df009["severity"] == "error"
    assert df009["fix"] == {
        "description": "Replace linux/x86_64 with linux/amd64",
        "safe": True,
        "edits": [{"line": 4, "column": 17, "end_line": 4, "end_column": 29, "text": "linux/amd64"}],
    }
    assert doc["findings"][2]["hint"] == "pin a version, e.g. python:3.12-slim"
    assert all(f["fingerprint"] and len(set(f["fingerprint"])) > 1 for f in doc["findings"])
    assert len({f["fingerprint"] for f in doc["findings"]}) == len(doc["findings"])
    assert doc["notices"] == [{
        "rule": "AL001", "name": "could-not-parse", "severity": "error",
        "message": f"could not parse {BROKEN}: mapping values are not allowed here (line 3, column 15)",
        "path": BROKEN, "line": 3, "column": 15, "internal": False, "group": None,
    }]
    assert doc["summary"] == {"files": 3, "findings": 5, "errors": 3, "warnings": 1, "infos": 1, "suppressed": 1}


def test_json_statistics_only_when_asked():
    doc = json.loads(render("json", sample_run(), OutputOptions(statistics=True)))
    assert doc["statistics"][0] == {"rule": "AL001", "name": "could-not-parse", "count": 1, "fixable": False}
    assert {s["rule"] for s in doc["statistics"]} == {"AL001", "BC004", "DF001", "DF006", "DF009"}
    assert "statistics" not in json.loads(render("json", sample_run(), OutputOptions()))


def test_json_clean_run():
    doc = json.loads(render("json", empty_run(), OutputOptions()))
    assert doc["findings"] == [] and doc["notices"] == []
    assert doc["summary"] == {"files": 1, "findings": 0, "errors": 0, "warnings": 0, "infos": 0, "suppressed": 0}


def test_json_is_deterministic_and_keeps_unicode():
    a = render("json", sample_run(), OutputOptions())
    run = sample_run()
    run.files.reverse()
    assert render("json", run, OutputOptions()) == a
    assert a.endswith("}\n")


def test_json_snapshot():
    check_snapshot("sample.json", render("json", sample_run(), OutputOptions()))


# -- github -----------------------------------------------------------------------------------


def test_github_annotations():
    out = render("github", sample_run(), OutputOptions())
    lines = out.splitlines()
    assert out.endswith("\n") and len(lines) == 5  # suppressed finding left out, the notice in
    arm = col_of(README_LINES[3], "arm64")
    assert lines[0] == (
        f"::notice file={README},line=4,col={arm},endLine=4,endColumn={arm + 5},title=BC004::"
        "The snippet downloads an arm64-only archive"
    )
    assert lines[1].startswith(f"::error file={BROKEN},line=3,col=15,endLine=3,endColumn=16,title=AL001::")
    assert lines[3].startswith("::warning file=services/web app/Dockerfile,line=3,")
    assert lines[4] == (
        "::error file=services/web app/Dockerfile,line=4,col=17,endLine=4,endColumn=29,title=DF009::"
        "Platform linux/x86_64 is not valid; did you mean linux/amd64?"
    )


def test_github_escaping_and_forgery():
    evil = "a,b:c.Dockerfile"
    msg = "100% bad\r\n::error file=x,line=1::forged\x1b[31mred\x1b[0m\x07\u2028end\u202e"
    fr = FileResult(evil, "dockerfile", lines=["FROM x", ""], findings=[
        Finding("DF001", msg, Span(1, 6, 1, 7), Severity.WARNING, path=evil),
    ])
    out = render("github", RunResult([fr], "/repo", sample_rules()), OutputOptions())
    assert out == (
        "::warning file=a%2Cb%3Ac.Dockerfile,line=1,col=6,endLine=1,endColumn=7,title=DF001::"
        "100%25 bad%0D%0A::error file=x,line=1::forged\\x1b[31mred\\x1b[0m\\x07\\u2028end\\u202e\n"
    )
    assert out.count("\n") == 1 and "\x1b" not in out and "\r" not in out


def test_github_escape_helpers():
    from archlint.output.github import escape_data, escape_property

    assert escape_data("50%\n:,") == "50%25%0A:,"
    assert escape_property("50%\n:,") == "50%25%0A%3A%2C"
    assert escape_data("tab\tok") == "tab\tok"


def test_github_zero_width_span_widened_and_clean_run_empty():
    fr = FileResult("Dockerfile", "dockerfile", lines=["FROM x", ""], findings=[
        Finding("DF001", "m", Span(1, 7, 1, 7), Severity.ERROR, path="Dockerfile"),
    ])
    out = render("github", RunResult([fr], "/repo", []), OutputOptions())
    assert "line=1,col=7,endLine=1,endColumn=8," in out
    assert render("github", empty_run(), OutputOptions()) == ""


def test_github_snapshot():
    check_snapshot("sample.github.txt", render("github", sample_run(), OutputOptions()))


# -- gitlab -----------------------------------------------------------------------------------


def test_gitlab_report():
    report = json.loads(render("gitlab", sample_run(), OutputOptions()))
    assert isinstance(report, list) and len(report) == 5
    for item in report:
        assert set(item) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert set(item["location"]) == {"path", "lines"} and set(item["location"]["lines"]) == {"begin"}
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in report] == [
        ("BC004", "info", README, 4),
        ("AL001", "critical", BROKEN, 3),
        ("DF001", "critical", DOCKERFILE, 2),
        ("DF006", "major", DOCKERFILE, 3),
        ("DF009", "critical", DOCKERFILE, 4),
    ]
    assert report[2]["description"] == "DF001: Image python:latest uses the mutable tag latest"
    run = sample_run()
    assert report[2]["fingerprint"] == run.files[0].findings[0].fingerprint
    assert len({i["fingerprint"] for i in report}) == len(report)


def test_gitlab_fingerprints_unique_even_for_duplicates():
    same = [Finding("DF001", "m", Span(1, 1, 1, 2), Severity.ERROR, path="Dockerfile", fingerprint="f") for _ in range(3)]
    fr = FileResult("Dockerfile", "dockerfile", lines=["FROM x"], findings=same,
                    notices=[Notice("AL001", "n", "Dockerfile"), Notice("AL001", "n", "Dockerfile")])
    report = json.loads(render("gitlab", RunResult([fr], "/repo", []), OutputOptions()))
    assert len(report) == 5 and len({i["fingerprint"] for i in report}) == 5


def test_gitlab_clean_run_and_snapshot():
    assert render("gitlab", empty_run(), OutputOptions()) == "[]\n"
    check_snapshot("sample.gitlab.json", render("gitlab", sample_run(), OutputOptions()))


def test_notice_fingerprint_ignores_the_position_in_its_message():
    from archlint.output import notice_findings

    def run_at(line):
        fr = FileResult("k8s/x.yaml", "kubernetes", lines=["a: 1"] * 5 + ["b: : c"], notices=[
            Notice("AL001", f"could not parse k8s/x.yaml: bad value (line {line}, column 4)", "k8s/x.yaml", line, 4)])
        return RunResult([fr], "/repo", [])

    # the offending line moved from 3 to 6 (unrelated lines inserted above): same identity
    fr3 = run_at(3)
    fr3.files[0].lines = ["a: 1", "a: 1", "b: : c"]
    assert notice_findings(fr3)[0].fingerprint == notice_findings(run_at(6))[0].fingerprint


def test_github_notice_without_a_file():
    run = RunResult([FileResult("", None, notices=[Notice("AL005", "config is odd", "", severity=Severity.WARNING)])],
                    "/repo", [])
    assert render("github", run, OutputOptions()) == "::warning title=AL005::config is odd\n"


# -- paths relative to the working folder -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "github", "gitlab"])
def test_paths_are_printed_relative_to_opts_cwd(fmt):
    """``cwd`` moves every printed path (notices' messages too); fingerprints and the order stay."""
    top = render(fmt, sample_run(), OutputOptions())
    sub = render(fmt, sample_run(), OutputOptions(cwd="/repo/k8s"))
    assert render(fmt, sample_run(), OutputOptions(cwd="/repo")) == top
    assert "could not parse broken.yaml: mapping" in sub and "k8s/broken.yaml" not in sub
    assert "../services/web app/Dockerfile" in sub and "../docs/README.md" in sub
    if fmt in ("json", "gitlab"):
        key = "fingerprint"
        prints = lambda text: [e[key] for e in (json.loads(text)["findings"] if fmt == "json" else json.loads(text))]
        assert prints(sub) == prints(top)


def test_sarif_ignores_opts_cwd():
    assert render("sarif", sample_run(), OutputOptions(cwd="/repo/k8s")) == render("sarif", sample_run(), OutputOptions())
