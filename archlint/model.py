"""The shapes every part of archlint shares: severities, spans, edits, findings, notices.

Positions are 1-based lines and 1-based columns counted in Unicode code points; spans are
end-exclusive and never zero-width (a rule that points "at the end of a line" widens the span to
one character or to the whole line).  Output formats convert columns (SARIF: UTF-16 code units).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (allowed: error, warning, info)") from None


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A range in a file: 1-based line/column (code points), end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    @staticmethod
    def point(line: int, col: int, length: int = 1) -> "Span":
        return Span(line, col, line, col + max(1, length))

    def contains(self, other: "Span") -> bool:
        return (self.line, self.col) <= (other.line, other.col) and (
            other.end_line,
            other.end_col,
        ) <= (self.end_line, self.end_col)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text in ``span`` with ``text`` (an empty span inserts: end == start)."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (the stage a COPY --from points at, ...)."""

    span: Span
    message: str
    path: str | None = None  # None: the same file


@dataclass(slots=True)
class Finding:
    rule_id: str
    message: str
    span: Span
    severity: Severity
    path: str = ""  # display path ('/' separators, relative to the run's root); set by the engine
    hint: str | None = None  # "use instead" shown under the caret
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    key: str = ""  # rule-chosen identity of the offending thing (for the semantic fingerprint)
    suppressed: bool = False
    fingerprint: str = ""  # semantic fingerprint, set by the engine

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.col, self.rule_id, self.message)


@dataclass(slots=True)
class Notice:
    """Something about a file that is not a finding: it could not be read or parsed, it was
    skipped, a rule crashed on it.  Text/JSON/GitHub output show notices as findings with
    ``rule_id`` (AL001 ...); SARIF puts them in ``toolExecutionNotifications``."""

    rule_id: str
    message: str
    path: str = ""
    line: int = 1
    col: int = 1
    severity: Severity = Severity.ERROR
    internal: bool = False  # a crash of archlint itself (a rule raised), not a property of the file

    def as_finding(self) -> Finding:
        return Finding(
            self.rule_id,
            self.message,
            Span.point(max(1, self.line), max(1, self.col)),
            self.severity,
            path=self.path,
        )

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.rule_id, self.message)


@dataclass(slots=True)
class FileResult:
    path: str  # display path
    kind: str | None
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    lines: list[str] | None = None  # source lines, kept for text output and fingerprints
    encoding: str = "utf-8"


@dataclass(slots=True)
class RunResult:
    files: list[FileResult]
    root: str  # absolute path every display path is relative to
    rules: list  # the Rule objects enabled in this run (registry.Rule)
    settings_used: list = field(default_factory=list)  # the distinct Settings files were linted with

    @property
    def findings(self) -> list[Finding]:
        out = [f for fr in self.files for f in fr.findings]
        out.sort(key=Finding.sort_key)
        return out

    @property
    def notices(self) -> list[Notice]:
        out = [n for fr in self.files for n in fr.notices]
        out.sort(key=Notice.sort_key)
        return out
