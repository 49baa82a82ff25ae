"""``archlint graph``: the project model printed as text, JSON, Mermaid and DOT, from real trees."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from archlint.cli import main
from helpers import write_files

TREE = {
    "Makefile": """
        IMAGE = quay.io/acme/api:1.0

        build:
        \tpodman build --platform linux/amd64 -f docker/api.Dockerfile -t $(IMAGE) .
        """,
    "docker/api.Dockerfile": """
        FROM quay.io/acme/base:2.0
        COPY . /app
        """,
    "deploy/api.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              nodeSelector:
                kubernetes.io/arch: arm64
              containers:
                - name: api
                  image: quay.io/acme/api:1.0
        """,
    "deploy/worker.yaml": """
        apiVersion: v1
        kind: Pod
        metadata:
          name: worker
        spec:
          containers:
            - name: worker
              image: ghcr.io/acme/worker:1.2
        """,
    "scripts/release.sh": """
        #!/bin/sh
        set -e
        docker build -t worker:dev -f docker/worker.Dockerfile .
        docker tag worker:dev ghcr.io/acme/worker:${VERSION}
        docker push ghcr.io/acme/worker:${VERSION}
        docker buildx build --platform "$PLATFORMS" -t quay.io/acme/tool:1 .
        """,
    "docker-compose.yml": """
        services:
          web:
            build:
              context: ./web
            image: acme/web:latest
          cache:
            image: redis:7
            platform: linux/arm64
        """,
    "web/Dockerfile": """
        FROM node:20
        """,
    "docker-bake.hcl": """
        target "base" {
          dockerfile = "base/Dockerfile"
          tags = ["quay.io/acme/base:2.0"]
          platforms = ["linux/amd64", "linux/arm64"]
        }
        """,
    "base/Dockerfile": """
        FROM debian:12
        """,
    "tools/Dockerfile": """
        FROM golang:1.22
        """,
}


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    else:
        (root / ".git").mkdir()
    write_files(root, TREE)
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def graph(capsys, *args) -> str:
    capsys.readouterr()
    code = main(["graph", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_text_links_builds_deployments_and_bases(tree, capsys):
    out = graph(capsys)
    lines = out.splitlines()
    api = lines.index("Makefile:4 podman build → docker/api.Dockerfile, platforms linux/amd64, "
                      "tags quay.io/acme/api:1.0")
    assert lines[api + 1] == "    deployed by deploy/api.yaml:12 Deployment quay.io/acme/api:1.0, arch arm64 (nodeSelector)"
    bake = lines.index("docker-bake.hcl:1 bake target base → base/Dockerfile, platforms linux/amd64, linux/arm64, "
                       "tags quay.io/acme/base:2.0")
    assert lines[bake + 1] == "    base of docker/api.Dockerfile:1 (FROM quay.io/acme/base:2.0)"
    assert "docker-compose.yml:2 compose build → web/Dockerfile, platforms of the build machine, tags acme/web:latest" in lines
    # the Dockerfile of the script's build is not in the tree: shown as not found, with where it was looked for
    worker = next(i for i, line in enumerate(lines) if line.startswith("scripts/release.sh:3 docker build"))
    assert ("→ docker/worker.Dockerfile not found (tried scripts/docker/worker.Dockerfile, docker/worker.Dockerfile)"
            in lines[worker])
    assert "tags worker:dev, also named ghcr.io/acme/worker:*, pushes" in lines[worker]
    # the tag set from a variable is a *: it matches the deployment's 1.2
    assert lines[worker + 1] == "    deployed by deploy/worker.yaml:8 Pod ghcr.io/acme/worker:1.2, any arch"
    # platforms from a variable are unknown, not guessed
    assert ("scripts/release.sh:6 docker buildx build → Dockerfile not found (tried scripts/Dockerfile, Dockerfile), "
            "platforms unknown, tags quay.io/acme/tool:1") in lines
    tail = out[out.index("\nDeployments with no known build:"):]
    assert tail.splitlines()[1:3] == ["Deployments with no known build:",
                                      "    docker-compose.yml:7 compose redis:7, arch arm64 (platform:)"]
    assert "Dockerfiles with no known build:\n    tools/Dockerfile (FROM golang:1.22)\n" in out
    assert "web/Dockerfile (FROM" not in out  # compose builds it
    assert out.rstrip().endswith("* is a part archlint could not resolve (a variable).")


def test_text_is_deterministic_and_ordered_by_path(tree, capsys):
    first = graph(capsys)
    assert graph(capsys) == first  # warm: from the result cache
    assert graph(capsys, "--no-cache") == first
    builds = [line.split(" ", 1)[0] for line in first.splitlines() if line and not line.startswith(" ")
              and ":" in line.split(" ", 1)[0] and not line.endswith(":")]
    assert builds == sorted(builds, key=lambda w: (w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])))


def test_json_document(tree, capsys):
    doc = json.loads(graph(capsys, "--output-format", "json"))
    assert set(doc) == {"builds", "deployments", "bases", "dockerfiles"}
    by_path = {(b["path"], b["line"]): b for b in doc["builds"]}
    assert [b["id"] for b in doc["builds"]] == [f"b{i}" for i in range(1, len(doc["builds"]) + 1)]
    api = by_path[("Makefile", 4)]
    assert api == {"id": api["id"], "path": "Makefile", "line": 4, "tool": "podman build",
                   "dockerfile": "docker/api.Dockerfile", "tried": ["docker/api.Dockerfile"],
                   "platforms": ["linux/amd64"], "host": None, "tags": ["quay.io/acme/api:1.0"],
                   "names": ["quay.io/acme/api:1.0"], "push": False, "local": False}
    worker = by_path[("scripts/release.sh", 3)]
    assert worker["dockerfile"] is None
    assert worker["tried"] == ["scripts/docker/worker.Dockerfile", "docker/worker.Dockerfile"]
    assert worker["platforms"] == []  # the build machine's
    assert worker["names"] == ["worker:dev", "ghcr.io/acme/worker:*"]
    assert worker["push"] is True  # pushed under its other name
    assert by_path[("scripts/release.sh", 6)]["platforms"] is None  # unknown
    bake = by_path[("docker-bake.hcl", 1)]
    deps = {(d["path"], d["line"]): d for d in doc["deployments"]}
    assert deps[("deploy/api.yaml", 12)] == {
        "id": deps[("deploy/api.yaml", 12)]["id"], "path": "deploy/api.yaml", "line": 12,
        "image": "quay.io/acme/api:1.0", "arch": ["arm64"], "from": "nodeSelector", "via": "Deployment",
        "builds": [api["id"]]}
    assert deps[("deploy/worker.yaml", 8)]["arch"] is None
    assert deps[("deploy/worker.yaml", 8)]["builds"] == [worker["id"]]
    assert deps[("docker-compose.yml", 7)]["builds"] == []
    bases = {b["path"]: b for b in doc["bases"]}
    assert bases["docker/api.Dockerfile"] == {"path": "docker/api.Dockerfile", "line": 1,
                                              "image": "quay.io/acme/base:2.0", "builds": [bake["id"]]}
    assert bases["tools/Dockerfile"]["builds"] == []
    assert doc["dockerfiles"] == {
        "base/Dockerfile": [bake["id"]], "docker/api.Dockerfile": [api["id"]],
        "tools/Dockerfile": [], "web/Dockerfile": [by_path[("docker-compose.yml", 2)]["id"]],
    }


def test_paths_limit_the_graph_to_what_is_linked(tree, capsys):
    doc = json.loads(graph(capsys, "--output-format", "json", "deploy/api.yaml"))
    # the deployment, the build of its image, that build's Dockerfile, its base and the base's build
    assert [d["path"] for d in doc["deployments"]] == ["deploy/api.yaml"]
    assert [(b["path"], b["line"]) for b in doc["builds"]] == [("Makefile", 4), ("docker-bake.hcl", 1)]
    assert list(doc["dockerfiles"]) == ["base/Dockerfile", "docker/api.Dockerfile"]
    assert [b["path"] for b in doc["bases"]] == ["base/Dockerfile", "docker/api.Dockerfile"]
    # ids are those of the whole graph: the same build has the same id in every view
    whole = json.loads(graph(capsys, "--output-format", "json"))
    assert {b["id"] for b in doc["builds"]} <= {b["id"] for b in whole["builds"]}
    # a folder: a Dockerfile's builds and what they deploy, not its siblings
    out = graph(capsys, "base")
    assert "docker-bake.hcl:1 bake target base" in out
    assert "base of docker/api.Dockerfile:1" in out
    assert "Makefile" in out and "deploy/api.yaml:12" in out  # downstream of the base image
    assert "scripts/release.sh" not in out and "redis" not in out and "tools/Dockerfile" not in out
    out = graph(capsys, "tools")
    assert out == "Dockerfiles with no known build:\n    tools/Dockerfile (FROM golang:1.22)\n"
    for where in ("deploy", "base", "scripts/release.sh", "docker-compose.yml"):
        for fmt, arrow in (("mermaid", "-->"), ("dot", "->")):
            decl, edges = _nodes_and_edges(graph(capsys, "--output-format", fmt, where), arrow)
            assert edges and all(a in decl and b in decl for a, b in edges), (where, fmt)


def _nodes_and_edges(out: str, arrow: str):
    decl = set(re.findall(r"^    ([a-z]\d+)(?:[\[({]| \[label=)", out, re.M))
    edges = re.findall(rf"^    ([a-z]\d+) {re.escape(arrow)} ([a-z]\d+);?$", out, re.M)
    return decl, edges


def _balanced(out: str) -> None:
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', out)  # labels may hold anything
    for o, c in ("[]", "()", "{}"):
        assert stripped.count(o) == stripped.count(c), (o, out)


def test_mermaid_is_sane(tree, capsys):
    out = graph(capsys, "--output-format", "mermaid")
    assert out.startswith("flowchart LR\n")
    _balanced(out)
    decl, edges = _nodes_and_edges(out, "-->")
    assert edges and all(a in decl and b in decl for a, b in edges)
    assert len(edges) == len(set(edges))
    lines = out.splitlines()[1:]
    assert all(line.startswith("    ") for line in lines)
    assert len(lines) == len(decl) + len(edges)  # nothing else
    label = {m.group(1): m.group(2) for m in re.finditer(r'^    ([a-z]\d+)\W*"([^"]*)"', out, re.M)}
    ids = {v: k for k, v in label.items()}
    mk = next(k for k, v in label.items() if v.startswith("Makefile:4 podman build"))
    dep = next(k for k, v in label.items() if v.startswith("deploy/api.yaml:12 Deployment"))
    # Dockerfile → build → image → deployment
    assert (ids["docker/api.Dockerfile"], mk) in edges
    assert (mk, ids["quay.io/acme/api:1.0"]) in edges
    assert (ids["quay.io/acme/api:1.0"], dep) in edges
    assert (ids["quay.io/acme/base:2.0"], ids["docker/api.Dockerfile"]) in edges
    assert any(v.startswith("docker/worker.Dockerfile not found") for v in label.values())


def test_mermaid_labels_are_escaped():
    from archlint.output import graph as g
    from archlint.project.model import build_project

    fact = {"span": [1, 1, 1, 5], "tool": "docker build", "file": "*", "context": ".", "bases": ["up"],
            "platforms": [], "host": None, "tags": ['a"b<c>:1'], "push": False, "local": False, "stage": None, "args": [], "dynamic_args": []}
    p = build_project("/nonexistent", [('we"ird <dir>/build.sh', '/nonexistent/we"ird <dir>/build.sh', "shell",
                                        {"builds": [fact]})])
    out = g.mermaid(p)
    body = out.split("\n", 1)[1]
    assert '"' not in body.replace('["', "").replace('"]', "").replace('("', "").replace('")', "")
    assert "<" not in body and "#quot;" in body and "#lt;" in body
    dot = g.dot(p)
    assert '\\"' in dot
    _balanced(dot)


def test_dot_is_sane(tree, capsys):
    out = graph(capsys, "--output-format", "dot")
    assert out.startswith("digraph archlint {\n") and out.endswith("}\n")
    _balanced(out)
    decl, edges = _nodes_and_edges(out, "->")
    assert edges and all(a in decl and b in decl for a, b in edges)
    if shutil.which("dot"):
        r = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert "<svg" in r.stdout


def test_output_file_and_empty_tree(tree, capsys, tmp_path):
    target = tmp_path / "graph.mmd"
    assert graph(capsys, "--output-format", "mermaid", "--output-file", str(target)) == ""
    assert target.read_text().startswith("flowchart LR\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".git").mkdir()
    os.chdir(empty)
    assert graph(capsys) == "No builds, deployments or Dockerfiles found.\n"
    assert json.loads(graph(capsys, "--output-format", "json")) == {
        "builds": [], "deployments": [], "bases": [], "dockerfiles": {}}
    assert graph(capsys, "--output-format", "dot") == 'digraph archlint {\n    rankdir=LR;\n    node [fontname="Helvetica"];\n}\n'


def test_usage_errors(tree, capsys):
    assert main(["graph", "missing/"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["graph", "--output-format", "sarif"]) == 2


def test_cli_subprocess_exit_code(tree, tmp_path):
    env = dict(os.environ, ARCHLINT_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1")
    r = subprocess.run([sys.executable, "-m", "archlint", "graph", "--output-format", "json"], cwd=tree,
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert any(b["path"] == "Makefile" for b in json.loads(r.stdout)["builds"])
    h = subprocess.run([sys.executable, "-m", "archlint", "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert "graph" in h.stdout


def test_graph_shows_the_model_when_the_project_rules_are_off(tree, capsys):
    (tree / ".archlint.toml").write_text('select = ["DF"]\nignore = ["XF"]\n')
    out = graph(capsys)
    assert out.startswith("Makefile:4 podman build → docker/api.Dockerfile")
    assert "deployed by deploy/api.yaml:12" in out
