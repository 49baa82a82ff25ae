"""DF: Dockerfile and Containerfile rules (base images, FROM --platform, TARGETARCH, heredocs).

``base_images`` (DF001, DF002, DF011), ``from_platform`` (DF003, DF004, DF005, DF009, DF010),
``build_args`` (DF006, DF007, DF008, DF012), ``build_platform`` (DF013); ``_common`` holds what they share."""

from . import base_images, build_args, build_platform, from_platform  # noqa: F401  (register the rules)
