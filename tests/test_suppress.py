"""Inline suppressions: own line, end of line, file level, peers' syntax, unused (AL002)."""
from __future__ import annotations

from helpers import ids, lint


def test_own_line_covers_the_whole_next_instruction():
    text = (
        "# archlint: ignore[DF001] legacy base, replaced in Q3\n"
        "FROM ubuntu:latest \\\n"
        "  AS build\n"
        "FROM python:latest\n"
    )
    r = lint("Dockerfile", text)
    assert ids(r, "DF001") == [("DF001", 4, 6)]
    assert [f.span.line for f in r.findings if f.suppressed] == [2]


def test_trailing_comment_is_not_a_comment_in_dockerfiles():
    r = lint("Dockerfile", "FROM ubuntu:latest # archlint: ignore[DF001]\n")
    assert ids(r, "DF001") != []


def test_file_level_and_blanket():
    text = "# archlint: ignore-file[DF001]\nFROM ubuntu:latest\nFROM python\n"
    assert ids(lint("Dockerfile", text), "DF00") == [("DF002", 3, 6), ("DF005", 3, 1)]
    text = "# archlint: ignore-file\nFROM ubuntu:latest\nFROM python\n"
    assert ids(lint("Dockerfile", text)) == []


def test_prefix_selects_a_family():
    text = "# archlint: ignore[DF]\nFROM python:latest\n"
    assert ids(lint("Dockerfile", text)) == []


def test_hadolint_and_buildkit_suppressions_are_honoured():
    text = "# hadolint ignore=DL3007\nFROM ubuntu:latest\nFROM python\n"
    assert ids(lint("Dockerfile", text), "DF00") == [("DF002", 3, 6), ("DF005", 3, 1)]
    text = "# hadolint global ignore=DL3006\nFROM python\nFROM ubuntu:latest\n"
    assert ids(lint("Dockerfile", text), "DF00") == [("DF001", 3, 6), ("DF005", 3, 1)]
    text = "# check=skip=RedundantTargetPlatform\nFROM --platform=$TARGETPLATFORM alpine:3.20\n"
    assert ids(lint("Dockerfile", text), "DF010") == []


def test_unused_suppression_reported_only_when_enabled():
    text = "# archlint: ignore[DF002]\nFROM python:3.12-slim\n"
    assert ids(lint("Dockerfile", text), "AL002") == []
    r = lint("Dockerfile", text, extend_select=["AL002"])
    assert ids(r, "AL002") == [("AL002", 1, 3)]
    assert [f.path for f in r.findings if f.rule_id == "AL002"] == ["Dockerfile"]


def test_unknown_rule_in_suppression_is_reported_with_its_path():
    r = lint("svc/Dockerfile", "# archlint: ignore[DF02]\nFROM python:3.12-slim\n")
    assert [(f.rule_id, f.path, f.span.line, f.span.col, f.message) for f in r.findings if f.rule_id.startswith("AL")] == [
        ("AL008", "svc/Dockerfile", 1, 20,
         "unknown rule in suppression: DF02 matches no archlint rule ID, so it suppresses nothing; did you mean DF002?"),
    ]


def test_used_suppression_is_not_reported_unused():
    text = "# archlint: ignore[DF001]\nFROM python:latest\n"
    assert ids(lint("Dockerfile", text, extend_select=["AL002"]), "AL") == []
