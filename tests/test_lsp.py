"""The language server end to end: a real ``python -m archlint server`` process driven over stdio
by pytest-lsp's client (a pygls client): diagnostics, code actions applied, hover, settings."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

pytestmark = pytest.mark.slow

SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "archlint", "server"],
    server_env={**os.environ, "ARCHLINT_NO_CACHE": "1"},
)

DOCKERFILE = "FROM --platform=linux/x86_64 alpine:3.20 AS base\nRUN echo hi\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".archlint.toml").write_text('platforms = ["linux/amd64"]\n')
    return tmp_path


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, project):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=project.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def wait_for(client: LanguageClient, uri: str, pred, timeout: float = 20.0):
    """Wait until the diagnostics published for ``uri`` satisfy ``pred``."""
    async def loop():
        while True:
            diags = client.diagnostics.get(uri)
            if diags is not None and pred(diags):
                return diags
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(loop(), timeout)


def apply_text_edits(text: str, edits) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to text, as an editor does."""
    lines = text.split("\n")

    def offset(pos):
        before = sum(len(l) + 1 for l in lines[: pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return before + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return before + len(line)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for s, e, t in spans:
        text = text[:s] + t + text[e:]
    return text


def codes(diags) -> list[tuple[str, int, int]]:
    return sorted((d.code, d.range.start.line, d.range.start.character) for d in diags)


def open_doc(client: LanguageClient, uri: str, text: str, lang: str = "dockerfile", version: int = 1):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id=lang, version=version, text=text))
    )


def change_doc(client: LanguageClient, uri: str, text: str, version: int):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


@pytest.mark.asyncio
async def test_diagnostics_quick_fix_and_cleared(client: LanguageClient, project: Path):
    path = project / "Dockerfile"
    path.write_text("FROM alpine:3.20\n")  # on disk: something else; the server lints the buffer
    uri = path.as_uri()
    open_doc(client, uri, DOCKERFILE)
    diags = await wait_for(client, uri, lambda d: any(x.code == "DF009" for x in d))
    df009 = [d for d in diags if d.code == "DF009"][0]
    assert (df009.range.start.line, df009.range.start.character) == (0, 16)
    assert (df009.range.end.line, df009.range.end.character) == (0, 28)
    assert df009.severity == types.DiagnosticSeverity.Information  # an alias the build accepts: info
    assert df009.source == "archlint"
    assert df009.code_description.href.endswith("#df009")
    assert "Non-canonical platform 'linux/x86_64'" in df009.message

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=df009.range,
            context=types.CodeActionContext(diagnostics=[df009]),
        )
    )
    titles = [a.title for a in actions]
    fix = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and "DF009" in a.title and not a.title.startswith("Suppress")]
    assert len(fix) == 1 and fix[0].is_preferred, titles
    assert "Suppress DF009 on this line" in titles
    assert any(a.kind == "source.fixAll.archlint" for a in actions)

    new_text = apply_text_edits(DOCKERFILE, fix[0].edit.changes[uri])
    assert new_text == "FROM --platform=linux/amd64 alpine:3.20 AS base\nRUN echo hi\n"
    change_doc(client, uri, new_text, 2)
    diags = await wait_for(client, uri, lambda d: not any(x.code == "DF009" for x in d))
    assert codes(diags) == []  # pinned to the single configured platform: nothing left

    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await wait_for(client, uri, lambda d: len(d) == 0)


@pytest.mark.asyncio
async def test_fix_all_and_suppress_actions(client: LanguageClient, project: Path):
    uri = (project / "build.Dockerfile").as_uri()
    text = "FROM --platform=$TARGETPLATFORM alpine:3.20\nFROM golang:1.22 AS build\nRUN ARCH=$TARGETARCH make\n"
    open_doc(client, uri, text)
    diags = await wait_for(client, uri, lambda d: len(d) > 0)
    assert ("DF007", 2, 9) in codes(diags) and ("DF010", 0, 5) in codes(diags)

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert [a.kind for a in actions] == ["source.fixAll.archlint"]
    fixed = apply_text_edits(text, actions[0].edit.changes[uri])
    assert fixed == (
        "FROM --platform=linux/amd64 alpine:3.20\n"
        "FROM --platform=linux/amd64 golang:1.22 AS build\n"
        "ARG TARGETARCH\n"
        "RUN ARCH=$TARGETARCH make\n"
    )

    # "Suppress DF007 on this line": an own-line comment above the instruction
    df007 = [d for d in diags if d.code == "DF007"][0]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=df007.range,
            context=types.CodeActionContext(diagnostics=[df007], only=[types.CodeActionKind.QuickFix]),
        )
    )
    sup = [a for a in actions if a.title == "Suppress DF007 on this line"]
    assert len(sup) == 1 and not any(a.kind == "source.fixAll.archlint" for a in actions)
    suppressed = apply_text_edits(text, sup[0].edit.changes[uri])
    assert suppressed.splitlines()[2] == "# archlint: ignore[DF007]"
    change_doc(client, uri, suppressed, 2)
    diags = await wait_for(client, uri, lambda d: not any(x.code == "DF007" for x in d))
    assert "DF010" in {d.code for d in diags}


@pytest.mark.asyncio
async def test_hover_shows_rule_doc(client: LanguageClient, project: Path):
    uri = (project / "Dockerfile").as_uri()
    open_doc(client, uri, DOCKERFILE)
    await wait_for(client, uri, lambda d: any(x.code == "DF009" for x in d))
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=20))
    )
    assert hover is not None
    assert "**DF009**" in hover.contents.value and "What it does" in hover.contents.value
    assert hover.range.start == types.Position(line=0, character=16)
    # nothing to say on a clean spot
    none = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=5))
    )
    assert none is None


@pytest.mark.asyncio
async def test_settings_from_did_change_configuration(client: LanguageClient, project: Path):
    uri = (project / "Dockerfile").as_uri()
    open_doc(client, uri, "FROM alpine:3.20\n")
    diags = await wait_for(client, uri, lambda d: any(x.code == "DF005" for x in d))
    assert "linux/amd64" in [d for d in diags if d.code == "DF005"][0].message
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"archlint": {"ignore": ["DF005"], "severity": {"DF001": "error"}}})
    )
    await wait_for(client, uri, lambda d: len(d) == 0)
    # a bad setting is reported and ignored, the server keeps going
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"platforms": ["linux/amd46"]}))
    await wait_for(client, uri, lambda d: any(x.code == "DF005" for x in d))
    assert any("linux/amd46" in m.message for m in client.messages)


@pytest.mark.asyncio
async def test_project_files_changed_on_disk_are_read_again(client: LanguageClient, project: Path):
    """The Python rules read the target version from the project's Dockerfile: a server that
    has linted once must see that file change (it reads project files afresh per lint)."""
    (project / "Dockerfile").write_text("FROM python:3.10\n")
    uri = (project / "clock.py").as_uri()
    text = "import datetime\n\n\ndef now():\n    return datetime.datetime.utcnow()\n"
    open_doc(client, uri, text, lang="python")
    diags = await wait_for(client, uri, lambda d: True)
    assert not any(x.code == "PY002" for x in diags)  # not deprecated yet in Python 3.10
    (project / "Dockerfile").write_text("FROM python:3.12\n")
    change_doc(client, uri, text + "\n", 2)
    diags = await wait_for(client, uri, lambda d: any(x.code == "PY002" for x in d))
    assert "3.12" in [x for x in diags if x.code == "PY002"][0].message


@pytest.mark.asyncio
async def test_utf16_columns_and_debounced_changes(client: LanguageClient, project: Path):
    uri = (project / "Dockerfile").as_uri()
    open_doc(client, uri, "FROM alpine:3.20\n")
    await wait_for(client, uri, lambda d: any(x.code == "DF005" for x in d))
    # several quick edits: the last text is what gets linted
    final = 'FROM --platform=linux/amd64 alpine:3.20\nRUN echo "\U0001F600" $TARGETARCH\n'
    for v, t in enumerate(["LABEL x=1\n", "LABEL x=2\n", final], start=2):
        change_doc(client, uri, t, v)
    diags = await wait_for(client, uri, lambda d: any(x.code == "DF007" for x in d))
    d = [x for x in diags if x.code == "DF007"][0]
    # code point column 13, UTF-16 column 14 (the emoji is two code units)
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (1, 14, 25)


@pytest.mark.asyncio
async def test_hover_on_a_suppression_comment(client: LanguageClient, project: Path):
    uri = (project / "Dockerfile").as_uri()
    open_doc(client, uri, "# archlint: ignore[DF001, DF005]\nFROM python:latest\n")
    await wait_for(client, uri, lambda d: len(d) == 0)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=28))
    )
    assert "**DF005**" in hover.contents.value and "**DF001**" not in hover.contents.value
    assert (hover.range.start.character, hover.range.end.character) == (26, 31)


@pytest.mark.asyncio
async def test_broken_config_and_bad_requests_do_not_stop_the_server(client: LanguageClient, project: Path):
    config = (project / ".archlint.toml")
    config.write_text("platforms = [\"linux/amd46\"]\n")
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=config.as_uri())))
    uri = (project / "Dockerfile").as_uri()
    open_doc(client, uri, "FROM --platform=linux/x86_64 alpine:3.20\n")
    diags = await wait_for(client, uri, lambda d: any(x.code == "AL001" for x in d))
    assert any("configuration error" in d.message and "amd46" in d.message for d in diags)
    assert "DF009" in {d.code for d in diags}  # still linted, with the default settings
    # a request the server cannot answer: an error response, and the server goes on
    with pytest.raises(Exception):
        await client.protocol.send_request_async("archlint/noSuchMethod", {})
    # the configuration is repaired and saved: every open document is linted again
    config.write_text("platforms = [\"linux/amd64\"]\n")
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=config.as_uri())))
    diags = await wait_for(client, uri, lambda d: not any(x.code == "AL001" for x in d))
    assert [d.code for d in diags] == ["DF009"]


def test_normalize_settings_spellings():
    from archlint.server import normalize_settings

    assert normalize_settings({"archlint": {"extendSelect": ["AL002"], "unsafe_fixes": True, "platforms": ["linux/arm64"]}}) == (
        {"extend-select": ["AL002"], "platforms": ["linux/arm64"]}, True, []
    )
    assert normalize_settings({"kubernetesVersion": "1.29", "colour": "x"}) == ({"kubernetes-version": "1.29"}, False, ["colour"])
    assert normalize_settings(None) is None
    assert normalize_settings({"editor": {"tabSize": 4}}) is None  # another tool's section: keep ours


UNSAFE_ONLY = (
    "FROM alpine:3.20\n"
    "ADD https://example.com/releases/download/v1.0/tool-linux-arm64 /bin/tool\n"
)


@pytest_lsp.fixture(config=SERVER)
async def client_with_options(lsp_client: LanguageClient, project):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=project.as_uri(),
            initialization_options={
                "archlint": {"unsafeFixes": True, "platforms": ["linux/amd64", "linux/arm64"], "select": ["DF006"], "colour": "red"}
            },
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_initialization_options_untitled_buffer_and_unsafe_fix_all(client_with_options: LanguageClient, project: Path):
    """Settings from initializationOptions apply to a buffer without a path, whose kind comes from
    its languageId; with ``unsafeFixes`` "Fix all" applies unsafe fixes; unknown keys are logged."""
    client = client_with_options
    uri = "untitled:Untitled-1"
    open_doc(client, uri, UNSAFE_ONLY, lang="dockerfile")
    diags = await wait_for(client, uri, lambda d: len(d) > 0)
    assert {d.code for d in diags} == {"DF006"}
    assert any("ignoring unknown settings: colour" in m.message for m in client.log_messages)

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=diags),
        )
    )
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and "DF006" in a.title and not a.title.startswith("Suppress")]
    assert quick and all(a.title.endswith("[unsafe]") and not a.is_preferred for a in quick)
    fix_all = [a for a in actions if a.kind == "source.fixAll.archlint"]
    assert len(fix_all) == 1
    assert apply_text_edits(UNSAFE_ONLY, fix_all[0].edit.changes[uri]) == (
        "FROM alpine:3.20\nARG TARGETARCH\nADD https://example.com/releases/download/v1.0/tool-linux-${TARGETARCH} /bin/tool\n"
    )


@pytest.mark.asyncio
async def test_fix_all_needs_unsafe_fixes(client: LanguageClient, project: Path):
    """Without ``unsafe-fixes`` a file with only unsafe fixes gets no "Fix all"."""
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"platforms": ["linux/amd64", "linux/arm64"], "select": ["DF006"]})
    )
    uri = (project / "tool.Dockerfile").as_uri()
    open_doc(client, uri, UNSAFE_ONLY)
    diags = await wait_for(client, uri, lambda d: any(x.code == "DF006" for x in d))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=diags, only=["source.fixAll"]),
        )
    )
    assert actions is None


@pytest.mark.asyncio
async def test_save_relints_and_close_cancels_a_pending_lint(client: LanguageClient, project: Path):
    uri = (project / "Dockerfile").as_uri()
    open_doc(client, uri, "FROM --platform=linux/amd64 alpine:3.20\n")
    await wait_for(client, uri, lambda d: len(d) == 0)
    # saving an open document lints it again (a fresh publish)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 20)
    # an edit closed before its debounced lint runs is never reported
    change_doc(client, uri, "FROM alpine:3.20\n", 2)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await asyncio.sleep(0.5)  # past the debounce
    assert list(client.diagnostics.get(uri)) == []
    # requests about a document that is not open: no answer, no error
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0))
    )
    assert hover is None
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert actions is None


# ---- the project model (issue 13): cross-file findings for open documents ----------------------

DEPLOY_SH = "#!/bin/sh\nset -e\ndocker build -t reg.example.com/app:1 .\ndocker push reg.example.com/app:1\n"
APP_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      nodeSelector: {kubernetes.io/arch: amd64}
      containers:
        - name: app
          image: reg.example.com/app:1
"""
SINGLE_DOCKERFILE = "FROM alpine:3.20\nRUN echo hi\n"


@pytest.fixture
def linked(project):
    """A script building and pushing an image without a platform, a manifest deploying it on
    amd64 nodes, the Dockerfile it builds."""
    (project / "deploy.sh").write_text(DEPLOY_SH)
    (project / "k8s").mkdir()
    (project / "k8s" / "app.yaml").write_text(APP_YAML)
    (project / "Dockerfile").write_text(SINGLE_DOCKERFILE)
    return project


def save(client: LanguageClient, path: Path, text: str):
    path.write_text(text)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


@pytest_lsp.fixture(config=SERVER)
async def model_client(lsp_client: LanguageClient, linked):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=linked.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_model_findings_refresh_when_a_linked_file_is_saved(model_client: LanguageClient, linked: Path):
    client = model_client
    app = linked / "k8s" / "app.yaml"
    app_uri, sh_uri, df_uri = app.as_uri(), (linked / "deploy.sh").as_uri(), (linked / "Dockerfile").as_uri()
    open_doc(client, app_uri, APP_YAML, lang="yaml")
    diags = await wait_for(client, app_uri, lambda d: any(x.code == "XF002" for x in d))
    xf = [d for d in diags if d.code == "XF002"][0]
    assert xf.range.start.line == 14 and "deploy.sh:3" in xf.message
    # the build, in the other file, as a related location with that file's URI
    rel = xf.related_information
    assert rel and rel[0].location.uri == sh_uri and rel[0].location.range.start.line == 2

    open_doc(client, df_uri, SINGLE_DOCKERFILE)
    diags = await wait_for(client, df_uri, lambda d: any(x.code == "DF005" for x in d))
    assert "built without --platform at deploy.sh:3" in [d for d in diags if d.code == "DF005"][0].message

    open_doc(client, sh_uri, DEPLOY_SH, lang="shellscript")
    diags = await wait_for(client, sh_uri, lambda d: any(x.code == "BC001" for x in d))
    assert "deployed by k8s/app.yaml:15 on amd64 nodes" in [d for d in diags if d.code == "BC001"][0].message

    # the build gets a platform: the edit alone (unsaved) changes nothing in the other files ...
    fixed = DEPLOY_SH.replace("docker build -t", "docker build --platform linux/amd64 -t")
    change_doc(client, sh_uri, fixed, 2)
    await wait_for(client, sh_uri, lambda d: not any(x.code == "BC001" for x in d))
    assert any(x.code == "XF002" for x in client.diagnostics[app_uri])
    # ... saving it publishes the manifest's and the Dockerfile's diagnostics again, without them
    save(client, linked / "deploy.sh", fixed)
    await wait_for(client, app_uri, lambda d: not any(x.code == "XF002" for x in d))
    await wait_for(client, df_uri, lambda d: not any(x.code == "DF005" for x in d))


@pytest.mark.asyncio
async def test_model_sees_unsaved_buffers_and_buffer_suppressions(model_client: LanguageClient, linked: Path):
    """An open buffer's facts count for the model, unsaved (until it is closed unsaved); a
    suppression comment in the buffer (not on disk) silences its XF finding."""
    client = model_client
    app_uri, sh_uri = (linked / "k8s" / "app.yaml").as_uri(), (linked / "deploy.sh").as_uri()
    open_doc(client, app_uri, APP_YAML, lang="yaml")
    await wait_for(client, app_uri, lambda d: any(x.code == "XF002" for x in d))
    # the script's buffer sets a platform (not saved): the manifest's next lint sees it
    open_doc(client, sh_uri, DEPLOY_SH.replace("docker build -t", "docker build --platform linux/amd64 -t"), lang="shellscript")
    await wait_for(client, sh_uri, lambda d: True)
    change_doc(client, app_uri, APP_YAML + "---\n", 2)
    await wait_for(client, app_uri, lambda d: not any(x.code == "XF002" for x in d))
    # closed unsaved: the file on disk counts again, the open manifest is linted again
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=sh_uri)))
    await wait_for(client, app_uri, lambda d: any(x.code == "XF002" for x in d))
    # the manifest's own buffer: it deploys another image, then suppresses the finding in place
    change_doc(client, app_uri, APP_YAML.replace("reg.example.com/app:1", "reg.example.com/other:1"), 3)
    await wait_for(client, app_uri, lambda d: not any(x.code == "XF002" for x in d))
    change_doc(client, app_uri, APP_YAML, 4)
    await wait_for(client, app_uri, lambda d: any(x.code == "XF002" for x in d))
    suppressed = APP_YAML.replace("        - name: app\n", "        - name: app\n          # archlint: ignore[XF002]\n")
    change_doc(client, app_uri, suppressed, 5)
    await wait_for(client, app_uri, lambda d: not any(x.code == "XF002" for x in d))
