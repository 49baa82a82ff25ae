"""What a GoReleaser configuration (``.goreleaser.yaml``) tells the project model: its image
builds.  ``goreleaser release`` builds and pushes every ``dockers`` entry (one ``docker build``
or ``docker buildx build`` with the entry's ``build_flag_templates``: the platform is their
``--platform``, else the build machine's) and every ``dockers_v2`` entry not ``disable``d (one
multi-platform ``buildx`` build of its ``platforms``; left out or empty: GoReleaser's default,
not restated here: unknown); ``docker_manifests`` publish per-architecture images under one name
(an alias of each, marked ``list``: the members are not one another's aliases).  The Dockerfile is relative to the project root, where goreleaser runs: the
configuration's folder, or one above it (``goreleaser -f .config/goreleaser.yaml``).  Template
parts (``{{ .Tag }}``) are unknown; a templated ``--platform`` is an unknown platform (GoReleaser
renders build flags without the artifact's ``.Os``/``.Arch``)."""
from __future__ import annotations

#: at most this many image names from one ``dockers_v2`` entry's ``images`` x ``tags``
_MAX_NAMES = 64


def goreleaser_facts(ctx, out: dict) -> None:
    """Add the configuration's builds and aliases to ``out`` (see the module's docstring)."""
    from ..parsers.yamldoc import is_map, is_scalar, items, scalar, value
    from .facts import pattern

    model = ctx.model
    for root in model.documents:
        if not is_map(root):
            continue
        for entry in items(value(root, "dockers")):
            if is_map(entry):
                _build(out, model, entry, "goreleaser dockers", _v1_platforms(entry), _names(entry, "image_templates"))
        for entry in items(value(root, "dockers_v2")):
            if is_map(entry) and not _true(entry, "disable"):
                tags = [t for t in (scalar(t) for t in items(value(entry, "tags")) if is_scalar(t)) if t and t.strip()]
                tags = tags or ["*"]
                # every image with every tag: bounded, so a hostile file's lists stay linear
                names = [f"{im}:{t}" for im in _names(entry, "images")[:_MAX_NAMES]
                         for t in tags[:_MAX_NAMES]][:_MAX_NAMES]
                plats = value(entry, "platforms")
                # without platforms (or none listed): GoReleaser's default, not restated here (unknown)
                listed = [scalar(p) or "" for p in items(plats) if is_scalar(p)] or None
                _build(out, model, entry, "goreleaser dockers_v2", listed, names)
        for m in items(value(root, "docker_manifests")):
            dst = pattern(_text(m, "name_template")) if is_map(m) else None
            for src in _names(m, "image_templates") if dst else ():
                p = pattern(src)
                if p:
                    out.setdefault("aliases", []).append({"src": p, "dst": dst, "list": True})


def _text(node, key: str) -> str | None:
    from ..parsers.yamldoc import text

    return text(node, key)


def _true(entry, key: str) -> bool:
    """A ``skip_push: true`` / ``disable: true`` switch (a template is not known to be true)."""
    return (_text(entry, key) or "").strip().lower() == "true"


def _names(entry, key: str) -> list:
    from ..parsers.yamldoc import is_scalar, items, scalar, value

    return [s for s in (scalar(n) for n in items(value(entry, key)) if is_scalar(n)) if s and s.strip()]


def _flags(entry) -> list:
    return _names(entry, "build_flag_templates")


def _flag(flags: list, name: str) -> str | None:
    """The value of ``--name=value`` (or ``--name value``) among ``flags``."""
    return next(_flag_values(flags, name), None)


def _flag_values(flags: list, name: str):
    """Each value of ``--name=value`` (or ``--name value``) among ``flags``, in order."""
    for i, f in enumerate(flags):
        f = f.strip()
        if f.startswith(name + "="):
            yield f[len(name) + 1:].strip()
        elif f == name and i + 1 < len(flags):
            yield flags[i + 1].strip()


def _v1_platforms(entry) -> list | None:
    """The platform a ``dockers`` entry builds for: its ``--platform`` flag; ``[]`` (the build
    machine's) without one; None when it is templated."""
    value = _flag(_flags(entry), "--platform")
    if value is None:
        return []
    if "{{" in value:
        return None
    return [p for p in value.split(",") if p.strip()]


def _build(out: dict, model, entry, tool: str, plats: list | None, names: list) -> None:
    from ..parsers.yamldoc import value
    from .facts import _span, canonical, pattern

    templated = _text(entry, "templated_dockerfile")
    dockerfile = "*" if templated else pattern(_text(entry, "dockerfile") or "Dockerfile")
    anchor = value(entry, "dockerfile") or value(entry, "image_templates") or value(entry, "images") or entry
    out.setdefault("builds", []).append({
        "span": _span(model.content_span(anchor)),
        "tool": tool,
        "file": dockerfile,
        "context": "*",  # a folder goreleaser assembles (the binaries, extra_files)
        "bases": ["up"],
        "platforms": None if plats is None else canonical(plats),
        "host": None,
        "tags": [p for p in (pattern(n) for n in names) if p],
        "push": not _true(entry, "skip_push"),
        "local": False,
        "stage": pattern(_flag(_flags(entry), "--target")),
        "args": _build_args(_flags(entry)),
        "dynamic_args": _build_args(_flags(entry), templated=True),
    })


def _build_args(flags: list, templated: bool = False) -> list:
    """The names of the ``--build-arg NAME=value`` among ``flags`` (either spelling); with
    ``templated``, only those whose value is a template (not known here)."""
    return sorted({v.split("=", 1)[0] for v in _flag_values(flags, "--build-arg") if v and (not templated or "{{" in v)})
