"""What a Helm chart's other files say of a file of it: the newest Kubernetes release the chart
installs on (the upper bound of its ``Chart.yaml`` ``kubeVersion`` constraint: Helm refuses to
install the chart on a cluster outside it), and whether its templates give an image repository a
default."""
from __future__ import annotations

import os
import re

#: the constraint, as Chart.yaml writes it at its top level
_KUBE_VERSION = re.compile(r"^kubeVersion:[ \t]*[\"']?([^\"'\n#]{1,200})", re.M)
#: one comparison of a constraint: ``<1.17.0``, ``<= 1.16``, ``~1.16.0``, ``1.9.0 - 1.16.0`` (its
#: upper end), or a bare version
_UPPER = re.compile(r"(<=?|~>?|\^|-[ \t]+)?[ \t]*v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:-[\w.]*)?")


def chart_upper_bound(abspath: str, depends_on) -> tuple[tuple[int, int], str] | None:
    """((major, minor), constraint) of the newest release the chart of a file under its
    ``templates/`` installs on (IBM's ``ibm-istio-remote``: ``kubeVersion: "1.9.0 - 1.16.0"``), or
    None: no chart, no constraint, or one without an upper bound.  ``<1.17.0`` gives 1.16; an
    alternative (``||``) without an upper bound gives None.  The Chart.yaml read is reported to
    ``depends_on``."""
    from ...kinds import chart_of

    probes: list = []
    hit = chart_of(abspath, probes)
    depends_on(*probes)
    if hit is None:
        return None
    from ...source import read_regular

    try:  # (a FIFO so named is not read: it would block the run)
        text = read_regular(os.path.join(hit[0], "Chart.yaml"), 1 << 16)[:1 << 16].decode("utf-8", "replace")
    except OSError:
        return None
    m = _KUBE_VERSION.search(text)
    if m is None:
        return None
    constraint = m.group(1).strip()
    best = None
    for alt in constraint.split("||")[:8]:
        upper = None
        for c in _UPPER.finditer(alt):
            op, major, minor, patch = c.group(1), int(c.group(2)), int(c.group(3)), c.group(4)
            op = (op or "").strip()
            if op == "<":  # (<1.17.0: the last 1.16; <1.17.3: 1.17 itself)
                v = (major, minor - 1) if (patch in (None, "0") and minor > 0) else (major, minor)
            elif op in ("<=", "-", "~", "~>"):
                v = (major, minor)
            else:
                continue
            upper = v if upper is None else min(upper, v)
        if upper is None:
            return None  # (an alternative open upwards)
        best = upper if best is None else max(best, upper)
    return (best, constraint) if best is not None else None


#: a template giving an image repository a default (``{{ .Values.image.repository | default "ghcr.io/acme/app" }}``,
#: ``{{ default "x" .Values.image.repository }}``)
_REPOSITORY_DEFAULT = re.compile(r"\.repository\b[^}\n]{0,120}?\|[ \t]*default\b|\bdefault\b[^}\n]{0,120}?\.repository\b")
#: at most this many templates, of this many bytes each, are read
_MAX_TEMPLATES = 64
_MAX_TEMPLATE = 1 << 18


def templates_default_repository(values_abspath: str, depends_on) -> bool:
    """Whether a template of the chart whose values file is at ``values_abspath`` gives an image
    repository a default: an empty ``repository:`` in the values is then no slot the user fills
    but the template's default image.  The folder and files read are reported to ``depends_on``."""
    from ...source import folder_entries, read_regular

    todo, paths = [(os.path.join(os.path.dirname(values_abspath), "templates"), 0)], []
    while todo and len(paths) < _MAX_TEMPLATES:  # (templates/ and its folders, four deep at most)
        folder, depth = todo.pop()
        depends_on(folder)
        for name, is_dir in folder_entries(folder):
            if is_dir and depth < 4:
                todo.append((os.path.join(folder, name), depth + 1))
            elif not is_dir:
                paths.append(os.path.join(folder, name))
    for path in paths[:_MAX_TEMPLATES]:
        depends_on(path)
        try:
            text = read_regular(path, _MAX_TEMPLATE)[:_MAX_TEMPLATE].decode("utf-8", "replace")
        except OSError:
            continue
        if "default" in text and _REPOSITORY_DEFAULT.search(text):
            return True
    return False


def repository_defaulted(ctx) -> bool:
    """``templates_default_repository`` for the values file linted in ``ctx``, once a file (a
    release's values in a manifest, a Flux HelmRelease's, have no chart's templates beside them)."""
    return ctx.kind == "helm-values" and bool(ctx.source.abspath) and ctx.cached("k8s.repository_defaulted", lambda: templates_default_repository(
        ctx.source.abspath, ctx.depends_on))
