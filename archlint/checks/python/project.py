"""Project facts of the Python rules, read from disk (never executed): the Python version a file
runs on and the versions its dependencies may have.

Which versions
    The Python the file runs on comes from ``python-version`` in the configuration, else, in the
    nearest folder that says one, the lower bound of ``requires-python`` or ruff's
    ``target-version`` in ``pyproject.toml``, pyenv's ``.python-version`` or App Engine's
    ``runtime: python27`` in ``app.yaml``, else the ``FROM python:3.X`` (or a Debian or Ubuntu
    release whose own ``python3`` package the final stage's chain installs: ``bitnami/minideb:jessie``,
    3.4; ``ubuntu:22.04``, 3.10) of a Dockerfile in the
    file's folder or one of its parents up to the repository root, or of one in the top's build
    folders (``docker/``, ``build/``...: ``_DOCKER_FOLDERS``) that copies the file's top-level
    folder (clearml-server's ``docker/build/Dockerfile``) or of one in a folder beside the file's that
    copies the file's folder (``src/api/Dockerfile``'s ``COPY shared/``), else ruff's ``target-version`` in its own
    ``.ruff.toml`` or ``ruff.toml`` (nearest first), else the lowest ``python-version`` the
    repository's GitHub workflows set up (``actions/setup-python``), else the newest.  A library
    entry applies when the project's ``requirements*.txt`` / ``pyproject.toml`` (the nearest
    folder that lists dependencies) allows a release at or after the entry's version, or when the library is not pinned.

What was read
    Each fact comes with the paths it was read from: the folders walked (their listings say which
    project files and sibling modules exist), the ``pyproject.toml``, ``requirements*`` /
    ``constraints*`` files and the files they include (and the folders of those), ``requirements/``
    folders and their ``.txt`` files, and the Dockerfiles opened.  The caller reports them with
    ``Context.depends_on``, so the result cache re-lints a file when one of them changes.

Files are read once per run, and facts are kept per folder with the paths they were read from
(``clear_caches``, called by ``registry.new_run``, forgets them; so does a change to one of those
paths, for a host that lints again without starting a new run).
"""
from __future__ import annotations

import os
import re

from ...discovery import find_root
from ...images import parse_image_ref
from ...kinds import kind_by_name
from ...source import read_regular, stat_signatures
from ...registry import on_new_run
from .versions import lower_minor, minor, norm_pkg, upper_bound


class Target:
    __slots__ = ("version", "origin")

    def __init__(self, version, origin: str):
        self.version = version  # (major, minor) or None for "the newest"
        self.origin = origin


class Pin:
    """The upper bound a project's requirement puts on a package."""

    __slots__ = ("upper", "inclusive", "text", "file")

    def __init__(self, upper, inclusive: bool, text: str, file: str):
        self.upper = upper  # version tuple or None
        self.inclusive = inclusive
        self.text = text
        self.file = file

    def admits(self, version: tuple) -> bool:
        """Does the requirement allow some release at or after ``version``?"""
        if self.upper is None:
            return True
        return self.upper >= version if self.inclusive else self.upper > version

    def tighter(self, other: "Pin") -> bool:
        if self.upper is None:
            return False
        if other.upper is None:
            return True
        if self.upper != other.upper:
            return self.upper < other.upper
        return not self.inclusive and other.inclusive


# ---- reading, once per run ----------------------------------------------------------------------

_listings: dict[str, frozenset] = {}
_isdir: dict[str, bool] = {}
_files: dict[tuple, object] = {}
_facts: dict[tuple, object] = {}  # key -> walk, or (fact, paths read, their signatures)


def clear_caches() -> None:
    """Forget what was read from disk (``registry.new_run`` calls it before each lint of a
    long-running host such as the language server)."""
    _listings.clear()
    _isdir.clear()
    _files.clear()
    _facts.clear()


on_new_run(clear_caches)


def _listdir(d: str) -> frozenset:
    hit = _listings.get(d)
    if hit is None:
        try:
            hit = frozenset(os.listdir(d))
        except OSError:
            hit = frozenset()
        _listings[d] = hit
    return hit


def _is_dir(path: str) -> bool:
    hit = _isdir.get(path)
    if hit is None:
        hit = _isdir[path] = os.path.isdir(path)
    return hit


def _read_text(path: str) -> str | None:
    key = ("text", path)
    if key in _files:
        return _files[key]  # type: ignore[return-value]
    try:
        data = read_regular(path, 2 * 1024 * 1024)[:2 * 1024 * 1024]
        text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")  # as open() reads text
    except OSError:  # missing, unreadable, or a FIFO/device (never opened to block)
        text = None
    _files[key] = text
    return text


def _read_toml(path: str) -> dict:
    key = ("toml", path)
    if key in _files:
        return _files[key]  # type: ignore[return-value]
    data: dict = {}
    text = _read_text(path)
    if text is not None:
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            try:
                import tomli as tomllib  # type: ignore[no-redef]
            except ModuleNotFoundError:
                tomllib = None  # type: ignore[assignment]
        if tomllib is not None:
            try:
                data = tomllib.loads(text)
            except Exception:  # a broken pyproject is reported elsewhere, if at all
                data = {}
    _files[key] = data
    return data


def _root_of(settings) -> str:
    return getattr(settings, "root", "") or ""


def _walk_up(start: str, settings) -> tuple[str, ...]:
    """The folders from ``start`` up to the repository root (discovery.find_root: the folder
    holding ``.git``) or the configuration's folder, whichever comes first; up to the filesystem
    root if neither."""
    key = ("walk", start, _root_of(settings))
    hit = _facts.get(key)
    if hit is not None:
        return hit  # type: ignore[return-value]
    probes: list[str] = []
    top = find_root(start, probes)
    found = probes[-1] == os.path.join(top, ".git")  # else find_root answers ``start``
    root = os.path.normcase(os.path.abspath(settings.root)) if _root_of(settings) else None
    out = []
    d = start
    while True:
        out.append(d)
        if (found and d == top) or (root is not None and os.path.normcase(d) == root):
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    hit = _facts[key] = tuple(out)
    return hit


def _display(path: str, settings, top: str = "") -> str:
    """``path`` relative to the configuration's folder, else the repository root, else the
    working directory; absolute if it is under none of them.  The filesystem's root, where the
    walk up ends without a repository (no ``.git``), is no repository root: the working directory
    is tried before it (``pyproject.toml``, not ``tmp/t6/self-hosted/pyproject.toml``)."""
    if top and os.path.dirname(top) == top:
        top = ""
    for base in (_root_of(settings), top, os.getcwd()):
        if base:
            try:
                rel = os.path.relpath(path, base)
            except ValueError:
                continue
            if not rel.startswith(".."):
                return rel.replace(os.sep, "/")
    return path.replace(os.sep, "/")


def _remembered(key: tuple, find, deps: list | None):
    """The fact memoised under ``key`` (``find()`` -> (fact, paths read)); its paths are added
    to ``deps`` on every call, so each file that uses the fact reports them.  A fact whose paths
    changed since it was read (a host that lints again without ``registry.new_run``) makes
    everything read from disk be forgotten and read again."""
    hit = _facts.get(key)
    if hit is not None and stat_signatures(hit[1]) != hit[2]:  # type: ignore[index]
        clear_caches()
        hit = None
    if hit is None:
        fact, paths = find()
        hit = _facts[key] = (fact, paths, stat_signatures(paths))
    if deps is not None:
        deps.extend(hit[1])  # type: ignore[index]
    return hit[0]  # type: ignore[index]


# ---- the target Python version -------------------------------------------------------------------


def python_target(abspath: str, settings, deps: list | None = None) -> Target:
    """The Python version a file runs on (see the module docstring for the order); the paths it
    was read from are added to ``deps``."""
    if getattr(settings, "python_version", None):
        where = os.path.basename(settings.config_path) if settings.config_path else "the configuration"
        return Target(minor(settings.python_version), f"python-version in {where}")
    start = os.path.dirname(os.path.abspath(abspath))
    return _remembered(("target", start, _root_of(settings)), lambda: _find_target(start, settings), deps)


def _find_target(start: str, settings) -> tuple[Target, tuple[str, ...]]:
    dirs = _walk_up(start, settings)
    read = list(dirs)
    for d in dirs:
        names = _listdir(d)
        if "pyproject.toml" in names:
            p = os.path.join(d, "pyproject.toml")
            read.append(p)
            rp = _requires_python(p)
            if rp:
                low = lower_minor(rp)
                if low is not None:
                    return Target(low, f'requires-python "{rp}" in {_display(p, settings, dirs[-1])}'), tuple(read)
            tv = _ruff_target(p)
            if tv is not None:
                return Target(tv[0], f'target-version "{tv[1]}" in {_display(p, settings, dirs[-1])}'), tuple(read)
        for n in (".python-version", "app.yaml"):
            if n in names:
                p = os.path.join(d, n)
                read.append(p)
                found = _version_file(p, n)
                if found is not None:
                    return Target(found[0], f"{found[1]} in {_display(p, settings, dirs[-1])}"), tuple(read)
    for d in dirs:
        names = sorted(
            (n for n in _listdir(d) if _DOCKERFILE_HINT.search(n) and kind_by_name(n) == "dockerfile"),
            key=lambda n: (n != "Dockerfile", n != "Containerfile", n),
        )
        for n in names:
            p = os.path.join(d, n)
            read.append(p)
            if _is_dir(p):
                continue
            found = _dockerfile_python(p)
            if found:
                v, from_text = found
                return Target(v, f"{from_text} in {_display(p, settings, dirs[-1])}"), tuple(read)
    got = _copied_in(dirs, read) if len(dirs) > 1 else None
    got = got or (_copied_by_sibling(dirs, read) if len(dirs) > 1 else None)
    if got is not None:
        (v, from_text), p, first = got
        return Target(v, f"{from_text} in {_display(p, settings, dirs[-1])}, which copies {first}/"), tuple(read)
    for d in dirs:  # ruff's own files, in the order ruff reads them: its lint target, after a Dockerfile's Python
        for n in (".ruff.toml", "ruff.toml"):
            if n in _listdir(d):
                p = os.path.join(d, n)
                read.append(p)
                tv = _ruff_target(p, own=True)
                if tv is not None:
                    return Target(tv[0], f'target-version "{tv[1]}" in {_display(p, settings, dirs[-1])}'), tuple(read)
    got = _workflow_python(dirs[-1], read) if len(dirs) > 1 or os.path.isdir(os.path.join(dirs[-1], ".git")) else None
    if got is not None:
        v, said, p = got
        return Target(v, f"{said} in {_display(p, settings, dirs[-1])}"), tuple(read)
    return Target(None, ""), tuple(read)


#: a ``python-version:`` of a workflow (``actions/setup-python``'s input, or the matrix key it is
#: given from) and the versions on its line; a block list's items on the lines after it
_PY_VERSION_KEY = re.compile(r"^([ \t]*)python-version:[ \t]*([^\n#]*)", re.M)
_PY_MINOR = re.compile(r"(?<![\w.])3\.(\d{1,2})(?![\d])")
_WORKFLOWS_READ = 64  # workflow files looked at, at most


def _workflow_python(top: str, read: list):
    """The lowest Python the repository's GitHub workflows set up (``actions/setup-python``'s
    ``python-version``, literal or the matrix list it is given): the oldest the project is tested
    on (metalk8s' build job, ``python-version: "3.10"``).  Read once per run; None when no
    workflow sets one up."""
    folder = os.path.join(top, ".github", "workflows")
    read.append(folder)
    key = ("workflows", folder)
    if key in _files:
        hit = _files[key]
        if hit is not None:
            read.append(hit[2])
        return hit
    best = None
    names = sorted(n for n in _listdir(folder) if n.endswith((".yml", ".yaml")))[:_WORKFLOWS_READ]
    for n in names:
        p = os.path.join(folder, n)
        text = _read_text(p) or ""
        if "setup-python" not in text or "python-version" not in text:
            continue
        env: dict = {}
        for m in _PY_VERSION_KEY.finditer(text):
            items = m.group(2).split(",")  # ("3.12", or a flow list: ["3.9", "pypy-3.9"])
            if not m.group(2).strip():  # a block list: the "- 3.9" lines indented below the key
                at = m.end() + 1
                for _ in range(16):  # (each line read once: the next key is after them)
                    nl = text.find("\n", at)
                    line = text[at:nl if nl >= 0 else len(text)]
                    if not line.lstrip(" \t").startswith("-") or len(line) > 256:
                        break
                    items.append(line)
                    if nl < 0:
                        break
                    at = nl + 1
            items = [_env_value(text, item, env) for item in items]
            for v in (v for item in items if "pypy" not in item for v in _PY_MINOR.finditer(item)):
                minor = int(v.group(1))
                if best is None or minor < best[0][1]:
                    best = ((3, minor), f'python-version "3.{minor}"', p)
    _files[key] = best
    if best is not None:
        read.append(best[2])
    return best


_ENV_REF = re.compile(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_ENV_SET = re.compile(r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*):[ \t]*['\"]?([^\s'\"#]{1,32})", re.M)


def _env_value(text: str, item: str, env: dict) -> str:
    """``item`` with a ``${{ env.NAME }}`` it holds replaced by the first ``NAME:`` value the
    workflow sets (Tautulli's ``env: PYTHON_VERSION: '3.13'``), else as it is; ``env`` keeps the
    workflow's names, read in one pass the first time one is asked for."""
    m = _ENV_REF.search(item)
    if m is None:
        return item
    if not env:
        env[None] = True
        for got in _ENV_SET.finditer(text):
            env.setdefault(got.group(1), got.group(2))
    return env.get(m.group(1), item)


#: the repository's folders of build files, where a Dockerfile of an image holding a package of
#: the top level lives (clearml-server's ``docker/build/Dockerfile``: ``COPY apiserver ...``)
_DOCKER_FOLDERS = ("docker", "build", "deploy", ".docker", "dockerfiles", "images", "ci")


def _copied_in(dirs: tuple, read: list):
    """((version, FROM text), Dockerfile, folder) of a Python base image whose Dockerfile, in one of
    the top's ``_DOCKER_FOLDERS`` or a folder in it, copies the top-level folder the file is in
    (``COPY apiserver /opt/clearml/apiserver``); None when none does.  The Dockerfiles are read
    once per top (32 folders each), whatever number of packages asks."""
    top = dirs[-1]
    first = os.path.relpath(dirs[0], top).replace(os.sep, "/").split("/", 1)[0]
    if first in ("", ".", ".."):
        return None
    key = ("copied-in", top)
    got = _facts.get(key)
    if got is None:
        found_by, seen = {}, []
        for sub in _DOCKER_FOLDERS:
            d = os.path.join(top, sub)
            if sub not in _listdir(top) or not _is_dir(d):
                continue
            inner = [os.path.join(d, n) for n in sorted(_listdir(d))[:32]]
            for folder in [d] + [x for x in inner if _is_dir(x)]:
                seen.append(folder)
                for n in sorted(x for x in _listdir(folder) if _DOCKERFILE_HINT.search(x) and kind_by_name(x) == "dockerfile"):
                    p = os.path.join(folder, n)
                    seen.append(p)
                    found = None if _is_dir(p) else _dockerfile_python(p)
                    for copied in _files.get(("copies", p), ()) if found else ():
                        found_by.setdefault(copied, (found, p))
        got = _facts[key] = (found_by, tuple(seen))
    found_by, seen = got
    read.extend(seen)
    hit = found_by.get(first)
    return None if hit is None else (hit[0], hit[1], first)


def _copied_by_sibling(dirs: tuple, read: list):
    """((version, FROM text), Dockerfile, folder) of a Python base image whose Dockerfile, in a
    folder beside the file's (one of the first 32), copies the file's folder from the parent
    they share (brunovlucena's ``src/command_center/Dockerfile``, ``FROM python:3.12-slim``, with
    ``COPY shared/ ./shared/`` for ``src/shared/``); None when none does.  The folders and the
    Dockerfiles are read."""
    here, parent = dirs[0], dirs[1]
    name = os.path.basename(here)
    for sub in sorted(_listdir(parent))[:32]:
        folder = os.path.join(parent, sub)
        if sub == name or not _is_dir(folder):
            continue
        read.append(folder)
        for n in sorted(x for x in _listdir(folder) if _DOCKERFILE_HINT.search(x) and kind_by_name(x) == "dockerfile"):
            p = os.path.join(folder, n)
            read.append(p)
            found = None if _is_dir(p) else _dockerfile_python(p)
            if found and name in _files.get(("copies", p), ()):
                return found, p, name
    return None


_RUFF_TARGET = re.compile(r"py(\d)(\d+)")
#: pyenv's ``.python-version`` (``3.11.4``, ``3.11``); App Engine's ``runtime: python27``
_PYENV = re.compile(r"\s*(?:cpython-)?(\d)\.(\d+)(?:\.\d+)?\s*(?:\n|$)")
_APP_ENGINE = re.compile(r"(?m)^runtime:[ \t]*[\"']?python(\d)(\d+)[\"']?[ \t]*(?:#.*)?$")


def _ruff_target(path: str, own: bool = False):
    """Ruff's ``[tool.ruff] target-version = "py311"`` (what ruff itself reads after
    ``requires-python``), or, with ``own``, the top-level one of a ``ruff.toml``: ((3, 11),
    "py311"), else None."""
    data = _read_toml(path)
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    ruff = data if own else tool.get("ruff") if isinstance(tool.get("ruff"), dict) else {}
    tv = ruff.get("target-version")
    m = _RUFF_TARGET.fullmatch(tv) if isinstance(tv, str) else None
    return ((int(m.group(1)), int(m.group(2))), tv) if m else None


def _version_file(path: str, name: str):
    """The Python a ``.python-version`` (pyenv: its first line, a version) or an App Engine
    ``app.yaml`` (``runtime: python27``) names: ((major, minor), what it says), else None."""
    text = _read_text(path) or ""
    m = _PYENV.match(text) if name == ".python-version" else _APP_ENGINE.search(text)
    if m is None:
        return None
    said = m.group(0).strip() if name == ".python-version" else f"runtime python{m.group(1)}{m.group(2)}"
    return (int(m.group(1)), int(m.group(2))), said


def _requires_python(path: str) -> str | None:
    data = _read_toml(path)
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    rp = project.get("requires-python")
    if isinstance(rp, str):
        return rp
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(deps, dict) and isinstance(deps.get("python"), str):
        return deps["python"]
    return None


# ---- files run when the project is built ---------------------------------------------------------

#: what a build of a setup.py project always has: pip builds one with setuptools (its PEP 517
#: fallback, or the project's own build-system), so setuptools' distutils is there
BUILD_PROVIDES = frozenset(("setuptools",))
_SETUP_IMPORTS = re.compile(r"^[ \t]*(?:import[ \t]+([A-Za-z_]\w*)|from[ \t]+([A-Za-z_]\w*)[ \t]+import\b)", re.M)


def build_time(abspath: str, settings, deps: list | None = None) -> bool:
    """Whether a file runs when the project is built, not when it is used: a ``setup.py``, or a
    module that the ``setup.py`` beside it imports and does not name as one it ships
    (python-versioneer's ``versioneer.py``, not ``py_modules=["mytool"]``); the setup.py read is
    added to ``deps``."""
    folder, name = os.path.split(os.path.abspath(abspath))
    if name == "setup.py":
        return True
    if not name.endswith(".py"):
        return False
    setup = os.path.join(folder, "setup.py")

    def find():
        text = (_read_text(setup) if "setup.py" in _listdir(folder) else None) or ""
        module = name[:-3]
        imported = any(module in (m.group(1), m.group(2)) for m in _SETUP_IMPORTS.finditer(text))
        # (not a module setup.py ships, py_modules=["mytool"], and reads its version from)
        shipped = re.search(r"""["']%s["']""" % re.escape(module), text) is not None
        return imported and not shipped, (folder, setup)

    return _remembered(("build", abspath), find, deps)


_DOCKERFILE_HINT = re.compile(r"dockerfile|containerfile", re.I)
_PYTHON_TAG = re.compile(r"^(\d+)\.(\d+)")


def _dockerfile_python(path: str) -> tuple[tuple[int, int], str] | None:
    """(python version, ``FROM <image>`` text) of a Dockerfile's python base image, read with the
    Dockerfile parser (not built): the final stage's image, through ``FROM <earlier stage>``,
    else the last stage whose image is ``python:3.X``.  Global ARG defaults are expanded."""
    key = ("dockerfile", path)
    if key in _files:
        return _files[key]  # type: ignore[return-value]
    found = None
    text = _read_text(path)
    if text:
        from ...parsers import ParseError, SkipFile
        from ...parsers.dockerfile import expand, from_env, parse
        from ...source import Source

        try:
            model = parse(Source(path, text, abspath=path))
        except (ParseError, SkipFile):  # an invalid escape directive, a fragment: nothing is read
            model = None
        if model is not None and model.stages:
            env = from_env(model)
            images = []
            copied = set()  # the first folder of each source a COPY/ADD takes from the context
            for st in model.stages:
                value = st.image.value if st.image is not None else ""
                images.append(expand(value, env)[0] if "$" in value else value)
                for ins in st.instructions:
                    if ins.keyword in ("COPY", "ADD") and not any(f.name == "from" for f in ins.flags):
                        copied.update(_first_folder(w.value) for w in ins.words[:-1])
            found = _python_base(images, [st.name_value for st in model.stages],
                                 lambda chain, m=model: _installs_python3(m, chain))
            _files[("copies", path)] = frozenset(copied)
    _files[key] = found
    return found


def _first_folder(source: str) -> str:
    """The first folder of a COPY source in its context (``./apiserver/x`` -> ``apiserver``)."""
    while source.startswith("./"):
        source = source[2:]
    return source.lstrip("/").split("/", 1)[0]


def _python_base(images: list[str], names: list[str | None], installs=None) -> tuple[tuple[int, int], str] | None:
    """The python version of the final stage (followed through earlier stages it is built FROM),
    else of the last stage whose image says one, else of the distribution the final stage's
    chain installs python3 from (``installs(chain)``: whether the stages of that chain do)."""
    index = {n: i for i, n in enumerate(names) if n}
    idx = len(images) - 1
    chain = [idx]  # the final stage and the stages it is built FROM
    for _ in range(len(images)):
        ref = index.get(images[idx].lower())
        if ref is None or ref >= idx:
            break
        idx = ref
        chain.append(idx)
    for image in [images[idx]] + images[::-1]:
        v = _python_version(image)
        if v is not None:
            return v, f"FROM {image}"
    v = _distro_python(images[idx], lambda: installs(chain)) if installs else None
    return (v, f"FROM {images[idx]} (its python3 package)") if v else None


#: the python3 of Debian's and Ubuntu's releases, by codename and version
_DISTRO_PYTHON = {
    "jessie": (3, 4), "8": (3, 4), "stretch": (3, 5), "9": (3, 5), "buster": (3, 7), "10": (3, 7),
    "bullseye": (3, 9), "11": (3, 9), "bookworm": (3, 11), "12": (3, 11), "trixie": (3, 13), "13": (3, 13),
    "trusty": (3, 4), "14.04": (3, 4), "xenial": (3, 5), "16.04": (3, 5), "bionic": (3, 6), "18.04": (3, 6),
    "focal": (3, 8), "20.04": (3, 8), "jammy": (3, 10), "22.04": (3, 10), "noble": (3, 12), "24.04": (3, 12),
}
_DISTROS = frozenset(("debian", "ubuntu", "bitnami/minideb", "library/debian", "library/ubuntu"))
def _installs_python3(model, chain) -> bool:
    """Whether a ``RUN`` of the stages ``chain`` installs the distribution's ``python3`` package
    (``apt-get install -y python3``, minideb's ``install_packages python3``; ``python3-pip``
    brings it too), its commands read by the shell analyser every Dockerfile rule uses."""
    from ...parsers.dockerfile import shell_body
    from ...parsers.shell import simple_commands

    for i in chain:
        for ins in model.stages[i].instructions:
            if ins.keyword != "RUN" or ins.exec_form is not None:
                continue
            for snip in [shell_body(ins)] + [h.body for h in ins.heredocs]:
                for cmd in simple_commands(snip):
                    words = [w.value for w in cmd.args if not w.value.startswith("-")]
                    if (cmd.program == "install_packages" or cmd.program in ("apt-get", "apt") and words[:1] == ["install"]) \
                            and any(w == "python3" or w.startswith("python3-") for w in words):
                        return True
    return False


def _distro_python(image: str, installs) -> tuple[int, int] | None:
    """The python3 of a Debian or Ubuntu release (``debian:bullseye-slim``, ``ubuntu:22.04``,
    ``bitnami/minideb:jessie``) when ``installs()`` (the final stage's chain installs that
    release's own python3 package): what ``python3`` runs there."""
    name, tag, _digest = parse_image_ref(image)
    if name.lower().removeprefix("docker.io/") not in _DISTROS or not tag:
        return None
    release = tag.split("-", 1)[0]
    v = _DISTRO_PYTHON.get(release) or _DISTRO_PYTHON.get(release.split(".", 1)[0] if name.endswith(
        ("debian", "minideb")) else release)
    return v if v is not None and installs() else None


def _python_version(image: str) -> tuple[int, int] | None:
    name, tag, _digest = parse_image_ref(image)
    if name.rsplit("/", 1)[-1].lower() != "python" or not tag:
        return None
    m = _PYTHON_TAG.match(tag)
    return (int(m.group(1)), int(m.group(2))) if m else None


# ---- dependency pins ----------------------------------------------------------------------------


def project_pins(abspath: str, settings, deps: list | None = None) -> dict[str, Pin]:
    """Normalized package name -> Pin, from the nearest folder (walking up) that lists
    dependencies in requirements*.txt, constraints*.txt, requirements/*.txt or pyproject.toml;
    the paths they were read from are added to ``deps``."""
    start = os.path.dirname(os.path.abspath(abspath))
    return _remembered(("pins", start, _root_of(settings)), lambda: _find_pins(start, settings), deps)


def _find_pins(start: str, settings) -> tuple[dict[str, Pin], tuple[str, ...]]:
    pins: dict[str, Pin] = {}
    dirs = _walk_up(start, settings)
    read = list(dirs)
    for d in dirs:
        reqs = _listed_requirements(d, read)
        if not reqs:
            continue
        for name, spec, text, file in reqs:
            upper, inclusive = upper_bound(spec) if spec else (None, False)
            pin = Pin(upper, inclusive, text, _display(file, settings, dirs[-1]))
            old = pins.get(name)
            if old is None or pin.tighter(old):
                pins[name] = pin
        break
    return pins, tuple(read)


def _listed_requirements(d: str, read: list) -> list[tuple[str, str, str, str]]:
    """(name, specifier, text, file) of the requirements listed in folder ``d``; the files and
    folders opened are appended to ``read``."""
    reqs: list[tuple[str, str, str, str]] = []
    for n in sorted(_listdir(d)):
        low = n.lower()
        p = os.path.join(d, n)
        if (low.startswith(("requirements", "constraints")) and low.endswith(".txt")) and not _is_dir(p):
            read.append(p)
            reqs.extend((a, b, c, p) for a, b, c in _requirements_file(p, read))
        elif low == "requirements" and _is_dir(p):
            read.append(p)
            for sub in sorted(_listdir(p)):
                if sub.lower().endswith(".txt"):
                    sp = os.path.join(p, sub)
                    read.append(sp)
                    reqs.extend((a, b, c, sp) for a, b, c in _requirements_file(sp, read))
        elif n == "pyproject.toml":
            read.append(p)
            reqs.extend((a, b, c, p) for a, b, c in _pyproject_requirements(p))
    return reqs


_REQ_LINE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_REQ_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)[\s=]+(\S+)")


def _parse_requirement(line: str) -> tuple[str, str] | None:
    """(normalized name, version specifier) of one PEP 508 requirement string."""
    line = line.split(";", 1)[0].strip()
    if not line or line.startswith(("-", ".", "/", "git+", "hg+", "svn+", "http:", "https:", "file:")):
        return None
    m = _REQ_LINE.match(line)
    if not m:
        return None
    spec = m.group(3).strip()
    if spec.startswith("@"):
        spec = ""
    spec = spec.strip("()").strip()
    return norm_pkg(m.group(1)), spec


def _requirements_file(path: str, read: list, depth: int = 0) -> list[tuple[str, str, str]]:
    """(name, specifier, original text) from a pip requirements/constraints file; the files it
    includes (``-r``/``-c``, three levels deep) and their folders are appended to ``read``."""
    out: list[tuple[str, str, str]] = []
    text = _read_text(path)
    if text is None:
        return out
    joined = text.replace("\\\n", " ")
    for raw in joined.split("\n"):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        m = _REQ_INCLUDE.match(line)
        if m:
            if depth < 3:
                inc = os.path.normpath(os.path.join(os.path.dirname(path), m.group(2)))
                read += [os.path.dirname(inc), inc]
                out.extend(_requirements_file(inc, read, depth + 1))
            continue
        line = re.split(r"\s--?[a-z]", " " + line)[0].strip()
        req = _parse_requirement(line)
        if req:
            out.append((req[0], req[1], line))
    return out


def _poetry_spec(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("version"), str):
        return value["version"]
    if isinstance(value, list):
        specs = [_poetry_spec(v) for v in value]
        specs = [s for s in specs if s]
        return specs[0] if len(specs) == 1 else ("" if specs else None)
    return None


def _pyproject_requirements(path: str) -> list[tuple[str, str, str]]:
    data = _read_toml(path)
    out: list[tuple[str, str, str]] = []

    def add_pep508(items):
        if isinstance(items, list):
            for item in items:
                if isinstance(item, str):
                    req = _parse_requirement(item)
                    if req:
                        out.append((req[0], req[1], item))

    project = data.get("project")
    if isinstance(project, dict):
        add_pep508(project.get("dependencies"))
        opt = project.get("optional-dependencies")
        if isinstance(opt, dict):
            for items in opt.values():
                add_pep508(items)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for items in groups.values():
            add_pep508(items)
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    for group in (poetry.get("group") or {}).values() if isinstance(poetry.get("group"), dict) else ():
        if isinstance(group, dict):
            tables.append(group.get("dependencies"))
    for table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            if name.lower() == "python":
                continue
            spec = _poetry_spec(value)
            if spec is None:
                continue
            if spec and spec[0].isdigit() and not any(c in spec for c in "<>=~^*,"):
                spec = "==" + spec  # Poetry: a bare version is exact
            out.append((norm_pkg(name), spec, f"{name} = {spec!r}"))
    return out


# ---- the project's own modules ------------------------------------------------------------------


def local_module(abspath: str, settings, name: str, deps: list | None = None) -> bool:
    """Is there a project module or package called ``name`` next to the file or in a parent
    folder (which an absolute import of that name would find first when run from there)?  The
    folders looked in are added to ``deps``."""
    start = os.path.dirname(os.path.abspath(abspath))

    def find():
        dirs = _walk_up(start, settings)
        for d in dirs:
            listing = _listdir(d)
            if name + ".py" in listing or (name in listing and _is_dir(os.path.join(d, name))):
                return True, dirs
        return False, dirs

    return _remembered(("local", start, _root_of(settings), name), find, deps)
