"""The one table of file kinds, and which kind a path is.

Every other module reads ``TABLE``: the parser of a kind, its comment syntax (inline
suppressions, ``--add-suppressions``), whether its comments may end a line of code, the Language
Server Protocol language ids that name it, and the pre-commit hook that selects it.  Which rule
families read a kind is declared by the families (``archlint/checks/__init__.py``).

A path's kind is decided by its name first (``kind_by_name``), then, for ``.yaml`` and ``.hcl``
names and extension-less files, by its content (``kind_by_content``: a shebang, a YAML document
with ``apiVersion`` and ``kind``, a ``values*.yaml`` beside a ``Chart.yaml``, a Bake target block).  None means archlint
does not lint the file.
"""
from __future__ import annotations

import os
import re

#: the file names kustomize reads in a folder, in its order (the Kustomize checks and the
#: project model's patches use them too)
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class Kind:
    """One row of the table (a plain class: ``typing`` would cost 4 ms of every start-up)."""

    __slots__ = ("name", "parser", "comment", "trailing_comments", "language_ids", "hook", "yaml")

    def __init__(self, name: str, parser: str, *, comment: str = "#", trailing_comments: bool = True,
                 language_ids: tuple[str, ...] = (), hook: str = "", yaml: bool = False):
        self.name = name
        #: "module:function" that parses a Source into the kind's model (imported when used)
        self.parser = parser
        #: the comment opener of the kind (suppressions are written in it)
        self.comment = comment
        #: whether a comment may end a line of code (``cmd  # archlint: ignore[...]``)
        self.trailing_comments = trailing_comments
        #: LSP ``languageId`` values that name this kind (buffers whose name says nothing)
        self.language_ids = language_ids
        #: the id of the hook in .pre-commit-hooks.yaml that selects files of this kind
        self.hook = hook
        #: a YAML kind (parsed by the position-keeping YAML reader)
        self.yaml = yaml

    def __repr__(self) -> str:
        return f"Kind({self.name})"


_YAML = "archlint.parsers.yamldoc:parse"

#: kind name -> Kind; adding a kind is a row here (and its parser, and a name rule below)
TABLE: dict[str, Kind] = {k.name: k for k in (
    Kind("dockerfile", "archlint.parsers.dockerfile:parse", trailing_comments=False,
         language_ids=("dockerfile", "containerfile"), hook="archlint-docker"),
    Kind("shell", "archlint.parsers.shell:parse", language_ids=("shellscript", "sh", "bash"), hook="archlint-shell"),
    Kind("makefile", "archlint.parsers.make_context:parse", language_ids=("makefile", "make"), hook="archlint-make"),
    Kind("markdown", "archlint.parsers.markdown:parse", comment="<!--", language_ids=("markdown",),
         hook="archlint-markdown"),
    Kind("python", "archlint.parsers.python:parse", language_ids=("python",), hook="archlint-python"),
    Kind("kubernetes", _YAML, hook="archlint-k8s", yaml=True),
    Kind("kustomization", _YAML, hook="archlint-k8s", yaml=True),
    Kind("helm-values", _YAML, hook="archlint-k8s", yaml=True),
    # a chart's template: rendered with its chart and linted as Kubernetes (archlint/helm/lint.py)
    Kind("helm-template", None, hook="archlint-k8s", yaml=True),
    Kind("compose", _YAML, language_ids=("dockercompose", "docker-compose", "yaml.docker-compose"),
         hook="archlint-compose", yaml=True),
    Kind("workflow", _YAML, language_ids=("github-actions-workflow",), hook="archlint-actions", yaml=True),
    Kind("bake", "archlint.parsers.bake:parse", hook="archlint-bake"),
    # a GoReleaser configuration: its image builds, for the project model (archlint/project/goreleaser.py)
    Kind("goreleaser", _YAML, hook="archlint-goreleaser", yaml=True),
    # a Tiltfile (Starlark, read by Python's ast): the images Tilt builds and puts in the
    # manifests it deploys, for the project model (archlint/project/tilt.py)
    Kind("tiltfile", "archlint.parsers.python:parse", language_ids=("tiltfile",), hook="archlint-tilt"),
    # a Home Assistant add-on's configuration (``config.yaml``/``config.json`` with ``slug`` and
    # ``arch``): the build of the Dockerfile beside it, for the project model (archlint/project/ha_addon.py)
    Kind("ha-addon", "archlint.parsers.yamldoc:parse_facts_only", hook="archlint-ha-addon", yaml=True),
)}

#: LSP languageId -> kind, derived from TABLE
LANGUAGE_KINDS: dict[str, str] = {lid: k.name for k in TABLE.values() for lid in k.language_ids}


#: a shell's name, ending at a word boundary (``bash``, ``sh-5.2``, not ``bashful``)
_SHELL_NAME = re.compile(rb"(?:sh|bash|zsh|dash|ksh|ash|mksh)(?![A-Za-z0-9_])")
_NOT_SPACE = re.compile(rb"[^ \t\n\r\f\v]*")
_BLANKS = re.compile(rb"[ \t]*")


def _shell_shebang(head: bytes) -> bool:
    """Whether ``head`` starts with a shell's ``#!`` line: the interpreter word names a shell
    (``#!/bin/bash``, ``#!/usr/local/bin/zsh``), or it is ``.../env`` (or s6-overlay's
    ``with-contenv``, which runs its argument with the container's environment: ``#!/command/with-contenv
    bash``, the init scripts of linuxserver's and tiredofit's images) followed by options and a
    word whose name (or a path component of it) is a shell (``#!/usr/bin/env -S bash -e``).
    Read word by word, in time linear in the line (a single regex for this backtracked
    quadratically on a line of slashes)."""
    if not head.startswith(b"#!"):
        return False
    pos = _BLANKS.match(head, 2).end()
    w0 = _NOT_SPACE.match(head, pos).group()
    if _SHELL_NAME.search(w0):
        return True
    if not w0.endswith((b"/env", b"/with-contenv")):
        return False
    pos += len(w0)
    while True:
        gap = _BLANKS.match(head, pos).end()
        if gap == pos:
            return False  # words are separated by blanks only (not a line end)
        word = _NOT_SPACE.match(head, gap).group()
        if not word:
            return False
        if _SHELL_NAME.match(word) or any(_SHELL_NAME.match(word, i + 1) for i in _slashes(word)):
            return True
        if not (word.startswith(b"-") and len(word) > 1):
            return False
        pos = gap + len(word)


def _slashes(word: bytes):
    i = word.find(b"/")
    while i >= 0:
        yield i
        i = word.find(b"/", i + 1)
_K8S_SNIFF = re.compile(r"^apiVersion:\s*\S", re.M)
_KIND_SNIFF = re.compile(r"^kind:\s*\S", re.M)
#: a manifest whose every line is indented alike, the first key ``apiVersion`` (elastic's
#: ``config/recipes/psp/elastic-psp.yaml``, two spaces in): its kind at the same indentation
_K8S_INDENTED = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n|---[ \t]*\n){0,64}( {1,8})apiVersion:[ \t]*\S")
#: ``Makefile.common``, ``Makefile.docker``: parts a Makefile includes; and configure templates
#: (``Makefile.in``, ``Makefile.docker.in``: their ``@NAME@`` are unknown, automake's generated
#: ones are skipped by the parser); not automake's ``Makefile.am``, nor backups
_MAKEFILE_PART = re.compile(r"^(?:GNU)?[Mm]akefile\.(?!(?:am|bak|orig|old|txt|md)$)[A-Za-z0-9_-]+(?:\.in)?$")
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][^/]*)?\.ya?ml$", re.I)
#: GoReleaser's configuration: ``.goreleaser.yml``, ``goreleaser.yaml`` (kured's ``.config/``),
#: ``.goreleaser-nightly.yaml``, ``.goreleaser.pro.yml``
_GORELEASER_NAME = re.compile(r"^\.?goreleaser(?:[._-][\w.-]*)?\.ya?ml$", re.I)
#: a Home Assistant add-on's configuration: the names the Supervisor reads (lower case: not
#: dcmartin's ``CONFIG.json``, nor fredrikbaberg's ``config.json.old``, which no Supervisor reads)
ADDON_CONFIG_NAMES = ("config.yaml", "config.yml", "config.json")
#: its required ``slug`` and ``arch`` keys, top-level in YAML (from the first column) or in JSON
_ADDON_YAML_KEYS = (re.compile(r"^slug[ \t]*:[ \t]*\S", re.M), re.compile(r"^arch[ \t]*:", re.M))
_ADDON_JSON_KEYS = (re.compile(r'"slug"[ \t]*:'), re.compile(r'"arch"[ \t]*:[ \t\r\n]*\['))


#: what a ``Dockerfile.*`` / ``dockerfile_*`` name ending so is not: documentation (devspace's
#: ``dockerfile-context.mdx`` page), data, other languages' sources (BuildKit's
#: ``dockerfile_test.go``), archives, backups (``Dockerfile.grafana.old``; ``_BACKUP_NAME``), fragments to paste into one
#: (k8s-config-connector's ``dockerfile-dev-sandbox.snippet``, no FROM by design), editors' syntax
#: definitions for Dockerfiles (addon-ssh's ``rootfs/usr/share/nano/Dockerfile.nanorc``)
_NOT_DOCKERFILE = (".snippet", ".fragment", ".nanorc", ".sublime-syntax", ".tmlanguage", ".tmpreferences", ".tmsnippet", ".plist", ".md", ".mdx", ".markdown", ".ipynb", ".jsx", ".tsx", ".mjs", ".cjs", ".vue", ".svelte", ".scss", ".less", ".csv", ".txt", ".json", ".sh", ".py", ".toml", ".dockerignore", ".go", ".rs", ".c", ".h", ".cc", ".cpp", ".js", ".ts", ".java", ".kt", ".rb", ".php", ".cs", ".swift", ".scala", ".lua", ".pl", ".ps1", ".bat", ".xml", ".html", ".css", ".lock", ".gz", ".tgz", ".zip", ".png", ".svg", ".pdf", ".jsonnet", ".libsonnet", ".cue", ".tf", ".rst", ".adoc", ".orig", ".bak", ".old", ".swp", ".yml", ".yaml")


#: a Dockerfile's name with a word glued on (``DockerfileOW``, built with ``-f DockerfileOW``;
#: ``ContainerfileDev``): one by its first instruction; not a template (``DockerfileTemplate``)
_GLUED_DOCKERFILE = re.compile(r"^(?:[Dd]ocker|[Cc]ontainer)file(?![A-Za-z]*(?:Template|Tmpl)$)[A-Z0-9][A-Za-z0-9]*$")
#: a Dockerfile's first instruction, after blank and comment lines (parser directives among them)
_FIRST_INSTRUCTION = re.compile(r"(?:[ \t]*(?:#[^\r\n]*)?\r?\n){0,200}[ \t]*(?:FROM|ARG)[ \t]+\S", re.I)


#: a Dockerfile's backup named so whole (zeroprg's ``Dockerfile_old``, ``Dockerfile-bak``; not a
#: Dockerfile of a backup service, ``Dockerfile.influxdb-backup``)
_BACKUP_NAME = re.compile(r"(?:docker|container)file[._-](?:old|bak|backup|orig)$")
#: a build-arguments file named for its Dockerfile (``Dockerfile-args.downstream``, ``Dockerfile.args``)
_ARGS_FILE = re.compile(r"(?:docker|container)file[._-]args(?:[._-]|$)")


def makefile_variant(path: str) -> bool:
    """``Makefile.docker``: a Makefile part (``_MAKEFILE_PART``) made to be run with ``make -f``,
    not ``Makefile``, ``*.mk`` (made to be included) nor a configure template (``Makefile.in``)."""
    base = path.replace(os.sep, "/").rsplit("/", 1)[-1]
    return bool(_MAKEFILE_PART.match(base)) and not base.endswith(".in") and not base.lower().endswith(_NOT_DOCKERFILE)


def kind_by_name(path: str) -> str | None:
    """The kind decided by the file name alone; "yaml" and the "maybe-..." kinds need content."""
    norm = path.replace(os.sep, "/")
    base = norm.rsplit("/", 1)[-1]
    low = base.lower()
    if low in ("dockerfile", "containerfile") or low.endswith((".dockerfile", ".containerfile")) \
            or base.endswith(("_Dockerfile", "-Dockerfile", "_Containerfile", "-Containerfile")):
        return "dockerfile"  # (vast-csi's packaging/base_Dockerfile; not a script named hack/build-dockerfile)
    if low.startswith(("dockerfile.", "dockerfile-", "dockerfile_", "containerfile.", "containerfile-")):
        # (not a build-args file: Konflux's `build-args-file: Dockerfile-args.downstream`, KEY=VALUE lines)
        if not low.endswith(_NOT_DOCKERFILE) and not _ARGS_FILE.match(low) and not _BACKUP_NAME.match(low):
            return "dockerfile"
    if _GLUED_DOCKERFILE.match(base) or "." not in base and low.endswith(("-dockerfile", "_dockerfile", "-containerfile", "_containerfile")):
        # (jperk18's health-patient-api-dockerfile, a compose file's `dockerfile:`; hack/build-dockerfile, a script)
        return "maybe-dockerfile"
    if low.startswith("docker-bake.") and low.endswith((".hcl", ".json")):
        return "bake"  # docker-bake.hcl, docker-bake.override.json, docker-bake.ci.hcl
    if low.endswith(".hcl") and not low.endswith((".pkr.hcl", ".nomad.hcl")) and low != "terragrunt.hcl":
        return "maybe-bake"  # (frigate's docker/rockchip/rk.hcl: a Bake file by its target blocks)
    if base in ("Makefile", "GNUmakefile", "makefile") or low.endswith(".mk") or (
            _MAKEFILE_PART.match(base) and not low.endswith(_NOT_DOCKERFILE)):  # not makefile.go, a source
        return "makefile"
    if low.endswith((".sh", ".bash", ".ksh", ".zsh", ".dash")):
        return "shell"
    if low == "tiltfile" or low.endswith(".tiltfile"):
        return "tiltfile"
    if base == "config.json":
        return "maybe-ha-addon"
    if low.endswith((".md", ".markdown")):
        return "markdown"
    if low.endswith((".py", ".pyi")):
        return "python"
    if low.endswith((".yml", ".yaml")):
        if "/.github/workflows/" in "/" + norm and norm.count("/") >= 2:
            parts = norm.split("/")
            if len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows":
                return "workflow"
        if _COMPOSE_NAME.match(base):
            return "compose"
        if low in KUSTOMIZATION_NAMES[:2]:
            return "kustomization"
        return "yaml"
    if "." not in base:
        return "maybe-shell"
    return None


def chart_of(abspath: str, probes: list | None = None) -> tuple[str, str] | None:
    """(the top chart's folder, the file's path relative to it) of a file under a chart's
    ``templates/`` (the top chart: a subchart under ``charts/`` renders with its parent's
    values), or None.  The ``Chart.yaml``/``Chart.yml`` paths looked at go to ``probes``."""
    parts = os.path.abspath(abspath).split(os.sep)
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] != "templates":
            continue
        root = os.sep.join(parts[:i]) or os.sep
        if not has_chart(root, probes):
            continue
        rel = parts[i:]
        while True:  # a subchart: charts/<name>/ of a folder with a Chart.yaml
            up = os.path.dirname(root)
            if os.path.basename(up) != "charts":
                break
            parent = os.path.dirname(up)
            if not has_chart(parent, probes):
                break
            rel = ["charts", os.path.basename(root)] + rel
            root = parent
        return root, "/".join(rel)
    return None


#: a dependency of a Chart.yaml (or Helm 2's requirements.yaml): its name, alias and repository
_DEP_ITEM = re.compile(r"^[ \t]*(-[ \t]+)?([A-Za-z][\w-]*):[ \t]*[\"']?([^\"'#\s]*)", re.M)
_REMOTE = ("http://", "https://", "oci://", "@", "alias:")
_CHART_META = ("Chart.yaml", "Chart.yml", "requirements.yaml")  # where a chart lists its dependencies
_DEPENDENCIES: dict = {}  # (folder, each meta file's stamp) -> the names of its chart's dependencies from a chart repository


def vendored_chart(abspath: str, probes: list | None = None) -> bool:
    """Whether the file is in a chart that its parent chart takes from a chart repository: the
    ``charts/<name>/`` a ``helm dependency update`` unpacked (metalk8s' kube-prometheus-stack's
    ``charts/grafana/``, a dependency on ``https://grafana.github.io/helm-charts``): another
    project's chart, as ``vendor/`` is another project's code.  A ``file://`` dependency or a
    subchart the parent does not list is the repository's own.  The files read go to ``probes``."""
    folder = os.path.dirname(os.path.abspath(abspath))
    for _ in range(8):
        up = os.path.dirname(folder)
        if up == folder:
            return False
        if os.path.basename(up) == "charts":
            parent = os.path.dirname(up)
            if has_chart(parent, probes) and os.path.basename(folder) in _remote_dependencies(parent, probes):
                return True
        folder = up
    return False


def _remote_dependencies(chart: str, probes: list | None) -> frozenset:
    if probes is not None:  # (every time: each file's result depends on them)
        probes.extend(os.path.join(chart, m) for m in _CHART_META)
    key = (chart,) + tuple(_stamp(os.path.join(chart, m)) for m in _CHART_META)
    hit = _DEPENDENCIES.get(key)
    if hit is None:
        names = set()
        for meta in _CHART_META:
            p = os.path.join(chart, meta)
            try:
                with open(p, "rb") as fh:
                    text = fh.read(1 << 20).decode("utf-8", "replace")
            except OSError:
                continue
            if "dependencies:" not in text:
                continue
            item: dict = {}
            for m in _DEP_ITEM.finditer(text, text.index("dependencies:")):
                if m.group(1) is not None:  # "- name: x": a new list item
                    item = {}
                if m.group(2) in ("name", "alias", "repository"):
                    item[m.group(2)] = m.group(3)
                if item.get("repository", "").startswith(_REMOTE):
                    names.update(v for k, v in item.items() if k in ("name", "alias") and v)
        hit = _DEPENDENCIES[key] = frozenset(names)
        if len(_DEPENDENCIES) > 4096:
            _DEPENDENCIES.clear()
    return hit


def _stamp(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def has_chart(folder: str, probes: list | None) -> bool:
    """Whether ``folder`` holds a ``Chart.yaml`` (or ``Chart.yml``); both paths are probes."""
    found = False
    for name in ("Chart.yaml", "Chart.yml"):
        meta = os.path.join(folder, name)
        if probes is not None:
            probes.append(meta)
        found = found or os.path.isfile(meta)
    return found


#: a Bake target block (``target "app" {``) with a build attribute: an HCL file Bake reads
_BAKE_TARGET = re.compile(r'(?m)^[ \t]*target[ \t]+"?[\w.-]+"?[ \t]*\{[^}]{0,2000}?\b(?:dockerfile|context|platforms)[ \t]*=')


def kind_by_content(path: str, guess: str, head: bytes, abspath: str | None = None, probes: list | None = None) -> str | None:
    """Settle "yaml", "maybe-shell", "maybe-bake", "maybe-dockerfile" and "maybe-ha-addon" with the file's first bytes.  The paths looked at besides
    the file (the folder and ``Chart.yaml`` that make a ``values*.yaml`` Helm values) are added
    to ``probes`` when it is given: the kind depends on them."""
    if guess == "maybe-shell":
        return "shell" if _shell_shebang(head) else None
    if guess == "maybe-bake":
        return "bake" if _BAKE_TARGET.search(head.decode("utf-8", "replace")) else None
    if guess == "maybe-dockerfile":
        if _FIRST_INSTRUCTION.match(head.decode("utf-8", "replace").removeprefix("\ufeff")):  # (after a UTF-8 BOM)
            return "dockerfile"
        return "shell" if _shell_shebang(head) else None  # (a script so named: as any name without a dot)
    if guess == "yaml":
        low = os.path.basename(path).lower()
        if low.startswith("values") and abspath:
            d = os.path.dirname(abspath)
            if probes is not None:
                probes += (d, os.path.join(d, "Chart.yaml"))
            if os.path.isfile(os.path.join(d, "Chart.yaml")):
                return "helm-values"
        if "/templates/" in "/" + path.replace(os.sep, "/") and abspath:
            if chart_of(abspath, probes) is not None:
                return "helm-template"
        text = head.decode("utf-8", "replace")
        if _K8S_SNIFF.search(text) and _KIND_SNIFF.search(text):
            return "kubernetes"
        indented = _K8S_INDENTED.match(text) if text[:1] in " #\n-" else None
        if indented is not None and re.search(rf"(?m)^{indented.group(1)}kind:[ \t]*\S", text):
            return "kubernetes"
        if "/templates/" in "/" + path.replace(os.sep, "/") and "{{" in text:
            return "kubernetes"  # a template outside a chart: the YAML parser reports AL003
        if _GORELEASER_NAME.match(low):
            return "goreleaser"  # by name, once no Kubernetes manifest (tektoncd/catalog's goreleaser Task)
        if "services:" in text and _compose_text(text):
            return "compose"
        if os.path.basename(path) in ADDON_CONFIG_NAMES and (all(k.search(text) for k in _ADDON_YAML_KEYS)
                                                             or _addon_json(head, text)):  # (r3zound's k2fsa: JSON)
            return "ha-addon"
        return None
    if guess == "maybe-ha-addon":
        return "ha-addon" if _addon_json(head, head.decode("utf-8", "replace")) else None
    return guess


def _addon_json(head: bytes, text: str) -> bool:
    """Whether a whole file of 64 KiB at most is a JSON object with ``slug`` and an ``arch`` list
    at its top level (JSON's reader decides)."""
    if len(head) >= 65536 or not text.lstrip("\ufeff \t\r\n").startswith("{") \
            or not all(k.search(text) for k in _ADDON_JSON_KEYS):
        return False
    import json

    try:
        doc = json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError):  # (a nesting deeper than Python's stack: no add-on's)
        return False
    return type(doc) is dict and type(doc.get("arch")) is list and "slug" in doc


#: the top-level keys of a Compose file (and ``x-`` extensions)
_COMPOSE_KEYS = frozenset(("version", "name", "services", "networks", "volumes", "configs", "secrets", "include",
                           "models"))
_TOP_KEY = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:", re.M)
#: a service's ``image: NAME`` on one line, or its build's ``context:`` / ``dockerfile:`` (Lando's
#: ``build: [npm install]`` and Render's ``image: {url: ...}`` are other tools' keys)
_SERVICE_KEY = re.compile(r"^[ \t]+(?:image[ \t]*:[ \t]*[^\s{\[#]|build[ \t]*:[ \t]*[.\w/\"'-]|(?:context|dockerfile)[ \t]*:)",
                          re.M)


def _compose_text(text: str) -> bool:
    """Whether a YAML file not named as a Compose file is one by what it holds: a top-level
    ``services:``, every top-level key one of Compose's (or ``x-...``, in the file's first 64
    KiB), and a service's ``image: NAME``, ``build: PATH`` or build ``context:``/``dockerfile:``
    (opea's ``docker_image_build/build.yaml``, run with ``docker compose -f build.yaml build``)."""
    keys = {m.group(1) for m in _TOP_KEY.finditer(text)}
    return "services" in keys and all(k in _COMPOSE_KEYS or k.startswith("x-") for k in keys) \
        and _SERVICE_KEY.search(text) is not None


def detect(path: str, head: bytes | None = None, abspath: str | None = None, probes: list | None = None) -> str | None:
    """The kind of ``path`` (None: not linted), reading its head when the name is not enough;
    ``probes`` as in ``kind_by_content``."""
    guess = kind_by_name(path)
    if guess in ("yaml", "maybe-shell", "maybe-bake", "maybe-dockerfile", "maybe-ha-addon"):
        if head is None:
            from .source import read_regular

            try:
                head = read_regular(abspath or path, 65536)[:65536]
            except OSError:  # missing, unreadable, or a FIFO/device
                return None
        return kind_by_content(path, guess, head, abspath or path, probes)
    return guess


def kind_from_stdin_name(name: str, text: str) -> str | None:
    return detect(name, text[:65536].encode("utf-8", "replace"), None)


#: name endings of template files (``Dockerfile-linux.template``, ``Dockerfile.j2``): a file of a
#: kind archlint reads whose name ends so, and whose text has template markup, is one templated
#: file (an AL003 notice), not a broken file of its kind
TEMPLATE_SUFFIXES = (".template", ".tmpl", ".tpl", ".gotmpl", ".j2", ".jinja", ".jinja2", ".erb", ".ejs", ".mustache",
                     ".hbs", ".in")
#: template markup: Go/Jinja/Mustache ``{{``, Jinja ``{%``, ERB/EJS ``<%``, the ``%%NAME%%`` placeholders that
#: docker-library style scripts replace (nginx's ``FROM alpine:%%ALPINE_VERSION%%``), autoconf
#: ``@NAME@`` (in ``.in`` files but Makefiles, whose reader takes ``@NAME@`` for an unknown value)
#: template markup in a text (``{{``, ``{%``, ERB's ``<%``, docker-library's ``%%NAME%%``)
MARKUP = re.compile(r"\{\{|\{%|<%|%%[A-Z][A-Z0-9_]*%%")
_AUTOCONF = re.compile(r"@[A-Za-z_][A-Za-z0-9_]*@")
#: a Dockerfile line that starts with template markup where an instruction must be, or with a
#: ``__NAME__`` placeholder from its first column (kubernetes/dns' ``__CROSS_BUILD_COPY__``, which
#: its Makefile's sed turns into ``COPY`` or removes)
_MARKUP_LINE = re.compile(r"^[ \t]*(?:\{\{|\{%|<%)|^__(?=[A-Z][A-Z0-9_]*__(?:[ \t]|$))", re.M)
#: a line that is one ``${NAME}`` alone from its first column: a placeholder for instructions
#: (an indented one is more likely a continuation whose backslash is missing: a real error)
_PLACEHOLDER_LINE = re.compile(r"^(?=\$\{[A-Za-z_][A-Za-z0-9_]*\}[ \t]*$)\$.")


#: what a generated file says in its first lines (golangci-lint's "lax" markers): "Code generated
#: ... DO NOT EDIT.", "This is an auto-generated file", "autogenerated"
_GENERATED = re.compile(r"do not edit|code generated|auto-?generated", re.I)


#: the annotation ``operator-sdk generate bundle`` writes into the ClusterServiceVersion it
#: generates from the operator's ``config/`` (loki's three ``bundle/*/manifests`` CSVs): a key of
#: the CSV's metadata, so indented, wherever the long ``alm-examples`` before it ends
_OPERATOR_SDK = re.compile(r"^[ \t]+operators\.operatorframework\.io/builder:[ \t]*[\"']?operator-sdk", re.M)


def opening_lines(text: str) -> list:
    """The first five lines of ``text`` (of its first 2 KiB): where a file says what it is."""
    return text[:2048].split("\n", 5)[:5]


def generated(text: str, kind: str | None = None) -> bool:
    """Whether ``text`` says, in its first five lines, that it is generated from another file,
    or (a Kubernetes manifest) carries the annotation of the generator that wrote it."""
    if any(_GENERATED.search(line) for line in opening_lines(text)):
        return True
    return kind == "kubernetes" and "operatorframework.io/builder" in text and bool(_OPERATOR_SDK.search(text))


def template_markup(path: str, kind: str, text: str) -> re.Match | None:
    """The first template markup of a file named like a template (``TEMPLATE_SUFFIXES``): then
    it is a template rather than a file of its kind.  None otherwise (a Dockerfile with markup
    where an instruction must be is told by its parse: ``markup_line``)."""
    low = path.rsplit("/", 1)[-1].lower()
    if low.endswith(TEMPLATE_SUFFIXES):
        m = MARKUP.search(text)
        if m is None and low.endswith(".in") and kind != "makefile":  # the Makefile reader knows @NAME@
            m = _AUTOCONF.search(text)
        return m
    return None


#: a folder or file name that says it holds templates: ``tmpl/``, ``templates/``,
#: ``tmplv1.Dockerfile``, ``Dockerfile.template-base`` (its first word, or a folder's name)
_KEPT_AS_TEMPLATE = re.compile(r"(?:^|/)(?:[^/]*[-_])?(?:tmpls?|templates?|templated)/|(?:^|/)(?:tmpl|template)[^/]*$"
                               r"|[._-](?:tmpl|template)$", re.I)


def template_kept(path: str) -> bool:
    """Whether a path's folders or its name's first word say it is a template to be filled in
    (``tmpl/alpine/tmplv1.Dockerfile``: traefik-library-image's, filled by ``envsubst``; a folder
    whose name's last word says so: dotnet-docker's ``eng/dockerfile-templates/``; a name ending
    in the word: tensorflow/serving's ``Dockerfile.runtime_template``, whose ``<<base_image>>`` a
    script's sed fills)."""
    return _KEPT_AS_TEMPLATE.search(path.replace("\\", "/")) is not None


def markup_line(line: str) -> int:
    """Where ``line`` starts with template markup (``{{ range ... }}``, ``{% if %}``, ``<% if %>``,
    ``__CROSS_BUILD_COPY__`` from its first column)
    or is a placeholder alone from its first column (``${LABELS}``, which envsubst fills with
    instructions: percona's ``bundle.Dockerfile``): its column (1-based), 0 when it does not.  In a Dockerfile, markup
    where the parser wanted an instruction makes the file a template."""
    m = _MARKUP_LINE.match(line) or _PLACEHOLDER_LINE.match(line)
    return 0 if m is None else m.end() - 1