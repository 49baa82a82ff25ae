"""A Makefile's prerequisite graph: target name -> the literal names of its prerequisites (a
variable's are expanded; what stays unknown links nothing).  Built once per model, within a
budget linear in the file: a variable of N names given as the prerequisites of N targets would
make N² edges from a file of size N, so past the budget there is no graph (None) and its users
take every link as unknown."""
from __future__ import annotations


def prerequisite_graph(model) -> dict | None:
    """The graph of ``model`` (a ``MakeModel``), or None over the budget.  Worked out once."""
    hit = getattr(model, "_prerequisites", False)
    if hit is not False:
        return hit
    graph: dict[str, list[str]] | None = {}
    budget = len(model.source.text) + 1000
    for t in model.targets:
        pre, _unknown = model.expand(t.prerequisites)
        deps = [d for d in pre.split() if d != "|" and "$" not in d]
        budget -= len(deps) * len(t.names) + 1
        if budget < 0:
            graph = None
            break
        for tn in t.names:
            graph.setdefault(tn, []).extend(deps)
    model._prerequisites = graph
    return graph
