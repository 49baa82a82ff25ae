"""Run parsed templates over values, statically: what cannot be decided is ``UNKNOWN``.

Values are Python objects: ``dict`` (``VDict`` when read from a values file: it remembers where
each key was written), ``list``, ``str``, ``int``, ``float`` (every number of a values file is a
float, as Helm reads them through JSON), ``bool``, ``None``, ``Struct`` (Helm's objects:
``.Chart``, ``.Capabilities``...) and ``Method`` (``.Capabilities.APIVersions.Has``,
``.Files.Get``).

Unknowns.  ``UNKNOWN`` stands for any value: a function of it is UNKNOWN unless the function
decides without it (``and false X`` is false, ``or true X`` true, ``default X "a"`` is "a").
Printed, it is the placeholder the caller chose (``$ARCHLINT_UNKNOWN``: archlint's rules read
nothing with ``$`` as an image).  ``range`` over it renders nothing (and says so in a notice).
A string a template made from unknowns (an ``include`` that printed one) is a ``TracedStr``
flagged ``unknown``: printed or passed through text functions (``indent``, ``quote``,
``printf``...) it keeps the placeholder; any other function given it (``eq``, ``hasKey``,
``index``, ``sha256sum``...) returns UNKNOWN, so no decision rests on the placeholder's text.

Nil, as Go has it: a missing key is nil (printed as nothing: Helm's ``missingkey=zero``); a field
of a nil met inside a chain fails as Helm does (``nil pointer evaluating interface {}.b``), but a
field of a nil that a pipeline, a variable or dot holds is nil (``(.Values.a).b``).

An ``if``/``with`` on UNKNOWN renders both branches: when they render the same text, that text
(as Helm would print it whichever branch ran); when one is empty (blanks only), the other, with
its lines marked *conditional* (they exist in some configuration); otherwise the first branch,
its lines conditional.  A branch that fails (``fail``, ``required``, a nil pointer) loses to the
other; a variable the two branches left different is UNKNOWN afterwards.  Changes that
``set``/``unset``/``merge`` make to a dict inside an untaken branch are not undone (they are rare
in branches, and undoing them would mean copying every dict a branch may touch).

Where a line comes from: ``Rendered.lines[i]`` is the ``LineOrigin`` of output line ``i + 1``:
the template line it came from (for text from a ``define``, the line of the outermost
``include``/``template`` call in the rendered file, with the define's own file and line beside
it), whether it is conditional, and ``ValueRef``\\ s for the ``.Values`` scalars whose text was
inserted on the line (the key's file and line in the values file).

Bounds: ``MAX_STEPS`` nodes and function calls per render, ``MAX_OUTPUT`` characters of output,
``MAX_INCLUDE_DEPTH`` nested ``include``/``template`` calls; past them, a TemplateError.
``include`` results are memoised per render by define and argument object (a chart includes its
name and label helpers with ``.`` a dozen times per template).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import parser as P
from .lexer import TemplateError

MAX_STEPS = 2_000_000
MAX_OUTPUT = 8 * 1024 * 1024
MAX_INCLUDE_DEPTH = 40
PLACEHOLDER = "$ARCHLINT_UNKNOWN"


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self):
        raise TypeError("the truth of UNKNOWN is undecided: use truth()")


UNKNOWN = _Unknown()


class VDict(dict):
    """A mapping read from a values file: ``origins[key]`` is ``(file, line, path)``: where the
    key is written and its dotted path in that file (``image.tag``)."""
    __slots__ = ("origins",)

    def __init__(self, *a, origins=None):
        super().__init__(*a)
        self.origins = origins if origins is not None else {}


class OpenVDict(VDict):
    """The values of a dependency archlint could not read (a remote chart not in ``charts/``):
    what the parent's values file sets for it is known; a key it does not hold may be one of the
    dependency's own defaults, so it is unknown, not missing (kube-prometheus-stack's
    ``(index .Values "prometheus-node-exporter").kubeRBACProxy.enabled``)."""
    __slots__ = ()


class FilesMap(dict):
    """A set of a chart's files (``.Files.Glob``): path -> text, ranged over as a map, with the
    methods of Helm's Files (``AsConfig``, ``AsSecrets``, ``Get``, ``Glob``...) in ``methods``."""
    __slots__ = ("methods",)

    def __init__(self, *a):
        super().__init__(*a)
        self.methods: dict = {}


class Struct(dict):
    """A Helm object (``.Chart``, ``.Release``, ``.Capabilities.KubeVersion``): fields by name,
    printed as ``text`` when it has one (KubeVersion prints its version)."""
    __slots__ = ("text",)

    def __init__(self, *a, text: str | None = None):
        super().__init__(*a)
        self.text = text


class Method:
    """A method of a Helm object: ``fn(*args)``."""
    __slots__ = ("fn", "name")

    def __init__(self, name: str, fn):
        self.name, self.fn = name, fn


@dataclass(frozen=True)
class ValueRef:
    """A ``.Values`` scalar inserted on a line: ``path`` (``image.tag``), where it is written."""
    path: str
    file: str
    line: int
    value: str


@dataclass(slots=True)
class LineOrigin:
    """Where one output line comes from."""
    file: str  # the rendered template file
    line: int  # its line (for text of a define: the line of the outermost call)
    define_file: str | None = None  # the text's own place when it came from a define
    define_line: int | None = None
    conditional: bool = False  # rendered under an undecided if/with
    values: tuple = ()  # ValueRef of .Values scalars on the line


class TracedStr(str):
    """A string made by a template (``include``, ``tpl``) or from one: ``lines`` the origin of
    each of its lines, as ``(file, line, define_file, define_line, conditional, values)`` (None
    when not known); ``unknown`` whether it was made from an unknown (it holds the placeholder,
    or text an undecided branch chose): 0 no, 1 yes, 2 yes and it may really be empty."""
    __slots__ = ("lines", "unknown")

    def __new__(cls, text: str, lines, unknown: int = 0):
        s = super().__new__(cls, text)
        s.lines = lines
        s.unknown = unknown
        return s


@dataclass
class Rendered:
    text: str
    lines: list  # LineOrigin per line of text


class Notice(Exception):
    """Something not rendered as Helm would (an unknown function, range over an unknown...)."""


def go_str(v, placeholder: str = "") -> str:
    from .gofmt import go_str as impl

    globals()["go_str"] = impl  # gofmt.py imports this module: bound on first use
    return impl(v, placeholder)


def type_name(v) -> str:
    from .gofmt import type_name as impl

    globals()["type_name"] = impl
    return impl(v)


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def truth(v):
    """Go's truth of a value: True/False, or None when undecided (UNKNOWN, or a string made
    from unknowns that may be empty)."""
    if v is UNKNOWN:
        return None
    if type(v) is TracedStr and v.unknown == 2:
        return None
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, OpenVDict) and not v:
        return None  # a dependency's values archlint could not read: its defaults may be there
    if isinstance(v, (str, list, dict, tuple)):
        return len(v) > 0
    return True


def has_unknown(v, depth: int = 0) -> bool:
    if v is UNKNOWN:
        return True
    if depth > 50:
        return False
    if isinstance(v, dict):
        return any(has_unknown(x, depth + 1) for x in v.values())
    if isinstance(v, list):
        return any(has_unknown(x, depth + 1) for x in v)
    return False


# ---- output with provenance ----------------------------------------------------------------------


class Out:
    """Text written by a render, in pieces: ``(text, origin, advance, conditional)``; ``origin``
    is ``(file, line, define_file, define_line, values)`` of the piece's first line and
    ``advance`` says whether the piece's later lines are the template's next lines (text nodes)
    or the same line (a printed value)."""
    __slots__ = ("pieces", "size", "unknown")

    def __init__(self):
        self.pieces: list = []
        self.size = 0
        self.unknown = False  # something unknown was printed, or an undecided branch chosen

    def write(self, text: str, origin: tuple, advance: bool, cond: bool = False):
        if text:
            self.pieces.append((text, origin, advance, cond))
            self.size += len(text)
            if self.size > MAX_OUTPUT:
                raise TemplateError(f"output over {MAX_OUTPUT} characters", origin[1], origin[0])

    def write_traced(self, s: "TracedStr", cond: bool = False):
        if s.unknown:
            self.unknown = True
        lines = s.lines
        start = 0
        last = len(lines) - 1
        for k, lo in enumerate(lines):
            end = s.find("\n", start)
            seg = s[start:] if end < 0 or k == last else s[start:end + 1]
            self.write(seg, lo[:4] + (lo[5],), False, cond or lo[4])
            if end < 0:
                break
            start = end + 1

    def extend(self, other: "Out", cond: bool):
        if cond or other.unknown:
            self.unknown = True
        for text, origin, advance, c in other.pieces:
            self.write(text, origin, advance, c or cond)

    def text(self) -> str:
        return "".join(p[0] for p in self.pieces)

    def resolve_raw(self, default: tuple) -> tuple[str, list]:
        """The text and, per line, ``(file, line, define_file, define_line, conditional,
        values)``: a line's origin is that of its first piece with something but blanks on it
        (else its first piece); it is conditional when any such piece is; its values are those
        of its pieces whose text appears on the line.  ``default``: the origin of a line with
        nothing written on it (an empty include's)."""
        out: list = []
        buf: list = []
        org_line = None  # the line's origin so far
        firm = cond_line = False
        vals: list = []

        def add(seg: str, org, cond):
            nonlocal org_line, firm, cond_line
            if not seg:
                if org_line is None:
                    org_line = org
                return
            blank = seg.isspace()
            if org_line is None or (not firm and not blank):
                org_line, firm = org, not blank
            if cond and not blank:
                cond_line = True
            if org[4]:
                vals.extend(org[4])
            buf.append(seg)

        def finish():
            nonlocal org_line, firm, cond_line, vals
            o = org_line or default
            if vals:
                line_text = "".join(buf)
                kept = tuple(v for v in dict.fromkeys(vals) if v.value and v.value in line_text)
            else:
                kept = ()
            out.append((o[0], o[1], o[2], o[3], cond_line, kept))
            buf.clear()
            org_line, firm, cond_line, vals = None, False, False, []

        for text, org, advance, cond in self.pieces:
            if "\n" not in text:
                add(text, org, cond)
                continue
            segs = text.split("\n")
            add(segs[0], org, cond)
            finish()
            f, ln, df, dl, values = org
            step = 1 if advance else 0
            # the lines in between are whole lines of this piece alone
            for k in range(1, len(segs) - 1):
                seg = segs[k]
                lc = cond and bool(seg) and not seg.isspace()
                kept = tuple(v for v in values if v.value and v.value in seg) if values else ()
                if df:
                    out.append((f, ln, df, dl + k * step, lc, kept))
                else:
                    out.append((f, ln + k * step, df, dl, lc, kept))
            k = (len(segs) - 1) * step
            add(segs[-1], (f, ln, df, dl + k, values) if df else (f, ln + k, df, dl, values), cond)
        finish()
        return self.text(), out

    def resolve(self, default: tuple) -> "Rendered":
        text, raw = self.resolve_raw(default)
        return Rendered(text, [LineOrigin(*r) for r in raw])


# ---- the evaluator ------------------------------------------------------------------------------


class Engine:
    """Templates of one chart (their defines shared, as Helm parses them into one set) and the
    options of a render.  ``functions``: name -> Function (functions.py)."""

    def __init__(self, defines: dict, placeholder: str = PLACEHOLDER, open_defines: bool = False):
        from .functions import FUNCTIONS

        self.defines = defines
        self.open_defines = open_defines  # a dependency not read: a name no template defines is unknown
        self.placeholder = placeholder
        self.functions = FUNCTIONS
        self._tpl_cache: dict = {}

    def render(self, body: list, dot, file: str) -> tuple[Rendered, list]:
        """Render ``body`` (a file's nodes) with ``dot``; returns (Rendered, notices) where
        notices are ``(file, line, message)``.  Raises TemplateError when Helm's render would
        fail or a bound is passed."""
        ex = Exec(self, dot, file)
        try:
            ex.walk(body, dot)
        except RecursionError:
            raise TemplateError("templates nested too deeply", ex.line, file) from None
        return ex.out.resolve(ex.origin(ex.line)), ex.notices


class Exec:
    """One render: the variables, the output being written, the call site."""

    def __init__(self, engine: Engine, dot, file: str):
        self.engine = engine
        self.vars: list = [["$", dot]]
        self.out = Out()
        self.file = file  # the rendered template
        self.cur_file = file  # the file whose nodes run now (a define's file inside a call)
        self.site = None  # (file, line) of the outermost call when inside a define
        self.depth = 0
        self.steps = 0
        self.line = 1
        self.notices: list = []
        self.accesses: list = []  # ValueRef read since the current action started
        self.pending: list = []  # ValueRef read by this scope's variable declarations
        self.mutations = 0  # calls of functions that change a dict in place
        self.memo: dict = {}  # include results: (name, id(arg)) -> (arg, text, lines, site, accesses)

    # -- bookkeeping

    def notice(self, line: int, message: str):
        file = self.site[0] if self.site else self.cur_file
        line = self.site[1] if self.site else line
        if len(self.notices) < 100:
            self.notices.append((file, line, message))

    def step(self, line: int):
        self.steps += 1
        self.line = line
        if self.steps > MAX_STEPS:
            raise TemplateError(f"render stopped after {MAX_STEPS} steps", line, self.cur_file)

    def origin(self, line: int, values: tuple = ()) -> tuple:
        if self.site:
            return (self.site[0], self.site[1], self.cur_file, line, values)
        return (self.cur_file, line, None, None, values)

    def error(self, message: str, line: int):
        raise TemplateError(message, line, self.cur_file)

    # -- variables

    def var(self, name: str, line: int):
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        self.error(f"undefined variable: {name}", line)

    def set_var(self, name: str, value, line: int):
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i][1] = value
                return
        self.error(f"undefined variable: {name}", line)

    # -- statements

    def walk(self, nodes: list, dot):
        for node in nodes:
            self.steps += 1
            if self.steps > MAX_STEPS:
                self.step(node.line)
            self.line = node.line
            t = type(node)
            if t is P.Text:
                self.out.write(node.text, self.origin(node.line), True)
            elif t is P.Action:
                start = len(self.accesses)
                v = self.pipe(node.pipe, dot)
                vals = self.accesses[start:]
                del self.accesses[start:]
                if node.pipe.decl:
                    # values read into variables: candidates for the lines printed later
                    self.pending = (self.pending + [r for r in vals if len(r.value) >= 3])[-50:]
                else:
                    self.emit(v, node.line, tuple(vals + self.pending) if self.pending else tuple(vals))
            elif t is P.Branch:
                self.branch(node, dot)
            elif t is P.Range:
                self.range(node, dot)
            elif t is P.Call:
                self.call(node, dot)
            elif t is P.Break:
                raise _Break()
            elif t is P.Continue:
                raise _Continue()

    def emit(self, v, line: int, vals: tuple = ()):
        if isinstance(v, TracedStr) and v.lines is not None:
            self.out.write_traced(v)
            return
        text = self.printed(v)
        if v is UNKNOWN or (isinstance(v, TracedStr) and v.unknown) or \
                (isinstance(v, (dict, list)) and self.engine.placeholder in text):
            self.out.unknown = True
        self.out.write(text, self.origin(line, vals), False)

    def flagged(self, text: str, lines=None) -> TracedStr:
        """``text`` marked as made from an unknown (see TracedStr)."""
        maybe_empty = not text.replace(self.engine.placeholder, "").strip()
        return TracedStr(text, lines, 2 if maybe_empty else 1)

    def made(self, out: "Out", text: str, lines: tuple) -> TracedStr:
        return self.flagged(text, lines) if out.unknown else TracedStr(text, lines)

    def printed(self, v) -> str:
        """The text ``{{ v }}`` prints (Helm turns a missing value's "<no value>" into "")."""
        if v is None:
            return ""
        return go_str(v, self.engine.placeholder)

    def branch(self, node: P.Branch, dot):
        mark = len(self.vars)
        try:
            v = self.pipe(node.pipe, dot)
            t = truth(v)
            inner = v if node.kind == "with" else dot
            if t is True:
                self.walk(node.body, inner)
            elif t is False:
                if node.orelse:
                    self.walk(node.orelse, dot)
            else:
                self.undecided(node.body, inner, node.orelse or [], dot, node.line)
        finally:
            del self.vars[mark:]

    def undecided(self, a: list, dot_a, b: list, dot_b, line: int):
        """Both branches of an if/with on UNKNOWN (see the module's docstring)."""
        before = [v[1] for v in self.vars]
        outs, after, errors = [], [], []
        for body, d in ((a, dot_a), (b, dot_b)):
            for i, v in enumerate(before):
                self.vars[i][1] = v
            saved, self.out = self.out, Out()
            try:
                self.walk(body, d)
                errors.append(None)
            except TemplateError as e:
                errors.append(e)
            except (_Break, _Continue):
                errors.append(None)  # a loop control on one side only: the rest of the branch is not rendered
            finally:
                outs.append(self.out)
                self.out = saved
                del self.vars[len(before):]
            after.append([v[1] for v in self.vars])
        for i in range(len(before)):
            x, y = after[0][i], after[1][i]
            self.vars[i][1] = x if (x is y or (type(x) is type(y) and _same(x, y))) else UNKNOWN
        if errors[0] and errors[1]:
            raise errors[0]
        if errors[0] or errors[1]:
            chosen = outs[1] if errors[0] else outs[0]
            self.out.extend(chosen, True)
            return
        ta, tb = outs[0].text(), outs[1].text()
        if ta == tb:
            self.out.extend(outs[0], False)
        elif not ta.strip():
            self.out.extend(outs[1], True)
        else:
            self.out.extend(outs[0], True)

    def range(self, node: P.Range, dot):
        mark = len(self.vars)
        try:
            pipe = node.pipe
            v = self.pipe(P.Pipe([], False, pipe.cmds, pipe.line), dot)
            if v is UNKNOWN:
                self.notice(node.line, "range over a value that is not known: nothing rendered")
                return
            if isinstance(v, dict):
                items = [(k, v[k]) for k in sorted(v, key=_sort_key)]
            elif isinstance(v, (list, tuple)):
                items = list(enumerate(v))
            elif isinstance(v, int) and not isinstance(v, bool):
                items = [(i, i) for i in range(max(0, v))]
            elif v is None:
                items = []
            else:
                self.error(f"range can't iterate over {v!r}", node.line)
            if not items:
                if node.orelse:
                    self.walk(node.orelse, dot)
                return
            for name in pipe.decl:
                self.vars.append([name, None])
            inner = len(self.vars)
            for k, x in items:
                if len(pipe.decl) == 1:
                    self.vars[mark][1] = x
                elif len(pipe.decl) == 2:
                    self.vars[mark][1], self.vars[mark + 1][1] = k, x
                try:
                    self.walk(node.body, x)
                except _Continue:
                    pass
                except _Break:
                    break
                finally:
                    del self.vars[inner:]
        finally:
            del self.vars[mark:]

    def call(self, node: P.Call, dot):
        """``{{ template "name" pipeline }}``: the define's output goes straight to ours."""
        arg = self.pipe(node.pipe, dot) if node.pipe is not None else None
        if self.unread_define(node.name):
            self.emit(UNKNOWN, node.line)
            return
        self.run_define(node.name, arg, node.line, self.out)

    def unread_define(self, name: str) -> bool:
        """A name no template defines, in a chart with a dependency not read: perhaps one of its."""
        return self.engine.open_defines and name not in self.engine.defines

    def run_define(self, name: str, arg, line: int, out: Out):
        d = self.engine.defines.get(name)
        if d is None:
            self.error(f'no template "{name}" associated with template', line)
        if self.depth >= MAX_INCLUDE_DEPTH:
            self.error(f'rendering template has a nested reference name: {name}', line)
        saved = (self.vars, self.out, self.cur_file, self.site, self.pending)
        self.vars = [["$", arg]]
        self.out = out
        self.pending = []
        if self.site is None:
            self.site = (self.cur_file, line)
        self.cur_file = d.file
        self.depth += 1
        try:
            self.walk(d.body, arg)
        finally:
            self.depth -= 1
            self.vars, self.out, self.cur_file, self.site, self.pending = saved

    def include(self, name: str, arg, line: int) -> TracedStr:
        """``include``: the define's output as a string.  Memoised for the render by the name
        and the argument *object* (charts include their name and label helpers with ``.``
        many times); a function that changes a dict in place (``set``, ``merge``...) empties
        the memo.  A remembered result is moved to the new call's line."""
        if self.unread_define(name):
            return UNKNOWN
        key = (name, id(arg), id(self.engine.defines.get(name)))  # (a tpl text may define the name anew)
        hit = self.memo.get(key)
        site = self.site or (self.cur_file, line)
        if hit is not None and hit[0] is arg:
            _arg, text, raw, was, accesses, unknown = hit
            self.accesses.extend(accesses)
            if was != site:
                raw = tuple((site[0], site[1]) + r[2:] if (r[0], r[1]) == was else r for r in raw)
            return TracedStr(text, raw, unknown)
        out = Out()
        start = len(self.accesses)
        mutations = self.mutations
        self.run_define(name, arg, line, out)
        text, raw = out.resolve_raw(self.origin(line))
        result = self.made(out, text, tuple(raw))
        if mutations == self.mutations:  # a define that changed a dict may render otherwise next time
            self.memo[key] = (arg, str(result), result.lines, site, tuple(self.accesses[start:]), result.unknown)
        return result

    def tpl(self, text: str, dot, line: int) -> TracedStr:
        """Helm's ``tpl``: ``text`` parsed as a template and run with ``dot``; its lines are the
        line of the call."""
        cache = self.engine._tpl_cache
        parsed = cache.get(text)
        if parsed is None:
            try:
                parsed = P.parse(text, self.cur_file)
            except TemplateError as e:
                self.error(f"error during tpl function execution: {e.message}", line)
            if len(cache) < 1000:
                cache[text] = parsed
        if self.depth >= MAX_INCLUDE_DEPTH:
            self.error("tpl nested too deeply", line)
        out = Out()
        saved = (self.vars, self.out, self.cur_file, self.site)
        self.vars = [["$", dot]]
        self.out = out
        if self.site is None:
            self.site = (self.cur_file, line)
        self.depth += 1
        shared = self.engine.defines
        if parsed.defines:
            # Helm parses the text into a clone of the chart's templates: its defines (which
            # replace any of the same name) are seen by this text only, never by templates
            # rendered later
            self.engine.defines = {**shared, **{d.name: d for d in parsed.defines}}
        try:
            self.walk(parsed.body, dot)
        finally:
            self.engine.defines = shared
            self.depth -= 1
            self.vars, self.out, self.cur_file, self.site = saved
        # a tpl's text is not in any file: every line is the call's
        here = self.origin(line)
        text, raw = out.resolve_raw(here)
        return self.made(out, text, tuple((here[0], here[1], here[2], here[3], lo[4], lo[5]) for lo in raw))

    # -- pipelines

    def pipe(self, pipe: P.Pipe, dot):
        v = _NOARG
        for cmd in pipe.cmds:
            v = self.command(cmd, dot, v)
        if pipe.decl:
            if pipe.assign:
                self.set_var(pipe.decl[0], v, pipe.line)
            else:
                self.vars.append([pipe.decl[0], v])
        return v

    def command(self, cmd: P.Cmd, dot, final):
        self.steps += 1
        if self.steps > MAX_STEPS:
            self.step(cmd.line)
        first = cmd.args[0]
        t = type(first)
        if t is P.Ident:
            return self.function(first.name, cmd.args[1:], dot, final, cmd.line)
        if t in (P.Field, P.Var, P.Chain):
            args = [self.arg(a, dot) for a in cmd.args[1:]]
            if final is not _NOARG:
                args.append(final)
            return self.chain(first, dot, args)
        if len(cmd.args) > 1 or final is not _NOARG:
            self.error(f"can't give argument to non-function {_show(first)}", cmd.line)
        return self.arg(first, dot)

    def arg(self, node, dot):
        t = type(node)
        if t is P.Lit:
            return node.value
        if t is P.Dot:
            return dot
        if t in (P.Field, P.Var, P.Chain):
            return self.chain(node, dot, [])
        if t is P.Pipe:
            mark = len(self.vars)
            try:
                return self.pipe(node, dot)
            finally:
                del self.vars[mark:]
        if t is P.Ident:
            return self.function(node.name, [], dot, _NOARG, node.line)
        self.error("unexpected operand", node.line)

    def chain(self, node, dot, args: list):
        """A field chain (``.a.b``, ``$x.a``, ``(p).a``); ``args`` go to a final method."""
        t = type(node)
        if t is P.Field:
            v, names, label = dot, node.names, ""
        elif t is P.Var:
            v, names, label = self.var(node.name, node.line), node.names, node.name
        else:
            mark = len(self.vars)
            try:
                v = self.pipe(node.node, dot)
            finally:
                del self.vars[mark:]
            names, label = node.names, "(...)"
        if not names:
            if args:
                self.error(f"can't give argument to non-function {label}", node.line)
            return v
        if v is None:
            # Go: a nil that a pipeline, a variable or dot holds is an invalid value, and a field
            # of one is nil (``(.Values.a).b`` is the charts' nil-safe access); a nil met inside
            # the chain is a typed nil, and a field of it fails (below)
            return None
        for i, name in enumerate(names):
            last = i == len(names) - 1
            v = self.field(v, name, label, node.line, args if last else [])
            label += "." + name
        return v

    def field(self, v, name: str, label: str, line: int, args: list):
        if v is UNKNOWN:
            return UNKNOWN
        if isinstance(v, Method):
            v = self.call_method(v, [], line)
            if v is UNKNOWN:
                return UNKNOWN
        if isinstance(v, FilesMap) and name in v.methods:
            return self.call_method(v.methods[name], args, line)
        if isinstance(v, dict):
            if name not in v:
                if isinstance(v, OpenVDict):
                    return UNKNOWN  # perhaps a default of a dependency not read
                if isinstance(v, Struct):
                    self.error(f"can't evaluate field {name} in type {label or '.'}", line)
                if args:
                    self.error(f"{name} is not a method but has arguments", line)
                return None  # missing key: Helm's missingkey=zero, printed as ""
            x = v[name]
            if isinstance(x, Method):
                return self.call_method(x, args, line)
            if args:
                self.error(f"{name} is not a method but has arguments", line)
            if isinstance(v, VDict) and isinstance(x, (str, int, float, bool)):
                org = v.origins.get(name)
                if org:
                    self.accesses.append(ValueRef(org[2], org[0], org[1], go_str(x, "")))
            return x
        if v is None:
            self.error(f"nil pointer evaluating interface {{}}.{name}", line)
        self.error(f"can't evaluate field {name} in type {type_name(v)}", line)

    def call_method(self, m: Method, args: list, line: int):
        if any(a is UNKNOWN for a in args):
            return UNKNOWN
        try:
            return m.fn(*args)
        except TypeError:
            self.error(f"wrong number of args for {m.name}", line)

    def function(self, name: str, arg_nodes: list, dot, final, line: int):
        f = self.engine.functions.get(name)
        if f is None:
            self.notice(line, f'function "{name}" is not evaluated: its result is unknown')
            return UNKNOWN
        if name in ("and", "or"):  # Go evaluates their arguments lazily
            return self.and_or(name == "and", arg_nodes, dot, final)
        args = [self.arg(a, dot) for a in arg_nodes]
        if final is not _NOARG:
            args.append(final)
        flagged = False
        for a in args:
            if a is UNKNOWN:
                if not f.unknowns:
                    return UNKNOWN
            elif type(a) is TracedStr and a.unknown:
                flagged = True
        if flagged and not (f.text or f.unknowns):
            return UNKNOWN  # a decision on a string made from unknowns
        if f.arity is not None and not (f.arity[0] <= len(args) <= f.arity[1]):
            self.error(f"wrong number of args for {name}: want {f.arity[0]} got {len(args)}", line)
        if f.mutates:
            self.memo.clear()
            self.mutations += 1
        try:
            result = f.fn(self, args, line)
        except TemplateError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError) as e:
            self.error(f"error calling {name}: {e}", line)
        if isinstance(result, str) and not (type(result) is TracedStr and result.unknown):
            if (flagged and f.text) or self.engine.placeholder in result:
                return self.flagged(result, result.lines if type(result) is TracedStr else None)
        return result

    def and_or(self, is_and: bool, arg_nodes: list, dot, final):
        nodes = list(arg_nodes) + ([_Value(final)] if final is not _NOARG else [])
        unknown = False
        v = None
        for n in nodes:
            v = n.value if isinstance(n, _Value) else self.arg(n, dot)
            t = truth(v)
            if t is None:
                unknown = True
            elif t is not is_and:
                return v  # and: the first false argument; or: the first true one
        return UNKNOWN if unknown else v


class _Value:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _NoArg:
    def __repr__(self):
        return "NOARG"


_NOARG = _NoArg()


def _same(x, y) -> bool:
    try:
        return bool(x == y)
    except Exception:
        return False


def _sort_key(k):
    return (0, k) if isinstance(k, str) else (1, str(k))


def _show(node) -> str:
    if isinstance(node, P.Lit):
        return repr(node.value)
    return type(node).__name__
