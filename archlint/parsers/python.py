"""Python sources: parsed with the standard library's ``ast`` (the grammar of the Python running
archlint, so code using syntax newer than that interpreter is reported as AL001).  Before Python
3.12 an f-string error is an info notice, not an error: 3.12 reads f-strings that reuse their
quotes inside a replacement field (PEP 701), which an older ``ast`` cannot; other f-string
errors stay errors.

``PyModel.tree`` is the ``ast.Module``; ``PyModel.col(line, byte_col)`` turns an ``ast`` column
(a UTF-8 byte offset) into archlint's 1-based code-point column.
"""
from __future__ import annotations

import ast
import re
import sys
import warnings

from . import ParseError, SkipFile


class PyModel:
    __slots__ = ("source", "tree")

    def __init__(self, source, tree: ast.Module):
        self.source = source
        self.tree = tree

    def shell_snippets(self) -> list:
        return []

    def col(self, line: int, byte_col: int) -> int:
        """1-based code-point column of an ``ast`` (line, UTF-8 byte offset) position."""
        text = self.source.line(line)
        if text.isascii():
            return byte_col + 1
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore")) + 1


def parse(source) -> PyModel:
    """Parse ``source.text``; a SyntaxError becomes ParseError with its line and column."""
    with warnings.catch_warnings():
        # invalid escape sequences and the like are the file's business, not archlint's output
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source.text, filename=source.path)
        except SyntaxError as e:
            msg = e.msg or "invalid syntax"
            first = source.text.split("\n", 1)[0]
            if first.startswith("#!") and not any(w in first for w in ("python", "pypy", "uv ", "pipx")):
                # docker-zulip's manage.py: #!/bin/sh
                raise SkipFile(
                    "AL001", f"{first.strip()[:80]} starts this file: a script of another language named like a"
                    " Python file, not linted as Python", 1, 1, group="AL001:not-python",
                    summary="{count} files named like Python files are scripts of another language (their #! line):"
                            " not linted as Python") from None
            if msg.startswith(_PYTHON2):  # mosquitto's 2010 examples: `print "menu"`, `except X, e:`
                raise SkipFile(
                    "AL001", f"Python 2 syntax here ({msg.split('.', 1)[0]}): a Python 2 script, which Python 3 cannot"
                    " read, not linted", e.lineno or 1, e.offset or 1, group="AL001:python2",
                    summary="{count} files are Python 2 scripts (Python 3 cannot read them): not linted") from None
            if _newer_f_string(msg, source.line(e.lineno or 0)):
                v = f"{sys.version_info[0]}.{sys.version_info[1]}"
                raise SkipFile(
                    "AL001", f"Python {v}, which archlint runs on, cannot read an f-string here ({msg}) that Python"
                    " 3.12 may: not linted", e.lineno or 1, e.offset or 1, group="AL001:newer-python",
                    summary=f"{{count}} Python files have f-strings Python {v}, which archlint runs on, cannot read"
                            " (Python 3.12 may): not linted") from None
            raise ParseError(f"invalid Python syntax: {msg}", e.lineno or 1, e.offset or 1) from None
        except ValueError as e:  # NUL bytes and the like
            raise ParseError(f"invalid Python source: {e}", 1, 1) from None
        except (MemoryError, RecursionError):
            # CPython's parser gives up on very deep nesting ("-" * 10000 + "1") with one of these
            raise ParseError("expression nested too deeply for Python's parser", 1, 1) from None
    return PyModel(source, tree)


#: what Python 3's parser says of Python 2's own syntax (the print and exec statements, the
#: ``except X, e`` form, tuple parameters ``def f((a, b))`` and ``lambda (a, b): ...``: test-infra's
#: gubernator, octal ``0755``): a Python 2 script, valid for the interpreter it was written for
_PYTHON2 = ("Missing parentheses in call to 'print'", "Missing parentheses in call to 'exec'",
            "multiple exception types must be parenthesized", "Function parameters cannot be parenthesized",
            "Lambda expression parameters cannot be parenthesized", "leading zeros in decimal integer literals")

#: f-string limits PEP 701 lifted in Python 3.12, as an older parser words them
_LIFTED = ("cannot include a backslash", "cannot include '#'")
#: an f-string's start: its prefix and opening quote
_F_START = re.compile(r"(?<![\w'\"])(?:[rRbB]?[fF]|[fF][rRbB])('|\")")


def _newer_f_string(msg: str, line: str) -> bool:
    """Whether an f-string error of this interpreter may be valid code for Python 3.12+ (PEP 701):
    a backslash or a comment inside a replacement field, or an f-string on the error line whose
    replacement field reuses the string's own quote and closes after it (``f'{d['id']}'``).
    Other f-string errors (``f'{x!z}'``, ``f'{x'``) are errors in every version."""
    if sys.version_info >= (3, 12) or not msg.startswith("f-string"):
        return False
    if any(x in msg for x in _LIFTED):
        return True
    for n, m in enumerate(_F_START.finditer(line)):
        if n == 64:
            return False  # each start looks ahead on the line: a bounded number keeps it linear
        q, i = m.group(1), m.end()
        brace = line.find("{", i)
        end = line.find(q, i)
        while brace >= 0 and line.startswith("{{", brace):
            brace = line.find("{", brace + 2)
        if brace < 0 or end < 0 or end < brace:
            continue  # no replacement field before the string's end
        inner = line.find(q, brace)
        close = line.find("}", brace)
        if 0 <= inner < close and line.find("}", inner) > inner:
            return True
    return False
