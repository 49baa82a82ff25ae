"""The file system is hostile too: symlink loops, dangling links, links out of the repository,
unreadable files, FIFOs and folders named like files, and files that change while a run is
under way.  Each gives a notice (or is skipped), never a traceback or a hang."""
from __future__ import annotations

import os
import shutil

import pytest

from .support import (
    ALL_KINDS, KINDS, assert_clean_exit, can_read_after_chmod_000, make_repo, run_cli, settings, text_findings,
    write_kind,
)


def _heads(proc):
    return {(p, line, col, rule) for p, line, col, rule, _ in text_findings(proc.stdout)}


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    (root / "Dockerfile").write_text("FROM python:latest\n")
    return root


# ---- symlinks -------------------------------------------------------------------------------------


@pytest.mark.cli
def test_symlink_loops_are_skipped_or_reported(repo):
    os.symlink("loop-b.Dockerfile", repo / "loop-a.Dockerfile")
    os.symlink("loop-a.Dockerfile", repo / "loop-b.Dockerfile")
    os.symlink("self.sh", repo / "self.sh")
    (repo / "sub").mkdir()
    os.symlink(".", repo / "sub" / "here")
    os.symlink("..", repo / "sub" / "up")
    os.symlink(str(repo), repo / "sub" / "root")
    r = run_cli(["check", "--no-cache"], repo, timeout=60)
    assert_clean_exit(r, allowed=(1,))
    heads = _heads(r)
    assert ("Dockerfile", 1, 6, "DF001") in heads
    assert not any(p.startswith("sub/") for p, *_ in heads), heads  # folder links are not followed
    # named on the command line: a clear notice for each
    r = run_cli(["check", "--no-cache", "loop-a.Dockerfile", "self.sh"], repo, timeout=60)
    assert_clean_exit(r, allowed=(1,))
    assert _heads(r) == {("loop-a.Dockerfile", 1, 1, "AL001"), ("self.sh", 1, 1, "AL001")}


@pytest.mark.cli
def test_dangling_symlinks(repo):
    os.symlink("nowhere/Dockerfile", repo / "dangling.Dockerfile")
    os.symlink("/nonexistent/archlint/Makefile", repo / "Makefile")
    r = run_cli(["check", "--no-cache"], repo, timeout=60)
    assert_clean_exit(r, allowed=(1,))
    heads = _heads(r)
    assert ("Dockerfile", 1, 6, "DF001") in heads
    # walked: skipped, or reported with a notice, never linted as something else
    assert {rule for p, _, _, rule in heads if p in ("dangling.Dockerfile", "Makefile")} <= {"AL001"}
    r = run_cli(["check", "--no-cache", "dangling.Dockerfile"], repo, timeout=60)
    assert_clean_exit(r, allowed=(1,))
    assert _heads(r) == {("dangling.Dockerfile", 1, 1, "AL001")}


@pytest.mark.cli
def test_a_symlink_to_a_file_of_the_tree_is_linted_once_in_the_files_own_place(repo):
    # camel-k: Makefile -> ./script/Makefile gave every Makefile finding twice; a link whose
    # target the walk leaves out (archived/ is excluded by default) is linted as the link
    (repo / "script").mkdir()
    (repo / "script" / "Makefile").write_text("img:\n\tdocker build -t acme/app:1 .\n\tdocker push acme/app:1\n")
    os.symlink("./script/Makefile", repo / "Makefile")
    (repo / "archived").mkdir()
    (repo / "archived" / "Dockerfile.real").write_text("FROM ubuntu:latest\n")
    os.symlink("archived/Dockerfile.real", repo / "Dockerfile.linked")
    r = run_cli(["check", "--no-cache"], repo)
    assert_clean_exit(r, allowed=(1,))
    paths = sorted({p for p, _, _, rule in _heads(r) if rule in ("BC001", "DF001")})
    assert paths == ["Dockerfile", "Dockerfile.linked", "script/Makefile"], paths


@pytest.mark.cli
def test_walked_symlink_to_a_file_outside_the_root_is_a_notice_not_linted(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("FROM python:latest\nSECRET-TOKEN-0123456789\n")
    os.symlink(outside / "secret.txt", repo / "secret.Dockerfile")
    r = run_cli(["check", "--no-cache"], repo)
    assert_clean_exit(r, allowed=(1,))
    assert b"SECRET-TOKEN" not in r.stdout
    heads = _heads(r)
    assert {(p, rule) for p, _, _, rule in heads if p == "secret.Dockerfile"} == {("secret.Dockerfile", "AL001")}
    assert b"outside" in r.stdout


@pytest.mark.cli
def test_named_symlink_to_a_file_outside_the_root_is_a_notice_not_linted(repo, tmp_path):
    """pre-commit passes file names: a pull request adding ``x.Dockerfile -> /home/runner/...``
    must not get that file's lines printed in the CI log (text output shows each finding's line)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("FROM python:latest\nSECRET-TOKEN-0123456789\n")
    os.symlink(outside / "secret.txt", repo / "secret.Dockerfile")
    r = run_cli(["check", "--no-cache", "secret.Dockerfile", "Dockerfile"], repo)
    assert_clean_exit(r, allowed=(1,))
    assert b"SECRET-TOKEN" not in r.stdout
    heads = _heads(r)
    assert {rule for p, _, _, rule in heads if p == "secret.Dockerfile"} == {"AL001"}, heads
    assert b"outside the linted root" in r.stdout


@pytest.mark.cli
def test_file_outside_the_root_named_with_dotdot_gets_a_notice(repo, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "Dockerfile").write_text("FROM python:latest\n")
    r = run_cli(["check", "--no-cache", "../other/Dockerfile"], repo)
    assert_clean_exit(r, allowed=(0, 1))
    heads = _heads(r)
    assert any(rule.startswith("AL") and p.endswith("other/Dockerfile") for p, _, _, rule in heads), heads


@pytest.mark.cli
def test_symlink_inside_the_root_is_linted_once(repo):
    os.symlink("Dockerfile", repo / "alias.Dockerfile")
    r = run_cli(["check", "--no-cache"], repo)
    assert_clean_exit(r, allowed=(1,))
    df001 = [h for h in _heads(r) if h[3] == "DF001"]
    assert len(df001) == 1, df001


@pytest.mark.cli
def test_the_same_file_named_twice_is_linted_once(repo):
    r = run_cli(["check", "--no-cache", "Dockerfile", "./Dockerfile", str(repo / "Dockerfile")], repo)
    assert_clean_exit(r, allowed=(1,))
    assert len([h for h in _heads(r) if h[3] == "DF001"]) == 1


# ---- permissions, special files, folders named like files ---------------------------------------------


@pytest.mark.cli
def test_unreadable_files(repo):
    for kind in ALL_KINDS:
        write_kind(repo, kind)
    names = [KINDS[k][0] for k in ALL_KINDS]
    for n in names:
        os.chmod(repo / n, 0)
    try:
        if can_read_after_chmod_000(repo / names[0]):
            pytest.skip("running with permission to read mode-000 files (root); cannot test permission denied")
        r = run_cli(["check", "--no-cache", *names], repo)
        assert_clean_exit(r, allowed=(1,))
        got = text_findings(r.stdout)
        assert {(p, line, col, rule) for p, line, col, rule, _ in got} == {(n, 1, 1, "AL001") for n in names}
        assert all("ermission denied" in msg for *_, msg in got), got
        r = run_cli(["check", "--no-cache"], repo)  # walked: the same notices, the readable file linted
        assert_clean_exit(r, allowed=(1,))
        assert ("Dockerfile", 1, 1, "AL001") in _heads(r)
    finally:
        for n in names:
            os.chmod(repo / n, 0o644)


@pytest.mark.cli
def test_unreadable_folder(repo):
    d = repo / "locked"
    d.mkdir()
    (d / "Dockerfile").write_text("FROM python:latest\n")
    os.chmod(d, 0)
    try:
        if can_read_after_chmod_000(d / "Dockerfile"):
            pytest.skip("running with permission to read mode-000 folders (root)")
        r = run_cli(["check", "--no-cache"], repo)
        assert_clean_exit(r, allowed=(1,))
    finally:
        os.chmod(d, 0o755)


@pytest.mark.cli
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_folder_named_like_a_file(repo, kind):
    name = KINDS[kind][0]
    if kind == "dockerfile":
        (repo / "Dockerfile").unlink()
    d = repo / name
    d.mkdir(parents=True)
    # (an invalid platform: reported wherever the Dockerfile sits, .github/ included)
    (d / "Dockerfile").write_text("FROM --platform=linux/amd46 python:3.12\n")
    r = run_cli(["check", "--no-cache"], repo)
    assert_clean_exit(r, allowed=(1,))
    assert (f"{name}/Dockerfile", 1, 17, "DF009") in _heads(r)
    r = run_cli(["check", "--no-cache", name], repo)  # named: a folder is walked
    assert_clean_exit(r, allowed=(1,))
    assert (f"{name}/Dockerfile", 1, 17, "DF009") in _heads(r)


def test_lint_file_on_a_folder_is_al001(tmp_path):
    from archlint.engine import lint_file

    (tmp_path / "Dockerfile").mkdir()
    r = lint_file(str(tmp_path / "Dockerfile"), "Dockerfile", settings())
    assert [(n.rule_id, n.line, n.col) for n in r.notices] == [("AL001", 1, 1)]
    assert "directory" in r.notices[0].message


@pytest.mark.cli
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("named", [False, True], ids=["walked", "named"])
def test_fifo_named_like_a_file_does_not_hang(repo, named):
    """Reading a FIFO blocks until a writer comes: a special file is reported, never opened."""
    os.mkfifo(repo / "pipe.Dockerfile")
    os.mkfifo(repo / "Makefile")
    args = ["check", "--no-cache"] + (["pipe.Dockerfile", "Makefile", "Dockerfile"] if named else [])
    r = run_cli(args, repo, timeout=30)
    assert_clean_exit(r, allowed=(1,))
    heads = _heads(r)
    assert ("Dockerfile", 1, 6, "DF001") in heads
    if named:
        assert {h for h in heads if h[0] in ("pipe.Dockerfile", "Makefile")} == {
            ("pipe.Dockerfile", 1, 1, "AL001"), ("Makefile", 1, 1, "AL001")}


@pytest.mark.cli
def test_device_files_are_not_read(repo):
    """``x.Dockerfile -> /dev/zero`` is outside the root, and never read to the end."""
    os.symlink("/dev/zero", repo / "zero.Dockerfile")
    os.symlink("/dev/urandom", repo / "random.sh")
    r = run_cli(["check", "--no-cache", "zero.Dockerfile", "random.sh"], repo, timeout=60)
    assert_clean_exit(r, allowed=(0, 1))
    r = run_cli(["check", "--no-cache"], repo, timeout=60)
    assert_clean_exit(r, allowed=(0, 1))


# ---- files that change under a run ----------------------------------------------------------------------


def _run(paths, root, jobs=1):
    from archlint.config import ConfigResolver
    from archlint.run.runner import run_paths

    resolver = ConfigResolver(overrides={"platforms": ["linux/amd64"]}, isolated=True)
    return run_paths([str(p) for p in paths], resolver, str(root), respect_gitignore=False, jobs=jobs, use_cache=False)


def _summary(run):
    out = {}
    for fr in run.files:
        out[fr.path] = sorted([(f.rule_id, f.span.line, f.span.col) for f in fr.findings]
                              + [(n.rule_id, n.line, n.col) for n in fr.notices])
    return out


def _tree(root, n):
    for i in range(n):
        (root / f"d{i:03}.Dockerfile").write_text("FROM python:latest\n")


@pytest.mark.parametrize("change", ["delete", "binary", "grow", "folder", "shrink"])
@pytest.mark.parametrize("jobs,n", [(1, 5), (2, 60)], ids=["serial", "pool"])
def test_file_changed_between_discovery_and_lint(tmp_path, monkeypatch, change, jobs, n):
    import archlint.run.runner as runner

    _tree(tmp_path, n)
    victim = tmp_path / "d002.Dockerfile"
    real = runner.discover

    def racing_discover(*a, **kw):
        targets = list(real(*a, **kw))
        if change == "delete":
            victim.unlink()
        elif change == "binary":
            victim.write_bytes(b"\x00\x01\x02")
        elif change == "grow":
            victim.write_bytes(b"FROM python:latest\n" + b"#" * (5 << 20))
        elif change == "folder":
            victim.unlink()
            victim.mkdir()
        elif change == "shrink":
            victim.write_bytes(b"")
        return iter(targets)

    monkeypatch.setattr(runner, "discover", racing_discover)
    got = _summary(_run([tmp_path], tmp_path, jobs=jobs))
    assert len(got) == n
    for name, items in got.items():
        if name != "d002.Dockerfile":
            assert items == [("DF001", 1, 6), ("DF005", 1, 1)], (name, items)
    expected = {"delete": [("AL001", 1, 1)], "binary": [("AL001", 1, 1)], "grow": [("AL005", 1, 1)],
                "folder": [("AL001", 1, 1)], "shrink": [("AL001", 1, 1)]}[change]  # an empty Dockerfile
    assert got["d002.Dockerfile"] == expected


@pytest.mark.parametrize("change", ["delete", "grow", "folder", "binary"])
def test_file_changed_between_stat_and_read(tmp_path, monkeypatch, change):
    """The window inside engine.read_file: the size was checked, then the file changes."""
    import archlint.engine as engine

    victim = tmp_path / "Dockerfile"
    victim.write_text("FROM python:latest\n")
    real_stat = os.stat
    fired = []

    def stat_then_change(path, *a, **kw):
        st = real_stat(path, *a, **kw)
        if os.fspath(path) == str(victim) and not fired:
            fired.append(1)
            if change == "delete":
                victim.unlink()
            elif change == "grow":
                victim.write_bytes(b"FROM python:latest\n" + b"#" * 4096)
            elif change == "folder":
                victim.unlink()
                victim.mkdir()
            elif change == "binary":
                victim.write_bytes(b"FROM \x00\n")
        return st

    monkeypatch.setattr(engine.os, "stat", stat_then_change)
    r = engine.lint_file(str(victim), "Dockerfile", settings(max_file_size=1024))
    monkeypatch.undo()
    assert fired
    assert not r.findings
    expected = {"delete": "AL001", "grow": "AL005", "folder": "AL001", "binary": "AL001"}[change]
    assert [(n.rule_id, n.line, n.col) for n in r.notices] == [(expected, 1, 1)], r.notices


@pytest.mark.cli
def test_tree_changing_while_the_cli_runs(tmp_path):
    """A real race: while a run over hundreds of files is under way, files are deleted, turned
    binary, grown past max-file-size and recreated.  Whatever the timing, the run ends normally
    and every line it prints is a finding of the real content or a notice about the change."""
    import random
    import subprocess
    import sys

    from .support import cli_env

    root = make_repo(tmp_path / "repo")
    (root / ".archlint.toml").write_text('platforms = ["linux/amd64"]\nmax-file-size = 20000\n')
    n = 600
    good = "FROM python:latest\n" + "RUN true\n" * 200
    for i in range(n):
        (root / f"d{i:03}.Dockerfile").write_text(good)
    rng = random.Random(8)
    p = subprocess.Popen([sys.executable, "-m", "archlint", "check", "--no-cache", "--jobs", "2"], cwd=root,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(root))
    changes = 0
    while p.poll() is None and changes < 20000:
        f = root / f"d{rng.randrange(n):03}.Dockerfile"
        what = rng.randrange(4)
        try:
            if what == 0:
                f.unlink()
            elif what == 1:
                f.write_bytes(b"\x00\x01")
            elif what == 2:
                f.write_bytes(b"#" * 30000)
            else:
                f.write_text(good)
        except OSError:
            pass
        changes += 1
    out, err = p.communicate(timeout=300)
    assert p.returncode in (0, 1), err.decode()
    assert b"Traceback" not in err
    allowed = {"DF001", "DF002", "DF005", "AL001", "AL005"}  # DF002: a read that caught a half-written "FROM pyth"
    for path, line, col, rule, msg in text_findings(out):
        assert rule in allowed, (path, rule, msg)
        if rule == "AL001":
            # "is empty": a read that caught a file truncated for rewriting (or only the comment lines)
            assert "could not read" in msg or "binary" in msg or "the Dockerfile is empty" in msg, (path, msg)


def test_copytree_of_hostile_corpus_with_links_is_discoverable(tmp_path):
    """discover() itself never raises on odd trees (loops, dangling links, FIFOs, folders)."""
    from archlint.discovery import discover

    root = make_repo(tmp_path / "repo")
    (root / "a").mkdir()
    os.symlink("../a", root / "a" / "loop")
    os.symlink("missing", root / "dangling.sh")
    os.symlink("dangling.sh", root / "chain.sh")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.Dockerfile")
    (root / "Makefile").mkdir()
    (root / "weird\nname.Dockerfile").write_text("FROM python:latest\n")
    (root / "\x1b[31mred.sh").write_text("#!/bin/sh\n")
    targets = list(discover([str(root)], str(root), (), True))
    names = {t.display for t in targets}
    assert "weird\nname.Dockerfile" in names and "\x1b[31mred.sh" in names
    shutil.rmtree(root / "a")
