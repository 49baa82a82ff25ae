"""A lint worker: a child process of the language server (``pool.Worker.start``) that lints one buffer at a time for it.  Light: no pygls, no lsprotocol.

It reads requests on stdin and answers on stdout (the real stdout is kept for the answers and fd 1
is pointed at stderr, so that a stray print can never corrupt them), each message a frame: an
8-byte big-endian length, then a pickle.  A lint is two steps:

1. ``("lint", header)``: the buffer's URI, path, languageId, size in UTF-8 bytes, the workspace
   root and the client's settings (``overrides`` and ``epoch``, the number of the
   ``ClientSettings`` they came from).  The worker resolves the configuration for the path; a
   buffer over its ``max-file-size`` is answered at once (``("done", ...)`` with an AL005 notice,
   like a file on disk) and its text is never sent; else it answers ``("text",)``;
2. the text (a pickled str).

The answer is ``("done", (display, abspath, kind, settings, result, linted))`` (``linted`` False
for a buffer over the limit) or ``("error", traceback)``.

The server kills a worker whose lint it no longer wants (a newer version came, or shutdown);
end of stdin ends it."""
from __future__ import annotations

import os
import pickle
import struct
import sys
import traceback

HEADER = struct.Struct(">Q")


def frame(obj) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def _read_exactly(stream, n: int) -> bytes | None:
    data = stream.read(n)
    return data if data is not None and len(data) == n else None


def read_frame(stream):
    """The next message from ``stream``, or None at its end."""
    head = _read_exactly(stream, HEADER.size)
    if head is None:
        return None
    data = _read_exactly(stream, HEADER.unpack(head)[0])
    return None if data is None else pickle.loads(data)


def too_large(display: str, size: int, settings, abspath: str | None):
    """The result of a buffer over ``max-file-size`` (engine.too_large: what a file on disk gets)."""
    from ..engine import too_large as result

    return result(display, size, settings, abspath)


class Worker:
    """The worker's state: the client's settings of the last request (rebuilt when its epoch changes)."""

    def __init__(self):
        from .settings import ClientSettings

        self.client = ClientSettings()
        self.epoch = None

    def settings_for(self, header):
        """(settings, configuration problem or None) for the buffer."""
        from ..config import ConfigError

        if header["epoch"] != self.epoch:
            self.client.overrides = header["overrides"]
            self.client.reset()
            self.epoch = header["epoch"]
        abspath, root = header["abspath"], header["root"]
        try:
            return (self.client.resolver.for_path(abspath) if abspath else self.client.resolver.for_dir(root)), None
        except ConfigError as e:  # a broken configuration file: say so, lint with the defaults
            return self.client.fallback().for_dir(root), e

    def lint(self, header, receive_text):
        """Lint one buffer: ``receive_text()`` asks the server for the text and returns it, or
        is never called when the buffer is over its ``max-file-size``."""
        from .. import kinds
        from ..engine import lint_text
        from ..kinds import LANGUAGE_KINDS
        from ..model import Notice
        from ..registry import new_run
        from .linting import display_name

        abspath = header["abspath"]
        display = display_name(header["uri"], abspath)
        settings, problem = self.settings_for(header)
        linted = header["size"] <= settings.max_file_size
        if not linted:
            result, kind = too_large(display, header["size"], settings, abspath), None
        else:
            text = receive_text()
            kind = kinds.detect(display, text[:65536].encode("utf-8", "replace"), abspath)
            language_id = header["language_id"]
            if kind is None and language_id:
                kind = LANGUAGE_KINDS.get(language_id.lower())
            new_run()  # project files (pyproject.toml, Dockerfiles ...) are read afresh
            result = lint_text(display, text, settings, kind=kind, abspath=abspath)
            del text
        if problem is not None:
            result.notices.append(Notice("AL001", f"configuration error: {problem}; linted with the default settings", display))
        return display, abspath, kind, settings, result, linted


def main() -> int:
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a print anywhere goes to stderr, never into the answers
    sys.stdout = sys.stderr
    worker = Worker()

    def send(obj) -> None:
        answers.write(frame(obj))
        answers.flush()

    def receive_text() -> str:
        send(("text",))
        text = read_frame(requests)
        if not isinstance(text, str):
            raise SystemExit(0)  # the server went away
        return text

    while True:
        msg = read_frame(requests)
        if msg is None:
            return 0
        try:
            out = ("done", worker.lint(msg[1], receive_text))
        except SystemExit:
            return 0
        except BaseException:
            out = ("error", traceback.format_exc())
        try:
            send(out)
        except (BrokenPipeError, OSError):
            return 0


if __name__ == "__main__":
    sys.exit(main())
