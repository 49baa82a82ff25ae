"""Every DF rule: bad fixtures give exactly the expected IDs at line:col, good fixtures none."""
from __future__ import annotations

import pytest

from helpers import FIXTURES, ids, lint

DF = FIXTURES / "DF"
ONE = ["linux/amd64"]
TWO = ["linux/amd64", "linux/arm64"]

CASES = [
    # (fixture, platforms, rule, expected [(line, col)])
    ("DF001.bad", [], "DF001", [(2, 6), (3, 6), (4, 6)]),
    ("DF001.good", [], "DF001", []),
    ("DF002.bad", [], "DF002", [(2, 6), (3, 6), (4, 6)]),
    ("DF002.good", [], "DF002", []),
    ("DF003.bad", [], "DF003", [(1, 6), (3, 6)]),
    ("DF003.bad", TWO, "DF003", [(1, 6), (3, 6)]),
    ("DF003.bad", ONE, "DF003", []),  # amd64 is the single target; arm64 is DF004's
    ("DF003.good", TWO, "DF003", []),
    ("DF004.bad", ONE, "DF004", [(1, 17)]),
    ("DF004.bad", [], "DF004", []),
    ("DF004.good", ONE, "DF004", []),
    ("DF005.bad", ONE, "DF005", [(1, 1), (4, 1)]),
    ("DF005.bad", TWO, "DF005", [(1, 1)]),  # only the builder stage
    ("DF005.bad", [], "DF005", [(4, 1)]),  # only the final stage
    ("DF005.good", ONE, "DF005", []),
    ("DF005.multi", TWO, "DF005", [(1, 1)]),
    ("DF006.bad", ONE, "DF006", [(2, 107), (3, 77), (4, 41)]),
    ("DF006.bad", [], "DF006", [(2, 107), (3, 77), (4, 41)]),
    ("DF006.good", ONE, "DF006", []),
    ("DF006.good", TWO, "DF006", []),
    ("DF007.bad", [], "DF007", [(3, 10), (3, 27), (6, 21)]),
    ("DF007.good", [], "DF007", []),
    ("DF008.bad", TWO, "DF008", [(2, 19), (3, 5), (5, 5), (6, 30), (7, 5), (7, 42)]),
    ("DF008.good", TWO, "DF008", []),
    ("DF009.bad", [], "DF009", [(1, 17), (2, 17), (3, 17), (4, 17)]),
    ("DF009.good", [], "DF009", []),
    ("DF010.bad", [], "DF010", [(1, 6), (2, 6)]),
    ("DF010.good", [], "DF010", []),
    ("DF011.bad", [], "DF011", [(1, 6)]),
    ("DF011.good", [], "DF011", []),
    ("heredoc", TWO, "DF", []),
]


@pytest.mark.parametrize("fixture,platforms,rule,expected", CASES, ids=[f"{c[0]}-{c[2]}-{len(c[1])}p" for c in CASES])
def test_rule_fixture(fixture, platforms, rule, expected):
    r = lint(DF / f"{fixture}.Dockerfile", kind="dockerfile", platforms=platforms, extend_select=["DF011"])
    assert not [n for n in r.notices if n.rule_id in ("AL001", "AL004")], r.notices
    got = [(line, col) for rid, line, col in ids(r, rule) if rid == rule or rule == "DF" and rid != "DF011"]
    assert got == expected


def test_df011_off_by_default():
    r = lint(DF / "DF011.bad.Dockerfile", kind="dockerfile")
    assert "DF011" not in {f.rule_id for f in r.findings}


def test_df006_severity_follows_policy():
    one = lint(DF / "DF006.bad.Dockerfile", kind="dockerfile", platforms=ONE)
    sev = {(f.span.line, f.span.col): f.severity.label for f in one.findings if f.rule_id == "DF006"}
    assert sev == {(2, 107): "error", (3, 77): "warning", (4, 41): "warning"}


def test_df006_pinned_single_platform_is_fine():
    text = "FROM --platform=linux/amd64 alpine:3.20\nADD https://x.example/tool-linux-amd64 /bin/tool\n"
    assert ids(lint("Dockerfile", text, platforms=ONE), "DF006") == []
    # with two targets, a pinned stage still ships amd64 bits into the arm64 image's build
    assert ids(lint("Dockerfile", text, platforms=TWO), "DF006") == [("DF006", 2, 34)]


def test_df007_fix_inserts_arg_after_from():
    r = lint(DF / "DF007.bad.Dockerfile", kind="dockerfile")
    f = next(f for f in r.findings if f.rule_id == "DF007" and f.span.line == 3 and f.span.col == 10)
    (edit,) = f.fix.edits
    assert f.fix.safe
    assert (edit.span.line, edit.span.col, edit.text) == (2, 52, "\nARG TARGETOS")


def test_df009_suggests_and_fixes():
    r = lint(DF / "DF009.bad.Dockerfile", kind="dockerfile")
    got = {f.span.line: (f.fix.edits[0].text if f.fix else None) for f in r.findings if f.rule_id == "DF009"}
    assert got == {1: "linux/amd64", 2: "linux/amd64", 3: "linux/arm64", 4: "linux/amd64"}


def test_df010_fix_removes_flag_and_space():
    r = lint(DF / "DF010.bad.Dockerfile", kind="dockerfile")
    f = next(f for f in r.findings if f.rule_id == "DF010")
    (edit,) = f.fix.edits
    assert (edit.span.line, edit.span.col, edit.span.end_col, edit.text) == (1, 6, 33, "")


def test_df001_through_arg_default_has_related_location():
    r = lint(DF / "DF001.bad.Dockerfile", kind="dockerfile")
    f = next(f for f in r.findings if f.rule_id == "DF001" and f.span.line == 3)
    assert "through an ARG default" in f.message
    assert f.related and f.related[0].span.line == 1


def test_heredoc_bodies_are_not_instructions():
    r = lint(DF / "heredoc.Dockerfile", kind="dockerfile", platforms=TWO)
    assert [n for n in r.notices if n.rule_id == "AL001"] == []
    assert "DF001" not in {f.rule_id for f in r.findings}  # FROM ubuntu:latest inside a heredoc


def test_unknown_instruction_is_reported_and_the_rest_linted():
    r = lint("Dockerfile", "FROM ubuntu:latest\nBOGUS x\nFROM python\n")
    assert ids(r) == [("AL001", 2, 1), ("DF001", 1, 6), ("DF002", 3, 6), ("DF005", 3, 1)]


def test_unterminated_heredoc_and_trailing_continuation():
    r = lint("Dockerfile", "FROM alpine:3.20\nRUN <<EOF\necho hi\n")
    assert ("AL001", 2, 5) in ids(r)
    r = lint("Dockerfile", "FROM alpine:3.20\nRUN echo hi \\")
    assert ("AL001", 2, 1) in ids(r)


def test_escape_directive_backtick():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    b\nFROM python:latest\n"
    r = lint("Dockerfile", text)
    assert ids(r, "DF001") == [("DF001", 5, 6)]


def test_crlf_positions():
    text = "FROM alpine:3.20\r\nFROM --platform=linux/x86_64 python:latest\r\n"
    r = lint("Dockerfile", text)
    assert ids(r, "DF00") == [("DF001", 2, 30), ("DF009", 2, 17)]
