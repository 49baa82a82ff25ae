"""Makefiles (``Makefile``, ``GNUmakefile``, ``makefile``, ``*.mk``): a small line-based reader.

tree-sitter-make left error trees in 28% of 83 real Makefiles, so this reads the structure make
itself cares about, line by line, and hands recipe bodies to the shell parser:

- variables: ``=``, ``:=``, ``::=``, ``:::=``, ``?=``, ``+=``, ``!=`` (a shell assignment: never run,
  its value is unknown), with ``override``, ``export``, ``private`` prefixes, ``define … endef``
  blocks, target-specific variables (``build: PLATFORM = linux/amd64``), ``export NAME`` and
  ``.EXPORT_ALL_VARIABLES``;
- ``include`` / ``-include`` / ``sinclude`` of files inside the same repository, read from disk
  when present (their variables only; nothing is ever executed);
- conditionals (``ifeq``/``ifneq``/``ifdef``/``ifndef``/``else``/``endif``) are not evaluated: a
  variable given different values in different branches becomes unknown;
- rules and their recipes: tab-prefixed lines (or ``.RECIPEPREFIX``), ``@``/``-``/``+`` prefixes,
  backslash continuations, ``target: ; command`` inline recipes, ``.ONESHELL``.

``shell_snippets()`` returns one snippet per logical recipe line (one per recipe with
``.ONESHELL``), with ``$(VAR)``/``${VAR}`` expanded where the value is known in the file (``$$``
becomes ``$``).  ``$(shell …)``, other functions and automatic variables are never evaluated: they
become a shell variable reference, so the analyser treats them as dynamic.  Positions point at the
original text: a word that came from an expansion maps to the ``$(VAR)`` reference it came from.
The snippet's ``env`` holds the exported variables the recipe's shell starts with.
"""
from __future__ import annotations

import glob
import os
import re

from . import ParseError
from ..source import read_regular
from ..discovery import find_root
from ..snippet import Snippet
from .shell import ShellSnippet

_OPS = r"(?P<op>:::=|::=|:=|\?=|\+=|!=|=)"
_ASSIGN_RE = re.compile(
    r"^(?P<name>[^\s:#=$][^\s:#=]*|\$[({][^\s)}]*[)}][^\s:#=]*)\s*" + _OPS + r"(?P<value>.*)$", re.S
)
_DEFINE_RE = re.compile(
    r"^(?P<mods>(?:(?:export|override|private)\s+)*)define\s+(?P<name>[^\s=]+?)\s*" + _OPS + r"?\s*$"
)
_ASSIGN_SIMPLE = re.compile(r"(:::=|::=|:=|\?=|\+=|!=|=)")
_MODIFIERS = ("export", "override", "private", "unexport")
_CONDITIONALS = ("ifeq", "ifneq", "ifdef", "ifndef")
_INCLUDES = ("include", "-include", "sinclude")
_DIRECTIVES = frozenset((*_CONDITIONALS, "else", "endif", *_INCLUDES, "vpath", "undefine", "endef"))
_SHELL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FUNCTIONS = frozenset(
    "abspath addprefix addsuffix and basename call dir error eval file filter filter-out findstring "
    "firstword flavor foreach guile if info intcmp join lastword let notdir or origin patsubst "
    "realpath shell sort strip subst suffix value warning wildcard word wordlist words".split()
)
DYNAMIC = "${MAKE_DYNAMIC}"  # what an unevaluated function becomes in a recipe
_MAX_INCLUDES = 50
_MAX_INCLUDE_SIZE = 1 << 20
_MAX_DEPTH = 30


class MakeVar:
    """A variable: ``raw`` is its unexpanded value (for ``:=`` variables the expanded one),
    ``flavor`` "recursive" or "simple", ``dynamic`` when the value cannot be known."""

    __slots__ = ("name", "_parts", "_raw", "flavor", "line", "exported", "dynamic", "path", "op", "conditional")

    def __init__(self, name, raw, flavor, line, exported=False, dynamic=False, path=None, op="=", conditional=False):
        self.name = name
        self._parts = [raw] if raw else []
        self._raw: str | None = raw
        self.flavor = flavor
        self.line = line
        self.exported = exported
        self.dynamic = dynamic
        self.path = path  # None: this file; else the included file it came from
        self.op = op
        self.conditional = conditional

    @property
    def raw(self) -> str:
        if self._raw is None:
            self._raw = " ".join(self._parts)
        return self._raw

    def append(self, value: str) -> None:
        if value:
            self._parts.append(value)
            self._raw = None

    def __repr__(self):
        return f"MakeVar({self.name} {self.op} {self.raw!r}{' dynamic' if self.dynamic else ''})"


class RecipeLine:
    """One logical recipe line: ``pieces`` are (text, file_line, file_col) per physical line, the
    ``@-+`` prefixes and the recipe tab already removed, continuation backslashes kept."""

    __slots__ = ("target", "pieces", "prefix")

    def __init__(self, target, pieces, prefix=""):
        self.target = target
        self.pieces = pieces
        self.prefix = prefix

    @property
    def line(self) -> int:
        return self.pieces[0][1]

    @property
    def end_line(self) -> int:
        return self.pieces[-1][1]

    @property
    def text(self) -> str:
        return "\n".join(p[0] for p in self.pieces)

    def __repr__(self):
        return f"RecipeLine({self.line}: {self.text!r})"


class Target:
    __slots__ = ("names", "prerequisites", "line", "recipes")

    def __init__(self, names, prerequisites, line):
        self.names: list[str] = names
        self.prerequisites: str = prerequisites
        self.line: int = line
        self.recipes: list[RecipeLine] = []

    def __repr__(self):
        return f"Target({' '.join(self.names)}@{self.line})"


class MakeModel:
    def __init__(self, source):
        self.source = source
        self.variables: dict[str, MakeVar] = {}
        self.target_vars: dict[str, dict[str, MakeVar]] = {}  # target name -> its own variables
        self.exported_names: set[str] = set()  # export NAME (without a value)
        self.targets: list[Target] = []
        self.includes: list[str] = []  # included files that were read
        # every path the parser looked at besides the file itself (includes that exist or not,
        # the folders whose listing a glob read): the result cache checks their signatures
        self.inputs: list[str] = []
        self.export_all = False
        self.oneshell = False
        self.unexported: set[str] = set()
        self._snippets: list[Snippet] | None = None
        self._global_env: dict | None = None
        self._memo: dict[str, tuple[str, bool]] = {}
        self.problems: list = []  # ParseErrors that did not stop the parse (reported as AL001)

    @property
    def recipes(self) -> list[RecipeLine]:
        return [r for t in self.targets for r in t.recipes]

    # -- expansion ------------------------------------------------------------------------------
    def lookup(self, name: str, target: Target | None = None) -> MakeVar | None:
        if target is not None and self.target_vars:
            for tn in target.names:
                tv = self.target_vars.get(tn)
                if tv is not None and name in tv:
                    return tv[name]
        return self.variables.get(name)

    def _target_specific(self, name: str, target: Target | None) -> bool:
        return target is not None and any(name in self.target_vars.get(tn, ()) for tn in target.names)

    def value(self, name: str, target: Target | None = None, depth: int = 0) -> tuple[str, bool] | None:
        """(expanded value, dynamic) of a variable, None if the file never sets it.  ``depth``
        counts the references being expanded above this one: a chain deeper than _MAX_DEPTH is
        unknown (never a RecursionError)."""
        var = self.lookup(name, target)
        if var is None:
            return None
        if var.dynamic:
            return DYNAMIC, True
        if var.flavor == "simple":
            return var.raw, "$" in var.raw
        key = (id(target) if target is not None and self.target_vars else None, name)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        self._memo[key] = (DYNAMIC, True)  # a self-reference while expanding: unknown
        out, dyn = self._expand_text(var.raw, target, depth)
        self._memo[key] = (out, dyn)
        return out, dyn

    def expand(self, text: str, target: Target | None = None) -> tuple[str, bool]:
        """Expand ``text`` as make would in a recipe: (result, some part unknown)."""
        return self._expand_text(text, target, 0)

    def _expand_text(self, text: str, target, depth: int) -> tuple[str, bool]:
        if "$" not in text:
            return text, False
        out: list[str] = []
        dyn = False
        for piece, literal, _s, _e in _references(text):
            if literal:
                out.append(piece)
                continue
            val, d = self._reference(piece, target, depth)
            out.append(val)
            dyn |= d
        return "".join(out), dyn

    def _reference(self, ref: str, target, depth: int) -> tuple[str, bool]:
        """Expand one reference (``$(X)``, ``${X}``, ``$X``, ``$$``)."""
        if ref == "$$":
            return "$", False
        if depth > _MAX_DEPTH:
            return DYNAMIC, True
        if len(ref) == 2:  # $X
            name = ref[1]
            if name in "@<^?*+|%":
                return "$" + name if name in "@*" else DYNAMIC, True
        else:
            name = ref[2:-1]
        head = name.split(None, 1)[0] if name.strip() else ""
        if head in _FUNCTIONS and (len(name) > len(head) and name[len(head)] in " \t"):
            return self._function(head, name[len(head):].strip(), target, depth)
        if name[:1] in "@<^?*+|%" and len(name) == 2 and name[1] in "DF":
            return DYNAMIC, True
        if "$" in name:
            name, d = self._expand_text(name, target, depth + 1)
            if d:
                return DYNAMIC, True
        if ":" in name and "=" in name:  # substitution reference $(VAR:.c=.o)
            return DYNAMIC, True
        name = name.strip()
        hit = self.value(name, target, depth + 1) if depth < _MAX_DEPTH else None
        if hit is None:
            # not set in the file: it comes from the environment or the command line
            return ("${" + name + "}" if _SHELL_NAME.match(name) else DYNAMIC), True
        return hit

    def _function(self, fn: str, args: str, target, depth: int) -> tuple[str, bool]:
        """The few functions worth evaluating; everything else (``shell`` first) is unknown."""
        if fn == "strip":
            val, d = self._expand_text(args, target, depth + 1)
            return " ".join(val.split()), d
        if fn in ("firstword", "lastword"):
            val, d = self._expand_text(args, target, depth + 1)
            parts = val.split()
            if d or not parts:
                return (DYNAMIC, True) if d else ("", False)
            return (parts[0] if fn == "firstword" else parts[-1]), False
        if fn == "or":
            for a in _split_args(args):
                val, d = self._expand_text(a, target, depth + 1)
                if d:
                    return DYNAMIC, True
                if val.strip():
                    return val, False
            return "", False
        if fn == "subst":
            parts = _split_args(args, 3)
            if len(parts) == 3:
                vals = [self._expand_text(p, target, depth + 1) for p in parts]
                if not any(d for _, d in vals):
                    frm, to, txt = (v for v, _ in vals)
                    return (txt.replace(frm, to) if frm else txt), False
        return DYNAMIC, True

    # -- snippets -------------------------------------------------------------------------------
    def env_for(self, target: Target | None) -> dict:
        """The exported variables a recipe of ``target`` starts with: name -> value (None: unknown)."""
        if self._global_env is None:
            self._global_env = self._env_of(self.variables, None)
        if target is None or not self.target_vars:
            return self._global_env
        own: dict = {}
        for tn in target.names:
            own.update(self.target_vars.get(tn, {}))
        if not own:
            return self._global_env
        env = dict(self._global_env)
        env.update(self._env_of(own, target))
        return env

    def _env_of(self, names, target) -> dict:
        env: dict[str, str | None] = {}
        for name in names:
            var = self.lookup(name, target)
            exported = var is not None and (var.exported or name in self.exported_names or self.export_all)
            if not exported or name in self.unexported or not _SHELL_NAME.match(name):
                continue
            val = self.value(name, target)
            env[name] = None if val is None or val[1] else val[0]
        return env

    def env_spans_for(self, env: dict, target: Target | None) -> dict:
        """Where each exported variable is set, when it is set in this file."""
        out = {}
        for name in env:
            var = self.lookup(name, target)
            if var is not None and var.path is None and var.line:
                out[name] = self.source.line_span(var.line)
        return out

    def shell_snippets(self) -> list[Snippet]:
        if self._snippets is None:
            out: list[Snippet] = []
            for t in self.targets:
                if not t.recipes:
                    continue
                env = self.env_for(t)
                spans = self.env_spans_for(env, t) if env else {}
                if self.oneshell:
                    pieces = [p for r in t.recipes for p in r.pieces]
                    out.append(self._snippet(pieces, t, env, spans))
                else:
                    for r in t.recipes:
                        out.append(self._snippet(r.pieces, t, env, spans))
            self._snippets = out
        return self._snippets

    def _snippet(self, pieces, target, env, spans) -> Snippet:
        base = Snippet.from_lines(pieces, "recipe")
        text = base.text
        if "$" not in text:
            return ShellSnippet(text, base.origins, "recipe", env, spans)
        segs = []
        out: list[str] = []
        pos = 0
        changed = False
        for piece, literal, s, e in _references(text):
            if literal:
                out.append(piece)
                segs.append((pos, pos + len(piece), s, e, True))
                pos += len(piece)
                continue
            val, _dyn = self._reference(piece, target, 0)
            if val != piece:
                changed = True
            if val:
                out.append(val)
                segs.append((pos, pos + len(val), s, e, val == piece))
                pos += len(val)
        if not changed:
            return ShellSnippet(text, base.origins, "recipe", env, spans)
        if not segs:
            segs = [(0, 0, 0, len(text), False)]
        return ShellSnippet("".join(out), base.origins, "recipe", env, spans, base=base, segments=segs)

    def statement_range(self, line: int) -> tuple[int, int]:
        for t in self.targets:
            for r in t.recipes:
                if r.line <= line <= r.end_line:
                    return r.line, r.end_line
        return line, line


def _references(text: str):
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
                closers[c] = _closing_brackets(text, c)
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


def _closing_brackets(text: str, opening: str) -> dict:
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


def _split_args(args: str, maxsplit: int = 0) -> list[str]:
    """Split function arguments on commas outside nested parentheses."""
    out, depth, cur = [], 0, []
    for ch in args:
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0 and (not maxsplit or len(out) < maxsplit - 1):
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def _strip_comment(text: str) -> str:
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


def _continued(line: str) -> bool:
    n = len(line) - len(line.rstrip("\\"))
    return n % 2 == 1


def _find_rule_colon(text: str) -> int:
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
            if nxt == ":" and text[i + 2:i + 3] == "=":
                return -1
            # a Windows drive letter (C:\) is not a rule colon
            if i == 1 and text[0].isalpha() and nxt in ("\\", "/"):
                continue
            return i
        elif ch == "=" and depth == 0:
            return -1
    return -1


def _logical_line(lines: list[str], i: int) -> tuple[str, int]:
    """The logical line starting at ``lines[i]``: continuations joined with one space, as make
    does.  Returns it and the index of the line after it."""
    n = len(lines)
    line = lines[i]
    j = i
    parts = [line]
    while _continued(lines[j]) and j + 1 < n:
        j += 1
        parts.append(lines[j])
    if len(parts) > 1:
        logical = " ".join(p[:-1].strip() if _continued(p) else p.strip() for p in parts)
    else:
        logical = line
    return logical, j + 1


def _modifiers(body: str, name_check: bool) -> tuple[list[str], str]:
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


class _Reader:
    def __init__(self, model: MakeModel, root: str | None):
        self.m = model
        self.root = root
        self.cond_depth = 0
        self.seen: set[str] = set()
        self.recipe_prefix = "\t"

    def read(self, lines: list[str], path: str | None, directory: str | None, depth: int) -> None:
        """Read one file's lines: the Makefile itself (``path`` None) or an included file
        (``path``: its real path), whose recipes are not kept (included files give variables only)."""
        current: Target | None = None  # the rule whose recipe lines follow
        own = path is None
        n = len(lines)
        i = 0
        while i < n:
            line = lines[i]
            if current is not None and line.startswith(self.recipe_prefix) and line.strip() != "":  # a recipe
                i = self._recipe_line(lines, i, current, own)
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                i += 1
                continue
            # ---- a logical line
            start_line = i + 1
            logical, i = _logical_line(lines, i)
            text = _strip_comment(logical).strip()
            if not text:
                continue
            word = text.split(None, 1)[0]
            if word.startswith(("ifeq(", "ifneq(")):
                word = word.split("(", 1)[0]
            dm = _DEFINE_RE.match(text)
            if dm:
                i = self._define(dm, lines, i, start_line, own, path)
                current = None
                continue
            if word in _DIRECTIVES:
                self._directive(word, text, directory, depth)
                continue
            # ---- variables (with modifiers)
            mods, body = _modifiers(text, True)
            am = _ASSIGN_RE.match(body)
            if am and _find_rule_colon(body) < 0:
                self.assign(am.group("name"), am.group("op"), am.group("value").strip(), start_line,
                            "export" in mods, path, target=None, unexport="unexport" in mods)
                current = None
                continue
            if body in ("export", "unexport"):  # alone: every variable
                self.m.export_all = body == "export"
                continue
            if mods and body.split()[0:1] != [] and _find_rule_colon(body) < 0:
                self._export(body, mods)
                continue
            # ---- rules
            colon = _find_rule_colon(text)
            if colon > 0:
                current = self._rule(text, colon, lines, i, start_line, own, path)
            # anything else (a stray line, a function call at top level): ignored
        return

    def _recipe_line(self, lines: list[str], i: int, current: Target, own: bool) -> int:
        """The recipe line starting at ``lines[i]`` with its continuation lines, added to
        ``current`` when the file is the Makefile itself.  Returns the next line's index."""
        n = len(lines)
        j = i
        pieces = []
        first = True
        while True:
            text = lines[j]
            col = 1
            if text.startswith(self.recipe_prefix):
                text = text[len(self.recipe_prefix):]
                col += len(self.recipe_prefix)
            if first:
                k = 0
                while k < len(text) and text[k] in "@-+ \t":
                    k += 1
                prefix = text[:k]
                text = text[k:]
                col += k
                first = False
            pieces.append((text, j + 1, col))
            if _continued(lines[j]) and j + 1 < n:
                j += 1
                continue
            break
        if own:
            current.recipes.append(RecipeLine(current, pieces, prefix.replace(" ", "").replace("\t", "")))
        return j + 1

    def _define(self, dm: re.Match, lines: list[str], i: int, start_line: int, own: bool, path) -> int:
        """A ``define NAME … endef`` block (nested defines kept in the value) whose define line,
        matched as ``dm``, is ``start_line``; ``lines[i]`` is its first body line.  Returns the
        index of the line after its ``endef``."""
        n = len(lines)
        name, op = dm.group("name"), dm.group("op") or "="
        exported = "export" in (dm.group("mods") or "").split()
        body = []
        nest = 1
        line = lines[start_line - 1]
        define_col = len(line) - len(line.lstrip()) + 1
        while i < n:
            s = lines[i].strip()
            if _DEFINE_RE.match(s):
                nest += 1
            elif s.startswith("endef") and (len(s) == 5 or s[5] in " \t#"):
                nest -= 1
                if nest == 0:
                    i += 1
                    break
            body.append(lines[i])
            i += 1
        if nest > 0 and own:  # GNU make: "missing 'endef', unterminated 'define'"
            message = f"missing 'endef', unterminated 'define {name}'"
            self.m.problems.append(ParseError(message, start_line, define_col))
        self.assign(name, op, "\n".join(body), start_line, exported, path, target=None)
        return i

    def _directive(self, word: str, text: str, directory: str | None, depth: int) -> None:
        """A line starting with one of _DIRECTIVES: conditionals (only their nesting is
        followed), includes, ``vpath``, ``undefine``, a stray ``endef``."""
        if word in _CONDITIONALS:
            self.cond_depth += 1
        elif word == "endif":
            self.cond_depth = max(0, self.cond_depth - 1)
        elif word in _INCLUDES:
            self.include(text[len(word):].strip(), directory, depth)
        elif word == "undefine":
            for nm in text.split()[1:]:
                self.m.variables.pop(nm, None)
        # else, vpath, endef: nothing to record

    def _export(self, body: str, mods: list[str]) -> None:
        """``export NAME …`` / ``unexport NAME …`` without a value (``body``: the names, after
        the modifiers ``mods``)."""
        m = self.m
        for nm in body.split():
            if "unexport" in mods:
                m.unexported.add(nm)
                m.exported_names.discard(nm)
                var = m.variables.get(nm)
                if var is not None:
                    var.exported = False
            elif "export" in mods:
                m.exported_names.add(nm)
                m.unexported.discard(nm)

    def _rule(self, text: str, colon: int, lines: list[str], i: int, start_line: int, own: bool,
              path) -> Target | None:
        """A rule line (``text``, its rule colon at ``colon``) starting at ``start_line``;
        ``lines[i]`` is the line after it.  Returns the target whose recipe lines may follow, or
        None for a target-specific variable (``target: [export] VAR = value``)."""
        m = self.m
        targets = text[:colon].split()
        rest = text[colon + 1:]
        if rest.startswith(":"):
            rest = rest[1:]
        if rest.startswith("&:"):
            rest = rest[2:]
        tmods, rest_body = _modifiers(rest.strip(), False)
        tm = _ASSIGN_RE.match(rest_body)
        if tm and ";" not in rest_body.split("=", 1)[0]:
            if own:
                for tn in targets:
                    self.assign(tm.group("name"), tm.group("op"), tm.group("value").strip(), start_line,
                                "export" in tmods, path, target=tn)
            return None
        special = targets[0] if targets else ""
        if special == ".ONESHELL":
            m.oneshell = True
        elif special == ".EXPORT_ALL_VARIABLES":
            m.export_all = True
        target = Target(targets, rest.split(";", 1)[0].strip(), start_line)
        if own:
            m.targets.append(target)
            self._inline_recipe(target, lines, i, start_line)
        return target

    def _inline_recipe(self, target: Target, lines: list[str], i: int, start_line: int) -> None:
        """An inline recipe after ';' on the rule line ``start_line``, taken from the raw lines
        (up to ``lines[i]``, the line after the rule) to keep its position."""
        n = len(lines)
        raw_first = lines[start_line - 1]
        semi = _inline_recipe_start(raw_first)
        if semi < 0:
            return
        k = semi
        while k < len(raw_first) and raw_first[k] in "@-+ \t":
            k += 1
        pieces = [(raw_first[k:], start_line, k + 1)]
        jj = start_line - 1
        while _continued(lines[jj]) and jj + 1 < n and jj + 1 < i:
            jj += 1
            t2 = lines[jj]
            c2 = 1
            if t2.startswith(self.recipe_prefix):
                t2 = t2[len(self.recipe_prefix):]
                c2 += len(self.recipe_prefix)
            pieces.append((t2, jj + 1, c2))
        if pieces[0][0].strip():
            target.recipes.append(RecipeLine(target, pieces, raw_first[semi:k].strip()))


    def assign(self, name: str, op: str, value: str, line: int, exported: bool, path, target: str | None,
               unexport: bool = False) -> None:
        """Record ``name op value``; ``target``: a target name for a target-specific variable."""
        m = self.m
        if "$" in name:
            name, d = m.expand(name)
            if d or not name.strip():
                return
            name = name.strip()
        table = m.variables if target is None else m.target_vars.setdefault(target, {})
        prev = table.get(name)
        outer = prev if prev is not None else m.variables.get(name)
        exported = exported or bool(outer and outer.exported)
        if unexport:
            m.unexported.add(name)
        conditional = self.cond_depth > 0
        m._memo.clear()
        if op == "?=":
            if prev is not None:
                if conditional and prev.conditional and not prev.dynamic and prev.raw != value:
                    prev.dynamic = True
                prev.exported = prev.exported or exported
                return
            var = MakeVar(name, value, "recursive", line, exported, False, path, op, conditional)
        elif op == "!=":
            var = MakeVar(name, "", "simple", line, exported, True, path, op, conditional)
        elif op == "+=":
            base = prev if prev is not None else (outer if target is not None else None)
            if base is None:
                var = MakeVar(name, value, "recursive", line, exported, False, path, op, conditional)
            elif base is prev:
                if prev.flavor == "simple":
                    val, _d = m.expand(value)
                    prev.append(val)
                else:
                    prev.append(value)
                prev.exported = prev.exported or exported
                if conditional:
                    prev.dynamic = True
                return
            else:  # target-specific += on a global variable
                var = MakeVar(name, base.raw, base.flavor, line, exported, base.dynamic, path, op, conditional)
                var.append(m.expand(value)[0] if base.flavor == "simple" else value)
        elif op in (":=", "::="):
            val, _d = m.expand(value)
            var = MakeVar(name, val, "simple", line, exported, False, path, op, conditional)
        else:  # "=" and ":::=" (close enough: recursive)
            var = MakeVar(name, value, "recursive", line, exported, False, path, op, conditional)
        if conditional and prev is not None and (prev.dynamic or prev.raw != var.raw):
            var.dynamic = True
        table[name] = var

    def include(self, spec: str, directory: str | None, depth: int) -> None:
        if directory is None or depth >= 5 or not spec:
            return
        m = self.m
        val, dyn = m.expand(spec)
        for item in val.split():
            if DYNAMIC in item or "${" in item:
                continue
            pattern = item if os.path.isabs(item) else os.path.join(directory, item)
            if any(ch in pattern for ch in "*?["):
                paths = sorted(glob.glob(pattern))
                m.inputs.extend(_glob_folders(pattern))
            else:
                paths = [pattern]
            for p in paths:
                if len(self.seen) >= _MAX_INCLUDES:
                    return
                real = os.path.realpath(p)
                norm = os.path.normpath(p)
                m.inputs.append(norm)
                if real != norm:
                    m.inputs.append(real)
                if real in self.seen or not os.path.isfile(real):
                    continue
                if self.root is not None and not (real == self.root or real.startswith(self.root + os.sep)):
                    continue
                try:
                    if os.path.getsize(real) > _MAX_INCLUDE_SIZE:
                        continue
                    data = read_regular(real, _MAX_INCLUDE_SIZE)
                except OSError:
                    continue
                self.seen.add(real)
                text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
                m.includes.append(real)
                saved = self.recipe_prefix
                self.read(text.split("\n"), real, os.path.dirname(real), depth + 1)
                self.recipe_prefix = saved


def _inline_recipe_start(line: str) -> int:
    """Offset just after the ``;`` that starts an inline recipe on a rule line, -1 if none."""
    colon = _find_rule_colon(line)
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


def _glob_folders(pattern: str) -> list[str]:
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


def parse(source) -> MakeModel:
    model = MakeModel(source)
    directory = None
    abspath = getattr(source, "abspath", None)
    if abspath and os.path.isfile(abspath):
        directory = os.path.dirname(os.path.realpath(abspath))
    # includes outside the repository are not read, so a .git appearing on the way (a probe
    # recorded in model.inputs) changes the result
    reader = _Reader(model, find_root(directory, model.inputs) if directory else None)
    if directory:
        reader.seen.add(os.path.realpath(abspath))
    _scan_recipe_prefix(source.lines, reader)
    reader.read(source.lines, None, directory, 0)
    return model


def _scan_recipe_prefix(lines: list[str], reader: _Reader) -> None:
    """``.RECIPEPREFIX = >``: honour the first setting (rare; enough for real files)."""
    for line in lines:
        if line.startswith(".RECIPEPREFIX"):
            mm = re.match(r"^\.RECIPEPREFIX\s*:?:?=\s*(\S)", line)
            if mm:
                reader.recipe_prefix = mm.group(1)
            return
