"""Whole reports reused when nothing a run looked at has changed.

The result cache (archlint/run/cache.py) saves linting unchanged files again, but a run over 10,000
cached files still walks the tree, matches ignore files, decodes 10,000 results and renders
their findings.  When *nothing* changed since the same command ran in the same folder, the
report it printed is the report this run would print: this module keeps it, with a manifest of
everything the run's outcome depended on, and a later run that finds every signature of the
manifest unchanged prints the stored report and exits with the stored code, without importing
the engine.  Anything else (one signature differs, the snapshot is missing, damaged or not
ours) is a miss, and the run goes the ordinary way, per-file cache included.

What a report depends on, and what the manifest holds
    * the key: every command-line option except where the report goes (``--output-file``) and
      how many workers lint (``--jobs``), the output options as resolved (colour depends on the
      terminal and ``NO_COLOR``), the working folder, the run's root and the result cache's
      environment key (archlint's own files, the installed distributions, Python's version);
    * every folder the walk listed: a folder's mtime changes when a file is added to it, removed
      or renamed, which may add or drop a target (``git status`` relies on the same);
    * every linted file, with the stat signature of its result-cache entry (size, mtime_ns,
      ctime_ns, inode), so the report is reused only when every file's cached result would be;
    * every other file the results depend on (the entries' inputs: a Makefile's includes, the
      files the Python rules read, a chart's ``Chart.yaml``), every ignore file opened or looked
      for, the configuration files read, configuration file names present in a listed folder
      (a symlink there can change what it points to without changing the folder), the
      configuration file names looked for in folders the walk did not list (above the working
      folder), the ``.git`` looked for to find the top level, and the user rule packs the
      settings name: a path that did not exist is recorded as missing, so its appearance is a
      change too;
    * every symlink the walk met and every path named on the command line, with the path it
      resolves to (a link retargeted, or one of its folders, gives another path), and that
      path's signature (a dangling link's target may appear).

A report is stored only when that manifest is complete and settled: every linted file has a
result-cache entry (internal errors and results with unknown inputs have none), no target
was reported instead of linted (a missing path, a file outside the root), no fix, diff,
baseline or suppression action ran, and no signature is "racily clean" (changed within the
result cache's 2 seconds before the run started: a change in the same clock tick could hide).
Signatures are read when the report is stored, after the run: a change made while the run was
going on is newer than its start, so it is caught as racy, on a clock that agrees with the file
system's within those 2 seconds (a network file system with a clock further behind could hide
one).

Where: ``<result cache folder>/runs/`` of the repository's index, one file per key, at most
``KEEP`` (the least recently used are deleted), counted in the cache's size bound.  Each is
``MAGIC``, a BLAKE2b MAC of the rest under this user's key (``memo.secret()``, kept outside the
cache folder), then zlib-compressed JSON (the manifest) and the report's text, printed as it
is on a hit; a file that does not verify (damaged, or written without the key: forged), or that
another user owns, is ignored and replaced.  So a stored report is exactly what an earlier run
of this user printed, and a forged one can at worst cost a miss.  Written to a
temporary file renamed over the old one, so concurrent runs each see a whole snapshot.
"""
from __future__ import annotations

import os
import time

FORMAT = 2
MAGIC = b"archlint-run 1\n"
KEEP = 8  # reports kept per repository index (one per command line used)
MAX_BYTES = 512 << 20  # the largest snapshot body read back
_IGNORED_OPTIONS = frozenset({"output_file", "jobs"})


class Recorder:
    """What ``runner.run_paths`` tells the snapshot about a run."""

    __slots__ = ("walk", "items", "complete", "t0", "index", "groups", "keep_groups", "layout")

    def __init__(self):
        from ..discovery import Walk

        self.walk = Walk()
        self.items: list = []  # (abspath, display, settings) of every linted file
        self.complete = True  # False: a target carried a notice (missing, outside the root ...)
        self.t0 = time.time_ns()
        self.index = None  # an archlint.run.index.Index: the run's facts index, when it keeps one
        self.groups = None  # the link groups of a whole-repository run (archlint.run.delta) ...
        self.keep_groups = False  # ... worked out only when its report may serve a delta
        self.layout = None  # where each path's findings are in the report (output.text._record)


def run_key(args, fmt: str, opts, root: str, env: str) -> str:
    """The digest of everything about the command that decides its report."""
    from .cache import _digest

    options = sorted((k, repr(v)) for k, v in vars(args).items() if k not in _IGNORED_OPTIONS)
    parts = [str(FORMAT), env, os.getcwd(), root, fmt, repr(opts._values()), repr(options)]
    return _digest("\0".join(parts).encode("utf-8", "surrogateescape"))


def _path(bucket: str, key: str) -> str:
    return os.path.join(bucket, "runs", key[:24] + ".run")


def load(bucket: str, key: str, stored: list | None = None):
    """(report text, exit code) when the snapshot for ``key`` exists, verifies, and nothing in
    its manifest changed; else None.  ``stored``: given a list, a snapshot that verifies but
    whose manifest changed is appended to it as (document, report text, the paths of its
    manifest that changed) for a delta run (archlint/run/delta.py), each path looked at once."""
    got = read(_path(bucket, key))
    if got is None:
        return None
    doc, rest = got
    try:
        text = rest.decode("utf-8", "surrogateescape")
    except UnicodeDecodeError:
        return None
    if doc.get("format") != FORMAT or doc.get("key") != key:
        return None
    code, checks, links = doc.get("code"), doc.get("checks"), doc.get("links")
    if code not in (0, 1) or type(code) is not int:
        return None
    if stored is None:
        if not unchanged(checks, links):
            return None
    else:
        moved = changed(checks, links)
        if moved is None:
            return None
        if moved:
            stored.append((doc, text, moved))
            return None
    try:
        os.utime(_path(bucket, key))  # recently used: kept longest
    except OSError:
        pass
    return text, code


def read(path: str):
    """(the JSON document, the bytes after it) of a file ``_write`` wrote, when it is ours,
    verifies under this user's key and decodes; else None."""
    from .memo import mac, ours, secret

    secret_key = secret()
    if secret_key is None:
        return None
    try:
        with open(path, "rb") as fh:
            if not ours(os.fstat(fh.fileno())):
                return None  # another user's file: never trusted
            data = fh.read(MAX_BYTES + 1024)
    except OSError:
        return None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 33:
        return None
    head = len(MAGIC)
    digest, blob = data[head:head + 32], data[head + 33:]
    if data[head + 32:head + 33] != b"\n" or mac(secret_key, blob).encode("ascii") != digest:
        return None  # damaged, or written without this user's key (forged)
    import json
    import zlib

    try:
        d = zlib.decompressobj()
        body = d.decompress(blob, MAX_BYTES)
        if d.unconsumed_tail or not d.eof:
            return None  # larger than anything stored (a damaged or forged file)
        sep = body.index(b"\0")
        doc = json.loads(body[:sep])
    except (zlib.error, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if type(doc) is not dict:
        return None
    return doc, body[sep + 1:]


def unchanged(checks, links) -> bool:
    """Whether every ``[path, signature]`` of ``checks`` and every ``[link, real path]`` of
    ``links`` (as ``_manifest`` lists them) still holds."""
    from .cache import _path_sig

    if type(checks) is not list or type(links) is not list:
        return False
    try:
        for item in checks:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
                return False
            if _path_sig(item[0]) != item[1]:
                return False
        for item in links:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
                return False
            if os.path.realpath(item[0]) != item[1]:
                return False
    except (OSError, ValueError):  # a path with a NUL in a forged file, a loop ...
        return False
    return True


def changed(checks, links) -> set | None:
    """The paths of ``checks`` (as ``unchanged`` reads them) whose signature changed; None when
    the manifest is not of that shape or a link leads elsewhere."""
    from .cache import _path_sig

    if type(checks) is not list or not unchanged([], links):
        return None
    out = set()
    try:
        for item in checks:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
                return None
            if _path_sig(item[0]) != item[1]:
                out.add(item[0])
    except (OSError, ValueError):
        return None
    return out


def _git_probes(paths, root: str) -> list[str]:
    """The ``.git`` entries discovery.find_root looks for, from each path up to its top level."""
    from ..discovery import find_root

    out: list[str] = []
    starts = {os.getcwd()}
    for p in paths:
        ap = os.path.abspath(p)
        starts.add(ap if os.path.isdir(ap) else os.path.dirname(ap))
    for d in sorted(starts):
        find_root(d, out)
    return out


_INPUT = 1  # a row of the manifest that only results depend on (see _manifest)


def _manifest(cache, recorder: Recorder, resolver, paths, root: str):
    """(linted files' signatures {abspath: sig, None without a settled entry}, the other rows [[path, sig]],
    links, (every linted file's inputs {abspath: [paths]}, the rows that are not only inputs))
    of a complete run whose other rows are settled (see the module's documentation), else
    None."""
    from .cache import _path_sig, _racy
    from ..config import CONFIG_FILES

    if not recorder.complete or not cache.enabled:
        return None
    # a file without a settled entry ends the report's manifest; the facts index reads it again
    partial = recorder.index is not None and recorder.index.entries is not None
    t0 = recorder.t0
    checks: dict[str, object] = {}
    files: dict[str, object] = {}
    packs: set = set()
    deps: dict[str, list] = {}  # abspath -> the other paths its result depends on
    for abspath, _display, settings in recorder.items:
        got = cache.stored(abspath, settings)
        if got is None or type(got[0]) is not list or _racy(got[0], t0):
            if not partial:
                return None
            files[abspath] = None  # no entry (an internal error, a racy file): read again next time
            continue
        files[abspath] = got[0]
        deps[abspath] = got[1]
        for dep in got[1]:
            checks[dep] = _INPUT
        packs.update(getattr(settings, "rule_packs", ()) or ())
    walked = set(recorder.walk.folders)
    for d in recorder.walk.folders:
        checks[d] = None
    checks.update(dict.fromkeys(recorder.walk.ignore_files))
    checks.update(dict.fromkeys(recorder.walk.named))  # read by name: a symlink may change under them
    links = []
    for link, real in recorder.walk.links:
        links.append([link, real])
        checks[real] = None  # where it leads (a dangling link's target may appear)
    dirs, loaded = resolver.consulted()
    for d in dirs:
        if d not in walked:  # a folder above the walk: look at the names themselves
            for name in CONFIG_FILES:
                checks[os.path.join(d, name)] = None
    checks.update(dict.fromkeys(loaded))
    checks.update(dict.fromkeys(packs))
    checks.update(dict.fromkeys(_git_probes(paths, root)))
    rows = []
    for p in checks:
        if p in files:
            continue
        sig = _path_sig(p)
        if sig is not None and _racy(sig, t0):
            return None
        rows.append([p, sig])
    # what decides the set of files or every file's settings (a folder, an ignore or configuration
    # file ...), even when a result depends on it too: a change there is never a delta's
    fixed = {p for p in checks if p not in files and checks[p] is not _INPUT}
    return files, rows, links, (deps, fixed)


def store(cache, key: str, recorder: Recorder, resolver, paths, root: str, text: str, code: int) -> bool:
    """Keep ``text`` and ``code`` for ``key`` in ``cache``'s folder when the run's manifest is
    complete and settled (see the module's documentation), and the run's facts index when it
    walked the whole repository; True when the report was stored.  Never raises for I/O
    problems."""
    if recorder.index is not None and recorder.index.stored:
        return False  # a run that read the facts index: it left its manifest to the index
    got = _manifest(cache, recorder, resolver, paths, root)
    if got is None:
        return False
    files, rows, links, inputs = got
    if recorder.index is not None and recorder.index.entries is not None:
        recorder.index.store(cache, files, rows, links)
    if code not in (0, 1) or None in files.values():
        return False  # a file changed within the clock's tick: no report kept
    import json

    body = {"format": FORMAT, "key": key, "code": code,
            "checks": [[p, sig] for p, sig in files.items()] + rows, "links": links}
    if recorder.groups is not None and recorder.layout is not None:
        from .delta import base_doc

        body["delta"] = base_doc(recorder, inputs)
    doc = json.dumps(body, separators=(",", ":"))
    return _write(cache, _path(cache.directory, key), doc.encode("ascii") + b"\0" + text.encode("utf-8", "surrogateescape"))


def _write(cache, path: str, body: bytes) -> bool:
    """``body`` compressed and signed with this user's key, written atomically to ``path``."""
    from .memo import mac, secret
    import zlib

    secret_key = secret()
    if secret_key is None or len(body) > MAX_BYTES:
        return False
    blob = zlib.compress(body, 1)
    data = MAGIC + mac(secret_key, blob).encode("ascii") + b"\n" + blob
    from ..fixes.files import write_bytes

    if not write_bytes(path, data):
        return False
    _bound(os.path.join(cache.directory, "runs"))
    return True


def _bound(folder: str) -> None:
    """At most KEEP reports and KEEP facts indexes: the least recently used go first (and
    temporary files a killed run left behind, after ten minutes)."""
    try:
        now = time.time()
        kept: dict[str, list] = {".run": [], ".facts": []}
        for e in os.scandir(folder):
            ext = os.path.splitext(e.name)[1]
            if ext in kept:
                kept[ext].append(e)
            elif e.name.startswith(".tmp-") and now - e.stat().st_mtime > 600:
                os.unlink(e.path)
        for entries in kept.values():
            if len(entries) <= KEEP:
                continue
            entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
            for e in entries[KEEP:]:
                os.unlink(e.path)
    except OSError:
        pass


class Tee:
    """A text stream that writes through and keeps what it wrote, up to ``limit`` characters
    (beyond, it forgets and ``text`` is None)."""

    def __init__(self, out, limit: int):
        self.out, self.limit = out, limit
        self.parts: list[str] | None = []
        self.size = 0

    def write(self, s: str) -> int:
        self.out.write(s)
        if self.parts is not None:
            self.size += len(s)
            if self.size > self.limit:
                self.parts = None
            else:
                self.parts.append(s)
        return len(s)

    @property
    def text(self) -> str | None:
        return None if self.parts is None else "".join(self.parts)
