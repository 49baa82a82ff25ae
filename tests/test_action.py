"""What a newcomer meets first: the composite GitHub Action (action.yml, held to actionlint with
shellcheck and to zizmor, and its one archlint run checked for real), the README's set-up
commands, the reference data a clone carries (tests/data) and the quick test loop (-m "not slow")."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from helpers import REPO, write_files

ACTION = REPO / "action.yml"
README = REPO / "README.md"
SHA = re.compile(r"[0-9a-f]{40}")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    return action()["runs"]["steps"]


def tool(name: str) -> str:
    """An executable installed with the test extra (in this interpreter's scripts folder or on
    PATH). Missing is a failure, not a skip: CI installs the extra, so a skip would hide it."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        exe = shutil.which(name, path=folder)
        if exe:
            return exe
    exe = shutil.which(name)
    assert exe, f"{name} not found: install the test extra (python -m pip install -e '.[test]')"
    return exe


# ---- action.yml: its shape -----------------------------------------------------------------------


def test_no_expression_inside_run_scripts():
    """Inputs and contexts reach the scripts through env: only (GitHub's script-injection advice)."""
    for step in steps():
        assert "${{" not in step.get("run", ""), step.get("name")


def test_every_input_is_used_through_env_or_with():
    text = ACTION.read_text(encoding="utf-8")
    for name in action()["inputs"]:
        uses = re.findall(r"\$\{\{\s*inputs\.%s\s*\}\}" % re.escape(name), text)
        assert uses, f"input {name} is never used"


def test_archlint_runs_once_in_its_own_virtual_environment():
    runs = [s for s in steps() if "run" in s]
    checking = [s for s in runs if re.search(r'"archlint",\s*"check"|archlint check', s["run"])]
    assert len(checking) == 1, [s.get("name") for s in checking]
    install = next(s for s in runs if "pip install" in s["run"])
    assert '-m venv "$ARCHLINT_VENV"' in install["run"]
    assert re.search(r'"\$py" -m pip install', install["run"])
    assert "python3 -m pip" not in ACTION.read_text(encoding="utf-8")
    setup = next(s for s in steps() if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["update-environment"] is False


def test_actions_used_are_pinned_to_a_commit():
    for step in steps():
        if "uses" in step:
            assert SHA.fullmatch(step["uses"].split("@", 1)[1]), step["uses"]


# ---- action.yml: the run step for real ------------------------------------------------------------


def _run_step(cwd: Path, paths: str, args: str, tmp: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the action's archlint step as the runner would (bash, the step's env), with this
    interpreter's environment standing in for the action's virtual environment."""
    step = next(s for s in steps() if s.get("id") == "archlint")
    script = tmp / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    output = tmp / "github_output"
    output.write_text("")
    env = dict(
        os.environ,
        ARCHLINT_VENV=sys.prefix,
        ARCHLINT_PATHS=paths,
        ARCHLINT_ARGS=args,
        ARCHLINT_SARIF_FILE="archlint.sarif",
        GITHUB_OUTPUT=str(output),
        GITHUB_WORKSPACE=str(cwd),
        ARCHLINT_CACHE_DIR=str(tmp / "cache"),
        NO_COLOR="1",
    )
    assert Path(sys.prefix, "bin", "python").exists(), "the tests run in a virtual environment"
    r = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", str(script)], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return r, outputs


def _annotation_keys(text: str) -> set[tuple]:
    keys = set()
    for line in text.splitlines():
        m = re.match(r"::(\w+) (.*?)::", line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        keys.add((m.group(1), props.get("file"), props.get("line"), props.get("title")))
    return keys


def test_run_step_writes_sarif_and_the_same_annotations_as_the_github_format(repo, tmp_path):
    write_files(repo, {
        "Dockerfile": "FROM python:latest\nRUN echo hi\n",
        "sub dir/build, x.sh": "#!/bin/sh\ndocker build -t acme/app:latest .\ndocker push acme/app:latest\n",
        "compose.yaml": "services: [\n",
    })
    work = tmp_path / "work"
    work.mkdir()
    r, outputs = _run_step(repo, ".", "--platform linux/amd64", work)
    assert r.returncode == 1, r.stderr
    assert outputs == {"exit-code": "1"}
    doc = json.loads((repo / "archlint.sarif").read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0" and doc["runs"][0]["results"]
    got = _annotation_keys(r.stdout)
    ref = subprocess.run([sys.executable, "-m", "archlint", "check", "--platform", "linux/amd64",
                          "--output-format", "github", "--no-cache", "."],
                         cwd=repo, capture_output=True, text=True, timeout=300)
    assert ref.returncode == 1, ref.stderr
    assert got == _annotation_keys(ref.stdout)
    assert {k[3] for k in got} >= {"DF001", "AL001"}
    assert any(k[1] == "sub dir/build%2C x.sh" for k in got), got


def test_run_step_passes_inputs_as_data_not_code(repo, tmp_path):
    write_files(repo, {"Dockerfile": "FROM python:3.12-slim\n"})
    work = tmp_path / "work"
    work.mkdir()
    r, outputs = _run_step(repo, "'$(touch pwned-paths)' `touch pwned-backtick` .",
                           "--exit-zero; touch pwned-args", work)
    assert not list(repo.glob("pwned*")), r.stdout + r.stderr
    assert outputs.get("exit-code") == "2", r.stderr  # the words reached archlint as arguments


# ---- action.yml: the workflow linters ---------------------------------------------------------


def _lint_workflows(tmp_path: Path, workflows: dict[str, dict | str]) -> subprocess.CompletedProcess:
    shutil.copy(ACTION, tmp_path / "action.yml")
    for name, wf in workflows.items():
        path = tmp_path / ".github" / "workflows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wf if isinstance(wf, str) else yaml.safe_dump(wf, sort_keys=False), encoding="utf-8")
    (tmp_path / ".git").mkdir(exist_ok=True)
    return subprocess.run([tool("actionlint"), "-shellcheck", tool("shellcheck"), "-no-color", "-oneline"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)


def _caller(with_: dict) -> dict:
    return {"on": "push", "permissions": {}, "jobs": {"lint": {"runs-on": "ubuntu-latest", "steps": [
        {"uses": "./", "with": with_}]}}}


def _steps_as_reusable_workflow(extra_steps=()) -> dict:
    """The action's steps in a reusable workflow declaring the same inputs, so that actionlint
    checks their expressions and hands their bash scripts to shellcheck."""
    inputs = {k: {"type": "string", "default": str(v.get("default", ""))} for k, v in action()["inputs"].items()}
    job_steps = [dict(s) for s in steps()] + list(extra_steps)
    return {"on": {"workflow_call": {"inputs": inputs}}, "permissions": {},
            "jobs": {"archlint": {"runs-on": "ubuntu-latest", "steps": job_steps}}}


def _readme_workflow() -> str:
    """The README's code-scanning workflow, pinned to a (made-up) commit of archlint."""
    return _blocks(_section("CI: GitHub code scanning"), "yaml")[0].replace("<commit sha>", "0" * 40)


@pytest.mark.slow
def test_actionlint_and_shellcheck_find_nothing(tmp_path):
    every_input = {k: str(v.get("default") or "x") for k, v in action()["inputs"].items()}
    r = _lint_workflows(tmp_path, {
        "caller.yml": _caller(every_input),
        "steps.yml": _steps_as_reusable_workflow(),
        "readme.yml": _readme_workflow(),
    })
    assert r.returncode == 0 and r.stdout == "", r.stdout + r.stderr


@pytest.mark.slow
def test_actionlint_reads_the_action_and_runs_shellcheck(tmp_path):
    """The same set-up does report mistakes: an input the action lacks, and a shellcheck finding."""
    r = _lint_workflows(tmp_path, {
        "caller.yml": _caller({"no-such-input": "x"}),
        "steps.yml": _steps_as_reusable_workflow([{"shell": "bash", "run": "cd $RUNNER_TEMP\n"}]),
    })
    assert r.returncode == 1
    assert "no-such-input" in r.stdout and "[action]" in r.stdout, r.stdout
    assert "shellcheck reported issue" in r.stdout and "SC2086" in r.stdout, r.stdout


@pytest.mark.slow
@pytest.mark.parametrize("what", ["action.yml", "README workflow"])
def test_zizmor_finds_nothing(tmp_path, what):
    if what == "action.yml":
        shutil.copy(ACTION, tmp_path / "action.yml")
        target = "action.yml"
    else:
        target = ".github/workflows/archlint.yml"
        (tmp_path / ".github" / "workflows").mkdir(parents=True)
        (tmp_path / target).write_text(_readme_workflow(), encoding="utf-8")
    r = subprocess.run([tool("zizmor"), "--offline", "--no-config", "--no-progress", "--format", "json", target],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout) == [], r.stdout


# ---- README: set-up, CI and pre-commit --------------------------------------------------------


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^## %s\n(.*?)(?=^## )" % re.escape(title), text, re.S | re.M)
    assert m, title
    return m.group(1)


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(r"^```%s\n(.*?)^```" % lang, text, re.S | re.M)


def test_first_setup_command_creates_and_uses_a_virtual_environment():
    first = _blocks(_section("Set up"), "sh")[0].strip()
    parts = [p.strip() for p in first.split("&&")]
    assert parts[0] == "python3 -m venv .venv", first
    assert parts[1] == ". .venv/bin/activate", first
    install = next(i for i, p in enumerate(parts) if "pip install" in p)
    assert install > 1 and parts[install].startswith("python -m pip install")
    assert parts[-1] == "archlint check examples"
    after = _section("Set up").split(first, 1)[1].split("```")[1]  # up to the next block
    assert "status 1" in after and "Exit codes" in after, "the README explains the exit status below the command"


def test_test_command_is_what_ci_runs():
    command = next(b for b in _blocks(_section("Set up"), "sh") if "'.[test]'" in b).strip()
    assert command.endswith("python -m pytest -q")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci


def test_fast_loop_is_documented():
    assert 'python -m pytest -q -m "not slow"\n' in _blocks(_section("Set up"), "sh")


def test_readme_installs_from_a_commit_until_a_release_exists():
    text = README.read_text(encoding="utf-8")
    assert "git+https://github.com/archlint/archlint@<commit sha>" in text
    assert "uses: archlint/archlint@<commit sha>" in _section("CI: GitHub code scanning")
    assert re.search(r"^\s+rev: <commit sha>", _section("pre-commit"), re.M)
    for block in _blocks(text, "yaml") + _blocks(text, "sh"):
        assert not re.search(r"pip install archlint\b|rev: v\d|archlint/archlint@v\d", block), block


# ---- a clone on its own: tests/data -------------------------------------------------------------


DATA = {
    "sarif-schema-2.1.0.json": "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e",
    "primaryLocationLineHash-vectors.json": "da417d4dde27274a6f8e9b4b0f284a5d1323c8629ce287483f6e6dfb35821f01",
}


@pytest.mark.parametrize("name", sorted(DATA))
def test_reference_data_is_in_the_repository_unmodified(name):
    path = REPO / "tests" / "data" / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DATA[name]
    assert name in (REPO / "tests" / "data" / "NOTICE.md").read_text(encoding="utf-8")


def test_sarif_schema_tests_do_not_need_the_shared_folder():
    import test_fingerprint
    import test_output_sarif

    for path in (test_output_sarif.SCHEMA, test_fingerprint.VECTORS):
        assert REPO in path.resolve().parents and path.is_file(), path
    assert test_output_sarif._schema_validator() is not None


# ---- the quick loop -----------------------------------------------------------------------------


def test_conftest_marks_the_listed_tests_slow(request):
    from conftest import SLOW

    for item in request.session.items:
        node = item.nodeid.split("[", 1)[0]
        if node in SLOW or node.split("::", 1)[0] in SLOW:
            assert item.get_closest_marker("slow"), item.nodeid


@pytest.mark.slow  # two collections of the modules SLOW names: 10-15 s
def test_not_slow_deselects_the_slow_tests():
    from conftest import SLOW

    files = sorted({node.split("::", 1)[0] for node in SLOW})

    def collected(*extra: str) -> set[str]:
        r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                            *extra, *files], cwd=REPO, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        return {line.split("[", 1)[0] for line in r.stdout.splitlines() if "::" in line}

    everything = collected()
    quick = collected("-m", "not slow")
    missing = {node for node in SLOW if "::" in node and node not in everything}
    assert not missing, f"tests/conftest.py SLOW names tests that do not exist: {missing}"
    assert not {node for node in quick if node in SLOW or node.split("::", 1)[0] in SLOW}
    assert quick < everything
