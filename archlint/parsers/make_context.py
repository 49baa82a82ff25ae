"""A part of a Makefile read where make reads it: inside the Makefile that includes it.

``make`` never runs ``make/Makefile.container.mk`` alone: the root ``Makefile`` includes it, and
its recipes see the root's variables (kiali's ``QUAY_TAG ?= ${QUAY_NAME}:${CONTAINER_VERSION}``,
set in the root and used by the part's ``docker build -t ${QUAY_TAG}``).  Linted alone, every such
variable is unknown.  So a Makefile part (a Makefile kind not named ``Makefile``, ``makefile`` or
``GNUmakefile``: ``*.mk``, ``Makefile.common``) takes, for the names it does not set itself, the
variables of the first Makefile that includes it, looked for in its folder and the two above
(within the repository): the including Makefile is parsed (its includes read as
``makefile.parse`` reads them: up to 50 files, relative to the including file's folder) and
must have read this very file.  Every Makefile looked at and what it read are inputs of the
result (``model.inputs``), so the result cache sees a change that makes one include the part
or changes its values.  A part no Makefile includes is read alone, as before; so is a part's
``+=`` (its own value only), and the including Makefile's bare ``export NAME``, target-specific
variables and ``.ONESHELL`` are not carried over.
"""
from __future__ import annotations

import os

from . import makefile

#: names ``make`` looks for, in its order: the files that include parts
MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")
#: folders looked in: the part's own and this many above it
UP = 2
#: an including Makefile larger than this is not read
MAX_BYTES = 1 << 20

#: including Makefiles parsed in this process: path -> (it and what it read, their
#: ``source.stat_signatures``, model);
#: the parts of one Makefile (up to 50) share one parse instead of one each
_hosts: dict = {}


def parse(source) -> makefile.MakeModel:
    """``makefile.parse``, then the variables of the Makefile that includes the file, if any."""
    model = makefile.parse(source)
    abspath = getattr(source, "abspath", None)
    if not abspath or os.path.basename(abspath) in MAKEFILE_NAMES or not os.path.isfile(abspath):
        return model
    host = _includer(abspath, model.inputs)
    if host is not None:
        for name, var in host.variables.items():
            if name not in model.variables:
                model.variables[name] = _moved(var, host.source.abspath)
        model._memo.clear()
    return model


def _moved(var, path: str):
    """The including Makefile's own variable, marked as set in another file (no span of the
    part points into it)."""
    if var.path is not None:
        return var
    out = makefile.MakeVar(var.name, var.raw, var.flavor, var.line, var.exported, var.dynamic, path, var.op,
                           var.conditional)
    out.private = var.private
    return out


def _includer(abspath: str, inputs: list):
    """The parsed model of the first Makefile, in the part's folder or up to ``UP`` above it
    (never above the repository's root), that read the part; None when there is none.  Every
    name looked for is appended to ``inputs``."""
    from ..discovery import find_root
    from ..source import DecodeError, Source, decode, read_regular, stat_signatures
    from . import ParseError, SkipFile

    real = os.path.realpath(abspath)
    folder = os.path.dirname(real)
    top = find_root(folder)
    for _ in range(UP + 1):
        for name in MAKEFILE_NAMES:
            path = os.path.join(folder, name)
            inputs.append(path)
            if not os.path.isfile(path):
                continue
            hit = _hosts.get(path)
            if hit is not None and hit[1] == stat_signatures(hit[0]):
                host = hit[2]
            else:
                try:
                    data = read_regular(path, MAX_BYTES)
                    if len(data) > MAX_BYTES:
                        continue
                    host = makefile.parse(Source(path, decode(data)[0], abspath=path))
                except (OSError, ValueError, DecodeError, ParseError, SkipFile, RecursionError):
                    continue
                if len(_hosts) > 256:
                    _hosts.clear()
                read = [path, *host.includes, *host.inputs]
                _hosts[path] = (read, stat_signatures(read), host)
            # what it read may come to include the part: inputs either way
            inputs.extend(host.inputs)
            inputs.extend(host.includes)
            if real in host.includes:
                return host
            break  # make reads the first name it finds in a folder
        if folder == top or os.path.dirname(folder) == folder:
            break
        folder = os.path.dirname(folder)
    return None
