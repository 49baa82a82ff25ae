"""Facts read back from the cache are untrusted input: ``check`` accepts only the shape
``facts.extract`` writes (see ``facts``)."""
from __future__ import annotations


_S, _OS, _B, _SPAN, _OSL, _SL, _I = "s", "s?", "b", "span", "sl?", "sl", "i"
_SHAPES = {
    "builds": {"span": _SPAN, "tool": _S, "file": _OS, "context": _OS, "bases": _SL, "platforms": _OSL,
               "host": _OS, "tags": _SL, "push": _B, "local": _B, "stage": _OS, "args": _SL, "dynamic_args": _SL},
    "aliases": {"src": _S, "dst": _S},
    "deploys": {"span": _SPAN, "image": _S, "arch": _OSL, "from": _OS, "via": _S},
    "froms": {"span": _SPAN, "image": _S, "stage": _I, "pinned": _B},
    "overrides": {"span": _SPAN, "name": _S, "image": _S},
    "slots": {"span": _SPAN, "slot": _S},
    "bakes": {"span": _SPAN, "files": _SL, "bases": _SL, "platforms": _OSL, "push": _B},
    "tilt": {"names": _SL, "paths": _SL},
    "go_arm": {"span": _SPAN, "stage": _S},
}
#: keys an entry may leave out (written only by the producers that know them)
_OPTIONAL = {"builds": {"contexts": _SL, "floating_args": _SL}, "aliases": {"list": _B}}


#: facts that are lists of strings
_STRING_LISTS = frozenset(("pushed", "sent", "calls", "callee", "retags", "rewrites", "piped", "includes", "args", "replaced", "anchored",
                           "anchors", "loaded", "present", "never", "defaulted", "cloned", "floating_args",
                           "make_sets", "make_latest", "make_named", "gitops", "flux", "flux_apis", "flux_served", "kube"))


def _str(v) -> bool:
    return type(v) is str


def _ostr(v) -> bool:
    return v is None or type(v) is str


def _bool(v) -> bool:
    return type(v) is bool


def _int(v) -> bool:
    return type(v) is int


def _span_ok(v) -> bool:
    return type(v) is list and len(v) == 4 and type(v[0]) is int and type(v[1]) is int and type(v[2]) is int \
        and type(v[3]) is int


def _strs(v) -> bool:
    return type(v) is list and all(type(x) is str for x in v)


def _ostrs(v) -> bool:
    return v is None or _strs(v)


_CHECK = {_S: _str, _OS: _ostr, _B: _bool, _I: _int, _SPAN: _span_ok, _SL: _strs, _OSL: _ostrs}
#: per fact kind: its keys and (key, checker) pairs, built once
_CHECKERS = {k: (shape.keys(), [(f, _CHECK[t]) for f, t in shape.items()],
                 [(f, _CHECK[t]) for f, t in _OPTIONAL.get(k, {}).items()]) for k, shape in _SHAPES.items()}


def _ok(v, t: str) -> bool:
    return _CHECK[t](v)


def check(value) -> dict | None:
    """``value`` if it has the shape ``extract`` writes, else ValueError."""
    if value is None:
        return None
    if type(value) is not dict:
        raise ValueError("facts: not a mapping")
    for key, items_ in value.items():
        if key == "makes":
            if type(items_) is not dict or items_.keys() != {"files", "bases"} or not _ok(items_["files"], _SL) \
                    or not _ok(items_["bases"], _SL):
                raise ValueError("facts: bad makes")
            continue
        if key == "kustomize":
            if type(items_) is not dict or items_.keys() - {"transformers", "imageless", "component"} != {"resources", "patches"} \
                    or items_.get("component", True) is not True \
                    or not _ok(items_["resources"], _SL) or not _ok(items_["patches"], _SL) \
                    or not _ok(items_.get("transformers", []), _SL) or not _ok(items_.get("imageless", []), _SL):
                raise ValueError("facts: bad kustomize")
            continue
        if key == "pin":
            if type(items_) is not dict or items_.keys() - {"files"} != {"platform", "args", "chain"} \
                    or "files" in items_ and (items_["files"] is not True or items_["platform"] is not None
                                              or items_["args"] or items_["chain"]) \
                    or not _ok(items_["platform"], _OS) or not _ok(items_["args"], _SL) or not _ok(items_["chain"], _SL):
                raise ValueError("facts: bad pin")
            continue
        if key == "target_stages":
            if type(items_) is not list or not all(type(it) is list and len(it) == 2 and all(
                    type(x) is int for x in it) for it in items_):
                raise ValueError("facts: bad target_stages")
            continue
        if key == "final":
            if not _ok(items_, _S):
                raise ValueError("facts: bad final")
            continue
        if key in ("unread", "tag_release", "addon_builder", "builder_runs", "flux_components", "kube_apis"):
            if items_ is not True:
                raise ValueError(f"facts: bad {key}")
            continue
        if key == "generated":
            if type(items_) is not list or not all(
                    type(it) is list and len(it) == 2 and _ok(it, _SL) for it in items_):
                raise ValueError("facts: bad generated")
            continue
        if key in _STRING_LISTS:
            if not _ok(items_, _SL):
                raise ValueError(f"facts: bad {key}")
            continue
        checker = _CHECKERS.get(key)
        if checker is None or type(items_) is not list:
            raise ValueError(f"facts: unexpected {key!r}")
        keys, fields, optional = checker
        for it in items_:
            if type(it) is not dict or it.keys() != keys and it.keys() - _OPTIONAL.get(key, {}).keys() != keys:
                raise ValueError(f"facts: bad {key} entry")
            for k, ok in fields:
                if not ok(it[k]):
                    raise ValueError(f"facts: bad {key}.{k}")
            for k, ok in optional:
                if k in it and not ok(it[k]):
                    raise ValueError(f"facts: bad {key}.{k}")
    return value
