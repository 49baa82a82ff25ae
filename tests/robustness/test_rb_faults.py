"""Faults: a rule or parser that raises, concurrent runs sharing a cache, damaged cache entries,
pre-commit's chunked parallel invocations, and a --fix run killed mid-way."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from .support import (
    ALL_KINDS, assert_clean_exit, cli_env, lint, make_repo, popen_cli, run_cli, text_findings,
    write_kind,
)

# ---- a rule that raises ------------------------------------------------------------------------------

BOOM_ID = "DF999"


@pytest.fixture
def raising_rule():
    """Register a throw-away Dockerfile rule that raises; remove it afterwards."""
    from archlint import registry
    from archlint.model import Severity

    registry.rules_for_kind("dockerfile")  # load the real DF rules first

    @registry.rule(BOOM_ID, "always-raises", kinds=("dockerfile",), severity=Severity.WARNING)
    def always_raises(ctx):
        """
        ## What it does
        Raises, for the robustness tests.
        """
        if False:
            yield
        raise RuntimeError("boom from the robustness suite")

    try:
        yield BOOM_ID
    finally:
        registry.RULES.pop(BOOM_ID, None)


def test_a_raising_rule_is_an_al004_notice_and_other_findings_are_kept(raising_rule):
    r = lint("dockerfile", "FROM python:latest\n", name="app/Dockerfile")
    al004 = [n for n in r.notices if n.rule_id == "AL004"]
    assert len(al004) == 1, r.notices
    n = al004[0]
    assert BOOM_ID in n.message and "always-raises" in n.message
    assert "app/Dockerfile" in n.message and n.path == "app/Dockerfile"
    assert "RuntimeError" in n.message and "boom from the robustness suite" in n.message
    assert n.internal
    assert {(f.rule_id, f.span.line, f.span.col) for f in r.findings} == {("DF001", 1, 6), ("DF005", 1, 1)}


def test_a_rule_that_raises_after_yielding_keeps_the_run_going(raising_rule):
    from archlint import registry
    from archlint.model import Severity

    @registry.rule("DF998", "yields-then-raises", kinds=("dockerfile",), severity=Severity.WARNING)
    def half(ctx):
        """
        ## What it does
        Yields one finding, then raises.
        """
        yield ctx.report(ctx.source.line_span(1), "first.")
        raise KeyError("second")

    try:
        r = lint("dockerfile", "FROM python:latest\nFROM alpine:latest\n")
    finally:
        registry.RULES.pop("DF998", None)
    assert {n.message.split(" on ")[0] for n in r.notices if n.rule_id == "AL004"} == {
        f"internal error in rule {BOOM_ID} (always-raises)", "internal error in rule DF998 (yields-then-raises)"}
    assert ("DF001", 2, 6) in {(f.rule_id, f.span.line, f.span.col) for f in r.findings}


def test_a_raising_parser_is_an_al004_notice(monkeypatch):
    import archlint.engine as engine

    def broken(source):
        raise ZeroDivisionError("parser bug")

    engine._parser("dockerfile")
    monkeypatch.setitem(engine._parsers, "dockerfile", broken)
    r = lint("dockerfile", "FROM python:latest\n")
    assert [(n.rule_id, n.internal) for n in r.notices] == [("AL004", True)]
    assert "dockerfile parser" in r.notices[0].message and "ZeroDivisionError" in r.notices[0].message
    assert not r.findings


_BOOM_CLI = textwrap.dedent('''
    import sys
    from archlint import registry
    from archlint.model import Severity

    @registry.rule("DF999", "always-raises", kinds=("dockerfile",), severity=Severity.WARNING)
    def always_raises(ctx):
        """
        ## What it does
        Raises.
        """
        raise RuntimeError("boom from the robustness suite")

    from archlint.cli import main
    sys.exit(main(sys.argv[1:]))
''')


def _boom_cli(args, cwd):
    return subprocess.run([sys.executable, "-c", _BOOM_CLI, *args], cwd=str(cwd), capture_output=True,
                          env=cli_env(Path(cwd)), timeout=120)


@pytest.mark.cli
def test_raising_rule_through_the_cli_exit_codes(tmp_path):
    root = make_repo(tmp_path)
    (root / "Dockerfile").write_text("FROM python:latest\n")
    (root / "b").mkdir()
    (root / "b" / "Dockerfile").write_text("FROM --platform=linux/amd64 alpine:3.20\n")
    (root / "run.sh").write_text("#!/bin/sh\ndocker build -t acme/app:1 .\ndocker push acme/app:1\n")
    r = _boom_cli(["check", "--no-cache"], root)
    assert r.returncode == 1, r.stderr.decode()
    heads = {(p, rule) for p, _, _, rule, _ in text_findings(r.stdout)}
    assert {("Dockerfile", "AL004"), ("b/Dockerfile", "AL004"), ("Dockerfile", "DF001"), ("run.sh", "BC001")} <= heads
    msgs = [m for *_, rule, m in text_findings(r.stdout) if rule == "AL004"]
    assert all("DF999" in m for m in msgs) and len(msgs) == 2
    assert _boom_cli(["check", "--no-cache", "--exit-zero"], root).returncode == 0
    assert _boom_cli(["check", "--no-cache", "--strict-internal-errors"], root).returncode == 2
    assert _boom_cli(["check", "--no-cache", "--strict-internal-errors", "--exit-zero"], root).returncode == 2
    assert _boom_cli(["check", "--no-cache", "--strict-internal-errors", "run.sh"], root).returncode == 1
    # only the good file: no internal error, strict or not
    (root / "Dockerfile").unlink()
    shutil.rmtree(root / "b")
    assert _boom_cli(["check", "--no-cache", "--strict-internal-errors", "--exit-zero"], root).returncode == 0


@pytest.mark.cli
def test_raising_rule_in_sarif_is_a_tool_execution_notification(tmp_path):
    root = make_repo(tmp_path)
    (root / "Dockerfile").write_text("FROM python:latest\n")
    r = _boom_cli(["check", "--no-cache", "--output-format", "sarif"], root)
    assert r.returncode == 1, r.stderr.decode()
    run = json.loads(r.stdout)["runs"][0]
    notes = [n for inv in run.get("invocations", []) for n in inv.get("toolExecutionNotifications", [])]
    boom = [n for n in notes if "DF999" in n["message"]["text"]]
    assert boom, notes
    assert any("Dockerfile" in json.dumps(n.get("locations", [])) or "Dockerfile" in n["message"]["text"] for n in boom)
    assert {res["ruleId"] for res in run["results"]} >= {"DF001"}


# ---- a corpus for multi-process runs -----------------------------------------------------------------


def _corpus(root: Path, n: int = 300) -> list[str]:
    """``n`` files of every kind in nested folders; returns their paths relative to root."""
    make_repo(root, platforms=("linux/amd64", "linux/arm64"))
    rng = random.Random(8)
    names = []
    variants = {
        "dockerfile": ["FROM python:latest\n", "FROM --platform=linux/amd64 alpine:3.20\nRUN GOARCH=amd64 go build\n",
                       "FROM --platform=linux/x86_64 node\n", "FROM scratch\n"],
        "shell": ["#!/bin/sh\ndocker build -t acme/a:1 .\n",
                  "#!/bin/sh\ndocker buildx build --platform linux/amd64,linux/arm64 --load -t acme/a .\n"],
        "makefile": ["b:\n\tdocker build -t acme/a:latest .\n", "P ?= linux/arm64\nb:\n\tdocker build --platform $(P) .\n"],
        "markdown": ["```sh\ndocker build -t acme/a .\n```\n", "# ok\n"],
        "python": ["import threading\nthreading.currentThread()\n", "x = (\n"],
    }
    for i in range(n):
        kind = ALL_KINDS[i % len(ALL_KINDS)]
        d = root / f"p{i % 7}" / f"q{i % 11}" / f"n{i}"
        text = rng.choice(variants[kind]) if kind in variants else None
        p = write_kind(d, kind, text)
        names.append(p.relative_to(root).as_posix())
    return sorted(names)


def _all_lines(proc) -> set:
    return text_findings(proc.stdout)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus") / "repo"
    names = _corpus(root)
    base = run_cli(["check", "--no-cache", "--jobs", "1"], root, timeout=600)
    assert_clean_exit(base, allowed=(1,))
    return root, names, base


@pytest.mark.cli
@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "shared-cache"])
def test_pre_commit_chunks_in_parallel_give_the_same_results_as_one_run(corpus, cache, tmp_path):
    root, names, base = corpus
    cache_dir = tmp_path / "cache"
    env = {"ARCHLINT_CACHE_DIR": str(cache_dir)}
    flags = [] if cache else ["--no-cache"]
    sizes = [37, 1, 64, 80, 5, 113]  # pre-commit splits by command-line length: uneven chunks
    chunks, i = [], 0
    while i < len(names):
        n = sizes[len(chunks) % len(sizes)]
        chunks.append(names[i:i + n])
        i += n
    for attempt in range(2 if cache else 1):  # cold cache, then warm
        procs = [popen_cli(["check", *flags, *c], root, env=env) for c in chunks]
        union, codes = set(), []
        for p in procs:
            out, err = p.communicate(timeout=600)
            assert b"Traceback" not in err, err.decode()
            codes.append(p.returncode)
            union |= text_findings(out)
        assert union == _all_lines(base), f"attempt {attempt}"
        assert max(codes) == base.returncode
    # one run with every name given explicitly is the same as the walk
    r = run_cli(["check", "--no-cache", *names], root, timeout=600)
    assert _all_lines(r) == _all_lines(base)


@pytest.mark.cli
def test_concurrent_runs_sharing_one_cache_folder(corpus, tmp_path):
    root, names, base = corpus
    env = {"ARCHLINT_CACHE_DIR": str(tmp_path / "shared-cache")}
    for attempt in ("cold", "warm"):
        procs = [popen_cli(["check", "--jobs", str(j)], root, env=env) for j in (1, 2, 1, 2)]
        for p in procs:
            out, err = p.communicate(timeout=600)
            assert p.returncode == base.returncode, err.decode()
            assert out == base.stdout, attempt
    # content changed under a warm cache: the cache must not serve stale results
    victim = root / names[0]
    old = victim.read_bytes()
    try:
        victim.write_text("FROM ubuntu:latest\n" if victim.name == "Dockerfile" else "\n")
        fresh = run_cli(["check", "--no-cache"], root, timeout=600)
        procs = [popen_cli(["check"], root, env=env) for _ in range(3)]
        for p in procs:
            out, _ = p.communicate(timeout=600)
            assert out == fresh.stdout
        # other settings under the same warm cache
        fresh = run_cli(["check", "--no-cache", "--platform", "linux/arm64"], root, timeout=600)
        cached = run_cli(["check", "--platform", "linux/arm64"], root, env=env, timeout=600)
        assert cached.stdout == fresh.stdout
    finally:
        victim.write_bytes(old)


def _cache_files(d: Path) -> list[Path]:
    return sorted(p for p in d.rglob("*") if p.is_file()) if d.exists() else []


@pytest.mark.cli
@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "json", "pickle-bomb"])
def test_damaged_cache_entries_are_ignored_and_rewritten(corpus, tmp_path, damage):
    root, names, base = corpus
    cache_dir = tmp_path / "cache"
    env = {"ARCHLINT_CACHE_DIR": str(cache_dir)}
    warm = run_cli(["check"], root, env=env, timeout=600)
    assert warm.stdout == base.stdout
    files = _cache_files(cache_dir)
    assert files, "the cache wrote nothing"
    marker = tmp_path / "archlint-cache-marker"
    bad: dict[Path, bytes] = {}
    for p in files:
        data = p.read_bytes()
        if p.name == "CACHEDIR.TAG" or p.suffix == ".lock":
            continue
        if damage == "truncate":
            new = data[: len(data) // 2]
        elif damage == "garbage":
            new = os.urandom(max(16, len(data)))
        elif damage == "empty":
            new = b""
        elif damage == "json":
            new = b'{"findings": [{"rule": "XX000"}]}'
        else:  # a pickle that would run a command if the cache unpickled untrusted bytes blindly
            import pickle

            class Evil:
                def __reduce__(self):
                    return (os.system, (f"touch {marker}",))

            new = pickle.dumps(Evil())
        if new == data:
            continue
        p.write_bytes(new)
        bad[p] = new
    r = run_cli(["check"], root, env=env, timeout=600)
    assert_clean_exit(r, allowed=(base.returncode,))
    assert r.stdout == base.stdout
    # (pickle-bomb: a well-formed entry of the wrong type must be ignored like any damage; whether
    # the cache unpickles at all is the cache's design; the marker shows it if it does)
    for p, new in bad.items():
        assert not p.exists() or p.read_bytes() != new, f"{p} was not rewritten"
    again = run_cli(["check"], root, env=env, timeout=600)
    assert again.stdout == base.stdout


# ---- --fix killed mid-way --------------------------------------------------------------------------

OLD = "FROM --platform=$TARGETPLATFORM alpine:3.20\nRUN echo {i}\n"


@pytest.mark.cli
def test_sigkill_during_fix_leaves_each_file_old_or_new(tmp_path):
    n = 300
    ref = make_repo(tmp_path / "ref", platforms=())
    (ref / ".archlint.toml").write_text("")
    for i in range(n):
        (ref / f"d{i:03}.Dockerfile").write_text(OLD.format(i=i))
    t0 = time.monotonic()
    done = run_cli(["check", "--no-cache", "--select", "DF010", "--fix"], ref, timeout=600)
    elapsed = time.monotonic() - t0
    assert_clean_exit(done, allowed=(0, 1))
    new = {p.name: p.read_bytes() for p in ref.glob("*.Dockerfile")}
    old = {f"d{i:03}.Dockerfile": OLD.format(i=i).encode() for i in range(n)}
    assert all(new[k] != old[k] for k in old), "the fix changed nothing"
    listing = sorted(p.name for p in ref.iterdir())
    mixed = 0
    # kill at points spread over a whole run (start-up included), as timed on this machine
    for trial, delay in enumerate(f * elapsed for f in (0.1, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97)):
        work = tmp_path / f"t{trial}"
        shutil.copytree(ref, work, ignore=shutil.ignore_patterns(".archlint-test-cache"))
        for name, data in old.items():
            (work / name).write_bytes(data)
        p = subprocess.Popen([sys.executable, "-m", "archlint", "check", "--no-cache", "--select", "DF010", "--fix"],
                             cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(work))
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        states = set()
        for name in old:
            got = (work / name).read_bytes()
            assert got in (old[name], new[name]), f"trial {trial}: {name} is half-written: {got!r}"
            states.add(got == new[name])
        mixed += states == {True, False}
        # the next run completes the work and leaves no temporary file behind
        r = run_cli(["check", "--no-cache", "--select", "DF010", "--fix"], work, timeout=600)
        assert_clean_exit(r, allowed=(0, 1))
        assert {q.name: q.read_bytes() for q in work.glob("*.Dockerfile")} == new
        leftover = sorted(q.name for q in work.iterdir() if q.name != ".archlint-test-cache")
        assert leftover == [x for x in listing if x != ".archlint-test-cache"], f"trial {trial}: {set(leftover) - set(listing)}"
    assert mixed, "no kill landed while files were being fixed: the test did not test anything"


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_the_workers_of_a_killed_run_leave_with_it(tmp_path):
    # an editor's or pre-commit's timeout kills archlint outright: its pool workers, which wait
    # on a pipe they hold open themselves, must not wait for ever (they did, found after this
    # test file's SIGKILL test left two behind)
    root = make_repo(tmp_path / "r", platforms=())
    for i in range(400):
        (root / f"d{i:03}.Dockerfile").write_text(f"FROM alpine:3.{i % 20}\nRUN echo {i}\n" * 40)
    p = subprocess.Popen([sys.executable, "-m", "archlint", "check", "--no-cache", "--jobs", "2"], cwd=root,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(root))
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and p.poll() is None and time.monotonic() < deadline:
        workers = _children(p.pid)
        time.sleep(0.02)
    if not workers:
        pytest.skip("the run ended before its workers could be seen")
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    deadline = time.monotonic() + 20
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [w for w in alive if os.path.exists(f"/proc/{w}") and "Z" not in
                 Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[:1]]
    assert alive == [], f"workers {alive} outlived the killed run"


@pytest.mark.cli
@pytest.mark.parametrize("named", [False, True], ids=["walked", "named"])
def test_fix_never_writes_through_a_symlink_out_of_the_root(tmp_path, named):
    """--fix writes through symlinks onto their target: a link pointing out of the repository
    (to ~/.bashrc, /etc/...) must be reported, not linted, and above all not rewritten."""
    root = make_repo(tmp_path / "repo", platforms=())
    (root / ".archlint.toml").write_text("")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "Dockerfile"
    target.write_text("FROM --platform=$TARGETPLATFORM alpine:3.20\n")
    os.symlink(target, root / "linked.Dockerfile")
    (root / "Dockerfile").write_text("FROM --platform=$TARGETPLATFORM alpine:3.20\n")
    args = ["check", "--no-cache", "--select", "DF010", "--fix"] + (["linked.Dockerfile", "Dockerfile"] if named else [])
    r = run_cli(args, root)
    assert_clean_exit(r, allowed=(0, 1))
    assert target.read_text() == "FROM --platform=$TARGETPLATFORM alpine:3.20\n", "a file outside the root was rewritten"
    assert (root / "Dockerfile").read_text() == "FROM alpine:3.20\n"
    assert os.path.islink(root / "linked.Dockerfile")
