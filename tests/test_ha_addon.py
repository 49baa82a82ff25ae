"""Home Assistant add-ons (archlint/project/ha_addon.py): an add-on's configuration is the build
of the Dockerfile beside it, for the architectures it lists; an add-on whose users pull a prebuilt
image that nothing here builds has no findings on its Dockerfile.  Real trees, run through the
command line in this process."""
from __future__ import annotations

import pytest

from archlint import kinds
from test_project import found, graph_doc, run, tree


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")


# birdnet-go-dev (alexbelgium/hassio-addons): an amd64-only add-on fetching Intel's amd64 packages,
# with a Go stage on the build machine
DOCKERFILE = """
ARG BUILD_FROM=ghcr.io/hassio-addons/base:14.0.0
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app
FROM ${BUILD_FROM}
COPY --from=build /out/app /usr/bin/app
RUN curl -fsSL -o /tmp/icd.deb https://github.com/intel/compute-runtime/releases/download/24.1/intel-opencl-icd_24.1_amd64.deb
"""
CONFIG = """
name: BirdNET-Go dev
version: "1.0"
slug: birdnet-go-dev
description: test build
arch:
  - amd64
"""


def test_an_amd64_only_addon_fetching_amd64_builds_is_right(tmp_path, capsys):
    # (in the build machine's stage too: the add-on's build machine is amd64)
    dockerfile = DOCKERFILE.replace("RUN go build", "RUN curl -fsSLO https://github.com/microsoft/onnxruntime/releases/"
                                    "download/v1.20.1/onnxruntime-linux-x64-1.20.1.tgz && go build")
    root = tree(tmp_path / "a", {"birdnet/config.yaml": CONFIG, "birdnet/Dockerfile": dockerfile})
    assert found(run(root, capsys), "DF") == []
    # without its configuration the same Dockerfile is built for whatever CPU builds it
    (root / "birdnet/config.yaml").unlink()
    assert [f.split(" ", 2)[:2] for f in found(run(root, capsys), "DF") if " DF005 " not in f] == [
        ["birdnet/Dockerfile:2", "DF013"], ["birdnet/Dockerfile:3", "DF006"], ["birdnet/Dockerfile:6", "DF006"]]


def test_an_addon_for_several_cpus_names_the_one_that_gets_the_wrong_build(tmp_path, capsys):
    config = CONFIG.replace("  - amd64\n", "  - amd64\n  - aarch64\n")
    root = tree(tmp_path / "a", {"birdnet/config.yaml": config, "birdnet/Dockerfile": DOCKERFILE})
    assert found(run(root, capsys), "DF") == [
        "birdnet/Dockerfile:6 DF006 RUN fetches a build for amd64 (https://github.com/intel/compute-runtime/releases/"
        "download/24.1/intel-opencl-icd_24.1_amd64.deb) whatever the target platform; it is built for linux/amd64, "
        "linux/arm64 (birdnet/config.yaml:6), so the linux/arm64 image gets the amd64 build."]
    # (DF013 says nothing: the Supervisor builds the add-on on the device that runs it)


def test_a_prebuilt_addon_for_several_cpus_keeps_its_build_machine_finding(tmp_path, capsys):
    config = CONFIG.replace("  - amd64\n", "  - amd64\n  - aarch64\nimage: ghcr.io/me/birdnet-{arch}\n")
    wf = """
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: home-assistant/builder@2024.03.5
            with:
              args: --all --target /data/birdnet
    """
    root = tree(tmp_path / "a", {"birdnet/config.yaml": config, "birdnet/Dockerfile": DOCKERFILE,
                                 ".github/workflows/builder.yaml": wf})
    rules = sorted(f.split(" ", 2)[1] for f in found(run(root, capsys), "DF"))
    assert rules == ["DF006", "DF013"]
    doc = graph_doc(root, capsys)
    assert any(b["tool"] == "Home Assistant add-on" and b["platforms"] == ["linux/amd64", "linux/arm64"]
               and b["push"] for b in doc["builds"]), doc["builds"]


MIRROR_CONFIG = """
{
\t"name": "Firefly III",
\t"version": "6.1.0",
\t"slug": "fireflyiii",
\t"description": "a copy",
\t"arch": ["aarch64", "amd64"],
\t"image": "ghcr.nju.edu.cn/alexbelgium/fireflyiii-{arch}"
}
"""


def test_a_workflow_building_each_addon_per_architecture_builds_it_for_its_own(tmp_path, capsys):
    # alexbelgium's PR check: `${{ matrix.addon }}/Dockerfile` one architecture a row, the rows an add-on's
    # arch list allows; an amd64-only add-on's amd64 download stays right
    wf = """
    on: pull_request
    jobs:
      check:
        runs-on: ubuntu-latest
        strategy:
          matrix:
            addon: ${{ fromJSON(needs.find.outputs.addons) }}
            platform: [linux/amd64, linux/arm64]
        steps:
          - uses: docker/build-push-action@v6
            with: {context: "${{ matrix.addon }}", platforms: "${{ matrix.platform }}", load: true, tags: "t:1"}
    """
    files = {"birdnet/config.yaml": CONFIG, "birdnet/Dockerfile": DOCKERFILE, ".github/workflows/pr.yaml": wf}
    root = tree(tmp_path / "a", files)
    assert found(run(root, capsys), "DF006") == []
    # one build of every add-on for both at once builds this one for arm64 too
    files[".github/workflows/pr.yaml"] = wf.replace("${{ matrix.platform }}", "linux/amd64,linux/arm64")
    root = tree(tmp_path / "b", files)
    assert [f.split(" ", 2)[1] for f in found(run(root, capsys), "DF006")] == ["DF006"]


def test_a_copy_of_an_addon_whose_image_is_built_elsewhere_has_no_dockerfile_findings(tmp_path, capsys):
    # ha-china/hassio-addons: nightly copies of alexbelgium's, FaserF's, fredrikbaberg's... add-ons; users
    # pull their authors' images
    files = {"fireflyiii/config.json": MIRROR_CONFIG,
             "fireflyiii/Dockerfile": "FROM fireflyiii/core:latest\nRUN curl -o /x.deb https://example.org/tool_1_amd64.deb\n"}
    for owner in ("faserf", "fredrikbaberg"):
        files[f"{owner}-addon/config.yaml"] = f"slug: {owner}\narch: [amd64]\nimage: ghcr.io/{owner}/addon-{{arch}}\n"
        files[f"{owner}-addon/Dockerfile"] = "FROM alpine:3.20\n"
    root = tree(tmp_path / "a", files)
    assert found(run(root, capsys), "DF") == []
    # an author's own add-ons (one or two owners) keep their findings, built by hand or not; one owner
    # on two registries (ghcr.io/me, Docker Hub's me) is one
    own = {k: v for k, v in files.items() if not k.startswith("fredrikbaberg")}
    root = tree(tmp_path / "own", own)
    assert sorted(f.split(" ", 2)[1] for f in found(run(root, capsys), "DF")) == ["DF001", "DF006"]
    own["faserf-addon/config.yaml"] = own["faserf-addon/config.yaml"].replace("ghcr.io/faserf", "alexbelgium")
    own["hub-addon/config.yaml"] = "slug: hub\narch: [amd64]\nimage: ghcr.io/alexbelgium/hub-{arch}\n"
    own["hub-addon/Dockerfile"] = "FROM alpine:3.20\n"
    root = tree(tmp_path / "own2", own)
    assert sorted(f.split(" ", 2)[1] for f in found(run(root, capsys), "DF")) == ["DF001", "DF006"]
    # the repository that builds it (its add-on builder) keeps them
    files[".github/workflows/builder.yaml"] = """
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - run: docker run --rm --privileged -v "$PWD:/data" ghcr.io/home-assistant/amd64-builder --all --target /data/x
    """
    root = tree(tmp_path / "b", files)
    assert sorted(f.split(" ", 2)[1] for f in found(run(root, capsys), "DF")) == ["DF001", "DF006"]
    # and so does any build that may build it (a workflow step building each add-on's folder, whose
    # image a later step pushes: fabio-garavini's)
    files[".github/workflows/builder.yaml"] = """
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - id: info
            run: echo "target=fireflyiii" >> "$GITHUB_OUTPUT"
          - uses: docker/build-push-action@v6
            with: {load: true, context: "${{ steps.info.outputs.target }}", tags: "me/x:1"}
    """
    root = tree(tmp_path / "c", files)
    assert sorted(f.split(" ", 2)[1] for f in found(run(root, capsys), "DF")) == ["DF001", "DF006"]
    # not a document's local build after a `cd` into a clone of the add-on's upstream
    del files[".github/workflows/builder.yaml"]
    files["README.md"] = "```bash\ngit clone https://github.com/x/y.git\ncd y/fireflyiii\ndocker build -t y .\n```\n"
    root = tree(tmp_path / "d", files)
    assert found(run(root, capsys), "DF") == []


def test_build_from_per_architecture_is_the_base_not_the_arg_default(tmp_path, capsys):
    dockerfile = "ARG BUILD_FROM=homeassistant/amd64-base:latest\nFROM ${BUILD_FROM}\nRUN echo hi\n"
    config = CONFIG.replace("  - amd64\n", "  - amd64\n  - aarch64\n")
    build = "build_from:\n  amd64: ghcr.io/home-assistant/amd64-base:3.19\n  aarch64: ghcr.io/home-assistant/aarch64-base:3.19\n"
    root = tree(tmp_path / "a", {"x/config.yaml": config, "x/Dockerfile": dockerfile, "x/build.yaml": build})
    assert found(run(root, capsys), "DF001") == []
    # a build file that gives a rolling base keeps the finding (fabio-garavini's alpine:latest)
    (root / "x/build.yaml").write_text(build.replace(":3.19", ":latest"))
    assert [f.split(" ", 2)[1] for f in found(run(root, capsys), "DF001")] == ["DF001"]


def test_per_architecture_dockerfiles_are_each_built_for_theirs(tmp_path, capsys):
    config = CONFIG.replace("  - amd64\n", "  - amd64\n  - aarch64\n")
    root = tree(tmp_path / "a", {
        "x/config.yaml": config,
        "x/Dockerfile.aarch64": "FROM alpine:3.20\nRUN curl -o /t.tgz https://example.org/tool-linux-arm64.tgz\n",
        "x/Dockerfile": "FROM alpine:3.20\nRUN curl -o /t.tgz https://example.org/tool-linux-amd64.tgz\n"})
    assert found(run(root, capsys), "DF") == []
    builds = {b["dockerfile"]: b["platforms"] for b in graph_doc(root, capsys)["builds"]}
    assert builds == {"x/Dockerfile": ["linux/amd64"], "x/Dockerfile.aarch64": ["linux/arm64"]}


def test_a_dockerfile_of_an_addon_hints_at_build_arch(tmp_path, capsys):
    config = CONFIG.replace("  - amd64\n", "  - amd64\n  - armv7\n")
    dockerfile = "ARG BUILD_FROM\nARG BUILD_ARCH\nFROM ${BUILD_FROM}\nRUN curl -o /t.tgz https://example.org/tool-linux-amd64.tgz\n"
    root = tree(tmp_path / "a", {"x/config.yaml": config, "x/Dockerfile": dockerfile})
    doc = run(root, capsys)
    [f] = [f for f in doc["findings"] if f["rule"] == "DF006"]
    assert "linux/arm/v7 image gets the amd64 build" in f["message"]
    assert f["hint"].startswith("derive it: ${BUILD_ARCH}")


def test_a_dockerfile_bundled_below_an_addons_folder_is_source_not_a_build(tmp_path, capsys):
    # jdeath's tincisnotcatan: the add-on's Dockerfile copies tincisnotcatan-master/ in whole, an
    # upstream checkout with its own Dockerfile (and DockerfileOG) that nothing builds
    config = CONFIG.replace("slug: birdnet-go-dev", "slug: tincisnotcatan")
    files = {"tinc/config.yaml": config,
             "tinc/Dockerfile": "FROM alpine:3.20\nCOPY tincisnotcatan-master .\n",
             "tinc/tincisnotcatan-master/Dockerfile": "FROM ghcr.io/hassio-addons/base\nADD . /app\n",
             "tinc/.hidden/Dockerfile": "FROM alpine\nRUN apk add git\n",
             "proxy/Dockerfile": "FROM alpine\nRUN apk add nginx\n"}
    root = tree(tmp_path / "a", files)
    assert [f.split(" ", 2)[:2] for f in found(run(root, capsys), "DF0") if " DF005 " not in f] == [
        ["proxy/Dockerfile:1", "DF002"], ["tinc/.hidden/Dockerfile:1", "DF002"]]
    # a build of it (a script of the repository) makes it a build again
    files["build.sh"] = "docker build --push -t me/tinc:1 tinc/tincisnotcatan-master\n"
    root = tree(tmp_path / "b", files)
    assert "tinc/tincisnotcatan-master/Dockerfile:1" in [f.split(" ", 1)[0] for f in found(run(root, capsys), "DF")]


@pytest.mark.parametrize("path,head,kind", [
    ("addon/config.yaml", b"name: x\nversion: '1'\nslug: x\ndescription: d\narch:\n  - amd64\n", "ha-addon"),
    ("addon/config.yml", b"slug: x\narch: [amd64, aarch64]\n", "ha-addon"),
    ("addon/config.json", b'{\n  "slug": "x",\n  "arch": [\n    "amd64"\n  ]\n}\n', "ha-addon"),
    ("k2fsa/config.yaml", b'{\n  "slug": "k2fsa",\n  "arch": [\n    "amd64"\n  ]\n}\n', "ha-addon"),  # (JSON so named)
    ("addon/config.json", b'{"targets": [{"slug": "x", "arch": ["amd64"]}]}\n', None),  # (not at the top level)
    ("addon/config.json", b'{"slug": "x", "arch": ["amd64"], "a": ' + b"[" * 5000 + b"]" * 5000 + b"}", None),  # (deep)
    ("addon/config.yaml", b"server:\n  slug: x\n  arch: amd64\n", None),  # keys of something else
    ("app/config.json", b'{"arch": "amd64", "slug": "x"}\n', None),  # no list of architectures
    ("addon/CONFIG.json", b'{"slug": "x", "arch": ["amd64"]}\n', None),  # no name the Supervisor reads
    ("addon/config.json.old", b'{"slug": "x", "arch": ["amd64"]}\n', None),
    ("k8s/config.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {slug: x}\n", "kubernetes"),
])
def test_an_addon_configuration_is_known_by_its_name_and_keys(path, head, kind):
    assert kinds.detect(path, head) == kind
