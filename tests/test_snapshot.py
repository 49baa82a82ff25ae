"""Whole reports reused when nothing changed (archlint/run/snapshot.py).

The property every test here checks: whatever changed between two runs, the second run prints
exactly what a run without any cache prints, and exits with the same code.  A reused report
is recognised by what the process imported: a run that reuses one never loads the engine.

As in test_cache.py, the cache refuses to store anything modified within ``RACY_NS`` of a
run; the in-process tests set it to 0 and give every modification a distinct mtime.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archlint.run import cache as C
from archlint import cli
from archlint.run import snapshot
from helpers import age_tree as _age, later as _later, settle

DOCKERFILE = "FROM python:latest\nRUN curl -o /x https://example.com/tool_linux_amd64 && chmod +x /x\n"
MAKEFILE = "include common.mk\nimage:\n\tdocker build -t $(IMG) .\n\tdocker push $(IMG)\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "Makefile").write_text(MAKEFILE)
    (root / "common.mk").write_text("IMG := acme/app:1\n")
    (root / "svc").mkdir()
    (root / "svc" / "build.sh").write_text("#!/bin/sh\ndocker build -t acme/svc .\ndocker push acme/svc\n")
    (root / "app").mkdir()
    (root / "app" / "clock.py").write_text("import threading\n\n\ndef now():\n    return threading.currentThread()\n")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (root / "archived").mkdir()
    (root / "archived" / "version.sh").write_text("#!/bin/sh\ngit describe --tags\n")  # nothing to name
    return settle(root, tmp_path, monkeypatch)


def _main(capsys, *argv) -> tuple[int, str]:
    code = cli.main(["check", *argv])
    return code, capsys.readouterr().out


def _fresh(capsys, *argv) -> tuple[int, str]:
    return _main(capsys, "--no-cache", *argv)


def _runs(tmp_path) -> list:
    return sorted((tmp_path / "cache").glob(f"v{C.FORMAT}/*/runs/*.run"))


def _reused(root: Path, *argv) -> tuple[bool, str, int]:
    """Run the CLI in a new process; (engine imported?, output, exit code)."""
    probe = (
        "import sys\nfrom archlint import cli\n"
        f"code = cli.main(['check', *{list(argv)!r}])\n"
        "sys.stderr.write('ENGINE=%s\\n' % ('archlint.engine' in sys.modules))\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ)
    p = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True)
    assert "ENGINE=" in p.stderr, p.stderr
    return "ENGINE=False" in p.stderr, p.stdout, p.returncode


# ---- reuse -------------------------------------------------------------------------------------


def test_unchanged_run_reuses_the_report_without_loading_the_engine(repo, tmp_path, capsys):
    # the first run stores the report in this process (RACY_NS patched to 0: the files' ctimes
    # are seconds old); a new process reuses it without importing the engine
    first = _main(capsys)
    assert first[0] == 1 and "DF001" in first[1]
    assert len(_runs(tmp_path)) == 1
    assert _reused(repo) == (True, first[1], first[0])
    _change_file(repo)
    reused, out, code = _reused(repo)
    assert not reused and (code, out) == _fresh(capsys)


def test_output_file_and_exit_code_are_reused(repo, tmp_path, capsys):
    code1, _ = _main(capsys, "--output-file", str(tmp_path / "a.txt"))
    code2, _ = _main(capsys, "--output-file", str(tmp_path / "b.txt"))
    assert code1 == code2 == 1
    assert (tmp_path / "a.txt").read_text() == (tmp_path / "b.txt").read_text()
    assert "DF001" in (tmp_path / "a.txt").read_text()
    assert len(_runs(tmp_path)) == 1  # --output-file is not part of the key
    assert _main(capsys, "--exit-zero")[0] == 0
    assert len(_runs(tmp_path)) == 2


# ---- every change that matters is seen --------------------------------------------------------


def _change_file(root):
    _later(root / "Dockerfile", DOCKERFILE.replace("python:latest", "python:3.12"))


def _add_file(root):
    (root / "svc" / "Dockerfile").write_text("FROM alpine\n")
    _later(root / "svc" / "Dockerfile")
    _later(root / "svc")


def _delete_file(root):
    (root / "svc" / "build.sh").unlink()
    _later(root / "svc")


def _rename_file(root):
    (root / "svc" / "build.sh").rename(root / "svc" / "build.txt")
    _later(root / "svc")


def _ignore_folder(root):
    _later(root / ".gitignore", "svc/\n")
    _later(root)


def _edit_ignore_file(root):
    _ignore_folder(root)
    # the report of the run with the .gitignore in place is stored by the caller's first run
    # only after this; editing it again must be seen as well
    _later(root / ".gitignore", "app/\n")


def _config_in_root(root):
    _later(root / ".archlint.toml", 'platforms = ["linux/amd64"]\n')
    _later(root)


def _config_in_subfolder(root):
    _later(root / "svc" / ".archlint.toml", 'ignore = ["BC"]\n')
    _later(root / "svc")


def _pyproject_gains_a_table(root):
    _later(root / "pyproject.toml", '[project]\nname = "x"\n\n[tool.archlint]\nignore = ["DF001"]\n')


def _include_edited(root):
    _later(root / "common.mk", "IMG := acme/app:latest\nPLATFORM := linux/amd64\n")


def _include_appears(root):
    _later(root / "Makefile", "-include local.mk\n" + MAKEFILE)
    _age(root)
    (root / "local.mk").write_text("IMG := app:2\n")
    _later(root / "local.mk")
    _later(root)


def _python_project_file(root):
    _later(root / "pyproject.toml", '[project]\nname = "x"\nrequires-python = ">=3.12"\n')


def _excluded_build_folder_gains_a_dockerfile(root):
    # the default exclude leaves archived/ out; what it holds decides the AL009 notice
    (root / "archived").mkdir(exist_ok=True)
    _later(root / "archived" / "Dockerfile", "FROM alpine:3.20\n")
    _later(root / "archived")


def _excluded_build_script_starts_pushing(root):
    _later(root / "archived" / "version.sh", "#!/bin/sh\ndocker push acme/app:1\n")


@pytest.mark.parametrize("change", [
    _change_file, _add_file, _delete_file, _rename_file, _ignore_folder, _edit_ignore_file,
    _config_in_root, _config_in_subfolder, _pyproject_gains_a_table, _include_edited,
    _include_appears, _python_project_file, _excluded_build_folder_gains_a_dockerfile,
    _excluded_build_script_starts_pushing,
], ids=lambda f: f.__name__.strip("_"))
def test_a_change_gives_the_fresh_report(repo, tmp_path, capsys, change):
    before = _main(capsys)
    assert _main(capsys) == before
    assert len(_runs(tmp_path)) == 1
    change(repo)
    _main(capsys)  # a run after the change (and a stored report of it)
    after = _main(capsys)
    fresh = _fresh(capsys)
    assert after == fresh
    if change not in (_python_project_file,):  # the Python rules may not care about that file
        assert after != before, "the change should have changed the report"


def test_config_above_the_working_folder(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "svc")
    (repo / "svc" / ".git").mkdir()  # svc is its own repository: the walk never lists repo/
    (repo / "svc" / "Dockerfile").write_text(DOCKERFILE)  # (what its build.sh builds)
    before = _main(capsys)
    assert _main(capsys) == before
    (repo / ".archlint.toml").write_text('ignore = ["BC"]\n')
    _later(repo / ".archlint.toml")
    after = _main(capsys)
    assert after == _fresh(capsys) and after != before


def test_options_are_part_of_the_key(repo, capsys):
    plain = _main(capsys)
    selected = _main(capsys, "--select", "DF001")
    assert selected != plain and "BC" not in selected[1]
    assert _main(capsys, "--select", "DF001") == selected == _fresh(capsys, "--select", "DF001")
    assert _main(capsys, "--output-format", "json") == _fresh(capsys, "--output-format", "json")


def test_named_file_run(repo, capsys, tmp_path):
    first = _main(capsys, "Dockerfile")
    assert _main(capsys, "Dockerfile") == first
    _change_file(repo)
    assert _main(capsys, "Dockerfile") == _fresh(capsys, "Dockerfile") != first


# ---- not stored --------------------------------------------------------------------------------


def test_recent_files_are_not_trusted(repo, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(C, "RACY_NS", 2_000_000_000)
    (repo / "Dockerfile").write_text(DOCKERFILE + "# now\n")
    _main(capsys)
    assert _runs(tmp_path) == []


def test_a_missing_path_is_not_stored(repo, tmp_path, capsys):
    code, out = _main(capsys, ".", "nope.txt")
    assert code == 1 and "nope.txt" in out
    assert _runs(tmp_path) == []


@pytest.mark.parametrize("argv", [["--no-cache"], ["--diff"], ["--fix"]])
def test_actions_and_no_cache_store_nothing(repo, tmp_path, capsys, argv):
    _main(capsys, *argv)
    assert _runs(tmp_path) == []


def test_no_cache_environment_variable(repo, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ARCHLINT_NO_CACHE", "1")
    _main(capsys)
    assert _runs(tmp_path) == []


# ---- damaged, bounded ----------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign"])
def test_damaged_report_is_ignored_and_replaced(repo, tmp_path, capsys, damage):
    before = _main(capsys)
    (path,) = _runs(tmp_path)
    data = path.read_bytes()
    if damage == "flip":
        data = data[:-10] + bytes([data[-10] ^ 0x55]) + data[-9:]
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "empty":
        data = b""
    else:
        data = b"something else entirely\n" * 10
    path.write_bytes(data)
    assert _main(capsys) == before
    assert path.read_bytes() != data  # rewritten
    assert _main(capsys) == before


def test_a_forged_report_with_a_valid_digest_for_another_key_is_ignored(repo, tmp_path, capsys):
    before = _main(capsys)
    _main(capsys, "--select", "DF001")
    a, b = _runs(tmp_path)
    a_bytes = a.read_bytes()
    a.write_bytes(b.read_bytes())  # a whole, valid snapshot, filed under the wrong key
    b.write_bytes(a_bytes)
    assert _main(capsys) == before
    assert _main(capsys, "--select", "DF001") == _fresh(capsys, "--select", "DF001")


def test_reports_are_bounded(repo, tmp_path, capsys):
    for i in range(snapshot.KEEP + 3):
        _main(capsys, "--select", f"DF00{i % 10}", "--severity", "DF001=error" if i >= 10 else "DF001=warning")
    assert 0 < len(_runs(tmp_path)) <= snapshot.KEEP


def test_whole_cache_bound_counts_and_removes_reports(repo, tmp_path, capsys):
    _main(capsys)
    bucket = _runs(tmp_path)[0].parent.parent
    other = bucket.parent / ("0" * 24)
    (other / "runs").mkdir(parents=True)
    (other / "runs" / "x.run").write_bytes(b"x" * 4096)
    (other / "00.idx").write_bytes(b"y" * 4096)
    os.utime(other, (1, 1))  # the least recently used repository
    C._prune(str(bucket.parent), max_bytes=1, keep=str(bucket))
    assert not other.exists()
    assert bucket.exists()


# ---- holes found by an adversarial review (each was a stale report) ---------------------------


def _stale_check(capsys, argv=(), change=None):
    """Run twice (the second run reuses), change, run twice more: the last equals a fresh run
    and differs from before."""
    before = _main(capsys, *argv)
    assert _main(capsys, *argv) == before
    change()
    _main(capsys, *argv)
    after = _main(capsys, *argv)
    assert after == _fresh(capsys, *argv)
    assert after != before, "the change should have changed the report"


def test_dangling_symlink_whose_target_appears(repo, capsys):
    shutil.rmtree(repo / "app")  # the Python rules would see the link as a project Dockerfile
    (repo / "node_modules").mkdir()
    (repo / "app.Dockerfile").symlink_to("node_modules/base.Dockerfile")
    _age(repo)

    def change():
        (repo / "node_modules" / "base.Dockerfile").write_text("FROM ubuntu:latest\n")
        _later(repo / "node_modules" / "base.Dockerfile")

    _stale_check(capsys, change=change)


def test_symlink_through_a_retargeted_folder_link(repo, tmp_path, capsys):
    shutil.rmtree(repo / "app")  # the Python rules would see the link as a project Dockerfile
    (repo / "node_modules").mkdir()
    (repo / "a.Dockerfile").write_text("FROM alpine:3.19\n")
    (repo / "node_modules" / "a.Dockerfile").write_text("FROM ubuntu:latest\n")
    ptr = tmp_path / "ptr"
    ptr.symlink_to(repo)
    (repo / "link.Dockerfile").symlink_to(ptr / "a.Dockerfile")  # a duplicate of a.Dockerfile
    _age(repo)

    def change():
        ptr.unlink()
        ptr.symlink_to(repo / "node_modules")

    _stale_check(capsys, ["--select", "DF001"], change)


def test_configuration_file_that_is_a_symlink(repo, tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    (repo / ".archlint.toml").symlink_to(shared / "cfg.toml")  # dangling at first
    _age(repo)

    def change():
        (shared / "cfg.toml").write_text('ignore = ["DF"]\n')
        _later(shared / "cfg.toml")

    _stale_check(capsys, change=change)


def test_gitignore_that_is_a_symlink_to_a_folder(repo, tmp_path, capsys):
    gi = tmp_path / "gi"
    gi.mkdir()
    (repo / "svc" / ".gitignore").symlink_to(gi)
    _age(repo)

    def change():
        gi.rmdir()
        gi.write_text("build.sh\n")
        _later(gi)

    _stale_check(capsys, change=change)


def test_input_that_was_racy_when_the_report_was_stored(repo, capsys, monkeypatch):
    (repo / "a.mk").write_text("# nothing\n")
    (repo / "Makefile").write_text("include a.mk\nbuild:\n\tdocker build --platform linux/amd64 -t $(TAG) .\n\tdocker push $(TAG)\n")
    _age(repo)
    before = _main(capsys, "Makefile")
    _later(repo / "a.mk", "include sub/b.mk\n")
    (repo / "sub").mkdir()
    time.sleep(0.4)
    (repo / "sub" / "b.mk").write_text("TAG = acme/x:1.0\n")
    # a bound between the two writes' ctimes: a.mk is settled, b.mk racy, so put() keeps the
    # Makefile's old entry (inputs: a.mk only), which must not stand for this run's result
    monkeypatch.setattr(C, "RACY_NS", 200_000_000)
    second = _main(capsys, "Makefile")
    monkeypatch.setattr(C, "RACY_NS", 0)
    _later(repo / "sub" / "b.mk", "TAG = acme/x:latest\n")
    _later(repo / "sub")
    after = _main(capsys, "Makefile")
    assert after == _fresh(capsys, "Makefile")
    assert "BC006" in after[1] and before != after and second != after


def test_git_folder_appearing_above_a_makefile(repo, capsys):
    (repo / "common.mk").write_text("TAG = acme/x:latest\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "Makefile").write_text("include ../common.mk\nbuild:\n\tdocker build --platform linux/amd64 -t $(TAG) .\n\tdocker push $(TAG)\n")
    _age(repo)

    def change():
        (repo / "sub" / ".git").mkdir()  # sub is now its own repository: ../common.mk is outside it
        _later(repo / "sub" / ".git")
        _later(repo / "sub")

    _stale_check(capsys, ["sub/Makefile"], change)


def test_makefile_glob_through_folders(repo, capsys):
    (repo / "Makefile").write_text("include */vars.mk\nbuild:\n\tdocker build --platform linux/amd64 -t $(TAG) .\n\tdocker push $(TAG)\n")
    (repo / "a").mkdir()
    _age(repo)

    def change():
        (repo / "a" / "vars.mk").write_text("TAG = acme/x:latest\n")
        _later(repo / "a" / "vars.mk")
        _later(repo / "a")

    _stale_check(capsys, ["Makefile"], change)


def test_helm_template_when_the_chart_appears(repo, capsys):
    t = repo / "chart" / "templates"
    t.mkdir(parents=True)
    (t / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n")
    _age(repo)

    def change():
        (repo / "chart" / "Chart.yml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
        _later(repo / "chart" / "Chart.yml")
        _later(repo / "chart")

    _stale_check(capsys, change=change)


def test_forged_report_with_a_bad_path_is_a_miss(repo, tmp_path, capsys):
    import json
    import zlib

    before = _main(capsys)
    (path,) = _runs(tmp_path)
    data = path.read_bytes()
    body = zlib.decompress(data[len(snapshot.MAGIC) + 33:])
    doc = json.loads(body[:body.index(b"\0")])
    doc["checks"].insert(0, ["bad\0path", None])
    blob = zlib.compress(json.dumps(doc).encode() + b"\0" + b"forged\n")
    path.write_bytes(snapshot.MAGIC + C._digest(blob).encode() + b"\n" + blob)
    assert _main(capsys) == before


def test_unreadable_folder_is_reported_and_not_stored(repo, tmp_path, capsys, monkeypatch):
    """Fault injection (as root a mode-000 folder stays readable): listing svc/ fails."""
    real = os.scandir
    target = str(repo / "svc")

    def scandir(path="."):
        if os.fspath(path) == target:
            raise PermissionError(13, "Permission denied", target)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out = _main(capsys)
    assert code == 1 and "could not read folder svc: Permission denied" in out
    assert "svc/build.sh" not in out
    assert _runs(tmp_path) == []


def test_forged_report_that_inflates_past_the_bound_is_a_miss(repo, tmp_path, capsys, monkeypatch):
    import zlib

    before = _main(capsys)
    (path,) = _runs(tmp_path)
    monkeypatch.setattr(snapshot, "MAX_BYTES", 1 << 16)
    blob = zlib.compress(b"{}" + b"\0" + b"x" * (1 << 20), 9)  # 1 MiB from a few kB
    path.write_bytes(snapshot.MAGIC + C._digest(blob).encode() + b"\n" + blob)
    assert _main(capsys) == before
