"""Inline suppressions, one syntax for every file kind, written in that kind's comment:

    # archlint: ignore[DF001,DF005] reason      (own line: the next statement)
    RUN ...                                     (Dockerfile: own line only)
    some command  # archlint: ignore[BC001]     (end of line, where the kind has trailing comments)
    # archlint: ignore-file[DF011]              (anywhere in the first 20 lines: the whole file)
    <!-- archlint: ignore[BC006] -->            (Markdown)

Also honoured so a repository can switch without rewriting them: ``# hadolint ignore=DL3007``
(next instruction), ``# hadolint global ignore=…`` (file) and BuildKit's ``# check=skip=…``
directive, for the archlint rules that overlap, and so are the ``ignored:`` codes of the repository's
hadolint configuration (``.hadolint.yaml``/``.hadolint.yml``, the nearest from a Dockerfile's folder
up to the repository's top level) for its Dockerfiles.  Unused archlint suppressions are reported as
AL002 (off by default); an ID in one that names no rule (a typo) as AL008.
"""
from __future__ import annotations

import os
import re

from .kinds import TABLE as _KINDS
from .model import Finding, Span
from .source import read_regular

_SUPPRESS_HEAD = re.compile(r"archlint:\s*(ignore-file|ignore)\b")
_HADOLINT = re.compile(r"^\s*#\s*hadolint\s+(global\s+)?ignore=([A-Za-z0-9, ]+)")
_BUILDKIT_CHECK = re.compile(r"^\s*#\s*check\s*=\s*(.*)$")

HADOLINT_MAP = {"DL3006": ("DF002",), "DL3007": ("DF001",), "DL3029": ("DF003",)}
BUILDKIT_MAP = {
    "fromplatformflagconstdisallowed": ("DF003",),
    "redundanttargetplatform": ("DF010",),
    "undefinedvar": ("DF007",),
    "undefinedarginfrom": ("DF012",),
}
_MAPPED = frozenset(x for ids in HADOLINT_MAP.values() for x in ids)

#: kinds whose comments may end a line of code (from the kinds table)
TRAILING_OK = frozenset(k.name for k in _KINDS.values() if k.trailing_comments)
HEAD_LINES = 20


class Suppression:
    __slots__ = ("line", "col", "ids", "first", "last", "file_level", "native", "used")

    def __init__(self, line, col, ids, first, last, file_level=False, native=True):
        self.line, self.col = line, col  # where the comment is
        self.ids = ids  # empty: every rule
        self.first, self.last = first, last  # lines it covers
        self.file_level = file_level
        self.native = native  # archlint syntax (AL002 applies) rather than a peer's
        self.used: set = set()

    def covers(self, f: Finding) -> bool:
        if not (self.file_level or self.first <= f.span.line <= self.last):
            return False
        return not self.ids or any(f.rule_id.startswith(i) for i in self.ids)


def _openers(kind: str) -> tuple[str, ...]:
    """Comment openers of a kind: its own (kinds table) and ``#`` (a Markdown runbook's shell
    blocks comment with ``#``, its prose with ``<!--``)."""
    row = _KINDS.get(kind)
    return ("#", row.comment) if row is not None and row.comment != "#" else ("#",)


def _is_comment_start(kind: str, text: str, idx: int) -> bool:
    j = idx
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return any(text.startswith(op, j - len(op)) and j >= len(op) for op in _openers(kind))


def _suppressions_in(line: str):
    """(start, "ignore" or "ignore-file", the bracketed IDs or None, comment start) of each
    ``archlint: ignore[...]`` in ``line``: the reading of the pattern
    ``archlint:\\s*(ignore-file|ignore)\\b(?:\\[([^\\]]*)\\])?``, in one pass (that pattern, and a
    search back for the comment's start at each match, took quadratic time on a line of
    repeated ``archlint:ignore[``)."""
    close = -1  # the first "]" at or after the last place searched from
    none_from = len(line) + 1  # no "]" at or after this offset
    hash_at, html_at, scanned = -1, -1, 0  # the last "#" / "<!--" before ``scanned``
    pos = 0
    while True:
        m = _SUPPRESS_HEAD.search(line, pos)
        if m is None:
            return
        start, end, ids = m.start(), m.end(), None
        if line.startswith("[", end):
            if close < end + 1:
                close = -1 if end + 1 >= none_from else line.find("]", end + 1)
                if close < 0:
                    none_from = end + 1
            if close >= 0:
                ids, end = line[end + 1:close], close + 1
        j = line.rfind("#", scanned, start)
        hash_at = j if j >= 0 else hash_at
        k = line.rfind("<!--", max(0, scanned - 3), start)
        html_at = k if k >= 0 else html_at
        scanned = start
        if html_at >= 0 and html_at + 4 > hash_at:
            comment = html_at + 4
        else:
            comment = hash_at + 1 if hash_at >= 0 else start
        yield start, m.group(1), ids, comment
        pos = end


def _ids(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(i.strip().upper() for i in raw.split(",") if i.strip())


def _statement_range(model, lines: list[str], n: int) -> tuple[int, int]:
    rng = getattr(model, "statement_range", None)
    if rng is not None:
        return rng(n)
    last = n
    while last <= len(lines) and lines[last - 1].rstrip().endswith("\\"):
        last += 1
    return n, min(last, len(lines))


def _next_code_line(lines: list[str], n: int, comment_prefixes: tuple[str, ...]) -> int | None:
    for j in range(n + 1, len(lines) + 1):
        s = lines[j - 1].strip()
        if not s or s.startswith(comment_prefixes):
            continue
        return j
    return None


def collect(source, kind: str, model) -> list[Suppression]:
    lines = source.lines
    text = source.text
    out: list[Suppression] = []
    if "archlint:" not in text and "hadolint" not in text and "check" not in text:
        return out
    prefixes = _openers(kind)
    for idx, line in enumerate(lines, start=1):
        if "archlint:" in line:
            for start, what, raw_ids, comment in _suppressions_in(line):
                if not _is_comment_start(kind, line, comment):
                    continue
                ids = _ids(raw_ids)
                if what == "ignore-file":
                    if idx <= HEAD_LINES:
                        out.append(Suppression(idx, start + 1, ids, 1, len(lines), file_level=True))
                    continue
                own_line = line.strip().startswith(prefixes)
                if own_line:
                    nxt = _next_code_line(lines, idx, prefixes)
                    if nxt is None:
                        out.append(Suppression(idx, start + 1, ids, idx, idx))
                        continue
                    first, last = _statement_range(model, lines, nxt)
                    out.append(Suppression(idx, start + 1, ids, first, last))
                elif kind in TRAILING_OK:
                    first, last = _statement_range(model, lines, idx)
                    out.append(Suppression(idx, start + 1, ids, min(first, idx), max(last, idx)))
        if kind == "dockerfile":
            hm = _HADOLINT.match(line)
            if hm:
                ids = tuple(x for c in _ids(hm.group(2)) for x in HADOLINT_MAP.get(c, ()))
                if ids:
                    if hm.group(1):
                        out.append(Suppression(idx, 1, ids, 1, len(lines), file_level=True, native=False))
                    else:
                        nxt = _next_code_line(lines, idx, prefixes)
                        if nxt:
                            first, last = _statement_range(model, lines, nxt)
                            out.append(Suppression(idx, 1, ids, first, last, native=False))
            if idx <= HEAD_LINES:
                cm = _BUILDKIT_CHECK.match(line)
                if cm:
                    ids = _buildkit_skips(cm.group(1))
                    if ids:
                        out.append(Suppression(idx, 1, ids, 1, len(lines), file_level=True, native=False))
    return out




def _buildkit_skips(value: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in value.split(";"):
        k, _, v = part.partition("=")
        if k.strip().lower() != "skip":
            continue
        for name in v.split(","):
            name = name.strip().lower()
            if name == "all":
                out.extend(x for ids in BUILDKIT_MAP.values() for x in ids)
            out.extend(BUILDKIT_MAP.get(name, ()))
    return tuple(out)


#: hadolint's configuration files, looked for from a Dockerfile's folder up to the repository's top
#: level (hadolint reads the one in its working folder: a repository's top level, or a folder of it)
HADOLINT_CONFIGS = (".hadolint.yaml", ".hadolint.yml")
_MAX_HADOLINT_CONFIG = 64 << 10
_MAX_LEVELS = 64


def hadolint_config_ignores(abspath: str, inputs: list) -> tuple[str, ...]:
    """The archlint rules that the ``ignored:`` list of the hadolint configuration nearest to
    ``abspath`` (a Dockerfile) switches off through ``HADOLINT_MAP`` (stackabletech's
    ``DL3006`` for its bake contexts' ``FROM local-image/...``, rocker-versioned2's ``DL3007``);
    none outside a repository (no folder holding ``.git`` above: a configuration above it is
    not the repository's), when there is none up to its top level, or when the nearest is not a
    YAML mapping of at most 64 KiB whose ``ignored`` is a list.  Every path looked at is
    appended to ``inputs``."""
    from .discovery import find_root

    d = os.path.dirname(abspath)
    top = find_root(d, inputs)
    if not os.path.exists(os.path.join(top, ".git")):
        return ()
    for _ in range(_MAX_LEVELS):
        for name in HADOLINT_CONFIGS:
            cand = os.path.join(d, name)
            inputs.append(cand)
            try:
                data = read_regular(cand, _MAX_HADOLINT_CONFIG)
            except OSError:
                continue
            return _hadolint_ignored(data) if len(data) <= _MAX_HADOLINT_CONFIG else ()
        if d == top or len(d) <= len(top):
            break
        d = os.path.dirname(d)
    return ()


def _hadolint_ignored(data: bytes) -> tuple[str, ...]:
    import yaml

    try:
        doc = yaml.load(data.decode("utf-8", "replace"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # (another tool's file: whatever it holds, never the end of the lint)
        return ()
    ignored = doc.get("ignored") if type(doc) is dict else None
    if type(ignored) is not list:
        return ()
    return tuple(dict.fromkeys(x for c in ignored if type(c) is str for x in HADOLINT_MAP.get(c.strip().upper(), ())))


def apply_suppressions(source, kind: str, model, findings: list[Finding], settings, rules) -> list[Finding]:
    sups = collect(source, kind, model)
    if kind == "dockerfile" and source.abspath and os.path.isabs(source.abspath) \
            and any(f.rule_id in _MAPPED for f in findings):
        ids = hadolint_config_ignores(source.abspath, source.inputs)
        if ids:
            sups.append(Suppression(1, 1, ids, 1, len(source.lines), file_level=True, native=False))
    if not sups and not findings:
        return findings
    for f in findings:
        for s in sups:
            if s.covers(f):
                f.suppressed = True
                s.used.add(f.rule_id)
    kept = [f for f in findings]
    from .registry import get_rule

    # AL002: suppressions that matched nothing (only when the rule is enabled)
    al002 = get_rule("AL002")
    if al002 is not None and settings.rule_enabled(al002):
        enabled_ids = {r.id for r in rules}
        for s in sups:
            if not s.native:
                continue
            unused = [i for i in s.ids if not any(u.startswith(i) for u in s.used)] if s.ids else ([] if s.used else ["all rules"])
            for i in unused:
                if i != "all rules" and not any(r.startswith(i) for r in enabled_ids):
                    # the rule is off for this file: the suppression cannot be judged unused here
                    continue
                kept.append(
                    Finding(
                        "AL002",
                        f"unused suppression: no {i} finding on the lines it covers",
                        Span.point(s.line, s.col, len("archlint:")),
                        settings.severity_of("AL002", al002.severity),
                        path=source.path,
                        hint="remove it, or fix the rule ID",
                        key=i,
                    )
                )
    if any(s.native and s.ids for s in sups):
        kept.extend(_unknown_ids(source, sups, settings))
    return [f for f in kept]


def _unknown_ids(source, sups: list[Suppression], settings) -> list[Finding]:
    """AL008: IDs in archlint's own suppressions that name no rule (a typo suppresses nothing,
    and the finding it meant to silence stays, or worse, is silenced by nothing when fixed)."""
    from .registry import closest_selector, get_rule, known_selector

    rule = get_rule("AL008")
    if rule is None or not settings.rule_enabled(rule):
        return []
    out = []
    nearest: dict = {}
    for s in sups:
        if not s.native:
            continue
        upper = None
        pos = s.col - 1  # the IDs stand in the comment in order: each is searched after the last
        for i in s.ids:
            if known_selector(i, allow_all=False):
                continue
            if upper is None:
                upper = (source.lines[s.line - 1] if s.line <= len(source.lines) else "").upper()
            at = upper.find(i, pos)
            if at >= 0:
                pos = at + len(i)
            span = Span.point(s.line, at + 1, len(i)) if at >= 0 else Span.point(s.line, s.col, len("archlint:"))
            if i == "ALL":
                why = "`archlint: ignore` without a list suppresses every rule"
            else:
                if i not in nearest:
                    nearest[i] = closest_selector(i, allow_all=False)
                near = nearest[i]
                why = f"did you mean {near}?" if near else "`archlint rules` lists them"
            out.append(
                Finding(
                    "AL008",
                    f"unknown rule in suppression: {i} matches no archlint rule ID, so it suppresses nothing; {why}",
                    span,
                    settings.severity_of("AL008", rule.severity),
                    path=source.path,
                    hint="fix the rule ID, or remove it",
                    key=i,
                )
            )
    return out
