"""The shell extractor: simple commands with words, values and file positions."""
from __future__ import annotations

from archlint.parsers import shell
from archlint.parsers.shell import ShellSnippet, simple_commands
from archlint.snippet import Snippet
from archlint.source import Source


def cmds(text: str, **kw):
    return simple_commands(shell.parse(Source("x.sh", text)).shell_snippets()[0], **kw)


def words(c) -> list[str]:
    return [w.value for w in c.words]


def pos(w) -> tuple[int, int]:
    return w.span.line, w.span.col


def test_model_has_one_snippet_covering_the_file():
    m = shell.parse(Source("x.sh", "echo a\necho b\n"))
    (s,) = m.shell_snippets()
    assert s.text == "echo a\necho b\n"
    assert s.span(7, 11) == (2, 1, 2, 5)


def test_operators_pipes_subshells_functions_and_bodies():
    text = "\n".join([
        "a 1 && b 2 || c 3; d 4 | e 5",
        "( f 6 ); { g 7; }",
        "x=$(h 8) y=`i 9`",
        "fn() { j 10; }",
        "if k 11; then l 12; elif m 13; then :; else n 14; fi",
        "for v in 1 2; do o 15; done; while p 16; do q 17; done",
        "case $1 in a) r 18 ;; *) s 19 ;; esac",
        "echo \"$(t 20)\" <(u 21)",
        "! v 22",
    ])
    progs = [c.program for c in cmds(text)]
    for name in "abcdefghijklmnopqrstuv":
        assert name in progs, name


def test_here_doc_bodies_comments_and_strings_are_not_commands():
    text = "cat <<EOF\ndocker build .\nEOF\n# docker build .\necho 'docker build .'\necho \"docker build .\"\n"
    assert [c.program for c in cmds(text)] == ["cat", "echo", "echo"]


def test_word_values_and_positions():
    (c,) = cmds("docker  build -t \"app:1\" --platform='linux/amd64' x\\ y .\n")
    assert words(c) == ["docker", "build", "-t", "app:1", "--platform=linux/amd64", "x y", "."]
    assert [pos(w) for w in c.words] == [(1, 1), (1, 9), (1, 15), (1, 18), (1, 26), (1, 51), (1, 56)]
    assert c.words[3].raw == '"app:1"'
    assert c.words[3].quoted


def test_line_continuations_keep_positions():
    (c,) = cmds("docker build \\\n    --platform linux/amd64 \\\n    .\n")
    assert words(c) == ["docker", "build", "--platform", "linux/amd64", "."]
    assert [pos(w) for w in c.words] == [(1, 1), (1, 8), (2, 5), (2, 16), (3, 5)]


def test_wrappers_are_stripped_and_env_prefixes_kept():
    (c,) = cmds("FOO=bar sudo -E -u root env -i BAR=1 time nohup docker build .\n")
    assert words(c) == ["docker", "build", "."]
    assert [a.name for a in c.assignments] == ["FOO", "BAR"]
    assert [w.value for w in c.prefixes] == ["sudo", "-E", "-u", "root", "env", "-i", "BAR=1", "time", "nohup"]
    (c,) = cmds("exec timeout 10m docker push app:1\n")
    assert words(c) == ["docker", "push", "app:1"]
    (c,) = cmds("command -v docker\n")
    assert c.program == "command"


def test_gcloud_docker_runs_docker_with_the_words_after_the_double_dash():
    # kubernetes/examples' cassandra Makefile pushes with the Cloud SDK's old docker wrapper
    (c,) = cmds("gcloud docker --authorize-only=false -- push ${PROJECT}/cassandra:v13\n")
    assert words(c)[:2] == ["docker", "push"] and pos(c.words[0]) == (1, 8)
    assert [w.value for w in c.prefixes] == ["gcloud", "--authorize-only=false", "--"]
    (c,) = cmds("gcloud docker --help\n")  # no docker command of its own
    assert words(c) == ["gcloud", "docker", "--help"]


def test_variables_resolve_in_document_order():
    text = "\n".join([
        'REG=quay.io/acme',
        'IMG="$REG/app:${TAG:-1.0}"',
        'export P=linux/amd64',
        'docker build --platform "$P" -t $IMG .',
        'P=$1',
        'docker build --platform $P .',
        'unset P',
        'docker build --platform "${P:-linux/arm64}" .',
    ])
    c1, c2, c3 = cmds(text)
    assert words(c1)[3:6] == ["linux/amd64", "-t", "quay.io/acme/app:1.0"]
    assert c1.words[5].defaulted and not c1.words[5].dynamic
    assert c1.lookup("P").exported
    assert c2.words[3].dynamic and c2.words[3].value == "$1"
    assert words(c3)[3] == "linux/arm64"


def test_unknown_variables_stay_dynamic():
    c, nested = cmds('docker build --platform linux/${ARCH} -t "$IMAGE" $(echo x) .\n')
    assert nested.program == "echo"  # the command substitution is a command of its own
    assert words(c)[3] == "linux/${ARCH}" and c.words[3].dynamic
    assert c.words[5].value == "$IMAGE" and c.words[5].dynamic
    assert c.words[6].dynamic


def test_a_variable_set_differently_on_the_paths_of_an_if_or_case_is_unknown_after_it():
    # netbox-docker's build.sh: DRY="" or DRY="echo" in the two arms of an if
    text = "\n".join([
        'P=linux/amd64',
        'if [ -z "$DRY_RUN" ]; then DRY=""; P=linux/arm64; echo "$P"; else echo "$P"; DRY="echo"; fi',
        'echo "$DRY" "$P"',
        'case "$(uname -m)" in x86_64) A=amd64 ;; aarch64) A=arm64 ;; esac',
        'echo "$A"',
        'if a; then T=1.0; else T=1.0; fi',
        'if [ -z "$TAG" ]; then TAG=latest; fi',
        'echo "$T" "$TAG"',
        'case "$k" in a) B=1 ;; *) B=2 ;; esac',
        'if b; then C=1; fi',
        'echo "$B" "$C"',
    ])
    found = [words(c) for c in cmds(text) if c.program == "echo"]
    assert found == [
        ["echo", "linux/arm64"],  # each arm sees its own assignments ...
        ["echo", "linux/amd64"],  # ... and starts from the values before the if
        ["echo", "$DRY", "$P"],  # "" or echo; arm64 or amd64: unknown
        ["echo", "$A"],
        ["echo", "1.0", "latest"],  # one value on every path; a default of an unset one
        ["echo", "$B", "1"],
    ]
    last = [c for c in cmds(text) if c.program == "echo"][-1]
    assert last.words[1].dynamic and last.lookup("C").defaulted and not last.lookup("C").dynamic


def test_an_unknown_variable_before_a_wanted_program_is_a_wrapper():
    text = ('if [ -z "$DRY_RUN" ]; then DRY=""; else DRY="echo"; fi\n'
            '$DRY docker buildx build --platform linux/amd64 .\n'
            '"$DRY" docker push a\n'
            '$DOCKER build .\n')
    (c,) = cmds(text, programs=("docker",))
    assert words(c)[:4] == ["docker", "buildx", "build", "--platform"]
    assert [w.raw for w in c.prefixes] == ["$DRY"]
    everything = cmds(text)  # without a list of programs a command is read as written
    assert [w.raw for w in everything[0].words[:2]] == ["$DRY", "docker"]


def test_unquoted_expansion_is_split_into_words():
    (c,) = cmds('FLAGS="--platform linux/amd64 --push"\ndocker buildx build $FLAGS "$FLAGS" .\n')
    assert words(c) == ["docker", "buildx", "build", "--platform", "linux/amd64", "--push",
                        "--platform linux/amd64 --push", "."]
    assert pos(c.words[3]) == pos(c.words[5]) == (2, 21)


def test_an_unknown_command_substitution_in_a_value_is_not_split():
    # aws-node-termination-handler: os=$(echo $os_arch | cut -d'/' -f1) in an image name
    text = ("os=$(echo $os_arch | cut -d'/' -f1)\nimg=\"$REPO:$VERSION-$os-`uname -m`\"\n"
            "docker tag $img b\n")
    (_, c) = cmds(text, programs=("echo", "docker"))[-2:]
    assert words(c) == ["docker", "tag", "$REPO:$VERSION-$(echo $os_arch | cut -d'/' -f1)-`uname -m`", "b"]
    assert c.words[2].dynamic


def test_sh_c_string_is_parsed_in_place():
    text = "sh -c 'docker build --platform linux/amd64 .'\n"
    progs = [(c.program, pos(c.words[0])) for c in cmds(text)]
    assert progs == [("sh", (1, 1)), ("docker", (1, 8))]
    inner = cmds(text)[1]
    assert pos(inner.words[3]) == (1, 32)


def test_non_ascii_text_gives_code_point_columns():
    (_, c) = cmds('echo "héllo wörld ✓"; docker build .\n')
    assert pos(c.words[1]) == (1, 30)
    assert c.words[1].span.end_col == 35


def test_env_of_the_snippet_is_visible():
    snip = ShellSnippet("docker build .", [(5, 2)], "recipe", {"DOCKER_DEFAULT_PLATFORM": "linux/arm64"})
    (c,) = simple_commands(snip)
    a = c.lookup("DOCKER_DEFAULT_PLATFORM")
    assert a.value == "linux/arm64" and a.exported and a.word is None
    assert pos(c.words[1]) == (5, 9)


def test_programs_filter_keeps_variable_tracking():
    text = "P=linux/amd64\necho a\ndocker build --platform $P .\n"
    (c,) = cmds(text, programs=("docker",))
    assert words(c)[3] == "linux/amd64"


def test_error_tolerance_scans_broken_lines():
    text = 'echo "unterminated\nif then fi fi ((\ndocker build -t app:1 .\n'
    found = cmds(text)
    assert any(c.program == "docker" for c in found)


def test_broken_script_never_raises():
    for text in ["((((", "'", '"', "$(", "${", "<<EOF", "case x in", "fi fi", "\\", "a |", "&& ;;", "\x00"]:
        cmds(text)
        cmds(text + "\ndocker build .\n")


def test_line_scan_fallback_when_parser_missing(monkeypatch):
    monkeypatch.setattr(shell, "_ts_parser", lambda: None)
    found = cmds("X=linux/arm64\nsudo docker build --platform $X -t 'a b' . && echo \"docker build\" # c\n")
    assert [c.program for c in found] == ["docker", "echo"]
    assert words(found[0]) == ["docker", "build", "--platform", "linux/arm64", "-t", "a b", "."]
    assert pos(found[0].words[1]) == (2, 13)


def test_plain_snippet_without_env_works():
    s = Snippet.from_lines([("docker push app:1", 3, 5)])
    (c,) = simple_commands(s)
    assert pos(c.words[2]) == (3, 17)


def test_long_and_chain_is_not_recursive():
    text = " && ".join(["docker build ."] * 3000)
    assert len(cmds(text)) == 3000


def test_line_scan_fallback_tracks_exports(monkeypatch):
    monkeypatch.setattr(shell, "_ts_parser", lambda: None)
    found = cmds("export DOCKER_DEFAULT_PLATFORM=linux/amd64\ndocker build .\n")
    assert [c.program for c in found] == ["docker"]
    a = found[0].lookup("DOCKER_DEFAULT_PLATFORM")
    assert a.value == "linux/amd64" and a.exported


def test_github_expressions_are_masked_and_restored():
    s = Snippet.from_lines([
        ("docker buildx build --platform ${{ matrix.platform }} -t ghcr.io/o/app:${{ github.sha }} .", 12, 14),
        ("X=${{x}} docker push ${{ env.IMAGE }}", 13, 14),
    ])
    c1, c2 = simple_commands(s)
    assert words(c1) == ["docker", "buildx", "build", "--platform", "${{ matrix.platform }}", "-t",
                         "ghcr.io/o/app:${{ github.sha }}", "."]
    assert c1.words[4].dynamic and c1.words[4].raw == "${{ matrix.platform }}"
    assert pos(c1.words[5]) == (12, 68)
    assert c2.assignments[0].value == "${{x}}"
    assert words(c2)[2] == "${{ env.IMAGE }}"


def test_code_points_that_crash_tree_sitter_are_masked():
    """tree-sitter-bash 0.25 segfaults on `{` followed by some code points beyond U+1FFFF; the
    extractor replaces them before parsing (in a child process, so a regression cannot take
    the test run down)."""
    import subprocess
    import sys

    code = (
        "from archlint.source import Source\n"
        "from archlint.parsers import shell\n"
        "for t in ['p{\\U000c231c<x', '{\\U000e0000<x', 'docker build -t app:\\U00100000 .']:\n"
        "    s = shell.parse(Source('x.sh', t)).shell_snippets()[0]\n"
        "    for _ in range(300):\n"
        "        cs = shell.simple_commands(s)\n"
        "print(cs[0].words[3].raw == 'app:\\U00100000', cs[0].words[3].span.end_col)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "22"]  # app:<one code point> is columns 17-21


def test_written_gives_the_text_before_expansion():
    from archlint.parsers import makefile

    text = "A = amd64\nx:\n\tdocker build --build-arg T=$(A) --build-arg U=$(shell uname -m) .\n"
    (snip,) = makefile.parse(Source("Makefile", text)).shell_snippets()
    words = simple_commands(snip)[0].words
    assert [snip.written(w.start, w.end) for w in words[3:6:2]] == ["T=$(A)", "U=$(shell uname -m)"]
    assert words[3].value == "T=amd64"
    plain = ShellSnippet("docker build .", [(1, 1)])
    assert plain.written(0, 6) == "docker"


def test_a_word_tree_sitter_cuts_at_a_dollar_is_one_word():
    # tree-sitter-bash reads a/$B/c-$B-d as a concatenation ending in a bare "$" and a word "B-d"
    # (bazel-$BAZEL_VERSION-installer-linux-x86_64.sh after .../download/$BAZEL_VERSION/)
    c = cmds("B=1.2\ncurl -O https://x/download/$B/bazel-$B-installer-linux-x86_64.sh z\n")[-1]
    assert words(c) == ["curl", "-O", "https://x/download/1.2/bazel-1.2-installer-linux-x86_64.sh", "z"]
    assert not c.words[2].dynamic and c.words[2].raw == "https://x/download/$B/bazel-$B-installer-linux-x86_64.sh"
    (c,) = cmds("curl -O https://x/$V/tool-$V-amd64\n")
    assert words(c) == ["curl", "-O", "https://x/$V/tool-$V-amd64"] and c.words[2].dynamic
    # two words with a blank between stay two
    (c,) = cmds("echo a/$B/c- $B-d\n")
    assert words(c) == ["echo", "a/$B/c-", "$B-d"]


def test_a_program_a_variables_empty_default_leaves_is_the_callers_not_the_next_word():
    # gitops-promoter's manifests-release.sh: KUSTOMIZE="${1:-}", then `$KUSTOMIZE edit set image
    # ...`: the program is the caller's kustomize, not `edit`; a plain empty variable's command is
    # its next word only where it is known empty
    c1, c2 = cmds('KUSTOMIZE="${1:-}"\n$KUSTOMIZE edit set image a=b:1\nX=""\n$X docker build .\n')
    assert (c1.words[0].value, c1.words[0].dynamic, c1.program) == ("$KUSTOMIZE", True, "kustomize")
    assert words(c1)[1:] == ["edit", "set", "image", "a=b:1"]
    assert (words(c2), c2.program) == (["docker", "build", "."], "docker")
