"""Helm templates linted as what they render (archlint/helm/lint.py): findings on the template's
lines, values files as related locations, branches chosen for the configured Kubernetes version,
the chart's files as the result's inputs, rendered deployments in the project model."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from helpers import write_files

CHART = {
    "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: \"1.2.0\"\n",
    "chart/values.yaml": "image:\n  repository: registry.example.com/web\n  tag: \"1.2.0\"\n"
                         "sidecar: busybox\nnodeSelector:\n  kubernetes.io/arch: arm64\n",
    "chart/templates/_helpers.tpl": "{{- define \"web.name\" -}}\n{{ .Chart.Name }}-{{ .Release.Name }}\n{{- end }}\n",
    "chart/templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.name" . }}
spec:
  template:
    spec:
      {{- with .Values.nodeSelector }}
      nodeSelector: {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        - name: sidecar
          image: {{ .Values.sidecar }}
""",
    "chart/templates/ingress.yaml": """\
{{- if .Capabilities.APIVersions.Has "networking.k8s.io/v1/Ingress" }}
apiVersion: networking.k8s.io/v1
{{- else }}
apiVersion: extensions/v1beta1
{{- end }}
kind: Ingress
metadata:
  name: {{ include "web.name" . }}
""",
    "chart/templates/psp.yaml": "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: x\n",
}


def _check(root, *args, env=None):
    e = {**os.environ, "NO_COLOR": "1", **(env or {})}
    p = subprocess.run([sys.executable, "-m", "archlint", "check", "--exit-zero", "--output-format", "json", *args],
                       cwd=root, env=e, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def _found(doc, prefix=""):
    return sorted((f["path"], f["line"], f["rule"], f["message"]) for f in doc["findings"]
                  if f["rule"].startswith(prefix) and not f["suppressed"])


def test_findings_are_placed_on_the_template_lines_with_the_values_that_made_them(tmp_path):
    write_files(tmp_path, {".git/x": "", **CHART})
    doc = _check(tmp_path, "--no-cache", ".")
    assert _found(doc, "K8S") == [
        ("chart/templates/deployment.yaml", 15, "K8S002", "Image busybox has no tag, so the node pulls busybox:latest."),
        ("chart/templates/psp.yaml", 1, "K8S004",
         "PodSecurityPolicy policy/v1beta1 was removed in Kubernetes 1.25, so applying it fails (Kubernetes 1.37, the "
         "newest release archlint knows; set kubernetes-version)."),
    ]
    (k8s002,) = [f for f in doc["findings"] if f["rule"] == "K8S002"]
    assert k8s002["column"] == 11 and k8s002.get("fix") is None
    p = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache", "--exit-zero", "chart"], cwd=tmp_path,
                       env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True, timeout=120)
    assert "15 |           image: {{ .Values.sidecar }}\n" in p.stdout
    assert "   = see: chart/values.yaml:4: sidecar is set to 'busybox' here\n" in p.stdout
    # no finding of the renderer's own making: the file is not "templated, not linted" any more
    assert [n for n in doc["notices"] if n["rule"] in ("AL001", "AL003", "AL004")] == []


def test_a_branch_on_capabilities_is_judged_as_helm_would_choose_it(tmp_path):
    write_files(tmp_path, {".git/x": "", **CHART})
    # 1.18 serves no networking.k8s.io/v1 Ingress: Helm takes the fallback, which 1.18 deprecates
    old = _found(_check(tmp_path, "--no-cache", "--kubernetes-version", "1.18", "chart"), "K8S00")
    assert ("chart/templates/ingress.yaml", 4, "K8S003",
            "Ingress extensions/v1beta1 is deprecated since Kubernetes 1.14 and is removed in 1.22 "
            "(kubernetes-version 1.18).") in old
    new = _found(_check(tmp_path, "--no-cache", "--kubernetes-version", "1.29", "chart"), "K8S00")
    assert [f for f in new if f[0] == "chart/templates/ingress.yaml"] == []  # the v1 branch


def test_an_image_a_values_file_gives_under_image_is_reported_there_once(tmp_path):
    files = dict(CHART)
    files["chart/values.yaml"] = files["chart/values.yaml"].replace('tag: "1.2.0"', "tag: latest")
    write_files(tmp_path, {".git/x": "", **files})
    found = _found(_check(tmp_path, "--no-cache", "."), "K8S001")
    # the values file says it where the fix goes; the template that uses it does not repeat it
    assert found == [("chart/values.yaml", 3, "K8S001",
                      "Helm values set image registry.example.com/web to the mutable tag latest.")]


def test_the_values_hint_offers_the_appversion_only_where_a_template_reads_it(tmp_path):
    # kor's and open-webui's terminals charts render "repository:tag" as written: an empty tag is
    # an invalid reference there; a chart whose template defaults the tag to .Chart.AppVersion
    files = dict(CHART)
    files["chart/values.yaml"] = files["chart/values.yaml"].replace('tag: "1.2.0"', "tag: latest")
    # (helm create's labels print the appVersion: no fallback)
    files["chart/templates/_helpers.tpl"] += 'app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}\n'
    write_files(tmp_path / "plain", {".git/x": "", **files})
    hints = [f["hint"] for f in _check(tmp_path / "plain", "--no-cache", ".")["findings"] if f["rule"] == "K8S001"]
    assert hints == ["set tag to a version"]
    files["chart/templates/deployment.yaml"] = files["chart/templates/deployment.yaml"].replace(
        "{{ .Values.image.tag }}", "{{ .Values.image.tag | default .Chart.AppVersion }}")
    write_files(tmp_path / "defaulted", {".git/x": "", **files})
    hints = [f["hint"] for f in _check(tmp_path / "defaulted", "--no-cache", ".")["findings"] if f["rule"] == "K8S001"]
    assert hints == ["set tag to a version (or leave it empty to use the chart's appVersion)"]


def test_a_latest_the_template_writes_itself_is_the_templates_though_values_give_the_repository(tmp_path):
    # the values give image.repository and an empty tag, the template writes :latest: the values
    # file has nothing to say (its tag is not latest), so the template's line says it
    files = dict(CHART)
    files["chart/values.yaml"] = files["chart/values.yaml"].replace('tag: "1.2.0"', 'tag: ""')
    files["chart/templates/deployment.yaml"] = files["chart/templates/deployment.yaml"].replace(
        "{{ .Values.image.repository }}:{{ .Values.image.tag }}", "{{ .Values.image.repository }}:latest")
    write_files(tmp_path, {".git/x": "", **files})
    assert _found(_check(tmp_path, "--no-cache", "."), "K8S001") == [
        ("chart/templates/deployment.yaml", 13, "K8S001", "Image registry.example.com/web:latest uses the mutable tag latest.")]


def test_a_deprecated_node_label_of_the_values_is_reported_there_once(tmp_path):
    # onap's ovn4nfv chart: `{{- with .Values.ovn.nodeSelector }} {{- toYaml . | nindent 8 }}` renders
    # the values' beta.kubernetes.io/os; K8S005 is the values file's, not again at the toYaml line
    files = dict(CHART)
    files["chart/values.yaml"] = files["chart/values.yaml"].replace("kubernetes.io/arch: arm64",
                                                                    "beta.kubernetes.io/os: linux")
    write_files(tmp_path, {".git/x": "", **files})
    assert [(p, line, r) for p, line, r, _m in _found(_check(tmp_path, "--no-cache", "."), "K8S005")] == [
        ("chart/values.yaml", 6, "K8S005")]
    # a label the template writes itself is the template's
    (tmp_path / "chart/templates/ds.yaml").write_text(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n"
        "      nodeSelector:\n        beta.kubernetes.io/os: linux\n      containers:\n      - name: d\n"
        "        image: busybox:1.36\n")
    assert [(p, line) for p, line, r, _m in _found(_check(tmp_path, "--no-cache", "."), "K8S005")] == [
        ("chart/templates/ds.yaml", 9), ("chart/values.yaml", 6)]


def test_an_image_of_the_values_that_the_render_lost_the_origin_of_is_the_values_files(tmp_path):
    # opentelemetry-demo: each component's init containers go through include and toYaml, which
    # keep no origin; K8S001 is the values file's finding, and K8S002 names the values line
    write_files(tmp_path, {
        ".git/x": "",
        "chart/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        "chart/values.yaml": "components:\n  ad:\n    initContainers:\n      - name: wait\n"
                             "        image: busybox:latest\n      - name: init\n        image: busybox\n",
        "chart/templates/_pod.tpl": "{{- define \"demo.pod\" -}}\napiVersion: v1\nkind: Pod\nmetadata:\n"
                                    "  name: {{ .name }}\nspec:\n  initContainers:\n"
                                    "  {{- toYaml .initContainers | nindent 2 }}\n  containers: []\n{{- end }}\n",
        "chart/templates/pods.yaml": "{{- range $name, $c := .Values.components }}\n"
                                     "{{- $c := set . \"name\" $name }}\n{{ include \"demo.pod\" $c }}\n{{- end }}\n",
    })
    doc = _check(tmp_path, "--no-cache", ".")
    assert _found(doc, "K8S00") == [
        ("chart/templates/pods.yaml", 3, "K8S002", "Image busybox has no tag, so the node pulls busybox:latest."),
        ("chart/values.yaml", 5, "K8S001", "Image busybox:latest uses the mutable tag latest."),
    ]
    text = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache", "--exit-zero", "--select", "K8S002",
                           "."], cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True,
                          timeout=120).stdout
    assert "= see: chart/values.yaml:7: image is set to 'busybox' here" in text, text
    # an image the template writes itself is the template's, whatever a values file holds
    (tmp_path / "chart/templates/job.yaml").write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: j\n        image: busybox:latest\n")
    assert ("chart/templates/job.yaml", 10, "K8S001", "Image busybox:latest uses the mutable tag latest.") in \
        _found(_check(tmp_path, "--no-cache", "."), "K8S00")


def test_the_app_version_of_a_chart_its_release_stamps_is_not_known(tmp_path):
    # kyverno's development chart: version v0.0.0, appVersion latest, images tagged with the
    # appVersion: the release sets both versions
    files = dict(CHART)
    files["chart/templates/deployment.yaml"] = files["chart/templates/deployment.yaml"].replace(
        "{{ .Values.image.repository }}:{{ .Values.image.tag }}", "registry.example.com/web:{{ .Chart.AppVersion }}")
    stamped = {**files, "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: v0.0.0  # VERSION\nappVersion: latest\n"}
    write_files(tmp_path, {".git/x": "", **stamped})
    assert _found(_check(tmp_path, "--no-cache", "."), "K8S001") == []
    # a released chart whose appVersion is latest is reported where the template uses it
    released = {**files, "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.4.0\nappVersion: latest\n"}
    write_files(tmp_path, released)
    assert _found(_check(tmp_path, "--no-cache", "."), "K8S001") == [
        ("chart/templates/deployment.yaml", 13, "K8S001",
         "Image registry.example.com/web:latest uses the mutable tag latest.")]


def test_a_suppression_comment_in_the_template_applies(tmp_path):
    files = dict(CHART)
    files["chart/templates/psp.yaml"] = "apiVersion: policy/v1beta1  # archlint: ignore[K8S004]\n" \
                                        "kind: PodSecurityPolicy\nmetadata:\n  name: x\n"
    write_files(tmp_path, {".git/x": "", **files})
    assert [f for f in _found(_check(tmp_path, "--no-cache", ".")) if f[0] == "chart/templates/psp.yaml"] == []


def test_the_charts_files_are_the_templates_inputs_in_the_result_cache(tmp_path):
    write_files(tmp_path, {".git/x": "", **CHART})
    env = {"ARCHLINT_CACHE_DIR": str(tmp_path / "cache")}
    assert [f for f in _found(_check(tmp_path, ".", env=env)) if f[2] == "K8S002"]
    past = time.time() - 100
    for dirpath, _dirs, names in os.walk(tmp_path / "chart"):
        for n in names:
            os.utime(os.path.join(dirpath, n), (past, past))
    values = tmp_path / "chart" / "values.yaml"
    values.write_text(values.read_text().replace("sidecar: busybox", "sidecar: busybox:1.36"))
    os.utime(values, (past + 50, past + 50))
    # only values.yaml changed; the template's cached result depends on it
    assert [f for f in _found(_check(tmp_path, ".", env=env)) if f[2] == "K8S002"] == []


def test_a_rendered_deployment_is_in_the_project_model(tmp_path):
    write_files(tmp_path, {".git/x": "", **CHART,
                           ".archlint.toml": 'platforms = ["linux/amd64"]\n',
                           "Dockerfile": "FROM alpine:3.20\n",
                           "release.sh": "#!/bin/sh\ndocker buildx build --platform linux/amd64 "
                                         "-t registry.example.com/web:1.2.0 --push .\n"})
    xf = _found(_check(tmp_path, "--no-cache", "."), "XF")
    # the chart's pods select arm64 nodes; the only build of the image is amd64
    assert [(p, line, rule) for p, line, rule, _m in xf] == [("chart/templates/deployment.yaml", 13, "XF001")]


def test_a_subchart_renders_with_its_parents_values(tmp_path):
    write_files(tmp_path, {
        ".git/x": "",
        "app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: 0.1.0\n",
        "app/values.yaml": "db:\n  image: postgres\n",
        "app/charts/db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 0.1.0\n",
        "app/charts/db/values.yaml": "image: postgres:16.4\n",
        "app/charts/db/templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n"
                                            "  containers:\n    - name: db\n      image: {{ .Values.image }}\n",
    })
    doc = _check(tmp_path, "--no-cache", ".")
    # the parent's values win: postgres without a tag
    assert _found(doc, "K8S002") == [("app/charts/db/templates/pod.yaml", 8, "K8S002",
                                      "Image postgres has no tag, so the node pulls postgres:latest.")]


def test_templates_that_cannot_be_read_or_rendered_are_notices_and_the_run_goes_on(tmp_path):
    write_files(tmp_path, {".git/x": "", **CHART,
                           "chart/templates/bad.yaml": "a: {{ if .Values.x }}\n",
                           "chart/templates/loop.yaml": "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}"
                                                        "{{ include \"a\" . }}\n"})
    (tmp_path / "chart" / "templates" / "bin.yaml").write_bytes(b"\x00\x01kind: x\n")
    doc = _check(tmp_path, "--no-cache", ".")
    notes = {n["path"]: n["rule"] for n in doc["notices"]}
    assert notes.get("chart/templates/bad.yaml") == "AL003"
    assert notes.get("chart/templates/loop.yaml") == "AL003"
    assert "chart/templates/bin.yaml" in notes
    assert ("chart/templates/psp.yaml", 1, "K8S004") in [(p, ln, r) for p, ln, r, _m in _found(doc)]


def test_an_old_api_written_only_under_a_test_archlint_cannot_decide_is_not_reported(tmp_path):
    # bitnami's charts: the psp.supported helper is the common chart's, a dependency not in the
    # repository; a condition the values decide is still followed
    psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: x\n"
    files = dict(CHART, **{
        "chart/Chart.yaml": CHART["chart/Chart.yaml"] + "dependencies:\n  - name: common\n"
                                                        "    repository: oci://registry-1.docker.io/bitnamicharts\n"
                                                        "    version: 2.x.x\n",
        "chart/values.yaml": CHART["chart/values.yaml"] + "rbac:\n  pspEnabled: true\n",
        "chart/templates/psp.yaml": '{{- if and (include "common.capabilities.psp.supported" .) .Values.rbac.pspEnabled }}\n'
                                    + psp + "{{- end }}\n",
    })
    write_files(tmp_path / "a", files)
    assert [(p, r) for p, _ln, r, _m in _found(_check(tmp_path / "a", "--no-cache", "."), "K8S00") if r != "K8S002"] == []
    files["chart/templates/psp.yaml"] = "{{- if .Values.rbac.pspEnabled }}\n" + psp + "{{- end }}\n"
    write_files(tmp_path / "b", files)
    assert [(p, ln, r) for p, ln, r, _m in _found(_check(tmp_path / "b", "--no-cache", "."), "K8S004")] == [
        ("chart/templates/psp.yaml", 2, "K8S004")]


def test_an_editors_unsaved_template_is_rendered_as_it_stands(tmp_path):
    from archlint.config import Settings
    from archlint.engine import lint_text

    write_files(tmp_path, {".git/x": "", **CHART})
    path = tmp_path / "chart" / "templates" / "psp.yaml"
    buffer = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: x\n"  # not saved yet
    r = lint_text("chart/templates/psp.yaml", buffer, Settings(), abspath=str(path))
    assert r.kind == "helm-template" and r.findings == []
    r = lint_text("chart/templates/psp.yaml", path.read_text(), Settings(), abspath=str(path))
    assert [f.rule_id for f in r.findings] == ["K8S004"]


def test_a_chart_that_fails_for_values_the_user_must_give_renders_nothing_and_says_nothing(tmp_path):
    # loki's validate.yaml: {{ fail "You must provide a schema_config" }} unless the user sets it
    guard = ("{{- if not .Values.schema }}\n{{- fail \"You must provide a schema_config\" }}\n{{- end }}\n"
             "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
             "        - name: x\n          image: registry.example.com/x:latest\n")
    write_files(tmp_path, {".git/x": "", **CHART, "chart/templates/guarded.yaml": guard})
    doc = _check(tmp_path, "--no-cache", ".")
    assert [n for n in doc["notices"] if n["path"] == "chart/templates/guarded.yaml"] == []
    assert [f for f in _found(doc) if f[0] == "chart/templates/guarded.yaml"] == []
    # given the value, the template renders and is linted
    write_files(tmp_path, {"chart/values.yaml": CHART["chart/values.yaml"] + "schema: v13\n"})
    assert [f[1:3] for f in _found(_check(tmp_path, "--no-cache", ".")) if f[0] == "chart/templates/guarded.yaml"] \
        == [(11, "K8S001")]


def test_a_dependency_chart_from_a_chart_repository_is_vendored(tmp_path):
    # metalk8s' kube-prometheus-stack: charts/grafana/ is what helm dependency update unpacked from
    # https://grafana.github.io/helm-charts, another project's chart; a file:// dependency or a
    # subchart the parent does not list is the repository's own and linted
    sub_values = "renderer:\n  image: quay.io/acme/renderer:latest\n"
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n"
           "    image: {{ .Values.renderer.image }}\n")
    write_files(tmp_path, {
        ".git/x": "",
        "stack/Chart.yaml": "apiVersion: v2\nname: stack\nversion: 1.0.0\ndependencies:\n"
                            "- name: crds\n  repository: \"\"\n  version: 0.0.0\n"
                            "- condition: grafana.enabled\n  name: grafana\n"
                            "  repository: https://grafana.github.io/helm-charts\n  version: 8.3.*\n"
                            "- name: own\n  repository: file://../own\n  version: 0.1.0\n"
                            "- name: loki\n  repository: oci://registry.example.com/charts\n  version: 6.0.0\n",
        "stack/values.yaml": "grafana:\n  enabled: true\n",
        "stack/charts/grafana/Chart.yaml": "apiVersion: v2\nname: grafana\nversion: 8.3.1\n",
        "stack/charts/grafana/values.yaml": sub_values,
        "stack/charts/own/Chart.yaml": "apiVersion: v2\nname: own\nversion: 0.1.0\n",
        "stack/charts/own/values.yaml": sub_values,
        "stack/charts/crds/Chart.yaml": "apiVersion: v2\nname: crds\nversion: 0.0.0\n",
        "stack/charts/crds/values.yaml": sub_values,
        "stack/charts/grafana/templates/pod.yaml": pod, "stack/charts/own/templates/pod.yaml": pod,
        "stack/charts/crds/templates/pod.yaml": pod,
        "stack/charts/loki/Chart.yaml": "apiVersion: v2\nname: loki\nversion: 6.0.0\n",
        "stack/charts/loki/values.yaml": sub_values, "stack/charts/loki/templates/pod.yaml": pod,
    })
    assert [(p, line, r) for p, line, r, _m in _found(_check(tmp_path, "--no-cache", "."), "K8S001")] == [
        ("stack/charts/crds/values.yaml", 2, "K8S001"), ("stack/charts/own/values.yaml", 2, "K8S001")]


def test_a_dependency_list_edited_in_a_running_process_is_read_again(tmp_path):
    # the language server keeps its process: a Helm 2 chart's requirements.yaml written after the
    # first answer (Chart.yaml untouched) makes charts/redis/ another project's chart
    from archlint import kinds
    write_files(tmp_path, {"app/Chart.yaml": "apiVersion: v1\nname: app\nversion: 1.0.0\n",
                           "app/charts/redis/Chart.yaml": "apiVersion: v1\nname: redis\nversion: 10.0.0\n",
                           "app/charts/redis/templates/pod.yaml": "kind: Pod\n"})
    pod = str(tmp_path / "app/charts/redis/templates/pod.yaml")
    assert kinds.vendored_chart(pod) is False
    write_files(tmp_path, {"app/requirements.yaml": "dependencies:\n- name: redis\n  version: 10.0.0\n"
                                                    "  repository: https://charts.bitnami.com/bitnami\n"})
    assert kinds.vendored_chart(pod) is True


def test_a_charts_kube_version_bounds_the_release_its_apis_are_judged_for(tmp_path):
    # IBM's ibm-istio-remote: kubeVersion "1.9.0 - 1.16.0"; Helm installs it on no cluster where
    # rbac v1beta1 is gone (1.22), so its ClusterRoleBinding is no K8S004; policy/v1beta1's
    # PodSecurityPolicy, removed in 1.25, neither; a chart open upwards is judged as before
    crb = "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRoleBinding\nmetadata:\n  name: x\n"
    for name, bound, expected in (("old", 'kubeVersion: "1.9.0 - 1.16.0"\n', []),
                                  ("lt", "kubeVersion: \">=1.9.0 <1.22.0\"\n", []),
                                  ("open", "kubeVersion: \">=1.9.0\"\n", [("open/templates/crb.yaml", 1, "K8S004")]),
                                  ("none", "", [("none/templates/crb.yaml", 1, "K8S004")])):
        root = tmp_path / name
        write_files(root, {".git/x": "", f"{name}/Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{bound}",
                           f"{name}/values.yaml": "a: 1\n", f"{name}/templates/crb.yaml": crb})
        assert [(p, line, r) for p, line, r, _m in _found(_check(root, "--no-cache", "."), "K8S004")] == expected, name
