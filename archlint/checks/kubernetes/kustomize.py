"""Which image tags of a manifest a Kustomization replaces.

Kustomize's ``images:`` (``name``, ``newTag``, ``digest``) sets the tag of every container image of
that name in the resources it includes. A manifest whose ``image: quay.io/argoproj/argocd:latest``
is included by a Kustomization with ``images: [{name: quay.io/argoproj/argocd, newTag: ...}]`` never
deploys its own tag: the Kustomization decides (and K8S001 reports a ``newTag: latest`` there, once).
kubebuilder scaffolds the same shape (``image: controller:latest`` in ``config/manager/manager.yaml``,
the real name and tag in ``config/manager/kustomization.yaml``).

Only Kustomizations in the manifest's folder and the folders above it (to the repository's root,
at most ``MAX_UP`` levels) that include it count: they list the manifest's path among their
``resources`` or among the other files it reads (patches, CRDs...: kustomize sets ``images:``
after patching), or a folder whose own Kustomization includes it. Every Kustomization file looked for is reported with ``ctx.depends_on``.
"""
from __future__ import annotations

import os

from ...kinds import KUSTOMIZATION_NAMES as NAMES
#: folders walked up from the manifest, at most
MAX_UP = 6
#: a Kustomization larger than this is not read (they are a few kilobytes)
MAX_BYTES = 1 << 20

_parsed: dict[tuple, tuple] = {}  # (abspath, size, mtime_ns) -> (resources, overridden names, other files, renamed)
_BROKEN = ((), frozenset(), (), frozenset())  # a Kustomization that cannot be read: it may include anything


def _above(ctx, path: str) -> list:
    """[(level, folder, the manifest's path from there, that folder's Kustomization as ``_read``
    gives it or None)] for the manifest's folder and the folders above it, to the repository's
    root and at most ``MAX_UP`` of them, looked for once per file (both questions below ask it);
    every Kustomization name looked for is an input of the file's result."""

    def compute():
        top = ctx.repository_root()  # never above the repository (if any)
        d, rel = os.path.dirname(path), os.path.basename(path)
        out = []
        for level in range(MAX_UP):
            got = None
            for name in NAMES:
                k = os.path.join(d, name)
                ctx.depends_on(k)
                got = _read(k)
                if got is not None:
                    break  # kustomize reads the first name it finds
            out.append((level, d, rel, got))
            if d == top or os.path.dirname(d) == d:
                break
            rel = os.path.basename(d) + "/" + rel
            d = os.path.dirname(d)
        return out

    return ctx.cached("kubernetes.kustomizations_above", compute)


def overridden_images(ctx) -> frozenset:
    """Image names (as kustomize matches them: the reference without tag or digest) whose tag a
    Kustomization including the linted manifest replaces; cached for the file's rules."""
    return _including(ctx)[0]


def renamed_images(ctx) -> frozenset:
    """(name, new name) of each image that a Kustomization including the linted manifest gives
    another name (``newName``, kubebuilder's ``controller`` → ``ghcr.io/acme/operator``): the
    name written is a placeholder for a real image, whose tag is the one written unless it sets
    another; unless the new name is a placeholder too, a one-part name no registry serves,
    whoever renames it next (crunchy's ``postgres-operator`` → ``image-postgres-operator-6.0``,
    which a component of ``config/default`` sets by name and tag)."""
    return _including(ctx)[1]


def _including(ctx) -> tuple:
    """(names whose tag, names whose name) the Kustomizations including the manifest set."""

    def compute():
        path = ctx.source.abspath
        if not path or not os.path.isabs(path) or not os.path.isfile(path):
            return frozenset(), frozenset()
        out: set = set()
        renamed: set = set()
        including: set = set()  # folders whose Kustomization includes the manifest
        for _level, d, rel, got in _above(ctx, path):
            if got is None:
                continue
            resources, names, files, new_names = got
            # the manifest itself, or a folder whose own Kustomization includes it; or a patch it
            # applies (kubeflow's patches/kfam.yaml): its images: set tags after the patches
            if rel in files or any(rel == r or (rel.startswith(r + "/")
                                                and os.path.normpath(os.path.join(d, r)) in including)
                                   for r in resources):
                including.add(os.path.normpath(d))
                out.update(names)
                renamed.update(new_names)
        return frozenset(out), frozenset(renamed)

    return ctx.cached("kubernetes.kustomize_overrides", compute)


def unlisted(ctx) -> bool:
    """Whether the linted manifest sits in a Kustomization's tree (a Kustomization in its folder
    or the one above) that never reads it: no Kustomization in its folder or the folders above
    (kustomize reads no file outside a Kustomization's own folder) lists it among its resources,
    patches, components or CRDs (a folder listed is read through its own Kustomization, which
    is one of those).  kubebuilder scaffolds such files: ``config/crd/patches/webhook_in_*.yaml``,
    listed only in comments until the webhook is enabled.  A Kustomization that cannot be read
    may list anything: False.  Nor a file of a folder with no Kustomization that a GitOps object
    in a file the Kustomization above lists applies (``_applied_beside``: Flux's ``ks.yaml``)."""

    def compute():
        path = ctx.source.abspath
        if ctx.kind != "kubernetes" or not path or not os.path.isabs(path) or not os.path.isfile(path):
            return False
        if os.path.basename(path) in NAMES:
            return False
        near = False  # a Kustomization in the manifest's folder or the one above
        for level, d, rel, got in _above(ctx, path):
            if got is _BROKEN:
                return False
            if got is not None:
                resources, _names, files, _renamed = got
                if rel in resources or rel in files:
                    return False  # read (as a resource, a patch, a CRD)
                if level == 1 and not near and _applied_beside(ctx, d, resources, os.path.basename(d) + "/"
                                                               + rel.split("/", 1)[0]):
                    return False  # (the folder a Flux Kustomization listed beside applies: gabe565's ks.yaml)
                near = near or level <= 1
            if not near and level >= 1:
                break
        return near

    return ctx.cached("kubernetes.kustomize_unlisted", compute)


_paths_named: dict[tuple, frozenset] = {}  # (abspath, size, mtime_ns) -> the path: values of a GitOps file
#: resources of one Kustomization read for the folders their GitOps objects apply, at most
MAX_BESIDE = 64


def _applied_beside(ctx, folder: str, resources, tail: str) -> bool:
    """Whether a file the Kustomization in ``folder`` lists (a file of that folder) holds a
    GitOps object whose path ends with ``tail`` (``searxng/app``): Flux applies the manifest's
    folder itself, making a Kustomization of what it holds when it has none of its own
    (gabe565's ``apps/searxng/ks.yaml``, listed by ``apps/searxng/kustomization.yaml``, applies
    ``apps/searxng/app``, which that Kustomization does not list)."""
    for r in resources[:MAX_BESIDE]:
        if "/" in r or not r.endswith((".yaml", ".yml")):
            continue
        f = os.path.join(folder, r)
        ctx.depends_on(f)
        got = _gitops_paths(f)
        if any(v == tail or v.endswith("/" + tail) for v in got):
            return True
    return False


def _gitops_paths(path: str) -> frozenset:
    """The paths the GitOps objects of a file apply (``kustomize_facts.object_paths``, the reading
    the project model makes), without ``./`` and a last ``/``; none when it cannot be read."""
    from ...parsers import ParseError, SkipFile
    from ...parsers.yamldoc import parse
    from ...project.kustomize_facts import object_paths
    from ...source import DecodeError, Source, decode, read_regular

    try:
        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        hit = _paths_named.get(key)
        if hit is not None:
            return hit
        data = read_regular(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            return frozenset()
        text = decode(data)[0]
        model = parse(Source(path, text, abspath=path)) if "fluxcd.io" in text or "argoproj.io" in text else None
    except (OSError, ValueError, DecodeError, ParseError, SkipFile, RecursionError):
        return frozenset()
    got = frozenset(v.strip("/").removeprefix("./").rstrip("/") for root in (model.objects() if model else ())
                    for v in object_paths(root)[:1024])
    if len(_paths_named) > 4096:
        _paths_named.clear()
    _paths_named[key] = got
    return got


def _read(path: str):
    """(resources, names of images whose tag it sets, other files it reads: patches, CRDs, names
    of images it renames) of the Kustomization at ``path``; None when there is none, ``_BROKEN`` when it cannot be read
    or parsed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (path, st.st_size, st.st_mtime_ns)
    hit = _parsed.get(key)
    if hit is not None:
        return hit
    from ...parsers import ParseError, SkipFile
    from ...parsers.yamldoc import is_map, is_scalar, items, parse, scalar, text, value
    from ...source import DecodeError, Source, decode, read_regular

    try:
        data = read_regular(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            return None
        model = parse(Source(path, decode(data)[0], abspath=path))
    except (OSError, ValueError, DecodeError, ParseError, SkipFile, RecursionError):
        return _BROKEN
    resources: list = []
    names: set = set()
    files: list = []
    renamed: set = set()

    def own(r) -> str | None:
        p = os.path.normpath((r or "").strip()).replace(os.sep, "/")
        return p if p and p != "." and not p.startswith("..") and "://" not in p else None

    for doc in model.documents:
        if not is_map(doc):
            continue
        for key_name in ("resources", "bases", "components"):
            for r in items(value(doc, key_name)):
                if is_scalar(r) and own(scalar(r)):
                    resources.append(own(scalar(r)))
        for key_name in ("patchesStrategicMerge", "crds", "patches", "patchesJson6902", "replacements", "generators",
                         "transformers", "validators", "configurations"):
            for r in items(value(doc, key_name)):
                # a path as the entry itself (patchesStrategicMerge, crds) or as its path:
                p = scalar(r) if is_scalar(r) else text(r, "path") if is_map(r) else None
                if own(p):
                    files.append(own(p))
        for entry in items(value(doc, "images")):
            name = (text(entry, "name") or "").strip() if is_map(entry) else ""
            new_name = (text(entry, "newName") or "").strip()
            if name and new_name:
                renamed.add((name, new_name))
            # an empty newTag (``newTag: ""``, ``~``) leaves the tag as written: kustomize skips it
            if name and ((text(entry, "newTag") or "").strip() or (text(entry, "digest") or "").strip()):
                names.add(name)
    got = (tuple(resources), frozenset(names), tuple(files), frozenset(renamed))
    if len(_parsed) > 4096:
        _parsed.clear()
    _parsed[key] = got
    return got
