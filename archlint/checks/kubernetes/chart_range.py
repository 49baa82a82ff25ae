"""The newest Kubernetes release a Helm chart installs on: the upper bound of its ``Chart.yaml``
``kubeVersion`` constraint (Helm refuses to install the chart on a cluster outside it)."""
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
    path = os.path.join(hit[0], "Chart.yaml")
    try:
        with open(path, "rb") as fh:
            text = fh.read(1 << 16).decode("utf-8", "replace")
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
