"""DF003, DF004, DF005, DF009, DF010: FROM --platform, present, missing or mistyped."""
from __future__ import annotations

import re

from ... import platforms as plat
from ...archnames import arch_tokens, image_arch_token
from ...model import Edit, Fix, Related, Severity, Span
from ...project.refine import MACHINE_CPU  # the phrase the project model refines (DF005 in context)
from ...parsers.dockerfile import arg_pairs
from ...registry import rule
from ._common import (
    based_by,
    based_on,
    comment_above,
    _bare_os,
    _builder_stages,
    _copy_sources,
    _image_stage_ref,
    maybe_stage_ref,
    _literal_platform,
    _only_arch_independent_donor,
    _own_platform_kind,
    _own_texts,
    _pinned_platform,
    _resolved_image,
    _stage_label,
    _stage_names_arch,
    _stage_reads_own_arch,
    _stage_uses_target,
    _valid,
    stages_named_by,
    file_arch_token,
    windows_image,
)

#: what a comment above a pinned stage says when it only gives files (drone's "opensource-ui is only
#: pushed as linux/arm64 - okay since we only copy files"; "copies static assets only")
_ONLY_FILES = re.compile(r"\bonly (?:copy|copies|copying|use|uses|takes?) (?:the |its |some )?"
                         r"(?:static |web |ui |built )?(?:files|assets)\b"
                         r"|\b(?:copy|copies|copying) (?:static |web |ui )?(?:files|assets) only\b", re.I)
#: a template's placeholder base, which a script replaces (``FROM BASEIMAGE``: sonobuoy, rook)
_PLACEHOLDER_BASE = re.compile(r"[A-Z][A-Z0-9_]*")

# ---- DF003 / DF004 / DF009 / DF010: FROM --platform ----------------------------------------------


_WALK = 20_000  # stages the DF003 walks of one file may visit in all


def _reaches_only_through_its_platform(ctx, stage, p) -> bool:
    """Whether what the pinned ``stage`` makes reaches the image only through stages pinned to
    the same platform, or named for its CPU (ollama's ``jetpack-5``, pinned to linux/arm64, copied
    on through ``publish-...`` into the ``arm64`` stage that a ``FROM ${TARGETARCH}`` picks): a
    per-CPU branch of the build, not a pin every target gets (a final stage pinned so is no
    branch: both pins are reported, as each must go).  Followed through the stages that
    copy from it or are based on it, each once; a path to the final stage that meets no such
    stage, or none found, is False.  The walks of one file share a budget of stages (``_WALK``):
    past it, False (the pin is reported, as before)."""
    model = ctx.model
    final = model.final_stage
    readers = model.readers()
    based = based_by(model)
    budget = model.memo.setdefault("df003_walk", [_WALK])
    todo, seen, stops = [stage], {stage.index}, 0
    while todo:
        st = todo.pop()
        for nxt, ins in [(r, i) for r, i, _f in readers.get(st.index, ())] + [(b, None) for b in based.get(st.index, [])]:
            if ins is not None and _picks_target_folder(model, nxt, ins):
                stops += 1  # (mediamtx's COPY --from=binaries /$TARGETPLATFORM /: each target its own folder)
                continue
            if nxt.index in seen:
                continue
            seen.add(nxt.index)
            budget[0] -= 1
            if budget[0] < 0:
                return False
            if final is None or nxt.index == final.index:
                return False  # (the image itself: pinned too, both pins are reported)
            pin = _pinned_platform(ctx, nxt)
            if pin is not None and str(_valid(pin[1])) == str(p) or _stage_names_arch(nxt, p):
                stops += 1
                continue
            todo.append(nxt)
    return stops > 0


#: a target platform variable that names a CPU (``$TARGETOS`` alone does not)
_TARGET_CPU_REF = re.compile(r"\$\{?(TARGETPLATFORM|TARGETARCH)\b")


def _picks_target_folder(model, reader, ins) -> bool:
    """Whether the ``COPY --from`` ``ins`` of the stage ``reader`` copies only the target's own
    files: each source names ``$TARGETPLATFORM`` or ``$TARGETARCH`` (``COPY --from=binaries
    /$TARGETPLATFORM /``), an ARG the stage declares before it (undeclared, it is empty and the
    whole tree is copied)."""
    if ins.keyword not in ("COPY", "ADD"):
        return False
    sources = _copy_sources(ins)
    names = [set(m.group(1) for m in _TARGET_CPU_REF.finditer(src)) for src in sources]
    if not sources or not all(names):
        return False
    first, at = _arg_positions(model, reader)
    here = at.get(id(ins), -1)
    return all(first.get(name, here) < here for n in names for name in n)


def _arg_positions(model, stage) -> tuple:
    """({ARG name: the position of its first declaration}, {id(instruction): its position}) of
    ``stage``, worked out once per stage (many copies of one stage stay linear)."""
    memo = model.memo.setdefault("df003_arg_positions", {})
    hit = memo.get(stage.index)
    if hit is None:
        first: dict = {}
        at = {id(other): k for k, other in enumerate(stage.instructions)}
        for k, other in enumerate(stage.instructions):
            if other.keyword == "ARG":
                for name, _w in arg_pairs(other):
                    first.setdefault(name, k)
        hit = memo[stage.index] = (first, at)
    return hit


@rule("DF003", "from-platform-hardcoded", severity=Severity.WARNING, tags=("multi-arch",))
def from_platform_hardcoded(ctx):
    """
    ## What it does
    Flags `FROM --platform=<literal>`, which pins a stage to one architecture, and `FROM --platform=linux` (an OS
    without architecture), which pins it to the build machine's.

    ## Why is this bad?
    A pinned stage ignores `docker buildx build --platform ...`: a multi-arch build produces the same architecture for
    every target, and the final image crashes with `exec format error` on the others. For builder stages the usual
    intent is "run on the build machine's CPU", which is `--platform=$BUILDPLATFORM`.

    archlint's policy differs from hadolint DL3029 and BuildKit's FromPlatformFlagConstDisallowed, which forbid any
    constant: a constant is accepted when the configured `platforms` is exactly that one platform (the pin states the
    team's single target), and when the stage name names its architecture (`AS build-amd64`), and in a Dockerfile
    named after the one it pins (`Dockerfile.arm64`, `Dockerfile.armv7`: one file per CPU). BuildKit also exempts a
    stage whose name contains the pinned OS (`FROM --platform=linux/amd64 ... AS linux`); archlint does not, because
    such a stage still gives every target of a multi-platform build amd64 binaries, which is the mistake this rule
    exists for. A literal outside the configured platforms is reported by DF004 instead. `--platform=linux` is
    reported whatever is configured: what the stage contains then depends on where it is built. `# hadolint
    ignore=DL3029`, DL3029 in a `.hadolint.yaml`'s `ignored:` and `# check=skip=FromPlatformFlagConstDisallowed` are
    honoured.

    A variable counts as constant when it is a global `ARG` with a default, as DF002 reads an image:
    `--platform=linux/${GOARCH}` after `ARG GOARCH=amd64` is a pin to `linux/amd64` (`--build-arg` may change it, the
    default still decides every multi-platform build); an `ARG` without default stays unknown and is not reported. Not
    reported either: a stage that other stages read only for files that are the same on every CPU (CA certificates,
    `/usr/share/zoneinfo`, `/etc/passwd`, `/etc/group`..., text and web assets such as a frontend's built `public/` or
    `static/` folder, Java archives, a .NET publish for no runtime, `bin/Release/net8.0/publish`: `same_on_every_cpu`
    in `archlint/checks/dockerfile/_common.py`), the usual donor of a `scratch` image, or that its comment right above
    says only gives files (drone's "okay since we only copy files"); a frontend builder pinned to the machine that
    runs it fastest; and a builder stage that cross-compiles for the target (`GOARCH=${TARGETARCH}`, `xx-*`, `--target=...`,
    a cross toolchain it uses: `CC="${X}-gcc"`, a cmake toolchain file named for a CPU or a cross build; also a stage that
    installs one for builders a variable `FROM` picks, `cross-builder-${BUILD_ARCH}`; and a host for builds to other
    CPUs that a build gets only by asking: it adds another CPU's dpkg architecture, its `crossbuild-essential-*` or
    libraries, `libseccomp-dev:arm64`, and each variable `FROM` naming it picks another stage by its ARG default:
    moby's `cross-true` with `CROSS=false`): the pin decides where it runs, not what it makes (only a build machine of another CPU pays with
    emulation; `--platform=$BUILDPLATFORM` is still the better spelling). Nor a stage whose output reaches the image
    only through stages before the last pinned to the same platform or named for its CPU (ollama's `jetpack-5`, copied
    on only into the `arm64` stage a `FROM ${TARGETARCH}` picks), or only through a `COPY --from` whose sources name the
    target's platform or CPU, an `ARG` the copying stage declares (mediamtx's `COPY --from=binaries /$TARGETPLATFORM /`
    from pinned `scratch` stages holding each CPU's files in its own folder): a per-CPU branch. Without `platforms`, nor a stage
    whose downloads all name its pinned CPU (kubefirst's kubectl `/amd64/`): the pin makes them right. In a whole run, nor is a pin to
    the one platform every build found of the Dockerfile builds for: no multi-platform build of it exists; nor a final
    stage's pin through an `ARG` default that a build of the Dockerfile sets for one platform (`--build-arg
    GOARCH=arm64` for an arm64 Docker plugin), every other build being for one known platform: the `ARG` is how each
    build picks its one platform.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd64 golang:1.22 AS build
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    ARG TARGETOS TARGETARCH
    RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    ```
    or set the platform in the build command (`docker buildx build --platform linux/amd64`).

    Not reported in a Dockerfile for a Windows image (`Dockerfile.windows`, a `mcr.microsoft.com/windows` base; a
    final base named for Windows, also through an `ARG` default, or a final stage running PowerShell or `cmd`):
    `windows/amd64` is the only platform it is built for; nor for `--platform=${BUILDPLATFORM:-linux/amd64}` (BuildKit always sets its automatic platform ARGs: the default is only the legacy builder's).

    ## Fix
    No automatic fix: whether the stage should follow the build or the target platform is a design choice.
    """
    if windows_image(ctx):
        return
    model = ctx.model
    builders = _builder_stages(ctx)
    for st in model.stages:
        pinned = _pinned_platform(ctx, st)
        if pinned is None:
            continue
        fl, value, related = pinned
        via = " (through an ARG default)" if related else ""
        p = _valid(value)
        if p is None:
            if _bare_os(value):
                yield ctx.report(
                    fl.span,
                    f"Stage {st.index}{_stage_label(st)} is pinned to {value.strip()}{via} with the build machine's "
                    "architecture, so what it contains depends on where the image is built.",
                    hint="use --platform=$BUILDPLATFORM for a builder stage, or drop the flag",
                    related=related,
                    key=value.strip(),
                )
            continue  # else DF009
        if _pin_accepted(ctx, st, p, builders):
            continue
        hint = (
            "use --platform=$BUILDPLATFORM for a builder stage and cross-compile with $TARGETARCH"
            if st.index in builders
            else "drop the flag and pass --platform to the build command instead"
        )
        yield ctx.report(
            fl.span,
            f"Stage {st.index}{_stage_label(st)} is pinned to {p}{via}, so a multi-platform build gives every target this one architecture.",
            hint=hint,
            related=related,
            key=str(p),
        )


def _pin_accepted(ctx, st, p, builders) -> bool:
    """Whether DF003 accepts the stage ``st``'s pin to the platform ``p`` (see its documentation)."""
    targets, model = ctx.targets, ctx.model
    if targets and not targets.covers(p):
        return True  # DF004
    if targets.single is not None and targets.single.matches(p):
        return True
    named = file_arch_token(ctx)
    if _stage_names_arch(st, p) or named is not None and named[0] in p.tokens:
        return True  # AS build-amd64; Dockerfile.arm64 (one file per CPU, each built for its own)
    if _only_arch_independent_donor(model, st) or (
            st.index in builders and comment_above(ctx, st.from_ins.span.line, _ONLY_FILES.search)):
        return True  # it hands over certificates, time zones, passwd, files its comment says: the same on every CPU
    if _cross_compiles(model, st, builders) or _opt_in_cross_host(ctx, st, p):
        return True  # it cross-compiles for the target (or hosts builds for others, on request): the pin says where it runs
    # (ollama's jetpack-5, copied on only into its arm64 stage; kubefirst's amd64 downloads)
    return _reaches_only_through_its_platform(ctx, st, p) or targets.none and _fetches_for(ctx, st, p.arch)


def _outside_image(model, stage) -> bool:
    """Whether ``stage`` is neither the final stage nor a base another stage names: what it
    makes reaches the image only as files copied out, or through a stage whose ``FROM`` a
    variable picks (silabs-multiprotocol's ``cross-builder-aarch64``, picked by ``FROM
    cross-builder-${BUILD_ARCH}``)."""
    final = model.final_stage
    return final is not None and stage.index != final.index and stage.index not in based_on(model)


def _cross_compiles(model, stage, builders) -> bool:
    """Whether the pinned ``stage`` builds for the target: a builder that cross-compiles, or the
    toolchain of builders that do (``_picked_for_cross_builds``)."""
    return stage.index in builders and _stage_uses_target(model, stage) or _picked_for_cross_builds(model, stage, builders)


def _picked_for_cross_builds(model, stage, builders) -> bool:
    """Whether ``stage`` is the base only of builder stages whose ``FROM`` a variable picks, and
    each of them cross-compiles for the target (silabs-multiprotocol's ``cross-builder-aarch64``,
    which installs Debian's arm64 cross toolchain for the ``FROM cross-builder-${BUILD_ARCH}``
    stages that build with it and are copied from): a toolchain for them, not the image's."""
    if not _outside_image(model, stage) or stage.index in builders:
        return False
    mine = _pickers(model).get(stage.index, ())
    return bool(mine) and all(st.index in builders and _outside_image(model, st) and _stage_uses_target(model, st)
                              for st in mine)


def _pickers(model) -> dict:
    """Stage index -> the stages whose variable ``FROM`` may name it (as ``maybe_stage_ref`` finds
    them), worked out once a file."""
    pickers = model.memo.get("df003_pickers")
    if pickers is None:
        pickers = model.memo["df003_pickers"] = {}
        for st in model.stages:
            if st.image is not None and "$" in st.image.value and model.base_stage_of(st) is None:
                for named in stages_named_by(model, st):
                    pickers.setdefault(named.index, []).append(st)
    return pickers


_DEBIAN_ARCHES = r"(arm64|armhf|armel|amd64|i386|ppc64el|s390x|riscv64)\b"
#: another CPU's packages made installable or installed: ``dpkg --add-architecture arm64``,
#: ``crossbuild-essential-armhf``, and ``libseccomp-dev:arm64`` among an ``apt-get install``'s
#: arguments (looked at up to 2,000 characters on, each character once: linear); Debian's names read as
#: ``platforms.TOKEN_ARCH`` reads them
_FOREIGN_ARCH = re.compile(r"\bdpkg\s+--add-architecture\s+" + _DEBIAN_ARCHES
                           + r"|\bcrossbuild-essential-" + _DEBIAN_ARCHES)
_APT_INSTALL = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b")
_MULTIARCH_PACKAGE = re.compile(r"(?<![\w/.-])[a-z0-9][a-z0-9+.-]*:" + _DEBIAN_ARCHES)


def _opt_in_cross_host(ctx, st, p) -> bool:
    """Whether the stage ``st`` pinned to ``p`` is a host for builds to other CPUs (it adds
    another CPU's dpkg architecture, installs its ``crossbuild-essential`` or its libraries) that
    a build gets only by asking: no ``FROM`` names it literally, and each variable ``FROM`` that
    may name it picks another stage by its ARG default (moby's ``cross-true`` and
    ``runtime-dev-cross-true``, pinned to linux/amd64 and picked by ``FROM cross-${CROSS}`` only
    with ``CROSS=true``, the default ``false``).  Picked by every build (an ARG without default:
    silabs-multiprotocol's ``cross-builder-${BUILD_ARCH}``), it is judged as any pin."""
    model = ctx.model
    mine = _pickers(model).get(st.index, ())
    if not mine or not _outside_image(model, st):
        return False
    for picker in mine:
        value, complete, _related = _resolved_image(ctx, picker)
        default = model.stage_by_name(value) if complete and value else None
        if default is None or default.index == st.index:
            return False
    for text in _own_texts(st, ("RUN",)):
        named = [g for m in _FOREIGN_ARCH.finditer(text) for g in m.groups() if g]
        read = 0  # (the end of the last window: overlapping installs never read a character twice)
        for m in _APT_INSTALL.finditer(text):
            start, read = max(m.end(), read), max(read, m.end() + 2000)
            named += [a.group(1) for a in _MULTIARCH_PACKAGE.finditer(text, start, read)]
        if any(plat.TOKEN_ARCH.get(a, a) != p.arch for a in named):
            return True
    return False


def _fetches_for(ctx, stage, arch: str) -> bool:
    """Whether the stage's downloads (DF006's: URLs of ``curl``, ``wget``, ``ADD``...) name a CPU,
    and only ``arch`` (kubefirst's ``FROM --platform=linux/amd64`` stage fetching kubectl's
    ``/amd64/`` and ``awscli-exe-linux-x86_64``): the pin is what makes them right, and dropping
    it breaks the image elsewhere (a compiler's ``--runtime linux-x64`` is no download)."""
    from .build_args import _download_words

    named: set = set()
    for ins, value, _span, _via in _download_words(ctx, stage):
        if ins.keyword != "COPY":
            named.update(a for _t, a, _s, _e in arch_tokens(value))
            if len(named) > 1:
                return False
    return named == {arch}


@rule("DF004", "from-platform-mismatch", severity=Severity.ERROR, tags=("multi-arch",))
def from_platform_mismatch(ctx):
    """
    ## What it does
    Flags a literal `FROM --platform=` value that is not among the configured `platforms`.

    ## Why is this bad?
    The stage is built for an architecture the team does not deploy: if it is the final stage the
    image crashes with `exec format error` on the cluster; if it is a builder stage its binaries
    are copied into images of another architecture.

    ## Example
    With `platforms = ["linux/amd64"]`:
    ```dockerfile
    FROM --platform=linux/arm64 python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=linux/amd64 python:3.12-slim
    ```

    Not reported in a Dockerfile for a Windows image (see DF003): the configured platforms are
    the Linux images'.

    ## Fix
    No automatic fix.
    """
    targets = ctx.targets
    if targets.none or windows_image(ctx):
        return
    for st in ctx.model.stages:
        pinned = _pinned_platform(ctx, st)
        p = _valid(pinned[1]) if pinned else None
        if p is None or targets.covers(p):
            continue
        fl, _, related = pinned
        via = " (through an ARG default)" if related else ""
        yield ctx.report(
            fl.value_span or fl.span,
            f"Stage {st.index}{_stage_label(st)} is built for {p}{via}, which is not a configured target platform ({targets.describe()}).",
            related=related,
            hint=f"use --platform={targets.single}" if targets.single is not None else "use --platform=$BUILDPLATFORM or drop the flag",
            key=str(p),
        )


@rule("DF009", "invalid-platform", severity=Severity.ERROR, fix="safe", tags=("multi-arch",))
def invalid_platform(ctx):
    """
    ## What it does
    Flags a `FROM --platform=` value the build rejects or that names no known OS or
    architecture (`linux/amd46`, `linux/arm64/v9`), with the nearest valid value. As info, it
    also flags another spelling the build accepts (`linux/x86_64` is `linux/amd64`, `x86_64`
    alone is `linux/amd64`). An architecture alone in its own spelling (`arm64`) is not
    reported here: the Dockerfile frontend reads it inside BuildKit, whose daemon runs Linux, as
    `linux/arm64` (on a build command, BC008, the client adds its own OS: `darwin` on a Mac).

    ## Why is this bad?
    BuildKit rejects an unknown platform, or finds no image and no emulator for it. Other
    spellings work but hide what is built from a reader and from searches (`linux/x86_64` is
    `linux/amd64`). An OS alone (`--platform=linux`) takes the build machine's CPU: DF003 reports
    that pin.
    Values are read as the build reads them (containerd's platform parser, which BuildKit, docker
    and buildx use; the grammar is in `archlint/platforms.py`): one to three `/`-separated parts,
    lower-cased, with `x86_64`/`x86-64`, `aarch64`, `i386`, `armhf`, `armel` normalised and
    arm's variant `7` read as `v7`. So `linux/x86_64` is info with a safe fix, `x86_64` info with
    an unsafe fix (on a Windows builder it would mean `windows/amd64`), an unknown name an error. The same reading
    applies in every file kind (BC008, DC004, GHA004) and to what DF003/DF004 compare.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd46 alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=linux/amd64 alpine:3.20
    ```

    ## Fix
    Safe: replaces an unknown value with the suggested platform when there is exactly one, and
    another spelling with the build's own reading. Unsafe: writes `linux/` and the architecture's
    own name for another spelling of an architecture without OS (`x86_64`).
    """
    for st in ctx.model.stages:
        fl = _literal_platform(st)
        if fl is None:
            continue
        f = ctx.invalid_platform(fl.value_span or fl.span, fl.value, repr(fl.value), fixable=fl.value_span is not None,
                                 bare_os=False,  # FROM --platform=linux: DF003's pin to the builder's CPU
                                 on_linux=True)  # read on BuildKit's Linux daemon, not a client
        if f is not None:
            yield f


@rule("DF010", "redundant-target-platform", severity=Severity.INFO, fix="safe", tags=("multi-arch", "style"))
def redundant_target_platform(ctx):
    """
    ## What it does
    Flags `FROM --platform=$TARGETPLATFORM`, which is what a stage gets anyway.

    ## Why is this bad?
    It adds nothing and suggests the author meant `$BUILDPLATFORM` (run on the build machine's
    CPU). Same as BuildKit's RedundantTargetPlatform check, except in a Dockerfile that runs
    another stage on `$BUILDPLATFORM`: there the flag sets the stage against that one on purpose
    (kueue's frontend image: a builder on `$BUILDPLATFORM`, the runtime on `$TARGETPLATFORM`,
    with a comment saying so) and is no slip for `$BUILDPLATFORM`.

    ## Example
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ```

    ## Fix
    Safe: removes the flag.
    """
    stages = ctx.model.stages
    if any(_own_platform_kind(st) == "build" for st in stages):
        return  # the author sets stages against $BUILDPLATFORM ones: written on purpose
    for st in stages:
        fl = st.platform
        if fl is None or fl.value is None:
            continue
        if fl.value.strip() in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
            line = ctx.source.line(fl.span.line)
            end = fl.span.end_col
            while end <= len(line) and line[end - 1 : end] in (" ", "\t"):
                end += 1
            edit = Edit(Span(fl.span.line, fl.span.col, fl.span.line, end), "")
            yield ctx.report(
                fl.span,
                "--platform=$TARGETPLATFORM is the default for a stage and can be removed.",
                hint="remove it, or use $BUILDPLATFORM if the stage should run on the build machine",
                fix=Fix("remove the redundant --platform flag", (edit,), safe=True),
                key="TARGETPLATFORM",
            )


# ---- DF005: FROM without --platform -------------------------------------------------------------

#: a build argument naming an architecture in an image reference (``busybox-${OS}-${ARCH}``,
#: ``static:nonroot-${ARCH}``, ``latest-${GOARCH}``); BuildKit's own TARGETARCH and BUILDARCH
#: follow the build's platform (the build machine's without one), so they do not count
_ARCH_ARGUMENT = re.compile(r"\$\{?(?!(?:TARGET|BUILD)ARCH\b)([A-Za-z_]*ARCH(?:ITECTURE)?)\b", re.I)


def _base_picked_by_argument(st) -> bool:
    """Whether the stage's image names its architecture through a build argument: the build
    passes ``--build-arg ARCH=arm64`` and the base image, single-architecture, decides the
    stage's CPU, not the build machine (prometheus-operator, cluster-api, kube-state-metrics)."""
    return _ARCH_ARGUMENT.search(st.image.value) is not None


def _cpu_decided(ctx, st, targets) -> bool:
    """Whether a stage without ``--platform`` has a CPU the build machine does not decide, or
    none: ``scratch``, an earlier stage (one a variable picks too: ``FROM buildkit-$TARGETOS``),
    a template's ``FROM BASEIMAGE``, a base a build argument picks per architecture, or one
    named for one architecture (``ARG BASEIMAGE=distroless/static:latest-arm64``) where no
    other target is configured (DF014 judges it against the targets), not a cross toolchain's."""
    value, complete, _ = _resolved_image(ctx, st)
    if complete and (value.lower() == "scratch" or _image_stage_ref(ctx, st, value)):
        return True
    if not complete and maybe_stage_ref(ctx, st) or _PLACEHOLDER_BASE.fullmatch(st.image.value):
        return True
    if _base_picked_by_argument(st):
        return True
    named = image_arch_token(value) if complete and not _CROSS_TOOLCHAIN.search(value) else None
    return named is not None and (targets.none or targets.single is not None and targets.single.arch == named[1])


#: an image of a cross toolchain, named for the CPU it compiles for, not the one it runs on
#: (``ghcr.io/cross-rs/aarch64-unknown-linux-gnu``, ``dockcross/linux-arm64``,
#: ``messense/rust-musl-cross:aarch64-musl``)
_CROSS_TOOLCHAIN = re.compile(r"cross|-unknown-|-linux-(?:gnu|musl)|mingw", re.I)


#: DF005's note for the run without configured platforms, said once for all its Dockerfiles
_REMINDER = ("{count} Dockerfiles have no --platform in the final FROM, so unless their builds pass one they follow "
             "the build machine's CPU, and no target platforms are configured: set platforms = [\"linux/amd64\"] (or "
             "your targets) in .archlint.toml or [tool.archlint], or pass --platform, to have them checked.")


@rule("DF005", "from-without-platform", severity=Severity.WARNING, fix="safe", tags=("multi-arch",))
def from_without_platform(ctx):
    """
    ## What it does
    Flags a `FROM` whose platform is implicit, so the image follows the CPU of the machine that
    builds it. Which stages are reported depends on the configured target `platforms`:

    - one platform configured (`platforms = ["linux/amd64"]`): every stage without `--platform`;
    - several configured: only builder stages (read by `COPY --from`, not the final stage)
      without `--platform` that already cross-compile: they use `TARGETARCH`, `TARGETOS`,
      `TARGETPLATFORM` or `TARGETVARIANT`, the `xx-*` helpers, `GOARCH=$...`, a `--target`
      triple or a cross `CC=`, and that never ask their own machine (`uname -m`, `go env
      GOARCH`). A stage that only provides files (no `RUN`, or commands that never name the
      target: `kubectl` or wheels for a `COPY --from`) follows the target platform, which is
      what its copy needs: moving it to `$BUILDPLATFORM` would ship the build machine's binaries
      (DF013);
    - none configured: one info notice for the whole run, naming the Dockerfiles' count and the
      `platforms` setting; it never fails a run, and does not count a Dockerfile whose every
      build found names its platforms (a variable included: gatekeeper's
      `--platform="$(PLATFORM)"`), or uses its image where it is built (a README's build, run).

    Stages based on `scratch` or on an earlier stage are never reported (a name with variables
    that can only be an earlier stage's too: buildkit's `FROM buildkit-$TARGETOS`), nor a
    template's placeholder base a `sed` fills per architecture (sonobuoy's `FROM BASEIMAGE`),
    nor one whose image names its architecture through a build argument
    (`FROM quay.io/prometheus/busybox-${OS}-${ARCH}`): the build passes it and the
    single-architecture base decides the CPU (BuildKit's `$TARGETARCH` and `$BUILDARCH` follow
    the build's platform: they do not count); nor, without configured platforms or with one of
    that architecture, a stage whose base names one (`arm64v8/alpine`, `ARG
    BASEIMAGE=gcr.io/distroless/static:latest-arm64`: that CPU's image whatever builds it; not
    a cross toolchain's, named for the CPU it compiles for: `cross-rs/aarch64-unknown-linux-gnu`,
    `dockcross/linux-arm64`); nor a Windows image (`Dockerfile.windows`, a
    `mcr.microsoft.com/windows` base), built on a Windows host for it.

    In context (the project model): a stage left to the build machine is not reported when every
    build of the Dockerfile found in the repository (a script, a Makefile, a workflow step, a
    Bake or compose file, a GoReleaser `dockers` entry) sets known platforms or runs on a runner of known CPU; when some do
    not, the message names them. Local builds (the image used where it is built, or given no
    name: `docker build --file src/ad/Dockerfile .` in a README) do not count.

    ## Why is this bad?
    An image built on an Apple Silicon laptop without a platform is arm64; pushed and run on amd64
    nodes it crashes with `exec format error` / `CrashLoopBackOff`. With a single target the
    Dockerfile can say so. With several targets the final stage must follow the build command's
    `--platform`, but builder stages should run natively on the build machine
    (`$BUILDPLATFORM`) and cross-compile for `$TARGETARCH`; otherwise each is emulated with QEMU.
    Setting `--platform` on the build command instead (BC001) is equally good; suppress this rule
    where that is how the team works.
    Emulating a builder that does not cross-compile is slow but correct, so it is left alone.

    ## Example
    With `platforms = ["linux/amd64"]`:
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=linux/amd64 python:3.12-slim
    ```

    ## Fix
    With one configured platform, safe: adds `--platform=<it>`. With several, unsafe: adds
    `--platform=$BUILDPLATFORM` to builder stages (their commands must then cross-compile).
    """
    if windows_image(ctx):
        return
    model = ctx.model
    targets = ctx.targets
    final = model.final_stage
    builders = _builder_stages(ctx)
    for st in model.stages:
        if st.platform is not None or st.image is None or _cpu_decided(ctx, st, targets):
            continue
        kw = st.from_ins.keyword_span
        insert_at = Span(kw.line, kw.end_col, kw.line, kw.end_col)
        if targets.single is not None:
            p = targets.single
            yield ctx.report(
                kw,
                f"FROM {st.image.value} has no --platform, so the stage {MACHINE_CPU} instead of {p}.",
                hint=f"add --platform={p} (or pass --platform {p} to the build command)",
                fix=Fix(f"add --platform={p}", (Edit(insert_at, f" --platform={p}"),), safe=True),
                key=st.image.value,
            )
        elif targets.several:
            if st.index not in builders or not _stage_uses_target(model, st) or _stage_reads_own_arch(model, st):
                continue  # a donor follows the target platform, which is what its COPY needs
            yield ctx.report(
                kw,
                f"Builder stage {st.index}{_stage_label(st)} has no --platform, so it is emulated once per target platform instead of running natively.",
                hint="add --platform=$BUILDPLATFORM and cross-compile with $TARGETOS/$TARGETARCH",
                fix=Fix("add --platform=$BUILDPLATFORM", (Edit(insert_at, " --platform=$BUILDPLATFORM"),), safe=False),
                related=tuple(Related(fl.span, "copied from here") for fl in builders[st.index][:3]),
                key=st.image.value,
            )
        elif final is not None and st.index == final.index:
            # no targets: a note about the run, said once (not a warning in every Dockerfile)
            yield ctx.notice(
                kw,
                f"The final stage (FROM {st.image.value}) has no --platform and no target platforms are configured, "
                f"so unless its builds pass --platform the image {MACHINE_CPU}; set platforms in .archlint.toml "
                "to check it.",
                group="DF005:no-platforms",
                summary=_REMINDER,
            )

