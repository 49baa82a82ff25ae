"""GHA: GitHub Actions workflows (docker/build-push-action platforms, QEMU set-up)."""

from . import rules  # noqa: F401  (registers the rules)
