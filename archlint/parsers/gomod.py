"""The Kubernetes release a Go module builds against, from its ``go.mod``.

A repository of Kubernetes controllers or tools requires ``k8s.io/api`` (or ``client-go``,
``apimachinery``) at ``v0.N.x``, which is Kubernetes ``1.N``'s API; a repository of Kubernetes
itself requires ``k8s.io/kubernetes v1.N.x``.  The K8S API rules use that release as the default
``kubernetes-version``: the examples and manifests of such a repository are written for the API
it builds against (kubernetes-sigs/jobset's 1.36 alpha scheduling API, on ``k8s.io/api v0.36``).

Only ``require`` lines and blocks are read (a ``replace`` may point a module anywhere), in one
pass over the lines.
"""
from __future__ import annotations

import os
import re

MAX_BYTES = 1 << 20  # a go.mod larger than this is not read (real ones are a few kilobytes)

#: the modules whose version names the Kubernetes release, most telling first
_MODULES = ("k8s.io/api", "k8s.io/client-go", "k8s.io/apimachinery", "k8s.io/kubernetes")
#: (versions of at most 9 digits a part: a longer run of digits is no version, and int() of one is costly)
_LINE = re.compile(r"(k8s\.io/[\w.-]+)[ \t]+v(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?!\d)")


def kubernetes_release(text: str) -> tuple[tuple[int, int], str] | None:
    """((1, N), "k8s.io/api v0.N.x") of the first of ``_MODULES`` that ``text`` (a go.mod)
    requires, or None.  One pass over the lines; ``replace`` lines and blocks are skipped."""
    found: dict[str, tuple[tuple[int, int], str]] = {}
    block = None  # the directive of the ( ... ) block the line is in
    for raw in text.split("\n"):
        line = raw.split("//", 1)[0].strip()
        if block is not None:
            if line.startswith(")"):
                block = None
                continue
            words = line
            directive = block
        else:
            head, _, rest = line.replace("\t", " ").partition(" ")
            if rest.strip() == "(" or head.endswith("("):
                block = head.rstrip("(")
                continue
            directive, words = head, rest.strip()
        if directive != "require":
            continue
        m = _LINE.match(words)
        if m is None:
            continue
        module, major, minor, patch = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        if module not in _MODULES or module in found:
            continue
        if module == "k8s.io/kubernetes":
            release = (major, minor)
        elif major == 0:
            release = (1, minor)
        else:
            continue
        found[module] = (release, f"{module} v{major}.{minor}.{patch}")
    for module in _MODULES:
        if module in found:
            return found[module]
    return None


#: go.mod signature -> what it requires (a language server reads the same go.mod for every save)
_GO_MODS: dict = {}


def built_against(ctx):
    """(release, "k8s.io/api v0.N.x") from the nearest ``go.mod`` at or above the linted file
    within its repository that requires a Kubernetes module, or None (no repository, no such
    go.mod).  Every go.mod looked for is an input of the file's result (``ctx.depends_on``)."""
    from ..source import read_regular

    top = ctx.repository_root()
    path = ctx.source.abspath
    if top is None or not path:
        return None
    folder = os.path.dirname(path)
    while True:
        candidate = os.path.join(folder, "go.mod")
        ctx.depends_on(candidate)
        try:
            st = os.stat(candidate)
        except OSError:
            st = None
        if st is not None:
            key = (candidate, st.st_size, st.st_mtime_ns, st.st_ino)
            if key not in _GO_MODS:
                try:
                    data = read_regular(candidate, MAX_BYTES)
                    text = data.decode("utf-8", "replace") if len(data) <= MAX_BYTES else ""
                except OSError:
                    text = ""
                if len(_GO_MODS) > 64:
                    _GO_MODS.clear()
                _GO_MODS[key] = kubernetes_release(text)
            if _GO_MODS[key] is not None:
                return _GO_MODS[key]
            # a module of no Kubernetes code (a Hugo site's go.mod): the repository's is above
        if os.path.normcase(folder) == os.path.normcase(top):
            return None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
