"""Python sources: parsed with the standard library's ``ast`` (the grammar of the Python running
archlint, so code using syntax newer than that interpreter is reported as AL001).  Before Python
3.12 an f-string error is an info notice, not an error: 3.12 reads f-strings that reuse their
quotes inside a replacement field (PEP 701), which an older ``ast`` cannot.

``PyModel.tree`` is the ``ast.Module``; ``PyModel.col(line, byte_col)`` turns an ``ast`` column
(a UTF-8 byte offset) into archlint's 1-based code-point column.
"""
from __future__ import annotations

import ast
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
            if _newer_f_string(msg):
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


#: f-string errors that Python 3.12 gives too: the f-string is wrong whatever the version
_F_STRING_ERRORS_EVERYWHERE = ("single '}' is not allowed", "empty expression not allowed")


def _newer_f_string(msg: str) -> bool:
    """Whether an f-string error of this interpreter may be valid code for Python 3.12+ (PEP 701
    lifted the limits on quotes, backslashes and comments inside replacement fields)."""
    return (sys.version_info < (3, 12) and msg.startswith("f-string")
            and not any(e in msg for e in _F_STRING_ERRORS_EVERYWHERE))
