"""The lock file, ``archlint.lock``: JSON lines, one image per line, sorted by key.

::

    {"archlint-lock": 1}
    {"ref": "docker.io/library/python:3.12-slim", "digest": "sha256:…", "kind": "index", "platforms": [
    "linux/386", "linux/amd64", …]}   (one line in the file)

JSON lines rather than TOML: an image whose tag moved is a one-line diff (a merge conflict is one
line too), the writer is ``json.dumps`` (no hand-written escaping) and the reader is the standard
library on every Python archlint supports.  ``kind`` is ``index`` (an image index or manifest
list: ``platforms`` are the ones it publishes, attestations left out; empty when one of its
manifests does not say its platform) or ``manifest`` (one image: the platform of its
configuration).  An index also lists ``manifests``, the digests of its platform manifests
(sorted): a reference pinned to one of them (``python:3.12@sha256:<the arm64 image>``) is a pin
to one platform of the tag, not a pin the tag moved away from (PL005).

The file is untrusted input: ``load`` reads at most ``MAX_LOCK`` bytes and raises LockError
with one message for anything but the shape above."""
from __future__ import annotations

import json

from . import names

LOCK_NAME = "archlint.lock"
HEADER = {"archlint-lock": 1}
MAX_LOCK = 8 << 20
MAX_PLATFORMS = 256
MAX_MANIFESTS = 1024
KINDS = ("index", "manifest")


class LockError(ValueError):
    pass


class Entry:
    """One image of the lock."""

    __slots__ = ("key", "digest", "kind", "platforms", "manifests")

    def __init__(self, key: str, digest: str, kind: str, platforms, manifests=()):
        self.key, self.digest, self.kind = key, digest, kind
        self.platforms = tuple(platforms)
        self.manifests = tuple(manifests)  # an index's platform manifests (digests, sorted)

    def __eq__(self, other):
        return type(other) is Entry and self.line() == other.line()

    def __repr__(self):
        return f"Entry({self.line()})"

    def line(self) -> str:
        doc = {"ref": self.key, "digest": self.digest, "kind": self.kind, "platforms": list(self.platforms)}
        if self.manifests:
            doc["manifests"] = list(self.manifests)
        return json.dumps(doc, ensure_ascii=True)

    def describes(self, digest: str) -> bool | None:
        """Whether the manifest ``digest`` is this tag's (the digest itself, or one of its
        platform manifests); None when that cannot be told (an index recorded without its
        manifests)."""
        if digest == self.digest or digest in self.manifests:
            return True
        if self.kind == "index" and not self.manifests:
            return None
        return False

    def published(self):
        """The platforms as ``platforms.Platform`` values."""
        from ..platforms import Platform

        out = []
        for p in self.platforms:
            parts = p.split("/")
            out.append(Platform(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
        return out


def platform_string(os_: str, arch: str, variant: str = "") -> str | None:
    """The lock's spelling of a platform: canonical where archlint knows it (``linux/arm64``
    for ``linux/arm64/v8``), else ``os/arch[/variant]`` in lower case; None for an attestation
    or anything that is no platform."""
    from .. import platforms as plat

    os_, arch, variant = (os_ or "").strip().lower(), (arch or "").strip().lower(), (variant or "").strip().lower()
    if not os_ or not arch or os_ == "unknown" or arch == "unknown":
        return None
    raw = f"{os_}/{arch}/{variant}" if variant else f"{os_}/{arch}"
    if len(raw) > 64 or not all(c.isalnum() or c in "/._-" for c in raw) or raw.count("/") > 2:
        return None
    m = plat.meaning(raw)
    return str(m) if m is not None else raw


def _entry(obj) -> Entry:
    if type(obj) is not dict or not _FIELDS <= set(obj) <= _FIELDS | {"manifests"}:
        raise LockError("an entry is not {ref, digest, kind, platforms[, manifests]}")
    ref, digest, kind, plats = obj["ref"], obj["digest"], obj["kind"], obj["platforms"]
    kids = obj.get("manifests", [])
    if type(ref) is not str or names.key(ref) != ref:
        raise LockError(f"{str(ref)[:80]!r} is not a normalised image reference")
    if type(digest) is not str or not names.DIGEST.match(digest):
        raise LockError(f"{ref}: bad digest")
    if kind not in KINDS:
        raise LockError(f"{ref}: kind is not index or manifest")
    if type(plats) is not list or len(plats) > MAX_PLATFORMS or not all(type(p) is str for p in plats):
        raise LockError(f"{ref}: platforms is not a list of strings")
    for p in plats:
        parts = p.split("/")
        if not 2 <= len(parts) <= 3 or platform_string(*parts) != p:
            raise LockError(f"{ref}: bad platform {p[:40]!r}")
    if type(kids) is not list or len(kids) > MAX_MANIFESTS or (kids and kind != "index") \
            or not all(type(d) is str and names.DIGEST.match(d) for d in kids):
        raise LockError(f"{ref}: manifests is not a list of an index's digests")
    return Entry(ref, digest, kind, plats, kids)


_FIELDS = frozenset(("ref", "digest", "kind", "platforms"))


def parse(data: bytes) -> dict:
    """key -> Entry from the bytes of a lock file; LockError says what is wrong."""
    if len(data) > MAX_LOCK:
        raise LockError(f"over {MAX_LOCK} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LockError("not UTF-8") from None
    out: dict = {}
    lines = text.splitlines()
    if not lines or lines[0].strip() != dump(()).strip():
        raise LockError('line 1 is not {"archlint-lock": 1}')
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            raise LockError(f"line {n} is not JSON") from None
        try:
            e = _entry(obj)
        except LockError as err:
            raise LockError(f"line {n}: {err}") from None
        if e.key in out:
            raise LockError(f"line {n}: {e.key} twice")
        out[e.key] = e
    return out


def dump(entries) -> str:
    """The text of a lock with ``entries`` (sorted by key; an unchanged entry is an unchanged line)."""
    lines = [json.dumps(HEADER)]
    lines += [e.line() for e in sorted(entries, key=lambda e: e.key)]
    return "\n".join(lines) + "\n"


def load(path: str) -> dict | None:
    """The entries of the lock at ``path``, None when there is none; LockError when it cannot
    be read or is not a lock."""
    from ..source import NotRegular, read_regular

    try:
        data = read_regular(path, MAX_LOCK)
    except FileNotFoundError:
        return None
    except NotRegular:
        raise LockError("not a regular file") from None
    except OSError as e:
        raise LockError(e.strerror or str(e)) from None
    return parse(data)
