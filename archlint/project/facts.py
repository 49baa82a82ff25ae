"""What one file tells the project model (see ``archlint.project``): plain JSON-able data.

``extract(ctx)`` reads the file's parsed model through the same analyses the rules use (the
shell-command analyser, the pod-template walk, the compose services) and returns a dict with
any of these lists (keys with nothing are left out; None when the file says nothing):

``builds``   ``{"span", "tool", "file", "context", "bases", "platforms", "host", "tags", "push",
             "local", "stage"}``: a build site.  ``file``/``context`` as written (None: not given,
             ``"*"``: unknown); ``bases``: what relative paths are relative to (``"file"``: the
             file's folder, ``"repo"``: the repository's top, ``"up"``: the file's folder or
             any above it up to the top, ``"github"``: the folder holding the workflow's ``.github``;
             ``"in:DIR:BASE"``: the folder DIR below each folder of BASE (``cd site && docker build .``:
             ``folders.where_it_runs``); ``"cd"``: the command may run in another folder (a ``cd`` before it), so its
             paths link nothing; ``"made"``: the file or recipe writes the Dockerfile first, so
             a path found nowhere is not missing; ``"caller"``: ``file`` is a shell default its caller
             may override (``${DOCKER_FILE:-Dockerfile}``), so never missing; ``"rooted"``: ``file`` came after an unknown
             root, ``-f $(CURDIR)/x/Dockerfile``, so it is also looked for from the top and never missing; ``"nocase"``: Windows
             paths, names found in any case); ``platforms``: canonical platforms, ``[]`` when none is given (the build
             machine's), None when unknown; ``host``: the build machine's platform when known (a GitHub-hosted runner);
             ``tags``: image names with every unknown part as ``*``.
``aliases``  ``{"src", "dst"}``: another name for an image (``docker tag``, ``podman push SRC DST``).
``pushed``   names pushed by a push command (``docker push``, ``podman manifest push``).
``sent``     names a Makefile push sends as the image a prerequisite target built (``make_chains``): its ``push``.
``deploys``  ``{"span", "image", "arch", "from", "via"}``: an image that runs somewhere;
             ``arch``: the architectures it may run on (None: not constrained), ``from``: what
             says so (``nodeSelector``, ``node affinity``, ``platform:``, ``runs-on``).
``overrides`` ``{"span", "name", "image"}``: a Kustomization's ``images:`` entry: containers whose
             image is ``name`` (any tag) are deployed as ``image``.
``bakes``    ``{"span", "files", "bases", "platforms", "push"}``: a ``docker buildx bake`` command, the
             Bake or compose files it builds (``-f``, else bake's default names) and the
             platforms it sets for all of them (``--set *.platform=``; ``[]``: none).
``makes``    ``{"files", "bases"}``: Makefiles this file runs with ``make -f`` (their recipes run in its folder).
``froms``    ``{"span", "image", "stage", "pinned"}``: a Dockerfile stage's base image (ARG
             defaults expanded; only complete names), ``pinned`` when the stage has ``--platform``.
``target_stages`` ``[first line, last line]`` of each Dockerfile stage built for the build's target
             platform (no ``--platform``, ``$TARGETPLATFORM``, or based on such a stage).
``go_arm``   ``{"span", "stage"}``: a Dockerfile's Go compile for ``$TARGETARCH`` that no ``GOARM`` follows.
``tag_release`` ``True``: a workflow run only for a release (on pushed tags or a GitHub release).
``defaulted`` images a build, tag or push names ``latest`` through an overridable default (``IMAGE_TAG ?= latest``).
``cloned``   the folders the file's ``git clone`` commands make (``GenAIComps``).

``fact_check.check(value)`` validates facts read back from the cache (untrusted input) and
raises ValueError on anything but this shape.
"""
from __future__ import annotations

import bisect
import os
import re

from ..images import floating_value, strip_transport, values_repository
from .generators import opm_outputs
from .locate import remote_context, windows_paths
from .rewrites import release_rewrites, value_marks

#: every unknown part of a value: ``$VAR``, ``${VAR}``, ``$(cmd)``, ``${{ expr }}``, backticks,
#: the Makefile reader's placeholder; each character is looked at a bounded number of times
_UNKNOWN = re.compile(r"\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?!$-]|`[^`]*`")
_STARS = re.compile(r"\*{2,}")
_MUSTACHE = re.compile(r"\{\{[^}]*\}\}")
MAX_VALUE = 512  # longer names and paths are not linked (no real image name is this long)


def pattern(value: str | None) -> str | None:
    """``value`` with every unknown part replaced by ``*`` (None for nothing, or a value too long
    to be a name)."""
    if value is None:
        return None
    v = value.strip()
    if not v or len(v) > MAX_VALUE:
        return None
    if "$" in v or "`" in v:
        v = _UNKNOWN.sub("*", v)
    if "{{" in v:
        v = _MUSTACHE.sub("*", v)
    if "$" in v or "`" in v or "{{" in v:
        return "*"
    return _STARS.sub("*", v)


def _span(s) -> list:
    return [s[0], s[1], s[2], s[3]]


# ---- commands: scripts, Makefile recipes, workflow run: steps, runbooks ----------------------


def _bases(kind: str) -> list:
    if kind == "makefile":
        # make runs recipes in the Makefile's folder (or where ``make -f dir/Makefile`` runs:
        # the model adds the folders of the files that call it so)
        return ["file"]
    if kind == "workflow":
        return ["github"]  # a job starts in the checked-out repository's top: above .github/
    return ["up"]  # a script or a runbook: run from its folder or one above it (a project's top)


def canonical(values) -> list | None:
    """Platform strings as canonical platforms, in order, each once; None when one of them is
    unknown: a variable (``*``, ``$X``) or a spelling whose meaning depends on the builder (an
    OS alone).  A CPU alone (``--platform x86_64``, percona's READMEs) is that CPU's Linux
    platform: the builder adds its own OS, and the builders of Linux images run Linux (Docker
    Desktop's in a VM); BC008 still asks for the OS to be written out."""
    from .. import platforms as plat

    out: list = []
    for v in values:
        v = str(v).strip()
        m = None if not v or "*" in v or plat.is_dynamic(v) else plat.meaning(v, bare_arch=True)
        if m is None:
            return None
        if str(m) not in out:
            out.append(str(m))
    return out


def _platforms(ctx, tc) -> list | None:
    from ..checks.build_commands.rules import _overridable_default

    src = tc.platform_source
    if src == "none":
        return []
    if src not in ("flag", "env", "bake") or not tc.platforms:
        return None  # --arch/--all-platforms, or nothing readable
    if any(p.dynamic or p.defaulted for p in tc.platforms):
        return None  # a variable, or its default that a caller may override (TARGET_ARCH ?= ...)
    out = canonical(p.value for p in tc.platforms)
    if out is None or _overridable_default(ctx, tc):
        return None  # a knob (make image TARGET_ARCH=linux/arm64): the caller picks the platform
    return out


#: what marks a documentation placeholder in a path (``-f [PATH|URL|-]``, ``<your Dockerfile>``)
_PLACEHOLDER = re.compile(r"[][|<>{}]|^path/to/|^/?path/")


def _value(flag) -> str | None:
    """A flag's value; ``*`` when it is unknown: a variable, or a placeholder a reader replaces."""
    if flag is None or flag.value is None:
        return None
    if flag.dynamic or _PLACEHOLDER.search(flag.value):
        return "*"
    return flag.value


def _defaulted_latest(ctx, tc) -> list:
    """The images a build tags ``latest`` through an overridable default (kmm's ``IMAGE_TAG ?=
    latest``, the release's cloudbuild passing ``IMAGE_TAG=$_GIT_TAG``; ``${TAG:-latest}``): the
    tag is its caller's, not only ``latest`` (``refine._latest_only``)."""
    from ..checks.build_commands.rules import _make_default

    out = []
    for im in tc.images:
        p = pattern(im.value)
        if p and p.endswith(":latest") and (im.defaulted or _make_default(ctx, tc, im.span, tag_only=True)):
            out.append(p)
    return out


def _build_fact(ctx, tc, bases: list, moves: dict, local) -> dict:
    """The fact of one build command (see the module's docstring)."""
    from ..checks.build_commands.local import build_pushes, runner_platform
    from ..commands import build_context
    from .folders import rooted, where_it_runs

    snip = tc.command.snippet
    here = where_it_runs(snip, tc.command.start, bases, moves)
    g = getattr(snip, "group", None)
    # a workflow job's run: steps (``("job", position, keeps, runner_chosen, host)``): its runner's CPU;
    # a runner picked per run (runs-on: ${{ matrix.os }}) decides the platform: unknown here
    job = type(g) is tuple and len(g) == 5 and g[0] == "job"
    chosen = job and bool(g[3])
    host = runner_platform(tc)  # (or a script's branch for the machine's own CPU: ``if [ "$(uname -m)" = ...``)
    ctx_word = build_context(tc)
    context = None if not tc.args else "*" if ctx_word is None or ctx_word.dynamic else ctx_word.value
    if context == "*" and ctx_word is not None and remote_context(ctx_word.value):
        context = pattern(ctx_word.value) or "*"  # (a git URL, its ref a variable: -f names a file of it)
    rest = rooted(tc.flag("-f", "--file"))
    f = tc.flag("-f", "--file")
    file = rest or _value(f)
    if file == "*" and f.dynamic and not _PLACEHOLDER.search(_UNKNOWN.sub("", f.value)):
        # the literal parts of a path with unknown ones (pyroscope's -f cmd/$(shell basename
        # $(@D))/$(2)Dockerfile: cmd/*/*Dockerfile): which files it may be
        file = pattern(f.value) or "*"
    if file == "-":  # the Dockerfile on stdin: capv's ``cat hack/tools/boskosctl/Dockerfile | docker build --file -``
        file = _piped_in(ctx, snip, tc) or file
    if file is None and tc.opaque and (ctx_word is None or ctx_word.dynamic):
        file = "*"  # (docker buildx build "$@": its caller's Dockerfile, any or none)
    if rest:
        here = here + ["rooted"]  # under an unknown root: also from the top, never missing
    if f is not None and f.value is not None and (f.value_word or f.word).defaulted or ctx_word is not None \
            and ctx_word.defaulted:
        here = here + ["caller"]  # ${DOCKER_FILE:-Dockerfile}, "${CONTEXT:-.}": the caller's, never missing
    read = file or (None if context == "*" else f"{context or '.'}/Dockerfile")  # (its context's, implied)
    if read and "*" not in read and (_written(ctx, snip.text, f"facts.written:{id(snip)}", read)
                                 or ctx.kind in ("makefile", "workflow")
                                 and _written(ctx, ctx.source.text, "facts.written", read, exact=not file)
                                 or ctx.kind == "markdown" and _dockerfile_shown(ctx, snip.pos(tc.command.start)[0], read)):
        here = here + ["made"]  # written by the same recipe, script, workflow or reader: never missing
    # an unresolved "${ARGS[@]}" may hold --platform (netbox-docker's build.sh): unknown
    platforms = None if (chosen or tc.opaque) and tc.platform_source == "none" else _platforms(ctx, tc)
    return {
        "span": _span(snip.span(tc.command.words[0].start, tc.verb.end)),
        "tool": "docker buildx build" if tc.builder == "buildx" and tc.tool == "docker" else f"{tc.tool} {tc.verb.value}",
        "file": file,
        "context": context,
        "bases": here,
        "platforms": platforms,
        "host": host,
        "tags": [p for p in (pattern(im.value) for im in tc.images) if p],
        "push": build_pushes(tc) or local.sends(tc),
        "local": local.build(tc),
        "stage": _value(tc.flag("--target")),
        # and those of a value not known here (ARCH=$(shell go env GOARCH): the build machine's)
        "args": sorted({f.value.split("=", 1)[0] for f in tc.all("--build-arg") if f.value}),
        "dynamic_args": sorted({f.value.split("=", 1)[0] for f in tc.all("--build-arg")  # (NAME alone: the env's)
                                if f.value and ("=" not in f.value or (f.value_word or f.word).dynamic)}),
        "contexts": sorted(  # named contexts (--build-context wheels=target:...): a FROM of that name reads one
            {f.value.split("=", 1)[0] for f in tc.all("--build-context") if f.value and "=" in f.value}),
        # passed nothing sure: NAME alone (the environment's, maybe unset) or a floating image (x:latest)
        "floating_args": sorted({f.value.split("=", 1)[0] for f in tc.all("--build-arg")
                                 if f.value and ("=" not in f.value or floating_value(f.value.split("=", 1)[1]))}),
    }


def _piped_in(ctx, snip, tc) -> str | None:
    """The file a ``cat PATH`` piped into the build command ``tc`` reads (``cat Dockerfile |
    docker build -f -``), as the shell parser finds the ``cat`` commands of the snippet (once per
    snippet): the one that ends right before the build, a ``|`` between them."""
    from ..parsers.shell import simple_commands

    cats = ctx.cached(f"facts.cats:{id(snip)}", lambda: simple_commands(snip, programs=("cat",)))
    at = tc.command.start
    for c in cats:
        if c.end <= at and snip.text[c.end:at].strip() == "|" and len(c.words) == 2 \
                and not c.words[1].value.startswith("-"):
            return pattern(c.words[1].value)
    return None


def _span_at(spans: list, starts: list, tc) -> int:
    """The index of the one of ``spans`` ([first, last, ...] lines, in order, not overlapping;
    ``starts``: their first lines) on whose lines the command ``tc`` is, -1 for none."""
    line = tc.command.snippet.pos(tc.command.words[0].start)[0]
    k = bisect.bisect_right(starts, line) - 1
    return k if k >= 0 and line <= spans[k][1] else -1


def _command_facts(ctx, out: dict) -> None:
    from .folders import document_cd
    from ..checks.build_commands.local import build_pushes, local_use, readers_name
    from ..commands import commands_for, retag_names
    from ..snippet import in_document

    tcs = commands_for(ctx)
    if not tcs:
        return
    local = local_use(ctx)
    bases = _bases(ctx.kind)
    moved = _workflow().moved_jobs(ctx) if ctx.kind == "workflow" else []  # jobs, in line order
    starts = [a for a, _b in moved]
    steps = _workflow().step_folders(ctx) if moved else []  # run: steps of a known folder, in line order
    step_starts = [a for a, _b, _f in steps]
    moves: dict = {}  # id(snippet) -> [(offset, folder: "file" or None)] of its cd/pushd (found once)
    moved_after = document_cd(ctx)
    for tc in tcs:
        # a latest through an overridable default (built, tagged or pushed: sig-storage's ``ifeq
        # ($(VERSION),)`` default under its docker tag and push) is the caller's tag
        defaulted = _defaulted_latest(ctx, tc) if tc.action in ("build", "tag", "push") and tc.images else None
        if defaulted:  # (a key with nothing is left out)
            out.setdefault("defaulted", []).extend(defaulted)
        if tc.action == "build" and not tc.no_image:
            # in a job whose steps may run outside the top: its paths link nothing
            here = bases + ["cd"] if tc.command.snippet.pos(tc.command.start)[0] > moved_after else bases
            if moved and _span_at(moved, starts, tc) >= 0:
                k = _span_at(steps, step_starts, tc) if steps else -1
                here = bases + ["cd"] if k < 0 else [f"in:{steps[k][2]}:github"] if steps[k][2] else bases
            out.setdefault("builds", []).append(_build_fact(ctx, tc, here, moves, local))
        elif tc.action == "bake":
            snip = tc.command.snippet
            files = [_value(f) for f in tc.all("-f", "--file") if f.value is not None]
            out.setdefault("bakes", []).append({
                "span": _span(snip.span(tc.command.words[0].start, tc.verb.end)),
                "files": [f for f in files if f] or list(BAKE_DEFAULTS),
                "bases": bases,
                "platforms": _platforms(ctx, tc) if tc.platforms else [],
                "push": build_pushes(tc),
            })
        elif tc.action == "tag" and len(tc.args) >= 2:
            src = pattern(tc.args[0].value)
            for w in tc.args[1:]:
                dst = pattern(strip_transport(w.value))
                if src and dst:
                    out.setdefault("aliases", []).append({"src": src, "dst": dst})
        elif tc.action in ("push", "manifest-push"):
            if tc.action == "push" and tc.tool in ("podman", "buildah") and len(tc.args) >= 2:
                src, dst = pattern(tc.args[0].value), pattern(strip_transport(tc.args[-1].value))
                if src and dst:
                    out.setdefault("aliases", []).append({"src": src, "dst": dst})
            for im in tc.images:  # (one a prerequisite built: that build's, not any of the name)
                p = pattern(strip_transport(im.value))
                if p and not (in_document(tc.command.snippet) and readers_name(im.value)):  # (the reader's
                    # registry, for a cluster not known here: envoy-gateway's `docker push $YOUR_DOCKER_REPO/...`)
                    out.setdefault("sent" if (im.span.line, im.span.col) in local.bound else "pushed", []).append(p)
            if tc.action == "push" and tc.args and tc.has("-a", "--all-tags"):
                p = pattern(strip_transport(tc.args[0].value).split("@", 1)[0] + ":*")
                if p:  # docker push --all-tags repo: every tag of it
                    out.setdefault("pushed", []).append(p)
            if tc.action == "manifest-push" and tc.args:
                p = pattern(strip_transport(tc.args[0].value))
                if p:
                    out.setdefault("pushed", []).append(p)
        elif tc.action == "retag":
            for name in retag_names(tc):
                out.setdefault("retags", []).append(pattern(name) or "*")
        elif tc.action == "local-load" and not in_document(tc.command.snippet):
            for a in tc.args:  # (kind load docker-image NAME: the local cluster's nodes hold NAME; a
                # document's is the reader's)
                p = pattern(a.value) if not a.value.startswith("-") else None
                if p and "*" not in p:
                    out.setdefault("loaded", []).append(p)
        elif tc.action in ("kube-run", "kube-create", "set-image"):
            for im in tc.images:
                p = pattern(im.value)
                if p:
                    out.setdefault("deploys", []).append({
                        "span": _span(im.span), "image": p, "arch": None, "from": None, "via": "kubectl"})


#: a command that writes, copies or generates a file named on its line
_WRITES = re.compile(r"\b(?:cp|mv|ln|install|tee|envsubst|sed|cat|m4|curl|wget|echo|printf|gomplate|jinja2?)\b|>")


#: the end of a script's path a command runs (``./operatorhub/tools/render-candidate-catalog.sh``);
#: its path is read back from there, over the characters of a path (``_PATH_CHARS``), 300 at most
_SCRIPT_END = re.compile(r"\.sh\b")
_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-")
MAX_SCRIPT = 256 << 10


def _dockerfile_shown(ctx, line: int, path: str) -> bool:
    """Whether a document shows the Dockerfile ``path`` to write above ``line``: a ```` ```dockerfile
    ```` or ```` ```containerfile ```` block whose info string or two lines above name the path
    (gitlab-runner's "1. Create `alpine-upgrade/Dockerfile`", its content, then ``docker build -f
    alpine-upgrade/Dockerfile alpine-upgrade``): the reader writes the file its build then reads.
    The blocks (64 at most) and the text naming them are found once."""
    def blocks():
        out = []
        for f in getattr(ctx.model, "fences", ()):
            if f.lang in ("dockerfile", "containerfile") and len(out) < 64:
                out.append((f.line, " ".join([f.info] + [ctx.source.line(n) for n in (f.line - 2, f.line - 1) if n > 0])))
        return out

    rel = path.removeprefix("./")
    return bool(rel) and any(at < line and rel in said for at, said in ctx.cached("facts.dockerfile_shown", blocks))


def _written(ctx, text: str, key: str, path: str, exact: bool = False) -> bool:
    """Whether ``text`` (a recipe, a script or run step, or a whole Makefile or workflow) writes
    the Dockerfile it builds from before building: a line that copies, writes or generates
    naming it, not as a build's ``-f`` (``cp Dockerfile.dev dist``, ``envsubst < t >
    build/Dockerfile``, ``curl ... -o images/okd-builder.Dockerfile``; ``docker build -f x . |
    tee log`` is none), a Make rule whose target it is, ``opm generate dockerfile catalog`` for
    ``catalog.Dockerfile``.  With ``exact``, only that path or its folder counts, not a file of
    its name elsewhere.  The names are gathered once per text (``key``), each line read once."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if not name or name in (".", ".."):
        return False
    if name.endswith(".Dockerfile") and (name in opm_outputs(text) or name in ctx.cached(
            key + ":scripts", lambda: _scripts_outputs(ctx, text))):
        return True
    written = ctx.cached(key, lambda: _names_written(text))
    if exact:  # the path itself, or its folder, written (cp -r tmpl/ gen)
        rel = path.removeprefix("./")
        return any(p + x in written for p in ("\0", "\1") for x in (rel, os.path.dirname(rel)) if x)
    return name in written or "\0" + path.removeprefix("./") in written


def _scripts_outputs(ctx, text: str) -> frozenset:
    """The Dockerfiles the scripts ``text`` runs by path generate with ``opm generate dockerfile``
    (tekton operator's catalog-build: ``./operatorhub/tools/render-candidate-catalog.sh``, then a
    build of the ``released.Dockerfile`` it writes).  A script is looked for from the file's
    folder and the repository's top, never outside it; eight at most, each an input of the
    file's facts."""
    import os

    from ..source import read_regular

    if ".sh" not in text:
        return frozenset()
    here = os.path.dirname(ctx.source.abspath or "")
    top = ctx.repository_root() or here
    out: set = set()
    paths: list = []
    for m in _SCRIPT_END.finditer(text):
        i = m.start()
        while i > 0 and m.start() - i < 300 and text[i - 1] in _PATH_CHARS:
            i -= 1
        if (i == 0 or text[i - 1] not in "$/") and text[i:m.end()] not in paths:
            paths.append(text[i:m.end()])
        if len(paths) >= 8:
            break
    inside = top.rstrip(os.sep) + os.sep
    for rel in paths:
        for d in dict.fromkeys((here, top)):
            path = os.path.normpath(os.path.join(d, rel))
            if not path.startswith(inside):
                continue  # (a URL's //host/x.sh, ../ out of the repository: no script of it)
            ctx.depends_on(path)
            try:
                data = read_regular(path, MAX_SCRIPT)[:MAX_SCRIPT]  # (a FIFO named so raises, never blocks)
            except OSError:
                continue
            out |= opm_outputs(data.decode("utf-8", "replace"))
            break
    return frozenset(out)


#: a word of a command line (quotes, redirections and separators split words)
_WORD = re.compile(r"[^\s'\"=<>|;&()]+")
#: a Make rule's target at the start of a line (``dist/Dockerfile: Dockerfile.in``)
_RULE_TARGET = re.compile(r"[ \t]*([^\s:=#]+)[ \t]*:(?!=)")


def written_words(line: str) -> list:
    """The words of a line that copies, writes or generates files (``_WRITES``), but a build's
    own ``-f`` Dockerfile: the paths it may write, as written."""
    if not _WRITES.search(line):
        return []
    words = _WORD.findall(line)
    return [w for i, w in enumerate(words) if not (i and words[i - 1] in ("-f", "--file"))]


def _names_written(text: str) -> frozenset:
    """The names of the files a line of ``text`` writes, their paths as written ("\\1" before
    it), and ("\\0" before it) the path of each Make rule's target."""
    out = set()
    for line in text.split("\n"):
        m = _RULE_TARGET.match(line)
        if m:
            out.add("\0" + m.group(1).removeprefix("./"))
        for w in written_words(line):
            w = w.rstrip("/").removeprefix("./")
            out.update((w.rsplit("/", 1)[-1], "\1" + w))
    return frozenset(out)


#: the files ``docker buildx bake`` reads when given none (compose files and Bake files)
BAKE_DEFAULTS = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "docker-bake.json",
                 "docker-bake.hcl", "docker-bake.override.json", "docker-bake.override.hcl")


def _workflow():
    from . import workflow_facts

    return workflow_facts


# ---- Kubernetes -----------------------------------------------------------------------------------

_ARCH_LABELS = ("kubernetes.io/arch", "beta.kubernetes.io/arch")


def pod_arch(spec) -> tuple[list | None, str | None]:
    """(architectures a pod spec may run on, what says so), or (None, None) when it does not
    constrain them (or says it in a way not read: ``NotIn``, a template)."""
    from ..parsers.yamldoc import is_map, is_scalar, items, pairs, path, scalar, text, value

    for k, v in pairs(value(spec, "nodeSelector")):
        if k.value in _ARCH_LABELS and is_scalar(v):
            a = (scalar(v) or "").strip()
            return ([a], "nodeSelector") if a and "{" not in a and "$" not in a else (None, None)
    terms = items(path(value(spec, "affinity"), "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                       "nodeSelectorTerms"))
    arches: list = []
    for term in terms:  # terms are ORed: the union; a term without an arch expression allows any
        found = False
        for e in items(value(term, "matchExpressions")) if is_map(term) else ():
            if not is_map(e) or text(e, "key") not in _ARCH_LABELS:
                continue
            if (text(e, "operator") or "") != "In":
                return None, None
            found = True
            for v in items(value(e, "values")):
                a = (scalar(v) or "").strip() if is_scalar(v) else ""
                if not a or "{" in a or "$" in a:
                    return None, None
                if a not in arches:
                    arches.append(a)
        if not found:
            return None, None
    return (arches, "node affinity") if arches else (None, None)


def _kubernetes_facts(ctx, out: dict) -> None:
    from ..checks.kubernetes.workloads import CONTAINER_FIELDS, containers, is_placeholder, pod_specs
    from ..parsers.yamldoc import is_map, is_scalar, items, scalar, text, value

    model = ctx.model
    arch_of: dict = {}
    index_of: dict = {}  # a pod spec's container -> "containers.0", as a replacements: field path names it
    for _obj, spec in pod_specs(ctx):
        a = pod_arch(spec)
        for field in CONTAINER_FIELDS:
            for i, c in enumerate(items(value(spec, field))):
                if is_map(c):
                    arch_of[id(c)] = a
                    index_of.setdefault(id(c), f"{field}.{i}")
    for c in containers(ctx):
        node = c.image
        if not is_scalar(node):
            continue
        # the container's slot, for a Kustomize patch that replaces its image (project/patches.py)
        obj_name, name = text(value(c.obj.node, "metadata"), "name"), text(c.node, "name")
        if c.obj.kind and obj_name and name:
            out.setdefault("slots", []).append({"span": _span(model.content_span(node)),
                                                "slot": f"{c.obj.kind}/{obj_name.strip()}/{name.strip()}"})
        if c.obj.kind and obj_name and id(c.node) in index_of:  # (by position: "#containers.0")
            out.setdefault("slots", []).append({"span": _span(model.content_span(node)),
                                                "slot": f"{c.obj.kind}/{obj_name.strip()}/#{index_of[id(c.node)]}"})
        raw = (scalar(node) or "").strip()
        img = pattern(raw)
        if not img or ("*" not in img and is_placeholder(img)):
            continue
        arch, src = arch_of.get(id(c.node), (None, None))
        if is_scalar(c.policy) and (scalar(c.policy) or "").strip() in ("IfNotPresent", "Never"):
            # a node that holds the image runs it (``kind load``: patches.kind_loaded)
            out.setdefault("present", []).append(str(model.content_span(node)[0]))
            if (scalar(c.policy) or "").strip() == "Never":  # (never pulled: put on the node: patches.never)
                out.setdefault("never", []).append(str(model.content_span(node)[0]))
        out.setdefault("deploys", []).append({
            "span": _span(model.content_span(node)), "image": img, "arch": arch, "from": src,
            "via": c.obj.kind or "Kubernetes"})
    for root in model.documents if "components" in ctx.source.text else ():
        spec = value(root, "spec") if is_map(root) and (text(root, "kind") or "").strip() == "Kustomization" \
            and "fluxcd" in (text(root, "apiVersion") or "") else None
        if is_map(spec) and value(spec, "components") is not None:
            out["flux_components"] = True  # (Flux's Kustomization applies components: patches.unused_component)
    if len(_IMAGE_LINE.findall(ctx.source.text)) > len(out.get("deploys", ())):
        # an image: key read as no deployment (a custom resource's podSpec, a placeholder):
        # what a Kustomization's images: entry may change here is not all known
        out["unread"] = True
    if "skaffold/" in ctx.source.text:
        from .skaffold import skaffold_facts

        skaffold_facts(ctx, out)
    _test_suite_facts(ctx, out)


def _test_suite_facts(ctx, out: dict) -> None:
    """The files a Gatekeeper ``Suite`` (what ``gator verify`` runs) names as its templates,
    constraints and cases' objects, relative to its folder (``test_inputs``): a policy's test
    input, old APIs on purpose (gatekeeper-library's ``samples/verify-1.25/example_disallowed.yaml``).
    At most 1,024."""
    from ..parsers.yamldoc import is_map, items, text, value

    if "test.gatekeeper.sh" not in ctx.source.text:
        return
    got = out.setdefault("test_inputs", [])
    for root in ctx.model.documents:
        if not is_map(root) or text(root, "kind") != "Suite" or not (text(root, "apiVersion") or "").startswith(
                "test.gatekeeper.sh/"):
            continue
        for t in items(value(root, "tests")):
            names = [text(t, "template"), text(t, "constraint")] if is_map(t) else []
            names += [text(c, "object") for c in items(value(t, "cases")) if is_map(c)] if is_map(t) else []
            got.extend(n.strip() for n in names if n and "$" not in n and len(got) < 1024)


_IMAGE_LINE = re.compile(r"(?m)^[ \t]*(?:-[ \t]+)?[\"']?image[\"']?[ \t]*:[ \t]*[^\s#]")


#: a YAML anchor on a scalar value: ``karmadaImageVersion: &karmadaImageVersion latest``
def _helm_values_facts(ctx, out: dict) -> None:
    """A chart's values ``image:`` (``repository``/``tag``, ``registry``, a string) is what its
    templates deploy; the nodes are the ``nodeSelector``/``affinity`` beside it, else the top
    level's.  A missing tag is the chart's appVersion: unknown (``*``).  Only for a chart with no
    ``templates/`` folder: templates are rendered, and what they render is the deployment."""
    from ..parsers.yamldoc import is_map, is_scalar, scalar, text, value, walk_mappings

    found = value_marks(ctx.source.text)  # (anchors and marker comments a release sed may rewrite)
    if found:
        out["anchors"] = found
    folder = os.path.join(os.path.dirname(os.path.abspath(ctx.source.abspath)), "templates")
    ctx.source.inputs.append(folder)
    if os.path.isdir(folder):
        return
    model = ctx.model
    for doc in model.documents:
        if not is_map(doc):
            continue
        top = pod_arch(doc)
        for m in walk_mappings(doc):
            v = value(m, "image")
            if is_map(v):
                ref = values_repository(text(v, "repository"), text(v, "name"), text(v, "registry"))
                if not ref:
                    continue
                tag, digest = (text(v, "tag") or "").strip(), (text(v, "digest") or "").strip()
                ref += f":{tag}" if tag else ("" if digest else ":*")
                ref += f"@{digest}" if digest else ""
                node = value(v, "tag") or value(v, "repository") or value(v, "name")
            elif is_scalar(v) and ":" in (scalar(v) or "").rsplit("/", 1)[-1]:
                ref, node = (scalar(v) or "").strip(), v
            else:
                continue
            img = pattern(ref)
            if not img or img == "*":
                continue
            arch, src = pod_arch(m)
            if arch is None:
                arch, src = top
            out.setdefault("deploys", []).append({
                "span": _span(model.content_span(node)), "image": img, "arch": arch, "from": src, "via": "Helm values"})


# ---- compose ----------------------------------------------------------------------------------------


#: ``${VAR}``, ``${VAR:-default}`` / ``${VAR-default}`` (and ``?`` forms), ``$VAR``; ``$$`` is a dollar
_COMPOSE_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")
MAX_ENV_FILE = 256 << 10


def _dotenv(ctx) -> dict:
    """The variables of the ``.env`` file beside a compose file, which compose interpolates
    when the environment does not set them (read as the value, as a Make ``?=`` default is);
    recorded as an input, so the cached facts follow it."""
    import os

    from ..source import read_regular

    path = os.path.join(os.path.dirname(ctx.source.abspath or ""), ".env")
    ctx.depends_on(path)
    try:
        data = read_regular(path, MAX_ENV_FILE)  # (a FIFO named .env raises, never blocks)
    except OSError:
        return {}
    if len(data) > MAX_ENV_FILE:
        return {}
    env = {}
    for line in data.decode("utf-8", "replace").splitlines():
        m = _ENV_LINE.match(line)
        if not m or line.lstrip().startswith("#"):
            continue
        v = m.group(2)
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
            v = v[1:-1]
        elif " #" in v:
            v = v.split(" #", 1)[0].rstrip()
        env[m.group(1)] = v
    return env


def _compose_value(value: str | None, env: dict) -> str | None:
    """``value`` as compose interpolates it with ``env`` (the ``.env`` file); what no variable
    sets stays as written (``pattern`` makes it ``*``), a default is used as compose would."""
    if value is None:
        return None

    def sub(m):
        if m.group(0) == "$$":
            return "$"
        name = m.group(1) or m.group(4)
        op, default = m.group(2), m.group(3)
        val = env.get(name)
        if op in (":-", ":?") and not val or op in ("-", "?") and val is None:
            return default if op in (":-", "-") and default is not None else m.group(0)
        if op in (":+", "+"):
            return m.group(0)
        return val if val is not None else m.group(0)

    return _COMPOSE_VAR.sub(sub, value)


def _compose_facts(ctx, out: dict) -> None:
    from ..checks.compose.rules import _services, _stays_local
    from ..tooling import tooling_file
    from ..parsers.yamldoc import is_map, is_scalar, items, named_values, scalar, text, value

    model = ctx.model
    tooling = tooling_file(ctx)
    env = _dotenv(ctx)
    for svc in _services(ctx):
        hit = svc.lookup("image")
        image = None
        if hit is not None and is_scalar(hit[1]):
            image = pattern(_compose_value((scalar(hit[1]) or "").strip(), env))
        ph = svc.lookup("platform")
        platform = (scalar(ph[1]) or "").strip() if ph is not None and is_scalar(ph[1]) else None
        own = canonical([platform]) if platform else None  # [canonical] or None
        b = svc.lookup("build")
        if b is not None:
            node = b[1]
            context, dockerfile, stage, plats, tags, args, named = ".", None, None, [], [], {}, []
            if is_scalar(node):
                context = pattern(_compose_value(scalar(node) or ".", env)) or "*"
            elif is_map(node):
                context = pattern(_compose_value(text(node, "context") or ".", env)) or "*"
                df = text(node, "dockerfile")
                dockerfile = pattern(_compose_value(df, env)) if df else None
                stage = text(node, "target")
                plats = canonical((scalar(it) or "") if is_scalar(it) else "" for it in items(value(node, "platforms")))
                for it in items(value(node, "tags")):
                    t = pattern(_compose_value(scalar(it) or "", env)) if is_scalar(it) else None
                    if t:
                        tags.append(t)
                args = dict(named_values(value(node, "args")))  # named contexts: a FROM of that name reads one
                named = sorted(k for k, _v in named_values(value(node, "additional_contexts")))
            plats = own if plats == [] and platform else plats
            nocase, context, dockerfile = windows_paths(context, dockerfile)  # (`context: .\\image`)
            if dockerfile is not None and not dockerfile.startswith("/"):
                # compose reads it in the context; in a context not known here (wger's
                # ``${WGER_CODEPATH:?...}``, another repository's checkout), where is not known
                dockerfile = context.rstrip("/") + "/" + dockerfile
            out.setdefault("builds", []).append({
                "span": _span(model.content_span(svc.key)),
                "tool": "compose build",
                "file": dockerfile,
                "context": context,
                # its folder, or one above it: a file given after another's `-f` reads its paths
                # from the first one's folder (authelia's suites: `-f internal/suites/compose.yml
                # -f internal/suites/example/compose/authelia/compose.backend.dev.yml`)
                "bases": ["up", "nocase"] if nocase else ["up"],
                "platforms": plats,
                "host": None,
                "tags": ([image] if image else []) + tags,
                "push": False,
                "local": tooling or _stays_local(svc),
                "stage": stage,
                "args": sorted(args),
                "dynamic_args": sorted(k for k, v in args.items() if v is None or "$" in v),
                "contexts": named,
            })
        elif image and hit is not None:
            out.setdefault("deploys", []).append({
                "span": _span(model.content_span(hit[1])), "image": image,
                "arch": [own[0].split("/")[1]] if own else None, "from": "platform:" if own else None,
                "via": "compose"})


# ---- dispatch --------------------------------------------------------------------------------------

_COMMAND_KINDS = frozenset(("shell", "makefile", "markdown", "workflow"))


def extract(ctx) -> dict | None:
    """The facts of the file in ``ctx`` (None when it has none)."""
    out: dict = {}
    kind = ctx.kind
    if kind in _COMMAND_KINDS:
        _command_facts(ctx, out)
        release_rewrites(ctx.source.text, out, ordered=kind in ("shell", "markdown"))
        if "clone" in ctx.source.text:
            from .folders import cloned_folders

            cloned = cloned_folders(ctx.source.text)
            if cloned:
                out["cloned"] = cloned
        from ..commands import commands_for
        from .make_callers import latest_knobs, make_calls, make_named, make_sets

        if kind != "workflow":
            make_calls(ctx, out, _bases(kind))
        make_sets(ctx, out)
        make_named(ctx, out)
        if kind == "makefile":
            latest_knobs(ctx, commands_for(ctx), out)
    if kind == "workflow":
        _workflow().workflow_facts(ctx, out)
        _workflow().release_only(ctx.model, out)
    elif kind == "kubernetes":
        from .kustomize_facts import gitops_paths, image_tag_transformers

        _kubernetes_facts(ctx, out)
        image_tag_transformers(ctx, out)
        gitops_paths(ctx, out)
    elif kind == "compose":
        _compose_facts(ctx, out)
    elif kind == "kustomization":
        from .kustomize_facts import kustomization_facts

        kustomization_facts(ctx, out)
    elif kind == "helm-values":
        _helm_values_facts(ctx, out)
    elif kind in ("dockerfile", "bake"):
        from .dockerfile_facts import bake_facts, dockerfile_facts
        from .make_callers import make_named

        (dockerfile_facts if kind == "dockerfile" else bake_facts)(ctx, out)
        make_named(ctx, out)  # (RUN make -f Makefile.docker)
    elif kind == "goreleaser":
        from .goreleaser import goreleaser_facts

        goreleaser_facts(ctx, out)
    elif kind == "tiltfile":
        from .tilt import tilt_facts

        tilt_facts(ctx, out)
    elif kind == "ha-addon":
        from .ha_addon import addon_facts

        addon_facts(ctx, out)
    return out or None
