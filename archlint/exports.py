"""BuildKit exporters as builds name them: a ``--output`` / ``-o`` value of ``docker buildx
build`` and the ``output`` entries of a Bake target (``type=image,push=true``, ``type=registry``,
``type=docker``, a bare path).  The one reading, for the build-command rules, the local-build
judgement and the Bake parser."""
from __future__ import annotations

#: the spellings buildx's boolean attributes accept as true (Go's strconv.ParseBool)
TRUE = frozenset(("1", "t", "T", "true", "TRUE", "True"))


def attrs(value: str) -> dict[str, str]:
    """The exporter's attributes as buildx reads a value: comma-separated ``key=value`` fields
    (keys lower-cased, values as written); a bare path is ``type=local`` with that ``dest``, and
    ``-`` is ``type=tar`` to standard output."""
    if "=" not in value and "," not in value:
        return {"type": "tar" if value == "-" else "local", "dest": value}
    out: dict[str, str] = {}
    for field in value.split(","):
        k, eq, v = field.partition("=")
        if eq:
            out[k.strip().lower()] = v.strip()
    return out


def pushes(a: dict) -> bool:
    """The exporter sends the image to a registry: ``type=registry``, or ``type=image`` with
    ``push=true``."""
    kind = a.get("type", "")
    return kind == "registry" or (kind == "image" and a.get("push", "") in TRUE)


def loads(a: dict) -> bool:
    """The exporter loads the image into the local image store: ``type=docker`` without a
    ``dest`` file."""
    return a.get("type", "") == "docker" and not a.get("dest")
