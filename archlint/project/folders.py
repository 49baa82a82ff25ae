"""Where a command runs: the ``cd``/``pushd`` before it in its snippet (``facts``' ``bases``)."""
from __future__ import annotations

import bisect
import re

#: a command that changes the working folder (``cd sub && docker build -f x .``): a relative path
#: after it is relative to a folder not known here
_MOVES = re.compile(r"(?:^|[;&|(\s])(?:cd|pushd)(?:[ \t]+((?:\$\([^)\n]*\)|\$(?!\()|[^;&|\n)$])*))?(?=[;&|\n)]|$)")
#: ``cd "$(dirname "$0")"`` and its spellings: the script's own folder
_OWN_FOLDER = re.compile(r"""^["']?\$\(\s*dirname\s+["']?\$(?:0|\{?BASH_SOURCE(?:\[0\])?\}?)["']?\s*\)["']?$"""
                         r"""|^["']?\$\{0%/\*\}["']?$""")


_LITERAL_FOLDER = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")


def _moved_to(arg: str | None) -> str | None:
    """Where a ``cd``/``pushd`` goes: ``"file"`` (the script's own folder), a literal relative
    folder (``cd site``, ``cd hack/build-image``), or None (a variable, ``cd -``, an absolute path)."""
    a = (arg or "").strip()
    if _OWN_FOLDER.match(a):
        return "file"
    a = a.strip("\"'")
    return a if _LITERAL_FOLDER.fullmatch(a) and ":" not in a else None


#: what may stand between a ``cd`` and the command it moves: the first branch of an ``if`` whose
#: test runs no command (litmus' ``cd web && if [ "${IMG_TAG}" = "ci" ]; then docker build ...``)
_INTO_IF = re.compile(r"(?:&&|;)\s*if\s+\[\[?[^;\n`()]*\]\]?\s*;\s*then\s*")


def where_it_runs(snip, start: int, bases: list, moves: dict) -> list:
    """The ``bases`` of a command at offset ``start`` of ``snip`` (see ``facts``): the last cd
    before it decides.  ``cd "$(dirname "$0")"`` is the file's folder; a literal folder
    (``cd site && docker build .``) is ``in:site:BASE`` when it is the snippet's only cd and the
    command follows it directly (``&&`` or ``;``, or the first branch of an ``if [ ... ]; then``
    after it: not ``(cd web && npm ci) && docker build``, a
    ``cd`` in a quoted ``sh -c``, ``pushd web && ... && popd &&``, nor a cd on an earlier line);
    anything else makes the folder unknown (``"cd"``).  ``moves`` keeps each snippet's cds,
    found once."""
    got = moves.get(id(snip))
    if got is None:
        found = [(m.start(), _moved_to(m.group(1)), m.end()) for m in _MOVES.finditer(snip.text)]
        got = moves[id(snip)] = ([x[0] for x in found], found)
    starts, ms = got
    i = bisect.bisect_left(starts, start) - 1
    if i < 0:
        return bases
    to = ms[i][1]
    if to == "file":
        return ["file"]
    between = snip.text[ms[i][2]:start].replace("\\\n", "").strip(" \t")
    if to is not None and i == 0 and (between in ("&&", ";") or _INTO_IF.fullmatch(between)) and "cd" not in bases:
        return [f"in:{to}:{b}" for b in bases]
    return bases + ["cd"]


#: a path under one unknown root: ``${CURDIR}/make/photon/prepare/Dockerfile``, ``$REPO_ROOT/x``
_ROOTED = re.compile(r"\$(?:\{\w+\}|\w+)/[^$`*{}\[\]|<>]+")


def rooted(flag) -> str | None:
    """The rest of a ``-f`` path whose only unknown is its leading root (harbor's
    ``-f $(CURDIR)/make/photon/prepare/Dockerfile``: ``make/photon/prepare/Dockerfile``), which
    the model reads from where the command runs or from the top (the fact's ``"rooted"`` base);
    None otherwise."""
    if flag is None or flag.value is None or not flag.dynamic or not _ROOTED.fullmatch(flag.value):
        return None
    return flag.value.split("/", 1)[1]
