"""Build-command rules BC001-BC008: container build/push commands wherever they are written
(shell scripts, Makefile recipes, Dockerfile RUN, workflow run: steps, Markdown runbooks).

Every rule reads the same recognised commands, from archlint/commands.py."""
from __future__ import annotations

import re

from ... import exports, platforms as plat
from ...commands import LOCAL_TRANSPORTS, commands_for
from ...images import readers_own, split_ref
from ...model import Edit, Fix, Severity, Span
from ...parsers.make_syntax import tag_part, variable_walk
from ...registry import rule
from ...tooling import example_file
from ...updaters import digest_only
from .local import (build_pushes, deleted_later, digest_read, discarded, group_of, local_use, normal_ref, one_part, readers_build,
                    runner_chosen, runner_platform, text_at as _text_at, versioned, versioned_ref)
from .variants import builds as _builds
from .variants import (as_its_platform, as_written, no_cpu, bundle_image, first_pass_of, linux_os, multi_platform_twin,
                       passes_machine_arch, per_arch_part, windows_image)

_BUILDKIT_OUTPUT_BUILDERS = ("docker", "buildx")

# ---- helpers -------------------------------------------------------------------------------------


def _label(tc) -> str:
    if tc.builder == "buildx":
        return f"docker buildx {tc.verb.value}"
    if tc.action.startswith("manifest-"):
        return f"{tc.tool} manifest {tc.verb.value}"
    if tc.action == "set-image":
        return f"{tc.tool} set image"
    if tc.action == "kube-create":
        return f"{tc.tool} create {tc.verb.value}"
    return f"{tc.tool} {tc.verb.value}"


def _is_make(ctx, tc) -> bool:
    return ctx.kind == "makefile" or getattr(tc.command.snippet, "context", "") == "recipe"


def _valid(value: str):
    return plat.meaning(value)


def _first_platform_span(tc) -> Span:
    for p in tc.platforms:
        if p.flag is not None:
            return p.flag.word.span
    return tc.verb.span


def _env_name(tc) -> str:
    return tc.env_assignment.name if tc.env_assignment is not None else "DOCKER_DEFAULT_PLATFORM"


def _after(span: Span) -> Span:
    return Span(span.end_line, span.end_col, span.end_line, span.end_col)


# ---- BC001 ----------------------------------------------------------------------------------------


def _bc001_exempt(ctx, tc, local) -> bool:
    """The builds BC001 leaves alone, as its documentation lists them."""
    return (local.build(tc)  # built and used on the same machine: its CPU is the right one
            or runner_chosen(tc)  # a workflow that picks its runner per run builds natively on each
            or ctx.targets.met_by(runner_platform(tc))  # a runner of known CPU: that CPU's image, as asked
            or windows_image(tc)  # a Windows image: built on and for a Windows (amd64) host
            or per_arch_part(tc, ctx)  # one architecture's image of a manifest list the file annotates
            or bundle_image(tc, ctx)  # an OLM bundle image: manifests as files, never run
            or passes_machine_arch(tc)  # TARGETARCH handed over from the machine: built for it on purpose
            # the native variant of a multi-platform build beside it
            or (ctx.targets.none and multi_platform_twin(ctx, tc))
            or readers_build(ctx, tc))  # a document's build for the reader's registry


@rule("BC001", "build-without-platform", severity=Severity.WARNING, fix="safe",
      tags=("multi-arch", "build"))
def build_without_platform(ctx):
    """
    ## What it does
    Flags a container build command with no `--platform` and no platform from the environment.

    ## Why is this bad?
    Without a platform, `docker build`, `podman build`, `buildah bud` and `nerdctl build` build for the CPU of
    whatever machine runs them: an Apple-silicon laptop produces `linux/arm64`, a CI runner `linux/amd64`, and the
    image fails with `exec format error` on the other. Most architecture mismatches start here.

    Policy: reported whether or not `platforms` is configured, since the build is host-dependent either way; with
    `platforms` the message names them and a fix is offered, without it the hint says how to configure them. A
    platform from the environment counts: `DOCKER_DEFAULT_PLATFORM=linux/amd64 docker build …` or an `export`
    earlier in the same script or Makefile (set but not exported does not reach the build; the message says so).
    podman and buildah ignore `DOCKER_DEFAULT_PLATFORM` but read `--arch`/`--os`/`--variant`, `--all-platforms`
    and `CONTAINER_DEFAULT_PLATFORM`. Not reported: `docker buildx bake` (its platforms live in the bake file),
    builds with an unresolved `$BUILD_ARGS` or `"$@"` or with options left out (`docker buildx build ...` in a
    guide), either of which may carry `--platform`, and `--check`/`--call`/`--print` runs. An unresolved variable
    elsewhere (in a tag, a `--build-arg`, the context path) does not matter.

    Local builds are not reported: an image built and used in the same Makefile (any of its targets), script,
    workflow job or Markdown runbook (`docker build -t gen . && docker run gen`, `kind load docker-image`,
    `minikube image load`, `k3d image import`) and never pushed from there (a `docker manifest` list of its name,
    made of pushed images, pushes no local one), or tagged only for a registry on this machine (`localhost`,
    `registry.localtest.me`, a `.test` name, k3d's `k3d-NAME`...) or with one-part names the file never re-tags nor pushes
    (thanos' `-t thanos`: no registry takes it), runs on the machine that built it; a build after `eval $(minikube
    docker-env)` in its script or block (not after `docker-env -u`) runs on the cluster's node, built for its CPU;
    so does a build that names no image (no `-t` or only a placeholder such as `-t TAG`, no
    `--manifest`, no push, no `--iidfile`: `docker build .`, `docker buildx build -o out .`, the flag examples of
    reference pages), and a build in a Markdown document that the document never pushes (a tutorial, a reference
    page, an issue-reporting guide: the reader builds for their own machine; a release runbook pushes what it
    builds) or pushes only the reader's names (`mycompany/app`, `<YOUR_REGISTRY>/app`, `foo/app`, `your-registry.example.com/app`, `registry.mycompany.com/app`, a host under a domain reserved for examples: `registry.example.com/app`, a domain named for the reader's registry: `myregistry.io/app`, a one-part `myapp:1.0` nobody can push); and so does the local twin of a build that pushes itself: a `--load` build whose every tag another
    build of the same Makefile, script or job builds and pushes with `--push` (that build sends its own result and
    is judged itself); so does one built in a CI job that never logs in to a registry nor pushes (the runner is
    discarded). Nor is a build in a workflow job whose `runs-on` is an expression (`${{ matrix.runner }}`, `${{
    inputs.runs-on }}`): the workflow picks the machine per run, the way workflows build natively on an amd64 and
    an arm64 runner (jupyter/docker-stacks), and which CPU that is cannot be known here. Nor a build of a Windows
    image (in a job on a `windows-*` runner, of a Dockerfile named for Windows: `Dockerfile.windows`, or tagged
    only with names of Windows images: dapr's `windows-base`): Windows images are built natively on a Windows
    host, for it. Nor a build that passes the architecture it builds for as a build argument (`--build-arg
    ARCH=$(ARCH)`, `target=spo-$ARCH`) in a file that assembles the per-architecture images with `docker manifest annotate --arch`
    (cluster-api, kube-state-metrics): each image is listed under the architecture it holds; nor one tagged as the
    members of a list the file creates whose tags start with an architecture variable (sonobuoy's `:$2-$V`). Nor a build of
    `bundle.Dockerfile`, operator-sdk's OLM bundle image, or of names the file gives `opm index add --bundles` or
    `operator-sdk run bundle`: manifests as files in a `scratch` image, which OLM unpacks and never runs. Nor one that hands the Dockerfile its `TARGETARCH` or `TARGETPLATFORM` from
    a value archlint cannot resolve (jaeger's `--build-arg TARGETARCH=$(shell go env GOARCH)`,
    actions-runner-controller's `TARGETPLATFORM ?= $(shell arch)`): the classic builder's way of building for its
    own machine on purpose (a literal value is BC004's). Without configured `platforms`, nor a build on a runner
    of known CPU (GitHub-hosted `ubuntu-latest`, `ubuntu-24.04-arm`; labels naming it, `[self-hosted, x64]`,
    `ubuntu-x64`) or in a script's branch for the machine's own CPU (`if [ "$(uname -m)" = "x86_64" ]`): its image is that CPU's on every run (kubeflow/pipelines' tool images), nor a build whose every
    name the same file also builds for several platforms (keda's `docker-build` beside `publish-multiarch`) or for
    platforms from an unresolved variable (karmada's `--platform "${platforms}"`), or whose Dockerfile, context
    and build arguments it builds for several platforms under unknown names (contour's `multiarch-build`): the
    native variant written next to it. In a whole run, with every file read (the project model), a build is
    reported only where its image reaches a registry (it pushes itself, or a file does; a Makefile push in a
    target whose prerequisites build the name sends their build only; a document's push to the reader's names,
    `$YOUR_DOCKER_REPO/app`, the reader's), not where the final stage pins its platform
    (`FROM --platform=linux/${ARCH}`) or stands on one architecture's image (`debian-base-amd64`, `arm32v7/python:${V}`) or holds only
    files copied in by paths written out (every stage `FROM scratch`: the copied binaries' CPU), nor where it is a variant of a published build (README: "Per-file rules
    judged again"), nor where it cannot run: its Dockerfile, named or its context's, exists nowhere, or it is in a
    variant Makefile (`Makefile.docker`) that no file archlint reads includes, runs with `make -f` or names.

    ## Example
    ```shell
    docker build -t registry.example.com/app:1.4.2 .
    docker push registry.example.com/app:1.4.2
    ```

    ## Use instead
    ```shell
    docker build --platform linux/amd64 -t registry.example.com/app:1.4.2 .
    docker push registry.example.com/app:1.4.2
    ```

    ## Fix
    With `platforms` configured, inserts `--platform <configured platforms>` after the build sub-command. Safe
    with one configured platform; with several it is offered as unsafe, because a multi-platform build also needs
    `--push` (buildx) or `--manifest` (podman) to keep the result.
    """
    local = local_use(ctx)
    for tc in _builds(ctx):
        if tc.platform_source != "none" or tc.opaque or tc.no_image or _bc001_exempt(ctx, tc, local):
            continue
        label = _label(tc)
        note = ""
        if tc.unexported is not None and tc.unexported.word is not None:
            note = (f" {tc.unexported.name} is set on line {tc.unexported.word.span.line} but not exported,"
                    " so the build does not see it.")
        elif tc.ignored_env is not None:
            note = f" {tc.tool} ignores DOCKER_DEFAULT_PLATFORM."
        fix = None
        targets = ctx.targets
        if targets:
            value = targets.value
            hint = f"add --platform {value}"
            fix = Fix(
                f"Add --platform {value}",
                (Edit(_after(tc.verb.span), f" --platform {value}"),),
                safe=targets.single is not None,
            )
        else:
            hint = ("add --platform for the machines the image runs on (e.g. --platform linux/amd64); "
                    "set `platforms` in [tool.archlint] to have archlint check and fix it")
        yield ctx.report(
            tc.verb.span,
            f"{label} has no --platform, so the image is built for the CPU of the machine that runs it.{note}",
            hint=hint,
            fix=fix,
            key=label,
        )


# ---- BC002 ----------------------------------------------------------------------------------------

#: an architecture (or OS) word in an image name or tag: per-architecture builds of one image
_ARCH_WORD = re.compile(
    r"(?<![a-z0-9])(?:amd64|arm64|aarch64|x86_64|x86-64|armv[5-8]l?|armhf|armel|arm|ppc64le|s390x|i?386"
    r"|riscv64|mips64le|linux)(?![a-z0-9])"
)


def _image_key(tc) -> str | None:
    """The image a build makes, for comparing the builds of one image: its first tag without
    the tag part and without architecture words (``app:1.4-arm64`` and ``app-amd64:1.4`` are
    builds of ``app``); None for a build without a tag."""
    for im in tc.images:
        if im.role == "tag":
            head, slash, last = im.value.lower().rpartition("/")
            name = _ARCH_WORD.sub("", head + slash + last.split("@", 1)[0].split(":", 1)[0])
            return re.sub(r"[-_.]{2,}", "-", name).strip("-_./")
    return None


@rule("BC002", "build-platform-mismatch", severity=Severity.ERROR, tags=("multi-arch", "build"))
def build_platform_mismatch(ctx):
    """
    ## What it does
    Flags a build whose `--platform` leaves out a configured target platform.

    ## Why is this bad?
    The configured `platforms` are where the image has to run. A build for fewer platforms ships
    an image that fails with `exec format error` on the missing ones. A build for more platforms
    than configured is not reported: publishing extra platforms cannot break the configured ones.

    Only compared when `platforms` is configured and every value is literal (a `$VAR` is
    trusted). Each image is judged by its own builds: per-architecture builds are recognised when
    the builds of one image in a file together cover the configured platforms (`--platform
    linux/amd64 -t app:1-amd64` in one command, `--platform linux/arm64 -t app:1-arm64` in
    another, then a manifest); a build of another image does not cover it. Builds whose image is
    only used on the machine that built it (see BC001), and builds that export files
    (`--output=.`, `-o type=local`/`type=tar`: binaries, an APK) rather than an image, are not
    compared. An overridable default
    that names a single platform (`TARGET_ARCH ?= linux/amd64` then `--platform $(TARGET_ARCH)`
    in a Makefile, `${PLATFORM:-linux/amd64}` in a script) is a per-architecture knob the caller
    sets (`make image TARGET_ARCH=linux/arm64`) and is trusted, unless the same command pushes
    (`--push`: the default is what a bare `make` publishes); a default that lists several
    platforms is the set the file builds and is compared. Values from
    `DOCKER_DEFAULT_PLATFORM` and `docker buildx bake --set *.platform=` are compared too.
    Invalid values are BC008's.

    ## Example
    ```shell
    # platforms = ["linux/amd64", "linux/arm64"]
    docker buildx build --platform linux/amd64 --push -t registry.example.com/app:1.4.2 .
    ```

    ## Use instead
    ```shell
    docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
    ```

    ## Fix
    No automatic fix: changing the platform list changes what is built and published.
    """
    targets = ctx.targets
    if targets.none:
        return
    local = local_use(ctx)
    tcs = [tc for tc in commands_for(ctx) if tc.action in ("build", "bake") and tc.platforms
           and tc.platforms_known and not local.build(tc) and not _overridable_default(ctx, tc)
           and not _exports_files(tc)]
    unions: dict[str | None, list] = {}  # image -> the platforms its builds cover together
    for tc in tcs:
        unions.setdefault(_image_key(tc), []).extend(
            p for p in (_valid(v.value) for v in tc.platforms) if p is not None)
    for tc in tcs:
        ps = [_valid(pv.value) for pv in tc.platforms]
        if not ps or None in ps:
            continue  # an invalid item (BC008's): what was meant is unknown
        union = unions.get(_image_key(tc), ())
        missing = [c for c in targets.missing(ps) if not any(c.matches(u) for u in union)]
        if missing:
            label = _label(tc)
            names = ", ".join(str(c) for c in missing)
            s = "s" if len(missing) > 1 else ""
            yield ctx.report(
                _first_platform_span(tc),
                f"{label} leaves out the configured platform{s} {names}, so the image will not run there.",
                hint=f"build for {targets.value}",
                key=f"{label} missing {names}",
            )


def _exports_files(tc) -> bool:
    """A build whose result is files written on this machine (``--output=.``, ``-o
    type=local,dest=out``, ``type=tar``: an APK, binaries), not an image anything runs."""
    outs = [_output_type(f.value) for f in tc.flags if f.name in ("-o", "--output") and f.value]
    return bool(outs) and all(o in ("local", "tar") for o in outs) and not build_pushes(tc)


def _overridable_default(ctx, tc) -> bool:
    """Whether the build's only platform comes from an overridable default: ``${PLATFORM:-…}``
    in a script, ``PLATFORM ?= …`` in a Makefile (through other variables too).  The caller
    picks one architecture per run (``make image TARGET_ARCH=linux/arm64``): a knob, trusted
    like ``linux/$(ARCH)``.  A default listing several platforms is the set the file builds,
    and so is the default of a build that pushes in the same command (``--push``): what a bare
    ``make`` publishes."""
    if len(tc.platforms) != 1 or build_pushes(tc):
        return False
    pv = tc.platforms[0]
    return pv.defaulted or _make_default(ctx, tc, pv.span)


def _make_default(ctx, tc, span, tag_only: bool = False) -> bool:
    """Whether what is written at ``span`` of a Makefile recipe reaches a ``?=`` default
    (through other variables too): a value the caller of make may override.  With
    ``tag_only``, only the tag part of an image reference written there counts
    (``${REPO}:latest`` is a latest written out, whatever ``REPO`` is)."""
    if ctx.kind != "makefile" or not hasattr(ctx.model, "lookup"):
        return False
    written = _text_at(ctx, span) or ""
    target = getattr(tc.command.snippet, "group", None)
    # names (per target) known to reach no default: kept for the file's other builds, so the
    # builds of a file together walk each variable once, not once per build
    none_reached = ctx.cached("bc002.no_default", dict).setdefault((id(target), tag_only), set())
    seen: list = []
    for name, var in variable_walk(lambda n: ctx.model.lookup(n, target), written,
                                   tag_part if tag_only else None, none_reached):
        seen.append(name)
        if var is not None and not var.dynamic and var.op == "?=" and var.raw.strip():
            return True
    none_reached.update(seen)  # the whole closure was walked without finding one
    return False


#: a character no platform has: an overridable default holding one is a placeholder
_NOT_PLATFORM_CHARS = re.compile(r"[^A-Za-z0-9_./,\s-]")


# ---- BC003 ----------------------------------------------------------------------------------------


def _output_type(value: str) -> str:
    return exports.attrs(value).get("type", "")


#: a file saying its builds need Docker's containerd image store, which holds multi-platform images
#: ("requires containerd image store", "configured to use containerd storage", daemon.json's
#: ``"containerd-snapshotter": true``); the words before it must not deny it ("does not require")
_CONTAINERD_STORE = re.compile(
    r"(?:requires?|required|needs?|must\s+use|enabled?|enables|configured\s+to\s+use|turn\s+on)[ \t]+"
    r"(?:the[ \t]+|docker'?s[ \t]+)?containerd[ \t_-]*(?:image[ \t_-]*)?(?:store|storage|snapshotter)"
    r"|\"containerd-snapshotter\"[ \t]*:[ \t]*true", re.I)
_DENIED = re.compile(r"(?:\bnot|n't|\bno|\bnever|\bwithout)\W+(?:\w+\W+){0,3}$", re.I)


def _needs_containerd_store(text: str) -> bool:
    """Whether ``text`` says its builds need Docker's containerd image store (``_CONTAINERD_STORE``)."""
    return any(not _DENIED.search(text[max(0, m.start() - 40):m.start()]) for m in _CONTAINERD_STORE.finditer(text))


@rule("BC003", "multi-platform-load", severity=Severity.WARNING, tags=("multi-arch", "build"))
def multi_platform_load(ctx):
    """
    ## What it does
    Flags a build for more than one platform with `--load` or `--output type=docker`.

    ## Why is this bad?
    `--load` exports to Docker's classic image store, which holds one image per tag and cannot
    hold a manifest list: BuildKit fails with "docker exporter does not currently support
    exporting manifest lists" (or, on some versions, keeps only one architecture). It works only
    with the containerd image store enabled, which most CI runners do not have.

    ## Example
    ```shell
    docker buildx build --platform linux/amd64,linux/arm64 --load -t app:1.4.2 .
    ```

    ## Use instead
    ```shell
    docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
    # or, to test locally, load the host's platform only:
    docker buildx build --platform linux/amd64 --load -t app:1.4.2 .
    ```

    Not reported in a file that says its builds need that store ("requires containerd image
    store", "configured to use containerd storage", `containerd-snapshotter`: tempo's and
    opentelemetry-demo's Makefiles): its author chose the store the load needs.

    ## Fix
    No automatic fix: pushing, loading one platform or using the containerd store are different
    choices.
    """
    store = None  # whether the file says its builds need the containerd store: read only for a candidate
    for tc in commands_for(ctx):
        if tc.action not in ("build", "bake") or tc.builder not in _BUILDKIT_OUTPUT_BUILDERS:
            continue
        if not tc.multi_platform:
            continue
        for f in tc.flags:
            if f.name == "--load" and (f.value is None or f.value.lower() in ("true", "1")):
                what = "--load"
            elif f.name in ("-o", "--output") and f.value is not None and _output_type(f.value) == "docker":
                what = f"{f.name} type=docker"
            else:
                continue
            if store is None:
                store = _needs_containerd_store(ctx.source.text)
            if store:
                return
            yield ctx.report(
                f.word.span,
                f"{_label(tc)} builds {tc.platform_count} platforms with {what}, but Docker's classic image store"
                " cannot hold a multi-platform image.",
                hint="use --push (or --output type=oci/registry), or --load with a single --platform",
                key=f"{_label(tc)} {what}",
            )


# ---- BC004 ----------------------------------------------------------------------------------------


def _removal(tc, f) -> Edit:
    snip = f.word.snippet
    end_word = f.value_word or f.word
    start, end = f.word.start, max(end_word.end, f.word.end)
    text = snip.text
    while end < len(text) and text[end] in " \t":
        end += 1
    return Edit(snip.span(start, end), "")


@rule("BC004", "platform-build-arg", severity=Severity.WARNING, fix="unsafe",
      tags=("multi-arch", "build"))
def platform_build_arg(ctx):
    """
    ## What it does
    Flags `--build-arg` for a target platform argument BuildKit sets itself: `TARGETARCH`, `TARGETPLATFORM`,
    `TARGETOS`, `TARGETVARIANT`. Not the build platform's (`BUILDPLATFORM`, `BUILDARCH`...): those say where a
    stage runs, not what the image holds (11 lines judged, none worth acting on: gcp-pd-csi's
    `BUILDPLATFORM=linux`, apiserver-network-proxy's `BUILDARCH`).

    ## Why is this bad?
    BuildKit, podman and buildah set these per target platform. Passing one by hand overrides
    that for every platform of the build: `--platform linux/amd64,linux/arm64 --build-arg
    TARGETARCH=amd64` puts amd64 binaries into the arm64 image too. Repeating the flag does not
    help: only the last value is kept, and it is used for all platforms. Also reported as
    `docker buildx bake --set *.args.TARGETARCH=…`. Not reported, once, on a build without `--platform` whose
    value archlint cannot resolve, whatever the build's other such flags (jaeger's `TARGETARCH=$(shell go env GOARCH)`): the builder would set the
    build machine's own architecture, the value may well be that, and the classic builder needs it passed. Nor
    the value of the one platform the build names (`--platform $(GOOS)/$(GOARCH) --build-arg
    TARGETARCH=$(GOARCH)`, `--platform linux/amd64 --build-arg TARGETARCH=amd64`, podman's and buildah's `--arch`
    and `--os`: kcp's `--arch "$arch" --build-arg TARGETARCH=$arch`, or no `--platform` in a
    workflow job on a known runner, `ubuntu-latest`'s `amd64`), or `TARGETOS=linux` where every platform named is
    Linux's or none is named (kaniko's): what the builder sets anyway; nor where that one
    platform and the value are both unknown (harbor's `$(PLATFORM)`, `$(TARGETARCH)`); nor where no Dockerfile
    the build reads declares the argument or uses it in a `FROM`: it sets nothing (nor where its Dockerfile is
    missing: XF005's); nor, on a build without `--platform`, an empty `TARGETPLATFORM` (skipper's) or a literal value
    that names no platform, OS, CPU nor variant (netbird's `TARGETPLATFORM=.` for a Dockerfile's `COPY
    ${TARGETPLATFORM}/app`): no CPU.

    ## Example
    ```shell
    podman build --platform linux/amd64,linux/arm64 --manifest app \\
        --build-arg TARGETARCH=amd64 --build-arg TARGETARCH=arm64 .
    ```

    ## Use instead
    ```shell
    podman build --platform linux/amd64,linux/arm64 --manifest app .
    ```
    and in the Dockerfile declare `ARG TARGETARCH` in the stage that uses it.

    ## Fix
    Removes the `--build-arg` and its value. Unsafe: the Dockerfile may need `ARG TARGETARCH`
    declared in the stage to receive BuildKit's value.
    """
    for tc in commands_for(ctx):
        if tc.action not in ("build", "bake"):
            continue
        found = []
        for f in tc.flags:
            if f.value is None:
                continue
            if tc.action == "build" and f.name == "--build-arg":
                name, eq, val = f.value.partition("=")
            elif tc.action == "bake" and f.name == "--set":
                key, eq, val = f.value.partition("=")
                parts = key.split(".")
                if len(parts) < 3 or parts[-2] != "args":
                    continue
                name = parts[-1]
            else:
                continue
            name = name.strip()
            if name in plat.TARGET_ARGS and not (tc.platform_source == "none" and no_cpu(f, name, val if eq else None)):
                found.append((f, name, val if eq else None))
        counts: dict[str, int] = {}
        for _, name, _ in found:
            counts[name] = counts.get(name, 0) + 1
        shown_of = {id(f): as_written(f, name, val, tc.action == "bake") for f, name, val in found}
        last: dict[str, str | None] = {name: shown_of[id(f)].partition("=")[2] or None for f, name, _v in found}
        for f, name, val in found:
            shown = shown_of[id(f)]
            if counts[name] == 1 and tc.platform_source == "none" and f.dynamic:
                continue  # a native build given its own machine's value, perhaps: unknown
            if counts[name] == 1 and (as_its_platform(tc, name, f) or linux_os(tc, name, val)):
                continue  # the value the builder sets for the one platform named: no effect
            msg = f"{f.name} {shown} overrides the {name} that the builder sets for each target platform."
            if counts[name] > 1:
                lv = last[name]
                msg += (f" {name} is passed {counts[name]} times and only the last"
                        f"{f' ({lv})' if lv is not None else ''} is used, for every platform.")
            yield ctx.report(
                f.word.span,
                msg,
                hint=f"remove it; declare `ARG {name}` in the Dockerfile stage that uses it",
                fix=Fix(f"Remove {f.name} {shown}", (_removal(tc, f),), safe=False),
                key=f"{_label(tc)} {name}",
            )


# ---- BC005 ----------------------------------------------------------------------------------------


@rule("BC005", "multi-platform-without-manifest", severity=Severity.ERROR, fix="unsafe",
      tags=("multi-arch", "build"))
def multi_platform_without_manifest(ctx):
    """
    ## What it does
    Flags `podman build`/`buildah build` for several platforms without `--manifest`.

    ## Why is this bad?
    podman and buildah build each platform as a separate image; only `--manifest <list>` collects
    them into a manifest list. With `-t` alone the tag ends up on whichever platform was built
    last, and a following `podman manifest push` has no list to push (or pushes one
    architecture).

    ## Example
    ```shell
    podman build --platform linux/amd64,linux/arm64 -t quay.io/example/app:1.4.2 .
    podman manifest push quay.io/example/app:1.4.2
    ```

    ## Use instead
    ```shell
    podman build --platform linux/amd64,linux/arm64 --manifest quay.io/example/app:1.4.2 .
    podman manifest push quay.io/example/app:1.4.2
    ```

    ## Fix
    When the command has exactly one `-t`/`--tag`, replaces it with `--manifest` (same name).
    Unsafe: a manifest list is not an image, so later `podman run`/`podman tag` of that name
    behave differently.
    """
    for tc in _builds(ctx):
        if tc.builder not in ("podman", "buildah"):
            continue
        if not tc.multi_platform or tc.has("--manifest") or tc.opaque:
            continue
        fix = None
        tags = tc.all("-t", "--tag")
        if len(tags) == 1:
            f = tags[0]
            raw = f.word.raw
            if f.word.value == raw and (raw == f.name or raw.startswith(f.name + "=")):
                s = f.word.start
                span = f.word.snippet.span(s, s + len(f.name))
                if _text_at(ctx, span) == f.name:
                    fix = Fix(f"Replace {f.name} with --manifest", (Edit(span, "--manifest"),), safe=False)
        count = "all" if tc.platform_source == "all" else str(tc.platform_count)
        where = tc.flag("--all-platforms").word.span if tc.platform_source == "all" else _first_platform_span(tc)
        yield ctx.report(
            where,
            f"{_label(tc)} builds {count} platforms without --manifest, so no manifest list is created.",
            hint="use --manifest <name> instead of -t <name>, then `podman manifest push <name>`",
            fix=fix,
            key=_label(tc),
        )


# ---- BC006 ----------------------------------------------------------------------------------------

_REF_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@")


def _looks_like_ref(value: str) -> bool:
    if not value or not set(value) <= _REF_CHARS:
        return False
    name = split_ref(value)
    if name is None:
        return False
    last = name[0].rsplit("/", 1)[-1]
    return bool(last) and last == last.lower() and last[0].isalnum()


@rule("BC006", "latest-tag", severity=Severity.WARNING, tags=("image", "reproducibility"))
def latest_tag(ctx):
    """
    ## What it does
    Flags an image tagged, pushed or deployed as `latest`, or without a tag (which means `latest`).

    Covered: `-t img:latest` and `-t img` of a build, `docker push img:latest`, `docker tag … img:latest`, `docker
    manifest create img`, `kubectl run --image img:latest`, `kubectl set image … =img`, `kubectl create deployment …
    --image img`.

    ## Why is this bad?
    `latest` is a mutable pointer. Whoever pulls it gets whatever was pushed last, from any branch and for any
    architecture; a rollback cannot name the previous image; nodes that cached an older `latest` run different code from
    nodes that pulled a newer one. A one-off pod (`kubectl run --rm -it debug --image=busybox`, or one the same script
    deletes by name after it, `kubectl delete pod debug`, the name written alike: `backup-$TS`, not `r-$(date +%s)`) or
    probe deployment or job (`kubectl create deployment probe`, `kubectl delete deployment probe`) is not reported.

    Not reported when the value is a variable archlint cannot resolve (`-t "$IMAGE"`), nor when the `latest` is a
    Makefile's overridable default (`IMG ?= controller:latest`, `TAG ?= latest`, kubebuilder's and jaeger's: the release
    calls `make docker-push IMG=...:v1.2`, the default is a developer's, and so is flux's `kubectl set image ...
    =${IMG}`); reported when a shell variable's default in the same file is `latest` (`${VERSION:-latest}`), unless it
    is the tag of a build the file never pushes. A build that also tags another tag (`-t app:$(VERSION) -t app:latest`)
    is not reported, nor a build, `docker tag`, `docker push` or `docker manifest create` of `app:latest` next to a
    push, tag, build or manifest list of `app:<version>` (or of a tag the caller of make names; or a list of the version's
    per-CPU images, hatchet's `manifest create api:latest api:${{ ...tag }}-amd64 ...`) in the same Makefile
    target, script or run step, or a release-only workflow's beside another's push of a version (answer's, on `v*` tags): the immutable tag is
    there to deploy by, latest is the usual moving alias; so is a push whose script then reads its digest (`docker
    inspect --format '{{.RepoDigests}}'`, `imagetools inspect`, `crane digest`) to pin consumers by it (tilt's CI
    images). Images that stay on the machine (see BC001: in a whole run, a build or `docker tag` whose image no file is
    seen pushing, a tag in a CI job that never logs in nor pushes), images for a registry on `localhost`, and a one-part
    name a build gives (`docker build -t ssh-ubuntu-focal ...`: tailscale's test containers; go-dnscollector's `-t
    go-dnscollector`, then `docker tag`-ged to its Docker Hub names, whose tags are judged) are not reported. In documentation and examples (`docs/`, `examples/`, `samples/`, `tutorials/`...)
    builds, tags and pushes are not reported: the image is the reader's own and the reader picks its tag (`docker push
    registry-host:5000/myadmin/rhel-httpd:latest` on a reference page); a deployment there (`kubectl run`, `kubectl set
    image`) is the document's choice and is reported, in a whole run only of an image the repository builds (a
    tutorial's `kennethreitz/httpbin` is its demo). So, in any file, is an image whose namespace addresses the reader
    (`your-registry/autogluonserver`, `docker_user_name/lgbserver`, `myorg/app`: kserve's READMEs) or registry (`registry.example.com/`, `myregistry.io/`). Nor a deployed image
    with no version tags (httpbin's original: see DF001; no updater moves a digest in a script). Nor a build whose
    Dockerfile does not exist, or the push of an image only such builds make (XF005 reports the build). Where the
    repository publishes an image under `latest` alone (every build of every Dockerfile that builds it tags only
    `latest`, none a tag not known here, and no push sends another: a demo sidecar's), the build's finding names the
    manifests that deploy it, which have no version to pin until the build publishes one (K8S001 reports them too).

    ## Example
    ```shell
    docker build -t registry.acme.io/app:latest .
    docker push registry.acme.io/app:latest
    ```

    ## Use instead
    ```shell
    TAG=$(git rev-parse --short HEAD)
    docker build -t registry.acme.io/app:$TAG .
    docker push registry.acme.io/app:$TAG
    ```

    ## Fix
    No automatic fix: archlint cannot choose your versioning scheme.
    """
    local = local_use(ctx)
    tagged = versioned(ctx)
    # documentation and examples: what a reader builds, tags and pushes is the reader's own image,
    # whose tag the reader picks; what they deploy is the document's choice (still reported)
    readers = example_file(ctx)
    for tc in commands_for(ctx):
        if not tc.images:
            continue
        if tc.tool == "podman" and tc.action == "manifest-create":
            continue
        if tc.action == "build" and local.build(tc) or tc.action == "tag" and discarded(tc):
            continue  # an image that stays on the machine that built it (or a CI runner's, discarded)
        if tc.action == "kube-run" and tc.has("--rm") or tc.action in ("kube-run", "kube-create") and deleted_later(ctx, tc):
            continue  # a one-off pod deleted when it exits (a debug shell, a curl), or by name after
        # a build that also tags the image with another tag: the immutable one is there
        beside = tc.action == "build" and any(versioned_ref(im.value, im.dynamic) for im in tc.images)
        sub = "$$(git rev-parse --short HEAD)" if _is_make(ctx, tc) else "$(git rev-parse --short HEAD)"
        for im in tc.images:
            if im.dynamic or not _looks_like_ref(im.value) or im.value.startswith(LOCAL_TRANSPORTS):
                continue  # (``podman push x docker-daemon:...``: a copy into this machine's store)
            name, tag, digest = split_ref(im.value)
            if digest or tag not in (None, "latest") or im.role == "image" and digest_only(ctx, name, None):
                continue  # (a deployed image with no version tags, in a file no updater reads)
            if beside or local.name(tc, im.value) or (readers or readers_own(im.value)) and im.role != "image":
                continue
            if tc.action == "build" and one_part(im.value):
                continue  # a one-part name no registry takes: a local name (pushed, it is under another name, judged there)
            if im.role in ("push", "tag-target", "manifest", "tag") \
                    and ((name, group_of(tc)) in tagged or digest_read(ctx, tc, (name, _text_at(ctx, im.span)))):
                continue  # latest moved next to a versioned tag of the same image, or the pushed digest read
            if (im.role != "image" or tc.action == "set-image") and _make_default(ctx, tc, im.span, tag_only=True):
                continue  # `TAG ?= latest`, `IMG ?= controller:latest`: the caller of make names it
            if tc.action == "build" and not build_pushes(tc) \
                    and normal_ref(im.value) not in local.pushed.get(group_of(tc), ()) and im.defaulted:
                continue  # `${TAG:-latest}` for a build this file never pushes: the caller names it
            via = " (the default of a variable in this file)" if im.defaulted else ""
            what = {
                "tag": "tags the image",
                "push": "pushes",
                "tag-target": "tags",
                "manifest": "creates the manifest list",
                "image": "deploys",
            }.get(im.role, "uses")
            msg = f"{_label(tc)} {what} {im.value}{via}: latest is a mutable tag." if tag == "latest" else \
                f"{_label(tc)} {what} {im.value}{via} without a tag, which means {name}:latest, a mutable tag."
            yield ctx.report(
                im.span,
                msg,  # (a deployed image: its publisher's release, which a commit of this repository does not name)
                hint=f"pin a release of the image: {name}:<version>" if im.role == "image"
                else f"use an immutable tag such as the commit SHA: {name}:{sub}",
                key=f"{_label(tc)} {im.value}",
            )


# ---- BC007 ----------------------------------------------------------------------------------------


@rule("BC007", "multi-platform-no-output", severity=Severity.WARNING, tags=("multi-arch", "build"))
def multi_platform_no_output(ctx):
    """
    ## What it does
    Flags `docker buildx build` for several platforms with neither `--push`, `--load` nor
    `--output`.

    ## Why is this bad?
    With a `docker-container` (or Kubernetes, remote) builder the result of such a build stays in
    the build cache: nothing is pushed, nothing is loaded, and buildx only prints a warning. The
    step looks green while the image that the next step pushes or deploys is an old one. (The
    Docker daemon's own builder keeps a multi-platform result only with the containerd image
    store, and refuses the build without it; the message says which builders it is about.)

    Not reported: a build with `--cache-to` (it warms a cache on purpose), and a first pass: a
    build whose tags another build in the same file pushes, or which another build there pushes
    with the same Dockerfile, context, build arguments and platforms under other tags (dapr's
    check build before `--push` from the cache), where the file runs none of its tags.

    ## Example
    ```shell
    docker buildx build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1.4.2 .
    ```

    ## Use instead
    ```shell
    docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
    ```

    Not reported for a build that names no image (no `-t`, no `--iidfile`) where nothing pushes: a check that
    every platform builds, a benchmark that times the build (prefect's), a reference page showing the
    `--platform` syntax; nothing can push or load a result that has no name.

    ## Fix
    No automatic fix: whether to push or export is a choice.
    """
    pushing = [tc for tc in _builds(ctx) if build_pushes(tc)]
    pushed = {normal_ref(im.value) for tc in pushing for im in tc.images}
    local = local_use(ctx)
    for tc in _builds(ctx):
        if tc.builder != "buildx" or not tc.multi_platform:
            continue
        if tc.output_flags() or tc.no_image or tc.opaque:
            continue
        if tc.has("--cache-to"):
            continue  # warms a cache on purpose
        if tc.images and all(normal_ref(im.value) in pushed for im in tc.images) or first_pass_of(tc, pushing) \
                and not any(local.name(tc, im.value) for im in tc.images):
            continue  # a first pass: another build of the file pushes it from the cache (and none runs its tags)
        if not tc.images and local.build(tc):
            continue  # names no image: a check that it builds, a benchmark, a document's example of the syntax
        yield ctx.report(
            _first_platform_span(tc),
            f"{_label(tc)} builds {tc.platform_count} platforms without --push, --load or --output,"
            " so on a docker-container or remote builder the result only stays in the build cache.",
            hint="add --push (or --output type=registry / type=oci,dest=…)",
            key=_label(tc),
        )


# ---- BC008 ----------------------------------------------------------------------------------------


@rule("BC008", "invalid-platform", severity=Severity.ERROR, fix="safe", tags=("multi-arch", "build"))
def invalid_platform(ctx):
    """
    ## What it does
    Flags a platform value in `--platform` of a build, bake (`--set *.platform=`), run or push,
    and in `DOCKER_DEFAULT_PLATFORM`, that the tool rejects or that names no known OS or
    architecture. As info, it also flags another spelling of a platform (`linux/x86_64`) and an
    architecture without OS (`amd64`); as a warning, an OS without architecture (`linux`).

    ## Why is this bad?
    The tool rejects it at build time (`linux/amd46`, `linux/arm64/v9`) or finds no image for it.
    `--platform linux` builds for the machine that runs the command, as no `--platform` would.
    Values are read as the build reads them (containerd's platform parser, which BuildKit, docker
    and buildx use; the grammar is in `archlint/platforms.py`): one to three `/`-separated parts,
    lower-cased, with `x86_64`/`x86-64`, `aarch64`, `i386`, `armhf`, `armel` normalised and
    arm's variant `7` read as `v7`. So the same reading as DF009, DC004, GHA004 and the
    configuration. Values with a variable (`linux/${ARCH}`) are trusted, and so is a Makefile's
    overridable default that is a placeholder (`ARCH ?= ???`: every caller passes `ARCH=`), and an
    option taken for the value where a variable expanded empty (`--platform ${PLATFORMS}` then `--build-arg`).

    ## Example
    ```shell
    docker buildx build --platform linux/amd46,linux/aarch64 --push -t registry.example.com/app:1.4.2 .
    ```

    ## Use instead
    ```shell
    docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
    ```

    ## Fix
    Replaces an unknown value with the nearest valid platform (safe) when there is one, and
    another spelling with the build's reading (safe); adds `linux/` to an architecture without
    OS (unsafe). Only where the value is written literally at that place (not from a variable).
    `--platform=local` of a build is BuildKit's name for the build machine's own platform
    (buildx's README builds its binary so): not reported. Nor is an architecture without OS
    given to buildah, which runs on Linux only: `buildah bud --platform arm64` builds
    `linux/arm64` (kubevirt CDI's test registry script).
    """
    seen = set()
    for tc in commands_for(ctx):
        for pv in tc.platforms:
            if pv.dynamic or not pv.value:
                continue
            if pv.value.strip().lower() == "local" and tc.action in ("build", "bake"):
                continue  # BuildKit's name for the build machine's platform (a binary for it)
            if _NOT_PLATFORM_CHARS.search(pv.value) and _make_default(ctx, tc, pv.span):
                continue  # `ARCH ?= ???`: a placeholder every caller replaces (Reloader's release)
            k = (pv.span, pv.value)
            if k in seen:
                continue
            where = _env_name(tc) if pv.origin == "env" else _label(tc)
            f = ctx.invalid_platform(pv.span, pv.value, f"in {where}",
                                     fixable=pv.exact and _text_at(ctx, pv.span) == pv.value,
                                     on_linux=tc.tool == "buildah")  # (buildah runs on Linux only)
            if f is not None:
                seen.add(k)  # (an environment default buildah takes as it is, podman after it may not)
                yield f
