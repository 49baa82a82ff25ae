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
from helpers import age_tree as _age, later as _later, settle

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
    for i in range(5):  # each builds its own folder's Dockerfile
        (root / "other" / f"s{i}").mkdir()
        (root / "other" / f"s{i}" / "Dockerfile").write_text("FROM alpine:3.20\n")
        (root / "other" / f"s{i}.sh").write_text(f"#!/bin/sh\ndocker build -t reg.example.com/o{i}:1 s{i}\n")
    return settle(root, tmp_path, monkeypatch)


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
    assert _index_files(tmp_path) == []  # a whole-repository run has no use for the index
    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
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
    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    (repo / "k8s" / "more.yaml").write_text(MANIFEST.replace("name: app}", "name: more}"))
    _later(repo / "k8s" / "more.yaml")
    _later(repo / "k8s")
    walks.clear()
    code, out = _run(capsys, "deploy.sh")
    assert walks  # the folder's listing changed: the index cannot say what is in it
    assert (code, out) == _run(capsys, "--no-cache", "deploy.sh")


def test_a_damaged_or_forged_index_is_not_used(repo, tmp_path, capsys, walks):
    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    (path,) = _index_files(tmp_path)
    data = bytearray(Path(path).read_bytes())
    data[-5] ^= 0xFF
    Path(path).write_bytes(bytes(data))
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_facts_of_the_wrong_shape_in_a_signed_index_are_not_used(repo, tmp_path, capsys, walks, monkeypatch):
    import json

    from archlint.run import snapshot

    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    (path,) = _index_files(tmp_path)
    doc = snapshot.read(path)[0]
    for row in doc["files"]:
        row[4] = json.dumps({"builds": [{"nonsense": 1}]})
    cache = C.Cache.open()
    assert snapshot._write(cache, path, json.dumps(doc).encode() + b"\0")
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_many_changed_files_walk_instead(repo, tmp_path, capsys, walks, monkeypatch):
    monkeypatch.setattr(I, "MAX_CHANGED", 2)
    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    for i in range(5):
        _later(repo / "other" / f"s{i}.sh", f"#!/bin/sh\ndocker build -t reg.example.com/app:1 .\n# {i}\n")
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_the_model_of_a_run_given_files_holds_only_their_link_groups(repo, tmp_path, capsys, walks, monkeypatch):
    from archlint.project import model

    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    built: list = []
    real = model.build_project

    def spy(root, entries, known=None):
        built.append(sorted(e[0] for e in entries))
        return real(root, entries, known)

    monkeypatch.setattr(model, "build_project", spy)
    _later(repo / "deploy.sh", DEPLOY + "# edited\n")
    # changed since the index too, but linked to nothing named: not in the model
    _later(repo / "other" / "s1.sh", "#!/bin/sh\ndocker build -t reg.example.com/o1:2 s1\n")
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks == []
    # the named manifest and the changed script (their own model), then their group: the script
    # builds the image the manifest deploys from the Dockerfile; other/*.sh build other images
    assert built[-1] == ["Dockerfile", "deploy.sh", "k8s/app.yaml"]
    monkeypatch.setattr(model, "build_project", real)
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


def test_a_name_with_an_unknown_last_part_is_in_every_model(repo, tmp_path, capsys, walks, monkeypatch):
    from archlint.project import model

    # app-$VARIANT may be any image whose name starts so: the model of any file holds it
    _later(repo / "other" / "s0.sh", "#!/bin/sh\ndocker build -t reg.example.com/app-$VARIANT:1 s0\n")
    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    built: list = []
    real = model.build_project
    monkeypatch.setattr(model, "build_project", lambda root, entries, known=None: built.append(
        sorted(e[0] for e in entries)) or real(root, entries, known))
    walks.clear()
    code, out = _run(capsys, "k8s/app.yaml")
    assert walks == []
    assert "other/s0.sh" in built[-1] and "other/s1.sh" not in built[-1]
    monkeypatch.setattr(model, "build_project", real)
    assert (code, out) == _run(capsys, "--no-cache", "k8s/app.yaml")


@pytest.mark.parametrize("edit", [
    ("deploy.sh", DEPLOY.replace("app:1", "api:1")),  # the script now builds another image
    ("other/s1.sh", "#!/bin/sh\ndocker build -t reg.example.com/app:1 --platform linux/arm64 .\n"),  # another build of it
    ("Dockerfile", "FROM reg.example.com/o2:1\nRUN true\n"),  # based on an image built elsewhere
    ("k8s/app.yaml", MANIFEST.replace("reg.example.com/app:1", "reg.example.com/o3:1")),
])
def test_every_named_file_reports_what_a_run_without_cache_reports(repo, tmp_path, capsys, walks, edit):
    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    path, text = edit
    _later(repo / path, text)
    for named in ("deploy.sh", "k8s/app.yaml", "Dockerfile", "other/s1.sh", "other/s2.sh"):
        walks.clear()
        got = _run(capsys, named)
        assert walks == []
        assert got == _run(capsys, "--no-cache", named), named
    assert _run(capsys, "deploy.sh", "k8s/app.yaml", "Dockerfile") == \
        _run(capsys, "--no-cache", "deploy.sh", "k8s/app.yaml", "Dockerfile")


def test_a_base_image_built_here_is_a_dependency_not_a_link(repo, tmp_path, capsys, walks, monkeypatch):
    from archlint.project import model

    (repo / "base").mkdir()
    (repo / "base" / "Dockerfile").write_text("FROM alpine:3.20\n")
    (repo / "base" / "build.sh").write_text("#!/bin/sh\ndocker build --platform linux/amd64 -t reg.example.com/base:1 .\n")
    (repo / "Dockerfile").write_text("FROM reg.example.com/base:1\nRUN true\n")
    (repo / "other" / "s1" / "Dockerfile").write_text("FROM reg.example.com/base:1\n")
    _later(repo / "deploy.sh", DEPLOY.replace("docker build", "docker build --platform linux/amd64,linux/arm64"))
    _age(repo)
    _run(capsys, "Dockerfile")  # a run given a file walks once and keeps the index
    built: list = []
    real = model.build_project
    monkeypatch.setattr(model, "build_project", lambda root, entries, known=None: built.append(
        sorted(e[0] for e in entries)) or real(root, entries, known))
    _later(repo / "deploy.sh", DEPLOY.replace("docker build", "docker build --platform linux/amd64,linux/arm64")
           + "# edited\n")
    walks.clear()
    code, out = _run(capsys, "deploy.sh")
    assert walks == []
    assert "XF006" in out  # the base is built for amd64 only
    # the base's builds are in the model, the other Dockerfile based on it is not
    assert "base/build.sh" in built[-1] and "other/s1/Dockerfile" not in built[-1]
    monkeypatch.setattr(model, "build_project", real)
    assert (code, out) == _run(capsys, "--no-cache", "deploy.sh")
    # the base's build changed: every Dockerfile based on it may get a finding about it
    _later(repo / "base" / "build.sh", "#!/bin/sh\ndocker build --platform linux/arm64 -t reg.example.com/base:1 .\n")
    monkeypatch.setattr(model, "build_project", lambda root, entries, known=None: built.append(
        sorted(e[0] for e in entries)) or real(root, entries, known))
    walks.clear()
    got = _run(capsys, "base/build.sh")
    assert walks == [] and "other/s1/Dockerfile" in built[-1]
    monkeypatch.setattr(model, "build_project", real)
    assert got == _run(capsys, "--no-cache", "base/build.sh")
