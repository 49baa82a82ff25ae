"""The project model (issue 13): builds, images and deployments linked across files, the XF
rules on it, DF005/BC001 judged in context, and every way archlint runs (a whole run, named
files as pre-commit passes them, the result cache).  Real trees in temporary git repositories,
run through the command line in this process."""
from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from archlint import cli
from helpers import age_tree, later

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")


def tree(root: Path, files: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def run(root: Path, capsys, *args, fmt="json") -> dict | str:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        capsys.readouterr()
        cli.main(["check", "--output-format", fmt, *args])
        out = capsys.readouterr().out
    finally:
        os.chdir(cwd)
    return json.loads(out) if fmt == "json" else out


def graph_doc(root: Path, capsys) -> dict:
    """What ``archlint graph --output-format json`` prints in ``root``."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        capsys.readouterr()
        cli.main(["graph", "--output-format", "json"])
        return json.loads(capsys.readouterr().out)
    finally:
        os.chdir(cwd)


def found(doc: dict, prefix: str = "XF") -> list[str]:
    return sorted(f"{f['path']}:{f['line']} {f['rule']} {f['message']}" for f in doc["findings"]
                  if f["rule"].startswith(prefix) and not f["suppressed"])


def codes(doc: dict, prefix: str = "XF") -> list[tuple]:
    return sorted((f["path"], f["line"], f["rule"]) for f in doc["findings"]
                  if f["rule"].startswith(prefix) and not f["suppressed"])


# ---- the shared samples: the incidents archlint exists for ------------------------------------


def sample(name: str, tmp_path: Path) -> Path:
    if not (SAMPLES / name).is_dir():
        pytest.skip("the shared samples are not beside this checkout")
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root)
    (root / ".git").mkdir()
    return root


def test_athena_admin_laptop_build_deployed_to_amd64_nodes(tmp_path, capsys):
    doc = run(sample("athena-admin", tmp_path), capsys)
    assert found(doc) == [
        "k8s/backend.yaml:20 XF002 192.168.10.222:30500/athena-admin-backend:latest runs on amd64 nodes "
        "(nodeSelector), but its build (backend/deploy.sh:5) sets no platform: the image gets the CPU of "
        "whichever machine runs the build."]
    xf = next(f for f in doc["findings"] if f["rule"] == "XF002")
    # BC001 at the build names the deployment; DF005 names the build site that sets no platform
    bc = [f["message"] for f in doc["findings"] if f["rule"] == "BC001"]
    assert bc == ["docker build has no --platform, so the image is built for the CPU of the machine that runs it. "
                  "Its image is deployed by k8s/backend.yaml:20 on amd64 nodes."]
    df = [f["message"] for f in doc["findings"] if f["rule"] == "DF005"]
    assert df == ["FROM python:3.11-slim has no --platform, so the stage follows the build machine's CPU instead of "
                  "linux/amd64. It is built without --platform at backend/deploy.sh:5."]
    assert xf["severity"] == "warning"


def test_athena_admin_text_lists_the_other_files_under_the_finding(tmp_path, capsys):
    out = run(sample("athena-admin", tmp_path), capsys, fmt="text")
    block = out[out.index("XF002"):]
    block = block[:block.index("\n\n")]
    assert "= see: backend/deploy.sh:5: built here for the CPU of whichever machine runs it (no --platform)" in block


def test_kubernaut_runbook_push_replaces_the_multi_arch_tag(tmp_path, capsys):
    doc = run(sample("kubernaut", tmp_path), capsys)
    assert found(doc) == [
        "docs/DEPLOY.md:6 XF004 This build makes quay.io/kubernaut/notification:v1.0.1 for the CPU of whichever "
        "machine runs it (no --platform), but Makefile:8 builds the same tag for linux/amd64, linux/arm64: "
        "whichever is pushed last replaces the other."]


def test_dc001_leaves_the_repositorys_own_release_knob_alone(tmp_path, capsys):
    # jaeger's docker-compose/monitor: its own image on another registry, ${JAEGER_VERSION:-latest}
    root = tree(tmp_path / "a", {
        "Dockerfile": "FROM alpine:3.20\n",
        "Makefile": "image:\n\tdocker build --platform linux/amd64 -t jaegertracing/jaeger:dev . --load\n",
        "deploy/monitor/docker-compose.yml": """
            services:
              jaeger:
                image: cr.jaegertracing.io/jaegertracing/jaeger:${JAEGER_VERSION:-latest}
              grafana:
                image: grafana/grafana:${GRAFANA_VERSION:-latest}
              prometheus:
                image: prom/prometheus:v3.1.0
            """,
    })
    assert found(run(root, capsys), "DC001") == [
        "deploy/monitor/docker-compose.yml:5 DC001 Service grafana uses image grafana/grafana:latest with the mutable "
        "tag latest (the default in grafana/grafana:${GRAFANA_VERSION:-latest})."]


def test_dc001_leaves_an_image_the_repository_builds_and_pushes_nowhere(tmp_path, capsys):
    # OhMyMndy's homelab: helpers/docker-compose.yml builds ohmymndy/alpine (untagged) from its
    # Dockerfile, the deploy script builds it first, and litellm's compose file runs it: the
    # machine's own build; pushed by some file, it is a published latest again
    files = {
        "helpers/alpine/Dockerfile": "FROM alpine:3.23\n",
        "helpers/docker-compose.yml": "services:\n  alpine:\n    build:\n      dockerfile: ./alpine/Dockerfile\n"
                                      "    image: ohmymndy/alpine\n",
        "litellm/docker-compose.yml": "services:\n  init:\n    image: ohmymndy/alpine\n  db:\n    image: redis:latest\n"
                                      "  pg:\n    image: postgres:16.4\n",
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "DC001") == [("litellm/docker-compose.yml", 5, "DC001")]
    files["deploy/push.sh"] = "#!/bin/sh\ndocker push ohmymndy/alpine\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "DC001") == [
        ("litellm/docker-compose.yml", 3, "DC001"), ("litellm/docker-compose.yml", 5, "DC001")]


def test_xf004_leaves_alternatives_of_one_file_alone(tmp_path, capsys):
    # keda's Makefile: publish (native) beside publish-multiarch, the same tag; a runbook elsewhere
    # pushing that tag is reported
    files = {
        "Dockerfile": "FROM alpine:3.20\n",
        "Makefile": "publish:\n\tdocker build -t ghcr.io/acme/api:main .\n\tdocker push ghcr.io/acme/api:main\n"
                    "publish-multiarch:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --push"
                    " -t ghcr.io/acme/api:main .\n",
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "XF") == []
    files["docs/release.md"] = "```sh\ndocker build -t ghcr.io/acme/api:main . && docker push ghcr.io/acme/api:main\n```\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "XF") == [("docs/release.md", 2, "XF004")]
    # two documents' examples of one name (nerdctl's faq.md and multi-platform.md) race nothing
    docs = {"docs/faq.md": "```sh\nnerdctl build -t example.com/foo . && nerdctl push example.com/foo\n```\n",
            "docs/multi-platform.md": "```sh\nnerdctl build --platform=amd64,arm64 -t example.com/foo .\n"
                                      "nerdctl push --all-platforms example.com/foo\n```\n", "Dockerfile": "FROM alpine:3.20\n"}
    assert codes(run(tree(tmp_path / "c", docs), capsys), "XF") == []


def test_xf004_leaves_a_name_no_registry_serves(tmp_path, capsys):
    # metalk8s: two operators' kubebuilder Makefiles, IMG ?= controller:latest in both, one with
    # a docker-buildx target: no push of controller:latest lands anywhere
    mk = ("IMG ?= controller:latest\ndocker-build:\n\tdocker build -t ${IMG} .\ndocker-push:\n\tdocker push ${IMG}\n")
    files = {"operator/Dockerfile": "FROM alpine:3.20\n", "storage-operator/Dockerfile": "FROM alpine:3.20\n",
             "operator/Makefile": mk + "docker-buildx:\n\tdocker buildx build --push --platform=linux/amd64,linux/arm64"
                                       " --tag ${IMG} .\n",
             "storage-operator/Makefile": mk}
    assert codes(run(tree(tmp_path / "a", files), capsys), "XF004") == []
    files = {k: v.replace("controller:latest", "quay.io/acme/op:v1") for k, v in files.items()}
    assert codes(run(tree(tmp_path / "b", files), capsys), "XF004") == [("storage-operator/Makefile", 3, "XF004")]


def test_a_build_on_an_arm32v7_base_and_a_machines_branch_say_their_platform(tmp_path, capsys):
    # zeroprg's swarm: build.sh builds FROM arm32v7/python:${V}-buster (arm's whatever the version)
    # and pushes it, build_amd64.sh builds the same tag --platform=linux/arm/v7 (the same platform:
    # arm's default variant); cam/build.sh builds in `if [ "$(uname -m)" = "x86_64" ]` (the
    # machine's CPU is known there). A build for another platform, or outside the branch, is reported
    files = {
        "ui/Dockerfile": "ARG V=3.9\nFROM arm32v7/python:${V}-buster\n",
        "ui/build.sh": "docker build -t zeroprg/ui:latest .\ndocker push zeroprg/ui:latest\n",
        "ui/build_amd64.sh": "docker build --platform=linux/arm/v7 -t zeroprg/ui:latest .\ndocker push zeroprg/ui:latest\n",
        "cam/Dockerfile": "FROM python:3.12-slim\n",
        "cam/build.sh": 'if [ "$(uname -m)" = "x86_64" ]; then\n  docker build --push -t zeroprg/cam:amd64 .\nelse\n'
                        '  docker build --push -t zeroprg/cam:arm .\nfi\n',
        "web/Dockerfile": "FROM python:3.12-slim\n",
        "web/build.sh": 'platform="$(uname -m)"\nif [ "$platform" = "x86_64" ]; then\n  docker build --push -t zeroprg/web:amd64 .\nfi\n',
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "XF004") + codes(run(tree(tmp_path / "a", files), capsys), "BC001") \
        == [("cam/build.sh", 4, "BC001")]
    for other in ("linux/arm64", "linux/arm/v6,linux/arm/v7", "linux/arm/v6"):  # (arm is v7, as Docker reads it)
        changed = dict(files, **{"ui/build_amd64.sh": files["ui/build_amd64.sh"].replace("linux/arm/v7", other)})
        root = tree(tmp_path / other.replace("/", "_").replace(",", "-"), changed)
        # (the build of fewer platforms is the one reported)
        where = "ui/build.sh" if "," in other else "ui/build_amd64.sh"
        assert codes(run(root, capsys), "XF004") == [(where, 1, "XF004")], other


def test_a_project_rule_that_fails_is_an_internal_error_notice_not_a_failed_run(tmp_path, capsys, monkeypatch):
    from archlint.registry import RULES, load_family

    load_family("XF")

    def boom(ctx):
        raise AttributeError("no such attribute")
        yield  # (a generator, as the rules are)

    monkeypatch.setattr(RULES["XF004"], "check", boom)
    files = {"Dockerfile": "FROM alpine:latest\n", "build.sh": "docker build -f missing/Dockerfile -t quay.io/a/b:1 .\n"}
    doc = run(tree(tmp_path, files), capsys)
    assert codes(doc, "DF001") == [("Dockerfile", 1, "DF001")]  # the rest of the run stands
    assert [n["message"].split(" at ")[0] for n in doc["notices"] if n["rule"] == "AL004"] == [
        "internal error in rule XF004 (image-built-with-different-platforms) on the project: AttributeError: no such"
        " attribute"]


def test_an_image_its_node_never_pulls_that_the_repository_builds_is_the_loops(tmp_path, capsys):
    # kafka-docker-playground: `eval $(minikube docker-env)` and `docker build -t vdesabou/kafkajs-example`
    # in a runbook, the pod's image with imagePullPolicy: Never; another image is still judged
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n"
           "  - name: client\n    image: vdesabou/kafkajs-example\n    imagePullPolicy: Never\n"
           "  - name: other\n    image: vdesabou/other-example\n    imagePullPolicy: Never\n")
    files = {"Dockerfile": "FROM alpine:3.20\n", "pod.yml": pod,
             "notes.md": "```bash\neval $(minikube docker-env)\ndocker build -t vdesabou/kafkajs-example .\n```\n"}
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S") == [("pod.yml", 11, "K8S002")]


def test_xf004_leaves_a_workflow_build_written_to_a_file(tmp_path, capsys):
    # logging-operator: its e2e workflow exports controller:local to a tarball a later job loads
    # into kind; the Makefile's docker-push of that name pushes the Makefile's own build
    wf = ("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
          "      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n"
          "          context: .\n          tags: ghcr.io/acme/controller:local\n          OUT\n")
    files = {  # (a registry's name: a one-part controller:local is pushed nowhere, see above)
        "Dockerfile": "FROM alpine:3.20\n",
        "Makefile": "docker-build:\n\tdocker build . -t ghcr.io/acme/controller:local\ndocker-push:\n"
                    "\tdocker push ghcr.io/acme/controller:local\n",
        ".github/workflows/e2e.yaml": wf.replace("OUT", "outputs: type=docker,dest=/tmp/controller.tar"),
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "XF004") == []
    files[".github/workflows/e2e.yaml"] = wf.replace("OUT", "push: true")
    assert codes(run(tree(tmp_path / "b", files), capsys), "XF004") == [("Makefile", 2, "XF004")]


def test_aks_app_amd64_runner_builds_are_amd64_so_nothing_crosses_and_df005_is_quiet(tmp_path, capsys):
    doc = run(sample("aks-app", tmp_path), capsys)
    assert found(doc) == []
    # both builds of docker/Dockerfile produce linux/amd64 (the runner's, and --platform): DF005
    # has nothing to add; the per-file rules still judge the rest (GHA001, DF006, K8S004 ...)
    assert [f for f in doc["findings"] if f["rule"] == "DF005"] == []
    assert {"GHA001", "DF006", "K8S004"} <= {f["rule"] for f in doc["findings"]}


# ---- each rule on a small tree ------------------------------------------------------------------

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      nodeSelector:
        kubernetes.io/arch: amd64
      containers:
        - name: api
          image: quay.io/acme/api:1.4
"""


def test_xf001_nodes_pinned_to_an_arch_no_build_produces(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "Makefile": "push:\n\tdocker buildx build --platform linux/arm64 -t quay.io/acme/api:1.4 --push .\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "deploy/api.yaml": DEPLOY,
    })
    doc = run(root, capsys)
    assert found(doc) == ["deploy/api.yaml:11 XF001 quay.io/acme/api:1.4 runs on amd64 nodes (nodeSelector), but its "
                          "build (Makefile:2) produces only arm64."]
    xf = doc["findings"][[f["rule"] for f in doc["findings"]].index("XF001")]
    assert xf["severity"] == "error"


def test_xf001_silent_when_a_build_covers_the_nodes_or_its_platforms_are_unknown(tmp_path, capsys):
    for platform in ("linux/amd64,linux/arm64", "$(PLATFORMS)", "$${PLATFORM}"):
        root = tree(tmp_path / platform.replace("/", "_").replace("$", "d"), {
            "Makefile": f"push:\n\tdocker buildx build --platform {platform} -t quay.io/acme/api:1.4 --push .\n",
            "Dockerfile": "FROM alpine:3.20\n",
            "deploy/api.yaml": DEPLOY,
        })
        assert codes(run(root, capsys)) == [], platform


def test_a_variable_tag_links_and_an_unknown_repository_does_not(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "build.sh": '#!/bin/sh\ndocker buildx build --platform linux/arm64 -t "quay.io/acme/api:$VERSION" --push .\n'
                    'docker buildx build --platform linux/arm64 -t "$REGISTRY:$VERSION" --push .\n',
        "Dockerfile": "FROM alpine:3.20\n",
        "deploy/api.yaml": DEPLOY,
    })
    # the first build's tag is a pattern (quay.io/acme/api:*) that the deployment matches; the
    # second names no known repository and links nothing
    assert codes(run(root, capsys)) == [("deploy/api.yaml", 11, "XF001")]


def test_xf002_build_machine_image_on_pinned_nodes_but_not_a_local_build(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "deploy.sh": "#!/bin/sh\ndocker build -t quay.io/acme/api:1.4 .\ndocker push quay.io/acme/api:1.4\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "deploy/api.yaml": DEPLOY,
    })
    assert codes(run(root, capsys)) == [("deploy/api.yaml", 11, "XF002")]
    # built and run on the same machine, never pushed: a local image, nothing crosses
    (root / "deploy.sh").write_text("#!/bin/sh\ndocker build -t quay.io/acme/api:1.4 .\ndocker run quay.io/acme/api:1.4\n")
    assert codes(run(root, capsys, "--no-cache")) == []


def test_xf003_kubernetes_pods_may_land_on_either_arch_of_the_configured_platforms(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        ".archlint.toml": 'platforms = ["linux/amd64", "linux/arm64"]\n',
        "Makefile": "push:\n\tdocker buildx build --platform linux/amd64 -t ghcr.io/acme/api:2.0 --push .\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "k8s/api.yaml": DEPLOY.replace("      nodeSelector:\n        kubernetes.io/arch: amd64\n", "")
                              .replace("quay.io/acme/api:1.4", "ghcr.io/acme/api:2.0"),
        "compose.yaml": "services:\n  api:\n    image: ghcr.io/acme/api:2.0\n",
    })
    doc = run(root, capsys)
    # compose runs on the one machine that starts it: not judged by XF003
    assert found(doc) == ["k8s/api.yaml:9 XF003 ghcr.io/acme/api:2.0 may run on amd64, arm64 nodes (no arch constraint; "
                          "platforms lists linux/amd64, linux/arm64), but its build (Makefile:2) produces a "
                          "single-platform image (amd64)."]


def test_xf005_missing_dockerfile_relative_to_where_each_kind_runs(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "svc/Makefile": "image:\n\tdocker build -f docker/api.Dockerfile -t x/api:1 .\n"
                        "other:\n\tdocker build -f build/gone.Dockerfile -t x/gone:1 .\n"
                        "made:\n\tcp Dockerfile.dev dist\n\tdocker build -f dist/Dockerfile.dev -t x/dev:1 dist\n"
                        "moved:\n\tcd sub && docker build -f Dockerfile.sub .\n"
                        # cloudnative-pg: opm writes catalog.Dockerfile for the catalog folder
                        "catalog:\n\t$(OPM) generate dockerfile catalog\n"
                        "\tdocker build -f catalog.Dockerfile -t x/catalog:1 .\n"
                        # redis-operator: operator-sdk writes bundle.Dockerfile in its bundle target
                        "bundle:\n\t$(KUSTOMIZE) build config/manifests | $(OPERATOR_SDK) generate bundle -q\n"
                        "bundle-build:\n\tdocker build -f bundle.Dockerfile -t x/bundle:1 .\n",
        "svc/docker/api.Dockerfile": "FROM alpine:3.20\n",
        "svc/scripts/build.sh": "#!/bin/sh\ndocker build -f docker/api.Dockerfile -t x/api:1 .\n",
        # a document's build of a Dockerfile named like none here runs in another repository's
        # checkout (contour's guide to building Envoy): not judged; one whose path leads to a file
        # from some folder (docker/api.Dockerfile from svc/) runs where the reader is: not judged
        # either; a path that leads nowhere, its name found elsewhere, is a moved file: judged
        "docs/run.md": "```sh\ndocker build -f svc/docker/api.Dockerfile .\ndocker build -f deploy/api.Dockerfile .\n"
                       "docker build -f docker/api.Dockerfile .\ndocker build -f ./ci/Dockerfile-envoy --target envoy .\n```\n",
        ".github/workflows/ci.yml": """
            on: push
            jobs:
              b:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - uses: docker/build-push-action@v6
                    with: {file: svc/docker/api.Dockerfile, push: false}
                  - uses: docker/build-push-action@v6
                    with: {file: docker/api.Dockerfile, push: false}
            """,
        "docker-bake.hcl": 'target "a" {\n  context = "svc"\n  dockerfile = "docker/api.Dockerfile"\n}\n'
                           'target "b" {\n  dockerfile = "gone.Dockerfile"\n}\n'
                           'target "c" {\n  dockerfile-inline = "FROM alpine:3.20"\n}\n',
    })
    doc = run(root, capsys)
    # the script runs from svc/ (a folder above it); cp made dist/Dockerfile.dev; cd moved the build
    assert [(p, line) for p, line, _ in codes(doc)] == [
        (".github/workflows/ci.yml", 9), ("docker-bake.hcl", 5), ("docs/run.md", 3), ("svc/Makefile", 4)]
    assert "This build reads the Dockerfile build/gone.Dockerfile, which does not exist (looked for " \
           "svc/build/gone.Dockerfile)." in found(doc)[-1]


def test_xf005_leaves_a_compose_dockerfile_in_a_context_not_known_here(tmp_path, capsys):
    # wger's dev/docker-compose.yml: the context is the backend's checkout, a required variable;
    # a literal context keeps the judgement
    compose = ("services:\n  web:\n    build:\n      context: ${WGER_CODEPATH:?set the path to the backend}\n"
               "      dockerfile: ./extras/docker/development/Dockerfile\n")
    doc = run(tree(tmp_path / "a", {"dev/docker-compose.yml": compose}), capsys)
    assert codes(doc, "XF") == []
    doc = run(tree(tmp_path / "b", {"dev/docker-compose.yml": compose.replace(
        "${WGER_CODEPATH:?set the path to the backend}", "../backend")}), capsys)
    assert codes(doc, "XF") == [("dev/docker-compose.yml", 2, "XF005")]


def test_xf005_leaves_a_dockerfile_of_a_remote_context(tmp_path, capsys):
    # balena-engine's hack/make/test-docker-py: -f names a file of docker-py's repository, the context
    # a git URL with a commit a variable names; a local context keeps the judgement
    script = ('#!/bin/sh\nexec docker build ${build_opts} -t "${img}" -f tests/Dockerfile '
              '"https://github.com/docker/docker-py.git#${DOCKER_PY_COMMIT}"\n')
    assert codes(run(tree(tmp_path / "a", {"hack/test-docker-py.sh": script}), capsys), "XF") == []
    local = script.replace('"https://github.com/docker/docker-py.git#${DOCKER_PY_COMMIT}"', '"${SRC_DIR}/py"')
    assert codes(run(tree(tmp_path / "b", {"hack/test-docker-py.sh": local}), capsys), "XF") == [
        ("hack/test-docker-py.sh", 2, "XF005")]


def test_a_part_a_part_includes_is_read_from_where_make_runs(tmp_path, capsys):
    # minikube: the Makefile includes ./hack/prow/prow.mk, which includes ./hack/prow/prow_images.mk
    # (make reads both names from the top); its recipes' -f paths are the top's
    files = {
        "Makefile": "include ./hack/prow/prow.mk\n",
        "hack/prow/prow.mk": "include ./hack/prow/prow_images.mk\n",
        "hack/prow/prow_images.mk": "push-sp:\n\tdocker buildx build --push --platform linux/amd64,linux/arm64"
                                    " -t gcr.io/acme/sp:1 -f deploy/storage-provisioner/Dockerfile .\n",
        "deploy/storage-provisioner/Dockerfile": "FROM alpine:3.20\n",
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "XF") == []
    # a name found only beside the including part is read from there
    files["hack/prow/prow.mk"] = "include prow_images.mk\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "XF") == []


def test_xf006_base_image_built_here_for_fewer_platforms(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "Makefile": "base:\n\tdocker buildx build --platform linux/amd64 -t ghcr.io/acme/base:1 --push base\n"
                    "app:\n\tdocker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/acme/app:1 --push app\n",
        "base/Dockerfile": "FROM debian:12\n",
        "app/Dockerfile": "ARG BASE=ghcr.io/acme/base:1\nFROM ${BASE}\nFROM --platform=linux/amd64 ghcr.io/acme/base:1 AS pinned\n",
    })
    assert found(run(root, capsys)) == [
        "app/Dockerfile:2 XF006 FROM ghcr.io/acme/base:1: this Dockerfile is built for linux/amd64, linux/arm64 "
        "(Makefile:4), but the repository builds ghcr.io/acme/base:1 only for linux/amd64 (Makefile:2)."]


def test_bake_targets_inherit_platforms_and_kustomize_overrides_deploy_another_name(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "docker-bake.hcl": """
            variable "TAG" { default = "2.1" }
            target "common" { platforms = ["linux/amd64"] }
            target "ctl" {
              inherits = ["common"]
              context = "ctl"
              tags = ["ghcr.io/acme/ctl:${TAG}"]
              output = ["type=registry"]
            }
            """,
        "ctl/Dockerfile": "FROM alpine:3.20\n",
        "base/dep.yaml": DEPLOY.replace("amd64", "arm64").replace("quay.io/acme/api:1.4", "controller:latest"),
        "base/kustomization.yaml": "resources: [dep.yaml]\n",
        "overlay/kustomization.yaml": 'resources: [../base]\nimages:\n  - name: controller\n'
                                      '    newName: ghcr.io/acme/ctl\n    newTag: "2.1"\n',
    })
    assert found(run(root, capsys)) == [
        "overlay/kustomization.yaml:5 XF001 ghcr.io/acme/ctl:2.1 runs on arm64 nodes (nodeSelector), but its build "
        "(docker-bake.hcl:3) produces only amd64."]


def test_a_matrix_workflow_build_has_unknown_platforms(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        ".github/workflows/release.yml": """
            on: push
            jobs:
              img:
                runs-on: ubuntu-latest
                strategy:
                  matrix: {platform: [linux/amd64, linux/arm64]}
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      platforms: ${{ matrix.platform }}
                      tags: quay.io/acme/api:1.4
                      push: true
            """,
        "Dockerfile": "FROM alpine:3.20\n",
        "deploy/api.yaml": DEPLOY.replace("amd64", "arm64"),
    })
    assert codes(run(root, capsys)) == []
    # the same step without platforms builds on the amd64 runner: the arm64 nodes get amd64
    wf = root / ".github/workflows/release.yml"
    wf.write_text(wf.read_text().replace("platforms: ${{ matrix.platform }}", "context: ."))
    assert codes(run(root, capsys)) == [("deploy/api.yaml", 11, "XF001")]


# ---- how archlint runs: named files, the cache, SARIF -------------------------------------------


def athena(tmp_path) -> Path:
    return tree(tmp_path / "r", {
        ".archlint.toml": 'platforms = ["linux/amd64"]\n',
        "deploy.sh": "#!/bin/sh\ndocker build -t reg.example.com/app:1 .\ndocker push reg.example.com/app:1\n",
        "Dockerfile": "FROM python:3.12-slim\n",
        "k8s/app.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "reg.example.com/app:1"),
    })


def test_named_files_see_the_whole_repository_and_report_only_what_touches_them(tmp_path, capsys):
    root = athena(tmp_path)
    # pre-commit names the manifest alone: the build in deploy.sh is still known
    doc = run(root, capsys, "k8s/app.yaml")
    assert {f["path"] for f in doc["findings"]} == {"k8s/app.yaml"}
    assert codes(doc) == [("k8s/app.yaml", 11, "XF002")]
    # the script alone: the cross-file finding names it among its related locations, so it is
    # reported (at the manifest); the manifest's own findings are not
    doc = run(root, capsys, "deploy.sh")
    assert codes(doc) == [("k8s/app.yaml", 11, "XF002")]
    assert {f["rule"] for f in doc["findings"] if f["path"] == "k8s/app.yaml"} == {"XF002"}
    # the Dockerfile alone: nothing of the project rules touches it, but DF005 is judged in context
    doc = run(root, capsys, "Dockerfile")
    assert codes(doc) == []
    assert [f["message"] for f in doc["findings"] if f["rule"] == "DF005"] == [
        "FROM python:3.12-slim has no --platform, so the stage follows the build machine's CPU instead of "
        "linux/amd64. It is built without --platform at deploy.sh:2."]


def test_a_changed_build_changes_the_manifests_finding_cached_and_uncached_alike(tmp_path, capsys):
    root = athena(tmp_path)
    first = run(root, capsys)
    assert codes(first) == [("k8s/app.yaml", 11, "XF002")]
    (root / "deploy.sh").write_text("#!/bin/sh\ndocker build --platform linux/amd64 -t reg.example.com/app:1 .\n"
                                    "docker push reg.example.com/app:1\n")
    for args in ((), ("--no-cache",), ("k8s/app.yaml",), ("Dockerfile",)):
        doc = run(root, capsys, *args)
        assert codes(doc) == [], args
        assert [f for f in doc["findings"] if f["rule"] == "DF005"] == [], args
    cached, fresh = run(root, capsys, fmt="text"), run(root, capsys, "--no-cache", fmt="text")
    assert cached == fresh


def test_a_missing_dockerfile_of_a_documentation_excerpt_is_not_reported(tmp_path, capsys):
    # skaffold's docs-v2/content/en/samples/*.yaml: the pages show them, the reader has the Dockerfile
    sample = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n" \
             "    docker:\n      dockerfile: app/Dockerfile\n"
    # a Markdown page's steps are the reader's to run: judged (test_xf005_missing_dockerfile_...)
    root = tree(tmp_path / "r", {"docs-v2/content/en/samples/skaffold.yaml": sample, "docs/build.sh":
                                 "#!/bin/sh\ndocker build -f docker/api.Dockerfile -t x/api:1 .\n",
                                 "docs/guide.md": "```sh\ndocker build -f docker/api.Dockerfile -t x/api:1 .\n```\n",
                                 "docker/other.Dockerfile": "FROM alpine:3.20\n",
                                 "svc/api.Dockerfile": "FROM alpine:3.20\n",
                                 "samples/skaffold.yaml": sample})
    assert codes(run(root, capsys)) == [("docs/guide.md", 2, "XF005"), ("samples/skaffold.yaml", 5, "XF005")]


def test_a_dockerfile_the_document_shows_or_the_caller_names_is_not_missing(tmp_path, capsys):
    # gitlab-runner's docs: "1. Create `alpine-upgrade/Dockerfile`", its content in a dockerfile
    # block, then the build reading it: the reader's file; a build above the block, or in a page
    # showing none, still reads a file that should be there.  database-lab-engine's CI script:
    # docker_file=${DOCKER_FILE:-"Dockerfile"}, every job setting DOCKER_FILE: the caller's file
    page = ("Build one first:\n```shell\ndocker build -f web/Dockerfile -t acme/web:1 web\n```\n"
            "1. Create `alpine-upgrade/Dockerfile`:\n\n```dockerfile\nFROM alpine:3.20\nRUN apk upgrade\n```\n"
            "2. Build it:\n```shell\ndocker build -f alpine-upgrade/Dockerfile -t acme/up:1 alpine-upgrade\n```\n")
    script = ('#!/bin/sh\nset -e\ndocker_file=${DOCKER_FILE:-"Dockerfile"}\n'
              'docker build -t acme/db:1 --file "$docker_file" .\n'
              'docker build -t acme/db-cli:1 --file Dockerfile.cli .\n')
    root = tree(tmp_path / "r", {"docs/install.md": page, "other.md": page.split("1. Create")[0] + page.split("2. ")[1],
                                 "engine/scripts/build.sh": script, "engine/Dockerfile.server": "FROM alpine:3.20\n",
                                 "api/Dockerfile": "FROM alpine:3.20\n"})
    assert codes(run(root, capsys)) == [("docs/install.md", 3, "XF005"), ("engine/scripts/build.sh", 5, "XF005"),
                                        ("other.md", 3, "XF005"), ("other.md", 7, "XF005")]


def test_a_dockerfile_appearing_ends_a_missing_dockerfile_finding(tmp_path, capsys):
    root = tree(tmp_path / "r", {"Makefile": "image:\n\tdocker build -f docker/api.Dockerfile -t x/api:1 .\n"})
    assert codes(run(root, capsys)) == [("Makefile", 2, "XF005")]
    (root / "docker").mkdir()
    (root / "docker/api.Dockerfile").write_text("FROM alpine:3.20\n")
    assert codes(run(root, capsys)) == []


def test_sarif_names_every_file_involved_and_is_valid(tmp_path, capsys):
    from test_output_sarif import validate

    doc = run(athena(tmp_path), capsys, fmt="sarif")
    sarif = json.loads(doc)
    validate(sarif)
    res = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "XF002"]
    assert len(res) == 1
    rel = res[0]["relatedLocations"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in rel] == ["deploy.sh"]
    assert rel[0]["physicalLocation"]["region"]["startLine"] == 2


def test_inline_suppression_and_ignore_switch_project_rules_off(tmp_path, capsys):
    root = athena(tmp_path)
    app = root / "k8s/app.yaml"
    app.write_text(app.read_text().replace("image: reg.example.com/app:1",
                                           "image: reg.example.com/app:1  # archlint: ignore[XF002]"))
    doc = run(root, capsys)
    assert codes(doc) == []
    assert [f["suppressed"] for f in doc["findings"] if f["rule"] == "XF002"] == [True]
    app.write_text(DEPLOY.lstrip("\n").replace("quay.io/acme/api:1.4", "reg.example.com/app:1"))
    assert codes(run(root, capsys, "--ignore", "XF")) == []
    assert codes(run(root, capsys, "--ignore", "XF002")) == []
    assert codes(run(root, capsys)) == [("k8s/app.yaml", 11, "XF002")]


def test_facts_read_back_from_the_cache_are_checked(tmp_path):
    from archlint.project.fact_check import check

    good = {"builds": [{"span": [1, 1, 1, 2], "tool": "docker build", "file": None, "context": ".", "bases": ["file"],
                        "platforms": None, "host": None, "tags": ["a:1"], "push": False, "local": False,
                        "stage": None, "args": ["ARCH"], "dynamic_args": []}], "pushed": ["a:1"],
            "pin": {"platform": None, "args": ["ARCH"], "chain": []},
            "kustomize": {"resources": ["../manager"], "patches": ["p.yaml"]},
            "slots": [{"span": [1, 1, 1, 2], "slot": "Deployment/api/api"}], "rewrites": ["manifests/"],
            "includes": ["../make/common.mk"], "generated": [["manifests/cluster-install", "manifests/install.yaml"]],
            "target_stages": [[1, 3], [4, 10**9]], "tilt": [{"names": ["app"], "paths": ["app.yaml", "overlay/"]}]}
    assert check(good) is good
    files_only = {"pin": {"platform": None, "args": [], "chain": [], "files": True}}
    assert check(files_only) is files_only
    transformed = {"kustomize": {"resources": ["../../base"], "patches": [], "transformers": ["../../images/x"]}}
    assert check(transformed) is transformed
    named = {"builds": [dict(good["builds"][0], contexts=["wheels"])]}  # an optional key
    assert check(named) is named
    for bad in ([], {"pin": {"platform": None, "args": [], "chain": [], "files": 1}},
                {"pin": {"platform": "linux/arm64", "args": [], "chain": [], "files": True}},
                {"pin": {"platform": None, "args": ["ARCH"], "chain": ["B"], "files": True}},
                {"pin": {"platform": None, "args": [], "chain": [], "files": True, "x": 1}}, {"builds": [{}]}, {"x": []}, {"pushed": [1]}, {"rewrites": "manifests/"}, {"kustomize": {"resources": []}},
                {"kustomize": {"resources": ["a"], "patches": [None]}}, {"slots": [{"span": [1, 1, 1, 2]}]},
                {"kustomize": {"resources": [], "patches": [], "transformers": [3]}},
                {"kustomize": {"resources": [], "patches": [], "transformers": "a"}},
                {"builds": [dict(good["builds"][0], span=[1, 2])]}, {"generated": [["a"]]}, {"generated": [["a", 1]]},
                {"generated": "a"}, {"pin": {"platform": 1, "args": [], "chain": []}}, {"pin": {"args": []}},
                {"builds": [dict(good["builds"][0], args="ARCH")]},
                {"builds": [dict(good["builds"][0], extra=None)]}, {"builds": [dict(good["builds"][0], contexts="w")]},
                {"builds": [dict(good["builds"][0], contexts=[1])]}, {"target_stages": [[1]]}, {"target_stages": [["1", 2]]},
                {"target_stages": 1}, {"tilt": [{"names": ["a"]}]}, {"tilt": [{"names": "a", "paths": []}]}, {"deploys": [{"span": [1, 1, 1, 2], "image": 3, "arch": None, "from": None, "via": "k"}]}):
        with pytest.raises(ValueError):
            check(bad)


def test_image_names_normalise_as_the_tools_resolve_them():
    from archlint.project.model import glob, normal

    assert normal("nginx") == ("docker.io/library/nginx", "latest")
    assert normal("acme/api:1") == ("docker.io/acme/api", "1")
    assert normal("docker://quay.io/acme/api@sha256:abc") == ("quay.io/acme/api", "*")
    assert normal("localhost:5000/app:2") == ("localhost:5000/app", "2")
    assert normal("*:1") is None and normal("quay.io/*") is None and normal("") is None
    assert glob("quay.io/*/api", "quay.io/acme/api") and not glob("quay.io/*/api", "quay.io/acme/web")
    assert glob("v1.*-*", "v1.2-rc") and not glob("v1.*", "v2.0")
    # linear-ish on a crafted name: many stars against a long text that never matches
    assert not glob("*a" * 200, "b" * 512)


def test_compose_files_built_by_bake_with_platforms_are_not_left_to_the_build_machine(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        ".archlint.toml": 'platforms = ["linux/amd64", "linux/arm64"]\n',
        "Makefile": "FILES=-f compose.yaml -f compose.full.yaml\n"
                    "push:\n\tdocker buildx bake $(FILES) --push --set \"*.platform=linux/amd64,linux/arm64\"\n",
        "compose.yaml": "services:\n  api:\n    image: ghcr.io/acme/api:1\n    build: {context: api}\n",
        "compose.full.yaml": "services:\n  web:\n    image: ghcr.io/acme/web:1\n    build: {context: web}\n",
        "compose.extra.yaml": "services:\n  job:\n    image: ghcr.io/acme/job:1\n    build: {context: job}\n",
        "api/Dockerfile": "FROM alpine:3.20\n", "web/Dockerfile": "FROM alpine:3.20\n", "job/Dockerfile": "FROM alpine:3.20\n",
        "k8s/api.yaml": DEPLOY.replace("amd64", "arm64").replace("quay.io/acme/api:1.4", "ghcr.io/acme/api:1"),
    })
    doc = run(root, capsys)
    # the baked files' services get the bake's platforms: DC003 only where no bake builds the file,
    # and the arm64 pods of api are covered
    assert [(f["path"], f["rule"]) for f in doc["findings"] if f["rule"] == "DC003"] == [("compose.extra.yaml", "DC003")]
    assert codes(doc) == []


def test_a_dockerfile_under_an_unknown_root_is_read_from_where_the_build_runs(tmp_path, capsys):
    # harbor's make/photon/Makefile, run from the top: BUILDPATH=$(CURDIR), -f $(MAKEPATH)/photon/...
    root = tree(tmp_path / "r", {
        "make/photon/Makefile": "MAKEPATH=$(CURDIR)/make\nb:\n\tdocker build --platform=$(PLATFORM) "
                                "-f $(MAKEPATH)/photon/db/Dockerfile -t goharbor/db:1 .\n"
                                "\tdocker build --platform=linux/amd64 -f ${ROOT}/gone/Dockerfile -t goharbor/x:1 .\n"
                                "\tdocker build --platform=linux/amd64 -f ${ROOT}/$(NAME)/Dockerfile -t goharbor/y:1 .\n",
        "make/photon/db/Dockerfile": "FROM alpine:3.20\n",
    })
    g = graph_doc(root, capsys)
    assert [(b["line"], b["dockerfile"]) for b in g["builds"]] == [(3, "make/photon/db/Dockerfile"), (4, None), (5, None)]
    doc = run(root, capsys)
    # the Dockerfile's build names its platform (a variable): no DF005; a path not found is not missing
    assert [f["rule"] for f in doc["findings"] if f["rule"] in ("DF005", "XF005")] == []
    # an unknown that is not a root (a workflow matrix row's folder) links nothing
    root = tree(tmp_path / "m", {
        "Dockerfile": "FROM alpine:3.20\n",
        ".github/workflows/b.yml": "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    strategy:\n"
                                   "      matrix: ${{ fromJson(needs.x.outputs.m) }}\n    steps:\n"
                                   "      - uses: docker/build-push-action@v6\n        with:\n"
                                   "          file: ${{ matrix.dir }}/Dockerfile\n          push: true\n",
    })
    assert [b["dockerfile"] for b in graph_doc(root, capsys)["builds"]] == [None]


def test_paths_the_model_cannot_know_link_nothing_and_are_never_missing(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "docs/reference.md": "```console\n$ docker buildx build -f [PATH|URL|-] .\n"
                             "$ docker build -f path/to/Dockerfile .\n"
                             "$ docker build -f https://example.com/raw/Dockerfile .\n"
                             "$ docker build -f Dockerfile.webapp https://github.com/acme/app.git\n```\n",
        # run from the top as `make -f deploy/devel/Makefile image`: the path is the top's
        "deploy/devel/Makefile": "image:\n\tdocker build -f deploy/devel/Dockerfile .\n",
        "deploy/devel/Dockerfile": "FROM alpine:3.20\n",
        "Makefile": "devel:\n\t$(MAKE) -f deploy/devel/Makefile image\n",
        # a Makefile nobody runs from elsewhere reads its own folder's files (and this one is gone)
        "agent/Makefile": "image:\n\tdocker build -t x/agent . -f Dockerfile\n",
        "Dockerfile": "FROM alpine:3.20\n",
    })
    assert codes(run(root, capsys)) == [("agent/Makefile", 2, "XF005")]


def test_a_makefile_many_include_is_a_dependency_not_a_link(tmp_path):
    # the benchmark tree's services all include ../../make/common.mk: one shared file must not
    # make one link group of every service (a change to one would read them all again)
    from archlint.project.links import link_groups
    from archlint.project.model import build_project

    root = str(tmp_path)
    for rel in ("a/Makefile", "b/Makefile", "make/common.mk"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    build = {"span": [2, 1, 2, 9], "tool": "docker build", "file": None, "context": ".", "bases": ["file"],
             "platforms": None, "host": None, "tags": [], "push": False, "local": False, "stage": None, "args": [], "dynamic_args": []}
    entries = [(f"{d}/Makefile", f"{root}/{d}/Makefile", "makefile",
                {"includes": ["../make/common.mk"], "builds": [dict(build, tags=[f"quay.io/acme/{d}:1"])]})
               for d in ("a", "b")]
    entries.append(("make/common.mk", f"{root}/make/common.mk", "makefile", {"pushed": ["quay.io/acme/x:1"]}))
    g = link_groups(build_project(root, entries), entries)
    a, b, common = g.files["a/Makefile"], g.files["b/Makefile"], g.files["make/common.mk"]
    assert len({a, b, common}) == 3
    assert g.deps[a] == [common] and g.deps[b] == [common]


def test_df001_leaves_a_base_of_the_namespace_a_shared_makefile_builds(tmp_path, capsys):
    # strimzi's Makefile.docker, included by each image's Makefile with its PROJECT_NAME: the
    # images chain through FROM strimzi/base:latest, built here. An upstream base keeps its
    # finding, and so does one of another namespace or under a registry host alone
    files = {
        "Makefile.docker": "docker_build:\n\tdocker build -t strimzi/$(PROJECT_NAME):latest .\n"
                           "\tdocker build -t ghcr.io/$(PROJECT_NAME):latest .\n"
                           "\tdocker build -t library/$(PROJECT_NAME):latest .\n",
        "images/operator/Dockerfile": "FROM strimzi/base:latest\nCOPY app /app\n",
        "images/kafka/Dockerfile": "FROM registry.access.redhat.com/ubi9/ubi-minimal:latest\n"
                                   "FROM acme/base:latest\nFROM ghcr.io/base:latest\nFROM debian:latest\n",
    }
    doc = run(tree(tmp_path, files), capsys)
    assert codes(doc, "DF001") == [("images/kafka/Dockerfile", 1, "DF001"), ("images/kafka/Dockerfile", 2, "DF001"),
                                   ("images/kafka/Dockerfile", 3, "DF001"), ("images/kafka/Dockerfile", 4, "DF001")]


def test_a_from_that_a_named_build_context_serves_is_not_a_registry_image(tmp_path, capsys):
    # frigate's docker/rockchip/rk.hcl: the rk target gives FROM wheels and FROM deps the outputs
    # of other targets (contexts = { wheels = "target:wheels" }); so do --build-context,
    # compose's additional_contexts and build-push-action's build-contexts. A FROM no build's
    # context names is still the registry's name:latest (official images here: a one-part name
    # no registry serves is never reported, a context of that name or not)
    dockerfile = "FROM python AS w\nRUN true\nFROM node\nCOPY --from=w /x /x\nFROM golang\n"
    files = {
        "docker/rockchip/rk.hcl": 'target "rk" {\n  dockerfile = "docker/rockchip/Dockerfile"\n'
                                  '  contexts = {\n    python = "target:wheels",\n    node = "target:deps"\n  }\n}\n',
        "docker/rockchip/Dockerfile": dockerfile,
        "Makefile": "cli:\n\tdocker buildx build --build-context python=docker-image://python:3.12 "
                    "--build-context node=./deps -f cli/Dockerfile .\n",
        "cli/Dockerfile": dockerfile,
        "compose.yaml": "services:\n  web:\n    build:\n      context: web\n      additional_contexts:\n"
                        "        - python=../wheels\n      additional_contexts_: {}\n",
        "web/Dockerfile": dockerfile,
        ".github/workflows/ci.yml": "on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n"
                                   "    - uses: actions/checkout@v4\n    - uses: docker/build-push-action@v6\n"
                                   "      with:\n        context: .\n        file: ci/Dockerfile\n"
                                   "        build-contexts: |\n          node=target:deps\n",
        "ci/Dockerfile": dockerfile,
        "other/Dockerfile": dockerfile,
    }
    doc = run(tree(tmp_path, files), capsys)
    assert [f["message"] for f in doc["findings"] if (f["path"], f["line"]) == ("other/Dockerfile", 1)] == [
        "Base image python has no tag or digest, so it means python:latest."]
    found = sorted((f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "DF002")
    assert found == [("ci/Dockerfile", 1), ("ci/Dockerfile", 5), ("cli/Dockerfile", 5), ("docker/rockchip/Dockerfile", 5),
                     ("other/Dockerfile", 1), ("other/Dockerfile", 3), ("other/Dockerfile", 5),
                     ("web/Dockerfile", 3), ("web/Dockerfile", 5)]


def test_a_named_context_of_a_build_whose_dockerfile_is_not_known_serves_its_from(tmp_path, capsys):
    # antrea's build/images/base/build.sh: a function builds -f $dockerfile (its caller's "Dockerfile"
    # or "Dockerfile.ubi") with a local --build-context ubuntu=docker-image://... (here an official
    # image's name, which a named context may replace too); a FROM of another name is still the registry's
    files = {
        "build/images/base/build.sh": '#!/bin/bash\nfunction build() {\n  local dockerfile="$2"\n'
            '  local ctx="--build-context ubuntu=docker-image://$OVS_IMAGE"\n'
            '  docker buildx build $ctx -t "$1:$TAG" --push -f $dockerfile .\n}\nbuild antrea/base Dockerfile\n',
        "build/images/base/Dockerfile": "FROM golang:1.24 AS cni\nRUN true\nFROM ubuntu\nFROM debian\n",
    }
    doc = run(tree(tmp_path, files), capsys)
    assert [(f["line"], f["message"]) for f in doc["findings"] if f["rule"] == "DF002"] == [
        (4, "Base image debian has no tag or digest, so it means debian:latest.")]


def test_a_latest_tagged_with_the_callers_version_is_not_published_alone(tmp_path, capsys):
    # sig-storage's update-pv-to-beta: built as :latest, docker tag'ed to :$(VERSION) (a default
    # given where ifeq tests it empty: the caller's), both pushed; its Job deploys :latest
    files = {
        "tool/Makefile": "ifeq ($(VERSION),)\n\tVERSION = latest\nendif\nIMAGE = registry.k8s.io/acme/tool:$(VERSION)\n"
                         "MUTABLE = registry.k8s.io/acme/tool:latest\npush:\n\tdocker build -t $(MUTABLE) docker\n"
                         "\tdocker tag $(MUTABLE) $(IMAGE)\n\tdocker push $(IMAGE)\n\tdocker push $(MUTABLE)\n",
        "tool/docker/Dockerfile": "FROM alpine:3.20\n",
        "tool/job.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "registry.k8s.io/acme/tool:latest"),
    }
    doc = run(tree(tmp_path, files), capsys)
    assert [(f["rule"], f["message"]) for f in doc["findings"] if f["rule"] in ("BC006", "K8S001")] == [
        ("K8S001", "Image registry.k8s.io/acme/tool:latest uses the mutable tag latest.")]


def test_a_plain_make_assignment_a_caller_of_make_sets_is_the_callers_tag(tmp_path, capsys):
    # custom-pod-autoscaler: VERSION = latest, and its only caller, the workflow, runs `make
    # docker_multi_platform VERSION=${{ ... }}` (a command-line variable overrides `=` as it does
    # `?=`); without such a caller, or with a caller setting another variable, the push of
    # latest is reported; a latest written out in the recipe is the recipe's whatever the caller
    mk = ("REGISTRY = docker.io/acme\nVERSION = latest\nIMG := $(REGISTRY)/cpa:$(VERSION)\n"
          "docker_multi_platform:\n\tdocker buildx build --push --platform linux/amd64,linux/arm64 --tag $(IMG) .\n"
          "\tdocker buildx build --push --platform linux/amd64,linux/arm64 --tag $(REGISTRY)/alpine:latest .\n")
    wf = ("on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n    - run: |\n"
          "        make docker_multi_platform \\\n          VERSION=${{ github.sha }}\n")
    base = {"Makefile": mk, "Dockerfile": "FROM alpine:3.20\n"}
    assert codes(run(tree(tmp_path / "a", base), capsys), "BC006") == [("Makefile", 5, "BC006"), ("Makefile", 6, "BC006")]
    called = dict(base, **{".github/workflows/d.yaml": wf})
    assert codes(run(tree(tmp_path / "b", called), capsys), "BC006") == [("Makefile", 6, "BC006")]
    other = dict(base, **{".github/workflows/d.yaml": wf.replace("VERSION=", "REGISTRY=")})
    assert codes(run(tree(tmp_path / "c", other), capsys), "BC006") == [("Makefile", 5, "BC006"), ("Makefile", 6, "BC006")]
    # a ?= default reached through a := variable is the caller's too, caller seen or not
    knob = dict(base, Makefile=mk.replace("VERSION = latest", "VERSION ?= latest"))
    assert codes(run(tree(tmp_path / "d", knob), capsys), "BC006") == [("Makefile", 6, "BC006")]


def test_xf004_links_names_only_through_names_known_whole(tmp_path, capsys):
    # kube-ovn: build.mk's builds of kube-ovn:$(RELEASE_TAG) (a $(shell cat VERSION)) and of
    # kube-ovn:dev were linked through docker tags of variable names to the top Makefile's amd64
    # build of $(RELEASE_TAG): "makes kube-ovn:dev" was false. A tag of known names still links
    files = {
        "Makefile": "RELEASE_TAG = $(shell cat VERSION)\nrelease:\n\tdocker buildx build --platform linux/amd64 "
                    "-t kubeovn/kube-ovn:$(RELEASE_TAG) --push -f Dockerfile .\n",
        "makefiles/build.mk": "build-dev:\n\tdocker build -t kubeovn/kube-ovn:dev -f Dockerfile .\n"
                              "\tdocker tag kubeovn/kube-ovn:$(RELEASE_TAG) kubeovn/kube-ovn:$(RELEASE_TAG)-x86\n"
                              "\tdocker tag kubeovn/kube-ovn:dev kubeovn/kube-ovn:$(RELEASE_TAG)-x86\n"
                              "\tdocker push kubeovn/kube-ovn:dev\n",
        "Dockerfile": "FROM alpine:3.20\n",
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "XF004") == []
    files["hack/release.sh"] = ("#!/bin/sh\ndocker buildx build --platform linux/amd64,linux/arm64 -t kubeovn/kube-ovn:v1 "
                                "--push -f Dockerfile .\n")
    files["makefiles/build.mk"] += "\tdocker tag kubeovn/kube-ovn:dev kubeovn/kube-ovn:v1\n\tdocker push kubeovn/kube-ovn:v1\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "XF004") == [("makefiles/build.mk", 2, "XF004")]


def test_bc006_gives_way_to_xf005_on_a_build_whose_dockerfile_is_gone(tmp_path, capsys):
    # tekton's hack/nightly.sh: the untagged base image is built from images/Dockerfile, long gone,
    # and pushed on the next line; both lines cannot run, XF005 is the finding. With the
    # Dockerfile there, the untagged build and push are reported again
    files = {"hack/nightly.sh": "#!/bin/sh\nexport REPO=gcr.io/acme-nightly\n"
             "docker build -t \"${REPO}/pipeline/base\" -f images/Dockerfile images/\n"
             "docker push \"${REPO}/pipeline/base\"\n"}
    doc = run(tree(tmp_path / "a", files), capsys)
    assert codes(doc, "BC006") + codes(doc, "XF") == [("hack/nightly.sh", 3, "XF005")]
    files["images/Dockerfile"] = "FROM alpine:3.20\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "BC006") == [
        ("hack/nightly.sh", 3, "BC006"), ("hack/nightly.sh", 4, "BC006")]


def test_bc001_gives_way_to_xf005_on_a_build_whose_dockerfile_is_gone(tmp_path, capsys):
    # argo-cd's gitops-engine/Makefile: agent-image builds a Dockerfile that no longer exists
    files = {"agent/Makefile": "image:\n\tdocker build -t quay.io/acme/agent:1 -f Dockerfile . && docker push quay.io/acme/agent:1\n"}
    doc = run(tree(tmp_path / "a", files), capsys)
    assert codes(doc, "BC001") + codes(doc, "XF") == [("agent/Makefile", 2, "XF005")]
    files["agent/Dockerfile"] = "FROM alpine:3.20\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "BC001") == [("agent/Makefile", 2, "BC001")]


def test_bc004_gives_way_to_xf005_on_a_build_whose_dockerfile_is_gone(tmp_path, capsys):
    # haproxy's build-pebble target: --build-arg TARGETPLATFORM=... to build/Dockerfile.pebble, which a
    # commit removed; with the Dockerfile there (one that reads no such ARG) BC004 says so again
    files = {"Makefile": "TARGETPLATFORM?=linux/amd64\nbuild-pebble:\n\tdocker build --build-arg TARGETPLATFORM=$(TARGETPLATFORM)"
                         " -t haproxytech/pebble -f build/Dockerfile.pebble .\n"}
    doc = run(tree(tmp_path / "a", files), capsys)
    assert codes(doc, "BC004") + codes(doc, "XF") == [("Makefile", 3, "XF005")]
    files["build/Dockerfile.pebble"] = "FROM alpine:3.20\nARG TARGETPLATFORM\nRUN echo $TARGETPLATFORM\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "BC004") == [("Makefile", 3, "BC004")]


def test_an_included_makefile_runs_its_recipes_in_the_including_makefiles_folder(tmp_path, capsys):
    # dapr: the root Makefile includes docker/docker.mk, whose recipes read ./docker/Dockerfile-dev
    files = {
        "Makefile": "include docker/docker.mk\n",
        "docker/docker.mk": "dev:\n\tdocker build -f ./docker/Dockerfile-dev -t dapr-dev:1 .\n",
        "docker/Dockerfile-dev": "FROM alpine:3.20\n",
    }
    assert codes(run(tree(tmp_path / "a", files), capsys)) == []
    files["Makefile"] = "all:\n\techo nothing included\n"
    assert found(run(tree(tmp_path / "b", files), capsys)) == [
        "docker/docker.mk:2 XF005 This build reads the Dockerfile docker/Dockerfile-dev, which does not exist "
        "(looked for docker/docker/Dockerfile-dev)."]


def test_the_reminder_to_configure_platforms_leaves_dockerfiles_whose_builds_name_theirs(tmp_path, capsys):
    # gatekeeper: every build of its Dockerfile passes --platform="$(PLATFORM)" (a variable):
    # without configured platforms, the reminder would only ask for what the build says
    files = {
        "Dockerfile": "FROM alpine:3.20\n",
        "images/base/Dockerfile": "FROM alpine:3.20\n",
        "Makefile": "PLATFORM ?= linux/amd64,linux/arm64\nimage:\n"
                    "\tdocker buildx build --platform=\"$(PLATFORM)\" -t ghcr.io/acme/gk:$(TAG) --push .\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    # images/base/Dockerfile is built nowhere archlint sees: still counted
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == ["images/base/Dockerfile"]
    # the model judges DF005 when it is the only rule selected too (it ran only with XF on)
    doc = run(tmp_path / "a", capsys, "--select", "DF005")
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == ["images/base/Dockerfile"]
    # a build that names no platform leaves its Dockerfile counted
    files["Makefile"] = "image:\n\tdocker build -t ghcr.io/acme/gk:$(TAG) .\n\tdocker push ghcr.io/acme/gk:$(TAG)\n"
    doc = run(tree(tmp_path / "b", files), capsys)
    assert sorted(n["path"] for n in doc["notices"] if n["rule"] == "DF005") == ["Dockerfile", "images/base/Dockerfile"]
    text = run(tmp_path / "b", capsys, fmt="text")
    assert text.count("DF005") == 1 and "2 Dockerfiles have no --platform" in text
    # argo-helm's release-analysis tool: its README builds the image and runs it on that machine,
    # the only build found: the build machine's CPU is the right one
    files["Makefile"] = "PLATFORM ?= linux/amd64\nimage:\n\tdocker buildx build --platform=\"$(PLATFORM)\" -t x/gk:1 .\n"
    files["images/base/README.md"] = "```sh\ndocker build -t analysis images/base\ndocker run --rm analysis\n```\n"
    doc = run(tree(tmp_path / "c", files), capsys)
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == []


def test_the_reminder_reads_a_build_context_beside_optional_options_and_leaves_unpushed_builds(tmp_path, capsys):
    # gatekeeper's docker-buildx: $(_ATTESTATIONS), set only under ifdef GENERATE_ATTESTATIONS,
    # stands beside the context "."; whatever it holds, "." is the context and the build names
    # its platforms. postgres-operator's ui/Makefile builds a one-part name for make mock, pushed
    # nowhere: it stays on its machine (as for BC001). A build that pushes keeps the count
    files = {
        "Dockerfile": "FROM alpine:3.20\n",
        "Makefile": "ifdef GENERATE_ATTESTATIONS\n_ATTESTATIONS := --attest type=sbom\nendif\n"
                    "PLATFORM ?= linux/amd64\nOUTPUT_TYPE ?= type=docker\nIMG ?= openpolicyagent/gatekeeper:1\n"
                    "docker-buildx:\n\tdocker buildx build \\\n\t\t$(_ATTESTATIONS) \\\n"
                    "\t\t--platform=\"$(PLATFORM)\" \\\n\t\t--output=$(OUTPUT_TYPE) \\\n\t\t-t $(IMG) .\n",
        "ui/Dockerfile": "FROM alpine:3.20\n",
        "ui/Makefile": "docker:\n\tdocker build --rm -t postgres-operator-ui:$(TAG) .\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == []
    # a bake target or a compose service: pushed by bake --push or docker compose push, which the
    # model does not always tie to the build: counted
    bake = dict(files, **{"bk/Dockerfile": "FROM alpine:3.20\n", "cp/Dockerfile": "FROM alpine:3.20\n",
                          "docker-bake.hcl": 'target "bk" {\n  context = "bk"\n  tags = ["ghcr.io/acme/bk:1.0"]\n}\n',
                          "compose.yaml": "services:\n  cp:\n    build: ./cp\n    image: ghcr.io/acme/cp:1.0\n",
                          "release.sh": "#!/bin/sh\ndocker buildx bake --push bk\ndocker compose build\n"
                                        "docker compose push\n"})
    doc = run(tree(tmp_path / "k", bake), capsys)
    assert sorted(n["path"] for n in doc["notices"] if n["rule"] == "DF005") == ["bk/Dockerfile", "cp/Dockerfile"]
    files["ui/Makefile"] += "push:\n\tdocker tag postgres-operator-ui:$(TAG) ghcr.io/acme/ui:$(TAG)\n" \
                           "\tdocker push ghcr.io/acme/ui:$(TAG)\n"
    files["Makefile"] = files["Makefile"].replace("$(_ATTESTATIONS)", "$(_ATTESTATIONS) $(CONTEXT)/sub")
    doc = run(tree(tmp_path / "b", files), capsys)
    assert sorted(n["path"] for n in doc["notices"] if n["rule"] == "DF005") == ["Dockerfile", "ui/Dockerfile"]


def test_a_build_after_cd_into_a_literal_folder_on_its_own_line_builds_that_folder(tmp_path, capsys):
    # velero's Makefile: cd site && docker build --pull -t $(HUGO_IMAGE) . builds site/Dockerfile
    # (the docs preview, run on the same machine: no reminder). A second cd before it, or a cd on
    # another line of a script, leaves the folder unknown: no link, and site/Dockerfile is counted
    files = {
        "site/Dockerfile": "FROM klakegg/hugo:0.73.0-ext-ubuntu\n",
        "Makefile": "HUGO_IMAGE := ghcr.io/gohugoio/hugo\nbuild-image-hugo:\n"
                    "\tcd site && docker build --pull -t $(HUGO_IMAGE) .\n"
                    "serve-docs: build-image-hugo\n\tdocker run --rm -it $(HUGO_IMAGE) server\n"
                    "push-hugo:\n\tdocker push $(HUGO_IMAGE):$(TAG)\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == []
    assert codes(doc, "XF") == []
    files["Makefile"] = files["Makefile"].replace("\tcd site && ", "\tcd docs && cd site && ")
    doc = run(tree(tmp_path / "b", files), capsys)
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == ["site/Dockerfile"]
    del files["Makefile"]
    files["build.sh"] = "#!/bin/sh\ncd docs\ncd site && docker build -t acme/site:1 .\ndocker push acme/site:1\n"
    doc = run(tree(tmp_path / "c", files), capsys)
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == ["site/Dockerfile"]
    # a cd that the build does not directly follow moves nothing of it: a subshell, pushd ... popd,
    # a quoted sh -c (the review's cases: web/Dockerfile read from the top, no XF005)
    files["web/Dockerfile"] = "FROM alpine:3.20\n"
    for i, line in enumerate(("(cd web && npm ci) && docker build -f web/Dockerfile -t acme/web:1 .",
                              "pushd web && npm run build && popd && docker build -f web/Dockerfile -t acme/web:1 .",
                              "docker run node:20 sh -c \"cd web && npm ci\" && docker build -f web/Dockerfile -t acme/web:1 .",
                              "cd web || docker build -f web/Dockerfile -t acme/web:1 .")):
        files["build.sh"] = f"#!/bin/sh\n{line}\n"
        doc = run(tree(tmp_path / f"e{i}", files), capsys)
        assert codes(doc, "XF") == [], line
    del files["web/Dockerfile"]
    files["build.sh"] = "#!/bin/sh\ncd site && docker build -t acme/site:1 .\ndocker push acme/site:1\n"
    doc = run(tree(tmp_path / "d", files), capsys)  # pushed, no platform: the reminder counts it
    assert [n["path"] for n in doc["notices"] if n["rule"] == "DF005"] == ["site/Dockerfile"]
    assert "built without --platform at build.sh:2" in run(tmp_path / "d", capsys, "--platform", "linux/amd64",
                                                           fmt="text")


def test_df005_kept_where_a_build_runs_elsewhere_or_its_platforms_are_a_variable(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        ".archlint.toml": 'platforms = ["linux/amd64"]\n',
        "Dockerfile": "FROM alpine:3.20\n",
        # after a cd into another folder, "." is not this Dockerfile's folder: no link
        "a.sh": "#!/bin/sh\ncd images/x && docker build --platform linux/amd64 -t acme/x:1 .\n",
        # the platform is a variable that may be the build machine's: not known to be set
        "Makefile": "PLATFORMS ?= linux/$(shell go env GOARCH)\nimage:\n\tdocker build --platform $(PLATFORMS) -t acme/y:1 .\n",
    })
    doc = run(root, capsys)
    assert [f["message"] for f in doc["findings"] if f["rule"] == "DF005"] == [
        "FROM alpine:3.20 has no --platform, so the stage follows the build machine's CPU instead of linux/amd64."]
    # once every build's platforms are known, DF005 has nothing left to say
    (root / "Makefile").write_text("image:\n\tdocker build --platform linux/amd64 -t acme/y:1 .\n")
    (root / "a.sh").write_text("#!/bin/sh\ncd \"$(dirname \"$0\")\" && docker build --platform linux/amd64 -t acme/x:1 .\n")
    assert [f for f in run(root, capsys)["findings"] if f["rule"] == "DF005"] == []
    # a README's local build (its image named nothing, used where it is built) changes nothing
    (root / "README.md").write_text("```sh\ndocker build --file ./Dockerfile ./\n```\n")
    assert [f for f in run(root, capsys)["findings"] if f["rule"] == "DF005"] == []
    (root / "README.md").write_text("```sh\ndocker build -t ghcr.io/acme/x:1 --file ./Dockerfile ./\n"
                                    "docker push ghcr.io/acme/x:1\n```\n")
    assert [f["message"] for f in run(root, capsys)["findings"] if f["rule"] == "DF005"] == [
        "FROM alpine:3.20 has no --platform, so the stage follows the build machine's CPU instead of linux/amd64."
        " It is built without --platform at README.md:2."]


def test_df005_reads_only_the_builds_of_the_final_stage(tmp_path, capsys):
    # NVIDIA/k8s-device-plugin: deployments/devel/Makefile builds the devel stage (--target
    # devel) for the developer's own machine; the application stage is built elsewhere
    df = "FROM golang:1.26 AS devel\nRUN go install ./...\nFROM alpine:3.20 AS application\n"
    root = tree(tmp_path / "r", {
        ".archlint.toml": 'platforms = ["linux/amd64"]\n',
        "Dockerfile": df,
        "devel.mk": "devel:\n\tdocker build --target devel -t ghcr.io/acme/devel:1 -f Dockerfile . && docker push ghcr.io/acme/devel:1\n",
        "Makefile": "image:\n\tdocker build --platform linux/amd64 --target APPLICATION -t ghcr.io/acme/app:1 .\n",
    })
    final = [f["message"] for f in run(root, capsys)["findings"] if f["rule"] == "DF005" and f["line"] == 3]
    assert final == []  # the one build of the final stage sets its platform; the devel build does not count
    (root / "devel.mk").write_text("devel:\n\tdocker build -t ghcr.io/acme/devel:1 -f Dockerfile . && docker push ghcr.io/acme/devel:1\n")
    assert [f["message"] for f in run(root, capsys)["findings"] if f["rule"] == "DF005" and f["line"] == 3] == [
        "FROM alpine:3.20 has no --platform, so the stage follows the build machine's CPU instead of linux/amd64."
        " It is built without --platform at devel.mk:2."]

    # argo-workflows: a pattern rule builds every stage by name (--target $*), the last stage a
    # -dev one: a target archlint cannot read may be the final stage, so its build counts
    (root / "devel.mk").unlink()
    (root / "Makefile").write_text("image-%:\n\tdocker buildx build --platform linux/amd64 --target $* "
                                   "-t ghcr.io/acme/$*:1 --push .\n")
    assert [f["message"] for f in run(root, capsys)["findings"] if f["rule"] == "DF005" and f["line"] == 3] == []
    (root / ".archlint.toml").unlink()
    assert [n["path"] for n in run(root, capsys)["notices"] if n["rule"] == "DF005"] == []

def test_an_hcl_file_of_bake_targets_is_a_bake_file_whatever_its_name(tmp_path, capsys):
    # frigate's docker/tensorrt/trt.hcl (docker buildx bake --file=docker/tensorrt/trt.hcl): its
    # target naming a Dockerfile a commit removed is a missing Dockerfile; Terraform's and
    # Packer's HCL, or one without targets, is not Bake's
    from archlint.kinds import detect

    files = {
        "docker/tensorrt/trt.hcl": 'target "trt-deps" {\n  dockerfile = "docker/tensorrt/Dockerfile.base"\n'
                                   '  context = "."\n  platforms = ["linux/amd64"]\n}\n',
        "infra/main.hcl": 'locals {\n  region = "eu-west-1"\n}\n',
        "infra/terragrunt.hcl": 'target "x" {\n  dockerfile = "Dockerfile"\n}\n',
        "images/app.pkr.hcl": 'source "docker" "x" {\n  image = "alpine:3.20"\n}\n',
    }
    root = tree(tmp_path / "a", files)
    assert [detect(str(root / p)) for p in files] == ["bake", None, None, None]
    assert codes(run(root, capsys), "XF") == [("docker/tensorrt/trt.hcl", 1, "XF005")]


def test_the_objects_a_gatekeeper_suite_tests_are_test_input(tmp_path, capsys):
    # gatekeeper-library's verifydeprecatedapi: the suite's cases apply old APIs on purpose to
    # check the policy flags them; a file no suite names is still judged
    cron = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n" \
           "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n" \
           "          - {name: a, image: 'busybox:latest'}\n"
    files = {
        "library/verifydeprecatedapi/suite.yaml": "kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\n"
                                                  "tests:\n- name: verify-1.25\n  template: template.yaml\n"
                                                  "  constraint: samples/verify-1.25/constraint.yaml\n  cases:\n"
                                                  "  - name: disallowed\n    object: samples/verify-1.25/example_disallowed.yaml\n"
                                                  "    assertions: [{violations: yes}]\n",
        "library/verifydeprecatedapi/samples/verify-1.25/example_disallowed.yaml": cron,
        "library/verifydeprecatedapi/samples/verify-1.25/other.yaml": cron,
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert sorted({(f["path"].rsplit("/", 1)[-1], f["rule"]) for f in doc["findings"] if f["rule"].startswith("K8S")}) == [
        ("other.yaml", "K8S004")]
    # outside an examples folder the image is judged too, and the suite's object is left alone
    moved = {k.replace("/samples/", "/cases/"): v.replace("samples/", "cases/") for k, v in files.items()}
    doc = run(tree(tmp_path / "b", moved), capsys)
    assert sorted({(f["path"].rsplit("/", 1)[-1], f["rule"]) for f in doc["findings"] if f["rule"].startswith("K8S")}) == [
        ("other.yaml", "K8S001"), ("other.yaml", "K8S004")]


def test_source_files_named_like_dockerfiles_are_not_dockerfiles():
    from archlint.kinds import kind_by_name

    assert [kind_by_name(n) for n in ("dockerfile_test.go", "dockerfile.go", "Dockerfile.rs", "Dockerfile.dev",
                                      "Dockerfile-alpine", "Containerfile.rhel")] == \
        [None, None, None, "dockerfile", "dockerfile", "dockerfile"]
    # nor a documentation page (devspace's docs/pages/configuration/images/dockerfile-context.mdx)
    assert [kind_by_name(n) for n in ("docs/dockerfile-context.mdx", "Dockerfile.ipynb", "dockerfile-guide.markdown")] \
        == [None, None, "markdown"]  # (a page of its own kind)
    # nor a fragment to paste into one (k8s-config-connector's dockerfile-dev-sandbox.snippet)
    assert [kind_by_name(n) for n in ("dockerfile-dev-sandbox.snippet", "Dockerfile.fragment")] == [None, None]
    # nor an editor's syntax definition for Dockerfiles (addon-ssh's rootfs/usr/share/nano/Dockerfile.nanorc:
    # 9 AL001 errors, `icolor red "^(FROM|RUN)"` lines); vim-denops' Dockerfile.vim is one (`-f Dockerfile.vim`)
    assert [kind_by_name(n) for n in ("Dockerfile.nanorc", "Dockerfile.sublime-syntax", "Dockerfile.tmLanguage",
                                      "Dockerfile.vim")] == [None, None, None, "dockerfile"]
    # nor a TextMate bundle's XML (balena-engine's contrib/syntax/textmate/Docker.tmbundle/Preferences/
    # Dockerfile.tmPreferences: 24 AL001 errors judged wrong readings, one per line of a plist)
    assert [kind_by_name(n) for n in ("Dockerfile.tmPreferences", "Dockerfile.tmSnippet", "Dockerfile.plist")] == [
        None, None, None]
    # nor its build arguments (netobserv's Dockerfile-args.downstream, Konflux's build-args-file:
    # BUILDVERSION=1.12.0 lines, 2 AL001 errors judged wrong readings); a Dockerfile named for arguments' use is one
    assert [kind_by_name(n) for n in ("Dockerfile-args.downstream", "Dockerfile.args", "containerfile.args",
                                      "Dockerfile.argsparser", "Dockerfile-argo")] == [None, None, None, "dockerfile",
                                                                                       "dockerfile"]


def test_the_stored_report_of_a_named_file_run_follows_a_change_in_a_file_it_was_not_given(tmp_path, capsys,
                                                                                            monkeypatch):
    """pre-commit names the manifest; the build is in deploy.sh.  The whole report stored for
    that command must not be served once deploy.sh changes."""
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    root = athena(tmp_path)
    age_tree(root)
    first = run(root, capsys, "k8s/app.yaml")
    assert codes(first) == [("k8s/app.yaml", 11, "XF002")]
    stored = list((tmp_path / "cache").rglob("runs/*"))
    assert stored, "the report was stored (else this test proves nothing)"
    assert codes(run(root, capsys, "k8s/app.yaml")) == [("k8s/app.yaml", 11, "XF002")]  # served again
    (root / "deploy.sh").write_text("#!/bin/sh\ndocker build --platform linux/amd64 -t reg.example.com/app:1 .\n"
                                    "docker push reg.example.com/app:1\n")
    later(root / "deploy.sh")
    assert codes(run(root, capsys, "k8s/app.yaml")) == []


def test_compose_reads_its_dotenv_and_a_change_there_is_seen_through_the_cache(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "Makefile": "push:\n\tdocker buildx build --platform linux/arm64 -t ghcr.io/acme/api:1 --push .\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "deploy/compose.yaml": "services:\n  api:\n    image: ${REGISTRY}/api:${TAG:-0}\n    platform: linux/amd64\n",
        "deploy/.env": "# the registry\nREGISTRY=ghcr.io/acme\nexport TAG='1'\n",
    })
    assert found(run(root, capsys)) == [
        "deploy/compose.yaml:3 XF001 ghcr.io/acme/api:1 runs on amd64 nodes (platform:), but its build (Makefile:2) "
        "produces only arm64."]
    (root / "deploy/.env").write_text("REGISTRY=ghcr.io/acme\nTAG=2\n")
    assert codes(run(root, capsys)) == []
    (root / "deploy/.env").unlink()  # ${REGISTRY} unknown: links nothing
    assert codes(run(root, capsys)) == []
    os.mkfifo(root / "deploy/.env")  # a FIFO named .env is not read (it would block): unknown too
    assert codes(run(root, capsys)) == []


def test_a_helm_chart_deploys_what_its_templates_render_and_a_chart_without_templates_its_values(tmp_path, capsys):
    files = {
        "Makefile": "push:\n\tdocker buildx build --platform linux/amd64 -t ghcr.io/acme/api:1.4 --push .\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: '1.4'\n",
        "chart/values.yaml": "image:\n  repository: ghcr.io/acme/api\n  tag: '1.4'\nnodeSelector:\n"
                             "  kubernetes.io/arch: arm64\nsidecar:\n  image:\n    repository: ghcr.io/acme/api\n",
        "chart/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n"
                                       "      nodeSelector: {{- toYaml .Values.nodeSelector | nindent 8 }}\n"
                                       "      containers:\n"
                                       "        - name: api\n"
                                       "          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n",
    }
    # the rendered Deployment: on the template's line; the sidecar's values are used by no template
    assert found(run(tree(tmp_path / "a", files), capsys)) == [
        "chart/templates/deploy.yaml:9 XF001 ghcr.io/acme/api:1.4 runs on arm64 nodes (nodeSelector), but its build "
        "(Makefile:2) produces only amd64."]
    del files["chart/templates/deploy.yaml"]  # a chart whose templates are elsewhere: its values say it
    # the sidecar's tag is the appVersion (unknown here): it links too, as ghcr.io/acme/api:*
    assert found(run(tree(tmp_path / "b", files), capsys)) == [
        "chart/values.yaml:3 XF001 ghcr.io/acme/api:1.4 runs on arm64 nodes (nodeSelector), but its build (Makefile:2) "
        "produces only amd64.",
        "chart/values.yaml:8 XF001 ghcr.io/acme/api:* runs on arm64 nodes (nodeSelector), but its build (Makefile:2) "
        "produces only amd64."]

def test_a_local_build_beside_the_build_that_publishes_the_image_is_not_reported(tmp_path, capsys):
    files = {
        ".archlint.toml": 'platforms = ["linux/amd64", "linux/arm64"]\n',
        "Makefile": "IMG = ghcr.io/acme/api:1\n"
                    "build:\n\tdocker build -t $(IMG) .\n"
                    "push:\n\tdocker buildx build --platform linux/amd64,linux/arm64 -t $(IMG) --push .\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "compose.yaml": "services:\n  api:\n    image: ghcr.io/acme/api:1\n    build: .\n"
                        "  job:\n    image: ghcr.io/acme/job:1\n    build: job\n",
        "job/Dockerfile": "FROM alpine:3.20\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    # the Makefile's local build and compose's api service build what the push target publishes
    assert [(f["path"], f["rule"]) for f in doc["findings"] if f["rule"] in ("BC001", "DC003")] == \
        [("compose.yaml", "DC003")]  # job: nothing publishes its image
    files["Makefile"] = "IMG = ghcr.io/acme/api:1\nbuild:\n\tdocker build -t $(IMG) .\npush:\n\tdocker push $(IMG)\n"
    doc = run(tree(tmp_path / "b", files), capsys)
    assert sorted((f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"] in ("BC001", "DC003")) == \
        [("Makefile", 3, "BC001"), ("compose.yaml", 4, "DC003"), ("compose.yaml", 7, "DC003")]


def test_a_matrix_of_components_is_one_build_per_row(tmp_path, capsys):
    # opentelemetry-demo: one build-push-action step builds every component's Dockerfile for two
    # platforms, a file and a tag suffix per matrix row; compose builds the same Dockerfiles locally
    files = {
        ".archlint.toml": 'platforms = ["linux/amd64", "linux/arm64"]\n',
        ".github/workflows/images.yml": """
            on: push
            jobs:
              images:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    file_tag:
                      - file: ./src/agent/Dockerfile
                        tag_suffix: agent
                      - file: ./src/cart/Dockerfile
                        tag_suffix: cart
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      file: ${{ matrix.file_tag.file }}
                      platforms: linux/amd64,linux/arm64
                      push: true
                      tags: ghcr.io/acme/demo:1.0-${{ matrix.file_tag.tag_suffix }}
            """,
        "src/agent/Dockerfile": "FROM alpine:3.20\n",
        "src/cart/Dockerfile": "FROM alpine:3.20\n",
        "src/mcp/Dockerfile": "FROM alpine:3.20\n",
        "compose.yaml": """
            services:
              agent:
                image: ghcr.io/acme/demo:1.0-agent
                build: {context: ., dockerfile: src/agent/Dockerfile}
              mcp:
                image: ghcr.io/acme/demo:1.0-mcp
                build: {context: ., dockerfile: src/mcp/Dockerfile}
            """,
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    # the agent's image is published for both platforms by its matrix row; nothing publishes mcp
    assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"] == "DC003"] == [
        ("compose.yaml", 7, "DC003")]
    g = graph_doc(tmp_path / "a", capsys)
    builds = {b["dockerfile"]: (b["platforms"], b["tags"]) for b in g["builds"] if b["path"].startswith(".github")}
    assert builds == {
        "src/agent/Dockerfile": (["linux/amd64", "linux/arm64"], ["ghcr.io/acme/demo:1.0-agent"]),
        "src/cart/Dockerfile": (["linux/amd64", "linux/arm64"], ["ghcr.io/acme/demo:1.0-cart"]),
    }


def test_a_run_step_build_is_for_its_jobs_runner(tmp_path, capsys):
    # a run: step builds on the job's runner: ubuntu-latest is linux/amd64; a runner picked per
    # run (runs-on: ${{ matrix.os }}: each architecture built natively) decides the platform,
    # unknown here; a self-hosted one is whichever machine it is. DF005 speaks of the last only
    job = ("  {name}:\n    runs-on: {runner}\n    steps:\n      - uses: docker/login-action@v3\n"
           "      - run: docker build -t ghcr.io/acme/{name}:1 {name} && docker push ghcr.io/acme/{name}:1\n")
    files = {".github/workflows/ci.yml": "on: push\njobs:\n" + job.format(name="api", runner="ubuntu-latest")
             + job.format(name="web", runner="${{ matrix.os }}") + job.format(name="tool", runner="self-hosted"),
             "api/Dockerfile": "FROM alpine:3.20\n", "web/Dockerfile": "FROM alpine:3.20\n",
             "tool/Dockerfile": "FROM alpine:3.20\n"}
    root = tree(tmp_path / "a", files)
    g = graph_doc(root, capsys)
    assert {b["dockerfile"]: (b["platforms"], b["host"]) for b in g["builds"]} == {
        "api/Dockerfile": ([], "linux/amd64"), "web/Dockerfile": (None, None), "tool/Dockerfile": ([], None)}
    assert [f["path"] for f in run(root, capsys)["findings"] if f["rule"] == "DF005"] == ["tool/Dockerfile"]


def test_a_build_whose_array_of_arguments_may_hold_platform_has_unknown_platforms(tmp_path, capsys):
    # netbox-docker's build.sh: DRY="" or DRY="echo" by branch, --platform inside an array
    script = ('#!/bin/bash\nif [ -z "${DRY_RUN}" ]; then\n  DRY=""\nelse\n  DRY="echo"\nfi\n'
              'ARGS=(-t ghcr.io/acme/app:1.0)\nARGS+=(--platform "${BUILDX_PLATFORM-linux/amd64}")\n'
              '$DRY docker buildx build -f Dockerfile "${ARGS[@]}" --push .\n')
    files = {"build.sh": script, "Dockerfile": "FROM alpine:3.20\n"}
    root = tree(tmp_path / "a", files)
    g = graph_doc(root, capsys)
    assert [(b["path"], b["dockerfile"], b["platforms"]) for b in g["builds"]] == [
        ("build.sh", "Dockerfile", None)]
    assert [f["rule"] for f in run(root, capsys)["findings"]] == []
    # the same build without the array's --platform says it builds for the build machine
    files["build.sh"] = script.replace('ARGS+=(--platform "${BUILDX_PLATFORM-linux/amd64}")\n', "")
    files["build.sh"] = files["build.sh"].replace('"${ARGS[@]}"', "-t ghcr.io/acme/app:1.0")
    found = run(tree(tmp_path / "b", files), capsys)["findings"]
    assert sorted((f["path"], f["rule"]) for f in found) == [("Dockerfile", "DF005"), ("build.sh", "BC001")]
    assert "It is built without --platform at build.sh:8" in [f for f in found if f["rule"] == "DF005"][0]["message"]


def test_a_program_held_by_a_variable_named_for_its_tool_is_that_tool(tmp_path, capsys):
    # ocs-operator's hack/source-manifests.sh: `pushd config/manager`, `$KUSTOMIZE edit set image
    # ocs-dev/ocs-operator="$OCS_IMAGE"`, KUSTOMIZE set by a file it sources; a variable named
    # for nothing stays unknown
    files = {
        "hack/source-manifests.sh": '#!/bin/bash\nsource hack/common.sh\npushd config/manager\n'
                                    '$KUSTOMIZE edit set image ocs-dev/ocs-operator="$OCS_IMAGE"\npopd\n',
        "config/manager/kustomization.yaml": "resources: [manager.yaml]\nimages:\n- name: ocs-dev/ocs-operator\n"
                                             "  newName: quay.io/ocs-dev/ocs-operator\n  newTag: latest\n",
        "config/manager/manager.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "ocs-dev/ocs-operator:latest"),
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S00") == []
    files["hack/source-manifests.sh"] = files["hack/source-manifests.sh"].replace("$KUSTOMIZE", "$TOOL")
    assert codes(run(tree(tmp_path / "b", files), capsys), "K8S00") == [("config/manager/kustomization.yaml", 5, "K8S001")]


def test_a_tag_the_repository_sets_with_kustomize_is_a_placeholder(tmp_path, capsys):
    # kubebuilder: make deploy runs kustomize edit set image controller=${IMG} before applying
    files = {
        "Makefile": "LOCALBIN ?= $(shell pwd)/bin\nKUSTOMIZE ?= $(LOCALBIN)/kustomize\nIMG ?= ghcr.io/acme/op:v1\n"
                    "deploy:\n\tcd config/manager && $(KUSTOMIZE) edit set image controller=${IMG}\n"
                    "\t$(KUSTOMIZE) build config/default | kubectl apply -f -\n",
        "config/manager/kustomization.yaml": "resources: [manager.yaml]\nimages:\n- name: controller\n"
                                             "  newName: controller\n  newTag: latest\n",
        "config/manager/manager.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "controller:latest")
                                       + "        - name: proxy\n          image: quay.io/brancz/kube-rbac-proxy:latest\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    # the third-party sidecar's tag is not set by anything: still reported
    assert codes(doc, "K8S00") == [("config/manager/manager.yaml", 13, "K8S001")]
    files["Makefile"] = files["Makefile"].replace("edit set image", "edit add resource")
    doc = run(tree(tmp_path / "b", files), capsys)
    # an entry renaming the placeholder to a placeholder sets no tag a node pulls (capdo's
    # config/manager, whose config/default patch sets the real image)
    assert codes(doc, "K8S00") == [("config/manager/manager.yaml", 13, "K8S001")]
    # renamed to a real image, the manager's own image is the Kustomization's to set: reported there
    files["config/manager/kustomization.yaml"] = files["config/manager/kustomization.yaml"].replace(
        "newName: controller", "newName: ghcr.io/acme/op")
    doc = run(tree(tmp_path / "c", files), capsys)
    assert codes(doc, "K8S00") == [("config/manager/kustomization.yaml", 5, "K8S001"),
                                   ("config/manager/manager.yaml", 13, "K8S001")]


def test_a_kustomize_of_a_version_named_so_sets_the_tag_too(tmp_path, capsys):
    # cluster-logging-operator: bingo's KUSTOMIZE := $(GOBIN)/kustomize-v5.4.3, from an included file
    files = {
        ".bingo/Variables.mk": "GOBIN ?= $(firstword $(subst :, ,${GOPATH}))/bin\n"
                               "KUSTOMIZE := $(GOBIN)/kustomize-v5.4.3\n",
        "Makefile": "include .bingo/Variables.mk\nOPERATOR_IMAGE ?= quay.io/acme/op:v1\n"
                    "olm-custom-version: $(KUSTOMIZE)\n"
                    "\tcd config/manager && $(KUSTOMIZE) edit set image controller=$(OPERATOR_IMAGE)\n",
        "config/manager/kustomization.yaml": "resources: [manager.yaml]\nimages:\n- name: controller\n"
                                             "  newName: quay.io/acme/op\n  newTag: latest\n",
        "config/manager/manager.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "controller"),
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S00") == []
    # a tool whose name only starts like kustomize's is another tool
    files["Makefile"] = files["Makefile"].replace("$(KUSTOMIZE) edit", "$(GOBIN)/kustomize-helper edit")
    assert codes(run(tree(tmp_path / "b", files), capsys), "K8S00") == [("config/manager/kustomization.yaml", 5, "K8S001")]


def test_a_kustomize_images_entry_matching_nothing_it_includes_is_not_reported(tmp_path, capsys):
    # kubernaut's deploy/authwebhook: the entry names kubernaut-webhooks, the Deployment runs
    # kubernaut-authwebhook (itself reported); a namespace file has no image
    files = {
        "deploy/kustomization.yaml": "resources: [00-namespace.yaml, deployment.yaml]\nimages:\n"
                                     "- name: quay.io/acme/webhooks\n  newTag: latest\n",
        "deploy/00-namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: acme}\n",
        "deploy/deployment.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "quay.io/acme/authwebhook:latest"),
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert codes(doc, "K8S00") == [("deploy/deployment.yaml", 11, "K8S001")]
    # named right, the entry decides the tag: reported there, once
    files["deploy/kustomization.yaml"] = files["deploy/kustomization.yaml"].replace("webhooks", "authwebhook")
    doc = run(tree(tmp_path / "b", files), capsys)
    assert codes(doc, "K8S00") == [("deploy/kustomization.yaml", 4, "K8S001")]
    # a remote resource may hold the image: the entry is judged as written
    files["deploy/kustomization.yaml"] = files["deploy/kustomization.yaml"].replace(
        "authwebhook", "webhooks").replace("deployment.yaml]", "deployment.yaml, github.com/acme/hooks/config?ref=v1]")
    doc = run(tree(tmp_path / "c", files), capsys)
    assert codes(doc, "K8S00") == [("deploy/deployment.yaml", 11, "K8S001"), ("deploy/kustomization.yaml", 4, "K8S001")]
    # so may a patch (inline, JSON 6902, a file that is no manifest) or a custom resource's
    # podSpec, whose containers kustomize's images: transformer also sets
    base = files["deploy/kustomization.yaml"].replace(", github.com/acme/hooks/config?ref=v1]", "]")
    json_op = "- op: add\n  path: /spec/template/spec/containers/-\n  value: {name: w, image: quay.io/acme/webhooks}\n"
    variants = {
        "d": {"deploy/kustomization.yaml": base + "patches:\n- target: {kind: Deployment}\n  patch: |-\n"
                                               + "".join("    " + line + "\n" for line in json_op.splitlines())},
        "e": {"deploy/kustomization.yaml": base + "patches:\n- path: add.yaml\n  target: {kind: Deployment}\n",
              "deploy/add.yaml": json_op},
        "f": {"deploy/kustomization.yaml": base + "patchesJson6902:\n- path: add.yaml\n", "deploy/add.yaml": json_op},
        "g": {"deploy/kustomization.yaml": base.replace("deployment.yaml]", "deployment.yaml, job.yaml]"),
              "deploy/job.yaml": "apiVersion: acme.io/v1\nkind: Runner\nmetadata: {name: r}\nspec:\n  podSpec:\n"
                                 "    containers:\n    - name: w\n      image: quay.io/acme/webhooks\n"},
    }
    for name, extra in variants.items():
        doc = run(tree(tmp_path / name, {**files, **extra}), capsys)
        assert ("deploy/kustomization.yaml", 4, "K8S001") in codes(doc, "K8S00"), name
    # a patch of a kind without pods adds no image (kubernaut's namespace label)
    label = base + "patches:\n- target: {kind: Namespace}\n  patch: |-\n    - op: add\n      path: /metadata/labels/a\n      value: b\n"
    doc = run(tree(tmp_path / "h", {**files, "deploy/kustomization.yaml": label}), capsys)
    assert ("deploy/kustomization.yaml", 4, "K8S001") not in codes(doc, "K8S00")
    # rabbitmq's config/installation: a JSON patch file adding ports and volumes, replacements of a
    # Certificate's names and cert-manager's kustomizeconfig.yaml move no image either
    ports = "- op: add\n  path: /spec/template/spec/containers/0/ports/-\n  value: {containerPort: 9443}\n"
    repl = ("replacements:\n- source: {kind: Service, name: svc, fieldPath: .metadata.name}\n  targets:\n"
            "  - select: {kind: Certificate}\n    fieldPaths: [.spec.dnsNames.0]\n")
    quiet = {"deploy/kustomization.yaml": base + "patches:\n- path: ports.yaml\n  target: {kind: Deployment}\n"
                                             + repl + "configurations:\n- kustomizeconfig.yaml\n",
             "deploy/ports.yaml": ports,
             "deploy/kustomizeconfig.yaml": "nameReference:\n- kind: Issuer\n  fieldSpecs:\n"
                                            "  - {kind: Certificate, path: spec/issuerRef/name}\n"}
    doc = run(tree(tmp_path / "i", {**files, **quiet}), capsys)
    assert ("deploy/kustomization.yaml", 4, "K8S001") not in codes(doc, "K8S00")
    # a configuration file outside the repository is not read: it may move anything
    (tmp_path / "kustomizeconfig.yaml").write_text(quiet["deploy/kustomizeconfig.yaml"])
    far = {**quiet, "deploy/kustomization.yaml": quiet["deploy/kustomization.yaml"].replace(
        "- kustomizeconfig.yaml", "- ../../kustomizeconfig.yaml")}
    doc = run(tree(tmp_path / "l", {**files, **far}), capsys)
    assert ("deploy/kustomization.yaml", 4, "K8S001") in codes(doc, "K8S00")
    # nor one that is a FIFO (it would block): unknown, the entry is judged as written
    fifo = tree(tmp_path / "m", {**files, **{k: v for k, v in quiet.items() if k != "deploy/kustomizeconfig.yaml"}})
    os.mkfifo(fifo / "deploy/kustomizeconfig.yaml")
    assert ("deploy/kustomization.yaml", 4, "K8S001") in codes(run(fifo, capsys), "K8S00")
    # a replacement into an image field, or a configuration with images field specs, may move one
    for name, key, val in (("j", "deploy/kustomization.yaml",
                            quiet["deploy/kustomization.yaml"].replace(".spec.dnsNames.0",
                                                                       "spec.template.spec.containers.0.image")),
                           ("k", "deploy/kustomizeconfig.yaml", "images:\n- {kind: Runner, path: spec/image}\n")):
        doc = run(tree(tmp_path / name, {**files, **quiet, key: val}), capsys)
        assert ("deploy/kustomization.yaml", 4, "K8S001") in codes(doc, "K8S00"), name


def test_an_images_entry_set_by_its_name_and_what_kustomize_build_writes_from_it(tmp_path, capsys):
    # argocd-image-updater: the entry's name is what make build-installer sets (its newName is
    # the real repository), then writes config/install.yaml with the release's tag
    files = {
        "Makefile": "KUSTOMIZE ?= $(LOCALBIN)/kustomize\nbuild-installer:\n"
                    "\tcd config/manager && $(KUSTOMIZE) edit set image updater-controller=${IMG}\n"
                    "\t$(KUSTOMIZE) build config/default > config/install.yaml\n",
        "config/default/kustomization.yaml": "resources: [../manager]\n",
        "config/manager/kustomization.yaml": "resources: [manager.yaml]\nimages:\n- name: updater-controller\n"
                                             "  newName: quay.io/acme/updater\n  newTag: latest\n",
        "config/manager/manager.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "updater-controller"),
        "config/install.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "quay.io/acme/updater:latest"),
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert codes(doc, "K8S00") == []
    files["Makefile"] = files["Makefile"].replace("edit set image updater-controller=${IMG}", "edit add label a:b")
    doc = run(tree(tmp_path / "b", files), capsys)
    assert codes(doc, "K8S00") == [("config/install.yaml", 11, "K8S001"), ("config/manager/kustomization.yaml", 5, "K8S001")]


CAPI_MANAGER = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: controller-manager
    spec:
      template:
        spec:
          containers:
          - name: manager
            image: example.com/controller:latest
          - name: proxy
            image: quay.io/brancz/kube-rbac-proxy:latest
    """


def capi(manager_patch: str = "manager") -> dict:
    """cluster-api's layout: config/default includes ../manager and patches its image."""
    return {
        "core/config/manager/kustomization.yaml": "resources:\n- manager.yaml\n",
        "core/config/manager/manager.yaml": CAPI_MANAGER,
        "core/config/default/kustomization.yaml": "namePrefix: capi-\nresources:\n- ../manager\n"
                                                  "patches:\n- path: manager_image_patch.yaml\n",
        "core/config/default/manager_image_patch.yaml": f"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: controller-manager
            spec:
              template:
                spec:
                  containers:
                  - image: gcr.io/k8s-staging-cluster-api/cluster-api-controller:main
                    name: {manager_patch}
            """,
    }


def test_an_image_a_kustomize_patch_replaces_is_not_what_is_deployed(tmp_path, capsys):
    doc = run(tree(tmp_path / "a", capi()), capsys)
    # (cluster-api writes controller:latest, a one-part name no registry serves: a placeholder never
    # reported; a namespaced name shows what the patch does)
    # example.com/controller:latest is replaced by the patch of config/default (through ../manager); the
    # sidecar is not patched and still reported
    assert [(f["path"], f["line"], f["rule"], f["message"]) for f in doc["findings"] if f["rule"] == "K8S001"] == [
        ("core/config/manager/manager.yaml", 12, "K8S001",
         "Image quay.io/brancz/kube-rbac-proxy:latest uses the mutable tag latest.")]
    # a patch of another container, or a Kustomization that does not include the manifest, replaces nothing
    files = capi("kube-rbac-proxy")
    assert codes(run(tree(tmp_path / "b", files), capsys), "K8S00") == [
        ("core/config/manager/manager.yaml", 10, "K8S001"), ("core/config/manager/manager.yaml", 12, "K8S001")]
    files = capi()
    files["core/config/default/kustomization.yaml"] = files["core/config/default/kustomization.yaml"].replace(
        "../manager", "../rbac")
    assert codes(run(tree(tmp_path / "c", files), capsys), "K8S00") == [
        ("core/config/manager/manager.yaml", 10, "K8S001"), ("core/config/manager/manager.yaml", 12, "K8S001")]


def test_an_image_a_kustomize_replacement_sets_is_not_what_is_deployed(tmp_path, capsys):
    # capz: config/default's replacements: copy the manager's image into the init container that
    # config/aso's patch adds with image: controller:latest, a placeholder
    init = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: aso-controller-manager
        spec:
          template:
            spec:
              initContainers:
                - name: migrate
                  image: example.com/controller:latest
                - name: other
                  image: busybox:latest
    """
    default = ("resources:\n- ../aso\nreplacements:\n- source:\n    kind: Deployment\n    name: manager\n"
               "    fieldPath: spec.template.spec.containers.[name=manager].image\n  targets:\n"
               "  - select:\n      kind: Deployment\n      name: aso-controller-manager\n    fieldPaths:\n"
               "    - spec.template.spec.initContainers.[name=migrate].image\n")
    files = {"config/aso/kustomization.yaml": "resources:\n- aso.yaml\npatches:\n- path: patches/init.yaml\n",
             "config/aso/aso.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
             "config/aso/patches/init.yaml": init,
             "config/default/kustomization.yaml": default}
    # the other init container is not replaced, nor anything without the Kustomization over it
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S00") == [("config/aso/patches/init.yaml", 12, "K8S001")]
    both = [("config/aso/patches/init.yaml", 10, "K8S001"), ("config/aso/patches/init.yaml", 12, "K8S001")]
    files["config/default/kustomization.yaml"] = default.replace("- ../aso", "- ../other")
    assert codes(run(tree(tmp_path / "b", files), capsys), "K8S00") == both
    # a part of the image (its name: the tag stays), or a target narrowed by a reject: list
    files["config/default/kustomization.yaml"] = default + "    options:\n      delimiter: ':'\n      index: 0\n"
    assert codes(run(tree(tmp_path / "c", files), capsys), "K8S00") == both
    files["config/default/kustomization.yaml"] = default + "    reject:\n    - name: aso-controller-manager\n"
    assert codes(run(tree(tmp_path / "d", files), capsys), "K8S00") == both


def test_no_emulator_is_asked_for_a_dockerfile_that_runs_everything_on_the_build_machine(tmp_path, capsys):
    # vikunja: builders on $BUILDPLATFORM cross-compile for TARGETOS/TARGETARCH, the final stage
    # is scratch and only copies: building for four platforms runs no foreign program
    flow = ("on: push\njobs:\n  docker:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            "      - uses: docker/setup-buildx-action@v3\n        with:\n          driver: docker\n"
            "      - name: Build\n        uses: docker/build-push-action@v6\n        with:\n"
            "          platforms: linux/amd64,linux/arm64\n          push: true\n          tags: acme/app:1.0\n")
    cross = ("FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nARG TARGETOS TARGETARCH\n"
             "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\nFROM build AS more\nRUN strip /app\n"
             "FROM alpine:3.20\nCOPY --from=more /app /app\nENTRYPOINT [\"/app\"]\n")
    files = {".github/workflows/release.yml": flow, "Dockerfile": cross}
    assert codes(run(tree(tmp_path / "a", files), capsys), "GHA003") == []
    # a RUN in the final stage runs under the target's CPU; so does one in a stage of another step's file
    files["Dockerfile"] = cross.replace('COPY --from=more /app /app\n', 'COPY --from=more /app /app\nRUN /app --version\n')
    assert codes(run(tree(tmp_path / "b", files), capsys), "GHA003") == [(".github/workflows/release.yml", 13, "GHA003")]
    files["Dockerfile"] = cross
    files[".github/workflows/release.yml"] = flow.replace("          push: true\n", "          push: true\n"
                                                          "          file: other/Dockerfile\n")
    files["other/Dockerfile"] = "FROM alpine:3.20\nRUN apk add curl\n"
    assert codes(run(tree(tmp_path / "c", files), capsys), "GHA003") == [(".github/workflows/release.yml", 13, "GHA003")]
    # a Dockerfile the run does not know
    del files["other/Dockerfile"]
    assert codes(run(tree(tmp_path / "d", files), capsys), "GHA003") == [(".github/workflows/release.yml", 13, "GHA003")]
    # a matrix's rows: one build each, every one judged (whichever order the rows come in)
    for i, rows in enumerate(("[a, b]", "[b, a]")):
        matrix = flow.replace("    runs-on: ubuntu-latest\n", f"    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
                              f"        component: {rows}\n").replace(
            "          push: true\n", "          push: true\n          context: ${{ matrix.component }}\n")
        files = {".github/workflows/release.yml": matrix, "a/Dockerfile": cross,
                 "b/Dockerfile": "FROM alpine:3.20\nRUN apk add curl\n"}
        assert codes(run(tree(tmp_path / f"m{i}", files), capsys), "GHA003") == [
            (".github/workflows/release.yml", 16, "GHA003")], rows
        files["b/Dockerfile"] = cross
        assert codes(run(tree(tmp_path / f"n{i}", files), capsys), "GHA003") == [], rows


def test_a_kustomize_component_no_kustomization_uses_deploys_nothing(tmp_path, capsys):
    # pi-cluster's elastic-stack: components/kibana-config (kind: Component) holds a Job on
    # alpine/curl:latest, but the overlays' components: name only route and istio
    job = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: kibana-config\nspec:\n  template:\n    spec:\n"
           "      containers:\n      - name: curl\n        image: alpine/curl:latest\n")
    component = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - job.yaml\n"
    files = {"app/components/kibana-config/kustomization.yaml": component,
             "app/components/kibana-config/job.yaml": job,
             "app/components/route/kustomization.yaml": component.replace("job.yaml", "route.yaml"),
             "app/components/route/route.yaml": job.replace("kibana-config", "route"),
             "app/base/kustomization.yaml": "resources:\n  - kibana.yaml\n",
             "app/base/kibana.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k\n",
             "app/overlays/prod/kustomization.yaml": "resources:\n  - ../../base\ncomponents:\n  - ../../components/route\n"}
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S00") == [("app/components/route/route.yaml", 10, "K8S001")]
    # an overlay naming it, or a Flux Kustomization naming components (relative to its path), uses it
    files["app/overlays/dev/kustomization.yaml"] = "resources:\n  - ../../base\ncomponents:\n  - ../../components/kibana-config\n"
    both = [("app/components/kibana-config/job.yaml", 10, "K8S001"), ("app/components/route/route.yaml", 10, "K8S001")]
    assert codes(run(tree(tmp_path / "b", files), capsys), "K8S00") == both
    del files["app/overlays/dev/kustomization.yaml"]
    files["clusters/prod/app.yaml"] = ("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
                                       "  name: app\nspec:\n  path: ./app/base\n  components:\n"
                                       "    - ../components/kibana-config\n")
    assert codes(run(tree(tmp_path / "c", files), capsys), "K8S00") == both
    # a catalog's components none of its own overlays use are for other repositories
    # (demo-ai-gitops-catalog's operator/components/console-plugin): judged
    del files["clusters/prod/app.yaml"]
    files["app/overlays/prod/kustomization.yaml"] = "resources:\n  - ../../base\n"
    assert codes(run(tree(tmp_path / "d", files), capsys), "K8S00") == both


def test_a_kustomize_replacement_of_the_tag_by_position_sets_the_deployed_tag(tmp_path, capsys):
    # hoarder: the web Deployment's image is written without a tag; the Kustomization's
    # replacements: put KARAKEEP_VERSION from the configMapGenerator's .env after its ':'
    web = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
           "      containers:\n      - name: web\n        image: ghcr.io/karakeep-app/karakeep\n"
           "      - name: sidecar\n        image: ghcr.io/acme/sidecar\n")
    kust = ("resources:\n- web-deployment.yaml\nconfigMapGenerator:\n- envs:\n  - .env\n  name: conf\n"
            "replacements:\n- source:\n    fieldPath: data.KARAKEEP_VERSION\n    kind: ConfigMap\n    name: conf\n"
            "  targets:\n  - fieldPaths:\n    - spec.template.spec.containers.0.image\n    options:\n"
            "      delimiter: ':'\n      index: 1\n    select:\n      group: apps\n      kind: Deployment\n"
            "      name: web\n      version: v1\n")
    files = {"kubernetes/web-deployment.yaml": web, "kubernetes/kustomization.yaml": kust,
             "kubernetes/.env": "KARAKEEP_VERSION=release\n"}
    # the first container's tag is set; the second's is not
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S00") == [("kubernetes/web-deployment.yaml", 12, "K8S002")]
    both = [("kubernetes/web-deployment.yaml", 10, "K8S002"), ("kubernetes/web-deployment.yaml", 12, "K8S002")]
    # the name part (index 0) keeps the tag as written; another position is another container
    files["kubernetes/kustomization.yaml"] = kust.replace("index: 1", "index: 0")
    assert codes(run(tree(tmp_path / "b", files), capsys), "K8S00") == both
    files["kubernetes/kustomization.yaml"] = kust.replace("containers.0.image", "containers.2.image")
    assert codes(run(tree(tmp_path / "c", files), capsys), "K8S00") == both
    # a strategic-merge patch matches containers by name: a patch's first container is not this one's
    files["kubernetes/kustomization.yaml"] = "resources:\n- web-deployment.yaml\npatches:\n- path: patch.yaml\n"
    files["kubernetes/patch.yaml"] = web.replace("name: web\n        image: ghcr.io/karakeep-app/karakeep",
                                                 "name: other\n        image: ghcr.io/acme/other:1.0").split(
        "      - name: sidecar")[0]
    assert codes(run(tree(tmp_path / "d", files), capsys), "K8S00") == both


def test_an_overlays_images_entry_sets_the_tag_of_its_bases_image(tmp_path, capsys, monkeypatch):
    # spark-operator: config/default includes ../manager and sets the controller's tag with
    # images:; the base's untagged image is not what is deployed. Another image of the base, or
    # an overlay that does not include it, changes nothing
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    manager = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: op\nspec:\n  template:\n    spec:\n"
               "      containers:\n      - name: op\n        image: ghcr.io/acme/op/controller\n"
               "      - name: proxy\n        image: quay.io/acme/proxy\n")
    files = {"config/manager/kustomization.yaml": "resources:\n- manager.yaml\n",
             "config/manager/manager.yaml": manager,
             "config/default/kustomization.yaml": "resources:\n- ../crd\n- ../manager\nimages:\n"
                                                  "- name: ghcr.io/acme/op/controller\n  newTag: v2.5.0\n",
             "config/crd/kustomization.yaml": "resources: []\n"}
    root = tree(tmp_path / "a", files)
    age_tree(root)
    assert codes(run(root, capsys), "K8S00") == [("config/manager/manager.yaml", 12, "K8S002")]
    # a run given the manifest alone knows the overlay; the overlay edited to include another folder
    assert codes(run(root, capsys, "config/manager/manager.yaml"), "K8S00") == [
        ("config/manager/manager.yaml", 12, "K8S002")]
    k = root / "config/default/kustomization.yaml"
    k.write_text(k.read_text().replace("- ../manager\n", ""))
    later(k)
    assert codes(run(root, capsys, "config/manager/manager.yaml"), "K8S00") == [
        ("config/manager/manager.yaml", 10, "K8S002"), ("config/manager/manager.yaml", 12, "K8S002")]
    # a second overlay that sets no tag deploys the base's own; a newName alone keeps the tag
    both = dict(files, **{"config/prod/kustomization.yaml": "resources:\n- ../manager\n"})
    assert codes(run(tree(tmp_path / "b", both), capsys), "K8S00") == [
        ("config/manager/manager.yaml", 10, "K8S002"), ("config/manager/manager.yaml", 12, "K8S002")]
    renamed = dict(files, **{"config/default/kustomization.yaml": "resources:\n- ../manager\nimages:\n"
                             "- name: ghcr.io/acme/op/controller\n  newName: registry.example.com/op\n"})
    assert codes(run(tree(tmp_path / "c", renamed), capsys), "K8S00") == [
        ("config/manager/manager.yaml", 10, "K8S002"), ("config/manager/manager.yaml", 12, "K8S002")]


def test_an_overlays_image_tag_transformers_set_the_tag_of_its_bases_image(tmp_path, capsys, monkeypatch):
    # gcp-compute-persistent-disk-csi-driver: every overlay of base/ lists ../../images/<set> among
    # its transformers:, a folder of ImageTagTransformers that set each image's tag; an overlay
    # without them deploys the base's own tag
    base = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: csi\nspec:\n  template:\n    spec:\n"
            "      containers:\n      - name: provisioner\n        image: registry.k8s.io/sig-storage/csi-provisioner\n"
            "      - name: driver\n        image: quay.io/acme/driver\n")
    transformer = ("apiVersion: builtin\nkind: ImageTagTransformer\nmetadata:\n  name: t\nimageTag:\n"
                   "  name: registry.k8s.io/sig-storage/csi-provisioner\n  newTag: \"v6.0.0\"\n")
    files = {"deploy/base/kustomization.yaml": "resources:\n- controller.yaml\n",
             "deploy/base/controller.yaml": base,
             "deploy/images/stable/kustomization.yaml": "resources:\n- image.yaml\n",
             "deploy/images/stable/image.yaml": transformer,
             "deploy/overlays/stable/kustomization.yaml": "resources:\n- ../../base/\ntransformers:\n- ../../images/stable\n",
             "deploy/overlays/dev/kustomization.yaml": "resources:\n- ../../base/\ntransformers:\n"
                                                       "- ../../images/stable/image.yaml\n"}
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    root = tree(tmp_path / "a", files)
    age_tree(root)
    assert codes(run(root, capsys), "K8S00") == [("deploy/base/controller.yaml", 12, "K8S002")]
    # from the cache: the transformer made another kind, then an ImageTagTransformer again; one
    # that sets latest sets no version
    t = root / "deploy/images/stable/image.yaml"
    for text, found in ((transformer.replace("ImageTagTransformer", "LabelTransformer"), [10, 12]),
                        (transformer, [12]), (transformer.replace('"v6.0.0"', "latest"), [10, 12])):
        t.write_text(text)
        later(t)
        assert [ln for _p, ln, _r in codes(run(root, capsys), "K8S00")] == found, text
    bare = dict(files, **{"deploy/overlays/raw/kustomization.yaml": "resources:\n- ../../base/\n"})
    assert codes(run(tree(tmp_path / "b", bare), capsys), "K8S00") == [
        ("deploy/base/controller.yaml", 10, "K8S002"), ("deploy/base/controller.yaml", 12, "K8S002")]
    # gcp-filestore-csi-driver: base/ gathers base/controller (and node_linux), which the overlays
    # include one by one; nothing includes base/ itself: kustomize's base of the layout, not a
    # deployment. Any other top that keeps the tag still deploys it.
    split = {k.replace("deploy/base/", "deploy/base/controller/"): v for k, v in files.items()}
    split = {k: v.replace("../../base/", "../../base/controller/") for k, v in split.items()}
    split["deploy/base/kustomization.yaml"] = "resources:\n- controller\n"
    assert codes(run(tree(tmp_path / "c", split), capsys), "K8S00") == [
        ("deploy/base/controller/controller.yaml", 12, "K8S002")]
    split["deploy/deploy-all/kustomization.yaml"] = "resources:\n- ../base/controller\n"
    assert codes(run(tree(tmp_path / "d", split), capsys), "K8S00") == [
        ("deploy/base/controller/controller.yaml", 10, "K8S002"), ("deploy/base/controller/controller.yaml", 12, "K8S002")]


def test_a_kustomize_patch_is_seen_by_a_run_given_the_manifest_alone(tmp_path, capsys, monkeypatch):
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    root = tree(tmp_path / "a", capi())
    age_tree(root)
    assert codes(run(root, capsys), "K8S00") == [("core/config/manager/manager.yaml", 12, "K8S001")]
    # pre-commit passes the manifest alone: the index links it to the patching Kustomization
    assert codes(run(root, capsys, "core/config/manager/manager.yaml"), "K8S00") == [
        ("core/config/manager/manager.yaml", 12, "K8S001")]
    # the patch is edited to name another container: the manager's own tag is deployed again
    patch = root / "core/config/default/manager_image_patch.yaml"
    patch.write_text(patch.read_text().replace("name: manager", "name: other"))
    later(patch)
    assert codes(run(root, capsys, "core/config/manager/manager.yaml"), "K8S00") == [
        ("core/config/manager/manager.yaml", 10, "K8S001"), ("core/config/manager/manager.yaml", 12, "K8S001")]


def test_a_latest_tag_a_sed_of_the_repository_rewrites_is_a_placeholder(tmp_path, capsys, monkeypatch):
    # argo-workflows: dist/manifests/% is manifests/% with :latest replaced by the release's version
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    api = DEPLOY.replace("quay.io/acme/api:1.4", "quay.io/argoproj/argocli:latest")
    root = tree(tmp_path / "a", {
        "Makefile": "VERSION := latest\ndist/manifests/%: manifests/%\n\t@mkdir -p dist/manifests\n"
                    "\tsed 's/:latest/:$(VERSION)/' manifests/$* > $@\n",
        "manifests/base/argo-server.yaml": api,
        "examples/server.yaml": api.replace("name: api", "name: example", 1),
        "deploy/server.yaml": api,
    })
    age_tree(root)
    assert codes(run(root, capsys), "K8S001") == [("deploy/server.yaml", 11, "K8S001")]
    # pre-commit names the manifest alone: the rewriting Makefile is still seen
    assert codes(run(root, capsys, "manifests/base/argo-server.yaml"), "K8S001") == []
    assert codes(run(root, capsys, "deploy/server.yaml"), "K8S001") == [("deploy/server.yaml", 11, "K8S001")]


def test_a_charts_templates_rendered_from_values_a_release_sed_rewrites_are_placeholders(tmp_path, capsys):
    # volcano: hack/bump-version.sh seds the chart's values.yaml (named by a variable it assigns),
    # whose image_tag_version: "latest" every template renders; kubevela's workflow seds the word
    # latest in $HELM_CHART/values.yaml, HELM_CHART set in the job's env
    chart = {
        "Chart.yaml": "apiVersion: v2\nname: vc\nversion: 1.0.0\n",
        "values.yaml": 'basic:\n  image_tag_version: "latest"\n',
        "templates/scheduler.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "docker.io/volcanosh/vc-scheduler:"
                                                  "{{ .Values.basic.image_tag_version }}"),
    }
    files = {f"installer/chart/vc/{k}": v for k, v in chart.items()}
    files["deploy/other/templates/x.yaml"] = DEPLOY.replace("quay.io/acme/api:1.4", "acme/x:latest")
    root = tree(tmp_path / "a", files)
    assert codes(run(root, capsys), "K8S001") == [("deploy/other/templates/x.yaml", 11, "K8S001"),
                                                  ("installer/chart/vc/templates/scheduler.yaml", 11, "K8S001")]
    files["hack/bump-version.sh"] = ('#!/bin/bash\nVALUES_YAML="installer/chart/vc/values.yaml"\n'
                                     'sed -i.bak "s/image_tag_version: .*/image_tag_version: \\"${V}\\"/" "${VALUES_YAML}"\n')
    root = tree(tmp_path / "b", files)
    assert codes(run(root, capsys), "K8S001") == [("deploy/other/templates/x.yaml", 11, "K8S001")]
    del files["hack/bump-version.sh"]
    files[".github/workflows/chart.yml"] = (
        "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      HELM_CHART: installer/chart/vc\n"
        "    steps:\n      - run: |\n          sed -i \"s/latest/${TAG}/g\" $HELM_CHART/values.yaml\n")
    root = tree(tmp_path / "c", files)
    assert codes(run(root, capsys), "K8S001") == [("deploy/other/templates/x.yaml", 11, "K8S001")]


def test_values_a_sed_writes_from_a_template_and_what_helm_template_renders_of_them_carry_the_release_tag(
        tmp_path, capsys):
    # seldon-core's k8s/Makefile: values.yaml is written from values.yaml.template, its
    # #TAG_VERSION_PLACEHOLDER# the release's tag (CUSTOM_IMAGE_TAG ?= latest between releases),
    # and yaml/components.yaml is `helm template` of that chart
    values = "controller:\n  image:\n    repository: seldonio/seldonv2-controller\n    tag: latest\n" \
             "rclone:\n  image:\n    repository: rclone/rclone\n    tag: latest\n" \
             "envoy:\n  image:\n    repository: seldonio/seldon-envoy\n    tag: latest\n"
    rendered = DEPLOY.replace("quay.io/acme/api:1.4", "seldonio/seldonv2-controller:latest") \
        + "        - name: envoy\n          image: seldonio/seldon-envoy:latest\n"
    files = {"k8s/helm-charts/setup/Chart.yaml": "apiVersion: v2\nname: setup\nversion: 1.0.0\n",
             "k8s/helm-charts/setup/values.yaml.template": values.replace("tag: latest", "tag: #TAG_VERSION_PLACEHOLDER#"),
             "k8s/helm-charts/setup/values.yaml": values, "k8s/helm-charts/setup/templates/.keep": "",
             "k8s/yaml/components.yaml": rendered}
    every = [("k8s/helm-charts/setup/values.yaml", 4, "K8S001"), ("k8s/helm-charts/setup/values.yaml", 8, "K8S001"),
             ("k8s/helm-charts/setup/values.yaml", 12, "K8S001"), ("k8s/yaml/components.yaml", 11, "K8S001"),
             ("k8s/yaml/components.yaml", 13, "K8S001")]
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S001") == every
    files["k8s/Makefile"] = (
        "CUSTOM_IMAGE_TAG ?= latest\ncreate:\n"
        "\tsed \"s/#TAG_VERSION_PLACEHOLDER#/${CUSTOM_IMAGE_TAG}/g\" helm-charts/setup/values.yaml.template"
        " > helm-charts/setup/values.yaml\n"
        "create-yaml:\n\thelm template seldon-core-v2-components ./helm-charts/setup | grep -v \"namespace:\" "
        "> yaml/components.yaml\n")
    doc = run(tree(tmp_path / "b", files), capsys)
    # (rclone is not the repository's image: the release writes its own tag, not rclone's)
    assert [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "K8S001" and not f["suppressed"]] == [
        ("k8s/helm-charts/setup/values.yaml", 8)]
    # a sed of another word, or appending (>>), writes no release tag
    for other in ("s/#OWNER#/${OWNER}/g", "s/#TAG_VERSION_PLACEHOLDER#/1.0/g"):
        files["k8s/Makefile"] = files["k8s/Makefile"].replace("s/#TAG_VERSION_PLACEHOLDER#/${CUSTOM_IMAGE_TAG}/g", other)
        assert codes(run(tree(tmp_path / other[2:6], files), capsys), "K8S001") == every, other


def test_a_tag_a_release_sed_rewrites_in_a_kustomization_and_what_it_generates(tmp_path, capsys, monkeypatch):
    # argo-events: `make update-manifests-version` rewrites the base Kustomization's newTag with
    # `cat ... | sed 's/newTag: .*/newTag: $(VERSION)/'`; install.yaml is `kubectl kustomize`
    # of a folder including that base
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    api = DEPLOY.replace("quay.io/acme/api:1.4", "quay.io/argoproj/argo-events:latest")
    root = tree(tmp_path / "a", {
        "Makefile": "manifests:\n\tkubectl kustomize manifests/cluster-install > manifests/install.yaml\n"
                    "update-manifests-version:\n"
                    "\tcat manifests/base/kustomization.yaml | sed 's/newTag: .*/newTag: $(VERSION)/' > /tmp/k.yaml\n"
                    "\tmv /tmp/k.yaml manifests/base/kustomization.yaml\n"
                    "\tcat Makefile | sed 's/^VERSION?=.*/VERSION?=$(VERSION)/' > /tmp/m\n",
        "manifests/base/kustomization.yaml": "resources:\n- api.yaml\nimages:\n- name: quay.io/argoproj/argo-events\n"
                                             "  newTag: latest\n",
        "manifests/base/api.yaml": api,
        "manifests/cluster-install/kustomization.yaml": "resources:\n- ../base\n",
        "manifests/install.yaml": api,
        "deploy/other.yaml": api,
    })
    age_tree(root)
    assert codes(run(root, capsys), "K8S001") == [("deploy/other.yaml", 11, "K8S001")]
    # pre-commit names the generated file alone: the Makefile and the Kustomizations are still seen
    assert codes(run(root, capsys, "manifests/install.yaml"), "K8S001") == []
    # a sed that rewrites no tag (the Makefile's VERSION) leaves the :latest of what it reads
    (root / "Makefile").write_text("x:\n\tcat manifests/base/kustomization.yaml | sed 's/^VERSION?=.*/V/' > /tmp/k\n")
    age_tree(root)
    assert [p for p, _l, _r in codes(run(root, capsys), "K8S001")] == [
        "deploy/other.yaml", "manifests/base/kustomization.yaml", "manifests/install.yaml"]



def test_a_latest_tag_in_what_a_release_pipes_from_kustomize_build_to_sed_is_a_placeholder(tmp_path, capsys):
    # kserve's hack/release/generate-install.sh: kustomize build ${REPO_ROOT}/config/overlays/all
    # | yq ... | sed s/:latest/:$TAG/g: every :latest the build reads, at any depth, becomes the
    # release's version; a third party's image among the repository's own (vllm/vllm-openai
    # among kserve/*) would get a tag of kserve's version, which it does not have
    servers = DEPLOY.replace("quay.io/acme/api:1.4", "kserve/sklearnserver:latest") + \
        "        - name: xgb\n          image: kserve/xgbserver:latest\n" \
        "        - name: vllm\n          image: vllm/vllm-openai:latest\n"
    files = {
        "hack/release/generate-install.sh": "#!/bin/sh\nREPO_ROOT=$(git rev-parse --show-toplevel)\n"
            "kustomize build ${REPO_ROOT}/config/overlays/all | yq 'select(.kind != \"Namespace\")' "
            "| sed s/:latest/:$TAG/g > $INSTALL_PATH\n",
        "config/overlays/all/kustomization.yaml": "resources:\n- ../../default\n- ../../runtimes\n",
        "config/default/kustomization.yaml": "resources:\n- manager.yaml\npatches:\n- path: manager_image_patch.yaml\n",
        "config/default/manager.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "example.com/controller:latest"),
        "config/default/manager_image_patch.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "kserve/kserve-controller:latest"),
        "config/runtimes/kustomization.yaml": "resources:\n- servers.yaml\n- jobs.yaml\n",
        "config/runtimes/servers.yaml": servers,
        # one third-party repository three times is one repository, not the owner
        "config/runtimes/jobs.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "rancher/kubectl:latest")
            .replace("name: api\n", "name: jobs\n", 1)
            + "        - name: b\n          image: rancher/kubectl:latest\n"
            + "        - name: c\n          image: rancher/kubectl:latest\n",
        "deploy/other.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "kserve/kserve-controller:latest"),
    }
    found = [(f["path"], f["line"], f["message"]) for f in run(tree(tmp_path / "a", files), capsys)["findings"]
             if f["rule"] == "K8S001"]
    why = (" uses the mutable tag latest. The repository's release rewrites the :latest tags of this file to its "
           "own version, and this image is not the repository's.")
    assert found == [
        ("config/runtimes/jobs.yaml", 11, "Image rancher/kubectl:latest" + why),
        ("config/runtimes/jobs.yaml", 13, "Image rancher/kubectl:latest" + why),
        ("config/runtimes/jobs.yaml", 15, "Image rancher/kubectl:latest" + why),
        ("config/runtimes/servers.yaml", 15, "Image vllm/vllm-openai:latest" + why),
        ("deploy/other.yaml", 11, "Image kserve/kserve-controller:latest uses the mutable tag latest.")]
    # a sed fed by another command than the build (after ; or ||) rewrites nothing the build reads
    files["hack/release/generate-install.sh"] = ("kustomize build config/overlays/all > a.yaml; cat b.yaml | sed s/:latest/:1/g\n"
                                                 "kustomize build config/overlays/all || sed s/:latest/:1/g b.yaml\n")
    found = [(f["path"], f["line"]) for f in run(tree(tmp_path / "b", files), capsys)["findings"] if f["rule"] == "K8S001"]
    assert ("config/runtimes/servers.yaml", 11) in found and ("config/default/manager_image_patch.yaml", 11) in found

def test_the_release_sed_readers_find_the_files_whose_tags_they_rewrite():
    from archlint.project.rewrites import release_rewrites

    def read(text):
        out = {}
        release_rewrites(text, out)
        return out

    # strimzi: find ... -exec $(SED) -i '/image: quay.io\/strimzi\/operator:.../s/:[a-zA-Z0-9_.-]\+/:$(V)/g' {} \;
    strimzi = ("release_version:\n\t$(FIND) ./packaging/install -name '*.yaml' -type f -exec $(SED) -i "
               "'/image: \"\\?quay.io\\/strimzi\\/operator:[a-zA-Z0-9_.-]\\+\"\\?/s/:[a-zA-Z0-9_.-]\\+/:$(RELEASE_VERSION)/g' {} \\;\n")
    assert read(strimzi) == {"rewrites": ["./packaging/install/"]}
    assert read("x:\n\tsed -i 's/:latest/:$(V)/' manifests/*.yaml deploy/app.yaml\n") == {
        "rewrites": ["manifests/", "deploy/app.yaml"]}
    assert read("x:\n\tkustomize build config/default > dist/install.yaml\n") == {
        "generated": [["config/default", "dist/install.yaml"]]}
    # substitutions that rewrite no tag, or name no file
    assert read("x:\n\tsed -i 's/^VERSION ?= .*/VERSION ?= $(V)/' Makefile\n\tsed 's/:latest/:1/'\n"
                "\tsed -i 's/replicas: 1/replicas: 3/' deploy/app.yaml\n") == {}
    # every `tag:` line of a values file, whichever image it is (loki's stale release script)
    assert read('sed-wrap "s/.*tag:.*/  tag: ${VERSION}/" production/helm/loki/values.yaml\n') == {}
    # christianhuth's Renovate script: a chart's version in its Chart.yaml, no image below charts/
    assert read('sed -i "s/^version:.*/version: ${NEW}/g" "charts/${CHART}/Chart.yaml"\n'
                "sed -i 's/^appVersion:.*/appVersion: 1/' charts/x/Chart.yml\n") == {}
    assert read("sed -i 's/newTag: .*/newTag: 1.2/' k/kustomization.yaml\n") == {"rewrites": ["k/kustomization.yaml"]}
    # trainer's release: the files come from a for loop, the sed names "$f"; kubebuilder's
    # $(KUSTOMIZE) build writes dist/install.yaml
    trainer = ('for f in \\\n  manifests/overlays/manager/kustomization.yaml \\\n  manifests/overlays/runtimes/kustomization.yaml; do\n'
               '  sed -i "s/newTag: .*/newTag: $TAG/" "$f"\ndone\nsed -i "s/:latest/:$TAG/" "$g"\n')
    assert read(trainer) == {"rewrites": ["manifests/overlays/manager/kustomization.yaml",
                                          "manifests/overlays/runtimes/kustomization.yaml"]}
    assert read("for f in a.yaml; do sed -i 's/:latest/:1/' $f; done\n") == {"rewrites": ["a.yaml"]}
    # inspektor-gadget's release: the manifest copied, then perl's in-place edit of the copy with
    # sed's substitutions, a ; between them inside the quoted script; perl without -i edits nothing
    gadget = ('cp pkg/resources/manifests/deploy.yaml "inspektor-gadget-${GITHUB_REF_NAME}.yaml"\n'
              'perl -pi -e \'s@(image:) ".+\\"@$1 "$ENV{IMAGE}"@; s@"latest"@"$ENV{IMAGE_TAG}"@;\' '
              '"inspektor-gadget-${GITHUB_REF_NAME}.yaml"\n')
    assert read(gadget) == {"rewrites": ["pkg/resources/manifests/deploy.yaml"]}
    assert read("perl -p -i.bak -e 's/:latest/:1/' k/app.yaml\nperl -pe 's/:latest/:1/' k/b.yaml\n"
                "perl -Mstrict -pe 's/:latest/:1/' k/d.yaml > out.yaml\n") == {"rewrites": ["k/app.yaml"]}
    assert read("sed -i 's/:latest/:1/; s/a/b/' k/c.yaml\n") == {"rewrites": ["k/c.yaml"]}
    # antrea's chart release: helm package --app-version sets the chart's appVersion
    assert read('CHART="$ROOT/build/charts/antrea"\n$HELM package --app-version $V --version $V $CHART -d out\n'
                "helm package charts/plain\n") == {"rewrites": ["build/charts/antrea/Chart.yaml"]}
    assert read("x:\n\t$(KUSTOMIZE) build config/default > dist/install.yaml\n") == {
        "generated": [["config/default", "dist/install.yaml"]]}
    # kserve: the output of kustomize build, piped through yq to the sed
    assert read("kustomize build ${REPO_ROOT}/config/overlays/all | yq 'x' | sed s/:latest/:$TAG/g > $P\n"
                "x:\n\t$(KUSTOMIZE) build config/default | sed 's/:latest/:$(V)/' > dist/install.yaml\n") == {
        "piped": ["config/overlays/all/", "config/default/"]}
    assert read("kustomize build a > x; cat b | sed s/:latest/:1/g\nkustomize build a || sed s/:latest/:1/g\n") == {}
    # the sed that rewrites tags decides which build it reads, not the first sed of the line; a sed
    # of one named image's tag rewrites no other image's
    assert read('kustomize build config/extra | sed "s/namespace: default/namespace: acme/" > e.yaml; '
                'kustomize build config/overlays/all | sed "s/:latest/:${TAG}/g" > i.yaml\n') == {
        "piped": ["config/overlays/all/"]}
    assert read('kustomize build config/overlays/all | sed "s|quay.io/acme/manager:latest|quay.io/acme/manager:1|"\n') == {}
    # several substitutions and seds after one build, files named among them
    assert read("kustomize build a | sed -e 's/:latest/:1/' x.yaml | sed s/:latest/:2/ | sed 's/:latest/:3/'\n") == {
        "rewrites": ["x.yaml"], "piped": ["a/"]}
    # the file named by a variable the same file assigns one literal path (volcano's bump-version,
    # a workflow's env: kubevela's chart release), and the word latest a values file's tag holds
    assert read('VK_ROOT=$(dirname $0)/..\nVALUES_YAML="installer/chart/values.yaml"\n'
                'sed -i.bak "s/image_tag_version: .*/image_tag_version: \\"${NEW}\\"/" "${VALUES_YAML}"\n') == {
        "rewrites": ["installer/chart/values.yaml"]}
    assert read("    env:\n      HELM_CHART: charts/vela-core\n    steps:\n      - run: |\n"
                '          sed -i "s/latest/${image_tag}/g" $HELM_CHART/values.yaml\n') == {
        "rewrites": ["charts/vela-core/values.yaml"]}
    assert read('sed -i "s|tag: \\"latest\\"|tag: \\"$V\\"|" chart/values.yaml\n') == {"rewrites": ["chart/values.yaml"]}
    # fluent-operator's release workflow: the sed continued over three lines
    assert read("      run: |\n        sed -i \\\n          's|ghcr.io/fluent/op:latest|ghcr.io/fluent/op:${{ x }}|g' \\\n"
                "          manifests/setup/setup.yaml\n") == {"rewrites": ["manifests/setup/setup.yaml"]}
    # katib's update-images.sh: a function runs the sed on its positional parameters; each call
    # puts its arguments in (the folder from a literal assignment, a find's quoted root)
    katib = ('INSTALLS_PATH="manifests/v1beta1/installs/"\nupdate_yaml_files() {\n'
             '  if [[ $(uname) == "Darwin" ]]; then\n'
             '    find "$1" -regex ".*\\.yaml" -exec sed -i \'\' -e "s@$2@$3@" {} \\;\n  fi\n}\n'
             'update_yaml_files "${INSTALLS_PATH}" "newTag: .*" "newTag: ${TAG}"\n'
             'update_yaml_files "${INSTALLS_PATH}" "newName: ${OLD}" "newName: ${NEW}"\n')
    assert read(katib) == {"rewrites": ["manifests/v1beta1/installs/"]}
    # the body's find and sed continued over two lines
    assert read(katib.replace('-regex ".*\\.yaml" -exec', '-regex ".*\\.yaml" \\\n      -exec')) == {
        "rewrites": ["manifests/v1beta1/installs/"]}
    # a call without the arguments, one with an open quote, and a function that names no sed
    assert read(katib.split("update_yaml_files \"$")[0] + 'update_yaml_files\nupdate_yaml_files "a/ "newTag: .*"\n'
                'other() {\n  echo "$1"\n}\nother a/ b\n') == {}
    # a variable given two values, or none, names no file; "latest" inside a word is no tag
    assert read("F=a/values.yaml\nF=b/values.yaml\nsed -i s/:latest/:1/ $F\nsed -i s/:latest/:1/ $G/x.yaml\n"
                "sed -i s/latestVersion/v2/ c/values.yaml\n") == {}


def test_a_scripts_variable_holds_the_value_assigned_before_its_use():
    from archlint.project.rewrites import release_rewrites

    def read(text, ordered=True):
        out = {}
        release_rewrites(text, out, ordered=ordered)
        return out

    # security-profiles-operator's hack/release.sh: FILE names the kustomization its seds (with
    # ; as the delimiter) rewrite, then another file; run top to bottom, each sed has its FILE
    spo = ("FILE=deploy/kustomize-deployment/kustomization.yaml\n"
           "sed -i 's;newName: gcr.io;# newName: gcr.io;g' $FILE\n"
           "sed -i 's;newTag: latest;# newTag: latest;g' $FILE\n"
           "sed -i 's;# newTag: v.*;newTag: v'\"$VERSION\"';g' $FILE\n"
           "FILE=deploy/base/clusterserviceversion.yaml\n"
           "sed -i 's;replicas: 1;replicas: 2;g' $FILE\n")
    assert read(spo) == {"rewrites": ["deploy/kustomize-deployment/kustomization.yaml"]}
    # a Makefile's variable is expanded when the recipe runs: the last value, so two stay unknown
    assert read(spo, ordered=False) == {}
    # other delimiters sed takes
    assert read("sed -i 's:newTag\\: latest:newTag\\: 1:' k/kustomization.yaml\n"
                "sed -i 's!:latest!:1!' a/x.yaml\n") == {"rewrites": ["k/kustomization.yaml", "a/x.yaml"]}
    # used before any assignment, assigned in a branch (indented), or looped over since: unknown
    assert read("sed -i s/:latest/:1/ $F\nF=a/x.yaml\nF=b/x.yaml\n") == {}
    assert read("F=a/x.yaml\nif x; then\n  F=b/x.yaml\nfi\nsed -i s/:latest/:1/ $F\n") == {}
    assert read("F=a/x.yaml\nfor F in $(ls); do\n  echo $F\ndone\nsed -i s/:latest/:1/ $F\nF=b/x.yaml\n") == {}
    # open-cluster-management's update-csv.sh: the sed is $SED_CMD (gsed on macOS), the file named
    # from a folder under the repository's root
    assert read('SED_CMD="sed"\nDEPLOY_DIR=$REPO_ROOT/deploy\n'
                '$SED_CMD -i "s/latest/v$CSV_VERSION/g" $DEPLOY_DIR/cm/manifests/cm.clusterserviceversion.yaml\n') == {
        "rewrites": ["deploy/cm/manifests/cm.clusterserviceversion.yaml"]}
    # Cluster API providers' set-manifest-image: the file is a variable the Makefile's own calls
    # of that target pass; another target's variable of the same name is not it
    caaph = ("release-manifests:\n\t$(MAKE) set-manifest-image MANIFEST_IMG=$(REG)/x MANIFEST_TAG=$(TAG) \\\n"
             '\t\tTARGET_RESOURCE="./config/default/manager_image_patch.yaml"\n'
             '\t$(MAKE) other TARGET_RESOURCE="./config/default/other.yaml"\n'
             "set-manifest-image:\n\tsed -i'' -e 's@image: .*@image: '\"${MANIFEST_IMG}:$(MANIFEST_TAG)\"'@' $(TARGET_RESOURCE)\n"
             "other:\n\techo $(TARGET_RESOURCE)\n")
    assert read(caaph, ordered=False) == {"rewrites": ["./config/default/manager_image_patch.yaml"]}
    # a function's sed, called later, runs where it is called: its variable stays unknown
    assert read("up() {\n  sed -i s/:latest/:1/ $F\n}\nF=a/x.yaml\nup\nF=b/x.yaml\nup\n") == {}
    assert read("F=a/x.yaml\nup() {\n  sed -i s/:latest/:1/ $F\n}\nF=b/x.yaml\nup\n") == {}
    assert read("F=a/x.yaml\nup() { sed -i s/:latest/:1/ $F; }\nF=b/x.yaml\nup\nsed -i s/:latest/:2/ $F\n") == {
        "rewrites": ["b/x.yaml"]}
    # many assignments and seds: each line is looked at once (linear; a case of test_linear_time)
    big = "".join(f"F=d{i}/x.yaml\nsed -i s/:latest/:1/ $F\n" for i in range(40))
    assert read(big)["rewrites"] == [f"d{i}/x.yaml" for i in range(32)]


def test_a_tag_set_for_an_unknown_name_covers_only_what_the_repository_builds(tmp_path, capsys):
    # argo-cd's release script: kustomize edit set image "${SOURCE}=${FULL_NAME}:${TAG}"
    files = {
        "hack/release.sh": '#!/bin/sh\ncd manifests && kustomize edit set image "${SOURCE}=${FULL_NAME}:${TAG}"\n',
        "Makefile": "image:\n\tdocker buildx build --platform linux/amd64 -t quay.io/acme/api:$(TAG) --push .\n",
        "Dockerfile": "FROM alpine:3.20\n",
        "manifests/api.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "quay.io/acme/api:latest")
                              + "        - name: cache\n          image: redis:latest\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert codes(doc, "K8S00") == [("manifests/api.yaml", 13, "K8S001")]


def test_a_native_matrix_pushed_by_digest_is_one_multi_platform_image(tmp_path, capsys):
    # loki's release images: one job per architecture on a native runner, each pushing its
    # platform by digest for a later job to merge; the repository checked out into a folder
    wf = """
        on: push
        jobs:
          build:
            runs-on: ${{ matrix.runner }}
            strategy:
              matrix:
                include:
                  - {arch: linux/amd64, runner: ubuntu-24.04}
                  - {arch: linux/arm64, runner: ubuntu-24.04-arm}
            steps:
              - uses: actions/checkout@v4
                with: {path: src}
              - uses: docker/build-push-action@v6
                with:
                  context: src
                  file: src/api/Dockerfile
                  platforms: ${{ matrix.arch }}
                  outputs: type=image,name=ghcr.io/acme/api,push-by-digest=true,push=true
        """

    def builds(files) -> list:
        g = graph_doc(tree(tmp_path / str(len(list(tmp_path.iterdir()))), files), capsys)
        return [(b["dockerfile"], b["platforms"], b["push"]) for b in g["builds"]]

    files = {".github/workflows/release.yml": wf, "api/Dockerfile": "FROM alpine:3.20\n"}
    assert builds(files) == [("api/Dockerfile", ["linux/amd64", "linux/arm64"], True)]
    # pushed under one tag by each row in turn, the tag holds whichever came last: unknown
    files[".github/workflows/release.yml"] = wf.replace(
        "outputs: type=image,name=ghcr.io/acme/api,push-by-digest=true,push=true", "tags: ghcr.io/acme/api:1\n"
        "                  push: true")
    assert builds(files) == [("api/Dockerfile", None, True)]
    # a checkout of a repository an expression names may be another one: its paths link nothing
    files[".github/workflows/release.yml"] = wf.replace("with: {path: src}",
                                                        "with: {path: src, repository: '${{ env.REPO }}'}")
    assert builds(files) == [(None, ["linux/amd64", "linux/arm64"], True)]


def test_a_skaffold_config_builds_its_artifacts_and_names_the_images_it_deploys(tmp_path, capsys):
    # GoogleCloudPlatform/microservices-demo: kubernetes-manifests/ say `image: adservice`, which
    # skaffold replaces with what it builds for build.platforms (namespaced here: a one-part name
    # no registry serves is a placeholder anyway)
    files = {
        "skaffold.yaml": "apiVersion: skaffold/v3\nkind: Config\nbuild:\n  platforms: [linux/amd64, linux/arm64]\n"
                         "  artifacts:\n  - image: gcr.io/acme/adservice\n    context: src/adservice\n"
                         "  - image: gcr.io/acme/loadgen\n    context: src/loadgen\n    docker: {dockerfile: Dockerfile.gen}\n"
                         "  - image: gcr.io/acme/jibbed\n    jib: {}\n",
        "src/adservice/Dockerfile": "FROM alpine:3.20\n",
        "src/loadgen/Dockerfile.gen": "FROM alpine:3.20\n",
        "kubernetes-manifests/adservice.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "gcr.io/acme/adservice"),
        "kubernetes-manifests/jibbed.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "gcr.io/acme/jibbed"),
        "kubernetes-manifests/other.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "quay.io/acme/other"),
        # a one-part name nothing builds and no registry serves (not an official image): a placeholder
        "kubernetes-manifests/unbuilt.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "unbuilt"),
    }
    root = tree(tmp_path / "a", files)
    doc = run(root, capsys)
    assert codes(doc, "K8S00") == [("kubernetes-manifests/other.yaml", 11, "K8S002")]
    g = graph_doc(root, capsys)
    assert [(b["path"], b["line"], b["dockerfile"], b["platforms"], b["tags"]) for b in g["builds"]] == [
        ("skaffold.yaml", 6, "src/adservice/Dockerfile", ["linux/amd64", "linux/arm64"], ["gcr.io/acme/adservice:*"]),
        ("skaffold.yaml", 8, "src/loadgen/Dockerfile.gen", ["linux/amd64", "linux/arm64"], ["gcr.io/acme/loadgen:*"]),
    ]


def test_a_nested_skaffold_configs_paths_may_be_written_from_the_top(tmp_path, capsys):
    # pixie's src/e2e_test/protocol_loadtest/http/wrk/skaffold_wrk.yaml, run with `skaffold run -f`
    # from the top: `context: src/e2e_test/protocol_loadtest/http/wrk` is the top's path; a
    # context found nowhere is still a missing Dockerfile
    cfg = ("apiVersion: skaffold/v4beta1\nkind: Config\nbuild:\n  artifacts:\n"
           "  - image: gcr.io/acme/wrk\n    context: {ctx}\n")
    files = {"src/loadtest/wrk/skaffold_wrk.yaml": cfg.format(ctx="src/loadtest/wrk"),
             "src/loadtest/wrk/Dockerfile": "FROM alpine:3.20\n",
             "src/loadtest/gone/skaffold_gone.yaml": cfg.format(ctx="src/loadtest/gone/app")}
    root = tree(tmp_path, files)
    g = graph_doc(root, capsys)
    assert [(b["path"], b["dockerfile"]) for b in g["builds"]] == [
        ("src/loadtest/gone/skaffold_gone.yaml", None), ("src/loadtest/wrk/skaffold_wrk.yaml", "src/loadtest/wrk/Dockerfile")]
    assert codes(run(root, capsys), "XF005") == [("src/loadtest/gone/skaffold_gone.yaml", 5, "XF005")]


def test_a_skaffold_profiles_artifacts_are_builds_too(tmp_path, capsys):
    # pawelmalak/flame: profiles build Dockerfile.dev with Docker and Dockerfile with kaniko, both
    # moved to .docker/ in 2021; a profile's platforms replace the config's, else the config's hold
    cfg = ("apiVersion: skaffold/v2beta20\nkind: Config\nbuild:\n  platforms: [linux/amd64]\n  artifacts:\n"
           "  - image: acme/flame\n    docker: {dockerfile: Dockerfile.dev}\n"
           "profiles:\n- name: dev\n  build:\n    artifacts:\n    - image: acme/flame\n      docker: {dockerfile: app.dev}\n"
           "- name: prod\n  build:\n    platforms: [linux/arm64]\n    artifacts:\n"
           "    - image: acme/flame\n      kaniko: {dockerfile: Dockerfile, target: run}\n"
           "    - image: acme/jibbed\n      jib: {}\n- name: none\n")
    root = tree(tmp_path, {"skaffold.yaml": cfg, "Dockerfile.dev": "FROM alpine:3.20\n"})
    g = graph_doc(root, capsys)
    assert [(b["line"], b["dockerfile"], b["platforms"]) for b in g["builds"]] == [
        (6, "Dockerfile.dev", ["linux/amd64"]), (12, None, ["linux/amd64"]), (18, None, ["linux/arm64"])]
    assert [(f["line"], f["message"]) for f in run(root, capsys)["findings"] if f["rule"] == "XF005"] == [
        (12, "This build reads the Dockerfile app.dev, which does not exist (looked for app.dev)."),
        (18, "This build reads the Dockerfile Dockerfile, which does not exist (looked for Dockerfile).")]


@pytest.mark.parametrize("arches, expected", [
    ("amd64,arm64", ["image/web/install-firefox:2 BC009 The download names one architecture, x86_64 (https://example.com/"
                     "firefox/linux-x86_64/firefox.tar.xz), and the script never detects its own, yet Dockerfile runs it"
                     " in an image built for linux/amd64, linux/arm64 (image/docker-bake.hcl:2): the linux/arm64 image"
                     " gets the x86_64 build."]),
    ("amd64", []),  # built for the CPU it names alone
    (None, []),  # no build of the Dockerfile found: maybe a tool for the build machine, as before
])
def test_a_scripts_download_is_judged_by_the_builds_of_the_dockerfile_running_it(tmp_path, capsys, arches, expected):
    # discourse_docker: image/discourse_test/install-firefox, run by its Dockerfile, which the Bake
    # file builds per matrix row for linux/${arch}; no platforms configured
    files = {
        "image/web/install-firefox": "#!/bin/bash\nwget -q https://example.com/firefox/linux-x86_64/firefox.tar.xz\n",
        "image/web/Dockerfile": "FROM debian:12\nADD install-firefox /tmp/install-firefox\nRUN /tmp/install-firefox\n",
    }
    if arches:
        files["image/docker-bake.hcl"] = (f'variable "ARCH" {{ default = "{arches}" }}\ntarget "test" {{\n'
                                          '  name = "test-${arch}"\n  matrix = { arch = split(",", ARCH) }\n'
                                          '  context = "./web"\n  platforms = ["linux/${arch}"]\n}\n')
    root = tree(tmp_path, files)
    got = [f"{f['path']}:{f['line']} {f['rule']} {f['message']}" for f in run(root, capsys)["findings"]
           if f["rule"] == "BC009"]
    assert got == expected


def test_an_applicationsets_list_generator_names_the_folders_it_applies(tmp_path, capsys):
    # danmanners/homelab-kube-cluster: path manifests/workloads/{{appName}} over a list of named
    # apps; memegen, beside them and named by no element, is applied by nothing
    appset = """
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata: {name: workloads}
        spec:
          generators:
          - list:
              elements:
              - {appName: excalidraw, namespace: draw}
              - {appName: gitea, namespace: git}
          template:
            metadata: {name: '{{appName}}'}
            spec:
              source: {repoURL: 'https://github.com/acme/homelab.git', path: 'manifests/workloads/{{appName}}'}
              destination: {namespace: '{{namespace}}'}
    """
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: NAME}\nspec:\n  template:\n    spec:\n"
              "      nodeSelector: {beta.kubernetes.io/arch: amd64}\n      containers:\n"
              "      - name: app\n        image: acme/NAME:latest\n")
    files = {"manifests/workloads/applicationset.yaml": textwrap.dedent(appset),
             "manifests/workloads/kustomization.yaml": "resources:\n- applicationset.yaml\n",
             # (the Application applying the folder of the ApplicationSet, whose Kustomization lists it alone)
             "manifests/workloads/argoproj-workloads.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
             "metadata: {name: w}\nspec:\n  source: {path: manifests/workloads}\n"}
    for name in ("excalidraw", "gitea", "memegen"):
        files[f"manifests/workloads/{name}/deployment.yaml"] = deploy.replace("NAME", name)
        files[f"manifests/workloads/{name}/kustomization.yaml"] = "resources:\n- deployment.yaml\n"
    listed = [(f"manifests/workloads/{n}/deployment.yaml", line, r) for n in ("excalidraw", "gitea")
              for line, r in ((7, "K8S005"), (10, "K8S001"))]
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S00") == listed
    # another generator (a git directory generator), a parameter no element gives: any folder
    for old, new in (("- list:", "- git: {repoURL: x, directories: [{path: 'manifests/workloads/*'}]}\n  - list:"),
                     # (elements from elementsYaml, made by a template: not known)
                     ("      elements:", "      elementsYaml: '{{ .x }}'\n      elements:"),
                     ("workloads/{{appName}}'}", "workloads/{{appName}}-{{env}}'}")):
        other = dict(files, **{"manifests/workloads/applicationset.yaml": files["manifests/workloads/applicationset.yaml"]
                               .replace(old, new, 1)})
        assert len(codes(run(tree(tmp_path / str(len(old)), other), capsys), "K8S00")) == 6, old


def test_matrix_rows_follow_include_and_exclude():
    from archlint.parsers import yamldoc
    from archlint.parsers.workflow_matrix import MAX_MATRIX_ROWS, matrix_rows
    from archlint.source import Source

    def rows(matrix: str):
        text = "jobs:\n  j:\n    strategy:\n      matrix:\n" + textwrap.indent(textwrap.dedent(matrix), " " * 8)
        model = yamldoc.parse(Source("w.yml", text))
        return matrix_rows(yamldoc.value(yamldoc.value(model.documents[0], "jobs"), "j"))

    assert rows("os: [a, b]\nv: ['1', '2']\nexclude: [{os: b, v: '2'}]\n") == [
        {"os": "a", "v": "1"}, {"os": "a", "v": "2"}, {"os": "b", "v": "1"}]
    # include: added to the rows whose original values it keeps, else a row of its own
    assert rows("os: [a, b]\ninclude:\n  - {os: a, extra: x}\n  - {os: c}\n") == [
        {"os": "a", "extra": "x"}, {"os": "b"}, {"os": "c"}]
    assert rows("include:\n  - {file: f1}\n  - {file: f2}\n") == [{"file": "f1"}, {"file": "f2"}]
    assert rows("os: ${{ fromJson(needs.a.outputs.os) }}\n") is None
    assert rows(f"a: {list(range(MAX_MATRIX_ROWS))}\nb: [x, y]\n") is None


def test_a_base_image_the_repository_builds_is_its_own_chain_not_a_mutable_upstream(tmp_path, capsys):
    root = tree(tmp_path / "r", {
        "Makefile": "base:\n\tdocker build -t acme-base -f Dockerfile.base .\n"
                    "dev: base\n\tdocker build -t acme-dev -f Dockerfile.dev .\n",
        "Dockerfile.base": "FROM golang:1.23\n",
        "Dockerfile.dev": "FROM acme-base\nRUN make\n",
        "worker/Dockerfile": "FROM python\n",
    })
    doc = run(root, capsys)
    assert [(f["path"], f["rule"]) for f in doc["findings"] if f["rule"] in ("DF001", "DF002")] == \
        [("worker/Dockerfile", "DF002")]


def test_xf007_a_build_platform_the_locked_base_image_does_not_publish(tmp_path, capsys):
    from archlint.lock.file import Entry, dump

    digest = "sha256:" + "a" * 64
    root = tree(tmp_path / "r", {
        ".archlint.toml": 'platforms = ["linux/amd64"]\n',
        "Makefile": "image:\n\tdocker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/acme/app:1 --push .\n",
        "Dockerfile": "FROM vendor/tool:1.2\nRUN true\n",
        "tools/Dockerfile": "FROM --platform=linux/amd64 vendor/tool:1.2\n",
        "tools/build.sh": "#!/bin/sh\ndocker buildx build --platform linux/arm64 -t ghcr.io/acme/tools:1 --push .\n",
    })
    (root / "archlint.lock").write_text(dump([Entry("docker.io/vendor/tool:1.2", digest, "index", ["linux/amd64"])]))
    assert found(run(root, capsys)) == [
        "Dockerfile:1 XF007 FROM vendor/tool:1.2: this Dockerfile is built for linux/arm64 (Makefile:2), but "
        "archlint.lock records vendor/tool:1.2 as publishing linux/amd64 only."]  # amd64 is configured: PL001's
    (root / "archlint.lock").write_text(
        dump([Entry("docker.io/vendor/tool:1.2", digest, "index", ["linux/amd64", "linux/arm64"])]))
    assert codes(run(root, capsys)) == []
    (root / "archlint.lock").unlink()  # no lock: nothing known
    assert codes(run(root, capsys)) == []


def test_bc006_an_untagged_intermediate_the_repository_builds_from_stays_on_the_machine(tmp_path, capsys):
    files = {
        "Makefile": "image:\n\tdocker build -t acme-base -f Dockerfile.base .\n"
                    "\tdocker build -t ghcr.io/acme/app:1.0 --platform linux/amd64 .\n"
                    "\tdocker push ghcr.io/acme/app:1.0\n",
        "Dockerfile.base": "FROM golang:1.23\n",
        "Dockerfile": "FROM acme-base\nRUN make\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [(f["path"], f["rule"]) for f in doc["findings"] if f["rule"] == "BC006"] == []
    files["Makefile"] += "\tdocker push acme-base\n"  # pushed: it leaves the machine, as latest
    doc = run(tree(tmp_path / "b", files), capsys)
    assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"] == "BC006"] != []


def test_bc006_a_latest_no_file_sends_to_a_registry_stays_on_the_machine(tmp_path, capsys):
    # strimzi's docker-images/buildah/Makefile tags the pulled buildah image strimzi/buildah:latest
    # for its local chain (the registry gets $(DOCKER_REGISTRY)/$(DOCKER_ORG)/...); a build
    # tagging :latest without a push is the same, as for BC001. Once another file pushes the
    # name, both are reported
    files = {
        "buildah/Makefile": "docker_build:\n\tdocker pull quay.io/containers/buildah:v1.41.4\n"
                            "\tdocker tag quay.io/containers/buildah:v1.41.4 strimzi/buildah:latest\n",
        "tools/Makefile": "tool:\n\tdocker build -t ghcr.io/acme/tool:latest --platform linux/amd64 .\n",
        "tools/Dockerfile": "FROM alpine:3.20\n",
    }
    assert codes(run(tree(tmp_path / "a", files), capsys), "BC006") == []
    files["all.sh"] = "#!/bin/sh\ndocker push --all-tags strimzi/buildah\n"  # every tag of it, latest too
    assert codes(run(tree(tmp_path / "c", files), capsys), "BC006") == [("buildah/Makefile", 3, "BC006")]
    del files["all.sh"]
    files["release.sh"] = "#!/bin/sh\ndocker push strimzi/buildah:latest\ndocker push ghcr.io/acme/tool:latest\n"
    assert codes(run(tree(tmp_path / "b", files), capsys), "BC006") == [
        ("buildah/Makefile", 3, "BC006"), ("release.sh", 2, "BC006"), ("release.sh", 3, "BC006"),
        ("tools/Makefile", 2, "BC006")]


def test_the_rules_the_model_refines_are_named_where_the_runner_looks():
    from archlint.project import REFINED
    from archlint.project.refine import REFINERS

    assert set(REFINED) == set(REFINERS)


def test_a_build_is_reported_only_where_its_image_reaches_a_registry(tmp_path, capsys):
    # the push may be the build's own (--push), its file's (docker tag + push, an unresolved name
    # pushed as written) or another file's (a release script); a build whose image nothing pushes
    # stays on the machine that built it (argo-cd's armimage, opentelemetry-operator's e2e apps)
    files = {
        "Makefile": "IMG ?= $(shell cat .img)\n"
                    "image:\n\tdocker build -t $(IMG) .\n"
                    "push: image\n\tdocker push $(IMG)\n"
                    "armimage:\n\tdocker build -t ghcr.io/acme/app:1-arm .\n"
                    "e2e-apps:\n\tdocker build -t ghcr.io/acme/e2e-app:1 tests/app\n"
                    "cassandra:\n\tdocker build -t ${PROJECT}/cassandra:v13 db\n"
                    "\tgcloud docker -- push ${PROJECT}/cassandra:v13\n",
        "build.sh": "#!/bin/sh\ndocker build -t quay.io/acme/tool:2 tool\n"
                    "docker build -t quay.io/acme/helper:2 helper\n",
        "release.sh": "#!/bin/sh\ndocker push quay.io/acme/tool:2\ndocker push ghcr.io/acme/app:1.0\n",
        "app.sh": "#!/bin/sh\ndocker build -t ghcr.io/acme/app:$TAG app\n",  # a tag unknown here matches 1.0
        **{f"{d}/Dockerfile": "FROM alpine:3.20\n" for d in (".", "tests/app", "db", "tool", "helper", "app")},
    }
    doc = run(tree(tmp_path, files), capsys)
    got = sorted((f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "BC001")
    assert got == [("Makefile", 3), ("Makefile", 11), ("app.sh", 2), ("build.sh", 2)]
    (msg,) = {f["message"] for f in doc["findings"] if f["rule"] == "BC001"}
    assert msg == "docker build has no --platform, so the image is built for the CPU of the machine that runs it."
    # without the model (ignore = ["XF"]) the rule judges its file alone, as before
    doc = run(tmp_path, capsys, "--ignore", "XF")
    got = sorted((f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "BC001")
    assert ("build.sh", 3) in got and ("Makefile", 7) in got


def test_a_build_whose_context_holds_no_dockerfile_cannot_run(tmp_path, capsys):
    # nsx-operator's kubebuilder docker-build target (`docker build -t ${IMG} .`, the Dockerfiles
    # moved to build/image/*/); jomcgi's grimoire Makefile building apps/api/, a folder that does
    # not exist: nothing builds, so neither platform nor tag is reported (and no XF005: no file
    # is named); a Dockerfile the recipe writes first, or one in the context, is built
    mk = ("IMG = ghcr.io/acme/op:latest\ndocker-build:\n\tdocker build -t ${IMG} .\n\tdocker push ${IMG}\n"
          "api:\n\tdocker build -t ghcr.io/acme/api:latest apps/api/\n\tdocker push ghcr.io/acme/api:latest\n"
          "gen:\n\tcp build/Dockerfile.gen gen/Dockerfile\n\tdocker build -t ghcr.io/acme/gen:1 gen\n"
          "\tdocker push ghcr.io/acme/gen:1\n")
    files = {"Makefile": mk, "build/image/op/Dockerfile": "FROM alpine:3.20\n", "build/Dockerfile.gen": "FROM alpine:3.20\n"}
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"][:2] in ("BC", "XF")] == [
        ("Makefile", 10, "BC001")]
    files["apps/api/Dockerfile"] = "FROM alpine:3.20\n"
    doc = run(tree(tmp_path / "b", files), capsys)
    assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"][:2] in ("BC", "XF")] == [
        ("Makefile", 6, "BC001"), ("Makefile", 6, "BC006"), ("Makefile", 7, "BC006"), ("Makefile", 10, "BC001")]


def test_a_variant_makefile_no_file_names_is_run_by_nothing(tmp_path, capsys):
    # jx-gitops' Makefile.docker: an import of the old jx CLI's, never included nor run with make
    # -f (its Dockerfile.builder-go long gone); named by a README's step, a workflow's make -f or
    # an include with a variable, it is run and judged
    mk = ("linux:\n\tgo build ./...\nbuilder-go:\n\tdocker build -t gcr.io/acme/builder-go:1 -f Dockerfile.builder-go .\n"
          "\tdocker push gcr.io/acme/builder-go:1\ndev: linux\n\tdocker build -t gcr.io/acme/jx:dev .\n"
          "\tdocker push gcr.io/acme/jx:dev\n")
    files = {"Makefile.docker": mk, "Makefile": "build:\n\tgo build ./...\n", "Dockerfile": "FROM alpine:3.20\n"}
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"][:2] in ("BC", "XF")] == []
    named = [("Makefile.docker", 4, "XF005"), ("Makefile.docker", 7, "BC001")]
    for i, more in enumerate(({"README.md": "Run `make -f Makefile.docker dev`.\n"},
                              {".github/workflows/i.yaml": "on: push\njobs:\n  i:\n    runs-on: ubuntu-latest\n"
                                                           "    steps:\n    - run: make -f Makefile.docker dev\n"},
                              {"Makefile": "OS ?= docker\ninclude Makefile.$(OS)\n"})):
        doc = run(tree(tmp_path / f"b{i}", dict(files, **more)), capsys)
        assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"][:2] in ("BC", "XF")] == named


def test_a_manifest_lists_members_are_not_one_anothers_tags(tmp_path, capsys):
    # bindplane-otel-collector: .goreleaser-docker.yml builds bindplane-agent-amd64 and -arm64 and
    # lists both under bindplane-agent; .goreleaser.arm64.yml builds -arm64 for arm64 too: no tag is
    # built for two sets of platforms (the members are names of the list, not of each other); a
    # build of -amd64 for arm64 is
    main = """
        dockers:
          - image_templates: ["acme/agent-amd64:latest"]
            dockerfile: Dockerfile
            build_flag_templates: ["--platform=linux/amd64"]
          - image_templates: ["acme/agent-arm64:latest"]
            dockerfile: Dockerfile
            build_flag_templates: ["--platform=linux/arm64"]
        docker_manifests:
          - name_template: acme/agent:latest
            image_templates: ["acme/agent-amd64:latest", "acme/agent-arm64:latest"]
    """
    arm = """
        dockers:
          - image_templates: ["acme/agent-arm64:latest"]
            dockerfile: Dockerfile
            build_flag_templates: ["--platform=linux/arm64"]
    """
    files = {".goreleaser-docker.yml": main, ".goreleaser.arm64.yml": arm, "Dockerfile": "FROM alpine:3.20\n"}
    assert codes(run(tree(tmp_path / "a", files), capsys), "XF004") == []
    files[".goreleaser.arm64.yml"] = arm.replace("agent-arm64", "agent-amd64")
    assert codes(run(tree(tmp_path / "b", files), capsys), "XF004") == [(".goreleaser.arm64.yml", 3, "XF004")]


def test_a_build_whose_tag_option_takes_no_image_is_no_internal_error(tmp_path, capsys):
    # found by the property test: `docker build -it` reads `-it` where an image name goes
    mk = "PLATFORM = linux/amd64\nbuild:\n\tdocker build -it --platform linux/amd64\n"
    doc = run(tree(tmp_path, {"Makefile": mk}), capsys)
    assert [n for n in doc["notices"] if n["rule"] == "AL004"] == []


def test_what_a_review_found_of_builds_that_cannot_run_and_callers_of_make(tmp_path, capsys):
    # a lowercase `dockerfile` is what docker reads without a Dockerfile; a context from a variable's
    # default is the caller's; a Makefile handing its own VERSION down to a sub-make is no caller
    # setting it; a variant Makefile a Dockerfile's RUN or a glob include names is run
    bc = ("#!/bin/sh\ndocker build -t ghcr.io/acme/app:1 app && docker push ghcr.io/acme/app:1\n"
          'docker build -t ghcr.io/acme/ctx:1 "${CONTEXT:-.}" && docker push ghcr.io/acme/ctx:1\n')
    doc = run(tree(tmp_path / "a", {"b.sh": bc, "app/dockerfile": "FROM alpine:3.20\n"}), capsys)
    assert codes(doc, "BC001") == [("b.sh", 2, "BC001"), ("b.sh", 3, "BC001")]
    mk = ("VERSION = latest\nIMG = ghcr.io/acme/app:$(VERSION)\nall:\n"
          "\tdocker buildx build --push --platform linux/amd64,linux/arm64 -t $(IMG) .\n"
          "\t$(MAKE) -C sub VERSION=$(VERSION)\n")
    doc = run(tree(tmp_path / "b", {"Makefile": mk, "Dockerfile": "FROM alpine:3.20\n", "sub/Makefile": "x:\n\ttrue\n"}),
              capsys)
    assert codes(doc, "BC006") == [("Makefile", 4, "BC006")]
    variant = {"Makefile.docker": "img:\n\tdocker build -t gcr.io/acme/x:1 .\n\tdocker push gcr.io/acme/x:1\n",
               "Dockerfile": "FROM alpine:3.20\n"}
    for i, more in enumerate(({"ci/Dockerfile": "FROM alpine:3.20\nRUN make -f Makefile.docker img\n"},
                              {"Makefile": "-include $(wildcard Makefile.*)\n"})):
        doc = run(tree(tmp_path / f"c{i}", dict(variant, **more)), capsys)
        assert codes(doc, "BC001") == [("Makefile.docker", 2, "BC001")], more


def test_a_documents_dockerfile_block_excuses_only_the_path_it_names(tmp_path, capsys):
    # a FROM example in a dockerfile block says nothing of deploy/Dockerfile.gpu built below it
    page = ("Create `alpine-upgrade/Dockerfile`:\n```dockerfile\nFROM alpine:3.20\n```\n"
            "```shell\ndocker build -f alpine-upgrade/Dockerfile -t acme/up:1 alpine-upgrade\n"
            "docker build -f deploy/Dockerfile.gpu -t acme/gpu:1 .\n```\n")
    root = tree(tmp_path / "r", {"docs/guide.md": page, "deploy/Dockerfile": "FROM alpine:3.20\n",
                                 "other/Dockerfile.gpu": "FROM alpine:3.20\n"})
    assert codes(run(root, capsys), "XF005") == [("docs/guide.md", 7, "XF005")]


def test_dc001_names_an_unpushed_build_only_of_that_tag(tmp_path, capsys):
    # a build of acme/app:$(VERSION) says nothing of acme/app:latest, which no build makes
    files = {"Makefile": "img:\n\tdocker build -t acme/app:$(VERSION) .\n", "Dockerfile": "FROM alpine:3.20\n",
             "compose.yaml": "services:\n  a:\n    image: acme/app:latest\n  b:\n    image: postgres:16.4\n"}
    assert codes(run(tree(tmp_path, files), capsys), "DC001") == [("compose.yaml", 3, "DC001")]


def test_a_kubernetes_file_named_like_a_goreleaser_config_stays_kubernetes(tmp_path):
    # tektoncd/catalog's task/goreleaser/0.2/goreleaser.yaml is a Tekton Task; a chart may have
    # a templates/goreleaser.yaml: content and charts decide before the name
    from archlint import kinds

    (tmp_path / "charts/app/templates").mkdir(parents=True)
    (tmp_path / "charts/app/Chart.yaml").write_text("name: app\n")
    task = b"apiVersion: tekton.dev/v1beta1\nkind: Task\nmetadata: {name: goreleaser}\n"
    assert kinds.detect("task/goreleaser/0.2/goreleaser.yaml", task) == "kubernetes"
    tpl = str(tmp_path / "charts/app/templates/goreleaser.yaml")
    assert kinds.detect("charts/app/templates/goreleaser.yaml", b"x: {{ .Values.x }}\n", tpl) == "helm-template"
    assert kinds.detect(".goreleaser.yaml", b"version: 2\ndockers: []\n") == "goreleaser"
    assert kinds.detect(".github/workflows/goreleaser.yml", b"on: push\n") == "workflow"


def test_a_goreleaser_config_builds_its_dockers_and_publishes_its_manifests(tmp_path, capsys):
    # polaris, flux2, minio: `goreleaser release` builds each dockers entry with its
    # build_flag_templates (--platform per architecture) and pushes the docker_manifests list;
    # kured's dockers_v2 builds its platforms in one buildx build, from .config/goreleaser.yaml
    files = {
        ".goreleaser.yml": """
            dockers:
              - image_templates: ["quay.io/acme/api:1.4-amd64", "quay.io/acme/api:{{ .Tag }}-amd64"]
                use: buildx
                dockerfile: images/api.Dockerfile
                build_flag_templates: ["--pull", "--platform=linux/amd64"]
              - image_templates: ["quay.io/acme/api:1.4-arm64"]
                goarch: arm64
                dockerfile: images/api.Dockerfile
                build_flag_templates: ["--platform=linux/arm64"]
              - image_templates: ["quay.io/acme/tool:1.4"]
                dockerfile: images/tool.Dockerfile
              - image_templates: ["quay.io/acme/tool:dev"]
                dockerfile: images/tool.Dockerfile
                build_flag_templates: ["--platform=linux/amd64"]
                skip_push: true
            docker_manifests:
              - name_template: quay.io/acme/api:1.4
                image_templates: ["quay.io/acme/api:1.4-amd64", "quay.io/acme/api:1.4-arm64"]
        """,
        ".config/goreleaser.yaml": """
            dockers_v2:
              - images: ["ghcr.io/acme/agent"]
                tags: ["{{ .Tag }}", "2.0", ""]
                dockerfile: agent/Dockerfile
                platforms: [linux/amd64, linux/arm64]
              - images: ["ghcr.io/acme/off"]
                dockerfile: agent/Dockerfile
                disable: true
              - images: ["ghcr.io/acme/agent-cli"]
                dockerfile: agent/Dockerfile
                platforms: []
            dockers:
              - image_templates: ["ghcr.io/acme/agent:2.0-{{ .Arch }}"]
                dockerfile: agent/Dockerfile
                build_flag_templates: ["--platform=linux/{{ .Arch }}"]
        """,
        "images/api.Dockerfile": "FROM alpine:3.20\n",
        "images/tool.Dockerfile": "FROM alpine:3.20\n",
        "agent/Dockerfile": "FROM alpine:3.20\n",
        "k8s/api.yaml": DEPLOY.replace("amd64", "arm64"),
        "k8s/agent.yaml": DEPLOY.replace("amd64", "arm64").replace("quay.io/acme/api:1.4", "ghcr.io/acme/agent:2.0"),
    }
    root = tree(tmp_path / "a", files)
    g = graph_doc(root, capsys)
    # (a disabled entry builds nothing; no platforms listed is GoReleaser's default, and a
    # templated --platform, which GoReleaser renders without .Arch: unknown)
    assert [(b["path"], b["line"], b["dockerfile"], b["platforms"], b["tags"], b["push"]) for b in g["builds"]] == [
        (".config/goreleaser.yaml", 4, "agent/Dockerfile", ["linux/amd64", "linux/arm64"],
         ["ghcr.io/acme/agent:*", "ghcr.io/acme/agent:2.0"], True),
        (".config/goreleaser.yaml", 10, "agent/Dockerfile", None, ["ghcr.io/acme/agent-cli:*"], True),
        (".config/goreleaser.yaml", 14, "agent/Dockerfile", None, ["ghcr.io/acme/agent:2.0-*"], True),
        (".goreleaser.yml", 4, "images/api.Dockerfile", ["linux/amd64"],
         ["quay.io/acme/api:1.4-amd64", "quay.io/acme/api:*-amd64"], True),
        (".goreleaser.yml", 8, "images/api.Dockerfile", ["linux/arm64"], ["quay.io/acme/api:1.4-arm64"], True),
        (".goreleaser.yml", 11, "images/tool.Dockerfile", [], ["quay.io/acme/tool:1.4"], True),
        (".goreleaser.yml", 13, "images/tool.Dockerfile", ["linux/amd64"], ["quay.io/acme/tool:dev"], False),
    ]
    doc = run(root, capsys)
    # the arm64 pods run images whose builds cover arm64; only the tool, built for the build
    # machine, is in the DF005 reminder
    assert codes(doc) == []
    assert [(f["path"], f["message"]) for f in doc["findings"] if f["rule"] == "DF005"] == [
        ("images/tool.Dockerfile", "The final stage (FROM alpine:3.20) has no --platform and no target platforms are "
         "configured, so unless its builds pass --platform the image follows the build machine's CPU; set platforms in "
         ".archlint.toml to check it. It "
         "is built without --platform at .goreleaser.yml:11.")]
    # an amd64-only manifest deployed on arm64 nodes is reported across the files
    files[".goreleaser.yml"] = files[".goreleaser.yml"].replace(', "quay.io/acme/api:1.4-arm64"]', "]")
    root = tree(tmp_path / "b", files)
    assert [c[0] for c in codes(run(root, capsys))] == ["k8s/api.yaml"]


def test_a_platform_build_arg_no_dockerfile_declares_sets_nothing(tmp_path, capsys):
    # litmus' chaoscenter/Makefile: TARGETARCH=amd64 handed to an nginx image's Dockerfile that
    # never declares it (BuildKit warns it was not consumed) and to a Go image's that does; the
    # second cd'ed build runs in the first branch of an if
    files = {
        "chaoscenter/web/Dockerfile": "FROM nginx:1.27\nCOPY dist /usr/share/nginx/html\n",
        "chaoscenter/server/Dockerfile": """
            FROM golang:1.24 AS build
            ARG TARGETARCH
            RUN GOARCH=${TARGETARCH} go build -o /server .
            FROM alpine:3.20
            COPY --from=build /server /server
        """,
        "chaoscenter/Makefile": """
            push-web:
            \tcd web && docker build . -f Dockerfile -t litmus/web:1.0 --build-arg TARGETARCH=amd64
            \tdocker push litmus/web:1.0
            push-server:
            \tcd server && docker build . -t litmus/server:1.0 --build-arg TARGETARCH=amd64
            \tdocker push litmus/server:1.0
            push-ci:
            \t@cd web && \\
            \tif [ "$(IMG_TAG)" = "ci" ]; then \\
            \t\tdocker build . -f Dockerfile -t litmus/web:ci --build-arg TARGETARCH=amd64; \\
            \t\tdocker push litmus/web:ci; \\
            \tfi
            push-lost:
            \tcd gone && docker build . -t litmus/gone:1.0 --build-arg TARGETARCH=amd64
            \tdocker push litmus/gone:1.0
            push-base:
            \tcd base && docker build . -t litmus/base:1.0 --build-arg TARGETARCH=amd64
            \tdocker push litmus/base:1.0
        """,
        # BuildKit's global TARGETARCH, used in a FROM line without ARG: the build-arg replaces it
        "chaoscenter/base/Dockerfile": "FROM alpine:3.20 AS base-amd64\nFROM alpine:3.20 AS base-arm64\n"
                                       "FROM base-${TARGETARCH}\n",
    }
    doc = run(tree(tmp_path, files), capsys)
    # the server's build overrides what it declares; a Dockerfile not found is not known to lack it
    assert codes(doc, "BC004") == [("chaoscenter/Makefile", 5, "BC004"), ("chaoscenter/Makefile", 14, "BC004"),
                                   ("chaoscenter/Makefile", 17, "BC004")]
    g = graph_doc(tmp_path, capsys)
    assert [(b["line"], b["dockerfile"]) for b in g["builds"]] == [
        (2, "chaoscenter/web/Dockerfile"), (5, "chaoscenter/server/Dockerfile"), (10, "chaoscenter/web/Dockerfile"),
        (14, None), (17, "chaoscenter/base/Dockerfile")]


def test_a_dockerfile_where_git_ignores_files_is_a_builds_output_not_missing(tmp_path, capsys):
    # fission's skaffold.yaml builds contexts in goreleaser's dist/, which a Makefile target fills
    # (cp cmd/fetcher/Dockerfile dist/fetcher_linux_amd64_v1/Dockerfile); dist/ is git-ignored
    files = {
        ".gitignore": "# build output\ndist/\n",
        "cmd/fetcher/Dockerfile": "FROM alpine:3.20\nCOPY fetcher /fetcher\n",
        "skaffold.yaml": """
            apiVersion: skaffold/v4beta12
            kind: Config
            build:
              artifacts:
                - image: fetcher
                  context: dist/fetcher_linux_amd64_v1
                - image: reporter
                  context: cmd/reporter
        """,
    }
    root = tree(tmp_path, files)
    # the context no ignore file names is a missing Dockerfile still
    assert codes(run(root, capsys)) == [("skaffold.yaml", 7, "XF005")]
    (root / ".gitignore").write_text("# build output\n")
    assert codes(run(root, capsys)) == [("skaffold.yaml", 5, "XF005"), ("skaffold.yaml", 7, "XF005")]
    # an invalid pattern is skipped as git skips it (the run goes on); an ignore file above the
    # repository's top (a home folder's "*") says nothing of its build outputs
    (root / ".gitignore").write_text("dist/\n!\n\\\n")
    assert codes(run(root, capsys)) == [("skaffold.yaml", 7, "XF005")]
    (root / ".gitignore").unlink()
    outer = tree(tmp_path / "home", {".gitignore": "*\n"})
    inner = tree(outer / "proj", {k: v for k, v in files.items() if k != ".gitignore"})
    assert codes(run(inner, capsys)) == [("skaffold.yaml", 5, "XF005"), ("skaffold.yaml", 7, "XF005")]


def test_a_git_context_with_a_folder_reads_the_file_inside_it(tmp_path, capsys):
    # rocketmq-docker's docker-publish workflow: context "{{defaultContext}}:image-build" and
    # file Dockerfile-ubuntu, which is image-build/Dockerfile-ubuntu; a file nowhere is missing
    wf = """
        on: push
        jobs:
          b:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with:
                  context: "{{defaultContext}}:image-build"
                  file: Dockerfile-ubuntu
                  platforms: linux/amd64,linux/arm64
              - uses: docker/build-push-action@v6
                with:
                  context: "{{defaultContext}}:image-build"
                  file: Dockerfile-alpine
                  platforms: linux/amd64,linux/arm64
    """
    root = tree(tmp_path, {".github/workflows/p.yml": wf, "image-build/Dockerfile-ubuntu": "FROM ubuntu:24.04\n"})
    assert codes(run(root, capsys), "XF005") == [(".github/workflows/p.yml", 11, "XF005")]


def test_a_latest_arg_default_every_build_replaces_is_a_placeholder(tmp_path, capsys):
    # WasmEdge's utils/docker: each Bake target sets BASE_IMAGE, so the Dockerfile's default
    # wasmedge/wasmedge:latest is never read; a Dockerfile one of whose builds passes nothing keeps it
    df = "ARG BASE_IMAGE=wasmedge/wasmedge:latest\nFROM ${BASE_IMAGE}\nRUN make\n"
    files = {
        "docker/docker-bake.hcl": 'target "env" {\n  dockerfile = "Dockerfile.env"\n  context = "."\n'
                                  '  args = { BASE_IMAGE = "wasmedge/wasmedge:ubuntu-base" }\n}\n',
        "docker/Dockerfile.env": df,
        "docker/Dockerfile.other": df,
        "Makefile": "a:\n\tdocker build --platform linux/amd64 --build-arg BASE_IMAGE=x/y:1 -f docker/Dockerfile.other docker\n"
                    "b:\n\tdocker build --platform linux/amd64 -f docker/Dockerfile.other docker\n",
    }
    assert [p for p, _l, _r in codes(run(tree(tmp_path, files), capsys), "DF001")] == ["docker/Dockerfile.other"]
    # (a second review's cases) the name alone (the environment's, maybe unset), or a floating
    # image passed, is no replacement
    for passed in ("BASE_IMAGE", "BASE_IMAGE=x/y:latest", "BASE_IMAGE=x/y"):
        one = dict(files, **{"Makefile": f"a:\n\tdocker build --platform linux/amd64 --build-arg {passed} "
                                         "-f docker/Dockerfile.other docker\n"})
        assert [p for p, _l, _r in codes(run(tree(tmp_path / passed.replace("/", "_"), one), capsys), "DF001")] == [
            "docker/Dockerfile.other"], passed
    latest = dict(files, **{"docker/docker-bake.hcl": files["docker/docker-bake.hcl"].replace("ubuntu-base", "latest")})
    assert [p for p, _l, _r in codes(run(tree(tmp_path / "bake-latest", latest), capsys), "DF001")] == [
        "docker/Dockerfile.env", "docker/Dockerfile.other"]


def test_a_dockerfile_git_ignores_by_name_is_a_builds_output_not_missing(tmp_path, capsys):
    # keylime's container workflow: generate-files.sh writes docker/release/<x>/Dockerfile from
    # Dockerfile.in, and docker/release/.gitignore lists Dockerfile; another name is still missing
    wf = """
        on: push
        jobs:
          b:
            runs-on: ubuntu-latest
            steps:
              - run: cd docker/release && ./generate-files.sh
              - uses: docker/build-push-action@v6
                with:
                  context: docker/release/registrar
                  file: docker/release/registrar/Dockerfile
                  platforms: linux/amd64
              - uses: docker/build-push-action@v6
                with:
                  context: docker/release/tenant
                  file: docker/release/tenant/Containerfile
                  platforms: linux/amd64
    """
    root = tree(tmp_path, {".github/workflows/c.yml": wf, "docker/release/.gitignore": "Dockerfile\n",
                           "docker/release/registrar/Dockerfile.in": "FROM fedora:40\n"})
    assert codes(run(root, capsys), "XF005") == [(".github/workflows/c.yml", 12, "XF005")]


def test_a_dockerfile_that_pins_its_final_platform_decides_the_build_platform(tmp_path, capsys):
    # fleet's package/Dockerfile: FROM --platform=linux/${ARCH} base, the final stage picked by
    # copy_${BUILD_ENV}; a workflow step's build-args: ARCH=... sets it, so the image is not the
    # runner's; a constant pin (ARG default) makes every build that platform's (DF003 says so once)
    wf = """
        on: push
        jobs:
          e2e:
            runs-on: self-hosted
            steps:
              - uses: actions/checkout@v4
              - uses: docker/login-action@v3
              - uses: docker/build-push-action@v6
                with:
                  file: {file}
                  build-args: |
                    ARCH=amd64
                  push: true
                  tags: ttl.sh/acme/app:1h
              - uses: docker/build-push-action@v6
                with:
                  file: {file}
                  push: true
                  tags: ttl.sh/acme/app:2h
        """
    files = {
        "package/Dockerfile": """
            ARG BUILD_ENV=docker
            ARG TARGETARCH
            ARG ARCH=${TARGETARCH}
            FROM --platform=linux/${ARCH} alpine:3.20 AS base
            FROM base AS copy_docker
            COPY bin/app /app
            FROM copy_${BUILD_ENV}
            """,
        "fixed/Dockerfile": "ARG ARCH=amd64\nFROM --platform=linux/${ARCH} alpine:3.20\nCOPY app /app\n",
        "open/Dockerfile": "FROM --platform=$TARGETPLATFORM alpine:3.20\nCOPY app /app\n",
        ".github/workflows/e2e.yml": wf.format(file="package/Dockerfile"),
        ".github/workflows/open.yml": wf.format(file="open/Dockerfile"),
        "Makefile": "push:\n\tdocker build -t ghcr.io/acme/fixed:1 fixed\n\tdocker push ghcr.io/acme/fixed:1\n"
                    "\tdocker build --build-arg BUILD_ENV=other -t ghcr.io/acme/pkg:1 -f package/Dockerfile .\n"
                    "\tdocker push ghcr.io/acme/pkg:1\n"
                    # the machine's own CPU as the argument, a stage a pattern rule names: not known
                    "mine:\n\tdocker build --build-arg ARCH=$(shell go env GOARCH) -t ghcr.io/acme/f:2 fixed\n"
                    "\tdocker push ghcr.io/acme/f:2\n"
                    "image-%:\n\tdocker build --target $* -t ghcr.io/acme/f-$*:3 fixed\n\tdocker push ghcr.io/acme/f-$*:3\n"
                    # ARCH from the environment (--build-arg ARCH): not known either
                    "envarg:\n\tdocker build --build-arg ARCH -t ghcr.io/acme/f:4 fixed\n\tdocker push ghcr.io/acme/f:4\n",
    }
    doc = run(tree(tmp_path, files), capsys)
    got = sorted((f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"] in ("GHA001", "BC001"))
    # the e2e step without build-args follows the target (ARCH's default is TARGETARCH): reported;
    # open/Dockerfile pins nothing; a build that picks another final stage (BUILD_ENV) is not known
    assert got == [(".github/workflows/e2e.yml", 15, "GHA001"), (".github/workflows/open.yml", 8, "GHA001"),
                   (".github/workflows/open.yml", 15, "GHA001"), ("Makefile", 4, "BC001"), ("Makefile", 7, "BC001"),
                   ("Makefile", 10, "BC001"), ("Makefile", 13, "BC001")]
    # the builds mine and envarg set ARCH: each picks its one platform through it, so the pin is
    # not every build's constant (loki's docker-driver); a multi-platform build instead makes it
    # every target's constant: DF003 says so once
    assert [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "DF003"] == []
    files["Makefile"] = files["Makefile"].split("mine:")[0] + (
        "multi:\n\tdocker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/acme/f:5 --push fixed\n")
    doc = run(tree(tmp_path / "again", files), capsys)
    assert [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "DF003"] == [("fixed/Dockerfile", 2)]


def _bc001_lines(root, capsys, files) -> list[int]:
    """The lines of the BC001 findings of a whole run over ``files`` written under ``root``."""
    doc = run(tree(root, files), capsys)
    return [f["line"] for f in doc["findings"] if f["rule"] == "BC001"]


def test_a_final_stage_on_one_architectures_image_is_that_architectures(tmp_path, capsys):
    # kubernetes/examples' cassandra: FROM registry.k8s.io/debian-base-amd64:0.3, built without
    # --platform and pushed; the builder takes that amd64 image on any machine: an amd64 image
    mk = "VERSION=v14\ncontainer:\n\tdocker build --pull -t gcr.io/google_samples/cassandra:${VERSION} image\n" \
         "push: container\n\tgcloud docker -- push gcr.io/google_samples/cassandra:${VERSION}\n"

    def bc001(name, dockerfile):
        return _bc001_lines(tmp_path / name, capsys, {"Makefile": mk, "image/Dockerfile": dockerfile})

    assert bc001("amd64", "FROM registry.k8s.io/debian-base-amd64:0.3\nCOPY files /\n") == []
    # through a stage based on it, and an architecture's namespace
    assert bc001("stage", "FROM arm64v8/alpine:3.20 AS base\nRUN apk add bash\nFROM base\nCOPY app /app\n") == []
    # a tag's word, as DF014 reads it: capv's boskosctl, FROM gcr.io/distroless/static:nonroot-amd64
    # (one architecture's image of distroless' list, taken as it is on any machine)
    assert bc001("tag", "FROM gcr.io/distroless/static:nonroot-amd64\nCOPY files /\n") == []
    # a base of several architectures, or one a variable names: the machine's CPU decides; so
    # does a cross toolchain's image (named for its target) and a name of two architectures
    assert bc001("multi", "FROM registry.k8s.io/debian-base:0.3\nCOPY files /\n") == [3]
    for base in ("dockcross/linux-arm64:latest", "ghcr.io/rust-cross/manylinux2014-cross:aarch64",
                 "multiarch/qemu-user-static:x86_64-aarch64", "acme/base-amd64-arm64:1"):
        assert bc001(base.replace("/", "_").replace(":", "_"), f"FROM {base}\nCOPY files /\n") == [3], base
    assert bc001("variable", "ARG BASE\nFROM ${BASE}\nCOPY files /\n") == [3]


def test_an_image_of_copied_files_only_is_not_the_build_machines(tmp_path, capsys):
    # descheduler's dev-image: `make build` compiles for the machine, Dockerfile.dev is FROM scratch
    # + COPY of that binary; a --platform would only relabel it: the image's CPU is its files'
    mk = "IMAGE=registry.k8s.io/descheduler/descheduler:v1\nbuild:\n\tgo build -o _output/bin/descheduler .\n" \
         "dev-image: build\n\tdocker build -f Dockerfile.dev -t $(IMAGE) .\npush: dev-image\n\tdocker push $(IMAGE)\n"

    def bc001(name, dockerfile):
        return _bc001_lines(tmp_path / name, capsys, {"Makefile": mk, "Dockerfile.dev": dockerfile})

    assert bc001("scratch", "FROM scratch\nUSER 1000\nCOPY _output/bin/descheduler /bin/descheduler\n"
                 "CMD [\"/bin/descheduler\"]\n") == []
    assert bc001("stages", "FROM scratch AS files\nCOPY bin /bin\nFROM files\nCOPY --from=files /bin /usr/bin\n") == []
    # files from another image, or a stage on a real base: the target platform's, the machine's here
    assert bc001("other", "FROM scratch\nCOPY --from=busybox:1.36 /bin/busybox /bin/\n") == [5]
    assert bc001("builder", "FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /\n") == [5]
    # files picked by the build's platform, or downloaded: the build machine's choice, reported
    assert bc001("targetarch", "FROM scratch\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n") == [5]
    assert bc001("url", "FROM scratch\nADD https://example.com/tool-linux-amd64 /tool\n") == [5]


def test_a_documents_push_to_the_readers_registry_sends_no_build_of_the_repository(tmp_path, capsys):
    # envoy-gateway: examples/backend-utilization/Makefile builds envoyproxy/gateway-backend-utilization
    # with --load; its task page kind-loads it, or tags and pushes it to $YOUR_DOCKER_REPO: the
    # reader's registry, for a cluster archlint cannot know
    page = "```shell\ndocker tag envoyproxy/gateway-x:latest {dst}\ndocker push {dst}\n```\n"
    files = {"examples/x/Makefile": "docker-buildx:\n\tdocker buildx build . -t envoyproxy/gateway-x:latest --load\n",
             "examples/x/Dockerfile": "FROM golang:1.22\n",
             "examples/kubernetes/x.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n"
                                           "    - name: x\n      image: envoyproxy/gateway-x:latest\n"}

    def bc001(name, dst):
        doc = run(tree(tmp_path / name, dict(files, **{"site/task.md": page.replace("{dst}", dst)})), capsys)
        return [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "BC001"]

    for i, dst in enumerate(("$YOUR_DOCKER_REPO/gateway-x:latest", "<YOUR_REGISTRY>/gateway-x:latest", "mycompany/gateway-x:1")):
        assert bc001(f"reader{i}", dst) == [], dst
    # the team's registry, even through a variable: the image is published from there
    for i, dst in enumerate(("docker.io/envoyproxy/gateway-x:v1", "$REGISTRY/gateway-x:latest",
                             "$DOCKERHUB_USERNAME/gateway-x:v1", "${DOCKER_USER}/gateway-x:v1")):
        assert bc001(f"team{i}", dst) == [("examples/x/Makefile", 2)], dst


def test_a_reusable_workflows_build_is_its_callers(tmp_path, capsys):
    # loki's operator-reusable-image-build.yml: file: ${{ inputs.dockerfile }} for three
    # platforms, called by operator-images.yaml with each Dockerfile; the step is no build of
    # "any Dockerfile", and the callers' builds are for its platforms
    callee = """
        on:
          workflow_call:
            inputs:
              dockerfile: {required: true, type: string}
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: docker/login-action@v3
              - uses: docker/build-push-action@v6
                with:
                  file: ${{ inputs.dockerfile }}
                  platforms: linux/amd64,linux/arm64
                  push: true
                  tags: ghcr.io/acme/operator:${{ github.sha }}
        """
    caller = """
        on: push
        jobs:
          operator:
            uses: ./.github/workflows/reusable-build.yml
            with:
              dockerfile: operator/Dockerfile
        """
    files = {
        ".github/workflows/reusable-build.yml": callee,
        ".github/workflows/images.yml": caller,
        "operator/Dockerfile": "FROM ghcr.io/acme/base:1\nCOPY manager /manager\n",
        "base/Dockerfile": "FROM alpine:3.20\n",
        # built for amd64 alone; and golang, named in Docker Hub's official namespace, reaches no registry
        "Makefile": "base:\n\tdocker buildx build --platform linux/amd64 -t ghcr.io/acme/base:1 --push base\n"
                    "build-image:\n\tdocker buildx build --platform linux/amd64 -t golang:1.26 --push base\n",
        # a Docker plugin: its pin through GOARCH is each build's platform selector
        "driver/Dockerfile": "ARG GOARCH=amd64\nFROM --platform=linux/${GOARCH} alpine:3.20\nCOPY d /d\n",
        "driver.sh": "#!/bin/sh\ndocker build --build-arg GOARCH=arm64 -f driver/Dockerfile -t ghcr.io/acme/d:arm64 .\n"
                     "docker push ghcr.io/acme/d:arm64\n",
    }

    def got(name, changes):
        doc = run(tree(tmp_path / name, {**files, **changes}), capsys)
        return sorted((f["path"], f["line"], f["rule"]) for f in doc["findings"] if f["rule"] in ("XF006", "DF003"))

    assert got("called", {}) == [("operator/Dockerfile", 1, "XF006")]
    # the official golang image is another image than the Makefile's local build of that name
    assert got("golang", {"operator/Dockerfile": "FROM golang:1.26\nCOPY manager /manager\n"}) == []
    # a workflow a person may also start with inputs (workflow_dispatch) builds any Dockerfile; its
    # caller's build, its step with the inputs bound, is operator/Dockerfile's for the step's platforms
    dispatch = callee.replace("          workflow_call:\n", "          workflow_dispatch:\n          workflow_call:\n")
    assert got("dispatch", {".github/workflows/reusable-build.yml": dispatch}) == [
        ("driver/Dockerfile", 2, "DF003"), ("operator/Dockerfile", 1, "XF006")]
    # nobody in the repository calls it, or a call names its Dockerfile in a way not known here
    # (a matrix from another job's output), or it also runs on a push: the same
    assert got("uncalled", {".github/workflows/images.yml": "on: push\njobs: {}\n"}) == [
        ("driver/Dockerfile", 2, "DF003")]
    # (its known callers still take the steps' platforms: operator/Dockerfile's base is amd64's alone)
    dynamic = caller.rstrip(" ") + "          other:\n            uses: ./.github/workflows/reusable-build.yml\n" \
                       "            with: {dockerfile: '${{ needs.setup.outputs.file }}'}\n"
    assert got("dynamic", {".github/workflows/images.yml": dynamic}) == [
        ("driver/Dockerfile", 2, "DF003"), ("operator/Dockerfile", 1, "XF006")]
    # a matrix call with one row whose Dockerfile is not known: the same
    matrix = caller.replace("            with:\n              dockerfile: operator/Dockerfile\n",
                            "            strategy: {matrix: {file: [operator/Dockerfile, '${{ inputs.other }}']}}\n"
                            "            with:\n              dockerfile: ${{ matrix.file }}\n")
    assert matrix != caller
    assert got("matrix", {".github/workflows/images.yml": matrix}) == [
        ("driver/Dockerfile", 2, "DF003"), ("operator/Dockerfile", 1, "XF006")]
    pushed = callee.replace("        on:\n", "        on:\n          push:\n")
    assert got("pushed", {".github/workflows/reusable-build.yml": pushed}) == [
        ("driver/Dockerfile", 2, "DF003"), ("operator/Dockerfile", 1, "XF006")]
    # the step's names are the callers' builds' names: a deployment on nodes of another CPU
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: op}\nspec:\n  template:\n    spec:\n"
              "      nodeSelector: {kubernetes.io/arch: s390x}\n      containers:\n"
              "      - {name: op, image: 'ghcr.io/acme/operator:v1'}\n")
    tagged = callee.replace("ghcr.io/acme/operator:${{ github.sha }}", "ghcr.io/acme/operator:v1")
    doc = run(tree(tmp_path / "tagged", {**files, ".github/workflows/reusable-build.yml": tagged,
                                         "deploy/op.yaml": deploy}), capsys)
    assert [(f["path"], f["rule"]) for f in doc["findings"] if f["rule"] == "XF001"] == [("deploy/op.yaml", "XF001")]
    # steps of different platforms (chosen by an input in their if:) leave the callers' unknown
    two = callee.replace("                  platforms: linux/amd64,linux/arm64\n", "                  platforms: linux/amd64\n")
    two += two[two.index("              - uses: docker/build-push-action@v6"):].replace(
        "platforms: linux/amd64\n", "platforms: linux/amd64,linux/arm64\n")
    assert got("two", {".github/workflows/reusable-build.yml": two}) == []


def test_a_reusable_workflow_whose_steps_make_the_dockerfile_of_its_inputs(tmp_path, capsys):
    # m1k1o/neko: ghcr.yml calls image_app.yml with a matrix of name and platforms; the step builds
    # apps/${{ inputs.name }}/${{ inputs.dockerfile || 'Dockerfile' }} for ${{ inputs.platforms ||
    # 'linux/amd64' }}: opera's amd64-only download is in an image built for amd64 alone
    callee = """
        on:
          workflow_call:
            inputs:
              name: {required: true, type: string}
              platforms: {required: false, type: string, default: linux/amd64}
              dockerfile: {required: false, type: string, default: Dockerfile}
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with:
                  context: apps/${{ inputs.name }}
                  file: apps/${{ inputs.name }}/${{ inputs.dockerfile || 'Dockerfile' }}
                  platforms: ${{ inputs.platforms || 'linux/amd64' }}
                  push: true
                  tags: ghcr.io/acme/${{ inputs.name }}:latest
        """
    caller = """
        on: push
        jobs:
          apps:
            uses: ./.github/workflows/image_app.yml
            strategy:
              matrix:
                include:
                  - name: firefox
                    platforms: linux/amd64,linux/arm64
                  - name: opera
                    platforms: linux/amd64
                  - name: waterfox
            with:
              name: ${{ matrix.name }}
              platforms: ${{ matrix.platforms }}
        """
    download = "FROM debian:12\nRUN curl -fsSLo /tmp/b.deb https://dl.example.com/browser_1.0_amd64.deb\n"
    files = {".github/workflows/image_app.yml": callee, ".github/workflows/ghcr.yml": caller,
             "apps/firefox/Dockerfile": download, "apps/opera/Dockerfile": download,
             "apps/waterfox/Dockerfile": download,
             # a branch test of every app for amd64 (a Dockerfile not known here), a base built from
             # a Dockerfile a step generates at the top, a document's build after a cd: none is opera's
             ".github/workflows/test.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                           "      - uses: docker/build-push-action@v6\n        with:\n"
                                           "          file: apps/${{ github.event.inputs.app }}/Dockerfile\n"
                                           "          platforms: linux/amd64\n"
                                           "      - uses: docker/build-push-action@v6\n        with:\n"
                                           "          context: .\n          platforms: linux/amd64,linux/arm64\n",
             "docs/build.md": "```bash\ncd neko\ndocker build --platform linux/arm64 -t local/neko -f Dockerfile .\n```\n"}
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "DF006"] == [("apps/firefox/Dockerfile", 2)]
    (f,) = [f for f in doc["findings"] if f["rule"] == "DF006"]
    assert "it is built for linux/amd64, linux/arm64 (.github/workflows/ghcr.yml:4)" in f["message"]
    # rows of one Dockerfile give one build for the platforms of them all
    rows = caller.replace("                  - name: opera\n                    platforms: linux/amd64\n",
                          "                  - name: opera\n                    platforms: linux/amd64\n"
                          "                  - name: opera\n                    platforms: linux/arm64\n")
    assert rows != caller
    doc = run(tree(tmp_path / "rows", dict(files, **{".github/workflows/ghcr.yml": rows})), capsys)
    assert [f["message"].partition("; ")[2][:60] for f in doc["findings"]
            if f["rule"] == "DF006" and f["path"] == "apps/opera/Dockerfile"] == [
        "it is built for linux/amd64, linux/arm64 (.github/workflows/"]
    # the input left to its fallback: waterfox's row names no platforms, so linux/amd64; a step
    # whose path stays unknown (an input with neither value nor default) builds what the inputs name
    unknown = callee.replace("'Dockerfile'", "inputs.other")
    every = ["apps/firefox/Dockerfile", "apps/opera/Dockerfile", "apps/waterfox/Dockerfile"]
    doc = run(tree(tmp_path / "b", dict(files, **{".github/workflows/image_app.yml": unknown})), capsys)
    assert sorted(f["path"] for f in doc["findings"] if f["rule"] == "DF006") == every
    # a called file that is no workflow (a list, jobs that are no mapping, a null default, broken YAML): read as
    # nothing, the run goes on
    for name, text in (("list", "- a\n- b\n"), ("jobs", "on: {workflow_call: {}}\njobs: [build]\n"),
                       ("null", callee.replace("default: Dockerfile", "default: null").replace(
                           "context: apps/${{ inputs.name }}", "context: [a]")),
                       ("broken", "on: {workflow_call\njobs: [\n")):
        doc = run(tree(tmp_path / name, dict(files, **{".github/workflows/image_app.yml": text})), capsys)
        assert [n for n in doc["notices"] if n["rule"] == "AL004"] == [], name  # (a crash of the facts' reading)
        assert sorted(f["path"] for f in doc["findings"] if f["rule"] == "DF006") == every, name

def test_a_makefile_push_sends_the_image_its_prerequisite_built(tmp_path, capsys):
    # minio's Makefile: docker-hotfix-push depends on docker-hotfix, which builds $(TAG) just
    # before the push; `make docker` builds $(TAG) from another Dockerfile for a CI job that runs
    # it on the same machine, and nothing pushes that build
    mk = """
        REPO ?= quay.io/minio
        VERSION ?= $(shell git describe --tags)
        TAG ?= $(REPO)/minio:$(VERSION)
        docker-hotfix-push: docker-hotfix
        \t@docker push -q $(TAG)
        docker-hotfix: hotfix-push checks
        \t@docker build -q --no-cache -t $(TAG) . -f Dockerfile.hotfix
        docker: build
        \t@docker build -q --no-cache -t $(TAG) . -f Dockerfile
        """
    files = {"Makefile": mk, "Dockerfile": "FROM alpine:3.20\n", "Dockerfile.hotfix": "FROM alpine:3.20\n",
             "Dockerfile.release": "FROM alpine:3.20\n"}

    def bc001(name, text):
        doc = run(tree(tmp_path / name, {**files, "Makefile": text}), capsys)
        return [f["line"] for f in doc["findings"] if f["rule"] == "BC001"]

    assert bc001("bound", mk) == [7]
    # a push whose target builds nothing first sends whichever build of the name ran last: both
    assert bc001("loose", mk.replace("docker-hotfix-push: docker-hotfix", "docker-hotfix-push:")) == [7, 9]
    # through a chain of prerequisites too
    chain = mk.replace("docker-hotfix-push: docker-hotfix", "docker-hotfix-push: release\n        release: docker-hotfix")
    assert bc001("chain", chain) == [8]
    # nor is a name whose repository is unknown bound to a build: two unknown names say nothing
    assert bc001("vague", mk.replace("TAG ?= $(REPO)/minio:$(VERSION)", "TAG ?= $(shell cat .image)")) == [7, 9]
    # a push whose own recipe builds the name sends that build (the recipe runs after its
    # prerequisites): every build of the name stays sent
    own = mk.replace("\t@docker push -q $(TAG)", "\t@docker build -q -t $(TAG) -f Dockerfile.release .\n"
                     "        \t@docker push -q $(TAG)")
    assert bc001("own", own) == [5, 8, 10]
    # the same repository written with other unknown tags is not the same image
    other = mk.replace("\t@docker push -q $(TAG)", "\t@docker push -q $(REPO)/minio:$(GIT_SHA)").replace(
        "\t@docker build -q --no-cache -t $(TAG) . -f Dockerfile.hotfix",
        "\t@docker build -q --no-cache -t $(REPO)/minio:$(VERSION) . -f Dockerfile.hotfix")
    assert bc001("other", other) == [7, 9]


def test_a_pin_through_an_arg_its_builds_set_is_their_platform_selector(tmp_path, capsys):
    # loki's clients/cmd/docker-driver: FROM --platform=linux/${GOARCH} with ARG GOARCH=amd64; the
    # release job checks the repository out into release/ (its repository an expression) and sets
    # GOARCH per row; a Docker plugin is one platform's
    dockerfile = """
        ARG GOARCH=amd64
        FROM golang:1.26 AS build
        ARG GOARCH
        RUN make GOARCH=${GOARCH} driver
        FROM --platform=linux/${GOARCH} alpine:3.24
        COPY --from=build /src/driver /bin/driver
        """
    wf = """
        on: push
        env: {RELEASE_REPO: grafana/loki}
        jobs:
          driver:
            runs-on: self-hosted
            steps:
              - uses: actions/checkout@v4
                with: {path: release, repository: "${{ env.RELEASE_REPO }}"}
              - uses: docker/build-push-action@v6
                with:
                  context: release
                  file: release/clients/cmd/docker-driver/Dockerfile
                  build-args: |
                    GOARCH=${{ matrix.arch }}
                  platforms: linux/${{ matrix.arch }}
                  outputs: type=local,dest=plugins
        """
    files = {"clients/cmd/docker-driver/Dockerfile": dockerfile, ".github/workflows/release.yml": wf}
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [f["rule"] for f in doc["findings"] if f["rule"] == "DF003"] == []
    # a build that sets the ARG and asks for several platforms gives each the default's: reported
    several = wf.replace("linux/${{ matrix.arch }}", "linux/amd64,linux/arm64")
    doc = run(tree(tmp_path / "b", {**files, ".github/workflows/release.yml": several}), capsys)
    assert [(f["path"], f["line"], f["message"]) for f in doc["findings"] if f["rule"] == "DF003"] == [
        ("clients/cmd/docker-driver/Dockerfile", 5, "Stage 1 is pinned to linux/amd64 (through an ARG default), so a"
         " multi-platform build gives every target this one architecture.")]
    # and so does a Dockerfile whose builds leave the ARG alone
    alone = wf.replace("                  build-args: |\n                    GOARCH=${{ matrix.arch }}\n", "")
    doc = run(tree(tmp_path / "c", {**files, ".github/workflows/release.yml": alone}), capsys)
    assert [f["line"] for f in doc["findings"] if f["rule"] == "DF003"] == [5]
    # a build of it leaving the ARG alone for platforms not known (the default: perhaps several),
    # or a multi-platform build of a Dockerfile not known, which may be this one: kept
    unknown = "PLATFORMS ?= $(shell cat .platforms)\nrelease:\n\tdocker buildx build --platform $(PLATFORMS) " \
              "-f clients/cmd/docker-driver/Dockerfile -t quay.io/acme/d:1 --push .\n"
    vague = '#!/bin/sh\ndocker buildx build --platform linux/amd64,linux/arm64 -f "$DOCKERFILE" -t quay.io/acme/x:1 --push .\n'
    for name, extra in (("d", {"Makefile": unknown}), ("e", {"release.sh": vague})):
        doc = run(tree(tmp_path / name, {**files, **extra}), capsys)
        assert [f["line"] for f in doc["findings"] if f["rule"] == "DF003"] == [5], name
    # a build leaving the ARG alone for another platform gets the default's content: kept
    other = '#!/bin/sh\ndocker build --platform linux/arm64 -f clients/cmd/docker-driver/Dockerfile ' \
            '-t quay.io/acme/d:arm .\ndocker push quay.io/acme/d:arm\n'
    doc = run(tree(tmp_path / "g", {**files, "arm.sh": other}), capsys)
    assert [f["line"] for f in doc["findings"] if f["rule"] == "DF003"] == [5]
    # a Dockerfile at the top is not every build's -f that ends with /Dockerfile
    top = {"Dockerfile": dockerfile, "plugin/Dockerfile": dockerfile,
           "scripts/plugin.sh": '#!/bin/sh\ncd "$WORKDIR"\ndocker build -f plugin/Dockerfile --build-arg GOARCH=arm64 '
                                '-t quay.io/acme/plugin:arm64 .\ndocker push quay.io/acme/plugin:arm64\n'}
    doc = run(tree(tmp_path / "f", top), capsys)
    assert [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "DF003"] == [("Dockerfile", 5)]


def test_a_removed_api_in_a_folder_or_file_named_for_it_beside_the_current_one_is_a_kept_variant(tmp_path, capsys):
    # volcano's installer/helm/chart/volcano/crd/v1beta1/*.yaml beside crd/bases/ with the same
    # names: the CRDs for clusters before 1.16, picked by CRD_VERSION; alone, nothing replaces it
    crd = "apiVersion: apiextensions.k8s.io/{v}\nkind: CustomResourceDefinition\nmetadata:\n  name: jobs.batch.acme.io\n"
    csi = "apiVersion: storage.k8s.io/{v}\nkind: CSIDriver\nmetadata:\n  name: csi.juicefs.com\n"
    files = {
        "crd/v1beta1/batch_jobs.yaml": crd.format(v="v1beta1"),
        "crd/bases/batch_jobs.yaml": crd.format(v="v1"),
        "crd/v1beta1/bus_commands.yaml": crd.format(v="v1beta1"),
        "legacy/v1beta1/queues.yaml": crd.format(v="v1beta1"),
        "deploy/pdb.yaml": "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: x\n",
        # clickhouse-operator's deploy/operator/*-install-bundle-v1beta1.yaml beside the v1 bundle
        # named without the version; a file so named with no such sibling is reported
        "deploy/operator/install-bundle-v1beta1.yaml": crd.format(v="v1beta1"),
        "deploy/operator/install-bundle.yaml": crd.format(v="v1"),
        "deploy/operator/install-template-v1beta1.yaml": crd.format(v="v1beta1"),
        # juicefs-csi's deploy/k8s_before_v1_18.yaml beside deploy/k8s.yaml: for clusters before 1.18,
        # which serve the v1beta1 CSIDriver removed in 1.22; "before 1.25" includes 1.22-1.24
        "csi/k8s_before_v1_18.yaml": csi.format(v="v1beta1"),
        "csi/k8s.yaml": csi.format(v="v1"),
        "other/k8s_before_v1_25.yaml": csi.format(v="v1beta1"),
        "other/k8s.yaml": csi.format(v="v1"),
    }
    doc = run(tree(tmp_path, files), capsys)
    got = sorted((f["path"], f["rule"]) for f in doc["findings"] if f["rule"] == "K8S004")
    assert got == [("crd/v1beta1/bus_commands.yaml", "K8S004"), ("deploy/operator/install-template-v1beta1.yaml", "K8S004"),
                   ("deploy/pdb.yaml", "K8S004"), ("legacy/v1beta1/queues.yaml", "K8S004"),
                   ("other/k8s_before_v1_25.yaml", "K8S004")]
    (msg, *_) = [f["message"] for f in doc["findings"] if f["path"] == "deploy/pdb.yaml"]
    assert msg.startswith("PodDisruptionBudget policy/v1beta1 was removed in Kubernetes 1.25, so applying it fails")


def test_an_action_input_reads_the_literal_env_of_its_workflow_job_and_step(tmp_path, capsys):
    # opentelemetry-operator's publish workflows: platforms: ${{ env.PLATFORMS }} with the
    # workflow's env PLATFORMS: linux/amd64,linux/arm64; a value an expression gives is unknown
    wf = """
        on: push
        env:
          PLATFORMS: linux/amd64,linux/arm64
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with: {file: a/Dockerfile, platforms: "${{ env.PLATFORMS }}", push: true, tags: ghcr.io/acme/a:1}
          other:
            runs-on: ubuntu-latest
            env:
              PLATFORMS: ${{ vars.PLATFORMS }}
            steps:
              - uses: docker/build-push-action@v6
                with: {file: b/Dockerfile, platforms: "${{ env.PLATFORMS }}", push: true, tags: ghcr.io/acme/b:1}
              - uses: docker/build-push-action@v6
                env: {ARCHES: linux/arm64}
                with: {file: c/Dockerfile, platforms: "${{ env.arches }}", push: true, tags: ghcr.io/acme/c:1}
          tagged:
            runs-on: ubuntu-latest
            steps:
              - run: echo "PLATFORMS=linux/arm64" >> "$GITHUB_ENV"
              - uses: docker/build-push-action@v6
                with: {file: d/Dockerfile, platforms: "${{ env.PLATFORMS }}", push: true, tags: ghcr.io/acme/d:1}
          versioned:
            runs-on: ubuntu-latest
            steps:
              - run: echo "VERSION=${GITHUB_REF_NAME#v}" >> $GITHUB_ENV
              - uses: docker/build-push-action@v6
                with: {file: e/Dockerfile, platforms: "${{ env.PLATFORMS }}", push: true, tags: "ghcr.io/acme/e:${{ env.VERSION }}"}
          later:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with: {file: f/Dockerfile, platforms: "${{ env.PLATFORMS }}", push: true, tags: ghcr.io/acme/f:1}
              - run: echo "PLATFORMS=linux/arm64" >> "$GITHUB_ENV"
        """
    files = {".github/workflows/publish.yml": wf, **{f"{d}/Dockerfile": "FROM alpine:3.20\n" for d in "abcdef"}}
    doc = graph_doc(tree(tmp_path, files), capsys)
    got = {b["dockerfile"]: b["platforms"] for b in doc["builds"]}
    # names ignore case, as GitHub's contexts do; a literal a step writes to $GITHUB_ENV is the
    # value for the steps after it
    assert got == {"a/Dockerfile": ["linux/amd64", "linux/arm64"], "b/Dockerfile": None, "c/Dockerfile": ["linux/arm64"],
                   "d/Dockerfile": ["linux/arm64"], "e/Dockerfile": ["linux/amd64", "linux/arm64"],  # VERSION alone written
                   "f/Dockerfile": ["linux/amd64", "linux/arm64"]}  # written after the build


def test_a_dockerfile_a_step_writes_to_github_env_is_each_value_the_script_gives_it(tmp_path, capsys):
    # tgi's build workflow: a `case` on the hardware input exports `dockerfile=...` per arm, the
    # step writes "DOCKERFILE=${dockerfile}" to $GITHUB_ENV, and the build reads
    # file: ${{ env.DOCKERFILE }} for linux/amd64: each arm's Dockerfile is built for amd64, so
    # their x86_64 protoc downloads are that image's; a value written inside a branch, by a step
    # with an if:, or from a command's output stays unknown
    wf = """
        on: {workflow_call: {inputs: {hardware: {type: string}}}}
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - name: Construct hardware variables
                run: |
                  case ${{ inputs.hardware }} in
                    cuda)
                        export dockerfile="Dockerfile"
                        ;;
                    rocm)
                        export dockerfile="Dockerfile_amd"
                        ;;
                  esac
                  echo "DOCKERFILE=${dockerfile}" >> $GITHUB_ENV
                  if [ -n "$X" ]; then
                  echo "OTHER=Dockerfile_other" >> $GITHUB_ENV
                  fi
              - if: github.event_name == 'push'
                run: echo "GATED=Dockerfile_gated" >> "$GITHUB_ENV"
              - run: |
                  echo "DYNAMIC=$(ls Dockerfile_* | head -1)" >> $GITHUB_ENV
              - run: |
                  lint=Dockerfile_lint
                  echo "LINTED=${lint}" >> $GITHUB_ENV
                  echo 'QUOTED=${lint}' >> $GITHUB_ENV
                  hadolint --lint=Dockerfile_flag
                  lint=Dockerfile_later
              - uses: docker/build-push-action@v6
                with: {context: ., file: "${{ env.DOCKERFILE }}", push: true, platforms: linux/amd64, tags: ghcr.io/acme/tgi:1}
              - uses: docker/build-push-action@v6
                with: {context: ., file: "${{ env.OTHER }}", push: true, platforms: linux/amd64, tags: ghcr.io/acme/o:1}
              - uses: docker/build-push-action@v6
                with: {context: ., file: "${{ env.GATED }}", push: true, platforms: linux/amd64, tags: ghcr.io/acme/g:1}
              - uses: docker/build-push-action@v6
                with: {context: ., file: "${{ env.DYNAMIC }}", push: true, platforms: linux/amd64, tags: ghcr.io/acme/d:1}
              - uses: docker/build-push-action@v6
                with: {context: ., file: "${{ env.LINTED }}", push: true, platforms: linux/amd64, tags: ghcr.io/acme/l:1}
              - uses: docker/build-push-action@v6
                with: {context: ., file: "${{ env.QUOTED }}", push: true, platforms: linux/amd64, tags: ghcr.io/acme/q:1}
        """
    protoc = ("FROM ubuntu:24.04\nRUN curl -fLO https://github.com/protocolbuffers/protobuf/releases/download/"
              "v21.12/protoc-21.12-linux-x86_64.zip\n")
    files = {".github/workflows/build.yaml": wf,
             **{name: protoc for name in ("Dockerfile", "Dockerfile_amd", "Dockerfile_other", "Dockerfile_gated",
                                          "Dockerfile_dyn", "Dockerfile_lint", "Dockerfile_flag", "Dockerfile_later")}}
    root = tree(tmp_path, files)
    doc = graph_doc(root, capsys)
    got = sorted((b["dockerfile"], tuple(b["platforms"] or ())) for b in doc["builds"] if b["dockerfile"])
    # (an option's --lint=..., an assignment after the write, and '...' without expansion give no value)
    assert got == [("Dockerfile", ("linux/amd64",)), ("Dockerfile_amd", ("linux/amd64",)),
                   ("Dockerfile_lint", ("linux/amd64",))]
    found = run(root, capsys)
    df006 = sorted(f["path"] for f in found["findings"] if f["rule"] == "DF006")
    assert df006 == ["Dockerfile_dyn", "Dockerfile_flag", "Dockerfile_gated", "Dockerfile_later", "Dockerfile_other"]
    assert all("no target platforms are configured" in f["message"]
               for f in found["findings"] if f["rule"] == "DF006")


def test_a_pushed_native_build_of_what_a_workflow_publishes_for_several_platforms_is_a_variant(tmp_path, capsys):
    # opentelemetry-operator's `make container container-push` ("used only for local dev
    # purposes") beside publish workflows building the same Dockerfile for four platforms; one
    # platform published, or another stage of the Dockerfile, is no such release
    wf = """
        on: push
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/login-action@v3
              - uses: docker/build-push-action@v6
                with: {{file: {file}, platforms: "{platforms}", push: true, tags: "${{{{ steps.meta.outputs.tags }}}}"}}
        """
    files = {
        "Makefile": "IMG ?= ghcr.io/acme/op:dev\nGATHER ?= ghcr.io/acme/gather:dev\nTOOL ?= ghcr.io/acme/tool:dev\n"
                    "container:\n\tdocker build -t $(IMG) .\n"
                    "container-push:\n\tdocker push $(IMG)\n"
                    "gather:\n\tdocker build -f cmd/gather/Dockerfile -t $(GATHER) .\n\tdocker push $(GATHER)\n"
                    "tool:\n\tdocker build --target tool -t $(TOOL) .\n\tdocker push $(TOOL)\n"
                    # another repository's name than the release's: not its variant
                    "staging:\n\tdocker build -f cmd/web/Dockerfile -t 1234.dkr.ecr.eu-west-1.amazonaws.com/web:staging ."
                    "\n\tdocker push 1234.dkr.ecr.eu-west-1.amazonaws.com/web:staging\n",
        "cmd/web/Dockerfile": "FROM alpine:3.20\n",
        ".github/workflows/web.yml": wf.replace("${{{{ steps.meta.outputs.tags }}}}", "ghcr.io/acme/web:{{{{ github.ref_name }}}}"
                                                ).format(file="cmd/web/Dockerfile", platforms="linux/amd64,linux/arm64")
        .replace("{{ github.ref_name }}", "${{ github.ref_name }}"),
        # a workflow's own push of the Dockerfile the release publishes: the edge tag, for one CPU
        ".github/workflows/edge.yml": "on: push\njobs:\n  edge:\n    runs-on: self-hosted\n    steps:\n"
                                     "      - uses: docker/login-action@v3\n"
                                     "      - run: docker build -t ghcr.io/acme/op:edge . && docker push ghcr.io/acme/op:edge\n",
        "Dockerfile": "FROM alpine:3.20 AS tool\nFROM alpine:3.20\n",
        "cmd/gather/Dockerfile": "FROM alpine:3.20\n",
        ".github/workflows/op.yml": wf.format(file="Dockerfile", platforms="linux/amd64,linux/arm64"),
        ".github/workflows/gather.yml": wf.format(file="cmd/gather/Dockerfile", platforms="linux/amd64"),
    }
    doc = run(tree(tmp_path, files), capsys)
    assert sorted((f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "BC001") == [
        (".github/workflows/edge.yml", 7), ("Makefile", 9), ("Makefile", 12), ("Makefile", 15)]


def test_docker_metadata_action_names_the_images_its_build_step_pushes(tmp_path, capsys):
    # appwrite's release.yml: images: appwrite/appwrite, tags: ${{ steps.meta.outputs.tags }};
    # its compose file's ${_APP_VERSION:-latest} is the repository's own release knob. And
    # opentelemetry-operator's: ghcr.io/${{ github.repository_owner }}/op, a name the Makefile's
    # native developer push may be: its variant
    wf = """
        on: {push: {tags: ["v*"]}}
        jobs:
          release:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - id: meta
                uses: docker/metadata-action@v5
                with:
                  images: |
                    appwrite/appwrite
                    ghcr.io/${{ github.repository_owner }}/op
                  tags: type=semver,pattern={{version}}
              - uses: docker/build-push-action@v6
                with:
                  context: .
                  platforms: linux/amd64,linux/arm64
                  push: true
                  tags: ${{ steps.meta.outputs.tags }}
    """
    files = {
        ".github/workflows/release.yml": wf,
        "Dockerfile": "FROM alpine:3.20\n",
        "docker-compose.yml": "services:\n  appwrite:\n    image: ${_APP_IMAGE:-appwrite/appwrite}:${_APP_VERSION:-latest}\n"
                              "  redis:\n    image: redis:7.4.7-alpine\n",
        "Makefile": "IMG ?= ghcr.io/acme/op:dev\ncontainer:\n\tdocker build -t $(IMG) .\n\tdocker push $(IMG)\n",
    }
    doc = run(tree(tmp_path / "a", files), capsys)
    assert [f["rule"] for f in doc["findings"] if f["rule"] in ("DC001", "BC001")] == []
    # another step's outputs, or none: the tags are not known, and the findings stand
    files[".github/workflows/release.yml"] = wf.replace("steps.meta.outputs.tags", "steps.other.outputs.tags")
    doc = run(tree(tmp_path / "b", files), capsys)
    assert sorted(f["rule"] for f in doc["findings"] if f["rule"] in ("DC001", "BC001")) == ["DC001"]


def test_an_artifacts_path_moves_no_checkout_and_a_build_arg_on_a_later_line_is_its_commands(tmp_path, capsys):
    # vcluster's e2e-ginkgo-nightly.yaml: an upload-artifact's path: is not a checkout folder, so
    # -f Dockerfile.release is found; --build-arg TARGETARCH=amd64 two lines below docker build
    # sets nothing that Dockerfile reads; a checkout into a folder still moves the build
    wf = """
        on: push
        jobs:
          e2e:
            runs-on: {runner}
            steps:
              - uses: actions/checkout@v4
              - run: |
                  docker build \\
                    -t vcluster:e2e -f Dockerfile.release \\
                    --build-arg TARGETARCH=amd64 .
                  kind load docker-image vcluster:e2e
              - uses: actions/upload-artifact@v4
                with: {name: reports, path: test-reports/report.json}
        """
    files = {".github/workflows/e2e.yml": wf.replace("{runner}", "large-8_32"),
             "Dockerfile.release": "FROM alpine:3.20\nCOPY vcluster /vcluster\n"}
    doc = run(tree(tmp_path, files), capsys)
    assert [f["rule"] for f in doc["findings"] if f["rule"] == "BC004"] == []
    g = graph_doc(tmp_path, capsys)
    assert [b["dockerfile"] for b in g["builds"]] == ["Dockerfile.release"]
    (tmp_path / "Dockerfile.release").write_text("FROM alpine:3.20\nARG TARGETARCH\nCOPY vcluster-$TARGETARCH /vcluster\n")
    doc = run(tmp_path, capsys)
    assert [(f["line"], f["rule"]) for f in doc["findings"] if f["rule"] == "BC004"] == [(10, "BC004")]


def test_a_dockerfile_an_earlier_step_of_the_workflow_downloads_is_not_missing(tmp_path, capsys):
    # multus-cni's image-build.yml: curl ... -o images/okd-builder.Dockerfile, then a build of it
    wf = """
        on: push
        jobs:
          okd:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: curl https://raw.githubusercontent.com/okd-project/images/main/builder/Dockerfile -o images/okd.Dockerfile
              - run: docker build -t local/okdbuilder:latest -f images/okd.Dockerfile .
              - run: docker build -t local/other:latest -f images/gone.Dockerfile .
              - run: docker build -t local/more:latest -f images/lost.Dockerfile . 2>&1 | tee build.log
        """
    doc = run(tree(tmp_path, {".github/workflows/image-build.yml": wf}), capsys)
    # (its own tee writes no Dockerfile; both builds miss for one cause, images/ does not exist:
    # one finding, the other build a related location)
    (f,) = [f for f in doc["findings"] if f["rule"] == "XF005"]
    assert (f["line"], f["message"].split(", which")[0], f["message"].split("); ")[1]) == (
        9, "This build reads the Dockerfile images/gone.Dockerfile",
        "1 more build of this file reads other Dockerfiles of images/, a folder that does not exist.")
    sarif = json.loads(run(tmp_path, capsys, fmt="sarif"))
    (res,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "XF005"]
    assert [loc["physicalLocation"]["region"]["startLine"] for loc in res["relatedLocations"]] == [10]


def test_a_kustomize_component_retags_what_the_kustomization_including_it_deploys(tmp_path, capsys):
    # redis-operator's overlays each include components/version, whose images: entry sets the
    # tag of the base's quay.io/spotahome/redis-operator:latest; an overlay without it deploys latest
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: op}\nspec:\n  template:\n    spec:\n"
              "      containers: [{name: op, image: 'quay.io/acme/op:latest'}]\n")
    files = {
        "kustomize/base/deployment.yaml": deploy,
        "kustomize/base/kustomization.yaml": "resources: [deployment.yaml]\n",
        "kustomize/components/version/kustomization.yaml":
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "images:\n  - name: quay.io/acme/op\n    newTag: v1.3.0\n",
        "kustomize/overlays/default/kustomization.yaml": "resources: [../../base/]\ncomponents: [../../components/version/]\n",
    }
    doc = run(tree(tmp_path, files), capsys)
    assert [f["rule"] for f in doc["findings"] if f["rule"] == "K8S001"] == []
    (tmp_path / "kustomize/overlays/dev").mkdir()
    (tmp_path / "kustomize/overlays/dev/kustomization.yaml").write_text("resources: [../../base/]\n")
    doc = run(tmp_path, capsys)
    assert [(f["path"], f["rule"]) for f in doc["findings"] if f["rule"] == "K8S001"] == [
        ("kustomize/base/deployment.yaml", "K8S001")]


def test_a_release_rewriting_a_copy_of_a_manifest_rewrites_the_manifest(tmp_path, capsys):
    # inspektor-gadget: its release workflow copies pkg/resources/manifests/deploy.yaml and
    # rewrites the copy's image with perl -pi; the image is the repository's own build, though the
    # examples' seds rewrite two latest images of another namespace. Without the release step the
    # latest is reported
    files = {
        "pkg/resources/manifests/deploy.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "ghcr.io/gadget/gadget:latest"),
        "examples/a/deploy.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "docker.io/kinvolk/a:latest"),
        "examples/b/deploy.yaml": DEPLOY.replace("quay.io/acme/api:1.4", "docker.io/kinvolk/b:latest"),
        "examples/a/Makefile": "deploy:\n\tsed 's|image: .*:latest|image: $(REPO)-a:$(TAG)|' deploy.yaml | kubectl apply -f -\n",
        "examples/b/Makefile": "deploy:\n\tsed 's|image: .*:latest|image: $(REPO)-b:$(TAG)|' deploy.yaml | kubectl apply -f -\n",
        "Makefile": "REPO ?= ghcr.io/gadget/gadget\nimage:\n\tdocker buildx build --platform linux/amd64,linux/arm64 "
                    "-t $(REPO):$(TAG) --push -f Dockerfile .\n",
        "Dockerfile": "FROM alpine:3.20\n",
        ".github/workflows/release.yml": "on: {push: {tags: ['v*']}}\njobs:\n  r:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "    - uses: actions/checkout@v4\n    - run: |\n"
            "        cp pkg/resources/manifests/deploy.yaml \"gadget-${GITHUB_REF_NAME}.yaml\"\n"
            "        perl -pi -e 's@(image:) \".+\\\"@$1 \"$ENV{IMAGE}\"@; s@\"latest\"@\"$ENV{TAG}\"@;' "
            "\"gadget-${GITHUB_REF_NAME}.yaml\"\n",
    }
    assert [(f["path"], f["message"]) for f in run(tree(tmp_path / "a", files), capsys)["findings"]
            if f["rule"] == "K8S001"] == []
    del files[".github/workflows/release.yml"]
    assert [(f["path"], f["message"]) for f in run(tree(tmp_path / "b", files), capsys)["findings"]
            if f["rule"] == "K8S001"] == [
        ("pkg/resources/manifests/deploy.yaml", "Image ghcr.io/gadget/gadget:latest uses the mutable tag latest.")]


def test_a_third_party_image_in_rewritten_chart_values_is_still_reported(tmp_path, capsys):
    # a release sed rewrites the :latest of the repository's manifests and of its chart's values;
    # the chart's values also set a third party's image to latest, which no release retags
    deploy = DEPLOY.replace("quay.io/acme/api:1.4", "quay.io/acme/api:latest") \
        + "        - name: web\n          image: quay.io/acme/web:latest\n"
    files = {
        "hack/release.sh": "#!/bin/sh\nsed -i \"s/:latest/:$V/\" deploy/app.yaml\n"
                           "sed -i \"s/tag: latest/tag: $V/\" charts/app/values.yaml\n",
        "deploy/app.yaml": deploy,
        "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        "charts/app/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
        "charts/app/values.yaml": "api:\n  image:\n    repository: quay.io/acme/api\n    tag: latest\n"
                                  "certs:\n  image:\n    repository: cfssl/cfssl\n    tag: latest\n"
                                  # (a one-part repository a global registry completes, no repository)
                                  "web:\n  image:\n    repository: web\n    tag: latest\n"
                                  "job:\n  image:\n    tag: latest\n",
    }
    found = [(f["path"], f["line"], f["message"]) for f in run(tree(tmp_path / "a", files), capsys)["findings"]
             if f["rule"] == "K8S001"]
    assert found == [("charts/app/values.yaml", 8, "Helm values set image cfssl/cfssl to the mutable tag latest. "
                      "The repository's release rewrites the :latest tags of this file to its own version, "
                      "and this image is not the repository's.")]


def test_a_charts_app_version_the_release_packages_with_its_own_is_a_placeholder(tmp_path, capsys):
    # antrea's hack/generate-helm-release.sh: $HELM package --app-version $VERSION $ANTREA_CHART;
    # the chart's templates default their image tags to .Chart.AppVersion, "latest" in the source.
    # Without that step, or packaging without --app-version, the rendered latest is reported
    files = {
        "hack/generate-helm-release.sh": '#!/bin/bash\nTHIS_DIR="$(dirname "$0")"\n'
            'ANTREA_CHART="$THIS_DIR/../build/charts/antrea"\n$HELM package --app-version $VERSION --version $VERSION $ANTREA_CHART\n',
        "build/charts/antrea/Chart.yaml": "apiVersion: v2\nname: antrea\nversion: 0.0.0\nappVersion: latest\n",
        "build/charts/antrea/values.yaml": "agentImage:\n  repository: antrea/antrea-agent-ubuntu\n  tag: \"\"\n",
        "build/charts/antrea/templates/_helpers.tpl": '{{- define "tag" -}}\n{{- if .Values.agentImage.tag }}'
            '{{ .Values.agentImage.tag }}{{- else if eq .Chart.AppVersion "latest" }}latest{{- else }}'
            'v{{ .Chart.AppVersion }}{{- end }}\n{{- end -}}\n',
        "build/charts/antrea/templates/ds.yaml": DEPLOY.replace(
            "quay.io/acme/api:1.4", '"{{ .Values.agentImage.repository }}:{{ include "tag" . }}"')
            + "        - name: init\n          image: busybox:latest\n",
        "Makefile": "agent:\n\tdocker buildx build --platform linux/amd64,linux/arm64 -t antrea/antrea-agent-ubuntu:$(V) "
                    "--push -f build/Dockerfile .\n",
        "build/Dockerfile": "FROM alpine:3.20\n",
    }
    # (a third party's image in the same chart is not the appVersion's: still reported, review)
    k8s001 = [(f["path"], f["line"]) for f in run(tree(tmp_path / "a", files), capsys)["findings"] if f["rule"] == "K8S001"]
    assert k8s001 == [("build/charts/antrea/templates/ds.yaml", 13)]
    files["hack/generate-helm-release.sh"] = files["hack/generate-helm-release.sh"].replace("--app-version $VERSION ", "")
    assert [(f["path"], f["line"]) for f in run(tree(tmp_path / "b", files), capsys)["findings"] if f["rule"] == "K8S001"] == [
        ("build/charts/antrea/templates/ds.yaml", 11), ("build/charts/antrea/templates/ds.yaml", 13)]


def test_df013_leaves_a_dockerfile_whose_every_build_stops_at_the_build_machine_stage(tmp_path, capsys):
    # awesome-compose's nginx-golang: the Go builder runs on $BUILDPLATFORM and the scratch stage
    # copies its binary, but compose builds `target: builder` (go run); no image built here holds
    # the copy. Another build of the final stage, or no build found, keeps the finding
    df = ("FROM --platform=$BUILDPLATFORM golang:1.26 AS builder\nWORKDIR /code\nCOPY . .\n"
          "RUN CGO_ENABLED=0 go build -o bin/backend main.go\nCMD [\"go\", \"run\", \"main.go\"]\n"
          "FROM scratch\nCOPY --from=builder /code/bin/backend /usr/local/bin/backend\n")
    root = tree(tmp_path / "r", {
        "backend/Dockerfile": df,
        "compose.yaml": "services:\n  backend:\n    build:\n      context: backend\n      target: builder\n",
    })

    def df013():
        return [(f["path"], f["line"]) for f in run(root, capsys)["findings"] if f["rule"] == "DF013"]

    assert df013() == []
    (root / "compose.yaml").write_text("services:\n  backend:\n    build:\n      context: backend\n")
    assert df013() == [("backend/Dockerfile", 1)]
    (root / "compose.yaml").unlink()
    assert df013() == [("backend/Dockerfile", 1)]
    # a README's development build of the builder stage (a second review's case): the final
    # image is built somewhere all the same
    (root / "README.md").write_text("```sh\ndocker build --target builder -t app-dev backend\n```\n")
    assert df013() == [("backend/Dockerfile", 1)]


def test_df013_leaves_a_last_stage_on_the_build_machine_that_no_build_makes(tmp_path, capsys):
    # the last stage, a test image on the build machine's Go, is built by no build found: the release
    # build stops at `release` (--target); a build of that stage, or of the whole file, keeps the finding
    df = ("FROM --platform=$BUILDPLATFORM golang:1.26 AS build\nARG TARGETARCH\n"
          "RUN GOARCH=$TARGETARCH go build -o /out/app .\n"
          "FROM gcr.io/distroless/base:nonroot AS release\nCOPY --from=build /out/app /app\n"
          "FROM build AS test\nENTRYPOINT [\"go\", \"test\", \"./...\"]\n")
    make = ("release:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --target release -t ghcr.io/acme/app:1"
            " --push .\n")
    root = tree(tmp_path / "r", {"Dockerfile": df, "Makefile": make})

    def df013():
        return [(f["path"], f["line"]) for f in run(root, capsys)["findings"] if f["rule"] == "DF013"]

    assert df013() == []
    for more in ("test:\n\tdocker build --target test -t app-test .\n", "all:\n\tdocker build -t app .\n"):
        (root / "Makefile").write_text(make + more)
        assert df013() == [("Dockerfile", 1)]


def test_a_bake_files_paths_are_read_from_where_bake_runs(tmp_path, capsys):
    # code-server's ci/release-image/docker-bake.hcl names ci/release-image/Dockerfile, run from
    # the top (`docker buildx bake -f ci/release-image/docker-bake.hcl`): bake reads its paths
    # from the working folder, not the Bake file's (docker/buildx#1028)
    bake = ('target "app" {\n  dockerfile = "ci/release-image/Dockerfile"\n  platforms = ["linux/amd64"]\n}\n'
            'target "gone" {\n  dockerfile = "ci/release-image/Dockerfile.gone"\n}\n')
    files = {"ci/release-image/docker-bake.hcl": bake,
             "ci/release-image/Dockerfile": "FROM alpine:3.20\n"}
    doc = run(tree(tmp_path, files), capsys)
    assert [(f["line"], f["message"].split(" (looked")[0]) for f in doc["findings"] if f["rule"] == "XF005"] == [
        (5, "This build reads the Dockerfile ci/release-image/Dockerfile.gone, which does not exist")]
    g = graph_doc(tmp_path, capsys)
    assert [b["dockerfile"] for b in g["builds"]] == ["ci/release-image/Dockerfile", None]


def test_a_documents_build_run_in_a_folder_below_it_is_not_missing(tmp_path, capsys):
    # kubeedge's mapper-framework README: `docker build -f Dockerfile_stream .` "after generating
    # the mapper project", a copy of _template/mapper/ below the README's folder (tensorflow/serving's
    # g3doc: tools/docker/Dockerfile.devel, beside it); a path that leads nowhere is a stale one
    md = ("## Generate the mapper project\n```shell\ndocker build -f Dockerfile_stream -t [YOUR IMAGE] .\n```\n"
          "```shell\ndocker build -f build/Dockerfile_gone -t [YOUR IMAGE] .\n```\n")
    root = tree(tmp_path / "r", {"fw/README.md": md, "fw/_template/mapper/Dockerfile_stream": "FROM alpine:3.20\n",
                                 "other/Dockerfile_gone": "FROM alpine:3.20\n"})
    assert codes(run(root, capsys)) == [("fw/README.md", 6, "XF005")]


def test_a_dockerfile_piped_on_stdin_is_the_one_the_build_reads(tmp_path, capsys):
    # capv's Makefile: `cat hack/tools/boskosctl/Dockerfile | DOCKER_BUILDKIT=1 docker build ... --file -`
    # (moby/buildkit#1368); that Dockerfile's final stage on distroless' nonroot-amd64 makes the
    # image amd64's on any machine, the openvpn one's multi-architecture base does not
    mk = ("boskosctl:\n\tcat hack/tools/boskosctl/Dockerfile | DOCKER_BUILDKIT=1 docker build . -t gcr.io/acme/boskosctl:v1 --file -\n"
          "\tdocker push gcr.io/acme/boskosctl:v1\n"
          "openvpn:\n\tcat hack/tools/openvpn/Dockerfile | DOCKER_BUILDKIT=1 docker build . -t gcr.io/acme/openvpn:v1 --file -\n"
          "\tdocker push gcr.io/acme/openvpn:v1\n")
    files = {"Makefile": mk,
             "hack/tools/boskosctl/Dockerfile": "FROM gcr.io/distroless/static:nonroot-amd64\nCOPY boskosctl /\n",
             "hack/tools/openvpn/Dockerfile": "FROM gcr.io/distroless/static:nonroot\nCOPY openvpn /\n"}
    assert _bc001_lines(tmp_path / "a", capsys, files) == [5]
    g = graph_doc(tmp_path / "a", capsys)
    assert [b["dockerfile"] for b in g["builds"]] == ["hack/tools/boskosctl/Dockerfile", "hack/tools/openvpn/Dockerfile"]


def test_a_dockerfile_a_script_of_the_recipe_generates_is_not_missing(tmp_path, capsys):
    # tekton operator's catalog-build: ./operatorhub/tools/render-candidate-catalog.sh runs
    # `${OPM_BIN} generate dockerfile "${CATALOG_DIR}/released"`, then the recipe builds
    # $(CATALOG_DIR)/released.Dockerfile; a name no script writes is still missing
    mk = ("CATALOG_DIR ?= kubernetes/catalog\ncatalog-build:\n"
          "\tCATALOG_DIR=$(CATALOG_DIR) ./tools/render-candidate-catalog.sh\n"
          "\tdocker build -f $(CATALOG_DIR)/released.Dockerfile -t quay.io/acme/catalog:v1 $(CATALOG_DIR)\n"
          "\tdocker build -f $(CATALOG_DIR)/other.Dockerfile -t quay.io/acme/other:v1 $(CATALOG_DIR)\n")
    script = '#!/bin/sh\nset -e\n${OPM_BIN} generate dockerfile "${CATALOG_DIR}/released"\n'
    root = tree(tmp_path / "r", {"Makefile": mk, "tools/render-candidate-catalog.sh": script})
    assert codes(run(root, capsys)) == [("Makefile", 5, "XF005")]
    # a script outside the repository is not read (nor is a URL's //host/x.sh)
    (tmp_path / "gen.sh").write_text(script)
    outside = tree(tmp_path / "o", {"Makefile": mk.replace("./tools/render-candidate-catalog.sh", "../gen.sh")})
    assert codes(run(outside, capsys)) == [("Makefile", 4, "XF005")]  # (both: kubernetes/catalog/ is missing)
    # a FIFO named like the script is not read (it would block): the Dockerfile stays missing
    fifo = tree(tmp_path / "f", {"Makefile": mk})
    (fifo / "tools").mkdir()
    os.mkfifo(fifo / "tools/render-candidate-catalog.sh")
    assert codes(run(fifo, capsys)) == [("Makefile", 4, "XF005")]


def test_the_dockerfile_opm_index_add_generates_is_not_missing(tmp_path, capsys):
    # cockroachdb's build/olm_builder.sh: `bin/opm index add --generate ... \` (continued), then
    # `docker buildx build ... -f index.Dockerfile .` (an XF005 error judged a wrong reading); a name
    # `--out-dockerfile` gives, too; without --generate, opm builds the index itself: nothing written
    script = ("#!/bin/sh\nrelease() {\n    bin/opm index add --generate --overwrite-latest \\\n"
              "    --bundles=quay.io/acme/bundle:v1 --tag quay.io/acme/index:v1\n"
              "    docker buildx build --platform=linux/amd64,linux/arm64 -t quay.io/acme/index:v1 --push -f index.Dockerfile .\n"
              "    opm index add -d custom.Dockerfile --generate --bundles=quay.io/acme/bundle:v1\n"
              "    docker build -f custom.Dockerfile -t quay.io/acme/custom:v1 .\n"
              "    opm index add --bundles=quay.io/acme/bundle:v1 --tag quay.io/acme/i2:v1\n"
              "    docker build -f other.Dockerfile -t quay.io/acme/other:v1 .\n}\n")
    root = tree(tmp_path / "r", {"build/olm_builder.sh": script})
    assert codes(run(root, capsys), "XF005") == [("build/olm_builder.sh", 9, "XF005")]


def test_builds_missing_a_dockerfile_for_one_cause_are_one_finding(tmp_path, capsys):
    # testkube's goreleaser files: each builds contrib/executor/<x>/build/agent/Dockerfile.jdk*
    # for amd64 and arm64, and contrib/ was removed: one finding per file and missing folder, the
    # other builds its related locations; in a folder that exists, each missing file is its own
    mk = ("a:\n\tdocker build -f contrib/gradle/Dockerfile.jdk8 -t x/a:1 .\n"
          "\tdocker build -f contrib/gradle/Dockerfile.jdk8 -t x/a-arm:1 .\n"
          "\tdocker build -f contrib/gradle/Dockerfile.jdk11 -t x/b:1 .\n"
          "b:\n\tdocker build -f docker/api.Dockerfile -t x/c:1 .\n"
          "\tdocker build -f docker/api.Dockerfile -t x/c-arm:1 .\n"
          "\tdocker build -f docker/web.Dockerfile -t x/d:1 .\n")
    doc = run(tree(tmp_path, {"Makefile": mk, "docker/other.Dockerfile": "FROM alpine:3.20\n"}), capsys)
    assert [(f["line"], f["message"].split(", which")[0], f["message"].split("); ")[-1])
            for f in doc["findings"] if f["rule"] == "XF005"] == [
        (2, "This build reads the Dockerfile contrib/gradle/Dockerfile.jdk8",
         "2 more builds of this file read other Dockerfiles of contrib/gradle/, a folder that does not exist."),
        (6, "This build reads the Dockerfile docker/api.Dockerfile", "1 more build of this file reads it too."),
        (8, "This build reads the Dockerfile docker/web.Dockerfile",
         "This build reads the Dockerfile docker/web.Dockerfile, which does not exist (looked for docker/web.Dockerfile).")]


def test_a_compose_file_given_after_another_reads_its_paths_from_the_first_ones_folder(tmp_path, capsys):
    # authelia's suites: `docker compose -f internal/suites/compose.yml -f
    # internal/suites/example/compose/authelia/compose.backend.dev.yml`, whose build context
    # `example/compose/authelia` is the project folder's (internal/suites/), not its own
    dev = ("services:\n  backend:\n    build:\n      context: example/compose/authelia\n"
           "      dockerfile: Dockerfile.backend\n  gone:\n    build:\n      context: example/compose/gone\n"
           "      dockerfile: Dockerfile\n")
    root = tree(tmp_path / "r", {"suites/compose.yml": "services:\n  base:\n    image: alpine:3.20\n",
                                 "suites/example/compose/authelia/compose.backend.dev.yml": dev,
                                 "suites/example/compose/authelia/Dockerfile.backend": "FROM alpine:3.20\n"})
    assert codes(run(root, capsys)) == [("suites/example/compose/authelia/compose.backend.dev.yml", 6, "XF005")]


def test_the_build_of_an_image_the_repository_publishes_as_latest_alone_names_its_deployments(tmp_path, capsys):
    # a demo sidecar a Makefile builds and pushes only as ghcr.io/acme/fake-reader:latest (as
    # gatekeeper's, whose push is an overridable --output); a deployment's :latest has no version to pin
    # until the build publishes one, so the build's BC006 is the finding, naming the deployment.
    # An image the repository also tags with a version (or with a tag not known here) keeps K8S001.
    pod = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: {name}}}
        spec:
          template:
            spec:
              containers:
                - name: {name}
                  image: {image}
        """
    files = {
        "Makefile": "VERSION ?= 1.2.0\nIMAGE_TAG ?= latest\nOP_IMG ?= ghcr.io/acme/op:$(IMAGE_TAG)\n"
                    "op:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --push -t $(OP_IMG) -f op/Dockerfile op\n"
                    "sub:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --push -t ghcr.io/acme/sub:latest sub\n"
                    "sub-release:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --push "
                    "-t ghcr.io/acme/sub:$(IMAGE_TAG) sub\n"
                    "reader:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --push "
                    "-t ghcr.io/acme/fake-reader:latest -f test/reader/Dockerfile test/reader\n"
                    "app:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --push "
                    "-t ghcr.io/acme/app:latest -t ghcr.io/acme/app:$(VERSION) -f app/Dockerfile app\n"
                    "tool:\n\tdocker buildx build --platform linux/amd64,linux/arm64 --push "
                    "-t ghcr.io/acme/tool:latest -f tool/Dockerfile tool\n",
        ".github/workflows/tool.yml": """
            on: push
            jobs:
              tool:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/build-push-action@v6
                    with: {file: tool/Dockerfile, context: tool, push: true, platforms: "linux/amd64,linux/arm64",
                           tags: "${{ steps.meta.outputs.tags }}"}
            """,
        **{f"{d}/Dockerfile": "FROM alpine:3.20\n" for d in ("test/reader", "app", "tool", "op", "sub")},
        "deploy/sub.yaml": pod.format(name="sub", image="ghcr.io/acme/sub:latest"),
        # kmm's IMAGE_TAG ?= latest: the release passes its version, so latest is not all it publishes
        "deploy/op.yaml": pod.format(name="op", image="ghcr.io/acme/op:latest"),
        "deploy/reader.yaml": pod.format(name="reader", image="ghcr.io/acme/fake-reader:latest"),
        "deploy/app.yaml": pod.format(name="app", image="ghcr.io/acme/app:latest"),
        "deploy/tool.yaml": pod.format(name="tool", image="ghcr.io/acme/tool:latest"),
    }
    doc = run(tree(tmp_path, files), capsys)
    # (the deployment keeps its own K8S001: no finding hangs on one elsewhere that may be hidden)
    assert codes(doc, "K8S001") == [("deploy/app.yaml", 9, "K8S001"), ("deploy/op.yaml", 9, "K8S001"),
                                    ("deploy/reader.yaml", 9, "K8S001"), ("deploy/sub.yaml", 9, "K8S001"),
                                    ("deploy/tool.yaml", 9, "K8S001")]
    assert [f for f in doc["findings"] if f["rule"] == "BC006" and "acme/op" in f["message"]] == []  # (the caller's)
    # sub's release target tags it $(IMAGE_TAG), latest only by default: it may publish versions,
    # and its latest beside the tag make's caller names is the moving alias
    assert [f["message"] for f in doc["findings"] if f["rule"] == "BC006" and "acme/sub" in f["message"]] == []
    (bc006,) = [f for f in doc["findings"] if f["rule"] == "BC006" and "fake-reader" in f["message"]]
    assert bc006["message"] == ("docker buildx build tags the image ghcr.io/acme/fake-reader:latest: latest is a mutable "
                                "tag. The repository publishes it under no other tag, so what deploys it "
                                "(deploy/reader.yaml:9) has no version to pin.")


def test_a_latest_a_release_workflow_pushes_beside_its_version_is_the_moving_alias(tmp_path, capsys):
    # apache/answer: build-image-for-release.yml pushes apache/answer:${IMAGE_TAG#v} on v* tags,
    # its sibling build-image-for-latest-release.yml pushes apache/answer:latest on the same tags;
    # a latest pushed on a branch, or on tags with no versioned push of the image, stays reported
    def wf(on: str, tag: str, image: str) -> str:
        return f"""
            on: {on}
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/login-action@v3
                  - env:
                      IMAGE_TAG: ${{{{ github.ref_name }}}}
                    run: |
                      docker buildx build \\
                        --file ./Dockerfile \\
                        --platform linux/amd64,linux/arm64 \\
                        --push \\
                        --tag {image}:{tag} .
            """
    tags = "{push: {tags: [v2.*, '!v*-RC*']}}"
    files = {
        "Dockerfile": "FROM alpine:3.20\n",
        ".github/workflows/release.yml": wf(tags, "${IMAGE_TAG#v}", "apache/answer"),
        ".github/workflows/latest.yml": wf(tags, "latest", "apache/answer"),
        ".github/workflows/main.yml": wf("{push: {branches: [main]}}", "latest", "apache/other"),
        ".github/workflows/alone.yml": wf(tags, "latest", "apache/alone"),
    }
    doc = run(tree(tmp_path, files), capsys)
    assert codes(doc, "BC006") == [(".github/workflows/alone.yml", 14, "BC006"),
                                   (".github/workflows/main.yml", 14, "BC006")]


def test_a_pre_release_manifest_is_superseded_once_its_release_has_one(tmp_path, capsys):
    # aws-load-balancer-controller: config/samples/install_v2_0_0_rc0..rc4.yaml (v1beta1 CRDs and
    # webhooks) beside docs/install/v2_0_0_full.yaml ... v2_2_4_full.yaml: the rc's install
    # manifest is a record; a pre-release after the newest release read is judged
    crd = "apiVersion: apiextensions.k8s.io/{v}\nkind: CustomResourceDefinition\nmetadata:\n  name: x.acme.io\n"
    files = {
        "config/samples/install_v2_0_0_rc3.yaml": crd.format(v="v1beta1"),
        "config/samples/install_v2_0_0_rc4.yaml": crd.format(v="v1beta1"),
        "docs/install/v2_0_0_full.yaml": crd.format(v="v1"),
        "docs/install/v2_2_4_full.yaml": crd.format(v="v1"),
        "next/install_v3_0_0_rc1.yaml": crd.format(v="v1beta1"),
        # a later version in another file's name says nothing of a pre-release
        "config/thirdparty/cert-manager-v3.14.4.yaml": crd.format(v="v1"),
    }
    doc = run(tree(tmp_path, files), capsys)
    assert codes(doc, "K8S004") == [("next/install_v3_0_0_rc1.yaml", 1, "K8S004")]


def test_a_latest_on_a_later_line_of_a_build_is_that_builds(tmp_path, capsys):
    # EdgeCraftRAG's tools/build_images.sh: `docker build \` on one line, `-t opea/edgecraftrag:latest \`
    # four lines below, never pushed: the image stays on the machine; the same build pushed is reported
    script = ("#!/bin/bash\ndocker build \\\n  --build-arg http_proxy=$http_proxy \\\n  --build-arg https_proxy=$https_proxy \\\n"
              "  -t opea/edgecraftrag:latest \\\n  -f Dockerfile .\n")
    files = {"tools/build_images.sh": script, "Dockerfile": "FROM python:3.11-slim\n",
             "tools/push.sh": script.replace("edgecraftrag", "pushed") + "docker push opea/pushed:latest\n"}
    doc = run(tree(tmp_path, files), capsys)
    assert codes(doc, "BC006") == [("tools/push.sh", 5, "BC006"), ("tools/push.sh", 7, "BC006")]


def test_opea_layout_build_yaml_clones_and_a_runbooks_cd(tmp_path, capsys):
    # opea's GenAIExamples: docker_image_build/build.yaml is a compose file by what it holds (run
    # with `docker compose -f build.yaml build`), its images are the ones the compose files run
    # with ${TAG:-latest}, and its contexts are a GenAIComps checkout the workflow clones; a
    # README's `cd GenAIComps` in one block moves the builds of the blocks after it; the values
    # of a chart with no templates reach no pod
    build = """
        services:
          codegen:
            build: {context: ../, dockerfile: ./Dockerfile}
            image: ${REGISTRY:-opea}/codegen:${TAG:-latest}
          embedding:
            build: {context: GenAIComps, dockerfile: comps/embeddings/src/Dockerfile}
            image: ${REGISTRY:-opea}/embedding:${TAG:-latest}
        """
    wf = """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  cd CodeGen/docker_image_build
                  git clone --depth 1 --branch main https://github.com/opea-project/GenAIComps.git
                  docker compose -f build.yaml build
        """
    readme = ("# CodeGen\n\n```bash\n(cd ui && npm ci)\n```\n\n```bash\ndocker build -t opea/ui:1 -f ui/Dockerfile.ui .\n```\n\n"
              "```bash\ngit clone https://github.com/opea-project/GenAIComps.git\ncd GenAIComps\n```\n\n"
              "Then:\n\n```bash\ndocker build -t opea/whisper:latest -f comps/third_parties/whisper/src/Dockerfile .\n```\n")
    files = {
        "CodeGen/docker_image_build/build.yaml": build,
        "CodeGen/Dockerfile": "FROM python:3.11-slim\n",
        "Other/Dockerfile.ui": "FROM python:3.11-slim\n",
        "CodeGen/docker_compose/compose.yaml": "services:\n  codegen:\n    image: ${REGISTRY:-opea}/codegen:${TAG:-latest}\n",
        "CodeGen/docker_compose/compose_openai.yaml": "services:\n  db:\n    image: mariadb:latest\n  web:\n"
                                                      "    image: nginx:1.27.3\n",
        "CodeGen/README.md": readme,
        ".github/workflows/build.yml": wf,
        "Ims/helm/Chart.yaml": "apiVersion: v2\nname: ims\nversion: 0.1.0\n",
        "Ims/helm/values.yaml": "backend:\n  image:\n    repository: opea/ims-backend\n    tag: latest\n",
        "Other/helm/Chart.yaml": "apiVersion: v2\nname: other\nversion: 0.1.0\n",
        "Other/helm/values.yaml": "backend:\n  image:\n    repository: opea/other-backend\n    tag: latest\n",
        "Other/helm/templates/deployment.yaml": "kind: Deployment\n",
        # an umbrella chart's values reach its vendored subcharts' pods
        "Umbrella/Chart.yaml": "apiVersion: v2\nname: umbrella\nversion: 0.1.0\n",
        "Umbrella/values.yaml": "web:\n  image:\n    repository: opea/web\n    tag: latest\n",
        "Umbrella/charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "Umbrella/charts/web/templates/.keep": "",
    }
    doc = run(tree(tmp_path, files), capsys)
    got = sorted((f["path"], f["rule"]) for f in doc["findings"] if f["rule"] not in ("DF005", "AL003"))
    # (a subshell's cd moves nothing: the build after it still names a missing file)
    assert got == [("CodeGen/README.md", "XF005"), ("CodeGen/docker_compose/compose_openai.yaml", "DC001"),
                   ("Other/helm/values.yaml", "K8S001"), ("Umbrella/values.yaml", "K8S001")]
    graph = graph_doc(tmp_path, capsys)
    assert ("CodeGen/docker_image_build/build.yaml", "CodeGen/Dockerfile") in {
        (b["path"], b["dockerfile"]) for b in graph["builds"]}


def test_a_run_step_reads_env_expressions_and_the_workspace_root(tmp_path, capsys):
    # opea's code scan: `docker build -f ${{ github.workspace }}/.github/workflows/docker/
    # ${{ env.DOCKER_FILE_NAME }}.dockerfile` with the workflow's DOCKER_FILE_NAME: "code-scan",
    # on ubuntu-latest: that Dockerfile, built for amd64, whose x86_64 hadolint is its own CPU's
    wf = """
        on: pull_request
        env:
          DOCKER_FILE_NAME: "code-scan"
          OTHER: ${{ vars.OTHER }}
        jobs:
          scan:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker build -f ${{ github.workspace }}/.github/workflows/docker/${{ env.DOCKER_FILE_NAME }}.dockerfile -t scan:1 .
              - run: docker build -f ${{ github.workspace }}/.github/workflows/docker/${{ env.OTHER }}.dockerfile -t other:1 .
        """
    hadolint = "FROM ubuntu:22.04\nRUN wget -O /bin/hadolint https://github.com/hadolint/hadolint/releases/download/v2.12.0/hadolint-Linux-x86_64\n"
    files = {".github/workflows/scan.yml": wf, ".github/workflows/docker/code-scan.dockerfile": hadolint,
             ".github/workflows/docker/other.dockerfile": hadolint}
    root = tree(tmp_path, files)
    graph = graph_doc(root, capsys)
    assert sorted((b["line"], b["dockerfile"]) for b in graph["builds"]) == [
        (10, ".github/workflows/docker/code-scan.dockerfile"), (11, None)]
    doc = run(root, capsys)
    assert [f["path"] for f in doc["findings"] if f["rule"] == "DF006"] == [".github/workflows/docker/other.dockerfile"]


def test_a_manifest_in_a_folder_named_for_an_older_kubernetes_release_is_that_releases(tmp_path, capsys):
    # vsphere-csi-driver's manifests/supervisorcluster/1.15 ... 1.35/cns-csi.yaml: the 1.21 copy's
    # storage.k8s.io/v1beta1 CSIDriver is served by 1.21 (removed in 1.22, where 1.22/ moves to v1)
    csi = "apiVersion: storage.k8s.io/{v}\nkind: CSIDriver\nmetadata:\n  name: csi.vsphere.vmware.com\n"
    files = {
        "manifests/supervisorcluster/1.21/cns-csi.yaml": csi.format(v="v1beta1"),
        "manifests/supervisorcluster/1.22/cns-csi.yaml": csi.format(v="v1"),
        # a copy for 1.22 still on v1beta1, and a release folder with no sibling copy, are reported
        "manifests/guestcluster/1.22/pvcsi.yaml": csi.format(v="v1beta1"),
        "manifests/guestcluster/1.21/pvcsi.yaml": csi.format(v="v1beta1"),
        "deploy/1.20/alone.yaml": csi.format(v="v1beta1"),
    }
    doc = run(tree(tmp_path, files), capsys)
    assert codes(doc, "K8S004") == [("deploy/1.20/alone.yaml", 1, "K8S004"),
                                    ("manifests/guestcluster/1.22/pvcsi.yaml", 1, "K8S004")]


#: a Job running acme/NAME:latest, and a Flux Kustomization NAME applying PATH
_JOB_LATEST = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: NAME\nspec:\n  template:\n    spec:\n"
               "      containers:\n      - name: c\n        image: acme/NAME:latest\n")
_FLUX_KS = ("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: NAME\nspec:\n"
            "  path: PATH\n  sourceRef:\n    kind: GitRepository\n    name: home\n")

def test_a_folder_no_gitops_object_applies_deploys_nothing(tmp_path, capsys, monkeypatch):
    # truxnell's services/kustomization.yaml lists ./immich/ks.yaml but "# - ./scribe/ks.yaml": the
    # Flux Kustomization applying scribe/app is never applied; mischavandenburg's jotunheim/
    # kustomization.yaml "# - promtail" leaves out the overlay over base/promtail
    job = _JOB_LATEST
    ks = _FLUX_KS.replace("PATH", "./cluster/apps/NAME/app")
    app = "resources:\n  - ./job.yaml\n"
    files = {"cluster/flux/apps.yaml": ks.replace("NAME", "apps").replace("/apps/app", ""),
             "cluster/apps/kustomization.yaml": "resources:\n  - ./immich/ks.yaml\n  # - ./scribe/ks.yaml\n"
                                                "  - ./monitoring\n"}
    for name in ("immich", "scribe"):
        files[f"cluster/apps/{name}/ks.yaml"] = ks.replace("NAME", name)
        files[f"cluster/apps/{name}/app/kustomization.yaml"] = app
        files[f"cluster/apps/{name}/app/job.yaml"] = job.replace("NAME", name)
    files["cluster/apps/monitoring/kustomization.yaml"] = "resources:\n  - grafana\n  # - promtail\n"
    for name in ("grafana", "promtail"):
        files[f"base/{name}/kustomization.yaml"] = app
        files[f"base/{name}/job.yaml"] = job.replace("NAME", name)
        files[f"cluster/apps/monitoring/{name}/kustomization.yaml"] = f"resources:\n  - ../../../../base/{name}\n"
    files["base/promtail/kustomization.yaml"] = "resources:\n  - ./job.yaml\n  - ./release.yaml\n"
    files["base/promtail/release.yaml"] = ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n"
                                           "  name: p\nspec:\n  values:\n    image:\n      repository: acme/p\n"
                                           "      tag: latest\n")
    # (a strategic-merge patch the deployed base/grafana applies: deployed, not a file left out)
    files["base/grafana/kustomization.yaml"] = app + "patches:\n  - path: patch.yaml\n"
    files["base/grafana/patch.yaml"] = job.replace("NAME", "grafana-sidecar")
    found = [("base/grafana/job.yaml", 10, "K8S001"), ("base/grafana/patch.yaml", 10, "K8S001"),
             ("cluster/apps/immich/app/job.yaml", 10, "K8S001")]
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    age_tree(tree(tmp_path / "a", files))
    assert codes(run(tmp_path / "a", capsys), "K8S00") == found
    # a run naming one file (pre-commit, on save) reads as much of the repository as the whole run
    assert list((tmp_path / "cache").rglob("runs/*")), "the whole run's index was stored"
    for path in ("base/grafana/job.yaml", "base/promtail/job.yaml", "cluster/apps/scribe/app/job.yaml"):
        assert codes(run(tmp_path / "a", capsys, path), "K8S00") == [c for c in found if c[0] == path], path
    # joryirving's games/kustomization.yaml: "# - ./core-keeper.yaml" beside "- ./romm.yaml", the
    # Flux Kustomizations named by app, applying base/games/NAME
    games = dict(files, **{"cluster/apps/games/kustomization.yaml": "resources:\n  - ./romm.yaml\n  # - ./keeper.yaml\n",
                           "cluster/apps/kustomization.yaml": files["cluster/apps/kustomization.yaml"] + "  - ./games\n"})
    for name in ("romm", "keeper"):
        games[f"cluster/apps/games/{name}.yaml"] = ks.replace("NAME", name).replace("cluster/apps/", "base/games/")
        games[f"base/games/{name}/app/kustomization.yaml"] = app
        games[f"base/games/{name}/app/job.yaml"] = job.replace("NAME", name)
    assert codes(run(tree(tmp_path / "a2", games), capsys), "K8S00") == sorted(
        found + [("base/games/romm/app/job.yaml", 10, "K8S001")])
    everything = sorted(found + [("base/promtail/job.yaml", 10, "K8S001"), ("base/promtail/release.yaml", 9, "K8S001"),
                                 ("cluster/apps/scribe/app/job.yaml", 10, "K8S001")])
    # listed, or applied by a Flux path of its own: deployed
    listed = dict(files)
    listed["cluster/apps/kustomization.yaml"] = "resources:\n  - ./immich/ks.yaml\n  - ./scribe/ks.yaml\n  - ./monitoring\n"
    listed["cluster/apps/monitoring/kustomization.yaml"] = "resources:\n  - grafana\n  - promtail\n"
    assert codes(run(tree(tmp_path / "b", listed), capsys), "K8S00") == everything
    own = dict(files, **{"cluster/flux/promtail.yaml": ks.replace("NAME", "promtail").replace(
        "./cluster/apps/promtail/app", "./cluster/apps/monitoring/promtail")})
    assert codes(run(tree(tmp_path / "c", own), capsys), "K8S00") == sorted(
        found + [("base/promtail/job.yaml", 10, "K8S001"), ("base/promtail/release.yaml", 9, "K8S001")])
    # what cannot be known keeps every finding: an ApplicationSet's generated paths, a path
    # that is a variable below a folder, no GitOps object at all
    appset = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: all\nspec: {}\n"
    assert codes(run(tree(tmp_path / "d", dict(files, **{"cluster/flux/set.yaml": appset})), capsys), "K8S00") == everything
    # (a variable stands for one folder's name: joryirving's ./kubernetes/apps/${CLUSTER}/...)
    var = ks.replace("NAME", "x").replace("./cluster/apps/x/app", "./cluster/apps/${APP}/app")
    assert codes(run(tree(tmp_path / "e", dict(files, **{"cluster/flux/x.yaml": var})), capsys), "K8S00") == sorted(
        found + [("cluster/apps/scribe/app/job.yaml", 10, "K8S001")])
    no_flux = {k: v for k, v in files.items() if not k.endswith(("ks.yaml", "apps.yaml"))}
    assert codes(run(tree(tmp_path / "f", no_flux), capsys), "K8S00") == everything
    # a copy of an older layout kept aside, which nothing applies (nicholaswilde's backup/): deploys nothing;
    # a folder nothing applies under another name may be applied by hand (a bootstrap): judged
    for folder, more in (("backup", []), ("_disabled", []),  # (tyzbit's clusters/corpus/_disabled/)
                         ("bootstrap", [("bootstrap/apps/grafana/job.yaml", 10, "K8S001")])):
        kept = dict(files, **{f"{folder}/apps/kustomization.yaml": "resources:\n  - grafana\n",
                              # (flux-system's patch of its own Kustomization has no path: it applies nothing)
                              "cluster/flux/kustomization.yaml": "resources:\n  - apps.yaml\npatches:\n  - path: patch.yaml\n",
                              "cluster/flux/patch.yaml": ks.replace("NAME", "apps").split("  path:")[0] + "  prune: true\n",
                              f"{folder}/apps/grafana/kustomization.yaml": app,
                              f"{folder}/apps/grafana/job.yaml": job.replace("NAME", "grafana")})
        assert codes(run(tree(tmp_path / folder, kept), capsys), "K8S00") == sorted(found + more), folder
    # a scaffold whose path is a variable from its start names nothing
    scaffold = ks.replace("NAME", "t").replace("./cluster/apps/t/app", "'$RELDIR/'")
    assert codes(run(tree(tmp_path / "g", dict(files, **{"templates/ks/ks.yaml": scaffold})), capsys), "K8S00") == found


def test_a_kustomization_below_an_applied_folder_that_does_not_list_it_deploys_nothing(tmp_path, capsys):
    # samip5's k8s/base/networking, applied by Flux, whose Kustomization lists ns.yaml alone: its
    # prefer-dual-stack/ webhook is never built; its apps/home/kustomization.yaml, every ks.yaml
    # entry commented out: wyoming-whisper's Flux Kustomization is never applied
    job = _JOB_LATEST
    ks = _FLUX_KS
    ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n"
    files = {"cluster/flux/net.yaml": ks.replace("NAME", "net").replace("PATH", "./base/networking"),
             "cluster/flux/apps.yaml": ks.replace("NAME", "apps").replace("PATH", "./apps"),
             "base/networking/kustomization.yaml": "resources:\n  - ns.yaml\n",
             "base/networking/ns.yaml": ns,
             "base/networking/webhook/kustomization.yaml": "resources:\n  - deploy.yaml\n",
             "base/networking/webhook/deploy.yaml": job.replace("NAME", "webhook"),
             # (a plain manifest two folders below may be applied by hand: a Taskfile's Job template)
             "base/networking/tasks/jobs/wipe.yaml": job.replace("NAME", "wipe"),
             "apps/kustomization.yaml": "resources:\n  - ./ns.yaml\n#  - ./whisper/ks.yaml\n",
             "apps/ns.yaml": ns,
             "apps/whisper/ks.yaml": ks.replace("NAME", "whisper").replace("PATH", "./apps/whisper/app"),
             "apps/whisper/app/kustomization.yaml": "resources:\n  - job.yaml\n",
             "apps/whisper/app/job.yaml": job.replace("NAME", "whisper"),
             # (lenaxia's stray copy of a HelmRelease in a folder no Kustomization lists: Flux's own object)
             "apps/mirror/base/helm-release.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
                                                   "metadata:\n  name: mirror\nspec:\n  values:\n    image:\n"
                                                   "      repository: acme/mirror\n      tag: latest\n"}
    wipe = [("base/networking/tasks/jobs/wipe.yaml", 10, "K8S001")]
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S00") == wipe
    # a run naming the file says what the whole run says
    assert codes(run(tmp_path / "a", capsys, "base/networking/webhook/deploy.yaml"), "K8S00") == []
    everything = sorted(wipe + [("apps/mirror/base/helm-release.yaml", 9, "K8S001"),
                                ("apps/whisper/app/job.yaml", 10, "K8S001"),
                                ("base/networking/webhook/deploy.yaml", 10, "K8S001")])
    # listed: deployed
    listed = dict(files, **{"base/networking/kustomization.yaml": "resources:\n  - ns.yaml\n  - webhook\n",
                            "apps/kustomization.yaml": "resources:\n  - ./ns.yaml\n  - ./whisper/ks.yaml\n"
                                                       "  - ./mirror/base/helm-release.yaml\n"})
    assert codes(run(tree(tmp_path / "b", listed), capsys), "K8S00") == everything
    # the folders above applied by no GitOps object (a bootstrap applied by hand, with kubectl -k): judged
    unapplied = {k: v for k, v in files.items() if not k.startswith("cluster/")}
    unapplied["cluster/flux/other.yaml"] = ks.replace("NAME", "other").replace("PATH", "./base/networking/webhook")
    assert codes(run(tree(tmp_path / "c", unapplied), capsys), "K8S00") == sorted(
        wipe + [("apps/mirror/base/helm-release.yaml", 9, "K8S001"), ("apps/whisper/app/job.yaml", 10, "K8S001"),
                ("base/networking/webhook/deploy.yaml", 10, "K8S001")])
    # (a glob resource of the Kustomization above may take it in: unknown)
    glob = dict(files, **{"base/networking/kustomization.yaml": "resources:\n  - ns.yaml\n  - ./*/\n"})
    assert ("base/networking/webhook/deploy.yaml", 10, "K8S001") in codes(run(tree(tmp_path / "d", glob), capsys), "K8S00")


def test_flux_apis_are_judged_at_the_flux_release_the_repository_installs(tmp_path, capsys, monkeypatch):
    # toboshii's cluster/bootstrap/kustomization.yaml installs Flux 0.31.4: its HelmReleases'
    # helm.toolkit.fluxcd.io/v2beta1 is not deprecated there (2.2 deprecated it); its
    # HelmRepositories' source v1beta1 is (0.28), and v1 comes with 2.3: upgrade Flux first
    release = ("apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: app\n"
               "spec:\n  interval: 5m\n")
    repo = ("apiVersion: source.toolkit.fluxcd.io/v1beta1\nkind: HelmRepository\nmetadata:\n  name: charts\n"
            "spec:\n  url: https://charts.example.org\n")
    files = {"cluster/bootstrap/kustomization.yaml":
             "resources:\n  - github.com/fluxcd/flux2/manifests/install?ref=v0.31.4\n",
             "cluster/apps/app/helm-release.yaml": release, "cluster/charts/charts.yaml": repo}
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    age_tree(tree(tmp_path / "a", files))
    doc = run(tmp_path / "a", capsys)
    assert found(doc, "K8S") == [
        "cluster/charts/charts.yaml:1 K8S003 HelmRepository source.toolkit.fluxcd.io/v1beta1 is deprecated since Flux"
        " 0.28, and no Flux release since 2.7 serves it (the repository installs Flux 0.31.4)."]
    assert [f["hint"] for f in doc["findings"]] == [
        "upgrade Flux to 2.3 or later first (the repository installs 0.31.4), then use source.toolkit.fluxcd.io/v1"
        " (available since Flux 2.3); `flux migrate -f .` (Flux 2.7.1 and later) rewrites the files"]
    # a run naming the file says what the whole run says (it reads the file naming the release)
    for path in ("cluster/apps/app/helm-release.yaml", "cluster/charts/charts.yaml"):
        assert [(f["message"], f["hint"]) for f in run(tmp_path / "a", capsys, path)["findings"]] == [
            (f["message"], f["hint"]) for f in doc["findings"] if f["path"] == path], path
    # carpenike's flux-manifests OCIRepository at v2.5.1, and a gotk-components.yaml header of 2.9.4:
    # the newest release a repository names deprecates; the oldest decides the hint
    oci = ("apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: flux-manifests\n"
           "spec:\n  url: oci://ghcr.io/fluxcd/flux-manifests\n  ref:\n    tag: v2.5.1\n")
    gotk = ("---\n# This manifest was generated by flux. DO NOT EDIT.\n# Flux Version: v2.9.4\n"
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n")
    for name, more, installs in (("b", {"cluster/flux/config/flux.yaml": oci}, "2.5.1"),
                                 ("c", {"clusters/prod/flux-system/gotk-components.yaml": gotk}, "2.9.4")):
        newer = {k: v for k, v in files.items() if "bootstrap" not in k}
        age_tree(tree(tmp_path / name, dict(newer, **more)))
        doc = run(tmp_path / name, capsys)
        assert [f["message"].rpartition("(")[2] for f in doc["findings"] if f["rule"] == "K8S003"] == [
            f"the repository installs Flux {installs}).", f"the repository installs Flux {installs})."], name
        assert not any(f["hint"].startswith("upgrade") for f in doc["findings"]), name
        named = run(tmp_path / name, capsys, "cluster/apps/app/helm-release.yaml")
        assert [f["message"] for f in named["findings"]] == [
            f["message"] for f in doc["findings"] if f["path"] == "cluster/apps/app/helm-release.yaml"], name
    # nothing names a release: which Flux the cluster runs is not known
    doc = run(tree(tmp_path / "d", {k: v for k, v in files.items() if "bootstrap" not in k}), capsys)
    assert [f["message"].rpartition("(")[2] for f in doc["findings"] if f["rule"] == "K8S003"] == [
        "which Flux the cluster runs is not known).", "which Flux the cluster runs is not known)."]

def test_kubernetes_apis_are_judged_at_the_release_a_k3s_upgrade_plan_names(tmp_path, capsys, monkeypatch):
    # auricom/home-cluster: system-upgrade-controller Plans follow k3s' v1.21 channel; its CronJobs at
    # batch/v1beta1 (removed in 1.25) still apply there: a warning that the upgrade breaks them;
    # a deprecation the cluster's release has not made yet is dropped
    plan = ("apiVersion: upgrade.cattle.io/v1\nkind: Plan\nmetadata:\n  name: server\nspec:\n"
            "  upgrade:\n    image: rancher/k3s-upgrade\n  CHANNEL\n")
    cron = ("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: job\nspec:\n  schedule: '@daily'\n")
    dra = "apiVersion: resource.k8s.io/v1beta1\nkind: DeviceClass\nmetadata:\n  name: gpu\n"
    files = {"cluster/system-upgrade/server-plan.yaml": plan.replace(
        "CHANNEL", "channel: https://update.k3s.io/v1-release/channels/v1.21"),
             "cluster/apps/job.yaml": cron, "cluster/apps/dra.yaml": dra}
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    age_tree(tree(tmp_path / "a", files))
    doc = run(tmp_path / "a", capsys)
    want = [("cluster/apps/job.yaml", "K8S004", "warning",
             "CronJob batch/v1beta1 is removed in Kubernetes 1.25; the repository's cluster runs 1.21, which still serves it,"
             " so applying it fails once the cluster is upgraded to 1.25.")]
    assert [(f["path"], f["rule"], f["severity"], f["message"]) for f in doc["findings"] if f["rule"].startswith("K8S")] == want
    # a run naming the file reads the Plan too
    assert [(f["path"], f["rule"], f["severity"], f["message"])
            for f in run(tmp_path / "a", capsys, "cluster/apps/job.yaml")["findings"]] == want
    # a newer release: the removal is made there (the message names the cluster's release); a Plan of
    # another image (Talos, the OS) or a variable names none
    for name, channel, expected in (
            ("b", "version: v1.26.3+k3s1", ["CronJob batch/v1beta1 was removed in Kubernetes 1.25, so applying it fails"
                                            " (the repository's cluster runs Kubernetes 1.26)."]),
            ("e", "version: v1.27.1", ["CronJob batch/v1beta1 was removed in Kubernetes 1.25, so applying it fails"
                                       " (the repository's cluster runs Kubernetes 1.27)."]),
            ("c", "version: ${KUBERNETES_VERSION}", ["CronJob batch/v1beta1 was removed in Kubernetes 1.25, so applying it"
                                                     " fails (Kubernetes 1.37, the newest release archlint knows; set"
                                                     " kubernetes-version).",
                                                     "DeviceClass resource.k8s.io/v1beta1 is deprecated since Kubernetes 1.35"
                                                     " and is to be removed in 1.38 (Kubernetes 1.37, the newest release archlint"
                                                     " knows; set kubernetes-version)."])):
        more = dict(files, **{"cluster/system-upgrade/server-plan.yaml": plan.replace("CHANNEL", channel)})
        got = [f["message"] for f in run(tree(tmp_path / name, more), capsys)["findings"] if f["rule"].startswith("K8S00")]
        assert sorted(got) == sorted(expected), name
    # dfroberg/cluster: the Plans sit below a Kustomization that lists nothing (`resources: []`), which a Flux
    # Kustomization applies: not deployed, so they say nothing of the cluster
    ks = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: NAME\nspec:\n  path: ./NAME\n"
    parked = {"cluster/kustomization.yaml": "resources: []\n", "flux/cluster.yaml": ks.replace("NAME", "cluster"),
              "flux/apps.yaml": ks.replace("NAME", "apps"), "apps/job.yaml": cron,
              "cluster/system-upgrade/server-plan.yaml": files["cluster/system-upgrade/server-plan.yaml"]}
    assert [f["message"] for f in run(tree(tmp_path / "f", parked), capsys)["findings"] if f["rule"] == "K8S004"] == [
        "CronJob batch/v1beta1 was removed in Kubernetes 1.25, so applying it fails (Kubernetes 1.37, the newest release"
        " archlint knows; set kubernetes-version)."]
    parked["cluster/kustomization.yaml"] = "resources:\n- system-upgrade/server-plan.yaml\n"
    assert [f["severity"] for f in run(tree(tmp_path / "g", parked), capsys)["findings"] if f["rule"] == "K8S004"] == [
        "warning"]
    talos = dict(files, **{"cluster/system-upgrade/server-plan.yaml": plan.replace(
        "CHANNEL", "version: v1.21.2+k3s1").replace("rancher/k3s-upgrade", "ghcr.io/siderolabs/installer")})
    assert len([f for f in run(tree(tmp_path / "d", talos), capsys)["findings"] if f["rule"].startswith("K8S00")]) == 2


def test_flux_apis_the_vendored_flux_crds_serve_without_their_replacement_are_current(tmp_path, capsys, monkeypatch):
    # toboshii/k8s-gitops: gotk-components.yaml of Flux 0.2 (no version header), whose CRDs serve
    # helm.toolkit.fluxcd.io/v2beta1 alone: "use v2" would not apply there (16 K8S003 judged wrong)
    def crd(versions):
        out = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
               "  name: helmreleases.helm.toolkit.fluxcd.io\nspec:\n  group: helm.toolkit.fluxcd.io\n"
               "  names:\n    kind: HelmRelease\n  versions:\n")
        return out + "".join(f"  - name: {v}\n    served: true\n    storage: false\n" for v in versions)
    release = "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: app\n"
    from archlint.run import cache as C
    monkeypatch.setattr(C, "RACY_NS", 0)
    # (0dragosh's Flux 0.31 serves source v1beta1 and v1beta2: a later version served, so the deprecation is its)
    for name, versions, expected in (("old", ["v2beta1"], 0), ("new", ["v2beta1", "v2beta2", "v2"], 1),
                                     ("mid", ["v2beta1", "v2beta2"], 1)):
        root = tree(tmp_path / name, {"cluster/flux-system/gotk-components.yaml": "---\n" + crd(versions),
                                      "cluster/apps/app/helmrelease.yaml": release})
        age_tree(root)
        got = [f for f in run(root, capsys)["findings"] if f["rule"] == "K8S003"]
        assert len(got) == expected, name
        # a run naming the release reads the CRDs too
        named = run(root, capsys, "cluster/apps/app/helmrelease.yaml")["findings"]
        assert [f["message"] for f in named if f["rule"] == "K8S003"] == [f["message"] for f in got], name


def test_a_kustomization_that_lists_nothing_applies_nothing_below_it(tmp_path, capsys):
    # samip5/k8s-cluster: apps/kustomization.yaml (applied by Flux) with `# - monitoring`, and
    # monitoring/kustomization.yaml with `resources: []`, its ks.yaml entries commented out: the Flux
    # Kustomization in monitoring/scrutiny/ks.yaml is never applied, nor what it applies
    ks = ("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: NAME\nspec:\n"
          "  path: ./PATH\n")
    release = ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: s\nspec:\n  values:\n"
               "    image:\n      repository: ghcr.io/acme/scrutiny\n      tag: latest\n")
    files = {"flux/apps.yaml": ks.replace("NAME", "apps").replace("PATH", "apps"),
             "apps/kustomization.yaml": "resources:\n  - comms\n#  - monitoring\n",
             "apps/comms/kustomization.yaml": "resources: []\n",
             "apps/monitoring/kustomization.yaml": "resources: []\n#  - ./scrutiny/ks.yaml\n",
             "apps/monitoring/scrutiny/ks.yaml": ks.replace("NAME", "scrutiny").replace("PATH", "apps/monitoring/scrutiny/app"),
             "apps/monitoring/scrutiny/app/kustomization.yaml": "resources:\n  - hr.yaml\n",
             "apps/monitoring/scrutiny/app/hr.yaml": release}
    assert codes(run(tree(tmp_path / "a", files), capsys), "K8S") == []
    # listed all the way down: deployed
    on = dict(files, **{"apps/kustomization.yaml": "resources:\n  - comms\n  - monitoring\n",
                        "apps/monitoring/kustomization.yaml": "resources:\n  - ./scrutiny/ks.yaml\n"})
    assert codes(run(tree(tmp_path / "b", on), capsys), "K8S") == [("apps/monitoring/scrutiny/app/hr.yaml", 9, "K8S001")]
    # dfroberg/cluster: Flux applies ./custom, whose Kustomization lists nothing; custom/stack's is never built
    custom = {"flux/custom.yaml": ks.replace("NAME", "custom").replace("PATH", "custom"),
              "custom/kustomization.yaml": "resources: []\n",
              "custom/stack/kustomization.yaml": "resources:\n  - hr.yaml\n", "custom/stack/hr.yaml": release}
    assert codes(run(tree(tmp_path / "c", custom), capsys), "K8S") == []


def test_kustomizations_including_one_another_are_judged_once(tmp_path, capsys):
    # a review's tree: A/x and A/y include ../../B, B/x and B/y include ../../A; a Flux Kustomization
    # applies C: "passed over" recursed through them without end (2^32 calls), now each top once
    psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\nspec: {}\n"
    ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n"
    files = {"A/kustomization.yaml": "resources:\n  - ns.yaml\n", "A/ns.yaml": ns,
             "B/kustomization.yaml": "resources:\n  - ns.yaml\n", "B/ns.yaml": ns,
             "C/kustomization.yaml": "resources:\n  - flux.yaml\n",
             "C/flux.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: c}\n"
                            "spec:\n  path: ./C\n"}
    for x in ("x", "y"):
        files[f"A/{x}/kustomization.yaml"] = "resources:\n  - ../../B\n  - deploy.yaml\n"
        files[f"A/{x}/deploy.yaml"] = psp
        files[f"B/{x}/kustomization.yaml"] = "resources:\n  - ../../A\n"
    assert codes(run(tree(tmp_path, files), capsys), "K8S") == [("A/x/deploy.yaml", 1, "K8S004"), ("A/y/deploy.yaml", 1, "K8S004")]


def test_a_k3s_release_that_does_not_serve_the_replacement_yet_asks_nothing(tmp_path, capsys):
    # a review's case: autoscaling/v2beta2 (removed in 1.26; v2 from 1.23) on a k3s 1.21 cluster: nothing to
    # do there yet; a configured severity is kept where the cluster's release makes a removal a warning
    plan = ("apiVersion: upgrade.cattle.io/v1\nkind: Plan\nmetadata:\n  name: server\nspec:\n"
            "  upgrade:\n    image: rancher/k3s-upgrade\n  version: v1.21.2+k3s1\n")
    hpa = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n"
    cron = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: job\n"
    root = tree(tmp_path, {"plan.yaml": plan, "hpa.yaml": hpa, "job.yaml": cron})
    assert [(f["path"], f["severity"]) for f in run(root, capsys)["findings"] if f["rule"].startswith("K8S00")] == [
        ("job.yaml", "warning")]
    assert [(f["path"], f["severity"]) for f in run(root, capsys, "--severity", "K8S004=info")["findings"]
            if f["rule"].startswith("K8S00")] == [("job.yaml", "info")]


def test_xf008_a_go_cross_compile_without_goarm_for_an_armv6_image(tmp_path, capsys):
    # amir20/dozzle: GOARCH=$TARGETARCH on $BUILDPLATFORM, published for linux/arm/v6: Go's
    # cross-compiler defaults to GOARM=7, and the Pi Zero gets SIGILL (dozzle#2399)
    dockerfile = ("FROM --platform=$BUILDPLATFORM golang:1.23-alpine AS builder\nARG TARGETOS TARGETARCH\n"
                  "RUN go install tool@v1\n"
                  "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH CGO_ENABLED=0 go build -o /dozzle .\n"
                  "FROM scratch\nCOPY --from=builder /dozzle /dozzle\n")
    workflow = ("on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: docker/build-push-action@v6\n        with:\n          push: true\n"
                "          tags: amir20/dozzle:latest\n"
                "          platforms: linux/amd64,linux/arm/v6,linux/arm/v7,linux/arm64/v8\n")
    files = {"Dockerfile": dockerfile, ".github/workflows/deploy.yml": workflow}
    assert found(run(tree(tmp_path / "a", files), capsys), "XF008") == [
        "Dockerfile:4 XF008 Stage builder compiles Go for GOARCH=$TARGETARCH with no GOARM, and this Dockerfile is "
        "built for linux/arm/v6 (.github/workflows/deploy.yml:6): a cross-compiling Go makes ARMv7 code, which dies "
        "with 'illegal instruction' on ARMv6 CPUs."]
    # (an ENV hands GOARCH on: the first compile is told)
    env = dockerfile.replace("ARG TARGETOS TARGETARCH\n", "ARG TARGETOS TARGETARCH\nENV GOARCH=${TARGETARCH}\n").replace(
        "RUN go install tool@v1\n", "").replace("GOARCH=$TARGETARCH CGO", "CGO")
    assert codes(run(tree(tmp_path / "b", dict(files, Dockerfile=env)), capsys), "XF008") == [("Dockerfile", 4, "XF008")]
    exported = dockerfile.replace("GOOS=$TARGETOS GOARCH=$TARGETARCH CGO_ENABLED=0 go", "export GOARCH=$TARGETARCH && go")
    assert codes(run(tree(tmp_path / "c", dict(files, Dockerfile=exported)), capsys), "XF008") == [("Dockerfile", 4, "XF008")]
    # the variant read, GOARM set, xx's wrapper: the right ARM version; no ARMv6 build; a stage
    # on the target platform (an ARMv6 Go in it): nothing to say
    for name, text, wf in (
            ("variant", dockerfile.replace("CGO_ENABLED", "GOARM=${TARGETVARIANT#v} CGO_ENABLED"), workflow),
            ("goarm", dockerfile.replace("CGO_ENABLED=0", "GOARM=6 CGO_ENABLED=0"), workflow),
            ("xx", dockerfile.replace("RUN go install", "COPY --from=tonistiigi/xx:golang / /\nRUN go install"), workflow),
            ("v7", dockerfile, workflow.replace("linux/arm/v6,", "")),
            # (ynabber's `GOOS=$TARGETOS GOARCH=$TARGETARCH && go build`: shell variables go never
            # sees, a build for the build machine, not an ARMv7 one)
            ("unexported", dockerfile.replace("GOARCH=$TARGETARCH CGO_ENABLED=0 go", "GOARCH=$TARGETARCH && go"), workflow),
            ("target", dockerfile.replace("--platform=$BUILDPLATFORM ", ""), workflow)):
        assert codes(run(tree(tmp_path / name, {"Dockerfile": text, ".github/workflows/deploy.yml": wf}), capsys),
                     "XF008") == [], name


def test_a_bake_target_only_others_inherit_is_no_build_of_its_own(tmp_path, capsys):
    # home-operations/containers' kata-guest-kernel (docker/metadata-action's convention): the
    # docker-metadata-action placeholder and "image" are inherited by image-local (a local docker
    # output) and image-all, built for linux/amd64 only: the amd64 download is the build's
    bake = ('target "docker-metadata-action" {}\n'
            'group "default" {\n  targets = ["image-local"]\n}\n'
            'target "image" {\n  inherits = ["docker-metadata-action"]\n}\n'
            'target "image-local" {\n  inherits = ["image"]\n  output = ["type=docker"]\n}\n'
            'target "image-all" {\n  inherits = ["image"]\n  platforms = ["linux/amd64"]\n}\n')
    dockerfile = ("FROM alpine:3.20\nARG VERSION\n"
                  "RUN wget https://github.com/k/k/releases/download/${VERSION}/kata-static-${VERSION}-amd64.tar.zst\n")
    files = {"apps/k/docker-bake.hcl": bake, "apps/k/Dockerfile": dockerfile}
    assert codes(run(tree(tmp_path / "a", files), capsys), "DF006") == []
    # built for arm64 too: the download is wrong for it; a parent a group lists is built itself
    both = bake.replace('["linux/amd64"]', '["linux/amd64", "linux/arm64"]')
    assert codes(run(tree(tmp_path / "b", dict(files, **{"apps/k/docker-bake.hcl": both})), capsys), "DF006") == [
        ("apps/k/Dockerfile", 3, "DF006")]
    grouped = bake.replace('targets = ["image-local"]', 'targets = ["image-local", "image"]')
    assert codes(run(tree(tmp_path / "c", dict(files, **{"apps/k/docker-bake.hcl": grouped})), capsys), "DF006") == [
        ("apps/k/Dockerfile", 3, "DF006")]
