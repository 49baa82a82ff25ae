"""File discovery: .gitignore files at every level (negations included), excludes, display paths."""
from __future__ import annotations

import os

from archlint.config import DEFAULT_EXCLUDE, glob_matcher, path_matches
from archlint.discovery import discover, display_path


def _found(root, excludes=DEFAULT_EXCLUDE, paths=None):
    return sorted(t.display for t in discover([str(p) for p in (paths or [root])], str(root), tuple(excludes)) if not t.notice)


def test_nested_gitignores_and_negation(tmp_path):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local.sh\n")
    (tmp_path / ".gitignore").write_text("*.sh\nbuild-out/\n")
    sub = tmp_path / "tools"
    sub.mkdir()
    (sub / ".gitignore").write_text("!keep.sh\n")
    deep = sub / "deeper"
    deep.mkdir()
    (deep / ".gitignore").write_text("Dockerfile\n")
    for rel in ("a.sh", "local.sh", "Dockerfile", "tools/keep.sh", "tools/drop.sh", "tools/Dockerfile",
                "tools/deeper/Dockerfile", "tools/deeper/keep.sh", "build-out/Dockerfile"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("FROM alpine:3.20\n" if "Dockerfile" in rel else "echo hi\n")
    assert _found(tmp_path) == ["Dockerfile", "tools/Dockerfile", "tools/deeper/keep.sh", "tools/keep.sh"]


def test_default_excludes_and_globs(tmp_path):
    (tmp_path / ".git").mkdir()
    for rel in ("node_modules/x/Dockerfile", "src/vendor/Dockerfile", "src/app/Dockerfile",
                "legacy/old/Dockerfile", "docs/a.md", "k8s/gen/app.generated.yaml"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("FROM alpine:3.20\n" if rel.endswith("Dockerfile") else "# x\n")
    excludes = DEFAULT_EXCLUDE + ("legacy/", "*.generated.yaml", "docs/**")
    assert _found(tmp_path, excludes) == ["src/app/Dockerfile"]


def test_glob_matcher_agrees_with_path_matches():
    patterns = DEFAULT_EXCLUDE + ("legacy/", "*.generated.yaml", "docs/**", "a?c", "[xy]z", "/top/only")
    paths = ["a/.git/b", "node_modules", "x/node_modules/y", "legacy/a", "b/legacy/a", "p/q.generated.yaml",
             "docs/x/y.md", "abc", "q/abc/r", "yz", "top/only/x", "sub/top/only", "build", "rebuild", "src/app.py"]
    m = glob_matcher(patterns)
    for p in paths:
        assert m(p) == any(path_matches(p, pat) for pat in patterns), p


def test_display_path_fast_path_matches_relpath(tmp_path):
    root = str(tmp_path)
    for rel in ("a/b", ".github/workflows/x.yml", "a/./b", "a/../c", "x"):
        ap = root + os.sep + rel.replace("/", os.sep)
        assert display_path(ap, root) == os.path.relpath(ap, root).replace(os.sep, "/")
    assert display_path(root + "x/y", root) == os.path.relpath(root + "x/y", root).replace(os.sep, "/")
