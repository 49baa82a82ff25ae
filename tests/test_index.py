"""The facts index (archlint/run/index.py): a run given files builds the project model from the
facts the last whole-repository run kept, instead of walking the tree, and reports exactly what
a run without any cache reports."""
from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest

from archlint import cli
from archlint.run import cache as C
from archlint.run import index as I
from archlint.run import runner

DEPLOY = "#!/bin/sh\ndocker build -t reg.example.com/app:1 .\ndocker push reg.example.com/app:1\n"
MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      nodeSelector: {kubernetes.io/arch: amd64}
      containers:
        - name: app
          image: reg.example.com/app:1
"""


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "k8s").mkdir()
    (root / "other").mkdir()
    (root / ".archlint.toml").write_text('platforms = ["linux/amd64"]\n')
    (root / "Dockerfile").write_text("FROM alpine:3.20\nRUN true\n")
    (root / "deploy.sh").write_text(DEPLOY)
    (root / "k8s" / "app.yaml").write_text(MANIFEST)
    for i in range(5):
        (root / "other" / f"s{i}.sh").write_text(f"#!/bin/sh\ndocker build -t reg.example.com/o{i}:1 .\n")
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(C, "RACY_NS", 0)
    monkeypatch.chdir(root)
    _age(root)
    return root


_STEP = [0]


def _later(path: Path, text: str | None = None) -> None:
    if text is not None:
        path.write_text(text)
    _STEP[0] += 1
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - (100 + _STEP[0]) * 1_000_000_000))


def _age(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for n in filenames + dirnames:
            _later(Path(dirpath) / n)
    _later(root)


@pytest.fixture
def walks(monkeypatch):
    """The whole-repository walks the runs made (discover called with the root)."""
    seen: list = []
    real = runner.discover

    def spy(paths, root, *a, **k):
        if [os.path.abspath(p) for p in paths] == [os.path.abspath(root)]:
            seen.append(root)
        return real(paths, root, *a, **k)

    monkeypatch.setattr(runner, "discover", spy)
    return seen


def _run(capsys, *argv):
    code = cli.main(["check", *argv])
    return code, capsys.readouterr().out


def _index_files(tmp_path):
    return glob.glob(str(tmp_path / "cache" / "**" / "runs" / "*.facts"), recursive=True)


def test_a_run_given_a_file_reads_the_index_and_sees_a_change_in_another_file(repo, tmp_path, capsys, walks):
    _run(capsys, ".")
    assert len(_index_files(tmp_path)) == 1
    _, before = _run(capsys, "k8s/app.yaml")
    assert "XF002" in before  # the only build sets no platform: the build machine's CPU
    _later(repo / "deploy.sh", DEPLOY.replace("docker build", "docker build --platform linux/amd64"))
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks == []  # the model came from the index, not from a walk
    assert "XF002" not in out
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_a_file_added_to_a_folder_is_a_miss_and_the_run_walks(repo, tmp_path, capsys, walks):
    _run(capsys, ".")
    (repo / "k8s" / "more.yaml").write_text(MANIFEST.replace("name: app}", "name: more}"))
    _later(repo / "k8s" / "more.yaml")
    _later(repo / "k8s")
    walks.clear()
    code, out = _run(capsys, "deploy.sh")
    assert walks  # the folder's listing changed: the index cannot say what is in it
    assert (code, out) == _run(capsys, "--no-cache", "deploy.sh")


def test_a_damaged_or_forged_index_is_not_used(repo, tmp_path, capsys, walks):
    _run(capsys, ".")
    (path,) = _index_files(tmp_path)
    data = bytearray(Path(path).read_bytes())
    data[-5] ^= 0xFF
    Path(path).write_bytes(bytes(data))
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_facts_of_the_wrong_shape_in_a_signed_index_are_not_used(repo, tmp_path, capsys, walks, monkeypatch):
    _run(capsys, ".")
    (path,) = _index_files(tmp_path)
    key = os.path.basename(path)[:-len(".facts")]
    idx = I.Index(os.path.dirname(os.path.dirname(path)), key)
    real_key = None
    from archlint.run import snapshot

    doc = snapshot.read(path)[0]
    real_key = doc["key"]
    idx.key = real_key
    doc["files"][0][4] = {"builds": [{"nonsense": 1}]}
    assert idx._write(C.Cache.open(), doc["files"], doc["checks"], doc["links"])
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_many_changed_files_walk_instead(repo, tmp_path, capsys, walks, monkeypatch):
    monkeypatch.setattr(I, "MAX_CHANGED", 2)
    _run(capsys, ".")
    for i in range(5):
        _later(repo / "other" / f"s{i}.sh", f"#!/bin/sh\ndocker build -t reg.example.com/app:1 .\n# {i}\n")
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_the_index_is_rewritten_when_enough_files_changed(repo, tmp_path, capsys, walks, monkeypatch):
    monkeypatch.setattr(I, "REFRESH_AFTER", 1)
    _run(capsys, ".")
    for i in range(3):
        _later(repo / "other" / f"s{i}.sh", f"#!/bin/sh\ndocker build -t reg.example.com/app:1 .\n# {i}\n")
    walks.clear()
    first = _run(capsys, "k8s/app.yaml")
    assert walks == []
    (path,) = _index_files(tmp_path)
    from archlint.run import snapshot

    doc = snapshot.read(path)[0]
    rows, changed = I.Index(os.path.dirname(os.path.dirname(path)), doc["key"]).load()
    assert changed == set()  # the three files' new signatures are in the index now
    assert any(r[1] == "other/s0.sh" and r[4]["builds"][0]["tags"] == ["reg.example.com/app:1"] for r in rows)
    assert first == _run(capsys, "k8s/app.yaml") == _run(capsys, "--no-cache", "k8s/app.yaml")
