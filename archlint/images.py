"""Container image references (``registry:5000/team/app:1.2@sha256:…``), for every kind that
names images: Dockerfile ``FROM``, Kubernetes ``image:``, compose ``image:``.  Kept apart from the
file parsers so that linting YAML does not load the Dockerfile parser."""
from __future__ import annotations

import re


def parse_image_ref(ref: str) -> tuple[str, str | None, str | None]:
    """Split ``registry:5000/repo/name:tag@sha256:…`` into (name, tag, digest)."""
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    tag = None
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        ref, tag = ref[:colon], ref[colon + 1 :]
    return ref, tag, digest


#: transports that name a registry image (skopeo / podman spellings)
TRANSPORTS = ("docker://", "docker-daemon:", "containers-storage:")
_NON_REGISTRY = ("oci:", "oci-archive:", "dir:", "docker-archive:", "ostree:", "sif:")


def without_registry(name: str) -> str:
    """A reference without its registry host (``registry.k8s.io/debian-base-amd64:0.3`` ->
    ``debian-base-amd64:0.3``): a first part with a dot or a colon, or ``localhost``."""
    first, slash, rest = name.partition("/")
    return rest if slash and ("." in first or ":" in first or first == "localhost") else name


def strip_transport(ref: str) -> str:
    """``ref`` without a registry transport prefix (``docker://quay.io/a`` -> ``quay.io/a``)."""
    for t in TRANSPORTS:
        if ref.startswith(t):
            return ref[len(t):]
    return ref


def split_ref(ref: str) -> tuple[str, str | None, str | None] | None:
    """(name, tag, digest) of an image reference as a command or a manifest writes it, None if
    it is not a registry reference (an ``oci:`` path, an empty string, an option)."""
    r = ref.strip()
    s = strip_transport(r)
    if s == r and r.startswith(_NON_REGISTRY):
        return None
    if not s or s.startswith("-"):
        return None
    return parse_image_ref(s)


_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "localtest.me", "kind-registry", "host.docker.internal")
#: names that resolve to this machine, or a local cluster tool's registry on it: any host under
#: ``.localhost`` (RFC 6761) or ``localtest.me`` (public DNS answering 127.0.0.1: func's
#: ``registry.localtest.me``), and k3d's registries, named ``k3d-NAME`` (oathkeeper's
#: ``k3d-localhost:5111``); and any host under ``.test`` (RFC 6761: never a public name; stargz-snapshotter's
#: ``registry-optimize.test``, the ``registry:2`` service of the compose file its test starts)
_LOCAL_HOST_SHAPE = re.compile(r"(?:[\w.-]+\.(?:localhost|localtest\.me|test)|k3d-[\w.-]+)(?::\d+)?")


def local_registry(ref: str) -> bool:
    """A reference to a registry on this machine (``localhost:5000/app``, podman's
    ``localhost/app``, ``registry.localtest.me``, a k3d or kind registry): what goes there does
    not leave it."""
    first, slash, _rest = strip_transport(ref).partition("/")  # (``docker://localhost:5000/x`` too)
    return bool(slash) and (any(first == h or first.startswith(h + ":") for h in _LOCAL_HOSTS)
                            or _LOCAL_HOST_SHAPE.fullmatch(first) is not None)


#: the image streams an OpenShift release creates in the ``openshift`` namespace of the cluster's own
#: registry, each with one tag, ``latest``, that follows the running release (the samples there,
#: ``openshift/python:3.11-ubi9``, have versions)
_RELEASE_STREAMS = frozenset(("cli", "cli-artifacts", "tools", "must-gather", "tests", "installer",
                              "installer-artifacts", "network-tools", "driver-toolkit"))
_OPENSHIFT_REGISTRY = ("image-registry.openshift-image-registry.svc", "image-registry.openshift-image-registry.svc.cluster.local")


def cluster_release(ref: str) -> bool:
    """Whether ``ref`` is an image stream the OpenShift release manages in the cluster's own
    registry (``image-registry.openshift-image-registry.svc:5000/openshift/cli:latest``): the
    ``oc`` of the cluster's version; it has no version tag to pin, and its ``latest`` moves only
    with the cluster."""
    parts = ref.split("@", 1)[0].split("/")
    return len(parts) == 3 and parts[0].split(":", 1)[0] in _OPENSHIFT_REGISTRY and parts[1] == "openshift" \
        and parts[2].split(":", 1)[0] in _RELEASE_STREAMS


# ---- placeholders ---------------------------------------------------------------------------

_REF_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:/@")
_ALNUM_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


#: hosts of Go import paths that serve no container images (a ``ko`` build reference)
_GO_MODULE_HOSTS = frozenset(("github.com", "gitlab.com", "bitbucket.org", "golang.org", "gopkg.in", "go.uber.org",
                              "k8s.io", "sigs.k8s.io", "knative.dev", "tekton.dev", "go.opentelemetry.io"))


def is_placeholder(ref: str) -> bool:
    """Whether an image reference is a placeholder someone replaces before use, not an image:
    a reference no container runtime accepts.  That is, it

    * holds a character an image reference cannot have (``<YOUR-CONTAINER>``, ``{IMAGE}``,
      ``%IMAGE%``, ``[registry]``, blanks), or
    * has an upper-case letter in its repository path (after a registry host, which is the first
      part when it holds ``.`` or ``:`` or is ``localhost``): ``IMAGE_NAME``, ``REPLACE_ME``,
      ``YOUR_ORG/app`` (repositories are lower-case), or
    * has a repository path part that is empty or does not start and end with a lower-case letter
      or digit (``example.com/...``, ``registry//app``), or a name that says to fill it in
      (``replace_this``, ``changeme``: IBM's charts; one part calling itself a repository,
      ``nebula-repository``: sapcc's), or
    * is a Go import path that ``ko`` builds and replaces with a digest: its host serves Go
      modules, not images (``github.com/knative/eventing/cmd/sendevent``; ``ko://...`` already
      fails the rules above).  ``ghcr.io``, ``registry.gitlab.com`` and ``registry.k8s.io`` are
      registries and are images.

    Linear in the reference's length."""
    if not ref or any(c not in _REF_CHARS for c in ref):
        return True
    name = ref.split("@", 1)[0]
    parts = name.split("/")
    last = parts[-1]
    colon = last.find(":")
    if colon >= 0:
        parts[-1] = last[:colon]
    first = parts[0]
    if len(parts) > 2 and first in _GO_MODULE_HOSTS:
        return True
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost"):
        parts = parts[1:]
    for p in parts:
        if not p or p[0] not in _ALNUM_LOWER or p[-1] not in _ALNUM_LOWER:
            return True
        if any(c.isupper() for c in p):
            return True
    return parts[-1].replace("-", "_") in _FILL_IN or len(parts) == 1 and _STUB_REPOSITORY.fullmatch(parts[0]) is not None


#: a one-part name that calls itself a repository (``nebula-repository``, ``repository``): a stub
#: a deployment's values replace (sapcc's charts), as ``<YOUR-IMAGE>`` is
_STUB_REPOSITORY = re.compile(r"(?:[a-z0-9][a-z0-9._-]{0,200}[-_])?repository")
#: a repository name that says to fill it in, in lower case (IBM's ``pushgateway: replace_this``)
_FILL_IN = frozenset(("replace_this", "replace_me", "changeme", "change_me", "fill_me_in", "to_be_replaced",
                      "placeholder", "replaceme"))


#: a namespace that addresses the reader: ``your-registry``, ``yourname``, ``myrepo``, ``my-org``,
#: ``docker_user_name``, ``dockerhub_username``, ``username`` (a README's ``docker build -t
#: docker_user_name/lgbserver``: the reader's own image)
_READERS_PART = re.compile(
    r"(?:your(?:[-_][a-z0-9_-]+|(?:own)?(?:registry|repo|org|name|user|username|account|namespace|dockerhub|docker"
    r"|hub|company|project|team|id)s?)"
    r"|my[-_]?(?:own[-_]?)?(?:registry|repo|repository|org|organi[sz]ation|user|username|name|account|namespace"
    r"|docker|dockerhub|hub|company|project|team|id)s?"
    r"|(?:[a-z0-9]+[-_])?(?:user[-_]?name|docker[-_]?(?:hub[-_]?)?(?:user(?:[-_]?name)?|id|account)))")


#: a metasyntactic namespace (woodpecker's plugin tutorial: ``docker build -t foo/webhook .``)
_STAND_IN = frozenset(("foo", "bar", "baz"))
#: a registry host whose first label addresses the reader (``your-registry.example.com``), or one
#: of the reader's company under it (shell-operator's README: ``registry.mycompany.com/...``; not a
#: registry's own name, ``mycompany.azurecr.io``, as ``myregistry.azurecr.io`` is a team's), a
#: domain that is one (``myregistry.com``, ``myregistry.io``: two labels), or a host under a domain
#: reserved for examples (RFC 2606: ``registry.example.com``, ``harbor.example.org``)
_READERS_HOST = re.compile(r"your[-_][a-z0-9-]+(?:\.[^/]*)?"
                           r"|(?:[a-z0-9-]+\.)+(?:my|your)[-_]?(?:company|corp|org|domain)\.[a-z.]+(?::\d+)?"
                           r"|(?:my|your)[-_]?(?:registry|repo|company|domain)\.[a-z]+(?::\d+)?"
                           r"|(?:[a-z0-9-]+\.)*example\.(?:com|org|net)(?::\d+)?|(?:[a-z0-9-]+\.)+example(?::\d+)?")


def readers_own(ref: str) -> bool:
    """Whether an image reference's namespace (a part before its last, after a registry host)
    addresses the reader, who replaces it with their own (``your-registry/autogluonserver``,
    ``docker_user_name/lgbserver``, ``myorg/app``, a metasyntactic ``foo/app``), or its registry
    host does (``your-registry.example.com/workload/app``): the image is the reader's.  Linear."""
    parts = ref.split("@", 1)[0].split("/")[:-1]
    if parts and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if _READERS_HOST.fullmatch(parts[0].lower()):
            return True
        parts = parts[1:] if len(parts) > 1 else parts
    return any(_READERS_PART.fullmatch(p.lower()) or p.lower() in _STAND_IN for p in parts)


#: repositories whose publishers give no version tags, only ``latest`` and variants of it
#: (distroless: ``latest``, ``nonroot``, ``debug``; Chainguard's free images, on cgr.dev and as
#: ``chainguard/`` on Docker Hub: ``latest``, ``latest-dev``; Prometheus' busybox images; Bitnami's free ``bitnamisecure`` catalogue since
#: 2025, bitnami/containers#86710, and what is left of ``bitnami/`` on Docker Hub, its versions moved to
#: ``bitnamilegacy``, bitnami/containers#88999, and its mirror on ECR Public; httpbin's original image, ``latest``
#: only and unchanged since 2018): a digest is the only pin
_LATEST_ONLY = ("gcr.io/distroless/", "cgr.dev/chainguard/", "chainguard/", "quay.io/prometheus/busybox", "bitnamisecure/",
                "bitnami/", "public.ecr.aws/bitnami/", "kennethreitz/httpbin")
#: Docker Hub's names for itself, which a reference may start with
_DOCKER_HUB = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


def without_docker_hub(name: str) -> str:
    """A repository name without Docker Hub's own host (``docker.io/bitnamisecure/x`` ->
    ``bitnamisecure/x``); other names as they are."""
    for hub in _DOCKER_HUB:
        if name.startswith(hub):
            return name[len(hub):]
    return name


_OFFICIAL: dict = {}  # id of a loaded pack -> (the pack, the names of Docker Hub's official images in it)


#: short names podman, buildah and CRI-O resolve through containers-common's ``shortnames.conf``
#: (``FROM ubi9:latest`` is registry.access.redhat.com/ubi9; ``fedora-minimal``
#: registry.fedoraproject.org's): served, and so moving
_PODMAN_SHORT = re.compile(r"(?:ubi\d+(?:-(?:minimal|micro|init))?|fedora-(?:minimal|toolbox|bootc)|toolbox|rhel\d+)$")


def unserved(name: str, rule_packs=()) -> bool:
    """Whether an image's name is one part (no registry, no namespace) that is none of Docker
    Hub's official images (the ``docker-official-images`` pack) nor a short name podman and
    CRI-O resolve (``_PODMAN_SHORT``): ``image: target-allocator``,
    ``controller:latest``, apisix's ``test-header-image:latest``, which no registry serves.  A
    placeholder a Kustomization or a release script replaces, or an image built or loaded on the
    machine itself: its tag decides nothing pulled, as for a ``localhost/`` image."""
    name = without_docker_hub(name).removeprefix("library/")
    if "/" in name or not name or _PODMAN_SHORT.match(name):
        return False
    from .packs import load_pack

    entries = load_pack("docker-official-images", tuple(rule_packs or ()))
    hit = _OFFICIAL.get(id(entries))  # (load_pack keeps its lists until its cache is cleared)
    if hit is None or hit[0] is not entries:
        if len(_OFFICIAL) > 16:
            _OFFICIAL.clear()
        hit = _OFFICIAL[id(entries)] = (entries, frozenset(e["name"] for e in entries))
    return name.lower() not in hit[1]


def latest_only(name: str) -> bool:
    """Whether the repository ``name`` (``gcr.io/distroless/static``) publishes no version tags."""
    return without_docker_hub(name).startswith(_LATEST_ONLY)


#: an operating system's or a language runtime's release written into a repository name:
#: ``ubi8``, ``rhel9``, ``debian12``, ``ubuntu2204``, ``nodejs18``, ``python-39``, ``py311``, ``cu124``
_RELEASE_IN_NAME = re.compile(
    r"(?:^|[._-])(?:debian|ubuntu|ubi|rhel|centos|fedora|sles|amzn|el|alpine|nodejs|python|py|openjdk|jdk|jre|"
    r"java|golang|go|dotnet|cuda|cu|php|ruby|perl)[-_]?[0-9]+(?:$|[._-])")


def release_in_name(name: str) -> bool:
    """Whether an image's repository names the release it follows, in its last part or the one
    before it: ``registry.access.redhat.com/ubi8/ubi``, ``gcr.io/distroless/static-debian12``,
    Google's ``huggingface-text-generation-inference-cu124.2-3.ubuntu2204.py311``; or whose last
    part ends with a version, or a path part is one (Habana's
    ``vault.habana.ai/gaudi-docker/1.20.1/ubuntu22.04/habanalabs/pytorch-installer-2.6.0``).  Such an image
    written without a tag, as its publisher documents it, follows that release line as ``ubi:8``
    would: the publisher keeps one repository per release and often no other tag (distroless:
    ``latest``, ``nonroot``, ``debug``).  Linear in the name's length."""
    parts = name.rsplit("/", 2)[-2:]
    if any(_RELEASE_IN_NAME.search(p) for p in parts) or _VERSIONED_LAST.search(parts[-1]):
        return True
    return any(_VERSION_PART.fullmatch(p) for p in name.split("/")[1:-1])


#: a version ending the last part of a name (Habana's ``pytorch-installer-2.6.0``), or a path
#: part that is one (``vault.habana.ai/gaudi-docker/1.20.1/...``): one repository per release
_VERSIONED_LAST = re.compile(r"[-_]v?[0-9]+\.[0-9]+(?:\.[0-9]+){0,2}$")
_VERSION_PART = re.compile(r"v?[0-9]+\.[0-9]+(?:\.[0-9]+){0,2}")


def values_repository(repository: str | None, name: str | None, registry: str | None = None) -> str | None:
    """The image a Helm values ``image:`` map names, without its tag: ``registry/repository``,
    and ``/name`` after it where the repository is only a registry and a namespace
    (``repository: docker.io/jont828``, ``name: helmchartproxy-controller``, which the template
    joins; elsewhere ``name`` is often the container's: ``otel/opentelemetry-collector-contrib``
    beside ``name: otel-collector``); a ``name`` alone is the repository.  None when neither is
    written."""
    repo = (repository or "").strip()
    extra = (name or "").strip()
    parts = repo.rstrip("/").split("/")
    if extra and (repo.endswith("/") or len(parts) == 2 and ("." in parts[0] or ":" in parts[0]
                                                              or parts[0] == "localhost")):
        repo = f"{repo.rstrip('/')}/{extra}"
    repo = repo or extra
    if not repo:
        return None
    reg = (registry or "").strip()
    return f"{reg}/{repo}" if reg else repo


def floating_value(value: str) -> bool:
    """A literal build argument value naming a floating image (``wasmedge/wasmedge:latest``,
    ``alpine``): no tag but latest, no digest; a value with a variable, or empty, is not one."""
    v = value.strip().strip("\"'")
    if not v or "$" in v or " " in v:
        return False
    name, tag, digest = parse_image_ref(v)
    return digest is None and tag in (None, "latest") and bool(name)
