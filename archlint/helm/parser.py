"""The parse tree of one template file (Go's text/template grammar), every node with its line.

``parse(text, file)`` returns a ``Parsed``: the nodes of the file's body and the ``define``\\ s
(and ``block``\\ s) it holds.  Errors are ``TemplateError`` with a line; nesting of control
structures and parentheses deeper than ``MAX_DEPTH`` is refused (the parser and the evaluator
recurse on it), so no input can exhaust the stack.
"""
from __future__ import annotations

from .lexer import (ASSIGN, BOOL, CHAR, COMMA, DECLARE, DOT, EOF, FIELD, IDENT, KEYWORD, LEFT, LPAREN, NIL,
                    NUMBER, PIPE, RAW, RIGHT, RPAREN, SPACE, STRING, TEXT, VAR, TemplateError, tokens)

MAX_DEPTH = 100


# ---- nodes ---------------------------------------------------------------------------------------


class Node:
    __slots__ = ("line",)


class Text(Node):
    __slots__ = ("text",)

    def __init__(self, text: str, line: int):
        self.text, self.line = text, line


class Action(Node):
    """``{{ pipeline }}``: prints the value unless the pipeline declares or assigns variables."""
    __slots__ = ("pipe",)

    def __init__(self, pipe, line: int):
        self.pipe, self.line = pipe, line


class Branch(Node):
    """``if``/``with`` (``kind``) with its body and optional else list (an ``else if`` /
    ``else with`` is a Branch alone in ``orelse``)."""
    __slots__ = ("kind", "pipe", "body", "orelse")

    def __init__(self, kind: str, pipe, body: list, orelse: list | None, line: int):
        self.kind, self.pipe, self.body, self.orelse, self.line = kind, pipe, body, orelse, line


class Range(Node):
    __slots__ = ("pipe", "body", "orelse")

    def __init__(self, pipe, body: list, orelse: list | None, line: int):
        self.pipe, self.body, self.orelse, self.line = pipe, body, orelse, line


class Call(Node):
    """``{{ template "name" pipeline }}`` (and the call a ``block`` makes)."""
    __slots__ = ("name", "pipe")

    def __init__(self, name: str, pipe, line: int):
        self.name, self.pipe, self.line = name, pipe, line


class Break(Node):
    __slots__ = ()

    def __init__(self, line: int):
        self.line = line


class Continue(Node):
    __slots__ = ()

    def __init__(self, line: int):
        self.line = line


class Pipe(Node):
    """``$a, $b := cmd | cmd``: ``decl`` the variable names, ``assign`` True for ``=``."""
    __slots__ = ("decl", "assign", "cmds")

    def __init__(self, decl: list, assign: bool, cmds: list, line: int):
        self.decl, self.assign, self.cmds, self.line = decl, assign, cmds, line


class Cmd(Node):
    __slots__ = ("args",)

    def __init__(self, args: list, line: int):
        self.args, self.line = args, line


class Dot(Node):
    __slots__ = ()

    def __init__(self, line: int):
        self.line = line


class Field(Node):
    """``.a.b`` (on dot)."""
    __slots__ = ("names",)

    def __init__(self, names: tuple, line: int):
        self.names, self.line = names, line


class Var(Node):
    """``$x.a.b``."""
    __slots__ = ("name", "names")

    def __init__(self, name: str, names: tuple, line: int):
        self.name, self.names, self.line = name, names, line


class Chain(Node):
    """``(pipeline).a.b``."""
    __slots__ = ("node", "names")

    def __init__(self, node, names: tuple, line: int):
        self.node, self.names, self.line = node, names, line


class Ident(Node):
    """A function name."""
    __slots__ = ("name",)

    def __init__(self, name: str, line: int):
        self.name, self.line = name, line


class Lit(Node):
    """A constant: str, int, float, bool or None."""
    __slots__ = ("value",)

    def __init__(self, value, line: int):
        self.value, self.line = value, line


class Define:
    __slots__ = ("name", "body", "file", "line")

    def __init__(self, name: str, body: list, file: str, line: int):
        self.name, self.body, self.file, self.line = name, body, file, line

    def empty(self) -> bool:
        """Only blanks: Go keeps an earlier definition over an empty one."""
        return all(isinstance(n, Text) and not n.text.strip() for n in self.body)


class Parsed:
    __slots__ = ("file", "body", "defines")

    def __init__(self, file: str, body: list, defines: list):
        self.file, self.body, self.defines = file, body, defines


def parse(text: str, file: str = "") -> Parsed:
    """Parse one template file; raises TemplateError."""
    p = _Parser(tokens(text, file), file)
    body = p.top()
    return Parsed(file, body, p.defines)


def number(text: str, line: int, file: str):
    """A Go number constant: int unless it has a fraction or an exponent."""
    t = text.replace("_", "")
    if t.endswith("i"):
        raise TemplateError(f"complex number {text} not supported", line, file)
    low = t.lower()
    try:
        if low.lstrip("+-").startswith("0x"):
            if "." in low or "p" in low:
                return float.fromhex(t)
            return int(t, 16)
        if low.lstrip("+-").startswith("0b"):
            return int(t, 2)
        if low.lstrip("+-").startswith("0o"):
            return int(t, 8)
        if any(c in low for c in ".e"):
            return float(t)
        if len(t.lstrip("+-")) > 1 and t.lstrip("+-").startswith("0"):
            return int(t, 8)
        return int(t)
    except ValueError:
        raise TemplateError(f"bad number syntax: {text!r}", line, file) from None


# ---- the parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, toks: list, file: str):
        self.toks = toks
        self.i = 0
        self.file = file
        self.defines: list[Define] = []
        self.range_depth = 0

    # -- tokens

    def peek(self):
        return self.toks[self.i]

    def next(self):
        t = self.toks[self.i]
        if t.kind != EOF:
            self.i += 1
        return t

    def skip_space(self):
        if self.toks[self.i].kind == SPACE:
            self.i += 1

    def peek_ns(self):
        self.skip_space()
        return self.toks[self.i]

    def next_ns(self):
        self.skip_space()
        return self.next()

    def error(self, msg: str, tok=None):
        raise TemplateError(msg, (tok or self.peek()).line, self.file)

    def expect_right(self, what: str):
        t = self.next_ns()
        if t.kind != RIGHT:
            self.error(f"unexpected {_desc(t)} in {what}", t)

    # -- lists and control structures

    def top(self) -> list:
        body, end = self.items(0, top=True)
        if end is not None:
            self.error(f"unexpected {{{{{end[0]}}}}}", end[1])
        return body

    def items(self, depth: int, top: bool = False):
        """Nodes up to ``{{end}}``/``{{else}}`` (returned as ``(word, token[, keyword])``) or the
        end of the file (None; an error unless ``top``)."""
        if depth > MAX_DEPTH:
            self.error(f"nesting deeper than {MAX_DEPTH} levels")
        out: list = []
        while True:
            t = self.next()
            if t.kind == TEXT:
                out.append(Text(t.value, t.line))
            elif t.kind == EOF:
                if not top:
                    self.error("unexpected EOF", t)
                return out, None
            elif t.kind == LEFT:
                w = self.peek_ns()
                if w.kind == KEYWORD:
                    self.next()
                    word = w.value
                    if word == "end":
                        self.expect_right("end")
                        return out, ("end", w)
                    if word == "else":
                        after = self.peek_ns()
                        if after.kind == KEYWORD and after.value in ("if", "with"):
                            self.next()
                            return out, ("else", w, after.value)
                        self.expect_right("else")
                        return out, ("else", w, None)
                    node = self.control(word, w, depth, top)
                    if node is not None:
                        out.append(node)
                else:
                    pipe = self.pipeline("command", RIGHT, depth)
                    out.append(Action(pipe, t.line))
            else:
                self.error(f"unexpected {_desc(t)}", t)

    def control(self, word: str, tok, depth: int, top: bool):
        if word in ("if", "with"):
            return self.branch(word, tok, depth)
        if word == "range":
            pipe = self.pipeline("range", RIGHT, depth, decl_max=2)
            self.range_depth += 1
            body, end = self.items(depth + 1)
            self.range_depth -= 1
            orelse = None
            if end[0] == "else":
                if end[2]:
                    self.error(f"unexpected else {end[2]} in range", end[1])
                orelse, end = self.items(depth + 1)
                if end[0] != "end":
                    self.error("expected end; found else", end[1])
            return Range(pipe, body, orelse, tok.line)
        if word in ("break", "continue"):
            if not self.range_depth:
                self.error(f"{{{{{word}}}}} outside {{{{range}}}}", tok)
            self.expect_right(word)
            return Break(tok.line) if word == "break" else Continue(tok.line)
        if word == "template":
            name = self.template_name(word)
            pipe = None
            if self.peek_ns().kind != RIGHT:
                pipe = self.pipeline("template clause", RIGHT, depth)
            else:
                self.next()
            return Call(name, pipe, tok.line)
        if word == "define":
            if not top or depth:
                self.error("unexpected define", tok)
            name = self.template_name(word)
            self.expect_right("define clause")
            body, end = self.items(depth + 1)
            if end[0] != "end":
                self.error("unexpected else in define", end[1])
            self.defines.append(Define(name, body, self.file, tok.line))
            return None
        if word == "block":
            name = self.template_name(word)
            pipe = self.pipeline("block clause", RIGHT, depth)
            body, end = self.items(depth + 1)
            if end[0] != "end":
                self.error("unexpected else in block", end[1])
            self.defines.append(Define(name, body, self.file, tok.line))
            return Call(name, pipe, tok.line)
        self.error(f"unexpected {word}", tok)

    def branch(self, kind: str, tok, depth: int):
        pipe = self.pipeline(kind, RIGHT, depth)
        body, end = self.items(depth + 1)
        orelse = None
        if end[0] == "else":
            if end[2]:  # else if / else with: a branch of its own that shares our {{end}}
                if end[2] != kind:
                    self.error(f"unexpected else {end[2]} in {kind}", end[1])
                orelse = [self.branch(kind, end[1], depth + 1)]
            else:
                orelse, end = self.items(depth + 1)
                if end[0] != "end":
                    self.error(f"expected end; found else in {kind}", end[1])
        return Branch(kind, pipe, body, orelse, tok.line)

    def template_name(self, word: str) -> str:
        t = self.next_ns()
        if t.kind not in (STRING, RAW):
            self.error(f"unexpected {_desc(t)} in {word} clause", t)
        return t.value

    # -- pipelines

    def pipeline(self, context: str, end: str, depth: int, decl_max: int = 1) -> Pipe:
        if depth > MAX_DEPTH:
            self.error(f"nesting deeper than {MAX_DEPTH} levels")
        start = self.peek_ns()
        decl, assign = self.declarations(context, decl_max)
        cmds = []
        while True:
            t = self.peek_ns()
            if t.kind == end:
                self.next()
                break
            if t.kind == PIPE:
                if not cmds:
                    self.error(f"missing command before | in {context}", t)
                self.next()
                if self.peek_ns().kind == end:
                    self.error(f"missing command after | in {context}", t)
                continue
            if t.kind in (EOF, RIGHT, RPAREN):
                self.error(f"unexpected {_desc(t)} in {context}", t)
            cmds.append(self.command(depth))
            t = self.peek_ns()
            if t.kind not in (PIPE, end):
                self.error(f"unexpected {_desc(t)} in operand", t)
        if not cmds:
            self.error(f"missing value for {context}", start)
        return Pipe(decl, assign, cmds, start.line)

    def declarations(self, context: str, decl_max: int):
        save = self.i
        t = self.peek_ns()
        if t.kind != VAR:
            return [], False
        names = [self.next().value]
        n = self.peek_ns()
        if n.kind == COMMA and decl_max > 1:
            self.next()
            v = self.next_ns()
            if v.kind != VAR:
                self.error(f"range can only initialize variables", v)
            names.append(v.value)
            n = self.peek_ns()
            if n.kind != DECLARE and n.kind != ASSIGN:
                self.error("expected := or = after range variables", n)
        if n.kind in (DECLARE, ASSIGN):
            self.next()
            if n.kind == ASSIGN and names == ["$"]:
                self.error("cannot assign to $", n)
            return names, n.kind == ASSIGN
        self.i = save
        return [], False

    def command(self, depth: int) -> Cmd:
        args = []
        line = self.peek().line
        while True:
            t = self.peek()
            if t.kind in (SPACE,):
                self.next()
                continue
            if t.kind in (PIPE, RIGHT, RPAREN, EOF):
                break
            args.append(self.operand(depth))
            t = self.peek()
            if t.kind not in (SPACE, PIPE, RIGHT, RPAREN):
                self.error(f"unexpected {_desc(t)} in operand", t)
        return Cmd(args, line)

    def operand(self, depth: int):
        t = self.next()
        k = t.kind
        if k == FIELD:
            names = [t.value] + self.fields()
            return Field(tuple(names), t.line)
        if k == VAR:
            return Var(t.value, tuple(self.fields()), t.line)
        if k == DOT:
            if self.peek().kind == FIELD:
                self.error("unexpected . after term", t)
            return Dot(t.line)
        if k == LPAREN:
            inner = self.pipeline("parenthesized pipeline", RPAREN, depth + 1)
            names = self.fields()
            return Chain(inner, tuple(names), t.line) if names else inner
        if k == IDENT:
            if self.peek().kind == FIELD:
                self.error(f"unexpected . after function {t.value}", t)
            return Ident(t.value, t.line)
        if k in (STRING, RAW, BOOL, NIL, CHAR):
            return Lit(t.value, t.line)
        if k == NUMBER:
            return Lit(number(t.value, t.line, self.file), t.line)
        self.error(f"unexpected {_desc(t)} in operand", t)

    def fields(self) -> list:
        names = []
        while self.peek().kind == FIELD:
            names.append(self.next().value)
        return names


def _desc(t) -> str:
    if t.kind == EOF:
        return "EOF"
    if t.kind == RIGHT:
        return "}}"
    if t.kind == KEYWORD:
        return f"<{t.value}>"
    if t.kind == SPACE:
        return "space"
    return f"{t.kind} {t.value!r}" if t.kind not in (PIPE, LPAREN, RPAREN, COMMA, DECLARE, ASSIGN) else repr(t.value)
