"""AL: archlint's own findings about files and suppressions (parse errors, unused suppressions,
templated or oversized files...).  They are reported by the engine as notices, not by a check."""

from . import rules  # noqa: F401  (registers the rules)
