"""A deterministic generator of realistic mixed repository trees for the benchmark.

``generate_tree(root, files, seed)`` writes a monorepo-shaped tree of ``files`` lintable files:
services with multi-stage Dockerfiles and long ``RUN`` chains, Makefiles with many targets that
include shared ``.mk`` files, shell scripts (functions, ``case``, arrays, ``[[ ]]``, heredocs),
multi-document Kubernetes YAML, kustomizations, Helm values next to a ``Chart.yaml``, compose
files, GitHub workflows, Docker Bake files, Python packages and Markdown runbooks with fenced shell
blocks.  About one file in four carries an architecture mistake of the kind archlint reports, so
findings (and their output) are part of what is measured.

The files of one service *link*, as the project model (``archlint.project``) sees them: each
service has one image, ``registry.example.com/shop/<name>:<version>``, and one intended set of
build platforms (``_service``).  Its Makefile, scripts, workflows, runbooks, Bake file and compose
file build and push that image (mostly with ``--platform`` from the plan, some without one or
through a variable), and its Kubernetes workloads and compose services deploy it, some pinned to
an architecture with ``kubernetes.io/arch``; where the plan and the pin disagree (an arm64-only
build deployed on amd64 nodes, a build without a platform deployed on pinned nodes) the
cross-file rules (XF) report it.  A shared ``base/runtime`` image is built for fewer platforms
than the services that start ``FROM`` it, and a root ``docker-bake.hcl`` builds a few services.

The same ``(files, seed)`` always produces the same bytes (``random.Random`` seeded with a
string is stable across processes and Python versions); ``tree_digest`` hashes a tree so a test
can check that.  Nothing here imports archlint.

The single-file generators (``sample_file``, ``long_dockerfile``, ``big_yaml``, ``big_makefile``)
feed the per-kind cold-start, growth and language-server measurements.
"""
from __future__ import annotations

import hashlib
import os
import random

__all__ = [
    "KIND_WEIGHTS",
    "big_makefile",
    "big_yaml",
    "generate_tree",
    "long_dockerfile",
    "sample_file",
    "tree_digest",
]

#: kind -> relative frequency in a generated tree (roughly a cloud-native monorepo)
KIND_WEIGHTS = {
    "kubernetes": 24,
    "python": 20,
    "shell": 14,
    "markdown": 10,
    "dockerfile": 9,
    "makefile": 6,
    "workflow": 6,
    "compose": 5,
    "helm-values": 3,
    "helm-template": 4,
    "kustomization": 3,
    "bake": 1,
}

FILES_PER_SERVICE = 16

_WORDS = (
    "api auth billing cart catalog checkout events gateway inventory ledger mailer media notify "
    "orders payments profile queue search session shipping stock tenant upload users worker"
).split()
_VERBS = "build deploy release publish package test lint bootstrap install migrate sync fetch".split()
_ARCH_GOOD = ("$TARGETARCH", "${TARGETARCH}", "$(dpkg --print-architecture)")
_ARCH_BAD = ("amd64", "x86_64", "arm64", "aarch64")
_BASES = (
    "golang:1.22", "golang:1.23-bookworm", "node:20-alpine", "node:22", "python:3.12-slim",
    "python:3.11", "debian:bookworm-slim", "ubuntu:22.04", "ubuntu:24.04", "alpine:3.20",
    "rust:1.80", "eclipse-temurin:21-jre", "nginx:1.27", "redis:7.4", "gcr.io/distroless/static",
    "registry.example.com/base/runtime:2024.09", "alpine", "ubuntu:latest",
)
_APT = (
    "ca-certificates curl git gnupg jq make unzip xz-utils openssh-client tzdata gettext-base "
    "build-essential libssl-dev pkg-config zlib1g-dev libffi-dev python3-dev procps less vim-tiny"
).split()
_TOOLS = (
    ("kubectl", "https://dl.k8s.io/release/v1.30.2/bin/linux/{a}/kubectl"),
    ("helm", "https://get.helm.sh/helm-v3.15.3-linux-{a}.tar.gz"),
    ("yq", "https://github.com/mikefarah/yq/releases/download/v4.44.3/yq_linux_{a}"),
    ("tini", "https://github.com/krallin/tini/releases/download/v0.19.0/tini-{a}"),
    ("grpcurl", "https://github.com/fullstorydev/grpcurl/releases/download/v1.9.1/grpcurl_1.9.1_linux_{a}.tar.gz"),
    ("sops", "https://github.com/getsops/sops/releases/download/v3.9.0/sops-v3.9.0.linux.{a}"),
)


def _rng(seed, *parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed,) + parts))


def _arch(r: random.Random) -> str:
    return r.choice(_ARCH_BAD) if r.random() < 0.25 else r.choice(_ARCH_GOOD)


def _image(r: random.Random, name: str) -> str:
    roll = r.random()
    if roll < 0.15:
        return f"registry.example.com/shop/{name}:latest"
    if roll < 0.25:
        return f"registry.example.com/shop/{name}"
    if roll < 0.35:
        return f"registry.example.com/shop/{name}@sha256:{r.getrandbits(256):064x}"
    return f"registry.example.com/shop/{name}:{r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 9)}"


#: a service's intended build platforms (its plan): most build both, some one, some none or
#: through an unknown variable
_PLAN_PLATFORMS = (
    (0.55, "linux/amd64,linux/arm64"),
    (0.70, "linux/amd64"),
    (0.80, "linux/arm64"),
    (0.90, ""),  # no --platform: the build machine's CPU
    (1.00, "$BUILD_PLATFORMS"),  # unknown to a linter
)


class _Service:
    """What every file of one service agrees on: its image and its build platforms."""

    __slots__ = ("name", "repo", "version", "platforms")

    def __init__(self, seed, svc: int):
        r = _rng(seed, "service", svc)
        self.name = f"{_WORDS[svc % len(_WORDS)]}{svc}"
        self.repo = f"registry.example.com/shop/{self.name}"
        self.version = f"{r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 9)}"
        roll = r.random()
        self.platforms = next(p for limit, p in _PLAN_PLATFORMS if roll < limit)

    @property
    def image(self) -> str:
        return f"{self.repo}:{self.version}"

    def flag(self, make: bool = False) -> str:
        """`` --platform X`` as the plan says (empty for none)."""
        if not self.platforms:
            return ""
        if self.platforms.startswith("$"):
            return " --platform $(BUILD_PLATFORMS)" if make else ' --platform "$BUILD_PLATFORMS"'
        return f" --platform {self.platforms}"


def _service(seed, svc: int, _memo: dict = {}) -> _Service:
    key = (seed, svc)
    s = _memo.get(key)
    if s is None:
        if len(_memo) > 4096:
            _memo.clear()
        s = _memo[key] = _Service(seed, svc)
    return s


# ---- Dockerfiles ------------------------------------------------------------------------------

def _run_chain(r: random.Random, lines: list[str]) -> None:
    pkgs = r.sample(_APT, r.randint(4, 12))
    body = ["RUN set -eux; \\", "    apt-get update; \\", "    apt-get install -y --no-install-recommends \\"]
    body += [f"        {p} \\" for p in pkgs]
    body[-1] = body[-1][:-2] + "; \\"
    for _ in range(r.randint(0, 3)):
        tool, url = r.choice(_TOOLS)
        body.append(f"    curl -fsSL -o /tmp/{tool} {url.format(a=_arch(r))}; \\")
        body.append(f"    install -m 0755 /tmp/{tool} /usr/local/bin/{tool}; \\")
    if r.random() < 0.3:
        body += [
            '    case "$(uname -m)" in \\',
            "        x86_64) ARCH=amd64 ;; \\",
            "        aarch64) ARCH=arm64 ;; \\",
            '        *) echo "unsupported" >&2; exit 1 ;; \\',
            "    esac; \\",
        ]
    body.append("    rm -rf /var/lib/apt/lists/*")
    lines.extend(body)


def dockerfile(r: random.Random, name: str, stages: int | None = None, extra_runs: int = 0) -> str:
    lines = []
    if r.random() < 0.5:
        lines.append("# syntax=docker/dockerfile:1.7")
    if r.random() < 0.3:
        lines.append(f"ARG BASE_IMAGE={r.choice(_BASES)}")
    stages = stages or r.randint(1, 4)
    names = []
    for s in range(stages):
        final = s == stages - 1
        base = r.choice(_BASES)
        if s and r.random() < 0.3:
            base = names[-1]
        if r.random() < 0.15 and not s:
            base = "${BASE_IMAGE}"
        plat = ""
        roll = r.random()
        if roll < 0.35:
            plat = "--platform=$BUILDPLATFORM "
        elif roll < 0.45:
            plat = "--platform=linux/amd64 "
        stage = f"stage{s}" if final else r.choice(("build", "deps", "assets", "compile", "test")) + str(s)
        names.append(stage)
        lines.append("")
        lines.append(f"FROM {plat}{base}" + ("" if final and r.random() < 0.5 else f" AS {stage}"))
        if r.random() < 0.6:
            lines.append("ARG TARGETARCH")
        lines.append(f"WORKDIR /src/{name}")
        for _ in range(r.randint(0, 3)):
            lines.append(f"ENV {r.choice(_WORDS).upper()}_{r.choice(('HOST', 'PORT', 'MODE'))}={r.randint(1, 9999)}")
        lines.append(f"COPY {r.choice(('go.mod go.sum', 'package.json package-lock.json', 'requirements.txt', '.'))} ./")
        for _ in range(1 + extra_runs // stages):
            _run_chain(r, lines)
        if "golang" in base or r.random() < 0.2:
            goarch = r.choice(("$TARGETARCH", "${TARGETARCH}", "amd64", "arm64"))
            lines.append(f"RUN CGO_ENABLED=0 GOOS=linux GOARCH={goarch} go build -trimpath -o /out/{name} ./cmd/{name}")
        if r.random() < 0.2:
            lines += ["RUN <<EOF", "set -e", f"echo building {name}", "uname -m > /arch.txt", "EOF"]
        if r.random() < 0.3:
            lines.append(f"RUN pip install --no-cache-dir -r requirements.txt --platform manylinux2014_{r.choice(('x86_64', 'aarch64'))} --only-binary=:all: --target /deps")
        if s:
            lines.append(f"COPY --from={names[r.randrange(s)]} /out/ /usr/local/bin/")
    lines.append(f"EXPOSE {r.choice((80, 8080, 8000, 9090))}")
    lines.append(f'ENTRYPOINT ["/usr/local/bin/{name}"]')
    return "\n".join(lines) + "\n"


def long_dockerfile(lines: int = 1000, seed: int = 0) -> str:
    """A many-stage Dockerfile of about ``lines`` lines (the language-server measurement)."""
    r = _rng(seed, "long-dockerfile", lines)
    out: list[str] = []
    i = 0
    while len(out) < lines:
        out.extend(dockerfile(r, f"svc{i}", stages=r.randint(2, 4), extra_runs=4).split("\n")[:-1])
        i += 1
    return "\n".join(out[:lines]) + "\n"


# ---- shell ------------------------------------------------------------------------------------

def shell(r: random.Random, name: str, svc: _Service | None = None) -> str:
    lines = [r.choice(("#!/usr/bin/env bash", "#!/bin/bash", "#!/bin/sh")), "set -euo pipefail", ""]
    lines += ['REGISTRY="${REGISTRY:-registry.example.com/shop}"', f'IMAGE="$REGISTRY/{name}"',
              'TAG="${GIT_SHA:-$(git rev-parse --short HEAD)}"', "SERVICES=(" + " ".join(r.sample(_WORDS, 4)) + ")", ""]
    for f in range(r.randint(2, 9)):
        fn = f"{r.choice(_VERBS)}_{r.choice(_WORDS)}_{f}"
        lines.append(f"{fn}() {{")
        lines.append('  local target="${1:-all}"')
        roll = r.random()
        if roll < 0.12:
            if svc is not None and r.random() < 0.8:
                plat = svc.flag()  # the service's plan
            else:
                plat = " --platform linux/amd64,linux/arm64" if r.random() < 0.7 else ""
            lines.append(f'  docker buildx build{plat} -t "$IMAGE:$TAG" --push .')
        elif roll < 0.15:
            lines.append('  docker build -t "$IMAGE:$TAG" -f Dockerfile .')
            if svc is not None:
                lines.append('  docker push "$IMAGE:$TAG"')
        elif roll < 0.25:
            tool, url = r.choice(_TOOLS)
            lines.append(f'  curl -fsSL "{url.format(a=r.choice(("$ARCH", "amd64", "x86_64")))}" -o "/tmp/{tool}"')
        lines += [
            '  case "$target" in',
            "    all) echo \"all\" ;;",
            '    api|worker) echo "service $target" ;;',
            '    *) echo "unknown target: $target" >&2; return 1 ;;',
            "  esac",
            '  for svc in "${SERVICES[@]}"; do',
            '    if [[ -f "services/$svc/Dockerfile" && "$svc" != "legacy" ]]; then',
            f'      echo "{fn}: $svc"',
            "    fi",
            "  done",
        ]
        if r.random() < 0.3:
            lines += ['  ARCH="$(uname -m)"', '  if [ "$ARCH" = "x86_64" ]; then ARCH=amd64; fi']
        if r.random() < 0.2:
            lines += ["  cat <<EOF >/tmp/config.env", f"NAME={name}", "TAG=$TAG", "EOF"]
        lines += ["}", ""]
    lines += ['main() {', '  local cmd="${1:-build}"', '  shift || true', '  "$cmd" "$@"', "}", "", 'main "$@"']
    return "\n".join(lines) + "\n"


# ---- Makefiles --------------------------------------------------------------------------------

def makefile(r: random.Random, name: str, includes: tuple = (), targets: int | None = None,
             svc: _Service | None = None) -> str:
    """``svc``: the service this is the Makefile of: it builds and pushes the service's image
    (its first target, ``image``) with the service's platforms."""
    lines = [f"# {name} build", f"NAME := {name}", f"IMG ?= {svc.image if svc else _image(r, name)}"]
    if svc is not None:
        if svc.platforms and not svc.platforms.startswith("$"):
            lines.append(f"PLATFORMS ?= {svc.platforms}")
    elif r.random() < 0.6:
        lines.append("PLATFORMS ?= linux/amd64,linux/arm64")
    lines.append(f"GOARCH ?= {r.choice(('amd64', '$(shell go env GOARCH)', 'arm64'))}")
    lines.append("ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)")
    for inc in includes:
        lines.append(inc)
    lines.append("")
    n = targets or r.randint(6, 30)
    names = [f"{r.choice(_VERBS)}-{i}" for i in range(n)]
    if svc is not None:
        names[0] = "image"
    lines.append(".PHONY: all " + " ".join(names))
    lines.append("all: " + " ".join(names[:3]))
    lines.append("")
    for i, t in enumerate(names):
        dep = f" {names[i - 1]}" if i and r.random() < 0.3 else ""
        lines.append(f"{t}:{dep}")
        roll = r.random()
        if svc is not None and i == 0:
            plat = "" if not svc.platforms else (
                " --platform $(BUILD_PLATFORMS)" if svc.platforms.startswith("$") else " --platform $(PLATFORMS)")
            lines.append(f"\tdocker buildx build{plat} -t $(IMG) --push .")
        elif roll < 0.08:
            plat = " --platform $(PLATFORMS)" if r.random() < 0.7 else ""
            lines.append(f"\tdocker buildx build{plat} -t $(IMG) --load .")
        elif roll < 0.1:
            lines.append("\tdocker build -t $(IMG) .")
        elif roll < 0.45:
            lines.append("\tCGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) go build -o bin/$(NAME) ./cmd/$(NAME)")
        elif roll < 0.55:
            lines.append("\thelm upgrade --install $(NAME) ./chart --set image.tag=$(TAG)")
        else:
            lines.append(f"\t@echo \"{t} for $(NAME)\"")
        for _ in range(r.randint(0, 3)):
            lines.append(f"\t{r.choice(('@mkdir -p bin', 'go vet ./...', 'kubectl apply -f deploy/', 'rm -rf dist'))}")
        if r.random() < 0.15:
            lines += ["\tif [ \"$$(uname -m)\" = \"x86_64\" ]; then \\", "\t  echo amd64; \\", "\tfi"]
        lines.append("")
    return "\n".join(lines)


def big_makefile(lines: int = 20000, seed: int = 0) -> str:
    """A Makefile of about ``lines`` lines (the growth measurement)."""
    r = _rng(seed, "big-makefile", lines)
    text = makefile(r, "mega", targets=max(10, lines // 5))
    out = text.split("\n")
    while len(out) < lines:
        out.append(f"\t@echo filler {len(out)}")
    return "\n".join(out[:lines]) + "\n"


# ---- YAML -------------------------------------------------------------------------------------

def _container(r: random.Random, name: str, indent: str, image: str | None = None) -> list[str]:
    out = [f"{indent}- name: {name}", f"{indent}  image: {image or _image(r, name)}"]
    if r.random() < 0.5:
        out.append(f"{indent}  imagePullPolicy: {r.choice(('IfNotPresent', 'Always'))}")
    out += [f"{indent}  ports:", f"{indent}    - containerPort: {r.choice((80, 8080, 9090))}"]
    out += [f"{indent}  env:"]
    for k in range(r.randint(2, 14)):
        out += [f"{indent}    - name: {r.choice(_WORDS).upper()}_{k}", f'{indent}      value: "{r.randint(0, 99999)}"']
    out += [
        f"{indent}  resources:",
        f"{indent}    requests: {{cpu: {r.randint(50, 500)}m, memory: {r.randint(64, 512)}Mi}}",
        f"{indent}    limits: {{cpu: {r.randint(1, 4)}, memory: {r.randint(1, 4)}Gi}}",
        f"{indent}  readinessProbe:",
        f"{indent}    httpGet: {{path: /healthz, port: 8080}}",
        f"{indent}    periodSeconds: 10",
    ]
    return out


def _k8s_doc(r: random.Random, name: str, svc: _Service | None = None) -> list[str]:
    kind = r.choice(("Deployment", "Deployment", "StatefulSet", "DaemonSet", "CronJob", "Service", "ConfigMap", "Ingress", "PodDisruptionBudget"))
    api = {
        "Deployment": ("apps/v1", "apps/v1", "extensions/v1beta1"),
        "StatefulSet": ("apps/v1",),
        "DaemonSet": ("apps/v1", "apps/v1beta2"),
        "CronJob": ("batch/v1", "batch/v1beta1"),
        "Service": ("v1",),
        "ConfigMap": ("v1",),
        "Ingress": ("networking.k8s.io/v1", "networking.k8s.io/v1", "extensions/v1beta1"),
        "PodDisruptionBudget": ("policy/v1", "policy/v1beta1"),
    }[kind]
    out = [f"apiVersion: {r.choice(api)}", f"kind: {kind}", "metadata:", f"  name: {name}",
           "  labels:", f"    app.kubernetes.io/name: {name}", "    app.kubernetes.io/part-of: shop"]
    if kind == "Service":
        return out + ["spec:", "  selector:", f"    app: {name}", "  ports:", "    - port: 80", "      targetPort: 8080"]
    if kind == "ConfigMap":
        out += ["data:"]
        for k in range(r.randint(3, 20)):
            out.append(f"  {r.choice(_WORDS)}_{k}: \"{r.getrandbits(64):x}\"")
        return out
    if kind == "Ingress":
        return out + ["spec:", "  rules:", f"    - host: {name}.example.com", "      http:", "        paths:",
                      "          - path: /", "            pathType: Prefix", "            backend:",
                      f"              service: {{name: {name}, port: {{number: 80}}}}"]
    if kind == "PodDisruptionBudget":
        return out + ["spec:", "  minAvailable: 1", "  selector:", f"    matchLabels: {{app: {name}}}"]
    pad = "  "
    spec = ["spec:"]
    if kind == "CronJob":
        spec += ["  schedule: \"*/5 * * * *\"", "  jobTemplate:", "    spec:"]
        pad = "      "
    else:
        spec += [f"  replicas: {r.randint(1, 5)}" if kind != "DaemonSet" else "  updateStrategy: {type: RollingUpdate}",
                 "  selector:", f"    matchLabels: {{app: {name}}}"]
    spec += [f"{pad}template:", f"{pad}  metadata:", f"{pad}    labels: {{app: {name}}}", f"{pad}  spec:"]
    roll = r.random()
    if roll < 0.2:
        spec += [f"{pad}    nodeSelector:", f"{pad}      kubernetes.io/arch: {r.choice(('amd64', 'arm64'))}"]
    elif roll < 0.3:
        spec += [f"{pad}    nodeSelector:", f"{pad}      beta.kubernetes.io/arch: amd64"]
    elif roll < 0.45:
        spec += [f"{pad}    affinity:", f"{pad}      nodeAffinity:",
                 f"{pad}        requiredDuringSchedulingIgnoredDuringExecution:", f"{pad}          nodeSelectorTerms:",
                 f"{pad}            - matchExpressions:", f"{pad}                - key: kubernetes.io/arch",
                 f"{pad}                  operator: In", f"{pad}                  values: [amd64, arm64]"]
    spec += [f"{pad}    containers:"]
    # the service's own image in most of its workloads (what its builds push)
    own = svc.image if svc is not None and r.random() < 0.7 else None
    for c in range(r.randint(1, 3)):
        spec += _container(r, f"{name}-{c}" if c else name, pad + "      ", own if not c else None)
    return out + spec


def kubernetes(r: random.Random, name: str, svc: _Service | None = None) -> str:
    docs = ["\n".join(_k8s_doc(r, f"{name}-{d}" if d else name, svc)) for d in range(r.randint(1, 9))]
    return "---\n".join(d + "\n" for d in docs)


def big_yaml(size: int = 5 * 1024 * 1024, seed: int = 0) -> str:
    """Multi-document Kubernetes YAML of about ``size`` bytes (the growth measurement)."""
    r = _rng(seed, "big-yaml", size)
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        doc = "\n".join(_k8s_doc(r, f"app-{i}")) + "\n"
        parts.append(doc)
        total += len(doc) + 4
        i += 1
    return "---\n".join(parts)


def kustomization(r: random.Random, name: str, resources: list[str]) -> str:
    lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", f"namespace: {name}", "resources:"]
    lines += [f"  - {x}" for x in resources] or ["  - deployment.yaml"]
    lines += ["images:", f"  - name: {name}", f"    newName: registry.example.com/shop/{name}",
              f"    newTag: {r.choice(('latest', '1.4.2', 'main'))}"]
    return "\n".join(lines) + "\n"


def helm_values(r: random.Random, name: str) -> str:
    return "\n".join([
        f"replicaCount: {r.randint(1, 4)}",
        "image:",
        f"  repository: registry.example.com/shop/{name}",
        f"  tag: {r.choice(('latest', '', '2.1.0'))}",
        "  pullPolicy: IfNotPresent",
        "nodeSelector:",
        f"  kubernetes.io/arch: {r.choice(('amd64', 'arm64'))}" if r.random() < 0.4 else "  {}",
        "resources:",
        "  limits: {cpu: 1, memory: 1Gi}",
        "ingress:",
        "  enabled: false",
    ]) + "\n"


def helm_template(r: random.Random, name: str, n: int = 0) -> str:
    """A chart template: a define, values, a Capabilities-guarded apiVersion, a range."""
    return "\n".join([
        f'{{{{- define "{name}.labels{n}" -}}}}',
        "app.kubernetes.io/name: {{ .Chart.Name }}",
        "app.kubernetes.io/instance: {{ .Release.Name }}",
        "{{- end }}",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        f"  name: {{{{ .Release.Name }}}}-{name}-{n}",
        f'  labels: {{{{- include "{name}.labels{n}" . | nindent 4 }}}}',
        "spec:",
        "  replicas: {{ .Values.replicaCount }}",
        "  template:",
        "    spec:",
        "      {{- with .Values.nodeSelector }}",
        "      nodeSelector: {{- toYaml . | nindent 8 }}",
        "      {{- end }}",
        "      containers:",
        f"        - name: {name}",
        '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
        "          imagePullPolicy: {{ .Values.image.pullPolicy }}",
        "          env:",
        "            {{- range $k, $v := dict \"A\" \"1\" \"B\" \"2\" }}",
        "            - name: {{ $k }}",
        "              value: {{ $v | quote }}",
        "            {{- end }}",
        "          resources: {{- toYaml .Values.resources | nindent 12 }}",
        "---",
        '{{- if .Capabilities.APIVersions.Has "networking.k8s.io/v1/Ingress" }}',
        "apiVersion: networking.k8s.io/v1",
        "{{- else }}",
        f"apiVersion: {r.choice(('extensions/v1beta1', 'networking.k8s.io/v1beta1'))}",
        "{{- end }}",
        "kind: Ingress",
        "metadata:",
        f"  name: {name}-{n}",
    ]) + "\n"


def compose(r: random.Random, name: str, svc: _Service | None = None) -> str:
    lines = ["services:"]
    if svc is not None:  # the service itself: built here, or run as pushed (some on one CPU)
        lines += ["  app:"]
        if r.random() < 0.4:
            lines += ["    build:", "      context: .", "      dockerfile: Dockerfile"]
        lines.append(f"    image: {svc.image}")
        if r.random() < 0.3:
            lines.append(f"    platform: {r.choice(('linux/amd64', 'linux/arm64'))}")
        lines += ["    environment:", f"      SERVICE: {svc.name}", "    ports:", "      - \"8080:8080\""]
    for s in r.sample(_WORDS, r.randint(2, 6)):
        lines.append(f"  {s}:")
        if r.random() < 0.4:
            lines += ["    build:", "      context: .", "      dockerfile: Dockerfile"]
            if r.random() < 0.5:
                lines += ["      platforms:", "        - linux/amd64", "        - linux/arm64"]
        lines.append(f"    image: {_image(r, s)}")
        if r.random() < 0.25:
            lines.append(f"    platform: {r.choice(('linux/amd64', 'linux/x86_64', 'linux/arm64/v8'))}")
        lines += ["    environment:", f"      SERVICE: {s}", f"      PORT: \"{r.randint(1000, 9999)}\"",
                  "    ports:", f"      - \"{r.randint(1000, 9999)}:8080\""]
    return "\n".join(lines) + "\n"


def workflow(r: random.Random, name: str, svc: _Service | None = None) -> str:
    lines = [f"name: {name}", "on:", "  push:", "    branches: [main]", "  pull_request:", "jobs:"]
    for j in range(r.randint(1, 4)):
        lines += [f"  job{j}:", f"    runs-on: {r.choice(('ubuntu-latest', 'ubuntu-24.04', 'ubuntu-24.04-arm'))}",
                  "    steps:", "      - uses: actions/checkout@v4"]
        if r.random() < 0.5:
            tags = _image(r, name)
            if svc is not None:
                tags = svc.image if r.random() < 0.5 else svc.repo + ":${{ github.sha }}"
            lines += ["      - uses: docker/setup-qemu-action@v3", "      - uses: docker/setup-buildx-action@v3",
                      "      - uses: docker/build-push-action@v6", "        with:", "          push: true",
                      f"          tags: {tags}"]
            if svc is not None and r.random() < 0.8:
                if svc.platforms.startswith("$"):
                    lines.append("          platforms: ${{ env.PLATFORMS }}")
                elif svc.platforms:
                    lines.append(f"          platforms: {svc.platforms}")
            elif r.random() < 0.6:
                lines.append("          platforms: linux/amd64,linux/arm64")
        lines += ["      - name: build", "        run: |", "          set -euo pipefail",
                  f"          docker build -t {name}:ci ." if r.random() < 0.3 else "          go test ./...", "          make test"]
        if r.random() < 0.3:
            lines.append(f"          curl -fsSLo kubectl https://dl.k8s.io/release/v1.30.2/bin/linux/{r.choice(_ARCH_BAD)}/kubectl")
    return "\n".join(lines) + "\n"


# ---- Docker Bake -------------------------------------------------------------------------------

def _hcl_list(items) -> str:
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


def bake(r: random.Random, name: str, svc: _Service | None = None, services: tuple = ()) -> str:
    """A ``docker-bake.hcl``: variables, a default group, a common target others inherit, the
    service's image (pushed, with its plan's platforms), a debug image loaded locally and a
    cache-only test target.  ``services``: ``(folder, _Service)`` of several services (the
    repository's root Bake file: one target per service, its context that service's folder)."""
    lines = ["# Build the images with `docker buildx bake`.", 'variable "REGISTRY" {',
             '  default = "registry.example.com/shop"', "}", ""]
    version = svc.version if svc is not None else f"{r.randint(1, 9)}.{r.randint(0, 40)}.0"
    lines += ['variable "TAG" {', f'  default = "{version}"', "}", "", 'variable "GIT_SHA" {}', ""]
    plan = svc.platforms if svc is not None else "linux/amd64,linux/arm64"
    if plan and not plan.startswith("$"):
        lines += ['variable "PLATFORMS" {', "  type    = list(string)",
                  f"  default = {_hcl_list(plan.split(','))}", "}", ""]
    elif plan:
        lines += ['variable "PLATFORMS" {}', ""]  # set by CI: unknown here
    if services:
        targets = [s.name for _folder, s in services]
    else:
        targets = ["app"] + (["debug"] if r.random() < 0.5 else [])
    lines += ['group "default" {', f"  targets = {_hcl_list(targets)}", "}", "",
              'group "ci" {', '  targets = ["default", "test"]', "}", ""]
    lines += ['target "_common" {', '  context = "."', "  args = {", f'    GO_VERSION = "1.{r.randint(21, 23)}"',
              '    COMMIT     = "${GIT_SHA}"', "  }", "  labels = {",
              '    "org.opencontainers.image.source" = "https://github.com/example/shop"', "  }"]
    if plan:
        lines.append("  platforms = PLATFORMS")
    lines += ["}", ""]
    if services:
        for folder, s in services:
            lines += [f'target "{s.name}" {{', '  inherits = ["_common"]', f'  context  = "{folder}"',
                      f'  tags     = ["${{REGISTRY}}/{s.name}:{s.version}", "${{REGISTRY}}/{s.name}:${{GIT_SHA}}"]',
                      '  output   = ["type=registry"]', "}", ""]
    else:
        lines += ['target "app" {', '  inherits   = ["_common"]', '  dockerfile = "Dockerfile"',
                  f'  tags       = ["${{REGISTRY}}/{name}:${{TAG}}", "${{REGISTRY}}/{name}:${{GIT_SHA}}"]',
                  '  output     = ["type=registry"]']
        if r.random() < 0.25:  # a mistake: a one-platform override of the plan
            lines.append(f'  platforms  = ["{r.choice(("linux/amd64", "linux/arm64"))}"]')
        lines += ["}", ""]
        if "debug" in targets:
            lines += ['target "debug" {', '  inherits = ["app"]', f'  target   = "build{r.randint(0, 2)}"',
                      f'  tags     = ["{name}-debug:local"]', '  output   = [{ type = "docker" }]', "}", ""]
    lines += ['target "test" {', '  inherits = ["_common"]', '  target   = "test"', '  output   = ["type=cacheonly"]',
              "}"]
    return "\n".join(lines) + "\n"


def _base_image_files(r: random.Random) -> dict[str, str]:
    """The shared base image every service may start ``FROM``
    (``registry.example.com/base/runtime:2024.09``): its Dockerfile and a Makefile that builds it
    for amd64 only (a service built for arm64 on it is the cross-file mistake XF006 reports)."""
    docker = "\n".join([
        "# syntax=docker/dockerfile:1.7", "FROM debian:bookworm-slim", "ARG TARGETARCH",
        "RUN set -eux; \\", "    apt-get update; \\", "    apt-get install -y --no-install-recommends ca-certificates tzdata; \\",
        "    rm -rf /var/lib/apt/lists/*", "USER 65532:65532"]) + "\n"
    make = "\n".join([
        "IMG ?= registry.example.com/base/runtime:2024.09", "", ".PHONY: image", "image:",
        "\tdocker buildx build --platform linux/amd64 -t $(IMG) --push .", ""])
    return {"base/runtime/Dockerfile": docker, "base/runtime/Makefile": make}


# ---- Python and Markdown ----------------------------------------------------------------------

_PY_SNIPPETS = (
    ("import platform\n", "    if platform.machine() == 'x86_64':\n        return 'amd64'\n    return platform.machine()\n"),
    ("import subprocess\n", "    subprocess.run(['docker', 'build', '-t', name, '.'], check=True)\n"),
    ("import datetime\n", "    return datetime.datetime.utcnow().isoformat()\n"),
    ("import threading\n", "    return threading.currentThread().name\n"),
    ("import json\n", "    return json.dumps({'name': name, 'n': len(name)})\n"),
    ("import os\n", "    return os.environ.get('TARGETARCH', 'amd64')\n"),
    ("import collections\n", "    return collections.Counter(name).most_common(1)\n"),
)


def python(r: random.Random, name: str) -> str:
    pool = _PY_SNIPPETS if r.random() < 0.15 else _PY_SNIPPETS[:2] + _PY_SNIPPETS[4:]  # few use removed APIs
    picks = [r.choice(pool) for _ in range(r.randint(4, 16))]
    imports = sorted({p[0] for p in picks})
    lines = [f'"""{name}: helpers for the {r.choice(_WORDS)} service."""', "from __future__ import annotations", ""]
    lines += [i.rstrip("\n") for i in imports] + ["", ""]
    for i, (_, body) in enumerate(picks):
        lines.append(f"def {r.choice(_VERBS)}_{i}(name: str = {name!r}):")
        lines.append(f'    """Do step {i} for {name}."""')
        lines.extend(body.rstrip("\n").split("\n"))
        lines += ["", ""]
    for c in range(r.randint(1, 6)):
        lines += [f"class {r.choice(_WORDS).title()}{c}:", f"    def __init__(self, size: int = {r.randint(1, 99)}):",
                  "        self.size = size", "        self.items: list[int] = []", "",
                  "    def add(self, value: int) -> None:", "        if len(self.items) < self.size:",
                  "            self.items.append(value)", "", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def markdown(r: random.Random, name: str, svc: _Service | None = None) -> str:
    lines = [f"# {name}", "", f"Runbook for the {name} service. Owned by the {r.choice(_WORDS)} team.", ""]
    for s in range(r.randint(2, 7)):
        lines += [f"## Step {s + 1}: {r.choice(_VERBS)}", "", "Run the following from the repository root:", ""]
        lang = r.choice(("bash", "sh", "shell", "console", "yaml", "text"))
        lines.append(f"```{lang}")
        if lang == "yaml":
            lines += ["image: " + _image(r, name), "platform: linux/amd64"]
        elif lang == "console":
            lines += [f"$ kubectl -n {name} get pods", "NAME READY STATUS"]
        elif r.random() < 0.25:
            if svc is not None:  # the release steps: build and push the service's image
                lines += [f"docker buildx build{svc.flag()} -t {svc.image} --push ." if r.random() < 0.6
                          else f"docker build -t {svc.image} .", f"docker push {svc.image}"]
            else:
                lines += ["docker buildx build --platform linux/amd64,linux/arm64 -t app --push ."
                          if r.random() < 0.6 else f"docker build -t {_image(r, name)} .", f"docker push {_image(r, name)}"]
        else:
            lines += [f"kubectl rollout restart deployment/{name}", f"kubectl rollout status deployment/{name}"]
        lines += ["```", "", "- check the dashboards", "- announce in the channel", ""]
    return "\n".join(lines)


# ---- trees ------------------------------------------------------------------------------------

def goreleaser(r: random.Random, name: str, services: tuple = ()) -> str:
    """A ``.goreleaser.yaml``: a Go binary, one ``dockers`` entry per architecture (``--platform``
    from the entry's ``goarch``), a manifest list over them, and a ``dockers_v2`` entry.
    ``services``: ``(folder, _Service)`` whose Dockerfiles it builds (the repository's root one)."""
    lines = ["version: 2", f"project_name: {name}", "builds:", f"  - id: {name}", "    env: [CGO_ENABLED=0]",
             "    goos: [linux]", "    goarch: [amd64, arm64]", "dockers:"]
    targets = [(folder, s.name, s.repo) for folder, s in services] or [(".", name, f"registry.example.com/shop/{name}")]
    for folder, image, repo in targets:
        for arch in ("amd64", "arm64"):
            lines += [f'  - image_templates: ["{repo}:{{{{ .Version }}}}-{arch}"]', "    use: buildx",
                      f"    goarch: {arch}", f"    dockerfile: {folder}/Dockerfile".replace("./", ""),
                      "    build_flag_templates:", '      - "--pull"', f'      - "--platform=linux/{arch}"',
                      '      - "--label=org.opencontainers.image.version={{ .Version }}"']
    lines.append("docker_manifests:")
    for _folder, image, repo in targets:
        lines += [f'  - name_template: "{repo}:{{{{ .Version }}}}"', "    image_templates:",
                  f'      - "{repo}:{{{{ .Version }}}}-amd64"', f'      - "{repo}:{{{{ .Version }}}}-arm64"']
    if r.random() < 0.5:
        lines += ["dockers_v2:", f'  - images: ["registry.example.com/shop/{name}-cli"]',
                  '    tags: ["{{ .Version }}", "latest"]', "    dockerfile: Dockerfile",
                  "    platforms: [linux/amd64, linux/arm64]"]
    return "\n".join(lines) + "\n"


def tiltfile(r: random.Random, name: str, services: tuple = ()) -> str:
    """A ``Tiltfile``: each service's image built with ``docker_build`` (one with
    ``docker_build_with_restart``) and its manifests deployed with ``k8s_yaml``.  ``services``:
    ``(folder, _Service)`` it builds (else the folder's own image)."""
    lines = [f"# -*- mode: Python -*-", "load('ext://restart_process', 'docker_build_with_restart')",
             f"repo = 'registry.example.com/{name}'"]
    targets = [(folder, s.name) for folder, s in services] or [(".", name)]
    for i, (folder, image) in enumerate(targets):
        call = "docker_build_with_restart" if i == 0 and r.random() < 0.5 else "docker_build"
        extra = ", entrypoint=['/app'], live_update=[sync('./src', '/src')]" if call != "docker_build" else ""
        lines.append(f"{call}(repo + '/{image}', '{folder}', dockerfile='{folder}/Dockerfile'{extra})")
        lines.append(f"k8s_yaml(kustomize('{folder}/deploy'))")
    lines.append(f"k8s_resource('{name}', port_forwards='8000:8000')")
    return "\n".join(lines) + "\n"


def ha_addon(r: random.Random, name: str) -> str:
    """A Home Assistant add-on's ``config.yaml``: the architectures the Supervisor builds its
    Dockerfile for, and (sometimes) the prebuilt image users pull."""
    arches = ["aarch64", "amd64"] + (["armv7"] if r.random() < 0.3 else [])
    lines = [f"name: {name}", f'version: "1.{r.randint(0, 9)}.0"', f"slug: {name}", f"description: the {name} add-on",
             "arch:"] + [f"  - {a}" for a in arches]
    if r.random() < 0.5:
        lines.append(f"image: ghcr.io/example/{name}-{{arch}}")
    return "\n".join(lines) + "\n"


def sample_file(kind: str, index: int = 0, seed: int = 0) -> tuple[str, str]:
    """``(file name, text)`` of one generated file of ``kind`` (for the per-kind cold runs)."""
    r = _rng(seed, "sample", kind, index)
    name = f"{r.choice(_WORDS)}{index}"
    if kind == "dockerfile":
        return "Dockerfile", dockerfile(r, name)
    if kind == "shell":
        return f"{r.choice(_VERBS)}.sh", shell(r, name)
    if kind == "makefile":
        return "Makefile", makefile(r, name)
    if kind == "kubernetes":
        return "deployment.yaml", kubernetes(r, name)
    if kind == "compose":
        return "docker-compose.yml", compose(r, name)
    if kind == "workflow":
        return os.path.join(".github", "workflows", "ci.yml"), workflow(r, name)
    if kind == "python":
        return f"{name}.py", python(r, name)
    if kind == "markdown":
        return "RUNBOOK.md", markdown(r, name)
    if kind == "kustomization":
        return "kustomization.yaml", kustomization(r, name, ["deployment.yaml"])
    if kind == "helm-values":
        return "values.yaml", helm_values(r, name)
    if kind == "helm-template":
        return os.path.join("templates", "deployment.yaml"), helm_template(r, name)
    if kind == "bake":
        return "docker-bake.hcl", bake(r, name)
    if kind == "goreleaser":
        return ".goreleaser.yaml", goreleaser(r, name)
    if kind == "tiltfile":
        return "Tiltfile", tiltfile(r, name)
    if kind == "ha-addon":
        return "config.yaml", ha_addon(r, name)
    raise ValueError(f"unknown kind {kind!r}")


def _plan(files: int, seed) -> list[tuple[int, str]]:
    """(service index, kind) for each file, weighted, deterministic."""
    r = _rng(seed, "plan", files)
    kinds = list(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[k] for k in kinds]
    return [(i // FILES_PER_SERVICE, r.choices(kinds, weights)[0]) for i in range(files)]



def generate_tree(root: str, files: int, seed: int = 0) -> dict:
    """Write a tree of exactly ``files`` lintable files under ``root`` (created; it gets a
    ``.git`` folder so it is its own repository root, and a ``.gitignore``).  Returns a manifest:
    ``{"files": n, "bytes": total, "kinds": {kind: count}, "paths": [relative paths]}``."""
    os.makedirs(root, exist_ok=True)
    os.makedirs(os.path.join(root, ".git"), exist_ok=True)
    _write(root, ".git/HEAD", "ref: refs/heads/main\n")
    _write(root, ".gitignore", "*.log\n/build/\n.venv/\nnode_modules/\n*.tmp\n")
    plan = _plan(files, seed)
    written: dict[str, str] = {}
    kinds: dict[str, int] = {}
    per_service: dict[int, dict[str, int]] = {}
    if files >= 50:  # the shared makefiles every service's Makefile includes, the base image, the root Bake file
        for i, rel in enumerate(("make/common.mk", "make/docker.mk")):
            written[rel] = makefile(_rng(seed, "shared", i), f"shared{i}")
            kinds["makefile"] = kinds.get("makefile", 0) + 1
        for rel, text in _base_image_files(_rng(seed, "shared", "base")).items():
            written[rel] = text
            k = "dockerfile" if rel.endswith("Dockerfile") else "makefile"
            kinds[k] = kinds.get(k, 0) + 1
        few = sorted({svc for svc, _k in plan})[:4]
        written["docker-bake.hcl"] = bake(_rng(seed, "shared", "bake"), "shop", services=tuple(
            (f"services/{_WORDS[s % len(_WORDS)]}-{s:04d}", _service(seed, s)) for s in few))
        kinds["bake"] = kinds.get("bake", 0) + 1
        written[".goreleaser.yaml"] = goreleaser(_rng(seed, "shared", "goreleaser"), "shop", services=tuple(
            (f"services/{_WORDS[s % len(_WORDS)]}-{s:04d}", _service(seed, s)) for s in few[:2]))
        kinds["goreleaser"] = 1
        written["Tiltfile"] = tiltfile(_rng(seed, "shared", "tilt"), "shop", services=tuple(
            (f"services/{_WORDS[s % len(_WORDS)]}-{s:04d}", _service(seed, s)) for s in few[:3]))
        kinds["tiltfile"] = 1
    addon = 2 if files >= 50 else 0  # (written last: the files before are those of earlier versions)
    for svc, kind in plan:
        if len(written) >= files - addon:
            break
        r = _rng(seed, "file", files, len(written))
        base = f"services/{_WORDS[svc % len(_WORDS)]}-{svc:04d}"
        name = f"{_WORDS[svc % len(_WORDS)]}{svc}"
        service = _service(seed, svc)
        seen = per_service.setdefault(svc, {})
        n = seen.get(kind, 0)
        seen[kind] = n + 1
        if kind == "dockerfile":
            rel = f"{base}/Dockerfile" if n == 0 else f"{base}/docker/{r.choice(_VERBS)}-{n}.Dockerfile"
            text = dockerfile(r, name)
        elif kind == "shell":
            rel, text = f"{base}/scripts/{r.choice(_VERBS)}-{n}.sh", shell(r, name, service)
        elif kind == "makefile":
            if n == 0:
                incs = ["include ../../make/common.mk", "-include local.mk"]
                if r.random() < 0.3:
                    incs.append("include $(ROOT)/make/docker.mk")
                rel, text = f"{base}/Makefile", makefile(r, name, tuple(incs), svc=service)
            else:
                rel, text = f"{base}/mk/part-{n}.mk", makefile(r, f"{name}-{n}")
        elif kind == "kubernetes":
            rel, text = f"{base}/deploy/{r.choice(_WORDS)}-{n}.yaml", kubernetes(r, f"{name}-{n}", service)
        elif kind == "kustomization":
            if n == 0:
                res = sorted(p.rsplit("/", 1)[1] for p in written if p.startswith(f"{base}/deploy/") and p.endswith(".yaml"))
                rel, text = f"{base}/deploy/kustomization.yaml", kustomization(r, name, res)
            else:
                rel, text = f"{base}/overlays/env{n}/kustomization.yaml", kustomization(r, name, ["../../deploy"])
        elif kind == "helm-values":
            if n == 0:
                if f"{base}/chart/Chart.yaml" not in written and len(written) + 1 < files:
                    # the chart itself: helm-values are detected by it
                    written[f"{base}/chart/Chart.yaml"] = f"apiVersion: v2\nname: {name}\nversion: 0.1.{svc}\n"
                    kinds["chart"] = kinds.get("chart", 0) + 1
                rel = f"{base}/chart/values.yaml"
            else:
                rel = f"{base}/chart/values-env{n}.yaml"
            text = helm_values(r, name)
        elif kind == "helm-template":
            chart = f"{base}/chart/Chart.yaml"
            if chart not in written and len(written) + 1 < files:  # a template is one by its chart
                written[chart] = f"apiVersion: v2\nname: {name}\nversion: 0.1.{svc}\nappVersion: \"1.{svc}\"\n"
                kinds["chart"] = kinds.get("chart", 0) + 1
            rel, text = f"{base}/chart/templates/{r.choice(_WORDS)}-{n}.yaml", helm_template(r, name, n)
        elif kind == "compose":
            rel = f"{base}/docker-compose.yml" if n == 0 else f"{base}/compose.env{n}.yaml"
            text = compose(r, name, service if n == 0 else None)
        elif kind == "workflow":
            rel, text = f"{base}/.github/workflows/{r.choice(_VERBS)}-{n}.yml", workflow(r, name, service)
        elif kind == "python":
            rel, text = f"{base}/src/{name}/{r.choice(_VERBS)}_{n}.py", python(r, f"{name}_{n}")
        elif kind == "bake":
            rel = f"{base}/docker-bake.hcl" if n == 0 else f"{base}/docker-bake.{r.choice(('ci', 'release', 'dev'))}{n}.hcl"
            text = bake(r, name, service)
        else:  # markdown
            rel = f"{base}/README.md" if n == 0 else f"{base}/docs/{r.choice(_VERBS)}-{n}.md"
            text = markdown(r, name, service)
        written[rel] = text
        kinds[kind] = kinds.get(kind, 0) + 1
    if addon:  # a Home Assistant add-on: its configuration and the Dockerfile the Supervisor builds
        written["addons/shop-addon/config.yaml"] = ha_addon(_rng(seed, "shared", "ha-addon"), "addon")
        written["addons/shop-addon/Dockerfile"] = dockerfile(_rng(seed, "shared", "addon-dockerfile"), "addon")
        kinds["ha-addon"] = 1
        kinds["dockerfile"] = kinds.get("dockerfile", 0) + 1
    total = 0
    for rel, text in written.items():
        total += _write(root, rel, text)
    return {"files": len(written), "bytes": total, "kinds": kinds, "paths": sorted(written)}


def _write(root: str, rel: str, text: str) -> int:
    path = os.path.join(root, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(data)
    return len(data)


def tree_digest(root: str) -> str:
    """sha256 over every file's relative path and bytes (sorted): equal trees, equal digests."""
    h = hashlib.sha256()
    entries = []
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        for n in names:
            full = os.path.join(dirpath, n)
            entries.append(os.path.relpath(full, root).replace(os.sep, "/"))
    for rel in sorted(entries):
        h.update(rel.encode() + b"\0")
        with open(os.path.join(root, rel), "rb") as fh:
            h.update(fh.read())
        h.update(b"\0")
    return h.hexdigest()
