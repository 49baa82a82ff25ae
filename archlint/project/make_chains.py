"""Pushes a Makefile binds to a build: a push in a target whose prerequisites, directly or not,
build the image it pushes sends that build's image (minio's ``docker-hotfix-push:
docker-hotfix`` pushes ``$(TAG)`` as ``docker-hotfix`` just built it), not the image another
target builds under the same name (``docker``, which builds ``$(TAG)`` from another Dockerfile
for a CI job that runs it on the same machine).  Worked out once per Makefile, within a budget
linear in its text."""
from __future__ import annotations


def bound_pushes(ctx, tcs: list, pattern) -> tuple[dict, set]:
    """({id(push command): the names it pushes that a prerequisite's build gives},
    {id(build command) that a dependent target's push sends}) for the Makefile in ``ctx``;
    ``pattern`` turns an image value into the name the facts use.  Empty for other files."""
    if ctx.kind != "makefile" or not hasattr(ctx.model, "targets"):
        return {}, set()
    by_target: dict = {}  # target name -> [(build command, its names)]
    pushes = []
    for tc in tcs:
        target = getattr(tc.command.snippet, "group", None)
        if not hasattr(target, "names"):
            continue
        if tc.action == "build":
            names = {p for p in (pattern(im.value) for im in tc.images if im.role == "tag") if _known_repository(p)}
            for tn in target.names:
                by_target.setdefault(tn, []).append((tc, names))
        elif tc.action == "push":
            pushes.append((tc, target))
    if not pushes or not by_target:
        return {}, set()
    graph = _graph(ctx.model)
    budget = len(ctx.source.text) + 1000
    bound: dict = {}
    sent: set = set()
    for tc, target in pushes:
        pushed = {p for p in (pattern(im.value) for im in tc.images) if p}
        seen = set(target.names)
        todo = [d for tn in target.names for d in graph.get(tn, ())]
        while todo and budget > 0:
            budget -= 1
            d = todo.pop()
            if d in seen:
                continue
            seen.add(d)
            for b, names in by_target.get(d, ()):
                hit = pushed & names
                if hit:
                    bound.setdefault(id(tc), set()).update(hit)
                    sent.add(id(b))
            todo.extend(graph.get(d, ()))
        if budget <= 0:  # too many paths to follow: no push is bound
            return {}, set()
    return bound, sent


def _graph(model) -> dict:
    """Target name -> the names of its prerequisites (literal ones: a variable's are expanded,
    what stays unknown links nothing)."""
    graph: dict = {}
    for t in model.targets:
        pre, _unknown = model.expand(t.prerequisites)
        deps = [d for d in pre.split() if d != "|" and "$" not in d]
        for tn in t.names:
            graph.setdefault(tn, []).extend(deps)
    return graph


def _known_repository(name: str | None) -> bool:
    """Whether an image name's repository is written out (its tag may be unknown): two unknown
    names alike say nothing of being the same image."""
    if not name:
        return False
    repo = name.split("@", 1)[0]
    if ":" in repo.rsplit("/", 1)[-1]:
        repo = repo.rsplit(":", 1)[0]
    return "*" not in repo and "$" not in repo
