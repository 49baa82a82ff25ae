"""An open document's lint snapshot (``DocState``) and its positions: archlint's (1-based lines
and columns, in code points) <-> LSP's (0-based, in the client's code units)."""
from __future__ import annotations

from lsprotocol import types


def units(s: str, encoding: str) -> int:
    """Length of ``s`` in the code units of ``encoding`` (an LSP position encoding)."""
    if encoding == "utf-32":
        return len(s)
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


class Lines:
    """The lines of a text snapshot (terminators removed) and its client position encoding."""

    def __init__(self, text: str, encoding: str):
        from ..source import split_lines

        self.lines = split_lines(text)
        self.encoding = encoding

    def to_client(self, line: int, col: int) -> types.Position:
        """LSP Position of archlint's (line, col), clamped into the text."""
        n = len(self.lines)
        if line > n:
            line, col = n, 10**9
        line = max(1, line)
        text = self.lines[line - 1]
        c = min(max(1, col), len(text) + 1) - 1
        return types.Position(line=line - 1, character=units(text[:c], self.encoding))

    def range(self, span) -> types.Range:
        """LSP Range of an archlint span (line, col, end_line, end_col); never reversed."""
        start = self.to_client(span[0], span[1])
        end = self.to_client(span[2], span[3])
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)

    def from_client(self, pos) -> tuple[int, int]:
        """archlint (line, col) of an LSP Position."""
        if pos.line >= len(self.lines):
            last = len(self.lines)
            return last, len(self.lines[-1]) + 1
        text = self.lines[pos.line]
        count = 0
        for i, ch in enumerate(text):
            if count >= pos.character:
                return pos.line + 1, i + 1
            count += units(ch, self.encoding)
        return pos.line + 1, len(text) + 1


class DocState:
    """One lint of one version of a document: its text (None for a buffer over its
    ``max-file-size``, which is not linted), where it is (``display`` path, ``abspath`` or None),
    its ``kind``, the ``settings`` and the ``result`` of the lint."""

    __slots__ = ("uri", "version", "text", "display", "abspath", "kind", "settings", "result", "lines")

    def __init__(self, uri, version, text, display, abspath, kind, settings, result, lines):
        self.uri = uri
        self.version = version
        self.text = text
        self.display = display
        self.abspath = abspath
        self.kind = kind
        self.settings = settings
        self.result = result
        self.lines = lines
