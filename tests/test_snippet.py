"""Spans of embedded text map back into the file and never past a line's end."""
from __future__ import annotations

from archlint.snippet import Snippet
from helpers import findings, lint_inline


def test_a_span_through_a_newline_ends_at_that_line_end():
    s = Snippet("ab\ncd\n", [(3, 5), (4, 5)])
    assert tuple(s.span(0, 2)) == (3, 5, 3, 7)
    assert tuple(s.span(3, 6)) == (4, 5, 4, 7)  # "cd\n": the newline is the end of line 4
    assert tuple(s.span(2, 3)) == (3, 7, 3, 8)  # a lone newline is still one column wide


def test_fix_of_an_unterminated_build_arg_stays_inside_the_file():
    # found by the mutation test: an unclosed quote makes the value run to the end of the file
    # (for another platform than the machine's: an unresolved value is BC004's there)
    text = 'if true; then\n    podman build --platform linux/arm64 \\\n        --build-arg TARGETARCH="$TARGETARCH! \\\n        .\nfi\n'
    (f,) = findings(lint_inline(text, kind="shell"), "BC004")
    lines = text.split("\n")
    for e in f.fix.edits:
        assert 1 <= e.span.end_col <= len(lines[e.span.end_line - 1]) + 1, e.span
