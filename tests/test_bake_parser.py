"""The Docker Bake reader: targets after inherits, values from variable defaults, unknown parts as
``*``, the JSON form, parse errors with positions."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from archlint import kinds
from archlint.parsers import ParseError, bake
from archlint.source import Source, decode


def parse(text: str, path: str = "docker-bake.hcl") -> bake.BakeModel:
    return bake.parse(Source(path, textwrap.dedent(text)))


def target(model: bake.BakeModel, name: str) -> bake.BakeTarget:
    t = model.target(name)
    assert t is not None, [x.name for x in model.targets]
    return t


REALISTIC = '''\
# Build every image of the project.
variable "REGISTRY" {
  default = "ghcr.io/acme"
}

variable "TAG" {
  default = "dev"
}

variable "GIT_SHA" {}

variable "PLATFORMS" {
  type    = list(string)
  default = ["linux/amd64", "linux/arm64"]
}

group "default" {
  targets = ["api", "worker", "web"]
}

group "ci" {
  targets = ["default", "tests"]
}

target "_common" {
  context = "."
  args = {
    GO_VERSION = "1.23"
    COMMIT     = "${GIT_SHA}"
  }
  labels = {
    "org.opencontainers.image.source" = "https://github.com/acme/app"
  }
  platforms = PLATFORMS
}

target "api" {
  inherits   = ["_common"]
  dockerfile = "build/api.Dockerfile"
  target     = "runtime"
  tags       = ["${REGISTRY}/api:${TAG}", "${REGISTRY}/api:${GIT_SHA}"]
  output     = ["type=registry"]
}

target "worker" {
  inherits   = ["api"]
  dockerfile = "build/worker.Dockerfile"
  tags       = ["${REGISTRY}/worker:${TAG}"]
}

target "web" {
  inherits  = ["_common"]
  context   = "web"
  platforms = ["linux/amd64"]
  tags      = [lower("${REGISTRY}/Web:${TAG}")]
  output    = [{ type = "docker" }]
}

target "tests" {
  inherits = ["_common"]
  target   = "test"
  output   = ["type=cacheonly"]
}
'''


def test_a_realistic_file():
    m = parse(REALISTIC)
    assert [t.name for t in m.targets] == ["_common", "api", "worker", "web", "tests"]
    api = target(m, "api")
    assert (api.line, api.col, api.end_line, api.end_col) == (37, 1, 37, 13)  # target "api"
    assert api.context == "." and api.dockerfile == "build/api.Dockerfile" and api.target == "runtime"
    assert api.platforms == ["linux/amd64", "linux/arm64"]
    assert api.tags == ["ghcr.io/acme/api:dev", "ghcr.io/acme/api:*"]
    assert api.push and not api.load and api.outputs == ["type=registry"]
    assert api.args == {"GO_VERSION": "1.23", "COMMIT": "*"}
    worker = target(m, "worker")
    assert worker.dockerfile == "build/worker.Dockerfile" and worker.target == "runtime" and worker.push
    assert worker.tags == ["ghcr.io/acme/worker:dev"]  # tags replace the inherited list
    web = target(m, "web")
    assert web.context == "web" and web.dockerfile is None and web.platforms == ["linux/amd64"]
    assert web.tags == ["*"] and web.load and not web.push
    tests = target(m, "tests")
    assert not tests.push and not tests.load and tests.outputs == ["type=cacheonly"]
    assert m.groups == {"default": ["api", "worker", "web"], "ci": ["default", "tests"]}
    assert m.variables == {"REGISTRY": "ghcr.io/acme", "TAG": "dev", "GIT_SHA": None, "PLATFORMS": None}
    assert m.inputs == []


def test_variables_defaults_and_unknowns():
    m = parse('''
        variable "REGISTRY" { default = "ghcr.io/acme" }
        variable "TAG" {}
        variable "NULL" { default = null }
        variable "IMAGE" { default = "${REGISTRY}/app" }
        variable "FROM_ENV" { default = "${HOME}" }
        PREFIX = "top"
        target "app" {
          tags = ["${REGISTRY}/app:${TAG}", "${IMAGE}:1", "${PREFIX}-${TAG}${TAG}", "${BAKE_LOCAL_PLATFORM}",
                  "$${REGISTRY}", "a\\tb", "x:${upper(TAG)}", "${FROM_ENV}/y", "${NULL}"]
        }
    ''')
    t = target(m, "app")
    assert t.tags == ["ghcr.io/acme/app:*", "ghcr.io/acme/app:1", "top-*", "*", "${REGISTRY}", "a\tb", "x:*",
                      "*/y"]  # a null tag is left out
    assert isinstance(t.tags[0], bake.Partial) and not isinstance(t.tags[1], bake.Partial)
    assert m.variables["IMAGE"] == "ghcr.io/acme/app" and m.variables["TAG"] is None
    assert m.variables["PREFIX"] == "top"


def test_a_top_level_attribute_wins_over_a_variable_of_the_same_name():
    m = parse('''
        variable "TAG" { default = "from-variable" }
        TAG = "from-attribute"
        target "app" { tags = ["app:${TAG}"] }
    ''')
    assert target(m, "app").tags == ["app:from-attribute"]


def test_conditionals_and_comparisons_with_known_operands():
    m = parse('''
        variable "TAG" { default = "" }
        variable "CI" {}
        target "a" {
          tags = ["app:${TAG == "" ? "latest" : TAG}", "b:${CI != "" ? "ci" : "local"}",
                  "c:${!(TAG != "") && true ? "y" : "n"}"]
        }
    ''')
    assert target(m, "a").tags == ["app:latest", "b:*", "c:y"]


def test_inherits_multi_level_and_several_parents_in_order():
    m = parse('''
        target "base" {
          dockerfile = "base.Dockerfile"
          platforms = ["linux/amd64"]
          args = { A = "base", B = "base" }
          tags = ["base"]
        }
        target "arm" {
          platforms = ["linux/arm64"]
          args = { B = "arm", C = "arm" }
        }
        target "mid" {
          inherits = ["base"]
          context = "mid"
        }
        target "leaf" {
          inherits = ["mid", "arm"]
          args = { C = "leaf" }
        }
        target "own-wins" {
          inherits = ["arm", "base"]
          platforms = ["linux/riscv64"]
        }
    ''')
    leaf = target(m, "leaf")
    assert leaf.dockerfile == "base.Dockerfile" and leaf.context == "mid"
    assert leaf.platforms == ["linux/arm64"]  # the later parent wins
    assert leaf.args == {"A": "base", "B": "arm", "C": "leaf"}  # args merge key by key
    assert leaf.tags == ["base"] and leaf.inherits == ["mid", "arm"]
    own = target(m, "own-wins")
    assert own.platforms == ["linux/riscv64"] and own.tags == ["base"]


def test_named_contexts_merge_through_inherits_key_by_key():
    # frigate's docker/rockchip/rk.hcl: contexts = { wheels = "target:wheels", ... } serve the
    # target's FROM wheels; bake merges them as it merges args, a null entry overriding nothing
    m = parse('''
        variable "BASE" { default = "debian:12" }
        target "common" {
          contexts = { wheels = "target:wheels", base = "docker-image://${BASE}" }
        }
        target "rk" {
          inherits = ["common"]
          dockerfile = "docker/rockchip/Dockerfile"
          contexts = { deps = "target:deps", wheels = null }
          args = { A = "1" }
        }
    ''')
    rk = target(m, "rk")
    assert rk.contexts == {"wheels": "target:wheels", "base": "docker-image://debian:12", "deps": "target:deps"}
    assert rk.args == {"A": "1"} and target(m, "common").args == {}


def test_a_cycle_in_inherits_terminates():
    m = parse('''
        target "a" {
          inherits = ["b"]
          tags = ["a"]
        }
        target "b" {
          inherits = ["a", "b", "missing"]
          context = "b"
        }
        target "self" { inherits = ["self"] }
    ''')
    a, b = target(m, "a"), target(m, "b")
    assert a.context == "b" and a.tags == ["a"]
    assert b.context == "b" and b.tags == ["a"]  # bake resolves each target afresh
    assert target(m, "self").tags == []


def test_a_long_inherits_chain_and_doubling_variables_stay_fast():
    n = 3000
    chain = "".join(f'target "t{i}" {{\n  inherits = ["t{i + 1}", "t{i + 2}"]\n}}\n' for i in range(n))
    doubling = "".join(f'variable "V{i}" {{ default = "${{V{i + 1}}}${{V{i + 1}}}" }}\n' for i in range(60))
    text = chain + f'target "t{n}" {{ tags = ["x"] }}\n' + doubling + 'variable "V60" { default = "ab" }\n'
    text += 'target "d" { tags = ["${V0}"] }\n'
    start = time.perf_counter()
    m = bake.parse(Source("docker-bake.hcl", text))
    assert time.perf_counter() - start < 10
    assert target(m, f"t{n - 1}").tags == ["x"]
    assert target(m, "d").tags == ["*"]  # past the string cap


def test_platforms_lists_and_unknowns():
    m = parse('''
        variable "ARCH" {}
        variable "LIST" { default = ["linux/amd64", "linux/arm64"] }
        target "csv" { platforms = [" linux/amd64 , linux/arm64", "linux/amd64"] }
        target "unset" {}
        target "var" { platforms = LIST }
        target "interp" { platforms = "${LIST}" }
        target "unknown-item" { platforms = ["linux/${ARCH}"] }
        target "func" { platforms = split(",", "linux/amd64,linux/arm64") }
        target "other-func" { platforms = [lower("LINUX/AMD64")] }
        target "for" { platforms = [for a in ["amd64"]: "linux/${a}"] }
        target "null" { platforms = null }
        target "empty" { platforms = [] }
    ''')
    p = {t.name: t.platforms for t in m.targets}
    assert p == {"csv": ["linux/amd64", "linux/arm64"], "unset": [], "var": ["linux/amd64", "linux/arm64"],
                 "interp": ["linux/amd64", "linux/arm64"], "unknown-item": None,
                 "func": ["linux/amd64", "linux/arm64"], "other-func": None, "for": None, "null": [], "empty": []}


def test_push_and_load_from_outputs():
    m = parse('''
        target "reg" { output = ["type=registry"] }
        target "img-push" { output = ["type=image,name=x,push=true"] }
        target "img" { output = ["type=image,name=x"] }
        target "docker" { output = ["type=docker"] }
        target "docker-tar" { output = ["type=docker,dest=out.tar"] }
        target "obj" { output = [{ type = "image", push = true }] }
        target "local" { output = ["./out"] }
        target "unknown" { output = OUTPUTS }
    ''')
    got = {t.name: (t.push, t.load, t.outputs) for t in m.targets}
    assert got["reg"] == (True, False, ["type=registry"])
    assert got["img-push"][:2] == (True, False) and got["img"][:2] == (False, False)
    assert got["docker"][:2] == (False, True) and got["docker-tar"][:2] == (False, False)
    assert got["obj"] == (True, False, ["type=image,push=true"])
    assert got["local"] == (False, False, ["./out"])
    assert got["unknown"] == (False, False, None)


def test_dockerfile_context_inline_and_stage():
    m = parse('''
        variable "DIR" { default = "services/api" }
        target "a" {
          context = "${DIR}"
          dockerfile = "${DIR}/Dockerfile"
          target = "final"
        }
        target "empty" { dockerfile = "" }
        target "inline" {
          dockerfile-inline = <<-EOT
            FROM alpine:3.20


            RUN echo ${DIR}
            EOT
        }
        target "unknown" { context = CTX }
    ''')
    a = target(m, "a")
    assert (a.context, a.dockerfile, a.target) == ("services/api", "services/api/Dockerfile", "final")
    assert target(m, "empty").dockerfile is None
    assert target(m, "inline").dockerfile_inline == "FROM alpine:3.20\n\n\nRUN echo services/api\n"
    assert target(m, "unknown").context == "*"


def test_blocks_of_one_target_merge_and_matrix_values_are_unknown():
    m = parse('''
        variable "item" { default = "global" }
        target "app" {
          tags = ["one"]
          context = "a"
        }
        target "app" { tags = ["two"] }
        target "m" {
          name = "m-${item}"
          matrix = { item = ["a", "b"] }
          tags = ["m:${item}"]
        }
    ''')
    assert [t.name for t in m.targets] == ["app", "m"]
    app = target(m, "app")
    assert app.tags == ["two"] and app.context == "a" and app.line == 3
    mt = target(m, "m")
    assert mt.matrix and mt.tags == ["m:*"]


def test_a_matrix_targets_platforms_are_those_of_all_its_rows():
    # discourse_docker's image/docker-bake.hcl: platforms = ["linux/${arch}"] over split(",", ARCH)
    m = parse('''
        variable "ARCH" { default = "amd64,arm64" }
        variable "ARCH_ARRAY" { default = split(",", ARCH) }
        target "base" {
          name = "base-${arch}"
          matrix = { arch = ARCH_ARRAY }
          platforms = ["linux/${arch}"]
          tags = ["acme/base:${arch}"]
        }
        target "test" {
          name = "test-${t.tag}-${arch}"
          matrix = {
            arch = ["amd64", "arm64"]
            t = [{ tag = "slim" }, { tag = "release" }]
          }
          platforms = ["linux/${arch}"]
        }
        target "unknown" {
          matrix = { arch = split(",", NOT_SET) }
          platforms = ["linux/${arch}"]
        }
        target "fixed" {
          matrix = { v = ["1", "2"] }
          platforms = ["linux/amd64"]
        }
    ''')
    assert target(m, "base").platforms == ["linux/amd64", "linux/arm64"]
    assert target(m, "base").tags == ["acme/base:*"]  # (other fields: matrix values unknown)
    assert target(m, "test").platforms == ["linux/amd64", "linux/arm64"]
    assert target(m, "unknown").platforms is None
    assert target(m, "fixed").platforms == ["linux/amd64"]


JSON = '''{
  "variable": {
    "TAG": {"default": "latest"},
    "REGISTRY": {}
  },
  "group": {"default": {"targets": ["webapp"]}},
  "target": {
    "base": {"platforms": ["linux/amd64", "linux/arm64"], "context": "."},
    "webapp": {
      "inherits": ["base"],
      "dockerfile": "webapp.Dockerfile",
      "tags": ["docker.io/u/webapp:${TAG}", "${REGISTRY}/webapp:${TAG}", "$${TAG}",
               "x:${TAG == \\"latest\\" ? \\"stable\\" : TAG}"],
      "output": ["type=image,push=true"]
    }
  }
}
'''


def test_the_json_form():
    m = parse(JSON, "docker-bake.json")
    assert [t.name for t in m.targets] == ["base", "webapp"]
    w = target(m, "webapp")
    assert (w.line, w.col, w.end_line, w.end_col) == (9, 5, 9, 13)  # the "webapp" key
    assert w.platforms == ["linux/amd64", "linux/arm64"] and w.context == "." and w.dockerfile == "webapp.Dockerfile"
    assert w.tags == ["docker.io/u/webapp:latest", "*/webapp:latest", "${TAG}", "x:stable"]
    assert w.push and not w.load
    assert m.groups == {"default": ["webapp"]}
    assert m.variables == {"TAG": "latest", "REGISTRY": None}


def test_json_is_recognised_by_content_too():
    m = parse('{"target": {"a": {"tags": ["a"]}}}', "-")
    assert target(m, "a").tags == ["a"] and target(m, "a").span == (1, 13, 1, 16)


@pytest.mark.parametrize("text, path, line, col", [
    ('target "a" {\n  tags = [\n}\n', "docker-bake.hcl", 3, 1),
    ('target "a" {\n  x = @\n}\n', "docker-bake.hcl", 2, 7),
    ('target "a" {\n  x = 1\n', "docker-bake.hcl", 2, 8),
    ('x = <<EOT\nabc\n\n\n', "docker-bake.hcl", 1, 5),
    ('{"target": {"a": }}', "docker-bake.json", 1, 18),
    ('[1, 2]', "docker-bake.json", 1, 1),
    ('{"a": ' * 5000 + "1" + "}" * 5000, "docker-bake.json", 1, 1),
])
def test_parse_errors_have_positions(text, path, line, col):
    with pytest.raises(ParseError) as e:
        bake.parse(Source(path, text))
    assert (e.value.line, e.value.col) == (line, col), e.value.message


def test_garbage_and_non_utf8_input_is_a_parse_error():
    text, _, warning = decode(b"\x80\x81\xfe target {{{ \xff\n")
    assert warning
    with pytest.raises(ParseError):
        bake.parse(Source("docker-bake.hcl", text))
    with pytest.raises(ParseError):
        bake.parse(Source("docker-bake.json", text))


def test_truncated_and_odd_inputs_never_raise_anything_but_parse_error():
    texts = [REALISTIC[:i] for i in range(0, len(REALISTIC), 11)] + [JSON[:i] for i in range(0, len(JSON), 7)]
    texts += ['target "a" { tags = ["${"] }', 'target "a" { tags = ["%{ if x }y%{ endif }"] }', "target {}",
              'target "a" "b" { x = 1 }', 'variable "V" { default = V }\ntarget "a" { tags = [V] }',
              'target a { tags = [[[["x"]]]] }', 'x = [' * 3000 + ']' * 3000, '{"target": [1, 2]}',
              '{"target": {"a": [{"tags": ["x"]}, 3]}}', '{"target": {"a": {"tags": "${"}}}',
              'target "a" { output = [1, {type = "x"}] \n platforms = [1] \n args = 3 }',
              'target "a" { tags = ["\\u00e9\\U0001F600\\uD800"] }', 'target "a" { tags = [' + '1' * 5000 + '] }',
              '{"target": {"a": {"tags": [' + '1' * 5000 + ']}}}']
    for path in ("docker-bake.hcl", "docker-bake.json"):
        for text in texts:
            try:
                bake.parse(Source(path, text))
            except ParseError:
                pass


def test_blank_line_runs_and_unterminated_heredocs_parse_in_linear_time():
    def cost(n):
        start = time.perf_counter()
        for text in ("x = <<EOT\n" + "\n" * n + "y\nEOT\n", "x = <<EOT\n" + "\n" * n):
            try:
                bake.parse(Source("docker-bake.hcl", text))
            except ParseError:
                pass
        return time.perf_counter() - start

    cost(1000)
    small, large = min(cost(20000) for _ in range(3)), min(cost(80000) for _ in range(3))
    assert large / max(small, 1e-3) < 9, (small, large)


def test_fold_blank_runs_keeps_offsets():
    text = "a\n\n  \nb\n\n"
    folded = bake.fold_blank_runs(text)
    assert len(folded) == len(text) and folded == "a\n    b\n "


@pytest.mark.parametrize("name", ["docker-bake.hcl", "docker-bake.json", "docker-bake.override.hcl",
                                  "docker-bake.override.json", "ci/docker-bake.release.hcl", "docker-bake.ci.json"])
def test_bake_file_names(name):
    assert kinds.kind_by_name(name) == "bake"


@pytest.mark.parametrize("name", ["bake.hcl", "docker-bake.yaml", "main.tf", "docker-bake.hcl.bak"])
def test_other_names_are_not_bake(name):
    assert kinds.kind_by_name(name) != "bake"


def test_importing_the_parser_does_not_import_hcl2():
    code = "import sys, archlint.parsers.bake; assert 'hcl2' not in sys.modules and 'lark' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_bake_file_that_starts_with_template_markup_is_a_template():
    # thecodingmachine's utils/docker-bake.blueprint.hcl: Go template lines, then HCL, rendered by
    # `orbit generate` into docker-bake.hcl (an AL001 "invalid JSON" judged a wrong reading)
    from archlint.parsers import SkipFile

    text = '\n{{ $variants := list "apache" "fpm" }}\ngroup "default" {\n  targets = ["php"]\n}\n'
    with pytest.raises(SkipFile) as exc:
        bake.parse(Source("utils/docker-bake.blueprint.hcl", text))
    assert (exc.value.rule_id, exc.value.line) == ("AL003", 2)
    # a JSON Bake file is still JSON
    assert bake.parse(Source("docker-bake.json", '{"target": {"app": {"context": "."}}}')).targets
