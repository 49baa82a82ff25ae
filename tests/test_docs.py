"""Rule documentation: every rule documents itself in the same sections, and the README table
and docs/rules.md are generated from the registry (regenerate with the commands below)."""
from __future__ import annotations

import re

import pytest

from archlint.cli import rules_markdown
from archlint.registry import doc_sections, load_all

from helpers import REPO

RULES = sorted(load_all().values(), key=lambda r: r.id)
SECTIONS = ["What it does", "Why is this bad?", "Example", "Use instead", "Fix"]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_doc_sections(rule):
    sections = doc_sections(rule.doc)
    assert list(sections) == SECTIONS, f"{rule.id}: sections {list(sections)}"
    assert all(sections[s].strip() for s in SECTIONS)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary.endswith((".", "!", "?")) and len(rule.summary) < 300
    if rule.fix:
        assert rule.fix in ("safe", "unsafe")
        assert "safe" in sections["Fix"].lower() or "Safe" in sections["Fix"]


def test_readme_rule_table_is_current():
    readme = (REPO / "README.md").read_text()
    m = re.search(r"<!-- rules-table:start -->\n(.*?)<!-- rules-table:end -->", readme, re.S)
    assert m, "README lacks the rules-table markers"
    assert m.group(1) == rules_markdown(RULES, table_only=True), (
        "README rule table is stale: regenerate with `archlint rules --output-format table`"
    )


def test_docs_rules_md_is_current():
    assert (REPO / "docs" / "rules.md").read_text() == rules_markdown(RULES), (
        "docs/rules.md is stale: `archlint rules --output-format markdown > docs/rules.md`"
    )
