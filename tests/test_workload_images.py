"""Images outside pod templates (the ``workload-images`` pack: Tekton, Argo Workflows, OLM, and
pod templates of Argo Rollouts, Knative and every batch version), placeholders that are not
images, and user packs that add a custom resource."""
from __future__ import annotations

import pytest

from archlint import packs
from archlint.checks.kubernetes.workloads import is_placeholder

from helpers import TWO, check, findings, lint_inline, show


TEKTON_TASK = """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: build
    spec:
      stepTemplate:
        image: registry.example.com/base
      steps:
        - name: compile
          image: golang:latest
          imagePullPolicy: IfNotPresent
        - name: push
          image: $(params.builderImage)
        - name: pinned
          image: gcr.io/kaniko-project/executor:v1.23.2
      sidecars:
        - name: docker
          image: docker:dind
"""


def test_tekton_task_steps_sidecars_and_step_template():
    assert check(TEKTON_TASK, "K8S", kind="kubernetes") == [
        "7:12 K8S002 Image registry.example.com/base has no tag, so the node pulls registry.example.com/base:latest.",
        "10:14 K8S001 Image golang:latest uses the mutable tag latest.",
    ]
    # K8S007 on line 11 is K8S001's twin: it speaks only where K8S001 is off
    assert check(TEKTON_TASK, "K8S007", kind="kubernetes", ignore=["K8S001"]) == [
        "11:24 K8S007 imagePullPolicy IfNotPresent with the mutable image golang:latest: nodes that already have it"
        " keep running their old copy.",
    ]


def test_tekton_embedded_task_specs_in_pipeline_pipelinerun_and_taskrun():
    text = """
        apiVersion: tekton.dev/v1beta1
        kind: Pipeline
        metadata:
          name: ci
        spec:
          tasks:
            - name: test
              taskSpec:
                steps:
                  - image: ubuntu
          finally:
            - name: notify
              taskSpec:
                sidecars:
                  - image: curlimages/curl:latest
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: ci-run
        spec:
          pipelineSpec:
            tasks:
              - name: lint
                taskSpec:
                  stepTemplate:
                    image: alpine
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: once
        spec:
          taskSpec:
            steps:
              - image: busybox:latest
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "10:20 K8S002 Image ubuntu has no tag, so the node pulls ubuntu:latest.",
        "15:20 K8S001 Image curlimages/curl:latest uses the mutable tag latest.",
        "27:20 K8S002 Image alpine has no tag, so the node pulls alpine:latest.",
        "36:16 K8S001 Image busybox:latest uses the mutable tag latest.",
    ]


ARGO_WORKFLOW = """
    apiVersion: argoproj.io/v1alpha1
    kind: Workflow
    metadata:
      generateName: etl-
    spec:
      entrypoint: main
      nodeSelector:
        kubernetes.io/arch: s390x
      templates:
        - name: extract
          container:
            image: python:latest
          initContainers:
            - name: fetch
              image: alpine
          sidecars:
            - name: db
              image: postgres:16
        - name: transform
          nodeSelector:
            beta.kubernetes.io/arch: arm64
          script:
            image: "{{inputs.parameters.image}}"
            source: print(1)
        - name: load
          containerSet:
            containers:
              - name: a
                image: debian
"""


def test_argo_workflow_templates_and_node_selection():
    assert check(ARGO_WORKFLOW, "K8S", kind="kubernetes", platforms=TWO) == [
        "8:25 K8S006 nodeSelector schedules the pod on s390x nodes, but the configured platforms are linux/amd64,"
        " linux/arm64.",
        "12:16 K8S001 Image python:latest uses the mutable tag latest.",
        "15:18 K8S002 Image alpine has no tag, so the node pulls alpine:latest.",
        "21:9 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
        "29:20 K8S002 Image debian has no tag, so the node pulls debian:latest.",
    ]


def test_argo_cron_workflow_and_cluster_workflow_template():
    text = """
        apiVersion: argoproj.io/v1alpha1
        kind: CronWorkflow
        metadata:
          name: nightly
        spec:
          schedule: "0 2 * * *"
          workflowSpec:
            templates:
              - name: main
                container:
                  image: ghcr.io/acme/report:latest
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: ClusterWorkflowTemplate
        metadata:
          name: shared
        spec:
          templates:
            - name: main
              script:
                image: node
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "11:18 K8S001 Image ghcr.io/acme/report:latest uses the mutable tag latest.",
        "21:16 K8S002 Image node has no tag, so the node pulls node:latest.",
    ]


def test_olm_cluster_service_version_related_images_and_deployments():
    text = """
        apiVersion: operators.coreos.com/v1alpha1
        kind: ClusterServiceVersion
        metadata:
          name: op.v1.0.0
        spec:
          install:
            strategy: deployment
            spec:
              deployments:
                - name: op-controller
                  spec:
                    template:
                      spec:
                        containers:
                          - name: manager
                            image: quay.io/acme/op:latest
          relatedImages:
            - name: gateway
              image: quay.io/observatorium/api:latest
            - name: loki
              image: docker.io/grafana/loki:3.7.3
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "16:28 K8S001 Image quay.io/acme/op:latest uses the mutable tag latest.",
        "19:14 K8S001 Image quay.io/observatorium/api:latest uses the mutable tag latest.",
    ]
    # K8S008 (off by default) sees relatedImages too, each image once
    assert len(check(text, "K8S008", kind="kubernetes", extend_select=["K8S008"])) == 3
    # a development bundle (konveyor's spec.version 99.0.0, Kuadrant's 0.0.0): make bundle's output
    # on the default branch, written again by the release with its version and images
    for dev in ("99.0.0", "0.0.0"):
        bundle = text.replace("          relatedImages:", f"          version: {dev}\n          relatedImages:")
        assert check(bundle, "K8S00", kind="kubernetes") == [], dev
    assert len(check(text.replace("          relatedImages:", "          version: 1.0.0\n          relatedImages:"), "K8S00",
                     kind="kubernetes")) == 2


@pytest.mark.parametrize("api", ["batch/v1", "batch/v1beta1", "batch/v2alpha1"])
def test_cronjob_of_every_batch_version(api):
    text = f"""
        apiVersion: {api}
        kind: CronJob
        metadata:
          name: c
        spec:
          schedule: "@daily"
          jobTemplate:
            spec:
              template:
                spec:
                  nodeSelector:
                    kubernetes.io/arch: arm
                  containers:
                    - name: c
                      image: busybox
    """
    assert check(text, "K8S00", kind="kubernetes", select=["K8S002", "K8S006"], platforms=TWO) == [
        "12:33 K8S006 nodeSelector schedules the pod on arm nodes, but the configured platforms are linux/amd64,"
        " linux/arm64.",
        "15:22 K8S002 Image busybox has no tag, so the node pulls busybox:latest.",
    ]


def test_rollout_and_knative_service_pod_templates():
    text = """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: r
        spec:
          template:
            spec:
              containers:
                - image: acme/web:latest
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: k
        spec:
          template:
            spec:
              containers:
                - image: gcr.io/acme/fn
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "9:18 K8S001 Image acme/web:latest uses the mutable tag latest.",
        "19:18 K8S002 Image gcr.io/acme/fn has no tag, so the node pulls gcr.io/acme/fn:latest.",
    ]


def test_hcp_terraform_agent_pool_deployment():
    # fzymgc-house/selfhosted-cluster: an AgentPool's agentDeployment.spec is a PodSpec, not a
    # pod template (no `template:` above it): only the pack finds it
    text = """
        apiVersion: app.terraform.io/v1alpha2
        kind: AgentPool
        metadata:
          name: agents
        spec:
          name: k8s
          agentDeployment:
            replicas: 1
            spec:
              nodeSelector:
                kubernetes.io/arch: amd64
              containers:
                - name: tfc-agent
                  image: hashicorp/tfc-agent:latest
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "14:18 K8S001 Image hashicorp/tfc-agent:latest uses the mutable tag latest.",
    ]


def test_toolhive_mcp_server_image():
    # rafaribe/home-ops: a ToolHive MCPServer names its image in spec.image, a string no pod
    # template holds (the operator makes the Deployment); its podTemplateSpec adds no image
    text = """
        apiVersion: toolhive.stacklok.dev/v1beta1
        kind: MCPServer
        metadata:
          name: grafana-mcp
        spec:
          image: mcp/grafana:latest
          transport: stdio
          podTemplateSpec:
            spec:
              containers:
                - name: mcp
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "6:10 K8S001 Image mcp/grafana:latest uses the mutable tag latest.",
    ]
    assert check(text.replace("mcp/grafana:latest", "mcp/grafana"), "K8S00", kind="kubernetes") == [
        "6:10 K8S002 Image mcp/grafana has no tag, so the node pulls mcp/grafana:latest.",
    ]

def test_fission_environment_images():
    # zebernst/homelab: a Fission Environment's runtime and builder images, its own at :latest
    text = """
        apiVersion: fission.io/v1
        kind: Environment
        metadata:
          name: python-fastapi
        spec:
          version: 2
          runtime:
            image: ghcr.io/acme/fission-python-runtime:latest
          builder:
            image: ghcr.io/acme/fission-python-builder
            command: build
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "8:12 K8S001 Image ghcr.io/acme/fission-python-runtime:latest uses the mutable tag latest.",
        "10:12 K8S002 Image ghcr.io/acme/fission-python-builder has no tag, so the node pulls"
        " ghcr.io/acme/fission-python-builder:latest.",
    ]


def test_actions_runner_controller_runner_images():
    # bjw-s' k8s-gitops and toboshii's: the legacy (summerwind) API's RunnerDeployment and Runner
    text = """
        apiVersion: actions.summerwind.dev/v1alpha1
        kind: RunnerDeployment
        metadata: {name: runner}
        spec:
          template:
            spec:
              image: summerwind/actions-runner-dind
              repository: acme/assets
        ---
        apiVersion: actions.summerwind.dev/v1alpha1
        kind: Runner
        metadata: {name: one}
        spec:
          image: ghcr.io/acme/actions-runner:latest
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "7:14 K8S002 Image summerwind/actions-runner-dind has no tag, so the node pulls summerwind/actions-runner-dind:latest.",
        "14:10 K8S001 Image ghcr.io/acme/actions-runner:latest uses the mutable tag latest.",
    ]


def test_argo_cd_application_kustomize_image_overrides():
    # vfarcic/argo-combined-demo: production's Application overrides the app's image with :latest,
    # over the commit tag its pipeline writes; NAME=NEW:TAG names the new one; a new name alone keeps the tag
    text = """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: app}
        spec:
          source:
            path: kustomize/overlays/production
            kustomize:
              images:
              - vfarcic/argo-combined-app:latest
              - old/name=ghcr.io/acme/new:latest
              - other=ghcr.io/acme/renamed
              - ghcr.io/acme/pinned:1.2.3
    """
    assert [line.split(" uses")[0] for line in check(text, "K8S00", kind="kubernetes")] == [
        "9:9 K8S001 Image vfarcic/argo-combined-app:latest", "10:9 K8S001 Image ghcr.io/acme/new:latest"]


def test_annotation_suppresses_inside_a_tekton_task():
    text = TEKTON_TASK.replace("  name: build\n", "  name: build\n      annotations:\n        archlint.io/ignore: K8S001\n")
    assert [s.split(" ", 2)[1] for s in check(text, "K8S", kind="kubernetes")] == ["K8S002", "K8S007"]


def test_unknown_group_or_kind_reads_only_pod_templates():
    # a Task of another group is not Tekton's: its steps are not containers
    text = """
        apiVersion: example.org/v1
        kind: Task
        metadata:
          name: t
        spec:
          steps:
            - image: alpine:latest
    """
    assert check(text, "K8S", kind="kubernetes") == []


# ---- placeholders ---------------------------------------------------------------------------

PLACEHOLDERS = ["<YOUR-CONTAINER>", "<image_url>", "{IMAGE}", "%IMAGE%", "IMAGE_NAME", "REPLACE_ME",
                "YOUR_ORG/app:latest", "example.com/...", "registry//app", "my image", "[registry]/app",
                "-app", "app-",
                # ko import paths (Tekton catalog's cloudevent task): ko builds them, pinned by digest
                "github.com/knative/eventing/cmd/sendevent", "ko://github.com/tektoncd/pipeline/cmd/git-init",
                "knative.dev/serving/cmd/activator",
                # a name that says to fill it in (IBM's charts: `{{ .Values.image.registry }}replace_this`)
                "cp.icr.io/cp/replace_this", "changeme:latest", "acme/replace-me", "nebula-repository:latest"]
IMAGES = ["nginx", "nginx:latest", "registry.example.com/api:latest", "Registry.Example.com:5000/team/app",
          "changeme/app", "acme/replace-this-tool", "quay.io/acme/source-repository",
          "localhost/app", "localhost:5000/app:dev", "app@sha256:0d7c3b", "a.b/c_d/e__f/g-h:1.0_RC",
          "ghcr.io/acme/app:latest", "registry.gitlab.com/acme/app", "registry.k8s.io/pause", "github.com/app"]


@pytest.mark.parametrize("ref", PLACEHOLDERS)
def test_placeholders_are_not_images(ref):
    assert is_placeholder(ref)
    text = f"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
            - name: c
              image: "{ref}"
              imagePullPolicy: IfNotPresent
    """
    assert check(text, "K8S", kind="kubernetes") == []


@pytest.mark.parametrize("ref", IMAGES)
def test_real_references_are_not_placeholders(ref):
    assert not is_placeholder(ref)


def test_placeholder_in_helm_values_is_not_reported():
    text = """
        job:
          image: "<REGISTRY>/tools:latest"
        other:
          image: acme/tools:latest
    """
    assert check(text, "K8S001", kind="helm-values") == [
        "4:10 K8S001 Image acme/tools:latest uses the mutable tag latest.",
    ]


# ---- the pack ---------------------------------------------------------------------------------


def test_shipped_pack_loads_and_names_tekton_and_argo():
    entries = packs.load_pack("workload-images")
    keys = {(e["group"], e["kind"]) for e in entries}
    assert {("tekton.dev", "Task"), ("tekton.dev", "Pipeline"), ("argoproj.io", "Workflow"),
            ("argoproj.io", "CronWorkflow"), ("operators.coreos.com", "ClusterServiceVersion"),
            ("batch", "CronJob")} <= keys
    packs.validate_pack(packs.read_pack_file(packs.shipped_pack_path("workload-images")), "workload-images.yaml")


def test_user_pack_adds_a_custom_resource(tmp_path):
    pack = tmp_path / "crds.yaml"
    pack.write_text(
        "pack: workload-images\n"
        "entries:\n"
        "  - group: acme.io\n"
        "    kind: Job\n"
        "    containers:\n"
        "      - spec.runner\n"
        "    images:\n"
        "      - spec.extraImages[]\n"
        "    source: internal CRD reference, 2026\n",
        encoding="utf-8",
    )
    text = """
        apiVersion: acme.io/v2
        kind: Job
        metadata:
          name: j
        spec:
          runner:
            image: acme/runner:latest
          extraImages:
            - acme/helper
    """
    assert check(text, "K8S00", kind="kubernetes") == []
    assert check(text, "K8S00", kind="kubernetes", rule_packs=[str(pack)]) == [
        "7:12 K8S001 Image acme/runner:latest uses the mutable tag latest.",
        "9:7 K8S002 Image acme/helper has no tag, so the node pulls acme/helper:latest.",
    ]


@pytest.mark.parametrize("entry, problem", [
    ({"group": "tekton.dev", "kind": "Task", "source": "https://tekton.dev/docs"},
     "needs at least one of containers, images, pod-specs"),
    ({"group": "tekton.dev", "kind": "Task", "containers": ["spec.steps[*]"], "source": "https://tekton.dev/docs"},
     "containers.0: 'spec.steps[*]' does not match"),
    ({"group": "Tekton.dev", "kind": "Task", "containers": ["spec.steps[]"], "source": "https://tekton.dev/docs"},
     "group: 'Tekton.dev' does not match"),
    ({"group": "tekton.dev", "kind": "Task", "containers": ["spec"], "steps": ["spec.steps[]"], "source": "https://tekton.dev/docs"},
     "unknown key 'steps'"),
])
def test_bad_user_pack_entries(tmp_path, entry, problem):
    import json

    pack = tmp_path / "bad.yaml"
    pack.write_text("pack: workload-images\nentries:\n  - " + json.dumps(entry) + "\n", encoding="utf-8")
    with pytest.raises(packs.PackError) as e:
        packs.validate_pack(packs.read_pack_file(pack), pack)
    assert problem in str(e.value)
    assert "entries[0] (tekton.dev Task)" in str(e.value) or "Tekton.dev" in str(e.value)


def test_the_pack_finds_each_container_once():
    # a Tekton Task step is found once although K8S001 and K8S008 both read it
    r = lint_inline(TEKTON_TASK, kind="kubernetes", extend_select=["K8S008"])
    k8s008 = show(findings(r, "K8S008"))
    assert len(k8s008) == len(set(k8s008)) == 4
