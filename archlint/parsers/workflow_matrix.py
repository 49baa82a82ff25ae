"""The rows of a GitHub Actions job's ``strategy.matrix``, and ``${{ matrix.x }}`` references
replaced by a row's values: a ``docker/build-push-action`` step whose inputs name matrix values
is one build per row (``file: ${{ matrix.component.dockerfile }}``)."""
from __future__ import annotations

import re

#: ``${{ matrix.file_tag.file }}``: a reference to a value of the job's matrix row
_MATRIX_REF = re.compile(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*\}\}")
#: more rows than this and a job's matrix is not expanded (its references stay unknown)
MAX_MATRIX_ROWS = 64


def _plain(node, depth: int = 0):
    """A YAML node as plain values (str, dict, list); None for null or too deep."""
    from .yamldoc import is_map, is_seq, items, pairs, scalar

    if depth > 8:
        return None
    if is_map(node):
        return {k.value: _plain(v, depth + 1) for k, v in pairs(node)}
    if is_seq(node):
        return [_plain(v, depth + 1) for v in items(node)]
    return scalar(node)


def matrix_rows(job) -> list | None:
    """The rows of a workflow job's ``strategy.matrix`` as GitHub runs them: the product of its
    lists, less the ``exclude`` entries, with each ``include`` entry added to every row whose
    original values it does not change, or as a row of its own when it fits none.  None when the
    job has no matrix, when the matrix (or one of its lists) is an expression such as
    ``${{ fromJson(...) }}``, or when it has more than MAX_MATRIX_ROWS rows."""
    from .yamldoc import is_map, path

    m = path(job, "strategy", "matrix")
    if not is_map(m):
        return None
    spec = _plain(m)
    include = spec.pop("include", None) or []
    exclude = spec.pop("exclude", None) or []
    if not isinstance(include, list) or not isinstance(exclude, list) \
            or any(not isinstance(v, list) for v in spec.values()):
        return None
    rows: list = [{}] if spec else []
    for key, vals in spec.items():
        rows = [{**r, key: v} for r in rows for v in vals]
        if len(rows) > MAX_MATRIX_ROWS:
            return None
    for ex in exclude:
        if isinstance(ex, dict):
            rows = [r for r in rows if not _part_of(ex, r)]
    base = list(rows)
    for inc in include:
        if not isinstance(inc, dict):
            continue
        fitted = False
        for r in base:
            if all(r[k] == v for k, v in inc.items() if k in spec):
                r.update(inc)
                fitted = True
        if not fitted:
            rows.append(dict(inc))
        if len(rows) > MAX_MATRIX_ROWS:
            return None
    return rows


def _part_of(ex, value) -> bool:
    """Whether an ``exclude`` entry matches a row's value: a map matches where each of its keys
    matches (``image: {name: kfp-metadata-writer}`` excludes that image's rows, whatever else
    its map holds); anything else by equality."""
    if isinstance(ex, dict):
        return isinstance(value, dict) and all(k in value and _part_of(v, value[k]) for k, v in ex.items())
    return ex == value


def with_row(text: str | None, row: dict | None) -> str | None:
    """``text`` with its ``${{ matrix.x.y }}`` references replaced by the row's values; one that
    the row lacks, or that names a list or a map, stays (an unknown)."""
    if text is None or row is None or "matrix" not in text:
        return text

    def one(m: re.Match) -> str:
        v = row
        for part in m.group(1).split("."):
            v = v.get(part) if isinstance(v, dict) else None
        return v if isinstance(v, str) else m.group(0)

    return _MATRIX_REF.sub(one, text)


__all__ = ["MAX_MATRIX_ROWS", "matrix_rows", "with_row"]
