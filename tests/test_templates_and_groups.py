"""Templated files are one notice, not a broken file; notices that say one thing about many files
(a Helm chart's templates, no configured platforms) are printed once by the human formats."""
from __future__ import annotations

import json

from helpers import dedent, ids, lint_inline, write_files
from test_cli_output import run

JINJA_DOCKERFILE = """
{{ def is_alpine: env.variant | startswith("alpine") -}}
FROM {{ if is_alpine then "alpine" else "debian" end }}:{{ env.variant }}
RUN apk add --no-cache ca-certificates
"""


def test_a_templated_dockerfile_is_one_notice_not_a_parse_error_per_line():
    r = lint_inline(JINJA_DOCKERFILE, name="Dockerfile-linux.template")
    assert [(n.rule_id, n.line, n.col, n.message) for n in r.notices] == [
        ("AL003", 1, 1, "Dockerfile-linux.template: templated file, not linted")]
    assert r.findings == []  # no DF002/DF005 from an image named "{{ if ..."


def test_template_endings_and_markup():
    # a .j2 Dockerfile with Jinja blocks
    j2 = "FROM python:{% if slim %}3.12-slim{% else %}3.12{% endif %}\n"
    assert ids(lint_inline(j2, name="Dockerfile.j2")) == [("AL003", 1, 13)]
    # a template-named file without markup is an ordinary file of its kind
    plain = "FROM alpine:latest\n"
    assert ids(lint_inline(plain, name="Dockerfile.template"), "DF001") == [("DF001", 1, 6)]
    assert ids(lint_inline(plain, name="Dockerfile.template"), "AL") == []


def test_a_template_named_dockerfile_that_does_not_parse_is_a_template():
    # docker-node's Dockerfile-alpine.template: a "${ALPINE_ARCH[@]}" line its update.sh replaces
    # with case arms ends the RUN, and `esac` follows; the same text named Dockerfile is broken
    text = """
    FROM alpine:0.0
    RUN case "$(apk --print-arch)" in \\
          "${ALPINE_ARCH[@]}"
        esac
    """
    r = lint_inline(text, name="Dockerfile-alpine.template")
    assert [(n.rule_id, n.line, n.col) for n in r.notices] == [("AL003", 4, 1)] and r.findings == []
    assert "AL001" in [n.rule_id for n in lint_inline(text, name="Dockerfile").notices]


def test_a_dockerfile_kept_as_a_template_whose_from_names_an_undeclared_variable():
    # traefik-library-image's tmpl/alpine/tmplv1.Dockerfile: FROM alpine:$ALPINE_VERSION, which
    # update.sh's envsubst fills; elsewhere the same line is DF012's (it expands to nothing)
    text = "FROM alpine:$ALPINE_VERSION\nRUN apk add --no-cache ca-certificates\n"
    for name in ("tmpl/alpine/tmplv1.Dockerfile", "templates/Dockerfile", "build/template-base.Dockerfile"):
        r = lint_inline(text, name=name)
        assert [(n.rule_id, n.line, n.col) for n in r.notices] == [("AL003", 1, 13)] and r.findings == [], name
    assert [f.rule_id for f in lint_inline(text, name="alpine/Dockerfile").findings] == ["DF012"]
    # BuildKit's platform arguments are no placeholders: a real Dockerfile there is linted
    real = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:latest\n"
    assert "DF001" in [f.rule_id for f in lint_inline(real, name="templates/Dockerfile").findings]
    # a declared ARG in a template folder's Dockerfile: linted as any Dockerfile
    declared = "ARG ALPINE_VERSION=3.20\nFROM alpine:$ALPINE_VERSION\n"
    assert [n.rule_id for n in lint_inline(declared, name="tmpl/Dockerfile").notices if n.rule_id == "AL003"] == []


def test_markup_where_an_instruction_must_be_makes_any_dockerfile_a_template():
    text = """
    FROM golang:1.22
    {{ range .Packages }}
    RUN go install {{ . }}
    {{ end }}
    """
    assert ids(lint_inline(text, name="Dockerfile")) == [("AL003", 2, 1)]


def test_a_double_underscore_placeholder_where_an_instruction_must_be_makes_a_template():
    # kubernetes/dns' images/dnsmasq/Dockerfile.cross: FROM __BASEIMAGE__, and a
    # __CROSS_BUILD_COPY__ line its Makefile's sed turns into COPY (or removes)
    text = """
    FROM __BASEIMAGE__
    __CROSS_BUILD_COPY__ qemu-__ARCH__-static /usr/bin/
    COPY dnsmasq /usr/sbin/dnsmasq
    """
    assert ids(lint_inline(text, name="images/dnsmasq/Dockerfile.cross")) == [("AL003", 2, 1)]
    # an unknown instruction that is no placeholder is still a parse error
    assert "AL001" in [n.rule_id for n in lint_inline(text.replace("__CROSS_BUILD_COPY__", "CROSS_COPY"),
                                                      name="Dockerfile").notices]


def test_an_erb_dockerfile_is_one_notice():
    # fluentd-kubernetes-daemonset's templates/Dockerfile.erb: Ruby blocks around instructions
    erb = """
    <% fluentd_ver = version.split("-").first %>
    <% is_arm64 = dockerfile.include?("arm64") %>
    <% if is_arm64 %>
    FROM arm64v8/debian:bookworm-slim
    <% else %>
    FROM debian:bookworm-slim
    <% end %>
    RUN gem install fluentd -v <%= fluentd_ver %>
    """
    r = lint_inline(erb, name="Dockerfile.erb")
    assert [(n.rule_id, n.line, n.col, n.message) for n in r.notices] == [
        ("AL003", 1, 1, "Dockerfile.erb: templated file, not linted")]
    assert r.findings == []
    # a plain Dockerfile whose parse stops at a line starting with ERB markup is a template too,
    # told where the markup starts
    text = "FROM debian:bookworm-slim\n  <% if arm %>\nRUN true\n<% end %>\n"
    assert ids(lint_inline(text, name="Dockerfile")) == [("AL003", 2, 3)]


def test_a_template_in_a_from_line_or_a_placeholder_line_makes_a_dockerfile_a_template():
    # mongodb-kubernetes-operator's Dockerfile.operator (FROM {{base_image}}, Jinja), percona's
    # installers/olm/bundle.Dockerfile (a ${LABELS} line envsubst fills with LABEL instructions)
    assert ids(lint_inline("ARG X=1\nFROM {{base_image}}\nCOPY app /app\n", name="Dockerfile.operator")) == [
        ("AL003", 2, 6)]
    bundle = "FROM scratch\n${LABELS}\nCOPY manifests /manifests/\n"
    assert ids(lint_inline(bundle, name="bundle.Dockerfile")) == [("AL003", 2, 1)]
    # a variable inside an instruction is no placeholder line
    assert ids(lint_inline("FROM alpine:3.20\nENV A=1\nRUN echo ${A}\n", name="Dockerfile"), "AL") == []
    # an indented one is a continuation whose backslash is missing: the error Docker gives too
    broken = "FROM alpine:3.20\nRUN apk add --no-cache \\\n      curl git\n      ${EXTRA_PACKAGES}\nUSER root\n"
    assert [n.rule_id for n in lint_inline(broken, name="Dockerfile").notices if n.rule_id.startswith("AL")] == ["AL001"]
    # a templated FROM over a line the parser cannot take: the template notice alone
    assert ids(lint_inline("FROM {{ .Base }}\nCOPYY a b\n", name="Dockerfile")) == [("AL003", 1, 6)]


def test_braces_inside_an_instruction_are_not_a_template():
    text = """
    FROM alpine:3.20
    RUN echo '{{ not a template }}' > /motd
    """
    r = lint_inline(text, name="Dockerfile")
    assert ids(r, "AL") == []


def test_no_configured_platforms_is_said_once_per_run_and_never_fails_it(tmp_path):
    write_files(tmp_path, {
        "api/Dockerfile": "FROM python:3.12-slim\n",
        "web/Dockerfile": "FROM node:22-alpine\n",
        "worker/Containerfile": "FROM scratch\nCOPY app /app\n",  # scratch has no CPU: nothing to say
    })
    text = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path)
    assert text.returncode == 0, text.stdout + text.stderr
    df005 = [ln for ln in text.stdout.splitlines() if " DF005 " in ln]
    assert df005 == [
        "api/Dockerfile:1:1: note: DF005 2 Dockerfiles have no --platform in the final FROM, so unless their builds"
        " pass one they follow the build machine's CPU, and no target platforms are configured: set platforms ="
        " [\"linux/amd64\"] (or your targets) in .archlint.toml or [tool.archlint], or pass --platform, to have them"
        " checked."]
    # a note, not a finding: the summary counts it apart
    assert text.stdout.splitlines()[-1] == "No findings in 3 files; 1 note"
    # the machine formats keep one notice per file
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "."], tmp_path).stdout)
    assert sorted(n["path"] for n in doc["notices"] if n["rule"] == "DF005") == ["api/Dockerfile", "web/Dockerfile"]
    # with a platform there is no notice at all, and one Dockerfile keeps its own message
    assert " DF005 " not in run(["check", "--no-cache", "--output-format", "concise", "--platform", "linux/amd64",
                                 "api"], tmp_path).stdout.replace("DF005 FROM", "")
    one = run(["check", "--no-cache", "--output-format", "concise", "web"], tmp_path).stdout
    assert "web/Dockerfile:1:1: note: DF005 The final stage (FROM node:22-alpine) has no --platform" in one


def test_a_charts_templates_not_rendered_are_one_line_in_text_and_every_file_in_json(tmp_path):
    # a define no file of the chart has: Helm cannot render these templates either
    bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n"
    good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    write_files(tmp_path, {
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        "charts/web/templates/deployment.yaml": bad,
        "charts/web/templates/service.yaml": bad,
        "charts/web/templates/hpa.yaml": bad,
        "charts/web/templates/configmap.yaml": good,
        "charts/db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 1.0.0\n",
        "charts/db/templates/statefulset.yaml": bad,
    })
    out = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout.splitlines()
    assert [ln for ln in out if " AL003 " in ln] == [
        "charts/db/templates/statefulset.yaml:4:1: note: AL003 charts/db/templates/statefulset.yaml: Helm template partly"
        " rendered: not rendered: no template \"web.fullname\" associated with template",
        "charts/web/templates/deployment.yaml:4:1: note: AL003 3 templates of the Helm chart charts/web could not be"
        " rendered in full (the rest was linted)",
    ]
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "."], tmp_path).stdout)
    assert sorted((n["path"], n["group"]) for n in doc["notices"] if n["rule"] == "AL003") == [
        ("charts/db/templates/statefulset.yaml", "helm:charts/db"),
        ("charts/web/templates/deployment.yaml", "helm:charts/web"),
        ("charts/web/templates/hpa.yaml", "helm:charts/web"),
        ("charts/web/templates/service.yaml", "helm:charts/web"),
    ]


def test_a_default_exclude_that_hides_build_scripts_says_so_once(tmp_path):
    write_files(tmp_path, {
        "archived/push.sh": "#!/bin/sh\ndocker build -f Dockerfile.ci -t registry.example.com/app:1.0 .\n"
                            "docker push registry.example.com/app:1.0\n",
        "archived/Dockerfile.ci": "FROM alpine:3.20\n",
        "archived/out/app.bin": "binary",
        "src/main.go": "package main\n",
        # build/ is linted (the Go layout's Dockerfiles and CI scripts), with no notice
        "build/package/Dockerfile": "FROM alpine:latest\n",
    })
    out = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout.splitlines()
    assert [ln for ln in out if " AL009 " in ln] == [
        "archived:1:1: note: AL009 not linted, left out by the default exclude: archived/ (Dockerfile.ci, push.sh); set"
        " exclude without that folder to lint it, or ignore AL009"]
    assert "build/package/Dockerfile:1:6: DF001 Base image alpine:latest uses the mutable tag latest." in out
    assert " AL009 " not in run(["check", "--no-cache", "--ignore", "AL009", "."], tmp_path).stdout
    (tmp_path / ".archlint.toml").write_text('exclude = [".git"]\n')
    linted = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout
    assert " AL009 " not in linted and "archived/push.sh:2:8: BC001" in linted


def test_a_finding_repeated_in_generated_files_is_printed_once(tmp_path):
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: quay.io/acme/app:latest\n"
    generated = "# This is an auto-generated file. DO NOT EDIT\n" + pod
    write_files(tmp_path, {
        "manifests/install.yaml": generated,
        "manifests/ha/install.yaml": generated,
        "manifests/core-install.yaml": generated,
        "manifests/base/pod.yaml": pod,  # the hand-written source: its own line
    })
    out = run(["check", "--no-cache", "--output-format", "concise", "--select", "K8S001", "."], tmp_path).stdout
    assert [ln for ln in out.splitlines() if " K8S001 " in ln] == [
        "manifests/base/pod.yaml:8:12: K8S001 Image quay.io/acme/app:latest uses the mutable tag latest.",
        "manifests/core-install.yaml:9:12: K8S001 Image quay.io/acme/app:latest uses the mutable tag latest. (and 2"
        " more times in generated files: fix it where they are generated from)",
    ]
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "--select", "K8S001", "."], tmp_path).stdout)
    assert len(doc["findings"]) == 4 and doc["summary"]["findings"] == 4  # machine formats keep every place


def test_an_operator_sdk_bundle_csv_is_generated(tmp_path):
    # loki's operator/bundle/{community,openshift}/manifests: `make bundle` writes each CSV from
    # config/, and operator-sdk signs it with its builder annotation, far below the first lines
    csv = """apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata:
  annotations:
    alm-examples: |-
      [{"apiVersion": "loki.grafana.com/v1", "kind": "LokiStack"}]
    createdAt: "2026-08-14T09:38:59Z"
    operators.operatorframework.io/builder: operator-sdk-unknown
    operators.operatorframework.io/project_layout: go.kubebuilder.io/v4
  name: loki-operator.v0.10.3
spec:
  relatedImages:
  - image: quay.io/observatorium/api:latest
    name: gateway
"""
    hand = csv.replace("    operators.operatorframework.io/builder: operator-sdk-unknown\n", "")
    write_files(tmp_path, {
        "bundle/community/manifests/loki-operator.clusterserviceversion.yaml": csv,
        "bundle/openshift/manifests/loki-operator.clusterserviceversion.yaml": csv,
        "olm/a/operator.clusterserviceversion.yaml": hand,  # written by hand: each is its own line
        "olm/b/operator.clusterserviceversion.yaml": hand,
    })
    out = run(["check", "--no-cache", "--output-format", "concise", "--select", "K8S001", "."], tmp_path).stdout
    assert [ln for ln in out.splitlines() if " K8S001 " in ln] == [
        "bundle/community/manifests/loki-operator.clusterserviceversion.yaml:13:12: K8S001 Image"
        " quay.io/observatorium/api:latest uses the mutable tag latest. (and 1 more times in generated files: fix it"
        " where they are generated from)",
        "olm/a/operator.clusterserviceversion.yaml:12:12: K8S001 Image quay.io/observatorium/api:latest uses the"
        " mutable tag latest.",
        "olm/b/operator.clusterserviceversion.yaml:12:12: K8S001 Image quay.io/observatorium/api:latest uses the"
        " mutable tag latest.",
    ]


def test_markup_inside_a_heredoc_or_a_continued_run_is_not_a_template():
    text = """
    FROM python:latest
    COPY <<EOF /etc/app/config.tmpl
    {{ range .Items }}
    {{ end }}
    EOF
    RUN docker inspect --format \\
    {{.Id}} x
    """
    r = lint_inline(text, name="Dockerfile")
    assert ids(r, "AL") == [] and ids(r, "DF001") == [("DF001", 1, 6)]


def test_docker_library_placeholders_make_a_template_and_templates_are_one_line(tmp_path):
    # nginx's Dockerfile-alpine-slim.template: %%NAME%% placeholders its update script replaces;
    # the quoted package list spans lines only once filled in (AL001 on every template before)
    template = ('FROM alpine:%%ALPINE_VERSION%%\nENV NGINX_VERSION %%NGINX_VERSION%%\n'
                'RUN set -x \\\n    && nginxPackages="%%PACKAGES%%\n    " \\\n    && apk add $nginxPackages\n')
    r = lint_inline(template, name="Dockerfile-alpine-slim.template")
    assert [(n.rule_id, n.line, n.col) for n in r.notices] == [("AL003", 1, 13)] and r.findings == []
    write_files(tmp_path, {"Dockerfile-alpine.template": template, "Dockerfile-debian.template": template,
                           "Dockerfile.j2": "FROM python:{% if slim %}3.12-slim{% endif %}\n"})
    out = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout.splitlines()
    assert [ln for ln in out if " AL003 " in ln] == [
        "Dockerfile-alpine.template:1:13: note: AL003 3 templated files are not linted (lint what they render)"]


def test_templated_yaml_outside_charts_is_one_line_in_text(tmp_path):
    broken = "apiVersion: v1\nkind: ConfigMap\ndata:\n{{- range .Items }}\n  {{ .Key }}: {{ .Value }}\n{{- end }}\n"
    write_files(tmp_path, {"deploy/a.yaml": broken, "deploy/b.yaml": broken, "plugins/krew.yaml": broken})
    out = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout.splitlines()
    assert [ln for ln in out if " AL003 " in ln] == [
        "deploy/a.yaml:4:1: note: AL003 3 templated YAML files outside Helm charts are not linted (lint what they render)"]
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "."], tmp_path).stdout)
    assert [n["path"] for n in doc["notices"] if n["rule"] == "AL003"] == ["deploy/a.yaml", "deploy/b.yaml",
                                                                           "plugins/krew.yaml"]


def test_a_markdown_code_block_named_like_yaml_is_a_notice(tmp_path):
    # gloo's docs/content/.../test-no-auth-vs.yaml, included as Markdown by Hugo's readfile
    fenced = "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n```\n"
    write_files(tmp_path, {"docs/a.yaml": fenced, "docs/b.yaml": fenced,
                           "deploy/bad.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: [\n"})
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "."], tmp_path).stdout)
    assert sorted((n["path"], n["rule"], n["severity"]) for n in doc["notices"]) == [
        ("deploy/bad.yaml", "AL001", "error"), ("docs/a.yaml", "AL001", "info"), ("docs/b.yaml", "AL001", "info")]
    out = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout.splitlines()
    assert [ln for ln in out if "```" in ln] == [
        "docs/a.yaml:1:1: note: AL001 2 files named like YAML are Markdown code blocks (``` fences): not linted"]


def test_templated_yaml_of_a_chart_folder_is_the_charts_to_render(tmp_path):
    # nats: the chart builds its StatefulSet from tpl (.Files.Get "files/stateful-set.yaml"); the
    # files/ folder is the chart's, linted as its templates render it: no notice for those files,
    # and the render is linted (its latest image is reported where the values file sets it)
    write_files(tmp_path, {
        "chart/Chart.yaml": "apiVersion: v2\nname: nats\nversion: 1.0.0\n",
        "chart/values.yaml": "image: nats:latest\n",
        "chart/files/sts/stateful-set.yaml": "kind: StatefulSet\napiVersion: apps/v1\nspec:\n  template:\n"
                                             "    spec:\n      containers:\n{{- range list 1 }}\n"
                                             "      - name: nats\n        image: {{ $.Values.image }}\n{{- end }}\n",
        "chart/templates/sts.yaml": '{{ tpl (.Files.Get "files/sts/stateful-set.yaml") . }}\n',
        "deploy/a.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n{{- range .Items }}\n  {{ .Key }}: {{ .Value }}\n{{- end }}\n",
    })
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "."], tmp_path).stdout)
    assert [n["path"] for n in doc["notices"] if n["rule"] == "AL003"] == ["deploy/a.yaml"]
    assert [(f["rule"], f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "K8S001"] == [
        ("K8S001", "chart/values.yaml", 1)]


def test_plain_yaml_in_a_charts_files_folder_is_linted_as_its_templates_render_it(tmp_path):
    # kserve's charts/kserve-resources/files/kserve/resources.yaml: the chart's templates read it
    # with .Files.Get and merge a patch setting the image from values; its own :latest is never
    # deployed as written. A files/ folder of no chart is linted as any folder
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: c}\nspec:\n  template:\n    spec:\n"
              "      containers:\n      - name: manager\n        image: kserve/kserve-controller:latest\n")
    write_files(tmp_path, {
        "charts/kserve/Chart.yaml": "apiVersion: v2\nname: kserve\nversion: 1.0.0\n",
        "charts/kserve/values.yaml": "tag: v0.15.0\n",
        "charts/kserve/files/kserve/resources.yaml": deploy,
        "charts/kserve/templates/res.yaml": '{{ .Files.Get "files/kserve/resources.yaml" | replace ":latest" '
                                             '(printf ":%s" .Values.tag) }}\n',
        "deploy/files/app.yaml": deploy,
    })
    doc = json.loads(run(["check", "--no-cache", "--output-format", "json", "."], tmp_path).stdout)
    assert [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "K8S001"] == [("deploy/files/app.yaml", 9)]
    assert [n["path"] for n in doc["notices"] if n["rule"] in ("AL001", "AL003")] == []


def test_a_group_is_shown_at_its_notice_nearest_the_root():
    from archlint.model import Notice, group_notices

    notes = [Notice("DF005", "m", p, 1, 1, group="g", summary="{count} files") for p in
             (".devcontainer/Dockerfile", "Dockerfile", "images/base/Dockerfile")]
    assert [(n.path, n.message) for n in group_notices(notes)] == [("Dockerfile", "3 files")]
    alone = Notice("AL003", "one file", "a.yaml", group="h", summary="{count} files")
    assert [n.message for n in group_notices([alone])] == ["one file"]


def test_an_excerpt_with_lines_left_out_is_one_notice_not_a_parse_error(tmp_path):
    # documentation snippets (external-secrets' docs/snippets, skaffold's docs samples) leave
    # lines out with "..."; a real parse error stays AL001, and a YAML document end is not one
    dockerfile = "ARG BASE\nFROM golang:1.15-alpine as builder\n...\nFROM $BASE\nCOPY --from=builder /app .\n"
    r = lint_inline(dockerfile, name="docs/Dockerfile.app")
    assert [(n.rule_id, n.line, n.col, n.message) for n in r.notices] == [
        ("AL003", 3, 1, "docs/Dockerfile.app: an excerpt with lines left out (...), not linted")]
    # outside documentation and examples a "..." line breaks a file the build reads: AL001
    assert ids(lint_inline(dockerfile, name="Dockerfile"), "AL") == [("AL001", 3, 1)]
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n"
           "    image: busybox:1.36\n    ...\n  - name: b\n    image: busybox:1.36\n")
    assert ids(lint_inline(pod, name="examples/pod.yaml"), "AL") == [("AL003", 9, 5)]
    # a file named for a sample (vitess-operator's pkg/apis/vitess/v1alpha2/samples.yaml) is one too
    assert ids(lint_inline(pod, name="pkg/apis/v1alpha2/samples.yaml"), "AL") == [("AL003", 9, 5)]
    assert ids(lint_inline(pod, name="pkg/apis/v1alpha2/pod.yaml"), "AL") == [("AL001", 10, 3)]
    # "..." at a line's start ends a YAML document: what follows without "---" is an error
    broken = "apiVersion: v1\nkind: Pod\n...\nspec:\n  containers: []\n"
    assert ids(lint_inline(broken, name="examples/pod.yaml"), "AL") == [("AL001", 4, 1)]
    assert ids(lint_inline("FROM alpine:3.20\nRUNN echo\n", name="Dockerfile"), "AL") == [("AL001", 2, 1)]
    write_files(tmp_path, {"docs/a/Dockerfile": dockerfile, "docs/b/Dockerfile": dockerfile})
    out = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout.splitlines()
    assert [ln for ln in out if " AL0" in ln] == [
        "docs/a/Dockerfile:3:1: note: AL003 2 excerpts with lines left out (...) are not linted"]


def test_notes_are_one_line_in_their_place_and_not_counted_as_findings(tmp_path):
    # a templated file and the platforms reminder are notes; a file that does not parse is a finding
    write_files(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\nRUN pip install flask\n",
        "deploy/app.yaml": "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n",
        "k8s/broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata: [\n",
    })
    text = run(["check", "--no-cache", "--output-format", "text", "."], tmp_path)
    lines = text.stdout.splitlines()
    notes = [ln for ln in lines if ": note: " in ln]
    assert [ln.split(": note: ")[1].split(" ")[0] for ln in notes] == ["DF005", "AL003"]
    # a note has no source excerpt under it: the next line is the next finding's
    assert lines[lines.index(notes[0]) + 1] == notes[1]
    assert lines[lines.index(notes[1]) + 1].startswith("k8s/broken.yaml:4:1: AL001 ")
    assert " AL001 could not parse k8s/broken.yaml" in lines[lines.index(notes[1]) + 1]
    assert lines[-1] == "1 finding (1 error) in 3 files; 2 notes"
    assert text.returncode == 1  # the parse error fails the run; the notes never do
    concise = run(["check", "--no-cache", "--output-format", "concise", "."], tmp_path).stdout.splitlines()
    assert concise == notes + [lines[lines.index(notes[1]) + 1], "1 finding (1 error) in 3 files; 2 notes"]
    # --statistics counts findings only
    stats = run(["check", "--no-cache", "--statistics", "."], tmp_path).stdout
    assert [ln.split()[:2] for ln in stats.splitlines()] == [["1", "AL001"]]


def test_yaml_whose_keys_are_bare_go_template_markup_is_a_template():
    # opendatahub-operator's kube-auth-proxy-networkpolicy.yaml, which Go's text/template fills:
    # YAML reads `{{.Key}}: {{.Value}}` as a mapping whose key is a mapping; no manifest has one
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: proxy
    spec:
      template:
        metadata:
          labels:
            {{.ComponentLabelKey}}: {{.ComponentLabelValue}}
        spec:
          containers:
          - name: proxy
            image: nginx:latest
    """
    r = lint_inline(text, name="resources/proxy.yaml")
    assert [(n.rule_id, n.line, n.col, n.message) for n in r.notices] == [
        ("AL003", 9, 9, "resources/proxy.yaml: templated file, not linted")]
    assert r.findings == []
    # the same manifest with its markup quoted is a manifest: its image is read
    quoted = text.replace("{{.ComponentLabelKey}}: {{.ComponentLabelValue}}", '"{{.Key}}": "{{.Value}}"')
    assert [f.rule_id for f in lint_inline(quoted, name="resources/proxy.yaml").findings] == ["K8S001"]
    # markup where a value is (kubekey's Ansible template `image: {{ .kata.image }}`): YAML keeps the
    # file's structure, and what is written out is linted
    valued = text.replace("{{.ComponentLabelKey}}: {{.ComponentLabelValue}}", "app: {{ .Name }}")
    assert [f.rule_id for f in lint_inline(valued, name="resources/proxy.yaml").findings] == ["K8S001"]


def test_a_manifest_with_a_complex_key_is_read_without_an_internal_error():
    # YAML allows a sequence as a key (`? [a, b]`); the pod template search must not choke on it
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      ? [a, b]
      : {template: {}}
      template:
        spec:
          containers:
          - name: web
            image: nginx:latest
    """
    r = lint_inline(text, name="web.yaml")
    assert [f.rule_id for f in r.findings] == ["K8S001"]
    assert [n.rule_id for n in r.notices if n.rule_id == "AL004"] == []


def test_a_dockerfile_with_a_dotted_variable_name_is_filled_in_before_the_build():
    # fabric8io/docker-maven-plugin's samples: Maven filters src/main/docker/Dockerfile, so
    # ${base} and ${project.artifactId} are Maven properties; no builder takes a dotted name
    text = """
    FROM ${base}
    COPY maven/${project.artifactId}-${project.version}.jar /app.jar
    CMD ["java", "-jar", "/app.jar"]
    """
    r = lint_inline(text, name="src/main/docker/Dockerfile")
    assert [(n.rule_id, n.line, n.col, n.message) for n in r.notices] == [
        ("AL003", 2, 12, "src/main/docker/Dockerfile: templated file, not linted")]
    assert r.findings == []  # no DF012 on FROM ${base}
    # a dotted name in RUN is the shell's (and a ${base} alone an undeclared ARG): linted
    run = "FROM ${base}\nRUN echo ${x.y} || true\n"
    assert [f.rule_id for f in lint_inline(run, name="Dockerfile").findings] == ["DF012"]
    # a default with a dot (${GO_VERSION-1.22.3}) and single-quoted text are no such names: linted
    for line in ("LABEL go.version=${GO_VERSION-1.22.3}", "ENV JAVA_OPTS='-Dlog.dir=${log.dir}'"):
        text = f"FROM golang:latest\nARG GO_VERSION\n{line}\n"
        assert [f.rule_id for f in lint_inline(text, name="Dockerfile").findings] == ["DF001"], line


def test_a_dockerfile_fragment_in_a_templates_folder_that_does_not_parse_is_a_template():
    # dotnet-docker's eng/dockerfile-templates/Dockerfile.env.container: the continuation lines of
    # an ENV that other templates insert; alone it does not parse (an AL001 per line before)
    text = "    DOTNET_RUNNING_IN_CONTAINER=true \\\n    DOTNET_VERSION=9.0.0\n"
    for name in ("eng/dockerfile-templates/Dockerfile.env.container", "eng/templates/Dockerfile.env",
                 "tools/Dockerfile.runtime_template"):  # (tensorflow/serving's, <<python_version>> filled by sed)
        r = lint_inline(text, name=name)
        assert [n.rule_id for n in r.notices] == ["AL003"] and r.findings == [], name
    # elsewhere, or in a folder whose name only contains the word, the same text is a broken Dockerfile
    for name in ("eng/Dockerfile.env.container", "templatesets/Dockerfile"):
        assert "AL001" in [n.rule_id for n in lint_inline(text, name=name).notices], name
