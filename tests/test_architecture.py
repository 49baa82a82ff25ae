"""The architecture holds: one table of kinds, one table of families, each family a package, the
run layer knowing no family, and the size limits that keep modules readable.  A family or kind
declared in one place but not wired in another fails here."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from archlint import kinds, registry
from archlint.checks import FAMILIES

PKG = Path(__file__).resolve().parents[1] / "archlint"
REPO = PKG.parent

#: names that must be detected as each kind by name alone (yaml kinds need content: see below)
NAMES = {
    "dockerfile": ["Dockerfile", "Containerfile", "build/app.dockerfile", "Dockerfile.dev", "dockerfile-arm"],
    "shell": ["scripts/build.sh", "x.bash"],
    "makefile": ["Makefile", "GNUmakefile", "mk/rules.mk", "Makefile.common"],
    "markdown": ["README.md", "docs/deploy.markdown"],
    "python": ["app/main.py", "stubs.pyi"],
    "compose": ["docker-compose.yml", "compose.yaml", "docker-compose.prod.yaml"],
    "workflow": [".github/workflows/ci.yml"],
    "kustomization": ["overlays/kustomization.yaml"],
    "kubernetes": ["k8s/deploy.yaml"],
    "helm-values": ["chart/values.yaml"],
    "helm-template": ["chart/templates/deployment.yaml", "chart/charts/db/templates/statefulset.yml"],
    "bake": ["docker-bake.hcl", "docker-bake.override.json", "ci/docker-bake.release.hcl", "docker/rk.hcl"],
    "goreleaser": [".goreleaser.yml", ".config/goreleaser.yaml", ".goreleaser-nightly.yaml"],
    "tiltfile": ["Tiltfile", "integration/analytics/Tiltfile", "dev/app.tiltfile"],
    "ha-addon": ["birdnet/config.yaml", "config.yml", "mqtt/config.json"],
}


def test_every_family_is_a_package_that_registers_its_rules():
    rules = registry.load_all()
    kinds_read = set()
    for fam in FAMILIES:
        mine = [r for r in rules.values() if r.family == fam.prefix]
        assert mine, f"family {fam.prefix} ({fam.module}) registered no rule"
        assert (PKG / "checks" / fam.package / "__init__.py").is_file(), fam
        assert set(fam.kinds) <= set(kinds.TABLE), (fam, set(fam.kinds) - set(kinds.TABLE))
        for r in mine:
            assert r.family_name == fam.name
            assert r.kinds <= set(fam.kinds), r
        kinds_read |= set(fam.kinds)
    # a kind no family reads would be parsed for nothing
    assert kinds_read == set(kinds.TABLE)
    assert len({f.prefix for f in FAMILIES}) == len(FAMILIES)
    assert len({f.name for f in FAMILIES}) == len(FAMILIES)


def test_a_rule_outside_its_familys_kinds_is_refused():
    with pytest.raises(ValueError, match="not kinds of family dockerfile"):
        registry.rule("DF999", "x", kinds={"python"})(lambda ctx: ())
    with pytest.raises(ValueError, match="no family with prefix 'ZZ'"):
        registry.rule("ZZ001", "x", kinds={"python"})(lambda ctx: ())
    assert "DF999" not in registry.RULES and "ZZ001" not in registry.RULES


@pytest.mark.parametrize("kind", sorted(kinds.TABLE))
def test_every_kind_has_a_parser_and_is_detected(kind, tmp_path):
    row = kinds.TABLE[kind]
    if row.parser is None:  # linted as what it renders: a Helm template, by the renderer (archlint/helm/lint.py)
        assert kind == "helm-template"
        from archlint.helm.lint import lint_template

        assert callable(lint_template)
    else:
        mod, _, fn = row.parser.partition(":")
        __import__(mod)
        assert callable(getattr(sys.modules[mod], fn))
    assert row.comment in ("#", "<!--")
    for name in NAMES[kind]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        head = b"apiVersion: v1\nkind: ConfigMap\n" if kind == "kubernetes" else \
            b'target "app" {\n  dockerfile = "Dockerfile"\n}\n' if kind == "bake" else \
            (b'{"slug": "x",\n"arch": ["amd64"]}\n' if name.endswith(".json") else b"slug: x\narch: [amd64]\n") \
            if kind == "ha-addon" else b"x: 1\n"
        p.write_bytes(head)
        if kind == "helm-values":
            (p.parent / "Chart.yaml").write_text("name: c\n")
        if kind == "helm-template":  # a chart (and a subchart of it) around the templates folder
            (p.parent.parent / "Chart.yaml").write_text("name: c\n")
        assert kinds.detect(name, head, str(p)) == kind, name


def _hooks() -> dict:
    return {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}


@pytest.mark.parametrize("kind", sorted(kinds.TABLE))
def test_every_kind_has_a_pre_commit_hook_that_selects_its_files(kind):
    from identify import identify

    hooks = _hooks()
    row = kinds.TABLE[kind]
    for hook_id in (row.hook, "archlint"):
        hook = hooks[hook_id]
        for name in NAMES[kind]:
            tags = identify.tags_from_filename(name) | {"file"}
            ok = True
            if "files" in hook:
                ok = ok and re.search(hook["files"], name) is not None
            if "exclude" in hook:
                ok = ok and re.search(hook["exclude"], name) is None
            if "types" in hook:
                ok = ok and set(hook["types"]) <= tags
            if "types_or" in hook:
                ok = ok and bool(set(hook["types_or"]) & tags)
            assert ok, f"hook {hook_id} does not select {name} ({kind})"


def test_every_hook_is_named_by_a_kind():
    named = {k.hook for k in kinds.TABLE.values()} | {"archlint"}
    assert set(_hooks()) == named


def test_language_ids_come_from_the_kinds_table():
    pytest.importorskip("pygls")
    from archlint.server import linting

    assert linting.LANGUAGE_KINDS is kinds.LANGUAGE_KINDS
    assert set(kinds.LANGUAGE_KINDS.values()) <= set(kinds.TABLE)
    assert kinds.LANGUAGE_KINDS["shellscript"] == "shell" and kinds.LANGUAGE_KINDS["containerfile"] == "dockerfile"


def _imports(path: Path) -> set[str]:
    """Absolute names of the archlint modules ``path`` imports (at any depth of the file)."""
    tree = ast.parse(path.read_text())
    pkg = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_the_run_layer_knows_no_family():
    for p in sorted((PKG / "run").glob("*.py")):
        bad = sorted(m for m in _imports(p) if m.startswith("archlint.checks"))
        assert not bad, f"{p.name} imports {bad}"
        text = p.read_text()
        for fam in FAMILIES:
            if fam.prefix == "AL":
                continue  # archlint's own notices (could not read, too large) are the run's
            assert not re.search(rf"\b{fam.prefix}\d{{3}}\b", text), f"{p.name} names a {fam.prefix} rule"


#: modules allowed past the size limit: one grammar each
ONE_GRAMMAR = {"parsers/shell.py"}


def test_no_module_or_function_too_large_to_read():
    too_long = []
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(PKG).as_posix()
        text = p.read_text()
        if rel not in ONE_GRAMMAR and text.count("\n") > 850:
            too_long.append(f"{rel}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > 110:
                    too_long.append(f"{rel}:{node.lineno} {node.name}(): {n} lines")
    assert not too_long, too_long


TOY_RULES = '''
from archlint.registry import rule
from archlint.model import Span


@rule("TOY001", "no-maintainer", kinds={"dockerfile"}, severity="info")
def no_maintainer(ctx):
    """## What it does
    Flags a Dockerfile with no LABEL.

    ## Why is this bad?
    A toy reason.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL maintainer=me
    ```

    ## Fix safety
    No fix.
    """
    if "LABEL" not in ctx.source.text:
        line = next(i for i, s in enumerate(ctx.source.lines, 1) if s.startswith("FROM"))
        yield ctx.report(Span(line, 1, line, 5), "The Dockerfile has no LABEL.")
'''


def test_a_new_family_is_a_folder_and_one_line(tmp_path):
    """A toy family in a package of its own, declared with one Family row, is linted, listed,
    selected, suppressed and documented like the shipped ones."""
    pkg = tmp_path / "toyfamily"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""TOY: a family for this test."""\nfrom . import rules  # noqa: F401\n')
    (pkg / "rules.py").write_text(TOY_RULES)
    script = textwrap.dedent('''
        import json, sys
        from archlint import registry
        from archlint.checks import Family
        # the one line a shipped family adds to archlint.checks.FAMILIES, which the registry
        # indexes with register_family when it is imported
        registry.register_family(Family("TOY", "toy", "toyfamily", ("dockerfile",), module="toyfamily"))
        from archlint import cli
        sys.exit(cli.main(sys.argv[1:]))
    ''')
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "Suppressed.dockerfile").write_text("# archlint: ignore[TOY001]\nFROM alpine:3.20\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "ARCHLINT_NO_CACHE": "1"}

    def run(*args):
        return subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    p = run("check", "--isolated", "--output-format", "json", "--exit-zero", ".")
    assert p.returncode == 0, p.stderr
    import json

    found = [(f["path"], f["rule"], f["message"], f["suppressed"]) for f in json.loads(p.stdout)["findings"]]
    toy = sorted(f for f in found if f[1] == "TOY001")
    assert toy == [("Dockerfile", "TOY001", "The Dockerfile has no LABEL.", False),
                   ("Suppressed.dockerfile", "TOY001", "The Dockerfile has no LABEL.", True)], found
    p = run("check", "--isolated", "--select", "TOY", "--exit-zero", "Dockerfile")
    assert "TOY001 The Dockerfile has no LABEL." in p.stdout, p.stdout + p.stderr
    assert "DF0" not in p.stdout
    p = run("rules")
    assert re.search(r"TOY001\s+no-maintainer\s+toy", p.stdout), p.stdout
    p = run("rule", "TOY001")
    assert "Family: toy." in p.stdout and "Flags a Dockerfile with no LABEL." in p.stdout, p.stdout


def test_rule_ids_read_from_source_equal_the_registered_ones():
    """Selectors are checked against the IDs a family's source declares (read as text, so naming
    PY002 in ``ignore`` does not import the Python family): the two must never differ."""
    rules = registry.load_all()
    for fam in FAMILIES:
        declared = registry._declared_ids(fam.prefix)
        assert declared is not None
        assert sorted(set(declared)) == sorted(r for r in rules if rules[r].family == fam.prefix), fam


def test_a_selector_naming_one_rule_imports_no_family(tmp_path):
    (tmp_path / ".archlint.toml").write_text('ignore = ["PY002", "K8S007", "GHA004"]\n')
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "archlint", "check", "--no-cache", "--exit-zero",
                        "Dockerfile"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    loaded = {line.split("|")[-1].strip() for line in p.stderr.splitlines() if line.startswith("import time:")}
    assert not {m for m in loaded if m.startswith(("archlint.checks.python", "archlint.checks.kubernetes",
                                                   "archlint.checks.workflows"))}, sorted(loaded)
