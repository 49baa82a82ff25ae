"""Property tests.  Inputs come from small grammars (Dockerfiles, shell commands, Makefiles,
Kubernetes YAML) and from mutations of the shared samples (lines and bytes deleted, duplicated,
swapped, inserted).  For every input:

- linting raises nothing and no rule or parser crashes (no AL004);
- every finding's span (and its fixes' and related locations') lies inside the file;
- linting is deterministic (twice the same, in-process; across hash seeds, through the CLI);
- fingerprints do not change when unrelated lines are added above.

``HYPOTHESIS_PROFILE=long`` runs many more examples (see conftest.py)."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, note
from hypothesis import strategies as st

from .support import (
    COMMENT, SAMPLES, assert_clean_exit, assert_no_internal_errors, assert_spans_inside, lint,
    make_repo, run_cli, settings, snapshot,
)

PLATFORM_SETS = st.sampled_from([(), ("linux/amd64",), ("linux/arm64",), ("linux/amd64", "linux/arm64")])

# ---- shared vocabulary --------------------------------------------------------------------------------

IMAGES = st.sampled_from([
    "python", "python:3.12-slim", "alpine:latest", "golang:1.22", "localhost:5000/a/b:1", "scratch", "build",
    "ubuntu@sha256:" + "a" * 64, "$BASE", "${BASE:-alpine:3.20}", "${BASE}", "node:20@sha256:" + "b" * 64,
    "quay.io/org/app:v1.0.1", "myacr.azurecr.io/api", "nginx:latest", "0", "x/y:z:latest", "",
])
PLATFORMS = st.sampled_from([
    "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm64/v8", "$BUILDPLATFORM", "${TARGETPLATFORM}",
    "$TARGETPLATFORM", "linux/x86_64", "amd64", "linux/amd46", "linux/arm64/v9", "windows/amd64", "darwin/arm64",
    "linux/amd64,linux/arm64", "\"linux/amd64\"", "${PLATFORM:-linux/amd64}", "$(uname -m)", "linux/", "/",
])
WORDS = st.sampled_from(["a", "x.tar.gz", "'quoted word'", '"dq $VAR"', "$VAR", "${VAR:-d}", "\\$", "*.go", "--", "-",
                         "caf\u00e9", "\U0001F40D", "\u4e2d\u6587", "e\u0301", "\u2028", "\x0c", "\x85", "\u00a0", "\ufeff"])
NAMES = st.sampled_from(["build", "builder-amd64", "final", "deps", "Build", "0", "x"])

# ---- shell commands ---------------------------------------------------------------------------------------

TOOLS = st.sampled_from([
    "docker build", "docker buildx build", "podman build", "buildah bud", "docker run", "docker pull",
    "docker push", "docker manifest create app", "podman manifest add app", "docker buildx imagetools create",
    "docker compose build", "docker-compose build", "kubectl apply -f x.yaml", "go build", "GOARCH=amd64 go build",
    "CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build", "cargo build --target x86_64-unknown-linux-gnu",
    "curl -fsSLO https://example.com/tool-linux-amd64.tar.gz", "wget https://example.com/x_arm64.deb",
    "echo", "make", "helm install x ./chart", "skopeo copy", "docker build", "docker buildx build",
])
FLAGS = st.sampled_from([
    "--platform linux/amd64", "--platform=linux/arm64", "--platform linux/amd64,linux/arm64",
    "--platform $PLATFORM", '--platform "$(uname -m)"', "--platform=linux/x86_64", "--platform",
    "-t acme/app:latest", "-t acme/app", "--tag=app:1", "-t $IMAGE", "--load", "--push", "--output type=registry",
    "-o type=docker", "--manifest app", "--build-arg TARGETARCH=amd64", "--build-arg VERSION=1",
    "-f Dockerfile", "--file=-", "--pull", "-q", "--arch arm64", "--os linux", "--variant v8", "-it", "--rm",
    "-dp 8080:80", "--", ".", "-",
])
WRAPPERS = st.sampled_from(["", "sudo ", "sudo -E ", "env A=1 ", "time ", "exec ", "nohup ", "command ", "timeout 60 "])


@st.composite
def simple_command(draw):
    parts = [draw(WRAPPERS) + draw(TOOLS)]
    parts += draw(st.lists(st.one_of(FLAGS, WORDS), max_size=6))
    return " ".join(parts)


@st.composite
def shell_command(draw, depth=0):
    kinds = ["simple", "simple", "assign", "list"]
    if depth < 2:
        kinds += ["subshell", "subst", "if", "for", "func", "shc", "heredoc", "case", "pipe"]
    k = draw(st.sampled_from(kinds))
    sub = lambda: draw(shell_command(depth=depth + 1))  # noqa: E731
    if k == "simple":
        return draw(simple_command())
    if k == "assign":
        name = draw(st.sampled_from(["PLATFORM", "IMAGE", "DOCKER_DEFAULT_PLATFORM", "ARCH", "TAG"]))
        val = draw(st.one_of(PLATFORMS, IMAGES, WORDS))
        return draw(st.sampled_from(["", "export ", "local ", "readonly ", "declare -x "])) + f"{name}={val}"
    if k == "list":
        sep = draw(st.sampled_from([" && ", " || ", "; ", "\n", " & ", " \\\n  && "]))
        return sep.join(draw(st.lists(simple_command(), min_size=1, max_size=3)))
    if k == "pipe":
        return sub() + " | " + sub()
    if k == "subshell":
        return f"( {sub()} )"
    if k == "subst":
        return f'echo "$({sub()})" `{draw(simple_command())}`'
    if k == "if":
        return f"if [ -n \"$CI\" ]; then\n  {sub()}\nelse\n  {sub()}\nfi"
    if k == "for":
        return f"for p in linux/amd64 linux/arm64; do\n  {sub()}\ndone"
    if k == "func":
        return f"build() {{\n  {sub()}\n}}\nbuild"
    if k == "shc":
        q = draw(st.sampled_from(["'", '"']))
        return f"sh -c {q}{draw(simple_command())}{q}"
    if k == "heredoc":
        d = draw(st.sampled_from(["EOF", "'EOF'", "-EOF", '"X"']))
        end = d.strip("'\"-")
        closed = draw(st.booleans())
        return f"cat <<{d}\n{sub()}\n" + (f"{end}\n" if closed else "") + sub()
    if k == "case":
        return f"case \"$ARCH\" in\n  amd64) {sub()} ;;\n  *) {sub()} ;;\nesac"
    raise AssertionError(k)


@st.composite
def shell_script(draw):
    head = draw(st.sampled_from(["#!/bin/sh\n", "#!/usr/bin/env bash\n", "#!/bin/bash -eu\n", ""]))
    body = draw(st.lists(st.one_of(shell_command(), st.just("# comment"), st.just("")), min_size=1, max_size=6))
    return head + "\n".join(body) + draw(st.sampled_from(["\n", "", "\n\n"]))


# ---- Dockerfiles --------------------------------------------------------------------------------------------


@st.composite
def from_line(draw):
    plat = draw(st.one_of(st.none(), PLATFORMS))
    name = draw(st.one_of(st.none(), NAMES))
    kw = draw(st.sampled_from(["FROM", "from", "From"]))
    return (f"{kw} " + (f"--platform={plat} " if plat is not None else "") + draw(IMAGES)
            + (f" {draw(st.sampled_from(['AS', 'as']))} {name}" if name else ""))


@st.composite
def run_line(draw):
    cmd = draw(shell_command())
    form = draw(st.sampled_from(["plain", "plain", "continued", "heredoc", "exec", "mount"]))
    if form == "continued":
        return "RUN " + cmd.replace("\n", " \\\n    ").replace(" && ", " \\\n    && ")
    if form == "heredoc":
        closed = draw(st.booleans())
        return "RUN <<EOF\n" + cmd + ("\nEOF" if closed else "")
    if form == "exec":
        return 'RUN ["sh", "-c", ' + yaml.safe_dump(cmd, default_style='"', width=10**9).strip() + "]"
    if form == "mount":
        return "RUN --mount=type=cache,target=/root/.cache --mount=from=build,src=/x,target=/y " + cmd.replace("\n", "; ")
    return "RUN " + cmd.replace("\n", "; ")


OTHER_INSTRUCTIONS = st.sampled_from([
    "WORKDIR /app", 'CMD ["python", "app.py"]', "CMD python app.py", "USER 1000", "EXPOSE 80/tcp", "LABEL a=b c=\"d e\"",
    "# a comment", "", "HEALTHCHECK CMD curl -f http://localhost/ || exit 1", "ONBUILD RUN make",
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', "MAINTAINER someone", "STOPSIGNAL SIGTERM", "VOLUME /data",
    "FETCH https://example.com", "run echo lower", "ENTRYPOINT [\"/bin/app\"", "COPY . .", "COPY --from=build /out /usr/bin/",
    "COPY --from=0 /a /b", "COPY --chmod=755 <<EOF /run.sh\n#!/bin/sh\necho hi\nEOF", "ADD https://example.com/x-amd64.tgz /x",
    "ADD --checksum=sha256:abc x /", "ENV GOARCH=amd64", "ENV PATH=/x:$PATH", "ENV A B", "ARG TARGETARCH",
    "ARG TARGETPLATFORM", "ARG BASE=python:latest", "ARG BASE", "ARG VERSION=1.0", "ARG A B=2", "\\", "RUN",
    "RUN \\", "   ", "\t# tab comment",
])


@st.composite
def dockerfile(draw):
    lines = []
    for d in draw(st.lists(st.sampled_from(["# syntax=docker/dockerfile:1", "# escape=`", "# escape=\\",
                                            "# check=skip=all", "# check=error=true", "#syntax = x"]),
                           max_size=2, unique=True)):
        lines.append(d)
    lines += draw(st.lists(st.sampled_from(["ARG BASE=python:latest", "ARG BASE", "ARG TARGETARCH", "# top"]), max_size=2))
    for _ in range(draw(st.integers(1, 3))):
        lines.append(draw(from_line()))
        lines += draw(st.lists(st.one_of(run_line(), OTHER_INSTRUCTIONS), max_size=5))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", ""]))
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")
    return text


# ---- Makefiles ----------------------------------------------------------------------------------------------

MAKE_VALUES = st.sampled_from([
    "linux/amd64", "linux/arm64", "linux/amd64,linux/arm64", "$(shell uname -m)", "$(ARCH)", "linux/$(ARCH)",
    "app:latest", "quay.io/x/app:v1", "$(IMG)-$(shell uname -m)", "${PLATFORM}", "$$HOME", "", "amd64", "$(X",
    "$(subst a,b,$(ARCH))", "$(strip  linux/amd64 )", "$(firstword linux/arm64 linux/amd64)", "$(or $(P),linux/amd64)",
    "$(foreach a,$(ARCHES),linux/$(a))", "$(if $(X),a,b)", "$(call f,x)", "$@", "$<", "$(@D)", "$(IMG:latest=1)",
])
MAKE_NAMES = st.sampled_from(["PLATFORM", "PLATFORMS", "IMG", "ARCH", "ARCHES", "TAG", "DOCKER", "X", "P"])


@st.composite
def make_recipe_line(draw):
    prefix = draw(st.sampled_from(["", "@", "-", "+", "@-"]))
    cmd = draw(shell_command()).replace("\n", " \\\n\t")
    def make_ref(m):
        name = m.group(1)
        return draw(st.sampled_from([f"$({name})", f"$${name}", "${" + name + "}"]))

    cmd = re.sub(r"\$([A-Z_]+)", make_ref, cmd)
    return "\t" + prefix + cmd


@st.composite
def makefile(draw):
    out = []
    for _ in range(draw(st.integers(1, 8))):
        k = draw(st.sampled_from(["assign", "assign", "rule", "rule", "define", "cond", "misc"]))
        if k == "assign":
            out.append(draw(st.sampled_from(["", "export ", "override ", "private "])) + draw(MAKE_NAMES)
                       + " " + draw(st.sampled_from(["=", ":=", "?=", "+=", "!=", "::=", ":::="])) + " " + draw(MAKE_VALUES))
        elif k == "rule":
            target = draw(st.sampled_from(["build", "docker-build", "push", "all", "%.o", ".PHONY", "a b"]))
            deps = draw(st.sampled_from(["", " build", " $(DEPS)", " | order"]))
            if draw(st.booleans()):
                out.append(f"{target}: {draw(MAKE_NAMES)} = {draw(MAKE_VALUES)}")
            inline = draw(st.booleans())
            out.append(f"{target}:{deps}" + (f" ; {draw(simple_command())}" if inline else ""))
            out += draw(st.lists(make_recipe_line(), max_size=4))
        elif k == "define":
            closed = draw(st.booleans())
            out.append(f"define {draw(MAKE_NAMES)}")
            out += draw(st.lists(st.one_of(MAKE_VALUES, simple_command()), max_size=3))
            if closed:
                out.append("endef")
        elif k == "cond":
            out.append(draw(st.sampled_from(["ifeq ($(ARCH),arm64)", "ifneq (,$(X))", "ifdef CI", "ifndef P"])))
            out.append(f"{draw(MAKE_NAMES)} = {draw(MAKE_VALUES)}")
            if draw(st.booleans()):
                out.append("else")
                out.append(f"{draw(MAKE_NAMES)} := {draw(MAKE_VALUES)}")
            if draw(st.booleans()):
                out.append("endif")
        else:
            out.append(draw(st.sampled_from([
                ".ONESHELL:", ".EXPORT_ALL_VARIABLES:", "export PLATFORM", "unexport X", "include nothere.mk",
                "-include $(wildcard *.mk)", "# comment", "", "vpath %.c src", ".RECIPEPREFIX = >", "X = a \\\n    b",
                "$(eval Y = 1)", "undefine X", "endef", "else", "endif",
            ])))
    return "\n".join(out) + "\n"


# ---- Kubernetes YAML ------------------------------------------------------------------------------------------

ARCH_VALUES = st.sampled_from(["amd64", "arm64", "x86_64", "aarch64", "arm", "", "AMD64"])


@st.composite
def container(draw):
    c = {"name": draw(st.sampled_from(["app", "sidecar", "init"])), "image": draw(IMAGES)}
    if draw(st.booleans()):
        c["imagePullPolicy"] = draw(st.sampled_from(["Always", "IfNotPresent", "Never", "always"]))
    if draw(st.booleans()):
        c["command"] = draw(st.lists(st.sampled_from(["/bin/sh", "-c", "uname -m", "./app-amd64"]), max_size=3))
    if draw(st.booleans()):
        c["env"] = [{"name": "GOARCH", "value": draw(ARCH_VALUES)}]
    return c


@st.composite
def pod_spec(draw):
    spec = {"containers": draw(st.lists(container(), min_size=0, max_size=3))}
    if draw(st.booleans()):
        key = draw(st.sampled_from(["kubernetes.io/arch", "beta.kubernetes.io/arch", "kubernetes.io/os"]))
        spec["nodeSelector"] = {key: draw(ARCH_VALUES)}
    if draw(st.booleans()):
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": draw(st.sampled_from(["In", "NotIn", "Exists"])),
                                   "values": draw(st.lists(ARCH_VALUES, max_size=3))}]}]}}}
    if draw(st.booleans()):
        spec["tolerations"] = [{"key": "kubernetes.io/arch", "operator": "Equal", "value": draw(ARCH_VALUES),
                                "effect": "NoSchedule"}]
    if draw(st.booleans()) and spec["containers"]:
        spec["initContainers"] = [spec["containers"][0]]  # a shared object: yaml.dump writes an anchor and an alias
    return spec


WORKLOADS = st.sampled_from([
    ("apps/v1", "Deployment"), ("extensions/v1beta1", "Deployment"), ("apps/v1beta2", "Deployment"),
    ("apps/v1", "DaemonSet"), ("apps/v1", "StatefulSet"), ("batch/v1", "CronJob"), ("batch/v1beta1", "CronJob"),
    ("batch/v1", "Job"), ("v1", "Pod"), ("policy/v1beta1", "PodDisruptionBudget"), ("policy/v1", "PodDisruptionBudget"),
    ("networking.k8s.io/v1", "Ingress"), ("extensions/v1beta1", "Ingress"), ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
    ("v1", "ConfigMap"), ("v1", "List"), ("example.com/v1", "Widget"), ("apps/v1", ""),
])


@st.composite
def k8s_doc(draw):
    api, kind = draw(WORKLOADS)
    doc = {"apiVersion": api, "kind": kind, "metadata": {"name": "x"}}
    ps = draw(pod_spec())
    if kind == "Pod":
        doc["spec"] = ps
    elif kind == "CronJob":
        doc["spec"] = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": ps}}}}
    elif kind in ("Deployment", "DaemonSet", "StatefulSet", "Job"):
        doc["spec"] = {"template": {"metadata": {"labels": {"a": "b"}}, "spec": ps}}
    elif kind == "List":
        doc["items"] = [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "y"}, "spec": ps}]
    else:
        doc["spec"] = draw(st.sampled_from([{}, {"minAvailable": 1}, None, [], "x"]))
    if draw(st.integers(0, 6)) == 0:
        del doc[draw(st.sampled_from(["metadata", "kind", "apiVersion"]))]
    return doc


@st.composite
def k8s_yaml(draw):
    docs = draw(st.lists(k8s_doc(), min_size=1, max_size=3))
    flow = draw(st.sampled_from([False, None, True]))
    text = yaml.safe_dump_all(docs, default_flow_style=flow, sort_keys=draw(st.booleans()), explicit_start=draw(st.booleans()))
    if draw(st.integers(0, 4)) == 0:  # a Helm template expression somewhere
        text = text.replace("name: x", "name: {{ .Values.name }}", 1)
    return text


# ---- invariants ------------------------------------------------------------------------------------------------


def _insert_point(kind: str, lines: list[str]) -> int:
    """Where unrelated lines can go "above" without changing the file's meaning."""
    i = 0
    if kind == "shell" and lines and lines[0].startswith("#!"):
        i = 1
    if kind == "dockerfile":
        rx = re.compile(r"^#\s*[a-zA-Z][a-zA-Z0-9]*\s*=")
        while i < len(lines) and rx.match(lines[i]):
            i += 1
    return i


def _with_lines_above(kind: str, text: str, k: int) -> str:
    from archlint.source import normalize_newlines

    text = normalize_newlines(text)
    lines = text.split("\n")
    i = _insert_point(kind, lines)
    extra = [COMMENT[kind] + f" {j}" for j in range(k)]
    if kind == "markdown":
        extra = [COMMENT[kind], ""] * k
    return "\n".join(lines[:i] + extra + lines[i:])


def _fingerprints(result) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.fingerprint) for f in result.findings if not f.suppressed)


def check_invariants(kind: str, text: str, platforms=("linux/amd64",), name: str | None = None, fingerprints=True):
    table = {"platforms": list(platforms), "select": ["ALL"]}
    first = lint(kind, text, name=name, **table)
    assert_no_internal_errors(first)
    assert_spans_inside(first, text)
    second = lint(kind, text, name=name, **table)
    assert snapshot(first) == snapshot(second), "linting is not deterministic"
    if fingerprints and first.findings:
        k = 3
        moved = lint(kind, _with_lines_above(kind, text, k), name=name, **table)
        assert_no_internal_errors(moved)
        assert _fingerprints(moved) == _fingerprints(first), "fingerprints changed when lines were added above"
        assert all(f.fingerprint for f in first.findings), "a finding has no fingerprint"
    return first


@given(text=dockerfile(), platforms=PLATFORM_SETS)
@example(text="FROM python:latest\nRUN docker build -t acme/a .\n", platforms=("linux/amd64",))
# an open quote in the fallback tokenizer's line ends there, not one character past it
@example(text='FROM python\r\nRUN ["sh", "-c", "if [ -n \\"$CI\\" ]; then\\n  docker build\\nelse\\n  docker build'
              ' caf\\xE9 && docker build --platform linux/amd64\\nfi"]\r\n', platforms=())
def test_generated_dockerfiles(text, platforms):
    note(text)
    check_invariants("dockerfile", text, platforms)


@given(text=shell_script(), platforms=PLATFORM_SETS)
def test_generated_shell_scripts(text, platforms):
    note(text)
    check_invariants("shell", text, platforms)


@given(text=makefile(), platforms=PLATFORM_SETS)
def test_generated_makefiles(text, platforms):
    note(text)
    check_invariants("makefile", text, platforms)


@st.composite
def markdown_runbook(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        lang = draw(st.sampled_from(["sh", "bash", "console", "shell-session", "yaml", "", "zsh"]))
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        indent = draw(st.sampled_from(["", "  ", "   "]))
        body = draw(shell_command())
        if lang in ("console", "shell-session"):
            body = "\n".join("$ " + ln for ln in body.split("\n"))
        closed = draw(st.booleans())
        blocks.append(f"Some prose.\n\n{indent}{fence}{lang}\n" + "\n".join(indent + ln for ln in body.split("\n"))
                      + (f"\n{indent}{fence}" if closed else ""))
    return "\n\n".join(blocks) + "\n"


@given(text=markdown_runbook(), platforms=PLATFORM_SETS)
def test_generated_markdown_runbooks(text, platforms):
    note(text)
    check_invariants("markdown", text, platforms)


@given(text=k8s_yaml(), platforms=PLATFORM_SETS)
def test_generated_kubernetes_yaml(text, platforms):
    note(text)
    check_invariants("kubernetes", text, platforms)


@given(text=k8s_yaml())
def test_kubernetes_yaml_strategy_makes_yaml(text):
    """The strategy itself (exercised even before the YAML parser exists): valid YAML, sometimes
    with anchors and aliases (a Helm expression makes it a template on purpose)."""
    if "{{" not in text:
        assert list(yaml.safe_load_all(text))


# ---- mutations of the shared samples -----------------------------------------------------------------------


def _sample_files():
    if not SAMPLES.is_dir():
        return []
    out = []
    for p in sorted(SAMPLES.rglob("*")):
        if p.is_file() and p.name not in (".archlint.toml", "requirements.txt"):
            out.append(p.relative_to(SAMPLES).as_posix())
    return out


SAMPLE_FILES = _sample_files()


@pytest.fixture(scope="module")
def sample_copy():
    d = Path(tempfile.mkdtemp(prefix="archlint-samples-"))
    shutil.copytree(SAMPLES, d / "samples", dirs_exist_ok=True)
    for p in (d / "samples").rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    yield d / "samples"
    shutil.rmtree(d, ignore_errors=True)


INSERTS = st.sampled_from([b"\\", b"\n", b"\r", b"\r\n", b"\x00", b"'", b'"', b"`", b"$(", b"{", b"}", b"[", b"]", b"\t",
                           b"\xff", b"#", b"<<EOF", b"&&", b"*", b"!", b":", b"- ", b"  ", b"&a", b"*a", b"\xe2\x80\xae",
                           b"\x1b[2J", b"--platform=", b"linux/arm64", b":latest", b"@sha256:", b"\\\n", b"---\n"])


@st.composite
def mutated(draw, data: bytes):
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["del_line", "dup_line", "swap_lines", "del_bytes", "dup_bytes", "swap_bytes", "insert"]))
        n = len(lines)
        if op in ("del_line", "dup_line", "swap_lines") and n:
            i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
            if op == "del_line":
                del lines[i]
            elif op == "dup_line":
                lines.insert(i, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            continue
        blob = b"\n".join(lines)
        m = len(blob)
        a = draw(st.integers(0, m))
        b = draw(st.integers(a, min(m, a + 64)))
        if op == "del_bytes":
            blob = blob[:a] + blob[b:]
        elif op == "dup_bytes":
            blob = blob[:b] + blob[a:b] + blob[b:]
        elif op == "swap_bytes" and m >= 2:
            i, j = draw(st.integers(0, m - 1)), draw(st.integers(0, m - 1))
            arr = bytearray(blob)
            arr[i], arr[j] = arr[j], arr[i]
            blob = bytes(arr)
        elif op == "insert":
            blob = blob[:a] + draw(INSERTS) + blob[a:]
        lines = blob.split(b"\n")
    return b"\n".join(lines)


def _sample_settings(path: Path):
    from archlint.config import load_file, replace

    for d in path.parents:
        cfg = d / ".archlint.toml"
        if cfg.is_file():
            s = load_file(str(cfg))
            return replace(s, select=("ALL",))
    return settings(select=["ALL"])


@pytest.mark.skipif(not SAMPLE_FILES, reason="../shared/samples is not present")
@given(data=st.data())
def test_mutated_samples(sample_copy, data):
    from archlint import kinds
    from archlint.engine import lint_file

    rel = data.draw(st.sampled_from(SAMPLE_FILES), label="sample")
    original = (SAMPLES / rel).read_bytes()
    blob = data.draw(mutated(original), label="mutated")
    target = sample_copy / rel
    kind = kinds.detect(rel, original, str(SAMPLES / rel))
    s = _sample_settings(target)
    try:
        target.write_bytes(blob)
        first = lint_file(str(target), rel, s, kind=kind)
        second = lint_file(str(target), rel, s, kind=kind)
    finally:
        target.write_bytes(original)
    assert_no_internal_errors(first)
    assert_spans_inside(first)
    assert snapshot(first) == snapshot(second)


@pytest.mark.skipif(not SAMPLE_FILES, reason="../shared/samples is not present")
@pytest.mark.parametrize("rel", SAMPLE_FILES)
def test_samples_fingerprints_survive_lines_added_above(sample_copy, rel):
    from archlint import kinds
    from archlint.engine import lint_text

    text = (SAMPLES / rel).read_text()
    kind = kinds.detect(rel, text.encode(), str(SAMPLES / rel))
    if kind is None:
        pytest.skip("not a linted kind")
    s = _sample_settings(sample_copy / rel)
    a = lint_text(rel, text, s, kind=kind, abspath=str(sample_copy / rel))
    assert a.findings, f"{rel}: the sample has no finding"
    b = lint_text(rel, _with_lines_above(kind, text, 5), s, kind=kind, abspath=str(sample_copy / rel))
    assert _fingerprints(a) == _fingerprints(b)
    at = _insert_point(kind, text.split("\n"))
    added = 10 if kind == "markdown" else 5
    assert sorted((f.rule_id, f.span.line + (added if f.span.line > at else 0), f.span.col) for f in a.findings) == sorted(
        (f.rule_id, f.span.line, f.span.col) for f in b.findings)


# ---- determinism across processes ---------------------------------------------------------------------------


@pytest.mark.cli
@pytest.mark.skipif(not SAMPLE_FILES, reason="../shared/samples is not present")
def test_cli_output_is_identical_across_hash_seeds_and_job_counts(sample_copy, tmp_path):
    root = tmp_path / "samples"
    shutil.copytree(sample_copy, root)
    make_repo(root)
    (root / ".archlint.toml").unlink()
    outs = set()
    for seed, jobs in (("0", "1"), ("12345", "1"), ("987", "2"), ("random", "4")):
        for fmt in ("text", "json"):
            r = run_cli(["check", "--no-cache", "--jobs", jobs, "--output-format", fmt], root,
                        env={"PYTHONHASHSEED": seed})
            assert_clean_exit(r, allowed=(1,))
            outs.add((fmt, r.stdout))
    assert len(outs) == 2, "output differs between runs"
