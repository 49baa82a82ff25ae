"""Go values as text, as Helm prints them: ``fmt`` (``{{ x }}``, ``print``, ``printf``),
strconv's quoting, spf13/cast's conversions (``int``, ``float64``), and the YAML and JSON that
``toYaml``/``toJson`` write (sigs.k8s.io/yaml: JSON first, so keys sorted and integral numbers
without a fraction; go-yaml v2's block style: two-space indent, lists at their key's indent,
strings quoted only when needed, double quotes for a string that would read back as another
type).  Long strings are never folded (go-yaml folds plain scalars past 80 columns).
"""
from __future__ import annotations

import math
import re

from .evaluate import UNKNOWN, Method, Struct


def type_name(v) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, Struct):
        return "struct"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    return "func"


def kind_name(v) -> str:
    t = type_name(v)
    return {"<nil>": "invalid", "map[string]interface {}": "map", "[]interface {}": "slice"}.get(t, t)


def go_float(f: float) -> str:
    """``fmt.Sprint`` of a float64 (strconv's 'g' with the shortest digits): the exponent form
    when the decimal exponent is below -4 or at least 6 (``1e+06``, ``1.5e-05``), else plain."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    from decimal import Decimal

    sign, digits, exp = Decimal(repr(f)).as_tuple()
    ds = "".join(map(str, digits))
    stripped = ds.rstrip("0")
    exp += len(ds) - len(stripped)
    ds = stripped
    e = len(ds) + exp - 1  # the exponent of the first digit
    neg = "-" if sign else ""
    if e < -4 or e >= 6:
        m = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        return f"{neg}{m}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if exp >= 0:
        return neg + ds + "0" * exp
    point = len(ds) + exp
    if point > 0:
        return neg + ds[:point] + "." + ds[point:]
    return neg + "0." + "0" * (-point) + ds


def go_str(v, placeholder: str = "") -> str:
    """``fmt.Sprint(v)``; UNKNOWN (also inside a list or map) is ``placeholder``."""
    if v is UNKNOWN:
        return placeholder
    if isinstance(v, str):
        return v
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, Struct) and v.text is not None:
        return v.text
    if isinstance(v, dict):
        pairs = (f"{go_str(k, placeholder)}:{go_str(v[k], placeholder)}" for k in sorted(v, key=str))
        return "map[" + " ".join(pairs) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(go_str(x, placeholder) for x in v) + "]"
    if isinstance(v, Method):
        return placeholder
    return str(v)


def strval(v, placeholder: str = "") -> str:
    """Sprig's strval: strings as they are, anything else as ``%v``."""
    return v if isinstance(v, str) else go_str(v, placeholder)


def go_quote(s: str) -> str:
    """strconv.Quote."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _GO_ESC:
            out.append(_GO_ESC[ch])
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif not ch.isprintable() and o > 0x7F:
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_GO_ESC = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def print_args(args) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    out = []
    prev_str = True
    for i, v in enumerate(args):
        is_str = isinstance(v, str)
        if i and not is_str and not prev_str:
            out.append(" ")
        out.append(go_str(v))
        prev_str = is_str
    return "".join(out)



_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def sprintf(fmt, args) -> str:
    """fmt.Sprintf for the verbs charts use (%s %d %v %q %t %f %x %e %g, width, precision,
    ``-``/``0`` flags); a wrong type or a missing operand prints as Go does (``%!d(string=x)``)."""
    if not isinstance(fmt, str):
        fmt = go_str(fmt)
    used = 0
    out = []
    pos = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        flags, width, prec, verb = m.group(1), m.group(2), m.group(3), m.group(4)
        if verb == "%":
            out.append("%")
            continue
        if used >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        v = args[used]
        used += 1
        s = _format_one(verb, v, prec)
        if width:
            w = int(width)
            if "-" in flags:
                s = s.ljust(w)
            elif "0" in flags and verb in "dfx" and s[:1] not in "%":
                neg = s.startswith("-")
                s = ("-" if neg else "") + s.lstrip("-").rjust(w - neg, "0")
            else:
                s = s.rjust(w)
        out.append(s)
    out.append(fmt[pos:])
    if used < len(args):
        extra = ", ".join(f"{type_name(v)}={go_str(v)}" for v in args[used:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _bad(verb, v) -> str:
    return f"%!{verb}({type_name(v)}={go_str(v)})" if v is not None else f"%!{verb}(<nil>)"


def _format_one(verb: str, v, prec) -> str:
    if verb == "v":
        return go_str(v)
    if verb == "s":
        if isinstance(v, str):
            return v[:int(prec)] if prec is not None else v
        if isinstance(v, (list, dict)):
            return go_str(v)
        return _bad(verb, v)
    if verb == "q":
        if isinstance(v, str):
            return go_quote(v)
        if isinstance(v, int) and not isinstance(v, bool):
            return "'" + chr(v) + "'"
        return _bad(verb, v)
    if verb == "d":
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        return _bad(verb, v)
    if verb == "t":
        return ("true" if v else "false") if isinstance(v, bool) else _bad(verb, v)
    if verb in "fF":
        if isinstance(v, float):
            return f"{v:.{int(prec) if prec is not None else 6}f}"
        return _bad(verb, v)
    if verb in "xX":
        if isinstance(v, int) and not isinstance(v, bool):
            s = format(v, "x")
        elif isinstance(v, str):
            s = v.encode().hex()
        else:
            return _bad(verb, v)
        return s.upper() if verb == "X" else s
    if verb in "eEgG" and isinstance(v, float):
        return format(v, verb)
    return _bad(verb, v)


# ---- conversions (spf13/cast, as Sprig calls it) ---------------------------------------------------


def to_int(v) -> int:
    """cast.ToInt: strings parsed (0 when not a number), floats truncated, bool 1/0."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if math.isfinite(v) else 0
    if isinstance(v, str):
        t = v.strip()
        if "." in t and t.rstrip("0").endswith("."):
            t = t.rstrip("0")[:-1]  # cast's trimZeroDecimal: "3.0" is 3
        body = t.lstrip("+-")
        try:
            if len(body) > 1 and body[0] == "0" and body[1].isdigit():
                return int(t, 8)
            return int(t, 0)
        except ValueError:
            return 0
    return 0


def to_float(v) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return 0.0
    return 0.0


# ---- toYaml / toJson ------------------------------------------------------------------------------


def _json_ready(v, placeholder: str, depth: int = 0):
    if depth > 200:
        raise ValueError("too deep")
    if v is UNKNOWN or isinstance(v, Method):
        return placeholder
    if isinstance(v, dict):
        return {str(k): _json_ready(x, placeholder, depth + 1) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_ready(x, placeholder, depth + 1) for x in v]
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return int(v)
    return v


def to_json(v, placeholder: str, indent, html: bool = True) -> str:
    """Go's ``json.Marshal``; ``html=False``: without its HTML escapes (Sprig's ``toRawJson``)."""
    import json

    s = json.dumps(_json_ready(v, placeholder), sort_keys=True, ensure_ascii=False, indent=indent,
                   separators=(",", ":") if indent is None else (",", ": "))
    if not html:
        return s
    # Go's encoder escapes these for HTML safety
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# strings go-yaml v2 would read as another type, hence quoted
_YAML_SPECIAL = re.compile(
    r"(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<"
    r"|[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)"
    r"|[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)")
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")


def _plain_ok(s: str) -> bool:
    if s != s.strip():
        return False
    if s[0] in _PLAIN_BAD_START:
        if s[0] not in "-?:" or len(s) == 1 or s[1] in " \t":
            return False
    if ": " in s or " #" in s or s.endswith(":") or "\t" in s:
        return False
    return all(c.isprintable() for c in s)


def _yaml_scalar(v, placeholder: str, indent: str) -> str:
    import json

    if v is UNKNOWN or isinstance(v, Method):
        return placeholder
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e21:
            return str(int(v))
        return json.dumps(v)
    s = v if isinstance(v, str) else go_str(v, placeholder)
    if not s or _YAML_SPECIAL.fullmatch(s):
        return json.dumps(s, ensure_ascii=False)  # would read back as another type
    if "\n" in s and all(c.isprintable() or c == "\n" for c in s) and not any(
            ln != ln.rstrip(" ") for ln in s.split("\n")):
        chomp = "" if s.endswith("\n") and not s.endswith("\n\n") else ("+" if s.endswith("\n") else "-")
        body = s[:-1] if chomp == "" else (s.rstrip("\n") if chomp == "-" else s[:-1])
        lead = "2" if body[:1] == " " else ""
        return f"|{lead}{chomp}\n" + "\n".join((indent + "  " + ln) if ln else "" for ln in body.split("\n"))
    if _plain_ok(s):
        return s
    if all(c.isprintable() for c in s):  # blanks at the ends too: only breaks need double quotes
        return "'" + s.replace("'", "''") + "'"
    return json.dumps(s, ensure_ascii=False)


def to_yaml(v, placeholder: str, indent: str = "", depth: int = 0) -> str:
    """Block YAML of ``v`` as Helm's toYaml writes it, ending with a newline."""
    if depth > 200:
        raise ValueError("too deep")
    if isinstance(v, dict) and v:
        out = []
        for k in sorted(v, key=str):
            x = v[k]
            key = _yaml_scalar(str(k), placeholder, indent)
            if isinstance(x, dict) and x:
                out.append(f"{indent}{key}:\n" + to_yaml(x, placeholder, indent + "  ", depth + 1))
            elif isinstance(x, (list, tuple)) and x:
                out.append(f"{indent}{key}:\n" + to_yaml(x, placeholder, indent, depth + 1))
            else:
                out.append(f"{indent}{key}: {_empty_or_scalar(x, placeholder, indent)}\n")
        return "".join(out)
    if isinstance(v, (list, tuple)) and v:
        out = []
        for x in v:
            if (isinstance(x, dict) or isinstance(x, (list, tuple))) and x:
                inner = to_yaml(x, placeholder, indent + "  ", depth + 1)
                out.append(f"{indent}- " + inner[len(indent) + 2:])
            else:
                out.append(f"{indent}- {_empty_or_scalar(x, placeholder, indent)}\n")
        return "".join(out)
    return indent + _empty_or_scalar(v, placeholder, indent) + "\n"


def _empty_or_scalar(x, placeholder: str, indent: str) -> str:
    if isinstance(x, dict):
        return "{}"
    if isinstance(x, (list, tuple)):
        return "[]"
    return _yaml_scalar(x, placeholder, indent)
