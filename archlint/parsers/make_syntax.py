"""The lexical side of Makefiles, for ``parsers/makefile.py``: where a ``$`` reference ends,
comments, continuation lines, the colon that makes a line a rule, variable modifiers, function
arguments, inline recipes and the folders a glob ``include`` reads.  Every function here is
linear in the length of its text."""
from __future__ import annotations

import glob
import os
import re

_MODIFIERS = ("export", "override", "private", "unexport")
_ASSIGN_SIMPLE = re.compile(r"(:::=|::=|:=|\?=|\+=|!=|=)")


def references(text: str):
    """Split text into (piece, literal, start, end): literal runs and ``$`` references."""
    i = 0
    n = len(text)
    lit_start = 0
    closers: dict = {}  # "(" or "{" -> {offset of an opening: offset of its closing bracket}
    while i < n:
        j = text.find("$", i)
        if j < 0:
            break
        if j + 1 >= n:
            break
        c = text[j + 1]
        if c in "({":
            if c not in closers:
                closers[c] = closing_brackets(text, c)
            k = closers[c].get(j + 1, -1)
            if k < 0:  # unterminated: literal
                i = j + 2
                continue
            end = k + 1
        else:
            end = j + 2
        if j > lit_start:
            yield text[lit_start:j], True, lit_start, j
        yield text[j:end], False, j, end
        i = lit_start = end
    if lit_start < n:
        yield text[lit_start:], True, lit_start, n


_BRACKETS = {"(": re.compile(r"[()]"), "{": re.compile(r"[{}]")}


def closing_brackets(text: str, opening: str) -> dict:
    """Each ``opening`` bracket's matching closing bracket (of the same kind), in one pass: a
    ``$(`` is read up to its own ``)``, nested ones counted.  Searching forward from every
    ``$(`` took quadratic time on a line of unterminated ones."""
    out: dict = {}
    stack: list = []
    for m in _BRACKETS[opening].finditer(text):
        if m.group() == opening:
            stack.append(m.start())
        elif stack:
            out[stack.pop()] = m.start()
    return out


#: a backslash-newline and the next line's indent: whitespace in a function's arguments, even in
#: a recipe (brunovlucena's ``$(call build_docker_image, \`` then one argument a line)
_CONTINUED = re.compile(r"\\\n[ \t]*")


def folded(text: str) -> str:
    """``text`` with each backslash-newline and the next line's indent as one blank, as make reads
    a function's arguments."""
    return _CONTINUED.sub(" ", text) if "\\\n" in text else text


def split_args(args: str, maxsplit: int = 0) -> list[str]:
    """Split function arguments on commas outside nested parentheses."""
    out, depth, cur = [], 0, []
    for ch in args:
        if ch in "({":
            depth += 1
        elif ch in ")}" and depth:
            depth -= 1
        if ch == "," and depth == 0 and (not maxsplit or len(out) < maxsplit - 1):
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def strip_comment(text: str) -> str:
    """Remove a make comment (an unescaped ``#``) from a non-recipe line."""
    i = text.find("#")
    while i >= 0:
        bs = 0
        k = i - 1
        while k >= 0 and text[k] == "\\":
            bs += 1
            k -= 1
        if bs % 2 == 0:
            return text[:i]
        i = text.find("#", i + 1)
    return text


def continued(line: str) -> bool:
    n = len(line) - len(line.rstrip("\\"))
    return n % 2 == 1


def find_rule_colon(text: str) -> int:
    """Index of the colon that makes ``text`` a rule (outside ``$(…)``), -1 if none."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0:
            nxt = text[i + 1:i + 2]
            if nxt == "=":
                return -1
            if nxt == ":" and (text[i + 2:i + 3] == "=" or text[i + 2:i + 4] == ":="):
                return -1  # ::= and :::=
            # a Windows drive letter (C:\) is not a rule colon
            if i == 1 and text[0].isalpha() and nxt in ("\\", "/"):
                continue
            return i
        elif ch == "=" and depth == 0:
            return -1
    return -1


def logical_line(lines: list[str], i: int) -> tuple[str, int]:
    """The logical line starting at ``lines[i]``: continuations joined with one space, as make
    does.  Returns it and the index of the line after it."""
    n = len(lines)
    line = lines[i]
    j = i
    parts = [line]
    while continued(lines[j]) and j + 1 < n:
        j += 1
        parts.append(lines[j])
    if len(parts) > 1:
        logical = " ".join(p[:-1].strip() if continued(p) else p.strip() for p in parts)
    else:
        logical = line
    return logical, j + 1


def modifiers(body: str, name_check: bool) -> tuple[list[str], str]:
    """Split the leading ``export`` / ``override`` / ``private`` / ``unexport`` words off a
    variable line: (those words, the rest).  With ``name_check``, such a word right before an
    assignment operator is the variable's name (``export := 1``), not a modifier."""
    mods: list[str] = []
    while True:
        w0 = body.split(None, 1)
        if len(w0) == 2 and w0[0] in _MODIFIERS and not (name_check and _ASSIGN_SIMPLE.match(w0[1][:4])):
            mods.append(w0[0])
            body = w0[1]
            continue
        return mods, body


def inline_recipe_start(line: str) -> int:
    """Offset just after the ``;`` that starts an inline recipe on a rule line, -1 if none."""
    colon = find_rule_colon(line)
    if colon < 0:
        return -1
    depth = 0
    for i in range(colon + 1, len(line)):
        ch = line[i]
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth = max(0, depth - 1)
        elif ch == "#" and depth == 0:
            return -1
        elif ch == ";" and depth == 0:
            return i + 1
    return -1


def glob_folders(pattern: str) -> list[str]:
    """The folders whose listings decide ``glob(pattern)``: the last folder before the first
    wildcard, and every folder matched on the way down (``*/vars.mk`` reads the listing of
    each subfolder)."""
    parts = os.path.normpath(pattern).split(os.sep)
    k = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts) - 1)
    base = os.sep.join(parts[:k]) or os.sep
    folders, current = [base], [base]
    for part in parts[k:-1]:
        nxt = []
        for d in current:
            found = glob.glob(os.path.join(glob.escape(d), part)) if glob.has_magic(part) else [os.path.join(d, part)]
            nxt.extend(p for p in found if os.path.isdir(p))
        folders.extend(nxt)
        current = nxt
    return folders


def pattern_matches(pattern: str, name: str) -> bool:
    """Whether target ``name`` matches a make pattern with one ``%`` (``%.o``, ``image-%``)."""
    pre, _pct, post = pattern.partition("%")
    return len(name) >= len(pre) + len(post) and name.startswith(pre) and name.endswith(post)


_REF_ALONE = re.compile(r"\$[({](?:strip\s+\$[({])?([A-Za-z_][A-Za-z0-9_.-]*)[)}]{1,2}")


def tests_unset(word: str, text: str) -> str | None:
    """The variable a conditional line tests for being unset or empty: ``ifndef X``,
    ``ifeq ($(X),)``, ``ifeq (,$(strip $(X)))``, ``ifeq "$(X)" ""``; None for any other test."""
    return _tested(word, text, "ifndef", "ifeq")


def tests_set(word: str, text: str) -> str | None:
    """The variable a conditional line tests for being set and not empty: ``ifdef X``,
    ``ifneq ($(X),)``, ``ifneq "$(X)" ""``; None for any other test."""
    return _tested(word, text, "ifdef", "ifneq")


def _tested(word: str, text: str, defined: str, compare: str) -> str | None:
    args = text[len(word):].strip()
    if word == defined:
        parts = args.split()
        return parts[0] if len(parts) == 1 and "$" not in parts[0] else None
    if word != compare:
        return None
    if args.startswith("(") and args.endswith(")"):
        pair = split_args(args[1:-1])
    else:
        pair = [p for i, p in enumerate(re.split(r"""["']""", args)) if i % 2 == 1]
    if len(pair) != 2:
        return None
    a, b = (p.strip() for p in pair)
    ref = a if not b else b if not a else ""
    m = _REF_ALONE.fullmatch(ref)
    return m.group(1) if m else None


#: a configure substitution (``@DOCKER@``) in a template such as ``Makefile.in``
PLACEHOLDER = re.compile(r"@[A-Za-z_][A-Za-z0-9_]*@")


def placeholders(pieces):
    """``references()`` output with each ``@NAME@`` of its literal runs split off as a
    reference of its own."""
    for piece, literal, start, end in pieces:
        if not literal or "@" not in piece:
            yield piece, literal, start, end
            continue
        pos = 0
        for m in PLACEHOLDER.finditer(piece):
            if m.start() > pos:
                yield piece[pos:m.start()], True, start + pos, start + m.start()
            yield m.group(), False, start + m.start(), start + m.end()
            pos = m.end()
        if pos < len(piece):
            yield piece[pos:], True, start + pos, end


#: a ``call`` argument reference (``$(1)``, ``${2}``, ``$1``), or an escaped ``$$`` left alone
_CALL_ARG = re.compile(r"\$\$|\$\((\d+)\)|\$\{(\d+)\}|\$(\d)")


def bind_args(text: str, bound: list) -> str:
    """``text`` with ``$(0)``, ``$(1)``... replaced by ``bound[0]``, ``bound[1]``... (empty past
    the end), as ``$(call NAME,...)`` binds them; ``$$`` is kept.  One pass: linear."""

    def arg(m: re.Match) -> str:
        n = m.group(1) or m.group(2) or m.group(3)
        if n is None:
            return m.group(0)
        i = int(n)
        return bound[i] if i < len(bound) else ""

    return _CALL_ARG.sub(arg, text)


#: the text one Makefile's ``foreach`` loops may expand, all together (words × the text's
#: length, nested loops multiplying): past it, a ``foreach`` is unknown, so the work is bounded
MAX_FOREACH = 1 << 20


def bind_var(text: str, name: str, value: str) -> str:
    """``text`` with the references to ``name`` (``$(name)``, ``${name}``, ``$n`` for a
    one-character name) replaced by ``value``, as ``$(foreach name,...)`` binds it for one word;
    ``$$`` is kept, and a ``$`` of the value is escaped.  One pass: linear."""
    n = re.escape(name)
    pat = r"\$\$|\$\(" + n + r"\)|\$\{" + n + r"\}" + (r"|\$" + n if len(name) == 1 else "")
    esc = value.replace("$", "$$")
    return re.sub(pat, lambda m: m.group(0) if m.group(0) == "$$" else esc, text)


#: ``which docker``, ``command -v podman 2>/dev/null``: where one named program is
_WHICH = re.compile(r"[ \t]*(?:which|command[ \t]+-v)[ \t]+([A-Za-z][\w.+-]*)[ \t]*(?:2>[ \t]*/dev/null[ \t]*)?")


def evaluate(fn: str, args: str, expand, call, unknown: str, budget: list | None = None) -> tuple[str, bool]:
    """``$(fn args)`` for the few functions worth evaluating (``strip``, ``firstword``,
    ``lastword``, ``or``, ``call``, ``subst``, ``foreach`` over known words — kiali's
    ``$(foreach arch,${TARGET_ARCHS},--platform=linux/${arch})`` —, and ``shell`` of ``which
    PROGRAM``: that program);
    everything else (any other ``shell`` first) is ``unknown``.
    ``expand(text)`` gives (value, dynamic); ``call()`` evaluates a ``call``; ``budget`` (a
    one-item list) counts down the ``foreach`` work left to the file (``MAX_FOREACH``)."""
    if fn == "strip":
        val, d = expand(args)
        return " ".join(val.split()), d
    if fn in ("firstword", "lastword"):
        val, d = expand(args)
        parts = val.split()
        if d or not parts:
            return (unknown, True) if d else ("", False)
        return (parts[0] if fn == "firstword" else parts[-1]), False
    if fn == "or":
        for a in split_args(args):
            val, d = expand(a)
            if d:
                return unknown, True
            if val.strip():
                return val, False
        return "", False
    if fn == "call":
        return call()
    if fn == "shell":
        # $(shell which docker), $(shell command -v podman 2>/dev/null): the program's path on
        # the machine that runs make, that program as a command word (harbor's DOCKERCMD)
        m = _WHICH.fullmatch(args)
        return (m.group(1), False) if m else (unknown, True)
    if fn == "foreach":
        parts = split_args(args, 3)
        if len(parts) == 3:
            (name, d1), (words, d2) = expand(parts[0]), expand(parts[1])
            name, words = name.strip(), words.split()
            # (an iteration costs something even for no text; each reference binds a word)
            cost = len(words) * (len(parts[2]) + 64) + sum(map(len, words)) * parts[2].count("$")
            if budget is not None and not d1 and not d2 and name and "$" not in name and cost <= budget[0]:
                budget[0] -= cost
                out, size = [], 0
                for w in words:
                    val, d = expand(bind_var(parts[2], name, w))
                    size += len(val) + 1
                    if d or size > MAX_FOREACH:
                        return unknown, True
                    out.append(val)
                return " ".join(out), False
        return unknown, True
    if fn in ("subst", "patsubst"):
        parts = split_args(args, 3)
        if len(parts) == 3:
            vals = [expand(p) for p in parts]
            if not any(d for _, d in vals):
                frm, to, txt = (v for v, _ in vals)
                if fn == "patsubst":
                    return patsubst(frm.strip(), to.strip(), txt), False
                return (txt.replace(frm, to) if frm else txt), False
    return unknown, True


def patsubst(pattern: str, replacement: str, text: str) -> str:
    """``$(patsubst pattern,replacement,text)``: each word of ``text`` matching ``pattern`` (one
    ``%`` matches any stem; none: the whole word) becomes ``replacement`` with its first ``%``
    replaced by the stem; other words are kept.  A substitution reference ``$(VAR:.c=.o)`` is
    ``patsubst %.c,%.o`` (``substitution_parts``)."""
    pre, pct, post = pattern.partition("%")
    out = []
    for word in text.split():
        if not pct:
            out.append(replacement if word == pattern else word)
        elif pattern_matches(pattern, word):
            stem = word[len(pre):len(word) - len(post)]
            out.append(replacement.replace("%", stem, 1))
        else:
            out.append(word)
    return " ".join(out)


def substitution_parts(name: str) -> tuple[str, str, str] | None:
    """A substitution reference's (variable, pattern, replacement) as ``patsubst`` takes them
    (``VAR:.c=.o`` -> ``VAR``, ``%.c``, ``%.o``; ``@:image=`` -> ``@``, ``%image``, ``%``), None
    when ``name`` is none."""
    var, colon, rule = name.partition(":")
    frm, eq, to = rule.partition("=")
    if not colon or not eq or not var.strip():
        return None
    if "%" not in frm:
        frm, to = "%" + frm, "%" + to
    return var.strip(), frm, to


#: ``ARCH``, ``TARGET_ARCH``, ``GOARCH``, ``PLATFORMS``, ``DOCKER_PLATFORM``: not ``SEARCH``, ``ARCHIVE``
_KNOB_NAME = re.compile(r"(?:^|_|GO|TARGET|BUILD)(?:ARCH|PLATFORM)S?(?:$|_)", re.I)


def platform_knob(ref: str, lookup, tested) -> bool:
    """Whether the reference ``ref`` (``$(ARCH)``) names a variable named for the architecture or
    platform that the Makefile leaves empty for its caller to fill (``ARCH ?=``; kserve's
    "ENGINE=podman ARCH="--arch x86_64" make docker-build-x"): what a recipe gets from it is the
    caller's, unknown.  Not when a conditional tests it (``ifdef ARCH``, ``ifneq ($(ARCH),)``:
    ``tested``, the names the reader saw tested): a branch then knows whether it is set.
    ``lookup``: name -> its MakeVar or None."""
    name = ref[2:-1].strip() if len(ref) > 3 and ref[1] in "({" else ""
    if not _KNOB_NAME.search(name) or name in tested:
        return False
    var = lookup(name)
    return var is not None and (var.op == "?=" or var.conditional) and not var.raw.strip()


#: a Make variable reference (``$(NAME)``, ``${NAME}``): the name only, no functions
VAR_REF = re.compile(r"\$[({]([A-Za-z0-9_.-]+)[)}]")


def tag_part(text: str) -> str:
    """The tag of an image reference as written (``$(REGISTRY)/app:latest`` -> ``latest``), or
    the whole text when it writes none (``$(IMG)``: the tag is in what the variable holds)."""
    last = text.rsplit("/", 1)[-1]
    return last[last.rfind(":") + 1:] if ":" in last else text


def variable_walk(lookup, text: str, follow=None, skip=()):
    """The Make variables ``text`` refers to, then those their values refer to, each once in the
    order reached, as (name, variable or None from ``lookup``).  A variable not known here (none,
    or a dynamic value) is yielded but not followed; a ``:=`` variable is followed through its
    text as written (``IMG := $(REPO):$(TAG)``, ``TAG ?= latest``: through ``TAG``).  ``follow``
    picks the part of a text to follow (``tag_part``: only an image reference's tag); names in
    ``skip`` are neither yielded nor followed.  The caller stops when it has its answer: linear
    in the variables walked."""
    pick = follow or (lambda t: t)
    todo = VAR_REF.findall(pick(text))
    seen: set = set()
    while todo:
        name = todo.pop()
        if name in seen or name in skip:
            continue
        seen.add(name)
        var = lookup(name)
        yield name, var
        if var is not None and not var.dynamic:
            todo.extend(VAR_REF.findall(pick(var.written or var.raw)))


_GOAL_REF = re.compile(r"(?<!\$)\$(?:@|[({]@[:)}])")  # (not the shell's "$$@")


def names_goal(texts) -> bool:
    """Whether one of ``texts`` refers to ``$@`` itself (``$@``, ``$(@)``, ``${@:image=}``)."""
    return any("@" in t and _GOAL_REF.search(t) for t in texts)


def goals(names: list, recipes, expand) -> list:
    """What ``$@`` is in turn in the recipe of a rule of targets ``names``: each target (a
    variable in a name expanded as make reads it: ``$(IMAGES):``), one at a time where a recipe
    line refers to ``$@`` itself (``$@``, ``$(@)``, ``${@:image=}``) and the rule has several;
    ``[None]`` (unknown) for a pattern rule's and a name not known here.  A rule of several whose
    recipe reaches ``$@`` only through a variable (``IMG = reg/$@``) gives one snippet, ``$@``
    unknown; the first 64 targets are read.  ``expand(text)`` gives (value, dynamic)."""
    out: list = []
    for n in names:
        val, dyn = expand(n) if "$" in n else (n, False)
        if dyn or "%" in val:
            return [None]
        out.extend(w for w in val.split() if w != "&")  # (GNU make's grouped targets: a b &:)
    if len(out) > 1 and not names_goal(r.text for r in recipes):
        return [None]  # (one snippet: the line says the same for every target)
    return out[:64] or [None]


_RECIPE_PREFIX = re.compile(r"^\.RECIPEPREFIX\s*:?:?=\s*(\S)")


def recipe_prefix(lines: list[str]) -> str | None:
    """``.RECIPEPREFIX = >``: the first setting's character (rare; enough for real files)."""
    for line in lines:
        if line.startswith(".RECIPEPREFIX"):
            m = _RECIPE_PREFIX.match(line)
            return m.group(1) if m else None
    return None


def call_text(args: str, expand, lookup, unknown: str) -> tuple[str, bool]:
    """``$(call NAME,A1,A2...)`` once: NAME's text with its arguments bound, expanded unless NAME
    is a ``:=`` variable; ``unknown`` when NAME is unknown, unset or dynamic.  ``expand(text)``
    gives (value, dynamic), ``lookup(name)`` the MakeVar or None."""
    parts = split_args(folded(args))  # (`$(call f, \` then an argument a line: blanks to make)
    if not parts:
        return unknown, True
    name, d = expand(parts[0])
    name = name.strip()
    var = None if d else lookup(name)
    if var is None or var.dynamic:
        return unknown, True
    text = bind_args(var.raw, [name, *parts[1:]])
    if var.flavor == "simple":
        return text, "$" in text
    return expand(text)
