"""Kubernetes rules K8S001, K8S002, K8S007, K8S008: images, in manifests, Kustomize files and Helm
values (API versions, K8S003 and K8S004: ``apis.py``; node architecture, K8S005 and K8S006: ``nodes.py``).

Where images are found
    * ``kubernetes``: every pod template of every object (each document of a multi-document
      file, each item of a ``kind: List``): a ``Pod``'s ``spec``, and any ``template.spec`` that
      holds ``containers``/``initContainers``/``ephemeralContainers`` at any depth — which covers
      Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob
      (``spec.jobTemplate.spec.template``, every batch version), PodTemplate and custom resources
      that embed a pod template (Argo Rollouts, Knative Services, OLM CSV deployments, ...);
      plus what the ``workload-images`` rule pack (``rules/workload-images.yaml``) names for
      objects whose containers are not in a pod template: Tekton steps, sidecars and
      stepTemplates (also in embedded ``taskSpec``/``pipelineSpec``), Argo Workflows templates
      (``container``, ``script``, ``initContainers``, ``sidecars``, ``containerSet``), OLM
      ``relatedImages``.  Adding a custom resource is a data change (``workloads.py``).
    * ``kustomization``: ``images:`` entries (``newTag``).
    * ``helm-values``: ``image:`` mappings (``repository``/``tag``/``pullPolicy``) and strings,
      and ``nodeSelector:``/``affinity:`` mappings, at any depth.
    Image references holding ``$`` or ``{{`` are expanded later (envsubst, Helm, Kustomize,
    Tekton ``$(params.x)``, Argo ``{{inputs.x}}``) and are trusted; placeholders no runtime
    accepts (``<YOUR-IMAGE>``, ``{IMAGE}``, ``IMAGE_NAME``, ``example.com/...``:
    ``workloads.is_placeholder``) are not images and are never reported.

Suppression inside an object
    Besides ``# archlint: ignore[...]`` comments (which Helm and Kustomize output drops), an
    object's ``metadata.annotations`` may carry ``archlint.io/ignore: K8S001,K8S005`` (IDs or
    prefixes, separated by commas or blanks): the rules mark findings inside that object for those
    rules suppressed (``workloads._Obj.ignores``), so they travel with rendered manifests.

API data
    K8S003/K8S004 (``apis.py``) read the ``kubernetes-apis`` rule pack.
"""
from __future__ import annotations

import re

from ...model import Severity
from ...images import cluster_release, latest_only, local_registry, parse_image_ref as split_image, release_in_name, values_repository, without_docker_hub
from ...parsers.yamldoc import (
    get,
    is_map,
    is_scalar,
    items,
    scalar,
    text,
    value,
    walk_mappings,
)
from ...registry import rule
from ...tooling import mutable_tags_allowed
from . import workloads as wl
from .kustomize import overridden_images, renamed_images
from .chart_range import repository_defaulted
from .workloads import APP_VERSION_HINT, app_version_default

PACK = "kubernetes-apis"

# ---- objects, pod specs, containers: archlint/checks/kubernetes/workloads.py -----------------------

_objects = wl.objects
_containers = wl.containers


def _dynamic(ref: str) -> bool:
    return "$" in ref or "{{" in ref


def _unknown(ref: str) -> bool:
    """An image reference that is expanded later (``$``, ``{{``) or a placeholder (see
    ``workloads.is_placeholder``): not an image, so no image rule reports it."""
    return _dynamic(ref) or wl.is_placeholder(ref)


#: a values repository whose registry a GitOps tool fills in later, its path written (bjw-s'
#: ``${PRIVATE_REGISTRY_1}/bjw-s/assets``, a Flux post-build substitution): its tag is known
_LATER_REGISTRY = re.compile(r"\$\{[A-Za-z_]\w{0,63}\}(?:/[\w.-]{1,128}){1,8}")


def _emit(ctx, obj, seen: set, finding):
    """Mark ``finding`` suppressed when its object's annotation asks; drop repeats (aliases)."""
    k = (finding.rule_id, tuple(finding.span))
    if k in seen:
        return None
    seen.add(k)
    if obj is not None and obj.ignored(finding.rule_id):
        finding.suppressed = True
    return finding


class _Image:
    """An image reference found somewhere, with what the image rules need."""

    __slots__ = ("obj", "ref", "node", "span", "name", "tag", "digest", "policy", "policy_key", "source", "container")

    def __init__(self, obj, ref, node, span, policy, policy_key, source, container=None):
        self.obj = obj
        self.ref = ref
        self.node = node
        self.span = span  # where to report the image
        self.name, self.tag, self.digest = split_image(ref)
        self.policy = policy  # value node of the pull policy, or None
        self.policy_key = policy_key
        self.source = source  # "container" | "values"
        self.container = container  # the container mapping (None for a Helm values image)


#: a comment handing the image to the reader (kubebuilder's scaffold: "Change the value of image
#: field below to your controller image URL", "replace with your own image"; rocketmq-operator's
#: "Replace this with the built image name"): a verb, then "to / with / by your" (or "the built")
#: ... image, or "your own image"; not a negation or a condition ("do not change
#: this image", "only if you use your own mirror"), not an imagePullSecrets or pull policy
_YOURS = re.compile(
    r"(?i)^(?!.*\b(?:not|never|don'?t|only\s+if|unless)\b)[^\n]*?\b(?:change|replace|set|update|put|use)\b"
    r"[^\n]{0,80}?(?:\b(?:to|with|by)\s+(?:your|own|the\s+built(?![\w-]))\b[^\n]{0,40}?\bimages?\b(?!\w)|\byour\s+own\s+images?\b(?!\w))")
_COMMENT_READ = 300  # characters of a comment read: the scaffold's sentence, not a whole long line


def _comment_start(text: str) -> int | None:
    """Where a YAML comment starts on the line: a ``#`` at the start or after a blank, outside
    quotes (one pass over the line)."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return i
    return None


def _said_yours(src, line: int) -> bool:
    """Whether the comment on the image's line, or the comment lines right above it at its own
    indent (not another key's), hand the image to the reader."""
    text = src.line(line)
    at = _comment_start(text)
    if at is not None and _YOURS.search(text[at:at + _COMMENT_READ]):
        return True
    indent = len(text) - len(text.lstrip(" \t"))
    return any(_YOURS.search(c[:_COMMENT_READ]) or _commented_placeholder(c)
               for c in src.comments_above(line, indent=indent))


_COMMENTED_IMAGE = re.compile(r"#+[ \t]*image:[ \t]*[\"']?([^\s\"']+)")


def _commented_placeholder(comment: str) -> bool:
    """A commented-out ``image:`` whose value is a placeholder for the reader's own (kube-bench's
    ``# image: <ID.dkr.ecr.region.amazonaws.com/aquasec/kube-bench:ref>`` above the default)."""
    from ...images import is_placeholder

    m = _COMMENTED_IMAGE.match(comment)
    return m is not None and is_placeholder(m.group(1))


def _reader_sets(ctx, line: int) -> bool:
    """``_said_yours``, once per line of the file (a flow list of many images on one line)."""
    memo = ctx.cached("k8s.yours", dict)
    hit = memo.get(line)
    if hit is None:
        hit = memo[line] = _said_yours(ctx.source, line)
    return hit


_PAYLOAD_REF = re.compile(r"^[ \t]*name:[ \t]*[\"']?([\w.-]+(?::\d+)?/[^\s\"'#]+)", re.M)


def _payload_images(ctx) -> frozenset:
    """The images an OpenShift release payload replaces: the pull specs the ``image-references``
    ImageStream beside the manifest lists (cluster-monitoring-operator's ``manifests/``: ``oc adm
    release new`` swaps each for the payload's digest, so the ``:latest`` written is a placeholder),
    or, for an OLM bundle's ``manifests/``, the bundle's (cluster-logging-operator's
    ``bundle/image-references``, which the product build reads)."""
    import os

    from ...source import read_regular

    folder = os.path.dirname(ctx.source.abspath or "")
    if not folder:
        return frozenset()
    out: set = set()
    for at in (folder, os.path.dirname(folder)) if os.path.basename(folder) == "manifests" else (folder,):
        path = os.path.join(at, "image-references")
        ctx.depends_on(path)
        try:
            text = read_regular(path, 1 << 20)[:1 << 20].decode("utf-8", "replace") if os.path.isfile(path) else ""
        except OSError:
            continue
        if "ImageStream" in text:
            out.update(m.group(1) for m in _PAYLOAD_REF.finditer(text))
    return frozenset(out)


def _images(ctx) -> list:
    """Every image written in a pod spec container or a Helm values ``image:``; not that of a
    container a strategic-merge patch deletes (``$patch: delete``: filestore-csi's overlay removing
    the snapshotter sidecar), which is never deployed."""

    def compute():
        model = ctx.model
        out = []
        # tags a Kustomization including this manifest replaces: decided (and reported) there
        kustomized = overridden_images(ctx) if ctx.kind == "kubernetes" else frozenset()
        payload = _payload_images(ctx) if ctx.kind == "kubernetes" else frozenset()
        for c in _containers(ctx):
            ref = scalar(c.image) if is_scalar(c.image) else None
            if not ref or _unknown(ref.strip()) or (kustomized and split_image(ref.strip())[0] in kustomized) \
                    or ref.strip() in payload or wl.dev_bundle(c.obj) \
                    or text(c.node, "$patch") == "delete":  # (a patch deleting the container: never deployed)
                continue
            out.append(_Image(c.obj, ref.strip(), c.image, model.content_span(c.image), c.policy,
                              "imagePullPolicy", "container", c.node))
        seen = {id(i.node) for i in out}
        for obj in _objects(ctx):
            if wl.dev_bundle(obj):
                continue  # (a development bundle's placeholders: the release writes it again)
            for p in wl.paths_of(wl.entry_for(ctx.settings, obj), "images"):
                for v in wl.resolve(obj.node, p):
                    ref = scalar(v) if is_scalar(v) else None
                    if ref and "=" in ref:  # (an Argo CD Application's kustomize image override, NAME=NEW:TAG: the new)
                        ref = ref.split("=", 1)[1]
                        if split_image(ref.strip())[1] is None and split_image(ref.strip())[2] is None:
                            continue  # (a new name alone: the tag stays the manifest's)
                    if kustomized and ref and split_image(ref.strip())[0] in kustomized or ref and ref.strip() in payload:
                        continue
                    if ref and not _unknown(ref.strip()) and id(v) not in seen:
                        seen.add(id(v))
                        out.append(_Image(obj, ref.strip(), v, model.content_span(v), None, "imagePullPolicy",
                                          "container"))
        tests = _helm_test_sections(ctx)
        for obj, doc in wl.values_roots(ctx):  # (a values file; a HelmRelease's spec.values)
            for m in walk_mappings(doc):
                v = value(m, "image")
                if is_scalar(v) and id(m) not in tests:
                    ref = scalar(v)
                    if ref and not _unknown(ref.strip()) and ":" in ref.rsplit("/", 1)[-1]:
                        pol = value(m, "imagePullPolicy")
                        key = "imagePullPolicy" if pol is not None else "pullPolicy"
                        pol = pol or value(m, "pullPolicy")
                        out.append(_Image(obj, ref.strip(), v, model.content_span(v), pol, key, "values"))
        # a placeholder a Kustomization renames to a served image keeps its tag; renamed to another
        # placeholder (which a Kustomization elsewhere names), it is still one
        renamed = {name for name, new in (renamed_images(ctx) if ctx.kind == "kubernetes" else ())
                   if not _unserved(ctx, split_image(new)[0])}
        # (a Helm value may be completed by its template: `{{ .Values.registry }}/{{ .Values.image }}`)
        return [i for i in out if (i.source == "values" or i.name in renamed or not _unserved(ctx, i.name))
                and not _reader_sets(ctx, i.span[0])]

    return ctx.cached("k8s.images", compute)


def _unserved(ctx, name: str) -> bool:
    """``images.unserved`` with the run's rule packs: a one-part name no registry serves."""
    from ...images import unserved

    return unserved(name, getattr(ctx.settings, "rule_packs", ()))


#: top-level Helm values sections of the chart's own ``helm test`` pods (opentelemetry-operator's
#: ``testFramework``, loki's ``test``): run on demand by ``helm test``, never part of a release
_HELM_TEST_KEYS = frozenset(("test", "tests", "testframework", "helmtest", "helmtests"))


def _helm_test_sections(ctx) -> set:
    """ids of the mappings under a top-level values key named for the chart's tests
    (``_HELM_TEST_KEYS``): their images are the test pods', whose tags K8S001/K8S002 leave."""

    def compute() -> set:
        out: set = set()
        for _obj, doc in wl.values_roots(ctx):
            for k, v in doc.value:
                if is_scalar(k) and (scalar(k) or "").lower() in _HELM_TEST_KEYS:
                    out.update(id(m) for m in walk_mappings(v))
        return out

    return ctx.cached("k8s.helm_test_sections", compute)


def _values_latest(repo: str) -> str:
    if repo == "image":  # (sapcc's aurora: image: {tag: latest}, the template writing the repository)
        return "Helm values set an image's tag to the mutable latest (its repository is the template's)."
    return f"Helm values set image {repo} to the mutable tag latest."


def _values_image_maps(ctx) -> list:
    """Helm values ``image:`` mappings: (mapping, repository text, tag node, digest text, pull policy node)."""
    out = []
    tests = _helm_test_sections(ctx)
    for _obj, doc in wl.values_roots(ctx):  # (a values file; a HelmRelease's spec.values)
        for m in walk_mappings(doc):
            v = value(m, "image")
            if not is_map(v) or id(m) in tests:
                continue
            tag, repo = value(v, "tag"), values_repository(text(v, "repository"), text(v, "name"), text(v, "registry"))
            later = _LATER_REGISTRY.fullmatch(repo or "") is not None  # (a registry filled in later: the tag is known)
            if repo is None and any(get(v, k) is not None for k in ("repository", "name")) and not repository_defaulted(
                    ctx) or _unknown(repo or "image") and not later:  # (an empty repository: a slot the user fills,
                continue  # akri's brokers, unless a template gives it a default; a placeholder: sapcc's nebula-repository)
            repo = repo or "image"
            pol = value(v, "pullPolicy") or value(m, "imagePullPolicy") or value(v, "imagePullPolicy")
            first = ctx.model.content_span(v)[0]
            if _reader_sets(ctx, first - 1) or _reader_sets(ctx, first):
                continue  # (the comment above its image: key, or above its first key)
            out.append((v, repo, tag, text(v, "digest"), pol))
    return out


def _mutable(img: _Image, local: bool = False) -> bool:
    """Untagged or ``latest``; not untagged where the repository names its release (``ubi8/ubi``:
    DF002); not in a container that only waits (``sleep 3600``: its version cannot matter); not
    an image of a registry on the node's own machine (``localhost/mock-llm`` loaded with ``kind
    load``, ``localhost:5000/app``): a local development image, whose tag names what was loaded;
    not one the node never pulls named as its own (``imagePullPolicy: Never``, ``local/...``:
    kafka-docker-playground's ``local/httpserver-cfk:latest``; one the repository builds is
    dropped with the whole run, ``refine.set_by_tooling``).  With ``local`` (K8S007) a
    local registry's counts (a kind registry's cached ``latest`` goes stale) unless it is
    ``localhost/`` without a port (CRI-O's own store)."""
    if img.digest is not None or not (img.tag == "latest" or img.tag is None and not release_in_name(img.name)):
        return False
    if wl.only_waits(img.container):
        return False
    if is_scalar(img.policy) and (scalar(img.policy) or "").strip() == "Never" and img.name.startswith("local/"):
        return False  # never pulled, named as the node's own (local/...): built or loaded there, its tag a local name
    if not local_registry(img.ref):  # (nor the cluster's own oc: its registry's openshift/cli, no version to pin)
        return not cluster_release(img.ref)
    return local and not img.ref.startswith("localhost/")


def _digest_only(ctx, name: str) -> bool:
    """``updaters.digest_only``: an image with no version tags and no updater of the file."""
    from ...updaters import digest_only

    return digest_only(ctx, name)


# ---- K8S001 ---------------------------------------------------------------------------------------


@rule("K8S001", "image-latest-tag", severity=Severity.WARNING, tags=("image", "reproducibility", "kubernetes"))
def image_latest_tag(ctx):
    """
    ## What it does
    Flags a container image with the `latest` tag in a pod template or another place the `workload-images` pack names
    (Tekton steps, Argo Workflows templates, OLM, Flux `HelmRelease` values), a Kustomize `images:` entry with `newTag:
    latest`, or a Helm values `image:` with `tag: latest`.

    ## Why is this bad?
    `latest` is whatever was pushed last: two nodes can run different code under the same manifest, a rollback re-deploys the new
    image, and nothing records which build is running. Images pinned by digest (`app:latest@sha256:…`) are not reported, nor
    references expanded later (`$`, `{{`) or placeholders no runtime accepts (`<YOUR-IMAGE>`, `IMAGE_NAME`), nor a Helm values
    `tag: latest` beside an empty `repository:` (a slot the user fills: the template renders no image without it). Files under the
    `fixtures` folders (`testdata`, ...) are test input and not linted by default. An image whose tag a Kustomization including
    the manifest replaces (`images:` with `newTag` or `digest`, in the manifest's folder or one above that lists it in
    `resources`; in the project, an overlay's, or its `transformers:`' ImageTagTransformer) is judged there, once; one an
    OpenShift release payload replaces (in the `image-references` beside the manifest) is not judged. Nor are manifests for
    development (under a folder `dev`, `development`, `tools`, `tooling`, `debug`, `hack`, `local`, `sandbox`, `playground`,
    `.devcontainer` or `.taskfiles`: a Task's Job templates, or with a word `dev`, `development`, `devenv` or `tilt` in its name,
    or a last word `debug`: `dev-tilt`; or named for development or tests: `pod-dev.yaml`, `e2e-job.yaml`), which start things on
    a throwaway cluster, or examples (under `examples`, `example`, `samples`, `sample`, `demo`, `demos`, or documentation: `docs`,
    `doc`, `documentation`, `tutorials`, `tutorial`; or named for one: `demo.yaml`; or whose opening comment says "for demo /
    testing purposes only", "not for production", "for the development setup"), which their readers copy and pin, or templates
    (`template/`, `version-template/`: kserve's setup script copies it and turns `latest` into the version). Nor is an image whose
    tag the repository's own tooling sets: a `kustomize edit set image NAME=...` in a script, Makefile or workflow (kubebuilder's
    `cd config/manager && $(KUSTOMIZE) edit set image controller=${IMG}`) makes the written tag a placeholder for images named
    NAME, and, when NAME is a variable archlint cannot resolve (a release script's `"${SOURCE}=${IMAGE}:${TAG}"`), for the images
    the repository builds itself; so do a Skaffold config's `build.artifacts` images, which skaffold replaces with what it builds
    in the manifests it deploys, and a Kustomization's strategic-merge patch that sets the image of the same container (kind, name
    and container name) in a manifest it includes, at any depth (cluster-api's `config/default/manager_image_patch.yaml`, through
    `../manager`, replaces `controller:latest`): the patch is judged instead; and a `:latest` a `sed` of the repository rewrites
    in the files it names (argo-workflows' `sed 's/:latest/:$(VERSION)/' manifests/$*`, any tag: strimzi's; kubevela's
    `s/latest/$T/g`; files named by a variable the file assigns: volcano's `"${VALUES_YAML}"`), in a chart's templates rendered
    from values so rewritten, or in what `kustomize build` writes from a folder including such a file, or in what a `kustomize
    build DIR` piped to such a sed reads (kserve's `kustomize build config/overlays/all | yq ... | sed s/:latest/:$TAG/g`; a sed
    of one named image's tag rewrites that image only) — except a third party's image among the repository's own (the namespace
    most of the rewritten latest images, as distinct repositories, share: kserve's `vllm/vllm-openai` among `kserve/*`), which the
    rewrite gives a tag of the repository's version. Nor is the image of a container that only waits (`command: ["sleep",
    "3600"]`, `sh -c "while true; do sleep 3600; done"`, `tail -f /dev/null`, a `.../sleep` or `pause` image) or only prints fixed
    lines and waits (`while true; do echo "..."; sleep 1; done`, `echo ... && sleep 100`): a client pod to `kubectl exec` into, a
    placeholder or a log source, whose image version cannot change what it does (also K8S002); nor a one-part name no registry
    serves, not an official image (`docker-official-images` pack: `target-allocator`, a placeholder a Kustomization replaces, even
    one renaming it so: `newName: controller`, or an image on the node; also K8S002, K8S007, K8S008); nor an image of a registry
    on the node's own machine (`localhost/mock-llm:latest` loaded with `kind load`, `localhost:5000/app`): a local development
    image (also K8S002; K8S007 still speaks of one the node pulls); nor an OpenShift release's image stream in the cluster's
    registry (`...openshift-image-registry.svc:5000/openshift/cli:latest`: its own `oc`; also K8S002); nor one the node never
    pulls (`Never`) named `local/...` or that the repository builds: put on the node, its tag a local name (also K8S002); nor a
    placeholder a comment on its line or above hands to the reader (kubebuilder's "Change the value of image field below...", a
    commented-out `# image: <ID.dkr.ecr...>`: kube-bench's; also K8S002, K8S007, K8S008); nor a Helm values image under a
    top-level `test`, `tests` or `testFramework` section: the pods `helm test` starts (also K8S002). In a whole run, an image a
    container takes from its node (`imagePullPolicy: IfNotPresent` or `Never`) that a command of the repository loads into a local
    cluster under that name and tag (karmada's `kind load docker-image docker.io/karmada/karmada-scheduler:latest` for
    `artifacts/deploy`) is the development loop's, and the value of a YAML anchor a release `sed` rewrites in the values file it
    names (karmada's `s/\\(\\&karmadaImageVersion \\)...`; or a value marked for one: flyte's `tag: latest # FLYTE_TAG`) a
    placeholder: neither is reported; a Kustomization's `images:` entry whose `name` matches no image of what it includes (every
    resource and patch read; a patch, replacement or configuration never saying `image` moves none) changes nothing and is not
    reported; and the file `kustomize build` writes (`dist/install.yaml`) from a folder whose entry a `kustomize edit set image`
    of the repository sets carries the release's tag.

    An image whose publisher gives no version tags (distroless, Chainguard's free images, Bitnami's `bitnamisecure/*`,
    `bitnami/*` since 2025) is reported only where Renovate or Dependabot updates the file, hint a digest (see DF001).

    ## Example
    ```yaml
    containers:
      - name: api
        image: registry.example.com/api:latest
    ```

    ## Use instead
    ```yaml
    containers:
      - name: api
        image: registry.example.com/api:1.4.2
    ```

    ## Fix
    No automatic fix: archlint cannot know which version you want.
    """
    if mutable_tags_allowed(ctx):
        return
    seen: set = set()
    for img in _images(ctx):
        if img.tag == "latest" and _mutable(img) and not _digest_only(ctx, img.name):
            f = _emit(ctx, img.obj, seen, ctx.report(
                img.span,
                f"Image {img.ref} uses the mutable tag latest.",
                hint=f"pin a digest ({img.name} publishes no version tags)" if latest_only(img.name) else f"pin a version tag such as {img.name}:<version>, or a digest", key=img.ref,
            ))
            if f:
                yield f
    for v, repo, tag, digest, _ in _values_image_maps(ctx):
        if scalar(tag) == "latest" and not digest and not _digest_only(ctx, repo):
            f = _emit(ctx, None, seen, ctx.report(
                ctx.model.content_span(tag),
                _values_latest(repo),
                hint="set tag to a version" + APP_VERSION_HINT * app_version_default(ctx),
                key=f"{repo}:latest",
            ))
            if f:
                yield f
    for entry, name, tag_node in _kustomize_images(ctx):
        if scalar(tag_node) == "latest" and not text(entry, "digest") and not _digest_only(ctx, name):
            f = _emit(ctx, None, seen, ctx.report(
                ctx.model.content_span(tag_node),
                f"Kustomize sets image {name} to the mutable tag latest.",
                hint="set newTag to a version, or pin a digest",
                key=f"{name}:latest",
            ))
            if f:
                yield f


def _kustomize_images(ctx) -> list:
    roots = []
    if ctx.kind == "kustomization":
        roots = [d for d in ctx.model.documents if is_map(d)]
    elif ctx.kind == "kubernetes":
        roots = [o.node for o in _objects(ctx) if o.kind in ("Kustomization", "Component")]
    out = []
    for root in roots:
        for entry in items(value(root, "images")):
            if not is_map(entry):
                continue
            tag = value(entry, "newTag")
            if is_scalar(tag):
                name = text(entry, "newName") or text(entry, "name") or "image"
                if not _unserved(ctx, name):  # (a placeholder's tag, renamed to a placeholder too: none a node pulls)
                    out.append((entry, name, tag))
    return out


# ---- K8S002 ---------------------------------------------------------------------------------------


@rule("K8S002", "image-untagged", severity=Severity.WARNING, tags=("image", "reproducibility", "kubernetes"))
def image_untagged(ctx):
    """
    ## What it does
    Flags a container image in a pod template (or another place the `workload-images` pack
    names: Tekton steps, Argo Workflows templates) with neither a tag nor a digest.

    ## Why is this bad?
    The container runtime reads `image: app` as `app:latest`, with every problem of K8S001, and
    the manifest does not even say so. Helm values with an empty `tag` are not reported: charts
    commonly default it to their `appVersion`; nor are placeholders (`<YOUR-CONTAINER>`,
    `{IMAGE}`, `REPLACE_ME`: references no runtime accepts), nor images whose tag a Kustomization
    including the manifest sets or patches, or that the repository's `kustomize edit set image`
    or Skaffold config sets, nor
    manifests for development (see K8S001).

    ## Example
    ```yaml
    containers:
      - name: api
        image: myacr.azurecr.io/api
    ```

    ## Use instead
    ```yaml
    containers:
      - name: api
        image: myacr.azurecr.io/api:2024.06.1
    ```

    ## Fix
    No automatic fix.
    """
    if mutable_tags_allowed(ctx):
        return
    seen: set = set()
    for img in _images(ctx):
        if img.source == "container" and img.tag is None and _mutable(img) and not _digest_only(ctx, img.name):
            f = _emit(ctx, img.obj, seen, ctx.report(
                img.span,
                f"Image {img.ref} has no tag, so the node pulls {img.ref}:latest.",
                hint=f"add a version tag ({img.ref}:<version>) or a digest",
                key=img.ref,
            ))
            if f:
                yield f


# ---- K8S007 / K8S008 ------------------------------------------------------------------------------


def _rule_on(ctx, rule_id: str) -> bool:
    """Whether ``rule_id`` runs on this file: enabled by the settings and not switched off by
    ``per-file-ignores`` (the engine's own two tests)."""

    def compute():
        from ...config import selects
        from ...engine import _rel_to_config
        from ...registry import get_rule

        r = get_rule(rule_id)
        if r is None or not ctx.settings.rule_enabled(r) or ctx.kind not in r.kinds:
            return False
        off = ctx.settings.ignored_for(_rel_to_config(ctx.source.abspath, ctx.settings))
        return not any(selects(s, rule_id) for s in off)

    return ctx.cached(f"k8s.on.{rule_id}", compute)


def _twin_reported(ctx, rule_id: str, obj, span) -> bool:
    """Whether ``rule_id`` (K8S001/K8S002) reports the image at ``span`` unsuppressed: it runs on
    the file, the object's ``archlint.io/ignore`` annotation does not name it, and no inline
    suppression covers its line."""
    if not _rule_on(ctx, rule_id) or (obj is not None and obj.ignored(rule_id)):
        return False
    from ...model import Finding
    from ...suppress import collect

    sups = ctx.cached("k8s.suppressions", lambda: collect(ctx.source, ctx.kind, ctx.model))
    twin = Finding(rule_id, "", span, Severity.WARNING)
    return not any(s.covers(twin) for s in sups)


@rule("K8S007", "latest-without-always-pull", severity=Severity.WARNING,
      tags=("image", "reproducibility", "kubernetes"))
def latest_without_always_pull(ctx):
    """
    ## What it does
    Flags a mutable image (tag `latest` or no tag, no digest) with an explicit `imagePullPolicy`
    other than `Always` (Helm values: `pullPolicy`), where K8S001/K8S002 do not already report
    that image.

    ## Why is this bad?
    With `IfNotPresent` a node that pulled `app:latest` once keeps running that copy: new pods on
    old nodes run old code, new nodes run new code, and a redeploy changes nothing. Not reported
    when the policy is omitted (Kubernetes defaults it to `Always` for such tags), nor for an image
    loaded into the node's own store (`localhost/app`, no port: no registry serves it) or one the
    node never pulls named as its own (`Never`, `local/app`: see K8S001), nor for a
    container that only waits or only prints a fixed line (see K8S001), nor where
    a whole run drops K8S001/K8S002 as a development loop's (an image a script of the repository
    loads into its kind cluster under that name).

    Pinning the tag fixes both this and the K8S001 (`latest`) or K8S002 (no tag) finding on the
    same image, so K8S007 stays silent where that rule reports the image. It speaks when the
    user accepts mutable tags: K8S001/K8S002 switched off (`ignore`, `select`,
    `per-file-ignores`) or suppressed for that image (an `# archlint: ignore[K8S001]` comment on
    its line, an `archlint.io/ignore` annotation) — then the pull policy is the remaining risk.

    ## Example
    ```yaml
    image: registry.example.com/backend:latest
    imagePullPolicy: IfNotPresent
    ```

    ## Use instead
    ```yaml
    image: registry.example.com/backend:1.8.0
    imagePullPolicy: IfNotPresent
    ```

    ## Fix
    No automatic fix: pin the image (preferred) or set `imagePullPolicy: Always`.
    """
    if mutable_tags_allowed(ctx):
        return
    model = ctx.model
    seen: set = set()
    for img in _images(ctx):
        pol = scalar(img.policy) if is_scalar(img.policy) else None
        twin = "K8S001" if img.tag == "latest" else "K8S002"
        if pol and pol != "Always" and not _dynamic(pol) and _mutable(img, local=True) \
                and not (_mutable(img) and _twin_reported(ctx, twin, img.obj, img.span)):
            f = _emit(ctx, img.obj, seen, ctx.report(
                model.content_span(img.policy),
                f"{img.policy_key} {pol} with the mutable image {img.ref}: nodes that already have it keep "
                "running their old copy.",
                hint="pin a version tag or digest, or use Always",
                key=img.ref,
            ))
            if f:
                yield f
    for _, repo, tag, digest, pol_node in _values_image_maps(ctx):
        pol = scalar(pol_node) if is_scalar(pol_node) else None
        if (scalar(tag) == "latest" and not digest and pol and pol != "Always" and not _dynamic(pol)
                and not _twin_reported(ctx, "K8S001", None, model.content_span(tag))):
            f = _emit(ctx, None, seen, ctx.report(
                model.content_span(pol_node),
                f"pullPolicy {pol} with the mutable image {repo}:latest: nodes that already have it keep "
                "running their old copy.",
                hint="pin a version tag or digest, or use Always",
                key=f"{repo}:latest",
            ))
            if f:
                yield f


@rule("K8S008", "image-not-pinned", severity=Severity.INFO, enabled=False, fix="unsafe",
      tags=("image", "supply-chain", "kubernetes"))
def image_not_pinned(ctx):
    """
    ## What it does
    Flags a container image in a pod template without a `@sha256:` digest (off by default).

    ## Why is this bad?
    A tag can be moved to another image at any time (by mistake or by an attacker with push
    access); a digest names exactly one image. For teams that require immutable deployments;
    enable it with `extend-select = ["K8S008"]`.

    ## Example
    ```yaml
    image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    image: nginx:1.27@sha256:<digest of the image you tested>
    ```

    ## Fix
    With an `archlint.lock` (written by `archlint lock`) that lists the image, an unsafe fix
    appends the digest it records (`nginx:1.27@sha256:…`); a lint never asks the registry itself.
    """
    from ...lock import pin_fix

    seen: set = set()
    for img in _images(ctx):
        if img.source == "container" and img.digest is None:
            f = _emit(ctx, img.obj, seen, ctx.report(
                img.span,
                f"Image {img.ref} is not pinned by digest.",
                hint=f"pin it: {img.name}{':' + img.tag if img.tag else ''}@sha256:<digest>",
                key=img.ref,
                fix=pin_fix(ctx, img.span, img.ref),
            ))
            if f:
                yield f

