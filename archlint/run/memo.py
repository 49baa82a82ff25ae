"""Parsed data files — TOML configuration, YAML rule packs — remembered across runs.

Every run reads the same configuration files and rule packs, and importing and running their
parsers (tomllib pulls in typing and datetime; a rule pack needs PyYAML) costs more start-up than
linting one file does.  ``load(path, parse)`` keeps ``parse(path)``'s result in the cache folder
and returns it again while the file's bytes are the same.  A memo can make a run faster, never
different: any problem with the folder (read-only, another user's, a corrupt, truncated, forged
or foreign entry, a concurrent writer) falls back to parsing.  ``ARCHLINT_NO_CACHE`` switches it
off (``--no-cache`` only skips the result cache: it asks for fresh lint results, not for
re-parsing the same configuration).

The cache folder is input, not trusted state (CI systems restore it from shared caches):

* An entry is JSON (``{"tag", "path", "source", "value"}``) read with the C scanner of the
  ``json`` package (``_json``, a fraction of a millisecond to import; ``json`` itself costs
  ~1.5 ms), so the worst a crafted entry can decode into is plain data: dicts, lists, strings,
  numbers, booleans, null.  What is read back is shape-checked: the value must be a table (both
  consumers, configuration files and rule packs, want a mapping, and validate its contents).
  Values JSON cannot hold exactly (a TOML date, an infinite float, a YAML mapping with
  non-string keys) are simply not remembered.
* ``source`` is a BLAKE2b digest of the bytes the value was parsed from, compared with the
  digest of the file as read now: an entry is never used for other bytes.
* The entry carries a BLAKE2b MAC keyed with ``secret()``, a random per-user key kept outside the
  cache folder (``$XDG_STATE_HOME/archlint/cache-key``, else ``~/.local/state/archlint/…``;
  ``%LOCALAPPDATA%\\archlint\\cache-key`` on Windows).  Whoever can write the cache folder but not
  read that key cannot make an entry this process accepts, even for bytes they know (a
  repository's public ``.archlint.toml``): a forged entry costs a miss.  Without a usable key the
  memo (and the result cache) is off.
* Folders are created 0700 and files 0600 whatever the umask; a cache folder or entry owned by
  another user (where ``os.geteuid`` exists) is treated as absent: never read, never written.
"""
from __future__ import annotations

import os
import sys

from .. import __version__

try:  # a C module that loads in a fraction of a millisecond; hashlib costs ~4 ms (OpenSSL)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - every CPython has it; other interpreters may not
    from hashlib import blake2b as _blake2b

_MAX = 16 << 20  # bigger files are parsed every time
_KEEP = 256  # entries kept; the least recently written go first
_TAG = f"archlint-memo-2/{__version__}/{sys.implementation.cache_tag}"
_MAGIC = b"archlint-memo 2\n"
_SUFFIX = ".memo"
_KEY_BYTES = 32


def cache_dir() -> str:
    """The cache folder this process uses (it need not exist yet)."""
    d = os.environ.get("ARCHLINT_CACHE_DIR")
    if d:
        return os.path.abspath(os.path.expanduser(d))
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "archlint")
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "archlint", "cache")
    return os.path.join(os.path.expanduser("~"), ".cache", "archlint")


def _folder() -> str:
    return os.path.join(cache_dir(), "memo")


# ---- ownership and the key ---------------------------------------------------------------------


def ours(st) -> bool:
    """Whether a stat result belongs to this process's user (always true where there are no
    user ids)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or st.st_uid == geteuid()


_DIR_OK: dict = {}


def usable_dir(path: str) -> bool:
    """False when ``path`` exists and is not a folder of this user (then it is neither read nor
    written).  A missing folder is usable: it will be created private.  Remembered per process."""
    ok = _DIR_OK.get(path)
    if ok is None:
        import stat as _stat

        try:
            st = os.stat(path)
        except FileNotFoundError:
            return True  # not remembered: whoever creates it decides
        except OSError:
            ok = False
        else:
            ok = _stat.S_ISDIR(st.st_mode) and ours(st)
        _DIR_OK[path] = ok
    return ok


def _key_path() -> str:
    d = os.environ.get("XDG_STATE_HOME")
    if d and os.path.isabs(d):
        base = os.path.join(d, "archlint")
    elif os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = os.path.join(os.environ["LOCALAPPDATA"], "archlint")
    else:
        base = os.path.join(os.path.expanduser("~"), ".local", "state", "archlint")
    return os.path.join(base, "cache-key")


_SECRET: dict = {}


def secret() -> bytes | None:
    """This user's key for the cache's MACs (created on first use), or None when there is no
    usable one (then nothing is cached).  Read once per process and key location."""
    path = _key_path()
    key = _SECRET.get(path, b"?")
    if key == b"?":
        key = _SECRET[path] = _read_key(path)
    return key


def _read_key(path: str) -> bytes | None:
    import stat as _stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        st = None
    except OSError:
        return None
    else:
        try:
            st = os.fstat(fd)
            data = os.read(fd, _KEY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if not ours(st):
            return None  # another user's: never used, never replaced
        if (_stat.S_ISREG(st.st_mode) and len(data) == _KEY_BYTES
                and (os.name == "nt" or not st.st_mode & 0o077)):
            return data
    if not usable_dir(os.path.dirname(path)):
        return None
    from ..fixes.files import write_bytes

    key = os.urandom(_KEY_BYTES)
    # two first runs at once: the last rename wins; the other's entries become misses
    return key if write_bytes(path, key) else None


def mac(key: bytes, data: bytes) -> str:
    return _blake2b(data, digest_size=16, key=key).hexdigest()


# ---- JSON, read with the C scanner -------------------------------------------------------------


def _no_constant(name):
    raise ValueError(f"{name} is not remembered")


_SCAN = None


def _scanner():
    global _SCAN
    if _SCAN is None:
        try:
            from _json import make_scanner
        except ImportError:  # pragma: no cover - CPython has it
            import json

            _SCAN = json.JSONDecoder(parse_constant=_no_constant).scan_once
        else:
            class _Context:
                strict = True
                object_hook = None
                object_pairs_hook = None
                parse_float = float
                parse_int = int
                parse_constant = staticmethod(_no_constant)
                memo: dict = {}

            _SCAN = make_scanner(_Context())
    return _SCAN


def _json_loads(text: str):
    """One JSON value filling ``text``; ValueError (or RecursionError) for anything else."""
    try:
        value, end = _scanner()(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError("trailing data")
    return value


def _plain(v, depth: int = 0) -> bool:
    """Whether JSON gives ``v`` back exactly: dicts with string keys, lists, strings, finite
    floats, integers, booleans, None."""
    t = type(v)
    if t is str or t is int or t is bool or v is None:
        return True
    if t is float:
        return v == v and v not in (float("inf"), float("-inf"))
    if depth > 200:
        return False
    if t is list:
        return all(_plain(x, depth + 1) for x in v)
    if t is dict:
        return all(type(k) is str and _plain(x, depth + 1) for k, x in v.items())
    return False


# ---- the memo ------------------------------------------------------------------------------------


def load(path: str, parse):
    """``parse(path)``, or the remembered result of it for these very bytes (a mapping)."""
    if os.environ.get("ARCHLINT_NO_CACHE"):
        return parse(path)
    try:
        real = os.path.realpath(path)
        from ..source import read_regular

        data = read_regular(real, _MAX)
        if len(data) > _MAX:
            return parse(path)
        # the content's digest, not the modification time: file systems stamp times with a
        # coarse clock, and a same-size rewrite within one tick must not be mistaken for the old
        source = _blake2b(data, digest_size=16).hexdigest()
        folder = _folder()
        entry = os.path.join(folder, _blake2b(real.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest() + _SUFFIX)
    except (OSError, ValueError):
        return parse(path)
    key = secret()
    if key is None or not usable_dir(os.path.dirname(folder)) or not usable_dir(folder):
        return parse(path)
    writable = True
    try:
        value, writable = _read(entry, key, real, source)
        if value is not None:
            return value
    except (OSError, ValueError, TypeError, RecursionError):  # UnicodeDecodeError is a ValueError
        pass
    value = parse(path)
    if writable:
        _store(entry, key, real, source, value)
    return value


def _read(entry: str, key: bytes, real: str, source: str):
    """(value, writable): the entry's value when it is ours, intact and for these bytes."""
    fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not ours(os.fstat(fd)):
            return None, False  # another user's entry: treated as absent, not replaced
        chunks = []
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            chunks.append(b)
    finally:
        os.close(fd)
    blob = b"".join(chunks)
    head = len(_MAGIC)
    if not blob.startswith(_MAGIC) or blob[head + 32:head + 33] != b"\n":
        return None, True
    body = blob[head + 33:]
    if blob[head:head + 32] != mac(key, body).encode("ascii"):
        return None, True  # damaged, foreign, or forged without the key
    doc = _json_loads(body.decode("ascii"))
    if (type(doc) is dict and len(doc) == 4 and doc.get("tag") == _TAG and doc.get("path") == real
            and doc.get("source") == source and type(doc.get("value")) is dict):
        return doc["value"], True
    return None, True


def _store(entry: str, key: bytes, real: str, source: str, value) -> None:
    if type(value) is not dict or not _plain(value):
        return  # a value JSON cannot hold exactly (a TOML datetime): not remembered
    import json

    try:
        body = json.dumps({"tag": _TAG, "path": real, "source": source, "value": value},
                          separators=(",", ":"), allow_nan=False).encode("ascii")
    except (ValueError, TypeError, RecursionError):
        return
    from ..fixes.files import write_bytes

    blob = _MAGIC + mac(key, body).encode("ascii") + b"\n" + body
    if write_bytes(entry, blob):  # readers see the old entry or the new one, never half of one
        _trim(os.path.dirname(entry))


def _trim(folder: str) -> None:
    """Keep the folder bounded: temporary configurations (tests, scratch checkouts) each leave
    an entry, so past ``_KEEP`` the oldest are removed.  Runs only after a write.  Entries of
    the former format (``.marshal``) are removed too."""
    try:
        with os.scandir(folder) as it:
            entries = [e for e in it if e.name.endswith((_SUFFIX, ".marshal"))]
        old = [e for e in entries if e.name.endswith(".marshal")]
        entries = [e for e in entries if e.name.endswith(_SUFFIX)]
        if len(entries) > _KEEP:
            entries.sort(key=lambda e: e.stat().st_mtime_ns)
            old += entries[: len(entries) - _KEEP]
        for e in old:
            try:
                os.unlink(e.path)
            except OSError:
                pass
    except OSError:
        pass
