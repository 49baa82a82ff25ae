"""The binding analyser of the Python rules: one pass over a module's AST that records scopes,
bindings and the places the resolver (resolver.py) checks against the catalogue.

How a use is found
    Names are resolved through the file's real bindings: ``import m``, ``import m.sub as s``,
    ``from m import X as Y``, attribute chains on those (``m.sub.X``), per scope, with a
    binding made later by assignment, ``def``, ``for`` ... shadowing the import.  Imports inside
    ``try:``/``except ImportError:`` (either side) are fallbacks and are not reported; code under
    ``if sys.version_info < (3, 12):`` (and the other comparison forms) is only checked against
    the versions it can run on.  Entries can also match an attribute on instances of a class
    (``self.assertEquals`` in a TestCase, ``df.append`` on a DataFrame built by
    ``pd.read_csv``), any ``.attribute`` in a module that imports the package, or the shape of a
    call (``yaml.load(stream)`` without ``Loader``).
"""
from __future__ import annotations

import ast
import operator as _operator


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_ATTR_ERRORS = {"AttributeError", "Exception", "BaseException"}
_FALLBACK_ERRORS = {"ImportError", "ModuleNotFoundError", "AttributeError", "NameError"}


class Binding:
    __slots__ = ("name", "scope", "pos", "qual", "is_import", "guarded", "node", "stmt", "value",
                 "annotation", "param_index", "uses", "primary")

    def __init__(self, name, scope, pos, *, qual=None, is_import=False, guarded=False, node=None,
                 stmt=None, value=None, annotation=None, param_index=None):
        self.name = name
        self.scope = scope
        self.pos = pos
        self.qual = qual
        self.is_import = is_import
        self.guarded = guarded
        self.node = node
        self.stmt = stmt
        self.value = value
        self.annotation = annotation
        self.param_index = param_index
        self.uses: list = []
        self.primary: Binding | None = None  # for a binding in an except handler: the try body's


class Scope:
    __slots__ = ("kind", "node", "parent", "bindings", "globals", "static")

    def __init__(self, kind, node, parent):
        self.kind = kind  # module | class | function | lambda | comprehension
        self.node = node
        self.parent = parent
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()
        self.static = False  # a @staticmethod function

    def add(self, b: Binding) -> None:
        self.bindings.setdefault(b.name, []).append(b)


class Ctx:
    """Where a node sits: the Python versions the code can run on, and feature-detection guards
    (try/except ImportError or AttributeError, ``if hasattr(mod, "name"):``,
    ``if "mod" in sys.modules:``)."""

    __slots__ = ("lo", "hi", "import_guard", "attr_guard", "probed")

    def __init__(self, lo=None, hi=None, import_guard=False, attr_guard=False, probed=frozenset()):
        self.lo, self.hi = lo, hi
        self.import_guard = import_guard
        self.attr_guard = attr_guard
        self.probed = probed  # names whose attributes are feature-detected with hasattr/getattr

    def narrowed(self, lo, hi) -> "Ctx":
        nlo = self.lo if lo is None else (lo if self.lo is None else max(lo, self.lo))
        nhi = self.hi if hi is None else (hi if self.hi is None else min(hi, self.hi))
        return Ctx(nlo, nhi, self.import_guard, self.attr_guard, self.probed)

    def guarded(self, imports: bool, attrs: bool, probed=frozenset()) -> "Ctx":
        return Ctx(self.lo, self.hi, self.import_guard or imports, self.attr_guard or attrs,
                   self.probed | probed)

    def deferred(self) -> "Ctx":
        """A function body: same versions, but try/except around the def does not guard it."""
        return Ctx(self.lo, self.hi)


def node_pos(node) -> tuple[int, int]:
    return (node.lineno, node.col_offset)


def node_end(node) -> tuple[int, int]:
    return (node.end_lineno, node.end_col_offset)


def attr_chain(node):
    """(base Name or None, [attribute nodes from the base outwards], base expression)."""
    attrs = []
    cur = node
    while isinstance(cur, ast.Attribute):
        attrs.append(cur)
        cur = cur.value
    attrs.reverse()
    return (cur if isinstance(cur, ast.Name) else None), attrs, cur


def _handler_names(handler) -> set[str]:
    t = handler.type
    if t is None:
        return {"BaseException"}
    items = t.elts if isinstance(t, ast.Tuple) else [t]
    out = set()
    for it in items:
        if isinstance(it, ast.Name):
            out.add(it.id)
        elif isinstance(it, ast.Attribute):
            out.add(it.attr)
    return out


class Analyzer:
    """One pass over the tree that records scopes, bindings and the events to check; then
    ``resolve`` turns events into candidate hits."""

    def __init__(self, tree: ast.Module):
        self.module = Scope("module", tree, None)
        self.events: list[tuple] = []
        self.import_roots: set[str] = set()
        self.imported_modules: set[str] = set()  # dotted names of `import a.b.c` statements
        self.import_names: set[str] = set()  # names bound by an import somewhere in the file
        self.all_names: set[str] = set()  # strings in a module-level __all__
        self.bound_anywhere: set[str] = set()  # every name bound anywhere (for builtin fixes)
        self.load_names: dict[str, list] = {}  # id -> Name loads (for rename safety)
        self._scope = self.module
        self._ctx = Ctx()
        self._stmt_end = None
        self._created: list[Binding] = []
        self._tree = tree
        self._py2_bound: set | None = None  # the Python 2 builtins the module binds (``_python2_probe``)
        self._flags: dict | None = None  # the module's version flags (``_version_flags``)
        self._block(tree.body)

    # ---- binding helpers ----------------------------------------------------------------
    def _bind(self, name, node, **kw):
        scope = self._scope
        if name in scope.globals and scope.kind != "module":
            scope = self.module
        pos = kw.pop("pos", None) or self._stmt_end or node_pos(node)
        b = Binding(name, scope, pos, node=node, guarded=self._ctx.import_guard, **kw)
        scope.add(b)
        self._created.append(b)
        if b.is_import:
            self.import_names.add(name)
        self.bound_anywhere.add(name)
        return b

    def _bind_target(self, target, value=None, annotation=None, pos=None):
        if isinstance(target, ast.Name):
            self._bind(target.id, target, value=value, annotation=annotation, pos=pos)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind_target(elt, pos=pos)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, pos=pos)
        elif isinstance(target, ast.Attribute):
            self._expr_store_attr(target)
        elif isinstance(target, ast.Subscript):
            self._expr(target.value)
            self._expr(target.slice)

    def _expr_store_attr(self, node: ast.Attribute):
        # `x.attr = ...`: the receiver is read, the attribute itself is written (not a use)
        self._expr(node.value)

    # ---- statements ---------------------------------------------------------------------
    def _block(self, stmts):
        for s in stmts:
            self._stmt(s)

    def _stmt(self, s):
        method = getattr(self, "_s_" + type(s).__name__, None)
        if method is not None:
            method(s)
        else:
            self._generic(s)

    def _generic(self, node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._stmt(child)
            elif isinstance(child, ast.expr):
                self._expr(child)
            else:
                self._generic(child)

    def _s_Import(self, s):
        for alias in s.names:
            self.import_roots.add(alias.name.split(".", 1)[0])
            self.imported_modules.add(alias.name)
            if alias.asname:
                b = self._bind(alias.asname, alias, qual=alias.name, is_import=True, stmt=s, pos=node_end(s))
            else:
                root = alias.name.split(".", 1)[0]
                b = self._bind(root, alias, qual=root, is_import=True, stmt=s, pos=node_end(s))
            self.events.append(("import", s, alias, self._scope, self._ctx, b))

    def _s_ImportFrom(self, s):
        if s.level or not s.module:
            for alias in s.names:
                if alias.name != "*":
                    self._bind(alias.asname or alias.name, alias, pos=node_end(s))
            return
        self.import_roots.add(s.module.split(".", 1)[0])
        for alias in s.names:
            if alias.name == "*":
                self.events.append(("import", s, alias, self._scope, self._ctx, None))
                continue
            b = self._bind(alias.asname or alias.name, alias, qual=f"{s.module}.{alias.name}",
                           is_import=True, stmt=s, pos=node_end(s))
            self.events.append(("import", s, alias, self._scope, self._ctx, b))

    def _s_FunctionDef(self, s):
        for d in s.decorator_list:
            self._expr(d)
        args = s.args
        for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            self._expr(default)
        all_args = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
        if args.vararg:
            all_args.append(args.vararg)
        if args.kwarg:
            all_args.append(args.kwarg)
        for a in all_args:
            if a.annotation is not None:
                self._expr(a.annotation)
        if s.returns is not None:
            self._expr(s.returns)
        self._bind(s.name, s, pos=node_pos(s))
        outer_scope, outer_ctx, outer_end = self._scope, self._ctx, self._stmt_end
        scope = Scope("function", s, outer_scope)
        scope.static = any(
            (isinstance(d, ast.Name) and d.id == "staticmethod") for d in s.decorator_list
        )
        self._scope, self._ctx, self._stmt_end = scope, outer_ctx.deferred(), None
        positional = list(args.posonlyargs) + list(args.args)
        for i, a in enumerate(all_args):
            self._bind(a.arg, a, pos=(0, 0), annotation=a.annotation,
                       param_index=positional.index(a) if a in positional else None)
        self._block(s.body)
        self._scope, self._ctx, self._stmt_end = outer_scope, outer_ctx, outer_end

    _s_AsyncFunctionDef = _s_FunctionDef

    def _s_ClassDef(self, s):
        for d in s.decorator_list:
            self._expr(d)
        for b in s.bases:
            self._expr(b)
        for k in s.keywords:
            self._expr(k.value)
        outer_scope, outer_end = self._scope, self._stmt_end
        scope = Scope("class", s, outer_scope)
        self._scope, self._stmt_end = scope, None
        self._block(s.body)
        self._scope, self._stmt_end = outer_scope, outer_end
        self._bind(s.name, s, pos=node_end(s))

    def _s_Assign(self, s):
        self._expr(s.value)
        self._stmt_end = node_end(s)
        single = len(s.targets) == 1
        for t in s.targets:
            self._bind_target(t, value=s.value if single else None)
        self._stmt_end = None
        if self._scope is self.module:
            for t in s.targets:
                if isinstance(t, ast.Name) and t.id == "__all__" and isinstance(s.value, (ast.List, ast.Tuple)):
                    for elt in s.value.elts:
                        if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                            self.all_names.add(elt.value)

    def _s_AugAssign(self, s):
        self._expr(s.value)
        if isinstance(s.target, ast.Name):
            self._expr(ast.copy_location(ast.Name(id=s.target.id, ctx=ast.Load()), s.target))
        self._stmt_end = node_end(s)
        self._bind_target(s.target)
        self._stmt_end = None

    def _s_AnnAssign(self, s):
        self._expr(s.annotation)
        if s.value is not None:
            self._expr(s.value)
        self._stmt_end = node_end(s)
        if isinstance(s.target, ast.Name):
            self._bind(s.target.id, s.target, value=s.value, annotation=s.annotation)
        else:
            self._bind_target(s.target)
        self._stmt_end = None

    def _s_For(self, s):
        self._expr(s.iter)
        self._stmt_end = node_end(s.target)
        self._bind_target(s.target)
        self._stmt_end = None
        self._block(s.body)
        self._block(s.orelse)

    _s_AsyncFor = _s_For

    def _s_With(self, s):
        guard = False
        for item in s.items:
            self._expr(item.context_expr)
            ce = item.context_expr
            if isinstance(ce, ast.Call):
                fn = ce.func
                fname = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if fname == "suppress":
                    caught = {getattr(a, "id", getattr(a, "attr", "")) for a in ce.args}
                    guard = bool(caught & _IMPORT_ERRORS)
            if item.optional_vars is not None:
                self._stmt_end = node_end(item.optional_vars)
                self._bind_target(item.optional_vars)
                self._stmt_end = None
        outer = self._ctx
        if guard:
            self._ctx = outer.guarded(True, False)
        self._block(s.body)
        self._ctx = outer

    _s_AsyncWith = _s_With

    def _s_Try(self, s):
        caught: set[str] = set()
        for h in s.handlers:
            caught |= _handler_names(h)
        imports_in_body = any(isinstance(n, (ast.Import, ast.ImportFrom)) for st in s.body for n in ast.walk(st))
        outer = self._ctx
        self._ctx = outer.guarded(bool(caught & _IMPORT_ERRORS), bool(caught & _ATTR_ERRORS))
        mark = len(self._created)
        if "NameError" in caught:
            self._python2_probe(s.body)
        else:
            self._block(s.body)
        primaries = {(b.scope.node, b.name): b for b in self._created[mark:]}
        self._ctx = outer
        for h in s.handlers:
            if h.type is not None:
                self._expr(h.type)
            if h.name:
                self._bind(h.name, h, pos=node_pos(h))
            names = _handler_names(h)
            # the handler of a failed import (or of a missing name or attribute) is the fallback
            # for another Python or library version
            fallback = bool(names & _FALLBACK_ERRORS) or (
                imports_in_body and bool(names & {"Exception", "BaseException"}))
            self._ctx = outer.guarded(fallback, fallback)
            mark = len(self._created)
            self._block(h.body)
            for b in self._created[mark:]:
                primary = primaries.get((b.scope.node, b.name))
                if primary is not None and primary is not b:
                    b.primary = primary
            self._ctx = outer
        self._block(s.orelse)
        self._block(s.finalbody)

    _s_TryStar = _s_Try

    def _python2_probe(self, stmts):
        """A ``try`` body whose handler catches NameError (metaflow's util.py: ``unicode_type =
        unicode``, then ``from pipes import quote``, ``except NameError:`` Python 3's imports):
        after a statement that reads a builtin only Python 2 has, the rest runs on Python 2 only."""
        base = self._ctx
        for st in stmts:
            self._stmt(st)
            if self._ctx is base and reads_python2_builtin(st, here=True):
                if self._py2_bound is None:  # (a name the module binds itself is no builtin's)
                    self._py2_bound = {n.id for n in ast.walk(self._tree) if type(n) is ast.Name
                                       and type(n.ctx) is not ast.Load and n.id in PYTHON2_BUILTINS}
                if not (reads_python2_builtin(st, here=True, names=PYTHON2_BUILTINS - self._py2_bound)):
                    continue
                self._ctx = base.narrowed(None, (3, 0))
        self._ctx = base

    def _s_If(self, s):
        self._expr(s.test)
        true_r, false_r = self._version_test(s.test)
        probed, module_probe = _feature_probes(s.test)
        outer = self._ctx
        base = outer.guarded(module_probe, False, probed) if (probed or module_probe) else outer
        self._ctx = base.narrowed(*true_r) if true_r else base
        self._block(s.body)
        self._ctx = base.narrowed(*false_r) if false_r else base
        self._block(s.orelse)
        self._ctx = outer

    def _probed_and(self, values):
        """``hasattr(ast, "Str") and isinstance(node, ast.Str)`` (metaflow's): what follows a
        feature probe in an ``and`` runs only where the probe succeeded, as an ``if``'s body."""
        outer = self._ctx
        for v in values:
            self._expr(v)
            probed, module_probe = _feature_probes(v)
            if probed or module_probe:
                self._ctx = self._ctx.guarded(module_probe, False, probed)
        self._ctx = outer

    def _s_Global(self, s):
        self._scope.globals.update(s.names)

    def _s_Nonlocal(self, s):
        pass

    def _s_Delete(self, s):
        for t in s.targets:
            if isinstance(t, ast.Name):
                self._bind(t.id, t, pos=node_end(s))
            else:
                self._bind_target(t)

    def _s_Match(self, s):
        self._expr(s.subject)
        for case in s.cases:
            self._pattern(case.pattern)
            if case.guard is not None:
                self._expr(case.guard)
            self._block(case.body)

    def _pattern(self, p):
        for sub in ast.walk(p):
            name = getattr(sub, "name", None) if not isinstance(sub, ast.MatchMapping) else sub.rest
            if isinstance(sub, (ast.MatchAs, ast.MatchStar, ast.MatchMapping)) and name:
                self._bind(name, sub, pos=node_pos(sub))
            elif isinstance(sub, ast.MatchValue):
                self._expr(sub.value)
            elif isinstance(sub, ast.MatchClass):
                self._expr(sub.cls)

    # ---- expressions --------------------------------------------------------------------
    def _expr(self, e):
        if e is None:
            return
        t = type(e)
        if t is ast.Constant:
            return
        if t is ast.Name:
            if isinstance(e.ctx, ast.Load):
                self.load_names.setdefault(e.id, []).append(e)
                self.events.append(("chain", e, e, [], self._scope, self._ctx))
            else:
                self._bind_target(e)
            return
        if t is ast.Attribute:
            if not isinstance(e.ctx, ast.Load):
                self._expr_store_attr(e)
                return
            base, attrs, root = attr_chain(e)
            if base is not None:
                self.load_names.setdefault(base.id, []).append(base)
                self.events.append(("chain", e, base, attrs, self._scope, self._ctx))
            else:
                self.events.append(("attrs", e, root, attrs, self._scope, self._ctx))
                self._expr(root)
            return
        if t is ast.Call:
            self.events.append(("call", e, self._scope, self._ctx))
            self._expr(e.func)
            for a in e.args:
                self._expr(a)
            for k in e.keywords:
                self._expr(k.value)
            return
        if t is ast.Lambda:
            self._lambda(e)
            return
        if t in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            self._comprehension(e)
            return
        if t is ast.NamedExpr:
            self._expr(e.value)
            scope = self._scope
            while scope.kind == "comprehension" and scope.parent is not None:
                scope = scope.parent
            saved = self._scope
            self._scope = scope
            self._bind(e.target.id, e.target, pos=node_end(e))
            self._scope = saved
            return
        if t is ast.BinOp:
            self._expr(e.left)
            self._expr(e.right)
            return
        if t is ast.BoolOp and isinstance(e.op, ast.And):
            self._probed_and(e.values)
            return
        if t in (ast.Tuple, ast.List, ast.Set):
            for elt in e.elts:
                self._expr(elt)
            return
        if t is ast.Compare:
            self._expr(e.left)
            for c in e.comparators:
                self._expr(c)
            return
        if t is ast.Subscript:
            self._expr(e.value)
            self._expr(e.slice)
            return
        for child in ast.iter_child_nodes(e):
            if isinstance(child, ast.expr):
                self._expr(child)
            elif isinstance(child, ast.AST):
                self._generic_expr(child)

    def _lambda(self, e: ast.Lambda):
        args = e.args
        for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            self._expr(default)
        outer_scope, outer_ctx = self._scope, self._ctx
        scope = Scope("lambda", e, outer_scope)
        self._scope, self._ctx = scope, outer_ctx.deferred()
        for a in list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs):
            self._bind(a.arg, a, pos=(0, 0))
        for a in (args.vararg, args.kwarg):
            if a is not None:
                self._bind(a.arg, a, pos=(0, 0))
        self._expr(e.body)
        self._scope, self._ctx = outer_scope, outer_ctx

    def _comprehension(self, e):
        gens = e.generators
        if gens:
            self._expr(gens[0].iter)
        outer_scope = self._scope
        scope = Scope("comprehension", e, outer_scope)
        self._scope = scope
        for i, g in enumerate(gens):
            if i:
                self._expr(g.iter)
            self._bind_target(g.target, pos=(0, 0))
            for cond in g.ifs:
                self._expr(cond)
        if type(e) is ast.DictComp:
            self._expr(e.key)
            self._expr(e.value)
        else:
            self._expr(e.elt)
        self._scope = outer_scope

    def _generic_expr(self, node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._expr(child)
            elif isinstance(child, ast.AST):
                self._generic_expr(child)

    # ---- version guards -----------------------------------------------------------------
    def _version_test(self, test):
        """(true-branch range, false-branch range) of an ``if`` test, each (lo, hi) or None."""
        sets = self._version_sets(test)
        if sets is None:
            return None, None
        return _hull(sets[0]), _hull(sets[1])

    def _version_sets(self, test):
        """(minor versions where the test can be true, where it can be false), or None."""
        if isinstance(test, ast.Name):
            return self._version_flags().get(test.id)
        if isinstance(test, ast.Attribute) and test.attr in ("PY2", "PY3") and isinstance(test.value, (ast.Name, ast.Attribute)):
            # (the compatibility libraries' flags: six.PY2, future's utils.PY3, django.utils.six.PY3)
            return self._compat_flag(test.attr)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._version_sets(test.operand)
            return (inner[1], inner[0]) if inner else None
        if isinstance(test, ast.BoolOp):
            parts = [self._version_sets(v) for v in test.values]
            known = [p for p in parts if p is not None]
            if not known:
                return None
            if isinstance(test.op, ast.And):
                true = frozenset.intersection(*(p[0] for p in known))
                false = _GRID if len(known) < len(parts) else frozenset.union(*(p[1] for p in known))
            else:
                if len(known) < len(parts):
                    return None
                true = frozenset.union(*(p[0] for p in known))
                false = frozenset.intersection(*(p[1] for p in known))
            return true, false
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        left, op, right = test.left, test.ops[0], test.comparators[0]
        kind = self._version_expr(left)
        flipped = False
        if kind is None:
            kind = self._version_expr(right)
            left, right, flipped = right, left, True
        if kind is None:
            return None
        value = _literal_version(right)
        fn = _OPS.get(type(op))
        if value is None or fn is None:
            return None
        if kind in ("major", "minor"):  # (baserow's ANTLR output: `if sys.version_info[1] > 5:`)
            if len(value) != 1:
                return None
            value = value[0]
        true, false = set(), set()
        for minor in _GRID:
            if kind == "minor" and minor[0] != 3:
                continue  # a minor alone is compared as Python 3's, as its author meant
            for rep in _representatives(kind, minor):
                try:
                    ok = fn(value, rep) if flipped else fn(rep, value)
                except TypeError:
                    return None
                (true if ok else false).add(minor)
        return frozenset(true), frozenset(false)

    def _compat_flag(self, name: str):
        """The version test a compatibility library's ``PY2``/``PY3`` flag stands for."""
        op = "<" if name == "PY2" else ">="
        return self._version_sets(ast.parse(f"sys.version_info {op} (3,)", mode="eval").body)

    def _version_flags(self) -> dict:
        """The module's version flags: a name the module assigns once, at its top level, from a
        version test (requests_toolbelt's ``PY3 = sys.version_info > (3, 0)``, then ``if PY3:``),
        or a compatibility library's flag it imports and never rebinds (``from future.utils import
        PY3``), to the test's (true, false) minor versions."""
        if self._flags is None:
            self._flags = {}
            counts: dict = {}  # (bound anywhere else, by any statement: not a flag)
            for n in ast.walk(self._tree):
                if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                    counts[n.id] = counts.get(n.id, 0) + 1
            for n in ast.walk(self._tree):  # from six import PY2; from future.utils import PY3 as IS_PY3
                if isinstance(n, ast.ImportFrom):
                    for a in n.names:
                        if a.name in ("PY2", "PY3") and not counts.get(a.asname or a.name):
                            self._flags[a.asname or a.name] = self._compat_flag(a.name)
            for st in self._tree.body:
                if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                        and counts.get(st.targets[0].id) == 1 and isinstance(st.value, (ast.Compare, ast.UnaryOp, ast.BoolOp, ast.Name)):
                    sets = self._version_sets(st.value)
                    if sets is not None:
                        self._flags[st.targets[0].id] = sets
        return self._flags

    def _version_expr(self, node):
        """How the running version appears: 'full' (sys.version_info), 'slice1'/'slice2'
        (sys.version_info[:1] / [:2]), 'major' ([0] or .major), 'minor' ([1] or .minor)."""
        if isinstance(node, ast.Subscript) and self._is_version_info(node.value):
            sl = node.slice
            if isinstance(sl, ast.Slice) and sl.lower is None and sl.step is None \
                    and isinstance(sl.upper, ast.Constant) and sl.upper.value in (1, 2, 3):
                return f"slice{sl.upper.value}"
            if isinstance(sl, ast.Constant) and sl.value in (0, 1):
                return "major" if sl.value == 0 else "minor"
            return None
        if isinstance(node, ast.Attribute) and node.attr in ("major", "minor") \
                and self._is_version_info(node.value):
            return node.attr
        if self._is_version_info(node):
            return "full"
        return None

    def _is_version_info(self, node) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "version_info":
            return isinstance(node.value, ast.Name) and node.value.id == "sys"
        return isinstance(node, ast.Name) and node.id == "version_info"


#: builtins Python 3 removed: reading one raises NameError there
PYTHON2_BUILTINS = frozenset(("unicode", "basestring", "xrange", "unichr", "raw_input", "long", "execfile"))


def reads_python2_builtin(node, here: bool = False, names=PYTHON2_BUILTINS) -> bool:
    """Whether ``node`` reads one of ``names`` (``PYTHON2_BUILTINS``) by its bare name; with
    ``here``, where it runs (not in the body of a function, class or lambda it defines)."""
    if not here:
        return any(type(n) is ast.Name and n.id in names and type(n.ctx) is ast.Load for n in ast.walk(node))
    stack = [node]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is ast.Name and n.id in names and type(n.ctx) is ast.Load:
            return True
        if t not in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            stack.extend(ast.iter_child_nodes(n))
    return False


def _feature_probes(test) -> tuple[frozenset, bool]:
    """(names probed with hasattr/getattr, whether a module is probed in sys.modules) in an
    ``if`` test (through ``not``/``and``/``or``): both branches of such an ``if`` are feature
    detection, not plain uses."""
    names = set()
    module_probe = False
    stack = [test]
    while stack:
        node = stack.pop()
        t = type(node)
        if t is ast.BoolOp:
            stack.extend(node.values)
        elif t is ast.UnaryOp:
            stack.append(node.operand)
        elif t is ast.Call:
            if isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr") and node.args:
                root = node.args[0]
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name):
                    names.add(root.id)
        elif t is ast.Compare:
            if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                for side in node.comparators:
                    if isinstance(side, ast.Attribute) and side.attr == "modules" \
                            and isinstance(side.value, ast.Name) and side.value.id == "sys":
                        module_probe = True
            else:
                stack.append(node.left)
                stack.extend(node.comparators)
    return frozenset(names), module_probe


_OPS = {
    ast.Lt: _operator.lt, ast.LtE: _operator.le, ast.Gt: _operator.gt, ast.GtE: _operator.ge,
    ast.Eq: _operator.eq, ast.NotEq: _operator.ne,
}
#: the minor versions a version guard is evaluated on
_GRID_LIST = [(2, m) for m in range(8)] + [(3, m) for m in range(41)] + [(4, 0)]
_GRID = frozenset(_GRID_LIST)
_NEXT = {v: (_GRID_LIST[i + 1] if i + 1 < len(_GRID_LIST) else None) for i, v in enumerate(_GRID_LIST)}


def _representatives(kind, minor):
    major, m = minor
    if kind == "full":
        return [(major, m, 0, 0, 0), (major, m, 99, 99, 99)]
    if kind == "slice1":
        return [(major,)]
    if kind == "slice2":
        return [(major, m)]
    if kind == "slice3":
        return [(major, m, 0), (major, m, 99)]
    if kind == "major":
        return [major]
    if kind == "minor":
        return [m]
    return []


def _literal_version(node):
    if isinstance(node, ast.Tuple) and node.elts and all(
        isinstance(x, ast.Constant) and type(x.value) is int for x in node.elts
    ):
        return tuple(x.value for x in node.elts)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return (node.value,)
    return None


def _hull(versions):
    """The interval [lo, hi) covering a set of grid versions (None: no constraint)."""
    if versions is None:
        return None
    if not versions:
        return ((0, 0), (0, 0))  # never runs: no version reaches anything here
    lo = min(versions)
    hi = _NEXT[max(versions)]
    if lo == _GRID_LIST[0]:
        lo = None
    return (lo, hi)


