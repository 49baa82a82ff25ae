"""Kubernetes rules K8S003 and K8S004: API versions a cluster deprecates or no longer serves.

They read the ``kubernetes-apis`` rule pack (``rules/kubernetes-apis.yaml`` plus user packs of
that type) through ``_api_entries``, and judge each object's ``apiVersion`` and ``kind`` at the
release its cluster runs (``_target``).
"""
from __future__ import annotations

import re

from ...model import Severity
from ...parsers.gomod import built_against
from ...parsers.yamldoc import is_scalar, scalar
from ...registry import rule
from .rules import PACK, _emit, _objects

def _api_entries(settings) -> list:
    """The ``kubernetes-apis`` pack entries: the shipped pack plus user packs of that type.
    (The one place that reads the data; swap it for another loader here.)"""
    from ...packs import load_pack

    return load_pack(PACK, tuple(getattr(settings, "rule_packs", ()) or ()))


def _vtuple(v) -> tuple[int, int]:
    nums = re.findall(r"\d+", str(v))
    return (int(nums[0]), int(nums[1])) if len(nums) >= 2 else (int(nums[0]), 0) if nums else (0, 0)


def _vstr(v) -> str:
    major, minor = _vtuple(v)
    return f"{major}.{minor}"


#: The newest Kubernetes release rules/kubernetes-apis.yaml covers (tests/data/k8s-lifecycle.tsv, from
#: kubernetes/api v0.37.0-beta.0: 1.37 after code freeze), and the default ``kubernetes-version``.  Kubernetes supports its newest
#: three minor releases (1.35 to 1.37 in that data); the newest flags every removal any of them has
#: made.  Not the newest date in the pack: planned removals name releases that do not exist yet.
NEWEST_RELEASE = (1, 37)
OLDEST_SUPPORTED = (NEWEST_RELEASE[0], NEWEST_RELEASE[1] - 2)  # (the oldest of those three)
_ASSUMED = ", the newest release archlint knows; set kubernetes-version"  # (how a message names the assumed release)
#: the newest Flux release the pack's Flux entries (``component: flux``) cover; a Flux API's
#: deprecation is reported once its replacement is served by the two minor releases before it too
NEWEST_FLUX = (2, 9)
OLDEST_FLUX = (NEWEST_FLUX[0], NEWEST_FLUX[1] - 2)


def _api_index(settings) -> dict:
    """(apiVersion, kind) -> entry."""
    from ...packs import index_by

    return index_by(_api_entries(settings), "apiVersion", "kind")


def default_kubernetes_version() -> str:
    """The version K8S003/K8S004 assume without ``kubernetes-version``: the newest release
    archlint knows (``NEWEST_RELEASE``, the newest release its API data covers)."""
    return "%d.%d" % NEWEST_RELEASE


def _target(ctx) -> tuple[tuple[int, int], str]:
    """The release the API rules judge against, and how the message names it: the configured
    ``kubernetes-version``; else the release the repository's Go module builds against, when
    older than the newest archlint knows (``parsers.gomod.built_against``); else the newest."""
    configured = getattr(ctx.settings, "kubernetes_version", None)
    if configured:
        return _vtuple(configured), f"kubernetes-version {_vstr(configured)}"
    newest = NEWEST_RELEASE
    if ctx.source.rendered and ctx.source.abspath:  # (a Helm template, as it renders)
        from .chart_range import chart_upper_bound

        bound = ctx.cached("kubernetes.chart_range", lambda: chart_upper_bound(ctx.source.abspath, ctx.depends_on))
        if bound is not None and bound[0] < newest:
            return bound[0], f"the chart's kubeVersion \"{bound[1]}\" installs on Kubernetes {bound[0][0]}.{bound[0][1]} at most"
    built = ctx.cached("kubernetes.go_mod", lambda: built_against(ctx))
    if built is not None and built[0] < newest:
        (major, minor), module = built
        return built[0], f"Kubernetes {major}.{minor}, which go.mod's {module} builds against; set kubernetes-version"
    return newest, f"Kubernetes {newest[0]}.{newest[1]}{_ASSUMED}"


def _api_findings(ctx, removed: bool):
    index = _api_index(ctx.settings)
    target = why = None  # worked out at the first API of the data (it may read go.mod)
    model = ctx.model
    seen: set = set()
    for obj in _objects(ctx):
        if obj.api_version is None or not is_scalar(obj.api_version[1]):
            continue
        api = scalar(obj.api_version[1])
        if not removed and obj.kind == "Kustomization" and api.startswith("kustomize.toolkit.fluxcd.io/"):
            yield from _health_checks(ctx, obj, index, seen)
        entry = index.get((api, obj.kind))
        if entry is None:
            continue
        if entry.get("component"):  # (Flux's own versions: which Flux the cluster runs is not known)
            f = None if removed else _flux_deprecation(ctx, obj, api, entry, seen)
            if f:
                yield f
            continue
        if target is None:
            target, why = _target(ctx)
        rm = entry.get("removed-in")
        dep = entry.get("deprecated-in")
        is_removed = rm is not None and target >= _vtuple(rm)
        if removed != is_removed or not removed and not (dep is not None and target >= _vtuple(dep)):
            continue
        repl = entry.get("replacement", "")
        avail = entry.get("replacement-available-in")
        if not removed and avail and why.endswith(_ASSUMED) and _vtuple(avail) > OLDEST_SUPPORTED:
            continue  # (the clusters of a release still supported would not serve the replacement)
        use = f"use {repl}" + (f" (available since {_vstr(avail)})" if avail else "")
        if entry.get("message"):
            use += f"; {entry['message'].rstrip('.')}"
        if removed:
            msg = f"{obj.kind} {api} was removed in Kubernetes {_vstr(rm)}, so applying it fails ({why})."
        else:
            planned = "to be " if rm and _vtuple(rm) > NEWEST_RELEASE else ""
            until = f" and is {planned}removed in {_vstr(rm)}" if rm else ""
            msg = f"{obj.kind} {api} is deprecated since Kubernetes {_vstr(dep)}{until} ({why})."
        f = _emit(ctx, obj, seen, ctx.report(
            model.content_span(obj.api_version[1]), msg, hint=use, key=f"{api} {obj.kind}"
        ))
        if f:
            yield f


def _health_checks(ctx, obj, index: dict, seen: set):
    """K8S003 for the Flux API versions a Flux ``Kustomization``'s ``spec.healthChecks`` name
    (JJGadgets' health check of a ``helm.toolkit.fluxcd.io/v2beta1`` HelmRelease): a Flux that no
    longer serves it cannot find the object, and the Kustomization never becomes ready."""
    from ...parsers.yamldoc import items, text, value

    for check in items(value(value(obj.node, "spec"), "healthChecks"))[:256]:
        node, kind = value(check, "apiVersion"), (text(check, "kind") or "").strip()
        entry = index.get(((scalar(node) or "").strip(), kind)) if is_scalar(node) else None
        if entry is not None and entry.get("component"):
            f = _flux_deprecation(ctx, obj, scalar(node).strip(), entry, seen, kind=kind, node=node)
            if f:
                yield f


def _flux_deprecation(ctx, obj, api: str, entry: dict, seen: set, kind: str | None = None, node=None):
    """K8S003 for a Flux API version (``component: flux``): deprecated in a Flux release, once
    its replacement has been served for three minor releases (``OLDEST_FLUX``), naming the release
    that stopped serving it; a file alone does not say which Flux the cluster runs (a whole run
    judges it at the release the repository names: ``flux_judged``), so K8S004 never says that
    applying it fails."""
    dep, rm, avail = entry.get("deprecated-in"), entry.get("removed-in"), entry.get("replacement-available-in")
    if dep is None or avail and _vtuple(avail) > OLDEST_FLUX:
        return None
    if rm is None:
        until = ""
    elif _vtuple(rm) > NEWEST_FLUX:
        until = f", to be removed in Flux {_vstr(rm)}"
    else:
        until = f", and no Flux release since {_vstr(rm)} serves it"
    what = f"The health check of a {kind}, {api}," if kind else f"{obj.kind} {api}"
    msg = f"{what} is deprecated since Flux {_vstr(dep)}{until} {FLUX_UNKNOWN}."
    use = f"use {entry.get('replacement', '')}" + (f" (available since Flux {_vstr(avail)})" if avail else "") \
        + ("; `flux migrate -f .` (Flux 2.7.1 and later) rewrites the files" if not kind else " in the health check")
    return _emit(ctx, obj, seen, ctx.report(ctx.model.content_span(node if node is not None else obj.api_version[1]),
                                            msg, hint=use, key=f"{api} {kind or obj.kind}"))


#: how a Flux deprecation's message says the release the cluster runs is not known; in a whole run
#: ``flux_judged`` replaces it with the release the repository installs
FLUX_UNKNOWN = "(which Flux the cluster runs is not known)"
_FLUX_DEP = re.compile(r"deprecated since Flux (\d{1,4})\.(\d{1,4})")
_FLUX_AVAIL = re.compile(r"\(available since Flux (\d{1,4})\.(\d{1,4})\)")


def flux_judged(f, installs: set):
    """A Flux API's K8S003 finding (``_flux_deprecation``) judged at the Flux releases the
    repository says it installs (``patches.flux``, (major, minor, patch) each): none where the
    newest of them does not deprecate the API yet (toboshii's Flux 0.31.4 and its
    ``helm.toolkit.fluxcd.io/v2beta1``, deprecated in 2.2); else the message names that release,
    and where the oldest does not serve the replacement yet, the hint says to upgrade Flux first
    (carpenike's 2.2.2 bootstrap and ``helm.toolkit.fluxcd.io/v2``, served from 2.3)."""
    if not installs or FLUX_UNKNOWN not in f.message:
        return f
    newest, oldest = max(installs), min(installs)
    dep = _FLUX_DEP.search(f.message)
    if dep and newest[:2] < (int(dep.group(1)), int(dep.group(2))):
        return None
    f.message = f.message.replace(FLUX_UNKNOWN, "(the repository installs Flux %d.%d.%d)" % newest)
    avail = _FLUX_AVAIL.search(f.hint or "")
    if avail and oldest[:2] < (int(avail.group(1)), int(avail.group(2))):
        f.hint = f"upgrade Flux to {avail.group(1)}.{avail.group(2)} or later first (the repository installs " \
                 + "%d.%d.%d" % oldest + "), then " + f.hint
    return f


def uses_core_api(ctx) -> bool:
    """Whether an object of the file uses a Kubernetes API the API pack names (not a Flux one):
    what a release of the repository's cluster may judge again (``kube_judged``)."""
    index = _api_index(ctx.settings)
    return any(o.api_version is not None and is_scalar(o.api_version[1]) and not (
        index.get((scalar(o.api_version[1]), o.kind)) or {"component": True}).get("component") for o in _objects(ctx))


_ASSUMED_WHY = re.compile(r" \(Kubernetes \d{1,3}\.\d{1,3}" + re.escape(_ASSUMED) + r"\)\.$")
_REMOVED_AT = re.compile(r" was removed in Kubernetes (\d{1,3})\.(\d{1,3}), so applying it fails")
_DEPRECATED_AT = re.compile(r" is deprecated since Kubernetes (\d{1,3})\.(\d{1,3})")
_AVAILABLE = re.compile(r"\(available since (\d{1,3})\.(\d{1,3})\)")


def kube_judged(f, releases: set):
    """A K8S003/K8S004 finding made at the release archlint assumed (no ``kubernetes-version``),
    judged at the Kubernetes releases the repository's cluster runs (``patches.kube``, (major,
    minor) each; the newest counts): a deprecation not yet made there is dropped; a removal not yet
    made there is one the next upgrade makes (auricom's k3s 1.21 Plans and its ``rbac/v1beta1``,
    removed in 1.22: a warning, the message says so), unless the replacement is not served there yet
    (``autoscaling/v2`` from 1.23 on a 1.21 cluster: dropped); else the message names the release."""
    at = _ASSUMED_WHY.search(f.message)
    if not releases or at is None:
        return f
    newest = max(releases)
    said = "%d.%d" % newest
    rm = _REMOVED_AT.search(f.message)
    if rm is not None and newest < (int(rm.group(1)), int(rm.group(2))):
        avail = _AVAILABLE.search(f.hint or "")
        if avail is not None and newest < (int(avail.group(1)), int(avail.group(2))):
            return None  # (the replacement is not served there yet: nothing to do on that cluster)
        gone = f"{rm.group(1)}.{rm.group(2)}"
        f.message = (f.message[:rm.start()] + f" is removed in Kubernetes {gone}; the repository's cluster runs {said},"
                     f" which still serves it, so applying it fails once the cluster is upgraded to {gone}.")
        if f.severity is Severity.ERROR:  # (not yet failing: a warning, unless the configuration set another)
            f.severity = Severity.WARNING
        return f
    dep = _DEPRECATED_AT.search(f.message)
    if rm is None and dep is not None and newest < (int(dep.group(1)), int(dep.group(2))):
        return None
    f.message = f.message[:at.start()] + f" (the repository's cluster runs Kubernetes {said})."
    return f


@rule("K8S003", "deprecated-api-version", severity=Severity.WARNING, tags=("kubernetes", "compatibility"))
def deprecated_api_version(ctx):
    """
    ## What it does
    Flags an object whose `apiVersion` and `kind` are deprecated at the configured
    `kubernetes-version` (and not yet removed there: that is K8S004).

    ## Why is this bad?
    A deprecated API version still works but is scheduled for removal; the upgrade that removes
    it turns every `kubectl apply` of this file into an error. The message names the replacement
    and the release that removes it. The data is `rules/kubernetes-apis.yaml` (every removal in
    the official deprecation guide since 1.16 and every deprecation and removal of the official
    lifecycle data up to 1.37, alpha versions included, with sources); add rows for your own
    APIs with a `kubernetes-apis` pack in `rule-packs`. Without `kubernetes-version` the release
    the repository's Go module builds against is assumed (`k8s.io/api v0.36.x`, `client-go`,
    `apimachinery` in the nearest `go.mod`: 1.36), else the newest release archlint knows (1.37); then a
    deprecation is reported only when every release Kubernetes still supports (1.35 to 1.37) serves the
    replacement: moving a `MutatingAdmissionPolicy` to `admissionregistration.k8s.io/v1`, served from 1.36,
    would break it on a 1.35 cluster (xunholy's k8s-gitops runs 1.35 with the beta API switched on). In a
    whole run, a k3s system-upgrade `Plan`'s release is the cluster's (see K8S004).
    As K8S004, in a whole run not reported for a variant kept for old clusters in a folder or file named
    for its version (`crd/v1beta1/jobs.yaml` beside `crd/v1/jobs.yaml`, `bundle-v1beta1.yaml` beside `bundle.yaml`).
    Flux's own API versions (`helm.toolkit.fluxcd.io/v2beta2`, `source.toolkit.fluxcd.io/v1beta2`...: pack entries
    with `component: flux`, to Flux 2.9) are judged as Flux releases, at the one the repository says it installs in a
    whole run (`flux2/manifests/install?ref=v2.5.1`, the `flux-manifests` OCIRepository's tag, a gotk-components
    header), and K8S004 never reports one; so are those a Flux Kustomization's `healthChecks` name.

    ## Example
    ```yaml
    # kubernetes-version = "1.20"
    apiVersion: networking.k8s.io/v1beta1
    kind: Ingress
    ```

    ## Use instead
    ```yaml
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    ```

    ## Fix
    No automatic fix: newer API versions often rename fields (Ingress backends, HPA metrics),
    so the rest of the object must be migrated too.
    """
    yield from _api_findings(ctx, removed=False)


@rule("K8S004", "removed-api-version", severity=Severity.ERROR, tags=("kubernetes", "compatibility"))
def removed_api_version(ctx):
    """
    ## What it does
    Flags an object whose `apiVersion` and `kind` were removed by the `kubernetes-version`.

    ## Why is this bad?
    The API server no longer serves that version: `kubectl apply` fails with "no matches for
    kind", Helm releases and GitOps syncs stop. Without `kubernetes-version` a Helm chart's
    templates are judged at the upper bound of its `kubeVersion` (`"1.9.0 - 1.16.0"`: 1.16), others at the release the
    repository's Go module builds against (`k8s.io/api v0.36.x` in the nearest
    `go.mod` means 1.36: its manifests and examples are written for that API), else the newest
    release `rules/kubernetes-apis.yaml` covers (1.37); set it to the version your clusters run.
    In a whole run (the project model), not reported in a folder named for the version beside a
    folder with a file of the same name (`crd/v1beta1/jobs.yaml` beside `crd/v1/jobs.yaml`), nor in a
    file so named, or named for clusters before a release that serves the API, beside the one named
    without it (`bundle-v1beta1.yaml` beside `bundle.yaml`, `k8s_before_v1_18.yaml` beside `k8s.yaml`):
    the variant kept for old clusters, picked by their version (volcano's `CRD_VERSION`). A Flux API version no Flux
    release since one serves is K8S003's (which Flux the cluster runs is not known). Without
    `kubernetes-version`, a whole run judges at the release a k3s or RKE2 system-upgrade `Plan` of the
    repository names (`channel: .../v1.21`): a removal not made there yet is a warning that the next
    upgrade breaks the file.

    ## Example
    ```yaml
    apiVersion: policy/v1beta1
    kind: PodDisruptionBudget
    ```

    ## Use instead
    ```yaml
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    ```

    ## Fix
    No automatic fix (see K8S003).
    """
    yield from _api_findings(ctx, removed=True)


__all__ = ["NEWEST_RELEASE", "default_kubernetes_version"]
