"""Text edits: applying a finding's fix to the original text, choosing the fixes of a pass, and
the fix loop (``fix_text``) that ``--fix``, ``--diff`` and the language server share.

A finding may carry ``Fix(description, edits, safe)``; an edit is ``(Span, text)`` with 1-based
line/column code-point positions on the LF-normalised text (the line and column numbers of the
file itself: normalisation only changes line terminators).  Edits are applied to the *original*
text, so untouched bytes, line endings (CRLF, CR, mixed) and the BOM stay as they were; a
newline inside an edit's text is written in the file's dominant style.

Each pass picks fixes in a deterministic order (earliest edit position, then rule ID, then the
finding's position and message); a fix that overlaps or touches the start of an edit already
chosen in the pass waits for the next pass, where it is recomputed on the new text (or has
disappeared).  The file is re-linted after every pass; the loop stops when no fix is left, and
is an error after ``MAX_PASSES`` passes or when the text comes back to an earlier state (fixes
fighting each other).  When the result has a parse problem the original did not have, the
fixed text is refused.
"""
from __future__ import annotations

import re
from collections import Counter

from ..model import FileResult, Finding, Span

MAX_PASSES = 10

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
    from ..engine import lint_text

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
