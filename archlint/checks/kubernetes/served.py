"""Which API versions a cluster of a Kubernetes version serves, as far as the ``kubernetes-apis``
pack tells: what Helm's ``.Capabilities.APIVersions.Has`` answers when archlint renders a chart
(archlint/helm/lint.py).

``served(settings, version)(api)`` takes ``group/version`` or ``group/version/Kind`` and answers
True (served), False (not served) or None (unknown):

* an apiVersion and kind the pack lists: served until the release that removes it;
* what the pack names as a replacement is not served before it became available;
* a group/version alone: served while any kind the pack lists in it is, not when every one is
  removed;
* the built-in groups' stable versions (``v1``, ``apps/v1``, ``networking.k8s.io/v1`` ...) not in
  the pack otherwise: served; their alpha and beta versions the pack does not list: unknown (off
  by default in most clusters, on in some);
* any other group (a custom resource's: ``monitoring.coreos.com/v1``): unknown, as a cluster has
  the CRD or not.
"""
from __future__ import annotations

import re

#: the API groups Kubernetes itself serves ("" is the core group: apiVersion v1)
BUILT_IN = frozenset((
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io",
    "storage.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "coordination.k8s.io",
    "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "node.k8s.io", "scheduling.k8s.io",
    "certificates.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "apiregistration.k8s.io",
    "resource.k8s.io", "storagemigration.k8s.io", "internal.apiserver.k8s.io", "settings.k8s.io",
    "auditregistration.k8s.io", "imagepolicy.k8s.io",
))
_STABLE = re.compile(r"v\d+")


def served(settings, version: str):
    """The answer function for ``version`` (see the module's documentation)."""
    from .apis import _api_index, _vtuple

    target = _vtuple(version)
    # (a Flux API's versions are Flux releases: its CRDs are installed or not, unknown to Helm)
    index = {k: e for k, e in _api_index(settings).items() if not e.get("component")}
    by_version: dict = {}
    replaced: dict = {}  # (apiVersion, kind) of a replacement -> the release it became available
    for (api, kind), entry in index.items():
        by_version.setdefault(api, []).append(entry)
        rep, avail = entry.get("replacement"), entry.get("replacement-available-in")
        if rep and avail:
            for key in ((str(rep), kind), (str(rep), None)):
                old = replaced.get(key)
                if old is None or _vtuple(avail) < old:
                    replaced[key] = _vtuple(avail)

    def gone(entry) -> bool:
        rm = entry.get("removed-in")
        return rm is not None and _vtuple(rm) <= target

    def has(api: str):
        parts = str(api).strip().split("/")
        kind = None
        if len(parts) == 3 or (len(parts) == 2 and not _looks_like_version(parts[1])):
            kind = parts.pop()
        api_version = "/".join(parts)
        group = parts[0] if len(parts) == 2 else ""
        avail = replaced.get((api_version, kind)) or replaced.get((api_version, None))
        if avail is not None and avail > target:
            return False
        if kind is not None and (api_version, kind) in index:
            return not gone(index[(api_version, kind)])
        listed = by_version.get(api_version)
        if listed and kind is None:
            return not all(gone(e) for e in listed)
        if group not in BUILT_IN:
            return None
        version_part = parts[-1]
        if _STABLE.fullmatch(version_part):
            return True
        if listed and all(gone(e) for e in listed):
            return False  # every kind the pack knows of this alpha/beta version is removed
        return None

    return has


def _looks_like_version(s: str) -> bool:
    return re.fullmatch(r"v\d+((alpha|beta)\d+)?", s) is not None
