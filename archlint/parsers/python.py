"""Python sources: parsed with the standard library's ``ast`` (the grammar of the Python running
archlint, so code using syntax newer than that interpreter is reported as AL001).  Before Python
3.12 an f-string error is an info notice, not an error: 3.12 reads f-strings that reuse their
quotes inside a replacement field or break a line in one (PEP 701), which an older ``ast``
cannot; other f-string errors stay errors.

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
            if msg.startswith(_EXCEPT_LIST) and sys.version_info < (3, 14):  # PEP 758: vnghia's homelab
                raise SkipFile(
                    "AL001", f"`except A, B:` without parentheses ({msg}): Python 3.14 reads it (PEP 758), as"
                    f" Python 2 did `except X, e:`; Python {sys.version_info[0]}.{sys.version_info[1]}, which archlint"
                    " runs on, cannot: not linted", e.lineno or 1, e.offset or 1, group="AL001:except-list",
                    summary="{count} Python files have `except A, B:` (Python 3.14's or Python 2's): not linted") \
                    from None
            py2 = None if msg.startswith(_PYTHON2) else _python2_statement(source.text)
            if msg.startswith(_PYTHON2) or py2 is not None:  # mosquitto's 2010 examples: `print "menu"`; Oracle's
                # WLST scripts, Jython 2, whose first error is `from __builtin__ import False`, then `print '...'`
                what = msg.split('.', 1)[0] if py2 is None else f"and a Python 2 statement on line {py2[0]}: {py2[1]}"
                raise SkipFile(
                    "AL001", f"Python 2 syntax here ({what}): a Python 2 script, which Python 3 cannot"
                    " read, not linted", e.lineno or 1, e.offset or 1, group="AL001:python2",
                    summary="{count} files are Python 2 scripts (Python 3 cannot read them): not linted") from None
            if _SHELL_PLACEHOLDER.search(source.line(e.lineno or 0)) or _in_template_folder(source.path):
                # openframe's local_settings.py, envsubst'ed; Oracle's WebCenter config.py, `'ListenPort':
                # <ADMIN_SERVER_PORT>,`, which its build replaces; cookiecutter-django's `{%- if ... %}` and
                # `from {{ cookiecutter.project_slug }}.users import`, under {{cookiecutter.project_slug}}/
                raise SkipFile("AL003", "templated file (a ${NAME}, <NAME>, %%NAME%% or Jinja placeholder where Python"
                               " fails, or a template's folder), not linted",
                               e.lineno or 1, e.offset or 1, group="AL003:python-template",
                               summary="{count} Python files with ${NAME}, <NAME>, %%NAME%% or Jinja placeholders"
                                       " (templates) are not linted") from None
            what = _newer_syntax(msg, source.line(e.lineno or 0), e.offset or 0)
            if what:
                v = f"{sys.version_info[0]}.{sys.version_info[1]}"
                raise SkipFile(
                    "AL001", f"Python {v}, which archlint runs on, cannot read {what} here ({msg}) that Python"
                    " 3.12 may: not linted", e.lineno or 1, e.offset or 1, group="AL001:newer-python",
                    summary=f"{{count}} Python files have syntax Python {v}, which archlint runs on, cannot read"
                            " (f-strings, type parameters: Python 3.12 may): not linted") from None
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
            "Function parameters cannot be parenthesized",
            "Lambda expression parameters cannot be parenthesized", "leading zeros in decimal integer literals")

#: a shell-style placeholder (``X = ${TRMM_DISABLE_WEB_TERMINAL}``) that envsubst fills before Python reads the
#: file, or Jinja markup a template renderer fills (cookiecutter's ``{{ cookiecutter.project_slug }}``,
#: ``{%- if ... %}``, ``{# ... #}``)
#: (closed on its line, and ``{{`` followed by a blank, a dotted name or a filter: not ``f"{{x}}"`` nor
#: an unclosed ``f"{{``; a line Python fails on that holds ``f"{{ x }}"`` would be read as one)
_SHELL_PLACEHOLDER = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]{0,100}\}|<[A-Z][A-Z0-9]{0,40}_[A-Z0-9_]{1,60}>"
                                r"|%%[A-Za-z_][A-Za-z0-9_]{0,60}%%"
                                r"|\{\{(?:[ \t]|\w{1,60}[.|])[^\n]{0,200}?\}\}|\{%[^\n]{0,200}?%\}|\{#[^\n]{0,200}?#\}")


def _in_template_folder(path: str) -> bool:
    """Whether a folder of the path is named by a template (cookiecutter's and copier's
    ``{{cookiecutter.project_slug}}/``): what is under it is rendered before it is Python."""
    parts = path.replace("\\", "/").split("/")[:-1]
    return any("{{" in p and "}}" in p for p in parts)


def _python2_statement(text: str):
    """(line, words) of the first statement only Python 2 has in a file Python 3 cannot parse: a
    ``print``/``exec`` statement of a string (``print 'x'``), ``from __builtin__ import``; read
    from the tokens, so never in a string or comment; None for none (or where tokenizing stops)."""
    import io
    import tokenize

    prev, start = None, True
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL):
                continue
            if prev is not None and start and prev.type == tokenize.NAME and (
                    prev.string in ("print", "exec") and tok.type == tokenize.STRING
                    or prev.string == "from" and tok.type == tokenize.NAME and tok.string == "__builtin__"):
                return prev.start[0], f"{prev.string} {tok.string[:40]}"
            start = prev is None or prev.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) \
                or prev.type == tokenize.OP and prev.string == ";"
            prev = tok
    except (tokenize.TokenError, SyntaxError, ValueError):  # (an unterminated string, a bad dedent...)
        return None
    return None


#: ``except A, B:``: Python 2's ``except X, e`` and Python 3.14's list of types (PEP 758) alike
_EXCEPT_LIST = "multiple exception types must be parenthesized"
#: f-string limits PEP 701 lifted in Python 3.12, as an older parser words them
_LIFTED = ("cannot include a backslash", "cannot include '#'")
#: an f-string's start: its prefix and opening quote
_F_START = re.compile(r"(?<![\w'\"])(?:[rRbB]?[fF]|[fF][rRbB])('|\")")


#: PEP 695's syntax (Python 3.12): a ``type`` statement, a class or function's type parameters
#: (hatchet's ``type AsyncDepTypeSyntax = ...``, ``def first[T](xs: list[T]) -> T``)
_PEP695 = re.compile(r"[ \t]*(?:type[ \t]+[A-Za-z_]\w*[ \t]*(?:\[[^\]\n]*\][ \t]*)?="
                     r"|(?:async[ \t]+)?def[ \t]+[A-Za-z_]\w*[ \t]*\[|class[ \t]+[A-Za-z_]\w*[ \t]*\[)")


def _newer_syntax(msg: str, line: str, offset: int = 0) -> str:
    """What this interpreter cannot read on the error line that Python 3.12+ may (an f-string
    of PEP 701, PEP 695's type parameters); "" for a real error."""
    if sys.version_info >= (3, 12):
        return ""
    if _newer_f_string(msg, line, offset):
        return "an f-string"
    m = _PEP695.match(line)
    if m is None:
        return ""
    # (a `def`'s or `class`'s list closes before its parameters or colon: not `class Box[:`)
    tail = line[m.end():]
    closed = m.group(0).lstrip().startswith("type") or "](" in tail or "]:" in tail.replace(" ", "") \
        or "]" in tail and tail.rstrip().endswith(":")
    return "a type parameter list or type statement" if closed else ""


def _newer_f_string(msg: str, line: str, offset: int = 0) -> bool:
    """Whether an f-string error of this interpreter may be valid code for Python 3.12+ (PEP 701):
    a backslash or a comment inside a replacement field, or an f-string on the error line whose
    replacement field reuses the string's own quote and closes after it (``f'{d['id']}'``).
    Other f-string errors (``f'{x!z}'``, ``f'{x'``) are errors in every version."""
    if sys.version_info >= (3, 12):
        return False
    if msg.startswith("unterminated string literal"):
        return _open_field_at_end(line, offset)
    # (a backslash in a field that reuses the quote, `f"{s.replace("'", '\\"')}"`: an older parser
    # ends the string early and meets the backslash outside one)
    if not msg.startswith(("f-string", "unexpected character after line continuation character")):
        return False
    if any(x in msg for x in _LIFTED):
        return True
    for n, m in enumerate(_F_START.finditer(line)):
        if n == 64:
            return False  # each start looks ahead on the line: a bounded number keeps it linear
        q, i = m.group(1), m.end()
        end = _closing(line, q, i)  # the string's end as an older parser sees it
        brace = line.rfind("{", i, end) if end >= 0 else -1  # (the last field opened before it:
        if brace < 0 or line.find("}", brace, end) >= 0:  # postgrest's f"{URL}?{headers["alg"]}")
            continue  # no replacement field open at the string's end
        if line.find("}", end) > end:
            return True
    return False


def _closing(line: str, q: str, i: int) -> int:
    """The first ``q`` at or after ``i`` that no backslash escapes (``f"\\"{d["k"]}\\""`` ends at
    the quote inside the field, not at its escaped first one), -1 for none."""
    end = line.find(q, i)
    while end > 0:
        k = end
        while k > i and line[k - 1] == "\\":
            k -= 1
        if (end - k) % 2 == 0:
            return end
        end = line.find(q, end + 1)
    return end


def _open_field_at_end(line: str, offset: int) -> bool:
    """Whether the string the parser found unterminated (at 1-based column ``offset``) is an
    f-string whose line ends inside a replacement field (``f"linux-modules-{`` then the name on
    the next line; ``f"... {m.get('text',`` then ``'')}"``): a line break PEP 701 allows there,
    which an older parser reads as an unterminated string.  Another string left open on the line
    is not one, nor an f-string whose last brace is an escaped ``{{``."""
    stripped = line.rstrip()
    if offset < 1:
        return False
    m = _F_START.match(stripped, offset - 1)
    if m is None:
        return False
    brace = stripped.rfind("{", m.end())
    return brace >= 0 and stripped.rfind("}", m.end()) < brace and stripped[brace - 1] != "{"
