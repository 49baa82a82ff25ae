"""YAML files (Kubernetes manifests, Kustomize, Helm values, docker-compose, GitHub workflows):
composed nodes with exact positions.

Why composed nodes: on 2,746 real Kubernetes files, composing with PyYAML's libyaml binding
(``compose_all`` with ``CSafeLoader``) ran at ~520 files/s, loading Python objects at ~340 and
ruamel's round-trip loader at 26.  Composing also never *constructs* anything: unknown tags
(``!Ref``, ``!!python/object:…``) stay plain nodes, duplicate keys are kept (lookups take the
last one, as Kubernetes and compose do), and ``on:``/``yes:`` stay the strings written.
Without the C extension the pure-Python ``SafeLoader`` composes the same nodes, slower.

Positions: libyaml marks are 0-based line/column counted in code points of the text it read,
which is ``Source.text`` (LF line ends).  ``YamlModel.span(node)`` turns them into 1-based
``Span``\\ s (a BOM left at the start of the text shifts line 1 by one column; NEL/LS/PS, which
YAML 1.1 counts as line breaks, are read as blanks so YAML lines stay the file's lines).

Hostile input:
- flow nesting deeper than ``MAX_FLOW_DEPTH`` is refused before libyaml sees it (its
  simple-key bookkeeping is quadratic in the depth: 20,000 ``[`` take seconds);
- block nesting is walked iteratively everywhere here (no Python recursion); the pure-Python
  fallback's own recursion is caught and reported;
- aliases: composing shares nodes, so a "billion laughs" file is small in memory, but walking it
  would expand it.  When a file has both anchors and aliases, ``parse`` computes the expanded size
  (linear in the distinct nodes) and refuses files whose aliases add more than
  ``MAX_ALIAS_EXPANSION`` node visits, or that contain a recursive alias
  ("alias expansion limit exceeded", reported as AL001).  Every walk in the rules is therefore
  bounded.

Helm: a file under a chart's ``templates/`` folder, or any file with ``{{`` that is not valid
YAML, raises ``SkipFile("AL003", "templated file, not linted")`` instead of a parse error.

Helpers for rules (no ``yaml`` import needed): ``is_map``/``is_seq``/``is_scalar``, ``pairs``
(merge keys ``<<`` resolved, last duplicate wins), ``get`` (-> ``(key_node, value_node)``),
``value``, ``text``, ``items``, ``walk``; ``YamlModel.span``/``content_span``/``key_span``,
``YamlModel.documents``/``objects`` (multi-document files, ``kind: List`` items),
``YamlModel.shell_snippets()`` (each workflow ``run:`` step, mapped back to the file: read by
``workflow_steps``) and
``YamlModel.statement_range(line)`` (what a suppression comment on/above ``line`` covers).
"""
from __future__ import annotations

import os
import re

from ..model import Span
from . import ParseError, SkipFile
from .yaml_templates import (_ANGLE_LINE_RE, _AT_PLACEHOLDER_RE, _BRACKET_PLACEHOLDER_RE, _COMMAND_OUTPUT_RE, _FTL_RE,
                             _PERCENT_PLACEHOLDER_RE, _PLACEHOLDER_RE, _TEMPLATE_RE, _YTT_RE, _chart_file,
                             _chart_template, _loose_template, _mapping_key, _placeholder_at, _skip)

#: deepest flow nesting (``[``/``{``) accepted
MAX_FLOW_DEPTH = 1000
#: node visits that aliases may add to a file (a walk of the expanded tree costs at most this more)
MAX_ALIAS_EXPANSION = 250_000
#: files at least this large have their nodes kept out of the cyclic collector while the model lives
FREEZE_ABOVE = 256 * 1024
# Why freeze: composing with the collector paused leaves every node in the youngest generation;
# the next allocations then make the collector traverse (and promote) the whole model two or three
# times, 0.6-1 s of a 5 MB file's lint.  ``gc.freeze()`` moves the objects alive at that moment to
# the permanent generation instead (reference counting still frees them as usual), and
# ``gc.unfreeze()``, run when the model is released, hands whatever is still frozen back to the
# oldest generation.

MERGE_TAG = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"

_ANCHOR_RE = re.compile(r"(?:^|[\s\[\{,])&[^\s\[\]\{\},]", re.M)
_ALIAS_RE = re.compile(r"(?:^|[\s\[\{,])\*[^\s\[\]\{\},]", re.M)
#: an anchor's name (``&logging``; not a shell's ``&&`` in a healthcheck's command)
_ANCHOR_NAME_RE = re.compile(r"(?:^|[ \t\[\{,])&[A-Za-z0-9_]", re.M)
_BRACKETS_RE = re.compile(r"[\[\]{}]")
_BLOCK_HEADER_RE = re.compile(r"[|>]([1-9])?[+-]?([1-9])?")
_ODD_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}

_loader_cls = None
_PLAIN_TAGS = {"": NULL_TAG, "~": NULL_TAG, "null": NULL_TAG, "Null": NULL_TAG, "NULL": NULL_TAG, "<<": MERGE_TAG}


class _LightResolver:
    """Tags for composing only: what the rules look at (null, ``<<`` merge) and ``str`` for every
    other plain scalar.  PyYAML's resolver runs regexes in Python for each scalar (a quarter of
    the compose time) and types that nothing here constructs."""

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

    def resolve(self, kind, value, implicit):
        kid = kind.id
        if kid == "scalar":
            if implicit[0]:
                return _PLAIN_TAGS.get(value, STR_TAG)
            return STR_TAG
        return "tag:yaml.org,2002:seq" if kid == "sequence" else "tag:yaml.org,2002:map"


def _loader():
    """A composer on libyaml when the C extension is there, else the pure-Python one; both with
    the light resolver and no constructor (nothing is ever built from a tag)."""
    global _loader_cls
    if _loader_cls is None:
        try:
            from yaml._yaml import CParser

            class _CComposer(CParser, _LightResolver):
                def __init__(self, stream):
                    CParser.__init__(self, stream)

            _loader_cls = _CComposer
        except ImportError:
            _loader_cls = _py_loader()
    return _loader_cls


def _py_loader():
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PyComposer(Reader, Scanner, Parser, Composer, _LightResolver):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    return _PyComposer


#: the largest text composed again to allow a redefined anchor (larger: the duplicate is an AL001)
_REDEFINE_MAX = 256 * 1024


def _redefining_loader():
    """The pure-Python composer, letting a later anchor of a name replace an earlier one (YAML
    1.2: "anchors need not be unique"; an alias refers to the most recent; Kubernetes' YAML
    reader accepts it: knative's gitlab.yaml redefines ``&everything``), where PyYAML and libyaml
    refuse a duplicate."""
    global _redefining_cls
    if _redefining_cls is None:
        from yaml.events import AliasEvent

        class _Redefining(_py_loader()):
            def compose_node(self, parent, index):
                event = self.peek_event()
                anchor = getattr(event, "anchor", None)
                if anchor is not None and not isinstance(event, AliasEvent):
                    self.anchors.pop(anchor, None)
                return super().compose_node(parent, index)

        _redefining_cls = _Redefining
    return _redefining_cls


_redefining_cls = None


# ---- node helpers (duck-typed on PyYAML nodes: .id is "scalar" | "sequence" | "mapping") -----------


def is_map(node) -> bool:
    return node is not None and node.id == "mapping"


def is_seq(node) -> bool:
    return node is not None and node.id == "sequence"


def is_scalar(node) -> bool:
    return node is not None and node.id == "scalar"


def is_null(node) -> bool:
    return node is None or (node.id == "scalar" and node.tag == NULL_TAG)


def scalar(node) -> str | None:
    """The text of a non-null scalar node (as written: ``1.20`` stays ``"1.20"``), else None."""
    if node is None or node.id != "scalar" or node.tag == NULL_TAG:
        return None
    return node.value


def _merge_sources(mapping) -> list:
    """Mappings merged into ``mapping`` with ``<<``, highest precedence first."""
    out = []
    for k, v in mapping.value:
        if k.tag == MERGE_TAG:
            if v.id == "mapping":
                out.append(v)
            elif v.id == "sequence":
                out.extend(x for x in v.value if x.id == "mapping")
    return out


def _merge_order(mapping) -> list:
    """``mapping`` and every mapping merged into it (recursively), highest precedence first."""
    order = []
    visited: set = set()
    stack = [mapping]
    while stack:
        m = stack.pop()
        if id(m) in visited:
            continue
        visited.add(id(m))
        order.append(m)
        stack.extend(reversed(_merge_sources(m)))
    return order


def _has_merge(mapping) -> bool:
    for k, _ in mapping.value:
        if k.tag == MERGE_TAG:
            return True
    return False


def pairs(mapping) -> list:
    """``(key_node, value_node)`` of a mapping in document order, merge keys resolved (explicit
    keys override merged ones, earlier merge sources override later), a duplicate key keeping
    its last value.  Non-scalar keys are left out.  [] for anything but a mapping."""
    if mapping is None or mapping.id != "mapping":
        return []
    sources = _merge_order(mapping) if _has_merge(mapping) else (mapping,)
    have: dict[str, int] = {}
    out: list = []
    for m in sources:
        local: dict[str, int] = {}
        for k, v in m.value:
            if k.id != "scalar" or k.tag == MERGE_TAG:
                continue
            key = k.value
            if key in local:  # a duplicate in the same mapping: the last one wins
                out[local[key]] = (k, v)
                continue
            if key in have:  # already set by a mapping of higher precedence
                continue
            local[key] = have[key] = len(out)
            out.append((k, v))
    return out


def get(mapping, key: str):
    """``(key_node, value_node)`` for ``key`` in a mapping (last duplicate wins, merge keys
    followed), or None."""
    if mapping is None or mapping.id != "mapping":
        return None
    merged = False
    for k, v in reversed(mapping.value):
        if k.id != "scalar":
            continue
        if k.tag == MERGE_TAG:
            merged = True
        elif k.value == key:
            return k, v
    if merged:
        for src in _merge_order(mapping)[1:]:
            for k, v in reversed(src.value):
                if k.id == "scalar" and k.tag != MERGE_TAG and k.value == key:
                    return k, v
    return None


def value(mapping, key: str):
    """The value node of ``key`` (None if absent)."""
    hit = get(mapping, key)
    return hit[1] if hit else None


def text(mapping, key: str) -> str | None:
    """The scalar text of ``key`` (None if absent, null or not a scalar)."""
    hit = get(mapping, key)
    return scalar(hit[1]) if hit else None


def path(node, *keys):
    """Follow mapping keys: ``path(obj, "spec", "template", "spec")``; None if any is missing."""
    for k in keys:
        node = value(node, k)
        if node is None:
            return None
    return node


def items(node) -> list:
    """The items of a sequence node ([] for anything else)."""
    if node is None or node.id != "sequence":
        return []
    return node.value


def named_values(node) -> list:
    """(name, value) of a mapping, or of a list of ``NAME=value`` strings (compose's ``args``,
    ``environment``, ``additional_contexts``); a value not a scalar, or a name alone: None."""
    if is_map(node):
        return [(scalar(k) or "", scalar(v) if is_scalar(v) else None) for k, v in pairs(node)]
    words = [scalar(it) or "" for it in items(node) if is_scalar(it)]
    return [(w.partition("=")[0], w.partition("=")[2] if "=" in w else None) for w in words]


def children(node) -> list:
    if node.id == "mapping":
        out = []
        for k, v in node.value:
            out.append(k)
            out.append(v)
        return out
    if node.id == "sequence":
        return node.value
    return []


def walk(node):
    """Every node under ``node`` (itself included), depth first in document order, aliases
    followed (bounded by the parse-time expansion check).  Iterative: deep documents are fine."""
    if node is None:
        return
    stack = [node]
    pop, push = stack.pop, stack.extend
    while stack:
        n = pop()
        yield n
        if n.id == "mapping":
            vals = []
            for k, v in n.value:
                vals.append(k)
                vals.append(v)
            push(reversed(vals))
        elif n.id == "sequence":
            push(reversed(n.value))


def walk_mappings(node):
    """Every mapping node under ``node`` (itself included), skipping scalars; document order."""
    if node is None:
        return
    stack = [node]
    pop = stack.pop
    while stack:
        n = pop()
        if n.id == "mapping":
            yield n
            vals = [v for _, v in n.value if v.id != "scalar"]
        elif n.id == "sequence":
            vals = [v for v in n.value if v.id != "scalar"]
        else:
            continue
        vals.reverse()
        stack.extend(vals)


def distinct_collections(roots):
    """Every mapping and sequence node under ``roots``, each once however many aliases reach it
    (no expansion): for a walk over a file whose aliases are not yet checked."""
    seen: set = set()
    stack = [r for r in roots if r.id != "scalar"]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        if n.id == "mapping":
            stack.extend(v for _, v in n.value if v.id != "scalar")
        elif n.id == "sequence":
            stack.extend(it for it in n.value if it.id != "scalar")


# ---- the model ------------------------------------------------------------------------------------


class YamlModel:
    """A parsed YAML file: the root node of every document, and position helpers."""

    __slots__ = ("source", "documents", "problems", "_bom", "_snippets", "_ranges", "__weakref__")

    def __init__(self, source, documents: list):
        self.source = source
        self.documents = documents  # root node per document (empty documents left out)
        self.problems = ()
        self._bom = source.text.startswith("\ufeff")
        self._snippets: list | None = None
        self._ranges: dict | None = None

    # -- positions ---------------------------------------------------------------------------------

    def pos(self, mark) -> tuple[int, int]:
        """1-based (line, col) of a PyYAML mark."""
        line = mark.line
        return line + 1, mark.column + 1 + (1 if self._bom and line == 0 else 0)

    def span(self, node) -> Span:
        """The node's extent.  A block node's end mark sits where the next token starts (past
        trailing blank lines and comments); the span ends at the end of its last line with
        content instead."""
        sl, sc = self.pos(node.start_mark)
        el, ec = self.pos(node.end_mark)
        if el > sl:
            lines = self.source.lines
            before = lines[el - 1][: ec - 1] if el - 1 < len(lines) else ""
            if not before.strip() or before.strip() == "-":
                # the end mark is where the next token starts: go back to the last line with
                # content (for collections, comment-only lines do not count either)
                scalar_node = node.id == "scalar"
                el -= 1
                while el > sl:
                    t = lines[el - 1].strip()
                    if t and (scalar_node or not t.startswith("#")):
                        break
                    el -= 1
                ec = len(lines[el - 1].rstrip()) + 1 if el - 1 < len(lines) else sc + 1
        if (el, ec) <= (sl, sc):
            return Span(sl, sc, sl, sc + 1)
        return Span(sl, sc, el, ec)

    def first_line_span(self, node) -> Span:
        """The node's span cut to its first line (what a caret underlines)."""
        s = self.span(node)
        if s.end_line == s.line:
            return s
        line = self.source.line(s.line)
        return Span(s.line, s.col, s.line, max(s.col + 1, len(line.rstrip()) + 1))

    def content_span(self, node) -> Span:
        """For a one-line quoted scalar, the text between the quotes; else ``span``."""
        s = self.span(node)
        if node.id == "scalar" and node.style in ("'", '"') and s.end_line == s.line and s.end_col - s.col >= 3:
            return Span(s.line, s.col + 1, s.line, s.end_col - 1)
        return s

    def key_span(self, key_node) -> Span:
        return self.content_span(key_node)

    def raw(self, span: Span) -> str:
        """The file text of a one-line span."""
        if span.line != span.end_line:
            return ""
        return self.source.line(span.line)[span.col - 1 : span.end_col - 1]

    def exact_scalar(self, node) -> bool:
        """True when the file holds the scalar's value verbatim at ``content_span`` (no escapes,
        no folding): an edit there replaces exactly the value."""
        if node is None or node.id != "scalar" or node.style not in (None, "", "'", '"'):
            return False
        s = self.content_span(node)
        return s.line == s.end_line and self.raw(s) == node.value

    # -- documents and Kubernetes objects ------------------------------------------------------------

    def objects(self) -> list:
        """Kubernetes objects: each document's root mapping, with the ``items`` of a
        ``kind: List`` (or ``*List``) document in its place."""
        out = []
        stack = list(reversed(self.documents))
        while stack:
            node = stack.pop()
            if node.id != "mapping":
                continue
            kind = text(node, "kind")
            its = value(node, "items")
            if kind and kind.endswith("List") and is_seq(its) and text(node, "apiVersion"):
                stack.extend(reversed([x for x in its.value if x.id == "mapping"]))
                continue
            out.append(node)
        return out

    # -- embedded text -----------------------------------------------------------------------------

    def scalar_lines(self, node, parent_col: int | None = None) -> list | None:
        """The raw text of a scalar as written, one ``(text, line, col)`` per file line (1-based),
        without quotes, block header or indentation: what a sub-parser reads, mapped to the file.
        ``parent_col``: 0-based column of the owning key (for ``|2``-style explicit indentation).
        None if the node is not a scalar."""
        if node is None or node.id != "scalar":
            return None
        lines = self.source.lines
        s0, e0 = node.start_mark, node.end_mark
        sl, sc, el, ec = s0.line, s0.column, e0.line, e0.column
        bom = 1 if self._bom else 0
        if sl == 0:
            sc += bom
        if el == 0:
            ec += bom
        style = node.style
        if style in ("|", ">"):
            header = lines[sl][sc:] if sl < len(lines) else ""
            m = _BLOCK_HEADER_RE.match(header)
            explicit = None
            if m and (m.group(1) or m.group(2)) and parent_col is not None:
                explicit = parent_col + int(m.group(1) or m.group(2))
            last = el - 1 if ec == 0 else el
            body = [(i, lines[i]) for i in range(sl + 1, min(last, len(lines) - 1) + 1)]
            while body and not body[-1][1].strip():
                body.pop()
            if not body:
                return [("", sl + 1, sc + 2)]
            if explicit is not None:
                ind = explicit
            else:
                first = next((t for _, t in body if t.strip()), "")
                ind = len(first) - len(first.lstrip(" "))
            return [(t[ind:] if len(t) > ind else "", i + 1, ind + 1) for i, t in body]
        quote = 1 if style in ("'", '"') else 0
        if sl == el:
            line = lines[sl] if sl < len(lines) else ""
            return [(line[sc + quote : ec - quote], sl + 1, sc + quote + 1)]
        out = []
        for i in range(sl, min(el, len(lines) - 1) + 1):
            t = lines[i]
            if i == sl:
                start = sc + quote
                piece = t[start:]
            else:
                start = len(t) - len(t.lstrip(" \t"))
                piece = t[start:]
                if i == el:
                    piece = t[start : ec - quote]
            out.append((piece.rstrip(" \t") if i != el else piece, i + 1, start + 1))
        return out

    def shell_snippets(self) -> list:
        """One snippet per workflow ``run:`` step (``jobs.<id>.steps[].run``), in file order, with
        the step's environment (workflow, job and step ``env:``) for the command analyser."""
        if self._snippets is None:
            from .workflow_steps import workflow_snippets

            self._snippets = workflow_snippets(self)
        return self._snippets

    # -- suppressions ------------------------------------------------------------------------------

    def statement_range(self, line: int) -> tuple[int, int]:
        """Lines a suppression comment for ``line`` covers: the mapping entry or sequence item
        that starts on that line, to the end of its value (a ``run: |`` block, a container)."""
        if self._ranges is None:
            self._ranges = self._build_ranges()
        return line, max(line, self._ranges.get(line, line))

    def _build_ranges(self) -> dict:
        ranges: dict[int, int] = {}

        def note(start_node, end_node):
            first = self.pos(start_node.start_mark)[0]
            last = self.span(end_node).end_line
            if last > ranges.get(first, 0):
                ranges[first] = last

        for n in distinct_collections(self.documents):
            for k, v in (n.value if n.id == "mapping" else ((it, it) for it in n.value)):
                note(k, v)
        return ranges


# ---- parsing --------------------------------------------------------------------------------------


def _check_flow_depth(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return
    depth = 0
    for m in _BRACKETS_RE.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                raise ParseError(f"nesting deeper than {MAX_FLOW_DEPTH} levels", line, col)
        elif depth:
            depth -= 1


def check_expansion(roots: list, limit: int = MAX_ALIAS_EXPANSION) -> None:
    """Raise ParseError when aliases expand the documents by more than ``limit`` node visits or
    an alias refers to a node that contains it.  Linear in the distinct nodes."""
    size: dict[int, int] = {}
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    unique = 0
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, post = stack.pop()
            i = id(node)
            if post:
                total = 1
                for c in children(node):
                    total += size[id(c)]
                size[i] = total
                state[i] = 2
                continue
            st = state.get(i)
            if st == 2:
                continue
            if st == 1:
                raise ParseError("alias expansion limit exceeded (an alias refers to a node containing it)",
                                 node.start_mark.line + 1, node.start_mark.column + 1)
            state[i] = 1
            unique += 1
            stack.append((node, True))
            for c in children(node):
                cs = state.get(id(c))
                if cs == 1:
                    raise ParseError("alias expansion limit exceeded (an alias refers to a node containing it)",
                                     c.start_mark.line + 1, c.start_mark.column + 1)
                if cs is None:
                    stack.append((c, False))
    expanded = sum(size[id(r)] for r in roots)
    if expanded - unique > limit:
        raise ParseError(
            f"alias expansion limit exceeded ({expanded} nodes once aliases are expanded, from {unique})", 1, 1
        )


def compose(text: str, loader=None, freeze: bool = False) -> list:
    """Root nodes of every document of ``text`` that is not empty (``---`` alone, comments only);
    raises yaml.YAMLError or RecursionError.
    ``loader``: a loader class (default: libyaml's, else pure Python; ``"python"`` forces the
    pure-Python one).

    The cyclic garbage collector is paused while composing: the nodes are acyclic (short of a
    recursive alias, refused later) and a collection pass over the growing heap every few
    hundred allocations made composing quadratic (5 MB: 3.6 s with it, 1.0 s without).
    ``freeze``: move the new nodes to the permanent generation before the collector resumes (see
    ``FREEZE_ABOVE``); the caller must arrange a ``gc.unfreeze()``."""
    import gc

    import yaml

    if loader is None:
        loader = _loader()
    elif loader == "python":
        loader = _py_loader()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            docs = list(yaml.compose_all(text, Loader=loader))
        except yaml.composer.ComposerError as e:
            if "duplicate anchor" not in (e.context or "") + (e.problem or "") or len(text) > _REDEFINE_MAX:
                raise  # (the pure-Python composer is some 15 times slower: not for a large file)
            docs = list(yaml.compose_all(text, Loader=_redefining_loader()))  # (rare: composed again)
        roots = [d for d in docs if d is not None and not (d.id == "scalar" and d.tag == NULL_TAG)]
        if freeze:
            gc.freeze()
        return roots
    finally:
        if was_enabled:
            gc.enable()


#: the largest literal block scalar read as YAML of its own (an Argo CD Application's values)
MAX_EMBEDDED = 256 * 1024


def embedded_mappings(model: YamlModel, node) -> list:
    """The mappings a literal block scalar (``|``) holds as YAML of its own (an Argo CD
    Application's ``helm.values: |``), every node's marks moved to where its text stands in the
    file, so spans and lines are the file's; none when the scalar is another style, larger than
    ``MAX_EMBEDDED``, or not YAML."""
    import yaml

    if not is_scalar(node) or node.style != "|":
        return []
    lines = model.scalar_lines(node)
    if not lines or sum(len(t) + 1 for t, _l, _c in lines) > MAX_EMBEDDED:
        return []
    text = "\n".join(t for t, _l, _c in lines) + "\n"
    try:
        _check_flow_depth(text)
        check_expansion(roots := compose(text))
    except (yaml.YAMLError, RecursionError, ParseError, ValueError):
        return []
    last = lines[-1][1]  # (an end mark past the last line: the line after it, as in the file)

    def moved(mark):
        line, col = (lines[mark.line][1] - 1, lines[mark.line][2] - 1 + mark.column) if mark.line < len(lines) \
            else (last, 0)
        return yaml.Mark(model.source.path, 0, line, col, None, None)

    todo, seen = list(roots), set()
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue  # (an alias: one node, moved once)
        seen.add(id(n))
        n.start_mark, n.end_mark = moved(n.start_mark), moved(n.end_mark)
        if n.id == "mapping":
            todo.extend(x for kv in n.value for x in kv)
        elif n.id == "sequence":
            todo.extend(n.value)
    return [r for r in roots if is_map(r)]


def parse_facts_only(source) -> YamlModel:
    """``parse`` for a file read for the project model's facts only (a Home Assistant add-on's
    ``config.json``): one YAML cannot read (a JSON surrogate-pair escape, a key over 1,024
    characters) is a notice, not a parse error: nothing is lost but its facts."""
    try:
        return parse(source)
    except ParseError as e:
        raise SkipFile("AL001", f"read for the project model only, and not readable as YAML: {e}", e.line, e.col,
                       group="AL001:facts-only", summary="{count} files read for facts only could not be read") from None


def parse(source) -> YamlModel:
    text = source.text
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.translate(_ODD_BREAKS)
    templated = _TEMPLATE_RE.search(text) if "{{" in text else None
    chart = None if source.rendered else _chart_template(source)
    if chart is not None:
        skip = _skip(text, templated)
        skip.group = f"AL003:{chart}"  # a chart's templates are one line in the human formats
        skip.summary = (f"{chart}: {{count}} templates of this Helm chart are not linted (lint what they render: "
                        "helm template ... | archlint check --stdin-filename rendered.yaml -)")
        raise skip
    if chart is None and not source.rendered and "files" in source.path.replace(os.sep, "/").split("/")[:-1] \
            and _chart_file(source):
        raise SkipFile("AL003", "a Helm chart's file, linted as its templates render it", quiet=True)
    ytt = _YTT_RE.search(text) if "#@" in text else None
    if ytt is None and ".ftl." in os.path.basename(source.path):  # (FreeMarker's, by name: argocd.ftl.yaml)
        ytt = _FTL_RE.search(text) if "<#" in text or "</#" in text else None
    if ytt is not None:
        raise _loose_template(text, ytt, source)
    _check_flow_depth(text)
    import yaml

    big = len(text) >= FREEZE_ABOVE
    try:
        roots = compose(text, freeze=big)
    except yaml.YAMLError as e:
        templated = templated or (_PLACEHOLDER_RE.search(text) or _placeholder_at(e, text) if "{" in text else None) \
            or (_placeholder_at(e, text, _AT_PLACEHOLDER_RE, anywhere=True) if "@" in text else None) \
            or (_placeholder_at(e, text, _PERCENT_PLACEHOLDER_RE, anywhere=True) if "%" in text else None) \
            or (_placeholder_at(e, text, _BRACKET_PLACEHOLDER_RE) if "[" in text else None) \
            or (_ANGLE_LINE_RE.search(text) if "<" in text else None) \
            or (_placeholder_at(e, text, _COMMAND_OUTPUT_RE, anywhere=True, before=1) if "$(" in text else None) \
            or (_FTL_RE.search(text) if "<#" in text or "</#" in text else None)
        if templated:
            raise _loose_template(text, templated, source) from None
        if text.lstrip(" \t\n").startswith(("```", "~~~")):
            # gloo's docs/content/.../test-no-auth-vs.yaml, which Hugo's readfile includes as Markdown
            raise SkipFile("AL001", "a Markdown code block (its first line is a ``` fence) in a file named like YAML:"
                           " not linted", 1, 1, group="AL001:fenced",
                           summary="{count} files named like YAML are Markdown code blocks (``` fences): not linted") \
                from None
        if (getattr(e, "problem", None) or "").startswith("found undefined alias") and not _ANCHOR_NAME_RE.search(text):
            # pgm95's stacks/*/compose.yml: `<<: *logging`, whose anchor is in stacks/_shared/anchors.yml,
            # put before each file by its deploy tool; no YAML tool reads such a file alone (a file with
            # anchors of its own and an alias none of them defines has a typo: an error)
            err = _parse_error(e, text, source)
            raise SkipFile("AL001", f"{err.message}: a part of a YAML file another file's anchors complete (put"
                           " together before use), not linted", err.line, err.col, group="AL001:alias",
                           summary="{count} YAML files use an alias no anchor of theirs defines (parts other files"
                                   " complete): not linted") from None
        raise _parse_error(e, text, source) from None
    except RecursionError:
        if templated:
            raise _loose_template(text, templated, source) from None
        raise ParseError("nesting too deep", 1, 1) from None
    if templated is not None and _mapping_key(roots):
        raise _loose_template(text, templated, source)
    if "&" in text and "*" in text and _ANCHOR_RE.search(text) and _ALIAS_RE.search(text):
        try:
            check_expansion(roots)
        except ParseError:
            if big:
                import gc

                gc.unfreeze()  # the refused nodes may form a cycle: let the collector have them
            raise
    model = YamlModel(source, roots)
    if big:
        import gc
        import weakref

        weakref.finalize(model, gc.unfreeze)
    return model


def _parse_error(e, text: str, source) -> ParseError:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None)
    context = getattr(e, "context", None)
    if problem:
        msg = problem + (f" ({context})" if context else "")
    else:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
    bom = 1 if text.startswith("\ufeff") else 0
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1 + (bom if mark.line == 0 else 0)
        # libyaml can point one line past the end of a file without a final newline: the end of
        # the file is the position a reader can find
        lines = source.lines if source is not None else text.split("\n")
        if line > len(lines):
            line, col = len(lines), len(lines[-1]) + 1
        else:
            col = min(col, len(lines[line - 1]) + 1)
        return ParseError(msg, line, col)
    pos = getattr(e, "position", None)  # yaml.ReaderError: a character YAML does not allow
    if isinstance(pos, int):
        pos = min(pos, len(text))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        return ParseError(f"{getattr(e, 'reason', msg)} (character {getattr(e, 'character', '?')!r})", line, col)
    return ParseError(msg, 1, 1)
