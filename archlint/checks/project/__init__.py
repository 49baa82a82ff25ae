"""Project rules: judged on the project model (``archlint.project``), every file's facts linked
across the repository: which builds make the image a manifest deploys, on which CPUs it runs."""
from . import rules  # noqa: F401
