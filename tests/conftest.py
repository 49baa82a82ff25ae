"""Fixtures shared by test modules (helper functions are in tests/helpers.py)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def fresh_python_caches():
    """The Python rules' per-run memory of project files and the rule-pack cache, emptied
    before and after the test."""
    from archlint import packs
    from archlint.checks import python as pychecks

    pychecks.clear_caches()
    packs.clear_cache()
    yield
    pychecks.clear_caches()
    packs.clear_cache()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A throw-away repository (a ``.git`` folder in tmp_path); ``helpers.write_files`` adds
    files to it."""
    (tmp_path / ".git").mkdir()
    return tmp_path
