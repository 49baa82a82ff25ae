"""Configuration: file discovery and precedence, validation errors, CLI overrides."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from archlint.config import ConfigError, ConfigResolver, load_file, path_matches
from archlint.model import Severity


def write(p: Path, text: str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_nearest_config_wins(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.archlint]\nplatforms = ["linux/amd64"]\n')
    write(tmp_path / "svc" / ".archlint.toml", 'platforms = ["linux/amd64", "linux/arm64"]\n')
    r = ConfigResolver()
    top = r.for_path(str(tmp_path / "Dockerfile"))
    svc = r.for_path(str(tmp_path / "svc" / "deep" / "Dockerfile"))
    assert [str(p) for p in top.platforms] == ["linux/amd64"]
    assert [str(p) for p in svc.platforms] == ["linux/amd64", "linux/arm64"]
    assert svc.config_path.endswith(".archlint.toml")


def test_pyproject_without_table_is_skipped(tmp_path):
    write(tmp_path / ".archlint.toml", 'platforms = ["linux/arm64"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    s = ConfigResolver().for_path(str(tmp_path / "sub" / "Dockerfile"))
    assert [str(p) for p in s.platforms] == ["linux/arm64"]


def test_archlint_toml_beats_pyproject_in_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.archlint]\nplatforms = ["linux/amd64"]\n')
    write(tmp_path / ".archlint.toml", 'platforms = ["linux/arm64"]\n')
    s = ConfigResolver().for_path(str(tmp_path / "Dockerfile"))
    assert [str(p) for p in s.platforms] == ["linux/arm64"]


def test_cli_overrides_config(tmp_path):
    write(tmp_path / ".archlint.toml", 'platforms = ["linux/amd64"]\nignore = ["DF005"]\n[severity]\nDF001 = "info"\n')
    r = ConfigResolver(overrides={"platforms": ["linux/arm64"], "severity": {"DF002": "error"}})
    s = r.for_path(str(tmp_path / "Dockerfile"))
    assert [str(p) for p in s.platforms] == ["linux/arm64"]
    assert s.ignore == ("DF005",)  # kept from the file
    assert s.severity_of("DF001", Severity.WARNING) == Severity.INFO
    assert s.severity_of("DF002", Severity.WARNING) == Severity.ERROR


@pytest.mark.parametrize(
    "text,key,fragment",
    [
        ('platfroms = ["linux/amd64"]\n', "platfroms", "did you mean 'platforms'"),
        ('platforms = ["linux/x86_64"]\n', "platforms", "did you mean 'linux/amd64'"),
        ('platforms = ["linux/amd64"]\nselect = ["not a rule"]\n', "select", "is not a rule ID"),
        ('platforms = "linux/amd64"\n', "platforms", "got a string 'linux/amd64'"),
        ('select = ["DF", "DF999"]\n', "select", "'DF999' matches no rule ID or prefix; did you mean 'DF009'?"),
        ('[severity]\nDF001 = "fatal"\n', "severity.DF001", "is not one of error, warning, info"),
        ('kubernetes-version = "latest"\n', "kubernetes-version", "version string"),
        ('max-file-size = -1\n', "max-file-size", "size in bytes"),
        ('platforms = [\n', None, "invalid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, key, fragment):
    p = write(tmp_path / ".archlint.toml", text)
    with pytest.raises(ConfigError) as e:
        load_file(str(p))
    assert e.value.key == key
    assert str(p) in str(e.value)
    assert fragment in str(e.value)


def test_a_template_pyproject_that_is_no_toml_is_not_archlints_config(tmp_path):
    # cookiecutter-django's {{cookiecutter.project_slug}}/pyproject.toml, with `{# ... #}` and
    # `{% if %}` lines: another tool's file; its folder takes the settings above it, and the run
    # goes on. A broken one that names archlint is still the user's configuration: an error
    write(tmp_path / ".archlint.toml", 'platforms = ["linux/amd64"]\n')
    slug = tmp_path / "{{cookiecutter.project_slug}}"
    write(slug / "pyproject.toml", '[project]\ndependencies = [\n{%- if cookiecutter.use_celery %}\n  "celery",\n]\n')
    assert load_file(str(slug / "pyproject.toml"), lenient=True) is None
    assert [str(p) for p in ConfigResolver().for_path(str(slug / "Dockerfile")).platforms] == ["linux/amd64"]
    # named with --config, it is the user's choice: the TOML error says why it cannot be read
    with pytest.raises(ConfigError, match="invalid TOML"):
        ConfigResolver(explicit=str(slug / "pyproject.toml")).for_path(str(slug / "Dockerfile"))
    write(slug / "pyproject.toml", '[tool.archlint]\nplatforms = [\n')
    with pytest.raises(ConfigError, match="invalid TOML"):
        ConfigResolver().for_path(str(slug / "Dockerfile"))


def test_select_ignore_extend_select():
    from archlint.config import Settings
    from archlint.registry import get_rule

    df001, df011 = get_rule("DF001"), get_rule("DF011")
    s = Settings()
    assert s.rule_enabled(df001) and not s.rule_enabled(df011)
    assert Settings(extend_select=("DF011",)).rule_enabled(df011)
    assert not Settings(ignore=("DF",)).rule_enabled(df001)
    assert Settings(select=("DF011",)).rule_enabled(df011)
    assert not Settings(select=("DF011",)).rule_enabled(df001)
    assert Settings(select=("ALL",)).rule_enabled(df011)


def test_per_file_ignores(tmp_path):
    write(tmp_path / ".archlint.toml", '[per-file-ignores]\n"legacy/*" = ["DF001"]\n"**/test/Dockerfile" = ["DF"]\n')
    s = ConfigResolver().for_path(str(tmp_path / "x"))
    assert s.ignored_for("legacy/Dockerfile") == ("DF001",)
    assert s.ignored_for("a/b/test/Dockerfile") == ("DF",)
    assert s.ignored_for("src/Dockerfile") == ()


def test_path_matches():
    assert path_matches("a/node_modules/x/Dockerfile", "node_modules")
    assert path_matches("docs/old/DEPLOY.md", "docs/old")
    assert path_matches("docs/old/DEPLOY.md", "docs/**/*.md")
    assert not path_matches("src/Dockerfile", "docs")


def test_notices_obey_ignore_and_per_file_ignores_but_not_select(tmp_path):
    """A chart's templates can be quietened (AL003); --select never hides a parse error."""
    from archlint.config import settings_from_table
    from archlint.engine import lint_file

    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    tpl = chart / "templates" / "deploy.yaml"
    tpl.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")
    broken = tmp_path / "Dockerfile"
    broken.write_text("# escape=x\nFROM alpine:3.20\n")  # an invalid escape directive: AL001

    def notices(path, **table):
        s = settings_from_table({"platforms": ["linux/amd64"], **table}, str(tmp_path / ".archlint.toml"))
        return [n.rule_id for n in lint_file(str(path), path.name, s).notices]

    assert notices(tpl) == ["AL003"]
    assert notices(tpl, ignore=["AL003"]) == []
    assert notices(tpl, **{"per-file-ignores": {"chart/templates/**": ["AL"]}}) == []
    assert notices(broken) == ["AL001"]
    assert notices(broken, select=["DF001"]) == ["AL001"]
    assert notices(broken, ignore=["AL001"]) == []


def _old_path_matches(relpath: str, pattern: str) -> bool:
    from fnmatch import fnmatch

    relpath = relpath.replace(os.sep, "/")
    while relpath.startswith("./"):
        relpath = relpath[2:]
    pat = pattern.rstrip("/")
    if "/" not in pat:
        return any(fnmatch(p, pat) for p in relpath.split("/")) or fnmatch(relpath, pat)
    pat = pat.lstrip("/")
    return (fnmatch(relpath, pat) or fnmatch(relpath, pat + "/*")
            or ("**/" in pat and fnmatch(relpath, pat.replace("**/", ""))))


_PATH_PARTS = st.sampled_from(["a", "b", "/", "*", "**", "?", ".", "x.yaml", "[ab]", "./", "k8s", "-"])


@hsettings(max_examples=2000, deadline=None)
@given(st.lists(_PATH_PARTS, max_size=6), st.lists(_PATH_PARTS, min_size=1, max_size=6))
def test_per_file_ignore_globs_match_as_fnmatch_does(path, pattern):
    from archlint.config import path_matches

    rel, pat = "".join(path), "".join(pattern)
    assert path_matches(rel, pat) == _old_path_matches(rel, pat)


def test_many_per_file_ignores_are_compiled_once():
    """12,000 patterns (past fnmatch's own cache): a second pass over them costs far less than
    the first, which compiled them (issue 17: every lookup recompiled)."""
    import time

    from archlint.config import path_matches

    pats = [f"gen/{i}/*.yaml" for i in range(12_000)]
    t = time.perf_counter()
    first = sum(path_matches("gen/7/x.yaml", p) for p in pats)
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    second = sum(path_matches("gen/7/x.yaml", p) for p in pats)
    t2 = time.perf_counter() - t
    assert first == second == 1
    assert t2 < t1 / 3, (t1, t2)


def test_fixtures_default_replace_and_extend(tmp_path):
    from archlint.config import DEFAULT_FIXTURES, Settings

    assert Settings().fixture_globs() == DEFAULT_FIXTURES
    assert set(DEFAULT_FIXTURES) == {"testdata", "testdata[0-9]", "fixtures", "__fixtures__", "test-fixtures", "testfiles",
                                     "testcases",
                                     "testfiles-*", "test[-_]files", "_testdata", "test_data", "test-data", "fake", "fakes",
                                     "mock", "mocks", "test", "tests", "test[-_]*", "*[-_]tests", "e2e", "functest", "functests",
                                     "integrationtest", "integrationtests", "integration[-_]test",
                                     "integration[-_]tests", "e2etest", "e2etests", "*[-_]e2etest", "*[-_]e2etests",
                                     ".test-fixtures", "**/src/it", "__tests__", "__TESTS__"}
    cfg = tmp_path / ".archlint.toml"
    cfg.write_text('extend-fixtures = ["testdata2", "e2e/golden/**"]\n')
    assert load_file(str(cfg)).fixture_globs() == DEFAULT_FIXTURES + ("testdata2", "e2e/golden/**")
    cfg.write_text("fixtures = []\n")
    assert load_file(str(cfg)).fixture_globs() == ()
    cfg.write_text('fixtures = "testdata"\n')
    with pytest.raises(ConfigError) as e:
        load_file(str(cfg))
    assert "fixtures: expected a list of glob patterns" in str(e.value)
