"""The language server stays responsive and bounded (issue 17): a real ``python -m archlint server``
driven by pytest-lsp's client, with a lint that is slow for real — a shell script of ~1.7 MB
(under the 4 MiB ``max-file-size``) whose lint takes seconds here.  Every time limit is a fraction
of that lint's own duration, measured in the same session, never an absolute number."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402
from test_lsp import SERVER, change_doc, open_doc, wait_for  # noqa: E402

pytestmark = pytest.mark.slow

# ~1.7 MB of shell: real parsing and real rules, a few seconds of lint (under max-file-size)
SLOW_SCRIPT = "#!/bin/sh\n" + 'docker build -t "x:$TAG" --platform linux/amd64 .\nif [ -n "$x" ]; then echo "$x"; fi\n' * 21000
SMALL_DOCKERFILE = "FROM alpine:3.20\n"  # DF005 with the project's one platform


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".archlint.toml").write_text('platforms = ["linux/amd64"]\n')
    return tmp_path


class Published:
    """Every publishDiagnostics the client receives, in order: (time, uri, version, codes)."""

    def __init__(self, client: LanguageClient):
        self.log: list[tuple[float, str, int | None, list]] = []
        features = client.protocol.fm.features
        original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

        def record(params: types.PublishDiagnosticsParams):
            self.log.append((time.monotonic(), params.uri, params.version, [d.code for d in params.diagnostics]))
            return original(params)

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record

    def versions(self, uri: str) -> list:
        return [v for _, u, v, _ in self.log if u == uri]


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, project):
    lsp_client.published = Published(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=project.as_uri())
    )
    yield
    server = lsp_client._server
    if server is not None and server.returncode is None:
        if getattr(lsp_client, "shutdown_sent", False):  # the test failed after its shutdown
            server.kill()
        else:
            await lsp_client.shutdown_session()


async def slow_lint_running(client: LanguageClient, project: Path) -> tuple[str, float]:
    """(the slow script's URI, how long its lint took alone): version 1 is opened and its
    diagnostics awaited, then version 2 sent; returns once that lint is surely running."""
    uri = (project / "big.sh").as_uri()
    start = time.monotonic()
    open_doc(client, uri, SLOW_SCRIPT, lang="shellscript")
    await wait_for(client, uri, lambda d: True, timeout=120)
    lint = time.monotonic() - start
    assert lint > 0.8, f"the slow lint took only {lint:.2f}s: not slow enough to measure anything"
    change_doc(client, uri, SLOW_SCRIPT + "# v2\n", 2)
    await asyncio.sleep(min(0.4, lint / 4))  # past the debounce: the lint has started
    return uri, lint


@pytest.mark.asyncio
async def test_a_slow_lint_does_not_delay_another_document(client: LanguageClient, project: Path):
    slow, lint = await slow_lint_running(client, project)
    start = time.monotonic()
    # not "Dockerfile": the slow script's builds (--platform linux/amd64, context .) build that
    # one, so the project model rightly drops its DF005
    other = (project / "small.Dockerfile").as_uri()
    open_doc(client, other, SMALL_DOCKERFILE)
    await wait_for(client, other, lambda d: any(x.code == "DF005" for x in d), timeout=120)
    latency = time.monotonic() - start
    print(f"slow lint {lint:.2f}s, the other document's diagnostics after {latency:.2f}s")
    assert latency < lint / 2, f"the small document waited {latency:.2f}s behind a {lint:.2f}s lint"
    # the slow document's own lint still completes and is published
    await wait_for(client, slow, lambda d: True, timeout=120)
    deadline = time.monotonic() + 4 * lint + 10
    while 2 not in client.published.versions(slow) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert 2 in client.published.versions(slow)


@pytest.mark.asyncio
async def test_b_shutdown_at_once_then_invalid_request_and_exit(client: LanguageClient, project: Path):
    slow, lint = await slow_lint_running(client, project)
    count = len(client.published.log)
    start = time.monotonic()
    client.shutdown_sent = True
    await asyncio.wait_for(client.shutdown_async(None), 120)
    took = time.monotonic() - start
    print(f"slow lint {lint:.2f}s, shutdown answered after {took:.3f}s")
    assert took < lint / 4, f"shutdown took {took:.2f}s while a {lint:.2f}s lint ran"
    # a request after shutdown: InvalidRequest (LSP), at once
    with pytest.raises(Exception) as err:
        await asyncio.wait_for(
            client.text_document_hover_async(
                types.HoverParams(text_document=types.TextDocumentIdentifier(uri=slow), position=types.Position(line=0, character=0))
            ),
            max(2.0, lint),
        )
    assert getattr(err.value, "code", None) == -32600, repr(err.value)
    # exit: the process ends, with 0 (shutdown came first), well before the abandoned lint would
    start = time.monotonic()
    client.exit(None)
    code = await asyncio.wait_for(client._server.wait(), 4 * lint + 5)
    took = time.monotonic() - start
    print(f"exit: the process ended after {took:.3f}s")
    assert code == 0
    assert took < lint / 4, f"exit took {took:.2f}s while a {lint:.2f}s lint ran"
    assert len(client.published.log) == count  # the abandoned lint published nothing


@pytest.mark.asyncio
async def test_c_a_superseded_version_is_never_published(client: LanguageClient, project: Path):
    slow, lint = await slow_lint_running(client, project)
    start = time.monotonic()
    change_doc(client, slow, "#!/bin/sh\ndocker build -t x .\n", 3)  # small: a fast lint
    await wait_for(client, slow, lambda d: client.published.versions(slow)[-1:] == [3], timeout=120)
    latency = time.monotonic() - start
    print(f"slow lint {lint:.2f}s, the newer version published after {latency:.2f}s")
    await asyncio.sleep(lint + 0.5)  # long enough for version 2's lint to have ended, had it run on
    assert client.published.versions(slow) == [1, 3]  # 2 was superseded: never published
    assert latency < lint / 2, f"version 3 waited {latency:.2f}s behind the superseded {lint:.2f}s lint"


def vm_hwm_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.asyncio
async def test_d_an_over_limit_buffer_gets_al005_and_memory_stays_bounded(client: LanguageClient, project: Path):
    pid = client._server.pid
    if not Path(f"/proc/{pid}/status").exists():
        pytest.skip("no /proc")
    small = (project / "Dockerfile").as_uri()
    open_doc(client, small, SMALL_DOCKERFILE)  # the engine is loaded before the baseline
    await wait_for(client, small, lambda d: any(x.code == "DF005" for x in d), timeout=120)
    before = vm_hwm_kb(pid)
    big = (project / "huge.Dockerfile").as_uri()
    open_doc(client, big, "FROM alpine:3.20\n")
    await wait_for(client, big, lambda d: any(x.code == "DF005" for x in d), timeout=120)
    # a 12 MB edit (three times the 4 MiB default): AL005 alone, the Dockerfile is not parsed
    huge = "FROM alpine:3.20\n" + "RUN echo hi $TARGETARCH\n" * 500_000
    size = len(huge)
    change_doc(client, big, huge, 2)
    diags = await wait_for(client, big, lambda d: any(x.code == "AL005" for x in d), timeout=60)
    assert [d.code for d in diags] == ["AL005"]  # no DF005/DF007: nothing was parsed nor checked
    assert diags[0].severity == types.DiagnosticSeverity.Information
    assert f"{size} bytes is over max-file-size ({4 * 1024 * 1024})" in diags[0].message
    grown = (vm_hwm_kb(pid) - before) * 1024
    print(f"peak RSS grew by {grown / 1e6:.0f} MB for a {size / 1e6:.0f} MB buffer")
    # receiving the message costs a few copies (the JSON bytes, the decoded text); linting it
    # would cost dozens
    assert grown < 8 * size, f"the server's peak RSS grew by {grown / 1e6:.0f} MB for a {size / 1e6:.0f} MB buffer"
    # back under the limit: linted again
    change_doc(client, big, "FROM alpine:3.20\n", 3)
    await wait_for(client, big, lambda d: any(x.code == "DF005" for x in d), timeout=120)
