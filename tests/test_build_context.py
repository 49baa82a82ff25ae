"""Where a build runs and what its commands are, read as their authors meant them: a runbook's
``<placeholder>``, a workflow step's ``working-directory``, a ``retry N`` wrapper from a sourced
helper, a check build kept in the cache; and what a release or a dev loop does to a manifest's
``latest`` (a sed of a YAML anchor, a ``kind load`` of the very image)."""
from __future__ import annotations

import pytest

from archlint.parsers.shell import ShellSnippet, simple_commands
from archlint.model import Span
from test_build_sites import messages
from test_project import codes, run, tree


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")


# kubeflow/pipelines' proxy image: an amd64 kubectl in an image built for linux/amd64 alone
PROXY = {
    "proxy/Dockerfile": """
        FROM debian:12
        RUN curl -fsSL -o /kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl
    """,
    "Makefile": """
        proxy:
        \tdocker buildx build --platform linux/amd64 -t ghcr.io/kubeflow/proxy:1 -f proxy/Dockerfile --push proxy
    """,
    "backend/Dockerfile": "FROM debian:12\n",
}


def test_df006_a_literal_the_only_build_targets_is_dropped(tmp_path, capsys):
    doc = run(tree(tmp_path / "base", PROXY), capsys)
    assert messages(doc, "DF006") == []


def test_a_runbook_placeholder_is_a_word_not_a_redirection(tmp_path, capsys):
    # developer_guide.md: gcr.io/<your-gcp-project>/api-server read as two redirections lost
    # `-f backend/Dockerfile .`, and a build of no known Dockerfile "may build" proxy/Dockerfile
    guide = {"developer_guide.md": """
        ```bash
        $ docker build -t gcr.io/<your-gcp-project>/api-server:latest -f backend/Dockerfile .
        $ docker push gcr.io/<your-gcp-project>/api-server:latest
        ```
    """}
    doc = run(tree(tmp_path / "guide", dict(PROXY, **guide)), capsys)
    assert messages(doc, "DF006") == []
    snip = ShellSnippet("docker build -t gcr.io/<your-gcp-project>/api:1 -f backend/Dockerfile .\n",
                        [Span(1, 1, 1, 1)], group=("document", "README.md"))
    words = [w.value for w in simple_commands(snip, ("docker",))[0].words]
    assert words == ["docker", "build", "-t", "gcr.io/<your-gcp-project>/api:1", "-f", "backend/Dockerfile", "."]
    # a short one too: its word keeps the text as written
    short = ShellSnippet("docker build -t <img> -f backend/Dockerfile .\n", [Span(1, 1, 1, 1)],
                         group=("document", "README.md"))
    words = simple_commands(short, ("docker",))[0].words
    assert [w.raw for w in words] == ["docker", "build", "-t", "<img>", "-f", "backend/Dockerfile", "."]
    assert words[3].dynamic
    # in a script it is what the shell does: a redirection
    script = ShellSnippet(snip.text, [Span(1, 1, 1, 1)])
    assert "backend/Dockerfile" not in [w.value for w in simple_commands(script, ("docker",))[0].words]


def test_a_workflow_steps_working_directory_places_its_build(tmp_path, capsys):
    # pipelines' e2e-test-frontend.yml: `docker build ... .` in test/frontend-integration-test
    wf = {".github/workflows/e2e.yml": """
        on: push
        jobs:
          e2e:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Build the tests' image
                working-directory: ./test/frontend
                run: docker build -t kfp-frontend-test:local .
    """, "test/frontend/Dockerfile": "FROM node:20\n"}
    doc = run(tree(tmp_path / "wd", dict(PROXY, **wf)), capsys)
    assert messages(doc, "DF006") == []
    # a cd in such a step moves below its folder
    moved = dict(wf, **{".github/workflows/e2e.yml": wf[".github/workflows/e2e.yml"].replace(
        "./test/frontend", "./test").replace("run: docker build", "run: cd frontend && docker build")})
    assert messages(run(tree(tmp_path / "cd", dict(PROXY, **moved)), capsys), "DF006") == []
    # a working-directory from an expression is not known: that build may be proxy/Dockerfile, on
    # the runner's amd64 (its amd64 download is right there too), or for arm64
    wf[".github/workflows/e2e.yml"] = wf[".github/workflows/e2e.yml"].replace(
        "./test/frontend", "${{ matrix.dir }}")
    doc = run(tree(tmp_path / "expr", dict(PROXY, **wf)), capsys)
    assert messages(doc, "DF006") == []
    wf[".github/workflows/e2e.yml"] = wf[".github/workflows/e2e.yml"].replace(
        "docker build -t", "docker build --platform linux/arm64 -t")
    doc = run(tree(tmp_path / "arm", dict(PROXY, **wf)), capsys)
    assert len(messages(doc, "DF006")) == 1


def test_a_numbered_retry_wrapper_runs_the_command_after_it(tmp_path, capsys):
    # pipelines' build-tools-images.yml: `retry` comes from a sourced helper
    def programs(text):
        return [(c.words[0].value, c.words[1].value, [p.value for p in c.prefixes])
                for c in simple_commands(ShellSnippet(text, [Span(1, 1, 1, 1)]), ("docker",))]

    assert programs("source ./helpers.sh\nretry 3 20 env DOCKER_BUILDKIT=1 docker build -f x .\n") == [
        ("docker", "build", ["retry", "3", "20", "env", "DOCKER_BUILDKIT=1"])]
    # printing or waiting is not running it, and a wrapper needs its number
    assert programs("echo 3 docker build .\nsleep 5 docker build .\nretry docker build .\n") == []
    # defined in the script itself (a function that runs its arguments), or called by path
    assert [p[:2] for p in programs('retry() { local n=$1; shift; for i in 1 2; do "$@" && return 0; done; }\n'
                                    "retry 3 docker push ghcr.io/acme/app:1\n./hack/retry 3 docker build .\n")] == [
        ("docker", "push"), ("docker", "build")]
    files = dict(PROXY, **{"release/Dockerfile": PROXY["proxy/Dockerfile"], ".github/workflows/tools.yml": """
        on: push
        jobs:
          tools:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  source ./.github/helper-functions.sh
                  retry 3 20 env DOCKER_BUILDKIT=1 docker build --file release/Dockerfile --tag ghcr.io/kubeflow/release:1 .
                  retry 3 20 docker push ghcr.io/kubeflow/release:1
    """})
    doc = run(tree(tmp_path / "retry", files), capsys)
    # built on an amd64 runner: the amd64 kubectl is that image's
    assert messages(doc, "DF006") == []
    # a wrapper script's build of whatever its caller passes names no Dockerfile of its own
    files["scripts/docker-buildx-build-with-retry.sh"] = '#!/bin/bash\nretry 3 20 docker buildx build "$@"\n'
    assert messages(run(tree(tmp_path / "passed", files), capsys), "DF006") == []
    # but a folder a variable names is some folder's Dockerfile: proxy/ and release/ may be, for arm64
    files["hack/build-arm.sh"] = ('#!/bin/bash\nfor d in "$@"; do\n  docker buildx build --platform linux/arm64 '
                                  '-t "ghcr.io/acme/${d}:arm" --push "$d"\ndone\n')
    assert [m.split(":")[0] for m in messages(run(tree(tmp_path / "folder", files), capsys), "DF006")] == [
        "proxy/Dockerfile", "release/Dockerfile"]


def test_a_multi_platform_check_build_that_pushes_nothing_races_no_push(tmp_path, capsys):
    # litmus-go: build.yml builds go-runner:ci for two platforms with push: false; the Makefile's
    # build-amd64 and push-amd64 push the tag; push.yml pushes it for both platforms
    check = """
        on: pull_request
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: docker/setup-buildx-action@v3
              - uses: docker/build-push-action@v6
                with:
                  push: false
                  file: build/Dockerfile
                  platforms: linux/amd64,linux/arm64
                  tags: litmuschaos/go-runner:ci
    """
    files = {
        "build/Dockerfile": "FROM alpine:3.20\n",
        "Makefile": """
            build-amd64:
            \tdocker build --file build/Dockerfile --tag docker.io/litmuschaos/go-runner:ci .
            push-amd64:
            \tdocker push docker.io/litmuschaos/go-runner:ci
        """,
        ".github/workflows/build.yml": check,
    }
    assert codes(run(tree(tmp_path / "check", files), capsys), "XF004") == []
    # without a builder of its own, Docker's image store may keep what it built: a push may send it
    alone = dict(files, **{".github/workflows/build.yml": check.replace(
        "              - uses: docker/setup-buildx-action@v3\n", "")})
    assert len(codes(run(tree(tmp_path / "alone", alone), capsys), "XF004")) == 1
    files[".github/workflows/push.yml"] = check.replace("push: false", "push: true")
    assert [m.split(" for ")[1].split(", but ")[1] for m in messages(run(tree(tmp_path / "push", files), capsys), "XF004")] \
        == [".github/workflows/push.yml:8 builds the same tag"]


KARMADA_VALUES = """
    ## "latest" is a default value for local installation.
    karmadaImageVersion: &karmadaImageVersion latest
    scheduler:
      image:
        registry: docker.io
        repository: karmada/karmada-scheduler
        tag: *karmadaImageVersion
    certs:
      image:
        registry: docker.io
        repository: cfssl/cfssl
        tag: latest
"""


def test_a_release_sed_of_a_yaml_anchor_rewrites_its_value_alone(tmp_path, capsys):
    # karmada's hack/package-helm-chart.sh before helm package
    files = {
        "charts/karmada/Chart.yaml": "apiVersion: v2\nname: karmada\nversion: 1.0.0\n",
        "charts/karmada/templates/.keep": "",
        "charts/karmada/values.yaml": KARMADA_VALUES,
        "hack/package-helm-chart.sh": """
            #!/usr/bin/env bash
            version=${1}
            for chart in ${KARMADA_CHARTS[@]}; do
                sed -i'' -e "s/\\(\\&karmadaImageVersion \\)[^[:space:]]\\+/\\1${version}/g" ./charts/"${chart}"/values.yaml
            done
        """,
    }
    doc = run(tree(tmp_path / "anchor", files), capsys)
    # the third party's latest the sed does not touch stays
    assert messages(doc, "K8S001") == [
        "charts/karmada/values.yaml:12 Helm values set image docker.io/cfssl/cfssl to the mutable tag latest."]
    files["hack/package-helm-chart.sh"] = files["hack/package-helm-chart.sh"].replace("&karmadaImageVersion", "&other")
    doc = run(tree(tmp_path / "other", files), capsys)
    assert [m.split(":")[1].split(" ")[0] for m in messages(doc, "K8S001")] == ["12", "2"]


def test_a_release_sed_of_the_values_a_marker_comment_ends_rewrites_them_alone(tmp_path, capsys):
    # flyte's scripts/tag-helm.sh, run by its chart release: the tags marked # FLYTE_TAG become the
    # release's version; the console's # FLYTECONSOLE_TAG, which no sed names, stays
    files = {
        "charts/flyte-binary/Chart.yaml": "apiVersion: v2\nname: flyte-binary\nversion: 0.1.0\n",
        "charts/flyte-binary/templates/.keep": "",
        "charts/flyte-binary/values.yaml": """
            configuration:
              image:
                repository: cr.flyte.org/flyteorg/flyte-binary
                tag: latest # FLYTE_TAG
            console:
              image:
                repository: ghcr.io/unionai-oss/flyteconsole-v2
                tag: latest # FLYTECONSOLE_TAG
        """,
        "scripts/tag-helm.sh": """
            #!/usr/bin/env bash
            sed -i "s,tag:[^P]*# FLYTE_TAG,tag: ${VERSION} # FLYTE_TAG," ./charts/flyte-binary/values.yaml
        """,
    }
    doc = run(tree(tmp_path / "marked", files), capsys)
    assert messages(doc, "K8S001") == ["charts/flyte-binary/values.yaml:8 Helm values set image"
                                       " ghcr.io/unionai-oss/flyteconsole-v2 to the mutable tag latest."]
    files["scripts/tag-helm.sh"] = files["scripts/tag-helm.sh"].replace("FLYTE_TAG", "OTHER_TAG")
    doc = run(tree(tmp_path / "other", files), capsys)
    assert [m.split(":")[1].split(" ")[0] for m in messages(doc, "K8S001")] == ["4", "8"]


KARMADA_DEPLOY = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: karmada-scheduler
    spec:
      selector:
        matchLabels: {app: karmada-scheduler}
      template:
        metadata:
          labels: {app: karmada-scheduler}
        spec:
          containers:
            - name: karmada-scheduler
              image: docker.io/karmada/karmada-scheduler:latest
              imagePullPolicy: IfNotPresent
"""


@pytest.mark.parametrize("name, change, reported", [
    ("loaded", {}, False),
    # a node without it pulls latest from the registry
    ("always", {"artifacts/deploy/karmada-scheduler.yaml": KARMADA_DEPLOY.replace("IfNotPresent", "Always")}, True),
    ("default", {"artifacts/deploy/karmada-scheduler.yaml": KARMADA_DEPLOY.replace(
        "              imagePullPolicy: IfNotPresent\n", "")}, True),
    # another tag or another image loaded
    ("tag", {"hack/setup-dev-base.sh": "#!/bin/bash\nkind load docker-image docker.io/karmada/karmada-scheduler:v1\n"},
     True),
    ("unknown", {"hack/setup-dev-base.sh": "#!/bin/bash\nkind load docker-image \"${IMG}\"\n"}, True),
    # a policy a script fills in (karmada's artifacts/agent: {{image_pull_policy}}; an envsubst
    # variable): another script of the repository may fill in Always
    ("filled", {"artifacts/deploy/karmada-scheduler.yaml": KARMADA_DEPLOY.replace(
        "IfNotPresent", "{{image_pull_policy}}")}, True),
    ("envsubst", {"artifacts/deploy/karmada-scheduler.yaml": KARMADA_DEPLOY.replace(
        "IfNotPresent", "${PULL_POLICY}")}, True),
])
def test_a_manifest_running_the_image_a_script_loads_into_kind_is_the_dev_loops(tmp_path, capsys, name, change,
                                                                               reported):
    # karmada's artifacts/deploy, applied by hack/deploy-karmada.sh after setup-dev-base.sh
    # builds the images with VERSION=latest and loads them into its kind clusters
    files = {
        "artifacts/deploy/karmada-scheduler.yaml": KARMADA_DEPLOY,
        "hack/setup-dev-base.sh": """
            #!/usr/bin/env bash
            export VERSION="latest"
            export REGISTRY="docker.io/karmada"
            make images GOOS="linux" --directory="${REPO_ROOT}"
            kind load docker-image "${REGISTRY}/karmada-scheduler:${VERSION}" --name="${HOST_CLUSTER_NAME}"
        """,
    }
    doc = run(tree(tmp_path / name, dict(files, **change)), capsys)
    assert codes(doc, "K8S001") == ([("artifacts/deploy/karmada-scheduler.yaml", 14, "K8S001")] if reported else [])


def test_a_run_given_the_manifest_alone_still_sees_the_loader_and_the_sed(tmp_path, capsys, monkeypatch):
    # pre-commit and the editor lint the changed file; the warm index brings in what it links to
    import os
    import time

    import archlint.run.cache as cache

    monkeypatch.setattr(cache, "RACY_NS", 0)  # (the edits below are not racy: each run starts after them)
    files = {
        "artifacts/deploy/karmada-scheduler.yaml": KARMADA_DEPLOY,
        "hack/setup-dev-base.sh": "#!/bin/bash\nkind load docker-image docker.io/karmada/karmada-scheduler:latest\n",
        "charts/karmada/Chart.yaml": "apiVersion: v2\nname: karmada\nversion: 1.0.0\n",
        "charts/karmada/templates/.keep": "",
        "charts/karmada/values.yaml": KARMADA_VALUES,
        "hack/package-helm-chart.sh": '#!/bin/bash\nsed -i "s/\\(\\&karmadaImageVersion \\).*/\\1$1/" charts/karmada/values.yaml\n',
    }
    root = tree(tmp_path / "partial", files)
    old = time.time() - 3600
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (old, old))
    whole = codes(run(root, capsys), "K8S")
    assert whole == [("charts/karmada/values.yaml", 12, "K8S001")]
    for rel in ("artifacts/deploy/karmada-scheduler.yaml", "charts/karmada/values.yaml"):
        for i in range(2):
            with open(root / rel, "a") as f:
                f.write(f"# edit {i}\n")
            os.utime(root / rel, (old + 10 + i, old + 10 + i))
            assert codes(run(root, capsys, rel), "K8S") == [w for w in whole if w[0] == rel], (rel, i)


def test_hostile_facts_from_the_cache_never_crash_the_model():
    from archlint.project.fact_check import check
    from archlint.project.patches import Patches

    p = Patches()
    for facts in ({"present": ["\u00b2", "7"]}, {"anchors": ["\u00b3:x", "2:v"]}, {"loaded": ["", "a/b:1"]}):
        p.add("values.yaml", check(facts))
    assert p.present == {("values.yaml", 7)} and p.anchors == {("values.yaml", 2): "v"}
    with pytest.raises(ValueError):
        check({"present": [7]})


def test_a_documents_deployment_of_a_third_partys_image_is_its_tutorials_demo(tmp_path, capsys):
    # envoy-gateway's task pages run a third party's image; loki's canary guide runs its own
    files = {
        "site/content/en/latest/tasks/bandwidth-limit.md": """
            ```shell
            kubectl create deployment httpbin --image hashicorp/http-echo
            kubectl run loki-canary --image=grafana/loki-canary:latest
            ```
        """,
        # (and a build whose name is not known here: the known ones say whose images are whose)
        "Makefile": "canary:\n\tdocker buildx build --platform linux/amd64 -t us-docker.pkg.dev/mirror/loki-canary:$(TAG) "
                    "--push -f cmd/loki-canary/Dockerfile .\nother:\n\tdocker buildx build --platform linux/amd64 "
                    "-t $(IMG) --push -f cmd/loki-canary/Dockerfile .\n",
        "cmd/loki-canary/Dockerfile": "FROM alpine:3.20\n",
    }
    doc = run(tree(tmp_path / "docs", files), capsys)
    assert [m.split(" kubectl ")[1].split(" deploys ")[0] for m in messages(doc, "BC006")] == ["run"]
    # a script's or a workflow's deployment is no tutorial's; an example script's is (pumba's
    # examples/k8s_stress_demo.sh: kubectl run --image alpine)
    files["hack/perf.sh"] = "#!/bin/sh\nkubectl create deployment httpbin --image hashicorp/http-echo\n"
    assert len(messages(run(tree(tmp_path / "script", files), capsys), "BC006")) == 2
    files["examples/stress_demo.sh"] = "#!/bin/sh\nkubectl run stress --image alpine -- sleep 60\n"
    assert len(messages(run(tree(tmp_path / "example", files), capsys), "BC006")) == 2
    # the repository's own, however it names it: a build's wildcard name, a pushed mirror, a
    # build whose name is not known; oc as kubectl
    own = {
        "docs/guide.md": "```sh\nkubectl run web --image=acme/app-server:latest\n"
                         "oc run mirror --image=acme/mirrored:latest\noc run bin --image=hashicorp/http-echo\n```\n",
        "Makefile": "app:\n\tdocker build -t acme/app-$(VARIANT):$(VERSION) .\n\tdocker push acme/app-$(VARIANT):$(VERSION)\n",
        "release.sh": "#!/bin/sh\ndocker tag upstream/mirrored:1.2 acme/mirrored:latest\ndocker push acme/mirrored:latest\n",
        "Dockerfile": "FROM alpine:3.20\n",
    }
    got = [m.split(" deploys ")[1].split(":")[0] for m in messages(run(tree(tmp_path / "own", own), capsys), "BC006")
           if m.startswith("docs/")]
    assert got == ["acme/app-server", "acme/mirrored"]
    unknown = dict(own, Makefile="IMG ?= $(shell cat .image)\napp:\n\tdocker build -t $(IMG) .\n\tdocker push $(IMG)\n")
    assert len([m for m in messages(run(tree(tmp_path / "unknown", unknown), capsys), "BC006")
                if m.startswith("docs/")]) == 3
    # an official image (k0s' docs/nllb.md: kubectl run nginx --image=nginx) is no build's of an
    # unknown name: the tutorial's demo workload
    unknown["docs/guide.md"] += "```console\n$ kubectl -n default run nginx --image=nginx\npod/nginx created\n```\n"
    assert [m.split(" deploys ")[1].split(" ")[0] for m in messages(run(tree(tmp_path / "official", unknown), capsys), "BC006")
            if m.startswith("docs/")] == ["acme/app-server:latest:", "acme/mirrored:latest:", "hashicorp/http-echo"]
