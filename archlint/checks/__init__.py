"""Rule families: one package per family, and the one table that declares them.

A family is a package ``archlint/checks/<package>/`` whose ``__init__`` imports the modules that
register its rules (``@registry.rule``); family-private analysis lives beside them.  ``FAMILIES``
below is the only place a family is declared: its ID prefix, its name (shown in ``archlint rules``,
SARIF tags and hover), its package and the file kinds its rules read.  The registry reads the table
to decide which families a file needs without importing any of them, and imports a family's
package the first time a file of one of its kinds is linted.

Adding a family is a new folder here plus one line in ``FAMILIES`` (CONTRIBUTING.md).
"""
from __future__ import annotations



class Family:
    """One row of FAMILIES (a plain class: ``typing`` would cost 4 ms of every start-up)."""

    __slots__ = ("prefix", "name", "package", "kinds", "_module")

    def __init__(self, prefix: str, name: str, package: str, kinds: tuple[str, ...], module: str = ""):
        self.prefix = prefix  # rule IDs are <prefix><3 digits>
        self.name = name  # shown in `archlint rules`, SARIF tags and hover
        self.package = package  # its folder under archlint/checks
        self.kinds = kinds  # file kinds (archlint.kinds.TABLE) its rules read
        self._module = module  # a module elsewhere instead (a test's or a plugin's family)

    def __repr__(self) -> str:
        return f"Family({self.prefix} {self.name})"

    @property
    def module(self) -> str:
        """The module whose import registers the family's rules."""
        return self._module or f"{__name__}.{self.package}"


FAMILIES: tuple[Family, ...] = (
    Family("AL", "archlint", "meta", ()),
    Family("DF", "dockerfile", "dockerfile", ("dockerfile",)),
    Family("BC", "build-command", "build_commands", ("dockerfile", "shell", "makefile", "markdown", "workflow")),
    Family("K8S", "kubernetes", "kubernetes", ("kubernetes", "kustomization", "helm-values", "helm-template")),
    Family("DC", "compose", "compose", ("compose",)),
    Family("GHA", "github-actions", "workflows", ("workflow",)),
    Family("PY", "python", "python", ("python",)),
    # images against what their registries publish, as archlint.lock records it (archlint.lock)
    Family("PL", "platform-lock", "lock", ("dockerfile", "kubernetes", "kustomization", "helm-values", "compose",
                                           "workflow")),
    # the project model: rules on every file's facts together (archlint.project), run once per run
    Family("XF", "project", "project", ("dockerfile", "shell", "makefile", "markdown", "workflow", "kubernetes",
                                        "kustomization", "helm-values", "compose", "bake", "goreleaser",
                                        "tiltfile", "ha-addon")),
)
