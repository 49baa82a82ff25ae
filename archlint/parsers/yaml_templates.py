"""What makes a YAML file a template rather than YAML of its kind: a Helm chart's templates and
files, template markup (``{{``, FreeMarker's ``<#if>``), a ytt annotation, placeholders a script
substitutes (``{NAME}``, ``@NAME@``, ``%NAME%``, ``[YOUR REGISTRY]``, a line ``<NAME>``, a line
``$(cat file)``), bare Go
template markup YAML reads as a mapping key.
``yamldoc.parse`` asks; each answer is a ``SkipFile`` (AL003), never a parse error."""
from __future__ import annotations

import os
import re

from . import SkipFile

_TEMPLATE_RE = re.compile(r"(?<!\$)\{\{")
#: a placeholder a script substitutes before the file is YAML (``clusterIP: {SERVICE_IP_PREFIX}.16``), or a
#: Jinja statement on a line of its own (mkdocs-macros' ``{% raw %}`` around a docs snippet)
_PLACEHOLDER_RE = re.compile(r"(?<![$\w])\{[A-Z][A-Z0-9_]*\}|^[ \t]*\{%[-+]?[ \t]*[a-z]", re.M)
#: an autoconf-style placeholder a script substitutes (``name: @STS_NAME@``: longhorn's scale
#: test; ``@`` cannot start a YAML scalar, so such a file never parses as it stands)
_AT_PLACEHOLDER_RE = re.compile(r"(?<![\w@])@[A-Z][A-Z0-9_]*@(?![\w@])")
#: and between percent signs (``name: %ITS%-apiserver``: kubestellar's monitoring manifests, which
#: a script pipes through ``sed s/%ITS%/.../g``; ``%`` cannot start a YAML scalar either), or two
#: (``registry: %%REGISTRY%%``: amrc-connectivity-stack's chart values, which its Dockerfile seds)
_PERCENT_PLACEHOLDER_RE = re.compile(r"(?<![\w%])(%%?)[A-Z][A-Z0-9_]*\1(?![\w%])")
#: a FreeMarker directive starting a line (``<#if config.features.mail.active??>``, ``</#list>``: gitops-playground's
#: ``*.ftl.yaml``, which its Groovy code renders): a template where YAML fails, or in a file named ``*.ftl.*``
#: (a directive inside a block scalar of valid YAML, a Keycloak theme's, is the scalar's text)
_FTL_RE = re.compile(r"^[ \t]*</?#(?:if|else|elseif|list|items|sep|assign|local|global|include|import|macro|"
                     r"function|return|noparse|switch|case|default|on|attempt|recover|compress|ftl|nested|setting)\b",
                     re.M)
#: a line that is only an upper-case placeholder in angle brackets (``<CERT_MANAGER_ISSUER_ANNOTATION_1>``
#: under ``annotations:``: kubefirst's gitops-template, whose tokens its instantiation replaces)
_ANGLE_LINE_RE = re.compile(r"^[ \t]*(?:-[ \t]+)?<[A-Z][A-Z0-9_]{1,80}>[ \t]*$", re.M)
#: a shell command's output spliced in at a line's first column (``$(cat src/main.py | sed 's/^/    /')``
#: under ``main.py: |``: cortex-k3s' ConfigMaps, a heredoc's body that a script expands before ``kubectl
#: apply``; unindented, it ends the block scalar it stands for): a template where YAML fails on that
#: line or the next (not an indented line of a ``run: |`` script)
_COMMAND_OUTPUT_RE = re.compile(r"^\$\([a-z]", re.M)
#: a ytt (Carvel) annotation: ``#@ load("@ytt:data", "data")``, ``#@ if/end ...:``, ``#@overlay/match``,
#: ``#@data/values``, or a value ytt computes (``name: #@ data.values.name``): comments to YAML, the
#: template's code to ytt, which renders the manifest (ytt's ``examples/eirini/config.yml``)
_YTT_RE = re.compile(r"^[ \t]*(?:-[ \t]+)?#@(?:[ \t]*(?:load\(|def |if\b|if/end|for\b|for/end|end\b|return\b)"
                     r"|(?:overlay|data|schema|yaml|template|library|assert)/)|(?<=:[ \t])#@[ \t]", re.M)


def _chart_template(source) -> str | None:
    """The display folder of the Helm chart whose ``templates/`` holds the file (``kinds.chart_of``;
    every ``Chart.yaml`` looked at is recorded in ``source.inputs``), or None."""
    from ..kinds import chart_of

    for p in dict.fromkeys((source.abspath, source.path)):
        hit = chart_of(p, source.inputs) if p else None
        if hit is not None:
            rel = hit[1].split("/")
            return "/".join(source.path.replace(os.sep, "/").split("/")[:-len(rel)]) or "."
    return None


def _skip(text: str, match) -> SkipFile:
    pos = match.start() if match else 0
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return SkipFile("AL003", "templated file, not linted", line, col)


MAX_CHART_DEPTH = 8  # folders above a file where its chart's Chart.yaml is looked for


def _folders_up(source):
    """The file's folder and those above it, at most ``MAX_CHART_DEPTH``."""
    folder = os.path.dirname(os.path.abspath(source.abspath or source.path))
    for _ in range(MAX_CHART_DEPTH):
        yield folder
        up = os.path.dirname(folder)
        if up == folder:
            return
        folder = up


def _chart_data(source) -> bool:
    """Whether the file is in a Helm chart's folder (a ``Chart.yaml`` at most ``MAX_CHART_DEPTH``
    folders up), outside ``templates/``: a file the chart's templates read and render with
    ``tpl (.Files.Get "files/stateful-set.yaml")`` (nats), linted as they render it.  The
    ``Chart.yaml`` paths looked at are inputs of the result."""
    from ..kinds import has_chart

    return any(has_chart(folder, source.inputs) for folder in _folders_up(source))


def _chart_file(source) -> bool:
    """Whether the file is in a Helm chart's ``files/`` folder (at any depth below it): data its
    templates read with ``.Files.Get`` and render, merged or patched (kserve's
    ``charts/kserve-resources/files/kserve/resources.yaml``, whose image a patch of the chart
    sets), linted as the templates render it.  The ``Chart.yaml`` paths looked at are inputs."""
    from ..kinds import has_chart

    return any(os.path.basename(folder) == "files" and has_chart(os.path.dirname(folder), source.inputs)
               for folder in _folders_up(source))


def _loose_template(text: str, match, source=None) -> SkipFile:
    """A templated YAML file outside a Helm chart (a krew manifest): one line for all of them in
    the human formats.  One in a chart's folder is the chart's to render: nothing said."""
    if source is not None and _chart_data(source):
        return SkipFile("AL003", "templated file of a Helm chart, linted as its templates render it", quiet=True)
    skip = _skip(text, match)
    skip.group = "AL003:loose"
    skip.summary = "{count} templated YAML files outside Helm charts are not linted (lint what they render)"
    return skip


def _mapping_key(roots) -> bool:
    """Whether a block mapping of the documents has a mapping as a key: what YAML makes of
    template markup written bare where a key must be (``{{.LabelKey}}: {{.LabelValue}}``, a Go
    template's), never of a manifest.  Markup where a value is (``image: {{ .kata.image }}``, a
    flow mapping of its own) leaves the file's structure YAML's: linted (kubekey's Ansible
    templates, whose removed API versions are real).  Each node looked at once."""
    from .yamldoc import distinct_collections

    return any(n.id == "mapping" and not n.flow_style and any(k.id == "mapping" for k, _ in n.value)
               for n in distinct_collections(roots))


#: a placeholder for the reader to fill in (``image: {docker_username}/iris-classifier``): YAML
#: reads a flow mapping, then fails on the text after it
_USER_PLACEHOLDER_RE = re.compile(r"(?<![$\w{])\{[A-Za-z_][\w.-]*\}(?=[^\s,}\]])")
#: and in brackets (``image: [YOUR REGISTRY]/echoserver:latest``: ingress-gce's example): a flow
#: sequence, then the text after it
_BRACKET_PLACEHOLDER_RE = re.compile(r"(?<![$\w\[])\[[A-Z][A-Z0-9_ -]{0,40}\](?=[^\s,}\]])")


def _placeholder_at(e, text: str, pattern=_USER_PLACEHOLDER_RE, anywhere: bool = False, before: int = 0):
    """A reader's placeholder right where YAML failed (``{username}/torchserve:latest``: kserve's
    docs samples; YAML read a flow mapping and fails on the text after it), as a match in
    ``text``; None when the error is elsewhere (a ``{date}`` in a quoted string of a line that
    fails for another reason).  ``anywhere``: on the line YAML failed at, where it fails or not
    (``name: @STS_NAME@``: the scanner stops at the ``@``); ``before``: and on as many lines before
    it (a simple key YAML read from the line before fails on the next)."""
    mark = getattr(e, "problem_mark", None)
    if mark is None or not isinstance(mark.line, int) or mark.line < 0:
        return None
    start = 0
    for _ in range(mark.line):
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    end = text.find("\n", start)
    for _ in range(before):
        start = text.rfind("\n", 0, start - 1) + 1 if start > 0 else 0
    for m in pattern.finditer(text, start, len(text) if end < 0 else end):
        if anywhere or m.end() - start == mark.column:
            return m
    return None
