"""The Dockerfile parser: positions of every instruction, flag and word; heredocs; directives;
and a differential check against dockerfile-parse on files without heredocs."""
from __future__ import annotations

import pytest

from archlint.parsers import dockerfile as dfp
from archlint.images import parse_image_ref
from archlint.parsers.dockerfile import expand, parse
from archlint.source import Source

from helpers import FIXTURES, findings, lint_path, show


def model(text):
    return parse(Source("Dockerfile", text))


def test_words_and_flags_have_file_positions():
    m = model("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN --mount=type=cache,target=/c \\\n    # note\n    go build \\\n      -o /out .\n")
    frm, run = m.instructions
    assert frm.flags[0].name == "platform" and frm.flags[0].value == "$BUILDPLATFORM"
    assert (frm.flags[0].span.col, frm.flags[0].value_span.col) == (6, 17)
    assert [(w.value, w.span.line, w.span.col) for w in frm.words] == [("golang:1.22", 1, 32), ("AS", 1, 44), ("build", 1, 47)]
    assert (run.line, run.end_line) == (2, 5)
    assert [(w.value, w.span.line, w.span.col) for w in run.words] == [("go", 4, 5), ("build", 4, 8), ("-o", 5, 7), ("/out", 5, 10), (".", 5, 15)]
    assert m.stages[0].name.value == "build"


def test_heredocs_are_bodies_not_instructions():
    text = "FROM alpine:3.20\nRUN <<EOF\nEXPORT=1\nFROM x\nEOF\nCOPY <<-A <<B /dst\n\tone\n\tA\ntwo\nB\nUSER nobody\n"
    m = model(text)
    assert [i.keyword for i in m.instructions] == ["FROM", "RUN", "COPY", "USER"]
    run, copy = m.instructions[1], m.instructions[2]
    assert run.heredocs[0].body.text == "EXPORT=1\nFROM x"
    assert (run.line, run.end_line) == (2, 5)
    assert [h.delimiter for h in copy.heredocs] == ["A", "B"]
    assert copy.heredocs[0].body.text == "one" and copy.heredocs[0].body.pos(0) == (7, 2)
    assert copy.heredocs[1].body.text == "two"
    assert m.problems == []
    # RUN <<EOF alone: the body is the shell script
    assert [s.text for s in m.shell_snippets()] == ["EXPORT=1\nFROM x"]


def test_an_onbuild_instructions_heredoc_is_its_body():
    # stackable's ubi9-rust-builder: `ONBUILD RUN <<EOF` (BuildKit reads heredocs of the instruction
    # ONBUILD wraps); an ONBUILD of another instruction has none
    m = model("FROM alpine:3.20\nONBUILD RUN <<EOF\ncargo build\nFROM x\nEOF\nONBUILD ENV A=<<B\nUSER nobody\n")
    assert [i.keyword for i in m.instructions] == ["FROM", "ONBUILD", "ONBUILD", "USER"]
    assert m.instructions[1].heredocs[0].body.text == "cargo build\nFROM x"
    assert m.instructions[2].heredocs == [] and m.problems == []


def test_a_heredoc_starts_only_a_word_outside_quotes():
    # slpcat's emscripten Dockerfile: `<<` in a quoted C++ line is no heredoc (an AL001 judged a wrong
    # reading); BuildKit reads whole words (`3<<EOF` too), not `cat<<EOF`
    m = model("FROM alpine:3.20\nRUN printf 'int main(){std::cout<<\"HI\"<<std::endl;}' > t.cpp && echo \"a <<B\"\n"
              "RUN cat 3<<EOF\nbody\nEOF\nUSER nobody\n")
    assert [i.keyword for i in m.instructions] == ["FROM", "RUN", "RUN", "USER"]
    assert m.instructions[1].heredocs == [] and m.problems == []
    assert m.instructions[2].heredocs[0].body.text == "body"
    # a continued line: BuildKit joins it before it looks for heredocs (CRLF too)
    for nl in ("\n", "\r\n"):
        m = model(f"FROM alpine:3.20{nl}RUN cat \\{nl}<<EOF{nl}hello{nl}EOF{nl}")
        assert [i.keyword for i in m.instructions] == ["FROM", "RUN"] and m.problems == [], repr(nl)


def test_parser_directives_only_at_top():
    m = model("# syntax=docker/dockerfile:1\n# escape=`\nFROM a:1\n# escape=\\\n")
    assert m.escape == "`" and set(m.directives) == {"syntax", "escape"}
    m = model("\n# escape=`\nFROM a:1\n")
    assert m.escape == "\\" and m.directives == {}


def test_a_continuation_at_the_end_of_the_file_ends_the_instruction():
    # kyuubi's playground Dockerfile: its last RUN ends with " \\" and a newline; BuildKit builds it
    for end in ("\n", "", "\n\n# trailing comment\n"):
        m = model("FROM alpine:3.20\nRUN apk add curl && \\\n    rm -rf /var/cache/apk \\" + end)
        assert m.problems == [], end
        assert [w.value for w in m.instructions[1].words][-1] == "/var/cache/apk"


def test_exec_form_and_bad_json():
    m = model('FROM a:1\nCMD ["a", "b"]\nRUN ["broken\n')
    assert m.instructions[1].exec_form == ["a", "b"]
    assert m.instructions[2].exec_form is None  # bad JSON: shell form, like BuildKit


def test_expand_arg_defaults():
    env = {"BASE": "python:3.12", "EMPTY": "", "UNSET": None}
    assert expand("${BASE}", env) == ("python:3.12", True)
    assert expand("${EMPTY:-alpine}", env) == ("alpine", True)
    assert expand("${NOPE:-alpine:3}", env) == ("alpine:3", True)
    assert expand("$UNSET", env) == ("$UNSET", False)
    assert expand("${BASE:+x}", env) == ("x", True)


@pytest.mark.parametrize("ref,expected", [
    ("python", ("python", None, None)),
    ("python:3.12", ("python", "3.12", None)),
    ("localhost:5000/a/b", ("localhost:5000/a/b", None, None)),
    ("localhost:5000/a/b:1@sha256:ab", ("localhost:5000/a/b", "1", "sha256:ab")),
])
def test_image_ref(ref, expected):
    assert parse_image_ref(ref) == expected


def _no_heredoc_fixtures():
    return [p for p in sorted((FIXTURES / "DF").glob("*.Dockerfile")) if "<<" not in p.read_text()]


@pytest.mark.parametrize("path", _no_heredoc_fixtures(), ids=lambda p: p.name)
def test_agrees_with_dockerfile_parse(path, tmp_path):
    dfp = pytest.importorskip("dockerfile_parse")
    text = path.read_text()
    p = dfp.DockerfileParser(path=str(tmp_path / "Dockerfile"), fileobj=None)
    p.content = text
    theirs = [(s["instruction"], s["startline"] + 1, s["endline"] + 1) for s in p.structure if s["instruction"] != "COMMENT"]
    ours = [(i.keyword, i.line, i.end_line) for i in model(text).instructions]
    assert ours == theirs


def test_dockerfile_parse_heredoc_pitfall_is_handled_here(tmp_path):
    """dockerfile-parse turns heredoc lines into instructions; archlint does not."""
    dfp = pytest.importorskip("dockerfile_parse")
    text = "FROM alpine:3.20\nRUN <<EOF\nexport A=1\nEOF\n"
    p = dfp.DockerfileParser(path=str(tmp_path / "Dockerfile"), fileobj=None)
    p.content = text
    assert "EXPORT" in [s["instruction"] for s in p.structure]
    assert [i.keyword for i in model(text).instructions] == ["FROM", "RUN"]


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

from archlint.parsers.dockerfile import _split_words, _unquote  # noqa: E402


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\\`\"'ab=$-\u00a0", max_size=40), st.sampled_from(["\\", "`"]))
def test_word_splitting_invariants(text, escape):
    """Words are disjoint slices in order, cover every character that is not blank (or an
    escaped line break outside quotes), and a word without quotes or escapes is its own value."""
    words, _ = _split_words(text, 0, escape)
    covered = set()
    last = 0
    for w in words:
        assert w.text == text[w.start : w.end] and w.start >= last and w.end > w.start
        last = w.end
        covered.update(range(w.start, w.end))
        assert w.value == _unquote(w.text, escape)
        if not ({"'", '"', escape} & set(w.text)):
            assert w.value == w.text
    for i, c in enumerate(text):
        if i in covered or c.isspace():
            continue
        assert c == escape and text[i + 1 : i + 2] == "\n", (text, i)


# ---- exec form: the plain-array fast path agrees with json ----------------------------------


def _json_exec_form(text):
    import json

    try:
        val = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return val if isinstance(val, list) and all(isinstance(v, str) for v in val) else None


@pytest.mark.parametrize("text", [
    '["a", "b c"]', "[]", "[ ]", '[\n "x" ,\t"y"\r]', '["a\\"b"]', '["a\\u00e9"]', '["x",]', "[1]",
    '["a"] x', '["a\tb"]', '["é", "日本"]', "['a']", '[""]', '["a" "b"]', '[,"a"]', '["\\\\"]',
])
def test_exec_form_matches_json(text):
    assert dfp.exec_form(text) == _json_exec_form(text)


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=8), max_size=4), st.sampled_from(["", " ", "\n", "\t "]))
def test_exec_form_matches_json_on_generated_arrays(items, ws):
    import json

    for text in (json.dumps(items, ensure_ascii=False), json.dumps(items), "[" + ws + (ws + "," + ws).join(f'"{i}"' for i in items) + ws + "]"):
        assert dfp.exec_form(text) == _json_exec_form(text), text


def test_dockerfile_names_with_a_word_before_them_are_dockerfiles():
    from archlint import kinds

    # vast-csi's packaging/base_Dockerfile (built with -f), app-Containerfile; not a word that
    # only ends in the letters (mydockerfile) nor another language's file
    # (mobiledgex's docker/Dockerfile.influxdb-backup builds a backup service's image: a Dockerfile)
    for name in ("packaging/base_Dockerfile", "base-Dockerfile", "app_Containerfile", "x.Dockerfile", "Dockerfile.dev",
                 "docker/Dockerfile.influxdb-backup", "Dockerfile.centos-old"):
        assert kinds.kind_by_name(name) == "dockerfile", name
    for name in ("mydockerfile", "dockerfile.go", "base_Dockerfile.md", "hack/build-dockerfile",
                 "services/ui/Dockerfile_old", "Dockerfile-bak", "Dockerfile.backup"):  # (zeroprg's backup notes)
        assert kinds.kind_by_name(name) != "dockerfile", name


def test_a_dockerfile_name_with_a_word_glued_on_is_one_by_its_first_instruction(tmp_path):
    from archlint import kinds

    # CAPS-Cloud's functions/*/DockerfileOW, built with `docker build -f DockerfileOW`
    head = b"# syntax=docker/dockerfile:1\n\nFROM openwhisk/action-nodejs-v10:latest\nCOPY . .\n"
    assert kinds.detect("functions/SensorAdd/DockerfileOW", head) == "dockerfile"
    assert kinds.detect("ContainerfileDev", b"ARG BASE=alpine:3.20\nFROM $BASE\n") == "dockerfile"
    # not one: a template to fill in, a script so named, notes
    assert kinds.detect("dockerfile/DockerfileTemplate", b"FROM ${baseImage}\n") is None
    assert kinds.detect("DockerfileBuild", b"#!/bin/sh\ndocker build .\n") == "shell"
    assert kinds.detect("DockerfileNotes", b"Use FROM alpine in the Dockerfile.\n") is None
    # jperk18's src/health-patient-api-dockerfile, named by its compose file's `dockerfile:`, after a
    # UTF-8 byte-order mark; a script so named stays one
    assert kinds.detect("src/health-patient-api-dockerfile", b"\xef\xbb\xbfFROM mcr.microsoft.com/dotnet/aspnet:6.0\n") \
        == "dockerfile"
    assert kinds.detect("hack/build-dockerfile", b"#!/bin/bash\ndocker build .\n") == "shell"
    (tmp_path / "DockerfileOW").write_text("FROM openwhisk/action-nodejs-v10:latest\nCOPY . .\n")
    found = show(findings(lint_path(tmp_path / "DockerfileOW"), "DF001"))
    assert found == ["1:6 DF001 Base image openwhisk/action-nodejs-v10:latest uses the mutable tag latest."]
