"""``--output-format json``: one stable JSON document.

::

    {
      "version": "0.1.0",
      "findings": [{"rule", "name", "severity", "message", "path", "line", "column",
                    "end_line", "end_column", "hint", "fix", "fingerprint", "suppressed"}, ...],
      "notices": [{"rule", "name", "severity", "message", "path", "line", "column", "internal"}, ...],
      "summary": {"files", "findings", "errors", "warnings", "infos", "suppressed"},
      "statistics": [{"rule", "name", "count"}, ...]        (only with --statistics)
    }

Positions are 1-based, columns in Unicode code points, ends exclusive.  ``fix`` is null or
``{"description", "safe", "edits": [{"line", "column", "end_line", "end_column", "text"}]}``.
Notices (AL001 "could not parse" ...) also appear in ``findings`` under their rule id.
``summary`` counts findings that are not suppressed (notices included); ``suppressed`` counts
the others.  Lists are sorted by path, line, column, rule, message.
"""
from __future__ import annotations

import json

from .. import __version__
from ..model import Severity
from . import findings_with_notices, lookup_rule, rule_table


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


def document(run, opts=None) -> dict:
    table = rule_table(run)
    findings = []
    for f in findings_with_notices(run):
        sp = f.span
        findings.append(
            {
                "rule": f.rule_id,
                "name": _name(f.rule_id, table),
                "severity": f.severity.label,
                "message": f.message,
                "path": f.path,
                "line": sp.line,
                "column": sp.col,
                "end_line": sp.end_line,
                "end_column": sp.end_col,
                "hint": f.hint,
                "fix": _fix(f.fix),
                "fingerprint": f.fingerprint,
                "suppressed": bool(f.suppressed),
            }
        )
    notices = [
        {
            "rule": n.rule_id,
            "name": _name(n.rule_id, table),
            "severity": n.severity.label,
            "message": n.message,
            "path": n.path,
            "line": n.line,
            "column": n.col,
            "internal": bool(n.internal),
        }
        for n in run.notices
    ]
    active = [f for f in findings if not f["suppressed"]]
    count = {s: sum(1 for f in active if f["severity"] == s.label) for s in Severity}
    doc = {
        "version": __version__,
        "findings": findings,
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
        for f in active:
            per_rule[f["rule"]] = per_rule.get(f["rule"], 0) + 1
        doc["statistics"] = [
            {"rule": rid, "name": _name(rid, table), "count": n}
            for rid, n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return doc


def render(run, opts) -> str:
    return json.dumps(document(run, opts), indent=2, ensure_ascii=False) + "\n"
