"""The benchmark (bench/) cannot rot: the generator is deterministic and realistic enough to
exercise every kind, and the runner produces its table at a tiny size.  Nothing here measures
time: the table's figures are whatever this machine gives."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import REPO

sys.path.insert(0, str(REPO))
from bench import generate as gen  # noqa: E402


def test_generator_is_deterministic(tmp_path):
    a = gen.generate_tree(str(tmp_path / "a"), 120, seed=7)
    b = gen.generate_tree(str(tmp_path / "b"), 120, seed=7)
    c = gen.generate_tree(str(tmp_path / "c"), 120, seed=8)
    assert a == b and a["files"] == c["files"] == 120
    assert gen.tree_digest(str(tmp_path / "a")) == gen.tree_digest(str(tmp_path / "b"))
    assert gen.tree_digest(str(tmp_path / "a")) != gen.tree_digest(str(tmp_path / "c"))
    assert gen.long_dockerfile(200, 3) == gen.long_dockerfile(200, 3)
    assert gen.big_yaml(50_000, 3) == gen.big_yaml(50_000, 3)


def test_generated_tree_has_the_requested_size_and_every_kind(tmp_path):
    from archlint import kinds
    from archlint.discovery import discover

    root = tmp_path / "t"
    man = gen.generate_tree(str(root), 400, seed=0)
    assert man["files"] == 400 == len(man["paths"])
    found = {t.display for t in discover([str(root)], str(root), (), True)}
    assert found == set(man["paths"])  # every generated file is one archlint considers
    seen = {kinds.detect(p, None, str(root / p)) for p in man["paths"]}
    assert set(kinds.TABLE) <= seen
    assert (root / ".git").is_dir()


def test_single_file_generators_have_the_asked_shape():
    assert len(gen.long_dockerfile(1000).split("\n")) == 1001
    assert gen.long_dockerfile(1000).count("\nFROM ") >= 10
    assert len(gen.big_makefile(5000).split("\n")) == 5001
    y = gen.big_yaml(300_000)
    assert 300_000 <= len(y) < 330_000 and y.count("\n---\n") > 50
    for kind in ("dockerfile", "shell", "makefile", "markdown", "python", "kubernetes", "kustomization",
                 "helm-values", "compose", "workflow", "bake", "goreleaser", "tiltfile"):
        name, text = gen.sample_file(kind, 0)
        assert name and text.endswith("\n")
    with pytest.raises(ValueError):
        gen.sample_file("nope")


def test_generated_builds_and_deployments_link(tmp_path):
    """A service's builds push the image its manifests deploy (what the project model links): the
    one-change measurement finds a Makefile that is the only build of an image a Deployment runs
    on amd64-pinned nodes, and the tree has Bake files with targets."""
    from bench.run import linked_makefile

    root = tmp_path / "t"
    # (seed 10: the 3,000-file tree of seed 0 happens to give every such Makefile a second build)
    man = gen.generate_tree(str(root), 3000, seed=10)
    found = linked_makefile(str(root), man["paths"])
    assert found is not None and found[2], found
    rel, image, _ = found
    assert f"IMG ?= {image}" in (root / rel).read_text()
    folder = rel.rsplit("/", 1)[0]
    assert any(f"image: {image}" in (root / p).read_text() for p in man["paths"] if p.startswith(folder + "/deploy/"))
    bake = (root / "docker-bake.hcl").read_text()
    assert 'target "' in bake and "registry.example.com/shop" in bake and man["kinds"]["bake"] > 1


@pytest.mark.slow
def test_benchmark_runs_at_a_tiny_size_and_prints_its_table(tmp_path):
    out = tmp_path / "table.md"
    raw = tmp_path / "raw.json"
    p = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "60", "--repeat", "1", "--quick", "--lsp-edits", "2",
         "--workdir", str(tmp_path / "work"), "--output", str(out), "--json", str(raw)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if k != "ARCHLINT_CACHE_DIR"},
    )
    assert p.returncode == 0, p.stderr
    table = out.read_text()
    assert table.strip() == p.stdout.strip()
    for needle in ("| # | target | measured | goal | met |", "one Dockerfile, cold process", "slowest kind",
                   "must not import", "whole tree, cold, 60 files", "whole tree, warm", "peak RSS",
                   "Kubernetes YAML, one file", "Makefile, one file",
                   "re-lint a", "### 1. One file", "### 2–5. Whole trees", "### 6. Language server"):
        assert needle in table, needle
    assert "### Errors" not in table, table
    import json

    res = json.loads(raw.read_text())
    assert res["trees"][0]["files"] == 60
    assert res["trees"][0]["warm_identical"] is True
    assert res["trees"][0]["order_identical"] is True
    assert res["trees"][0]["cached_entries"] > 0


def test_fit_is_a_least_squares_line():
    from bench.run import fit

    rows = [{"files": n, "cold_s": 0.5 + 0.002 * n, "bytes": 3000 * n} for n in (1000, 5000, 10000)]
    f = fit(rows)
    assert abs(f["per_file_ms"] - 2.0) < 1e-9 and abs(f["fixed_s"] - 0.5) < 1e-9
    assert abs(f["marginal_ratio"] - 1.0) < 1e-9 and f["max_residual"] < 1e-9
    assert abs(f["per_mb_s"] - 2.0 / 3.0) < 1e-9  # 2 ms a file of 3 kB


def test_fit_flags_quadratic_growth():
    from bench.run import LINEAR_RATIO, fit

    rows = [{"files": n, "cold_s": 0.5 + 1e-6 * n * n} for n in (1000, 5000, 10000)]
    assert fit(rows)["marginal_ratio"] > LINEAR_RATIO
