"""Markdown: shell fences become snippets with file positions; everything else is ignored."""
from __future__ import annotations

from archlint.parsers import markdown
from archlint.parsers.shell import simple_commands
from archlint.source import Source


def parse(text: str):
    return markdown.parse(Source("README.md", text))


def first_words(snip):
    return [[(w.value, w.span.line, w.span.col) for w in c.words][:2] for c in simple_commands(snip)]


def test_tagged_fences_only():
    text = "\n".join([
        "Inline `docker build .` and ```docker build``` spans are prose.",
        "```bash", "docker build .", "```",
        "```sh", "podman build .", "```",
        "```shell", "buildah bud .", "```",
        "```zsh", "nerdctl build .", "```",
        "```python", "os.system('docker build .')", "```",
        "```", "docker build untagged", "```",
        "```yaml", "run: docker build .", "```",
        "",
    ])
    m = parse(text)
    assert [f.lang for f in m.fences] == ["bash", "sh", "shell", "zsh", "python", "", "yaml"]
    assert [s.text for s in m.shell_snippets()] == [
        "docker build .", "podman build .", "buildah bud .", "nerdctl build .",
    ]
    assert first_words(m.shell_snippets()[0]) == [[("docker", 3, 1), ("build", 3, 8)]]


def test_tilde_and_indented_fences_and_info_strings():
    text = "\n".join([
        "1. Build:",
        "",
        "   ~~~sh title=\"build\"",
        "   docker build \\",
        "     --platform linux/amd64 .",
        "   ~~~",
        "",
        "```{.bash}",
        "docker push app:1",
        "```",
        "````bash",
        "```",
        "docker build nested",
        "````",
    ])
    m = parse(text)
    snips = m.shell_snippets()
    assert snips[0].text == "docker build \\\n  --platform linux/amd64 ."
    (c,) = simple_commands(snips[0])
    assert [(w.value, w.span.line, w.span.col) for w in c.words][2:] == [
        ("--platform", 5, 6), ("linux/amd64", 5, 17), (".", 5, 29),
    ]
    assert snips[1].text == "docker push app:1"
    assert snips[2].text == "```\ndocker build nested"
    assert [f.lang for f in m.fences] == ["sh", "bash", "bash"]


def test_console_prompts_and_output():
    text = "\n".join([
        "```console",
        "$ docker buildx build --platform linux/amd64,linux/arm64 \\",
        ">   -t reg/app:1 --push .",
        "[+] Building 12.3s (docker build output, not a command)",
        "# podman push reg/app:1",
        "  $ kubectl run web --image reg/app:1",
        "docker build this-is-output",
        "```",
    ])
    m = parse(text)
    (snip,) = m.shell_snippets()
    assert snip.text == (
        "docker buildx build --platform linux/amd64,linux/arm64 \\\n  -t reg/app:1 --push .\n"
        "podman push reg/app:1\nkubectl run web --image reg/app:1"
    )
    got = [[(w.value, w.span.line, w.span.col) for w in c.words] for c in simple_commands(snip)]
    assert got[0][0] == ("docker", 2, 3) and got[0][5] == ("-t", 3, 5)
    assert got[1][0] == ("podman", 5, 3)
    assert got[2][0] == ("kubectl", 6, 5)


def test_dollar_prompt_in_bash_block_is_stripped():
    (snip,) = parse("```bash\n$ docker build .\n```\n").shell_snippets()
    assert snip.text == "docker build ." and snip.pos(0) == (2, 3)


def test_unclosed_fence_runs_to_the_end():
    m = parse("text\n```sh\ndocker build .\n")
    assert m.fences[0].end_line == 4
    assert m.shell_snippets()[0].text.startswith("docker build .")


def test_statement_range_of_a_fence_covers_the_block():
    m = parse("<!-- archlint: ignore[BC001] -->\n```bash\ndocker build \\\n  .\necho\n```\n")
    assert m.statement_range(2) == (2, 6)
    assert m.statement_range(3) == (3, 4)
    assert m.statement_range(1) == (1, 1)


def test_empty_and_odd_documents():
    for text in ["", "```", "```bash", "```bash\n```", "~~~\n", "```console\n$\n#\n```", "````\n```\n"]:
        m = parse(text)
        for s in m.shell_snippets():
            simple_commands(s)
