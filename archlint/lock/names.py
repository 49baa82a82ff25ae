"""Image references as a registry reads them: the registry host, the repository, the tag or
digest, and the normalised key the lock file uses (``python:3.12`` and
``docker.io/library/python:3.12`` are one image).  Light: the offline rules import it."""
from __future__ import annotations

import re

from ..images import split_ref

#: Docker Hub's names for itself; the key uses ``docker.io``, the API lives on registry-1
HUB = "docker.io"
HUB_ALIASES = ("docker.io", "index.docker.io", "registry-1.docker.io")
HUB_API = "registry-1.docker.io"

_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                   r"|\[[0-9A-Fa-f:]+\])(?::[0-9]{1,5})?$")
_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_REPO = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$")
MAX_REF = 512
#: skopeo/podman transports that name an image in local storage, not in a registry
LOCAL_TRANSPORTS = ("docker-daemon:", "containers-storage:")


class Ref:
    """A registry image reference: ``host`` (as written, Docker Hub as ``docker.io``),
    ``repository``, ``tag`` (None when pinned by digest alone), ``digest`` (None for a tag)."""

    __slots__ = ("host", "repository", "tag", "digest")

    def __init__(self, host: str, repository: str, tag: str | None, digest: str | None):
        self.host, self.repository, self.tag, self.digest = host, repository, tag, digest

    @property
    def key(self) -> str:
        """The lock's key: ``host/repository:tag`` (also for ``name:tag@digest``: the lock
        follows the tag, and a pin is judged against it), or ``host/repository@digest`` for a
        reference by digest alone."""
        if self.tag is None:
            return f"{self.host}/{self.repository}@{self.digest}"
        return f"{self.host}/{self.repository}:{self.tag}"

    @property
    def api_host(self) -> str:
        return HUB_API if self.host == HUB else self.host

    @property
    def reference(self) -> str:
        """What the manifest endpoint is asked for: the tag (what the lock follows), else the
        digest."""
        return self.tag or self.digest or "latest"

    def __repr__(self):
        return f"Ref({self.key})"


def parse(ref: str) -> Ref | None:
    """The registry reference ``ref`` names, or None when it is not one archlint can resolve (a
    variable, an ``oci:`` path, a malformed name, a stage name is the caller's to exclude)."""
    if not ref or len(ref) > MAX_REF or "$" in ref or "{" in ref or "*" in ref:
        return None
    if ref.lstrip().startswith(LOCAL_TRANSPORTS):
        return None  # an image of this machine's storage: what a registry publishes says nothing of it
    parts = split_ref(ref)
    if parts is None:
        return None
    name, tag, digest = parts
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
        host, repo = first, rest
    else:
        host, repo = HUB, name
    if host.lower() in HUB_ALIASES:
        host = HUB
    if host == HUB and "/" not in repo:
        repo = "library/" + repo
    if not _HOST.match(host) or not _REPO.match(repo):
        return None
    if tag is not None and not _TAG.match(tag):
        return None
    if digest is not None:
        if not DIGEST.match(digest):
            return None
    elif tag is None:
        tag = "latest"
    return Ref(host.lower(), repo, tag, digest)


def key(ref: str) -> str | None:
    """The lock key of ``ref`` (None when it is not a resolvable registry reference)."""
    r = parse(ref)
    return r.key if r is not None else None


LOOPBACK = ("localhost", "127.0.0.1", "[::1]")


def loopback(host: str) -> bool:
    """A registry on this machine: plain HTTP by default, as Docker does."""
    h = host.lower()
    return any(h == n or h.startswith(n + ":") for n in LOOPBACK)
