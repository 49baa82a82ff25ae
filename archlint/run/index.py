"""The facts index: every file's project facts, kept from the last run that walked the whole
repository, so that a run given a few files (pre-commit names the changed ones, an editor the
saved one) builds the project model without walking the tree and reading thousands of results.

A run that walks the whole repository (``archlint check .``, or a run given files with no
index to use) stores, beside its report snapshot (archlint/run/snapshot.py), one index per
command line less its paths and output: the walk's manifest (every folder listed, ignore and
configuration files, links, the inputs the results depend on: see ``snapshot._manifest``) and,
per linted file, its display path, kind, the stat signature of its result-cache entry and its
facts.  A run given files uses the index when every row of the manifest still holds (a folder
whose listing changed, a configuration file edited ... is a miss: the run walks, as before) and
few files changed (at most ``MAX_CHANGED``, or one in 50): those are read through the result
cache (linted again when their entry is stale), the rest come from the index; when more than
``REFRESH_AFTER`` had changed, the index is then rewritten with their new signatures and facts.  A file that ``_write`` did
not write under this user's key, or whose facts do not have the shape the extractor writes
(``project.facts.check``), is not used.  The run's report is not kept as a snapshot when the
index stood in for the walk (the snapshot's manifest would need every file's cache entry).
"""
from __future__ import annotations

import os

FORMAT = 1
MAX_CHANGED = 64  # more files changed since the index was written (or one in 50): walk
REFRESH_AFTER = 8  # more files changed than this: the run rewrites the index
_NEVER = [-2, 0, 0, 0]  # the signature of a file the index must read again
_IGNORED_OPTIONS = frozenset({"paths", "output_file", "output_format", "jobs", "statistics", "show_fixes",
                              "quiet", "color", "sarif_category", "sarif_include_suppressed"})


def index_key(args, root: str, env: str) -> str:
    """The digest of what decides the files and facts of a whole-repository walk: the options
    (less the paths and where and how the report is printed), the root, the working folder and
    the result cache's environment key."""
    from .cache import _digest

    options = sorted((k, repr(v)) for k, v in vars(args).items() if k not in _IGNORED_OPTIONS)
    parts = [str(FORMAT), env, os.getcwd(), root, repr(options)]
    return _digest("\0".join(parts).encode("utf-8", "surrogateescape"))


class Index:
    """One run's use of the facts index of ``key`` in the cache folder ``bucket``."""

    def __init__(self, bucket: str, key: str):
        self.path = os.path.join(bucket, "runs", key[:24] + ".facts")
        self.key = key
        self.entries = None  # (display, abspath, kind, facts) of a whole walk, to store
        self.stored = False  # True: this run read the index instead of walking

    def load(self):
        """[(abspath, display, kind, signature, facts)] of the files indexed, and the set of
        those whose signature changed, when the index verifies and its manifest holds; else
        None."""
        from . import snapshot
        from .cache import _path_sig, _sig_ok
        from ..project.facts import check

        got = snapshot.read(self.path)
        if got is None:
            return None
        doc = got[0]
        if doc.get("format") != FORMAT or doc.get("key") != self.key:
            return None
        files = doc.get("files")
        if type(files) is not list or not snapshot.unchanged(doc.get("checks"), doc.get("links")):
            return None
        rows, changed = [], set()
        try:
            for row in files:
                if type(row) is not list or len(row) != 5:
                    return None
                abspath, display, kind, sig, facts = row
                if type(abspath) is not str or type(display) is not str or not (kind is None or type(kind) is str) \
                        or not _sig_ok(sig):
                    return None
                facts = check(facts)
                if _path_sig(abspath) != sig:
                    changed.add(abspath)
                rows.append((abspath, display, kind, sig, facts))
        except (ValueError, OSError):
            return None
        self._doc = doc
        return rows, changed

    def store(self, cache, files: dict, rows: list, links: list) -> bool:
        """Write the index of a whole walk: ``self.entries`` with the signatures ``files``
        (abspath: signature) and the rest of the manifest (``rows``, ``links``)."""
        out = []
        for display, abspath, kind, facts in self.entries:
            if abspath not in files:
                return False  # a file the manifest cannot vouch for: no index rather than a wrong one
            # racy (changed within the clock's tick): a signature no file has, read again next time
            sig = files[abspath] or _NEVER
            out.append([abspath, display, kind, sig, facts])
        return self._write(cache, out, rows, links)

    def refresh(self, cache, rows: list, items: dict, results: dict) -> bool:
        """Rewrite the index read by ``load`` with the new signatures and facts of the files read
        again: ``items`` abspath: (abspath, display, settings), ``results`` abspath: FileResult."""
        from .cache import _racy
        import time

        t0 = time.time_ns()
        known = {c[0] for c in self._doc["checks"]}
        out = []
        for abspath, display, kind, sig, facts in rows:
            fr = results.get(abspath)
            if fr is not None:
                got = cache.stored(abspath, items[abspath][2])
                if got is not None and not known.issuperset(got[1]):
                    return False  # an input the index does not check: walk next time
                settled = got is not None and type(got[0]) is list and not _racy(got[0], t0)
                sig, kind, facts = (got[0] if settled else _NEVER), fr.kind, fr.facts
            out.append([abspath, display, kind, sig, facts])
        return self._write(cache, out, self._doc["checks"], self._doc["links"])

    def _write(self, cache, files, checks, links) -> bool:
        import json

        from . import snapshot

        doc = json.dumps({"format": FORMAT, "key": self.key, "checks": checks, "links": links, "files": files},
                         separators=(",", ":"))
        return snapshot._write(cache, self.path, doc.encode("utf-8", "surrogateescape") + b"\0")
