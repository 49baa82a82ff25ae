"""A Helm template linted as what it renders (issue 18).

The engine hands a file of kind ``helm-template`` (a YAML file under a chart's ``templates/``)
here.  Its chart (the top chart, when the file is a subchart's) is loaded once per run and
rendered statically (``archlint.helm``); the documents the template renders are linted as
Kubernetes manifests, by the same rules and the same facts as any manifest, and every finding
is placed back on the template's line that produced it (text from a ``define`` on the line of the
``include``), with the values file lines that gave its values as related locations.  What the
renderer could not decide is a placeholder no rule reports; a template that cannot be rendered
is one AL003 notice (the notices of one chart are grouped into one line in text output).

Fixes are not offered: they would edit the rendered text.  The result depends on every file of
the chart (templates, helpers, values, subcharts): they are the result's inputs, so the result
cache re-lints the template when any of them changes.
"""
from __future__ import annotations

import os

from ..kinds import chart_of
from ..model import FileResult, Notice, Related, Severity, Span
from ..registry import on_new_run

_CHARTS: dict = {}  # (chart folder, kubernetes version, extra values, packs) -> (Chart or None, {input: stat})


def _forget() -> None:
    _CHARTS.clear()


on_new_run(_forget)  # a language server's next lint reads the charts again


def _kube_version(settings) -> str:
    from ..checks.kubernetes.apis import default_kubernetes_version

    return getattr(settings, "kubernetes_version", None) or default_kubernetes_version()


def _chart(root: str, settings):
    """The loaded chart, remembered for the run (``registry.new_run`` forgets it: the language
    server starts one before each lint) while what it read besides the templates' own texts
    (values files, helpers, ``Chart.yaml``, folders: a template added) stays as it was; each
    template's text is compared when it is rendered (``Chart.render``)."""
    from ..run.cache import _path_sig

    kube = _kube_version(settings)
    key = (root, kube, tuple(getattr(settings, "helm_values", ()) or ()), tuple(getattr(settings, "rule_packs", ())))
    hit = _CHARTS.get(key)
    if hit is not None and all(_path_sig(p) == sig for p, sig in hit[1].items()):
        return hit[0]
    from . import load_chart
    from ..checks.kubernetes.served import served

    chart = load_chart(root, extra_values=key[2], kube_version=kube, api_has=served(settings, kube))
    if len(_CHARTS) > 64:
        _CHARTS.clear()
    watched = [] if chart is None else [p for p in dict.fromkeys(chart.inputs) if not _rendered_template(p)]
    _CHARTS[key] = (chart, {p: _path_sig(p) for p in watched})
    return chart


def _rendered_template(path: str) -> bool:
    """A template file (not a helper): its text is compared at each render, not its stat."""
    base = os.path.basename(path)
    return base.endswith((".yaml", ".yml")) and not base.startswith("_") and \
        f"{os.sep}templates{os.sep}" in path

def lint_template(source, settings, result: FileResult, lint_source) -> None:
    """Lint the template ``source`` into ``result`` (see the module's documentation);
    ``lint_source(source, kind, settings, result)`` is the engine's lint of one text."""
    from ..source import Source

    path = source.path
    probes: list = []
    where = chart_of(source.abspath, probes)
    source.inputs += probes
    if where is None:
        return
    root, rel = where
    chart = _chart(root, settings)
    if chart is None:
        return
    rendered = chart.render(rel, source.text)
    source.inputs += list(dict.fromkeys(chart.inputs + rendered.inputs))
    me = os.path.abspath(source.abspath)
    # what stopped or cut this template's render (a helper's fail included), and what the chart's
    # loading said of this file itself
    notices = list(rendered.notices) + [n for n in chart.notices if os.path.abspath(n.file) == me]
    texts: list[str] = []
    origins: list = []  # rendered line (0-based) -> LineOrigin or None
    for doc in rendered.documents:
        if texts:
            texts.append("---")
            origins.append(None)
        body = doc.text.split("\n")
        if body and body[-1] == "":
            body.pop()
        texts.extend(body)
        origins.extend(doc.lines[:len(body)] + [None] * (len(body) - len(doc.lines)))
    if notices:
        n = notices[0]
        mine = os.path.abspath(n.file) == me
        line = n.line if mine else 1
        at = "" if mine else f" ({_display(n.file, source)}:{n.line})"
        result.notices.append(Notice(
            "AL003", f"{path}: Helm template partly rendered: {n.message}{at}", path, max(1, line), 1, Severity.INFO,
            group=f"helm:{_display(root, source)}", summary=f"{{count}} templates of the Helm chart {_display(root, source)} "
                                           "could not be rendered in full (the rest was linted)"))
    if not texts:
        return
    text = "\n".join(texts) + "\n"
    inner = Source(path, text, abspath=source.abspath, encoding=source.encoding)
    inner.rendered = True
    sub = FileResult(path, "kubernetes", lines=None, encoding=source.encoding)
    lint_source(inner, "kubernetes", settings, sub)
    source.inputs += [p for p in inner.inputs if p != source.abspath]
    lines = source.lines
    seen: set = set()
    for f in sub.findings:
        o = _origin(f.span.line, origins, me)
        span = _place(f.span, origins, lines, inner.lines, me)
        if span is None or _judged_in_values(f, o):
            continue
        if f.rule_id in _API_RULES and o is not None and o.conditional:
            continue  # (an apiVersion the chart writes only where a test archlint cannot decide holds)
        # an image the render lost the origin of (no values read on its line, the template line
        # does not write it) that a values file's image: key sets: the values file's
        written = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        lost = f.key if f.key and not (o is not None and o.values) and f.key not in written else None
        images = _values_images(chart) if lost else {}
        if lost in images and f.rule_id in _VALUES_JUDGED or ("key", lost) in images and f.rule_id == "K8S005":
            continue  # (K8S005: a deprecated label a values file's nodeSelector holds, judged there)
        ident = (f.rule_id, span.line, f.message)
        if ident in seen:
            continue  # one template line rendered several times (a range)
        seen.add(ident)
        f.span, f.fix = span, None
        values = {(v.file, v.line): v for v in o.values if v.file}.values()
        f.related = tuple(f.related) + tuple(
            Related(Span(v.line, 1, v.line, 1), f"{v.path} is set to {v.value!r} here", _display(v.file, source))
            for v in values)
        if lost in images:
            vf, vl = images[lost]
            f.related += (Related(Span(vl, 1, vl, 1), f"image is set to {f.key!r} here", _display(vf, source)),)
        result.findings.append(f)
    for n in sub.notices:
        if n.rule_id in ("AL001", "AL004"):  # the rendered text is not YAML: the renderer's doing
            result.notices.append(Notice(
                "AL003", f"{path}: Helm template rendered to text that is not YAML ({n.message})", path, 1, 1,
                Severity.INFO, group=f"helm:{_display(root, source)}",
                summary=f"{{count}} templates of the Helm chart {_display(root, source)} could not be rendered "
                        "in full (the rest was linted)"))
            break
    if sub.facts:
        result.facts = _place_facts(sub.facts, origins, lines, inner.lines, me)
    result.findings.sort(key=lambda f: f.sort_key())
    from ..fingerprint import assign_fingerprints

    assign_fingerprints(result)


#: the image rules that also judge a chart's values files (``image:`` there: K8S001 "Helm values set
#: image ... to the mutable tag latest"; a values image without a tag is the chart's appVersion, so
#: K8S002 is not one of them)
_VALUES_JUDGED = frozenset(("K8S001", "K8S007"))


#: the API-version rules: a chart commonly writes an old apiVersion only for the clusters that
#: serve it (bitnami's ``if (include "common.capabilities.psp.supported" .)``); one rendered only
#: under a condition archlint cannot decide (a helper of a dependency not in the repository) is
#: not known to be applied
_API_RULES = frozenset(("K8S003", "K8S004"))


def _judged_in_values(f, o) -> bool:
    """A mutable image whose reference a chart's values file gives under an ``image`` key: that
    file's own finding says it where the fix goes, once for every template using it.  Not a
    ``latest`` the values do not hold (``image: {repository: x, tag: ""}`` and a template that
    writes ``:latest`` itself: the values file has nothing to say)."""
    if f.rule_id not in _VALUES_JUDGED:
        return False
    for v in o.values:
        if "image" in v.path.split(".") and _judged_values_file(v.file) \
                and (f.rule_id != "K8S001" or "latest" in str(v.value)):
            return True
    return False


def _judged_values_file(path: str | None) -> bool:
    """A values file archlint judges as such: ``values*.yaml`` beside its ``Chart.yaml``."""
    return bool(path) and os.path.basename(path).startswith("values") and \
        os.path.isfile(os.path.join(os.path.dirname(path), "Chart.yaml"))


def _values_images(chart) -> dict:
    """The strings a chart's values set under an ``image`` key (``initContainers: [{image:
    busybox:latest}]``), each with where it is written (file, line), worked out once per chart:
    a rendered image found among them is the values file's, even where the render lost where it
    came from (``toYaml`` of a values subtree through ``include``: opentelemetry-demo's init
    containers); so is a node label key (``("key", label)``: onap's ``toYaml`` of a values
    ``nodeSelector`` with ``beta.kubernetes.io/arch``)."""
    got = chart.values_images
    if got is None:
        got, todo, budget = {}, [chart.values], 100_000
        while todo and budget > 0:
            budget -= 1
            v = todo.pop()
            if isinstance(v, dict):
                for k, x in v.items():
                    if k == "image" and isinstance(x, str):
                        at = getattr(v, "origins", {}).get(k)
                        if at and x not in got and _judged_values_file(at[0]):
                            got[x] = (at[0], at[1])
                    elif isinstance(x, (dict, list)):
                        todo.append(x)
                    elif "kubernetes.io/" in k and ("key", k) not in got:  # a node label (nodeSelector)
                        at = getattr(v, "origins", {}).get(k)
                        if at and _judged_values_file(at[0]):
                            got[("key", k)] = (at[0], at[1])
            elif isinstance(v, list):
                todo.extend(x for x in v if isinstance(x, (dict, list)))
        chart.values_images = got
    return got


def _display(root: str, source) -> str:
    """A path (the chart's folder, a values file) as the linted file's display path shows it."""
    rel = os.path.relpath(root, os.path.dirname(os.path.abspath(source.abspath)))
    return os.path.normpath(os.path.join(os.path.dirname(source.path) or ".", rel)).replace(os.sep, "/")


def _origin(line: int, origins: list, me: str):
    """The origin of rendered ``line`` (1-based) when it is a line of this template."""
    if not 1 <= line <= len(origins):
        return None
    o = origins[line - 1]
    if o is None or os.path.abspath(o.file) != me:
        return None
    return o


def _place(span: Span, origins: list, lines: list, rendered: list, me: str) -> Span | None:
    """``span`` of the rendered text placed on the template: the same columns when the template
    line reads as the rendered one, else the template line's text."""
    o = _origin(span.line, origins, me)
    if o is None or not 1 <= o.line <= len(lines):
        return None
    line = o.line
    src = lines[line - 1]
    out = rendered[span.line - 1] if span.line <= len(rendered) else ""
    if src == out and span.end_line == span.line:
        return Span(line, span.col, line, span.end_col)
    start = len(src) - len(src.lstrip()) + 1
    return Span(line, start, line, max(start + 1, len(src.rstrip()) + 1))


def _place_facts(facts: dict, origins: list, lines: list, rendered: list, me: str) -> dict | None:
    """The facts of the rendered text with their spans placed on the template (facts whose
    place is not a line of this template are left out)."""
    out: dict = {}
    for key, items in facts.items():
        if type(items) is not list:
            out[key] = items
            continue
        kept = []
        for it in items:
            if type(it) is dict and "span" in it:
                sp = _place(Span(*it["span"]), origins, lines, rendered, me)
                if sp is None:
                    continue
                it = dict(it, span=[sp.line, sp.col, sp.end_line, sp.end_col])
            kept.append(it)
        if kept:
            out[key] = kept
    return out or None
