"""The facts index: every file's project facts, kept from the last run that walked the whole
repository, so that a run given a few files (pre-commit names the changed ones) builds the part
of the project model that can touch them without walking the tree and reading thousands of
results.

A run given files that had to walk the whole repository (no index yet, or a stale one)
stores, beside the report snapshots (archlint/run/snapshot.py), one index per command line
less its paths and output (a run of the whole repository does not: it has no use for one): the walk's manifest (every folder listed, ignore and
configuration files, links, the inputs the results depend on: see ``snapshot._manifest``); per
linted file its display path, kind, the stat signature of its result-cache entry, its facts and
its link group; and what the groups depend on and the groups that mention each link key
(``project.links.link_groups``).

A run given files uses the index when every row of the manifest still holds (a folder whose
listing changed, a configuration file edited ... is a miss: the run walks, as before) and few
files changed since (at most ``MAX_CHANGED``, or one in 50).  The changed files and the files
named are the run's own: the changed ones are read through the result cache (linted again when
their entry is stale); a model of these alone gives the keys they mention now, and the model
the project rules see is built from what is connected to a named file: the named file's own
group, the changed files and the groups their keys may link them to, the groups with a name
whose last part is unknown, and the groups all these depend on or that depend on them
(``LinkGroups.reach``).  A file changed since the index was written but linked to nothing named
stays out.
Findings that touch the named files are the same as with the whole model: a file outside those
groups is linked to none of them.  (One case is not followed: a changed Makefile that another
file runs with make -f, now building a Dockerfile found only in the caller's folder, whose
group the Makefile's old group does not hold.)  The index is not rewritten by
such a run (the changed files' groups would be stale); the next whole walk rewrites it.  A file
that ``_write`` did not write under this user's key, or facts that do not have the shape the
extractor writes (``project.fact_check.check``), are not used.  The run's report is not kept as a
snapshot when the index stood in for the walk (the snapshot's manifest needs every file).
"""
from __future__ import annotations

import os

FORMAT = 2
MAX_CHANGED = 64  # more files changed since the index was written (or one in 50): walk
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
        self.groups = None  # their link groups (links.link_groups)
        self.stored = False  # True: this run read the index instead of walking

    def load(self):
        """([(abspath, display, kind, signature, facts as JSON text, group)] of the files indexed,
        the set of those whose signature changed, their ``links.LinkGroups``) when the index
        verifies and its manifest holds; else None.  The facts are checked by the caller, for the files it
        uses."""
        from . import snapshot
        from .cache import _path_sig, _sig_ok

        got = snapshot.read(self.path)
        if got is None:
            return None
        doc = got[0]
        if doc.get("format") != FORMAT or doc.get("key") != self.key:
            return None
        from ..project.links import LinkGroups

        files = doc.get("files")
        if type(files) is not list or not snapshot.unchanged(doc.get("checks"), doc.get("links")):
            return None
        groups = LinkGroups.from_json({}, doc.get("groups"))
        if groups is None:
            return None
        rows, changed = [], set()
        try:
            for row in files:
                if type(row) is not list or len(row) != 6:
                    return None
                abspath, display, kind, sig, facts, group = row
                if type(abspath) is not str or type(display) is not str or not (kind is None or type(kind) is str) \
                        or not _sig_ok(sig) or type(group) is not int or not (facts is None or type(facts) is str):
                    return None
                if _path_sig(abspath) != sig:
                    changed.add(abspath)
                rows.append((abspath, display, kind, sig, facts, group))
        except (ValueError, OSError):
            return None
        groups.files = {r[1]: r[5] for r in rows}
        return rows, changed, groups

    def store(self, cache, files: dict, rows: list, links: list) -> bool:
        """Write the index of a whole walk: ``self.entries`` with the signatures ``files``
        (abspath: signature or None) and the rest of the manifest (``rows``, ``links``)."""
        import json

        from . import snapshot

        if self.groups is None:
            return False
        groups = self.groups.files
        out = []
        for display, abspath, kind, facts in self.entries:
            if abspath not in files or display not in groups:
                return False  # a file the manifest cannot vouch for: no index rather than a wrong one
            # no settled cache entry (changed within the clock's tick ...): read again next time
            sig = files[abspath] or _NEVER
            # facts as JSON text: decoded only for the files a run uses (a tenth of the time)
            out.append([abspath, display, kind, sig, None if facts is None else json.dumps(facts, separators=(",", ":")),
                        groups[display]])
        doc = json.dumps({"format": FORMAT, "key": self.key, "checks": rows, "links": links, "files": out,
                          "groups": self.groups.to_json()}, separators=(",", ":"))
        return snapshot._write(cache, self.path, doc.encode("utf-8", "surrogateescape") + b"\0")
