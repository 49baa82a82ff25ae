"""``ArchlintServer``: the pygls language server.  Its state is attributes, its LSP features are
the ``on_*`` methods, registered together in ``register_features``, each behind ``_guard`` (an
exception is logged and the server goes on).  The event loop only schedules, converts and
publishes: lints run in worker processes (``pool.LintPool``: one lint per document at a time, a
newer version supersedes the older one, whose result is never published), the rest of the engine
work (code actions, hover) on one daemon thread (``in_engine_thread``).  ``shutdown`` abandons all
of it and answers at once; a request after it gets InvalidRequest; ``exit`` ends the process."""
from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import os
import sys
import traceback

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from .. import __version__
from ..config import CONFIG_FILES
from .actions import FIX_ALL_KIND, code_actions
from .diagnostics import all_diagnostics
from .documents import DocState
from .hover import hover_for
from .linting import doc_state, fs_path, lint_header
from .pool import EngineThread, LintPool
from .project import Facts
from .settings import ClientSettings

DEBOUNCE = 0.15
RESCAN_DEBOUNCE = 1.0  # files changed on disk (workspace/didChangeWatchedFiles): one scan for a burst
REFRESH_DEBOUNCE = 0.1  # pull clients: one workspace/diagnostic/refresh for the lints of a burst
SETTINGS_WAIT = 5.0  # the longest a lint waits for the client's answer to workspace/configuration

log = logging.getLogger("archlint.server")


def _guard(fn):
    """``fn`` (a handler method), logging any exception and returning None instead: a bug must
    never stop the server (a ``JsonRpcException`` it raises is its answer: an error response).
    The log names the handler without its ``on_``."""
    name = fn.__name__.removeprefix("on_")
    if asyncio.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapper(params):
            try:
                return await fn(params)
            except JsonRpcException:  # an answer the handler chose: an error response
                raise
            except Exception:
                _report(fn.__self__, f"{name} failed")
                return None

    else:

        @functools.wraps(fn)
        def wrapper(params):
            try:
                return fn(params)
            except Exception:
                _report(fn.__self__, f"{name} failed")
                return None

    return wrapper


def _report(ls, what: str) -> None:
    """Log the exception being handled: stderr, and the client's log (``window/logMessage``)."""
    text = f"archlint: {what}:\n{traceback.format_exc()}"
    log.error(text)
    try:
        ls.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=text))
    except Exception:
        pass


class ArchlintProtocol(LanguageServerProtocol):
    """pygls' protocol, but a request after ``shutdown`` gets InvalidRequest (the LSP says so;
    pygls drops it unanswered)."""

    def handle_message(self, message):
        method = getattr(message, "method", None)
        if self._shutdown and method not in (None, types.EXIT) and getattr(message, "id", None) is not None:
            error = JsonRpcInvalidRequest(f"{method}: the server is shut down")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)


class ArchlintServer(LanguageServer):
    def __init__(self):
        super().__init__("archlint", __version__, protocol_cls=ArchlintProtocol)
        self.client_settings = ClientSettings()
        self.open: dict[str, str] = {}  # uri -> languageId, for the open documents
        self.docs: dict[str, DocState] = {}  # uri -> its last lint
        self.pending: dict[str, asyncio.Task] = {}  # uri -> its scheduled lint
        self.generation: dict[str, int] = {}  # uri -> number of lints started (a newer one wins)
        self.logged: set = set()  # (uri, message) of the internal errors already logged
        self.pool = LintPool()
        self._engine = None
        self.shut_down = False
        self.project = Facts()  # the workspace's project facts (the model's pass per lint)
        self.saving: set = set()  # uris saved whose lint has not finished yet
        self.scan_task: asyncio.Task | None = None
        self.scan_proc = None
        # what the client supports (read in initialize)
        self.pull = False  # textDocument/diagnostic: diagnostics are pulled, never published
        self.refresh = False  # workspace/diagnostic/refresh
        self.config_pull = False  # workspace/configuration
        self.settings_ready = asyncio.Event()  # the client's workspace/configuration answer is in
        self.reports: dict[str, tuple[DocState, str, list]] = {}  # uri -> (state, resultId, diagnostics)
        self.pulled: dict[str, str] = {}  # uri -> the resultId the client has
        self.pulling: dict[str, int] = {}  # uri -> pull requests being answered
        self.refresh_task: asyncio.Task | None = None
        self.register_features()

    def register_features(self) -> None:
        code_action_options = types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False
        )
        # a file's findings depend on other files (the project model, unsaved buffers included)
        diagnostic_options = types.DiagnosticOptions(
            identifier="archlint", inter_file_dependencies=True, workspace_diagnostics=False
        )
        for method, handler, options in (
            (types.INITIALIZE, self.on_initialize, None),
            (types.INITIALIZED, self.on_initialized, None),
            (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, self.on_did_change_watched_files, None),
            (types.WORKSPACE_DID_CHANGE_CONFIGURATION, self.on_did_change_configuration, None),
            (types.TEXT_DOCUMENT_DID_OPEN, self.on_did_open, None),
            (types.TEXT_DOCUMENT_DID_CHANGE, self.on_did_change, None),
            (types.TEXT_DOCUMENT_DID_SAVE, self.on_did_save, None),
            (types.TEXT_DOCUMENT_DID_CLOSE, self.on_did_close, None),
            (types.TEXT_DOCUMENT_CODE_ACTION, self.on_code_action, code_action_options),
            (types.TEXT_DOCUMENT_HOVER, self.on_hover, None),
            (types.TEXT_DOCUMENT_DIAGNOSTIC, self.on_diagnostic, diagnostic_options),
            (types.SHUTDOWN, self.on_shutdown, None),
            (types.EXIT, self.on_exit, None),
        ):
            self.feature(method, options)(_guard(handler))

    # ---- LSP features ------------------------------------------------------------------------------

    def on_initialize(self, params: types.InitializeParams) -> None:
        """Settings from ``initializationOptions``; what the client supports: pull diagnostics
        (then nothing is published, as ruff's server does: the client would show both),
        ``workspace/diagnostic/refresh``, ``workspace/configuration`` (then lints wait for its
        answer, a few seconds at most)."""
        caps = params.capabilities
        text_document, workspace = caps.text_document, caps.workspace
        self.pull = getattr(text_document, "diagnostic", None) is not None
        self.refresh = bool(getattr(getattr(workspace, "diagnostics", None), "refresh_support", False))
        self.config_pull = bool(getattr(workspace, "configuration", False))
        self.apply_settings(params.initialization_options, base=True)
        if not self.config_pull:
            self.settings_ready.set()
        self.rescan(0)

    async def on_initialized(self, params) -> None:
        """Ask for the settings (``workspace/configuration``), and for the files changed on disk
        (a checkout, a file saved elsewhere) when the client registers watchers dynamically:
        their facts are read again."""
        if self.config_pull:
            try:
                if await self.pull_settings():
                    self.relint_all()
            finally:
                self.settings_ready.set()
        caps = getattr(self.client_capabilities, "workspace", None)
        watched = getattr(caps, "did_change_watched_files", None)
        if not getattr(watched, "dynamic_registration", False):
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern="**/*")])
        await self.client_register_capability_async(types.RegistrationParams(registrations=[
            types.Registration(id="archlint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=options)
        ]))

    async def on_did_change_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        open_paths = {fs_path(u) for u in self.open}
        for change in params.changes:
            path = fs_path(change.uri)
            if path and path not in open_paths and f"{os.sep}.git{os.sep}" not in path:
                self.rescan(RESCAN_DEBOUNCE)
                return

    async def on_did_change_configuration(self, params: types.DidChangeConfigurationParams) -> None:
        """The settings changed: asked again (``workspace/configuration``) when the client supports
        it, else (or when its answer holds nothing for archlint) read from the notification."""
        if not (self.config_pull and await self.pull_settings()):
            self.apply_settings(params.settings)
        self.relint_all()

    async def on_did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        self.open[doc.uri] = doc.language_id
        self.schedule(doc.uri, 0)

    async def on_did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in self.open and self.client_settings.lint_on_change:
            self.schedule(uri, DEBOUNCE)

    async def on_did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = fs_path(uri)
        if path and os.path.basename(path) in CONFIG_FILES:
            self.client_settings.reset()
            self.relint_all()
            self.rescan(0)  # excludes, the kinds of files: the facts may change
        elif uri in self.open:
            self.saving.add(uri)  # once linted, its facts are the file's: the other documents follow
            self.schedule(uri, 0)

    async def on_did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self.open.pop(uri, None)
        st = self.docs.pop(uri, None)
        self.saving.discard(uri)
        self.cancel(uri)
        self.pool.cancel(uri)
        self.generation[uri] = self.generation.get(uri, 0) + 1
        self.reports.pop(uri, None)
        self.pulled.pop(uri, None)
        if not self.pull:  # a client that pulls drops a closed document's diagnostics itself
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if st is not None and self.project.drop_buffer(st.display):  # unsaved facts: the file's count again
            self.relint_all()

    async def on_code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        st = await self.current(params.text_document.uri)
        if st is None or st.kind is None:
            return None
        actions, problem = await self.in_engine_thread(code_actions, st, params, self.client_settings.unsafe_fixes)
        if problem:
            self.log_message(problem, types.MessageType.Warning)
        return actions or None

    async def on_hover(self, params: types.HoverParams) -> types.Hover | None:
        st = await self.current(params.text_document.uri)
        if st is None:
            return None
        return await self.in_engine_thread(hover_for, st, params.position)

    async def on_diagnostic(self, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        """Pull diagnostics: the report of the document's current text (once its lint, scheduled
        or running, is done), "unchanged" when the client has it already (same resultId: a hash of
        the diagnostics).  A document that is not open has none.  Errors are answered as errors
        (the client keeps what it shows), never as an empty report."""
        uri = params.text_document.uri
        self.pulling[uri] = self.pulling.get(uri, 0) + 1
        try:
            task = self.pending.get(uri)
            last = self.docs.get(uri)
            if task is not None and not task.done():  # a lint of this version with new settings
                await asyncio.wait({task})
                st = await self.current(uri)
            elif last is not None and not self.client_settings.lint_on_change:
                st = last  # linted on open and save only: what was linted then
            else:
                st = await self.current(uri)
        except Exception:
            _report(self, "diagnostic failed")
            raise JsonRpcException(message="archlint: the lint failed (see the log)", code=types.LSPErrorCodes.RequestFailed,
                                   data={"retriggerRequest": False})
        finally:
            self.pulling[uri] -= 1
            if not self.pulling[uri]:
                del self.pulling[uri]
        if st is None:
            if uri in self.open and not self.shut_down:  # the text kept changing: ask again
                raise JsonRpcException(message="archlint: the document changed", code=types.LSPErrorCodes.ServerCancelled,
                                       data={"retriggerRequest": True})
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        _, rid, diags = self.report(st)
        self.pulled[uri] = rid
        if params.previous_result_id == rid:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
        return types.RelatedFullDocumentDiagnosticReport(items=diags, result_id=rid)

    def on_shutdown(self, params) -> None:
        """Answered at once: the lints running are abandoned (their workers killed, nothing
        published), so is the engine thread's work."""
        self.shut_down = True
        for task in self.pending.values():
            task.cancel()
        self.pending.clear()
        self.pool.close()
        self.stop_scan()
        if self.refresh_task is not None:
            self.refresh_task.cancel()
        if self._engine is not None:
            self._engine.stop()

    def on_exit(self, params) -> None:
        """End the process now (0 after a ``shutdown``, else 1, as the LSP says): nothing is left
        to wait for, and a daemon thread still in the engine must not hold the exit up.  What
        was sent is already flushed (pygls flushes each message)."""
        self.pool.close()
        self.stop_scan()
        logging.shutdown()
        os._exit(0 if self.shut_down else 1)

    # ---- linting -----------------------------------------------------------------------------------

    async def lint_now(self, uri: str) -> DocState | None:
        """Lint the document's current text in a worker and publish the result, unless a newer
        lint started, the document was closed or the server shut down meanwhile."""
        if not self.settings_ready.is_set():  # the client's settings first (a few seconds at most)
            try:
                await asyncio.wait_for(self.settings_ready.wait(), SETTINGS_WAIT)
            except asyncio.TimeoutError:
                self.settings_ready.set()
        if uri not in self.open or self.shut_down:
            return None
        doc = self.workspace.get_text_document(uri)
        text, version = doc.source, doc.version
        gen = self.generation.get(uri, 0) + 1
        self.generation[uri] = gen
        header = lint_header(self.client_settings, uri, text, self.open[uri], self.root_dir())
        answer = await self.pool.lint(uri, header, text)
        if answer is None or self.generation.get(uri) != gen or uri not in self.open or self.shut_down:
            return None
        state = doc_state(uri, version, text, answer, self.position_encoding())
        if state.text is not None and state.abspath is not None:
            await self.in_engine_thread(self.project.apply, state.result, state.abspath, text, state.settings,
                                        self.client_settings.resolver)
            if self.generation.get(uri) != gen or uri not in self.open or self.shut_down:
                return None
        self.docs[uri] = state
        self.publish(state)
        if uri in self.saving:
            self.saving.discard(uri)
            if self.project.saved(state.display):  # its facts changed: other documents' findings may
                self.relint_all(but=uri)
        return state

    def schedule(self, uri: str, delay: float) -> None:
        """Lint the document in ``delay`` seconds, instead of any lint scheduled or running
        before (the debounce; the older version's lint is abandoned at once)."""
        self.cancel(uri)
        self.pool.cancel(uri)
        if self.shut_down:
            return

        async def run():
            try:
                if delay:
                    await asyncio.sleep(delay)
                await self.lint_now(uri)
            except asyncio.CancelledError:
                pass
            except Exception:
                _report(self, f"linting {uri} failed")

        self.pending[uri] = asyncio.ensure_future(run())

    def cancel(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None and not task.done():
            task.cancel()

    def relint_all(self, but: str | None = None) -> None:
        """Lint the open documents again (another file's facts, the workspace's scan changed).
        Linted on open and save only (``lintOnChange`` false), a document with unsaved edits
        keeps what its last lint said until it is saved."""
        for uri in list(self.open):
            if uri == but:
                continue
            if not self.client_settings.lint_on_change:
                st = self.docs.get(uri)
                try:
                    text = self.workspace.get_text_document(uri).source
                except Exception:
                    text = None
                if st is not None and st.text is not None and text != st.text:
                    continue
            self.schedule(uri, 0)

    # ---- the project model -------------------------------------------------------------------------

    def rescan(self, delay: float) -> None:
        """Gather the facts of the workspace's repository again (in ``delay`` seconds, instead
        of a scan scheduled or running), then lint the open documents again."""
        if self.shut_down:
            return
        self.stop_scan()
        self.scan_task = asyncio.ensure_future(self._scan(delay))

    def stop_scan(self) -> None:
        if self.scan_task is not None and not self.scan_task.done():
            self.scan_task.cancel()
        self.scan_task = None
        proc, self.scan_proc = self.scan_proc, None
        if proc is not None and proc.returncode is None:
            try:
                proc.kill()
            except ProcessLookupError:
                pass

    async def _scan(self, delay: float) -> None:
        """Run the scan (``project.scan_main``) in a child process; load what it found."""
        import pickle

        from ..discovery import find_root
        from .worker import HEADER, frame

        try:
            if delay:
                await asyncio.sleep(delay)
            root = find_root(self.root_dir())
            self.project.set_root(root)
            import archlint

            home = os.path.dirname(os.path.dirname(os.path.abspath(archlint.__file__)))
            code = (f"import sys; sys.path.insert(0, {home!r}); from archlint.server.project import scan_main; "
                    "sys.exit(scan_main())")
            proc = self.scan_proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", code, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=root,
            )
            out, _ = await proc.communicate(frame((root, self.client_settings.overrides)))
            if self.scan_proc is proc:
                self.scan_proc = None
            if len(out) < HEADER.size:
                raise RuntimeError(f"the scan process ended with {proc.returncode} and no answer")
            status, value = pickle.loads(out[HEADER.size:])
            if status != "done":
                raise RuntimeError(value)
            found_root, entries, dockerfiles = value
            await self.in_engine_thread(self.project.load, found_root, entries, dockerfiles)
            self.relint_all()
        except asyncio.CancelledError:
            pass
        except Exception:
            _report(self, "reading the workspace's project facts failed")

    async def current(self, uri: str) -> DocState | None:
        """The lint result for the document's current text: once the lint scheduled or running
        for it is done (one is scheduled if none is)."""
        for _ in range(5):  # the text may change while we wait
            if uri not in self.open or self.shut_down:
                return None
            doc = self.workspace.get_text_document(uri)
            st = self.docs.get(uri)
            if st is not None and st.version == doc.version and (st.text is None or st.text == doc.source):
                return st
            task = self.pending.get(uri)
            if task is None or task.done():
                self.schedule(uri, 0)
                task = self.pending[uri]
            await asyncio.wait({task})  # neither raises if the lint is cancelled nor cancels it
        return None

    @property
    def engine(self) -> EngineThread:
        if self._engine is None:
            self._engine = EngineThread()
        return self._engine

    async def in_engine_thread(self, fn, *args):
        """Run ``fn`` on the engine thread (code actions and hover: they parse, fix and read the
        rule registry), one thing at a time, off the event loop."""
        return await self.engine.run(fn, *args)

    def publish(self, st: DocState) -> None:
        """Publish the document's diagnostics (to a client that pulls: keep them for its next
        pull, and ask it to pull again when they are not what it has and it is not already
        asking); log each internal error (a rule crash ...) once."""
        for n in st.result.notices:
            if n.internal and (st.uri, n.message) not in self.logged:
                self.logged.add((st.uri, n.message))
                self.log_message(n.message, types.MessageType.Error)
        if not self.pull:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=st.uri, diagnostics=all_diagnostics(st, self.locate), version=st.version)
            )
            return
        had = self.pulled.get(st.uri)  # nothing to compare before the client's first pull
        if self.refresh and had is not None and st.uri not in self.pulling and self.report(st)[1] != had:
            self.request_refresh()

    def report(self, st: DocState) -> tuple[DocState, str, list]:
        """(state, resultId, diagnostics) of a lint, for pull clients; the resultId is a hash of
        the diagnostics, so an unchanged report is one the client has."""
        cached = self.reports.get(st.uri)
        if cached is not None and cached[0] is st:
            return cached
        diags = all_diagnostics(st, self.locate)
        from lsprotocol.converters import get_converter

        data = json.dumps(get_converter().unstructure(diags), sort_keys=True, separators=(",", ":"))
        rid = hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        self.reports[st.uri] = out = (st, rid, diags)
        return out

    def request_refresh(self) -> None:
        """One ``workspace/diagnostic/refresh`` for the lints finishing within ``REFRESH_DEBOUNCE``."""
        if self.shut_down or (self.refresh_task is not None and not self.refresh_task.done()):
            return

        async def run():
            try:
                await asyncio.sleep(REFRESH_DEBOUNCE)
                if not self.shut_down:
                    await self.workspace_diagnostic_refresh_async(None)
            except asyncio.CancelledError:
                pass
            except Exception:
                log.warning("workspace/diagnostic/refresh failed", exc_info=True)

        self.refresh_task = asyncio.ensure_future(run())

    def locate(self, path: str):
        """(URI, ``Lines`` or None) of another file of the model (a related location), by its
        display path; its lines when it is open (positions in the client's units)."""
        from pygls.uris import from_fs_path

        root = self.project.root
        if root is None:
            return None
        abspath = os.path.normpath(os.path.join(root, path))
        uri = from_fs_path(abspath)
        st = self.docs.get(uri)
        return uri, (st.lines if st is not None and st.display == path else None)

    # ---- settings and the client -------------------------------------------------------------------

    async def pull_settings(self) -> bool:
        """Ask the client for the section "archlint" (``workspace/configuration``) and apply what it
        answers; False when the answer holds no archlint settings or the request failed."""
        from .settings import read_settings

        try:
            answer = await self.workspace_configuration_async(types.ConfigurationParams(items=[
                types.ConfigurationItem(section="archlint", scope_uri=self.root_uri())
            ]))
        except Exception as e:
            self.log_message(f"workspace/configuration failed: {e}", types.MessageType.Warning)
            return False
        raw = answer[0] if isinstance(answer, (list, tuple)) and answer else None
        if read_settings(raw) is None:
            return False
        self.apply_settings(raw)
        return True

    def apply_settings(self, raw, base: bool = False) -> None:
        unknown, problem = self.client_settings.apply(raw, self.root_dir(), base=base)
        if unknown:
            self.log_message(f"ignoring unknown settings: {', '.join(sorted(unknown))}", types.MessageType.Warning)
        if problem:
            self.show(problem, types.MessageType.Error)

    def root_uri(self) -> str | None:
        try:
            return self.workspace.root_uri or None
        except Exception:
            return None

    def root_dir(self) -> str:
        try:
            root = self.workspace.root_path
        except Exception:
            root = None
        return root or os.getcwd()

    def position_encoding(self) -> str:
        enc = None
        try:
            enc = self.workspace.position_encoding
        except Exception:
            pass
        return str(getattr(enc, "value", enc) or "utf-16")

    def report_server_error(self, error, source):
        log.error("archlint server error (%s): %s", getattr(source, "__name__", source), error)
        try:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"archlint: {error}"))
        except Exception:
            pass

    def log_message(self, message: str, kind=None) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind or types.MessageType.Info, message=f"archlint: {message}"))
        except Exception:
            log.exception("logMessage failed")

    def show(self, message: str, kind) -> None:
        log.warning(message)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:
            log.exception("showMessage failed")
