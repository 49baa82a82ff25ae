"""The functions a Helm template calls: Go's builtins, Sprig's and Helm's, as they behave there.

Each is ``fn(ex, args, line)`` (``ex`` the running ``Exec``).  Unless registered with
``unknowns=True``, a function given UNKNOWN returns UNKNOWN without running.  Functions whose
result depends on the clock or chance (``now``, ``uuidv4``, ``randAlphaNum``, ``genCA``...) and
the chart's other files (``.Files``) are UNKNOWN; ``lookup`` returns an empty map, as in ``helm
template``, which asks no cluster.

How values print (``fmt``, ``printf``, ``toYaml``, ``toJson``) is gofmt.py's; semver
constraints are semver.py's; the regular expression functions are regexes.py's.  Comparisons (``eq``, ``lt``...) accept an int and a float together (Go refuses them;
a chart Helm renders never compares them).  ``keys`` returns sorted keys (Sprig's order is Go's
random map order).
"""
from __future__ import annotations

import math
import re

from .evaluate import UNKNOWN, Method, OpenVDict, Struct, TracedStr, has_unknown, truth
from .gofmt import (go_quote, go_str, kind_name, print_args, sprintf, strval, to_float, to_int, to_json, to_yaml,
                    type_name)
from .semver import parse_version, semver_match



class Function:
    """``unknowns``: the function is called with UNKNOWN arguments (else it returns UNKNOWN);
    ``arity``: (least, most) arguments; ``mutates``: it changes a dict in place; ``text``: it
    builds text from its arguments' text, so a string made from unknowns gives one too (any
    other function given such a string returns UNKNOWN)."""
    __slots__ = ("fn", "unknowns", "arity", "mutates", "text")

    def __init__(self, fn, unknowns: bool, arity, mutates: bool = False, text: bool = False):
        self.fn, self.unknowns, self.arity, self.mutates, self.text = fn, unknowns, arity, mutates, text


FUNCTIONS: dict[str, Function] = {}


def fn(*names, unknowns: bool = False, arity=None, mutates: bool = False):
    def register(f):
        for name in names:
            FUNCTIONS[name] = Function(f, unknowns, arity, mutates)
        return f
    return register


def _retrace(src, result: str):
    """``result`` keeps the line origins of ``src`` (a TracedStr) when it is ``src`` with blanks
    removed at its ends or its lines indented; else it is a plain string."""
    if not isinstance(src, TracedStr) or isinstance(result, TracedStr) or src.lines is None:
        return result
    n = result.count("\n") + 1
    if n == len(src.lines):
        return TracedStr(result, src.lines)
    lead = len(src) - len(src.lstrip())
    skip = src.count("\n", 0, lead)
    lines = src.lines[skip:skip + n]
    if len(lines) == n:
        return TracedStr(result, lines)
    return result


# ---- Go builtins --------------------------------------------------------------------------------


@fn("and", "or", unknowns=True)
def _and_or(ex, a, line):  # evaluated lazily by the evaluator; here for the table only
    raise AssertionError


@fn("len", arity=(1, 1))
def _len(ex, a, line):
    v = a[0]
    if v is None:
        ex.error("len of nil pointer", line)
    if isinstance(v, (str, list, dict, tuple)):
        return len(v.encode() if isinstance(v, str) else v)
    ex.error(f"len of type {type_name(v)}", line)


@fn("index", arity=(1, 99))
def _index(ex, a, line):
    v = a[0]
    for k in a[1:]:
        if v is None:
            ex.error("index of untyped nil", line)
        if isinstance(v, dict):
            key = k if isinstance(k, str) else go_str(k)
            if key not in v and isinstance(v, OpenVDict):
                return UNKNOWN
            v = v.get(key)
            continue
        if isinstance(v, (list, str)):
            if not isinstance(k, (int, float)) or isinstance(k, bool):
                ex.error(f"cannot index slice/array with type {type_name(k)}", line)
            i = int(k)
            if not 0 <= i < len(v):
                ex.error(f"error calling index: index out of range: {i}", line)
            v = v[i] if isinstance(v, list) else ord(v[i])
            continue
        ex.error(f"can't index item of type {type_name(v)}", line)
    return v


@fn("slice", arity=(1, 4))
def _slice(ex, a, line):
    v, idx = a[0], [int(x) for x in a[1:]]
    if isinstance(v, (list, str)):
        return v[idx[0] if idx else 0: idx[1] if len(idx) > 1 else len(v)]
    ex.error(f"can't slice item of type {type_name(v)}", line)


@fn("print")
def _print(ex, a, line):
    return print_args(a)


@fn("println")
def _println(ex, a, line):
    return " ".join(go_str(v) for v in a) + "\n"


def _cmp_pair(ex, x, y, line):
    """Values comparable as Go's eq/lt would (numbers together; same types otherwise)."""
    nx = isinstance(x, (int, float)) and not isinstance(x, bool)
    ny = isinstance(y, (int, float)) and not isinstance(y, bool)
    if nx and ny:
        return x, y
    if type(x) is type(y) or x is None or y is None:
        return x, y
    if isinstance(x, str) and isinstance(y, str):
        return x, y
    ex.error("incompatible types for comparison", line)


@fn("eq", arity=(2, 99))
def _eq(ex, a, line):
    x = a[0]
    for y in a[1:]:
        if x is None or y is None:
            if x is y:
                return True
            continue
        if isinstance(x, (dict, list)) or isinstance(y, (dict, list)):
            ex.error("error calling eq: non-comparable type", line)
        x2, y2 = _cmp_pair(ex, x, y, line)
        if x2 == y2:
            return True
    return False


@fn("ne", arity=(2, 2))
def _ne(ex, a, line):
    return not _eq(ex, a, line)


def _order(op):
    def compare(ex, a, line):
        x, y = _cmp_pair(ex, a[0], a[1], line)
        if x is None or y is None or isinstance(x, (dict, list, bool)):
            ex.error("invalid type for comparison", line)
        return op(x, y)
    return compare


for _name, _op in (("lt", lambda x, y: x < y), ("le", lambda x, y: x <= y), ("gt", lambda x, y: x > y),
                   ("ge", lambda x, y: x >= y)):
    FUNCTIONS[_name] = Function(_order(_op), False, (2, 2))


# ---- Sprig: defaults and logic ------------------------------------------------------------------


def empty(v) -> bool:
    return truth(v) is False


@fn("default", unknowns=True, arity=(1, 99))
def _default(ex, a, line):
    # sprig's default(d, given...): the first given value unless it is empty; more are ignored
    # (linkerd's {{default .Values.x "linkerd-proxy" .Values.x}} gives "linkerd-proxy")
    if len(a) == 1:
        return a[0]
    d, given = a[0], a[1]
    if given is UNKNOWN:
        return UNKNOWN
    if not empty(given):
        return given
    return d


@fn("coalesce", "mustCoalesce", unknowns=True)
def _coalesce(ex, a, line):
    for v in a:
        if v is UNKNOWN:
            return UNKNOWN
        if not empty(v):
            return v
    return None


@fn("ternary", unknowns=True, arity=(3, 3))
def _ternary(ex, a, line):
    t = truth(a[2])
    if t is None:
        return a[0] if a[0] is not UNKNOWN and _safe_eq(a[0], a[1]) else UNKNOWN
    return a[0] if t else a[1]


def _safe_eq(x, y) -> bool:
    try:
        return type(x) is type(y) and bool(x == y)
    except Exception:
        return False


@fn("required", arity=(2, 2))
def _required(ex, a, line):
    """A value the chart requires and its values files leave out is given at install time
    (``--set``, a values file of the user's): unknown here, not a failed render."""
    _msg, v = a
    if v is None or v == "":
        return UNKNOWN
    return v


@fn("fail", arity=(1, 1))
def _fail(ex, a, line):
    from .lexer import ChartFail

    raise ChartFail(go_str(a[0]), line, ex.cur_file)


@fn("include", arity=(2, 2))
def _include(ex, a, line):
    if not isinstance(a[0], str):
        ex.error("include: the template name is not a string", line)
    return ex.include(a[0], a[1], line)


@fn("tpl", arity=(2, 2))
def _tpl(ex, a, line):
    return ex.tpl(strval(a[0]), a[1], line)


@fn("lookup", arity=(4, 4))
def _lookup(ex, a, line):
    """Helm's ``lookup`` as ``helm template`` runs it, with no cluster to ask: an empty map (the
    fresh install a chart renders when the object does not exist)."""
    return {}


# functions whose result depends on the clock, chance or secrets
for _name in ("now", "date", "dateInZone", "date_in_zone", "unixEpoch", "ago", "htmlDate", "dateModify",
              "mustDateModify", "toDate", "mustToDate", "uuidv4", "randAlphaNum", "randAlpha", "randNumeric", "randAscii", "randBytes", "randInt",
              "shuffle", "genCA", "genCAWithKey", "genPrivateKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
              "genSignedCert", "genSignedCertWithKey", "buildCustomCert", "derivePassword", "htpasswd", "encryptAES",
              "decryptAES", "getHostByName", "env", "expandenv", "bcrypt", "toToml", "fromToml"):
    FUNCTIONS[_name] = Function(lambda ex, a, line: UNKNOWN, True, None)


# ---- Sprig: strings -----------------------------------------------------------------------------


@fn("indent", unknowns=True, arity=(2, 2))
def _indent(ex, a, line):
    if a[0] is UNKNOWN:
        return UNKNOWN
    pad = " " * int(a[0])
    if a[1] is UNKNOWN:
        # an unknown block, where the block goes, as a YAML comment: whatever follows it at that
        # indentation (more keys of the mapping) still reads as YAML
        return ex.flagged(pad + "# " + ex.engine.placeholder)
    s = strval(a[1])
    return _retrace(a[1], pad + s.replace("\n", "\n" + pad))


@fn("nindent", unknowns=True, arity=(2, 2))
def _nindent(ex, a, line):
    """The block on its own lines; an unknown one too (``labels: {{- include "dep.labels" . |
    nindent 4 }}`` of a dependency not read, then more labels: a placeholder comment there keeps
    the mapping YAML)."""
    if a[0] is UNKNOWN:
        return UNKNOWN
    pad = " " * int(a[0])
    if a[1] is UNKNOWN:
        return ex.flagged("\n" + pad + "# " + ex.engine.placeholder)
    s = strval(a[1])
    out = "\n" + pad + s.replace("\n", "\n" + pad)
    src = a[1]
    if isinstance(src, TracedStr) and src.lines is not None:
        return TracedStr(out, (src.lines[0],) + tuple(src.lines))
    return out


@fn("trimPrefix", arity=(2, 2))
def _trim_prefix(ex, a, line):
    s, p = strval(a[1]), strval(a[0])
    return _retrace(a[1], s[len(p):] if p and s.startswith(p) else s)


@fn("trimSuffix", arity=(2, 2))
def _trim_suffix(ex, a, line):
    s, p = strval(a[1]), strval(a[0])
    return _retrace(a[1], s[:-len(p)] if p and s.endswith(p) else s)


@fn("title", arity=(1, 1))
def _title(ex, a, line):
    out, prev = [], " "
    for ch in strval(a[0]):
        sep = not (prev.isalnum() or prev == "_")
        out.append(ch.upper() if sep else ch)
        prev = ch
    return "".join(out)


@fn("trunc", arity=(2, 2))
def _trunc(ex, a, line):
    n, s = int(a[0]), strval(a[1])
    if n < 0 and len(s) + n > 0:
        return s[len(s) + n:]
    if n >= 0 and len(s) > n:
        return s[:n]
    return s


@fn("substr", arity=(3, 3))
def _substr(ex, a, line):
    start, end, s = int(a[0]), int(a[1]), strval(a[2])
    if start < 0:
        return s[:end]
    if end < 0 or end > len(s):
        return s[start:]
    return s[start:end]


_WORD_SEPARATORS = re.compile(r"[ _-]")


@fn("camelcase", arity=(1, 1))
def _camelcase(ex, a, line):
    """xstrings.ToCamelCase for words separated by one space, underscore or hyphen
    (``query-frontend`` -> ``QueryFrontend``); separators at the ends or doubled: UNKNOWN."""
    words = _WORD_SEPARATORS.split(strval(a[0]))
    if any(not w for w in words):
        return UNKNOWN
    return "".join(w[:1].upper() + w[1:] for w in words)


_CASE_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")


def _case_words(s: str):
    """The words of ``s`` as xstrings splits them for ``snakecase``/``kebabcase``: at a space,
    underscore or hyphen, before an upper-case letter that follows a lower-case one, and before
    the last capital of a run followed by a lower-case letter (``HTTPServer``: HTTP, Server).
    None (unknown) where the libraries' versions disagree or the text is unusual: a digit after a
    capital, another character, a separator at an end or doubled."""
    if not s or not s.isascii() or s[0] in " _-" or s[-1] in " _-":
        return None
    words = []
    for part in _WORD_SEPARATORS.split(s):
        if not part or not part.isalnum() or part[0].isdigit() or re.search(r"[A-Z][0-9]", part):
            return None
        words += _CASE_WORD.findall(part)
    return words


@fn("snakecase", arity=(1, 1))
def _snakecase(ex, a, line):
    """xstrings.ToSnakeCase: ``keepAliveInterval`` -> ``keep_alive_interval``, ``http2`` -> ``http2``."""
    words = _case_words(strval(a[0]))
    return UNKNOWN if words is None else "_".join(w.lower() for w in words)


@fn("kebabcase", arity=(1, 1))
def _kebabcase(ex, a, line):
    """xstrings.ToKebabCase: ``keepAliveInterval`` -> ``keep-alive-interval``."""
    words = _case_words(strval(a[0]))
    return UNKNOWN if words is None else "-".join(w.lower() for w in words)


@fn("untitle", arity=(1, 1))
def _untitle(ex, a, line):
    """The first letter of each blank-separated word lowered."""
    out, in_word = [], False
    for ch in strval(a[0]):
        if ch.isspace():
            in_word = False
        elif not in_word:
            ch, in_word = ch.lower(), True
        out.append(ch)
    return "".join(out)


def _go_clean(p: str) -> str:
    """Go's path.Clean."""
    import posixpath

    if not p:
        return "."
    out = posixpath.normpath(p)
    return "/" + out.lstrip("/") if out.startswith("//") else out


def _go_base(p: str) -> str:
    """Go's path.Base."""
    if not p:
        return "."
    p = p.rstrip("/")
    return p.rsplit("/", 1)[-1] if p else "/"


def _go_ext(p: str) -> str:
    """Go's path.Ext: from the last dot of the last element."""
    last = p.rsplit("/", 1)[-1]
    i = last.rfind(".")
    return last[i:] if i >= 0 else ""


def _go_dir(p: str) -> str:
    """Go's path.Dir."""
    return _go_clean(p[:p.rfind("/") + 1])


for _names_p, _f_p in ((("base", "osBase"), _go_base), (("dir", "osDir"), _go_dir), (("ext", "osExt"), _go_ext),
                       (("clean", "osClean"), _go_clean), (("isAbs", "osIsAbs"), lambda p: p.startswith("/"))):
    for _n in _names_p:
        FUNCTIONS[_n] = Function(lambda ex, a, line, _f=_f_p: _f(strval(a[0])), False, (1, 1))


@fn("repeat", arity=(2, 2))
def _repeat(ex, a, line):
    n = int(a[0])
    if n * len(strval(a[1])) > 1_000_000:
        return UNKNOWN
    return strval(a[1]) * max(0, n)


def _go_split(s: str, sep: str) -> list:
    if sep == "":
        return list(s)
    return s.split(sep)


@fn("join", arity=(2, 2))
def _join(ex, a, line):
    v = a[1]
    if has_unknown(v):
        return UNKNOWN
    items = _as_list(v) if isinstance(v, (list, tuple)) else [v]
    return strval(a[0]).join(strval(x) for x in items if x is not None)


@fn("b64enc", arity=(1, 1))
def _b64enc(ex, a, line):
    import base64

    return base64.b64encode(strval(a[0]).encode()).decode()


@fn("b64dec", arity=(1, 1))
def _b64dec(ex, a, line):
    import base64

    try:
        return base64.b64decode(strval(a[0]), validate=True).decode("utf-8", "replace")
    except ValueError as e:
        return str(e)


@fn("sha256sum", arity=(1, 1))
def _sha256(ex, a, line):
    import hashlib

    return hashlib.sha256(strval(a[0]).encode()).hexdigest()


@fn("sha1sum", arity=(1, 1))
def _sha1(ex, a, line):
    import hashlib

    return hashlib.sha1(strval(a[0]).encode()).hexdigest()


# ---- Sprig: conversions, numbers, types -----------------------------------------------------------


def _arith(op, fold=False):
    def f(ex, a, line):
        nums = [to_int(x) for x in a]
        if fold:
            out = nums[0]
            for n in nums[1:]:
                out = op(out, n)
            return out
        return op(*nums)
    return f


FUNCTIONS["add"] = Function(_arith(lambda x, y: x + y, True), False, (1, 99))
FUNCTIONS["mul"] = Function(_arith(lambda x, y: x * y, True), False, (1, 99))
FUNCTIONS["sub"] = Function(_arith(lambda x, y: x - y), False, (2, 2))
FUNCTIONS["add1"] = Function(_arith(lambda x: x + 1), False, (1, 1))
FUNCTIONS["max"] = Function(_arith(max, True), False, (1, 99))
FUNCTIONS["min"] = Function(_arith(min, True), False, (1, 99))


@fn("div", arity=(2, 2))
def _div(ex, a, line):
    x, y = to_int(a[0]), to_int(a[1])
    if y == 0:
        ex.error("error calling div: integer divide by zero", line)
    q = abs(x) // abs(y)
    return q if (x >= 0) == (y >= 0) else -q


@fn("mod", arity=(2, 2))
def _mod(ex, a, line):
    x, y = to_int(a[0]), to_int(a[1])
    if y == 0:
        ex.error("error calling mod: integer divide by zero", line)
    return int(math.fmod(x, y))


@fn("until", arity=(1, 1))
def _until(ex, a, line):
    n = to_int(a[0])
    if n > 100_000:
        return UNKNOWN
    return list(range(n)) if n >= 0 else list(range(0, n, -1))


# ---- Sprig: lists and dicts ---------------------------------------------------------------------


def _as_list(v) -> list:
    if isinstance(v, (list, tuple)):
        return list(v)
    if v is None:
        return []
    raise TypeError(f"cannot use {type_name(v)} as a list")


@fn("list", "tuple", unknowns=True)
def _list(ex, a, line):
    return list(a)


@fn("first", "mustFirst", arity=(1, 1))
def _first(ex, a, line):
    v = _as_list(a[0])
    return v[0] if v else None


@fn("last", "mustLast", arity=(1, 1))
def _last(ex, a, line):
    v = _as_list(a[0])
    return v[-1] if v else None


@fn("append", "push", "mustAppend", "mustPush", unknowns=True, arity=(2, 2))
def _append(ex, a, line):
    if a[0] is UNKNOWN:
        return UNKNOWN
    return _as_list(a[0]) + [a[1]]


@fn("prepend", "mustPrepend", unknowns=True, arity=(2, 2))
def _prepend(ex, a, line):
    if a[0] is UNKNOWN:
        return UNKNOWN
    return [a[1]] + _as_list(a[0])


@fn("concat", unknowns=True)
def _concat(ex, a, line):
    out = []
    for v in a:
        if v is UNKNOWN:
            return UNKNOWN
        out.extend(_as_list(v))
    return out


@fn("has", "mustHas", arity=(2, 2))
def _has(ex, a, line):
    if has_unknown(a[1]):
        return UNKNOWN
    member = a[1].get("Has") if isinstance(a[1], Struct) else None
    if isinstance(member, Method):
        # `has "policy/v1/PodDisruptionBudget" .Capabilities.APIVersions`: Helm's VersionSet is a
        # list of the served API versions, asked here as its Has method answers (external-secrets)
        return member.fn(a[0]) if isinstance(a[0], str) else UNKNOWN
    return any(_safe_eq(a[0], x) or (_num(a[0]) and _num(x) and a[0] == x) for x in _as_list(a[1]))


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@fn("uniq", "mustUniq", arity=(1, 1))
def _uniq(ex, a, line):
    out = []
    for x in _as_list(a[0]):
        if not any(_safe_eq(x, y) for y in out):
            out.append(x)
    return out


def _copy(v, depth):
    if depth > 200:
        raise ValueError("too deep to copy")
    if isinstance(v, OpenVDict):  # still a dependency's partly known values
        return OpenVDict({k: _copy(x, depth + 1) for k, x in v.items()}, origins=dict(v.origins))
    if isinstance(v, dict):
        return {k: _copy(x, depth + 1) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x, depth + 1) for x in v]
    return v


# ---- YAML and JSON ------------------------------------------------------------------------------



@fn("toYaml", "mustToYaml", unknowns=True, arity=(1, 1))
def _to_yaml(ex, a, line):
    v = a[0]
    if v is UNKNOWN:
        return UNKNOWN
    return to_yaml(v, ex.engine.placeholder).rstrip("\n") if v is not None else "null"


@fn("toJson", "mustToJson", unknowns=True, arity=(1, 1))
def _to_json(ex, a, line):
    if a[0] is UNKNOWN:
        return UNKNOWN
    return to_json(a[0], ex.engine.placeholder, None)


@fn("toRawJson", "mustToRawJson", unknowns=True, arity=(1, 1))
def _to_raw_json(ex, a, line):
    if a[0] is UNKNOWN:
        return UNKNOWN
    return to_json(a[0], ex.engine.placeholder, None, html=False)


@fn("toPrettyJson", "mustToPrettyJson", unknowns=True, arity=(1, 1))
def _to_pretty_json(ex, a, line):
    if a[0] is UNKNOWN:
        return UNKNOWN
    return to_json(a[0], ex.engine.placeholder, 2)


@fn("mustFromJson", arity=(1, 1))
def _must_from_json(ex, a, line):
    # Sprig's: any JSON value (a list of env maps in opentelemetry-demo's chart), where Helm's
    # own fromJson returns a map; bad JSON ("abc", "") stops Helm's render: unknown here
    import json

    from .chart import yaml_value

    text = strval(a[0])
    try:
        json.loads(text)  # JSON as Go reads it; the YAML reader keeps Helm's number types
        return yaml_value(text)
    except (ValueError, RecursionError):
        return UNKNOWN


@fn("fromYaml", "fromJson", arity=(1, 1))
def _from_yaml(ex, a, line):
    from .chart import yaml_value

    try:
        v = yaml_value(strval(a[0]))
    except ValueError as e:
        return {"Error": str(e)}
    return v if isinstance(v, dict) else ({} if v is None else {"Error": "not a map"})


@fn("fromYamlArray", "fromJsonArray", arity=(1, 1))
def _from_yaml_array(ex, a, line):
    from .chart import yaml_value

    try:
        v = yaml_value(strval(a[0]))
    except ValueError as e:
        return [str(e)]
    return v if isinstance(v, list) else []


# one-expression functions: (names, arity, fn(args))
_SIMPLE = [
    (("not",), (1, 1), lambda a: not truth(a[0])),
    (("printf",), (1, 99), lambda a: sprintf(a[0], a[1:])),
    (("html", "js", "urlquery"), None, lambda a: UNKNOWN),
    (("empty",), (1, 1), lambda a: empty(a[0])),
    (("quote",), None, lambda a: " ".join(go_quote(strval(v)) for v in a if v is not None)),
    (("squote",), None, lambda a: " ".join("'" + strval(v) + "'" for v in a if v is not None)),
    (("cat",), None, lambda a: " ".join(strval(v) for v in a if v is not None)),
    (("toString",), (1, 1), lambda a: a[0] if isinstance(a[0], str) else go_str(a[0])),
    (("toStrings",), (1, 1), lambda a: [strval(v) for v in _as_list(a[0]) if v is not None]),
    (("trim",), (1, 1), lambda a: _retrace(a[0], strval(a[0]).strip(" \t\n\r\v\f\x85\xa0"))),
    (("trimAll",), (2, 2), lambda a: _retrace(a[1], strval(a[1]).strip(strval(a[0])))),
    (("lower",), (1, 1), lambda a: strval(a[0]).lower()),
    (("upper",), (1, 1), lambda a: strval(a[0]).upper()),
    (("replace",), (3, 3), lambda a: strval(a[2]).replace(strval(a[0]), strval(a[1]))),
    (("contains",), (2, 2), lambda a: strval(a[0]) in strval(a[1])),
    (("hasPrefix",), (2, 2), lambda a: strval(a[1]).startswith(strval(a[0]))),
    (("hasSuffix",), (2, 2), lambda a: strval(a[1]).endswith(strval(a[0]))),
    (("nospace",), (1, 1), lambda a: "".join(strval(a[0]).split())),
    (("split",), (2, 2), lambda a: {f"_{i}": p for i, p in enumerate(_go_split(strval(a[1]), strval(a[0])))}),
    (("splitList",), (2, 2), lambda a: _go_split(strval(a[1]), strval(a[0]))),
    (("int", "int64", "atoi"), (1, 1), lambda a: to_int(a[0])),
    (("float64",), (1, 1), lambda a: to_float(a[0])),
    (("kindIs",), (2, 2), lambda a: strval(a[0]) == kind_name(a[1])),
    (("kindOf",), (1, 1), lambda a: kind_name(a[0])),
    (("typeOf",), (1, 1), lambda a: type_name(a[0])),
    (("typeIs",), (2, 2), lambda a: strval(a[0]) == type_name(a[1])),
    (("values",), (1, 1), lambda a: [a[0][k] for k in sorted(a[0])]),
    (("rest",), (1, 1), lambda a: _as_list(a[0])[1:]),
    (("initial",), (1, 1), lambda a: _as_list(a[0])[:-1]),
    (("compact", "mustCompact"), (1, 1), lambda a: [x for x in _as_list(a[0]) if not empty(x)]),
    (("without", "mustWithout"), (1, 99),
     lambda a: [x for x in _as_list(a[0]) if not any(_safe_eq(x, y) for y in a[1:])]),
    (("sortAlpha",), (1, 1), lambda a: sorted(strval(x) for x in _as_list(a[0]))),
    (("reverse", "mustReverse"), (1, 1), lambda a: _as_list(a[0])[::-1]),
    (("deepCopy", "mustDeepCopy"), (1, 1), lambda a: _copy(a[0], 0)),
]
for _names, _arity, _f in _SIMPLE:
    for _name in _names:
        FUNCTIONS[_name] = Function(lambda ex, a, line, _f=_f: _f(a), False, _arity)

# functions that build text from their arguments' text
for _name in ("indent", "nindent", "trim", "trimAll", "trimPrefix", "trimSuffix", "quote", "squote", "cat", "upper",
              "lower", "title", "replace", "printf", "print", "println", "toString", "trunc", "substr", "nospace",
              "tpl", "repeat", "camelcase", "snakecase", "kebabcase", "untitle"):
    FUNCTIONS[_name].text = True


# ---- semver ---------------------------------------------------------------------------------------


@fn("semverCompare", arity=(2, 2))
def _semver_compare(ex, a, line):
    try:
        return semver_match(strval(a[0]), strval(a[1]))
    except ValueError as e:
        ex.error(f"error calling semverCompare: {e}", line)


@fn("semver", arity=(1, 1))
def _semver(ex, a, line):
    v = parse_version(strval(a[0]))
    if v is None:
        ex.error(f"invalid semantic version: {a[0]!r}", line)
    return Struct({"Major": v[0], "Minor": v[1], "Patch": v[2], "Prerelease": v[3]}, text=strval(a[0]))


from . import dicts as _dicts  # noqa: E402,F401  (the dict functions register themselves)
from . import regexes as _regexes  # noqa: E402,F401  (so do the regular expression functions)
