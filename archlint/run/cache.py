"""The result cache: a second run over unchanged files does not lint them again.

What a cached result is keyed on
    * the file's bytes (a BLAKE2b digest), its display path (findings carry it) and its absolute
      path;
    * the settings that apply to it (``Settings.cache_key()``, the configuration's folder, and the
      bytes of every user rule pack it names);
    * the environment, computed once per process: archlint's version, this format's version, the
      Python version, the size and mtime of every file of the ``archlint`` package (so editing
      archlint's own code in a checkout invalidates the cache; hashing all of it would cost ~2 ms
      per start-up for the same effect), the bytes of the shipped rule packs (``rules/`` of a
      checkout, ``archlint/_packs`` of a wheel: every ``.yaml``/``.json`` file of the package is
      hashed, not stat'ed — ~120 KB, a fraction of a millisecond once per process), and the names of the installed distributions
      (``*.dist-info``: a new tree-sitter-bash or PyYAML changes parse results);
    * the other paths a result depends on ("inputs"), which the result lists itself in
      ``FileResult.deps``: what the kind detection, the parser and the rules looked at (a
      Makefile's includes, the pyproject / requirements / Dockerfiles / folders the Python rules
      read, the ``Chart.yaml`` that makes ``values*.yaml`` Helm values).  Their stat signatures
      (and the mtimes of the folders whose listing matters) are stored with the entry and
      checked on every hit.  A result without that list (``deps`` None) is not stored.  This
      module knows no file kind and no rule family: a family that reads other files says so with
      ``Context.depends_on``, a parser by adding to ``Source.inputs``.

The fast path
    An index maps (absolute path, settings digest) to the file's last stat signature (size,
    mtime_ns, ctime_ns, inode), its content digest, its inputs and the encoded result.  When the
    stat signature is unchanged the stored digest is trusted without reading the file (mtime
    *and* ctime must match: restoring an mtime with ``touch -d`` still changes the ctime).  When
    it changed, the file is read and hashed: same bytes (a ``git checkout``, a ``touch``) is still
    a hit.  A result is stored only when the file and its inputs were last modified more than two
    seconds before the run read them ("racily clean" files, as git calls them, are linted again
    next time), and only when the file did not change while it was being linted.

Where it lives
    ``$ARCHLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/archlint``, else ``~/.cache/archlint``
    (``%LOCALAPPDATA%\\archlint\\cache`` on Windows); never inside the linted repository.  One
    folder per (repository, environment) under ``v1/``, holding ``SHARDS`` index files and the
    stored whole reports (``runs/``, archlint/run/snapshot.py).  ``--no-cache`` and
    ``ARCHLINT_NO_CACHE=1`` turn it off.

Safety
    The cache folder is input, not trusted state (CI restores it from shared caches).  Entries
    are JSON decoded field by field into model objects, every field type-checked (never pickle: a
    hostile cache must not run code).  The index carries a BLAKE2b MAC of its body keyed with
    this user's ``memo.secret()`` (kept outside the cache folder): a truncated, garbled, foreign
    or forged index (one written without the key, even for file bytes its writer knows) is
    ignored and rewritten, and an entry that does not decode is dropped and relinted.  Folders
    are created 0700, files 0600; a folder or index file owned by another user is neither read
    nor written (the cache is off, or that index is left alone).  Writes go to a temporary file renamed over the index (``os.replace``), so a reader
    sees the old or the new index, never half of one; when two runs share the folder, the one
    that writes second merges what the first wrote.  The folder is bounded: indexes unused for
    the longest time are deleted past ``ARCHLINT_CACHE_MAX_MB`` (default 256), and entries not
    used for 30 days are dropped.

Errors never escape: an unusable cache folder turns the cache off for the run.
"""
from __future__ import annotations

import os
import stat as _stat
import sys
import time

from .. import __version__
from ..source import read_regular
from .memo import cache_dir, mac, ours, secret, usable_dir

_NO_LIMIT = 1 << 40  # the linted file itself: read whole (never a FIFO: read_regular refuses it)
from ..model import Edit, FileResult, Finding, Fix, Notice, Related, Severity, Span

__all__ = ["Cache", "cache_dir", "environment_key"]

FORMAT = 3
_MAGIC = b"archlint-cache 1\n"
RACY_NS = 2_000_000_000  # 2 s: covers FAT's 2-second mtimes and coarse kernel clocks
DEFAULT_MAX_MB = 256
MAX_AGE_DAYS = 30
MAX_ENTRIES = 200_000
_DAY_NS = 86_400 * 1_000_000_000

try:  # a C module that loads in a fraction of a millisecond; hashlib costs ~4 ms (OpenSSL)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - every CPython has it; other interpreters may not
    from hashlib import blake2b as _blake2b


def _digest(data: bytes) -> str:
    return _blake2b(data, digest_size=16).hexdigest()


# ---- the environment ---------------------------------------------------------------------------

_ENV: str | None = None


def _package_signature(h) -> None:
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the archlint package
    stack = [pkg]
    rows = []
    while stack:
        d = stack.pop()
        try:
            it = list(os.scandir(d))
        except OSError:
            continue
        for e in it:
            if e.name == "__pycache__" or e.name.startswith("."):
                continue
            try:
                if e.is_dir(follow_symlinks=True):
                    stack.append(e.path)
                    continue
                if e.name.endswith((".pyc", ".pyo")):
                    continue
                if e.name.endswith((".yaml", ".yml", ".json")):  # rule packs (a wheel's _packs)
                    with open(e.path, "rb") as fh:
                        rows.append(f"{os.path.relpath(e.path, pkg)}\0{_digest(fh.read())}")
                    continue
                st = e.stat()
            except OSError:
                continue
            rows.append(f"{os.path.relpath(e.path, pkg)}\0{st.st_size}\0{st.st_mtime_ns}")
    rows.sort()
    h.update("\n".join(rows).encode("utf-8", "surrogateescape"))
    # shipped rule packs: archlint/_packs in a wheel (walked above), rules/ in a checkout
    packs = os.path.join(os.path.dirname(pkg), "rules")
    try:
        names = sorted(os.listdir(packs))
    except OSError:
        names = []
    for n in names:
        if n.endswith((".yaml", ".yml", ".json")):
            try:
                with open(os.path.join(packs, n), "rb") as fh:
                    h.update(n.encode() + b"\0" + fh.read() + b"\0")
            except OSError:
                pass


def _distributions(h) -> None:
    for p in sys.path:
        if not p or not os.path.isabs(p):
            continue
        try:
            names = [n for n in os.listdir(p) if n.endswith(".dist-info")]
        except OSError:
            continue
        if names:
            h.update(p.encode("utf-8", "surrogateescape") + b"\0" + "\0".join(sorted(names)).encode("utf-8", "surrogateescape"))


def environment_key() -> str:
    """What every entry of this process depends on (computed once: well under a millisecond)."""
    global _ENV
    if _ENV is None:
        h = _blake2b(digest_size=16)
        h.update(f"{FORMAT}\0{__version__}\0{sys.implementation.cache_tag}\0{sys.version}\0".encode())
        _package_signature(h)
        _distributions(h)
        _ENV = h.hexdigest()
    return _ENV


def _project(start: str) -> str:
    """The repository a run belongs to (the folder holding .git above ``start``), else ``start``."""
    from ..discovery import find_root

    return find_root(start)


# ---- encoding results --------------------------------------------------------------------------


class _Bad(Exception):
    """An entry that does not decode: dropped and relinted."""


def _span_out(s) -> list:
    return [s[0], s[1], s[2], s[3]]


def _encode(fr: FileResult, display: str) -> list:
    findings = []
    for f in fr.findings:
        fix = None
        if f.fix is not None:
            fix = [f.fix.description, [[_span_out(e.span), e.text] for e in f.fix.edits], bool(f.fix.safe)]
        findings.append([
            f.rule_id, f.message, _span_out(f.span), int(f.severity), None if f.path == display else f.path, f.hint, fix,
            [[_span_out(r.span), r.message, r.path] for r in f.related], f.key, bool(f.suppressed), f.fingerprint,
        ])
    notices = [[n.rule_id, n.message, n.path, n.line, n.col, int(n.severity), bool(n.internal), n.group, n.summary]
               for n in fr.notices]
    # the text itself is not stored: on a hit it is read again from the file (whose bytes were
    # just validated), which costs less than decoding it from the index
    lines = 1 if (findings or notices) and fr.lines is not None else 0
    deps = fr.deps
    return [fr.kind, fr.encoding, findings, notices, lines, None if deps is None else [str(p) for p in deps],
            bool(fr.generated), fr.facts]


def _s(v) -> str:
    if type(v) is not str:
        raise _Bad("expected a string")
    return v


def _os(v):
    if v is not None and type(v) is not str:
        raise _Bad("expected a string or null")
    return v


def _i(v) -> int:
    if type(v) is not int:
        raise _Bad("expected an integer")
    return v


def _b(v) -> bool:
    if type(v) is not bool:
        raise _Bad("expected a boolean")
    return v


def _list(v, n: int | None = None) -> list:
    if type(v) is not list or (n is not None and len(v) != n):
        raise _Bad("expected a list")
    return v


_SEVERITIES = {int(s): s for s in Severity}
_STR = str
_INT = int


def _span(v) -> Span:
    if type(v) is not list or len(v) != 4:
        raise _Bad("bad span")
    a, b, c, d = v
    if type(a) is not _INT or type(b) is not _INT or type(c) is not _INT or type(d) is not _INT:
        raise _Bad("bad span")
    return Span(a, b, c, d)


def _sev(v) -> Severity:
    try:
        return _SEVERITIES[v] if type(v) is _INT else _SEVERITIES[None]
    except KeyError:
        raise _Bad("bad severity") from None


def _decode(v, display: str) -> tuple[FileResult, int]:
    """(FileResult, lines flag) from an encoded entry; raises _Bad on anything unexpected.
    Strict: every field must have exactly the type the encoder wrote."""
    kind, encoding, fs, ns, lines, deps, generated, facts = _list(v, 8)
    findings = []
    if type(fs) is not list:
        raise _Bad("bad findings")
    for f in fs:
        if type(f) is not list or len(f) != 11:
            raise _Bad("bad finding")
        rid, msg, span, sev, path, hint, fix, related, key, suppressed, fp = f
        if path is None:
            path = display
        if (type(rid) is not _STR or type(msg) is not _STR or type(path) is not _STR or type(key) is not _STR
                or type(fp) is not _STR or (hint is not None and type(hint) is not _STR)
                or type(suppressed) is not bool or type(related) is not list):
            raise _Bad("bad finding")
        if fix is not None:
            desc, edits, safe = _list(fix, 3)
            fix = Fix(_s(desc), tuple(Edit(_span(sp), _s(t)) for sp, t in (_list(e, 2) for e in _list(edits))), _b(safe))
        rel = tuple(Related(_span(sp), _s(m), _os(p)) for sp, m, p in (_list(r, 3) for r in related)) if related else ()
        findings.append(Finding(rid, msg, _span(span), _sev(sev), path, hint, fix, rel, key, suppressed, fp))
    notices = []
    for n in _list(ns):
        rid, msg, path, line, col, sev, internal, group, summary = _list(n, 9)
        notices.append(Notice(_s(rid), _s(msg), _s(path), _i(line), _i(col), _sev(sev), _b(internal), _s(group),
                              _s(summary)))
    if type(lines) is not _INT or lines not in (0, 1):
        raise _Bad("bad lines flag")
    fr = FileResult(display, _os(kind), findings, notices, None, _s(encoding), generated=_b(generated))
    if facts is not None:
        from ..project.fact_check import check

        try:
            fr.facts = check(facts)
        except ValueError as e:
            raise _Bad(str(e)) from None
    if deps is not None:
        fr.deps = tuple(_s(p) for p in _list(deps))
    return fr, lines


def _lines_of(data: bytes, size: int):
    """The file's lines as the engine's Source splits them; None if ``data`` is not the
    validated content (another size: the file changed since it was checked)."""
    if len(data) != size:
        return None
    from ..source import DecodeError, decode, normalize_newlines

    try:
        text, _enc, _w = decode(data)
    except DecodeError:
        return None
    return normalize_newlines(text).split("\n")


# ---- inputs: the other files a result depends on ----------------------------------------------


def _sig(st) -> list:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _path_sig(path: str):
    """Stat signature of a file or folder (a folder's mtime changes when its listing does);
    None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if _stat.S_ISDIR(st.st_mode):
        return [-1, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    return _sig(st)


# ---- the cache ---------------------------------------------------------------------------------


SHARDS = 64  # a one-file run reads 1/64 of the repository's index


class _Shard:
    """One index file: ``entries`` (key -> entry) and ``depsets`` (id -> [[path, signature],
    ...]: files in one folder share their inputs, stored once)."""

    __slots__ = ("path", "entries", "depsets", "dirty", "loaded_sig")

    def __init__(self, path: str):
        self.path = path
        self.entries: dict = {}
        self.depsets: dict = {}
        self.dirty = False
        self.loaded_sig = None


class _Store:
    """The index of one (repository, environment): a folder of SHARDS files, each read on first
    use.  Kept apart from Cache so that the finalizer can write it without the Cache object."""

    __slots__ = ("root", "bucket", "env", "key", "max_bytes", "shards", "today")

    def __init__(self, root: str, bucket: str, env: str, max_bytes: int, key: bytes = b""):
        self.root = root  # <cache dir>/v1
        self.bucket = bucket  # <cache dir>/v1/<repository+environment digest>
        self.env = env
        self.key = key  # memo.secret(): the index files' MAC key
        self.max_bytes = max_bytes
        self.shards: dict = {}
        self.today = time.time_ns() // _DAY_NS

    def shard(self, n: int) -> _Shard:
        sh = self.shards.get(n)
        if sh is None:
            sh = self.shards[n] = _Shard(os.path.join(self.bucket, f"{n:02x}.idx"))
            _load(sh, self.env, self.key)
        return sh


class Cache:
    """``Cache.open()``, then ``get``/``put`` per file; ``close()`` (or dropping the object, or
    the end of the process) writes the index if anything changed."""

    def __init__(self, store: "_Store | None", project: str = ""):
        self._store = store  # None: the cache is off
        self.project = project
        self.hits = 0
        self.misses = 0
        self._ctx: dict = {}
        self._seen: dict = {}
        self._sigs: dict = {}
        self._depsets_ok: dict = {}
        self._current: set = set()  # entries this run validated (get) or wrote (put)
        self._finalizer = None

    # -- opening and closing --------------------------------------------------------------------
    @classmethod
    def open(cls, directory: str | None = None, *, project: str | None = None, max_mb: float | None = None) -> "Cache":
        """The cache for a run started in the current folder.  Never raises: when the folder
        cannot be used (or ARCHLINT_NO_CACHE is set) the returned cache is off."""
        if max_mb is None:
            try:
                max_mb = float(os.environ.get("ARCHLINT_CACHE_MAX_MB") or DEFAULT_MAX_MB)
            except ValueError:
                max_mb = DEFAULT_MAX_MB
        try:
            proj = os.path.abspath(project) if project else _project(os.getcwd())
        except OSError:
            proj = ""
        if os.environ.get("ARCHLINT_NO_CACHE"):
            return cls(None, proj)
        try:
            top = directory or cache_dir()
            base = os.path.join(top, f"v{FORMAT}")
            env = environment_key()
            bucket = os.path.join(base, _digest(f"{proj}\0{env}".encode("utf-8", "surrogateescape"))[:24])
            key = secret()
            # another user's folder is never read nor written; ours are created 0700
            if key is None or not all(usable_dir(d) for d in (top, base, bucket)):
                return cls(None, proj)
            from ..fixes.files import make_private_dirs

            make_private_dirs(base)
            store = _Store(base, bucket, env, int(max_mb * 1024 * 1024), key)
            _touch(bucket)
        except Exception:
            return cls(None, proj)
        import weakref

        self = cls(store, proj)
        self._finalizer = weakref.finalize(self, _flush, store)
        return self

    @property
    def enabled(self) -> bool:
        return self._store is not None

    @property
    def directory(self) -> str | None:
        """The folder of this repository's index (None when the cache is off)."""
        return self._store.bucket if self._store is not None else None

    def close(self) -> None:
        """Write the index if it changed (also done when the object is garbage-collected or at
        exit)."""
        if self._finalizer is not None:
            self._finalizer()

    # -- keys -----------------------------------------------------------------------------------
    def _ctx_key(self, settings) -> str:
        hit = self._ctx.get(id(settings))
        if hit is not None and hit[0] is settings:
            return hit[1]
        parts = [settings.cache_key(), getattr(settings, "root", "") or ""]
        if not parts[1] and getattr(settings, "per_file_ignores", ()):
            parts.append(os.getcwd())  # per-file-ignores are then relative to the working folder
        for p in getattr(settings, "rule_packs", ()) or ():
            try:
                with open(p, "rb") as fh:
                    parts.append(_digest(fh.read()))
            except OSError:
                parts.append("missing:" + p)
        key = _digest("\0".join(parts).encode("utf-8", "surrogateescape"))
        self._ctx[id(settings)] = (settings, key)
        return key

    def _key(self, abspath: str, settings) -> tuple[int, str]:
        """(shard number, entry key): a digest of the path and the settings digest."""
        h = _blake2b(f"{abspath}\0{self._ctx_key(settings)}".encode("utf-8", "surrogateescape"), digest_size=12).digest()
        return h[0] % SHARDS, h.hex()

    # -- the per-file API -----------------------------------------------------------------------
    def get(self, abspath: str, display: str, settings) -> FileResult | None:
        """The cached result for this file, or None (then lint it and ``put`` the result)."""
        store = self._store
        if store is None:
            return None
        now = time.time_ns()
        try:
            st = os.stat(abspath)
        except OSError:
            return None
        if not _stat.S_ISREG(st.st_mode):
            return None
        sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        n, key = self._key(abspath, settings)
        shard = store.shard(n)
        e = shard.entries.get(key)
        fr = None
        if e is not None:
            try:
                fr = self._hit(e, n, shard, abspath, display, sig, now)
            except (_Bad, TypeError, ValueError, IndexError, KeyError, AttributeError, RecursionError):
                del shard.entries[key]  # garbage: relint, rewrite
                shard.dirty = True
        if fr is None:
            self._seen[key] = (sig, now)
            self.misses += 1
            return None
        self.hits += 1
        self._current.add(key)
        return fr

    def _hit(self, e, n, shard, abspath, display, sig, now):
        if not _entry_ok(e):
            raise _Bad("bad entry")
        if e[0] != display:
            return None
        data = None
        if e[1] != sig:
            try:
                data = read_regular(abspath, _NO_LIMIT)
                st2 = os.stat(abspath)
            except OSError:
                return None
            if _digest(data) != _s(e[2]):
                return None
            if _sig(st2) == sig and not _racy(sig, now):
                e[1] = sig  # same bytes, new stat (a checkout or a touch): trust the new stat
                shard.dirty = True
        ds = e[3]
        if ds is not None and not self._depset_ok(n, shard, ds):
            return None
        fr, lines = _decode(e[5], display)
        if lines:
            if data is None:
                try:
                    data = read_regular(abspath, _NO_LIMIT)
                except OSError:
                    return None
            fr.lines = _lines_of(data, sig[0])
            if fr.lines is None:
                return None
        today = self._store.today
        if e[4] != today:
            e[4] = today
            shard.dirty = True
        return fr

    def _depset_ok(self, n: int, shard: _Shard, ds) -> bool:
        ok = self._depsets_ok.get((n, ds))
        if ok is None:
            deps = shard.depsets.get(_s(ds))
            if deps is None:
                raise _Bad("unknown input set")
            ok = True
            for dep in _list(deps):
                path, dsig = _list(dep, 2)
                if self._dep_sig(_s(path)) != dsig:
                    ok = False
                    break
            self._depsets_ok[(n, ds)] = ok
        return ok

    def _dep_sig(self, path: str):
        try:
            return self._sigs[path]
        except KeyError:
            s = self._sigs[path] = _path_sig(path)
            return s

    def stored(self, abspath: str, settings):
        """(stat signature, input paths) of this file's entry as it stands after ``get``/``put``,
        or None when it has none (archlint.run.snapshot reuses a whole report only when every file
        of the run has one)."""
        store = self._store
        if store is None:
            return None
        n, key = self._key(abspath, settings)
        if key not in self._current:  # an older entry that this run's put did not replace
            return None
        e = store.shard(n).entries.get(key)
        if not _entry_ok(e):
            return None
        ds = e[3]
        if ds is None:
            return e[1], []
        deps = store.shard(n).depsets.get(ds)
        if not _depset_shape(deps):
            return None
        return e[1], [d[0] for d in deps]

    def put(self, abspath: str, display: str, settings, file_result: FileResult) -> None:
        """Store a fresh result (silently skipped when it cannot be stored safely)."""
        if self._store is None or file_result is None:
            return
        try:
            self._put(abspath, display, settings, file_result)
        except (OSError, _Bad, TypeError, ValueError, AttributeError, RecursionError):
            pass

    def _put(self, abspath, display, settings, fr):
        if any(n.internal for n in fr.notices):
            return  # a crash of archlint itself: try again next time
        if fr.deps is None:
            return  # the result does not say what it depended on
        n, key = self._key(abspath, settings)
        seen = self._seen.pop(key, None)
        st = os.stat(abspath)
        if not _stat.S_ISREG(st.st_mode):
            return
        data = read_regular(abspath, _NO_LIMIT)
        sig = _sig(st)
        if _sig(os.stat(abspath)) != sig:
            return  # changing under our feet
        t0 = seen[1] if seen is not None else time.time_ns()
        if (seen is not None and seen[0] != sig) or _racy(sig, t0):
            return
        inputs = [str(p) for p in fr.deps]  # what detection, parser and rules looked at
        deps = []
        done = set()
        for p in inputs:
            if p in done:
                continue
            done.add(p)
            s = self._dep_sig(p)
            if s is not None and _racy(s, t0):
                return
            deps.append([p, s])
        shard = self._store.shard(n)
        ds = None
        if deps:
            import json

            ds = _digest(json.dumps(deps, separators=(",", ":")).encode("utf-8", "surrogateescape"))[:16]
            shard.depsets[ds] = deps
            self._depsets_ok[(n, ds)] = True
        shard.entries[key] = [display, sig, _digest(data), ds, self._store.today, _encode(fr, display)]
        shard.dirty = True
        self._current.add(key)


def _racy(sig, t0: int) -> bool:
    return max(sig[1], sig[2]) >= t0 - RACY_NS


def _sig_ok(v) -> bool:
    return type(v) is list and len(v) == 4 and all(type(x) is int for x in v)


def _entry_ok(e) -> bool:
    """The shape ``_put`` writes: [display, stat signature, content digest, input-set id or
    None, day last used, encoded result] (the result itself is checked by ``_decode``)."""
    return (type(e) is list and len(e) == 6 and type(e[0]) is str and _sig_ok(e[1]) and type(e[2]) is str
            and (e[3] is None or type(e[3]) is str) and type(e[4]) is int and type(e[5]) is list)


def _depset_shape(deps) -> bool:
    """[[path, signature or None], ...]."""
    return type(deps) is list and all(
        type(d) is list and len(d) == 2 and type(d[0]) is str and (d[1] is None or _sig_ok(d[1])) for d in deps)


# ---- the index files ----------------------------------------------------------------------------


def _parse_index(data: bytes, env: str, key: bytes | None = None) -> dict:
    """Entries of an index file, or {} when it is truncated, garbled or not ours (``key``:
    this user's, ``memo.secret()``, by default)."""
    return _parse_shard(data, env, secret() if key is None else key)[0]


def _parse_shard(data: bytes, env: str, key: bytes) -> tuple[dict, dict]:
    """(entries, input sets) of an index file; empty when it is truncated, garbled, forged (its
    MAC is not made with this user's key) or not ours.  Entries are shape-checked where they are
    used (``_entry_ok``, ``_decode``, ``_depset_shape``)."""
    if not data.startswith(_MAGIC):
        return {}, {}
    rest = data[len(_MAGIC):]
    nl = rest.find(b"\n")
    if nl != 32:
        return {}, {}
    digest, body = rest[:nl].decode("ascii", "replace"), rest[nl + 1:]
    if mac(key, body) != digest:
        return {}, {}
    import json

    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return {}, {}
    if type(doc) is not dict or doc.get("format") != FORMAT or doc.get("env") != env:
        return {}, {}
    entries, depsets = doc.get("entries"), doc.get("deps")
    if type(entries) is not dict or type(depsets) is not dict:
        return {}, {}
    return entries, depsets


def _file_sig(st) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _load(shard: _Shard, env: str, key: bytes) -> None:
    try:
        with open(shard.path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not ours(st):  # another user's index: treated as absent, never replaced
                shard.loaded_sig = "foreign"
                return
            data = fh.read()
    except OSError:
        return
    shard.entries, shard.depsets = _parse_shard(data, env, key)
    shard.loaded_sig = _file_sig(st)


def _touch(bucket: str) -> None:
    """Mark a repository's index as used today (the size bound deletes the stalest first)."""
    try:
        if time.time() - os.stat(bucket).st_mtime > 86_400:
            os.utime(bucket)
    except OSError:
        pass


def _flush(store: _Store) -> None:
    wrote = False
    for shard in list(store.shards.values()):
        if shard.dirty:
            try:
                wrote |= _write_shard(store, shard)
            except Exception:
                pass
    if wrote:
        try:
            _prune(store.root, store.max_bytes, keep=store.bucket)
        except Exception:
            pass


def _write_shard(store: _Store, shard: _Shard) -> bool:
    shard.dirty = False
    if shard.loaded_sig == "foreign":
        return False
    import json

    entries, depsets = shard.entries, shard.depsets
    # another run wrote this shard since we read it: keep its entries too (ours win)
    try:
        st = os.stat(shard.path)
        disk_sig = _file_sig(st) if ours(st) else "foreign"
    except OSError:
        disk_sig = None
    if disk_sig == "foreign":
        return False  # another user put it there since: leave it alone
    if disk_sig is not None and disk_sig != shard.loaded_sig:
        try:
            with open(shard.path, "rb") as fh:
                other, other_sets = _parse_shard(fh.read(), store.env, store.key)
        except OSError:
            other, other_sets = {}, {}
        if other:
            entries = {**other, **entries}
            depsets = {**other_sets, **depsets}
    # bound the index: drop entries unused for MAX_AGE_DAYS, then the least recently used
    today = store.today
    fresh = {k: e for k, e in entries.items() if _entry_ok(e) and today - e[4] <= MAX_AGE_DAYS}
    limit = MAX_ENTRIES // SHARDS
    if len(fresh) > limit:
        fresh = dict(sorted(fresh.items(), key=lambda kv: kv[1][4], reverse=True)[:limit])
    used = {e[3] for e in fresh.values() if type(e[3]) is str}
    depsets = {k: v for k, v in depsets.items() if k in used and _depset_shape(v)}
    shard.entries, shard.depsets = fresh, depsets
    body = json.dumps({"format": FORMAT, "env": store.env, "entries": fresh, "deps": depsets},
                      separators=(",", ":")).encode("ascii")
    data = _MAGIC + mac(store.key, body).encode("ascii") + b"\n" + body
    from ..fixes.files import write_bytes

    if not write_bytes(shard.path, data):
        return False
    try:
        shard.loaded_sig = _file_sig(os.stat(shard.path))
    except OSError:
        shard.loaded_sig = None
    return True


def _prune(root: str, max_bytes: int, keep: str) -> None:
    """Delete the least recently used repositories' indexes past ``max_bytes``, and temporary
    files left by killed runs."""
    now = time.time()
    buckets = []
    total = 0
    try:
        tops = list(os.scandir(root))
    except OSError:
        return
    for b in tops:
        try:
            if not b.is_dir(follow_symlinks=False):
                continue
            size = 0
            for e in _bucket_files(b.path):
                st = e.stat(follow_symlinks=False)
                if e.name.startswith(".tmp-") and now - st.st_mtime > 600:
                    try:
                        os.unlink(e.path)
                    except OSError:
                        pass
                    continue
                size += st.st_size
            buckets.append((b.stat(follow_symlinks=False).st_mtime, b.path, size))
            total += size
        except OSError:
            continue
    if total <= max_bytes:
        return
    for _mtime, path, size in sorted(buckets):
        if path == keep:
            continue
        try:
            for e in _bucket_files(path):
                os.unlink(e.path)
            for e in os.scandir(path):
                os.rmdir(e.path)
            os.rmdir(path)
        except OSError:
            pass
        total -= size
        if total <= max_bytes:
            break


def _bucket_files(path: str) -> list:
    """The files of one repository's index: its shards and, one level down, its stored reports
    (archlint/run/snapshot.py's ``runs/``)."""
    out = []
    for e in os.scandir(path):
        if e.is_dir(follow_symlinks=False):
            out.extend(x for x in os.scandir(e.path) if not x.is_dir(follow_symlinks=False))
        else:
            out.append(e)
    return out
