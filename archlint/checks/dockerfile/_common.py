"""What the Dockerfile rules share: resolving a FROM image and its --platform, the builder
stages, the platform policy of a literal architecture."""
from __future__ import annotations

import re

from ... import platforms as plat
from ...model import Edit, Related, Severity, Span
from ...parsers.dockerfile import (
    PLATFORM_ARGS,
    Stage,
    expand,
    from_env,
    uses_vars,
)

# ---- helpers shared by the rules -----------------------------------------------------------------


def _resolved_image(ctx, stage: Stage):
    """(image value with global ARG defaults expanded, complete?, related ARG locations)."""
    word = stage.image
    if word is None:
        return None, False, ()
    value = word.value
    if "$" not in value:
        return value, True, ()
    model = ctx.model
    env = from_env(model)
    for name, _, _ in uses_vars(value):
        if name not in env and name not in PLATFORM_ARGS:
            env[name] = ""  # undeclared before the first FROM: BuildKit expands it to nothing (DF012)
    out, complete = expand(value, env)
    related = []
    for name, _, _ in uses_vars(value):
        if name in model.global_args:
            ins = model.global_args[name][1]
            related.append(Related(ins.args.span(0, len(ins.args.text.split("\n")[0])), f"ARG {name} sets the default here"))
    return out, complete, tuple(related)


def _image_stage_ref(ctx, stage: Stage, value: str) -> bool:
    ref = ctx.model.stage_by_name(value)
    return ref is not None and ref.index < stage.index


def _base_images(ctx):
    """Yield (stage, resolved image, related) for stages whose base is a real image."""
    for st in ctx.model.stages:
        value, complete, related = _resolved_image(ctx, st)
        if value is None or not complete:
            continue  # an unresolvable $ARG: trusted
        if value.lower() == "scratch" or _image_stage_ref(ctx, st, value):
            continue
        yield st, value, related


def _literal_platform(stage: Stage):
    """The stage's --platform value if it is a literal (no variable), else None."""
    fl = stage.platform
    if fl is None or fl.value is None or plat.is_dynamic(fl.value):
        return None
    return fl


def _valid(value: str):
    return plat.meaning(value)


def _bare_os(value: str) -> bool:
    """``linux``: an OS without architecture, which the build completes with its own CPU."""
    try:
        return plat.read(value).kind == "bare-os"
    except plat.PlatformError:
        return False


def _stage_names_arch(stage: Stage, p) -> bool:
    """BuildKit's exemption: a stage named after its OS/arch (``AS build-amd64``)."""
    if stage.name is None:
        return False
    name = stage.name.value.lower()
    return any(t.group(1).lower() in p.tokens for t in plat.arch_token_re().finditer(name))


def _builder_stages(ctx) -> dict[int, list]:
    """Stages read by COPY --from (or RUN --mount=from) that are not the final stage."""
    model = ctx.model
    final = model.final_stage
    return {i: fl for i, fl in model.copied_from().items() if final is None or i != final.index}


_DERIVES_ARCH = re.compile(
    r"\$\{?(TARGETARCH|TARGETPLATFORM|TARGETVARIANT)\b|uname\s+-m|dpkg\s+--print-architecture|"
    r"apk\s+--print-arch|\$\(\s*arch\s*\)|`arch`|rpm\s+--eval\s+'?%\{?_arch"
)


def _stage_derives_arch(stage: Stage) -> bool:
    for ins in stage.instructions:
        if _DERIVES_ARCH.search(ins.args.text):
            return True
        for h in ins.heredocs:
            if _DERIVES_ARCH.search(h.body.text):
                return True
    return False


def _arch_policy(ctx, stage: Stage, token_arch: str):
    """For a literal architecture in a stage: None (fine) or (severity, reason)."""
    targets = ctx.targets
    pinned = _literal_platform(stage)
    pinned_p = _valid(pinned.value) if pinned else None
    if targets.none:
        if pinned_p is not None and pinned_p.arch == token_arch:
            return None
        return Severity.WARNING, "no target platforms are configured, so the image may be built for another CPU"
    if token_arch not in targets.arches:
        return Severity.ERROR, f"the configured target platforms are {targets.describe()}"
    one = targets.single
    if one is not None:
        if pinned_p is not None and pinned_p.arch == token_arch:
            return None
        return Severity.WARNING, (
            f"the stage is not pinned to {one}, so a build on another CPU gets a mismatched binary"
        )
    return Severity.WARNING, (
        f"several target platforms are configured ({targets.describe()}) and this literal serves only one"
    )


def _insert_after_from(stage: Stage, ctx, text: str) -> Edit:
    ins = stage.from_ins
    line = ins.end_line if not ins.heredocs else ins.end_line
    end_col = len(ctx.source.line(line)) + 1
    return Edit(Span(line, end_col, line, end_col), "\n" + text)

def _stage_label(st: Stage) -> str:
    return f" ({st.name.value})" if st.name is not None else ""
