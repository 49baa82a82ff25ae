"""Configuration: ``[tool.archlint]`` in pyproject.toml or the top level of ``.archlint.toml``.

The nearest configuration file walking up from each linted file wins (like ruff; files are not
merged).  Command-line flags override it.  A bad key or value raises ConfigError naming the
file, the key and what is allowed; the CLI turns that into exit code 2.
"""
from __future__ import annotations

import os
import re

from . import platforms as plat
from .model import Severity

CONFIG_FILES = (".archlint.toml", "archlint.toml", "pyproject.toml")
DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024
#: a release's published files, kept as its record (kserve's install/v0.6.0/ ... install/v0.17.0/):
#: what users of that release applied; a fix is a new release, not an edit there.  Each names
#: one folder (``path_matches`` never lets their ``*`` reach across folders)
#: (devlake's releases/lake-v0.9.0, lake-v0.10.0-beta1: a name ending in a digit, not app-v1.2.3.yaml);
#: one that holds a Dockerfile is a build per version (hknarutofk's 7.10.2/): walked (``discovery``)
SNAPSHOT_GLOBS = ("v[0-9]*.[0-9]*.[0-9]*", "[0-9]*.[0-9]*.[0-9]*", "*-v[0-9]*.[0-9]*.[0-9]", "*-v[0-9]*.[0-9]*.[0-9]*[0-9]")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", "vendor", "third_party", "dist",
    # installed Python packages (a committed environment not named venv: ``env/lib/python3.9/site-packages``;
    # a folder ``pip install --target`` filled is told by its ``*.dist-info`` folders: ``discovery``)
    "site-packages", "dist-packages",
    # copies of other projects' code (pip's and metaflow's _vendor/, xinference's thirdparty/)
    "_vendor", "vendored", "thirdparty",
    # Python's build output (setuptools' copies of a package's sources); not ``build`` itself: the Go
    # project layout keeps Dockerfiles and CI scripts there (build/package), and build output is
    # git-ignored (gatekeeper's cmd/build/helmify/static, the source of its charts)
    "**/build/lib", "**/build/lib.*", "**/build/bdist.*", "**/build/temp.*", "**/build/scripts-*",
    "_archived", "archived",  # kept for history, not maintained (kubernetes/examples' _archived/)
    # (Troubladore's deprecated/, "not part of the active platform", its CI's ignore_paths too;
    # ntn-stack's archive/, xunholy's .archive/: 13 findings judged, all wrong readings); a Python
    # package of that name (``__init__.py``) is live code: linted (``PACKAGE_NAMED``)
    "archive", "Archive", ".archive", "deprecated",
    # (pexcn's and nfq's _deprecated/, which their CI leaves out: "End of Life (EOL) and no longer actively maintained")
    "_deprecated", "_archive",
    # (dirtycajunrice's .archived/, which its Renovate and Argo CD ApplicationSets leave out: 3 judged wrong)
    ".archived",
    # (shaman007/home-k3s' DEPRECATED/, "everything that is not in use": its Renovate's ignorePaths
    # and its CI's manifest list leave it out too; 11 judged wrong)
    "DEPRECATED", "Deprecated",
    # design proposals: documents of a decision, their manifests its illustration at the time
    # (velero's design/CLI/PoC with CRDs of apiextensions v1beta1, kubeflow's proposals/)
    "design", "designs", "proposals", "keps", "enhancements", "rfcs",
    *SNAPSHOT_GLOBS,
    # Docusaurus' frozen copy of the docs of each release (woodpecker's
    # docs/versioned_docs/version-3.17/): a release's record, as the snapshots above
    "versioned_docs",
    # Jekyll's generated site, a copy of the sources (collabnix/dockerlabs commits it whole)
    "_site",
)

#: Folders of tests and their input (Go's ``testdata`` (and ``testdata2``..., ``_testdata``, ``test_data``), Jest's ``__fixtures__``, ``test_files`` (polaris' audit cases),
#: ``testcases`` (kubectl-validate's manifests, each run through the validator by its Go tests),
#: Rails' and pytest's ``fixtures``, Go's ``fake`` and ``mocks`` test doubles (linkerd's ``fake/data`` manifests,
#: litmus' ``model/mocks/*.yaml`` workflows its unit tests read), and
#: ``test``/``tests``/``test-*``/``test_*``/``*-tests``/``e2e``/``functests``/``integrationtest``
#: (``integration-tests``...) folders (kserve's ``config/overlays/test-modelcache``, kompose's
#: ``script/test_in_container``, nginx's ``perf-tests``, directpv's ``functests``; not
#: ``testing``, also an environment's overlay): test pipelines such as
#: Tekton's ``tests/run.yaml``, e2e manifests and test images): what tests feed the code under
#: test or run it with, not deployments, so a walk leaves them out like ``exclude`` does (named on
#: the command line, a fixture folder or a file in one is linted).  ``--show-files`` lists them.
#: While fixtures are left out, a folder named ``integration`` that holds Go tests (``*_test.go``)
#: is one too (``discovery``): an overlay of that name is an environment's, not a test's; so is a
#: YAML or JSON file named like a Go test (``knative_test_yaml.yaml``) beside Go tests, and a
#: checker's test case named for its verdict beside its twin (datree's ``fail.yaml``/``pass.yaml``).
#: Also Jest's ``__tests__`` (metalk8s' ``__TESTS__`` CRDs its spec reads), a hidden ``.test-fixtures`` (package-operator's generated package cases) and Maven's
#: ``src/it``, the invoker plugin's integration-test projects, each built and compared with its
#: ``expected/`` output by the plugin's tests (jkube's ``gradle-plugin/it/src/it/*/``).
DEFAULT_FIXTURES = ("testdata", "testdata[0-9]", "fixtures", "__fixtures__", "test-fixtures", "testfiles", "testcases",
                    "testfiles-*", "test[-_]files", "_testdata", "test_data", "test-data", "fake", "fakes", "mock", "mocks",
                    "test", "tests", "test[-_]*", "*[-_]tests", "e2e", "functest", "functests",
                    "integrationtest", "integrationtests", "integration[-_]test", "integration[-_]tests",
                    "e2etest", "e2etests", "*[-_]e2etest", "*[-_]e2etests",  # (tracetest's testing/cli-e2etest)
                    ".test-fixtures", "**/src/it", "__tests__", "__TESTS__")
#: Default excludes that name folders of hand-written files (archived code): a walk that skips
#: one that holds lintable files says so (``discovery.discover(hidden=...)``, ``--show-files``).
AUTHORED_EXCLUDES = ("_archived", "archived", "archive", "Archive", ".archive", "deprecated", "_deprecated", "_archive",
                     "DEPRECATED", "Deprecated", ".archived")
#: Default excludes a Python package may be named (``archive``, the ``Deprecated`` library's
#: ``deprecated``): a folder of that name holding ``__init__.py`` is left in the walk
PACKAGE_NAMED = ("archive", "Archive", "deprecated", "Deprecated", "DEPRECATED")

_RULE_SELECTOR = re.compile(r"^(ALL|[A-Z][A-Z0-9]*)$")
_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")


class ConfigError(Exception):
    def __init__(self, path: str | None, key: str | None, message: str):
        where = path or "command line"
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")
        self.path, self.key, self.message = path, key, message


_FIELDS = {
    "platforms": (),  # tuple[platforms.Platform, ...]
    "select": (),  # empty: the default set
    "ignore": (),
    "extend_select": (),
    "severity": (),  # ((selector, Severity), ...)
    "exclude": DEFAULT_EXCLUDE,
    "extend_exclude": (),
    "fixtures": DEFAULT_FIXTURES,
    "extend_fixtures": (),
    "per_file_ignores": (),  # ((glob, (selector, ...)), ...)
    "kubernetes_version": None,
    "python_version": None,
    "rule_packs": (),
    "max_file_size": DEFAULT_MAX_FILE_SIZE,
    "markdown": True,
    "helm_values": (),  # extra Helm values files, globs relative to each chart's folder
    "insecure_registries": (),  # registry hosts reached without TLS verification (archlint lock, --online)
    "registry_timeout": 10.0,  # seconds a registry request may take (archlint lock, --online)
    "config_path": None,  # the file these came from
    "root": "",  # the folder of that file (globs are relative to it)
    "origins": (),  # ((field, where it was set), ...), later entries win: see Settings.origin
}
_VALUES = tuple(k for k in _FIELDS if k != "origins")  # what equality compares


class Settings:
    """The settings that apply to one file.  Immutable: derive new ones with ``replace``."""

    __slots__ = tuple(_FIELDS)

    def __init__(self, **kw):
        for k, default in _FIELDS.items():
            object.__setattr__(self, k, kw.pop(k, default))
        if kw:
            raise TypeError(f"unknown settings {sorted(kw)}")

    def __setattr__(self, key, value):
        raise AttributeError("Settings are immutable; use replace()")

    def __eq__(self, other):
        return type(other) is Settings and all(getattr(self, k) == getattr(other, k) for k in _VALUES)

    def __hash__(self):
        return hash(tuple(getattr(self, k) for k in _VALUES))

    def __repr__(self):
        return "Settings(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in _FIELDS if getattr(self, k) != _FIELDS[k]) + ")"

    def __reduce__(self):
        return (_make_settings, (tuple((k, getattr(self, k)) for k in _FIELDS),))

    def origin(self, key: str) -> str:
        """Where the value of ``key`` (``kubernetes-version`` or ``kubernetes_version``) came
        from: ``"default"``, ``"command line"``, or the configuration file's path (followed by
        ``[tool.archlint]`` for a pyproject.toml)."""
        field = key.replace("-", "_")
        if field not in _FIELDS:
            raise KeyError(key)
        found = "default"
        for k, where in self.origins:
            if k == field:
                found = where
        return found

    # ---- rule selection -------------------------------------------------------------------
    def rule_enabled(self, rule) -> bool:
        def hit(sels):
            return any(selects(s, rule.id) for s in sels)

        if self.select:
            on = hit(self.select)
        else:
            on = rule.enabled
        if hit(self.extend_select):
            on = True
        if hit(self.ignore):
            on = False
        return on

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        best = None
        for sel, sev in self.severity:
            if selects(sel, rule_id) and (best is None or len(sel) >= len(best[0])):
                best = (sel, sev)
        return best[1] if best else default

    def ignored_for(self, relpath: str) -> tuple[str, ...]:
        """Rule selectors switched off for this file by ``per-file-ignores``."""
        out: list[str] = []
        for pattern, ids in self.per_file_ignores:
            if path_matches(relpath, pattern):
                out.extend(ids)
        return tuple(out)

    def walk_excludes(self) -> tuple[str, ...]:
        """The globs that prune a walk: ``exclude`` + ``extend-exclude``."""
        return tuple(self.exclude) + tuple(self.extend_exclude)

    def fixture_globs(self) -> tuple[str, ...]:
        """The globs of test fixture folders a walk leaves out: ``fixtures`` + ``extend-fixtures``."""
        return tuple(self.fixtures) + tuple(self.extend_fixtures)

    def cache_key(self) -> str:
        return repr(
            (
                tuple(str(p) for p in self.platforms), self.select, self.ignore,
                self.extend_select, self.severity, self.per_file_ignores,
                self.kubernetes_version, self.python_version, self.rule_packs,
                self.max_file_size, self.markdown,
            )
        )


_MAX_CONFIG_BYTES = 16 << 20

def _make_settings(items) -> Settings:
    return Settings(**dict(items))


def replace(s: Settings, **changes) -> Settings:
    kw = {k: getattr(s, k) for k in _FIELDS}
    kw.update(changes)
    return Settings(**kw)


def selects(selector: str, rule_id: str) -> bool:
    """Whether a selector (``ALL``, a prefix such as ``DF``, an ID) covers ``rule_id``."""
    return selector == "ALL" or rule_id.startswith(selector)


_GLOB_CHARS = frozenset("*?[")


def glob_matcher(patterns):
    """``path_matches`` against many patterns at once, for the walk: plain names without ``/``
    (``.git``, ``node_modules`` — the default list) become one set lookup per path component;
    only real globs go through ``path_matches``."""
    names = frozenset(p.rstrip("/") for p in patterns if "/" not in p.rstrip("/") and not _GLOB_CHARS & set(p))
    globs = tuple(p for p in patterns if p.rstrip("/") not in names)

    def matches(relpath: str) -> bool:
        rel = relpath.replace(os.sep, "/")
        if names and not names.isdisjoint(rel.split("/")):
            return True
        return any(path_matches(rel, pat) for pat in globs)

    return matches


def path_matches(relpath: str, pattern: str) -> bool:
    """gitignore-flavoured glob: a pattern without '/' matches any path component (or the
    basename); with '/', the path from the config's folder.  ``**`` spans folders."""
    relpath = os.path.normcase(relpath.replace(os.sep, "/"))
    while relpath.startswith("./"):
        relpath = relpath[2:]
    component, whole = _glob(pattern)
    if component is not None:
        # (a release snapshot's glob names one folder: its * must not reach across folders,
        # 3rdparty/nginx-1.25.3 or v2/ubuntu22.04/python3.11 are no release's folder)
        return any(component(p) for p in relpath.split("/")) or (
            pattern not in SNAPSHOT_GLOBS and component(relpath) is not None)
    return any(m(relpath) for m in whole)


_GLOBS: dict = {}


def _glob(pattern: str):
    """The pattern's matchers, compiled once per process: (one for a path component or None,
    those for the whole path).  fnmatch's own cache holds 32,768 patterns, and a configuration
    with more than ~11,000 per-file-ignores (three forms each) recompiled on every lookup."""
    hit = _GLOBS.get(pattern)
    if hit is None:
        from fnmatch import translate

        pat = os.path.normcase(pattern.rstrip("/"))
        if "/" not in pat:
            hit = (re.compile(translate(pat)).match, ())
        else:
            pat = pat.lstrip("/")
            forms = [pat, pat + "/*"] + ([pat.replace("**/", "")] if "**/" in pat else [])
            hit = (None, tuple(re.compile(translate(f)).match for f in forms))
        _GLOBS[pattern] = hit
    return hit


# ---- loading ----------------------------------------------------------------------------------

KEYS = {
    "platforms": "a list of os/arch[/variant] strings, e.g. [\"linux/amd64\", \"linux/arm64\"]",
    "select": "a list of rule IDs or prefixes (\"DF\", \"DF001\", \"ALL\")",
    "ignore": "a list of rule IDs or prefixes",
    "extend-select": "a list of rule IDs or prefixes",
    "severity": "a table of rule ID or prefix = \"error\" | \"warning\" | \"info\"",
    "exclude": "a list of glob patterns",
    "extend-exclude": "a list of glob patterns",
    "fixtures": "a list of glob patterns (test fixture folders, not linted unless named)",
    "extend-fixtures": "a list of glob patterns",
    "per-file-ignores": "a table of glob = list of rule IDs",
    "kubernetes-version": "a version string such as \"1.29\"",
    "python-version": "a version string such as \"3.12\"",
    "rule-packs": "a list of paths to YAML rule packs",
    "max-file-size": "a size in bytes (integer)",
    "markdown": "true or false (lint shell blocks in Markdown files)",
    "helm-values": "a list of extra Helm values files, globs relative to each chart, e.g. [\"values-production.yaml\"]",
    "insecure-registries": "a list of registry hosts (host[:port]) reached without TLS verification by archlint lock "
                           "and --online, e.g. [\"registry.internal:5000\"] (loopback registries use plain HTTP anyway)",
    "registry-timeout": "seconds a registry request may take (archlint lock, --online), a number such as 10",
}


def _toml_load(path: str) -> dict:
    from .run import memo

    return memo.load(path, _toml_parse)


def _toml_parse(path: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11
        import tomli as tomllib  # type: ignore
    from .source import read_regular

    try:
        data = read_regular(path, _MAX_CONFIG_BYTES)
        if len(data) > _MAX_CONFIG_BYTES:
            raise ConfigError(path, None, f"larger than {_MAX_CONFIG_BYTES >> 20} MiB")
        return tomllib.loads(data.decode("utf-8"))
    except OSError as e:  # unreadable, or a FIFO or device (never opened to block)
        raise ConfigError(path, None, f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(path, None, f"invalid TOML: not UTF-8 (byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, None, f"invalid TOML: {e}") from None


def _str_list(path, key, value) -> tuple[str, ...]:
    """A list of strings.  In a configuration file it must be a TOML array; the command line
    and editor settings (``path`` None) may also give one comma-separated string."""
    if isinstance(value, str) and path is None:
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        what = "a string" if isinstance(value, str) else "a value"
        raise ConfigError(path, key, f"expected {KEYS[key.split('.')[0]]}, got {what} {value!r}")
    return tuple(value)


def _rule_list(path, key, value) -> tuple[str, ...]:
    return tuple(_selector(path, key, v) for v in _str_list(path, key, value))


def _selector(path, key, value: str) -> str:
    """A rule selector, upper-cased (``df001`` is DF001); one that names no rule is an error
    with the nearest known one, so that a typo never switches linting off."""
    v = value.strip().upper()
    if not _RULE_SELECTOR.match(v):
        raise ConfigError(path, key, f"{value!r} is not a rule ID or prefix (e.g. DF001, DF, ALL)")
    from . import registry

    if not registry.known_selector(v):
        near = registry.closest_selector(v)
        hint = f"did you mean {near!r}?" if near else "`archlint rules` lists them"
        raise ConfigError(path, key, f"{value!r} matches no rule ID or prefix; {hint}")
    return v


#: Kubernetes releases up to this minor version are accepted without importing the Kubernetes
#: rules (their NEWEST_RELEASE is at least this; tests/test_typos.py holds the two together)
_K8S_MINOR_FLOOR = 37
_K8S_MINOR_AHEAD = 3  # releases past the newest in the pack that are still accepted


def _kubernetes_version(path, key, value) -> str:
    """``1.N`` (or ``1.N.P``, ``v`` allowed) up to a few releases past the newest the API pack
    knows; the pack (and the Kubernetes rules) are read only for a version past
    ``_K8S_MINOR_FLOOR`` + ``_K8S_MINOR_AHEAD``."""
    v = _version_string(path, key, value)
    major, minor = (int(x) for x in v.split(".")[:2])
    if major == 1 and minor <= _K8S_MINOR_FLOOR + _K8S_MINOR_AHEAD:
        return v
    from .checks.kubernetes.apis import default_kubernetes_version

    newest = default_kubernetes_version()
    last = int(newest.split(".")[1]) + _K8S_MINOR_AHEAD
    if major == 1 and minor <= last:
        return v
    raise ConfigError(
        path, key,
        f"{value!r} is not a Kubernetes release archlint knows: expected \"1.N\" with N up to {last} "
        f"(the newest release in its data is {newest}), e.g. \"{newest}\"",
    )


def _version_string(path, key, value) -> str:
    """A ``X.Y`` or ``X.Y.Z`` version given as a string (a TOML number loses trailing zeros:
    ``3.10`` would be 3.1)."""
    if not isinstance(value, str):
        raise ConfigError(path, key, f"expected {KEYS[key]} (quoted), got {value!r}")
    v = value.strip().lstrip("vV")
    if not _VERSION.match(v):
        raise ConfigError(path, key, f"expected {KEYS[key]}, got {value!r}")
    return v


def parse_platforms(path, key, value) -> tuple:
    items: list[str] = []
    for v in _str_list(path, key, value):
        items.extend(i for i, _ in plat.split_list(v))
    out = []
    for item in items:
        try:
            p = plat.parse(item)
        except plat.PlatformError as e:
            hint = f"; did you mean {e.suggestion!r}?" if e.suggestion else ""
            raise ConfigError(path, key, f"{e.message}{hint}") from None
        if p not in out:
            out.append(p)
    return tuple(out)


def settings_from_table(table: dict, path: str | None, base: Settings | None = None) -> Settings:
    """Build Settings from a config table (keys as in the file).  Unknown keys are errors."""
    s = base or Settings()
    kw: dict = {}
    for key, value in table.items():
        if key not in KEYS:
            import difflib

            near = difflib.get_close_matches(key, KEYS, n=1)
            extra = f"; did you mean {near[0]!r}?" if near else ""
            raise ConfigError(path, key, f"unknown key (allowed: {', '.join(KEYS)}){extra}")
        if key == "platforms":
            kw["platforms"] = parse_platforms(path, key, value)
        elif key in ("select", "ignore", "extend-select"):
            kw[key.replace("-", "_")] = _rule_list(path, key, value)
        elif key in ("exclude", "extend-exclude", "fixtures", "extend-fixtures", "helm-values"):
            kw[key.replace("-", "_")] = _str_list(path, key, value)
        elif key == "rule-packs":
            base_dir = os.path.dirname(path) if path else os.getcwd()
            kw["rule_packs"] = tuple(
                os.path.normpath(os.path.join(base_dir, p)) for p in _str_list(path, key, value)
            )
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(path, key, f"expected {KEYS[key]}")
            sev = []
            for rid, level in value.items():
                rid_u = _selector(path, f"severity.{rid}", str(rid))
                try:
                    sev.append((rid_u, Severity.parse(str(level))))
                except ValueError:
                    raise ConfigError(
                        path, f"severity.{rid}", f"{level!r} is not one of error, warning, info"
                    ) from None
            kw["severity"] = tuple(sev)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(path, key, f"expected {KEYS[key]}")
            kw["per_file_ignores"] = tuple(
                (str(g), _rule_list(path, f"per-file-ignores.{g}", ids)) for g, ids in value.items()
            )
        elif key == "kubernetes-version":
            kw["kubernetes_version"] = _kubernetes_version(path, key, value)
        elif key == "python-version":
            kw["python_version"] = _version_string(path, key, value)
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(path, key, f"expected {KEYS[key]}, got {value!r}")
            kw["max_file_size"] = value
        elif key == "insecure-registries":
            kw["insecure_registries"] = _str_list(path, key, value)
        elif key == "registry-timeout":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 600:
                raise ConfigError(path, key, f"expected {KEYS[key]} (at most 600), got {value!r}")
            kw["registry_timeout"] = float(value)
        elif key == "markdown":
            if not isinstance(value, bool):
                raise ConfigError(path, key, f"expected {KEYS[key]}, got {value!r}")
            kw["markdown"] = value
    if kw.get("rule_packs"):
        _check_packs(path, kw["rule_packs"])
    if table:
        origin = _origin_label(path)
        kw["origins"] = s.origins + tuple((k, origin) for k in kw)
    if path:
        kw["config_path"] = path
        kw["root"] = os.path.dirname(path)
    return replace(s, **kw)


def _origin_label(path: str | None) -> str:
    if path is None:
        return "command line"
    if os.path.basename(path) == "pyproject.toml":
        return f"{path} [tool.archlint]"
    return path


_checked_packs: set = set()


def _check_packs(path, packs) -> None:
    """A bad user rule pack is a configuration error (exit 2), not a rule failure later."""
    todo = [p for p in packs if p not in _checked_packs]
    if not todo:
        return
    from .packs import PackError, check_user_packs

    try:
        check_user_packs(todo)
    except PackError as e:
        raise ConfigError(path, "rule-packs", str(e)) from None
    _checked_packs.update(todo)


def load_file(path: str, lenient: bool = False) -> Settings | None:
    """Settings from one config file; None if it is a pyproject.toml without [tool.archlint],
    and, found by the walk up (``lenient``), one that is no valid TOML and never names archlint (a
    cookiecutter template's ``{{cookiecutter.project_slug}}/pyproject.toml`` with its ``{% if %}``
    lines: another tool's file, which stopped the whole run of four template repositories)."""
    try:
        data = _toml_load(path)
    except ConfigError as e:
        if lenient and os.path.basename(path) == "pyproject.toml" and e.message.startswith("invalid TOML") \
                and not _names_archlint(path):
            return None
        raise
    if os.path.basename(path) == "pyproject.toml":
        table = data.get("tool", {}).get("archlint")
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(path, "tool.archlint", "must be a table")
    else:
        table = data
    return settings_from_table(table, path)


def _names_archlint(path: str) -> bool:
    """Whether a file's bytes name archlint (its ``[tool.archlint]`` table, maybe broken)."""
    from .source import read_regular

    try:
        return b"archlint" in read_regular(path, _MAX_CONFIG_BYTES)
    except OSError:
        return True


class ConfigResolver:
    """Finds the settings for each file: nearest config walking up, CLI overrides on top."""

    def __init__(self, overrides: dict | None = None, explicit: str | None = None, isolated: bool = False):
        self.overrides = overrides or {}  # config-file keys -> values, from the CLI
        self.explicit = explicit  # --config FILE: used for every file
        self.isolated = isolated  # --isolated: ignore config files
        self._by_dir: dict = {}
        self.loaded: list[str] = []  # configuration files read (pyproject.toml without a table too)

    def consulted(self) -> tuple[list[str], list[str]]:
        """(folders searched for a configuration file, files read): what the settings of this
        run depend on (archlint.run.snapshot checks them before reusing a run's report)."""
        return [d for d in self._by_dir if isinstance(d, str)], list(self.loaded)

    def for_path(self, path: str) -> Settings:
        d = os.path.dirname(os.path.abspath(path))
        return self.for_dir(d)

    def for_dir(self, d: str) -> Settings:
        hit = self._by_dir.get(d)
        if hit is not None:
            return hit
        if self.explicit or self.isolated:
            base = self._explicit_settings()
        else:
            base = None
            for name in CONFIG_FILES:
                cand = os.path.join(d, name)
                if os.path.isfile(cand):
                    self.loaded.append(cand)
                    base = load_file(cand, lenient=True)
                    if base is not None:
                        break
            if base is None:
                parent = os.path.dirname(d)
                base = self.for_dir(parent) if parent != d else self._apply(Settings())
                self._by_dir[d] = base
                return base
            base = self._apply(base)
        self._by_dir[d] = base
        return base

    def _explicit_settings(self) -> Settings:
        key = ("__explicit__",)
        if key not in self._by_dir:
            s = Settings()
            if self.explicit and not self.isolated:
                self.loaded.append(os.path.abspath(self.explicit))
                loaded = load_file(self.explicit)
                if loaded is None:
                    raise ConfigError(self.explicit, "tool.archlint", "no [tool.archlint] table")
                s = loaded
            self._by_dir[key] = self._apply(s)
        return self._by_dir[key]

    def _apply(self, s: Settings) -> Settings:
        if not self.overrides:
            return s
        ov = dict(self.overrides)
        out = settings_from_table({k: v for k, v in ov.items() if k != "severity"}, None, s)
        if "severity" in ov:
            merged = dict(s.severity)
            merged.update(settings_from_table({"severity": ov["severity"]}, None).severity)
            out = replace(out, severity=tuple(merged.items()), origins=out.origins + (("severity", _origin_label(None)),))
        return replace(out, config_path=s.config_path, root=s.root)
