"""Rule packs: YAML catalogues of facts (removed Python APIs, removed Kubernetes API versions ...)
that rules read instead of hard-coding them.

A pack file is one YAML mapping::

    pack: python-apis          # the pack type: which rules read it (a key of SCHEMAS)
    description: ...           # optional
    entries:
      - name: cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2
        kind: never-existed
        ...

Where packs come from
    * the shipped pack ``<type>.yaml``: ``rules/`` at the top of a source checkout, or
      ``archlint/_packs/`` inside an installed wheel (pyproject force-includes ``rules``);
    * user packs: the files named by ``rule-packs`` in the configuration.  Every user pack
      whose top-level ``pack:`` equals the type asked for is appended; an entry whose
      identity (see ``IDENTITY``) equals a shipped entry replaces it.

Validation
    Shipped packs are trusted at run time (validating costs an import of jsonschema on every
    start-up); the test-suite validates them.  User packs are validated when first loaded,
    against ``SCHEMAS[type]`` with jsonschema when it is installed and with the small built-in
    checker below otherwise (it understands exactly the keywords the schemas here use).  A bad
    pack raises ``PackError`` naming the file, the entry (index and name) and the problem.

Everything is cached per process (``clear_cache()`` for long-running hosts such as the
language server).  Callers must not mutate the returned lists or dicts.
"""
from __future__ import annotations

import os
import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib and typing's generics cost start-up; the hot path needs neither
    from collections.abc import Iterable

__all__ = [
    "IDENTITY",
    "PackError",
    "SCHEMAS",
    "check_user_packs",
    "clear_cache",
    "load_pack",
    "read_pack_file",
    "shipped_pack_path",
    "validate_pack",
]


class PackError(Exception):
    """A rule pack that cannot be used.  ``str()`` is the whole message: file, entry, problem."""

    def __init__(self, path: str, message: str, entry: str | None = None):
        where = f"{path}: {entry}: " if entry else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.entry = entry
        self.message = message


# ---- schemas ------------------------------------------------------------------------------

_DOTTED = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
_VERSION = r"^[0-9]+(\.[0-9]+)*$"
_K8S_VERSION = r"^v?[0-9]+\.[0-9]+(\.[0-9]+)?$"

_PYTHON_API_ENTRY = {
    "type": "object",
    "required": ["name", "kind", "since", "package", "replacement", "message", "source"],
    "additionalProperties": False,
    "patternProperties": {"^x-": {}},
    "properties": {
        "name": {"type": "string", "pattern": _DOTTED},
        "kind": {"enum": ["removed", "deprecated", "never-existed"]},
        "since": {"type": "string", "pattern": _VERSION},
        "deprecated-since": {"type": "string", "pattern": _VERSION},
        "package": {"type": "string", "pattern": r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$"},
        "match": {"enum": ["reference", "attribute", "method", "call"]},
        "property": {"type": "boolean"},
        "types": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": _DOTTED}},
        "returned-by": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": _DOTTED}},
        "missing-argument": {
            "type": "object",
            "required": ["keyword", "position"],
            "additionalProperties": False,
            "properties": {
                "keyword": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
                "position": {"type": "integer", "minimum": 0},
                "unless-keywords": {
                    "type": "array",
                    "items": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
                },
            },
        },
        "keyword-argument": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
        "replacement": {"type": "string", "minLength": 1},
        "fix": {"type": "string", "pattern": _DOTTED},
        "fix-safety": {"enum": ["safe", "unsafe", "none"]},
        "fix-reason": {"type": "string", "minLength": 10},
        "fix-safe": {},  # the former boolean: refused with a message naming its successor
        "provided-by": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$"},
        },
        "message": {"type": "string", "minLength": 10},
        "source": {"type": "string", "minLength": 10},
    },
}

_KUBERNETES_API_ENTRY = {
    "type": "object",
    "required": ["apiVersion", "kind", "replacement", "source"],
    "anyOf": [{"required": ["deprecated-in"]}, {"required": ["removed-in"]}],
    "additionalProperties": False,
    "patternProperties": {"^x-": {}},
    "properties": {
        "apiVersion": {"type": "string", "pattern": r"^([a-z0-9.-]+/)?v[0-9]+((alpha|beta)[0-9]+)?$"},
        "kind": {"type": "string", "pattern": r"^[A-Z][A-Za-z0-9]*$"},
        "deprecated-in": {"type": "string", "pattern": _K8S_VERSION},
        "removed-in": {"type": "string", "pattern": _K8S_VERSION},
        "replacement": {"type": "string", "minLength": 1},
        "replacement-available-in": {"type": "string", "pattern": _K8S_VERSION},
        "component": {"type": "string", "minLength": 1},  # flux, or refused: see _semantic_problems
        "message": {"type": "string", "minLength": 10},
        "source": {"type": "string", "minLength": 10},
    },
}


#: a path in a workload-images entry: keys separated by ".", "key[]" for every item of a list
_WORKLOAD_PATH = r"^[A-Za-z_][A-Za-z0-9_-]*(\[\])?(\.[A-Za-z_][A-Za-z0-9_-]*(\[\])?)*$"
_WORKLOAD_PATHS = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": _WORKLOAD_PATH}}

_WORKLOAD_IMAGES_ENTRY = {
    "type": "object",
    "required": ["group", "kind", "source"],
    "anyOf": [{"required": ["containers"]}, {"required": ["images"]}, {"required": ["pod-specs"]},
              {"required": ["values"]}],
    "additionalProperties": False,
    "patternProperties": {"^x-": {}},
    "properties": {
        "group": {"type": "string", "pattern": r"^([a-z0-9]([a-z0-9.-]*[a-z0-9])?)?$"},
        "kind": {"type": "string", "pattern": r"^[A-Z][A-Za-z0-9]*$"},
        "containers": _WORKLOAD_PATHS,
        "images": _WORKLOAD_PATHS,
        "pod-specs": _WORKLOAD_PATHS,
        "values": _WORKLOAD_PATHS,
        "source": {"type": "string", "minLength": 10},
    },
}


_OFFICIAL_IMAGE_ENTRY = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "patternProperties": {"^x-": {}},
    "properties": {
        # a repository path component, as the distribution reference grammar has it
        "name": {"type": "string", "pattern": r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$"},
        "source": {"type": "string", "minLength": 10},
    },
}


_MAX_PACK_BYTES = 32 << 20  # the shipped packs are ~100 KB

def _pack_schema(pack_type: str, entry: dict) -> dict:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"archlint {pack_type} rule pack",
        "type": "object",
        "required": ["pack", "entries"],
        "additionalProperties": False,
        "properties": {
            "pack": {"const": pack_type},
            "description": {"type": "string"},
            "version": {"type": ["string", "integer"]},
            "entries": {"type": "array", "items": entry},
        },
    }


#: pack type -> JSON schema (draft 7) of a whole pack file of that type
SCHEMAS: dict[str, dict] = {
    "python-apis": _pack_schema("python-apis", _PYTHON_API_ENTRY),
    "kubernetes-apis": _pack_schema("kubernetes-apis", _KUBERNETES_API_ENTRY),
    "workload-images": _pack_schema("workload-images", _WORKLOAD_IMAGES_ENTRY),
    "docker-official-images": _pack_schema("docker-official-images", _OFFICIAL_IMAGE_ENTRY),
}

#: pack type -> the entry keys that identify an entry (a user entry with the same identity
#: replaces the shipped one; two entries with the same identity in one file are an error)
IDENTITY: dict[str, tuple[str, ...]] = {
    "python-apis": ("name", "match", "missing-argument", "keyword-argument"),
    "kubernetes-apis": ("apiVersion", "kind"),
    "workload-images": ("group", "kind"),
    "docker-official-images": ("name",),
}

#: how an entry is named in error messages
_ENTRY_LABEL = {"python-apis": ("name",), "kubernetes-apis": ("apiVersion", "kind"),
                "workload-images": ("group", "kind"), "docker-official-images": ("name",)}


def _semantic_problems(pack_type: str, entry: dict) -> list[str]:
    """Checks a JSON schema cannot say clearly (combinations of fields)."""
    out: list[str] = []
    if pack_type == "python-apis":
        match = entry.get("match", "reference")
        if match == "call" and not ("missing-argument" in entry or "keyword-argument" in entry):
            out.append("match: call needs 'missing-argument' or 'keyword-argument'")
        if match != "call" and ("missing-argument" in entry or "keyword-argument" in entry):
            out.append("'missing-argument'/'keyword-argument' only apply to match: call")
        if match not in ("method",) and ("types" in entry or "returned-by" in entry):
            out.append("'types'/'returned-by' only apply to match: method")
        if match != "attribute" and "property" in entry:
            out.append("'property' only applies to match: attribute")
        if match in ("attribute", "method") and entry.get("name", "").count(".") < 2:
            out.append(f"match: {match} needs a name of the form module.Class.attribute")
        if "deprecated-since" in entry and entry.get("kind") != "removed":
            out.append("'deprecated-since' only applies to kind: removed")
        if "fix-safe" in entry:
            out.append("'fix-safe' was replaced by 'fix-safety: safe | unsafe | none' (without it a fix "
                       "is unsafe)")
        for key in ("fix-safety", "fix-reason"):
            if key in entry and "fix" not in entry:
                out.append(f"'{key}' without 'fix'")
        if "deprecated-since" in entry and "since" in entry:
            if _vtuple(entry["deprecated-since"]) > _vtuple(entry["since"]):
                out.append("'deprecated-since' is later than 'since'")
    if pack_type == "kubernetes-apis" and "component" in entry and entry["component"] not in COMPONENTS:
        # accepted by the schema so that the refusal can say why (an entry is judged at
        # kubernetes-version, or at the release of a component archlint knows: Flux)
        out.append(f"'component' {entry['component']} is not supported: archlint judges an entry against "
                   f"kubernetes-version, or a Flux API (component: flux) as Flux's, so an API versioned by another "
                   "project would be reported at the wrong release; leave the entry out (or drop 'component' if "
                   "Kubernetes itself serves the API)")
    return out


#: the projects besides Kubernetes whose API versions a ``kubernetes-apis`` entry may name
#: (``component``): their versions are that project's releases
COMPONENTS = ("flux",)


def _vtuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


# ---- reading ------------------------------------------------------------------------------

_cache: dict = {}
_file_cache: dict[str, dict] = {}


def clear_cache() -> None:
    """Forget every pack read so far (for a language server after a pack file changed)."""
    _cache.clear()
    _file_cache.clear()


def _shipped_dirs() -> list[str]:
    pkg = os.path.dirname(os.path.realpath(__file__))
    return [os.path.join(pkg, "_packs"), os.path.join(os.path.dirname(pkg), "rules")]


def shipped_pack_path(pack_type: str) -> str | None:
    """The shipped pack file of a type (wheel layout first, then the source checkout)."""
    for d in _shipped_dirs():
        p = os.path.join(d, f"{pack_type}.yaml")
        if os.path.isfile(p):
            return p
    return None


def _yaml_load(text: str, path: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise PackError(path, f"invalid YAML{where}: {problem}") from None


def read_pack_file(path: str | os.PathLike) -> dict:
    """Parse one pack file (cached); checks only that it is a mapping with a known ``pack``."""
    key = os.path.abspath(os.fspath(path))
    hit = _file_cache.get(key)
    if hit is not None:
        return hit
    shown = os.fspath(path)

    def parse(p: str):
        from .source import read_regular

        try:
            data = read_regular(p, _MAX_PACK_BYTES)
            if len(data) > _MAX_PACK_BYTES:
                raise PackError(shown, f"rule pack larger than {_MAX_PACK_BYTES >> 20} MiB")
            text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except OSError as e:  # unreadable, or a FIFO or device (never opened to block)
            raise PackError(shown, f"cannot read rule pack: {e.strerror or e}") from None
        except UnicodeDecodeError as e:
            raise PackError(shown, f"not UTF-8 text (byte {e.start})") from None
        return _yaml_load(text, shown)

    from .run import memo

    data = memo.load(key, parse)
    if not isinstance(data, dict):
        raise PackError(shown, "a rule pack must be a mapping with 'pack' and 'entries'")
    kind = data.get("pack")
    if kind not in SCHEMAS:
        raise PackError(
            shown,
            f"'pack' must name a pack type ({', '.join(sorted(SCHEMAS))}), got {kind!r}",
        )
    _file_cache[key] = data
    return data


def _entry_label(pack_type: str, data, index) -> str:
    label = f"entries[{index}]"
    try:
        entry = data["entries"][index]
    except (KeyError, IndexError, TypeError):
        return label
    if isinstance(entry, dict):
        parts = [str(entry[k]) for k in _ENTRY_LABEL.get(pack_type, ()) if k in entry]
        if parts:
            label += f" ({' '.join(parts)})"
    return label


def _describe_path(path_parts) -> tuple[int | None, str]:
    """(entry index, field path inside the entry) from a jsonschema-style error path."""
    parts = list(path_parts)
    if len(parts) >= 2 and parts[0] == "entries" and isinstance(parts[1], int):
        field = ".".join(str(p) for p in parts[2:])
        return parts[1], field
    return None, ".".join(str(p) for p in parts)


def validate_pack(data, path: str | os.PathLike, pack_type: str | None = None) -> None:
    """Validate a parsed pack against its schema and the cross-field rules; raise PackError
    for the first problem (in file order)."""
    shown = os.fspath(path)
    if not isinstance(data, dict):
        raise PackError(shown, "a rule pack must be a mapping with 'pack' and 'entries'")
    pack_type = pack_type or data.get("pack")
    schema = SCHEMAS.get(pack_type)  # type: ignore[arg-type]
    if schema is None:
        raise PackError(shown, f"unknown pack type {pack_type!r} (known: {', '.join(sorted(SCHEMAS))})")
    errors = _schema_errors(data, schema)
    if errors:
        path_parts, message = errors[0]
        index, field = _describe_path(path_parts)
        entry = _entry_label(pack_type, data, index) if index is not None else None
        raise PackError(shown, f"{field + ': ' if field else ''}{message}", entry)
    seen: dict[tuple, int] = {}
    ident = IDENTITY.get(pack_type, ())
    for i, entry in enumerate(data.get("entries") or ()):
        for problem in _semantic_problems(pack_type, entry):
            raise PackError(shown, problem, _entry_label(pack_type, data, i))
        key = _identity(pack_type, entry)
        if key in seen:
            raise PackError(
                shown,
                f"duplicate of entries[{seen[key]}] (same {', '.join(k for k in ident if k in entry or k == 'name')})",
                _entry_label(pack_type, data, i),
            )
        seen[key] = i


def _schema_errors(data, schema) -> list[tuple[list, str]]:
    """(path, message) of schema violations, in document order."""
    try:
        import jsonschema
    except ImportError:
        return _mini_errors(data, schema, [])
    validator = jsonschema.Draft7Validator(schema)
    errs = sorted(validator.iter_errors(data), key=lambda e: [str(p).zfill(8) for p in e.absolute_path])
    out = []
    for e in errs:
        out.append((list(e.absolute_path), _jsonschema_message(e)))
    return out


def _jsonschema_message(e) -> str:
    if e.validator == "additionalProperties" and isinstance(e.instance, dict):
        allowed = set(e.schema.get("properties", {}))
        extra = [k for k in e.instance if k not in allowed and not str(k).startswith("x-")]
        if extra:
            return f"unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})"
    if e.validator == "required":
        return e.message.replace("is a required property", "is required")
    if e.validator == "anyOf" and isinstance(e.schema.get("anyOf"), list):
        keys = [next(iter(s.get("required", ["?"]))) for s in e.schema["anyOf"]]
        return f"needs at least one of {', '.join(keys)}"
    return e.message


# ---- a small JSON-schema checker (the keywords used above), for when jsonschema is absent ----

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
}


def _type_ok(value, t) -> bool:
    if isinstance(t, list):
        return any(_type_ok(value, x) for x in t)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    py = _TYPES.get(t)
    return py is not None and isinstance(value, py)


def _mini_errors(value, schema: dict, path: list) -> list[tuple[list, str]]:
    errs: list[tuple[list, str]] = []
    if "const" in schema and value != schema["const"]:
        errs.append((path, f"{value!r} was expected to be {schema['const']!r}"))
    if "enum" in schema and value not in schema["enum"]:
        errs.append((path, f"{value!r} is not one of {schema['enum']!r}"))
    if "type" in schema and not _type_ok(value, schema["type"]):
        errs.append((path, f"{value!r} is not of type {schema['type']!r}"))
        return errs
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errs.append((path, f"{value!r} is too short"))
        pat = schema.get("pattern")
        if pat and not re.search(pat, value):
            errs.append((path, f"{value!r} does not match {pat!r}"))
    if isinstance(value, int) and not isinstance(value, bool) and "minimum" in schema:
        if value < schema["minimum"]:
            errs.append((path, f"{value!r} is less than the minimum of {schema['minimum']}"))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errs.append((path, f"{value!r} should be non-empty"))
        item_schema = schema.get("items")
        if item_schema:
            for i, item in enumerate(value):
                errs.extend(_mini_errors(item, item_schema, path + [i]))
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errs.append((path, f"{key!r} is required"))
        if "anyOf" in schema:
            if not any(not _mini_errors(value, s, path) for s in schema["anyOf"]):
                keys = [next(iter(s.get("required", ["?"]))) for s in schema["anyOf"]]
                errs.append((path, f"needs at least one of {', '.join(keys)}"))
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key, sub in value.items():
            if key in props:
                errs.extend(_mini_errors(sub, props[key], path + [key]))
            elif any(re.search(p, str(key)) for p in patterns):
                continue
            elif schema.get("additionalProperties") is False:
                errs.append((path, f"unknown key {key!r} (allowed: {', '.join(sorted(props))})"))
    return errs


# ---- loading ------------------------------------------------------------------------------


def _identity(pack_type: str, entry: dict) -> tuple:
    return tuple(repr(entry.get(k, "reference" if k == "match" else None)) for k in IDENTITY.get(pack_type, ()))


def load_pack(pack_type: str, extra_paths: Iterable[str] = ()) -> list[dict]:
    """The entries of a pack type: the shipped pack, then every user pack among
    ``extra_paths`` whose ``pack:`` is ``pack_type`` (validated; PackError if bad).
    Cached per process; do not mutate the result."""
    extra = tuple(os.fspath(p) for p in extra_paths)
    key = (pack_type, extra)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    if pack_type not in SCHEMAS:
        raise PackError(f"<{pack_type}>", f"unknown pack type (known: {', '.join(sorted(SCHEMAS))})")
    entries: list[dict] = []
    shipped = shipped_pack_path(pack_type)
    if shipped is not None:
        data = read_pack_file(shipped)
        entries = list(data.get("entries") or ())
    for path in extra:
        data = read_pack_file(path)
        if data.get("pack") != pack_type:
            continue
        validated = _cache.setdefault(("__valid__", os.path.abspath(path)), False)
        if not validated:
            validate_pack(data, path, pack_type)
            _cache[("__valid__", os.path.abspath(path))] = True
        user = list(data.get("entries") or ())
        replaced = {_identity(pack_type, e) for e in user}
        entries = [e for e in entries if _identity(pack_type, e) not in replaced] + user
    _cache[key] = entries
    return entries


def check_user_packs(paths: Iterable[str]) -> None:
    """Read and validate every user pack (for the CLI at start-up, so a bad pack is a usage
    error with exit code 2 instead of a rule failure later)."""
    for path in paths:
        data = read_pack_file(path)
        validate_pack(data, path)


_indexes: dict = {}


def index_by(entries, *fields) -> dict:
    """``{(entry[f] for f in fields): entry}`` of a pack's (immutable, cached) entry list, built
    once per list."""
    key = (id(entries), fields)
    hit = _indexes.get(key)
    if hit is not None and hit[0] is entries:
        return hit[1]
    index = {tuple(e[f] for f in fields): e for e in entries}
    if len(_indexes) > 64:
        _indexes.clear()
    _indexes[key] = (entries, index)
    return index
