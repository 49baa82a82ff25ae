"""``archlint check --show-files`` and ``--show-settings``: what a run would lint, and with which
settings, without linting.  Paths are printed relative to the working folder."""
from __future__ import annotations

import os
import sys


def _rel(abspath: str) -> str:
    try:
        return os.path.relpath(abspath, os.getcwd()).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return abspath


def _table(rows: list[tuple[str, str]]) -> list[str]:
    if not rows:
        return []
    width = min(max(len(a) for a, _ in rows), 60)
    return [f"{a:<{width}}  {b}".rstrip() for a, b in rows]


def files(args, resolver, paths: list[str], root: str) -> int:
    """Every file the run would lint with its kind (as the engine decides it: by name, then by
    content), then what the walk leaves out and why (exclude globs — with the build files an
    excluded ``build/`` holds —, test fixture folders, git's ignore files, symlinked folders,
    dangling links, files outside the root, files of a supported name whose content is not
    one)."""
    from .. import kinds
    from ..discovery import discover
    from .text import safe_path, safe

    if "-" in paths:
        from ..cli import UsageError

        raise UsageError("--show-files lists files and folders, not standard input")
    base = resolver.for_dir(os.getcwd())
    excludes = base.walk_excludes()
    fixtures = base.fixture_globs()
    linted: list[tuple[str, str]] = []
    left_out: list[tuple[str, str]] = []

    def skipped(abspath: str, is_dir: bool, why: str) -> None:
        left_out.append((safe_path(_rel(abspath)) + ("/" if is_dir else ""), why))

    for t in discover(paths, root, excludes, not args.no_respect_gitignore, skipped=skipped, fixtures=fixtures):
        shown = safe_path(_rel(t.abspath))
        if t.notice:
            left_out.append((shown, safe(t.notice.split(": ", 1)[-1]) if t.notice.startswith(t.display) else safe(t.notice)))
            continue
        kind = kinds.detect(t.display, abspath=t.abspath)
        if kind is None:
            left_out.append((shown, f"not a supported kind ({kinds.kind_by_name(t.display) or 'unknown'} by name, none by content)"))
            continue
        linted.append((shown, kind))
    out = _table(linted)
    out.append(f"{len(linted)} file{'s' if len(linted) != 1 else ''} to lint")
    if left_out:
        out += ["", "Left out:"] + ["  " + line for line in _table(sorted(left_out))]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _value(key: str, value) -> str:
    if value is None:
        return "none"
    if key == "select" and not value:
        return "(the default set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "severity":
        return ", ".join(f"{sel}={getattr(sev, 'label', sev)}" for sel, sev in value) or "none"
    if key == "per_file_ignores":
        return "; ".join(f"{glob}: {','.join(ids)}" for glob, ids in value) or "none"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def _origin(settings, key: str, cli_keys, defaults) -> str:
    """Where a value comes from: ``Settings.origin`` when archlint.config has it, else the
    command line, the configuration file, or the default."""
    origin = getattr(settings, "origin", None)
    if callable(origin):
        for name in (key, key.replace("_", "-")):
            try:
                got = origin(name)
            except (KeyError, ValueError, TypeError, AttributeError):
                continue
            if got:
                got = str(got)
                path, sep, rest = got.partition(" [")
                return _rel(path) + sep + rest if os.path.isabs(path) else got
    if key.replace("_", "-") in cli_keys:
        return "command line"
    if getattr(settings, key) != getattr(defaults, key):
        return _rel(settings.config_path) if settings.config_path else "configuration"
    return "default"


def settings(args, resolver, paths: list[str], cli_overrides: dict) -> int:
    """The settings that apply to the first path (a file, or a folder's files), each with where
    it comes from."""
    from ..config import Settings

    target = paths[0] if paths else "."
    if target == "-":
        target = args.stdin_filename or "."
    abspath = os.path.abspath(target)
    s = resolver.for_dir(abspath) if os.path.isdir(abspath) else resolver.for_path(abspath)
    defaults = Settings()
    out = [f"Settings for {safe_rel(abspath)}",
           f"configuration file: {_rel(s.config_path) if s.config_path else 'none (defaults)'}"]
    if args.isolated:
        out[-1] += " (--isolated)"
    elif args.config:
        out[-1] += " (--config)"
    rows = []
    for key in Settings.__slots__:
        if key in ("config_path", "root", "origins"):
            continue
        rows.append((f"{key.replace('_', '-')} = {_value(key, getattr(s, key))}", _origin(s, key, cli_overrides, defaults)))
    width = max((len(a) for a, _ in rows if len(a) <= 40), default=0)
    out += [f"  {a:<{width}}  # {b}" for a, b in rows]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def safe_rel(abspath: str) -> str:
    from .text import safe_path

    return safe_path(_rel(abspath))
