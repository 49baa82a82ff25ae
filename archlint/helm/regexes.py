"""Sprig's regular expression functions (``regexMatch``, ``regexFind``, ``regexFindAll``,
``regexReplaceAll``, ``regexSplit``, ``regexQuoteMeta`` and their ``must`` forms), registered in
``functions.FUNCTIONS``.  They use Python's ``re`` on values up to ``MAX_REGEX_INPUT`` characters
(longer: UNKNOWN), as RE2 and ``re`` agree on the patterns charts use."""
from __future__ import annotations

import re

from .evaluate import UNKNOWN
from .functions import fn
from .gofmt import strval, to_int

MAX_REGEX_INPUT = 10_000


def _subject(f):
    """The function of ``(ex, args, line, subject)``: the string its second argument makes, or
    UNKNOWN without running it past ``MAX_REGEX_INPUT`` characters."""
    def run(ex, a, line):
        s = strval(a[1])
        return UNKNOWN if len(s) > MAX_REGEX_INPUT else f(ex, a, line, s)
    return run


def _go_regex(ex, pattern: str, line: int):
    try:
        return re.compile(pattern)
    except re.error as e:
        ex.error(f"error parsing regexp: {e}", line)


@fn("regexMatch", "mustRegexMatch", arity=(2, 2))
@_subject
def _regex_match(ex, a, line, s):
    return _go_regex(ex, strval(a[0]), line).search(s) is not None


@fn("regexFind", "mustRegexFind", arity=(2, 2))
@_subject
def _regex_find(ex, a, line, s):
    m = _go_regex(ex, strval(a[0]), line).search(s)
    return m.group() if m else ""


_GO_GROUP = re.compile(r"\$(\$|\{(\w+)\}|(\w+))")


@fn("regexReplaceAll", "mustRegexReplaceAll", arity=(3, 3))
@_subject
def _regex_replace_all(ex, a, line, s):
    rx = _go_regex(ex, strval(a[0]), line)
    repl = strval(a[2])

    def expand(m):
        out, pos = [], 0
        for g in _GO_GROUP.finditer(repl):
            out.append(repl[pos:g.start()])
            pos = g.end()
            if g.group(1) == "$":
                out.append("$")
                continue
            name = g.group(2) or g.group(3)
            try:
                val = m.group(int(name)) if name.isdigit() else m.group(name)
            except IndexError:
                val = ""
            out.append(val or "")
        out.append(repl[pos:])
        return "".join(out)

    return rx.sub(expand, s)


@fn("regexReplaceAllLiteral", "mustRegexReplaceAllLiteral", arity=(3, 3))
@_subject
def _regex_replace_literal(ex, a, line, s):
    repl = strval(a[2])
    return _go_regex(ex, strval(a[0]), line).sub(lambda m: repl, s)


def _go_matches(rx, s: str, n: int) -> list:
    """(start, end) of the first ``n`` matches (every one when ``n`` < 0) as Go's FindAll finds
    them: no empty match right after a match."""
    out: list = []
    last = -1
    for m in rx.finditer(s):
        if m.start() == m.end() == last:
            continue
        out.append((m.start(), m.end()))
        last = m.end()
        if 0 < n <= len(out):
            break
    return out


@fn("regexFindAll", "mustRegexFindAll", arity=(3, 3))
@_subject
def _regex_find_all(ex, a, line, s):
    n = to_int(a[2])
    if n == 0:
        return []
    return [s[i:j] for i, j in _go_matches(_go_regex(ex, strval(a[0]), line), s, n)]


@fn("regexSplit", "mustRegexSplit", arity=(3, 3))
@_subject
def _regex_split(ex, a, line, s):
    """Go's ``Regexp.Split(s, n)``: the pieces between the first ``n`` matches (every one when
    ``n`` < 0), the last piece the rest; an empty match at the start splits nothing."""
    n = to_int(a[2])
    if n == 0:
        return []
    pattern = strval(a[0])
    rx = _go_regex(ex, pattern, line)
    if pattern and not s:
        return [""]
    out: list = []
    begin = end = 0
    for start, stop in _go_matches(rx, s, n):
        if 0 < n and len(out) == n - 1:
            break
        end = start
        if stop != 0:
            out.append(s[begin:end])
        begin = stop
    if end != len(s):
        out.append(s[begin:])
    return out


@fn("regexQuoteMeta", arity=(1, 1))
def _regex_quote_meta(ex, a, line):
    return re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", strval(a[0]))
