"""``archlint server``: a language server on stdio (pygls 2.x, lsprotocol).

- Diagnostics for the editor's buffer (unsaved text included) on open, on change (debounced by
  ``DEBOUNCE`` seconds) and on save, with the configuration that applies to the document's path
  (the nearest ``.archlint.toml`` / ``pyproject.toml``) plus the client's settings; cleared on
  close.  Saving a configuration file re-lints every open document.
- Settings from ``initializationOptions`` and ``workspace/didChangeConfiguration`` (either at the
  top level or under an ``archlint`` key): ``platforms``, ``select``, ``ignore``,
  ``extend-select``, ``severity``, ``kubernetes-version``, ``python-version`` (as in the
  configuration file; camelCase and snake_case spellings are accepted), and ``unsafe-fixes``
  (include unsafe fixes in "Fix all").
- Code actions: every fix as a quick fix (preferred when safe), "Fix all archlint issues in this
  file" (``source.fixAll.archlint``, through ``fixes.fix_text``, the code ``--fix`` uses) and
  "Suppress ID on this line" (the own-line comment ``--add-suppressions`` writes).
- Hover over a finding (or over a rule ID in a suppression comment) shows the rule's doc.

A crash in a rule is an AL004 diagnostic (the engine keeps the other rules' results); any other
exception in a handler is logged (stderr and ``window/logMessage``) and the server goes on.
pygls and lsprotocol are imported here only.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import sys
import traceback

DEBOUNCE = 0.15
DOCS_URL = "https://github.com/archlint/archlint/blob/main/docs/rules.md#{anchor}"
FIX_ALL_KIND = "source.fixAll.archlint"
SETTING_KEYS = ("platforms", "select", "ignore", "extend-select", "severity", "kubernetes-version", "python-version")
#: LSP languageId -> archlint kind, for buffers whose name says nothing (untitled, odd names)
LANGUAGE_KINDS = {
    "dockerfile": "dockerfile",
    "containerfile": "dockerfile",
    "shellscript": "shell",
    "sh": "shell",
    "bash": "shell",
    "makefile": "makefile",
    "make": "makefile",
    "markdown": "markdown",
    "python": "python",
    "dockercompose": "compose",
    "docker-compose": "compose",
    "yaml.docker-compose": "compose",
    "github-actions-workflow": "workflow",
}

log = logging.getLogger("archlint.server")
_SUPPRESSION_ID = re.compile(r"archlint:\s*ignore(?:-file)?\[([^\]]*)\]")


def docs_url(rule_id: str) -> str:
    return DOCS_URL.format(anchor=rule_id.lower())


def normalize_settings(raw) -> tuple[dict, bool, list[str]] | None:
    """Client settings -> (config overrides, unsafe_fixes, unknown keys), or None when ``raw``
    holds no archlint settings (a client that pushes ``null`` or only its own sections)."""
    if not isinstance(raw, dict):
        return None
    if isinstance(raw.get("archlint"), dict):
        raw = raw["archlint"]
    overrides: dict = {}
    unsafe = False
    unknown: list[str] = []
    relevant = False
    for key, value in raw.items():
        k = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", str(key)).lower().replace("_", "-")
        if k == "unsafe-fixes":
            unsafe, relevant = bool(value), True
        elif k in SETTING_KEYS:
            relevant = True
            if value is None or value == [] or value == {}:
                continue
            overrides[k] = value
        else:
            unknown.append(str(key))
    if not relevant and raw:
        return None
    return overrides, unsafe, unknown


# ---- positions: archlint (1-based, code points) <-> LSP (0-based, client code units) ----------------


def _units(s: str, encoding: str) -> int:
    if encoding == "utf-32":
        return len(s)
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


class Lines:
    """The lines of a text snapshot (terminators removed) and its client position encoding."""

    def __init__(self, text: str, encoding: str):
        from .source import split_lines

        self.lines = split_lines(text)
        self.encoding = encoding

    def to_client(self, types, line: int, col: int):
        """LSP Position of archlint's (line, col), clamped into the text."""
        n = len(self.lines)
        if line > n:
            line, col = n, 10**9
        line = max(1, line)
        text = self.lines[line - 1]
        c = min(max(1, col), len(text) + 1) - 1
        return types.Position(line=line - 1, character=_units(text[:c], self.encoding))

    def range(self, types, span):
        start = self.to_client(types, span[0], span[1])
        end = self.to_client(types, span[2], span[3])
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)

    def from_client(self, pos) -> tuple[int, int]:
        """archlint (line, col) of an LSP Position."""
        if pos.line >= len(self.lines):
            last = len(self.lines)
            return last, len(self.lines[-1]) + 1
        text = self.lines[pos.line]
        units = 0
        for i, ch in enumerate(text):
            if units >= pos.character:
                return pos.line + 1, i + 1
            units += _units(ch, self.encoding)
        return pos.line + 1, len(text) + 1


# ---- the server -------------------------------------------------------------------------------------


class DocState:
    __slots__ = ("uri", "version", "text", "display", "abspath", "kind", "settings", "result", "lines")

    def __init__(self, uri, version, text, display, abspath, kind, settings, result, lines):
        self.uri = uri
        self.version = version
        self.text = text
        self.display = display
        self.abspath = abspath
        self.kind = kind
        self.settings = settings
        self.result = result
        self.lines = lines


def _guard(fn):
    """Log any exception of a handler and return None: a bug must never stop the server."""
    if asyncio.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapper(ls, params):
            try:
                return await fn(ls, params)
            except Exception:
                _report(ls, f"{fn.__name__} failed")
                return None

    else:

        @functools.wraps(fn)
        def wrapper(ls, params):
            try:
                return fn(ls, params)
            except Exception:
                _report(ls, f"{fn.__name__} failed")
                return None

    return wrapper


def _report(ls, what: str) -> None:
    text = f"archlint: {what}:\n{traceback.format_exc()}"
    log.error(text)
    try:
        from lsprotocol import types

        ls.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=text))
    except Exception:
        pass


def build_server():
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.uris import to_fs_path

    from . import __version__
    from .config import CONFIG_FILES, ConfigError, ConfigResolver
    from .model import Severity

    class ArchlintServer(LanguageServer):
        def __init__(self):
            super().__init__("archlint", __version__)
            self.overrides: dict = {}
            self.unsafe_fixes = False
            self.resolver = ConfigResolver()
            self.docs: dict[str, DocState] = {}
            self.open: dict[str, str] = {}  # uri -> languageId
            self.pending: dict[str, asyncio.Task] = {}
            self.generation: dict[str, int] = {}
            self.logged: set = set()
            self._executor = None

        # ---- infrastructure
        @property
        def executor(self):
            if self._executor is None:
                from concurrent.futures import ThreadPoolExecutor

                # one worker: linting is sequential, so rule modules load once and in order
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archlint-lint")
            return self._executor

        def report_server_error(self, error, source):
            log.error("archlint server error (%s): %s", getattr(source, "__name__", source), error)
            try:
                self.window_log_message(
                    types.LogMessageParams(type=types.MessageType.Error, message=f"archlint: {error}")
                )
            except Exception:
                pass

        def position_encoding(self) -> str:
            enc = None
            try:
                enc = self.workspace.position_encoding
            except Exception:
                pass
            return str(getattr(enc, "value", enc) or "utf-16")

        # ---- settings
        def apply_settings(self, raw) -> None:
            norm = normalize_settings(raw)
            if norm is None:  # nothing for archlint: keep the settings, re-read configuration files
                self.reset_config()
                return
            overrides, unsafe, unknown = norm
            if unknown:
                self.log_message(f"ignoring unknown settings: {', '.join(sorted(unknown))}", types.MessageType.Warning)
            resolver = ConfigResolver(overrides=overrides)
            try:
                resolver.for_dir(self.root_dir())
            except ConfigError as e:
                key = f"{e.key}: " if e.key else ""
                self.show(f"archlint settings: {key}{e.message}; using the configuration files only", types.MessageType.Error)
                overrides, resolver = {}, ConfigResolver()
            self.overrides, self.unsafe_fixes, self.resolver = overrides, unsafe, resolver

        def reset_config(self) -> None:
            self.resolver = ConfigResolver(overrides=self.overrides)

        def root_dir(self) -> str:
            try:
                root = self.workspace.root_path
            except Exception:
                root = None
            return root or os.getcwd()

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

        # ---- linting
        def describe(self, uri: str, language_id: str | None):
            """(display path, absolute path or None, settings) for a document."""
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if path:
                abspath = os.path.abspath(path)
                from .discovery import display_path, find_root

                display = display_path(abspath, find_root(os.path.dirname(abspath)))
                settings = self.resolver.for_path(abspath)
            else:
                abspath = None
                display = uri.rsplit("/", 1)[-1] or "untitled"
                settings = self.resolver.for_dir(self.root_dir())
            return display, abspath, settings

        def lint_snapshot(self, uri: str, version, text: str, language_id: str | None) -> DocState:
            from . import kinds
            from .engine import lint_text
            from .registry import new_run

            problem = None
            try:
                display, abspath, settings = self.describe(uri, language_id)
            except ConfigError as e:  # a broken configuration file: say so, lint with the defaults
                problem = e
                fallback = ConfigResolver(overrides=self.overrides, isolated=True)
                path = to_fs_path(uri) if uri.startswith("file:") else None
                abspath = os.path.abspath(path) if path else None
                from .discovery import display_path, find_root

                display = display_path(abspath, find_root(os.path.dirname(abspath))) if abspath else uri.rsplit("/", 1)[-1]
                settings = fallback.for_dir(self.root_dir())
            kind = kinds.detect(display, text[:65536].encode("utf-8", "replace"), abspath)
            if kind is None and language_id:
                kind = LANGUAGE_KINDS.get(language_id.lower())
            new_run()  # project files (pyproject.toml, Dockerfiles ...) are read afresh
            result = lint_text(display, text, settings, kind=kind, abspath=abspath)
            if problem is not None:
                from .model import Notice

                result.notices.append(
                    Notice("AL001", f"configuration error: {problem}; linted with the default settings", display)
                )
            return DocState(uri, version, text, display, abspath, kind, settings, result, Lines(text, self.position_encoding()))

        async def lint_now(self, uri: str) -> DocState | None:
            if uri not in self.open:
                return None
            doc = self.workspace.get_text_document(uri)
            text, version = doc.source, doc.version
            gen = self.generation.get(uri, 0) + 1
            self.generation[uri] = gen
            state = await self.on_lint_thread(self.lint_snapshot, uri, version, text, self.open[uri])
            if self.generation.get(uri) != gen or uri not in self.open:
                return None  # a newer lint is under way, or the document was closed
            self.docs[uri] = state
            self.publish(state)
            return state

        def schedule(self, uri: str, delay: float) -> None:
            old = self.pending.pop(uri, None)
            if old is not None and not old.done():
                old.cancel()

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

        def relint_all(self) -> None:
            for uri in list(self.open):
                self.schedule(uri, 0)

        async def on_lint_thread(self, fn, *args):
            """Run ``fn`` on the lint thread: everything that touches the engine, the parsers or
            the registry runs there, one thing at a time."""
            return await asyncio.get_running_loop().run_in_executor(self.executor, functools.partial(fn, *args))

        async def current(self, uri: str) -> DocState | None:
            """The lint result for the document's current text (re-linted if stale)."""
            if uri not in self.open:
                return None
            doc = self.workspace.get_text_document(uri)
            st = self.docs.get(uri)
            if st is not None and st.text == doc.source:
                return st
            st = await self.on_lint_thread(self.lint_snapshot, uri, doc.version, doc.source, self.open[uri])
            self.docs[uri] = st
            return st

        def publish(self, st: DocState) -> None:
            diags = [self.diagnostic(st, f) for f in st.result.findings if not f.suppressed]
            diags += [self.notice_diagnostic(st, n) for n in st.result.notices]
            for n in st.result.notices:
                if n.internal and (st.uri, n.message) not in self.logged:
                    self.logged.add((st.uri, n.message))
                    self.log_message(n.message, types.MessageType.Error)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=st.uri, diagnostics=diags, version=st.version)
            )

        def clear(self, uri: str) -> None:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

        # ---- conversions
        @staticmethod
        def severity(sev) -> "types.DiagnosticSeverity":
            return {
                Severity.ERROR: types.DiagnosticSeverity.Error,
                Severity.WARNING: types.DiagnosticSeverity.Warning,
                Severity.INFO: types.DiagnosticSeverity.Information,
            }.get(sev, types.DiagnosticSeverity.Warning)

        def diagnostic(self, st: DocState, f) -> "types.Diagnostic":
            tags = []
            if f.rule_id == "PY002":
                tags.append(types.DiagnosticTag.Deprecated)
            if f.rule_id == "AL002":
                tags.append(types.DiagnosticTag.Unnecessary)
            related = []
            for r in f.related:
                if r.path not in (None, "", st.display):
                    continue  # another file: its positions would need that file's text
                related.append(
                    types.DiagnosticRelatedInformation(
                        location=types.Location(uri=st.uri, range=st.lines.range(types, r.span)), message=r.message
                    )
                )
            message = f.message + (f"\nhint: {f.hint}" if f.hint else "")
            return types.Diagnostic(
                range=st.lines.range(types, f.span),
                message=message,
                severity=self.severity(f.severity),
                code=f.rule_id,
                code_description=types.CodeDescription(href=docs_url(f.rule_id)),
                source="archlint",
                tags=tags or None,
                related_information=related or None,
                data={"fingerprint": f.fingerprint, "fixable": f.fix is not None},
            )

        def notice_diagnostic(self, st: DocState, n) -> "types.Diagnostic":
            line = max(1, n.line)
            text = st.lines.lines[line - 1] if line <= len(st.lines.lines) else ""
            span = (line, max(1, n.col), line, max(len(text) + 1, n.col + 1))
            return types.Diagnostic(
                range=st.lines.range(types, span),
                message=n.message,
                severity=self.severity(n.severity),
                code=n.rule_id,
                code_description=types.CodeDescription(href=docs_url(n.rule_id)),
                source="archlint",
            )

        def text_edits(self, st: DocState, edits) -> list:
            return [types.TextEdit(range=st.lines.range(types, e.span), new_text=_edit_text(st.text, e.text)) for e in edits]

    server = ArchlintServer()

    @server.feature(types.INITIALIZE)
    @_guard
    def initialize(ls, params: types.InitializeParams):
        ls.apply_settings(params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guard
    def did_change_configuration(ls, params: types.DidChangeConfigurationParams):
        ls.apply_settings(params.settings)
        ls.relint_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @_guard
    async def did_open(ls, params: types.DidOpenTextDocumentParams):
        doc = params.text_document
        ls.open[doc.uri] = doc.language_id
        ls.schedule(doc.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @_guard
    async def did_change(ls, params: types.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        if uri in ls.open:
            ls.schedule(uri, DEBOUNCE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @_guard
    async def did_save(ls, params: types.DidSaveTextDocumentParams):
        uri = params.text_document.uri
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path and os.path.basename(path) in CONFIG_FILES:
            ls.reset_config()
            ls.relint_all()
        elif uri in ls.open:
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @_guard
    async def did_close(ls, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.open.pop(uri, None)
        ls.docs.pop(uri, None)
        task = ls.pending.pop(uri, None)
        if task is not None and not task.done():
            task.cancel()
        ls.generation[uri] = ls.generation.get(uri, 0) + 1
        ls.clear(uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False),
    )
    @_guard
    async def code_action(ls, params: types.CodeActionParams):
        st = await ls.current(params.text_document.uri)
        if st is None or st.kind is None:
            return None
        actions, problem = await ls.on_lint_thread(code_actions, ls, types, st, params, ls.unsafe_fixes)
        if problem:
            ls.log_message(problem, types.MessageType.Warning)
        return actions or None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guard
    async def hover(ls, params: types.HoverParams):
        st = await ls.current(params.text_document.uri)
        if st is None:
            return None
        return await ls.on_lint_thread(hover_for, types, st, params.position)

    @server.feature(types.SHUTDOWN)
    @_guard
    def shutdown(ls, params):
        for task in ls.pending.values():
            task.cancel()
        if ls._executor is not None:
            ls._executor.shutdown(wait=False, cancel_futures=True)

    return server


def code_actions(ls, types, st: DocState, params, unsafe: bool):
    """(CodeActions for the requested range and kinds, a problem to log or None)."""
    from . import fixes as fixmod

    uri = st.uri
    only = params.context.only

    def wanted(kind: str) -> bool:
        return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

    first, _ = st.lines.from_client(params.range.start)
    last, _ = st.lines.from_client(params.range.end)
    actions = []
    problem = None
    findings = [f for f in st.result.findings if not f.suppressed]
    here = [f for f in findings if f.span.line <= last and f.span.end_line >= first]
    if wanted(types.CodeActionKind.QuickFix):
        for f in here:
            if f.fix is None or not f.fix.edits:
                continue
            title = f"{f.fix.description} ({f.rule_id})" + ("" if f.fix.safe else " [unsafe]")
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[ls.diagnostic(st, f)],
                    is_preferred=bool(f.fix.safe),
                    edit=types.WorkspaceEdit(changes={uri: ls.text_edits(st, f.fix.edits)}),
                )
            )
        sup = [f for f in here if not f.rule_id.startswith("AL")]
        if sup:
            from .source import Source

            source = Source(st.display, st.text, abspath=st.abspath or st.display)
            model = fixmod._parse_model(st.kind, source)
            done = set()
            for f in sup:
                if (f.rule_id, f.span.line) in done:
                    continue
                done.add((f.rule_id, f.span.line))
                edits, impossible = fixmod.suppression_edits(source, st.kind, model, [f])
                if not edits or impossible:
                    continue
                actions.append(
                    types.CodeAction(
                        title=f"Suppress {f.rule_id} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[ls.diagnostic(st, f)],
                        edit=types.WorkspaceEdit(changes={uri: ls.text_edits(st, edits)}),
                    )
                )
    if wanted(FIX_ALL_KIND) and any(fixmod.fixable(f, unsafe) for f in findings):
        out = fixmod.fix_text(st.display, st.text, st.settings, kind=st.kind, abspath=st.abspath, unsafe=unsafe, initial=st.result)
        if out.error:
            problem = f"{st.display}: fix all: {out.error}"
        elif out.text != st.text:
            actions.append(
                types.CodeAction(
                    title="Fix all archlint issues in this file",
                    kind=FIX_ALL_KIND,
                    diagnostics=[ls.diagnostic(st, f) for f in out.applied if f in findings],
                    edit=types.WorkspaceEdit(changes={uri: whole_text_edits(types, st, out.text)}),
                )
            )
    return actions, problem


def hover_for(types, st: DocState, position):
    """Markdown with the documentation of the rules reported at ``position`` (or named in the
    suppression comment under it); None when there is nothing."""
    from .registry import get_rule

    line, col = st.lines.from_client(position)
    parts, rng = [], None
    seen = set()
    for f in st.result.findings:
        if f.suppressed or f.rule_id in seen:
            continue
        s = f.span
        if not ((s[0], s[1]) <= (line, col) < (s[2], s[3]) or (s[0], s[1]) == (line, col)):
            continue
        seen.add(f.rule_id)
        r = get_rule(f.rule_id)
        if r is not None:
            parts.append(rule_markdown(r))
            rng = rng or st.lines.range(types, f.span)
    if not parts and line <= len(st.lines.lines):
        text = st.lines.lines[line - 1]
        for m in _SUPPRESSION_ID.finditer(text):
            pos = m.start(1)
            for part in m.group(1).split(","):
                start = pos + len(part) - len(part.lstrip())
                end = pos + len(part.rstrip())
                if part.strip() and start < col <= end + 1:
                    r = get_rule(part.strip())
                    if r is not None:
                        parts.append(rule_markdown(r))
                        rng = st.lines.range(types, (line, start + 1, line, end + 1))
                pos += len(part) + 1
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)), range=rng)


def _edit_text(doc_text: str, text: str) -> str:
    """An edit's text in the document's newline style (edits are written with \\n)."""
    from .fixes import _newlines, dominant_newline

    return _newlines(text, dominant_newline(doc_text))


def whole_text_edits(types, st: DocState, new: str) -> list:
    """Minimal line-based TextEdits turning ``st.text`` into ``new``."""
    import difflib

    from .fixes import split_keepends

    a, b = split_keepends(st.text), split_keepends(new)
    ends_open = bool(a) and not a[-1].endswith(("\n", "\r"))

    def pos(i: int):
        if i < len(a) or not ends_open:
            return types.Position(line=i, character=0)
        last = a[-1]
        return types.Position(line=len(a) - 1, character=_units(last, st.lines.encoding))

    edits = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        edits.append(types.TextEdit(range=types.Range(start=pos(i1), end=pos(i2)), new_text="".join(b[j1:j2])))
    return edits


def rule_markdown(r) -> str:
    fix = {"safe": "safe fix", "unsafe": "unsafe fix"}.get(r.fix or "", "no fix")
    head = f"**{r.id}** `{r.name}` — {r.family_name}, {r.severity.label}, {fix}"
    body = r.doc.replace("\n## ", "\n#### ")
    if body.startswith("## "):
        body = "##" + body
    return f"{head}\n\n{body}\n\n[{r.id} documentation]({docs_url(r.id)})"


def main() -> int:
    logging.basicConfig(stream=sys.stderr, level=os.environ.get("ARCHLINT_LOG", "WARNING").upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        server = build_server()
    except ImportError as e:
        sys.stderr.write(f"archlint server needs pygls and lsprotocol ({e}): pip install 'archlint[lsp]'\n")
        return 2
    server.start_io()
    return 0
