"""Markdown runbooks: the shell in fenced code blocks.

Only fences tagged as shell count: ``bash``, ``sh``, ``shell``, ``zsh``, ``ksh`` (scripts) and
``console`` (also ``shell-session``/``sh-session``/``shellsession``: terminal transcripts).
Backtick and tilde fences, indented fences (inside list items) and unclosed fences (they run to
the end of the document, as CommonMark says) are handled; the fence's indentation is removed from
its lines.

In a transcript only lines starting with a ``$ `` or ``# `` prompt are commands (the prompt is
stripped); a command ending in ``\\`` continues on the next line (a ``> `` continuation prompt is
stripped too); every other line is output and ignored.  A ``$ `` prompt at the start of a line of
a script block is stripped as well, since READMEs often write ```` ```bash ```` blocks that way.
"""
from __future__ import annotations

import re

from ..snippet import Snippet

SCRIPT_LANGS = frozenset(("bash", "sh", "shell", "zsh", "ksh"))
CONSOLE_LANGS = frozenset(("console", "shell-session", "sh-session", "shellsession"))

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


class Fence:
    """A fenced code block: ``line``/``end_line`` are the fence lines (``end_line`` is the last
    line of the document for an unclosed fence); ``snippet`` is None for non-shell blocks."""

    __slots__ = ("lang", "info", "line", "end_line", "snippet", "console")

    def __init__(self, lang, info, line, end_line, snippet, console):
        self.lang = lang
        self.info = info
        self.line = line
        self.end_line = end_line
        self.snippet = snippet
        self.console = console

    @property
    def shell(self) -> bool:
        return self.snippet is not None

    def __repr__(self):
        return f"Fence({self.lang!r}@{self.line}-{self.end_line})"


class MarkdownModel:
    def __init__(self, source, fences: list[Fence]):
        self.source = source
        self.fences = fences

    def shell_snippets(self) -> list[Snippet]:
        """The shell blocks, as one group: a runbook's blocks run one after another on one
        machine, so an image built in one block and run in a later one stays local."""
        from .shell import ShellSnippet

        group = ("document", self.source.path)
        return [ShellSnippet(f.snippet.text, f.snippet.origins, f.snippet.context, group=group)
                for f in self.fences if f.snippet is not None]

    def statement_range(self, line: int) -> tuple[int, int]:
        """A suppression above a fence covers the whole block; inside a block, the command and
        its continuation lines."""
        for f in self.fences:
            if f.line == line:
                return f.line, f.end_line
            if f.line < line <= f.end_line:
                last = line
                lines = self.source.lines
                while last < f.end_line and _continues(lines[last - 1]):
                    last += 1
                return line, last
        return line, line


def language(info: str) -> str:
    """The language of a fence's info string: ``bash``, ``{.bash}``, ``sh title="x"``."""
    info = info.strip()
    if info.startswith("{"):
        m = re.search(r"\.([A-Za-z0-9_+-]+)", info)
        return m.group(1).lower() if m else ""
    m = re.match(r"[A-Za-z0-9_+.-]+", info)
    return m.group(0).lower() if m else ""


def _continues(text: str) -> bool:
    s = text.rstrip()
    n = len(s) - len(s.rstrip("\\"))
    return n % 2 == 1


def _dedent(text: str, width: int) -> tuple[str, int]:
    """Remove up to ``width`` leading blanks; return (text, characters removed)."""
    k = 0
    while k < width and k < len(text) and text[k] in " \t":
        k += 1
    return text[k:], k


def parse(source) -> MarkdownModel:
    lines = source.lines
    n = len(lines)
    fences: list[Fence] = []
    i = 0
    while i < n:
        m = _OPEN.match(lines[i])
        if m is None:
            i += 1
            continue
        fence = m.group("fence")
        info = m.group("info")
        if fence[0] == "`" and "`" in info:
            i += 1  # an inline code span, not a fence
            continue
        indent = len(m.group("indent"))
        close = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
        j = i + 1
        while j < n and not close.match(lines[j]):
            j += 1
        body_end = j  # exclusive (0-based) index of the closing fence or n
        lang = language(info)
        open_line = i + 1
        end_line = j + 1 if j < n else n
        snippet = None
        console = lang in CONSOLE_LANGS
        if lang in SCRIPT_LANGS or console:
            read = _console_lines if console else _script_lines
            pieces = read(lines, i + 1, body_end, indent)
            if pieces:
                snippet = Snippet.from_lines(pieces, "```" + lang)
        fences.append(Fence(lang, info.strip(), open_line, end_line, snippet, console))
        i = j + 1
    return MarkdownModel(source, fences)


def _script_lines(lines, start, end, indent):
    out = []
    for k in range(start, end):
        text, cut = _dedent(lines[k], indent)
        if text.startswith("$ "):
            text, cut = text[2:], cut + 2
        out.append((text, k + 1, cut + 1))
    return out


def _console_lines(lines, start, end, indent):
    out = []
    k = start
    while k < end:
        text, cut = _dedent(lines[k], indent)
        lead = len(text) - len(text.lstrip(" \t"))
        body = text[lead:]
        if body.startswith(("$ ", "# ")) or body in ("$", "#"):
            cmd = body[2:]
            out.append((cmd, k + 1, cut + lead + 3))
            while _continues(cmd) and k + 1 < end:
                k += 1
                cmd, cut = _dedent(lines[k], indent)
                if cmd.lstrip().startswith("> "):
                    pre = len(cmd) - len(cmd.lstrip()) + 2
                    cmd, cut = cmd[pre:], cut + pre
                out.append((cmd, k + 1, cut + 1))
        k += 1
    return out
