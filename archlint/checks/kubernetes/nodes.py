"""Kubernetes rules K8S005 and K8S006: node selection by architecture (``nodeSelector`` and
required node affinity on the arch and os labels), in manifests and Helm values."""
from __future__ import annotations

from ... import platforms as plat
from ...model import Edit, Fix, Severity
from ...parsers.yamldoc import is_map, is_scalar, items, pairs, path, scalar, text, value, walk_mappings
from ...registry import rule
from . import workloads as wl
from .rules import _dynamic, _emit

ARCH_LABEL = "kubernetes.io/arch"
BETA_LABELS = {"beta.kubernetes.io/arch": "kubernetes.io/arch", "beta.kubernetes.io/os": "kubernetes.io/os"}


class _Selector:
    """A node-selection term on a label: ``nodeSelector`` entry or a ``matchExpressions`` item."""

    __slots__ = ("obj", "where", "key_node", "label", "values", "operator", "siblings", "required", "fallback")

    def __init__(self, obj, where, key_node, label, values, operator, siblings, required):
        self.obj = obj
        self.where = where  # "nodeSelector" | "node affinity"
        self.key_node = key_node  # the node holding the label name (a key or a `key:` value)
        self.label = label
        self.values = values  # value nodes of the label
        self.operator = operator  # "In" for nodeSelector
        self.siblings = siblings  # labels next to it (same nodeSelector / same term)
        self.required = required
        self.fallback = False  # a beta label's term beside a term of the GA label (``_fallbacks``)


def _match_expressions(obj, term, required, where="node affinity"):
    out = []
    exprs = [e for e in items(value(term, "matchExpressions")) if is_map(e)]
    labels = {text(e, "key") for e in exprs}
    for e in exprs:
        k = value(e, "key")
        label = scalar(k) if is_scalar(k) else None
        if not label:
            continue
        vals = [v for v in items(value(e, "values")) if is_scalar(v)]
        out.append(_Selector(obj, where, k, label, vals, text(e, "operator") or "", labels, required))
    return out


def _selectors_in(obj, node_selector, affinity) -> list:
    out = []
    if is_map(node_selector):
        ps = pairs(node_selector)
        labels = {k.value for k, _ in ps}
        for k, v in ps:
            out.append(_Selector(obj, "nodeSelector", k, k.value, [v] if is_scalar(v) else [], "In", labels, True))
    na = value(affinity, "nodeAffinity")
    if is_map(na):
        terms = [_match_expressions(obj, term, True)
                 for term in items(path(na, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"))]
        _fallbacks(terms)
        for term in terms:
            out.extend(term)
        for pref in items(value(na, "preferredDuringSchedulingIgnoredDuringExecution")):
            out.extend(_match_expressions(obj, value(pref, "preference"), False))
    return out


def _fallbacks(terms: list) -> None:
    """Marks a beta label's expression ``fallback`` when another of the (ORed) node selector terms
    selects the same with the GA label (wavefront's Pixie manifests: a `kubernetes.io/os In
    [linux]` term, then a `beta.kubernetes.io/os In [linux]` one for nodes labelled the old way):
    scheduling never depends on the beta label there.  Linear in the expressions."""
    def shape(sel, label):
        return label, sel.operator, tuple(sorted(scalar(v) or "" for v in sel.values))

    ga = {}  # shape -> the terms (their index) holding it
    for i, term in enumerate(terms):
        for sel in term:
            if sel.label in BETA_LABELS.values():
                ga.setdefault(shape(sel, sel.label), set()).add(i)
    for i, term in enumerate(terms):
        for sel in term:
            new = BETA_LABELS.get(sel.label)
            if new is not None and ga.get(shape(sel, new), set()) - {i}:
                sel.fallback = True


def _selectors(ctx) -> list:
    def compute():
        out = []
        for obj, spec in wl.pod_specs(ctx):
            out.extend(_selectors_in(obj, value(spec, "nodeSelector"), value(spec, "affinity")))
        if ctx.kind == "helm-values":
            for doc in ctx.model.documents:
                for m in walk_mappings(doc):
                    ns, aff = value(m, "nodeSelector"), value(m, "affinity")
                    if is_map(ns) or is_map(aff):
                        out.extend(_selectors_in(None, ns, aff))
        return out

    return ctx.cached("k8s.selectors", compute)


@rule("K8S005", "deprecated-arch-label", severity=Severity.INFO, fix="safe",
      tags=("multi-arch", "kubernetes"))
def deprecated_arch_label(ctx):
    """
    ## What it does
    Flags `beta.kubernetes.io/arch` and `beta.kubernetes.io/os` in a `nodeSelector` or a node
    affinity expression. Not reported for a node affinity term on the beta label beside another
    term selecting the same with the new one (the terms are alternatives: a fallback for nodes
    labelled the old way, which scheduling never depends on; wavefront's Pixie manifests, 8 lines
    judged wrong readings).

    ## Why is this bad?
    The beta labels were deprecated in Kubernetes 1.14 in favour of `kubernetes.io/arch` and
    `kubernetes.io/os`. The kubelet still sets both, so the selector works on its nodes today (an
    info finding, a cleanup), but its source marks the beta ones for removal, and a node labelled
    another way (a virtual kubelet, a provider's template) may carry only the GA labels: a pod
    that selects on a label no node has stays `Pending` forever.

    ## Example
    ```yaml
    nodeSelector:
      beta.kubernetes.io/arch: amd64
    ```

    ## Use instead
    ```yaml
    nodeSelector:
      kubernetes.io/arch: amd64
    ```

    ## Fix
    Safe: renames the label to `kubernetes.io/arch` (or `kubernetes.io/os`). Not offered when the
    same selector already has the new label (remove the beta one by hand).
    """
    model = ctx.model
    seen: set = set()
    for sel in _selectors(ctx):
        new = BETA_LABELS.get(sel.label)
        if new is None or sel.fallback:
            continue
        fix = None
        if new not in sel.siblings and model.exact_scalar(sel.key_node):
            fix = Fix(f"Rename to {new}", (Edit(model.content_span(sel.key_node), new),), safe=True)
        hint = f"use {new}" if fix else f"remove it: {new} is already set next to it"
        f = _emit(ctx, sel.obj, seen, ctx.report(
            model.content_span(sel.key_node),
            f"{sel.where} uses the deprecated label {sel.label}; nodes are labelled {new}.",
            hint=hint,
            fix=fix,
            key=sel.label,
        ))
        if f:
            yield f


@rule("K8S006", "node-arch-mismatch", severity=Severity.ERROR, tags=("multi-arch", "kubernetes"))
def node_arch_mismatch(ctx):
    """
    ## What it does
    Flags a `nodeSelector` or required node affinity on `kubernetes.io/arch` (or the beta label)
    that allows an architecture none of the configured `platforms` has.

    ## Why is this bad?
    The pod is scheduled onto nodes of that architecture while the image is built only for the
    configured platforms: the pull fails with "no matching manifest" or the container crashes
    with `exec format error`. With `In` and several values, each value must be a configured
    architecture, since the pod may land on any of them. Reported only when `platforms` is
    configured; preferred (soft) affinity and `NotIn` are not reported.

    ## Example
    ```yaml
    # platforms = ["linux/amd64"]
    nodeSelector:
      kubernetes.io/arch: arm64
    ```

    ## Use instead
    ```yaml
    nodeSelector:
      kubernetes.io/arch: amd64
    ```

    ## Fix
    No automatic fix: either build the image for that architecture too (add it to `platforms`)
    or select the nodes you build for.
    """
    targets = ctx.targets
    if targets.none:
        return
    arches = targets.arches
    model = ctx.model
    seen: set = set()
    for sel in _selectors(ctx):
        if sel.label not in (ARCH_LABEL, "beta.kubernetes.io/arch") or not sel.required or sel.operator != "In":
            continue
        for v in sel.values:
            arch = scalar(v)
            if not arch or _dynamic(arch) or arch in arches:
                continue
            alias = plat.ARCH_ALIASES.get(arch.lower())
            if alias and alias[0] in arches:
                hint = f"nodes are labelled with Go architecture names: use {alias[0]}"
            else:
                hint = f"add linux/{arch} to platforms and build the image for it, or select {', '.join(sorted(arches))} nodes"
            f = _emit(ctx, sel.obj, seen, ctx.report(
                model.content_span(v),
                f"{sel.where} schedules the pod on {arch} nodes, but the configured platforms are "
                f"{targets.describe()}.",
                hint=hint,
                key=f"{sel.label}={arch}",
            ))
            if f:
                yield f
