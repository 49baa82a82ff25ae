"""Every DC rule: bad fixtures give exactly the expected IDs at line:col, good fixtures none;
merge keys, extends and profiles; fixes."""
from __future__ import annotations

import pytest

from archlint.fixes import fix_text
from archlint.registry import get_rule

from helpers import FIXTURES, ids, lint, settings

DC = FIXTURES / "DC"
ONE = ["linux/amd64"]
TWO = ["linux/amd64", "linux/arm64"]

CASES = [
    ("DC001.bad.yaml", [], "DC001", [(3, 12), (5, 13), (7, 12)]),
    ("DC001.good.yaml", [], "DC", []),
    ("DC002.bad.yaml", ONE, "DC002", [(7, 11), (11, 15)]),
    ("DC002.bad.yaml", ["linux/amd64", "linux/arm64", "linux/arm/v7"], "DC002", []),
    ("DC002.bad.yaml", [], "DC002", []),
    ("DC002.good.yaml", ONE, "DC002", []),
    ("DC003.bad.yaml", ONE, "DC003", [(3, 5), (7, 5)]),
    ("DC003.bad.yaml", TWO, "DC003", [(3, 5), (7, 5)]),
    ("DC003.bad.yaml", [], "DC003", []),
    ("DC003.good.yaml", ONE, "DC", []),
    ("DC004.bad.yaml", [], "DC004", [(4, 15), (8, 35), (8, 51)]),
    ("DC004.good.yaml", [], "DC", []),
    ("DC004.good.yaml", TWO, "DC004", []),
]


@pytest.mark.parametrize("fixture,platforms,rule,expected", CASES,
                         ids=[f"{c[0]}-{c[2]}-{len(c[1])}p" for c in CASES])
def test_rule_fixture(fixture, platforms, rule, expected):
    r = lint(DC / fixture, kind="compose", platforms=platforms)
    assert not [n for n in r.notices if n.rule_id in ("AL001", "AL004")], r.notices
    assert [(line, col) for _, line, col in ids(r, rule)] == expected


def test_profiles_extends_and_merge_keys():
    path = DC / "profiles" / "docker-compose.yml"
    r = lint(path, platforms=ONE)
    assert r.kind == "compose"  # by name
    # base gets its platform from the x-defaults anchor, web and admin inherit build and platform
    # through extends, shared extends another file (trusted), debug is untagged, arm is arm64
    assert ids(r) == [("DC001", 15, 12), ("DC002", 28, 15)]
    assert ids(lint(path)) == [("DC001", 15, 12)]


def test_dc003_fix_inserts_platform_with_one_target():
    src = (DC / "DC003.bad.yaml").read_text()
    out = fix_text("DC003.bad.yaml", src, settings(platforms=ONE), kind="compose")
    assert out.error is None and out.changed
    assert out.text == (
        "services:\n  api:\n    platform: linux/amd64\n    build: .\n    image: acme/api:1.0\n"
        "  worker:\n    image: acme/worker:1.0\n    platform: linux/amd64\n    build:\n      context: ./worker\n"
    )
    assert ids(out.result, "DC") == []
    r = lint(DC / "DC003.bad.yaml", kind="compose", platforms=TWO)
    assert all(f.fix is None for f in r.findings if f.rule_id == "DC003")
    assert "build.platforms: [linux/amd64, linux/arm64]" in r.findings[0].hint


def test_dc004_fix_replaces_with_the_suggestion():
    src = (DC / "DC004.bad.yaml").read_text()
    out = fix_text("DC004.bad.yaml", src, settings(), kind="compose")
    assert out.error is None
    assert "platform: linux/amd64\n" in out.text
    assert 'platforms: ["linux/amd64", "linux/arm64", linux/arm64]' in out.text
    assert ids(out.result, "DC004") == []


def test_messages():
    r = lint(DC / "DC001.bad.yaml", kind="compose")
    msgs = [f.message for f in r.findings]
    assert msgs == [
        "Service web uses image nginx:latest with the mutable tag latest.",
        "Service db uses image postgres without a tag, which means postgres:latest.",
        "Service cache uses image redis:latest with the mutable tag latest (the default in redis:${REDIS_TAG:-latest}).",
    ]


def test_rule_metadata():
    expected = {
        "DC001": ("image-latest-tag", "warning", None),
        "DC002": ("platform-mismatch", "error", None),
        "DC003": ("build-without-platform", "warning", "safe"),
        "DC004": ("invalid-platform", "error", "safe"),
    }
    for rid, (name, sev, fix) in expected.items():
        r = get_rule(rid)
        assert (r.name, r.severity.label, r.fix) == (name, sev, fix), rid
        assert r.kinds == frozenset({"compose"})


def test_legacy_v1_file_without_services_key():
    text = "web:\n  image: nginx:latest\nx-note:\n  image: ignored:latest\n"
    assert ids(lint("docker-compose.yml", text=text)) == [("DC001", 2, 10)]
