"""Output formats.  ``render(fmt, run, opts)`` imports only the module of the chosen format.

Every format module exposes ``render(run, opts) -> str``:

- ``text``   archlint.output.text      human output (default)
- ``json``   archlint.output.json_out  stable JSON document
- ``sarif``  archlint.output.sarif     SARIF 2.1.0 for GitHub code scanning and IDEs
- ``github`` archlint.output.github    GitHub Actions workflow-command annotations
- ``gitlab`` archlint.output.gitlab    GitLab Code Quality report
"""
from __future__ import annotations

import re

MODULES: dict[str, str] = {
    "text": "archlint.output.text",
    "json": "archlint.output.json_out",
    "sarif": "archlint.output.sarif",
    "github": "archlint.output.github",
    "gitlab": "archlint.output.gitlab",
}

FORMATS: tuple[str, ...] = tuple(MODULES)


class OutputOptions:
    """How to render (a dataclass-like record; plain class because importing ``dataclasses``
    costs ~15-30 ms, which a one-file pre-commit run feels).

    - color: ANSI colours (text only; machine formats are never coloured)
    - statistics: add counts per rule (text, json)
    - sarif_root: absolute directory SARIF URIs are relative to (default: RunResult.root)
    - sarif_category: becomes runs[0].automationDetails.id (GitHub's analysis category)
    - sarif_include_suppressed: keep suppressed findings in SARIF with suppressions [{kind: inSource}]
    - show_fixes: mention available fixes (text)
    """

    __slots__ = ("color", "statistics", "sarif_root", "sarif_category", "sarif_include_suppressed", "show_fixes")

    def __init__(
        self,
        color: bool = False,
        statistics: bool = False,
        sarif_root: str | None = None,
        sarif_category: str | None = None,
        sarif_include_suppressed: bool = False,
        show_fixes: bool = True,
    ):
        self.color = color
        self.statistics = statistics
        self.sarif_root = sarif_root
        self.sarif_category = sarif_category
        self.sarif_include_suppressed = sarif_include_suppressed
        self.show_fixes = show_fixes

    def _values(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __eq__(self, other):
        return type(other) is type(self) and self._values() == other._values()

    __hash__ = None  # mutable

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"OutputOptions({inner})"


def render(fmt: str, run, opts: OutputOptions | None = None) -> str:
    """Render ``run`` (a model.RunResult) in format ``fmt``."""
    try:
        modname = MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (allowed: {', '.join(FORMATS)})") from None
    module = __import__(modname, fromlist=("_",))
    return module.render(run, opts if opts is not None else OutputOptions())


__all__ = ["FORMATS", "MODULES", "OutputOptions", "render"]


# -- helpers shared by the machine formats ------------------------------------------------------


_POSITION = re.compile(r"\s*\(line \d+, column \d+\)")


def notice_findings(run) -> list:
    """The run's notices as findings (rule id AL001 ...), each with a semantic fingerprint."""
    from ..fingerprint import semantic_fingerprint

    lines_by_path = {fr.path: fr.lines for fr in run.files}
    seen: dict[tuple, int] = {}
    out = []
    for n in run.notices:
        f = n.as_finding()
        lines = lines_by_path.get(n.path)
        text = lines[f.span.line - 1].strip() if lines and 1 <= f.span.line <= len(lines) else ""
        key = _POSITION.sub("", f.message)  # "(line 3, column 7)" moves with the file
        ident = (f.rule_id, f.path, text, key)
        occ = seen.get(ident, 0)
        seen[ident] = occ + 1
        f.key = key
        f.fingerprint = semantic_fingerprint(f, text, occ)
        out.append(f)
    return out


def findings_with_notices(run, include_suppressed: bool = True) -> list:
    """Findings plus notices-as-findings, sorted (path, line, column, rule, message)."""
    out = [f for f in run.findings if include_suppressed or not f.suppressed]
    out += notice_findings(run)
    out.sort(key=lambda f: f.sort_key())
    return out


def rule_table(run) -> dict:
    """rule id -> registry.Rule for the run's rules (plus already registered ones)."""
    table = {}
    try:
        from ..registry import RULES

        table.update(RULES)
    except ImportError:  # pragma: no cover
        pass
    for r in run.rules or ():
        table[r.id] = r
    return table


def lookup_rule(rule_id: str, table: dict):
    """The Rule for ``rule_id`` from ``table``, loading its family if needed; None if unknown."""
    r = table.get(rule_id)
    if r is None:
        from ..registry import get_rule

        try:
            r = get_rule(rule_id)
        except Exception:  # a broken family module must not break the report
            r = None
        if r is not None:
            table[rule_id] = r
    return r
