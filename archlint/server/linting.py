"""A buffer's text -> a ``DocState``: the configuration for its path, its kind (from the name and
contents, else from the client's languageId) and the engine's result.  Runs on the lint thread."""
from __future__ import annotations

import os

from pygls.uris import to_fs_path

from ..config import ConfigError
from ..kinds import LANGUAGE_KINDS  # LSP languageId -> kind, for buffers whose name says nothing
from .documents import DocState, Lines


def fs_path(uri: str) -> str | None:
    """The absolute path of a ``file:`` URI, None for any other (untitled buffers ...)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return os.path.abspath(path) if path else None


def display_name(uri: str, abspath: str | None) -> str:
    """The path findings are reported under: relative to the project root, or the URI's last part."""
    if abspath is None:
        return uri.rsplit("/", 1)[-1] or "untitled"
    from ..discovery import display_path, find_root

    return display_path(abspath, find_root(os.path.dirname(abspath)))


def lint_document(client, uri: str, version, text: str, language_id: str | None, root: str, encoding: str) -> DocState:
    """Lint one version of a document with the ``client``'s settings (a ``ClientSettings``);
    ``root`` is the workspace folder (for buffers without a path)."""
    from .. import kinds
    from ..engine import lint_text
    from ..registry import new_run

    abspath = fs_path(uri)
    display = display_name(uri, abspath)
    problem = None
    try:
        settings = client.resolver.for_path(abspath) if abspath else client.resolver.for_dir(root)
    except ConfigError as e:  # a broken configuration file: say so, lint with the defaults
        problem = e
        settings = client.fallback().for_dir(root)
    kind = kinds.detect(display, text[:65536].encode("utf-8", "replace"), abspath)
    if kind is None and language_id:
        kind = LANGUAGE_KINDS.get(language_id.lower())
    new_run()  # project files (pyproject.toml, Dockerfiles ...) are read afresh
    result = lint_text(display, text, settings, kind=kind, abspath=abspath)
    if problem is not None:
        from ..model import Notice

        result.notices.append(Notice("AL001", f"configuration error: {problem}; linted with the default settings", display))
    return DocState(uri, version, text, display, abspath, kind, settings, result, Lines(text, encoding))
