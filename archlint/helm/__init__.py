"""A static renderer of Helm charts: Go's text/template and the Sprig/Helm functions, evaluated
without running anything; whatever depends on what cannot be known is UNKNOWN.

- ``lexer.py``, ``parser.py``: the template language (every node keeps its line);
- ``evaluate.py``: the evaluator, UNKNOWN, and the output's provenance (``Rendered``,
  ``LineOrigin``, ``ValueRef``);
- ``functions.py``: the functions;
- ``chart.py``: a chart as a unit (values, helpers, subcharts) -> ``Document``\\ s.

Entry points: ``load_chart`` and ``Chart.render``; ``render_text`` for one template's text.
"""
from __future__ import annotations

from .chart import Chart, ChartNotice, Document, RenderResult, load_chart, load_values
from .evaluate import PLACEHOLDER, UNKNOWN, LineOrigin, Rendered, ValueRef
from .lexer import TemplateError

__all__ = ["Chart", "ChartNotice", "Document", "RenderResult", "load_chart", "load_values", "PLACEHOLDER",
           "UNKNOWN", "LineOrigin", "Rendered", "ValueRef", "TemplateError", "render_text"]


def render_text(text: str, values=None, file: str = "template.yaml", defines_text: str = "",
                kube_version=None, api_has=None, placeholder: str = PLACEHOLDER, dot=None):
    """Render one template's ``text`` (with the defines of ``defines_text``, a helpers file)
    over ``values``; returns ``(Rendered, notices)``.  Raises TemplateError when the template
    does not parse or Helm would fail to render it."""
    from .chart import RELEASE, _capabilities
    from .files import files_object
    from .evaluate import Engine, Struct
    from .parser import parse

    parsed = parse(text, file)
    # Helm parses templates/x.yaml before templates/_helpers.tpl (reverse order of names): the
    # helpers' definitions win
    table = {d.name: d for d in parsed.defines}
    for d in parse(defines_text, "_helpers.tpl").defines if defines_text else ():
        if d.name not in table or not d.empty():
            table[d.name] = d
    if dot is None:
        dot = {"Values": values if values is not None else {}, "Chart": Struct({"Name": "chart", "Version": "0.1.0",
                                                                                 "AppVersion": "1.0.0"}),
               "Release": Struct(RELEASE), "Capabilities": _capabilities(kube_version, api_has), "Files": files_object(),
               "Template": Struct({"Name": f"chart/templates/{file}", "BasePath": "chart/templates"})}
    return Engine(table, placeholder).render(parsed.body, dot, file)
