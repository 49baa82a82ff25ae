"""Which files a run lints.

Directories are walked without following symlinked folders; files git would ignore are skipped
(``.gitignore`` files from the repository's top level down, and ``.git/info/exclude``, read as
data — git itself is never run); ``exclude``/``extend-exclude`` globs prune the walk, and so do
the ``fixtures`` globs (test input folders such as ``testdata``) below each folder named on the
command line that is not itself in a fixture folder. Files named on the command line are always
linted. Only files whose name says they may be a supported kind
are returned (YAML and extension-less files are settled by content when linted).
"""
from __future__ import annotations

import os
import re

from . import kinds
from .source import read_regular

_MAX_IGNORE_FILE = 8 << 20  # an ignore file larger than this is read up to it
from .config import AUTHORED_EXCLUDES, CONFIG_FILES, PACKAGE_NAMED, SNAPSHOT_GLOBS, glob_matcher

_NAMED = frozenset(CONFIG_FILES)


class Target:
    __slots__ = ("abspath", "display", "explicit", "notice")

    def __init__(self, abspath: str, display: str, explicit: bool, notice: str | None = None):
        self.abspath = abspath
        self.display = display  # relative to the run's root, '/' separators
        self.explicit = explicit
        self.notice = notice  # why it is not linted (outside the root, symlink loop ...)


def find_root(start: str, probes: list | None = None) -> str:
    """The git top level above ``start`` (a folder holding ``.git``), else ``start``.  Every
    ``.git`` path looked for is appended to ``probes`` (for the caches: one appearing on the
    way changes the answer)."""
    d = os.path.abspath(start)
    while True:
        probe = os.path.join(d, ".git")
        if probes is not None:
            probes.append(probe)
        if os.path.exists(probe):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return os.path.abspath(start)
        d = parent


def display_path(abspath: str, root: str) -> str:
    if abspath.startswith(root) and abspath[len(root) : len(root) + 1] == os.sep and os.path.isabs(root):
        rel = abspath[len(root) + 1 :]  # the common case, without relpath's normalisation
        if os.sep + "." not in os.sep + rel:  # no "." or ".." parts to normalise
            return rel.replace(os.sep, "/")
    try:
        rel = os.path.relpath(abspath, root)
    except ValueError:
        return abspath.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def _valid_pattern(pathspec, line: str) -> bool:
    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except Exception:
        return False
    return True


class GitIgnore:
    """The .gitignore files that apply below a repository's top level, read lazily per folder."""

    def __init__(self, top: str):
        self.top = top
        self._specs: dict[str, object | None] = {}
        self._chains: dict[str, list] = {}
        self._pathspec = None
        self.tried: list[str] = []  # ignore files opened or looked for

    def _spec_for(self, d: str):
        if d in self._specs:
            return self._specs[d]
        lines: list[str] = []
        names = [os.path.join(d, ".gitignore")]
        if d == self.top:
            names.append(os.path.join(d, ".git", "info", "exclude"))
        for name in names:
            self.tried.append(name)
            try:
                data = read_regular(name, _MAX_IGNORE_FILE)
            except OSError:  # missing, unreadable, or a FIFO/device (never opened to block)
                continue
            lines.extend(data[:_MAX_IGNORE_FILE].decode("utf-8", "replace").splitlines())
        spec = None
        if any(line.strip() and not line.startswith("#") for line in lines):
            if self._pathspec is None:
                import pathspec

                self._pathspec = pathspec
            try:
                spec = self._pathspec.GitIgnoreSpec.from_lines(lines)
            except Exception:  # an invalid pattern (a lone "!" or "\\"): git skips it, and so does the walk
                spec = self._pathspec.GitIgnoreSpec.from_lines([ln for ln in lines if _valid_pattern(self._pathspec, ln)])
        self._specs[d] = spec
        return spec

    def listed(self, d: str, names) -> None:
        """The walk's listing of ``d`` (files and folders: a ``.gitignore`` that is a symlink to
        a folder is listed as one): without a .gitignore there, nothing to open."""
        if d not in self._specs and d != self.top and ".gitignore" not in names:
            self._specs[d] = None

    def _chain(self, d: str) -> list:
        """(folder, spec) of every .gitignore from the top level down to ``d`` (memoised per
        folder: the walk asks for each file of a folder in turn)."""
        hit = self._chains.get(d)
        if hit is None:
            if len(d) < len(self.top):
                return []  # above the top level: no ignore file of the repository
            if d == self.top or len(d) <= len(self.top):
                hit = []
            else:
                hit = self._chain(os.path.dirname(d))
            spec = self._spec_for(d)
            if spec is not None:
                hit = hit + [(d, spec)]
            self._chains[d] = hit
        return hit

    def ignored_by(self, abspath: str, is_dir: bool) -> str | None:
        """The folder whose ignore file decided that ``abspath`` is ignored (``--show-files``)."""
        decided = None
        for folder, spec in self._chain(os.path.dirname(abspath)):
            rel = os.path.relpath(abspath, folder).replace(os.sep, "/") + ("/" if is_dir else "")
            r = spec.check_file(rel)
            if r.include is not None:
                decided = folder if r.include else None
        return decided

    def ignored(self, abspath: str, is_dir: bool) -> bool:
        """Is ``abspath`` ignored by any .gitignore between the top level and its folder?"""
        result = False
        for folder, spec in self._chain(os.path.dirname(abspath)):
            if abspath.startswith(folder + os.sep):
                rel = abspath[len(folder) + 1 :].replace(os.sep, "/")
            else:
                rel = os.path.relpath(abspath, folder).replace(os.sep, "/")
            if is_dir:
                rel += "/"
            r = spec.check_file(rel)
            if r.include is not None:
                result = bool(r.include)
        return result


def _inside(real: str, real_root: str) -> bool:
    """Whether the resolved path ``real`` lies in the resolved root (a root reached through a
    symlink, like macOS's /tmp, still contains its files)."""
    try:
        return os.path.commonpath([real, real_root]) == real_root
    except ValueError:  # different drives on Windows
        return False


#: the record pip writes of a package it installs (``numpy-1.26.4.dist-info``)
_DIST_INFO = re.compile(r"[A-Za-z0-9_.]+-[0-9][^/]*\.dist-info$")
#: the package folders of widely used PyPI distributions: a folder holding ``_MIN_THIRD_PARTY`` of
#: them side by side is a copy of installed dependencies (Tautulli's ``lib/``: certifi, urllib3,
#: idna, requests, cherrypy, bs4...), not the project's code
_THIRD_PARTY = frozenset((
    "certifi", "urllib3", "idna", "requests", "chardet", "charset_normalizer", "dateutil", "pytz", "bs4", "jinja2",
    "markupsafe", "cherrypy", "tornado", "simplejson", "pkg_resources", "soupsieve", "html5lib", "webencodings",
    "oauthlib", "requests_oauthlib", "zipp", "importlib_metadata", "cffi", "tzlocal", "mako", "apscheduler",
    "pygments", "werkzeug", "itsdangerous", "bleach", "pyasn1", "rsa", "httplib2", "googleapiclient", "boto3",
    "botocore", "s3transfer", "jmespath", "cachetools", "wrapt", "pydantic", "pydantic_core", "annotated_types",
))
_MIN_THIRD_PARTY = 4
#: what such a folder is called (an integration library's own ``contrib/requests/``,
#: ``contrib/tornado/``... is its code: dd-trace-py)
_LIB_FOLDERS = frozenset(("lib", "libs", "deps", "extlib", "extlibs", "external", "externals", "extern", "pylib",
                          "pylibs", "python_modules", "py_modules", "modules", "packages", "site"))


def _vendored(folder: str, names) -> bool:
    """Whether a folder named for libraries holds ``_MIN_THIRD_PARTY`` well-known distributions'
    packages side by side."""
    return os.path.basename(folder).lower() in _LIB_FOLDERS and len(_THIRD_PARTY.intersection(names)) >= _MIN_THIRD_PARTY

#: names besides those of supported kinds that decide what a walk lints in their folder
_LISTED = _NAMED | {".gitignore"}


def _kind_guess(dirpath: str, fn: str):
    """The file kind a name says, as the walk asks it (a name under ``.github`` by its path)."""
    return kinds.kind_by_name(fn if "/.github/" not in "/" + dirpath.replace(os.sep, "/") + "/" else os.path.join(dirpath, fn))


def _listed(dirpath: str, fn: str, guess) -> bool:
    """Whether a file's name counts in its folder's ``listing_digest``: a supported kind, a
    configuration or ignore file, a Go test in a folder named ``integration`` (which makes it
    test fixtures: ``_Filters.keep_dir``)."""
    return guess is not None or fn in _LISTED or (fn.endswith("_test.go") or _TEST_RUNNER.match(fn) is not None) \
        and os.path.basename(dirpath) == "integration"


#: a test runner's configuration (kubeapps' ``integration/playwright.config.js``): in a folder named
#: ``integration``, what makes it integration tests as Go tests do
_TEST_RUNNER = re.compile(r"(?:(?:playwright|jest|cypress|vitest|wdio)\.conf(?:ig)?\.[cm]?[jt]s|conftest\.py|pytest\.ini)$")


def listing_digest(entries) -> str:
    """What a folder's listing says of the files a walk may lint there, as a digest of
    ``entries``: ``d:``/``dl:`` and a subfolder's name (``dl:`` a symlink to one), ``f:``/``fl:``
    and the name of a file ``_listed`` counts (``fl:`` a symlink).  An editor's swap or backup
    file, a file saved by renaming a new one over it, a build's output of another kind leave it
    as it was (archlint/run/delta.py)."""
    try:  # (the C module: hashlib would load OpenSSL)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - CPython always has it
        from hashlib import blake2b
    return blake2b("\0".join(sorted(entries)).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def folder_listing(dirpath: str) -> str | None:
    """``listing_digest`` of the folder as it is now (a subfolder as ``os.walk`` tells one: a
    symlink to a folder counts), or None when it cannot be listed or is a symlink itself."""
    if os.path.islink(dirpath):
        return None
    entries = []
    try:
        with os.scandir(dirpath) as it:
            for e in it:
                try:
                    is_dir, link = e.is_dir(), e.is_symlink()
                except OSError:
                    is_dir, link = False, False
                if is_dir:
                    entries.append(("dl:" if link else "d:") + e.name)
                elif _listed(dirpath, e.name, _kind_guess(dirpath, e.name)):
                    entries.append(("fl:" if link else "f:") + e.name)
    except OSError:
        return None
    return listing_digest(entries)


class Walk:
    """What a discovery looked at, for archlint.run.snapshot: the folders it listed (with the
    ``listing_digest`` of each), the ignore files it opened or looked for, the entries of a
    listing that other parts read by name (configuration files), and every symlink it followed
    or skipped with where it led."""

    __slots__ = ("folders", "listings", "gitignores", "named", "links")

    def __init__(self):
        self.folders: list[str] = []
        self.listings: dict[str, str] = {}
        self.gitignores: list[GitIgnore] = []
        self.named: list[str] = []  # configuration file names present in a listed folder
        self.links: list[tuple[str, str]] = []  # (symlink, its resolved path)

    @property
    def ignore_files(self) -> list[str]:
        return [p for gi in self.gitignores for p in gi.tried]


#: a data file named as Go names its tests (gloo's ``knative_test_yaml.yaml``, a
#: ``deployment_test.yaml``): the golden input or expected output of the ``*_test.go`` beside it
_GO_TEST_NAME = re.compile(r"_test(?:[_.-][^/]*)?\.(?:ya?ml|json)$", re.I)


#: a checker's test case named for the verdict it expects (datree's ``examples/*/fail.yaml`` beside
#: ``pass.yaml``, ``bad-pod.yaml`` beside ``good-pod.yaml``): the failing one breaks rules on purpose
_CASE_WORDS = {"fail": ("pass",), "failing": ("passing",), "invalid": ("valid",), "bad": ("good",),
               "pass": ("fail",), "passing": ("failing",), "valid": ("invalid",), "good": ("bad",)}
_CASE_SPLIT = re.compile(r"([._-])")


def _case_twins(name: str) -> list[str]:
    """The names of ``name``'s twin test cases (``fail.yaml`` -> ``pass.yaml``), lower-cased."""
    low = name.lower()
    if not low.endswith((".yaml", ".yml", ".json")):
        return []
    parts = _CASE_SPLIT.split(low)
    out = []
    for i, w in enumerate(parts):
        for twin in _CASE_WORDS.get(w, ()):
            out.append("".join(parts[:i] + [twin] + parts[i + 1:]))
    return out


class _Filters:
    """What leaves a folder or file out of a walk (excludes, fixtures, git's ignore files), and
    telling ``skipped``/``hidden`` about it (see ``discover``)."""

    def __init__(self, root, excludes, fixtures, skipped, hidden, walk=None):
        self.root = root
        self.walk = walk
        self.excludes = excludes
        self.fixtures = fixtures
        self.skipped = skipped
        self.hidden = hidden
        self.matcher = glob_matcher(excludes)
        self.package_names, self.others = _package_excludes(excludes)
        self.fixture_matcher = glob_matcher(fixtures) if fixtures else None
        authored = tuple(p for p in excludes if p.rstrip("/") in AUTHORED_EXCLUDES)
        self.authored_matcher = glob_matcher(authored) if authored else None
        self._go_test_folders: dict = {}  # folder -> whether it holds Go tests (``_go_tests``)
        self._listings: dict = {}  # folder -> its entries' names (``_names``)
        self._lower: dict = {}  # folder -> those names, lower-cased (``_case_pair``)

    def fixtures_below(self, ap: str):
        """The fixture matcher for a walk of the named folder ``ap``: None when ``ap`` is in a
        fixture folder itself (named on the command line, it is linted whole)."""
        fx = self.fixture_matcher
        return fx if fx is not None and not fx(display_path(ap, self.root)) else None

    def _tell(self, full: str, is_dir: bool, why: str) -> None:
        if self.skipped is not None:
            self.skipped(full, is_dir, why)

    def _excluded_dir(self, full: str) -> None:
        if self.skipped is None and self.hidden is None:
            return
        disp = display_path(full, self.root)
        why = _why_excluded(full, self.root, self.excludes)
        authored = self.authored_matcher is not None and self.authored_matcher(disp)
        # the folders looked into are part of what the run read (the whole-report snapshot checks
        # their listings: a Dockerfile added to or removed from archived/ changes the AL009 notice)
        peeked = self.walk.folders if self.walk is not None and self.hidden is not None else None
        files = authored_files(full, peeked) if authored else []
        if self.hidden is not None and files:
            self.hidden.append((disp, files))
        if files:
            shown = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
            n = len(files)
            why += (f"; it holds {n} lintable file{'s' if n != 1 else ''} ({shown}): list exclude "
                    "without it to lint them")
        self._tell(full, True, why)

    def keep_dir(self, full: str, dn: str, gi, fx, link: bool | None = None) -> bool:
        if dn == ".git":
            return False
        if self.matcher(display_path(full, self.root)) and not self._package(display_path(full, self.root)):
            self._excluded_dir(full)
            return False
        if link if link is not None else os.path.islink(full):
            self._tell(full, True, "a symlink to a folder (not followed)")
            return False
        if fx is not None and fx(display_path(full, self.root)):
            self._tell(full, True, _why_fixture(full, self.root, self.fixtures))
            return False
        if dn == ".github":
            return True
        if gi is not None and gi.ignored(full, True):
            self._tell(full, True, _why_ignored(gi, full, True, self.root))
            return False
        if fx is not None and dn == "integration" and self._go_tests(full, runners=True):
            self._tell(full, True, "test fixtures (a folder named integration that holds tests: Go's *_test.go, "
                                   "a test runner's configuration); name it to lint it")
            return False
        if fx is not None and dn == "testing" and self._go_tests_memo(os.path.dirname(full)):
            # (cloud-builders' gke-deploy/core/resource/testing/ beside resource_test.go)
            self._tell(full, True, "test fixtures (a folder named testing beside Go tests: *_test.go in the folder "
                                   "above); name it to lint it")
            return False
        return True

    def installed(self, full: str, dirnames: list, entries: list | None) -> bool:
        """Whether the walk's folder ``full`` is one ``pip install --target`` filled, told by its
        ``*.dist-info`` folders (Isaac Sim's ``pip_core_prebundle/``, numpy's own sources beside
        ``numpy-1.26.4.dist-info``): installed packages, not the project's code, left out whole
        (its listing, ``entries``, still recorded).  A folder of vendored packages (``_vendored``)
        keeps its files and loses its folders."""
        if _vendored(full, dirnames) and not any(_DIST_INFO.match(dn) for dn in dirnames):
            # its files are linted (Tautulli's own lib/certgen.py beside the packages)
            self._tell(full, True, "vendored Python packages (" + ", ".join(sorted(_THIRD_PARTY.intersection(
                dirnames))[:4]) + "... side by side: a copy of dependencies): its folders are not linted; "
                                  "name one to lint it")
            dirnames[:] = []
            return False
        if not any(_DIST_INFO.match(dn) for dn in dirnames):
            return False
        self._tell(full, True, "installed Python packages (a *.dist-info folder in it: pip install --target); "
                               "name it to lint it")
        dirnames[:] = []
        if entries is not None:
            self.walk.listings[full] = listing_digest(entries)
        return True

    def _go_tests(self, full: str, runners: bool = False) -> bool:
        """Whether the folder ``full`` holds Go test files (``*_test.go``) itself, or with
        ``runners`` a test runner's configuration (``_TEST_RUNNER``): a package of
        integration tests (tilt's ``integration/``, its manifests and Dockerfiles the tests'
        input; kubeapps' Playwright suite and the charts it installs), not an environment's overlay of that name.  A folder of more than 4,096 entries
        is not looked through (whatever order the file system lists them in, the answer is the
        same); the folder is part of what the run read."""
        found = any(n.endswith("_test.go") or runners and _TEST_RUNNER.match(n) is not None for n in self._names(full))
        if found and self.walk is not None:
            self.walk.folders.append(full)
        return found

    def _package(self, disp: str) -> bool:
        """Whether ``disp``, which an exclude matches, is matched only by names of Python packages
        (``PACKAGE_NAMED``) whose folders on its path each hold ``__init__.py``, or by a release
        snapshot's glob whose folders hold a Dockerfile: live code, walked (``_only_packages``).
        Each folder's listing is read once and is part of what the run read."""
        def names_in(folder: str):
            if self.walk is not None and folder not in self._listings:
                self.walk.folders.append(folder)
            return self._names(folder)

        return _only_packages(self.root, disp, self.package_names, self.others, names_in)

    def keep_file(self, full: str, disp: str, gi, fx) -> bool:
        if self.matcher(disp) and not self._package(disp):
            self._tell(full, False, _why_excluded(full, self.root, self.excludes))
            return False
        # (fixtures are folders: a file named test-release.yml is not one; its folder is asked)
        parent = disp.rpartition("/")[0]
        if fx is not None and parent and fx(parent):
            self._tell(full, False, _why_fixture(os.path.dirname(full), self.root, self.fixtures))
            return False
        if fx is not None and _GO_TEST_NAME.search(disp.rpartition("/")[2]) \
                and self._go_tests_memo(os.path.dirname(full)):
            self._tell(full, False, "a test's input (named *_test*, beside the Go tests that read it); "
                                    "name it to lint it")
            return False
        if fx is not None and self._case_pair(full):
            self._tell(full, False, "a checker's test case (named fail/pass, bad/good, invalid/valid beside its twin); "
                                    "name it to lint it")
            return False
        if gi is not None and gi.ignored(full, False):
            self._tell(full, False, _why_ignored(gi, full, False, self.root))
            return False
        return True

    def _case_pair(self, full: str) -> bool:
        """Whether the file has its twin test case beside it (``_case_twins``); the folder's
        listing is read once, and is part of what the run read."""
        twins = _case_twins(os.path.basename(full))
        if not twins:
            return False
        folder = os.path.dirname(full)
        if folder not in self._lower and self.walk is not None:
            self.walk.folders.append(folder)
        names = self._lower.get(folder)
        if names is None:
            names = self._lower[folder] = frozenset(n.lower() for n in self._names(folder))
        return any(t in names for t in twins)

    def _names(self, folder: str) -> tuple:
        """The names in ``folder``, read once; none for a folder of more than ``_INTEGRATION_PEEK``
        entries (what is looked for would then depend on the order the file system lists them
        in) or one that cannot be read."""
        names = self._listings.get(folder)
        if names is None:
            names = ()
            try:
                with os.scandir(folder) as it:
                    got = [e.name for _n, e in zip(range(_INTEGRATION_PEEK + 1), it)]
                names = tuple(got) if len(got) <= _INTEGRATION_PEEK else ()
            except OSError:
                pass
            self._listings[folder] = names
        return names

    def _go_tests_memo(self, folder: str) -> bool:
        memo = self._go_test_folders
        if folder not in memo:
            memo[folder] = self._go_tests(folder)
        return memo[folder]


def discover(paths: list[str], root: str, excludes: tuple[str, ...], respect_gitignore: bool = True,
             walk: Walk | None = None, skipped=None, fixtures: tuple[str, ...] = (), hidden: list | None = None):
    """Yield Targets for the given paths (files and folders); ``walk`` records what was read;
    ``skipped(abspath, is_dir, why)`` is told every folder and file of a supported name the walk
    leaves out, and why (``--show-files``).  ``fixtures``: globs of test fixture folders, left
    out below a named folder that is not in one itself.  ``hidden``: when a list, each folder an
    ``exclude`` glob of ``AUTHORED_EXCLUDES`` (``archived``) leaves out while it holds files of a
    lintable kind is appended as ``(display path, [file names])`` (for a notice: see
    ``authored_files``)."""
    seen: set[str] = set()
    gi_cache: dict[str, GitIgnore] = {}

    def gitignore_for(p: str) -> GitIgnore | None:
        if not respect_gitignore:
            return None
        top = find_root(p if os.path.isdir(p) else os.path.dirname(p))
        if not os.path.exists(os.path.join(top, ".git")):
            return None
        gi = gi_cache.get(top)
        if gi is None:
            gi = gi_cache[top] = GitIgnore(top)
            if walk is not None:
                walk.gitignores.append(gi)
        return gi

    filters = _Filters(root, excludes, fixtures, skipped, hidden, walk)
    real_root = os.path.realpath(root)
    abs_root = os.path.abspath(root)
    deferred: list = []  # (symlink, display, its real path, that path as the walk names it)

    for p in paths:
        ap = os.path.abspath(p)
        if not os.path.lexists(ap):
            yield Target(ap, display_path(ap, root), True, notice=f"{p}: no such file or directory")
            continue
        if walk is not None:
            walk.links.append((ap, os.path.realpath(ap)))
        if not os.path.isdir(ap):
            real = os.path.realpath(ap)
            if real in seen:
                continue
            seen.add(real)
            if not _inside(real, real_root):
                why = "symlink to a file" if os.path.islink(ap) else "file"
                yield Target(ap, display_path(ap, root), True,
                             notice=f"{display_path(ap, root)}: {why} outside the linted root {root} ({real}), not linted")
                continue
            yield Target(ap, display_path(ap, root), True)
            continue
        gi = gitignore_for(ap)
        fx = filters.fixtures_below(ap)
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(ap, followlinks=False, onerror=errors.append):
            yield from _unreadable(errors, root)
            entries = None  # the folder's listing_digest, for the snapshot
            if walk is not None:
                walk.folders.append(dirpath)
                for n in _NAMED.intersection(filenames) | _NAMED.intersection(dirnames):
                    walk.named.append(os.path.join(dirpath, n))
                links = {dn: os.path.islink(os.path.join(dirpath, dn)) for dn in dirnames}
                entries = [("dl:" if link else "d:") + dn for dn, link in links.items()]
            if gi is not None:
                gi.listed(dirpath, filenames + dirnames)
            if dirpath != ap and filters.installed(dirpath, dirnames, entries):
                continue
            dirnames[:] = [dn for dn in sorted(dirnames)
                           if filters.keep_dir(os.path.join(dirpath, dn), dn, gi, fx, None if entries is None else links[dn])]
            for fn in sorted(filenames):
                guess = _kind_guess(dirpath, fn)
                link = None
                if entries is not None and _listed(dirpath, fn, guess):
                    link = os.path.islink(os.path.join(dirpath, fn))
                    entries.append(("fl:" if link else "f:") + fn)
                if guess is None:
                    continue
                full = os.path.join(dirpath, fn)
                disp = display_path(full, root)
                if not filters.keep_file(full, disp, gi, fx):
                    continue
                if link if link is not None else os.path.islink(full):
                    real = os.path.realpath(full)
                    if walk is not None:
                        walk.links.append((full, real))
                    if not os.path.exists(real):
                        if skipped is not None:
                            skipped(full, False, f"a dangling symlink (to {real})")
                        continue  # dangling link: nothing to lint
                    if not _inside(real, real_root):
                        yield Target(full, disp, False,
                                     notice=f"{disp}: symlink to a file outside the linted root ({real}), not linted")
                        continue
                    # the file it leads to is linted in its own place when the walk reaches it
                    # (camel-k's Makefile -> script/Makefile): the link waits for the walk's end
                    deferred.append((full, disp, real, os.path.join(abs_root, os.path.relpath(real, real_root))))
                    continue
                if full in seen:
                    continue
                seen.add(full)
                yield Target(full, disp, False)
            if entries is not None:
                walk.listings[dirpath] = listing_digest(entries)
        yield from _unreadable(errors, root)
        for full, disp, real, mapped in deferred:
            if real in seen or mapped in seen:
                if skipped is not None:
                    skipped(full, False, f"a symlink to {display_path(real, real_root)}, linted once")
                continue
            seen.update((real, mapped))
            yield Target(full, disp, False)
        deferred.clear()


def _why_excluded(abspath: str, root: str, excludes: tuple[str, ...]) -> str:
    """Which ``exclude`` / ``extend-exclude`` glob leaves ``abspath`` out (``--show-files``)."""
    disp = display_path(abspath, root)
    for pattern in excludes:
        if glob_matcher((pattern,))(disp):
            return f"excluded by the glob {pattern!r}"
    return "excluded"


def _why_fixture(abspath: str, root: str, fixtures: tuple[str, ...]) -> str:
    """Which ``fixtures`` glob leaves ``abspath`` out (``--show-files``)."""
    disp = display_path(abspath, root)
    for pattern in fixtures:
        if glob_matcher((pattern,))(disp):
            return f"test fixtures (the fixtures glob {pattern!r}); name it to lint it"
    return "test fixtures"


#: the kinds whose files in an excluded ``archived/`` are worth a notice (hand-written build files;
#: Python and Markdown there are usually copies and old docs)
_AUTHORED_KINDS = frozenset(("dockerfile", "makefile", "shell", "compose", "kustomization"))
_AUTHORED_PEEK = 256  # folder entries looked at, at most (two levels)
_INTEGRATION_PEEK = 4096  # entries of an integration/ folder looked through, at most


def _package_excludes(excludes) -> tuple:
    """(the bare names among ``excludes`` a Python package may have, and a matcher of the release
    snapshots' globs among them or None; a matcher of the others or None): see ``_only_packages``."""
    names = frozenset(p.rstrip("/") for p in excludes if p.rstrip("/") in PACKAGE_NAMED)
    snapshots = tuple(p for p in excludes if p in SNAPSHOT_GLOBS)
    others = tuple(p for p in excludes if p.rstrip("/") not in names and p not in snapshots)
    live = (names, glob_matcher(snapshots) if snapshots else None)
    return live, (glob_matcher(others) if (names or snapshots) and others else None)


def _only_packages(root: str, rel: str, live, others, names_in) -> bool:
    """Whether the excludes match ``rel`` only through folders that are live code, each
    (``names_in(folder)``: its entries' names) a Python package of a name in ``live[0]``
    (``src/archive/`` with ``__init__.py``, not an ``archive/`` of old files), or a folder a
    release snapshot's glob (``live[1]``) matches that holds a Dockerfile (hknarutofk's
    ``7.10.2/``, built by its Makefile, beside ``7.4.2/``: one build per version, not a
    release's published manifests).  Linear in the path's length."""
    names, snapshots = live
    if not (names or snapshots) or others is not None and others(rel):
        return False
    parts = rel.split("/")
    found = False
    for i, part in enumerate(parts):
        if part in names:
            if "__init__.py" not in names_in(os.path.join(root, *parts[:i + 1])):
                return False
            found = True
        elif snapshots is not None and snapshots(part):
            if not any(kinds.kind_by_name(n) == "dockerfile" for n in names_in(os.path.join(root, *parts[:i + 1]))):
                return False
            found = True
    return found


def _entries(folder: str) -> list:
    """The names in ``folder`` (``source.folder_entries``: read once per listing)."""
    from .source import folder_entries

    return [n for n, _is_dir in folder_entries(folder)]


def left_out_by_walk(abspath: str, root: str, excludes, fixtures=()) -> bool:
    """Whether a walk from ``root`` would leave the file ``abspath`` out: it, or a folder above
    it, matches an ``exclude`` glob, or a folder above it a ``fixtures`` glob or is one pip
    installed into (a ``*.dist-info`` folder in it).  For
    ``--force-exclude``: a file named on the command line (pre-commit names every changed file)
    is then judged as the walk of ``archlint check .`` judges it."""
    rel = display_path(abspath, root)
    if rel.startswith("../") or os.path.isabs(rel):
        return False
    parts = rel.split("/")
    ex = glob_matcher(excludes) if excludes else None
    fx = glob_matcher(fixtures) if fixtures else None
    names, others = _package_excludes(excludes or ())
    for i in range(1, len(parts) + 1):
        sub = "/".join(parts[:i])
        if i < len(parts) and _installed_names(os.path.join(root, *parts[:i]), i < len(parts) - 1):
            return True  # (a folder pip installed into, or a package in a folder of vendored ones: ``_Filters.installed``)
        if ex is not None and ex(sub) and not _only_packages(root, sub, names, others, _entries) \
                or fx is not None and i < len(parts) and fx(sub):
            return True
    return False


def _installed_names(folder: str, below: bool) -> bool:
    """Whether ``folder`` is one pip installed into, or (for a file ``below`` it, in a folder of
    it) one of vendored packages."""
    names = _entries(folder)
    return any(_DIST_INFO.match(n) for n in names) or below and _vendored(folder, names)


def not_left_out(paths: list, resolver, root: str) -> list:
    """``paths`` without the files a walk leaves out by the settings that apply to each
    (``--force-exclude``, which the pre-commit hooks pass: nothing to lint when none is left, as
    ruff does); folders and ``-`` stay (a folder's walk applies them itself)."""
    out = []
    for p in paths:
        ap = os.path.abspath(p)
        if p != "-" and os.path.isfile(ap):
            s = resolver.for_path(ap)
            if left_out_by_walk(ap, root, s.walk_excludes(), s.fixture_globs()):
                continue
        out.append(p)
    return out


def authored_files(folder: str, peeked: list | None = None) -> list[str]:
    """Names (relative to ``folder``, sorted) of the files of a lintable kind by name in
    ``folder`` and its direct subfolders: what an exclude of it hides.  Looks at no more than
    ``_AUTHORED_PEEK`` entries, so a huge output folder costs no more than a small one.  The
    folders listed are appended to ``peeked`` when it is given."""
    out: list[str] = []
    budget = _AUTHORED_PEEK
    todo = [("", folder)]
    for depth in range(2):
        nxt = []
        for prefix, d in todo:
            if peeked is not None:
                peeked.append(d)
            try:
                with os.scandir(d) as it:
                    for e in it:
                        budget -= 1
                        if budget < 0:
                            return sorted(out)
                        try:
                            is_dir = e.is_dir(follow_symlinks=False)
                        except OSError:
                            continue
                        if is_dir:
                            if depth == 0 and not e.name.startswith("."):
                                nxt.append((e.name + "/", e.path))
                        elif kinds.kind_by_name(e.name) in _AUTHORED_KINDS:
                            out.append(prefix + e.name)
            except OSError:
                continue
        todo = nxt
    return sorted(out)


def _why_ignored(gi: GitIgnore, abspath: str, is_dir: bool, root: str) -> str:
    folder = gi.ignored_by(abspath, is_dir)
    if folder is None:
        return "ignored by git"
    where = display_path(os.path.join(folder, ".gitignore"), root)
    if folder == gi.top:
        where += " or .git/info/exclude"
    return f"ignored by git ({where})"


def _unreadable(errors: list, root: str):
    """A folder the walk could not list is reported, never skipped in silence."""
    while errors:
        e = errors.pop(0)
        path = os.fspath(e.filename) if e.filename is not None else root
        disp = display_path(os.path.abspath(path), root)
        yield Target(os.path.abspath(path), disp, False, notice=f"could not read folder {disp}: {e.strerror or e}")
