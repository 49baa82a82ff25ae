"""Hover: the documentation of the rules reported under the cursor, or named in the suppression
comment under it, as Markdown; ``docs_url``, the link every diagnostic carries."""
from __future__ import annotations

import re

from lsprotocol import types

from .documents import DocState

DOCS_URL = "https://github.com/archlint/archlint/blob/main/docs/rules.md#{anchor}"
_SUPPRESSION_ID = re.compile(r"archlint:\s*ignore(?:-file)?\[([^\]]*)\]")


def docs_url(rule_id: str) -> str:
    return DOCS_URL.format(anchor=rule_id.lower())


def rule_markdown(r) -> str:
    """A rule's hover text: a summary line, its doc (headings demoted) and a link to it."""
    fix = {"safe": "safe fix", "unsafe": "unsafe fix"}.get(r.fix or "", "no fix")
    head = f"**{r.id}** `{r.name}` — {r.family_name}, {r.severity.label}, {fix}"
    body = r.doc.replace("\n## ", "\n#### ")
    if body.startswith("## "):
        body = "##" + body
    return f"{head}\n\n{body}\n\n[{r.id} documentation]({docs_url(r.id)})"


def hover_for(st: DocState, position) -> types.Hover | None:
    """The Hover at ``position``: the docs of the rules reported there, else of the rule ID under
    it in a suppression comment; None when there is nothing."""
    line, col = st.lines.from_client(position)
    parts, rng = _finding_docs(st, line, col)
    if not parts and line <= len(st.lines.lines):
        parts, rng = _suppression_docs(st, line, col)
    if not parts:
        return None
    value = "\n\n---\n\n".join(parts)
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value), range=rng)


def _finding_docs(st: DocState, line: int, col: int) -> tuple[list[str], types.Range | None]:
    """(docs of the rules whose findings cover (line, col), the first such finding's range)."""
    from ..registry import get_rule

    parts, rng = [], None
    seen = set()
    for f in st.result.findings:
        if f.suppressed or f.rule_id in seen:
            continue
        s = f.span
        if not ((s[0], s[1]) <= (line, col) < (s[2], s[3]) or (s[0], s[1]) == (line, col)):
            continue
        seen.add(f.rule_id)
        r = get_rule(f.rule_id)
        if r is not None:
            parts.append(rule_markdown(r))
            rng = rng or st.lines.range(f.span)
    return parts, rng


def _suppression_docs(st: DocState, line: int, col: int) -> tuple[list[str], types.Range | None]:
    """(docs of the rule ID under (line, col) in an ``archlint: ignore[...]`` comment, its range)."""
    from ..registry import get_rule

    parts, rng = [], None
    text = st.lines.lines[line - 1]
    for m in _SUPPRESSION_ID.finditer(text):
        pos = m.start(1)
        for part in m.group(1).split(","):
            start = pos + len(part) - len(part.lstrip())
            end = pos + len(part.rstrip())
            if part.strip() and start < col <= end + 1:
                r = get_rule(part.strip())
                if r is not None:
                    parts.append(rule_markdown(r))
                    rng = st.lines.range((line, start + 1, line, end + 1))
            pos += len(part) + 1
    return parts, rng
