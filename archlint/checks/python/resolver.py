"""The resolver of the Python rules: turns the analyser's events (imports, attribute chains,
attribute uses, calls) into candidate hits on catalogue entries, with the fixes they offer."""
from __future__ import annotations

import ast
import re

from ...model import Edit, Fix, Span
from .analysis import Analyzer, Binding, Scope, attr_chain, node_pos
from .catalogue import Catalogue, Entry



def lookup(name: str, scope: Scope, pos) -> tuple[Binding | None, bool]:
    """The binding a name refers to at ``pos`` in ``scope``: (binding, certain).  A binding
    made in an ``except`` fallback stands for the try body's binding it replaces (the one that
    runs where the code is meant to run)."""
    b, certain = _lookup(name, scope, pos)
    if b is not None and b.primary is not None:
        return b.primary, certain
    return b, certain


def _lookup(name: str, scope: Scope, pos) -> tuple[Binding | None, bool]:
    immediate = True  # scopes whose code runs at the point of use (comprehensions, the home)
    s = scope
    home = scope
    while s is not None:
        if s is not home and s.kind == "class":
            s = s.parent
            continue
        if name in s.globals and s.kind != "module":
            module = s
            while module.parent is not None:
                module = module.parent
            s = module
            immediate = False
        bl = s.bindings.get(name)
        if bl:
            if immediate:
                before = [b for b in bl if b.pos <= pos]
                if before:
                    return before[-1], True
                if s.kind in ("function", "lambda"):
                    return None, False
            else:
                mains = [b for b in bl if b.primary is None]
                if len(mains) == 1:
                    return mains[0], True
                if all(b.is_import for b in bl):
                    return bl[-1], len({b.qual for b in bl}) == 1 or all(b.guarded for b in bl)
                return bl[-1], len(bl) == 1
        if s.kind not in ("comprehension", "class"):
            immediate = False  # a function body runs later; class bodies and comprehensions now
        s = s.parent
    return None, True


class Hit:
    """A candidate finding before versions are considered.  Of the hits that share a ``site``
    (one place in the code) only the most severe, most general applicable one is reported."""

    __slots__ = ("entry", "site", "span", "ctx", "fix")

    def __init__(self, entry, site, span, ctx, fix=None):
        self.entry = entry
        self.site = site
        self.span = span
        self.ctx = ctx
        self.fix = fix  # callable -> Fix | None (built only when reported)


class Resolver:
    def __init__(self, model, an: Analyzer, cat: Catalogue):
        self.model = model
        self.src = model.source
        self.an = an
        self.cat = cat
        self.hits: list[Hit] = []
        self._called: set | None = None  # ids of the expressions the module calls

    # ---- spans --------------------------------------------------------------------------
    def col(self, line, byte_col):
        return self.model.col(line, byte_col)

    def span_node(self, node) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno
        c = self.col(line, node.col_offset)
        ec = self.col(end_line, node.end_col_offset if node.end_col_offset is not None else node.col_offset)
        if (end_line, ec) <= (line, c):
            end_line, ec = line, c + 1
        return Span(line, c, end_line, ec)

    def span_attr_name(self, node: ast.Attribute) -> Span:
        line = node.end_lineno or node.lineno
        end = self.col(line, node.end_col_offset)
        return Span(line, max(1, end - len(node.attr)), line, end)

    def span_alias_name(self, alias) -> Span:
        c = self.col(alias.lineno, alias.col_offset)
        text = self.src.line(alias.lineno)
        m = re.match(r"[\w.\s]*?(?=\s+as\b|$|\s*[,)#])", text[c - 1:])
        length = len(alias.name)
        if m and m.group().replace(" ", "").replace("\t", "") == alias.name:
            length = len(m.group().rstrip())
        return Span(alias.lineno, c, alias.lineno, c + max(1, length))

    def span_from_module(self, stmt: ast.ImportFrom) -> Span:
        c = self.col(stmt.lineno, stmt.col_offset)
        text = self.src.line(stmt.lineno)
        m = re.compile(r"from\s+([\w.]+)").match(text, c - 1)
        if m:
            return Span(stmt.lineno, m.start(1) + 1, stmt.lineno, m.end(1) + 1)
        return self.span_node(stmt)

    # ---- qualified names ----------------------------------------------------------------
    def qual_of(self, expr, scope, pos) -> str | None:
        base, attrs, _ = attr_chain(expr) if isinstance(expr, ast.Attribute) else (
            (expr, [], expr) if isinstance(expr, ast.Name) else (None, [], expr))
        if base is None:
            return None
        b, certain = lookup(base.id, scope, pos)
        if b is None or not b.is_import or not certain or b.qual is None:
            return None
        return ".".join([b.qual] + [a.attr for a in attrs])

    def types_of(self, expr, scope, pos, depth=0) -> set[str]:
        """Qualified names of the classes (or factory functions) that produced ``expr``."""
        if depth > 8:
            return set()
        if isinstance(expr, ast.Call):
            q = self.qual_of(expr.func, scope, pos)
            return {q} if q else set()
        if isinstance(expr, ast.Name):
            b, _ = lookup(expr.id, scope, pos)
            if b is None or b.is_import:
                return set()
            if b.param_index == 0 and b.scope.kind == "function" and not b.scope.static:
                parent = b.scope.parent
                if parent is not None and parent.kind == "class":
                    return self.class_bases(parent.node, parent.parent, depth + 1)
            if b.annotation is not None:
                q = self.qual_of(b.annotation, b.scope, b.pos)
                if q:
                    return {q}
            if b.value is not None:
                return self.types_of(b.value, b.scope, b.pos, depth + 1)
        return set()

    def class_bases(self, classdef, scope, depth=0) -> set[str]:
        out: set[str] = set()
        if depth > 8 or scope is None:
            return out
        for base in classdef.bases:
            q = self.qual_of(base, scope, node_pos(classdef))
            if q:
                out.add(q)
                continue
            if isinstance(base, ast.Name):
                b, _ = lookup(base.id, scope, node_pos(classdef))
                if b is not None and isinstance(b.node, ast.ClassDef):
                    out |= self.class_bases(b.node, b.scope, depth + 1)
        return out

    # ---- events -------------------------------------------------------------------------
    def run(self) -> list[Hit]:
        for ev in self.an.events:
            kind = ev[0]
            if kind == "import":
                self.on_import(*ev[1:])
            elif kind == "chain":
                self.on_chain(*ev[1:])
            elif kind == "attrs":
                self.on_attrs(*ev[1:])
            elif kind == "call":
                self.on_call(*ev[1:])
        return self.hits

    def _prefix_entries(self, dotted: str) -> list[Entry]:
        """Reference entries whose name is ``dotted`` or a dotted prefix of it."""
        out = []
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            out.extend(self.cat.refs.get(".".join(parts[:i]), ()))
        return out

    def on_import(self, stmt, alias, scope, ctx, binding):
        if ctx.import_guard:
            return
        if isinstance(stmt, ast.Import):
            site = (id(stmt), alias.name)
            span = self.span_alias_name(alias)
            for e in self._prefix_entries(alias.name):
                self.hits.append(Hit(e, site, span, ctx))
            return
        module = stmt.module
        site = (id(stmt), alias.name)
        # a removed module: reported once, at the module name (the site of every alias)
        mod_span = None
        for e in self._prefix_entries(module):
            mod_span = mod_span or self.span_from_module(stmt)
            self.hits.append(Hit(e, site, mod_span, ctx))
        if alias.name == "*":
            return
        for e in self.cat.refs.get(f"{module}.{alias.name}", ()):
            self.hits.append(Hit(e, site, self.span_alias_name(alias), ctx,
                                 fix=lambda e=e: self.fix_from_import(e, stmt, alias, binding)))

    def on_chain(self, outer, base, attrs, scope, ctx):
        if base.id not in self.an.import_names and not any(a.attr in self.cat.members for a in attrs):
            return  # neither an imported name nor an attribute any entry is about
        b, certain = lookup(base.id, scope, node_pos(base))
        if b is not None and b.is_import:
            if certain:
                b.uses.append(base)
        if base.id in ctx.probed:
            return
        resolved_upto = 0
        if b is not None and b.is_import and certain and b.qual and not ctx.attr_guard:
            q = b.qual
            for i, node in enumerate(attrs, start=1):
                q = f"{q}.{node.attr}"
                entries = [e for e in self.cat.refs.get(q, ())]
                if entries:
                    resolved_upto = i
                    span = self.span_node(node)
                    for e in entries:
                        self.hits.append(Hit(e, id(node), span, ctx,
                                             fix=lambda e=e, i=i: self.fix_chain(e, base, attrs, i, b)))
                    break
        if ctx.attr_guard:
            return
        # attributes on values: self.assertEquals, df.append, cert.not_valid_before
        for i, node in enumerate(attrs, start=1):
            if i <= resolved_upto:
                continue
            receiver = attrs[i - 2] if i >= 2 else base
            self.check_attribute(node, receiver, scope, ctx, receiver_is_module=(
                b is not None and b.is_import and i == 1))

    def on_attrs(self, outer, root, attrs, scope, ctx):
        if ctx.attr_guard or not any(a.attr in self.cat.members for a in attrs):
            return
        for i, node in enumerate(attrs):
            receiver = attrs[i - 1] if i else root
            self.check_attribute(node, receiver, scope, ctx, receiver_is_module=False)

    def called(self, node) -> bool:
        """Whether ``node`` is what a call calls (``x.attr(...)``); the module is walked once."""
        if self._called is None:
            self._called = {id(n.func) for n in ast.walk(self.model.tree) if isinstance(n, ast.Call)}
        return id(node) in self._called

    def check_attribute(self, node, receiver, scope, ctx, receiver_is_module):
        name = node.attr
        for e in self.cat.attrs.get(name, ()):
            if e.property and self.called(node):
                continue  # a method of the same name on another class (CertificateBuilder's)
            if e.root in self.an.import_roots and not receiver_is_module:
                self.hits.append(Hit(e, id(node), self.span_attr_name(node), ctx,
                                     fix=lambda e=e: self.fix_attr(e, node)))
                return
        candidates = self.cat.methods.get(name)
        if not candidates:
            return
        types = self.types_of(receiver, scope, node_pos(node))
        if not types:
            return
        for e in candidates:
            if types & set(e.types) or types & set(e.returned_by):
                self.hits.append(Hit(e, id(node), self.span_attr_name(node), ctx,
                                     fix=lambda e=e: self.fix_attr(e, node)))
                return

    def on_call(self, call, scope, ctx):
        func = call.func
        base = func
        while isinstance(base, ast.Attribute):
            base = base.value
        if not isinstance(base, ast.Name) or (base.id not in self.an.import_names and base.id != "__import__"):
            return
        q = self.qual_of(func, scope, node_pos(call))
        if q is None and isinstance(func, ast.Name) and func.id == "__import__":
            b, _ = lookup("__import__", scope, node_pos(call))
            if b is None:
                q = "__import__"
        if q in ("importlib.import_module", "__import__"):
            if not ctx.import_guard and call.args and isinstance(call.args[0], ast.Constant) \
                    and isinstance(call.args[0].value, str):
                target = call.args[0].value
                if re.match(r"^[A-Za-z_][\w.]*$", target):
                    span = self.span_node(call.args[0])
                    for e in self._prefix_entries(target):
                        self.hits.append(Hit(e, id(call.args[0]), span, ctx))
            return
        if q is None or base.id in ctx.probed:
            return  # (in a branch of `if hasattr(yaml, "full_load"):`: feature detection, as on_chain's)
        for e in self.cat.calls.get(q, ()):
            if self.call_matches(e, call):
                shape = e.keyword or (e.missing or {}).get("keyword")
                self.hits.append(Hit(e, (id(func), shape), self.span_node(func), ctx))

    @staticmethod
    def call_matches(e: Entry, call: ast.Call) -> bool:
        kw_names = {k.arg for k in call.keywords}
        if None in kw_names or any(isinstance(a, ast.Starred) for a in call.args):
            return False  # **kwargs / *args: cannot tell
        if e.missing:
            if e.missing["keyword"] in kw_names or len(call.args) > e.missing["position"]:
                return False
            if kw_names & set(e.missing.get("unless-keywords", ())):
                return False
            return True
        if e.keyword:
            return e.keyword in kw_names
        return False

    # ---- fixes --------------------------------------------------------------------------
    def _rename_uses_ok(self, old: str, binding: Binding) -> tuple[bool, bool]:
        """(possible, safe) to rename every use of ``old`` bound by ``binding``."""
        if old in self.an.all_names:
            return False, False
        used = {id(n) for n in binding.uses}
        others = [n for n in self.an.load_names.get(old, ()) if id(n) not in used]
        return True, not others

    def fix_from_import(self, e: Entry, stmt, alias, binding) -> Fix | None:
        if not e.fix or "." not in e.fix or binding is None:
            return None
        new_module, new_name = e.fix.rsplit(".", 1)
        edits: list[Edit] = []
        safe = e.fix_safe
        if new_module == stmt.module:
            edits.append(Edit(self.span_alias_name(alias), new_name))
        elif len(stmt.names) == 1 and stmt.lineno == stmt.end_lineno:
            text = f"from {new_module} import {new_name}" + (f" as {alias.asname}" if alias.asname else "")
            edits.append(Edit(self.span_node(stmt), text))
        else:
            return None
        if alias.asname is None and new_name != alias.name:
            possible, rename_safe = self._rename_uses_ok(alias.name, binding)
            if not possible:
                return None
            existing = binding.scope.bindings.get(new_name, [])
            if any(not (b.is_import and b.qual == e.fix) for b in existing):
                return None
            safe = safe and rename_safe
            for use in binding.uses:
                edits.append(Edit(self.span_node(use), new_name))
        old = f"{stmt.module}.{alias.name}"
        return Fix(f"Replace `{old}` with `{e.fix}`", tuple(sorted(edits, key=lambda x: x.span)), safe=safe)

    def fix_chain(self, e: Entry, base, attrs, i, binding) -> Fix | None:
        if not e.fix:
            return None
        node = attrs[i - 1]
        old_rest = [a.attr for a in attrs[:i]]
        safe = e.fix_safe
        if "." not in e.fix:  # a builtin (np.float -> float)
            if e.fix in self.an.bound_anywhere:
                return None
            text = e.fix
        elif e.fix.startswith(binding.qual + "."):
            new_rest = e.fix[len(binding.qual) + 1:].split(".")
            text = ".".join([base.id] + new_rest)
            if len(new_rest) > len(old_rest):
                # the new path may need a submodule import, unless the file imports it
                needed = ".".join([binding.qual] + new_rest[:-1])
                if needed not in self.an.imported_modules:
                    safe = False
        else:
            return None
        span = self.span_node(node)
        start = self.span_node(base)
        span = Span(start.line, start.col, span.end_line, span.end_col)
        return Fix(f"Replace `{e.name}` with `{e.fix}`", (Edit(span, text),), safe=safe)

    def fix_attr(self, e: Entry, node: ast.Attribute) -> Fix | None:
        if not e.fix:
            return None
        new = e.fix.rsplit(".", 1)[-1]
        return Fix(f"Replace `.{node.attr}` with `.{new}`", (Edit(self.span_attr_name(node), new),),
                   safe=e.fix_safe)
