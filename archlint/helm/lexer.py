"""Tokens of Go's text/template, as Helm uses it (``{{``/``}}`` delimiters).

One pass over the text, left to right: text up to the next ``{{`` is found with ``str.find``, and
inside an action each token is one anchored match of a pattern without nested repetition (or a
``str.find`` for a string's end), so the work is linear in the template's size.

Go's rules kept here:
- ``{{- `` trims the white space (space, tab, CR, LF) before the action and `` -}}`` the white
  space after it; the ``-`` must be followed (preceded) by one of those blanks, else ``{{-3}}``
  is the number -3;
- a comment is ``{{/* ... */}}`` (with the optional trim markers), starts right after the
  delimiter and ends right before the closing one; comments do not nest;
- newlines are allowed inside actions (Go 1.16+) and count as spaces; a raw string may span
  lines; an interpreted string or a char may not.
"""
from __future__ import annotations

import re

TRIM_SPACE = " \t\r\n"

# token kinds
TEXT, LEFT, RIGHT, SPACE, IDENT, FIELD, VAR, DOT, STRING, RAW, CHAR, NUMBER = (
    "text", "{{", "}}", "space", "ident", "field", "var", "dot", "string", "raw", "char", "number")
PIPE, LPAREN, RPAREN, DECLARE, ASSIGN, COMMA, BOOL, NIL, KEYWORD, EOF = (
    "|", "(", ")", ":=", "=", ",", "bool", "nil", "keyword", "eof")

KEYWORDS = frozenset(("if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"))

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", "0": "\0"}
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)", re.S)


class TemplateError(Exception):
    """A template that cannot be read or run: ``message`` at ``line`` of ``file``."""

    def __init__(self, message: str, line: int = 1, file: str = ""):
        super().__init__(f"{file}:{line}: {message}" if file else f"{line}: {message}")
        self.message = message
        self.line = line
        self.file = file


class ChartFail(TemplateError):
    """The chart's own ``fail``: the values given do not suit it (``You must provide a
    schema_config``); Helm stops there too, until the user gives the values it asks for."""


class Token:
    __slots__ = ("kind", "value", "line")

    def __init__(self, kind: str, value, line: int):
        self.kind = kind
        self.value = value
        self.line = line

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.value!r}, {self.line})"


def unquote(body: str, line: int, file: str = "") -> str:
    """The value of a Go interpreted string's body (between the quotes)."""
    if "\\" not in body:
        return body

    def one(m):
        s = m.group()[1:]
        c = s[0]
        if c in "xuU" and len(s) > 1:
            return chr(int(s[1:], 16)) if int(s[1:], 16) <= 0x10FFFF else "\ufffd"
        if c.isdigit() and len(s) == 3:
            return chr(int(s, 8))
        if c in _ESCAPES and (c != "0" or len(s) == 1):
            return _ESCAPES[c]
        raise TemplateError(f"invalid escape \\{c} in string", line, file)

    return _ESCAPE.sub(one, body)


def tokens(text: str, file: str = "") -> list[Token]:
    """Every token of ``text``; raises TemplateError (with the line) on an unclosed action,
    comment, string or char."""
    out: list[Token] = []
    n = len(text)
    pos = 0
    line = 1
    trim_next = False  # the last action ended with " -}}"
    while pos < n:
        start = text.find("{{", pos)
        end = n if start < 0 else start
        chunk_start = pos
        if trim_next:
            while chunk_start < end and text[chunk_start] in TRIM_SPACE:
                chunk_start += 1
            line += text.count("\n", pos, chunk_start)
            trim_next = False
        if start < 0:
            if chunk_start < n:
                out.append(Token(TEXT, text[chunk_start:], line))
                line += text.count("\n", chunk_start)
            break
        trim_left = start + 3 < n and text[start + 2] == "-" and text[start + 3] in TRIM_SPACE
        chunk_end = start
        if trim_left:
            while chunk_end > chunk_start and text[chunk_end - 1] in TRIM_SPACE:
                chunk_end -= 1
        if chunk_end > chunk_start:
            out.append(Token(TEXT, text[chunk_start:chunk_end], line))
        line += text.count("\n", chunk_start, start)
        pos = start + 2 + (2 if trim_left else 0)
        if trim_left:
            line += text.count("\n", start, pos)
        pos, line, trim_next = _action(text, pos, line, out, file, start)
    out.append(Token(EOF, None, line))
    return out


# one token inside an action, at a position: every alternative consumes each character one way
# only (no nested repetition), so a match costs at most the token's length
_TOKEN = re.compile(r"""
    (?P<right>\}\}|[ \t\r\n]-\}\})
  | (?P<space>[ \t\r\n]+?(?=[ \t\r\n]-\}\})|[ \t\r\n]+)
  | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<var>\$[A-Za-z0-9_]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+
        |(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?)i?)
  | (?P<dot>\.)
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0-7]{3}|[^\n])|[^\\'\n])')
  | (?P<declare>:=)
  | (?P<punct>[|()=,])
""", re.X)
_CONSTANTS = {"true": True, "false": False, "nil": None}
_PUNCT = {"|": PIPE, "(": LPAREN, ")": RPAREN, "=": ASSIGN, ",": COMMA}


def _string(text: str, pos: int, line: int, out: list, file: str) -> int:
    """An interpreted string at ``pos`` (a quote): its token; returns the position after it.
    Each stretch between quotes is searched once (no pattern backtracking over the line)."""
    end = pos + 1
    while True:
        q = text.find('"', end)
        if q < 0 or text.find("\n", end, q) >= 0:
            raise TemplateError("unterminated quoted string", line, file)
        k = q - 1
        while k > pos and text[k] == "\\":  # an odd number of backslashes escapes the quote
            k -= 1
        if (q - 1 - k) % 2 == 0:
            out.append(Token(STRING, unquote(text[pos + 1:q], line, file), line))
            return q + 1
        end = q + 1


def _action(text: str, pos: int, line: int, out: list, file: str, start: int):
    """Tokens of one action starting after its ``{{`` (and trim marker) at ``pos``: returns
    (position after the action, line there, whether it trims the text after it)."""
    open_line = line
    if text.startswith("/*", pos):  # a comment: nothing but it inside the delimiters
        close = text.find("*/", pos + 2)
        if close < 0:
            raise TemplateError("unclosed comment", open_line, file)
        line += text.count("\n", pos, close + 2)
        pos = close + 2
        if text.startswith("}}", pos):
            return pos + 2, line, False
        if pos < len(text) and text[pos] in TRIM_SPACE and text.startswith("-}}", pos + 1):
            return pos + 4, line + text.count("\n", pos, pos + 1), True
        raise TemplateError("comment ends before closing delimiter", line, file)
    out.append(Token(LEFT, "{{", open_line))
    match = _TOKEN.match
    append = out.append
    while True:
        if text.startswith('"', pos):
            pos = _string(text, pos, line, out, file)
            continue
        m = match(text, pos)
        if m is None:
            if pos >= len(text):
                raise TemplateError("unclosed action", open_line, file)
            c = text[pos]
            if c == "`":
                raise TemplateError("unterminated raw quoted string", line, file)
            if c == "'":
                raise TemplateError("unterminated character constant", line, file)
            raise TemplateError(f"unexpected {c!r} in action", line, file)
        kind = m.lastgroup  # the branches in order of frequency
        start, pos = pos, m.end()
        if kind == "space":
            if "\n" in text[start:pos]:
                line += text.count("\n", start, pos)
            if out[-1].kind != SPACE:
                append(Token(SPACE, " ", line))
        elif kind == "field":
            append(Token(FIELD, text[start + 1:pos], line))
        elif kind == "word":
            value = text[start:pos]
            if value in _CONSTANTS:
                append(Token(NIL if value == "nil" else BOOL, _CONSTANTS[value], line))
            else:
                append(Token(KEYWORD if value in KEYWORDS else IDENT, value, line))
        elif kind == "right":
            line += text.count("\n", start, pos)
            append(Token(RIGHT, "}}", line))
            return pos, line, pos - start == 4
        elif kind == "punct":
            value = text[start]
            append(Token(_PUNCT[value], value, line))
        elif kind == "var":
            append(Token(VAR, text[start:pos], line))
        elif kind == "dot":
            append(Token(DOT, ".", line))
        elif kind == "number":
            append(Token(NUMBER, text[start:pos], line))
        elif kind == "raw":
            append(Token(RAW, text[start + 1:pos - 1], line))
            line += text.count("\n", start, pos)
        elif kind == "char":
            append(Token(CHAR, ord(unquote(text[start + 1:pos - 1], line, file)), line))
        else:
            append(Token(DECLARE, ":=", line))
