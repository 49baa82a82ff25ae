"""DF013: a stage that runs on the build machine (``--platform=$BUILDPLATFORM``) and hands its
binaries to the target's image without ever building for the target."""
from __future__ import annotations

import fnmatch
import posixpath
import re

from ...model import Related, Severity
from ...project.refine import FINAL_KEY  # (the key refine.df013 reads)
from ...registry import rule
from ._common import (
    _along_bases,
    _copies_of,
    _copy_sources,
    _own_platform_kind,
    _platform_kind,
    _resolved_image,
    _stage_label,
    _stage_uses_target,
    same_on_every_cpu,
    chain_has,
    windows_image,
)

_RUN = ("RUN",)
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")

#: commands that turn source into machine code for the CPU they run on
_COMPILES = re.compile(
    r"\bgo\s+(?:build|install)\b|\bcargo\s+(?:build|install)\b|\brustc\s|\bzig\s+build\b"
    r"|\bcmake\s+--build\b|\bgoreleaser\s+build\b|\bxk6\s+build\b"
)
#: a literal architecture for a toolchain (DF008's subject): the stage does build for a target
_TOOLCHAIN_ARCH = re.compile(r"\bGOARCH[= ]|--target[= ]|\bCC=[\"']?[A-Za-z0-9_]+-linux-|\bCROSS_COMPILE=")
#: a compile that names its output (``go build -o bin/app``): a program the tree then holds
#: (within 300 characters of the compile: each try is bounded, the scan linear)
_COMPILED_TO = re.compile(r"\b(?:go\s+build|cargo\s+build|gcc|g\+\+|clang)\b[^\n;&|]{0,300}?\s(?:-o|--out-dir|--target-dir)[\s=]")
#: where programs are kept: a copied path under one of these is a program
_BIN_PATH = re.compile(r"(?:^|/)(?:s?bin|libexec|target/(?:release|debug))(?:/|$)|\.so(?:\.[0-9]+)*$")


def _users(ctx) -> dict:
    """stage index -> the stages that use it: ``FROM`` it (an ``ARG`` default in the name
    resolved: ``FROM golangci-binary-${FROM_SOURCE}``) or read it (``COPY --from``, ``RUN
    --mount=from=``: diun's lint stage)."""
    model = ctx.model
    got = model.memo.get("df013.users")
    if got is not None:
        return got
    users: dict = {}
    budget = 10_000  # name comparisons for FROMs with a variable (a knob choosing a stage)
    for u in model.stages:
        base = model.base_stage_of(u)
        bases = [base] if base is not None else []
        if base is None and u.image is not None and "$" in u.image.value:
            # ``FROM golangci-binary-${GOLANGCI_FROM_SOURCE}``: any stage the knob may name
            pattern = _VARIABLE.sub("*", u.image.value).lower()
            for st in model.stages[:u.index]:
                budget -= 1
                if budget >= 0 and st.name is not None and fnmatch.fnmatchcase(st.name.value.lower(), pattern):
                    bases.append(st)
        for b in bases:
            users.setdefault(b.index, []).append(u)
    for st_index, readers in model.readers().items():
        users.setdefault(st_index, []).extend(u for u, _i, fl in readers if fl.name in ("from", "mount"))
    model.memo["df013.users"] = users
    return users


def _ships(ctx, stage) -> bool:
    """Whether what ``stage`` holds can end up in a target platform's image: it is the final
    stage, runs commands, or a stage that uses it and does not run on the build machine ships.
    A stage only carrying files (``FROM scratch`` and a ``COPY``: buildx's ``golangci-binary``)
    into stages on ``$BUILDPLATFORM`` ships nothing; one nothing uses may be built with
    ``--target``, so it ships.  Each stage judged once (stages only use earlier ones)."""
    model = ctx.model
    memo = model.memo.setdefault("df013.ships", {})
    hit = memo.get(stage.index)
    if hit is not None:
        return hit
    memo[stage.index] = True  # (never re-entered: uses point forwards)
    users = _users(ctx).get(stage.index, [])
    out = stage is model.final_stage or any(i.keyword == "RUN" for i in stage.instructions) or not users \
        or any(_platform_kind(model, u) != "build" and _ships(ctx, u) for u in users)
    memo[stage.index] = out
    return out


def _image_donor(model, stage) -> bool:
    """Whether a stage that runs nothing holds only an image's files: nothing is copied into it
    or into the stages it is based on (``COPY . /src`` carries the context: see ``_ships``), and
    its first base is an image, not ``scratch``, whose name does not pick the target's
    (``tool-${TARGETARCH}``)."""
    def own(st):
        if any(i.keyword in ("COPY", "ADD") for i in st.instructions):
            return False
        if model.base_stage_of(st) is not None:
            return None  # its base's answer (``_along_bases``: each stage of a chain worked out once)
        image = st.image.value.strip() if st.image is not None else "scratch"
        return image.lower() != "scratch" and "TARGET" not in image

    return bool(_along_bases(model, "df013.image_donor", stage, own))


#: how many working-tree folders ``_tree_dests`` keeps per stage
_TREE_MAX = 256


def _tree_dests(model, stage) -> frozenset:
    """The absolute folders the working tree lands in within ``stage`` and the stages it is
    based on: the destination of each ``COPY``/``ADD`` from the build context (a relative one
    joined to the ``WORKDIR`` before it), and those of a stage copied whole (``COPY
    --from=proto-specs / /``) moved under where they are copied; and, marked with a leading NUL,
    the folders the context's top lands in (``/src`` for ``COPY ./app/ ./app/`` after ``WORKDIR
    /src``).  A destination with a variable is left out.  Worked out for every stage once per
    file, in order (a stage only builds on earlier ones), at most ``_TREE_MAX`` folders each."""
    memo = model.memo.get("df013.tree")
    if memo is None:
        memo = model.memo["df013.tree"] = {}
        for st in model.stages:
            base = model.base_stage_of(st)
            out = set(memo.get(base.index, ()) if base is not None else ())
            workdir = "/"
            for ins in st.instructions:
                if ins.keyword == "WORKDIR" and ins.words:
                    workdir = posixpath.join(workdir, ins.words[-1].value)
                    continue
                words = (list(ins.exec_form) if ins.exec_form is not None else [w.value for w in ins.words]) \
                    if ins.keyword in ("COPY", "ADD") else ()
                if len(words) < 2 or "$" in words[-1] or "$" in workdir or len(out) >= _TREE_MAX:
                    continue
                dest = posixpath.normpath(posixpath.join(workdir, words[-1]))
                src = ins.flag("from")
                if src is None:
                    if not any("://" in w for w in words[:-1]):
                        out.add(dest)
                        rel = posixpath.normpath(words[0]) if len(words) == 2 else ""
                        if rel == "." or rel and not rel.startswith(("/", "..")) and dest.endswith("/" + rel):
                            out.add("\0" + (dest if rel == "." else dest[:-len(rel) - 1] or "/"))
                    continue
                donor = model.stage_by_name(src.value or "")
                if donor is not None and donor.index < st.index and words[:-1] in (["/"], ["."]):
                    given = list(memo[donor.index])[:_TREE_MAX]
                    out.update(posixpath.normpath(posixpath.join(dest, d.lstrip("/"))) for d in given)
            memo[st.index] = frozenset(out)
    return memo[stage.index]


def _tree_export(ctx, stage, target, sources, dest: str) -> bool:
    """Whether ``target`` takes back the working tree ``stage`` edited (``golangci-lint fmt``,
    ``helm-docs``, ``controller-gen``, ``protoc`` into the sources): ``target`` is a ``FROM
    scratch`` stage with no command that no stage uses (what ``--output type=local`` writes to
    the working tree: omni's ``lint-golangci-lint-fmt``, sidero's ``manifests``), and each copied
    path is a folder the build context was copied into, or one above it (``/src`` after ``WORKDIR
    /src`` and ``COPY . .``), or a path of the tree copied to the same place of the working tree
    (``COPY --from=manifests-build /src/app/x/config ./app/x/config``).  A file built in the tree
    and copied elsewhere (``/src/app`` to ``.``) is no export of the tree."""
    model = ctx.model
    image = target.image.value.strip().lower() if target.image is not None else ""
    if image != "scratch" or _users(ctx).get(target.index) \
            or any(i.keyword in ("CMD", "ENTRYPOINT", "WORKDIR") for i in target.instructions):
        return False
    tree = _tree_dests(model, stage)
    dests = [d for d in tree if not d.startswith("\0")]
    roots = [d[1:] for d in tree if d.startswith("\0")]
    there = posixpath.normpath(posixpath.join("/", dest)).lstrip("/") or "."
    for s in sources:
        path = posixpath.normpath(posixpath.join("/", s))
        if not any(d == path or path == "/" or d.startswith(path + "/") for d in dests) and not (
                len(sources) == 1 and any(path.startswith(r.rstrip("/") + "/")
                                          and posixpath.relpath(path, r) == there for r in roots)):
            return False
    return True


def _shipped(ctx, st, runs: bool) -> list:
    """(target stage, flag, copied paths not the same on every CPU) for each copy of the
    build-machine stage ``st`` that puts its programs into a target stage (see DF013)."""
    model = ctx.model
    compiles = runs and chain_has(model, st, "compiles", _COMPILES.search, _RUN)
    shipped = []
    for target, ins, cfl in _copies_of(model, st):
        if cfl.name != "from" or _platform_kind(model, target) != "target":
            continue
        if not _ships(ctx, target):
            continue  # a scratch stage carrying the files to a stage on the build machine
        sources = _copy_sources(ins)
        if not sources or any("TARGET" in s for s in sources) or all(same_on_every_cpu(s) for s in sources):
            continue
        dest = ins.exec_form[-1] if ins.exec_form else (ins.words[-1].value if ins.words else "")
        program = any(_BIN_PATH.search(s) for s in sources) or _BIN_PATH.search(dest) is not None
        if not program and not (compiles and chain_has(model, st, "compiles_to", _COMPILED_TO.search, _RUN)) \
                and _tree_export(ctx, st, target, sources, dest):
            continue  # formatted or generated sources written back to the working tree
        if compiles or program or not runs:
            shipped.append((target, cfl, [s for s in sources if not same_on_every_cpu(s)]))
    return shipped


def _df013_text(into: str, paths: list, runs: bool, blind) -> tuple[str, str]:
    """DF013's message (after "Stage N (name) ") and hint: a stage that runs commands and never
    builds for the target, one whose go build is blind to its ``GOARCH`` (``blind``: that RUN), or
    one that only holds an image pulled for the build machine."""
    copied = f"{into} copies its output ({', '.join(paths[:2])}): every platform's image gets the build machine's binaries."
    if blind is not None:
        return (f"runs on the build machine ($BUILDPLATFORM) and its go build (line {blind.line}) never sees GOARCH: "
                f"an assignment before it that is not exported, nor set for the command, is a shell variable go does "
                f"not read, so it builds for the build machine, yet {copied}",
                "set the variables for the command (GOOS=$TARGETOS GOARCH=$TARGETARCH go build ...), or export them")
    if runs:
        return (f"runs on the build machine ($BUILDPLATFORM) and never builds for the target, yet {copied}",
                "cross-compile for the target (ARG TARGETOS TARGETARCH; GOOS=$TARGETOS GOARCH=$TARGETARCH), "
                "or drop --platform=$BUILDPLATFORM")
    return (f"takes its image for the build machine ($BUILDPLATFORM), yet {into} copies files from it "
            f"({', '.join(paths[:2])}): every platform's image gets the build machine's build of them.",
            "drop --platform=$BUILDPLATFORM: the image is then pulled for each target platform")


#: what else says a stage builds for the target, once ``GOOS``/``GOARCH`` assignments from the
#: target's ARGs are set aside (``_go_blind``)
_GO_TARGET_VARS = re.compile(r"\bGO(?:OS|ARCH)=[\"']?\$\{?TARGET(?:OS|ARCH)\}?[\"']?")
_GOARCH_WORD = re.compile(r"\bGOARCH\b")


def _go_blind(model, st):
    """The first ``RUN`` of ``st`` whose ``go build`` sees ``GOARCH`` only as a shell variable from
    the target's ARGs (``GOOS=$TARGETOS GOARCH=$TARGETARCH && go build``: not exported, not a
    prefix: ynabber's, every image an amd64 binary), when every go compile of the stage is so
    blind, no ``ENV``/``ARG`` of the chain sets ``GOARCH`` and nothing else in the stage chain
    builds for the target (its texts, those assignments set aside, pass no ``_TARGET_HINT``, and
    no RUN runs a script or make, which may read the ARGs); else None."""
    from ._common import _TARGET_HINT, _RUNS_SCRIPT, go_arch_seen

    if chain_has(model, st, "go_blind.env", _GOARCH_WORD.search, ("ENV", "ARG")):
        return None
    first, blind = None, []
    for ins in st.instructions:
        seen = list(go_arch_seen(ins))
        blind += [a is not None and not ok and "TARGETARCH" in a.value for a, ok in seen]
        first = first or (ins if seen else None)
    if not blind or not all(blind) or chain_has(model, st, "go_blind.other", lambda t: bool(
            _TARGET_HINT.search(_GO_TARGET_VARS.sub("", t)) or _RUNS_SCRIPT.search(t)), _RUN):
        return None
    return first


#: a base image that holds no program of a CPU (``scratch``, distroless's and Chainguard's
#: ``static``: certificates, time zones, passwd): what is copied into it decides
_NO_PROGRAMS = re.compile(r"(?:scratch|(?:gcr\.io/distroless|cgr\.dev/chainguard|chainguard)/static(?:-debian\d+)?)(?:[:@]|$)", re.I)


def _final_on_build_machine(ctx):
    """DF013's finding for a final stage that runs on the build machine (its own
    ``--platform=$BUILDPLATFORM`` or a base stage's), whose first base is an image with programs
    (not ``scratch`` nor a ``static`` one: ``_NO_PROGRAMS``), or None.  A final stage that ends
    with a ``RUN`` and, with the stages it is based on, names no ``CMD``/``ENTRYPOINT`` is a
    check (buildx's ``lint`` stage running golangci-lint), not an image: None."""
    model = ctx.model
    final = model.final_stage
    if final is None or _platform_kind(model, final) != "build":
        return None
    pinned, st, seen = None, final, 0
    while st is not None and seen <= len(model.stages):
        if pinned is None and st.platform is not None and _own_platform_kind(st) == "build":
            pinned = st
        base = model.base_stage_of(st)
        if base is None:
            break
        st, seen = base, seen + 1
    if final.instructions and final.instructions[-1].keyword == "RUN" and not chain_has(
            model, final, "df013.runs_as", bool, ("CMD", "ENTRYPOINT")):
        return None  # (it ends with a check and says nothing to run: buildx's lint.Dockerfile, no image to ship)
    image, complete, _related = _resolved_image(ctx, st) if st is not None else (None, False, ())
    image = (image or "").strip() if complete else ""
    if pinned is None or not image or "$" in image or _NO_PROGRAMS.match(image):
        return None  # (an image a build argument names: not known here)
    shown = image.split("@", 1)[0]
    where, hint = ("The final stage runs", _FINAL_HINT) if pinned is final else (
        f"The final stage is based on stage {pinned.index}{_stage_label(pinned)}, which runs",
        f"base the final stage on {shown} itself (FROM {shown}, no --platform), not on stage {pinned.index}")
    return ctx.report(
        pinned.platform.span,
        f"{where} on the build machine ($BUILDPLATFORM): every platform's image is the build machine's {shown} (its "
        "libraries and programs), whatever platform the build asks for.",
        hint=hint,
        severity=Severity.ERROR if ctx.targets.several else Severity.WARNING,
        # (`refine.df013` drops it where every build stops at another stage: the final one's name follows)
        key=FINAL_KEY + (final.name.value if final.name is not None else ""),
    )


_FINAL_HINT = "drop --platform=$BUILDPLATFORM from the final stage: keep it on builder stages that cross-compile"


@rule("DF013", "build-platform-binaries-shipped", severity=Severity.WARNING, tags=("multi-arch",))
def build_platform_binaries_shipped(ctx):
    """
    ## What it does
    Flags a `FROM --platform=$BUILDPLATFORM` stage that compiles programs for the build machine
    and hands them to the image with `COPY --from`.

    That is: a target stage (one that follows the target platform: no `--platform`, or
    `$TARGETPLATFORM`) copies the stage's output, and the stage never builds for the target:
    no `TARGETARCH`, `TARGETOS`, `TARGETPLATFORM`,
    `TARGETVARIANT`, no `xx-*` helper nor xx's `go` wrapper (`COPY --from=tonistiigi/xx:golang`), no `GOARCH=$...`, no `--target` triple or cross `CC=`,
    and no `ARG TARGETPLATFORM` (or another target ARG) before a `RUN`, whose scripts see it in
    their environment (multus' `./hack/build-go.sh` maps it to `GOARCH`), nor an `ARG
    GOARCH=$TARGETARCH` (pixie's: go reads it from every later `RUN`'s environment).

    To stay quiet on the many stages that rightly run on the build machine because what they
    make is the same on every CPU (`npm run build` of a web front end, `go generate`, a Java
    `jar`, downloaded sources, certificates), it reports only a stage that compiles (`go build`,
    `go install`, `cargo build`, `rustc`, `zig build`, `cmake --build`...) or whose copied path is a
    program (under a `bin/` folder, `target/release`, a `.so`), and only when some copied path
    is not plainly text (`.js`, `.css`, `.html`, `.json`, `.jar`, a `static/` folder, CA
    certificates...). A stage that only carries files (`FROM scratch` and a `COPY`, picked by a
    knob: `FROM golangci-binary-${FROM_SOURCE}`) passes the copy on: it counts only when what it
    carries reaches (copied or mounted) a stage that does not run on the build machine. A stage that runs nothing
    on an image (`FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS src`, then `COPY --from=src
    /manager`: Reloader's UBI image) holds that image as pulled for the build machine: a copy
    of its files that are not plainly text counts. An error when several
    target platforms are configured (one of them cannot be the build machine's), a warning
    otherwise. In a whole run, not reported where every build of the Dockerfile found stops at
    the flagged stage itself (awesome-compose's compose files build `target: builder` for
    `go run`): no image built there holds the copy. Nor when the copy is the working tree going
    back: a `FROM scratch` stage with no command, which no stage uses, takes a folder the build
    context was copied into, or one above it, or a path of the tree to its own place in the
    working tree (omni's formatter and code-generator stages, sidero's `controller-gen`
    manifests, written to the working tree by `--output type=local`); a file built inside that
    folder and copied elsewhere still counts. A `go build` whose `GOARCH=$TARGETARCH` is a shell variable go never
    reads (`GOARCH=$TARGETARCH && go build`: not exported, not set for the command; ynabber's) never builds for the target.

    Also a final stage on the build machine (its own `$BUILDPLATFORM` or a base stage's: microservices-demo's `FROM
    base`): every platform's image is the build machine's base image (flux-operator's UBI image; moby/buildkit#1057).
    Not on `scratch` or a `static` distroless or Chainguard image, nor on one an `ARG` without default names, nor a final
    stage ending with a `RUN` that names no `CMD`/`ENTRYPOINT` (with its bases: buildx's `lint` check, no image to ship);
    in a whole run, nor where every build found stops at another stage (`--target release`).

    ## Why is this bad?
    `$BUILDPLATFORM` runs the stage natively on the build machine, which is only right when its
    commands then build for `$TARGETARCH`. Without that, `go build` makes a program for the
    build machine's CPU and the `COPY --from` puts it into every platform's image: the arm64
    image built on an amd64 runner fails with `exec format error`. DF005 never advises
    `$BUILDPLATFORM` for such a stage.

    ## Example
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM alpine:3.20
    COPY --from=build /out/app /usr/local/bin/app
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    ARG TARGETOS TARGETARCH
    RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    ```
    or drop `--platform=$BUILDPLATFORM` (the stage is then emulated for each target).

    Not reported in a Dockerfile for a Windows image (see DF003): a Linux build machine's binaries
    cannot be what it ships, only Windows files its stages fetch (rke2's `Dockerfile.windows`).

    ## Fix
    No automatic fix: how to cross-compile depends on the toolchain.
    """
    if windows_image(ctx):
        return  # (rke2's Dockerfile.windows: what its $BUILDPLATFORM stages fetch are Windows .exe files)
    model = ctx.model
    several = ctx.targets.several
    final = _final_on_build_machine(ctx)
    yield from [final] if final is not None else ()
    for st in model.stages:
        if _platform_kind(model, st) != "build" or final is not None and st is model.final_stage:
            continue  # (a stage based on a $BUILDPLATFORM stage is one too; the final one reported)
        # the RUN commands of the stage and of the stages it is based on (``FROM build AS publish``);
        # a stage that runs none holds its base image as pulled for the build machine
        runs = chain_has(model, st, "runs", bool, _RUN)
        blind = _go_blind(model, st) if runs else None  # (GOARCH=$TARGETARCH && go build: not a toolchain's)
        if blind is None and runs and chain_has(model, st, "toolchain_arch", _TOOLCHAIN_ARCH.search, ("RUN", "ENV")):
            continue  # a literal toolchain architecture (``ENV GOOS=linux GOARCH=arm64``): DF008's subject
        if _stage_uses_target(model, st) and blind is None or not runs and not _image_donor(model, st):
            continue
        shipped = _shipped(ctx, st, runs)
        if not shipped:
            continue
        target, _, paths = shipped[0]
        into = "the final stage" if target is model.final_stage else f"stage {target.index}{_stage_label(target)}"
        what, hint = _df013_text(into, paths, runs, blind)
        yield ctx.report(
            st.platform.span if st.platform is not None else st.image.span,
            f"Stage {st.index}{_stage_label(st)} {what}",
            hint=hint,
            severity=Severity.ERROR if several else Severity.WARNING,
            related=tuple(Related(c.span, "copied from here") for _, c, _ in shipped[:3]),
            key=st.name.value if st.name else str(st.index),
        )
