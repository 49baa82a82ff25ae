"""PY: uses of Python and library APIs that are removed (PY001) or deprecated (PY002) in the
versions the project runs, driven by the ``python-apis`` rule pack (``rules/python-apis.yaml`` plus
the user's ``rule-packs``).

The family's modules: ``rules`` (the two rules and which hits they report), ``project`` (the
target Python version and dependency pins read from the project's files), ``catalogue`` (the
pack's entries, indexed), ``analysis`` and ``resolver`` (the AST binding analysis that finds uses),
``versions`` (version arithmetic).
"""

from . import rules  # noqa: F401  (registers the rules)
from .catalogue import catalogue
from .project import Pin, Target, clear_caches, project_pins, python_target

__all__ = ["Pin", "Target", "catalogue", "clear_caches", "project_pins", "python_target"]
