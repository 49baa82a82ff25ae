"""The project model built from every file's facts (``archlint.project.facts``): build sites,
deployments and Dockerfile bases, linked by image name and by Dockerfile path.  Image names are
compared as the container tools resolve them (``app`` is ``docker.io/library/app:latest``); a
part written as a variable is ``*`` and matches anything in that place, but a name whose
repository is wholly unknown links nothing.  Linking is by index (repository, or its last path
component when the rest is unknown), never every build against every deployment."""
from __future__ import annotations

import os

from ..kinds import makefile_variant
from ..model import Span
from .locate import locate
from .patches import MAX_WALK, Patches, mentions
from .unionfind import UnionFind

_NORMAL: dict = {}  # name as written -> normal(name): the same names recur across a repository


#: the link key of a name whose last component is unknown (``links.py``), and a retag of any name
WILD = "*"


def normal(ref: str) -> tuple[str, str] | None:
    """(repository, tag) of an image name as the tools resolve it, or None when it cannot be
    linked (empty, a digest only name, a repository with no known last component)."""
    try:
        return _NORMAL[ref]
    except KeyError:
        pass
    out = _normal(ref)
    if len(_NORMAL) < 200_000:
        _NORMAL[ref] = out
    return out


def _normal(ref: str) -> tuple[str, str] | None:
    from ..images import split_ref

    parts = split_ref(ref)
    if parts is None:
        return None
    r, tag, digest = parts
    if not r or r.startswith(("/", ".")) or " " in r or r.rsplit("/", 1)[-1] in ("", "*"):
        return None
    first = r.split("/", 1)[0]
    if "*" not in first and "." not in first and ":" not in first and first != "localhost":
        r = ("docker.io/library/" if "/" not in r else "docker.io/") + r
    if tag is None:
        tag = "*" if digest else "latest"
    return r.lower(), tag


def glob(pattern: str, text: str) -> bool:
    """``text`` matches ``pattern`` where ``*`` is any run of characters (iterative, no
    recursion; names are at most ``facts.MAX_VALUE`` long)."""
    if "*" not in pattern:
        return pattern == text
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] != "*" and pattern[p] == text[t]:
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _names_match(a: tuple[str, str], b: tuple[str, str]) -> bool:
    (ra, ta), (rb, tb) = a, b
    if "*" in ra and "*" in rb:
        return False  # two unknown repositories: nothing known links them
    repo = glob(ra, rb) if "*" in ra else glob(rb, ra)
    if not repo:
        return False
    return glob(ta, tb) or glob(tb, ta) or ("*" in ta and "*" in tb)


def show_name(n: tuple[str, str]) -> str:
    repo, tag = n
    for pre in ("docker.io/library/", "docker.io/"):
        if repo.startswith(pre) and "*" not in repo:
            repo = repo[len(pre):]
            break
    return f"{repo}:{tag}"


class Build:
    """A build site."""

    __slots__ = ("path", "span", "tool", "dockerfile", "tried", "missing", "absent", "unreached", "platforms", "host",
                 "tags", "names",
                 "push", "local", "stage", "file", "context", "unknown_tags", "args", "dynamic_args", "pinned", "contexts",
                 "floating_args", "located")

    def __init__(self, path: str, fact: dict):
        self.path = path  # display path of the file holding it
        self.span = Span(*fact["span"])
        self.tool = fact["tool"]
        self.file = fact["file"]
        self.context = fact["context"]
        self.dockerfile: str | None = None  # display path of the Dockerfile it builds, when found
        self.tried: list = []  # where the Dockerfile was looked for (display paths)
        self.missing = False  # a literal -f / file: / dockerfile: that exists in none of them
        #: no -f, and its context holds no Dockerfile in any of them (a context folder gone, a
        #: kubebuilder target left when the Dockerfile moved): it cannot run, XF005 says nothing
        self.absent = False
        self.unreached = False  # in a variant Makefile (Makefile.docker) no file names: run by nothing seen
        self.platforms = fact["platforms"]
        self.host = fact["host"]
        self.tags = [n for n in (normal(t) for t in fact["tags"]) if n]
        #: names as written that link nothing (a wholly unknown repository: ``$IMAGE``)
        self.unknown_tags = [t for t in fact["tags"] if normal(t) is None]
        self.names: list = list(self.tags)  # with every other name the repository gives the image
        self.push = fact["push"]
        self.local = fact["local"]
        self.stage = fact["stage"]
        self.args = frozenset(fact["args"])  # the names of its build arguments
        self.dynamic_args = frozenset(fact["dynamic_args"])  # those of a value not known here
        self.pinned = False  # its Dockerfile's final stage decides the platform (Project._apply_pins)
        #: its named contexts as the FROM lines they serve resolve (``--build-context wheels=...``)
        self.contexts = frozenset(n for n in map(normal, fact.get("contexts", ())) if n)
        self.floating_args = frozenset(fact.get("floating_args", ()))  # passed NAME alone, or x:latest
        # where it runs is known: a workflow step's action, reading its paths from the checkout (a run: step's
        # command may run in a working-directory not known here)
        self.located = "cd" not in fact["bases"] and self.tool in ("docker/build-push-action", "reusable workflow", "action")

    @property
    def cannot_run(self) -> bool:
        """Its Dockerfile, named or implied, exists nowhere it may run from, or nothing runs it."""
        return self.missing or self.absent or self.unreached

    @property
    def where(self) -> str:
        return f"{self.path}:{self.span.line}"

    def targets(self) -> list | None:
        """The platforms the build produces: its own, the runner's when it sets none on a known
        machine, ``[]`` for "whichever machine runs it", None when unknown."""
        if self.platforms is None:
            return None
        if self.platforms:
            return self.platforms
        return [self.host] if self.host else []

    def describe(self) -> str:
        t = self.targets()
        if t is None:
            return "for platforms it takes from a variable"
        if not t:
            return "for the CPU of whichever machine runs it (no --platform)"
        return "for " + ", ".join(t) + (" (the runner's, no platforms set)" if not self.platforms else "")


class Deploy:
    """An image that runs somewhere, and the architectures it may run on."""

    __slots__ = ("path", "span", "image", "name", "arch", "source", "via")

    def __init__(self, path: str, fact: dict):
        self.path = path
        self.span = Span(*fact["span"])
        self.image = fact["image"]
        self.name = normal(fact["image"])
        self.arch = fact["arch"]
        self.source = fact["from"]
        self.via = fact["via"]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.span.line}"


class Base:
    """A Dockerfile stage's base image."""

    __slots__ = ("path", "span", "image", "name", "stage", "pinned")

    def __init__(self, path: str, fact: dict):
        self.path = path
        self.span = Span(*fact["span"])
        self.image = fact["image"]
        self.name = normal(fact["image"])
        self.stage = fact["stage"]
        self.pinned = fact["pinned"]


_UNKNOWN_IMAGES = object()  # what a Kustomization includes holds images not known here


def _linkable(n) -> bool:
    return n is not None and not any(c == "*" for c in n[0].rsplit("/", 1)[-1][:1]) and n[0].rsplit("/", 1)[-1] != "*"


class Project:
    """Every build, deployment and base image of a run's files, linked."""

    def __init__(self, root: str):
        self.root = root  # absolute; display paths are relative to it
        self.builds: list[Build] = []
        self.deploys: list[Deploy] = []
        self.bases: list[Base] = []
        self.kinds: dict[str, str] = {}  # display path -> kind, of every file with facts
        self.probes: list[str] = []  # absolute paths looked for (a Dockerfile a build names)
        self.known: set = set()  # absolute paths of the files the run read (no need to stat them)
        self._file_names: dict | None = None  # their paths by name (asked for a document's missing Dockerfile)
        self._gitignore = None  # the repository's ignore files, read when a Dockerfile is missing
        self._built_paths: set | None = None  # repositories built here, without their registry
        self._builds_of: dict = {}
        self._stat: dict = {}  # absolute path -> whether it is a file (asked once)
        self._exact_names: dict = {}  # repository -> its exact names (for a tag with a *)
        self._by_groups: dict = {}  # the groups of builds a name matched -> their list (shared)
        self._pushed: set = set()
        self._pushed_tags: dict | None = None  # repository -> tags pushed (_is_pushed)
        self._sent_repos: set = set()  # repositories a push bound to its own build sends
        #: image names whose tag a command of the repository sets (``kustomize edit set image
        #: NAME=...``); "*" for a name not known here
        self.retags: set = set()
        #: display path of a Dockerfile -> its final stage's name ("" when unnamed), the ARGs it declares
        self.finals: dict = {}
        self.args: dict = {}
        self.pins: dict = {}  # display path of a Dockerfile -> how its final stage pins the platform
        self.target_stages: dict = {}  # display path of a Dockerfile -> lines of its stages built for the target
        self.go_arm: dict = {}  # display path of a Dockerfile -> its Go compiles blind to the ARM version (XF008)
        self.builder_runs: set = set()  # Dockerfiles whose every RUN runs on the build machine
        self.tag_releases: set = set()  # display paths of workflows run only for a release (tags pushed)
        self.addon_builder = False  # a workflow runs Home Assistant's add-on builder (ha_addon.py)
        self.defaulted_latest: set = set()  # names a build tags latest through an overridable default
        self.cloned: set = set()  # folders a git clone of the repository's files makes
        self.make_named: set = set()  # variant Makefiles some file names ("*": one with a variable)
        self.test_inputs: set = set()  # display paths of the files a test suite names (gator's Suite)
        self._aliases: list = []
        self._members: list = []  # (member, manifest list): linked to the list's deployments, not to each other (XF004)
        self._overrides: list = []  # (display path of a Kustomization, its images: entry)
        self.patches = Patches()  # Kustomizations and their patches' container slots
        self._pending: list = []  # (build, fact, folder) whose Dockerfile is found at link()
        self._make_calls: list = []  # (display path and folder of a file, its "makes" fact)
        self.make_links: list = []  # (display path of a file running make -f, of the Makefile it runs)
        self.include_links: list = []  # (display path of a Makefile, of one it includes): a dependency
        self.runs_in: dict = {}  # absolute path of a Makefile -> other folders make runs it in (make -f)
        #: display path of a Bake or compose file -> (platforms a bake command sets, it pushes, where)
        self.baked: dict = {}
        self._by_dockerfile: dict[str, list[Build]] = {}
        self._deploys_by_file: dict | None = None  # display path -> its deployments (entry_unused)
        self._included_images: dict = {}  # Kustomization -> the images it includes (entry_unused)
        self.unread: set = set()  # display paths of manifests with an image not read as a deployment
        # names -> the builds making them: exact names, then names with a * in the tag by their
        # repository, by the last part of a repository with a * elsewhere, and the rest
        self._exact: dict = {}
        self._by_repo: dict[str, dict] = {}
        self._by_last: dict[str, dict] = {}
        self._wild: dict = {}
        self._names = UnionFind()
        self._deploys_by_build: dict | None = None
        self._by_file: dict | None = None
        self._bases_by_file: dict | None = None
        self._images_by_file: dict | None = None
        self._entries: dict | None = None  # (path, line) -> images: entries there
        self._owners: set | None = None  # namespaces of the latest images a release sed rewrites
        self._entries_by_path: dict = {}  # path -> its images: entries
        self._namespaces: dict | None = None  # namespace -> tags of builds named ns/$(NAME):tag

    # ---- building -------------------------------------------------------------------------

    def add(self, display: str, abspath: str, kind: str | None, facts: dict | None) -> None:
        if not facts:
            return
        if kind:
            self.kinds[display] = kind
        if facts.get("unread"):
            self.unread.add(display)
        folder = os.path.dirname(abspath)
        for f in facts.get("builds", ()):
            b = Build(display, f)
            self._pending.append((b, f, folder))
            self.builds.append(b)
        mk = facts.get("makes")
        if mk:
            self._make_calls.append((display, folder, mk))
        if facts.get("includes"):  # an included Makefile's recipes run in this one's folder
            self._make_calls.append((display, folder, {"files": facts["includes"], "bases": ["file"], "include": 1}))
        for f in facts.get("deploys", ()):
            d = Deploy(display, f)
            if d.name is not None:
                self.deploys.append(d)
        for f in facts.get("froms", ()):
            base = Base(display, f)
            if base.name is not None:
                self.bases.append(base)
        for a in facts.get("aliases", ()):
            s, d = normal(a["src"]), normal(a["dst"])
            if _linkable(s) and _linkable(d):  # (a manifest list's member: a name of the list, not of its other members)
                (self._members if a.get("list") is True else self._aliases).append((s, d))
        for bk in facts.get("bakes", ()):
            self._bake(display, folder, bk)
        for o in facts.get("overrides", ()):
            self._overrides.append((display, o))
        self.patches.add(display, facts)
        self._pushed.update(n for n in map(normal, facts.get("pushed", ())) if n is not None)
        self._sent_repos.update(n[0] for n in map(normal, facts.get("sent", ())) if n is not None)  # (make_chains)
        for r in facts.get("retags", ()):
            self.retags.add(r)
        if "final" in facts:
            self.finals[display] = facts["final"]
        if "args" in facts:
            self.args[display] = frozenset(facts["args"])
        if "pin" in facts:
            self.pins[display] = facts["pin"]
        if "target_stages" in facts:
            self.target_stages[display] = facts["target_stages"]
        if facts.get("go_arm"):
            self.go_arm[display] = facts["go_arm"]
        if facts.get("tag_release"):
            self.tag_releases.add(display)
        if facts.get("builder_runs"):
            self.builder_runs.add(display)
        self.addon_builder = self.addon_builder or facts.get("addon_builder") is True
        self.defaulted_latest.update(n for n in map(normal, facts.get("defaulted", ())) if n is not None)
        self.cloned.update(facts.get("cloned", ()))
        self.make_named.update(facts.get("make_named", ()))
        self.test_inputs.update(self._display(os.path.normpath(os.path.join(folder, rel)))
                                for rel in facts.get("test_inputs", ()) if not os.path.isabs(rel))

    def _bake(self, display: str, folder: str, fact: dict) -> None:
        """A ``docker buildx bake`` command: the files it builds, found where it runs."""
        for rel in fact["files"]:
            if "*" in rel or os.path.isabs(rel):
                continue
            for top in self._tops(folder, fact["bases"]):
                cand = os.path.normpath(os.path.join(top, rel))
                if cand in self.known or os.path.isfile(cand):
                    self.baked.setdefault(self._display(cand), []).append(
                        (fact["platforms"], fact["push"], f"{display}:{fact['span'][0]}"))
                    break

    def _tops(self, folder: str, bases) -> list:
        """The folders a command of a file in ``folder`` may run in (see ``facts``: bases)."""
        root = self.root
        tops: list = []
        for base in bases:
            if base == "up":
                d = folder
                while d == root or d.startswith(root.rstrip(os.sep) + os.sep):
                    if d not in tops:
                        tops.append(d)
                    if d == root:
                        break
                    d = os.path.dirname(d)
            elif base == "github":
                at = (folder + os.sep).rfind(os.sep + ".github" + os.sep)
                tops.append(folder[:at] if at >= 0 else root)
            elif base in ("file", "repo"):
                tops.append(folder if base == "file" else root)
            elif base.startswith("in:"):  # in:DIR:BASE: DIR below each folder of BASE
                sub, _, inner = base[3:].rpartition(":")
                for t in self._tops(folder, [inner]):
                    d = os.path.normpath(os.path.join(t, sub))
                    if (d == root or d.startswith(root.rstrip(os.sep) + os.sep)) and d not in tops \
                            and os.path.isdir(d):  # a folder the recipe makes first is not known here
                        tops.append(d)
        return tops

    def baked_platforms(self, display: str) -> tuple[list | None, str] | None:
        """(platforms, where) when every bake command that builds the file at ``display`` sets
        platforms for it (None: a variable), else None."""
        runs = self.baked.get(display)
        if not runs or any(p == [] for p, _push, _w in runs):
            return None
        plats = runs[0][0]
        if any(p != plats for p, _push, _w in runs):
            plats = None
        return plats, runs[0][2]

    def _display(self, path: str) -> str:
        inside = self.root.rstrip(os.sep) + os.sep
        if path.startswith(inside):  # the common case, without relpath's normalisation
            return path[len(inside):].replace(os.sep, "/")
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def _resolve_make_calls(self) -> None:
        """``make -f deploy/Makefile`` in a file: that Makefile's recipes also run in the
        caller's working folders."""
        for display, folder, mk in self._make_calls:
            tops = self._tops(folder, mk["bases"])
            for rel in mk["files"]:
                for top in tops:
                    cand = os.path.normpath(os.path.join(top, rel))
                    if cand in self.known:
                        (self.include_links if mk.get("include") else self.make_links).append(
                            (display, self._display(cand)))
                        self.runs_in.setdefault(cand, []).extend(t for t in tops if t not in self.runs_in.get(cand, ()))
                        break

    def _exists(self, path: str) -> bool:
        """Whether a file the run did not read exists (each path asked once; recorded as a
        probe for the snapshot)."""
        hit = self._stat.get(path)
        if hit is None:
            hit = self._stat[path] = os.path.isfile(path)
            self.probes.append(path)
        return hit

    def _apply_overrides(self) -> None:
        """A Kustomization's ``images:`` entry deploys the containers of that name (whatever
        their tag) as another image, on the nodes their pod specs select: each becomes a
        deployment at the entry (one per distinct node selection)."""
        if not self._overrides:
            return
        by_repo: dict = {}  # repository: {node architectures (None: any): the first deployment's source}
        for d in self.deploys:
            by_repo.setdefault(d.name[0], {}).setdefault(tuple(d.arch) if d.arch else None, d.source)
        for path, o in self._overrides:
            n = normal(o["name"])
            if n is None:
                continue
            for a, source in by_repo.get(n[0], {}).items():
                nd = Deploy(path, {"span": o["span"], "image": o["image"], "arch": list(a) if a else None,
                                   "from": source, "via": "Kustomization"})
                if nd.name is not None:
                    self.deploys.append(nd)

    def _apply_bakes(self) -> None:
        """A compose service or Bake target built by ``docker buildx bake --set *.platform=...``
        gets those platforms (and the bake's push) when it sets none itself."""
        for b in self.builds:
            if b.platforms != [] or not b.tool.startswith(("compose build", "bake target")):
                continue
            runs = self.baked.get(b.path)
            hit = self.baked_platforms(b.path)
            if hit is not None:
                b.platforms = hit[0]
                b.push = b.push or any(push for _p, push, _w in runs)

    def _apply_pins(self) -> None:
        """A build without ``--platform`` of a Dockerfile whose final stage pins its platform
        (``dockerfile_facts._final_pin``) builds for that platform, not for its machine's CPU:
        the constant (``FROM --platform=linux/amd64``, or ``linux/${ARCH}`` with ``ARG
        ARCH=amd64``), or the one its ``--build-arg`` for the ARG sets (fleet's ``build-args:
        ARCH=${{ env.GOARCH }}`` with ``FROM --platform=linux/${ARCH}``: known to be set, its value
        not known here).  A build that sets an ARG choosing the stages on the way may take another."""
        for b in self.builds:
            pin = self.pins.get(b.dockerfile) if b.dockerfile else None
            if not pin or b.platforms != [] or b.args & set(pin["chain"]) or b.stage == "*" \
                    or not self.builds_final_stage(b):
                continue
            if b.args & set(pin["args"]):  # set by the build: to the machine's own CPU, if not known
                if not b.dynamic_args & set(pin["args"]):
                    b.platforms, b.pinned = None, True
            elif pin["platform"] or pin.get("files"):  # (only files copied in: their CPU, not known here)
                b.platforms, b.pinned = [pin["platform"]] if pin["platform"] else None, True

    def link(self) -> "Project":
        """Index every build by the Dockerfile it builds and by every name of its image."""
        # the same order whatever order the files came in (a run given part of the repository,
        # the language server): messages that name "the first" build or deployment agree
        self.builds.sort(key=lambda b: (b.path, b.span))
        self._pending.sort(key=lambda p: (p[0].path, p[0].span))
        self.deploys.sort(key=lambda d: (d.path, d.span))
        self.bases.sort(key=lambda x: (x.path, x.span))
        self._resolve_make_calls()
        for b, f, folder in self._pending:
            locate(self, b, f, folder)
            b.unreached = "*" not in self.make_named and self.kinds.get(b.path) == "makefile" \
                and makefile_variant(b.path) and os.path.basename(b.path).removeprefix("GNU") not in self.make_named
        self._pending = []
        self.builds = self.patches.called(self.builds)  # (before the pins and the index)
        self._apply_bakes()
        self._apply_pins()
        self._apply_overrides()
        names = self._names
        for s, d in self._aliases + self._members:
            names.union(s, d)
        members: dict = {}
        for n in set(names.parent) | set(names.parent.values()):
            members.setdefault(names.find(n), []).append(n)
        for b in self.builds:
            if b.dockerfile:
                self._by_dockerfile.setdefault(b.dockerfile, []).append(b)
            seen = set()
            for t in b.tags:
                if not _linkable(t):
                    continue
                for n in members.get(names.find(t), [t]):
                    if n not in seen:
                        seen.add(n)
            b.names = list(dict.fromkeys(b.tags + sorted(seen)))
            if not b.push and any(self._is_pushed(n) for n in b.names):
                b.push = True
            for n in b.names:
                self._index(b, n)
        return self

    def known_aliases(self):
        """name -> the names ``docker tag`` (and the like) gives it, linked only through names
        known whole: a variable part (``kube-ovn:$(RELEASE_TAG)``) may be any tag, and would link
        kube-ovn's ``:dev`` build to its release's as ``names`` does (XF004)."""
        uf = UnionFind()
        for a, b in self._aliases:
            if "*" not in a[0] + a[1] and "*" not in b[0] + b[1]:
                uf.union(a, b)
        members: dict = {}
        for n in uf.parent:
            members.setdefault(uf.find(n), []).append(n)
        return lambda t: members.get(uf.find(t), [t]) if t in uf.parent else [t]

    def repository_pushed(self, n) -> bool:
        """Whether a push command of the repository sends any tag of image name ``n``'s repository
        (``docker push --all-tags strimzi/buildah``, ``push app:$(TAG)``; ``_is_pushed`` asks for
        the tag)."""
        return n[0] in self._pushed_by_repository() or n[0] in self._sent_repos

    def _pushed_by_repository(self) -> dict:
        """repository -> the tags pushed of it, built once."""
        if self._pushed_tags is None:
            self._pushed_tags = {}
            for r, t in self._pushed:
                self._pushed_tags.setdefault(r, []).append(t)
        return self._pushed_tags

    def _is_pushed(self, n) -> bool:
        """Whether a push command of the repository sends image name ``n``: the same name, or, for
        a build whose tag is unknown, one of its tags (``docker build -t app:$TAG`` and ``docker
        push app:1.0``); an unknown repository links nothing, and a push of an unknown tag does
        not send a build's known one (skaffold's ``build_deps:latest`` beside a push of
        ``build_deps:$(DEPS_DIGEST)``). Pushed names are looked up by
        repository, so the work is the names of that repository."""
        if n in self._pushed:
            return True
        if "*" in n[0] or "*" not in n[1]:
            return False  # an unknown repository links nothing; a known tag is pushed as itself
        return any(glob(n[1], t) for t in self._pushed_by_repository().get(n[0], ()))

    def _index(self, b: Build, n) -> None:
        repo, tag = n
        if "*" not in repo:
            if "*" not in tag:
                if n not in self._exact:
                    self._exact_names.setdefault(repo, []).append(n)
                self._exact.setdefault(n, []).append(b)
            else:
                self._by_repo.setdefault(repo, {}).setdefault(n, []).append(b)
            return
        last = repo.rsplit("/", 1)[-1]
        if "*" not in last:
            self._by_last.setdefault(last, {}).setdefault(n, []).append(b)
        else:
            self._wild.setdefault(n, []).append(b)

    # ---- questions ----------------------------------------------------------------------------

    def builds_in(self, path: str, line: int | None) -> list[Build]:
        """The builds of file ``path`` whose command spans ``line`` (None: every one, in order)."""
        if self._by_file is None:
            self._by_file = {}
            for b in self.builds:
                self._by_file.setdefault(b.path, []).append(b)
        if line is None:
            return list(self._by_file.get(path, ()))
        return [b for b in self._by_file.get(path, ()) if b.span.line <= line <= b.span.end_line]

    def builds_namespace_of(self, name) -> bool:
        """Whether a build of the repository tags ``ns/<unknown>:tag`` for the namespace and tag of
        ``name`` (strimzi's shared ``Makefile.docker``: ``-t strimzi/$(PROJECT_NAME):latest``,
        ``PROJECT_NAME`` set by each including Makefile): an image of the repository's own
        namespace that a build of it may well make.  Not linked like a name (which of the
        namespace's images it makes is unknown); a namespace that is itself unknown
        (``$(REGISTRY)/$(NAME)``) or a registry host alone counts for nothing."""
        if name is None:
            return False
        if self._namespaces is None:
            self._namespaces = {}
            for b in self.builds:
                for t in b.unknown_tags:
                    ns, _, last = t.rpartition("/")
                    part, _, tag = last.partition(":")
                    if part != "*" or not ns or "*" in ns or "$" in ns:
                        continue
                    n = normal(f"{ns}/x:{tag or 'latest'}")  # the namespace as the tools resolve it
                    space = n[0].rpartition("/")[0] if n is not None else ""
                    if "/" in space and space != "docker.io/library":
                        # not a registry host alone, nor Docker Hub's official images
                        self._namespaces.setdefault(space, set()).add(n[1])
        repo, tag = name
        tags = self._namespaces.get(repo.rpartition("/")[0])
        return bool(tags) and any(glob(t, tag) for t in tags)

    def bases_in(self, path: str, line: int) -> list[Base]:
        """The base images of file ``path`` at ``line``."""
        if self._bases_by_file is None:
            self._bases_by_file = {}
            for x in self.bases:
                self._bases_by_file.setdefault(x.path, []).append(x)
        return [x for x in self._bases_by_file.get(path, ()) if x.span.line <= line <= x.span.end_line]

    def may_report(self) -> bool:
        """Whether any project rule could find something: a deployment linked to a build, a
        Dockerfile that is missing, an image built in two places, a base image built here, or,
        with a platform lock, one of a Dockerfile something builds."""
        if any(b.missing for b in self.builds) or self.go_arm:
            return True
        counts: dict = {}
        for b in self.builds:
            for n in b.names:
                counts[n] = counts.get(n, 0) + 1
                if counts[n] > 1:
                    return True
        if any(self.builds_of(d.name) for d in self.deploys) or any(self.builds_of(b.name) for b in self.bases):
            return True
        from ..lock import LOCK_NAME  # the base images the platform lock knows (XF007)

        return os.path.isfile(os.path.join(self.root, LOCK_NAME)) and any(
            self.builds_of_dockerfile(b.path) for b in self.bases)

    def images_at(self, path: str, line: int) -> list[str]:
        """The images deployed (or set by a Kustomization's ``images:`` entry) on ``line`` of
        ``path``."""
        if self._images_by_file is None:
            self._images_by_file = {}
            for d in self.deploys:
                self._images_by_file.setdefault((d.path, d.span.line), []).append(d.image)
            self._overrides_at(path, None)  # builds the entries' index
            for (p, ln), os_ in self._entries.items():
                self._images_by_file.setdefault((p, ln), []).extend(o["image"] for o in os_)
        return self._images_by_file.get((path, line), [])

    def _overrides_at(self, key, default):
        """A Kustomization's images: entries by (path, line), or by path (``key`` a string);
        indexed once."""
        if self._entries is None:
            self._entries, self._entries_by_path = {}, {}
            for p, o in self._overrides:
                self._entries.setdefault((p, o["span"][0]), []).append(o)
                self._entries_by_path.setdefault(p, []).append(o)
        return (self._entries if isinstance(key, tuple) else self._entries_by_path).get(key, default)

    def rewrite_owners(self) -> set:
        """The namespaces (``docker.io/kserve``) that most of the ``:latest`` images in the files a
        release ``sed`` rewrites belong to, counted as distinct repositories, at least two of
        them: the repository's own images, whose latest is a placeholder for the release's
        version.  Empty when no namespace stands out (so every such image may be the
        repository's own).  Worked out once, each file asked once."""
        if self._owners is None:
            from collections import Counter

            pairs = [(d.path, d.image) for d in self.deploys] + [(p, o["image"]) for p, o in self._overrides]
            rewritten = {p: self.patches.latest_rewritten(p) for p in {p for p, _im in pairs}}
            repos = {n[0] for n in (normal(im) for p, im in pairs if rewritten[p])
                     if n is not None and n[1] == "latest" and "/" in n[0]}
            seen = Counter(r.rsplit("/", 1)[0] for r in repos)
            top = max(seen.values(), default=0)
            self._owners = {ns for ns, k in seen.items() if k == top} if top >= 2 else set()
        return self._owners

    def entries_at(self, path: str, line: int) -> list[str]:
        """The names a Kustomization's ``images:`` entries on ``line`` of ``path`` match (its
        ``name``: ``controller``, whose ``newName`` is the real repository)."""
        return [o["name"] for o in self._overrides_at((path, line), ())]

    def entry_unused(self, path: str, line: int) -> bool:
        """Whether the Kustomization ``path``'s ``images:`` entries on ``line`` match no image of
        what it includes (its resources and patches, through their Kustomizations, every one
        read): kustomize changes nothing with them (kubernaut's ``kubernaut-webhooks`` entry
        beside a Deployment of ``kubernaut-authwebhook``).  Anything unknown on the way (a
        remote or unread resource, a generator, an image archlint does not read): False."""
        names = [n[0] for n in (normal(o["name"]) for o in self._overrides_at((path, line), ())) if n is not None]
        if not names or path not in self.patches.kustomizations:
            return False
        included = self._included_images.get(path)
        if included is None:
            included = self._included_images[path] = self._images_included(path)
        if included is _UNKNOWN_IMAGES:
            return False
        exact, patterns = included
        return not any(n in exact or any(glob(pt, n) for pt in patterns) for n in names)

    def _images_included(self, path: str):
        """(exact repositories, repositories with a *) of the images the Kustomization ``path``
        includes, at any depth; ``_UNKNOWN_IMAGES`` when something on the way is not known (a
        remote or unread resource, a generator, an image archlint does not read, a patch that
        is no manifest).  Worked out once per Kustomization."""
        patches = self.patches
        if self._deploys_by_file is None:
            self._deploys_by_file = {}
            for d in self.deploys:
                if d.via != "Kustomization":
                    self._deploys_by_file.setdefault(d.path, []).append(d)
        exact: set = set()
        patterns: list = []
        todo, seen = [path], {path}
        while todo:
            k = todo.pop()
            resources, patch_files = patches.kustomizations[k]
            for r in list(resources) + list(patch_files):
                found = patches._included(r) or (
                    [r] if r in self.kinds or os.path.join(self.root, r) in self.known else [])
                if not found:
                    return _UNKNOWN_IMAGES  # remote, missing or not read
                for p in found:
                    if p in seen:
                        continue
                    seen.add(p)
                    if len(seen) > MAX_WALK:
                        return _UNKNOWN_IMAGES
                    if p in patches.kustomizations:
                        todo.append(p)
                        continue
                    if p in self.unread or r in patch_files and p not in patches.slots and p not in patches.imageless:
                        return _UNKNOWN_IMAGES  # an image not read here, or a patch that is no manifest
                    for d in self._deploys_by_file.get(p, ()):
                        if d.name is not None:
                            (patterns.append(d.name[0]) if "*" in d.name[0] else exact.add(d.name[0]))
        if len(patterns) > 256:
            return _UNKNOWN_IMAGES  # (each entry is matched against every pattern)
        return exact, patterns

    def generated_retagged(self, path: str, names: set) -> bool:
        """Whether ``path`` is written by ``kustomize build`` of a folder including a
        Kustomization whose ``images:`` entry for one of ``names`` (repositories) a command of
        the repository sets (argocd-image-updater's ``config/install.yaml``, built after ``edit
        set image``): the release writes the tag."""
        if not self.retags or not names or path not in self.patches.generated:
            return False
        return any((normal(o["image"]) or ("",))[0] in names and (self.retagged(o["name"]) or self.retagged(o["image"]))
                   for k in self.patches.built_from(path) for o in self._overrides_at(k, ()))

    def retagged(self, image: str) -> bool:
        """Whether a command of the repository sets the tag of ``image`` (``kustomize edit set
        image NAME=...`` of its repository), or sets one for a name not known here and the
        repository builds ``image`` itself: the tag written in the files is a placeholder."""
        n = normal(image)
        if n is None or not self.retags:
            return False
        for r in self.retags:
            if r == WILD:
                if self.builds_of(n):
                    return True
                continue
            rn = normal(r)
            if rn is not None and glob(rn[0], n[0]):
                return True
        return False

    def built_paths(self) -> set:
        """The repositories the repository builds, without their registry (one project's image
        on several registries is one path), worked out once."""
        if self._built_paths is None:
            self._built_paths = {n[0].split("/", 1)[-1] for b in self.builds for n in b.names}
        return self._built_paths

    def builds_of_dockerfile(self, display: str) -> list[Build]:
        return self._by_dockerfile.get(display, [])

    def builds_final_stage(self, build: Build) -> bool:
        """Whether ``build`` builds its Dockerfile's final stage: no ``--target``, or one naming
        that stage (stage names are case-insensitive); a target in a Dockerfile whose stages are
        not known may be it, and so may a target archlint cannot read (``--target $*`` in a
        pattern rule, ``--target $TARGET`` of a matrix: ``*``)."""
        if build.stage is None or build.stage == "*":
            return True
        final = self.finals.get(build.dockerfile)
        return final is None or build.stage.lower() == final

    def builds_of(self, name) -> list[Build]:
        """The builds producing an image named ``name`` (normalised), each once, in path order.
        Names that match the same builds get the same list object (callers must not change
        it): a thousand deployments of ``api:1`` ... ``api:1000`` built by one ``api:$(TAG)``
        share one answer, and a rule may remember what it worked out for it by its ``id``."""
        if name is None:
            return []
        hit = self._builds_of.get(name)
        if hit is not None:
            return hit
        out = self._builds_of[name] = self._find_builds(name)
        return out

    def _find_builds(self, name) -> list[Build]:
        """Looked up by name, not build by build: the work is the number of distinct names that
        may match (a thousand builds tagged ``api:$(VERSION)`` are one name)."""
        repo, tag = name
        if "*" in repo:
            return []  # an unknown repository links nothing
        groups = []
        if "*" not in tag:
            groups.append(self._exact.get(name, ()))
        else:  # a tag unknown here (a digest-only reference): every exact name of the repository
            groups.extend(self._exact[n] for n in self._exact_names.get(repo, ()) if glob(tag, n[1]))
        for table in (self._by_repo.get(repo), self._by_last.get(repo.rsplit("/", 1)[-1]), self._wild):
            for n, bs in (table or {}).items():
                if _names_match(n, name):
                    groups.append(bs)
        key = tuple(id(bs) for bs in groups if bs)
        hit = self._by_groups.get(key)
        if hit is not None:  # another name matching the same builds: the same (shared) list
            return hit
        out, seen = [], set()
        for bs in groups:
            for b in bs:
                if id(b) not in seen:
                    seen.add(id(b))
                    out.append(b)
        out.sort(key=lambda b: (b.path, b.span))
        self._by_groups[key] = out
        return out

    def deploys_of(self, build: Build) -> list[Deploy]:
        """The deployments whose image ``build`` produces (not argo-cd's ``manifests/dev-tilt``,
        where a Tiltfile deploys its own build of the image)."""
        if self._deploys_by_build is None:
            by: dict = {}
            for d in self.deploys:
                for b in () if self.patches.tilt and self.patches.built_by_tilt(d.path, [d.image]) \
                        else self.builds_of(d.name):
                    by.setdefault(id(b), []).append(d)
            self._deploys_by_build = by
        return self._deploys_by_build.get(id(build), [])


def build_project(root: str, entries, known: set | None = None) -> Project:
    """The linked model of ``entries``: (display path, absolute path, kind, facts) per file.
    ``known``: the absolute paths of every file of the repository, when ``entries`` are a part."""
    p = Project(root)
    p.known = known if known is not None else {abspath for _d, abspath, _k, _f in entries}
    for display, abspath, kind, facts in entries:
        p.add(display, abspath, kind, facts)
    return p.link()
