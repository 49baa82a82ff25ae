"""The YAML parser (archlint/parsers/yamldoc.py): composed nodes with exact positions, hostile
input refused quickly with AL001, Helm templates skipped with AL003, workflow run: steps mapped
back to the file."""
from __future__ import annotations

import gc
import time

import pytest

from archlint.config import Settings
from archlint.engine import lint_text
from archlint.parsers import ParseError, SkipFile
from archlint.parsers import yamldoc as yd
from archlint.source import Source

from helpers import FIXTURES


def parse(text: str, path: str = "x.yaml"):
    return yd.parse(Source(path, text))


def root(text: str, path: str = "x.yaml"):
    return parse(text, path).documents[0]


# ---- positions ------------------------------------------------------------------------------------


def test_scalar_spans_are_one_based_and_end_exclusive():
    m = parse("a: plain\nb: 'single'\nc: \"double\"\nd: |\n  line 1\n  line 2\n\ne: x\n")
    r = m.documents[0]
    assert m.span(yd.value(r, "a")) == (1, 4, 1, 9)
    assert m.span(yd.value(r, "b")) == (2, 4, 2, 12)
    assert m.content_span(yd.value(r, "b")) == (2, 5, 2, 11)
    assert m.content_span(yd.value(r, "c")) == (3, 5, 3, 11)
    # a block scalar ends at the end of its last non-blank line, not at the next key
    assert m.span(yd.value(r, "d")) == (4, 4, 6, 9)
    assert m.key_span(yd.get(r, "e")[0]) == (8, 1, 8, 2)


def test_columns_count_code_points():
    m = parse("a: é😀x\nb: [ä, 😀😀, z]\n")
    r = m.documents[0]
    assert m.span(yd.value(r, "a")) == (1, 4, 1, 7)
    b = yd.items(yd.value(r, "b"))
    assert [m.span(n)[:2] for n in b] == [(2, 5), (2, 8), (2, 12)]


def test_crlf_and_bom():
    text = "\ufeffapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: x\r\n"
    m = parse(text)
    r = m.documents[0]
    # the BOM is column 1 of line 1 in the Source; positions count it like any character
    assert m.span(yd.value(r, "apiVersion")) == (1, 14, 1, 16)
    assert m.span(yd.value(r, "kind")) == (2, 7, 2, 10)
    assert m.span(yd.path(r, "metadata", "name")) == (4, 9, 4, 10)


def test_odd_line_breaks_keep_file_lines():
    # NEL/LS/PS are line breaks to YAML 1.1 but not to the Source: lines must not drift
    m = parse("a: x\u2028y\nb: z\n")
    r = m.documents[0]
    assert m.span(yd.value(r, "b")) == (2, 4, 2, 5)


# ---- documents, keys, tags ------------------------------------------------------------------------


def test_multi_document_and_list_items():
    text = (
        "apiVersion: v1\nkind: ConfigMap\n---\n---\n# only a comment\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - {apiVersion: v1, kind: Pod}\n"
        "  - apiVersion: v1\n    kind: List\n    items: [{apiVersion: v1, kind: Service}]\n"
    )
    m = parse(text)
    assert len(m.documents) == 2
    assert [yd.text(o, "kind") for o in m.objects()] == ["ConfigMap", "Pod", "Service"]


def test_duplicate_keys_last_wins_without_error():
    r = root("image: a:1\nimage: b:2\nx: 1\n")
    assert yd.text(r, "image") == "b:2"
    assert [(k.value, v.value) for k, v in yd.pairs(r)] == [("image", "b:2"), ("x", "1")]


def test_merge_keys_explicit_wins_then_first_source():
    r = root(
        "base: &base {image: base:1, platform: linux/amd64, restart: always}\n"
        "other: &other {image: other:1, user: app}\n"
        "svc:\n  <<: [*base, *other]\n  image: mine:1\n"
    )
    svc = yd.value(r, "svc")
    assert yd.text(svc, "image") == "mine:1"
    assert yd.text(svc, "platform") == "linux/amd64"
    assert yd.text(svc, "user") == "app"
    assert {k.value for k, _ in yd.pairs(svc)} == {"image", "platform", "restart", "user"}


def test_unknown_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "constructed"
    text = (
        f"a: !!python/object/apply:os.system ['touch {marker}']\n"
        "b: !Ref MyBucket\n"
        "c: !GetAtt [Role, Arn]\n"
        "d: !!binary aGVsbG8=\n"
    )
    r = root(text)
    assert not marker.exists()
    assert yd.value(r, "b").tag == "!Ref" and yd.text(r, "b") == "MyBucket"
    assert yd.is_seq(yd.value(r, "c"))


def test_yaml_1_1_words_stay_strings():
    r = root("on: push\nversion: 1.20\nyes: no\nempty:\nnull_: ~\n")
    assert yd.get(r, "on") is not None
    assert yd.text(r, "version") == "1.20"
    assert yd.text(r, "yes") == "no"
    assert yd.text(r, "empty") is None and yd.is_null(yd.value(r, "empty"))
    assert yd.text(r, "null_") is None


def test_parse_error_has_the_problem_position():
    with pytest.raises(ParseError) as e:
        parse("a:\n  - b\n c: [1, 2\n")
    assert (e.value.line, e.value.col) >= (3, 1)
    with pytest.raises(ParseError) as e:
        parse("key: value\n\tbad: tab\n")
    assert e.value.line == 2


def test_pure_python_composer_gives_the_same_positions():
    text = (FIXTURES / "K8S" / "K8S001.bad.yaml").read_text()
    fast = yd.compose(text)
    slow = yd.compose(text, loader="python")

    def marks(roots):
        out = []
        for r in roots:
            for n in yd.walk(r):
                out.append((n.id, getattr(n, "value", None) if n.id == "scalar" else None,
                            n.start_mark.line, n.start_mark.column, n.end_mark.line, n.end_mark.column, n.tag))
        return out

    assert marks(fast) == marks(slow)


# ---- Helm templates -------------------------------------------------------------------------------


def test_chart_templates_are_skipped_with_al003():
    chart = FIXTURES / "K8S" / "chart"
    for name in ("deployment.yaml", "static.yaml"):  # even a template that happens to be valid YAML
        p = chart / "templates" / name
        with pytest.raises(SkipFile) as e:
            yd.parse(Source(f"chart/templates/{name}", p.read_text(), abspath=str(p)))
        assert e.value.rule_id == "AL003" and "templated file" in e.value.message
    r = lint_text("chart/templates/deployment.yaml", (chart / "templates" / "deployment.yaml").read_text(),
                  Settings(), kind="kubernetes", abspath=str(chart / "templates" / "deployment.yaml"))
    assert [(n.rule_id, n.line, n.col, n.severity.label) for n in r.notices] == [("AL003", 4, 9, "info")]
    assert r.findings == []


def _skipped(text: str, path: str) -> tuple:
    """(rule, line, column) of the SkipFile that parsing ``text`` as ``path`` raises."""
    with pytest.raises(SkipFile) as e:
        parse(text, path)
    return e.value.rule_id, e.value.line, e.value.col


def test_a_ytt_template_is_templated_yaml_a_plain_comment_is_not():
    # ytt's examples/eirini/config.yml: #@ load / def / if/end are ytt's code in YAML comments;
    # the documents under an if are rendered or not, and values come from data.values
    for text, at in (('#@ load("@ytt:data", "data")\n---\napiVersion: v1\nkind: Pod\n', (1, 1)),
                     ("---\n#@ if/end data.values.rbac:\napiVersion: rbac.authorization.k8s.io/v1beta1\nkind: Role\n", (2, 1)),
                     ("#@overlay/match by=overlay.all\n---\nmetadata:\n  name: x\n", (1, 1)),
                     ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: #@ data.values.name\n", (4, 9))):
        assert _skipped(text, "examples/eirini/config.yml") == ("AL003", *at), text
    # a comment that merely starts with #@ text, or an e-mail in a comment, is YAML's
    assert parse("# owner: ops#@example.org\napiVersion: v1\nkind: Pod\n#@ maintained by ops\n").documents


def test_invalid_yaml_with_braces_is_a_template_valid_is_linted():
    with pytest.raises(SkipFile) as e:
        parse("metadata:\n  name: x\n{{- if .Values.enabled }}\nspec: {}\n{{- end }}\n", "deploy/x.yaml")
    assert (e.value.line, e.value.col) == (3, 1)
    # valid YAML with {{ }} outside a chart is linted (the value is just a string)
    assert parse('image: "{{ .Values.image }}"\n').documents
    # GitHub expressions are not templates: a broken workflow is a parse error
    with pytest.raises(ParseError):
        parse("run: echo ${{ github.sha }}\n  bad: [\n", ".github/workflows/ci.yml")
    # cert-manager's make/config/bind/service.yaml: a {NAME} a script substitutes breaks the YAML
    assert _skipped("spec:\n  type: ClusterIP\n  clusterIP: {SERVICE_IP_PREFIX}.16\n  ports: []\n",
                    "make/bind/service.yaml") == ("AL003", 3, 14)
    # a shell ${NAME} or a lower-case flow mapping is no placeholder: a broken file stays a parse error
    with pytest.raises(ParseError):
        parse("a: ${HOME}\nb: {x}\n  c: [\n", "deploy/y.yaml")
    # kserve's docs samples: a {name} glued to the text where YAML fails is the reader's to fill in
    assert _skipped("spec:\n  predictor:\n    containers:\n    - image: {username}/torchserve-gpu:latest\n"
                    "      name: torchserve-container\n", "docs/samples/torchserve/gpu.yaml") == ("AL003", 4, 14)
    # a {date} in a quoted string of a line that fails for another reason (a wrong indent) is no
    # placeholder: the parse error stands
    with pytest.raises(ParseError):
        parse('spec:\n  containers:\n  - name: a\n    image: app:1\n     args: ["--log", "logs/{date}.log"]\n',
              "deploy/dep.yaml")
    # ingress-gce's cmd/echo/echo.yaml: [YOUR REGISTRY] glued to the text YAML fails on; a broken
    # flow sequence elsewhere, or a lower-case one, stays a parse error
    assert _skipped("spec:\n  containers:\n  - name: echo\n    image: [YOUR REGISTRY]/echoserver:latest\n",
                    "cmd/echo/echo.yaml") == ("AL003", 4, 12)
    with pytest.raises(ParseError):
        parse("a: [b]/c\n", "deploy/x.yaml")
    with pytest.raises(ParseError):
        parse("a: [YOUR REGISTRY]\n  b: [\n", "deploy/y.yaml")
    # longhorn's dev/scale-test/statefulset.yaml: @STS_NAME@, which its script substitutes; an
    # e-mail address or a lone @ in a broken file is no placeholder
    assert _skipped("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: @STS_NAME@\n",
                    "dev/sts.yaml") == ("AL003", 4, 9)
    with pytest.raises(ParseError):
        parse("owner: @team\nmail: a@EXAMPLE@b.org\n  c: [\n", "deploy/z.yaml")
    # cortex-k3s' ConfigMaps: a shell command's output spliced in at a line's start, the body of a
    # heredoc a script expands; one elsewhere in a broken file, or inside a value, is none
    assert _skipped("kind: ConfigMap\ndata:\n  main.py: |\n$(cat src/main.py | sed 's/^/    /')\n  config.py: |\n",
                    "k8s/build-job.yaml") == ("AL003", 4, 1)
    with pytest.raises(ParseError):
        parse("script: |\n  $(cat a)\nb: c\nd: e\n  f: [\n", "deploy/z.yaml")
    with pytest.raises(ParseError):
        parse("a: $(cat a) b: c\n", "deploy/z.yaml")
    with pytest.raises(ParseError):  # (an indented line of a script, then a real error)
        parse("steps:\n  - run: |\n      $(aws ecr get-login)\n    name: build: image\n", "ci.yaml")
    # pgm95's stacks/*/compose.yml: `<<: *logging`, its anchor in another file put before it by the
    # deploy tool: a part, an info notice
    with pytest.raises(SkipFile) as e:
        parse("services:\n  app:\n    image: nginx:1.27\n    <<: *logging\n"
              "    healthcheck:\n      test: [\"CMD\", \"sh\", \"-c\", \"[ -f /tmp/ok ] && echo\"]\n", "stacks/app/compose.yml")
    assert e.value.rule_id == "AL001" and "undefined alias" in e.value.message
    # with anchors of its own, an alias none defines is a typo: an error
    with pytest.raises(ParseError):
        parse("x-logging: &logging\n  driver: json-file\nservices:\n  app:\n    logging: *loging\n", "compose.yml")
    # kubestellar's monitoring/configuration/*.yaml: %ITS%, which a script's sed fills in; a
    # percentage in a broken file is no placeholder
    assert _skipped("kind: ServiceMonitor\nmetadata:\n  name: %ITS%-apiserver\n",
                    "monitoring/its-sm.yaml") == ("AL003", 3, 9)
    # amrc-connectivity-stack's chart values, filled by its Dockerfile's sed
    assert _skipped("image:\n  registry: %%REGISTRY%%\n  tag: %%TAG%%\n", "deploy/values.yaml") == ("AL003", 2, 13)
    with pytest.raises(ParseError):
        parse("cpu: %50\nb: 100%\n  c: [\n", "deploy/z.yaml")
    with pytest.raises(ParseError):
        parse("a: %%B%\n", "deploy/z.yaml")
    # a placeholder elsewhere in the file (a comment, a quoted sed) says nothing of another error
    with pytest.raises(ParseError):
        parse("# bumped by sed s/@VERSION@/1.2/\nspec:\n  args:\n  - a\n   b: c\n", "deploy/app.yaml")
    # external-secrets' docs/snippets: mkdocs-macros' {% raw %} around a manifest is a Jinja template
    assert _skipped("{% raw %}\napiVersion: apps/v1\nkind: Deployment\n{% endraw %}\n",
                    "docs/snippets/cli.yaml") == ("AL003", 1, 1)
    # a {% in a string value of a broken file is no statement
    with pytest.raises(ParseError):
        parse("a: '{% raw %}'\nb: [\n", "deploy/z.yaml")
    # gitops-playground's *.ftl.yaml: FreeMarker directives its Groovy code renders; a broken file
    # with a <# in a string is no template
    ftl = ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n"
           "<#if config.features.mail.active?? && config.features.mail.active>\n    helm:\n      values: x\n"
           "</#if>\n  project: default\n")
    assert _skipped(ftl, "argocd/applications/argocd.ftl.yaml") == ("AL003", 5, 1)
    with pytest.raises(ParseError):
        parse("a: '<#if x>'\nb: [\n", "deploy/z.yaml")
    # a directive inside a block scalar of valid YAML (a Keycloak theme's template) is the scalar's text
    theme = "kind: ConfigMap\ndata:\n  login.ftl: |\n    <#if realm.password>\n    </#if>\n"
    assert parse(theme, "k8s/theme.yaml") is not None
    # kubefirst's gitops-template: a line that is only <CERT_MANAGER_ISSUER_ANNOTATION_1>, a token
    # its instantiation replaces; a lower-case or inline <x> in a broken file is no placeholder
    ing = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: argocd\n  annotations:\n"
           "    kubernetes.io/ingress.class: nginx\n    <CERT_MANAGER_ISSUER_ANNOTATION_1>\nspec:\n  rules:\n"
           "  - host: argocd.<DOMAIN_NAME>\n")
    assert _skipped(ing, "templates/mgmt/components/argocd/argocd-ui-ingress.yaml") == ("AL003", 7, 1)
    with pytest.raises(ParseError):
        parse("a:\n  <b>\n  c: <D_E>\nf: [\n", "deploy/z.yaml")


# ---- hostile input --------------------------------------------------------------------------------

BOMB = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9 if i else ['"lol"'] * 9) + "]\n"
    for i in range(10)
)


def test_yaml_bomb_is_refused_quickly():
    t0 = time.perf_counter()
    with pytest.raises(ParseError) as e:
        parse(BOMB)
    assert "alias expansion limit exceeded" in e.value.message
    assert time.perf_counter() - t0 < 1.0
    r = lint_text("bomb.yaml", "apiVersion: v1\nkind: ConfigMap\n" + BOMB, Settings(), kind="kubernetes")
    assert [n.rule_id for n in r.notices] == ["AL001"]
    assert "alias expansion limit exceeded" in r.notices[0].message


def test_recursive_alias_is_refused():
    with pytest.raises(ParseError) as e:
        parse("a: &x [1, *x]\n")
    assert "alias expansion limit exceeded" in e.value.message


def test_ordinary_anchors_are_fine():
    r = root("x: &d {restart: always}\ns1: {<<: *d}\ns2: {<<: *d}\nlist: &l [1, 2]\nagain: *l\n")
    assert yd.text(yd.value(r, "s2"), "restart") == "always"
    yd.check_expansion([r])  # no error


def test_an_anchor_defined_again_replaces_the_earlier_one():
    # YAML 1.2: anchors need not be unique, an alias is the most recent (knative's gitlab.yaml
    # defines &everything twice in one ClusterRole; PyYAML and libyaml refuse it)
    r = root("a: &verbs [get]\nb: *verbs\nc: &verbs [get, list]\nd: *verbs\n")
    assert [x.value for x in yd.value(r, "b").value] == ["get"]
    assert [x.value for x in yd.value(r, "d").value] == ["get", "list"]
    # an alias no anchor defines is a part another file completes (an info notice: below); a bomb
    # through redefined anchors is still refused
    with pytest.raises(SkipFile):
        parse("a: *nowhere\n")
    with pytest.raises(ParseError) as e:
        parse("a: &x [1]\n" + "".join(f"b{i}: &y{i} [*x, *x, *x, *x]\nc{i}: &x [*y{i}]\n" for i in range(12)))
    assert "nodes once aliases are expanded" in e.value.message
    # a large file with a duplicate anchor is not composed again (the pure-Python composer is slow)
    with pytest.raises(ParseError) as e:
        parse("a: &x 1\nb: &x 2\n" + "# padding\n" * 30_000)
    assert "duplicate anchor" in e.value.message


def test_deep_flow_nesting_is_refused_fast():
    for text in ("[" * 10_000 + "]" * 10_000, "{a: " * 10_000 + "1" + "}" * 10_000):
        t0 = time.perf_counter()
        with pytest.raises(ParseError) as e:
            parse(text)
        assert "nesting deeper than" in e.value.message
        assert time.perf_counter() - t0 < 0.5
    r = lint_text("deep.yaml", "[" * 10_000 + "]" * 10_000, Settings(), kind="kubernetes")
    assert [n.rule_id for n in r.notices] == ["AL001"]


@pytest.mark.parametrize("kind", ["kubernetes", "compose", "workflow", "helm-values", "kustomization"])
def test_deep_block_nesting_lints_without_recursion(kind):
    deep_seq = "- " * 10_000 + "x\n"
    deep_map = "".join(" " * i + "k:\n" for i in range(1_500)) + " " * 1_500 + "v\n"
    for text in (deep_seq, "apiVersion: v1\nkind: Pod\nspec:\n  x:\n" + "".join(
            "    " + " " * i + "template:\n" for i in range(1_500)), deep_map):
        t0 = time.perf_counter()
        r = lint_text("deep.yaml", text, Settings(), kind=kind)
        # libyaml up to 0.2.5 composes any depth; the one PyYAML 6.0.4's wheels bundle refuses
        # block nesting past 1,000 levels.  Either way: linted, or one clear AL001, never a crash.
        assert not [n for n in r.notices if n.rule_id == "AL004"], r.notices
        bad = [n for n in r.notices if n.rule_id == "AL001"]
        assert bad == [] or (len(bad) == 1 and "nesting" in bad[0].message and bad[0].line >= 1), r.notices
        assert time.perf_counter() - t0 < 3.0


def test_pure_python_fallback_turns_recursion_into_a_parse_error(monkeypatch):
    monkeypatch.setattr(yd, "_loader_cls", yd._py_loader())
    assert yd.text(root("a: b\n"), "a") == "b"
    with pytest.raises(ParseError) as e:
        parse("- " * 5_000 + "x\n")
    assert "nesting too deep" in e.value.message


def test_big_file_lints_under_two_seconds():
    """5 MB of node-dense manifests: composing pauses the collector and freezes the nodes."""
    env = "".join(f"            - name: VAR_{j}\n              value: \"value-{j}\"\n" for j in range(40))
    doc = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  labels: {{app: app-{i}}}\n"
        "spec:\n  template:\n    spec:\n      nodeSelector:\n        kubernetes.io/arch: amd64\n"
        "      containers:\n        - name: app\n          image: registry.example.com/app-{i}:1.{i}\n"
        "          ports: [{{containerPort: 8080}}]\n          env:\n" + env
    )
    parts, size, i = [], 0, 0
    while size < 5 * 1024 * 1024:
        d = doc.format(i=i)
        parts.append(d)
        size += len(d) + 4
        i += 1
    text = "---\n".join(parts)
    best = None
    for _ in range(2):
        t0 = time.perf_counter()
        r = lint_text("big.yaml", text, Settings(), kind="kubernetes")
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
        if best < 2.0:
            break
    assert r.notices == [] and r.findings == []
    assert best < 2.0, f"5 MB took {best:.2f} s"
    del r
    gc.collect()
    assert gc.get_freeze_count() < 200_000  # the model's nodes were handed back


# ---- workflow run: steps --------------------------------------------------------------------------

WORKFLOW = """\
name: ci
on: push
env:
  DOCKER_DEFAULT_PLATFORM: linux/amd64
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      IMAGE: ghcr.io/acme/api
    steps:
      - run: docker build -t "$IMAGE:1" .
      - name: literal
        env:
          TAG: ${{ github.sha }}
        run: |
          echo start
            indented
          docker push "$IMAGE:$TAG"

      - run: >-
          docker buildx build
          --push .
      - run: "echo \\"quoted\\""
      - run: docker run
          --rm alpine:3.20
      - shell: python
        run: print("docker build .")
      - run: |2
           two extra
"""


def test_run_steps_become_snippets_mapped_to_the_file():
    m = parse(WORKFLOW, ".github/workflows/ci.yml")
    snips = m.shell_snippets()
    assert [s.context for s in snips] == ["run step"] * 6
    one, lit, folded, quoted, plain, explicit = snips
    assert one.text == 'docker build -t "$IMAGE:1" .'
    assert one.pos(0) == (11, 14)
    assert one.env == {"DOCKER_DEFAULT_PLATFORM": "linux/amd64", "IMAGE": "ghcr.io/acme/api"}
    assert one.env_spans["IMAGE"] == (9, 14, 9, 30)
    assert lit.text == 'echo start\n  indented\ndocker push "$IMAGE:$TAG"'
    assert lit.env["TAG"] == "${{ github.sha }}"
    off = lit.text.index("docker push")
    assert lit.span(off, off + 6) == (18, 11, 18, 17)
    # folded: the shell sees one line, positions still map to each file line
    assert folded.text == "docker buildx build --push ."
    off = folded.text.index("--push")
    assert folded.span(off, off + 6) == (22, 11, 22, 17)
    assert quoted.text == 'echo "quoted"'
    assert plain.text == "docker run --rm alpine:3.20"
    off = plain.text.index("alpine")
    assert plain.span(off, off + 6) == (25, 16, 25, 22)
    assert explicit.text == " two extra"
    assert explicit.pos(1) == (29, 12)


def test_non_workflow_yaml_has_no_snippets():
    assert parse("apiVersion: v1\nkind: Pod\n").shell_snippets() == []


# ---- suppression ranges ---------------------------------------------------------------------------


def test_statement_range_covers_the_entry_starting_on_the_line():
    text = (
        "spec:\n"                         # 1
        "  containers:\n"                 # 2
        "    - name: a\n"                 # 3
        "      image: a:latest\n"         # 4
        "      imagePullPolicy: Never\n"  # 5
        "    - name: b\n"                 # 6
        "      image: b\n"                # 7
        "run: |\n"                        # 8
        "  echo 1\n"                      # 9
        "  echo 2\n"                      # 10
    )
    m = parse(text)
    assert m.statement_range(3) == (3, 5)  # the whole first container
    assert m.statement_range(4) == (4, 4)
    assert m.statement_range(2) == (2, 7)
    assert m.statement_range(8) == (8, 10)
    assert m.statement_range(42) == (42, 42)
