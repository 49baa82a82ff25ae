"""The whole-run pass: build the project model from the facts of every file, run the project
rules (family XF) on it, and let the refiners (refine.py) judge per-file findings in context.

Called by the runner after every file was linted or taken from the cache; it reads no file but
the few that receive a cross-file finding (for their inline suppressions and fingerprints), so a
warm run stays a warm run.  ``named``: when a run was given files (pre-commit), the display paths
of those files: a cross-file finding is kept only when it or one of its related locations is in
one of them, and findings of the other files of the repository (linted for their facts only)
are never reported.
"""
from __future__ import annotations

import os

from ..config import selects
from ..model import FileResult, Finding, Related


class ProjectContext:
    """What a project rule sees: the model, the configured platforms of any file, and ``report``."""

    __slots__ = ("project", "rule", "_settings_for", "memo")

    def __init__(self, project, settings_for):
        self.project = project
        self.rule = None
        self.memo: dict = {}  # what rules work out once per shared list of builds (see builds_of)
        self._settings_for = settings_for  # display path -> Settings

    def settings(self, path: str):
        """The settings of the file at ``path``."""
        return self._settings_for(path)

    def targets(self, path: str):
        """The configured platforms of the file at ``path`` (``platforms.Targets``; one object
        per settings)."""
        s = self._settings_for(path)
        hit = self.memo.get(("targets", id(s)))
        if hit is None:
            from ..platforms import Targets

            hit = self.memo[("targets", id(s))] = (s, Targets(s.platforms))
        return hit[1]

    def report(self, path: str, span, message: str, *, related=(), hint: str | None = None, key: str = "") -> Finding:
        rel = tuple(Related(s, m, p) for p, s, m in related)
        return Finding(self.rule.id, message, span, self.rule.severity, path=path, hint=hint, related=rel, key=key)


def _enabled(rule, settings, rel: str) -> bool:
    if not settings.rule_enabled(rule):
        return False
    return not any(selects(s, rule.id) for s in settings.ignored_for(rel))


def apply(results: list[FileResult], entries: list, root: str, resolver, named: set | None = None,
          project=None) -> list[FileResult]:
    """``results`` with the project rules' findings added and refined per-file findings.
    ``entries``: (display, abspath, kind, facts) of every file of the model."""
    from ..registry import RULES, load_family
    from .model import build_project
    from .refine import REFINERS

    abspaths = {d: a for d, a, _k, _f in entries}
    if project is None:
        project = build_project(root, entries)

    settings_cache: dict = {}

    def settings_for(path: str):
        s = settings_cache.get(path)
        if s is None:
            s = settings_cache[path] = resolver.for_path(abspaths.get(path) or os.path.join(root, path))
        return s

    def rel(path: str) -> str:
        a = abspaths.get(path) or os.path.join(root, path)
        base = settings_for(path).root or root
        return os.path.relpath(a, base).replace(os.sep, "/")

    by_path = {fr.path: fr for fr in results}
    _refine(results, project, REFINERS)  # a finding the model drops needs no build (K8S004's variants)
    if not project.may_report():
        return results
    load_family("XF")
    rules = [r for r in RULES.values() if r.family == "XF"]
    pctx = ProjectContext(project, settings_for)
    fresh: dict[str, list[Finding]] = {}
    seen: set = set()
    for r in rules:
        pctx.rule = r
        for f in _checked(r, pctx, results):
            s = settings_for(f.path)
            if not _enabled(r, s, rel(f.path)):
                continue
            if named is not None and f.path not in named and not any(x.path in named for x in f.related):
                continue
            ident = (f.path, f.span, r.id, f.message)
            if ident in seen:
                continue  # one place reached twice (a compose service and what extends it)
            seen.add(ident)
            f.severity = s.severity_of(r.id, f.severity)
            fresh.setdefault(f.path, []).append(f)
    for path, findings in fresh.items():
        fr = by_path.get(path)
        if fr is None:
            fr = by_path[path] = FileResult(path, project.kinds.get(path), deps=())
            results.append(fr)
        _settle(fr, findings, abspaths.get(path) or os.path.join(root, path), settings_for(path))
    results.sort(key=lambda fr: fr.path)
    return results


def _checked(r, pctx, results) -> list:
    """The findings of project rule ``r``; a rule that fails (a bug of archlint's) gives none and
    an AL004 notice on the first file linted, as a file's rule does on its file: the run goes on."""
    try:
        return list(r.check(pctx) or ())
    except Exception as e:
        from ..engine import _internal

        if results:  # (no file linted: nothing to report on, nor to attach the notice to)
            results[0].notices.append(_internal("the project", f"rule {r.id} ({r.name})", e))
        return []


def _refine(results, project, refiners: dict) -> None:
    """Judge the findings and notices of the refined rules again with the model; a file whose
    findings are all moot in context (``refine.MOOT_FILES``) keeps none."""
    from .refine import MOOT_FILES

    for fr in results:
        if fr.findings and any(moot(fr, project) for moot in MOOT_FILES):
            fr.findings = []
        if fr.findings and any(f.rule_id in refiners for f in fr.findings):
            fr.findings = [g for g in (refiners[f.rule_id](f, fr, project) if f.rule_id in refiners else f
                                       for f in fr.findings) if g is not None]
        if fr.notices and any(n.rule_id in refiners for n in fr.notices):
            fr.notices = [g for g in (refiners[n.rule_id](n, fr, project) if n.rule_id in refiners else n
                                      for n in fr.notices) if g is not None]


def _settle(fr: FileResult, findings: list[Finding], abspath: str, settings) -> None:
    """Add cross-file findings to ``fr``: inline suppressions of the file apply to them, and they
    get fingerprints like every finding (the file is read again for both: only files that
    receive such a finding)."""
    from ..engine import read_file
    from ..fingerprint import assign_fingerprints
    from ..source import Source
    from ..suppress import collect

    text, enc, fatal, _info = read_file(abspath, fr.path, settings.max_file_size)
    if text is not None:
        source = Source(fr.path, text, abspath=abspath, encoding=enc)
        if fr.lines is None:
            fr.lines = source.lines
        try:
            sups = collect(source, fr.kind or "", None)
        except Exception:  # a file the suppression reader cannot take: its findings stand
            sups = []
        for f in findings:
            if any(s.covers(f) for s in sups):
                f.suppressed = True
    fr.findings = fr.findings + findings
    fr.findings.sort(key=Finding.sort_key)
    if fr.lines is not None:
        assign_fingerprints(fr)
