"""Kustomize patches in the project model: which containers' images a Kustomization replaces.

A Kustomization's strategic-merge patches (``patches: [{path: ...}]``, ``patchesStrategicMerge``)
are manifests naming an object and its containers; a container image in a patch replaces the image
of the container of that name, in the object of that kind and name, in every resource the
Kustomization includes (its ``resources``, ``bases`` and ``components``: files, or folders read
through their own Kustomization, at any depth).  kubebuilder and cluster-api scaffold exactly this:
``config/manager/manager.yaml`` deploys ``controller:latest``, a placeholder, and
``config/default/manager_image_patch.yaml`` (through ``../manager``) sets the image a release
deploys, rewritten by ``make set-manifest-image``.  The tag written in the included manifest is
then not what is deployed: the patch's is (and the patch file is judged itself).

Facts: a Kubernetes file gives its containers' *slots* (``Deployment/controller-manager/manager``
at the image's line); a Kustomization gives the paths it includes and patches, as written.
Paths are resolved in display space (relative to the project's root, ``/``-separated), the way
kustomize resolves them from the Kustomization's folder.
"""
from __future__ import annotations

import posixpath

from ..kinds import KUSTOMIZATION_NAMES as NAMES
#: Kustomizations followed up from a manifest (or down from one), at most
MAX_WALK = 256


def _resolve(kustomization: str, rel: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(kustomization), rel))


def mentions(display: str, fact: dict) -> list[str]:
    """The display paths a Kustomization's ``kustomize`` fact reads: its resources (a folder as
    each name its Kustomization may have) and its patches."""
    out = []
    for r in fact["resources"]:
        p = _resolve(display, r)
        out.append(p)
        out += [p + "/" + n for n in NAMES]
    out += [_resolve(display, p) for p in fact["patches"]]
    return out


class Patches:
    """The Kustomizations of a model and the container slots of its manifests; and the files
    whose ``:latest`` tags a ``sed`` of the repository rewrites (facts' ``rewrites``)."""

    def __init__(self):
        self.slots: dict = {}  # display path -> [(line, slot)]
        self.kustomizations: dict = {}  # display path -> (resolved resources, resolved patches)
        self._up: dict | None = None  # display path -> Kustomizations including it directly
        self.rewritten: list = []  # display paths (a folder ends in "/") whose :latest a sed rewrites
        self._slots_of: dict = {}  # Kustomization -> the container slots its patches set (asked often)

    def latest_rewritten(self, path: str) -> bool:
        """Whether a ``sed`` of the repository rewrites the ``:latest`` tags of ``path``
        (argo-workflows' ``sed 's/:latest/:$(VERSION)/' manifests/$*`` for its release)."""
        return any(path == p or (p.endswith("/") and path.startswith(p)) for p in self.rewritten)

    def add(self, display: str, facts: dict) -> None:
        for r in facts.get("rewrites", ()):
            # relative to the file's folder (a Makefile's recipes run there), or to the top
            for p in (_resolve(display, r), posixpath.normpath(r)):
                p += "/" if r.endswith("/") else ""
                if p not in self.rewritten:
                    self.rewritten.append(p)
        for s in facts.get("slots", ()):
            self.slots.setdefault(display, []).append((s["span"][0], s["slot"]))
            self._slots_of = {}
        k = facts.get("kustomize")
        if k:
            self.kustomizations[display] = ([_resolve(display, r) for r in k["resources"]],
                                            [_resolve(display, p) for p in k["patches"]])
            self._up = None
            self._slots_of = {}

    @property
    def patching(self) -> bool:
        """Whether any Kustomization patches or a sed rewrites tags (so an image may be replaced)."""
        return bool(self.rewritten) or any(patches for _r, patches in self.kustomizations.values())

    def _included(self, resource: str) -> list[str]:
        """The display paths a resolved resource stands for: a file, or a folder's Kustomization."""
        if resource in self.kustomizations or resource in self.slots:
            return [resource]
        return [k for k in (resource + "/" + n for n in NAMES) if k in self.kustomizations]

    def _including(self) -> dict:
        if self._up is None:
            self._up = {}
            for k, (resources, _patches) in self.kustomizations.items():
                for r in resources:
                    for p in self._included(r):
                        self._up.setdefault(p, []).append(k)
        return self._up

    def _patched_slots(self, kustomization: str) -> set:
        hit = self._slots_of.get(kustomization)
        if hit is None:
            hit = self._slots_of[kustomization] = {
                s for p in self.kustomizations[kustomization][1] for _ln, s in self.slots.get(p, ())}
        return hit

    def patched(self, path: str, line: int) -> bool:
        """Whether the container image on ``line`` of ``path`` is replaced by a patch of a
        Kustomization that includes ``path`` (directly or through others)."""
        mine = {s for ln, s in self.slots.get(path, ()) if ln == line}
        if not mine:
            return False
        up = self._including()
        todo, seen = [path], {path}
        while todo and len(seen) < MAX_WALK:
            for k in up.get(todo.pop(), ()):
                if k in seen:
                    continue
                if mine & self._patched_slots(k):
                    return True
                seen.add(k)
                todo.append(k)
        return False

    def links(self):
        """(a, b) pairs of display paths a patch ties together: each patching Kustomization with
        its patches and with everything it includes, at any depth."""
        for k, (_resources, patches) in self.kustomizations.items():
            if not self._patched_slots(k):
                continue
            for p in patches:
                if p in self.slots:
                    yield k, p
            todo, seen = [k], {k}
            while todo and len(seen) < MAX_WALK:
                for r in self.kustomizations.get(todo.pop(), ((), ()))[0]:
                    for p in self._included(r):
                        if p not in seen:
                            seen.add(p)
                            todo.append(p)
                            yield k, p
