"""Small helpers shared by the tests: lint a fixture and reduce findings to (ID, line, col)."""
from __future__ import annotations

from pathlib import Path

from archlint.config import Settings, settings_from_table
from archlint.engine import lint_text

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def settings(**table) -> Settings:
    """Settings from config-file style keys (platforms=[...], select=[...], ...)."""
    return settings_from_table({k.replace("_", "-"): v for k, v in table.items()}, None)


def lint(path: str | Path, text: str | None = None, kind: str | None = None, **table):
    p = Path(path)
    if text is None:
        text = p.read_text(encoding="utf-8")
    return lint_text(p.name if p.is_absolute() else str(p), text, settings(**table), kind=kind, abspath=str(p))


def ids(result, rule_prefix: str = "") -> list[tuple[str, int, int]]:
    """Unsuppressed findings and notices as (ID, line, col), sorted."""
    out = [(f.rule_id, f.span.line, f.span.col) for f in result.findings if not f.suppressed]
    out += [(n.rule_id, n.line, n.col) for n in result.notices]
    return sorted(x for x in out if x[0].startswith(rule_prefix))
