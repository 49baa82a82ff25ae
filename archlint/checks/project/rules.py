"""XF rules: what no single file shows.  Each check reads ``ctx.project`` (a linked
``archlint.project.model.Project``) and reports with ``ctx.report(path, span, message,
related=[(path, span, message)...])``: the related locations name every other file involved."""
from __future__ import annotations

import os

from ... import platforms as plat
from ...model import Severity, Span
from ...tooling import documentation_path
from ...registry import rule


def _arch(platform: str) -> str:
    parts = platform.split("/")
    return parts[1] if len(parts) > 1 else platform


def _related_builds(builds, what: str = "built here") -> list:
    return [(b.path, b.span, f"{what} {b.describe()}") for b in builds[:5]]


def _sites(builds) -> str:
    shown = ", ".join(b.where for b in builds[:3])
    return shown + (f" and {len(builds) - 3} more" if len(builds) > 3 else "")


def _made(builds, each=str) -> set | None:
    """What ``builds`` produce together (``each`` of their platforms: the platform, or its
    architecture), or None when one of them builds for unknown platforms or for whichever
    machine runs it."""
    made: set = set()
    for b in builds:
        t = b.targets()
        if not t:
            return None
        made |= {each(p) for p in t}
    return made


def _uncovered(children, covered) -> tuple[list, object]:
    """(the platforms ``children`` build that ``covered(platform)`` says no, in order, once
    each; the first child building one of them)."""
    wanted: list = []
    child = None
    for c in children:
        for p in c.platforms:
            if p not in wanted and not covered(p):
                wanted.append(p)
                child = child or c
    return wanted, child


def _pushed_builds(ctx, d):
    """The builds of deployment ``d``'s image that reach a registry: pushed by the build itself
    or, under one of its names, by a push anywhere in the repository.  A build that is only
    loaded or kept on its machine does not say what the nodes pull.  Worked out once per list
    ``builds_of`` shares (many deployments of one image cost one filter)."""
    every = ctx.project.builds_of(d.name)
    key = ("pushed", id(every))
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = (every, [b for b in every if b.push and not b.local])
    return hit[1]


def _made_once(ctx, builds, each=str):
    """``_made`` of a list ``_pushed_builds`` returned, worked out once per list."""
    key = ("made", id(builds), each)
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = (builds, _made(builds, each))
    return hit[1]


def _all_machine(ctx, builds) -> bool:
    """Whether every build sets no platform on an unknown machine (once per list)."""
    key = ("machine", id(builds))
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = (builds, all(b.targets() == [] for b in builds))
    return hit[1]


@rule("XF001", "deployed-arch-not-built", kinds=(), severity=Severity.ERROR, tags=("multi-arch", "project"))
def deployed_arch_not_built(ctx):
    """
    ## What it does
    Flags a deployed image whose nodes are pinned to an architecture that none of the
    repository's builds of that image produces. Deployments are Kubernetes pod templates, compose
    services and workflow jobs' containers; the pin is `kubernetes.io/arch` in a `nodeSelector`
    or a required node affinity, compose `platform:`, or a GitHub-hosted runner.

    Builds and deployments are linked by image name across the repository (`docker tag` and
    `podman push SRC DST` give an image more names; a name part written as a variable matches
    anything there). Reported only when every linked build's platforms are known: a build whose
    platforms come from a variable may cover the nodes.

    ## Why is this bad?
    The pod is scheduled onto amd64 nodes and pulls an image that has only arm64 binaries: the
    pull fails with "no matching manifest for linux/amd64", or a single-platform image starts
    and crashes with `exec format error` / `CrashLoopBackOff`.

    ## Example
    ```yaml
    # deploy/api.yaml                       # Makefile
    nodeSelector:                           #   docker buildx build --platform linux/arm64 \\
      kubernetes.io/arch: amd64             #     -t quay.io/acme/api:1.4 --push .
    containers:
      - image: quay.io/acme/api:1.4
    ```

    ## Use instead
    ```makefile
    docker buildx build --platform linux/amd64,linux/arm64 -t quay.io/acme/api:1.4 --push .
    ```

    ## Fix
    None: build the image for the nodes' architecture, or select the nodes it is built for.
    """
    for d in ctx.project.deploys:
        if not d.arch:
            continue
        builds = _pushed_builds(ctx, d)
        if not builds:
            continue
        made = _made_once(ctx, builds, _arch)  # None: unknown, or the build machine's (XF002)
        if made is None:
            continue
        missing = [a for a in d.arch if a not in made]
        if not missing:
            continue
        only = ", ".join(sorted(made))
        yield ctx.report(
            d.path, d.span,
            f"{d.image} runs on {', '.join(missing)} nodes ({d.source}), but its "
            f"build{'s' if len(builds) > 1 else ''} ({_sites(builds)}) produce{'' if len(builds) > 1 else 's'} "
            f"only {only}.",
            hint=f"add linux/{missing[0]} to the build's platforms, or select {only} nodes",
            related=_related_builds(builds),
            key=f"{d.image}@{','.join(missing)}",
        )


@rule("XF002", "deployed-image-built-for-build-machine", kinds=(), severity=Severity.WARNING,
      tags=("multi-arch", "project"))
def deployed_image_built_for_build_machine(ctx):
    """
    ## What it does
    Flags a deployed image whose nodes are pinned to an architecture while every build of it in
    the repository sets no platform, so the image has the CPU of whichever machine ran the
    build.

    ## Why is this bad?
    This is the classic `exec format error`: `docker build` on an Apple Silicon laptop makes an
    arm64 image, the deploy script pushes it, and the amd64 nodes the manifest selects cannot
    run it. Whether it works depends on who ran the script.

    ## Example
    ```sh
    # deploy.sh
    docker build -t registry.local/app:latest .
    docker push registry.local/app:latest
    ```
    ```yaml
    # k8s/app.yaml
    nodeSelector: {kubernetes.io/arch: amd64}
    containers: [{name: app, image: registry.local/app:latest}]
    ```

    ## Use instead
    ```sh
    docker build --platform linux/amd64 -t registry.local/app:latest .
    ```

    ## Fix
    None here; BC001 offers the `--platform` fix at the build.
    """
    for d in ctx.project.deploys:
        if not d.arch:
            continue
        builds = _pushed_builds(ctx, d)
        if not builds or not _all_machine(ctx, builds):
            continue
        yield ctx.report(
            d.path, d.span,
            f"{d.image} runs on {', '.join(d.arch)} nodes ({d.source}), but its "
            f"build{'s' if len(builds) > 1 else ''} ({_sites(builds)}) set{'' if len(builds) > 1 else 's'} no platform: "
            "the image gets the CPU of whichever machine runs the build.",
            hint=f"build with --platform linux/{d.arch[0]}" if len(d.arch) == 1
            else "build with --platform " + ",".join(f"linux/{a}" for a in d.arch),
            related=_related_builds(builds),
            key=d.image,
        )


@rule("XF003", "multi-arch-deploy-single-platform-build", kinds=(), severity=Severity.WARNING,
      tags=("multi-arch", "project"))
def multi_arch_deploy_single_platform_build(ctx):
    """
    ## What it does
    Flags an image deployed to Kubernetes with no architecture constraint (no
    `kubernetes.io/arch` selector or required affinity) while the configured `platforms` lists
    several, so its pods may land on nodes of each, and every build of it in the repository
    produces a single platform. Nodes pinned to an architecture the builds lack are XF001's; a
    compose service runs on the one machine that starts it and is not judged here.

    ## Why is this bad?
    The scheduler places pods on any allowed node; those on the architecture the image lacks
    fail to pull or crash with `exec format error`, typically only after a node pool of the other
    CPU is added.

    ## Example
    ```yaml
    # platforms = ["linux/amd64", "linux/arm64"]; deploy.yaml has no arch constraint
    containers: [{name: api, image: ghcr.io/acme/api:2.0}]
    ```
    while the only build is `docker buildx build --platform linux/amd64 -t ghcr.io/acme/api:2.0 --push .`

    ## Use instead
    Build the image for every platform its pods may land on (`--platform
    linux/amd64,linux/arm64`), or pin the pods with `kubernetes.io/arch`.

    ## Fix
    None.
    """
    for d in ctx.project.deploys:
        if d.arch is None and d.via not in ("container:", "services:", "compose"):
            t = ctx.targets(d.path)
            if not t.several:
                continue
            wanted, why = sorted(t.arches), "no arch constraint; platforms lists " + t.describe()
        else:
            continue
        builds = _pushed_builds(ctx, d)
        if not builds:
            continue
        made = _made_once(ctx, builds, _arch)
        if made is None or len(made) != 1:
            continue
        missing = [a for a in wanted if a not in made]
        if not missing:
            continue
        yield ctx.report(
            d.path, d.span,
            f"{d.image} may run on {', '.join(wanted)} nodes ({why}), but its "
            f"build{'s' if len(builds) > 1 else ''} ({_sites(builds)}) produce{'' if len(builds) > 1 else 's'} "
            f"a single-platform image ({', '.join(sorted(made))}).",
            hint="build it for " + ", ".join(f"linux/{a}" for a in wanted) + ", or pin the pods with kubernetes.io/arch",
            related=_related_builds(builds),
            key=d.image,
        )


def _known(n) -> bool:
    return "*" not in n[0] and "*" not in n[1]


@rule("XF004", "image-built-with-different-platforms", kinds=(), severity=Severity.WARNING,
      tags=("multi-arch", "project"))
def image_built_with_different_platforms(ctx):
    """
    ## What it does
    Flags a build that pushes an image under a name (a complete, literal name) that another build
    in the repository also produces, for other platforms: the Makefile builds
    `quay.io/acme/api:1.0` for amd64 and arm64, a runbook builds and pushes the same tag from a
    laptop without a platform.

    Reported at the build with fewer platforms; local builds (run or loaded where they are
    built, or written to a file: a workflow step's `outputs: type=docker,dest=...` tarball for a
    later job's kind cluster; or kept in the build cache: a `docker/build-push-action` check of
    several platforms with `push: false` and no `load:` nor `outputs:`) and names with a variable
    part are left out (nor do they link two names: `docker tag app:$(TAG) app:dev` says nothing of
    which tag a build of `app:$(TAG)` makes), and so are two builds in the same file
    (keda's `publish` beside `publish-multiarch`, dapr's dev container targets): alternatives
    its author wrote side by side, and two Markdown documents' examples (nerdctl's `faq.md` and
    `multi-platform.md` both build `example.com/foo`). Across files, one file's author may not know of the other.
    A one-part name no registry serves (kubebuilder's `IMG ?= controller:latest` in two operators' Makefiles:
    metalk8s') is no published tag: its push lands nowhere, the caller names the image.

    ## Why is this bad?
    A tag names one image. Whichever build pushes last wins: after the runbook's push the
    multi-platform manifest list is replaced by a single-platform image, and nodes of the other
    architecture start failing with `exec format error` on their next pull.

    ## Example
    ```makefile
    podman build --platform linux/amd64,linux/arm64 --manifest quay.io/acme/api:1.0 .
    ```
    ```sh
    # docs/DEPLOY.md
    podman build -t quay.io/acme/api:1.0 . && podman push quay.io/acme/api:1.0
    ```

    ## Use instead
    Push the tag from one place (`make docker-push`), or give the other build another tag.

    ## Fix
    None.
    """
    from ...images import unserved

    groups: dict = {}
    names = ctx.project.known_aliases()
    for b in ctx.project.builds:
        if b.local or not b.push:
            continue
        # (a one-part name no registry serves, kubebuilder's IMG ?= controller:latest: no push of it
        # lands anywhere, the caller names the image; pushed under another name, that name counts)
        packs = getattr(ctx.settings(b.path), "rule_packs", ())
        own = [t for t in b.tags if _known(t)]
        for n in own + sorted({m for t in own for m in names(t)} - set(own)):
            if not unserved(n[0], packs):
                groups.setdefault(n, []).append(b)
    reported: set = set()
    for name, builds in groups.items():
        if len(builds) < 2:
            continue
        sets = [(b, b.targets()) for b in builds]
        if any(t is None for _, t in sets):
            continue
        widest = max(sets, key=lambda bt: len(bt[1]))
        for b, t in sets:
            if b is widest[0] or id(b) in reported or plat.same(t, widest[1]) or b.path == widest[0].path \
                    or _document(b.path) and _document(widest[0].path):
                continue  # (two builds of one file: alternatives its author wrote side by side; two documents' examples)
            reported.add(id(b))
            from ...project.model import show_name

            what = "the CPU of whichever machine runs it (no --platform)" if not t else ", ".join(t)
            yield ctx.report(
                b.path, b.span,
                f"This build makes {show_name(name)} for {what}, but {widest[0].where} builds the same tag "
                f"for {', '.join(widest[1])}: whichever is pushed last replaces the other.",
                hint=f"build it for {', '.join(widest[1])} here too, or push the tag from one place",
                related=[(widest[0].path, widest[0].span, f"builds {show_name(name)} {widest[0].describe()}")],
                key=show_name(name),
            )


def _document(path: str) -> bool:
    """A Markdown document's build: an example its reader runs (nerdctl's faq.md and multi-platform.md
    both build `example.com/foo`), which another document's example does not race."""
    return path.lower().endswith((".md", ".markdown", ".mdx"))


def _missing_folder(ctx, b) -> str | None:
    """The folder of a missing Dockerfile, as named, when no folder of that name exists where
    the build was looked for (the first place tried): every build of it misses for one cause
    (testkube's goreleaser files, whose `contrib/executor/` was removed)."""
    folder = os.path.dirname(os.path.normpath(b.file or ""))
    tried = os.path.dirname(b.tried[0]) if b.tried else ""
    if not folder or not tried:
        return None
    return None if os.path.isdir(os.path.join(ctx.project.root, tried)) else folder


def _excerpt_in_docs(path: str) -> bool:
    """A build file (not a Markdown page: its steps are the reader's to run) in a documentation
    tree: an excerpt a page shows (skaffold's ``docs-v2/content/en/samples/*.yaml``)."""
    from ...kinds import kind_by_name

    return documentation_path(path) and kind_by_name(os.path.basename(path)) != "markdown"


@rule("XF005", "build-dockerfile-missing", kinds=(), severity=Severity.ERROR, tags=("project", "build"))
def build_dockerfile_missing(ctx):
    """
    ## What it does
    Flags a build whose Dockerfile, named literally, exists nowhere it could be read from. Named
    literally: `-f docker/api.Dockerfile`, build-push-action `file:`, compose `dockerfile:`, a Bake
    target's `dockerfile`. Looked for relative to a Makefile's folder; to a script's or runbook's
    folder or any folder above it up to the repository's top (where it is usually run from); to the
    top (above `.github`) for a workflow; to a compose file's folder or any folder above it (a file
    given after another's `-f` reads its paths from the first one's folder: authelia's suites) and
    its context; to a Bake file's folder or any folder above it (bake reads its paths from where it
    runs: `docker buildx bake -f ci/docker-bake.hcl` at the top). A build after a `cd` to a
    folder not known is not judged, nor one whose context is a git or tarball URL, a variable in it or not (`-f
    tests/Dockerfile "https://github.com/docker/docker-py.git#${COMMIT}"`: a file of that repository), nor one in a Markdown document of a Dockerfile named like no file of the repository
    (contour's guide to building Envoy, `docker build -f ./ci/Dockerfile-envoy` "from the Envoy
    source directory": the reader runs it in another repository's checkout) or found from a folder
    below the document's (kubeedge's mapper-framework README, `docker build -f Dockerfile_stream`
    "after generating the mapper project" from `_template/mapper/`), nor a build file other than a
    Markdown page in a documentation tree (`docs/`, `docs-v2/`: skaffold's
    `docs-v2/content/en/samples/*.yaml` are excerpts its pages show, their Dockerfiles the
    reader's), nor a Dockerfile where git ignores files, or one git ignores by name (fission's skaffold contexts in
    goreleaser's `dist/`, which a Makefile target fills; keylime's `docker/release/.gitignore` listing the Dockerfile
    its `generate-files.sh` writes): a build's output, written before the build; nor one the
    same recipe or script writes first, itself or through a script it runs (`opm generate dockerfile
    DIR` writes `DIR.Dockerfile`: tekton operator's `render-candidate-catalog.sh`; `opm index add --generate`
    `index.Dockerfile`: cockroachdb's `olm_builder.sh`), or a document
    shows in a `dockerfile` block above the build (the reader writes it: gitlab-runner's "Create
    `alpine-upgrade/Dockerfile`"); nor a shell variable's default (`${DOCKER_FILE:-Dockerfile}`:
    the file is its caller's, database-lab-engine's CI jobs each set one), nor a build in a variant
    Makefile (`Makefile.docker`) that no file archlint reads includes, runs with `make -f` or names (jx-gitops': nothing
    runs it). Builds of one
    file that miss the same Dockerfile, or Dockerfiles of a folder that does not exist, are one
    finding, the other builds its related locations (testkube's goreleaser files of removed
    executors: 29 builds, 7 findings).

    ## Why is this bad?
    The build fails (`failed to read dockerfile: open ...: no such file or directory`), usually
    after the Dockerfile was moved or renamed and one caller was forgotten.

    ## Example
    ```makefile
    docker-build:
    	docker build -f build/Dockerfile.api .   # the file is docker/api.Dockerfile now
    ```

    ## Use instead
    ```makefile
    docker-build:
    	docker build -f docker/api.Dockerfile .
    ```

    ## Fix
    None.
    """
    groups: dict = {}  # (file, the missing Dockerfile, or its folder where that is missing too) -> builds
    for b in ctx.project.builds:
        if b.missing and not b.unreached and not _excerpt_in_docs(b.path):
            groups.setdefault((b.path, _missing_folder(ctx, b) or os.path.normpath(b.file or "")), []).append(b)
    for (_path, what), builds in groups.items():
        b, more = builds[0], builds[1:]
        n = f"{len(more)} more build{'s of this file read' if len(more) > 1 else ' of this file reads'}"
        also = "" if not more else f"; {n} it too" if {x.file for x in builds} == {b.file} else (
            f"; {n} other Dockerfiles of {what}/, a folder that does not exist")
        yield ctx.report(
            b.path, b.span,
            f"This build reads the Dockerfile {os.path.normpath(b.file)}, which does not exist "
            f"(looked for {', '.join(b.tried[:3])}){also}.",
            hint="fix the path (-f / file: / dockerfile:)",
            related=[(x.path, x.span, f"reads {os.path.normpath(x.file)}, which does not exist either") for x in more],
            key=b.file or "",
        )


@rule("XF006", "base-built-for-fewer-platforms", kinds=(), severity=Severity.WARNING,
      tags=("multi-arch", "project"))
def base_built_for_fewer_platforms(ctx):
    """
    ## What it does
    Flags a `FROM` of an image that the repository itself builds, when the Dockerfile is built
    for a platform that no build of that base image produces.

    ## Why is this bad?
    `docker buildx build --platform linux/amd64,linux/arm64` of the child pulls the base for each
    platform; the base has no arm64 variant, so the arm64 build fails ("no match for platform in
    manifest"), or, with an old single-platform base, silently gets amd64 binaries that crash
    with `exec format error` on arm64 nodes.

    ## Example
    ```makefile
    base:
    	docker buildx build --platform linux/amd64 -t ghcr.io/acme/base:1 --push base/
    app:
    	docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/acme/app:1 --push app/
    ```
    with `FROM ghcr.io/acme/base:1` in `app/Dockerfile`.

    A build named only in Docker Hub's official namespace (`-t golang:$(GO_VERSION)`: nobody
    outside Docker pushes there) is not the base a child pulls.

    ## Use instead
    Build the base for every platform of the images built from it.

    ## Fix
    None.
    """
    project = ctx.project
    for base in project.bases:
        if base.pinned:
            continue
        children = [b for b in project.builds_of_dockerfile(base.path) if b.platforms]
        if not children:
            continue
        # (a build named only in Docker Hub's official namespace, loki's `-t golang:$(GO_VERSION)`,
        # reaches no registry: a child pulls the official image)
        parents = [b for b in project.builds_of(base.name) if not b.local
                   and not (b.names and all(n[0].startswith("docker.io/library/") for n in b.names))]
        if not parents:
            continue
        made = _made(parents)
        if made is None:
            continue
        wanted, child = _uncovered(children, lambda p: p in made)
        if not wanted:
            continue
        yield ctx.report(
            base.path, base.span,
            f"FROM {base.image}: this Dockerfile is built for {', '.join(child.platforms)} ({child.where}), but the "
            f"repository builds {base.image} only for {', '.join(sorted(made))} ({_sites(parents)}).",
            hint=f"build {base.image} for {', '.join(wanted)} too",
            related=[(child.path, child.span, f"builds this Dockerfile {child.describe()}")]
            + _related_builds(parents, "builds the base image"),
            key=base.image,
        )


@rule("XF007", "base-image-platform-not-published", kinds=(), severity=Severity.ERROR,
      tags=("multi-arch", "project", "lock"))
def base_image_platform_not_published(ctx):
    """
    ## What it does
    Flags a `FROM` of an image the repository does not build itself when a build of the
    Dockerfile (`docker buildx build --platform ...`, a Bake target, a compose build, a workflow
    step) targets a platform that, as `archlint.lock` records, the base image does not publish.

    ## Why is this bad?
    The build of that platform fails ("no match for platform in manifest"), or, where the tool
    falls back to the image's only platform, ships binaries of another CPU: `exec format error` on
    the nodes. The text of the Dockerfile cannot show it; the registry can, and `archlint lock`
    wrote down what it said. Platforms that are configured `platforms` are PL001's (the base image
    of a target stage), and reported there; a stage with its own `--platform` is left out; without
    a lock, or for an image the lock does not list or whose platforms it does not know, nothing is
    said.

    ## Example
    ```makefile
    image:
    	docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/acme/app:1 --push .
    ```
    with `FROM vendor/tool:1.2` in the Dockerfile, and `archlint.lock` recording `vendor/tool:1.2`
    as publishing `linux/amd64` only.

    ## Use instead
    A base image (or version of it) that publishes every platform the build targets, or build only
    for the platforms it publishes.

    ## Fix
    None.
    """
    from ...lock import lock_path, read
    from ...platforms import PlatformError, parse

    project = ctx.project
    view = read(lock_path(project.root))
    if not view.entries:
        return
    for base in project.bases:
        if base.pinned or project.builds_of(base.name):
            continue  # a stage with its own --platform; a base built here is XF006's
        children = [b for b in project.builds_of_dockerfile(base.path) if b.platforms]
        if not children:
            continue
        entry = view.entry(base.image)
        published = entry.published() if entry is not None else []
        if not published:
            continue
        targets = ctx.targets(base.path)

        def covered(p: str) -> bool:  # published, or a configured platform (PL001's)
            try:
                want = parse(p)
            except PlatformError:
                return True  # not a platform: nothing known
            return any(want.matches(q) for q in published) or any(want.matches(t) for t in targets)

        wanted, child = _uncovered(children, covered)
        if not wanted:
            continue
        yield ctx.report(
            base.path, base.span,
            f"FROM {base.image}: this Dockerfile is built for {', '.join(wanted)} ({child.where}), but archlint.lock "
            f"records {base.image} as publishing {', '.join(entry.platforms)} only.",
            hint=f"use a base image that publishes {', '.join(wanted)}, or build only for "
                 f"{', '.join(entry.platforms)}",
            related=[(child.path, child.span, f"builds this Dockerfile {child.describe()}")],
            key=base.image,
        )


#: the ARM versions below the one a cross-compiling Go assumes (GOARM=7)
_BELOW_ARMV7 = ("linux/arm/v6", "linux/arm/v5")


@rule("XF008", "go-arm-version-not-set", kinds=(), severity=Severity.ERROR, tags=("multi-arch", "project"))
def go_arm_version_not_set(ctx):
    """
    ## What it does
    Flags a `RUN go build` (or `go install`) in a `--platform=$BUILDPLATFORM` stage that takes
    `GOARCH` from `TARGETARCH` but sets no `GOARM`, in a Dockerfile built (or configured) for
    `linux/arm/v6` or `linux/arm/v5`.

    ## Why is this bad?
    `TARGETARCH` is `arm` for every 32-bit ARM platform: the version is in `TARGETVARIANT`
    (`v6`, `v7`). A Go toolchain that is not running on ARM compiles for ARMv7 when `GOARM` is
    not set (`go help environment`), so the `linux/arm/v6` image holds ARMv7 code and dies
    with `illegal instruction` (SIGILL, exit 132) on ARMv6 boards such as the Raspberry Pi
    Zero and 1 (dozzle#2399; shellhub#5801 made exactly this fix). Nothing fails at build time.

    Not reported where the Dockerfile sets `GOARM`, reads `TARGETVARIANT` or `TARGETPLATFORM`
    (a script may map it), or uses xx (`xx-go`, xx's `go` wrapper: they set `GOARM` from the
    variant) or GoReleaser; nor where no build of the Dockerfile (and no configured platform)
    is for ARMv6 or ARMv5.

    ## Example
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.23-alpine AS builder
    ARG TARGETOS TARGETARCH
    RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .
    ```
    built with `--platform linux/amd64,linux/arm/v6,linux/arm/v7`.

    ## Use instead
    ```dockerfile
    ARG TARGETOS TARGETARCH TARGETVARIANT
    RUN GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v} go build -o /app .
    ```

    ## Fix
    None.
    """
    project = ctx.project
    for path, compiles in sorted(project.go_arm.items()):
        builds = [b for b in project.builds_of_dockerfile(path) if any(p in _BELOW_ARMV7 for p in b.targets() or ())]
        configured = [str(t) for t in ctx.targets(path) if str(t) in _BELOW_ARMV7]
        if not builds and not configured:
            continue
        wanted = sorted({p for b in builds for p in b.targets() if p in _BELOW_ARMV7} | set(configured))
        where = _sites(builds) if builds else "the configured platforms"
        for c in compiles:
            yield ctx.report(
                path, Span(*c["span"]),
                f"Stage {c['stage']} compiles Go for GOARCH=$TARGETARCH with no GOARM, and this Dockerfile is built for "
                f"{', '.join(wanted)} ({where}): a cross-compiling Go makes ARMv7 code, which dies with 'illegal "
                f"instruction' on ARMv6 CPUs.",
                hint="ARG TARGETVARIANT and set GOARM=${TARGETVARIANT#v} for the compile (or use xx-go)",
                related=_related_builds(builds, "builds this Dockerfile"),
                key=f"{path}:{c['stage']}",
            )
