"""The catalogue of the Python rules: the entries of the ``python-apis`` rule pack
(``rules/python-apis.yaml`` plus the user's ``rule-packs``), indexed by what the analyser looks
up (references, calls, attribute and method names, top-level modules)."""
from __future__ import annotations

from ...registry import on_new_run
from .versions import minor, norm_pkg, ver

PACK_TYPE = "python-apis"


class Entry:
    __slots__ = (
        "name", "kind", "since", "dep", "package", "is_python", "match", "types", "returned_by",
        "missing", "keyword", "replacement", "fix", "fix_safe", "message", "root", "attr",
        "since_text", "dep_text", "provided_by", "property",
    )

    def __init__(self, raw: dict):
        self.name = raw["name"]
        self.kind = raw["kind"]
        self.package = raw["package"]
        self.is_python = raw["package"].lower() == "python"
        conv = minor if self.is_python else ver
        self.since_text = str(raw["since"])
        self.since = conv(self.since_text)
        self.dep_text = str(raw["deprecated-since"]) if raw.get("deprecated-since") else None
        self.dep = conv(self.dep_text) if self.dep_text else None
        self.match = raw.get("match", "reference")
        self.property = bool(raw.get("property"))  # a call .attr(...) is another API of that name
        owner = self.name.rsplit(".", 1)[0]
        self.types = tuple(raw.get("types") or (owner,))
        self.returned_by = tuple(raw.get("returned-by") or ())
        self.missing = raw.get("missing-argument")
        self.keyword = raw.get("keyword-argument")
        self.replacement = raw["replacement"]
        # fix-safety: safe (a drop-in: applied by --fix), unsafe (only with --unsafe-fixes; the
        # default), none (no fix, the replacement is only shown)
        safety = raw.get("fix-safety", "unsafe")
        self.fix = raw.get("fix") if safety != "none" else None
        self.fix_safe = safety == "safe"
        self.message = raw["message"].strip()
        self.provided_by = tuple(norm_pkg(p) for p in raw.get("provided-by") or ())
        self.root = self.name.split(".", 1)[0]
        self.attr = self.name.rsplit(".", 1)[-1]

    @property
    def label(self) -> str:
        if self.match == "call" and self.missing:
            return f"`{self.name}()` without `{self.missing['keyword']}`"
        if self.match == "call" and self.keyword:
            return f"the `{self.keyword}` argument of `{self.name}()`"
        return f"`{self.name}`"


class Catalogue:
    def __init__(self, raw_entries):
        self.refs: dict[str, list[Entry]] = {}
        self.calls: dict[str, list[Entry]] = {}
        self.attrs: dict[str, list[Entry]] = {}
        self.methods: dict[str, list[Entry]] = {}
        self.roots: set[str] = set()
        self.members: set[str] = set()  # attribute names of attribute/method entries
        for raw in raw_entries:
            e = Entry(raw)
            self.roots.add(e.root)
            if e.match == "call":
                self.calls.setdefault(e.name, []).append(e)
                continue
            self.refs.setdefault(e.name, []).append(e)
            if e.match == "attribute":
                self.attrs.setdefault(e.attr, []).append(e)
                self.members.add(e.attr)
            elif e.match == "method":
                self.methods.setdefault(e.attr, []).append(e)
                self.members.add(e.attr)
                for t in e.types + e.returned_by:
                    self.roots.add(t.split(".", 1)[0])


_catalogues: dict[tuple, Catalogue] = {}


def clear_catalogues() -> None:
    """Forget the indexed packs (a user pack may have changed before the next run)."""
    _catalogues.clear()


on_new_run(clear_catalogues)


def catalogue(rule_packs=()) -> Catalogue:
    key = tuple(rule_packs)
    hit = _catalogues.get(key)
    if hit is None:
        from ...packs import load_pack

        hit = _catalogues[key] = Catalogue(load_pack(PACK_TYPE, key))
    return hit

