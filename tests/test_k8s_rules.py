"""Every K8S rule: bad fixtures give exactly the expected IDs at line:col, good fixtures none;
Kustomize, Helm values (and templates skipped), the suppression annotation, fixes, the samples."""
from __future__ import annotations

import pytest

from archlint.config import load_file
from archlint.engine import lint_file
from archlint.fixes import fix_text
from archlint.registry import get_rule

from helpers import FIXTURES, SHARED, ids, lint, settings

K8S = FIXTURES / "K8S"
ONE = ["linux/amd64"]

CASES = [
    # (fixture, config keys, rule, expected [(line, col)])
    ("K8S001.bad.yaml", {}, "K8S001", [(11, 18), (14, 19), (28, 22), (40, 31), (52, 18)]),
    ("K8S001.good.yaml", {}, "K8S", []),
    ("K8S002.bad.yaml", {}, "K8S002", [(10, 18), (12, 19)]),
    ("K8S002.good.yaml", {}, "K8S002", []),
    ("K8S003.bad.yaml", {"kubernetes_version": "1.21"}, "K8S003", [(1, 13), (6, 13)]),
    ("K8S003.bad.yaml", {"kubernetes_version": "1.21"}, "K8S004", [(19, 13)]),
    ("K8S003.bad.yaml", {"kubernetes_version": "1.19"}, "K8S003", [(1, 13)]),  # CronJob: not deprecated yet
    ("K8S003.bad.yaml", {"kubernetes_version": "1.18"}, "K8S003", []),
    ("K8S003.bad.yaml", {"kubernetes_version": "1.15"}, "K8S003", [(19, 13)]),  # extensions: deprecated, not removed
    ("K8S003.bad.yaml", {"kubernetes_version": "1.15"}, "K8S004", []),
    ("K8S003.good.yaml", {"kubernetes_version": "1.21"}, "K8S", []),
    ("K8S004.bad.yaml", {}, "K8S004", [(1, 13), (6, 13), (14, 17), (18, 18)]),
    ("K8S004.bad.yaml", {"kubernetes_version": "1.29"}, "K8S004", [(1, 13), (6, 13), (18, 18)]),
    ("K8S004.bad.yaml", {"kubernetes_version": "1.29"}, "K8S003", [(14, 17)]),
    ("K8S004.good.yaml", {}, "K8S", []),
    ("K8S005.bad.yaml", {}, "K8S005", [(9, 9), (10, 10), (16, 26), (23, 27), (35, 5)]),
    ("K8S005.good.yaml", {}, "K8S", []),
    ("K8S006.bad.yaml", {"platforms": ONE}, "K8S006", [(9, 29), (28, 37)]),
    ("K8S006.bad.yaml", {"platforms": ["linux/amd64", "linux/arm64"]}, "K8S006", []),
    ("K8S006.bad.yaml", {}, "K8S006", []),  # nothing configured: nothing to compare with
    ("K8S006.good.yaml", {"platforms": ONE}, "K8S", []),
    ("K8S007.bad.yaml", {}, "K8S007", [(11, 28), (14, 28)]),
    ("K8S007.good.yaml", {}, "K8S007", []),
    ("K8S008.bad.yaml", {"extend_select": ["K8S008"]}, "K8S008", [(8, 14)]),
    ("K8S008.good.yaml", {"extend_select": ["K8S008"]}, "K8S", []),
    ("kustomize/kustomization.yaml", {}, "K8S", [(7, 13)]),
    ("chart/values.yaml", {"platforms": ONE}, "K8S", [(4, 8), (12, 3), (5, 15)]),  # K8S001, K8S005, K8S007
]


@pytest.mark.parametrize("fixture,config,rule,expected", CASES,
                         ids=[f"{c[0]}-{c[2]}-{'-'.join(f'{k}' for k in c[1])}" for c in CASES])
def test_rule_fixture(fixture, config, rule, expected):
    r = lint(K8S / fixture, **config)
    assert not [n for n in r.notices if n.rule_id in ("AL001", "AL004")], r.notices
    got = [(line, col) for rid, line, col in ids(r, rule)]
    assert got == expected


def test_kinds_of_the_fixtures():
    assert lint(K8S / "K8S001.bad.yaml").kind == "kubernetes"
    assert lint(K8S / "kustomize" / "kustomization.yaml").kind == "kustomization"
    assert lint(K8S / "chart" / "values.yaml").kind == "helm-values"


def test_kustomize_and_values_rule_ids():
    assert ids(lint(K8S / "kustomize" / "kustomization.yaml")) == [("K8S001", 7, 13)]
    assert ids(lint(K8S / "chart" / "values.yaml", platforms=ONE)) == [
        ("K8S001", 4, 8), ("K8S005", 12, 3), ("K8S007", 5, 15)]


def test_helm_templates_are_skipped_not_errors():
    for name in ("deployment.yaml", "static.yaml"):
        r = lint(K8S / "chart" / "templates" / name)
        assert r.findings == []
        assert [n.rule_id for n in r.notices] == ["AL003"]


def test_annotation_suppresses_rules_inside_its_object_only():
    r = lint(K8S / "annotations.yaml")
    assert ids(r) == [("K8S001", 27, 18), ("K8S007", 15, 28)]
    suppressed = sorted((f.rule_id, f.span.line) for f in r.findings if f.suppressed)
    # K8S001/K8S005 by the annotation of the first object; K8S007 of the second by the comment
    assert suppressed == [("K8S001", 14), ("K8S005", 11), ("K8S007", 28)]


def test_messages_name_versions_and_replacements():
    r = lint(K8S / "K8S004.bad.yaml", kubernetes_version="1.29")
    by_line = {f.span.line: f for f in r.findings}
    f = by_line[6]
    assert f.rule_id == "K8S004" and f.severity.label == "error"
    assert f.message == ("PodDisruptionBudget policy/v1beta1 was removed in Kubernetes 1.25, so applying it "
                         "fails (kubernetes-version 1.29).")
    assert f.hint.startswith("use policy/v1 (available since 1.21)")
    dep = by_line[14]
    assert dep.rule_id == "K8S003" and dep.severity.label == "warning"
    assert "deprecated since Kubernetes 1.29 and is removed in 1.32" in dep.message


def test_default_kubernetes_version_is_newest_release_in_the_data():
    from archlint.checks.kubernetes import default_kubernetes_version

    assert default_kubernetes_version() == "1.32"
    r = lint(K8S / "K8S004.bad.yaml")
    assert all("newest release archlint knows" in f.message for f in r.findings if f.rule_id == "K8S004")


def test_user_pack_adds_an_api(tmp_path):
    pack = tmp_path / "apis.yaml"
    pack.write_text(
        "pack: kubernetes-apis\nentries:\n"
        "  - apiVersion: acme.example.com/v1alpha1\n    kind: Widget\n    deprecated-in: '1.30'\n"
        "    removed-in: '1.33'\n    replacement: acme.example.com/v1\n    source: internal platform notes 2026\n"
    )
    text = "apiVersion: acme.example.com/v1alpha1\nkind: Widget\nmetadata:\n  name: w\n"
    cfg = tmp_path / ".archlint.toml"
    cfg.write_text('rule-packs = ["apis.yaml"]\nkubernetes-version = "1.31"\n')
    f = tmp_path / "widget.yaml"
    f.write_text(text)
    r = lint_file(str(f), "widget.yaml", load_file(str(cfg)))
    assert ids(r) == [("K8S003", 1, 13)]


def test_k8s005_fix_renames_the_label_and_is_safe():
    src = (K8S / "K8S005.bad.yaml").read_text()
    out = fix_text("K8S005.bad.yaml", src, settings(), kind="kubernetes")
    assert out.error is None and out.changed
    fixed = out.text
    assert "beta.kubernetes.io/arch: amd64\n      affinity" not in fixed
    assert '"kubernetes.io/os": linux' in fixed
    assert "- key: kubernetes.io/arch" in fixed
    # the Pod that already has kubernetes.io/arch keeps its beta label (no fix offered there)
    after = lint("K8S005.bad.yaml", text=fixed, kind="kubernetes")
    assert ids(after, "K8S005") == [("K8S005", 35, 5)]
    assert get_rule("K8S005").fix == "safe"


def test_rule_metadata():
    expected = {
        "K8S001": ("image-latest-tag", "warning", True),
        "K8S002": ("image-untagged", "warning", True),
        "K8S003": ("deprecated-api-version", "warning", True),
        "K8S004": ("removed-api-version", "error", True),
        "K8S005": ("deprecated-arch-label", "warning", True),
        "K8S006": ("node-arch-mismatch", "error", True),
        "K8S007": ("latest-without-always-pull", "warning", True),
        "K8S008": ("image-not-pinned", "info", False),
    }
    for rid, (name, sev, enabled) in expected.items():
        r = get_rule(rid)
        assert (r.name, r.severity.label, r.enabled) == (name, sev, enabled), rid
        assert r.kinds == frozenset({"kubernetes", "kustomization", "helm-values"})


# ---- the shared samples ---------------------------------------------------------------------------


def _sample(rel: str, cfg: str):
    root = SHARED / "samples"
    return lint_file(str(root / rel), rel, load_file(str(root / cfg)))


needs_samples = pytest.mark.skipif(not (SHARED / "samples").is_dir(), reason="../shared/samples not present")


@needs_samples
def test_sample_aks_app_deployment():
    r = _sample("aks-app/k8s/deployment.yaml", "aks-app/.archlint.toml")  # kubernetes-version 1.29
    assert ids(r) == [("K8S002", 16, 18), ("K8S004", 23, 13)]


@needs_samples
def test_sample_athena_admin_backend():
    r = _sample("athena-admin/k8s/backend.yaml", "athena-admin/.archlint.toml")  # platforms linux/amd64
    assert ids(r) == [("K8S001", 20, 18), ("K8S005", 17, 9), ("K8S007", 21, 28)]
