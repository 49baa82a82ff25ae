"""What the builds of a Dockerfile found across the repository decide for its per-file findings:
a literal architecture the builds all target, and builds handed to a reusable workflow or an
action through its inputs."""
from __future__ import annotations

import pytest

from test_project import codes, graph_doc, run, tree


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
# Dockerfile copies and builds it for one platform
ROLLOUTS = {
    "Makefile": """
        image:
        \tCGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o dist/rollouts-controller-linux-amd64 ./cmd/rollouts-controller
        \tdocker build --platform=linux/amd64 -t quay.io/argoproj/argo-rollouts:dev -f Dockerfile.dev dist
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
COPIED = "Dockerfile.dev:4 COPY fetches a build for amd64 (rollouts-controller-linux-amd64) whatever the target platform; "


def test_df006_a_literal_every_build_targets_is_that_images_cpu(tmp_path, capsys):
    doc = run(tree(tmp_path / "rollouts", ROLLOUTS), capsys)
    # the builder stage runs on the build machine, whatever the build's --platform: still reported
    assert messages(doc, "DF006") == [
        "Dockerfile.dev:2 RUN fetches a build for amd64 (https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl)"
        f" whatever the target platform; {NO_PLATFORMS}."]


def test_df006_a_cpu_alone_in_a_builds_platform_is_that_cpus_linux(tmp_path, capsys):
    # percona's README: `docker build --platform x86_64 ...`; the builder adds its own OS (Linux)
    files = {
        "README.md": "# Build\n\n```bash\ndocker build --platform x86_64 -t perconalab/pg:2.5.0 -f ./build/Dockerfile .\n```\n",
        "build/Dockerfile": "FROM oraclelinux:9\nRUN curl -Lf -o /tmp/epel.rpm https://yum.oracle.com/repo/OracleLinux/OL9/"
                            "baseos/latest/x86_64/getPackage/oracle-epel-release-el9-1.0-1.el9.x86_64.rpm\n",
    }
    doc = run(tree(tmp_path / "percona", files), capsys)
    assert messages(doc, "DF006") == []
    assert [m.split(" ", 1)[1] for m in messages(doc, "BC008")] == [
        "Incomplete platform in docker build: 'x86_64' names no OS, so the build adds its own (linux/amd64 on a"
        " Linux build machine)."]
    files["README.md"] = files["README.md"].replace("x86_64", "aarch64")
    doc = run(tree(tmp_path / "arm", files), capsys)
    assert [m.split("; ")[1] for m in messages(doc, "DF006")] == [
        "it is built for linux/arm64 (README.md:4), so the linux/arm64 image gets the amd64 build."]


def test_a_cd_of_its_own_line_moves_the_later_builds_of_a_step_not_of_a_recipe(tmp_path, capsys):
    # helm-charts-hardened's devcontainer: `cd .devcontainer/`, then `docker build ... .` on an
    # amd64 runner: every build of .devcontainer/Dockerfile is amd64's
    step = "cd .devcontainer/\ndocker build -t ghcr.io/acme/devcontainer:latest .\ndocker push ghcr.io/acme/devcontainer:latest\n"
    files = {
        ".github/workflows/devcontainer.yaml": """
            on: push
            jobs:
              image:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: |
        """.rstrip(" ") + "".join(f"                      {line}\n" for line in step.splitlines()),
        ".devcontainer/Dockerfile": "FROM ubuntu:24.04\nRUN curl -fsSL -o /usr/local/bin/yq"
                                    " https://github.com/mikefarah/yq/releases/download/v4.35.2/yq_linux_amd64\n",
    }
    doc = run(tree(tmp_path / "step", files), capsys)
    assert messages(doc, "DF006") == []
    assert reminder(doc) == []
    # a pushd undone by a popd before the build, and a recipe's lines (a shell each), move nothing
    files[".github/workflows/devcontainer.yaml"] = files[".github/workflows/devcontainer.yaml"].replace(
        "cd .devcontainer/", "pushd .devcontainer/ && ./prepare.sh\n                      popd")
    doc = run(tree(tmp_path / "popd", files), capsys)
    assert [m.split(" whatever the target platform; ")[1] for m in messages(doc, "DF006")] == [f"{NO_PLATFORMS}."]
    del files[".github/workflows/devcontainer.yaml"]
    files["Makefile"] = "image:\n\tcd .devcontainer/\n\tdocker build --platform linux/amd64 -t acme/dev:1 .\n"
    doc = run(tree(tmp_path / "recipe", files), capsys)
    assert [m.split(" whatever the target platform; ")[1] for m in messages(doc, "DF006")] == [f"{NO_PLATFORMS}."]
    files["Makefile"] = files["Makefile"].replace("/\n\tdocker", "/ && \\\n\t  docker")
    doc = run(tree(tmp_path / "joined", files), capsys)
    assert messages(doc, "DF006") == []
    # an unindented cd in a function body, an if or a subshell ends with it (a review's case)
    for body in ("build_web() {\ncd web\nnpm ci\n}\nbuild_web\n", "if [ -n \"$CI\" ]; then\ncd web\nfi\n",
                 "(\ncd web\nnpm ci\n)\n"):
        files = {"web/package.json": "{}\n", "Dockerfile": "FROM alpine:3.20\n",
                 "hack/b.sh": "#!/bin/sh\n" + body + "docker buildx build --platform linux/amd64 -t ghcr.io/a/b:1 --push"
                              " -f Dockerfile .\n"}
        doc = run(tree(tmp_path / f"compound{len(body)}", files), capsys)
        assert codes(doc, "XF") == [], body
    # a runbook's cd into what its git clone makes is a checkout (apisix's, of apisix/), not the
    # repository's folder of that name: nothing looked for there, no missing Dockerfile
    runbook = "```shell\ngit clone https://github.com/apache/apisix.git\ncd apisix\n" \
              "docker build -t apisix-dev-env -f example/build-dev-image.dockerfile .\n```\n"
    doc = run(tree(tmp_path / "clone", {"docs/dev.md": runbook, "apisix/init.lua": "return {}\n",
                                        "example/build-dev-image.dockerfile": "FROM alpine:3.20\n"}), capsys)
    assert codes(doc, "XF") == []


def test_df006_names_the_builds_for_another_cpu(tmp_path, capsys):
    files = dict(ROLLOUTS, Makefile=ROLLOUTS["Makefile"].replace("--platform=linux/amd64", "--platform=linux/arm64"))
    doc = run(tree(tmp_path / "arm", files), capsys)
    assert COPIED + "it is built for linux/arm64 (Makefile:3), so the linux/arm64 image gets the amd64 build." \
        in messages(doc, "DF006")


@pytest.mark.parametrize("name, change", [
    # a build for whichever machine runs it (a README's)
    ("readme", {"README.md": """
        ```sh
        docker build -t quay.io/argoproj/argo-rollouts:dev -f Dockerfile.dev dist
        docker push quay.io/argoproj/argo-rollouts:dev
        ```
    """}),
    # an overridable default: `make image TARGET_ARCH=linux/arm64` picks another
    ("knob", {"Makefile": "TARGET_ARCH ?= linux/amd64\n" + ROLLOUTS["Makefile"].replace(
        "--platform=linux/amd64", "--platform=$(TARGET_ARCH)")}),
    # the only build for the CPU builds another stage: the final stage's builds are not known
    ("target", {"Makefile": ROLLOUTS["Makefile"].replace("-f Dockerfile.dev", "--target tools -f Dockerfile.dev")}),
    # a build whose Dockerfile archlint could not place may build this one, for another CPU
    ("unplaced", {"release.sh": """
        #!/bin/sh
        cd "$RELEASE_DIR"
        docker buildx build --platform linux/arm64 -t quay.io/argoproj/argo-rollouts:v1 -f Dockerfile.dev --push .
    """}),
])
def test_df006_keeps_the_literal_where_the_builds_do_not_settle_it(tmp_path, capsys, name, change):
    doc = run(tree(tmp_path / name, dict(ROLLOUTS, **change)), capsys)
    assert COPIED + f"{NO_PLATFORMS}." in messages(doc, "DF006")


def test_df006_an_arm_literal_names_no_variant(tmp_path, capsys):
    # armv7 and linux/arm/v6 are both "arm": the variant is not in the name
    files = {"Dockerfile": "FROM debian:12\nRUN curl -fsSL -o /t https://example.com/tool-linux-armv7\n",
             "build.sh": "docker buildx build --platform linux/arm/v6 -t example.com/app:1 --push .\n"}
    doc = run(tree(tmp_path / "arm", files), capsys)
    assert [m.split("; ")[1] for m in messages(doc, "DF006")] == [f"{NO_PLATFORMS}."]


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
    # the same checkout in flow style
    wf = files[".github/workflows/build-package.yml"]
    files[".github/workflows/build-package.yml"] = wf.replace(
        "with:\n                      path: src/github.com/goharbor/harbor", "with: {path: src/github.com/goharbor/harbor}")
    assert files[".github/workflows/build-package.yml"] != wf
    doc = run(tree(tmp_path / "flow", files), capsys)
    assert reminder(doc) == ["make/photon/core/Dockerfile"]


def test_a_job_that_checks_out_only_another_repository_builds_its_files(tmp_path, capsys):
    # kubernetes-ingress' build-ot-dependency.yml builds opentracing's ./Dockerfile: not missing here
    files = {
        ".github/workflows/ot.yml": """
            on: push
            jobs:
              action:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                    with:
                      repository: opentracing-contrib/nginx-opentracing
                      ref: master
                  - uses: docker/build-push-action@v6
                    with:
                      file: ./Dockerfile
                      context: "."
                      platforms: linux/amd64
                      tags: ghcr.io/acme/ot:1
              script:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                    with: {repository: opentracing-contrib/nginx-opentracing}
                  - run: docker build -f build/Dockerfile.ot -t ghcr.io/acme/ot2:1 . && docker push ghcr.io/acme/ot2:1
        """,
        "src/app.go": "package main\n",
    }
    doc = run(tree(tmp_path / "ot", files), capsys)
    assert codes(doc, "XF") == []
    # its own checkout beside it: the workspace is this repository's again
    files[".github/workflows/ot.yml"] = files[".github/workflows/ot.yml"].replace(
        "                  - uses: docker/build-push-action@v6",
        "                  - uses: actions/checkout@v4\n                  - uses: docker/build-push-action@v6")
    doc = run(tree(tmp_path / "own", files), capsys)
    assert codes(doc, "XF") == [(".github/workflows/ot.yml", 11, "XF005")]


def test_an_action_building_a_dockerfile_a_step_before_downloads_finds_it(tmp_path, capsys):
    # tidb-dashboard's test-docker-image.yaml: `wget .../${{ matrix.remote_dockerfile }} -O Dockerfile`
    wf = """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: wget "https://github.com/acme/artifacts/raw/main/dockerfiles/builder.Dockerfile" -O Dockerfile
              - uses: docker/build-push-action@v6
                with: {file: Dockerfile, context: ., push: false}
    """
    doc = run(tree(tmp_path / "a", {".github/workflows/test.yaml": wf}), capsys)
    assert codes(doc, "XF") == []
    doc = run(tree(tmp_path / "b", {".github/workflows/test.yaml": wf.replace(" -O Dockerfile", " -O other")}), capsys)
    assert codes(doc, "XF") == [(".github/workflows/test.yaml", 8, "XF005")]
    # another folder's file of that name, or a write in another job, is not it (a review's cases)
    doc = run(tree(tmp_path / "c", {".github/workflows/test.yaml": wf.replace(" -O Dockerfile", " -O site/Dockerfile")}),
              capsys)
    assert codes(doc, "XF") == [(".github/workflows/test.yaml", 8, "XF005")]
    other_job = wf.replace("              - run: wget", "              - run: true").replace(
        "          test:", "          docs:\n            runs-on: ubuntu-latest\n            steps:\n"
                           "              - run: wget https://example.com/x -O Dockerfile\n          test:")
    doc = run(tree(tmp_path / "d", {".github/workflows/test.yaml": other_job}), capsys)
    assert [c[2] for c in codes(doc, "XF")] == ["XF005"]


def test_another_repositorys_action_given_a_dockerfile_builds_nothing(tmp_path, capsys):
    # hadolint-action lints its dockerfile: input; a remote reusable workflow may build its own
    # repository's file; and a file outside the context: input given beside it is not known
    files = {
        ".github/workflows/lint.yml": """
            on: push
            jobs:
              lint:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - uses: hadolint/hadolint-action@v3.1.0
                    with:
                      dockerfile: Dockerfile
              remote:
                uses: acme/workflows/.github/workflows/build.yml@v1
                with:
                  dockerfile: Dockerfile
                  platforms: linux/amd64,linux/arm64
              local:
                uses: ./.github/workflows/build.yml
                with:
                  context: ./tools
                  dockerfile: Dockerfile
                  platforms: linux/amd64,linux/arm64
        """,
        "Dockerfile": "FROM alpine:3.20\n",
        "tools/Dockerfile": "FROM alpine:3.20\n",
    }
    doc = run(tree(tmp_path / "lint", files), capsys)
    assert reminder(doc) == ["Dockerfile", "tools/Dockerfile"]


def test_a_reusable_workflow_pushes_only_where_its_push_input_says_so(tmp_path, capsys):
    # a test workflow given the Dockerfile (push: false in the called workflow, not seen here) is
    # no multi-platform publish that would make the Makefile's native push a variant
    files = {
        ".github/workflows/ci.yml": """
            on: push
            jobs:
              test-image:
                uses: ./.github/workflows/test-image.yml
                with:
                  dockerfile: Dockerfile
                  platforms: linux/amd64,linux/arm64
        """,
        "Dockerfile": "FROM alpine:3.20\n",
        "Makefile": "release:\n\tdocker build -t example.com/app:1.0 .\n\tdocker push example.com/app:1.0\n",
    }
    doc = run(tree(tmp_path / "ci", files), capsys)
    assert [m.split(" ", 1)[0] for m in messages(doc, "BC001")] == ["Makefile:2"]
    files[".github/workflows/ci.yml"] += "          push: true\n"
    doc = run(tree(tmp_path / "pushed", files), capsys)
    assert messages(doc, "BC001") == []


@pytest.mark.parametrize("cd", [
    'DIR=$(dirname "$0")\ncd "$DIR/.."',
    'ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"\ncd "${ROOT}"',
    'cd "$(git rev-parse --show-toplevel)"',
    'cd "$(dirname "$0")/.."',
])
def test_a_cd_to_a_folder_named_from_the_script_s_own_links_its_builds(tmp_path, capsys, cd):
    # tilt's scripts/build-tilt-releaser.sh: the build runs from the repository's top, whatever
    # line the cd is on
    files = {
        "scripts/build-tilt-releaser.sh": "#!/bin/bash\nset -ex\n" + cd + "\n\n"
        "docker buildx build --push --platform linux/amd64 -t tiltdev/tilt-releaser -f scripts/release.Dockerfile scripts\n",
        "scripts/release.Dockerfile": "FROM golang:1.22\n"
        "RUN curl -fsSL https://more.musl.cc/11/x86_64-linux-musl/x86_64-linux-musl-native.tgz | tar -xz\n",
    }
    doc = run(tree(tmp_path / "tilt", files), capsys)
    assert reminder(doc) == [] and messages(doc, "DF006") == []
    # another variable names a folder not known here: the build links nothing
    files["scripts/build-tilt-releaser.sh"] = files["scripts/build-tilt-releaser.sh"].replace(cd, 'cd "$WORKDIR"')
    doc = run(tree(tmp_path / "other", files), capsys)
    # (the URL names x86_64 twice, the folder's and the file's: one finding)
    assert reminder(doc) == ["scripts/release.Dockerfile"] and len(messages(doc, "DF006")) == 1


# tilt's integration tests: each folder's Tiltfile builds its images and deploys its manifests
TILT = {
    "integration/imagetags/Tiltfile": """
        repo = 'gcr.io/windmill-test-containers'
        docker_build(repo + '/imagetags-app', 'app')
        k8s_yaml(['app.yaml'])
        yaml = kustomize('overlay')
        k8s_yaml(yaml)
    """,
    "integration/imagetags/app/Dockerfile": "FROM busybox:1.36\n",
    "integration/imagetags/app.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: imagetags}
        spec:
          selector: {matchLabels: {app: imagetags}}
          template:
            metadata: {labels: {app: imagetags}}
            spec:
              containers:
                - name: app
                  image: gcr.io/windmill-test-containers/imagetags-app
                - name: sidecar
                  image: busybox
    """,
    "integration/imagetags/overlay/pod.yaml": """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              image: gcr.io/windmill-test-containers/imagetags-app
    """,
    "integration/live_update_only/Tiltfile": """
        custom_build(ref='nginx', command=':', deps=['./web'], skips_local_docker=True)
        k8s_yaml('nginx.yaml')
    """,
    "integration/live_update_only/nginx.yaml": """
        apiVersion: v1
        kind: Pod
        metadata: {name: nginx}
        spec:
          containers:
            - name: nginx
              image: nginx
    """,
    # a manifest no Tiltfile deploys: the node pulls what it names
    "deploy/app.yaml": """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              image: gcr.io/windmill-test-containers/imagetags-app
    """,
}


def test_an_image_a_tiltfile_builds_is_what_it_deploys_in_its_manifests(tmp_path, capsys):
    doc = run(tree(tmp_path / "tilt", TILT), capsys)
    assert [m.split(" Image ")[0] + " " + m.split(" Image ")[1].split(" ")[0] for m in messages(doc, "K8S002")] == [
        "deploy/app.yaml:7 gcr.io/windmill-test-containers/imagetags-app",
        "integration/imagetags/app.yaml:13 busybox",  # not built here: the node pulls it
        "integration/live_update_only/nginx.yaml:7 nginx",  # live update only: deployed as written
    ]
    # the Tilt build is the dev cluster's, a local one: the reminder does not count its Dockerfile
    assert reminder(doc) == []
    assert [f["rule"] for f in doc["notices"] if f["path"].endswith("Tiltfile")] == []


#: a script building from the top's Dockerfile (its folder's Dockerfile.tool, or docker/Dockerfile)
_CD_LAYOUTS = {
    "tools": ("tools/build.sh", "-f Dockerfile.tool", {"tools/Dockerfile.tool": "FROM alpine:3.20\n"}),
    "hack": ("hack/build.sh", "-f docker/Dockerfile", {"docker/Dockerfile": "FROM alpine:3.20\n"}),
}


@pytest.mark.parametrize("layout, name, script", [
    # in a subshell, a function or a pushd the cd does not last; a sourced file's $0 is its caller
    ("tools", "subshell", '#!/bin/sh\n(cd "$(dirname "$0")/.." && make generate)\n'),
    ("tools", "function", '#!/bin/sh\nregen() {\n  cd "$(git rev-parse --show-toplevel)"; make generate\n}\nregen\n'),
    ("tools", "pushd", '#!/bin/sh\nDIR=$(dirname "$0")\npushd "$DIR/.."\nmake generate\npopd\n'),
    ("tools", "sourced", 'cd "$(dirname "$0")/.."\n'),
    # the script's folder in a subshell, a pushd ... popd, a $(cd ... && pwd): later builds run
    # where the script was started
    ("hack", "pushd", '#!/bin/sh\nSCRIPT_DIR=$(dirname "$0")\npushd "$SCRIPT_DIR"; ./gen.sh; popd\n'),
    ("hack", "subshell", '#!/bin/sh\nDIR=$(dirname "$0")\n(cd "$DIR" && ./gen.sh)\n'),
    ("hack", "pwd", '#!/bin/sh\nDIR="$(cd "$(dirname "$0")" && pwd)"\n'),
    # without a #! line the file may be sourced: $0 is its caller's
    ("hack", "sourced", 'cd "$(dirname "$0")"\n'),
])
def test_a_cd_that_may_not_last_or_may_not_be_the_script_s_moves_no_later_build(tmp_path, capsys, layout, name,
                                                                                script):
    path, dockerfile, others = _CD_LAYOUTS[layout]
    files = dict(others, **{path: script + "docker buildx build --platform linux/amd64 -t example.com/app:1.0 "
                                          f"{dockerfile} --push .\n"})
    doc = run(tree(tmp_path / f"{layout}-{name}", files), capsys)
    assert codes(doc, "XF") == []


def test_a_tiltfile_s_tagged_ref_positional_arguments_and_chart(tmp_path, capsys):
    # a ref with a tag is that tag only (Tilt matches it exactly); the third positional argument
    # is build_args (entrypoint for docker_build_with_restart), not the Dockerfile; helm() deploys
    # the chart's templates, not every file under it
    files = {
        "Tiltfile": """
            docker_build('example.com/app:dev', 'app')
            docker_build_with_restart('example.com/web', 'app', '/go/bin/app', live_update=[])
            k8s_yaml('app.yaml')
            k8s_yaml(helm('chart'))
        """,
        "app/Dockerfile": "FROM alpine:3.20\n",
        "app.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - {name: a, image: "example.com/app:dev"}
                - {name: b, image: example.com/app}
                - {name: c, image: example.com/web}
        """,
        "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        "chart/deploy/standalone.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: s}
            spec:
              containers:
                - {name: s, image: example.com/web}
        """,
    }
    doc = run(tree(tmp_path / "tilt2", files), capsys)
    assert [m.split(" ")[0] for m in messages(doc, "K8S002")] == ["app.yaml:7", "chart/deploy/standalone.yaml:6"]
    assert reminder(doc) == []  # both builds are of app/Dockerfile


def test_a_tiltfile_s_chart_values_and_its_own_folder_are_what_it_deploys(tmp_path, capsys):
    # the image a chart's values set is the one Tilt builds; kustomize('.') deploys the
    # Tiltfile's own folder
    files = {
        "Tiltfile": "docker_build('ghcr.io/acme/app', '.')\nk8s_yaml(kustomize('.'))\nk8s_yaml(helm('chart'))\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "kustomization.yaml": "resources:\n  - k8s/dep.yaml\n",
        "k8s/dep.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - {name: a, image: ghcr.io/acme/app}
                - {name: b, image: ghcr.io/acme/other}
        """,
        "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        "chart/templates/.keep": "",
        "chart/values.yaml": "image:\n  repository: ghcr.io/acme/app\n  tag: latest\n"
                             "sidecar:\n  image:\n    repository: ghcr.io/acme/other\n    tag: latest\n",
    }
    doc = run(tree(tmp_path / "tilt3", files), capsys)
    assert [m.split(" ")[0] for m in messages(doc, "K8S002")] == ["k8s/dep.yaml:7"]
    assert messages(doc, "K8S001") == ["chart/values.yaml:7 Helm values set image ghcr.io/acme/other to the "
                                       "mutable tag latest."]


def test_a_tiltfile_s_helm_template_command_deploys_its_chart_and_values(tmp_path, capsys):
    # chroma's Tiltfile: k8s_yaml(local('helm template --set-file ... --values ' + VALUES + ' k8s/chart')),
    # its values naming the images docker_build() makes (rust-frontend-service:latest): Tilt's own
    files = {
        "Tiltfile": "VALUES = 'k8s/chart/values.yaml,k8s/chart/values2.yaml'\n"
                    "docker_build('rust-frontend-service', '.')\ndocker_build('sysdb-migration', '.')\n"
                    "k8s_yaml(local('helm template --set-file a.configuration=' + cfg + ' --values ' + VALUES + ' k8s/chart'))\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "k8s/chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        "k8s/chart/templates/.keep": "",
        "k8s/chart/values.yaml": "fe:\n  image:\n    repository: 'rust-frontend-service'\n    tag: 'latest'\n"
                                 "fs:\n  image:\n    repository: 'foundation-service'\n    tag: 'latest'\n",
        "k8s/chart/values2.yaml": "mig:\n  image:\n    repository: 'sysdb-migration'\n    tag: 'latest'\n",
    }
    doc = run(tree(tmp_path / "tilt4", files), capsys)
    assert messages(doc, "K8S001") == ["k8s/chart/values.yaml:8 Helm values set image foundation-service to the "
                                       "mutable tag latest."]


# pyroscope's .NET example: every stage pinned to linux/amd64 (the profiler ships for x86-64 only)
# and every build of it for linux/amd64: no multi-platform build gives other targets amd64
DOTNET = {
    "Makefile": """
        PLATFORM ?= linux/amd64
        push:
        \tdocker buildx build --push --platform $(PLATFORM) -t example.com/rideshare-dotnet:1.0 examples/dotnet
    """,
    "examples/dotnet/Dockerfile": """
        FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/sdk:8.0 AS build
        RUN dotnet publish -o /out --runtime linux-x64
        FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/aspnet:8.0
        COPY --from=build /out /app
    """,
    "examples/dotnet/docker-compose.yml": """
        services:
          app:
            build: .
    """,
}


def test_df003_a_pin_every_build_of_the_dockerfile_targets_is_not_reported(tmp_path, capsys):
    doc = run(tree(tmp_path / "dotnet", DOTNET), capsys)
    assert messages(doc, "DF003") == []
    # nor beside a multi-platform build whose Dockerfile's known parts name another folder
    # (pyroscope's define: -f cmd/$(shell basename $(@D))/$(2)Dockerfile)
    other = {"Makefile": DOTNET["Makefile"] + "define img\n\tdocker buildx build --platform linux/amd64,linux/arm64 "
                                              "-t example.com/$(1):1 -f cmd/$(shell basename $(@D))/Dockerfile --push .\n"
                                              "endef\nimage/app:\n\t$(call img,app)\n"}
    doc = run(tree(tmp_path / "define", dict(DOTNET, **other)), capsys)
    assert messages(doc, "DF003") == []


@pytest.mark.parametrize("name, change", [
    # a multi-platform build gives the arm64 image the amd64 stages
    ("multi", {"Makefile": DOTNET["Makefile"].replace("?= linux/amd64", "?= linux/amd64,linux/arm64")}),
    # a compose build on whichever machine runs it, with a builder stage that does not pin
    ("machine", {"examples/dotnet/Dockerfile": DOTNET["examples/dotnet/Dockerfile"].replace(
        "FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/aspnet", "FROM mcr.microsoft.com/dotnet/aspnet")}),
    # no build of it is found
    ("none", {"Makefile": "push:\n\techo nothing\n", "examples/dotnet/docker-compose.yml": "services: {}\n"}),
    # a multi-platform build of a Dockerfile known by no part may be this one
    ("variable", {"release.sh": 'docker buildx build --platform linux/amd64,linux/arm64 -t example.com/x:1 '
                                '-f "$DOCKERFILE" --push .\n'}),
])
def test_df003_stays_where_a_build_is_not_for_the_pinned_platform(tmp_path, capsys, name, change):
    doc = run(tree(tmp_path / name, dict(DOTNET, **change)), capsys)
    assert "examples/dotnet/Dockerfile:1 Stage 0 (build) is pinned to linux/amd64, so a multi-platform build gives " \
           "every target this one architecture." in messages(doc, "DF003")


def test_a_cd_to_the_script_s_folder_moves_the_build_right_after_it(tmp_path, capsys):
    # (the same subshell: the build runs in hack/, where no docker/Dockerfile is)
    files = {"hack/build.sh": '#!/bin/sh\n(cd "$(dirname "$0")" && docker buildx build --platform linux/amd64 '
                              '-t example.com/app:1.0 -f docker/Dockerfile --push .)\n',
             "docker/Dockerfile": "FROM alpine:3.20\n"}
    doc = run(tree(tmp_path / "same", files), capsys)
    assert codes(doc, "XF") == [("hack/build.sh", 2, "XF005")]


def test_a_manifest_a_tiltfile_deploys_is_not_where_another_build_s_image_runs(tmp_path, capsys):
    # argo-cd: ui/scripts/build_docker.sh pushes argocd-ui; manifests/dev-tilt runs Tilt's own
    # build of argocd-ui (Dockerfile.ui.tilt), not the script's
    files = {
        "Tiltfile": "docker_build('example.com/acme/ui', '.', dockerfile='Dockerfile.ui.tilt')\n"
                    "k8s_yaml(kustomize('manifests/dev-tilt'))\n",
        "Dockerfile.ui.tilt": "FROM node:22\n",
        "Dockerfile": "FROM nginx:1.27\n",
        "build.sh": "#!/bin/sh\ndocker build -t example.com/acme/ui:1.0 .\ndocker push example.com/acme/ui:1.0\n",
        "manifests/dev-tilt/kustomization.yaml": "resources:\n- ui.yaml\n",
        "manifests/dev-tilt/ui.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: ui}
            spec:
              containers:
                - {name: ui, image: example.com/acme/ui:1.0}
        """,
    }
    doc = run(tree(tmp_path / "ui", files), capsys)
    assert messages(doc, "BC001") == ["build.sh:2 docker build has no --platform, so the image is built for the CPU "
                                      "of the machine that runs it."]


def test_a_tiltfile_s_kustomize_deploys_what_its_kustomization_includes_not_its_whole_folder(tmp_path, capsys):
    # kustomize('.') at the top deploys dev/app.yaml; deploy/prod/app.yaml runs the release's image
    files = {
        "Tiltfile": "docker_build('example.com/acme/app', '.')\nk8s_yaml(kustomize('.'))\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "kustomization.yaml": "resources:\n- dev/app.yaml\n",
        "dev/app.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n"
                        "    - {name: a, image: example.com/acme/app}\n",
        "deploy/prod/app.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n"
                                "    - {name: a, image: example.com/acme/app:1.0}\n",
        "release.sh": "#!/bin/sh\ndocker build -t example.com/acme/app:1.0 .\ndocker push example.com/acme/app:1.0\n",
    }
    doc = run(tree(tmp_path / "k", files), capsys)
    assert messages(doc, "K8S002") == []
    assert [m.split(". ", 1)[1] for m in messages(doc, "BC001")] == ["Its image is deployed by deploy/prod/app.yaml:6."]


def test_a_compose_build_written_with_windows_paths_finds_its_dockerfile_in_any_case(tmp_path, capsys):
    # rapidsai/devcontainers: windows/docker-compose.yml, for Windows hosts (`isolation:`), reads
    # `..\windows.dockerfile` from `.\image`: the file is windows.Dockerfile, found on Windows
    files = {"windows/docker-compose.yml": "services:\n  win:\n    image: \"$IMAGE_NAME\"\n    build:\n"
                                           "      context: .\\image\n      dockerfile: ..\\windows.dockerfile\n",
             "windows/windows.Dockerfile": "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
             "windows/image/setup.ps1": "Write-Host hi\n"}
    doc = run(tree(tmp_path / "found", files), capsys)
    assert codes(doc, "XF") == []
    (build,) = graph_doc(tmp_path / "found", capsys)["builds"]
    assert build["dockerfile"] == "windows/windows.Dockerfile"  # (the file as named on disk)
    # a Windows path to a Dockerfile that is not there in any case: missing, named with slashes
    # (mehdihadeli's docker-compose.services.dev-win.yaml after dev.Dockerfile became Dockerfile.dev)
    files = {"deploy/compose/docker-compose.dev-win.yaml": "services:\n  gw:\n    build:\n"
                                                            "      context: ..\\..\\\n"
                                                            "      dockerfile: src\\Gateway\\dev.Dockerfile\n",
             "src/Gateway/Dockerfile.dev": "FROM alpine:3.20\n"}
    doc = run(tree(tmp_path / "renamed", files), capsys)
    assert [f["message"] for f in doc["findings"] if f["rule"] == "XF005"] == [
        "This build reads the Dockerfile ../../src/Gateway/dev.Dockerfile, which does not exist (looked for "
        "src/Gateway/dev.Dockerfile)."]
    # with slashes, a name is found as written only (Linux)
    files = {"docker-compose.yml": "services:\n  app:\n    build:\n      context: image\n"
                                   "      dockerfile: ../app.dockerfile\n",
             "app.Dockerfile": "FROM alpine:3.20\n", "image/x.txt": "x\n"}
    doc = run(tree(tmp_path / "posix", files), capsys)
    assert codes(doc, "XF") == [("docker-compose.yml", 2, "XF005")]


def test_a_missing_dockerfile_named_dockerfile_is_the_lowercase_one_beside_it(tmp_path, capsys):
    # logingrupa/whisperX-FastAPI: compose's `dockerfile: Dockerfile` beside only `dockerfile`,
    # which buildx reads in its place (moby#10858); another name is not looked for in lowercase
    files = {"docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n      dockerfile: Dockerfile\n"
                                   "  worker:\n    build:\n      context: .\n      dockerfile: Dockerfile.worker\n",
             "build.sh": "#!/bin/sh\ndocker build -f ./Dockerfile -t api .\npodman build -f Dockerfile -t api .\n",
             "dockerfile": "FROM python:3.12-slim\n", "dockerfile.worker": "FROM python:3.12-slim\n"}
    doc = run(tree(tmp_path / "lower", files), capsys)
    assert codes(doc, "XF") == [("build.sh", 3, "XF005"), ("docker-compose.yml", 6, "XF005")]
    (api, *_rest) = [b for b in graph_doc(tmp_path / "lower", capsys)["builds"] if b["line"] == 2]
    assert api["dockerfile"] == "dockerfile"


def test_a_popd_returns_a_build_to_the_folder_before_its_pushd(tmp_path, capsys):
    # aws-observability/application-signals-demo's push-ecr.sh: `pushd ./otel-collector`, its
    # binary built there, `popd`, then `docker build -f ./otel-collector/Dockerfile ./otel-collector`,
    # a Dockerfile whose one stage is pinned to linux/amd64: no BC001
    script = ("#!/bin/sh\npushd ./otel\n./ocb.sh\npopd\n"
              "docker build -t otel -f ./otel/Dockerfile ./otel\ndocker push example.com/acme/otel:1.0\n"
              "docker tag otel example.com/acme/otel:1.0\n")
    files = {"push.sh": script, "otel/Dockerfile": "FROM --platform=linux/amd64 python:3.12\n",
             "otel/ocb.sh": "#!/bin/sh\necho build\n"}
    doc = run(tree(tmp_path / "popd", files), capsys)
    assert [f for f in doc["findings"] if f["rule"] in ("BC001", "XF005")] == []
    (build,) = graph_doc(tmp_path / "popd", capsys)["builds"]
    assert build["dockerfile"] == "otel/Dockerfile"
    # without the popd the build runs where the pushd went, not known to last: no Dockerfile linked
    (build,) = graph_doc(tree(tmp_path / "nopopd", dict(files, **{"push.sh": script.replace("popd\n", "")})),
                         capsys)["builds"]
    assert build["dockerfile"] is None
    # on one line: `pushd web && make && popd && docker build .` builds the top's Dockerfile
    files = {"build.sh": "#!/bin/sh\npushd web && make && popd && docker build -t example.com/acme/app:1.0 .\n",
             "Dockerfile": "FROM --platform=linux/amd64 alpine:3.20\n", "web/Makefile": "all:\n\ttrue\n"}
    (build,) = graph_doc(tree(tmp_path / "line", files), capsys)["builds"]
    assert build["dockerfile"] == "Dockerfile"
    # nested pairs, and a cd inside a pair, are undone by as many popds
    for line in ("pushd web && pushd src && popd && popd && docker build -t example.com/acme/app:1.0 .",
                 "pushd web && cd src && popd && docker build -t example.com/acme/app:1.0 ."):
        files["build.sh"] = "#!/bin/sh\n" + line + "\n"
        (build,) = graph_doc(tree(tmp_path / f"nested{len(line)}", files), capsys)["builds"]
        assert build["dockerfile"] == "Dockerfile", line
