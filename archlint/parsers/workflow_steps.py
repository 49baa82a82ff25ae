"""The ``run:`` steps of a GitHub Actions workflow as shell snippets mapped to the file
(``workflow_snippets``, what ``YamlModel.shell_snippets`` gives for a workflow), and what a job
does with the images it builds: whether it may keep them past its machine (``keeps_images``,
``keeps`` for one line) and whether its runner is chosen per run (``job_runner``)."""
from __future__ import annotations

import re

from ..snippet import Snippet
from .yamldoc import get, is_map, is_null, is_scalar, items, pairs, path, scalar, text, value

#: a step's shell that is not a POSIX shell: its text is another language (PowerShell's and cmd's
#: ``.\cmd\otelcol\Dockerfile.windows`` is a path, not escapes)
_NON_SHELL = re.compile(r"^\s*(python|node|ruby|perl|pwsh|powershell|cmd)\b", re.I)


def env_of(model, mapping, env: dict, spans: dict) -> None:
    """Lay the ``env:`` of ``mapping`` (a workflow, a job, a step) over ``env``: each value as
    written (None for one that is no scalar), and where it stands in ``spans``."""
    node = value(mapping, "env")
    for k, v in pairs(node):
        env[k.value] = scalar(v) if is_scalar(v) else None
        spans[k.value] = model.content_span(v) if is_scalar(v) else model.key_span(k)


#: a name a ``run:`` line hands the later steps (``echo "TAG=v1" >> "$GITHUB_ENV"``)
GITHUB_ENV_NAME = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)=")


def github_env_names(script: str, written: set | None) -> set | None:
    """``written`` with the names (lower case) ``script`` writes to ``$GITHUB_ENV``; None when a
    line writes there without naming them (``cat vars >> $GITHUB_ENV``: any may change)."""
    if written is None or "GITHUB_ENV" not in script:
        return written
    out = set(written)
    for line in script.split("\n"):
        if "GITHUB_ENV" in line:
            names = GITHUB_ENV_NAME.findall(line)
            if not names:
                return None
            out.update(n.lower() for n in names)
    return out


def _shell_of(mapping) -> str | None:
    s = text(mapping, "shell")
    if s is None:
        s = text(path(mapping, "defaults", "run"), "shell")
    return s


def _fold(pieces: list, style) -> str:
    """Same-length text of a folded (``>``) or multi-line plain/quoted scalar: a line break YAML
    folds into a blank becomes a blank; kept breaks stay (so offsets map one to one)."""
    out = []
    n = len(pieces)
    for i, (t, _, _) in enumerate(pieces):
        out.append(t)
        if i == n - 1:
            break
        nxt = pieces[i + 1][0]
        fold = bool(t) and bool(nxt)
        if style == ">" and (t[:1] in (" ", "\t") or nxt[:1] in (" ", "\t")):
            fold = False  # more-indented lines keep their breaks
        out.append(" " if fold else "\n")
    return "".join(out)


def workflow_snippets(model) -> list:
    from .shell import ShellSnippet

    out: list = []
    for root in model.documents:
        jobs = value(root, "jobs")
        if not is_map(jobs):
            continue
        wf_env: dict = {}
        wf_spans: dict = {}
        env_of(model, root, wf_env, wf_spans)
        wf_shell = _shell_of(root)
        for job_key, job in pairs(jobs):
            if not is_map(job):
                continue
            # a job's steps run on one machine, discarded at the job's end unless the job may
            # keep what it builds (logs in, saves or uploads images); its platform when known
            chosen, host = job_runner(job)
            group = ("job", job_key.start_mark.index, keeps_images(job), chosen, host)
            job_env, job_spans = dict(wf_env), dict(wf_spans)
            env_of(model, job, job_env, job_spans)
            # (a Windows runner's default shell is PowerShell: splunk-otel-collector's Windows jobs)
            job_shell = _shell_of(job) or wf_shell or ("pwsh" if _windows_runner(job, _runs_on(job)[1]) else None)
            written: set | None = set()  # names the steps so far wrote to $GITHUB_ENV (None: any)
            for step in items(value(job, "steps")):
                if not is_map(step):
                    continue
                hit = get(step, "run")
                if hit is None or not is_scalar(hit[1]) or is_null(hit[1]):
                    continue
                shell = text(step, "shell") or job_shell
                if shell and _NON_SHELL.match(shell):
                    continue
                env, spans = dict(job_env), dict(job_spans)
                # (a value a step before wrote to $GITHUB_ENV overrides the workflow's and job's)
                env.update({k: None for k in env if written is None or str(k).lower() in written})
                env_of(model, step, env, spans)
                written = github_env_names(scalar(hit[1]) or "", written)
                snip = run_snippet(model, hit[0], hit[1], env, spans, ShellSnippet)
                if snip is not None:
                    snip.group = group
                    out.append(snip)
    return out


#: a container tool, and what in a run: step logs in or keeps an image past the job's machine
_TOOL_WORD = re.compile(r"\b(?:docker|podman|buildah|nerdctl|skopeo|crane|helm|oras|aws|gcloud|az)\b")
#: (``type=docker`` without ``dest=`` loads into the runner's daemon: kept by nothing; matched whole, linearly)
_KEEP_WORD = re.compile(r"\b(?:login|get-login|save|export|push)\b|type=(?:tar|oci|registry)|type=docker(,\S*)?")


#: a load into another image store on the same machine (``sudo podman load``, ``k3s ctr images import -``)
_STORE = re.compile(r"\b(?:docker|podman|nerdctl|ctr|buildah)\b")
_LOAD = re.compile(r"\b(?:load|import)\b")
#: a load on another machine: ``| ssh host docker load``, ``| docker -H ssh://host load``
_ELSEWHERE = re.compile(r"\bssh\b|\s-H\s|--host\b|--context\b|--connection\b|DOCKER_HOST|CONTAINER_HOST")


def keeps(line: str) -> bool:
    """Whether a ``run:`` line may keep an image past its machine: a login, a push, a save or
    an export (to a file a later step may upload), an exporter that writes one; a ``save`` piped
    into another store's ``load`` on the same line (``docker save X | sudo podman load``: the
    image moves into CRI-O's store on the runner) keeps nothing; one on another machine
    (``| ssh host docker load``, ``docker -H ssh://host load``) keeps it."""
    last_load, at = -1, line.find("|")
    while at >= 0:  # each part after a pipe, searched once
        end = line.find("|", at + 1)
        part = line[at:end if end >= 0 else len(line)]
        tool = _STORE.search(part)
        if tool and _LOAD.search(part, tool.end()) and not _ELSEWHERE.search(part):
            last_load = at
        at = end
    for m in _KEEP_WORD.finditer(line):
        word = m.group(0)
        if word.startswith("type=docker") and "dest=" not in (m.group(1) or ""):
            continue
        if word == "save" and m.end() <= last_load:
            continue
        return True
    return False


_HOSTED_AMD64 = re.compile(r"^(?:ubuntu-(?:latest|\d+\.\d+)|ubuntu-slim)$")
_HOSTED_ARM64 = re.compile(r"^ubuntu-\d+\.\d+-arm$")
#: a word of a runner label naming its CPU: GitHub gives every self-hosted runner its machine's
#: (``[self-hosted, linux, x64]``, ``ARM64``), and larger or custom runners are named for it
#: (``ubuntu-x64``, ``linux-arm64-8core``)
_LABEL_CPU = re.compile(r"(?:^|[-_. ])(?:(x64|amd64|x86[-_]64)|(arm64|aarch64))(?=$|[-_. ])")
#: a label word of a machine whose containers' CPU is not told by its label (macOS runs Linux
#: containers in a VM of its own CPU, but a ``macos-x64`` label may be Rosetta's)
_LABEL_OTHER_OS = re.compile(r"(?:^|[-_. ])(?:macos|osx|darwin|mac|windows|win)(?=$|[-_. \d])")


def runner_platform(runs_on: str | list | None) -> str | None:
    """The platform of a runner's label or labels: a GitHub-hosted one (``ubuntu-latest`` →
    linux/amd64, ``ubuntu-24.04-arm`` → linux/arm64) or labels naming one CPU
    (``[self-hosted, linux, x64]``, ``ubuntu-x64`` → linux/amd64); None for any other
    (self-hosted of unknown CPU, macOS, Windows, an expression)."""
    labels = [runs_on] if isinstance(runs_on, str) else list(runs_on or ())
    labels = [x.strip().lower() for x in labels if isinstance(x, str) and x.strip()]
    if not labels or any("${{" in x or _LABEL_OTHER_OS.search(x) for x in labels):
        return None
    if len(labels) == 1 and _HOSTED_AMD64.match(labels[0]):
        return "linux/amd64"
    if len(labels) == 1 and _HOSTED_ARM64.match(labels[0]):
        return "linux/arm64"
    cpus = {"amd64" if m.group(1) else "arm64" for x in labels for m in _LABEL_CPU.finditer(x)}
    return f"linux/{cpus.pop()}" if len(cpus) == 1 else None


def _runs_on(job) -> tuple:
    """(node, labels) of a job's ``runs-on``: the labels its scalars write."""
    v = value(job, "runs-on")
    return v, [(scalar(n) or "") for n in ([v] if is_scalar(v) else items(v)) if is_scalar(n)]


def _windows_runner(job, labels: list) -> bool:
    """Whether the job's ``runs-on`` ``labels`` name a Windows runner (``windows-2022``,
    ``windows-${{ matrix.WIN_VERSION }}``, ``[self-hosted, windows]``, or ``${{ matrix.OS }}`` over
    Windows runners only)."""
    from .workflow_matrix import matrix_rows, with_row

    if any(x.strip().lower().startswith("windows") for x in labels):
        return True
    rows = matrix_rows(job) if len(labels) == 1 and "matrix." in labels[0] else None
    return bool(rows) and all(with_row(labels[0], row).strip().lower().startswith("windows") for row in rows)


def job_runner(job) -> tuple[bool, str | None]:
    """(chosen, host) of a workflow job: ``host`` its runner's platform when known; ``chosen``
    when the job's machine decides what its builds are for: a ``runs-on`` expression that is
    not one known platform for every row of the job's matrix (``${{ matrix.os }}`` over an amd64
    and an arm64 runner: each row builds natively; over two amd64 runners it is amd64), or a
    Windows runner (Windows images are built natively for the Windows host)."""
    from .workflow_matrix import matrix_rows, with_row

    v, labels = _runs_on(job)
    if _windows_runner(job, labels):
        return True, None
    exprs = [x for x in labels if "${{" in x]
    if not exprs:
        return False, None if builds_elsewhere(job) else runner_platform(labels)
    rows = matrix_rows(job) if is_scalar(v) and "matrix." in exprs[0] else None
    if rows:
        hosts = {runner_platform(with_row(exprs[0], row)) for row in rows}
        if len(hosts) == 1 and None not in hosts:
            return False, None if builds_elsewhere(job) else hosts.pop()
    return True, None


#: a builder on another machine: buildx's remote, kubernetes or cloud drivers, a node appended
_REMOTE_DRIVERS = ("remote", "kubernetes", "cloud")


def builds_elsewhere(job) -> bool:
    """Whether a job's builds may run on a machine other than its runner: a ``DOCKER_HOST`` in
    its ``env:`` or a step's, a ``docker/setup-buildx-action`` with a ``remote``/``kubernetes``/
    ``cloud`` driver, an ``endpoint`` or an ``append``ed node, or a ``run:`` line naming
    ``DOCKER_HOST`` or a ``docker context``: its runner's CPU says nothing of theirs."""
    def env_host(node) -> bool:
        env = value(node, "env")
        return is_map(env) and any(value(env, k) is not None for k in ("DOCKER_HOST", "CONTAINER_HOST"))

    if env_host(job):
        return True
    for step in items(value(job, "steps")):
        if not is_map(step):
            continue
        if env_host(step):
            return True
        uses = (text(step, "uses") or "").strip()
        w = value(step, "with")
        if uses.startswith("docker/setup-buildx-action") and is_map(w) and (
                (text(w, "driver") or "").strip() in _REMOTE_DRIVERS or value(w, "endpoint") is not None
                or value(w, "append") is not None):
            return True
        run = text(step, "run") or ""
        if "DOCKER_HOST" in run or "docker context use" in run or "--context" in run:
            return True
    return False


def keeps_images(job) -> bool:
    """Whether a workflow job may keep what it builds past its machine: it logs in to a registry
    (a ``uses:`` action named ``*login*``, ``docker login``: then a script it calls may push),
    caches, uploads an artifact (``docker save`` then ``actions/upload-artifact``: not an upload
    that runs only when the job failed, nor one of files no image is: ``upload_keeps``), or a
    ``run:`` line names a container tool and ``login``/``save``/``export``/``push`` or an exporting
    ``--output type=``.  Each line is searched a bounded number of times: linear in the job's text."""
    for step in items(value(job, "steps")):
        if not is_map(step):
            continue
        uses = (text(step, "uses") or "").lower()
        if "login" in uses or "cache" in uses or "upload-artifact" in uses and upload_keeps(step):
            return True
        run = get(step, "run")
        if run is None or not is_scalar(run[1]):
            continue
        for line in (scalar(run[1]) or "").split("\n"):
            if _TOOL_WORD.search(line) and keeps(line):
                return True
    return False


#: an uploaded file no image is in: logs, reports, coverage profiles, text
_NOT_IMAGE = re.compile(r"\.(?:log|out|txt|json|xml|html?|md|sarif|csv|cov|coverprofile|lcov|junit)$", re.I)


def upload_keeps(step) -> bool:
    """Whether an ``upload-artifact`` step may carry an image off the machine: not where it runs
    only when the job failed (``if: failure()``: a failed job's logs; KubeArmor's e2e jobs), nor
    where every path it uploads is a file no image is (``coverage_k8s.out``, ``report.json``)."""
    cond = (text(step, "if") or "").replace(" ", "")
    if "failure()" in cond and "!failure()" not in cond and "always()" not in cond and "||" not in cond:
        return False
    paths = [p.strip() for p in (text(value(step, "with"), "path") or "").split("\n") if p.strip()]
    return not paths or not all(_NOT_IMAGE.search(p) for p in paths)


def run_snippet(model, key, node, env=None, env_spans=None, cls=None):
    """A ShellSnippet of one ``run:`` scalar mapped to the file (literal blocks exactly; folded
    blocks and multi-line plain scalars folded in place; escaped quoted strings by value)."""
    if cls is None:
        from .shell import ShellSnippet as cls  # noqa: N813
    pieces = model.scalar_lines(node, key.start_mark.column)
    if not pieces:
        return None
    env = env or {}
    env_spans = env_spans or {}
    style = node.style
    if style == '"' and "\\" in "".join(t for t, _, _ in pieces):
        # escapes: the raw text is not the command; use the value, anchored at the scalar
        l0, c0 = pieces[0][1], pieces[0][2]
        vals = node.value.split("\n")
        origins = [(l0, c0)] + [(l0 + i, c0) for i in range(1, len(vals))]
        return cls(node.value, origins, "run step", env=env, env_spans=env_spans)
    if style == "'" and "''" in "".join(t for t, _, _ in pieces):
        l0, c0 = pieces[0][1], pieces[0][2]
        return cls(node.value.replace("\n", " "), [(l0, c0)], "run step", env=env, env_spans=env_spans)
    base_text = "\n".join(t for t, _, _ in pieces)
    origins = [(ln, col) for _, ln, col in pieces]
    if style == "|" or len(pieces) == 1:
        return cls(base_text, origins, "run step", env=env, env_spans=env_spans)
    folded = _fold(pieces, style)
    base = Snippet(base_text, origins, "run step")
    return cls(folded, origins, "run step", env=env, env_spans=env_spans, base=base,
               segments=[(0, len(folded), 0, len(base_text), True)])
