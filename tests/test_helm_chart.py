"""A Helm chart as one unit (archlint/helm/chart.py): values files, schema defaults, helpers,
subcharts, Capabilities-guarded branches, the line and values provenance of what renders, and
bad input as notices.  The chart under tests/data/helm/webapp was written for these tests."""
from __future__ import annotations

import os
import time

from archlint.helm import load_chart

CHART = os.path.join(os.path.dirname(__file__), "data", "helm", "webapp")
NEW_APIS = ("networking.k8s.io/v1", "policy/v1/")


def chart(**kw):
    kw.setdefault("kube_version", "1.29")
    kw.setdefault("api_has", lambda api: api.startswith(NEW_APIS))
    return load_chart(CHART, **kw)


def docs(c, template):
    r = c.render(template)
    assert r.notices == []
    return r.documents


def test_a_chart_is_recognised_by_chart_yaml(tmp_path):
    assert load_chart(str(tmp_path)) is None
    c = chart()
    assert c.name == "webapp" and c.notices == []
    # helpers, NOTES.txt and the subchart whose condition is off are not rendered
    assert c.renderable() == ["charts/cache/templates/statefulset.yaml", "templates/deployment.yaml",
                              "templates/ingress.yaml", "templates/service.yaml"]
    # a template of the switched-off subchart renders nothing, without a notice (kyverno's grafana)
    off = c.render("charts/off/templates/job.yaml")
    assert (off.documents, off.notices) == ([], [])


def test_deployment_renders_as_helm_would():
    (d,) = docs(chart(), "templates/deployment.yaml")
    assert d.text == """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: RELEASE-NAME-webapp
  labels:
    helm.sh/chart: webapp-0.3.1
    app.kubernetes.io/name: webapp
    app.kubernetes.io/instance: RELEASE-NAME
    app.kubernetes.io/version: "1.16.0"
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: webapp
      app.kubernetes.io/instance: RELEASE-NAME
  template:
    metadata:
    spec:
      containers:
        - name: webapp
          image: "nginx:1.16.0"
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
"""


def test_lines_map_to_the_template_and_the_helpers():
    (d,) = docs(chart(), "templates/deployment.yaml")
    deployment = os.path.join(CHART, "templates", "deployment.yaml")
    helpers = os.path.join(CHART, "templates", "_helpers.tpl")
    got = [(o.file, o.line, o.define_file, o.define_line) for o in d.lines]
    assert got[:10] == [
        (deployment, 1, None, None), (deployment, 2, None, None), (deployment, 3, None, None),
        (deployment, 4, None, None), (deployment, 5, None, None),
        # the labels come from the include on line 6, written in _helpers.tpl lines 18, 13, 14, 20
        (deployment, 6, helpers, 18), (deployment, 6, helpers, 13), (deployment, 6, helpers, 14),
        (deployment, 6, helpers, 20), (deployment, 7, None, None)]
    assert [o.line for o in d.lines[-6:]] == [19, 20, 21, 22, 23, 24]
    assert not any(o.conditional for o in d.lines)


def test_image_tag_defaults_to_app_version_and_values_provenance():
    (d,) = docs(chart(), "templates/deployment.yaml")
    i = d.text.split("\n").index('          image: "nginx:1.16.0"')
    values = os.path.join(CHART, "values.yaml")
    assert d.lines[i].line == 21
    # the empty tag was not printed: only the repository is on the line
    assert [(v.path, v.file, v.line) for v in d.lines[i].values] == [("image.repository", values, 4)]


def test_extra_values_files_override_and_are_the_provenance():
    c = chart(extra_values=["values-*.yaml"])
    (d,) = docs(c, "templates/deployment.yaml")
    text = d.text.split("\n")
    i = text.index('          image: "nginx:latest"')
    prod = os.path.join(CHART, "values-production.yaml")
    assert [(v.path, os.path.basename(v.file), v.line) for v in d.lines[i].values] == [
        ("image.repository", "values.yaml", 4), ("image.tag", "values-production.yaml", 3)]
    assert "  replicas: 5" in text and "        team: web" in text
    assert d.lines[text.index("  replicas: 5")].values[0].file == prod
    assert prod in c.inputs


def test_schema_defaults_fill_absent_values():
    (svc, _pdb) = docs(chart(), "templates/service.yaml")
    text = svc.text.split("\n")
    assert "  type: ClusterIP" in text and "    - port: 8080" in text
    v = svc.lines[text.index("    - port: 8080")].values[0]
    assert (v.path, os.path.basename(v.file), v.line) == ("service.port", "values.schema.json", 8)
    # a value a values file sets wins over the schema's default
    (d,) = docs(chart(), "templates/deployment.yaml")
    assert "  replicas: 2" in d.text


def test_ingress_api_version_is_chosen_by_the_capabilities():
    (new,) = docs(chart(), "templates/ingress.yaml")
    assert new.text.split("\n")[1] == "apiVersion: networking.k8s.io/v1"
    (old,) = docs(chart(api_has=lambda api: False), "templates/ingress.yaml")
    assert old.text.split("\n")[1] == "apiVersion: extensions/v1beta1"
    assert old.lines[1].line == 5 and not old.lines[1].conditional
    # without the API list the branch is undecided: the first branch, marked conditional
    (unknown,) = docs(chart(api_has=None), "templates/ingress.yaml")
    assert unknown.text.split("\n")[1] == "apiVersion: networking.k8s.io/v1"
    assert unknown.lines[1].conditional and not unknown.lines[2].conditional


def test_semver_compare_against_the_kube_version_and_documents():
    svc, pdb = docs(chart(kube_version="1.20"), "templates/service.yaml")
    assert svc.text.startswith("apiVersion: v1\nkind: Service\n")
    assert pdb.start == 13 and pdb.text.startswith("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n")
    assert pdb.lines[0].line == 15  # the else branch's line in service.yaml
    _svc, pdb = docs(chart(kube_version="v1.25.3"), "templates/service.yaml")
    assert pdb.text.startswith("apiVersion: policy/v1\n") and pdb.lines[0].line == 13


def test_subchart_values_globals_and_shared_helpers():
    (d,) = docs(chart(), "charts/cache/templates/statefulset.yaml")
    text = d.text.split("\n")
    assert "    app.kubernetes.io/name: cache" in text  # the parent's helper, with the subchart's .Chart
    i = text.index("          image: registry.example.com/redis:7.2")
    assert [(v.path, os.path.relpath(v.file, CHART), v.line) for v in d.lines[i].values] == [
        ("global.registry", "values.yaml", 17), ("image.repository", "charts/cache/values.yaml", 2),
        ("cache.image.tag", "values.yaml", 22)]


def test_inputs_are_every_file_the_chart_read():
    c = chart()
    rel = {os.path.relpath(p, CHART) for p in c.render("templates/deployment.yaml").inputs}
    assert {"Chart.yaml", "values.yaml", "values.schema.json", "templates", "templates/_helpers.tpl",
            "templates/deployment.yaml", "charts", "charts/cache/Chart.yaml", "charts/cache/values.yaml",
            "charts/cache/templates/statefulset.yaml", "charts/off/Chart.yaml"} <= rel


def _write(root, files: dict):
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text if isinstance(text, bytes) else text.encode())


def test_bad_input_is_a_notice_never_an_exception(tmp_path):
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: bad\nversion: 0.1.0\n",
        "values.yaml": "a: [unclosed\n",
        "templates/binary.yaml": b"\x00\x01\x02",
        "templates/latin1.yaml": b"name: caf\xe9\n",
        "templates/broken.yaml": "ok: 1\nx: {{ if .Values.a }}\n",
        "templates/fails.yaml": "a: 1\nb: {{ required \"b is required\" .Values.b }}\n",
        "templates/nil.yaml": "a: {{ .Values.x.y }}\n",
        "templates/huge.yaml": "a: 1\n" + "#" * (3 * 1024 * 1024),
        "templates/fine.yaml": "kind: ConfigMap\n",
        "templates/_defs.tpl": "{{ define \"x\" }}{{ end }}",
    })
    c = load_chart(str(tmp_path))
    by_file = {(os.path.basename(n.file), n.line): n.message for n in c.notices}
    assert by_file[("values.yaml", 2)].startswith("values not read: ")
    assert by_file[("binary.yaml", 1)] == "not read: binary file (contains NUL bytes)"
    assert by_file[("latin1.yaml", 1)].startswith("not read: not valid UTF-8")
    assert by_file[("broken.yaml", 3)] == "template not parsed: unexpected EOF"
    assert by_file[("huge.yaml", 1)].startswith("not read: larger than")
    assert [d.text for d in c.render("templates/fails.yaml").documents] == ["a: 1\nb: $ARCHLINT_UNKNOWN\n"]
    assert c.render("templates/nil.yaml").notices[0].message == "not rendered: nil pointer evaluating interface {}.y"
    assert c.render("templates/broken.yaml").documents == []
    assert [d.text for d in c.render("templates/fine.yaml").documents] == ["kind: ConfigMap\n"]
    assert c.render("templates/nothere.yaml").notices[0].message == "not a template of this chart"


def test_a_library_chart_provides_defines_only(tmp_path):
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: common\n  - name: absent\n",
        "templates/cm.yaml": "kind: ConfigMap\nname: {{ include \"common.name\" . }}\n",
        "charts/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 1.0.0\ntype: library\n",
        "charts/common/templates/_names.tpl": "{{ define \"common.name\" }}common-{{ .Chart.Name }}{{ end }}",
        "charts/common/templates/ignored.yaml": "{{ define \"common.name\" }}never{{ end }}kind: Secret\n",
    })
    c = load_chart(str(tmp_path))
    assert c.renderable() == ["templates/cm.yaml"]
    assert [d.text for d in c.render("templates/cm.yaml").documents] == ["kind: ConfigMap\nname: common-app\n"]
    assert [n.message for n in c.notices] == [
        "dependency absent is not in charts/ (run helm dependency build to lint it)"]


def test_every_file_of_templates_is_a_template_an_include_may_name(tmp_path):
    # minio: configmap.yaml includes (print $.Template.BasePath "/_helper_create_bucket.txt"); Helm
    # parses every file of templates/, so a .txt helper is a template too.  One that is not a
    # manifest nor a .tpl helper says nothing when it cannot be read or parsed (a binary, an
    # unclosed action): only an include of it would need it.
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: minio\nversion: 1.0.0\n",
        "values.yaml": "bucket: data\n",
        "templates/_helper_create_bucket.txt": "mc mb {{ .Values.bucket }}\n",
        "templates/configmap.yaml": "kind: ConfigMap\ndata:\n  script: |\n"
                                    "    {{- include (print $.Template.BasePath \"/_helper_create_bucket.txt\") . | nindent 4 }}\n",
        "templates/logo.png": b"\x89PNG\r\n\x00\x00",
        "templates/broken.txt": "{{ if }",
    })
    c = load_chart(str(tmp_path))
    assert c.notices == []
    assert c.renderable() == ["templates/configmap.yaml"]
    r = c.render("templates/configmap.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == ["kind: ConfigMap\ndata:\n  script: |\n    mc mb data\n"]


def test_lookup_finds_nothing_as_in_helm_template(tmp_path):
    # dapr's scheduler keeps the storage size of a live StatefulSet it looks up; helm template asks
    # no cluster, so lookup returns an empty map and the chart renders its fresh install
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: sched\nversion: 1.0.0\n",
        "values.yaml": "storageSize: 1Gi\n",
        "templates/sts.yaml": (
            '{{- $size := .Values.storageSize }}\n'
            '{{- $existing := lookup "apps/v1" "StatefulSet" .Release.Namespace "sched" }}\n'
            '{{- if $existing }}{{- range $existing.spec.volumeClaimTemplates }}'
            '{{- $size = .spec.resources.requests.storage }}{{- end }}{{- end }}\n'
            'kind: StatefulSet\nstorage: {{ $size }}\n'),
    })
    r = load_chart(str(tmp_path)).render("templates/sts.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == ["\nkind: StatefulSet\nstorage: 1Gi\n"]


def test_files_get_and_lines_read_the_charts_own_files(tmp_path):
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: nats\nversion: 1.0.0\n",
        "files/conf.yaml": "port: {{ .Values.port }}\n",
        "files/list.txt": "a\nb\n",
        "files/blob.bin": b"\x00\x01",
        "values.yaml": "port: 4222\n",
        "templates/cm.yaml": ('kind: ConfigMap\nconf: {{ tpl (.Files.Get "files/conf.yaml") . | trim }}\n'
                              'lines: {{ .Files.Lines "files/list.txt" | join "," }}\n'
                              'missing: "{{ .Files.Get "files/nothere.yaml" }}{{ .Files.Get "../Chart.yaml" }}'
                              '{{ .Files.Get "templates/cm.yaml" }}"\n'
                              'blob: {{ .Files.Get "files/blob.bin" }}\n'),
    })
    c = load_chart(str(tmp_path))
    r = c.render("templates/cm.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == [
        'kind: ConfigMap\nconf: port: 4222\nlines: a,b\nmissing: ""\nblob: $ARCHLINT_UNKNOWN\n']
    # the files read are inputs of the render: a change to them is a change of its result
    assert str(tmp_path / "files" / "conf.yaml") in r.inputs and str(tmp_path / "files" / "list.txt") in r.inputs


def test_a_dependency_not_in_charts_has_unknown_defaults(tmp_path):
    # kube-prometheus-stack: (index .Values "prometheus-node-exporter").kubeRBACProxy.enabled,
    # a default of the remote dependency, failed as a nil pointer; what the parent sets is known
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: stack\nversion: 1.0.0\ndependencies:\n"
                      "  - name: prometheus-node-exporter\n    repository: https://charts.example\n"
                      "  - name: kube-state-metrics\n    alias: ksm\n    repository: https://charts.example\n",
        "values.yaml": "prometheus-node-exporter:\n  port: 9100\n  tls: {}\nksm:\n",
        "templates/role.yaml": (
            'kind: ClusterRole\n'
            'a: {{ if (index .Values "prometheus-node-exporter").kubeRBACProxy.enabled }}proxy{{ end }}\n'
            'port: {{ (index .Values "prometheus-node-exporter").port }}\n'
            'tls: {{ hasKey .Values.ksm "tls" }} {{ get (index .Values "prometheus-node-exporter") "tls" | len }}'
            ' {{ .Values.ksm.image.tag }} {{ dig "x" "y" "none" .Values.ksm }}\n'
            'mine: "{{ .Values.absent }}"\n'),
    })
    c = load_chart(str(tmp_path))
    assert sorted(n.message for n in c.notices) == [
        "dependency kube-state-metrics is not in charts/ (run helm dependency build to lint it)",
        "dependency prometheus-node-exporter is not in charts/ (run helm dependency build to lint it)"]
    r = c.render("templates/role.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == [
        # (an if on an unknown renders its non-empty branch)
        'kind: ClusterRole\na: proxy\nport: 9100\ntls: $ARCHLINT_UNKNOWN 0 $ARCHLINT_UNKNOWN $ARCHLINT_UNKNOWN\nmine: ""\n']


def test_a_define_of_a_dependency_not_in_charts_is_unknown(tmp_path):
    # grafana's enterprise-logs includes loki's helpers, from a remote dependency not in charts/:
    # Helm would have them; here they are unknown, and the rest renders (an untagged image is
    # found).  A chart with every dependency read still fails on a missing define, as Helm does.
    files = {
        "Chart.yaml": "apiVersion: v2\nname: logs\nversion: 1.0.0\ndependencies:\n"
                      "  - name: loki\n    repository: https://charts.example\n",
        "templates/job.yaml": ('kind: Job\nmetadata:\n  labels:\n    {{- include "loki.labels" . | nindent 4 }}\n'
                               'spec:\n  serviceAccountName: {{ template "loki.serviceAccountName" . }}\n'
                               '  image: bitnami/kubectl\n'),
    }
    _write(tmp_path / "a", files)
    r = load_chart(str(tmp_path / "a")).render("templates/job.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == [
        "kind: Job\nmetadata:\n  labels:\n    # $ARCHLINT_UNKNOWN\nspec:\n  serviceAccountName: $ARCHLINT_UNKNOWN\n"
        "  image: bitnami/kubectl\n"]
    files["Chart.yaml"] = "apiVersion: v2\nname: logs\nversion: 1.0.0\n"
    _write(tmp_path / "b", files)
    r = load_chart(str(tmp_path / "b")).render("templates/job.yaml")
    assert [n.message for n in r.notices] == ['not rendered: no template "loki.labels" associated with template']


def test_files_glob_ranges_and_makes_configs(tmp_path):
    # argo-helm's CRD job: range $path, $_ := .Files.Glob "files/crds/minimal/*.yaml" ... base $path;
    # grafana charts: (.Files.Glob "dashboards/*.json").AsConfig.  templates/, charts/ and the
    # files Helm reads itself are no files of .Files; * stays in a folder, ** crosses folders
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: wf\nversion: 1.0.0\n",
        "files/crds/minimal/b.yaml": "kind: B\n",
        "files/crds/minimal/a.yaml": "kind: A\n",
        "files/crds/minimal/deep/c.yaml": "kind: C\n",
        "dashboards/x.json": '{"a": 1}',
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        "templates/job.yaml": ('kind: Job\nargs:\n{{- range $path, $_ := .Files.Glob "files/crds/minimal/*.yaml" }}\n'
                               '- {{ base $path }} {{ dir $path }} {{ ext $path }}\n{{- end }}\n'
                               'all: {{ len (.Files.Glob "**.yaml") }} {{ len (.Files.Glob "**/Chart.yaml") }}'
                               ' {{ len (.Files.Glob "{dashboards,files}/*") }}\n'),
        "templates/cm.yaml": ('kind: ConfigMap\ndata:\n{{- (.Files.Glob "dashboards/*.json").AsConfig | nindent 2 }}\n'
                              'secret: {{ (.Files.Glob "dashboards/*").AsSecrets }}\n'
                              'sub: {{ ((.Files.Glob "files/**").Glob "**/deep/*").Get "files/crds/minimal/deep/c.yaml" }}\n'),
    })
    c = load_chart(str(tmp_path))
    r = c.render("templates/job.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == [
        "kind: Job\nargs:\n- a.yaml files/crds/minimal .yaml\n- b.yaml files/crds/minimal .yaml\nall: 3 0 1\n"]
    # the folders listed are inputs of this render: a new file changes its result
    assert str(tmp_path / "files" / "crds" / "minimal") in r.inputs
    r = load_chart(str(tmp_path)).render("templates/cm.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == [
        'kind: ConfigMap\ndata:\n  x.json: \'{"a": 1}\'\nsecret: x.json: eyJhIjogMX0=\nsub: kind: C\n']
    assert str(tmp_path / "dashboards" / "x.json") in r.inputs


def test_files_as_helm_keys_them_and_never_as_values(tmp_path, monkeypatch):
    from archlint.helm import files

    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: f\nversion: 1.0.0\n",
        "files/x.yaml": "x: 1\n",
        "files/y.yaml": "y: 2\n",
        # Helm looks a file up by its exact key: ./files/x.yaml, files//x.yaml, a NUL are no keys
        "templates/get.yaml": ('kind: ConfigMap\na: "{{ .Files.Get "./files/x.yaml" }}{{ .Files.Get "files//x.yaml" }}'
                               '"\nb: {{ (.Files.Glob "none/*").AsConfig }}\n'),
        # a set of files is no map of values: set on it fails the template, as in Helm
        "templates/set.yaml": '{{ $f := .Files.Glob "files/*" }}{{ $_ := set $f "files/z" 1 }}kind: ConfigMap\n',
        "templates/many.yaml": 'kind: ConfigMap\nn: {{ len (.Files.Glob "files/*") }}\n',
        "templates/all.yaml": 'kind: ConfigMap\ndata:\n{{- .Files.AsConfig | nindent 2 }}\n',
    })
    c = load_chart(str(tmp_path))
    r = c.render("templates/get.yaml")
    assert r.notices == [] and [d.text for d in r.documents] == ['kind: ConfigMap\na: ""\nb: {}\n']
    assert files._rel("files/x\x00.yaml") is None and files._rel("files/x.yaml") == "files/x.yaml"
    assert [d.text for d in c.render("templates/all.yaml").documents] == [
        "kind: ConfigMap\ndata:\n  x.yaml: |\n    x: 1\n  y.yaml: |\n    y: 2\n"]
    assert [n.message for n in c.render("templates/set.yaml").notices] == [
        "not rendered: error calling set: set: not a dict"]
    # a listing cut short (more files than files.MAX_FILES) answers no Glob
    monkeypatch.setattr(files, "MAX_FILES", 1)
    assert [d.text for d in load_chart(str(tmp_path)).render("templates/many.yaml").documents] == [
        "kind: ConfigMap\nn: $ARCHLINT_UNKNOWN\n"]


def test_a_packed_or_second_alias_dependency_has_unknown_defaults(tmp_path):
    # helm dependency build leaves charts/loki-5.1.0.tgz; redis used twice (cache, queue) is
    # rendered once from its folder: what archlint does not read is unknown, not missing
    _write(tmp_path, {
        "Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: loki\n"
                      "  - name: redis\n    alias: cache\n  - name: redis\n    alias: queue\n",
        "charts/loki-5.1.0.tgz": b"\x1f\x8b\x08\x00",
        "charts/redis/Chart.yaml": "apiVersion: v2\nname: redis\nversion: 1.0.0\n",
        "charts/redis/values.yaml": "image:\n  tag: '7.2'\n",
        "templates/cm.yaml": ('kind: ConfigMap\nl: {{ include "loki.labels" . }} {{ .Values.loki.image.tag }}\n'
                              'c: {{ .Values.cache.image.tag }} q: {{ .Values.queue.image.tag }}\n'),
    })
    r = load_chart(str(tmp_path)).render("templates/cm.yaml")
    assert r.notices == []
    assert [d.text for d in r.documents] == [
        "kind: ConfigMap\nl: $ARCHLINT_UNKNOWN $ARCHLINT_UNKNOWN\nc: 7.2 q: $ARCHLINT_UNKNOWN\n"]


def test_a_dependency_in_a_folder_of_the_repository_is_read_where_it_is(tmp_path):
    # linkerd: charts/partials is a library chart, named by file:// in Chart.yaml (v2) or in the
    # requirements.yaml of an apiVersion v1 chart (viz/charts/linkerd-viz), never copied to charts/
    _write(tmp_path, {
        "charts/partials/Chart.yaml": "apiVersion: v2\nname: partials\nversion: 0.1.0\ntype: library\n",
        "charts/partials/templates/_names.tpl": '{{ define "partials.by" }}linkerd/{{ .Chart.Name }}{{ end }}',
        "charts/cp/Chart.yaml": "apiVersion: v2\nname: cp\nversion: 0.1.0\ndependencies:\n  - name: partials\n"
                               "    version: 0.1.0\n    repository: file://../partials\n",
        "charts/cp/templates/cm.yaml": 'kind: ConfigMap\nby: {{ include "partials.by" . }}\n',
        "viz/charts/viz/Chart.yaml": "apiVersion: v1\nname: viz\nversion: 0.1.0\n",
        "viz/charts/viz/requirements.yaml": "dependencies:\n- name: partials\n  version: 0.1.0\n"
                                            "  repository:  file://../../../charts/partials\n",
        "viz/charts/viz/templates/cm.yaml": 'kind: ConfigMap\nby: {{ include "partials.by" . }}\n',
        "viz/charts/gone/Chart.yaml": "apiVersion: v2\nname: gone\nversion: 0.1.0\ndependencies:\n"
                                      "  - name: partials\n    repository: file://../nowhere\n",
    })
    for folder, name in (("charts/cp", "cp"), ("viz/charts/viz", "viz")):
        c = load_chart(str(tmp_path / folder))
        assert c.notices == [] and c.renderable() == ["templates/cm.yaml"], folder
        assert [d.text for d in c.render("templates/cm.yaml").documents] == [f"kind: ConfigMap\nby: linkerd/{name}\n"]
    c = load_chart(str(tmp_path / "viz/charts/gone"))
    assert [n.message for n in c.notices] == [
        "dependency partials is not in charts/ (run helm dependency build to lint it)"]


def _big_chart(root, n: int):
    files = {"Chart.yaml": "apiVersion: v2\nname: big\nversion: 1.0.0\nappVersion: '2.0'\n",
             "templates/_helpers.tpl": (
                 '{{- define "big.labels" -}}\napp: {{ .Chart.Name }}\nrelease: {{ .Release.Name }}\n{{- end }}\n'),
             "values.yaml": "".join(f"s{i}:\n  image: {{repository: r/s{i}, tag: '1.{i}'}}\n  port: {8000 + i}\n"
                                    for i in range(n))}
    for i in range(n):
        files[f"templates/s{i}.yaml"] = (
            f"{{{{- $s := .Values.s{i} }}}}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            f"  name: {{{{ .Release.Name }}}}-s{i}\n  labels:\n    {{{{- include \"big.labels\" . | nindent 4 }}}}\n"
            "spec:\n  template:\n    spec:\n      containers:\n        - name: main\n"
            "          image: {{ printf \"%s:%s\" $s.image.repository $s.image.tag | quote }}\n"
            "          ports:\n            - containerPort: {{ $s.port }}\n")
    _write(root, files)


def test_render_cost_grows_linearly_with_the_chart(tmp_path):
    import gc

    def cost(n):
        root = tmp_path / f"c{n}"
        _big_chart(root, n)
        best = float("inf")
        for _ in range(3):
            gc.collect()
            t = time.perf_counter()
            c = load_chart(str(root), kube_version="1.29")
            out = [c.render(p) for p in c.renderable()]
            best = min(best, time.perf_counter() - t)
        assert sum(len(r.documents) for r in out) == n and not any(r.notices for r in out)
        return best

    cost(10)
    small, large = cost(30), cost(120)
    assert large / small < 9, (small, large)


def test_the_parent_sees_its_subcharts_default_values():
    c = chart()
    assert c.values["cache"]["image"] == {"repository": "redis", "tag": "7.2"}
    assert c.values["cache"]["enabled"] is True
