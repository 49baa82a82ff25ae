"""Docker Bake files (``docker-bake.hcl``, ``docker-bake.json``, ``docker-bake.override.*``,
``docker-bake.*.hcl|json``): the targets ``docker buildx bake`` would build, after ``inherits``.

HCL is read with python-hcl2's Lark grammar (imported when the first Bake file is parsed: hcl2
and lark cost about 0.2 s), JSON with the ``json`` module.  Values are worked out as bake does,
where the file alone decides them:

- a ``variable`` is its ``default`` (bake lets the environment override it; archlint takes the
  default, as it takes a Makefile's ``?=``); top-level attributes (``REGISTRY = "ghcr.io/x"``)
  are values too, ahead of a variable of the same name, as in bake;
- unknown: a variable without a default, the built-ins (``BAKE_LOCAL_PLATFORM``), matrix values
  (but a matrix target's ``platforms`` are those of all its rows, where its values are known:
  ``platforms = ["linux/${arch}"]`` over ``arch = ["amd64", "arm64"]``), function calls but
  ``split(sep, string)``, ``target.x.y`` references, ``for`` expressions, template directives
  (``%{ if }``), arithmetic;
- ``${NAME}`` interpolates (``$${`` is a literal ``${``); a string that is one interpolation is
  the value itself (a list stays a list); ``==``, ``!=``, ``&&``, ``||``, ``!`` and conditionals
  are evaluated when their operands are known;
- ``inherits``: parents merged in list order (a later parent wins), then the target's own
  attributes; ``tags``, ``platforms`` and ``output`` replace the inherited list, ``args`` and ``contexts`` merge
  key by key; in a cycle the target being resolved contributes nothing (bake's rule: no error,
  no hang);
- several blocks of one target merge, the later attributes winning, at the first block's place.

Unknown parts of a string are written ``*`` and the string is a ``Partial``
(``"${REGISTRY}/app:${TAG}"`` with ``TAG`` unset is ``ghcr.io/acme/app:*``); a list that cannot
be decided is None (``platforms``, ``outputs``) or one ``*`` (``tags``).

Linear time: blank-line runs are folded before Lark sees the text (its heredoc pattern is
quadratic in them), variables are evaluated once, strings are capped, and expressions, variable
chains and ``inherits`` chains deeper than a bound are unknown rather than recursed into.
"""
from __future__ import annotations

import json
import re

from .. import exports

from ..model import Span
from . import ParseError, SkipFile


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


#: a value the file alone does not decide
UNKNOWN = _Unknown()


class Partial(str):
    """A string with unknown parts, each written ``*``."""

    __slots__ = ()


_MAX_DEPTH = 100  # expression nesting and variable chains evaluated (deeper: unknown)
_MAX_INHERITS = 64  # inherits chain followed
#: a longer string value is unknown: variables that double at each step would otherwise make a
#: few kilobytes of file into gigabytes (every consumer of a Bake value keeps 512 characters)
_MAX_STRING = 1 << 13
_STARS = re.compile(r"\*{2,}")
_NO_DEFAULT = object()
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_TEMPLATE_MARK = re.compile(r"\$\$\{|%%\{|\$\{|%\{")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_JSON_MARK = re.compile(r'["{}\[\]]')
_JSON_BLANKS = re.compile(r"[ \t\n\r]*")
#: target attributes read (all replace the inherited value but the maps, merged key by key)
_FIELDS = ("context", "dockerfile", "dockerfile-inline", "target", "tags", "platforms", "output", "args", "contexts")
#: the attributes bake merges key by key: build args and named contexts (``contexts = { wheels =
#: "target:wheels" }``, which a ``FROM wheels`` of the target's Dockerfile reads)
_MAPS = ("args", "contexts")


class BakeTarget:
    """One target after ``inherits``.  ``line``/``col``/``end_line``/``end_col``: its header
    (``target "app"``, or the ``"app"`` key in JSON)."""

    __slots__ = ("name", "line", "col", "end_line", "end_col", "dockerfile", "dockerfile_inline", "context",
                 "platforms", "tags", "target", "push", "load", "outputs", "args", "contexts", "inherits", "matrix")

    def __init__(self, name: str, span: Span):
        self.name = name
        self.line, self.col, self.end_line, self.end_col = span
        #: as written (relative to ``context``, as bake joins them); None: not set (``Dockerfile``)
        self.dockerfile: str | None = None
        #: ``dockerfile-inline`` (then ``dockerfile`` is not read); None: not set
        self.dockerfile_inline: str | None = None
        #: None: not set (".")
        self.context: str | None = None
        #: [] not set; None: cannot be decided; comma-separated items split, stripped, deduplicated
        self.platforms: list[str] | None = []
        self.tags: list[str] = []
        #: the Dockerfile stage
        self.target: str | None = None
        self.push = False  # an output of type=registry, or type=image with push=true
        self.load = False  # an output of type=docker
        #: ``output`` entries as CSV (``type=registry``); None: cannot be decided
        self.outputs: list[str] | None = []
        #: build args after inherits (``*`` where unknown; a null arg is left out)
        self.args: dict[str, str] = {}
        #: named build contexts after inherits (name -> source, ``*`` where unknown)
        self.contexts: dict[str, str] = {}
        #: the parents named (known names only)
        self.inherits: list[str] = []
        #: forked by a ``matrix``: the name is the block's label, matrix values are unknown
        self.matrix = False

    @property
    def span(self) -> Span:
        return Span(self.line, self.col, self.end_line, self.end_col)

    def __repr__(self) -> str:
        return (f"BakeTarget({self.name!r} at {self.line}:{self.col}, context={self.context!r}, "
                f"dockerfile={self.dockerfile!r}, platforms={self.platforms!r}, tags={self.tags!r})")


class BakeModel:
    __slots__ = ("targets", "groups", "variables", "inputs", "problems", "memo")

    def __init__(self, targets: list[BakeTarget], groups: dict[str, list[str]], variables: dict[str, str | None]):
        self.targets = targets
        #: group name -> the target (or group) names it lists
        self.groups = groups
        #: variable (and top-level attribute) name -> its default when a plain string, else None
        self.variables = variables
        self.inputs: list[str] = []  # no other file is read
        self.problems: list[ParseError] = []
        self.memo: dict = {}

    def target(self, name: str) -> BakeTarget | None:
        for t in self.targets:
            if t.name == name:
                return t
        return None


class _Block:
    """A ``target``/``group``/``variable`` block of either syntax: its attributes unevaluated."""

    __slots__ = ("kind", "name", "start", "end", "attrs")

    def __init__(self, kind: str, name: str, start: int, end: int, attrs: dict):
        self.kind = kind
        self.name = name
        self.start = start  # offsets of the header in the text
        self.end = end
        self.attrs = attrs


def parse(source) -> BakeModel:
    text = source.text
    head = text.lstrip()
    if head.startswith(("{{", "{%")):  # (thecodingmachine's docker-bake.blueprint.hcl, rendered by orbit generate)
        line = text.count("\n", 0, len(text) - len(head)) + 1
        raise SkipFile("AL003", "templated file (template markup where a Bake file starts), not linted", line, 1)
    if source.path.lower().endswith(".json") or head[:1] == "{":
        scope, blocks = _json_blocks(source)
    else:
        scope, blocks = _hcl_blocks(source)
    return _build(scope, blocks, source)


# --- reading -------------------------------------------------------------------------------


def fold_blank_runs(text: str) -> str:
    """``text`` with the same length and offsets, where a newline that ends a blank line after
    another newline is a space: no run of blanks holds two newlines.  HCL reads it the same
    (one newline ends a statement as well as several), and Lark's heredoc pattern
    (``\\n\\s*DELIM``) stays linear (it backtracks through every blank run from each newline)."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for k in range(1, len(lines)):
        prev = lines[k - 1]
        out.append(" " if k >= 2 and not prev.strip() else "\n")
        out.append(lines[k])
    return "".join(out)


def _hcl_parse(text: str):
    from hcl2 import parses_to_tree  # imported here: hcl2 and lark cost ~0.2 s (a run with no Bake file never pays)

    return parses_to_tree(fold_blank_runs(text))


def _hcl_blocks(source):
    from lark import Tree
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    text = source.text
    try:
        tree = _hcl_parse(text)
    except UnexpectedInput as e:
        offset = getattr(e, "pos_in_stream", None)
        if isinstance(e, UnexpectedCharacters):
            msg = f"unexpected character {e.char!r}"
        elif isinstance(e, UnexpectedToken) and e.token.type != "$END":
            offset = e.token.start_pos
            msg = f"unexpected {_short(str(e.token))!r}"
        else:
            msg = "unexpected end of file"
        if not isinstance(offset, int) or offset < 0 or offset > len(text.rstrip()):
            offset = len(text.rstrip())
        raise ParseError(f"invalid HCL: {msg}", *source.pos(offset)) from None
    except LarkError as e:
        raise ParseError(f"invalid HCL: {_short(str(e).splitlines()[0] if str(e) else type(e).__name__)}") from None
    except RecursionError:
        raise ParseError("invalid HCL: nesting too deep") from None
    scope = _Scope(text, Tree)
    blocks = []
    top: dict = {}
    body = tree.children[0] if tree.children else None
    for node in _kids(body, Tree):
        if node.data == "attribute":
            top[_name_of(node.children[0])] = node.children[-1]
        elif node.data == "block":
            head = [c for c in node.children if isinstance(c, Tree) and c.data not in ("body", "new_line_or_comment")]
            kind = _name_of(head[0])
            labels = [scope.label(c) for c in head[1:]]
            inner = next((c for c in node.children if isinstance(c, Tree) and c.data == "body"), None)
            attrs = {_name_of(a.children[0]): a.children[-1] for a in _kids(inner, Tree) if a.data == "attribute"}
            end = head[-1].meta.end_pos if len(head) > 1 else head[0].meta.end_pos
            blocks.append(_Block(kind, labels[0] if labels else "", head[0].meta.start_pos, end, attrs))
    scope.define(blocks, top)
    return scope, blocks


def _kids(node, tree_type) -> list:
    if node is None:
        return []
    return [c for c in node.children if isinstance(c, tree_type) and c.data != "new_line_or_comment"]


def _name_of(node) -> str:
    """The text of an identifier, keyword or literal used as a name."""
    while not isinstance(node, str):
        node = node.children[0]
    return str(node)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _json_blocks(source):
    text = source.text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError(f"invalid JSON: {e.msg}", e.lineno, e.colno) from None
    except RecursionError:
        raise ParseError("invalid JSON: nesting too deep") from None
    except ValueError as e:  # a number too long to convert
        raise ParseError(f"invalid JSON: {_short(str(e))}") from None
    if not isinstance(data, dict):
        raise ParseError("invalid Bake JSON: the file must hold an object", *source.pos(len(text) - len(text.lstrip())))
    keys = _json_target_keys(text)
    blocks = []
    top = {}
    for kind, value in data.items():
        if kind not in ("target", "group", "variable", "function"):
            top[kind] = value
            continue
        if not isinstance(value, dict):
            continue
        for name, body in value.items():
            start, end = keys.get(name, (0, 1)) if kind == "target" else (0, 1)
            for part in body if isinstance(body, list) else [body]:
                if isinstance(part, dict):
                    blocks.append(_Block(kind, name, start, end, part))
    scope = _Scope(text, _NoTree)
    scope.define(blocks, top)
    return scope, blocks


class _NoTree:
    """JSON files have no HCL trees (the type no JSON value is)."""


def _json_target_keys(text: str) -> dict[str, tuple[int, int]]:
    """Offsets of each key of the top-level ``"target"`` object (the quotes included), read in
    one pass over a text ``json`` has already accepted."""
    from json.decoder import scanstring

    out: dict[str, tuple[int, int]] = {}
    stack: list[tuple[str, str | None]] = []  # (bracket, the key whose value it is)
    key = None
    i = 0
    while True:
        m = _JSON_MARK.search(text, i)
        if m is None:
            return out
        ch, j = m.group(), m.start()
        i = j + 1
        if ch == '"':
            s, i = scanstring(text, j + 1)
            if stack and stack[-1][0] == "{":
                after = _JSON_BLANKS.match(text, i).end()
                if text[after:after + 1] == ":":
                    key = s
                    if len(stack) == 2 and stack[1] == ("{", "target"):
                        out.setdefault(s, (j, i))
        elif ch in "{[":
            stack.append((ch, key if stack and stack[-1][0] == "{" else None))
            key = None
        else:
            if stack:
                stack.pop()
            key = None


# --- values --------------------------------------------------------------------------------


class _Scope:
    """The values of one file: variables and top-level attributes (each evaluated once), and
    the evaluation of HCL trees and JSON values."""

    def __init__(self, text: str, tree_type):
        self.text = text
        self.tree = tree_type
        self.defs: dict = {}
        self.memo: dict = {}
        self.busy: set = set()

    def define(self, blocks: list[_Block], top: dict) -> None:
        for b in blocks:
            if b.kind == "variable":
                self.defs[b.name] = b.attrs.get("default", _NO_DEFAULT)
        self.defs.update(top)  # a top-level attribute wins over a variable (bake's order)

    def lookup(self, name: str, depth: int, shadow) -> object:
        if name in shadow:  # (a matrix's names: unknown, or one row's values when ``shadow`` maps them)
            return shadow[name] if isinstance(shadow, dict) else UNKNOWN
        if name in self.memo:
            return self.memo[name]
        expr = self.defs.get(name, _NO_DEFAULT)
        if expr is _NO_DEFAULT or name in self.busy or depth <= 0:
            return UNKNOWN  # undefined, no default, a cycle (bake refuses it), or too deep
        self.busy.add(name)
        try:
            value = self.value(expr, depth - 1, ())
        finally:
            self.busy.discard(name)
        self.memo[name] = value
        return value

    def value(self, expr, depth: int = _MAX_DEPTH, shadow=()) -> object:
        if depth <= 0:
            return UNKNOWN
        if isinstance(expr, self.tree):
            return self._hcl(expr, depth - 1, shadow)
        if isinstance(expr, str):
            return self.template(expr, depth - 1, shadow)
        if isinstance(expr, list):
            return [self.value(x, depth - 1, shadow) for x in expr]
        if isinstance(expr, dict):
            return {k: self.value(v, depth - 1, shadow) for k, v in expr.items()}
        return expr  # JSON numbers, booleans, null

    def _hcl(self, node, depth: int, shadow) -> object:
        data = node.data
        kids = [c for c in node.children if isinstance(c, self.tree) and c.data != "new_line_or_comment"]
        if data == "expr_term":
            return self.value(kids[0], depth, shadow) if len(kids) == 1 else UNKNOWN
        if data == "identifier":
            return self.lookup(str(node.children[0]), depth, shadow)
        if data == "literal_value":
            return {"true": True, "false": False}.get(str(node.children[0]))
        if data == "int_lit":
            digits = str(node.children[0])
            return int(digits) if len(digits) <= 30 else UNKNOWN  # int() refuses 4,300 digits
        if data == "float_lit":
            return float(str(node.children[0]))
        if data == "string":
            return self._string(node, depth, shadow)
        if data == "tuple":
            return [self.value(k, depth, shadow) for k in kids]
        if data == "object":
            out = {}
            for elem in kids:
                key = self._key(elem.children[0], depth, shadow)
                if not isinstance(key, str) or isinstance(key, Partial):
                    return UNKNOWN
                out[key] = self.value(elem.children[-1], depth, shadow)
            return out
        if data == "conditional" and len(kids) == 3:
            cond = self.value(kids[0], depth, shadow)
            return self.value(kids[1] if cond else kids[2], depth, shadow) if isinstance(cond, bool) else UNKNOWN
        if data == "binary_op" and len(kids) == 2:
            term = [c for c in kids[1].children if isinstance(c, self.tree) and c.data != "new_line_or_comment"]
            op = _name_of(term[0]).strip()
            return _binary(op, self.value(kids[0], depth, shadow), lambda: self.value(term[-1], depth, shadow))
        if data == "unary_op":
            op, v = str(node.children[0]).strip(), self.value(kids[-1], depth, shadow)
            if op == "!" and isinstance(v, bool):
                return not v
            if op == "-" and type(v) in (int, float):
                return -v
            return UNKNOWN
        if data in ("heredoc_template", "heredoc_template_trim"):
            return self.template(self._heredoc(node.children[0], data.endswith("trim")), depth, shadow)
        if data == "function_call" and _name_of(kids[0]).strip() == "split" and len(kids) == 2:
            args = [c for c in kids[1].children if isinstance(c, self.tree) and c.data != "new_line_or_comment"]
            sep, whole = (self.value(a, depth, shadow) for a in args) if len(args) == 2 else (None, None)
            if _scalar(sep) and type(sep) is str and sep and _scalar(whole) and type(whole) is str:
                return whole.split(sep)[:_MAX_ROWS]
        return UNKNOWN  # other function calls, attribute and index access, splats, for expressions

    def _key(self, node, depth: int, shadow) -> object:
        """An object key: a bare name is the name itself, anything else its value."""
        kids = [c for c in node.children if isinstance(c, self.tree)]
        if kids and kids[0].data == "keyword":
            return _name_of(kids[0])
        if kids and kids[0].data == "expr_term":
            inner = [c for c in kids[0].children if isinstance(c, self.tree)]
            if len(inner) == 1 and inner[0].data == "identifier":
                return str(inner[0].children[0])
        return self.value(kids[0], depth, shadow) if kids else UNKNOWN

    def label(self, node) -> str:
        """A block label: a bare name or a quoted string (interpolation is not allowed there)."""
        if node.data == "string":
            v = self._string(node, 1, ())
            return v if isinstance(v, str) else "*"
        return _name_of(node)

    def _string(self, node, depth: int, shadow) -> object:
        parts = []
        pieces = [c for c in node.children if isinstance(c, self.tree)]
        for piece in pieces:
            child = piece.children[0]
            if isinstance(child, self.tree):
                if child.data != "interpolation":
                    return UNKNOWN  # a template directive
                inner = [c for c in child.children if isinstance(c, self.tree)]
                v = self.value(inner[0], depth, shadow) if inner else UNKNOWN
                if len(pieces) == 1:
                    return v  # a string that is one interpolation is the value itself
                parts.append(_to_str(v))
            elif child.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(str(child)[1:])
            else:
                parts.append(_ESCAPE.sub(_unescape, str(child)))
        return _concat(parts)

    def _heredoc(self, token, trim: bool) -> str:
        raw = str(token)
        orig = self.text[token.start_pos:token.end_pos] if isinstance(token.start_pos, int) else ""
        if orig.replace("\n", " ") == raw.replace("\n", " "):
            raw = orig  # the blank lines fold_blank_runs folded
        lines = raw.split("\n")
        body = lines[1:-2] if len(lines) >= 3 and lines[-1] == "" else lines[1:-1]
        if trim:
            indents = [len(x) - len(x.lstrip(" \t")) for x in body if x.strip()]
            cut = min(indents) if indents else 0
            body = [x[cut:] for x in body]
        return "".join(x + "\n" for x in body)

    def template(self, s: str, depth: int, shadow) -> object:
        """A JSON string or a heredoc body: literal text with ``${...}`` interpolations."""
        if "{" not in s:
            return s
        parts: list = []
        i = 0
        only = None
        while True:
            m = _TEMPLATE_MARK.search(s, i)
            if m is None:
                parts.append(s[i:])
                break
            parts.append(s[i:m.start()])
            mark = m.group()
            if mark in ("$${", "%%{"):
                parts.append(mark[1:])
                i = m.end()
                continue
            if mark == "%{":
                return UNKNOWN  # a template directive
            close = _closing_brace(s, m.end())
            if close < 0:
                parts.append(UNKNOWN)  # bake rejects an unterminated interpolation
                break
            v = self._interpolation(s[m.end():close].strip(), depth, shadow)
            if m.start() == 0 and close == len(s) - 1:
                only = v
            parts.append(_to_str(v))
            i = close + 1
        return only if only is not None else _concat(parts)

    def _interpolation(self, expr: str, depth: int, shadow) -> object:
        if _IDENT.fullmatch(expr):
            return self.lookup(expr, depth, shadow)
        try:
            tree = _hcl_parse("x = " + expr.replace("\n", " ") + "\n")
        except Exception:  # noqa: BLE001  any expression Lark does not read is unknown
            return UNKNOWN
        if self.tree is _NoTree:  # a JSON file: HCL trees appear only in its interpolations
            from lark import Tree

            self.tree = Tree
        attrs = [c for c in tree.children[0].children if getattr(c, "data", "") == "attribute"]
        return self.value(attrs[0].children[-1], depth, shadow) if attrs else UNKNOWN


def _unescape(m: re.Match) -> str:
    e = m.group(1)
    if e[0] in "uU" and len(e) > 1:
        code = int(e[1:], 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code < 0xE000 else m.group()
    return _ESCAPES.get(e, m.group())


def _closing_brace(s: str, i: int) -> int:
    """The ``}`` that closes an interpolation opened before ``i`` (quoted text skipped); -1: none."""
    depth = 1
    quoted = False
    n = len(s)
    while i < n:
        c = s[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _binary(op: str, left, right_thunk) -> object:
    if op == "&&":
        if left is False:
            return False
        right = right_thunk()
        return left and right if isinstance(left, bool) and isinstance(right, bool) else UNKNOWN
    if op == "||":
        if left is True:
            return True
        right = right_thunk()
        return left or right if isinstance(left, bool) and isinstance(right, bool) else UNKNOWN
    if op in ("==", "!="):
        right = right_thunk()
        if not (_scalar(left) and _scalar(right)):
            return UNKNOWN
        same = type(left) is type(right) and left == right or (
            type(left) in (int, float) and type(right) in (int, float) and left == right)
        return same if op == "==" else not same
    return UNKNOWN


def _scalar(v) -> bool:
    return v is None or (type(v) in (str, bool, int, float))


def _to_str(v) -> object:
    """A value as an interpolation writes it; UNKNOWN for what it cannot (lists, null)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    return UNKNOWN


def _concat(parts: list) -> object:
    out = []
    partial = False
    last_unknown = False
    for p in parts:
        if p is UNKNOWN:
            partial = True
            if not last_unknown:
                out.append("*")
            last_unknown = True
        elif p:
            partial = partial or isinstance(p, Partial)
            out.append(p)
            last_unknown = False
    s = "".join(out)
    if len(s) > _MAX_STRING:
        return UNKNOWN
    if partial and "**" in s:
        s = _STARS.sub("*", s)  # unknown parts side by side are one unknown part
    return Partial(s) if partial else s


def _text(v) -> str:
    """A value where bake wants a string: ``*`` where it is unknown."""
    s = _to_str(v)
    return "*" if s is UNKNOWN else s


# --- targets -------------------------------------------------------------------------------


def _build(scope: _Scope, blocks: list[_Block], source) -> BakeModel:
    own: dict[str, dict] = {}
    first: dict[str, _Block] = {}
    parents: dict[str, list[str]] = {}
    matrix: set[str] = set()
    groups: dict[str, list[str]] = {}
    for b in blocks:
        if b.kind == "group":
            listed = scope.value(b.attrs["targets"]) if "targets" in b.attrs else []
            groups[b.name] = [_text(x) for x in listed] if isinstance(listed, list) else ["*"]
        if b.kind != "target":
            continue
        shadow: tuple = ()
        rows: list = []
        if "matrix" in b.attrs:
            matrix.add(b.name)
            m = scope.value(b.attrs["matrix"])
            shadow = tuple(m) if isinstance(m, dict) else ()
            rows = _matrix_rows(m)
        fields = own.setdefault(b.name, {})
        first.setdefault(b.name, b)
        for key in _FIELDS:
            if key in b.attrs:
                v = scope.value(b.attrs[key], _MAX_DEPTH, shadow)
                if key == "platforms" and rows:  # (each row's platforms: discourse's ["linux/${arch}"])
                    each = [scope.value(b.attrs[key], _MAX_DEPTH, row) for row in rows]
                    v = [p for got in each for p in got] if all(
                        isinstance(got, list) and all(type(p) is str for p in got) for got in each) else v
                if v is None:
                    continue  # null: not set
                if key in _MAPS:
                    fields[key] = _merge_map(fields.get(key, {}), v)
                else:
                    fields[key] = v
        if "inherits" in b.attrs:
            names = scope.value(b.attrs["inherits"], _MAX_DEPTH, shadow)
            names = names if isinstance(names, list) else [names]
            known = parents.setdefault(b.name, [])
            known[:] = dict.fromkeys(known + [n for n in names if type(n) is str])
    done: dict[str, dict] = {}
    budget = [20 * len(first) + 1000]
    targets = []
    for name, b in first.items():
        fields = _resolve(name, own, parents, done, {}, set(), 0, budget)[0] or {}
        t = BakeTarget(name, source.span(b.start, b.end))
        _fill(t, fields)
        t.inherits = list(parents.get(name, ()))
        t.matrix = name in matrix
        targets.append(t)
    variables = {}
    for name in scope.defs:
        v = scope.lookup(name, _MAX_DEPTH, ())
        variables[name] = v if type(v) is str else None
    return BakeModel(targets, groups, variables)


#: the rows of a matrix read, at most (their product); values of a ``split`` kept, at most
_MAX_ROWS = 64


def _matrix_rows(m) -> list:
    """The rows of a target's ``matrix`` (each a dict of its names' values), where every name's
    values are a known list and there are at most ``_MAX_ROWS``; else none."""
    if not isinstance(m, dict) or not m:
        return []
    rows: list = [{}]
    for name, values in m.items():
        if not isinstance(values, list) or not values:
            return []  # (a value of another kind, discourse's build_target maps, is bound as read)
        if len(rows) * len(values) > _MAX_ROWS:
            return []
        rows = [{**r, name: v} for r in rows for v in values]
    return rows


def _merge_map(into: dict, value) -> dict:
    out = dict(into)
    if isinstance(value, dict):
        for k, v in value.items():
            if v is not None:  # a null entry does not override (bake's merge)
                out[k] = _text(v)
    return out


def _resolve(name: str, own: dict, parents: dict, done: dict, local: dict, busy: set, depth: int,
             budget: list) -> tuple[dict | None, bool]:
    """The fields of ``name`` after inherits, and whether they depended on a target still being
    resolved (a cycle).  Those are kept only for the target being resolved (``local``), as bake
    resolves each target afresh; past the work budget they are kept for all (linear time)."""
    if name in done:
        return done[name], False
    if name in local:
        return local[name], True
    if name in busy or name not in own or depth > _MAX_INHERITS:
        return None, name in busy
    busy.add(name)
    budget[0] -= 1
    merged: dict = {}
    cyclic = False
    for parent in parents.get(name, ()):
        fields, dep = _resolve(parent, own, parents, done, local, busy, depth + 1, budget)
        cyclic = cyclic or dep
        if fields:
            _merge(merged, fields, budget)
    _merge(merged, own[name], [sum(len(own[name].get(k) or ()) for k in _MAPS) + 1])
    busy.discard(name)
    (local if cyclic and budget[0] > 0 else done)[name] = merged
    return merged, cyclic


def _merge(into: dict, fields: dict, budget: list) -> None:
    """``fields`` over ``into`` (``into`` is the target's own fresh dict).  The maps (``args``,
    ``contexts``) merge key by key, each inherited entry counted against the work budget: past
    it, inherited entries are left out (a chain of targets each inheriting every earlier one
    would copy them quadratically)."""
    for k, v in fields.items():
        if k not in _MAPS:
            into[k] = v
        elif isinstance(v, dict) and budget[0] > 0:
            budget[0] -= len(v)
            entries = into.get(k)
            if entries is None or entries is v:
                entries = into[k] = {}
            for name, val in v.items():
                if val is not None:  # a null entry does not override (bake's merge)
                    entries[name] = _text(val)


def _fill(t: BakeTarget, f: dict) -> None:
    for key, attr in (("context", "context"), ("dockerfile", "dockerfile"), ("dockerfile-inline", "dockerfile_inline"),
                      ("target", "target")):
        if key in f:
            setattr(t, attr, _text(f[key]))
    if t.dockerfile == "":
        t.dockerfile = None  # bake reads "Dockerfile" then
    t.args = dict(f.get("args", {}))
    t.contexts = dict(f.get("contexts", {}))
    if "tags" in f:
        tags = f["tags"]
        tags = tags if isinstance(tags, list) else [tags]
        t.tags = [_text(x) for x in tags if x is not None]
    if "platforms" in f:
        t.platforms = _platforms(f["platforms"])
    if "output" in f:
        t.outputs, t.push, t.load = _outputs(f["output"])


def _platforms(value) -> list[str] | None:
    from ..platforms import split_list

    items = value if isinstance(value, list) else [value]
    if any(type(item) is not str for item in items):
        return None  # unknown, partly unknown, or not a string
    # buildx splits each entry at commas; each platform once, in order (a dict: linear)
    return list(dict.fromkeys(p for item in items for p, _ in split_list(item)))


def _outputs(value) -> tuple[list[str] | None, bool, bool]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    push = load = False
    for item in items:
        if isinstance(item, dict):
            attrs = {str(k).strip().lower(): _text(v) for k, v in item.items() if v is not None}
            csv = ",".join(f"{k}={v}" for k, v in attrs.items())
        elif isinstance(item, str):
            csv = item
            attrs = exports.attrs(item)
        else:
            return None, False, False
        if not csv:
            continue
        out.append(csv)
        push = push or exports.pushes(attrs)
        load = load or exports.loads(attrs)
    return out, push, load


