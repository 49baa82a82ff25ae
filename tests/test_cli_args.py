"""The command line without argparse (cli._fast_check_args) means what argparse says it means.

Every command line the fast reader accepts must give exactly argparse's values; anything it
declines goes to argparse (help, abbreviations, errors), so only agreement is tested here, plus
that the everyday command lines are in fact read fast."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from archlint import cli


def _argparse(argv):
    try:
        return vars(cli._build_parser("check").parse_args(argv))
    except SystemExit:
        return None


@pytest.mark.parametrize("argv", [
    [], ["Dockerfile"], [".", "--no-cache"], ["--output-format", "sarif", "-o", "x.sarif", "."],
    ["--output-format=json", "--platform", "linux/amd64", "--platform=linux/arm64", "a", "b"],
    ["-j4", "-q", "src"], ["-j", "2", "--select", "DF,BC", "--severity", "DF001=error"],
    ["--stdin-filename", "Dockerfile", "-"], ["--exclude", "x", "--extend-exclude", "y", "--fail-on", "error"],
    ["--fix", "--unsafe-fixes", "--diff", "--color", "never", "--statistics", "--exit-zero"],
    ["--output-format", "concise", "--show-fixes", "--fix-only", "--exit-non-zero-on-fix", "."],
    ["--output-format=full", "--show-files", "src"], ["--show-settings", "k8s/deploy.yaml"],
    ["--force-exclude", "Dockerfile", "pkg/testdata/pod.yaml"],  # the pre-commit hooks'
])
def test_everyday_command_lines_are_read_fast_and_alike(argv):
    fast = cli._fast_check_args(["check", *argv])
    assert fast is not None
    assert vars(fast) == _argparse(["check", *argv])


@pytest.mark.parametrize("argv", [
    ["--help"], ["-h"], ["--no-c"], ["--jobs", "x"], ["--output-format", "xml"], ["--", "-file"],
    ["a", "--fix", "b"], ["--fix=yes"], ["-qj4"], ["--config"], ["--output-file", "-x"], ["-z"],
])
def test_anything_else_goes_to_argparse(argv):
    assert cli._fast_check_args(["check", *argv]) is None


_FLAGS = [f for flags, _kw in cli.CHECK_OPTIONS for f in flags]
_TOKENS = st.one_of(
    st.sampled_from(_FLAGS),
    st.sampled_from(["-", "--", ".", "Dockerfile", "src/a b", "", "-x", "--no-c", "4", "-1", "json", "sarif",
                     "error", "never", "x=y", "linux/amd64"]),
    st.builds(lambda f, v: f"{f}={v}", st.sampled_from(_FLAGS), st.sampled_from(["", "4", "json", "a", "error"])),
    st.builds(lambda v: f"-j{v}", st.sampled_from(["4", "x", "", "-2"])),
    st.text(max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TOKENS, max_size=8))
def test_fast_reader_agrees_with_argparse(argv):
    fast = cli._fast_check_args(["check", *argv])
    if fast is not None:
        assert vars(fast) == _argparse(["check", *argv])
