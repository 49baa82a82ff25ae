"""Time linear in the input for every pattern and loop over file content (issue 17, section 1).

Each case is a pathological input that once took quadratic time or worse; the test times the
work at two sizes and requires the larger to cost at most ``LIMIT`` times the smaller for a size
ratio of ``GROWTH`` (4 × the size: linear is ×4, quadratic ×16).  A ratio, not an absolute time,
so a slow or busy machine does not fail it.  The old patterns are kept here as the reference the
linear replacements must agree with (hypothesis)."""
from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from archlint import kinds
from archlint.parsers.varref import VarRefs
from helpers import TWO, best_time as _cost, check, lint_as

GROWTH = 4
LIMIT = 9.0  # well under ×16 (quadratic), well over ×4 (linear) plus noise


def _assert_linear(fn, base: int):
    fn(base // 4)  # warm imports and caches
    small, large = _cost(fn, base), _cost(fn, base * GROWTH)
    ratio = large / max(small, 1e-4)
    assert ratio < LIMIT, f"×{GROWTH} the input took ×{ratio:.1f} the time ({small:.4f}s -> {large:.4f}s)"


def _link_groups(n: int) -> int:
    """``n`` Kustomizations replacing one repository's image, deployed by ``n`` manifests: each
    Kustomization joins the deployments' group once, not each deployment."""
    from archlint.project.links import link_groups
    from archlint.project.model import build_project

    deploy = {"span": [1, 1, 1, 2], "image": "quay.io/acme/api:1", "arch": None, "from": None, "via": "Deployment"}
    override = {"span": [1, 1, 1, 2], "name": "quay.io/acme/api", "image": "quay.io/acme/api:2"}
    entries = [(f"k{i}/app.yaml", f"/r/k{i}/app.yaml", "kubernetes", {"deploys": [deploy]}) for i in range(n)]
    entries += [(f"k{i}/kustomization.yaml", f"/r/k{i}/kustomization.yaml", "kustomization", {"overrides": [override]})
                for i in range(n)]
    return len(link_groups(build_project("/r", entries), entries).files)


def _project_rules(n: int) -> int:
    from archlint.config import Settings
    from archlint.project.model import build_project
    from archlint.project.run import ProjectContext
    from archlint.registry import RULES, load_family

    build = {"span": [1, 1, 1, 2], "tool": "docker build", "file": None, "context": "*", "bases": ["up"],
             "platforms": ["linux/arm64"], "host": None, "tags": ["quay.io/acme/api:*"], "push": True, "local": False,
             "stage": None, "args": [], "dynamic_args": []}
    entries = []
    for i in range(n):
        entries.append((f"b{i}.sh", f"/r/b{i}.sh", "shell", {"builds": [build]}))
        entries.append((f"d{i}.yaml", f"/r/d{i}.yaml", "kubernetes", {"deploys": [
            {"span": [1, 1, 1, 2], "image": f"quay.io/acme/api:{i}", "arch": ["amd64"], "from": "nodeSelector",
             "via": "Deployment"}]}))
    load_family("XF")
    ctx = ProjectContext(build_project("/r", entries), lambda path: Settings())
    found = 0
    for r in [r for r in RULES.values() if r.family == "XF"]:
        ctx.rule = r
        found += sum(1 for _ in r.check(ctx) or ())
    assert found == n  # XF001 at each deployment
    return found


def _lint(name: str, kind: str | None, text_of, **table):
    return lambda n: lint_as(name, text_of(n), kind=kind, **table)


CASES = {
    # extension-less file: the shebang sniffing (141 s for 65,000 slashes)
    "shebang": lambda n: kinds.detect("script", ("#!" + "/" * n + "\n").encode()),
    # a Dockerfile's name with a word glued on, CRLF comment lines and no instruction (the first-instruction
    # sniffing: 6 s for 24 lines when a comment's \r could be read two ways), a long comment at the end
    "glued-dockerfile-crlf-comments": lambda n: kinds.detect("DockerfileDev", (
        "#!/bin/sh\r\n" + "# c\r\n" * 198 + "# " + "c" * n + "\r\nset -e\r\n").encode()),
    # a directive followed by blanks (the directive pattern's lazy value)
    "dockerfile-directive": _lint("Dockerfile", "dockerfile", lambda n: "# syntax=x" + " " * n + "y\nFROM alpine:3.20\n"),
    # variable references without a closing brace, in FROM and in ENV
    "dockerfile-from-vars": _lint("Dockerfile", "dockerfile", lambda n: "FROM " + "${a-" * n + "\n"),
    "dockerfile-env-vars": _lint("Dockerfile", "dockerfile", lambda n: "FROM alpine:3.20\nENV X=" + "${a-" * n + "\n"),
    # a script of function definitions with no closing brace (the wrapper-function search reads
    # 40 lines of a body at most)
    "shell-functions": _lint("run.sh", "shell", lambda n: "#!/bin/sh\n" + "f() {\n  echo $*\n" * n + "docker build .\n"),
    # a workflow run: of repeated qemu- (GHA003's QEMU search)
    "workflow-qemu": _lint(".github/workflows/ci.yml", "workflow", lambda n: (
        "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: " + "qemu-" * n
        + "\n      - uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm64\n")),
    # Make variables that each reference the next twice (the expansion doubles at each level)
    "makefile-doubling-vars": _lint("Makefile", "makefile", lambda n: "".join(
        f"V{i} = $(V{i + 1}) $(V{i + 1})\n" for i in range(n)) + f"V{n} = x\nall:\n\tdocker build $(V0) .\n"),
    # Make functions that each call the next twice with the same argument (memoised calls)
    "makefile-doubling-calls": _lint("Makefile", "makefile", lambda n: "".join(
        f"f{i} = $(call f{i + 1},a)$(call f{i + 1},a)\n" for i in range(n)) + f"f{n} = x\nall:\n\techo $(call f0,a)\n"),
    # a chain of stages each based on the last, on $BUILDPLATFORM, all copied into the image
    # (DF013/DF014's platform and texts of a stage's bases: cubic before they were kept per file)
    "dockerfile-stage-chain": _lint("Dockerfile", "dockerfile", lambda n: (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS s0\nRUN go build -o /bin/app .\n"
        + "".join(f"FROM s{i - 1} AS s{i}\nRUN echo {i}\n" for i in range(1, n))
        + "FROM alpine:3.20\n" + "".join(f"COPY --from=s{i} /bin/app /app{i}\n" for i in range(n))),
        platforms=["linux/amd64", "linux/arm64"]),
    # many ARGs and many COPY ${ARG} (DF006 reads COPY sources with the stage's ARG values)
    "dockerfile-copy-args": _lint("Dockerfile", "dockerfile", lambda n: (
        "FROM alpine:3.20\n" + "".join(f"ARG B{i}=bin/app-arm64\n" for i in range(n))
        + "".join(f"COPY ${{B{i}}} /app{i}\n" for i in range(n))), platforms=["linux/amd64", "linux/arm64"]),
    # target-specific variables handed down a chain of prerequisites, all exported
    "makefile-handed-down-vars": _lint("Makefile", "makefile", lambda n: (
        ".EXPORT_ALL_VARIABLES:\n" + "".join(f"top: V{i} = {i}\n" for i in range(n))
        + "top: t0\n\tdocker build -t a .\n"
        + "".join(f"t{i}: t{i + 1}\n\tdocker build -t b{i} .\n" for i in range(n)) + f"t{n}:\n\techo\n")),
    # many targets whose image names the target ($@) through a variable, and a long chain of
    # variables behind it: the chain is expanded once, not once per target
    "makefile-goal-chain": _lint("Makefile", "makefile", lambda n: (
        "IMG = reg.io/acme/$@:$(V0)\n" + "".join(f"V{i} = $(V{i + 1})\n" for i in range(n)) + f"V{n} = 1.0\n"
        + "".join(f"t{i}:\n\tdocker build -t $(IMG) .\n\tdocker push $(IMG)\n" for i in range(n)))),
    # a long value that names the target ($@), read by many targets: expanded for each while a
    # budget linear in the file lasts, then the target is unknown
    "makefile-goal-long-value": _lint("Makefile", "makefile", lambda n: (
        "IMG = $(firstword" + " $@" * n + ")\n" + "".join(f"t{i}:\n\techo $(IMG)\n" for i in range(n)))),
    # many builds of one --platform $(P) whose value goes through many variables (BC002's default)
    "makefile-platform-through-vars": _lint("Makefile", "makefile", lambda n: (
        "P = linux/amd64" + "".join(f"$(E{i})" for i in range(n)) + "\n" + "".join(f"E{i} =\n" for i in range(n))
        + "all:\n" + "".join(f"\tdocker buildx build --platform $(P) -t r.io/a/b{i}:1 .\n" for i in range(n))),
        platforms=["linux/amd64", "linux/arm64"]),
    # a workflow run: line of one container tool word repeated (the job's "keeps images" check)
    "workflow-keep-images": _lint(".github/workflows/ci.yml", "workflow", lambda n: (
        "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: docker build -t x . && echo "
        + "docker " * n + "\n")),
    # one run: line of many builds of a Dockerfile no file writes (each asks whether it is written)
    "workflow-builds-one-line": _lint(".github/workflows/ci.yml", "workflow", lambda n: (
        "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: "
        + " && ".join(f"docker build -f d/Dockerfile -t acme/x:{i} d" for i in range(n)) + "\n")),
    # a run: line of many saves, each piped into a load (the piped-load check: each part once;
    # quoted, as tree-sitter-bash itself takes superlinear time over a pipeline of thousands)
    "workflow-piped-saves": _lint(".github/workflows/ci.yml", "workflow", lambda n: (
        "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: docker build -t x . && echo '"
        + "docker save x | podman " * n + "load'\n")),
    # a Dockerfile of heredoc lines starting with template markup (the template check)
    "dockerfile-markup-lines": _lint("Dockerfile", "dockerfile", lambda n: (
        "FROM alpine:3.20\nCOPY <<EOF /t\n" + "{{ x }}\n" * n + "EOF\n")),
    # a RUN of digits and heredoc operators, quoted and not (the heredoc markers: each character once)
    "dockerfile-heredoc-words": _lint("Dockerfile", "dockerfile", lambda n: (
        "FROM alpine:3.20\nRUN " + "1111<< '<<x' " * n + "\n")),
    # a script of `opm index add` commands on one line, none generating (each command line read once)
    "shell-opm-index-adds": _lint("b.sh", "shell", lambda n: "opm index add " * n + "\ndocker build -f index.Dockerfile .\n"),
    # a comment of repeated suppression openers, without a closing bracket
    "suppression-comment": _lint("Dockerfile", "dockerfile", lambda n: "# " + "archlint:ignore[" * n + "\nFROM alpine:3.20\n"),
    # thousands of unknown IDs in one suppression: each found after the last, each line hashed
    # once for the findings' fingerprints
    "suppression-unknown-ids": _lint("Dockerfile", "dockerfile", lambda n: "# archlint: ignore["
                                     + ",".join(f"QQ{i}" for i in range(n)) + "]\nFROM alpine:3.20\n"),
    # Makefile references never closed, in a variable and a recipe (each searched to the end)
    "makefile-open-refs": _lint("Makefile", "makefile", lambda n: "X := " + "$(" * n + "\nimage:\n\tdocker build -t $(X) "
                                + "$(" * n + " .\n"),
    # here-document operators (tree-sitter-bash's scanner is quadratic in their number)
    "shell-heredoc-operators": _lint("b.sh", "shell", lambda n: "docker build " + "<<" * n + " .\n"),
    # shell variable expansion without closing braces
    "shell-vars": _lint("b.sh", "shell", lambda n: "X=1\ndocker build -t " + "${X-" * n + " .\n"),
    # the project model: N deployments of api:1 ... api:N, all built by N builds of api:$(TAG)
    # (every deployment links to every build: the rules must not walk the builds per deployment)
    "project-shared-builds": lambda n: _project_rules(n),
    "project-link-groups": _link_groups,
    # a Bake target with many platforms (each kept once), and targets each inheriting every
    # earlier one with an arg of its own (args merged key by key)
    "bake-platforms": _lint("docker-bake.json", "bake", lambda n: json.dumps(
        {"target": {"a": {"platforms": [f"linux/x{i}" for i in range(n)]}}})),
    "bake-inherited-args": _lint("docker-bake.json", "bake", lambda n: json.dumps(
        {"target": {f"t{i}": {"inherits": [f"t{j}" for j in range(i)], "args": {f"A{i}": "x"}}
                    for i in range(int(n ** 0.5))}})),
    # cd/pushd before each of many builds in one script (the last cd before each build)
    "shell-cd-before-builds": _lint("b.sh", "shell", lambda n: "cd x && docker build -f y.Dockerfile .\n" * n),
    # a pushd/popd pair before each of many builds: each build follows the pairs back, 64 at most
    "shell-pushd-popd-before-builds": _lint("b.sh", "shell", lambda n: "pushd x\npopd\ndocker build -f y.Dockerfile .\n" * n),
    # many pushes of latest and a long line reading digests (BC006: the words of such lines are
    # gathered once, each push looks its name up)
    "shell-digest-reads": _lint("b.sh", "shell", lambda n: "".join(
        f"docker buildx build --push -t acme/x{i} .\n" for i in range(n))
        + "docker inspect --format '{{.RepoDigests}}' " + "acme/y " * n + "\n"),
    # many if statements setting one variable differently per arm, and nested ones: each arm's
    # values before the statement are looked up by version (bisect), not by a walk of the history
    "shell-branches": _lint("b.sh", "shell", lambda n: "".join(
        f"if a; then X={i}; elif b; then X=2; else Y=3; fi\n" for i in range(n))
        + "if a; then X=1; " * min(n, 30) + "fi; " * min(n, 30) + "docker build -t acme/x:$X .\n"),
    # one recipe line of many sed substitutions and cat inputs, and of many kustomize words
    # without an output (the release-rewrite readers: each substitution scanned once)
    "makefile-sed-rewrites": _lint("Makefile", "makefile", lambda n: (
        "r:\n\tcat a/k.yaml | sed " + "-e 's/newTag: .*/newTag: $(V)/' " * n + "> /tmp/k\n"
        + "\tsed " + "s/" * n + "\n\tcat " + "cat x " * n + "| sed 's/:latest/:1/' y.yaml\n"
        + "\tsed " + "-e 's/:latest/:1/' " * n + "y.yaml\n\tsed " + "-e 's/:latest/:1/' " * n + "\n"
        + "\tkubectl " + "kustomize a/b " * n + "\n"
        # a kustomize build piped to a sed of many substitutions
        + "\tkustomize build a | sed " + "-e 's/:latest/:1/' " * n + "> x\n")),
    # a Makefile that generates a catalog Dockerfile with opm, and many builds: the opm lines
    # are found once per file, not once per build (9.7 ms a scan)
    "makefile-opm-builds": _lint("Makefile", "makefile", lambda n: "c:\n\t$(OPM) generate dockerfile catalog\n" + "".join(
        f"t{i}:\n\tdocker build -f d{i}.Dockerfile -t acme/x:{i} .\n" for i in range(n))),
    # many single-quoted words in one expansion beside an unknown: each word looks at its own part
    "makefile-quoted-unknowns": _lint("Makefile", "makefile", lambda n: (
        "X := $(shell go env GOARCH) " + "'a' " * n + "\nr:\n\tdocker build $(X) -t acme/x:1 .\n")),
}
def _helm_glob(n: int) -> bool:
    """A chart's .Files.Glob pattern of many stars against a long name that fails at its end: the
    matcher simulates the pattern's automaton (a backtracking regex took exponential time)."""
    from archlint.helm.files import glob_matcher

    return glob_matcher("*a" * 12 + "*b")("a" * n)


CASES["helm-files-glob"] = _helm_glob


def _sed_loops(n: int) -> dict:
    """Many release loops ``for f in ...; do sed ... "$f"; done``: each sed looks its variable
    up once, not through every loop before it."""
    from archlint.project.rewrites import release_rewrites

    out: dict = {}
    release_rewrites("".join(f'for f{i % 50} in a{i}.yaml; do sed -i "s/:latest/:1/" "$f{i % 50}"; done\n'
                             for i in range(n)), out)
    return out


CASES["project-sed-loops"] = _sed_loops


def _release_lines(n: int) -> dict:
    """One long release line each: a perl with many options, an open quote with escaped quotes,
    a cp with many options, beside a sed (each scanned once, not again from every option)."""
    from archlint.project.rewrites import release_rewrites

    out: dict = {}
    release_rewrites("perl" + " -perl" * n + "\nsed -i 's/:latest/:1/' \"" + '\\"' * n + "\ncp" + " -cp" * n
                     + "\nsed -i 's/:latest/:1/' a.yaml\n", out)
    return out


CASES["project-release-long-lines"] = _release_lines


def _sed_assigned(n: int) -> dict:
    """Many literal assignments, each given twice, and seds naming files through them: the
    assignments are read once for the text, each operand looks its variables up."""
    from archlint.project.rewrites import release_rewrites

    out: dict = {}
    text = "".join(f'V{i}="d{i}/values.yaml"\nV{i % 100}=e/values.yaml\n' for i in range(n))
    release_rewrites(text + "".join(f'sed -i "s/latest/1/" ${{V{i}}} $V{i}/x.yaml\n' for i in range(n))
                     + "A=" + "a/" * n + "\n", out)
    return out


CASES["project-sed-assigned"] = _sed_assigned


def _sed_assigned_in_order(n: int) -> dict:
    """A script's variables each assigned several values, and a sed after every assignment: the
    assignments are passed once, in order, and each operand looks its variable up."""
    from archlint.project.rewrites import release_rewrites

    out: dict = {}
    release_rewrites("".join(f'V{i % 100}=d{i}/values.yaml\nsed -i "s/latest/1/" $V{i % 100}\n'
                             f'for V{i % 100} in a b; do :; done\n' for i in range(n)), out, ordered=True)
    return out


CASES["project-sed-assigned-in-order"] = _sed_assigned_in_order


def _sed_make_passed(n: int) -> dict:
    """A Makefile's many calls of its own targets passing files, many targets whose sed names the
    passed variable, and a call of many options: each line is read once."""
    from archlint.project.rewrites import release_rewrites

    out: dict = {}
    release_rewrites("".join(f'r{i}:\n\t$(MAKE) s{i % 50} F=d{i}/x.yaml G="a/{i}.yaml"\n'
                             f"s{i % 50}:\n\tsed -i 's/:latest/:1/' $(F)\n" for i in range(n))
                     + "x:\n\t$(MAKE)" + " -j" * n + "\n", out)
    return out


CASES["project-sed-make-passed"] = _sed_make_passed


def _case_arms(n: int) -> list:
    """Arch case arms, and runs of ``a | a | ...`` and of words that never reach a ``)``: each
    label is read from a word start a bounded stretch, each arm to its end once."""
    from archlint.archnames import arch_case_arms

    return arch_case_arms("case $A in " + "amd64) CC=x86_64-linux-gnu-gcc ;; " * n + "a | " * n
                          + "word " * n + "(" * n + "x86_64" * n)


CASES["dockerfile-case-arms"] = _case_arms


def _if_branches(n: int) -> list:
    """Architecture ``if`` branches without their ``fi`` until the end, and heads that never
    reach a ``then``: each branch's end found among ends read once."""
    from archlint.archnames import arch_case_arms

    return arch_case_arms('if [ "$A" = amd64 ]; then x; ' * n + "if [ a = b " * n + "then fi")


CASES["dockerfile-if-branches"] = _if_branches


def _piped_downloads(n: int) -> bool:
    """A download piped through many long text-tool stages, then to a shell: each character of
    the pipeline looked at once."""
    from archlint.archnames import _read_as_text

    return _read_as_text((" | grep " + "a" * 100) * n + " | sh", 0)


CASES["shell-piped-downloads"] = _piped_downloads


def _sed_functions(n: int) -> dict:
    """Many functions that run a sed on their parameters, each called many times with long
    arguments: a body is read once, and at most 64 calls are put in."""
    from archlint.project.rewrites import release_rewrites

    out: dict = {}
    text = "".join(f'f{i}() {{\n  sed -i "s@$1@$2@" "$3"\n}}\n' for i in range(n))
    # one body naming its parameter n times, called with an argument of n characters
    text += 'g() {\n  sed -i "s@' + "$1" * n + '@x@" a.yaml\n}\n' + f'g {"b" * n}\n'
    text += "".join(f'f{i % 50} "newTag: .*" "x" "d{i}/{"a" * 40}/"\n' for i in range(n))
    release_rewrites(text, out)
    assert len(out["rewrites"]) == 32
    return out


CASES["project-sed-functions"] = _sed_functions


def _goreleaser(n: int) -> dict:
    """A GoReleaser file of many dockers entries and a dockers_v2 entry of many images and tags:
    the names of images x tags are bounded, not n squared."""
    from types import SimpleNamespace

    from archlint.parsers import yamldoc
    from archlint.project.goreleaser import goreleaser_facts
    from archlint.source import Source

    text = ("dockers:\n" + "".join(f"  - image_templates: [acme/x:{i}]\n    build_flag_templates: [--pull, "
                                    f"'--platform=linux/arm64']\n" for i in range(n))
            + "dockers_v2:\n  - images: [" + ", ".join(f"acme/y{i}" for i in range(n)) + "]\n    tags: ["
            + ", ".join(f"t{i}" for i in range(n)) + "]\n")
    out: dict = {}
    goreleaser_facts(SimpleNamespace(model=yamldoc.parse(Source(".goreleaser.yml", text))), out)
    return out


CASES["goreleaser-entries"] = _goreleaser


def _literal_stages(n: int) -> int:
    """A Dockerfile of many stages, each with a literal architecture its one build targets:
    each finding finds its stage by bisection, not through every stage."""
    from types import SimpleNamespace

    from archlint.model import Finding, Severity, Span
    from archlint.project.model import build_project
    from archlint.project.refine import NO_PLATFORMS, built_for_it

    build = {"span": [1, 1, 1, 2], "tool": "docker build", "file": "Dockerfile", "context": ".", "bases": ["file"],
             "platforms": ["linux/amd64"], "host": None, "tags": ["acme/x:1"], "push": True, "local": False,
             "stage": None, "args": [], "dynamic_args": []}
    project = build_project("/r", [
        ("Dockerfile", "/r/Dockerfile", "dockerfile", {"target_stages": [[2 * i + 1, 2 * i + 2] for i in range(n)]}),
        ("b.sh", "/r/b.sh", "shell", {"builds": [build]})])
    fr = SimpleNamespace(path="Dockerfile")
    kept = sum(built_for_it(Finding("DF006", f"RUN fetches a build for amd64 (x) whatever the target platform; "
                                             f"{NO_PLATFORMS}.", Span(2 * i + 2, 1, 2 * i + 2, 2), Severity.WARNING),
                            fr, project) is not None for i in range(n))
    assert kept == 0
    return kept


CASES["project-literal-stages"] = _literal_stages


def _script_folder_names(n: int) -> list:
    """A script naming its own folder many times, with long lines of blanks, then cd-ing to
    them: each assignment and each cd is read once."""
    from types import SimpleNamespace

    from archlint.project.folders import where_it_runs

    text = "#!/bin/sh\n" + "".join(f'D{i}=$(dirname "$0")' + " " * 50 + "\n" + f'cd "$D{i}/.."\n' for i in range(n))
    text += 'E=$(dirname "$0")' + " " * (n * 20) + "x\ndocker build .\n"  # (blanks then more: not a folder)
    got = where_it_runs(SimpleNamespace(text=text), len(text) - 3, ["up"], {})
    assert got == ["in:..:file", "made"]
    return got


CASES["shell-script-folder-names"] = _script_folder_names

def _document_placeholders(n: int) -> int:
    """A runbook block of many ``<placeholder>``s and of ``<`` never closed: each is masked once."""
    from archlint.model import Span
    from archlint.parsers.shell import ShellSnippet, simple_commands

    text = "docker build " + "<a" * n + " -t x .\n" + "".join(f"docker build -t r/<p{i}>/x:1 -f D .\n" for i in range(n))
    got = simple_commands(ShellSnippet(text, [Span(1, 1, 1, 1)], group=("document", "README.md")), ("docker",))
    assert got[-1].words[-1].value == "."
    return len(got)


CASES["markdown-placeholders"] = _document_placeholders


def _anchor_seds(n: int) -> dict:
    """A script of many seds of anchors, one with long blanks after its anchor name, beside a
    values file of many anchors: each pattern and each line is read once."""
    from types import SimpleNamespace

    from archlint.project.facts import _helm_values_facts
    from archlint.project.rewrites import release_rewrites

    out: dict = {}
    text = "".join(f'sed -i "s/\\(\\&v{i} \\)[^ ]\\+/\\1$V/" c{i}/values.yaml\n' for i in range(n))
    text += 'sed -i "s/&x' + " " * n + '.*/y/" c/values.yaml\n'
    release_rewrites(text, out)
    assert len(out["anchored"]) == 32
    values = "".join(f"v{i}: &v{i} latest\n" + " " * 40 + "\n" for i in range(n))
    ctx = SimpleNamespace(source=SimpleNamespace(text=values, abspath="/nowhere/values.yaml", inputs=[]),
                          model=SimpleNamespace(documents=[]))
    facts: dict = {}
    _helm_values_facts(ctx, facts)
    assert len(facts["anchors"]) == 64
    return facts


CASES["project-anchor-seds"] = _anchor_seds

def _prerequisite_fanout(n: int):
    """A variable of n names given as the prerequisites of n targets (n² edges from a file of
    size n), one target setting a variable, a push and a build: the graph stops at its budget."""
    deps = " ".join(f"a{i}" for i in range(n))
    text = (f"DEPS := {deps}\npush: PUSHED = 1\npush: a0\n\tdocker push quay.io/acme/app:1\n"
            "build:\n\tdocker build -t quay.io/acme/app:$(PUSHED) .\n" + "".join(f"a{i}: $(DEPS)\n" for i in range(n)))
    r = lint_as("Makefile", text)
    assert [f.rule_id for f in r.findings if f.rule_id == "BC001"] == ["BC001"]
    return r


CASES["makefile-prerequisite-fanout"] = _prerequisite_fanout

# three foreach loops nested over a list of n words, expanding to nothing (n³ iterations
# without the file's foreach budget)
# a foreach over one word of 15n characters that its text references n times (n² characters
# bound before the budget charged the words)
CASES["makefile-foreach-long-word"] = _lint("Makefile", "makefile", lambda n: (
    "H = " + "x" * (15 * n) + "\nall:\n\tdocker build $(foreach a,$(H)," + "$(a)" * n + ") -t r.io/a/x:1 .\n"))

# a latest tag through a chain of plain variables (the project's make_latest walk), and a long
# line of make command-line variables (make_sets)
CASES["makefile-latest-chain"] = _lint("Makefile", "makefile", lambda n: (
    "V0 = latest\n" + "".join(f"V{i} = $(V{i - 1})\n" for i in range(1, n))
    + f"img:\n\tdocker build -t acme/app:$(V{n - 1}) .\n\tdocker push acme/app:$(V{n - 1})\n"))
CASES["shell-make-variables"] = _lint("run.sh", "shell", lambda n: (
    "#!/bin/sh\nmake release " + " ".join(f"V{i}=x" for i in range(n)) + "\n"))
CASES["makefile-nested-foreach"] = _lint("Makefile", "makefile", lambda n: (
    "W = " + " ".join(str(i) for i in range(n)) + "\nall:\n"
    "\tdocker build $(foreach a,$(W),$(strip $(foreach b,$(W),$(strip $(foreach c,$(W),))))) -t x:1 .\n"))

def _many_rewrites(n: int) -> int:
    """n release scripts, each rewriting the :latest of its own manifest folder, and n manifests
    asked whether a sed rewrites them: each question looks at the folders of its own path, not at
    every rewrite (once a list searched per question and per added rewrite)."""
    from archlint.project.patches import Patches

    p = Patches()
    for i in range(n):
        p.add(f"s{i}/release.sh", {"rewrites": [f"deploy{i}/"]})
    return sum(p._rewritten(f"s{i}/deploy{i}/app.yaml") for i in range(n))


CASES["project-many-rewrites"] = _many_rewrites


def _images_on_one_line(n: int) -> list:
    """A flow list of n containers on one line, a # in an argument of each: the comment that may
    hand an image to the reader is looked for once per line, not once per image."""
    items = ", ".join(f'{{name: c{i}, image: "ghcr.io/acme/c{i}:latest", args: ["--color=#fff"]}}' for i in range(n))
    r = lint_as("pod.yaml", f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{containers: [{items}]}}\n")
    assert sum(f.rule_id == "K8S001" for f in r.findings) == n
    return r.findings


CASES["kubernetes-images-one-line"] = _images_on_one_line


def _fetch_stage_copies(n: int):
    """A stage that only fetches, copied from by n COPY --from lines of the final stage, each
    with a variable: the final stage's variables are worked out in one walk, not once per COPY."""
    text = ("FROM alpine AS fetch\nRUN apk add curl && curl -LO https://example.com/tool\nFROM alpine:3.20\n"
            "ENV D=/opt\n" + "".join(f"COPY --from=fetch $D/t{i} /t{i}\n" for i in range(n)))
    r = lint_as("Dockerfile", text)
    assert [f.rule_id for f in r.findings if f.rule_id == "DF002"] == []  # (the fetching stage: not reported)
    return r


CASES["dockerfile-fetch-copies"] = _fetch_stage_copies


def _build_platform_chain(n: int):
    """A chain of n stages on $BUILDPLATFORM that run nothing, each based on the one before, each
    copied into the final stage: whether each holds only an image's files is worked out once per
    stage, not along the whole chain for each."""
    text = "FROM --platform=$BUILDPLATFORM ghcr.io/acme/tool:1 AS s0\n"
    text += "".join(f"FROM s{i - 1} AS s{i}\n" for i in range(1, n))
    text += "FROM alpine:3.20\n" + "".join(f"COPY --from=s{i} /bin/t /t{i}\n" for i in range(n))
    r = lint_as("Dockerfile", text)
    assert sum(f.rule_id == "DF013" for f in r.findings) == n
    return r


CASES["dockerfile-build-platform-chain"] = _build_platform_chain

def _tree_export_stages(n: int) -> int:
    """A build-machine stage of a long compile line and many context copies, exported to scratch
    stages: the compile's output search is bounded per try, the tree folders worked out once."""
    from archlint.checks.dockerfile.build_platform import _COMPILED_TO

    assert _COMPILED_TO.search("gcc " * n) is None
    k = n // 20
    text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nWORKDIR /src\n"
    text += "".join(f"COPY d{i} ./d{i}\n" for i in range(k))
    text += "RUN go build ./... " + "gcc " * k + "\n"
    text += "".join(f"FROM scratch AS out{i}\nCOPY --from=build /src/d{i} ./d{i}\n" for i in range(k))
    return len(check(text, "DF013", kind="dockerfile", platforms=TWO))


CASES["dockerfile-tree-export"] = _tree_export_stages

def _github_env_writes(n: int) -> dict:
    """A run step of n lines writing ``V<i>=${v<i>}`` to $GITHUB_ENV, each variable set in the
    script: the script is searched for a bounded number of variables, not once per line."""
    from archlint.parsers.yamldoc import compose
    from archlint.project.workflow_facts import _env_values

    script = "".join(f'v{i}="Dockerfile.{i}"\n' for i in range(n))
    script += "".join(f'echo "V{i}=${{v{i}}}" >> $GITHUB_ENV\n' for i in range(n))
    step = compose("- run: |\n" + "".join("    " + ln + "\n" for ln in script.splitlines()))[0].value[0]
    got = _env_values(step)
    assert len(got) == n and got["v0"] == ("Dockerfile.0",)
    return got


CASES["workflow-github-env-values"] = _github_env_writes

def _print_once(n: int) -> bool:
    """``echo a ; `` n times, then a word that fails the match: the text before each separator
    is split one way (an ambiguous blank once made this exponential)."""
    from archlint.checks.kubernetes.workloads import _PRINTS

    return all(_PRINTS.fullmatch("echo a ; " * n + "sleep x") is None for _ in range(200))


CASES["kubernetes-print-once"] = _print_once

def _node_engine_builds(n: int) -> int:
    """A script mentioning minikube's docker-env once, then n builds: its evals are found once
    per script, not once per build (a review found ×6 the time for ×2 the builds)."""
    text = "#!/bin/sh\n# see minikube-env notes\n" + "".join(
        f"docker build -t quay.io/acme/app{i}:1.0 .\n" for i in range(n))
    return len(check(text, "BC001", kind="shell"))


CASES["shell-node-engine-builds"] = _node_engine_builds


def _workflow_python_keys(n: int) -> object:
    """A workflow of n ``python-version:`` keys each followed by a long block list: each line
    is read once, not a window of text per key."""
    import os
    import tempfile

    from archlint.checks.python import project as pyproject

    pyproject.clear_caches()
    with tempfile.TemporaryDirectory() as top:
        os.makedirs(os.path.join(top, ".github", "workflows"))
        os.makedirs(os.path.join(top, ".git"))
        with open(os.path.join(top, ".github", "workflows", "ci.yml"), "w") as fh:
            fh.write("# actions/setup-python\n" + "python-version:\n" * n + "  - \"3.11\"\n")
        return pyproject._workflow_python(top, [])


CASES["workflow-python-versions"] = _workflow_python_keys

#: sizes where the smaller input costs ~20 ms or more here, so noise does not decide the ratio
BASE = {"shebang": 2_000_000, "dockerfile-directive": 3_000_000, "dockerfile-from-vars": 2000,
        "dockerfile-env-vars": 8000, "workflow-qemu": 200_000, "shell-vars": 8000, "suppression-comment": 40_000,
        "makefile-open-refs": 20_000, "suppression-unknown-ids": 1000, "shell-heredoc-operators": 100_000,
        "workflow-keep-images": 20_000, "workflow-piped-saves": 10_000, "workflow-builds-one-line": 200,
        "dockerfile-markup-lines": 20_000, "makefile-doubling-vars": 2000,
        "makefile-doubling-calls": 2000,        "dockerfile-stage-chain": 300, "dockerfile-copy-args": 1000, "makefile-handed-down-vars": 1000,
        "makefile-platform-through-vars": 1000, "makefile-goal-chain": 1000, "makefile-goal-long-value": 1000, "project-shared-builds": 1000, "shell-cd-before-builds": 500,
        "shell-pushd-popd-before-builds": 500,
        "bake-platforms": 20_000, "bake-inherited-args": 40_000, "project-link-groups": 500,
        "makefile-sed-rewrites": 2000, "helm-files-glob": 2000, "makefile-opm-builds": 1000,
        "makefile-quoted-unknowns": 40_000, "shell-branches": 2000,
        "project-sed-loops": 20_000, "goreleaser-entries": 2000,
        "project-sed-assigned": 20_000, "project-sed-assigned-in-order": 10_000, "dockerfile-case-arms": 20_000, "dockerfile-if-branches": 20_000, "shell-piped-downloads": 20_000, "project-sed-make-passed": 5000, "shell-functions": 2000, "project-literal-stages": 5000,
        "shell-script-folder-names": 5000, "project-sed-functions": 5000,
        "shell-digest-reads": 500, "markdown-placeholders": 2000, "project-anchor-seds": 5000,
        "makefile-prerequisite-fanout": 1000, "makefile-nested-foreach": 100, "makefile-foreach-long-word": 1000, "project-many-rewrites": 5000,
        "kubernetes-images-one-line": 300, "dockerfile-fetch-copies": 3000, "dockerfile-build-platform-chain": 300,
        "workflow-github-env-values": 5000, "kubernetes-print-once": 50, "dockerfile-tree-export": 2000,
        "project-release-long-lines": 5000, "shell-node-engine-builds": 1000, "workflow-python-versions": 100_000,
        "makefile-latest-chain": 2000, "shell-make-variables": 20_000, "dockerfile-heredoc-words": 20_000, "shell-opm-index-adds": 20_000,
        "glued-dockerfile-crlf-comments": 20_000}


@pytest.mark.parametrize("case", sorted(CASES))
def test_time_grows_linearly(case):
    _assert_linear(CASES[case], BASE[case])


# ---- the linear replacements agree with the patterns they replace ------------------------------

OLD_SHEBANG = re.compile(rb"^#![ \t]*\S*?(?:/env[ \t]+(?:-\S+[ \t]+)*)?/?(?:\S*/)?(sh|bash|zsh|dash|ksh|ash|mksh)\b")
OLD_DOCKER_VARS = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
OLD_SHELL_VARS = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")

_SHEBANG_PARTS = st.sampled_from([b"#!", b"/", b"env", b" ", b"\t", b"-S", b"-", b"bash", b"sh", b"zsh",
                                  b"fish", b"x", b"usr/bin/", b"\n", b"\r", b"_", b"5", b"."])


@hsettings(max_examples=3000, deadline=None)
@given(st.lists(_SHEBANG_PARTS, max_size=12), st.booleans())
def test_shebang_reading_equals_the_old_pattern(parts, prefix):
    head = (b"#!" if prefix else b"") + b"".join(parts)
    assert kinds.kind_by_content("script", "maybe-shell", head) == ("shell" if OLD_SHEBANG.match(head) else None)


_VAR_PARTS = st.sampled_from(["$", "{", "}", "a", "_", "1", ":", "-", "+", "=", "?", " ", "${a", "${a:-", "$b"])


@hsettings(max_examples=3000, deadline=None)
@given(st.lists(_VAR_PARTS, max_size=14))
def test_variable_references_equal_the_old_patterns(parts):
    text = "".join(parts)
    for old, new in ((OLD_DOCKER_VARS, VarRefs("-+")), (OLD_SHELL_VARS, VarRefs("-=+?"))):
        assert [(m.start(), m.end(), m.groups()) for m in old.finditer(text)] == [
            (r.start(), r.end(), tuple(r.group(i) for i in range(1, 5))) for r in new.finditer(text)]
        assert new.sub(lambda r: f"<{r.group(0)}>", text) == old.sub(lambda m: f"<{m.group(0)}>", text)


OLD_SUPPRESS = re.compile(r"archlint:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")


def _old_suppressions(kind: str, line: str):
    from archlint.suppress import _openers

    out = []
    for m in OLD_SUPPRESS.finditer(line):
        j, k = line.rfind("#", 0, m.start()), line.rfind("<!--", 0, m.start())
        comment = k + 4 if k >= 0 and k + 4 > j else (j + 1 if j >= 0 else m.start())
        if line[:comment].rstrip().endswith(_openers(kind)):
            out.append((m.start(), m.group(1), m.group(2)))
    return out


_SUP_PARTS = st.sampled_from(["archlint:", "archlint: ", "ignore", "ignore-file", "[", "]", "DF001", ",", "#",
                              " ", "<!--", "-->", "x", "ignorex"])


@hsettings(max_examples=3000, deadline=None)
@given(st.lists(_SUP_PARTS, max_size=14), st.sampled_from(["dockerfile", "markdown", "shell"]))
def test_suppression_reading_equals_the_old_pattern(parts, kind):
    from archlint.suppress import _is_comment_start, _suppressions_in

    line = "".join(parts)
    new = [(s, w, ids) for s, w, ids, c in _suppressions_in(line) if _is_comment_start(kind, line, c)]
    assert new == _old_suppressions(kind, line)
