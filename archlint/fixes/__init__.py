"""Changing the user's files without ever losing data, and the CLI actions that do it.

One implementation serves ``archlint check --fix/--diff/--add-suppressions``, the baseline
options and the language server.

``edits``
    Text edits on the original text (any newline style), choosing the fixes of a pass, and the
    fix loop ``fix_text`` (lint, apply, re-lint until nothing changes).
``suppressions``
    ``# archlint: ignore[...]`` comments: ``suppression_edits`` and ``suppress_text``.
``baseline``
    Baseline files: ``write_baseline``, ``load_baseline``, ``filter_baseline``.
``files``
    The one atomic file writer: ``write_bytes`` (archlint's own cache files), ``FileState``,
    ``atomic_write`` and ``commit`` (the user's files: refuse when changed on disk, keep mode
    and owner, fsync, remove stale temporary files).
``actions``
    What the CLI options do with a finished run: ``cli_actions``.

The package itself imports nothing: the result cache writes through ``fixes.files`` on every
run, and must not pay for the rest.  The names below are importable from ``archlint.fixes``
and load their module on first use.
"""
from __future__ import annotations

_EXPORTS = {
    "edits": ("MAX_PASSES", "LineIndex", "dominant_newline", "split_keepends", "apply_edits", "_newlines",
              "fixable", "select_fixes", "parse_problems", "FixOutcome", "fix_text"),
    "suppressions": ("comment_text", "_parse_model", "suppression_edits", "SuppressOutcome", "suppress_text"),
    "baseline": ("BASELINE_VERSION", "BaselineError", "baseline_key", "baseline_entries", "write_baseline",
                 "load_baseline", "filter_baseline"),
    "files": ("TEMP_SUFFIX", "write_bytes", "atomic_write", "FixError", "FileState", "commit"),
    "actions": ("FIX_NOTICE_ID", "cli_actions", "plan_file", "unified_diff"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(name for name in _WHERE if not name.startswith("_"))


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # __import__, not importlib.import_module: the importlib package imports warnings
    value = getattr(__import__(f"{__name__}.{module}", fromlist=("_",)), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
