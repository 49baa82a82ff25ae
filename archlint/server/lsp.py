"""``ArchlintServer``: the pygls language server.  Its state is attributes, its LSP features are
the ``on_*`` methods, registered together in ``register_features``, each behind ``_guard`` (an
exception is logged and the server goes on).  Everything that touches the engine runs on one
lint thread (``in_lint_thread``); the event loop only schedules, converts and publishes."""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import traceback

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..config import CONFIG_FILES
from .actions import FIX_ALL_KIND, code_actions
from .diagnostics import all_diagnostics
from .documents import DocState
from .hover import hover_for
from .linting import fs_path, lint_document
from .settings import ClientSettings

DEBOUNCE = 0.15

log = logging.getLogger("archlint.server")


def _guard(fn):
    """``fn`` (a handler method), logging any exception and returning None instead: a bug must
    never stop the server.  The log names the handler without its ``on_``."""
    name = fn.__name__.removeprefix("on_")
    if asyncio.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapper(params):
            try:
                return await fn(params)
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


class ArchlintServer(LanguageServer):
    def __init__(self):
        super().__init__("archlint", __version__)
        self.client_settings = ClientSettings()
        self.open: dict[str, str] = {}  # uri -> languageId, for the open documents
        self.docs: dict[str, DocState] = {}  # uri -> its last lint
        self.pending: dict[str, asyncio.Task] = {}  # uri -> its scheduled lint
        self.generation: dict[str, int] = {}  # uri -> number of lints started (a newer one wins)
        self.logged: set = set()  # (uri, message) of the internal errors already logged
        self._executor = None
        self.register_features()

    def register_features(self) -> None:
        code_action_options = types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False
        )
        for method, handler, options in (
            (types.INITIALIZE, self.on_initialize, None),
            (types.WORKSPACE_DID_CHANGE_CONFIGURATION, self.on_did_change_configuration, None),
            (types.TEXT_DOCUMENT_DID_OPEN, self.on_did_open, None),
            (types.TEXT_DOCUMENT_DID_CHANGE, self.on_did_change, None),
            (types.TEXT_DOCUMENT_DID_SAVE, self.on_did_save, None),
            (types.TEXT_DOCUMENT_DID_CLOSE, self.on_did_close, None),
            (types.TEXT_DOCUMENT_CODE_ACTION, self.on_code_action, code_action_options),
            (types.TEXT_DOCUMENT_HOVER, self.on_hover, None),
            (types.SHUTDOWN, self.on_shutdown, None),
        ):
            self.feature(method, options)(_guard(handler))

    # ---- LSP features ------------------------------------------------------------------------------

    def on_initialize(self, params: types.InitializeParams) -> None:
        self.apply_settings(params.initialization_options)

    def on_did_change_configuration(self, params: types.DidChangeConfigurationParams) -> None:
        self.apply_settings(params.settings)
        self.relint_all()

    async def on_did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        self.open[doc.uri] = doc.language_id
        self.schedule(doc.uri, 0)

    async def on_did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in self.open:
            self.schedule(uri, DEBOUNCE)

    async def on_did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = fs_path(uri)
        if path and os.path.basename(path) in CONFIG_FILES:
            self.client_settings.reset()
            self.relint_all()
        elif uri in self.open:
            self.schedule(uri, 0)

    async def on_did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self.open.pop(uri, None)
        self.docs.pop(uri, None)
        self.cancel(uri)
        self.generation[uri] = self.generation.get(uri, 0) + 1
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def on_code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        st = await self.current(params.text_document.uri)
        if st is None or st.kind is None:
            return None
        actions, problem = await self.in_lint_thread(code_actions, st, params, self.client_settings.unsafe_fixes)
        if problem:
            self.log_message(problem, types.MessageType.Warning)
        return actions or None

    async def on_hover(self, params: types.HoverParams) -> types.Hover | None:
        st = await self.current(params.text_document.uri)
        if st is None:
            return None
        return await self.in_lint_thread(hover_for, st, params.position)

    def on_shutdown(self, params) -> None:
        for task in self.pending.values():
            task.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    # ---- linting -----------------------------------------------------------------------------------

    def lint_snapshot(self, uri: str, version, text: str, language_id: str | None) -> DocState:
        """Lint one version of a document (on the lint thread)."""
        return lint_document(self.client_settings, uri, version, text, language_id, self.root_dir(), self.position_encoding())

    async def lint_now(self, uri: str) -> DocState | None:
        """Lint the document's current text and publish the result, unless a newer lint started
        or the document was closed meanwhile."""
        if uri not in self.open:
            return None
        doc = self.workspace.get_text_document(uri)
        text, version = doc.source, doc.version
        gen = self.generation.get(uri, 0) + 1
        self.generation[uri] = gen
        state = await self.in_lint_thread(self.lint_snapshot, uri, version, text, self.open[uri])
        if self.generation.get(uri) != gen or uri not in self.open:
            return None
        self.docs[uri] = state
        self.publish(state)
        return state

    def schedule(self, uri: str, delay: float) -> None:
        """Lint the document in ``delay`` seconds, instead of any lint scheduled before (the debounce)."""
        self.cancel(uri)

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

    def relint_all(self) -> None:
        for uri in list(self.open):
            self.schedule(uri, 0)

    async def current(self, uri: str) -> DocState | None:
        """The lint result for the document's current text (re-linted if stale)."""
        if uri not in self.open:
            return None
        doc = self.workspace.get_text_document(uri)
        st = self.docs.get(uri)
        if st is not None and st.text == doc.source:
            return st
        st = await self.in_lint_thread(self.lint_snapshot, uri, doc.version, doc.source, self.open[uri])
        self.docs[uri] = st
        return st

    @property
    def executor(self):
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            # one worker: linting is sequential, so rule modules load once and in order
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archlint-lint")
        return self._executor

    async def in_lint_thread(self, fn, *args):
        """Run ``fn`` on the lint thread: everything that touches the engine, the parsers or
        the registry runs there, one thing at a time."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, functools.partial(fn, *args))

    def publish(self, st: DocState) -> None:
        """Publish the document's diagnostics; log each internal error (a rule crash ...) once."""
        for n in st.result.notices:
            if n.internal and (st.uri, n.message) not in self.logged:
                self.logged.add((st.uri, n.message))
                self.log_message(n.message, types.MessageType.Error)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=st.uri, diagnostics=all_diagnostics(st), version=st.version)
        )

    # ---- settings and the client -------------------------------------------------------------------

    def apply_settings(self, raw) -> None:
        unknown, problem = self.client_settings.apply(raw, self.root_dir())
        if unknown:
            self.log_message(f"ignoring unknown settings: {', '.join(sorted(unknown))}", types.MessageType.Warning)
        if problem:
            self.show(problem, types.MessageType.Error)

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
