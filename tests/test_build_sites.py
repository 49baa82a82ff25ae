"""What the builds of a Dockerfile found across the repository decide for its per-file findings:
a literal architecture the builds all target, and builds handed to a reusable workflow or an
action through its inputs."""
from __future__ import annotations

import pytest

from test_project import run, tree


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")


def messages(doc: dict, rule: str) -> list[str]:
    return sorted(f"{f['path']}:{f['line']} {f['message']}" for f in doc["findings"] if f["rule"] == rule)


def reminder(doc: dict) -> list[str]:
    """The Dockerfiles DF005's run-level reminder counts."""
    return sorted(n["path"] for n in doc["notices"] if n["rule"] == "DF005")


# argo-rollouts: `make image DEV_IMAGE=true` cross-compiles the amd64 binaries the dev
# Dockerfile copies and builds it for $(TARGET_ARCH), linux/amd64 unless its caller picks another
ROLLOUTS = {
    "Makefile": """
        TARGET_ARCH?=linux/amd64
        image:
        \tCGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o dist/rollouts-controller-linux-amd64 ./cmd/rollouts-controller
        \tdocker build --platform=$(TARGET_ARCH) -t quay.io/argoproj/argo-rollouts:dev -f Dockerfile.dev dist
        \tdocker push quay.io/argoproj/argo-rollouts:dev
    """,
    "Dockerfile.dev": """
        FROM --platform=$BUILDPLATFORM golang:1.22 AS tools
        RUN curl -fsSL -o /kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl
        FROM gcr.io/distroless/static:nonroot
        COPY rollouts-controller-linux-amd64 /bin/rollouts-controller
    """,
}
NO_PLATFORMS = "no target platforms are configured, so the image may be built for another CPU"


def test_df006_a_literal_every_build_targets_is_that_images_cpu(tmp_path, capsys):
    root = tree(tmp_path / "rollouts", ROLLOUTS)
    doc = run(root, capsys)
    # the builder stage runs on the build machine, whatever the build's --platform: still reported
    assert messages(doc, "DF006") == [
        "Dockerfile.dev:2 RUN fetches a build for amd64 (https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl)"
        f" whatever the target platform; {NO_PLATFORMS}."]


def test_df006_names_the_builds_for_another_cpu(tmp_path, capsys):
    files = dict(ROLLOUTS, Makefile=ROLLOUTS["Makefile"].replace("linux/amd64", "linux/arm64"))
    doc = run(tree(tmp_path / "arm", files), capsys)
    assert "Dockerfile.dev:4 COPY fetches a build for amd64 (rollouts-controller-linux-amd64) whatever the target" \
           " platform; it is built for linux/arm64 (Makefile:4), so the linux/arm64 image gets the amd64 build." \
           in messages(doc, "DF006")


def test_df006_a_build_for_whichever_machine_runs_it_keeps_the_finding(tmp_path, capsys):
    files = dict(ROLLOUTS, **{"README.md": """
        Build the dev image:

        ```sh
        docker build -t quay.io/argoproj/argo-rollouts:dev -f Dockerfile.dev dist
        docker push quay.io/argoproj/argo-rollouts:dev
        ```
    """})
    doc = run(tree(tmp_path / "readme", files), capsys)
    assert f"Dockerfile.dev:4 COPY fetches a build for amd64 (rollouts-controller-linux-amd64) whatever the target" \
           f" platform; {NO_PLATFORMS}." in messages(doc, "DF006")


# kubeflow/pipelines: the release workflow hands each Dockerfile and each platform to a reusable
# workflow, one job per matrix row; the proxy image is excluded from the arm64 rows
PIPELINES = {
    ".github/workflows/image-builds-release.yml": """
        name: Build and Push for Release
        on: workflow_dispatch
        jobs:
          build-images-for-release:
            strategy:
              matrix:
                image:
                  - name: kfp-visualization-server
                    dockerfile: backend/Dockerfile.visualization
                    context: .
                  - name: kfp-inverse-proxy-agent
                    dockerfile: proxy/Dockerfile
                    context: ./proxy
                arch:
                  - arch_name: amd64
                    platform: linux/amd64
                  - arch_name: arm64
                    platform: linux/arm64
                exclude:
                  - image: { name: kfp-inverse-proxy-agent }
                    arch: { arch_name: arm64 }
            uses: ./.github/workflows/build-and-push.yml
            secrets: inherit
            with:
              app_to_build: ${{ matrix.image.name }}
              image_context: ${{ matrix.image.context }}
              docker_file: ${{ matrix.image.dockerfile }}
              platforms: ${{ matrix.arch.platform }}
              push: ${{ !inputs.dry_run }}
    """,
    "backend/Dockerfile.visualization": """
        FROM python:3.11-slim
        RUN curl -fsSL https://dl.google.com/dl/cloudsdk/channels/rapid/downloads/google-cloud-cli-linux-x86_64.tar.gz | tar -xz
    """,
    "proxy/Dockerfile": """
        FROM python:3.11-slim
        RUN curl -fsSL -o /usr/local/bin/kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl
    """,
}


def test_a_reusable_workflow_given_a_dockerfile_builds_it_for_its_platforms_input(tmp_path, capsys):
    doc = run(tree(tmp_path / "pipelines", PIPELINES), capsys)
    assert messages(doc, "DF006") == [
        "backend/Dockerfile.visualization:2 RUN fetches a build for x86_64 (https://dl.google.com/dl/cloudsdk/channels/"
        "rapid/downloads/google-cloud-cli-linux-x86_64.tar.gz) whatever the target platform; it is built for"
        " linux/amd64, linux/arm64 (.github/workflows/image-builds-release.yml:22), so the linux/arm64 image gets the"
        " amd64 build."]
    assert reminder(doc) == []  # both builds name their platforms


def test_an_action_given_a_dockerfile_and_no_platforms_leaves_them_unknown(tmp_path, capsys):
    # katib's and trainer's local composite action; loki's reusable workflow sets its platforms
    # itself: not known here, so neither a reminder nor a platform for DF006
    files = {
        ".github/workflows/publish.yaml": """
            on: push
            jobs:
              core:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    include:
                      - dockerfile: cmd/ui/Dockerfile
                steps:
                  - uses: actions/checkout@v4
                  - uses: ./.github/workflows/template-publish-image
                    with:
                      dockerfile: ${{ matrix.dockerfile }}
                      platforms: ${{ inputs.platforms }}
        """,
        "cmd/ui/Dockerfile": "FROM node:20-alpine\nRUN curl -fsSL -o /yq https://example.com/yq_linux_amd64\n",
        "cmd/other/Dockerfile": "FROM node:20-alpine\n",
    }
    doc = run(tree(tmp_path / "katib", files), capsys)
    assert reminder(doc) == ["cmd/other/Dockerfile"]
    assert [m.split(" whatever the target platform; ")[1] for m in messages(doc, "DF006")] == [f"{NO_PLATFORMS}."]
    # an input that names no Dockerfile hands over nothing
    files[".github/workflows/publish.yaml"] = files[".github/workflows/publish.yaml"].replace(
        "dockerfile: ${{", "config: ${{")
    doc = run(tree(tmp_path / "none", files), capsys)
    assert reminder(doc) == ["cmd/other/Dockerfile", "cmd/ui/Dockerfile"]


def test_a_checkout_into_a_folder_moves_only_its_own_jobs_builds(tmp_path, capsys):
    # harbor's build-package.yml: the base image job builds at the top; the package job checks
    # the repository out into src/github.com/goharbor/harbor, where its paths are not known
    files = {
        ".github/workflows/build-package.yml": """
            on: push
            jobs:
              BUILD_BASE_IMAGE:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: |
                      docker buildx build --platform linux/amd64,linux/arm64 \\
                        -f make/photon/common/Dockerfile -t goharbor/photon:5.0 --push .
              BUILD_PACKAGE:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                    with:
                      path: src/github.com/goharbor/harbor
                  - run: docker buildx build -f make/photon/core/Dockerfile -t goharbor/core:dev --push .
        """,
        "make/photon/common/Dockerfile": "FROM photon:5.0\n",
        "make/photon/core/Dockerfile": "FROM photon:5.0\n",
    }
    doc = run(tree(tmp_path / "harbor", files), capsys)
    assert reminder(doc) == ["make/photon/core/Dockerfile"]


def test_a_rooted_dockerfile_path_links_after_a_cd(tmp_path, capsys):
    # harbor's make/photon/Makefile: cd into the adapter's folder, then build with -f under
    # $(CURDIR), an absolute path: where the command runs does not change it
    files = {
        "Makefile": """
            MAKEPATH=$(CURDIR)/make
            DOCKERFILEPATH_TRIVY_ADAPTER=$(MAKEPATH)/photon/trivy-adapter
            trivy:
            \tcd $(DOCKERFILEPATH_TRIVY_ADAPTER) && ./builder.sh v1 && cd - ; \\
            \tdocker build --platform=linux/amd64 -f $(DOCKERFILEPATH_TRIVY_ADAPTER)/Dockerfile -t goharbor/trivy:dev . ; \\
            \tdocker push goharbor/trivy:dev
            other:
            \tcd $$WORKDIR && docker build --platform=linux/amd64 -f make/photon/other/Dockerfile -t goharbor/other:dev . && docker push goharbor/other:dev
        """,
        "make/photon/trivy-adapter/Dockerfile": "FROM photon:5.0\n",
        "make/photon/other/Dockerfile": "FROM photon:5.0\n",
    }
    doc = run(tree(tmp_path / "trivy", files), capsys)
    # a relative path after a cd links nothing: that Dockerfile's build is not known
    assert reminder(doc) == ["make/photon/other/Dockerfile"]
