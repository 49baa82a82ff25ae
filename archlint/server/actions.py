"""Code actions: each finding's fix as a quick fix, "Suppress ID on this line", and "Fix all
archlint issues in this file" (``fixes.fix_text``, what ``--fix`` runs); the TextEdits they carry.
Runs on the lint thread (the fixes parse and re-lint)."""
from __future__ import annotations

from lsprotocol import types

from .diagnostics import diagnostic
from .documents import DocState, units

FIX_ALL_KIND = "source.fixAll.archlint"


def code_actions(st: DocState, params: types.CodeActionParams, unsafe: bool) -> tuple[list, str | None]:
    """(CodeActions for the requested range and kinds, a problem to log or None)."""
    only = params.context.only

    def wanted(kind: str) -> bool:
        return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

    first, _ = st.lines.from_client(params.range.start)
    last, _ = st.lines.from_client(params.range.end)
    findings = [f for f in st.result.findings if not f.suppressed]
    here = [f for f in findings if f.span.line <= last and f.span.end_line >= first]
    actions, problem = [], None
    if wanted(types.CodeActionKind.QuickFix):
        actions += quick_fixes(st, here)
        actions += suppressions(st, [f for f in here if not f.rule_id.startswith("AL")])
    if wanted(FIX_ALL_KIND):
        fix_all, problem = fix_all_action(st, findings, unsafe)
        actions += [fix_all] if fix_all else []
    return actions, problem


def quick_fixes(st: DocState, findings) -> list[types.CodeAction]:
    """The fix of each finding that has one; preferred when safe."""
    actions = []
    for f in findings:
        if f.fix is None or not f.fix.edits:
            continue
        title = f"{f.fix.description} ({f.rule_id})" + ("" if f.fix.safe else " [unsafe]")
        actions.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic(st, f)],
                is_preferred=bool(f.fix.safe),
                edit=types.WorkspaceEdit(changes={st.uri: text_edits(st, f.fix.edits)}),
            )
        )
    return actions


def suppressions(st: DocState, findings) -> list[types.CodeAction]:
    """"Suppress ID on this line" for each (rule, line) where the comment can be written."""
    if not findings:
        return []
    from .. import fixes as fixmod
    from ..source import Source

    source = Source(st.display, st.text, abspath=st.abspath or st.display)
    model = fixmod._parse_model(st.kind, source)
    actions, done = [], set()
    for f in findings:
        if (f.rule_id, f.span.line) in done:
            continue
        done.add((f.rule_id, f.span.line))
        edits, impossible = fixmod.suppression_edits(source, st.kind, model, [f])
        if not edits or impossible:
            continue
        actions.append(
            types.CodeAction(
                title=f"Suppress {f.rule_id} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic(st, f)],
                edit=types.WorkspaceEdit(changes={st.uri: text_edits(st, edits)}),
            )
        )
    return actions


def fix_all_action(st: DocState, findings, unsafe: bool) -> tuple[types.CodeAction | None, str | None]:
    """("Fix all" when it changes the text, a problem to log or None)."""
    from .. import fixes as fixmod

    if not any(fixmod.fixable(f, unsafe) for f in findings):
        return None, None
    out = fixmod.fix_text(st.display, st.text, st.settings, kind=st.kind, abspath=st.abspath, unsafe=unsafe, initial=st.result)
    if out.error:
        return None, f"{st.display}: fix all: {out.error}"
    if out.text == st.text:
        return None, None
    action = types.CodeAction(
        title="Fix all archlint issues in this file",
        kind=FIX_ALL_KIND,
        diagnostics=[diagnostic(st, f) for f in out.applied if f in findings],
        edit=types.WorkspaceEdit(changes={st.uri: whole_text_edits(st, out.text)}),
    )
    return action, None


def text_edits(st: DocState, edits) -> list[types.TextEdit]:
    """archlint Edits as TextEdits, their text in the document's newline style (edits are
    written with \\n)."""
    from ..fixes import _newlines, dominant_newline

    newline = dominant_newline(st.text)
    return [types.TextEdit(range=st.lines.range(e.span), new_text=_newlines(e.text, newline)) for e in edits]


def whole_text_edits(st: DocState, new: str) -> list[types.TextEdit]:
    """Minimal line-based TextEdits turning ``st.text`` into ``new``."""
    import difflib

    from ..fixes import split_keepends

    a, b = split_keepends(st.text), split_keepends(new)
    ends_open = bool(a) and not a[-1].endswith(("\n", "\r"))

    def pos(i: int) -> types.Position:
        if i < len(a) or not ends_open:
            return types.Position(line=i, character=0)
        return types.Position(line=len(a) - 1, character=units(a[-1], st.lines.encoding))

    edits = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        edits.append(types.TextEdit(range=types.Range(start=pos(i1), end=pos(i2)), new_text="".join(b[j1:j2])))
    return edits
