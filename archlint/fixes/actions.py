"""What ``archlint check --fix/--unsafe-fixes/--diff/--add-suppressions/--write-baseline/--baseline``
does with a finished run: each file's new text computed in memory (fixes, then suppression
comments), then either shown as a unified diff or written through ``files.commit`` (never
through a symlink to a file outside the repository), the written files linted again; then the
baseline written or applied.  A file that cannot be changed gets a notice (AL007, or AL004 when
the cause is a rule's fix) and is left as it was."""
from __future__ import annotations

import os
import sys

from ..model import FileResult, Finding, Notice, Severity
from .baseline import BaselineError, filter_baseline, load_baseline, write_baseline
from .edits import fix_text, fixable, split_keepends
from .files import FileState, FixError, atomic_write, commit
from .suppressions import suppress_text

#: the notice ID used when fixes, suppressions or a baseline cannot be applied to a file
FIX_NOTICE_ID = "AL007"  # a fix not written for a reason outside archlint (file changed, unwritable)


def _say(args, msg: str) -> None:
    if getattr(args, "quiet", False):
        return
    try:
        sys.stderr.write(f"archlint: {msg}\n")
    except Exception:
        pass


def _err(msg: str) -> None:
    try:
        sys.stderr.write(f"archlint: error: {msg}\n")
    except Exception:
        pass


def _abspath(root: str, display: str) -> str:
    return os.path.normpath(display if os.path.isabs(display) else os.path.join(root, display))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _notice(fr: FileResult, message: str, internal: bool) -> None:
    """AL004 when the cause is a bug in archlint (a fix that breaks the file, no convergence),
    AL007 otherwise (the file changed on disk, cannot be written ...)."""
    if internal:
        fr.notices.append(Notice("AL004", f"{fr.path}: {message}", fr.path, severity=Severity.ERROR, internal=True))
    else:
        fr.notices.append(Notice(FIX_NOTICE_ID, f"{fr.path}: {message}", fr.path, severity=Severity.WARNING))


def _is_stdin(args) -> bool:
    return list(getattr(args, "paths", None) or []) == ["-"]


class _Planned:
    __slots__ = ("index", "state", "settings", "kind", "text", "fixed", "suppressed", "error", "internal")

    def __init__(self, index, state, settings, kind):
        self.index, self.state, self.settings, self.kind = index, state, settings, kind
        self.text = state.text if state is not None else None
        self.fixed: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.error: str | None = None
        self.internal = False


def plan_file(fr: FileResult, index: int, resolver, root: str, *, fix: bool, unsafe: bool, suppress: bool) -> _Planned | None:
    """Compute the new text of one file in memory (fixes, then suppression comments)."""
    if fr.kind is None:
        return None
    wants_fix = fix and any(fixable(f, unsafe) for f in fr.findings)
    wants_sup = suppress and any(not f.suppressed and not f.rule_id.startswith("AL") for f in fr.findings)
    if not (wants_fix or wants_sup):
        return None
    abspath = _abspath(root, fr.path)
    settings = resolver.for_path(abspath)
    escape = _escapes_root(abspath, root)
    if escape:
        p = _Planned(index, None, settings, fr.kind)
        p.error = escape
        return p
    try:
        state = FileState.read(abspath)
    except FixError as e:
        p = _Planned(index, None, settings, fr.kind)
        p.error = e.message
        return p
    p = _Planned(index, state, settings, fr.kind)
    common = dict(kind=fr.kind, abspath=abspath, encoding=state.encoding)
    result = None
    if fix:
        out = fix_text(fr.path, state.text, settings, unsafe=unsafe, **common)
        if out.error:
            p.error, p.internal = out.error, out.internal
            return p
        p.text, p.fixed, result = out.text, out.applied, out.result
    if suppress:
        out = suppress_text(fr.path, p.text, settings, initial=result, **common)
        if out.error and not out.added:
            p.error, p.internal = out.error, out.internal
            return p
        if out.error:
            p.error, p.internal = out.error, out.internal  # partial: written, and said
        p.text, p.suppressed = out.text, out.added
    return p


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive
        return False


def _escapes_root(abspath: str, root: str) -> str | None:
    """Why ``abspath`` must not be written: it lies in the repository but is (or goes through) a
    symlink to a file outside it.  None when writing is fine."""
    real = os.path.realpath(abspath)
    if real == abspath:
        return None
    real_root = os.path.realpath(root)
    if _inside(os.path.normpath(abspath), os.path.normpath(root)) and not _inside(real, real_root):
        return f"it is a symlink to {real}, outside the repository; fix that file where it lives"
    return None


def unified_diff(path: str, old: str, new: str) -> str:
    import difflib

    a, b = split_keepends(old), split_keepends(new)
    out: list[str] = []
    for line in difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"):
        if line.startswith(("---", "+++")) and not line.endswith("\n"):
            line += "\n"
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def cli_actions(args, run, resolver, root, applied: list | None = None) -> int | None:
    """--fix / --unsafe-fixes / --diff / --add-suppressions / --write-baseline / --baseline.

    Order: fixes, then suppression comments, then the baseline written, then the baseline
    applied.  --diff prints what the first two would change and writes nothing (exit 1 when
    there is a diff, 2 when a file cannot be fixed safely).  --write-baseline exits 0 after
    writing.  Otherwise ``run`` is updated in place and the CLI prints the remaining findings.
    ``applied``: a list given (display path, Finding) of every fix written (``--show-fixes``,
    ``--exit-non-zero-on-fix``)."""
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    do_fix = bool(args.fix or args.diff)
    do_sup = bool(args.add_suppressions)
    if (do_fix or do_sup) and _is_stdin(args):
        _err("--fix, --diff and --add-suppressions do not apply to standard input; nothing changed")
        if args.diff:
            return 2
        do_fix = do_sup = False
    if args.diff:
        return _diff(args, run, resolver, root, unsafe, do_sup)
    if do_fix or do_sup:
        _write(args, run, resolver, root, do_fix, unsafe, do_sup, applied)
    if args.write_baseline:
        try:
            n = write_baseline(args.write_baseline, run)
        except OSError as e:
            _err(f"cannot write baseline {args.write_baseline}: {e.strerror or e}")
            return 2
        _say(args, f"wrote {_plural(n, 'finding')} to the baseline {args.write_baseline}")
        return 0
    if args.baseline:
        try:
            known = load_baseline(args.baseline)
        except BaselineError as e:
            _err(str(e))
            return 2
        n = filter_baseline(run, known)
        if n:
            _say(args, f"{_plural(n, 'finding')} hidden by the baseline {args.baseline}")
    return None


def _diff(args, run, resolver, root, unsafe, do_sup) -> int:
    from ..output import path_shower

    show = path_shower(run, os.getcwd())  # a/PATH as patch and git apply read it: from the working folder
    chunks: list[str] = []
    fixed = files = 0
    errors = 0
    for i, fr in enumerate(run.files):
        p = plan_file(fr, i, resolver, root, fix=True, unsafe=unsafe, suppress=do_sup)
        if p is None:
            continue
        if p.error and p.state is None or p.error and not (p.fixed or p.suppressed):
            _err(f"{show(fr.path)}: no diff: {p.error}")
            errors += 1
            continue
        if p.error:
            _err(f"{show(fr.path)}: {p.error}")
        if p.text != p.state.text:
            chunks.append(unified_diff(show(fr.path), p.state.text, p.text))
            files += 1
            fixed += len(p.fixed)
    text = "".join(chunks)
    if getattr(args, "output_file", None):
        folder = os.path.dirname(os.path.abspath(args.output_file))
        os.makedirs(folder, exist_ok=True)
        atomic_write(args.output_file, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if files:
        _say(args, f"would fix {_plural(fixed, 'finding')} in {_plural(files, 'file')}" if fixed else f"would change {_plural(files, 'file')}")
    elif not errors:
        _say(args, "nothing to fix")
    if errors:
        return 2
    return 1 if chunks else 0


def _write(args, run, resolver, root, do_fix, unsafe, do_sup, applied=None) -> None:
    from ..engine import lint_file

    fixed = files = added = sup_files = 0
    for i, fr in enumerate(list(run.files)):
        p = plan_file(fr, i, resolver, root, fix=do_fix, unsafe=unsafe, suppress=do_sup)
        if p is None:
            continue
        if p.state is None or (p.error and p.text == p.state.text):
            _notice(run.files[i], f"file left unchanged: {p.error}", p.internal)
            continue
        if p.text == p.state.text:
            continue
        try:
            written = commit(p.state, p.text)
        except FixError as e:
            _notice(run.files[i], f"file left unchanged: {e.message}", e.internal)
            continue
        if written:
            files += 1 if p.fixed else 0
            fixed += len(p.fixed)
            added += len(p.suppressed)
            sup_files += 1 if p.suppressed else 0
            if applied is not None:
                applied.extend((fr.path, f) for f in p.fixed)
        abspath = p.state.path
        fresh = lint_file(abspath, fr.path, p.settings, kind=fr.kind)
        if p.error:
            _notice(fresh, p.error, p.internal)
        run.files[i] = fresh
    if do_fix:
        from .files import sweep_stale_temps

        sweep_stale_temps(sorted({os.path.dirname(_abspath(root, fr.path)) for fr in run.files if fr.path}))
        more = sum(1 for fr in run.files for f in fr.findings if fixable(f, True) and not f.fix.safe)
        msg = f"fixed {_plural(fixed, 'finding')} in {_plural(files, 'file')}" if fixed else "no fixes applied"
        if more and not unsafe:
            msg += f"; {more} more with --unsafe-fixes"
        _say(args, msg)
    if do_sup:
        _say(args, f"added suppression comments for {_plural(added, 'finding')} in {_plural(sup_files, 'file')}"
             if added else "no suppression comments needed")
