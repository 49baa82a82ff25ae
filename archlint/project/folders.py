"""Where a command runs: the ``cd``/``pushd`` before it in its snippet, or in an earlier block of
its runbook (``facts``' ``bases``); and the folders a ``git clone`` makes."""
from __future__ import annotations

import bisect
import re

#: a command that changes the working folder (``cd sub && docker build -f x .``): a relative path
#: after it is relative to a folder not known here
_MOVES = re.compile(r"(?:^|[;&|(\s])(?:cd|pushd)(?:[ \t]+((?:\$\([^)\n]*\)|\$(?!\()|[^;&|\n)$])*))?(?=[;&|\n)]|$)")


_LITERAL_FOLDER = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")

#: the script's own path in a command substitution (quotes and blanks taken out): ``$0``,
#: ``${BASH_SOURCE[0]}``, through ``readlink -f`` or ``realpath``
_SELF = r"(?:\$\{?0\}?|\$\{?BASH_SOURCE(?:\[0\])?\}?)"
_SELF_PATH = rf"(?:{_SELF}|\$\((?:readlink-[fe]|realpath){_SELF}\))"
#: the script's folder, or one relative to it: ``$(dirname "$0")``, ``${0%/*}``, ``$(dirname
#: "$0")/..``, ``$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)``; ``$(git rev-parse
#: --show-toplevel)`` is the repository's top
_FOLDER_OF_SELF = re.compile(rf"^(?P<cd>\$\(cd(?:--)?)?(?:\$\(dirname{_SELF_PATH}\)|\$\{{0%/\*\}})(?P<rel>(?:/[\w.-]+)*)/?"
                             r"(?(cd)(?:(?:&&|;)pwd(?:-P)?|(?:&>|>)/dev/null(?:2>&1)?&&pwd(?:-P)?)\))$")
_TOP = "$(gitrev-parse--show-toplevel)"
#: ``DIR=$(dirname "$0")``, ``REPO_ROOT="$(git rev-parse --show-toplevel)"``: a name for one of them
_FOLDER_NAME = re.compile(r"(?m)^[ \t]*(?:(?:export|local|readonly)[ \t]+)?([A-Za-z_]\w*)=(\S.*)$")


def _self_relative(value: str, shebang: bool = True) -> str | None:
    """``"file"``, ``"repo"`` or ``in:REL:file`` for a value naming the script's folder, a folder
    relative to it, or the repository's top; else None.  ``$0`` is the script's own path only in
    a script run by its ``#!`` line (a sourced file's ``$0`` is its caller's: ``BASH_SOURCE`` is
    its own)."""
    v = value.replace('"', "").replace("'", "").replace(" ", "").replace("\t", "")
    if not shebang and re.search(r"\$\{?0\b", v):
        return None
    if v.startswith(_TOP):
        rest = v[len(_TOP):].strip("/")
        return "repo" if not rest else f"in:{rest}:repo" if _LITERAL_FOLDER.fullmatch(rest) else None
    m = _FOLDER_OF_SELF.match(v) if "dirname" in v or "${0%" in v else None
    if m is None:
        return None
    rel = m.group("rel").strip("/")
    return "file" if not rel else f"in:{rel}:file"


def _folder_names(text: str, shebang: bool) -> dict:
    """Variable -> ``_self_relative`` of its value, for the names a snippet gives the script's
    folder or the repository's top (a name given another value too is left out).  One pass."""
    out: dict = {}
    if "dirname" not in text and "show-toplevel" not in text:
        return out
    for m in _FOLDER_NAME.finditer(text):
        v = m.group(2)
        to = _self_relative(v.rstrip(), shebang) if "dirname" in v or "show-toplevel" in v else None
        out[m.group(1)] = to if out.get(m.group(1), to) == to else None
    return {k: v for k, v in out.items() if v}


_LEAD_VAR = re.compile(r"^\$(?:\{(\w+)\}|(\w+))")


def _moved_to(arg: str | None, names: dict | None = None, shebang: bool = True) -> str | None:
    """Where a ``cd``/``pushd`` goes: ``"file"`` (the script's own folder), ``"repo"`` or
    ``in:REL:BASE`` (a folder relative to it or to the repository's top: ``cd "$DIR/.."`` after
    ``DIR=$(dirname "$0")``), a literal relative folder (``cd site``, ``cd hack/build-image``),
    or None (another variable, ``cd -``, an absolute path)."""
    a = (arg or "").strip().strip("\"'")
    if "$" in a:
        m = _LEAD_VAR.match(a) if names else None
        base = names.get(m.group(1) or m.group(2)) if m is not None else None
        if base is None:
            return _self_relative(a, shebang)
        rest = a[m.end():].strip("\"'/")
        if not rest:
            return base
        if not _LITERAL_FOLDER.fullmatch(rest):
            return None
        return _below(rest, base)
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
    ``cd`` in a quoted ``sh -c``, nor ``pushd web && ... && popd &&``), or when it is a command of
    its own at the start of an unindented line of a script, a workflow step or a runbook block,
    which lasts for the lines after it (helm-charts-hardened's ``cd .devcontainer/`` then ``docker
    build .``; not a Makefile recipe's: each of its lines runs in a shell of its own; nor past a
    ``popd``); anything else makes the folder unknown (``"cd"``), as does a ``cd`` into a folder
    a ``git clone`` of the snippet makes (apisix's runbook: ``git clone .../apisix.git``, ``cd
    apisix``: a checkout, whatever folder of that name the repository has).  ``moves`` keeps each
    snippet's cds, found once."""
    got = moves.get(id(snip))
    if got is None:
        text = snip.text
        shebang = text.startswith("#!")
        names = _folder_names(text, shebang)
        found, depths = [], {}
        clones = cloned_folders(text) if "clone" in text else ()
        for m in _MOVES.finditer(text):
            to = _moved_to(m.group(1), names, shebang)
            if to is not None and not _from_self(to) and to.strip("/").split("/")[0] in clones:
                to = None  # (``git clone .../apisix.git`` then ``cd apisix``: into a checkout, not this tree)
            # (a cd in a subshell, a $(...), a function, a pushd, an indented block: not known
            # to last; it moves only the command right after it)
            top = _top_level_cd(text, m)
            # (a recipe's lines: a shell each; an unindented cd in a function, if or subshell ends there)
            lasts = top and getattr(snip, "context", "") != "recipe" and not _in_compound(text, m.end() - len(m.group(0).lstrip()), depths)
            found.append((m.start(), to, m.end(), _from_self(to) and not top, lasts))
        got = moves[id(snip)] = ([x[0] for x in found], found)
    starts, ms = got
    pops = 0  # popds met walking back, not yet matched with their pushd
    for _step in range(_POPS):
        i = bisect.bisect_left(starts, start) - 1
        if i < 0:
            return bases
        between = snip.text[ms[i][2]:start].replace("\\\n", "").strip(" \t")
        pops += len(_POPD.findall(between))
        if not pops:
            break
        # (aws' push-ecr.sh: `pushd ./otel-collector`, a build of its binary, `popd`, then the
        # image's build: where it ran before the pushd; a cd between them is undone with it)
        if "pushd" in snip.text[ms[i][0]:ms[i][2]]:
            pops -= 1
        start = ms[i][0]
    else:
        return bases + ["cd"]  # (more moves back than are followed: not known)
    to = ms[i][1]
    if ms[i][3] and not (between in ("&&", ";") or _INTO_IF.fullmatch(between)):
        return bases + ["cd"]
    if to == "file":
        return ["file"]
    if _from_self(to):
        # a folder named from the script's own, or the top; a path found nowhere there is not
        # reported missing (the script may be run another way)
        return [to, "made"]
    right_after = between in ("&&", ";") or _INTO_IF.fullmatch(between)
    if to is not None and i == 0 and "cd" not in bases and (
            right_after or ms[i][4] and "\n" in between and "popd" not in between):
        return [_below(to, b) for b in bases]
    return bases + ["cd"]


#: a ``popd`` command: back to the folder before the last ``pushd``; moves followed back, at most
_POPS = 64
_POPD = re.compile(r"(?:^|[;&|(\s])popd(?=[\s;&|)]|$)")


def _below(to: str, base: str) -> str:
    """The base ``in:TO:BASE``, ``TO`` joined to an ``in:`` base's folder (a ``cd web`` in a
    workflow step whose working-directory is ``ui``: ``in:ui/web:github``)."""
    if base.startswith("in:"):
        inner, _, b = base[3:].rpartition(":")
        return f"in:{inner + '/' if inner else ''}{to}:{b}"
    return f"in:{to}:{base}"


def _from_self(to: str | None) -> bool:
    """Whether ``_moved_to``'s answer is a folder named from the script's own or the top."""
    return to is not None and (to in ("repo", "file") or to.startswith("in:"))


_OPENS = re.compile(r"(?:^|[;&|]\s*)(?:if|for|while|until|case|select)\b")
_CLOSES = re.compile(r"(?:^|[;&|]\s*)(?:fi|done|esac)\b")


def _in_compound(text: str, at: int, depths: dict) -> bool:
    """Whether offset ``at`` lies inside a function body, an ``if``/``for``/``while``/``case`` or
    a ``( ... )`` opened on an earlier line and not closed (counted line by line, once per
    snippet into ``depths``: line start -> depth)."""
    if not depths:
        depth, start = 0, 0
        for line in text.split("\n"):
            depths[start] = depth
            code = line.split("#", 1)[0].strip()
            depth += len(_OPENS.findall(code)) - len(_CLOSES.findall(code))
            depth += code.endswith(("{", "(")) - code.startswith(("}", ")"))
            depth = max(depth, 0)
            start += len(line) + 1
    return depths.get(text.rfind("\n", 0, at) + 1, 0) > 0


def _top_level_cd(text: str, m) -> bool:
    """Whether the ``cd`` matched by ``m`` is a command of its own at the start of an unindented
    line (not in a subshell, a function body or a ``pushd``), so it lasts for the lines after."""
    at = text.find("cd", m.start(), m.end())
    line_start = text.rfind("\n", 0, max(at, 0)) + 1
    return at >= 0 and at == line_start


#: a path under one unknown root: ``${CURDIR}/make/photon/prepare/Dockerfile``, ``$REPO_ROOT/x``,
#: a workflow's ``${{ github.workspace }}/.github/workflows/docker/code-scan.dockerfile``
_ROOTED = re.compile(r"\$(?:\{\w+\}|\w+|\{\{\s*github\.workspace\s*\}\})/[^$`*{}\[\]|<>]+")


def rooted(flag) -> str | None:
    """The rest of a ``-f`` path whose only unknown is its leading root (harbor's
    ``-f $(CURDIR)/make/photon/prepare/Dockerfile``: ``make/photon/prepare/Dockerfile``), which
    the model reads from where the command runs or from the top (the fact's ``"rooted"`` base);
    None otherwise."""
    if flag is None or flag.value is None or not flag.dynamic or not _ROOTED.fullmatch(flag.value):
        return None
    return flag.value.split("/", 1)[1]


#: a ``cd``/``pushd`` a runbook block runs in its own shell, not in a subshell: a line's first
#: command, or one after ``&&``/``;`` with no parenthesis before it on its line
_BLOCK_CD = re.compile(r"^[ \t]*(?:[^()\n]*(?:&&|;)[ \t]*)?(?:cd|pushd)[ \t]+\S", re.M)


def document_cd(ctx) -> float:
    """The last line of a document's first shell block that changes folder (``git clone
    .../GenAIComps.git`` then ``cd GenAIComps``): a runbook's blocks run one after another in one
    shell, so a build in a later block runs in a folder not known here (a ``(cd web && npm ci)``
    subshell moves nothing).  Infinity for none, and for any other kind of file (its cds are its
    snippet's: ``where_it_runs``)."""
    if ctx.kind != "markdown":
        return float("inf")
    return min((f.end_line for f in getattr(ctx.model, "fences", ()) if f.snippet is not None
                and ("cd" in f.snippet.text or "pushd" in f.snippet.text) and _BLOCK_CD.search(f.snippet.text)),
               default=float("inf"))


#: ``git clone [options] URL [FOLDER]``: the options and words up to the end of the command
_CLONE = re.compile(r"\bgit[ \t]+clone\b([^\n;&|)]*)")
#: git clone's options that take the next word as their value
_CLONE_VALUED = frozenset(("-b", "--branch", "--depth", "-c", "--config", "-o", "--origin", "--reference", "-j",
                           "--jobs", "--filter", "--shallow-since", "--shallow-exclude", "--template", "-u",
                           "--upload-pack", "--separate-git-dir", "--server-option", "--bundle-uri"))


def cloned_folders(text: str) -> list:
    """The folders the ``git clone`` commands of a script, recipe, workflow or runbook make: the
    word after the repository's URL, else the URL's last part less ``.git`` (opea's workflow
    clones ``GenAIComps`` into each example's ``docker_image_build/``, whose ``build.yaml`` builds
    from it).  Only a URL-shaped word (``://``, ``git@``, ``.git``) is a repository: prose ("git
    clone the docker repository first") names none; a name with a variable is unknown and left
    out.  At most 64, in order."""
    out: list = []
    for m in _CLONE.finditer(text.replace("\\\n", " ") if "\\\n" in text else text):
        words = [w.strip("\"'") for w in m.group(1).split()]
        pos, skip = [], False
        for w in words:
            if skip:
                skip = False
            elif w.startswith("-"):
                skip = w in _CLONE_VALUED
            else:
                pos.append(w)
        if not pos or len(pos) > 2 or not ("://" in pos[0] or pos[0].startswith("git@") or pos[0].endswith(".git")):
            continue
        name = pos[1] if len(pos) > 1 else pos[0].rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
        name = name.rstrip("/").rsplit("/", 1)[-1]
        if name and "$" not in name and "`" not in name and name not in (".", "..") and name not in out:
            out.append(name)
            if len(out) >= 64:
                break
    return out
