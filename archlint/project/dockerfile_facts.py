"""What a Dockerfile and a Bake file tell the project model (``facts``'s ``final``, ``args``,
``froms``, ``pin`` and ``builds``)."""
from __future__ import annotations

import re

from ..images import floating_value
from .facts import _span, canonical, pattern


def _stage_base(ctx, st):
    """The earlier stage ``st`` is based on, its name's ARG defaults expanded (fleet's ``FROM
    copy_${BUILD_ENV}`` with ``ARG BUILD_ENV=docker``), and the ARGs that name uses."""
    from ..checks.dockerfile._common import _resolved_image
    from ..parsers.dockerfile import uses_vars

    model = ctx.model
    base = model.base_stage_of(st)
    if base is not None or st.image is None or "$" not in st.image.value:
        return base, ()
    value, complete, _related = _resolved_image(ctx, st)
    ref = model.stage_by_name(value) if complete and value else None
    names = tuple(n for n, _s, _e in uses_vars(st.image.value))
    return (ref, names) if ref is not None and ref.index < st.index else (None, ())


def _final_pin(ctx, stages) -> dict | None:
    """How the final stage's ``--platform`` (its own, or that of the stage it is based on, and
    so on) pins the image whatever the build asks: ``platform``, the constant it names (ARG
    defaults expanded, as DF003 reads it), ``args``, the ARGs it reads (a ``--build-arg`` for
    one of them sets the platform), ``chain``, the ARGs that pick the stages on the way (a
    build that sets one may take another chain), ``files`` (True) when the image holds only files
    copied in (``_files_only``: its platform is not known here).  None when the image follows the target's
    platform (no ``--platform``, ``$TARGETPLATFORM``) or the build machine's
    (``$BUILDPLATFORM``): then a build's own ``--platform``, or its machine, decides."""
    from ..checks.dockerfile._common import _pinned_platform, _platform_kind
    from ..parsers.dockerfile import PLATFORM_ARGS, uses_vars

    if _files_only(ctx.model, stages):
        return {"platform": None, "args": [], "chain": [], "files": True}
    st, chain, seen, last = stages[-1], [], 0, None
    while st is not None and (st.platform is None or st.platform.value is None) and seen < len(stages):
        last = st
        st, names = _stage_base(ctx, st)
        chain.extend(names)
        seen += 1
    if st is None and last is not None and last.platform is None:
        return _named_pin(last, chain)
    if st is None or st.platform is None or st.platform.value is None:
        return None
    if _platform_kind(ctx.model, st) in ("target", "build"):
        return None
    args = sorted({n for n, _s, _e in uses_vars(st.platform.value) if n not in PLATFORM_ARGS})
    pinned = _pinned_platform(ctx, st)
    platform = (canonical([pinned[1]]) or [None])[0] if pinned is not None else None
    if platform is None and not args:
        return None
    return {"platform": platform, "args": args, "chain": sorted(set(chain))}


def _files_only(model, stages) -> bool:
    """Whether the image holds only files copied in: every stage is ``FROM scratch`` (or an
    earlier such stage), without ``--platform`` or ``RUN``, and copies from the build context or
    an earlier stage only, by paths written out (descheduler's ``Dockerfile.dev``: ``COPY
    _output/bin/descheduler``).  Its CPU is the CPU of those files, which were made before the
    build: the build machine gives it only its label.  Not so where a path or URL holds a
    variable (``COPY bin/${TARGETARCH}/app``: the build picks the files by its platform) or a
    URL is downloaded (one CPU's build, which the label should name)."""
    for st in stages:
        if st.platform is not None or st.image is None:
            return False
        if st.image.value.strip().lower() != "scratch" and model.base_stage_of(st) is None:
            return False
        for ins in st.instructions:
            if ins.keyword == "RUN" or ins.keyword in ("COPY", "ADD") and ("$" in ins.args.text or "://" in ins.args.text):
                return False
            for fl in ins.flags:
                src = model.stage_by_name(fl.value) if fl.name == "from" and fl.value else None
                if fl.name == "from" and (src is None or src.index >= st.index):
                    return False  # (another image's files: the target platform's)
    return True


def _named_pin(st, chain) -> dict | None:
    """The pin of a final stage built on one architecture's image by its name (``archnames.
    one_arch_image``: ``registry.k8s.io/debian-base-amd64:0.3``, ``arm64v8/alpine``,
    ``distroless/static:nonroot-amd64``: the builder takes it whatever machine it runs on, so
    the image is that platform's); None for any other base: one a variable names, a name of two
    architectures or none, a cross toolchain's."""
    from ..archnames import one_arch_image

    ref = st.image.value.strip() if st.image is not None else ""
    if not ref or ref.lower() == "scratch":
        return None
    arch = one_arch_image(ref)
    platform = (canonical([f"linux/{arch}"]) or [None])[0] if arch else None
    return {"platform": platform, "args": [], "chain": sorted(set(chain))} if platform else None


# ---- Dockerfiles ------------------------------------------------------------------------------------


def dockerfile_facts(ctx, out: dict) -> None:
    from ..checks.dockerfile._common import _base_images
    from ..parsers.dockerfile import uses_vars

    stages = getattr(ctx.model, "stages", None)
    if stages:  # the final stage's name ("" when unnamed): a build's --target names it or another
        out["final"] = stages[-1].name_value or ""  # and the ARGs it declares: what a --build-arg can set
        out["args"] = sorted({*ctx.model.global_args, *(n for st in stages for n in st.declared_args()), *(
            v[0] for st in stages for v in uses_vars(st.from_ins.args.text))})  # FROM base-${TARGETARCH} too
    for st, image, _related in _base_images(ctx):
        img = pattern(image)
        if not img or "*" in img:
            continue
        out.setdefault("froms", []).append({
            "span": _span(st.from_ins.keyword_span), "image": img, "stage": st.index,
            "pinned": st.platform is not None})
    pin = _final_pin(ctx, stages) if stages else None
    if pin is not None:
        out["pin"] = pin
    targets = _target_stages(ctx, stages) if stages else []
    if targets:
        out["target_stages"] = targets
    if stages and _runs_on_builder_only(ctx.model, stages):
        out["builder_runs"] = True
    go_arm = _go_arm(ctx, stages) if stages else []
    if go_arm:
        out["go_arm"] = go_arm


#: go told the target's CPU by an ``ENV``/``ARG`` the ``RUN``s see (``ENV GOARCH=$TARGETARCH``,
#: ``ARG GOARCH=${TARGETARCH}``)
_GOARCH_TARGET = re.compile(r"\bGOARCH[=\s]+[\"']?\$\{?TARGETARCH\b")
#: what sets the ARM version, or may: GOARM itself, the variant, xx's helpers and go wrapper
#: (they set GOARM from it), GoReleaser's own matrix
_ARM_AWARE = re.compile(r"GOARM|TARGETVARIANT|\bxx-|tonistiigi/xx|goreleaser", re.I)


def _go_arm(ctx, stages) -> list:
    """``{"span", "stage"}`` of the first ``RUN`` of each stage on the build machine
    (``$BUILDPLATFORM``) whose ``go build`` or ``go install`` gets ``GOARCH`` from ``TARGETARCH``
    (a prefix or an exported assignment, or an ``ENV``/``ARG`` of the stage chain: not
    ``GOARCH=$TARGETARCH && go build``, a shell variable go never sees) while nothing in the
    Dockerfile sets ``GOARM`` or reads the variant (``TARGETVARIANT``, xx's helpers) or the whole
    target platform (``TARGETPLATFORM`` outside a ``FROM``: a script may map it): for
    ``linux/arm/v6`` that compile makes ARMv7 code (XF008).  Commands read by the shared shell
    analyser."""
    from ..checks.dockerfile._common import _own_texts, _platform_kind, chain_has

    model = ctx.model
    if "GOARCH" not in ctx.source.text or _ARM_AWARE.search(ctx.source.text):
        return []
    if any("TARGETPLATFORM" in t for st in stages for t in _own_texts(st, ("RUN", "ENV", "ARG", "COPY", "ADD"))):
        return []
    out = []
    for st in stages:
        if _platform_kind(model, st) != "build":
            continue
        env = chain_has(model, st, "go_arm.env", _GOARCH_TARGET.search, ("ENV", "ARG"))
        for ins in st.instructions:
            if ins.keyword == "RUN" and ins.exec_form is None and _told(ins, env):
                out.append({"span": _span(ins.keyword_span), "stage": st.name_value or str(st.index)})
                break
    return out[:16]


def _told(ins, env: bool) -> bool:
    """Whether a ``go build``/``go install`` of the ``RUN`` sees ``GOARCH`` from ``TARGETARCH``: its
    own prefix assignment or an exported one before it (or a plain assignment of the variable an
    ``ENV`` already exports), else the stage's ``ENV`` (``_common.go_arch_seen``)."""
    from ..checks.dockerfile._common import go_arch_seen

    return any(a is None and env or a is not None and "TARGETARCH" in a.value and (seen or env)
               for a, seen in go_arch_seen(ins))


def _runs_on_builder_only(model, stages) -> bool:
    """Whether every ``RUN`` of the Dockerfile runs in a stage on the build machine
    (``--platform=$BUILDPLATFORM``, or based on such a stage), if it has any: a build for other
    CPUs then runs no foreign program and needs no emulator (vikunja's cross-compiling builders
    and its ``FROM scratch`` final stage; a final ``FROM alpine`` that only copies).  A base
    image's ``ONBUILD RUN`` triggers (the deprecated ``*-onbuild`` images) are not seen."""
    from ..checks.dockerfile._common import _platform_kind

    return not any(_platform_kind(model, st) != "build" and any(ins.keyword == "RUN" for ins in st.instructions)
                   for st in stages)


def _target_stages(ctx, stages) -> list:
    """[first line, last line] of each stage that is built for the build's target platform (no
    ``--platform``, ``$TARGETPLATFORM``, or based on such a stage): a build's ``--platform``
    decides what a literal architecture there must match (``refine.built_for_it``)."""
    from ..checks.dockerfile._common import _platform_kind

    out = []
    for i, st in enumerate(stages):
        if _platform_kind(ctx.model, st) != "target":
            continue
        end = stages[i + 1].from_ins.keyword_span.line - 1 if i + 1 < len(stages) else 10**9
        out.append([st.from_ins.keyword_span.line, end])
    return out


# ---- Bake files ---------------------------------------------------------------------------------


def bake_facts(ctx, out: dict) -> None:
    """A build per Bake target, but not for a target only other targets inherit (no group lists
    it, not ``default``): ``docker/metadata-action``'s ``docker-metadata-action`` placeholder and
    the ``image`` its ``image-local``/``image-all`` inherit are templates, not builds of their own."""
    targets = getattr(ctx.model, "targets", ())
    listed = {x for g in getattr(ctx.model, "groups", {}).values() for x in g}
    parents = {p for t in targets for p in t.inherits} - listed - {"default"}
    for t in targets:
        if t.name in parents:
            continue
        plats = None if t.platforms is None else canonical(t.platforms)
        context = str(t.context) if t.context is not None else "."
        if context.startswith("cwd://"):
            context = context[len("cwd://"):] or "."
        elif "://" in context or context.startswith("target:"):
            context = "*"  # a remote context, or another target's output
        dockerfile = str(t.dockerfile) if t.dockerfile is not None else None
        if t.dockerfile_inline is not None:
            dockerfile = "*"  # written in the Bake file itself: no file to find
        elif dockerfile is not None and "*" not in context and not dockerfile.startswith("/"):
            dockerfile = context.rstrip("/") + "/" + dockerfile
        out.setdefault("builds", []).append({
            "span": [t.line, t.col, t.end_line, t.end_col],
            "tool": f"bake target {t.name}",
            "file": dockerfile,
            "context": context,
            # bake reads its paths from the folder it runs in (docker/buildx#1028), not the
            # Bake file's: that folder, or one above it (`bake -f ci/docker-bake.hcl` at the top)
            "bases": ["up"],
            "platforms": plats,
            "host": None,
            "tags": [str(x) for x in t.tags if x and x != "*"],
            "push": bool(t.push),
            "local": bool(t.load) and not t.push,
            "stage": str(t.target) if t.target is not None else None,
            "args": sorted(str(k) for k in (getattr(t, "args", None) or {})),
            "dynamic_args": sorted(str(k) for k, v in (getattr(t, "args", None) or {}).items() if "*" in str(v)),
            "contexts": sorted(str(k) for k in (getattr(t, "contexts", None) or {})),
            "floating_args": sorted(str(k) for k, v in (getattr(t, "args", None) or {}).items() if floating_value(str(v))),
        })
