"""What OLM's and the Operator SDK's generators write: the Dockerfiles a script or recipe builds
after writing them (``opm generate dockerfile DIR``, ``opm index add --generate``, ``operator-sdk
generate bundle``), so their builds are never of a missing file."""
from __future__ import annotations

import functools
import re

#: the program: ``opm``, or a variable naming it (``$(OPM)``, ``${OPM_BIN}``; the lookahead, never
#: taken back, keeps it linear in the name's length)
_OPM = r"(?:\bopm|\$[({]?(?=[A-Za-z_]*OPM)[A-Za-z_]+)[)}]?[ \t]+"
#: ``opm generate dockerfile DIR`` (OLM's catalog tool, often ``$(OPM)``, ``${OPM_BIN}``) writes
#: ``DIR.Dockerfile``
_OPM_DOCKERFILE = re.compile(_OPM + r"generate[ \t]+dockerfile[ \t]+[\"']?([\w./${}()-]+)", re.I)
#: ``opm index add --generate`` writes ``index.Dockerfile`` where it runs (or the ``--out-dockerfile`` it names:
#: cockroachdb's olm_builder.sh, then ``docker buildx build -f index.Dockerfile .``)
_OPM_INDEX = re.compile(_OPM + r"index[ \t]+add\b", re.I)
_GENERATE = re.compile(r"--generate\b")
#: a line end no backslash continues: the end of a shell command line
_LINE_END = re.compile(r"(?<!\\)(?<!\\\r)\n")
_OUT_DOCKERFILE = re.compile(r"(?<![\w-])(?:--out-dockerfile|-d)[ \t=]+[\"']?([\w./-]+)")
#: ``operator-sdk generate bundle`` (often ``$(OPERATOR_SDK)``) writes ``bundle.Dockerfile`` where it runs
_SDK_BUNDLE = re.compile(r"\boperator[-_]sdk\)?\}?[ \t]+generate[ \t]+bundle\b", re.I)


@functools.lru_cache(maxsize=8)
def opm_outputs(text: str) -> frozenset:
    """The Dockerfile names ``opm generate dockerfile DIR``, ``opm index add --generate`` and
    ``operator-sdk generate bundle`` lines of ``text`` write, found once per text (``facts._written``
    is asked once per build of it)."""
    if "generate" not in text:
        return frozenset()
    out = {m.group(1).rstrip("/").rsplit("/", 1)[-1] + ".Dockerfile" for m in _OPM_DOCKERFILE.finditer(text)}
    for line in _LINE_END.split(text) if "index" in text else ():  # (each command line read once)
        m = _OPM_INDEX.search(line)
        if m is not None and _GENERATE.search(line, m.end()):
            named = _OUT_DOCKERFILE.search(line, m.end())
            out.add(named.group(1).rsplit("/", 1)[-1] if named else "index.Dockerfile")
    if _SDK_BUNDLE.search(text):
        out.add("bundle.Dockerfile")  # redis-operator's bundle target, beside its bundle-build
    return frozenset(out)
