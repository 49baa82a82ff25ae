"""GitHub's primaryLocationLineHash (against upload-sarif's own test vectors) and archlint's
semantic fingerprint (stable when unrelated lines move)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from archlint.fingerprint import assign_fingerprints, file_text_as_uploaded, line_hashes, semantic_fingerprint
from archlint.model import FileResult, Finding, Severity, Span

# upload-sarif's vectors, kept in tests/data/ (origin and MIT licence in tests/data/NOTICE.md)
VECTORS = Path(__file__).resolve().parent / "data" / "primaryLocationLineHash-vectors.json"


def _cases():
    return json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]


CASES = _cases()


def test_vectors_present():
    assert len(CASES) == 9


@pytest.mark.parametrize("case", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_line_hash_vectors(case):
    assert line_hashes(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_line_hash_upto_is_a_prefix(case):
    for n in range(len(case["expected"]) + 1):
        assert line_hashes(case["input"], upto=n) == case["expected"][:n]


def test_one_hash_per_line_including_the_last_empty_one():
    text = "FROM a\n\n  RUN b\r\nRUN c\rEND\n"
    assert len(line_hashes(text)) == len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def test_line_ends_and_blanks_do_not_matter():
    lf = line_hashes("FROM x\nRUN  a b\n")
    assert line_hashes("FROM x\r\nRUN  a b\r\n") == lf
    assert line_hashes("FROM x\rRUN  a b\r") == lf
    assert line_hashes("  FROM\tx\nRUN a b\n") == lf  # spaces and tabs are skipped entirely


def test_identical_windows_are_numbered():
    hashes = line_hashes("a\n" + "b\n" * 150)  # lines 2.. see the same 100-unit window "b\nb\n..."
    values = [h.split(":") for h in hashes]
    assert values[1][0] == values[2][0] == values[3][0]
    assert [v[1] for v in values[1:4]] == ["1", "2", "3"]
    assert values[0][1] == "1"


def test_hash_counts_utf16_code_units():
    """Astral characters are two UTF-16 code units, as JavaScript's charCodeAt sees them."""
    assert line_hashes("RUN echo 🚀\nx") == line_hashes("RUN echo \ud83d\ude80\nx")
    assert line_hashes("RUN echo 🚀\nx") != line_hashes("RUN echo \U0001f680\U0001f680\nx")
    assert line_hashes("构建\n") == line_hashes("\u6784\u5efa\n")


def test_window_is_100_units():
    base = "a" * 99
    assert line_hashes(base + "b\nz")[0] != line_hashes(base + "c\nz")[0]  # 100th unit counts
    assert line_hashes(base + "bX\nz")[0] == line_hashes(base + "bY\nz")[0]  # 101st does not


def _reference(text: str) -> list[str]:
    """A literal, character-at-a-time reading of upload-sarif's rolling hash (slow; for checking)."""
    units = list(text.encode("utf-16-le", "surrogatepass"))
    units = [units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]
    mask, first_mod = (1 << 64) - 1, pow(37, 100, 1 << 64)
    st = {"h": 0, "i": 0, "line": 0, "start": True, "cr": False}
    window, starts, counts, out = [0] * 100, [-1] * 100, {}, {}

    def emit():
        v = format(st["h"], "x")
        counts[v] = counts.get(v, 0) + 1
        out[starts[st["i"]]] = f"{v}:{counts[v]}"
        starts[st["i"]] = -1

    def update(c):
        begin, window[st["i"]] = window[st["i"]], c
        st["h"] = (37 * st["h"] + c - first_mod * begin) & mask
        st["i"] = (st["i"] + 1) % 100

    def process(c):
        if c in (32, 9) or (st["cr"] and c == 10):
            st["cr"] = False
            return
        st["cr"] = c == 13
        c = 10 if c == 13 else c
        if starts[st["i"]] != -1:
            emit()
        if st["start"]:
            st["start"] = False
            st["line"] += 1
            starts[st["i"]] = st["line"]
        if c == 10:
            st["start"] = True
        update(c)

    for u in units + [65535]:
        process(u)
    for _ in range(100):
        if starts[st["i"]] != -1:
            emit()
        update(0)
    return [out[k] for k in sorted(out)]


@given(st.text(alphabet=st.sampled_from(list(" \t\r\nab#é构🚀")), max_size=400))
@hyp_settings(max_examples=300, deadline=None)
def test_line_hashes_match_a_literal_reading_of_the_algorithm(text):
    assert line_hashes(text) == _reference(text)


def test_reference_matches_the_vectors():
    for case in CASES:
        assert _reference(case["input"]) == case["expected"]


def test_file_text_as_uploaded():
    assert file_text_as_uploaded(["FROM x", ""], "utf-8") == "FROM x\n"
    assert file_text_as_uploaded(["FROM x"], "utf-8-sig") == "\ufeffFROM x"  # Node keeps the BOM
    assert file_text_as_uploaded(["caf\xe9"], "latin-1") == "caf\ufffd"  # Node: invalid UTF-8 -> U+FFFD
    assert file_text_as_uploaded(["caf\xe9 \u2014"], "cp1252") == "caf\ufffd \ufffd"
    assert file_text_as_uploaded(["x"], "utf-16") is None


# -- semantic fingerprint ---------------------------------------------------------------------


def _result(lines, findings, path="Dockerfile"):
    for f in findings:
        f.path = path
    fr = FileResult(path, "dockerfile", findings=findings, lines=lines)
    assign_fingerprints(fr)
    return fr


def _df001(line, col=6, key="python:latest", **kw):
    return Finding("DF001", "Image uses latest", Span(line, col, line, col + 13), Severity.ERROR, key=key, **kw)


def test_survives_unrelated_lines_moving():
    before = _result(["FROM python:latest", "RUN make"], [_df001(1)])
    after = _result(["# build image", "", "  FROM python:latest  ", "RUN make"], [_df001(3)])
    assert before.findings[0].fingerprint == after.findings[0].fingerprint
    assert len(before.findings[0].fingerprint) == 32
    int(before.findings[0].fingerprint, 16)


def test_changes_with_what_the_finding_is_about():
    base = _result(["FROM python:latest"], [_df001(1)]).findings[0].fingerprint
    assert _result(["FROM python:latest AS b"], [_df001(1)]).findings[0].fingerprint != base  # line text
    assert _result(["FROM python:latest"], [_df001(1, key="other")]).findings[0].fingerprint != base  # key
    assert _result(["FROM python:latest"], [_df001(1)], path="x/Dockerfile").findings[0].fingerprint != base
    other_rule = Finding("DF011", "m", Span(1, 6, 1, 19), Severity.ERROR, key="python:latest")
    assert _result(["FROM python:latest"], [other_rule]).findings[0].fingerprint != base


def test_identical_findings_get_their_occurrence_index():
    lines = ["FROM python:latest", "FROM python:latest"]
    fr = _result(lines, [_df001(2), _df001(1, suppressed=True)])
    by_line = {f.span.line: f.fingerprint for f in fr.findings}
    assert by_line[1] != by_line[2]
    assert by_line[1] == semantic_fingerprint(_df001(1, path="Dockerfile"), "FROM python:latest", 0)
    assert by_line[2] == semantic_fingerprint(_df001(2, path="Dockerfile"), "FROM python:latest", 1)
    # the first one moving down keeps both identities
    moved = _result(["# x", "FROM python:latest", "", "FROM python:latest"], [_df001(2), _df001(4)])
    assert [f.fingerprint for f in sorted(moved.findings, key=Finding.sort_key)] == [by_line[1], by_line[2]]


def test_semantic_fingerprint_strips_the_line():
    f = _df001(1, path="Dockerfile")
    assert semantic_fingerprint(f, "  FROM python:latest\t", 0) == semantic_fingerprint(f, "FROM python:latest", 0)


def test_without_lines():
    fr = FileResult("Dockerfile", "dockerfile", findings=[_df001(1, path="Dockerfile")], lines=None)
    assign_fingerprints(fr)
    assert fr.findings[0].fingerprint == semantic_fingerprint(fr.findings[0], "", 0)


def test_engine_fingerprints_survive_an_inserted_line():
    from helpers import settings

    from archlint.engine import lint_text

    a = lint_text("Dockerfile", "FROM python:latest\nRUN make\n", settings(platforms=["linux/amd64"]), kind="dockerfile")
    b = lint_text("Dockerfile", "# comment\n\nFROM python:latest\nRUN make\n", settings(platforms=["linux/amd64"]),
                  kind="dockerfile")
    fa = {(f.rule_id, f.fingerprint) for f in a.findings}
    fb = {(f.rule_id, f.fingerprint) for f in b.findings}
    assert fa and all(fp for _, fp in fa)
    assert any(r == "DF001" for r, _ in fa)
    assert fa == fb
