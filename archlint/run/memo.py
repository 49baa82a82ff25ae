"""Parsed data files — TOML configuration, YAML rule packs — remembered across runs.

Every run reads the same configuration files and rule packs, and importing and running their
parsers (tomllib pulls in typing and datetime; a rule pack needs PyYAML) costs more start-up than
linting one file does.  ``load(path, parse)`` keeps ``parse(path)``'s result in the cache folder,
serialised with ``marshal`` (built in, no import cost), and trusts it only while the file's
path, size and content checksums and archlint's and Python's versions are unchanged.  Data
``marshal`` cannot hold (a TOML date) is simply not remembered.  Any problem with the memo
folder (read-only, a corrupt, truncated or damaged entry — each carries a checksum —, a concurrent
writer) falls back to parsing: a memo
can make a run faster, never different.  ``ARCHLINT_NO_CACHE`` switches it off (``--no-cache``
only skips the result cache: it asks for fresh lint results, not for re-parsing the same
configuration).
"""
from __future__ import annotations

import marshal
import os
import sys
import zlib

from .. import __version__

_MAX = 16 << 20  # bigger files are parsed every time
_KEEP = 256  # entries kept; the least recently written go first
_TAG = f"archlint-memo-1/{__version__}/{sys.implementation.cache_tag}"


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


def load(path: str, parse):
    """``parse(path)``, or the remembered result of it for this very file."""
    if os.environ.get("ARCHLINT_NO_CACHE"):
        return parse(path)
    try:
        real = os.path.realpath(path)
        with open(real, "rb") as fh:
            data = fh.read(_MAX + 1)
        if len(data) > _MAX:
            return parse(path)
        # the content's checksum, not the modification time: file systems stamp times with a
        # coarse clock, and a same-size rewrite within one tick must not be mistaken for the old
        key = (_TAG, real, len(data), zlib.crc32(data), zlib.adler32(data))
        entry = os.path.join(_folder(), "%08x.marshal" % zlib.crc32(real.encode("utf-8", "surrogatepass")))
    except (OSError, ValueError):
        return parse(path)
    try:
        with open(entry, "rb") as fh:
            blob = fh.read()
        # a checksum over the payload: a damaged entry that still unmarshals is never trusted
        if blob[:4] == zlib.crc32(blob[4:]).to_bytes(4, "little"):
            stored_key, value = marshal.loads(blob[4:])
            if stored_key == key:
                return value
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = parse(path)
    _store(entry, key, value)
    return value


def _store(entry: str, key: tuple, value) -> None:
    try:
        payload = marshal.dumps((key, value))
    except ValueError:  # a value marshal cannot hold (a TOML datetime): not remembered
        return
    blob = zlib.crc32(payload).to_bytes(4, "little") + payload
    from ..fixes.files import write_bytes

    if write_bytes(entry, blob):  # readers see the old entry or the new one, never half of one
        _trim(os.path.dirname(entry))


def _trim(folder: str) -> None:
    """Keep the folder bounded: temporary configurations (tests, scratch checkouts) each leave
    an entry, so past ``_KEEP`` the oldest are removed.  Runs only after a write."""
    try:
        with os.scandir(folder) as it:
            entries = [e for e in it if e.name.endswith(".marshal")]
        if len(entries) <= _KEEP:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for e in entries[: len(entries) - _KEEP]:
            try:
                os.unlink(e.path)
            except OSError:
                pass
    except OSError:
        pass
