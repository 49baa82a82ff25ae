"""Container image references (``registry:5000/team/app:1.2@sha256:…``), for every kind that
names images: Dockerfile ``FROM``, Kubernetes ``image:``, compose ``image:``.  Kept apart from the
file parsers so that linting YAML does not load the Dockerfile parser."""
from __future__ import annotations


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


_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def local_registry(ref: str) -> bool:
    """A reference to a registry on this machine (``localhost:5000/app``, podman's
    ``localhost/app``): what goes there does not leave it."""
    first, slash, _rest = ref.partition("/")
    return bool(slash) and any(first == h or first.startswith(h + ":") for h in _LOCAL_HOSTS)
