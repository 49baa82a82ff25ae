"""DF006, DF007, DF008, DF012: architectures written into the build (downloads, toolchain
flags) and the ARGs that carry the target platform."""
from __future__ import annotations

import posixpath
import re
from collections import Counter

from ...archnames import (
    OTHER_OS, arch_case_arms, arch_free_file, arch_tokens, around_arch_tokens, download_words, for_another_os, has_arch_token, image_arch_token, in_arms,
)
from ...model import Edit, Fix, Severity, Span
from ...parsers.dockerfile import PLATFORM_ARGS, Stage, expand, shell_body, uses_vars, uses_vars_with_defaults
from ...registry import rule
from ._common import (
    stage_vars, _arch_policy, based_by, _insert_after_from, _platform_kind, _stage_derives_arch, _stage_label, file_arch,
    stage_named_for_an_arch, windows_image,
)
from .derived import left_literals

# ---- DF006: architecture-specific downloads --------------------------------------------------------

#: a boot image a COPY/ADD puts where it is served to other machines, never run in the container
#: (cozystack's matchbox PXE server: ``COPY _out/assets/kernel-amd64 /var/lib/matchbox/assets/vmlinuz``):
#: a bare kernel (``kernel-amd64``, not ``kernel-devel-...rpm`` nor a ``.ko``), a compressed
#: initramfs (not a ``.tar.gz`` of tools), a disk or ISO image
_BOOT_PAYLOAD = re.compile(r"(?:^|/)(?:(?:vmlinuz|kernel)(?:-[a-z0-9_]+)?|(?:initramfs|initrd)(?:[-_.][\w.-]*)?"
                           r"(?<!\.tar)\.(?:xz|gz|zst|lz4|img))$|\.(?:iso|qcow2|raw(?:\.xz)?)$", re.I)


#: a COPY/ADD source from the context that is text, not a program: a configuration, a patch, notes
#: (frida's ``configs/aarch64_be-linux-gnu.config``, crosstool-NG's for the CPU its toolchain targets)
_TEXT_SOURCE = re.compile(r"\.(?:config|conf|cfg|cnf|ini|json|ya?ml|toml|patch|diff|md|txt)$", re.I)
#: a cross toolchain's root of the target's files (``/opt/x-tools/<triple>/<triple>/sysroot/lib``):
#: libraries for the CPU it compiles for (frida's initramfs of an emulated big-endian guest)
_SYSROOT = re.compile(r"(?:^|/)sysroot(?:/|$)")


def _not_a_build(value: str) -> bool:
    """Whether a COPY/ADD source installs nothing for a CPU whatever its name says: a heredoc, a
    file the same for every CPU (``arch_free_file``), a file for another OS (``for_another_os``), a boot image served to other machines, text
    from the context, or a cross toolchain's target files."""
    return value.startswith("<<") or arch_free_file(value) or for_another_os(value) or _BOOT_PAYLOAD.search(value) is not None \
        or "://" not in value and _TEXT_SOURCE.search(value) is not None or _SYSROOT.search(value) is not None


def _from_stage(ctx, ins) -> bool:
    """Whether a COPY/ADD reads a stage of this Dockerfile that runs something, itself or along
    its bases (``--from=flash-att-builder``; not ``FROM ghcr.io/acme/tools:1 AS tools``, the
    image's alias), or one built on ``scratch`` from other stages' files alone (talos'
    ``sbom-arm64``, its SBOM copied from the stage that made it): its paths are what a stage
    made (setuptools' ``build/lib.linux-x86_64-cpython-311``, named for the CPU it built on), not
    a fetched build; the stage's own downloads and copies are judged there."""
    f = ins.flag("from")
    st = ctx.model.stage_by_name(f.value) if f is not None and f.value else None
    return st is not None and _runs(ctx)[st.index]


def _runs(ctx) -> list:
    """Per stage, whether it or a stage it is based on runs a command, or it starts from
    ``scratch`` and copies only other stages' files (a stage that runs nothing on an image, along
    its bases, is its image's alias; a scratch stage of the context's files is those files);
    worked out once, in stage order."""
    def compute():
        model = ctx.model
        out: list = []
        for st in model.stages:  # (a base stage comes before the stages based on it)
            base = model.base_stage_of(st)
            copies = [i for i in st.instructions if i.keyword in ("COPY", "ADD")]
            out.append(any(i.keyword == "RUN" for i in st.instructions)
                       or base is not None and base.index < st.index and out[base.index]
                       or base is None and st.image is not None and st.image.value.strip().lower() == "scratch"
                       and bool(copies) and all(i.flag("from") is not None for i in copies))
        return out

    return ctx.cached("df006.stage_runs", compute)


def _download_words(ctx, stage: Stage):
    """(instruction, word value, span, ARG name or None) for each URL/path argument of a download
    or copy.  A COPY/ADD source with variables is also read with the stage's ARG and ENV values
    (``COPY ${BINARY} /app`` after ``ARG BINARY=bin/app-arm64``): then the name is given."""
    for ins, env in stage_vars(ctx.model, stage):  # the platform ARGs stay unknown: they are never in env
        if ins.keyword in ("ADD", "COPY"):
            if ins.exec_form is not None or len(ins.words) < 2 or _from_stage(ctx, ins):
                continue
            for w in ins.words[:-1]:
                if _not_a_build(w.value):
                    continue
                yield ins, w.value, w.span, None
                if "$" in w.value and not has_arch_token(w.value):
                    out, complete = expand(w.value, env)
                    names = [n for n, _, _ in uses_vars(w.value) if has_arch_token(env.get(n) or "")]
                    if complete and names and not arch_free_file(out):
                        yield ins, out, w.span, names[0]
        elif ins.keyword == "RUN" and ins.exec_form is None:
            text = ins.args.text + "".join(h.body.text for h in ins.heredocs)
            if not has_arch_token(text):
                continue  # cheap pre-filter: no architecture token at all
            for snip in [shell_body(ins)] + [h.body for h in ins.heredocs]:
                arms = arch_case_arms(snip.text)
                for w, v in download_words(snip):
                    if for_another_os(v):
                        continue  # (Netty's -osx-x86_64.jar: no build the image runs)
                    if not any(in_arms(arms, w.start, a) for _t, a, _s, _e in arch_tokens(v)):
                        yield ins, v, w.span, None  # (but in a case arm for its CPU: chosen for it)


@rule("DF006", "arch-specific-download", severity=Severity.WARNING, fix="unsafe", tags=("multi-arch",))
def arch_specific_download(ctx):
    """
    ## What it does
    Flags a download or copy whose URL or path names a CPU architecture literally. That is a `RUN` download (`curl`,
    `wget`, `git clone`...) or an `ADD`/`COPY` source naming `amd64`, `x86_64`, `linux64` (jq's), `aarch64`, `arm64`,
    `armv7`, `i386`... in a stage that never derives the architecture from `TARGETARCH`, `TARGETPLATFORM`, `uname -m`,
    `dpkg --print-architecture` or Node's `process.arch`. Only the URLs and paths of download and copy commands count
    (not a local path a download names where its URL goes), not every word. A `COPY`/`ADD` source is also read with the stage's `ARG` defaults and `ENV` values
    (`COPY ${BINARY} /app` after `ARG BINARY=bin/app-arm64`), reported only when several platforms are configured.

    With one configured platform, a token for it in a stage pinned to it (`FROM --platform=...`) is fine. With several,
    a literal token is reported even in a pinned stage, because its output is copied into the images of the other
    architectures. A token for an architecture that is not configured at all is an error. In a stage that derives it, a
    literal left in a `RUN` whose other downloads take the CPU it works out (`${GO_ARCH}`) is reported (helm-secrets').

    In context (the project model), without configured platforms: a literal in a stage built for the target platform is
    not reported when every build of the Dockerfile found in the repository that builds that stage builds for that
    architecture (its `--platform`, a runner of that CPU, or the `platforms:` input of a reusable workflow or local
    action given the Dockerfile; an ARM variant is never assumed); when they build for others, the message names them. A
    build for whichever machine runs it, an overridable default such as argo-rollouts' `TARGET_ARCH ?= linux/amd64` (its
    caller picks), or a build whose Dockerfile archlint cannot tell (a variable `-f`, a path after a `cd` to a folder not
    known: a variable, a second `cd`, one in a function, a recipe's earlier line) keeps the finding.

    A stage that runs on the build machine (`--platform=$BUILDPLATFORM`) whose files reach only other such stages (a tool
    the build runs: jlesage's upx, fetched for amd64 to pack the binaries the build stages make; copies followed to
    where they put it) is told so: the build
    machine's CPU decides there, not the target's, and a build machine of another CPU (an arm64 Mac) gets a tool it
    cannot run; the hint and the fix use `${BUILDARCH}`, whatever platforms are configured.

    ## Why is this bad?
    The image holds a binary for one CPU whatever platform it is built for: elsewhere it fails with `exec format error`.

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
    Unsafe (artefacts are named differently): a Go-style token (`amd64`) becomes `${TARGETARCH}` (`ARG TARGETARCH`
    added; `${BUILDARCH}` in a build machine's tool stage), in a `RUN` a uname-style one (`x86_64`) `$(uname -m)`, with
    its other mentions in the instruction (the `tar` and `rm` of the fetched file); none where the script picks per CPU (a `case` arm or `if` branch for one).

    Not reported in a Dockerfile for a Windows image (`Dockerfile.windows`, a `mcr.microsoft.com/windows` base; see
    DF003): Windows images are amd64, and an x64 tool is the one they need; nor in a stage named after an architecture
    (`FROM base AS exit-amd64`, one stage per CPU), whose architecture is its purpose; nor, in a Dockerfile named after
    one (`Dockerfile.arm64`, `Dockerfile.x86`, `arm64/Dockerfile`, `x86_64/5.0/Dockerfile`:
    one file per CPU), a literal for that architecture (one for another is reported); nor in a stage whose base image
    names one architecture (`arm64v8/debian`, `fluentd:v1.13-debian-arm64-1.0`) a literal for that one: the stage is
    for that CPU whatever the build asks (a literal for another is reported, naming the base). The architecture in a QEMU emulator's name
    (`qemu-aarch64-static`) is the CPU it emulates, not the one it runs on: not read; nor the one in a cross toolchain's
    name (`x86_64-linux-musl/aarch64-linux-musl-cross.tgz`: `x86_64` is). Nor the one download of an instruction whose
    comment right above says it exists for one CPU only (chaos-mesh's `# toda doesn't support arm64 yet`, "x86_64 only";
    not a plan: TODO, until, bump): no per-CPU download replaces it. Nor a signing key, signature, checksum or package
    index (`RPM-GPG-KEY-*`, `.asc`, `.sha256`, `APKINDEX.tar.gz`) in a CPU's folder: the same bytes for every CPU. Nor a
    file for another OS, not Linux (`-osx-x86_64.jar`, `-win-x64.zip`): no build the image runs. Nor
    in a `case` arm or `if` branch for one CPU (`x86_64) curl ...`, `if [ "$ARCH" = arm64 ]; then curl ...`: kubeedge's
    build tools), nor one file's builds for several CPUs in one stage (lldap's musl.cc cross toolchains, armv7l's
    `musleabihf` too; beyla's `linux-amd64/libobijni.so` and `linux-aarch64/...`; ragflow's one `COPY uv-x86_64-...
    uv-aarch64-... /`): a bundle. Nor a boot image served to other machines (a PXE server's `kernel-amd64`), text from the context (frida's `configs/aarch64_be-linux-gnu.config`)
    or a cross toolchain's `sysroot/` files. Nor a `COPY --from` a stage of the Dockerfile: what it built, named
    for its CPU (setuptools' `build/lib.linux-x86_64-cpython-311`). Nor a local file (`curl -o`) or an index a text tool
    reads (`| grep`). With no platforms configured, not a literal for the CPU of a final base that is one architecture's
    by its name (capv's `FROM gcr.io/distroless/static:nonroot-amd64`): the image is that CPU's whatever builds it (also
    DF008), or a cross-rs image (`FROM $CROSS_BASE_IMAGE`, `ghcr.io/cross-rs/...`), which `cross build` runs on its
    x86_64 host whatever the Rust target (an amd64 literal there is right); nor an amd64 one where the build fails for
    arm64 (lorax's `"linux/arm64") exit 1` in a stage the final one is built from). The plain `Dockerfile` beside `Dockerfile.aarch64` (or `Arm64Dockerfile`) is amd64's, as is a folder's every one named for
    no CPU where some name arm64 and none amd64, or whose folder has an ARM twin (`seafile_9.0/`, `seafile_9.0_arm/`).
    """
    if windows_image(ctx):
        return
    for st in ctx.model.stages:
        if stage_named_for_an_arch(st):
            continue
        if _stage_derives_arch(st):  # (but a literal left among downloads of the CPU it works out: helm-secrets')
            yield from left_literals(ctx, [w for w in _download_words(ctx, st) if w[3] is None])
            continue
        base = image_arch_token(st.image.value) if st.image is not None and "$" not in st.image.value else None
        declared = tool = None  # (worked out for a stage with a literal: many stages stay linear)
        words = _one_cpu_each(list(_download_words(ctx, st)))
        # instruction -> how many of its downloads name an architecture
        fetches = Counter(id(ins) for ins, value, _span, _via in words if any(arch_tokens(value)))
        for ins, value, span, via in words:
            if via is not None and not ctx.targets.several:
                continue  # a default the build command may replace: a finding only for a multi-platform build
            for token, arch, start, end, more in _arch_groups(value):
                if arch == file_arch(ctx) or base is not None and arch == base[1]:
                    continue  # Dockerfile.amd64 fetching the amd64 build, arm64v8/alpine the arm64 one
                if fetches[id(ins)] == 1 and _one_arch_said(ctx, ins, arch):
                    continue  # the one download of its instruction, which its comment says has one CPU's
                if declared is None:
                    declared, tool = st.declared_args(), _serves_builds_only(ctx.model, st)
                found = _download_finding(ctx, st, ins, value, span, via, (token, arch, start, end, more), base, tool,
                                          declared)
                if found is not None:
                    yield found


def _download_finding(ctx, st, ins, value: str, span: Span, via, group, base, tool: bool, declared):
    """DF006's finding for the literal ``group`` (``_arch_groups``) of the download or copy
    ``value`` in the stage ``st`` (whose ``declared`` ARGs are given), or None where the policy
    accepts it (``_arch_policy``)."""
    token, arch, start, end, more = group
    if tool and via is None:  # (jlesage's upx: a tool later build steps run)
        tspan = _token_span(ctx, span, value, start, end)
        return ctx.report(
            tspan,
            f"{ins.keyword} fetches a build for {token} ({value}) in a stage that runs on the build machine "
            "(--platform=$BUILDPLATFORM) and only serves other build stages: a build machine of another CPU "
            "(an arm64 Mac or runner) gets a tool it cannot run.",
            hint=_BUILD_HINT,
            fix=_arch_fix(ctx, st, ins, token, tspan, declared, _other_spans(ctx, span, value, more), var="BUILDARCH"),
            key=f"{token}:{value}",
        )
    policy = _arch_policy(ctx, st, arch)
    if policy is None:
        return None
    severity, reason = policy
    if base is not None:  # a base image for another CPU: the stage is that CPU's
        reason = f"the stage's base image is for {base[1]}"
    if via is not None:
        return ctx.report(
            span,
            f"{ins.keyword} copies a build for {token} ({value}, the default of ARG {via}) whatever the "
            f"target platform; {reason}.",
            hint="derive it: ${TARGETARCH} in the ARG default or the path (ARG TARGETARCH in the stage)",
            severity=severity,
            key=f"{token}:{value}",
        )
    tspan = _token_span(ctx, span, value, start, end)
    return ctx.report(
        tspan,
        f"{ins.keyword} fetches a build for {token} ({value}) whatever the target platform; {reason}.",
        hint=_URL_HINT_ADDON if "BUILD_ARCH" in {*ctx.model.global_args, *declared} else _URL_HINT,
        fix=_arch_fix(ctx, st, ins, token, tspan, declared, _other_spans(ctx, span, value, more)),
        severity=severity,
        key=f"{token}:{value}",
    )


_BUILD_HINT = ("derive it from the build machine: ARG BUILDARCH and ${BUILDARCH} in the URL (map names with a case if "
               "the project uses x86_64/aarch64)")
_TOOL_WALK = 2_000  # stages a DF006 tool walk may visit


def _serves_builds_only(model, st) -> bool:
    """Whether the stage runs on the build machine (``--platform=$BUILDPLATFORM``) and what it
    holds reaches only other such stages (jlesage's ``upx``, copied to ``/usr/bin/upx`` of a build
    stage the image takes only ``/tmp/tigervnc-rootfs`` from): a tool of the build.  Followed
    through copies (to where each puts it; a variable path or a bind mount passes everything on)
    and stages based on it.  Not the final stage; read by one stage at least; past
    ``_TOOL_WALK`` steps, False."""
    final = model.final_stage
    if final is None or st.index == final.index or _platform_kind(model, st) != "build":
        return False
    readers, based = model.readers(), based_by(model)
    todo, seen, steps = [(st, ("/",))], set(), 0
    while todo:
        cur, paths = todo.pop()
        if (cur.index, paths) in seen:
            continue
        seen.add((cur.index, paths))
        nxt = [(b, paths) for b in based.get(cur.index, [])]
        for r, ins, fl in readers.get(cur.index, ()):
            moved = _carried(ins, fl, paths)
            if moved:
                nxt.append((r, moved))
        for stage, _held in nxt:
            steps += 1
            if steps > _TOOL_WALK or stage.index == final.index or _platform_kind(model, stage) != "build":
                return False
        todo.extend(nxt)
    return len(seen) > 1


def _carried(ins, fl, paths: tuple) -> tuple:
    """Where the ``COPY --from`` ``ins`` puts what its source stage holds at ``paths`` (a source
    inside one of them, or holding one), as a sorted tuple; everything (``("/",)``) for a bind
    mount or a path with a variable; none when it copies other files."""
    if fl.name != "from" or ins.keyword not in ("COPY", "ADD"):
        return ("/",)
    words = list(ins.exec_form) if ins.exec_form is not None else [w.value for w in ins.words]
    if len(words) < 2 or any("$" in w for w in words):
        return ("/",)
    dest = posixpath.normpath(posixpath.join("/", words[-1]))
    out = set()
    for src in (posixpath.normpath(posixpath.join("/", w)) for w in words[:-1]):
        for p in paths:
            if p == "/" or src == p or src.startswith(p.rstrip("/") + "/"):
                out.add(dest)  # (the source is inside what it holds)
            elif p.startswith(src.rstrip("/") + "/"):
                out.add(posixpath.join(dest, p[len(src.rstrip("/")) + 1:]))  # (a folder holding it)
    return tuple(sorted(out))


_URL_HINT = "derive it: ARG TARGETARCH and ${TARGETARCH} in the URL (map names with a case if the project uses x86_64/aarch64)"
#: in a Home Assistant add-on's Dockerfile (it declares the ``BUILD_ARCH`` the Supervisor and the
#: add-on builder pass: amd64, aarch64, armv7, armhf, i386)
_URL_HINT_ADDON = ("derive it: ${BUILD_ARCH} (the add-on's architecture, which the add-on builder passes) in the URL, "
                   "with a case where the project names them otherwise")


#: what differs between one file's builds beside the CPU: the URL's scheme, and a 32-bit ARM
#: triple's ABI (lldap's musl.cc toolchains: ``https://.../x86_64-linux-musl-cross.tgz`` and
#: ``http://.../armv7l-linux-musleabihf-cross.tgz``)
_SAME_FILE = re.compile(r"^https?://|(gnu|musl)eabi(?:hf)?(?=[^a-z]|$)")


def _one_cpu_each(words: list) -> list:
    """The stage's downloads and copies but those of a bundle of several CPUs' builds: the same
    path but for its architecture, copied for two or more to different places (beyla's ``COPY
    --from=jni-builder .../native/linux-amd64/libobijni.so`` and ``.../linux-aarch64/...``, both
    packed in a Java agent that loads the one for the CPU it runs on; ragflow's deps image, whose
    one ``COPY`` puts ``uv-x86_64-...`` and ``uv-aarch64-...`` into ``/`` for a later ``uname -m``;
    lldap's musl.cc cross toolchains for three CPUs, their names compared as ``_SAME_FILE`` says)."""
    shapes: dict = {}  # the value with its architecture tokens blanked -> {value: the CPUs it names}
    keyed = []
    for w in words:
        found = list(arch_tokens(w[1]))
        key = None
        if found:
            key = _SAME_FILE.sub(lambda m: m.group(1) or "", "\0".join(around_arch_tokens(w[1])))
            ins = w[0]
            dest = ins.words[-1].value if ins.keyword in ("COPY", "ADD") and len(ins.words) > 1 else None
            if dest is not None and dest.endswith("/") and not w[1].endswith("/"):
                dest += w[1].rsplit("/", 1)[-1]  # (a file into a folder keeps its name; a folder's files do not)
            shapes.setdefault(key, {})[w[1]] = (frozenset(a for _t, a, _s, _e in found), dest)
        keyed.append((w, key))
    # two values or more, for different CPUs (one value naming two is a host's build for a
    # target), copied to different places (two CPUs' builds copied to one path: the last wins)
    # (or fetched by RUN commands, each CPU's kept: pixie's sysroot-amd64-build.tar.gz and
    # sysroot-arm64-build.tar.gz, unpacked into /sysroots/x86_64 and /sysroots/aarch64)
    bundles = {k for k, v in shapes.items() if len(v) > 1 and len({a for a, _d in v.values()}) > 1
               and (None not in {d for _a, d in v.values()} and len({d for _a, d in v.values()}) == len(v)
                    or {d for _a, d in v.values()} == {None})}
    return [w for w, key in keyed if key not in bundles]


_CPU = r"(arm64|aarch64|armv7|armhf|arm|amd64|x86[_-]64|x64|ppc64le|s390x)"
#: what a comment says of a download that exists for one CPU only: another CPU denied ("toda
#: doesn't support arm64 yet", "no arm64 release", "not available for aarch64"), or its own
#: alone ("x86_64 only"); each a few words, so the search is linear
_OTHER_DENIED = re.compile(
    r"(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:yet\s+)?support\s+" + _CPU
    + r"|\bno\s+" + _CPU + r"\s+(?:build|release|binar|version|package)"
    + r"|\bnot\s+(?:yet\s+)?(?:available|provided|published|shipped|released)\s+(?:for|on)\s+" + _CPU, re.I)
_OWN_ONLY = re.compile(r"\b" + _CPU + r"[- ]only\b", re.I)
#: words of a plan or a request, not of a fact ("bump to 1.3", "until the download uses TARGETARCH")
_PLAN = re.compile(r"\b(?:todo|fixme|until|next|bump|needed|should|must)\b", re.I)


def _one_arch_said(ctx, ins, arch: str) -> bool:
    """Whether the comment lines right above an instruction say that what it downloads for
    ``arch`` exists for that CPU only (chaos-mesh's ``# toda doesn't support arm64 yet`` above its
    amd64 toda): the author chose the one build there is, and no per-CPU download replaces it."""
    from ._common import comment_above

    def said(text: str) -> bool:
        if _PLAN.search(text):
            return False
        cpus = [_arch_of(g) for m in _OTHER_DENIED.finditer(text) for g in m.groups() if g]
        own = [_arch_of(m.group(1)) for m in _OWN_ONLY.finditer(text)]
        return any(c and c != arch for c in cpus) or arch in own

    return comment_above(ctx, ins.span.line, said)


def _arch_of(token: str) -> str | None:
    return next((a for _t, a, _s, _e in arch_tokens(token)), None)


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


def _arch_groups(value: str) -> list:
    """(token, architecture, start, end, the (start, end) of its other mentions) for each
    architecture a value names, once (percona's ``.../AppStream/x86_64/.../c-ares-...x86_64.rpm``:
    one finding, not two); the other mentions are fixed with the first only when spelled alike."""
    groups: dict = {}
    for token, arch, start, end in arch_tokens(value):
        if arch in groups:
            g = groups[arch]
            g[4].append((start, end) if token.lower() == g[0].lower() else (-1, -1))
        else:
            groups[arch] = [token, arch, start, end, []]
    return [tuple(g) for g in groups.values()]


def _other_spans(ctx, span: Span, value: str, more: list) -> list:
    """The spans of a value's other mentions of a CPU (``_arch_groups``); a mention spelled
    otherwise, or not found on the line, is a span no fix edits (column 0)."""
    out = []
    for s_, e_ in more:
        t = _token_span(ctx, span, value, s_, e_) if s_ >= 0 else span
        out.append(Span(0, 0, 0, 0) if t == span else t)
    return out


def _mentions(ctx, ins, token: str, spans: list) -> list | None:
    """The instruction's other mentions of ``token`` as spelled (the ``tar -xzf`` and ``rm`` of
    the file a ``wget`` fetched: distribution's dev image), which the fix edits with the URL's;
    None when its script also picks per CPU (a ``case`` arm or ``if`` branch for one: no half
    fix). Linear in the instruction's text."""
    from ...platforms import arch_token_re

    taken = {(s.line, s.col) for s in spans}
    out = []
    for line in range(ins.line, ins.end_line + 1):
        text = ctx.source.line(line)
        out += [Span(line, m.start(1) + 1, line, m.end(1) + 1) for m in arch_token_re().finditer(text)
                if m.group(1) == token and (line, m.start(1) + 1) not in taken]
    return None if out and arch_case_arms(ins.args.text) else out


def _arch_fix(ctx, stage: Stage, ins, token: str, span: Span, declared, more=(), var: str = "TARGETARCH") -> Fix | None:
    low = token.lower()
    spans = [span, *more]
    if any(s.line != s.end_line or s.col < 1 for s in spans):
        return None  # (another mention spelled otherwise: no half fix)
    others = _mentions(ctx, ins, token, spans)
    if others is None:
        return None
    spans += others
    if low in ("amd64", "arm64"):
        edits = [Edit(s, "${%s}" % var) for s in spans]
        if var not in declared:
            edits.insert(0, _insert_after_from(stage, ctx, f"ARG {var}"))
        return Fix(f"use ${{{var}}}", tuple(edits), safe=False)
    if low in ("x86_64", "aarch64") and ins.keyword == "RUN":
        return Fix("use $(uname -m)", tuple(Edit(s, "$(uname -m)") for s in spans), safe=False)
    return None


# ---- DF007: platform ARGs used without declaration ---------------------------------------------------


def _inherited_args(model, st, picked: bool = True) -> set:
    """ARG names a stage gets from the stages it is based on (``FROM lint-base AS lint``): BuildKit
    hands a stage its base stage's build arguments.  Memoised per stage, so a chain costs its
    length once.  A chain's first stage that a variable picks (linuxkit's ``FROM
    syslinux-${TARGETARCH}``) gets those every stage it may name has (each ``FROM base``, which
    declares ``ARG TARGETARCH``); with ``picked`` off (for those stages' own chains), none."""
    memo = model.memo.setdefault(("df007.inherited", picked), {})
    chain = []  # the stage and its bases, up to one already known (no recursion: chains are long)
    cur = st
    while cur is not None and cur.index not in memo and len(chain) <= len(model.stages):
        chain.append(cur)
        cur = model.base_stage_of(cur)
    # what the first stage already judged hands on: its own inheritance and its own ARGs
    if cur is not None:
        known = memo.get(cur.index, frozenset()) | frozenset(cur.declared_args())
    else:
        known = _picked_args(model, chain[-1]) if picked and chain else frozenset()
    for stage in reversed(chain):
        memo[stage.index] = known
        known = known | frozenset(stage.declared_args())
    return memo[st.index]


def _picked_args(model, st) -> frozenset:
    """The ARGs every earlier stage a variable ``FROM`` may name has, its own or inherited."""
    from ._common import stages_named_by

    named = stages_named_by(model, st) if st.image is not None and "$" in st.image.value else ()
    if not named:
        return frozenset()
    return frozenset.intersection(*(_inherited_args(model, n, False) | frozenset(n.declared_args()) for n in named))


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
    UndefinedVar check (`# check=skip=UndefinedVar` is honoured). An `ONBUILD` instruction runs
    in the build of an image `FROM` this one, where an earlier `ONBUILD ARG` declares the
    argument (fleet's `ONBUILD ARG TARGETARCH` then `ONBUILD COPY bin/fleet-linux-$TARGETARCH`);
    one without it is reported, with no automatic fix (add `ONBUILD ARG NAME` before it).

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

    A stage based on an earlier stage (`FROM lint-base AS lint`) gets that stage's `ARG`s, as
    BuildKit hands a stage its base stage's build arguments. Not reported: a whole `GOARCH=`,
    `GOOS=` or `GOARM=` value in a stage that runs on the target platform (no `--platform` on
    its `FROM`): empty, Go builds for the stage's own platform, which is the target's; nor `${TARGETOS:-linux}` in a
    Linux image (nerdctl's `GOOS=${TARGETOS:-linux}`): its default is what the builder sets.

    ## Fix
    Safe: inserts `ARG NAME` right after the stage's `FROM`.
    """
    model = ctx.model
    for st in model.stages:
        declared = st.declared_args()
        inherited = _inherited_args(model, st)
        on_target = _platform_kind(model, st) == "target"
        seen: set[str] = set()
        env_defined: set[str] = set()
        onbuild_args: set[str] = set()  # ONBUILD ARG names: declared in the child build, for its later triggers
        for ins in st.instructions:
            if ins.keyword == "ENV":
                for w in ins.words:
                    env_defined.add(w.value.split("=", 1)[0])
            if ins.keyword == "ARG":
                continue
            onbuild = ins.keyword == "ONBUILD"
            if onbuild:
                head, _, rest = ins.args.text.strip().partition(" ")
                if head.upper() == "ARG":
                    onbuild_args.update(w.split("=", 1)[0] for w in rest.split())
                    continue
            texts = [(ins.args, ins.args.text)]
            texts += [(h.body, h.body.text) for h in ins.heredocs if not h.quoted]
            for snip, text in texts:
                if "$" not in text:
                    continue
                for name, start, end in uses_vars(text):
                    if name not in PLATFORM_ARGS or name in seen or name in env_defined or name in inherited \
                            or onbuild and name in onbuild_args:
                        continue
                    decl = declared.get(name)
                    if decl is not None and decl.line < ins.line and not onbuild:
                        continue
                    if re.search(rf"(^|[\s;&|(]){name}=", text[:start]):
                        continue  # assigned by the shell itself earlier in the command
                    if on_target and _go_env_value(text, start, end):
                        continue  # GOARCH= empty: Go builds for the stage's platform, the target's
                    if name in ("TARGETOS", "BUILDOS") and _linux_default(text[start:end]) and not windows_image(ctx):
                        continue  # ${TARGETOS:-linux} (nerdctl's, kagent's): what every Linux platform sets
                    seen.add(name)
                    yield ctx.report(
                        snip.span(start, end),
                        f"${name} is used in stage {st.index}{_stage_label(st)} without ARG {name} after its FROM, so it expands to "
                        f"{_undeclared_value(text[start:end])}.",
                        hint=f"add `ONBUILD ARG {name}` before it" if onbuild else f"add `ARG {name}` after the FROM line",
                        fix=None if onbuild else Fix(f"declare ARG {name}", (_insert_after_from(st, ctx, f"ARG {name}"),),
                                                     safe=True),
                        key=name,
                    )


_GO_ENV_BEFORE = re.compile(r"(?:^|[\s;&|(])GO(?:OS|ARCH|ARM|AMD64|ARM64)=[\"']?$")
_GO_ENV_AFTER = re.compile(r"[\"']?(?:\s|$|[;&|)])")


_DEFAULTED = re.compile(r"\$\{\w+:?-(.*)\}", re.S)


def _linux_default(ref: str) -> bool:
    """``${TARGETOS:-linux}``: undeclared, the default, which is what the builder sets for Linux."""
    m = _DEFAULTED.fullmatch(ref)
    return m is not None and m.group(1) == "linux"


def _undeclared_value(ref: str) -> str:
    """What an undeclared automatic argument's use expands to: ``${TARGETARCH:-amd64}`` its
    default, whatever the target; ``$TARGETARCH`` an empty string."""
    m = _DEFAULTED.fullmatch(ref)
    if m and m.group(1):
        shown = f" {m.group(1)}" if "$" not in m.group(1) and "{" not in m.group(1) else ""
        return f"its default{shown} whatever the target platform"
    return "an empty string"


def _go_env_value(text: str, start: int, end: int) -> bool:
    """Whether the use ``text[start:end]`` is the whole value of a Go toolchain variable
    (``GOARCH=${TARGETARCH}``, ``GOOS="$TARGETOS"``): empty, Go builds for the machine it runs
    on."""
    ref = text[start:end]
    if ref[:2] == "${" and not ref[2:-1].isidentifier():
        return False  # ``${TARGETARCH:-amd64}``: its default, not empty
    return _GO_ENV_BEFORE.search(text, max(0, start - 16), start) is not None \
        and _GO_ENV_AFTER.match(text, end) is not None


# ---- DF008: toolchain architecture pinned by a literal ---------------------------------------------

_TOOLCHAIN = re.compile(
    r"(?P<goarch>\bGOARCH[= ]\s*[\"']?(?P<ga>amd64|arm64|arm|386|ppc64le|s390x|riscv64)\b)"
    r"|(?P<target>(?:--target[= ]|\bCARGO_BUILD_TARGET[= ])\s*[\"']?(?P<ta>(?:x86_64|aarch64|armv7|arm|i686|riscv64gc|powerpc64le|s390x)-[A-Za-z0-9_.-]+))"
    r"|(?P<cc>\b(?:CC|CXX|CROSS_COMPILE|HOST_CC)=[\"']?(?P<ca>(?:x86_64|aarch64|arm|i686)-linux-[A-Za-z0-9_.-]*))"
    r"|(?P<host>--host=(?P<ha>(?:x86_64|aarch64|arm|i686)-[A-Za-z0-9_.-]+))"
    r"|(?P<march>-march=(?P<ma>x86-64[A-Za-z0-9-]*|armv[78][A-Za-z0-9.+-]*))"
)
_TRIPLE_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7": "arm", "arm": "arm", "i686": "386",
                "riscv64gc": "riscv64", "powerpc64le": "ppc64le", "s390x": "s390x", "x86-64": "amd64",
                "armv8": "arm64", "armv7-a": "arm"}


_GOOS_OTHER = re.compile(r"\bGOOS[= ]\s*[\"']?(?!linux\b)[a-z]+", re.IGNORECASE)
_COMMAND_END = re.compile(r"&&|\|\||[;|]|(?<!\\)\n")  # a continued line (``\`` before it) goes on
_WINDOW = 200  # characters either side of GOARCH= where its command's GOOS= is looked for


def _for_another_os(text: str, m: re.Match) -> bool:
    """Whether the pin ``m`` builds for another OS: its triple names one, or (``GOARCH=``) the
    same command sets a ``GOOS`` other than linux (looked for within ``_WINDOW`` characters)."""
    if m.group("ga") is None:
        return OTHER_OS.search(m.group(0)) is not None  # (a triple for Windows or macOS: ``archnames.OTHER_OS``)
    (start, _known), (end, _after) = _command_around(text, m)
    return _GOOS_OTHER.search(text, start, end) is not None


def _command_around(text: str, m: re.Match) -> tuple:
    """((start, found), (end, break)) of the command holding ``m``, within ``_WINDOW`` characters
    either side: ``found`` when a command break (or the text's start) was seen before it, ``break``
    the match of the break after it (None: none within the window)."""
    lo, hi = max(0, m.start() - _WINDOW), min(len(text), m.end() + _WINDOW)
    before = [e.end() for e in _COMMAND_END.finditer(text, lo, m.start())]
    after = _COMMAND_END.search(text, m.end(), hi)
    return (before[-1] if before else lo, bool(before) or lo == 0), (after.start() if after else hi, after)


_TO_FILE = re.compile(r"(?<![0-9&>])>>?(?!&)")
_PRINTS = re.compile(r"[\s({]*(?:\d?>&\d\s+)?(?:echo|printf)\b")


def _printed(text: str, m: re.Match) -> bool:
    """Whether the pin ``m`` is text an ``echo`` or ``printf`` prints (ceph-csi's ``echo "...
    run: make image-cephcsi GOARCH=amd64"`` when the build argument is missing): its command, from
    the last command break within ``_WINDOW`` characters before it, starts with one, not in a
    ``$(...)`` whose output is a value the build uses, and it is not written to a file
    (``echo "export GOARCH=amd64" >> /etc/profile.d/go.sh``, ``| tee``)."""
    (start, known), (end, brk) = _command_around(text, m)
    if not known or _PRINTS.match(text, start) is None:
        return False  # (a command starting further back is not known)
    sub = text.rfind("$(", max(0, m.start() - _WINDOW), start)  # (chroma's ``$( [ ... ] && echo ...)``: a value)
    if sub >= 0 and text.find(")", sub, start) < 0:
        return False
    # written to a file (``>> /etc/profile.d/go.sh``) or through ``| tee``: a setting, not a message
    return _TO_FILE.search(text, m.end(), end) is None and not (
        brk is not None and brk.group() == "|" and text[brk.end():brk.end() + 8].lstrip().startswith("tee"))


def _toolchain_arch(m: re.Match) -> str:
    for g in ("ga", "ta", "ca", "ha", "ma"):
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
    `GOARCH=amd64`, `--target x86_64-unknown-linux-gnu`, `CARGO_BUILD_TARGET=aarch64-...`,
    `CC=aarch64-linux-gnu-gcc`, `--host=x86_64-linux-gnu`, `-march=x86-64-v3`, in a stage that
    does not derive it from the platform ARGs. The single/multi-platform policy is DF006's.
    `rustup target add aarch64-...` is no pin: it installs a target beside the machine's own (openobserve's dev
    container, iotedge's cross builder); the `--target` that builds for it is one. A pin for another OS than the
    image's (`--target x86_64-pc-windows-gnu`, `GOOS=darwin GOARCH=arm64 go build`) builds a program the image does not run: not reported;
    nor a pin, in a Dockerfile named after an architecture (`Dockerfile_arm64`), for that one;
    nor one in a `case` arm labelled with an architecture (beyla's `case "$BUILDARCH" in amd64)
    CC=aarch64-linux-gnu-gcc ;;`) or an `if`/`elif` branch testing for one (`if [ "$ARCH" = arm64 ];
    then GOARCH=arm64 ...`): the arms choose per CPU; nor one an `echo` or `printf` prints
    (ceph-csi's `echo "Missing GO_ARCH argument ... run: make image-cephcsi GOARCH=amd64"`).

    ## Why is this bad?
    The binary is built for that CPU whatever `--platform` the build gets: a multi-arch image
    carries an amd64 binary in its arm64 variant, which fails with `exec format error`. Not
    reported in a Dockerfile whose stages each pin one architecture, not all the same (linkerd's
    `build-linux-amd64`, `build-linux-arm64`, `build-darwin` stages): a cross-compilation
    matrix, each binary for the architecture its stage is for. In context, without configured
    platforms, a pin in a stage built for the target, in a Dockerfile whose every build found is
    for that architecture, is not reported (as DF006).

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
    pins = []  # (stage, instruction, text, match, architecture)
    for st in ctx.model.stages:
        if _stage_derives_arch(st):
            continue
        for ins in st.instructions:
            if ins.keyword in ("RUN", "ENV"):
                for snip in [ins.args] + [h.body for h in ins.heredocs]:
                    arms = arch_case_arms(snip.text)
                    pins += [(st, ins, snip, m, _toolchain_arch(m)) for m in _TOOLCHAIN.finditer(snip.text)
                             if not _for_another_os(snip.text, m) and not _printed(snip.text, m)
                             and not in_arms(arms, m.start(), _toolchain_arch(m))]
    pins = [p for p in pins if p[4] != file_arch(ctx)]  # Dockerfile_arm64 pinning arm64: its purpose
    # stages that each pin their own architecture, several of them (linkerd's build-linux-amd64,
    # build-linux-arm64, build-darwin...): a cross-compilation matrix, every binary for the
    # architecture its stage is for, on purpose
    per_stage: dict = {}
    for st, *_rest, arch in pins:
        per_stage.setdefault(st.index, set()).add(arch)
    if len(per_stage) > 1 and all(len(a) == 1 for a in per_stage.values()) \
            and len(set().union(*per_stage.values())) > 1:
        return
    for st, ins, snip, m, arch in pins:
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


# ---- DF012 ----------------------------------------------------------------------------------------


def _from_variables(stage: Stage):
    """(name, span, in --platform?, default or None) of every variable a FROM line uses, in its
    --platform value and its image."""
    ins = stage.from_ins
    words = []
    if stage.platform is not None and stage.platform.word is not None:
        words.append((stage.platform.word, True))
    if stage.image is not None:
        words.append((stage.image, False))
    for word, in_platform in words:
        for name, start, end, default in uses_vars_with_defaults(word.text):
            yield name, ins.args.span(word.start + start, word.start + end), in_platform, default


@rule("DF012", "undefined-arg-in-from", severity=Severity.WARNING, tags=("multi-arch", "reliability"))
def undefined_arg_in_from(ctx):
    """
    ## What it does
    Flags a variable in a `FROM` line (its `--platform` value or its image) that is neither an
    `ARG` declared before the first `FROM` nor one of the platform arguments BuildKit sets
    (`BUILDPLATFORM`, `TARGETARCH` ...), with the nearest declared name.

    ## Why is this bad?
    Only global `ARG`s and the automatic platform arguments exist where `FROM` is read; any other
    name expands to an empty string, or to its default (`${BASEIMAGE:-alpine:3.20}`), and
    `--build-arg` cannot set it (an `ARG` of that name inside an earlier stage does not count: the
    message names it). `--platform=$BULIDPLATFORM`
    (a typo) becomes an empty platform and the build fails; `FROM busybox:${tag}${version}` with
    `version` never declared quietly means `busybox:${tag}`. BuildKit reports the same as its
    UndefinedArgInFrom check (`# check=skip=UndefinedArgInFrom` is honoured). An error in
    `--platform` without a default, where the build fails; a warning otherwise. A Dockerfile kept
    as a template (`tmpl/`, `templates/`, `tmplv1.Dockerfile`) whose `FROM` names such a variable is
    one templated file (AL003): what fills it in sets it (traefik-library-image's envsubst).

    ## Example
    ```dockerfile
    ARG MY_ARCH=amd64
    FROM --platform=linux/${MYARCH} alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    ARG MY_ARCH=amd64
    FROM --platform=linux/${MY_ARCH} alpine:3.20
    ```

    ## Fix
    No automatic fix: the intended name is a guess.
    """
    declared = ctx.model.global_args
    known = list(declared) + list(PLATFORM_ARGS)
    in_stage: dict = {}  # a name an earlier stage declares: (line, stage)
    for st in ctx.model.stages:
        for name, span, in_platform, default in _from_variables(st):
            # declared globally, or set by the builder: defined
            if name in declared or name in PLATFORM_ARGS:
                continue
            import difflib

            near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            guess = f"; did you mean {near[0]}?" if near else "."
            where = "--platform" if in_platform else "the image"
            said = f"{name} in {where} of FROM is not an ARG declared before the first FROM"
            if name in in_stage:  # awi's akvdotnet: ARG BASEIMAGE in the builder stage, then FROM ${BASEIMAGE:-...}
                line, label = in_stage[name]
                said += f" (the ARG on line {line} belongs to stage {label})"
            if default and "$" in default:  # a default with its own variables: not quoted, nor known to be set
                said += f", so --build-arg cannot set it and it is always its default{guess}"
                default = None
            else:
                said += (f", so --build-arg cannot set it and it is always its default, {default}{guess}"
                         if default else f", so it expands to an empty string{guess}")
            yield ctx.report(
                span,
                said,
                hint=f"declare ARG {name} before the first FROM" + (f", or use {near[0]}" if near else ""),
                # an empty --platform fails the build; a default is a platform
                severity=Severity.ERROR if in_platform and not default else Severity.WARNING,
                key=name,
            )
        for name, ins in st.declared_args().items():
            in_stage.setdefault(name, (ins.span.line, f"{st.index}{_stage_label(st)}"))
