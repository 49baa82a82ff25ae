"""The result cache (archlint/run/cache.py): hits only when nothing that decides the result changed,
never trusts damaged or hostile data, survives two runs sharing it, stays bounded, and keeps a
fully cached run away from the parsers and rule modules.

Files written by a test are seconds old at most, and the cache refuses to store results of files
modified within ``RACY_NS`` of a run (they could still be changing without a visible mtime step);
the in-process tests set it to 0 and make every modification change the size or the mtime.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archlint.run import cache as C
from archlint.config import ConfigResolver, Settings, settings_from_table
from archlint.engine import lint_file
from archlint.run.runner import run_paths

DOCKERFILE = "FROM python:latest\nRUN curl -o /x https://example.com/tool_linux_amd64 && chmod +x /x\n"
SCRIPT = "#!/bin/sh\ndocker build -t acme/app .\n"
MAKEFILE = "include common.mk\nimage:\n\tdocker build -t $(IMG) .\n"
COMMON_MK = "IMG := acme/app:1\n"
PYFILE = "import threading\n\n\ndef now():\n    return threading.currentThread()\n"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A repository with one file of several kinds, a private cache folder, and RACY_NS = 0."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "build.sh").write_text(SCRIPT)
    (root / "Makefile").write_text(MAKEFILE)
    (root / "common.mk").write_text(COMMON_MK)
    (root / "app").mkdir()
    (root / "app" / "clock.py").write_text(PYFILE)
    (root / "README.md").write_text("# x\n\n```sh\ndocker build -t acme/x:1 . && docker push acme/x:1\n```\n")
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(C, "RACY_NS", 0)
    monkeypatch.chdir(root)
    return root, cache_dir


def _later(path: Path, text: str | None = None, seconds: int = -10) -> None:
    """Rewrite (optionally) and give the file (or folder) an mtime clearly different from
    before; in the past, so that the result may be stored again (see RACY_NS)."""
    if text is not None:
        path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def _run(root: Path, **kw):
    return run_paths(["."], ConfigResolver(overrides=kw.pop("overrides", None)), str(root), **kw)


def _snapshot(run) -> list:
    """What a run reports.  A cached result carries the file's lines only when it has findings or
    notices (the outputs read lines only there), so clean files compare without them."""
    return [(fr.path, fr.kind, fr.findings, fr.notices, fr.lines if fr.findings or fr.notices else None, fr.encoding)
            for fr in run.files]


def _lint_and_put(cache, root, name, settings=None):
    s = settings or Settings()
    p = str(root / name)
    assert cache.get(p, name, s) is None
    fr = lint_file(p, name, s)
    cache.put(p, name, s, fr)
    return fr


def _stored(root, name):
    """Lint ``name`` and store its result in a cache opened and closed for it."""
    c = C.Cache.open()
    fr = _lint_and_put(c, root, name)
    c.close()
    return fr


def _hit(root, name):
    """The result a newly opened cache holds for ``name``, or None."""
    return C.Cache.open().get(str(root / name), name, Settings())


# ---- hits are exact -----------------------------------------------------------------------------


def test_warm_run_equals_cold_run(env):
    root, _ = env
    cold = _run(root, use_cache=False)
    first = _run(root)
    warm = _run(root)
    assert _snapshot(first) == _snapshot(cold)
    assert _snapshot(warm) == _snapshot(cold)
    assert any(fr.findings for fr in warm.files)  # the comparison is not vacuous


def test_every_result_is_served_from_the_cache(env):
    root, _ = env
    c = C.Cache.open()
    names = ["Dockerfile", "build.sh", "Makefile", "app/clock.py", "README.md"]
    fresh = {n: _lint_and_put(c, root, n) for n in names}
    c.close()
    c2 = C.Cache.open()
    for n in names:
        hit = c2.get(str(root / n), n, Settings())
        assert hit == fresh[n], n
        assert hit.lines == fresh[n].lines or not (hit.findings or hit.notices)
    assert c2.hits == len(names) and c2.misses == 0


def test_settings_display_path_and_version_are_part_of_the_key(env, monkeypatch):
    root, _ = env
    c = C.Cache.open()
    _lint_and_put(c, root, "Dockerfile")
    p = str(root / "Dockerfile")
    assert c.get(p, "Dockerfile", Settings()) is not None
    arm = settings_from_table({"platforms": ["linux/arm64"]}, None)
    assert c.get(p, "Dockerfile", arm) is None
    assert c.get(p, "sub/Dockerfile", Settings()) is None
    c.close()
    monkeypatch.setattr(C, "_ENV", None)
    monkeypatch.setattr(C, "__version__", "999.0")
    assert C.Cache.open().get(p, "Dockerfile", Settings()) is None


def test_changed_content_is_relinted_even_with_the_old_mtime(env):
    root, _ = env
    c = C.Cache.open()
    _lint_and_put(c, root, "Dockerfile")
    c.close()
    p = root / "Dockerfile"
    st = p.stat()
    p.write_text(DOCKERFILE.replace("latest", "3.12xy"))  # same size
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the old mtime: only ctime tells
    assert p.stat().st_size == st.st_size
    c2 = C.Cache.open()
    assert c2.get(str(p), "Dockerfile", Settings()) is None


def test_touched_but_identical_file_is_still_a_hit(env):
    root, _ = env
    c = C.Cache.open()
    _lint_and_put(c, root, "Dockerfile")
    c.close()
    _later(root / "Dockerfile")
    c2 = C.Cache.open()
    assert c2.get(str(root / "Dockerfile"), "Dockerfile", Settings()) is not None
    c2.close()
    # and the new stat signature was recorded: the next hit needs no read
    c3 = C.Cache.open()
    assert c3.get(str(root / "Dockerfile"), "Dockerfile", Settings()) is not None


def test_file_modified_just_before_the_run_is_not_stored(env, monkeypatch):
    root, _ = env
    monkeypatch.setattr(C, "RACY_NS", 2_000_000_000)
    (root / "Dockerfile").write_text(DOCKERFILE + "# now\n")
    c = C.Cache.open()
    _lint_and_put(c, root, "Dockerfile")
    c.close()
    assert C.Cache.open().get(str(root / "Dockerfile"), "Dockerfile", Settings()) is None


def test_internal_errors_are_not_cached(env):
    root, _ = env
    from archlint.model import FileResult, Notice

    c = C.Cache.open()
    p = str(root / "Dockerfile")
    assert c.get(p, "Dockerfile", Settings()) is None
    c.put(p, "Dockerfile", Settings(), FileResult("Dockerfile", "dockerfile", notices=[Notice("AL004", "boom", "Dockerfile", internal=True)]))
    c.close()
    assert C.Cache.open().get(p, "Dockerfile", Settings()) is None


# ---- other files a result depends on ----------------------------------------------------------


def test_makefile_include_change_invalidates(env):
    root, _ = env
    _stored(root, "Makefile")
    assert _hit(root, "Makefile") is not None
    _later(root / "common.mk", "IMG := app:2\n")
    assert _hit(root, "Makefile") is None


def test_a_makefile_parts_result_follows_the_makefiles_that_may_include_it(env):
    # the root Makefile reads common.mk; once common.mk includes make/build.mk, that part is
    # read with the root's variables: its cached result must not outlive the change
    root, _ = env
    (root / "Makefile").write_text("IMG = quay.io/x/y:latest\ninclude common.mk\n")
    (root / "make").mkdir()
    (root / "make" / "build.mk").write_text("b:\n\tdocker build -t $(IMG) .\n\tdocker push $(IMG)\n")
    _later(root / "Makefile")
    _later(root / "make" / "build.mk")
    _stored(root, "make/build.mk")
    assert _hit(root, "make/build.mk") is not None
    _later(root / "common.mk", "include make/build.mk\n")
    assert _hit(root, "make/build.mk") is None


def test_makefile_include_that_appears_later_invalidates(env):
    root, _ = env
    (root / "Makefile").write_text("-include local.mk\nimage:\n\tdocker build -t acme/x .\n")
    _stored(root, "Makefile")
    assert _hit(root, "Makefile") is not None
    (root / "local.mk").write_text("X := 1\n")
    _later(root)  # the folder's listing changed
    assert _hit(root, "Makefile") is None


def test_makefile_include_through_a_variable_is_followed(env):
    root, _ = env
    (root / "Makefile").write_text("TOP := .\ninclude $(TOP)/common.mk\nimage:\n\tdocker build -t $(IMG) .\n")
    _stored(root, "Makefile")
    assert _hit(root, "Makefile") is not None
    _later(root / "common.mk", "IMG := app:22\n")
    assert _hit(root, "Makefile") is None


def test_makefile_with_a_computed_include(env):
    """An include whose name make would compute (``$(shell …)``, ``$(lastword $(MAKEFILE_LIST))``)
    is never evaluated, so the parser reads nothing for it: the result depends on the other
    includes only and is stored, with the parser's list of inputs."""
    root, _ = env
    (root / "Makefile").write_text(
        "ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))\n"
        "include $(shell git rev-parse --show-toplevel)/x.mk\ninclude $(ROOT)/y.mk\n-include common.mk\n"
        "all:\n\techo\n")
    c = C.Cache.open()
    fr = _lint_and_put(c, root, "Makefile")
    c.close()
    assert str(root / "common.mk") in fr.deps and str(root / ".git") in fr.deps
    assert not any("x.mk" in d or "y.mk" in d for d in fr.deps)  # never evaluated, never read
    hit = C.Cache.open().get(str(root / "Makefile"), "Makefile", Settings())
    assert hit is not None and hit.deps == fr.deps
    _later(root / "common.mk", "IMG := app:3\n")
    assert C.Cache.open().get(str(root / "Makefile"), "Makefile", Settings()) is None


def test_makefile_glob_include_follows_the_folder(env):
    root, _ = env
    (root / "mk").mkdir()
    (root / "mk" / "a.mk").write_text("A := 1\n")
    (root / "Makefile").write_text("include mk/*.mk\nall:\n\techo $(A)\n")
    _later(root / "mk")
    c = C.Cache.open()
    fr = _lint_and_put(c, root, "Makefile")
    c.close()
    assert str(root / "mk") in fr.deps and str(root / "mk" / "a.mk") in fr.deps
    assert C.Cache.open().get(str(root / "Makefile"), "Makefile", Settings()) is not None
    (root / "mk" / "b.mk").write_text("B := 2\n")
    _later(root / "mk")
    assert C.Cache.open().get(str(root / "Makefile"), "Makefile", Settings()) is None


def test_makefile_result_without_its_inputs_is_not_stored(env):
    from archlint.model import FileResult

    root, _ = env
    c = C.Cache.open()
    p = str(root / "Makefile")
    assert c.get(p, "Makefile", Settings()) is None
    c.put(p, "Makefile", Settings(), FileResult("Makefile", "makefile", deps=None))
    c.close()
    assert C.Cache.open().get(p, "Makefile", Settings()) is None


def test_python_result_follows_the_project_files(env):
    root, _ = env
    name = "app/clock.py"
    c = C.Cache.open()
    _lint_and_put(c, root, name)
    c.close()
    assert C.Cache.open().get(str(root / name), name, Settings()) is not None
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.8"\n')
    _later(root)
    assert C.Cache.open().get(str(root / name), name, Settings()) is None
    c = C.Cache.open()
    _lint_and_put(c, root, name)
    c.close()
    assert C.Cache.open().get(str(root / name), name, Settings()) is not None
    _later(root / "pyproject.toml", '[project]\nname = "x"\nrequires-python = ">=3.13"\n')
    assert C.Cache.open().get(str(root / name), name, Settings()) is None


def test_helm_values_follow_the_chart(env):
    root, _ = env
    d = root / "chart"
    d.mkdir()
    (d / "values.yaml").write_text("image:\n  repository: app\n  tag: latest\n")
    _later(d)
    c = C.Cache.open()
    _lint_and_put(c, root, "chart/values.yaml")
    c.close()
    assert C.Cache.open().get(str(d / "values.yaml"), "chart/values.yaml", Settings()) is not None
    (d / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    _later(d)
    assert C.Cache.open().get(str(d / "values.yaml"), "chart/values.yaml", Settings()) is None


def test_every_result_says_what_it_depended_on(env):
    """The cache stores only results that list their inputs; every kind's result does (the
    engine collects what detection, parser and rules looked at), so every kind is cached."""
    root = env[0] / "kinds"
    for kind, name in (("dockerfile", "Dockerfile"), ("shell", "b.sh"), ("makefile", "Makefile"),
                       ("markdown", "R.md"), ("python", "m.py"), ("compose", "compose.yaml"),
                       ("workflow", ".github/workflows/ci.yml"), ("kustomization", "kustomization.yaml"),
                       ("kubernetes", "k.yaml"), ("helm-values", "chart/values.yaml")):
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("apiVersion: v1\nkind: ConfigMap\n" if kind == "kubernetes" else "x: 1\n")
        if kind == "helm-values":
            (p.parent / "Chart.yaml").write_text("name: c\n")
        fr = lint_file(str(p), name, Settings())
        assert fr.kind == kind and fr.deps is not None, (kind, fr.deps)


# ---- damaged, hostile, shared, bounded ----------------------------------------------------------


def _index_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.idx"))


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "flipped-byte"])
def test_damaged_index_is_ignored_and_rewritten(env, damage):
    root, cache_dir = env
    cold = _snapshot(_run(root, use_cache=False))
    _run(root)
    files = _index_files(cache_dir)
    assert files
    for p in files:
        data = p.read_bytes()
        if damage == "truncate":
            new = data[: len(data) // 2]
        elif damage == "garbage":
            new = os.urandom(len(data))
        elif damage == "empty":
            new = b""
        else:
            i = len(data) - 3
            new = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]
        p.write_bytes(new)
    assert _snapshot(_run(root)) == cold
    for p in files:
        assert C._parse_index(p.read_bytes(), C.environment_key()), f"{p.name} was not rewritten"
    assert _snapshot(_run(root)) == cold


def _rewrite_index(path: Path, mutate) -> None:
    data = path.read_bytes()
    body = data.split(b"\n", 2)[2]
    doc = json.loads(body)
    mutate(doc["entries"])
    body = json.dumps(doc, separators=(",", ":")).encode()
    path.write_bytes(C._MAGIC + C._digest(body).encode() + b"\n" + body)


@pytest.mark.parametrize("bad", [
    lambda e: e.__setitem__(5, ["dockerfile", "utf-8", [["DF001", 5, [1, 1, 1, 2], 3, "Dockerfile", None, None, [], "", False, ""]], [], 0, None]),
    lambda e: e.__setitem__(5, ["dockerfile", "utf-8", [["DF001", "m", [1, 1, 1], 3, "Dockerfile", None, None, [], "", False, ""]], [], 0, None]),
    lambda e: e.__setitem__(5, ["dockerfile", "utf-8", [["DF001", "m", [1, 1, 1, 2], 9, "Dockerfile", None, None, [], "", False, ""]], [], 0, None]),
    lambda e: e.__setitem__(5, ["dockerfile", "utf-8", [], [], 0, [7]]),
    lambda e: e.__setitem__(5, {"__reduce__": "os.system"}),
    lambda e: e.__setitem__(3, [["/etc/passwd"]]),
    lambda e: e.__setitem__(3, "0123456789abcdef"),
    lambda e: e.clear(),
])
def test_well_formed_index_with_hostile_entries_is_never_trusted(env, bad):
    """A checksum-valid index whose entries have the wrong shape: each such entry is dropped and
    the file relinted (strict decoding; nothing is ever unpickled or evaluated)."""
    root, cache_dir = env
    cold = _snapshot(_run(root, use_cache=False))
    _run(root)

    def mutate(entries):
        for e in entries.values():
            bad(e)

    for p in _index_files(cache_dir):
        _rewrite_index(p, mutate)
    assert _snapshot(_run(root)) == cold
    assert _snapshot(_run(root)) == cold


def test_two_caches_writing_at_once_keep_both_results(env):
    root, cache_dir = env
    a, b = C.Cache.open(), C.Cache.open()
    names = ["Dockerfile", "build.sh", "Makefile", "app/clock.py", "README.md"]
    for i, n in enumerate(names):
        _lint_and_put(a if i % 2 else b, root, n)
    a.close()
    b.close()  # merges what `a` wrote into the shards it shares with it
    c = C.Cache.open()
    assert all(c.get(str(root / n), n, Settings()) is not None for n in names)
    assert not list(cache_dir.rglob(".tmp-*"))


def test_concurrent_cli_runs_share_one_cache(env):
    """Real processes: four runs at once on a shared cache folder, then a warm run."""
    root, cache_dir = env
    time.sleep(2.1)  # the subprocesses use the real RACY_NS: let the files age
    e = dict(os.environ, NO_COLOR="1", ARCHLINT_CACHE_DIR=str(cache_dir))
    base = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache"], cwd=root, env=e, capture_output=True)
    procs = [subprocess.Popen([sys.executable, "-m", "archlint", "check"], cwd=root, env=e, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert out == base.stdout and p.returncode == base.returncode, err.decode()
    warm = subprocess.run([sys.executable, "-m", "archlint", "check"], cwd=root, env=e, capture_output=True)
    assert warm.stdout == base.stdout
    assert _index_files(cache_dir)


def test_cache_folder_is_bounded(env, tmp_path):
    root, cache_dir = env
    base = cache_dir / f"v{C.FORMAT}"
    for i in range(5):  # five other repositories' indexes, oldest first
        d = base / f"old{i}"
        d.mkdir(parents=True)
        (d / "00.idx").write_bytes(b"x" * 300_000)
    (base / "old4" / ".tmp-1-dead").write_bytes(b"partial")  # left by a killed run
    os.utime(base / "old4" / ".tmp-1-dead", (time.time() - 3600, time.time() - 3600))
    for i in range(5):
        os.utime(base / f"old{i}", (time.time() - 1000 + i, time.time() - 1000 + i))
    c = C.Cache.open(max_mb=1)
    _lint_and_put(c, root, "Dockerfile")
    c.close()
    left = sorted(p.name for p in base.iterdir())
    total = sum(p.stat().st_size for p in base.rglob("*") if p.is_file())
    assert total <= 1024 * 1024
    assert "old4" in left and "old0" not in left  # the stalest went first
    assert not (base / "old4" / ".tmp-1-dead").exists()
    assert any(C._parse_index(p.read_bytes(), C.environment_key()) for p in _index_files(cache_dir))


def test_entries_unused_for_a_month_are_dropped(env, monkeypatch):
    root, _ = env
    c = C.Cache.open()
    _lint_and_put(c, root, "Dockerfile")
    c.close()
    real = time.time_ns
    monkeypatch.setattr(C.time, "time_ns", lambda: real() + (C.MAX_AGE_DAYS + 2) * C._DAY_NS)
    c = C.Cache.open()
    n, _key = c._key(str(root / "Dockerfile"), Settings())
    c._store.shard(n).dirty = True  # the shard is written back (as when another file in it changed)
    c.close()
    monkeypatch.setattr(C.time, "time_ns", real)
    c = C.Cache.open()
    assert c.get(str(root / "Dockerfile"), "Dockerfile", Settings()) is None


# ---- where it lives, and switching it off -------------------------------------------------------


def test_cache_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert C.cache_dir() == str(tmp_path / "a")
    monkeypatch.delenv("ARCHLINT_CACHE_DIR")
    assert C.cache_dir() == str(tmp_path / "x" / "archlint")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if os.name != "nt":
        assert C.cache_dir() == str(tmp_path / "home" / ".cache" / "archlint")


def test_no_cache_switches(env, monkeypatch):
    root, cache_dir = env
    monkeypatch.setenv("ARCHLINT_NO_CACHE", "1")
    assert not C.Cache.open().enabled
    _run(root)
    monkeypatch.delenv("ARCHLINT_NO_CACHE")
    _run(root, use_cache=False)
    assert not _index_files(cache_dir)


def test_unusable_cache_folder_turns_the_cache_off(env, tmp_path):
    root, _ = env
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    c = C.Cache.open(str(blocker))
    assert not c.enabled
    assert c.get(str(root / "Dockerfile"), "Dockerfile", Settings()) is None
    c.put(str(root / "Dockerfile"), "Dockerfile", Settings(), lint_file(str(root / "Dockerfile"), "Dockerfile", Settings()))
    c.close()


def test_default_location_is_outside_the_repository(env, monkeypatch):
    root, _ = env
    monkeypatch.delenv("ARCHLINT_CACHE_DIR")
    assert not Path(C.cache_dir()).resolve().is_relative_to(root.resolve())


# ---- a fully cached run stays light -----------------------------------------------------------


def test_fully_cached_run_imports_no_parser_or_rule_module(env):
    root, cache_dir = env
    _run(root)  # in-process fill (RACY_NS = 0): the subprocess below finds every result
    e = dict(os.environ, NO_COLOR="1", ARCHLINT_CACHE_DIR=str(cache_dir))
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "archlint", "check"], cwd=root, env=e, capture_output=True)
    base = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache"], cwd=root, env=e, capture_output=True)
    assert p.stdout == base.stdout
    mods = {line.split("|")[-1].strip() for line in p.stderr.decode().splitlines() if line.startswith("import time:")}
    heavy = sorted(m for m in mods if m.startswith(("archlint.parsers.", "archlint.checks.", "archlint.commands"))
                   or m.split(".")[0] in ("yaml", "_yaml", "tree_sitter", "tree_sitter_bash", "ast"))
    assert heavy == []


def test_stored_answers_only_for_entries_of_this_run(env, monkeypatch):
    """An entry this run's put refused to replace (a racy input) is not this run's result."""
    root, _ = env
    s = Settings()
    p = str(root / "Makefile")
    c = C.Cache.open()
    _lint_and_put(c, root, "Makefile")
    assert c.stored(p, s) is not None
    c.close()
    c2 = C.Cache.open()
    assert c2.stored(p, s) is None  # not validated by this run yet
    assert c2.get(p, "Makefile", s) is not None
    assert c2.stored(p, s) is not None
    _later(root / "Makefile", "include common.mk other.mk\nimage:\n\tdocker build -t $(IMG) .\n")
    (root / "other.mk").write_text("IMG := x\n")  # just written: racy
    monkeypatch.setattr(C, "RACY_NS", 2_000_000_000)
    c3 = C.Cache.open()
    assert c3.get(p, "Makefile", s) is None
    c3.put(p, "Makefile", s, lint_file(p, "Makefile", s))
    assert c3.stored(p, s) is None


def test_helm_template_follows_the_chart_folder(env):
    root, _ = env
    t = root / "chart" / "templates"
    t.mkdir(parents=True)
    (t / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n")
    _later(t / "pod.yaml")
    _later(root / "chart")
    c = C.Cache.open()
    fr = _lint_and_put(c, root, "chart/templates/pod.yaml")
    c.close()
    assert fr.findings
    assert C.Cache.open().get(str(t / "pod.yaml"), "chart/templates/pod.yaml", Settings()) is not None
    (root / "chart" / "Chart.yml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    _later(root / "chart")
    assert C.Cache.open().get(str(t / "pod.yaml"), "chart/templates/pod.yaml", Settings()) is None


def test_python_result_follows_a_continued_requirements_include(env):
    root, _ = env
    (root / "reqs").mkdir()
    (root / "reqs" / "base.txt").write_text("pandas<2\n")
    (root / "requirements.txt").write_text("-r \\\n  reqs/base.txt\n")
    _later(root / "reqs" / "base.txt")
    _later(root)
    name = "app/clock.py"
    c = C.Cache.open()
    _lint_and_put(c, root, name)
    c.close()
    assert C.Cache.open().get(str(root / name), name, Settings()) is not None
    _later(root / "reqs" / "base.txt", "pandas>=2\n")
    assert C.Cache.open().get(str(root / name), name, Settings()) is None
