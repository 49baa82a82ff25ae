"""Every GHA rule: bad fixtures give exactly the expected IDs at line:col, good fixtures none; a
matrix of platforms is trusted; fixes; the shared sample."""
from __future__ import annotations

import pytest

from archlint.config import load_file
from archlint.engine import lint_file
from archlint.fixes import fix_text
from archlint.registry import get_rule

from helpers import FIXTURES, SHARED, ids, lint, settings

GHA = FIXTURES / "GHA"
ONE = ["linux/amd64"]
TWO = ["linux/amd64", "linux/arm64"]

CASES = [
    ("GHA001.bad.yml", [], "GHA001", [(8, 15), (13, 15)]),
    ("GHA001.bad.yml", ONE, "GHA001", [(8, 15), (13, 15)]),
    ("GHA001.good.yml", ONE, "GHA", []),
    ("GHA002.bad.yml", TWO, "GHA002", [(10, 22), (14, 11)]),
    ("GHA002.bad.yml", ONE, "GHA002", []),
    ("GHA002.bad.yml", [], "GHA002", []),
    ("GHA002.good.yml", TWO, "GHA002", []),
    ("GHA003.bad.yml", [], "GHA003", [(10, 22), (18, 11)]),
    ("GHA003.good.yml", [], "GHA", []),
    ("GHA003.good.yml", TWO, "GHA003", []),
    ("GHA004.bad.yml", [], "GHA004", [(10, 34), (15, 13), (16, 13), (19, 23)]),
    ("GHA004.good.yml", [], "GHA", []),
    ("matrix.yml", TWO, "", []),  # GHA and BC: ${{ matrix.platform }} is trusted everywhere
]


@pytest.mark.parametrize("fixture,platforms,rule,expected", CASES,
                         ids=[f"{c[0]}-{c[2]}-{len(c[1])}p" for c in CASES])
def test_rule_fixture(fixture, platforms, rule, expected):
    r = lint(GHA / fixture, kind="workflow", platforms=platforms)
    assert not [n for n in r.notices if n.rule_id in ("AL001", "AL004")], r.notices
    assert [(line, col) for _, line, col in ids(r, rule)] == expected


def test_kind_by_path():
    text = (GHA / "GHA001.bad.yml").read_text()
    assert lint(".github/workflows/image.yml", text=text).kind == "workflow"


def test_gha001_fix_adds_platforms_to_with_or_adds_with():
    src = (GHA / "GHA001.bad.yml").read_text()
    out = fix_text("GHA001.bad.yml", src, settings(platforms=ONE), kind="workflow")
    assert out.error is None and out.changed
    assert out.text == src.replace(
        "        with:\n          push: true\n",
        "        with:\n          platforms: linux/amd64\n          push: true\n",
    ).replace(
        "        uses: docker/build-push-action@v5.4.0\n",
        "        uses: docker/build-push-action@v5.4.0\n        with:\n          platforms: linux/amd64\n",
    )
    assert ids(out.result, "GHA") == []
    # several platforms: offered, but unsafe
    r = lint(GHA / "GHA001.bad.yml", kind="workflow", platforms=TWO)
    assert [f.fix.safe for f in r.findings if f.rule_id == "GHA001"] == [False, False]


def test_gha004_fix_replaces_each_item():
    src = (GHA / "GHA004.bad.yml").read_text()
    out = fix_text("GHA004.bad.yml", src, settings(), kind="workflow")
    assert out.error is None
    assert "platforms: linux/amd64,linux/arm64\n" in out.text
    assert "            linux/amd64\n            linux/arm64\n            linux/arm64\n" in out.text
    assert 'platforms: "linux/amd64"' in out.text
    assert ids(out.result, "GHA004") == []


def test_messages():
    r = lint(GHA / "GHA002.bad.yml", kind="workflow", platforms=TWO)
    assert [f.message for f in r.findings if f.rule_id == "GHA002"] == [
        "platforms: of docker/build-push-action@v6 in job build leaves out linux/arm64, one of the configured platforms.",
        "platforms: of docker/build-push-action@v6 in job build leaves out linux/arm64, one of the configured platforms.",
    ]


def test_rule_metadata():
    expected = {
        "GHA001": ("build-push-without-platforms", "warning", "safe"),
        "GHA002": ("build-push-platform-mismatch", "error", None),
        "GHA003": ("multi-platform-without-qemu", "warning", None),
        "GHA004": ("invalid-platform", "error", "safe"),
    }
    for rid, (name, sev, fix) in expected.items():
        r = get_rule(rid)
        assert (r.name, r.severity.label, r.fix) == (name, sev, fix), rid
        assert r.kinds == frozenset({"workflow"})


@pytest.mark.skipif(not (SHARED / "samples").is_dir(), reason="../shared/samples not present")
def test_sample_aks_app_workflow():
    root = SHARED / "samples" / "aks-app"
    rel = ".github/workflows/ci.yml"
    r = lint_file(str(root / rel), rel, load_file(str(root / ".archlint.toml")))
    assert r.kind == "workflow"
    # build-push-action without platforms; the run: step's buildx build names its platform
    assert ids(r) == [("GHA001", 14, 15)]
    f = r.findings[0]
    assert f.fix is not None and f.fix.safe
