"""The project model's refiner of K8S003/K8S004 (``refine.REFINERS``): an API version's finding on a
manifest kept for older clusters (a variant named for its version or release), on one no GitOps
object applies, and a Flux API's judged at the Flux release the repository installs."""
from __future__ import annotations

import re


def version_variant(f, fr, project):
    """K8S003/K8S004: a manifest in a folder named for the API version its object uses, beside a
    folder holding a file of the same name (volcano's ``crd/v1beta1/batch.volcano.sh_jobs.yaml``
    beside ``crd/bases/`` and ``crd/v1/``), or in a file so named beside the file named without it
    (clickhouse-operator's ``install-bundle-v1beta1.yaml`` beside ``install-bundle.yaml``), is the
    variant kept for clusters that still serve that version, picked by the cluster's version
    (volcano's ``CRD_VERSION``): the current one is the sibling's.  One folder named so without such a sibling is reported: nothing replaces it.  Nor
    is a pre-release's manifest once its release has its own (``_prerelease_released``), nor one
    in a folder named for an older Kubernetes release that serves its API (``_release_folder_serves``),
    nor an object a test suite names (a Gatekeeper ``Suite``'s cases: ``project.test_inputs``), nor
    one only an unused Kustomize Component includes (``patches.unused_component``), nor one no
    GitOps object of the run applies (``patches.left_out``).  A Flux API's is judged at the Flux
    release the repository says it installs (``apis.flux_judged``), or not at all where the Flux CRDs it
    vendors serve it and not its replacement (``_served_alone``); another at the Kubernetes release
    its cluster runs (``apis.kube_judged``: a k3s system-upgrade Plan's)."""
    import os

    from .refine import not_deployed

    if _prerelease_released(project, fr.path) or _release_folder_serves(project, fr.path, f.message) \
            or _older_release_named(project, fr.path, f.message) or not_deployed(fr, project):
        return None
    if project.patches.flux_served and ".toolkit.fluxcd.io/" in f.key and _served_alone(project, f):
        return None  # (the Flux whose CRDs the repository vendors serves it, and not its replacement yet)
    if project.patches.flux and ".toolkit.fluxcd.io/" in f.key:  # (at the Flux release the repository installs)
        from ..checks.kubernetes.apis import flux_judged

        f = flux_judged(f, project.patches.flux)
        if f is None:
            return None
    elif project.patches.kube:  # (at the Kubernetes release the repository's cluster runs)
        from ..checks.kubernetes.apis import kube_judged

        f = kube_judged(f, project.patches.cluster_releases())
        if f is None:
            return None
    version = f.key.split(" ", 1)[0].rpartition("/")[2]
    folders = fr.path.split("/")[:-1]
    named = re.search(rf"[-_.]{re.escape(version)}(?=[-_.])", fr.path.rpartition("/")[2]) if version else None
    if named is not None:  # (clickhouse-operator's install-bundle-v1beta1.yaml beside install-bundle.yaml)
        cut = fr.path.rfind("/") + 1
        if os.path.isfile(os.path.join(project.root, fr.path[:cut + named.start()] + fr.path[cut + named.end():])):
            return None
    if not version or version not in folders:
        return f
    at = len(folders) - 1 - folders[::-1].index(version)
    parent = os.path.join(project.root, *folders[:at])
    rest = fr.path.split("/")[at + 1:]
    try:
        siblings = sorted(os.listdir(parent))[:200]
    except OSError:
        return f
    return None if any(s != version and os.path.isfile(os.path.join(parent, s, *rest)) for s in siblings) else f


_K8S_RELEASE = re.compile(r"v?1\.(\d{1,2})")
_REMOVED_IN = re.compile(r" removed in Kubernetes 1\.(\d{1,2})\b")


def _release_folder_serves(project, path: str, message: str) -> bool:
    """Whether the manifest is in a folder named for a Kubernetes release older than the one that
    removed its API (vsphere-csi-driver's ``manifests/supervisorcluster/1.21/cns-csi.yaml`` with
    a ``storage.k8s.io/v1beta1`` CSIDriver, removed in 1.22), beside a folder named for another
    release holding a file of the same name (``1.22/cns-csi.yaml``, on ``v1``): the copy for the
    clusters of that release, which serve it."""
    import os

    removed = _REMOVED_IN.search(message)
    folders = path.split("/")[:-1]
    for i in range(len(folders) - 1, -1, -1):
        m = _K8S_RELEASE.fullmatch(folders[i])
        if m is None:
            continue
        if removed is None or int(m.group(1)) >= int(removed.group(1)):
            return False
        parent = os.path.join(project.root, *folders[:i])
        rest = path.split("/")[i + 1:]
        try:
            siblings = sorted(os.listdir(parent))[:200]
        except OSError:
            return False
        return any(s_ != folders[i] and _K8S_RELEASE.fullmatch(s_) and os.path.isfile(os.path.join(parent, s_, *rest))
                   for s_ in siblings)
    return False


#: a file name's part saying which older clusters it is for: ``_before_v1_18``, ``-pre-1.22``
_OLDER_RELEASE = re.compile(r"[-_.](?:before|pre|lt|below|older[-_]than)[-_.]?v?1[._-](\d{1,2})(?=[-_.])", re.I)


def _older_release_named(project, path: str, message: str) -> bool:
    """Whether the manifest's name says it is for clusters before a Kubernetes release no later
    than the one that removed its API, beside the file named without that part (juicefs-csi's
    ``deploy/k8s_before_v1_18.yaml``, made from ``deploy/k8s.yaml`` by a sed for clusters before
    1.18, with a ``storage.k8s.io/v1beta1`` CSIDriver, removed in 1.22)."""
    import os

    removed = _REMOVED_IN.search(message)
    cut = path.rfind("/") + 1
    m = _OLDER_RELEASE.search(path, cut)
    return removed is not None and m is not None and int(m.group(1)) <= int(removed.group(1)) \
        and os.path.isfile(os.path.join(project.root, path[:m.start()] + path[m.end():]))


def _prerelease_released(project, path: str) -> bool:
    """Whether ``path`` is named for a pre-release (aws-load-balancer-controller's
    ``config/samples/install_v2_0_0_rc4.yaml``, the newest of its rc series) and the run read a
    manifest named for that release itself (``docs/install/v2_0_0_full.yaml``): a record of what
    a test build installed, superseded by the release's own; a later version of another file
    (a vendored ``cert-manager-v1.14.4.yaml``) says nothing of it.  The releases read are
    gathered once."""
    import os

    from ..checks.kubernetes.workloads import release_key

    mine = release_key(path.rsplit("/", 1)[-1])
    if mine is None or mine[1][1] != 0:
        return False
    finals = getattr(project, "_final_releases", None)
    if finals is None:
        keys = (release_key(os.path.basename(p)) for p in project.known if p.endswith((".yaml", ".yml")))
        finals = project._final_releases = {k[1][0] for k in keys if k and k[1][1] == 1}
    return mine[1][0] in finals



def _served_alone(project, f) -> bool:
    """Whether the Flux CRDs the repository vendors (``patches.flux_served``) serve the API
    version of a Flux finding for its kind and no later version of its group: the Flux the
    repository installs predates the deprecation (toboshii's Flux 0.2, v1beta1 only: 16 K8S003
    judged wrong, their "use v1" failing to apply there).  Where a later one is served
    (0dragosh's Flux 0.31, source v1beta1 and v1beta2) the deprecation is that Flux's."""
    api, _, kind = f.key.partition(" ")
    served = project.patches.flux_served.get(kind)
    if not served or api not in served:
        return False
    group, _, version = api.rpartition("/")
    mine = _version_rank(version)
    return mine is not None and not any(
        g == group and (r := _version_rank(v)) is not None and r > mine for g, _, v in (s.rpartition("/") for s in served))


_VERSION = re.compile(r"v(\d{1,3})(?:(alpha|beta)(\d{1,3}))?")


def _version_rank(version: str):
    """A Kubernetes API version's place in order (v1alpha1 < v1beta1 < v1beta2 < v1 < v2beta1), or None."""
    m = _VERSION.fullmatch(version)
    return None if m is None else (int(m.group(1)), {"alpha": 0, "beta": 1}.get(m.group(2), 2), int(m.group(3) or 0))
