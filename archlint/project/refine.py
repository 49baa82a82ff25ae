"""Per-file findings judged again with the project model: what a rule of one file could not know.

``REFINERS`` maps a rule ID to ``fn(finding_or_notice, file_result, project)``, which returns it
as it stands in context (its message rewritten), or None to drop it.  They live here, not in
their families, so that a run served from the cache judges its findings without importing the
rule modules; the wording they look for is shared with the rule (``MACHINE_CPU``).
"""
from __future__ import annotations

import bisect
import re

from .ha_addon import TOOL as ADDON  # (the add-on builds' tool name; a module of facts, no rule's)
from .refine_k8s import version_variant

#: what DF005 says of a stage whose platform the build command decides
MACHINE_CPU = "follows the build machine's CPU"


def _sites(builds) -> str:
    return ", ".join(b.where for b in builds[:3]) + (f" and {len(builds) - 3} more" if len(builds) > 3 else "")


#: builds whose push archlint does not always see (a bake's --push without platforms, compose's
#: ``docker compose push``, skaffold's push by default): the reminder counts them as leaving the machine
_UNSEEN_PUSH = ("bake", "compose", "skaffold")


def df005(f, fr, project):
    """A Dockerfile whose every known build that leaves its machine sets known platforms (or runs
    on a runner of known CPU) is not left to the build machine: DF005's "follows the build
    machine's CPU" is dropped; when some builds set none, the message names them.  A build of
    another stage (``--target devel``) does not build the final stage the notice is about.  DF005's advice
    to builder stages (several targets) is about emulation, not about build sites: kept as it is.
    Without configured platforms, the once-per-run notice does not count a Dockerfile whose
    every such build names the platforms it builds for, a variable included
    (gatekeeper's ``--platform="$(PLATFORM)"``): its build commands say what the targets are;
    nor one whose every build found is local (argo-helm's README builds and runs its tool) or
    pushes its image nowhere seen, as for BC001."""
    if MACHINE_CPU not in f.message:
        return f
    # a local build (its image used where it is built, or named nothing: ``docker build --file
    # src/ad/Dockerfile .`` in a README) is right for its machine: the others decide
    reminder = getattr(f, "group", None) == "DF005:no-platforms"  # the run's "configure platforms"
    final = [b for b in project.builds_of_dockerfile(fr.path) if project.builds_final_stage(b)]
    # the reminder, as BC001: a build whose image no file is seen pushing stays on its machine (postgres-operator's
    # ui/Makefile builds a one-part name for make mock; velero's docs preview is built and run)
    builds = [b for b in final if not b.local and (b.push or not reminder or b.tool.startswith(_UNSEEN_PUSH))]
    if not builds:
        return None if reminder and final else f  # every build found keeps its image where built
    if reminder and all(b.platforms != [] for b in builds):
        return None  # builds that name their platforms
    machine = [b for b in builds if b.targets() == []]
    if not machine:
        # dropped only when every build's platforms are known: a variable (PLATFORMS ?=
        # linux/$(go env GOARCH)) may well be the build machine's
        return None if all(b.targets() for b in builds) else f
    f.message = f"{f.message} It is built without --platform at {_sites(machine)}."
    return f


def _published_elsewhere(builds, project) -> bool:
    """Whether each of ``builds`` (the builds at one place) is a variant of a published build:
    another build pushes its Dockerfile or image with known platforms, and the published build
    is the one that matters (a Makefile's ``build`` target beside its multi-platform ``push``
    target, a compose file for local development beside the workflow that publishes the
    images).  A build here that is pushed too (from a Makefile or a script, not a workflow) is
    such a variant only where the others publish the same stage of its Dockerfile, or its image,
    for several platforms, under its repository's name where both names are known: the native
    build and push of a developer's loop (opentelemetry-operator's ``make container
    container-push``, "used only for local dev purposes", beside the workflows that publish each
    image for four, whose tags metadata-action gives)."""
    if not builds:
        return False
    for b in builds:
        others = [o for o in (project.builds_of_dockerfile(b.dockerfile) if b.dockerfile else ())
                  if not b.push or (o.stage or "") == (b.stage or "")]
        for n in b.names:
            others += project.builds_of(n)
        published = [o for o in others if o is not b and o.push and o.targets()]
        if b.push:  # a developer's loop (a Makefile, a script): not a workflow's own publishing
            repos = {n[0] for n in b.names}
            published = [o for o in published if not o.names or not repos
                         or any(_same_repo(r, n[0]) for r in repos for n in o.names)]
            if project.kinds.get(b.path) == "workflow" or len({p for o in published for p in o.targets()}) < 2:
                return False
        if not published:
            return False
    return True


def _same_repo(a: str, b: str) -> bool:
    """Whether two repository names, either with ``*`` for a part not known, may be one
    (``ghcr.io/*/opentelemetry-operator/target-allocator``, what metadata-action's
    ``ghcr.io/${{ github.repository_owner }}/...`` gives, and the Makefile's literal one)."""
    from .model import glob

    return glob(a, b) or glob(b, a)


def _stays_or_cannot_run(builds) -> bool:
    """Whether the builds at a place make nothing a registry takes: none of them is seen pushing
    its image (it stays on the machine that built it), or every one builds a Dockerfile that does
    not exist (the build cannot run: XF005's finding is the one to act on first; or, with no
    ``-f``, its context holds none: nsx-operator's kubebuilder ``docker-build`` target)."""
    return bool(builds) and (not any(b.push for b in builds) or all(b.cannot_run for b in builds))


def _pinned(builds) -> bool:
    """Whether every build at a place is of a Dockerfile whose final stage pins the platform
    (``Project._apply_pins``): the image is that platform's whatever machine builds it, so "built
    for the machine's CPU" is false (DF003 judges a constant pin)."""
    return bool(builds) and all(b.pinned for b in builds)


def pinned_by_dockerfile(f, fr, project):
    """GHA001: a ``docker/build-push-action`` step without ``platforms:`` whose Dockerfile pins
    its final stage's platform, or whose ``build-args:`` set the ARG that pins it (fleet's
    ``ARCH=${{ env.GOARCH }}`` with ``FROM --platform=linux/${ARCH}``), does not build for the
    runner's CPU."""
    return None if _pinned(project.builds_in(fr.path, f.span.line)) else f


def emulation_needed(f, fr, project):
    """GHA003: a step whose Dockerfile runs every ``RUN`` on the build machine
    (``--platform=$BUILDPLATFORM`` stages that cross-compile, a final stage that only copies)
    runs nothing of another CPU: no emulator is needed.  The step's build is placed at its
    ``uses:``, the finding at its ``platforms:``: the builds on the last such line above it, one
    per row of a matrix, every one of them.  Kept where a Dockerfile is not known."""
    above = [b for b in project.builds_in(fr.path, None) if b.span.line <= f.span.line]
    step = [b for b in above if b.span.line == above[-1].span.line]  # (a matrix's rows: a build each)
    return None if step and all(b.dockerfile in project.builder_runs for b in step) else f


#: what DF006/DF008 say of a literal architecture when no target platforms are configured
NO_PLATFORMS = "no target platforms are configured, so the image may be built for another CPU"
_LITERAL = re.compile(r" (?:build for|toolchain to) ([\w.-]{1,16}) \(")


def built_for_it(f, fr, project):
    """DF006/DF008 without configured platforms: a literal architecture in a stage built for the
    target platform, in a Dockerfile whose every build found builds for that architecture (its
    ``--platform``, a runner of that CPU, the ``platforms:`` input of a reusable workflow given
    the Dockerfile), one of them its final stage, gives an image for that architecture: dropped.
    When its final stage's builds name another platform, the message names them instead of the
    missing configuration.  Kept as it is: a build for whichever machine runs it or for
    platforms not known here (an overridable default such as ``TARGET_ARCH ?= linux/amd64``: its
    caller picks), an ARM literal (the variant is not in the name), and a Dockerfile that a
    build archlint could not place may build (a variable ``-f``, a path after a ``cd``).  Local
    builds (loaded, not pushed) count only where there is no other.  A
    stage on the build machine (``$BUILDPLATFORM``) is judged so only where every build runs on
    its target's CPU (a Home Assistant add-on's: ``_addon_native``)."""
    if NO_PLATFORMS not in f.message:
        return f
    ranges = project.target_stages.get(fr.path)
    m = _LITERAL.search(f.message)
    k = bisect.bisect_right(ranges, [f.span.line, 10**10]) - 1 if ranges and m is not None else -1
    builds = project.builds_of_dockerfile(fr.path)
    if (k < 0 or f.span.line > ranges[k][1]) and (m is None or not _addon_native(builds)):
        return f  # (a stage built on the build machine: the build's --platform does not decide it, but
        # where the build machine is the target's, an add-on's: `_addon_native`)
    from ..archnames import arch_tokens

    arch = next((a for _t, a, _s, _e in arch_tokens(m.group(1))), None)
    builds = [b for b in builds if not b.local] or builds  # (a local build, bake's image-local: no image that leaves)
    final = [b for b in builds if project.builds_final_stage(b)]
    if arch in (None, "arm") or not final or any(b.pinned or not b.targets() for b in builds) \
            or _maybe_unplaced(project, fr.path, arch):
        return f
    if all(p.split("/")[1:2] == [arch] for b in builds for p in b.targets()):
        return None
    other, platforms, wrong = _for_another_cpu(final, arch)
    if not other:
        return f  # (another stage's build is for another CPU: it may or may not build this one)
    f.message = f.message.replace(NO_PLATFORMS, (
        f"it is built for {', '.join(platforms)} ({_sites(other)}), so the {', '.join(wrong)} image gets the "
        f"{arch} build"))
    return f


def _for_another_cpu(builds, arch: str | None) -> tuple[list, list, list]:
    """(the builds among ``builds`` targeting a CPU other than ``arch``, all their platforms, those of
    them of another CPU): what DF006/DF008 and BC009 name where a literal meets such builds."""
    other = [b for b in builds if any(p.split("/")[1:2] != [arch] for p in b.targets())]
    platforms = sorted({p for b in other for p in b.targets()})
    return other, platforms, [p for p in platforms if p.split("/")[1:2] != [arch]]


def not_deployed(fr, project) -> bool:
    """Whether the run shows the manifest is not deployed: an object a test suite names, one only
    an unused Kustomize Component includes, or one no GitOps object of the run applies."""
    return fr.path in project.test_inputs or project.patches.unused_component(fr.path) or project.patches.left_out(fr.path)


_RUN_BY = re.compile(r", yet (\S{1,1024}) runs it in an image build; ")


def script_built_for(f, fr, project):
    """BC009 without configured platforms: a script's download naming one architecture, run by
    a Dockerfile's build, is reported where a build of that Dockerfile found in the run targets
    another CPU (discourse's ``install-firefox``, ``linux-x86_64``, run by ``discourse_test``'s
    Dockerfile, which its Bake file builds for ``linux/${arch}`` over amd64 and arm64), its
    message naming those builds; else dropped, as BC009 said nothing before platforms were
    configured: a script's tool may be for the machine that builds (a Dockerfile with no build
    found, or built for that CPU alone, or for platforms not known here)."""
    import posixpath

    m, lit = _RUN_BY.search(f.message), _LITERAL_TOKEN.search(f.message)
    if NO_PLATFORMS not in f.message:
        return f
    if m is None or lit is None:
        return None
    from ..archnames import arch_tokens

    arch = next((a for _t, a, _s, _e in arch_tokens(lit.group(1))), None)
    builds = project.builds_of_dockerfile(posixpath.normpath(posixpath.join(posixpath.dirname(fr.path), m.group(1))))
    builds = [b for b in builds if not b.local] or builds
    other, platforms, wrong = _for_another_cpu([b for b in builds if project.builds_final_stage(b)], arch)
    if arch in (None, "arm") or not other:
        return None
    f.message = f.message.replace(f"in an image build; {NO_PLATFORMS}", (
        f"in an image built for {', '.join(platforms)} ({_sites(other)}): the {', '.join(wrong)} image gets the "
        f"{lit.group(1)} build"))
    return f


_LITERAL_TOKEN = re.compile(r"names one architecture, ([\w.-]{1,16}) \(")


def one_platform_built(f, fr, project):
    """DF003: a stage pinned to one platform in a Dockerfile whose every build found builds for
    that platform alone (its ``--platform``, a runner of that CPU, the final stage's own pin:
    pyroscope's .NET examples, pinned to linux/amd64 for a profiler that ships for x86-64 only,
    built with ``--platform linux/amd64``) is never part of a multi-platform build: dropped; so is
    a final stage's pin through an ARG its builds set (``_arg_selected``).  Kept: a Dockerfile
    with no build found, one built for another or an unknown platform, or for whichever machine
    runs it, one a build archlint could not place may build, and any where the repository has a
    build for several or unknown platforms whose Dockerfile is not known."""
    pinned = f.key  # (the platform DF003 names; an OS alone, "linux", is the machine's: kept)
    if "/" not in pinned or _vague_multi_platform(project):
        return f
    if _arg_selected(pinned, fr.path, project):
        return None
    builds = project.builds_of_dockerfile(fr.path)
    if not builds or _maybe_unplaced(project, fr.path):
        return f
    return None if all(b.targets() == [pinned] for b in builds) else f


def _arg_selected(pinned: str, path: str, project) -> bool:
    """Whether the final stage's pin through an ARG default (``FROM --platform=linux/${GOARCH}``
    with ``ARG GOARCH=amd64``) is the platform each build picks: a build that may build the
    Dockerfile sets that ARG (loki's docker-driver: ``--build-arg GOARCH=arm64`` for the arm64
    plugin, a release job's ``build-args: GOARCH=...``) for one platform or platforms not known
    here, and every other one builds for the pinned platform.  A build archlint could not place
    counts when its ``-f`` may be the file (``_may_build``)."""
    pin = project.pins.get(path)
    if not pin or not pin["args"] or pin["platform"] != pinned:
        return False
    args = set(pin["args"])
    mine = project.builds_of_dockerfile(path) + [b for b in project.builds if _may_build(b, path)]
    for b in mine:
        t = b.targets()
        if t is not None and len(t) > 1 or not b.args & args and t not in ([pinned], []):
            return False  # several platforms; or the ARG's default for perhaps several, or another one
    return any(b.args & args for b in mine)


def _may_build(b, path: str) -> bool:
    """Whether a build archlint could not place may build the Dockerfile at ``path``: its ``-f``
    (or its context's Dockerfile) matches the path or ends with it, a path of one folder at least
    (``release/clients/cmd/docker-driver/Dockerfile`` in a checkout into ``release/``)."""
    return any(_may_be(path, p, tail=True) for p in _unplaced_files(b))


def _unplaced_files(b) -> list:
    """The Dockerfile paths a build archlint could not place may read (its ``-f``, else its
    context's Dockerfile or Containerfile), without ``./``; none for a placed or missing build,
    and none that is a variable alone (it says nothing of which file it is)."""
    if b.dockerfile is not None or b.missing:
        return []
    files = [b.file] if b.file else [f"{b.context or '.'}/{n}" for n in ("Dockerfile", "Containerfile")]
    return [f.removeprefix("./") for f in files if f.strip("*/.")]


def _may_be(path: str, pattern: str, tail: bool = False) -> bool:
    """Whether the Dockerfile at ``path`` may be the one an unplaced build reads as ``pattern``
    (the pattern, or the pattern below some folder; with ``tail``, also a pattern ending with
    the path, when the path has a folder)."""
    import fnmatch

    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern) \
        or tail and "/" in path and ("/" + pattern).endswith("/" + path)


def _vague_multi_platform(project) -> bool:
    """Whether the repository has a build for several or unknown platforms of a Dockerfile known
    by no part (``-f "$DOCKERFILE"``): it may build any Dockerfile.  Worked out once."""
    got = getattr(project, "_vague_multi", None)
    if got is None:
        got = project._vague_multi = any(
            b.dockerfile is None and not b.missing and not (b.file or b.context or ".").strip("*/.")
            and (b.targets() is None or len(b.targets()) > 1) for b in project.builds)
    return got


def _maybe_unplaced(project, path: str, arch: str | None = None) -> bool:
    """Whether a build archlint could not place may build the Dockerfile at ``path``: one whose
    Dockerfile was not found where it runs (after a ``cd``, a variable in its path) and whose
    ``-f`` (or context's Dockerfile) may end the path: ``scripts/release.Dockerfile`` after
    ``cd "$DIR/.."``, ``cmd/*/Dockerfile`` with a variable part.  A path that is a variable
    alone says nothing of which file it is: not counted.  With ``arch``, nor one for that CPU alone (neko's
    branch test of ``apps/*/Dockerfile`` for ``linux/amd64``), nor a document's, nor one run where it is
    known that names another path from there."""
    if arch is not None:  # (a build run where it is known reads its pattern from there: a generated top
        import fnmatch  # Dockerfile is no app's apps/opera/Dockerfile; a document's, a reader's after a cd, none)

        if not _maybe_unplaced(project, path):
            return False
        each = getattr(project, "_unplaced_each", None)
        if each is None:
            each = project._unplaced_each = [(p, tuple(b.targets() or ()), b.located) for b in project.builds
                                             if project.kinds.get(b.path) != "markdown" for p in _unplaced_files(b)][:1024]
        return any((fnmatch.fnmatchcase(path, p) if located else _may_be(path, p))
                   and not (t and all(x.split("/")[1:2] == [arch] for x in t)) for p, t, located in each)
    pats = getattr(project, "_unplaced", None)
    if pats is None:
        pats = {}  # pattern -> the platforms its builds of several platforms at once produce
        for b in project.builds:
            for p in _unplaced_files(b):
                if p in pats or len(pats) < 256:
                    t = b.targets() or ()
                    pats[p] = pats.get(p, set()) | (set(t) if len(t) > 1 else set())
        project._unplaced = pats
    # (a Home Assistant add-on's Dockerfile: a workflow building `*/Dockerfile`, the add-on a matrix names, one
    # platform a row (alexbelgium's: the rows its config's arch list allows) or several among the add-on's own,
    # builds it for the add-on's architectures; several others at once build it for those too: counted)
    mine = {t for b in project.builds_of_dockerfile(path) if b.tool == ADDON for t in b.targets() or ()} \
        if _addon_folders(project) else ()
    return any(_may_be(path, p) for p, t in pats.items()
               if not (mine and p.startswith("*/") and "/" not in p[2:] and t <= mine))


def _addon_owners(project) -> frozenset:
    """The owners of the prebuilt images the repository's add-ons name (an image's namespace, on
    whichever registry: ``ghcr.io/me/a`` and Docker Hub's ``me/b`` are one owner's; one not known,
    ``{arch}-x``, is none), once a run."""
    owners = getattr(project, "_addon_owners", None)
    if owners is None:
        parts = (n[0].split("/") for b in project.builds if b.tool == ADDON for n in b.tags[:1])
        owners = project._addon_owners = frozenset(
            p[1].lower() for p in parts if len(p) >= 3 and "*" not in p[1] and p[1] != "library")
    return owners


def _addon_folders(project) -> frozenset:
    """The folders of the Dockerfiles Home Assistant add-ons' configurations build, once a run."""
    folders = getattr(project, "_addon_folders", None)
    if folders is None:
        folders = project._addon_folders = frozenset(
            b.dockerfile.rpartition("/")[0] for b in project.builds if b.tool == ADDON and b.dockerfile)
    return folders


def bc001(f, fr, project):
    """A build without a platform is reported only where its image reaches a registry: the build
    pushes it, its group pushes one of its names (``LocalUse.sends``), or any file of the
    repository pushes one of them (``docker push``, ``podman manifest push``, after ``docker tag``
    links; a Makefile push sends only its prerequisites' build of a name: ``make_chains``): an image that never leaves the machine that built it runs on that machine's CPU,
    and what archlint cannot see leave it is not reported.  One whose image a manifest deploys
    says where the image runs (on which nodes, when the manifest pins them).  A variant of a
    published build (``_published_elsewhere``) is dropped, and so is a build of a Dockerfile
    that does not exist (XF005's finding is the one to act on first) or whose final stage pins
    the platform (``_pinned``)."""
    builds = project.builds_in(fr.path, f.span.line)
    if _stays_or_cannot_run(builds) or _published_elsewhere(builds, project) or _pinned(builds):
        return None
    deploys = [d for b in builds for d in project.deploys_of(b)]
    if not deploys:
        return f
    d = deploys[0]
    where = f" on {', '.join(d.arch)} nodes" if d.arch else ""
    more = f" (and {len(deploys) - 1} more)" if len(deploys) > 1 else ""
    f.message = f"{f.message} Its image is deployed by {d.where}{where}{more}."
    return f


def dc003(f, fr, project):
    """A compose file that ``docker buildx bake -f compose.yaml --set *.platform=...`` builds
    (the way multi-platform images are built from compose files) is not built for the build
    machine's CPU: DC003 is dropped when every bake of it sets platforms, and for a service
    whose Dockerfile or image another build publishes with known platforms."""
    if project.baked_platforms(fr.path) is not None:
        return None
    # a compose build is placed at its service's key: the service is the last one above the finding
    above = [b for b in project.builds_in(fr.path, None) if b.span.line <= f.span.line]
    return None if _published_elsewhere(above[-1:], project) or _pinned(above[-1:]) else f


def own_base(f, fr, project):
    """DF001/DF002: a base image that this repository builds itself (``FROM argocd-base``
    beside the Makefile target that builds it) is the repository's own chain of images, whose
    tag its own build decides: not a mutable upstream base.  So is one of the namespace and tag
    a build of the repository gives an image whose last name part is unknown (strimzi's
    ``FROM strimzi/base:latest`` beside ``-t strimzi/$(PROJECT_NAME):latest``), and so is a
    named context a build of the Dockerfile gives it (frigate's Bake targets: ``contexts = {
    wheels = "target:wheels" }`` for ``FROM wheels``; ``--build-context``, compose's
    ``additional_contexts``; also one a build of a Dockerfile not known gives): that FROM reads
    the context, not a registry.  Nor is a latest through an ``ARG`` default every build passes
    (``_default_never_used``)."""
    unplaced = getattr(project, "_unplaced_contexts", None)
    if unplaced is None:  # (a build whose Dockerfile is not known: antrea's -f $dockerfile in a function; once a run)
        unplaced = project._unplaced_contexts = frozenset(n for b in project.builds if b.dockerfile is None
                                                          for n in b.contexts)
    for base in project.bases_in(fr.path, f.span.line):
        if project.builds_of(base.name) or project.builds_namespace_of(base.name):
            return None
        if base.name in unplaced or any(base.name in b.contexts for b in project.builds_of_dockerfile(fr.path)):
            return None
    return None if _default_never_used(f, fr, project) else f


def _default_never_used(f, fr, project) -> bool:
    """A base through an ``ARG`` default that every build of the Dockerfile found passes
    (WasmEdge's Bake targets, each with ``args = { BASE_IMAGE = ... }``; lmdeploy's patch image):
    the default is a placeholder no build reads.  Not where a build passes the name alone (the
    environment's value, perhaps unset) or a floating image (``BASE_IMAGE=x:latest``)."""
    names = [r.message.split()[1] for r in f.related if r.message.startswith("ARG ") and r.message.endswith(" here")]
    builds = project.builds_of_dockerfile(fr.path) if names and "(through an ARG default)" in f.message else ()
    return bool(builds) and all(n in b.args and n not in b.floating_args for b in builds for n in names)


def _built_unpushed(project, n) -> bool:
    """Whether a build of the repository tags image ``n`` exactly (``ohmymndy/alpine``, not
    ``:$(VERSION)``) and no build nor file pushes it; each name worked out once."""
    if n is None or "*" in n[0]:
        return False
    memo = getattr(project, "_built_unpushed", None)
    if memo is None:
        memo = project._built_unpushed = {}
    hit = memo.get(n)
    if hit is None:
        made = [b for b in project.builds_of(n) if n in b.tags]
        hit = memo[n] = bool(made) and not any(b.push for b in made) and not project.repository_pushed(n)
    return hit


def own_release(f, fr, project):
    """DC001: the repository's own image (a repository it builds, on any registry) whose tag is a
    variable defaulting to ``latest`` (jaeger's ``jaegertracing/jaeger:${JAEGER_VERSION:-latest}``):
    the compose file runs the project's newest release unless the variable names another; the
    knob is the pin.  So is an image a build of the repository makes under that name and tag and
    no file pushes (OhMyMndy's ``image: ohmymndy/alpine``, which its ``helpers/`` compose file
    builds and the deploy script builds first): the machine's own build, not a pulled tag."""
    from .model import normal

    for im in project.images_at(fr.path, f.span.line):
        if _built_unpushed(project, normal(im)):
            return None
    if "(the default in " not in f.message:
        return f
    paths = project.built_paths()
    for im in project.images_at(fr.path, f.span.line):
        n = normal(im)
        if n is not None and "*" not in n[0] and n[0].split("/", 1)[-1] in paths:
            return None
    return f


def bc006(f, fr, project):
    """BC006 as BC001 (``_stays_or_cannot_run``): a build whose image no file of the repository is
    seen pushing stays on its machine (an intermediate of the repository's own chain, ``docker
    build -t acme-base``, included), and one whose Dockerfile does not exist cannot run; so does
    the push of an image only such builds make (tekton's ``hack/nightly.sh``: ``docker build -t
    .../base -f images/Dockerfile`` and ``docker push .../base``, ``images/`` long gone).  A
    ``docker tag`` target is a local name unless some push sends that repository (strimzi's
    ``docker tag ... strimzi/buildah:latest``).  A Markdown document's ``kubectl``/``oc`` run or
    deployment of an image the repository neither builds (by the last part of the name, on any
    registry) nor pushes is its tutorial's demo workload (so is a script's under ``examples/``), the reader's to pin, as K8S001 says
    nothing of manifests under ``docs/`` or ``examples/`` (envoy-gateway's
    ``kennethreitz/httpbin``; k0s' ``kubectl run nginx --image=nginx``, an official image, which no
    build of an unknown name may be); its own images are kept (loki's ``grafana/loki-canary:latest`` in
    its canary guide)."""
    builds = project.builds_in(fr.path, f.span.line) or _tagging_build(project, fr, f)
    if _stays_or_cannot_run(builds) or project.patches.make_latest.get((fr.path, f.span.line), set()) \
            & project.patches.make_sets:
        return None  # (VERSION = latest, and a caller runs make ... VERSION=$(git describe))
    if fr.path in project.tag_releases and builds and all(_release_alias(project, b) for b in builds):
        return None
    if not builds and f.key:  # a push or a tag: its image is the last word of the rule's key
        from .model import normal

        label, _, image = f.key.rpartition(" ")
        name = normal(image)
        made = project.builds_of(name)
        if made and all(b.cannot_run for b in made):
            return None
        if label.endswith(" tag") and name is not None and not project.repository_pushed(name):
            return None
        from ..tooling import example_path

        if (fr.kind == "markdown" or example_path(fr.path)) and label.startswith(("kubectl", "oc ")) and name is not None \
                and not made \
                and not project.repository_pushed(name) \
                and (name[0].startswith("docker.io/library/") or not _own(project, name[0])):
            return None  # a tutorial's or example script's demo workload, a third party's image (envoy's httpbin,
            # an official nginx; pumba's examples/k8s_stress_demo.sh: kubectl run --image alpine)
    deployed = sorted({d.where for b in builds for n in b.tags if b in _latest_only(project, n)
                       for d in project.deploys_of(b)})
    if deployed:
        f.message += (f" The repository publishes it under no other tag, so what deploys it ({', '.join(deployed[:3])}"
                      f"{f' and {len(deployed) - 3} more' if len(deployed) > 3 else ''}) has no version to pin.")
    return f


def _own(project, repo: str) -> bool:
    """Whether the repository builds an image whose name ends as ``repo``'s does, on any registry
    (loki builds ``loki-canary`` on its release mirror, its guide runs ``grafana/loki-canary``;
    ``acme/app-$(VARIANT)`` builds ``app-server``), or one of ``repo``'s namespace; or builds
    only names not known here (``-t $(IMG)``: any image may be its own).  Gathered once."""
    got = getattr(project, "_own_last", None)
    if got is None:
        names = [n[0] for b in project.builds for n in b.names]
        lasts = {n.rsplit("/", 1)[-1] for n in names}
        unknown = any(b.unknown_tags and b.push for b in project.builds)
        got = project._own_last = (lasts, sorted(p for p in lasts if "*" in p)[:256],
                                   {n.rsplit("/", 1)[0] for n in names}, unknown and not names)
    lasts, wild, spaces, unknown = got
    last = repo.rsplit("/", 1)[-1]
    if unknown or last in lasts or repo.rsplit("/", 1)[0] in spaces:
        return True
    from .model import glob

    return any(glob(p, last) for p in wild)


def set_by_tooling(f, fr, project):
    """K8S001/K8S002: an image whose tag a command of the repository sets (kubebuilder's
    ``cd config/manager && $(KUSTOMIZE) edit set image controller=${IMG}``, a release script's
    ``kustomize edit set image ...``) carries a placeholder tag in the files; the command decides
    what is deployed.  So does one that a patch of a Kustomization including the manifest
    replaces (cluster-api's ``config/default/manager_image_patch.yaml``): the patch is judged;
    one a Kustomization's ``replacements:`` set from another field (capz's ASO init container,
    ``image: controller:latest``, given the manager's image);
    one whose tag the ``images:`` entry of a Kustomization including it sets, from any folder
    (an overlay over ``../base``: spark-operator's ``config/default`` over ``../manager``);
    and a ``:latest`` that a ``sed`` of the repository rewrites (``sed 's/:latest/:$(VERSION)/'
    manifests/$*``); nor an object a test suite names (a Gatekeeper ``Suite``'s cases), nor one
    only a Kustomize Component no Kustomization uses includes (``patches.unused_component``),
    nor one no GitOps object of the run applies (``patches.left_out``)."""
    if not_deployed(fr, project):
        return None
    if project.retags and any(project.retagged(im) for im in project.images_at(fr.path, f.span.line)
                              + project.entries_at(fr.path, f.span.line)):
        return None  # (an images: entry is set by the name it matches: argocd-image-updater's
        # edit set image argocd-image-updater-controller=${IMG}, its newName the real repository)
    if project.patches.patched(fr.path, f.span.line) or project.patches.replaced_at(fr.path, f.span.line):
        return None
    from .model import normal

    names = {n[0] for n in (normal(im) for im in project.images_at(fr.path, f.span.line)) if n}
    if project.patches.retagging and project.patches.retagged(fr.path, names):
        return None  # an overlay's images: entry sets the tag of a base's image
    # (a chart's values.yaml deploys nothing itself: the finding's key names its image)
    if project.patches.tilt and project.patches.built_by_tilt(
            fr.path, project.images_at(fr.path, f.span.line) or ([f.key] if f.key else [])):
        return None  # a Tiltfile deploying the manifest builds the image (tilt's integration/*/Tiltfile)
    if project.generated_retagged(fr.path, names):
        return None  # the output of kustomize build after an edit set image of the repository
    if project.entry_unused(fr.path, f.span.line):
        return None  # a Kustomization's images: entry that matches nothing it includes
    if project.patches.loaded and project.patches.kind_loaded(fr.path, f.span.line,
                                                              project.images_at(fr.path, f.span.line)):
        return None  # the image a script of the repository just loaded into its kind cluster
    if (fr.path, f.span.line) in project.patches.never and _built_here(project, fr, f):
        return None  # never pulled, built by the repository: put on the node by its own loop
    if f.rule_id == "K8S001" and project.patches.anchored and project.patches.anchor_rewritten(fr.path, f.span.line):
        return None  # the value of an anchor a sed of the release rewrites (karmada's charts' versions)
    if f.rule_id == "K8S001" and _app_version_released(project, fr, f):
        return None  # the chart's appVersion, which the release packages with its own version
    if f.rule_id == "K8S001" and (project.patches.latest_rewritten(fr.path) or _values_rewritten(project, fr)):
        # a sed of the repository rewrites this file's :latest to the release's version (argo-workflows'
        # manifests, kserve's kustomize build ... | sed): a placeholder for the repository's own images
        if not _third_party(project, fr, f):
            return None
        f.message += (" The repository's release rewrites the :latest tags of this file to its own version, "
                      "and this image is not the repository's.")
    return f


def deployed(f, fr, project):
    """K8S005-K8S008: none on a manifest the run shows is not deployed: an object a test suite
    names, one only an unused Kustomize Component includes, or one no GitOps object of the run
    applies (``patches.left_out``: danmanners' ``manifests/workloads/memegen``, which no element
    of the ApplicationSet's list names), as K8S001-K8S004 say nothing there either."""
    return None if not_deployed(fr, project) else f


def _tagging_build(project, fr, f) -> list:
    """The build a BC006 finding on a ``-t`` line below the build's first line is about: the last
    build of the file starting at or above it that tags the image (``docker build \\`` on line 13,
    ``-t opea/edgecraftrag:latest \\`` on line 17: EdgeCraftRAG's build script); [] for a push or
    a tag (its rule's key names another command)."""
    if not f.key or not f.key.rpartition(" ")[0].endswith((" build", " bud")):
        return []
    from .model import normal

    name = normal(f.key.rpartition(" ")[2])
    return [b for b in project.builds_in(fr.path, None) if b.span.line <= f.span.line and name in b.tags][-1:]


def _release_alias(project, b) -> bool:
    """Whether build ``b``, in a workflow run only for a release, pushes ``latest`` as the
    release's moving alias: for each repository it tags ``latest``, another build in such a
    workflow pushes it under another tag, known or not (answer's ``build-image-for-release.yml``
    pushes ``apache/answer:${IMAGE_TAG#v}`` on the same tags, its sibling ``apache/answer:latest``)."""
    repos = {t[0] for t in b.tags if t[1] == "latest"}
    return bool(repos) and all(
        any(o is not b and o.push and o.path in project.tag_releases and any(t[0] == r and t[1] != "latest" for t in o.tags)
            for o in project.builds_of((r, "*")))
        for r in repos)


def _latest_only(project, n) -> list:
    """The builds that push image ``n``'s repository when the repository publishes it under the
    tag ``latest`` alone (a demo sidecar a Makefile builds and pushes only as
    ``ghcr.io/acme/fake-reader:latest``): every build of every Dockerfile that builds it tags
    ``latest`` alone, none with a tag not known here nor through an overridable default (kmm's
    ``IMAGE_TAG ?= latest``, which its release sets), and no push of the repository sends
    another tag; each seen pushing.  A deployment's ``:latest`` then has no version to pin until
    the build publishes one: BC006 names the deployments.  Else []."""
    if n is None or "*" in n[0] or n[1] != "latest":
        return []
    builds = project.builds_of((n[0], "*"))
    files = {b.dockerfile for b in builds}
    if not builds or None in files:
        return []
    every = [b for d in files for b in project.builds_of_dockerfile(d) if not b.local]  # (what may be published)
    if any(b.unknown_tags or any(t[1] != "latest" or t in project.defaulted_latest for t in b.tags) for b in every):
        return []  # (a tag of the caller's: ``IMAGE_TAG ?= latest``)
    if any(t != "latest" for t in project._pushed_by_repository().get(n[0], ())) or n in project.defaulted_latest:
        return []
    return [b for b in builds if not _stays_or_cannot_run([b])]  # (the builds whose BC006 is reported)


def _values_rewritten(project, fr) -> bool:
    """Whether ``fr`` is a Helm chart's template whose chart's ``values.yaml`` a sed of the
    repository rewrites (volcano's bump-version: ``sed -i "s/image_tag_version: .*/.../"
    "${VALUES_YAML}"``): the rendered ``latest`` comes from those values."""
    if fr.kind != "helm-template" or "templates/" not in fr.path:
        return False
    chart = fr.path[:fr.path.rfind("templates/")]
    return any(project.patches.latest_rewritten(chart + n) for n in ("values.yaml", "values.yml"))


def _app_version_released(project, fr, f) -> bool:
    """Whether ``fr`` is a Helm chart's template whose ``appVersion`` the release's ``helm
    package --app-version`` sets (antrea's), and the images on the finding's line are the
    repository's own builds, whose tags that version is (not a third party's ``busybox:latest``
    in the same chart: review)."""
    if fr.kind != "helm-template" or "templates/" not in fr.path \
            or not project.patches.latest_rewritten(fr.path[:fr.path.rfind("templates/")] + "Chart.yaml"):
        return False
    from .model import normal

    names = [n for n in map(normal, project.images_at(fr.path, f.span.line)) if n is not None]
    return bool(names) and all(project.builds_of((n[0], "*")) for n in names)


def _built_here(project, fr, f) -> bool:
    """Whether every image on the finding's line is one the repository builds (any tag): one its
    node never pulls (``imagePullPolicy: Never``) is what the repository's loop built there
    (kafka-docker-playground's ``docker build -t local/httpserver-cfk:latest`` in minikube)."""
    from .model import normal

    names = [n for n in map(normal, project.images_at(fr.path, f.span.line)) if n is not None]
    return bool(names) and all(project.builds_of((n[0], "*")) for n in names)


def _third_party(project, fr, f) -> bool:
    """Whether the images on the finding's line belong to none of the namespaces most of the
    rewritten latest images belong to (``Project.rewrite_owners``): the release's sed turns a
    third party's ``latest`` into a tag of the repository's version (kserve's ``vllm/vllm-openai``
    among ``kserve/*``), which that image does not have."""
    from .model import normal

    owners = project.rewrite_owners()
    if not owners:
        return False
    # (a values.yaml deploys nothing itself: the finding's key names its image, when it names a
    # namespace or registry: not a one-part repository a global registry completes)
    images = project.images_at(fr.path, f.span.line) or ([f.key] if "/" in f.key.rpartition(":")[0] else [])
    names = [n for n in map(normal, images) if n is not None]
    # (an image a build of the repository names is its own, whatever the other rewritten files
    # hold: inspektor-gadget's examples' seds besides its release's perl)
    return bool(names) and all(n[0].rsplit("/", 1)[0] not in owners and not project.builds_of((n[0], "*"))
                               for n in names)


def bc004(f, fr, project):
    """BC004: a ``--build-arg TARGETARCH=...`` that no Dockerfile the build reads declares (no
    ``ARG TARGETARCH`` in any stage nor before the first ``FROM``) nor uses in a ``FROM`` line
    (``FROM base-${TARGETARCH}``: BuildKit's global value, which the argument replaces) sets nothing: the builder warns
    that it was not consumed, and nothing is overridden (litmus' ``cd web && docker build
    --build-arg TARGETARCH=amd64`` of an nginx image).  Kept when a build's Dockerfile is not
    found or not read; given way to XF005 when every such build's Dockerfile is missing (it
    cannot run: haproxy's build-pebble target, its Dockerfile removed)."""
    name = f.key.rpartition(" ")[2]
    builds = project.builds_in(fr.path, f.span.line)
    if not builds and "bake" not in f.key:  # on a later line of its command (``docker build \``)
        builds = [b for b in project.builds_in(fr.path, None) if b.span.line <= f.span.line and name in b.args][-1:]
    if builds and all(b.cannot_run for b in builds):
        return None
    if builds and all(b.dockerfile and not b.missing and name not in project.args.get(b.dockerfile, (name,))
                      for b in builds):
        return None
    return f


#: the start of the key of DF013's finding on a final stage on the build machine (no stage name
#: has parentheses); the final stage's name, if any, follows
FINAL_KEY = "(final)"


def df013(f, fr, project):
    """DF013 where every build of the Dockerfile found stops at the flagged stage itself
    (awesome-compose's ``target: builder``: compose runs the Go builder for ``go run``): no image
    built here holds a stage that copies the build machine's binaries; and its finding on a final
    stage on the build machine (key ``FINAL_KEY``) where every build stops at another stage
    (``--target release``: the final stage, a test or development one, is no image built here). A Dockerfile no build is
    found for keeps the finding (built by hand, its final stage is what ``docker build`` makes),
    and so does one whose builds found are all in documents (a README's ``docker build --target
    builder`` for development: the final image is built somewhere).  Nor one whose every build is
    a Home Assistant add-on's on its target's machine (``_addon_native``)."""
    builds = project.builds_of_dockerfile(fr.path)
    stage = (f.key or "").lower()
    final = stage.startswith(FINAL_KEY)  # (the final stage on the build machine: its name, if any, follows)
    if stage and any(project.kinds.get(b.path) != "markdown" for b in builds) \
            and all(b.stage not in (None, "*") and (b.stage.lower() != stage[len(FINAL_KEY):] if final
                                                   else b.stage.lower() == stage) for b in builds):
        return None
    return None if _addon_native(builds) and not _maybe_unplaced(project, fr.path) else f


def _addon_native(builds) -> bool:
    """Whether every build of a Dockerfile is a Home Assistant add-on's whose build machine is
    its target: the Supervisor's, on the device that runs it (an add-on without ``image:``), or
    the add-on builder's for amd64 alone (birdnet-go-dev's ``arch: [amd64]``: CI machines are
    amd64, and no other CPU's image gets the build machine's binaries)."""
    return bool(builds) and all(b.tool == ADDON and (b.local or b.targets() == ["linux/amd64"]) for b in builds)


def prebuilt_elsewhere(fr, project) -> bool:
    """Whether ``fr`` is the Dockerfile of a Home Assistant add-on that users pull prebuilt
    (its configuration's ``image:``) in a collection of other publishers' add-ons, which nothing
    in the repository builds: the add-ons' images name three owners or more (``_addon_owners``:
    ha-china's and r3zound's nightly copies of alexbelgium's, FaserF's, fredrikbaberg's...
    add-ons), no workflow runs the add-on builder (its action, its image, the
    community add-ons' reusable workflows), and no build found or unplaced may build it.  What
    it says of the image it would build is not this repository's to act on; an author's own
    add-ons (their images under one or two owners) keep every finding, built by hand or not."""
    if fr.kind != "dockerfile" or project.addon_builder or len(_addon_owners(project)) < 3:
        return False
    builds = project.builds_of_dockerfile(fr.path)
    # (a build archlint could not place counts, a workflow's `*/Dockerfile` of each add-on (fabio-garavini's, loaded
    # and pushed by a later step) among them; not a document's: a README's `cd` into a clone, then `docker build .`)
    return bool(builds) and all(b.tool == ADDON and b.push for b in builds) and not _vague_multi_platform(project) \
        and not any(_may_build(b, fr.path) for b in project.builds if project.kinds.get(b.path) != "markdown")


def bundled_in_addon(fr, project) -> bool:
    """Whether ``fr`` is a Dockerfile in a folder below a Home Assistant add-on's (the folder of a
    Dockerfile an add-on's configuration builds) that no build of the repository builds or may
    build: the Supervisor builds the add-on's own Dockerfile only, so this one is the source the
    add-on bundles (jdeath's ``tincisnotcatan/tincisnotcatan-master/``, which the add-on's
    Dockerfile copies in whole)."""
    folders = _addon_folders(project)
    if fr.kind != "dockerfile" or not folders:
        return False
    parts = fr.path.split("/")[:-1]  # (an add-on at the top is no bundle's folder; nor a .devcontainer/ one)
    if any(p.startswith(".") for p in parts) or not any("/".join(parts[:i]) in folders for i in range(1, len(parts))):
        return False
    return not project.builds_of_dockerfile(fr.path) and not _maybe_unplaced(project, fr.path) \
        and not _vague_multi_platform(project)


#: ``fn(file_result, project)``: whether every finding of the file is moot in context
MOOT_FILES = (prebuilt_elsewhere, bundled_in_addon)


REFINERS = {"DF003": one_platform_built, "DF013": df013, "DF005": df005, "DF006": built_for_it, "DF008": built_for_it, "BC009": script_built_for, "BC004": bc004, "BC001": bc001, "DC001": own_release, "DC003": dc003, "DF001": own_base, "DF002": own_base,
            "BC006": bc006, "GHA001": pinned_by_dockerfile, "GHA003": emulation_needed, "K8S003": version_variant, "K8S004": version_variant, "K8S001": set_by_tooling, "K8S002": set_by_tooling,
            "K8S005": deployed, "K8S006": deployed, "K8S007": deployed, "K8S008": deployed}
