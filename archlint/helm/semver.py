"""Masterminds/semver v3 constraints as ``semverCompare`` checks them."""
from __future__ import annotations

import re

_SEMVER = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?")
_CONSTRAINT = re.compile(r"(=>|=<|>=|<=|!=|~>|[=<>~^])?\s*(v?[0-9xX*]+(?:\.[0-9xX*]+)?(?:\.[0-9xX*]+)?"
                         r"(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)")


def parse_version(s: str):
    """(major, minor, patch, prerelease) of a semver (missing parts 0); None if not one."""
    m = _SEMVER.fullmatch(s.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0), m.group(4) or ""


def _pre_key(pre: str):
    if not pre:
        return (1,)
    parts = []
    for p in pre.split("."):
        parts.append((0, int(p), "") if p.isdigit() else (1, 0, p))
    return (0, tuple(parts))


def _vkey(v):
    return v[0], v[1], v[2], _pre_key(v[3])


def _bump(parts: list, wild_at: int):
    """The lowest version above every version matching the wildcard at ``wild_at``."""
    if wild_at == 0:
        return None  # * : no upper bound
    out = parts[:wild_at]
    out[-1] += 1
    return tuple(out + [0] * (3 - len(out))) + ("",)


def _one(op: str, text: str, v) -> bool:
    raw = text.lstrip("v")
    core, _, pre = raw.partition("-")
    core = core.partition("+")[0]
    nums = core.split(".")
    wild_at = next((i for i, n in enumerate(nums) if n in ("x", "X", "*")), len(nums) if len(nums) < 3 else None)
    parts = [int(n) for n in nums[:wild_at if wild_at is not None else 3]]
    c = tuple(parts + [0] * (3 - len(parts))) + (pre,)
    # a prerelease version matches only constraints that name a prerelease
    if v[3] and not c[3]:
        return False
    if op in ("", "="):
        if wild_at is None:
            return _vkey(v) == _vkey(c)
        hi = _bump(parts, wild_at) if parts else None
        return _vkey(v) >= _vkey(c) and (hi is None or _vkey(v) < _vkey(hi))
    if op == "!=":
        return not _one("=", text, v)
    if op in (">", ):
        if wild_at is not None and parts:
            return _vkey(v) >= _vkey(_bump(parts, wild_at))
        return _vkey(v) > _vkey(c)
    if op in (">=", "=>"):
        return _vkey(v) >= _vkey(c)
    if op == "<":
        return _vkey(v) < _vkey(c)
    if op in ("<=", "=<"):
        if wild_at is not None and parts:
            return _vkey(v) < _vkey(_bump(parts, wild_at))
        return _vkey(v) <= _vkey(c)
    if op in ("~", "~>"):
        hi = (c[0] + 1, 0, 0, "") if len(parts) < 2 else (c[0], c[1] + 1, 0, "")
        return _vkey(v) >= _vkey(c) and _vkey(v) < _vkey(hi)
    if op == "^":
        if c[0] > 0 or len(parts) < 2:
            hi = (c[0] + 1, 0, 0, "")
        elif c[1] > 0 or len(parts) < 3:
            hi = (0, c[1] + 1, 0, "")
        else:
            hi = (0, 0, c[2] + 1, "")
        return _vkey(v) >= _vkey(c) and _vkey(v) < _vkey(hi)
    raise ValueError(f"improper constraint: {op}{text}")


def semver_match(constraint: str, version: str) -> bool:
    """Masterminds/semver v3 ``Constraints.Check``: ``||`` between groups, ``,`` or blanks
    between the constraints of a group, ``a - b`` ranges, ``~ ^ x *``; a prerelease version
    matches only where the constraint names a prerelease (``>=1.19-0``)."""
    v = parse_version(version)
    if v is None:
        raise ValueError(f"invalid semantic version: {version!r}")
    if len(constraint) > 1000:
        raise ValueError("constraint too long")
    for group in constraint.split("||"):
        group = re.sub(r"\s+-\s+", " - ", group.strip())
        items: list = []
        for piece in group.split(","):
            piece = piece.strip()
            if " - " in piece:
                lo, _, hi = piece.partition(" - ")
                items += [(">=", lo.strip()), ("<=", hi.strip())]
                continue
            pos = 0
            while pos < len(piece):
                if piece[pos] == " ":
                    pos += 1
                    continue
                m = _CONSTRAINT.match(piece, pos)
                if not m:
                    raise ValueError(f"improper constraint: {piece}")
                items.append((m.group(1) or "", m.group(2)))
                pos = m.end()
        if items and all(_one(op, text, v) for op, text in items):
            return True
    return False
