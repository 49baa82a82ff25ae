"""``archlint check --show-files`` lists test fixture folders and what an excluded ``archived/``
holds (the walk's choices made visible)."""
from __future__ import annotations

import subprocess
import sys


def test_show_files_lists_fixtures_and_the_build_files_an_exclude_hides(tmp_path):
    (tmp_path / ".git").mkdir()
    for rel, text in {"deploy/app.yaml": "apiVersion: v1\nkind: Pod\n",
                      "pkg/testdata/pod.yaml": "apiVersion: v1\nkind: Pod\n",
                      "archived/package/Dockerfile": "FROM alpine:3.20\n",
                      "archived/build.sh": "#!/bin/sh\necho hi\n"}.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    r = subprocess.run([sys.executable, "-m", "archlint", "check", "--show-files", "."], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = [" ".join(line.split()) for line in r.stdout.splitlines()]
    assert "deploy/app.yaml kubernetes" in lines
    assert "1 file to lint" in lines
    assert ("archived/ excluded by the glob 'archived'; it holds 2 lintable files (build.sh, package/Dockerfile): "
            "list exclude without it to lint them") in lines
    assert "pkg/testdata/ test fixtures (the fixtures glob 'testdata'); name it to lint it" in lines
    r = subprocess.run([sys.executable, "-m", "archlint", "check", "--show-files", "pkg/testdata"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert "pkg/testdata/pod.yaml kubernetes" in [" ".join(line.split()) for line in r.stdout.splitlines()]


def test_force_exclude_leaves_out_named_files_a_walk_leaves_out(tmp_path):
    # pre-commit names every changed file: a fixture or an archived manifest is left out by the
    # hooks (--force-exclude) as by `archlint check .`; named without it, a file is linted
    (tmp_path / ".git").mkdir()
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: \"nginx:latest\"}\n"
    for rel in ("deploy.yaml", "pkg/testdata/pod.yaml", "archived/x.yaml"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(pod)

    def run(*argv):
        r = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache", "--output-format", "concise", *argv],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
        return r.returncode, sorted({line.split(":")[0] for line in r.stdout.splitlines() if " K8S001 " in line})

    named = ("pkg/testdata/pod.yaml", "deploy.yaml", "archived/x.yaml")
    assert run(*named) == (1, ["archived/x.yaml", "deploy.yaml", "pkg/testdata/pod.yaml"])
    assert run("--force-exclude", *named) == (1, ["deploy.yaml"])
    assert run("--force-exclude", "pkg/testdata/pod.yaml") == (0, [])
    # a folder named is walked as always
    assert run("--force-exclude", "pkg") == (0, [])
