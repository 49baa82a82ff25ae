"""BC001-BC008 on their fixtures: a shell script, a Makefile and a Markdown runbook per rule (and
a Dockerfile RUN for BC001), bad and good, asserting exact IDs and line:column."""
from __future__ import annotations

import pytest

from archlint.registry import get_rule

from bc_helpers import BC, ONE, TWO, apply_fix, findings, ids

CASES = [
    # (fixture, platforms, rule, expected [(line, col)])
    ("BC001/bad.sh", [], "BC001", [(3, 8), (4, 13), (6, 15), (7, 35)]),
    ("BC001/bad.sh", ONE, "BC001", [(3, 8), (4, 13), (6, 15), (7, 35)]),
    ("BC001/good.sh", [], "BC001", []),
    ("BC001/bad.mk", [], "BC001", [(6, 12), (7, 10)]),
    ("BC001/good.mk", [], "BC001", []),
    ("BC001/bad.md", [], "BC001", [(6, 8), (12, 10)]),
    ("BC001/good.md", [], "BC001", []),
    ("BC001/Dockerfile", [], "BC001", [(2, 12)]),
    ("BC002/bad.sh", TWO, "BC002", [(2, 21), (2, 44)]),
    ("BC002/bad.sh", [], "BC002", []),  # nothing to compare with
    ("BC002/good.sh", TWO, "BC002", []),
    ("BC002/bad.mk", TWO, "BC002", [(4, 22)]),
    ("BC002/bad.mk", ONE, "BC002", []),
    ("BC002/good.mk", TWO, "BC002", []),
    ("BC002/bad.md", TWO, "BC002", [(2, 25), (2, 42)]),
    ("BC002/good.md", TWO, "BC002", []),
    ("BC003/bad.sh", [], "BC003", [(2, 56), (3, 56)]),
    ("BC003/good.sh", [], "BC003", []),
    ("BC003/bad.mk", [], "BC003", [(4, 46)]),
    ("BC003/good.mk", [], "BC003", []),
    ("BC003/bad.md", [], "BC003", [(2, 92)]),
    ("BC003/good.md", [], "BC003", []),
    ("BC004/bad.sh", [], "BC004", [(3, 44), (4, 37), (4, 76)]),
    ("BC004/good.sh", [], "BC004", []),
    ("BC004/bad.mk", [], "BC004", [(11, 3), (12, 3)]),
    ("BC004/good.mk", [], "BC004", []),
    ("BC004/bad.md", [], "BC004", [(4, 58)]),
    ("BC004/good.md", [], "BC004", []),
    ("BC005/bad.sh", [], "BC005", [(2, 13), (3, 14)]),
    ("BC005/good.sh", [], "BC005", []),
    ("BC005/bad.mk", [], "BC005", [(8, 15)]),
    ("BC005/good.mk", [], "BC005", []),
    ("BC005/bad.md", [], "BC005", [(2, 21)]),
    ("BC005/good.md", [], "BC005", []),
    ("BC006/bad.sh", [], "BC006", [(4, 40), (5, 40), (6, 13), (8, 13), (9, 46), (10, 27)]),
    ("BC006/good.sh", [], "BC006", []),
    ("BC006/bad.mk", [], "BC006", [(4, 14)]),
    ("BC006/good.mk", [], "BC006", []),
    ("BC006/bad.md", [], "BC006", [(4, 27)]),
    ("BC006/good.md", [], "BC006", []),
    ("BC007/bad.sh", [], "BC007", [(2, 21)]),
    ("BC007/good.sh", [], "BC007", []),
    ("BC007/bad.mk", [], "BC007", [(5, 3)]),
    ("BC007/good.mk", [], "BC007", []),
    ("BC007/bad.md", [], "BC007", [(4, 23)]),
    ("BC007/good.md", [], "BC007", []),
    ("BC008/bad.sh", [], "BC008", [(2, 32), (3, 28), (4, 25)]),
    ("BC008/good.sh", [], "BC008", []),
    ("BC008/bad.mk", [], "BC008", [(4, 33)]),
    ("BC008/good.mk", [], "BC008", []),
    ("BC008/bad.md", [], "BC008", [(2, 38)]),
    ("BC008/good.md", [], "BC008", []),
]


@pytest.mark.parametrize(
    "fixture,platforms,rule,expected", CASES, ids=[f"{c[0]}-{c[2]}-{len(c[1])}p" for c in CASES]
)
def test_rule_fixture(fixture, platforms, rule, expected):
    got = [(line, col) for rid, line, col in ids(findings(BC / fixture, platforms=platforms), rule)]
    assert got == expected


def test_kubernaut_makefile_gives_bc004_twice_and_bc005():
    """The case from the multi-arch decision record."""
    got = ids(findings(BC / "BC004/bad.mk"))
    assert got == [("BC005", 8, 15), ("BC004", 11, 3), ("BC004", 12, 3)]
    msgs = [f.message for f in findings(BC / "BC004/bad.mk") if f.rule_id == "BC004"]
    assert all("only the last (arm64)" in m for m in msgs)


def test_kubernaut_samples(shared_samples):
    mk = findings(shared_samples / "kubernaut" / "Makefile")
    assert sorted(ids(mk)) == [("BC001", 22, 9), ("BC004", 11, 3), ("BC004", 12, 3), ("BC005", 8, 15)]
    sh = findings(shared_samples / "kubernaut" / "scripts" / "build-notification-controller.sh")
    assert sorted(ids(sh)) == [
        ("BC001", 19, 12), ("BC004", 14, 9), ("BC004", 15, 9), ("BC004", 22, 9),
        ("BC005", 11, 18), ("BC006", 12, 12), ("BC006", 20, 12),
    ]
    md = findings(shared_samples / "kubernaut" / "docs" / "DEPLOY.md")
    assert ids(md) == [("BC001", 6, 8), ("BC003", 13, 99)]
    deploy = findings(shared_samples / "athena-admin" / "backend" / "deploy.sh")
    assert ids(deploy) == [("BC001", 5, 8), ("BC006", 5, 17), ("BC006", 6, 40), ("BC006", 7, 13)]


@pytest.fixture
def shared_samples():
    from pathlib import Path

    p = Path(__file__).resolve().parents[2] / "shared" / "samples"
    if not p.is_dir():
        pytest.skip("shared samples not available")
    return p


# ---- spans, messages, fixes -------------------------------------------------------------------


def test_bc001_span_is_the_build_word_and_fix_inserts_platform():
    text = "docker build -t registry.example.com/app:1.4.2 .\n"
    (f,) = findings("build.sh", text, platforms=ONE)
    assert (f.span.line, f.span.col, f.span.end_col) == (1, 8, 13)
    assert f.fix is not None and f.fix.safe
    fixed = apply_fix(text, f.fix)
    assert fixed == "docker build --platform linux/amd64 -t registry.example.com/app:1.4.2 .\n"
    assert findings("build.sh", fixed, platforms=ONE) == []


def test_bc001_fix_with_several_platforms_is_unsafe():
    (f,) = [x for x in findings("b.sh", "podman build .\n", platforms=TWO) if x.rule_id == "BC001"]
    assert f.fix is not None and not f.fix.safe
    assert apply_fix("podman build .\n", f.fix) == "podman build --platform linux/amd64,linux/arm64 .\n"


def test_bc001_without_platforms_has_no_fix_but_says_how_to_configure():
    (f,) = findings("b.sh", "docker build .\n")
    assert f.fix is None
    assert "platforms" in f.hint


def test_bc001_in_makefile_fix_lands_after_build_word():
    text = "IMG ?= app:1\nbuild:\n\t@docker build -t $(IMG) .\n"
    (f,) = findings("Makefile", text, platforms=ONE)
    assert apply_fix(text, f.fix) == "IMG ?= app:1\nbuild:\n\t@docker build --platform linux/amd64 -t $(IMG) .\n"


def test_bc001_exported_in_makefile_counts():
    text = "export DOCKER_DEFAULT_PLATFORM := linux/amd64\nbuild:\n\tdocker build -t app:1 .\n"
    assert ids(findings("Makefile", text)) == []
    unexported = "DOCKER_DEFAULT_PLATFORM := linux/amd64\nbuild:\n\tdocker build -t app:1 .\n"
    assert ids(findings("Makefile", unexported)) == [("BC001", 3, 9)]


def test_bc001_podman_ignores_docker_default_platform():
    text = "export DOCKER_DEFAULT_PLATFORM=linux/amd64\npodman build -t app:1 .\n"
    (f,) = findings("b.sh", text)
    assert f.rule_id == "BC001" and "ignores DOCKER_DEFAULT_PLATFORM" in f.message
    assert findings("b.sh", "export CONTAINER_DEFAULT_PLATFORM=linux/amd64\npodman build -t app:1 .\n") == []


def test_bc004_fix_removes_flag_and_value():
    text = "docker build --platform linux/amd64 --build-arg TARGETARCH=amd64 -t app:1 .\n"
    (f,) = [x for x in findings("b.sh", text) if x.rule_id == "BC004"]
    assert (f.span.col, f.span.end_col) == (37, 48)  # the --build-arg word
    assert not f.fix.safe
    assert apply_fix(text, f.fix) == "docker build --platform linux/amd64 -t app:1 .\n"


def test_bc004_fix_in_makefile_continuation_keeps_the_backslash():
    text = (BC / "BC004/bad.mk").read_text()
    f = [x for x in findings(BC / "BC004/bad.mk") if x.rule_id == "BC004"][0]
    fixed = apply_fix(text, f.fix)
    assert "\t\t\\\n\t\t--build-arg TARGETARCH=arm64 \\\n" in fixed


def test_bc005_fix_replaces_tag_with_manifest():
    text = (BC / "BC005/bad.mk").read_text()
    (f,) = [x for x in findings(BC / "BC005/bad.mk") if x.rule_id == "BC005"]
    fixed = apply_fix(text, f.fix)
    assert "\t\t--manifest $(IMG) \\\n" in fixed
    assert [x for x in findings("Makefile", fixed) if x.rule_id == "BC005"] == []


def test_bc008_fix_replaces_with_nearest_valid_platform():
    text = "docker buildx build --platform linux/x86_64,linux/arm64 --push -t r/app:1 .\n"
    (f,) = findings("b.sh", text)
    assert f.rule_id == "BC008" and f.fix.safe
    fixed = apply_fix(text, f.fix)
    assert fixed == "docker buildx build --platform linux/amd64,linux/arm64 --push -t r/app:1 .\n"


def test_bc008_value_from_make_variable_has_no_fix():
    (f,) = findings(BC / "BC008/bad.mk")
    assert f.fix is None and "amd46" in f.message


def test_bc006_default_latest_says_so():
    (f,) = findings("b.sh", 'IMAGE="r/app:${VERSION:-latest}"\ndocker push "$IMAGE"\n')
    assert "default" in f.message and f.rule_id == "BC006"


def test_bc006_hint_in_makefile_escapes_dollar():
    (f,) = findings(BC / "BC006/bad.mk")
    assert "$$(git rev-parse" in f.hint


def test_markdown_suppression_above_fence_covers_the_block():
    text = "<!-- archlint: ignore[BC001] -->\n```bash\ndocker build .\n```\n"
    assert findings("README.md", text, engine=True) == []
    assert [f.rule_id for f in findings("README.md", text.split("\n", 1)[1], engine=True)] == ["BC001"]


def test_false_positive_traps():
    text = "\n".join([
        'echo "docker build -t app ."',
        "pgrep -f 'podman build' >/dev/null",
        "# docker build .",
        'printf "%s\\n" "docker push app:latest"',
        "grep -r 'docker build' docs/",
        "cat <<'EOF'",
        "docker build .",
        "EOF",
        "docker-compose build",
        "my-docker build .",
        "",
    ])
    assert findings("b.sh", text) == []


@pytest.mark.parametrize("rule_id", [f"BC00{i}" for i in range(1, 9)])
def test_rule_registered_with_kinds(rule_id):
    r = get_rule(rule_id)
    assert r is not None
    assert r.kinds == frozenset({"shell", "makefile", "dockerfile", "workflow", "markdown"})


def test_rule_names_are_the_spec():
    names = {f"BC00{i}": get_rule(f"BC00{i}").name for i in range(1, 9)}
    assert names == {
        "BC001": "build-without-platform",
        "BC002": "build-platform-mismatch",
        "BC003": "multi-platform-load",
        "BC004": "platform-build-arg",
        "BC005": "multi-platform-without-manifest",
        "BC006": "latest-tag",
        "BC007": "multi-platform-no-output",
        "BC008": "invalid-platform",
    }


def test_bc001_not_reported_when_options_are_opaque_or_no_image():
    text = "\n".join([
        'docker_build() { docker build "$@"; }',
        "docker build $BUILD_ARGS -t app:1 .",
        "docker buildx build --check .",
        "docker build --help",
        "podman build ${EXTRA_ARGS[@]} .",
        "",
    ])
    assert ids(findings("b.sh", text)) == []
    # a quoted single-word variable cannot hide a --platform
    assert ids(findings("b.sh", 'docker build -t app:1 "$CONTEXT"\n')) == [("BC001", 1, 8)]


def test_kubectl_create_deployment_image():
    assert ids(findings("d.sh", "kubectl create deployment web --image=nginx\n")) == [("BC006", 1, 39)]


# ---- workflow run: steps ------------------------------------------------------------------------

WORKFLOW_CASES = [
    ("BC001", [], [(9, 21), (13, 18)]),
    ("BC002", TWO, [(8, 34)]),
    ("BC003", [], [(9, 66)]),
    ("BC004", [], [(10, 11)]),
    ("BC005", [], [(8, 27)]),
    ("BC006", [], [(9, 23)]),
    ("BC007", [], [(8, 34)]),
    ("BC008", [], [(8, 45)]),
]


class _RunSteps:
    """A stand-in for the workflow model: each ``run:`` scalar as a snippet mapped to the file
    (plain, ``|`` and ``>`` scalars), the way the YAML parser is meant to provide them."""

    def __init__(self, source):
        import yaml

        from archlint.parsers.shell import ShellSnippet
        from archlint.snippet import Snippet

        self.snippets = []
        lines = source.lines
        stack = [yaml.compose(source.text)]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if getattr(k, "value", None) == "run" and isinstance(v, yaml.ScalarNode):
                        if v.style in ("|", ">"):
                            body = lines[v.start_mark.line + 1:v.end_mark.line]
                            ind = min(len(x) - len(x.lstrip(" ")) for x in body if x.strip())
                            pieces = [(x[ind:], v.start_mark.line + 2 + i, ind + 1) for i, x in enumerate(body)]
                            base = Snippet.from_lines([p for p in pieces if p[0].strip()], "run step")
                            if v.style == "|":
                                self.snippets.append(base)
                            else:  # folded: newlines become blanks, same length, same positions
                                t = base.text.replace("\n", " ")
                                self.snippets.append(ShellSnippet(t, base.origins, "run step", base=base,
                                                                  segments=[(0, len(t), 0, len(t), True)]))
                        else:
                            self.snippets.append(Snippet.from_lines(
                                [(v.value, v.start_mark.line + 1, v.start_mark.column + 1)], "run step"))
                    else:
                        stack.append(v)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)

    def shell_snippets(self):
        return self.snippets


def _workflow_findings(path, platforms):
    from archlint.config import Settings, settings_from_table
    from archlint.registry import Context, rules_for_kind
    from archlint.source import Source

    src = Source(str(path), path.read_text())
    st = settings_from_table({"platforms": platforms}, None) if platforms else Settings()
    ctx = Context(src, _RunSteps(src), "workflow", st)
    out = []
    for r in rules_for_kind("workflow"):
        if r.family == "BC":
            ctx.rule = r
            out.extend(r.check(ctx))
    return sorted((f.rule_id, f.span.line, f.span.col) for f in out)


@pytest.mark.parametrize("rule,platforms,expected", WORKFLOW_CASES, ids=[c[0] for c in WORKFLOW_CASES])
def test_workflow_run_steps(rule, platforms, expected):
    wf = BC / rule / ".github" / "workflows"
    assert _workflow_findings(wf / "bad.yml", platforms) == [(rule, line, col) for line, col in expected]
    assert _workflow_findings(wf / "good.yml", platforms) == []


@pytest.mark.parametrize("rule,platforms,expected", WORKFLOW_CASES, ids=[c[0] for c in WORKFLOW_CASES])
def test_workflow_run_steps_through_the_workflow_parser(rule, platforms, expected):
    import importlib.util

    if importlib.util.find_spec("archlint.parsers.yamldoc") is None:
        pytest.skip("the workflow parser (archlint/parsers/yamldoc.py) is not there yet")
    wf = BC / rule / ".github" / "workflows"
    got = [(line, col) for rid, line, col in ids(findings(wf / "bad.yml", platforms=platforms), rule)]
    assert got == expected
    assert ids(findings(wf / "good.yml", platforms=platforms), rule) == []
