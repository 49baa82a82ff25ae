"""What a Home Assistant add-on's configuration tells the project model: the build of the
Dockerfile beside it.

The Supervisor (or the add-on builder, for an add-on whose configuration names a prebuilt
``image:``) builds the folder's ``Dockerfile`` once per architecture of the configuration's
``arch:`` list, and ``Dockerfile.<arch>`` instead where the folder has one; it passes
``BUILD_FROM`` (the ``build_from`` of ``build.yaml``/``build.yml``/``build.json`` for that
architecture), ``BUILD_ARCH`` (the add-on's name of the architecture: ``aarch64``), ``BUILD_VERSION``
and the build file's ``args``.  Without ``image:`` the Supervisor builds the add-on on the device
that runs it (``local``: its build machine is its target); with one, users pull that image and the
Dockerfile is built by the repository's CI, if anywhere (``prebuilt_elsewhere``).  An architecture
name the table does not know makes the platforms unknown; a folder without a Dockerfile (an
add-on that is only a prebuilt image) has no build."""
from __future__ import annotations

import os

#: the add-on architectures (the Supervisor's names) as platforms
ARCHES = {"amd64": "linux/amd64", "aarch64": "linux/arm64", "armv7": "linux/arm/v7", "armhf": "linux/arm/v6",
          "i386": "linux/386"}
#: the tool name of an add-on's build (refine.py tells these builds by it)
TOOL = "Home Assistant add-on"
#: the build arguments the Supervisor and the add-on builder pass every build
_PASSED = ("BUILD_FROM", "BUILD_VERSION", "BUILD_ARCH")
_BUILD_FILES = ("build.yaml", "build.yml", "build.json")
#: at most this much of a build file is read, and this many architectures taken
_MAX_BUILD_FILE = 1 << 20
_MAX_ARCHES = 16


def addon_facts(ctx, out: dict) -> None:
    """Add the add-on's builds to ``out`` (see the module's docstring); every path looked at is
    an input of the file's result."""
    from ..images import floating_value
    from ..parsers.yamldoc import is_map, is_scalar, items, scalar, text, value
    from .facts import _span, canonical, pattern

    model = ctx.model
    root = next((d for d in model.documents if is_map(d)), None)
    arch = value(root, "arch") if root is not None and (text(root, "slug") or "").strip() else None
    arches = [a for a in ((scalar(n) or "").strip() for n in items(arch)[:_MAX_ARCHES] if is_scalar(n)) if a]
    if not arches or not ctx.source.abspath:
        return
    folder = os.path.dirname(ctx.source.abspath)
    image = pattern((text(root, "image") or "").replace("{arch}", "*"))
    build_from, args = _build_file(folder, ctx.source.inputs)
    files: dict = {}  # Dockerfile name -> the architectures it is built for
    for a in arches:
        own = f"Dockerfile.{a}"
        files.setdefault(own if _exists(folder, own, ctx.source.inputs) else "Dockerfile", []).append(a)
    for name, group in files.items():
        if not _exists(folder, name, ctx.source.inputs):
            continue  # a prebuilt image's add-on: no Dockerfile here
        plats = canonical([ARCHES.get(a, "*") for a in group])
        froms = [build_from.get(a) for a in group]
        out.setdefault("builds", []).append({
            "span": _span(model.content_span(arch)),
            "tool": TOOL,
            "file": name,
            "context": ".",
            "bases": ["file"],
            "platforms": plats,
            "host": None,
            "tags": [image] if image and image != "*" else [],
            "push": image is not None,
            "local": image is None,
            "stage": None,
            "args": sorted({*_PASSED, *args}),
            "dynamic_args": ["BUILD_ARCH", "BUILD_VERSION"],
            # a base not given for an architecture is the builder's default: a rolling one
            "floating_args": ["BUILD_FROM"] if any(f is None or floating_value(f) for f in froms) else [],
        })


def _exists(folder: str, name: str, inputs: list) -> bool:
    path = os.path.join(folder, name)
    inputs.append(path)
    return os.path.isfile(path)


def _build_file(folder: str, inputs: list) -> tuple[dict, list]:
    """The ``build_from`` per architecture (one image for all when it is a string) and the names
    of the ``args`` of the add-on's build file; nothing from a file that is not a mapping."""
    from ..parsers.yamldoc import compose, is_map, is_scalar, pairs, scalar, value
    from ..source import read_regular

    for name in _BUILD_FILES:
        path = os.path.join(folder, name)
        inputs.append(path)
        try:  # (a FIFO or device so named is not read: it would block the run)
            data = read_regular(path, _MAX_BUILD_FILE)
        except OSError:
            continue
        if len(data) > _MAX_BUILD_FILE:
            return {}, []
        try:
            docs = compose(data.decode("utf-8", "replace"))
        except Exception:  # a build file YAML cannot read: nothing known from it
            return {}, []
        root = next((d for d in docs if is_map(d)), None)
        if root is None:
            return {}, []
        bf = value(root, "build_from")
        if is_scalar(bf):
            one = (scalar(bf) or "").strip()
            build_from = {a: one for a in ARCHES} if one else {}
        else:
            build_from = {(scalar(k) or "").strip(): (scalar(v) or "").strip()
                          for k, v in (pairs(bf) if is_map(bf) else ()) if is_scalar(k) and is_scalar(v)}
        args = value(root, "args")
        names = [(scalar(k) or "").strip() for k, _v in (pairs(args) if is_map(args) else ()) if is_scalar(k)]
        return build_from, [n for n in names if n]
    return {}, []
