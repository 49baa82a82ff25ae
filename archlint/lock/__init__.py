"""The platform lock: ``archlint.lock``, what every image the repository uses resolves to in its
registry (digest, index or single manifest, platforms published), written by ``archlint lock``
and read offline by the PL rules and the digest-pinning fixes.

``names``        image references as a registry reads them, and the lock's keys.
``file``         the lock file's format (JSON lines), reader (bounded, validated) and writer.
``credentials``  static credentials from the Docker configuration (``auths``) and
                 ``DOCKER_AUTH_CONFIG``; credential helpers are never run.
``client``       the OCI Distribution client (``http.client``): tokens, redirects, limits.
``command``      ``archlint lock [--check]`` and ``archlint check --online``.

This module is what rules import: it reads the lock (once per run and file state) and never
imports the client.  ``ONLINE`` is filled by ``archlint check --online`` before the lint: lock
key -> the digest the tag resolves to now, or a RegistryError message (str prefixed ``!``).
"""
from __future__ import annotations

import os

LOCK_NAME = "archlint.lock"

#: lock key -> the digest the registry gives now, or "!reason" (set by ``check --online`` only)
ONLINE: dict | None = None

_loaded: dict = {}  # lock path -> ((mtime_ns, size), entries or None, error or None)


class LockView:
    """The lock that applies to a file: its ``path`` (None when the file is in no repository),
    ``entries`` (key -> file.Entry; None when there is no lock or it is broken) and ``error``
    (why a lock that exists cannot be used)."""

    __slots__ = ("path", "entries", "error")

    def __init__(self, path, entries, error):
        self.path, self.entries, self.error = path, entries, error

    def key(self, ref: str) -> str | None:
        """The lock key of ``ref``; None when it is no resolvable reference."""
        from .names import key

        return key(ref)

    def has(self, ref: str) -> bool:
        """Whether the lock lists ``ref`` (its tag, for a pinned ``name:tag@digest``)."""
        k = self.key(ref)
        return k is not None and self.entries is not None and k in self.entries

    def entry(self, ref: str):
        """The entry that describes the image ``ref`` names, or None: not listed, or a pin
        ``name:tag@digest`` to another digest than the one the lock records for the tag (an
        image the lock does not describe)."""
        from .names import parse

        r = parse(ref)
        if r is None or self.entries is None:
            return None
        e = self.entries.get(r.key)
        if e is not None and r.digest and r.digest != e.digest:
            return None
        return e


def lock_path(root: str | None) -> str | None:
    return os.path.join(root, LOCK_NAME) if root else None


def read(path: str | None) -> LockView:
    """The lock at ``path``, read once per state of the file (size and modification time)."""
    if path is None:
        return LockView(None, None, None)
    try:
        st = os.stat(path)
    except OSError:
        return LockView(path, None, None)
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _loaded.get(path)
    if hit is not None and hit[0] == stamp:
        return LockView(path, hit[1], hit[2])
    from .file import LockError, load

    try:
        entries, error = load(path), None
    except LockError as e:
        entries, error = None, str(e)
    except Exception as e:  # untrusted input: never a crash
        entries, error = None, f"{type(e).__name__}: {e}"
    _loaded[path] = (stamp, entries, error)
    return LockView(path, entries, error)


def for_context(ctx) -> LockView:
    """The lock of the linted file's repository (its git top level, else the folder of its
    configuration file), recorded as an input of the result (created, changed or removed, the
    cached result is not reused)."""

    def compute():
        root = ctx.repository_root() or getattr(ctx.settings, "root", None) or None
        path = lock_path(root)
        if path is not None:
            ctx.depends_on(path)
        return read(path)

    return ctx.cached("lock.view", compute)


def pin_fix(ctx, span, ref: str):
    """The fix of a digest-pinning rule (DF011, K8S008): ``ref`` written at ``span`` becomes
    ``ref@<digest>`` with the digest the lock records for it; None without a lock, an entry, or
    when the text at ``span`` is not ``ref`` itself (an ARG default, a values map).  Unsafe: the
    image then stops following its tag, and the digest is as fresh as the lock."""
    view = for_context(ctx)
    if view.entries is None:
        return None
    if "@" in ref:
        return None
    entry = view.entry(ref)
    if entry is None:
        return None
    return _replace(ctx, span, ref, f"{ref}@{entry.digest}", f"Pin to {entry.digest[:19]}… from {LOCK_NAME}")


def repin_fix(ctx, span, ref: str, digest: str):
    """The fix of PL005: the digest of ``ref`` (``name:tag@sha256:…``) written at ``span``
    becomes ``digest``, the one the lock records for its tag; None when the text at ``span``
    is not ``ref`` itself.  Unsafe: the image changes."""
    at = ref.rfind("@")
    if at < 0:
        return None
    return _replace(ctx, span, ref, ref[: at + 1] + digest, f"Pin to {digest[:19]}…, the tag's digest in {LOCK_NAME}")


def _replace(ctx, span, ref: str, new: str, title: str):
    src = ctx.source
    try:
        start, end = src.offset(span[0], span[1]), src.offset(span[2], span[3])
    except (IndexError, ValueError):
        return None
    if src.text[start:end] != ref:
        return None
    from ..model import Edit, Fix

    return Fix(title, (Edit(span, new),), safe=False)
