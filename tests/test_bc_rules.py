"""BC001-BC008 on inline shell scripts, Makefiles, Markdown runbooks, Dockerfile RUNs and workflow
run: steps, bad and good: each finding's position and message; spans, hints and fixes."""
from __future__ import annotations

import textwrap

import pytest

from archlint.registry import get_rule

from helpers import ONE, SHARED, TWO, apply_fix, check, dedent, findings, ids, lint, lint_inline


BC001_SCRIPT = """
    #!/bin/sh
    set -eu
    docker build -t registry.example.com/app:1.4.2 .
    sudo podman build -t registry.example.com/app:1.4.2 .
    DOCKER_DEFAULT_PLATFORM=linux/amd64
    docker buildx build --push -t registry.example.com/web:1.4.2 .
    if [ -n "${CI:-}" ]; then buildah bud -t registry.example.com/app:1.4.2 .; fi
"""


@pytest.mark.parametrize("table, expected", [
    ({}, [
        "3:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "4:13 BC001 podman build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "6:15 BC001 docker buildx build has no --platform, so the image is built for the CPU of the machine that runs"
        " it. DOCKER_DEFAULT_PLATFORM is set on line 5 but not exported, so the build does not see it.",
        "7:35 BC001 buildah bud has no --platform, so the image is built for the CPU of the machine that runs it."
        " buildah ignores DOCKER_DEFAULT_PLATFORM.",
    ]),
    ({"platforms": ONE}, [
        "3:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "4:13 BC001 podman build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "6:15 BC001 docker buildx build has no --platform, so the image is built for the CPU of the machine that runs"
        " it. DOCKER_DEFAULT_PLATFORM is set on line 5 but not exported, so the build does not see it.",
        "7:35 BC001 buildah bud has no --platform, so the image is built for the CPU of the machine that runs it."
        " buildah ignores DOCKER_DEFAULT_PLATFORM.",
    ]),
])
def test_bc001_flags_builds_without_platform_in_shell(table, expected):
    assert check(BC001_SCRIPT, "BC001", kind="shell", **table) == expected


def test_bc001_passes_builds_with_a_platform_in_shell():
    assert check("""
        #!/bin/sh
        # docker build -t registry.example.com/app:1.4.2 .
        docker build --platform linux/amd64 -t registry.example.com/app:1.4.2 .
        DOCKER_DEFAULT_PLATFORM=linux/amd64 docker build -t registry.example.com/app:1.4.2 .
        podman build --arch arm64 -t registry.example.com/app:1.4.2 .
        docker buildx build --platform "$PLATFORMS" --push -t registry.example.com/app:1.4.2 .
        docker buildx bake --push
        echo "docker build -t registry.example.com/app:1.4.2 ."
        pgrep -f "podman build" || true
        cat <<EOF
        docker build -t registry.example.com/app:1.4.2 .
        EOF
        export DOCKER_DEFAULT_PLATFORM=linux/arm64
        docker build -t registry.example.com/app:1.4.2 .
    """, "BC001", kind="shell") == []


def test_bc001_flags_builds_without_platform_in_makefile():
    assert check("""
        IMG ?= registry.example.com/app:1.4.2
        DOCKER ?= docker

        .PHONY: build
        build: ## Build the image
        \t$(DOCKER) build -t $(IMG) .
        \t@podman build \\
        \t\t-t $(IMG) .
    """, "BC001", kind="makefile") == [
        "6:12 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "7:10 BC001 podman build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_bc001_once_for_a_recipe_line_of_several_targets():
    # kubeedge/sedna's gmimage lcimage kbimage: one line builds three images ($@ each in turn);
    # the same finding at the same place is said once, with its fix
    text = """
        IMAGE_REPO ?= registry.example.com/kubeedge
        gmimage lcimage kbimage:
        \tdocker build -t $(IMAGE_REPO)/sedna-${@:image=}:v1 -f build/${@:image=}/Dockerfile .
    """
    assert check(text, "BC001", kind="makefile") == [
        "3:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]
    got = findings(lint_inline(text, kind="makefile", platforms=["linux/amd64", "linux/arm64"]), "BC001")
    assert [f.fix is not None for f in got] == [True]


def test_bc001_reads_recipe_prefixes_that_come_from_a_variable():
    # spire's ``E:=@`` ... ``$(E)docker build``: make reads @ - + after expanding the line; an
    # unknown glued to the command word can only be such prefixes (``Q = $(if $(V),,@)``)
    assert check("""
        E:=@
        Q = $(if $(V),,@)
        dev-image:
        \t$(E)docker build -t registry.example.com/spire-dev:1.4.2 -f Dockerfile.dev .
        quiet:
        \t$(Q)podman build -t registry.example.com/app:1.4.2 .
        wrapped:
        \t$(WRAP) docker build -t registry.example.com/app:1.4.2 .
        \t$(GOBIN)/docker build -t registry.example.com/app:1.4.2 .
    """, "BC001", kind="makefile") == [
        "4:13 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "6:13 BC001 podman build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "8:17 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "9:18 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_bc001_an_empty_architecture_knob_is_the_callers():
    # kserve: "to use do: ENGINE=podman ARCH="--arch x86_64" make docker-build-something" above
    # ARCH ?= : an empty default named for the architecture is the caller's to fill, unknown;
    # set (ARCH = ...) or named otherwise (DEBUG ?=), it is what it says; a build for $(PLATFORM)
    # (one platform, the caller's) makes no native variant of the same name
    assert check("""
        ENGINE ?= docker
        ARCH ?=
        PLATFORM ?=
        DEBUG ?=
        PLATFORM_SET = linux/amd64
        docker-build:
        \t${ENGINE} buildx build ${ARCH} -t registry.example.com/app:1.4.2 .
        \tdocker buildx build --platform $(PLATFORM) -t registry.example.com/app:1.4.2 .
        \tdocker build $(DEBUG) -t registry.example.com/app:1.4.2 .
    """, "BC001", kind="makefile") == [
        "9:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_bc001_passes_builds_with_a_platform_in_makefile():
    assert check("""
        IMG ?= registry.example.com/app:1.4.2
        PLATFORM ?= linux/amd64

        build:
        \tdocker build --platform $(PLATFORM) -t $(IMG) .
        \t@podman build --platform=$(PLATFORM) \\
        \t\t-t $(IMG) .
        \t@echo "docker build done"

        release: export DOCKER_DEFAULT_PLATFORM = linux/amd64
        release:
        \tdocker build -t $(IMG) .
    """, "BC001", kind="makefile") == []


def test_bc001_flags_builds_without_platform_in_markdown():
    assert check("""
        # Building

        Build the image:

        ```bash
        docker build -t registry.acme.io/app:1.4.2 .
        ```

        From a laptop:

        ```console
        $ podman build -t registry.acme.io/app:1.4.2 .
        STEP 1/5: FROM docker.io/library/python:3.12-slim
        $ podman push registry.acme.io/app:1.4.2
        ```
    """, "BC001", kind="markdown") == [
        "6:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "12:10 BC001 podman build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_bc001_a_document_that_never_pushes_what_it_builds_leaves_it_to_the_reader():
    # docker/cli's and buildx's reference pages, external-dns tutorials, buildkit's issue guide
    assert check("""
        ```console
        $ docker buildx build -t docker/apache:2.0 .
        $ docker build --squash -t test .
        $ docker buildx build --load -t moby/buildkit:dev .
        $ docker buildx build --load --metadata-file metadata.json .
        $ docker buildx build --platform=linux/amd64,linux/arm64,linux/arm/v7 .
        ```
    """, "BC", kind="markdown") == []


def test_bc001_a_document_pushing_only_the_readers_names_leaves_the_build_to_the_reader():
    # argo-cd's ci_automation.md (mycompany/guestbook), external-dns' myra.md (<YOUR_REGISTRY>),
    # kserve's model-archiver README ({username}): the reader's registry, for the reader's cluster
    doc = """
        ```bash
        docker build -t {built} .
        docker tag {built} {pushed}
        docker push {pushed}
        ```
    """
    for built, pushed in (("mycompany/guestbook:v2.0", "mycompany/guestbook:v2.0"),
                          ("myra-webhook:latest", "<YOUR_REGISTRY>/myra-webhook:latest"),
                          ("margen:latest", "{username}/margen:latest"),
                          ("gateway-x:latest", "$YOUR_DOCKER_REPO/gateway-x:latest"),
                          ("gateway-x:latest", "$(YOUR_REGISTRY)/gateway-x:latest"),
                          # woodpecker's plugin tutorial, a metasyntactic namespace; inspektor-gadget's
                          # demo README, a registry host named for the reader
                          ("foo/webhook", "foo/webhook"),
                          ("x:1", "your-registry.example.com/workload/gpu-starvation-demo:latest"),
                          ("x:1", "your_registry.io/team/app:1"),
                          # shell-operator's example README: a host of the reader's company
                          ("x:1", "registry.mycompany.com/secret-copier:latest"),
                          # scheduler-plugins' load-watcher README: an instruction in the placeholder
                          ("load-watcher:local", "<replace_with_image_registry>/loadwatcher:latest"),
                          ("load-watcher:local", "<new image tag>"),
                          # wasmedge_k3s' guides: hosts under a domain reserved for examples (RFC 2606),
                          # a domain named for the reader's registry, a one-part name nobody can push
                          ("x:1", "registry.example.com/api:1"), ("x:1", "harbor.example.org/myproject/api:1"),
                          ("x:1", "myregistry.io/myapp:1.0.0"), ("x:1", "myregistry.com/myapp:latest"),
                          ("myapp:1.0.0", "myapp:1.0.0")):
        assert check(doc.replace("{built}", built).replace("{pushed}", pushed), "BC001", kind="markdown") == [], pushed
    # a runbook pushing the team's own registry, or the reader's and the team's: reported
    for pushed in ("quay.io/kubernaut/notification:v1.0.1", "ghcr.io/acme/app:1", "<registry>/acme-operator:v1.2.0",
                   "{REGISTRY}/api:1", "myregistry.azurecr.io/api:1", "${REGISTRY}/api:1", "$DOCKERHUB_USERNAME/api:1",
                   "foobar/api:1", "quay.io/example/api:1", "registry.examples.com/api:1", "registry.mycompanyx.io/api:1",
                   "mycompany.azurecr.io/api:1", "10.43.170.72:5000/cortex-api:latest"):
        got = check(doc.replace("{built}", "app:1").replace("{pushed}", pushed), "BC001", kind="markdown")
        assert [ln.split(" ")[1] for ln in got] == ["BC001"], pushed
    both = doc.replace("{built}", "app:1").replace("{pushed}", "myorg/app:1") + \
        "        ```bash\n        docker push quay.io/acme/app:1\n        ```\n"
    assert [ln.split(" ")[1] for ln in check(both, "BC001", kind="markdown")] == ["BC001"]


def test_bc001_passes_builds_with_a_platform_in_markdown():
    assert check("""
        # Building

        Run `docker build .` after setting the platform:

        ```bash
        docker build --platform linux/amd64 -t registry.example.com/app:1.4.2 .
        ```

        ```console
        $ docker buildx build --platform linux/amd64 --push -t registry.example.com/app:1.4.2 .
        #0 building with "default" instance using docker driver
        docker build output that is not a command
        ```

        ```python
        subprocess.run(["docker", "build", "."])
        os.system("docker build .")
        ```
    """, "BC001", kind="markdown") == []


def test_bc001_flags_builds_without_platform_in_a_dockerfile_run():
    assert check("""
        FROM docker:27-cli
        RUN docker build -t registry.example.com/app:1.4.2 /src
    """, "BC001", kind="dockerfile") == [
        "2:12 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


BC002_SCRIPT = """
    #!/bin/bash
    docker buildx build --platform linux/amd64,linux/s390x --push -t registry.example.com/app:1.4.2 .
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": TWO}, [
        "2:21 BC002 docker buildx build leaves out the configured platform linux/arm64, so the image will not run"
        " there.",
    ]),
    ({}, []),  # nothing to compare with
])
def test_bc002_flags_builds_missing_configured_platforms_in_shell(table, expected):
    # linux/s390x is an extra platform: not a mismatch, only the missing linux/arm64 is
    assert check(BC002_SCRIPT, "BC002", kind="shell", **table) == expected


def test_bc002_passes_builds_for_more_platforms_than_configured():
    assert check("""
        #!/bin/bash
        docker buildx build --platform linux/amd64,linux/arm64,linux/s390x --push -t registry.example.com/app:1.4.2 .
        docker buildx build --platform linux/arm/v7 --push -t registry.example.com/app:1.4.2-armv7 .
        DOCKER_DEFAULT_PLATFORM=linux/ppc64le docker build -t registry.example.com/app:1.4.2-ppc64le .
    """, "BC002", kind="shell", platforms=TWO) == []


def test_bc002_passes_builds_covering_the_platforms_in_shell():
    assert check("""
        #!/bin/bash
        docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
        # one build per architecture, then a manifest: together they cover the targets
        docker build --platform linux/amd64 -t registry.example.com/app:1.4.2-amd64 .
        docker build --platform linux/arm64/v8 -t registry.example.com/app:1.4.2-arm64 .
        docker buildx build --platform "$PLATFORMS" --push -t registry.example.com/app:1.4.2 .
        docker buildx build --platform linux/${ARCH} --push -t registry.example.com/app:1.4.2 .
    """, "BC002", kind="shell", platforms=TWO) == []


BC002_MAKEFILE = """
    PLATFORMS := linux/amd64

    image:
    \tdocker buildx build --platform $(PLATFORMS) --push -t registry.example.com/app:1.4.2 .
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": TWO}, [
        "4:22 BC002 docker buildx build leaves out the configured platform linux/arm64, so the image will not run"
        " there.",
    ]),
    ({"platforms": ONE}, []),
])
def test_bc002_flags_builds_missing_configured_platforms_in_makefile(table, expected):
    assert check(BC002_MAKEFILE, "BC002", kind="makefile", **table) == expected


def test_bc002_passes_builds_covering_the_platforms_in_makefile():
    assert check("""
        PLATFORMS ?= linux/amd64,linux/arm64

        image:
        \tdocker buildx build --platform $(PLATFORMS) --push -t registry.example.com/app:1.4.2 .
    """, "BC002", kind="makefile", platforms=TWO) == []


def test_bc002_trusts_an_overridable_default_naming_one_platform():
    # argo-cd / loki shape: the caller picks the architecture (make image TARGET_ARCH=linux/arm64)
    assert check("""
        TARGET_ARCH?=linux/amd64
        LOCAL_ARCH ?= linux/amd64
        ARCH ?= amd64
        BUILD_PLATFORM = --platform=$(TARGET_ARCH)

        image:
        \tdocker build --platform=$(TARGET_ARCH) -t quay.io/argoproj/argocd:v3 .
        \tdocker buildx build --load --platform=$(LOCAL_ARCH) -t grafana/loki:3 .
        \tdocker buildx build --load --platform linux/$(ARCH) -t grafana/canary:3 .
        \tdocker build $(BUILD_PLATFORM) -t quay.io/argoproj/argocd:v3 .
    """, "BC002", kind="makefile", platforms=TWO) == []
    assert check("""
        #!/bin/sh
        docker buildx build --load --platform "${PLATFORM:-linux/amd64}" -t registry.example.com/app:1.4.2 .
    """, "BC002", kind="shell", platforms=TWO) == []


def test_bc002_judges_the_default_of_a_build_that_pushes():
    # what a bare `make release` publishes: amd64 only, although arm64 nodes pull it too
    assert check("""
        PLATFORM ?= linux/amd64

        release:
        \tdocker buildx build --push --platform=$(PLATFORM) -t registry.example.com/app:1.4.2 .
    """, "BC002", kind="makefile", platforms=TWO) == [
        "4:29 BC002 docker buildx build leaves out the configured platform linux/arm64, so the image will not run"
        " there.",
    ]


def test_bc002_passes_builds_that_export_files():
    # opentelemetry-demo's react-native-app README: the build writes an APK into the folder
    assert check("""
        docker build -f android.Dockerfile --platform=linux/amd64 --output=. .
        docker buildx build --platform linux/amd64 -o type=local,dest=bin .
        docker buildx build --platform linux/amd64 --output type=tar,dest=rootfs.tar .
        docker buildx build --platform linux/amd64 --output type=oci,dest=app.tar -t registry.example.com/app:1 .
    """, "BC002", kind="shell", platforms=TWO) == [
        "4:21 BC002 docker buildx build leaves out the configured platform linux/arm64, so the image will not run"
        " there.",
    ]


def test_bc002_judges_a_default_list_of_platforms():
    # a list is the set the file builds, not a knob for one run
    assert check("""
        PLATFORMS ?= linux/amd64,linux/s390x

        image:
        \tdocker buildx build --platform $(PLATFORMS) --push -t registry.example.com/app:1.4.2 .
    """, "BC002", kind="makefile", platforms=TWO) == [
        "4:22 BC002 docker buildx build leaves out the configured platform linux/arm64, so the image will not run"
        " there.",
    ]


def test_bc002_flags_builds_missing_configured_platforms_in_markdown():
    assert check("""
        ```sh
        DOCKER_DEFAULT_PLATFORM=linux/386 docker build -t registry.example.com/app:1.4.2 .
        docker push registry.example.com/app:1.4.2
        ```
    """, "BC002", kind="markdown", platforms=TWO) == [
        "2:42 BC002 docker build leaves out the configured platforms linux/amd64, linux/arm64, so the image will not"
        " run there.",
    ]


def test_bc002_passes_builds_covering_the_platforms_in_markdown():
    assert check("""
        ```sh
        docker buildx build --platform=linux/arm64,linux/amd64 --push -t registry.example.com/app:1.4.2 .
        ```
    """, "BC002", kind="markdown", platforms=TWO) == []


def test_bc003_flags_multi_platform_load_in_shell():
    assert check("""
        #!/bin/sh
        docker buildx build --platform linux/amd64,linux/arm64 --load -t app:1.4.2 .
        docker buildx build --platform=linux/amd64,linux/arm64 -o type=docker -t app:1.4.2 .
    """, "BC003", kind="shell") == [
        "2:56 BC003 docker buildx build builds 2 platforms with --load, but Docker's classic image store cannot hold"
        " a multi-platform image.",
        "3:56 BC003 docker buildx build builds 2 platforms with -o type=docker, but Docker's classic image store"
        " cannot hold a multi-platform image.",
    ]


def test_bc003_passes_single_platform_load_or_push_in_shell():
    assert check("""
        #!/bin/sh
        docker buildx build --platform linux/amd64 --load -t app:1.4.2 .
        docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
        docker buildx build --platform linux/amd64,linux/arm64 --output type=oci,dest=app.tar .
        nerdctl build --platform linux/amd64,linux/arm64 -t app:1.4.2 .
    """, "BC003", kind="shell") == []


def test_bc003_flags_multi_platform_load_in_makefile():
    assert check("""
        PLATFORMS = linux/amd64,linux/arm64

        load:
        \tdocker buildx build --platform $(PLATFORMS) --load -t app:1.4.2 .
    """, "BC003", kind="makefile") == [
        "4:46 BC003 docker buildx build builds 2 platforms with --load, but Docker's classic image store cannot hold"
        " a multi-platform image.",
    ]


def test_bc003_leaves_a_file_that_says_its_builds_need_the_containerd_store():
    # opentelemetry-demo: "Docker needs to be configured to use containerd storage for images to
    # be loaded"; tempo: "## Build multiarch image locally, requires containerd image store"
    mk = """
        PLATFORMS = linux/amd64,linux/arm64
        {comment}
        load:
        \tdocker buildx build --platform $(PLATFORMS) --load -t app:1.4.2 .
    """
    for comment in ("# Docker needs to be configured to use containerd storage for images to be loaded.",
                    "# requires containerd image store", '# daemon.json: {"features": {"containerd-snapshotter": true}}'):
        assert check(mk.format(comment=comment), "BC003", kind="makefile") == [], comment
    # containerd named for something else, or the store denied, says nothing of Docker's store
    for comment in ("# runs on containerd nodes", "# builds the image",
                    "# NOTE: this does not work with the containerd image store; use the classic store.",
                    "# kind nodes use the stargz containerd snapshotter for lazy pulling",
                    "# scratch space: /var/lib/containerd-storage/tmp",
                    "# this does not require the containerd image store",
                    "# it doesn't need the containerd image store",
                    "# You don't need to enable the containerd image store"):
        assert len(check(mk.format(comment=comment), "BC003", kind="makefile")) == 1, comment


def test_bc003_passes_single_platform_load_or_push_in_makefile():
    assert check("""
        PLATFORMS = linux/amd64

        load:
        \tdocker buildx build --platform $(PLATFORMS) --load -t app:1.4.2 .
    """, "BC003", kind="makefile") == []


def test_bc003_flags_multi_platform_load_in_markdown():
    assert check("""
        ```console
        $ docker buildx build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1.4.2 --load .
        ```
    """, "BC003", kind="markdown") == [
        "2:92 BC003 docker buildx build builds 2 platforms with --load, but Docker's classic image store cannot hold"
        " a multi-platform image.",
    ]


def test_bc003_passes_single_platform_load_or_push_in_markdown():
    assert check("""
        ```console
        $ docker buildx build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1.4.2 --push .
        ```
    """, "BC003", kind="markdown") == []


def test_bc004_flags_platform_build_args_in_shell():
    assert check("""
        #!/usr/bin/env bash
        TARGETARCH="${TARGETARCH:-amd64}"
        docker buildx build --platform linux/amd64 --build-arg "TARGETARCH=$TARGETARCH" -t registry.example.com/app:1.4.2 --push .
        docker build --platform linux/arm64 --build-arg=TARGETPLATFORM=linux/amd64 --build-arg BUILDPLATFORM -t app:1.4.2 .
    """, "BC004", kind="shell") == [
        "3:44 BC004 --build-arg TARGETARCH=amd64 overrides the TARGETARCH that the builder sets for each target"
        " platform.",
        "4:37 BC004 --build-arg TARGETPLATFORM=linux/amd64 overrides the TARGETPLATFORM that the builder sets for"
        " each target platform.",
    ]  # (BUILDPLATFORM says where a stage runs, not what the image holds: not reported)


def test_bc004_passes_other_build_args_in_shell():
    assert check("""
        #!/usr/bin/env bash
        docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=1.4.2 -t registry.example.com/app:1.4.2 --push .
        echo "--build-arg TARGETARCH=amd64 is not needed"
    """, "BC004", kind="shell") == []


KUBERNAUT_MAKEFILE = """
    # Multi-architecture image build (amd64 + arm64)
    IMG ?= quay.io/kubernaut/notification:v1.0.1
    SERVICE ?= notification

    .PHONY: docker-build
    docker-build: ## Build multi-architecture container image (linux/amd64, linux/arm64)
    \t@echo "Building multi-architecture image: $(IMG)"
    \tpodman build --platform linux/amd64,linux/arm64 \\
    \t\t-t $(IMG) \\
    \t\t-f docker/$(SERVICE)-controller.Dockerfile \\
    \t\t--build-arg TARGETARCH=amd64 \\
    \t\t--build-arg TARGETARCH=arm64 \\
    \t\t.
    \t@echo "Multi-arch image built: $(IMG)"

    .PHONY: docker-push
    docker-push: docker-build ## Push multi-architecture image to registry
    \tpodman manifest push $(IMG) docker://$(IMG)
"""


def test_bc004_flags_platform_build_args_in_makefile():
    assert check(KUBERNAUT_MAKEFILE, "BC004", kind="makefile") == [
        "11:3 BC004 --build-arg TARGETARCH=amd64 overrides the TARGETARCH that the builder sets for each target"
        " platform. TARGETARCH is passed 2 times and only the last (arm64) is used, for every platform.",
        "12:3 BC004 --build-arg TARGETARCH=arm64 overrides the TARGETARCH that the builder sets for each target"
        " platform. TARGETARCH is passed 2 times and only the last (arm64) is used, for every platform.",
    ]


def test_bc004_passes_other_build_args_in_makefile():
    assert check("""
        IMG ?= quay.io/kubernaut/notification:v1.0.1

        docker-build:
        \tpodman build --platform linux/amd64,linux/arm64 \\
        \t\t--manifest $(IMG) \\
        \t\t--build-arg VERSION=1.0.1 \\
        \t\t--build-arg TARGETARCH_SUFFIX=-static \\
        \t\t.
    """, "BC004", kind="makefile") == []


def test_bc004_an_empty_value_on_a_native_build_names_no_cpu():
    # skipper's packaging/Makefile: TARGETPLATFORM emptied so that the Dockerfile's
    # ADD ${BUILD_FOLDER}/${TARGETPLATFORM}/skipper reads the binaries just built in ./; on a
    # multi-platform build an empty value still replaces every platform's
    mk = """
        docker.build:
        \tdocker build -t acme/skipper:1 --build-arg BUILD_FOLDER=. --build-arg TARGETPLATFORM= .
        multi:
        \tdocker buildx build --platform linux/amd64,linux/arm64 --build-arg TARGETPLATFORM= -t acme/s:1 --push .
        native:
        \tdocker build -t acme/skipper:1 --build-arg TARGETPLATFORM=linux/amd64 --build-arg TARGETARCH= .
        # gcp-compute-persistent-disk-csi-driver: a build platform says where a stage runs, not
        # what the image holds
        build-container:
        \tdocker buildx build --platform=linux --build-arg BUILDPLATFORM=linux -t acme/pd:1 --push .
        \tdocker buildx build --platform=linux --build-arg BUILDPLATFORM=linux/arm64 -t acme/pd:1 --push .
    """
    assert [line.split(" BC004")[0] for line in check(mk, "BC004", kind="makefile")] == ["4:57", "6:33", "6:72"]


def test_bc004_a_literal_that_names_no_cpu_on_a_native_build_is_not_a_platform():
    # netbird's test workflow: `docker build --build-arg TARGETPLATFORM=. .` for a Dockerfile that
    # copies `${TARGETPLATFORM}/netbird-mgmt` (goreleaser's dist/linux/amd64 layout, or the binary
    # just built in ./); a real CPU, or the same value on a multi-platform build, is still reported
    sh = """
        #!/usr/bin/env bash
        docker build -t netbird/mgmt:1 --build-arg TARGETPLATFORM=. .
        docker build -t netbird/mgmt:1 --build-arg TARGETARCH=dist/bin .
        docker build -t netbird/mgmt:1 --build-arg TARGETARCH=x86_64 .
        docker build -t netbird/mgmt:1 --build-arg TARGETOS=windows .
        docker buildx build --platform linux/amd64,linux/arm64 --build-arg TARGETPLATFORM=. -t n/m:1 --push .
    """
    # (a CPU's other names are CPUs too: x64, armv7l, i686)
    assert len(check("\n".join(f"docker build -t a/b:1 --build-arg TARGETARCH={v} ." for v in ("x64", "armv7l", "i686")),
                     "BC004", kind="shell")) == 3
    assert check(sh, "BC004", kind="shell") == [
        "4:32 BC004 --build-arg TARGETARCH=x86_64 overrides the TARGETARCH that the builder sets for each target"
        " platform.",
        "5:32 BC004 --build-arg TARGETOS=windows overrides the TARGETOS that the builder sets for each target"
        " platform.",
        "6:56 BC004 --build-arg TARGETPLATFORM=. overrides the TARGETPLATFORM that the builder sets for each"
        " target platform.",
    ]


def test_bc004_reads_podman_and_buildahs_arch_as_the_one_platform():
    # kcp's hack/build-image.sh: buildah bud --arch "$arch" --build-arg TARGETARCH=$arch and
    # TARGETOS=linux; another value than --arch's, or an OS beside --os windows, is reported
    sh = """
        #!/usr/bin/env bash
        for arch in amd64 arm64; do
          buildah build-using-dockerfile --tag "kcp:$arch" --arch "$arch" --override-arch "$arch" \\
            --build-arg "TARGETOS=linux" --build-arg "TARGETARCH=$arch" .
          podman build --arch arm64 --build-arg TARGETARCH=arm64 -t kcp:arm .
          podman build --arch arm64 --build-arg TARGETARCH=amd64 -t kcp:arm .
          podman build --arch amd64 --os windows --build-arg TARGETOS=linux -t kcp:win .
          podman build --arch aarch64 --build-arg TARGETARCH=aarch64 -t kcp:arm .
        done
    """
    # (--arch aarch64 gives TARGETARCH=arm64: aarch64 passed overrides it)
    assert [line.split(" overrides")[0] for line in check(sh, "BC004", kind="shell")] == [
        "6:29 BC004 --build-arg TARGETARCH=amd64", "7:42 BC004 --build-arg TARGETOS=linux",
        "8:31 BC004 --build-arg TARGETARCH=aarch64"]


def test_bc004_says_nothing_where_the_one_platform_and_the_value_are_both_unknown():
    # harbor's make/photon: --platform=$(PLATFORM) and --build-arg TARGETARCH=$(TARGETARCH), both
    # derived from the caller's ARCH; beside a known platform an unknown value is still reported
    mk = """
        PLATFORM = $(if $(filter $(ARCH),aarch64 arm64),linux/arm64,linux/amd64)
        TARGETARCH = $(if $(filter $(ARCH),aarch64 arm64),arm64,amd64)
        b:
        \tdocker build --platform=$(PLATFORM) --build-arg TARGETARCH=$(TARGETARCH) -t acme/x:1 .
        c:
        \tdocker build --platform=linux/amd64 --build-arg TARGETARCH=$(TARGETARCH) -t acme/x:1 .
        d:
        \tdocker build --platform=$(PLATFORM),linux/arm64 --build-arg TARGETARCH=$(TARGETARCH) -t acme/x:1 .
    """
    assert [line.split(" BC004")[0] for line in check(mk, "BC004", kind="makefile")] == ["6:38", "8:50"]


def test_bc004_flags_platform_build_args_in_markdown():
    assert check("""
        Build:

        ```shell
        podman build --platform linux/amd64,linux/arm64 --manifest app:1.4.2 --build-arg TARGETARCH=amd64 .
        ```
    """, "BC004", kind="markdown") == [
        "4:70 BC004 --build-arg TARGETARCH=amd64 overrides the TARGETARCH that the builder sets for each target"
        " platform.",
    ]


def test_bc004_leaves_linux_for_linux_platforms_and_judges_each_flag_on_its_own():
    # kaniko's Makefile: TARGETOS=linux is what the builder sets for any Linux platform, or on a
    # native build; TARGETARCH=$(GOARCH) (go env GOARCH) on a native build may be the machine's,
    # whatever the literal beside it
    assert check("""
        GOARCH ?= $(shell go env GOARCH)
        images:
        \tdocker build --build-arg=TARGETARCH=$(GOARCH) --build-arg=TARGETOS=linux -t gcr.io/acme/executor:latest .
        \tdocker buildx build --platform linux/amd64,linux/arm64 --build-arg TARGETOS=linux -t gcr.io/acme/w:1 --push .
    """, "BC004", kind="makefile") == []
    assert [x.split(" overrides")[0] for x in check("""
        images:
        \tdocker buildx build --platform linux/amd64,windows/amd64 --build-arg TARGETOS=linux -t gcr.io/acme/w:1 --push .
        \tdocker build --build-arg=TARGETARCH=$(GOARCH) --build-arg=TARGETOS=darwin -t gcr.io/acme/executor:latest .
    """, "BC004", kind="makefile")] == ["2:59 BC004 --build-arg TARGETOS=linux", "3:48 BC004 --build-arg TARGETOS=darwin"]


def test_bc004_passes_other_build_args_in_markdown():
    assert check("""
        Build:

        ```shell
        podman build --platform linux/amd64 --manifest app:1.4.2 .
        ```
    """, "BC004", kind="markdown") == []


def test_bc004_in_a_workflow_job_takes_the_known_runners_platform():
    # litmus' build.yml: a scan-only build on ubuntu-latest given the runner's own TARGETARCH
    wf = """
        on: push
        jobs:
          scan:
            runs-on: ubuntu-latest
            steps:
              - run: docker build . -f Dockerfile -t litmus/server:ci --build-arg TARGETARCH=amd64
          arm:
            runs-on: ubuntu-24.04-arm
            steps:
              - run: docker build . -f Dockerfile -t litmus/server:ci --build-arg TARGETARCH=amd64
          own:
            runs-on: [self-hosted, linux]
            steps:
              - run: docker build . -f Dockerfile -t litmus/server:ci --build-arg TARGETARCH=amd64
          bake:
            runs-on: ubuntu-latest
            steps:
              - run: docker buildx bake --push --set '*.args.TARGETARCH=amd64'
              - run: docker buildx build $BUILD_FLAGS --build-arg TARGETARCH=amd64 -t acme/x:1 .
    """
    # the arm64 runner builds for arm64 and the self-hosted one for a CPU archlint cannot know; a
    # bake's platforms are its file's, and flags from a variable may name platforms
    assert [ln.split(" BC004")[0] for ln in check(wf, "BC004", kind="workflow")] == [
        "10:63", "14:63", "18:40", "19:47"]


def test_bc005_flags_multi_platform_builds_without_manifest_in_shell():
    assert check("""
        #!/bin/sh
        buildah bud --platform linux/amd64 --platform linux/arm64 -t registry.example.com/app:1.4.2 .
        podman build --all-platforms -t registry.example.com/app:1.4.2 .
    """, "BC005", kind="shell") == [
        "2:13 BC005 buildah bud builds 2 platforms without --manifest, so no manifest list is created.",
        "3:14 BC005 podman build builds all platforms without --manifest, so no manifest list is created.",
    ]


def test_bc005_passes_manifest_builds_in_shell():
    assert check("""
        #!/bin/sh
        buildah bud --platform linux/amd64,linux/arm64 --manifest registry.example.com/app:1.4.2 .
        podman build --platform linux/amd64 -t registry.example.com/app:1.4.2 .
        docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
    """, "BC005", kind="shell") == []


def test_bc005_flags_multi_platform_builds_without_manifest_in_makefile():
    assert check(KUBERNAUT_MAKEFILE, "BC005", kind="makefile") == [
        "8:15 BC005 podman build builds 2 platforms without --manifest, so no manifest list is created.",
    ]


def test_bc005_passes_manifest_builds_in_makefile():
    assert check("""
        IMG ?= quay.io/kubernaut/notification:v1.0.1

        docker-build:
        \tpodman build --platform linux/amd64,linux/arm64 \\
        \t\t--manifest $(IMG) \\
        \t\t--build-arg VERSION=1.0.1 \\
        \t\t--build-arg TARGETARCH_SUFFIX=-static \\
        \t\t.
    """, "BC005", kind="makefile") == []


def test_bc005_flags_multi_platform_builds_without_manifest_in_markdown():
    assert check("""
        ```bash
        podman buildx build --platform=linux/amd64,linux/arm64 --tag registry.example.com/app:1.4.2 .
        ```
    """, "BC005", kind="markdown") == [
        "2:21 BC005 podman build builds 2 platforms without --manifest, so no manifest list is created.",
    ]


def test_bc005_passes_manifest_builds_in_markdown():
    assert check("""
        ```bash
        podman buildx build --platform=linux/amd64,linux/arm64 --manifest registry.example.com/app:1.4.2 .
        ```
    """, "BC005", kind="markdown") == []


def test_bc006_flags_latest_tags_in_shell():
    assert check("""
        #!/usr/bin/env bash
        # Build on the laptop and push to the cluster's local registry.
        set -euo pipefail
        docker build --platform linux/amd64 -t athena-admin-backend:latest .
        docker tag athena-admin-backend:latest 192.168.10.222:30500/athena-admin-backend:latest
        docker push 192.168.10.222:30500/athena-admin-backend
        IMAGE="registry.acme.io/app:${VERSION:-latest}"
        podman push "$IMAGE"
        kubectl -n prod set image deployment/app app=registry.acme.io/app
        kubectl run debug --image=busybox:latest --restart=Never
    """, "BC006", kind="shell") == [
        # (line 4's one-part athena-admin-backend is a local name: its tag and push carry the finding)
        "5:40 BC006 docker tag tags 192.168.10.222:30500/athena-admin-backend:latest: latest is a mutable tag.",
        "6:13 BC006 docker push pushes 192.168.10.222:30500/athena-admin-backend without a tag, which means"
        " 192.168.10.222:30500/athena-admin-backend:latest, a mutable tag.",
        "8:13 BC006 podman push pushes registry.acme.io/app:latest (the default of a variable in this file):"
        " latest is a mutable tag.",
        "9:46 BC006 kubectl set image deploys registry.acme.io/app without a tag, which means"
        " registry.acme.io/app:latest, a mutable tag.",
        "10:27 BC006 kubectl run deploys busybox:latest: latest is a mutable tag.",
    ]


def test_bc006_a_one_part_name_a_build_gives_is_this_machines_name():
    # tailscale's ssh test containers: docker build -t ssh-ubuntu-focal ..., run by the build itself;
    # go-dnscollector's release: -t go-dnscollector, then docker tag to its Docker Hub names, pushed:
    # no registry takes the one-part name, the names pushed are judged where they are given
    assert check("""
        docker build --platform linux/amd64 -t ssh-ubuntu-focal ssh/testcontainers
        docker build --platform linux/amd64 -t app .
        docker tag app registry.acme.io/app:1
        docker push registry.acme.io/app:1
        docker build --platform linux/amd64 -t acme/tool .
    """, "BC006", kind="shell") == [
        "5:40 BC006 docker build tags the image acme/tool without a tag, which means acme/tool:latest, a mutable tag.",
    ]
    # a registry under a domain reserved for examples is the reader's, in a script too
    assert check("docker build --platform linux/amd64 -t registry.example.com/app:latest .\n"
                 "docker push registry.example.com/app:latest\n", "BC006", kind="shell") == []
    # a registry with a port is no tag: the name has three parts (cortex-k3s' docs)
    assert [f.split(" BC006")[0] for f in check("docker build --platform linux/amd64 -t 10.43.170.72:5000/api:latest .\n",
                                                "BC006", kind="shell")] == ["1:40"]
    # pushed under a name of latest only, that push and its tag are the findings
    assert [f.split()[0] for f in check("""
        docker build --platform linux/amd64 -t app .
        docker tag app registry.acme.io/app
        docker push registry.acme.io/app
    """, "BC006", kind="shell")] == ["2:16", "3:13"]


def test_a_push_to_a_local_transport_copies_the_image_on_this_machine():
    # buildah's bud demo: build, run, `podman push $img docker-daemon:...` then `docker run` it;
    # its troubleshooting page pushes to docker://localhost:5000 (a registry on this machine)
    demo = """
        buildah bud -t nginxdemo .
        podman run -d -p 80:80 nginxdemo
        podman push nginxdemo docker-daemon:quayuser/nginxdemo:latest
        buildah push alpine docker://localhost:5000/myalpine:latest
    """
    assert check(demo, "BC00", kind="shell", platforms=ONE) == []
    # nor a copy into the daemon alone, in a file that runs nothing of it
    assert check("podman push myapp docker-daemon:acme/myapp:latest\n", "BC006", kind="shell") == []
    # to a registry, the push publishes it
    pushed = demo.replace("docker-daemon:quayuser", "docker://quay.io/quayuser")
    assert [x.split(" ", 2)[:2] for x in check(pushed, "BC00", kind="shell", platforms=ONE)] == [
        ["1:9", "BC001"], ["3:23", "BC006"]]  # (the push, not the one-part local name it pushes)


def test_bc006_passes_pinned_tags_in_shell():
    assert check("""
        #!/usr/bin/env bash
        TAG=$(git rev-parse --short HEAD)
        docker build --platform linux/amd64 -t registry.acme.io/app:$TAG -t registry.acme.io/app:latest .
        docker push registry.acme.io/app:$TAG
        docker push "$IMAGE"
        docker tag app:1.4.2 registry.acme.io/app:1.4.2
        kubectl run debug --image=busybox:1.36 --restart=Never
        docker push registry.acme.io/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        echo "docker push registry.acme.io/app:latest"
    """, "BC006", kind="shell") == []


BC006_MAKEFILE = """
    IMG := registry.acme.io/app:latest

    push:
    \tdocker push $(IMG)
"""


def test_bc006_flags_latest_tags_in_makefile():
    assert check(BC006_MAKEFILE, "BC006", kind="makefile") == [
        "4:14 BC006 docker push pushes registry.acme.io/app:latest: latest is a mutable tag.",
    ]


def test_bc006_leaves_a_latest_the_caller_of_make_overrides():
    # kubebuilder's IMG ?= controller:latest, flux's TAG ?= latest: make docker-push IMG=...:v1.2
    # is how the release calls it; the default is a developer's (10 repositories: never worth)
    assert check("""
        IMG ?= registry.acme.io/app:latest
        TAG ?= latest
        push:
        \tdocker push $(IMG)
        \tdocker buildx build --push -t ghcr.io/acme/ctl:$(TAG) .
        \tdocker push ghcr.io/acme/api:latest
    """, "BC006", kind="makefile") == [
        "6:14 BC006 docker push pushes ghcr.io/acme/api:latest: latest is a mutable tag.",
    ]
    # so is the image a developer's target deploys into their cluster (flux controllers'
    # docker-deploy: kubectl set image ... manager=${IMG}, IMG ?= with latest or no tag)
    assert [ln.split(" BC006")[0] for ln in check("""
        IMG ?= fluxcd/image-reflector-controller
        docker-deploy:
        \tkubectl -n flux-system set image deployment/irc manager=${IMG}
        \tkubectl -n flux-system set image deployment/irc proxy=ghcr.io/acme/proxy:latest
        \tkubectl create deployment dbg --image=${IMG}
        \tkubectl run dbg2 --image=${IMG} -- sleep 3600
    """, "BC006", kind="makefile")] == ["4:56", "5:40", "6:27"]  # (other deployments: the file's choice)
    # the same default given where a conditional tests the variable empty (sig-storage's
    # local-static-provisioner: ifeq ($(VERSION),) / VERSION = latest / endif)
    assert check("""
        ifeq ($(VERSION),)
        	VERSION = latest
        endif
        ifndef TAG
        TAG := latest
        endif
        IMAGE = registry.acme.io/tool:$(VERSION)
        push:
        	docker push $(IMAGE)
        	docker push registry.acme.io/tool:$(TAG)
        	docker push registry.acme.io/tool:latest
    """, "BC006", kind="makefile") == []  # (and latest beside the caller's tag: the moving alias)
    # sig-storage's update-pv-to-beta: built as latest, tagged with the caller's version, both pushed
    assert check("""
        ifeq ($(VERSION),)
        	VERSION = latest
        endif
        IMAGE = registry.k8s.io/sig-storage/tool:$(VERSION)
        MUTABLE_IMAGE = registry.k8s.io/sig-storage/tool:latest
        push:
        	docker build -t $(MUTABLE_IMAGE) deployment/docker
        	docker tag $(MUTABLE_IMAGE) $(IMAGE)
        	docker push $(IMAGE)
        	docker push $(MUTABLE_IMAGE)
    """, "BC006", kind="makefile") == []
    # not where the file set the variable before: then the empty test is its own fallback (an
    # untagged commit pushes latest), not a default left to the caller
    assert [ln.split(" BC006")[0] for ln in check("""
        VERSION := $(shell git describe --tags --exact-match 2>/dev/null)
        ifeq ($(VERSION),)
        VERSION := latest
        endif
        push:
        \tdocker push registry.acme.io/tool:$(VERSION)
    """, "BC006", kind="makefile")] == ["6:14"]
    # a latest written out in a value, whose registry is a knob, is still the file's
    assert check("""
        REGISTRY ?= ghcr.io/acme
        IMG = $(REGISTRY)/app:latest
        push:
        \tdocker push $(IMG)
    """, "BC006", kind="makefile") == [
        "4:14 BC006 docker push pushes ghcr.io/acme/app:latest: latest is a mutable tag.",
    ]


def test_bc006_passes_pinned_tags_in_makefile():
    assert check("""
        VERSION := $(shell git describe --tags)
        IMG ?= registry.example.com/app:$(VERSION)

        push:
        \tdocker push $(IMG)
    """, "BC006", kind="makefile") == []


def test_bc006_flags_latest_tags_in_markdown():
    assert check("""
        Deploy:

        ```console
        $ kubectl run web --image registry.example.com/app
        ```
    """, "BC006", kind="markdown") == [
        "4:27 BC006 kubectl run deploys registry.example.com/app without a tag, which means"
        " registry.example.com/app:latest, a mutable tag.",
    ]


def test_bc006_passes_pinned_tags_in_markdown():
    assert check("""
        Deploy:

        ```console
        $ kubectl run web --image registry.example.com/app:1.4.2
        ```
    """, "BC006", kind="markdown") == []


def test_bc007_flags_multi_platform_builds_without_output_in_shell():
    assert check("""
        #!/bin/sh
        docker buildx build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1.4.2 .
    """, "BC007", kind="shell") == [
        "2:21 BC007 docker buildx build builds 2 platforms without --push, --load or --output, so on a docker-container"
        " or remote builder the result only stays in the build cache.",
    ]


def test_bc007_passes_builds_with_an_output_in_shell():
    assert check("""
        #!/bin/sh
        docker buildx build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1.4.2 --push .
        docker buildx build --platform linux/amd64,linux/arm64 -o type=registry -t registry.example.com/app:1.4.2 .
        docker buildx build --platform linux/amd64 -t registry.example.com/app:1.4.2 .
    """, "BC007", kind="shell") == []


def test_bc007_passes_a_build_that_names_no_image():
    # prefect's time-docker-build workflow: an untagged multi-platform build timed, its result not
    # wanted; a named one, or one whose job pushes, is still reported
    wf = """
        on: pull_request
        jobs:
          time:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  docker buildx build --platform linux/amd64,linux/arm64 --no-cache .
                  docker buildx build --platform linux/amd64,linux/arm64 -t prefecthq/prefect:dev .
    """
    assert [line.split(" BC007")[0] for line in check(wf, "BC007", kind="workflow")] == ["8:31"]


def test_bc007_a_quoted_word_beside_the_context_may_be_the_output_flag():
    # liqo's build.sh: the last argument is "$(if $DOCKER_PUSH; then echo --push; else echo --load; fi)";
    # a quoted variable that is the context, or has text around it, holds no option
    assert check("""
        #!/bin/bash
        docker buildx build --platform linux/amd64,linux/arm64 -t "$image_tag" -f ./build/Dockerfile . \\
            "$(if $DOCKER_PUSH; then echo --push; else echo --load; fi)"
        docker buildx build --platform linux/amd64,linux/arm64 -t acme/app:1 "$CONTEXT"
        docker buildx build --platform linux/amd64,linux/arm64 -t acme/app:1 "$(pwd)/app"
    """, "BC007", kind="shell") == [
        "4:21 BC007 docker buildx build builds 2 platforms without --push, --load or --output, so on a docker-container"
        " or remote builder the result only stays in the build cache.",
        "5:21 BC007 docker buildx build builds 2 platforms without --push, --load or --output, so on a docker-container"
        " or remote builder the result only stays in the build cache.",
    ]


def test_bc007_flags_multi_platform_builds_without_output_in_makefile():
    assert check("""
        PLATFORMS ?= linux/amd64,linux/arm64

        image:
        \tdocker buildx build \\
        \t\t--platform $(PLATFORMS) \\
        \t\t-t registry.example.com/app:1.4.2 .
    """, "BC007", kind="makefile") == [
        "5:3 BC007 docker buildx build builds 2 platforms without --push, --load or --output, so on a docker-container"
        " or remote builder the result only stays in the build cache.",
    ]


def test_bc007_passes_builds_with_an_output_in_makefile():
    assert check("""
        PLATFORMS ?= linux/amd64,linux/arm64

        image:
        \tdocker buildx build \\
        \t\t--platform $(PLATFORMS) --push \\
        \t\t-t registry.example.com/app:1.4.2 .
    """, "BC007", kind="makefile") == []


def test_bc007_flags_multi_platform_builds_without_output_in_markdown():
    assert check("""
        - Build it:

          ```sh
          docker buildx build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1.4.2 .
          ```
    """, "BC007", kind="markdown") == [
        "4:23 BC007 docker buildx build builds 2 platforms without --push, --load or --output, so on a docker-container"
        " or remote builder the result only stays in the build cache.",
    ]


def test_bc007_passes_builds_with_an_output_in_markdown():
    assert check("""
        - Build it:

          ```sh
          docker buildx build --platform linux/amd64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
          ```
    """, "BC007", kind="markdown") == []


def test_bc007_passes_a_first_pass_that_a_push_of_the_same_build_reads_from_the_cache():
    # dapr's docker.mk: build-dev-container-all-arch, a check build tagged without the registry,
    # then push-dev-container-all-arch builds the same Dockerfile, context and platforms with --push
    def mk(push_options):
        return f"""
        build-all-arch:
        \tdocker buildx build --build-arg CLI=$(CLI) -f $(DIR)/Dockerfile-dev --platform linux/amd64,linux/arm64 \\
        \t\t-t $(NAME):$(TAG) $(DIR)/.
        push-all-arch:
        \tdocker buildx build {push_options} --push -t $(REGISTRY)/$(NAME):$(TAG) $(DIR)/.
        """

    same = "--build-arg CLI=$(CLI) -f $(DIR)/Dockerfile-dev --platform linux/amd64,linux/arm64"
    assert check(mk(same), "BC007", kind="makefile") == []
    assert check(mk(same.replace("linux/amd64,linux/arm64", "linux/arm64 --platform linux/amd64")), "BC007",
                 kind="makefile") == []  # (the same platforms, written otherwise)
    # another Dockerfile, other platforms or other build arguments or values: another build, reported
    for other in (same.replace("Dockerfile-dev", "Dockerfile"), same.replace("arm64", "s390x"),
                  same + " --build-arg V=2", same.replace("CLI=$(CLI)", "CLI=1.15")):
        got = check(mk(other), "BC007", kind="makefile")
        assert [f.split(":")[0] for f in got] == ["2"] and "builds 2 platforms without --push" in got[0], other
    # a first pass whose tag the file then runs: that image is never made, reported
    ran = mk(same) + "        run: build-all-arch\n        \tdocker run --rm $(NAME):$(TAG)\n"
    assert [f.split(":")[0] for f in check(ran, "BC007", kind="makefile")] == ["2"]


def test_bc008_flags_invalid_platforms_in_shell():
    assert check("""
        #!/bin/sh
        docker buildx build --platform linux/x86_64,linux/arm64 --push -t registry.example.com/app:1.4.2 .
        docker run --rm --platform linux/arm64/v9 alpine:3.20 uname -m
        DOCKER_DEFAULT_PLATFORM=x86_64 docker build -t app:1.4.2 .
        DOCKER_DEFAULT_PLATFORM=amd64 docker build -t app:1.4.3 .
    """, "BC008", kind="shell") == [
        "2:32 BC008 Non-canonical platform in docker buildx build: the build reads 'linux/x86_64' as linux/amd64.",
        "3:28 BC008 Invalid platform in docker run: unknown variant 'v9' for arm64 in platform 'linux/arm64/v9'"
        " (allowed: v8).",
        "4:25 BC008 Incomplete platform in DOCKER_DEFAULT_PLATFORM: 'x86_64' names no OS, so the build adds its own"
        " (linux/amd64 on a Linux build machine).",
        "5:25 BC008 Incomplete platform in DOCKER_DEFAULT_PLATFORM: 'amd64' names no OS, so the build adds its own"
        " (linux/amd64 on a Linux build machine).",
    ]


def test_bc008_leaves_a_placeholder_default_every_caller_replaces():
    # stakater/Reloader: ARCH ?= ???, and `make release ARCH=$$arch` for each architecture; a
    # typo in a default (amd46) is still a typo
    assert check("""
        OS ?= linux
        ARCH ?= ???
        TYPO ?= amd46
        build-image:
        \tdocker buildx build --platform ${OS}/${ARCH} -t ghcr.io/acme/app:1 --push .
        \tdocker buildx build --platform ${OS}/${TYPO} -t ghcr.io/acme/app:2 --push .
    """, "BC008", kind="makefile") == [
        "6:33 BC008 Invalid platform in docker buildx build: unknown architecture 'amd46' in platform 'linux/amd46'.",
    ]


def test_bc008_leaves_an_option_that_follows_a_platform_expanded_empty():
    # vscode-dev-containers' test.sh: PLATFORMS_ARG holds `--platform ${PLATFORMS}`, set only when
    # PLATFORMS (the caller's $2) is given; read with its empty default, --build-arg came next
    text = """
        PLATFORMS="${2:-""}"
        if [ ! -z "${PLATFORMS}" ]; then
            PLATFORMS_ARG="--builder dev --platform ${PLATFORMS}"
        fi
        docker buildx build --load ${PLATFORMS_ARG} --build-arg BASE_IMAGE=x -t test .
        docker buildx build --load --platform --build-arg BASE_IMAGE=x -t test .
    """
    # (written so by hand, the option is read as the value docker takes: an invalid platform)
    assert [ln.split(" BC008 ")[0] for ln in check(text, "BC008", kind="shell")] == ["6:39"]


def test_bc008_leaves_an_architecture_without_os_to_buildah_which_runs_on_linux():
    # kubevirt CDI's populate-registry.sh: buildah bud --platform amd64 builds linux/amd64; the
    # same value given to docker on a Mac takes the client's OS, darwin; another spelling
    # and a typo stay buildah's findings too
    assert check("""
        #!/bin/sh
        buildah bud --platform amd64 -t registry.example.com/disk:1 .
        buildah bud --platform linux/x86_64 -t registry.example.com/disk:2 .
        buildah bud --platform x86_64 -t registry.example.com/disk:3 .
        docker build --platform arm64 -t registry.example.com/disk:4 .
    """, "BC008", kind="shell") == [
        "3:24 BC008 Non-canonical platform in buildah bud: the build reads 'linux/x86_64' as linux/amd64.",
        "4:24 BC008 Incomplete platform in buildah bud: 'x86_64' names no OS, so the build adds its own"
        " (linux/amd64 on a Linux build machine).",
        "5:25 BC008 Incomplete platform in docker build: 'arm64' names no OS, so the build adds its own"
        " (linux/arm64 on a Linux build machine).",
    ]
    # an environment default buildah reads as it is, podman after it may not (a second review's case)
    assert [f.split(" BC008 ")[1][:52] for f in check("""
        export CONTAINER_DEFAULT_PLATFORM=arm64
        buildah bud -t registry.example.com/app:1 .
        podman build -t registry.example.com/app:2 .
    """, "BC008", kind="shell")] == ["Incomplete platform in CONTAINER_DEFAULT_PLATFORM: '"]


def test_bc008_flags_an_os_without_architecture():
    # --platform linux: the build machine's CPU decides, as with no --platform at all
    assert check("""
        docker buildx build --platform linux --push -t registry.example.com/app:1.4.2 .
    """, "BC008", kind="shell") == [
        "1:32 BC008 Incomplete platform in docker buildx build: 'linux' names no architecture, so the build uses"
        " the build machine's CPU and the result depends on where it runs.",
    ]


def test_bc008_passes_valid_platforms_in_shell():
    assert check("""
        #!/bin/sh
        docker buildx build --platform linux/amd64,linux/arm64/v8 --push -t registry.example.com/app:1.4.2 .
        docker run --rm --platform linux/arm/v7 alpine:3.20 uname -m
        docker build --platform "linux/${GOARCH}" -t app:1.4.2 .
        DOCKER_BUILDKIT=1 docker build --platform=local -o . "https://github.com/docker/buildx.git"
    """, "BC008", kind="shell") == []
    # (a run's --platform=local is no platform the tool knows)
    assert [f.split()[1] for f in check("docker run --platform=local alpine:3.20\n", "BC008", kind="shell")] == [
        "BC008"]


BC008_MAKEFILE = """
    PLATFORMS ?= linux/amd64,linux/amd46

    image:
    \tdocker buildx build --platform $(PLATFORMS) --push -t registry.example.com/app:1.4.2 .
"""


def test_bc008_flags_invalid_platforms_in_makefile():
    assert check(BC008_MAKEFILE, "BC008", kind="makefile") == [
        "4:33 BC008 Invalid platform in docker buildx build: unknown architecture 'amd46' in platform 'linux/amd46'.",
    ]


def test_bc008_passes_valid_platforms_in_makefile():
    assert check("""
        PLATFORMS ?= linux/amd64,linux/arm64

        image:
        \tdocker buildx build --platform $(PLATFORMS) --push -t registry.example.com/app:1.4.2 .
    """, "BC008", kind="makefile") == []


def test_bc008_flags_invalid_platforms_in_markdown():
    assert check("""
        ```bash
        docker buildx bake --set '*.platform=linux/aarch64' --push
        ```
    """, "BC008", kind="markdown") == [
        "2:38 BC008 Non-canonical platform in docker buildx bake: the build reads 'linux/aarch64' as linux/arm64.",
    ]


def test_bc008_passes_valid_platforms_in_markdown():
    assert check("""
        ```bash
        docker buildx bake --set '*.platform=linux/arm64' --push
        ```
    """, "BC008", kind="markdown") == []


def test_kubernaut_makefile_gives_bc004_twice_and_bc005():
    # the case from the multi-arch decision record
    assert check(KUBERNAUT_MAKEFILE, "BC", kind="makefile") == [
        "8:15 BC005 podman build builds 2 platforms without --manifest, so no manifest list is created.",
        "11:3 BC004 --build-arg TARGETARCH=amd64 overrides the TARGETARCH that the builder sets for each target"
        " platform. TARGETARCH is passed 2 times and only the last (arm64) is used, for every platform.",
        "12:3 BC004 --build-arg TARGETARCH=arm64 overrides the TARGETARCH that the builder sets for each target"
        " platform. TARGETARCH is passed 2 times and only the last (arm64) is used, for every platform.",
    ]


@pytest.fixture
def shared_samples():
    p = SHARED / "samples"
    if not p.is_dir():
        pytest.skip("shared samples not available")
    return p


def test_kubernaut_samples(shared_samples):
    mk = lint(shared_samples / "kubernaut" / "Makefile")
    assert ids(mk, "BC") == [("BC001", 22, 9), ("BC004", 11, 3), ("BC004", 12, 3), ("BC005", 8, 15)]
    sh = lint(shared_samples / "kubernaut" / "scripts" / "build-notification-controller.sh")
    # without configured platforms the MULTI_ARCH=false branch is the native variant of the
    # multi-platform build of the same image beside it; the sample's platforms make it BC001's.
    # ${VERSION:-latest} is the tag of builds the script never pushes: the caller names it
    assert ids(sh, "BC") == [("BC004", 14, 9), ("BC004", 15, 9), ("BC004", 22, 9), ("BC005", 11, 18)]
    sh = lint(shared_samples / "kubernaut" / "scripts" / "build-notification-controller.sh", platforms=TWO)
    assert ("BC001", 19, 12) in ids(sh, "BC")
    md = lint(shared_samples / "kubernaut" / "docs" / "DEPLOY.md")
    assert ids(md, "BC") == [("BC001", 6, 8), ("BC003", 13, 99)]
    deploy = lint(shared_samples / "athena-admin" / "backend" / "deploy.sh")
    assert ids(deploy, "BC") == [("BC001", 5, 8), ("BC006", 6, 40), ("BC006", 7, 13)]


# ---- spans, messages, fixes -------------------------------------------------------------------


def test_bc001_span_is_the_build_word_and_fix_inserts_platform():
    text = "docker build -t registry.example.com/app:1.4.2 .\n"
    (f,) = findings(lint_inline(text, kind="shell", platforms=ONE), "BC")
    assert (f.span.line, f.span.col, f.span.end_col) == (1, 8, 13)
    assert f.fix is not None and f.fix.safe
    fixed = apply_fix(text, f.fix)
    assert fixed == "docker build --platform linux/amd64 -t registry.example.com/app:1.4.2 .\n"
    assert check(fixed, "BC", kind="shell", platforms=ONE) == []


def test_bc001_fix_with_several_platforms_is_unsafe():
    text = "podman build -t quay.io/acme/app:1 .\n"
    (f,) = findings(lint_inline(text, kind="shell", platforms=TWO), "BC001")
    assert f.fix is not None and not f.fix.safe
    assert apply_fix(text, f.fix) == "podman build --platform linux/amd64,linux/arm64 -t quay.io/acme/app:1 .\n"


def test_bc001_without_platforms_has_no_fix_but_says_how_to_configure():
    (f,) = findings(lint_inline("docker build -t acme/app:1 .\n", kind="shell"), "BC")
    assert f.fix is None
    assert "platforms" in f.hint


def test_bc001_in_makefile_fix_lands_after_build_word():
    text = "IMG ?= acme/app:1\nbuild:\n\t@docker build -t $(IMG) .\n"
    (f,) = findings(lint_inline(text, kind="makefile", platforms=ONE), "BC")
    assert apply_fix(text, f.fix) == "IMG ?= acme/app:1\nbuild:\n\t@docker build --platform linux/amd64 -t $(IMG) .\n"


def test_bc001_exported_in_makefile_counts():
    assert check("""
        export DOCKER_DEFAULT_PLATFORM := linux/amd64
        build:
        \tdocker build -t acme/app:1 .
    """, "BC", kind="makefile") == []
    assert check("""
        DOCKER_DEFAULT_PLATFORM := linux/amd64
        build:
        \tdocker build -t acme/app:1 .
    """, "BC", kind="makefile") == [
        "3:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_bc001_podman_ignores_docker_default_platform():
    assert check("""
        export DOCKER_DEFAULT_PLATFORM=linux/amd64
        podman build -t acme/app:1 .
    """, "BC", kind="shell") == [
        "2:8 BC001 podman build has no --platform, so the image is built for the CPU of the machine that runs it."
        " podman ignores DOCKER_DEFAULT_PLATFORM.",
    ]
    assert check("""
        export CONTAINER_DEFAULT_PLATFORM=linux/amd64
        podman build -t acme/app:1 .
    """, "BC", kind="shell") == []


def test_bc004_fix_removes_flag_and_value():
    text = "docker build --platform linux/amd64 --build-arg TARGETARCH=arm64 -t app:1 .\n"
    (f,) = findings(lint_inline(text, kind="shell"), "BC004")
    assert (f.span.col, f.span.end_col) == (37, 48)  # the --build-arg word
    assert not f.fix.safe
    assert apply_fix(text, f.fix) == "docker build --platform linux/amd64 -t app:1 .\n"


def test_bc004_fix_in_makefile_continuation_keeps_the_backslash():
    f = findings(lint_inline(KUBERNAUT_MAKEFILE, kind="makefile"), "BC004")[0]
    fixed = apply_fix(dedent(KUBERNAUT_MAKEFILE), f.fix)
    assert "\t\t\\\n\t\t--build-arg TARGETARCH=arm64 \\\n" in fixed


def test_bc005_fix_replaces_tag_with_manifest():
    (f,) = findings(lint_inline(KUBERNAUT_MAKEFILE, kind="makefile"), "BC005")
    fixed = apply_fix(dedent(KUBERNAUT_MAKEFILE), f.fix)
    assert "\t\t--manifest $(IMG) \\\n" in fixed
    assert check(fixed, "BC005", kind="makefile") == []


def test_bc008_fix_replaces_with_nearest_valid_platform():
    text = "docker buildx build --platform linux/x86_64,linux/arm64 --push -t r/app:1 .\n"
    (f,) = findings(lint_inline(text, kind="shell"), "BC")
    assert f.rule_id == "BC008" and f.fix.safe
    fixed = apply_fix(text, f.fix)
    assert fixed == "docker buildx build --platform linux/amd64,linux/arm64 --push -t r/app:1 .\n"


def test_bc008_value_from_make_variable_has_no_fix():
    (f,) = findings(lint_inline(BC008_MAKEFILE, kind="makefile"), "BC")
    assert f.fix is None and "amd46" in f.message


def test_bc006_default_latest_says_so():
    assert check("""
        IMAGE="r/app:${VERSION:-latest}"
        docker push "$IMAGE"
    """, "BC", kind="shell") == [
        "2:13 BC006 docker push pushes r/app:latest (the default of a variable in this file): latest is a mutable tag.",
    ]


def test_bc006_a_functions_default_every_call_of_it_replaces():
    # onap's deployments/build.sh: `local tag_name=${IMAGE_NAME}:${1:-latest}`, and the only call
    # is `_push_image $VERSION`: the default is never used
    text = """
        IMAGE_NAME=nexus3.onap.org:10003/onap/k8s
        VERSION="0.12.0-SNAPSHOT"
        function _push_image {
            local tag_name=${IMAGE_NAME}:${1:-latest}
            docker push ${tag_name}
        }
        _push_image $VERSION
    """
    assert check(text, "BC006", kind="shell") == []
    # a call without the argument uses the default: reported
    assert [line.split(" ", 2)[1] for line in check(text + "_push_image\n", "BC006", kind="shell")] == ["BC006"]
    # so does a call in a condition, or one passing an empty argument
    for call in ("if ! _push_image; then exit 1; fi", '_push_image ""', "x=`_push_image`"):
        assert [ln.split(" ", 2)[1] for ln in check(text + call + "\n", "BC006", kind="shell")] == ["BC006"], call
    # and so is the default where nothing in the file calls the function
    assert [line.split(" ", 2)[1] for line in check(text.replace("_push_image $VERSION", ""), "BC006",
                                                   kind="shell")] == ["BC006"]


def test_bc006_a_default_latest_the_caller_overrides_on_a_build_never_pushed_here():
    # jaeger's Docker.mk: DOCKER_TAG ?= latest for developer builds; releases pass their tag
    mk = """
        DOCKER_NAMESPACE ?= jaegertracing
        DOCKER_TAG ?= latest
        docker-hotrod:
        \tdocker build -t $(DOCKER_NAMESPACE)/example-hotrod:${DOCKER_TAG} ./examples/hotrod
        docker-tracegen:
        \tdocker build -t $(DOCKER_NAMESPACE)/jaeger-tracegen:${DOCKER_TAG} cmd/tracegen/
        \tdocker push $(DOCKER_NAMESPACE)/jaeger-tracegen:${DOCKER_TAG}
        fake-reader:
        \tdocker buildx build --platform linux/amd64 -t ${DOCKER_NAMESPACE}/fake-reader:latest --load .
    """
    # what the file pushes under the default is the caller's too (make docker-tracegen
    # DOCKER_TAG=1.2); a latest written out (gatekeeper's ${GHCR_FAKE_READER_REPOSITORY}:latest)
    # is no default
    assert check(mk, "BC006", kind="makefile") == [
        "9:48 BC006 docker buildx build tags the image jaegertracing/fake-reader:latest: latest is a mutable tag.",
    ]


def test_bc006_a_latest_manifest_list_beside_a_versioned_one():
    # tempo's docker-ci-tools workflow: the manifest list is created and pushed as $TAG, then as latest
    assert check("""
        docker manifest create "$IMAGE_NAME:$TAG" "$IMAGE_NAME:$TAG-amd64" "$IMAGE_NAME:$TAG-arm64"
        docker manifest push "$IMAGE_NAME:$TAG"
        docker manifest create "ghcr.io/grafana/ci-tools:latest" "ghcr.io/grafana/ci-tools:1.2-amd64"
        docker manifest create "ghcr.io/grafana/ci-tools:1.2" "ghcr.io/grafana/ci-tools:1.2-amd64"
        docker manifest push "ghcr.io/grafana/ci-tools:latest"
    """, "BC006", kind="shell") == []


def test_bc006_a_latest_list_of_a_versions_per_cpu_images_is_the_moving_alias():
    # hatchet's release workflow: on release, `latest` is made of the version's per-CPU images that
    # the pre-release workflow pushed; a list of latest per-CPU images is no version's
    wf = """
        on:
          release:
            types: [released]
        jobs:
          latest:
            runs-on: ubuntu-latest
            steps:
              - run: echo "${{ secrets.T }}" | docker login ghcr.io -u u --password-stdin
              - run: |
                  docker manifest create ghcr.io/h/api:latest \\
                    ghcr.io/h/api:${{ steps.tag_name.outputs.tag }}-amd64 ghcr.io/h/api:${{ steps.tag_name.outputs.tag }}-arm64
                  docker manifest push ghcr.io/h/api:latest
                  docker manifest create ghcr.io/h/web:latest ghcr.io/h/web:latest-amd64 ghcr.io/h/web:latest-arm64
                  docker manifest push ghcr.io/h/web:latest
                  docker manifest create ghcr.io/h/cli:latest ghcr.io/h/cli:amd64 ghcr.io/h/cli:main-arm64
                  docker manifest create ghcr.io/h/ui:latest ghcr.io/h/ui:1.4-amd64 ghcr.io/h/ui:1.4-arm64
    """
    assert [x.split(": latest")[0] for x in check(wf, "BC006", kind="workflow")] == [
        "13:34 BC006 docker manifest create creates the manifest list ghcr.io/h/web:latest",
        "15:34 BC006 docker manifest create creates the manifest list ghcr.io/h/cli:latest"]


def test_bc006_a_version_from_a_substitution_with_slashes_is_still_a_version():
    # watchtower's release job: the versioned list's tag is $(git tag ... | sed 's/^v*//'), whose
    # slashes do not end the image's name; the latest list beside it is the moving alias
    text = """
        docker manifest create containrrr/watchtower:$(git tag --points-at HEAD | sed 's/^v*//') \\
          containrrr/watchtower:amd64-$(git tag --points-at HEAD | sed 's/^v*//')
        docker manifest create containrrr/watchtower:latest containrrr/watchtower:amd64-latest
        docker manifest create acme/other:latest acme/other:amd64-latest
    """
    assert [x.split(": latest")[0] for x in check(text, "BC006", kind="shell")] == [
        "4:24 BC006 docker manifest create creates the manifest list acme/other:latest"]


def test_bc006_a_pushed_latest_build_beside_a_versioned_build():
    # consul-k8s' ci.dev-docker: one buildx build pushes :$(GIT_COMMIT), the next (on main) the
    # same image as :latest, the moving alias; a target that pushes only :latest is reported
    assert check("""
        NS ?= hashicorpdev
        GIT_COMMIT ?= $(shell git rev-parse --short HEAD)
        ci.dev-docker:
        \tdocker buildx build -t '$(NS)/control-plane:$(GIT_COMMIT)' --platform linux/amd64,linux/arm64 --push .
        \tdocker buildx build -t '$(NS)/control-plane:latest' --platform linux/amd64,linux/arm64 --push .
        only-latest:
        \tdocker buildx build -t $(NS)/reader:latest --platform linux/amd64,linux/arm64 --push .
    """, "BC006", kind="makefile") == [
        "7:25 BC006 docker buildx build tags the image hashicorpdev/reader:latest: latest is a mutable tag."]


def test_bc006_hint_in_makefile_escapes_dollar():
    (f,) = findings(lint_inline(BC006_MAKEFILE, kind="makefile"), "BC")
    assert "$$(git rev-parse" in f.hint


def test_bc006_hint_for_a_deployed_image_asks_for_its_release_not_a_commit():
    # vault-k8s' exercise target: `kubectl run nginx --image=nginx`, a third-party image, which no
    # commit of this repository tags; a pushed image keeps the commit-SHA hint
    got = findings(lint_inline("exercise:\n\tkubectl run nginx --image=nginx\n"
                               "push:\n\tdocker push quay.io/acme/app:latest\n", kind="makefile"), "BC006")
    assert [(f.span.line, f.hint) for f in got] == [
        (2, "pin a release of the image: nginx:<version>"),
        (4, "use an immutable tag such as the commit SHA: quay.io/acme/app:$$(git rev-parse --short HEAD)")]


def test_markdown_suppression_above_fence_covers_the_block():
    fence = """
        ```bash
        docker build -t acme/app:1 . && docker push acme/app:1
        ```
    """
    assert check("<!-- archlint: ignore[BC001] -->\n" + dedent(fence), "BC", kind="markdown") == []
    assert check(fence, "BC", kind="markdown") == [
        "2:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_false_positive_traps():
    assert check("""
        echo "docker build -t app ."
        pgrep -f 'podman build' >/dev/null
        # docker build .
        printf "%s\\n" "docker push app:latest"
        grep -r 'docker build' docs/
        cat <<'EOF'
        docker build .
        EOF
        docker-compose build
        my-docker build .
    """, "BC", kind="shell") == []


@pytest.mark.parametrize("rule_id", [f"BC00{i}" for i in range(1, 9)])
def test_rule_registered_with_kinds(rule_id):
    r = get_rule(rule_id)
    assert r is not None
    assert r.kinds == frozenset({"shell", "makefile", "dockerfile", "workflow", "markdown"})


def test_rule_names_are_the_spec():
    names = {f"BC00{i}": get_rule(f"BC00{i}").name for i in range(1, 9)}
    assert names == {
        "BC001": "build-without-platform",
        "BC002": "build-platform-mismatch",
        "BC003": "multi-platform-load",
        "BC004": "platform-build-arg",
        "BC005": "multi-platform-without-manifest",
        "BC006": "latest-tag",
        "BC007": "multi-platform-no-output",
        "BC008": "invalid-platform",
    }


def test_bc001_not_reported_when_options_are_opaque_or_no_image():
    assert check("""
        docker_build() { docker build "$@"; }
        docker build $BUILD_ARGS -t app:1 .
        docker buildx build --check .
        docker build --help
        podman build ${EXTRA_ARGS[@]} .
    """, "BC", kind="shell") == []
    # a quoted single-word variable cannot hide a --platform
    assert check("""
        docker build -t acme/app:1 "$CONTEXT"
    """, "BC", kind="shell") == [
        "1:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_kubectl_create_deployment_image():
    assert check("""
        kubectl create deployment web --image=nginx
    """, "BC", kind="shell") == [
        "1:39 BC006 kubectl create deployment deploys nginx without a tag, which means nginx:latest, a mutable tag.",
    ]


# ---- workflow run: steps ---------------------------------------------------------------------


def test_bc001_flags_builds_without_platform_in_workflow_run_steps():
    assert check(r"""
        name: image
        on: push
        jobs:
          build:
            runs-on: self-hosted
            steps:
              - uses: actions/checkout@v4
              - name: Build
                run: docker build -t ghcr.io/acme/app:${{ github.sha }} .
              - name: Build again
                run: |
                  echo "building"
                  podman build \
                    -t ghcr.io/acme/app:${{ github.sha }} .
              - uses: docker/login-action@v3
              - run: ./scripts/publish.sh
    """, "BC", kind="workflow") == [
        "9:21 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "13:18 BC001 podman build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_bc001_a_ci_job_that_never_pushes_nor_logs_in_discards_what_it_builds():
    # jupyter/docker-stacks' contributed-recipes.yml: a build check; the runner is thrown away
    wf = """
    on: pull_request
    jobs:
      test-recipes:
        runs-on: self-hosted
        steps:
          - uses: actions/checkout@v4
          - run: docker build --rm --no-cache --tag my-custom-image -f recipe.dockerfile .
          - run: docker build -t ghcr.io/acme/app:${{ github.sha }} .
      publish:
        runs-on: self-hosted
        steps:
          - run: echo "$TOKEN" | docker login ghcr.io -u acme --password-stdin
          - run: docker build -t ghcr.io/acme/app:${{ github.sha }} .
    """
    assert check(wf, "BC00", kind="workflow") == [
        "13:21 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc006_a_ci_job_that_loads_its_build_into_the_runner_keeps_nothing():
    # kubernetes-sigs/lws' trivy.yaml: built with --output=type=docker (into the runner's own
    # daemon) for a scanner step; a tarball written with dest= may leave the job, so it counts
    wf = """
    on: pull_request
    jobs:
      scan:
        runs-on: ubuntu-latest
        steps:
          - run: docker buildx build --output=type=docker -t test/lws:latest --platform=linux/amd64 .
          - uses: aquasecurity/trivy-action@v0.35.0
            with: {image-ref: test/lws:latest}
      tarball:
        runs-on: ubuntu-latest
        steps:
          - run: docker buildx build --output=type=docker,dest=lws.tar -t test/lws:latest --platform=linux/amd64 .
    """
    assert check(wf, "BC006", kind="workflow") == [
        "12:71 BC006 docker buildx build tags the image test/lws:latest: latest is a mutable tag."]


def test_bc006_documentation_builds_and_pushes_are_the_readers_own_deployments_are_not():
    # docker/cli's docs/reference/commandline/image_push.md; loki's docs tell users to run the
    # canary from latest, which is the document's choice
    doc = """
        ```console
        $ docker image tag rhel-httpd:latest registry-host:5000/myadmin/rhel-httpd:latest
        $ docker image push registry-host:5000/myadmin/rhel-httpd:latest
        $ kubectl run loki-canary --image=grafana/loki-canary:latest
        ```
    """
    expected_run = "4:35 BC006 kubectl run deploys grafana/loki-canary:latest: latest is a mutable tag."
    assert check(doc, "BC006", kind="markdown", name="docs/reference/image_push.md") == [expected_run]
    assert check(doc, "BC006", kind="markdown", name="RELEASING.md") == [
        "2:38 BC006 docker tag tags registry-host:5000/myadmin/rhel-httpd:latest: latest is a mutable tag.",
        "3:21 BC006 docker push pushes registry-host:5000/myadmin/rhel-httpd:latest: latest is a mutable tag.",
        expected_run]
    # kserve's python/lgbserver/README.md, beside the code: a namespace that addresses the reader
    # (docker_user_name/, your-registry/, myorg/) makes the image the reader's own, in any file
    readme = """
        ```bash
        docker build -t docker_user_name/lgbserver -f lgb.Dockerfile .
        docker push docker_user_name/lgbserver:latest
        docker build -t your-registry/autogluonserver:latest . && docker push your-registry/autogluonserver:latest
        docker push ghcr.io/acme/lgbserver:latest
        kubectl run lgb --image=myorg/lgbserver:latest
        ```
    """
    assert check(readme, "BC006", kind="markdown", name="python/lgbserver/README.md") == [
        "5:13 BC006 docker push pushes ghcr.io/acme/lgbserver:latest: latest is a mutable tag.",
        "6:25 BC006 kubectl run deploys myorg/lgbserver:latest: latest is a mutable tag."]


def test_bc001_passes_builds_with_a_platform_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Build
                run: docker build --platform linux/amd64 -t ghcr.io/acme/app:${{ github.sha }} .
              - name: Matrix
                run: docker build --platform ${{ matrix.platform }} -t ghcr.io/acme/app:${{ github.sha }} .
              - run: echo "docker build -t app ."
    """, "BC", kind="workflow") == []


def test_bc002_flags_builds_missing_configured_platforms_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker buildx build --platform linux/amd64 --push -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow", platforms=TWO) == [
        "8:34 BC002 docker buildx build leaves out the configured platform linux/arm64, so the image will not run"
        " there.",
    ]


def test_bc002_passes_builds_covering_the_platforms_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker buildx build --platform linux/amd64,linux/arm64 --push -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow", platforms=TWO) == []


def test_bc003_flags_multi_platform_load_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  docker buildx build --platform linux/amd64,linux/arm64 --load -t app:test .
    """, "BC", kind="workflow") == [
        "9:66 BC003 docker buildx build builds 2 platforms with --load, but Docker's classic image store cannot hold"
        " a multi-platform image.",
    ]


def test_bc003_passes_single_platform_load_or_push_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  docker buildx build --platform linux/amd64 --load -t app:test .
    """, "BC", kind="workflow") == []


def test_bc004_flags_platform_build_args_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: >
                  docker buildx build --platform linux/amd64,linux/arm64 --push
                  --build-arg TARGETARCH=amd64 -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == [
        "10:11 BC004 --build-arg TARGETARCH=amd64 overrides the TARGETARCH that the builder sets for each target"
        " platform.",
    ]


def test_bc004_passes_other_build_args_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: >
                  docker buildx build --platform linux/amd64,linux/arm64 --push
                  --build-arg VERSION=${{ github.ref_name }} -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == []


def test_bc005_flags_multi_platform_builds_without_manifest_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: podman build --platform linux/amd64,linux/arm64 -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == [
        "8:27 BC005 podman build builds 2 platforms without --manifest, so no manifest list is created.",
    ]


def test_bc005_passes_manifest_builds_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: podman build --platform linux/amd64,linux/arm64 --manifest ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == []


def test_bc006_flags_latest_tags_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  docker push ghcr.io/acme/app:latest
    """, "BC", kind="workflow") == [
        "9:23 BC006 docker push pushes ghcr.io/acme/app:latest: latest is a mutable tag.",
    ]


def test_bc006_passes_pinned_tags_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  docker push ghcr.io/acme/app:${{ github.sha }}
    """, "BC", kind="workflow") == []


def test_bc007_flags_multi_platform_builds_without_output_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == [
        "8:34 BC007 docker buildx build builds 2 platforms without --push, --load or --output, so on a docker-container"
        " or remote builder the result only stays in the build cache.",
    ]


def test_bc007_passes_builds_with_an_output_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker buildx build --platform linux/amd64,linux/arm64 --push -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == []


def test_bc008_flags_invalid_platforms_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker buildx build --platform linux/arm64/v9 --push -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == [
        "8:45 BC008 Invalid platform in docker buildx build: unknown variant 'v9' for arm64 in platform"
        " 'linux/arm64/v9' (allowed: v8).",
    ]


def test_bc008_passes_valid_platforms_in_workflow_run_steps():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker buildx build --platform linux/arm/v7 --push -t ghcr.io/acme/app:${{ github.sha }} .
    """, "BC", kind="workflow") == []



# ---- issue 14: Make variables, local builds, per-image platforms, cache warming ------------------

ARGO_SHAPED = """
    DOCKER?=docker
    SUDO?=
    IMAGE_TAG?=latest
    IMAGE_PREFIX?=quay.io/argoproj/
    TARGET_ARCH?=linux/amd64

    armimage:
    \t$(DOCKER) build -t $(IMAGE_PREFIX)argocd:$(IMAGE_TAG)-arm .

    builder-image:
    \t$(SUDO) $(DOCKER) build  -t $(IMAGE_PREFIX)argo-cd-ci-builder:$(IMAGE_TAG) --target builder .
    \t@if [ "$(DOCKER_PUSH)" = "true" ] ; then $(DOCKER) push $(IMAGE_PREFIX)argo-cd-ci-builder:$(IMAGE_TAG) ; fi

    image:
    \tDOCKER_BUILDKIT=1 $(DOCKER) build -t $(IMAGE_PREFIX)argocd:$(IMAGE_TAG) --platform=$(TARGET_ARCH) .
"""


def test_make_assignments_without_spaces_are_read():
    # argo-cd's Makefile: 0 findings before (DOCKER?=docker was not an assignment)
    assert check(ARGO_SHAPED, "BC001", kind="makefile") == [
        "8:12 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "11:20 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]
    # TARGET_ARCH?=linux/amd64 is the developer's overridable choice of one architecture
    assert check(ARGO_SHAPED, "BC002", kind="makefile", platforms=TWO) == []


def test_bc001_an_unknown_elsewhere_does_not_hide_the_missing_platform():
    assert check("""
        TEMP_DIR := $(shell mktemp -d)
        img:
        \tdocker build -t $(REGISTRY)/app:$(shell git describe) --build-arg V=$(VERSION) $(TEMP_DIR)
        \tdocker build -f $(CURDIR)/Dockerfile -t $(NAME) $(CURDIR)
        \tdocker build -t acme/app:1 $(CURDIR)/images/app
    """, "BC001", kind="makefile") == [
        "3:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "4:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "5:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]
    # only what stands where options are may hold a --platform
    assert check("""
        ifdef CI
        EXTRA = --push
        endif
        img:
        \tdocker build $(BUILD_FLAGS) -t app:1 .
        \tdocker buildx build $(DOCKER_BUILDX_FLAGS) -t app:1 .
        \tdocker build $(EXTRA) -t app:1 .
        \tdocker build $(shell cat build.flags) .
    """, "BC001", kind="makefile") == []


def test_bc001_and_bc006_pass_images_that_stay_on_the_machine():
    assert check("""
        #!/bin/sh
        gen() {
          docker build -f "src/$1/genproto/Dockerfile" -t "$1-genproto" .
          docker run --rm -v "$(pwd):/build" "$1-genproto" protoc -I /build/pb /build/pb/demo.proto
        }
        docker build -t e2e-tests ./test && docker run --rm e2e-tests
        docker build -t controller:dev . && kind load docker-image controller:dev --name e2e
        docker build -t app . && minikube image load app
        docker buildx build --load -t tool:1 . && docker create --name t tool:1
        docker build -t localhost:5000/app . && docker push localhost:5000/app
    """, "BC", kind="shell") == []
    assert check("""
        run-telemetry-tests:
        \t$(DOCKER_CMD) build -t telemetry-tests ./test/telemetry
        \tdocker build -t telemetry-tests ./test/telemetry
        \t@docker run --rm --network demo telemetry-tests
    """, "BC", kind="makefile") == []


def test_a_build_on_the_cluster_nodes_engine_stays_there():
    # kafka-docker-playground's notes: after `eval $(minikube docker-env)` the build runs on the
    # node, for its CPU, even where a later block (for EKS) pushes the same name
    text = """
        # notes

        ```bash
        eval $(minikube -p kafka docker-env)
        docker build -t vdesabou/example:1.0 .
        ```

        On EKS:

        ```bash
        docker build -t vdesabou/example:1.0 .
        docker push vdesabou/example:1.0
        ```
    """
    assert [line.split(" ", 1)[0] for line in check(text, "BC001", kind="markdown")] == ["11:8"]
    # pointed back at the machine's own engine (-u), or before the eval: the machine's build
    script = """
        #!/bin/sh
        docker build -t vdesabou/example:1.0 .
        eval "$(minikube docker-env)"
        docker build -t vdesabou/example:1.0 .
        eval $(minikube docker-env -u)
        docker build -t vdesabou/example:1.0 .
        docker push vdesabou/example:1.0
    """
    assert [line.split(" ", 1)[0] for line in check(script, "BC001", kind="shell")] == ["2:8", "6:8"]
    # pushed from the node's engine (or with --push), the image leaves: reported
    pushed = """
        #!/bin/sh
        eval $(minikube docker-env)
        docker build -t quay.io/acme/app:1.0 .
        docker push quay.io/acme/app:1.0
        docker buildx build --push -t quay.io/acme/tool:1.0 .
    """
    assert [line.split(" ", 1)[0] for line in check(pushed, "BC001", kind="shell")] == ["3:8", "5:15"]


def test_bc001_leaves_a_push_to_a_registry_on_this_machine_by_name():
    # func's hack/images.sh (registry.localtest.me, answered by 127.0.0.1), oathkeeper's k3d
    # registry, kind's documented kind-registry, an RFC 6761 .localhost name
    assert check("""
        #!/bin/sh
        docker build . -f Dockerfile.utils -t registry.localtest.me/knative/func-utils:v2 && docker push registry.localtest.me/knative/func-utils:v2
        docker build -t k3d-localhost:5111/oryd/oathkeeper:dev --push .
        docker build -t kind-registry:5000/app:1 . && docker push kind-registry:5000/app:1
        docker build -t registry.localhost:5000/app:1 . && docker push registry.localhost:5000/app:1
        nerdctl build -t registry-optimize.test/app:1 . && nerdctl push registry-optimize.test/app:1
    """, "BC001", kind="shell") == []
    # (stargz-snapshotter's optimize test: an RFC 6761 .test name, its compose file's registry:2)
    # a name that only starts like one is a registry elsewhere
    assert len(check("""
        #!/bin/sh
        docker build -t localtest.me.example.com/app:1 . && docker push localtest.me.example.com/app:1
        docker build -t k3d.example.com/app:1 . && docker push k3d.example.com/app:1
        docker build -t registry.test.example.com/app:1 . && docker push registry.test.example.com/app:1
    """, "BC001", kind="shell")) == 3


def test_bc001_and_bc006_still_flag_images_that_are_pushed_or_only_built():
    assert check("""
        #!/bin/sh
        docker build -t app . && docker run app && docker push app
        docker build -t tools . && docker tag tools quay.io/acme/tools:latest && docker run tools
        docker push quay.io/acme/tools:latest
    """, "BC", kind="shell") == [
        "2:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "2:56 BC006 docker push pushes app without a tag, which means app:latest, a mutable tag.",
        "3:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "3:45 BC006 docker tag tags quay.io/acme/tools:latest: latest is a mutable tag.",
        "4:13 BC006 docker push pushes quay.io/acme/tools:latest: latest is a mutable tag.",
    ]
    # a Makefile's targets run where make runs: built by one target, run by another, pushed by
    # none (jupyter/docker-stacks' examples/make-deploy) is local; pushed by a third it is not
    assert check("""
        image:
        \tdocker build -t app .
        run:
        \tdocker run app
    """, "BC001", kind="makefile") == []
    assert check("""
        image:
        \tdocker build -t quay.io/acme/app:1.0 .
        run:
        \tdocker run quay.io/acme/app:1.0
        release:
        \tdocker push quay.io/acme/app:1.0
    """, "BC001", kind="makefile") == [
        "2:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
    ]


def test_bc006_latest_next_to_a_versioned_tag_is_the_usual_alias():
    assert check("""
        VERSION ?= $(shell git describe --tags)
        release:
        \tdocker buildx build --platform linux/amd64 --push -t quay.io/acme/app:$(VERSION) -t quay.io/acme/app:latest .
        \tdocker build --platform linux/amd64 -t ghcr.io/acme/app:1.4.2 -t docker.io/acme/app:latest .
        \tdocker tag quay.io/acme/app:$(VERSION) quay.io/acme/app:latest
        \tdocker push quay.io/acme/app:$(VERSION)
        \tdocker push quay.io/acme/app:latest
    """, "BC006", kind="makefile") == []
    # a latest pushed on its own is still reported, and an unknown $(IMG) may be latest too
    assert check("""
        latest:
        \tdocker push quay.io/acme/app:latest
        \tdocker build --platform linux/amd64 -t $(IMG) -t quay.io/acme/app --push .
    """, "BC006", kind="makefile") == [
        "2:14 BC006 docker push pushes quay.io/acme/app:latest: latest is a mutable tag.",
        "3:51 BC006 docker build tags the image quay.io/acme/app without a tag, which means"
        " quay.io/acme/app:latest, a mutable tag.",
    ]


def test_bc002_judges_each_image_by_its_own_builds():
    text = """
        #!/bin/sh
        docker buildx build --platform linux/amd64,linux/arm64 --push -t quay.io/acme/api:1.4.2 .
        docker buildx build --platform linux/arm64 --push -t quay.io/acme/edge-agent:1.4.2 ./agent
        # per-architecture builds of one image, then a manifest
        docker build --platform linux/amd64 -t quay.io/acme/web-amd64:1.4.2 ./web
        docker build --platform linux/arm64 -t quay.io/acme/web-arm64:1.4.2 ./web
    """
    assert check(text, "BC002", kind="shell", platforms=TWO) == [
        "3:21 BC002 docker buildx build leaves out the configured platform linux/amd64, so the image will not run"
        " there.",
    ]


def test_bc002_passes_local_builds():
    assert check("""
        build-ui:
        \tdocker build -t argocd-ui --platform=linux/amd64 --target argocd-ui .
        \tdocker run --rm -v $(CURDIR)/ui/dist/app:/tmp/app argocd-ui sh -c 'cp -r ./dist/app/* /tmp/app/'
    """, "BC002", kind="makefile", platforms=TWO) == []


def test_bc007_passes_cache_warming_and_first_pass_builds():
    assert check("""
        PLATFORMS ?= linux/amd64,linux/arm64
        cache:
        \tdocker buildx build --platform $(PLATFORMS) --cache-to type=registry,ref=quay.io/acme/app:cache .
        build:
        \tdocker buildx build --platform $(PLATFORMS) rootfs --tag quay.io/acme/nginx:1.2
        push: build
        \tdocker buildx build --platform $(PLATFORMS) rootfs --tag quay.io/acme/nginx:1.2 --push
    """, "BC007", kind="makefile") == []


def test_bc004_shows_the_value_as_written_never_a_placeholder():
    assert check("""
        ARCH ?= $(shell go env GOARCH)
        image:
        \tdocker build --build-arg TARGETARCH=$(shell go env GOARCH) -t app:1 --platform linux/arm64 .
        \tdocker build --build-arg TARGETARCH="$(ARCH)" --build-arg=TARGETOS=$(OS) -t app:1 --platform linux/arm64 .
        \tdocker build --build-arg TARGETARCH=$(shell go env GOARCH) -t app:1 .
    """, "BC004", kind="makefile") == [
        # (the third, without --platform, builds for its own machine: the value may well be its own)
        "3:15 BC004 --build-arg TARGETARCH=$(shell go env GOARCH) overrides the TARGETARCH that the builder sets"
        " for each target platform.",
        "4:15 BC004 --build-arg TARGETARCH=\"$(ARCH)\" overrides the TARGETARCH that the builder sets for each"
        " target platform.",
        "4:48 BC004 --build-arg TARGETOS=$(OS) overrides the TARGETOS that the builder sets for each target"
        " platform.",
    ]


def test_bc004_leaves_the_value_of_the_one_platform_named():
    # consul-k8s: --platform $(GOOS)/$(GOARCH) with TARGETARCH=$(GOARCH) (quoted, as make expands
    # it before the shell reads the quotes) says what the builder sets anyway; another value, or
    # several platforms, is an override
    assert check("""
        GOOS ?= $(shell go env GOOS)
        GOARCH ?= $(shell go env GOARCH)
        dev:
        \tdocker buildx build --platform $(GOOS)/$(GOARCH) -t acme/dev:1 --build-arg 'TARGETARCH=$(GOARCH)' --push .
        \tdocker buildx build --platform linux/amd64 -t acme/dev:2 --build-arg TARGETARCH=amd64 --build-arg TARGETOS=linux --push .
        \tdocker buildx build --platform linux/amd64 -t acme/dev:3 --build-arg TARGETARCH=arm64 --push .
        \tdocker buildx build --platform linux/amd64,linux/arm64 -t acme/dev:4 --build-arg TARGETARCH=amd64 --push .
    """, "BC004", kind="makefile") == [
        "6:59 BC004 --build-arg TARGETARCH=arm64 overrides the TARGETARCH that the builder sets for each target"
        " platform.",
        "7:71 BC004 --build-arg TARGETARCH=amd64 overrides the TARGETARCH that the builder sets for each target"
        " platform.",
    ]


def test_bc004_leaves_the_quoted_value_of_the_one_platform_named_in_a_script():
    # secrets-store-csi-driver's docker/build.sh: per os/arch, --platform "${os_name}/${arch}"
    # with TARGETARCH="${arch}" TARGETOS="${os_name}": what the builder sets anyway
    assert check("""
        for arch in amd64 arm64; do
          docker buildx build --push --platform "${os_name}/${arch}" -t "${IMAGE_TAG}-${arch}" \\
            --build-arg TARGETARCH="${arch}" --build-arg TARGETOS="${os_name}" .
          docker buildx build --push --platform "${os_name}/${arch}" --build-arg TARGETARCH="${other}" .
        done
    """, "BC004", kind="shell") == [
        "4:62 BC004 --build-arg TARGETARCH=${other} overrides the TARGETARCH that the builder sets for each target"
        " platform.",
    ]


def test_bc001_an_image_built_and_run_in_one_workflow_job_is_local():
    wf = """
    on: push
    jobs:
      smoke:
        runs-on: self-hosted
        steps:
          - run: docker build -t smoke-test .
          - run: docker run --rm smoke-test ./selftest
      publish:
        runs-on: self-hosted
        steps:
          - run: docker build -t ghcr.io/acme/app:1.0 .
          - run: docker push ghcr.io/acme/app:1.0
      other:
        runs-on: self-hosted
        steps:
          - run: docker run --rm ghcr.io/acme/app:1.0
    """
    # the smoke image never leaves its job's machine; the run in another job is another machine
    assert check(wf, "BC001", kind="workflow") == [
        "11:21 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc001_windows_images_are_built_for_their_windows_host():
    # argo-workflows' release job on windows-2022; aws-node-termination-handler's Dockerfile.windows
    wf = """
    on: push
    jobs:
      windows:
        runs-on: windows-2022
        steps:
          - uses: docker/login-action@v3
          - run: docker build -t quay.io/acme/exec:1-windows -f Dockerfile.windows . && docker push quay.io/acme/exec:1-windows
      linux:
        runs-on: self-hosted
        steps:
          - uses: docker/login-action@v3
          - run: docker build -t quay.io/acme/exec:1 . && docker push quay.io/acme/exec:1
    """
    assert [f.split()[0] for f in check(wf, "BC001", kind="workflow")] == ["12:21"]
    # splunk-otel-collector's Windows jobs: a run: step there is PowerShell (the runner's default,
    # or shell: pwsh / powershell / cmd): `.\cmd\otelcol\Dockerfile.windows` is a path, no shell
    # escapes; archlint reads POSIX shells only. shell: bash on a Windows runner is read
    ps = """
    on: push
    jobs:
      win:
        runs-on: windows-${{ matrix.v }}
        steps:
          - run: docker build -t acme/otel:1 -f .\\cmd\\otelcol\\Dockerfile.windows .\\cmd\\otelcol
          - run: docker build -t acme/otel:2 . && docker push acme/otel:2
            shell: bash
      lin:
        runs-on: self-hosted
        steps:
          - run: docker build -t acme/otel:3 . && docker push acme/otel:3
            shell: pwsh
      scan:
        runs-on: ${{ matrix.OS }}
        strategy:
          matrix:
            OS: [windows-2022, windows-2025]
        steps:
          - run: docker build -t otelcol-windows -f .\\cmd\\otelcol\\Dockerfile.windows .\\cmd\\otelcol\\
      any:
        runs-on: ${{ matrix.OS }}
        strategy:
          matrix:
            OS: [windows-2022, ubuntu-24.04]
        steps:
          - run: docker build -t acme/otel:4 .
    """
    from archlint.parsers import workflow_steps
    from archlint.parsers.yamldoc import parse
    from archlint.source import Source

    snips = workflow_steps.workflow_snippets(parse(Source(".github/workflows/w.yaml", textwrap.dedent(ps))))
    assert [s.text.strip() for s in snips] == ["docker build -t acme/otel:2 . && docker push acme/otel:2",
                                               "docker build -t acme/otel:4 ."]
    assert check("docker build --file \"${dockerfile}.windows\" -t a/b:1 . && docker push a/b:1\n", "BC001",
                 kind="shell") == []
    # dapr's docker-windows-base-build: the Dockerfile is a variable, the image is named for Windows
    mk = """
        DOCKER ?= docker
        docker-windows-base-build:
        \t$(DOCKER) build --build-arg WINDOWS_VERSION=$(WINDOWS_VERSION) -f docker/$(DOCKERFILE)-base docker -t $(DAPR_REGISTRY)/windows-base:$(WINDOWS_VERSION)
        \t$(DOCKER) build -f docker/$(DOCKERFILE)-base docker -t $(DAPR_REGISTRY)/windows-base:1 -t $(DAPR_REGISTRY)/base:1
        \t$(DOCKER) push $(DAPR_REGISTRY)/windows-base:$(WINDOWS_VERSION)
    """
    assert [f.split()[0] for f in check(mk, "BC001", kind="makefile")] == ["4:12"]


def test_bc001_an_image_known_only_by_its_id_stays_on_the_machine():
    # buildkit's hack/shell: run by its ID, then removed; argo-rollouts copies binaries out of one
    shell = """
        iidfile=$(mktemp)
        DOCKER_BUILDKIT=1 docker build --iidfile $iidfile --target dev-env .
        docker run --rm -it $(cat $iidfile)
        docker rmi $(cat $iidfile)
    """
    assert check(shell, "BC001", kind="shell") == []
    # an ID handed to docker tag can leave: reported
    tagged = shell + "docker tag $(cat $iidfile) ghcr.io/acme/dev:1\ndocker push ghcr.io/acme/dev:1\n"
    assert check(tagged, "BC001", kind="shell") == [
        "2:34 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc001_the_native_variant_of_a_multi_platform_build_beside_it():
    # keda: docker-build (native) and publish-multiarch build the same ${IMAGE_CONTROLLER}
    mk = """
        IMAGE_CONTROLLER = ghcr.io/kedacore/keda:$(VERSION)
        BUILD_PLATFORMS ?= linux/amd64,linux/arm64,linux/s390x
        docker-build:
        \tdocker build . -t ${IMAGE_CONTROLLER}
        \tdocker build -f Dockerfile.adapter . -t ghcr.io/kedacore/keda-adapter:$(VERSION)
        publish: docker-build
        \tdocker push $(IMAGE_CONTROLLER)
        publish-multiarch:
        \tdocker buildx build --output=type=registry --platform=${BUILD_PLATFORMS} . -t ${IMAGE_CONTROLLER}
    """
    # the adapter has no multi-platform build: still reported
    assert check(mk, "BC001", kind="makefile") == [
        "5:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc001_the_native_variant_of_a_build_for_platforms_a_variable_names():
    # karmada's hack/docker.sh: docker build when the asked platform is the machine's (isCross),
    # else docker buildx build --platform "${platforms}", the caller's BUILD_PLATFORMS
    sh = """
        #!/usr/bin/env bash
        REGISTRY=${REGISTRY:-"docker.io/karmada"}
        function build_local_image() {
          local -r image_name="${REGISTRY}/${1}:${VERSION}"
          docker build --build-arg BINARY="${1}" --tag "${image_name}" --file cluster/images/Dockerfile "_output/bin/${2}"
          docker push "${image_name}"
        }
        function build_cross_image() {
          local -r image_name="${REGISTRY}/${1}:${VERSION}" platforms=$2
          docker buildx build --output=type=registry --platform "${platforms}" --build-arg BINARY="${1}" \\
            --tag "${image_name}" --file cluster/images/buildx.Dockerfile _output/bin
        }
        docker build --tag "${REGISTRY}/tools:${VERSION}" tools
        docker push "${REGISTRY}/tools:${VERSION}"
    """
    # the tools image has no such twin: still reported
    assert check(sh, "BC001", kind="shell") == [
        "13:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]
    # other spellings of a list: a default, a _LIST name, a literal joined with a variable
    for many in ('"${PLATFORMS:-$DEFAULT_PLATFORMS}"', '"${PLATFORM_LIST}"', '"linux/amd64,${EXTRA_PLATFORMS}"'):
        twin = sh.replace('--platform "${platforms}"', f"--platform {many}")
        assert [ln.split(" ")[0] for ln in check(twin, "BC001", kind="shell")] == ["13:8"], many
    # a platform the file resolves to one value is no such twin, nor one a variable may hold
    # that is not a list (an architecture in a platform, a singular name)
    for one in ("linux/amd64", "linux/${ARCH}", '"${PLATFORM}"', "${2}", '"${PLATFORMS%%,*}"'):
        twin = sh.replace('--platform "${platforms}"', f"--platform {one}")
        assert [ln.split(" ")[0] for ln in check(twin, "BC001", kind="shell")] == ["5:10", "13:8"], one


def test_bc001_the_native_variant_of_a_multi_platform_build_whose_tags_are_unknown():
    # contour: multiarch-build's tags come from IMAGE_TAGS, set differently in an ifeq's branches
    # (unknown); container builds the same Dockerfile, context and build arguments natively
    mk = """
        IMAGE := ghcr.io/projectcontour/contour
        IMAGE_PLATFORMS ?= linux/amd64,linux/arm64
        ifeq ($(TAG_LATEST), true)
        	IMAGE_TAGS = --tag $(IMAGE):$(VERSION) --tag $(IMAGE):latest
        else
        	IMAGE_TAGS = --tag $(IMAGE):$(VERSION)
        endif
        multiarch-build:
        	docker buildx build --push --platform $(IMAGE_PLATFORMS) --build-arg "BUILD_VERSION=$(VERSION)" $(IMAGE_TAGS) $(shell pwd)
        container:
        	docker build --build-arg "BUILD_VERSION=$(VERSION)" $(shell pwd) --tag $(IMAGE):$(VERSION)
        envoy:
        	docker build -f Dockerfile.envoy --build-arg "BUILD_VERSION=$(VERSION)" $(shell pwd) --tag $(IMAGE)-envoy:$(VERSION)
        push: container
        	docker push $(IMAGE):$(VERSION) $(IMAGE)-envoy:$(VERSION)
    """
    # another Dockerfile has no multi-platform build: still reported
    assert check(mk, "BC001", kind="makefile") == [
        "13:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]
    # with platforms configured, the native build is judged as any other
    assert len(check(mk, "BC001", kind="makefile", platforms=TWO)) == 2


def test_bc001_a_one_part_name_no_registry_takes():
    # thanos: `docker build -t "thanos" .` and nothing pushes or re-tags `thanos` (a push of a
    # one-part name goes to Docker Hub's official namespace, which nobody can push to)
    mk = """
        docker:
        	@docker build -t "thanos" --build-arg BASE_DOCKER_SHA=$(BASE_DOCKER_SHA) .
        docker-e2e:
        	@docker build -f Dockerfile.e2e-tests -t "thanos:e2e" .
        docker-build-%:
        	@docker build -t "thanos-linux-$*" --build-arg ARCH="$*" -f Dockerfile.multi-arch .
    """
    # a variable in the name may add a namespace: still reported
    assert check(mk, "BC001", kind="makefile") == [
        "6:10 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]
    # re-tagged for a registry and pushed: the one-part name leaves the machine
    pushed = dedent(mk) + "push:\n\tdocker tag thanos quay.io/thanos/thanos:$(TAG)\n\tdocker push quay.io/thanos/thanos:$(TAG)\n"
    assert [f.split()[0] for f in check(pushed, "BC001", kind="makefile")] == ["2:10", "6:10"]


def test_bc001_a_build_handed_the_machines_architecture():
    # jaeger's Docker.mk and compose Makefiles, tempo's debug image: the binaries are compiled
    # for the machine (GOARCH ?= $(shell go env GOARCH)) and the build passes it as TARGETARCH
    mk = """
        GOARCH ?= $(shell go env GOARCH)
        TARGETPLATFORM ?= $(shell arch)
        docker-hotrod:
        \tdocker build -t jaegertracing/example-hotrod:$(TAG) ./examples/hotrod --build-arg TARGETARCH=$(GOARCH)
        monitor:
        \tdocker buildx build --tag jaegertracing/jaeger:dev --build-arg TARGETARCH=$(shell go env GOARCH) --load .
        pinned:
        \tdocker build -t jaegertracing/pinned:$(TAG) --build-arg TARGETARCH=amd64 .
        fips-dev:
        \tdocker build -t 'acme/fips-dev:$(TAG)' --build-arg 'TARGETARCH=$(GOARCH)' --push .
        runner:
        \tdocker build --build-arg TARGETPLATFORM=$(TARGETPLATFORM) -t acme/runner:$(TAG) --push .
        other:
        \tdocker build --build-arg TARGETOS=$(GOOS) -t acme/other:$(TAG) --push .
    """
    # actions-runner-controller's runner/Makefile: TARGETPLATFORM ?= $(shell arch), handed over
    # too. A literal architecture is not the machine's (BC004 says more of it), nor is an OS
    assert check(mk, "BC001", kind="makefile") == [
        "8:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it.",
        "14:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc001_an_olm_bundle_image_holds_no_program():
    # opentelemetry-operator's and intel-device-plugins' bundle-build targets: operator-sdk's
    # bundle.Dockerfile (FROM scratch, manifests as files), unpacked by OLM, never run
    mk = """
        bundle-build:
        \tdocker build --load -f ./bundle/$(BUNDLE_VARIANT)/bundle.Dockerfile -t $(BUNDLE_IMG) ./bundle
        \tpodman build -f $(BUNDLE_DIR)/bundle.Dockerfile -t quay.io/acme/op-bundle:1 $(BUNDLE_DIR)
        catalog-build:
        \tdocker build -f catalog.Dockerfile -t quay.io/acme/op-catalog:1 .
        \tdocker push quay.io/acme/op-bundle:1 quay.io/acme/op-catalog:1
    """
    assert check(mk, "BC001", kind="makefile") == [
        "5:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]
    # operator-lifecycle-manager's build_e2e_test_images.sh: what the script hands to OLM as a
    # bundle (opm index add --bundles, operator-sdk run bundle) is one, whatever its Dockerfile's name
    sh = """
        QUAY_REPO="${QUAY_REPO:-olmtest}"
        docker build -t quay.io/${QUAY_REPO}/busybox-bundle:1.0.0 ./test/images/busybox-index/busybox/1.0.0
        docker build -t quay.io/${QUAY_REPO}/busybox-dependency-bundle:1.0.0 ./test/images/busybox-dependency/1.0.0
        docker build -t quay.io/${QUAY_REPO}/index:1.0.0 ./test/images/index
        docker build -t quay.io/${QUAY_REPO}/op-bundle:2.0.0 ./bundle
        docker push quay.io/${QUAY_REPO}/busybox-bundle:1.0.0 quay.io/${QUAY_REPO}/index:1.0.0
        docker push quay.io/${QUAY_REPO}/busybox-dependency-bundle:1.0.0 quay.io/${QUAY_REPO}/op-bundle:2.0.0
        opm index add --bundles quay.io/${QUAY_REPO}/busybox-dependency-bundle:1.0.0,quay.io/olmtest/busybox-bundle:1.0.0 \\
            --tag quay.io/${QUAY_REPO}/busybox-index:1.0.0 -c docker
        ./bin/operator-sdk run bundle quay.io/${QUAY_REPO}/op-bundle:2.0.0 --namespace olm
    """
    assert [f.split()[0] for f in check(sh, "BC001", kind="shell")] == ["4:8"]
    # the short -b, options before run bundle's image, more blanks; not opm's other -b (a builder)
    short = sh.replace("opm index add --bundles", "opm index add -b").replace(
        "operator-sdk run bundle quay.io/${QUAY_REPO}/op-bundle:2.0.0 --namespace olm",
        "operator-sdk  run  bundle --namespace olm quay.io/${QUAY_REPO}/op-bundle:2.0.0")
    assert [f.split()[0] for f in check(short, "BC001", kind="shell")] == ["4:8"]
    builder = sh.replace("./bin/operator-sdk run bundle", "docker build -t docker .\n        docker push docker\n"
                         "        opm alpha bundle build --directory ./manifests --tag x -b docker\n"
                         "        ./bin/operator-sdk run bundle")
    assert [f.split()[0] for f in check(builder, "BC001", kind="shell")] == ["4:8", "10:8"]


def test_bc001_per_architecture_images_of_an_annotated_manifest_list():
    # cluster-api / kube-state-metrics: the architecture is a build argument, and the Makefile lists
    # each image under it with docker manifest annotate --arch
    mk = """
        ALL_ARCH ?= amd64 arm64
        docker-build-%:
        \tdocker build --build-arg ARCH=$* -t $(IMG)-$*:$(TAG) .
        other:
        \tdocker build -t $(IMG)-other:$(TAG) .
        docker-push-manifest:
        \tdocker manifest create --amend $(IMG):$(TAG) $(IMG)-amd64:$(TAG) $(IMG)-arm64:$(TAG)
        \t@for arch in $(ALL_ARCH); do docker manifest annotate --arch $${arch} $(IMG):$(TAG) $(IMG)-$${arch}:$(TAG); done
        \tdocker manifest push --purge $(IMG):$(TAG)
    """
    assert [f.split()[0] for f in check(mk, "BC001", kind="makefile")] == ["5:9"]
    # Prometheus' Makefile.common: docker manifest create -a alone (FROM busybox-${OS}-${ARCH}
    # and no --platform: BuildKit gives each image its base's platform, which the list reads)
    prom = mk.replace("\t@for arch in $(ALL_ARCH); do docker manifest annotate --arch $${arch} $(IMG):$(TAG) "
                      "$(IMG)-$${arch}:$(TAG); done\n", "").replace("create --amend", "create -a")
    assert "annotate" not in prom and [f.split()[0] for f in check(prom, "BC001", kind="makefile")] == ["5:9"]
    # without a manifest list, the build argument alone says nothing of the image's platform
    alone = "\n".join(line for line in mk.split("\n") if "manifest" not in line)
    assert len(check(alone, "BC001", kind="makefile")) == 2
    # security-profiles-operator's hack/image-cross.sh: the architecture in an argument's value
    sh = """
        for ARCH in amd64 arm64; do
            docker build -t "$IMAGE-$ARCH:$TAG" --build-arg version="$VERSION" --build-arg target="spo-$ARCH" .
            docker build -t "$IMAGE-debug-$ARCH:$TAG" --build-arg flavour="spo-$FLAVOUR" .
            docker push "$IMAGE-$ARCH:$TAG" "$IMAGE-debug-$ARCH:$TAG"
        done
        docker manifest create --amend "$IMAGE:$TAG" "$IMAGE-amd64:$TAG" "$IMAGE-arm64:$TAG"
        for ARCH in amd64 arm64; do docker manifest annotate --arch "$ARCH" "$IMAGE:$TAG" "$IMAGE-$ARCH:$TAG"; done
    """
    assert [f.split()[0] for f in check(sh, "BC001", kind="shell")] == ["3:12"]


def test_bc001_per_architecture_images_named_as_members_of_a_manifest_list():
    # sonobuoy's scripts/build_funcs.sh: one generated Dockerfile per architecture (FROM a base for
    # that CPU), each image tagged $2-<version> and listed as $arch-<version> in the manifest list
    sh = """
        #!/bin/bash
        build_container_dockerfile_arch() {
            docker build -t "$REGISTRY/$TARGET:$2-$IMAGE_VERSION" -t "$REGISTRY/$TARGET:$2-$(git describe --tags)" -f "$1" .
        }
        other() {
            docker build -t "$REGISTRY/$TARGET:$IMAGE_VERSION" -f Dockerfile.other .
        }
        push_all() {
            docker push "$REGISTRY/$TARGET:$2-$IMAGE_VERSION"
            docker push "$REGISTRY/$TARGET:$IMAGE_VERSION"
            for arch in "${LINUX_ARCH[@]}"; do
                docker manifest create "$REGISTRY/$TARGET:$1" --amend "$REGISTRY/$TARGET:$arch-$IMAGE_VERSION"
            done
            docker manifest push "$REGISTRY/$TARGET:$1"
        }
    """
    assert [f.split()[0] for f in check(sh, "BC001", kind="shell")] == ["6:12"]
    # a build whose own variable there is no argument nor named for the architecture is a flavour
    # of the release (a debug image), not a member of the list
    flavour = sh.replace('-t "$REGISTRY/$TARGET:$2-$IMAGE_VERSION" -t "$REGISTRY/$TARGET:$2-$(git describe --tags)"',
                         '-t "$REGISTRY/$TARGET:$IMAGE_VERSION-debug"').replace(":$2-$IMAGE_VERSION\"", ":$IMAGE_VERSION-debug\"")
    assert len(check(flavour, "BC001", kind="shell")) == 2
    # a list whose members' variable is not named for the architecture says nothing of them
    named = sh.replace("$arch-$IMAGE_VERSION", "$flavour-$IMAGE_VERSION").replace("for arch in", "for flavour in")
    assert len(check(named, "BC001", kind="shell")) == 2


def test_bc001_a_runbook_that_builds_in_one_block_and_runs_in_another_stays_local():
    md = """
    # Try it

    ```bash
    docker build -t stream-generator .
    ```

    Then start it:

    ```bash
    docker run --rm stream-generator --rate 10
    ```

    To publish:

    ```bash
    docker build -t ghcr.io/acme/api:1.2 .
    docker push ghcr.io/acme/api:1.2
    ```
    """
    assert check(md, "BC001", kind="markdown") == [
        "16:8 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc001_a_build_that_names_no_image_stays_on_its_machine():
    # docker/buildx's and moby/buildkit's reference pages: builds that show a flag, naming no
    # image, exporting files, or tagged with a placeholder no registry accepts
    md = """
    ```console
    $ docker buildx build --add-host my_hostname=8.8.8.8 .
    $ docker buildx build -o outdir .
    $ docker build --build-arg username=what_user .
    $ docker buildx build -t TAG --annotation "foo=bar" --push .
    $ docker buildx --builder dev build ...
    $ docker buildx build --iidfile img.id .
    $ podman build --manifest quay.io/acme/app:1 .
    $ docker buildx build -o type=registry,name=quay.io/acme/app:1 .
    $ docker buildx build -t docker/apache:2.0 .
    ```
    """
    # in a document that pushes nothing, only the export that pushes leaves the machine (an ID
    # handed on, a manifest list, a tag: the reader's own builds)
    assert check(md, "BC001", kind="markdown") == [
        "9:17 BC001 docker buildx build has no --platform, so the image is built for the CPU of the machine that"
        " runs it.",
    ]
    # the same commands in a script: the named builds are reported (the ID in img.id names no
    # image, and nothing in the script tags or pushes one by ID)
    script = "\n".join(line.strip().removeprefix("$ ") for line in md.splitlines() if "docker" in line or "podman" in line)
    assert [f.split()[0] for f in check(script, "BC001", kind="shell")] == ["7:8", "8:15", "9:15"]


def test_bc001_reads_builds_and_runs_in_called_defines():
    # argo-cd: the test-tools image is built by one target and run by a define other targets
    # $(call); a release define builds a pushed image
    assert check("""
        IMG ?= argocd-test-tools
        define run-in
        \tdocker run --rm -it \\
        \t\t-v $(CURDIR):/src \\
        \t\t$(IMG):latest bash -c "$(1)"
        endef
        define build-it
        \tdocker build -t quay.io/acme/$(1):v1 .
        endef
        tools:
        \tdocker build -t $(IMG) -f test/Dockerfile .
        test: tools
        \t$(call run-in,make test-local)
        release:
        \t$(call build-it,api)
        \tdocker push quay.io/acme/api:v1
    """, "BC001", kind="makefile") == [
        "15:2 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc001_a_local_twin_of_a_build_that_pushes_itself_is_not_reported():
    # kubernetes/examples guestbook-go: `make build` loads the image, `make push` builds and
    # pushes its own; the push is the build that reaches the registry
    mk = """
        VERSION?=v3
        REGISTRY?=staging-k8s.gcr.io
        build:
        \tdocker buildx build --load -t ${REGISTRY}/guestbook:${VERSION} .
        push:
        \tdocker buildx build --push -t ${REGISTRY}/guestbook:${VERSION} .
        other:
        \tdocker buildx build --load -t ${REGISTRY}/other:${VERSION} .
    """
    assert check(mk, "BC001", kind="makefile") == [
        "6:16 BC001 docker buildx build has no --platform, so the image is built for the CPU of the machine that runs"
        " it.",
        "8:16 BC001 docker buildx build has no --platform, so the image is built for the CPU of the machine that runs"
        " it.",
    ]
    # a docker push sends the loaded image itself: the load is not a twin then
    assert len(check(mk + "        push-loaded:\n        \tdocker push ${REGISTRY}/guestbook:${VERSION}\n",
                     "BC001", kind="makefile")) == 3


def test_bc001_a_docker_manifest_list_of_the_same_name_pushes_no_local_image():
    # secrets-store-csi-driver: `make container` is kind-loaded; the release pushes per-platform
    # images and a docker manifest list named like the local image, assembled in the registry
    mk = """
        IMAGE_TAG=gcr.io/k8s-staging/driver:v1.6.0
        container:
        	docker buildx build --no-cache -t $(IMAGE_TAG) -f docker/Dockerfile .
        e2e-container: container
        	kind load docker-image --name kind $(IMAGE_TAG)
        container-linux:
        	docker buildx build --output=type=registry --platform="linux/$(ARCH)" -t $(IMAGE_TAG)-linux-$(ARCH) .
        manifest:
        	docker manifest create --amend $(IMAGE_TAG) $(IMAGE_TAG)-linux-amd64 $(IMAGE_TAG)-linux-arm64
        	docker manifest push --purge $(IMAGE_TAG)
    """
    assert check(mk, "BC001", kind="makefile") == []
    # a docker push of the name sends the local image itself; podman's manifest list is a local one
    assert len(check(mk + "        push:\n        \tdocker push $(IMAGE_TAG)\n", "BC001", kind="makefile")) == 1
    assert len(check(mk.replace("docker manifest push", "podman manifest push"), "BC001", kind="makefile")) == 1


def test_bc001_an_unknown_image_name_is_not_a_placeholder():
    assert check("""
        build:
        \tdocker build -t $(IMG) .
    """, "BC001", kind="makefile") == [
        "2:9 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc006_passes_a_one_off_pod_deleted_on_exit():
    # ingress-nginx docs/troubleshooting.md: a throwaway curl pod
    assert check("""
        #!/bin/sh
        kubectl run --rm -it curl-test --image=curlimages/curl --restart=Never -- curl -s http://svc
        kubectl run debug --image=busybox:latest --restart=Never
    """, "BC006", kind="shell") == ["3:27 BC006 kubectl run deploys busybox:latest: latest is a mutable tag."]


def test_bc006_passes_a_test_pod_the_script_deletes_by_name_after():
    # openclaw-on-eks-graviton's validate-phase2.sh: a Kata test pod, deleted once checked; one
    # deleted before it is run, another pod's deletion or another script's say nothing of it
    assert check("""
        #!/bin/sh
        kubectl run kata-validation-test --image=busybox --restart=Never -- sh -c "uname -r && sleep 30"
        kubectl exec kata-validation-test -- uname -r
        kubectl delete pod kata-validation-test --ignore-not-found
        kubectl delete pod/old-probe
        kubectl run old-probe --image=busybox --restart=Never
        kubectl run keeper --image=busybox:latest
        kubectl delete pods other
        kubectl run dbg -n apps --image=busybox:latest
        kubectl delete pod dbg --namespace foo
        kubectl run dbg2 --namespace apps --image=busybox:1.36
        kubectl delete pod dbg2 -n apps
    """, "BC006", kind="shell") == [
        "6:31 BC006 kubectl run deploys busybox without a tag, which means busybox:latest, a mutable tag.",
        "7:28 BC006 kubectl run deploys busybox:latest: latest is a mutable tag.",
        "9:33 BC006 kubectl run deploys busybox:latest: latest is a mutable tag.",
    ]


def test_bc006_passes_a_probe_deployment_or_a_pod_named_by_a_variable_deleted_after():
    # cortex-k3s' Makefile backup target: `kubectl run backup-$$TIMESTAMP` then `kubectl delete
    # pod backup-$$TIMESTAMP`; k3s-flux's health check: a deployment created to count pods per node,
    # deleted by name after; a name from a command's output is another value at the deletion, and a
    # deployment deleted under another kind is still there
    assert check("""
        backup:
        \t@TIMESTAMP=$$(date +%s); \\
        \tkubectl run backup-$$TIMESTAMP -n $(NS) --image=busybox; \\
        \tkubectl delete pod backup-$$TIMESTAMP -n $(NS)
        restore:
        \tkubectl run restore-$$(date +%s) --image=busybox
        \tkubectl delete pod restore-$$(date +%s)
        probe:
        \tkubectl create deployment load-test --image=nginx --replicas=3
        \tkubectl delete deployment load-test
        \tkubectl create deployment kept --image=nginx
        \tkubectl delete pod kept
    """.replace("\\t", "\t"), "BC006", kind="makefile") == [
        "6:43 BC006 kubectl run deploys busybox without a tag, which means busybox:latest, a mutable tag.",
        "11:41 BC006 kubectl create deployment deploys nginx without a tag, which means nginx:latest, a mutable tag.",
    ]


def test_bc001_passes_a_build_in_a_branch_for_the_machines_own_cpu():
    # zeroprg's build scripts: `if [ "$(uname -m)" = "x86_64" ]; then docker build ...`, or a
    # variable set from uname -m: that machine's CPU is known there; the else branch, a test of
    # another variable (the target's), or an inequality say nothing of it
    assert [ln.split(" BC001")[0] for ln in check("""
        #!/bin/bash
        platform="$(uname -m)"
        if [ "$(uname -m)" = "x86_64" ]; then
          docker build --push -t acme/cam:amd64 .
        else
          docker build --push -t acme/cam:arm .
        fi
        if [ "$platform" = "x86_64" ]; then docker build --push -t acme/web:amd64 .; fi
        if [ "$TARGET" = "arm64" ]; then docker build --push -t acme/web:arm64 .; fi
        if [ "$platform" != "x86_64" ]; then docker build --push -t acme/web:other .; fi
    """, "BC001", kind="shell")] == ["6:10", "9:41", "10:45"]
    # a negated test, another way in, a variable the caller may set: any machine
    for head in ('if ! [ "$(uname -m)" = "x86_64" ]', 'if [ ! "$(uname -m)" = "x86_64" ]',
                 'if [ "$(uname -m)" = "x86_64" ] || true',
                 'ARCH=$(uname -m)\nif [ -n "$1" ]; then ARCH=$1; fi\nif [ "$ARCH" = x86_64 ]'):
        got = check(head + "; then\n  docker build --push -t acme/cam:amd64 .\nfi\n", "BC001", kind="shell")
        assert len(got) == 1, head


def test_bc001_a_ci_job_that_saves_or_uploads_its_image_keeps_it():
    wf = """
    on: push
    jobs:
      build:
        runs-on: self-hosted
        steps:
          - run: docker build -t ghcr.io/acme/app:1.0 .
          - run: docker save ghcr.io/acme/app:1.0 -o app.tar
          - uses: actions/upload-artifact@v4
            with: {name: image, path: app.tar}
    """
    assert check(wf, "BC001", kind="workflow") == [
        "6:21 BC001 docker build has no --platform, so the image is built for the CPU of the machine that runs it."]


def test_bc006_a_ci_job_that_moves_its_images_into_another_store_keeps_nothing():
    # KubeArmor's e2e jobs: docker save | sudo podman load into CRI-O's store on the runner, a
    # podman tag there, logs and coverage uploaded; saving to a file that is uploaded keeps it
    wf = """
    on: push
    jobs:
      e2e:
        runs-on: ubuntu-latest
        steps:
          - run: |
              make -C pkg/operator docker-build
              docker save kubearmor/kubearmor-operator:latest | sudo podman load
              sudo podman tag docker.io/kubearmor/kubearmor-operator:latest kubearmor/kubearmor-operator:latest
          - if: ${{ failure() }}
            uses: actions/upload-artifact@v4
            with: {name: logs, path: /tmp/kubearmor/}
    """
    assert check(wf, "BC006", kind="workflow") == []
    kept = wf.replace("| sudo podman load", "-o /tmp/op.tar")
    assert check(kept, "BC006", kind="workflow") == [
        "9:73 BC006 podman tag tags kubearmor/kubearmor-operator:latest: latest is a mutable tag."]
    # a load on another machine (over ssh), or a folder uploaded whatever the outcome (a script
    # may have saved the image into it)
    always = wf.replace("- if: ${{ failure() }}", "- if: ${{ always() }}")
    for other in (wf.replace("| sudo podman load", "| ssh deploy@prod docker load"), always):
        assert [x.split(" ")[1] for x in check(other, "BC006", kind="workflow")] == ["BC006"]
    # a coverage profile uploaded whatever the outcome: no image leaves
    assert check(always.replace("path: /tmp/kubearmor/", "path: coverage.out"), "BC006", kind="workflow") == []



def test_bc001_not_in_a_workflow_job_that_picks_its_runner_per_run():
    # jupyter/docker-stacks: one job per platform, each on a native runner chosen by an input
    text = """
        on: workflow_call
        jobs:
          build:
            runs-on: ${{ inputs.runs-on }}
            steps:
              - run: docker login -u x -p y quay.io
              - run: docker build -t quay.io/acme/app:1 .
              - run: docker push quay.io/acme/app:1
    """
    assert check(text, "BC001", kind="workflow") == []
    fixed = text.replace("${{ inputs.runs-on }}", "self-hosted")
    assert [ln.split(" ")[1] for ln in check(fixed, "BC001", kind="workflow")] == ["BC001"]


def test_bc001_a_hosted_runner_of_known_cpu_builds_for_it_unless_platforms_are_configured():
    # kubeflow/pipelines' build-tools-images.yml: tool images built and pushed on ubuntu-latest
    text = """
        on: push
        jobs:
          tools:
            runs-on: ubuntu-latest
            steps:
              - run: docker login -u x -p y ghcr.io
              - run: docker build --file backend/api/Dockerfile --tag ghcr.io/kubeflow/kfp-api-generator:1 .
              - run: docker push ghcr.io/kubeflow/kfp-api-generator:1
    """
    assert check(text, "BC001", kind="workflow") == []
    assert check(text.replace("ubuntu-latest", "ubuntu-24.04-arm"), "BC001", kind="workflow") == []
    # a configured target is checked: the runner could be changed under it (as aks-app's GHA001)
    for targets in (["linux/amd64"], ["linux/amd64", "linux/arm64"]):
        assert [ln.split(" ")[1] for ln in check(text, "BC001", kind="workflow", platforms=targets)] == ["BC001"]
    # a build on another machine than the runner: a remote builder, a DOCKER_HOST
    remote = text.replace("            steps:\n", "            steps:\n              - uses: docker/setup-buildx-action@v3\n"
                          "                with: {driver: remote, endpoint: 'tcp://arm64-builder.internal:1234'}\n")
    elsewhere = text.replace("            steps:\n", "            env: {DOCKER_HOST: 'ssh://builder@graviton.internal'}\n"
                             "            steps:\n")
    for other in (remote, elsewhere):
        assert [ln.split(" ")[1] for ln in check(other, "BC001", kind="workflow")] == ["BC001"], other
    # a runner whose CPU is not known here (self-hosted, macOS)
    for runner in ("self-hosted", "macos-14", "[self-hosted, linux]"):
        assert [ln.split(" ")[1] for ln in check(text.replace("ubuntu-latest", runner), "BC001", kind="workflow")] \
            == ["BC001"], runner


def test_a_scripts_function_that_runs_its_arguments_is_a_wrapper():
    # kwok's hack scripts: dry_run prints the command and evals it; log only prints it
    sh = """
        #!/usr/bin/env bash
        function dry_run() {
          echo "$*"
          if [[ "${DRY_RUN}" != "true" ]]; then
            eval "$*"
          fi
        }
        log() {
          echo "+ $*"
        }
        retry () { for i in 1 2 3; do "$@" && return; done; }
        dry_run docker build -t registry.example.com/kwok/kwok:v1 .
        dry_run docker push registry.example.com/kwok/kwok:v1
        log docker build -t registry.example.com/kwok/other:v1 .
        retry docker build -t registry.example.com/kwok/third:v1 .
    """
    assert [ln.split(" BC001")[0] for ln in check(sh, "BC001", kind="shell")] == ["12:16"]


def test_a_wrapper_defined_in_both_branches_of_an_if_is_a_wrapper():
    # a verbose and a quiet definition: the one that runs its arguments makes it a wrapper
    sh = """
        #!/bin/sh
        if [ -n "$VERBOSE" ]; then
          run() {
            "$@"
          }
        else
          run() {
            echo "+ $*"
          }
        fi
        run docker build -t registry.example.com/acme/app:1.0 .
        run docker push registry.example.com/acme/app:1.0
    """
    assert [ln.split(" BC001")[0] for ln in check(sh, "BC001", kind="shell")] == ["11:12"]


def test_bc006_a_push_whose_digest_the_script_reads_to_pin_its_consumers():
    # tilt's scripts/build-tilt-ci.sh: latest is the name it is pushed under; CI pins the digest
    sh = """
        #!/bin/bash
        IMAGE_NAME=docker/tilt-extensions-ci
        docker buildx build --push --platform linux/amd64 -t $IMAGE_NAME -f .circleci/Dockerfile .circleci
        docker pull "$IMAGE_NAME"
        DIGEST="$(docker inspect --format '{{.RepoDigests}}' "$IMAGE_NAME" | tr -d '[]')"
        yq eval -i ".jobs.test.docker[0].image = \\"$DIGEST\\"" .circleci/config.yml
        docker buildx build --push --platform linux/amd64 -t tiltdev/tilt-ci -f ci/Dockerfile ci
        docker buildx imagetools inspect tiltdev/tilt-ci --format '{{json .Manifest.Digest}}'
        docker buildx build --push --platform linux/amd64 -t tiltdev/other -f ci/Dockerfile ci
    """
    assert [ln.split(" BC006")[0] for ln in check(sh, "BC006", kind="shell")] == ["9:54"]


def test_bc006_a_digest_read_counts_only_after_the_push_and_outside_comments():
    sh = """
        #!/bin/sh
        OLD=$(crane digest ghcr.io/acme/app:latest)
        docker push ghcr.io/acme/app:latest
        # consumers may run: crane digest ghcr.io/acme/web:latest
        docker push ghcr.io/acme/web:latest
        IMAGE=ghcr.io/acme/api
        docker push "$IMAGE"
        skopeo inspect --format '{{.Digest}}' "docker://${IMAGE}:latest"
    """
    assert [ln.split(" BC006")[0] for ln in check(sh, "BC006", kind="shell")] == ["3:13", "5:13"]
