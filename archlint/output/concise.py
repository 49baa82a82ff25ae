"""``--output-format concise``: one line per finding, ``path:line:col: ID message``, then the
summary line (see archlint.output.text, which writes both)."""
from __future__ import annotations

from .text import render_concise as render

__all__ = ["render"]
