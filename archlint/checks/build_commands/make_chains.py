"""Pushes a Makefile binds to a build: a push in a target whose prerequisites, directly or not,
build the image it pushes sends that build's image (minio's ``docker-hotfix-push:
docker-hotfix`` pushes ``$(TAG)`` as ``docker-hotfix`` just built it), not the image another
target builds under the same name (``docker``, which builds ``$(TAG)`` from another Dockerfile
for a CI job that runs it on the same machine).  Part of ``local.local_use``, once per Makefile,
within a budget linear in its text."""
from __future__ import annotations

from ...images import parse_image_ref
from ...parsers.make_graph import prerequisite_graph
from .local import text_at


def bound_pushes(ctx, tcs: list, name) -> tuple[set, set]:
    """({(line, column) of each push argument that sends what a prerequisite target built},
    {id(build command) such a push sends}) for the Makefile in ``ctx``; ``name`` normalises an
    image value.  A push and a build are of one image when both write the same text
    (``$(TAG)``) naming a known repository; a name the push's own target builds is that build's
    (the recipe runs after its prerequisites), bound to none.  Empty for other files, and past
    the budget."""
    if ctx.kind != "makefile" or not hasattr(ctx.model, "targets"):
        return set(), set()
    by_target: dict = {}  # target name -> [(build command, the keys of its names)]
    pushes = []
    for tc in tcs:
        target = getattr(tc.command.snippet, "group", None)
        if not hasattr(target, "names"):
            continue
        if tc.action == "build":
            keys = {k for k in (_key(ctx, im, name) for im in tc.images if im.role == "tag") if k}
            for tn in target.names:
                by_target.setdefault(tn, []).append((tc, keys))
        elif tc.action == "push":
            pushes.append((tc, target))
    graph = prerequisite_graph(ctx.model) if pushes and by_target else None
    if graph is None:
        return set(), set()
    budget = len(ctx.source.text) + 1000
    images, sent = set(), set()
    for tc, target in pushes:
        own = {k for tn in target.names for _b, keys in by_target.get(tn, ()) for k in keys}
        keyed = {}
        for im in tc.images:
            k = _key(ctx, im, name)
            if k and k not in own:
                keyed.setdefault(k, []).append((im.span.line, im.span.col))
        seen = set(target.names)
        todo = [d for tn in target.names for d in graph.get(tn, ())]
        while todo and keyed:
            budget -= 1
            if budget < 0:  # too many paths to follow: no push is bound
                return set(), set()
            d = todo.pop()
            if d in seen:
                continue
            seen.add(d)
            for b, keys in by_target.get(d, ()):
                for k in keys & keyed.keys():
                    images.update(keyed[k])
                    sent.add(id(b))
            todo.extend(graph.get(d, ()))
    return images, sent


def _key(ctx, im, name) -> tuple | None:
    """(the text the Makefile writes for an image, its normalised name) when its repository is
    written out (its tag may be unknown): two unknown names alike say nothing of being one."""
    written = text_at(ctx, im.span)
    n = name(im.value)
    repo = parse_image_ref(n)[0]
    if not written or not repo or "*" in repo or "$" in repo:
        return None
    return written, n
