"""``archlint server``: a language server on stdio (pygls 2.x, lsprotocol).

- Diagnostics for the editor's buffer (unsaved text included) on open, on change (debounced by
  ``DEBOUNCE`` seconds; not with ``lint-on-change`` false) and on save, with the configuration
  that applies to the document's path (the nearest ``.archlint.toml`` / ``pyproject.toml``) plus
  the client's settings.  Published (``textDocument/publishDiagnostics``, cleared on close), or,
  to a client that declares pull diagnostics, pulled (``textDocument/diagnostic``: a report with
  a ``resultId``, "unchanged" when the client has it) and never published, as ruff's server does
  (a client would show both); a lint that changes the report a client pulled last, while it is
  not pulling that document (settings changed, a configuration or linked file saved), sends
  ``workspace/diagnostic/refresh`` when the client supports it.  Saving a configuration file
  re-lints every open document.
- Settings (``settings``): ``initializationOptions``, then the client's answer to
  ``workspace/configuration`` (section ``archlint``; asked after ``initialized``, before the first
  lint, and on every ``workspace/didChangeConfiguration``) over them key by key, else the
  settings a ``workspace/didChangeConfiguration`` carries; at the top level or under an
  ``archlint`` key: ``platforms``, ``select``, ``ignore``, ``extend-select``, ``severity``,
  ``kubernetes-version``, ``python-version`` (as in the configuration file; camelCase and
  snake_case spellings are accepted), ``unsafe-fixes`` (include unsafe fixes in "Fix all") and
  ``lint-on-change``.  ``archlint server --help`` lists them (``settings.help_text``).
- Code actions: every fix as a quick fix (preferred when safe), "Fix all archlint issues in this
  file" (``source.fixAll.archlint``, through ``fixes.fix_text``, the code ``--fix`` uses) and
  "Suppress ID on this line" (the own-line comment ``--add-suppressions`` writes).
- Hover over a finding (or over a rule ID in a suppression comment) shows the rule's doc.

A crash in a rule is an AL004 diagnostic (the engine keeps the other rules' results); any other
exception in a handler is logged (stderr and ``window/logMessage``) and the server goes on.

Responsive and bounded: lints run in a few worker processes, never on the message loop, one per
document at a time; a newer version of a document abandons the older one's lint (dropped if
queued, its worker killed if running: it is never published).  ``shutdown`` is answered at once
(running lints are abandoned), a request after it gets InvalidRequest, ``exit`` ends the process.
A buffer over its ``max-file-size`` is not linted: it gets the AL005 notice a file on disk gets,
and the server keeps none of its text but the editor's copy (pygls' workspace).

The modules, by job:

- ``lsp``: ``ArchlintServer``, the pygls ``LanguageServer``: its state (open documents, lint
  results, debounce tasks, the client's settings) and its LSP features, one method each;
- ``settings``: the client's settings and the configuration resolver built with them;
- ``pool``: the lint worker processes (``LintPool``) and the engine thread (code actions, hover);
- ``worker``: a lint worker process (configuration, size limit, kind, the engine's result);
- ``project``: the workspace's project facts (a scan process), the open buffers' over them, and
  the model's pass (XF findings, DF005/BC001 refined) for a buffer's lint, on its neighbourhood;
- ``linting``: a buffer -> what a worker is asked, its answer -> a ``DocState``;
- ``documents``: ``DocState`` and ``Lines``, positions archlint <-> LSP;
- ``diagnostics``: findings and notices as LSP diagnostics;
- ``actions``: quick fixes, "Suppress", "Fix all" and the edits they carry;
- ``hover``: a rule's documentation as Markdown.

Importing this package is cheap: pygls, lsprotocol and the engine are imported by
``build_server`` (every module but this one, ``settings``, ``worker`` and ``linting`` imports
lsprotocol; a worker process imports neither pygls nor lsprotocol).
"""
from __future__ import annotations

import os
import sys

from .settings import normalize_settings

__all__ = ["build_server", "main", "normalize_settings"]




def build_server():
    """A new ``ArchlintServer`` (ImportError without pygls / lsprotocol)."""
    from .lsp import ArchlintServer

    return ArchlintServer()


def main() -> int:
    import logging

    logging.basicConfig(stream=sys.stderr, level=os.environ.get("ARCHLINT_LOG", "WARNING").upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        server = build_server()
    except ImportError as e:
        sys.stderr.write(f"archlint server needs pygls and lsprotocol ({e}): pip install 'archlint[lsp]'\n")
        return 2
    server.start_io()
    return 0
