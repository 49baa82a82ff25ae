"""The project model in the language server: the facts of the workspace's files, the open
buffers' facts over them, and the whole-run pass (``project.run.apply``) for one buffer's lint.

- ``scan_main``: a child process (``scan`` starts it) that runs ``run.runner.run_paths`` over the
  workspace's repository (with the result cache), the way a CLI run gathers every file's facts,
  and sends back the entries ``(display, abspath, kind, facts)`` of the files that have facts,
  with the Dockerfiles each file's builds locate.  A process: the event loop and the engine
  thread never wait for it, it never forks from a threaded process, and shutdown kills it.
- ``Facts``: the entries on disk (from the scan, and each saved buffer), the open buffers'
  entries over them (an unsaved buffer counts), and small indexes by image name (the last part
  of its repository, as the model links) and by Dockerfile.  ``apply`` runs the model's pass for
  one buffer's fresh ``FileResult`` on the files that can link to it (``neighbourhood``): XF
  findings located in the buffer, DF005/BC001 refined.  Only with the files of its
  neighbourhood, so a keystroke's lint does not pay for every file of a large repository (the
  model links by image name and Dockerfile path only: files that share neither with the buffer,
  directly or through an alias, a Kustomization override, a Dockerfile or a base image, change
  nothing in its findings).

Light: imports no pygls / lsprotocol (the scan process imports this module).
"""
from __future__ import annotations

import os
import sys
import threading

#: fact keys whose values are image names, and the pairs of names a fact says are one image
_NAME_KEYS = ("image", "src", "dst", "name")


def _last(ref) -> str | None:
    """The last part of an image name's repository, as the model links names (None: links
    nothing)."""
    from ..project.model import normal

    if not isinstance(ref, str):
        return None
    n = normal(ref)
    return None if n is None else n[0].rsplit("/", 1)[-1]


class Info:
    """What the indexes keep of one file's facts."""

    __slots__ = ("lasts", "pairs", "dockerfiles", "froms", "makes", "built")

    def __init__(self, lasts, pairs, dockerfiles, froms, makes, built):
        self.lasts = lasts  # every image name it mentions (last parts)
        self.pairs = pairs  # last parts it says are one image (aliases, Kustomization overrides)
        self.dockerfiles = dockerfiles  # the Dockerfiles its builds build (display paths)
        self.froms = froms  # its FROM lines' names (a Dockerfile)
        self.makes = makes  # names it builds, pushes or gives another name (not deploys, not FROM)
        self.built = built  # names its builds tag


def info(root: str, entry, dockerfiles=None, known=()) -> Info:
    display, abspath, kind, facts = entry
    lasts, pairs, froms, makes, built = set(), set(), set(), set(), set()
    for key, items in (facts or {}).items():
        if type(items) is not list:
            continue  # (a flag: builder_runs, tag_release...; a mapping: pin, makes, kustomize)
        for item in items:
            if isinstance(item, str):  # pushed
                names = [item]
            elif isinstance(item, dict):
                names = [item.get(k) for k in _NAME_KEYS] + list(item.get("tags") or ())
            else:
                continue
            got = [x for x in (_last(n) for n in names) if x]
            lasts.update(got)
            if key in ("aliases", "overrides"):
                pairs.update(got)
            if key == "froms":
                froms.update(got)
            elif key != "deploys":
                makes.update(got)
            if key == "builds":
                built.update(got)
    if dockerfiles is None:
        dockerfiles = located(root, entry, known)
    return Info(lasts, pairs, dockerfiles, froms, makes, built)


def located(root: str, entry, known=()) -> set:
    """The files the file's facts name by path, found as the model finds them (``known``: the
    absolute paths of the files with facts, open buffers included: they exist): the Dockerfiles
    its builds build, the Makefiles it runs (``make -f``), the Bake and compose files it bakes."""
    from ..discovery import display_path
    from ..project.model import Project

    facts = entry[3]
    if not facts or not ("builds" in facts or "makes" in facts or "bakes" in facts):
        return set()  # names no file by path
    p = Project(root)
    p.known = known  # only read
    p.add(*entry)
    p.link()
    out = {b.dockerfile for b in p.builds if b.dockerfile}
    out.update(p.baked)
    out.update(display_path(a, root) for a in p.runs_in)
    out.discard(entry[0])
    return out


class Facts:
    """The workspace's facts (thread-safe: the event loop and the engine thread use it)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.root: str | None = None
        self.ready = False
        self.disk: dict = {}  # display -> entry, from the scan and the saves
        self.buffers: dict = {}  # display -> entry, of the open buffers
        self.infos: dict = {}  # display -> Info, of the current entry (buffer over disk)
        self.by_last: dict = {}  # last part -> displays
        self.wild: dict = {}  # display -> its wildcard last parts (app-*: they match others)
        self.builders: dict = {}  # Dockerfile display -> displays of the files that build it
        self._known_set: set | None = None  # see _known

    # ---- the entries ------------------------------------------------------------------------

    def set_root(self, root: str) -> None:
        """The repository the model spans (known before its scan ends: buffers count at once)."""
        with self.lock:
            if root != self.root:
                self.root, self.ready = root, False
                self.disk, self.buffers = {}, {}
                self.infos, self.by_last, self.wild, self.builders = {}, {}, {}, {}
                self._known_set = None

    def load(self, root: str, entries, dockerfiles) -> None:
        """The scan's result: every file with facts, and the Dockerfiles each one builds."""
        with self.lock:
            self.root = root
            self.disk = {e[0]: e for e in entries}
            self.infos, self.by_last, self.wild, self.builders = {}, {}, {}, {}
            self._known_set = None
            known = self._known()
            for display in set(self.disk) | set(self.buffers):
                entry = self.buffers.get(display) or self.disk[display]
                if entry[3]:
                    docks = dockerfiles.get(display) if display not in self.buffers else None
                    self._index(display, info(root, entry, docks, known))
            self.ready = True

    def set_buffer(self, entry) -> None:
        with self.lock:
            if self.root is None:
                return
            display = entry[0]
            old = self.buffers.get(display) or self.disk.get(display)
            if old is None or old[1] != entry[1]:
                self._known_set = None
            self.buffers[display] = entry
            if old is not None and old[3] == entry[3] and old[1] == entry[1]:
                return
            self._unindex(display)
            if entry[3]:
                self._index(display, info(self.root, entry, known=self._known()))

    def saved(self, display: str) -> bool:
        """The buffer was saved: its entry is the file's.  Whether that changed the facts on
        disk (other documents' model findings may change only then)."""
        with self.lock:
            entry = self.buffers.get(display)
            if entry is None:
                return False
            before = self.disk.get(display)
            if entry[3]:
                self.disk[display] = entry
            else:
                self.disk.pop(display, None)
            if (before is None) != (entry[3] is None):
                self._known_set = None
            return (before[3] if before else None) != entry[3]

    def drop_buffer(self, display: str) -> bool:
        """The buffer was closed: the file's entry on disk counts again.  Whether that changes
        the facts."""
        with self.lock:
            entry = self.buffers.pop(display, None)
            if entry is None:
                return False
            self._known_set = None
            disk = self.disk.get(display)
            if (disk[3] if disk else None) == entry[3]:
                return False
            self._unindex(display)
            if disk is not None and self.root is not None:
                self._index(display, info(self.root, disk, known=self._known()))
            return True

    def _known(self) -> set:
        """The absolute paths of the files with facts, open buffers included (kept until the
        set of files changes, not rebuilt per keystroke)."""
        if self._known_set is None:
            self._known_set = {e[1] for e in self.disk.values()} | {e[1] for e in self.buffers.values()}
        return self._known_set

    def _index(self, display: str, i: Info) -> None:
        self.infos[display] = i
        for last in i.lasts:
            self.by_last.setdefault(last, set()).add(display)
            if "*" in last:
                self.wild.setdefault(display, set()).add(last)
        for d in i.dockerfiles:
            self.builders.setdefault(d, set()).add(display)

    def _unindex(self, display: str) -> None:
        i = self.infos.pop(display, None)
        if i is None:
            return
        for last in i.lasts:
            s = self.by_last.get(last)
            if s is not None:
                s.discard(display)
                if not s:
                    del self.by_last[last]
        self.wild.pop(display, None)
        for d in i.dockerfiles:
            s = self.builders.get(d)
            if s is not None:
                s.discard(display)
                if not s:
                    del self.builders[d]

    def entry(self, display: str):
        return self.buffers.get(display) or self.disk.get(display)

    # ---- a buffer's pass -------------------------------------------------------------------------

    def neighbourhood(self, display: str) -> set:
        """The files whose facts can change the model's findings in (or refinements of) the file
        ``display`` (by the last part of an image's repository: a superset of what the model
        links): for the images it builds, every file naming them (their deployments, other
        builds, the Dockerfiles starting FROM them and those Dockerfiles' builds); for the images
        it deploys or starts FROM, the files that build, push or rename them; other names of an
        image (aliases, Kustomization overrides) transitively; the Dockerfiles its builds build
        and the files building it (a Dockerfile), and their base images' builds."""
        from ..project.model import glob

        with self.lock:
            mine = self.infos.get(display)
            out = {display}
            if mine is None:
                return out
            # (last part, whether it names an image the file builds)
            todo = [(last, last in mine.built) for last in mine.lasts]
            seen: set = set()
            docks: set = set()

            def dockerfile(d: str) -> None:
                if d in docks:
                    return
                docks.add(d)
                out.add(d)
                out.update(self.builders.get(d, ()))
                i = self.infos.get(d)
                if i is not None:
                    todo.extend((x, False) for x in i.froms)

            for d in mine.dockerfiles:
                dockerfile(d)
            dockerfile(display)
            while todo:
                item = todo.pop()
                if item in seen:
                    continue
                seen.add(item)
                last, built = item
                reached = set(self.by_last.get(last, ()))
                if "*" in last:  # a pattern: every name it matches
                    for other, paths in self.by_last.items():
                        if "*" not in other and glob(last, other):
                            reached |= paths
                else:
                    reached |= {p for p, ws in self.wild.items() if any(glob(w, last) for w in ws)}
                for p in reached:
                    i = self.infos.get(p)
                    if i is None:
                        continue
                    if built:
                        out.add(p)
                        if last in i.froms or any(glob(last, x) or glob(x, last) for x in i.froms if "*" in x + last):
                            dockerfile(p)  # a Dockerfile FROM an image the file builds: its builds
                    elif last in i.makes or any("*" in x + last and (glob(last, x) or glob(x, last)) for x in i.makes):
                        out.add(p)
                    if last in i.pairs:  # another name of the same image
                        todo.extend((x, built) for x in i.pairs)
            return out

    def entries_for(self, display: str) -> list:
        with self.lock:
            names = self.neighbourhood(display)
            # the order of a whole run's entries (by path): the model names the first of several
            return [e for e in (self.entry(n) for n in sorted(names)) if e is not None and e[3]]

    def apply(self, fr, abspath: str, text: str, settings, resolver) -> bool:
        """Run the model's pass on ``fr`` (a buffer's fresh result, its ``text``): its facts
        replace the file's entry, then the XF findings located in it are added and its
        DF005/BC001 refined.  Whether it ran (False: no scan yet, a file outside the workspace's
        repository, the XF family off)."""
        from ..discovery import display_path
        from ..project import FAMILY
        from ..registry import family_enabled

        root = self.root
        if root is None or display_path(abspath, root) != fr.path or fr.path.startswith("../"):
            return False
        self.set_buffer((fr.path, abspath, fr.kind, fr.facts))
        if not self.ready or not family_enabled(settings, FAMILY):
            return False
        from ..project.run import apply

        before = {id(f) for f in fr.findings}
        apply([fr], self.entries_for(fr.path), root, resolver, named={fr.path})
        added = [f for f in fr.findings if id(f) not in before]
        if added:
            _buffer_suppressions(fr, added, abspath, text)
        return True


def _buffer_suppressions(fr, findings, abspath: str, text: str) -> None:
    """The buffer's inline suppressions decide about the findings the pass added (it read the
    file on disk, which may not be the buffer)."""
    from ..source import Source
    from ..suppress import collect

    try:
        sups = collect(Source(fr.path, text, abspath=abspath), fr.kind or "", None)
    except Exception:
        return
    for f in findings:
        f.suppressed = any(s.covers(f) for s in sups)


# ---- the scan ----------------------------------------------------------------------------------


def scan(root: str, overrides: dict):
    """(entries, dockerfiles) of the repository at ``root``: every file with facts, linted or
    taken from the result cache, as a CLI run over it gathers them."""
    from ..config import ConfigResolver
    from ..run.runner import run_paths

    os.chdir(root)  # the run's base settings (excludes) are the folder's it starts in
    resolver = ConfigResolver(overrides=overrides)
    jobs = max(1, (os.cpu_count() or 2) // 2)  # leave the editor and the lint workers room
    run = run_paths([root], resolver, root, jobs=jobs)
    entries = [(fr.path, os.path.join(root, fr.path), fr.kind, fr.facts) for fr in run.files if fr.facts]
    known = {e[1] for e in entries}
    return entries, {e[0]: located(root, e, known) for e in entries}


def scan_main() -> int:
    """A scan process: (root, overrides) on stdin, one frame back on stdout: ``("done", (root,
    entries, dockerfiles))`` or ``("error", traceback)``."""
    import traceback

    from .worker import frame, read_frame

    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a print anywhere goes to stderr, never into the answer
    sys.stdout = sys.stderr
    msg = read_frame(requests)
    if msg is None:
        return 0
    root, overrides = msg
    try:
        out = ("done", (root, *scan(root, overrides)))
    except BaseException:
        out = ("error", traceback.format_exc())
    answers.write(frame(out))
    answers.flush()
    return 0
