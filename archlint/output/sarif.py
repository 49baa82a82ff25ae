"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning and SARIF viewers.

One run; ``tool.driver.rules`` lists every rule of the run; results carry ``ruleId`` +
``ruleIndex``, an explicit level, one location relative to ``%SRCROOT%`` (declared in
``originalUriBaseIds``), regions in UTF-16 code units (``columnKind: utf16CodeUnits``),
``partialFingerprints`` (GitHub's ``primaryLocationLineHash`` and archlint's semantic
``archlint/v1``) and ``fixes`` where a rule has edits.  Files that could not be read or parsed
are ``invocations[0].toolExecutionNotifications``, not results.  No timestamps, GUIDs or other
run-dependent data: the same findings give the same bytes.  GitHub's upload limits (25,000
results per run, 10 MB gzipped) are enforced by dropping the lowest levels first, with a
notification saying so.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..fingerprint import file_text_as_uploaded, line_hashes
from ..model import Severity
from . import lookup_rule, rule_table

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/archlint/archlint"
DOCS_URI = "https://github.com/archlint/archlint/blob/main/docs/rules.md#{anchor}"
SRCROOT = "%SRCROOT%"

MAX_RESULTS = 25_000  # GitHub rejects a run with more
MAX_GZIP_BYTES = 10_000_000  # GitHub rejects uploads over 10 MB gzipped; stay a little below
MAX_DESCRIPTION = 1024
MAX_TAGS = 10
TRUNCATED_ID = "results-truncated"

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_LEVEL_RANK = {"error": 0, "warning": 1, "note": 2, "none": 3}
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}

_SENTENCE_END = (".", "!", "?")


def _sentence(text: str) -> str:
    """Messages are complete sentences ending with a period (SARIF Multitool SARIF2001)."""
    text = (text or "").strip()
    if not text:
        return "."
    return text if text.endswith(_SENTENCE_END) else text + "."


def rule_doc_url(rule_id: str) -> str:
    return DOCS_URI.format(anchor=rule_id.lower())


# -- positions ----------------------------------------------------------------------------------


def utf16_column(line: str | None, col: int) -> int:
    """Convert a 1-based code-point column on ``line`` into a 1-based UTF-16 column.  Columns
    past the end of the line keep their distance from it."""
    col = max(1, col)
    if not line:
        return col
    prefix = line[: col - 1]
    units = len(prefix)
    if not prefix.isascii():
        units += sum(1 for ch in prefix if ord(ch) > 0xFFFF)
    return units + 1 + max(0, col - 1 - len(line))


def _line(lines, n: int) -> str | None:
    if lines and 1 <= n <= len(lines):
        return lines[n - 1]
    return None


def _normalize(span, allow_empty: bool = False) -> tuple[int, int, int, int]:
    sl, sc, el, ec = max(1, span[0]), max(1, span[1]), max(1, span[2]), max(1, span[3])
    if (el, ec) < (sl, sc):
        el, ec = sl, sc
    if not allow_empty and (el, ec) == (sl, sc):
        ec = sc + 1
    return sl, sc, el, ec


def region(span, lines, allow_empty: bool = False) -> dict:
    """SARIF region of a model Span (code points) in UTF-16 code units, never zero-width
    unless ``allow_empty`` (a fix inserting text)."""
    sl, sc, el, ec = _normalize(span, allow_empty)
    return {
        "startLine": sl,
        "startColumn": utf16_column(_line(lines, sl), sc),
        "endLine": el,
        "endColumn": utf16_column(_line(lines, el), ec),
    }


def _span_text(lines, sl: int, sc: int, el: int, ec: int) -> str | None:
    if not lines or not (1 <= sl <= el <= len(lines)):
        return None
    if sl == el:
        return lines[sl - 1][sc - 1 : ec - 1]
    parts = [lines[sl - 1][sc - 1 :]] + lines[sl : el - 1] + [lines[el - 1][: ec - 1]]
    return "\n".join(parts)


def primary_location(artifact: dict, span, lines) -> dict:
    """physicalLocation of a result: the region, with the flagged text as its snippet when the
    file's lines are known.  No contextRegion: surrounding lines are not the finding's business
    (they may hold anything, and SARIF files travel as CI artifacts)."""
    loc: dict = {"artifactLocation": artifact, "region": region(span, lines)}
    if not lines:
        return loc
    sl, sc, el, ec = _normalize(span)
    if el <= len(lines) and ec - 1 <= len(lines[el - 1]):  # not past the end of its last line
        text = _span_text(lines, sl, sc, el, ec)
        if text:
            loc["region"]["snippet"] = {"text": text}
    return loc


# -- URIs ---------------------------------------------------------------------------------------


def _dir_uri(path: str) -> str:
    uri = Path(path).as_uri()
    return uri if uri.endswith("/") else uri + "/"


class _Uris:
    def __init__(self, root: str, sarif_root: str | None):
        self.root = os.path.abspath(root or ".")
        self.base = os.path.abspath(sarif_root) if sarif_root else self.root
        self.base_uri = _dir_uri(self.base)
        self._cache: dict[str, dict] = {}
        self.absolute_used = False

    def artifact(self, path: str) -> dict:
        """artifactLocation of a display path (relative to the run's root)."""
        try:
            return dict(self._cache[path])
        except KeyError:
            pass
        loc = self._compute(path)
        self._cache[path] = loc
        return dict(loc)

    def _compute(self, path: str) -> dict:
        if path == "-":  # stdin without a file name
            return {"uri": "-", "uriBaseId": SRCROOT}
        native = path.replace("/", os.sep)
        abspath = native if os.path.isabs(native) else os.path.join(self.root, native)
        abspath = os.path.normpath(abspath)
        try:
            rel = os.path.relpath(abspath, self.base)
        except ValueError:  # another drive (Windows): only an absolute URI can name it
            rel = None
        if rel is None or os.path.isabs(rel):
            self.absolute_used = True
            return {"uri": Path(abspath).as_uri()}
        # a file outside the SARIF root stays relative ("../x"): GitHub rejects absolute file
        # URIs it cannot place under the checkout path (Multitool GH1006)
        rel = rel.replace(os.sep, "/")
        # a name that is not UTF-8 (bytes kept as surrogates) is percent-encoded byte for byte
        return {"uri": quote(rel.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": SRCROOT}


# -- rules --------------------------------------------------------------------------------------


def _full_description(rule) -> str:
    from ..registry import doc_sections

    body = doc_sections(rule.doc or "").get("What it does") or rule.summary or rule.name or rule.id
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
    text = _sentence("\n\n".join(paras))
    if len(text) <= MAX_DESCRIPTION:
        return text
    cut = text[: MAX_DESCRIPTION]
    m = None
    for m in re.finditer(r"[.!?](?=\s)", cut):
        pass
    if m is not None and m.end() > MAX_DESCRIPTION // 2:
        return cut[: m.end()]
    cut = cut[: MAX_DESCRIPTION - 4].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " ..."


def rule_descriptor(rule) -> dict:
    url = rule_doc_url(rule.id)
    doc = (rule.doc or "").strip()
    title = f"{rule.id} {rule.name}"
    help_text = f"{title}\n\n{doc}\n\nDocumentation: {url}\n" if doc else f"{title}\n\nDocumentation: {url}\n"
    help_md = f"**{rule.id}** `{rule.name}`\n\n{doc}\n\n[Documentation]({url})\n" if doc else f"[Documentation]({url})\n"
    tags: list[str] = []
    for t in (rule.family_name, *rule.tags):
        if t and t not in tags:
            tags.append(t)
    desc = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _sentence(rule.summary or rule.name)},
        "fullDescription": {"text": _full_description(rule)},
        "help": {"text": help_text, "markdown": help_md},
        "helpUri": url,
        "defaultConfiguration": {"level": LEVEL[Severity(rule.severity)]},
        "properties": {
            "tags": tags[:MAX_TAGS],
            "precision": rule.precision or "high",
            "problem.severity": PROBLEM_SEVERITY[Severity(rule.severity)],
        },
    }
    if not rule.enabled:
        desc["defaultConfiguration"]["enabled"] = False
    return desc


def _unknown_rule_descriptor(rule_id: str, severity) -> dict:
    url = rule_doc_url(rule_id)
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": f"Rule {rule_id}."},
        "fullDescription": {"text": f"Rule {rule_id}."},
        "help": {"text": f"{rule_id}\n\nDocumentation: {url}\n", "markdown": f"[Documentation]({url})\n"},
        "helpUri": url,
        "defaultConfiguration": {"level": LEVEL[Severity(severity)]},
        "properties": {"tags": [], "precision": "medium", "problem.severity": PROBLEM_SEVERITY[Severity(severity)]},
    }


# -- the document ---------------------------------------------------------------------------


class _Prepared:
    """Everything of the log but the results' text: the findings in result order, the rule
    index, and the log around the results (``doc``, with ``results`` still empty)."""

    __slots__ = ("ordered", "index", "uris", "files", "include_suppressed", "last_line", "doc")


def _prepare(run, opts) -> _Prepared:
    include_suppressed = bool(getattr(opts, "sarif_include_suppressed", False))
    category = getattr(opts, "sarif_category", None)
    uris = _Uris(run.root, getattr(opts, "sarif_root", None))
    files = {fr.path: fr for fr in run.files}

    findings = [f for f in run.findings if include_suppressed or not f.suppressed]
    table = rule_table(run)
    descriptors, index = _rule_descriptors(run, findings, table)
    keyed = [(_finding_key(f, uris, files), f) for f in findings]
    keyed.sort(key=lambda kf: kf[0])
    last_line: dict[str, int] = {}
    for f in findings:
        last_line[f.path] = max(last_line.get(f.path, 0), f.span.line)
        for rel in f.related or ():
            uris.artifact(rel.path or f.path)  # every artifact before the invocation is made

    notices = run.notices
    notification_descriptors, notifications = _notifications(notices, table, index, uris, files)
    driver = _driver(descriptors, notification_descriptors)
    invocation = _invocation(notices, notifications, uris)  # after every artifact: uris.absolute_used is final
    p = _Prepared()
    p.ordered = [f for _, f in keyed]
    p.index, p.uris, p.files, p.include_suppressed, p.last_line = index, uris, files, include_suppressed, last_line
    p.doc = _log(driver, invocation, uris, category, [])
    return p


def _finding_key(f, uris: "_Uris", files: dict) -> tuple:
    """The order of results (URI, region, rule, message), read off what the result of ``f`` says."""
    reg = region(f.span, _lines_of(files, f.path))
    return (uris.artifact(f.path)["uri"], reg["startLine"], reg["startColumn"], f.rule_id,
            reg["endLine"], reg["endColumn"], _sentence(f.message))


def _lines_of(files: dict, path: str):
    fr = files.get(path)
    return fr.lines if fr is not None else None


def _rule_descriptors(run, findings, table) -> tuple[list[dict], dict[str, int]]:
    """``tool.driver.rules``: the run's rules by id, then any rule a result names that the run
    did not list; and each rule id's index in that list."""
    descriptors: list[dict] = []
    index: dict[str, int] = {}
    for r in sorted({r.id: r for r in run.rules or ()}.values(), key=lambda r: r.id):
        index[r.id] = len(descriptors)
        descriptors.append(rule_descriptor(r))
    for f in findings:
        if f.rule_id not in index:
            r = lookup_rule(f.rule_id, table)
            index[f.rule_id] = len(descriptors)
            descriptors.append(rule_descriptor(r) if r is not None else _unknown_rule_descriptor(f.rule_id, f.severity))
    return descriptors, index


def _file_hashes(fr, upto: int) -> list[str] | None:
    """GitHub's line hashes of a file, up to the last line a result starts on."""
    if fr is None or fr.lines is None:
        return None
    text = file_text_as_uploaded(fr.lines, fr.encoding)
    return line_hashes(text, upto=upto) if text is not None else None


def _results(p: _Prepared):
    """(level, result) in order.  Results of a file come together: its line hashes are computed
    once, when its first result is, and dropped after its last."""
    path, hashes = None, None
    for f in p.ordered:
        if f.path != path:
            path = f.path
            hashes = {path: _file_hashes(p.files.get(path), p.last_line[path])}
        res = _result(f, p.index, p.uris, p.files, hashes, p.include_suppressed)
        yield res["level"], res


# -- results ------------------------------------------------------------------------------------


def _result(f, index: dict[str, int], uris: _Uris, files: dict, hashes: dict, include_suppressed: bool) -> dict:
    lines = _lines_of(files, f.path)
    res: dict = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": LEVEL[Severity(f.severity)],
        "message": {"text": _sentence(f.message)},
        "locations": [{"physicalLocation": primary_location(uris.artifact(f.path), f.span, lines)}],
    }
    if f.related:
        res["relatedLocations"] = _related_locations(f, uris, files)
    fps = _fingerprints(f, hashes.get(f.path))
    if fps:
        res["partialFingerprints"] = fps
    if f.fix is not None and f.fix.edits:
        res["fixes"] = _fixes(f, uris, lines)
    if include_suppressed:
        res["suppressions"] = [{"kind": "inSource"}] if f.suppressed else []
    return res


def _related_locations(f, uris: _Uris, files: dict) -> list[dict]:
    related = []
    for i, rel in enumerate(f.related):
        rpath = rel.path or f.path
        related.append(
            {
                "id": i,
                "physicalLocation": {
                    "artifactLocation": uris.artifact(rpath),
                    "region": region(rel.span, _lines_of(files, rpath)),
                },
                "message": {"text": _sentence(rel.message)},
            }
        )
    return related


def _fingerprints(f, file_hashes: list[str] | None) -> dict:
    fps = {}
    if file_hashes and 1 <= f.span.line <= len(file_hashes):
        fps["primaryLocationLineHash"] = file_hashes[f.span.line - 1]
    if f.fingerprint:
        fps["archlint/v1"] = f.fingerprint
    return fps


def _fixes(f, uris: _Uris, lines) -> list[dict]:
    edits = sorted(f.fix.edits, key=lambda e: tuple(e.span))
    return [
        {
            "description": {"text": _sentence(f.fix.description)},
            "artifactChanges": [
                {
                    "artifactLocation": uris.artifact(f.path),
                    "replacements": [
                        {
                            "deletedRegion": region(e.span, lines, allow_empty=True),
                            "insertedContent": {"text": e.text},
                        }
                        for e in edits
                    ],
                }
            ],
        }
    ]


# -- notifications, driver, invocation ----------------------------------------------------------


def _notifications(notices, table, index: dict[str, int], uris: _Uris, files: dict) -> tuple[list[dict], list[dict]]:
    """Notices (files that could not be read/parsed, rule crashes ...): their descriptors (for
    ``tool.driver.notifications``) and the ``toolExecutionNotifications`` themselves."""
    note_ids = sorted({n.rule_id for n in notices})
    note_index = {rid: i for i, rid in enumerate(note_ids)}
    descriptors = []
    for rid in note_ids:
        r = lookup_rule(rid, table)
        descriptors.append(rule_descriptor(r) if r is not None else _unknown_rule_descriptor(rid, Severity.ERROR))
    notifications = []
    for n in notices:
        item: dict = {
            "level": LEVEL[Severity(n.severity)],
            "message": {"text": _sentence(n.message)},
        }
        if n.path:
            f = n.as_finding()
            loc = {"artifactLocation": uris.artifact(n.path), "region": region(f.span, _lines_of(files, n.path))}
            item["locations"] = [{"physicalLocation": loc}]
        item["descriptor"] = {"id": n.rule_id, "index": note_index[n.rule_id]}
        if n.rule_id in index:
            item["associatedRule"] = {"id": n.rule_id, "index": index[n.rule_id]}
        notifications.append(item)
    return descriptors, notifications


def _driver(descriptors: list[dict], notification_descriptors: list[dict]) -> dict:
    driver: dict = {
        "name": "archlint",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    if notification_descriptors:
        driver["notifications"] = notification_descriptors
    return driver


def _invocation(notices, notifications: list[dict], uris: _Uris) -> dict:
    invocation: dict = {"executionSuccessful": not any(n.internal for n in notices)}
    if uris.absolute_used:  # lets GitHub relate absolute file URIs to the checkout (GH1006)
        invocation["workingDirectory"] = {"uri": uris.base_uri}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _log(driver: dict, invocation: dict, uris: _Uris, category: str | None, results: list[dict]) -> dict:
    run_obj: dict = {"tool": {"driver": driver}}
    if category:
        run_obj["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    run_obj["invocations"] = [invocation]
    run_obj["originalUriBaseIds"] = {SRCROOT: {"uri": uris.base_uri}}
    run_obj["columnKind"] = "utf16CodeUnits"
    run_obj["results"] = results
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run_obj]}


class _Spool:
    """The results' text in order, each re-indented to its place in the log, as UTF-8: in memory
    up to ``MEMORY`` bytes, compressed beyond (a 10,000-file tree's results are tens of MB of
    JSON that compress ~20 times)."""

    MEMORY = 1 << 20

    def __init__(self):
        self.sizes: list[int] = []
        self.levels: list[str] = []
        self._plain: list[bytes] | None = []
        self._packed: list[bytes] = []
        self._z = None
        self.total = 0

    def add(self, level: str, data: bytes) -> None:
        self.sizes.append(len(data))
        self.levels.append(level)
        self.total += len(data)
        if self._plain is not None:
            self._plain.append(data)
            if self.total <= self.MEMORY:
                return
            import zlib

            self._z = zlib.compressobj(1)
            plain, self._plain = self._plain, None
            self._packed.extend(self._z.compress(piece) for piece in plain)
            return
        self._packed.append(self._z.compress(data))

    def close(self) -> None:
        if self._z is not None:
            self._packed.append(self._z.flush())
            self._z = None

    def __iter__(self):
        if self._plain is not None:
            yield from self._plain
            return
        import zlib

        d = zlib.decompressobj()
        buf = b""
        sizes = iter(self.sizes)
        want = next(sizes, None)
        for piece in self._packed:
            buf += d.decompress(piece)
            while want is not None and len(buf) >= want:
                yield buf[:want]
                buf = buf[want:]
                want = next(sizes, None)
        buf += d.flush()
        while want is not None and len(buf) >= want:
            yield buf[:want]
            buf = buf[want:]
            want = next(sizes, None)


class _Layout:
    """The log's text around its results: ``head`` + results + ``tail``; where the results go is
    a marker in the encoded log (see output.JSONWriter)."""

    def __init__(self, doc: dict, encoder):
        marker = "\x00archlint-results-" + os.urandom(12).hex()
        doc["runs"][0]["results"] = marker
        text = encoder.encode(doc)
        quoted = encoder.encode(marker)
        at = text.rindex(quoted)
        start = text.rfind("\n", 0, at) + 1
        self.indent = len(text[start:at]) - len(text[start:at].lstrip(" "))
        self.head = text[:at].encode("utf-8")
        self.tail = (text[at + len(quoted):] + "\n").encode("utf-8")
        self.pad = ("\n" + " " * (self.indent + 2)).encode("utf-8")

    def pieces(self, spool: _Spool, keep: set | None):
        """The log's bytes: the results of ``keep`` (indices; None: all)."""
        yield self.head
        first = True
        for i, data in enumerate(spool):
            if keep is not None and i not in keep:
                continue
            yield (b"[" if first else b",") + self.pad
            yield data
            first = False
        yield b"[]" if first else b"\n" + b" " * self.indent + b"]"
        yield self.tail

    def size(self, spool: _Spool, keep: set | None) -> int:
        sizes = spool.sizes if keep is None else [spool.sizes[i] for i in keep]
        items = sum(sizes) + len(sizes) * (1 + len(self.pad))
        return len(self.head) + len(self.tail) + (items + 1 + self.indent if sizes else 2)


def _too_big(layout: _Layout, spool: _Spool, keep: set | None) -> bool:
    if layout.size(spool, keep) <= MAX_GZIP_BYTES:  # deflate adds at most a few hundred bytes to
        return False  # incompressible data; MAX_GZIP_BYTES sits ~480 kB below GitHub's 10 MiB
    import zlib

    z = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip.compress(data, 6): the same length
    n = 0
    for piece in layout.pieces(spool, keep):
        n += len(z.compress(piece))
    n += len(z.flush())
    return n > MAX_GZIP_BYTES


def _truncate(doc: dict, keep: int, reason: str) -> None:
    """Keep the ``keep`` most severe results (stable order within a level) and add a warning."""
    run = doc["runs"][0]
    results = run["results"]
    order = sorted(range(len(results)), key=lambda i: (_LEVEL_RANK.get(results[i].get("level", "warning"), 1), i))
    kept = sorted(order[:keep])
    dropped = [results[i] for i in order[keep:]]
    run["results"] = [results[i] for i in kept]
    levels = {}
    for r in dropped:
        levels[r.get("level", "warning")] = levels.get(r.get("level", "warning"), 0) + 1
    detail = ", ".join(
        f"{n} {lvl}{'s' if n != 1 else ''}" for lvl, n in sorted(levels.items(), key=lambda kv: _LEVEL_RANK.get(kv[0], 9))
    )
    driver = run["tool"]["driver"]
    descs = driver.setdefault("notifications", [])
    idx = next((i for i, d in enumerate(descs) if d["id"] == TRUNCATED_ID), None)
    if idx is None:
        idx = len(descs)
        text = "Results were left out to stay within GitHub code scanning's upload limits."
        descs.append(
            {
                "id": TRUNCATED_ID,
                "name": "results-truncated",
                "shortDescription": {"text": text},
                "fullDescription": {
                    "text": f"GitHub code scanning rejects a run with more than {MAX_RESULTS:,} results or a file over "
                    "10 MB gzipped, so archlint keeps the most severe results and leaves out the rest."
                },
                "help": {
                    "text": text + " Narrow the run with --select or --exclude, or fix findings, to see the rest.",
                    "markdown": text + " Narrow the run with `--select` or `--exclude`, or fix findings, to see the rest.",
                },
                "defaultConfiguration": {"level": "warning"},
            }
        )
    inv = run["invocations"][0]
    notes = inv.setdefault("toolExecutionNotifications", [])
    notes[:] = [n for n in notes if n.get("descriptor", {}).get("id") != TRUNCATED_ID]
    notes.append(
        {
            "level": "warning",
            "message": {
                "text": f"{len(dropped)} of {len(results)} results were left out ({detail}) "
                f"because {reason}; the most severe results were kept. Narrow the run "
                "(--select, --exclude) or fix findings to see the rest."
            },
            "descriptor": {"id": TRUNCATED_ID, "index": idx},
        }
    )


def _copy(doc: dict) -> dict:
    return json.loads(json.dumps(doc))


def _truncated(doc: dict, levels: list[str], keep: int, reason: str, encoder) -> tuple[_Layout, set]:
    """The log keeping ``keep`` results (see ``_truncate``) and the indices of those kept."""
    trial = _copy(doc)
    trial["runs"][0]["results"] = [{"level": lvl, "i": i} for i, lvl in enumerate(levels)]
    _truncate(trial, keep, reason)
    kept = {r["i"] for r in trial["runs"][0]["results"]}
    return _Layout(trial, encoder), kept


def write(run, opts, out) -> None:
    """The log, written result by result: the results are encoded once, into a spool, because
    GitHub's limits (25,000 results, 10 MB gzipped) decide the log's beginning (a notification
    when results are left out) only once their size is known."""
    p = _prepare(run, opts)
    from . import json_encoder

    encoder = json_encoder()
    doc = p.doc
    layout = _Layout(_copy(doc), encoder)
    pad = layout.pad.decode("utf-8")
    spool = _Spool()
    for level, res in _results(p):
        spool.add(level, encoder.encode(res).replace("\n", pad).encode("utf-8"))
    spool.close()
    total = len(spool.sizes)
    keep: set | None = None
    if total > MAX_RESULTS:
        layout, keep = _truncated(doc, spool.levels, MAX_RESULTS, f"GitHub accepts at most {MAX_RESULTS:,} results per run",
                                  encoder)
    if _too_big(layout, spool, keep):
        # keep the largest number of (most severe) results that fits GitHub's size limit
        reason = "the gzipped SARIF file would exceed GitHub's 10 MB upload limit"
        lo, hi = 0, min(total, MAX_RESULTS) - 1
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            trial = _truncated(doc, spool.levels, mid, reason, encoder)
            if _too_big(trial[0], spool, trial[1]):
                hi = mid - 1
            else:
                best, lo = trial, mid + 1
        # not even an empty result list fits (enormous rule docs?): still valid SARIF
        layout, keep = best if best is not None else _truncated(doc, spool.levels, 0, reason, encoder)
    for piece in layout.pieces(spool, keep):
        out.write(piece.decode("utf-8"))


def render(run, opts) -> str:
    import io

    buf = io.StringIO()
    write(run, opts, buf)
    return buf.getvalue()
