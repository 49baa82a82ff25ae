"""Run the engine over many files: discovery, per-file settings, worker processes, the cache.

Linting is CPU-bound, so large runs use processes (``--jobs``, default the CPU count); small runs
stay in this process, where start-up matters more.  Output order never depends on scheduling:
results are sorted by path."""
from __future__ import annotations

import gc
import os

from ..config import selects
from ..discovery import discover
from ..engine import lint_file
from ..model import FileResult, Notice, RunResult, Severity
from ..registry import new_run

PARALLEL_THRESHOLD = 48  # below this many files a pool costs more than it saves


def _lint_one(item):
    abspath, display, settings = item
    fr = lint_file(abspath, display, settings)
    if not fr.findings and not fr.notices:
        fr.lines = None  # no output reads them (a tree's clean files are most of its text)
    return fr


def _worth_naming(root: str, folder: str, name: str, recorder=None) -> bool:
    """A Dockerfile, Makefile, compose or kustomization file always; a shell script only when it
    runs a container tool (``hack/build/version.sh`` has nothing archlint would check)."""
    from ..commands import mentions_tool
    from ..kinds import kind_by_name
    from ..source import read_regular

    if kind_by_name(name.rsplit("/", 1)[-1]) != "shell":
        return True
    path = os.path.join(root, folder, name)
    if recorder is not None:
        recorder.walk.named.append(path)  # its content decided the notice: the snapshot checks it
    try:
        head = read_regular(path, 65536)
    except OSError:
        return False
    return mentions_tool(head.decode("utf-8", "replace"))


def _hidden_sources(hidden: list, root: str, recorder=None) -> FileResult | None:
    """The one AL009 notice of a run whose default ``exclude`` left out folders holding files
    archlint would check (``hidden``: (display path, [file names])), or None."""
    parts, first, more_folders = [], None, 0
    for shown, names in hidden:
        names = [n for n in names if _worth_naming(root, shown, n, recorder)]
        if not names:
            continue
        if first is None:
            first = shown
        if len(parts) == 5:
            more_folders += 1
            continue
        more = f", ... {len(names)} in all" if len(names) > 3 else ""
        parts.append(f"{shown}/ ({', '.join(names[:3])}{more})")
    if first is None:
        return None
    if more_folders:
        parts.append(f"and {more_folders} more")
    msg = (f"not linted, left out by the default exclude: {'; '.join(parts)}; set exclude without that folder "
           "to lint it, or ignore AL009")
    return FileResult(first, None, notices=[Notice("AL009", msg, first, severity=Severity.INFO)], deps=())


def _lint_chunk(items):
    return [_lint_one(i) for i in items]


def run_paths(paths, resolver, root, respect_gitignore=True, jobs=None, use_cache=True, cache=None,
              recorder=None, model=True) -> RunResult:
    """Lint ``paths``.  ``cache``: an open result cache to use (else one is opened when
    ``use_cache``); ``recorder``: a snapshot.Recorder told what the run looked at; ``model``:
    False for a caller that builds the project model from the results' facts itself
    (``archlint graph``), so the run does not build it too."""
    new_run()
    base = resolver.for_dir(os.getcwd())
    excludes = base.walk_excludes()
    # notices obey ignore, not select (engine._without_ignored_notices)
    hidden = [] if base.origin("exclude") == "default" and not any(selects(x, "AL009") for x in base.ignore) else None
    work = []
    results: list[FileResult] = []
    settings_used: dict[int, object] = {}
    walk = recorder.walk if recorder is not None else None
    for t in discover(paths, root, excludes, respect_gitignore, walk=walk, fixtures=base.fixture_globs(),
                      hidden=hidden):
        if t.notice:
            results.append(FileResult(t.display, None, notices=[Notice("AL001", t.notice, t.display)]))
            if recorder is not None:
                recorder.complete = False
            continue
        s = resolver.for_path(t.abspath)
        settings_used[id(s)] = s
        work.append((t.abspath, t.display, s))
    note = _hidden_sources(hidden, root, recorder) if hidden else None
    if note is not None:
        results.append(note)
    if recorder is not None:
        recorder.items = work
    if not use_cache:
        cache = None
    elif cache is None and work and not os.environ.get("ARCHLINT_NO_CACHE"):
        try:
            from .cache import Cache

            cache = Cache.open()
        except ImportError:
            cache = None
    todo = work
    if cache is not None:
        todo = []
        for item in work:
            hit = cache.get(*item)
            if hit is not None:
                results.append(hit)
            else:
                todo.append(item)
    try:
        fresh = _lint_many(todo, jobs)
    finally:
        gc.unfreeze()
    if cache is not None:
        for item, fr in zip(todo, fresh):
            cache.put(*item, fr)
    results.extend(fresh)
    if model:
        results = _project_pass(paths, results, work, base, resolver, root, respect_gitignore, jobs, cache, recorder)
    results.sort(key=lambda fr: fr.path)
    return RunResult(results, root, [], settings_used=list(settings_used.values()))


def _whole_root(paths, root: str) -> bool:
    """Whether the run's targets are the whole folder the model spans."""
    return any(os.path.abspath(p) == os.path.abspath(root) for p in paths)


def _project_pass(paths, results, work, base, resolver, root, respect_gitignore, jobs, cache, recorder):
    """Build the project model (``archlint.project``) and let it add and refine findings.  When
    the run was given part of the repository (pre-commit names the changed files), the rest is
    linted too, from the cache where it can be, for its facts alone; only the named files are
    reported (with the cross-file findings that touch them)."""
    from ..project import model_wanted

    if not model_wanted(base):
        return results
    entries = []
    by_display = {fr.path: fr for fr in results}
    for abspath, display, _s in work:
        fr = by_display.get(display)
        if fr is not None:
            entries.append((display, abspath, fr.kind, fr.facts))
    named = None
    index = recorder.index if recorder is not None else None
    if not _whole_root(paths, root):
        named = {display for _a, display, _s in work}
        linted = {abspath for abspath, _d, _s in work}
        got = _from_index(index, cache, entries, work, results, linted, resolver, jobs, root) \
            if index is not None and cache is not None else None
        if got is not None:
            return _model_pass(root, got[0], results, resolver, named, None, known=got[1])
        excludes = base.walk_excludes()
        walk = recorder.walk if recorder is not None else None
        more = []
        for t in discover([root], root, excludes, respect_gitignore, walk=walk, fixtures=base.fixture_globs()):
            if t.notice or t.abspath in linted:
                continue
            more.append((t.abspath, t.display, resolver.for_path(t.abspath)))
        if recorder is not None:
            recorder.items = list(recorder.items) + more
        todo = []
        for item in more:
            hit = cache.get(*item) if cache is not None else None
            if hit is not None:
                entries.append((item[1], item[0], hit.kind, hit.facts))
            else:
                todo.append(item)
        fresh = _lint_many(todo, jobs)
        gc.unfreeze()
        for item, fr in zip(todo, fresh):
            if cache is not None:
                cache.put(*item, fr)
            entries.append((item[1], item[0], fr.kind, fr.facts))
    # the index serves runs given files: the one that had to walk writes it (a whole-repository
    # run has no use for it, and writing it would cost every such run a few tenths of a second)
    return _model_pass(root, entries, results, resolver, named, recorder, index=index if named is not None else None)


def _model_pass(root, entries, results, resolver, named, recorder, known=None, index=None):
    from ..project.links import link_groups
    from ..project.model import build_project
    from ..project.run import apply

    project = build_project(root, entries, known)
    if index is not None:  # a whole walk: kept for the runs given files
        index.entries, index.groups = entries, link_groups(project, entries)
    elif recorder is not None and recorder.keep_groups and named is None:  # kept for a later delta run
        recorder.groups = link_groups(project, entries)
    if recorder is not None:
        # a Dockerfile a build names appearing or going changes the report: the snapshot
        # checks every path the model looked for, and the platform lock the XF rules read
        from ..lock import lock_path

        recorder.walk.named.extend(project.probes)
        recorder.walk.named.append(lock_path(root))
    return apply(results, entries, root, resolver, named, project=project)


def _from_index(index, cache, entries, work, results, linted, resolver, jobs, root):
    """The entries of the files that can touch the named ones, from the facts index
    (archlint/run/index.py) instead of a walk: (entries, every file's absolute path), or None
    when the index is missing or stale (walk instead)."""
    import json

    from ..project.fact_check import check
    from ..project.model import build_project
    from .index import MAX_CHANGED

    got = index.load()
    if got is None:
        return None
    rows, changed, links = got
    if len(changed - linted) > max(MAX_CHANGED, len(rows) // 50):
        return None
    known = {r[0] for r in rows} | linted
    own = list(entries)  # the named files, as this run linted them
    todo, again = [], []
    for abspath, display, _kind, _sig, _facts, _group in rows:
        if abspath in changed and abspath not in linted:
            item = (abspath, display, resolver.for_path(abspath))
            hit = cache.get(*item)
            if hit is not None:
                again.append((item, hit))
            else:
                todo.append(item)
    fresh = _lint_many(todo, jobs)
    gc.unfreeze()
    for item, fr in zip(todo, fresh):
        cache.put(*item, fr)
        again.append((item, fr))
    own += [(item[1], item[0], fr.kind, fr.facts) for item, fr in again]
    mine = {abspath for _d, abspath, _k, _f in own}
    named = {display: None for display, _a, _k, _f in entries}
    named.update((display, group) for abspath, display, _k, _s, _f, group in rows if abspath in linted)
    got = links.reach(build_project(root, own, known), own, named)
    groups, files = got if got is not None else (None, {display for display, _a, _k, _f in own})
    out = [e for e in own if e[0] in files]
    use = [r for r in rows if r[0] not in mine and (groups is None or r[5] in groups)]
    try:  # one decode for all (a call per file costs as much again)
        decoded = json.loads("[" + ",".join("null" if r[4] is None else r[4] for r in use) + "]")
        if len(decoded) != len(use):
            return None
        for (abspath, display, kind, _sig, _facts, _group), facts in zip(use, decoded):
            out.append((display, abspath, kind, check(facts)))
    except (ValueError, RecursionError):
        return None  # facts of a shape the extractor never writes (or text that is not one value): walk
    index.stored = True
    return out, known


# Why _settle: the results of a run only grow.  Every YAML file's nodes and every Python file's
# syntax tree live long enough to reach the collector's oldest generation before they are freed,
# which starts full collections, and each full collection walked every result gathered so far:
# the collector's time grew with the square of the run's size (10,000 files cost 2.2× the
# 5,000-file run's time).  Every FREEZE_EVERY files (or worker chunk) a collection frees the
# cycles made since the last one and gc.freeze() moves the survivors, results first of all, out
# of the collector's sight (reference counting still frees them), so each collection walks
# only what came after; run_paths unfreezes at the end.  Settling before the pool forks also
# spares the workers walking, and copying, the parent's heap.
FREEZE_EVERY = 128


def _settle() -> None:
    gc.collect()
    gc.freeze()


def _leave_with_parent(parent: int) -> None:
    """In a worker: exit when the run that started it is gone.  A run killed outright (an
    editor's or pre-commit's timeout, SIGKILL) cannot stop its workers, and forked workers hold
    the very pipe they wait on open, so they would wait for work for ever."""
    import threading
    import time

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="archlint-parent-watch", daemon=True).start()


def _lint_many(items, jobs):
    n = len(items)
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs <= 1 or n < PARALLEL_THRESHOLD:
        out = []
        for k, i in enumerate(items, 1):
            out.append(_lint_one(i))
            if k % FREEZE_EVERY == 0:
                _settle()
        return out
    import concurrent.futures as cf
    import multiprocessing as mp

    size = max(8, min(256, n // (jobs * 4) or 1))
    chunks = [items[i : i + size] for i in range(0, n, size)]
    try:
        ctx = mp.get_context("fork") if hasattr(os, "fork") else None
        _settle()
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_leave_with_parent,
                                    initargs=(os.getpid(),)) as pool:
            out = []
            for part in pool.map(_lint_chunk, chunks):
                out.extend(part)
                _settle()
            return out
    except (OSError, cf.process.BrokenProcessPool):
        return [_lint_one(i) for i in items]
