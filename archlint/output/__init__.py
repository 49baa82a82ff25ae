"""Output formats.  ``render(fmt, run, opts)`` and ``write(fmt, run, opts, out)`` import only
the module of the chosen format.

Every format module exposes ``render(run, opts) -> str``; the machine formats whose reports grow
with the tree (JSON, SARIF, GitLab) also ``write(run, opts, out)``: the same text, written to a
text stream piece by piece, without building the whole document in memory first.

- ``text``   archlint.output.text      human output (default; ``full`` is the same)
- ``concise`` archlint.output.concise  one line per finding
- ``json``   archlint.output.json_out  stable JSON document
- ``sarif``  archlint.output.sarif     SARIF 2.1.0 for GitHub code scanning and IDEs
- ``github`` archlint.output.github    GitHub Actions workflow-command annotations
- ``gitlab`` archlint.output.gitlab    GitLab Code Quality report
"""
from __future__ import annotations

import os
import re

MODULES: dict[str, str] = {
    "text": "archlint.output.text",
    "full": "archlint.output.text",
    "concise": "archlint.output.concise",
    "json": "archlint.output.json_out",
    "sarif": "archlint.output.sarif",
    "github": "archlint.output.github",
    "gitlab": "archlint.output.gitlab",
}

FORMATS: tuple[str, ...] = tuple(MODULES)


class OutputOptions:
    """How to render (a dataclass-like record; plain class because importing ``dataclasses``
    costs ~15-30 ms, which a one-file pre-commit run feels).

    - color: ANSI colours (text only; machine formats are never coloured)
    - statistics: add counts per rule (text, json)
    - sarif_root: absolute directory SARIF URIs are relative to (default: RunResult.root)
    - sarif_category: becomes runs[0].automationDetails.id (GitHub's analysis category)
    - sarif_include_suppressed: keep suppressed findings in SARIF with suppressions [{kind: inSource}]
    - show_fixes: mention available fixes (text)
    - cwd: absolute folder the paths are printed relative to (text, JSON, GitHub, GitLab); None:
      as the run holds them, relative to RunResult.root.  SARIF URIs never depend on it.
    - list_fixes: list the fixes available (``--show-fixes``; text and concise)
    - unsafe_fixes: unsafe fixes count as applicable (``--unsafe-fixes``: the fixable column of
      ``--statistics``)
    """

    __slots__ = ("color", "statistics", "sarif_root", "sarif_category", "sarif_include_suppressed", "show_fixes",
                 "cwd", "list_fixes", "unsafe_fixes")

    def __init__(
        self,
        color: bool = False,
        statistics: bool = False,
        sarif_root: str | None = None,
        sarif_category: str | None = None,
        sarif_include_suppressed: bool = False,
        show_fixes: bool = True,
        cwd: str | None = None,
        list_fixes: bool = False,
        unsafe_fixes: bool = False,
    ):
        self.color = color
        self.statistics = statistics
        self.sarif_root = sarif_root
        self.sarif_category = sarif_category
        self.sarif_include_suppressed = sarif_include_suppressed
        self.show_fixes = show_fixes
        self.cwd = cwd
        self.list_fixes = list_fixes
        self.unsafe_fixes = unsafe_fixes

    def _values(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __eq__(self, other):
        return type(other) is type(self) and self._values() == other._values()

    __hash__ = None  # mutable

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"OutputOptions({inner})"


def _module(fmt: str):
    try:
        modname = MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (allowed: {', '.join(FORMATS)})") from None
    return __import__(modname, fromlist=("_",))


def render(fmt: str, run, opts: OutputOptions | None = None, layout: dict | None = None) -> str:
    """Render ``run`` (a model.RunResult) in format ``fmt``; the text formats fill ``layout``
    with where each path's findings are (``text._record``)."""
    opts = opts if opts is not None else OutputOptions()
    if layout is not None and fmt in ("text", "full", "concise"):
        return _module(fmt).render(run, opts, layout)
    return _module(fmt).render(run, opts)


def write(fmt: str, run, opts: OutputOptions | None, out) -> None:
    """Write the report of ``run`` in format ``fmt`` to the text stream ``out``: the bytes of
    ``render``, streamed by the formats that can."""
    module = _module(fmt)
    opts = opts if opts is not None else OutputOptions()
    stream = getattr(module, "write", None)
    if stream is None:
        out.write(module.render(run, opts))
    else:
        stream(run, opts, out)


__all__ = ["FORMATS", "MODULES", "OutputOptions", "render", "write"]


# -- paths as printed ---------------------------------------------------------------------------


_UNDECODABLE = None


def printable_path(path: str) -> str:
    """A path as printed: the bytes of a name that is not UTF-8 (kept as lone surrogates by the
    file system encoding) written as ``\\xNN``, so every format stays valid UTF-8 and names the
    file unambiguously (SARIF percent-encodes the same bytes in its URIs)."""
    global _UNDECODABLE
    if path.isascii():
        return path
    if _UNDECODABLE is None:
        import re

        _UNDECODABLE = re.compile("[\udc80-\udcff]")
    return _UNDECODABLE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", path)


def _same(path: str) -> str:
    return printable_path(path)


def path_shower(run, base: str | None):
    """A function from a display path of ``run`` (relative to ``run.root``, '/' separators) to the
    path printed: relative to the folder ``base`` ("" and "-" stay as they are).  The identity
    when ``base`` is None or the root itself.  Fingerprints, baselines, caches and the order of
    findings keep the root-relative paths: only what is printed follows the working folder."""
    root = getattr(run, "root", None)
    if not base or not root:
        return _same
    root, base = os.path.abspath(root), os.path.abspath(base)
    if root == base:
        return _same
    memo: dict[str, str] = {}

    def show(path: str) -> str:
        hit = memo.get(path)
        if hit is None:
            if not path or path == "-":
                return path
            native = path.replace("/", os.sep)
            full = native if os.path.isabs(native) else os.path.join(root, native)
            try:
                hit = os.path.relpath(full, base).replace(os.sep, "/")
            except ValueError:  # another drive (Windows)
                hit = path
            hit = memo[path] = printable_path(hit)
        return hit

    return show


def notice_message(message: str, path: str, shown: str) -> str:
    """A notice's message names its file by its display path ("could not parse k8s/x.yaml: ...",
    "k8s/x.yaml: symlink ..."): the first such mention, a whole word, becomes ``shown``."""
    if not path or shown == path or path not in message:
        return message
    m = re.search(r"(?<!\S)" + re.escape(path) + r"(?=[:\s]|$)", message)
    if m is None:
        return message
    return message[: m.start()] + shown + message[m.end():]


# -- helpers shared by the machine formats ------------------------------------------------------


_POSITION = re.compile(r"\s*\(line \d+, column \d+\)")


def notice_findings(run, grouped: bool = False) -> list:
    """The run's notices as findings (rule id AL001 ...), each with a semantic fingerprint;
    ``grouped``: each group of notices once (``model.group_notices``), as the human formats
    print them."""
    from ..fingerprint import semantic_fingerprint
    from ..model import group_notices

    lines_by_path = {fr.path: fr.lines for fr in run.files}
    seen: dict[tuple, int] = {}
    out = []
    for n in group_notices(run.notices) if grouped else run.notices:
        f = n.as_finding()
        lines = lines_by_path.get(n.path)
        text = lines[f.span.line - 1].strip() if lines and 1 <= f.span.line <= len(lines) else ""
        key = _POSITION.sub("", f.message)  # "(line 3, column 7)" moves with the file
        ident = (f.rule_id, f.path, text, key)
        occ = seen.get(ident, 0)
        seen[ident] = occ + 1
        f.key = key
        f.fingerprint = semantic_fingerprint(f, text, occ)
        out.append(f)
    return out


def once_for_generated(run, findings: list) -> list:
    """``findings`` (in order) with each finding that repeats, same rule and message, in files
    that say they are generated ("DO NOT EDIT": ``FileResult.generated``) kept once, at its
    first place, saying in how many more generated files it is: they are fixed once, in the
    source they are generated from.  What the human formats print; JSON and SARIF keep all."""
    gen = {fr.path for fr in run.files if fr.generated}
    if not gen:
        return findings
    from ..model import Finding

    counts: dict[tuple, int] = {}
    for f in findings:
        if f.path in gen and not f.suppressed:
            k = (f.rule_id, f.message)
            counts[k] = counts.get(k, 0) + 1
    out, seen = [], set()
    for f in findings:
        k = (f.rule_id, f.message)
        n = counts.get(k, 0) if f.path in gen and not f.suppressed else 0
        if n > 1:
            if k in seen:
                continue
            seen.add(k)
            f = Finding(f.rule_id, f"{f.message} (and {n - 1} more times in generated files: fix it where they are "
                        "generated from)",
                        f.span, f.severity, f.path, f.hint, f.fix, f.related, f.key, f.suppressed, f.fingerprint)
        out.append(f)
    return out


def findings_with_notices(run, include_suppressed: bool = True, show=None, grouped: bool = False) -> list:
    """Findings plus notices-as-findings, sorted (path, line, column, rule, message).  With
    ``show`` (a path_shower), the notices' messages name their file as it is printed (their
    fingerprints are computed before, from the root-relative path).  ``grouped``: see
    ``notice_findings`` and ``once_for_generated`` (the human formats)."""
    out = [f for f in run.findings if include_suppressed or not f.suppressed]
    if grouped:
        out = once_for_generated(run, out)
    notes = notice_findings(run, grouped)
    if show is not None and show is not _same:
        for f in notes:
            f.message = notice_message(f.message, f.path, show(f.path))
    out += notes
    out.sort(key=lambda f: f.sort_key())
    return out


def rule_table(run) -> dict:
    """rule id -> registry.Rule for the run's rules (plus already registered ones)."""
    table = {}
    try:
        from ..registry import RULES

        table.update(RULES)
    except ImportError:  # pragma: no cover
        pass
    for r in getattr(run, "rules", None) or ():
        table[r.id] = r
    return table


def lookup_rule(rule_id: str, table: dict):
    """The Rule for ``rule_id`` from ``table``, loading its family if needed; None if unknown."""
    r = table.get(rule_id)
    if r is None:
        from ..registry import get_rule

        try:
            r = get_rule(rule_id)
        except Exception:  # a broken family module must not break the report
            r = None
        if r is not None:
            table[rule_id] = r
    return r


# -- JSON written piece by piece ----------------------------------------------------------------


_UNSAFE_IN_JSON = None


def json_encoder():
    """The JSON encoder of every machine format (JSON, GitLab, SARIF): ``indent=2``, UTF-8 text
    as it is, except the characters that can hide or reorder what a reader sees in a terminal, a
    log or a web view (C1 controls, bidi embeddings and isolates, line and paragraph separators),
    written as ``\\uXXXX`` escapes: a program that parses the output still gets the exact file
    name or message, and nothing raw reaches a screen (text and GitHub output escape them too)."""
    import json
    import re

    global _UNSAFE_IN_JSON
    if _UNSAFE_IN_JSON is None:
        _UNSAFE_IN_JSON = re.compile("[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
    unsafe = _UNSAFE_IN_JSON

    class Encoder(json.JSONEncoder):
        def encode(self, o):
            text = super().encode(o)
            return unsafe.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if not text.isascii() else text

    return Encoder(indent=2, ensure_ascii=False)


class JSONWriter:
    """Writes ``json.dumps(doc, indent=2, ensure_ascii=False) + "\\n"`` byte for byte, where the
    values of ``doc`` made with ``later(items)`` are lists whose items are encoded and written one
    at a time (the findings of a 10,000-file tree as dicts, and their text, never all in memory).

    How: ``doc`` is encoded with a unique marker string in place of each such list; the text is
    written up to the marker, then the items, each encoded alone and indented to its depth (a
    JSON string never holds a raw newline, so re-indenting is replacing newlines), then the
    rest."""

    def __init__(self):
        self.encoder = json_encoder()
        self._token = os.urandom(12).hex()
        self._lists: list = []

    def later(self, items, encoded: bool = False) -> str:
        """A marker to put in the document where the list of ``items`` goes (``encoded``: the
        items are already JSON text, as ``self.encoder`` writes them at depth 0)."""
        marker = f"\x00archlint-list-{self._token}-{len(self._lists)}"
        self._lists.append((marker, items, encoded))
        return marker

    def write(self, doc, out) -> None:
        enc = self.encoder
        text = enc.encode(doc)
        pos = 0
        for marker, items, encoded in self._lists:
            quoted = enc.encode(marker)
            at = text.find(quoted, pos)
            if at < 0:  # pragma: no cover - every marker is placed in the document once, in order
                raise ValueError("a list marker is missing from the document")
            out.write(text[pos:at])
            start = text.rfind("\n", 0, at) + 1
            indent = len(text[start:at]) - len(text[start:at].lstrip(" "))
            write_list(out, items if encoded else map(enc.encode, items), indent)
            pos = at + len(quoted)
        out.write(text[pos:])
        out.write("\n")


def write_list(out, encoded_items, indent: int) -> None:
    """A JSON list of already encoded items, as ``json.dumps(indent=2)`` lays it out at a line
    indented by ``indent`` spaces."""
    pad = "\n" + " " * (indent + 2)
    first = True
    for item in encoded_items:
        out.write(("[" if first else ",") + pad)
        out.write(item.replace("\n", pad))
        first = False
    out.write("[]" if first else "\n" + " " * indent + "]")
