"""DF001, DF002, DF011: the base image a FROM names (tags, digests)."""
from __future__ import annotations

from ...images import parse_image_ref
from ...model import Severity
from ...registry import rule
from ._common import _base_images

# ---- DF001 / DF002 / DF011: base image references ------------------------------------------------


@rule("DF001", "from-latest-tag", severity=Severity.WARNING, tags=("image", "reproducibility"))
def from_latest_tag(ctx):
    """
    ## What it does
    Flags a `FROM` whose image uses the `latest` tag, also when an `ARG` default resolves to it.

    ## Why is this bad?
    `latest` is a moving pointer: two builds of the same commit get different bases, a rebuild can
    silently switch major versions, and a cached `latest` on one machine differs from another's.
    Same as hadolint DL3007 (`# hadolint ignore=DL3007` is honoured).

    ## Example
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal:latest
    ```

    ## Use instead
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal:9.5
    ```

    ## Fix
    No automatic fix: archlint cannot know which version you want.
    """
    for st, value, related in _base_images(ctx):
        name, tag, digest = parse_image_ref(value)
        if tag == "latest" and digest is None:
            via = " (through an ARG default)" if related else ""
            yield ctx.report(
                st.image.span,
                f"Base image {value} uses the mutable tag latest{via}.",
                hint=f"pin a version tag such as {name}:<version>, or a digest",
                related=related,
                key=value,
            )


@rule("DF002", "from-untagged", severity=Severity.WARNING, tags=("image", "reproducibility"))
def from_untagged(ctx):
    """
    ## What it does
    Flags a `FROM` image with neither a tag nor a digest, which Docker reads as `:latest`.

    ## Why is this bad?
    It is `latest` in disguise (see DF001). Not reported for `scratch`, for a reference to an
    earlier stage (`FROM build`), or for an image held in an `ARG` without a usable default
    (`FROM ${BASE_IMAGE}`): its value comes from the build command, which archlint cannot see,
    and reporting it would be a false alarm (checkov's most common one). Same as hadolint DL3006.

    ## Example
    ```dockerfile
    FROM python
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Fix
    No automatic fix.
    """
    for st, value, related in _base_images(ctx):
        name, tag, digest = parse_image_ref(value)
        if tag is None and digest is None:
            yield ctx.report(
                st.image.span,
                f"Base image {value} has no tag or digest, so it means {value}:latest.",
                hint=f"pin a version: {value}:<version>",
                related=related,
                key=value,
            )


@rule("DF011", "from-not-pinned", severity=Severity.INFO, enabled=False, tags=("image", "supply-chain"))
def from_not_pinned(ctx):
    """
    ## What it does
    Flags a `FROM` image that is not pinned by a `@sha256:` digest. Off by default.

    ## Why is this bad?
    Even a version tag can be re-pushed. Teams that require immutable, reviewable bases pin by
    digest (and let a bot such as Renovate update it).

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim@sha256:<digest>
    ```

    ## Fix
    No automatic fix: the digest must be looked up in the registry, which archlint never contacts.
    """
    for st, value, related in _base_images(ctx):
        if parse_image_ref(value)[2] is None:
            yield ctx.report(
                st.image.span,
                f"Base image {value} is not pinned by digest.",
                hint="append @sha256:<digest> (a tag may stay for readers)",
                related=related,
                key=value,
            )
