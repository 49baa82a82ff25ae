"""Findings and notices of a ``DocState`` as LSP diagnostics."""
from __future__ import annotations

from lsprotocol import types

from ..model import Severity
from .documents import DocState
from .hover import docs_url

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
#: rule -> the tag an editor shows it with (struck through, faded)
TAGS = {"PY002": types.DiagnosticTag.Deprecated, "AL002": types.DiagnosticTag.Unnecessary}


def severity(sev) -> types.DiagnosticSeverity:
    return SEVERITIES.get(sev, types.DiagnosticSeverity.Warning)


def all_diagnostics(st: DocState, locate=None) -> list[types.Diagnostic]:
    """What is published for the document: its unsuppressed findings, then its notices.
    ``locate``: display path -> (URI, ``Lines`` or None) of another file, for related locations
    there (the project model's findings name other files)."""
    diags = [diagnostic(st, f, locate) for f in st.result.findings if not f.suppressed]
    return diags + [notice_diagnostic(st, n) for n in st.result.notices]


def diagnostic(st: DocState, f, locate=None) -> types.Diagnostic:
    """A finding; ``data`` carries its fingerprint and whether it has a fix."""
    related = []
    for r in f.related:
        if r.path in (None, "", st.display):
            uri, rng = st.uri, st.lines.range(r.span)
        else:
            where = locate(r.path) if locate is not None else None
            if where is None:
                continue
            uri, lines = where
            # without that file's text (not open), its code points are taken as the client's units
            rng = lines.range(r.span) if lines is not None else raw_range(r.span)
        related.append(types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=rng), message=r.message))
    message = f.message + (f"\nhint: {f.hint}" if f.hint else "")
    tag = TAGS.get(f.rule_id)
    return types.Diagnostic(
        range=st.lines.range(f.span),
        message=message,
        severity=severity(f.severity),
        code=f.rule_id,
        code_description=types.CodeDescription(href=docs_url(f.rule_id)),
        source="archlint",
        tags=[tag] if tag else None,
        related_information=related or None,
        data={"fingerprint": f.fingerprint, "fixable": f.fix is not None},
    )


def notice_diagnostic(st: DocState, n) -> types.Diagnostic:
    """A notice (configuration error, rule crash ...): from its column to the end of its line."""
    line = max(1, n.line)
    text = st.lines.lines[line - 1] if line <= len(st.lines.lines) else ""
    span = (line, max(1, n.col), line, max(len(text) + 1, n.col + 1))
    return types.Diagnostic(
        range=st.lines.range(span),
        message=n.message,
        severity=severity(n.severity),
        code=n.rule_id,
        code_description=types.CodeDescription(href=docs_url(n.rule_id)),
        source="archlint",
    )


def raw_range(span) -> types.Range:
    """An archlint span as an LSP range, column for column (a file whose text is not at hand)."""
    start = types.Position(line=max(0, span[0] - 1), character=max(0, span[1] - 1))
    end = types.Position(line=max(0, span[2] - 1), character=max(0, span[3] - 1))
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return types.Range(start=start, end=end)
