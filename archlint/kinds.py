"""Which kind of file a path is: by name first, then by content (a shebang, a YAML document
with ``apiVersion`` and ``kind``).  Returns None for files archlint does not lint."""
from __future__ import annotations

import os
import re

KINDS = (
    "dockerfile", "shell", "makefile", "markdown", "python",
    "kubernetes", "kustomization", "helm-values", "compose", "workflow",
)
YAML_KINDS = ("kubernetes", "kustomization", "helm-values", "compose", "workflow")

#: kind -> "module:function" that parses a Source into the kind's model
PARSERS = {
    "dockerfile": "archlint.parsers.dockerfile:parse",
    "shell": "archlint.parsers.shell:parse",
    "makefile": "archlint.parsers.makefile:parse",
    "markdown": "archlint.parsers.markdown:parse",
    "python": "archlint.parsers.python:parse",
    "kubernetes": "archlint.parsers.yamldoc:parse",
    "kustomization": "archlint.parsers.yamldoc:parse",
    "helm-values": "archlint.parsers.yamldoc:parse",
    "compose": "archlint.parsers.yamldoc:parse",
    "workflow": "archlint.parsers.yamldoc:parse",
}

#: comment syntax per kind, for inline suppressions and --add-suppressions
COMMENT_PREFIX = {k: "#" for k in KINDS}
COMMENT_PREFIX["markdown"] = "<!--"

_SHEBANG = re.compile(rb"^#![ \t]*\S*?(?:/env[ \t]+(?:-\S+[ \t]+)*)?/?(?:\S*/)?(sh|bash|zsh|dash|ksh|ash|mksh)\b")
_K8S_SNIFF = re.compile(r"^apiVersion:\s*\S", re.M)
_KIND_SNIFF = re.compile(r"^kind:\s*\S", re.M)
#: ``Makefile.common``, ``Makefile.docker``: parts a Makefile includes (not automake's .am/.in
#: templates, nor backups)
_MAKEFILE_PART = re.compile(r"^(?:GNU)?[Mm]akefile\.(?!(?:am|in|bak|orig|old|txt|md)$)[A-Za-z0-9_-]+$")
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][^/]*)?\.ya?ml$", re.I)


def kind_by_name(path: str) -> str | None:
    """The kind decided by the file name alone; "yaml" and "maybe-shell" need content."""
    norm = path.replace(os.sep, "/")
    base = norm.rsplit("/", 1)[-1]
    low = base.lower()
    if low in ("dockerfile", "containerfile") or low.endswith((".dockerfile", ".containerfile")):
        return "dockerfile"
    if low.startswith(("dockerfile.", "dockerfile-", "dockerfile_", "containerfile.", "containerfile-")):
        if not low.endswith((".md", ".txt", ".json", ".yml", ".yaml", ".sh", ".py", ".toml", ".dockerignore")):
            return "dockerfile"
    if base in ("Makefile", "GNUmakefile", "makefile") or low.endswith(".mk") or _MAKEFILE_PART.match(base):
        return "makefile"
    if low.endswith((".sh", ".bash", ".ksh", ".zsh", ".dash")):
        return "shell"
    if low.endswith((".md", ".markdown")):
        return "markdown"
    if low.endswith((".py", ".pyi")):
        return "python"
    if low.endswith((".yml", ".yaml")):
        if "/.github/workflows/" in "/" + norm and norm.count("/") >= 2:
            parts = norm.split("/")
            if len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows":
                return "workflow"
        if _COMPOSE_NAME.match(base):
            return "compose"
        if low in ("kustomization.yaml", "kustomization.yml"):
            return "kustomization"
        return "yaml"
    if "." not in base:
        return "maybe-shell"
    return None


def kind_by_content(path: str, guess: str, head: bytes, abspath: str | None = None) -> str | None:
    """Settle "yaml" and "maybe-shell" with the file's first bytes."""
    if guess == "maybe-shell":
        return "shell" if _SHEBANG.match(head) else None
    if guess == "yaml":
        low = os.path.basename(path).lower()
        if low.startswith("values") and abspath:
            d = os.path.dirname(abspath)
            if os.path.isfile(os.path.join(d, "Chart.yaml")):
                return "helm-values"
        text = head.decode("utf-8", "replace")
        if _K8S_SNIFF.search(text) and _KIND_SNIFF.search(text):
            return "kubernetes"
        if "/templates/" in "/" + path.replace(os.sep, "/") and "{{" in text:
            return "kubernetes"  # a Helm template: the YAML parser reports AL003
        return None
    return guess


def detect(path: str, head: bytes | None = None, abspath: str | None = None) -> str | None:
    guess = kind_by_name(path)
    if guess in ("yaml", "maybe-shell"):
        if head is None:
            try:
                with open(abspath or path, "rb") as fh:
                    head = fh.read(65536)
            except OSError:
                return None
        return kind_by_content(path, guess, head, abspath or path)
    return guess


def kind_from_stdin_name(name: str, text: str) -> str | None:
    return detect(name, text[:65536].encode("utf-8", "replace"), None)
