"""``.Files`` of a chart, as Helm hands it to templates: ``Get``, ``Lines``, ``Glob`` (a set of
files, with ``AsConfig``, ``AsSecrets``, ``Get``, ``Glob``, ``Lines``), read from the chart's
own folder.

The chart's files are every file of its folder but ``Chart.yaml``, ``values.yaml`` and the
other files Helm reads itself, ``templates/`` and ``charts/`` (a subchart's files are its own);
at most ``MAX_FILES`` are listed.  A path outside the chart is no file of it ("" as in Helm); a
file that cannot be read (binary, huge, not UTF-8) is unknown, and so are ``GetBytes`` and a
set holding such a file's ``AsConfig``/``AsSecrets`` (``.Files.AsConfig`` is that of every
file).  Every folder listed and file read is an input of the render.  ``Glob`` patterns are gobwas/glob's with ``/`` as separator: ``*`` and
``?`` stay within a folder, ``**`` crosses folders, ``[...]`` and ``{a,b}`` as there; a pattern
it cannot read (nested braces) gives unknown.  Matching simulates the pattern's automaton: no
backtracking, linear in the name for a pattern.
"""
from __future__ import annotations

import os
import posixpath

from .evaluate import UNKNOWN, FilesMap, Method, Struct

MAX_FILES = 2000  # files of a chart listed for Glob (more: Glob is unknown)
MAX_DEPTH = 20  # folders deep
MAX_PATTERN = 256  # characters of a Glob pattern (longer: unknown; charts' patterns are short)
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
        # the whole set's: every file of the chart (Helm's .Files.AsConfig)
        out["AsConfig"] = Method("Files", _of_all(chart, "AsConfig"))
        out["AsSecrets"] = Method("Files", _of_all(chart, "AsSecrets"))
    return Struct(out)


def _of_all(chart, method: str):
    """``.Files.AsConfig``/``AsSecrets``: those of the set of every file of the chart."""
    def call():
        every = _glob(chart, "**", None)
        return UNKNOWN if every is UNKNOWN else every.methods[method].fn()
    return call


def _top(chart):
    while chart.parent is not None:
        chart = chart.parent
    return chart


def _rel(name) -> str | None:
    """The key Helm looks ``name`` up by: a path as the chart lists it (``files/x.yaml``; not
    ``./files/x.yaml``, ``files//x.yaml`` or a backslash: no such key), or None."""
    if not isinstance(name, str) or not name or "\x00" in name or "\\" in name:
        return None
    if posixpath.normpath(name) != name or name.startswith(("/", "../")) or name == "..":
        return None
    if name.split("/", 1)[0] in ("templates", "charts") or name in _OWN:
        return None
    return name


def _get(chart, name):
    """A file's text, read once per chart (and recorded once as an input)."""
    from .chart import _read

    if not isinstance(name, str):
        return UNKNOWN
    rel = _rel(name)
    if rel is None:
        return ""
    memo = chart.file_texts
    if rel in memo:
        return memo[rel]
    inputs = _top(chart).inputs
    path = os.path.join(chart.root, *rel.split("/"))
    if not os.path.isfile(path):
        inputs.append(path)
        text = ""
    else:
        text = _read(path, [], inputs)
        text = UNKNOWN if text is None else text
    if len(memo) < MAX_FILES:
        memo[rel] = text
    return text


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
    chart.file_names_cut = False
    while stack:
        if len(out) >= MAX_FILES:
            chart.file_names_cut = True
            break
        rel, depth = stack.pop()
        folder = os.path.join(chart.root, *rel.split("/")) if rel else chart.root
        inputs.append(folder)
        try:
            with os.scandir(folder) as it:
                entries = sorted((e.name, e.is_dir(follow_symlinks=False), e.is_file()) for e in it)
        except OSError:
            continue
        for name, is_dir, is_file in entries:
            path = f"{rel}/{name}" if rel else name
            if is_dir and not (not rel and name in ("templates", "charts")):
                if depth >= MAX_DEPTH:
                    chart.file_names_cut = True
                    continue
                stack.append((path, depth + 1))
            elif is_file and not (not rel and name in _OWN):
                if len(out) >= MAX_FILES:
                    chart.file_names_cut = True
                    break
                out.append(path)
    chart.file_names = sorted(out)
    return chart.file_names


MAX_ALTERNATIVES = 64  # patterns a {a,b} pattern expands to, at most


def _expand(pattern: str) -> list[str] | None:
    """``{a,b}`` alternatives (not nested) expanded: ``x{a,b}y`` -> ``xay``, ``xby``.  The
    pattern is at most ``MAX_PATTERN`` characters (the caller checks)."""
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
            ranges = []  # (lo, hi) code points: a range is tested, never listed
            j = 0
            while j < len(body):
                if j + 2 < len(body) and body[j + 1] == "-":
                    ranges.append((ord(body[j]), ord(body[j + 2])))
                    j += 3
                else:
                    ranges.append((ord(body[j]), ord(body[j])))
                    j += 1
            out.append(("set", tuple(ranges), neg))
            i = end + 1
            continue
        elif c == "\\" and i + 1 < n:
            out.append(("lit", pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(("lit", c))
        i += 1
    # runs of stars are one star (one ** among them: any)
    merged: list = []
    for t in out:
        if merged and t[0] in ("star", "any") and merged[-1][0] in ("star", "any"):
            merged[-1] = ("any",) if "any" in (t[0], merged[-1][0]) else t
        else:
            merged.append(t)
    return merged


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
                    kind == "set" and ch != "/" and any(lo <= ord(ch) <= hi for lo, hi in t[1]) != t[2]:
                nxt.add(s + 1)
        if not nxt:
            return False
        states = _closure(tokens, nxt)
    return len(tokens) in states


def glob_matcher(pattern: str):
    """gobwas/glob's pattern (``/`` the separator) as a function of a path, or None when it
    cannot be read."""
    if len(pattern) > MAX_PATTERN:
        return None
    alts = _expand(pattern)
    if alts is None:
        return None
    compiled = [_tokens(a) for a in alts]
    if any(t is None for t in compiled):
        return None
    return lambda name: any(_matches(t, name) for t in compiled)


def _glob(chart, pattern, among):
    """The files matching ``pattern`` (of ``among``, a set Glob gave, else of the chart)."""
    if among is None and isinstance(pattern, str) and pattern in chart.globs:
        return chart.globs[pattern]  # (a set cannot be changed: set/merge refuse it)
    match = glob_matcher(pattern) if isinstance(pattern, str) else None
    if match is None:
        return UNKNOWN
    if among is None:
        names = _names(chart)
        if chart.file_names_cut:
            return UNKNOWN  # a listing cut short: what it matches is not known
    else:
        names = list(among)
    found = {n: (among[n] if among is not None else _get(chart, n)) for n in names if match(n)}
    out = _file_set(chart, found)
    if among is None and len(chart.globs) < 256:
        chart.globs[pattern] = out
    return out


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
        return "{}"  # toYAML of an empty map
    return to_yaml(m, "").rstrip("\n")
