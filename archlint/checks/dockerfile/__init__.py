"""DF: Dockerfile and Containerfile rules (base images, FROM --platform, TARGETARCH, heredocs)."""

from . import rules  # noqa: F401  (registers the rules)
