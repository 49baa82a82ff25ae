"""Local builds: which container builds of a file stay on the machine that runs them.

A build whose image is used where it was built (a ``docker run`` of it in the same Makefile
target, script or run step, a ``kind load docker-image``) and never pushed from there runs on the
CPU it was built on: no platform can be wrong.  So does one built in a CI workflow job that never
pushes it, never logs in to a registry and never saves or uploads images: the job's machine is
discarded with the image.  The build-command rules ask ``local_use(ctx)``
before reporting a build, a tag or a push that never reaches a registry or a remote cluster, and
``deleted_later`` before reporting the image of a ``kubectl run`` pod the file deletes after it.
"""
from __future__ import annotations

import bisect
import re

from ... import exports
from ...commands import KUBE_KINDS, ToolCommand, commands_for
from ...images import is_placeholder, local_registry, readers_own, split_ref, strip_transport
from ...snippet import in_document as _in_document

def last_part(ref: str) -> str:
    """The last path component of a reference as written, its name and tag: a ``/`` inside a
    substitution (``app:$(git tag --points-at HEAD | sed 's/^v*//')``: watchtower's release) or
    a variable's braces does not split it.  One pass over the text."""
    if "$" not in ref and "`" not in ref:
        return ref.rsplit("/", 1)[-1]
    depth, quoted, cut = 0, False, -1
    for i, c in enumerate(ref):
        if c == "`":
            quoted = not quoted
        elif c in "({" and i and ref[i - 1] == "$" or c == "(" and depth:
            depth += 1
        elif c in ")}" and depth:
            depth -= 1
        elif c == "/" and not depth and not quoted:
            cut = i
    return ref[cut + 1:]


def normal_ref(ref: str) -> str:
    """A reference as the tools resolve a missing tag (``app`` -> ``app:latest``)."""
    last = last_part(ref)
    return ref if ":" in last or "@" in ref else ref + ":latest"


def build_pushes(tc: ToolCommand) -> bool:
    """A build that sends its image to a registry itself (``--push``, ``--output
    type=registry``, ``type=image,push=true``)."""
    for f in tc.flags:
        if f.name == "--push" and (f.value is None or f.value.lower() in ("true", "1")):
            return True
        if f.name in ("-o", "--output") and f.value and exports.pushes(exports.attrs(f.value)):
            return True
    return False


#: flags that hand a build's image on by ID (``--iidfile f`` then ``docker tag $(cat f) ...``)
_ID_FLAGS = ("--iidfile", "-q", "--quiet", "--metadata-file")


def names_no_image(tc: ToolCommand) -> bool:
    """A build that gives its image no name anything can push or deploy: no ``-t``/``--tag``
    (or only placeholders no registry accepts, ``-t TAG``), no podman ``--manifest``, no push by
    an exporter, and no ID handed on (``--iidfile``, ``-q``).  Its result stays in the local
    image store or build cache (``docker build .``, ``docker buildx build -o out .``), so its
    platform is the machine's own: reference documentation shows builds like that by the dozen."""
    if tc.action != "build" or tc.has("--manifest", *_ID_FLAGS):
        return False
    if any(f.name in ("-o", "--output") and f.value and "name=" in f.value for f in tc.flags):
        return False
    return all(not im.dynamic and is_placeholder(im.value) for im in tc.images)


class LocalUse:
    """Which builds and image names of a file stay on the machine that runs them.  Commands are
    judged with the others of their group (a Makefile, a script, a workflow job, a runbook):
    an image built there and used there (``docker run``, ``docker create``, ``kind load
    docker-image``, ``minikube image load``, ``k3d image import``), and never pushed from there
    (``docker tag`` links names), is a local image; so is one tagged for a registry on
    ``localhost``, and one known only by its ID (``--iidfile``, ``-q``) where nothing tags or
    pushes an image.  A build whose every name another build of the group pushes itself (``--push``)
    is a local twin of that build: what reaches the registry is the other build's result.  A
    Markdown document's build that the document never pushes is the reader's local build."""

    __slots__ = ("builds", "names", "pushed", "sent", "bound")

    def __init__(self):
        self.builds: set[int] = set()  # id() of the local builds
        self.sent: set[int] = set()  # id() of the builds whose image the group sends to a registry
        self.bound: set = set()  # (line, column) of push arguments sending a prerequisite's build (make_chains)
        self.names: dict[int, set[str]] = {}  # group -> normalised local image names
        self.pushed: dict[int, set[str]] = {}  # group -> roots of the names pushed there

    def build(self, tc: ToolCommand) -> bool:
        return id(tc) in self.builds

    def sends(self, tc: ToolCommand) -> bool:
        """Whether the build's image leaves the machine from its group: the build pushes it
        itself, or the group pushes one of its names (``docker tag`` links them), an unresolved
        name as written included (``docker build -t "$IMAGE" .`` then ``docker push "$IMAGE"``);
        a build known by its ID alone, in a group that pushes an image."""
        return id(tc) in self.sent

    def name(self, tc: ToolCommand, ref: str) -> bool:
        return local_registry(ref) or normal_ref(ref) in self.names.get(group_of(tc), ())


#: a command reading an image's digest from its registry after a push, to pin its consumers by
#: it (tilt's build-tilt-ci.sh: ``docker inspect --format '{{.RepoDigests}}' tiltdev/tilt-ci``)
_DIGEST_READ = re.compile(r"RepoDigests|imagetools\s+inspect|crane\s+digest|skopeo\s+inspect")
_WORD_SPLIT = re.compile(r"[\s\"'()|;&]+")


def digest_read(ctx, tc: ToolCommand, words) -> bool:
    """Whether a line after ``tc`` in its snippet, not a comment, reads the digest of an image
    one of ``words`` (its name, the word that gives it: ``"$IMAGE_NAME"``) names, tag, quotes,
    braces and ``docker://`` aside: its latest is only the name it is pushed under.  The words
    of each snippet's such lines are gathered once, with the offset of their line."""
    snip = tc.command.snippet
    found = ctx.cached("bc006.digest_reads", dict)
    seen = found.get(id(snip))
    if seen is None:
        text = snip.text
        seen = found[id(snip)] = {}
        offset = 0
        for line in text.split("\n") if _DIGEST_READ.search(text) else ():
            if _DIGEST_READ.search(line) and not line.lstrip().startswith("#"):
                for w in _WORD_SPLIT.split(line):
                    seen[_bare(w)] = offset  # (the last line that names it)
            offset += len(line) + 1
    return any(seen.get(_bare(w), -1) > tc.command.start for w in words if w)


def _bare(word: str) -> str:
    """An image word without quotes, braces, transport and tag: what a digest read names."""
    w = word.replace('"', "").replace("'", "").replace("{", "").replace("}", "")
    if "$" in w:  # ($IMAGE:latest: the variable is the name)
        return strip_transport(w).partition(":")[0]
    ref = split_ref(w)
    return ref[0] if ref else w


#: the group of every recipe of a Makefile (ids of objects are never negative)
_MAKEFILE = -1


def group_of(tc: ToolCommand) -> int:
    """Which commands run on one machine, one after another: a whole Makefile (its targets run
    where make runs: one builds an image, another runs or pushes it), a script, a workflow job,
    a Markdown runbook; else the snippet alone (a Dockerfile ``RUN``)."""
    snip = tc.command.snippet
    if snip.context == "recipe":
        return _MAKEFILE
    g = getattr(snip, "group", None)
    return id(snip) if g is None else id(g)



#: a shell pointed at a cluster node's own engine: ``eval $(minikube docker-env)`` (``-p NAME``,
#: ``podman-env``); its options after the word (``-u``/``--unset`` points it back), bounded
_NODE_ENGINE = re.compile(r"\beval[ \t]+[\"']?\$\([ \t]*minikube[ \t][^)\n]{0,200}?\b(?:docker|podman)-env\b([^)\n]{0,200})\)")
_UNSET = re.compile(r"(?:^|[ \t])(?:-u|--unset)(?![\w-])")


def on_node(tc: ToolCommand, marks: dict):
    """Where the command runs after, in its own snippet, an ``eval $(minikube docker-env)`` that
    points the shell's engine at the cluster node's (kafka-docker-playground's minikube notes):
    (snippet, which eval) — what it builds is built on the node, for the node's CPU, and runs
    there; None elsewhere.  ``marks`` keeps each snippet's evals (their ends, and whether each
    points the shell there or back), found in one pass over the snippet."""
    snip = tc.command.snippet
    got = marks.get(id(snip))
    if got is None:
        text = snip.text
        got = marks[id(snip)] = ([], []) if "minikube" not in text or "-env" not in text else (
            [m.end() for m in _NODE_ENGINE.finditer(text)],
            [_UNSET.search(m.group(1)) is None for m in _NODE_ENGINE.finditer(text)])
    k = bisect.bisect_right(got[0], tc.command.start) - 1
    return (id(snip), k) if k >= 0 and got[1][k] else None


def discarded(tc: ToolCommand) -> bool:
    """Whether the command runs on a machine thrown away afterwards: a CI workflow job that never
    logs in to a registry nor saves or uploads images (``yamldoc`` marks its group
    ``("job", position, keeps_images, runner_chosen, runner platform)``)."""
    g = getattr(tc.command.snippet, "group", None)
    return type(g) is tuple and len(g) == 5 and g[0] == "job" and not g[2]


def in_document(tc: ToolCommand) -> bool:
    """Whether the command is in a Markdown document (``snippet.in_document``): a build there
    that the document never pushes is the reader's, on the reader's machine (a tool's reference
    pages, a tutorial, an issue-reporting guide); a release runbook pushes what it builds."""
    return _in_document(tc.command.snippet)


def _placeholder(part: str) -> str:
    """What a namespace written as a placeholder names (``<YOUR_REGISTRY>``, ``{username}``:
    ``your_registry``, ``username``; a variable only where its name addresses the reader,
    ``$YOUR_DOCKER_REPO``, ``$(YOUR_REGISTRY)``); "x" for anything else."""
    if part[:1] in ("<", "{"):
        name = part.strip("<>{}").lower()
        # (an instruction to the reader: scheduler-plugins' <replace_with_image_registry>)
        return "your_" + name if name.startswith(("replace", "insert", "enter", "put_", "put-")) else name
    if part[:1] == "$":
        name = part.lstrip("$").strip("{}()").lower()
        return name if name.startswith(("your", "my")) else "x"
    return "x"


def readers_name(ref: str) -> bool:
    """An image name that is the reader's: a namespace addressing the reader (``mycompany/app``,
    ``docker_user_name/x``: ``images.readers_own``), also as a placeholder (``<YOUR_REGISTRY>/x``,
    ``{username}/x``, ``<replace_with_image_registry>/x``, a variable named for the reader:
    ``$YOUR_DOCKER_REPO/x``; not ``<registry>/x``,
    ``{REGISTRY}/x``, ``$REGISTRY/x`` or ``$DOCKERHUB_USERNAME/x``: the team's, filled in)."""
    if readers_own(ref) or ref[:1] == "<" and ref[-1:] == ">" and ">" not in ref[:-1]:
        return True  # (or a whole name the reader fills in: ``docker push <new image tag>``)
    parts = ref.split("@", 1)[0].split("/")
    parts = [_placeholder(p) for p in parts[:-1]] + parts[-1:]
    return len(parts) > 1 and readers_own("/".join(parts)) and all(parts[:-1])


def readers_build(ctx, tc) -> bool:
    """A build in a Markdown document whose document pushes only names that are the reader's
    (argo-cd's ``docker build -t mycompany/guestbook:v2.0 .`` then its push; external-dns'
    ``<YOUR_REGISTRY>/myra-webhook``; a one-part ``myapp:1.0.0``): the reader builds for the cluster they run, which archlint
    cannot know.  A runbook pushing the team's own registry (``quay.io/kubernaut/...``) is judged."""
    if not in_document(tc):
        return False

    def compute() -> dict:
        pushed: dict = {}  # group -> whether every name its pushes send is the reader's
        for c in commands_for(ctx):
            if c.action in ("push", "manifest-push") and in_document(c):
                g = group_of(c)
                # (a one-part name is none anyone can push: Docker Hub's official images' namespace; a
                # document's ``docker push myapp:1.0.0`` stands for the reader's name)
                pushed[g] = pushed.get(g, True) and all(readers_name(w.value) or one_part(w.value)
                                                        for w in c.args if not w.value.startswith("-"))
        return pushed

    return ctx.cached("commands.readers_pushes", compute).get(group_of(tc), False) and not build_pushes(tc)


def text_at(ctx, span) -> str | None:
    """The file's text on a one-line span (what a word is written as: ``$(TAG)``), None else."""
    if span is None or span.line != span.end_line:
        return None
    return ctx.source.line(span.line)[span.col - 1:span.end_col - 1]


def runner_chosen(tc: ToolCommand) -> bool:
    """Whether the command runs in a workflow job whose machine decides what it builds for: a
    ``runs-on`` expression (the workflow picks the machine, and with it the CPU, per run) or a
    Windows runner (``workflow_steps.job_runner``)."""
    g = getattr(tc.command.snippet, "group", None)
    return type(g) is tuple and len(g) == 5 and g[0] == "job" and bool(g[3])


def runner_platform(tc: ToolCommand) -> str | None:
    """The platform of the workflow job's runner the command runs on (``ubuntu-latest``:
    linux/amd64), when one known runner runs it, or of the machine a script's branch runs it on
    (``if [ "$(uname -m)" = "x86_64" ]; then docker build ...``: ``archnames.machine_arch_at``);
    None elsewhere."""
    g = getattr(tc.command.snippet, "group", None)
    if type(g) is tuple and len(g) == 5 and g[0] == "job":
        return None if g[3] else g[4]  # (a runner picked per run: its CPU is not known)
    from ...archnames import machine_arch_at

    arch = machine_arch_at(tc.command.snippet.text, tc.command.start)
    return f"linux/{arch}" if arch is not None else None


def local_use(ctx) -> LocalUse:
    """The LocalUse of the file in ``ctx``, cached for all BC rules."""

    def compute():
        from .make_chains import bound_pushes

        out = LocalUse()
        groups: dict[int, list[ToolCommand]] = {}
        every = commands_for(ctx)
        for tc in every:
            groups.setdefault(group_of(tc), []).append(tc)
        out.bound, out.sent = bound_pushes(ctx, every, normal_ref)  # (a Makefile's pushes of a prerequisite's build)
        for key, tcs in groups.items():
            _judge_group(key, tcs, out)
        return out

    return ctx.cached("commands.local_use", compute)


#: commands that give an image a name or send it away: an image known by its ID needs one to leave
_NAMING = ("tag", "push", "manifest-push", "manifest-create", "manifest-add")


def one_part(ref: str) -> bool:
    """A literal one-part name (``thanos``, ``gen:dev``: no registry, no namespace, no variable
    before the tag): ``docker push`` of it would go to Docker Hub's official-image namespace,
    which nobody outside Docker can push to, so an image named only so stays where it was
    built unless the group re-tags and pushes it."""
    name = ref.split("@", 1)[0]
    if "/" in name:
        return False  # (a registry with a port, ``10.43.170.72:5000/app:latest``, is no tag)
    name = name.split(":", 1)[0]
    return bool(name) and "$" not in name and not is_placeholder(ref)


def _by_id_only(tc: ToolCommand) -> bool:
    """A build that hands its image on by ID alone (``--iidfile``, ``-q``): no podman
    ``--manifest``, no exporter ``name=``."""
    return tc.has(*_ID_FLAGS) and not tc.has("--manifest") and not any(
        f.name in ("-o", "--output") and f.value and "name=" in f.value for f in tc.flags)


def _judge_group(key: int, tcs: list[ToolCommand], out: LocalUse) -> None:
    """What the commands of one group (``group_of``) keep and send; a push argument in
    ``out.bound`` sends the image a prerequisite target built (``make_chains``), no other
    build of its name."""
    parent: dict[str, str] = {}

    def root(n: str) -> str:
        while parent.get(n, n) != n:
            parent[n] = parent.get(parent[n], parent[n])
            n = parent[n]
        return n

    used: list[str] = []
    pushed: list[str] = []
    rebuilt: list[str] = []  # names a build pushes itself: its own result, not the local image
    marks: dict = {}  # snippet -> its evals of minikube docker-env (on_node)
    pushed_in: dict = {}  # (snippet, eval) -> the names pushed from the node's engine there
    for tc in tcs:
        if tc.action in ("run", "local-load"):
            # the image is the first argument, unless an unresolved one held options: any of
            # them naming an image built here is enough
            used.extend(normal_ref(w.value) for w in tc.args)
        elif tc.action == "tag" and len(tc.args) >= 2:
            src = root(normal_ref(tc.args[0].value))
            for w in tc.args[1:]:
                parent[root(normal_ref(w.value))] = src
        elif tc.action in ("push", "manifest-push", "manifest-create", "manifest-add"):
            # docker's manifest list (``docker manifest create LIST IMAGE...``, ``manifest push
            # LIST``) is assembled in the registry from images pushed there: its name pushes no
            # local image of that name (secrets-store's ``make container``, kind-loaded, beside
            # the release's list of the same name); podman's is a local list it pushes
            listed = tc.args[1:] if tc.tool == "docker" and tc.action != "push" else tc.args
            pushed.extend(normal_ref(w.value) for w in listed if (w.span.line, w.span.col) not in out.bound)
            node = on_node(tc, marks)
            if node is not None:  # (a push from the node's engine: what was built there leaves)
                pushed_in.setdefault(node, []).extend(normal_ref(w.value) for w in listed)
        elif tc.action == "build" and build_pushes(tc):
            rebuilt.extend(normal_ref(im.value) for im in tc.images)
    used_roots = {root(n) for n in used}
    here = {k: {root(n) for n in v} for k, v in pushed_in.items()}  # (roots pushed from each node engine)
    pushed_roots = {root(n) for n in pushed if not local_registry(n)}
    rebuilt_roots = {root(n) for n in rebuilt if not local_registry(n)}
    out.pushed[key] = pushed_roots | rebuilt_roots
    names = out.names.setdefault(key, set())
    for n in set(parent) | set(parent.values()) | set(used):
        if root(n) in used_roots and root(n) not in pushed_roots:
            names.add(n)
    # names re-tagged (docker tag) with a name of more than one part: they may leave the machine
    registry_roots = {root(n) for n in parent if not one_part(n)}
    for tc in tcs:
        if tc.action != "build":
            continue
        if names_no_image(tc):
            out.builds.add(id(tc))
            continue
        if not tc.images:
            if build_pushes(tc) or (pushed_roots and _by_id_only(tc)):
                out.sent.add(id(tc))
            if in_document(tc) and not build_pushes(tc) and not pushed_roots:
                out.builds.add(id(tc))  # an ID handed on in a document that pushes nothing
            elif _by_id_only(tc) and not build_pushes(tc) and not any(t.action in _NAMING for t in tcs):
                # known by its ID alone (--iidfile, -q) where nothing names or pushes an image:
                # buildkit's hack/shell runs it, argo-rollouts copies binaries out of it
                out.builds.add(id(tc))
            continue
        tags = [normal_ref(im.value) for im in tc.images]
        if all(local_registry(t) for t in tags):
            out.builds.add(id(tc))
        elif on_node(tc, marks) is not None and not build_pushes(tc) \
                and not any(root(t) in here.get(on_node(tc, marks), ()) for t in tags):
            out.builds.add(id(tc))  # built on the cluster's node for its CPU, not pushed from there
        elif build_pushes(tc) or any(root(t) in pushed_roots for t in tags):
            out.sent.add(id(tc))
        elif any(root(t) in used_roots for t in tags) or discarded(tc) or in_document(tc):
            # used here, or built in a CI job that never logs in (its machine is discarded), or
            # in a document that never pushes it (the reader's own build)
            out.builds.add(id(tc))
            names.update(tags)
        elif all(one_part(im.value) for im in tc.images) and not any(root(t) in registry_roots for t in tags):
            # thanos' `docker build -t "thanos" .`: a name no registry takes, never pushed nor
            # re-tagged with another name here
            out.builds.add(id(tc))
        elif all(root(t) in rebuilt_roots for t in tags):
            # guestbook-go's build target (--load) beside its push target (--push): the push
            # builds and sends its own result, judged there; this one stays in the local store
            out.builds.add(id(tc))


def versioned_ref(value: str, dynamic: bool = False) -> bool:
    """A reference with a tag other than latest (``app:1.4.2``, ``app:$(VERSION)``) or a digest."""
    last = last_part(value)
    if dynamic or "$" in last:
        tag = last.partition(":")[2]
        return bool(tag) and "latest" not in tag
    r = split_ref(value)
    return r is not None and bool(r[2] or r[1] not in (None, "latest"))


def _version_member(ref: str) -> bool:
    """A manifest list's member tagged for a version and a CPU (``api:1.4-amd64``, ``api:${TAG}-arm64``):
    its tag, the CPU's name taken out, holds a digit or a variable; not ``api:amd64``, ``api:main-arm64``."""
    from ...archnames import around_arch_tokens

    tag = last_part(ref).partition(":")[2]
    if not tag or "latest" in tag:
        return False
    return "$" in tag or any(c.isdigit() for c in "".join(around_arch_tokens(tag)))


def versioned(ctx) -> set:
    """(repository, group) pairs pushed or tagged with a tag other than latest (or an
    unresolved one, or a latest through make's overridable default: the caller's, sig-storage's
    ``ifeq ($(VERSION),)`` ``VERSION = latest``) in a group of commands: a latest next to them
    is the usual moving alias."""
    from .rules import _make_default

    out = set()
    for tc in commands_for(ctx):
        if tc.action not in ("push", "tag", "build", "manifest-create", "manifest-push"):
            continue
        refs = [(w.value, None) for w in tc.args[:1]] if tc.action in ("tag", "manifest-push") else []
        refs += [(im.value, im) for im in tc.images]
        if tc.action == "manifest-create":  # a list of per-CPU images of a version (hatchet's release:
            # `manifest create api:latest api:${{ ...tag }}-amd64 api:${{ ...tag }}-arm64`): latest aliases it
            refs += [(w.value, None) for w in tc.args[1:8] if _version_member(w.value)]
        for ref, im in refs:
            last = last_part(ref)
            if not versioned_ref(ref) and not (im is not None and ref.endswith(":latest")
                                                and _make_default(ctx, tc, im.span, tag_only=True)):
                continue
            if "$" in last:  # app:$(VERSION)
                out.add((ref[: len(ref) - len(last)] + last.split(":", 1)[0], group_of(tc)))
            else:
                out.add((split_ref(ref)[0], group_of(tc)))
    return out




def _object_name(word) -> str | None:
    """A name as the script writes it: its value, or with a variable its written text
    (``backup-$TIMESTAMP``, one value for the run and the deletion); None for a command's output
    (``restore-$(date +%s)``: another value each time it runs)."""
    if "$(" in word.raw or "`" in word.raw:
        return None
    return word.raw if "$" in word.raw else word.value


def deleted_objects(tc: ToolCommand) -> list[tuple[str, str | None]]:
    """(kind, name) of what a ``kubectl delete pod NAME...`` (``deployment``, ``job``...; also
    ``pod/NAME``) deletes by name."""
    words = tc.args
    if words and words[0].value in KUBE_KINDS:
        return [(KUBE_KINDS[words[0].value], _object_name(w)) for w in words[1:]]
    out = []
    for w in words:
        kind, _, name = w.value.partition("/")
        if name and kind in KUBE_KINDS:
            written = _object_name(w)
            out.append((KUBE_KINDS[kind], written.partition("/")[2] if written is not None else None))
    return out


def deleted_later(ctx, run: ToolCommand) -> bool:
    """Whether the pod a ``kubectl run NAME`` starts (or the deployment, job... a ``kubectl create
    deployment NAME`` makes) is deleted by name after it, by the same script, target or step
    (``kubectl delete pod NAME``): a one-off test pod.  A name written with a variable counts
    when the deletion writes it the same (``backup-$TIMESTAMP``), not one with a command's output
    (``restore-$(date +%s)``: another value each time it runs)."""
    def compute():  # (the position of each command; the last deletion of each object, per group and namespace)
        cmds = commands_for(ctx)
        last = {(group_of(tc), kind, n, _namespace(tc)): i for i, tc in enumerate(cmds) if tc.action == "kube-delete"
                for kind, n in deleted_objects(tc) if n}
        return {id(tc): i for i, tc in enumerate(cmds)}, last

    name = _object_name(run.args[0]) if run.args else None
    kind = "pod" if run.action == "kube-run" else KUBE_KINDS.get(run.verb.value if run.verb is not None else "", "")
    if not name or not kind:
        return False
    where, last = ctx.cached("bc006.deleted_objects", compute)
    return last.get((group_of(run), kind, name, _namespace(run)), -1) > where.get(id(run), len(where))


def _namespace(tc: ToolCommand) -> str:
    """The namespace a kubectl command names (``-n``, ``--namespace``), "" for the context's."""
    f = tc.flag("-n", "--namespace")
    return f.value or "" if f is not None else ""
