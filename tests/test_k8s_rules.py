"""The K8S rules on inline manifests, Kustomizations and Helm values: each finding's position and
message, no finding on the good variants; Helm templates skipped, the suppression annotation, fixes,
the samples."""
from __future__ import annotations

import pytest

from archlint.config import load_file
from archlint.engine import lint_file
from archlint.fixes import fix_text
from archlint.registry import get_rule

from helpers import ONE, SHARED, TWO, check, dedent, findings, ids, lint_inline, lint_path, settings, show, write_files


K8S001_LATEST = """
    # Several documents: a Deployment, a CronJob, an Argo Rollout and a List.
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          initContainers:
            - name: migrate
              image: registry.example.com/migrate:latest
          containers:
            - name: web
              image: "nginx:latest"
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: report
    spec:
      schedule: "*/5 * * * *"
      jobTemplate:
        spec:
          template:
            spec:
              containers:
                - name: report
                  image: ghcr.io/acme/report:latest
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata:
      name: canary
    spec:
      strategy:
        canary: {}
      template:
        spec:
          containers:
            - {name: app, image: "192.168.1.5:5000/app:latest"}
    ---
    apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Pod
        metadata:
          name: debug
        spec:
          ephemeralContainers:
            - name: shell
              image: busybox:latest
          containers:
            - name: main
              image: busybox:1.36
"""


def test_k8s001_flags_latest_images():
    assert check(K8S001_LATEST, "K8S001", kind="kubernetes") == [
        "11:18 K8S001 Image registry.example.com/migrate:latest uses the mutable tag latest.",
        "14:19 K8S001 Image nginx:latest uses the mutable tag latest.",
        "28:22 K8S001 Image ghcr.io/acme/report:latest uses the mutable tag latest.",
        "40:31 K8S001 Image 192.168.1.5:5000/app:latest uses the mutable tag latest.",
        "52:18 K8S001 Image busybox:latest uses the mutable tag latest.",
    ]


def test_k8s001_k8s002_leave_an_image_a_comment_tells_the_reader_to_replace():
    # cluster-api-provider-aws' config/default/manager_image_patch.yaml (kubebuilder's scaffold):
    # the Makefile's release writes the real image in; a comment that does not hand the value to
    # the reader (loki's "TODO: Replace with Alloy") keeps the finding
    text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: controller-manager}
        spec:
          template:
            spec:
              containers:
              # Change the value of image field below to your controller image URL
              - image: gcr.io/k8s-staging-cluster-api-aws/cluster-api-aws-controller:latest
                name: manager
              - image: ghcr.io/acme/agent:latest  # replace with your own agent image
                name: agent
              # TODO: Replace with Alloy
              - image: grafana/promtail:latest
                name: promtail
              - image: grafana/loki
                name: loki
              - name: manager
                # Replace this with the built image name
                image: apache/rocketmq-operator:latest
    """
    # (rocketmq-operator's deploy/operator.yaml: "Replace this with the built image name")
    assert check(text, "K8S00", kind="kubernetes") == [
        "14:16 K8S001 Image grafana/promtail:latest uses the mutable tag latest.",
        "16:16 K8S002 Image grafana/loki has no tag, so the node pulls grafana/loki:latest.",
    ]


def test_k8s001_leaves_an_image_below_a_commented_out_placeholder_for_the_readers_own():
    # kube-bench's job-eks.yaml: "Push the image to your ECR and then refer to it here", then the
    # commented-out placeholder for it above the default; a commented-out real image is no such hint
    text = """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: kube-bench}
        spec:
          template:
            spec:
              containers:
                - name: kube-bench
                  # Push the image to your ECR and then refer to it here
                  # image: <ID.dkr.ecr.region.amazonaws.com/aquasec/kube-bench:ref>
                  image: docker.io/aquasec/kube-bench:latest
                - name: other
                  # image: docker.io/aquasec/kube-bench:v0.15.6
                  image: docker.io/aquasec/kube-bench:latest
    """
    assert check(text, "K8S001", kind="kubernetes") == [
        "14:18 K8S001 Image docker.io/aquasec/kube-bench:latest uses the mutable tag latest."]


@pytest.mark.parametrize("comment", [
    "# set your imagePullSecrets below if the registry is private",  # (a second review's cases)
    "# Do not change this image: your nodes' CNI depends on this exact build",
    "# Change this only if you use your own registry mirror",
    "# update the image tag in your CI pipeline",
])
def test_k8s001_keeps_an_image_whose_comment_is_about_something_else(comment):
    text = f"""
        apiVersion: v1
        kind: Pod
        metadata: {{name: p}}
        spec:
          containers:
          {comment}
          - image: registry.example.com/team/api:latest
            name: api
          - image: ghcr.io/acme/web:latest  {comment}
            name: web
    """
    assert [f.split(" ")[0] for f in check(text, "K8S001", kind="kubernetes")] == ["7:12", "9:12"]


def test_k8s001_reads_only_the_comment_of_the_image_itself():
    # the previous container's trailing comment, above the next item at another indent; a # in a
    # quoted value of a flow mapping; a values image map whose image: key the comment is above
    assert [f.split(" ")[0] for f in check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
          - name: api
            image: ghcr.io/acme/api:1
            # Uncomment to use your own image pull policy:
            # imagePullPolicy: Always
          - image: ghcr.io/acme/web:latest
            name: web
          - {name: w, image: ghcr.io/acme/w:latest, env: [{name: H, value: "#x"}], args: ["use your own image"]}
    """, "K8S001", kind="kubernetes")] == ["10:12", "12:22"]
    assert check("""
        # Replace with your own image
        image:
          repository: ghcr.io/acme/app
          tag: latest
        other:
          # Replace with your own image
          image: ghcr.io/acme/other:latest
    """, "K8S001", kind="helm-values", name="values.yaml") == []


def test_k8s001_k8s002_leave_a_container_that_only_waits():
    # kubernetes-engine-samples: redis-cli client pods (sleep 3600) to kubectl exec into, a
    # busybox zone-spreading placeholder, Kueue's dummy jobs of the perf-tests sleep image
    assert check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: redis-client}
        spec:
          containers:
            - name: client
              image: redis:latest
              command: ["sleep", "3600"]
            - name: spread
              image: busybox
              command: ["/bin/sh", "-c", "while true; do sleep 3600; done"]
            - name: dummy
              image: gcr.io/k8s-staging-perf-tests/sleep:latest
              args: ["10s"]
            - name: idle
              image: alpine:latest
              args: [tail, -f, /dev/null]
            - name: netperf-client
              image: networkstatic/netserver
              command: ["/bin/sleep", "365d"]
            - name: worker
              image: redis:latest
              command: ["sh", "-c", "sleep 5 && redis-cli -h db ping"]
            - name: server
              image: redis
            # fluent-operator's regex-parser example: a log generator printing one fixed line
            - name: log-generator
              image: busybox
              command: ["/bin/sh"]
              args:
                - -c
                - while true; do echo "192.168.2.20 - - [29/Jul/2015:10:27:10 -0300] \\"GET /cgi-bin/try/ HTTP/1.0\\" 200 3395"; sleep 1;done
            # training-operator's placeholder mpi runtime: prints once, then waits
            - name: launcher
              image: busybox
              command: ["/bin/sh", "-c", "echo 'launcher runs for 10 seconds' && sleep 100"]
            # what it prints runs a program, or goes to one: the image's version matters
            - name: once-probe
              image: busybox
              command: ["/bin/sh", "-c", "echo $(wget -qO- http://api/healthz) && sleep 100"]
            - name: prober
              image: busybox
              command: ["sh", "-c", "while true; do echo $(wget -qO- http://api/healthz); sleep 5; done"]
            - name: piped
              image: alpine
              command: ["sh", "-c", "while true; do echo hello | nc api 80; sleep 5; done"]
            - name: heartbeat
              image: curlimages/curl
              args:
                - |
                  while true; do echo "sending heartbeat"
                    curl -fsS -X POST http://controller:8080/heartbeat; sleep 30; done
    """, "K8S00", kind="kubernetes") == [
        "22:14 K8S001 Image redis:latest uses the mutable tag latest.",
        "25:14 K8S002 Image redis has no tag, so the node pulls redis:latest.",
        "39:14 K8S002 Image busybox has no tag, so the node pulls busybox:latest.",
        "42:14 K8S002 Image busybox has no tag, so the node pulls busybox:latest.",
        "45:14 K8S002 Image alpine has no tag, so the node pulls alpine:latest.",
        "48:14 K8S002 Image curlimages/curl has no tag, so the node pulls curlimages/curl:latest.",
    ]


def test_k8s001_k8s002_leave_images_of_a_registry_on_the_node_itself():
    # kubernaut's deploy/mock-llm: a locally built image, loaded into kind, never pulled
    assert check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: mock-llm}
        spec:
          containers:
            - name: llm
              image: localhost/mock-llm:latest
              imagePullPolicy: Never
            - name: registry
              image: localhost:5000/acme/api
              imagePullPolicy: IfNotPresent
            - name: pulled
              image: acme/api:latest
              imagePullPolicy: IfNotPresent
            - name: crio
              image: localhost/cilium/tetragon:latest
              imagePullPolicy: IfNotPresent
    """, "K8S00", kind="kubernetes") == [
        "11:24 K8S007 imagePullPolicy IfNotPresent with the mutable image localhost:5000/acme/api: nodes that"
        " already have it keep running their old copy.",
        "13:14 K8S001 Image acme/api:latest uses the mutable tag latest.",
    ]  # tetragon's rthooks: localhost/ (no port) is an image in CRI-O's own store, pulled from nowhere


def test_k8s001_k8s002_leave_the_image_streams_an_openshift_release_keeps():
    # redhat-na-ssa's demo catalog: Jobs running the cluster's own oc from its registry's
    # openshift/cli and openshift/tools, which the release creates with the one tag latest; a
    # sample image stream there (python) has versions, and another namespace is the user's
    assert check("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: fix}
        spec:
          template:
            spec:
              containers:
                - name: cli
                  image: image-registry.openshift-image-registry.svc:5000/openshift/cli:latest
                - name: tools
                  image: image-registry.openshift-image-registry.svc:5000/openshift/tools
                - name: sample
                  image: image-registry.openshift-image-registry.svc:5000/openshift/python:latest
                - name: own
                  image: image-registry.openshift-image-registry.svc:5000/demo/cli:latest
    """, "K8S00", kind="kubernetes") == [
        "13:18 K8S001 Image image-registry.openshift-image-registry.svc:5000/openshift/python:latest uses the"
        " mutable tag latest.",
        "15:18 K8S001 Image image-registry.openshift-image-registry.svc:5000/demo/cli:latest uses the mutable tag"
        " latest.",
    ]


def test_k8s_rules_pass_pinned_images():
    assert check("""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
          annotations:
            note: "image: postgres:latest is what we used to run"
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgres:latest@sha256:0d7c3b2e8f1a5d6c4b9e2f7a1c3d5e7f9b1a3c5e7d9f1b3a5c7e9d1f3a5b7c9d
                - name: exporter
                  image: ${EXPORTER_IMAGE}
                - name: sidecar
                  image: registry.example.com/sidecar:2.4.1
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          image: nginx:latest
          values.yaml: |
            image: nginx:latest
    """, "K8S", kind="kubernetes") == []


def test_k8s002_flags_untagged_images():
    assert check("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          template:
            spec:
              containers:
                - name: agent
                  image: datadog/agent
                - name: proxy
                  image: 'registry.example.com:5000/team/proxy'
    """, "K8S002", kind="kubernetes") == [
        "10:18 K8S002 Image datadog/agent has no tag, so the node pulls datadog/agent:latest.",
        "12:19 K8S002 Image registry.example.com:5000/team/proxy has no tag, so the node pulls"
        " registry.example.com:5000/team/proxy:latest.",
    ]


def test_k8s002_k8s007_accept_an_untagged_repository_that_names_its_release():
    # kubernetes-engine-samples: Google's TGI images carry the TGI, CUDA, Ubuntu and Python releases
    assert check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: tgi
        spec:
          template:
            spec:
              containers:
                - name: inference-server
                  image: us-docker.pkg.dev/deeplearning-platform-release/gcr.io/huggingface-text-generation-inference-cu124.2-3.ubuntu2204.py311
                  imagePullPolicy: IfNotPresent
                - name: init
                  image: registry.access.redhat.com/ubi9/ubi-minimal
                - name: sidecar
                  image: registry.access.redhat.com/ubi9/ubi-minimal:latest
    """, "K8S00", kind="kubernetes") == [
        "15:18 K8S001 Image registry.access.redhat.com/ubi9/ubi-minimal:latest uses the mutable tag latest."]


def test_k8s002_passes_tagged_images():
    assert check("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          template:
            spec:
              containers:
                - name: agent
                  image: datadog/agent:7.55.2
                - name: proxy
                  image: registry.example.com:5000/team/proxy@sha256:0d7c3b2e8f1a5d6c4b9e2f7a1c3d5e7f9b1a3c5e7d9f1b3a5c7e9d1f3a5b7c9d
                - name: latest
                  image: ghcr.io/acme/app:latest
    """, "K8S002", kind="kubernetes") == []


K8S003_OLD_APIS = """
    apiVersion: networking.k8s.io/v1beta1
    kind: Ingress
    metadata:
      name: web
    ---
    apiVersion: batch/v1beta1
    kind: CronJob
    metadata:
      name: nightly
    spec:
      jobTemplate:
        spec:
          template:
            spec:
              containers:
                - name: job
                  image: acme/job:1.0
    ---
    apiVersion: extensions/v1beta1
    kind: Deployment
    metadata:
      name: old
"""


@pytest.mark.parametrize("rule, table, expected", [
    ("K8S003", {"kubernetes_version": "1.21"}, [
        "1:13 K8S003 Ingress networking.k8s.io/v1beta1 is deprecated since Kubernetes 1.19 and is removed in 1.22"
        " (kubernetes-version 1.21).",
        "6:13 K8S003 CronJob batch/v1beta1 is deprecated since Kubernetes 1.21 and is removed in 1.25"
        " (kubernetes-version 1.21).",
    ]),
    ("K8S004", {"kubernetes_version": "1.21"}, [
        "19:13 K8S004 Deployment extensions/v1beta1 was removed in Kubernetes 1.16, so applying it fails"
        " (kubernetes-version 1.21).",
    ]),
    ("K8S003", {"kubernetes_version": "1.19"}, [
        "1:13 K8S003 Ingress networking.k8s.io/v1beta1 is deprecated since Kubernetes 1.19 and is removed in 1.22"
        " (kubernetes-version 1.19).",
    ]),  # CronJob: not deprecated yet
    ("K8S003", {"kubernetes_version": "1.18"}, []),
    ("K8S003", {"kubernetes_version": "1.15"}, [
        "19:13 K8S003 Deployment extensions/v1beta1 is deprecated since Kubernetes 1.8 and is removed in 1.16"
        " (kubernetes-version 1.15).",
    ]),  # extensions: deprecated, not removed
    ("K8S004", {"kubernetes_version": "1.15"}, []),
])
def test_k8s003_flags_deprecated_api_versions_for_the_kubernetes_version(rule, table, expected):
    assert check(K8S003_OLD_APIS, rule, kind="kubernetes", **table) == expected


def test_k8s_rules_pass_current_api_versions():
    assert check("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly
        ---
        # extensions/v1beta1 in a comment is not an object
        apiVersion: acme.example.com/v1beta1
        kind: Ingress
        metadata:
          name: not-the-kubernetes-one
    """, "K8S", kind="kubernetes", kubernetes_version="1.21") == []


K8S004_REMOVED_APIS = """
    apiVersion: extensions/v1beta1
    kind: Deployment
    metadata:
      name: old
    ---
    apiVersion: policy/v1beta1
    kind: PodDisruptionBudget
    metadata:
      name: api
    ---
    apiVersion: v1
    kind: List
    items:
      - apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
        kind: FlowSchema
        metadata:
          name: fs
      - apiVersion: "autoscaling/v2beta2"
        kind: HorizontalPodAutoscaler
        metadata:
          name: hpa
"""


def test_k8s003_at_the_assumed_release_asks_for_a_replacement_every_supported_release_serves():
    # xunholy's k8s-gitops: MutatingAdmissionPolicy v1beta1 (deprecated 1.37) on a 1.35 cluster; its
    # replacement v1 is served from 1.36, so without kubernetes-version (1.37 assumed, 1.35 still
    # supported) moving would break the apply; configured at 1.37 the deprecation is said; a
    # DeviceClass v1beta1's replacement (v1, 1.34) is served by every supported release: said
    docs = ("apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata:\n  name: a\n"
            "---\napiVersion: resource.k8s.io/v1beta1\nkind: DeviceClass\nmetadata:\n  name: b\n")
    assert check(docs, "K8S003", kind="kubernetes") == [
        "6:13 K8S003 DeviceClass resource.k8s.io/v1beta1 is deprecated since Kubernetes 1.35 and is to be"
        " removed in 1.38 (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version)."]
    assert [m[:50] for m in check(docs, "K8S003", kind="kubernetes", kubernetes_version="1.37")] == [
        "1:13 K8S003 MutatingAdmissionPolicy admissionregis", "6:13 K8S003 DeviceClass resource.k8s.io/v1beta1 is"]


@pytest.mark.parametrize("rule, table, expected", [
    ("K8S004", {}, [
        "1:13 K8S004 Deployment extensions/v1beta1 was removed in Kubernetes 1.16, so applying it fails (Kubernetes"
        " 1.37, the newest release archlint knows; set kubernetes-version).",
        "6:13 K8S004 PodDisruptionBudget policy/v1beta1 was removed in Kubernetes 1.25, so applying it fails"
        " (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
        "14:17 K8S004 FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 was removed in Kubernetes 1.32, so applying it"
        " fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
        "18:18 K8S004 HorizontalPodAutoscaler autoscaling/v2beta2 was removed in Kubernetes 1.26, so applying it"
        " fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
    ]),
    ("K8S004", {"kubernetes_version": "1.29"}, [
        "1:13 K8S004 Deployment extensions/v1beta1 was removed in Kubernetes 1.16, so applying it fails"
        " (kubernetes-version 1.29).",
        "6:13 K8S004 PodDisruptionBudget policy/v1beta1 was removed in Kubernetes 1.25, so applying it fails"
        " (kubernetes-version 1.29).",
        "18:18 K8S004 HorizontalPodAutoscaler autoscaling/v2beta2 was removed in Kubernetes 1.26, so applying it"
        " fails (kubernetes-version 1.29).",
    ]),
    ("K8S003", {"kubernetes_version": "1.29"}, [
        "14:17 K8S003 FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 is deprecated since Kubernetes 1.29 and is"
        " removed in 1.32 (kubernetes-version 1.29).",
    ]),
])
def test_k8s004_flags_removed_api_versions(rule, table, expected):
    assert check(K8S004_REMOVED_APIS, rule, kind="kubernetes", **table) == expected


def test_k8s_rules_pass_supported_api_versions():
    assert check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: new
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: api
        ---
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: FlowSchema
        metadata:
          name: fs
    """, "K8S", kind="kubernetes") == []


K8S005_BETA_LABELS = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          nodeSelector:
            beta.kubernetes.io/arch: amd64
            "beta.kubernetes.io/os": linux
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                  - matchExpressions:
                      - key: beta.kubernetes.io/arch
                        operator: In
                        values: [amd64]
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 1
                  preference:
                    matchExpressions:
                      - {key: beta.kubernetes.io/os, operator: In, values: [linux]}
          containers:
            - name: api
              image: acme/api:1.0
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: both
    spec:
      nodeSelector:
        kubernetes.io/arch: amd64
        beta.kubernetes.io/arch: amd64
      containers:
        - name: main
          image: acme/api:1.0
"""


def test_k8s005_flags_beta_arch_and_os_labels():
    assert check(K8S005_BETA_LABELS, "K8S005", kind="kubernetes") == [
        "9:9 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
        "10:10 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/os; nodes are labelled"
        " kubernetes.io/os.",
        "16:26 K8S005 node affinity uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
        "23:27 K8S005 node affinity uses the deprecated label beta.kubernetes.io/os; nodes are labelled"
        " kubernetes.io/os.",
        "35:5 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
    ]


def test_k8s005_passes_a_beta_label_term_beside_a_term_of_the_new_label():
    # wavefront's Pixie manifests: node selector terms are alternatives; the beta one selects
    # nodes labelled the old way, and scheduling never depends on it
    text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: kelvin
        spec:
          template:
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions:
                      - {key: kubernetes.io/os, operator: In, values: [linux]}
                    - matchExpressions:
                      - {key: beta.kubernetes.io/os, operator: In, values: [linux]}
                    - matchExpressions:
                      - {key: beta.kubernetes.io/arch, operator: In, values: [amd64]}
              containers:
                - name: kelvin
                  image: acme/kelvin:1.0
    """
    # (the arch term has no twin of the new label: reported)
    assert check(text, "K8S005", kind="kubernetes") == [
        "17:23 K8S005 node affinity uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch."]
    # a twin with other values, or in the same term (ANDed), is no fallback
    for old, new in (("values: [linux]}\n                    - matchExpressions:\n                      - {key: beta",
                      "values: [windows]}\n                    - matchExpressions:\n                      - {key: beta"),
                     ("linux]}\n                    - matchExpressions:\n                      - {key: beta.kubernetes.io/os",
                      "linux]}\n                      - {key: beta.kubernetes.io/os")):
        assert old in text
        assert len(check(text.replace(old, new, 1), "K8S005", kind="kubernetes")) == 2, new


def test_k8s_rules_pass_current_node_labels():
    assert check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          labels:
            beta.kubernetes.io/arch: amd64
        spec:
          template:
            spec:
              nodeSelector:
                kubernetes.io/arch: amd64
                kubernetes.io/os: linux
              containers:
                - name: api
                  image: acme/api:1.0
    """, "K8S", kind="kubernetes") == []


K8S006_ARM64_NODES = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          nodeSelector:
            kubernetes.io/arch: arm64
          containers:
            - name: api
              image: acme/api:1.0
    ---
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
    spec:
      template:
        spec:
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                  - matchExpressions:
                      - key: kubernetes.io/arch
                        operator: In
                        values: [amd64, arm64]
                      - key: kubernetes.io/arch
                        operator: NotIn
                        values: [s390x]
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 1
                  preference:
                    matchExpressions:
                      - {key: kubernetes.io/arch, operator: In, values: [ppc64le]}
          containers:
            - name: migrate
              image: acme/migrate:1.0
          restartPolicy: Never
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": ONE}, [
        "9:29 K8S006 nodeSelector schedules the pod on arm64 nodes, but the configured platforms are linux/amd64.",
        "28:37 K8S006 node affinity schedules the pod on arm64 nodes, but the configured platforms are linux/amd64.",
    ]),
    ({"platforms": TWO}, []),
    ({}, []),  # nothing configured: nothing to compare with
])
def test_k8s006_flags_nodes_of_an_unconfigured_arch(table, expected):
    assert check(K8S006_ARM64_NODES, "K8S006", kind="kubernetes", **table) == expected


def test_k8s_rules_pass_nodes_of_the_configured_arch():
    assert check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              nodeSelector:
                kubernetes.io/arch: amd64
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                      - matchExpressions:
                          - {key: kubernetes.io/arch, operator: In, values: [amd64]}
                          - {key: kubernetes.io/arch, operator: NotIn, values: [arm64]}
              containers:
                - name: api
                  image: acme/api:1.0
    """, "K8S", kind="kubernetes", platforms=ONE) == []


K8S007_DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: backend
    spec:
      template:
        spec:
          containers:
            - name: backend
              image: registry.example.com/backend:latest
              imagePullPolicy: IfNotPresent
            - name: tool
              image: registry.example.com/tool
              imagePullPolicy: IfNotPresent
"""

K8S007_BOTH = [
    "11:28 K8S007 imagePullPolicy IfNotPresent with the mutable image registry.example.com/backend:latest: nodes"
    " that already have it keep running their old copy.",
    "14:28 K8S007 imagePullPolicy IfNotPresent with the mutable image registry.example.com/tool: nodes that already"
    " have it keep running their old copy.",
]


def test_an_image_the_node_never_pulls_named_as_its_own_is_no_registry_image():
    # kafka-docker-playground's local/httpserver-cfk:latest, built inside minikube (Never): the tag
    # names what was put on the node; a registry's image with Never is still judged (the project
    # pass drops one the repository builds: test_project)
    text = K8S007_DEPLOYMENT.replace("IfNotPresent", "Never").replace("registry.example.com/", "local/")
    assert check(text, "K8S", kind="kubernetes") == []
    assert check(text, "K8S", kind="kubernetes", ignore=["K8S001", "K8S002"]) == []
    registry = K8S007_DEPLOYMENT.replace("IfNotPresent", "Never")
    assert [ln.split(" ")[1] for ln in check(registry, "K8S", kind="kubernetes")] == ["K8S001", "K8S002"]


def test_k8s007_flags_latest_without_always_pull_when_mutable_tags_are_accepted():
    # K8S001/K8S002 off: the user accepts latest and untagged images; the pull policy is the risk left
    assert check(K8S007_DEPLOYMENT, "K8S007", kind="kubernetes", ignore=["K8S001", "K8S002"]) == K8S007_BOTH
    assert check(K8S007_DEPLOYMENT, "K8S007", kind="kubernetes", select=["K8S007"]) == K8S007_BOTH


def test_k8s007_is_silent_where_k8s001_or_k8s002_reports_the_image():
    # pinning the tag fixes both: the K8S007 twin would be a duplicate
    assert check(K8S007_DEPLOYMENT, "K8S", kind="kubernetes") == [
        "10:18 K8S001 Image registry.example.com/backend:latest uses the mutable tag latest.",
        "13:18 K8S002 Image registry.example.com/tool has no tag, so the node pulls registry.example.com/tool:latest.",
    ]
    # one of the two off: the other image's K8S007 speaks
    assert check(K8S007_DEPLOYMENT, "K8S", kind="kubernetes", ignore=["K8S002"]) == [
        "10:18 K8S001 Image registry.example.com/backend:latest uses the mutable tag latest.",
        K8S007_BOTH[1],
    ]


def test_k8s007_speaks_where_k8s001_is_switched_off_for_the_file_or_the_line():
    assert check(K8S007_DEPLOYMENT, "K8S00", kind="kubernetes",
                 per_file_ignores={"deploy.yaml": ["K8S001"]}) == [
        K8S007_BOTH[0],
        "13:18 K8S002 Image registry.example.com/tool has no tag, so the node pulls registry.example.com/tool:latest.",
    ]
    assert check(K8S007_DEPLOYMENT, "K8S00", kind="kubernetes", per_file_ignores={"other/*.yaml": ["K8S001"]}) == [
        "10:18 K8S001 Image registry.example.com/backend:latest uses the mutable tag latest.",
        "13:18 K8S002 Image registry.example.com/tool has no tag, so the node pulls registry.example.com/tool:latest.",
    ]
    text = K8S007_DEPLOYMENT.replace(
        "image: registry.example.com/backend:latest",
        "image: registry.example.com/backend:latest  # archlint: ignore[K8S001] dev cluster tracks latest",
    )
    assert check(text, "K8S00", kind="kubernetes") == [
        K8S007_BOTH[0],
        "13:18 K8S002 Image registry.example.com/tool has no tag, so the node pulls registry.example.com/tool:latest.",
    ]


def test_k8s007_passes_always_pull_and_pinned_images():
    assert check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: backend
        spec:
          template:
            spec:
              containers:
                - name: backend
                  image: registry.example.com/backend:latest
                  imagePullPolicy: Always
                - name: default-policy
                  image: registry.example.com/tool
                - name: pinned
                  image: registry.example.com/pinned:1.2.3
                  imagePullPolicy: IfNotPresent
    """, "K8S007", kind="kubernetes") == []


def test_k8s008_flags_images_without_digest():
    assert check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: web
              image: nginx:1.27
    """, "K8S008", kind="kubernetes", extend_select=["K8S008"]) == [
        "8:14 K8S008 Image nginx:1.27 is not pinned by digest.",
    ]


def test_k8s_rules_pass_digest_pinned_images():
    assert check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: web
              image: nginx:1.27@sha256:0d7c3b2e8f1a5d6c4b9e2f7a1c3d5e7f9b1a3c5e7d9f1b3a5c7e9d1f3a5b7c9d
    """, "K8S", kind="kubernetes", extend_select=["K8S008"]) == []


KUSTOMIZATION = """
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources:
      - deployment.yaml
    images:
      - name: acme/api
        newTag: latest
      - name: acme/worker
        newName: registry.example.com/acme/worker
        newTag: "1.4.2"
      - name: acme/pinned
        newTag: latest
        digest: sha256:0d7c3b2e8f1a5d6c4b9e2f7a1c3d5e7f9b1a3c5e7d9f1b3a5c7e9d1f3a5b7c9d
"""


def test_k8s001_flags_latest_tag_set_by_kustomize():
    assert check(KUSTOMIZATION, "K8S", kind="kustomization") == [
        "7:13 K8S001 Kustomize sets image acme/api to the mutable tag latest.",
    ]


HELM_VALUES = """
    replicaCount: 2
    image:
      repository: registry.example.com/api
      tag: latest
      pullPolicy: IfNotPresent
    worker:
      image:
        repository: registry.example.com/worker
        tag: ""
        pullPolicy: IfNotPresent
    nodeSelector:
      beta.kubernetes.io/arch: amd64
    affinity: {}
"""


def test_helm_test_pods_images_are_left_to_helm_test():
    # opentelemetry-operator's testFramework.image and loki's test.image: the pods `helm test`
    # starts on demand, never part of a release; a section merely named like one is judged
    values = """
        testFramework:
          image:
            repository: busybox
            tag: latest
        test:
          image: docker.io/grafana/loki-helm-test:latest
        manager:
          image:
            repository: ghcr.io/acme/operator
            tag: latest
          tests:
            image: busybox:latest
    """
    assert [ln.split(" K8S001")[0] for ln in check(values, "K8S001", kind="helm-values")] == ["10:10", "12:12"]


def test_a_values_image_split_into_repository_and_name_is_named_whole():
    # cluster-api-addon-provider-helm's chart: the template joins {{ repository }}/{{ name }}
    values = """
        image:
          repository: docker.io/jont828
          name: helmchartproxy-controller
          tag: "latest"
        other:
          image:
            name: quay.io/acme/sidecar
            tag: latest
        same:
          image:
            repository: quay.io/acme/api
            name: api
            tag: latest
        collector:
          image:
            name: otel-collector
            repository: otel/opentelemetry-collector-contrib
            tag: latest
    """
    # (a whole repository beside a name: the name is the container's, as many charts use it)
    assert [ln.split(" K8S001 ")[1] for ln in check(values, "K8S001", kind="helm-values")] == [
        "Helm values set image docker.io/jont828/helmchartproxy-controller to the mutable tag latest.",
        "Helm values set image quay.io/acme/sidecar to the mutable tag latest.",
        "Helm values set image quay.io/acme/api to the mutable tag latest.",
        "Helm values set image otel/opentelemetry-collector-contrib to the mutable tag latest."]


def test_k8s001_leaves_a_values_image_stub_named_repository():
    # sapcc's cronus charts: `image: {name: nebula-repository, tag: latest}`, filled in per region
    values = """
        nebula:
          image:
            name: nebula-repository
            tag: latest
        poller:
          image:
            repository: repository
            tag: latest
        real:
          image:
            repository: quay.io/acme/source-repository
            tag: latest
        aurora:
          image:
            tag: latest
        broker:
          image:
            # repository is the custom broker container reference
            repository:
            tag: latest
        handler:
          image:
            repository: ""
            tag: latest
    """
    # (sapcc's aurora: `image: {tag: latest}`, the template writing `{{.Values.global.registry}}/aurora:`;
    # akri's brokers: an empty repository is a slot the user fills, the template renders none without it)
    assert [ln.split(" K8S001 ")[1] for ln in check(values, "K8S001", kind="helm-values")] == [
        "Helm values set image quay.io/acme/source-repository to the mutable tag latest.",
        "Helm values set an image's tag to the mutable latest (its repository is the template's)."]



def test_k8s001_reads_an_empty_values_repository_the_template_defaults_as_the_template_image(tmp_path):
    # an empty repository the chart's template fills with `| default "ghcr.io/acme/app"`: the chart
    # renders ghcr.io/acme/app:latest; without the default (akri's `if .repository`) it renders none
    values = "image:\n  repository: \"\"\n  tag: latest\n"
    deploy = ('spec:\n  containers:\n    - name: app\n      image: "{{ .Values.image.repository | default '
              '\\"ghcr.io/acme/app\\" }}:{{ .Values.image.tag }}"\n')
    write_files(tmp_path, {"chart/Chart.yaml": "name: c\nversion: 1.0.0\n", "chart/values.yaml": values,
                           "chart/templates/deployment.yaml": deploy})
    r = lint_path(tmp_path / "chart/values.yaml", kind="helm-values")
    assert [(f.rule_id, f.span.line) for f in r.findings if f.rule_id == "K8S001"] == [("K8S001", 3)]
    assert str(tmp_path / "chart/templates/deployment.yaml") in r.deps  # (an edit of it is seen)
    # (a template in a folder of templates/ is read too)
    (tmp_path / "chart/templates/deployment.yaml").rename(tmp_path / "chart/templates/deployment.tmp")
    write_files(tmp_path, {"chart/templates/app/deployment.yaml": deploy})
    r = lint_path(tmp_path / "chart/values.yaml", kind="helm-values")
    assert [(f.rule_id, f.span.line) for f in r.findings if f.rule_id == "K8S001"] == [("K8S001", 3)]
    (tmp_path / "chart/templates/app/deployment.yaml").unlink()
    (tmp_path / "chart/templates/deployment.tmp").rename(tmp_path / "chart/templates/deployment.yaml")
    (tmp_path / "chart/templates/deployment.yaml").write_text(deploy.replace(' | default \\"ghcr.io/acme/app\\"', ""))
    r = lint_path(tmp_path / "chart/values.yaml", kind="helm-values")
    assert [f.rule_id for f in r.findings if f.rule_id == "K8S001"] == []

def test_k8s007_in_helm_values_only_where_k8s001_is_off():
    text = HELM_VALUES + (
        "    canary:\n"
        "      image: docker.io/grafana/loki-canary:latest\n"
        "      imagePullPolicy: IfNotPresent\n"
    )
    assert check(text, "K8S00", kind="helm-values") == [
        "4:8 K8S001 Helm values set image registry.example.com/api to the mutable tag latest.",
        "12:3 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
        "15:10 K8S001 Image docker.io/grafana/loki-canary:latest uses the mutable tag latest.",
    ]
    assert check(text, "K8S007", kind="helm-values", ignore=["K8S001"]) == [
        "5:15 K8S007 pullPolicy IfNotPresent with the mutable image registry.example.com/api:latest: nodes that"
        " already have it keep running their old copy.",
        "16:20 K8S007 imagePullPolicy IfNotPresent with the mutable image docker.io/grafana/loki-canary:latest:"
        " nodes that already have it keep running their old copy.",
    ]


def test_k8s_rules_in_helm_values():
    assert check(HELM_VALUES, "K8S", kind="helm-values", platforms=ONE) == [
        "4:8 K8S001 Helm values set image registry.example.com/api to the mutable tag latest.",
        "12:3 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
    ]


CHART = """
    apiVersion: v2
    name: api
    version: 0.1.0
    appVersion: "1.4.2"
"""


def _chart(tmp_path):
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "Chart.yaml").write_text(dedent(CHART))
    (tmp_path / "chart" / "templates").mkdir()  # (a chart that renders something)


def test_kinds_by_content_name_and_chart(tmp_path):
    _chart(tmp_path)
    assert lint_inline(K8S001_LATEST, name="deploy.yaml").kind == "kubernetes"
    assert lint_inline(KUSTOMIZATION, name="kustomize/kustomization.yaml").kind == "kustomization"
    assert lint_inline(HELM_VALUES, name="chart/values.yaml", tmp_path=tmp_path).kind == "helm-values"



def test_a_manifest_indented_as_a_whole_is_kubernetes_and_linted():
    # elastic's config/recipes/psp/elastic-psp.yaml: every line two spaces in; a nested
    # apiVersion/kind (an ownerReference) does not make a config file a manifest
    psp = "# PSP\n---\n  apiVersion: policy/v1beta1\n  kind: PodSecurityPolicy\n  metadata:\n    name: x\n"
    r = lint_inline(psp, name="psp.yaml")
    assert r.kind == "kubernetes"
    assert show(findings(r, "K8S004"))[0].startswith("3:15 K8S004 PodSecurityPolicy policy/v1beta1 was removed in Kubernetes 1.25")
    nested = "name: x\nowner:\n  apiVersion: v1\n  kind: Pod\n"
    assert lint_inline(nested, name="conf.yaml").kind is None
    assert lint_inline("  apiVersion: v1\n    kind: Pod\n", name="odd.yaml").kind is None


def test_kustomize_and_values_found_by_name(tmp_path):
    _chart(tmp_path)
    kustomization = lint_inline(KUSTOMIZATION, name="kustomize/kustomization.yaml")
    assert kustomization.notices == []
    assert show(findings(kustomization)) == [
        "7:13 K8S001 Kustomize sets image acme/api to the mutable tag latest.",
    ]
    values = lint_inline(HELM_VALUES, name="chart/values.yaml", tmp_path=tmp_path, platforms=ONE)
    assert values.notices == []
    assert show(findings(values)) == [
        "4:8 K8S001 Helm values set image registry.example.com/api to the mutable tag latest.",
        "12:3 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
    ]


TEMPLATES = {
    "deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "api.fullname" . }}
        spec:
          replicas: {{ .Values.replicaCount }}
          template:
            spec:
              containers:
                - name: api
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                  {{- with .Values.nodeSelector }}
              nodeSelector:
                {{- toYaml . | nindent 8 }}
                  {{- end }}
    """,
    "static.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: static
        data:
          image: nginx:latest
    """,
}


def test_helm_templates_are_rendered_with_their_chart_not_errors(tmp_path):
    # (tests/test_helm_lint.py tests the rendering; here: a template is never a parse error)
    _chart(tmp_path)
    r = lint_inline(TEMPLATES["deployment.yaml"], name="chart/templates/deployment.yaml", tmp_path=tmp_path)
    assert r.kind == "helm-template" and r.findings == []
    # api.fullname is defined nowhere: Helm fails too, so one notice says the template was not rendered
    assert [(n.rule_id, n.message) for n in r.notices] == [
        ("AL003", "chart/templates/deployment.yaml: Helm template partly rendered: not rendered: "
                  "no template \"api.fullname\" associated with template")]
    r = lint_inline(TEMPLATES["static.yaml"], name="chart/templates/static.yaml", tmp_path=tmp_path)
    assert (r.kind, r.findings, r.notices) == ("helm-template", [], [])


ANNOTATED = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: legacy
      annotations:
        archlint.io/ignore: K8S001, K8S005
    spec:
      template:
        spec:
          nodeSelector:
            beta.kubernetes.io/arch: amd64
          containers:
            - name: legacy
              image: acme/legacy:latest
              imagePullPolicy: IfNotPresent
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: current
    spec:
      template:
        spec:
          containers:
            # archlint: ignore[K8S007] the node pulls it on every restart anyway
            - name: current
              image: acme/current:latest
              imagePullPolicy: IfNotPresent
"""


def test_annotation_suppresses_rules_inside_its_object_only():
    r = lint_inline(ANNOTATED, kind="kubernetes")
    assert r.notices == []
    assert show(findings(r)) == [
        # the annotation switches K8S001 off for this image: the pull policy is the risk left
        "15:28 K8S007 imagePullPolicy IfNotPresent with the mutable image acme/legacy:latest: nodes that already"
        " have it keep running their old copy.",
        "27:18 K8S001 Image acme/current:latest uses the mutable tag latest.",
    ]
    suppressed = sorted((f.rule_id, f.span.line) for f in r.findings if f.suppressed)
    # K8S001/K8S005 by the annotation of the first object; the second's K8S007 is not reported
    # at all (its K8S001 twin is), so the comment has nothing to suppress
    assert suppressed == [("K8S001", 14), ("K8S005", 11)]


def test_messages_name_versions_and_replacements():
    r = lint_inline(K8S004_REMOVED_APIS, kind="kubernetes", kubernetes_version="1.29")
    by_line = {f.span.line: f for f in r.findings}
    f = by_line[6]
    assert f.rule_id == "K8S004" and f.severity.label == "error"
    assert f.message == ("PodDisruptionBudget policy/v1beta1 was removed in Kubernetes 1.25, so applying it "
                         "fails (kubernetes-version 1.29).")
    assert f.hint.startswith("use policy/v1 (available since 1.21)")
    dep = by_line[14]
    assert dep.rule_id == "K8S003" and dep.severity.label == "warning"
    assert "deprecated since Kubernetes 1.29 and is removed in 1.32" in dep.message


def test_default_kubernetes_version_is_newest_release_in_the_data():
    found = check(K8S004_REMOVED_APIS, "K8S004", kind="kubernetes")
    assert len(found) == 4
    assert all(m.endswith("(Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).")
               for m in found)


RECENT_APIS = """
    apiVersion: admissionregistration.k8s.io/v1alpha1
    kind: ValidatingAdmissionPolicy
    ---
    apiVersion: admissionregistration.k8s.io/v1beta1
    kind: ValidatingAdmissionPolicyBinding
    ---
    apiVersion: resource.k8s.io/v1alpha3
    kind: ResourceClaimTemplate
    ---
    apiVersion: storage.k8s.io/v1alpha1
    kind: VolumeAttributesClass
    ---
    apiVersion: storagemigration.k8s.io/v1alpha1
    kind: StorageVersionMigration
    ---
    apiVersion: resource.k8s.io/v1beta1
    kind: ResourceClaim
    ---
    apiVersion: resource.k8s.io/v1
    kind: ResourceClaim
"""


@pytest.mark.parametrize("rule, table, expected", [
    ("K8S004", {}, [
        "1:13 K8S004 ValidatingAdmissionPolicy admissionregistration.k8s.io/v1alpha1 was removed in Kubernetes 1.32,"
        " so applying it fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
        "4:13 K8S004 ValidatingAdmissionPolicyBinding admissionregistration.k8s.io/v1beta1 was removed in Kubernetes"
        " 1.34, so applying it fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
        "7:13 K8S004 ResourceClaimTemplate resource.k8s.io/v1alpha3 was removed in Kubernetes 1.34, so applying it"
        " fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
        "10:13 K8S004 VolumeAttributesClass storage.k8s.io/v1alpha1 was removed in Kubernetes 1.35, so applying it"
        " fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
        "13:13 K8S004 StorageVersionMigration storagemigration.k8s.io/v1alpha1 was removed in Kubernetes 1.35, so"
        " applying it fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
    ]),
    ("K8S003", {}, [
        "16:13 K8S003 ResourceClaim resource.k8s.io/v1beta1 is deprecated since Kubernetes 1.35 and is to be removed"
        " in 1.38 (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).",
    ]),
    # resource.k8s.io/v1alpha3 ResourceClaimTemplate has no deprecation: nothing before its removal
    ("K8S", {"kubernetes_version": "1.33"}, [
        "1:13 K8S004 ValidatingAdmissionPolicy admissionregistration.k8s.io/v1alpha1 was removed in Kubernetes 1.32,"
        " so applying it fails (kubernetes-version 1.33).",
        "4:13 K8S003 ValidatingAdmissionPolicyBinding admissionregistration.k8s.io/v1beta1 is deprecated since"
        " Kubernetes 1.31 and is removed in 1.34 (kubernetes-version 1.33).",
        "10:13 K8S003 VolumeAttributesClass storage.k8s.io/v1alpha1 is deprecated since Kubernetes 1.32 and is"
        " removed in 1.35 (kubernetes-version 1.33).",
        "13:13 K8S003 StorageVersionMigration storagemigration.k8s.io/v1alpha1 is deprecated since Kubernetes 1.33"
        " and is removed in 1.35 (kubernetes-version 1.33).",
    ]),
])
def test_k8s003_k8s004_know_the_apis_changed_up_to_the_newest_release(rule, table, expected):
    assert check(RECENT_APIS, rule, kind="kubernetes", **table) == expected


def test_user_pack_with_component_is_refused(tmp_path):
    """A CRD API versioned by its own project cannot be judged at kubernetes-version."""
    from archlint.config import ConfigError
    from archlint.packs import PackError, validate_pack

    pack = {"pack": "kubernetes-apis", "entries": [{
        "apiVersion": "cert-manager.io/v1alpha2", "kind": "Certificate", "deprecated-in": "1.4",
        "removed-in": "1.6", "replacement": "cert-manager.io/v1", "component": "cert-manager",
        "source": "https://cert-manager.io/docs/releases/upgrading/remove-deprecated-apis/",
    }]}
    with pytest.raises(PackError) as e:
        validate_pack(pack, "certs.yaml")
    assert str(e.value) == (
        "certs.yaml: entries[0] (cert-manager.io/v1alpha2 Certificate): 'component' cert-manager is not supported:"
        " archlint judges an entry against kubernetes-version, or a Flux API (component: flux) as Flux's, so an API"
        " versioned by another project would be reported at the wrong release; leave the entry out (or drop"
        " 'component' if Kubernetes itself serves the API)")
    (tmp_path / "certs.yaml").write_text(
        "pack: kubernetes-apis\nentries:\n  - apiVersion: cert-manager.io/v1alpha2\n    kind: Certificate\n"
        "    removed-in: '1.6'\n    replacement: cert-manager.io/v1\n    component: cert-manager\n"
        "    source: cert-manager release notes 1.6\n")
    cfg = tmp_path / ".archlint.toml"
    cfg.write_text('rule-packs = ["certs.yaml"]\n')
    with pytest.raises(ConfigError, match="'component' cert-manager is not supported"):
        load_file(str(cfg))


FLUX_OBJECTS = """
    apiVersion: source.toolkit.fluxcd.io/v1beta2
    kind: OCIRepository
    metadata:
      name: kyverno
    spec:
      url: oci://ghcr.io/kyverno/charts/kyverno
    ---
    apiVersion: helm.toolkit.fluxcd.io/v2beta1
    kind: HelmRelease
    metadata:
      name: kyverno
    ---
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Alert
    metadata:
      name: slack
    ---
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata:
      name: current
"""


def test_flux_api_versions_are_deprecations_at_an_unknown_flux_release():
    # fluxcd/flux2-multi-tenancy's infrastructure/kyverno/source.yaml: an OCIRepository at
    # source.toolkit.fluxcd.io/v1beta2, which Flux 2.8 no longer serves; Flux's versions are not
    # Kubernetes releases, and which Flux the cluster runs is not known: K8S003, never K8S004
    expected = [
        "1:13 K8S003 OCIRepository source.toolkit.fluxcd.io/v1beta2 is deprecated since Flux 2.6, and no Flux release"
        " since 2.8 serves it (which Flux the cluster runs is not known).",
        "8:13 K8S003 HelmRelease helm.toolkit.fluxcd.io/v2beta1 is deprecated since Flux 2.2, and no Flux release"
        " since 2.7 serves it (which Flux the cluster runs is not known).",
    ]
    for table in ({}, {"kubernetes_version": "1.20"}, {"kubernetes_version": "1.37"}):
        assert check(FLUX_OBJECTS, "K8S003", kind="kubernetes", **table) == expected, table
        assert check(FLUX_OBJECTS, "K8S004", kind="kubernetes", **table) == [], table
    hints = [f.hint for f in findings(lint_inline(FLUX_OBJECTS, kind="kubernetes"), "K8S003")]
    migrate = "; `flux migrate -f .` (Flux 2.7.1 and later) rewrites the files"
    assert hints == ["use source.toolkit.fluxcd.io/v1 (available since Flux 2.6)" + migrate,
                     "use helm.toolkit.fluxcd.io/v2 (available since Flux 2.3)" + migrate]


def test_a_flux_health_check_of_an_api_version_flux_stopped_serving():
    # JJGadgets/Biohazard: a Flux Kustomization's health check of a v2beta1 HelmRelease, which a Flux
    # that no longer serves it cannot find (the Kustomization never becomes ready); a current version,
    # another kind's, or another object's healthChecks: nothing
    text = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps}
        spec:
          path: ./apps
          healthChecks:
            - apiVersion: helm.toolkit.fluxcd.io/v2beta1
              kind: HelmRelease
              name: x
            - {apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, name: y}
            - {apiVersion: apps/v1, kind: Deployment, name: d}
        ---
        apiVersion: acme.io/v1
        kind: Kustomization
        metadata: {name: other}
        spec:
          healthChecks:
            - {apiVersion: helm.toolkit.fluxcd.io/v2beta1, kind: HelmRelease, name: x}
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "7:19 K8S003 The health check of a HelmRelease, helm.toolkit.fluxcd.io/v2beta1, is deprecated since Flux 2.2,"
        " and no Flux release since 2.7 serves it (which Flux the cluster runs is not known)."]
    assert [f.hint for f in findings(lint_inline(text, kind="kubernetes"), "K8S003")] == [
        "use helm.toolkit.fluxcd.io/v2 (available since Flux 2.3) in the health check"]


def test_flux_apis_are_not_kubernetes_releases_to_helm_capabilities():
    # a chart's `.Capabilities.APIVersions.Has "helm.toolkit.fluxcd.io/v2"`: a CRD's group, unknown
    # (the pack's Flux versions, 2.3, are no Kubernetes release a cluster of 1.37 is older than)
    from archlint.checks.kubernetes.served import served

    has = served(settings(), "1.37")
    assert has("helm.toolkit.fluxcd.io/v2") is None
    assert has("helm.toolkit.fluxcd.io/v2/HelmRelease") is None
    assert has("source.toolkit.fluxcd.io/v1beta2/OCIRepository") is None


def test_user_pack_adds_an_api(tmp_path):
    pack = tmp_path / "apis.yaml"
    pack.write_text(
        "pack: kubernetes-apis\nentries:\n"
        "  - apiVersion: acme.example.com/v1alpha1\n    kind: Widget\n    deprecated-in: '1.30'\n"
        "    removed-in: '1.33'\n    replacement: acme.example.com/v1\n    source: internal platform notes 2026\n"
    )
    text = "apiVersion: acme.example.com/v1alpha1\nkind: Widget\nmetadata:\n  name: w\n"
    cfg = tmp_path / ".archlint.toml"
    cfg.write_text('rule-packs = ["apis.yaml"]\nkubernetes-version = "1.31"\n')
    f = tmp_path / "widget.yaml"
    f.write_text(text)
    r = lint_file(str(f), "widget.yaml", load_file(str(cfg)))
    assert ids(r) == [("K8S003", 1, 13)]
    assert show(findings(r)) == [
        "1:13 K8S003 Widget acme.example.com/v1alpha1 is deprecated since Kubernetes 1.30 and is removed in 1.33"
        " (kubernetes-version 1.31).",
    ]


def test_a_short_name_cri_o_resolves_is_served():
    # containers-common's shortnames.conf: CRI-O pulls `fedora-minimal` from registry.fedoraproject.org
    assert check("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                 "    - {name: a, image: fedora-minimal}\n    - {name: b, image: fedora-slim}\n", "K8S00",
                 kind="kubernetes") == [
        "6:24 K8S002 Image fedora-minimal has no tag, so the node pulls fedora-minimal:latest."]


def test_a_one_part_name_no_registry_serves_is_a_placeholder(tmp_path):
    # opentelemetry-operator's config/target-allocator: `image: target-allocator`, which an
    # overlay's images: entry or `kustomize edit set image` replaces; kubebuilder's controller:latest.
    # docker.io/library/ holds only Docker Hub's official images (rules/docker-official-images.yaml)
    text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: target-allocator}
            - {name: b, image: "controller:latest"}
            - {name: c, image: nginx}
            - {name: d, image: "centos:latest"}
            - {name: e, image: acme/target-allocator}
            - {name: f, image: "docker.io/library/nginx:latest"}
    """
    assert check(text, "K8S00", kind="kubernetes") == [
        "8:24 K8S002 Image nginx has no tag, so the node pulls nginx:latest.",
        "9:25 K8S001 Image centos:latest uses the mutable tag latest.",
        "10:24 K8S002 Image acme/target-allocator has no tag, so the node pulls acme/target-allocator:latest.",
        "11:25 K8S001 Image docker.io/library/nginx:latest uses the mutable tag latest.",
    ]
    # Docker Hub's own spellings of the same one-part name: the same placeholder
    assert check(text.replace("image: target-allocator}", "image: docker.io/library/target-allocator}")
                 .replace('"controller:latest"', '"docker.io/controller:latest"'), "K8S00", kind="kubernetes") == [
        "8:24 K8S002 Image nginx has no tag, so the node pulls nginx:latest.",
        "9:25 K8S001 Image centos:latest uses the mutable tag latest.",
        "10:24 K8S002 Image acme/target-allocator has no tag, so the node pulls acme/target-allocator:latest.",
        "11:25 K8S001 Image docker.io/library/nginx:latest uses the mutable tag latest.",
    ]
    # a Helm value may be completed by its template ("{{ .Values.registry }}/{{ .Values.image }}")
    assert [ln.split(" K8S")[0] for ln in check('registry: ghcr.io/acme\nimage: "operator:latest"\n', "K8S001",
                                                 kind="helm-values")] == ["2:9"]
    # a Kustomization setting a placeholder's tag, without newName: still a placeholder
    assert check("images:\n- name: controller\n  newTag: latest\n", "K8S001", kind="kustomization") == []
    assert len(check("images:\n- name: controller\n  newName: ghcr.io/acme/op\n  newTag: latest\n", "K8S001",
                     kind="kustomization")) == 1
    # nor renamed to a placeholder (capdo's config/manager: newName: controller, newTag: latest,
    # which config/default's manager_image_patch.yaml replaces)
    assert check("images:\n- name: controller\n  newName: controller\n  newTag: latest\n", "K8S001",
                 kind="kustomization") == []
    # a user pack names an image a runtime's unqualified-search registries serve so (CRI-O's)
    (tmp_path / "images.yaml").write_text("pack: docker-official-images\nentries:\n  - name: target-allocator\n")
    (tmp_path / ".archlint.toml").write_text('rule-packs = ["images.yaml"]\n')
    (tmp_path / "pod.yaml").write_text(dedent(text))
    r = lint_file(str(tmp_path / "pod.yaml"), "pod.yaml", load_file(str(tmp_path / ".archlint.toml")))
    assert [f.span.line for f in findings(r) if f.rule_id.startswith("K8S00")] == [6, 8, 9, 10, 11]


def test_a_placeholder_a_kustomization_renames_keeps_its_tag(tmp_path):
    # kubebuilder's config/manager: images: [{name: controller, newName: ghcr.io/acme/operator}]
    # without newTag deploys ghcr.io/acme/operator:latest: the manifest's latest is what runs
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "config/manager/kustomization.yaml": "resources: [manager.yaml]\nimages:\n- name: controller\n"
                                             "  newName: ghcr.io/acme/operator\n",
        "config/manager/manager.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                                       "  - name: c\n    image: controller:latest\n",
    })
    r = lint_path(tmp_path / "config/manager/manager.yaml", "config/manager/manager.yaml")
    assert show(findings(r, "K8S001")) == ["7:12 K8S001 Image controller:latest uses the mutable tag latest."]


def test_an_image_an_openshift_release_payload_replaces_is_a_placeholder(tmp_path):
    # cluster-monitoring-operator's manifests/image-references: oc adm release new swaps each pull
    # spec it lists for the payload's digest; an image it does not list is still judged
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "manifests/image-references": "kind: ImageStream\napiVersion: image.openshift.io/v1\nspec:\n  tags:\n"
                                      "  - name: cluster-monitoring-operator\n    from:\n      kind: DockerImage\n"
                                      "      name: quay.io/openshift/origin-cluster-monitoring-operator:latest\n",
        "manifests/05-deployment.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                                        "  - name: c\n    image: quay.io/openshift/origin-cluster-monitoring-operator:latest\n"
                                        "  - name: d\n    image: quay.io/acme/sidecar:latest\n",
    })
    r = lint_path(tmp_path / "manifests/05-deployment.yaml", "manifests/05-deployment.yaml")
    assert show(findings(r, "K8S001")) == ["9:12 K8S001 Image quay.io/acme/sidecar:latest uses the mutable tag latest."]
    assert any(d.endswith("image-references") for d in r.deps)


def test_an_olm_bundles_image_references_cover_its_manifests(tmp_path):
    # cluster-logging-operator's bundle/image-references, one folder above the CSV in
    # bundle/manifests/: the product build swaps the pull specs it lists, relatedImages too
    refs = ("kind: ImageStream\napiVersion: image.openshift.io/v1\nspec:\n  tags:\n  - name: op\n    from:\n"
            "      kind: DockerImage\n      name: quay.io/openshift-logging/exporter:latest\n")
    csv = ("apiVersion: operators.coreos.com/v1alpha1\nkind: ClusterServiceVersion\nmetadata: {name: op.v6.7.0}\n"
           "spec:\n  version: 6.7.0\n  relatedImages:\n  - image: quay.io/openshift-logging/exporter:latest\n"
           "    name: exporter\n  - image: quay.io/acme/other:latest\n    name: other\n")
    write_files(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", "bundle/image-references": refs,
                           "bundle/manifests/op.clusterserviceversion.yaml": csv,
                           "deploy/manifests/op.clusterserviceversion.yaml": csv})
    r = lint_path(tmp_path / "bundle/manifests/op.clusterserviceversion.yaml", "bundle/manifests/op.clusterserviceversion.yaml")
    assert show(findings(r, "K8S001")) == ["9:12 K8S001 Image quay.io/acme/other:latest uses the mutable tag latest."]
    # a manifests/ folder of another bundle has none of its own
    r = lint_path(tmp_path / "deploy/manifests/op.clusterserviceversion.yaml", "deploy/manifests/op.clusterserviceversion.yaml")
    assert len(findings(r, "K8S001")) == 2


def test_a_placeholder_renamed_to_another_placeholder_stays_one(tmp_path):
    # crunchy's postgres-operator: config/manager renames the placeholder to another placeholder,
    # which a component config/default includes names and tags (a folder beside, not above)
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "config/manager/kustomization.yaml": "resources: [manager.yaml]\nimages:\n- name: postgres-operator\n"
                                             "  newName: image-postgres-operator-6.0\n",
        "config/manager/manager.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: pgo}\nspec:\n"
                                       "  template:\n    spec:\n      containers:\n      - name: operator\n"
                                       "        image: postgres-operator\n",
        "config/components/images-by-tag/kustomization.yaml":
            "kind: Component\nimages:\n- name: image-postgres-operator-6.0\n"
            "  newName: registry.example.com/crunchydata/postgres-operator\n  newTag: ubi9-6.0.3-0\n",
        "config/default/kustomization.yaml": "resources: [../manager]\ncomponents: [../components/images-by-tag]\n",
    })
    r = lint_path(tmp_path / "config/manager/manager.yaml", "config/manager/manager.yaml")
    assert show(findings(r, "K8S00")) == []
    # renamed to an image a registry serves, the tag written (none: latest) is what runs
    (tmp_path / "config/manager/kustomization.yaml").write_text(
        "resources: [manager.yaml]\nimages:\n- name: postgres-operator\n  newName: ghcr.io/acme/pgo\n")
    r = lint_path(tmp_path / "config/manager/manager.yaml", "config/manager/manager.yaml")
    assert show(findings(r, "K8S00")) == [
        "9:16 K8S002 Image postgres-operator has no tag, so the node pulls postgres-operator:latest."]


def test_k8s005_fix_renames_the_label_and_is_safe():
    out = fix_text("deploy.yaml", dedent(K8S005_BETA_LABELS), settings(), kind="kubernetes")
    assert out.error is None and out.changed
    fixed = out.text
    assert "beta.kubernetes.io/arch: amd64\n      affinity" not in fixed
    assert '"kubernetes.io/os": linux' in fixed
    assert "- key: kubernetes.io/arch" in fixed
    # the Pod that already has kubernetes.io/arch keeps its beta label (no fix offered there)
    assert check(fixed, "K8S005", kind="kubernetes") == [
        "35:5 K8S005 nodeSelector uses the deprecated label beta.kubernetes.io/arch; nodes are labelled"
        " kubernetes.io/arch.",
    ]
    assert get_rule("K8S005").fix == "safe"


def test_rule_metadata():
    expected = {
        "K8S001": ("image-latest-tag", "warning", True),
        "K8S002": ("image-untagged", "warning", True),
        "K8S003": ("deprecated-api-version", "warning", True),
        "K8S004": ("removed-api-version", "error", True),
        "K8S005": ("deprecated-arch-label", "info", True),
        "K8S006": ("node-arch-mismatch", "error", True),
        "K8S007": ("latest-without-always-pull", "warning", True),
        "K8S008": ("image-not-pinned", "info", False),
    }
    for rid, (name, sev, enabled) in expected.items():
        r = get_rule(rid)
        assert (r.name, r.severity.label, r.enabled) == (name, sev, enabled), rid
        assert r.kinds == frozenset({"kubernetes", "kustomization", "helm-values", "helm-template"})


# ---- the shared samples ---------------------------------------------------------------------------


def _sample(rel: str, cfg: str):
    root = SHARED / "samples"
    return lint_file(str(root / rel), rel, load_file(str(root / cfg)))


needs_samples = pytest.mark.skipif(not (SHARED / "samples").is_dir(), reason="../shared/samples not present")


@needs_samples
def test_sample_aks_app_deployment():
    r = _sample("aks-app/k8s/deployment.yaml", "aks-app/.archlint.toml")  # kubernetes-version 1.29
    assert ids(r) == [("K8S002", 16, 18), ("K8S004", 23, 13)]


@needs_samples
def test_sample_athena_admin_backend():
    r = _sample("athena-admin/k8s/backend.yaml", "athena-admin/.archlint.toml")  # platforms linux/amd64
    assert ids(r) == [("K8S001", 20, 18), ("K8S005", 17, 9)]  # K8S007 on line 21: K8S001's twin


def test_an_image_whose_tag_a_kustomization_replaces_is_judged_there(tmp_path):
    # argo-cd's manifests/base and kubebuilder's config/manager: the Kustomization decides the tag
    pod = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: server
        spec:
          template:
            spec:
              containers:
                - name: server
                  image: quay.io/acme/server:latest
                - name: sidecar
                  image: busybox
    """
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "manifests/base/kustomization.yaml": """
            resources:
              - ./server
            images:
              - name: quay.io/acme/server
                newTag: v1.4.2
        """,
        "manifests/base/server/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "manifests/base/server/deployment.yaml": pod,
        "manifests/other/deployment.yaml": pod,  # no Kustomization includes it
        "config/manager/kustomization.yaml": """
            resources: [manager.yaml]
            images:
              - name: quay.io/acme/server
                newName: ghcr.io/acme/server
        """,  # a new name, the tag kept: the manifest's tag still deploys
        "config/manager/manager.yaml": pod,
    })
    seen = lambda rel: show(findings(lint_path(tmp_path / rel, rel), "K8S00"))  # noqa: E731
    assert seen("manifests/base/server/deployment.yaml") == [
        "12:18 K8S002 Image busybox has no tag, so the node pulls busybox:latest."]
    assert seen("manifests/other/deployment.yaml") == seen("config/manager/manager.yaml") == [
        "10:18 K8S001 Image quay.io/acme/server:latest uses the mutable tag latest.",
        "12:18 K8S002 Image busybox has no tag, so the node pulls busybox:latest.",
    ]
    # the Kustomization is an input of the manifest's result (the cache sees it change)
    r = lint_path(tmp_path / "manifests/base/server/deployment.yaml", "manifests/base/server/deployment.yaml")
    assert str(tmp_path / "manifests/base/kustomization.yaml") in r.deps


def test_a_patch_takes_the_tag_its_kustomization_sets(tmp_path):
    # kubeflow's profiles overlay: patches/kfam.yaml writes the image untagged, and the
    # Kustomization applying the patch sets its tag (kustomize sets images: after patches)
    patch = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: profiles}\nspec:\n  template:\n    spec:\n"
             "      containers:\n      - name: kfam\n        image: ghcr.io/kubeflow/kubeflow/kfam\n")
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "overlays/kubeflow/kustomization.yaml": "resources: [../../base]\npatchesStrategicMerge:\n- patches/kfam.yaml\n"
                                               "images:\n- name: ghcr.io/kubeflow/kubeflow/kfam\n  newTag: v1.10.0\n",
        "overlays/kubeflow/patches/kfam.yaml": patch,
        "overlays/plain/kustomization.yaml": "resources: [../../base]\npatches:\n- path: patches/kfam.yaml\n",
        "overlays/plain/patches/kfam.yaml": patch,
    })
    seen = lambda rel: show(findings(lint_path(tmp_path / rel, rel), "K8S00"))  # noqa: E731
    assert seen("overlays/kubeflow/patches/kfam.yaml") == []
    # a patch whose Kustomization sets no tag deploys the one it writes
    assert seen("overlays/plain/patches/kfam.yaml") == [
        "9:16 K8S002 Image ghcr.io/kubeflow/kubeflow/kfam has no tag, so the node pulls"
        " ghcr.io/kubeflow/kubeflow/kfam:latest."]


def test_a_kustomization_decides_the_tag_only_when_it_includes_the_manifest_and_sets_one(tmp_path):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: acme/controller:latest\n"
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        # the folder's Kustomization leaves manager.yaml out: the one above cannot include it
        "config/kustomization.yaml": "resources: [manager]\nimages:\n- name: acme/controller\n  newTag: v1.0.0\n",
        "config/manager/kustomization.yaml": "resources: [other.yaml]\n",
        "config/manager/manager.yaml": pod,
        # an empty newTag changes nothing
        "empty/kustomization.yaml": "resources: [pod.yaml]\nimages:\n- name: acme/controller\n  newTag: \"\"\n",
        "empty/pod.yaml": pod,
    })
    assert show(findings(lint_path(tmp_path / "empty/pod.yaml", "empty/pod.yaml"), "K8S001")) == [
        "7:12 K8S001 Image acme/controller:latest uses the mutable tag latest."]
    # left out by its folder's Kustomization, manager.yaml is deployed by none (unlisted)
    assert findings(lint_path(tmp_path / "config/manager/manager.yaml", "config/manager/manager.yaml"), "K8S") == []


def test_a_manifest_that_no_kustomization_of_its_tree_reads_is_not_checked(tmp_path):
    # intel-device-plugins' deployments/operator/crd: kubebuilder's conversion-webhook patches,
    # listed only in comments, still on apiextensions.k8s.io/v1beta1
    patch = "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata:\n  name: gpus.acme.io\n"
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "crd/kustomization.yaml": """
            resources:
            - bases/acme.io_gpus.yaml
            patchesStrategicMerge:
            # [WEBHOOK] To enable webhook, uncomment all the sections with [WEBHOOK] prefix.
            #- patches/webhook_in_gpus.yaml
            - patches/cainjection_in_gpus.yaml
        """,
        "crd/bases/acme.io_gpus.yaml": patch,
        "crd/patches/webhook_in_gpus.yaml": patch,
        "crd/patches/cainjection_in_gpus.yaml": patch,
        # listed by a Kustomization two folders up (patches: [{path: ...}])
        "overlay/kustomization.yaml": "patches:\n- path: a/b/fix.yaml\n",
        "overlay/a/b/fix.yaml": patch,
        # a Kustomization that cannot be parsed may list anything
        "broken/kustomization.yaml": "resources: [\n",
        "broken/crd.yaml": patch,
        # no Kustomization in the folder or the one above: applied some other way
        "plain/deploy/crd.yaml": patch,
    })
    removed = ("K8S004 CustomResourceDefinition apiextensions.k8s.io/v1beta1 was removed in Kubernetes 1.22, so applying"
               " it fails (Kubernetes 1.37, the newest release archlint knows; set kubernetes-version).")
    for rel, shown in [("crd/patches/webhook_in_gpus.yaml", []), ("crd/patches/cainjection_in_gpus.yaml", [removed]),
                       ("crd/bases/acme.io_gpus.yaml", [removed]), ("overlay/a/b/fix.yaml", [removed]),
                       ("broken/crd.yaml", [removed]), ("plain/deploy/crd.yaml", [removed])]:
        r = lint_path(tmp_path / rel, rel)
        assert [s.split(" ", 1)[1] for s in show(findings(r, "K8S"))] == shown, rel
    # the Kustomization is an input: listing the patch brings its finding back through the cache
    r = lint_path(tmp_path / "crd/patches/webhook_in_gpus.yaml", "crd/patches/webhook_in_gpus.yaml")
    assert str(tmp_path / "crd/kustomization.yaml") in r.deps


def test_a_folder_that_a_flux_kustomization_beside_the_kustomization_above_applies_is_checked(tmp_path):
    # gabe565/home-ops: apps/searxng/kustomization.yaml lists namespace.yaml and ks.yaml, whose Flux
    # Kustomization applies apps/searxng/app (no Kustomization there: Flux makes one of its files)
    release = ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: s}\nspec:\n  values:\n"
               "    image:\n      repository: ghcr.io/searxng/searxng\n      tag: latest\n")
    ks = ("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app}\nspec:\n"
          "  path: ./kubernetes/apps/{app}/app\n")
    write_files(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "kubernetes/apps/searxng/kustomization.yaml": "resources: [namespace.yaml, ./ks.yaml]\n",
        "kubernetes/apps/searxng/ks.yaml": ks.replace("{app}", "searxng"),
        "kubernetes/apps/searxng/app/helmrelease.yaml": release,
        # the ks.yaml beside it applies another folder, or is not listed (commented out): never applied
        "kubernetes/apps/other/kustomization.yaml": "resources: [ks.yaml]\n",
        "kubernetes/apps/other/ks.yaml": ks.replace("{app}", "other").replace("/app\n", "/config\n"),
        "kubernetes/apps/other/app/helmrelease.yaml": release,
        "kubernetes/apps/off/kustomization.yaml": "resources: []\n# - ks.yaml\n",
        "kubernetes/apps/off/ks.yaml": ks.replace("{app}", "off"),
        "kubernetes/apps/off/app/helmrelease.yaml": release,
        # a Kustomization of the folder's own that leaves the file out: what Flux builds there
        "kubernetes/apps/own/kustomization.yaml": "resources: [ks.yaml]\n",
        "kubernetes/apps/own/ks.yaml": ks.replace("{app}", "own"),
        "kubernetes/apps/own/app/kustomization.yaml": "resources: []\n",
        "kubernetes/apps/own/app/helmrelease.yaml": release,
    })
    seen = {}
    for app in ("searxng", "other", "off", "own"):
        rel = f"kubernetes/apps/{app}/app/helmrelease.yaml"
        r = lint_path(tmp_path / rel, rel)
        seen[app] = show(findings(r, "K8S001"))
    assert seen == {"searxng": ["8:12 K8S001 Helm values set image ghcr.io/searxng/searxng to the mutable tag latest."],
                    "other": [], "off": [], "own": []}
    # the file beside is an input: a changed path there is seen through the cache
    r = lint_path(tmp_path / "kubernetes/apps/searxng/app/helmrelease.yaml", "kubernetes/apps/searxng/app/helmrelease.yaml")
    assert str(tmp_path / "kubernetes/apps/searxng/ks.yaml") in r.deps


def test_the_development_copy_of_released_manifests_keeps_its_latest(tmp_path):
    # azurefile-csi-driver's deploy/csi-azurefile-node.yaml (master: azurefile-csi:latest) beside
    # deploy/v1.35.7/csi-azurefile-node.yaml, pinned to the release
    text = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: csi}
        spec:
          template:
            spec:
              containers:
                - name: a
                  image: mcr.microsoft.com/k8s/csi/azurefile-csi:latest
    """
    write_files(tmp_path, {"deploy/v1.35.7/csi-node.yaml": text.replace(":latest", ":v1.35.7"),
                           "deploy/v1.35.7/other.yaml": "a: 1\n"})
    def found(name):
        return [f.rule_id for f in lint_inline(text, kind="kubernetes", name=name, tmp_path=tmp_path).findings]

    assert found("deploy/csi-node.yaml") == []
    # azuredisk-csi-driver's deploy/latest-v2/: a rolling channel's folder beside the releases
    assert found("deploy/latest-v2/csi-node.yaml") == []
    assert found("deploy/latest/csi-node.yaml") == []
    # a file no release folder holds a copy of, or one beside no release folder, is judged
    assert found("deploy/latest-v2/csi-controller.yaml") == ["K8S001"]
    assert found("deploy/stable/csi-node.yaml") == ["K8S001"]
    assert found("deploy/csi-controller.yaml") == ["K8S001"]
    assert found("manifests/csi-node.yaml") == ["K8S001"]


def test_mutable_tags_in_manifests_of_developer_tooling_and_examples_are_not_reported():
    # loki's operator/hack/ and config/overlays/development/: a throwaway cluster, never a deployment
    text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec:
          containers:
            - name: a
              image: quay.io/acme/load-client:latest
              imagePullPolicy: IfNotPresent
            - name: b
              image: alpine/curl
    """
    for name in ("operator/hack/addons_logger.yaml", "config/overlays/development/minio/deployment.yaml",
                 "tools/dev/pod.yaml", "deploy/pod-dev.yaml", "test/e2e-job.yaml",
                 # argo-cd's manifests/dev-tilt/: what Tilt deploys on a developer's cluster
                 "manifests/dev-tilt/ui-deployment.yaml",
                 # grafana-operator's overlay for make deploy-chainsaw-debug (a stand-in http-echo)
                 "deploy/kustomize/overlays/chainsaw-debug/pod.yaml",
                 # oauth2-proxy's contrib/local-environment: a developer's own stack
                 "contrib/local-environment/kubernetes/pod.yaml",
                 # and examples their readers copy and pin (a Tekton task's samples, docs' examples)
                 "task/pull-request/0.2/samples/static.yaml", "docs/examples/multi-tls/app.yaml",
                 # documentation: tailscale's docs/k8s/ manifests, external-dns' tutorials
                 "docs/k8s/proxy.yaml", "site/tutorials/aws/foo-app.yml",
                 # a folder named for an example among other words: litmus' monitoring tutorial
                 "monitoring/utils/sample-application-under-test/sock-shop/carts-db.yaml",
                 "monitoring/utils/sample-chaos-injectors/orders/workflow.yaml", "demo/kubecon-demo/pod.yaml",
                 # the CI's own: kubeflow's e2e manifests for a kind cluster
                 ".github/resources/manifests/base/minio.yaml",
                 # a Job template a Task runs by hand (rafaribe's and carpenike's VolSync unlock, Rook wipe)
                 ".taskfiles/VolSync/templates/unlock.tmpl.yaml",
                 # a template folder a script copies and fills in: kserve's version-template
                 "config/overlays/version-template/cluster-resources/pod.yaml", "template/pod.yaml",
                 # a file named for a demo or a sample: autoscaler's bizflycloud manifest/demo.yaml
                 "cluster-autoscaler/cloudprovider/bizflycloud/manifest/demo.yaml", "deploy/nginx-demo.yaml",
                 "deploy/sample-app.yaml"):
        assert check(text, "K8S00", kind="kubernetes", name=name) == [], name
    # a file that says in its opening comment it is not for production (pyroscope's lgtm.yaml)
    for head in ("# this is intended for demo / testing purposes only, not for production usage",
                 "# DO NOT USE IN PRODUCTION", "# For testing purposes only.",
                 "# WARNING: this stack is not meant for production",
                 "# Example manifest - for demo purposes only", "# This deployment should not be used in production",
                 "# Sample deployment. Not for production use.", "# This example is for local testing purposes only",
                 "# DEMO ONLY - not for production", "# This is an example configuration for testing purposes only",
                 # redash's compose.yaml
                 "# This configuration file is for the **development** setup."):
        assert check(f"\n        {head}{text}", "K8S00", kind="kubernetes", name="deploy/lgtm.yaml") == [], head
    # what says nothing of it: production in other words, a phrase about one part of the file, a
    # comment below the opening lines
    for head in ("# production-ready defaults", "# used in production by acme",
                 "# acme-api deployment. Maintained by the dev team; for internal purposes only.",
                 "# Postgres for acme. The default password below must not be used in production.",
                 "# Release image; the debug container at the end is for testing purposes only.",
                 "# The password below should not be used in production",
                 "# Production manifests - development only changes go to overlays/dev",
                 "# WARNING: development only values are in values-dev.yaml",
                 "# Deploys the API. Testing only happens in staging.",
                 "# For development setup, see docs/dev.md", "# This is for the production setup"):
        assert len(check(f"\n        {head}{text}", "K8S00", kind="kubernetes", name="deploy/lgtm.yaml")) == 2, head
    late = text.replace("spec:", "spec:  # not for production")
    assert len(check(late, "K8S00", kind="kubernetes", name="deploy/lgtm.yaml")) == 2
    # a word "local" or "tools" in a folder's name says too little (rancher's local-path-provisioner),
    # and a chart's (or any) templates/ folder, a file named as a template, a "templated" folder are no template folder
    # nor is a word that only contains one of the example words (resampler, democracy)
    for name in ("deploy/client.yaml", "deploy/local-path-provisioner/client.yaml", "k8s-tools-x/client.yaml",
                 "deploy/resampler/client.yaml", "democracy-app/client.yaml", "debugger/client.yaml",
                 "backend/debug-agent/k8s/client.yaml",
                 "deploy/templates/client.yaml", "deploy/pod-template.yaml", "templated-k8s/client.yaml",
                 "deploy/demonstration-api.yaml", "deploy/resample.yaml",
                 # Open Cluster Management's hub cluster is named local-cluster: a deployment
                 "clusters/local-cluster/apps/client.yaml",
                 # a manifest that names the product Gitpod, not a Gitpod workspace's Dockerfile
                 "install/kots/manifests/gitpod-installer-job.yaml"):
        assert len(check(text, "K8S00", kind="kubernetes", name=name)) == 2, name
    assert check(text, "K8S00", kind="kubernetes", name="deploy/client.yaml") == [
        "7:14 K8S001 Image quay.io/acme/load-client:latest uses the mutable tag latest.",
        "10:14 K8S002 Image alpine/curl has no tag, so the node pulls alpine/curl:latest.",
    ]


ALPHA_WORKLOAD = """
    apiVersion: scheduling.k8s.io/v1alpha2
    kind: Workload
    metadata:
      name: training
    ---
    apiVersion: policy/v1beta1
    kind: PodDisruptionBudget
    metadata:
      name: api
"""


def test_k8s004_judges_against_the_release_the_repositorys_go_module_builds_against(tmp_path):
    # kubernetes-sigs/jobset: examples for the 1.36 alpha scheduling API, in a repository on
    # k8s.io/api v0.36 (the Hugo site's own go.mod, which requires no Kubernetes module, between)
    from archlint.parsers.gomod import kubernetes_release

    (tmp_path / ".git").mkdir()
    (tmp_path / "go.mod").write_text("module sigs.k8s.io/jobset\n\nrequire (\n\tk8s.io/api v0.36.3\n"
                                     "\tk8s.io/client-go v0.36.3 // indirect\n)\n\nreplace k8s.io/api => k8s.io/api v0.20.0\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "go.mod").write_text("module sigs.k8s.io/jobset/site\n\nrequire github.com/google/docsy v0.12.0\n")
    example = tmp_path / "site" / "examples" / "workload.yaml"
    example.parent.mkdir(parents=True)
    example.write_text(dedent(ALPHA_WORKLOAD))

    def k8s004():
        fr = lint_path(example, display="site/examples/workload.yaml", kind="kubernetes")
        return show(findings(fr, "K8S004")), fr.deps

    shown, deps = k8s004()
    assert shown == [
        "6:13 K8S004 PodDisruptionBudget policy/v1beta1 was removed in Kubernetes 1.25, so applying it fails"
        " (Kubernetes 1.36, which go.mod's k8s.io/api v0.36.3 builds against; set kubernetes-version)."]
    assert str(tmp_path / "go.mod") in deps and str(tmp_path / "site" / "go.mod") in deps  # the cache checks them
    # a module of Kubernetes itself, and one on the newest release: the newest release is the target
    # a run of digits that is no version (int() refuses over 4,300 digits) is not read as one
    assert kubernetes_release("require k8s.io/api v0." + "9" * 5000 + ".1\n") is None
    assert kubernetes_release("module k8s.io/kubernetes\nrequire k8s.io/kubernetes v1.30.2\n") == (
        (1, 30), "k8s.io/kubernetes v1.30.2")
    (tmp_path / "go.mod").write_text("module x\n\nrequire k8s.io/api v0.37.0\n")
    shown, _deps = k8s004()
    assert len(shown) == 2 and all("(Kubernetes 1.37, the newest release archlint knows" in s for s in shown)
    # a configured kubernetes-version wins over the go.mod
    (tmp_path / "go.mod").write_text("module x\n\nrequire k8s.io/api v0.30.0\n")
    fr = lint_path(example, display="site/examples/workload.yaml", kind="kubernetes", kubernetes_version="1.37")
    assert len(findings(fr, "K8S004")) == 2


OLD_CRD = """\
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata:
  name: targetgroupbindings.elbv2.k8s.aws
"""


def test_an_older_release_manifest_beside_newer_ones_is_a_record(tmp_path):
    # aws-load-balancer-controller keeps docs/install/v2_0_0_full.yaml ... v2_2_4_full.yaml: what
    # each release installed; the newest is judged, and a new release makes the older ones records
    write_files(tmp_path, {
        "install/v2_0_0_full.yaml": OLD_CRD,
        "install/v2_1_3_full.yaml": OLD_CRD,
        "install/install_v2_0_0_rc4.yaml": OLD_CRD,
        "install/install_v2_0_0.yaml": OLD_CRD.replace("v1beta1", "v1"),
        "other/crd-1.2.yaml": OLD_CRD,
        # versions without a v are variants, not releases (an OS, a date): both judged
        "variants/ubuntu-20.04.yaml": OLD_CRD,
        "variants/ubuntu-22.04.yaml": OLD_CRD,
    })
    got = {p: [f.rule_id for f in findings(lint_path(tmp_path / p, p), "K8S004")]
           for p in ("install/v2_0_0_full.yaml", "install/v2_1_3_full.yaml", "install/install_v2_0_0_rc4.yaml",
                     "other/crd-1.2.yaml", "variants/ubuntu-20.04.yaml")}
    assert got == {"install/v2_0_0_full.yaml": [], "install/v2_1_3_full.yaml": ["K8S004"],
                   "install/install_v2_0_0_rc4.yaml": [],  # the release 2.0.0 came after its rc4
                   "other/crd-1.2.yaml": ["K8S004"], "variants/ubuntu-20.04.yaml": ["K8S004"]}
    r = lint_path(tmp_path / "install/v2_0_0_full.yaml", "install/v2_0_0_full.yaml")
    assert str(tmp_path / "install") in r.deps  # a newer release appearing changes the result


def test_an_ansible_role_s_file_that_its_template_twin_replaces_is_a_seed(tmp_path):
    # ks-installer's ks-monitor role: copies files/prometheus, then writes
    # templates/prometheus-podDisruptionBudget.yaml.j2 (policy/v1 from Kubernetes 1.25) over the copy
    pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  minAvailable: 1\n"
    write_files(tmp_path, {
        "roles/ks-monitor/files/prometheus/prometheus/prometheus-podDisruptionBudget.yaml": pdb,
        "roles/ks-monitor/files/prometheus/alertmanager/alertmanager-podDisruptionBudget.yaml": pdb,
        "roles/ks-monitor/templates/sub/prometheus-podDisruptionBudget.yaml.j2": "{% if x %}\n" + pdb + "{% endif %}\n",
        # another role's template of the same name replaces nothing here
        "roles/other/templates/alertmanager-podDisruptionBudget.yaml.j2": pdb,
    })
    got = {p: [f.rule_id for f in findings(lint_path(tmp_path / p, p), "K8S004")]
           for p in ("roles/ks-monitor/files/prometheus/prometheus/prometheus-podDisruptionBudget.yaml",
                     "roles/ks-monitor/files/prometheus/alertmanager/alertmanager-podDisruptionBudget.yaml")}
    assert got == {"roles/ks-monitor/files/prometheus/prometheus/prometheus-podDisruptionBudget.yaml": [],
                   "roles/ks-monitor/files/prometheus/alertmanager/alertmanager-podDisruptionBudget.yaml": ["K8S004"]}
    # the templates tree is an input: a template added later changes the result
    r = lint_path(tmp_path / "roles/ks-monitor/files/prometheus/alertmanager/alertmanager-podDisruptionBudget.yaml",
                  "roles/ks-monitor/files/prometheus/alertmanager/alertmanager-podDisruptionBudget.yaml")
    assert str(tmp_path / "roles/ks-monitor/templates/sub") in r.deps
    (tmp_path / "roles/ks-monitor/templates/alertmanager-podDisruptionBudget.yaml.j2").write_text(pdb)
    p = "roles/ks-monitor/files/prometheus/alertmanager/alertmanager-podDisruptionBudget.yaml"
    assert findings(lint_path(tmp_path / p, p), "K8S004") == []
    # a repository checked out under someone's roles/x/files/: only its own folders count
    outer = tmp_path / "outer"
    write_files(outer, {"roles/x/files/repo/pdb.yaml": pdb, "roles/x/templates/pdb.yaml.j2": pdb,
                        "roles/x/files/repo/.git/HEAD": "ref: refs/heads/main\n"})
    assert [f.rule_id for f in findings(lint_path(outer / "roles/x/files/repo/pdb.yaml", "pdb.yaml"), "K8S004")] == [
        "K8S004"]


def test_an_image_with_no_version_tags_is_reported_only_where_an_updater_keeps_its_digest(tmp_path):
    # karmada's charts: bitnamisecure/kubectl, whose free catalogue publishes only latest
    # (bitnami/containers#86710): a digest by hand would stop its fixes; Renovate would move it
    values = "kubectl:\n  image:\n    registry: docker.io\n    repository: bitnamisecure/kubectl\n    tag: latest\n" \
             "cfssl:\n  image:\n    registry: docker.io\n    repository: cfssl/cfssl\n    tag: latest\n"
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
           "  - {name: a, image: gcr.io/distroless/static:latest}\n  - {name: b, image: bitnamisecure/kubectl}\n"
           "  - {name: c, image: alpine:latest}\n  - {name: d, image: 'index.docker.io/bitnamisecure/kubectl:latest'}\n"
           # (Chainguard's free images on Docker Hub as on cgr.dev: latest and latest-dev only)
           "  - {name: e, image: chainguard/bash:latest}\n"
           # (docker.io/bitnami since its versions moved to bitnamilegacy: latest only, bitnami/containers#88999)
           "  - {name: f, image: docker.io/bitnami/kubectl:latest}\n"
           # (and its mirror on ECR Public: timtorChen's homelab)
           "  - {name: g, image: public.ecr.aws/bitnami/kubectl:latest}\n")
    (tmp_path / ".git").mkdir()
    write_files(tmp_path, {"charts/karmada/Chart.yaml": "apiVersion: v2\nname: karmada\nversion: 1.0.0\n",
                           "charts/karmada/templates/.keep": "",
                           "charts/karmada/values.yaml": values, "deploy/pod.yaml": pod})

    def seen():
        got = [(f.rule_id, f.span.line) for f in findings(lint_path(tmp_path / "charts/karmada/values.yaml",
                                                                        "charts/karmada/values.yaml"), "K8S00")]
        return got + [(f.rule_id, f.span.line) for f in findings(lint_path(tmp_path / "deploy/pod.yaml",
                                                                           "deploy/pod.yaml"), "K8S00")]

    assert seen() == [("K8S001", 10), ("K8S001", 8)]  # cfssl's, alpine's: versions exist
    write_files(tmp_path, {"renovate.json": '{"extends": ["config:recommended"]}'})
    assert seen() == [("K8S001", 5), ("K8S001", 10), ("K8S001", 6), ("K8S002", 7), ("K8S001", 8), ("K8S001", 9),
                      ("K8S001", 10), ("K8S001", 11), ("K8S001", 12)]
    hints = {f.span.line: f.hint for f in findings(lint_path(tmp_path / "deploy/pod.yaml", "deploy/pod.yaml"), "K8S001")}
    assert hints[11] == "pin a digest (docker.io/bitnami/kubectl publishes no version tags)"
    assert hints[12] == "pin a digest (public.ecr.aws/bitnami/kubectl publishes no version tags)"
    assert hints[8] == "pin a version tag such as alpine:<version>, or a digest"


def test_compose_and_command_images_with_no_version_tags_follow_the_same_list(tmp_path):
    # httpbin's original image, latest only since 2018 (oauth2-proxy's and ingress-nginx' stacks,
    # envoy-gateway's tasks): DC001 and BC006's deployed images read the list K8S001 reads
    compose = ("services:\n  db:\n    image: postgres:16.4\n  httpbin:\n    image: kennethreitz/httpbin\n"
               "  web:\n    image: nginx:latest\n")
    script = ("kubectl create deploy httpbin --image=kennethreitz/httpbin\n"
              "kubectl run web --image=docker.io/kennethreitz/httpbin:latest\nkubectl run x --image=nginx\n")
    (tmp_path / ".git").mkdir()
    write_files(tmp_path, {"deploy/compose.yaml": compose, "deploy/run.sh": script})

    def seen():
        return [(f.rule_id, f.span.line) for rel in ("deploy/compose.yaml", "deploy/run.sh")
                for f in findings(lint_path(tmp_path / rel, rel), "") if f.rule_id in ("DC001", "BC006")]

    assert seen() == [("DC001", 7), ("BC006", 3)]
    # Dependabot's docker-compose ecosystem moves a compose file's digests (its docker one does not);
    # Renovate's docker-compose manager does; no updater reads a script
    dependabot = "version: 2\nupdates:\n  - package-ecosystem: {eco}\n    directory: /deploy\n    schedule: {{interval: weekly}}\n"
    write_files(tmp_path, {".github/dependabot.yml": dependabot.format(eco="docker")})
    assert seen() == [("DC001", 7), ("BC006", 3)]
    write_files(tmp_path, {".github/dependabot.yml": dependabot.format(eco="docker-compose")})
    assert seen() == [("DC001", 5), ("DC001", 7), ("BC006", 3)]
    (tmp_path / ".github/dependabot.yml").unlink()
    write_files(tmp_path, {"renovate.json": '{"extends": ["config:recommended"]}'})
    assert seen() == [("DC001", 5), ("DC001", 7), ("BC006", 3)]


def test_a_container_a_patch_deletes_is_not_deployed():
    # gcp-filestore-csi-driver's overlays/stable-1-16/no_snapshotter_sidecar.yaml: a strategic-merge
    # patch deleting the snapshotter sidecar, whose untagged image is never pulled
    text = """
        kind: Deployment
        apiVersion: apps/v1
        metadata: {name: csi-controller}
        spec:
          template:
            spec:
              containers:
                - $patch: delete
                  name: csi-external-snapshotter
                  image: registry.k8s.io/sig-storage/csi-snapshotter
                - name: kept
                  image: registry.k8s.io/sig-storage/csi-resizer
    """
    assert [x.split(" has")[0] for x in check(text, "K8S002", kind="kubernetes")] == [
        "12:18 K8S002 Image registry.k8s.io/sig-storage/csi-resizer"]


def test_a_yaml_file_of_compose_keys_is_a_compose_file_whatever_its_name():
    # opea's docker_image_build/build.yaml and compose_openai.yaml; not Lando's .lando.yml
    # (build: [npm install]), Render's render.yaml (image: {url: ...}), nor a map with other keys
    from archlint.kinds import detect

    def kind(name, text):
        return detect(name, text.encode())

    assert kind("x/build.yaml", "services:\n  codegen:\n    build:\n      context: ../\n"
                                "    image: ${REGISTRY:-opea}/codegen:${TAG:-latest}\n") == "compose"
    assert kind("x/compose_openai.yaml", "services:\n  db:\n    image: mariadb:latest\n") == "compose"
    assert kind(".lando.yml", "name: app\nservices:\n  node:\n    type: node:16\n    build:\n      - npm install\n") is None
    assert kind("render.yaml", "services:\n  - type: web\n    image:\n      url: docker.io/acme/web\n") is None
    assert kind("app.yaml", "services:\n  db:\n    image: mariadb:11\nspec:\n  replicas: 2\n") is None


HELM_RELEASE_VALUES = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: fb2mqtt
spec:
  chart:
    spec:
      chart: app-template
      version: 3.5.1
  values:
    controllers:
      main:
        containers:
          app:
            image:
              repository: gordlea/fireboard2mqtt
              tag: latest
              pullPolicy: IfNotPresent
          side:
            image:
              repository: ghcr.io/acme/side
              tag: 1.2.3
    test:
      image:
        repository: busybox
        tag: latest
    podAnnotations:
      tag: latest
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  source:
    chart: web
    helm:
      valuesObject:
        image: ghcr.io/acme/web:latest
"""


ARGO_VALUES_STRING = """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: recordbuddy
spec:
  source:
    chart: app-template
    helm:
      values: |-
        defaults: &img
          repository: ghcr.io/acme/side
          tag: latest
        controllers:
          worker:
            containers:
              app:
                image:
                  repository: ghcr.io/acme/worker
                  tag: latest
              side:
                image: *img
  sources:
    - chart: other
      helm:
        values: >
          image: {repository: ghcr.io/acme/folded, tag: latest}
    - chart: broken
      helm:
        values: |
          image: [repository: x
"""


def test_k8s001_a_values_image_whose_registry_is_filled_in_later_has_a_known_tag(tmp_path):
    # bjw-s/k8s-gitops' cdn HelmRelease: repository ${PRIVATE_REGISTRY_1}/bjw-s/assets (Flux's post-build
    # substitution) at tag latest; a repository that is a variable alone, or a template, stays unknown
    text = """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: cdn}
        spec:
          values:
            image: {repository: "${PRIVATE_REGISTRY_1}/bjw-s/assets", tag: latest}
            other:
              image: {repository: "${IMAGE}", tag: latest}
            third:
              image: {repository: "{{ .Values.registry }}/x", tag: latest}
    """
    assert check(text, "K8S001", kind="kubernetes") == [
        "6:68 K8S001 Helm values set image ${PRIVATE_REGISTRY_1}/bjw-s/assets to the mutable tag latest."]
    # a GitOps layout's namespace folder is no developer tooling, whatever its name (bjw-s' cluster/apps/dev/)
    write_files(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", "cluster/apps/dev/cdn/hr.yaml": dedent(text),
                           "tools/dev/hr.yaml": dedent(text)})
    assert [f.rule_id for f in findings(lint_path(tmp_path / "cluster/apps/dev/cdn/hr.yaml", "cluster/apps/dev/cdn/hr.yaml"),
                                        "K8S001")] == ["K8S001"]
    assert findings(lint_path(tmp_path / "tools/dev/hr.yaml", "tools/dev/hr.yaml"), "K8S001") == []


def test_k8s001_reads_an_applications_helm_values_string_where_it_is_a_literal_block():
    # PixelJonas/home-ops: Argo CD Applications of app-template whose helm.values is a YAML string;
    # its findings stand on the file's lines; a folded block or text that is no YAML: nothing
    assert check(ARGO_VALUES_STRING, "K8S00", kind="kubernetes") == [
        "12:16 K8S001 Helm values set image ghcr.io/acme/side to the mutable tag latest.",  # (the alias's anchor)
        "19:24 K8S001 Helm values set image ghcr.io/acme/worker to the mutable tag latest.",
    ]


def test_embedded_yaml_nodes_stand_where_their_text_is():
    from archlint.parsers import yamldoc
    from archlint.source import Source

    model = yamldoc.parse(Source("app.yaml", "a:\n  values: |\n    x:\n      - y: 1\n    z: \"q\"\n"))
    (root,) = yamldoc.embedded_mappings(model, yamldoc.value(yamldoc.value(model.documents[0], "a"), "values"))
    y = yamldoc.items(yamldoc.value(root, "x"))[0]
    assert tuple(model.content_span(yamldoc.value(y, "y")))[:2] == (4, 12)
    assert tuple(model.content_span(yamldoc.value(root, "z")))[:2] == (5, 9)
    assert yamldoc.embedded_mappings(model, yamldoc.value(model.documents[0], "a")) == []  # (a mapping)


def test_k8s001_reads_the_helm_values_a_helmrelease_or_application_holds():
    # carpenike's and truxnell's Flux HelmReleases (bjw-s app-template's controllers.X.containers.Y.image):
    # the chart's values sit in spec.values, read as a values file is; a chart's test section is not
    # deployed, a tag: outside an image: mapping is no image's
    assert check(HELM_RELEASE_VALUES, "K8S00", kind="kubernetes") == [
        "17:20 K8S001 Helm values set image gordlea/fireboard2mqtt to the mutable tag latest.",
        "39:16 K8S001 Image ghcr.io/acme/web:latest uses the mutable tag latest.",
    ]
    # another kind's spec.values is not a chart's values
    assert check(HELM_RELEASE_VALUES.replace("kind: HelmRelease", "kind: Widget").split("---")[0], "K8S00",
                 kind="kubernetes") == []
