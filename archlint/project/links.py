"""Link groups: what a run given a few files needs of the project model (``model.Project``)."""
from __future__ import annotations

from .model import WILD, Project, glob, normal
from .unionfind import UnionFind
from .patches import mentions


# ---- link groups: what a run given a few files needs of the model ----------------------------
#
# A link group is a set of files the model links: a build and its Dockerfile, other builds of the
# image or Dockerfile, the deployments of what it builds, a docker tag or push of it, a
# Kustomization replacing it, a bake or make -f running another file.  A base image built here
# and a Makefile many include are dependencies, not links (one base for a hundred Dockerfiles
# would make one group of them all): the Dockerfile's group depends on the base builds' group.
# Every finding about a file involves only files of its group and of the groups it depends on or
# that depend on it.  Link keys say what a file mentions, linked or not: an image repository by
# its last component, a file by its path, ``WILD`` for a name whose last component is unknown;
# as a producer (a build's names, a tag, a push, a Kustomize override, the file itself) or as a
# consumer (a deployment, a base, a build's Dockerfile, the file a bake or make -f runs; ``i:`` a
# Makefile included).  A changed file may link by now to the producers of what it mentions and,
# where it produces, to the consumers too.  A run given files builds the model of those groups
# alone (archlint/run/index.py).



def _name_key(n) -> str:
    last = n[0].rsplit("/", 1)[-1]
    return WILD if "*" in last else "l:" + last


def link_keys(project: Project, entries):
    """(display path, key, producer?) triples: what each file of ``entries`` mentions, as
    ``project`` reads it."""
    for display, _abspath, _kind, facts in entries:
        yield display, "f:" + display, True
        if not facts:
            continue
        refs = [a[k] for a in facts.get("aliases", ()) for k in ("src", "dst")] + list(facts.get("pushed", ())) \
            + list(facts.get("sent", ()))
        refs += [o[k] for o in facts.get("overrides", ()) for k in ("name", "image")]
        refs += facts.get("loaded", ())  # (kind load NAME: the containers running NAME from their node)
        for r in facts.get("retags", ()):
            if r == WILD:  # a tag set for a name not known here: of any image the repository builds
                yield display, WILD, True
            else:
                refs.append(r)
        for ref in refs:
            n = normal(ref)
            if n is not None:
                yield display, _name_key(n), True
        if "kustomize" in facts:
            for p in mentions(display, facts["kustomize"]):
                yield display, "f:" + p, False
        for c in facts.get("calls", ()):  # (a reusable workflow: its build steps are the caller's builds)
            yield display, "f:" + c.partition(":")[2], False
        if facts.get("flux") or facts.get("flux_served"):  # (the Flux release the repository installs, or the
            yield display, "flux", True  # versions its vendored CRDs serve: what its Flux APIs are judged at)
        if facts.get("flux_apis"):
            yield display, "flux", False
        if facts.get("kube"):  # (the Kubernetes release the repository's cluster runs: what its APIs are judged at)
            yield display, "kube", True
        if facts.get("kube_apis"):
            yield display, "kube", False
        if facts.get("rewrites") or facts.get("generated") or facts.get("piped") or facts.get("anchored"):
            # the :latest of files under a path, or an anchor's value there
            yield display, WILD, True
        elif facts.get("gitops"):  # (the folders a GitOps object applies: whether any manifest is
            yield display, WILD, True  # deployed at all, patches.left_out, asks every Kustomization)
        elif "kustomize" in facts and project.patches.gitops:
            yield display, WILD, False
    for b in project.builds:
        if b.dockerfile:
            yield b.path, "f:" + b.dockerfile, False
        for n in b.names:
            yield b.path, _name_key(n), True
    for d in project.deploys:
        yield d.path, _name_key(d.name), False
    for base in project.bases:
        yield base.path, _name_key(base.name), False
    for baked, runs in project.baked.items():
        for _p, _push, where in runs:
            yield where.rsplit(":", 1)[0], "f:" + baked, False
    for caller, makefile in project.make_links:
        yield caller, "f:" + makefile, False
    for caller, makefile in project.include_links:  # a dependency: reached, not joined (``reach``)
        yield caller, "i:" + makefile, False


class LinkGroups:
    """The link groups of a model's files (small integers), what depends on what, and the groups mentioning each key."""

    def __init__(self, files: dict, deps: dict, producers: dict, consumers: dict):
        self.files = files  # display path -> group
        self.deps = deps  # group -> [groups it depends on]
        self.producers = producers  # key -> [groups mentioning it as a producer]
        self.consumers = consumers  # key -> [groups mentioning it as a consumer]

    def to_json(self) -> dict:
        return {"deps": {str(g): ds for g, ds in self.deps.items()}, "producers": self.producers,
                "consumers": self.consumers}

    @classmethod
    def from_json(cls, files: dict, doc) -> "LinkGroups | None":
        """The groups of an index (untrusted): None unless every part has the shape written."""
        if type(doc) is not dict:
            return None
        deps, prod, cons = doc.get("deps"), doc.get("producers"), doc.get("consumers")

        def ints(v) -> bool:
            return type(v) is list and all(type(g) is int for g in v)

        if not all(type(t) is dict and all(ints(v) for v in t.values()) for t in (deps, prod, cons)):
            return None
        try:
            deps = {int(g): v for g, v in deps.items()}
        except ValueError:
            return None
        return cls(files, deps, prod, cons)

    def reach(self, project: Project, entries, named: dict) -> tuple[set, set] | None:
        """What a finding about the files ``named`` ({display path: its group, None when not
        indexed}) can involve, when ``entries`` (named and changed files, as ``project``, their
        model, reads them) replace their indexed facts: (groups, display paths of ``entries``),
        or None when it may be anything (a name whose last part is unknown).

        The files are linked to the groups that mention what they mention (a producer's key to
        the producers and consumers of it, a consumer's to its producers), to each other as their
        own model links them, and a named file to its own group; what is connected to a named
        file counts, with the groups a name of unknown last part may match, and the groups all
        these depend on (and what those depend on, in turn) or that depend on them."""
        uf = UnionFind()
        find, union, parent = uf.find, uf.union, uf.parent
        mine = link_groups(project, entries).files
        for display, _a, _k, _f in entries:
            union(("f", display), ("m", mine[display]))
        extra: set = set()  # the groups of the Makefiles the files include: needed, not joined
        for display, key, producer in link_keys(project, entries):
            if key == WILD:
                return None
            if key.startswith("i:"):
                extra.update(self.producers.get("f:" + key[2:], ()))
                continue
            for g in self.producers.get(key, ()):
                union(("f", display), ("g", g))
            if producer:
                for g in self.consumers.get(key, ()):
                    union(("f", display), ("g", g))
        for display, g in named.items():
            union(("f", display), ("g", g) if g is not None else ("f", display))
        roots = {find(("f", d)) for d in named}
        groups = {x[1] for x in parent if x[0] == "g" and find(x) in roots}
        files = {x[1] for x in parent if x[0] == "f" and find(x) in roots}
        groups.update(self.producers.get(WILD, ()))
        groups.update(self.consumers.get(WILD, ()))
        out = set(groups) | extra
        for g, ds in self.deps.items():
            if g not in groups and any(d in groups for d in ds):
                out.add(g)  # built on what the files are linked to: its findings may change
        # every group read again is read with what it depends on, and that with its own (an
        # included Makefile's recipe builds an image on a base built elsewhere: the base's build
        # decides the image's XF006)
        todo = list(out)
        while todo:
            for d in self.deps.get(todo.pop(), ()):
                if d not in out:
                    out.add(d)
                    todo.append(d)
        return out, files


def link_groups(project: Project, entries) -> LinkGroups:
    """The link groups of the files of ``entries`` as ``project`` links them."""
    uf = UnionFind()
    find, union = uf.find, uf.union
    joined: set = set()  # the shared lists of builds_of already joined

    def join(path: str, builds: list) -> None:
        if not builds:
            return
        if id(builds) not in joined:
            joined.add(id(builds))
            for b in builds[1:]:
                union(builds[0].path, b.path)
        union(path, builds[0].path)

    for b in project.builds:
        if b.dockerfile:
            union(b.path, b.dockerfile)
        for n in b.names:
            join(b.path, project.builds_of(n))
    for d in project.deploys:
        join(d.path, project.builds_of(d.name))
    deploys_by_repo: dict = {}
    for d in project.deploys:
        deploys_by_repo.setdefault(d.name[0], []).append(d.path)
    for display, _abspath, _kind, facts in entries:
        if not facts:
            continue
        for ref in [a[k] for a in facts.get("aliases", ()) for k in ("src", "dst")] + list(facts.get("pushed", ())) \
            + list(facts.get("sent", ())):
            n = normal(ref)
            if n is not None:
                join(display, project.builds_of(n))
        # a Kustomization's images: entry, a name a command retags or loads into a local cluster:
        # joined to its deployments
        names = [o["name"] for o in facts.get("overrides", ())]
        names += [r for r in facts.get("retags", ()) if r != WILD] + list(facts.get("loaded", ()))
        for name in names:
            n = normal(name)
            if n is None:
                continue
            # a name with a * (``${REG}/api``) retags the deployments it matches (``retagged``)
            hits = [deploys_by_repo[n[0]]] if n[0] in deploys_by_repo else [] if "*" not in n[0] else \
                [ps for repo, ps in deploys_by_repo.items() if glob(n[0], repo)]
            for paths in hits:  # the repository's deployments joined once, the Kustomization to their first
                if id(paths) not in joined:
                    joined.add(id(paths))
                    for path in paths[1:]:
                        union(paths[0], path)
                union(display, paths[0])
    for baked, runs in project.baked.items():
        for _p, _push, where in runs:
            union(where.rsplit(":", 1)[0], baked)
    for caller, makefile in project.make_links:
        union(caller, makefile)
    for a, b in project.patches.links():
        union(a, b)
    based = list(project.include_links)  # a Makefile many include (common.mk): a dependency of each
    for base in project.bases:  # after every union: a dependency, not a link
        builds = project.builds_of(base.name)
        if builds:
            join(builds[0].path, builds)
            based.append((base.path, builds[0].path))
    ids: dict = {}

    def gid(display: str) -> int:
        return ids.setdefault(find(display), len(ids))

    files = {display: gid(display) for display, _a, _k, _f in entries}
    deps: dict = {}
    for path, base_build in based:
        a, b = gid(path), gid(base_build)
        if a != b and b not in deps.setdefault(a, []):
            deps[a].append(b)
    producers: dict = {}
    consumers: dict = {}
    for display, key, producer in link_keys(project, entries):
        hit = (producers if producer else consumers).setdefault(key, [])
        g = gid(display)
        if g not in hit:
            hit.append(g)
    return LinkGroups(files, deps, producers, consumers)
