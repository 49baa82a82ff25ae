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


def _variable(segment: str) -> bool:
    """Whether a segment of a GitOps path is expanded before it is applied (Flux's postBuild
    substitution, ``${CLUSTER}``; ``{{ .path }}``; a glob's ``*``)."""
    return "$" in segment or "{{" in segment or "*" in segment


#: folder names of manifests kept aside, not applied: judged only where nothing applies them (a
#: leading ``_`` or ``.`` kept: tyzbit's ``clusters/corpus/_disabled/``)
_KEPT_ASIDE = frozenset(("backup", "backups", "bak", "old", "unused", "disabled", "legacy", "retired", "attic",
                         "graveyard", "trash"))


def _folder(path: str) -> str:
    """A GitOps object's path as a display folder (``./apps/x/`` -> ``apps/x``; the root ``""``)."""
    f = posixpath.normpath(path.strip().strip("/") or ".")
    return "" if f == "." else f.removeprefix("./")


def mentions(display: str, fact: dict) -> list[str]:
    """The display paths a Kustomization's ``kustomize`` fact reads: its resources and its
    transformers (a folder as each name its Kustomization may have) and its patches."""
    out = []
    for r in list(fact["resources"]) + list(fact.get("transformers", ())):
        p = _resolve(display, r)
        out.append(p)
        out += [p + "/" + n for n in NAMES]
    out += [_resolve(display, p) for p in fact["patches"]]
    return out


def _kustomize_base(display: str) -> bool:
    """Whether a Kustomization's folder is named as kustomize's base (``base``, ``bases``)."""
    return display.rsplit("/", 2)[-2:-1] in (["base"], ["bases"])


def _line(text: str) -> int | None:
    """A line number a fact holds as text (``"12"``), None for anything else (a hostile cache's
    ``"²"`` or ten thousand digits)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class Patches:
    """The Kustomizations of a model and the container slots of its manifests; and the files
    whose ``:latest`` tags a ``sed`` of the repository rewrites (facts' ``rewrites``)."""

    def __init__(self):
        self.slots: dict = {}  # display path -> [(line, slot)]
        self.kustomizations: dict = {}  # display path -> (resolved resources, resolved patches)
        self.components: set = set()  # Kustomizations of kind Component
        self.flux_components = False  # a Flux Kustomization names components (spec.components)
        self._used_shelves: tuple | None = None  # (the _including map, folders of components some Kustomization lists)
        self._up: dict | None = None  # display path -> Kustomizations including it directly
        self.rewritten: dict = {}  # display paths (a folder ends in "/") whose :latest a sed rewrites (an ordered set)
        self._slots_of: dict = {}  # Kustomization -> the container slots its patches set (asked often)
        self.generated: dict = {}  # display path -> the folder whose `kustomize build` (or chart whose `helm template`) writes it
        self.retagging: dict = {}  # Kustomization -> repositories whose tag its images: entries set
        self.imageless: set = set()  # patch files without the word "image": they change no image
        self.transformers: dict = {}  # Kustomization -> the files and folders of its transformers:
        #: (repositories a Tiltfile builds, the manifests and folders it deploys): Tilt puts what it
        #: built in place of those images there (tilt.py)
        self.tilt: list = []
        self.replaced: dict = {}  # Kustomization -> container slots its replacements: set the image of
        self._up_all: dict | None = None  # display path -> Kustomizations including or patching with it
        self._slots_at: dict | None = None  # (display path, line) -> container slots there
        self._tilt_index: dict | None = None
        self.loaded: set = set()  # (repository, tag) of the images a command loads into a local cluster
        self.present: set = set()  # (display path, line) of containers that run an image their node holds
        self.never: set = set()  # (display path, line) of containers whose node never pulls the image (Never)
        self.anchors: dict = {}  # (display path, line) -> the YAML anchor a values file's line carries
        self.anchored: dict = {}  # display path (a folder ends in "/") -> YAML anchors whose value a sed rewrites
        self.piped: dict = {}  # folders whose `kustomize build` output a sed rewrites the :latest of (an ordered set)
        self._piped_set: set | None = None  # what those builds read (Kustomizations, files, patches)
        self.calls: dict = {}  # (display path, line) of a job calling a reusable workflow -> its display path
        self.uncalled: set = set()  # reusable workflows called with a Dockerfile not known here
        self.callee: set = set()  # (display path, line) of a build whose Dockerfile its callers name
        self.make_latest: dict = {}  # (Makefile, line) -> plain variables its latest tag goes through
        self.make_sets: set = set()  # variables some command line of make in the repository sets
        self.gitops: dict = {}  # display path -> the folders its Flux Kustomizations / Argo CD Applications apply
        self._gitops_index: tuple | None = None  # (folders named, by whom; patterns of paths with variables)
        self._listed: dict | None = None  # display path -> Kustomizations listing it
        self._unapplied_of: dict = {}  # top Kustomization (or file) -> _unapplied's answer (many manifests share a top)
        self._passed_of: dict = {}  # top -> _passed_over's answer (each judged once: its recursion stays linear)
        self.flux: set = set()  # the Flux releases the repository says it installs, as (major, minor, patch)
        self.flux_served: dict = {}  # Kind -> the Flux API versions the CRDs the repository vendors serve for it
        self.kube: dict = {}  # display -> the Kubernetes releases a k3s system-upgrade Plan of it names, as (major, minor)
        self._deployed_kube: set | None = None  # (cluster_releases' answer)
        self.flux_files: set = set()  # display paths of files of Flux objects (HelmRelease, HelmRepository...)

    def called(self, builds: list) -> list:
        """``builds`` with the callers of reusable workflows whose build steps take their
        Dockerfile from the workflow's inputs (loki's ``operator-reusable-image-build.yml``:
        ``file: ${{ inputs.dockerfile }}``) given the steps' names and push, and their platforms
        where they give none and the steps agree (``linux/amd64,linux/arm64,linux/arm``; steps of
        different platforms, chosen by an ``if:``, leave them unknown).  Where every call of the
        workflow in the repository names its Dockerfile, the callers' builds stand for the steps,
        which leave ``builds``; one call of a Dockerfile not known here keeps them, builds of any
        Dockerfile."""
        if not self.callee or not self.calls:
            return builds
        called = set(self.calls.values())
        steps: dict = {}  # reusable workflow -> [its steps' platforms (None: unknown), a push, names]
        keep = []
        for b in builds:
            if b.path not in called or (b.path, b.span.line) not in self.callee:
                keep.append(b)
                continue
            if b.path in self.uncalled:
                keep.append(b)
            got = steps.get(b.path)
            if got is None:
                steps[b.path] = [b.platforms or None, b.push, list(b.tags), list(b.unknown_tags)]
            else:
                got[0] = got[0] if got[0] == (b.platforms or None) else None
                got[1] = got[1] or b.push
                got[2] += [t for t in b.tags if t not in got[2]]
                got[3] += [t for t in b.unknown_tags if t not in got[3]]
        for b in keep:
            hit = steps.get(self.calls.get((b.path, b.span.line))) if b.tool == "reusable workflow" else None
            if hit is not None:
                if b.platforms is None and hit[0]:
                    b.platforms = list(hit[0])
                b.push = b.push or hit[1]
                b.tags += [t for t in hit[2] if t not in b.tags]
                b.unknown_tags += [t for t in hit[3] if t not in b.unknown_tags]  # (link names them)
        return keep

    def latest_rewritten(self, path: str) -> bool:
        """Whether a ``sed`` of the repository rewrites the ``:latest`` tags of ``path``
        (argo-workflows' ``sed 's/:latest/:$(VERSION)/' manifests/$*`` for its release), or
        ``path`` is generated by ``kustomize build`` of a folder whose Kustomization includes,
        at any depth, a file so rewritten (argo-events' ``manifests/install.yaml``), or by ``helm
        template`` of a chart whose ``values.yaml`` is (seldon-core's ``k8s/yaml/components.yaml``)."""
        if self._rewritten(path):
            return True
        if self.piped and path in self._read_by_piped():
            return True
        src = self.generated.get(path)  # (a chart's `helm template` output: what a release writes into its values)
        if src is not None and self._rewritten(posixpath.join(src, "values.yaml")):
            return True
        return bool(self.rewritten) and any(self._rewritten(k) for k in self.built_from(path))

    def kind_loaded(self, path: str, line: int, images: list) -> bool:
        """Whether the container at ``line`` of ``path`` runs, from its node's store
        (``imagePullPolicy: IfNotPresent`` or ``Never``), an image that a command of the
        repository loads under that very name into a cluster on its own machine (karmada's
        ``kind load docker-image docker.io/karmada/karmada-scheduler:latest`` for
        ``artifacts/deploy``): the local development loop's deployment of what it just built."""
        if (path, line) not in self.present:
            return False
        from .model import normal

        names = [normal(im) for im in images]
        return bool(names) and all(n is not None and n in self.loaded for n in names)

    def anchor_rewritten(self, path: str, line: int) -> bool:
        """Whether ``line`` of ``path`` carries a YAML anchor (``&karmadaImageVersion latest``)
        whose value a ``sed`` of the repository rewrites in that file (karmada's
        ``hack/package-helm-chart.sh`` before ``helm package``): every alias of it too."""
        here = self.anchors.get((path, line))
        return bool(here) and any(here in ns for p, ns in self.anchored.items()
                                  if path == p or p.endswith("/") and path.startswith(p))

    def _read_by_piped(self) -> set:
        """Every file the ``kustomize build`` of a piped folder reads (kserve's ``kustomize build
        config/overlays/all | ... | sed s/:latest/:$TAG/g``): what ``_walk`` finds from it, and the
        patches of those Kustomizations; worked out once."""
        if self._piped_set is None:
            got: set = set()
            for folder in self.piped:
                for k in self._walk(folder.rstrip("/")):
                    got.add(k)
                    got.update(self.kustomizations.get(k, ((), ()))[1])
            self._piped_set = got
        return self._piped_set

    def built_from(self, path: str) -> list[str]:
        """The Kustomizations and files whose ``kustomize build`` writes ``path`` (``_walk`` from
        its folder), none when no command of the repository writes it."""
        src = self.generated.get(path)
        return [] if src is None else self._walk(src)

    def _walk(self, resource: str) -> list[str]:
        """What a ``kustomize build`` of ``resource`` reads: its Kustomization (or file) and
        everything that includes, at any depth; at most ``MAX_WALK``."""
        todo = self._included(resource)
        seen = list(todo)
        known = set(todo)
        while todo and len(known) < MAX_WALK:
            k = todo.pop()
            for r in self.kustomizations.get(k, ((), ()))[0]:
                for p in self._included(r):
                    if p not in known:
                        known.add(p)
                        seen.append(p)
                        todo.append(p)
        return seen

    def _rewritten(self, path: str) -> bool:
        """``path`` or a folder above it is rewritten: one look per folder of the path."""
        rw = self.rewritten
        if not rw:
            return False
        if path in rw:
            return True
        at = path.find("/")
        while at != -1:
            if path[:at + 1] in rw:
                return True
            at = path.find("/", at + 1)
        return False

    def add(self, display: str, facts: dict) -> None:
        for r in facts.get("rewrites", ()):
            # relative to the file's folder (a Makefile's recipes run there), or to the top
            for p in (_resolve(display, r), posixpath.normpath(r)):
                p += "/" if r.endswith("/") else ""
                self.rewritten[p] = None
        if "loaded" in facts or "present" in facts:
            from .model import normal

            self.loaded.update(n for n in map(normal, facts.get("loaded", ())) if n is not None)
            self.present.update((display, _line(x)) for x in facts.get("present", ()) if _line(x))
            self.never.update((display, _line(x)) for x in facts.get("never", ()) if _line(x))
        for c in facts.get("calls", ()):
            ln, _, path = c.partition(":")
            if _line(ln) == 0 and path:
                self.uncalled.add(path)  # a call whose Dockerfile is not known: its steps stand for it
            elif _line(ln) and path:
                self.calls[(display, _line(ln))] = path
        self.callee.update((display, _line(x)) for x in facts.get("callee", ()) if _line(x))
        if facts.get("flux_apis"):
            self.flux_files.add(display)
        for v in facts.get("flux_served", ()):
            api, _, kind = v.partition(" ")
            if api and kind and len(self.flux_served) < 4096:
                self.flux_served.setdefault(kind, set()).add(api)
        for v in facts.get("kube", ()):
            parts = v.split(".")
            if len(parts) == 2 and all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
                self.kube.setdefault(display, set()).add((int(parts[0]), int(parts[1])))
                self._deployed_kube = None
        for v in facts.get("flux", ()):
            parts = v.split(".")
            if 2 <= len(parts) <= 3 and all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
                self.flux.add(tuple(int(p) for p in parts) + (0,) * (3 - len(parts)))
        self.make_sets.update(n for n in facts.get("make_sets", ()) if type(n) is str)
        for k in facts.get("make_latest", ()):
            ln, _, names = k.partition(":")
            if _line(ln):
                self.make_latest.setdefault((display, _line(ln)), set()).update(names.split())
        for a in facts.get("anchors", ()):
            ln, _, name = a.partition(":")
            if _line(ln):
                self.anchors[(display, _line(ln))] = name
        for a in facts.get("anchored", ()):
            name, _, r = a.partition(":")
            for p in (_resolve(display, r), posixpath.normpath(r)):
                self.anchored.setdefault(p + ("/" if r.endswith("/") else ""), set()).add(name)
        for r in facts.get("piped", ()):
            for p in (_resolve(display, r), posixpath.normpath(r)):
                if p not in self.piped:
                    self.piped[p] = None
                    self._piped_set = None
        for src, dst in facts.get("generated", ()):
            self.generated[_resolve(display, dst)] = _resolve(display, src.rstrip("/"))
        for s in facts.get("slots", ()):
            self.slots.setdefault(display, []).append((s["span"][0], s["slot"]))
            self._slots_of, self._slots_at = {}, None
        for o in facts.get("overrides", ()):
            from .model import normal

            n = normal(o["name"])
            # a tag or digest set (a newName alone keeps the base's tag, as kustomize does)
            if n is not None and ("@" in o["image"] or ":" in o["image"].rsplit("/", 1)[-1]):
                self.retagging.setdefault(display, set()).add(n[0])
        for t in facts.get("tilt", ()):
            from .model import normal

            # a ref with a tag is matched with it (Tilt matches it exactly), else any tag
            refs = {(n[0], n[1] if ":" in x.rsplit("/", 1)[-1] else None)
                    for x, n in ((x, normal(x)) for x in t["names"]) if n is not None}
            # (a folder ends in "/"; the Tiltfile's own folder at the top, kustomize('.'), is "")
            paths = [q + "/" if p.endswith("/") and q != "." else "" if q == "." else q
                     for p, q in ((p, _resolve(display, p)) for p in t["paths"])]
            if refs and paths:
                self.tilt.append((refs, paths))
                self._tilt_index = None
        if facts.get("replaced"):
            self.replaced[display] = set(facts["replaced"])
        k = facts.get("kustomize")
        if k:
            self.kustomizations[display] = ([_resolve(display, r) for r in k["resources"]],
                                            [_resolve(display, p) for p in k["patches"]])
            if k.get("transformers"):
                self.transformers[display] = [_resolve(display, t) for t in k["transformers"]]
            self.imageless.update(_resolve(display, p) for p in k.get("imageless", ()))
            if k.get("component"):
                self.components.add(display)
            self._up = self._up_all = self._tilt_index = self._listed = None
            self._slots_of, self._unapplied_of, self._passed_of = {}, {}, {}
        self.flux_components = self.flux_components or facts.get("flux_components") is True
        if facts.get("gitops"):
            self.gitops[display] = [g for g in facts["gitops"] if isinstance(g, str)][:1024]
            self._gitops_index, self._unapplied_of, self._passed_of = None, {}, {}

    @property
    def patching(self) -> bool:
        """Whether any Kustomization patches or retags (``images:``), or a sed rewrites tags (so an
        image may be replaced)."""
        return bool(self.rewritten) or bool(self.piped) or bool(self.retagging) or any(
            patches for _r, patches in self.kustomizations.values())

    def _included(self, resource: str) -> list[str]:
        """The display paths a resolved resource stands for: a file, or a folder's Kustomization."""
        if resource in self.kustomizations or resource in self.slots:
            return [resource]
        return [k for k in (resource + "/" + n for n in NAMES) if k in self.kustomizations]

    def _including(self, patches: bool = False) -> dict:
        """Display path -> the Kustomizations that include it (or, with ``patches``, also patch
        with it) directly; built once each."""
        up = self._up_all if patches else self._up
        if up is None:
            up = {}
            for k, (resources, patch_files) in self.kustomizations.items():
                for r in (*resources, *patch_files) if patches else resources:
                    for p in self._included(r):
                        up.setdefault(p, []).append(k)
            if patches:
                self._up_all = up
            else:
                self._up = up
        return up

    def _above(self, path: str, up: dict, hit) -> bool:
        """Whether ``hit`` holds for a Kustomization above ``path`` in ``up``, at any depth
        (``MAX_WALK`` at most)."""
        todo, seen = [path], {path}
        while todo and len(seen) < MAX_WALK:
            for k in up.get(todo.pop(), ()):
                if k in seen:
                    continue
                if hit(k):
                    return True
                seen.add(k)
                todo.append(k)
        return False

    def _patched_slots(self, kustomization: str) -> set:
        hit = self._slots_of.get(kustomization)
        if hit is None:
            hit = self._slots_of[kustomization] = {
                s for p in self.kustomizations[kustomization][1] for _ln, s in self.slots.get(p, ())
                if "/#" not in s}  # (a strategic-merge patch matches containers by name, not position)
        return hit

    def patched(self, path: str, line: int) -> bool:
        """Whether the container image on ``line`` of ``path`` is replaced by a patch of a
        Kustomization that includes ``path`` (directly or through others)."""
        mine = self._slots_on(path, line)
        return bool(mine) and self._above(path, self._including(), lambda k: bool(mine & self._patched_slots(k)))

    def _slots_on(self, path: str, line: int) -> set:
        """The container slots on ``line`` of ``path``, indexed once."""
        if self._slots_at is None:
            self._slots_at = {}
            for p, got in self.slots.items():
                for ln, s in got:
                    self._slots_at.setdefault((p, ln), set()).add(s)
        return self._slots_at.get((path, line), set())

    def unused_component(self, path: str) -> bool:
        """Whether every Kustomization that includes ``path`` is a Component (``kind: Component``)
        that no Kustomization of the run lists, beside one that a Kustomization lists: the app's
        overlays pick among its components and leave this one out (pi-cluster's
        ``components/kibana-config`` beside ``route`` and ``istio``, which the prod overlay
        names).  A catalog's components that none of its own overlays use are for other
        repositories (demo-ai-gitops-catalog's): judged.  Not where a Flux Kustomization of the
        run names components (``spec.components``, relative to its path)."""
        if not self.components or self.flux_components:
            return False
        up = self._including()
        ks = up.get(path, ())
        if not ks:
            return False
        shelf = lambda k: posixpath.dirname(posixpath.dirname(k))  # noqa: E731 (app/components, of its x/kustomization.yaml)
        if self._used_shelves is None or self._used_shelves[0] is not up:
            self._used_shelves = (up, {shelf(c) for c in self.components if up.get(c)})
        return all(k in self.components and not up.get(k) and shelf(k) in self._used_shelves[1] for k in ks)

    def cluster_releases(self) -> set:
        """The Kubernetes releases the repository's cluster runs: those of the system-upgrade Plans
        (``kube``) in files a GitOps object of the run applies, where it has GitOps objects (dfroberg's
        Plans, which no Flux Kustomization applies, said 1.22 of a 1.23 cluster); found once."""
        if self._deployed_kube is None:
            self._deployed_kube = {r for d, rs in self.kube.items() if self._applied(d) for r in rs}
        return self._deployed_kube

    def _applied(self, path: str) -> bool:
        """Whether a GitOps object of the run applies ``path`` (its top Kustomization's folder or
        one above it with no Kustomization of its own), or the run cannot tell (no GitOps objects
        whose paths are known)."""
        index = self._gitops_named()
        if index is None:
            return True
        return not self.left_out(path) and any(self._applying(posixpath.dirname(t), *index)[0]
                                               for t in (self._tops(path) or [path]))

    def left_out(self, path: str) -> bool:
        """Whether no GitOps tool of the run applies ``path``: every Kustomization at the top above
        it (or the file, when none includes it) is left out beside its siblings
        (``_left_out_sibling``: mischavandenburg's ``jotunheim/promtail`` whose parent's entry is
        commented out, h3mmy's authentik ``outposts``), or is applied only by Flux Kustomizations
        (or Argo CD Applications) whose own files are left out so (truxnell's
        ``services/scribe/ks.yaml``, its ``# - ./scribe/ks.yaml``: ``scribe/app`` is never
        applied).  Only in a run whose GitOps objects' paths are all known and name folders of
        the run (their paths are from the repository's root); an ApplicationSet makes every
        folder possibly applied."""
        index = self._gitops_named()
        if index is None:
            return False
        tops = self._tops(path)
        memo = self._unapplied_of  # (each top judged once: the wild paths are scanned per folder above it)
        return bool(tops) and all(memo[t] if t in memo else memo.setdefault(t, self._unapplied(t, *index)) for t in tops)

    def _tops(self, path: str) -> list:
        """The Kustomizations at the top above ``path`` (``path`` itself when none includes it);
        none when the walk is cut short."""
        up = self._including()
        todo, seen, tops = [path], {path}, []
        while todo:
            node = todo.pop()
            above = up.get(node, ()) or (self._listing().get(node, ()) if node == path else ())
            if not above:
                tops.append(node)
            for k in above:
                if k not in seen:
                    if len(seen) >= MAX_WALK:
                        return []
                    seen.add(k)
                    todo.append(k)
        return tops

    def _listing(self) -> dict:
        """Display path -> the Kustomizations listing it as a resource, a patch or a transformer (a
        file with no container, a HelmRelease, is in no ``_including`` map); built once."""
        if self._listed is None:
            self._listed = {}
            for k, (resources, patches) in self.kustomizations.items():
                for r in {*resources, *patches, *self.transformers.get(k, ())}:
                    self._listed.setdefault(r, []).append(k)
        return self._listed

    def _gitops_named(self):
        """(folder -> the files whose GitOps objects apply it, [(segments, files)] of paths with
        a variable, where a segment with one (None) stands for any one folder's name:
        ``./kubernetes/apps/${CLUSTER}/games`` applies ``kubernetes/apps/main/games``); None when
        an ApplicationSet generates its own or no path names a folder of the run.  A path whose
        first segment is a variable (a scaffold's ``path: '$RELDIR/'``) names nothing."""
        if self._gitops_index is None:
            named: dict = {}
            wild: dict = {}
            ok = bool(self.gitops)
            patching = {p for _r, ps in self.kustomizations.values() for p in ps}
            for display, paths in self.gitops.items():
                for g in paths if display not in patching else ():  # (a patch of flux-system's own: no path of its own)
                    parts = tuple(None if _variable(s) else s for s in _folder(g).split("/"))
                    if g == "*":
                        ok = False
                    elif None not in parts:
                        named.setdefault(_folder(g), set()).add(display)
                    elif parts[0] is not None and len(wild) < 4096:
                        wild.setdefault(parts, set()).add(display)
            held = {p[:i] for p in (*self.kustomizations, *self.slots) for i, c in enumerate(p) if c == "/"}
            known = [f for f in named if not f or f in held]  # (folders holding a Kustomization or a manifest)
            self._gitops_index = ((named, list(wild.items())) if ok and known and len(known) * 2 >= len(named) else None,)
        return self._gitops_index[0]

    def _unapplied(self, top: str, named: dict, wild: list) -> bool:
        """Whether the top Kustomization (or file) ``top`` is left out beside its siblings, or
        every GitOps object applying its folder (or a folder above it with no Kustomization of its
        own: Flux makes one of what is below) sits in a file so left out."""
        folder = posixpath.dirname(top)
        by, at = self._applying(folder, named, wild)
        if not by:  # (nothing applies the folder nor one above it: a copy kept aside under a name that says so,
            # nicholaswilde's backup/ of an older layout, whose Flux Kustomizations point to cluster/)
            return self._left_out_sibling(top) or self._passed_over(top, named, wild) \
                or not at and not _KEPT_ASIDE.isdisjoint(p.strip("_.") for p in folder.lower().split("/"))
        return all(self._left_out_sibling(t) or self._passed_over(t, named, wild)
                   for f in by for t in (self._tops(f) or [""]))

    def _applying(self, folder: str, named: dict, wild: list) -> tuple[set, str]:
        """(the files of the GitOps objects that apply ``folder``, or a folder above it with no
        Kustomization of its own: Flux makes one of what is below; the first folder above holding
        a Kustomization, ``""`` at the top)."""
        by: set = set()
        at = folder
        while at == folder or not any(posixpath.join(at, n) in self.kustomizations for n in NAMES):
            by |= named.get(at, set())  # (a folder above with a Kustomization of its own: Flux applies that)
            segments = at.split("/")
            by.update(f for parts, files in wild if len(parts) == len(segments)
                      and all(p is None or p == s for p, s in zip(parts, segments)) for f in files)
            if not at:
                break
            at = posixpath.dirname(at)
        return by, at

    def _passed_over(self, top: str, named: dict, wild: list, busy: set | None = None) -> bool:
        """``_passed_over_at``, each top once (memoized; a top met again while it is being judged,
        through Kustomizations including one another, is not passed over by that path)."""
        got = self._passed_of.get(top)
        if got is None:
            busy = busy if busy is not None else set()
            if top in busy or len(busy) >= MAX_WALK:
                return False
            busy.add(top)
            got = self._passed_of[top] = self._passed_over_at(top, named, wild, busy)
        return got

    def _passed_over_at(self, top: str, named: dict, wild: list, busy: set) -> bool:
        """Whether ``top`` (a top Kustomization, or a file in a folder with none) is below the
        folder of a Kustomization that a GitOps object of the run applies, directly or through the
        Kustomizations including it, and that lists neither ``top`` nor a Kustomization above it:
        the tool builds that Kustomization and never reaches ``top`` (samip5's
        ``networking/prefer-dual-stack`` under the applied ``networking/``, whose Kustomization
        lists ``ns.yaml`` alone; its ``home/wyoming-whisper/ks.yaml``, every ``ks.yaml`` entry of
        ``home/``'s Kustomization commented out; lenaxia's stray ``magicmirror/base/helm-release.yaml``).
        Only a Kustomization or a file of GitOps or other Flux objects, made for the tool: a plain
        manifest there may be applied by hand (ahgraber's VolSync Job templates, which a Taskfile
        fills in and applies).  Not a Component, nor below a Kustomization with a glob resource,
        nor a file of GitOps objects applying a folder holding itself."""
        here = posixpath.dirname(top)
        if top not in self.kustomizations and top not in self.gitops and top not in self.flux_files:
            return False
        if top in self.components or any(
                posixpath.join(here, n) in self.kustomizations and posixpath.join(here, n) != top for n in NAMES):
            return False  # (beside a Kustomization that does not list it: _left_out_sibling's)
        if any(not g or here == g or here.startswith(g + "/") for g in map(_folder, self.gitops.get(top, ()))):
            return False  # (Flux's own bootstrap)
        at, k = here, None
        while k is None and at:
            at = posixpath.dirname(at)
            k = next((posixpath.join(at, n) for n in NAMES if posixpath.join(at, n) in self.kustomizations), None)
        if k is None or any(r.endswith("*") for r in self.kustomizations[k][0]):
            return False
        # (or that Kustomization is itself passed over: samip5's monitoring/, `resources: []`, which the applied
        # apps/ Kustomization no longer lists; its apps' ks.yaml deploy nothing either)
        return any(self._applying(posixpath.dirname(t), named, wild)[0] or t != top
                   and self._passed_over(t, named, wild, busy) for t in self._tops(k))

    def _left_out_sibling(self, top: str) -> bool:
        """Whether the nearest Kustomization in a folder above ``top``'s lists an entry in the same
        place as ``top`` (as many folders down, the same file name: ``./immich/ks.yaml`` for
        ``scribe/ks.yaml``, ``kube-prometheus-stack`` for ``promtail``) and not ``top``, or
        ``top`` is a file of GitOps objects beside a Kustomization that does not list it; and ``top`` includes
        none of its entries (not an overlay on them) and applies no folder holding itself
        (not Flux's own bootstrap)."""
        here = posixpath.dirname(top)
        if not top or any(not g or here == g or here.startswith(g + "/") for g in map(_folder, self.gitops.get(top, ()))):
            return False
        beside = next((posixpath.join(here, n) for n in NAMES if posixpath.join(here, n) in self.kustomizations), top)
        if beside != top:  # (a file of GitOps objects beside a Kustomization that does not list it: never
            return top in self.gitops and top not in self._listing()  # read, joryirving's "# - ./core-keeper.yaml")
        at, k = posixpath.dirname(here), None
        while k is None:
            k = next((posixpath.join(at, n) for n in NAMES if posixpath.join(at, n) in self.kustomizations), None)
            if k is None and not at:
                return False
            at = at if k else posixpath.dirname(at)
        listed = [r for r in self.kustomizations[k][0] if not r.endswith("*")]
        if top in listed or here in listed or set(self.kustomizations.get(top, ((),))[0]) & set(listed):
            return False
        mine = posixpath.relpath(top, at or ".").split("/")
        for r in listed:
            for e in [r] + [posixpath.join(r, n) for n in NAMES if posixpath.join(r, n) in self.kustomizations]:
                p = posixpath.relpath(e, at or ".").split("/")
                if len(p) == len(mine) and p[0] != ".." and (p[-1] == mine[-1] or p[-1] in NAMES and mine[-1] in NAMES):
                    return True
        return False

    def replaced_at(self, path: str, line: int) -> bool:
        """Whether the container image on ``line`` of ``path`` (a manifest, or a patch) is set by
        the ``replacements:`` of a Kustomization that includes or patches with ``path``, directly
        or through others (capz's ``config/default`` over ``config/aso``'s patch)."""
        mine = self._slots_on(path, line) if self.replaced else ()
        return bool(mine) and self._above(path, self._including(patches=True),
                                          lambda k: bool(mine & self.replaced.get(k, set())))

    def built_by_tilt(self, path: str, images: list) -> bool:
        """Whether a Tiltfile that deploys ``path`` (``k8s_yaml('app.yaml')``, a folder it builds
        with ``kustomize()``, a chart's templates with ``helm()``) builds one of ``images`` (its
        repository; its tag too where the ref names one): Tilt deploys what it built in its place."""
        from .model import normal

        got = [n for n in (normal(im) for im in images) if n is not None]
        if not got:
            return False
        if self._tilt_index is None:  # path or folder -> the refs built where it is deployed: once
            self._tilt_index = {}
            for refs, paths in self.tilt:
                for p in paths:
                    # a kustomize() folder deploys what its Kustomization includes, not the folder
                    # (kustomize('.') at the top: not every manifest of the repository)
                    ks = [k for k in (p + n for n in NAMES) if k in self.kustomizations] if p.endswith("/") or not p else []
                    for k in [x for k in ks[:1] for x in self._walk(k)] or [p]:
                        self._tilt_index.setdefault(k, set()).update(refs)
        parts = path.split("/")
        refs = set().union(*(self._tilt_index.get(k, ()) for k in
                             [path, ""] + ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]))
        return any((r, t) in refs or (r, None) in refs for r, t in got)

    def retagged(self, path: str, repositories: set) -> bool:
        """Whether every Kustomization at the top that includes ``path`` (directly or through
        others, a base through an overlay's ``../base``) sets the tag of one of
        ``repositories`` with its ``images:`` on the way (spark-operator's ``config/default``
        over ``../manager``): the tag written in the base is then not what any of them deploys.
        An overlay that does not (a ``prod`` beside a retagging ``dev``) deploys the base's tag.
        A top Kustomization in a folder named ``base`` or ``bases`` that does not is kustomize's
        base of the layout, built on by overlays rather than deployed (gcp-filestore-csi-driver's
        ``deploy/kubernetes/base``, gathering ``controller`` and ``node_linux``, which its overlays
        include one by one): it counts only when no other top does."""
        if not self.retagging or not repositories:
            return False
        up = self._including()
        todo, seen, tops = [(path, False)], {(path, False)}, 0
        while todo and len(seen) < MAX_WALK:
            node, done = todo.pop()
            above = up.get(node, ())
            if not above and node != path:
                if not done:
                    if _kustomize_base(node):
                        continue  # (a base of the layout, not deployed: tops must still be found)
                    return False  # a top Kustomization that deploys the base's own tag
                tops += 1
            for k in above:
                state = (k, done or bool(repositories & self._retags(k)))
                if state not in seen:
                    seen.add(state)
                    todo.append(state)
        return tops > 0 and not todo

    def _retags(self, k: str) -> set:
        """The repositories whose tag Kustomization ``k`` sets: its own ``images:``, and those of a
        Component it includes (one with ``images:`` and no resources of its own, whose entries
        apply to what ``k`` includes: redis-operator's overlays over ``components/version``)."""
        out = self.retagging.get(k, set())
        for r in self.kustomizations.get(k, ((), ()))[0]:
            for p in (r, *(r + "/" + n for n in NAMES)):
                if p != k and p in self.retagging and not self.kustomizations.get(p, ((), ()))[0]:
                    out = out | self.retagging[p]
        # its transformers: a file of ImageTagTransformers, or a folder whose Kustomization lists
        # such files (gcp-compute-persistent-disk-csi-driver's ../../images/stable-master)
        for t in self.transformers.get(k, ()):
            for p in (t, *(t + "/" + n for n in NAMES)):
                files = [p] + list(self.kustomizations.get(p, ((), ()))[0]) if p != k else []
                for f in files[:64]:
                    out = out | self.retagging.get(f, set())
        return out

    def links(self):
        """(a, b) pairs of display paths a patch ties together: each patching (or retagging:
        ``images:``) Kustomization with its patches and with everything it includes, at any
        depth."""
        for k, (_resources, patches) in self.kustomizations.items():
            if not self._patched_slots(k) and k not in self.retagging and k not in self.transformers:
                continue
            for p in patches:
                if p in self.slots:
                    yield k, p
            for t in self.transformers.get(k, ()):  # (its ImageTagTransformers: files, or a folder's)
                for p in (t, *(t + "/" + n for n in NAMES)):
                    yield k, p
                    for f in self.kustomizations.get(p, ((), ()))[0][:64]:
                        yield k, f
            todo, seen = [k], {k}
            while todo and len(seen) < MAX_WALK:
                for r in self.kustomizations.get(todo.pop(), ((), ()))[0]:
                    for p in self._included(r):
                        if p not in seen:
                            seen.add(p)
                            todo.append(p)
                            yield k, p
