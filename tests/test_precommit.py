"""The pre-commit hooks: the manifest validates, each hook's patterns select the right real file
names, and a real `pre-commit try-repo` run in a temporary git repository fails on a bad
Dockerfile and passes once it is fixed."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REPO

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
BY_ID = {h["id"]: h for h in HOOKS}

SHOULD_MATCH = {
    "archlint-docker": ["Dockerfile", "dockerfile", "Containerfile", "build/Dockerfile.prod",
                        "app.dockerfile", "Dockerfile-dev", "docker/api.Dockerfile",
                        "functions/auth/DockerfileOW", "packaging/base_Dockerfile", "src/health-patient-api-dockerfile"],
    "archlint-make": ["Makefile", "GNUmakefile", "makefile", "build/rules.mk", "Makefile.common"],
    "archlint-compose": ["docker-compose.yml", "compose.yaml", "docker-compose.prod.yml", "deploy/compose.override.yaml"],
    "archlint-actions": [".github/workflows/ci.yml", ".github/workflows/release.yaml"],
    "archlint": ["Dockerfile", "dockerfile", "Makefile", "deploy.sh", "k8s/deploy.yaml", "docs/DEPLOY.md", "app/security.py",
                 "docker-bake.hcl", "ci/docker-bake.override.json", "docker/rk.hcl"],
    # (any *.hcl: a Bake file is known by its target blocks, frigate's docker/tensorrt/trt.hcl)
    "archlint-bake": ["docker-bake.hcl", "docker-bake.json", "docker-bake.override.hcl", "ci/docker-bake.release.hcl",
                      "docker/tensorrt/trt.hcl"],
    "archlint-goreleaser": [".goreleaser.yml", ".goreleaser.yaml", ".config/goreleaser.yaml", "cmd/builder/.goreleaser.yaml",
                            ".goreleaser-nightly.yml"],
    "archlint-tilt": ["Tiltfile", "web/Tiltfile", "dev/app.tiltfile"],
    "archlint-ha-addon": ["config.yaml", "mqtt/config.json", "birdnet/config.yml"],
}
SHOULD_NOT_MATCH = {
    "archlint-docker": ["Dockerfile.md", "docs/dockerfile-guide.txt", "README.md", ".dockerignore", "images/Dockerfile.grafana.old",
                        "services/ui/Dockerfile_old", "Dockerfile-bak", "Dockerfile.backup",
                        "frontend/dockerfile/dockerfile_test.go", "docs/images/dockerfile-context.mdx",
                        "ssh/rootfs/usr/share/nano/Dockerfile.nanorc", "Dockerfile.tmLanguage",
                        "Docker.tmbundle/Preferences/Dockerfile.tmPreferences"],
    "archlint-make": ["Makefile.am.txt", "make.py", "Makefile.am", "Makefile.in"],
    "archlint-compose": ["compose.py", "k8s/deployment.yaml"],
    "archlint-actions": [".github/dependabot.yml", "workflows/ci.yml"],
    "archlint": ["README.txt", "image.png", "setup.cfg", "main.tf"],
    "archlint-bake": ["bake.json", "docker-bake.txt", "terraform/main.tf"],
    "archlint-goreleaser": ["goreleaser.go", ".github/workflows/goreleaser.yml", "docs/goreleaser.md", "mygoreleaser.yml"],
    "archlint-tilt": ["Tiltfile.md", "docs/tiltfile-api.txt", "tilt.go", "Tiltfiles/README", "Tiltfile.rst",
                      "Tiltfile.opencost", "Tiltfile.swp"],
    "archlint-ha-addon": ["mqtt/CONFIG.json", "x/config.json.old", "app/myconfig.yaml", "config.yaml.example"],
}


def test_manifest_validates():
    exe = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    r = subprocess.run([exe, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_kind_has_a_hook():
    ids = set(BY_ID)
    assert {"archlint", "archlint-docker", "archlint-bake", "archlint-goreleaser", "archlint-tilt", "archlint-ha-addon", "archlint-shell", "archlint-make", "archlint-k8s",
            "archlint-compose", "archlint-actions", "archlint-python", "archlint-markdown"} <= ids
    for h in HOOKS:
        assert h["language"] == "python"
        assert h["entry"].startswith("archlint check")


@pytest.mark.parametrize("hook_id", sorted(SHOULD_MATCH))
def test_hook_patterns_select_real_file_names(hook_id):
    rx = re.compile(BY_ID[hook_id]["files"])
    for name in SHOULD_MATCH[hook_id]:
        assert rx.search(name), f"{hook_id} should match {name}"
    for name in SHOULD_NOT_MATCH[hook_id]:
        assert not rx.search(name), f"{hook_id} should not match {name}"


def _git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.mark.slow
def test_pre_commit_try_repo_real_run(tmp_path):
    """pre-commit installs archlint from this repository (needs the package index) and runs it."""
    exe = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    if not (REPO / ".git").exists():
        pytest.skip("the hook repository must be a git checkout")
    # the hook repo must be committed: use a throw-away clone of the working tree state
    hook_repo = tmp_path / "hooks"
    shutil.copytree(REPO, hook_repo, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", "build", "dist"))
    _git(hook_repo, "init", "-q", "-b", "main")
    _git(hook_repo, "add", "-A")
    _git(hook_repo, "commit", "-q", "-m", "hooks")
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    (work / ".archlint.toml").write_text('platforms = ["linux/amd64"]\n')
    (work / "Dockerfile").write_text("FROM python:latest\n")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "bad")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pc-home"), NO_COLOR="1")
    cmd = [exe, "try-repo", str(hook_repo), "archlint", "--all-files"]
    bad = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=900)
    out = bad.stdout + bad.stderr
    assert bad.returncode == 1, out
    assert "Dockerfile:1:6: DF001" in out, out
    assert "Dockerfile:1:1: DF005" in out, out
    (work / "Dockerfile").write_text("FROM --platform=linux/amd64 python:3.12-slim\n")
    # a test fixture pre-commit names too (--all-files): the hooks pass --force-exclude, so it is
    # left out as `archlint check .` leaves it out
    (work / "pkg/testdata").mkdir(parents=True)
    (work / "pkg/testdata/pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: 'nginx:latest'}]\n")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-am", "fixed")
    good = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=900)
    assert good.returncode == 0, good.stdout + good.stderr
    # the project model: pre-commit names only the changed manifest, archlint still knows the
    # build in deploy.sh (the rest of the repository is read for its facts) and reports the
    # cross-file finding at the manifest
    # (of a Dockerfile that pins no platform: the pinned one above makes every build amd64's)
    (work / "deploy.sh").write_text("#!/bin/sh\ndocker build -t reg.example.com/app:1 app\ndocker push reg.example.com/app:1\n")
    (work / "app").mkdir()
    (work / "app/Dockerfile").write_text("FROM python:3.12-slim\n")
    (work / "k8s").mkdir()
    (work / "k8s/app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n"
        "      nodeSelector: {kubernetes.io/arch: amd64}\n"
        "      containers: [{name: app, image: reg.example.com/app:1}]\n")
    _git(work, "add", "-A")
    one = subprocess.run([exe, "try-repo", str(hook_repo), "archlint", "--files", "k8s/app.yaml"], cwd=work,
                         capture_output=True, text=True, env=env, timeout=900)
    out = one.stdout + one.stderr
    assert one.returncode == 1, out
    assert "k8s/app.yaml:8:" in out and "XF002 reg.example.com/app:1 runs on amd64 nodes (nodeSelector), but its " \
           "build (deploy.sh:2) sets no platform" in out, out
    assert "deploy.sh:2" in out and "BC001" not in out, out  # deploy.sh was not named: its own findings wait
