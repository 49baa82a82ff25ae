"""Shell scripts: error-tolerant parsing with tree-sitter-bash, simple commands with exact positions.

Why tree-sitter-bash: on a corpus of 496 real scripts bashlex raised on 51% (``case``, ``[[``,
arrays) at ~150 files/s and costs ~200 ms to import; tree-sitter-bash parsed every script at
~1,900 files/s and recovers from errors with ERROR nodes instead of giving up.

``parse(source)`` is cheap (no tree-sitter): the model's only shell snippet is the whole file.
``simple_commands(snippet)`` does the work: it parses the snippet once, walks the tree in document
order and returns every simple command (through ``&&``, ``||``, ``;``, pipes, subshells, ``$(…)``,
functions, ``if``/``for``/``while``/``case`` bodies, and the string of ``sh -c '…'``), with:

- its words: raw text, a best-effort value (quotes removed, variables known in the snippet
  substituted, unknown ones left as written, so ``platforms.is_dynamic`` sees a ``$``), offsets
  into the snippet text and a file span; an unquoted variable whose value has blanks is split
  into several words as the shell would (they share the variable's span);
- the ``NAME=value`` prefixes (``FOO=bar cmd``, ``env FOO=bar cmd``, ``sudo FOO=bar cmd``);
- wrappers stripped: ``sudo``, ``doas``, ``env``, ``time``, ``exec``, ``nohup``, ``command``,
  ``builtin``, ``nice``, ``timeout``, ``xargs``, ``stdbuf`` with their options, and
  ``gcloud docker -- …`` (the Cloud SDK's docker wrapper: ``docker …``);
- ``lookup(name)``: the shell variable as set earlier in the snippet (``X=…``, ``export X=…``,
  ``declare``/``local``/``readonly``), or as given by the snippet's ``env`` (exported Make
  variables, workflow ``env:``).

GitHub Actions ``${{ … }}`` expressions are masked before parsing (same length, restored in the
words), so ``run:`` steps parse like the shell Actions hands them to; code points beyond U+1FFFF
are masked too (tree-sitter-bash 0.25 can crash the process on some of them).

Here-document bodies, comments and quoted strings are never commands (``echo "docker build"``).
Where tree-sitter leaves ERROR nodes, the lines they cover are also scanned line by line, so an
obvious command is not lost; the same scan is used if tree-sitter is unavailable.  Nothing here
raises on bad input.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_right

from ..model import Span
from ..snippet import Snippet, in_document
from .varref import VarRefs

# ---- snippets with an environment and an optional expansion map ---------------------------------


class ShellSnippet(Snippet):
    """A Snippet that also carries the environment the shell starts with and, when the text was
    produced by expanding another text (Makefile variables), the map back to that text.

    ``env``: name -> value (``None``: set, value unknown).  ``env_spans``: where each is set.
    ``base``/``segments``: ``text`` is an expansion of ``base.text``; ``segments`` is a sorted
    list of ``(start, end, base_start, base_end, literal)`` covering ``text``.  Offsets in a
    literal segment map one to one; any offset inside an expanded segment maps to the whole
    reference it came from (``$(IMG)``).

    ``group``: what the snippet belongs to with others run together on one machine (a
    Makefile target's recipe lines); None: the snippet is its own group."""

    __slots__ = ("env", "env_spans", "base", "segments", "_seg_starts", "group")

    def __init__(self, text: str, origins: list, context: str = "", env: dict | None = None,
                 env_spans: dict | None = None, base: Snippet | None = None, segments: list | None = None,
                 group=None):
        Snippet.__init__(self, text, origins, context)
        self.env = env if env is not None else {}
        self.env_spans = env_spans if env_spans is not None else {}
        self.base = base
        self.segments = segments
        self._seg_starts: list | None = None
        self.group = group

    def written(self, start: int, end: int) -> str:
        """The text as written in the file for ``text[start:end]``: for an expansion, the
        references it came from (``$(shell go env GOARCH)``), not their values."""
        if self.base is None or not self.segments:
            return self.text[start:end]
        bs = self._base_start(start)
        be = self._base_end(end) if end > start else bs
        return self.base.text[bs:max(be, bs)]

    def unresolved(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` holds an expansion left unresolved (its text a ``$``
        reference): inside single quotes it is still unknown, as make expands it before the shell
        reads the quotes (``--build-arg 'TARGETARCH=$(GOARCH)'``)."""
        if self.base is None or not self.segments:
            return False
        if self._seg_starts is None:
            self._seg_starts = [seg[0] for seg in self.segments]
        i = max(0, bisect_right(self._seg_starts, start) - 1)
        while i < len(self.segments) and self.segments[i][0] < end:
            s, e, _bs, _be, literal = self.segments[i]
            # only the part of the expansion inside the word: a literal quoted beside an unknown
            # of the same expansion stays known (and each word costs only its own length)
            if not literal and e > start and "$" in self.text[max(s, start):min(e, end)]:
                return True
            i += 1
        return False

    def _segment(self, offset: int):
        segs = self.segments
        if self._seg_starts is None:
            self._seg_starts = [s[0] for s in segs]
        i = bisect_right(self._seg_starts, offset) - 1
        return segs[max(0, min(i, len(segs) - 1))]

    def _base_start(self, offset: int) -> int:
        s, e, bs, be, literal = self._segment(offset)
        if literal:
            return bs + min(max(0, offset - s), be - bs)
        return bs if offset < e else be

    def _base_end(self, end: int) -> int:
        s, e, bs, be, literal = self._segment(max(0, end - 1))
        if literal:
            return bs + min(max(0, end - s), be - bs)
        return be

    def pos(self, offset: int) -> tuple[int, int]:
        if self.base is None or not self.segments:
            return Snippet.pos(self, offset)
        return self.base.pos(self._base_start(offset))

    def span(self, start: int, end: int) -> Span:
        if self.base is None or not self.segments:
            return Snippet.span(self, start, end)
        bs = self._base_start(start)
        be = self._base_end(end) if end > start else bs + 1
        return self.base.span(bs, max(be, bs + 1))


def snippet_env(snippet) -> dict:
    env = getattr(snippet, "env", None)
    return env if isinstance(env, dict) else {}


# ---- the model of a shell file ----------------------------------------------------------------


class ShellModel:
    """A shell script: one snippet, the whole file."""

    __slots__ = ("source", "_snippet")

    def __init__(self, source):
        self.source = source
        self._snippet: Snippet | None = None

    @property
    def snippet(self) -> Snippet:
        if self._snippet is None:
            lines = self.source.lines
            self._snippet = ShellSnippet(self.source.text, [(i, 1) for i in range(1, len(lines) + 1)], "script")
        return self._snippet

    def shell_snippets(self) -> list[Snippet]:
        return [self.snippet]


def parse(source) -> ShellModel:
    return ShellModel(source)


# ---- commands -------------------------------------------------------------------------------


def _split_blanks(text: str) -> list[str]:
    """``text`` split on runs of blanks, as word splitting splits an unquoted expansion, except
    inside a command substitution or ``${...}`` kept as written in an unknown value
    (``$(echo $os_arch | cut -d/ -f1)`` is one word's unknown part, not six words).  Linear."""
    if "$(" not in text and "`" not in text and "${" not in text:
        return re.split(r"[ \t\n]+", text)
    out: list[str] = []
    cur: list[str] = []
    depth = 0  # open $( ( ${ nesting
    tick = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "`":
            tick = not tick
        elif c == "$" and i + 1 < n and text[i + 1] in "({":
            depth += 1
            cur.append(text[i:i + 2])
            i += 2
            continue
        elif c in "({" and depth:
            depth += 1
        elif c in ")}" and depth:
            depth -= 1
        elif c in " \t\n" and not depth and not tick:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


class Word:
    """One word of a command.  ``raw``: the text as written (for a split variable: the whole
    reference); ``value``: quotes removed, known variables substituted, unknown ones left as
    written; ``start``/``end``: offsets into the snippet text; ``dynamic``: some part could not
    be resolved (``$1``, ``$(cmd)``, an unset variable); ``defaulted``: some part came from a
    ``${X:-default}``."""

    __slots__ = ("raw", "value", "start", "end", "snippet", "dynamic", "defaulted", "quoted")

    def __init__(self, raw: str, value: str, start: int, end: int, snippet: Snippet,
                 dynamic: bool = False, defaulted: bool = False, quoted: bool = False):
        self.raw = raw
        self.value = value
        self.start = start
        self.end = end
        self.snippet = snippet
        self.dynamic = dynamic
        self.defaulted = defaulted
        self.quoted = quoted

    def __repr__(self):
        return f"Word({self.value!r}@{self.start})"

    @property
    def span(self) -> Span:
        return self.snippet.span(self.start, self.end)


class Assignment:
    """``NAME=value``; ``value`` as for Word.value; ``word`` is the NAME=value word (None when
    it comes from the snippet's env)."""

    __slots__ = ("name", "value", "dynamic", "word", "exported", "defaulted", "unset")

    def __init__(self, name: str, value: str, dynamic: bool, word: Word | None,
                 exported: bool = False, defaulted: bool = False, unset: bool = False):
        self.name = name
        self.value = value
        self.dynamic = dynamic
        self.word = word
        self.exported = exported
        self.defaulted = defaulted
        self.unset = unset  # ``unset NAME``: known to be unset from here on

    def __repr__(self):
        return f"Assignment({self.name}={self.value!r})"


class Command:
    """A simple command: ``words`` (program and arguments, wrappers stripped), ``assignments``
    (its NAME=value prefixes), ``prefixes`` (the stripped wrapper words: sudo -E, env, ...),
    ``start``/``end`` offsets in the snippet text; ``fallback`` when found by the line scan."""

    __slots__ = ("words", "assignments", "prefixes", "snippet", "start", "end", "fallback", "_vars", "_version")

    def __init__(self, words, assignments, prefixes, snippet, start=0, end=0, fallback=False,
                 _vars=None, _version=0):
        self.words: list[Word] = words
        self.assignments: list[Assignment] = assignments
        self.prefixes: list[Word] = prefixes
        self.snippet = snippet
        self.start = start
        self.end = end
        self.fallback = fallback
        self._vars: VarTable | None = _vars
        self._version = _version

    def __repr__(self):
        return f"Command({' '.join(w.value for w in self.words)!r})"

    @property
    def program(self) -> str:
        """Base name of the program (``/usr/bin/docker`` -> ``docker``; ``$(LOCALBIN)/kustomize``
        -> ``kustomize``: an unknown folder, a known name), "" if unknown."""
        if not self.words:
            return ""
        w = self.words[0]
        _folder, slash, name = w.value.rpartition("/")
        if w.dynamic and (not slash or "$" in name or "`" in name):
            m = _TOOL_VAR.match(w.value) if w.value.startswith("$") else None
            return _TOOL_VARS.get(next(g for g in m.groups() if g), "") if m else ""
        return tool_name(name)

    @property
    def args(self) -> list[Word]:
        return self.words[1:]

    def lookup(self, name: str) -> Assignment | None:
        """The variable as the command sees it: a prefix assignment, else the last assignment
        before the command in the snippet, else the snippet's env; None if never set."""
        for a in reversed(self.assignments):
            if a.name == name:
                return a
        if self._vars is None:
            return None
        a = self._vars.get(name, self._version)
        return None if a is not None and a.unset else a


#: a tool's name with its version after a dash (``kustomize-v5.4.3``, ``controller-gen-v0.14.0``)
_VERSIONED = re.compile(r"([A-Za-z][\w.-]*?)-v?[0-9]+(?:\.[0-9]+)+")


def tool_name(name: str) -> str:
    """A program's file name as the tool it is: ``docker.exe`` is docker, bingo's
    ``kustomize-v5.4.3`` (``$(GOBIN)/kustomize-v5.4.3``) is kustomize of that version."""
    name = name[:-4] if name.lower().endswith(".exe") else name
    if "-" in name and name[-1:].isdigit():
        m = _VERSIONED.fullmatch(name)
        return m.group(1) if m else name
    return name


#: a program that is a variable not known here, named for the tool it holds (ocs-operator's
#: ``$KUSTOMIZE edit set image ...``, set by a file the script sources): only tools whose commands
#: say a tag is set or an image stays local, which can take a finding away, never make one
#: (``$DOCKER build .`` stays unknown: the variable may hold ``echo`` for a dry run)
_TOOL_VARS = {"KUSTOMIZE": "kustomize", "OPM": "opm", "OPERATOR_SDK": "operator-sdk", "KIND": "kind",
              "MINIKUBE": "minikube", "K3D": "k3d"}
_TOOL_VAR = re.compile(r"\$(?:\{([A-Z_]+)\}|\(([A-Z_]+)\)|([A-Z_]+))$")


class VarTable:
    """Shell variables in document order: every assignment bumps a version; a command keeps the
    version it saw, so later lookups are cheap and never copy the table."""

    __slots__ = ("history", "versions", "version", "offsets", "names", "functions", "given")

    def __init__(self, env: dict | None = None):
        self.functions: frozenset = frozenset()  # the script's functions that run their arguments
        self.given: dict = {}  # function -> the arguments every call of it in the script passes (positional_calls)
        self.history: dict[str, list[Assignment]] = {}  # name -> its assignments, in order
        self.versions: dict[str, list[int]] = {}  # name -> the version of each
        self.version = 0
        self.offsets: list[int] = []  # offset of each assignment (version i at offsets[i-1])
        self.names: list[str] = []  # the name set at each version (version i at names[i-1])
        for name, value in (env or {}).items():
            if isinstance(value, tuple):
                value = value[0]
            dyn = value is None or "$" in value
            self.history[name] = [Assignment(name, "$" + name if value is None else value, dyn, None, True)]
            self.versions[name] = [0]

    def set(self, a: Assignment, offset: int) -> None:
        self.version += 1
        self.offsets.append(offset)
        self.names.append(a.name)
        self.history.setdefault(a.name, []).append(a)
        self.versions.setdefault(a.name, []).append(self.version)

    def export(self, name: str, offset: int) -> None:
        cur = self.get(name, self.version)
        if cur is not None and not cur.exported:
            self.set(Assignment(name, cur.value, cur.dynamic, cur.word, True, cur.defaulted), offset)
        elif cur is None:
            self.set(Assignment(name, "$" + name, True, None, True), offset)

    def get(self, name: str, version: int) -> Assignment | None:
        hist = self.history.get(name)
        if not hist:
            return None
        versions = self.versions[name]
        if versions[-1] <= version:
            return hist[-1]
        i = bisect_right(versions, version) - 1
        return hist[i] if i >= 0 else None

    def version_at(self, offset: int) -> int:
        return bisect_right(self.offsets, offset)


# ---- tree-sitter, loaded once per process -----------------------------------------------------

#: tests set this to see exceptions that simple_commands would otherwise turn into a line scan
STRICT = False

_PARSER = None
_KINDS: dict[str, frozenset[int]] = {}  # node type -> the grammar's symbol ids for it
_PARSER_FAILED = False
_ERROR_ID = 65535  # tree-sitter's ERROR symbol
_WALKED = ("command", "variable_assignment", "declaration_command", "unset_command", "for_statement",
           "heredoc_body", "comment", "if_statement", "elif_clause", "else_clause", "case_statement", "case_item",
           "function_definition")
_MAX_BRANCH_DEPTH = 32  # nested if/case statements followed; deeper ones read in document order


def _binding(package: str):
    """The compiled ``_binding`` module of a tree-sitter package, loaded without running the
    package's ``__init__``: tree-sitter's imports ``typing`` for one Protocol class, and
    tree-sitter-bash's imports ``importlib.resources`` (with pathlib, tempfile, urllib ...) only
    to read highlight queries.  Neither is used here, and together they cost more start-up than
    parsing.  Falls back to the ordinary import when the layout is not the expected one."""
    import sys

    if package in sys.modules:
        return __import__(package + "._binding", fromlist=("_",))
    try:
        # the import system's own classes, loaded at interpreter start: importing the importlib
        # package (for importlib.machinery or importlib.util) would also import warnings
        import _imp
        from _frozen_importlib import ModuleSpec
        from _frozen_importlib_external import ExtensionFileLoader, PathFinder

        spec = PathFinder.find_spec(package)  # finds the package, does not execute it
        for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
            for suffix in _imp.extension_suffixes():
                path = os.path.join(folder, "_binding" + suffix)
                if os.path.isfile(path):
                    name = package + "._binding"
                    loader = ExtensionFileLoader(name, path)
                    module = loader.create_module(ModuleSpec(name, loader, origin=path))
                    loader.exec_module(module)
                    return module
    except Exception:  # any surprise: the ordinary import below
        pass
    return __import__(package + "._binding", fromlist=("_",))


def _ts_parser():
    """The parser, created once per process; None if tree-sitter is unavailable."""
    global _PARSER, _PARSER_FAILED
    if _PARSER is None and not _PARSER_FAILED:
        try:
            tree_sitter = _binding("tree_sitter")
            lang = tree_sitter.Language(_binding("tree_sitter_bash").language())
            ids: dict[str, set[int]] = {k: set() for k in _WALKED}
            ids["then"] = set()  # the keyword (anonymous): an if's first arm starts after it
            for i in range(lang.node_kind_count):
                name = lang.node_kind_for_id(i)
                if name in ids and lang.node_kind_is_named(i) != (name == "then"):
                    ids[name].add(i)
            _KINDS.update({k: frozenset(v) for k, v in ids.items()})
            _PARSER = tree_sitter.Parser(lang)
        except Exception:  # not installed or an incompatible binding: use the line scan
            _PARSER_FAILED = True
    return _PARSER


class _Offsets:
    """Byte offsets (tree-sitter) -> code-point offsets (Python str)."""

    __slots__ = ("ends", "extra")

    def __init__(self, text: str):
        self.ends: list[int] = []
        self.extra: list[int] = []
        if text.isascii():
            return
        b = 0
        extra = 0
        for ch in text:
            o = ord(ch)
            n = 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
            b += n
            if n > 1:
                extra += n - 1
                self.ends.append(b)
                self.extra.append(extra)

    def char(self, byte: int) -> int:
        if not self.ends:
            return byte
        i = bisect_right(self.ends, byte) - 1
        return byte - (self.extra[i] if i >= 0 else 0)


_WRAPPERS = {
    # wrapper -> (options that take a value, takes NAME=value assignments, positional args to skip)
    "sudo": ({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R", "--user", "--group",
              "--host", "--prompt", "--close-from", "--chdir", "--role", "--type", "--other-user",
              "--command-timeout", "--chroot"}, True, 0),
    "doas": ({"-u", "-C"}, False, 0),
    "env": ({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}, True, 0),
    "time": ({"-f", "--format", "-o", "--output"}, False, 0),
    "exec": ({"-a"}, False, 0),
    "nohup": (set(), False, 0),
    "command": (set(), False, 0),
    "builtin": (set(), False, 0),
    "nice": ({"-n", "--adjustment"}, False, 0),
    "timeout": ({"-s", "--signal", "-k", "--kill-after"}, False, 1),
    "xargs": ({"-I", "-n", "-L", "-P", "-d", "-E", "-s", "-a", "--arg-file", "--delimiter",
               "--max-args", "--max-procs", "--max-lines", "--replace", "--eof", "--max-chars"}, False, 0),
    "stdbuf": ({"-i", "-o", "-e", "--input", "--output", "--error"}, False, 0),
}
_SIDE_EFFECTS = ("read", "mapfile", "readarray", "getopts")
_SHELLS = ("sh", "bash", "zsh", "dash", "ksh", "ash", "mksh")
_ASSIGN_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME_START = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_DEPTH = 60
_DECL_EXPORTING = ("export",)


def simple_commands(snippet: Snippet, programs=None) -> list[Command]:
    """Every simple command in ``snippet``, in document order.  Never raises for bad input.

    ``programs``: if given, only commands whose program (after wrappers) is one of these names
    are returned with their words (a fast path for the analyser); variable tracking still sees
    every assignment."""
    text = snippet.text
    exprs: dict[str, str] = {}
    if "${{" in text:
        text = _mask_expressions(text, exprs)
    if "<" in text and in_document(snippet):
        text = _mask_expressions(text, exprs, _PLACEHOLDER_RE)
    masked = text != snippet.text
    astral = not text.isascii() and _ASTRAL_RE.search(text) is not None
    if astral:
        # tree-sitter-bash crashes the process on some code points beyond U+1FFFF (seen with
        # py-tree-sitter 0.26 / tree-sitter-bash 0.25); one U+FFFD each keeps every offset
        text = _ASTRAL_RE.sub("\ufffd", text)
    table = VarTable(_with_env_expressions(snippet_env(snippet), exprs))
    table.functions = wrapper_functions(text)
    table.given = positional_calls(text)
    out: list[Command] = []
    wanted = frozenset(programs) if programs is not None else None
    try:
        _extract(snippet, text, 0, table, out, 0, wanted)
    except Exception:  # never let a parser problem (or a bug here) end the lint: scan the lines
        if STRICT:
            raise
        out = []
        try:
            table = VarTable(snippet_env(snippet))
            table.functions = wrapper_functions(text)
            _scan_region(snippet, text, 0, len(text), 0, table, out, set(), True, wanted)
        except Exception:
            out = []
    if wanted is not None:
        out = [c for c in out if c.program in wanted]
    if masked or astral:
        _unmask(out, snippet.text, exprs)
    return out


#: a function definition's line (``dry_run() {``, ``function retry {``) and a body line that runs
#: the function's arguments as a command (``"$@"``, ``eval "$*"``, ``exec "$@"``)
_FUNC_DEF = re.compile(r"^[ \t]*(?:function[ \t]+([A-Za-z_][\w-]*)[ \t]*(?:\([ \t]*\))?|([A-Za-z_][\w-]*)[ \t]*\([ \t]*\))"
                       r"[ \t]*\{?[ \t]*$")
_RUNS_ARGS = re.compile(r"^[ \t]*(?:(?:eval|exec|command)[ \t]+)?\"?\$(?:[@*]|\{[@*]\})\"?(?:[ \t;|&]|$)")
_BODY_LINES = 40  # lines of a body read at most: linear in the text


def function_bodies(text: str) -> list:
    """(name, body lines) of each function ``text`` defines (``name() {``, ``function name {``;
    one defined in both branches of an ``if`` twice), read up to its closing ``}`` line, 40 lines
    at most: linear in the text."""
    lines = text.split("\n")
    found: list = []
    for i, line in enumerate(lines):
        m = _FUNC_DEF.match(line) if "(" in line or "function" in line else None
        if m is None:
            continue
        body = []
        for b in lines[i + 1:i + 1 + _BODY_LINES]:
            if b.strip() == "}":
                break
            body.append(b)
        found.append((m.group(1) or m.group(2), body))
    return found


#: a function body's positional parameter with a default: ``${1:-latest}``, ``${2-x}``
_POSITIONAL_DEFAULT = re.compile(r"\$\{[1-9]:?[-=]")
_CALLED_MAX = 32  # functions whose calls are counted, at most


def positional_calls(text: str) -> dict:
    """For each function ``text`` defines whose body gives a positional parameter a default
    (``local tag=${IMAGE}:${1:-latest}``), the arguments every call of it in ``text`` passes
    when there is at least one call and each passes some (onap's ``_push_image $VERSION``): then
    the default is never used.  Calls are found at a command's place on a line (its start, after
    ``;``, ``&&``, ``||``, ``|``, ``(``, a backquote, ``{``, ``!``, ``then``, ``do``, ``if``,
    ``while``, ``time``...); an empty argument (``f ""``) is none.  One regex pass for all."""
    if "${" not in text or _POSITIONAL_DEFAULT.search(text) is None:
        return {}
    names = [name for name, body in function_bodies(text)
             if any(_POSITIONAL_DEFAULT.search(b) for b in body)][:_CALLED_MAX]
    if not names:
        return {}
    alts = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    calls = re.compile(r"(?:^|[;&|(`{]|\b(?:then|do|else|if|elif|while|until|time)[ \t]|!)[ \t]*(" + alts
                       + r")(?=[ \t;&|)`}]|$)([^\n;&|)`#]*)", re.M)
    least: dict = {}
    for m in calls.finditer(text):
        given = words(m.group(2))
        # (the arguments up to the first empty one: `f ""` leaves ${1:-x} its default)
        n = next((i for i, w in enumerate(given) if w == ""), len(given))
        least[m.group(1)] = min(n, least.get(m.group(1), n))
    return {k: v for k, v in least.items() if v > 0}


def wrapper_functions(text: str) -> frozenset:
    """The names of the functions ``text`` defines that run their arguments as a command (kwok's
    ``dry_run() { ...; eval "$*"; }``, a ``retry``): ``dry_run kustomize edit set image ...`` is
    that command, as ``sudo ...`` is."""
    if "$@" not in text and "$*" not in text and "${@}" not in text and "${*}" not in text:
        return frozenset()
    return frozenset(name for name, body in function_bodies(text) if any(_RUNS_ARGS.match(b) for b in body))


_ASTRAL_RE = re.compile("[\U00020000-\U0010FFFF]")
_EXPR_RE = re.compile(r"\$\{\{.*?\}\}")
_MASK_RE = re.compile(r"\$\{_E\d+_*\}")


#: a Markdown block's ``<your-gcp-project>`` (``docker build -t gcr.io/<your-gcp-project>/api .``),
#: of a few words too (``docker push <new image tag>``: scheduler-plugins' load-watcher README): a
#: placeholder its reader fills in, not two redirections that would swallow the rest of the line
_PLACEHOLDER_RE = re.compile(r"<[A-Za-z][\w.:/-]*(?: [A-Za-z][\w.:/-]*){0,4}>")


#: ``${{ env.NAME }}`` in a ``run:`` step: the step's env context, which Actions substitutes
_ENV_EXPR = re.compile(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _with_env_expressions(env: dict, exprs: dict) -> dict:
    """``env`` with, for each masked ``${{ env.NAME }}`` whose value the workflow, job or step
    ``env:`` gives as a literal (names ignore case, as Actions' contexts do), the masking
    variable set to it (opea's code scan: ``-f ${{ github.workspace }}/.github/workflows/docker/
    ${{ env.DOCKER_FILE_NAME }}.dockerfile`` with ``DOCKER_FILE_NAME: "code-scan"``)."""
    if not exprs or not env:
        return env
    lower = {str(k).lower(): v for k, v in env.items()}
    out = None
    for masked, orig in exprs.items():
        m = _ENV_EXPR.fullmatch(orig)
        v = lower.get(m.group(1).lower()) if m else None
        if isinstance(v, str) and "$" not in v and "`" not in v:
            out = dict(env) if out is None else out
            out[masked[2:-1]] = v
    return env if out is None else out


def _mask_expressions(text: str, exprs: dict[str, str], pattern: re.Pattern = _EXPR_RE) -> str:
    """GitHub Actions ``${{ … }}`` expressions (and a document's ``<placeholder>``s) are replaced
    before shell parsing (Actions does that too) by a same-length unknown variable, so offsets
    do not move and the value is dynamic; ``_unmask`` puts the original text back into the words."""

    def sub(m: re.Match) -> str:
        orig = m.group(0)
        key = f"_E{len(exprs)}"
        if len(orig) < len(key) + 3:
            return "${" + "_" * (len(orig) - 3) + "}" if orig.startswith("$") or len(orig) > 3 else orig
        masked = "${" + key.ljust(len(orig) - 3, "_") + "}"
        exprs[masked] = orig
        return masked

    return pattern.sub(sub, text)


def _unmask(commands: list[Command], original: str, exprs: dict[str, str]) -> None:
    def fix(value: str) -> str:
        return _MASK_RE.sub(lambda m: exprs.get(m.group(0), m.group(0)), value) if "${_E" in value else value

    seen: set[int] = set()
    for c in commands:
        for w in c.words + c.prefixes:
            if id(w) in seen:
                continue
            seen.add(id(w))
            masked = w.raw
            w.raw = original[w.start:w.end] if 0 <= w.start <= w.end <= len(original) else w.raw
            w.value = w.raw if w.value == masked and masked != w.raw and not w.dynamic else fix(w.value)
        for a in c.assignments:
            a.value = fix(a.value)
            if a.word is not None and id(a.word) not in seen:
                seen.add(id(a.word))
                a.word.raw = original[a.word.start:a.word.end]
                a.word.value = fix(a.word.value)


_MAX_HEREDOC_OPERATORS = 1000


def _extract(snippet: Snippet, text: str, base: int, table: VarTable, out: list[Command], depth: int,
             wanted=None) -> None:
    """Commands of ``text`` (which sits at offset ``base`` of the snippet text)."""
    parser = _ts_parser()
    if parser is None or text.count("<<") > _MAX_HEREDOC_OPERATORS:
        # tree-sitter-bash's heredoc scanner takes time growing with the square of the number
        # of << operators (8,000 on one line: 0.4 s; a megabyte of them: half an hour); no real
        # script has that many, and the token scanner reads such a text in linear time
        _scan_region(snippet, text, 0, len(text), base, table, out, set(), True, wanted)
        return
    try:
        data = text.encode("utf-8", "surrogatepass")
        tree = parser.parse(data)
    except Exception:
        _scan_region(snippet, text, 0, len(text), base, table, out, set(), True, wanted)
        return
    w = _Walker(snippet, text, base, _Offsets(text), table, out, depth, wanted)
    w.walk(tree.root_node)
    if tree.root_node.has_error and w.errors:
        w.rescan_errors()


class _Branches:
    """An if or case statement being walked: the table's version before it, the version its
    current arm started at, and each finished arm's last assignments."""

    __slots__ = ("start", "arm_start", "done", "exhaustive", "arms")

    def __init__(self, version: int):
        self.start = version
        self.arm_start = version
        self.done: list[dict[str, Assignment]] = []
        self.exhaustive = False  # an else, or a * case
        self.arms = 0  # case items seen

    def close(self, table: VarTable) -> dict[str, Assignment]:
        """Ends the current arm; returns its assignments."""
        last = {n: table.get(n, table.version) for n in set(table.names[self.arm_start:table.version])}
        self.done.append(last)
        return last


def _unknown(name: str, exported: bool = False) -> Assignment:
    return Assignment(name, "$" + name, True, None, exported)


def _cut_dollar(prev, node) -> bool:
    """Whether tree-sitter-bash cut one word in two at a ``$``: ``a/$B/c-$B-d`` is read as a
    concatenation ending in a bare ``$`` and a word ``B-d`` right after it (no blank between)."""
    return prev.type == "concatenation" and prev.end_byte == node.start_byte and prev.child_count > 0 \
        and prev.children[-1].type == "$" and not prev.children[-1].is_named


def _same(a: Assignment | None, b: Assignment | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.value == b.value and a.dynamic == b.dynamic


class _Walker:
    __slots__ = ("snippet", "text", "base", "offs", "table", "out", "depth", "errors", "found", "wanted",
                 "frames")

    def __init__(self, snippet, text, base, offs, table, out, depth, wanted=None):
        self.wanted = wanted
        self.frames: list[_Branches | None] = []  # the if/case statements the walk is inside
        self.snippet = snippet
        self.text = text
        self.base = base
        self.offs = offs
        self.table = table
        self.out = out
        self.depth = depth
        self.errors: list[tuple[int, int]] = []  # char ranges of ERROR nodes
        self.found: set[int] = set()  # snippet offsets of words of commands found

    # -- positions
    def s(self, node) -> int:
        return self.offs.char(node.start_byte) if self.offs.ends else node.start_byte

    def e(self, node) -> int:
        return self.offs.char(node.end_byte) if self.offs.ends else node.end_byte

    def raw(self, node) -> str:
        return self.text[self.s(node):self.e(node)]

    # -- the nodes of interest, in document order (a cursor walk: no Python recursion, and
    #    a Node object only for nodes of interest)
    def walk(self, root) -> None:
        K = _KINDS
        command, assignment, decl = K["command"], K["variable_assignment"], K["declaration_command"]
        unset, loop = K["unset_command"], K["for_statement"]
        skip = K["heredoc_body"] | K["comment"]
        opens = K["if_statement"] | K["case_statement"]
        arms = K["elif_clause"] | K["else_clause"] | K["case_item"]
        then, if_statement = K["then"], K["if_statement"]
        funcdef = K["function_definition"] if self.table.given else frozenset()
        cur = root.walk()
        parents: list[int] = []
        while True:
            node = cur.node
            kid = node.kind_id
            descend = True
            if kid in opens:
                self.frames.append(_Branches(self.table.version) if len(self.frames) < _MAX_BRANCH_DEPTH else None)
            elif kid in arms:
                self.arm(node)
            elif kid in then and parents and parents[-1] in if_statement and self.frames and self.frames[-1]:
                # the condition runs on every path: what it sets is the value before the arms
                self.frames[-1].start = self.frames[-1].arm_start = self.table.version
            elif kid in skip:
                descend = False  # here-document bodies and comments are text, not commands
            elif kid in command:
                self.command(node)
            elif kid in assignment:
                if not parents or not (parents[-1] in command or parents[-1] in decl):
                    self.assignment(node, exported=False)
            elif kid in decl:
                self.declaration(node)
            elif kid in unset:
                for c in node.named_children:
                    name = self.raw(c)
                    if _NAME_RE.match(name):
                        self.table.set(Assignment(name, "", False, None, unset=True), self.base + self.s(c))
            elif kid in loop:
                var = node.child_by_field_name("variable")
                if var is not None:
                    name = self.raw(var)
                    self.table.set(Assignment(name, "$" + name, True, None), self.base + self.s(var))
            elif kid == _ERROR_ID:
                self.errors.append((self.s(node), self.e(node)))
            elif kid in funcdef:
                self.positionals(cur.node, True)
            if descend and cur.goto_first_child():
                parents.append(kid)
                continue
            while not cur.goto_next_sibling():
                if not cur.goto_parent():
                    return
                up = parents.pop()
                if up in opens:
                    self.join(cur.node)
                elif up in funcdef:
                    self.positionals(cur.node, False)

    def positionals(self, node, entering: bool) -> None:
        """In the body of a function every call of which passes arguments (``VarTable.given``),
        its positional parameters are those arguments, not known here: ``${1:-latest}`` is not
        ``latest``.  After the body they are unset again (the script's own: defaults apply)."""
        name = node.child_by_field_name("name")
        given = self.table.given.get(self.raw(name)) if name is not None else None
        for i in range(1, min(given or 0, 9) + 1):
            n = str(i)
            a = Assignment(n, "$" + n, True, None) if entering else Assignment(n, "", False, None, unset=True)
            self.table.set(a, self.base + (self.s(node) if entering else self.e(node)))

    # -- branches: a variable set differently on the paths through an if or a case is unknown
    #    after it; each arm starts from the values before the statement
    def arm(self, node) -> None:
        frame = self.frames[-1] if self.frames else None
        if frame is None:
            return
        if node.type == "case_item":
            pattern = node.child_by_field_name("value")
            frame.exhaustive = frame.exhaustive or (pattern is not None and self.raw(pattern) == "*")
            frame.arms += 1
            if frame.arms == 1:
                return  # the first arm starts with the statement
        else:
            frame.exhaustive = frame.exhaustive or node.type == "else_clause"
        table = self.table
        for name in frame.close(table):
            pre = table.get(name, frame.start)
            table.set(pre if pre is not None else _unknown(name), self.base + self.s(node))
        frame.arm_start = table.version

    def join(self, node) -> None:
        frame = self.frames.pop() if self.frames else None
        if frame is None:
            return
        table = self.table
        frame.close(table)
        offset = self.base + self.e(node)
        # each name's values in the arms that set it (one pass over the arms' assignments); an
        # arm that leaves it, or no arm taken (no else, no * case), keeps the value before
        by_name: dict[str, list] = {}
        for arm in frame.done:
            for name, a in arm.items():
                by_name.setdefault(name, []).append(None if a.unset else a)
        arms = len(frame.done)
        for name in sorted(by_name):
            pre = table.get(name, frame.start)
            pre = None if pre is not None and pre.unset else pre
            seen = by_name[name]
            if len(seen) < arms or not frame.exhaustive:
                seen = seen + [pre]
            first = seen[0]
            if all(_same(a, first) for a in seen):
                final = first if first is not None else Assignment(name, "", False, None, unset=True)
            else:
                known = [a for a in seen if a is not None]
                if pre is None and not frame.exhaustive and all(_same(a, known[0]) for a in known):
                    # ``if [ -z "$TAG" ]; then TAG=latest; fi``: the value is a default
                    a = known[0]
                    final = Assignment(name, a.value, a.dynamic, a.word, a.exported, True)
                else:
                    final = _unknown(name, any(a is not None and a.exported for a in seen))
            table.set(final, offset)

    # -- values
    def value(self, node, depth: int = 0) -> tuple[list[tuple[str, bool]], bool, bool]:
        """(chunks, dynamic, defaulted); a chunk is (text, splittable)."""
        t = node.type
        raw = self.raw(node)
        if depth > _MAX_DEPTH:
            return [(raw, False)], True, False
        if t == "word":
            if "\\" in raw:
                raw = re.sub(r"\\\n", "", raw)
                raw = re.sub(r"\\(.)", r"\1", raw, flags=re.S)
            return [(raw, False)], False, False
        if t in ("number", "variable_name", "special_variable_name", "regex", "extglob_pattern"):
            return [(raw, False)], False, False
        if t == "raw_string":
            inner = raw[1:-1] if raw.endswith("'") and len(raw) >= 2 else raw[1:]
            unresolved = getattr(self.snippet, "unresolved", None)
            start = self.base + self.s(node)
            return [(inner, False)], bool(unresolved and unresolved(start, start + len(raw))), False
        if t == "ansi_c_string":
            inner = raw[2:-1] if raw.endswith("'") else raw[2:]
            return [(inner.replace("\\'", "'").replace("\\\\", "\\"), False)], False, False
        if t in ("string", "translated_string"):
            return self._string(node, depth)
        if t == "concatenation":
            return self._concat(node, depth, quoted=False)
        if t == "simple_expansion":
            return self._simple(node, raw, quoted=False)
        if t == "expansion":
            return self._expansion(node, raw, depth, quoted=False)
        return [(raw, False)], True, False

    def _concat(self, node, depth: int, quoted: bool):
        chunks: list[tuple[str, bool]] = []
        dyn = dfl = False
        pos = self.s(node)
        for c in node.children:
            cs = self.s(c)
            if cs > pos:
                chunks.append((self.text[pos:cs], False))
            if quoted and c.type == "simple_expansion":
                ch, d, f = self._simple(c, self.raw(c), quoted=True)
            elif quoted and c.type == "expansion":
                ch, d, f = self._expansion(c, self.raw(c), depth + 1, quoted=True)
            else:
                ch, d, f = self.value(c, depth + 1)
            chunks.extend(ch)
            dyn |= d
            dfl |= f
            pos = self.e(c)
        end = self.e(node)
        if end > pos:
            chunks.append((self.text[pos:end], False))
        return chunks, dyn, dfl

    def _string(self, node, depth: int):
        chunks: list[tuple[str, bool]] = []
        dyn = dfl = False
        s, e = self.s(node), self.e(node)
        start = s + (2 if self.text.startswith('$"', s) else 1)
        end = e - 1 if e - 1 >= start and self.text[e - 1] == '"' else e
        pos = start
        for c in node.children:
            if not c.is_named:
                continue
            cs, ce = self.s(c), self.e(c)
            if cs > pos:
                chunks.append((_dq_unescape(self.text[pos:cs]), False))
            if c.type == "string_content":
                chunks.append((_dq_unescape(self.text[cs:ce]), False))
            elif c.type == "simple_expansion":
                ch, d, f = self._simple(c, self.text[cs:ce], quoted=True)
                chunks.extend(ch)
                dyn |= d
                dfl |= f
            elif c.type == "expansion":
                ch, d, f = self._expansion(c, self.text[cs:ce], depth + 1, quoted=True)
                chunks.extend(ch)
                dyn |= d
                dfl |= f
            else:
                chunks.append((self.text[cs:ce], False))
                dyn = True
            pos = max(pos, ce)
        if end > pos:
            chunks.append((_dq_unescape(self.text[pos:end]), False))
        return [(t, False) for t, _ in chunks], dyn, dfl

    def _lookup(self, name: str) -> Assignment | None:
        a = self.table.get(name, self.table.version)
        return None if a is not None and a.unset else a

    def _simple(self, node, raw: str, quoted: bool):
        name = raw[1:]
        if not _NAME_RE.match(name):
            return [(raw, False)], True, False
        hit = self.table.get(name, self.table.version)
        if hit is not None and hit.unset:
            return [("", not quoted)], False, False
        a = self._lookup(name)
        if a is None or a.dynamic and a.value == "$" + name:
            return [(raw, False)], True, False
        return [(a.value, not quoted)], a.dynamic, a.defaulted

    def _expansion(self, node, raw: str, depth: int, quoted: bool):
        kids = node.children
        named = [c for c in kids if c.is_named]
        if (not named or named[0].type != "variable_name" or len(kids) < 2
                or kids[1].start_byte != named[0].start_byte):
            return [(raw, False)], True, False
        name = self.raw(named[0])
        op_node = node.child_by_field_name("operator")
        if op_node is None:
            if len(named) != 1:
                return [(raw, False)], True, False
            ch, d, f = self._simple(node, "$" + name, quoted)
            return ([(raw, False)], True, False) if d and ch[0][0] == "$" + name else (ch, d, f)
        op = self.raw(op_node)
        a = self._lookup(name)
        if op not in (":-", "-", ":=", "=", ":+", "+", ":?", "?"):
            return [(raw, False)], True, False
        # the operand: everything between the operator and the closing brace
        operand: list[tuple[str, bool]] = []
        dyn = dfl = False
        pos = self.e(op_node)
        close = self.e(node) - 1 if self.text[self.e(node) - 1:self.e(node)] == "}" else self.e(node)
        for c in kids:
            if self.s(c) < pos or not c.is_named:
                continue
            cs = self.s(c)
            if cs > pos:
                operand.append((self.text[pos:cs], False))
            ch, d, f = self.value(c, depth + 1)
            operand.extend((t, sp and not quoted) for t, sp in ch)
            dyn |= d
            dfl |= f
            pos = self.e(c)
        if close > pos:
            operand.append((self.text[pos:close], False))
        if a is not None and a.dynamic and a.value == "$" + name:
            return [(raw, False)], True, False
        is_set = a is not None
        non_empty = is_set and a.value != ""
        if op in (":-", "-", ":=", "="):
            use_value = non_empty if op.startswith(":") else is_set
            if use_value:
                return [(a.value, not quoted)], a.dynamic, a.defaulted
            return operand, dyn, True
        if op in (":+", "+"):
            use_alt = non_empty if op.startswith(":") else is_set
            if a is not None and a.dynamic:
                return [(raw, False)], True, False
            return (operand, dyn, dfl) if use_alt else ([("", False)], False, False)
        # :? / ?
        if a is not None:
            return [(a.value, not quoted)], a.dynamic, a.defaulted
        return [(raw, False)], True, False

    def fields(self, node) -> list[Word]:
        """The words a command argument becomes after expansion (word splitting included)."""
        s, e = self.s(node), self.e(node)
        raw = self.text[s:e]
        t = node.type
        if t == "word" and "\\" not in raw:  # the common case: a plain word
            return [Word(raw, raw, self.base + s, self.base + e, self.snippet)]
        chunks, dyn, dfl = self.value(node)
        quoted = t in ("string", "raw_string", "ansi_c_string", "translated_string")
        if not any(sp for _, sp in chunks):
            val = "".join(text for text, _ in chunks)
            return [Word(raw, val, self.base + s, self.base + e, self.snippet, dyn, dfl, quoted)]
        # split unquoted expansions on blanks
        parts: list[str] = []
        cur: list[str] = []
        have = False
        for text, sp in chunks:
            if not sp:
                cur.append(text)
                have = True
                continue
            pieces = _split_blanks(text)
            for i, p in enumerate(pieces):
                if i > 0:
                    if have or cur:
                        parts.append("".join(cur))
                    cur, have = [], False
                if p:
                    cur.append(p)
                    have = True
        if have or cur:
            parts.append("".join(cur))
        return [Word(raw, p, self.base + s, self.base + e, self.snippet, dyn, dfl, quoted) for p in parts if p]

    # -- handlers
    def assignment(self, node, exported: bool) -> Assignment | None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        name = self.raw(name_node)
        s, e = self.s(node), self.e(node)
        val = node.child_by_field_name("value")
        if val is None:
            value, dyn, dfl = "", False, False
        elif val.type == "array":
            value, dyn, dfl = self.raw(val), True, False
        else:
            chunks, dyn, dfl = self.value(val)
            value = "".join(t for t, _ in chunks)
        op = self.text[self.e(name_node):self.e(name_node) + 2]
        if op.startswith("+="):
            prev = self._lookup(name)
            value = (prev.value if prev else "$" + name) + value
            dyn = dyn or prev is None or prev.dynamic
        word = Word(self.text[s:e], f"{name}={value}", self.base + s, self.base + e, self.snippet, dyn, dfl)
        prev = self._lookup(name)
        a = Assignment(name, value, dyn, word, exported or bool(prev and prev.exported), dfl)
        self.table.set(a, self.base + s)
        return a

    def declaration(self, node) -> None:
        kw = node.children[0].type if node.children else ""
        exported = kw in _DECL_EXPORTING
        for c in node.children[1:]:
            if c.type == "word" and self.raw(c).startswith("-") and "x" in self.raw(c):
                exported = exported or kw in ("declare", "typeset")
        for c in node.children[1:]:
            if c.type == "variable_assignment":
                self.assignment(c, exported)
            elif c.type in ("variable_name", "word") and not self.raw(c).startswith("-"):
                name = self.raw(c)
                if _NAME_RE.match(name):
                    if exported:
                        self.table.export(name, self.base + self.s(c))
                    elif kw == "local":
                        self.table.set(Assignment(name, "", False, None), self.base + self.s(c))

    def _name_fields(self, node) -> list[Word]:
        """The words of a command's name: its fields, or, where a variable's empty default leaves
        none (``KUSTOMIZE="${1:-}"``, then ``$KUSTOMIZE edit set image ...``: the caller's
        program), the reference itself, not known here; never the next word as the program."""
        first = self.fields(node)
        if first or not self.raw(node).startswith("$") or not self.value(node)[2]:
            return first  # (known empty: X="", then `$X docker build .` runs docker)
        return [Word(self.raw(node), self.raw(node), self.base + self.s(node), self.base + self.e(node), self.snippet,
                     True, True)]

    def _counted(self, name, prog: str) -> bool:
        """Whether the command named ``name`` may lead another after numbers (``retry 3 20
        docker build``: ``_counted`` reads its words)."""
        nxt = name.next_sibling
        return nxt is not None and _COUNTED_NAME.fullmatch(prog) is not None and prog not in _PRINTERS \
            and self.raw(nxt).isascii() and self.raw(nxt).isdigit()

    def command(self, node) -> None:
        if self.wanted is not None:
            name = node.child_by_field_name("name")
            if name is None:
                return
            inner = name.named_children[0] if name.named_child_count else name
            first = self._name_fields(inner)
            prog = tool_name(first[0].value.rsplit("/", 1)[-1]) if first else ""
            if first and _lone_reference(first[0]):
                prog = ""  # ``$SUDO docker ...``: the program may be the next word (strip_wrappers)
            elif not (prog in self.wanted or prog in _WRAPPERS or prog in _SHELLS or prog in _SIDE_EFFECTS
                    or prog == "gcloud" or prog in self.table.functions  # gcloud docker -- ...
                    or self._counted(name, prog)):
                return
        words: list[Word] = []
        assigns: list[Assignment] = []
        arg_nodes = []
        for i, c in enumerate(node.children):
            t = c.type
            if t == "variable_assignment":
                if words:
                    arg_nodes.append(c)
                    words.extend(self.fields(c))
                    continue
                a = self._prefix_assignment(c)
                if a is not None:
                    assigns.append(a)
                continue
            if t in ("file_redirect", "herestring_redirect", "heredoc_redirect", "comment") or not c.is_named:
                continue
            if t == "command_name":
                inner = c.named_children[0] if c.named_child_count else c
                arg_nodes.append(inner)
                words.extend(self._name_fields(inner))
            elif t in ("word", "concatenation") and arg_nodes and words and _cut_dollar(arg_nodes[-1], c):
                words[-1] = self._glued(words[-1], c)  # (tree-sitter-bash's a/$B/c-$B-d: one word)
            else:
                arg_nodes.append(c)
                words.extend(self.fields(c))
        s, e = self.s(node), self.e(node)
        cmd = self._finish(words, assigns, self.base + s, self.base + e, False)
        if cmd is None:
            return
        self.out.append(cmd)
        for w in cmd.words + cmd.prefixes:
            self.found.add(w.start)
        self._side_effects(cmd)
        self._nested_shell(cmd, arg_nodes)

    def _glued(self, before: Word, node) -> Word:
        """``before`` (ending in the ``$`` tree-sitter-bash cut off) and the word after it, one
        word again: the ``$`` and the name that starts the word are a variable's expansion."""
        raw = self.raw(node)
        whole = before.raw + raw
        if not any(q in whole for q in "\"'\\`"):  # (plain text and $NAME / ${NAME}: read again whole)
            value, dyn = _expand_simple(whole, self.table, self.table.version)
            return Word(whole, value, before.start, self.base + self.e(node), self.snippet, dyn, before.defaulted)
        after = self.fields(node)
        tail = after[0].value if len(after) == 1 else raw
        m = _NAME_START.match(tail)
        name = m.group(0) if m else ""
        a = self._lookup(name) if name else None
        known = a is not None and not (a.dynamic and a.value == "$" + name)
        value = before.value[:-1] + (a.value if known else "$" + name) + tail[len(name):]
        return Word(whole, value, before.start, self.base + self.e(node), self.snippet,
                    True if not known else before.dynamic or a.dynamic, before.defaulted or known and a.defaulted,
                    before.quoted)

    def _prefix_assignment(self, node) -> Assignment | None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        name = self.raw(name_node)
        val = node.child_by_field_name("value")
        if val is None:
            value, dyn, dfl = "", False, False
        else:
            chunks, dyn, dfl = self.value(val)
            value = "".join(t for t, _ in chunks)
        s, e = self.s(node), self.e(node)
        w = Word(self.text[s:e], f"{name}={value}", self.base + s, self.base + e, self.snippet, dyn, dfl)
        return Assignment(name, value, dyn, w, True, dfl)

    def _finish(self, words, assigns, start, end, fallback) -> Command | None:
        words, prefixes, more = strip_wrappers(words, self.wanted, self.table.functions)
        assigns = assigns + more
        if not words and not assigns:
            return None
        return Command(words, assigns, prefixes, self.snippet, start, end, fallback, self.table, self.table.version)

    def _side_effects(self, cmd: Command) -> None:
        prog = cmd.program
        if prog in _SIDE_EFFECTS:
            for w in cmd.args:
                if _NAME_RE.match(w.value):
                    self.table.set(Assignment(w.value, "$" + w.value, True, None), w.start)

    def _nested_shell(self, cmd: Command, arg_nodes) -> None:
        """``sh -c 'docker build …'``: the string is a script; parse it in place when its text
        is exactly the file's (no escapes), so positions stay exact."""
        if cmd.program not in _SHELLS or self.depth >= 4:
            return
        args = cmd.args
        for i, w in enumerate(args):
            v = w.value
            if v.startswith("-") and not v.startswith("--") and v.endswith("c") and len(v) >= 2 and v[1:].isalpha():
                if i + 1 < len(args):
                    script = args[i + 1]
                    raw = script.raw
                    if script.start == script.end or "\\" in raw:
                        return
                    if raw[:1] in ("'", '"') and raw[-1:] == raw[:1] and len(raw) >= 2:
                        inner, off = raw[1:-1], 1
                    elif not script.dynamic and raw == script.value:
                        inner, off = raw, 0
                    else:
                        return
                    _extract(self.snippet, inner, script.start + off, self.table, self.out, self.depth + 1)
                return
            if not v.startswith("-"):
                return

    def rescan_errors(self) -> None:
        """Lines covered by ERROR nodes: scan them line by line for commands the tree missed."""
        text = self.text
        ranges = sorted(self.errors)
        done_upto = -1
        for s, e in ranges:
            ls = text.rfind("\n", 0, s) + 1
            le = text.find("\n", e)
            le = len(text) if le < 0 else le
            ls = max(ls, done_upto)
            if le <= ls:
                continue
            _scan_region(self.snippet, text, ls, le, self.base, self.table, self.out, self.found, False, self.wanted)
            done_upto = le
        self.out.sort(key=lambda c: c.start)


def _dq_unescape(s: str) -> str:
    if "\\" not in s:
        return s
    s = s.replace("\\\n", "")
    return re.sub(r'\\([$`"\\])', r"\1", s)


# ---- wrappers ---------------------------------------------------------------------------------


def _gcloud_docker(words: list[Word]) -> int | None:
    """``gcloud docker [flags] -- push IMAGE``: the Cloud SDK's (since removed) wrapper that runs
    ``docker`` with the arguments after ``--``.  The index of the first docker argument, or None."""
    if len(words) < 4 or words[0].value.rsplit("/", 1)[-1] != "gcloud" or words[1].value != "docker":
        return None
    for i in range(2, len(words)):
        if words[i].value == "--" and not words[i].quoted:
            return i + 1 if i + 1 < len(words) else None
    return None


def strip_wrappers(words: list[Word], programs=None, functions=frozenset()) -> tuple[list[Word], list[Word], list[Assignment]]:
    """Remove ``sudo -E``, ``env FOO=1``, ``time``, ... from the front.  Returns (words,
    stripped wrapper words, NAME=value assignments given to env/sudo).  A leading unknown
    variable right before one of ``programs`` (``$SUDO docker build``, ``$DRY docker push``:
    sudo, echo for a dry run, or nothing) is a wrapper too: the command is read as the one the
    script exists to run; and so is one of the script's ``functions`` that run their arguments
    (``wrapper_functions``: ``dry_run docker build ...``)."""
    prefixes: list[Word] = []
    assigns: list[Assignment] = []
    for _ in range(8):
        n = _counted(words, programs, functions) if programs and len(words) > 2 else 0
        if n:
            prefixes.extend(words[:n])
            words = words[n:]
            continue
        if functions and len(words) > 1 and not words[0].dynamic and not words[0].quoted \
                and words[0].value in functions:
            prefixes.append(words[0])
            words = words[1:]
            continue
        if (programs and len(words) > 1 and _lone_reference(words[0]) and not words[1].dynamic
                and words[1].value.rsplit("/", 1)[-1] in programs):
            prefixes.append(words[0])
            words = words[1:]
            continue
        if not words or words[0].dynamic:
            break
        name = words[0].value.rsplit("/", 1)[-1]
        spec = _WRAPPERS.get(name)
        if spec is None:
            gd = _gcloud_docker(words)
            if gd is None:
                break
            prefixes.extend(words[:1] + words[2:gd])
            words = words[1:2] + words[gd:]
            continue
        if name == "command" and len(words) > 1 and words[1].value in ("-v", "-V"):
            break
        value_opts, takes_assign, positional = spec
        i = 1
        while i < len(words):
            v = words[i].value
            if v == "--":
                i += 1
                break
            if v.startswith("-") and len(v) > 1 and not words[i].dynamic:
                opt = v.split("=", 1)[0]
                if opt in value_opts and "=" not in v:
                    i += 2
                    continue
                if len(opt) > 2 and not opt.startswith("--") and opt[:2] in value_opts:
                    i += 1  # -uroot, -I{}
                    continue
                i += 1
                continue
            break
        if takes_assign:
            while i < len(words):
                m = _ASSIGN_RE.match(words[i].value)
                if not m or words[i].quoted:
                    break
                w = words[i]
                assigns.append(Assignment(m.group(1), m.group(2), w.dynamic, w, True, w.defaulted))
                i += 1
        i += positional
        if i >= len(words):
            # a bare wrapper (``sudo -v``, ``env``): not a wrapped command
            break
        prefixes.extend(words[:i])
        words = words[i:]
    return words, prefixes, assigns


#: a command that repeats or times the one after its numbers (pipelines' ``retry 3 20 docker
#: build ...``, from a sourced helper; ``with_retries 5 docker push``); not one that prints them
_COUNTED_NAME = re.compile(r"[a-z_][\w-]{0,40}")
_PRINTERS = frozenset(("echo", "printf", "print", "log", "info", "warn", "error", "debug", "say", "msg",
                       "fatal", "die", "note", "cat", "seq", "expr", "test", "sleep", "wait", "exit", "return"))


def _counted(words: list[Word], programs, functions=frozenset()) -> int:
    """How many words lead a command such as ``retry 3 20 docker build``: an unknown command
    named in lower case (``./hack/retry`` too), or a function of the script that runs its
    arguments, then one to three integers, then one of ``programs`` or a wrapper; 0 for any
    other command."""
    w0 = words[0]
    name = w0.value.rsplit("/", 1)[-1]
    if w0.dynamic or w0.quoted or name not in functions and (
            not _COUNTED_NAME.fullmatch(name) or name in _PRINTERS or name in programs or name in _WRAPPERS
            or name in _SHELLS):
        return 0
    i = 1
    while i < len(words) and i <= 3 and not words[i].dynamic and words[i].value.isascii() and words[i].value.isdigit():
        i += 1
    if i == 1 or i >= len(words) or words[i].dynamic:
        return 0
    name = words[i].value.rsplit("/", 1)[-1]
    return i if name in programs or name in _WRAPPERS else 0


_LONE_REF_RE = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\}|\([A-Za-z_][A-Za-z0-9_]*\))")


def _lone_reference(w: Word) -> bool:
    """An unquoted, unresolved ``$X``, ``${X}`` or Make's ``$(X)`` making a whole word."""
    return w.dynamic and not w.quoted and w.value == w.raw and _LONE_REF_RE.fullmatch(w.raw) is not None


# ---- the line scan (fallback) -----------------------------------------------------------------

_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")")
_KEYWORDS = frozenset(
    ("if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "case", "esac", "in")
)
_VAR_REF = VarRefs("-=+?")  # $A, ${A}, ${A:-x}, ${A:=x}, ${A:+x}, ${A:?x} (and without ':')


def _scan_region(snippet, text: str, start: int, end: int, base: int, table: VarTable,
                 out: list[Command], found: set[int], record: bool = False, programs=None) -> None:
    """Tokenise ``text[start:end]`` one logical line at a time (quotes do not span lines) and
    add the commands whose program word was not found already.  ``record``: the scan is the
    only pass (no tree), so its standalone assignments go into the variable table."""
    i = start
    n = end
    while i < n:
        # a logical line: physical lines joined by backslash-newline
        j = i
        while True:
            k = text.find("\n", j, n)
            if k < 0:
                k = n
                break
            bs = 0
            m = k - 1
            while m >= i and text[m] == "\\":
                bs += 1
                m -= 1
            if bs % 2 == 1 and k < n:
                j = k + 1
                continue
            break
        _scan_line(snippet, text, i, k, base, table, out, found, record, programs)
        i = k + 1


def _scan_line(snippet, text, start, end, base, table, out, found, record=False, programs=None) -> None:
    tokens = _tokenize(text, start, end)
    cmd: list[tuple[str, str, int, int, bool]] = []

    def flush():
        if not cmd:
            return
        words = []
        assigns = []
        version = table.version_at(base + cmd[0][2])
        for raw, value, s, e, quoted in cmd:
            dyn = False
            if "$" in value and not quoted:
                value, dyn = _expand_simple(value, table, version)
            w = Word(raw, value, base + s, base + e, snippet, dyn or "$" in value, False, quoted)
            if not words and not quoted:
                m = _ASSIGN_RE.match(value)
                if m:
                    assigns.append(Assignment(m.group(1), m.group(2), w.dynamic, w, True))
                    continue
            words.append(w)
        while words and words[0].value in _KEYWORDS:
            words.pop(0)
        if not words:
            if record:
                for a in assigns:
                    a.exported = False
                    table.set(a, a.word.start if a.word is not None else base)
            cmd.clear()
            return
        if record and words[0].value in ("export", "declare", "local", "readonly", "typeset"):
            exp = words[0].value == "export" or any(w.value.startswith("-") and "x" in w.value for w in words[1:])
            for w in words[1:]:
                m = _ASSIGN_RE.match(w.value)
                if m:
                    table.set(Assignment(m.group(1), m.group(2), w.dynamic, w, exp), w.start)
                elif exp and _NAME_RE.match(w.value):
                    table.export(w.value, w.start)
            cmd.clear()
            return
        words, prefixes, more = strip_wrappers(words, programs, table.functions)
        if words and words[0].start not in found:
            out.append(Command(words, assigns + more, prefixes, snippet, words[0].start,
                               words[-1].end, True, table, version))
            found.add(words[0].start)
        cmd.clear()

    for tok in tokens:
        if tok is None:
            flush()
        else:
            cmd.append(tok)
    flush()


def _tokenize(text: str, start: int, end: int):
    """Yield (raw, value, start, end, quoted) words and None at command separators."""
    i = start
    while i < end:
        c = text[i]
        if c in " \t\n":
            i += 1
            continue
        if c == "\\" and i + 1 < end and text[i + 1] == "\n":
            i += 2
            continue
        if c == "#":
            return
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is not None:
            yield None
            i += len(op)
            continue
        s = i
        val: list[str] = []
        quoted = False
        while i < end:
            c = text[i]
            if c in " \t\n;&|()":
                break
            if c == "\\" and i + 1 < end:
                if text[i + 1] != "\n":
                    val.append(text[i + 1])
                i += 2
                continue
            if c in "'\"":
                quoted = True
                q = text.find(c, i + 1, end)
                q = end if q < 0 else q
                val.append(text[i + 1:q])
                i = min(q + 1, end)  # (an open quote runs to the line's end, not past it)
                continue
            if c == "$" and text.startswith("$(", i):
                depth = 0
                j = i
                while j < end:
                    if text[j] == "(":
                        depth += 1
                    elif text[j] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                val.append(text[i:j + 1])
                i = min(j + 1, end)
                continue
            val.append(c)
            i += 1
        yield (text[s:i], "".join(val), s, i, quoted)


def words(text: str) -> list[str]:
    """The values of the words of the first command of ``text``, quotes taken out, as the
    fallback tokenizer reads them (an open quote runs to the end; a comment ends them)."""
    out = []
    for t in _tokenize(text, 0, len(text)):
        if t is None:
            break
        out.append(t[1])
    return out


def _expand_simple(value: str, table: VarTable, version: int) -> tuple[str, bool]:
    dyn = False

    def sub(m):
        nonlocal dyn
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3)
        a = table.get(name, version)
        if a is not None and not (a.dynamic and a.value == "$" + name):
            if op in (":+", "+"):
                return word or ""
            if a.value or op not in (":-", ":="):
                dyn = dyn or a.dynamic
                return a.value
        if op in (":-", "-", ":=", "=") and word is not None:
            return word
        dyn = True
        return m.group(0)

    out = _VAR_REF.sub(sub, value)
    return out, dyn or "$(" in out or "`" in out
