"""The shapes every part of archlint shares: severities, spans, edits, findings, notices.

Positions are 1-based lines and 1-based columns counted in Unicode code points; spans are
end-exclusive and never zero-width (a rule that points "at the end of a line" widens the span to
one character or to the whole line).  Output formats convert columns (SARIF: UTF-16 code units).
"""
from __future__ import annotations

from enum import IntEnum

# Plain classes with __slots__ rather than dataclasses: a dataclass costs ~1 ms of code
# generation at import and `dataclasses` itself ~15 ms, which a one-file pre-commit run feels.


class _Record:
    """Equality and repr from __slots__ (no generated code)."""

    __slots__ = ()

    def _values(self):
        return tuple(getattr(self, k) for k in self.__slots__)

    def __eq__(self, other):
        return type(other) is type(self) and self._values() == other._values()

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._values())

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"{type(self).__name__}({inner})"

    def __getstate__(self):
        return self._values()

    def __setstate__(self, state):
        for k, v in zip(self.__slots__, state):
            object.__setattr__(self, k, v)


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


class Span(tuple):
    """A range in a file: 1-based line/column (code points), end exclusive.  A tuple, so spans
    are immutable, hashable and ordered."""

    __slots__ = ()

    def __new__(cls, line: int, col: int, end_line: int, end_col: int):
        return tuple.__new__(cls, (line, col, end_line, end_col))

    def __getnewargs__(self):
        return tuple(self)

    @property
    def line(self) -> int:
        return self[0]

    @property
    def col(self) -> int:
        return self[1]

    @property
    def end_line(self) -> int:
        return self[2]

    @property
    def end_col(self) -> int:
        return self[3]

    def __repr__(self):
        return f"Span(line={self[0]}, col={self[1]}, end_line={self[2]}, end_col={self[3]})"

    @staticmethod
    def point(line: int, col: int, length: int = 1) -> "Span":
        return Span(line, col, line, col + max(1, length))

    def contains(self, other: "Span") -> bool:
        return (self[0], self[1]) <= (other[0], other[1]) and (other[2], other[3]) <= (self[2], self[3])


class Edit(_Record):
    """Replace the text in ``span`` with ``text`` (an empty span inserts: end == start)."""

    __slots__ = ("span", "text")

    def __init__(self, span: Span, text: str):
        self.span = span
        self.text = text


class Fix(_Record):
    __slots__ = ("description", "edits", "safe")

    def __init__(self, description: str, edits: tuple, safe: bool = True):
        self.description = description
        self.edits = tuple(edits)
        self.safe = safe


class Related(_Record):
    """Another place that explains a finding (the stage a COPY --from points at, ...)."""

    __slots__ = ("span", "message", "path")

    def __init__(self, span: Span, message: str, path: str | None = None):
        self.span = span
        self.message = message
        self.path = path  # None: the same file


class Finding(_Record):
    __slots__ = ("rule_id", "message", "span", "severity", "path", "hint", "fix", "related", "key",
                 "suppressed", "fingerprint")

    def __init__(
        self,
        rule_id: str,
        message: str,
        span: Span,
        severity: Severity,
        path: str = "",
        hint: str | None = None,
        fix: Fix | None = None,
        related: tuple = (),
        key: str = "",
        suppressed: bool = False,
        fingerprint: str = "",
    ):
        self.rule_id = rule_id
        self.message = message
        self.span = span
        self.severity = severity
        self.path = path  # display path ('/' separators, relative to the run's root); set by the engine
        self.hint = hint  # "use instead" shown under the caret
        self.fix = fix
        self.related = tuple(related)
        self.key = key  # rule-chosen identity of the offending thing (for the semantic fingerprint)
        self.suppressed = suppressed
        self.fingerprint = fingerprint  # semantic fingerprint, set by the engine

    __hash__ = None  # mutable

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.col, self.rule_id, self.message)


class Notice(_Record):
    """Something about a file that is not a finding: it could not be read or parsed, it was
    skipped, a rule crashed on it.  Text/JSON/GitHub output show notices as findings with
    ``rule_id`` (AL001 ...); SARIF puts them in ``toolExecutionNotifications``.

    Notices that share a ``group`` say one thing about many files (the templates of one Helm
    chart, "no target platforms are configured" for every Dockerfile): the human formats (text,
    concise, GitHub, GitLab) print the group once, as ``summary`` with ``{count}`` filled in
    (see :func:`group_notices`); JSON and SARIF keep one notice per file."""

    __slots__ = ("rule_id", "message", "path", "line", "col", "severity", "internal", "group", "summary")

    def __init__(
        self,
        rule_id: str,
        message: str,
        path: str = "",
        line: int = 1,
        col: int = 1,
        severity: Severity = Severity.ERROR,
        internal: bool = False,
        group: str = "",
        summary: str = "",
    ):
        self.rule_id = rule_id
        self.message = message
        self.path = path
        self.line = line
        self.col = col
        self.severity = severity
        self.internal = internal  # a crash of archlint itself (a rule raised), not a property of the file
        self.group = group  # notices with the same non-empty group are printed once (human formats)
        self.summary = summary or message  # what is printed for the group; "{count}" = its size

    __hash__ = None

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


def notice_groups(notices) -> tuple[dict, dict]:
    """({group: how many notices of ``notices`` (sorted) are in it}, {group: its place: its
    notice nearest the root (a top-level Dockerfile), the first of those})."""
    counts: dict[str, int] = {}
    first: dict[str, Notice] = {}
    for n in notices:
        if n.group:
            counts[n.group] = counts.get(n.group, 0) + 1
            if n.group not in first or n.path.count("/") < first[n.group].path.count("/"):
                first[n.group] = n
    return counts, first


def group_notices(notices) -> list:
    """``notices`` (sorted) with each group of notices sharing a ``group`` replaced by one notice,
    at the place of the group's notice nearest the root (the first of those), whose message is
    the group's ``summary`` with ``{count}`` (the number of notices in the group) filled in.  A
    group of one keeps its own message."""
    counts, first = notice_groups(notices)
    out = []
    for n in notices:
        if not n.group or counts[n.group] == 1:
            out.append(n)
        elif first[n.group] is n:
            out.append(Notice(n.rule_id, n.summary.replace("{count}", str(counts[n.group])), n.path, n.line, n.col,
                              n.severity, n.internal, n.group, n.summary))
    return out


class FileResult(_Record):
    __slots__ = ("path", "kind", "findings", "notices", "lines", "encoding", "deps", "generated", "facts")

    def __init__(self, path: str, kind: str | None, findings=None, notices=None, lines=None, encoding: str = "utf-8",
                 deps=None, generated: bool = False, facts=None):
        self.path = path  # display path
        self.kind = kind
        self.findings = findings if findings is not None else []
        self.notices = notices if notices is not None else []
        self.lines = lines  # source lines, kept for text output and fingerprints
        self.encoding = encoding
        # paths the parser read or looked for besides the file (a Makefile's includes), as a
        # tuple; None when the parser does not report them (the result cache then infers them)
        self.deps = deps
        # the file says it is generated ("DO NOT EDIT"): its findings are fixed in its source,
        # and the human formats print each of them once for all generated files
        self.generated = generated
        # what the file tells the project model (archlint.project.facts): JSON-able, or None
        self.facts = facts

    __hash__ = None

    def fails(self, threshold) -> bool:
        """Whether the file fails a run at ``threshold``: an unsuppressed finding or a notice at
        that severity or above."""
        return any(not f.suppressed and f.severity >= threshold for f in self.findings) or \
            any(n.severity >= threshold for n in self.notices)


class RunResult(_Record):
    __slots__ = ("files", "root", "rules", "settings_used")

    def __init__(self, files: list, root: str, rules: list, settings_used=None):
        self.files = files
        self.root = root  # absolute path every display path is relative to
        self.rules = rules  # the Rule objects enabled in this run (registry.Rule)
        self.settings_used = settings_used if settings_used is not None else []

    __hash__ = None

    @property
    def findings(self) -> list:
        out = [f for fr in self.files for f in fr.findings]
        out.sort(key=Finding.sort_key)
        return out

    @property
    def notices(self) -> list:
        out = [n for fr in self.files for n in fr.notices]
        out.sort(key=Notice.sort_key)
        return out
