"""``--output-format json``: one stable JSON document.

::

    {
      "version": "0.1.0",
      "findings": [{"rule", "name", "severity", "message", "path", "line", "column",
                    "end_line", "end_column", "hint", "fix", "fingerprint", "suppressed"}, ...],
      "notices": [{"rule", "name", "severity", "message", "path", "line", "column", "internal",
                   "group"}, ...],
      "summary": {"files", "findings", "errors", "warnings", "infos", "suppressed"},
      "statistics": [{"rule", "name", "count", "fixable"}, ...]   (only with --statistics)
    }

Paths are relative to the folder archlint runs in (fingerprints are not: they stay the same
from any folder).  Positions are 1-based, columns in Unicode code points, ends exclusive.  ``fix`` is null or
``{"description", "safe", "edits": [{"line", "column", "end_line", "end_column", "text"}]}``.
Notices (AL001 "could not parse" ...) also appear in ``findings`` under their rule id.  A
notice's ``group`` (null for most) is shared by notices the text output prints once (a Helm
chart's templates, DF005's "no target platforms are configured"); JSON keeps each file's.
``summary`` counts findings that are not suppressed (notices included); ``suppressed`` counts
the others.  Lists are sorted by path, line, column, rule, message.
"""
from __future__ import annotations

from .. import __version__
from ..model import Severity
from . import JSONWriter, findings_with_notices, lookup_rule, notice_message, path_shower, rule_table


def _fix(fix):
    if fix is None:
        return None
    return {
        "description": fix.description,
        "safe": bool(fix.safe),
        "edits": [
            {
                "line": e.span.line,
                "column": e.span.col,
                "end_line": e.span.end_line,
                "end_column": e.span.end_col,
                "text": e.text,
            }
            for e in fix.edits
        ],
    }


def _name(rule_id: str, table: dict) -> str:
    r = lookup_rule(rule_id, table)
    return r.name if r is not None else ""


def _finding(f, table: dict, show) -> dict:
    sp = f.span
    return {
        "rule": f.rule_id,
        "name": _name(f.rule_id, table),
        "severity": f.severity.label,
        "message": f.message,
        "path": show(f.path),
        "line": sp.line,
        "column": sp.col,
        "end_line": sp.end_line,
        "end_column": sp.end_col,
        "hint": f.hint,
        "fix": _fix(f.fix),
        "fingerprint": f.fingerprint,
        "suppressed": bool(f.suppressed),
    }


def _document(run, opts, findings_value) -> tuple[dict, list]:
    """The document with ``findings_value`` in place of the findings list, and the findings
    (model objects, in order)."""
    table = rule_table(run)
    show = path_shower(run, getattr(opts, "cwd", None))
    findings = findings_with_notices(run, show=show)
    notices = [
        {
            "rule": n.rule_id,
            "name": _name(n.rule_id, table),
            "severity": n.severity.label,
            "message": notice_message(n.message, n.path, show(n.path)),
            "path": show(n.path),
            "line": n.line,
            "column": n.col,
            "internal": bool(n.internal),
            "group": n.group or None,
        }
        for n in run.notices
    ]
    active = [f for f in findings if not f.suppressed]
    count = {s: sum(1 for f in active if f.severity == s) for s in Severity}
    doc = {
        "version": __version__,
        "findings": findings_value(findings, table, show),
        "notices": notices,
        "summary": {
            "files": len(run.files),
            "findings": len(active),
            "errors": count[Severity.ERROR],
            "warnings": count[Severity.WARNING],
            "infos": count[Severity.INFO],
            "suppressed": len(findings) - len(active),
        },
    }
    if opts is not None and getattr(opts, "statistics", False):
        per_rule: dict[str, int] = {}
        fixable: dict[str, bool] = {}
        unsafe = bool(getattr(opts, "unsafe_fixes", False))
        for f in active:
            per_rule[f.rule_id] = per_rule.get(f.rule_id, 0) + 1
            if f.fix is not None and (f.fix.safe or unsafe):
                fixable[f.rule_id] = True
        doc["statistics"] = [
            {"rule": rid, "name": _name(rid, table), "count": n, "fixable": fixable.get(rid, False)}
            for rid, n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return doc, findings


def document(run, opts=None) -> dict:
    doc, _ = _document(run, opts, lambda findings, table, show: [_finding(f, table, show) for f in findings])
    return doc


def write(run, opts, out) -> None:
    """The document, written finding by finding (see output.JSONWriter)."""
    writer = JSONWriter()
    doc, _ = _document(run, opts, lambda findings, table, show: writer.later(_finding(f, table, show) for f in findings))
    writer.write(doc, out)


def render(run, opts) -> str:
    import io

    buf = io.StringIO()
    write(run, opts, buf)
    return buf.getvalue()
