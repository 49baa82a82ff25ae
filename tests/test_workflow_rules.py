"""The GHA rules on inline workflows: each finding's position and message, no finding on the good
variants; a matrix of platforms is trusted; fixes; the shared sample."""
from __future__ import annotations

import pytest

from archlint.config import load_file
from archlint.engine import lint_file
from archlint.fixes import fix_text
from archlint.registry import get_rule

from helpers import ONE, SHARED, TWO, check, dedent, findings, ids, lint_inline, settings, show


GHA001_NO_PLATFORMS = """
    name: image
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: docker/build-push-action@v6
            with:
              push: true
              tags: ghcr.io/acme/api:${{ github.sha }}
          - name: no inputs
            uses: docker/build-push-action@v5.4.0
"""


GHA001_BOTH = [
    "8:15 GHA001 docker/build-push-action@v6 in job build has no platforms:, so the image is built for the"
    " runner's CPU.",
    "13:15 GHA001 docker/build-push-action@v5.4.0 in job build has no platforms:, so the image is built for the"
    " runner's CPU.",
]


@pytest.mark.parametrize("runner, table, expected", [
    # a runner of known CPU builds for it on every run: reported only against configured targets
    ("ubuntu-latest", {}, []),
    ("ubuntu-latest", {"platforms": ONE}, GHA001_BOTH),
    ("ubuntu-24.04-arm", {"platforms": TWO}, GHA001_BOTH),
    # one whose CPU is not known here
    # labels naming the CPU: a self-hosted runner's own, a larger runner's name (k6-operator)
    ("[self-hosted, linux, x64]", {}, []),
    ("[self-hosted, Linux, ARM64]", {}, []),
    ("ubuntu-x64", {}, []),
    ("linux-arm64-8core", {}, []),
    ("[self-hosted, linux, x64-builder-ext]", {}, []),
    ("ubuntu-x64", {"platforms": TWO}, GHA001_BOTH),
    # one whose CPU is not known here: no CPU named, two named, or a macOS or Windows one
    ("self-hosted", {}, GHA001_BOTH),
    ("macos-14", {}, GHA001_BOTH),
    ("macos-14-arm64", {}, GHA001_BOTH),
    ("[self-hosted, x64, arm64]", {}, GHA001_BOTH),
    ("[self-hosted, max64]", {}, GHA001_BOTH),
])
def test_gha001_flags_build_push_without_platforms(runner, table, expected):
    wf = GHA001_NO_PLATFORMS.replace("ubuntu-latest", runner)
    assert check(wf, "GHA001", kind="workflow", **table) == expected


def test_gha001_a_remote_builder_is_not_the_runner():
    # the build runs on the builder the job sets up (an arm64 machine), not on ubuntu-latest
    wf = GHA001_NO_PLATFORMS.replace("          - uses: actions/checkout@v4\n",
                                     "          - uses: actions/checkout@v4\n          - uses: docker/setup-buildx-action@v3\n"
                                     "            with: {driver: remote, endpoint: 'tcp://arm64-builder:1234'}\n")
    assert [x.split(" ")[1] for x in check(wf, "GHA001", kind="workflow")] == ["GHA001", "GHA001"]


def test_gha001_passes_an_image_thrown_away_with_the_runner():
    # kubeflow's setup-smoke: a test image loaded into kind on the same runner, nothing kept
    wf = """
        on: pull_request
        jobs:
          smoke:
            runs-on: self-hosted
            steps:
              - uses: docker/build-push-action@v6
                with:
                  load: true
                  tags: kfp/controller:test
              - run: kind load docker-image kfp/controller:test
          saved:
            runs-on: self-hosted
            steps:
              - uses: docker/build-push-action@v6
                with:
                  outputs: type=docker,dest=/tmp/image.tar
              - uses: actions/upload-artifact@v4
                with: {name: image, path: /tmp/image.tar}
    """
    # the saved job's image leaves the runner as an artifact: still reported
    assert check(wf, "GHA001", kind="workflow") == [
        "14:15 GHA001 docker/build-push-action@v6 in job saved has no platforms:, so the image is built for the"
        " runner's CPU."]


def test_gha001_passes_a_build_that_exports_files_not_an_image():
    # buildkit's dockerd.yml and linkerd's cli-build.yml: target binary, outputs a folder (kept as
    # an artifact, used on the same runner type): programs, not an image; a tarball of the
    # result the same; a pushed or image-typed output is an image
    wf = """
        on: push
        jobs:
          bin:
            runs-on: self-hosted
            steps:
              - uses: docker/build-push-action@v6
                with: {target: binary, outputs: /tmp/moby}
              - uses: docker/build-push-action@v6
                with:
                  outputs: |
                    type=local,dest=./bin
                    type=tar,dest=out.tar
              - uses: actions/upload-artifact@v4
                with: {name: bin, path: /tmp/moby}
          img:
            runs-on: self-hosted
            steps:
              - uses: docker/build-push-action@v6
                with: {outputs: "type=image,name=ghcr.io/acme/x:1,push=true"}
              - uses: docker/build-push-action@v6
                with: {outputs: /tmp/moby, push: true, tags: ghcr.io/acme/y:1}
    """
    assert [x.split(" GHA001 ")[0] for x in check(wf, "GHA001", kind="workflow")] == ["18:15", "20:15"]


def test_gha001_passes_a_job_whose_runner_is_picked_per_run():
    # redash's preview-image.yml: runs-on: ${{ matrix.os }} over ubuntu-22.04 and ubuntu-22.04-arm,
    # each architecture built natively and pushed by digest; a fixed runner is still reported
    wf = """
        on: push
        jobs:
          native:
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                include: [{arch: amd64, os: ubuntu-22.04}, {arch: arm64, os: ubuntu-22.04-arm}]
            steps:
              - uses: docker/login-action@v3
              - uses: docker/build-push-action@v6
                with: {outputs: "type=image,push-by-digest=true,push=true", tags: acme/app}
          fixed:
            runs-on: ubuntu-22.04
            steps:
              - uses: docker/login-action@v3
              - uses: docker/build-push-action@v6
                with: {push: true, tags: acme/app:1}
    """
    assert [x.split(" GHA001 ")[0] for x in check(wf, "GHA001", kind="workflow", platforms=ONE)] == ["16:15"]
    # a matrix whose runners are all amd64 builds amd64: reported against the targets
    amd = wf.replace("ubuntu-22.04-arm", "ubuntu-24.04")
    assert [x.split(" GHA001 ")[0] for x in check(amd, "GHA001", kind="workflow", platforms=ONE)] == ["10:15", "16:15"]


def test_gha_rules_pass_build_push_with_platforms():
    assert check("""
        name: image
        on: push
        env:
          DOCKER_DEFAULT_PLATFORM: linux/amd64
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64
                  push: true
              - uses: docker/build-push-action@v6
                with:
                  push: true
          other:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64
              # a similarly named action is not docker/build-push-action
              - uses: acme/docker-build-push-action@v1
    """, "GHA", kind="workflow", platforms=ONE) == []


GHA002_AMD64_ONLY = """
    name: image
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: docker/setup-qemu-action@v3
          - uses: docker/build-push-action@v6
            with:
              platforms: linux/amd64
              push: true
          - uses: docker/build-push-action@v6
            with:
              platforms: |
                linux/amd64
                linux/arm/v7
              push: true
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": TWO}, [
        "10:22 GHA002 platforms: of docker/build-push-action@v6 in job build leaves out linux/arm64, one of the"
        " configured platforms.",
        "14:11 GHA002 platforms: of docker/build-push-action@v6 in job build leaves out linux/arm64, one of the"
        " configured platforms.",
    ]),
    ({"platforms": ONE}, []),
    ({}, []),
])
def test_gha002_flags_platforms_leaving_out_a_target(table, expected):
    assert check(GHA002_AMD64_ONLY, "GHA002", kind="workflow", **table) == expected


def test_gha002_passes_platforms_covering_the_targets():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-qemu-action@v3
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64,linux/arm64/v8
                  push: true
              - uses: docker/build-push-action@v6
                with:
                  platforms: "linux/amd64, linux/arm64, linux/arm/v7"
                  push: true
    """, "GHA002", kind="workflow", platforms=TWO) == []


def test_gha002_reads_platforms_as_the_build_does():
    # linux/x86_64 is linux/amd64 to the build: this step builds amd64 twice and no arm64
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-qemu-action@v3
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64,linux/x86_64
    """, "GHA002", kind="workflow", platforms=TWO) == [
        "10:22 GHA002 platforms: of docker/build-push-action@v6 in job build leaves out linux/arm64, one of the"
        " configured platforms.",
    ]


def test_gha003_flags_multi_platform_without_qemu():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-buildx-action@v3
                with:
                  driver: docker
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64,linux/arm64
                  push: true
              - uses: docker/setup-qemu-action@v3
          unused:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-buildx-action@v3
                with: {use: false}
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64,linux/arm64
                  builder: default
          custom:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-buildx-action@v3
                with:
                  driver-opts: |
                    network=host
                    image=registry.example.com/buildkit:1
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64,linux/arm64
          late:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with:
                  platforms: >-
                    linux/amd64,
                    linux/s390x
    """, "GHA003", kind="workflow") == [
        "12:22 GHA003 docker/build-push-action@v6 in job build builds for linux/amd64, linux/arm64 but no earlier"
        " step sets up QEMU, so RUN steps of the other architectures fail.",
        "22:22 GHA003 docker/build-push-action@v6 in job unused builds for linux/amd64, linux/arm64 but no earlier"
        " step sets up QEMU, so RUN steps of the other architectures fail.",
        "34:22 GHA003 docker/build-push-action@v6 in job custom builds for linux/amd64, linux/arm64 but no earlier"
        " step sets up QEMU, so RUN steps of the other architectures fail.",
        "40:11 GHA003 docker/build-push-action@v6 in job late builds for linux/amd64, linux/s390x but no earlier step"
        " sets up QEMU, so RUN steps of the other architectures fail.",
    ]


GHA003_WITH_QEMU = """
    name: image
    on: push
    jobs:
      qemu:
        runs-on: ubuntu-latest
        steps:
          - uses: docker/setup-qemu-action@v3
          - uses: docker/setup-buildx-action@v3
          - uses: docker/build-push-action@v6
            with:
              platforms: linux/amd64,linux/arm64
      buildkit:
        # BuildKit's own image runs foreign RUN steps with the emulators it bundles (moby/buildkit#1516)
        runs-on: ubuntu-latest
        steps:
          - uses: docker/setup-buildx-action@v3
            with:
              driver-opts: image=moby/buildkit:v0.20.0
          - uses: docker/setup-buildx-action@v3
          - uses: docker/build-push-action@v6
            with:
              platforms: linux/amd64,linux/arm64
      binfmt:
        runs-on: ubuntu-latest
        steps:
          - run: docker run --privileged --rm tonistiigi/binfmt --install all
          - uses: docker/build-push-action@v6
            with:
              platforms: linux/amd64,linux/arm64
      x86:
        runs-on: ubuntu-latest
        steps:
          - uses: docker/build-push-action@v6
            with:
              platforms: linux/amd64,linux/386
      native:
        strategy:
          matrix:
            include:
              - platform: linux/amd64
                runner: ubuntu-24.04
              - platform: linux/arm64
                runner: ubuntu-24.04-arm
        runs-on: ${{ matrix.runner }}
        steps:
          - uses: docker/build-push-action@v6
            with:
              platforms: ${{ matrix.platform }}
              push: true
"""


@pytest.mark.parametrize("rule, table, expected", [
    ("GHA", {}, []),
    ("GHA003", {"platforms": TWO}, []),
])
def test_gha003_passes_qemu_set_up_first(rule, table, expected):
    assert check(GHA003_WITH_QEMU, rule, kind="workflow", **table) == expected


GHA004_INVALID = """
    name: image
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: docker/setup-qemu-action@v3
          - uses: docker/build-push-action@v6
            with:
              platforms: linux/amd64,linux/aarch64
          - uses: docker/build-push-action@v6
            with:
              platforms: |
                linux/amd64
                aarch64
                arm64
                linux/arm64/v9
          - uses: docker/build-push-action@v6
            with:
              platforms: "linux/amd46"
"""


def test_gha004_flags_invalid_platforms():
    assert check(GHA004_INVALID, "GHA004", kind="workflow") == [
        "10:34 GHA004 Non-canonical platform in platforms: of docker/build-push-action@v6: the build reads"
        " 'linux/aarch64' as linux/arm64.",
        "15:13 GHA004 Incomplete platform in platforms: of docker/build-push-action@v6: 'aarch64' names no OS, so"
        " the build adds its own (linux/arm64 on a Linux build machine).",
        "16:13 GHA004 Incomplete platform in platforms: of docker/build-push-action@v6: 'arm64' names no OS, so the"
        " build adds its own (linux/arm64 on a Linux build machine).",
        "17:13 GHA004 Invalid platform in platforms: of docker/build-push-action@v6: unknown variant 'v9' for arm64"
        " in platform 'linux/arm64/v9' (allowed: v8).",
        "20:23 GHA004 Invalid platform in platforms: of docker/build-push-action@v6: unknown architecture 'amd46' in"
        " platform 'linux/amd46'.",
    ]


def test_gha_rules_pass_valid_platforms():
    assert check("""
        name: image
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/setup-qemu-action@v3
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/amd64,linux/arm64
              - uses: docker/build-push-action@v6
                with:
                  platforms: linux/${{ matrix.arch }}
              # openbao's release-images: a comma inside an expression is the expression's
              - uses: docker/build-push-action@v6
                with:
                  platforms: ${{ join(matrix.distro.platforms, ',') }}
    """, "GHA", kind="workflow") == []


def test_a_matrix_of_platforms_is_trusted_everywhere():
    # GHA and BC: ${{ matrix.platform }} is trusted everywhere
    r = lint_inline(r"""
        name: release
        on:
          push:
            tags: ["v*"]
        env:
          REGISTRY: ghcr.io
        jobs:
          build:
            strategy:
              fail-fast: false
              matrix:
                platform:
                  - linux/amd64
                  - linux/arm64
            runs-on: ${{ matrix.platform == 'linux/arm64' && 'ubuntu-24.04-arm' || 'ubuntu-24.04' }}
            env:
              DOCKER_DEFAULT_PLATFORM: ${{ matrix.platform }}
            steps:
              - uses: actions/checkout@v4
              - uses: docker/setup-buildx-action@v3
              - uses: docker/build-push-action@v6
                with:
                  platforms: ${{ matrix.platform }}
                  outputs: type=image,push-by-digest=true,push=true
              - name: smoke test
                run: |
                  docker buildx build \
                    --platform "$DOCKER_DEFAULT_PLATFORM" \
                    --load -t smoke:${{ github.sha }} .
    """, kind="workflow", platforms=TWO)
    assert r.notices == []
    assert show(findings(r)) == []


def test_kind_by_path():
    assert lint_inline(GHA001_NO_PLATFORMS, name=".github/workflows/image.yml").kind == "workflow"


def test_gha001_fix_adds_platforms_to_with_or_adds_with():
    src = dedent(GHA001_NO_PLATFORMS)
    out = fix_text(".github/workflows/ci.yml", src, settings(platforms=ONE), kind="workflow")
    assert out.error is None and out.changed
    assert out.text == src.replace(
        "        with:\n          push: true\n",
        "        with:\n          platforms: linux/amd64\n          push: true\n",
    ).replace(
        "        uses: docker/build-push-action@v5.4.0\n",
        "        uses: docker/build-push-action@v5.4.0\n        with:\n          platforms: linux/amd64\n",
    )
    assert ids(out.result, "GHA") == []
    # several platforms: offered, but unsafe
    r = lint_inline(GHA001_NO_PLATFORMS, kind="workflow", platforms=TWO)
    assert [f.fix.safe for f in r.findings if f.rule_id == "GHA001"] == [False, False]


def test_gha004_fix_replaces_each_item():
    out = fix_text(".github/workflows/ci.yml", dedent(GHA004_INVALID), settings(), kind="workflow")
    assert out.error is None
    assert "platforms: linux/amd64,linux/arm64\n" in out.text
    # an architecture without OS is an unsafe fix (the client's OS is added)
    assert "            linux/amd64\n            aarch64\n            arm64\n            linux/arm64\n" in out.text
    out = fix_text(".github/workflows/ci.yml", dedent(GHA004_INVALID), settings(), kind="workflow", unsafe=True)
    assert "            linux/amd64\n            linux/arm64\n            linux/arm64\n            linux/arm64\n" in out.text
    assert 'platforms: "linux/amd64"' in out.text
    assert ids(out.result, "GHA004") == []


def test_messages():
    r = lint_inline(GHA002_AMD64_ONLY, kind="workflow", platforms=TWO)
    assert [f.message for f in r.findings if f.rule_id == "GHA002"] == [
        "platforms: of docker/build-push-action@v6 in job build leaves out linux/arm64, one of the configured"
        " platforms.",
        "platforms: of docker/build-push-action@v6 in job build leaves out linux/arm64, one of the configured"
        " platforms.",
    ]


def test_rule_metadata():
    expected = {
        "GHA001": ("build-push-without-platforms", "warning", "safe"),
        "GHA002": ("build-push-platform-mismatch", "error", None),
        "GHA003": ("multi-platform-without-qemu", "warning", None),
        "GHA004": ("invalid-platform", "error", "safe"),
    }
    for rid, (name, sev, fix) in expected.items():
        r = get_rule(rid)
        assert (r.name, r.severity.label, r.fix) == (name, sev, fix), rid
        assert r.kinds == frozenset({"workflow"})


@pytest.mark.skipif(not (SHARED / "samples").is_dir(), reason="../shared/samples not present")
def test_sample_aks_app_workflow():
    root = SHARED / "samples" / "aks-app"
    rel = ".github/workflows/ci.yml"
    r = lint_file(str(root / rel), rel, load_file(str(root / ".archlint.toml")))
    assert r.kind == "workflow"
    # build-push-action without platforms; the run: step's buildx build names its platform
    assert ids(r) == [("GHA001", 14, 15)]
    f = r.findings[0]
    assert f.fix is not None and f.fix.safe


def test_a_value_an_earlier_step_writes_to_github_env_overrides_the_workflows_env():
    # env: IMAGE_TAG: latest as a default, the real tag from $GITHUB_ENV: neither $IMAGE_TAG nor
    # ${{ env.IMAGE_TAG }} is the workflow's literal after the write
    from helpers import check

    wf = """
        on: push
        env: {IMAGE_TAG: latest}
        jobs:
          release:
            runs-on: ubuntu-latest
            steps:
              - run: docker build -t ghcr.io/acme/early:${{ env.IMAGE_TAG }} . && docker push ghcr.io/acme/early:${{ env.IMAGE_TAG }}
              - run: echo "IMAGE_TAG=v1" >> "$GITHUB_ENV"
              - run: docker build -t ghcr.io/acme/app:${{ env.IMAGE_TAG }} . && docker push ghcr.io/acme/app:${{ env.IMAGE_TAG }}
              - run: docker build -t ghcr.io/acme/two:$IMAGE_TAG . && docker push ghcr.io/acme/two:$IMAGE_TAG
    """
    got = check(wf, "BC006", kind="workflow", name=".github/workflows/release.yml")
    assert got and all("acme/early" in x for x in got), got
