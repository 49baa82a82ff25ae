"""Variable references in shell-like text: ``$NAME``, ``${NAME}`` and ``${NAME<op>word}``.

The Dockerfile parser (operators ``-``, ``:-``, ``+``, ``:+``) and the shell reader (also ``=``,
``:=``, ``?``, ``:?``) both expand them.  Found by a scanner rather than a regex: the pattern
``\\$\\{NAME(op[^}]*)?\\}`` tried at every ``$`` of ``${a-${a-${a-…`` with no closing brace
scanned to the end of the text each time (quadratic: 10,000 of them took seconds).  The scanner
gives the same matches as that pattern, in one pass: each ``$`` is looked at once, and the search
for the next ``}`` never goes back over text it already searched.
"""
from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Ref:
    """One reference, read like a ``re.Match`` of the former pattern: ``group(1)`` the braced
    name, ``group(2)`` the operator, ``group(3)`` the word after it, ``group(4)`` the plain
    ``$NAME`` name; ``group(0)``, ``start()``, ``end()``."""

    __slots__ = ("_text", "_start", "_end", "_groups")

    def __init__(self, text: str, start: int, end: int, groups: tuple):
        self._text, self._start, self._end, self._groups = text, start, end, groups

    def group(self, i: int = 0):
        return self._text[self._start:self._end] if i == 0 else self._groups[i - 1]

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


class VarRefs:
    """The references with the operators ``ops`` (one-character operators; each may also be
    written with a leading ``:``)."""

    __slots__ = ("ops",)

    def __init__(self, ops: str):
        self.ops = ops

    def finditer(self, text: str):
        find = text.find
        ops = self.ops
        brace_at = -1  # the first "}" at or after the last place searched from
        none_from = len(text) + 1  # no "}" at or after this offset
        p = find("$")
        while p >= 0:
            ref = None
            if text.startswith("{", p + 1):
                m = _NAME.match(text, p + 2)
                if m is not None:
                    name, q = m.group(), m.end()
                    c = text[q:q + 1]
                    if c == "}":
                        ref = Ref(text, p, q + 1, (name, None, None, None))
                    else:
                        op = c if c and c in ops else (
                            ":" + text[q + 1] if c == ":" and text[q + 1:q + 2] and text[q + 1] in ops else None)
                        if op is not None:
                            w = q + len(op)
                            if brace_at < w:  # search on only from where the last search ended
                                brace_at = -1 if w >= none_from else find("}", w)
                                if brace_at < 0:
                                    none_from = w
                            if brace_at >= w:
                                ref = Ref(text, p, brace_at + 1, (name, op, text[w:brace_at], None))
            else:
                m = _NAME.match(text, p + 1)
                if m is not None:
                    ref = Ref(text, p, m.end(), (None, None, None, m.group()))
            if ref is not None:
                yield ref
                p = find("$", ref.end())
            else:
                p = find("$", p + 1)

    def sub(self, repl, text: str) -> str:
        """``text`` with each reference replaced by ``repl(ref)``."""
        out = []
        last = 0
        for ref in self.finditer(text):
            out.append(text[last:ref.start()])
            out.append(repl(ref))
            last = ref.end()
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)
