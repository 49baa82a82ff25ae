"""``.Files`` of a chart, as Helm hands it to templates: ``Get``, ``Lines``, ``Glob`` (a set of
files, with ``AsConfig``, ``AsSecrets``, ``Get``, ``Glob``, ``Lines``), read from the chart's
own folder.

The chart's files are every file of its folder but ``Chart.yaml``, ``values.yaml`` and the
other files Helm reads itself, ``templates/`` and ``charts/`` (a subchart's files are its own);
at most ``MAX_FILES`` are listed.  A path outside the chart is no file of it ("" as in Helm); a
file that cannot be read (binary, huge, not UTF-8) is unknown, and so are ``GetBytes`` and a
set holding such a file's ``AsConfig``/``AsSecrets``.  Every folder listed and file read is an
input of the render.  ``Glob`` patterns are gobwas/glob's with ``/`` as separator: ``*`` and
``?`` stay within a folder, ``**`` crosses folders, ``[...]`` and ``{a,b}`` as there; a pattern
it cannot read (nested braces) gives unknown.  Matching simulates the pattern's automaton: no
backtracking, linear in the name for a pattern.
"""
from __future__ import annotations

import os
import posixpath

from .evaluate import UNKNOWN, FilesMap, Method, Struct

MAX_FILES = 2000  # files of a chart listed for Glob
MAX_DEPTH = 20  # folders deep
#: the files Helm reads itself: not in .Files
_OWN = frozenset(("Chart.yaml", "Chart.lock", "values.yaml", "values.schema.json", "requirements.yaml",
                  "requirements.lock"))


def files_object(chart=None) -> Struct:
    """The ``.Files`` of ``chart`` (every method unknown without one: a template rendered alone)."""
    unknown = Method("Files", lambda *a: UNKNOWN)
    out = {n: unknown for n in ("Get", "GetBytes", "Glob", "Lines", "AsConfig", "AsSecrets")}
    if chart is not None:
        out["Get"] = Method("Files", lambda name: _get(chart, name))
        out["Lines"] = Method("Files", lambda name: _lines(_get(chart, name)))
        out["Glob"] = Method("Files", lambda pattern: _glob(chart, pattern, None))
    return Struct(out)


def _top(chart):
    while chart.parent is not None:
        chart = chart.parent
    return chart


def _rel(name) -> str | None:
    if not isinstance(name, str):
        return None
    rel = posixpath.normpath(name.replace("\\", "/"))
    if rel.startswith(("/", "../")) or rel in (".", "..") or rel.split("/", 1)[0] in ("templates", "charts") \
            or rel in _OWN:
        return None
    return rel


def _get(chart, name):
    from .chart import _read

    rel = _rel(name)
    if rel is None:
        return UNKNOWN if not isinstance(name, str) else ""
    inputs = _top(chart).inputs
    path = os.path.join(chart.root, *rel.split("/"))
    if not os.path.isfile(path):
        inputs.append(path)
        return ""
    text = _read(path, [], inputs)
    return UNKNOWN if text is None else text


def _lines(text):
    if text is UNKNOWN or text == "":
        return text if text is UNKNOWN else []
    return (text[:-1] if text.endswith("\n") else text).split("\n")


def _names(chart) -> list[str]:
    """The chart's files, as paths relative to its folder (sorted), listed once per chart."""
    if chart.file_names is not None:
        return chart.file_names
    inputs = _top(chart).inputs
    out: list[str] = []
    stack = [("", 0)]
    while stack and len(out) < MAX_FILES:
        rel, depth = stack.pop()
        folder = os.path.join(chart.root, *rel.split("/")) if rel else chart.root
        inputs.append(folder)
        try:
            with os.scandir(folder) as it:
                entries = sorted((e.name, e.is_dir(follow_symlinks=False), e.is_file(follow_symlinks=False))
                                 for e in it)
        except OSError:
            continue
        for name, is_dir, is_file in entries:
            path = f"{rel}/{name}" if rel else name
            if is_dir and depth < MAX_DEPTH and not (not rel and name in ("templates", "charts")):
                stack.append((path, depth + 1))
            elif is_file and not (not rel and name in _OWN) and len(out) < MAX_FILES:
                out.append(path)
    chart.file_names = sorted(out)
    return chart.file_names


MAX_ALTERNATIVES = 64  # patterns a {a,b} pattern expands to, at most


def _expand(pattern: str) -> list[str] | None:
    """``{a,b}`` alternatives (not nested) expanded: ``x{a,b}y`` -> ``xay``, ``xby``."""
    out = [""]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out = [o + pattern[i:i + 2] for o in out]
            i += 2
            continue
        if c == "{":
            end = pattern.find("}", i)
            if end < 0 or "{" in pattern[i + 1:end]:
                return None  # unclosed or nested: not read
            choices = pattern[i + 1:end].split(",")
            out = [o + ch for o in out for ch in choices]
            if len(out) > MAX_ALTERNATIVES:
                return None
            i = end + 1
            continue
        if c == "}":
            return None
        out = [o + c for o in out]
        i += 1
    return out


def _tokens(pattern: str) -> list | None:
    """("lit", c) / ("one",) / ("star",) / ("any",) / ("set", chars, negated) of a pattern."""
    out: list = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                out.append(("any",))
                i += 2
                continue
            out.append(("star",))
        elif c == "?":
            out.append(("one",))
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                return None
            body = pattern[i + 1:end]
            neg = body.startswith("!")
            body = body[1:] if neg else body
            chars: set = set()
            j = 0
            while j < len(body):
                if j + 2 < len(body) and body[j + 1] == "-":
                    chars.update(chr(x) for x in range(ord(body[j]), ord(body[j + 2]) + 1) if x - ord(body[j]) < 256)
                    j += 3
                else:
                    chars.add(body[j])
                    j += 1
            out.append(("set", frozenset(chars), neg))
            i = end + 1
            continue
        elif c == "\\" and i + 1 < n:
            out.append(("lit", pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(("lit", c))
        i += 1
    return out


def _closure(tokens: list, states: set) -> set:
    """The states reachable without reading a character (a star may match nothing)."""
    todo = list(states)
    while todo:
        s = todo.pop()
        if s < len(tokens) and tokens[s][0] in ("star", "any") and s + 1 not in states:
            states.add(s + 1)
            todo.append(s + 1)
    return states


def _matches(tokens: list, name: str) -> bool:
    """Whether ``name`` matches the tokens: a simulation of the pattern's automaton, in time
    proportional to the pattern's length times the name's (no backtracking)."""
    states = _closure(tokens, {0})
    for ch in name:
        nxt: set = set()
        for s in states:
            if s >= len(tokens):
                continue
            t = tokens[s]
            kind = t[0]
            if kind == "any" or kind == "star" and ch != "/":
                nxt.add(s)
            elif kind == "one" and ch != "/" or kind == "lit" and t[1] == ch or \
                    kind == "set" and ch != "/" and (ch in t[1]) != t[2]:
                nxt.add(s + 1)
        if not nxt:
            return False
        states = _closure(tokens, nxt)
    return len(tokens) in states


def glob_matcher(pattern: str):
    """gobwas/glob's pattern (``/`` the separator) as a function of a path, or None when it
    cannot be read."""
    alts = _expand(pattern)
    if alts is None:
        return None
    compiled = [_tokens(a) for a in alts]
    if any(t is None for t in compiled):
        return None
    return lambda name: any(_matches(t, name) for t in compiled)


def _glob(chart, pattern, among):
    """The files matching ``pattern`` (of ``among``, a set Glob gave, else of the chart)."""
    match = glob_matcher(pattern) if isinstance(pattern, str) else None
    if match is None:
        return UNKNOWN
    names = list(among) if among is not None else _names(chart)
    found = {n: (among[n] if among is not None else _get(chart, n)) for n in names if match(n)}
    return _file_set(chart, found)


def _file_set(chart, found: dict) -> FilesMap:
    out = FilesMap(found)
    out.methods = {
        "Get": Method("Files", lambda name: out.get(name, "") if isinstance(name, str) else UNKNOWN),
        "GetBytes": Method("Files", lambda *a: UNKNOWN),
        "Lines": Method("Files", lambda name: _lines(out.get(name, "")) if isinstance(name, str) else UNKNOWN),
        "Glob": Method("Files", lambda pattern: _glob(chart, pattern, out)),
        "AsConfig": Method("Files", lambda: _as_map(out, False)),
        "AsSecrets": Method("Files", lambda: _as_map(out, True)),
    }
    return out


def _as_map(files: FilesMap, secret: bool):
    """Helm's ``AsConfig``/``AsSecrets``: the files by their base names, as YAML (base64 values
    for secrets), without the final newline."""
    import base64

    from .gofmt import to_yaml

    if any(v is UNKNOWN for v in files.values()):
        return UNKNOWN
    m = {}
    for k, v in files.items():
        m[posixpath.basename(k)] = base64.b64encode(v.encode("utf-8")).decode("ascii") if secret else v
    if not m:
        return ""
    return to_yaml(m, "").rstrip("\n")
