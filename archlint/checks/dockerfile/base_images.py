"""DF001, DF002, DF011, DF014: the base image a FROM names (tags, digests, an architecture)."""
from __future__ import annotations

import posixpath
import re

from ... import platforms as plat
from ...archnames import image_arch_token, without_arch
from ...images import latest_only, parse_image_ref, release_in_name, unserved, without_registry
from ...model import Severity
from ...registry import rule
from ...tooling import mutable_tags_allowed
from ...updaters import docker_updater
from ...parsers.dockerfile import expand, shell_body
from ._common import (
    _base_images, _copies_of, _copy_sources, _platform_kind, _stage_names_arch, based_by, comment_above,
    stage_vars,
)

# ---- DF001 / DF002 / DF011: base image references ------------------------------------------------


@rule("DF001", "from-latest-tag", severity=Severity.WARNING, tags=("image", "reproducibility"))
def from_latest_tag(ctx):
    """
    ## What it does
    Flags a `FROM` whose image uses the `latest` tag, also when an `ARG` default resolves to it.

    ## Why is this bad?
    `latest` is a moving pointer: two builds of the same commit get different bases, a rebuild can
    silently switch major versions, and a cached `latest` on one machine differs from another's.
    Same as hadolint DL3007 (`# hadolint ignore=DL3007` is honoured, as is DL3007 in a `.hadolint.yaml`'s `ignored:`).

    ## Example
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal:latest
    ```

    ## Use instead
    ```dockerfile
    FROM registry.access.redhat.com/ubi9/ubi-minimal:9.5
    ```

    Not reported where the comment right above the `FROM` names the base and says its version is set another way
    (kind's `# NOTE: the actual go version will be overridden` above `golang:latest`, whose gimme
    installs the pinned toolchain). Not reported in developer tooling or examples (`hack/`, `tools/`, `dev/`, `examples/`,
    `docs/`, a dev container's or Gitpod workspace's `.gitpod.Dockerfile`...: see K8S001): a demo's or a lint stage's base is the reader's or the tool's to
    pin, as K8S001 and DC001 say nothing of mutable tags there. Nor in a stage that upgrades
    every installed package (`apt-get upgrade`, `microdnf update`, `apk upgrade`...: strimzi's
    `ubi-minimal:latest`) or a toolchain's channel (trow's `rustup default nightly` on `rust:latest`): it takes the newest packages on every build on purpose, and a pinned
    base tag would not make it reproducible. Nor in a stage that only fetches files for a later
    stage (kompose's `apk add curl` and `curl` of its release, katib's `alpine/git` clone,
    strimzi's checked downloads): it runs downloads and what unpacks and checks them, installs
    only those tools, and is read only by `COPY --from` of what it fetched (or through a stage based on it that
    only does the same: kubeval's `FROM schemas AS standalone-schemas`, which deletes what it does not need), so the
    image gets
    the same files whatever version of the base ran `curl` (a stage that compiles, installs
    other packages, is copied from where its packages live, or is the image built is still
    reported). Nor for an image whose publisher gives no version
    tags (distroless, Chainguard's free images, Prometheus' busybox: `latest`, `nonroot`,
    `debug`), unless Renovate (a `renovate.json`...) or Dependabot's `docker` ecosystem for the
    Dockerfile's folder updates the repository's pins: the one pin there is a digest, and pinned
    by hand it stops the base's security fixes (the judged repositories kept such bases on
    purpose: metallb's distroless, Prometheus' busybox convention); and not even then where the
    last part of the name holds a variable (Prometheus' `busybox-${OS}-${ARCH}`: a repository per
    platform, whose digests one `FROM` line cannot hold).

    ## Fix
    No automatic fix: archlint cannot know which version you want.
    """
    if mutable_tags_allowed(ctx):
        return
    for st, value, related in _base_images(ctx):
        name, tag, digest = parse_image_ref(value)
        if tag == "latest" and digest is None and not _upgrades_packages(st) and _pin_kept(ctx, name, st.image.value) \
                and not _unserved(ctx, name) and not fetch_only(ctx.model, st) \
                and not comment_above(ctx, st.from_ins.span.line, _version_set(name).search):
            via = " (through an ARG default)" if related else ""
            yield ctx.report(
                st.image.span,
                f"Base image {value} uses the mutable tag latest{via}.",
                hint=_pin_hint(name, f"pin a version tag such as {name}:<version>, or a digest"),
                related=related,
                key=value,
            )


def _unserved(ctx, name: str) -> bool:
    """A one-part name that is none of Docker Hub's official images (``images.unserved``), or a
    name of three parts or more with no registry host (Docker Hub's are ``namespace/name``): no
    registry serves it, so the build reads a named context or an image built on its machine
    (Mailu's ``FROM base``, its Bake files' ``contexts = { base = "target:base" }``; rundeck's
    ``FROM rdubuntu16.04-util:latest``, which its test script builds first; stackable's ``FROM
    local-image/shared/statsd-exporter``, a Bake context its build tool maps): no tag to pin."""
    if "$" in name:
        return False
    return unserved(name, getattr(ctx.settings, "rule_packs", ())) \
        or without_registry(name) == name and name.count("/") >= 2  # (no host: not docker.io/ either)


def _version_set(name: str):
    """A pattern of a comment saying the base's own version is set another way, naming it ("the
    actual go version will be overridden" above ``golang:latest``: kind's images, whose gimme
    installs the .go-version toolchain), and asking for no pin (no TODO, pin, should)."""
    last = name.rsplit("/", 1)[-1].lower()
    words = {re.escape(w) for w in (last, last.removesuffix("lang"), "base", "image") if len(w) > 1}
    return re.compile(r"^(?!.*\b(?:todo|fixme|pin|should|must)\b).*\b(?:" + "|".join(sorted(words))
                      + r")\b[^\n]{0,20}?\bversion\s+(?:will\s+be\s+|is\s+|gets\s+)?(?:overridden|overwritten|replaced)",
                      re.I)


def _pin_kept(ctx, name: str, written: str) -> bool:
    """Whether a pin of ``name`` would be kept fresh: always for an image with version tags; for
    one whose publisher gives none (distroless, Chainguard's free images, Prometheus' busybox:
    ``latest``, ``nonroot``, ``debug``), only where Renovate or Dependabot's docker ecosystem
    updates this Dockerfile, since a digest pinned by hand there stops the base's security fixes;
    and never where the last part of the repository's name, as ``written``, holds a variable:
    Prometheus' ``busybox-${OS}-${ARCH}`` is one repository per platform, whose digests no one
    line holds (a variable registry or whole reference names one repository)."""
    if not latest_only(name):
        return True
    last = written.strip().rsplit("@", 1)[0].rsplit(":", 1)[0].rsplit("/", 1)[-1]
    return docker_updater(ctx) and ("$" not in last or _WHOLE_VAR.fullmatch(written.strip()) is not None)


def _pin_hint(name: str, usual: str) -> str:
    """How to pin ``name``: ``usual``, or a digest where its publisher gives no version tags
    (distroless, Chainguard's free images, Prometheus' busybox)."""
    if latest_only(name):
        return f"{name} publishes no version tags: pin a digest ({name}:latest@sha256:...); the repository's " \
               "Renovate or Dependabot moves it"
    return usual


#: a package manager upgrading every installed package (``apt-get upgrade``, ``microdnf update``)
_UPGRADE = re.compile(r"\b(?:apt(?:-get)?\s+(?:-\S+\s+)*(?:dist-)?upgrade|(?:micro)?dnf\s+(?:-\S+\s+)*(?:update|upgrade)"
                      r"|yum\s+(?:-\S+\s+)*(?:update|upgrade)|apk\s+(?:-\S+\s+)*upgrade|zypper\s+(?:-\S+\s+)*(?:update|up|dup|dist-upgrade)"
                      r"|tdnf\s+(?:-\S+\s+)*(?:update|upgrade))(?![\w-])")
#: on a Rust image, moving to a toolchain's channel (trow's rust:latest, then rustup default nightly)
_RUST_CHANNEL = re.compile(r"\brustup\s+(?:default|update|toolchain\s+install)\s+(?:nightly|stable|beta)(?![\w.-])")


def _upgrades_packages(stage) -> bool:
    """A stage whose ``RUN`` upgrades every installed package (strimzi's ``microdnf update -y``
    on ``ubi-minimal:latest``, kubeflow's ``apt -y upgrade`` on ``ubuntu2404:latest``; trow's
    ``rustup default nightly`` on ``rust:latest``, a toolchain's moving channel): it takes
    the newest packages on every build on purpose, so a pinned base tag would not make it
    reproducible; ``latest`` is the same choice for the base."""
    rust = stage.image is not None and stage.image.value.rsplit("/", 1)[-1].startswith("rust:")
    for ins in stage.instructions:
        if ins.keyword == "RUN" and (_UPGRADE.search(ins.args.text) or rust and _RUST_CHANNEL.search(ins.args.text)):
            return True
    return False


#: what a stage that only fetches may run: downloads, checks and unpacking, file moves, and the
#: shell's text tools (``uname -m | sed ...`` to name the release asset of the target's CPU)
_FETCHERS = frozenset(("curl", "wget", "git", "aria2c"))
_FETCH_HELPERS = frozenset((
    "tar", "unzip", "gunzip", "gzip", "xz", "unxz", "bunzip2", "bzip2", "zstd", "chmod", "chown", "chgrp", "mv", "cp",
    "mkdir", "rm", "rmdir", "ln", "cd", "echo", "printf", "cat", "test", "[", "true", "false", ":", "exit", "set",
    "export", "sha256sum", "sha512sum", "sha1sum", "md5sum", "shasum", "cksum", "gpg", "gpgv", "uname", "arch",
    "sed", "tr", "cut", "grep", "head", "tail", "sort", "wc", "install", "touch", "ls", "basename", "dirname",
    "jq", "mktemp", "realpath", "readlink", "stat",
))
#: helpers that move or pack files: one that reads from where the base's packages live hands the
#: base's files on (``cp -r /etc/ssl /out/``)
_MOVERS = frozenset(("cp", "mv", "ln", "install", "tar", "rsync"))
#: package managers, and the packages a fetching stage installs to fetch, check and unpack
_INSTALLERS = frozenset(("apk", "apt-get", "apt", "yum", "dnf", "microdnf", "tdnf", "zypper"))
_FETCH_PACKAGES = frozenset((
    "curl", "wget", "git", "git-core", "ca-certificates", "tar", "gzip", "unzip", "xz", "xz-utils", "bzip2", "zstd",
    "gnupg", "gnupg2", "gpg", "dirmngr", "jq", "coreutils", "bash", "findutils", "which", "file", "openssl",
))
#: where a package manager puts what it installs: a stage copied from there hands over its base's packages
_SYSTEM_PATHS = re.compile(r"^/(?:usr(?!/local(?:/|$))|lib|lib64|bin|sbin|etc|var/lib)(?:/|$)")


def _system_path(path: str) -> bool:
    """Whether a path (of a COPY --from source: relative to the stage's root) is or may be where
    the base's own files are: the root itself, a system folder, or a path with a variable."""
    p = posixpath.normpath("/" + path.strip().lstrip("/"))
    return "$" in p or p == "/" or _SYSTEM_PATHS.match(p) is not None


def _fetch_only_command(cmd) -> bool | None:
    """True for a download, False for a helper (unpacking, checks, moves), None for anything else."""
    prog = cmd.program
    if prog in _FETCHERS:
        return True
    if prog == "find":  # (a search of the stage's own files, or a clean-up; -exec runs anything; the
        # shell reader gives `| xargs rm` as the rm it runs)
        return None if any(w.value in ("-exec", "-execdir", "-ok", "-okdir") or w.value.startswith("/")
                           and _system_path(w.value) for w in cmd.args) else False
    if prog in _FETCH_HELPERS:
        if prog in _MOVERS and any(w.value.startswith("/") and "$" not in w.value and _system_path(w.value)
                                   for w in cmd.args):
            return None  # (a path written out: the stage's own variables name its download folders)
        return False
    if prog in _INSTALLERS:
        names = [w.value for w in cmd.args if not w.value.startswith("-") and "=" not in w.value]
        verb, packages = (names[0], names[1:]) if names else ("", [])
        if verb in ("update", "clean", "makecache") and not packages:
            return False
        if verb in ("add", "install") and packages and all(p in _FETCH_PACKAGES for p in packages):
            return False
    return None


def _reads_system_paths(model, readers) -> bool:
    """Whether one of ``readers`` (``COPY --from`` instructions, with their stages) copies from a
    system path (``_system_path``), its sources read with the variables its stage has set by
    then (strimzi's ``ENV KAFKA_EXPORTER_HOME=/opt/kafka-exporter`` before ``COPY
    --from=downloader $KAFKA_EXPORTER_HOME/...``; one left unknown stays as written).  Each
    reading stage is walked once."""
    by_stage: dict = {}
    for st, ins, _fl in readers:
        by_stage.setdefault(st.index, (st, set()))[1].add(id(ins))
    for st, copies in by_stage.values():
        for ins, env in stage_vars(model, st):
            if id(ins) in copies and any(_system_path(expand(p, env)[0] if "$" in p else p) for p in _copy_sources(ins)):
                return True
    return False


def fetch_only(model, stage) -> bool:
    """Whether the stage only fetches files for later stages (kompose's ``apk add curl`` and
    ``curl -L .../kompose-linux-${ARCH}``, katib's ``alpine/git`` clone, strimzi's checked
    downloads): it runs downloads and what unpacks and checks them, installs only those tools,
    is not the image built nor the base of another stage but one that does the same (``_fetch_only``), and is read only by ``COPY --from`` of
    paths outside the system folders its packages live in. What it hands over is the downloaded
    files, the same whatever version of its base ran ``curl``."""
    return _fetch_only(model, stage, True)


def _fetch_only(model, stage, own_fetch: bool, depth: int = 0) -> bool:
    """``fetch_only``; a stage based on it (kubeval's ``FROM schemas AS standalone-schemas``,
    which deletes what it does not need) hands its files on too when it only runs what a fetching
    stage runs and is read only by ``COPY --from`` (``own_fetch`` False: it fetched through its base)."""
    from ...parsers.shell import simple_commands

    if stage.index == model.final_stage.index or depth > 8:
        return False
    readers = list(_copies_of(model, stage))
    children = based_by(model).get(stage.index, ())
    if not readers and not children or any(fl.name != "from" for _st, _ins, fl in readers) \
            or _reads_system_paths(model, readers):
        return False
    if any(not _fetch_only(model, ch, False, depth + 1) for ch in children):
        return False
    fetched = not own_fetch
    for ins in stage.instructions:
        if ins.keyword == "ADD":
            fetched = fetched or any("://" in p for p in _copy_sources(ins))
        elif ins.keyword == "RUN":
            if ins.exec_form is not None:
                return False
            for snip in [shell_body(ins)] + [h.body for h in ins.heredocs]:
                for cmd in simple_commands(snip):
                    kind = _fetch_only_command(cmd)
                    if kind is None:
                        return False
                    fetched = fetched or kind
        elif ins.keyword not in ("ARG", "ENV", "WORKDIR", "COPY", "USER", "SHELL", "LABEL"):
            return False
    return fetched


#: a FROM image that is one variable: a build parameter (``$BASE_IMAGE``, ``${BASE_IMAGE}``, with
#: its fallback written in place: ``${BUILDER_IMAGE:-golang}``, node-feature-discovery's, whose
#: every build passes ``--build-arg BUILDER_IMAGE=golang:1.26-trixie``)
_WHOLE_VAR = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{([A-Za-z_][A-Za-z0-9_]*)(:?-[^${}]*)?\})")


def _build_parameter(model, image: str) -> bool:
    """Whether a FROM image is one build parameter; with its fallback written in place, only a
    global ``ARG`` the build can set (an undeclared one always takes the fallback)."""
    m = _WHOLE_VAR.fullmatch(image)
    return m is not None and (m.group(2) is None or m.group(1) in model.global_args)


@rule("DF002", "from-untagged", severity=Severity.WARNING, tags=("image", "reproducibility"))
def from_untagged(ctx):
    """
    ## What it does
    Flags a `FROM` image with neither a tag nor a digest, which Docker reads as `:latest`.

    ## Why is this bad?
    It is `latest` in disguise (see DF001). Not reported for `scratch`, for a reference to an earlier stage (`FROM
    build`, or a name whose variable picks one of the earlier stages named like it: talos' `FROM
    install-artifacts-${INSTALLER_ARCH}`, whatever the default), for a name a build of the Dockerfile serves from a
    named context (a Bake target's `contexts = { wheels = "target:wheels" }`, `--build-context`, compose's
    `additional_contexts`: the FROM reads that, not a registry), for a placeholder no runtime accepts as an image
    (rook's `FROM BASEIMAGE`, replaced by `sed` before the build: repositories are lower-case), for a one-part name that
    is none of Docker Hub's official images nor a short name podman resolves (`ubi9`, `fedora-minimal`): Mailu's `FROM
    base`, a named context of Bake files archlint did not read, or an image a script builds first, or a name of three
    parts with no registry (stackable's `FROM local-image/shared/statsd-exporter`; Docker Hub's are `namespace/name`);
    no registry serves it, so no tag is pulled (also DF001's); or for an image that is a build
    parameter: `FROM ${BASE_IMAGE}`, the whole
    reference one `ARG`, with or without a default (in an `ARG` line or in place: `FROM ${BUILDER_IMAGE:-golang}`). Its
    value comes from the build command, which archlint cannot see (jupyter/docker-stacks' CI passes each parent image it
    has just built; the untagged default only serves a local build), and reporting it would be a false alarm (checkov's
    most common one). A default that says `latest` is still DF001's. Same as hadolint DL3006 (`# hadolint ignore=DL3006`
    and DL3006 in a `.hadolint.yaml`'s `ignored:` are honoured), which skips variables too,
    except for a repository whose name carries the release it follows (`ubi8/ubi`, `gcr.io/distroless/static-debian12`,
    `nodejs18`, `python-39`, `cu124`...; a version ending its last part or as a path part: Habana's
    `gaudi-docker/1.20.1/ubuntu22.04/habanalabs/pytorch-installer-2.6.0`) written without a tag, the form its publisher
    documents: it follows that release line as a `:8` tag would, and archlint accepts such tags (in the judged
    repositories, 45 such findings, none worth acting on). A `:latest` written out is still DF001's. Not reported in
    developer tooling or examples, in a stage that only fetches files for a later stage or upgrades every package
    (komodor's `apk upgrade -a`), nor for an image with no version tags where no updater moves a digest (see DF001).

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
    if mutable_tags_allowed(ctx):
        return
    for st, value, related in _base_images(ctx):
        name, tag, digest = parse_image_ref(value)
        if tag is None and digest is None and not release_in_name(name) and not _unserved(ctx, name) \
                and not _build_parameter(ctx.model, st.image.value.strip()) and _pin_kept(ctx, name, st.image.value) \
                and not _upgrades_packages(st) and not fetch_only(ctx.model, st):
            yield ctx.report(
                st.image.span,
                f"Base image {value} has no tag or digest, so it means {value}:latest.",
                hint=_pin_hint(name, f"pin a version: {value}:<version>"),
                related=related,
                key=value,
            )


@rule("DF011", "from-not-pinned", severity=Severity.INFO, enabled=False, fix="unsafe", tags=("image", "supply-chain"))
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
    With an `archlint.lock` (written by `archlint lock`) that lists the image, an unsafe fix
    appends the digest it records (`python:3.12-slim@sha256:…`): the image then stops following
    its tag, and the digest is as fresh as the lock. A lint never asks the registry itself.
    """
    from ...lock import pin_fix

    for st, value, related in _base_images(ctx):
        if parse_image_ref(value)[2] is None:
            yield ctx.report(
                st.image.span,
                f"Base image {value} is not pinned by digest.",
                hint="append @sha256:<digest> (a tag may stay for readers)",
                related=related,
                key=value,
                fix=pin_fix(ctx, st.image.span, value),
            )


# ---- DF014: a base image built for one architecture -----------------------------------------------


@rule("DF014", "from-arch-specific-image", severity=Severity.WARNING, tags=("multi-arch", "image"))
def from_arch_specific_image(ctx):
    """
    ## What it does
    Flags a `FROM` image built for one architecture in a stage that must serve the configured
    target platforms.

    That is: an image whose repository or tag names one architecture
    (`registry.k8s.io/debian-base-amd64:0.3`, `amd64/ubuntu:24.04`, `arm64v8/alpine:3.20`,
    `grafana/logcli:3.7.3-amd64`, also through an `ARG` default) in a stage that follows the
    target platform (no `--platform`, or `$TARGETPLATFORM`), when the configured `platforms`
    include an architecture the image does not serve:

    - several platforms configured: a warning (an error if the image's architecture is not
      among them);
    - one platform configured: an error when the image names another architecture;
    - none configured, or the image's architecture is the single target: nothing (an amd64
      image for an amd64 deployment is fine).

    Not reported: stages pinned by `--platform` (a constant is DF003's subject,
    `$BUILDPLATFORM` runs on the build machine), stages named after their architecture
    (`AS base-arm64`, selected with `FROM base-${TARGETARCH}`), and images whose name holds an
    unresolved variable (`FROM debian-base-${TARGETARCH}:0.3`).

    ## Why is this bad?
    A single-architecture image gives every platform of a multi-platform build the same base:
    the arm64 variant of the image is an amd64 userland, and its first `RUN` or its entrypoint
    fails with `exec format error` (or the build stops with "no match for platform in
    manifest").

    ## Example
    With `platforms = ["linux/amd64", "linux/arm64"]`:
    ```dockerfile
    FROM registry.k8s.io/debian-base-amd64:0.3
    ```

    ## Use instead
    ```dockerfile
    FROM registry.k8s.io/debian-base:0.3
    ```
    (the multi-architecture image), or `FROM registry.k8s.io/debian-base-${TARGETARCH}:0.3`.

    ## Fix
    No automatic fix: whether a multi-architecture image exists is the registry's to say.
    """
    targets = ctx.targets
    if targets.none:
        return
    model = ctx.model
    for st, value, related in _base_images(ctx):
        hit = image_arch_token(value)
        if hit is None or _platform_kind(model, st) != "target":
            continue
        token, arch = hit
        if st.name is not None and _stage_names_arch(st, plat.Platform("linux", arch)):
            continue
        one = targets.single
        if one is not None:
            if one.arch == arch:
                continue
            severity, reason = Severity.ERROR, f"the configured target platform is {one}: the image gets"
        else:
            severity = Severity.WARNING if arch in targets.arches else Severity.ERROR
            reason = f"the stage is built for every configured target platform ({targets.describe()}): each gets"
        via = " (through an ARG default)" if related else ""
        yield ctx.report(
            st.image.span,
            f"Base image {value}{via} is named for one architecture ({token}), but {reason} a base for {arch}.",
            hint=f"use the multi-architecture image if there is one (such as {without_arch(value, token)}), or put "
                 "${TARGETARCH} in the name",
            severity=severity,
            related=related,
            key=value,
        )
