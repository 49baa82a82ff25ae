"""A whole-repository report brought up to date from the stored one when a few files changed.

A run over the whole repository whose stored report (archlint/run/snapshot.py) no longer holds
because a few files changed would walk the tree, read 10,000 results from the cache, link the
whole project model and render every finding again: seconds, for one edited Makefile.  The
report of such a run also keeps, beside its manifest, what this module needs to redo only the
part a change can touch (``base_doc``): every linted file with its link group (the model's
``link_groups``) and the inputs its result depends on; where each path's findings are in the
report's text and how many there are per severity (``output.text._record``); the groups of
notices (how many, where the one printed is) and which paths carry them; which paths are
generated files (whose findings are printed once for all of them); which fail the run.

A later run of the same command (``run``) takes the delta when every row of that manifest
still holds but the signatures of at most ``MAX_CHANGED`` linted files or inputs of results,
and of folders whose listing still names the same subfolders and files of supported names
(``discovery.listing_digest``: an editor that saves by renaming a new file over the old one,
``sed -i``, ``git checkout``, a swap file beside the file edited change the folder, not the set
of files linted); no configuration, ignore file, rule pack or Dockerfile looked for.  The changed files and the files whose results depend on a
changed input are read through the result cache (linted again); a model of these alone gives
the link groups they may now touch (``LinkGroups.reach``, as a run given files uses it), and
every file of those groups is read through the cache, its model built and the project rules
and refiners applied, as a whole run would to them (a file outside those groups is linked to
none of them).  Their findings are rendered and put in place of their old lines; every other
path's lines are the stored report's, and the summary line is counted again.

It is the ordinary run instead (None) when anything else changed, when a name of unknown last
part makes the reach unknown, when more than ``MAX_AFFECTED`` files (or half of them) are touched, when a path
touched is a generated file, when the place of a group of notices (its path nearest the root,
where the one line of the group is printed with the group's count) moves from or to a path
not touched (a count that changes at an untouched place is changed in its line), when a
finding would land on a path outside those groups, when a
result holds an internal error, or when the stored document has another shape than the one
written here (it is read like any file: untrusted, signed under this user's key).  The text
formats only (``text``, ``full``, ``concise``), without ``--quiet``, ``--statistics`` or the
list of ``--show-fixes``.  A delta run stores nothing: the stored report stays the base, and a
later run takes the delta from it again (or walks, when too much changed since).
"""
from __future__ import annotations

MAX_CHANGED = 32  # files and inputs changed since the stored report, at most
MAX_AFFECTED = 2000  # files read again through the cache, at most (or half the files: more, the ordinary run)
FORMATS = ("text", "full", "concise")


def eligible(args, fmt: str, opts, paths, root: str) -> bool:
    """Whether the command's report can be kept for a delta and taken from one."""
    import os  # (not runner._whole_root: a stored report is printed without importing the engine)

    return (fmt in FORMATS and not args.quiet and not args.statistics and not getattr(opts, "list_fixes", False)
            and any(os.path.abspath(p) == os.path.abspath(root) for p in paths))


def describe(args, fmt: str, opts, paths, root: str, run, layout: dict) -> dict | None:
    """What a delta needs of a whole run's report besides its manifest (see the module), or
    None when the command's report cannot be taken from a delta."""
    from ..model import Severity

    if not eligible(args, fmt, opts, paths, root):
        return None
    from ..model import notice_groups

    threshold = Severity.parse(args.fail_on)
    counts, first = notice_groups(run.notices)
    grouped: dict = {}
    for fr in run.files:
        gs = sorted(n.group for n in fr.notices if n.group)
        if gs:
            grouped[fr.path] = gs
    failing = [fr.path for fr in run.files if fr.fails(threshold)]
    return {"layout": layout, "generated": [fr.path for fr in run.files if fr.generated], "grouped": grouped,
            "notice_groups": {g: [counts[g], first[g].path, first[g].line, first[g].col, first[g].summary or ""]
                              for g in counts},
            "failing": failing, "nfiles": len(run.files)}


def base_doc(recorder, inputs) -> dict:
    """The delta section of a whole run's stored report: ``recorder.layout`` (``describe``),
    every linted file as [absolute path, display path, link group, [indexes of its inputs]], the
    input paths, those of them that decide more than results (a folder, a configuration file:
    ``fixed``), and the link groups.  ``inputs``: (every linted file's inputs, the rows of the
    manifest that are not only inputs), as ``snapshot._manifest`` gives them."""
    deps, fixed = inputs
    groups = recorder.groups
    index: dict = {}
    files = []
    for abspath, display, _s in recorder.items:
        ds = [index.setdefault(p, len(index)) for p in deps.get(abspath, ())]
        files.append([abspath, display, groups.files.get(display, -1), ds])
    return {"files": files, "paths": list(index), "fixed": [p for p in index if p in fixed],
            "groups": groups.to_json(), "listings": recorder.walk.listings, **recorder.layout}


def _shape(d) -> bool:
    """Whether ``d`` (read back: untrusted) has the shape ``base_doc`` writes."""
    if type(d) is not dict:
        return False
    files, paths, layout = d.get("files"), d.get("paths"), d.get("layout")
    if type(files) is not list or type(paths) is not list or type(layout) is not dict:
        return False
    if type(d.get("nfiles")) is not int or not all(type(p) is str for p in paths):
        return False
    for key in ("generated", "failing", "fixed"):
        if type(d.get(key)) is not list or not all(type(p) is str for p in d[key]):
            return False
    listings = d.get("listings")
    if type(listings) is not dict or not all(type(v) is str for v in listings.values()):
        return False
    grouped, ngroups = d.get("grouped"), d.get("notice_groups")
    if type(grouped) is not dict or type(ngroups) is not dict:
        return False
    if not all(type(v) is list and all(type(g) is str and g in ngroups for g in v) for v in grouped.values()):
        return False
    if not all(type(v) is list and len(v) == 5 and type(v[0]) is int and type(v[1]) is str and type(v[2]) is int
               and type(v[3]) is int and type(v[4]) is str for v in ngroups.values()):
        return False
    for row in files:  # (the indexes of a row's inputs are checked where they are used: _changed)
        if type(row) is not list or len(row) != 4 or type(row[0]) is not str or type(row[1]) is not str \
                or type(row[2]) is not int or type(row[3]) is not list:
            return False
    if len({row[0] for row in files}) != len(files) or len({row[1] for row in files}) != len(files):
        return False  # one file twice: not what base_doc writes
    end = 0
    for r in sorted(layout.values()):  # each path's lines, one after another
        if type(r) is not list or len(r) != 8 or not all(type(x) is int and x >= 0 for x in r) or r[0] > r[1] \
                or r[0] < end:
            return False
        end = r[1]
    return True


def run(args, fmt: str, opts, root: str, resolver, cache, stored):
    """(report text, exit code 0 or 1) of this command brought up to date from its stored
    report, or None (the ordinary run: see the module).  ``stored``: (the report's document,
    its text, the paths of its manifest that changed), as ``snapshot.load`` gives it."""
    from ..model import Severity

    doc, text, moved = stored
    d = doc.get("delta")
    try:
        if not _shape(d):
            return None
    except TypeError:  # a layout of values that do not compare
        return None
    changed = _changed(d, moved)
    if changed is None:
        return None
    files = {row[0]: row for row in d["files"]}
    items = [(a, files[a][1], resolver.for_path(a)) for a in sorted(changed)]
    results = _read(items, cache)
    if results is None:
        return None
    touched = _touched(d, files, results, root, cache, resolver, Severity.parse(args.fail_on))
    if touched is None:
        return None
    affected, rs, fails, patches = touched
    got = _assemble(d, text, affected, rs, patches, root, opts, fmt)
    if got is None:
        return None
    return got, 1 if fails or any(p not in affected for p in d["failing"]) else 0


def _changed(d: dict, moved: set) -> set | None:
    """The linted files to read again: those of ``moved`` (the paths whose signature changed
    since the report was stored) and those whose results depend on one; None when anything
    else changed (or too much)."""
    from ..discovery import folder_listing

    if len(moved) > MAX_CHANGED:
        return None
    files = {row[0] for row in d["files"]}
    inputs = set(d["paths"]).difference(d["fixed"])
    listings = d["listings"]
    for p in moved:
        if p in files or p in inputs:
            continue
        # a folder whose subfolders and files of supported names are the ones the walk listed:
        # a file in it saved by renaming a new one over it (its own signature tells), an
        # editor's swap file; anything else (a configuration or ignore file, a Dockerfile looked
        # for, a folder that now holds another set of files) is not a delta's
        if p not in listings or folder_listing(p) != listings[p]:
            return None
    changed_inputs = {i for i, p in enumerate(d["paths"]) if p in moved}
    out = {a for a in moved if a in files}
    if changed_inputs:
        try:
            out.update(row[0] for row in d["files"] if not changed_inputs.isdisjoint(row[3]))
        except TypeError:  # an index that is not a number (not what base_doc writes)
            return None
    return out if len(out) <= 4 * MAX_CHANGED else None


def _read(items, cache) -> dict | None:
    """{display path: FileResult} of ``items`` through the cache (linted again on a miss); None
    when a result holds an internal error (the ordinary run reports it, and stores nothing)."""
    from .runner import _lint_one

    out = {}
    for item in items:
        fr = cache.get(*item)
        if fr is None:
            fr = _lint_one(item)
            cache.put(*item, fr)
        if any(n.internal for n in fr.notices):
            return None
        out[item[1]] = fr
    return out


def _touched(d, files, own: dict, root, cache, resolver, threshold):
    """(display paths of every file whose findings the change may move, their results with the
    project rules applied, whether one fails the run, the patches of ``_regroup``), or None."""
    from ..project.links import LinkGroups
    from ..project.model import build_project
    from ..project.run import apply

    by_display = {row[1]: row for row in files.values()}
    groups_of = {row[1]: row[2] for row in d["files"]}
    links = LinkGroups.from_json(groups_of, d["groups"])
    if links is None:
        return None
    known = set(files)
    mine = [(disp, by_display[disp][0], fr.kind, fr.facts) for disp, fr in own.items()]
    named = {disp: (groups_of[disp] if groups_of[disp] >= 0 else None) for disp in own}
    got = links.reach(build_project(root, mine, known), mine, named)
    if got is None:
        return None
    affected = {disp for disp, g in groups_of.items() if g in got[0]} | set(own)
    if len(affected) > max(MAX_AFFECTED, len(files) // 2) or not affected.isdisjoint(d["generated"]):
        return None
    others = _read([(by_display[disp][0], disp, resolver.for_path(by_display[disp][0]))
                    for disp in sorted(affected - set(own))], cache)
    if others is None:
        return None
    results = {**others, **own}
    entries = [(disp, by_display[disp][0], fr.kind, fr.facts) for disp, fr in sorted(results.items())]
    project = build_project(root, entries, known)
    rs = apply(list(results.values()), entries, root, resolver, named=affected, project=project)
    if any(fr.path not in affected or fr.generated for fr in rs):
        return None
    fails = any(fr.fails(threshold) for fr in rs)  # (before _regroup leaves a group's notice at its place)
    patches = _regroup(d, rs, affected)
    if patches is None:
        return None
    return affected, rs, fails, patches


def _regroup(d, rs, affected: set):
    """Give the grouped notices of ``rs`` the form the whole report gives them (one notice per
    group, at its place, with the group's count; see ``model.group_notices``), from the stored
    groups and the notices ``rs`` carry now.  Returns the patches of the lines of other paths:
    [(path, line, col, message before, message now)] for a group whose count changed and whose
    place is a path not read again; None when a group's place moves from or to such a path
    (its lines would have to be rendered)."""
    from collections import Counter

    from ..model import Notice

    grouped, ngroups = d["grouped"], d["notice_groups"]
    now = {fr.path: sorted(n.group for n in fr.notices if n.group) for fr in rs}
    # one pass over the paths read again (not one per group: thousands of each on a large tree)
    stored_per_group = Counter(g for p in affected for g in grouped.get(p, ()))
    current = Counter((p, g) for p, gs in now.items() for g in gs)
    before = Counter((p, g) for p in now for g in grouped.get(p, ()))  # (what now's paths carried)
    moved = {g for (p, g) in before.keys() | current.keys() if before[(p, g)] != current[(p, g)]}
    counts: dict = {}
    for g, v in ngroups.items():
        counts[g] = v[0] - stored_per_group[g]
    for gs in now.values():
        for g in gs:
            counts[g] = counts.get(g, 0) + 1
    patches = []
    places: dict = {}
    for g, count in counts.items():
        old = ngroups.get(g)
        if old is not None and count == old[0] and g not in moved:
            places[g] = old[1]  # the same notices in the same paths
            continue
        # the place: the path nearest the root carrying the group, the first of those
        members = [p for p, gs in grouped.items() if g in gs and p not in affected] + [p for p, gs in now.items() if g in gs]
        place = min(members, key=lambda p: (p.count("/"), p)) if members else None
        before = old[1] if old is not None else None
        for p in (before, place):
            if p is not None and p not in affected and before != place:
                return None  # the place moves from or to a path whose lines are not rendered again
        places[g] = place
        if place is not None and place not in affected and old is not None:
            if old[0] == 1 or count == 1:
                return None  # a group of one shows its notice's own message: not the stored one
            patches.append((place, old[2], old[3], old[4].replace("{count}", str(old[0])),
                            old[4].replace("{count}", str(count))))
    for fr in rs:
        first: dict = {}
        for n in sorted(fr.notices, key=Notice.sort_key):
            first.setdefault(n.group, n)
        kept = []
        for n in fr.notices:
            if not n.group:
                kept.append(n)
            elif counts[n.group] == 1:
                kept.append(Notice(n.rule_id, n.message, n.path, n.line, n.col, n.severity, n.internal))
            elif places[n.group] == n.path and first[n.group] is n:
                kept.append(Notice(n.rule_id, n.summary.replace("{count}", str(counts[n.group])), n.path, n.line,
                                   n.col, n.severity, n.internal))
        fr.notices = kept
    return patches


def _assemble(d, text: str, affected: set, rs: list, patches: list, root: str, opts, fmt: str):
    """The stored report with the lines of ``affected`` paths replaced by those of ``rs``, the
    count of a group's notice changed where it is printed (``patches``), and the summary counted
    again (None when the stored text is not the report its layout describes)."""
    from collections import Counter

    from ..model import RunResult, Severity
    from ..output import text as out_text

    old = text.split("\n")
    layout = d["layout"]
    if old[-1] != "" or any(r[1] > len(old) - 2 for r in layout.values()):
        return None  # not the report this layout describes
    fresh: dict = {}
    render = out_text.render_concise if fmt == "concise" else out_text.render
    new = render(RunResult(sorted(rs, key=lambda fr: fr.path), root, []), opts, fresh).split("\n")
    pieces = {p: old[r[0]:r[1]] for p, r in layout.items() if p not in affected}
    if patches:
        show = out_text.path_shower(RunResult([], root, []), getattr(opts, "cwd", None))
        for path, line, col, before, now in patches:
            lines = pieces.get(path)
            before = " " + out_text.safe(out_text.notice_message(before, path, show(path)))
            now = " " + out_text.safe(out_text.notice_message(now, path, show(path)))
            where = f":{line}:{col}:"
            hits = [i for i, x in enumerate(lines or ()) if x.endswith(before) and where in x]
            if len(hits) != 1:
                return None  # not the line this group's notice was printed as
            lines[hits[0]] = lines[hits[0]][: -len(before)] + now
    pieces.update((p, new[r[0]:r[1]]) for p, r in fresh.items())
    lines: list = []
    for p in sorted(pieces):
        lines.extend(pieces[p])
    counts = [0] * 6
    for p, r in list((p, r) for p, r in layout.items() if p not in affected) + list(fresh.items()):
        for i in range(6):
            counts[i] += r[2 + i]
    sev = Counter({Severity.ERROR: counts[0], Severity.WARNING: counts[1], Severity.INFO: counts[2]})
    lines.append(out_text.summary_line(sev, d["nfiles"], counts[3], counts[4] > 0, opts, counts[5]))
    return "\n".join(lines) + "\n"


