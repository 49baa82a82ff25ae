"""``archlint graph``: the project model (``archlint.project.model.Project``) printed as text,
JSON, a Mermaid flowchart or a Graphviz DOT digraph.

Nodes are the build sites, the deployments, the Dockerfiles and the images that link them
(Dockerfile → build → image → deployment; a base image → the Dockerfile whose ``FROM`` names it).
What the model could not resolve is printed as unknown, never guessed: a ``*`` in a name, the
platforms of a build set from a variable, a Dockerfile not found.  Order is by path and line, so
the output of one tree is always the same.  ``paths`` (display paths relative to the project
root, folders or files) keeps the nodes in them and what they come from and lead to.
"""
from __future__ import annotations

from ..project.model import show_name


def _key(x):
    return (x.path, x.span.line, x.span.col)


class _Graph:
    """Ids, links and (with ``paths``) the selection of one project's nodes."""

    def __init__(self, project, paths=None):
        self.p = project
        self.builds = sorted(project.builds, key=_key)
        self.deploys = sorted(project.deploys, key=_key)
        self.bases = sorted(project.bases, key=_key)
        self.bid = {id(b): f"b{i}" for i, b in enumerate(self.builds, 1)}
        self.did = {id(d): f"d{i}" for i, d in enumerate(self.deploys, 1)}
        self.of_deploy = {id(d): self._sorted(project.builds_of(d.name)) for d in self.deploys}
        self.of_base = {id(s): self._sorted(project.builds_of(s.name)) for s in self.bases}
        self.deploys_of = {id(b): sorted(project.deploys_of(b), key=_key) for b in self.builds}
        self.bases_from = {}  # build -> the FROMs naming its image
        self.bases_in = {}  # Dockerfile -> its FROMs
        for s in self.bases:
            self.bases_in.setdefault(s.path, []).append(s)
            for b in self.of_base[id(s)]:
                self.bases_from.setdefault(id(b), []).append(s)
        files = {b.dockerfile for b in self.builds if b.dockerfile}
        files.update(p for p, k in project.kinds.items() if k == "dockerfile")
        self.dockerfiles = sorted(files)
        self.of_file = {f: self._sorted(project.builds_of_dockerfile(f)) for f in self.dockerfiles}
        self.keep = None if paths is None else self._select(paths)

    def _sorted(self, builds):
        return sorted(builds, key=lambda b: int(self.bid[id(b)][1:]))

    def ids(self, builds) -> list:
        return [self.bid[id(b)] for b in builds if self.shown(b)]

    def shown(self, node) -> bool:
        """Whether a node (a build, deployment, base or Dockerfile path) is printed."""
        return self.keep is None or (node if isinstance(node, str) else id(node)) in self.keep

    def _select(self, paths) -> set:
        """The nodes in ``paths``, with what they are made from (upstream) and what is made from
        them (downstream), each followed in its own direction only (not their siblings)."""
        prefixes = [p.rstrip("/") for p in paths]

        def inside(path: str) -> bool:
            return any(p in ("", ".") or path == p or path.startswith(p + "/") for p in prefixes)

        seeds = [b for b in self.builds if inside(b.path)] + [d for d in self.deploys if inside(d.path)]
        seeds += [s for s in self.bases if inside(s.path)] + [f for f in self.dockerfiles if inside(f)]

        def up(n):
            if isinstance(n, str):
                return self.bases_in.get(n, ())
            if id(n) in self.did:
                return self.of_deploy[id(n)]
            if id(n) in self.bid:
                return [n.dockerfile] if n.dockerfile else ()
            return self.of_base[id(n)]

        def down(n):
            if isinstance(n, str):
                return self.of_file.get(n, ())
            if id(n) in self.bid:
                return self.deploys_of[id(n)] + self.bases_from.get(id(n), [])
            if id(n) in self.did:
                return ()
            return [n.path]

        keep: set = set()
        for step in (up, down):
            seen: set = set()
            todo = list(seeds)
            while todo:
                n = todo.pop()
                k = n if isinstance(n, str) else id(n)
                if k in seen:
                    continue
                seen.add(k)
                todo.extend(step(n))
            keep |= seen
        return keep


# ---- words ------------------------------------------------------------------------------------


def _platforms(b) -> str:
    if b.platforms is None:
        return "platforms unknown"
    if b.platforms:
        return "platforms " + ", ".join(b.platforms)
    if b.host:
        return f"platforms {b.host} (the runner's)"
    return "platforms of the build machine"


def _dockerfile(b) -> str:
    if b.dockerfile:
        return b.dockerfile
    if b.tried:
        return f"{b.file or b.tried[-1]} not found (tried {', '.join(b.tried)})"
    if b.file == "-":
        return "Dockerfile from stdin"
    if b.file and "*" not in b.file:
        return f"{b.file} (not looked up)"
    if b.file:
        return f"Dockerfile unknown ({b.file})"
    return f"Dockerfile unknown (context {b.context})" if b.context else "Dockerfile unknown"


def _arch(d) -> str:
    if not d.arch:
        return "any arch"
    return "arch " + ", ".join(d.arch) + (f" ({d.source})" if d.source else "")


def _build_line(b) -> str:
    parts = [f"{b.where} {b.tool} → {_dockerfile(b)}", _platforms(b)]
    tags = [show_name(n) for n in b.tags] + list(b.unknown_tags)
    parts.append("tags " + ", ".join(tags) if tags else "no tags")
    more = [show_name(n) for n in b.names if n not in b.tags]
    if more:
        parts.append("also named " + ", ".join(more))
    if b.push:
        parts.append("pushes")
    if b.local:
        parts.append("local only")
    return ", ".join(parts)


def _deploy_line(d) -> str:
    return f"{d.where} {d.via} {d.image}, {_arch(d)}"


# ---- formats ----------------------------------------------------------------------------------


def text(project, paths=None) -> str:
    g = _Graph(project, paths)
    out: list[str] = []
    for b in g.builds:
        if not g.shown(b):
            continue
        out.append(_build_line(b))
        for d in g.deploys_of[id(b)]:
            if g.shown(d):
                out.append(f"    deployed by {_deploy_line(d)}")
        for s in g.bases_from.get(id(b), ()):
            if g.shown(s):
                out.append(f"    base of {s.path}:{s.span.line} (FROM {s.image})")
    orphans = [d for d in g.deploys if not g.of_deploy[id(d)] and g.shown(d)]
    if orphans:
        out += ["", "Deployments with no known build:"] + [f"    {_deploy_line(d)}" for d in orphans]
    files = [f for f in g.dockerfiles if not g.of_file[f] and g.shown(f)]
    if files:
        out += ["", "Dockerfiles with no known build:"]
        for f in files:
            froms = ", ".join(s.image for s in g.bases_in.get(f, ()))
            out.append(f"    {f}" + (f" (FROM {froms})" if froms else ""))
    if not out:
        return "No builds, deployments or Dockerfiles found.\n"
    if any("*" in line for line in out):
        out += ["", "* is a part archlint could not resolve (a variable)."]
    return "\n".join(out).lstrip("\n") + "\n"


def data(project, paths=None) -> dict:
    """The JSON document as Python data."""
    g = _Graph(project, paths)
    return {
        "builds": [{
            "id": g.bid[id(b)], "path": b.path, "line": b.span.line, "tool": b.tool,
            "dockerfile": b.dockerfile, "tried": list(b.tried), "platforms": b.platforms, "host": b.host,
            "tags": [show_name(n) for n in b.tags], "names": [show_name(n) for n in b.names],
            "push": bool(b.push), "local": bool(b.local),
        } for b in g.builds if g.shown(b)],
        "deployments": [{
            "id": g.did[id(d)], "path": d.path, "line": d.span.line, "image": d.image, "arch": d.arch,
            "from": d.source, "via": d.via, "builds": g.ids(g.of_deploy[id(d)]),
        } for d in g.deploys if g.shown(d)],
        "bases": [{
            "path": s.path, "line": s.span.line, "image": s.image, "builds": g.ids(g.of_base[id(s)]),
        } for s in g.bases if g.shown(s)],
        "dockerfiles": {f: g.ids(g.of_file[f]) for f in g.dockerfiles if g.shown(f)},
    }


def json(project, paths=None) -> str:
    import json as _json

    return _json.dumps(data(project, paths), indent=2) + "\n"


def _edges(g):
    """(nodes, edges) of the flowchart: nodes ``(id, kind, label)`` in a stable order, edges
    ``(from id, to id)``, each once."""
    nodes: dict = {}
    edges: dict = {}
    images: dict = {}

    def image(name: str) -> str:
        if name not in images:
            images[name] = f"i{len(images) + 1}"
            nodes[images[name]] = ("image", name)
        return images[name]

    fid = {f: f"f{i}" for i, f in enumerate(g.dockerfiles, 1)}
    for f in g.dockerfiles:
        if g.shown(f):
            nodes[fid[f]] = ("dockerfile", f)
    for b in g.builds:
        if not g.shown(b):
            continue
        bid = g.bid[id(b)]
        nodes[bid] = ("build", f"{b.where} {b.tool}, {_platforms(b)}")
        if b.dockerfile:
            edges[(fid[b.dockerfile], bid)] = None
        else:
            u = "u" + bid[1:]
            nodes[u] = ("unknown", _dockerfile(b))
            edges[(u, bid)] = None
        for n in b.names:
            edges[(bid, image(show_name(n)))] = None
    for d in g.deploys:
        if not g.shown(d):
            continue
        did = g.did[id(d)]
        nodes[did] = ("deploy", f"{d.where} {d.via}, {_arch(d)}")
        i = image(show_name(d.name))
        for b in g.of_deploy[id(d)]:
            if g.shown(b):
                edges[(g.bid[id(b)], i)] = None
        edges[(i, did)] = None
    for s in g.bases:
        if not g.shown(s):
            continue
        i = image(show_name(s.name))
        for b in g.of_base[id(s)]:
            if g.shown(b):
                edges[(g.bid[id(b)], i)] = None
        edges[(i, fid[s.path])] = None
        if fid[s.path] not in nodes:
            nodes[fid[s.path]] = ("dockerfile", s.path)
    return nodes, list(edges)


_MERMAID_SHAPE = {"dockerfile": '["{}"]', "unknown": '["{}"]', "build": '("{}")', "image": '[("{}")]',
                  "deploy": '{{{{"{}"}}}}'}


def _mermaid_label(s: str) -> str:
    return (s.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\n", " "))


def mermaid(project, paths=None) -> str:
    nodes, edges = _edges(_Graph(project, paths))
    out = ["flowchart LR"]
    for nid, (kind, label) in nodes.items():
        out.append(f"    {nid}" + _MERMAID_SHAPE[kind].format(_mermaid_label(label)))
    out += [f"    {a} --> {b}" for a, b in edges]
    return "\n".join(out) + "\n"


_DOT_SHAPE = {"dockerfile": "note", "unknown": "note", "build": "box", "image": "cylinder", "deploy": "hexagon"}


def _dot_label(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def dot(project, paths=None) -> str:
    nodes, edges = _edges(_Graph(project, paths))
    out = ["digraph archlint {", "    rankdir=LR;", '    node [fontname="Helvetica"];']
    for nid, (kind, label) in nodes.items():
        extra = ", style=dashed" if kind == "unknown" else ""
        out.append(f"    {nid} [label={_dot_label(label)}, shape={_DOT_SHAPE[kind]}{extra}];")
    out += [f"    {a} -> {b};" for a, b in edges]
    out.append("}")
    return "\n".join(out) + "\n"


RENDERERS = {"text": text, "json": json, "mermaid": mermaid, "dot": dot}
