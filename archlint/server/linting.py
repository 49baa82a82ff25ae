"""A buffer -> what a lint worker is asked (``lint_header``), and the worker's answer -> a
``DocState`` (``doc_state``).  The lint itself (configuration for the path, the size limit, kind
from the name and contents else from the client's languageId, the engine) runs in the worker:
``worker.Worker.lint``."""
from __future__ import annotations

import os

from ..kinds import LANGUAGE_KINDS  # noqa: F401  LSP languageId -> kind, for buffers whose name says nothing


def fs_path(uri: str) -> str | None:
    """The absolute path of a ``file:`` URI, None for any other (untitled buffers ...)."""
    if not uri.startswith("file:"):
        return None
    from pygls.uris import to_fs_path

    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def display_name(uri: str, abspath: str | None) -> str:
    """The path findings are reported under: relative to the project root, or the URI's last part."""
    if abspath is None:
        return uri.rsplit("/", 1)[-1] or "untitled"
    from ..discovery import display_path, find_root

    return display_path(abspath, find_root(os.path.dirname(abspath)))


def utf8_size(text: str, chunk: int = 1 << 20) -> int:
    """The size of ``text`` in UTF-8 bytes (what ``max-file-size`` counts), without encoding it
    whole: a huge buffer is never copied."""
    if text.isascii():
        return len(text)
    return sum(len(text[i : i + chunk].encode("utf-8", "surrogatepass")) for i in range(0, len(text), chunk))


def lint_header(client, uri: str, text: str, language_id: str | None, root: str) -> dict:
    """What a worker needs to decide about a buffer before (and without) its text."""
    return {
        "uri": uri, "abspath": fs_path(uri), "language_id": language_id, "root": root, "size": utf8_size(text),
        "overrides": client.overrides, "epoch": client.epoch,
    }


def doc_state(uri: str, version, text: str, answer, encoding: str):
    """The ``DocState`` of a worker's answer.  A buffer that was not linted (over its
    ``max-file-size``: its kind is None and it has no findings) keeps no text, and only the start
    of its first line (where its notice is shown)."""
    from .documents import DocState, Lines

    display, abspath, kind, settings, result, linted = answer
    if not linted:
        first = text[: min(len(text), 1000)].split("\n", 1)[0]
        return DocState(uri, version, None, display, abspath, kind, settings, result, Lines(first, encoding))
    return DocState(uri, version, text, display, abspath, kind, settings, result, Lines(text, encoding))
