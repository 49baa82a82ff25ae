"""Robustness suite configuration.

Hypothesis profiles: ``default`` (short: CI has 2 cores) and ``long`` (thorough, for a nightly or a
local soak).  Pick one with ``HYPOTHESIS_PROFILE=long python -m pytest tests/robustness``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# tests/helpers.py, the one helper module of the tests, is imported by support.py as ``helpers``
# (pytest's default import mode puts tests/ on sys.path already; this keeps it so in any mode)
_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("default", max_examples=50, deadline=None, suppress_health_check=_QUIET,
                          print_blob=True)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_QUIET,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config):
    config.addinivalue_line("markers", "cli: runs `python -m archlint check` in a subprocess (needs archlint.output)")
