"""``--output-format gitlab``: a GitLab Code Quality report (CodeClimate-style JSON array).

Each finding that is not suppressed (and each notice, under its rule id) becomes::

    {"description": "DF001: Image ...", "check_name": "DF001", "fingerprint": "<semantic>",
     "severity": "critical", "location": {"path": "Dockerfile", "lines": {"begin": 1}}}

Severities: error -> critical, warning -> major, info -> info.  The fingerprint is archlint's
semantic fingerprint, unique within the report and stable when unrelated lines move, so GitLab
can tell new findings from fixed ones across merge requests.
"""
from __future__ import annotations

import hashlib
import json

from ..model import Severity
from . import findings_with_notices

SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def report(run) -> list:
    out = []
    seen: set[str] = set()
    for f in findings_with_notices(run, include_suppressed=False):
        fp = f.fingerprint
        salt = 0
        while not fp or fp in seen:  # GitLab needs unique fingerprints
            salt += 1
            data = "\x00".join((f.fingerprint, f.rule_id, f.path, str(f.span.line), str(f.span.col), f.message, str(salt)))
            fp = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen.add(fp)
        out.append(
            {
                "description": f"{f.rule_id}: {f.message}",
                "check_name": f.rule_id,
                "fingerprint": fp,
                "severity": SEVERITY[f.severity],
                "location": {"path": f.path, "lines": {"begin": max(1, f.span.line)}},
            }
        )
    return out


def render(run, opts) -> str:
    return json.dumps(report(run), indent=2, ensure_ascii=False) + "\n"
