"""What ``archlint check`` prints, end to end: paths relative to the working folder (and what must
not follow it: fingerprints, baselines, stored reports, SARIF), --statistics, the concise format,
--show-fixes / --fix-only / --exit-non-zero-on-fix, --show-files / --show-settings, ``archlint
rule PREFIX`` and the streamed machine formats."""
from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from archlint.model import FileResult, Finding, RunResult, Severity, Span
from archlint.output import OutputOptions, render

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:latest
"""


# never inside the linted tree; removed when the tests end
CACHE_DIR = tempfile.mkdtemp(prefix="archlint-test-cache-")
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)


def run(args, cwd, env=None, cache=None, stdin=None):
    e = dict(os.environ, NO_COLOR="1")
    for k in ("FORCE_COLOR", "GITHUB_WORKSPACE", "CI_PROJECT_DIR", "ARCHLINT_OUTPUT_FORMAT", "ARCHLINT_NO_CACHE"):
        e.pop(k, None)
    e["ARCHLINT_CACHE_DIR"] = str(cache) if cache else CACHE_DIR
    if env:
        e.update(env)
    return subprocess.run([sys.executable, "-m", "archlint", *args], cwd=cwd, capture_output=True, text=True,
                          env=e, timeout=120, input=stdin)


@pytest.fixture
def repo(tmp_path):
    top = tmp_path / "demo"
    (top / ".git").mkdir(parents=True)
    (top / "k8s").mkdir()
    (top / "k8s" / "deploy.yaml").write_text(DEPLOY)
    (top / "k8s" / "broken.Dockerfile").write_bytes(b"FROM \x00\x01binary\n")
    (top / "Dockerfile").write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    return top


def _paths(text):
    return sorted({line.split(":", 1)[0] for line in text.splitlines() if ": " in line and not line.startswith(" ")})


# -- 1. paths relative to the working folder ----------------------------------------------------


def test_paths_are_relative_to_the_working_folder_in_every_people_and_machine_format(repo):
    sub = repo / "k8s"
    text = run(["check", "--no-cache", "."], sub).stdout
    assert "deploy.yaml:10:18: " in text and "k8s/deploy.yaml" not in text
    assert "broken.Dockerfile:1:1: AL001 could not parse broken.Dockerfile: binary file" in text
    concise = run(["check", "--no-cache", "--output-format", "concise", "."], sub).stdout
    assert concise.splitlines()[0].startswith("broken.Dockerfile:1:1: AL001 could not parse broken.Dockerfile")
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "."], sub).stdout)
    assert {f["path"] for f in doc["findings"]} == {"broken.Dockerfile", "deploy.yaml"}
    assert doc["notices"][0]["path"] == "broken.Dockerfile"
    assert doc["notices"][0]["message"].startswith("could not parse broken.Dockerfile:")
    gh = run(["check", "--no-cache", "--output-format", "github", "."], sub).stdout
    assert "file=deploy.yaml," in gh and "k8s" not in gh
    gl = json.loads(run(["check", "--no-cache", "--output-format", "gitlab", "."], sub).stdout)
    assert {e["location"]["path"] for e in gl} == {"broken.Dockerfile", "deploy.yaml"}
    # a path above the working folder, named from it
    up = run(["check", "--no-cache", "--output-format", "concise", "../Dockerfile"], sub).stdout
    assert up.startswith("../Dockerfile:1:")


def test_from_the_top_folder_paths_are_as_before(repo):
    text = run(["check", "--no-cache", "--output-format", "concise", "."], repo).stdout
    assert _paths(text) == ["Dockerfile", "k8s/broken.Dockerfile", "k8s/deploy.yaml"]


def test_sarif_stays_repository_relative(repo):
    doc = json.loads(run(["check", "--no-cache", "--output-format", "sarif", "."], repo / "k8s").stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"k8s/deploy.yaml"}


def test_ci_formats_follow_the_checkout_when_the_ci_says_where_it_is(repo):
    sub = repo / "k8s"
    gh = run(["check", "--no-cache", "--output-format", "github", "."], sub, env={"GITHUB_WORKSPACE": str(repo)}).stdout
    assert "file=k8s/deploy.yaml," in gh
    gl = run(["check", "--no-cache", "--output-format", "gitlab", "."], sub, env={"CI_PROJECT_DIR": str(repo)}).stdout
    assert {e["location"]["path"] for e in json.loads(gl)} == {"k8s/broken.Dockerfile", "k8s/deploy.yaml"}


def test_fingerprints_do_not_depend_on_the_working_folder(repo):
    def prints(cwd, target):
        doc = json.loads(run(["check", "--no-cache", "--output-format", "json", target], cwd).stdout)
        return sorted((f["rule"], f["fingerprint"]) for f in doc["findings"])

    top, sub = prints(repo, "k8s"), prints(repo / "k8s", ".")
    assert top == sub and len(top) >= 2


def test_a_baseline_written_at_the_top_applies_in_a_subfolder(repo, tmp_path):
    base = tmp_path / "baseline.json"
    assert run(["check", "--no-cache", "--write-baseline", str(base), "."], repo).returncode == 0
    assert {e["path"] for e in json.loads(base.read_text())["findings"]} >= {"k8s/deploy.yaml"}
    r = run(["check", "--no-cache", "--baseline", str(base), "."], repo / "k8s")
    assert "deploy.yaml" not in r.stdout and r.stdout.startswith("broken.Dockerfile:1:1: AL001")


def test_a_report_stored_in_one_folder_is_not_replayed_in_another(repo, tmp_path):
    import time

    time.sleep(2.2)  # nothing stored for files changed within 2 s of a run
    cache = tmp_path / "cache"
    target = str(repo / "k8s" / "deploy.yaml")  # the same command line from both folders
    args = ["check", "--output-format", "concise", target]
    first = run(args, repo, cache=cache)
    assert first.stdout.startswith("k8s/deploy.yaml:10:18:")
    assert list(cache.rglob("*.run")), "the report was not stored"
    assert run(args, repo, cache=cache).stdout == first.stdout
    assert run(args, repo / "k8s", cache=cache).stdout.startswith("deploy.yaml:10:18:")


def test_notice_paths_follow_the_working_folder(repo):
    r = run(["check", "--no-cache", "--output-format", "json", "nothere.yaml"], repo / "k8s")
    doc = json.loads(r.stdout)
    assert doc["notices"][0]["path"] == "nothere.yaml"
    assert doc["notices"][0]["message"] == "nothere.yaml: no such file or directory"


def test_diff_headers_are_relative_to_the_working_folder(repo):
    """A plain unified diff (no ``diff --git`` line) is read from the working folder by
    ``patch -p1`` and by ``git apply`` in a subfolder."""
    (repo / "k8s" / "Dockerfile").write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    r = run(["check", "--no-cache", "--diff", "Dockerfile"], repo / "k8s")
    assert r.returncode == 1 and r.stdout.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n"), r.stdout + r.stderr


# -- 2. --statistics ----------------------------------------------------------------------------


def test_statistics_prints_only_the_table(repo):
    r = run(["check", "--no-cache", "--statistics", "."], repo)
    lines = r.stdout.splitlines()
    assert r.returncode == 1
    assert all(not line.startswith(("Dockerfile:", "k8s/")) for line in lines)
    assert "findings" not in r.stdout
    row = next(line for line in lines if "DF009" in line)
    assert row.split() == ["1", "DF009", "invalid-platform", "fixable"]
    assert any(line.split()[:3] == ["1", "AL001", "parse-error"] for line in lines)


# -- 3. concise and full ------------------------------------------------------------------------


def test_concise_is_one_line_per_finding_and_full_is_text(repo):
    concise = run(["check", "--no-cache", "--output-format", "concise", "."], repo).stdout.splitlines()
    text = run(["check", "--no-cache", "."], repo).stdout
    assert run(["check", "--no-cache", "--output-format", "full", "."], repo).stdout == text
    heads = [line for line in text.splitlines() if line and not line.startswith(" ") and ": " in line and "|" not in line]
    assert concise[:-1] == heads[:-1] if heads[-1] == concise[-1] else concise[:-1] == heads
    assert concise[-1] == text.rstrip("\n").splitlines()[-1]  # the same summary line
    q = run(["check", "--no-cache", "--output-format", "concise", "-q", "."], repo).stdout
    assert q.splitlines() == concise[:-1]


# -- 4. fixes -----------------------------------------------------------------------------------


def test_show_fixes_lists_the_fixes_available(repo):
    out = run(["check", "--no-cache", "--show-fixes", "Dockerfile"], repo).stdout
    assert "1 fix available:" in out
    assert "  Dockerfile:1:17: DF009 " in out and "(safe: --fix)" in out
    assert "fixable with --fix" in out.rstrip().splitlines()[-1]  # the summary stays the last line


def test_fix_only_reports_nothing_and_exits_0(repo):
    r = run(["check", "--no-cache", "--fix-only", "."], repo)
    assert r.returncode == 0 and r.stdout == ""
    assert (repo / "Dockerfile").read_text() == "FROM --platform=linux/amd64 alpine:3.20\n"


def test_exit_non_zero_on_fix(repo):
    (repo / "k8s" / "deploy.yaml").unlink()
    (repo / "k8s" / "broken.Dockerfile").unlink()
    fix = ["check", "--no-cache", "--ignore", "DF003", "--fix", "--exit-non-zero-on-fix"]
    r = run([*fix, "--show-fixes", "."], repo)
    assert r.returncode == 1 and r.stdout == "No findings in 1 file\n", r.stdout + r.stderr
    assert "Fixed 1 finding:\n- Dockerfile:\n    1 × DF009 (invalid-platform)" in r.stderr
    r = run([*fix, "."], repo)  # nothing left to fix
    assert r.returncode == 0
    r = run(["check", "--no-cache", "--fix-only", "--exit-non-zero-on-fix", "."], repo)
    assert r.returncode == 0 and r.stdout == ""


# -- 5. --show-files, --show-settings ------------------------------------------------------------


def test_show_files_lists_kinds_and_what_is_left_out(repo):
    (repo / ".gitignore").write_text("gen/\n")
    (repo / "gen").mkdir()
    (repo / "gen" / "Dockerfile").write_text("FROM x\n")
    (repo / "vendor").mkdir()
    (repo / "vendor" / "Dockerfile").write_text("FROM x\n")
    (repo / "k8s" / "plain.yaml").write_text("a: 1\n")
    os.symlink(repo / "k8s", repo / "linked")
    r = run(["check", "--show-files", "."], repo / "k8s")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:2] == ["broken.Dockerfile  dockerfile", "deploy.yaml        kubernetes"]
    assert "2 files to lint" in lines
    assert any(line.startswith("  plain.yaml ") and "not a supported kind" in line for line in lines), r.stdout
    r = run(["check", "--show-files"], repo)
    assert "  gen/" in r.stdout and "ignored by git (.gitignore" in r.stdout
    assert "  vendor/" in r.stdout and "excluded by the glob 'vendor'" in r.stdout
    assert "  linked/" in r.stdout and "symlink to a folder" in r.stdout


def test_show_settings_says_where_each_value_comes_from(repo):
    (repo / "k8s" / ".archlint.toml").write_text('platforms = ["linux/arm64"]\n')
    r = run(["check", "--show-settings", "--ignore", "DF005", "deploy.yaml"], repo / "k8s")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("Settings for deploy.yaml\nconfiguration file: .archlint.toml\n")
    line = next(x for x in out.splitlines() if x.strip().startswith("platforms ="))
    assert "linux/arm64" in line and line.rstrip().endswith(".archlint.toml")
    assert next(x for x in out.splitlines() if x.strip().startswith("ignore =")).rstrip().endswith("command line")
    assert next(x for x in out.splitlines() if x.strip().startswith("markdown =")).rstrip().endswith("default")


# -- 6. rule PREFIX, rule --all, server --help --------------------------------------------------


def test_rule_prefix_all_and_server_help(tmp_path):
    one = run(["rule", "DF005"], tmp_path).stdout
    fam = run(["rule", "DF"], tmp_path)
    assert fam.returncode == 0 and fam.stdout.count("\n# DF") + fam.stdout.startswith("# DF") >= 10
    assert one in fam.stdout and "# BC001" not in fam.stdout
    every = run(["rule", "--all"], tmp_path).stdout
    assert fam.stdout in every and "# BC001" in every and "# AL001" in every
    assert run(["rule", "df00"], tmp_path).stdout.startswith("# DF001")
    assert run(["rule", "ZZ"], tmp_path).returncode == 2
    h = run(["server", "--help"], tmp_path)
    assert h.returncode == 0
    flat = " ".join(h.stdout.split())
    assert "Language Server Protocol" in flat and "stdin and stdout" in flat and "pip install 'archlint[lsp]'" in flat


# -- 7. machine formats written piece by piece --------------------------------------------------


class _Sink(io.StringIO):
    def __init__(self):
        super().__init__()
        self.largest = 0

    def write(self, s):
        self.largest = max(self.largest, len(s))
        return super().write(s)


def _big_run(n=400):
    files = []
    for i in range(n):
        path = f"d{i:04}/Dockerfile"
        f = Finding("DF001", f"Base image python:latest uses the mutable tag latest ({i}).", Span(1, 6, 1, 19),
                    Severity.WARNING, path=path, key=str(i))
        f.fingerprint = f"{i:032x}"
        files.append(FileResult(path, "dockerfile", lines=["FROM python:latest", ""], findings=[f]))
    return RunResult(files, "/repo", [])


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_machine_formats_are_written_piece_by_piece_with_the_same_bytes(fmt):
    from archlint.output import write

    run_ = _big_run()
    sink = _Sink()
    write(fmt, run_, OutputOptions(), sink)
    text = sink.getvalue()
    assert text == render(fmt, run_, OutputOptions())
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"  # json.dumps' layout
    assert sink.largest < len(text) / 20, "the report was built whole before being written"


def test_sarif_spool_beyond_memory_gives_the_same_bytes(monkeypatch):
    from archlint.output import sarif

    run_ = _big_run(300)
    expected = render("sarif", run_, OutputOptions())
    monkeypatch.setattr(sarif._Spool, "MEMORY", 2000)
    assert render("sarif", run_, OutputOptions()) == expected
    monkeypatch.setattr(sarif, "MAX_RESULTS", 100)
    capped = json.loads(render("sarif", run_, OutputOptions()))
    assert len(capped["runs"][0]["results"]) == 100
