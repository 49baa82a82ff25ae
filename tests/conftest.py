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


# ---- the quick loop: `python -m pytest -q -m "not slow"` -------------------------------------

#: Tests that take seconds each (measured with ``--durations=30``): real installs, subprocess
#: sessions, external linters, whole-tree and long property runs.  Marked ``slow`` here, by node id
#: without parameters (a parametrized test is marked whole) or by module, so that the quick loop
#: leaves them out without editing the modules; CI runs everything.  tests/test_action.py checks
#: that every id still names a test and that ``-m "not slow"`` deselects them.
SLOW: tuple[str, ...] = (
    "tests/robustness/test_rb_faults.py::test_sigkill_during_fix_leaves_each_file_old_or_new",  # 46 s
    "tests/robustness/test_rb_filesystem.py::test_tree_changing_while_the_cli_runs",  # 21 s
    "tests/robustness/test_rb_faults.py::test_damaged_cache_entries_are_ignored_and_rewritten",  # 13 s
    "tests/robustness/test_rb_faults.py::test_pre_commit_chunks_in_parallel_give_the_same_results_as_one_run",  # 9 s
    "tests/robustness/test_rb_faults.py::test_concurrent_runs_sharing_one_cache_folder",  # 7 s
    "tests/test_linear_time.py::test_shebang_reading_equals_the_old_pattern",  # 7 s
    "tests/test_linear_time.py::test_variable_references_equal_the_old_patterns",  # 6 s
    "tests/test_cli.py::test_quick_exit_loses_nothing",  # 3 s
    "tests/test_cache.py::test_concurrent_cli_runs_share_one_cache",  # 3 s
    "tests/test_cli_output.py::test_a_report_stored_in_one_folder_is_not_replayed_in_another",  # 2 s
    "tests/test_yamldoc.py::test_big_file_lints_under_two_seconds",  # 2 s
    "tests/robustness/test_rb_properties.py::test_generated_makefiles",  # 2-3 s
    "tests/robustness/test_rb_properties.py::test_cli_output_is_identical_across_hash_seeds_and_job_counts",  # 2 s
)


def pytest_collection_modifyitems(config, items):
    slow = set(SLOW)
    for item in items:
        node = item.nodeid.split("[", 1)[0]
        if node in slow or node.split("::", 1)[0] in slow:
            item.add_marker(pytest.mark.slow)
