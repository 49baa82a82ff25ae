"""Suppression comments (``--add-suppressions`` and the language server's "ignore" action):
``# archlint: ignore[ID]`` (``<!-- ... -->`` in Markdown prose) above each finding's statement,
merged into an own-line ignore comment already there, or at the end of the finding's line where
an own-line comment would not cover it.  ``suppress_text`` adds them and checks the result: it
still parses as before and every targeted finding is now suppressed.
"""
from __future__ import annotations

import re
from collections import Counter

from ..model import Edit, FileResult, Finding, Span
from ..source import Source
from .edits import apply_edits, parse_problems


_OWN_IGNORE = re.compile(r"^(?P<pre>\s*(?:#|<!--)\s*archlint:\s*ignore\[)(?P<ids>[^\]]*)(?P<post>\].*)$")


def comment_text(kind: str, ids, markdown_prose: bool = False) -> str:
    body = f"archlint: ignore[{','.join(ids)}]"
    if kind == "markdown" and markdown_prose:
        return f"<!-- {body} -->"
    return f"# {body}"


def _parse_model(kind: str, source: Source):
    from ..engine import _parser

    parse = _parser(kind)
    if parse is None:
        return None
    try:
        return parse(source)
    except Exception:
        return None


def _statement_range(model, lines, n):
    from .. import suppress

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
    from ..suppress import TRAILING_OK

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
    from ..engine import lint_text

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
