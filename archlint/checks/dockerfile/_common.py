"""What the Dockerfile rules share: resolving a FROM image and its --platform, the builder
stages, the platform policy of a literal architecture."""
from __future__ import annotations

import re

from ... import platforms as plat
from ...archnames import arch_tokens, derives_arch, has_arch_token, reads_own_arch, windows_dockerfile_name
from ...images import is_placeholder
from ...model import Edit, Related, Severity, Span
from ...project.refine import NO_PLATFORMS  # the phrase the project model refines (DF006/DF008 in context)
from ...parsers.dockerfile import (
    PLATFORM_ARGS,
    Stage,
    arg_default,
    arg_pairs,
    expand,
    from_env,
    uses_vars,
)

# ---- helpers shared by the rules -----------------------------------------------------------------


def comment_above(ctx, line: int, says) -> bool:
    """Whether one of the comment lines right above ``line`` (up to three, none skipped) ``says``
    something (a function of its text): what the author says of the instruction there."""
    return any(says(text) for text in ctx.source.comments_above(line))


def stage_vars(model, stage: Stage):
    """(instruction, the variables the stage has set before it) for each instruction of the
    stage, in order: its ``ARG`` defaults (a global ``ARG``'s for a bare one) and the ``ENV``
    values written without a variable; the platform ARGs stay unknown, as does a variable of the
    stages it is based on.  One dict, updated as the walk goes: read it before the next step."""
    env: dict[str, str | None] = {}
    globals_ = from_env(model)
    for ins in stage.instructions:
        yield ins, env
        if ins.keyword == "ARG":
            for name, w in arg_pairs(ins):
                default = arg_default(w)
                if name not in PLATFORM_ARGS:
                    env[name] = default if default is not None else globals_.get(name)
        elif ins.keyword == "ENV":
            for w in ins.words:
                name, eq, val = w.value.partition("=")
                if eq and "$" not in val and name not in PLATFORM_ARGS:
                    env[name] = val


def based_on(model) -> set:
    """The indexes of the stages a later stage is based on (``FROM build``), once per file."""
    bases = model.memo.get("bases")
    if bases is None:
        bases = model.memo["bases"] = {b.index for b in map(model.base_stage_of, model.stages) if b is not None}
    return bases


def based_by(model) -> dict:
    """Stage index -> the later stages based on it (``FROM build``), once per file."""
    got = model.memo.get("based_by")
    if got is None:
        got = model.memo["based_by"] = {}
        for st in model.stages:
            b = model.base_stage_of(st)
            if b is not None:
                got.setdefault(b.index, []).append(st)
    return got


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
    return out, complete, _arg_defaults(model, value)


def _arg_defaults(model, value: str) -> tuple:
    """Related locations: the global ``ARG`` lines whose defaults ``value`` uses."""
    related = []
    for name, _, _ in uses_vars(value):
        if name in model.global_args:
            ins = model.global_args[name][1]
            related.append(Related(ins.args.span(0, len(ins.args.text.split("\n")[0])), f"ARG {name} sets the default here"))
    return tuple(related)


def _image_stage_ref(ctx, stage: Stage, value: str) -> bool:
    ref = ctx.model.stage_by_name(value)
    return ref is not None and ref.index < stage.index


def maybe_stage_ref(ctx, stage: Stage) -> bool:
    """Whether a ``FROM`` whose name has variables can only name an earlier stage: its literal
    parts, the variables taken as anything, match an earlier stage's name, it starts with a
    literal and has no ``/``, ``:`` or ``@`` outside its variables (buildkit's ``FROM
    buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug}`` beside its ``buildkit-linux`` stages)."""
    return bool(stages_named_by(ctx.model, stage))


def stages_named_by(model, stage: Stage) -> tuple:
    """The earlier stages a ``FROM`` whose name has variables may name (``maybe_stage_ref``):
    linuxkit's ``FROM syslinux-${TARGETARCH}`` names ``syslinux-amd64`` and ``syslinux-arm64``.
    Empty for a name of no such shape."""
    import fnmatch

    text = stage.image.value if stage.image is not None else ""
    refs = uses_vars(text)
    if not refs or refs[0][1] == 0:
        return ()
    pieces, at = [], 0
    for _name, start, end in refs:
        pieces.append(text[at:start])
        at = end
    pieces.append(text[at:])
    if any(c in p for p in pieces for c in "/:@*?["):
        return ()
    pattern = "*".join(pieces).lower()
    memo = model.memo.setdefault("stage_ref", {})
    if (stage.index, pattern) not in memo:
        # at most ``_STAGE_REF_BUDGET`` name comparisons per file (a file of many such FROMs)
        left = memo.get("budget", _STAGE_REF_BUDGET)
        earlier = [st for st in model.stages[:min(stage.index, max(left, 0))] if st.name is not None]
        memo["budget"] = left - len(earlier)
        memo[(stage.index, pattern)] = tuple(st for st in earlier if fnmatch.fnmatchcase(st.name.value.lower(), pattern))
    return memo[(stage.index, pattern)]


#: how many stage names ``maybe_stage_ref`` compares in one file
_STAGE_REF_BUDGET = 20_000


def _base_images(ctx):
    """Yield (stage, resolved image, related) for stages whose base is a real image: not an
    earlier stage, not ``scratch``, not a placeholder no runtime accepts (rook's ``FROM
    BASEIMAGE``, which its Makefile replaces with ``sed`` before building), nor a name whose
    variable picks one of the earlier stages named like it, whatever its default (talos' ``FROM
    install-artifacts-${INSTALLER_ARCH}`` beside ``install-artifacts-amd64``, ``-all``...: the
    default ``scratch`` names none, the builds pass ``--build-arg INSTALLER_ARCH=all``)."""
    for st in ctx.model.stages:
        value, complete, related = _resolved_image(ctx, st)
        if value is None or not complete:
            continue  # an unresolvable $ARG: trusted
        if value.lower() == "scratch" or _image_stage_ref(ctx, st, value) or is_placeholder(value) \
                or maybe_stage_ref(ctx, st):
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


def stage_named_for_an_arch(stage: Stage) -> bool:
    """A stage named after an architecture, any (``FROM base AS exit-amd64``: buildkit's archutil
    fixtures, one stage per CPU): its architecture is its purpose, as BuildKit's own checks
    exempt such stages (``_stage_names_arch`` asks for one platform's)."""
    return stage.name is not None and has_arch_token(stage.name.value.lower())


def file_arch(ctx) -> str | None:
    """The one architecture a Dockerfile's name is for (``Dockerfile.arm64``,
    ``Dockerfile-aarch64``, ``amd64.Dockerfile``, ``Dockerfile.x86``, or a folder's up to four above it:
    ``arm64/Dockerfile``, ``x86_64/standard/5.0/Dockerfile``: one file
    per CPU, each built for its own), or None.  A literal for that architecture in it is its
    purpose; one for another is a mistake.  The plain one of such a set (LinuxServer's
    ``Dockerfile`` beside ``Dockerfile.aarch64``) is amd64's, when a sibling is named for arm64
    and none for amd64; so is any Dockerfile named for no CPU in a folder whose Dockerfiles are
    named for arm64 and never for amd64 (percona's ``Dockerfile-dockerhub`` beside
    ``Dockerfile.aarch64``), and one whose folder has an ARM twin (``seafile_9.0/`` beside
    ``seafile_9.0_arm/``)."""
    hit = file_arch_token(ctx)
    return None if hit is None else hit[1]


#: ``x86`` as a word of a Dockerfile's name (``Dockerfile.x86``, ``x86.Dockerfile``): the 64-bit
#: PC's build, as against the Jetson's arm64 one (not a CPU token elsewhere: ``x86`` alone in a URL
#: may be the 32-bit one)
_X86_WORD = re.compile(r"(?:^|[._-])x86(?:$|[._-])", re.I)


def file_arch_token(ctx) -> tuple[str, str] | None:
    """(spelling, architecture) of ``file_arch``: ``armv7`` names linux/arm/v7, not arm/v6."""
    def compute():
        path = ctx.source.path.replace("\\", "/")
        base = path.rsplit("/", 1)[-1]
        found = [(t.lower(), arch) for t, arch, _s, _e in arch_tokens(base)]
        if found:
            return found[0] if len({a for _t, a in found}) == 1 else None
        if _X86_WORD.search(base):  # (jetson-containers' Dockerfile.x86: "a dockerfile for ... on x86")
            return ("x86", "amd64")
        for folder in path.split("/")[-2:-6:-1] if path.count("/") else ():
            whole = [(t.lower(), a) for t, a, s_, e_ in arch_tokens(folder) if s_ == 0 and e_ == len(folder)]
            if whole:  # one folder per CPU (photoprism's docker/tensorflow/arm64/Dockerfile; AWS CodeBuild's
                return whole[0]  # al/x86_64/standard/5.0/Dockerfile beside al/aarch64/: four folders up at most)
        siblings = _arch_named_siblings(ctx, base)
        # (an arm64 sibling: the pair of one file per CPU; beside an s390x one alone, the plain
        # file may well be the multi-platform build of the other CPUs)
        if "arm64" in siblings and "amd64" not in siblings or _arm_twin_folder(ctx, base):
            return ("amd64", "amd64")
        # a folder that names its arm64 Dockerfiles and never amd64 (percona's Dockerfile.aarch64,
        # Dockerfile.aarch64-pro beside Dockerfile-dockerhub, Dockerfile.ubi8): the unnamed are amd64's
        named = _folder_dockerfile_arches(ctx) if ctx.targets.none else set()  # (none configured)
        return ("amd64", "amd64") if "arm64" in named and "amd64" not in named else None

    return ctx.cached("dockerfile.file_arch", compute)


def _arch_named_siblings(ctx, base: str) -> set:
    """The architectures of the files beside the Dockerfile named as it is plus one CPU's name
    (``Dockerfile.aarch64``, ``Dockerfile-arm64``, ``Arm64Dockerfile``), or of the same name in a
    folder named for one (``arm64/Dockerfile``); the folder and those files are inputs of the result."""
    import os

    folder = os.path.dirname(ctx.source.abspath or "")
    if not folder or not os.path.isabs(folder):
        return set()
    from ...source import folder_entries

    ctx.depends_on(folder)
    out = set()
    low = base.lower()
    for n, is_dir in folder_entries(folder):
        if is_dir and len(n) <= 16:  # a folder named for a CPU holding a file of this name
            whole = {a for t, a, s, e in arch_tokens(n) if s == 0 and e == len(n)}
            if whole:
                ctx.depends_on(os.path.join(folder, n, base))
                if os.path.isfile(os.path.join(folder, n, base)):
                    out |= whole
            continue
        n = n.lower()
        if len(n) > len(low) + 1 and n.startswith(low) and n[len(low)] in ".-_":
            found = {a for t, a, s, e in arch_tokens(n[len(low) + 1:]) if s == 0 and e == len(n) - len(low) - 1}
            out |= found
        elif len(n) > len(low) and n.endswith(low):  # the CPU before the name (newrelic's Arm64Dockerfile)
            pre = n[:-len(low)].rstrip(".-_")
            out |= {a for t, a, s, e in arch_tokens(pre) if s == 0 and e == len(pre)}
    return out


def _arm_twin_folder(ctx, base: str) -> bool:
    """Whether the Dockerfile's folder has a twin beside it named as it is plus an ARM CPU's name,
    holding a file of the same name (seafile-docker's ``image/seafile_9.0/Dockerfile`` and
    ``image/seafile_9.0_arm/Dockerfile``): one folder per CPU, this one amd64's.  The parent
    folder (inside the repository) and the twin's file are inputs of the result."""
    import os

    from ...source import folder_entries

    here = os.path.dirname(ctx.source.abspath or "")
    parent, name = os.path.split(here)
    top = ctx.repository_root()
    if not name or not os.path.isabs(parent) or top is None or not (parent + os.sep).startswith(top.rstrip(os.sep) + os.sep):
        return False  # (a folder inside the repository: never the listing of what holds it)
    ctx.depends_on(parent)
    low = name.lower()
    for n, is_dir in folder_entries(parent):
        rest = n[len(name) + 1:].lower()
        if is_dir and n.lower().startswith(low) and n[len(name):len(name) + 1] in ("_", "-", ".") \
                and (rest == "arm" or {a for _t, a, s_, e_ in arch_tokens(rest) if s_ == 0 and e_ == len(rest)}
                     & {"arm64", "arm"}):  # (a bare "arm" is no CPU's name in a URL, but it is a twin folder's)
            ctx.depends_on(os.path.join(parent, n, base))
            if os.path.isfile(os.path.join(parent, n, base)):
                return True
    return False


def _folder_dockerfile_arches(ctx) -> set:
    """The architectures the Dockerfiles of the file's folder are named for, right after the name
    (``Dockerfile.aarch64``, ``Dockerfile.aarch64-pro``; not ``Dockerfile.cross-arm64``); the
    folder is an input of the result."""
    import os

    from ...kinds import kind_by_name
    from ...source import folder_entries

    folder = os.path.dirname(ctx.source.abspath or "")
    if not folder or not os.path.isabs(folder):
        return set()
    ctx.depends_on(folder)
    out: set = set()
    for n, is_dir in folder_entries(folder):
        low = n.lower()
        if not is_dir and kind_by_name(n) == "dockerfile" and low.startswith(("dockerfile", "containerfile")):
            rest = low.split("file", 1)[1]  # (the CPU right after the name: not Dockerfile.cross-arm64)
            out |= {a for _t, a, s_, _e in arch_tokens(rest) if s_ == 1}
    return out


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


def _stage_derives_arch(stage: Stage) -> bool:
    """The stage works out its architecture (archnames.DERIVES_ARCH) somewhere."""
    for ins in stage.instructions:
        if derives_arch(ins.args.text):
            return True
        for h in ins.heredocs:
            if derives_arch(h.body.text):
                return True
    return False


def _arch_policy(ctx, stage: Stage, token_arch: str):
    """For a literal architecture in a stage: None (fine) or (severity, reason)."""
    targets = ctx.targets
    pinned = _pinned_platform(ctx, stage)
    pinned_p = _valid(pinned[1]) if pinned else None
    if targets.none:
        if pinned_p is not None and pinned_p.arch == token_arch:
            return None
        if final_base_arch(ctx) == token_arch:
            return None  # the image is that CPU's whatever machine builds it, and so is the literal
        if token_arch == "amd64" and "arm64" in refused_arches(ctx):
            return None  # the build fails for arm64 (``exit 1`` in its case arm): an amd64 image
        return Severity.WARNING, NO_PLATFORMS
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


#: the body of a case arm or if branch that fails the build (lorax's ``"linux/arm64") exit 1 ;;``)
_FAILS = re.compile(r"\s*(?:(?:echo|printf)\b[^;&|\n>]*(?:>&2[ \t]*)?(?:;|&&|\n)\s*)*(?:exit[ \t]+[1-9]\d*|false)\s*;?\s*")


def refused_arches(ctx) -> frozenset:
    """The CPUs the image cannot be built for: a ``RUN`` of a stage built for the target that the
    final stage is built from (its bases, the stages it copies from, theirs) fails the build in a
    ``case`` arm for them (lorax's and tgi's ``"linux/arm64") exit 1 ;;`` before installing
    PyTorch, "On arm64 we exit with an error code"); an ``if`` may test more than the CPU."""
    def compute():
        from ...archnames import arch_case_arms

        model = ctx.model
        readers = model.readers()
        copied = {}  # reading stage index -> the stages it reads
        for src, rs in readers.items():
            for st, _ins, _fl in rs:
                copied.setdefault(st.index, []).append(model.stages[src])
        out: set = set()
        todo, seen = [model.final_stage], set()
        while todo:  # each stage once
            st = todo.pop()
            if st is None or st.index in seen:
                continue
            seen.add(st.index)
            todo.append(model.base_stage_of(st))
            todo.extend(copied.get(st.index, ()))
            if _platform_kind(model, st) == "build":
                continue  # (a stage on the build machine: what it refuses is the builder's CPU)
            for text in _own_texts(st, ("RUN",)):
                if "exit" in text or "false" in text:  # (case arms alone: an if's test may hold more)
                    out.update(a for s_, e_, arches, build in arch_case_arms(text)
                               if not build and text[:s_].rstrip().endswith(")") and _FAILS.fullmatch(text[s_:e_])
                               for a in arches)
        return frozenset(out)

    return ctx.cached("dockerfile.refused_arches", compute)


#: a cross-rs image (``FROM $CROSS_BASE_IMAGE``, which ``cross`` passes to a target's custom
#: Dockerfile; ``ghcr.io/cross-rs/...``): the build machine of ``cross build``, an x86_64 host
#: whatever the Rust target (openobserve's protoc ``linux-x86_64`` in ``cross/Dockerfile.oss.musl``)
_CROSS_RS = re.compile(r"\$\{?CROSS_BASE_IMAGE\}?$|(?:ghcr\.io/cross-rs|(?:docker\.io/)?rustembedded/cross)[/:]")


def final_base_arch(ctx) -> str | None:
    """The architecture of the image the final stage is built on (through the stages it is
    based on, ARG defaults expanded) when that image is one architecture's by its name
    (``archnames.one_arch_image``: capv's boskosctl, ``FROM gcr.io/distroless/static:nonroot-amd64``)
    or a cross-rs image (``_CROSS_RS``: amd64) and no ``--platform`` says otherwise: the image is
    that CPU's whatever builds it.  Else None."""

    def compute():
        from ...archnames import one_arch_image

        model = ctx.model
        st, seen = model.final_stage, 0
        while st is not None and seen < len(model.stages):
            base = model.base_stage_of(st)
            if base is None:
                break
            st, seen = base, seen + 1
        if st is None or st.platform is not None:
            return None
        value, complete, _related = _resolved_image(ctx, st)
        if _CROSS_RS.match(st.image.value if st.image is not None else "") or complete and _CROSS_RS.match(value or ""):
            return "amd64"  # (cross-rs's x86_64 host images)
        return one_arch_image(value) if complete and value else None

    return ctx.cached("dockerfile.final_base_arch", compute)


def _insert_after_from(stage: Stage, ctx, text: str) -> Edit:
    ins = stage.from_ins
    line = ins.end_line if not ins.heredocs else ins.end_line
    end_col = len(ctx.source.line(line)) + 1
    return Edit(Span(line, end_col, line, end_col), "\n" + text)

_WINDOWS_BASE = ("mcr.microsoft.com/windows", "mcr.microsoft.com/powershell:nanoserver")


#: a final base named for Windows (sig-windows-tools' ``mcr.microsoft.com/oss/kubernetes/
#: windows-host-process-containers-base-image``): the word ``windows`` in its name
_WINDOWS_WORD = re.compile(r"(?:^|[/_.-])windows(?:$|[/_.:-])")
#: a final stage that runs Windows' shells (``ENTRYPOINT ["PowerShell"]``, ``SHELL ["cmd", "/S",
#: "/C"]``): not ``pwsh``, which Linux images carry too
_WINDOWS_SHELL = re.compile(r"""^\s*\[?\s*["']?(?:powershell(?:\.exe)?|cmd(?:\.exe)?)["']?(?:\s*[,\]]|\s+/|\s*$)""", re.I)


def windows_image(ctx) -> bool:
    """A Dockerfile for a Windows image: named for Windows (``Dockerfile.windows``) or based on
    Microsoft's Windows images (``mcr.microsoft.com/windows/servercore``, ``nanoserver``), or whose
    final stage (its base resolved through ``ARG`` defaults) is named for Windows or runs
    Windows' shells.  Windows containers run on Windows nodes, amd64 in practice, built natively
    for them: an amd64 tool or a pinned ``windows/amd64`` there is the only choice, not a mistake.
    Found once per file."""

    def compute() -> bool:
        if windows_dockerfile_name(ctx.source.path):
            return True
        for st in ctx.model.stages:
            v = (st.image.value if st.image is not None else "").lower()
            if v.startswith(_WINDOWS_BASE) or "servercore" in v or "nanoserver" in v:
                return True
        final = ctx.model.final_stage
        if final is None:
            return False
        base = (_resolved_image(ctx, final)[0] or "").lower()
        if base.startswith(_WINDOWS_BASE) or "servercore" in base or "nanoserver" in base or (
                _WINDOWS_WORD.search(base.rsplit("@", 1)[0])):
            return True
        return any(ins.keyword in ("ENTRYPOINT", "SHELL", "CMD") and _WINDOWS_SHELL.match(ins.args.text)
                   for ins in final.instructions)

    return ctx.cached("dockerfile.windows_image", compute)


def _stage_label(st: Stage) -> str:
    return f" ({st.name.value})" if st.name is not None else ""


def _pinned_platform(ctx, stage: Stage):
    """(flag, value, related) when the stage's --platform is a constant: a literal, or variables
    that are all global ARGs with a default (``--platform=linux/${GOARCH}`` with
    ``ARG GOARCH=amd64``), resolved as DF002 resolves an image.  None when there is no flag or
    a variable stays unknown (an ARG without default, a platform ARG, an undeclared name)."""
    fl = stage.platform
    if fl is None or fl.value is None:
        return None
    value = automatic_platform(fl.value)
    if not plat.is_dynamic(value):
        return fl, value, ()
    if "{{" in value or "%" in value:
        return None
    model = ctx.model
    env = model.memo.get("global_env")
    if env is None:
        env = model.memo["global_env"] = {k: v for k, v in from_env(model).items() if k not in PLATFORM_ARGS}
    out, complete = expand(value, env)
    if not complete or plat.is_dynamic(out):
        return None
    return fl, out, _arg_defaults(model, value)


# ---- what a stage's output is, and for which platform -------------------------------------------

#: Files that are the same on every architecture: CA certificates, time zones, the user and group
#: databases, name-service and MIME tables.  A stage copied from only for these (the usual donor
#: of a ``scratch`` or distroless image) may run on any platform: what it hands over is text.
#: A path counts when it is one of these or lies under one (``/etc/ssl/certs/ca-certificates.crt``).
ARCH_INDEPENDENT_PATHS = (
    "/etc/ssl/certs", "/etc/ssl/cert.pem", "/etc/pki/ca-trust", "/etc/pki/tls/certs",
    "/etc/pki/tls/cert.pem", "/etc/ca-certificates", "/etc/ca-certificates.conf",
    "/usr/share/ca-certificates", "/usr/local/share/ca-certificates",
    "/usr/share/zoneinfo", "/etc/localtime", "/etc/timezone",
    "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/nsswitch.conf",
    "/etc/services", "/etc/protocols", "/etc/mime.types", "/usr/share/mime",
)


def arch_independent_path(path: str) -> bool:
    """Whether a COPY source is one of ARCH_INDEPENDENT_PATHS or lies under one."""
    p = path.strip()
    while "//" in p:
        p = p.replace("//", "/")
    p = p.rstrip("/") or "/"
    return any(p == a or p.startswith(a + "/") for a in ARCH_INDEPENDENT_PATHS)


#: files and folders that are the same on every CPU besides ARCH_INDEPENDENT_PATHS: text, web
#: assets, bytecode and scripts (a folder named static, public, assets...), and the output of a
#: .NET publish for no runtime (``bin/Release/net8.0/publish``: assemblies any CPU's runtime
#: loads; one for a runtime has its identifier, ``net8.0/linux-x64/publish``), and a ``share`` folder
#: whole (the file system hierarchy's architecture-independent data: ``/opt/rocm/share``; not an
#: application's tree under it, ``/usr/share/elasticsearch`` with its JDK)
_TEXT_FILE = re.compile(
    r"\.(?:m?js|cjs|css|map|html?|json|ya?ml|toml|xml|txt|md|svg|png|jpe?g|gif|ico|webp|woff2?|ttf|eot|"
    r"jar|war|ear|class|py|pyc|rb|php|sql|proto|pem|crt|conf|ini|properties|tmpl|tpl|sh|lua)$"
    r"|(?:^|/)(?:static|public|assets|html|www|docs|templates|locales|i18n)/?$|(?:^|/)share/?$"
    r"|(?:^|/)bin/[^/]+/net(?:coreapp)?[0-9][\w.]*/publish$",
    re.IGNORECASE,
)


def same_on_every_cpu(path: str) -> bool:
    """Whether a COPY source is the same whatever CPU made it: ARCH_INDEPENDENT_PATHS, a text or
    web-asset file, or a folder of assets (``.dist/public``)."""
    return arch_independent_path(path) or _TEXT_FILE.search(path.rstrip("/")) is not None


def _copy_sources(ins) -> list[str]:
    """The source paths of a COPY/ADD (shell or exec form), heredoc sources left out."""
    if ins.exec_form is not None:
        return list(ins.exec_form[:-1])
    return [w.value for w in ins.words[:-1] if not w.value.startswith("<<")]


def _along_bases(model, key: str, stage: Stage, own):
    """``own(stage)`` for a stage, or, where it says None, the value of the stage it is based on
    (``FROM build``), kept in ``model.memo[key]``: each stage is worked out once per file, however
    long its chain of bases."""
    memo = model.memo.setdefault(key, {})
    chain = []
    st = stage
    while st is not None and st.index not in memo:
        chain.append(st)
        st = model.base_stage_of(st)  # always an earlier stage: the walk ends
    for st in reversed(chain):  # the base first
        val = own(st)
        if val is None:
            base = model.base_stage_of(st)
            val = memo.get(base.index) if base is not None else None
        memo[st.index] = val
    return memo[stage.index]


def _platform_kind(model, stage: Stage) -> str:
    """Where the stage runs: ``target`` (no --platform, or $TARGETPLATFORM), ``build``
    ($BUILDPLATFORM), ``constant`` (a value without variables) or ``unknown``.  A stage based on
    an earlier stage (``FROM build``) has its platform."""
    return _along_bases(model, "platform_kind", stage, _own_platform_kind) or "target"


#: ``${BUILDPLATFORM:-linux/amd64}``: BuildKit always sets its automatic platform ARGs, so the
#: default is only the legacy builder's (faas-netes' Dockerfile)
_AUTOMATIC_DEFAULT = re.compile(r"\$\{(" + "|".join(plat.PLATFORM_ARGS) + r"):?-[^${}]*\}")


def automatic_platform(value: str) -> str:
    """``value`` with the default of an automatic platform ARG dropped (``${BUILDPLATFORM:-x}``
    is ``$BUILDPLATFORM``)."""
    return _AUTOMATIC_DEFAULT.sub(r"$\1", value) if "${" in value else value


def _own_platform_kind(stage: Stage) -> str | None:
    fl = stage.platform
    if fl is None or fl.value is None:
        return None  # its base's, or the target's
    value = automatic_platform(fl.value).strip().replace("{", "").replace("}", "")
    if value == "$TARGETPLATFORM":
        return "target"
    if value in ("$BUILDPLATFORM", "$BUILDOS/$BUILDARCH", "$BUILDOS/$BUILDARCH/$BUILDVARIANT"):
        return "build"
    return "unknown" if plat.is_dynamic(value) else "constant"


#: signs that a stage builds for the target: the target's platform ARGs, tonistiigi/xx helpers,
#: a Go architecture set from a variable or a command, a target triple for a cross toolchain
_TARGET_HINT = re.compile(
    r"\$\{?(?:TARGETARCH|TARGETOS|TARGETPLATFORM|TARGETVARIANT)\b|\bxx-[a-z]"
    r"|\bGO(?:ARCH|OS|ARM)=[\"']?\$\{?[A-Za-z_]|\brustup\s+target\s+add\b|\b(?:CC|CXX|CROSS_COMPILE)=[\"']?[A-Za-z0-9_]+-linux-"
    r"|--(?:target|host)[= ]\s*[\"']?(?:[A-Za-z0-9_]+-[A-Za-z0-9_]+-[A-Za-z0-9_]|\$\{?[A-Z_]*(?:ARCH|TRIPLE|TARGET))"
    # a cross toolchain used (silabs-multiprotocol's builders: CC="${DEBIAN_CROSS_PREFIX}-gcc"; a cmake toolchain file
    # named for a CPU, a cross build or by a variable, not vcpkg's nor a native clang one; one only installed is not:
    # prometheus-collector's `apt-get install gcc-aarch64-linux-gnu` then a plain go build)
    r"|-DCMAKE_TOOLCHAIN_FILE=[^\s;&|]{0,200}?(?:cross|aarch64|arm|x86_64|riscv|i686|ppc64|s390x|-linux-|\$)"
    r"|\b(?:CC|CXX)=[\"']?\$\{?[A-Za-z_][A-Za-z0-9_]*\}?-g(?:cc|\+\+)(?![\w+])"
)


def _own_texts(stage: Stage, keywords=None):
    """The argument and heredoc texts of the stage's instructions (of ``keywords`` only, else all
    but ARG)."""
    for ins in stage.instructions:
        if ins.keyword == "ARG" if keywords is None else ins.keyword not in keywords:
            continue
        yield ins.args.text
        for h in ins.heredocs:
            yield h.body.text


def chain_has(model, stage: Stage, key: str, test, keywords=None) -> bool:
    """Whether a text of the stage or of a stage it is based on passes ``test`` (see
    ``_own_texts``); once per stage and ``key`` per file."""
    return bool(_along_bases(model, key, stage,
                             lambda st: True if any(test(t) for t in _own_texts(st, keywords)) else None))


def _declares_target(stage: Stage) -> bool | None:
    """True when the stage declares a target platform ARG before a RUN that runs a script or a
    build tool reading its environment (multus' ``ARG TARGETPLATFORM`` then ``RUN
    ./hack/build-go.sh``, which maps it to GOARCH; xx's ``go`` wrapper copied in); a ``RUN go
    build`` after ``ARG TARGETARCH`` compiles for the machine it runs on, as if the ARG were not
    there (DF013's very case); and when an ARG hands go its target (``ARG GOARCH=$TARGETARCH``:
    a build argument is in every later RUN's environment)."""
    declared = wrapped = False
    for ins in stage.instructions:
        if ins.keyword == "ARG" and any(name in _GO_TARGET_ENV and _TARGET_REF.search(word.value.partition("=")[2])
                                        for name, word in arg_pairs(ins)):
            return True  # (pixie's ``ARG GOARCH=$TARGETARCH``: every later RUN's go builds for the target)
        if ins.keyword == "ARG" and any(name in plat.TARGET_ARGS for name, _ in arg_pairs(ins)):
            declared = True
        elif ins.keyword == "COPY" and _XX_GOLANG.search(ins.args.text):
            wrapped = True
        elif declared and ins.keyword == "RUN" and (wrapped or _RUNS_SCRIPT.search(ins.args.text)):
            return True
    return None


#: the environment go reads its target from, and a reference to a target platform ARG
_GO_TARGET_ENV = frozenset(("GOARCH", "GOOS", "GOARM"))
_TARGET_REF = re.compile(r"\$\{?TARGET(?:ARCH|OS|PLATFORM|VARIANT)\b")

#: tonistiigi/xx's golang image, copied in: a ``go`` that builds for the TARGETPLATFORM it finds
#: in its environment (nfs-subdir-external-provisioner's ``COPY --from=tonistiigi/xx:golang-1.0.0
#: / /``, then ``ARG TARGETPLATFORM`` and ``RUN go build``)
_XX_GOLANG = re.compile(r"\btonistiigi/xx:golang\b")


#: a RUN that runs a script (``./hack/build-go.sh``, ``bash build.sh``, ``scripts/build``) or make
_RUNS_SCRIPT = re.compile(r"(?:^|[;&|(]|\n)[ \t]*(?:\.{1,2}/[\w.-]|(?:make|just|task|mage)(?=\s|$))"
                          r"|(?:^|[\s;&|(])[\w./-]+\.sh\b|(?:^|[\s;&|(/])(?:hack|scripts?)/[\w.-]")


def _stage_uses_target(model, stage: Stage) -> bool:
    """The stage (or a stage it is based on) reads the target platform or cross-compiles."""
    return chain_has(model, stage, "uses_target", _TARGET_HINT.search) or bool(
        _along_bases(model, "declares_target", stage, _declares_target))


def _stage_reads_own_arch(model, stage: Stage) -> bool:
    """The stage asks the machine it runs on for its CPU (``uname -m``, ``go env GOARCH``...):
    moving it to the build machine would change the answer."""
    return chain_has(model, stage, "reads_own_arch", reads_own_arch)


def _copies_of(model, stage: Stage):
    """(reading stage, instruction, flag) for each COPY/ADD --from and RUN --mount from=
    that reads ``stage``."""
    yield from model.readers().get(stage.index, ())


def _only_arch_independent_donor(model, stage: Stage) -> bool:
    """The stage is read only by COPY --from, or RUN --mount=from=...,source=, of files the same
    on every CPU (``same_on_every_cpu``: CA certificates, zoneinfo, a frontend's built ``public``
    folder, gpustack's ``/opt/rocm/share``): not the final stage, no later stage is based on it."""
    final = model.final_stage
    if final is None or stage.index == final.index:
        return False
    if stage.index in based_on(model):
        return False
    seen = False
    for _st, ins, fl in _copies_of(model, stage):
        if fl.name == "mount":  # (its source=, the stage's root when none is given)
            parts = dict(p.strip().partition("=")[::2] for p in (fl.value or "").split(","))
            sources = [parts.get("source") or parts.get("src") or "/"]
        elif fl.name == "from":
            sources = _copy_sources(ins)
        else:
            return False
        if not sources or not all(same_on_every_cpu(s) for s in sources):
            return False
        seen = True
    return seen


def go_arch_seen(ins):
    """For each ``go build``/``go install`` of a ``RUN`` (its script and heredocs, read by the
    shared shell analyser): the ``GOARCH`` assignment it sees (a prefix, or the last one before
    it), or None; with whether go sees it (a prefix or an exported one: ``GOARCH=$TARGETARCH &&
    go build`` sets a shell variable go never reads)."""
    from ...parsers.dockerfile import shell_body
    from ...parsers.shell import simple_commands

    if ins.keyword != "RUN" or ins.exec_form is not None:
        return
    for snip in [shell_body(ins)] + [h.body for h in ins.heredocs]:
        if "go" not in snip.text:
            continue
        for cmd in simple_commands(snip, programs=("go",)):
            if cmd.program == "go" and len(cmd.words) > 1 and cmd.words[1].value in ("build", "install"):
                a = cmd.lookup("GOARCH")
                yield a, a is not None and a.exported
