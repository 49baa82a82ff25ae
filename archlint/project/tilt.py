"""What a Tiltfile tells the project model.  A Tiltfile is Starlark, which Python's ``ast`` reads
(the python kind's parser).  ``docker_build(ref, context, dockerfile=..., target=...)``,
``docker_build_with_restart`` (the restart_process extension) and ``custom_build(ref, ...)``
build an image that Tilt puts in place of ``ref`` (any tag) in the manifests the Tiltfile
deploys, tagged with a content hash: the fact ``tilt`` names those images and the manifests
(``k8s_yaml('app.yaml')``, ``k8s_yaml(['a.yaml', 'b.yaml'])``) and folders (``kustomize('dir')``,
``helm('chart')`` or ``local('helm template ... chart')``: its templates and values) it
deploys, read from literals (a name given one
included); a ref with a tag stands for that tag only, as Tilt matches it; an
``image: oneup`` there is a placeholder, as a Skaffold artifact's.  A ``docker_build`` is a build
of its Dockerfile for the dev cluster (Tilt passes the cluster's platform, unknown here), a local
one: Tilt's dev loop, whose path may be read another way (never missing)."""
from __future__ import annotations

import ast

from .facts import _span, pattern

_BUILDS = ("docker_build", "docker_build_with_restart")
_RETAGS = _BUILDS + ("custom_build",)
MAX_CALLS = 512  # builds, and deployed paths, read from one Tiltfile


def _string(node, consts: dict) -> str | None:
    """The value of a string expression, with ``*`` for each part not known here (a variable of
    another value, a call): a literal, a module-level name given one literal, ``a + b`` (a chain
    of any length, read without recursion) and f-strings are read; None when nothing of it is
    a string."""
    parts, todo = [], [node]
    while todo and len(parts) < 4096:
        n = todo.pop()
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
            todo += [n.right, n.left]  # (the left one next: in order)
        elif isinstance(n, ast.Constant):
            parts.append(n.value if isinstance(n.value, str) else None)
        elif isinstance(n, ast.Name):
            parts.append(consts.get(n.id, "*"))
        elif isinstance(n, ast.JoinedStr):
            parts.append("".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "*"
                                 for v in n.values))
        else:
            parts.append("*")
    if todo or all(p is None for p in parts):
        return None
    return "".join("*" if p is None else p for p in parts)


def _literals(tree) -> dict:
    """Module-level ``NAME = 'literal'`` assignments; a name given two values is not known."""
    out: dict = {}
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            v = st.value.value if isinstance(st.value, ast.Constant) and isinstance(st.value.value, str) else "*"
            name = st.targets[0].id
            out[name] = v if out.get(name, v) == v else "*"
    return out


def _helm_template(command: str | None) -> list:
    """The chart and values files a ``local('helm template ... CHART')`` command deploys
    (chroma's ``'helm template --set-file ...' + ... + ' --values ' + VALUES + ' k8s/distributed-chroma'``):
    its last word, when known, a chart's templates and values; the literal files of its
    ``--values``/``-f``, comma-separated.  [] for another command."""
    words = (command or "").split()
    if len(words) < 3 or words[:2] != ["helm", "template"] or "*" in words[-1] or words[-1].startswith("-"):
        return []
    d = words[-1].rstrip("/")
    out = [d + "/templates/", d + "/values.yaml", d + "/values.yml"]
    for flag, val in zip(words, words[1:]):
        if flag in ("--values", "-f"):
            out += [v for v in val.split(",") if v and "*" not in v][:16]
    return out


def _deployed(node, assigned: dict, seen: set, consts: dict | None = None) -> list:
    """The paths a ``k8s_yaml`` argument deploys: files, the folder of a ``kustomize()``, the
    templates and values of a ``helm()`` chart; a part not known here is left out.  Each name
    is followed once for the whole Tiltfile (``seen``), and at most 256 nodes are looked at."""
    out, todo, budget = [], [node], 256
    while todo and budget > 0:
        n = todo.pop()
        budget -= 1
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            out.append(n.value)
        elif isinstance(n, (ast.List, ast.Tuple)):
            todo += reversed(n.elts[:64])
        elif isinstance(n, ast.Name) and n.id in assigned and n.id not in seen:
            seen.add(n.id)
            todo.append(assigned[n.id])
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("kustomize", "helm") \
                and n.args and isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str):
            d = n.args[0].value.rstrip("/")
            out += [d + "/"] if n.func.id == "kustomize" else [d + "/templates/", d + "/values.yaml", d + "/values.yml"]
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "local" and n.args:
            out += _helm_template(_string(n.args[0], consts or {}))  # (the YAML a command writes)
    return out


def _assigned(tree) -> dict:
    """Names assigned once at any level (``yaml = helm('chart')``): their value's node."""
    out: dict = {}
    for st in ast.walk(tree):
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            name = st.targets[0].id
            out[name] = None if name in out else st.value
    return {k: v for k, v in out.items() if v is not None}


def _arg(call, at: int | None, name: str):
    """A call's argument given by keyword ``name``, or at position ``at`` (None: keyword only)."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return call.args[at] if at is not None and len(call.args) > at else None


def tilt_facts(ctx, out: dict) -> None:
    tree = getattr(ctx.model, "tree", None)
    if tree is None:
        return
    try:
        _read(ctx, tree, out)
    except RecursionError:  # (an expression nested deeper than ast.walk goes: nothing read)
        out.pop("builds", None)


def _read(ctx, tree, out: dict) -> None:
    consts, assigned, followed = _literals(tree), None, set()
    calls, names, paths = 0, [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id == "k8s_yaml" and node.args:
            if len(paths) < MAX_CALLS:  # (each path looked for among at most that many)
                assigned = _assigned(tree) if assigned is None else assigned
                paths += [p for p in _deployed(node.args[0], assigned, followed, consts) if p not in paths][:64]
            continue
        if node.func.id not in _RETAGS:
            continue
        calls += 1
        if calls > MAX_CALLS:
            break
        ref = _arg(node, 0, "ref")
        name = pattern(_string(ref, consts)) if ref is not None else None
        command = _arg(node, 1, "command") if node.func.id == "custom_build" else None
        if not name or isinstance(command, ast.Constant) and command.value == ":":
            continue  # (command=':': Tilt's live-update-only mode deploys the image as written)
        if name not in names:
            names.append(name)
        if node.func.id not in _BUILDS:
            continue
        context = _arg(node, 1, "context")
        ctx_value = _string(context, consts) if context is not None else None
        dockerfile = _arg(node, None, "dockerfile")  # (the third positional is build_args, or entrypoint)
        file = _string(dockerfile, consts) if dockerfile is not None else None
        if _arg(node, None, "dockerfile_contents") is not None or ctx_value is None:
            continue  # a Dockerfile written in the Tiltfile, or no context: no file of the repository
        target = _arg(node, None, "target")
        out.setdefault("builds", []).append({
            "span": _span((node.lineno, ctx.model.col(node.lineno, node.col_offset), node.lineno,
                           ctx.model.col(node.lineno, node.col_offset) + len(node.func.id))),
            "tool": "tilt " + node.func.id,
            # the dockerfile argument is read from the Tiltfile's folder, as the context
            "file": pattern(file) if file is not None else pattern(ctx_value.rstrip("/") + "/Dockerfile"),
            "context": pattern(ctx_value),
            "bases": ["file", "made"],
            "platforms": None,  # the cluster's (Tilt asks it): not known here
            "host": None,
            "tags": [],  # Tilt tags what it builds with a content hash, for the dev cluster only
            "push": False,  # a dev build for the dev cluster Tilt deploys it to
            "local": True,
            "stage": pattern(_string(target, consts)) if target is not None else None,
            "args": [],
            "dynamic_args": [],
        })
    if names and paths:
        out["tilt"] = [{"names": names, "paths": paths}]
