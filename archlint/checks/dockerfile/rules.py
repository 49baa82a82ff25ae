"""Dockerfile rules DF001-DF011."""
from __future__ import annotations

import re

from ... import platforms as plat
from ...model import Edit, Fix, Related, Severity, Span
from ...parsers.dockerfile import (
    PLATFORM_ARGS,
    Stage,
    expand,
    from_env,
    uses_vars,
)
from ...images import parse_image_ref
from ...registry import rule


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
    out, complete = expand(value, from_env(model))
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


# ---- DF001 / DF002 / DF011: base image references ------------------------------------------------


@rule("DF001", "from-latest-tag", severity=Severity.WARNING, tags=("image", "reproducibility"))
def from_latest_tag(ctx):
    """
    ## What it does
    Flags a `FROM` whose image uses the `latest` tag, also when an `ARG` default resolves to it.

    ## Why is this bad?
    `latest` is a moving pointer: two builds of the same commit get different bases, a rebuild can
    silently switch major versions, and a cached `latest` on one machine differs from another's.
    Same as hadolint DL3007 (`# hadolint ignore=DL3007` is honoured).

    ## Example
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal:latest
    ```

    ## Use instead
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal:9.5
    ```

    ## Fix
    No automatic fix: archlint cannot know which version you want.
    """
    for st, value, related in _base_images(ctx):
        name, tag, digest = parse_image_ref(value)
        if tag == "latest" and digest is None:
            via = " (through an ARG default)" if related else ""
            yield ctx.report(
                st.image.span,
                f"Base image {value} uses the mutable tag latest{via}.",
                hint=f"pin a version tag such as {name}:<version>, or a digest",
                related=related,
                key=value,
            )


@rule("DF002", "from-untagged", severity=Severity.WARNING, tags=("image", "reproducibility"))
def from_untagged(ctx):
    """
    ## What it does
    Flags a `FROM` image with neither a tag nor a digest, which Docker reads as `:latest`.

    ## Why is this bad?
    It is `latest` in disguise (see DF001). Not reported for `scratch`, for a reference to an
    earlier stage (`FROM build`), or for an image held in an `ARG` without a usable default
    (`FROM ${BASE_IMAGE}`): its value comes from the build command, which archlint cannot see,
    and reporting it would be a false alarm (checkov's most common one). Same as hadolint DL3006.

    ## Example
    ```dockerfile
    FROM python
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Fix
    No automatic fix.
    """
    for st, value, related in _base_images(ctx):
        name, tag, digest = parse_image_ref(value)
        if tag is None and digest is None:
            yield ctx.report(
                st.image.span,
                f"Base image {value} has no tag or digest, so it means {value}:latest.",
                hint=f"pin a version: {value}:<version>",
                related=related,
                key=value,
            )


@rule("DF011", "from-not-pinned", severity=Severity.INFO, enabled=False, tags=("image", "supply-chain"))
def from_not_pinned(ctx):
    """
    ## What it does
    Flags a `FROM` image that is not pinned by a `@sha256:` digest. Off by default.

    ## Why is this bad?
    Even a version tag can be re-pushed. Teams that require immutable, reviewable bases pin by
    digest (and let a bot such as Renovate update it).

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim@sha256:<digest>
    ```

    ## Fix
    No automatic fix: the digest must be looked up in the registry, which archlint never contacts.
    """
    for st, value, related in _base_images(ctx):
        if parse_image_ref(value)[2] is None:
            yield ctx.report(
                st.image.span,
                f"Base image {value} is not pinned by digest.",
                hint="append @sha256:<digest> (a tag may stay for readers)",
                related=related,
                key=value,
            )


# ---- DF003 / DF004 / DF009 / DF010: FROM --platform ----------------------------------------------


@rule("DF003", "from-platform-hardcoded", severity=Severity.WARNING, tags=("multi-arch",))
def from_platform_hardcoded(ctx):
    """
    ## What it does
    Flags `FROM --platform=<literal>`, which pins a stage to one architecture, and
    `FROM --platform=linux` (an OS without architecture), which pins it to the build machine's.

    ## Why is this bad?
    A pinned stage ignores `docker buildx build --platform ...`: a multi-arch build produces the
    same architecture for every target, and the final image crashes with `exec format error` on
    the others. For builder stages the usual intent is "run on the build machine's CPU", which is
    `--platform=$BUILDPLATFORM`.

    archlint's policy differs from hadolint DL3029 and BuildKit's FromPlatformFlagConstDisallowed,
    which forbid any constant: a constant is accepted when the configured `platforms` is exactly
    that one platform (the pin states the team's single target), and when the stage name names
    its architecture (`AS build-amd64`). BuildKit also exempts a stage whose name contains the
    pinned OS (`FROM --platform=linux/amd64 ... AS linux`); archlint does not, because such a
    stage still gives every target of a multi-platform build amd64 binaries, which is the
    mistake this rule exists for. A literal outside the configured platforms is reported by
    DF004 instead. `--platform=linux` is reported whatever is configured: what the stage
    contains then depends on where it is built. `# hadolint ignore=DL3029` and
    `# check=skip=FromPlatformFlagConstDisallowed` are honoured.

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

    ## Fix
    No automatic fix: whether the stage should follow the build or the target platform is a
    design choice.
    """
    targets = ctx.targets
    builders = _builder_stages(ctx)
    for st in ctx.model.stages:
        fl = _literal_platform(st)
        if fl is None:
            continue
        p = _valid(fl.value)
        if p is None:
            if _bare_os(fl.value):
                yield ctx.report(
                    fl.span,
                    f"Stage {st.index}{_stage_label(st)} is pinned to {fl.value.strip()} with the build machine's "
                    "architecture, so what it contains depends on where the image is built.",
                    hint="use --platform=$BUILDPLATFORM for a builder stage, or drop the flag",
                    key=fl.value.strip(),
                )
            continue  # else DF009
        if targets and not targets.covers(p):
            continue  # DF004
        if targets.single is not None and targets.single.matches(p):
            continue
        if _stage_names_arch(st, p):
            continue
        hint = (
            "use --platform=$BUILDPLATFORM for a builder stage and cross-compile with $TARGETARCH"
            if st.index in builders
            else "drop the flag and pass --platform to the build command instead"
        )
        yield ctx.report(
            fl.span,
            f"Stage {st.index}{_stage_label(st)} is pinned to {p}, so a multi-platform build gives every target this one architecture.",
            hint=hint,
            key=str(p),
        )


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

    ## Fix
    No automatic fix.
    """
    targets = ctx.targets
    if targets.none:
        return
    for st in ctx.model.stages:
        fl = _literal_platform(st)
        p = _valid(fl.value) if fl else None
        if p is None or targets.covers(p):
            continue
        yield ctx.report(
            fl.value_span or fl.span,
            f"Stage {st.index}{_stage_label(st)} is built for {p}, which is not a configured target platform ({targets.describe()}).",
            hint=f"use --platform={targets.single}" if targets.single is not None else "use --platform=$BUILDPLATFORM or drop the flag",
            key=str(p),
        )


@rule("DF009", "invalid-platform", severity=Severity.ERROR, fix="safe", tags=("multi-arch",))
def invalid_platform(ctx):
    """
    ## What it does
    Flags a `FROM --platform=` value the build rejects or that names no known OS or
    architecture (`linux/amd46`, `linux/arm64/v9`), with the nearest valid value. As info, it
    also flags another spelling the build accepts (`linux/x86_64` is `linux/amd64`) and an
    architecture without OS (`amd64`: the build machine's OS is added).

    ## Why is this bad?
    BuildKit rejects an unknown platform, or finds no image and no emulator for it. Other
    spellings work but hide what is built from a reader and from searches (`linux/x86_64` is
    `linux/amd64`). An OS alone (`--platform=linux`) takes the build machine's CPU: DF003 reports
    that pin.
    Values are read as the build reads them (containerd's platform parser, which BuildKit, docker
    and buildx use; the grammar is in `archlint/platforms.py`): one to three `/`-separated parts,
    lower-cased, with `x86_64`/`x86-64`, `aarch64`, `i386`, `armhf`, `armel` normalised and
    arm's variant `7` read as `v7`. So `linux/x86_64` is info with a safe fix, `amd64` info with an unsafe fix (on a
    Windows builder it would mean `windows/amd64`), an unknown name an error. The same reading
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
    another spelling with the build's own reading. Unsafe: adds `linux/` to an architecture
    without OS.
    """
    for st in ctx.model.stages:
        fl = _literal_platform(st)
        if fl is None:
            continue
        f = ctx.invalid_platform(fl.value_span or fl.span, fl.value, repr(fl.value), fixable=fl.value_span is not None,
                                 bare_os=False)  # FROM --platform=linux: DF003's pin to the builder's CPU
        if f is not None:
            yield f


@rule("DF010", "redundant-target-platform", severity=Severity.INFO, fix="safe", tags=("multi-arch", "style"))
def redundant_target_platform(ctx):
    """
    ## What it does
    Flags `FROM --platform=$TARGETPLATFORM`, which is what a stage gets anyway.

    ## Why is this bad?
    It adds nothing and suggests the author meant `$BUILDPLATFORM` (run on the build machine's
    CPU). Same as BuildKit's RedundantTargetPlatform check.

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
    for st in ctx.model.stages:
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


@rule("DF005", "from-without-platform", severity=Severity.WARNING, fix="safe", tags=("multi-arch",))
def from_without_platform(ctx):
    """
    ## What it does
    Flags a `FROM` whose platform is implicit, so the image follows the CPU of the machine that
    builds it. Which stages are reported depends on the configured target `platforms`:

    - one platform configured (`platforms = ["linux/amd64"]`): every stage without `--platform`;
    - several configured: only builder stages (read by `COPY --from`, not the final stage)
      without `--platform=$BUILDPLATFORM`;
    - none configured: the final stage, as a reminder to configure `platforms`.

    Stages based on `scratch` or on an earlier stage are never reported.

    ## Why is this bad?
    An image built on an Apple Silicon laptop without a platform is arm64; pushed and run on amd64
    nodes it crashes with `exec format error` / `CrashLoopBackOff`. With a single target the
    Dockerfile can say so. With several targets the final stage must follow the build command's
    `--platform`, but builder stages should run natively on the build machine
    (`$BUILDPLATFORM`) and cross-compile for `$TARGETARCH`; otherwise each is emulated with QEMU.
    Setting `--platform` on the build command instead (BC001) is equally good; suppress this rule
    where that is how the team works.

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
    model = ctx.model
    targets = ctx.targets
    final = model.final_stage
    builders = _builder_stages(ctx)
    for st in model.stages:
        if st.platform is not None or st.image is None:
            continue
        value, complete, _ = _resolved_image(ctx, st)
        if complete and (value.lower() == "scratch" or _image_stage_ref(ctx, st, value)):
            continue
        kw = st.from_ins.keyword_span
        insert_at = Span(kw.line, kw.end_col, kw.line, kw.end_col)
        if targets.single is not None:
            p = targets.single
            yield ctx.report(
                kw,
                f"FROM {st.image.value} has no --platform, so the stage follows the build machine's CPU instead of {p}.",
                hint=f"add --platform={p} (or pass --platform {p} to the build command)",
                fix=Fix(f"add --platform={p}", (Edit(insert_at, f" --platform={p}"),), safe=True),
                key=st.image.value,
            )
        elif targets.several:
            if st.index not in builders:
                continue
            yield ctx.report(
                kw,
                f"Builder stage {st.index}{_stage_label(st)} has no --platform, so it is emulated once per target platform instead of running natively.",
                hint="add --platform=$BUILDPLATFORM and cross-compile with $TARGETOS/$TARGETARCH",
                fix=Fix("add --platform=$BUILDPLATFORM", (Edit(insert_at, " --platform=$BUILDPLATFORM"),), safe=False),
                related=tuple(Related(fl.span, "copied from here") for fl in builders[st.index][:3]),
                key=st.image.value,
            )
        elif final is not None and st.index == final.index:
            yield ctx.report(
                kw,
                f"The final stage (FROM {st.image.value}) has no --platform and no target platforms are configured, so the image follows the build machine's CPU.",
                hint='set platforms = ["linux/amd64"] (or your targets) in .archlint.toml or [tool.archlint]',
                key=st.image.value,
            )


def _stage_label(st: Stage) -> str:
    return f" ({st.name.value})" if st.name is not None else ""


# ---- DF006: architecture-specific downloads --------------------------------------------------------

DOWNLOADERS = frozenset(("curl", "wget", "aria2c", "fetch", "git", "http", "axel"))
_URL_OR_PATH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|/|\./|\.\./|~/)|/")


def _download_words(ctx, stage: Stage):
    """(instruction, word value, span) for each URL/path argument of a download or copy."""
    for ins in stage.instructions:
        if ins.keyword in ("ADD", "COPY"):
            if ins.exec_form is not None or len(ins.words) < 2:
                continue
            for w in ins.words[:-1]:
                if not w.value.startswith("<<"):
                    yield ins, w.value, w.span
        elif ins.keyword == "RUN" and ins.exec_form is None:
            text = ins.args.text + "".join(h.body.text for h in ins.heredocs)
            if not plat.arch_token_re().search(text):
                continue  # cheap pre-filter: no architecture token at all
            from ...parsers.shell import simple_commands

            from ...parsers.dockerfile import shell_body

            snippets = [shell_body(ins)] + [h.body for h in ins.heredocs]
            for snip in snippets:
                for cmd in simple_commands(snip):
                    words = cmd.words
                    if not words:
                        continue
                    name = words[0].value.rsplit("/", 1)[-1]
                    if name not in DOWNLOADERS:
                        continue
                    for w in words[1:]:
                        v = w.value
                        if v.startswith("-") or not _URL_OR_PATH.search(v):
                            continue
                        yield ins, v, w.span


@rule("DF006", "arch-specific-download", severity=Severity.WARNING, fix="unsafe", tags=("multi-arch",))
def arch_specific_download(ctx):
    """
    ## What it does
    Flags a download or copy whose URL or path names a CPU architecture literally. That is a
    `RUN` download (`curl`, `wget`, `git clone`...) or an `ADD`/`COPY` source naming `amd64`,
    `x86_64`, `aarch64`, `arm64`, `armv7`, `i386`... in a stage that never derives the
    architecture from `TARGETARCH`, `TARGETPLATFORM`, `uname -m` or `dpkg --print-architecture`.
    Only URLs and paths of download and copy commands count, not every word.

    With one configured platform, a token for it in a stage pinned to it (`FROM --platform=...`)
    is fine. With several, a literal token is reported even in a pinned stage, because its output
    is copied into the images of the other architectures. A token for an architecture that is not
    configured at all is an error.

    ## Why is this bad?
    The image contains a binary for one CPU whatever platform it is built for: on the others the
    container crashes with `exec format error`.

    ## Example
    ```dockerfile
    ADD https://example.com/tool/releases/download/v1.0/tool-linux-arm64 /bin/tool
    ```

    ## Use instead
    ```dockerfile
    ARG TARGETARCH
    ADD https://example.com/tool/releases/download/v1.0/tool-linux-${TARGETARCH} /bin/tool
    ```

    ## Fix
    Unsafe: replaces a Go-style token (`amd64`, `arm64`) with `${TARGETARCH}` and declares
    `ARG TARGETARCH` in the stage; in a `RUN`, a uname-style token (`x86_64`, `aarch64`) becomes
    `$(uname -m)`. Unsafe because projects name their artefacts differently.
    """
    model = ctx.model
    for st in model.stages:
        if _stage_derives_arch(st):
            continue
        declared = st.declared_args()
        for ins, value, span in _download_words(ctx, st):
            for m in plat.arch_token_re().finditer(value):
                token = m.group(1)
                arch = plat.TOKEN_ARCH[token.lower()]
                policy = _arch_policy(ctx, st, arch)
                if policy is None:
                    continue
                severity, reason = policy
                tspan = _token_span(ctx, span, value, m.start(), m.end())
                fix = _arch_fix(ctx, st, ins, token, tspan, declared)
                yield ctx.report(
                    tspan,
                    f"{ins.keyword} fetches a build for {token} ({value}) whatever the target platform; {reason}.",
                    hint="derive it: ARG TARGETARCH and ${TARGETARCH} in the URL (map names with a case if the project uses x86_64/aarch64)",
                    fix=fix,
                    severity=severity,
                    key=f"{token}:{value}",
                )


def _token_span(ctx, word_span: Span, value: str, start: int, end: int) -> Span:
    """Point at the token inside the word when the word sits on one line; else the word."""
    if word_span.line == word_span.end_line:
        raw = ctx.source.line(word_span.line)[word_span.col - 1 : word_span.end_col - 1]
        tok = value[start:end]
        idx = -1
        for _ in range(value[:start].count(tok) + 1):
            idx = raw.find(tok, idx + 1)
            if idx < 0:
                break
        if idx >= 0:
            return Span(word_span.line, word_span.col + idx, word_span.line, word_span.col + idx + len(tok))
    return word_span


def _arch_fix(ctx, stage: Stage, ins, token: str, span: Span, declared) -> Fix | None:
    low = token.lower()
    if span.line != span.end_line:
        return None
    if low in ("amd64", "arm64"):
        edits = [Edit(span, "${TARGETARCH}")]
        if "TARGETARCH" not in declared:
            edits.insert(0, _insert_after_from(stage, ctx, "ARG TARGETARCH"))
        return Fix("use ${TARGETARCH}", tuple(edits), safe=False)
    if low in ("x86_64", "aarch64") and ins.keyword == "RUN":
        return Fix("use $(uname -m)", (Edit(span, "$(uname -m)"),), safe=False)
    return None


# ---- DF007: platform ARGs used without declaration ---------------------------------------------------


@rule("DF007", "undeclared-platform-arg", severity=Severity.WARNING, fix="safe", tags=("multi-arch",))
def undeclared_platform_arg(ctx):
    """
    ## What it does
    Flags `$TARGETARCH`, `$TARGETOS`, `$TARGETPLATFORM`, `$TARGETVARIANT`, `$BUILDPLATFORM`,
    `$BUILDARCH`, `$BUILDOS` used in a stage that has no `ARG NAME` after its `FROM`.

    ## Why is this bad?
    BuildKit defines these automatic arguments only in the global scope (usable in `FROM`
    lines). Inside a stage they expand to an empty string unless re-declared with `ARG`:
    `GOARCH=$TARGETARCH go build` silently builds for the build machine's CPU. Overlaps BuildKit's
    UndefinedVar check (`# check=skip=UndefinedVar` is honoured).

    ## Example
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    RUN GOARCH=$TARGETARCH go build -o /out/app .
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    ARG TARGETARCH
    RUN GOARCH=$TARGETARCH go build -o /out/app .
    ```

    ## Fix
    Safe: inserts `ARG NAME` right after the stage's `FROM`.
    """
    for st in ctx.model.stages:
        declared = st.declared_args()
        seen: set[str] = set()
        env_defined: set[str] = set()
        for ins in st.instructions:
            if ins.keyword == "ENV":
                for w in ins.words:
                    env_defined.add(w.value.split("=", 1)[0])
            if ins.keyword == "ARG":
                continue
            texts = [(ins.args, ins.args.text)]
            texts += [(h.body, h.body.text) for h in ins.heredocs if not h.quoted]
            for snip, text in texts:
                if "$" not in text:
                    continue
                for name, start, end in uses_vars(text):
                    if name not in PLATFORM_ARGS or name in seen or name in env_defined:
                        continue
                    decl = declared.get(name)
                    if decl is not None and decl.line < ins.line:
                        continue
                    if re.search(rf"(^|[\s;&|(]){name}=", text[:start]):
                        continue  # assigned by the shell itself earlier in the command
                    seen.add(name)
                    yield ctx.report(
                        snip.span(start, end),
                        f"${name} is used in stage {st.index}{_stage_label(st)} without ARG {name} after its FROM, so it expands to an empty string.",
                        hint=f"add `ARG {name}` after the FROM line",
                        fix=Fix(f"declare ARG {name}", (_insert_after_from(st, ctx, f"ARG {name}"),), safe=True),
                        key=name,
                    )


# ---- DF008: toolchain architecture pinned by a literal ---------------------------------------------

_TOOLCHAIN = re.compile(
    r"(?P<goarch>\bGOARCH[= ]\s*[\"']?(?P<ga>amd64|arm64|arm|386|ppc64le|s390x|riscv64)\b)"
    r"|(?P<target>--target[= ]\s*[\"']?(?P<ta>(?:x86_64|aarch64|armv7|arm|i686|riscv64gc|powerpc64le|s390x)-[A-Za-z0-9_.-]+))"
    r"|(?P<rustup>\brustup\s+target\s+add\s+(?P<ra>(?:x86_64|aarch64|armv7|arm|i686)-[A-Za-z0-9_.-]+))"
    r"|(?P<cc>\b(?:CC|CXX|CROSS_COMPILE|HOST_CC)=[\"']?(?P<ca>(?:x86_64|aarch64|arm|i686)-linux-[A-Za-z0-9_.-]*))"
    r"|(?P<host>--host=(?P<ha>(?:x86_64|aarch64|arm|i686)-[A-Za-z0-9_.-]+))"
    r"|(?P<march>-march=(?P<ma>x86-64[A-Za-z0-9-]*|armv[78][A-Za-z0-9.+-]*))"
)
_TRIPLE_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7": "arm", "arm": "arm", "i686": "386",
                "riscv64gc": "riscv64", "powerpc64le": "ppc64le", "s390x": "s390x", "x86-64": "amd64",
                "armv8": "arm64", "armv7-a": "arm"}


def _toolchain_arch(m: re.Match) -> str:
    for g in ("ga", "ta", "ra", "ca", "ha", "ma"):
        v = m.group(g)
        if v:
            if g == "ga":
                return v
            head = re.split(r"[-.+]", v)[0] if g != "ma" else ("x86-64" if v.startswith("x86-64") else v[:5])
            return _TRIPLE_ARCH.get(head, _TRIPLE_ARCH.get(v.split("-")[0], "amd64"))
    return "amd64"


@rule("DF008", "hardcoded-target-arch", severity=Severity.WARNING, tags=("multi-arch",))
def hardcoded_target_arch(ctx):
    """
    ## What it does
    Flags a compiler or toolchain architecture pinned by a literal in `RUN` or `ENV`. That is
    `GOARCH=amd64`, `--target x86_64-unknown-linux-gnu`, `rustup target add aarch64-...`,
    `CC=aarch64-linux-gnu-gcc`, `--host=x86_64-linux-gnu`, `-march=x86-64-v3`, in a stage that
    does not derive it from the platform ARGs. The single/multi-platform policy is DF006's.

    ## Why is this bad?
    The binary is built for that CPU whatever `--platform` the build gets: a multi-arch image
    carries an amd64 binary in its arm64 variant, which fails with `exec format error`.

    ## Example
    ```dockerfile
    RUN CGO_ENABLED=0 GOARCH=amd64 go build -o /out/app .
    ```

    ## Use instead
    ```dockerfile
    ARG TARGETARCH
    RUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /out/app .
    ```

    ## Fix
    No automatic fix (target triples need a per-architecture mapping).
    """
    for st in ctx.model.stages:
        if _stage_derives_arch(st):
            continue
        for ins in st.instructions:
            if ins.keyword not in ("RUN", "ENV"):
                continue
            snips = [ins.args] + [h.body for h in ins.heredocs]
            for snip in snips:
                for m in _TOOLCHAIN.finditer(snip.text):
                    arch = _toolchain_arch(m)
                    policy = _arch_policy(ctx, st, arch)
                    if policy is None:
                        continue
                    severity, reason = policy
                    yield ctx.report(
                        snip.span(m.start(), m.end()),
                        f"{ins.keyword} pins the toolchain to {arch} ({m.group(0).strip()}); {reason}.",
                        hint="use ARG TARGETARCH / TARGETPLATFORM (e.g. GOARCH=$TARGETARCH)",
                        severity=severity,
                        key=m.group(0).strip(),
                    )
