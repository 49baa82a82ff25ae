"""What a Kustomization tells the project model (``facts``'s ``kustomize``, ``overrides``,
``replaced``), and the ImageTagTransformers of a Kubernetes file (``retags``)."""
from __future__ import annotations

import re

from .facts import _span, pattern


#: kinds that hold no pod template: a patch targeting one adds no container image
_PODLESS_KINDS = frozenset((
    "Namespace", "ConfigMap", "Secret", "Service", "ServiceAccount", "Role", "ClusterRole", "RoleBinding",
    "ClusterRoleBinding", "CustomResourceDefinition", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "Ingress", "NetworkPolicy", "PersistentVolumeClaim", "PodDisruptionBudget",
    "HorizontalPodAutoscaler", "Certificate", "Issuer", "ClusterIssuer", "ServiceMonitor", "PriorityClass",
    "StorageClass", "APIService",
))


def _podless(kind) -> bool:
    return (kind or "").strip() in _PODLESS_KINDS


#: Kustomization keys that add resources or images this reading does not see (``transformers:``
#: too, but for local files, read as ``transformers``: their ImageTagTransformers)
_KUSTOMIZE_OPEN = ("helmCharts", "helmChartInflationGenerator", "generators")
MAX_KUSTOMIZE_PART = 256 << 10  # a patch or configuration file read for the word "image" (a few KB)


def _names_images(ctx, rel: str | None) -> bool:
    """Whether the file ``rel`` (from the Kustomization's folder) may name or move an image: it
    holds the word ``image``, or cannot be read here (outside the repository, or not readable;
    an input of the file's facts)."""
    import os

    if not rel:
        return True
    here = os.path.dirname(ctx.source.abspath or "")
    path = os.path.normpath(os.path.join(here, rel))
    if not path.startswith((ctx.repository_root() or here).rstrip(os.sep) + os.sep):
        return True
    ctx.depends_on(path)
    from ..source import read_regular

    try:
        data = read_regular(path, MAX_KUSTOMIZE_PART)  # (a FIFO named so raises, never blocks)
    except OSError:
        return True
    return len(data) > MAX_KUSTOMIZE_PART or b"image" in data.lower()


def _opens_images(ctx, root, local) -> bool:
    """Whether a Kustomization's ``configurations``, ``replacements`` or ``patchesJson6902`` may
    move or add an image: a configuration file with ``images`` field specs, a replacement whose
    field paths (or file) name an image, a JSON patch (file or inline) that does; or one not read
    (remote, missing).  rabbitmq's ``config/installation``: replacements of a Certificate's names
    and cert-manager's ``kustomizeconfig.yaml`` move none."""
    from ..parsers.yamldoc import is_map, is_scalar, items, scalar, text, value

    for c in items(value(root, "configurations")):
        if not is_scalar(c) or _names_images(ctx, local(scalar(c))):
            return True
    for r in items(value(root, "replacements")):
        if not is_map(r):
            return True
        if value(r, "path") is not None:
            if _names_images(ctx, local(text(r, "path"))):
                return True
            continue
        paths = [text(value(r, "source"), "fieldPath") or ""]
        for t in items(value(r, "targets")):
            paths += [scalar(f) or "" for f in items(value(t, "fieldPaths")) if is_scalar(f)] if is_map(t) else ["image"]
        if any("image" in f.lower() for f in paths):
            return True
    for r in items(value(root, "patchesJson6902")):
        if not is_map(r) or (_names_images(ctx, local(text(r, "path"))) if value(r, "path") is not None
                             else "image" in (text(r, "patch") or "image").lower()):
            return True
    return False


def kustomization_facts(ctx, out: dict) -> None:
    """``images:`` overrides: the containers named ``name`` in the resources are deployed as
    ``newName:newTag`` (or ``@digest``) instead; and the paths it includes and patches with
    (``kustomize``: project/patches.py)."""
    from ..parsers.yamldoc import is_map, is_scalar, items, scalar, text, value

    model = ctx.model
    resources: list = []
    patches: list = []
    transformers: list = []
    imageless: list = []

    def local(p) -> str | None:
        p = (p or "").strip()
        return p if p and "://" not in p and not p.startswith(("/", "github.com/")) and "?" not in p else None

    for root in model.documents:
        if not is_map(root):
            continue
        for key_name in ("resources", "bases", "components"):
            for r in items(value(root, key_name)):
                # a remote or unreadable entry stands as "*": the Kustomization includes something unknown
                resources.append(local(scalar(r)) if is_scalar(r) and local(scalar(r)) else "*")
        if any(value(root, k) is not None for k in _KUSTOMIZE_OPEN) or _opens_images(ctx, root, local):
            resources.append("*")  # resources made or images moved in ways not read here
        for t in items(value(root, "transformers")):
            # a transformer's file or folder (gcp-compute-persistent-disk-csi-driver's overlays:
            # ../../images/stable-master, ImageTagTransformers), else an inline or remote one
            (transformers.append(local(scalar(t))) if is_scalar(t) and local(scalar(t)) else resources.append("*"))
        patches += [local(scalar(r)) for r in items(value(root, "patchesStrategicMerge"))
                    if is_scalar(r) and local(scalar(r))]
        # (a patch file without the word image, rabbitmq's JSON patch adding webhook ports and
        # volumes, changes no image: ``imageless``)
        for r in items(value(root, "patches")):
            if is_map(r) and local(text(r, "path")):
                patches.append(local(text(r, "path")))
                if not _names_images(ctx, patches[-1]):
                    imageless.append(patches[-1])
        if any(not (is_map(r) and (local(text(r, "path")) or _podless(text(value(r, "target"), "kind"))))
               for r in items(value(root, "patches"))):
            resources.append("*")  # an inline or remote patch: it may add a container
    _flux_installs(ctx, [scalar(r) for root in model.documents if is_map(root) for r in items(value(root, "resources"))
                         if is_scalar(r)], out)
    if resources or patches or transformers or _lists_nothing(model):
        out["kustomize"] = {"resources": resources, "patches": patches}
        if transformers:
            out["kustomize"]["transformers"] = transformers
        if imageless:
            out["kustomize"]["imageless"] = imageless
        if any(is_map(root) and (text(root, "kind") or "").strip() == "Component" for root in model.documents):
            out["kustomize"]["component"] = True  # (used only through another's components:)
    replaced = _replaced_slots(model)
    if replaced:
        out["replaced"] = replaced
    _image_overrides(model, [it for root in model.documents for it in items(value(root, "images")) if is_map(root)],
                     out)


def _image_overrides(model, entries: list, out: dict) -> None:
    """``overrides`` of Kustomize image entries (``name``, ``newName``, ``newTag``, ``digest``):
    a Kustomization's ``images:``, or an ImageTagTransformer's ``imageTag``."""
    from ..parsers.yamldoc import is_map, text, value

    for it in entries:
        if not is_map(it):
            continue
        name = (text(it, "name") or "").strip()
        new_name = (text(it, "newName") or "").strip() or name
        tag = (text(it, "newTag") or "").strip()
        digest = (text(it, "digest") or "").strip()
        if not name or not (tag or digest or new_name != name):
            continue
        ref = new_name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
        n, img = pattern(name), pattern(ref)
        if n and img:
            node = value(it, "newTag") or value(it, "digest") or value(it, "newName") or value(it, "name")
            out.setdefault("overrides", []).append({"span": _span(model.content_span(node)), "name": n,
                                                    "image": img})


def image_tag_transformers(ctx, out: dict) -> None:
    """The ``imageTag`` of each ``ImageTagTransformer`` (``apiVersion: builtin``) of a file that a
    Kustomization names among its ``transformers``: an image entry as in ``images:``."""
    from ..parsers.yamldoc import is_map, text, value

    docs = [d for d in ctx.model.documents if is_map(d) and (text(d, "kind") or "").strip() == "ImageTagTransformer"]
    # (a newTag: latest sets no version: the base's image stays judged, as nothing reports it here)
    entries = [e for e in map(lambda d: value(d, "imageTag"), docs) if (text(e, "newTag") or "").strip() != "latest"]
    if entries:
        _image_overrides(ctx.model, entries, out)


#: a replacement target's field that is a container's image: ``spec.template.spec.initContainers.
#: [name=migrate].image`` (a CronJob's ``spec.jobTemplate.spec.template...`` too)
_IMAGE_FIELD = re.compile(r"(?:^|\.)(?:initContainers|containers|ephemeralContainers)\.\[name=([^\]]{1,253})\]\.image$")
#: the same by position (``spec.template.spec.containers.0.image``): the slot ``#containers.0``
_IMAGE_AT = re.compile(r"(?:^|\.)((?:initContainers|containers|ephemeralContainers)\.\d{1,4})\.image$")


def _keys(node) -> list:
    from ..parsers.yamldoc import is_scalar, pairs, scalar

    return [scalar(k) if is_scalar(k) else "" for k, _v in pairs(node)]


def _replaced_slots(model) -> list:
    """The container slots (``Kind/name/container``, as ``slots``) whose image a
    Kustomization's ``replacements:`` copy from another field (capz's ASO migration init container,
    ``image: controller:latest`` as a placeholder for the manager's image): what the file says
    there is not what is deployed.  At most 64."""
    from ..parsers.yamldoc import is_map, is_scalar, items, scalar, text, value

    out: list = []
    for root in model.documents:
        for r in items(value(root, "replacements")) if is_map(root) else ():
            for t in items(value(r, "targets")) if is_map(r) else ():
                sel = value(t, "select") if is_map(t) else None
                kind, name = (text(sel, "kind") or "").strip(), (text(sel, "name") or "").strip()
                # (only a whole image copied into one object known by kind and name, or its tag:
                # options: {delimiter: ':', index: 1}, hoarder's KARAKEEP_VERSION; not its name,
                # index: 0 keeps the tag; nor one narrowed further by a namespace, labels or a
                # reject: list)
                if not kind or not name or value(t, "reject") is not None or not _whole_or_tag(value(t, "options")) \
                        or any(k not in ("kind", "name", "group", "version") for k in _keys(sel)):
                    continue
                for fp in items(value(t, "fieldPaths")):
                    m = _IMAGE_FIELD.search(scalar(fp) or "") if is_scalar(fp) else None
                    at = _IMAGE_AT.search(scalar(fp) or "") if is_scalar(fp) and m is None else None
                    slot = f"{kind}/{name}/{m.group(1).strip()}" if m else f"{kind}/{name}/#{at.group(1)}" if at else None
                    if slot and slot not in out and len(out) < 64:
                        out.append(slot)
    return out


def _whole_or_tag(options) -> bool:
    """Whether a replacement's ``options`` replace the whole field (none) or the tag part of an
    image (``delimiter: ':'`` and ``index: 1``)."""
    from ..parsers.yamldoc import is_map, text

    if options is None:
        return True
    return is_map(options) and (text(options, "delimiter") or "") == ":" and (text(options, "index") or "").strip() == "1" \
        and all(k in ("delimiter", "index") for k in _keys(options))


#: the paths of a GitOps object that name what it applies: (apiVersion prefix, kind, paths)
_GITOPS = (("kustomize.toolkit.fluxcd.io/", "Kustomization", ("spec.path",)),
           ("argoproj.io/", "Application", ("spec.source.path", "spec.sources[].path")))


#: a parameter of an ApplicationSet's template: ``{{appName}}``, ``{{ .appName }}`` (goTemplate)
_APPSET_PARAM = re.compile(r"\{\{\s*\.?([A-Za-z_][\w-]{0,127})\s*\}\}")
#: the Applications an ApplicationSet's list generators make, at most
MAX_APPSET_ROWS = 256


def _appset_paths(root) -> list:
    """The source paths of the Applications an ``ApplicationSet`` makes where every generator
    is a ``list`` of literal elements (danmanners' ``path: manifests/workloads/{{appName}}`` over
    17 named apps: the folders beside them are applied by none); ``["*"]`` (any folder) for any
    other generator (a git directory generator, a cluster, a matrix), a ``templatePatch``, or a
    parameter the elements do not give."""
    from ..checks.kubernetes.workloads import resolve
    from ..parsers.yamldoc import is_map, is_scalar, is_seq, items, pairs, scalar, value

    spec = value(root, "spec")
    gens = items(value(spec, "generators")) if is_map(spec) else []
    rows: list = []
    for g in gens:
        gen = value(g, "list") if is_map(g) and len(list(pairs(g))) == 1 else None
        elements = value(gen, "elements") if is_map(gen) and value(gen, "elementsYaml") is None else None
        if not is_seq(elements):
            return ["*"]  # (elements from elementsYaml, a template, or not a list: not known)
        for e in items(elements):
            rows.append({k.value: scalar(v) for k, v in pairs(e) if is_scalar(v)} if is_map(e) else None)
        if elements is None or len(rows) > MAX_APPSET_ROWS or None in rows:
            return ["*"]
    template = value(spec, "template")
    if not gens or not is_map(template) or value(spec, "templatePatch") is not None:
        return ["*"]
    paths = [scalar(n) if is_scalar(n) else None for p in ("spec.source.path", "spec.sources[].path")
             for n in resolve(template, p)]
    if len(rows) * len(paths) > 1024:
        return ["*"]  # (more than gitops_paths keeps: some folder it applies would be left unnamed)
    got: list = []
    for row in rows:
        for p in paths:
            made = _APPSET_PARAM.sub(lambda m: row.get(m.group(1)) or "{{?}}", (p or "{{?}}")[:4096])
            got.append("*" if "{{" in made else made.strip())
    return got


def gitops_paths(ctx, out: dict) -> None:
    """The folders the GitOps objects of a manifest apply, as written (``gitops``), relative to
    their source's root: a Flux ``Kustomization``'s ``spec.path`` (none: the root, ``""``), an
    Argo CD ``Application``'s source paths; an ``ApplicationSet`` generates its own (``*``, any
    folder), but those of list generators (``_appset_paths``).  ``patches.left_out`` reads them.
    At most 1,024 a file.  (And ``_flux_installs``.)"""
    _flux_installs(ctx, [], out)
    _cluster_releases(ctx, out)
    if "fluxcd.io" not in ctx.source.text and "argoproj.io" not in ctx.source.text:
        return
    got = [g for root in ctx.model.objects() for g in object_paths(root)]
    if got:
        out["gitops"] = got[:1024]


def object_paths(root) -> list:
    """The paths a GitOps object applies, as written (see ``gitops_paths``); none for another object."""
    from ..checks.kubernetes.workloads import resolve
    from ..parsers.yamldoc import is_map, is_scalar, scalar, text, value

    api, kind = text(root, "apiVersion") or "", (text(root, "kind") or "").strip()
    if kind == "ApplicationSet" and api.startswith("argoproj.io/"):
        return _appset_paths(root)
    got: list = []
    for prefix, k, paths in _GITOPS:
        if kind != k or not api.startswith(prefix):
            continue
        found = [n for p in paths for n in resolve(root, p)]
        if not found and k == "Kustomization" and is_map(value(root, "spec")):
            found = [None]  # (no path: the source's root)
        got += ["" if n is None else scalar(n).strip() if is_scalar(n) and scalar(n) is not None else "*" for n in found]
    return got


#: a Flux release, as a repository names the one it installs (``v2.5.1``, ``0.31.4``)
_FLUX_RELEASE = r"v?(\d{1,4}\.\d{1,4}(?:\.\d{1,4})?)(?![\w.])"
#: a Kustomization's remote resource installing Flux (``github.com/fluxcd/flux2/manifests/install?ref=v2.5.1``,
#: ``https://github.com/fluxcd/flux2/releases/download/v2.5.1/install.yaml``)
_FLUX_RESOURCE = re.compile(r"fluxcd/flux2/+manifests/install\?ref=" + _FLUX_RELEASE
                            + r"|fluxcd/flux2/releases/download/" + _FLUX_RELEASE + r"/")
#: the header ``flux bootstrap`` and ``flux install --export`` write (Flux 0.22 and later; before,
#: ``--export`` wrote "Flux version")
_FLUX_HEADER = re.compile(r"^#[ \t]*Flux [Vv]ersion:[ \t]*" + _FLUX_RELEASE, re.M)
#: the API groups of Flux's own objects
_FLUX_GROUP = ".toolkit.fluxcd.io/"


def _lists_nothing(model) -> bool:
    """Whether a Kustomization says it lists nothing (``resources: []``: dfroberg's ``cluster/core``,
    "everything moved to their own Kustomizations"): a Kustomization all the same, which applies
    none of the files below it."""
    from ..parsers.yamldoc import is_map, is_seq, value

    return any(is_map(root) and is_seq(value(root, "resources")) and not value(root, "resources").value
               for root in model.documents)


def _flux_installs(ctx, resources: list, out: dict) -> None:
    """The Flux releases a file says the repository installs (``flux``): a Kustomization's remote
    resource of Flux's install manifests (toboshii's and carpenike's ``cluster/bootstrap``), the
    tag of an ``OCIRepository`` or ``GitRepository`` of Flux's own manifests
    (``oci://ghcr.io/fluxcd/flux-manifests``, ``github.com/fluxcd/flux2``), the header of a
    ``gotk-components.yaml``; and (``flux_apis``) the Flux API versions its objects use, which
    ``refine.version_variant`` judges at that release.  At most 16 each."""
    from ..parsers.yamldoc import text, value

    got = [m.group(1) or m.group(2) for r in resources for m in [_FLUX_RESOURCE.search(r or "")] if m]
    head = _FLUX_HEADER.search(ctx.source.text[:1024])
    if head:
        got.append(head.group(1))
    apis, served = [], []
    for root in ctx.model.objects() if ctx.kind == "kubernetes" and "fluxcd" in ctx.source.text else ():
        api, kind = (text(root, "apiVersion") or "").strip(), (text(root, "kind") or "").strip()
        if _FLUX_GROUP in api:
            apis.append(f"{api} {kind}")
        spec = value(root, "spec")
        if kind == "CustomResourceDefinition" and (text(spec, "group") or "").strip().endswith(_FLUX_GROUP[1:-1]):
            served += _served(spec)[:64 - len(served)]
        url, tag = text(spec, "url") or "", text(value(spec, "ref"), "tag") or ""
        if kind in ("OCIRepository", "GitRepository") and _FLUX_GROUP in api \
                and url.strip().rstrip("/").removesuffix(".git").endswith(("fluxcd/flux-manifests", "fluxcd/flux2")):
            m = re.fullmatch(_FLUX_RELEASE, tag.strip())
            if m:
                got.append(m.group(1))
    if got:
        out["flux"] = sorted(set(got))[:16]
    if apis:
        out["flux_apis"] = sorted(set(apis))[:16]
    if served:
        out["flux_served"] = sorted(set(served))


def _served(spec) -> list:
    """``group/version Kind`` of each version a CustomResourceDefinition serves (``versions[]``
    with ``served: true``; an ``apiextensions.k8s.io/v1beta1`` CRD's lone ``version``): what the Flux
    the repository installs serves, where it vendors Flux's CRDs (toboshii's gotk-components.yaml
    of Flux 0.2, no version header: v1beta1 only)."""
    from ..parsers.yamldoc import is_map, items, text, value

    group, kind = (text(spec, "group") or "").strip(), (text(value(spec, "names"), "kind") or "").strip()
    if not group or not kind:
        return []
    names = [(text(v, "name") or "").strip() for v in items(value(spec, "versions"))
             if is_map(v) and (text(v, "served") or "").strip().lower() == "true"]
    names += [(text(spec, "version") or "").strip()] if value(spec, "versions") is None else []
    return [f"{group}/{n} {kind}" for n in names if n]


#: a k3s or RKE2 release a system-upgrade-controller Plan names (``v1.21.2+k3s1``), or the channel of
#: one minor release it follows (``https://update.k3s.io/v1-release/channels/v1.21``)
_PLAN_VERSION = re.compile(r"v?1\.(\d{1,2})\.\d{1,3}(?:[+-]|$)")
_PLAN_CHANNEL = re.compile(r"/v?1\.(\d{1,2})/?$")
_UPGRADERS = ("k3s-upgrade", "rke2-upgrade")


def _cluster_releases(ctx, out: dict) -> None:
    """The Kubernetes releases a file says the repository's cluster runs (``kube``, ``1.21`` each):
    a system-upgrade-controller ``Plan`` upgrading k3s or RKE2 (``spec.upgrade.image``
    ``rancher/k3s-upgrade``) to a version or along one minor release's channel (auricom's
    ``channel: .../channels/v1.21``; ``stable`` or a variable: not known); and (``kube_apis``)
    whether its objects use a Kubernetes API the API pack names, which ``refine.version_variant``
    then judges at that release.  At most 16."""
    from ..parsers.yamldoc import text, value

    if ctx.kind != "kubernetes":
        return
    got = []
    for root in ctx.model.objects() if "upgrade.cattle.io" in ctx.source.text else ():
        if (text(root, "kind") or "").strip() != "Plan" or not (text(root, "apiVersion") or "").startswith("upgrade.cattle.io/"):
            continue
        spec = value(root, "spec")
        image = (text(value(spec, "upgrade"), "image") or "").strip().split("@")[0].rsplit(":", 1)[0]
        if image.rsplit("/", 1)[-1] not in _UPGRADERS:
            continue  # (a Plan upgrading the OS, Talos: not the Kubernetes release)
        m = _PLAN_VERSION.match((text(spec, "version") or "").strip()) or _PLAN_CHANNEL.search((text(spec, "channel") or "").strip())
        if m:
            got.append(f"1.{int(m.group(1))}")
    if got:
        out["kube"] = sorted(set(got))[:16]
    from ..checks.kubernetes.apis import uses_core_api

    if uses_core_api(ctx):
        out["kube_apis"] = True
