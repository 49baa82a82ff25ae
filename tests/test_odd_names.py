"""File and folder names that are not UTF-8 (issue 17, section 5): every format prints them
escaped and stays valid UTF-8, SARIF percent-encodes their bytes, and the run exits 0 or 1."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab")


@pytest.fixture
def odd_tree(tmp_path):
    root = os.fsencode(tmp_path / "repo")
    os.makedirs(os.path.join(root, b".git"))
    os.makedirs(os.path.join(root, b"d\xff"))
    with open(os.path.join(root, b"d\xff", b"Dockerfile"), "w") as fh:
        fh.write("FROM alpine\n")
    with open(os.path.join(root, b"Dockerfile.\xfe"), "w") as fh:
        fh.write("FROM alpine:latest\n")
    return tmp_path / "repo"


@pytest.mark.parametrize("fmt", FORMATS)
def test_names_that_are_not_utf8_are_escaped_in_every_format(odd_tree, tmp_path, fmt):
    out_file = tmp_path / f"out.{fmt}"
    env = {**os.environ, "ARCHLINT_NO_CACHE": "1", "NO_COLOR": "1"}
    env.pop("GITHUB_WORKSPACE", None)
    env.pop("CI_PROJECT_DIR", None)
    p = subprocess.run([sys.executable, "-m", "archlint", "check", "--isolated", "--output-format", fmt,
                        "-o", str(out_file), "."], cwd=odd_tree, env=env, capture_output=True, timeout=120)
    assert p.returncode in (0, 1), p.stderr.decode("utf-8", "replace")
    text = out_file.read_bytes().decode("utf-8")  # valid UTF-8, or this raises
    if fmt == "sarif":
        uris = {r["physicalLocation"]["artifactLocation"]["uri"]
                for run in json.loads(text)["runs"] for res in run["results"] for r in res["locations"]}
        assert uris == {"Dockerfile.%FE", "d%FF/Dockerfile"}
    elif fmt in ("json", "gitlab"):
        doc = json.loads(text)
        paths = ({f["path"] for f in doc["findings"]} if fmt == "json"
                 else {i["location"]["path"] for i in doc})
        assert paths == {"Dockerfile.\\xfe", "d\\xff/Dockerfile"}
    else:
        assert "Dockerfile.\\xfe" in text and "d\\xff/Dockerfile" in text


@pytest.mark.parametrize("fmt", ("json", "gitlab", "sarif"))
def test_bidi_controls_in_names_are_escaped_in_machine_formats(tmp_path, fmt):
    """A right-to-left override in a file name reaches no screen raw from JSON, GitLab or SARIF
    output (as in text output), and a program parsing the output still gets the exact name."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    name = "Dockerfile.a\u202eb"
    (root / name).write_text("FROM alpine\n")
    env = {**os.environ, "ARCHLINT_NO_CACHE": "1", "NO_COLOR": "1"}
    p = subprocess.run([sys.executable, "-m", "archlint", "check", "--isolated", "--output-format", fmt, "."],
                       cwd=root, env=env, capture_output=True, timeout=120)
    out = p.stdout.decode("utf-8")
    assert p.returncode in (0, 1) and "\u202e" not in out and "\\u202e" in out.lower() or fmt == "sarif"
    assert "\u202e" not in out
    doc = json.loads(out)
    if fmt == "json":
        assert {f["path"] for f in doc["findings"]} == {name}
    elif fmt == "gitlab":
        assert {i["location"]["path"] for i in doc} == {name}
