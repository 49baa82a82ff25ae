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


def test_a_repositorys_hadolint_configuration_ignores_its_mapped_rules(tmp_path):
    # stackabletech/docker-images' .hadolint.yaml ignores DL3006 (its FROM local-image/... are bake
    # contexts); rocker-versioned2's DL3007 (devel images on ubuntu:latest by design)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".hadolint.yaml").write_text("---\nignored:\n  - DL3006\n  - \"DL3007\"  # latest on purpose\n"
                                             "  - DL3008\ntrustedRegistries:\n  - docker.io\n")
    df = tmp_path / "svc" / "Dockerfile"
    df.parent.mkdir()
    text = "FROM --platform=linux/amd64 local-image/java-devel AS build\nFROM ubuntu:latest\n"
    df.write_text(text)
    r = lint(df, text, platforms=["linux/amd64", "linux/arm64"])
    assert sorted((f.rule_id, f.span.line, f.suppressed) for f in r.findings if f.rule_id in ("DF001", "DF002", "DF003")) == [
        ("DF001", 2, True), ("DF002", 1, True), ("DF003", 1, False)]
    assert str(tmp_path / ".hadolint.yaml") in r.deps  # (a change there changes the result: the cache knows)
    # the nearest one wins, as archlint's own configuration; another tool's file that is no YAML,
    # or whose ignored list is not one, suppresses nothing
    (tmp_path / "svc" / ".hadolint.yml").write_text("ignored: DL3006\n")
    assert [f.rule_id for f in lint(df, text).findings if f.suppressed] == []
    (tmp_path / "svc" / ".hadolint.yml").write_text("ignored: [DL3006\n\t- :")
    assert [f.rule_id for f in lint(df, text).findings if f.suppressed] == []
    # above the repository's top level: not this repository's; where none is, the places looked at
    # are what the result depends on (one written there later changes it)
    (tmp_path / "svc" / ".hadolint.yml").unlink()
    (tmp_path / "svc" / ".git").mkdir()
    r = lint(df, text)
    assert [f.rule_id for f in r.findings if f.suppressed] == []
    assert str(tmp_path / "svc" / ".hadolint.yaml") in r.deps and str(tmp_path / "svc" / ".hadolint.yml") in r.deps
    # outside any repository (no .git above): none is read
    (tmp_path / ".git").rmdir()
    loose = tmp_path / "loose" / "sub" / "Dockerfile"
    loose.parent.mkdir(parents=True)
    loose.write_text(text)
    (tmp_path / "loose" / ".hadolint.yaml").write_text("ignored: [DL3006, DL3007]\n")
    assert [f.rule_id for f in lint(loose, text).findings if f.suppressed] == []
