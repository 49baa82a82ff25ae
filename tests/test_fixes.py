"""--fix / --unsafe-fixes / --diff / --add-suppressions / --baseline / --write-baseline.

Every existing fix is checked against a before/after file pair (tests/fixtures/fixes); the
refusal paths (result does not parse, file changed on disk, write interrupted, fixes that do
not converge) are driven through the real CLI with small extra rules registered for the test.
"""
from __future__ import annotations

import codecs
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from archlint import cli, fixes, registry
from archlint.config import Settings
from archlint.model import Edit, Finding, Fix, Severity, Span

FIXES = Path(__file__).parent / "fixtures" / "fixes"
ONE = "linux/amd64"
TWO = "linux/amd64,linux/arm64"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty repository as the working directory; the CLI runs in this process."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("ARCHLINT_NO_CACHE", "1")
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / ".cache-archlint"))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def check(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["check", "--isolated", "--no-cache", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def extra_rule(monkeypatch):
    """Register a throw-away Dockerfile rule for one test."""

    def add(rule_id: str, check_fn, fix: str = "safe"):
        r = registry.Rule(rule_id, f"test-{rule_id.lower()}", {"dockerfile"}, Severity.WARNING, check_fn,
                          "## What it does\nA test rule.", fix=fix, family="DF")
        registry.rules_for_kind("dockerfile")  # load the real family first
        monkeypatch.setitem(registry.RULES, rule_id, r)
        return r

    return add


# ---- every fix: before -> after ----------------------------------------------------------------------

CASES = [
    # (fixture, CLI options)
    ("DF005", ["--platform", ONE, "--select", "DF005"]),
    ("DF005-multi", ["--platform", TWO, "--select", "DF005", "--unsafe-fixes"]),
    ("DF006", ["--platform", TWO, "--select", "DF006", "--unsafe-fixes"]),
    ("DF007", ["--select", "DF007"]),
    ("DF009", ["--select", "DF009", "--unsafe-fixes"]),  # x86_64 -> linux/amd64 is unsafe
    ("DF010", ["--select", "DF010"]),
    ("all", ["--platform", ONE]),
]


@pytest.mark.parametrize("name,opts", CASES, ids=[c[0] for c in CASES])
def test_fix_before_after(repo, capsys, name, opts):
    before = (FIXES / f"{name}.before.Dockerfile").read_bytes()
    after = (FIXES / f"{name}.after.Dockerfile").read_bytes()
    target = repo / "Dockerfile"
    target.write_bytes(before)
    code, out, err = check(capsys, "--fix", *opts, "Dockerfile")
    assert target.read_bytes() == after
    assert "fixed" in err
    # idempotent: a second run changes nothing and reports nothing fixable
    code2, out2, err2 = check(capsys, "--fix", *opts, "Dockerfile")
    assert target.read_bytes() == after
    assert "no fixes applied" in err2
    # the fixed file has none of the findings the fixes addressed
    rule = name.split("-")[0]
    if rule.startswith("DF"):
        assert f" {rule} " not in out2


def test_fix_through_subprocess_and_exit_code(repo):
    (repo / ".archlint.toml").write_text(f'platforms = ["{ONE}"]\n')
    target = repo / "Dockerfile"
    target.write_bytes((FIXES / "all.before.Dockerfile").read_bytes())
    env = dict(os.environ, NO_COLOR="1", ARCHLINT_NO_CACHE="1")
    r = subprocess.run([sys.executable, "-m", "archlint", "check", "--fix"], cwd=repo, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert target.read_bytes() == (FIXES / "all.after.Dockerfile").read_bytes()
    assert "fixed 4 findings in 1 file" in r.stderr


def test_unsafe_fixes_only_with_flag(repo, capsys):
    before = (FIXES / "DF006.before.Dockerfile").read_bytes()
    target = repo / "Dockerfile"
    target.write_bytes(before)
    code, out, err = check(capsys, "--fix", "--platform", TWO, "--select", "DF006", "Dockerfile")
    assert target.read_bytes() == before
    assert code == 1 and "DF006" in out
    assert "2 more with --unsafe-fixes" in err
    code, out, err = check(capsys, "--diff", "--platform", TWO, "--select", "DF006", "Dockerfile")
    assert code == 0 and out == ""
    code, out, err = check(capsys, "--fix", "--unsafe-fixes", "--platform", TWO, "--select", "DF006", "Dockerfile")
    assert target.read_bytes() == (FIXES / "DF006.after.Dockerfile").read_bytes()


# ---- --diff -------------------------------------------------------------------------------------------


def test_diff_prints_unified_diff_and_writes_nothing(repo, capsys):
    target = repo / "Dockerfile"
    target.write_text("FROM --platform=linux/x86_64 alpine:3.20\nRUN true\n")
    mtime = target.stat().st_mtime_ns
    code, out, err = check(capsys, "--diff", "Dockerfile")
    assert code == 1
    assert out == (
        "--- a/Dockerfile\n"
        "+++ b/Dockerfile\n"
        "@@ -1,2 +1,2 @@\n"
        "-FROM --platform=linux/x86_64 alpine:3.20\n"
        "+FROM --platform=linux/amd64 alpine:3.20\n"
        " RUN true\n"
    )
    assert "would fix 1 finding in 1 file" in err
    assert target.read_text() == "FROM --platform=linux/x86_64 alpine:3.20\nRUN true\n"
    assert target.stat().st_mtime_ns == mtime
    # the diff applies with patch/git apply semantics: it is exactly what --fix writes
    code, out, err = check(capsys, "--fix", "Dockerfile")
    assert target.read_text() == "FROM --platform=linux/amd64 alpine:3.20\nRUN true\n"
    code, out, err = check(capsys, "--diff", "Dockerfile")
    assert (code, out) == (0, "")


def test_diff_marks_missing_final_newline(repo, capsys):
    (repo / "Dockerfile").write_text("FROM --platform=linux/x86_64 alpine:3.20")
    code, out, _ = check(capsys, "--diff", "Dockerfile")
    assert code == 1
    assert out.endswith(
        "-FROM --platform=linux/x86_64 alpine:3.20\n\\ No newline at end of file\n"
        "+FROM --platform=linux/amd64 alpine:3.20\n\\ No newline at end of file\n"
    )


# ---- bytes, encodings, line endings, file mode -----------------------------------------------------


@pytest.mark.parametrize(
    "bom,codec,newline",
    [
        (codecs.BOM_UTF8, "utf-8", "\r\n"),
        (b"", "utf-8", "\r"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "\r\n"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "\n"),
        (b"", "cp1252", "\n"),
        (b"", "latin-1", "\n"),
    ],
    ids=["utf8-bom-crlf", "utf8-cr", "utf16le-bom-crlf", "utf16be-bom-lf", "cp1252", "latin1"],
)
def test_encoding_bom_and_line_endings_are_kept(repo, capsys, bom, codec, newline):
    # (Windows-1252's em dash; Latin-1 where a byte has no Windows-1252 meaning, 0x81)
    first = {"cp1252": "# Ma\u00eftre d'h\u00f4tel \u2014 x", "latin-1": "# Ma\u00eftre d'h\u00f4tel \x81"}.get(
        codec, "# Ma\u00eftre d'h\u00f4tel")
    lines = [first, "FROM --platform=$BUILDPLATFORM golang:1.22 AS build",
             "RUN GOARCH=$TARGETARCH go build", ""]
    want = [first, "FROM --platform=$BUILDPLATFORM golang:1.22 AS build", "ARG TARGETARCH",
            "RUN GOARCH=$TARGETARCH go build", ""]
    target = repo / "Dockerfile"
    target.write_bytes(bom + newline.join(lines).encode(codec))
    check(capsys, "--fix", "--select", "DF007", "Dockerfile")
    assert target.read_bytes() == bom + newline.join(want).encode(codec)


def test_mixed_line_endings_untouched_lines_keep_theirs(repo, capsys):
    target = repo / "Dockerfile"
    target.write_bytes(b"FROM --platform=linux/x86_64 alpine:3.20\r\nRUN a\nRUN b\r\n")
    check(capsys, "--fix", "--select", "DF009", "Dockerfile")
    assert target.read_bytes() == b"FROM --platform=linux/amd64 alpine:3.20\r\nRUN a\nRUN b\r\n"


def test_mode_and_symlink_are_kept(repo, capsys):
    real = repo / "docker" / "Dockerfile.real"
    real.parent.mkdir()
    real.write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    real.chmod(0o751)
    link = repo / "Dockerfile"
    link.symlink_to(real)
    check(capsys, "--fix", "--select", "DF009", "Dockerfile")
    assert link.is_symlink()
    assert real.read_text() == "FROM --platform=linux/amd64 alpine:3.20\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o751


# ---- refusals ----------------------------------------------------------------------------------------


def test_refuses_when_the_result_does_not_parse(repo, capsys, extra_rule):
    def breaks_file(ctx):
        for stage in ctx.model.stages:
            kw = stage.from_ins.keyword_span
            yield ctx.report(kw, "test finding", fix=Fix("break it", (Edit(Span(kw.line, 1, kw.line, 1), "FORM x\n"),)))

    extra_rule("DF990", breaks_file)
    target = repo / "Dockerfile"
    target.write_text("FROM alpine:3.20\n")
    code, out, err = check(capsys, "--fix", "--select", "DF990", "Dockerfile")
    assert target.read_text() == "FROM alpine:3.20\n"
    assert code == 1
    assert "AL004" in out and "would not parse" in out and "unknown instruction" in out
    assert not [p for p in repo.iterdir() if "archlint-tmp" in p.name]
    code, out, err = check(capsys, "--diff", "--select", "DF990", "Dockerfile")
    assert code == 2 and out == "" and "would not parse" in err


def test_refuses_when_the_file_changed_on_disk(repo, capsys, extra_rule):
    target = repo / "Dockerfile"
    calls = []

    def editor_saves_meanwhile(ctx):
        calls.append(1)
        if len(calls) == 2:  # the lint --fix runs after reading the file: another program writes it
            target.write_text("FROM alpine:3.21\n# saved by an editor\n")
        return ()

    extra_rule("DF991", editor_saves_meanwhile)
    target.write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    code, out, err = check(capsys, "--fix", "--select", "DF009,DF991", "Dockerfile")
    assert target.read_text() == "FROM alpine:3.21\n# saved by an editor\n"
    assert "changed on disk" in out and " AL007 " in out and code == 1


def test_commit_refuses_changed_file(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("FROM a\n")
    state = fixes.FileState.read(str(p))
    p.write_text("FROM b\n")
    with pytest.raises(fixes.FixError, match="changed on disk"):
        fixes.commit(state, "FROM c\n")
    assert p.read_text() == "FROM b\n"


def test_interrupted_write_leaves_original_and_no_temp_file(repo, capsys, monkeypatch):
    target = repo / "Dockerfile"
    original = "FROM --platform=linux/x86_64 alpine:3.20\n"
    target.write_text(original)

    def boom(src, dst):
        assert Path(src).read_text() == "FROM --platform=linux/amd64 alpine:3.20\n"  # fully written first
        raise OSError(28, "No space left on device")

    from archlint.fixes import files

    monkeypatch.setattr(os, "replace", boom)
    monkeypatch.setattr(files, "_exchange", boom)  # (the rename of Linux: a swap of the two names)
    code, out, err = check(capsys, "--fix", "--select", "DF009", "Dockerfile")
    assert target.read_text() == original
    assert sorted(p.name for p in repo.iterdir()) == [".git", "Dockerfile"]
    assert "No space left on device" in out and code == 1


def test_atomic_write_failure_removes_temp(tmp_path, monkeypatch):
    p = tmp_path / "f"
    p.write_bytes(b"old")
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError):
        fixes.atomic_write(str(p), b"new")
    assert p.read_bytes() == b"old" and [x.name for x in tmp_path.iterdir()] == ["f"]


def test_write_bytes_creates_the_folder_and_fails_without_leftovers(tmp_path, monkeypatch):
    from archlint.fixes.files import write_bytes

    target = tmp_path / "a" / "b" / "entry"
    assert write_bytes(str(target), b"one") and target.read_bytes() == b"one"
    assert write_bytes(str(target), b"two") and target.read_bytes() == b"two"
    seen = []

    def boom(src, dst):
        seen.append(os.path.basename(src))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    assert write_bytes(str(target), b"three") is False
    assert target.read_bytes() == b"two" and os.listdir(target.parent) == ["entry"]
    assert seen[0].startswith(f".tmp-{os.getpid()}-")  # the name the cache's pruning removes


def test_fixes_package_names_resolve_and_the_writer_imports_nothing_heavy():
    import archlint.fixes as pkg

    for name in pkg._WHERE:
        assert getattr(pkg, name) is getattr(__import__(f"archlint.fixes.{pkg._WHERE[name]}", fromlist=["_"]), name)
    # the result cache writes through it on every run: it must cost what the old atomic.py did
    code = "import sys; before = set(sys.modules); import archlint.fixes.files; print(*sorted(set(sys.modules) - before))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert set(out.split()) <= {"__future__", "archlint", "archlint.fixes", "archlint.fixes.files"}


def test_fixes_that_do_not_converge_are_an_error(repo, capsys, extra_rule):
    def grows(ctx):  # always has one more thing to add
        n = len(ctx.source.lines)
        yield ctx.report(Span(1, 1, 1, 2), "grow", fix=Fix("grow", (Edit(Span(n, 1, n, 1), "# more\n"),)))

    extra_rule("DF992", grows)
    target = repo / "Dockerfile"
    target.write_text("FROM alpine:3.20\n")
    code, out, err = check(capsys, "--fix", "--select", "DF992", "Dockerfile")
    assert target.read_text() == "FROM alpine:3.20\n"
    assert "do not converge after 10 passes" in out

    def flips(ctx):  # A -> B -> A
        line = ctx.source.line(1)
        new = "FROM alpine:3.21" if "3.20" in line else "FROM alpine:3.20"
        yield ctx.report(Span(1, 1, 1, 5), "flip", fix=Fix("flip", (Edit(Span(1, 1, 1, len(line) + 1), new),)))

    extra_rule("DF993", flips)
    code, out, err = check(capsys, "--fix", "--select", "DF993", "Dockerfile")
    assert target.read_text() == "FROM alpine:3.20\n"
    assert "came back to an earlier state" in out


# ---- overlapping edits --------------------------------------------------------------------------------


def _finding(rule, span, edits, safe=True):
    return Finding(rule, "m", span, Severity.WARNING, fix=Fix("d", tuple(Edit(s, t) for s, t in edits), safe))


def test_overlapping_fixes_are_chosen_by_position_then_rule():
    text = "abcdef\n"
    a = _finding("DF002", Span(1, 3, 1, 5), [(Span(1, 3, 1, 5), "X")])
    b = _finding("DF001", Span(1, 4, 1, 6), [(Span(1, 4, 1, 6), "Y")])  # overlaps a, starts later
    c = _finding("DF003", Span(1, 3, 1, 5), [(Span(1, 3, 1, 5), "Z")])  # same place as a, higher ID
    d = _finding("DF001", Span(1, 3, 1, 4), [(Span(1, 3, 1, 3), "I")])  # insertion where a starts
    e = _finding("DF009", Span(1, 6, 1, 7), [(Span(1, 6, 1, 7), "F")])  # separate
    for order in ([a, b, c, d, e], [e, d, c, b, a]):
        chosen = fixes.select_fixes(text, order)
        # d: column 3 and DF001 before a (DF002) and c (DF003), which wait for the next pass;
        # b no longer overlaps anything chosen; e only touches b
        assert chosen == [d, b, e]
    assert fixes.apply_edits(text, [x for f in chosen for x in f.fix.edits]) == "abIcYF\n"
    unsafe = _finding("DF001", Span(1, 1, 1, 2), [(Span(1, 1, 1, 2), "U")], safe=False)
    assert fixes.select_fixes(text, [unsafe]) == []
    assert fixes.select_fixes(text, [unsafe], unsafe=True) == [unsafe]


def test_fix_text_picks_up_deferred_fixes_on_the_next_pass():
    # two DF007 findings insert at the same place: one per pass, same result every time
    text = "FROM --platform=$BUILDPLATFORM golang:1.22\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build\n"
    s = Settings()
    out = fixes.fix_text("Dockerfile", text, s, kind="dockerfile")
    assert out.error is None and out.passes == 2 and [f.rule_id for f in out.applied] == ["DF007", "DF007"]
    assert out.text == (
        "FROM --platform=$BUILDPLATFORM golang:1.22\nARG TARGETARCH\nARG TARGETOS\n"
        "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build\n"
    )
    assert fixes.fix_text("Dockerfile", out.text, s, kind="dockerfile").applied == []


# ---- baseline ----------------------------------------------------------------------------------------


def test_baseline_round_trip_and_moved_lines(repo, capsys):
    df = repo / "Dockerfile"
    df.write_text("FROM python:latest\nRUN pip install x\n")
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").write_text("FROM ubuntu\n")
    code, out, err = check(capsys, "--write-baseline", "archlint-baseline.json")
    # DF005 without platforms is an info notice, not a finding: nothing to baseline
    assert code == 0 and "wrote 2 findings" in err
    doc = json.loads((repo / "archlint-baseline.json").read_text())
    assert doc["version"] == 1
    assert [(e["path"], e["rule"]) for e in doc["findings"]] == [("Dockerfile", "DF001"), ("svc/Dockerfile", "DF002")]
    assert all(e["fingerprint"] and e["message"] for e in doc["findings"])
    # nothing new: clean
    code, out, err = check(capsys, "--baseline", "archlint-baseline.json")
    assert code == 0 and "DF001" not in out and "DF002" not in out and "2 findings hidden by the baseline" in err
    # unrelated lines move the findings down: still matched
    df.write_text("# syntax=docker/dockerfile:1\n\n# the app\nFROM python:latest\nRUN pip install x\n")
    code, out, err = check(capsys, "--baseline", "archlint-baseline.json")
    assert code == 0 and "DF001" not in out
    # a new finding is reported, the old ones stay hidden
    df.write_text("# syntax=docker/dockerfile:1\nFROM python:latest\nRUN pip install x\nFROM node:latest\n")
    code, out, err = check(capsys, "--baseline", "archlint-baseline.json")
    assert code == 1
    assert "Dockerfile:4:6: DF001" in out and "Dockerfile:2:6: DF001" not in out
    # subprocess: the same, with the path given on the command line
    env = dict(os.environ, NO_COLOR="1", ARCHLINT_NO_CACHE="1")
    r = subprocess.run([sys.executable, "-m", "archlint", "check", "--isolated", "--baseline", "archlint-baseline.json", "svc"],
                       cwd=repo, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_baseline_errors_exit_2(repo, capsys):
    (repo / "Dockerfile").write_text("FROM python:latest\n")
    code, out, err = check(capsys, "--baseline", "missing.json")
    assert code == 2 and "no such file" in err
    (repo / "bad.json").write_text("{not json")
    code, out, err = check(capsys, "--baseline", "bad.json")
    assert code == 2 and "not valid JSON" in err
    (repo / "future.json").write_text('{"version": 99, "findings": []}')
    code, out, err = check(capsys, "--baseline", "future.json")
    assert code == 2 and "unsupported version" in err


def test_baseline_entry_absorbs_one_finding(repo, capsys):
    df = repo / "Dockerfile"
    df.write_text("FROM python:latest\n")
    check(capsys, "--write-baseline", "b.json")
    df.write_text("FROM python:latest\nFROM python:latest\n")
    code, out, err = check(capsys, "--baseline", "b.json", "--select", "DF001")
    assert code == 1 and out.count("DF001 ") == 1


# ---- --add-suppressions ------------------------------------------------------------------------------


def test_add_suppressions_dockerfile(repo, capsys):
    df = repo / "Dockerfile"
    df.write_text(
        "# syntax=docker/dockerfile:1\n"
        "FROM python:latest AS build\n"
        "  # archlint: ignore[DF001]\n"
        "  FROM \\\n"
        "    --platform=linux/x86_64 \\\n"
        "    ubuntu:latest\n"
        "RUN GOARCH=$TARGETARCH go build\n"
    )
    code, out, err = check(capsys, "--add-suppressions", "Dockerfile")
    assert code == 0, out
    assert df.read_text() == (
        "# syntax=docker/dockerfile:1\n"
        "# archlint: ignore[DF001]\n"
        "FROM python:latest AS build\n"
        "  # archlint: ignore[DF001,DF003,DF009]\n"
        "  FROM \\\n"
        "    --platform=linux/x86_64 \\\n"
        "    ubuntu:latest\n"
        "# archlint: ignore[DF007]\n"
        "RUN GOARCH=$TARGETARCH go build\n"
    )
    assert "added suppression comments for 4 findings in 1 file" in err
    # round trip: a re-lint shows nothing, a second run adds nothing
    code, out, err = check(capsys, "Dockerfile")
    assert code == 0 and "DF0" not in out
    before = df.read_bytes()
    check(capsys, "--add-suppressions", "Dockerfile")
    assert df.read_bytes() == before


def test_add_suppressions_other_kinds(repo, capsys):
    files = {
        # (pushed: an image that stays on the machine is no BC finding)
        "build.sh": "#!/bin/sh\nset -e\nif true; then\n  docker build \\\n    -t acme/app .\nfi\ndocker push acme/app\n",
        "Makefile": "image:\n\tdocker build -t acme/app .\n\t@echo done\n\tdocker push acme/app\n",
        "README.md": "# Build\n\n  ```bash\n  docker build -t acme/app .\n  docker push acme/app\n  ```\n",
    }
    for name, text in files.items():
        (repo / name).write_text(text)
    code, out, err = check(capsys, "--platform", ONE, *files)
    found = {line.split(":")[0] for line in out.splitlines() if ": BC" in line}
    assert found, out
    code, out, err = check(capsys, "--platform", ONE, "--add-suppressions", *files)
    assert code == 0 and not [l for l in out.splitlines() if ": BC" in l or "AL00" in l], out
    code, out2, _ = check(capsys, "--platform", ONE, *files)
    assert code == 0, out2
    if "build.sh" in found:  # above the command's first line, with its indentation
        assert "then\n  # archlint: ignore[BC" in (repo / "build.sh").read_text()
    if "Makefile" in found:  # column 1: a make comment, not a recipe line echoed to the shell
        assert "image:\n# archlint: ignore[BC" in (repo / "Makefile").read_text()
    if "README.md" in found:  # a shell comment inside the fence, indented like the fence
        assert "```bash\n  # archlint: ignore[BC" in (repo / "README.md").read_text()


def test_add_suppressions_python_own_line_or_trailing(repo, capsys):
    py = repo / "app.py"
    py.write_text(
        "import threading\n\n"
        "x = max(\n    1,\n    threading.currentThread(),\n)\n"
        "if True:\n    y = threading.currentThread()\n"
    )
    code, out, err = check(capsys, "--select", "PY002", "app.py")
    assert out.count("PY002") == 2
    code, out, err = check(capsys, "--select", "PY002", "--add-suppressions", "app.py")
    assert code == 0
    tail = "if True:\n    # archlint: ignore[PY002]\n    y = threading.currentThread()\n"
    assert py.read_text() in (
        # an own-line comment covers only the statement's first line (no statement ranges for
        # Python yet): the finding on a later line of the call gets an end-of-line comment
        "import threading\n\nx = max(\n    1,\n    threading.currentThread(),  # archlint: ignore[PY002]\n)\n" + tail,
        # with statement ranges: one comment above the statement
        "import threading\n\n# archlint: ignore[PY002]\nx = max(\n    1,\n    threading.currentThread(),\n)\n" + tail,
    )
    code, out, err = check(capsys, "--select", "PY002", "app.py")
    assert code == 0 and "PY002" not in out


def test_suppression_edits_shapes():
    from archlint.source import Source
    from archlint.parsers.markdown import parse as md_parse

    text = "Intro\n\n```bash\ndocker build \\\n  --platform linux/x86_64 .\n```\n"
    src = Source("README.md", text)
    model = md_parse(src)
    f_prose = Finding("BC001", "m", Span(1, 1, 1, 2), Severity.WARNING)
    f_fence = Finding("BC008", "m", Span(5, 14, 5, 26), Severity.WARNING)
    edits, impossible = fixes.suppression_edits(src, "markdown", model, [f_prose, f_fence])
    assert impossible == []
    assert fixes.apply_edits(text, edits) == (
        "<!-- archlint: ignore[BC001] -->\nIntro\n\n```bash\n# archlint: ignore[BC008]\ndocker build \\\n  --platform linux/x86_64 .\n```\n"
    )


def test_add_suppressions_with_diff_writes_nothing(repo, capsys):
    df = repo / "Dockerfile"
    df.write_text("FROM python:latest\n")
    code, out, err = check(capsys, "--diff", "--add-suppressions", "--select", "DF001", "Dockerfile")
    assert code == 1
    assert "+# archlint: ignore[DF001]\n FROM python:latest\n" in out
    assert df.read_text() == "FROM python:latest\n"


# ---- other kinds: the same machinery --------------------------------------------------------------


def test_python_fix_renames_import_and_uses(repo, capsys):
    src = Path(__file__).parent / "fixtures" / "PY" / "PY001" / "from_import.py"
    target = repo / "app.py"
    target.write_bytes(src.read_bytes())
    code, out, err = check(capsys, "--fix", "--unsafe-fixes", "--python-version", "3.13", "app.py")
    text = target.read_text()
    assert "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC\n" in text
    assert "PBKDF2(" not in text and text.count("PBKDF2HMAC(") == 2
    assert code == 0 and "PY001" not in out
    before = target.read_bytes()
    check(capsys, "--fix", "--unsafe-fixes", "--python-version", "3.13", "app.py")
    assert target.read_bytes() == before


def test_fix_output_format_json_keeps_stdout_clean(repo, capsys):
    (repo / "Dockerfile").write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    code, out, err = check(capsys, "--fix", "--output-format", "json", "Dockerfile")
    json.loads(out)
    assert "fixed 1 finding in 1 file" in err


def test_stdin_is_never_fixed(repo, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"FROM --platform=linux/x86_64 alpine:3.20\n")))
    code, out, err = check(capsys, "--fix", "--stdin-filename", "Dockerfile", "-")
    assert "do not apply to standard input" in err and "DF009" in out


# ---- properties --------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402

from archlint.source import normalize_newlines  # noqa: E402

POOL = [
    "FROM python:3.12-slim AS build",
    "FROM --platform=$TARGETPLATFORM alpine:3.20",
    "FROM --platform=linux/x86_64 alpine:3.20 AS a",
    "FROM --platform=amd64 debian:12",
    "FROM golang:1.22",
    "RUN GOARCH=$TARGETARCH GOOS=$TARGETOS go build -o /out/app .",
    "ADD https://example.com/tool-linux-arm64 /bin/tool",
    "RUN curl -fsSLO https://example.com/tool_x86_64.tgz",
    "COPY --from=build /out/app /app",
    "RUN echo $TARGETPLATFORM \\",
    "    && true",
    "# a comment",
    "",
    "ARG TARGETARCH",
]


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.sampled_from(POOL), min_size=1, max_size=8),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    platforms=st.sampled_from([(), ("linux/amd64",), ("linux/amd64", "linux/arm64")]),
    unsafe=st.booleans(),
)
def test_fixing_converges_keeps_newlines_and_is_idempotent(lines, newline, platforms, unsafe):
    from archlint.config import parse_platforms
    from archlint.config import replace as sreplace

    s = sreplace(Settings(), platforms=parse_platforms(None, "platforms", list(platforms)))
    text = newline.join(lines) + newline
    out = fixes.fix_text("Dockerfile", text, s, kind="dockerfile", unsafe=unsafe)
    assert out.error is None, out.error
    if out.applied:
        assert all(l.endswith(newline) for l in fixes.split_keepends(out.text))
    again = fixes.fix_text("Dockerfile", out.text, s, kind="dockerfile", unsafe=unsafe)
    assert again.applied == [] and again.text == out.text
    # the same edits on the LF-normalised text give the LF-normalised result
    lf = fixes.fix_text("Dockerfile", normalize_newlines(text), s, kind="dockerfile", unsafe=unsafe)
    assert lf.text == normalize_newlines(out.text)


@given(
    text=st.text(alphabet="ab\u00e9\U0001F600 \r\n", max_size=40),
    data=st.data(),
)
def test_apply_edits_matches_the_lf_view(text, data):
    from archlint.source import Source

    src = Source("x", text)
    lines = src.lines
    line = data.draw(st.integers(1, len(lines)))
    col = data.draw(st.integers(1, len(lines[line - 1]) + 1))
    end_line = data.draw(st.integers(line, len(lines)))
    end_col = data.draw(st.integers(1 if end_line > line else col, len(lines[end_line - 1]) + 1))
    repl = data.draw(st.text(alphabet="xy\n", max_size=3))
    edit = Edit(Span(line, col, end_line, end_col), repl)
    got = fixes.apply_edits(text, [edit])
    s, e = src.offset(line, col), src.offset(end_line, end_col)
    want_lf = src.text[:s] + repl + src.text[e:]
    assert normalize_newlines(got) == want_lf


def test_symlink_out_of_the_repository_is_not_written(repo, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "Dockerfile"
    outside.write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    (repo / "linked.Dockerfile").symlink_to(outside)
    code, out, err = check(capsys, "--fix", "--select", "DF009", "linked.Dockerfile")
    assert outside.read_text() == "FROM --platform=linux/x86_64 alpine:3.20\n"
    assert "outside the linted root" in out and code == 1


@pytest.mark.skipif(os.name != "posix", reason="process liveness through kill(pid, 0)")
def test_temp_files_of_a_killed_run_are_cleaned_up(repo, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = repo / f".Dockerfile.{dead.pid}.abc123.archlint-tmp"
    stale.write_text("half")
    alive = repo / f".Dockerfile.{os.getppid()}.abc123.archlint-tmp"  # a running process's: kept
    alive.write_text("busy")
    (repo / "Dockerfile").write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    check(capsys, "--fix", "--select", "DF009", "Dockerfile")
    assert (repo / "Dockerfile").read_text() == "FROM --platform=linux/amd64 alpine:3.20\n"
    assert not stale.exists() and alive.exists()
    # a run killed after its swap leaves the old text under the temporary name beside a file that
    # already holds the fix, which no later run rewrites: a --fix run sweeps the folders it lints
    swapped = repo / f".done.Dockerfile.{dead.pid}.ff00aa11.archlint-tmp"
    swapped.write_text("FROM --platform=linux/x86_64 alpine:3.20\n")
    (repo / "done.Dockerfile").write_text("FROM --platform=linux/amd64 alpine:3.20\n")
    # a run without --fix removes nothing; names archlint never makes are left, never a crash
    check(capsys, "--select", "DF009", "done.Dockerfile")
    assert swapped.exists()
    foreign = [repo / n for n in (".x.\u00b2.abcdef12.archlint-tmp", f".x.{10 ** 20}.abcdef12.archlint-tmp",
                                  f".x.{dead.pid}.notours.archlint-tmp", f".tmp-{dead.pid}-abcdef12", ".x.y.z.tmp")]
    for f in foreign:
        f.write_text("keep")
    code, _out, _err = check(capsys, "--fix", "--select", "DF009", "done.Dockerfile")
    assert code in (0, 1) and not swapped.exists() and alive.exists() and all(f.exists() for f in foreign)


# ---- an editor saving while --fix writes (issue 17, section 4) ---------------------------------


def test_a_save_renamed_over_the_file_after_the_last_check_is_put_back(tmp_path, monkeypatch):
    # the race above made certain: the other program's save lands right after the check before
    # the rename; where the system swaps two names atomically, the fix's rename sees it in what
    # it swapped out and puts it back (AL007), leaving no temporary file
    from archlint.fixes.files import Displaced, _exchange, atomic_write

    target = tmp_path / "Dockerfile"
    target.write_bytes(b"FROM --platform=linux/x86_64 alpine:3.20\n")
    if not _exchange(str(target), str(target)):
        pytest.skip("no atomic swap of two names here")
    checked = os.stat(target)

    def save_lands_now() -> None:
        theirs = tmp_path / "editor.swp"
        theirs.write_bytes(b"FROM alpine:3.21  # the editor's save\n")
        os.replace(theirs, target)

    with pytest.raises(Displaced):
        atomic_write(str(target), b"FROM --platform=linux/amd64 alpine:3.20\n", before_rename=save_lands_now,
                     displaced=lambda st: (st.st_ino, st.st_dev) == (checked.st_ino, checked.st_dev))
    assert target.read_bytes() == b"FROM alpine:3.21  # the editor's save\n"
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]
    # the swap back failing (or interrupted) keeps their save beside the file, never removes it
    from archlint.fixes import files

    calls = []
    real = files._exchange

    def second_fails(a, b):
        calls.append(a)
        if len(calls) > 1:
            raise OSError(5, "I/O error")
        return real(a, b)

    checked = os.stat(target)
    monkeypatch.setattr(files, "_exchange", second_fails)
    with pytest.raises(OSError):
        atomic_write(str(target), b"FROM alpine:3.23\n", before_rename=save_lands_now,
                     displaced=lambda st: (st.st_ino, st.st_dev) == (checked.st_ino, checked.st_dev))
    monkeypatch.setattr(files, "_exchange", real)
    assert (tmp_path / "Dockerfile.archlint-saved").read_bytes() == b"FROM alpine:3.21  # the editor's save\n"
    (tmp_path / "Dockerfile.archlint-saved").unlink()
    # no save in between: the fix is written, the old file gone
    checked = os.stat(target)
    atomic_write(str(target), b"FROM alpine:3.22\n",
                 displaced=lambda st: (st.st_ino, st.st_dev) == (checked.st_ino, checked.st_dev))
    assert target.read_bytes() == b"FROM alpine:3.22\n" and sorted(os.listdir(tmp_path)) == ["Dockerfile"]


def _race(tmp_path: Path, how: str, races: int, cap: int) -> dict:
    """Fixes of one file, each raced by a writer thread that saves the file as soon as archlint's
    temporary file appears (in place, or by writing its own file and renaming it over the target
    as many editors do), until ``races`` of them saw the writer's save start (at most ``cap``
    fixes: on a loaded machine the writer often looks too late).  Counts what the file holds
    afterwards."""
    import threading
    import time

    from archlint.fixes.files import TEMP_SUFFIX, FileState, FixError, commit

    folder = tmp_path / "race"
    folder.mkdir()
    target = folder / "Dockerfile"
    stop = threading.Event()
    started: list[bytes] = []
    done: list[bytes] = []

    def tmp_present() -> bool:
        return any(n.endswith(TEMP_SUFFIX) for n in os.listdir(folder))

    def writer() -> None:
        while not stop.is_set():
            if not tmp_present():
                continue
            data = f"FROM alpine:3.{len(started)}  # the editor's save\n".encode()
            started.append(data)
            if how == "rename":
                mine = folder / "editor.swp"
                mine.write_bytes(data)
                os.replace(mine, target)
            else:
                with open(target, "wb") as fh:
                    fh.write(data)
            done.append(data)
            while tmp_present() and not stop.is_set():
                pass

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    counts = {"writer kept": 0, "writer kept, AL007": 0, "writer lost, AL007": 0, "writer lost silently": 0,
              "writer too late": 0}
    try:
        for _ in range(cap):
            if counts["writer too late"] + races <= sum(counts.values()):
                break
            target.write_bytes(b"FROM --platform=linux/x86_64 alpine:3.20\n")
            n = len(started)
            state = FileState.read(str(target))
            try:
                commit(state, "FROM --platform=linux/amd64 alpine:3.20\n")
                error = False
            except FixError:
                error = True
            deadline = time.monotonic() + 2
            while len(done) < len(started) and time.monotonic() < deadline:
                time.sleep(0.001)
            got = target.read_bytes()
            if len(started) == n:
                counts["writer too late"] += 1  # the temporary file was gone before it looked
            elif got == started[-1]:
                counts["writer kept, AL007" if error else "writer kept"] += 1
            else:
                counts["writer lost, AL007" if error else "writer lost silently"] += 1
    finally:
        stop.set()
        t.join(5)
    return counts


@pytest.mark.parametrize("how", ["in-place", "rename"])
def test_a_save_racing_the_fix_is_never_lost_silently(tmp_path, how, capsys):
    races = 60
    counts = _race(tmp_path, how, races, cap=600)
    with capsys.disabled():
        print(f"\n{how}: {counts}")
    # The window that remains (README, Safety): where two names cannot be swapped atomically
    # (not Linux), a save landing in the microseconds between the last check and the rename by
    # renaming. On Linux the swap sees it (see the next test). Measured before the swap: 0-18
    # of 60 by renaming, depending on the machine (38-47 before the checks).
    from archlint.fixes.files import _exchange

    probe = tmp_path / "probe"
    probe.write_text("a")
    swaps = _exchange(str(probe), str(tmp_path / "race" / "Dockerfile"))
    assert sum(counts.values()) - counts["writer too late"] == races, counts  # the races happened
    assert counts["writer lost silently"] <= (0 if swaps and how == "rename" else races // 10), counts
