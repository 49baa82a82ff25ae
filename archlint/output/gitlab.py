"""``--output-format gitlab``: a GitLab Code Quality report (CodeClimate-style JSON array).

Each finding that is not suppressed (and each notice, under its rule id) becomes::

    {"description": "DF001: Image ...", "check_name": "DF001", "fingerprint": "<semantic>",
     "severity": "critical", "location": {"path": "Dockerfile", "lines": {"begin": 1}}}

Severities: error -> critical, warning -> major, info -> info.  The fingerprint is archlint's
semantic fingerprint, unique within the report and stable when unrelated lines move, so GitLab
can tell new findings from fixed ones across merge requests.  Paths are relative to the
repository's folder (``$CI_PROJECT_DIR`` in a GitLab job), else to the folder archlint runs in.
"""
from __future__ import annotations

import hashlib

from ..model import Severity
from . import JSONWriter, findings_with_notices, path_shower, write_list

SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def _entries(run, base):
    show = path_shower(run, base)
    seen: set[str] = set()
    for f in findings_with_notices(run, include_suppressed=False, show=show, grouped=True):
        fp = f.fingerprint
        salt = 0
        while not fp or fp in seen:  # GitLab needs unique fingerprints
            salt += 1
            data = "\x00".join((f.fingerprint, f.rule_id, f.path, str(f.span.line), str(f.span.col), f.message, str(salt)))
            fp = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen.add(fp)
        yield {
            "description": f"{f.rule_id}: {f.message}",
            "check_name": f.rule_id,
            "fingerprint": fp,
            "severity": SEVERITY[f.severity],
            "location": {"path": show(f.path), "lines": {"begin": max(1, f.span.line)}},
        }


def report(run, base: str | None = None) -> list:
    return list(_entries(run, base))


def write(run, opts, out) -> None:
    """The report, written entry by entry."""
    writer = JSONWriter()
    items = map(writer.encoder.encode, _entries(run, getattr(opts, "cwd", None)))
    write_list(out, items, 0)
    out.write("\n")


def render(run, opts) -> str:
    import io

    buf = io.StringIO()
    write(run, opts, buf)
    return buf.getvalue()
