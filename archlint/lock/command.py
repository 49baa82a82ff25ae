"""``archlint lock [--check]`` and the registry half of ``archlint check --online``.

The references come from the normal lint of the repository (``run.runner.run_paths``, the result
cache included): the project facts every file gives (``project.facts``: Dockerfile ``FROM``s
after ``ARG`` defaults, deployed images of Kubernetes, Helm values, Kustomize, compose and
workflows), less the images the repository builds itself (a build's tags, ``docker tag`` and
push targets: their platforms are the build's, which the project rules judge).  No second
parser reads the files."""
from __future__ import annotations

import fnmatch
import os
import sys

from . import LOCK_NAME, names
from .file import LockError, dump, load

WORKERS = 8


def _err(msg: str) -> None:
    sys.stderr.write(msg + "\n")


def collect(root: str, resolver, respect_gitignore: bool = True, jobs=None, use_cache: bool = True) -> dict:
    """key -> (Ref, [(display path, line, reference as written)]) of every registry image the
    repository under ``root`` uses and does not build."""
    from ..run.runner import run_paths

    run = run_paths([root], resolver, root, respect_gitignore=respect_gitignore, jobs=jobs, use_cache=use_cache)
    used: list = []
    built_keys: set = set()
    built_patterns: list = []
    for fr in run.files:
        facts = fr.facts or {}
        for f in facts.get("froms", ()):
            used.append((fr.path, f["span"][0], f["image"]))
        for d in facts.get("deploys", ()):
            used.append((fr.path, d["span"][0], d["image"]))
        for o in facts.get("overrides", ()):
            used.append((fr.path, o["span"][0], o["image"]))
        made = [t for b in facts.get("builds", ()) for t in b["tags"]]
        made += [a["dst"] for a in facts.get("aliases", ())] + list(facts.get("pushed", ())) + list(facts.get("sent", ()))
        for t in made:
            if "*" in t:
                built_patterns.append(t)
            else:
                k = names.key(t)
                if k:
                    built_keys.add(k)
    out: dict = {}
    for path, line, written in used:
        ref = names.parse(written)
        if ref is None or ref.key in built_keys:
            continue
        if built_patterns and any(fnmatch.fnmatchcase(written, p) for p in built_patterns[:256]):
            continue
        hit = out.get(ref.key)
        if hit is None:
            hit = out[ref.key] = (ref, [])
        hit[1].append((path, line, written))
    return out


def client_for(settings, environ=None):
    """A registry client with the configuration's insecure registries and timeout and the
    static credentials found (and the notes about what was not used)."""
    from . import credentials
    from .client import Client

    creds, notes = credentials.load(environ)
    c = Client(insecure=getattr(settings, "insecure_registries", ()) or (),
               timeout=getattr(settings, "registry_timeout", None) or 10.0, credentials=creds)
    return c, notes


def resolve_all(refs: dict, client, digest_only: bool = False) -> dict:
    """key -> Resolved or RegistryError for every ``names.Ref`` of ``refs`` (key -> Ref), at
    most WORKERS at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from .client import RegistryError

    def one(item):
        key, ref = item
        try:
            return key, client.resolve(ref, digest_only=digest_only)
        except RegistryError as e:
            return key, e
        except Exception as e:  # never the end of the run: a notice for this image; the text of an
            # unexpected error may quote a request header (a credential), so only its type is said
            return key, RegistryError(f"unexpected {type(e).__name__}")

    items = sorted(refs.items())
    if not items:
        return {}
    try:
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(items))) as pool:
            return dict(pool.map(one, items))
    finally:
        client.close()


def _describe(e) -> str:
    return f"{e.kind}: {', '.join(e.platforms) or 'no platform'}"


def run_lock(root: str, resolver, check: bool = False, respect_gitignore: bool = True, jobs=None,
             use_cache: bool = True, out=None) -> int:
    """``archlint lock``: write ``archlint.lock`` at ``root`` (entries that did not change stay
    byte-identical; an image that could not be resolved keeps its old entry); with ``check``,
    write nothing and exit 1 when an entry is missing, stale or unused."""
    from .client import RegistryError

    out = out or sys.stdout
    path = os.path.join(root, LOCK_NAME)
    try:
        old = load(path) or {}
        broken = None
    except LockError as e:
        old, broken = {}, str(e)
        _err(f"notice: {LOCK_NAME} cannot be read ({e}); " + ("every entry counts as missing" if check else
                                                              "writing a new one"))
    used = collect(root, resolver, respect_gitignore, jobs, use_cache)
    client, notes = client_for(resolver.for_dir(root))
    for n in notes:
        _err(f"notice: {n}")
    results = resolve_all({k: r for k, (r, _sites) in used.items()}, client)
    entries, problems, changes = [], [], []
    for key in sorted(used):
        res = results.get(key)
        prev = old.get(key)
        where = used[key][1][0]
        if isinstance(res, RegistryError) or res is None:
            why = res.message if res is not None else "not resolved"
            kept = " (the old entry is kept)" if prev is not None and not check else ""
            problems.append(f"notice: {key} ({where[0]}:{where[1]}): {why}{kept}")
            if prev is not None:
                entries.append(prev)
            elif check:
                changes.append(f"missing: {key} ({where[0]}:{where[1]})")
            continue
        e = res.entry(key)
        entries.append(e)
        if prev is None:
            changes.append(f"{'missing' if check else 'added'}: {key} ({_describe(e)})")
        elif prev != e:
            changes.append(f"{'stale' if check else 'updated'}: {key} ({prev.digest[:19]}… -> {e.digest[:19]}…, "
                           f"{_describe(e)})")
    for key in sorted(set(old) - set(used)):
        changes.append(f"{'unused' if check else 'removed'}: {key}")
    for p in problems:
        _err(p)
    for c in changes:
        out.write(c + "\n")
    _report_pins(used, {e.key: e for e in entries}, out)
    if check:
        if changes or broken:
            out.write(f"{LOCK_NAME} is not up to date: run `archlint lock`\n")
            return 1
        out.write(f"{LOCK_NAME} is up to date ({len(entries)} images)\n")
        return 0
    text = dump(entries).encode("utf-8")
    try:
        with open(path, "rb") as fh:
            same = fh.read(len(text) + 1) == text
    except OSError:
        same = False
    if not same:
        from ..fixes.files import atomic_write

        atomic_write(path, text)
    out.write(f"{LOCK_NAME}: {len(entries)} images" + (", unchanged" if same else "") + "\n")
    return 0


PIN_RULE = "PL005"


def stale_pins(used: dict, entries: dict) -> list:
    """[(path, line, reference as written, the digest the lock records)] of every reference
    pinned as ``name:tag@digest`` whose tag the lock records at another digest (and not one of
    its platform manifests): what PL005 reports."""
    out = []
    for key, (_ref, sites) in sorted(used.items()):
        e = entries.get(key)
        if e is None:
            continue
        for path, line, written in sites:
            r = names.parse(written)
            if r is not None and r.tag and r.digest and e.describes(r.digest) is False:
                out.append((path, line, written, e.digest))
    return out


def _report_pins(used: dict, entries: dict, out) -> None:
    """Each pinned reference that differs from the lock, and the command that pins them to it
    (the lock follows tags; a pin is the repository's to change, by a reviewed fix)."""
    pins = stale_pins(used, entries)
    for path, line, written, digest in pins:
        name, _, pinned = written.rpartition("@")
        out.write(f"pinned: {path}:{line}: {name}@{pinned[:19]}…, the lock has {digest[:19]}…\n")
    if pins:
        n = len(pins)
        out.write(f"{n} pinned reference{'s differ' if n > 1 else ' differs'} from {LOCK_NAME}: "
                  f"archlint check --fix --unsafe-fixes --select {PIN_RULE}\n")


def prepare_online(root: str, resolver) -> None:
    """Fill ``archlint.lock.ONLINE`` with what the registry says now of every tag the lock at
    ``root`` records (nothing when there is no usable lock); failures are kept as "!reason"."""
    from .. import lock
    from .client import RegistryError

    view = lock.read(lock.lock_path(root))
    lock.ONLINE = {}
    if view.entries is None:
        return
    refs = {}
    for key in view.entries:
        r = names.parse(key)
        if r is not None and not r.digest:
            refs[key] = r
    client, notes = client_for(resolver.for_dir(root))
    for n in notes:
        _err(f"notice: {n}")
    for key, res in resolve_all(refs, client, digest_only=True).items():
        lock.ONLINE[key] = "!" + res.message if isinstance(res, RegistryError) else res.digest
