"""runner.run_paths: the collector settling between files changes nothing but speed, and a run
leaves no object frozen behind (an embedding program's garbage stays collectable)."""
from __future__ import annotations

import gc

from archlint.run import runner
from archlint.config import ConfigResolver


def _tree(root):
    (root / ".git").mkdir()
    for i in range(7):
        (root / f"s{i}").mkdir()
        (root / f"s{i}" / "Dockerfile").write_text(f"FROM python:3.{i}\nRUN echo {i}\n")
        (root / f"s{i}" / "deploy.yaml").write_text(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  template:\n    spec:\n"
            f"      containers:\n      - name: c\n        image: ghcr.io/acme/app:latest\n")


def _run(root, monkeypatch, every):
    monkeypatch.chdir(root)
    monkeypatch.setattr(runner, "FREEZE_EVERY", every)
    return runner.run_paths(["."], ConfigResolver(), str(root), jobs=1, use_cache=False)


def test_settling_changes_nothing_and_unfreezes(tmp_path, monkeypatch):
    _tree(tmp_path)
    before = gc.get_freeze_count()
    often = _run(tmp_path, monkeypatch, 2)
    assert gc.get_freeze_count() == before == 0
    never = _run(tmp_path, monkeypatch, 10**9)
    assert [(f.path, f.findings, f.notices) for f in often.files] == [(f.path, f.findings, f.notices) for f in never.files]
    assert sum(len(f.findings) + len(f.notices) for f in often.files) >= 14


def test_parallel_run_unfreezes(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 2)
    monkeypatch.chdir(tmp_path)
    run = runner.run_paths(["."], ConfigResolver(), str(tmp_path), jobs=2, use_cache=False)
    assert gc.get_freeze_count() == 0
    assert len(run.files) == 14
