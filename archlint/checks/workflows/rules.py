"""GitHub Actions workflow rules GHA001-GHA004: ``docker/build-push-action`` steps and their
``platforms:`` input.

A build step is a step of ``jobs.<id>.steps`` whose ``uses:`` is ``docker/build-push-action@<any
ref>``.  Its ``with.platforms`` is a comma-separated and/or multi-line list (``|`` blocks and
quoted strings too); an item with ``${{ … }}`` (``${{ matrix.platform }}``) is decided when the
workflow runs and is trusted.  ``run:`` steps are the build-command analyser's (BC rules), through
``YamlModel.shell_snippets()``.
"""
from __future__ import annotations

import re

from ... import platforms as plat
from ...model import Edit, Fix, Severity, Span
from ...parsers.workflow_steps import job_runner
from ...parsers.yamldoc import get, is_map, is_scalar, is_seq, items, pairs, scalar, text, value
from ...registry import rule


_BUILD_PUSH = re.compile(r"^docker/build-push-action@", re.I)
_SETUP_QEMU = re.compile(r"^docker/setup-qemu-action@", re.I)
_SETUP_BUILDX = re.compile(r"^docker/setup-buildx-action@", re.I)

#: architectures one CPU runs natively (an amd64 runner also runs 386 code)
_FAMILY = {"386": "amd64"}


def _sets_up_qemu(run: str) -> bool:
    """Whether a ``run:`` script registers QEMU emulators: binfmt, register-qemu, or a
    ``qemu-...-static`` name on one line (qemu-user-static, qemu-aarch64-static).  Plain string
    searches, linear in the script: the regex ``qemu-.*-static`` took quadratic time on a line of
    repeated ``qemu-``."""
    low = run.lower()
    if "binfmt" in low or "register-qemu" in low:
        return True
    for line in low.split("\n"):
        i = line.find("qemu-")
        if i >= 0 and line.find("-static", i + 5) >= 0:
            return True
    return False


class _Item:
    __slots__ = ("text", "span", "exact", "dynamic")

    def __init__(self, text, span, exact, dynamic):
        self.text = text
        self.span = span
        self.exact = exact  # the span holds exactly ``text`` (an edit there replaces it)
        self.dynamic = dynamic


class _BuildStep:
    __slots__ = ("job", "job_name", "index", "step", "uses", "with_", "platforms", "items", "env_platform")

    def __init__(self, job, job_name, index, step, uses, with_, platforms, items_, env_platform):
        self.job = job
        self.job_name = job_name
        self.index = index  # position in the job's steps
        self.step = step
        self.uses = uses  # the uses: value node
        self.with_ = with_  # (key, value) of with:, or None
        self.platforms = platforms  # (key, value) of with.platforms, or None
        self.items = items_  # list[_Item]
        self.env_platform = env_platform  # DOCKER_DEFAULT_PLATFORM from env:, or None


def _jobs(ctx) -> list:
    out = []
    for root in ctx.model.documents:
        for k, job in pairs(value(root, "jobs")):
            if is_map(job):
                out.append((k.value, job, root))
    return out


def _env_value(nodes, name):
    for n in nodes:
        v = text(value(n, "env"), name)
        if v is not None:
            return v
    return None


def platform_items(model, node) -> list:
    """The items of a ``platforms:`` value with their file spans."""
    out: list = []
    if is_seq(node):
        for it in node.value:
            if is_scalar(it) and scalar(it):
                out.extend(platform_items(model, it))
        return out
    if not is_scalar(node) or not scalar(node):
        return out
    wanted = [i for line in node.value.split("\n") for i, _ in plat.split_list(line)]
    pieces = model.scalar_lines(node) or []
    found = []
    for t, line, col in pieces:
        for item, off in plat.split_list(t):
            found.append(_Item(item, Span(line, col + off, line, col + off + len(item)), True, plat.is_dynamic(item)))
    if [i.text for i in found] == wanted:
        return found
    whole = model.first_line_span(node)  # escapes or folding: point at the value
    return [_Item(i, whole, False, plat.is_dynamic(i)) for i in wanted]


def _build_steps(ctx) -> list:
    def compute():
        model = ctx.model
        out = []
        for job_name, job, root in _jobs(ctx):
            for idx, step in enumerate(items(value(job, "steps"))):
                uses = value(step, "uses")
                ref = scalar(uses) if is_scalar(uses) else None
                if not ref or not _BUILD_PUSH.match(ref.strip()):
                    continue
                with_ = get(step, "with")
                pl = get(with_[1], "platforms") if with_ is not None else None
                its = platform_items(model, pl[1]) if pl is not None else []
                envp = _env_value((step, job, root), "DOCKER_DEFAULT_PLATFORM")
                out.append(_BuildStep(job, job_name, idx, step, uses, with_, pl, its, envp))
        return out

    return ctx.cached("gha.build_steps", compute)


def _with(bs: _BuildStep):
    """The step's ``with:`` mapping, or None."""
    return bs.with_[1] if bs.with_ is not None and is_map(bs.with_[1]) else None


def _pushes(w) -> bool:
    return (text(w, "push") or "").strip().lower() not in ("", "false")


def _outputs(w) -> list[str]:
    """The ``outputs:`` entries of a ``with:`` mapping (a list, or a multi-line string)."""
    out = value(w, "outputs")
    lines = [(scalar(n) or "") for n in ([out] if is_scalar(out) else items(out)) if is_scalar(n)]
    return [e.strip() for line in lines for e in line.splitlines() if e.strip()]


def _step_keeps(bs: _BuildStep) -> bool:
    """Whether the step pushes or exports its image (``push: true``, an ``outputs:`` other than
    ``type=docker`` without ``dest=``)."""
    from ...parsers.workflow_steps import keeps

    w = _with(bs)
    return w is not None and (_pushes(w) or keeps(" ".join(_outputs(w))))


def _exports_files(bs: _BuildStep) -> bool:
    """Whether the step builds no image but files: it does not push, and every ``outputs:`` entry
    is a local folder or a tarball of the result (``type=local``, ``type=tar``, a bare path as
    ``/tmp/moby``: buildx's shorthand for a local folder, read as ``exports.attrs`` reads every
    exporter).  buildkit's and linkerd's binary builds (``target: binary``) export programs to
    the runner, used there.  An expression (``${{ ... }}``) is not known to be files."""
    from ... import exports

    w = _with(bs)
    if w is None or _pushes(w):
        return False
    outs = _outputs(w)
    return bool(outs) and all("${{" not in e and exports.attrs(e).get("type") in ("local", "tar") for e in outs)


def _discarded(ctx, bs: _BuildStep) -> bool:
    """Whether the step's image is thrown away with the runner: no build step of its job pushes
    or exports, and the job never logs in to a registry, uploads, caches or saves images
    (``workflow_steps.keeps_images``, BC001's rule for a CI job): a test image loaded into a kind
    cluster on the same runner.  Each job is judged once."""

    def compute():
        from ...parsers.workflow_steps import keeps_images

        keeping = {id(o.job) for o in _build_steps(ctx) if _step_keeps(o)}
        jobs = {id(o.job): o.job for o in _build_steps(ctx) if id(o.job) not in keeping}
        return {i for i, job in jobs.items() if not keeps_images(job)}

    return id(bs.job) in ctx.cached("gha.discarding_jobs", compute)


def _value_span(model, bs: _BuildStep) -> Span:
    """Where to point for the whole platforms: value: the value on one line, else the key."""
    key, node = bs.platforms
    s = model.content_span(node)
    return s if s.line == s.end_line and node.style not in ("|", ">") else model.key_span(key)


def _add_platforms_fix(ctx, bs: _BuildStep, value_text: str):
    """Edit that adds ``platforms: value_text`` to the step's ``with:`` (or adds ``with:``)."""
    model = ctx.model
    src = ctx.source
    if bs.with_ is not None:
        w = bs.with_[1]
        if not is_map(w) or not w.value:
            return None
        first_key = w.value[0][0]
        s = model.span(first_key)
        line = src.line(s.line)
        if line[: s.col - 1].strip():
            return None  # flow style `with: {…}`
        indent = line[: s.col - 1]
        return Edit(Span(s.line, 1, s.line, 1), f"{indent}platforms: {value_text}\n")
    uses_key = get(bs.step, "uses")[0]
    ks = model.span(uses_key)
    uline = src.line(ks.line)
    before = uline[: ks.col - 1]
    if before.strip() not in ("", "-"):
        return None
    indent = " " * (ks.col - 1)
    us = model.span(bs.uses)
    end_col = len(src.line(us.end_line)) + 1
    return Edit(Span(us.end_line, end_col, us.end_line, end_col),
                f"\n{indent}with:\n{indent}  platforms: {value_text}")


# ---- GHA001 ---------------------------------------------------------------------------------------


@rule("GHA001", "build-push-without-platforms", severity=Severity.WARNING, fix="safe",
      tags=("multi-arch", "github-actions"))
def build_push_without_platforms(ctx):
    """
    ## What it does
    Flags a `docker/build-push-action` step without a `platforms:` input.

    ## Why is this bad?
    The image is then built for the runner's CPU: `linux/amd64` on GitHub's standard runners,
    `linux/arm64` on the arm runners. Moving the job to another runner silently changes the
    architecture you ship, and an amd64-only image fails on arm64 nodes with
    `exec format error`. A `DOCKER_DEFAULT_PLATFORM` in the step's, job's or workflow's `env:`
    counts as a platform. On a runner of known CPU (GitHub-hosted `ubuntu-latest`,
    `ubuntu-24.04-arm`, or labels naming it: `[self-hosted, linux, x64]`, `ubuntu-x64`) it is reported only when `platforms` is configured: without it, the
    image is that CPU's on every run, and nothing says another is wanted (in judged
    repositories 5 such findings, CI or single-CPU images, none worth acting on). Elsewhere (a
    self-hosted runner of unknown CPU, a macOS runner, a job whose builds run on a remote builder or `DOCKER_HOST`) it
    is reported whether or not `platforms` is configured, except where the
    image is thrown away with the runner: no build step of the job pushes or exports, and the
    job never logs in to a registry, uploads, caches or saves images (a test image loaded into a
    kind cluster on the same runner; BC001's rule for a CI job); nor where the step builds no
    image but files (no `push`, every `outputs:` a local folder or a tarball: buildkit's
    `outputs: /tmp/moby` of `target: binary`, programs for the runner that builds them); nor in
    a job whose runner is picked per run (`runs-on: ${{ matrix.os }}` over an amd64 and an arm64
    runner: redash builds each architecture natively and merges them), as BC001; nor, in a whole
    run, where the Dockerfile's final stage pins the platform (`FROM --platform=linux/${ARCH}`
    with the step's `build-args: ARCH=...`: fleet's e2e images) or every stage is `FROM scratch` holding
    files copied in by paths written out (their CPU, not the runner's), as BC001.

    ## Example
    ```yaml
    - uses: docker/build-push-action@v6
      with:
        push: true
        tags: ghcr.io/acme/api:${{ github.sha }}
    ```

    ## Use instead
    ```yaml
    - uses: docker/build-push-action@v6
      with:
        platforms: linux/amd64,linux/arm64
        push: true
        tags: ghcr.io/acme/api:${{ github.sha }}
    ```

    ## Fix
    With `platforms` configured, adds `platforms: <configured platforms>` to `with:`. Safe with
    one configured platform; unsafe with several (a multi-platform build also needs QEMU or
    native builders, and cannot `load: true` into the runner's Docker).
    """
    model = ctx.model
    runners: dict = {}  # id(job) -> job_runner(job): read once per job, however many steps build
    for bs in _build_steps(ctx):
        if bs.platforms is not None and (bs.items or not is_scalar(bs.platforms[1]) or scalar(bs.platforms[1])):
            continue
        chosen, host = runners.get(id(bs.job)) or runners.setdefault(id(bs.job), job_runner(bs.job))
        if bs.env_platform or _discarded(ctx, bs) or _exports_files(bs) or chosen or ctx.targets.met_by(host):
            continue
        fix = None
        targets = ctx.targets
        if targets:
            v = targets.value
            hint = f"add platforms: {v} to with:"
            edit = _add_platforms_fix(ctx, bs, v)
            if edit is not None:
                fix = Fix(f"Add platforms: {v}", (edit,), safe=targets.single is not None)
        else:
            hint = ("add platforms: for the machines the image runs on (e.g. linux/amd64,linux/arm64); "
                    "set `platforms` in [tool.archlint] to have archlint check and fix it")
        yield ctx.report(
            model.content_span(bs.uses),
            f"{scalar(bs.uses).strip()} in job {bs.job_name} has no platforms:, so the image is built for the "
            "runner's CPU.",
            hint=hint,
            fix=fix,
            key=f"{bs.job_name} {bs.index}",
        )


# ---- GHA002 ---------------------------------------------------------------------------------------


def _literal_platforms(bs: _BuildStep):
    """The parsed items, or None when one is dynamic or invalid (then the others decide nothing)."""
    if not bs.items or any(i.dynamic for i in bs.items):
        return None
    out = []
    for i in bs.items:
        p = plat.meaning(i.text)
        if p is None:
            return None
        out.append(p)
    return out


@rule("GHA002", "build-push-platform-mismatch", severity=Severity.ERROR,
      tags=("multi-arch", "github-actions"))
def build_push_platform_mismatch(ctx):
    """
    ## What it does
    Flags a `docker/build-push-action` `platforms:` input that leaves out one of the configured
    `platforms`.

    ## Why is this bad?
    The pushed image has no variant for that platform: pulling it there fails with "no matching
    manifest for linux/arm64" (or runs an emulated amd64 image). Only reported when `platforms` is
    configured and every item is a literal, valid platform (`${{ matrix.platform }}` is
    trusted, invalid items are GHA004's).

    ## Example
    ```yaml
    # platforms = ["linux/amd64", "linux/arm64"]
    - uses: docker/build-push-action@v6
      with:
        platforms: linux/amd64
    ```

    ## Use instead
    ```yaml
    - uses: docker/build-push-action@v6
      with:
        platforms: linux/amd64,linux/arm64
    ```

    ## Fix
    No automatic fix: adding a platform may need QEMU and a longer build.
    """
    targets = ctx.targets
    if targets.none:
        return
    model = ctx.model
    for bs in _build_steps(ctx):
        ps = _literal_platforms(bs)
        if not ps:
            continue
        missing = targets.missing(ps)
        if not missing:
            continue
        yield ctx.report(
            _value_span(model, bs),
            f"platforms: of {scalar(bs.uses).strip()} in job {bs.job_name} leaves out "
            f"{plat.describe(missing)}, one of the configured platforms.",
            hint=f"build for {targets.describe()}",
            key=f"{bs.job_name} {bs.index} {plat.describe(missing)}",
        )


# ---- GHA003 ---------------------------------------------------------------------------------------


def _emulation_ready(bs: _BuildStep) -> bool:
    """An earlier step of the job installs QEMU/binfmt, sets up builders on other machines, or
    sets up a BuildKit container (``docker/setup-buildx-action``'s default driver) of BuildKit's
    own image, which runs foreign ``RUN`` steps with the QEMU emulators it bundles."""
    for step in items(value(bs.job, "steps"))[: bs.index]:
        uses = (scalar(value(step, "uses")) or "").strip()
        if _SETUP_QEMU.match(uses):
            return True
        if _SETUP_BUILDX.match(uses):
            w = value(step, "with")
            driver = (text(w, "driver") or "").strip()
            if driver in ("cloud", "remote", "kubernetes") or get(w, "append") is not None or get(w, "endpoint") is not None:
                return True
            if driver in ("", "docker-container") and _buildkit_image(text(w, "driver-opts") or "") \
                    and (text(w, "use") or "true").strip().lower() != "false" and _default_builder(bs):
                return True
        run = scalar(value(step, "run"))
        if run and _sets_up_qemu(run):
            return True
    return False


def _default_builder(bs: _BuildStep) -> bool:
    """Whether the build step uses the builder a setup step made current: no ``builder:``, or
    one from a step's outputs (``${{ steps.buildx.outputs.name }}``); ``builder: default`` is
    the Docker daemon's own."""
    b = (text(bs.with_[1], "builder") or "").strip() if bs.with_ is not None else ""
    return not b or "${{" in b

def _buildkit_image(driver_opts: str) -> bool:
    """Whether a BuildKit container's ``driver-opts`` keep BuildKit's own image (``moby/buildkit``,
    any tag), whose emulators (``buildkit-qemu-*``) run foreign binaries without binfmt; an
    unresolved image may be another (a third-party BuildKit lacks them)."""
    for opt in re.split(r"[\n,]", driver_opts):
        key, eq, val = opt.strip().partition("=")
        if eq and key.strip() == "image":
            return "moby/buildkit" in val and "$" not in val
    return True


@rule("GHA003", "multi-platform-without-qemu", severity=Severity.WARNING,
      tags=("multi-arch", "github-actions"))
def multi_platform_without_qemu(ctx):
    """
    ## What it does
    Flags a `docker/build-push-action` step that builds for several CPU architectures with the
    Docker daemon's own builder when no earlier step of the same job sets up
    `docker/setup-qemu-action` (or binfmt).

    ## Why is this bad?
    The daemon's builder executes `RUN` steps of the foreign architecture only through QEMU's
    binfmt handlers; without them the build fails with `exec format error`. A BuildKit
    container set up by `docker/setup-buildx-action` (its default `docker-container` driver,
    BuildKit's own `moby/buildkit` image) runs them with the QEMU emulators the image bundles,
    as BuildKit's multi-platform documentation says: not reported (aks-store-demo's nine
    workflows build arm64 so); with `driver: docker`, another BuildKit image
    (`driver-opts: image=...`), `use: false`, or a build step's `builder: default` it is. Neither are builders on other machines (`driver: remote`,
    `kubernetes`, `cloud`, `append`), a job that builds one platform per native runner
    (`platforms: ${{ matrix.platform }}` with arm64 and amd64 runners), or platforms one CPU
    runs natively (`linux/amd64` with `linux/386`). In a whole run, nor a step whose Dockerfile
    runs every `RUN` on the build machine (`--platform=$BUILDPLATFORM` stages that cross-compile,
    a final stage that only copies): no program of another CPU runs.

    ## Example
    ```yaml
    - uses: docker/build-push-action@v6
      with:
        platforms: linux/amd64,linux/arm64
    ```

    ## Use instead
    ```yaml
    - uses: docker/setup-qemu-action@v3
    - uses: docker/setup-buildx-action@v3
    - uses: docker/build-push-action@v6
      with:
        platforms: linux/amd64,linux/arm64
    ```

    ## Fix
    No automatic fix.
    """
    model = ctx.model
    for bs in _build_steps(ctx):
        ps = _literal_platforms(bs)
        if not ps:
            continue
        families = {_FAMILY.get(p.arch, p.arch) for p in ps}
        if len(families) < 2 or _emulation_ready(bs):
            continue
        yield ctx.report(
            _value_span(model, bs),
            f"{scalar(bs.uses).strip()} in job {bs.job_name} builds for {plat.describe(ps)} but no earlier step "
            "sets up QEMU, so RUN steps of the other architectures fail.",
            hint="add - uses: docker/setup-qemu-action@v3 before it (or build each platform on a native runner)",
            key=f"{bs.job_name} {bs.index}",
        )


# ---- GHA004 ---------------------------------------------------------------------------------------


@rule("GHA004", "invalid-platform", severity=Severity.ERROR, fix="safe",
      tags=("multi-arch", "github-actions"))
def invalid_platform(ctx):
    """
    ## What it does
    Flags an item of a `docker/build-push-action` `platforms:` input that buildx rejects or that
    names no known OS or architecture (`linux/amd46`, `linux/arm64/v9`), with the nearest valid
    one. As info, it also flags another spelling (`linux/aarch64`) and an architecture without OS
    (`arm64`); as a warning, an OS without architecture (`linux`).

    ## Why is this bad?
    Buildx rejects the whole build ("failed to parse platform"), after the job has already spent
    its setup time, or finds no image for it.
    Values are read as the build reads them (containerd's platform parser, which BuildKit, docker
    and buildx use; the grammar is in `archlint/platforms.py`): one to three `/`-separated parts,
    lower-cased, with `x86_64`/`x86-64`, `aarch64`, `i386`, `armhf`, `armel` normalised and
    arm's variant `7` read as `v7`. So the same reading as DF009, BC008 and DC004; items with
    `${{ … }}` are trusted.

    ## Example
    ```yaml
    with:
      platforms: linux/amd64,linux/amd46
    ```

    ## Use instead
    ```yaml
    with:
      platforms: linux/amd64,linux/arm64
    ```

    ## Fix
    Safe: replaces an unknown item with the suggestion when there is exactly one, or another
    spelling with the build's reading; unsafe: adds `linux/` to an architecture without OS.
    Only where the item is written plainly in the file.
    """
    for bs in _build_steps(ctx):
        for it in bs.items:
            if it.dynamic:
                continue
            f = ctx.invalid_platform(it.span, it.text, f"in platforms: of {scalar(bs.uses).strip()}", fixable=it.exact)
            if f is not None:
                yield f


__all__ = ["platform_items"]
