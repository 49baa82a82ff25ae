"""Run the BC rules on a text: through the engine when it is complete, else with a Context built
by hand (the same parser and rule functions the engine calls)."""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from archlint import kinds
from archlint.config import Settings, settings_from_table
from archlint.registry import Context, rules_for_kind
from archlint.source import Source

FIXTURES = Path(__file__).parent / "fixtures"
BC = FIXTURES / "BC"
TWO = ["linux/amd64", "linux/arm64"]
ONE = ["linux/amd64"]


def _settings(platforms=()) -> Settings:
    return settings_from_table({"platforms": list(platforms)}, None) if platforms else Settings()


def _engine_ready() -> bool:
    try:
        return importlib.util.find_spec("archlint.fingerprint") is not None
    except (ImportError, ValueError):
        return False


def findings(path, text: str | None = None, platforms=(), kind: str | None = None, engine: bool | None = None):
    """BC findings (unsuppressed) of ``path`` (or ``text`` linted as ``path``), sorted."""
    p = Path(path)
    if text is None:
        text = p.read_text(encoding="utf-8")
    settings = _settings(platforms)
    if kind is None:
        kind = kinds.detect(str(p), text[:65536].encode("utf-8", "replace"), str(p) if p.exists() else None)
    use_engine = _engine_ready() if engine is None else engine
    if use_engine:
        from archlint.engine import lint_text

        result = lint_text(str(p), text, settings, kind=kind, abspath=str(p))
        bad = [n for n in result.notices if n.rule_id in ("AL001", "AL004")]
        assert not bad, bad
        out = [f for f in result.findings if f.rule_id.startswith("BC") and not f.suppressed]
    else:
        source = Source(str(p), text, abspath=str(p))
        mod, _, fn = kinds.PARSERS[kind].partition(":")
        model = getattr(importlib.import_module(mod), fn)(source)
        ctx = Context(source, model, kind, settings)
        out = []
        for rule in rules_for_kind(kind):
            if rule.family != "BC" or not settings.rule_enabled(rule):
                continue
            ctx.rule = rule
            out.extend(rule.check(ctx))
    out.sort(key=lambda f: (f.span.line, f.span.col, f.rule_id))
    return out


def ids(found, rule: str = "BC") -> list[tuple[str, int, int]]:
    return [(f.rule_id, f.span.line, f.span.col) for f in found if f.rule_id.startswith(rule)]


def apply_fix(text: str, fix) -> str:
    """Apply a Fix's edits (non-overlapping, positions in code points) to ``text``."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def off(line, col):
        return starts[line - 1] + col - 1

    out = text
    for e in sorted(fix.edits, key=lambda e: (e.span.line, e.span.col), reverse=True):
        a = off(e.span.line, e.span.col)
        b = off(e.span.end_line, e.span.end_col)
        out = out[:a] + e.text + out[b:]
    return out
