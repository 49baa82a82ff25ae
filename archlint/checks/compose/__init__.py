"""DC: docker-compose services (images, platform:, build.platforms)."""

from . import rules  # noqa: F401  (registers the rules)
