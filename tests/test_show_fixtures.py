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
