"""One parser per file kind.  Each module exposes ``parse(source) -> model`` and raises
``ParseError`` with the parser's own line and column when the text cannot be understood."""
from __future__ import annotations


class ParseError(Exception):
    def __init__(self, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.message = message
        self.line = max(1, int(line))
        self.col = max(1, int(col))


class SkipFile(Exception):
    """The file is deliberately not linted (a Helm template, ...): reported as an info notice
    with ``rule_id`` (AL003 ...), never as a parse error."""

    def __init__(self, rule_id: str, message: str, line: int = 1, col: int = 1, group: str = "", summary: str = "",
                 quiet: bool = False):
        super().__init__(message)
        self.quiet = quiet  # nothing to say: what the file holds is linted elsewhere
        self.rule_id = rule_id
        self.message = message
        self.line = line
        self.col = col
        self.group = group  # files skipped for one reason (a Helm chart's templates): printed once
        self.summary = summary  # what is printed for the group; "{count}" = how many files
