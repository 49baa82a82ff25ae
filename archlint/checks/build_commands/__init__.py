"""BC: container build and push commands (docker build, buildx, bake, podman, buildah) wherever
they are written: shell scripts, Makefile recipes, Dockerfile RUN, workflow run: steps and Markdown
shell blocks.  One analyser, archlint/commands.py, finds the commands; the rules judge them."""

from . import rules  # noqa: F401  (registers the rules)
from . import downloads  # noqa: F401,E402  (BC009: architecture-specific downloads in scripts)
