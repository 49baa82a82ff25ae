"""What a GitHub Actions workflow tells the project model: the CPU of each job's runner, the
images its jobs run (``container:``, ``services:``), and its ``docker/build-push-action`` builds,
one per matrix row where the inputs name matrix values, with paths read in the job's checkout.
Commands of ``run:`` steps are read with every other file's commands (``facts._command_facts``)."""
from __future__ import annotations

import re

from .facts import _span, canonical, pattern

# ---- GitHub workflows ---------------------------------------------------------------------------


def moved_jobs(ctx) -> list:
    """[first line, last line] of each job of a workflow whose steps may run outside the
    repository's top: a ``working-directory`` in it (in the workflow's ``defaults:``, every
    job), a checkout of the repository into a sub-folder (``actions/checkout`` with
    ``path:``, flow style too, as ``_checkout_folder`` reads it; an uploaded artifact's ``path:`` moves nothing:
    vcluster's ``path: test-reports/report.json``), or only another repository's checkout.  Another
    job's builds link their paths
    (harbor's base image job, beside a job checking out into ``src/github.com/goharbor/harbor``)."""
    from ..parsers.yamldoc import is_map, pairs, path, value

    text = ctx.source.text
    if "working-directory" not in text and ("actions/checkout" not in text or _CHECKOUT_PATH.search(text) is None
                                            and "repository" not in text):
        return []
    lines = text.split("\n")
    out = []
    for root in ctx.model.documents:
        everywhere = path(root, "defaults", "run", "working-directory") is not None
        for _k, job in pairs(value(root, "jobs")):
            if not is_map(job):
                continue
            sp = ctx.model.content_span(job)
            if everywhere or _checkout_folder(job) != "" or any(
                    "working-directory" in ln for ln in lines[sp[0] - 1:sp[2]]):
                out.append([sp[0], sp[2]])
    return out


def step_folders(ctx) -> list:
    """[first line, last line, folder] of each ``run:`` step of a workflow whose folder, relative
    to the repository's top, is known: its literal ``working-directory`` (the step's, else its
    job's or the workflow's ``defaults.run``) in a job checking the repository out at a known
    folder (pipelines' ``working-directory: ./test/frontend-integration-test`` before ``docker
    build ... .``: that folder's Dockerfile).  A step of a moved job not listed runs in a folder
    not known here."""
    from ..parsers.yamldoc import is_map, items, pairs, path, text, value

    out = []
    for root in ctx.model.documents:
        top = path(root, "defaults", "run")
        for _k, job in pairs(value(root, "jobs")):
            if not is_map(job):
                continue
            checkout = _checkout_folder(job)
            if checkout is None:
                continue
            default = text(path(job, "defaults", "run"), "working-directory") if is_map(path(job, "defaults", "run")) \
                else None
            default = default if default is not None else text(top, "working-directory") if is_map(top) else None
            for step in items(value(job, "steps")):
                if not is_map(step) or value(step, "run") is None:
                    continue
                wd = text(step, "working-directory")
                folder = _repository_folder(default if wd is None else wd, checkout)
                if folder is not None:
                    sp = ctx.model.content_span(step)
                    out.append([sp[0], sp[2], folder])
    return out


def _repository_folder(wd: str | None, checkout: str) -> str | None:
    """The folder of the repository checked out at ``checkout`` (relative to the workspace) that
    a step's ``working-directory`` ``wd`` names ("" for its top); None when not known (an
    expression, an absolute path, ``..``, or outside the checkout)."""
    w = "." if wd is None else wd.strip()
    if not w or "$" in w or w.startswith(("/", "~")) or ".." in w.split("/"):
        return None
    w = w.removeprefix("./").strip("/")
    w = "" if w == "." else w
    if checkout:
        if w != checkout and not w.startswith(checkout + "/"):
            return None
        w = w[len(checkout):].strip("/")
    return w


_CHECKOUT_PATH = re.compile(r"(?:^|[{,])\s*path\s*:", re.M)  # block or flow style (with: {path: src})


def _checkout_folder(job) -> str | None:
    """Where a workflow job checks its own repository out, relative to the workspace that an
    action's inputs are relative to: "" for the top (or no checkout: a git context), the folder
    of its one checkout with a literal ``path:`` (loki's ``release``), None when not known (a
    job that checks out only another repository: its workspace is that one's, kubernetes-ingress'
    build of ``opentracing-contrib/nginx-opentracing``'s ``./Dockerfile``)."""
    from ..parsers.yamldoc import is_map, items, text, value

    own, other = [], False
    for step in items(value(job, "steps")):
        uses = text(step, "uses") if is_map(step) else None
        if not uses or not uses.strip().startswith("actions/checkout@"):
            continue
        w = value(step, "with")
        repo = (text(w, "repository") or "").strip() if is_map(w) else ""
        if "$" in repo and repo != "${{ github.repository }}":
            return None  # a repository an expression names (loki's ${{ env.RELEASE_REPO }}): maybe this one
        if repo and repo != "${{ github.repository }}":
            other = True
            continue  # another repository's checkout
        own.append(((text(w, "path") or "") if is_map(w) else "").strip())
    if not own:
        return None if other else ""
    if len(own) > 1 or "$" in own[0] or ".." in own[0].split("/"):
        return None
    return own[0].strip("/").removeprefix("./").strip("/")


def _in_checkout(path: str | None, folder: str | None) -> str | None:
    """An action input's path (relative to the workspace) as a path of the repository checked
    out in ``folder``: ``release/cmd/loki/Dockerfile`` in ``release`` is ``cmd/loki/Dockerfile``."""
    if not folder or path is None:
        return path
    p = path.strip().removeprefix("./")
    if p.rstrip("/") == folder:
        return "."
    return p[len(folder) + 1:] if p.startswith(folder + "/") else path


_BUILD_PUSH = re.compile(r"^docker/build-push-action@", re.I)

def _words(v: str) -> list:
    """The items of an action input's list: comma- or newline-separated (the one comma splitter)."""
    from ..platforms import split_list

    return [w for line in v.split("\n") for w, _ in split_list(line)]


#: Home Assistant's add-on builder: its action (``home-assistant/builder@``, ``.../actions/build-image``), its
#: image run or used (``ghcr.io/home-assistant/amd64-builder``, ``docker://...``), the community add-ons'
#: reusable workflows (``hassio-addons/workflows/.github/workflows/addon-deploy.yaml``)
_ADDON_BUILDER = re.compile(r"home-?assistant/(?:builder\b|[a-z0-9]{1,16}-builder\b)|hassio-addons/workflows/")


def _runs_addon_builder(job, uses_job: str) -> bool:
    """Whether a job calls the add-on builder (``_ADDON_BUILDER``): as its reusable workflow, a
    step's action, or an image a step's script runs."""
    from ..parsers.yamldoc import is_map, items, text, value

    return bool(_ADDON_BUILDER.search(uses_job)) or any(is_map(st) and _ADDON_BUILDER.search(
        (text(st, "uses") or "") + "\n" + (text(st, "run") or "")) is not None for st in items(value(job, "steps")))

#: ``${{ env.NAME }}`` in an action's input
_ENV_REF = re.compile(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _env(model, mapping, base: dict) -> dict:
    """``base`` with the ``env:`` of ``mapping`` (a workflow, a job, a step) laid over it
    (``workflow_steps.env_of``), names in lower case (contexts ignore case): each literal value,
    None for one an expression gives (``${{ secrets.X }}``: unknown)."""
    from ..parsers.workflow_steps import env_of

    got: dict = {}
    env_of(model, mapping, got, {})
    out = dict(base)
    for k, s in got.items():
        out[str(k).lower()] = s if s and "${{" not in s else None
    return out


def _env_writes(step) -> set | None:
    """The names (in lower case) a ``run:`` step sets for the later steps through
    ``$GITHUB_ENV`` (``workflow_steps.github_env_names``), whose values are not known from the
    file; None when a line writes there without naming them (``cat vars >> $GITHUB_ENV``)."""
    from ..parsers.workflow_steps import github_env_names
    from ..parsers.yamldoc import is_map, text

    return github_env_names((text(step, "run") or "") if is_map(step) else "", set())


#: a run line at the script's top level writing one variable for the later steps, its value a
#: literal or a lone reference (``echo "DOCKERFILE=${dockerfile}" >> $GITHUB_ENV``)
_ENV_LINE = re.compile(r"""echo\s+(["']?)([A-Za-z_][A-Za-z0-9_]*)=([^"'\s$`\\]*|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?)\1"""
                       r"""\s*>>\s*"?\$\{?GITHUB_ENV\}?"?\s*$""")
#: the words that open and close a compound command at a line's start (its depth)
_OPENS = frozenset(("if", "case", "for", "while", "until", "select"))
_CLOSES = frozenset(("fi", "esac", "done"))
_MAX_CHOICES = 16


_LITERAL_VALUE = re.compile(r"""("[^"$`\\]*"|'[^']*'|[^\s;&|$`"'\\()]*)(?=[\s;&|)]|$)""")
_READ = re.compile(r"\bread\b")
#: what ends a command on a line, and what may stand before an assignment at a command's start
_SEPARATORS = re.compile(r";|&&|\|\||\||\(|\bthen\b|\bdo\b|\belse\b")
_COMMAND_START = re.compile(r"\s*(?:(?:export|local|readonly|declare(?:\s+-\w+)?)\s+)?(?:\w+=\S*\s+)*")


def _literal_values(script: str, var: str) -> tuple | None:
    """The literal values every assignment of ``var`` in ``script`` gives it (tgi's ``export
    dockerfile="Dockerfile_amd"`` in each arm of a ``case`` on the hardware), in order; None when
    one is not a literal (an expansion, a command's output, ``+=``, an array), the variable is a
    ``for`` loop's or is read on a line with ``read``, or none is found.  Passes over the text
    whose number does not grow with it."""
    name = re.escape(var)
    out: list = []
    for k, m in enumerate(re.finditer(r"(?<![\w$-])%s(=|\+=|\[)" % name, script)):
        if k >= 64:
            return None  # (a bounded number of assignments looked at, each back to its line's start)
        line = script[script.rfind("\n", 0, m.start()) + 1:m.start()]
        if _COMMAND_START.fullmatch(_SEPARATORS.split(line)[-1]) is None:
            continue  # an argument of a command (``hadolint --dockerfile=...``, ``make DOCKERFILE=x``)
        v = _LITERAL_VALUE.match(script, m.end()) if m.group(1) == "=" else None
        if v is None:
            return None
        v = v.group(1)[1:-1] if v.group(1)[:1] in "\"'" else v.group(1)
        if v not in out:
            out.append(v)
            if len(out) > _MAX_CHOICES:
                return None
    if not out or re.search(r"\bfor\s+%s\b" % name, script):
        return None
    word = re.compile(r"(?<![\w$])%s\b" % name)
    if any(_READ.search(line) and word.search(line) for line in script.split("\n")):
        return None
    return tuple(out)


def _env_values(step) -> dict:
    """The values (lower-case name -> the tuple of values it may have, None: unknown) a ``run:``
    step writes to ``$GITHUB_ENV`` for the later steps, read only where sure: a step with no
    ``if:``, a line at the script's top level (not inside an ``if``, a ``case`` or a loop, not
    after ``&&``), writing a literal or a variable the script sets to literals alone (each a
    value it may have)."""
    from ..parsers.workflow_steps import GITHUB_ENV_NAME
    from ..parsers.yamldoc import is_map, text, value

    out: dict = {}
    if not is_map(step):
        return out
    script = text(step, "run") or ""
    depth, sure = 0, value(step, "if") is None
    looked: dict = {}
    offset = 0  # of the line read: only the assignments before the write give its value
    for line in script.split("\n"):
        head = line.strip().split(None, 1)[0].rstrip(";") if line.strip() else ""
        if "GITHUB_ENV" in line:
            m = _ENV_LINE.fullmatch(line.strip())
            vals = None
            if m and sure and depth == 0 and line[:1] not in " \t":
                if m.group(4) is None:
                    vals = (m.group(3),)
                elif m.group(1) != "'" and (m.group(4) in looked or len(looked) < _MAX_CHOICES):
                    if m.group(4) not in looked:  # (a bounded number of passes; in '...' no expansion)
                        looked[m.group(4)] = _literal_values(script[:offset], m.group(4))
                    vals = looked[m.group(4)]
            for n in GITHUB_ENV_NAME.findall(line):
                out[n.lower()] = vals
        depth = max(0, depth + (head in _OPENS) - (head in _CLOSES))
        offset += len(line) + 1
    return out


def _choices(w, known: dict) -> list:
    """The env overlays a build step's inputs are read under: one per value of each variable a
    ``run:`` step before it wrote with several known values and the ``file:`` or ``context:``
    input names (tgi's ``file: ${{ env.DOCKERFILE }}``: each hardware's Dockerfile is built), at
    most ``_MAX_CHOICES``; ``[{}]`` when there is none."""
    from ..parsers.yamldoc import text

    rows: list = [{}]
    names = {m.group(1).lower() for key in ("file", "context")
             for m in _ENV_REF.finditer((text(w, key) or "") if w is not None else "")}
    for n in sorted(names):
        vals = known.get(n)
        if vals and len(vals) > 1 and len(rows) * len(vals) <= _MAX_CHOICES:
            rows = [{**r, n: v} for r in rows for v in vals]
    return rows


def _step_env(model, step, job_env: dict, written: set | None, known: dict) -> dict:
    """The literal env context of a step: its job's and its own ``env:``, less what the steps
    before it wrote to ``$GITHUB_ENV`` (``written``; None: anything), where that is a value
    known and one (``known``: ``_env_values``) the value written."""
    if written is None:
        return {}
    env = {k: v for k, v in _env(model, step, job_env).items() if k not in written}
    env.update({k: v[0] for k, v in known.items() if v and len(v) == 1 and k in written})
    return env


def _with_env(s: str | None, env: dict) -> str | None:
    """``s`` with its ``${{ env.NAME }}`` references replaced by the literal values the step's env
    context holds (opentelemetry-operator's ``platforms: ${{ env.PLATFORMS }}`` with the
    workflow's ``PLATFORMS: linux/amd64,linux/arm64``); one it lacks stays an unknown."""
    if not s or "env." not in s:
        return s
    return _ENV_REF.sub(lambda m: env.get(m.group(1).lower()) or m.group(0), s)


def workflow_facts(ctx, out: dict) -> None:
    from ..parsers.workflow_matrix import matrix_rows, with_row
    from ..parsers.workflow_steps import job_runner
    from ..parsers.yamldoc import is_map, is_scalar, is_seq, items, pairs, scalar, text, value

    model = ctx.model
    env: dict = {}  # the env context of the step read: workflow's, job's and step's env:

    def resolve(s: str | None, row) -> str | None:
        return with_row(_with_env(s, env), row)

    def strings(node, row) -> list | None:
        if is_seq(node):
            vals = []
            for it in node.value:
                if not is_scalar(it):
                    return None
                vals.extend(_words(resolve(scalar(it), row) or ""))
            return vals
        if is_scalar(node):
            return _words(resolve(scalar(node), row) or "")
        return None

    top = ctx.source.path.replace("\\", "/")
    top = top[:top.index(".github/")] if ".github/" in top else None  # the repository's top, as displayed
    for root in model.documents:
        wf_env = _env(model, root, {})
        callee = _called_only(root)
        for k, job in pairs(value(root, "jobs")):
            if not is_map(job):
                continue
            job_env = _env(model, job, wf_env)
            chosen, host = job_runner(job)  # runs-on: ${{ matrix.os }}: each run builds natively
            arch = [host.split("/")[1]] if host else None
            _container_deploys(model, job, arch, out)
            rows = None
            folder = _checkout_folder(job)
            uses_job = (text(job, "uses") or "").strip()
            if _runs_addon_builder(job, uses_job):
                out["addon_builder"] = True  # builds the Home Assistant add-ons its inputs name (ha_addon.py)
            if uses_job.startswith("./"):  # a reusable workflow here, given a Dockerfile
                env = job_env
                _reusable_call(ctx, job, uses_job, top, resolve, matrix_rows(job) or [None], out)
            before: set | None = set()  # the names the steps so far wrote to $GITHUB_ENV (None: any)
            # a builder of its own (docker-container driver): a result not pushed, loaded nor
            # exported stays in its cache (without it, Docker's store may keep it)
            buildx = any(is_map(st) and (text(st, "uses") or "").strip().startswith("docker/setup-buildx-action")
                         for st in items(value(job, "steps")))
            known, meta, prior = {}, {}, set()  # values known; metadata-action id -> images; paths written
            for step in items(value(job, "steps")):
                written, wrote = before, _env_writes(step)
                before = None if written is None or wrote is None else written | wrote
                now, known = known, {**known, **(_env_values(step) if wrote else {})}
                uses = text(step, "uses") if is_map(step) else None
                if not uses:
                    prior.update(_written_paths((text(step, "run") or "") if is_map(step) else ""))
                    continue
                w = value(step, "with") if is_map(value(step, "with")) else None
                env = _step_env(model, step, job_env, written, now)
                if rows is None:
                    rows = matrix_rows(job) or [None]
                if _METADATA.match(uses.strip()) and w is not None and text(step, "id"):
                    meta[text(step, "id").strip()] = _meta_images(text(w, "images"), lambda s_: resolve(s_, None))
                    continue
                if not _BUILD_PUSH.match(uses.strip()):
                    if w is not None and uses.strip().startswith("./"):  # an action of the repository, given a Dockerfile
                        _delegated(step, model.content_span(value(step, "uses")), "action", folder, resolve, rows, out)
                    continue
                # a step whose inputs name matrix values: one build per row (component images)
                per_row = w is not None and any("matrix." in (scalar(v) or "") for _k, v in pairs(w)
                                                if is_scalar(v))
                seen: dict = {}
                step_env = env
                # a file or context a step before wrote with several known values: one build each
                for overlay in _choices(w, {k: v for k, v in now.items() if written and k in written}):
                    env = {**step_env, **overlay}
                    for row in rows if per_row else [None]:
                        b = _action_build(w, row, strings, lambda w_, key: resolve(text(w_, key), row), folder, buildx,
                                          meta)
                        key = repr(sorted((k, v) for k, v in b.items() if k != "platforms"))
                        if key in seen:
                            # rows that differ only in platform: pushed by digest, each is one
                            # platform of an image a later job merges (loki's release images);
                            # pushed under one name, one after another, what it holds is not known
                            first = seen[key]
                            if first["platforms"] != b["platforms"]:
                                both = None if first["platforms"] is None or b["platforms"] is None \
                                    else first["platforms"] + [p for p in b["platforms"] if p not in first["platforms"]]
                                first["platforms"] = both if b["by_digest"] else None
                            continue
                        seen[key] = b
                        # an action's paths are the workspace's: a working-directory does not
                        # move them, a checkout into a folder does (read above when known)
                        b.update({"span": _span(model.content_span(value(step, "uses"))),
                                  "tool": "docker/build-push-action",
                                  "bases": (["github", "cd"] if folder is None else ["github"]) + _made(b, prior),
                                  "host": host})
                        out.setdefault("builds", []).append(b)
                        if callee and any("inputs." in (text(w, key) or "") for key in ("file", "context")):
                            out.setdefault("callee", []).append(str(b["span"][0]))  # its callers' Dockerfile
                for b in seen.values():
                    del b["by_digest"]
                    if chosen and b["platforms"] == []:
                        b["platforms"] = None  # the runner picked per run decides: unknown here


def release_only(model, out: dict) -> None:
    """``tag_release`` for a workflow whose every document runs only for a release: a latest
    its builds push is the release's moving alias where another such workflow pushes a version
    (``refine.bc006``)."""
    if model.documents and all(_tag_release(root) for root in model.documents):
        out["tag_release"] = True


def _tag_release(root) -> bool:
    """Whether a workflow runs only for a release: on the push of tags (no branches) or on a
    GitHub release (answer's ``build-image-for-latest-release.yml``, ``push: tags: [v2.*]``)."""
    from ..parsers.yamldoc import is_map, pairs, scalar, value

    on = value(root, "on")
    if scalar(on) == "release":
        return True
    if not is_map(on) or not pairs(on):
        return False
    for k, v in pairs(on):
        name = scalar(k)
        if name == "push" and is_map(v) and value(v, "tags") is not None \
                and value(v, "branches") is None and value(v, "branches-ignore") is None:
            continue
        if name != "release":
            return False
    return True


def _called_only(root) -> bool:
    """Whether a workflow runs only when another calls it (``on: workflow_call`` and no other
    trigger: a ``workflow_dispatch``'s inputs are a person's, and on a ``push`` they are empty)."""
    from ..parsers.yamldoc import is_map, is_scalar, items, pairs, scalar, value

    on = value(root, "on")
    names = {scalar(on)} if is_scalar(on) else {scalar(n) for n in items(on) if is_scalar(n)} if not is_map(on) \
        else {scalar(k) for k, _v in pairs(on) if is_scalar(k)}
    return names == {"workflow_call"}


#: the inputs of an action or a reusable workflow that name the Dockerfile it builds, its
#: context and its platforms (katib's ``dockerfile:`` and ``platforms:``, pipelines' ``docker_file:``)
_FILE_INPUT = re.compile(r"(?:docker|container)[-_]?file(?:[-_]?path)?", re.I)
_CONTEXT_INPUT = re.compile(r"(?:image[-_]|build[-_]|docker[-_])?context", re.I)
_PLATFORMS_INPUT = re.compile(r"(?:docker[-_])?platforms?", re.I)


def _delegated(node, span, tool: str, folder: str | None, resolve, rows, out: dict) -> tuple:
    """The builds of a job calling a reusable workflow of the repository (``uses:
    ./.github/workflows/build.yml``) or a step using a local action (``uses: ./...``; another
    repository's action may lint the file: hadolint-action's ``dockerfile:``) whose ``with:``
    names a Dockerfile (``dockerfile:``, ``docker_file:``): one per Dockerfile its matrix rows
    name, for the platforms its ``platforms:`` input gives them (every row's: the per-platform
    jobs of one image), unknown when the input is an expression or absent (the called workflow
    may set them).  What it tags is not known, and it is pushed only where its ``push:`` input
    is ``true``.  Its path is read from the top, in the job's checkout for a step (an unknown
    checkout folder links nothing), and is never missing (the input may be read another way); a
    path outside a ``context:`` input given beside it may be relative to that context: left
    out.  (Whether a row named a Dockerfile known here, whether every one did.)"""
    from ..parsers.yamldoc import is_scalar, pairs, scalar, value

    w = value(node, "with")
    inputs = {scalar(k): scalar(v) for k, v in pairs(w) if is_scalar(k) and is_scalar(v)}
    keys = {what: next((k for k in inputs if rx.fullmatch(k)), None)
            for what, rx in (("file", _FILE_INPUT), ("context", _CONTEXT_INPUT), ("platforms", _PLATFORMS_INPUT))}
    if keys["file"] is None:
        return False, False
    push = (inputs.get("push") or "").strip().lower() == "true"
    found: dict = {}
    every = True
    for row in rows if any("matrix." in (inputs[k] or "") for k in keys.values() if k) else [None]:
        file = pattern(_in_checkout(resolve(inputs[keys["file"]], row), folder))
        every = every and bool(file) and "*" not in file
        if not file or file == "*":
            continue
        context = pattern(_in_checkout(resolve(inputs[keys["context"]], row), folder)) if keys["context"] else None
        inner = (context or ".").removeprefix("./").rstrip("/")
        if inner not in ("", ".") and not file.removeprefix("./").startswith(inner + "/"):
            every = False
            continue  # (proxy/Dockerfile in ./proxy: from the top; Dockerfile in ./proxy: not known)
        pl = resolve(inputs[keys["platforms"]], row) if keys["platforms"] else None
        platforms = canonical(_words(pl)) if pl and "${{" not in pl else None
        b = found.get((file, context))
        if b is None:
            found[(file, context)] = {
                "span": _span(span), "tool": tool,
                "file": file, "context": context, "platforms": platforms,
                # (a step of a job whose checkout folder is not known: its paths link nothing)
                "bases": ["github", "made"] + (["cd"] if folder is None and tool == "action" else []),
                "host": None, "tags": [], "push": push, "local": False, "stage": None, "args": [],
                "dynamic_args": []}
        elif b["platforms"] is not None:
            b["platforms"] = None if platforms is None else b["platforms"] + [
                p for p in platforms if p not in b["platforms"]]
    out.setdefault("builds", []).extend(found.values())
    return bool(found), every


def _reusable_call(ctx, job, uses_job: str, top: str | None, resolve, rows, out: dict) -> None:
    """The builds of a job calling a reusable workflow of the repository: the called workflow's
    steps with its inputs bound (``_bound_callee``), where it is read; else its inputs' names
    (``_delegated``).  And which workflow it calls (``calls``: ``patches.called``; line 0: a call
    of a Dockerfile not known here, which the steps stand for)."""
    from ..parsers.yamldoc import value

    sp = ctx.model.content_span(value(job, "uses"))
    here = top is not None and ".." not in uses_job.split("/")
    found, every = _bound_callee(ctx, job, sp, uses_job[2:].split("@", 1)[0], resolve, rows, out) if here \
        else (False, False)
    if not found:
        found, every = _delegated(job, sp, "reusable workflow", None, resolve, rows, out)
    if here:
        called = f"{top}{uses_job[2:].split('@', 1)[0]}"
        out.setdefault("calls", []).extend(([f"{sp.line}:{called}"] if found else []) + ([] if every else [f"0:{called}"]))


#: an input of a reusable workflow in an expression, with a literal fallback: ``${{ inputs.name }}``,
#: ``${{ inputs.dockerfile || 'Dockerfile' }}``
_INPUT_REF = re.compile(r"\$\{\{[ \t]*inputs\.([A-Za-z_][\w-]{0,100})[ \t]*(?:\|\|[ \t]*'([^'\n]{0,200})'[ \t]*)?\}\}")
_CALLEE_MAX = 1 << 20  # a called workflow larger than this is not read


def _bound_callee(ctx, job, span, called: str, resolve, rows, out: dict) -> tuple[bool, bool]:
    """The builds of a job calling a reusable workflow of the repository whose inputs name no
    Dockerfile, where the called workflow's build steps make theirs of the inputs (m1k1o/neko's
    ``image_app.yml``: ``file: apps/${{ inputs.name }}/${{ inputs.dockerfile || 'Dockerfile' }}``,
    ``platforms: ${{ inputs.platforms || 'linux/amd64' }}``, called with a matrix of ``name`` and
    ``platforms``): one per row and step, with each input the caller's value (its row's), else the
    fallback written, else the input's ``default``.  A step any of whose path or platforms stays
    unknown gives none; rows naming one Dockerfile give one build for all their platforms.  The
    called file is read (capped) and is an input of the result.  (Whether a row and step gave a
    build, whether every one did.)"""
    import os

    from ..parsers.workflow_matrix import _MATRIX_REF
    from ..parsers.yamldoc import is_scalar, pairs, scalar, value
    from ..source import read_regular

    top = ctx.repository_root()
    if top is None:
        return False, False
    path = os.path.join(top, *called.split("/"))
    ctx.depends_on(path)

    def load():  # (once per linted file: several jobs may call the same workflow)
        import yaml

        try:
            return yaml.load(read_regular(path, _CALLEE_MAX).decode("utf-8", "replace"),  # noqa: S506 - safe loader
                             Loader=getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader)
        except (OSError, ValueError, RecursionError, yaml.YAMLError):
            return None

    doc = ctx.cached("workflow.callee:" + path, load)
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        return False, False  # (not a workflow: a list, a scalar, no jobs)
    on = doc.get(True, doc.get("on"))  # (YAML 1.1 reads on: as True)
    call = on.get("workflow_call") if isinstance(on, dict) else None
    spec = call.get("inputs") if isinstance(call, dict) else None
    defaults = {str(k): str(v["default"]).lower() if isinstance(v["default"], bool) else str(v["default"])
                for k, v in (spec.items() if isinstance(spec, dict) else ())
                if isinstance(v, dict) and isinstance(v.get("default"), (str, int, float, bool))}
    steps = [st["with"] for j in doc["jobs"].values() if isinstance(j, dict)
             for st in (j.get("steps") if isinstance(j.get("steps"), list) else []) if isinstance(st, dict)
             and _BUILD_PUSH.match(str(st.get("uses", "")).strip()) and isinstance(st.get("with"), dict)]
    given = {scalar(k): scalar(v) for k, v in pairs(value(job, "with")) if is_scalar(k) and is_scalar(v)}
    if not steps:
        return False, False
    builds, every = {}, True
    for row in rows:
        # (a key a matrix row lacks is empty, as GitHub gives it: neko's nvidia rows name no platforms)
        lacked = {k for k, v in given.items() if isinstance(row, dict) and v is not None
                  for m in [_MATRIX_REF.fullmatch(v.strip())] if m and m.group(1).split(".")[0] not in row}
        inputs = {**defaults, **{k: "" if k in lacked else resolve(v, row) or ""
                                 for k, v in given.items() if v is not None}}

        def bind(v):  # (a list or mapping where a path goes: not known)
            got = _INPUT_REF.sub(lambda m: inputs.get(m.group(1)) or (m.group(2) or ""), str(v)) \
                if isinstance(v, (str, int, float)) and not isinstance(v, bool) else None
            return None if got is None or "${{" in got else got

        for w in steps:
            context, pl = bind(w.get("context", ".")), bind(w.get("platforms"))
            context = None if context is None else context.removeprefix("./").rstrip("/") or "."
            # (no file: the action's default, the context's Dockerfile)
            file = bind(w["file"]) if "file" in w else None if context is None else \
                "Dockerfile" if context == "." else context + "/Dockerfile"
            if not file or context is None or "platforms" in w and pl is None:
                every = False
                continue
            key, platforms = (pattern(file), context), canonical(_words(pl)) if pl else None
            b = builds.get(key)
            if b is None:
                builds[key] = {
                    "span": _span(span), "tool": "reusable workflow", "file": pattern(file), "context": context,
                    "platforms": platforms, "bases": ["github", "made"], "host": None,
                    "tags": [], "push": (bind(w.get("push")) or "").strip().lower() == "true", "local": False,
                    "stage": None, "args": [], "dynamic_args": []}
            elif b["platforms"] is not None:  # (rows of one Dockerfile: the platforms of them all)
                b["platforms"] = None if platforms is None else b["platforms"] + [
                    p for p in platforms if p not in b["platforms"]]
    out.setdefault("builds", []).extend(builds.values())
    return bool(builds), every and bool(builds)


_METADATA = re.compile(r"^docker/metadata-action@", re.I)
#: a build step's ``tags: ${{ steps.meta.outputs.tags }}``: the tags the metadata step made
_STEP_TAGS = re.compile(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}")


def _meta_images(images: str | None, resolve) -> list:
    """The images a ``docker/metadata-action`` step tags (its ``images:``, one a line or comma
    separated, ``name=...`` with attributes, ``enable=false`` left out), as patterns: each gets
    the tags its rules make, ``IMAGE:*`` here (appwrite's release, ``images: appwrite/appwrite``
    with semver tags).  At most 16."""
    out: list = []
    for line in (resolve(images) or "").replace(",", "\n").split("\n") if images else ():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" in line.split("/", 1)[0] or line.startswith("name="):
            if line.startswith(("enable=", "enable =")):
                if "false" in line and out:
                    out.pop()
                continue
            if not line.startswith("name="):
                continue
            line = line[5:].strip()
        im = pattern(line)
        if im and ":" not in im.rsplit("/", 1)[-1] and im not in out and len(out) < 16:
            out.append(im)
    return out


def _action_build(w, row, strings, text, folder: str | None, buildx: bool = False, meta=None) -> dict:
    """The build of a ``docker/build-push-action`` step's inputs ``w``, with the matrix row's
    values in place of its ``${{ matrix.x }}`` references (``row`` None: none known), the
    step's env context's literal values in place of ``${{ env.X }}`` (``text(w, key)``), and the
    images of the ``docker/metadata-action`` step whose tags it takes (``meta``: id -> images)."""
    from ..parsers.yamldoc import value

    def t(key):
        return text(w, key) if w is not None else None

    from .. import exports

    pl = strings(value(w, "platforms"), row) if w is not None and value(w, "platforms") is not None else []
    got = _STEP_TAGS.fullmatch((t("tags") or "").strip())
    push = (t("push") or "").strip().lower()
    load = (t("load") or "").strip().lower()
    # outputs: one exporter a line (each holds commas): ``type=image,push=true`` pushes, and
    # ``push-by-digest=true`` pushes one platform's image for a later job to merge by digest
    outs = [exports.attrs(line.strip()) for line in (t("outputs") or "").split("\n") if line.strip()]
    file, context = t("file"), t("context")
    git = _GIT_CONTEXT.fullmatch((context or "").strip())
    if git:  # the repository as a Git context, a folder of it after ":"; file is read inside that folder
        sub = (git.group(1) or "").strip().strip("/")
        context = sub or "."
        file = f"{sub}/{file.removeprefix('./')}" if file and sub and not file.startswith("/") else file
    return {
        "file": pattern(_in_checkout(file, folder)),
        "context": pattern(_in_checkout(context, folder)),
        "platforms": None if pl is None else canonical(pl),
        "tags": [f"{im}:*" for im in meta[got.group(1)]] if got and meta and meta.get(got.group(1))
        else [x for x in (pattern(x) for x in (strings(value(w, "tags"), row) or [])) if x] if w is not None else [],
        "push": push == "true" or push.startswith("${{") or any(exports.pushes(a) for a in outs),
        # loaded on the runner, or written to a file there (a tarball a later job of the workflow
        # loads into kind: logging-operator's e2e), never pushed from the step
        # (or kept in the build cache alone: a check build of several platforms with push: false
        # by a builder of its own: litmus-go's, whose tag a Makefile target also pushes)
        "local": push in ("", "false") and (load == "true" or bool(outs) and all(
            not exports.pushes(a) and (exports.loads(a) or a.get("dest") or a.get("type") in ("tar", "local"))
            for a in outs) or buildx and push == "false" and load in ("", "false") and not outs and len(pl or ()) > 1),
        "stage": pattern(t("target")),
        # build-args: one NAME=value a line (an expression's value is unknown)
        "args": sorted({ln.strip().split("=", 1)[0] for ln in (t("build-args") or "").split("\n") if "=" in ln}),
        "dynamic_args": sorted({ln.strip().split("=", 1)[0] for ln in (t("build-args") or "").split("\n")
                                if "=" in ln and "${{" in ln}),
        # build-contexts: one name=source a line (a FROM of that name reads it)
        "contexts": sorted({ln.strip().split("=", 1)[0] for ln in (t("build-contexts") or "").split("\n") if "=" in ln}),
        "by_digest": any(a.get("push-by-digest", "") in exports.TRUE for a in outs),
    }


#: build-push-action's Git context of the repository (rocketmq-docker's
#: ``context: "{{defaultContext}}:image-build"`` with ``file: Dockerfile-ubuntu``)
_GIT_CONTEXT = re.compile(r"\{\{\s*defaultContext\s*\}\}(?::(.*))?")


def _written_paths(script: str) -> set:
    """The paths a ``run:`` script's lines may write (``facts.written_words``), ``./`` left out."""
    from .facts import written_words

    return {w.removeprefix("./") for line in script.split("\n") for w in written_words(line)}


def _made(b: dict, prior: set) -> list:
    """``["made"]`` when a ``run:`` step of the job before the action writes the Dockerfile it
    builds, by its path (``prior``: tidb-dashboard's ``wget ... -O Dockerfile`` before ``file:
    Dockerfile``): never missing."""
    f = (b.get("file") or "").removeprefix("./")
    return ["made"] if f and "*" not in f and f in prior else []


def _container_deploys(model, job, arch, out: dict) -> None:
    """The images a job runs in (``container:``, ``services:``), on its runner's CPU when known."""
    from ..parsers.yamldoc import is_scalar, scalar

    for where, node in _job_containers(job):
        img = pattern(scalar(node)) if is_scalar(node) else None
        if img:
            out.setdefault("deploys", []).append({
                "span": _span(model.content_span(node)), "image": img, "arch": arch,
                "from": "runs-on" if arch else None, "via": where})


def _job_containers(job):
    from ..parsers.yamldoc import is_map, is_scalar, pairs, value

    c = value(job, "container")
    if is_scalar(c):
        yield "container:", c
    elif is_map(c) and value(c, "image") is not None:
        yield "container:", value(c, "image")
    for _k, svc in pairs(value(job, "services")):
        if is_map(svc) and value(svc, "image") is not None:
            yield "services:", value(svc, "image")
