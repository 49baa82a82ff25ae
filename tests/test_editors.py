"""Editors (issue 19): the language server as editors use it — settings pulled with
``workspace/configuration`` over ``initializationOptions``, pull diagnostics instead of published
ones, lint on save only — in real ``archlint server`` sessions (pytest-lsp's client); the VS Code
extension built and packaged with npm; Neovim (the distribution's, headless) reading archlint's
diagnostics and applying a quick fix."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EDITORS = REPO / "editors"

TWO_FROMS = "FROM --platform=linux/x86_64 alpine:3.20 AS base\nFROM alpine:3.20\nRUN echo hi\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".archlint.toml").write_text('platforms = ["linux/amd64"]\n')
    return tmp_path


def missing_tool(name: str, what: str):
    """A tool the test needs is not installed: a failure in CI (it must be installed there), a
    skip with the reason elsewhere."""
    message = f"{name} is not installed ({what}): CI must have it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# ---- the server's side: settings pulled, pull diagnostics, lint on save --------------------------

try:
    import pytest_lsp
    from lsprotocol import types
    from pytest_lsp import LanguageClient
    from test_lsp import SERVER, change_doc, open_doc, wait_for
except (ImportError, pytest.skip.Exception):  # without the lsp extra: the npm and Neovim tests still run
    pytest_lsp = None

if pytest_lsp is not None:
    #: a client that pulls diagnostics, is asked to refresh them and answers workspace/configuration
    #: (what vscode-languageclient 9 declares, as far as archlint reads it)
    PULL_CLIENT = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities(dynamic_registration=True, related_document_support=False),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True),
        ),
        workspace=types.WorkspaceClientCapabilities(
            configuration=True, diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True),
        ),
    )

    @pytest_lsp.fixture(config=SERVER)
    async def pull_client(lsp_client: LanguageClient, project):
        # the extension's settings come back in the section too (path, args): not the server's
        lsp_client.set_configuration(
            {"severity": {"DF009": "warning"}, "platforms": [], "path": "", "args": [], "lintOnChange": True},
            section="archlint",
        )
        lsp_client.init_result = await lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=PULL_CLIENT,
                root_uri=project.as_uri(),
                initialization_options={"archlint": {"severity": {"DF009": "error"}, "ignore": ["DF005"]}},
            )
        )
        yield
        await lsp_client.shutdown_session()

    @pytest_lsp.fixture(config=SERVER)
    async def on_save_client(lsp_client: LanguageClient, project):
        await lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=project.as_uri(),
                initialization_options={"lintOnChange": False},
            )
        )
        yield
        await lsp_client.shutdown_session()


async def pull(client, uri: str, previous: str | None = None):
    return await asyncio.wait_for(client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous)
    ), 30)


def severities(items) -> dict:
    return {d.code: d.severity for d in items}


@pytest.mark.slow
@pytest.mark.skipif(pytest_lsp is None, reason="needs archlint[lsp] and pytest-lsp")
@pytest.mark.asyncio
async def test_pull_diagnostics_and_pulled_settings(pull_client, project: Path):
    """A client that pulls gets reports (full, then unchanged by resultId) and no published
    diagnostics; the settings it answers to workspace/configuration lie over the
    initializationOptions (key by key) from the first lint on; a changed configuration is asked
    again, the documents linted again and the client asked to refresh."""
    client = pull_client
    caps = client.init_result.capabilities.diagnostic_provider
    assert caps.identifier == "archlint" and caps.inter_file_dependencies and not caps.workspace_diagnostics

    uri = (project / "Dockerfile").as_uri()
    open_doc(client, uri, TWO_FROMS)
    report = await pull(client, uri)
    assert report.kind == "full" and report.result_id
    # DF009: warning from workspace/configuration over the options' error; DF005: ignored by the options
    assert severities(report.items) == {"DF009": types.DiagnosticSeverity.Warning}
    again = await pull(client, uri, previous=report.result_id)
    assert again.kind == "unchanged" and again.result_id == report.result_id

    # the configuration changes: the notification carries nothing, the server asks
    client.set_configuration({"ignore": ["DF009"], "path": "/opt/archlint"}, section="archlint")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))

    async def refreshed():
        while client.diagnostic_refresh_count == 0:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(refreshed(), 20)
    report2 = await pull(client, uri, previous=report.result_id)
    assert report2.kind == "full" and report2.result_id != report.result_id
    assert severities(report2.items) == {"DF005": types.DiagnosticSeverity.Warning}  # the option's ignore replaced

    # an edit: the pull answers for the new text
    change_doc(client, uri, "FROM --platform=linux/amd64 alpine:3.20\n", 2)
    report3 = await pull(client, uri, previous=report2.result_id)
    assert report3.kind == "full" and not report3.items

    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    closed = await pull(client, uri)
    assert closed.kind == "full" and not closed.items
    assert client.diagnostics == {}  # nothing was ever published: the client would show it twice
    assert not any("unknown settings" in m.message for m in client.log_messages), client.log_messages


@pytest.mark.slow
@pytest.mark.skipif(pytest_lsp is None, reason="needs archlint[lsp] and pytest-lsp")
@pytest.mark.asyncio
async def test_lint_on_save_only(on_save_client, project: Path):
    """``lintOnChange: false``: an edit is not linted (the diagnostics stay those of the last
    lint), a save is."""
    client = on_save_client
    path = project / "Dockerfile"
    uri = path.as_uri()
    open_doc(client, uri, "FROM alpine:3.20\n")
    await wait_for(client, uri, lambda d: [x.code for x in d] == ["DF005"])
    fixed = "FROM --platform=linux/amd64 alpine:3.20\n"
    change_doc(client, uri, fixed, 2)
    await asyncio.sleep(1.0)  # well past the debounce
    assert [x.code for x in client.diagnostics[uri]] == ["DF005"]
    # another file changes on disk: the workspace is scanned again and the open documents re-linted,
    # but not this one's unsaved text
    (project / "other.sh").write_text("#!/bin/sh\ntrue\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(project / "other.sh").as_uri(), type=types.FileChangeType.Created)]))
    await asyncio.sleep(3.0)  # the rescan's debounce, the scan and the re-lints
    assert [x.code for x in client.diagnostics[uri]] == ["DF005"]
    path.write_text(fixed)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await wait_for(client, uri, lambda d: len(d) == 0)


def test_editor_settings_are_the_servers():
    """What each editor's configuration sends in the section "archlint" is read by the server
    with no unknown key: VS Code's settings (with their defaults), Helix's and Neovim's tables."""
    import tomllib

    from archlint.server.settings import SERVER_KEYS, SETTING_KEYS, read_settings

    props = json.loads((EDITORS / "vscode" / "package.json").read_text())["contributes"]["configuration"]["properties"]
    section: dict = {}
    for name, prop in props.items():
        *parents, leaf = name.removeprefix("archlint.").split(".")
        node = section
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = prop["default"]
    assert read_settings(section) == ({"unsafe-fixes": False, "lint-on-change": True}, [])
    assert read_settings({**section, "platforms": ["linux/arm64"], "extendSelect": ["AL002"]})[0]["platforms"] == ["linux/arm64"]

    helix = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text())
    server = helix["language-server"]["archlint"]
    assert [server["command"], *server["args"]] == ["archlint", "server"]
    assert {lang["name"] for lang in helix["language"] if "archlint" in lang["language-servers"]} == {
        "dockerfile", "make", "bash", "yaml", "markdown", "python"}
    # the commented settings of the snippet, uncommented, are all known
    lines = (EDITORS / "helix" / "languages.toml").read_text().split("[language-server.archlint.config.archlint]")[1]
    example = tomllib.loads("\n".join(l.removeprefix("# ") for l in lines.split("[[language]]")[0].splitlines()
                                       if l.startswith("# ")))
    assert example and read_settings(example)[1] == []

    lua = (EDITORS / "neovim" / "archlint.lua").read_text()
    documented = lua.split("-- Settings (also `archlint server --help`):")[1].split(". ")[0]
    names = [n.strip(" \n-").removeprefix("and ") for n in documented.replace("\n--", " ").split(",")]
    assert read_settings({n: 1 for n in names})[1] == [] and len(names) == len(SETTING_KEYS) + len(SERVER_KEYS), names


# ---- VS Code: the extension built and packaged from the committed lock file -----------------------

VSIX_FILES = {
    "[Content_Types].xml", "extension.vsixmanifest",
    "extension/package.json", "extension/readme.md", "extension/LICENSE.txt", "extension/dist/extension.js",
}


def run(cmd, cwd, env=None, timeout=600):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(cmd)} exited with {out.returncode}:\n{out.stdout[-4000:]}\n{out.stderr[-4000:]}"
    return out


@pytest.mark.slow
def test_vscode_extension_builds_and_packages(tmp_path):
    """In a copy of editors/vscode without anything built: ``npm ci`` (the committed lock file),
    ``tsc`` and the bundle, the Node tests of how the server is started (with this Python and a
    Python without archlint), ``vsce package``; the .vsix holds the extension's files only."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        missing_tool("npm", "Node.js and npm build the VS Code extension")
    src = EDITORS / "vscode"
    work = tmp_path / "vscode"
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("node_modules", "out", "dist", "*.vsix"))
    lock = json.loads((work / "package-lock.json").read_text())
    manifest = json.loads((work / "package.json").read_text())
    assert lock["packages"][""]["devDependencies"] == manifest["devDependencies"]
    assert all(not v.startswith(("^", "~")) for v in manifest["devDependencies"].values())  # pinned
    env = {**os.environ, "npm_config_audit": "false", "npm_config_fund": "false", "npm_config_update_notifier": "false"}
    run(["npm", "ci"], work, env)
    run(["npm", "run", "compile"], work, env)
    bare = shutil.which("python3", path="/usr/bin:/bin")
    bare_ok = bare and subprocess.run([bare, "-c", "import archlint"], capture_output=True).returncode != 0
    test_env = {**env, "ARCHLINT_TEST_PYTHON": sys.executable, **({"ARCHLINT_TEST_BARE_PYTHON": bare} if bare_ok else {})}
    out = run(["npm", "test"], work, test_env)
    assert "# fail 0" in out.stdout and "# skipped 0" in out.stdout, out.stdout[-2000:]
    run(["npx", "--no-install", "vsce", "package", "--out", "archlint.vsix"], work, env)
    with zipfile.ZipFile(work / "archlint.vsix") as z:
        names = set(z.namelist())
        pkg = json.loads(z.read("extension/package.json"))
        bundle = z.read("extension/dist/extension.js").decode()
    assert names == VSIX_FILES, sorted(names)
    assert pkg["main"] == "./dist/extension.js" and pkg["version"] == manifest["version"]
    assert {e.removeprefix("onLanguage:") for e in pkg["activationEvents"]} == {
        "dockerfile", "makefile", "shellscript", "yaml", "markdown", "python"}
    assert {"archlint.path", "archlint.args", "archlint.lintOnChange", "archlint.platforms"} <= set(
        pkg["contributes"]["configuration"]["properties"])
    assert 'require("vscode")' in bundle  # vscode-languageclient bundled, the editor's API external


# ---- Neovim: the documented configuration, headless, diagnostics read back, a quick fix applied ---

NVIM_DRIVER = r"""
-- run after editors/neovim/archlint.lua: open the Dockerfile, wait for archlint's diagnostics,
-- ask for code actions on DF005, apply the preferred quick fix, wait for DF005 to go
local out = vim.env.ARCHLINT_NVIM_OUT
local report = { steps = {} }
local function save()
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(report))
  f:close()
end
local function plain(diags)
  local list = {}
  for _, d in ipairs(diags) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(list, { code = code, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
                         severity = d.severity, source = d.source, message = d.message })
  end
  table.sort(list, function(a, b) return tostring(a.code) < tostring(b.code) end)
  return list
end
local function has(code)
  for _, d in ipairs(plain(vim.diagnostic.get(0))) do
    if d.code == code then return d end
  end
end
local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.ARCHLINT_NVIM_FILE))
  report.filetype = vim.bo.filetype
  report.steps[#report.steps + 1] = "opened"
  assert(vim.wait(60000, function() return has("DF005") ~= nil end, 50), "no DF005 diagnostic in 60 s")
  report.before = plain(vim.diagnostic.get(0))
  local clients = vim.lsp.buf_get_clients(0)
  local client
  for _, c in pairs(clients) do client = c end
  report.client = client.name
  local d = has("DF005")
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = {}, only = { "quickfix" } },
  }
  local responses = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 30000)
  local fix
  report.actions = {}
  for _, r in pairs(responses or {}) do
    for _, a in ipairs(r.result or {}) do
      table.insert(report.actions, a.title)
      if a.isPreferred and a.edit then fix = a end
    end
  end
  assert(fix, "no preferred quick fix")
  report.applied = fix.title
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding or "utf-16")
  report.text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  assert(vim.wait(60000, function() return has("DF005") == nil and has("DF001") ~= nil end, 50),
         "DF005 still there 60 s after the fix")
  report.after = plain(vim.diagnostic.get(0))
end)
report.ok = ok
if not ok then report.error = tostring(err) end
save()
vim.cmd(ok and "qall!" or "cquit!")
"""


@pytest.mark.slow
def test_neovim_diagnostics_and_quick_fix(project, tmp_path):
    """Debian's Neovim, headless, with editors/neovim/archlint.lua as its only configuration:
    opening a Dockerfile with ``FROM python:latest`` starts ``archlint server`` (from the PATH),
    ``vim.diagnostic.get`` has archlint's findings; the preferred quick fix for DF005 applied as
    a workspace edit, the buffer is linted again and DF005 goes (DF001, which has no fix, stays)."""
    nvim = shutil.which("nvim")
    if nvim is None:
        missing_tool("nvim", "Debian's neovim package: apt-get install neovim")
    dockerfile = project / "Dockerfile"
    dockerfile.write_text("FROM python:latest\n")
    driver = tmp_path / "driver.lua"
    driver.write_text(NVIM_DRIVER)
    out = tmp_path / "nvim.json"
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "ARCHLINT_NO_CACHE": "1", "ARCHLINT_NVIM_OUT": str(out), "ARCHLINT_NVIM_FILE": str(dockerfile),
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"), "XDG_CACHE_HOME": str(home / "cache"),
    }
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(EDITORS / "neovim" / "archlint.lua"), "-c", f"luafile {driver}"],
        cwd=project, env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), f"nvim wrote no report (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    report = json.loads(out.read_text())
    assert report["ok"], (report, proc.stderr[-3000:])
    assert report["filetype"] == "dockerfile" and report["client"] == "archlint"
    before = {d["code"]: d for d in report["before"]}
    assert set(before) == {"DF001", "DF005"}
    df005 = before["DF005"]
    assert (df005["lnum"], df005["col"], df005["end_col"], df005["source"]) == (0, 0, 4, "archlint")
    assert df005["message"].startswith("FROM python:latest has no --platform")
    assert report["applied"].endswith("(DF005)") and "Suppress DF001 on this line" in report["actions"]
    assert report["text"] == "FROM --platform=linux/amd64 python:latest"
    assert [d["code"] for d in report["after"]] == ["DF001"]
    assert proc.returncode == 0
