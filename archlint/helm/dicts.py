"""Sprig's dict functions (``dict``, ``get``, ``set``, ``hasKey``, ``keys``, ``pick``, ``dig``,
``merge``...), registered in ``functions.FUNCTIONS`` as Helm calls them.  A map parameter given
nil is an empty map, as Go passes it; a key an ``OpenVDict`` (a dependency's values archlint
could not read) does not hold is unknown.  Sprig's ``any``/``all`` of values live here too."""
from __future__ import annotations

from .evaluate import UNKNOWN, FilesMap, OpenVDict
from .functions import empty, fn
from .gofmt import strval


@fn("dict", unknowns=True)
def _dict(ex, a, line):
    out = {}
    for i in range(0, len(a), 2):
        k = a[i]
        if k is UNKNOWN:
            return UNKNOWN
        out[strval(k)] = a[i + 1] if i + 1 < len(a) else ""
    return out


def _map(v, name: str) -> dict:
    """A map argument as Go's text/template passes it: nil (a key no values file sets) is an empty
    map, not an error (temporal's ``hasKey (get $datastores "default") "sql"`` with ``default:``
    left empty); anything else that is not a map fails the template as in Helm."""
    if v is None:
        return {}
    if not isinstance(v, dict) or isinstance(v, FilesMap):  # .Files.Glob's set is no map of values
        raise TypeError(f"{name}: not a dict")
    return v


@fn("get", arity=(2, 2))
def _get(ex, a, line):
    d, k = _map(a[0], "get"), strval(a[1])
    return UNKNOWN if k not in d and isinstance(d, OpenVDict) else d.get(k, "")


@fn("set", unknowns=True, arity=(3, 3), mutates=True)
def _set(ex, a, line):
    d, k, v = a
    if d is UNKNOWN or k is UNKNOWN:
        return UNKNOWN
    if d is None:
        raise TypeError("set: assignment to entry in nil map")  # as Go panics
    _map(d, "set")[strval(k)] = v
    return d


@fn("unset", arity=(2, 2), mutates=True)
def _unset(ex, a, line):
    d = _map(a[0], "unset")
    d.pop(strval(a[1]), None)
    return d


@fn("hasKey", arity=(2, 2))
def _has_key(ex, a, line):
    d, k = _map(a[0], "hasKey"), strval(a[1])
    return UNKNOWN if k not in d and isinstance(d, OpenVDict) else k in d


@fn("keys", unknowns=True, arity=(1, 99))
def _keys(ex, a, line):
    if any(d is UNKNOWN for d in a):
        return UNKNOWN
    out = []
    for d in a:
        out.extend(sorted(_map(d, "keys")))  # Sprig's order is Go's random map order: sorted here
    return out


@fn("pick", arity=(1, 99))
def _pick(ex, a, line):
    names = {strval(x) for x in a[1:]}
    return {k: v for k, v in _map(a[0], "pick").items() if k in names}


@fn("omit", arity=(1, 99))
def _omit(ex, a, line):
    names = {strval(x) for x in a[1:]}
    return {k: v for k, v in _map(a[0], "omit").items() if k not in names}


@fn("pluck", unknowns=True, arity=(1, 99))
def _pluck(ex, a, line):
    k = a[0]
    if k is UNKNOWN:
        return UNKNOWN
    out = []
    for d in a[1:]:
        if d is UNKNOWN:
            return UNKNOWN
        if isinstance(d, dict) and strval(k) in d:
            out.append(d[strval(k)])
    return out


@fn("dig", unknowns=True, arity=(3, 99))
def _dig(ex, a, line):
    *path, default, d = a
    for k in path:
        if d is UNKNOWN or k is UNKNOWN:
            return UNKNOWN
        if isinstance(d, OpenVDict) and strval(k) not in d:
            return UNKNOWN
        if not isinstance(d, dict) or strval(k) not in d:
            return default
        d = d[strval(k)]
    return d


def _merge(dst: dict, src: dict, overwrite: bool, depth: int = 0):
    """mergo.Merge (keep what ``dst`` has) / with overwrite; maps merged recursively."""
    if depth > 100:
        return
    for k, v in src.items():
        if k in dst and isinstance(dst[k], dict) and isinstance(v, dict):
            _merge(dst[k], v, overwrite, depth + 1)
        elif k not in dst or (overwrite and not empty(v)) or (not overwrite and empty(dst[k]) and dst[k] is not False):
            dst[k] = v


def _merge_into(a: list, name: str, overwrite: bool):
    dst = _map(a[0], name)
    for src in a[1:]:
        _merge(dst, _map(src, name), overwrite)
    return dst


@fn("merge", "mustMerge", arity=(1, 99), mutates=True)
def _merge_fn(ex, a, line):
    return _merge_into(a, "merge", False)


@fn("mergeOverwrite", "mustMergeOverwrite", arity=(1, 99), mutates=True)
def _merge_overwrite(ex, a, line):
    return _merge_into(a, "mergeOverwrite", True)


# ---- Sprig: any / all -----------------------------------------------------------------------------


def _any_of(a, wanted: bool):
    """Sprig's ``any`` (``wanted`` True: whether some value is not empty) and ``all`` (False:
    whether none is empty); an unknown value decides only when the known ones do not
    (opentelemetry-kube-stack's ``any $enabled (dig ... $collector)``)."""
    unknown = False
    for v in a:
        if v is UNKNOWN:
            unknown = True
        elif (not empty(v)) is wanted:
            return wanted
    return UNKNOWN if unknown else not wanted


@fn("any", unknowns=True)
def _any(ex, a, line):
    return _any_of(a, True)


@fn("all", unknowns=True)
def _all(ex, a, line):
    return _any_of(a, False)
