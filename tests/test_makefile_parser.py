"""The Makefile reader: variables, rules, recipes, expansion with positions kept."""
from __future__ import annotations

import os
import time

from archlint.parsers import makefile
from archlint.parsers.makefile import DYNAMIC
from archlint.parsers.shell import simple_commands
from archlint.source import Source

T = "\t"


def parse(text: str, path: str = "Makefile", abspath: str | None = None):
    return makefile.parse(Source(path, text, abspath=abspath))


def snippet_words(snip):
    return [[(w.value, w.span.line, w.span.col, w.span.end_col) for w in c.words] for c in simple_commands(snip)]


def test_assignment_flavours_and_modifiers():
    m = parse("\n".join([
        "A = 1",
        "B := $(A)-x",
        "C ::= c",
        "D ?= d",
        "D ?= not-used",
        "E = e",
        "E += more",
        "override F = f",
        "export G = g",
        "H != git describe",
        "A = 2",
        "I=$(B)/$(A)",
        "J = x # a comment",
    ]))
    v = m.value
    assert v("A") == ("2", False)
    assert v("B") == ("1-x", False)  # simple: expanded when defined
    assert v("C") == ("c", False)
    assert v("D") == ("d", False)
    assert v("E") == ("e more", False)
    assert v("F") == ("f", False)
    assert m.variables["G"].exported
    assert v("H")[1]  # a shell assignment is never run
    assert v("I") == ("1-x/2", False)  # recursive: final values
    assert v("J") == ("x", False)
    assert v("UNSET") is None


def test_shell_function_is_dynamic():
    m = parse("V := $(shell git rev-parse HEAD)\nIMG = app:$(V)\n")
    val, dyn = m.value("IMG")
    assert dyn and val.startswith("app:")


def test_foreach_over_known_words_is_evaluated():
    # kiali's $(foreach arch,${TARGET_ARCHS},--platform=linux/${arch}): one flag per word
    m = parse("ARCHS ?= amd64 arm64\nTAGS = ghcr.io/a/x:1 ghcr.io/a/x:v1\nN = t\n"
              "P = $(foreach arch,${ARCHS},--platform=linux/${arch})\n"
              "T = $(foreach tag,$(TAGS),-t $(tag))\nS = $(foreach a,$(ARCHS),$a-$$a)\n"
              "U = $(foreach a,$(UNSET),--platform=$(a))\nE = $(foreach a,,x$(a))\n"
              "V = $(foreach $(N),1 2,[$(t)])\nX = $(foreach a,b c,$(shell uname))\n")
    assert m.value("P") == ("--platform=linux/amd64 --platform=linux/arm64", False)
    assert m.value("T") == ("-t ghcr.io/a/x:1 -t ghcr.io/a/x:v1", False)
    assert m.value("S") == ("amd64-$a arm64-$a", False)  # $$ stays a literal dollar
    assert m.value("U")[1] and m.value("X")[1]  # an unknown list, an unknown text: unknown
    assert m.value("E") == ("", False) and m.value("V") == ("[1] [2]", False)  # a computed name, as make does
    (snip,) = parse("ARCHS = amd64 arm64\nb:\n\tdocker buildx build --push $(foreach a,$(ARCHS),--platform=linux/$(a))"
                    " -t ghcr.io/a/x:1 .\n").shell_snippets()
    from archlint.commands import analyse

    (tc,) = analyse(snip)
    assert [p.value for p in tc.platforms] == ["linux/amd64", "linux/arm64"]


def test_shell_which_names_its_program():
    # harbor's DOCKERCMD=$(shell which docker): that program, so its builds are read
    m = parse("DOCKERCMD=$(shell which docker)\nP := $(shell command -v podman 2>/dev/null)\n"
              "OR := $(shell which gsed 2>/dev/null || which sed)\nE := $(shell which x || echo '')\n"
              "W := $(shell which)\n")
    assert m.value("DOCKERCMD") == ("docker", False) and m.value("P") == ("podman", False)
    assert m.value("OR")[1] and m.value("E")[1] and m.value("W")[1]
    (snip,) = parse("DOCKERCMD=$(shell which docker)\nb:\n\t$(DOCKERCMD) build -t acme/x:1 .\n").shell_snippets()
    from archlint.commands import analyse

    assert [(tc.tool, tc.action) for tc in analyse(snip)] == [("docker", "build")]


def test_conditional_assignments_become_unknown_when_branches_disagree():
    m = parse("ifeq ($(ARCH),arm64)\nP = linux/arm64\nelse\nP = linux/amd64\nendif\n"
              "ifndef Q\nQ = linux/amd64\nendif\n")
    assert m.value("P")[1]
    assert m.value("Q") == ("linux/amd64", False)


def test_define_blocks_and_unterminated_define():
    m = parse(f"define HELP\n{T}docker build .\nendef\nbuild:\n{T}echo ok\n")
    assert "docker build" in m.variables["HELP"].raw
    assert [r.text for r in m.recipes] == ["echo ok"]
    m = parse(f"build:\n{T}echo ok\ndefine NEVER\n{T}docker build .\n")
    assert [r.text for r in m.recipes] == ["echo ok"]
    assert m.shell_snippets()


def test_rules_and_recipe_prefixes_and_continuations():
    text = f"""IMG ?= app:1
.PHONY: build
build: deps ## help text
{T}@echo start
{T}-docker build \\
{T}{T}-t $(IMG) \\
{T}{T}.
# a comment inside the rule

{T}+ podman push $(IMG)
other: ; docker push $(IMG)
"""
    m = parse(text)
    build = [t for t in m.targets if t.names == ["build"]][0]
    assert build.prerequisites == "deps"
    assert [(r.line, r.end_line, r.prefix) for r in build.recipes] == [(4, 4, "@"), (5, 7, "-"), (10, 10, "+")]
    snips = m.shell_snippets()
    assert [s.text for s in snips] == [
        "echo start",
        "docker build \\\n\t-t app:1 \\\n\t.",
        "podman push app:1",
        "docker push app:1",
    ]
    assert snippet_words(snips[1]) == [[
        ("docker", 5, 3, 9), ("build", 5, 10, 15), ("-t", 6, 3, 5), ("app:1", 6, 6, 12), (".", 7, 3, 4),
    ]]
    assert snippet_words(snips[3])[0][2] == ("app:1", 11, 22, 28)


def test_expansion_maps_words_back_to_the_reference():
    text = (f"TOOL ?= docker\nFLAGS = --platform linux/amd64 --push\nimg:\n"
            f"{T}$(TOOL) buildx build $(FLAGS) -t x$${{HOME}} .\n")
    (snip,) = parse(text).shell_snippets()
    assert snip.text == "docker buildx build --platform linux/amd64 --push -t x${HOME} ."
    ws = snippet_words(snip)[0]
    assert ws[0] == ("docker", 4, 2, 9)  # the whole $(TOOL)
    assert ws[3] == ("--platform", 4, 23, 31) and ws[4][1:] == (4, 23, 31)  # inside $(FLAGS)
    assert ws[6] == ("-t", 4, 32, 34)
    assert ws[7][1:] == (4, 35, 44)  # x$${HOME}: $$ is one shell $, the span is the written text
    assert ws[8] == (".", 4, 45, 46)


def test_unknown_references_stay_variables():
    (snip,) = parse(f"b: c\n{T}docker build -t $(IMG) -t $(shell id -u) --label a=$< .\n").shell_snippets()
    (c,) = simple_commands(snip)
    assert c.words[3].value == "${IMG}" and c.words[3].dynamic
    assert c.words[5].dynamic and c.words[7].dynamic


def test_target_specific_variables_and_exports():
    text = f"""P = linux/amd64
export DOCKER_DEFAULT_PLATFORM = linux/arm64
rel: P = linux/s390x
rel:
{T}docker build --platform $(P) .
dev:
{T}docker build --platform $(P) .
"""
    m = parse(text)
    rel, dev = m.shell_snippets()
    assert "linux/s390x" in rel.text and "linux/amd64" in dev.text
    assert rel.env == {"DOCKER_DEFAULT_PLATFORM": "linux/arm64"}
    assert rel.env_spans["DOCKER_DEFAULT_PLATFORM"].line == 2


def test_export_forms():
    m = parse(f"A = 1\nB = 2\nexport A\nC = 3\nunexport C\nx:\n{T}true\n")
    assert m.shell_snippets()[0].env == {"A": "1"}
    m = parse(f"A = 1\nexport\nx:\n{T}true\n")
    assert m.shell_snippets()[0].env == {"A": "1"}
    m = parse(f"A = 1\n.EXPORT_ALL_VARIABLES:\nx:\n{T}true\n")
    assert m.shell_snippets()[0].env == {"A": "1"}


def test_oneshell_gives_one_snippet_per_recipe():
    (snip,) = parse(f".ONESHELL:\nx:\n{T}P=linux/amd64\n{T}docker build --platform $$P .\n").shell_snippets()
    c = [c for c in simple_commands(snip) if c.program == "docker"][0]
    assert c.words[3].value == "linux/amd64" and (c.words[3].span.line, c.words[3].span.col) == (4, 26)


def test_includes_read_variables_from_disk(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "mk").mkdir()
    (tmp_path / "mk" / "common.mk").write_text("REG ?= quay.io/acme\nexport DOCKER_DEFAULT_PLATFORM := linux/amd64\n")
    (tmp_path / "sub").mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.mk"
    outside.write_text("REG = evil\n")
    mk = tmp_path / "sub" / "Makefile"
    text = f"include ../mk/*.mk\n-include missing.mk\ninclude ../../{outside.name}\nb:\n{T}docker push $(REG)/app:1\n"
    mk.write_text(text)
    m = makefile.parse(Source(str(mk), text, abspath=str(mk)))
    (snip,) = m.shell_snippets()
    assert snip.text == "docker push quay.io/acme/app:1"
    assert snip.env == {"DOCKER_DEFAULT_PLATFORM": "linux/amd64"}
    assert m.includes == [str((tmp_path / "mk" / "common.mk").resolve())]


def test_a_part_s_include_is_read_from_where_make_runs_else_beside_it_and_both_are_inputs(tmp_path):
    # minikube: ./hack/prow/prow.mk includes ./hack/prow/prow_images.mk, named from the top; a name
    # found only beside the including part is read there; either place appearing changes the result
    (tmp_path / ".git").mkdir()
    (tmp_path / "hack").mkdir()
    (tmp_path / "hack" / "prow.mk").write_text("include ./hack/images.mk\ninclude other.mk\n")
    (tmp_path / "hack" / "images.mk").write_text("REG ?= gcr.io/acme\n")
    mk = tmp_path / "Makefile"
    text = f"include ./hack/prow.mk\nb:\n{T}docker push $(REG)/app:1\n"
    mk.write_text(text)
    m = makefile.parse(Source(str(mk), text, abspath=str(mk)))
    (snip,) = m.shell_snippets()
    assert snip.text == "docker push gcr.io/acme/app:1"
    assert {os.path.join(str(tmp_path), "other.mk"), os.path.join(str(tmp_path), "hack", "other.mk")} \
        <= {os.path.normpath(p) for p in m.inputs}
    (tmp_path / "hack" / "images.mk").rename(tmp_path / "hack" / "moved.mk")
    (tmp_path / "hack" / "prow.mk").write_text("include moved.mk\n")
    m = makefile.parse(Source(str(mk), text, abspath=str(mk)))
    assert m.shell_snippets()[0].text == "docker push gcr.io/acme/app:1"


def test_recipe_prefix_and_odd_lines_do_not_crash():
    m = parse(".RECIPEPREFIX = >\nx:\n> docker build .\n")
    assert [s.text for s in m.shell_snippets()] == ["docker build ."]
    for text in ["\t\t\n", "x:\n\t\\", "$(", "a: $(b", "define", "endef\nendif\nelse", "ifeq (a,b)\n",
                 ": :\n\t$$(", "\tno rule yet\n", "A = $(A) $(A)\nx:\n\techo $(A)\n", "x: ; \\\n"]:
        m = parse(text)
        for s in m.shell_snippets():
            simple_commands(s)


def test_recursive_self_reference_is_unknown():
    m = parse(f"A = $(B)\nB = $(A)\nx:\n{T}echo $(A)\n")
    assert m.value("A")[1]
    m.shell_snippets()


def test_statement_range_covers_continuations():
    m = parse(f"x:\n{T}docker build \\\n{T}{T}.\n")
    assert m.statement_range(2) == (2, 3)
    assert m.statement_range(3) == (2, 3)


def test_twenty_thousand_lines_parse_fast():
    lines = ["IMG ?= quay.io/x/app:v1", "PLATFORMS ?= linux/amd64,linux/arm64"]
    for i in range(4000):
        lines += [f"V{i} := $(IMG)-{i}", f"SRCS += file{i}.c", f"t{i}: dep{i} ## help",
                  f"{T}@echo building $(V{i})", f"{T}docker build -t $(V{i}) --platform $(PLATFORMS) ."]
    text = "\n".join(lines)
    t = time.perf_counter()
    m = parse(text)
    snips = m.shell_snippets()
    elapsed = time.perf_counter() - t
    assert len(snips) == 8000
    assert elapsed < 2.0, elapsed


# ---- issue 14: GNU make's assignment grammar, built-ins, templates ------------------------------


def test_assignments_without_spaces():
    # 60 lines of 9 real Makefiles are written like this (argo-cd's DOCKER?=docker)
    m = parse("\n".join([
        "DOCKER?=docker",
        "A=1",
        "B:=$(A)-x",
        "C::=c",
        "D:::=d",
        "E=e",
        "E+=more",
        "F!=git describe",
        "override G?=g",
        "export H+=h",
        "I?=",
    ]))
    v = m.value
    assert v("DOCKER") == ("docker", False)
    assert v("A") == ("1", False) and v("B") == ("1-x", False)
    assert v("C") == ("c", False) and v("D") == ("d", False)
    assert v("E") == ("e more", False)
    assert v("F")[1]
    assert v("G") == ("g", False)
    assert v("H") == ("h", False) and m.variables["H"].exported
    assert v("I") == ("", False)
    assert "DOCKER?" not in m.variables and "E+" not in m.variables


def test_a_variable_set_in_one_branch_only_is_unknown():
    m = parse("\n".join([
        "ifdef TEST_TOOLS_NAMESPACE",
        "TEST_TOOLS_PREFIX=${TEST_TOOLS_NAMESPACE}/",
        "endif",
        "ifndef PLATFORMS",
        "PLATFORMS = linux/amd64,linux/arm64",  # a default: set whenever it was not
        "endif",
        "ifeq ($(strip $(REGISTRY)),)",
        "REGISTRY := quay.io/acme",
        "endif",
        "ifeq ($(ARCH),arm64)",
        "ifndef X",
        "X = 1",  # nested in another conditional: unknown
        "endif",
        "endif",
    ]))
    assert m.value("TEST_TOOLS_PREFIX")[1]
    assert m.value("PLATFORMS") == ("linux/amd64,linux/arm64", False)
    assert m.value("REGISTRY") == ("quay.io/acme", False)
    assert m.value("X")[1]


def test_target_and_pattern_specific_variables_without_spaces():
    text = f"""P=linux/amd64
rel: P=linux/s390x
image-%: P = linux/arm64
release: private Q = 1
release: image-app rel
image-app:
{T}docker build --platform $(P) .
rel:
{T}docker build --platform $(P) .
dev:
{T}docker build --platform $(P) .
"""
    m = parse(text)
    app, rel, dev = m.shell_snippets()
    assert app.text == "docker build --platform linux/arm64 ."  # the pattern's value
    assert rel.text == "docker build --platform linux/s390x ."
    assert dev.text == "docker build --platform linux/amd64 ."


def test_a_variable_a_dependent_target_sets_is_unknown_in_its_prerequisites():
    # make hands target-specific variables down to the prerequisites built for that target
    text = f"""PLATFORM = linux/amd64
release: PLATFORM = linux/arm64
release: private TAG = v1
release: image
image:
{T}docker build --platform $(PLATFORM) -t app:$(TAG) .
"""
    (snip,) = parse(text).shell_snippets()
    (c,) = simple_commands(snip)
    assert c.words[3].dynamic  # linux/amd64 or linux/arm64, depending on the goal
    assert c.words[5].value == "app:${TAG}"  # private: not handed down, TAG unset here


def test_automatic_variables_and_functions_are_one_unknown_word():
    (snip,) = parse(f"img: a\n{T}docker build -t $< $(CURDIR) --iidfile $(@D)/id\n").shell_snippets()
    (c,) = simple_commands(snip)
    assert [w.dynamic for w in c.words[3:]] == [True, True, False, True]
    assert c.words[3].value.startswith("${") and "<" not in c.words[3].value
    # (but $@ is the target: test_the_target_of_a_recipe_and_substitution_references)


def test_an_empty_default_for_options_is_unknown():
    # DOCKER_ARGS ?= : the user passes options there (jupyter docker-stacks' make-deploy)
    (snip,) = parse(f"image: DOCKER_ARGS?=\nimage:\n{T}@docker build --rm $(DOCKER_ARGS) --tag app:1 .\n"
                    ).shell_snippets()
    assert snip.text == "docker build --rm ${DOCKER_ARGS} --tag app:1 ."
    (snip,) = parse(f"SUDO?=\nx:\n{T}$(SUDO) docker build .\n").shell_snippets()
    assert snip.text == " docker build ."  # an empty default of another name is empty


def test_a_variable_a_conditional_tests_set_is_unknown_in_its_branch_where_the_file_leaves_it_empty():
    # kuberay's historyserver: PLATFORM ?= then ifdef PLATFORM ... --platform $(PLATFORM) -t ...
    # (read as --platform -t: "platform '-t' names no known OS or architecture")
    text = (f"PLATFORM ?=\nexport PLATFORM\nTAG ?=\nARCH = amd64\nimg:\nifdef PLATFORM\n{T}docker build --platform $(PLATFORM) -t a .\n"
            f"else\n{T}docker build $(PLATFORM) -t a .\nendif\nifneq ($(TAG),)\n{T}echo $(TAG) $(ARCH)\nendif\n"
            f"ifndef TAG\n{T}echo [$(TAG)]\nelse\n{T}echo $(TAG)\nendif\n")
    # (an unknown word, not ${PLATFORM}: exported, the shell would read it from the environment)
    assert [s.text for s in parse(text).shell_snippets()] == [
        f"docker build --platform {DYNAMIC} -t a .",
        "docker build  -t a .",
        f"echo {DYNAMIC} amd64",  # a known value stays as it is
        "echo []",
        f"echo {DYNAMIC}",
    ]
    # else ifdef Y: both the else's X and Y are set there
    chain = f"P ?=\nX ?=\nimg:\nifndef P\n{T}echo [$(P)]\nelse ifdef X\n{T}echo [$(P)] [$(X)]\nendif\n"
    assert [s.text for s in parse(chain).shell_snippets()] == ["echo []", f"echo [{DYNAMIC}] [{DYNAMIC}]"]


def test_recipe_snippets_know_their_target():
    m = parse(f"a:\n{T}docker build -t x .\n{T}docker run x\nb:\n{T}true\n")
    s1, s2, s3 = m.shell_snippets()
    assert s1.group is s2.group is m.targets[0] and s3.group is m.targets[1]


def test_configure_templates_substitutions_are_unknown():
    text = f"DOCKER = @DOCKER@\nPLATFORM = @PLATFORM@\nimg:\n{T}docker build --platform @ARCH_PLATFORM@ -t a@b .\n"
    m = parse(text, path="Makefile.in")
    assert m.value("PLATFORM")[1]
    (snip,) = m.shell_snippets()
    (c,) = simple_commands(snip)
    assert c.words[3].dynamic and c.words[3].span.col == 26  # the span is the written @ARCH_PLATFORM@
    assert c.words[5].value == "a@b"
    # automake's output is not the file to fix: its Makefile.am is
    gen = parse("# Makefile.in generated by automake 1.16.5 from Makefile.am.\nimg:\n\tdocker build .\n",
                path="Makefile.in")
    assert gen.shell_snippets() == []


def test_makefile_variants_are_makefiles():
    from archlint import kinds

    for name in ("Makefile", "makefile", "GNUmakefile", "build/rules.mk", "Makefile.common", "Makefile.in",
                 "Makefile.docker.in"):
        assert kinds.kind_by_name(name) == "makefile", name
    # nor another language's source named after the Makefile it writes (operator-sdk's
    # scaffolds/internal/templates/makefile.go, a Go template of a generated project's Makefile)
    for name in ("Makefile.am", "Makefile.bak", "Makefile.orig", "templates/makefile.go", "makefile.rs",
                 "Makefile.json"):
        assert kinds.kind_by_name(name) is None, name
    assert kinds.kind_by_name("Makefile.py") == "python"


def test_many_target_and_pattern_specific_variables_parse_fast():
    lines = []
    for i in range(3000):
        lines += [f"t{i}: V{i} = linux/amd64", f"p{i}-%: W{i} = x", f"t{i}: t{i + 1}",
                  f"{T}docker build --platform $(V{i}) -t app:$(W{i}) ."]
    t = time.perf_counter()
    m = parse("\n".join(lines))
    snips = m.shell_snippets()
    elapsed = time.perf_counter() - t
    assert len(snips) == 3000
    assert "linux/amd64" in snips[0].text
    assert elapsed < 3.0, elapsed


def test_call_binds_its_arguments_into_a_define():
    m = parse("\n".join([
        "IMG ?= tools",
        "define run-in",
        "\tdocker run --rm $(IMG):latest bash -c \"$(1)\" # $$1 stays, $(3) is empty",
        "endef",
        "greet = hello $(1) from $(0) $2",
        "same := $(call greet,a,b)",
        "NAME = run-in",
        "t:",
        "\t$(call $(NAME),make test)",
        "u:",
        "\t$(call $(shell echo run-in),x)",
        "\t$(call missing,x)",
        "",
    ]))
    assert m.expand("$(call greet,you,me)") == ("hello you from greet me", False)
    assert m.value("same") == ("hello a from greet b", False)
    snip_t, snip_u1, snip_u2 = m.shell_snippets()
    assert snip_t.text == '\tdocker run --rm tools:latest bash -c "make test" # $1 stays,  is empty'
    (c,) = simple_commands(snip_t)
    assert [w.value for w in c.words[:4]] == ["docker", "run", "--rm", "tools:latest"]
    assert c.words[0].span.line == 9  # the command is placed on the call
    # an unknown function name, or one never set, is unknown
    assert snip_u1.text != "" and all(w.dynamic for c in simple_commands(snip_u1) for w in c.words)
    assert all(w.dynamic for c in simple_commands(snip_u2) for w in c.words)


def test_a_calls_arguments_continued_over_lines_are_its_words():
    # brunovlucena's homelab: `$(call build_docker_image, \` then one argument a line; make reads a
    # backslash-newline inside the call as a blank, so the Dockerfile is docker/kubectl.Dockerfile
    m = parse("\n".join([
        "define build",
        "\tDOCKERFILE=\"$(strip $(2))\"; \\",
        "\tdocker build -t $(strip $(1)) -f \"$$DOCKERFILE\" $(strip $(3))",
        "endef",
        "t:",
        "\t$(call build, \\",
        "\t\tkubectl, \\",
        "\t\tdocker/kubectl.Dockerfile, \\",
        "\t\tdocker)",
        "",
    ]))
    (snip,) = m.shell_snippets()
    assert snip.text.startswith('\tDOCKERFILE="docker/kubectl.Dockerfile"; ')
    c = simple_commands(snip)[-1]
    assert [w.value for w in c.words] == ["docker", "build", "-t", "kubectl", "-f", "docker/kubectl.Dockerfile", "docker"]


def test_a_platform_list_continued_over_lines_keeps_its_positions():
    # a review: folding continuations for every function's arguments moved BC008's column past
    # its line (2:46); only a call's arguments are folded. In single quotes the backslash-newline
    # is the platform's text: malformed, placed where it starts
    from helpers import findings

    from archlint.config import Settings
    from archlint.engine import lint_text

    sh = "#!/bin/sh\ndocker buildx build --platform 'linux/amd64,\\\n    linux/arm65' -t ghcr.io/acme/a:1 --push .\n"
    r = lint_text("b.sh", sh, Settings(), kind="shell")
    assert [(f.span.line, f.span.col) for f in findings(r, "BC008")] == [(2, 45)]


def test_a_call_that_calls_itself_or_doubles_is_bounded():
    lines = ["f0 = x"]
    lines += [f"f{i} = $(call f{i - 1},a)$(call f{i - 1},a)" for i in range(1, 60)]
    lines += ["loop = $(call loop,1)", "t:", "\techo $(call f59,a) $(call loop,2)", ""]
    (snip,) = parse("\n".join(lines)).shell_snippets()  # memoised: 59 levels, not 2**59 expansions
    assert simple_commands(snip)[0].words[1].dynamic  # too long, and the loop: unknown


def test_a_makefile_part_reads_the_variables_of_the_makefile_that_includes_it(tmp_path):
    # kiali's make/Makefile.container.mk: QUAY_TAG and TARGET_ARCHS are the root Makefile's; read
    # there, the part's docker build is the native variant of its multi-platform build
    from helpers import findings, lint_path, show, write_files

    part = ("container-build:\n\tdocker build -t ${QUAY_TAG} -f deploy/Dockerfile deploy\n"
            "container-push:\n\tdocker buildx build --push $(foreach arch,${TARGET_ARCHS},--platform=linux/${arch})"
            " $(foreach tag,${QUAY_TAG},--tag=${tag}) -f deploy/Dockerfile-multi-arch deploy\n")
    root = ("TARGET_ARCHS ?= amd64 arm64 s390x\nCONTAINER_VERSION ?= dev\nQUAY_TAG ?= quay.io/kiali/kiali:${CONTAINER_VERSION}\n"
            "include make/*.mk\n")
    write_files(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", "Makefile": root, "make/Makefile.container.mk": part,
                           "other/Makefile.container.mk": part})
    r = lint_path(tmp_path / "make/Makefile.container.mk", "make/Makefile.container.mk")
    assert show(findings(r, "BC00")) == []  # (its result follows the including Makefile: tests/test_cache.py)
    # a part no Makefile includes is read alone: its variables are unknown, the build reported
    alone = lint_path(tmp_path / "other/Makefile.container.mk", "other/Makefile.container.mk")
    assert [f.split(" BC001")[0] for f in show(findings(alone, "BC001"))] == ["2:9"]
    # nor does a Makefile that includes something else lend its variables
    (tmp_path / "Makefile").write_text(root.replace("include make/*.mk", "include make/other.mk"))
    r = lint_path(tmp_path / "make/Makefile.container.mk", "make/Makefile.container.mk")
    assert [f.split(" BC001")[0] for f in show(findings(r, "BC001"))] == ["2:9"]


def test_the_target_of_a_recipe_and_substitution_references():
    # kubeedge/sedna: one rule of three targets, each building its own image and Dockerfile
    m = parse("\n".join([
        "IMAGE_REPO ?= kubeedge",
        "SRCS = a.c b.c x.h",
        "gmimage lcimage:",
        f"{T}docker build -t $(IMAGE_REPO)/sedna-${{@:image=}}:v1 -f build/${{@:image=}}/Dockerfile .",
        f"{T}@echo built $@",
        "push-app:",
        f"{T}docker push reg.io/$@ $(SRCS:.c=.o) $(patsubst %.c,obj/%.o,$(SRCS)) $(SRCS:%.h=%)",
        "%-image:",
        f"{T}docker build -t $@ .",
        "",
    ]))
    texts = [s.text for s in m.shell_snippets()]
    assert texts == [
        "docker build -t kubeedge/sedna-gm:v1 -f build/gm/Dockerfile .", "echo built gmimage",
        "docker build -t kubeedge/sedna-lc:v1 -f build/lc/Dockerfile .", "echo built lcimage",
        "docker push reg.io/push-app a.o b.o x.h obj/a.o obj/b.o x.h a.c b.c x",
        f"docker build -t {DYNAMIC} .",  # a pattern rule's target is not known here
    ]
    # each target's word still points at the reference it came from
    words = snippet_words(m.shell_snippets()[2])[0]
    assert ("kubeedge/sedna-lc:v1", 4, 18, 52) in words
    # a rule of several targets whose recipe never names $@ gives one snippet
    m = parse(f"a b c:\n{T}docker build -t reg.io/all .\n")
    assert [s.text for s in m.shell_snippets()] == ["docker build -t reg.io/all ."]
    # target names are expanded as make reads them; one not known here is unknown
    m = parse(f"IMAGES = api web\n$(IMAGES):\n{T}docker build -t reg.io/$@ .\nbuild-$(X):\n{T}docker build -t reg.io/$@ .\n")
    assert [s.text for s in m.shell_snippets()] == [
        "docker build -t reg.io/api .", "docker build -t reg.io/web .", f"docker build -t reg.io/{DYNAMIC} ."]


def test_a_variable_naming_the_target_is_expanded_for_each_target():
    # a recursive variable referring to $@ is expanded where the recipe uses it, once per target
    m = parse(f"IMG = reg.io/$@:1.0\none two:\n{T}docker build -t $(IMG) -f $@.Dockerfile .\n")
    assert [s.text for s in m.shell_snippets()] == [
        "docker build -t reg.io/one:1.0 -f one.Dockerfile .", "docker build -t reg.io/two:1.0 -f two.Dockerfile ."]
    # a variable built on one that names the target, after that one was read for the target
    m = parse(f"B = reg/$@\nA = $(B):1.0\none two:\n{T}echo $@ $(B)\n{T}docker build -t $(A) .\n")
    assert [s.text for s in m.shell_snippets()] == [
        "echo one reg/one", "docker build -t reg/one:1.0 .", "echo two reg/two", "docker build -t reg/two:1.0 ."]
    # reached only through a variable in a rule of several: one snippet, the target unknown
    m = parse(f"IMG = reg/$@\none two:\n{T}docker build -t $(IMG) .\n")
    assert [s.text for s in m.shell_snippets()] == [f"docker build -t reg/{DYNAMIC} ."]
    # GNU make's grouped targets (a b &:) and the shell's own "$$@" in a recipe
    m = parse(f"a b &:\n{T}docker build -t reg/$@ .\nc d:\n{T}f() {{ docker build \"$$@\"; }}; f .\n")
    assert [s.text for s in m.shell_snippets()] == [
        "docker build -t reg/a .", "docker build -t reg/b .", 'f() { docker build "$@"; }; f .']
