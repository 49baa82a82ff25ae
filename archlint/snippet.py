"""A piece of embedded text (a shell script inside a Dockerfile RUN, a Makefile recipe, a
workflow ``run:`` block, a Markdown code fence) together with the map back to the file.

``text`` is what a sub-parser reads; ``origins[i]`` is ``(file_line, file_col)`` of the first
character of line ``i`` of ``text`` (1-based), so any offset into ``text`` maps to a file
position even when the embedding stripped indentation, prompts or recipe prefixes.
"""
from __future__ import annotations

from bisect import bisect_right
from .model import Span


class Snippet:
    __slots__ = ("text", "origins", "context", "_starts")

    def __init__(self, text: str, origins: list, context: str = ""):
        self.text = text
        self.origins = origins  # per snippet line: (file line, file column of its 1st char)
        self.context = context  # what it is: "RUN", "recipe", "run step", "```bash" ...
        self._starts: list[int] = []

    def __repr__(self):
        return f"Snippet(text={self.text!r}, origins={self.origins!r}, context={self.context!r})"

    @classmethod
    def from_lines(cls, lines: list[tuple[str, int, int]], context: str = "") -> "Snippet":
        """Build from (text, file_line, file_col) triples, one per snippet line."""
        return cls("\n".join(t for t, _, _ in lines), [(l, c) for _, l, c in lines], context)

    def _line_starts(self) -> list[int]:
        if not self._starts:
            starts = [0]
            i = self.text.find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = self.text.find("\n", i + 1)
            self._starts = starts
        return self._starts

    def pos(self, offset: int) -> tuple[int, int]:
        """File (line, col) of an offset into ``text``."""
        starts = self._line_starts()
        idx = max(0, bisect_right(starts, offset) - 1)
        idx = min(idx, len(self.origins) - 1)
        line, col = self.origins[idx]
        return line, col + offset - starts[idx]

    def span(self, start: int, end: int) -> Span:
        """File span of ``text[start:end]`` (at least one column wide)."""
        l1, c1 = self.pos(start)
        if end <= start:
            return Span(l1, c1, l1, c1 + 1)
        l2, c2 = self.pos(end - 1)
        if self.text[end - 1:end] == "\n" and end - 1 > start:
            return Span(l1, c1, l2, c2)  # through the end of a line: it ends there, not past it
        return Span(l1, c1, l2, c2 + 1)


def in_document(snippet) -> bool:
    """Whether ``snippet`` is a shell block of a Markdown document (``markdown.shell_snippets``
    groups its blocks as ``("document", path)``): its commands are the reader's to run."""
    g = getattr(snippet, "group", None)
    return type(g) is tuple and len(g) == 2 and g[0] == "document"
