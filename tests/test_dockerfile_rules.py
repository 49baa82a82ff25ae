"""The DF rules on inline Dockerfiles: each finding's position and message, and no finding on the
good variants."""
from __future__ import annotations

import pytest

from helpers import ONE, TWO, apply_fix, check, dedent, findings, ids, lint, lint_inline, show, write_files


DF001_LATEST = """
    ARG BASE=alpine:latest
    FROM ubuntu:latest AS build
    FROM ${BASE}
    FROM localhost:5000/team/app:latest
"""


def test_df001_flags_latest_tag():
    assert check(DF001_LATEST, "DF001", kind="dockerfile") == [
        "2:6 DF001 Base image ubuntu:latest uses the mutable tag latest.",
        "3:6 DF001 Base image alpine:latest uses the mutable tag latest (through an ARG default).",
        "4:6 DF001 Base image localhost:5000/team/app:latest uses the mutable tag latest.",
    ]


def test_df001_and_df002_on_images_without_version_tags_only_where_an_updater_moves_a_digest(tmp_path):
    # metallb's and secrets-store's distroless bases, alertmanager's busybox: latest, nonroot and
    # debug are the only tags, so the one pin is a digest, and pinned by hand it stops the base's
    # security fixes: reported only where Renovate or Dependabot's docker ecosystem updates it
    text = "FROM gcr.io/distroless/static:latest\nFROM quay.io/prometheus/busybox\nFROM alpine:latest\n"
    (tmp_path / ".git").mkdir()
    write_files(tmp_path, {"images/app/Dockerfile": text, "Dockerfile": text})
    root, app = str(tmp_path / "Dockerfile"), str(tmp_path / "images" / "app" / "Dockerfile")
    seen = lambda path: [(f.rule_id, f.hint) for f in findings(lint(path), "DF00")]  # noqa: E731
    alpine = ("DF001", "pin a version tag such as alpine:<version>, or a digest")
    assert seen(root) == seen(app) == [alpine]  # no updater
    assert findings(lint_inline(text, kind="dockerfile"), "DF00")[-1].hint == alpine[1]  # no repository either
    # Dependabot updating go modules and the root folder's Dockerfiles (metallb: gomod only)
    write_files(tmp_path, {".github/dependabot.yml": """
        version: 2
        updates:
          - package-ecosystem: gomod
            directory: /images/app
          - package-ecosystem: "docker"
            directory: "/"
    """})
    assert seen(app) == [alpine]
    assert seen(root) == [
        ("DF001", "gcr.io/distroless/static publishes no version tags: pin a digest "
                  "(gcr.io/distroless/static:latest@sha256:...); the repository's Renovate or Dependabot moves it"),
        ("DF002", "quay.io/prometheus/busybox publishes no version tags: pin a digest "
                  "(quay.io/prometheus/busybox:latest@sha256:...); the repository's Renovate or Dependabot moves it"),
        alpine]
    # directories with globs as Dependabot expands them (Ruby's Dir.glob): * within one folder,
    # /**/* every folder but the top; ./ is the top
    (tmp_path / ".github" / "dependabot.yml").write_text(
        "updates:\n- package-ecosystem: docker\n  directories: [/vertical/*, /images/*]\n")
    assert len(seen(app)) == 3 and seen(root) == [alpine]
    write_files(tmp_path, {"images/app/sub/Dockerfile": text, "docker/Dockerfile": text})
    sub, docker = str(tmp_path / "images/app/sub/Dockerfile"), str(tmp_path / "docker/Dockerfile")
    assert seen(sub) == [alpine] and seen(docker) == [alpine]
    (tmp_path / ".github" / "dependabot.yml").write_text(
        "updates:\n- package-ecosystem: docker\n  directories: ['/**/*', './']\n")
    assert len(seen(sub)) == len(seen(docker)) == len(seen(app)) == len(seen(root)) == 3
    # alertmanager's and prometheus' busybox-${OS}-${ARCH}: a repository per platform, whose
    # digests one FROM line cannot hold; with the updater, the written name decides
    write_files(tmp_path, {"arch/Dockerfile": 'ARG ARCH="amd64"\nARG OS="linux"\n'
                                              "FROM quay.io/prometheus/busybox-${OS}-${ARCH}:latest\n"
                                              "FROM quay.io/prometheus/busybox-linux-arm64:latest\n"})
    assert [f.span.line for f in findings(lint(tmp_path / "arch/Dockerfile"), "DF00")] == [4]
    # a variable registry, or the whole reference in one ARG, names one repository: a digest fits
    write_files(tmp_path, {"reg/Dockerfile": "ARG REGISTRY=gcr.io\nFROM ${REGISTRY}/distroless/static:latest\n",
                           "whole/Dockerfile": "ARG RUNTIME=gcr.io/distroless/static:latest\nFROM ${RUNTIME}\n"})
    assert [f.rule_id for f in findings(lint(tmp_path / "reg/Dockerfile"), "DF00")] == ["DF001"]
    assert [f.rule_id for f in findings(lint(tmp_path / "whole/Dockerfile"), "DF00")] == ["DF001"]
    # an unreadable or hostile file is no updater, never a crash
    (tmp_path / ".github" / "dependabot.yml").write_text("updates: [docker\n  - {")
    assert seen(app) == [alpine]
    # nor an entry that opens no version updates (agentgateway's open-pull-requests-limit: 0,
    # "security PRs only"): a pinned digest would never move
    (tmp_path / ".github" / "dependabot.yml").write_text(
        "updates:\n- package-ecosystem: docker\n  directory: /\n  open-pull-requests-limit: 0\n")
    assert seen(root) == [alpine]
    # the configuration is parsed once, however many bases and Dockerfiles ask
    import archlint.updaters as U

    parsed = []
    real = U._dependabot_docker_folders
    (tmp_path / ".github" / "dependabot.yml").write_text(
        "updates:\n- package-ecosystem: docker\n  directory: /nowhere\n" + "# padding\n" * 1000)
    U._dependabot_docker_folders = lambda p: parsed.append(p) or real(p)
    try:
        many = "FROM gcr.io/distroless/static:latest\n" * 50
        write_files(tmp_path, {"a/Dockerfile": many, "b/Dockerfile": many})
        assert findings(lint(tmp_path / "a/Dockerfile"), "DF00") == findings(lint(tmp_path / "b/Dockerfile"), "DF00") == []
    finally:
        U._dependabot_docker_folders = real
    assert len(parsed) == 1
    # Renovate's configuration anywhere it looks for one: every Dockerfile
    write_files(tmp_path, {".github/renovate.json": '{"extends": ["config:recommended"]}'})
    assert len(seen(app)) == len(seen(root)) == 3


def test_df001_leaves_a_stage_that_upgrades_every_package():
    # strimzi's base image: ubi-minimal:latest, then microdnf update -y; kubeflow's
    # components/google-cloud: ubuntu2404:latest, then apt -y upgrade
    assert check("""
        FROM registry.access.redhat.com/ubi9/ubi-minimal:latest AS downloader
        RUN curl -sSfL -o /tini https://example.com/tini
        FROM registry.access.redhat.com/ubi9/ubi-minimal:latest
        RUN microdnf update -y && microdnf install -y java-21-openjdk-headless && microdnf clean all -y
        FROM marketplace.gcr.io/google/ubuntu2404:latest
        RUN apt update && apt -y upgrade
        FROM alpine:latest
        RUN apk add --no-cache curl
        FROM rust:latest AS builder
        RUN rustup toolchain install nightly --allow-downgrade -c rustfmt && rustup default nightly
        FROM rust:latest AS pinned
        RUN rustup default 1.85.0 && rustup update 1.75.0
        FROM ubuntu:latest AS other
        RUN rustup default nightly && make
    """, "DF001", kind="dockerfile") == [
        "1:6 DF001 Base image registry.access.redhat.com/ubi9/ubi-minimal:latest uses the mutable tag latest.",
        "7:6 DF001 Base image alpine:latest uses the mutable tag latest.",
        "11:6 DF001 Base image rust:latest uses the mutable tag latest.",
        "13:6 DF001 Base image ubuntu:latest uses the mutable tag latest.",
    ]  # (trow's builder: rust:latest, then the nightly toolchain, newest on every build too)


def test_df002_leaves_a_stage_that_upgrades_every_package_too():
    # komodor's Dockerfile.agent: FROM alpine, the repositories moved to edge, apk upgrade -a
    assert check("FROM alpine\nRUN apk upgrade -a --no-cache\nFROM alpine\nRUN apk add curl\n", "DF002",
                 kind="dockerfile") == ["3:6 DF002 Base image alpine has no tag or digest, so it means alpine:latest."]
    # kanidm's openSUSE Tumbleweed stages: zypper's dist-upgrade (dup), the rolling distribution's upgrade
    assert check("FROM opensuse/tumbleweed:latest\nRUN zypper -v dup -y && zypper install -y gcc\n"
                 "FROM opensuse/tumbleweed\nRUN zypper dist-upgrade -y\n", "DF00", kind="dockerfile") == []


def test_df001_and_df002_leave_a_stage_that_only_fetches_files_for_a_later_stage():
    # kompose's builder (apk add curl, curl the release for `uname -m`), secrets-store's kubectl
    # download, katib's alpine/git clone, strimzi's checked jar downloads: what reaches the image
    # is the downloaded files, whatever version of the base ran curl. A stage that compiles
    # (make), installs other packages, is copied from where its packages live, is the image built
    # or the base of a stage that does more (make) is still reported, as is the final stage
    text = """
        FROM alpine AS fetch
        ARG KUBE_VERSION=v1.34.3
        COPY VERSION VERSION
        RUN apk add --no-cache curl && \\
            ARCH=$(uname -m | sed 's/x86_64/amd64/g') && \\
            curl -LO https://dl.k8s.io/release/${KUBE_VERSION}/bin/linux/${ARCH}/kubectl && chmod +x kubectl
        FROM alpine/git AS clone
        RUN git clone https://github.com/kubeflow/kubeflow.git && cd kubeflow && git checkout "$(cat ../COMMIT)"
        FROM registry.access.redhat.com/ubi9/ubi-minimal:latest AS jars
        RUN microdnf install -y tar gzip
        RUN curl -LO https://example.com/x.tar.gz && sha512sum -c x.sha512 && mkdir /opt/x && tar xzf x.tar.gz -C /opt/x
        FROM alpine AS compiled
        RUN apk add make git build-base && git clone https://github.com/eradman/entr.git /entr && cd /entr && make install
        FROM alpine AS tools
        RUN apk add --no-cache curl python3 && curl -LO https://example.com/tool
        FROM alpine:latest AS own-curl
        RUN apk add --no-cache curl && curl -LO https://example.com/tool
        FROM alpine AS based
        RUN wget https://example.com/tool
        FROM based AS more
        RUN make
        FROM alpine:latest AS unread
        RUN curl -LO https://example.com/tool
        FROM alpine
        COPY --from=fetch /kubectl /kubectl
        COPY --from=clone /kubeflow/README.md /jars/
        COPY --from=jars /opt/x /opt/x
        COPY --from=compiled /usr/local/bin/entr /
        COPY --from=tools /tool /
        COPY --from=own-curl /usr/bin/curl /
        COPY --from=more /tool /
    """
    assert check(text, "DF00", kind="dockerfile") == [
        "12:6 DF002 Base image alpine has no tag or digest, so it means alpine:latest.",
        "14:6 DF002 Base image alpine has no tag or digest, so it means alpine:latest.",
        "16:6 DF001 Base image alpine:latest uses the mutable tag latest.",
        "18:6 DF002 Base image alpine has no tag or digest, so it means alpine:latest.",
        "22:6 DF001 Base image alpine:latest uses the mutable tag latest.",
        "24:6 DF002 Base image alpine has no tag or digest, so it means alpine:latest.",
    ]
    # kubeval's Dockerfile.offline: a fetching stage's files pass through a stage based on it that
    # only deletes some (find | xargs rm) and is read by COPY --from: both only hand files on
    chain = """
        FROM alpine:latest AS schemas
        RUN apk --no-cache add git
        RUN git clone --depth 1 https://github.com/instrumenta/kubernetes-json-schema.git
        FROM schemas AS standalone-schemas
        RUN cd kubernetes-json-schema/master && find -maxdepth 1 -type d -not -name "*-standalone*" | xargs rm -rf
        FROM alpine:3.20
        COPY --from=standalone-schemas /kubernetes-json-schema /schemas
    """
    assert check(chain, "DF001", kind="dockerfile") == []
    # what runs anything, or searches the base's own files (find /usr/lib ... | xargs cp), does
    # more than hand on what was fetched
    assert len(check(chain.replace("xargs rm -rf", "xargs sh -c make"), "DF001", kind="dockerfile")) == 1
    for other in ("xargs rm -rf", "xargs cp -t /out"):
        assert len(check(chain.replace("find -maxdepth 1", "find /usr/lib -maxdepth 1").replace("xargs rm -rf", other),
                         "DF001", kind="dockerfile")) == 1, other
    # a second review's cases: the base's own files reach the image (its whole root, a system
    # folder written relative, through . or a variable, files staged from one), or the stage
    # compiles through find -exec
    for copy, run in [("/ /", ""), ("usr/lib/x86_64-linux-gnu/ /lib/", ""), ("/./usr/lib/ /lib/", ""),
                      ("$P/lib /lib/", ""), ("/out/ /", "RUN find /src -name '*.go' -exec go build -o /out/ {} \\\\;"),
                      ("/out/ /", "RUN mkdir /out && cp -r /etc/ssl /out/etc/")]:
        one = f"""
            FROM alpine AS fetch
            ARG P=/usr
            RUN apk add --no-cache curl && curl -LO https://example.com/tool
            {run}
            FROM alpine:3.20
            COPY --from=fetch {copy}
        """
        assert check(one, "DF002", kind="dockerfile") == [
            "1:6 DF002 Base image alpine has no tag or digest, so it means alpine:latest."], (copy, run)


def test_df001_and_df002_leave_a_one_part_name_no_registry_serves():
    # Mailu's core/admin/Dockerfile: FROM base, a named context of its Bake files (read or not);
    # rundeck's FROM rdubuntu16.04-util:latest, built by its test script first: no registry
    # serves such a name, so no tag is pulled. An official image, or a namespaced one, is reported
    text = """
        FROM base AS build
        FROM rdubuntu16.04-util:latest AS util
        FROM alpine AS official
        FROM mailu/base AS spaced
        FROM ubi9:latest AS short
        FROM local-image/shared/statsd-exporter AS context
        FROM quay.io/acme/team/tool AS nested
        FROM base
        COPY --from=build / /
        COPY --from=util / /
        COPY --from=official /etc/x /
        COPY --from=spaced /etc/y /
        COPY --from=short /etc/z /
        COPY --from=context /etc/c /
        COPY --from=nested /etc/n /
    """
    # (a short name podman resolves through shortnames.conf is served: ubi9 is Red Hat's; a name of three
    # parts without a registry is no Docker Hub repository: stackable's Bake contexts, `FROM local-image/...`)
    assert [line.split(" Base")[0] for line in check(text, "DF00", kind="dockerfile")] == [
        "3:6 DF002", "4:6 DF002", "5:6 DF001", "7:6 DF002"]


def test_df001_accepts_versions_digests_and_stage_names():
    assert check("""
        ARG BASE
        FROM ubuntu:24.04 AS build
        FROM ${BASE}
        FROM build
        FROM localhost:5000/team/app:1.2.3
        FROM alpine:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000
    """, "DF001", kind="dockerfile") == []


def test_df002_accepts_an_untagged_repository_that_names_its_release():
    # Red Hat's ubi8, distroless' -debian12, Google's Deep Learning Containers: the release line
    # is in the name, as a :8 tag would be; a name without one is still reported
    # written without a tag, as the publishers document them; a :latest written out is DF001's
    assert check("""
        FROM registry.access.redhat.com/ubi8/ubi AS a
        FROM registry.access.redhat.com/ubi9/ubi-minimal:latest AS b
        FROM gcr.io/distroless/static-debian12 AS c
        FROM registry.access.redhat.com/ubi8/python-39 AS d
        FROM quay.io/centos/centos
    """, "DF00", kind="dockerfile") == [
        "2:6 DF001 Base image registry.access.redhat.com/ubi9/ubi-minimal:latest uses the mutable tag latest.",
        "5:6 DF002 Base image quay.io/centos/centos has no tag or digest, so it means"
        " quay.io/centos/centos:latest.",
    ]


def test_release_in_name_reads_os_and_runtime_releases_only():
    from archlint.images import release_in_name

    yes = ["registry.access.redhat.com/ubi8/ubi", "gcr.io/distroless/nodejs18-debian11", "rhel9/postgresql-15",
           "us-docker.pkg.dev/x/gcr.io/huggingface-text-generation-inference-cu124.2-3.ubuntu2204.py311",
           # Habana's: a release per repository, in the path and at the end of the last part
           "vault.habana.ai/gaudi-docker/1.20.1/ubuntu22.04/habanalabs/pytorch-installer-2.6.0",
           "vault.habana.ai/gaudi-docker/1.20.1/ubuntu22.04/habanalabs/pytorch-installer"]
    no = ["ubuntu", "python", "acme/api-v2", "k8s.gcr.io/pause", "quay.io/prometheus/busybox-linux-amd64",
          "debian12/tools/app", "acme/go-app", "acme/cargo2", "1.20.1/app", "acme/app-2", "acme/app.1.2x"]
    assert [n for n in yes if not release_in_name(n)] == [] and [n for n in no if release_in_name(n)] == []


def test_df002_flags_base_without_tag():
    assert check("""
        ARG BASE=python
        ARG REPO=python
        FROM python AS build
        FROM $BASE
        FROM ${REPO}
        FROM ${REPO}:${TAG}
        FROM registry.example.com:5000/base
    """, "DF002", kind="dockerfile") == [
        "3:6 DF002 Base image python has no tag or digest, so it means python:latest.",
        # FROM ${REPO}:${TAG} with TAG never declared is DF012's (undefined-arg-in-from)
        "7:6 DF002 Base image registry.example.com:5000/base has no tag or digest, so it means"
        " registry.example.com:5000/base:latest.",
    ]


def test_df002_passes_a_base_image_that_is_a_build_parameter():
    # jupyter/docker-stacks: CI passes each parent image it has just built; the default is for a
    # local build. The whole reference is one ARG, as hadolint DL3006 skips variables.
    assert check("""
        ARG REGISTRY=quay.io
        ARG OWNER=jupyter
        ARG BASE_IMAGE=$REGISTRY/$OWNER/scipy-notebook
        FROM $BASE_IMAGE
    """, "DF0", kind="dockerfile") == []
    # a default that says latest is still DF001's
    assert check("""
        ARG BASE_IMAGE=quay.io/jupyter/scipy-notebook:latest
        FROM ${BASE_IMAGE}
    """, "DF00", kind="dockerfile") == [
        "2:6 DF001 Base image quay.io/jupyter/scipy-notebook:latest uses the mutable tag latest (through an ARG"
        " default)."]
    # node-feature-discovery: the fallback written in place, every build passing the pinned
    # --build-arg BUILDER_IMAGE=golang:1.26-trixie; text around it is an image name, not a parameter
    assert check("""
        ARG BUILDER_IMAGE
        ARG NAME
        FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE:-golang} AS builder
        FROM ${BUILDER_IMAGE-golang}
        FROM ${BUILDER_IMAGE:-alpine:latest}
        FROM acme/${NAME:-app}
        FROM ${RUNTIME:-alpine}
    """, "DF00", kind="dockerfile") == [
        "5:6 DF001 Base image alpine:latest uses the mutable tag latest (through an ARG default).",
        "6:6 DF002 Base image acme/app has no tag or digest, so it means acme/app:latest.",
        # never declared: no --build-arg can set it, the fallback is what is built
        "7:6 DF002 Base image alpine has no tag or digest, so it means alpine:latest."]


def test_base_image_rules_skip_a_placeholder_the_build_replaces():
    # rook's images/ceph/Dockerfile: FROM BASEIMAGE, which its Makefile replaces with sed before
    # building (a repository is lower-case: no runtime accepts BASEIMAGE as an image)
    assert check("""
        FROM BASEIMAGE
        FROM <YOUR-BASE>:latest
        FROM quay.io/ceph/ceph
    """, "DF00", kind="dockerfile") == [
        "3:6 DF002 Base image quay.io/ceph/ceph has no tag or digest, so it means quay.io/ceph/ceph:latest."]


def test_df002_accepts_tags_digests_scratch_and_stages():
    assert check("""
        ARG BASE_IMAGE
        FROM scratch AS empty
        FROM python:3.12-slim AS build
        FROM build AS test
        FROM ${BASE_IMAGE}
        FROM registry.example.com:5000/base@sha256:0000000000000000000000000000000000000000000000000000000000000000
    """, "DF002", kind="dockerfile") == []


def test_df002_accepts_a_stage_a_build_argument_picks_whatever_its_default():
    # talos: the default names no stage; its builds pass --build-arg INSTALLER_ARCH=all
    text = """
        ARG INSTALLER_ARCH=scratch
        FROM scratch AS install-artifacts-amd64
        FROM scratch AS install-artifacts-all
        FROM install-artifacts-${INSTALLER_ARCH} AS install-artifacts
        FROM alpine:3.20
        COPY --from=install-artifacts / /
    """
    assert check(text, "DF002", kind="dockerfile") == []
    # a name no earlier stage is like is an image: its default is what a plain build pulls
    assert check(text.replace("FROM install-artifacts-${", "FROM ghcr.io/acme/installer-${"), "DF002",
                 kind="dockerfile") == [
        "4:6 DF002 Base image ghcr.io/acme/installer-scratch has no tag or digest, so it means"
        " ghcr.io/acme/installer-scratch:latest."]


DF003_PINNED = """
    FROM --platform=linux/amd64 golang:1.22 AS build
    RUN go build -o /out/app .
    FROM --platform=linux/arm64 alpine:3.20
    COPY --from=build /out/app /app
"""


@pytest.mark.parametrize("table, expected", [
    ({}, [
        "1:6 DF003 Stage 0 (build) is pinned to linux/amd64, so a multi-platform build gives every target this one"
        " architecture.",
        "3:6 DF003 Stage 1 is pinned to linux/arm64, so a multi-platform build gives every target this one"
        " architecture.",
    ]),
    ({"platforms": TWO}, [
        "1:6 DF003 Stage 0 (build) is pinned to linux/amd64, so a multi-platform build gives every target this one"
        " architecture.",
        "3:6 DF003 Stage 1 is pinned to linux/arm64, so a multi-platform build gives every target this one"
        " architecture.",
    ]),
    ({"platforms": ONE}, []),  # amd64 is the single target; arm64 is DF004's
])
def test_df003_flags_stages_pinned_to_one_platform(table, expected):
    assert check(DF003_PINNED, "DF003", kind="dockerfile", **table) == expected


def test_df003_accepts_buildplatform_and_per_arch_stages():
    # faas-netes: ${BUILDPLATFORM:-linux/amd64}, ${TARGETPLATFORM:-linux/amd64}: BuildKit always
    # sets them, the default is only the legacy builder's
    assert check("""
        FROM --platform=${BUILDPLATFORM:-linux/amd64} golang:1.22 AS builder
        FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine:3.20 AS ship
        COPY --from=builder /out/app /app
    """, "DF003", kind="dockerfile", platforms=TWO) == []
    assert check("""
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        FROM --platform=linux/amd64 golang:1.22 AS build-amd64
        FROM --platform=linux/arm64 golang:1.22 AS build-arm64
        FROM alpine:3.20
        COPY --from=build /out/app /app
    """, "DF003", kind="dockerfile", platforms=TWO) == []


def test_df003_leaves_a_pinned_builder_that_cross_compiles_for_the_target():
    # cloud-provider-aws: FROM --platform=linux/amd64 ... as builder, GOOS=${TARGETOS}
    # GOARCH=${TARGETARCH} go build, copied into a --platform=${TARGETPLATFORM} final stage:
    # every target gets its own binary (the pin only decides where the compiler runs)
    text = """
        FROM --platform=linux/amd64 golang:1.22 AS builder
        ARG TARGETOS
        ARG TARGETARCH
        RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -o /out/app .
        FROM --platform=${TARGETPLATFORM} gcr.io/distroless/static:nonroot
        COPY --from=builder /out/app /app
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == []
    # the same builder compiling for its own CPU still gives every target amd64 binaries
    assert check(text.replace("GOOS=${TARGETOS} GOARCH=${TARGETARCH} ", ""), "DF003", kind="dockerfile",
                 platforms=TWO) == [
        "1:6 DF003 Stage 0 (builder) is pinned to linux/amd64, so a multi-platform build gives every target this"
        " one architecture."]


def test_df003_leaves_pinned_stages_that_install_or_use_a_cross_toolchain():
    # home-assistant/addons' silabs-multiprotocol: amd64 stages with Debian's cross toolchains, one
    # picked per target by FROM cross-builder-${BUILD_ARCH}, building with its cmake toolchain file
    text = """
        ARG BUILD_FROM
        ARG BUILD_ARCH
        FROM --platform=linux/amd64 debian:bullseye AS cross-builder-base
        RUN apt-get update && apt-get install -y build-essential git
        FROM --platform=linux/amd64 cross-builder-base AS cross-builder-aarch64
        ENV DEBIAN_CROSS_PREFIX=aarch64-linux-gnu
        RUN dpkg --add-architecture arm64 && apt-get update && apt-get install -y crossbuild-essential-arm64
        FROM --platform=linux/amd64 cross-builder-${BUILD_ARCH} AS cpcd-builder
        RUN cmake ../ -DCMAKE_TOOLCHAIN_FILE=../cmake/${DEBIAN_ARCH}.cmake && make && make install
        FROM --platform=linux/amd64 cross-builder-${BUILD_ARCH} AS zigbeed-builder
        RUN make CC="${DEBIAN_CROSS_PREFIX}-gcc" -C zigbeed
        FROM $BUILD_FROM
        COPY --from=cpcd-builder /usr/local/bin /usr/local/bin
        COPY --from=zigbeed-builder /usr/src/zigbeed /usr/local/bin/zigbeed
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == []
    # the same stages building for their own CPU give every target amd64 binaries
    native = text.replace("dpkg --add-architecture arm64 && ", "").replace("crossbuild-essential-arm64", "gcc") \
        .replace(" -DCMAKE_TOOLCHAIN_FILE=../cmake/${DEBIAN_ARCH}.cmake", "").replace('CC="${DEBIAN_CROSS_PREFIX}-gcc" ', "")
    assert [ln.split(" DF003 ")[0] for ln in check(native, "DF003", kind="dockerfile", platforms=TWO)] == [
        "5:6", "8:6", "10:6"]
    # a package manager's toolchain file (vcpkg's) is no cross toolchain; nor one only installed
    vcpkg = native.replace("cmake ../", "cmake ../ -DCMAKE_TOOLCHAIN_FILE=/vcpkg/scripts/buildsystems/vcpkg.cmake")
    assert "8:6" in [ln.split(" DF003 ")[0] for ln in check(vcpkg, "DF003", kind="dockerfile", platforms=TWO)]
    installed = text.replace(" -DCMAKE_TOOLCHAIN_FILE=../cmake/${DEBIAN_ARCH}.cmake", "").replace('CC="${DEBIAN_CROSS_PREFIX}-gcc" ', "")
    assert [ln.split(" DF003 ")[0] for ln in check(installed, "DF003", kind="dockerfile", platforms=TWO)] == [
        "5:6", "8:6", "10:6"]
    # the toolchain's stage picked into the image's own chain is the image's base: reported, also through
    # a builder the final stage is based on
    final = text.replace("FROM $BUILD_FROM", "FROM cross-builder-${BUILD_ARCH}")
    assert "5:6" in [ln.split(" DF003 ")[0] for ln in check(final, "DF003", kind="dockerfile", platforms=TWO)]
    based = text.replace("FROM $BUILD_FROM", "FROM zigbeed-builder")
    assert "5:6" in [ln.split(" DF003 ")[0] for ln in check(based, "DF003", kind="dockerfile", platforms=TWO)]


def test_df003_leaves_a_pinned_stage_whose_comment_says_it_only_gives_files():
    # drone's Dockerfile.uiv2: "opensource-ui is only pushed as linux/arm64 - okay since we only
    # copy files", then COPY --from=uiv2 /canary-dist /app/web/dist
    text = """
        # opensource-ui is only pushed as linux/arm64 - okay since we only copy files.
        FROM --platform=linux/arm64 harness/opensource-ui:standalone.alpha.480 as uiv2
        FROM golang:1.22-alpine3.18
        COPY --from=uiv2 /canary-dist /app/web/dist
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == []
    assert [x.split(" (")[0] for x in check(text.replace("we only copy files", "pinned for now"), "DF003",
                                               kind="dockerfile", platforms=TWO)] == ["2:6 DF003 Stage 0"]


def test_df003_leaves_a_pinned_stage_that_reaches_the_image_only_through_its_platforms_branch():
    # ollama's Dockerfile: jetpack-5 (linux/arm64) is copied into publish-... and from there only
    # into the arm64 stage (also linux/arm64) that FROM ${TARGETARCH} picks for the image
    text = """
        FROM --platform=linux/arm64 nvcr.io/nvidia/l4t-jetpack:r35.4.1 AS jetpack-5
        RUN make -j8
        FROM scratch AS publish-jetpack5
        COPY --from=jetpack-5 /out /lib/jetpack5
        FROM --platform=linux/amd64 scratch AS amd64
        COPY bin/amd64 /bin
        FROM --platform=linux/arm64 scratch AS arm64
        COPY --from=publish-jetpack5 /lib/jetpack5 /lib/jetpack5
        FROM ${TARGETARCH} AS archive
        FROM ubuntu:24.04
        COPY --from=archive /bin /usr/bin
    """
    assert [x for x in check(text, "DF003", kind="dockerfile", platforms=TWO) if "Stage 0" in x] == []
    # copied on into the image by a stage of no platform: every target gets the arm64 build
    direct = text.replace("COPY --from=publish-jetpack5", "COPY bin/arm64").replace(
        "COPY --from=archive /bin /usr/bin", "COPY --from=publish-jetpack5 /lib/jetpack5 /lib")
    assert [x.split(" (")[0] for x in check(direct, "DF003", kind="dockerfile", platforms=TWO) if "Stage 0" in x] == [
        "1:6 DF003 Stage 0"]


def test_df003_leaves_pinned_stages_whose_folders_the_image_picks_by_its_target_platform():
    # mediamtx's docker/rpi.Dockerfile: scratch stages pinned to linux/amd64 gather each CPU's files
    # in a folder named for its platform, and the image copies only its own (/$TARGETPLATFORM)
    text = """
        FROM --platform=linux/amd64 scratch AS binaries
        ADD binaries/mediamtx_linux_armv7.tar.gz /linux/arm/v7
        ADD binaries/mediamtx_linux_arm64.tar.gz /linux/arm64
        FROM --platform=linux/arm/v7 debian:bullseye-slim AS base-arm-v7
        RUN apt update && apt install -y libc6
        FROM --platform=linux/amd64 scratch AS base
        COPY --from=base-arm-v7 / /linux/arm/v7
        FROM scratch
        ARG TARGETPLATFORM
        COPY --from=base /$TARGETPLATFORM /
        COPY --from=binaries /${TARGETPLATFORM} /
    """
    platforms = ["linux/amd64", "linux/arm/v7", "linux/arm64"]
    assert check(text, "DF003", kind="dockerfile", platforms=platforms) == []
    # without the ARG the variable is empty: every target gets every folder
    assert [x.split(" (")[0] for x in check(text.replace("ARG TARGETPLATFORM", "ENV A=1"), "DF003", kind="dockerfile",
                                               platforms=platforms)] == [
        "1:6 DF003 Stage 0", "4:6 DF003 Stage 1", "6:6 DF003 Stage 2"]
    # another ARG named alike is no target's platform
    assert check(text.replace("${TARGETPLATFORM}", "${TARGETPLATFORM_DIR}"), "DF003", kind="dockerfile",
                 platforms=platforms) != []
    # a folder not picked by the target: every target gets the amd64 stage's files
    assert [x.split(" (")[0] for x in check(text.replace("/${TARGETPLATFORM} /", "/linux/arm64 /"), "DF003",
                                               kind="dockerfile", platforms=platforms)] == ["1:6 DF003 Stage 0"]


def test_df003_leaves_an_opt_in_host_for_cross_builds_to_other_cpus():
    # moby's (balena-engine's) Dockerfile: cross-true, pinned to linux/amd64, adds the arm64 dpkg
    # architecture and crossbuild-essential packages; runtime-dev-cross-true installs arm64 libraries
    # (libseccomp-dev:arm64); a build gets them only with CROSS=true (the default picks the -false stages)
    text = """
        ARG CROSS="false"
        FROM golang:1.22 AS base
        FROM base AS cross-false
        FROM --platform=linux/amd64 base AS cross-true
        RUN dpkg --add-architecture arm64
        RUN apt-get update && apt-get install -y crossbuild-essential-arm64 crossbuild-essential-armhf
        FROM cross-${CROSS} AS dev-base
        FROM dev-base AS runtime-dev-cross-false
        RUN apt-get update && apt-get install -y libseccomp-dev
        FROM --platform=linux/amd64 runtime-dev-cross-false AS runtime-dev-cross-true
        RUN apt-get update && apt-get install -y --no-install-recommends \\
                libapparmor-dev:arm64 libseccomp-dev:armhf
        FROM runtime-dev-cross-${CROSS} AS runtime-dev
        FROM runtime-dev AS dev
        CMD ["bash"]
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == []
    # picked by every build (the ARG has no default, or picks the pinned stage), or no other CPU's
    # packages: a pin like any other
    for other in (text.replace('ARG CROSS="false"', "ARG CROSS"), text.replace('ARG CROSS="false"', 'ARG CROSS="true"'),
                  text.replace("dpkg --add-architecture arm64", "dpkg --add-architecture amd64").replace(
                      "crossbuild-essential-arm64 crossbuild-essential-armhf", "build-essential").replace(
                      "libapparmor-dev:arm64 libseccomp-dev:armhf", "libapparmor-dev")):
        assert [x.split(" (")[0] for x in check(other, "DF003", kind="dockerfile", platforms=TWO)] == [
            "4:6 DF003 Stage 2", "10:6 DF003 Stage 5"], other


DF004_ARM64 = """
    FROM --platform=linux/arm64 python:3.12-slim
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": ONE}, [
        "1:17 DF004 Stage 0 is built for linux/arm64, which is not a configured target platform (linux/amd64).",
    ]),
    ({}, []),
])
def test_df004_flags_stage_for_an_unconfigured_platform(table, expected):
    assert check(DF004_ARM64, "DF004", kind="dockerfile", **table) == expected


def test_df004_accepts_configured_and_build_platform():
    assert check("""
        FROM --platform=linux/amd64 python:3.12-slim
        FROM --platform=$BUILDPLATFORM python:3.12-slim
    """, "DF004", kind="dockerfile", platforms=ONE) == []


DF005_UNPINNED = """
    FROM python:3.12-slim AS build
    RUN pip wheel --wheel-dir /wheels uvicorn

    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": ONE}, [
        "1:1 DF005 FROM python:3.12-slim has no --platform, so the stage follows the build machine's CPU instead of"
        " linux/amd64.",
        "4:1 DF005 FROM python:3.12-slim has no --platform, so the stage follows the build machine's CPU instead of"
        " linux/amd64.",
    ]),
    # the wheels are built for the target: $BUILDPLATFORM would ship the build machine's (issue 14)
    ({"platforms": TWO}, []),
    ({}, []),  # no targets: a notice for the run, not a finding (below)
])
def test_df005_flags_from_without_platform(table, expected):
    assert check(DF005_UNPINNED, "DF005", kind="dockerfile", **table) == expected


def test_df005_without_platforms_is_one_info_notice_on_the_final_stage():
    r = lint_inline(DF005_UNPINNED, kind="dockerfile")
    assert [(n.rule_id, n.line, n.col, n.severity.label, n.group, n.message) for n in r.notices] == [(
        "DF005", 4, 1, "info", "DF005:no-platforms",
        "The final stage (FROM python:3.12-slim) has no --platform and no target platforms are configured, so unless"
        " its builds pass --platform the image follows the build machine's CPU; set platforms in .archlint.toml to"
        " check it.",
    )]
    assert [n.rule_id for n in lint_inline(DF005_UNPINNED, kind="dockerfile", ignore=["DF005"]).notices] == []


def test_df005_says_nothing_of_a_templates_placeholder_base():
    # sonobuoy's and rook's Dockerfile: FROM BASEIMAGE, which a Makefile's sed replaces with a
    # per-architecture base (sed 's|BASEIMAGE|$(BASEIMAGE)|g'); no registry serves BASEIMAGE
    text = "FROM BASEIMAGE\nCOPY sonobuoy /sonobuoy\n"
    assert [n.rule_id for n in lint_inline(text, kind="dockerfile").notices] == []
    assert check(text, "DF005", kind="dockerfile", platforms=ONE) == []
    # a real image, or one an ARG names, is a base like any other
    assert [n.rule_id for n in lint_inline("FROM debian:stable-slim\n", kind="dockerfile").notices] == ["DF005"]
    assert [n.rule_id for n in lint_inline("ARG BASE=debian:12\nFROM ${BASE}\n", kind="dockerfile").notices] == [
        "DF005"]


def test_df005_says_nothing_of_a_windows_image():
    # fluent-bit's dockerfiles/Dockerfile.windows: built on a Windows host, for it; neither the
    # run's notice nor a linux/... platform is for it
    text = """
        FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS builder
        RUN echo build
        FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
        COPY --from=builder /src /app
    """
    assert [n.rule_id for n in lint_inline(text, kind="dockerfile").notices] == []
    assert check(text, "DF005", kind="dockerfile", platforms=ONE) == []
    named = "FROM golang:1.22 AS build\nFROM ${BASE}\n"
    assert [n.rule_id for n in lint_inline(named, name="Dockerfile.windows", kind="dockerfile").notices] == []
    assert [n.rule_id for n in lint_inline(named, name="Dockerfile", kind="dockerfile").notices] == ["DF005"]


def test_df005_a_stage_picked_by_a_variable_is_an_earlier_stage():
    # buildkit's final FROM buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug}: one of its own stages
    text = """
        FROM alpine:3.20 AS buildkit-linux
        FROM buildkit-linux AS buildkit-linux-debug
        FROM buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug}
    """
    assert check(text, "DF005", kind="dockerfile", platforms=ONE) == [
        "1:1 DF005 FROM alpine:3.20 has no --platform, so the stage follows the build machine's CPU instead of"
        " linux/amd64."]
    # a name like no stage (or with a registry) is an image
    other = text.replace("FROM buildkit-$TARGETOS", "FROM registry.example.com/buildkit-$TARGETOS")
    assert [x.split(" ")[0] for x in check(other, "DF005", kind="dockerfile", platforms=ONE)] == ["1:1", "3:1"]


def test_df005_accepts_pinned_and_inherited_stages():
    assert check("""
        FROM --platform=linux/amd64 python:3.12-slim AS build
        FROM build AS test
        FROM scratch AS empty
        FROM --platform=$TARGETPLATFORM python:3.12-slim
        COPY --from=build /wheels /wheels
    """, "DF005", kind="dockerfile", platforms=ONE) == []


def test_df005_a_base_picked_per_architecture_by_a_build_argument_decides_the_cpu():
    # prometheus-operator (busybox-${OS}-${ARCH}, ARCH=amd64 by default), cluster-api
    # (static:nonroot-${ARCH}, no default): every build passes the architecture
    text = """
        ARG ARCH=amd64
        ARG OS=linux
        FROM golang:1.26 AS builder
        ARG GOARCH
        RUN GOARCH=${GOARCH} go build -o /operator .
        FROM quay.io/prometheus/busybox-${OS}-${ARCH}:1.36
        COPY --from=builder /operator /bin/operator
        FROM gcr.io/distroless/static:nonroot-${ARCH} AS other
        FROM alpine:3.20-${TARGETARCH} AS follows-the-build
    """
    lines = [f.split(" ")[0] for f in check(text, "DF005", kind="dockerfile", platforms=ONE)]
    assert lines == ["3:1", "9:1"]  # the builder and $TARGETARCH's stage follow the build machine
    r = lint_inline(text.replace("\n        FROM alpine:3.20-${TARGETARCH} AS follows-the-build", ""), kind="dockerfile")
    assert [n.rule_id for n in r.notices] == []


def test_df005_a_base_named_for_one_architecture_decides_the_cpu():
    # autoscaler's external-grpc example: Dockerfile.arm64 with ARG BASEIMAGE=...:latest-arm64;
    # kubernetes/examples' cassandra on registry.k8s.io/debian-base-amd64: that CPU's image
    # whatever machine builds it, so the run's reminder does not count it
    named = """
        ARG BASEIMAGE=gcr.io/distroless/static:latest-arm64
        FROM $BASEIMAGE
        COPY ca-external-grpc-cloud-provider-arm64 /ca-external-grpc-cloud-provider
    """
    assert [n.rule_id for n in lint_inline(named, kind="dockerfile").notices] == []
    assert [n.rule_id for n in lint_inline("FROM registry.k8s.io/debian-base-amd64:0.3\n", kind="dockerfile").notices] == []
    assert check("FROM amd64/ubuntu:24.04\n", "DF005", kind="dockerfile", platforms=ONE) == []
    # a base for another CPU than the one target is DF014's; a multi-architecture base is DF005's
    assert check(named, "DF005", kind="dockerfile", platforms=ONE) == [
        "2:1 DF005 FROM $BASEIMAGE has no --platform, so the stage follows the build machine's CPU instead of"
        " linux/amd64."]
    plain = named.replace(":latest-arm64", ":latest")
    assert [n.rule_id for n in lint_inline(plain, kind="dockerfile").notices] == ["DF005"]
    # a cross toolchain's image is named for the CPU it compiles for, not the one it runs on
    cross = "FROM ghcr.io/cross-rs/aarch64-unknown-linux-gnu:0.2.5 AS build\n"
    assert [f.split()[:2] for f in check(cross, "DF005", kind="dockerfile", platforms=["linux/arm64"])] == [
        ["1:1", "DF005"]]


def test_df005_flags_only_the_emulated_builder():
    assert check("""
        FROM golang:1.22 AS builder
        ARG TARGETARCH
        RUN GOARCH=$TARGETARCH go build -o /out/app .

        FROM --platform=$BUILDPLATFORM node:20 AS web
        RUN npm run build

        FROM alpine:3.20
        COPY --from=builder /out/app /app
        COPY --from=web /out/web /web
    """, "DF005", kind="dockerfile", platforms=TWO) == [
        "1:1 DF005 Builder stage 0 (builder) has no --platform, so it is emulated once per target platform instead of"
        " running natively.",
    ]


DF006_DOWNLOADS = r"""
    FROM alpine:3.20
    ADD https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.28/grpc_health_probe-linux-arm64 /bin/probe
    RUN curl -fsSL -o /tmp/kubectl "https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl" \
        && wget -q https://example.com/tool_x86_64.tar.gz
    RUN echo "see https://example.com/amd64 for details"
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": ONE}, [
        "2:107 DF006 ADD fetches a build for arm64"
        " (https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.28/grpc_health_probe-linux-arm64) whatever the target platform;"
        " the configured target platforms are linux/amd64.",
        "3:77 DF006 RUN fetches a build for amd64 (https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl)"
        " whatever the target platform; the stage is not pinned to linux/amd64, so a build on another CPU gets a"
        " mismatched binary.",
        "4:41 DF006 RUN fetches a build for x86_64 (https://example.com/tool_x86_64.tar.gz) whatever the target"
        " platform; the stage is not pinned to linux/amd64, so a build on another CPU gets a mismatched binary.",
    ]),
    ({}, [
        "2:107 DF006 ADD fetches a build for arm64"
        " (https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.28/grpc_health_probe-linux-arm64) whatever the target platform;"
        " no target platforms are configured, so the image may be built for another CPU.",
        "3:77 DF006 RUN fetches a build for amd64 (https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl)"
        " whatever the target platform; no target platforms are configured, so the image may be built for another CPU.",
        "4:41 DF006 RUN fetches a build for x86_64 (https://example.com/tool_x86_64.tar.gz) whatever the target"
        " platform; no target platforms are configured, so the image may be built for another CPU.",
    ]),
])
def test_df006_flags_arch_specific_downloads(table, expected):
    assert check(DF006_DOWNLOADS, "DF006", kind="dockerfile", **table) == expected


DF006_FINE = r"""
    FROM alpine:3.20 AS one
    ARG TARGETARCH
    ADD https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.28/grpc_health_probe-linux-${TARGETARCH} /bin/probe

    FROM alpine:3.20 AS two
    RUN ARCH="$(uname -m)" && curl -fsSL -o /tmp/tool "https://example.com/tool_${ARCH}.tar.gz" \
        && curl -fsSL -o /tmp/x https://example.com/tool-x86_64.tar.gz

    FROM alpine:3.20 AS three
    RUN echo "downloads happen elsewhere: https://example.com/amd64" && apk add --no-cache curl

    # fluent-bit: a QEMU user emulator is named after the CPU it emulates, not its own
    FROM debian:trixie-slim AS four
    COPY --from=qemu /usr/bin/qemu-aarch64-static /usr/bin/
    RUN curl -fsSLo /usr/bin/qemu-system-x86_64 https://example.com/qemu/qemu-system-x86_64

    # security-profiles-operator's Dockerfile.ubi: arch's answer mapped to Go's names
    FROM registry.access.redhat.com/ubi9/ubi-minimal:9.5 AS five
    RUN ARCH=$(arch | sed 's|x86_64|amd64|g' | sed 's|aarch64|arm64|g') && \
        curl -sSfL https://go.dev/dl/go1.23.4.linux-${ARCH}.tar.gz | tar -xzf - -C /usr/local
    FROM alpine:3.20 AS six
    RUN curl -fsSLO "https://example.com/tool-`arch | sed s/aarch64/arm64/`.tar.gz"
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": ONE}, []),
    ({"platforms": TWO}, []),
])
def test_df006_accepts_arch_variables_and_mere_mentions(table, expected):
    assert check(DF006_FINE, "DF006", kind="dockerfile", **table) == expected


DF007_UNDECLARED = """
    ARG TARGETARCH
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    RUN GOOS=$TARGETOS GOARCH=${TARGETARCH} go build -o /out/app .

    FROM alpine:3.20
    RUN echo "built for $TARGETPLATFORM"
    ARG TARGETPLATFORM
"""


def test_df007_flags_target_args_not_declared_in_the_stage():
    assert check(DF007_UNDECLARED, "DF007", kind="dockerfile") == [
        "3:10 DF007 $TARGETOS is used in stage 0 (build) without ARG TARGETOS after its FROM, so it expands to an"
        " empty string.",
        "3:27 DF007 $TARGETARCH is used in stage 0 (build) without ARG TARGETARCH after its FROM, so it expands to an"
        " empty string.",
        "6:21 DF007 $TARGETPLATFORM is used in stage 1 without ARG TARGETPLATFORM after its FROM, so it expands to an"
        " empty string.",
    ]


def test_df007_leaves_an_arg_every_stage_a_variable_from_may_name_hands_on():
    # linuxkit's tools/guestfs: FROM syslinux-${TARGETARCH}, each syslinux-* stage FROM base, which
    # declares ARG TARGETARCH: BuildKit hands it on whichever stage the build picks
    text = """
        FROM debian:bookworm AS base
        ARG TARGETARCH
        FROM base AS syslinux-amd64
        RUN echo amd64
        FROM base AS syslinux-arm64
        RUN echo arm64
        FROM syslinux-${TARGETARCH} AS syslinux
        RUN apt-get install -y linux-image-${TARGETARCH}
    """
    assert check(text, "DF007", kind="dockerfile") == []
    # a stage built on the picked one inherits the same (its chain starts at the picked stage)
    assert check(text + "        FROM syslinux AS final\n        RUN echo ${TARGETARCH}\n", "DF007", kind="dockerfile") == []
    # one it may name without the ARG: the build for that CPU expands it empty
    other = text.replace("FROM syslinux-${", "FROM debian:bookworm AS syslinux-riscv64\n        FROM syslinux-${")
    assert [ln.split(" DF007 ")[0] for ln in check(other, "DF007", kind="dockerfile")] == ["9:36"]


def test_df007_leaves_an_empty_go_target_in_a_stage_that_runs_on_the_target():
    # envoy-gateway's examples: GOOS=${TARGETOS} GOARCH=${TARGETARCH} undeclared, in a builder
    # stage without --platform: empty, Go builds for the stage's own platform, the target's. A
    # download URL (or a stage on $BUILDPLATFORM) still is reported
    assert check("""
        FROM golang:1.26 AS builder
        RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH="$TARGETARCH" go build -o /bin/app .
        RUN curl -fsSLo /bin/tool https://example.com/tool-linux-${TARGETARCH}

        FROM --platform=$BUILDPLATFORM golang:1.26 AS cross
        RUN GOARCH=${TARGETARCH} go build -o /bin/app .

        FROM golang:1.26 AS pinned
        RUN GOARCH=${TARGETARCH:-amd64} go build -o /bin/app .
        RUN echo ${BUILDARCH:-${TARGETARCH}}
    """, "DF007", kind="dockerfile") == [
        "3:58 DF007 $TARGETARCH is used in stage 0 (builder) without ARG TARGETARCH after its FROM, so it expands to"
        " an empty string.",
        "6:12 DF007 $TARGETARCH is used in stage 1 (cross) without ARG TARGETARCH after its FROM, so it expands to"
        " an empty string.",
        "9:12 DF007 $TARGETARCH is used in stage 2 (pinned) without ARG TARGETARCH after its FROM, so it expands to"
        " its default amd64 whatever the target platform.",
        "10:10 DF007 $BUILDARCH is used in stage 2 (pinned) without ARG BUILDARCH after its FROM, so it expands to"
        " its default whatever the target platform.",
    ]


def test_df007_leaves_a_linux_default_of_the_target_os():
    # nerdctl's and kagent's GOOS=${TARGETOS:-linux}: what the builder sets for every Linux target;
    # another default, or the arch's, is still reported
    assert [x.split(" is used")[0] for x in check("""
        FROM --platform=$BUILDPLATFORM golang:1.26 AS build
        RUN GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH:-amd64} go build -o /out/app .
        RUN echo ${TARGETOS:-windows}
    """, "DF007", kind="dockerfile")] == ["2:36 DF007 $TARGETARCH", "3:10 DF007 $TARGETOS"]


def test_df007_leaves_onbuild_instructions_to_the_build_that_runs_them():
    # fleet's package/Dockerfile: per-CPU binaries copied by the image built FROM this stage
    text = """
        FROM registry.suse.com/bci/bci-base:15.7 AS base
        FROM base AS copy_buildx
        ONBUILD ARG TARGETARCH
        ONBUILD COPY bin/fleet-linux-$TARGETARCH /usr/bin/fleet
        FROM base AS copy_plain
        COPY bin/fleet-linux-$TARGETARCH /usr/bin/fleet
        FROM base AS copy_undeclared
        ARG TARGETARCH
        ONBUILD COPY bin/fleet-linux-$TARGETARCH /usr/bin/fleet
    """
    # a trigger without ONBUILD ARG expands to nothing in the child: the stage's ARG does not reach it
    assert [f.split(" DF007")[0] for f in check(text, "DF007", kind="dockerfile")] == ["6:22", "9:30"]
    (f,) = [f for f in findings(lint_inline(text, kind="dockerfile"), "DF007") if f.span.line == 9]
    assert f.fix is None and f.hint == "add `ONBUILD ARG TARGETARCH` before it"


def test_df003_in_a_dockerfile_named_for_the_architecture_it_pins():
    # skipper's packaging/Dockerfile.arm64 and Dockerfile.armv7: one file per CPU, each pinned to its own
    text = "FROM --platform=linux/arm64 alpine:3.20\nCOPY build/linux_arm64/skipper /usr/bin/\n"
    assert check(text, "DF003", kind="dockerfile", name="Dockerfile.arm64", platforms=TWO) == []
    assert check(text.replace("arm64", "arm/v7", 1), "DF003", kind="dockerfile", name="Dockerfile.armv7",
                 platforms=["linux/amd64", "linux/arm/v7"]) == []
    # pinned to another architecture than its name's (armv6 is not arm/v7), or in a Dockerfile named for none: reported
    assert len(check(text.replace("arm64", "arm/v7", 1), "DF003", kind="dockerfile", name="Dockerfile.armv6",
                     platforms=["linux/arm/v6", "linux/arm/v7"])) == 1
    assert len(check(text, "DF003", kind="dockerfile", name="Dockerfile.amd64", platforms=TWO)) == 1
    assert len(check(text, "DF003", kind="dockerfile", name="Dockerfile", platforms=TWO)) == 1


def test_df007_accepts_declared_args_and_env():
    assert check("""
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        ARG TARGETOS TARGETARCH
        RUN GOOS=$TARGETOS GOARCH=${TARGETARCH} go build -o /out/app .

        FROM alpine:3.20
        ENV TARGETPLATFORM=linux/amd64
        RUN echo "built for $TARGETPLATFORM" && BUILDARCH=x; echo $BUILDARCH
    """, "DF007", kind="dockerfile") == []


def test_df008_flags_toolchains_pinned_to_one_arch():
    assert check(r"""
        FROM golang:1.22 AS go
        RUN CGO_ENABLED=0 GOARCH=amd64 go build -o /out/app .
        ENV GOARCH=arm64
        FROM rust:1.80 AS rs
        RUN rustup target add aarch64-unknown-linux-musl \
            && cargo build --release --target x86_64-unknown-linux-gnu
        RUN CC=aarch64-linux-gnu-gcc make && gcc -march=x86-64-v3 -o x x.c
    """, "DF008", kind="dockerfile", platforms=TWO) == [
        "2:19 DF008 RUN pins the toolchain to amd64 (GOARCH=amd64); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one.",
        "3:5 DF008 ENV pins the toolchain to arm64 (GOARCH=arm64); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one.",
        "6:30 DF008 RUN pins the toolchain to amd64 (--target x86_64-unknown-linux-gnu); several target platforms are"
        " configured (linux/amd64, linux/arm64) and this literal serves only one.",
        "7:5 DF008 RUN pins the toolchain to arm64 (CC=aarch64-linux-gnu-gcc); several target platforms are"
        " configured (linux/amd64, linux/arm64) and this literal serves only one.",
        "7:42 DF008 RUN pins the toolchain to amd64 (-march=x86-64-v3); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one.",
    ]


LINKERD_CLI = """
    FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS go-gen
    ENV CGO_ENABLED=0
    FROM go-gen AS build-linux-amd64
    ENV GOOS=linux GOARCH=amd64
    RUN go build -o /out/linkerd-linux-amd64 ./cli
    FROM go-gen AS build-linux-arm64
    ENV GOOS=linux GOARCH=arm64
    RUN go build -o /out/linkerd-linux-arm64 ./cli
    FROM scratch AS multi-arch
    COPY --from=build-linux-amd64 /out/* /
    COPY --from=build-linux-arm64 /out/* /
"""


def test_df008_and_df013_accept_a_cross_compilation_matrix():
    # linkerd's cli/Dockerfile: one stage per architecture, each pinning its own: on purpose
    assert check(LINKERD_CLI, "DF0", kind="dockerfile", platforms=TWO) == []
    # one architecture pinned in every stage, or in one stage only, is a pin: DF008 (never DF013)
    same = LINKERD_CLI.replace("GOARCH=arm64", "GOARCH=amd64")
    assert [x.split(" DF008 ")[0] for x in check(same, "DF0", kind="dockerfile", platforms=TWO)] == ["4:16", "7:16"]
    # (and the stage that pins nothing builds for the build machine: DF013)
    one = LINKERD_CLI.replace("ENV GOOS=linux GOARCH=arm64", "ENV GOOS=linux")
    assert check(one, "DF0", kind="dockerfile", platforms=TWO) == [
        "4:16 DF008 ENV pins the toolchain to amd64 (GOARCH=amd64); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one.",
        "6:6 DF013 Stage 2 (build-linux-arm64) runs on the build machine ($BUILDPLATFORM) and never builds for the"
        " target, yet the final stage copies its output (/out/*): every platform's image gets the build machine's"
        " binaries."]


def test_df008_an_added_rustup_target_is_no_pin_the_build_for_it_is():
    # lldap's dev image adds the x86_64, aarch64 and armv7 musl targets in one RUN; openobserve's dev
    # container adds x86_64-unknown-linux-gnu beside the machine's own: nothing is pinned until a
    # cargo --target (or CARGO_BUILD_TARGET) builds for one
    text = """
        FROM rust:1.85
        RUN rustup target add x86_64-unknown-linux-musl && \\
            rustup target add aarch64-unknown-linux-musl && \\
            rustup target add armv7-unknown-linux-musleabihf
        RUN cargo build --target x86_64-unknown-linux-musl
    """
    assert [x.split(" (")[0] for x in check(text, "DF008", kind="dockerfile", platforms=TWO)] == [
        "5:17 DF008 RUN pins the toolchain to amd64"]
    one = "FROM rust:1.85\nRUN rustup target add x86_64-unknown-linux-gnu\n"
    assert check(one, "DF008", kind="dockerfile", platforms=TWO) == []
    env = one + "ENV CARGO_BUILD_TARGET=aarch64-unknown-linux-musl\n"
    assert [x.split(" (")[0] for x in check(env.replace("_TARGET=", "_TARGET "), "DF008", kind="dockerfile",
                                               platforms=TWO)] == ["3:5 DF008 ENV pins the toolchain to arm64"]
    assert check(env, "DF008", kind="dockerfile", platforms=TWO) == [
        "3:5 DF008 ENV pins the toolchain to arm64 (CARGO_BUILD_TARGET=aarch64-unknown-linux-musl); several target"
        " platforms are configured (linux/amd64, linux/arm64) and this literal serves only one."]


def test_df008_leaves_a_toolchain_for_another_os():
    # istio's build-tools: rustup adds a Windows target for cross builds; a release stage
    # building macOS binaries: programs the image does not run.  A linux pin stays DF008's.
    assert check(r"""
        FROM rust:1.80 AS mingw
        RUN rustup target add x86_64-pc-windows-gnu && rustup target add aarch64-apple-darwin
        FROM golang:1.22 AS release
        RUN GOOS=darwin GOARCH=arm64 go build -o /out/app-darwin . && GOOS=windows \
            GOARCH=amd64 go build .
        RUN GOOS=linux GOARCH=arm64 go build -o /out/app .
    """, "DF008", kind="dockerfile", platforms=TWO) == [
        "6:16 DF008 RUN pins the toolchain to arm64 (GOARCH=arm64); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one."]


def test_df008_leaves_a_pin_an_echo_prints():
    # ceph-csi: the message printed when the build argument is missing names a make command
    assert check(r"""
        FROM golang:1.22
        ARG GO_ARCH
        RUN ( test -n "${GO_ARCH}" && exit 0; echo -e "\n\nMissing GO_ARCH argument, run: make image GOARCH=amd64\n\n"; exit 1 )
        RUN printf 'hint: GOARCH=arm64\n' >&2 && GOARCH=amd64 go build -o /out/app .
        RUN flags=$( [ "$SAN" = 1 ] && echo '--target x86_64-unknown-linux-gnu' || echo '' ) && cargo build $flags
        RUN echo "export GOARCH=arm64" >> /etc/profile.d/go.sh && echo 'GOARCH=arm64' | tee /env
    """, "DF008", kind="dockerfile", platforms=TWO) == [
        "4:42 DF008 RUN pins the toolchain to amd64 (GOARCH=amd64); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one.",
        "5:38 DF008 RUN pins the toolchain to amd64 (--target x86_64-unknown-linux-gnu); several target platforms"
        " are configured (linux/amd64, linux/arm64) and this literal serves only one.",
        "6:18 DF008 RUN pins the toolchain to arm64 (GOARCH=arm64); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one.",
        "6:65 DF008 RUN pins the toolchain to arm64 (GOARCH=arm64); several target platforms are configured"
        " (linux/amd64, linux/arm64) and this literal serves only one."]


def test_a_dockerfile_named_after_an_architecture_is_for_it():
    # autoscaler's external-grpc example: Dockerfile.amd64 and Dockerfile.arm64, one per CPU,
    # each copying its own binary; a literal for another architecture there is still a mistake
    text = """
        FROM golang:1.22 AS build
        RUN GOARCH=arm64 go build -o /out/provider-arm64 .
        FROM gcr.io/distroless/static:nonroot-arm64
        COPY --from=build /out/provider-arm64 /provider
        ADD https://example.com/tool-linux-amd64 /tool
    """
    for name in ("Dockerfile.arm64", "Dockerfile-aarch64"):
        r = lint_inline(text, name=name, kind="dockerfile", platforms=["linux/amd64", "linux/arm64"])
        assert [(f.rule_id, f.span.line) for f in r.findings if f.rule_id in ("DF006", "DF008")] == [("DF006", 5)], name
    # in a Dockerfile, the final stage's arm64-only base makes that stage arm64's: its arm64 copy
    # is right, its amd64 download is not
    r = lint_inline(text, name="Dockerfile", kind="dockerfile", platforms=["linux/amd64", "linux/arm64"])
    assert [(f.rule_id, f.span.line) for f in r.findings if f.rule_id in ("DF006", "DF008")] == [
        ("DF008", 2), ("DF006", 5)]


def test_a_folder_named_for_a_cpu_a_few_folders_up_is_the_dockerfiles():
    # AWS CodeBuild's images (slpcat's copy): al/x86_64/standard/5.0/Dockerfile beside al/aarch64/...,
    # each downloading its own CPU's tools; five folders up says nothing
    text = "FROM amazonlinux:2\nRUN curl -LO https://e.com/tool-linux-x86_64.tar.gz\n"
    for name, found in (("al/x86_64/standard/5.0/Dockerfile", []), ("al/aarch64/standard/5.0/Dockerfile", [2]),
                        ("x86_64/a/b/c/d/Dockerfile", [2]), ("al/linux/standard/5.0/Dockerfile", [2])):
        r = lint_inline(text, name=name, kind="dockerfile", platforms=["linux/amd64", "linux/arm64"])
        assert [f.span.line for f in r.findings if f.rule_id == "DF006"] == found, name


def test_a_dockerfile_named_for_x86_is_the_pcs():
    # jetson-containers' 3d_diffusion_policy/Dockerfile.x86 ("a dockerfile for 3d_diffusion_policy on
    # x86", beside the Jetson's Dockerfile): its x86_64 MuJoCo download is its purpose
    text = """
        FROM nvcr.io/nvidia/pytorch:25.01-py3
        RUN wget https://github.com/deepmind/mujoco/releases/download/2.1.0/mujoco210-linux-x86_64.tar.gz
        RUN wget https://example.com/tool-linux-arm64.tar.gz
    """
    for name in ("Dockerfile.x86", "x86.Dockerfile"):
        r = lint_inline(text, name=name, kind="dockerfile")
        assert [(f.rule_id, f.span.line) for f in r.findings if f.rule_id == "DF006"] == [("DF006", 3)], name
    for name in ("Dockerfile", "Dockerfile.x86stub"):
        r = lint_inline(text, name=name, kind="dockerfile")
        assert [(f.rule_id, f.span.line) for f in r.findings if f.rule_id == "DF006"] == [("DF006", 2), ("DF006", 3)], name


def test_a_case_arm_per_architecture_chooses_for_it():
    # beyla's jni-builder: a case on the build machine's CPU picks the cross compiler for the
    # other; a download in an arm per CPU is that CPU's. A pin outside the arms is still one.
    text = r"""
        FROM golang:1.26 AS jni
        ARG BUILDARCH=amd64
        RUN case "$BUILDARCH" in \
              amd64) CC=aarch64-linux-gnu-gcc; SLUG=linux-aarch64 ;; \
              "arm64"|aarch64) CC=x86_64-linux-gnu-gcc;  SLUG=linux-amd64 ;; \
            esac && make CC=$CC && GOARCH=arm64 go build .
        RUN case "$ARCH" in x86_64) curl -fsSLO https://example.com/tool-linux-x86_64.tgz ;; esac \
            && curl -fsSLO https://example.com/other-linux-arm64.tgz
    """
    assert [x.split(" (")[0] for x in check(text, "DF00", kind="dockerfile", platforms=TWO)] == [
        "6:28 DF008 RUN pins the toolchain to arm64",
        "8:52 DF006 RUN fetches a build for arm64"]
    # an arm's literal for another CPU than its label (a copy-paste slip) is still reported; on a
    # case of the build machine's CPU, any arm may pick the other CPU's cross compiler
    slip = r"""
        FROM golang:1.26
        RUN case "$ARCH" in amd64) curl -fsSLO https://example.com/t-linux-amd64.tgz ;; \
              arm64) curl -fsSLO https://example.com/t-linux-amd64.tgz ;; esac
        RUN case "$ARCH" in amd64) GOARCH=amd64 go build ;; arm64) GOARCH=amd64 go build ;; esac
    """
    assert [x.split(" (")[0] for x in check(slip, "DF00", kind="dockerfile", platforms=TWO)] == [
        "3:54 DF006 RUN fetches a build for amd64", "4:60 DF008 RUN pins the toolchain to amd64"]
    # the words of a case arm labelled otherwise are read as before
    assert len(check(text.replace("amd64)", "one)").replace('"arm64"|aarch64)', "two)"), "DF008", kind="dockerfile",
                     platforms=TWO)) == 3


def test_a_literal_for_the_cpu_of_a_one_architecture_final_base_is_that_images():
    # capv's hack/tools/boskosctl: GOARCH=amd64 for a final stage on distroless' nonroot-amd64,
    # no platforms configured: the image is amd64's whatever builds it, and so is its binary
    text = """
        ARG builder_image
        FROM ${builder_image} as builder
        RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o boskosctl ./hack/tools/boskosctl
        RUN curl -fsSLO https://example.com/tool-linux-amd64.tgz
        FROM gcr.io/distroless/static:nonroot-amd64
        COPY --from=builder /workspace/boskosctl .
    """
    assert check(text, "DF00", kind="dockerfile") == []
    # a literal for another CPU, or a multi-architecture final base, is still reported
    assert [x.split(" (")[0] for x in check(text.replace("nonroot-amd64", "nonroot"), "DF00",
                                               kind="dockerfile") if "DF005" not in x] == [
        "3:30 DF008 RUN pins the toolchain to amd64", "4:48 DF006 RUN fetches a build for amd64"]
    assert [x.split(" (")[0] for x in check(text.replace("nonroot-amd64", "nonroot-arm64"), "DF00",
                                               kind="dockerfile")] == [
        "3:30 DF008 RUN pins the toolchain to amd64", "4:48 DF006 RUN fetches a build for amd64"]


def test_an_if_branch_per_architecture_chooses_for_it():
    # kubeedge's build-tools.dockerfile: one branch per CPU, each downloading that CPU's Go (its
    # script passes --build-arg ARCH=$arch with --platform); a test that is not an equality, or a
    # download in the branch of another CPU, is still reported
    text = r"""
        FROM ubuntu:18.04
        ARG ARCH=amd64
        RUN if [ "${ARCH}" = "amd64" ]; then wget -c https://dl.google.com/go/go1.23.12.linux-amd64.tar.gz -O - | tar -xz; \
            elif [ "${ARCH}" = "arm64" ]; then wget -c https://dl.google.com/go/go1.23.12.linux-arm64.tar.gz -O - | tar -xz; \
            elif [[ $ARCH == arm ]]; then wget -c https://dl.google.com/go/go1.23.12.linux-armv6l.tar.gz -O - | tar -xz; \
            fi
        RUN if [ "$ARCH" != "arm64" ]; then curl -fsSLO https://example.com/t-linux-amd64.tgz; fi
        RUN if [ "$ARCH" = "arm64" ]; then GOARCH=arm64 go build . ; else GOARCH=amd64 go build . ; fi
        RUN if [ "$ARCH" = "arm64" ]; then curl -fsSLO https://example.com/t-linux-amd64.tgz; fi \
            && curl -fsSLO https://example.com/u-linux-arm64.tgz
    """
    assert [x.split(" (")[0] for x in check(text, "DF00", kind="dockerfile", platforms=TWO)] == [
        "7:77 DF006 RUN fetches a build for amd64",
        "8:67 DF008 RUN pins the toolchain to amd64",
        "9:76 DF006 RUN fetches a build for amd64",
        "10:48 DF006 RUN fetches a build for arm64"]


HELM_SECRETS = r"""
    FROM alpine:3.21
    ARG VERSION_VALS=0.40.1
    RUN if [ "$(uname -m)" == "x86_64" ]; then GO_ARCH=amd64; else GO_ARCH="arm64"; fi \
        && wget -qO /usr/local/bin/sops https://github.com/getsops/sops/releases/download/v3.10.2/sops-v3.10.2.linux.${GO_ARCH} \
        && wget -qO - https://github.com/variantdev/vals/releases/download/v${VERSION_VALS}/vals_${VERSION_VALS}_linux_amd64.tar.gz | tar xzf - vals
"""


@pytest.mark.parametrize("old, new, table, expected", [
    # jkroepke/helm-secrets: GO_ARCH from uname -m for sops, a literal amd64 left for vals
    ("", "", {}, ["5:19 DF006 RUN fetches a build for amd64 (https://github.com/variantdev/vals/releases/download/"
                  "v${VERSION_VALS}/vals_${VERSION_VALS}_linux_amd64.tar.gz) whatever the target platform, though the"
                  " same instruction works out the CPU for its other downloads (${GO_ARCH}): another CPU's image gets"
                  " the amd64 build."]),
    ("", "", {"platforms": TWO}, ["5:19 DF006"]),
    ("", "", {"platforms": ONE}, []),  # an amd64-only build: right
    # the branches of a choice: a literal for each CPU
    ("&& wget -qO - https://github.com/variantdev", "&& wget -q https://example.com/x_arm64.tgz && wget -qO - https://github.com/variantdev",
     {}, []),
    # the literal in the arm that chooses it
    ("&& wget -qO - https://github.com/variantdev/vals", "&& if [ \"$GO_ARCH\" = amd64 ]; then wget -qO - https://github.com/variantdev/vals",
     {}, []),
    # no download takes the CPU it works out
    ("sops-v3.10.2.linux.${GO_ARCH}", "sops-v3.10.2.linux", {}, []),
])
def test_df006_a_literal_left_among_downloads_of_the_cpu_the_instruction_works_out(old, new, table, expected):
    text = HELM_SECRETS.replace(old, new)
    if "if [ \"$GO_ARCH" in text:
        text = text.replace("| tar xzf - vals", "| tar xzf - vals; fi")
    got = check(text, "DF006", kind="dockerfile", **table)
    assert [g if len(expected[0]) > 12 else g[:10] for g in got] == expected if expected else got == []


def test_df006_reads_what_is_fetched_not_the_headers_it_sends():
    # tensorflow/serving's Dockerfile.devel: a browser's User-Agent naming x86_64 on every curl, the
    # installer's URL naming it too (one finding, quoting the URL); a licence fetched so: nothing
    text = """
        FROM ubuntu:22.04
        ARG BAZEL_VERSION=5.3.0
        RUN curl -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64)" -fSsL -O https://github.com/bazelbuild/bazel/releases/download/$BAZEL_VERSION/bazel-$BAZEL_VERSION-installer-linux-x86_64.sh && \\
            curl -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64)" -A "x86_64 agent" -fSsL -o /bazel/LICENSE.txt https://raw.githubusercontent.com/bazelbuild/bazel/master/LICENSE
    """
    found = check(text, "DF006", kind="dockerfile")
    assert [x.split(" whatever")[0] for x in found] == [
        "3:174 DF006 RUN fetches a build for x86_64 (https://github.com/bazelbuild/bazel/releases/download/$BAZEL_VERSION"
        "/bazel-$BAZEL_VERSION-installer-linux-x86_64.sh)"]


def test_df006_a_tool_for_the_build_machine_is_told_to_follow_the_build_machine():
    # jlesage/docker-baseimage-gui's Dockerfile.common: upx fetched for amd64 in a $BUILDPLATFORM stage
    # that only build stages copy from, to pack what they built: the build machine's CPU decides
    text = """
        FROM --platform=$BUILDPLATFORM alpine:3.20 AS upx
        ARG UPX_VERSION=4.2.4
        RUN curl -L https://github.com/upx/upx/releases/download/v${UPX_VERSION}/upx-${UPX_VERSION}-amd64_linux.tar.xz | tar xJ
        FROM --platform=$BUILDPLATFORM alpine:3.21 AS tigervnc
        ARG TARGETPLATFORM
        COPY --from=upx /usr/bin/upx /usr/bin/upx
        RUN xx-clang build.c -o /out/Xvnc && upx /out/Xvnc
        FROM alpine:3.21
        COPY --from=tigervnc /out/Xvnc /usr/bin/Xvnc
    """
    for table in ({}, {"platforms": TWO}):
        r = lint_inline(text, kind="dockerfile", **table)
        got = [f for f in r.findings if f.rule_id == "DF006"]
        assert [(f.span.line, f.span.col, f.severity.name, f.message, f.hint) for f in got] == [(
            3, 93, "WARNING",
            "RUN fetches a build for amd64 (https://github.com/upx/upx/releases/download/v${UPX_VERSION}/upx-${UPX_VERSION}"
            "-amd64_linux.tar.xz) in a stage that runs on the build machine (--platform=$BUILDPLATFORM) and only serves "
            "other build stages: a build machine of another CPU (an arm64 Mac or runner) gets a tool it cannot run.",
            "derive it from the build machine: ARG BUILDARCH and ${BUILDARCH} in the URL (map names with a case if the "
            "project uses x86_64/aarch64)")]
        assert "-${BUILDARCH}_linux" in apply_fix(dedent(text), got[0].fix) and "ARG BUILDARCH\n" in apply_fix(
            dedent(text), got[0].fix)
    # copied into the image (a stage of the target reads it), also through a build stage's folder the
    # image takes whole, or the final stage built on it: the target's CPU decides, as before
    into_image = text.replace("COPY --from=tigervnc /out/Xvnc", "COPY --from=upx /usr/bin/upx")
    through = text.replace("/usr/bin/upx /usr/bin/upx", "/usr/bin/upx /out/upx").replace(
        "COPY --from=tigervnc /out/Xvnc /usr/bin/Xvnc", "COPY --from=tigervnc /out /usr/local/bin")
    based = text.replace("FROM alpine:3.21\n", "FROM upx\n")
    for other in (into_image, through, based):
        assert [x.split(" whatever")[0] for x in check(other, "DF006", kind="dockerfile")] == [
            "3:93 DF006 RUN fetches a build for amd64 (https://github.com/upx/upx/releases/download/v${UPX_VERSION}/upx-"
            "${UPX_VERSION}-amd64_linux.tar.xz)"], other


def test_df006_a_cross_rs_image_is_the_x86_64_build_machines():
    # openobserve's cross/Dockerfile.oss.musl, named by Cross.oss.toml for its x86_64 and aarch64 musl
    # targets: cross runs the image on the x86_64 host, where protoc generates code
    text = """
        ARG CROSS_BASE_IMAGE
        FROM $CROSS_BASE_IMAGE
        RUN wget https://github.com/protocolbuffers/protobuf/releases/download/v21.12/protoc-21.12-linux-x86_64.zip
    """
    assert check(text, "DF006", kind="dockerfile") == []
    assert check(text.replace("$CROSS_BASE_IMAGE", "ghcr.io/cross-rs/aarch64-unknown-linux-musl:0.2.5").replace(
        "ARG CROSS_BASE_IMAGE", ""), "DF006", kind="dockerfile") == []
    # another CPU's build there, or a base of no such name: reported
    assert [x.split(" whatever")[0] for x in check(text.replace("x86_64.zip", "aarch_64.zip"), "DF006",
                                                     kind="dockerfile")] == [
        "3:98 DF006 RUN fetches a build for aarch_64 (https://github.com/protocolbuffers/protobuf/releases/download/v21.12"
        "/protoc-21.12-linux-aarch_64.zip)"]
    assert [x.split(" whatever")[0] for x in check(text.replace("CROSS_BASE_IMAGE", "BASE_IMAGE"), "DF006",
                                                     kind="dockerfile")] == [
        "3:98 DF006 RUN fetches a build for x86_64 (https://github.com/protocolbuffers/protobuf/releases/download/v21.12"
        "/protoc-21.12-linux-x86_64.zip)"]


def test_df006_reads_what_is_fetched_not_the_local_file_it_is_saved_as():
    # nginx-proxy-manager's dev Dockerfile: curl -o names the temporary file after the download
    text = """
        FROM debian:12
        RUN curl -L -o /tmp/s6-overlay-amd64.tar.gz "https://example.com/v1/s6-overlay-amd64.tar.gz" \\
            && wget -O /tmp/tool-arm64 https://example.com/tool && curl -fsSL https://example.com/x -o /opt/x-arm64
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "2:80 DF006 RUN fetches a build for amd64"]
    # jellyfin's Dockerfile.aarch64: the amd64 package index read by grep for the version string
    index = """
        FROM ubuntu:24.04
        RUN V=$(curl -sX GET https://repo.example.org/dists/main/binary-amd64/Packages | grep -A 7 jf | awk '{print $2}') \\
            && curl -fsSL https://example.com/tool-linux-amd64.tgz | tar -xz
    """
    assert [x.split(" (")[0] for x in check(index, "DF006", kind="dockerfile", platforms=TWO)] == [
        "3:50 DF006 RUN fetches a build for amd64"]
    # a pipeline that runs or unpacks what it fetched after a text tool is still a download
    ran = """
        FROM ubuntu:24.04
        RUN curl -fsSL https://example.com/v1/install-linux-amd64.sh | sed 's/sudo //' | sh
        RUN curl -fsSL https://example.com/v1/tool-linux-x86_64.run | tail -n +42 | tar -xz -C /opt
        RUN curl -fsSL https://example.com/v1/index-amd64.txt | grep v1 > /tmp/version
    """
    assert len(check(ran, "DF006", kind="dockerfile", platforms=TWO)) == 3


def test_df006_copies_of_every_cpus_build_are_a_bundle():
    # beyla's javaagent-builder: the JNI library of both CPUs, packed into one Java agent that
    # loads the one for the CPU it runs on; one CPU's copy alone is still reported
    text = """
        FROM gradle:9.6 AS agent
        COPY --from=jni /build/native/linux-amd64/libobijni.so agent/native/linux-amd64/libobijni.so
        COPY --from=jni /build/native/linux-aarch64/libobijni.so agent/native/linux-aarch64/libobijni.so
        COPY --from=jni /build/tool-amd64 /usr/local/bin/tool
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "4:29 DF006 COPY fetches a build for amd64"]
    # two CPUs' builds copied to one path: the last one wins, every image gets arm64's
    same = text.replace("agent/native/linux-amd64/libobijni.so", "agent/libobijni.so").replace(
        "agent/native/linux-aarch64/libobijni.so", "agent/libobijni.so")
    assert len(check(same, "DF006", kind="dockerfile", platforms=TWO)) == 3
    # superedge's penetrator job: each CPU's edgeadm archive copied into one folder keeps its name
    # (both shipped, the job sends the one for the node it installs); into one file: the last wins
    folder = """
        FROM alpine:3.17
        COPY edgeadm-amd64-v1.18.2.tar.gz /etc/superedge/penetrator/job/install/
        COPY edgeadm-arm64-v1.18.2.tar.gz /etc/superedge/penetrator/job/install/
    """
    assert check(folder, "DF006", kind="dockerfile", platforms=TWO) == []
    assert len(check(folder.replace("install/\n", "install/edgeadm.tar.gz\n"), "DF006", kind="dockerfile",
                     platforms=TWO)) == 2
    # a folder's files copied into one folder: the last COPY's win (review)
    folders = "FROM alpine:3.20\nCOPY dist/linux-amd64/ /app/\nCOPY dist/linux-arm64/ /app/\n"
    assert len(check(folders, "DF006", kind="dockerfile", platforms=TWO)) == 2


def test_df006_a_copy_from_a_stage_of_the_dockerfile_is_what_that_stage_built():
    # tgi's and lorax's kernel builders: setuptools writes build/lib.linux-x86_64-cpython-311 on
    # the CPU it runs on, and the final stage copies it; the builder's own download is judged
    # where it is, and a copy from an image, or from the build context, still counts
    text = """
        FROM python:3.11 AS flash-att-builder
        RUN curl -fLO https://github.com/protocolbuffers/protobuf/releases/download/v21.12/protoc-21.12-linux-x86_64.zip
        RUN python setup.py build
        FROM python:3.11
        COPY --from=flash-att-builder /usr/src/flash-attention/build/lib.linux-x86_64-cpython-311 /opt/site
        COPY --from=0 /usr/src/build/lib.linux-x86_64-cpython-311 /opt/site2
        COPY --from=ghcr.io/acme/tools:1 /bin/tool-linux-amd64 /usr/local/bin/tool
        COPY bin/app-linux-amd64 /app
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "2:103 DF006 RUN fetches a build for x86_64", "7:50 DF006 COPY fetches a build for amd64",
        "8:20 DF006 COPY fetches a build for amd64"]
    # talos' sbom-arm64: a scratch stage of another stage's files holds what that stage made; one
    # of the context's files is those files, judged where a stage picks one
    carried = """
        FROM alpine:3.20 AS sbom-arm64-generate
        RUN syft scan dir:/rootfs -o spdx-json=/talos-arm64.spdx.json
        FROM scratch AS sbom
        COPY --from=sbom-arm64-generate /talos-arm64.spdx.json /
        FROM scratch AS artifacts
        COPY dist/ /dist/
        FROM golang:1.22 AS grype-scan
        COPY --from=sbom /talos-arm64.spdx.json /talos-arm64.spdx.json
        COPY --from=artifacts /dist/app-linux-amd64 /app
    """
    assert [x.split(" (")[0] for x in check(carried, "DF006", kind="dockerfile", platforms=TWO)] == [
        "9:39 DF006 COPY fetches a build for amd64"]


def test_df006_a_dockerfile_that_fails_for_arm64_is_amd64s():
    # lorax's and tgi's: "On arm64 we exit with an error code" in the stage the final one copies
    # PyTorch from; with no platforms configured, its x86_64 downloads are the image's own CPU's
    text = """
        FROM nvidia/cuda:12.4.0-devel-ubuntu22.04 AS pytorch-install
        ARG TARGETPLATFORM
        RUN case ${TARGETPLATFORM} in \\
            "linux/arm64")  exit 1 ;; \\
            *)              /opt/conda/bin/conda install -y pytorch ;; \\
            esac
        FROM pytorch-install AS kernel-builder
        RUN curl -fLO https://github.com/Kitware/CMake/releases/download/v3.30.0/cmake-3.30.0-linux-x86_64.tar.gz
        FROM nvidia/cuda:12.4.0-base-ubuntu22.04
        COPY --from=pytorch-install /opt/conda /opt/conda
        COPY --from=kernel-builder /usr/local/bin/cmake /usr/local/bin/cmake
        RUN curl -fLO https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip
    """
    assert check(text, "DF006", kind="dockerfile") == []
    # an arm that goes on (exit 0), or a failing stage the final one never reads, says nothing
    assert len(check(text.replace("exit 1 ;;", "exit 0 ;;"), "DF006", kind="dockerfile")) == 2
    unread = text.replace("COPY --from=pytorch-install /opt/conda /opt/conda\n", "").replace(
        "FROM pytorch-install AS kernel-builder", "FROM ubuntu:24.04 AS kernel-builder")
    assert len(check(unread, "DF006", kind="dockerfile")) == 2
    # a case on a platform names its arms by platform: each arm's download is its own
    chosen = """
        FROM alpine:3.20
        ARG PLATFORM
        RUN case ${PLATFORM} in \\
            linux/arm64) curl -fLO https://e.com/tool-linux-arm64.tgz ;; \\
            "linux/amd64") curl -fLO https://e.com/tool-linux-amd64.tgz ;; \\
            esac
    """
    assert check(chosen, "DF006", kind="dockerfile", platforms=TWO) == []


def test_df006_an_if_branch_whose_then_is_on_a_continued_line_chooses_its_cpu():
    # an add-on's deconz Dockerfile: `if [ "${BUILD_ARCH}" = "armhf" ]; \` then `then \` on the next
    # line; the aarch64 branch fetches the arm64 .deb; one outside the branches is still reported
    text = """
        FROM debian:12
        RUN set -x \\
            && if [ "${BUILD_ARCH}" = "armhf" ]; \\
                then \\
                    curl -L -o /d.deb http://e.com/raspbian/deconz-qt5.deb; \\
                elif [ "${BUILD_ARCH}" = "aarch64" ]; \\
                then \\
                    curl -L -o /d.deb http://e.com/debian/deconz_2.1_arm64.deb; \\
                fi \\
            && curl -LO https://e.com/tool-linux-amd64
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "10:42 DF006 RUN fetches a build for amd64"]


def test_df006_every_cpus_build_fetched_in_one_stage_is_a_bundle():
    # pixie's clang image: sysroot-amd64-build.tar.gz and sysroot-arm64-build.tar.gz, each
    # unpacked into its own /sysroots/<cpu> for cross builds; one CPU's alone is still reported
    text = """
        FROM ubuntu:24.04
        RUN curl -L https://e.com/sysroots/pl1/sysroot-amd64-build.tar.gz | tar -C /sysroots/x86_64 -xzf -
        RUN curl -L https://e.com/sysroots/pl1/sysroot-arm64-build.tar.gz | tar -C /sysroots/aarch64 -xzf -
        RUN curl -LO https://e.com/tool-linux-amd64
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "4:39 DF006 RUN fetches a build for amd64"]


def test_df006_one_copy_of_every_cpus_build_into_a_folder_is_a_bundle():
    # ragflow's deps image: one COPY puts uv-x86_64-... and uv-aarch64-... (and the two libssl
    # debs) into /, for the main Dockerfile's `uname -m` to pick; a file with no twin is reported
    text = """
        FROM scratch
        COPY uv-x86_64-unknown-linux-gnu.tar.gz uv-aarch64-unknown-linux-gnu.tar.gz libssl_amd64.deb libssl_arm64.deb tool-linux-amd64 /
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "2:122 DF006 COPY fetches a build for amd64"]


def test_df006_maven_classifiers_name_cpus_and_other_oses_builds_are_not_the_images():
    # Netcracker's spark images fetch Netty's native jars for every platform (Netty loads the one
    # for the machine it runs on): `-linux-aarch_64` is os-maven-plugin's name for arm64, so the
    # linux pair is a bundle, and the `-osx-`/`-windows-` jars are no build a Linux image runs; a
    # Linux build alone, and a macOS cross toolchain for a Linux host, are still reported
    text = """
        FROM eclipse-temurin:17-jre
        RUN curl -L $REPO/quic-4.2.13.Final-linux-aarch_64.jar -o q1.jar && \\
            curl -L $REPO/quic-4.2.13.Final-linux-x86_64.jar -o q2.jar && \\
            curl -L $REPO/quic-4.2.13.Final-osx-x86_64.jar -o q3.jar && \\
            curl -L $REPO/quic-4.2.13.Final-windows-x86_64.jar -o q4.jar && \\
            curl -LO https://nodejs.org/dist/v20.1.0/node-v20.1.0-win-x64.zip
        RUN curl -L $REPO/epoll-4.1.130.Final-linux-x86_64.jar -o e.jar && \\
            curl -LO https://e.com/x86_64-apple-darwin-cross-linux-x86_64.tar.gz
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "7:45 DF006 RUN fetches a build for x86_64", "8:28 DF006 RUN fetches a build for x86_64"]


def test_df006_cross_toolchains_for_several_cpus_are_a_bundle_whatever_their_abi():
    # lldap's dev image: musl.cc's toolchains for x86_64, aarch64 and armv7l (musleabihf, over
    # http); one for a single CPU beside another tool is still reported
    text = """
        FROM rust:1.85
        RUN wget -c https://musl.cc/x86_64-linux-musl-cross.tgz && \\
            wget -c https://musl.cc/aarch64-linux-musl-cross.tgz && \\
            wget -c http://musl.cc/armv7l-linux-musleabihf-cross.tgz
        RUN wget -c https://e.com/armv7l-linux-gnueabihf-cross.tgz && wget https://e.com/tool-linux-amd64
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "5:27 DF006 RUN fetches a build for armv7l", "5:93 DF006 RUN fetches a build for amd64"]


def test_df006_a_boot_image_served_to_other_machines_is_not_the_images_cpu():
    # cozystack's matchbox PXE server: the amd64 kernel and initramfs it serves over the network
    text = """
        FROM quay.io/poseidon/matchbox:v0.11.0
        COPY _out/assets/initramfs-metal-amd64.xz /var/lib/matchbox/assets/initramfs.xz
        COPY _out/assets/kernel-amd64 /var/lib/matchbox/assets/vmlinuz
        ADD https://e.com/talos-metal-amd64.iso /var/lib/matchbox/assets/
        RUN wget https://e.com/tool-linux-amd64
        RUN curl -LO https://e.com/x86_64/kernel-devel-5.14.0-362.el9.x86_64.rpm
        COPY drivers/kernel-module-amd64.ko /lib/modules/
    """
    # (kernel headers and modules are installed into the image: one CPU's)
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "5:35 DF006 RUN fetches a build for amd64", "6:28 DF006 RUN fetches a build for x86_64",
        "7:28 DF006 COPY fetches a build for amd64"]


def test_df006_a_configuration_or_a_cross_toolchains_target_files_is_no_build():
    # frida's x-tools images: crosstool-NG's configuration for the CPU the toolchain targets, and
    # an emulated big-endian guest's libraries from the toolchain's sysroot; a program copied from
    # the context, or a configuration downloaded, is still one CPU's
    text = """
        FROM ubuntu:24.04
        COPY scripts/build-toolchain.sh configs/aarch64_be-linux-gnu.config /src/
        COPY --from=ghcr.io/frida/x-tools-linux-arm64be /opt/x-tools/aarch64_be-linux-gnu/aarch64_be-linux-gnu/sysroot/lib /root/initramfs/lib/
        COPY bin/tool-linux-arm64 /usr/local/bin/tool
        COPY notes/arm64.md /doc/
        ADD https://e.com/releases/arm64/agent.yaml /etc/agent/
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "4:21 DF006 COPY fetches a build for arm64", "6:28 DF006 ADD fetches a build for arm64"]


def test_df006_reads_what_a_download_fetches_and_nodes_own_cpu_probe():
    # cypress' Dockerfiles: a local path given to wget where a URL goes is never fetched (one finding
    # for the line, not two); a stage that asks Node for its CPU picks per CPU
    text = """
        FROM debian:12
        RUN wget --no-verbose /usr/src/libappindicator3-1_0.4.92-7_amd64.deb "http://e.com/libappindicator3-1_0.4.92-7_amd64.deb"
        FROM node:22 AS browsers
        RUN node -p "process.arch === 'arm64' ? 'Not downloading Chrome' : process.exit(1)" || (wget -q https://e.com/chrome_amd64.deb)
    """
    assert [x.split(" (")[0] for x in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "2:112 DF006 RUN fetches a build for amd64"]


def test_the_plain_dockerfile_of_a_set_per_cpu_is_amd64s(tmp_path):
    # LinuxServer's images: Dockerfile (built with --platform=linux/amd64 by their Jenkinsfile)
    # beside Dockerfile.aarch64, each downloading its own CPU's build
    text = """
        FROM ghcr.io/linuxserver/baseimage-alpine:3.23
        RUN curl -o /tmp/s.tgz -L "https://services.sonarr.tv/v1/download?os=linuxmusl&arch=x64"
    """
    arm = text.replace("arch=x64", "arch=arm64")
    write_files(tmp_path / "set", {"Dockerfile.aarch64": arm})
    assert check_at(tmp_path / "set", text) == []
    # an arm64 download in it is still for another CPU than its set leaves it; without the
    # siblings, or with one named for amd64 too, the plain file is any CPU's
    assert len(check_at(tmp_path / "set", arm)) == 1
    write_files(tmp_path / "alone", {"Dockerfile.md": "# notes\n"})
    assert len(check_at(tmp_path / "alone", text)) == 1
    write_files(tmp_path / "all", {"Dockerfile.aarch64": arm, "Dockerfile.amd64": text})
    assert len(check_at(tmp_path / "all", text)) == 1
    # beside an s390x one alone, the plain file may be the other CPUs' multi-platform build
    write_files(tmp_path / "s390x", {"Dockerfile.s390x": text.replace("x64", "s390x")})
    assert len(check_at(tmp_path / "s390x", text)) == 1
    # newrelic's profiler: Dockerfile beside Arm64Dockerfile (the CPU before the name); a file
    # merely ending in the name (MyDockerfile) names no CPU
    write_files(tmp_path / "prefix", {"Arm64Dockerfile": arm})
    assert check_at(tmp_path / "prefix", text) == []
    write_files(tmp_path / "other", {"MyDockerfile": arm})
    assert len(check_at(tmp_path / "other", text)) == 1
    # the folder is an input of the result: a sibling added or removed re-lints it from the cache
    r = lint_inline(text, kind="dockerfile", name="Dockerfile", tmp_path=tmp_path / "set")
    assert str(tmp_path / "set") in (r.deps or ())


def test_a_dockerfile_whose_folder_has_an_arm_twin_is_amd64s(tmp_path):
    # seafile-docker's image/seafile_9.0/Dockerfile beside image/seafile_9.0_arm/Dockerfile: one
    # folder per CPU; a twin folder without the file, or a folder named otherwise, is not one
    # (inside the repository only: the listing of what holds it is never read)
    text = "FROM ubuntu:22.04\nRUN wget https://e.com/seafile-server_9.0.16_x86-64.tar.gz\n"
    (tmp_path / ".git").mkdir()
    write_files(tmp_path, {"image/seafile_9.0_arm/Dockerfile": "FROM ubuntu:22.04\n",
                           "image/seafile_8.0_arm/README.md": "notes\n", "image/seafile_7.1-x/Dockerfile": "FROM x\n"})
    assert check_at(tmp_path / "image" / "seafile_9.0", text) == []
    assert len(check_at(tmp_path / "image" / "seafile_8.0", text)) == 1
    assert len(check_at(tmp_path / "image" / "seafile_7.1", text)) == 1
    r = lint_inline(text, kind="dockerfile", name="Dockerfile", tmp_path=tmp_path / "image" / "seafile_9.0")
    assert str(tmp_path / "image") in (r.deps or ())
    r = lint_inline(text, kind="dockerfile", name="Dockerfile", tmp_path=tmp_path)
    assert str(tmp_path.parent) not in (r.deps or ())


def check_at(folder, text):
    return show(findings(lint_inline(text, kind="dockerfile", name="Dockerfile", tmp_path=folder), "DF006"))


def test_the_unnamed_dockerfiles_of_a_folder_that_names_its_arm64_ones_are_amd64s(tmp_path):
    # percona's percona-server-8.0/: Dockerfile.aarch64 and Dockerfile.aarch64-pro name arm64,
    # none names amd64: Dockerfile-dockerhub and Dockerfile.ubi8 are the x86_64 recipes
    text = "FROM oraclelinux:9\nRUN curl -LO https://e.com/percona-server-8.0-1.el9.x86_64.rpm\n"
    write_files(tmp_path, {"ps/Dockerfile.aarch64": "FROM oraclelinux:9\n", "ps/Dockerfile.aarch64-pro": "FROM oraclelinux:9\n",
                           "ps/Dockerfile-dockerhub": text, "mixed/Dockerfile.arm64": "FROM x\n",
                           "mixed/Dockerfile.amd64": "FROM x\n", "mixed/Dockerfile-dockerhub": text,
                           "cross/Dockerfile.cross-arm64": "FROM x\n", "cross/Dockerfile-dockerhub": text})

    def at(name):
        return show(findings(lint_inline(text, kind="dockerfile", name=name, tmp_path=tmp_path), "DF006"))

    assert at("ps/Dockerfile-dockerhub") == []
    # a folder that names amd64 too, or none, says nothing of its unnamed files
    assert len(at("mixed/Dockerfile-dockerhub")) == 1 and len(at("other/Dockerfile-dockerhub")) == 1
    # a CPU not right after the name (a cross-compiling variant) names no per-CPU set
    assert len(at("cross/Dockerfile-dockerhub")) == 1
    # with configured platforms the convention is not read: the build's platforms are
    assert len(show(findings(lint_inline(text, kind="dockerfile", name="ps/Dockerfile-dockerhub", tmp_path=tmp_path,
                                         platforms=TWO), "DF006"))) == 1


def test_a_dockerfile_in_a_folder_named_for_a_cpu_is_that_cpus(tmp_path):
    # photoprism's docker/tensorflow/arm64/Dockerfile (bazel's aarch64 build) beside
    # docker/tensorflow/Dockerfile (its x86_64 build): one folder per CPU, the plain one amd64's
    text = "FROM ubuntu:22.04\nRUN wget https://github.com/guysoft/bazel-bin/raw/master/bazel-0.24.1-{a}\n"
    write_files(tmp_path, {"tf/arm64/Dockerfile": text.format(a="aarch64"), "tf/Dockerfile": text.format(a="linux-x86_64")})

    def at(name, body):
        return show(findings(lint_inline(body, kind="dockerfile", name=name, tmp_path=tmp_path), "DF006"))

    assert at("tf/arm64/Dockerfile", text.format(a="aarch64")) == []
    assert at("tf/Dockerfile", text.format(a="linux-x86_64")) == []
    # a literal for another CPU in a CPU's folder, or a plain file with no CPU folder beside it
    assert len(at("tf/arm64/Dockerfile", text.format(a="linux-x86_64"))) == 1
    assert len(at("other/Dockerfile", text.format(a="linux-x86_64"))) == 1


def test_df008_accepts_targetarch_toolchain():
    assert check("""
        FROM --platform=$BUILDPLATFORM golang:1.22 AS go
        ARG TARGETARCH
        RUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /out/app .
        FROM rust:1.80 AS rs
        RUN cargo build --release
    """, "DF008", kind="dockerfile", platforms=TWO) == []


DF009_INVALID = """
    FROM --platform=linux/x86_64 alpine:3.20 AS a
    FROM --platform=linux/amd46 alpine:3.20 AS b
    FROM --platform=linux/arm64/v9 alpine:3.20 AS c
    FROM --platform=x86_64 alpine:3.20 AS d
    FROM --platform=arm64 alpine:3.20 AS e
"""


def test_df009_flags_invalid_platforms_and_other_spellings():
    # linux/x86_64 is what the build normalises (an info finding with a safe fix); x86_64 alone
    # gets the build machine's OS (info, unsafe fix); arm64 alone is linux/arm64 for every
    # builder of a Linux image (fluent-bit's packaging: nothing to act on); the others the build
    # cannot use
    assert check(DF009_INVALID, "DF009", kind="dockerfile") == [
        "1:17 DF009 Non-canonical platform 'linux/x86_64': the build reads it as linux/amd64.",
        "2:17 DF009 Invalid platform 'linux/amd46': unknown architecture 'amd46' in platform 'linux/amd46'.",
        "3:17 DF009 Invalid platform 'linux/arm64/v9': unknown variant 'v9' for arm64 in platform 'linux/arm64/v9'"
        " (allowed: v8).",
        "4:17 DF009 Incomplete platform 'x86_64': it names no OS, so the build adds its own (linux/amd64 on a Linux"
        " build machine).",
    ]
    found = findings(lint_inline(DF009_INVALID, kind="dockerfile"), "DF009")
    assert [(f.severity.label, f.fix.safe if f.fix else None) for f in found] == [
        ("info", True), ("error", True), ("error", True), ("info", False)]


def test_df009_leaves_a_bare_os_to_df003():
    # FROM --platform=linux: the build machine's CPU decides (BuildKit's reading), a pin DF003 reports
    text = """
        FROM --platform=linux golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=build /out /out
    """
    assert check(text, "DF009", kind="dockerfile") == []
    assert check(text, "DF003", kind="dockerfile") == [
        "1:6 DF003 Stage 0 (build) is pinned to linux with the build machine's architecture, so what it contains"
        " depends on where the image is built.",
    ]
    assert check(text, "DF003", kind="dockerfile", platforms=["linux/amd64"]) == [
        "1:6 DF003 Stage 0 (build) is pinned to linux with the build machine's architecture, so what it contains"
        " depends on where the image is built.",
    ]


def test_df004_compares_the_platform_the_build_reads():
    assert check("""
        FROM --platform=linux/x86_64 alpine:3.20
    """, "DF004", kind="dockerfile", platforms=["linux/arm64"]) == [
        "1:17 DF004 Stage 0 is built for linux/amd64, which is not a configured target platform (linux/arm64).",
    ]


def test_df009_accepts_valid_platforms():
    assert check("""
        FROM --platform=linux/amd64 alpine:3.20 AS a
        FROM --platform=linux/arm64/v8 alpine:3.20 AS b
        FROM --platform=linux/arm/v7 alpine:3.20 AS c
        FROM --platform=${BUILDPLATFORM} alpine:3.20 AS d
    """, "DF009", kind="dockerfile") == []


DF010_REDUNDANT = """
    FROM --platform=$TARGETPLATFORM alpine:3.20
    FROM --platform=${TARGETPLATFORM} alpine:3.20 AS two
"""


def test_df010_flags_redundant_targetplatform():
    assert check(DF010_REDUNDANT, "DF010", kind="dockerfile") == [
        "1:6 DF010 --platform=$TARGETPLATFORM is the default for a stage and can be removed.",
        "2:6 DF010 --platform=$TARGETPLATFORM is the default for a stage and can be removed.",
    ]


def test_df010_accepts_other_platforms():
    assert check("""
        FROM --platform=$BUILDPLATFORM alpine:3.20
        FROM alpine:3.20 AS two
    """, "DF010", kind="dockerfile") == []


def test_df010_leaves_a_stage_set_against_a_build_platform_one():
    # kueue's kueueviz frontend: the builder on $BUILDPLATFORM, the runtime on $TARGETPLATFORM,
    # a comment saying why (a $BUILDPLATFORM stage others are based on counts as well)
    text = """
        FROM --platform=${BUILDPLATFORM} node:26-slim AS builder
        RUN npm ci && npm run build
        FROM --platform=${TARGETPLATFORM} node:26-slim AS runtime
        COPY --from=builder /app/build ./build
    """
    assert check(text, "DF010", kind="dockerfile") == []
    based = text.replace("FROM --platform=${BUILDPLATFORM} node:26-slim AS builder",
                         "FROM --platform=$BUILDPLATFORM node:26-slim AS base\nFROM base AS builder")
    assert check(based, "DF010", kind="dockerfile") == []
    assert check(text.replace("--platform=${BUILDPLATFORM} ", ""), "DF010", kind="dockerfile") == [
        "3:6 DF010 --platform=$TARGETPLATFORM is the default for a stage and can be removed."]


DF011_UNPINNED = """
    FROM python:3.12-slim
"""


def test_df011_flags_base_without_digest():
    assert check(DF011_UNPINNED, "DF011", kind="dockerfile", extend_select=["DF011"]) == [
        "1:6 DF011 Base image python:3.12-slim is not pinned by digest.",
    ]


def test_df011_accepts_digest_and_scratch():
    assert check("""
        FROM python:3.12-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
        FROM scratch
    """, "DF011", kind="dockerfile", extend_select=["DF011"]) == []


HEREDOCS = """
    # syntax=docker/dockerfile:1.7
    FROM --platform=$BUILDPLATFORM alpine:3.20 AS build
    ARG TARGETARCH
    RUN <<EOT
    set -e
    EXPORT=1
    curl -fsSL -o /tmp/t "https://example.com/t-${TARGETARCH}.tgz"
    EOT
    COPY <<-EOF /etc/app.conf
    \tFROM ubuntu:latest
    \tarch=amd64
    \tEOF
    FROM alpine:3.20
    COPY --from=build /tmp/t /t
"""


def test_df_rules_pass_a_dockerfile_with_heredocs():
    assert check(HEREDOCS, "DF", kind="dockerfile", platforms=TWO) == []


def test_df011_off_by_default():
    assert check(DF011_UNPINNED, "DF011", kind="dockerfile") == []


def test_df006_severity_follows_policy():
    one = lint_inline(DF006_DOWNLOADS, kind="dockerfile", platforms=ONE)
    sev = {(f.span.line, f.span.col): f.severity.label for f in findings(one, "DF006")}
    assert sev == {(2, 107): "error", (3, 77): "warning", (4, 41): "warning"}


def test_df006_pinned_single_platform_is_fine():
    text = """
        FROM --platform=linux/amd64 alpine:3.20
        ADD https://x.example/tool-linux-amd64 /bin/tool
    """
    assert check(text, "DF006", kind="dockerfile", platforms=ONE) == []
    # with two targets, a pinned stage still ships amd64 bits into the arm64 image's build
    assert check(text, "DF006", kind="dockerfile", platforms=TWO) == [
        "2:34 DF006 ADD fetches a build for amd64 (https://x.example/tool-linux-amd64) whatever the target"
        " platform; several target platforms are configured (linux/amd64, linux/arm64) and this literal serves"
        " only one.",
    ]


def test_df006_reads_linux64_as_an_x86_64_build():
    # kuberay's proto/Dockerfile: jq's jq-linux64 (its arm64 build is jq-linux-arm64); Chrome
    # for Testing's linux64/chromedriver-linux64.zip; Mozilla's os=linux64. Not a fix: the arm64
    # spelling is the publisher's to say
    text = """
        FROM golang:1.22
        RUN wget https://github.com/jqlang/jq/releases/download/jq-1.7.1/jq-linux64 -O /usr/bin/jq
        RUN curl -LO "https://download.mozilla.org/?product=firefox-latest-ssl&os=linux64&lang=en-US"
        RUN curl -LO https://example.com/tool-linux64bit.tar.gz
        RUN curl -LO "https://download.mozilla.org/?product=firefox-latest-ssl&os=linux64-aarch64&lang=en-US"
    """
    found = lint_inline(text, kind="dockerfile", platforms=TWO).findings
    assert [(f.rule_id, f.span.line, f.span.col, f.message.split(" (")[0], f.fix) for f in found] == [
        ("DF006", 2, 69, "RUN fetches a build for linux64", None),
        ("DF006", 3, 75, "RUN fetches a build for linux64", None),
        ("DF006", 5, 83, "RUN fetches a build for aarch64", found[2].fix),  # Mozilla's arm64 build: not linux64's
    ]


def test_df006_a_signing_key_or_checksum_is_the_same_for_every_cpu():
    # directpv's Dockerfile: AlmaLinux's signing key sits in its x86_64 folder; a checksum or a
    # signature beside a build is text too (the build itself is still reported)
    text = """
        FROM registry.example.com/ubi8/ubi-minimal:8.10
        ARG KEY=keys/x86_64/RPM-GPG-KEY-acme
        RUN curl -L -o RPM-GPG-KEY-AlmaLinux https://repo.almalinux.org/almalinux/8/BaseOS/x86_64/os/RPM-GPG-KEY-AlmaLinux
        RUN curl -LO https://example.com/v1/tool-linux-amd64.tar.gz.sha256 && curl -LO https://example.com/v1/x86_64/SHA256SUMS
        RUN curl -LO "https://example.com/v1/tool-linux-arm64.tar.gz.asc?raw=1"
        # LinuxServer's nginx: the x86_64 package index read for the release to pin, unpacked then awk'd
        RUN V=$(curl -sL "http://dl-cdn.alpinelinux.org/alpine/v3.24/main/x86_64/APKINDEX.tar.gz" | tar -xz -C /tmp)
        COPY keys/amd64/release.gpg ${KEY} /etc/pki/
        RUN curl -LO https://example.com/v1/tool-linux-amd64.tar.gz && curl -LO https://example.com/v1/tool-linux-amd64.tar.gz.sig
    """
    assert [f.split(" (")[0] for f in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [
        "9:48 DF006 RUN fetches a build for amd64"]


def test_df006_a_cross_toolchain_is_named_for_the_cpu_it_compiles_for():
    # tilt's scripts/release.Dockerfile: musl.cc's cross compilers for the x86_64 host
    text = """
        FROM golang:1.22
        RUN curl -fsSL https://more.musl.cc/11/x86_64-linux-musl/aarch64-linux-musl-cross.tgz | tar -xz
    """
    assert [f.split(" (")[0] for f in check(text, "DF006", kind="dockerfile")] == [
        "2:40 DF006 RUN fetches a build for x86_64"]
    assert check(text.replace("aarch64-linux-musl-cross", "aarch64-linux-musl-native"), "DF006",
                 kind="dockerfile")[1:2] != []
    # musl.cc's top-level toolchain names no host: the name's one CPU is still reported
    top = text.replace("more.musl.cc/11/x86_64-linux-musl/", "musl.cc/")
    assert [f.split(" (")[0] for f in check(top, "DF006", kind="dockerfile")] == [
        "2:32 DF006 RUN fetches a build for aarch64"]


def test_df006_a_stage_named_after_an_architecture_is_for_it():
    # moby/buildkit hack/dockerfiles/archutil.Dockerfile: one stage per CPU assembles its fixture
    text = """
        FROM debian:12 AS base
        FROM base AS exit-arm64
        COPY util/archutil/fixtures/exit.arm64.s .
        FROM base AS tools
        ADD https://example.com/tool-linux-arm64.tar.gz /tmp/
    """
    assert [f.split()[:2] for f in check(text, "DF006", kind="dockerfile", platforms=TWO)] == [["5:36", "DF006"]]


def test_df006_a_stage_whose_base_names_an_architecture_is_for_it():
    # fluentd-kubernetes-daemonset's docker-image/v1.13/arm64/debian-s3/Dockerfile: the arm64
    # image's base fetches an aarch64 tool (fine) and an x86_64 one (the bug), and a builder
    # stage fetches balena's QEMU release, named after the CPU it emulates
    text = """
        FROM golang:alpine AS builder
        RUN curl -sL -o q.tgz https://github.com/balena-io/qemu/releases/download/v3.0.0%2Bresin/qemu-3.0.0+resin-aarch64.tar.gz
        FROM fluent/fluentd:v1.13.3-debian-arm64-1.0
        COPY --from=builder /go/qemu-aarch64-static /usr/bin/
        RUN curl -sL -o /tmp/a.tgz https://example.com/tool/v1/tool_Linux_aarch64.tar.gz
        RUN curl -sL -o /tmp/c.tgz https://github.com/reproio/columnify/releases/download/v0.1.0/columnify_0.1.0_Linux_x86_64.tar.gz
    """
    for table in ({}, {"platforms": ONE}):
        assert check(text, "DF006", kind="dockerfile", **table) == [
            "6:112 DF006 RUN fetches a build for x86_64 (https://github.com/reproio/columnify/releases/download/v0.1.0/"
            "columnify_0.1.0_Linux_x86_64.tar.gz) whatever the target platform; the stage's base image is for arm64."]
    # a package of QEMU for the host names the host's architecture: reported
    deb = text.replace("https://github.com/balena-io/qemu/releases/download/v3.0.0%2Bresin/qemu-3.0.0+resin-aarch64.tar.gz",
                       "http://deb.debian.org/debian/pool/main/q/qemu/qemu-user-static_7.2+dfsg-7_amd64.deb")
    assert [f.split()[:2] for f in check(deb, "DF006", kind="dockerfile")][:1] == [["2:97", "DF006"]]
    # a base image for every CPU says nothing: the aarch64 tool is reported
    multi = text.replace("fluent/fluentd:v1.13.3-debian-arm64-1.0", "fluent/fluentd:v1.13.3-debian-1.0")
    assert [f.split()[:2] for f in check(multi, "DF006", kind="dockerfile")] == [["5:67", "DF006"], ["6:112", "DF006"]]


def test_df007_a_stage_gets_its_base_stages_args():
    # docker/buildx lint.Dockerfile: lint-base declares ARG TARGETPLATFORM, lint is FROM lint-base
    text = """
        FROM --platform=$BUILDPLATFORM golang:1.22 AS lint-base
        ARG TARGETPLATFORM
        FROM lint-base AS lint
        RUN echo "$TARGETPLATFORM"
        FROM lint AS again
        RUN echo "$TARGETPLATFORM $TARGETARCH"
    """
    assert check(text, "DF007", kind="dockerfile") == [
        "6:27 DF007 $TARGETARCH is used in stage 2 (again) without ARG TARGETARCH after its FROM, so it expands to an"
        " empty string.",
    ]


def test_df007_fix_inserts_arg_after_from():
    r = lint_inline(DF007_UNDECLARED, kind="dockerfile")
    f = next(f for f in findings(r, "DF007") if f.span.line == 3 and f.span.col == 10)
    (edit,) = f.fix.edits
    assert f.fix.safe
    assert (edit.span.line, edit.span.col, edit.text) == (2, 52, "\nARG TARGETOS")


def test_df009_suggests_and_fixes():
    r = lint_inline(DF009_INVALID, kind="dockerfile")
    got = {f.span.line: (f.fix.edits[0].text if f.fix else None) for f in findings(r, "DF009")}
    assert got == {1: "linux/amd64", 2: "linux/amd64", 3: "linux/arm64", 4: "linux/amd64"}


def test_df010_fix_removes_flag_and_space():
    r = lint_inline(DF010_REDUNDANT, kind="dockerfile")
    f = findings(r, "DF010")[0]
    (edit,) = f.fix.edits
    assert (edit.span.line, edit.span.col, edit.span.end_col, edit.text) == (1, 6, 33, "")


def test_df001_through_arg_default_has_related_location():
    r = lint_inline(DF001_LATEST, kind="dockerfile")
    f = next(f for f in findings(r, "DF001") if f.span.line == 3)
    assert "through an ARG default" in f.message
    assert f.related and f.related[0].span.line == 1


def test_heredoc_bodies_are_not_instructions():
    r = lint_inline(HEREDOCS, kind="dockerfile", platforms=TWO)
    assert [n for n in r.notices if n.rule_id == "AL001"] == []
    assert findings(r, "DF001") == []  # FROM ubuntu:latest inside a heredoc


def test_unknown_instruction_is_reported_and_the_rest_linted():
    r = lint("Dockerfile", "FROM ubuntu:latest\nBOGUS x\nFROM python\n")
    assert ids(r) == [("AL001", 2, 1), ("DF001", 1, 6), ("DF002", 3, 6), ("DF005", 3, 1)]
    assert [n.message for n in r.notices if n.rule_id == "AL001"] == [
        "could not parse Dockerfile: unknown instruction 'BOGUS' (line 2, column 1)",
    ]


def test_unterminated_heredoc_and_trailing_continuation():
    r = lint("Dockerfile", "FROM alpine:3.20\nRUN <<EOF\necho hi\n")
    assert ("AL001", 2, 5) in ids(r)
    # a continuation at the end of the file ends the instruction, as the builder reads it (moby/moby#27873)
    r = lint("Dockerfile", "FROM alpine:3.20\nRUN echo hi \\")
    assert not any(i[0] == "AL001" for i in ids(r))


def test_escape_directive_backtick():
    assert check("""
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN echo a `
            b
        FROM python:latest
    """, "DF001", kind="dockerfile") == [
        "5:6 DF001 Base image python:latest uses the mutable tag latest.",
    ]


def test_crlf_positions():
    text = "FROM alpine:3.20\r\nFROM --platform=linux/x86_64 python:latest\r\n"
    assert sorted(show(findings(lint("Dockerfile", text), "DF00"))) == [
        "2:17 DF009 Non-canonical platform 'linux/x86_64': the build reads it as linux/amd64.",
        "2:30 DF001 Base image python:latest uses the mutable tag latest.",
        "2:6 DF003 Stage 1 is pinned to linux/amd64, so a multi-platform build gives every target this one"
        " architecture.",
    ]


# ---- variables in FROM (BuildKit's UndefinedArgInFrom cases, in archlint's words) --------------

DF012_UNDEFINED = """
    ARG tag=latest
    ARG MY_ARCH=amd64
    FROM --platform=$BULIDPLATFORM golang:1.22 AS build
    FROM --platform=linux/${MYARCH} alpine:3.20 AS two
    FROM busybox:${tag}${version} AS three
    FROM --platform=$BUILDPLATFORM alpine:${tag} AS four
"""


def test_df012_flags_variables_not_declared_before_the_first_from():
    assert check(DF012_UNDEFINED, "DF012", kind="dockerfile") == [
        "3:17 DF012 BULIDPLATFORM in --platform of FROM is not an ARG declared before the first FROM, so it"
        " expands to an empty string; did you mean BUILDPLATFORM?",
        "4:23 DF012 MYARCH in --platform of FROM is not an ARG declared before the first FROM, so it expands to an"
        " empty string; did you mean MY_ARCH?",
        "5:20 DF012 version in the image of FROM is not an ARG declared before the first FROM, so it expands to an"
        " empty string.",
    ]
    sev = [f.severity.label for f in findings(lint_inline(DF012_UNDEFINED, kind="dockerfile"), "DF012")]
    assert sev == ["error", "error", "warning"]  # an empty --platform fails the build


def test_df012_names_the_default_and_the_stage_an_arg_belongs_to():
    # azure-workload-identity's akvdotnet: ARG BASEIMAGE sits in the builder stage, so the
    # Makefile's --build-arg BASEIMAGE=...nanoserver never reaches the FROM: the default always wins
    text = """
        FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/sdk:7.0 AS builder
        RUN dotnet publish -c release
        ARG BASEIMAGE
        FROM ${BASEIMAGE:-mcr.microsoft.com/dotnet/runtime:5.0}
        FROM ${RUNTIME-alpine:3.20} AS other
        FROM --platform=${PLAT:-linux/amd64} alpine:3.20 AS third
    """
    assert check(text, "DF012", kind="dockerfile")[:2] == [
        "4:6 DF012 BASEIMAGE in the image of FROM is not an ARG declared before the first FROM (the ARG on line 3"
        " belongs to stage 0 (builder)), so --build-arg cannot set it and it is always its default,"
        " mcr.microsoft.com/dotnet/runtime:5.0.",
        "5:6 DF012 RUNTIME in the image of FROM is not an ARG declared before the first FROM, so --build-arg cannot"
        " set it and it is always its default, alpine:3.20.",
    ]
    # a --platform with a default builds (for the default): a warning, not the error of an empty one
    assert [f.severity.label for f in findings(lint_inline(text, kind="dockerfile"), "DF012")] == ["warning"] * 3
    # a default with variables of its own is not quoted (nested braces), nor known to be a platform
    nested = "FROM ${B:-${C:-alpine:3.20}}\nFROM --platform=${PLAT:-$UNDEF} alpine:3.20\n"
    found = findings(lint_inline(nested, kind="dockerfile"), "DF012")
    assert [(f.message.split(", so ")[1], f.severity.label) for f in found if f.message.startswith(("B ", "PLAT"))] == [
        ("--build-arg cannot set it and it is always its default.", "warning"),
        ("--build-arg cannot set it and it is always its default.", "error")]


def test_df012_passes_global_args_and_automatic_platform_args():
    assert check("""
        ARG BASE=alpine
        ARG VERSION
        FROM --platform=$BUILDPLATFORM ${BASE}:${VERSION} AS build
        FROM --platform=${TARGETPLATFORM} alpine:3.20
        ARG LATE
        FROM alpine:3.20
    """, "DF012", kind="dockerfile") == []


def test_an_undeclared_variable_in_from_is_empty_for_the_other_rules():
    # busybox:${tag}${version} is busybox:latest; scratch${DEBUG} is scratch (never DF005)
    assert check("""
        ARG tag=latest
        FROM busybox:${tag}${version}
    """, "DF001", kind="dockerfile") == [
        "2:6 DF001 Base image busybox:latest uses the mutable tag latest (through an ARG default).",
    ]
    assert check("""
        FROM scratch${DEBUG}
        COPY app /app
    """, "DF005", kind="dockerfile", platforms=ONE) == []
    # a declared ARG without default stays unknown: no finding on its own
    for rule in ("DF001", "DF002", "DF012"):
        assert check("""
            ARG version
            FROM busybox:${version}
        """, rule, kind="dockerfile") == []


def test_df012_honours_buildkits_check_skip():
    assert check("""
        # check=skip=UndefinedArgInFrom
        FROM busybox:${version}
    """, "DF012", kind="dockerfile") == []


# ---- issue 14: donor stages, build-platform stages, architectures in names ----------------------

DONORS = """
    FROM ghcr.io/grpc-ecosystem/grpc-health-probe:v0.4.28 AS grpc-health-probe
    FROM mambaorg/micromamba:2.0.5 AS micromamba
    FROM python:3.12-slim AS wheels
    RUN pip wheel --wheel-dir /wheels uvicorn
    FROM golang:1.22 AS build
    RUN CGO_ENABLED=0 go build -o /out/app .
    FROM alpine:3.20
    COPY --from=grpc-health-probe /ko-app/grpc-health-probe /bin/grpc_health_probe
    COPY --from=micromamba /bin/micromamba /bin/micromamba
    COPY --from=wheels /wheels /wheels
    COPY --from=build /out/app /app
"""


def test_df005_never_advises_buildplatform_for_a_donor_stage():
    # their binaries must be the target's: $BUILDPLATFORM would ship the build machine's
    assert check(DONORS, "DF005", kind="dockerfile", platforms=TWO) == []


def test_df005_advises_buildplatform_for_stages_that_cross_compile():
    assert check("""
        FROM golang:1.22 AS go
        ARG TARGETOS TARGETARCH
        RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
        FROM tonistiigi/xx:1.5.0 AS xx
        FROM rust:1.80 AS rs
        COPY --from=xx / /
        RUN xx-cargo build --release
        FROM golang:1.22 AS plugin
        ARG GOARCH
        RUN make GOARCH=${GOARCH} plugin
        FROM alpine:3.20
        COPY --from=go /out/app /app
        COPY --from=rs /target/release/rs /rs
        COPY --from=plugin /src/plugin /plugin
    """, "DF005", kind="dockerfile", platforms=TWO) == [
        "1:1 DF005 Builder stage 0 (go) has no --platform, so it is emulated once per target platform instead of"
        " running natively.",
        "5:1 DF005 Builder stage 2 (rs) has no --platform, so it is emulated once per target platform instead of"
        " running natively.",
        "8:1 DF005 Builder stage 3 (plugin) has no --platform, so it is emulated once per target platform instead of"
        " running natively.",
    ]


def test_df005_leaves_stages_that_ask_their_own_cpu():
    # loki's pattern: the emulated stage asks Go for its architecture; on the build machine the
    # answer would be the build machine's; pip --target is a folder, not a CPU
    assert check("""
        FROM golang:1.22 AS goenv
        RUN go env GOARCH > /goarch
        RUN GOARCH=$(cat /goarch) make loki
        FROM python:3.12-slim AS deps
        RUN pip install --target=/install -r requirements.txt
        FROM gcr.io/distroless/static:nonroot
        COPY --from=goenv /src/loki /usr/bin/loki
        COPY --from=deps /install /install
    """, "DF005", kind="dockerfile", platforms=TWO) == []


CERT_DONOR = """
    FROM --platform=linux/amd64 alpine:3.20 AS certs
    RUN apk add --no-cache ca-certificates tzdata && adduser -D -u 10001 app
    FROM scratch
    COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
    COPY --from=certs /usr/share/zoneinfo /usr/share/zoneinfo
    COPY --from=certs /etc/passwd /etc/group /etc/
    COPY app /app
"""


@pytest.mark.parametrize("table", [{}, {"platforms": TWO}])
def test_df003_accepts_a_pinned_donor_of_arch_independent_files(table):
    assert check(CERT_DONOR, "DF003", kind="dockerfile", **table) == []


def test_df003_flags_a_pinned_donor_of_anything_else():
    assert check(CERT_DONOR.replace("COPY app /app", "COPY --from=certs /usr/bin/env /bin/env"),
                 "DF003", kind="dockerfile", platforms=TWO) == [
        "1:6 DF003 Stage 0 (certs) is pinned to linux/amd64, so a multi-platform build gives every target this one"
        " architecture.",
    ]


def test_df003_leaves_a_pinned_stage_whose_downloads_are_all_for_its_cpu():
    # kubefirst's build/Dockerfile: FROM --platform=linux/amd64, then kubectl's /amd64/ and
    # awscli-exe-linux-x86_64: the pin makes them right; with target platforms configured, or a
    # download for another CPU beside them, it is still reported
    text = """
        FROM --platform=linux/amd64 debian:12
        RUN curl -LO https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl
        RUN curl -o aws.zip https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip
    """
    assert check(text, "DF003", kind="dockerfile") == []
    assert len(check(text, "DF003", kind="dockerfile", platforms=TWO)) == 1
    assert len(check(text.replace("x86_64.zip", "aarch64.zip"), "DF003", kind="dockerfile")) == 1
    assert len(check("FROM --platform=linux/amd64 debian:12\nRUN make\n", "DF003", kind="dockerfile")) == 1


def test_df003_accepts_a_pinned_donor_mounted_for_its_share_folder():
    # gpustack's pack/Dockerfile: only an amd64 ROCm image exists; a RUN bind-mounts its
    # /opt/rocm/share (Python sources) to pip install them. Its lib folder, or its root, is a CPU's
    text = """
        FROM --platform=linux/amd64 rocm/dev-ubuntu-22.04:6.4 AS rocm-base
        FROM ubuntu:24.04
        RUN --mount=type=bind,from=rocm-base,source=/opt/rocm/share,target=/opt/rocm/share pip install /opt/rocm/share/amd_smi
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == []
    for other in ("source=/opt/rocm/lib", "target=/x", "source=/usr/share/elasticsearch"):
        assert len(check(text.replace("source=/opt/rocm/share", other), "DF003", kind="dockerfile",
                         platforms=TWO)) == 1, other


def test_df003_accepts_a_pinned_frontend_builder_whose_assets_are_copied():
    # kubernetes/dashboard's modules/web/Dockerfile: the web app is built on amd64 whatever the
    # target, and only its static files (.dist/public, a JSON) go into the image: the same on
    # every CPU. Its node_modules (native addons) would not be
    text = """
        ARG WEB_BUILDER_ARCH=amd64
        FROM --platform=linux/${WEB_BUILDER_ARCH} node:20-alpine3.21 AS web-builder
        RUN yarn install && make build-frontend
        FROM golang:1.23 AS go-builder
        RUN go build -o /dashboard-web .
        FROM scratch
        COPY --from=web-builder /workspace/web/.dist/public/locale_conf.json /locale_conf.json
        COPY --from=web-builder /workspace/web/.dist/public /public
        COPY --from=go-builder /dashboard-web /dashboard-web
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == []
    assert check(text.replace("/public /public", "/node_modules /node_modules"), "DF003", kind="dockerfile",
                 platforms=TWO) == [
        "2:6 DF003 Stage 0 (web-builder) is pinned to linux/amd64 (through an ARG default), so a multi-platform"
        " build gives every target this one architecture.",
    ]


def test_df003_accepts_a_pinned_dotnet_builder_whose_portable_output_is_copied():
    # azure-workload-identity's akvdotnet: dotnet publish for no runtime gives assemblies any
    # CPU's runtime loads (the final stage follows the target); one for a runtime names it
    text = """
        FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/sdk:7.0 AS builder
        RUN dotnet build akvdotnet.csproj && dotnet publish -c release
        FROM mcr.microsoft.com/dotnet/runtime:5.0
        COPY --from=builder /app/bin/release/netcoreapp5.0/publish/ .
        ENTRYPOINT ["dotnet", "akvdotnet.dll"]
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == []
    assert check(text.replace("netcoreapp5.0/publish", "net8.0/linux-x64/publish"), "DF003", kind="dockerfile",
                 platforms=TWO) == [
        "1:6 DF003 Stage 0 (builder) is pinned to linux/amd64, so a multi-platform build gives every target this"
        " one architecture."]


def test_df003_resolves_arg_defaults_in_platform():
    text = """
        ARG GOARCH=amd64
        ARG VARIANT
        FROM --platform=linux/${GOARCH} alpine:3.20 AS a
        FROM --platform=linux/${VARIANT} alpine:3.20 AS b
        FROM --platform=$BUILDPLATFORM alpine:3.20 AS c
    """
    assert check(text, "DF003", kind="dockerfile", platforms=TWO) == [
        "3:6 DF003 Stage 0 (a) is pinned to linux/amd64 (through an ARG default), so a multi-platform build gives"
        " every target this one architecture.",
    ]
    f = findings(lint_inline(text, kind="dockerfile", platforms=TWO), "DF003")[0]
    assert [(r.span.line, r.message) for r in f.related] == [(1, "ARG GOARCH sets the default here")]
    assert check(text, "DF003", kind="dockerfile", platforms=ONE) == []  # the single target
    assert check(text, "DF004", kind="dockerfile", platforms=["linux/arm64"]) == [
        "3:17 DF004 Stage 0 (a) is built for linux/amd64 (through an ARG default), which is not a configured target"
        " platform (linux/arm64).",
    ]


def test_df001_df002_say_nothing_of_mutable_bases_in_examples_and_tooling():
    # kubernetes-sigs/lws docs/examples, jobset's site examples, buildx's hack/demo-env
    text = "FROM golang:latest AS build\nFROM python\n"
    for name in ("docs/examples/llamacpp/Dockerfile", "site/static/examples/cnn/Dockerfile",
                 "hack/demo-env/examples/simple1/Dockerfile",
                 # a developer's workspace: statsd_exporter's Gitpod image, a VS Code dev container
                 ".gitpod.Dockerfile", ".devcontainer/Dockerfile", "build/devcontainer.Dockerfile"):
        assert check(text, "DF00", kind="dockerfile", name=name) == [], name
    for name in ("cmd/app/Dockerfile", "gitpodder/Dockerfile", "gitpod/Dockerfile"):
        assert [f.split()[1] for f in check(text, "DF00", kind="dockerfile", name=name)] == ["DF001", "DF002"]
    # the architecture rules still read a dev container: an amd64 download breaks it on arm64 laptops
    dev = "FROM golang:1.22\nRUN curl -fsSLO https://example.com/tool-linux-amd64.tgz\n"
    assert [f.split()[1] for f in check(dev, "DF006", kind="dockerfile", name=".devcontainer/Dockerfile")] == ["DF006"]


def test_windows_images_are_amd64_by_design():
    # argo-workflows' Dockerfile.windows downloads an x64 7-Zip; aws-node-termination-handler's
    # pins its builder to windows/amd64
    text = """
        FROM --platform=windows/amd64 mcr.microsoft.com/windows/servercore:ltsc2022 AS builder
        ADD https://www.7-zip.org/a/7z2301-x64.exe /7z.exe
        FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
        COPY --from=builder /7z.exe /7z.exe
    """
    assert check(text, "DF00", kind="dockerfile", platforms=TWO) == []
    linux = text.replace("mcr.microsoft.com/windows/servercore:ltsc2022", "alpine:3.20").replace(
        "mcr.microsoft.com/windows/nanoserver:ltsc2022", "alpine:3.20").replace("windows/amd64", "linux/amd64")
    assert {f.split()[1] for f in check(linux, "DF00", kind="dockerfile", platforms=TWO)} >= {"DF003", "DF006"}


def test_a_windows_image_is_known_by_its_final_base_through_an_arg_or_by_its_shell():
    # sig-windows-tools' hostprocess/calico/kube-proxy: a linux/amd64 curl stage fetches
    # windows/amd64 binaries for a final stage on ARG BASE, a Windows host-process base image
    text = """
        ARG BASE="mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image:v0.1.0"
        FROM --platform=linux/amd64 curlimages/curl:8.8.0 as bins
        RUN curl -fLO https://dl.k8s.io/v1.22.4/bin/windows/amd64/kube-proxy.exe
        FROM $BASE
        COPY --from=bins /kube-proxy.exe /kube-proxy/kube-proxy.exe
    """
    assert check(text, "DF00", kind="dockerfile", platforms=TWO) == []
    # known by the final stage's Windows shell
    shell = text.replace("windows-host-process-containers-base-image", "hpc-base") + '    ENTRYPOINT ["PowerShell"]\n'
    assert check(shell, "DF00", kind="dockerfile", platforms=TWO) == []
    # a Linux final stage (pwsh is Linux's PowerShell too) keeps the pin a pin
    linux = text.replace("windows-host-process-containers-base-image", "hpc-base") + '    ENTRYPOINT ["pwsh"]\n'
    assert [f.split(" (")[0] for f in check(linux, "DF003", kind="dockerfile", platforms=TWO)] == [
        "2:6 DF003 Stage 0"]


DF013_SHIPPED = """
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

    FROM gcr.io/distroless/static:nonroot
    COPY --from=build /out/app /app
"""


@pytest.mark.parametrize("table, severity", [({"platforms": TWO}, "error"), ({}, "warning")])
def test_df013_flags_build_platform_binaries_shipped_to_targets(table, severity):
    assert check(DF013_SHIPPED, "DF013", kind="dockerfile", **table) == [
        "1:6 DF013 Stage 0 (build) runs on the build machine ($BUILDPLATFORM) and never builds for the target, yet"
        " the final stage copies its output (/out/app): every platform's image gets the build machine's binaries.",
    ]
    (f,) = findings(lint_inline(DF013_SHIPPED, kind="dockerfile", **table), "DF013")
    assert f.severity.label == severity
    assert [r.span.line for r in f.related] == [7]


def test_df013_flags_a_final_stage_on_the_build_machine():
    # kubewharf/katalyst-core's build/dockerfiles/Dockerfile, built for linux/amd64,linux/arm64 by its
    # release workflow: the arm64 image is the build machine's distroless base (glibc) holding an arm64
    # binary (moby/buildkit#1057); microservices-demo's loadgenerator: FROM base, a $BUILDPLATFORM python
    text = """
        FROM --platform=${BUILDPLATFORM} golang:1.18 as builder
        ARG TARGETOS TARGETARCH
        RUN GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -o /out/app .
        FROM --platform=${BUILDPLATFORM} kubewharf/distroless-base-debian11:v1.2
        ARG TARGETARCH
        COPY --from=builder /out/app /usr/local/bin/app
    """
    for table, severity in (({"platforms": TWO}, "error"), ({}, "warning")):
        (f,) = findings(lint_inline(text, kind="dockerfile", **table), "DF013")
        assert (f.span.line, f.span.col, f.severity.label, f.message, f.hint) == (
            4, 6, severity,
            "The final stage runs on the build machine ($BUILDPLATFORM): every platform's image is the build "
            "machine's kubewharf/distroless-base-debian11:v1.2 (its libraries and programs), whatever platform the "
            "build asks for.",
            "drop --platform=$BUILDPLATFORM from the final stage: keep it on builder stages that cross-compile")
    based = """
        FROM --platform=$BUILDPLATFORM python:3.12-alpine AS base
        FROM base AS builder
        RUN pip install --prefix=/install -r requirements.txt
        FROM base
        COPY --from=builder /install /usr/local
    """
    (f,) = findings(lint_inline(based, kind="dockerfile"), "DF013")
    assert (f.span.line, f.message, f.hint) == (
        1, "The final stage is based on stage 0 (base), which runs on the build machine ($BUILDPLATFORM): "
           "every platform's image is the build machine's python:3.12-alpine (its libraries and programs), whatever "
           "platform the build asks for.",
        "base the final stage on python:3.12-alpine itself (FROM python:3.12-alpine, no --platform), not on stage 0")
    # an ARG default is read; an ARG without one names an image not known here
    arg = text.replace("kubewharf/distroless-base-debian11:v1.2", "${RUNTIME}").replace(
        "FROM --platform=${BUILDPLATFORM} golang", "ARG RUNTIME=debian:12-slim\nFROM --platform=${BUILDPLATFORM} golang")
    assert [x.split(" DF013 ")[1][:41] for x in check(arg, "DF013", kind="dockerfile")] == [
        "The final stage runs on the build machine"]
    assert check(arg.replace("RUNTIME=debian:12-slim", "RUNTIME"), "DF013", kind="dockerfile") == []
    # scratch, or a base of no programs (distroless/static): what is copied in decides; DF013's usual reading
    for base in ("scratch", "gcr.io/distroless/static:nonroot", "cgr.dev/chainguard/static:latest"):
        assert check(text.replace("kubewharf/distroless-base-debian11:v1.2", base), "DF013", kind="dockerfile") == []
    # a last stage that ends with a check and names nothing to run (buildx's lint stage): no image to ship
    lint = based.replace("COPY --from=builder /install /usr/local", "RUN python -m pytest")
    assert check(lint, "DF013", kind="dockerfile") == []
    assert check(lint + "    CMD [\"python\", \"-m\", \"app\"]\n", "DF013", kind="dockerfile") != []


def test_df013_flags_a_downloaded_program_and_a_derived_stage():
    assert check("""
        FROM --platform=${BUILDPLATFORM} alpine:3.20 AS tools
        RUN ARCH=$(uname -m) && wget -O /usr/local/bin/yq https://example.com/yq_linux_${ARCH}
        FROM --platform=$BUILDPLATFORM rust:1.80 AS rs
        RUN cargo build --release
        FROM rs AS more
        FROM debian:12-slim
        COPY --from=tools /usr/local/bin/yq /usr/local/bin/yq
        COPY --from=more /src/target/release/srv /srv
    """, "DF013", kind="dockerfile", platforms=TWO) == [
        "1:6 DF013 Stage 0 (tools) runs on the build machine ($BUILDPLATFORM) and never builds for the target, yet"
        " the final stage copies its output (/usr/local/bin/yq): every platform's image gets the build machine's"
        " binaries.",
        "5:6 DF013 Stage 2 (more) runs on the build machine ($BUILDPLATFORM) and never builds for the target, yet"
        " the final stage copies its output (/src/target/release/srv): every platform's image gets the build"
        " machine's binaries.",
    ]


def test_df013_passes_a_stage_that_builds_with_a_cross_toolchain_not_a_package_managers():
    text = """
        FROM --platform=$BUILDPLATFORM debian:12 AS build
        RUN cmake -B out -DCMAKE_TOOLCHAIN_FILE=/src/cmake/cross.cmake && cmake --build out
        FROM debian:12-slim
        COPY --from=build /out/app /app
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == []
    assert check(text.replace("RUN cmake", 'RUN make CC="${CROSS_PREFIX}-gcc" && cmake'), "DF013", kind="dockerfile",
                 platforms=TWO) == []
    # vcpkg's toolchain file, or a native clang one, builds for the machine it runs on (prometheus-collector's
    # kind of miss: a cross gcc only installed is none either)
    for native in ("/vcpkg/scripts/buildsystems/vcpkg.cmake && apt-get install -y gcc-aarch64-linux-gnu",
                   "/src/cmake/clang-libcxx.cmake"):
        assert [ln.split(" DF013 ")[0] for ln in check(text.replace("/src/cmake/cross.cmake", native), "DF013",
                                                        kind="dockerfile", platforms=TWO)] == ["1:6"]


def test_df013_passes_a_stage_whose_args_hand_go_the_target():
    # pixie's hydra/kratos/nats images: ARG GOOS=$TARGETOS / ARG GOARCH=$TARGETARCH, then go build:
    # a build argument is in every later RUN's environment, so go cross-compiles
    text = """
        FROM --platform=$BUILDPLATFORM golang:1.24-alpine AS build
        ARG TARGETOS TARGETARCH
        ARG GOOS=$TARGETOS
        ARG GOARCH=$TARGETARCH
        RUN go build -o /usr/bin/hydra .
        FROM alpine:3.20
        COPY --from=build /usr/bin/hydra /usr/bin/hydra
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == []
    # an ARG of another name, or one that does not read the target, hands go nothing
    other = text.replace("ARG GOOS=$TARGETOS\n        ARG GOARCH=$TARGETARCH", "ARG VERSION=$TARGETARCH")
    assert len(check(other, "DF013", kind="dockerfile", platforms=TWO)) == 1


def test_df013_passes_a_windows_image():
    # rke2's Dockerfile.windows: $BUILDPLATFORM stages curl Windows amd64 .exe files, which the
    # Windows image ships; the Linux build machine's binaries cannot be what it holds
    text = """
        FROM --platform=$BUILDPLATFORM alpine:3.24 AS collect
        RUN curl -fsSLO https://dl.k8s.io/release/v1.36.0/bin/windows/amd64/kubelet.exe
        FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
        COPY --from=collect /kubelet.exe /bin/
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == []
    linux = text.replace("mcr.microsoft.com/windows/nanoserver:ltsc2022", "debian:12-slim")
    assert len(check(linux, "DF013", kind="dockerfile", platforms=TWO)) == 1


def test_df013_passes_a_stage_that_hands_its_script_the_target_platform():
    # multus-cni's images/Dockerfile: ARG TARGETPLATFORM, then a script that maps it to GOARCH;
    # declared after the last RUN, nothing sees it
    text = """
        FROM --platform=$BUILDPLATFORM golang:1.26 AS build
        ADD . /usr/src/multus-cni
        ARG TARGETPLATFORM
        RUN cd /usr/src/multus-cni && ./hack/build-go.sh
        FROM gcr.io/distroless/base-debian12:nonroot
        COPY --from=build /usr/src/multus-cni/bin /usr/src/multus-cni/bin
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == []
    late = text.replace("ARG TARGETPLATFORM\n        RUN cd /usr/src/multus-cni && ./hack/build-go.sh",
                        "RUN cd /usr/src/multus-cni && ./hack/build-go.sh\n        ARG TARGETPLATFORM")
    assert [x.split(" ")[1] for x in check(late, "DF013", kind="dockerfile", platforms=TWO)] == ["DF013"]
    # the ARGs declared, but go build compiles for the machine it runs on all the same
    direct = text.replace("ARG TARGETPLATFORM", "ARG TARGETOS\n        ARG TARGETARCH").replace(
        "RUN cd /usr/src/multus-cni && ./hack/build-go.sh", "RUN CGO_ENABLED=0 go build -o /usr/src/multus-cni/bin/app .")
    assert [x.split(" ")[1] for x in check(direct, "DF013", kind="dockerfile", platforms=TWO)] == ["DF013"]


def test_df013_follows_a_scratch_stage_that_only_carries_files():
    # docker/buildx and moby/buildkit lint.Dockerfile: golangci-lint built on the build machine,
    # carried by a scratch stage a knob picks, into a lint stage on the build machine too
    text = """
        ARG FROM_SOURCE=false
        FROM --platform=$BUILDPLATFORM golang:1.22 AS base
        FROM base AS golangci-build
        RUN go build -o /out/golangci-lint ./cmd/golangci-lint
        FROM scratch AS golangci-binary-false
        FROM scratch AS golangci-binary-true
        COPY --from=golangci-build /out/golangci-lint golangci-lint
        FROM golangci-binary-${FROM_SOURCE} AS golangci-binary
        FROM base AS lint
        COPY --from=golangci-binary / /usr/bin/
        RUN golangci-lint run
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == []
    # the same carrier into the image that ships: reported at the stage that built it
    shipped = text.replace("FROM base AS lint", "FROM alpine:3.20 AS lint")
    assert check(shipped, "DF013", kind="dockerfile", platforms=TWO) == [
        "3:6 DF013 Stage 1 (golangci-build) runs on the build machine ($BUILDPLATFORM) and never builds for the"
        " target, yet stage 3 (golangci-binary-true) copies its output (/out/golangci-lint): every platform's image"
        " gets the build machine's binaries.",
    ]
    # crazy-max/diun's hack/lint.Dockerfile: the carrier mounted into the lint stage's RUN
    # (--mount=from=golangci-binary), not copied: the lint stage on the build machine uses it
    mounted = text.replace("COPY --from=golangci-binary / /usr/bin/\n        RUN golangci-lint run",
                           "RUN --mount=from=golangci-binary,source=/golangci-lint,target=/usr/bin/golangci-lint"
                           " golangci-lint run")
    assert "--mount" in mounted and check(mounted, "DF013", kind="dockerfile", platforms=TWO) == []
    assert [x.split(" ")[1] for x in check(mounted.replace("FROM base AS lint", "FROM alpine:3.20 AS lint"),
                                           "DF013", kind="dockerfile", platforms=TWO)] == ["DF013"]


def test_df013_flags_an_image_taken_for_the_build_machine_and_copied_from():
    # stakater/Reloader's Dockerfile.ubi: the released multi-arch image is taken as a source of
    # its binary, on $BUILDPLATFORM, and copied into the UBI image built for amd64 and arm64
    text = """
        ARG BUILDER_IMAGE
        FROM --platform=${BUILDPLATFORM} ${BUILDER_IMAGE} AS SRC
        FROM registry.access.redhat.com/ubi9/ubi:9.5 AS ubi
        RUN dnf install -y binutils
        FROM scratch
        COPY --from=ubi /image/ /
        COPY --from=SRC /manager .
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == [
        "2:6 DF013 Stage 0 (SRC) takes its image for the build machine ($BUILDPLATFORM), yet the final stage copies"
        " files from it (/manager): every platform's image gets the build machine's build of them.",
    ]
    # files the same on every CPU, an image chosen per target, no --platform: nothing to say
    assert check(text.replace("/manager .", "/etc/ssl/certs /etc/ssl/certs"), "DF013", kind="dockerfile",
                 platforms=TWO) == []
    assert check(text.replace("${BUILDER_IMAGE} AS SRC", "ghcr.io/acme/tool-${TARGETARCH}:1 AS SRC"), "DF013",
                 kind="dockerfile", platforms=TWO) == []
    assert check(text.replace("--platform=${BUILDPLATFORM} ", ""), "DF013", kind="dockerfile", platforms=TWO) == []


def test_df013_accepts_cross_builds_and_arch_independent_output():
    assert check("""
        FROM --platform=$BUILDPLATFORM golang:1.22 AS go
        ARG TARGETOS TARGETARCH
        RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
        FROM --platform=$BUILDPLATFORM node:20 AS web
        RUN npm ci && npm run build
        FROM --platform=$BUILDPLATFORM gradle:8-jdk17 AS jar
        RUN gradle shadowJar
        FROM --platform=$BUILDPLATFORM golang:1.22 AS gen
        RUN go build -o /bin/gen ./cmd/gen && /bin/gen > /out/config.json
        FROM --platform=$BUILDPLATFORM alpine:3.20 AS src
        COPY . /src
        FROM --platform=$BUILDPLATFORM golang:1.22 AS all
        RUN for a in amd64 arm64; do GOARCH=$a go build -o /out/app-$a .; done
        FROM --platform=$BUILDPLATFORM golang:1.22 AS pinned
        RUN GOARCH=amd64 go build -o /out/tool .
        # nfs-subdir-external-provisioner: xx's golang image wraps go to build for TARGETPLATFORM
        FROM --platform=$BUILDPLATFORM golang:1.19 AS wrapped
        COPY --from=tonistiigi/xx:golang-1.0.0 / /
        ARG TARGETPLATFORM
        RUN CGO_ENABLED=0 go build -o /bin/main ./cmd/provisioner
        FROM alpine:3.20
        ARG TARGETARCH
        COPY --from=wrapped /bin/main /main
        COPY --from=go /out/app /app
        COPY --from=web /app/dist/index.html /app/dist/main.js /srv/
        COPY --from=web /app/static /srv/static
        COPY --from=jar /build/libs/app-all.jar /app.jar
        COPY --from=gen /out/config.json /etc/config.json
        COPY --from=src /src /src
        COPY --from=all /out/app-${TARGETARCH} /app2
        COPY --from=pinned /out/tool /tool
    """, "DF013", kind="dockerfile", platforms=TWO) == []


def test_df013_xx_go_wrapper_needs_the_target_platform_in_its_environment():
    # without ARG TARGETPLATFORM in the stage, the wrapper finds none: go builds for the machine
    assert [x.split(" (")[0] for x in check("""
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        COPY --from=tonistiigi/xx:golang-1.0.0 / /
        RUN CGO_ENABLED=0 go build -o /bin/main .
        FROM alpine:3.20
        COPY --from=build /bin/main /main
    """, "DF013", kind="dockerfile", platforms=TWO)] == ["1:6 DF013 Stage 0"]


def test_df013_accepts_copies_between_build_platform_stages():
    assert check("""
        FROM --platform=$BUILDPLATFORM node:20 AS ui
        RUN npm ci && npm run build
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        ARG TARGETARCH
        COPY --from=ui /src/dist /src/ui/dist
        RUN GOARCH=$TARGETARCH go build -o /out/app .
        FROM alpine:3.20
        COPY --from=build /out/app /app
    """, "DF013", kind="dockerfile", platforms=TWO) == []


def test_df013_accepts_the_working_tree_exported_back_from_a_build_machine_stage():
    # omni's kres Dockerfile: formatters and generators run on the build machine and a scratch
    # stage with no command, which nothing uses, takes the edited sources back for
    # `--output type=local` to write into the working tree
    text = """
        FROM --platform=$BUILDPLATFORM golang:1.25 AS base
        RUN go install mvdan.cc/gofumpt@v0.7.0
        WORKDIR /src
        COPY ./client ./client
        COPY . .
        FROM base AS fmt-run
        RUN gofumpt -w . && go build ./...
        FROM scratch AS specs
        ADD api/omni.proto /frontend/src/api/
        FROM base AS proto-run
        COPY --from=specs / /
        RUN protoc -I/frontend/src/api --ts_out=/frontend/src/api /frontend/src/api/omni.proto
        FROM scratch AS fmt
        COPY --from=fmt-run /src .
        FROM scratch AS fmt-client
        COPY --from=fmt-run /src/client client
        FROM scratch AS generate
        COPY --from=proto-run frontend/ frontend/
        FROM base AS manifests-run
        RUN controller-gen crd paths=./... output:crd:dir=./client/config && go build ./...
        FROM scratch AS manifests
        COPY --from=manifests-run /src/client/config ./client/config
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == []
    # sidero's manifests: a path of the tree goes back to its place in the working tree; to
    # another place it is a program of the build machine's
    assert [x.split(" (")[0] for x in check(text.replace("/src/client/config ./client/config", "/src/client/config ./cfg"),
                                            "DF013", kind="dockerfile", platforms=TWO)] == ["19:6 DF013 Stage 7"]
    # a program built inside the tree is no export of the tree
    assert [x.split(" (")[0] for x in check(text.replace("COPY --from=fmt-run /src .", "COPY --from=fmt-run /src/app ."),
                                            "DF013", kind="dockerfile", platforms=TWO)] == ["6:6 DF013 Stage 1"]
    # an image stage (a command, or a stage built on it) takes it as a program of its own
    assert len(check(text.replace("COPY --from=fmt-run /src/client client",
                                  "COPY --from=fmt-run /src/client client\nENTRYPOINT [\"/client\"]"),
                     "DF013", kind="dockerfile", platforms=TWO)) == 1
    assert len(check(text + "FROM fmt-client AS image\n", "DF013", kind="dockerfile", platforms=TWO)) == 1
    # binaries built into the tree are programs, wherever the export puts them (a review's cases)
    binaries = """
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o bin/app ./cmd/app
        FROM scratch AS binaries
        COPY --from=build /src/bin/ /bin/
        FROM scratch AS tree
        COPY --from=build /src /
    """
    assert [x.split(" (")[0] for x in check(binaries, "DF013", kind="dockerfile", platforms=TWO)] == [
        "1:6 DF013 Stage 0"]


DF014_IMAGES = """
    ARG BASE=amd64/ubuntu:24.04
    FROM registry.k8s.io/debian-base-amd64:0.3 AS one
    FROM grafana/logcli:3.7.3-amd64 AS two
    FROM arm64v8/alpine:3.20 AS three
    FROM ${BASE} AS four
"""


def test_df014_flags_arch_named_bases_in_a_multi_platform_build():
    assert check(DF014_IMAGES, "DF014", kind="dockerfile", platforms=TWO) == [
        "2:6 DF014 Base image registry.k8s.io/debian-base-amd64:0.3 is named for one architecture (amd64), but the"
        " stage is built for every configured target platform (linux/amd64, linux/arm64): each gets a base for amd64.",
        "3:6 DF014 Base image grafana/logcli:3.7.3-amd64 is named for one architecture (amd64), but the stage is built"
        " for every configured target platform (linux/amd64, linux/arm64): each gets a base for amd64.",
        "4:6 DF014 Base image arm64v8/alpine:3.20 is named for one architecture (arm64v8), but the stage is built for"
        " every configured target platform (linux/amd64, linux/arm64): each gets a base for arm64.",
        "5:6 DF014 Base image amd64/ubuntu:24.04 (through an ARG default) is named for one architecture (amd64), but"
        " the stage is built for every configured target platform (linux/amd64, linux/arm64): each gets a base for"
        " amd64.",
    ]
    hints = [f.hint for f in findings(lint_inline(DF014_IMAGES, kind="dockerfile", platforms=TWO), "DF014")]
    assert hints[0] == ("use the multi-architecture image if there is one (such as registry.k8s.io/debian-base:0.3),"
                        " or put ${TARGETARCH} in the name")
    assert [h.split("such as ")[1].split(")")[0] for h in hints[1:]] == [
        "grafana/logcli:3.7.3", "alpine:3.20", "ubuntu:24.04"]


def test_df014_single_platform_only_a_mismatch():
    assert check(DF014_IMAGES, "DF014", kind="dockerfile", platforms=ONE) == [
        "4:6 DF014 Base image arm64v8/alpine:3.20 is named for one architecture (arm64v8), but the configured target"
        " platform is linux/amd64: the image gets a base for arm64.",
    ]
    assert check(DF014_IMAGES, "DF014", kind="dockerfile") == []  # none configured


def test_df014_accepts_per_arch_and_pinned_stages():
    assert check("""
        FROM registry.k8s.io/debian-base-${TARGETARCH}:0.3 AS base
        FROM amd64/alpine:3.20 AS base-amd64
        FROM arm64v8/alpine:3.20 AS base-arm64
        FROM --platform=$BUILDPLATFORM amd64/golang:1.22 AS build
        FROM --platform=linux/amd64 amd64/alpine:3.20 AS pinned
        FROM base-${TARGETARCH}
        FROM registry.example.com:5000/x86_64-tools/app:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS tools
    """, "DF014", kind="dockerfile", platforms=TWO) == [
        "7:6 DF014 Base image registry.example.com:5000/x86_64-tools/app:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000"
        " is named for one architecture (x86_64), but the stage is built for every configured target platform"
        " (linux/amd64, linux/arm64): each gets a base for amd64.",
    ]


DF006_ARG_COPY = """
    FROM gcr.io/distroless/static:nonroot
    ARG BINARY=bin/app-arm64
    COPY ${BINARY} /app
    FROM gcr.io/distroless/static:nonroot AS two
    ARG TOOL=bin/tool-${TARGETARCH}
    ARG OTHER
    COPY ${TOOL} ${OTHER} /tool
"""


def test_df006_reads_arg_defaults_in_copy_sources():
    assert check(DF006_ARG_COPY, "DF006", kind="dockerfile", platforms=TWO) == [
        "3:6 DF006 COPY copies a build for arm64 (bin/app-arm64, the default of ARG BINARY) whatever the target"
        " platform; several target platforms are configured (linux/amd64, linux/arm64) and this literal serves only"
        " one.",
    ]
    # with one platform (or none) the build command's --build-arg decides: no finding on a default
    assert check(DF006_ARG_COPY, "DF006", kind="dockerfile", platforms=ONE) == []
    assert check(DF006_ARG_COPY, "DF006", kind="dockerfile") == []


def test_df006_leaves_a_download_its_comment_says_exists_for_one_cpu_only():
    # chaos-mesh's chaos-daemon: toda publishes no arm64 release, and the Dockerfile says so
    text = """
        FROM debian:bookworm-slim
        RUN apt-get update
        {comment}
        RUN curl -L https://github.com/chaos-mesh/toda/releases/download/v0.2.4/toda-linux-amd64.tar.gz | tar xz
    """
    for comment in ("# toda doesn't support arm64 yet", "# no arm64 release upstream", "# x86_64 only, see #42",
                    "# the SDK is not available for aarch64\n        # (upstream issue 332)"):
        assert check(text.format(comment=comment), "DF006", kind="dockerfile") == [], comment
    # a comment that says nothing of that, or one not right above: reported
    for comment in ("# fetch toda", "# toda supports arm64 since v0.3", "# arm64 builds are coming"):
        assert [ln.split(" ")[1] for ln in check(text.format(comment=comment), "DF006", kind="dockerfile")] == ["DF006"], comment
    apart = text.format(comment="# toda doesn't support arm64 yet\n        RUN true")
    assert [ln.split(" ")[1] for ln in check(apart, "DF006", kind="dockerfile")] == ["DF006"]
    # another subject, another CPU, a plan, or an instruction of two downloads: reported
    for comment in ("# kubectl is not available in apt, download the amd64 binary",
                    "# helm doesn't publish s390x binaries, so this image is amd64/arm64 only",
                    "# There is no arm64 build of v1.2; bump to 1.3", "# arm64 only: amd64 comes from apt",
                    "# no arm64 support needed: we fetch the per-arch tarball below"):
        assert [ln.split(" ")[1] for ln in check(text.format(comment=comment), "DF006", kind="dockerfile")] == [
            "DF006"], comment
    two = text.format(comment="# toda doesn't support arm64 yet").replace(
        "| tar xz", "| tar xz && curl -LO https://dl.k8s.io/v1.31.0/bin/linux/amd64/kubectl")
    assert [ln.split(" ")[1] for ln in check(two, "DF006", kind="dockerfile")] == ["DF006", "DF006"]


def test_df001_leaves_a_base_whose_comment_says_its_version_is_overridden():
    # kind's images/kindnetd: golang:latest only hosts gimme, which installs .go-version's Go
    text = """
        # first stage build kindnetd binary
        {comment}
        FROM --platform=$BUILDPLATFORM docker.io/library/golang:latest
        COPY --chmod=0755 scripts/third_party/gimme/gimme /usr/local/bin/
        FROM gcr.io/distroless/static-debian12:nonroot
    """
    for comment in ("# NOTE: the actual go version will be overridden", "# the Go version is overwritten by gimme"):
        assert check(text.format(comment=comment), "DF001", kind="dockerfile") == [], comment
    for comment in ("# NOTE: build with the newest Go", "# golang:latest, for the newest version",
                    "# The app version is overwritten at build time via ldflags",
                    "# TODO: pin this; the go version is replaced every week and it broke us twice"):
        assert [ln.split(" ")[1] for ln in check(text.format(comment=comment), "DF001", kind="dockerfile")] == [
            "DF001"], comment


def test_df006_review_cases_of_the_arm64_refusal_labels_and_stage_copies():
    # an if whose test holds more than the CPU may go on for arm64 (a GPU build alone fails)
    gated = """
        FROM nvidia/cuda:12.4.0-devel-ubuntu22.04 AS pytorch-install
        ARG TARGETARCH
        RUN if [ "$TARGETARCH" = "arm64" ] && [ "$WITH_GPU" = "1" ]; then exit 1; fi
        FROM nvidia/cuda:12.4.0-base-ubuntu22.04
        COPY --from=pytorch-install /opt/conda /opt/conda
        RUN curl -fLO https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip
    """
    assert len(check(gated, "DF006", kind="dockerfile")) == 1
    # a path after a case's esac is no arm label (`$(dirname /usr/lib/x86_64-linux-gnu)`)
    after = """
        FROM alpine:3.20
        ARG FLAVOR
        RUN case "$FLAVOR" in gpu) echo gpu ;; esac && ls $(dirname /usr/lib/x86_64-linux-gnu) && \\
            curl -fLO https://github.com/protocolbuffers/protobuf/releases/download/v21.12/protoc-21.12-linux-x86_64.zip
    """
    assert len(check(after, "DF006", kind="dockerfile", platforms=TWO)) == 1
    # a stage that runs nothing is its image's alias: a copy from it is that image's file
    alias = """
        FROM ghcr.io/acme/tools:1.2 AS tools
        FROM tools AS more
        FROM debian:12-slim
        COPY --from=more /bin/tool-linux-amd64 /usr/local/bin/tool
    """
    assert len(check(alias, "DF006", kind="dockerfile", platforms=TWO)) == 1


def test_df006_one_finding_per_cpu_a_url_names_and_packages_for_every_cpu():
    # percona's Dockerfiles: .../AppStream/x86_64/os/Packages/c-ares-1.13.0-5.el8.x86_64.rpm names
    # x86_64 twice (one finding, its fix edits both); a noarch package or an _all.deb in a CPU's
    # folder of a mirror is the same for every CPU
    text = """
        FROM oraclelinux:9
        RUN curl -Lf -o /tmp/c.rpm https://e.com/AppStream/x86_64/os/Packages/c-ares-1.13.0-5.el8.x86_64.rpm
        RUN curl -Lf -o /tmp/j.rpm https://e.com/AppStream/x86_64/os/Packages/perl-JSON-2.97.001-2.el8.noarch.rpm
        RUN curl -Lf -o /tmp/t.deb https://e.com/pool/main/amd64/tzdata_2024a_all.deb
        RUN wget -O /tmp/ublock.crx "https://clients2.google.com/service/update2/crx?response=redirect&nacl_arch=x86-64&x=id%3Dcjpalhdlnbpafiamejdnhcphjbkeiagm%26installsource%3Dondemand%26uc"
    """
    # (m1k1o/neko's ungoogled-chromium: a Chrome extension from the update service, JavaScript for
    # every CPU; nacl_arch names the browser's Native Client architecture)
    r = lint_inline(text, kind="dockerfile", platforms=TWO)
    got = [f for f in r.findings if f.rule_id == "DF006"]
    assert [(f.span.line, f.span.col) for f in got] == [(2, 52)]
    assert [e.text for e in got[0].fix.edits] == ["$(uname -m)", "$(uname -m)"]
    from textwrap import dedent

    fixed = apply_fix(dedent(text).lstrip("\n"), got[0].fix)
    assert "AppStream/$(uname -m)/os/Packages/c-ares-1.13.0-5.el8.$(uname -m).rpm" in fixed


def test_df006_fix_edits_the_files_other_mentions_in_its_run_too():
    # distribution's dev image: wget .../go$V.linux-amd64.tar.gz, then tar -xzf and rm of that file
    # (one spelled ${V}): a fix of the URL alone would download one file and unpack another. A
    # script that also picks per CPU (a case arm for amd64) keeps its own mentions: no fix
    from textwrap import dedent

    text = dedent("""
        FROM ubuntu:24.04
        RUN wget https://golang.org/dl/go$V.linux-amd64.tar.gz --quiet && \\
          tar -C /usr/local -xzf go$V.linux-amd64.tar.gz && \\
          rm go${V}.linux-amd64.tar.gz
    """).lstrip("\n")
    (f,) = [f for f in lint_inline(text, kind="dockerfile", platforms=TWO).findings if f.rule_id == "DF006"]
    assert f.message.startswith("RUN fetches a build for amd64 (https://golang.org/dl/go$V.linux-amd64.tar.gz)")
    assert apply_fix(text, f.fix).split("\n")[1:5] == [
        "ARG TARGETARCH",
        "RUN wget https://golang.org/dl/go$V.linux-${TARGETARCH}.tar.gz --quiet && \\",
        "  tar -C /usr/local -xzf go$V.linux-${TARGETARCH}.tar.gz && \\",
        "  rm go${V}.linux-${TARGETARCH}.tar.gz"]
    chooses = text.replace("rm go${V}.linux-amd64.tar.gz",
                           'case "$FLAVOUR" in amd64) rm go${V}.linux-amd64.tar.gz ;; esac')
    (f,) = [f for f in lint_inline(chooses, kind="dockerfile", platforms=TWO).findings if f.rule_id == "DF006"]
    assert f.fix is None


def test_df013_flags_a_go_build_blind_to_an_unexported_goarch():
    # martinohansen/ynabber before its fix: `GOOS=$TARGETOS GOARCH=$TARGETARCH && go build` sets
    # two shell variables go never reads, so every platform's image got an amd64 binary
    text = """
        FROM --platform=$BUILDPLATFORM golang:1.22 AS builder
        ARG TARGETOS TARGETARCH
        RUN GOOS=$TARGETOS GOARCH=$TARGETARCH && go build -o /bin/app .
        FROM alpine:3.20
        COPY --from=builder /bin/app /bin/app
    """
    assert check(text, "DF013", kind="dockerfile", platforms=TWO) == [
        "1:6 DF013 Stage 0 (builder) runs on the build machine ($BUILDPLATFORM) and its go build (line 3) never sees"
        " GOARCH: an assignment before it that is not exported, nor set for the command, is a shell variable go does"
        " not read, so it builds for the build machine, yet the final stage copies its output (/bin/app): every"
        " platform's image gets the build machine's binaries."]
    # set for the command, exported, from an ENV, or another cross signal: it builds for the target
    for fixed in (text.replace("GOARCH=$TARGETARCH && go", "GOARCH=$TARGETARCH go"),
                  text.replace("RUN GOOS", "RUN export GOOS=$TARGETOS GOARCH=$TARGETARCH && export GOOS"),
                  text.replace("ARG TARGETOS TARGETARCH", "ARG TARGETOS TARGETARCH\n        ENV GOARCH=$TARGETARCH"),
                  text.replace("&& go build", "&& ./build.sh && go build")):
        assert check(fixed, "DF013", kind="dockerfile", platforms=TWO) == [], fixed
