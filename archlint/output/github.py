"""``--output-format github``: GitHub Actions workflow commands, one annotation per finding::

    ::error file=Dockerfile,line=1,col=6,endLine=1,endColumn=19,title=DF001::Image ... latest

error -> ``::error``, warning -> ``::warning``, info -> ``::notice``.  Notices (AL001 ...) are
annotated like findings; suppressed findings are left out.  A file whose name holds control
characters cannot be named in ``file=``: its annotation carries no location and its message starts
with the escaped name.

Escaping follows the runner's rules: in the message ``%``, CR and LF become ``%25``, ``%0D``,
``%0A``; in property values ``:`` and ``,`` also become ``%3A`` and ``%2C``.  Text taken from
linted files could still carry other control characters (ESC for ANSI sequences, NUL, bidi
overrides, U+2028...), which the log viewer would render or that could confuse line splitting:
those are shown escaped as ``\\xNN`` / ``\\uNNNN``, so a file cannot forge an annotation or
workflow command of its own.

``file=`` is relative to ``$GITHUB_WORKSPACE`` in a workflow (the runner reads a relative path
from the repository's checkout), else to the folder archlint runs in.
"""
from __future__ import annotations

import re

from ..model import Severity
from . import findings_with_notices, path_shower

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

# C0 controls except TAB and CR/LF (percent-escaped below), DEL, C1, line/paragraph separators,
# bidi embeddings/overrides/isolates, BOM/zero-width no-break space.
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _visible(text: str) -> str:
    def rep(m: re.Match) -> str:
        c = ord(m.group(0))
        return "\\x%02x" % c if c < 0x100 else "\\u%04x" % c

    return _CTRL.sub(rep, text)


def escape_data(text: str) -> str:
    """Escape an annotation message."""
    return _visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape an annotation property value (file, title ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f, path: str | None = None) -> str:
    """The workflow command of finding ``f``; ``path``: its file as printed (default ``f.path``)."""
    path = f.path if path is None else path
    sp = f.span
    line, col = max(1, sp.line), max(1, sp.col)
    end_line, end_col = sp.end_line, sp.end_col
    if (end_line, end_col) <= (line, col):
        end_line, end_col = line, col + 1
    props = [
        ("file", path),
        ("line", str(line)),
        ("col", str(col)),
        ("endLine", str(end_line)),
        ("endColumn", str(end_col)),
        ("title", f.rule_id),
    ]
    message = f.message
    if not path:  # a notice about no file in particular
        props = props[-1:]
    elif _CTRL.search(path) or "\r" in path or "\n" in path:
        # the runner cannot carry this name in ``file=``: a file-less annotation naming it
        props = props[-1:]
        message = f"{path}:{line}:{col}: {message}"
    body = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMAND[f.severity]} {body}::{escape_data(message)}"


def render(run, opts) -> str:
    show = path_shower(run, getattr(opts, "cwd", None))
    out = [annotation(f, show(f.path)) for f in findings_with_notices(run, include_suppressed=False, show=show, grouped=True)]
    return "\n".join(out) + "\n" if out else ""
