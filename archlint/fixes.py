"""Applying fixes without ever losing data, and the CLI actions that write files or baselines.

One implementation serves ``archlint check --fix/--diff/--add-suppressions``, the baseline
options and the language server (``server.py`` calls ``fix_text`` and ``suppression_edits``).

Fixes
    A finding may carry ``Fix(description, edits, safe)``; an edit is ``(Span, text)`` with
    1-based line/column code-point positions on the LF-normalised text (the line and column
    numbers of the file itself: normalisation only changes line terminators).  Edits are applied
    to the *original* text, so untouched bytes, line endings (CRLF, CR, mixed) and the BOM stay
    as they were; a newline inside an edit's text is written in the file's dominant style.

    Each pass picks fixes in a deterministic order (earliest edit position, then rule ID, then
    the finding's position and message); a fix that overlaps or touches the start of an edit
    already chosen in the pass waits for the next pass, where it is recomputed on the new text
    (or has disappeared).  The file is re-linted after every pass; the loop stops when no fix
    is left, and is an error after ``MAX_PASSES`` passes or when the text comes back to an
    earlier state (fixes fighting each other).  When the result has a parse problem the
    original did not have, nothing is written.

Writing
    Read bytes, decode, fix in memory, encode with the original codec and BOM, then: compare
    the file on disk with the bytes read (a change means another program wrote it: refuse),
    write a temporary file in the same folder, flush, fsync, copy the mode, ``os.replace`` it
    over the original (through symlinks, onto their target, but never onto a target outside the
    repository).  A failure at any step removes the temporary file and leaves the original
    untouched; a run killed between write and rename leaves a ``.<name>.<pid>.*.archlint-tmp``
    file, which the next write of that file removes once the process is gone.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import stat as statmod
import sys
import tempfile
from collections import Counter

from .model import Edit, FileResult, Finding, Notice, Severity, Span
from .source import BOMS, DecodeError, Source, decode

MAX_PASSES = 10
#: the notice ID used when fixes, suppressions or a baseline cannot be applied to a file
FIX_NOTICE_ID = "AL007"  # a fix not written for a reason outside archlint (file changed, unwritable)
BASELINE_VERSION = 1

# ---- positions on the original text ------------------------------------------------------------


_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Line starts and content ends of a text whose lines may end with \\r\\n, \\r or \\n (the
    same line breaks ``source.normalize_newlines`` turns into \\n)."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        ends = []
        for m in _BREAK.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts = starts
        self.ends = ends

    def __len__(self):
        return len(self.starts)

    def offset(self, line: int, col: int) -> int:
        """Offset of (line, col); a column past the line's end means its end (before the line
        break), a line past the last means the end of the text."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        start, end = self.starts[line - 1], self.ends[line - 1]
        return min(start + max(col, 1) - 1, end)

    def range(self, span: Span) -> tuple[int, int]:
        """Offsets of a span; an inverted span gives end < start (callers reject it)."""
        s = self.offset(span[0], span[1])
        if (span[2], span[3]) < (span[0], span[1]):
            return s, s - 1
        return s, max(s, self.offset(span[2], span[3]))


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    if cr > lf and cr > crlf:
        return "\r"
    return "\n"


def split_keepends(text: str) -> list[str]:
    """Lines with their terminators (\\r\\n, \\r, \\n only: unlike str.splitlines)."""
    out = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    return out


def apply_edits(text: str, edits) -> str:
    """Apply non-overlapping edits (positions as in a finding) to ``text`` in any newline style.
    Raises ValueError for overlapping or inverted edits."""
    idx = LineIndex(text)
    nl = dominant_newline(text)
    placed = []
    for i, e in enumerate(edits):
        s, end = idx.range(e.span)
        if end < s:
            raise ValueError(f"inverted edit span {e.span!r}")
        placed.append((s, end, i, _newlines(e.text, nl)))
    placed.sort()
    out: list[str] = []

    def put(piece: str) -> None:
        if not piece:
            return
        if out and piece[0] == "\n" and out[-1][-1] == "\r":
            # a CR and an LF brought together would read as one CRLF line break: keep two
            out.append("\r")
        out.append(piece)

    pos = 0
    for s, end, _, t in placed:
        if s < pos:
            raise ValueError("overlapping edits")
        put(text[pos:s])
        put(t)
        pos = end
    put(text[pos:])
    return "".join(out)


def _newlines(s: str, nl: str) -> str:
    if "\n" not in s and "\r" not in s:
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s.replace("\n", nl) if nl != "\n" else s


# ---- choosing fixes --------------------------------------------------------------------------------


def fixable(f: Finding, unsafe: bool = False) -> bool:
    fix = f.fix
    return bool(fix is not None and fix.edits and not f.suppressed and (fix.safe or unsafe))


def _fix_ranges(idx: LineIndex, fix) -> list[tuple[int, int]] | None:
    """Offsets of a fix's edits, or None if the fix is malformed (inverted or self-overlapping)."""
    rng = []
    for e in fix.edits:
        span = e.span
        if (span[2], span[3]) < (span[0], span[1]):
            return None
        rng.append(idx.range(span))
    srt = sorted(rng)
    for (s1, e1), (s2, e2) in zip(srt, srt[1:]):
        if s2 < e1 or (s1 == s2 and (e1 == s1 or e2 == s2)):
            return None
    return rng


def _conflict(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Overlap, or two edits starting at the same place (their order would be arbitrary)."""
    (s1, e1), (s2, e2) = a, b
    return s1 == s2 or (s1 < e2 and s2 < e1)


def select_fixes(text: str, findings, unsafe: bool = False) -> list[Finding]:
    """The fixes to apply in one pass, in a deterministic order, none overlapping another."""
    idx = LineIndex(text)
    cands = []
    for f in findings:
        if not fixable(f, unsafe):
            continue
        rng = _fix_ranges(idx, f.fix)
        if rng is None:
            continue
        cands.append((min(rng), f.rule_id, tuple(f.span), f.message, f.fix.description, rng, f))
    cands.sort(key=lambda c: c[:5])
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for *_, rng, f in cands:
        if any(_conflict(r, t) for r in rng for t in taken):
            continue
        chosen.append(f)
        taken.extend(rng)
    return chosen


# ---- the fix loop ---------------------------------------------------------------------------------

_LOCATION = re.compile(r"\s*\(line \d+, column \d+\)")


def parse_problems(result: FileResult) -> Counter:
    """What the kind's parser said about the text: AL001/AL003 notices and parser crashes, with
    the position taken out of the message so that moved lines compare equal."""
    out: Counter = Counter()
    for n in result.notices:
        if n.rule_id in ("AL001", "AL003") or (n.rule_id == "AL004" and "parser on" in n.message):
            out[(n.rule_id, _LOCATION.sub("", n.message))] += 1
    return out


class FixOutcome:
    """``text``: the fixed text (the input itself when nothing applied); ``applied``: the
    findings whose fix was applied, in order; ``result``: the lint result of ``text``;
    ``error``: why the fixed text must not be used (then ``text`` is the input)."""

    __slots__ = ("text", "applied", "result", "error", "passes", "internal")

    def __init__(self, text, applied, result, error=None, passes=0, internal=False):
        self.text = text
        self.applied = applied
        self.result = result
        self.error = error
        self.passes = passes
        self.internal = internal  # the error is a bug in a rule's fix, not the file's fault

    @property
    def changed(self) -> bool:
        return self.error is None and bool(self.applied)


def fix_text(
    path: str,
    text: str,
    settings,
    *,
    kind: str | None = None,
    abspath: str | None = None,
    encoding: str = "utf-8",
    unsafe: bool = False,
    initial: FileResult | None = None,
    max_passes: int = MAX_PASSES,
) -> FixOutcome:
    """Fix ``text`` (any newline style) in memory: lint, apply, re-lint, until nothing changes."""
    from .engine import lint_text

    def lint(t: str) -> FileResult:
        return lint_text(path, t, settings, kind=kind, abspath=abspath, encoding=encoding)

    first = initial if initial is not None else lint(text)
    kind = kind or first.kind
    before = parse_problems(first)
    current, result = text, first
    applied: list[Finding] = []
    seen = {text}
    for n in range(1, max_passes + 1):
        chosen = select_fixes(current, result.findings, unsafe)
        if not chosen:
            return FixOutcome(current, applied, result, passes=n - 1)
        try:
            new = apply_edits(current, [e for f in chosen for e in f.fix.edits])
        except ValueError as e:  # select_fixes rules this out; never write on a surprise
            return FixOutcome(text, [], first, f"fixes could not be applied: {e}", n, internal=True)
        if new == current:  # fixes that change nothing: done
            return FixOutcome(current, applied, result, passes=n)
        if new in seen:
            ids = ", ".join(sorted({f.rule_id for f in chosen}))
            return FixOutcome(text, [], first, f"fixes do not converge (the text came back to an earlier state; rules {ids})", n, internal=True)
        seen.add(new)
        current = new
        applied.extend(chosen)
        result = lint(current)
        broken = parse_problems(result) - before
        if broken:
            (rid, msg), _ = next(iter(broken.items()))
            ids = ", ".join(sorted({f.rule_id for f in chosen}))
            return FixOutcome(text, [], first, f"the fixed text would not parse ({msg}; fixes of {ids})", n, internal=True)
    if select_fixes(current, result.findings, unsafe):
        return FixOutcome(text, [], first, f"fixes do not converge after {max_passes} passes", max_passes, internal=True)
    return FixOutcome(current, applied, result, passes=max_passes)


# ---- suppression comments ------------------------------------------------------------------------

_OWN_IGNORE = re.compile(r"^(?P<pre>\s*(?:#|<!--)\s*archlint:\s*ignore\[)(?P<ids>[^\]]*)(?P<post>\].*)$")


def comment_text(kind: str, ids, markdown_prose: bool = False) -> str:
    body = f"archlint: ignore[{','.join(ids)}]"
    if kind == "markdown" and markdown_prose:
        return f"<!-- {body} -->"
    return f"# {body}"


def _parse_model(kind: str, source: Source):
    from .engine import _parser

    parse = _parser(kind)
    if parse is None:
        return None
    try:
        return parse(source)
    except Exception:
        return None


def _statement_range(model, lines, n):
    from . import suppress

    fn = getattr(suppress, "_statement_range", None)
    if fn is not None:
        return fn(model, lines, n)
    rng = getattr(model, "statement_range", None)
    return rng(n) if rng is not None else (n, n)


def _continued(line: str) -> bool:
    r = line.rstrip()
    return r.endswith("\\") and (len(r) - len(r.rstrip("\\"))) % 2 == 1


def _fence_at(model, line: int):
    for f in getattr(model, "fences", ()) or ():
        if f.line < line < f.end_line or (f.line < line and f.end_line == line and not _is_fence_close(model, f)):
            return f
    return None


def _is_fence_close(model, fence) -> bool:
    src = getattr(model, "source", None)
    if src is None:
        return True
    s = src.line(fence.end_line).strip()
    return s.startswith(("```", "~~~"))


class _PyInfo:
    """Statement starts and lines whose end lies inside a multi-line string (Python)."""

    def __init__(self, model, source: Source):
        import ast

        self.stmts: list[tuple[int, int]] = []
        tree = getattr(model, "tree", None)
        if tree is not None:
            for node in ast.walk(tree):
                if isinstance(node, ast.stmt):
                    self.stmts.append((node.lineno, getattr(node, "end_lineno", None) or node.lineno))
        self.in_string: set[int] = set()
        try:
            import io
            import tokenize

            fstart = getattr(tokenize, "FSTRING_START", None)
            fend = getattr(tokenize, "FSTRING_END", None)
            depth, open_line = 0, 0
            for tok in tokenize.generate_tokens(io.StringIO(source.text).readline):
                if fstart is not None and tok.type == fstart:
                    if depth == 0:
                        open_line = tok.start[0]
                    depth += 1
                elif fend is not None and tok.type == fend:
                    depth -= 1
                    if depth == 0:
                        self.in_string.update(range(open_line, tok.end[0]))
                elif tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
                    self.in_string.update(range(tok.start[0], tok.end[0]))
        except Exception:
            pass

    def anchor(self, line: int) -> int:
        best = None
        for s, e in self.stmts:
            if s <= line <= e and (best is None or (s, -e) > (best[0], -best[1])):
                best = (s, e)
        return best[0] if best else line


def suppression_edits(source: Source, kind: str, model, findings) -> tuple[list[Edit], list[Finding]]:
    """Edits that add ``archlint: ignore[ID]`` comments for ``findings``: an own-line comment
    above each finding's statement (merged into an own-line ignore comment already there), or,
    where such a comment would not cover the finding and the kind allows it, one at the end of
    the finding's line.  Returns (edits, findings that cannot be suppressed by a comment)."""
    from .suppress import TRAILING_OK

    lines = source.lines
    py = _PyInfo(model, source) if kind == "python" else None
    own: dict[int, list[str]] = {}  # anchor line -> ids
    own_prose: dict[int, bool] = {}
    trailing: dict[int, list[str]] = {}
    impossible: list[Finding] = []
    for f in sorted(findings, key=Finding.sort_key):
        if f.rule_id.startswith("AL"):
            continue
        line = min(max(1, f.span.line), len(lines))
        if kind == "python":
            anchor = py.anchor(line)
        else:
            anchor = _statement_range(model, lines, line)[0] if model is not None else line
            anchor = min(anchor, line)
            if kind != "dockerfile":
                fence = _fence_at(model, anchor) if kind == "markdown" else None
                floor = fence.line + 1 if fence is not None else 1
                while anchor > floor and _continued(lines[anchor - 2]):
                    anchor -= 1
        first, last = _statement_range(model, lines, anchor) if model is not None else (anchor, anchor)
        if first <= line <= last or line == anchor:
            ids = own.setdefault(anchor, [])
            if f.rule_id not in ids:
                ids.append(f.rule_id)
            own_prose[anchor] = kind == "markdown" and _fence_at(model, anchor) is None
            continue
        text = lines[line - 1]
        ok = (
            kind in TRAILING_OK
            and not _continued(text)
            and not (py is not None and line in py.in_string)
            and text.strip() != ""
        )
        if ok:
            ids = trailing.setdefault(line, [])
            if f.rule_id not in ids:
                ids.append(f.rule_id)
        else:
            impossible.append(f)
    edits: list[Edit] = []
    for anchor, ids in sorted(own.items()):
        above = lines[anchor - 2] if anchor >= 2 else None
        m = _OWN_IGNORE.match(above) if above is not None else None
        if m is not None and m.group("ids").strip():
            have = [i.strip() for i in m.group("ids").split(",") if i.strip()]
            merged = have + [i for i in ids if i not in have]
            start = len(m.group("pre")) + 1
            edits.append(Edit(Span(anchor - 1, start, anchor - 1, start + len(m.group("ids"))), ",".join(merged)))
            continue
        target = lines[anchor - 1]
        indent = target[: len(target) - len(target.lstrip())]
        if kind == "makefile" and target.startswith("\t"):
            indent = ""  # a make comment at column 1 is not a recipe line (not passed to the shell)
        comment = comment_text(kind, ids, own_prose.get(anchor, False))
        edits.append(Edit(Span(anchor, 1, anchor, 1), f"{indent}{comment}\n"))
    for line, ids in sorted(trailing.items()):
        text = lines[line - 1]
        prose = kind == "markdown" and _fence_at(model, line) is None
        end = len(text.rstrip()) + 1
        edits.append(Edit(Span(line, end, line, len(text) + 1), "  " + comment_text(kind, ids, prose)))
    return edits, impossible


class SuppressOutcome:
    __slots__ = ("text", "added", "result", "error", "internal")

    def __init__(self, text, added, result, error=None, internal=False):
        self.text = text
        self.added = added  # findings now covered by a new comment
        self.result = result
        self.error = error
        self.internal = internal


def suppress_text(
    path: str,
    text: str,
    settings,
    *,
    kind: str | None = None,
    abspath: str | None = None,
    encoding: str = "utf-8",
    initial: FileResult | None = None,
) -> SuppressOutcome:
    """Add suppression comments for every unsuppressed finding of ``text``, then verify: the
    text still parses as before and no targeted finding is left unsuppressed."""
    from .engine import lint_text

    first = initial if initial is not None else lint_text(path, text, settings, kind=kind, abspath=abspath, encoding=encoding)
    kind = kind or first.kind
    targets = [f for f in first.findings if not f.suppressed and not f.rule_id.startswith("AL")]
    if not targets or kind is None:
        return SuppressOutcome(text, [], first)
    source = Source(path, text, abspath=abspath or path, encoding=encoding)
    model = _parse_model(kind, source)
    edits, impossible = suppression_edits(source, kind, model, targets)
    if not edits:
        return SuppressOutcome(text, [], first, _cannot(impossible) if impossible else None)
    new = apply_edits(text, edits)
    result = lint_text(path, new, settings, kind=kind, abspath=abspath, encoding=encoding)
    broken = parse_problems(result) - parse_problems(first)
    if broken:
        (_, msg), _ = next(iter(broken.items()))
        return SuppressOutcome(text, [], first, f"suppression comments would break the file ({msg})", True)
    left = Counter(f.rule_id for f in result.findings if not f.suppressed and not f.rule_id.startswith("AL"))
    expected = Counter(f.rule_id for f in impossible)
    if left - expected:
        rid = next(iter(left - expected))
        return SuppressOutcome(text, [], first, f"a suppression comment for {rid} would not take effect", True)
    added = [f for f in targets if f not in impossible]
    return SuppressOutcome(new, added, result, _cannot(impossible) if impossible else None)


def _cannot(findings) -> str:
    where = ", ".join(f"{f.rule_id} at line {f.span.line}" for f in findings[:5])
    return f"no comment can suppress {where} (the line continues or lies inside a string)"


# ---- files ------------------------------------------------------------------------------------------

_BOM_CODECS = {
    codecs.BOM_UTF8: "utf-8",
    codecs.BOM_UTF32_LE: "utf-32-le",
    codecs.BOM_UTF32_BE: "utf-32-be",
    codecs.BOM_UTF16_LE: "utf-16-le",
    codecs.BOM_UTF16_BE: "utf-16-be",
}


class FixError(Exception):
    """A file cannot be changed safely; the message says why (nothing was written)."""

    def __init__(self, message: str, internal: bool = False):
        super().__init__(message)
        self.message = message
        self.internal = internal


class FileState:
    """A file as read for fixing: its bytes, the decoded text and how to encode it back."""

    __slots__ = ("path", "data", "text", "encoding", "bom", "codec", "mode")

    def __init__(self, path, data, text, encoding, bom, codec, mode):
        self.path = path
        self.data = data
        self.text = text
        self.encoding = encoding  # as source.decode names it (for the engine)
        self.bom = bom
        self.codec = codec
        self.mode = mode

    @classmethod
    def read(cls, path: str) -> "FileState":
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            mode = statmod.S_IMODE(os.stat(path).st_mode)
        except OSError as e:
            raise FixError(f"cannot read it: {e.strerror or e}") from None
        try:
            text, enc, _ = decode(data)
        except DecodeError as e:
            raise FixError(f"cannot decode it: {e}") from None
        bom, codec = b"", enc
        for b, _name in BOMS:
            if data.startswith(b):
                bom, codec = b, _BOM_CODECS[b]
                break
        state = cls(path, data, text, enc, bom, codec, mode)
        try:
            same = state.encode(text) == data
        except FixError:
            same = False
        if not same:
            raise FixError(f"its bytes do not survive a decode/encode round trip as {enc}")
        return state

    def encode(self, text: str) -> bytes:
        try:
            return self.bom + text.encode(self.codec)
        except UnicodeEncodeError as e:
            raise FixError(f"the new text cannot be encoded as {self.codec} ({e.reason})") from None


def atomic_write(path: str, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` (its target, if a symlink) with ``data`` atomically: a temporary file in
    the same folder, flushed and fsynced, given the original's mode, then ``os.replace``.  On
    any failure the temporary file is removed and the original is left as it was."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    st = None
    try:
        st = os.stat(target)
    except FileNotFoundError:
        pass
    if mode is None:
        if st is not None:
            mode = statmod.S_IMODE(st.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    base = os.path.basename(target)
    _remove_stale_temps(folder, base)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if st is not None and hasattr(os, "chown") and (st.st_uid, st.st_gid) != _owner(tmp):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


TEMP_SUFFIX = ".archlint-tmp"
_STALE_AGE = 3600.0  # where process liveness cannot be asked (Windows): temp files older than this


def _remove_stale_temps(folder: str, base: str) -> None:
    """Remove the temporary files an earlier archlint left next to ``base`` when it was killed
    between creating and renaming them (``.<base>.<pid>.<random>.archlint-tmp``); a temp file of
    a process still running is left alone."""
    prefix = f".{base}."
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    import time

    for name in names:
        pid_text = name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        path = os.path.join(folder, name)
        if pid == os.getpid():
            continue
        if os.name == "posix":
            try:
                os.kill(pid, 0)
                continue  # alive (another archlint may be writing it)
            except ProcessLookupError:
                pass
            except OSError:
                continue  # alive, another user's
        else:
            try:
                if time.time() - os.stat(path).st_mtime < _STALE_AGE:
                    continue
            except OSError:
                continue
        try:
            os.unlink(path)
        except OSError:
            pass


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


def _fsync_dir(folder: str) -> None:
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    try:
        fd = os.open(folder, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit(state: FileState, new_text: str) -> bool:
    """Write ``new_text`` over the file ``state`` was read from, unless the file changed on
    disk since (FixError).  Returns False when there is nothing to write."""
    data = state.encode(new_text)
    if data == state.data:
        return False
    try:
        with open(state.path, "rb") as fh:
            now = fh.read()
    except OSError as e:
        raise FixError(f"cannot read it again before writing: {e.strerror or e}") from None
    if now != state.data:
        raise FixError("it changed on disk while archlint was fixing it")
    try:
        atomic_write(state.path, data, state.mode)
    except OSError as e:
        raise FixError(f"writing it failed: {e.strerror or e}") from None
    return True


# ---- baselines ----------------------------------------------------------------------------------


def baseline_key(f: Finding) -> tuple[str, str, str]:
    return (f.path, f.rule_id, f.fingerprint or f.message)


def baseline_entries(run) -> list[dict]:
    out = []
    for f in run.findings:
        if f.suppressed:
            continue
        path, rule, fp = baseline_key(f)
        out.append({"path": path, "rule": rule, "fingerprint": fp, "message": f.message})
    out.sort(key=lambda e: (e["path"], e["rule"], e["fingerprint"], e["message"]))
    return out


def write_baseline(path: str, run) -> int:
    entries = baseline_entries(run)
    doc = {"version": BASELINE_VERSION, "tool": "archlint", "findings": entries}
    data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    atomic_write(path, data)
    return len(entries)


class BaselineError(Exception):
    pass


def load_baseline(path: str) -> Counter:
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read().decode("utf-8-sig"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: no such file (create it with --write-baseline)") from None
    except OSError as e:
        raise BaselineError(f"baseline {path}: cannot read: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BaselineError(f"baseline {path}: not valid JSON: {e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"baseline {path}: expected an object with a \"findings\" list")
    version = doc.get("version")
    if not isinstance(version, int) or version > BASELINE_VERSION:
        raise BaselineError(f"baseline {path}: unsupported version {version!r} (this archlint reads version {BASELINE_VERSION})")
    out: Counter = Counter()
    for i, e in enumerate(doc["findings"]):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("path", "rule", "fingerprint")):
            raise BaselineError(f"baseline {path}: findings[{i}] needs string path, rule and fingerprint")
        out[(e["path"], e["rule"], e["fingerprint"])] += 1
    return out


def filter_baseline(run, known: Counter) -> int:
    """Drop the findings of ``run`` that the baseline holds (each entry absorbs one finding).
    Returns how many were dropped."""
    left = Counter(known)
    dropped = 0
    for fr in run.files:
        keep = []
        for f in sorted(fr.findings, key=Finding.sort_key):
            if not f.suppressed:
                k = baseline_key(f)
                if left[k] > 0:
                    left[k] -= 1
                    dropped += 1
                    continue
            keep.append(f)
        fr.findings = keep
    return dropped


# ---- the CLI ------------------------------------------------------------------------------------


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


def cli_actions(args, run, resolver, root) -> int | None:
    """--fix / --unsafe-fixes / --diff / --add-suppressions / --write-baseline / --baseline.

    Order: fixes, then suppression comments, then the baseline written, then the baseline
    applied.  --diff prints what the first two would change and writes nothing (exit 1 when
    there is a diff, 2 when a file cannot be fixed safely).  --write-baseline exits 0 after
    writing.  Otherwise ``run`` is updated in place and the CLI prints the remaining findings."""
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
        _write(args, run, resolver, root, do_fix, unsafe, do_sup)
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
    chunks: list[str] = []
    fixed = files = 0
    errors = 0
    for i, fr in enumerate(run.files):
        p = plan_file(fr, i, resolver, root, fix=True, unsafe=unsafe, suppress=do_sup)
        if p is None:
            continue
        if p.error and p.state is None or p.error and not (p.fixed or p.suppressed):
            _err(f"{fr.path}: no diff: {p.error}")
            errors += 1
            continue
        if p.error:
            _err(f"{fr.path}: {p.error}")
        if p.text != p.state.text:
            chunks.append(unified_diff(fr.path, p.state.text, p.text))
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


def _write(args, run, resolver, root, do_fix, unsafe, do_sup) -> None:
    from .engine import lint_file

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
        abspath = p.state.path
        fresh = lint_file(abspath, fr.path, p.settings, kind=fr.kind)
        if p.error:
            _notice(fresh, p.error, p.internal)
        run.files[i] = fresh
    if do_fix:
        more = sum(1 for fr in run.files for f in fr.findings if fixable(f, True) and not f.fix.safe)
        msg = f"fixed {_plural(fixed, 'finding')} in {_plural(files, 'file')}" if fixed else "no fixes applied"
        if more and not unsafe:
            msg += f"; {more} more with --unsafe-fixes"
        _say(args, msg)
    if do_sup:
        _say(args, f"added suppression comments for {_plural(added, 'finding')} in {_plural(sup_files, 'file')}"
             if added else "no suppression comments needed")
