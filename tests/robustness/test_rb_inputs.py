"""Hostile and odd inputs, for every file kind: each gives a clear finding or notice at the right
position, never a traceback (in-process: no AL004; through the CLI: exit 0/1, never 2)."""
from __future__ import annotations

import ast
import codecs

import pytest
import yaml

from .support import (
    ALL_KINDS, COMMENT, HOSTILE, KINDS, YAML_KINDS, assert_clean_exit, assert_no_internal_errors,
    assert_spans_inside, kind_param, lint, lint_bytes, lint_path, make_repo, notices, run_cli, text_findings,
    time_limit, triples, write_kind,
)

#: for tests that hold before any parser runs (decoding, size limits)
EVERY_NAME = list(ALL_KINDS)
EVERY_KIND_WITH_FINDINGS = [kind_param(k, with_rules=True) for k in ALL_KINDS]


def findings_only(result):
    return [t for t in triples(result) if not t[0].startswith("AL")]


def baseline(kind):
    """The kind sample's findings; a test comparing against them needs at least one."""
    r = lint(kind, KINDS[kind][1])
    assert_no_internal_errors(r)
    base = findings_only(r)
    assert base, f"the {kind} sample gives no finding (parser or rules missing?)"
    return base


def with_line_appended(kind, extra: str) -> str:
    text = KINDS[kind][1]
    return text + extra + "\n"


# ---- empty and blank files ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", EVERY_NAME)
@pytest.mark.parametrize("text", ["", "\n", "\n\n\n", "   \t  ", "\r\n", "\r"], ids=repr)
def test_empty_and_blank_files(kind, text):
    r = lint(kind, text)
    assert_no_internal_errors(r)
    assert_spans_inside(r, text)
    assert not [f for f in r.findings if not f.rule_id.startswith("AL")], r.findings


@pytest.mark.cli
def test_tree_of_empty_files_of_every_kind_exits_cleanly(tmp_path):
    make_repo(tmp_path)
    for kind in ALL_KINDS:
        write_kind(tmp_path, kind, b"")
    r = run_cli(["check", "--no-cache"], tmp_path)
    assert_clean_exit(r, allowed=(1,))  # docker build rejects an empty Dockerfile: AL001, nothing else
    assert {(rule, msg.split(":")[0]) for *_, rule, msg in text_findings(r.stdout)} == {("AL001", "could not parse Dockerfile")}


# ---- binary data ------------------------------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@pytest.mark.parametrize("kind", EVERY_NAME)
@pytest.mark.parametrize("data", [
    b"\x00", PNG, b"FROM python:3.12\x00\nRUN true\n", b"#!/bin/sh\n" + b"\x00" * 10 + b"\n",
    b"a" * 9000 + b"\x00",  # a NUL past the first 8 KiB
], ids=["nul", "png", "nul-in-text", "nul-run", "late-nul"])
def test_binary_files_are_reported_not_linted(tmp_path, kind, data):
    r = lint_bytes(tmp_path, kind, data)
    assert not r.findings
    al001 = notices(r, "AL001")
    assert len(al001) == 1 and (al001[0].line, al001[0].col) == (1, 1), r.notices
    assert "binary" in al001[0].message
    assert_no_internal_errors(r)


@pytest.mark.parametrize("kind", EVERY_NAME)
def test_nul_in_the_middle_of_a_large_file_reaches_no_parser_as_a_crash(tmp_path, kind):
    """NUL bytes are looked for in the first and last 8 KiB only: one in the middle of a big file
    is decoded as text and handed to the parser, which must cope (ast.parse raises ValueError)."""
    pad = (COMMENT[kind] + " " + "x" * 60 + "\n") * 300
    data = (KINDS[kind][1] + pad + "\x00" + pad).encode()
    r = lint_bytes(tmp_path, kind, data)
    assert_no_internal_errors(r)
    assert_spans_inside(r)


@pytest.mark.cli
def test_binary_files_through_the_cli(tmp_path):
    make_repo(tmp_path)
    (tmp_path / "Dockerfile").write_bytes(PNG)
    (tmp_path / "run.sh").write_bytes(b"#!/bin/sh\n\x00\x00\n")
    r = run_cli(["check", "--no-cache"], tmp_path)
    assert_clean_exit(r, allowed=(1,))
    got = text_findings(r.stdout)
    assert {(p, line, col, rule) for p, line, col, rule, _ in got} == {
        ("Dockerfile", 1, 1, "AL001"), ("run.sh", 1, 1, "AL001")}


# ---- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", EVERY_KIND_WITH_FINDINGS)
@pytest.mark.parametrize("comment,codec,name", [
    # what a Windows editor saves: accents, and an em dash (0x97), which Latin-1 would make a C1
    # control character YAML rejects (cortex-k3s' dcgm-exporter.yaml); a byte Windows-1252 leaves
    # undefined (0x81) is read as Latin-1
    (" Jos\u00e9 M\u00fcller \u2014 GPU metrics", "cp1252", "Windows-1252"),
    (" Jos\u00e9 \x81", "latin-1", "Latin-1"),
], ids=["cp1252", "latin1"])
def test_non_utf8_is_decoded_and_named(tmp_path, kind, comment, codec, name):
    base = baseline(kind)
    text = with_line_appended(kind, COMMENT[kind] + comment)
    r = lint_bytes(tmp_path, kind, text.encode(codec))
    assert r.encoding == codec
    if codec == "latin-1" and kind in YAML_KINDS:
        # (Latin-1's 0x81 is a C1 control character, which YAML forbids even in a comment: the
        # file's parse error names it, and the run goes on)
        assert findings_only(r) == [] and "control characters" in notices(r, "AL001")[0].message
    else:
        assert findings_only(r) == base
    al006 = notices(r, "AL006")
    assert len(al006) == 1 and f"decoded as {name}" in al006[0].message, r.notices
    assert_no_internal_errors(r)


def test_an_extension_less_file_that_is_no_script_gets_no_encoding_notice(tmp_path):
    # thanos' pkg/store/6545postingsrepro: binary test data, no NUL in its first 8 KiB, no
    # shebang: not linted, so nothing is said about how it would have been decoded
    from archlint.config import Settings
    from archlint.engine import lint_file

    p = tmp_path / "6545postingsrepro"
    p.write_bytes(b"\x9b\xaf\x01\x8b" + b"\x0e\x8b" * 5000 + b"\x00\x01")
    r = lint_file(str(p), "6545postingsrepro", Settings())
    assert r.kind is None and r.findings == [] and r.notices == []
    # an extension-less script in Latin-1 is linted and the encoding named
    p.write_bytes(b"#!/bin/sh\n# Jos\xe9\ndocker build -t acme/app:1 .\n")
    r = lint_file(str(p), "6545postingsrepro", Settings())
    assert r.kind == "shell" and [n.rule_id for n in r.notices] == ["AL006"]


@pytest.mark.parametrize("kind", EVERY_KIND_WITH_FINDINGS)
@pytest.mark.parametrize("bom,codec", [
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF8, "utf-8"),
], ids=["utf16le", "utf16be", "utf32le", "utf8bom"])
def test_bom_files_are_decoded_with_the_same_findings(tmp_path, kind, bom, codec):
    base = baseline(kind)
    text = with_line_appended(kind, COMMENT[kind] + " Jos\u00e9 \u2603")
    r = lint_bytes(tmp_path, kind, bom + text.encode(codec))
    assert findings_only(r) == base  # the BOM shifts no column
    assert r.encoding.replace("_", "-").startswith(codec[:6])
    assert_no_internal_errors(r)
    assert_spans_inside(r)


@pytest.mark.parametrize("bom,codec,name", [
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
], ids=["utf16le", "utf16be", "utf32le"])
def test_non_utf8_encoding_is_named_in_an_al006_notice(tmp_path, bom, codec, name):
    """The issue: "decode what can be decoded and say which encoding was assumed" — a UTF-16 file
    is linted, and an AL006 notice says it was read as UTF-16 (tools expecting UTF-8 misread it)."""
    r = lint_bytes(tmp_path, "dockerfile", bom + "FROM python:latest\n".encode(codec))
    assert ("DF001", 1, 6) in triples(r)
    al006 = notices(r, "AL006")
    assert len(al006) == 1 and name in al006[0].message.upper().replace("UTF16", "UTF-16"), r.notices


def test_utf8_bom_is_not_an_encoding_notice(tmp_path):
    r = lint_bytes(tmp_path, "dockerfile", codecs.BOM_UTF8 + b"FROM python:latest\n")
    assert triples(r, "DF001") == [("DF001", 1, 6)]
    assert not notices(r, "AL006")


def test_invalid_utf16_after_a_bom_is_a_clear_notice(tmp_path):
    r = lint_bytes(tmp_path, "dockerfile", codecs.BOM_UTF16_LE + b"F\x00R\x00O")  # odd byte count
    assert_no_internal_errors(r)
    assert [n.rule_id for n in r.notices] == ["AL001"]


# ---- line endings and tabs --------------------------------------------------------------------

ENDINGS = {"crlf": "\r\n", "cr": "\r", "mixed": None}


def _convert(text: str, how: str) -> str:
    lines = text.split("\n")
    if how != "mixed":
        return ENDINGS[how].join(lines)
    seps = ["\r\n", "\n", "\r"]  # never a lone CR before a LF (that pair is one CRLF)
    return "".join(line + (seps[i % 3] if i < len(lines) - 1 else "") for i, line in enumerate(lines))


@pytest.mark.parametrize("kind", EVERY_KIND_WITH_FINDINGS)
@pytest.mark.parametrize("how", list(ENDINGS))
def test_line_endings_keep_positions(kind, how):
    base = baseline(kind)
    text = _convert(KINDS[kind][1], how)
    r = lint(kind, text)
    assert findings_only(r) == base
    assert_no_internal_errors(r)
    assert_spans_inside(r, text)


@pytest.mark.parametrize("name", ["crlf.Dockerfile", "lone-cr.Dockerfile"])
def test_crlf_and_lone_cr_exact_positions(name):
    r = lint_path(HOSTILE / name, name, platforms=["linux/amd64"])
    assert triples(r) == [("DF001", 3, 30), ("DF005", 2, 1), ("DF009", 3, 17)]
    assert r.lines == ["# comment", "FROM alpine:3.20", "FROM --platform=linux/x86_64 python:latest", ""]


def test_crlf_makefile_recipe_position():
    r = lint_path(HOSTILE / "crlf.mk", "crlf.mk", platforms=["linux/amd64"])
    assert triples(r) == [("BC001", 4, 9)]


def test_tabs_count_as_one_column():
    r = lint("dockerfile", "FROM\tpython:latest\n\tFROM\t\talpine:latest\n")
    assert triples(r, "DF001") == [("DF001", 1, 6), ("DF001", 2, 8)]
    r = lint("makefile", "build:\n\tdocker\tbuild\t-t acme/app:1 .\n")
    assert triples(r) == [("BC001", 2, 9)]
    r = lint("shell", "#!/bin/sh\n\t\tdocker build -t acme/app:1 .\n")
    assert triples(r) == [("BC001", 2, 10)]


def test_text_output_caret_follows_tab_expansion():
    """The caret under a tab-indented line sits under the reported word (tabs expanded to 4)."""
    from types import SimpleNamespace

    from archlint.model import RunResult
    from archlint.output.text import render

    r = lint("dockerfile", "\tFROM\tpython:latest\n")
    out = render(RunResult([r], "/", []), SimpleNamespace(color=False, statistics=False, show_fixes=False))
    lines = out.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("Dockerfile:1:7: DF001"))
    src, caret = lines[i + 2], lines[i + 3]
    assert "\t" not in src
    start = caret.index("^")
    assert src[start:start + len("python:latest")] == "python:latest"
    assert caret[start:].split()[0] == "^" * len("python:latest")


# ---- Unicode: columns are code points; only \n, \r\n and \r end a line --------------------------

UNICODE_CASES = {
    "dockerfile": "FROM python:3\nRUN echo {s} && docker build -t acme/a:1 .\n",
    "shell": "echo {s} && docker build -t acme/a:1 .\n",
    "makefile": "b:\n\techo {s} && docker build -t acme/a:1 .\n",
    "markdown": "```sh\necho {s} && docker build -t acme/a:1 . && docker push acme/a:1\n```\n",
    "python": "import threading\ns = '{s}'; threading.currentThread()\n",
}


@pytest.mark.parametrize("kind", [kind_param(k) for k in UNICODE_CASES])
@pytest.mark.parametrize("s", [
    "\u00e9", "\U0001F40D", "\u4e2d\u6587\u5b57", "e\u0301", "\U0001F468\u200d\U0001F469", "\u00a0",
    "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029",
], ids=["latin", "astral", "cjk", "combining", "zwj", "nbsp", "vt", "ff", "fs", "gs", "rs", "nel", "ls", "ps"])
def test_unicode_before_a_finding_shifts_it_by_code_points(kind, s):
    """str.splitlines() splits on \\x0b, \\x0c, \\x1c-\\x1e, \\x85, \\u2028 and \\u2029; files do not."""
    text = UNICODE_CASES[kind]
    base = [t for t in triples(lint(kind, text.format(s="a"))) if t[0] != "DF005"]
    got = [t for t in triples(lint(kind, text.format(s=s))) if t[0] != "DF005"]
    assert base
    at = next(i for i, ln in enumerate(text.split("\n"), start=1) if "{s}" in ln)
    assert got == [(r, line, col + (len(s) - 1 if line == at else 0)) for r, line, col in base]


# ---- very long lines -------------------------------------------------------------------------

MB = 1 << 20


@pytest.mark.parametrize("kind", EVERY_KIND_WITH_FINDINGS)
def test_one_megabyte_line_before_the_findings(kind):
    base = baseline(kind)
    text = KINDS[kind][1]
    head = ""
    if text.startswith("#!"):  # keep the shebang first
        head, text = text.split("\n", 1)
        head += "\n"
    long_line = COMMENT[kind] + " " + ("abcdefghijklmno " * (MB // 16))
    r = lint(kind, head + long_line + "\n" + text)
    skip = 1 if head else 0
    expected = sorted((rid, line + 1 if line > skip else line, col) for rid, line, col in base)
    assert findings_only(r) == expected
    assert_no_internal_errors(r)
    assert_spans_inside(r)


@pytest.mark.parametrize("kind,text,expected", [
    ("dockerfile", "FROM python:latest\nRUN echo " + "word " * (MB // 5) + "&& docker build -t acme/a:1 .\n",
     [("BC001", 2, 10 + 5 * (MB // 5) + 10), ("DF001", 1, 6), ("DF005", 1, 1)]),
    ("shell", "echo " + "word " * (MB // 5) + "&& docker build -t acme/a:1 .\n", [("BC001", 1, 5 + 5 * (MB // 5) + 11)]),
    ("makefile", "b:\n\techo " + "word " * (MB // 5) + "&& docker build -t acme/a:1 .\n",
     [("BC001", 2, 6 + 5 * (MB // 5) + 11)]),
    ("markdown", "```sh\necho " + "word " * (MB // 5) + "&& docker build -t acme/a:1 . && docker push acme/a:1\n```\n",
     [("BC001", 2, 5 + 5 * (MB // 5) + 11)]),
    ("python", "x = '" + "y" * MB + "'\nimport threading\nthreading.currentThread()\n", [("PY002", 3, 1)]),
], ids=["dockerfile", "shell", "makefile", "markdown", "python"])
def test_one_megabyte_line_holding_the_finding(kind, text, expected):
    r = lint(kind, text)
    assert triples(r) == sorted(expected)
    assert_spans_inside(r)


# ---- max-file-size ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", EVERY_NAME)
def test_file_over_max_file_size_is_skipped_with_al005(tmp_path, kind):
    text = KINDS[kind][1] + (COMMENT[kind] + " padding\n") * 50
    r = lint_bytes(tmp_path, kind, text.encode(), max_file_size=200)
    assert not r.findings
    al005 = notices(r, "AL005")
    assert len(al005) == 1 and "max-file-size" in al005[0].message, r.notices
    assert al005[0].severity.label == "info"


@pytest.mark.cli
def test_max_file_size_through_the_cli_exits_0_or_1_never_2(tmp_path):
    make_repo(tmp_path)
    (tmp_path / ".archlint.toml").write_text('platforms = ["linux/amd64"]\nmax-file-size = 300\n')
    for kind in ALL_KINDS:
        write_kind(tmp_path, kind, (KINDS[kind][1] + (COMMENT[kind] + " padding\n") * 40).encode())
    r = run_cli(["check", "--no-cache"], tmp_path)
    assert_clean_exit(r, allowed=(0,))  # skipped files are info: they do not fail the run
    got = text_findings(r.stdout)
    assert {rule for *_, rule, _ in got} == {"AL005"}
    assert len(got) == len(ALL_KINDS) + 0, got  # every kind's file, and nothing else (Chart.yaml is no kind)
    r = run_cli(["check", "--no-cache", "--fail-on", "info"], tmp_path)
    assert_clean_exit(r, allowed=(1,))


@pytest.mark.cli
def test_default_max_file_size_is_a_few_megabytes(tmp_path):
    from archlint.config import DEFAULT_MAX_FILE_SIZE

    assert 1 * MB <= DEFAULT_MAX_FILE_SIZE <= 16 * MB
    make_repo(tmp_path)
    (tmp_path / "Dockerfile").write_bytes(b"FROM python:latest\n" + b"#" * DEFAULT_MAX_FILE_SIZE + b"\n")
    r = run_cli(["check", "--no-cache", "Dockerfile"], tmp_path)
    assert_clean_exit(r, allowed=(0,))
    assert {x[3] for x in text_findings(r.stdout)} == {"AL005"}


# ---- truncated files: AL001 at the parser's position --------------------------------------------


def test_dockerfile_ending_in_a_continuation():
    # the builder runs the last instruction as it stands (moby/moby#27873: "\\ at EOF made the
    # builder ignore the command", fixed; kyuubi's playground Dockerfile builds so): linted, no AL001
    text = (HOSTILE / "trailing-backslash.Dockerfile").read_text()
    r = lint("dockerfile", text)
    assert [t for t in triples(r) if t[0] == "AL001"] == []
    assert ("DF005", 1, 1) in triples(r)


@pytest.mark.parametrize("kind", [kind_param("makefile")])
def test_makefile_ending_inside_define(kind):
    """GNU make stops with "missing 'endef', unterminated 'define'": AL001 at the define line;
    the recipe above is still linted."""
    text = (HOSTILE / "unterminated-define.mk").read_text()
    r = lint(kind, text)
    assert_no_internal_errors(r)
    assert triples(r) == [("AL001", 4, 1), ("BC001", 2, 9)]


def _yaml_error_positions(text: str) -> set[tuple[int, int]]:
    """PyYAML's marks for the error (pure-Python and libyaml loaders differ; libyaml can point
    one line past the end, which a notice must not: such a mark counts as the end of the file)."""
    lines = text.split("\n")
    out = set()
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        try:
            list(yaml.load_all(text, Loader=loader))
        except yaml.MarkedYAMLError as e:
            for m in (e.problem_mark, e.context_mark):
                if m is None:
                    continue
                line, col = m.line + 1, m.column + 1
                if line > len(lines):
                    line, col = len(lines), len(lines[-1]) + 1
                out.add((line, min(col, len(lines[line - 1]) + 1)))
        else:
            raise AssertionError("the truncated text is valid YAML")
    return out


TRUNCATED_YAML = {
    "kubernetes": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: a",
    "kustomization": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - {name: app, newTag: \"1.",
    "helm-values": "image:\n  repository: nginx\n  tag: [1.27\nresources:\n  limits: {cpu: 1",
    "compose": "services:\n  web:\n    image: nginx:1.27\n    labels: {a: b, c: d",
    "workflow": "name: ci\non: [push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
}


@pytest.mark.parametrize("kind", [kind_param(k) for k in YAML_KINDS])
def test_yaml_cut_mid_mapping(kind):
    text = TRUNCATED_YAML[kind]
    expected = _yaml_error_positions(text)
    r = lint(kind, text)
    assert_no_internal_errors(r)
    al001 = notices(r, "AL001")
    assert len(al001) == 1, r.notices
    assert (al001[0].line, al001[0].col) in expected
    assert_spans_inside(r, text)


@pytest.mark.parametrize("kind", [kind_param("kubernetes")])
def test_truncated_mapping_fixture(kind):
    text = (HOSTILE / "truncated-mapping.yaml").read_text()
    r = lint(kind, text)
    assert [(n.rule_id, n.line, n.col) in {("AL001",) + p for p in _yaml_error_positions(text)} for n in r.notices] == [True]


@pytest.mark.parametrize("text", [
    "import threading\n\n\ndef stamp(:\n    return threading.currentThread()\n",
    "x = (1,\n",
    "def f():\n\treturn 1\n        return 2\n",
    "print 'python 2'\n",
    "s = 'unterminated\n",
    "x = 1\n\x0c\x0c  y = 2\n",
], ids=["bad-params", "unclosed", "mixed-indent", "py2", "string", "formfeed-indent"])
def test_python_syntax_error_reports_the_parsers_position(text):
    try:
        ast.parse(text)
    except SyntaxError as e:
        expected = (e.lineno, e.offset)
    else:
        pytest.skip("valid on this Python")
    r = lint("python", text)
    assert [(n.rule_id, n.line, n.col) for n in r.notices] == [("AL001", *expected)]
    assert not r.findings


@pytest.mark.parametrize("kind,text,expected", [
    ("shell", "docker build -t acme/app:1 .\nif true; then\n  echo 'never closed\n", [("BC001", 1, 8)]),
    ("shell", "docker build -t acme/app:1 .\ncase x in\n  a) echo\n", [("BC001", 1, 8)]),
    ("shell", "docker build -t acme/app:1 .\nfoo() {\n  echo $(( 1 +\n", [("BC001", 1, 8)]),
    ("markdown", "# Run\n\n```sh\ndocker build -t acme/app:1 . && docker push acme/app:1", [("BC001", 4, 8)]),  # unclosed fence: to the end
    ("dockerfile", "FROM python:latest\nRUN <<EOF\napk add curl\n",
     [("AL001", 2, 5), ("DF001", 1, 6), ("DF005", 1, 1)]),
], ids=["sh-quote", "sh-case", "sh-arith", "md-fence", "df-heredoc"])
def test_other_truncated_files_keep_what_precedes(kind, text, expected):
    r = lint(kind, text)
    assert_no_internal_errors(r)
    assert triples(r) == sorted(expected)


# ---- deep nesting -------------------------------------------------------------------------------

DEPTH = 10_000
DEEP_VALUES = {
    "list": "[" * DEPTH + "]" * DEPTH,
    "map": '{"a": ' * DEPTH + "1" + "}" * DEPTH,
    "mixed": '[{"a": ' * (DEPTH // 2) + "1" + "}]" * (DEPTH // 2),
}
DEEP_HEADS = {
    "kubernetes": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ",
    "kustomization": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages: ",
    "helm-values": "image:\n  repository: nginx\n  tag: ",
    "compose": "services:\n  web:\n    image: nginx:1.27\n    environment: ",
    "workflow": "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: ",
}


@pytest.mark.cli
@pytest.mark.parametrize("shape", list(DEEP_VALUES))
@pytest.mark.parametrize("kind", YAML_KINDS)
def test_yaml_nested_ten_thousand_levels(tmp_path, kind, shape):
    """In a subprocess: a parser that raised the recursion limit would crash the interpreter."""
    make_repo(tmp_path)
    write_kind(tmp_path, kind, DEEP_HEADS[kind] + DEEP_VALUES[shape] + "\n")
    r = run_cli(["check", "--no-cache"], tmp_path, timeout=120)
    assert_clean_exit(r)
    assert b"AL004" not in r.stdout


@pytest.mark.cli
def test_json_document_nested_ten_thousand_levels_as_kubernetes_yaml(tmp_path):
    make_repo(tmp_path)
    (tmp_path / "deep.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems: " + DEEP_VALUES["mixed"] + "\n")
    r = run_cli(["check", "--no-cache"], tmp_path, timeout=120)
    assert_clean_exit(r)
    assert b"AL004" not in r.stdout


def test_dockerfile_exec_form_nested_ten_thousand_levels():
    """BuildKit treats an argument that is not a JSON string array as shell form; the rest of the
    file is linted as usual (no "nesting too deep" for the whole file)."""
    r = lint("dockerfile", "FROM python:latest\nRUN " + DEEP_VALUES["list"] + "\n")
    assert_no_internal_errors(r)
    assert ("DF001", 1, 6) in triples(r)


@pytest.mark.parametrize("text", [
    "x = " + "-" * DEPTH + "1\n",
    "x = " + "not " * DEPTH + "1\n",
    "x = " + "[" * DEPTH + "]" * DEPTH + "\n",
    "x = f" + "()" * DEPTH + "\n",
    "x = 1" + " + 1" * DEPTH + "\n",
    "x = a" + ".b" * DEPTH + "\n",
], ids=["unary", "not", "brackets", "calls", "binop", "attrs"])
def test_python_nested_ten_thousand_levels_is_al001_not_an_internal_error(text):
    r = lint("python", text)
    assert [n.rule_id for n in r.notices] == ["AL001"], [n.message for n in r.notices]
    assert_spans_inside(r, text)


@pytest.mark.parametrize("kind,text,expected", [
    ("shell", "(" * DEPTH + "docker build -t acme/a:1 ." + ")" * DEPTH + "\n", None),
    ("shell", "echo " + "$(" * DEPTH + "docker build -t acme/a:1 ." + ")" * DEPTH + "\n", None),
    ("shell", "if true; then " * DEPTH + "docker build -t acme/a:1 ." + "; fi" * DEPTH + "\n", None),
    ("dockerfile", "FROM python:3.12\nRUN " + "$(" * DEPTH + "true" + ")" * DEPTH + "\n", None),
    ("dockerfile", "ARG A=" + "${B:-" * DEPTH + "x" + "}" * DEPTH + "\nFROM $A\n", None),
    ("makefile", "X = " + "$(" * DEPTH + "Y" + ")" * DEPTH + "\nall:\n\tdocker build -t $(X) .\n", [("BC001", 3, 9)]),
    ("makefile", "".join(f"V{i} = $(V{i + 1})\n" for i in range(DEPTH)) + "all:\n\tdocker build -t $(V0) .\n",
     [("BC001", DEPTH + 2, 9)]),
    ("makefile", "ifeq (a,a)\n" * DEPTH + "X = 1\n" + "endif\n" * DEPTH, []),
    ("markdown", "> " * DEPTH + "```sh\n" + "> " * DEPTH + "docker build -t acme/a:1 .\n" + "> " * DEPTH + "```\n", None),
], ids=["sh-subshell", "sh-substitution", "sh-if", "df-substitution", "df-arg-default", "mk-reference",
        "mk-variable-chain", "mk-conditionals", "md-blockquote"])
def test_other_kinds_nested_ten_thousand_levels(kind, text, expected):
    r = lint(kind, text)
    assert_no_internal_errors(r)
    assert_spans_inside(r, text)
    if expected is not None:
        assert triples(r) == expected


# ---- YAML alias bombs -----------------------------------------------------------------------------


def _laughs(indent: str, levels: int = 9) -> str:
    out = [f"{indent}l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    for i in range(1, levels):
        out.append(f"{indent}l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(out) + "\n"


def _merge_bomb(indent: str, levels: int = 12) -> str:
    """Merge keys copy the merged mappings: PyYAML's own loader grows 9x per level (level 9
    takes minutes, level 12 days) unless the parser bounds the work."""
    out = [f"{indent}m0: &m0 {{" + ", ".join(f"k{i}: v" for i in range(9)) + "}"]
    for i in range(1, levels):
        out.append(f"{indent}m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 9) + "]}")
    return "\n".join(out) + "\n"


BOMB_DOCS = {
    "kubernetes": lambda b: ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: lol\n  annotations:\n"
                             + b("    ") + "spec:\n  template:\n    spec:\n      containers:\n"
                             "        - name: lol\n          image: nginx:1.27\n          args: *{last}\n"
                             "          env: *{last}\n      initContainers: *{last}\n"),
    "kustomization": lambda b: ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nx-bomb:\n"
                                + b("  ") + "images: *{last}\npatches: *{last}\n"),
    "helm-values": lambda b: "bomb:\n" + b("  ") + "image: *{last}\nnodeSelector: *{last}\ncontainers: *{last}\n",
    "compose": lambda b: ("x-bomb:\n" + b("  ") + "services:\n  web:\n    image: nginx:1.27\n"
                          "    environment: *{last}\n    command: *{last}\n    x-more: *{last}\n"),
    "workflow": lambda b: ("name: ci\non: [push]\nenv:\n" + b("  ") + "jobs:\n  build:\n    runs-on: ubuntu-latest\n"
                           "    strategy: {{matrix: {{x: *{last}}}}}\n    steps:\n      - run: docker build -t acme/a:1 .\n"
                           "        env: *{last}\n        with: *{last}\n"),
}


@pytest.mark.cli
@pytest.mark.parametrize("bomb", ["laughs", "merge"])
@pytest.mark.parametrize("kind", YAML_KINDS)
def test_yaml_alias_bombs_finish_quickly(tmp_path, kind, bomb):
    make_repo(tmp_path)
    body = _laughs if bomb == "laughs" else _merge_bomb
    last = "l8" if bomb == "laughs" else "m11"
    text = BOMB_DOCS[kind](body).replace("{last}", last).replace("{{", "{").replace("}}", "}")
    write_kind(tmp_path, kind, text)
    r = run_cli(["check", "--no-cache"], tmp_path, timeout=60)
    assert_clean_exit(r)
    assert b"AL004" not in r.stdout


def test_alias_bomb_fixture_in_process_is_fast():
    """The fixture (a Deployment carrying a 9^9 "billion laughs" and a 12-level merge-key bomb)."""
    text = (HOSTILE / "alias-bomb.yaml").read_text()
    with time_limit(30, "linting alias-bomb.yaml"):
        r = lint("kubernetes", text)
    assert_no_internal_errors(r)


# ---- Dockerfile oddities ---------------------------------------------------------------------------


@pytest.mark.parametrize("name,expected", [
    ("unknown-instruction.Dockerfile", [("AL001", 2, 1), ("DF001", 3, 6), ("DF005", 1, 1), ("DF005", 3, 1)]),
    ("directives.Dockerfile", [("DF001", 4, 6), ("DF005", 4, 1)]),
    ("heredocs.Dockerfile", [("AL001", 13, 5), ("DF005", 1, 1)]),
    ("bad-json-exec.Dockerfile", [("DF001", 1, 6), ("DF005", 1, 1)]),
    ("tabs.Dockerfile", [("BC001", 2, 13), ("DF001", 1, 6), ("DF005", 1, 1)]),
])
def test_dockerfile_oddities(name, expected):
    text = (HOSTILE / name).read_text()
    r = lint("dockerfile", text)
    assert triples(r) == sorted(expected)
    assert_spans_inside(r, text)


def test_escape_directive_makes_backtick_the_continuation():
    from archlint.parsers.dockerfile import parse
    from archlint.source import Source

    m = parse(Source("Dockerfile", (HOSTILE / "directives.Dockerfile").read_text()))
    assert m.escape == "`"
    assert set(m.directives) == {"syntax", "escape", "check"}
    run = [i for i in m.instructions if i.keyword == "RUN"][0]
    assert (run.line, run.end_line) == (5, 6)


@pytest.mark.parametrize("text,pos", [
    ("# escape=x\nFROM python:latest\n", (1, 1)),
    ("FROM python:latest\nRUN <<EOF cat\nnever ends\n", (2, 5)),
    ("FROM python:latest\nCOPY <<A /a <<B /b\nA\n", (2, 13)),
])
def test_dockerfile_parse_problems_have_positions(text, pos):
    r = lint("dockerfile", text)
    al001 = notices(r, "AL001")
    assert [(n.line, n.col) for n in al001] == [pos]
    assert_spans_inside(r, text)


@pytest.mark.parametrize("line", [
    'CMD ["a", \'b\']', "ENTRYPOINT [", 'RUN ["sh", "-c", "echo"', "SHELL [1, 2]", 'CMD ["\\ud800"]',
    "RUN [" + '"x",' * 5000 + '"y"]', 'CMD {"a": 1}', "RUN []", 'VOLUME ["/a" "/b"]', "HEALTHCHECK CMD [",
    "ONBUILD RUN [", "COPY [\"a\", ", "ADD --chmod=777 [\"a\"", "EXPOSE [", "LABEL [=]",
])
def test_dockerfile_bad_json_forms_never_crash(line):
    text = "FROM python:latest\n" + line + "\n"
    r = lint("dockerfile", text)
    assert_no_internal_errors(r)
    assert ("DF001", 1, 6) in triples(r)
    assert_spans_inside(r, text)


# ---- shell oddities ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["unbalanced-quotes.sh", "unterminated-heredoc.sh"])
def test_shell_oddities_fixtures(name):
    text = (HOSTILE / name).read_text()
    r = lint("shell", text)
    assert_no_internal_errors(r)
    assert_spans_inside(r, text)


@pytest.mark.parametrize("text", [
    "echo 'a\n", 'echo "a\n', "echo `a\n", "echo $(a\n", "echo ${a\n", "cat <<EOF\n", "cat <<-'EOF'\n\tx\n",
    "cat <<EOF <<EOF2\nEOF\n", "cat << \n", "echo \\", "\\", "'", '"', "`", "$(", "<<", "<<<", ")", "}", "fi", "done",
    "esac", "case", "for", "if", "((", "[[", "]]", "[[ -n", "a=(", "a=(1 2", "echo $((1+", "function", "f() {",
    "docker build --platform 'linux/amd64 -t acme/a:1 .\n", 'docker build --platform "$(uname -m .\n',
    "sh -c 'docker build -t acme/a:1 .\n", "docker build -t acme/a:1 . <<EOF\n", "docker build -t acme/a:1 . #'\"`\n",
])
def test_shell_fragments_never_crash(text):
    r = lint("shell", text)
    assert_no_internal_errors(r)
    assert_spans_inside(r, text)


def test_command_before_an_unterminated_heredoc_is_linted():
    r = lint("shell", "docker build -t acme/app:1 .\ncat <<EOF\nthe end never comes\n")
    assert ("BC001", 1, 8) in triples(r)


# ---- the hostile corpus, all at once ----------------------------------------------------------------

CORPUS = sorted(p for p in HOSTILE.rglob("*") if p.is_file() and p.name != ".gitattributes")


def test_corpus_is_what_this_module_expects():
    names = {p.relative_to(HOSTILE).as_posix() for p in CORPUS}
    assert "terminal-escapes.Dockerfile" in names and "alias-bomb.yaml" in names
    assert len(names) >= 25


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.relative_to(HOSTILE).as_posix())
def test_every_hostile_fixture_in_process(path):
    with time_limit(60, f"linting {path.name}"):
        r = lint_path(path, path.relative_to(HOSTILE).as_posix(), platforms=["linux/amd64"], select=["ALL"])
    assert_no_internal_errors(r)
    assert_spans_inside(r)


@pytest.mark.cli
def test_hostile_corpus_through_the_cli(tmp_path):
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(HOSTILE, root)
    make_repo(root)
    for fmt in ("text", "json"):
        r = run_cli(["check", "--no-cache", "--output-format", fmt], root, timeout=300)
        assert_clean_exit(r, allowed=(1,))
        assert b"AL004" not in r.stdout
    assert not list(root.rglob("archlint-hostile-marker")), "content of a linted file was executed"
    assert not (tmp_path / "archlint-hostile-marker").exists()


# ---- standard input ----------------------------------------------------------------------------------


@pytest.mark.cli
@pytest.mark.parametrize("data,code,rules", [
    (b"", 1, {"AL001"}),  # docker build rejects an empty Dockerfile
    (b"\x00\x01\x02", 1, {"AL001"}),
    (codecs.BOM_UTF16_LE + "FROM python:latest\n".encode("utf-16-le"), 1, {"DF001", "DF005", "AL006"}),
    ("FROM python:latest\r\n".encode(), 1, {"DF001", "DF005"}),
    (b"FROM python:latest\n# \xe9\n", 1, {"DF001", "DF005", "AL006"}),  # the encoding is named for stdin too
    (b"FROM python:latest\nRUN " + b"[" * DEPTH + b"\n", 1, {"DF001", "DF005"}),
], ids=["empty", "binary", "utf16", "crlf", "latin1", "deep"])
def test_hostile_stdin(tmp_path, data, code, rules):
    make_repo(tmp_path)
    r = run_cli(["check", "--no-cache", "--stdin-filename", "Dockerfile", "-"], tmp_path, stdin=data)
    assert_clean_exit(r, allowed=(code,))
    got = {rule for *_, rule, _ in text_findings(r.stdout)}
    assert rules <= got and got <= rules | {"AL001", "AL006"}, got
