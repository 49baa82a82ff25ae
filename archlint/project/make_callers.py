"""What the callers of make say: the Makefiles a file runs with ``make -f`` or includes (their
recipes run in the caller's folder), and the variables a command line of make sets (``make
docker_multi_platform VERSION=${{ ... }}``), which override a Makefile's plain assignments as
they do its ``?=`` defaults (GNU make: a command-line variable wins over every assignment that
is not ``override``)."""
from __future__ import annotations

import os
import re

#: ``make -f path`` / ``$(MAKE) -f path``: another Makefile run from this file's working folder
_MAKE_F = re.compile(r"(?:\$\(MAKE\)|\$\{MAKE\}|(?<![\w./-])make)[ \t]+(?:[^\n;&|#]*?[ \t])?(?:-f|--file(?:=|[ \t]+)|--makefile(?:=|[ \t]+))[ \t]*([\w./-]+)")
#: a command line of make, to the end of its line or a command separator (bounded: linear)
_MAKE_LINE = re.compile(r"(?:\$\(MAKE\)|\$\{MAKE\}|(?<![\w./$-])g?make)[ \t]([^\n;&|#]{0,2000})")
#: ``NAME=value`` (or ``NAME:=value``) among its words
_SETS = re.compile(r"(?:^|[ \t])[\"']?([A-Za-z_][A-Za-z0-9_]{0,100}):{0,2}=")
_MAX = 64
_MAX_CHAIN = 16  # variables a latest tag is followed through
#: a variant Makefile's name (``Makefile.docker``), or a variable in its place (``Makefile.$(OS)``)
_VARIANT = re.compile(r"(?<![\w.-])(?:GNU)?[Mm]akefile\.([$*%]|[A-Za-z0-9_-]{1,100})")


def make_calls(ctx, out: dict, bases: list) -> None:
    """Makefiles this file runs with ``make -f`` (from its own working folder), and those a
    Makefile includes: their recipes run in the including Makefile's folder (dapr's root
    Makefile includes ``docker/docker.mk``, whose ``-f ./docker/Dockerfile-dev`` is read from the
    repository's top)."""
    text = ctx.source.text
    calls = []
    here = os.path.dirname(ctx.source.abspath or "")
    included = []
    for real in getattr(ctx.model, "includes", ()) if ctx.kind == "makefile" and here else ():
        rel = os.path.relpath(real, here).replace(os.sep, "/")
        if rel not in included and len(included) < _MAX:
            included.append(rel)
    if included:
        out["includes"] = included
    if "-f" in text or "--file" in text or "--makefile" in text:
        for m in _MAKE_F.finditer(text):
            p = m.group(1)
            if p and p not in calls and len(calls) < _MAX:
                calls.append(p)
    if calls:
        out["makes"] = {"files": calls, "bases": bases}


def make_named(ctx, out: dict) -> None:
    """The variant Makefiles (``Makefile.docker``) this file names: run with ``make -f``, included,
    or only mentioned (a README's steps, a CI file's ``make -f Makefile.docker``), as
    ``make_named``; ``*`` for a name with a variable or a pattern (``include Makefile.$(OS)``,
    ``-include $(wildcard Makefile.*)``: any).  A variant
    no file names is run by nothing archlint sees (``unreached``)."""
    text = ctx.source.text
    if "akefile." not in text:
        return
    own = os.path.basename(ctx.source.path or "")
    names: list = []
    for m in _VARIANT.finditer(text):
        n = "*" if m.group(1) in "$*%" else m.group(0).removeprefix("GNU")
        if n != own.removeprefix("GNU") and n not in names and len(names) < _MAX:
            names.append(n)
    if names:
        out["make_named"] = names


def make_sets(ctx, out: dict) -> None:
    """The variables this file's command lines of make set (``make push VERSION=v1.2``, a
    workflow's ``make docker_multi_platform VERSION=${{ ... }}``, a recipe's ``$(MAKE) image
    TAG=$(GIT_SHA)``; not one handed down as itself, ``VERSION=$(VERSION)``), as ``make_sets``: a
    Makefile's plain assignment of one of them may be its caller's value (the names are the
    repository's, whichever Makefile the line runs).  Lines continued with ``\\`` are read as one."""
    text = ctx.source.text
    if "make" not in text and "MAKE" not in text:
        return
    if "\\\n" in text:
        text = text.replace("\\\n", " ")
    names: list = []
    for m in _MAKE_LINE.finditer(text):
        line = m.group(1)
        for s in _SETS.finditer(line):
            n = s.group(1)
            if line.startswith((f"$({n})", f"${{{n}}}"), s.end()):
                continue  # (`$(MAKE) -C sub VERSION=$(VERSION)`: its own value handed down, not a caller's)
            if n not in names and len(names) < _MAX:
                names.append(n)
    if names:
        out["make_sets"] = names


def latest_knobs(ctx, tcs, out: dict) -> None:
    """In a Makefile, the lines where a build, tag or push names an image ``latest`` through
    plain Make variables (``VERSION = latest``, ``--tag $(REGISTRY)/app:$(VERSION)``), with the
    variables on the way to that tag, as ``make_latest``: ``"line:NAME NAME"``.  A caller that sets
    one of them on make's command line names the tag (``refine.bc006``); a ``?=`` default is its
    caller's already (BC006 says nothing of it)."""
    from ..images import split_ref

    knobs: list = []
    for tc in tcs:
        if tc.action not in ("build", "tag", "push") or not tc.images:
            continue
        for im in tc.images:
            ref = None if im.dynamic else split_ref(im.value)
            if ref is None or ref[1] not in (None, "latest") or len(knobs) >= 256:
                continue  # (a value not known, or no registry reference: `-it` read as the tag)
            names = _tag_variables(ctx, tc, im.span)
            if names:
                knobs.append(f"{im.span.line}:{' '.join(names)}")
    if knobs:
        out["make_latest"] = knobs


def _tag_variables(ctx, tc, span) -> list:
    """The Make variables the tag written at ``span`` goes through (``$(IMG)``, then the tag
    part of what ``IMG`` holds, ...; each once), when none is a ``?=`` default nor a value not
    known here: the plain assignments a caller of make may override."""
    from ..checks.build_commands.local import text_at
    from ..parsers.make_syntax import tag_part, variable_walk

    if not hasattr(ctx.model, "lookup"):
        return []
    target = getattr(tc.command.snippet, "group", None)
    names: list = []
    for name, var in variable_walk(lambda n: ctx.model.lookup(n, target), text_at(ctx, span) or "", tag_part):
        if len(names) == _MAX_CHAIN or var is None or var.dynamic or var.op == "?=":
            return []  # (each variable once, 16 at most: a tag through more is not followed)
        names.append(name)
    return names
