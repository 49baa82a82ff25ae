"""Files for development, tests and examples, by where they sit and what they are called: a
compose file or a Kubernetes manifest under ``hack/`` or ``tools/dev/`` starts things on a
developer's machine or a throwaway cluster, never a deployment; one under ``examples/`` or
``samples/`` is documentation, which its reader copies and gives the versions they run.  The
image rules of compose files (DC001; DC003 for tooling) and of Kubernetes manifests (K8S001,
K8S002, K8S007) say nothing about mutable tags there."""
from __future__ import annotations

import os
import re

#: folder names that hold developer tooling: a compose file or manifest under one starts services
#: on the developer's machine or a throwaway cluster (a local Kafka, a debug stack), never a
#: deployment; ``.github`` holds the CI's own (kubeflow's ``.github/resources/manifests``, what
#: its e2e workflows deploy on a kind cluster; a local action's Dockerfile); ``.devcontainer`` a
#: VS Code dev container's (thanos' Go workspace); ``playground`` a place to try things (werf's
#: ``playground/s3_registry`` compose stack); ``.taskfiles`` the tasks a person runs by hand with
#: Task (the VolSync unlock and Rook disk-wipe Job templates of onedr0p's cluster template and the
#: home-ops repositories made from it, applied once with ``envsubst | kubectl apply``)
_LOCAL_TOOLING = frozenset(("dev", "development", "tools", "tooling", "debug", "hack", "local", "sandbox", ".github",
                            ".devcontainer", "playground", ".taskfiles"))


#: words of a folder's name that say it is for development (``manifests/dev-tilt``: what Tilt
#: deploys on a developer's cluster; penpot's ``docker/devenv``, its ``manage.sh``'s stack); a word
#: of ``local`` or ``tools`` says too little (``local-path-provisioner``)
_DEV_WORDS = frozenset(("dev", "development", "tilt", "devenv"))
#: a word that says so only as the name's last, a qualifier (``chainsaw-debug``, ``prod-debug``),
#: not as the first of a component's name (``debug-agent``: a program that debugs)
_DEV_LAST_WORDS = frozenset(("debug",))

#: words that follow ``local`` in the name of a folder for a developer's own environment
#: (oauth2-proxy's ``contrib/local-environment``: compose stacks for manual testing), where
#: ``local`` alone is a component's word (``local-path-provisioner``), and ``local-cluster`` is
#: Open Cluster Management's name for its hub cluster
_LOCAL_SETUP_WORDS = frozenset(("env", "environment", "setup", "stack", "config"))  # (tracetest's local-config)

#: words of a compose file's name that say it is for development or tests
#: (``docker-compose.override.yml`` is Docker's own convention for local overrides; oncall's
#: ``docker-compose-developer.yml``, its Makefile's local stack; a CI service's own stack,
#: django-bims' ``docker-compose.travis.yml``, as ``ci``)
_LOCAL_NAMES = frozenset(("dev", "development", "developer", "local", "debug", "test", "tests", "testing", "ci", "e2e",
                          "override", "travis", "circleci"))
#: words of a Dockerfile's name that say it builds a developer's workspace: ``.gitpod.Dockerfile``
#: (a Gitpod workspace's, statsd_exporter's), ``devcontainer.Dockerfile`` (not a manifest that
#: merely names the product: ``gitpod-installer-job.yaml``)
_WORKSPACE_WORDS = frozenset(("gitpod", "devcontainer"))
_NAME_WORDS = re.compile(r"[.\-_]")


def local_tooling(path: str) -> bool:
    """Whether the file at ``path`` (display path) sits under a developer-tooling folder
    (``tools/dev/kafka/docker-compose.yaml``, ``operator/hack/addons.yaml``,
    ``manifests/dev-tilt/ui.yaml``, ``contrib/local-environment/docker-compose.yaml``) or is named for development or tests
    (``compose.tests.yaml``, ``docker-compose.dev.yml``); not a folder right below one named ``apps``
    (a GitOps layout's namespace: ``cluster/apps/dev/``)."""
    parts = path.replace("\\", "/").lower().split("/")
    # (a folder right below ``apps`` is a namespace of a GitOps layout, deployed whatever its name:
    # bjw-s' ``cluster/apps/dev/``, mrwulf's ``cluster/apps/development/``)
    folders = [p for i, p in enumerate(parts[:-1]) if i == 0 or parts[i - 1] != "apps"]
    if not _LOCAL_TOOLING.isdisjoint(folders):
        return True
    for p in folders:
        words = _NAME_WORDS.split(p)
        if not _DEV_WORDS.isdisjoint(words) or len(words) > 1 and words[-1] in _DEV_LAST_WORDS:
            return True
        if words[0] == "local" and not _LOCAL_SETUP_WORDS.isdisjoint(words[1:]):
            return True
    words = _NAME_WORDS.split(parts[-1])
    return not _LOCAL_NAMES.isdisjoint(words) or "dockerfile" in words and not _WORKSPACE_WORDS.isdisjoint(words)


def repo_path(ctx) -> str:
    """The linted file's path inside its repository, its display path outside one (the folders
    above the repository, or where archlint was started, say nothing).  Once per file."""

    def compute() -> str:
        top = ctx.repository_root()
        return os.path.relpath(ctx.source.abspath, top).replace(os.sep, "/") if top is not None else ctx.source.path

    return ctx.cached("tooling.repo_path", compute)


def tooling_file(ctx) -> bool:
    """``local_tooling`` of the linted file's path inside its repository."""
    return local_tooling(repo_path(ctx))


#: folder names of examples, samples and documentation: what a reader copies (a getting-started
#: compose stack, a Tekton task's samples, tailscale's docs/k8s/ manifests), whose mutable tags
#: are the example's convention
_EXAMPLES = frozenset(("examples", "example", "samples", "sample", "demo", "demos", "docs", "doc", "documentation",
                       "tutorials", "tutorial"))


#: a folder named for an example among other words: ``sample-application-under-test``,
#: ``kubecon-demo``, ``demo_app`` (litmus' monitoring tutorial and its 2020 KubeCon demo)
_EXAMPLE_WORD = re.compile(r"(?:^|[-_.])(?:examples?|samples?|demos?|tutorials?)(?:$|[-_.])")


def _example_parts(parts: list) -> bool:
    return not _EXAMPLES.isdisjoint(parts) or any(_EXAMPLE_WORD.search(p) for p in parts)


def example_file(ctx) -> bool:
    """Whether the linted file sits under an examples or samples folder of its repository."""
    return _example_parts(repo_path(ctx).lower().split("/")[:-1])


def example_path(rel: str) -> bool:
    """Whether a path lies under an examples, samples or documentation folder (``_EXAMPLES``, a
    name with one of their words, ``kubecon-demo``, or a versioned ``docs-v2``)."""
    parts = rel.lower().split("/")[:-1]
    return _example_parts(parts) or any(p.startswith(("docs-", "docs_")) for p in parts)


def documentation_path(rel: str) -> bool:
    """Whether a repository-relative path lies in a documentation tree (``docs``, ``doc``,
    ``documentation``, or a versioned ``docs-v2``): what it holds are excerpts pages show."""
    return any(p in ("docs", "doc", "documentation") or p.startswith(("docs-", "docs_"))
               for p in rel.lower().split("/")[:-1])


#: a folder named as a template: ``template``, ``version-template``, ``cluster_template``
_TEMPLATE_FOLDER = re.compile(r"(?:^|[-_.])template(?:$|[-_.])")


def template_path(rel: str) -> bool:
    """Whether a repository-relative path lies under a folder its name calls a template
    (``config/overlays/version-template/``: kserve's setup script copies it and rewrites its
    ``latest`` and registry before building it): files a script fills in before use, whose
    mutable tags are placeholders.  ``templates`` (a Helm chart's) is not such a name."""
    return any(_TEMPLATE_FOLDER.search(p) for p in rel.lower().split("/")[:-1])


#: what a file's opening comment says of the file when it is not for production, as its first
#: words: "this is intended for demo / testing purposes only, not for production usage"
#: (pyroscope's monitoring stack), "For testing purposes only", "This stack is not meant for
#: production", "DO NOT USE IN PRODUCTION"; not a phrase about one part of it ("the debug stage
#: at the end is for testing purposes only", "the password below must not be used in production")
_PURPOSE = r"(?:demo|demonstration|testing|test|development|evaluation)"
#: a short label before the words, ended by a dash, colon or full stop ("Example manifest - ",
#: "Sample deployment. "), then "this [thing] is [a thing]" or "this [thing] should"
_LABEL = r"(?:(?:[\w'/-]+[ \t]+){0,5}[\w'/-]+[ \t]*(?:[-:;–—]|\.(?=[ \t]))[ \t]*)?"
_THIS_IS = (r"(?:(?:this|these)(?:[ \t]+[\w-]+){0,3}[ \t]+(?:is|are|should|must)[ \t]+"
            r"(?:an?[ \t]+)?(?:[\w-]+[ \t]+){0,2}?)?")
_NOT_PRODUCTION = re.compile(
    r"#+[ \t]*" + _LABEL + _THIS_IS + r"(?:"
    r"(?:(?:only[ \t]+)?(?:intended|meant|designed)[ \t]+)?for[ \t]+(?:[\w-]+[ \t]+)?" + _PURPOSE
    + r"(?:[ \t]*(?:/|,|and|or|&)[ \t]*" + _PURPOSE + r")*[ \t]+(?:purposes?[ \t]+)?only"
    r"|" + _PURPOSE + r"[ \t]+only(?=[ \t]*[.!)]?[ \t]*(?:[-:–—][^\n]*)?$)"
    r"|not[ \t]+(?:be[ \t]+used[ \t]+(?:in|for)[ \t]+production"
    r"|(?:(?:intended|meant|suitable|recommended|ready)[ \t]+)?for[ \t]+production)"
    r"|(?:do[ \t]+not|don't|never)[ \t]+use[ \t]+(?:(?:this|it)(?:[ \t]+[\w-]+){0,2}[ \t]+)?in[ \t]+(?:an?[ \t]+)?production)\b",
    re.I)


#: "This configuration file is for the **development** setup." (redash's compose.yaml), "WARNING:
#: This configuration is for local development." (Airflow's compose file): the file itself, said
#: to be for a development or test setup (not "For development setup, see ...")
_FOR_SETUP = re.compile(
    r"#+[ \t]*" + _LABEL + r"(?:this|these)(?:[ \t]+[\w-]+){0,3}[ \t]+(?:is|are)[ \t]+(?:only[ \t]+)?for[ \t]+"
    r"(?:the[ \t]+|a[ \t]+)?(?:local[ \t]+)?[*_]{0,2}" + _PURPOSE
    + r"[*_]{0,2}(?:[ \t]+(?:setup|environment|env|use|usage|stack)\b|[ \t]*[.!](?:[ \t]|$))", re.I)
#: a licence's header ("Licensed to the Apache Software Foundation", "Copyright 2024 ...",
#: "SPDX-License-Identifier: ..."): the comment a file opens with before it says what it is
_LICENCE = re.compile(r"\blicen[cs]e|\bcopyright\b|spdx-license-identifier", re.I)


def says_not_for_production(text: str) -> bool:
    """Whether a comment among the file's first five lines (``kinds.opening_lines``), or the first
    five after a licence's comment block it opens with (Airflow's compose file, copied into many
    repositories: the Apache header, then "WARNING: This configuration is for local development.
    Do not use it in a production deployment."), begins by saying the file is for demos or tests
    only, or not for production, or for a development setup."""
    from .kinds import opening_lines

    def says(lines) -> bool:
        return any(_NOT_PRODUCTION.match(line.lstrip()) or _FOR_SETUP.match(line.lstrip()) for line in lines)

    head = opening_lines(text)
    if says(head):
        return True
    if not head or not head[0].lstrip().startswith("#") or not any(_LICENCE.search(line) for line in head[:3]):
        return False
    lines = text[:8192].split("\n", 200)[:200]  # (a licence of up to 200 lines; linear, bounded)
    end = next((i for i, line in enumerate(lines) if not line.lstrip().startswith("#")), len(lines))
    return says(lines[end:end + 5])


def example_name(path: str) -> bool:
    """Whether a file's own name calls it an example: ``demo.yaml``, ``nginx-demo.yaml``,
    ``sample-app.yaml`` (``_EXAMPLE_WORD``)."""
    return bool(_EXAMPLE_WORD.search(path.replace("\\", "/").rsplit("/", 1)[-1].lower()))


#: a folder named for a release: ``v1.30.0``, ``v2.1``, ``1.4.2``
_RELEASE_FOLDER = re.compile(r"v?\d{1,4}\.\d{1,4}(?:\.\d{1,4})?(?:[-+][\w.-]{1,40})?")


#: a folder of a rolling channel's manifests: ``latest``, ``latest-v2``
_LATEST_FOLDER = re.compile(r"latest(?:[-_.][\w.-]{1,40})?", re.I)


def released_copies(ctx) -> bool:
    """Whether the file is the development copy of manifests the repository keeps released
    copies of: a folder beside it named for a release holds a file of the same name
    (blob-csi-driver's and azurefile-csi-driver's ``deploy/csi-*.yaml``, the master branch's
    ``:latest``, beside ``deploy/v1.30.0/csi-*.yaml``, each pinned to its release); so is one in a
    folder named ``latest`` or ``latest-*`` beside such release folders (azuredisk-csi-driver's
    ``deploy/latest-v2/``).  The folders and the copies looked for are inputs of the result."""
    def compute() -> bool:
        path = ctx.source.abspath
        if not path or not os.path.isabs(path):
            return False
        from .source import folder_entries

        folder, name = os.path.split(path)
        # (a rolling channel's folder, azuredisk-csi-driver's deploy/latest-v2/: its parent's)
        for top in (folder, os.path.dirname(folder)) if _LATEST_FOLDER.fullmatch(os.path.basename(folder)) else (folder,):
            ctx.depends_on(top)
            releases = [n for n, is_dir in folder_entries(top) if is_dir and _RELEASE_FOLDER.fullmatch(n)]
            for r in sorted(releases):  # (the first copy found answers: usually the first looked at)
                copy = os.path.join(top, r, name)
                ctx.depends_on(copy)
                if os.path.isfile(copy):
                    return True
        return False

    return ctx.cached("tooling.released_copies", compute)


def unrendered_values(ctx) -> bool:
    """Whether a Helm values file belongs to a chart that renders nothing: no ``templates/`` nor
    ``charts/`` folder, no ``requirements.yaml`` and no ``dependencies:`` in its ``Chart.yaml``
    (opea's CogniwareIms chart, a ``Chart.yaml`` and ``values.yaml`` alone): its images reach no
    pod.  Those paths are inputs of the result."""
    def compute() -> bool:
        path = ctx.source.abspath
        if ctx.kind != "helm-values" or not path or not os.path.isabs(path):
            return False
        folder = os.path.dirname(path)
        templates, chart = os.path.join(folder, "templates"), os.path.join(folder, "Chart.yaml")
        for p in (templates, chart, os.path.join(folder, "charts"), os.path.join(folder, "requirements.yaml")):
            ctx.depends_on(p)
        # (vendored subcharts, or Helm 2's requirements.yaml: the values reach their pods)
        if any(os.path.exists(os.path.join(folder, n)) for n in ("templates", "charts", "requirements.yaml")):
            return False
        from .source import read_regular

        try:
            text = read_regular(chart, 1 << 20).decode("utf-8", "replace")
        except OSError:
            return False
        return re.search(r"^dependencies[ \t]*:", text, re.M) is None

    return ctx.cached("tooling.unrendered_values", compute)


def mutable_tags_allowed(ctx) -> bool:
    """Developer tooling, an example or a template folder, a file named an example or whose
    opening comment says it is not for production, the development copy of released manifests,
    the values of a chart that renders nothing: where the mutable-tag rules say nothing."""
    def compute() -> bool:
        rel = repo_path(ctx)
        return (tooling_file(ctx) or example_file(ctx) or template_path(rel) or example_name(rel)
                or says_not_for_production(ctx.source.text) or released_copies(ctx) or unrendered_values(ctx))

    return ctx.cached("tooling.mutable_tags_allowed", compute)
