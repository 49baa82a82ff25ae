"""The project facts of the Python rules (archlint/checks/python/project.py): the target version
read from a Dockerfile with the shared Dockerfile parser, the walk up to the repository root or
the configuration's folder, and the paths every file reports as read (``FileResult.deps``), which
the result cache follows."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from archlint.checks import python as pychecks
from archlint.config import Settings
from archlint.engine import lint_file, lint_text
from archlint.run import cache as C
from helpers import findings, show, write_files

UTCNOW = "import datetime\n\nstamp = datetime.datetime.utcnow()\n"
CGI = "import cgi\n"


pytestmark = pytest.mark.usefixtures("fresh_python_caches")


def lint(root: Path, name: str, text: str, settings: Settings | None = None):
    write_files(root, {name: text})
    return lint_text(name, text, settings or Settings(), kind="python", abspath=str(root / name))


def target_of(root: Path, dockerfile: str) -> str:
    """How the rules describe the Python version a Dockerfile at the root sets for app.py."""
    write_files(root, {"Dockerfile": dockerfile})
    found = findings(lint(root, "app.py", CGI), "PY")
    assert len(found) == 1, show(found)
    return found[0].message.split("ModuleNotFoundError. ", 1)[-1]


# ---- the Dockerfile, read by the shared parser --------------------------------------------------


@pytest.mark.parametrize("dockerfile, origin", [
    ("FROM python:3.12\n", "This code targets Python 3.12 (FROM python:3.12 in Dockerfile)."),
    # continuation lines, a comment inside them, flags and a stage name
    ("FROM \\\n# the base\n  --platform=$BUILDPLATFORM \\\n  python:3.12-slim AS app\n",
     "This code targets Python 3.12 (FROM python:3.12-slim in Dockerfile)."),
    # global ARG defaults are expanded; the final stage is followed to the stage it is built FROM
    ('ARG PY="3.11"\nARG VARIANT=slim\nFROM python:${PY}-${VARIANT} AS base\nFROM base\n',
     "This code targets Python 3.11 (FROM python:3.11-slim in Dockerfile)."),
    ("ARG PY\nFROM python:${PY:-3.11}\n", "This code targets Python 3.11 (FROM python:3.11 in Dockerfile)."),
    # the final stage is not python: the last python stage counts
    ("FROM python:3.11 AS build\nFROM python:3.12 AS test\nFROM gcr.io/distroless/base\n",
     "This code targets Python 3.12 (FROM python:3.12 in Dockerfile)."),
    # a registry, a digest
    (f"FROM registry.example.com:5000/library/python:3.11@sha256:{'0' * 64}\n",
     f"This code targets Python 3.11 (FROM registry.example.com:5000/library/python:3.11@sha256:{'0' * 64} in "
     "Dockerfile)."),
    # a variable without a value stays as written
    ("FROM ${REG}/python:3.11\n", "This code targets Python 3.11 (FROM ${REG}/python:3.11 in Dockerfile)."),
    # a heredoc body is not an instruction
    ("FROM python:3.12\nRUN <<EOF\nFROM python:3.9\nEOF\n",
     "This code targets Python 3.12 (FROM python:3.12 in Dockerfile)."),
    # the escape directive
    ("# escape=`\nFROM `\n  python:3.11\n", "This code targets Python 3.11 (FROM python:3.11 in Dockerfile)."),
])
def test_python_version_from_the_dockerfile(repo, dockerfile, origin):
    assert target_of(repo, dockerfile) == origin


@pytest.mark.parametrize("dockerfile, origin", [
    # kubeless' event source: "a Python 3.4 script", run by jessie's own python3
    ("FROM bitnami/minideb:jessie\nRUN install_packages python3 curl ca-certificates git\nCMD [\"python3\", \"/app.py\"]\n",
     "This code targets Python 3.4 (FROM bitnami/minideb:jessie (its python3 package) in Dockerfile)."),
    ("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl \\\n    python3 \\\n"
     "    && rm -rf /var/lib/apt/lists/*\n",
     "This code targets Python 3.10 (FROM ubuntu:22.04 (its python3 package) in Dockerfile)."),
    ("FROM debian:bullseye-slim AS base\nFROM base\nRUN apt-get install -y python3-pip python3\n",
     "This code targets Python 3.9 (FROM debian:bullseye-slim (its python3 package) in Dockerfile)."),
    ("FROM debian:12.5\nRUN <<EOF\napt-get update\napt-get -y --no-install-recommends install python3\nEOF\n",
     "This code targets Python 3.11 (FROM debian:12.5 (its python3 package) in Dockerfile)."),
])
def test_python_version_from_the_distribution_s_python3(repo, dockerfile, origin):
    write_files(repo, {"Dockerfile": dockerfile})
    found = findings(lint(repo, "app.py", "import imp\n"), "PY")  # (deprecated since 3.4, removed in 3.12)
    assert [f.message.rsplit(". ", 1)[-1] for f in found] == [origin], show(found)
    # kubeless' events.py: @asyncio.coroutine is right on 3.4 (async def is a syntax error there)
    coroutine = "import asyncio\n\n@asyncio.coroutine\ndef f():\n    yield from asyncio.sleep(0.1)\n"
    found = findings(lint(repo, "events.py", coroutine), "PY")
    expected = {"3.4": [], "3.11": ["PY001"]}.get(origin.split("Python ", 1)[1].split(" ", 1)[0], ["PY002"])
    assert [f.rule_id for f in found] == expected, show(found)  # (removed in 3.11: an error from there)


@pytest.mark.parametrize("dockerfile", [
    # python3 not installed from the distribution (pyenv, a venv's, a later python3.12 package), or
    # a release nobody knows
    "FROM ubuntu:22.04\nRUN curl https://pyenv.run | bash\n",
    "FROM ubuntu:22.04\nRUN apt-get install -y python3.12\n",
    "FROM ubuntu:22.04\nRUN echo python3 > /x\nRUN apt-get install -y curl\n",
    "FROM debian:sid\nRUN apt-get install -y python3\n",
    # a builder stage's python3 says nothing of the final stage's; a removal is no install
    "FROM ubuntu:18.04 AS build\nRUN apt-get install -y python3\nFROM debian:bookworm-slim\nCOPY --from=build /x /x\n",
    "FROM ubuntu:22.04\nRUN apt-get purge -y python3\n",
    "FROM ubuntu\nRUN apt-get install -y python3\n",
    "FROM alpine:3.20\nRUN apk add python3\n",
])
def test_no_python_version_from_a_distribution(repo, dockerfile):
    assert target_of(repo, dockerfile).startswith("No target Python version was found")


@pytest.mark.parametrize("dockerfile", [
    "FROM python:latest\n", "FROM python\n", "FROM node:20\n", "FROM python:${PY}\n", "# escape=x\nFROM python:3.9\n",
    "", "RUN echo\n",
])
def test_no_python_version_in_the_dockerfile(repo, dockerfile):
    assert target_of(repo, dockerfile).startswith("No target Python version was found")


def test_dockerfile_variants_and_order(repo):
    """Dockerfile first, then Containerfile, then the others by name; a folder is skipped."""
    write_files(repo, {"b.Dockerfile": "FROM python:3.10\n", "Containerfile": "FROM python:3.11\n"})
    (repo / "Dockerfile").mkdir()
    found = findings(lint(repo, "app.py", CGI), "PY")
    assert found[0].message.endswith("This code targets Python 3.11 (FROM python:3.11 in Containerfile).")


def test_python_version_from_a_build_folders_dockerfile_that_copies_the_package(repo):
    # clearml-server's docker/build/Dockerfile: FROM python:3.9-slim-bookworm, COPY apiserver
    # /opt/clearml/apiserver; a Dockerfile that copies another folder says nothing of apiserver's
    write_files(repo, {"docker/build/Dockerfile": "FROM python:3.9-slim-bookworm\nCOPY ./apiserver /opt/clearml/apiserver\n",
                       "docker/other/Dockerfile": "FROM python:3.13\nCOPY webserver /app\n"})
    found = findings(lint(repo, "apiserver/services/tasks.py", UTCNOW), "PY")
    assert found == []  # (utcnow is deprecated from 3.12)
    found = findings(lint(repo, "apiserver/app.py", "import imp\n"), "PY")
    assert found[0].message.endswith("This code targets Python 3.9 (FROM python:3.9-slim-bookworm in"
                                     " docker/build/Dockerfile, which copies apiserver/).")
    assert str(repo / "docker/build/Dockerfile") in found_deps(repo, "apiserver/app.py")
    found = findings(lint(repo, "webserver/app.py", "import imp\n"), "PY")
    assert found[0].message.endswith("(FROM python:3.13 in docker/other/Dockerfile, which copies webserver/).")
    assert "No target Python version was found" in findings(lint(repo, "tools/app.py", CGI), "PY")[0].message


def test_python_version_from_the_workflows_setup_python(repo):
    # metalk8s' build job: actions/setup-python with python-version "3.10" runs the buildchain; a
    # matrix's list counts by its lowest, PyPy's versions do not
    flow = ("jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: \"3.12\"\n")
    matrix = ("jobs:\n  test:\n    strategy:\n      matrix:\n        python-version:\n          - \"3.10\"\n"
              "          - \"3.13\"\n          - pypy-3.9\n    steps:\n      - uses: actions/setup-python@v5\n"
              "        with:\n          python-version: ${{ matrix.python-version }}\n")
    write_files(repo, {".github/workflows/build.yaml": flow})
    found = findings(lint(repo, "buildchain/iso.py", UTCNOW), "PY")
    assert [f.message.split(". ", 1)[-1] for f in found] == [
        "This code targets Python 3.12 (python-version \"3.12\" in .github/workflows/build.yaml)."]
    assert str(repo / ".github/workflows/build.yaml") in found_deps(repo, "buildchain/iso.py")
    write_files(repo, {".github/workflows/test.yml": matrix})
    pychecks.clear_caches()
    assert findings(lint(repo, "buildchain/iso.py", UTCNOW), "PY") == []  # 3.10: utcnow not yet deprecated
    assert findings(lint(repo, "buildchain/other.py", "from collections import Mapping\n"), "PY")[0].message.endswith(
        '(python-version "3.10" in .github/workflows/test.yml).')
    # Tautulli's publish-installers.yml: the version through the workflow's env
    os.remove(repo / ".github/workflows/test.yml")
    os.remove(repo / ".github/workflows/build.yaml")
    write_files(repo, {".github/workflows/publish.yml": flow.replace('"3.12"', "${{ env.PYTHON_VERSION }}").replace(
        "jobs:", "env:\n  PYTHON_VERSION: '3.11'\njobs:")})
    pychecks.clear_caches()
    assert findings(lint(repo, "buildchain/third.py", "import imp\n"), "PY")[0].message.endswith(
        '(python-version "3.11" in .github/workflows/publish.yml).')


def test_python_version_from_ruffs_own_configuration(repo):
    # brunovlucena's homelab: the top's ruff.toml says target-version = "py311" for the files below it
    # that no Dockerfile above says otherwise of (its pos-edge images are FROM python:3.12-slim); a
    # .ruff.toml beside it wins, as in ruff, and a pyproject.toml's requires-python nearer comes first
    write_files(repo, {"ruff.toml": 'line-length = 100\ntarget-version = "py311"\n'})
    assert findings(lint(repo, "agent/src/shared/types.py", UTCNOW), "PY") == []  # 3.11: utcnow not yet deprecated
    assert str(repo / "ruff.toml") in found_deps(repo, "agent/src/shared/types.py")
    write_files(repo, {".ruff.toml": 'target-version = "py312"\n'})
    pychecks.clear_caches()
    assert [f.message.split(". ", 1)[-1] for f in findings(lint(repo, "agent/src/shared/types.py", UTCNOW), "PY")] == [
        'This code targets Python 3.12 (target-version "py312" in .ruff.toml).']
    write_files(repo, {"pos/Dockerfile": "FROM python:3.12-slim\nCOPY src/ /app/\n"})
    pychecks.clear_caches()
    assert [f.message.split(". ", 1)[-1] for f in findings(lint(repo, "pos/src/handler.py", UTCNOW), "PY")] == [
        "This code targets Python 3.12 (FROM python:3.12-slim in pos/Dockerfile)."]
    write_files(repo, {".ruff.toml": 'target-version = "py311"\n'})
    pychecks.clear_caches()
    assert len(findings(lint(repo, "pos/src/handler.py", UTCNOW), "PY")) == 1
    # pos-edge's src/shared/, which the images beside it copy (src/command_center/Dockerfile: FROM
    # python:3.12-slim, COPY shared/ ./shared/): theirs; a folder no sibling image copies, ruff's
    write_files(repo, {"edge/src/api/Dockerfile": "FROM python:3.12-slim\nCOPY shared/ ./shared/\nCOPY api/ ./api/\n",
                       "edge/src/web/Dockerfile": "FROM node:22\nCOPY web/ ./web/\n"})
    pychecks.clear_caches()
    assert [f.message.split(". ", 1)[-1] for f in findings(lint(repo, "edge/src/shared/types.py", UTCNOW), "PY")] == [
        "This code targets Python 3.12 (FROM python:3.12-slim in edge/src/api/Dockerfile, which copies shared/)."]
    assert findings(lint(repo, "other/src/shared/types.py", UTCNOW), "PY") == []
    write_files(repo, {"agent/pyproject.toml": '[project]\nname = "a"\nrequires-python = ">=3.10"\n'})
    pychecks.clear_caches()
    assert findings(lint(repo, "agent/src/shared/types.py", UTCNOW), "PY") == []


def test_a_workflow_without_setup_python_says_nothing_of_the_version(repo):
    write_files(repo, {".github/workflows/go.yml": "jobs:\n  b:\n    steps:\n      - uses: actions/setup-go@v5\n"
                                                  "        with:\n          go-version: \"1.22\"\n"
                                                  "      - run: echo python-version: 3.9\n"})
    found = findings(lint(repo, "app.py", CGI), "PY")
    assert [f.rule_id for f in found] == ["PY001"]
    assert "No target Python version was found" in found[0].message


def test_without_a_target_a_deprecation_is_reported_only_where_every_supported_python_has_it(repo):
    # cedarwud/ntn-stack: utcnow (deprecated in 3.12) in code its python:3.11-slim images run
    # through volumes, no version said anywhere archlint reads: 37 PY002 judged wrong readings
    assert findings(lint(repo, "app.py", UTCNOW), "PY") == []
    # deprecated in 3.10: every supported Python warns
    found = findings(lint(repo, "app.py", "import threading\n\nthreading.currentThread()\n"), "PY")
    assert [f.message for f in found] == [
        "`threading.currentThread` is deprecated since Python 3.10: the camelCase alias is deprecated; "
        "current_thread is the same function. "
        "No target Python version was found (python-version, "
        "requires-python, ruff's target-version, .python-version, a Dockerfile FROM python:3.X, or a workflow's "
        "setup-python), so the newest is assumed."]
    # a target that has it
    write_files(repo, {"pyproject.toml": "[project]\nname = 'x'\nrequires-python = '>=3.12'\n"})
    found = findings(lint(repo, "app.py", UTCNOW), "PY")
    assert [f.rule_id for f in found] == ["PY002"] and "This code targets Python 3.12" in found[0].message
    assert "datetime.datetime.now(tz=datetime.timezone.utc)" in (found[0].hint or "")


DISTUTILS = "from distutils.core import Command\n"


def test_distutils_in_what_setup_py_runs_is_setuptools_own(repo):
    # binderhub: setup.py imports versioneer.py, whose get_cmdclass() imports distutils; pip
    # builds a setup.py project with setuptools, whose distutils that is
    setup = "from distutils.core import setup\nimport versioneer\nsetup()\n"
    write_files(repo, {"versioneer.py": DISTUTILS, "pkg/app.py": DISTUTILS, "tools.py": DISTUTILS})
    assert findings(lint(repo, "setup.py", setup), "PY") == []
    assert findings(lint(repo, "versioneer.py", DISTUTILS), "PY") == []
    # the package's own modules, and a module beside setup.py that it does not import, run
    # where the package is installed: setuptools need not be there
    assert [f.rule_id for f in findings(lint(repo, "pkg/app.py", DISTUTILS), "PY")] == ["PY001"]
    assert [f.rule_id for f in findings(lint(repo, "tools.py", DISTUTILS), "PY")] == ["PY001"]
    # a module setup.py ships (and imports for its version) runs where the package is installed
    write_files(repo, {"setup.py": 'from mytool import __version__\nsetup(py_modules=["mytool"])\n'})
    assert [f.rule_id for f in findings(lint(repo, "mytool.py", DISTUTILS), "PY")] == ["PY001"]
    write_files(repo, {"setup.py": setup})
    # the setup.py read is an input of the module's result
    assert str(repo / "setup.py") in found_deps(repo, "versioneer.py")


# ---- the walk up --------------------------------------------------------------------------------


def test_the_walk_stops_at_the_repository_root(tmp_path):
    write_files(tmp_path, {"Dockerfile": "FROM python:3.11\n"})  # above the repository: not read
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    found = findings(lint(repo, "pkg/app.py", CGI), "PY")
    assert found[0].message.endswith("so the newest is assumed.")
    assert str(tmp_path / "Dockerfile") not in found_deps(repo, "pkg/app.py")


def test_the_walk_stops_at_the_configuration_folder(repo):
    write_files(repo, {"Dockerfile": "FROM python:3.11\n", "sub/pyproject.toml": "[tool.archlint]\n"})
    inside = Settings(root=str(repo / "sub"))
    found = findings(lint(repo, "sub/pkg/app.py", CGI, inside), "PY")
    assert found[0].message.endswith("so the newest is assumed.")
    pychecks.clear_caches()
    found = findings(lint(repo, "sub/pkg/app.py", CGI), "PY")
    assert found[0].message.endswith("(FROM python:3.11 in Dockerfile).")


def test_the_walk_goes_to_the_filesystem_root_without_a_repository(tmp_path):
    write_files(tmp_path, {"Dockerfile": "FROM python:3.11\n"})
    found = findings(lint(tmp_path, "a/b/app.py", CGI), "PY")
    # the filesystem's root is no repository root: the file is named from the working directory,
    # else by its absolute path (never as a relative-looking "tmp/.../Dockerfile")
    shown = os.path.relpath(tmp_path / "Dockerfile")
    if shown.startswith(".."):
        shown = str(tmp_path / "Dockerfile")
    assert found[0].message.endswith(f"(FROM python:3.11 in {shown.replace(os.sep, '/')}).")


# ---- what a result reports as read --------------------------------------------------------------


def found_deps(root: Path, name: str, settings: Settings | None = None) -> list[str]:
    return list(lint_file(str(root / name), name, settings or Settings(), kind="python").deps or ())


def test_every_project_file_read_is_reported(repo):
    write_files(repo, {
        "pyproject.toml": '[project]\nname = "x"\n',
        "requirements.txt": "-r reqs/base.in\n-c constraints/pins.txt\nrequests\n",
        "reqs/base.in": "numpy<2\n",
        "constraints/pins.txt": "numpy==1.26.4\n",
        "requirements/dev.txt": "pytest\n",
        "requirements/README.md": "not read\n",
        "Dockerfile": "FROM python:3.12\n",
        "Containerfile.dev": "FROM python:3.13\n",
        "app/clock.py": UTCNOW,
    })
    r = str(repo)
    assert found_deps(repo, "app/clock.py") == [
        # the Python version: the folders walked, the pyproject.toml (no requires-python), the
        # first Dockerfile (it names a version: Containerfile.dev is not read)
        f"{r}/app", r, f"{r}/pyproject.toml", f"{r}/Dockerfile",
        # the pins: the requirements/ folder and its .txt files, requirements.txt and what it
        # includes, with their folders
        f"{r}/requirements", f"{r}/requirements/dev.txt", f"{r}/requirements.txt",
        f"{r}/reqs", f"{r}/reqs/base.in", f"{r}/constraints", f"{r}/constraints/pins.txt",
    ]


def test_a_remembered_fact_is_reported_by_every_file_that_uses_it(repo):
    write_files(repo, {"requirements.txt": "numpy<2\n", "pkg/a.py": UTCNOW, "pkg/b.py": UTCNOW})
    a = found_deps(repo, "pkg/a.py")
    b = found_deps(repo, "pkg/b.py")  # from the memo
    assert a == b and str(repo / "requirements.txt") in b and str(repo / "pkg") in b


def test_a_sibling_module_check_reports_the_folders(repo):
    write_files(repo, {"imp.py": "X = 1\n", "pkg/uses.py": "import imp\n"})
    deps = found_deps(repo, "pkg/uses.py", Settings(python_version="3.12"))
    assert str(repo / "pkg") in deps and str(repo) in deps


def test_a_file_without_a_candidate_reads_nothing(repo):
    write_files(repo, {"requirements.txt": "numpy<2\n", "app.py": "import os\n\nprint(os.sep)\n"})
    assert found_deps(repo, "app.py") == []


def test_a_configured_version_reads_no_dockerfile(repo):
    write_files(repo, {"Dockerfile": "FROM python:3.12\n", "app.py": UTCNOW})
    deps = found_deps(repo, "app.py", Settings(python_version="3.12"))
    assert str(repo) in deps and str(repo / "Dockerfile") not in deps


def test_a_changed_project_file_is_read_again_without_a_new_run(repo):
    """A host that lints again without registry.new_run still sees the project as it is now."""
    write_files(repo, {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.11"\n'})
    assert [f.rule_id for f in findings(lint(repo, "app.py", CGI), "PY")] == ["PY002"]
    write_files(repo, {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.13"\n'})
    st = (repo / "pyproject.toml").stat()
    os.utime(repo / "pyproject.toml", ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))
    assert [f.rule_id for f in findings(lint(repo, "app.py", CGI), "PY")] == ["PY001"]


# ---- the result cache follows them --------------------------------------------------------------


@pytest.fixture
def cached(repo, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(C, "RACY_NS", 0)
    return repo


def _later(path: Path, text: str | None = None) -> None:
    if text is not None:
        path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))


def _stored(root: Path, name: str) -> bool:
    return C.Cache.open().get(str(root / name), name, Settings()) is not None


def _put(root: Path, name: str) -> None:
    pychecks.clear_caches()  # a new run
    c = C.Cache.open()
    p = str(root / name)
    assert c.get(p, name, Settings()) is None
    c.put(p, name, Settings(), lint_file(p, name, Settings()))
    c.close()


@pytest.mark.parametrize("change", ["include", "dockerfile", "sibling", "requirements-folder"])
def test_a_python_result_is_linted_again_when_what_it_read_changes(cached, change):
    root = cached
    write_files(root, {
        "requirements.txt": "-r base.in\n",
        "base.in": "numpy<2\n",
        "requirements/dev.txt": "pytest\n",
        "Dockerfile": "FROM python:3.12\n",
        "app/clock.py": UTCNOW + "import imp\n",
    })
    for p in ("base.in", "requirements.txt", "requirements/dev.txt", "requirements", "Dockerfile", "app", "."):
        _later(root / p)
    _put(root, "app/clock.py")
    assert _stored(root, "app/clock.py")
    if change == "include":
        _later(root / "base.in", "numpy>=2\n")
    elif change == "dockerfile":
        _later(root / "Dockerfile", "FROM python:3.13\n")
    elif change == "sibling":
        (root / "app" / "imp.py").write_text("")
        _later(root / "app")
    else:
        _later(root / "requirements" / "dev.txt", "pytest<8\n")
    assert not _stored(root, "app/clock.py")



def test_cached_result_follows_nested_requirements_includes_of_any_name(tmp_path, monkeypatch):
    """pip-tools' ``.in`` files including each other: the files the rules read are the files
    the cache checks (issue 17: an include inside a file not ending in .txt was not tracked,
    and a cached PY002 outlived the pin that made it PY001)."""
    repo = tmp_path / "repo"
    write_files(repo, {
        "requirements.txt": "-r base.in\n",
        "base.in": "-r pins.in\n",
        "pins.in": "pandas<2\n",
        "app.py": "import pandas as pd\ndf = pd.read_csv('x')\ndf = df.append(df)\n",
    })
    (repo / ".git").mkdir()
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(C, "RACY_NS", 0)
    monkeypatch.chdir(repo)
    app, s = str(repo / "app.py"), Settings()
    fr = lint_file(app, "app.py", s)
    assert [f.rule_id for f in fr.findings] == ["PY002"]
    c = C.Cache.open()
    assert c.get(app, "app.py", s) is None
    c.put(app, "app.py", s, fr)
    c.close()
    assert C.Cache.open().get(app, "app.py", s) is not None
    (repo / "pins.in").write_text("pandas>=2\n")
    st = (repo / "pins.in").stat()
    os.utime(repo / "pins.in", ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))
    assert C.Cache.open().get(app, "app.py", s) is None
    pychecks.clear_caches()
    assert [f.rule_id for f in lint_file(app, "app.py", s).findings] == ["PY001"]
