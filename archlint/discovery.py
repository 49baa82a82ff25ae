"""Which files a run lints.

Directories are walked without following symlinked folders; files git would ignore are skipped
(``.gitignore`` files from the repository's top level down, and ``.git/info/exclude``, read as
data — git itself is never run); ``exclude``/``extend-exclude`` globs prune the walk. Files named
on the command line are always linted. Only files whose name says they may be a supported kind
are returned (YAML and extension-less files are settled by content when linted).
"""
from __future__ import annotations

import os
from . import kinds
from .source import read_regular

_MAX_IGNORE_FILE = 8 << 20  # an ignore file larger than this is read up to it
from .config import CONFIG_FILES, glob_matcher

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
            spec = self._pathspec.GitIgnoreSpec.from_lines(lines)
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


class Walk:
    """What a discovery looked at, for archlint.run.snapshot: the folders it listed, the ignore
    files it opened or looked for, the entries of a listing that other parts read by name
    (configuration files), and every symlink it followed or skipped with where it led."""

    __slots__ = ("folders", "gitignores", "named", "links")

    def __init__(self):
        self.folders: list[str] = []
        self.gitignores: list[GitIgnore] = []
        self.named: list[str] = []  # configuration file names present in a listed folder
        self.links: list[tuple[str, str]] = []  # (symlink, its resolved path)

    @property
    def ignore_files(self) -> list[str]:
        return [p for gi in self.gitignores for p in gi.tried]


def discover(paths: list[str], root: str, excludes: tuple[str, ...], respect_gitignore: bool = True,
             walk: Walk | None = None, skipped=None):
    """Yield Targets for the given paths (files and folders); ``walk`` records what was read;
    ``skipped(abspath, is_dir, why)`` is told every folder and file of a supported name the walk
    leaves out, and why (``--show-files``)."""
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

    matcher = glob_matcher(excludes)
    real_root = os.path.realpath(root)

    def excluded(abspath: str) -> bool:
        return matcher(display_path(abspath, root))

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
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(ap, followlinks=False, onerror=errors.append):
            yield from _unreadable(errors, root)
            if walk is not None:
                walk.folders.append(dirpath)
                for n in _NAMED.intersection(filenames) | _NAMED.intersection(dirnames):
                    walk.named.append(os.path.join(dirpath, n))
            if gi is not None:
                gi.listed(dirpath, filenames + dirnames)
            keep = []
            for dn in sorted(dirnames):
                full = os.path.join(dirpath, dn)
                if dn == ".git" or excluded(full) or os.path.islink(full):
                    if skipped is not None and dn != ".git":
                        skipped(full, True, _why_excluded(full, root, excludes) if excluded(full)
                                else "a symlink to a folder (not followed)")
                    continue
                if dn == ".github":
                    keep.append(dn)
                    continue
                if gi is not None and gi.ignored(full, True):
                    if skipped is not None:
                        skipped(full, True, _why_ignored(gi, full, True, root))
                    continue
                keep.append(dn)
            dirnames[:] = keep
            for fn in sorted(filenames):
                guess = kinds.kind_by_name(fn if "/.github/" not in "/" + dirpath.replace(os.sep, "/") + "/" else os.path.join(dirpath, fn))
                if guess is None:
                    continue
                full = os.path.join(dirpath, fn)
                disp = display_path(full, root)
                if matcher(disp):
                    if skipped is not None:
                        skipped(full, False, _why_excluded(full, root, excludes))
                    continue
                if gi is not None and gi.ignored(full, False):
                    if skipped is not None:
                        skipped(full, False, _why_ignored(gi, full, False, root))
                    continue
                if os.path.islink(full):
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
                    if real in seen:
                        if skipped is not None:
                            skipped(full, False, f"a symlink to {display_path(real, real_root)}, linted once")
                        continue
                    seen.add(real)
                else:
                    seen.add(full)
                yield Target(full, disp, False)
        yield from _unreadable(errors, root)


def _why_excluded(abspath: str, root: str, excludes: tuple[str, ...]) -> str:
    """Which ``exclude`` / ``extend-exclude`` glob leaves ``abspath`` out (``--show-files``)."""
    disp = display_path(abspath, root)
    for pattern in excludes:
        if glob_matcher((pattern,))(disp):
            return f"excluded by the glob {pattern!r}"
    return "excluded"


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
