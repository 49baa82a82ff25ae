"""Version arithmetic of the Python rules: version strings as tuples, and the bounds of PEP 440
(and Poetry) specifiers (``requires-python``, requirement pins)."""
from __future__ import annotations

import re


#: the oldest Python release still supported (3.10's end of life was October 2026): without a
#: target version, code may run on any from here to the newest
OLDEST_SUPPORTED = (3, 11)


def ver(text: str) -> tuple[int, ...]:
    """'43.0.1' -> (43, 0, 1); trailing zeros dropped so (43,) == '43.0.0'; suffixes ignored."""
    parts: list[int] = []
    for piece in str(text).strip().lstrip("vV").split("."):
        m = re.match(r"\d+", piece)
        if not m:
            break
        parts.append(int(m.group()))
        if m.end() != len(piece):
            break
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def minor(text_or_tuple) -> tuple[int, int]:
    t = ver(text_or_tuple) if isinstance(text_or_tuple, str) else tuple(text_or_tuple)
    t = tuple(t) + (0, 0)
    return (t[0], t[1])


def show_ver(t) -> str:
    t = tuple(t)
    return ".".join(str(x) for x in (t if len(t) >= 2 else t + (0,) * (2 - len(t))))


def _bump(parts: list[int], index: int) -> tuple[int, ...]:
    out = list(parts[: index + 1]) + [0] * max(0, index + 1 - len(parts))
    out[index] += 1
    return ver(".".join(str(x) for x in out))


_CLAUSE = re.compile(r"^\s*(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*v?([0-9][0-9A-Za-z.*+!_-]*)\s*$")


def upper_bound(spec: str) -> tuple[tuple | None, bool]:
    """Upper bound of a PEP 440 (or Poetry) version specifier: (version, inclusive)."""
    best: tuple[tuple | None, bool] = (None, False)
    for clause in re.split(r"[,|]", spec):
        clause = clause.strip()
        if not clause or clause == "*":
            continue
        m = _CLAUSE.match(clause)
        if not m:
            continue
        op, raw = m.group(1) or "", m.group(2)
        nums = [int(x) for x in re.findall(r"\d+", raw.split("+")[0].split("*")[0])] or [0]
        bound: tuple[tuple | None, bool] = (None, False)
        if raw.endswith("*") and op in ("", "=="):
            bound = (_bump(nums, len(nums) - 1), False)
        elif op in ("==", "===", ""):
            bound = (ver(raw), True)
        elif op == "<":
            bound = (ver(raw), False)
        elif op == "<=":
            bound = (ver(raw), True)
        elif op == "~=":
            bound = (_bump(nums, max(0, len(nums) - 2)), False)
        elif op == "^":
            first = next((i for i, x in enumerate(nums) if x != 0), len(nums) - 1)
            bound = (_bump(nums, first), False)
        elif op == "~":
            bound = (_bump(nums, 1 if len(nums) >= 2 else 0), False)
        if bound[0] is None:
            continue
        if best[0] is None or bound[0] < best[0] or (bound[0] == best[0] and not bound[1]):
            best = bound
    return best


def lower_minor(spec: str) -> tuple[int, int] | None:
    """Lower bound (major, minor) of a requires-python specifier, or None if it has none."""
    best = None
    for clause in re.split(r"[,|]", spec):
        m = _CLAUSE.match(clause.strip())
        if not m:
            continue
        op, raw = m.group(1) or "", m.group(2)
        if op in ("<", "<=", "!="):
            continue
        v = minor(raw.replace("*", "0"))
        if best is None or v > best:
            best = v
    return best


def norm_pkg(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

