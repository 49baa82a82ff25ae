"""A typo never turns linting off (issue 15): unknown rule IDs in selections, severities,
per-file ignores and suppressions; values of the wrong shape; a Dockerfile with nothing to
build; and the path of archlint's own suppression findings in every output format."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archlint import cli
from archlint.config import ConfigError, ConfigResolver, load_file, settings_from_table
from archlint.model import Severity
from helpers import check, dedent, lint_inline, write_files


def run_cli(capsys, monkeypatch, cwd: Path, *args: str, cache: Path | None = None):
    """``archlint check ARGS`` in ``cwd``, in this process: (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("NO_COLOR", "1")
    if cache is None:
        monkeypatch.setenv("ARCHLINT_NO_CACHE", "1")
    else:
        monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
        monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(cache))
    capsys.readouterr()
    code = cli.main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tree(repo):
    write_files(repo, {"Dockerfile": "FROM python:latest\n"})
    return repo


# ---- 1. unknown rule IDs and prefixes in the selection ------------------------------------------


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--select", "DF999"], "command line: select: 'DF999' matches no rule ID or prefix; did you mean"),
        (["--select", "XYZ"], "command line: select: 'XYZ' matches no rule ID or prefix"),
        (["--select", "DF001,DFX001"], "'DFX001' matches no rule ID or prefix; did you mean 'DF001'?"),
        (["--ignore", "FOO1"], "command line: ignore: 'FOO1' matches no rule ID or prefix"),
        (["--extend-select", "AL099"], "command line: extend-select: 'AL099' matches no rule ID or prefix"),
        (["--severity", "DF999=error"], "command line: severity.DF999: 'DF999' matches no rule ID or prefix"),
        (["--ignore", "K8S01"], "'K8S01' matches no rule ID or prefix; did you mean 'K8S001'?"),
        (["--select", "dl3007"], "'dl3007' matches no rule ID or prefix; did you mean 'DF001'?"),
    ],
)
def test_unknown_selector_on_the_command_line_is_a_usage_error(capsys, monkeypatch, tree, args, fragment):
    code, out, err = run_cli(capsys, monkeypatch, tree, *args, "Dockerfile")
    assert code == 2, (out, err)
    assert fragment in err
    assert "No findings" not in out


def test_selectors_are_case_insensitive(capsys, monkeypatch, tree):
    code, out, err = run_cli(capsys, monkeypatch, tree, "--select", "df001", "--severity", "df001=info",
                             "--output-format", "json", "Dockerfile")
    assert (code, err) == (0, "")  # an info finding does not fail the run
    found = [(f["rule"], f["severity"]) for f in json.loads(out)["findings"]]
    assert found == [("DF001", "info")]


@pytest.mark.parametrize("selector", ["ALL", "all", "AL", "DF", "df", "DF0", "DF00", "DF001", "D", "K8S", "K8S00", "GHA004", "PY"])
def test_known_selectors_are_accepted(selector):
    assert settings_from_table({"select": [selector], "ignore": [selector]}, None).select == (selector.upper(),)


@pytest.mark.parametrize(
    "text,key,fragment",
    [
        ('select = ["DF999"]\n', "select", "'DF999' matches no rule ID or prefix; did you mean"),
        ('ignore = ["DF0001"]\n', "ignore", "'DF0001' matches no rule ID or prefix; did you mean 'DF001'?"),
        ('extend-select = ["AL002", "AL02"]\n', "extend-select", "'AL02' matches no rule ID or prefix"),
        ('[severity]\nDFF001 = "error"\n', "severity.DFF001", "did you mean 'DF001'?"),
        ('[per-file-ignores]\n"legacy/*" = ["DF001", "XYZ"]\n', "per-file-ignores.legacy/*", "'XYZ' matches no rule ID"),
    ],
)
def test_unknown_selector_in_a_configuration_file(tmp_path, text, key, fragment):
    p = tmp_path / ".archlint.toml"
    p.write_text(text)
    with pytest.raises(ConfigError) as e:
        load_file(str(p))
    assert e.value.key == key
    assert str(e.value).startswith(f"{p}: {key}: ")
    assert fragment in str(e.value)


def test_unknown_selector_in_pyproject_exits_2(capsys, monkeypatch, tree):
    (tree / "pyproject.toml").write_text('[tool.archlint]\nselect = ["DF", "BX"]\n')
    code, out, err = run_cli(capsys, monkeypatch, tree, "Dockerfile")
    assert code == 2
    assert f"{tree / 'pyproject.toml'}: select: 'BX' matches no rule ID or prefix; did you mean 'BC'?" in err


def test_a_remembered_configuration_is_validated_again(capsys, monkeypatch, tree, tmp_path_factory):
    """The parsed TOML is memoised across runs (archlint.run.memo); the verdict on its rule IDs
    is not: a memo hit is still an error."""
    cache = tmp_path_factory.mktemp("cache")
    (tree / ".archlint.toml").write_text('ignore = ["DF0O1"]\n')
    for _ in range(2):
        code, out, err = run_cli(capsys, monkeypatch, tree, "Dockerfile", cache=cache)
        assert code == 2 and "'DF0O1' matches no rule ID or prefix" in err, (out, err)
    assert list((cache / "memo").iterdir())  # the second run read the memo


def test_selector_validation_imports_only_the_family_it_names():
    """Family prefixes are judged from the FAMILIES table and rule IDs from the families' source
    text, so valid selectors import no family; only a did-you-mean loads the families that look
    alike, never all of them."""
    script = dedent('''
        import sys
        from archlint.config import ConfigError, settings_from_table
        families = lambda: sorted(m for m in sys.modules if m.count(".") == 2 and m.startswith("archlint.checks."))
        settings_from_table({"select": ["ALL", "DF", "K8S", "PY", "D"], "ignore": ["GHA"]}, None)
        print(families())
        settings_from_table({"select": ["DF001"], "severity": {"DF0": "error"}}, None)
        print(families())
        try:
            settings_from_table({"ignore": ["DC999"]}, None)
        except ConfigError as e:
            print(families(), e)
    ''')
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "ARCHLINT_NO_CACHE": "1"})
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "[]",
        "[]",
        "['archlint.checks.compose', 'archlint.checks.dockerfile'] command line: ignore: 'DC999' matches no rule ID "
        "or prefix; did you mean 'DC'?",
    ]


# ---- 2. unknown rule IDs in suppressions (AL008) ------------------------------------------------


def test_unknown_id_in_a_suppression_is_reported():
    assert check("""
        # archlint: ignore[DF001,XYZ123] legacy
        FROM python:latest
        # archlint: ignore-file[DF0001]
        # archlint: ignore[dl3007]
        FROM ubuntu:latest AS b
    """, "AL", kind="dockerfile") == [
        "1:26 AL008 unknown rule in suppression: XYZ123 matches no archlint rule ID, so it suppresses "
        "nothing; `archlint rules` lists them",
        "3:25 AL008 unknown rule in suppression: DF0001 matches no archlint rule ID, so it suppresses "
        "nothing; did you mean DF001?",
        "4:20 AL008 unknown rule in suppression: DL3007 matches no archlint rule ID, so it suppresses "
        "nothing; did you mean DF001?",
    ]


def test_unknown_id_in_a_suppression_other_kinds():
    assert check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
            - name: c
              image: nginx:1.27  # archlint: ignore[K8S01]
    """, "AL", kind="kubernetes") == [
        "8:45 AL008 unknown rule in suppression: K8S01 matches no archlint rule ID, so it suppresses "
        "nothing; did you mean K8S001?",
    ]
    assert check("""
        # archlint: ignore[ALL]
        docker build .
    """, "AL", kind="shell") == [
        "1:20 AL008 unknown rule in suppression: ALL matches no archlint rule ID, so it suppresses "
        "nothing; `archlint: ignore` without a list suppresses every rule",
    ]


def test_known_ids_and_prefixes_in_suppressions_are_not_reported():
    assert check("""
        # archlint: ignore-file[K8S, AL002]
        # archlint: ignore[DF0,DF00,df001,D,BC]
        FROM python:latest
        # archlint: ignore
        FROM ubuntu:latest AS b
        # hadolint ignore=DL3007,DL9999
        FROM ubuntu:latest AS c
    """, "AL", kind="dockerfile") == []


def test_unknown_id_in_a_suppression_obeys_the_selection():
    text = "# archlint: ignore[XYZ123]\nFROM alpine:3.20\n"
    assert check(text, "AL008", kind="dockerfile", ignore=["AL008"]) == []
    assert check(text, "AL008", kind="dockerfile", select=["DF"]) == []
    found = lint_inline(text, kind="dockerfile", severity={"AL008": "error"}).findings
    assert [(f.rule_id, f.severity.label) for f in found if f.rule_id.startswith("AL")] == [("AL008", "error")]


# ---- 3. the path of AL002 and AL008 findings, in every output format ----------------------------

SUPPRESSED = """\
# archlint: ignore[DF002]
FROM alpine:3.20
# archlint: ignore[XYZ123]
FROM alpine:3.20 AS b
"""


def _al_paths(fmt: str, out: str) -> dict[str, list[str]]:
    """{rule: [the path each of its findings names]} from a report in ``fmt``."""
    found: dict[str, list[str]] = {}
    if fmt == "text":
        for line in out.splitlines():
            for rid in ("AL002", "AL008"):
                if f" {rid} " in line:
                    found.setdefault(rid, []).append(line.split(":")[0])
    elif fmt == "json":
        for f in json.loads(out)["findings"]:
            found.setdefault(f["rule"], []).append(f["path"])
    elif fmt == "gitlab":
        for f in json.loads(out):
            rid = f["check_name"] if "check_name" in f else f["description"].split()[0]
            found.setdefault(rid, []).append(f["location"]["path"])
    elif fmt == "sarif":
        for r in json.loads(out)["runs"][0]["results"]:
            loc = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            found.setdefault(r["ruleId"], []).append(loc)
    elif fmt == "github":
        for line in out.splitlines():
            for rid in ("AL002", "AL008"):
                if f"title={rid}" in line:
                    fields = dict(kv.split("=", 1) for kv in line.split("::")[1].split(" ", 1)[1].split(","))
                    found.setdefault(rid, []).append(fields.get("file", ""))
    return {k: v for k, v in found.items() if k in ("AL002", "AL008")}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab"])
def test_suppression_findings_name_their_file_in_every_format(capsys, monkeypatch, repo, fmt):
    write_files(repo, {"svc/Dockerfile": SUPPRESSED})
    code, out, err = run_cli(capsys, monkeypatch, repo, "--isolated", "--extend-select", "AL002",
                             "--output-format", fmt, "--exit-zero", ".")
    assert code == 0, err
    assert _al_paths(fmt, out) == {"AL002": ["svc/Dockerfile"], "AL008": ["svc/Dockerfile"]}, out


# ---- 5. values of the wrong shape; a Dockerfile with nothing to build ---------------------------


@pytest.mark.parametrize(
    "text,key,fragment",
    [
        ('platforms = "linux/amd64"\n', "platforms", "expected a list of os/arch[/variant] strings, e.g. "
         '["linux/amd64", "linux/arm64"], got a string \'linux/amd64\''),
        ('select = "DF"\n', "select", "got a string 'DF'"),
        ('kubernetes-version = "2.0"\n', "kubernetes-version", "'2.0' is not a Kubernetes release archlint knows: "
         'expected "1.N" with N up to'),
        ('kubernetes-version = "1.99"\n', "kubernetes-version", "'1.99' is not a Kubernetes release"),
        ('kubernetes-version = "1"\n', "kubernetes-version", "expected a version string such as \"1.29\", got '1'"),
        ('kubernetes-version = 1.30\n', "kubernetes-version", "(quoted), got 1.3"),
        ('python-version = 3.10\n', "python-version", "(quoted), got 3.1"),
    ],
)
def test_values_of_the_wrong_shape_are_errors(tmp_path, text, key, fragment):
    p = tmp_path / ".archlint.toml"
    p.write_text(text)
    with pytest.raises(ConfigError) as e:
        load_file(str(p))
    assert e.value.key == key
    assert fragment in str(e.value)


@pytest.mark.parametrize("version", ["2.0", "1", "abc", "1.x"])
def test_unknown_kubernetes_version_on_the_command_line(capsys, monkeypatch, tree, version):
    code, out, err = run_cli(capsys, monkeypatch, tree, "--kubernetes-version", version, "Dockerfile")
    assert code == 2
    assert "command line: kubernetes-version: " in err and repr(version) in err


@pytest.mark.parametrize("version,stored", [("1.30", "1.30"), ("v1.29", "1.29"), ("1.29.3", "1.29.3"), ("1.16", "1.16")])
def test_kubernetes_versions_archlint_knows_are_accepted(version, stored):
    assert settings_from_table({"kubernetes-version": version}, None).kubernetes_version == stored


def test_kubernetes_versions_up_to_a_little_past_the_newest_are_accepted():
    from archlint import config
    from archlint.checks.kubernetes.apis import default_kubernetes_version

    newest = int(default_kubernetes_version().split(".")[1])
    # the shortcut that spares reading the API pack never accepts more than the pack would
    assert config._K8S_MINOR_FLOOR <= newest
    last = newest + config._K8S_MINOR_AHEAD
    assert settings_from_table({"kubernetes-version": f"1.{last}"}, None).kubernetes_version == f"1.{last}"
    with pytest.raises(ConfigError, match=rf"N up to {last} \(the newest release in its data is 1.{newest}\)"):
        settings_from_table({"kubernetes-version": f"1.{last + 1}"}, None)


def test_the_command_line_may_still_give_one_comma_separated_string():
    s = settings_from_table({"platforms": "linux/amd64,linux/arm64", "select": "DF"}, None)
    assert [str(p) for p in s.platforms] == ["linux/amd64", "linux/arm64"] and s.select == ("DF",)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", (1, 1, 'the Dockerfile is empty; docker build rejects it ("the Dockerfile cannot be empty")')),
        ("\n\n   \n", (1, 1, "the Dockerfile is empty")),
        ("# syntax=docker/dockerfile:1\n# just a comment\n\n", (1, 1, "the Dockerfile is empty")),
    ],
)
def test_a_dockerfile_with_nothing_to_build_is_a_parse_error(text, expected):
    r = lint_inline(text, kind="dockerfile")
    assert [(n.rule_id, n.line, n.col) for n in r.notices] == [("AL001",) + expected[:2]]
    assert r.notices[0].message.startswith("could not parse Dockerfile: " + expected[2])


def test_a_dockerfile_with_instructions_and_no_from_is_a_fragment():
    # corpusops' Dockerfile.base, .clean, .helpers... (8 AL001 errors judged wrong readings): main.sh puts
    # them after Dockerfile.from with `cat $dockerfiles | envsubst ... > Dockerfile`; never built alone
    r = lint_inline("# a comment\nARG VERSION=1\nRUN echo $VERSION\n", kind="dockerfile", name="Dockerfile.base")
    assert [(n.rule_id, n.line, n.col, n.severity) for n in r.notices] == [("AL001", 2, 1, Severity.INFO)]
    assert r.notices[0].message == ("Dockerfile.base: no FROM instruction: a fragment that a script or a template puts "
                                    "after a FROM (cat, envsubst), not built alone, not linted")
    assert r.findings == []


def test_only_the_first_problem_when_the_file_has_others():
    r = lint_inline("FORM alpine:3.20\n", kind="dockerfile")
    assert [n.message for n in r.notices] == ["could not parse Dockerfile: unknown instruction 'FORM' (line 1, column 1)"]


# ---- where each setting came from (for --show-settings) -----------------------------------------


def test_settings_origin(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.archlint]\nplatforms = ["linux/amd64"]\nselect = ["DF"]\n')
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / ".archlint.toml").write_text('kubernetes-version = "1.30"\n')
    r = ConfigResolver(overrides={"select": ["DF001"], "severity": {"DF001": "info"}})
    top = r.for_path(str(tmp_path / "Dockerfile"))
    assert top.origin("platforms") == f"{tmp_path / 'pyproject.toml'} [tool.archlint]"
    assert top.origin("select") == top.origin("severity") == "command line"
    assert top.origin("kubernetes-version") == top.origin("kubernetes_version") == "default"
    svc = r.for_path(str(tmp_path / "svc" / "Dockerfile"))
    assert svc.origin("kubernetes-version") == str(tmp_path / "svc" / ".archlint.toml")
    assert svc.origin("platforms") == "default" and svc.origin("select") == "command line"
    with pytest.raises(KeyError):
        top.origin("colour")
