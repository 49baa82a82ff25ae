"""A file's text as archlint sees it: decoded, split into lines, with offset <-> position maps.

Every parser receives ``Source.text``: the decoded file with CRLF and lone CR turned into LF.  That
keeps line numbers and columns identical to the original file (only terminators change), so a
position computed on ``text`` is a position in the file.
"""
from __future__ import annotations

import codecs
from bisect import bisect_right

from .model import Span

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class DecodeError(Exception):
    pass


def decode(data: bytes) -> tuple[str, str, str | None]:
    """Return ``(text, encoding, warning)``.  Binary data (NUL bytes without a UTF-16/32 BOM)
    raises DecodeError; undecodable UTF-8 falls back to Windows-1252 (or, where that fails, Latin-1)
    with a warning, and UTF-16/32
    (recognised by their byte-order mark) are decoded with a warning naming the encoding."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise DecodeError(f"invalid {enc} data at byte {e.start}") from None
            if enc == "utf-8-sig":
                return text, enc, None
            name = ("UTF-32" if enc == "utf-32" else "UTF-16") + ("LE" if bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF16_LE) else "BE")
            return text, enc, f"decoded as {name} (byte-order mark); fixes keep that encoding"
    if b"\x00" in data[:8192] or b"\x00" in data[-8192:]:
        raise DecodeError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as e:
        bad = e.start
    # Windows-1252 first, what a Windows editor saves (its 0x80-0x9F are punctuation: ``\x97`` an em
    # dash, which Latin-1 makes a C1 control character YAML rejects: cortex-k3s' dcgm-exporter.yaml);
    # Latin-1, which decodes any byte, where it is not that (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    try:
        return data.decode("cp1252"), "cp1252", f"not valid UTF-8 (byte {bad}); decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", f"not valid UTF-8 (byte {bad}); decoded as Latin-1"


def split_lines(text: str) -> list[str]:
    """Lines without terminators; \\r\\n, \\r and \\n all end a line (like the parsers see it)."""
    return normalize_newlines(text).split("\n")


def normalize_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


class Source:
    """A decoded file.  ``path`` is the display path; ``text`` has LF line ends only."""

    __slots__ = ("path", "abspath", "text", "encoding", "_lines", "_starts", "newline", "inputs", "rendered")

    def __init__(self, path: str, text: str, abspath: str | None = None, encoding: str = "utf-8"):
        self.path = path
        self.abspath = abspath or path
        self.newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
        self.text = normalize_newlines(text)
        self.encoding = encoding
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None
        #: paths besides this file that its parser looked at (files, or folders whose listing
        #: mattered), found or not: they become FileResult.deps, what the result cache checks
        self.inputs: list[str] = []
        #: what a Helm template renders (archlint/helm/lint.py): a manifest, not the template
        self.rendered = False

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def line(self, n: int) -> str:
        lines = self.lines
        return lines[n - 1] if 1 <= n <= len(lines) else ""

    def comments_above(self, n: int, count: int = 3, indent: int | None = None):
        """The ``#`` comment lines right above line ``n``, stripped, nearest first: up to
        ``count``, none skipped; with ``indent``, only those at that indent (a YAML key's own
        comment, not the one of the key before)."""
        for at in range(n - 1, max(0, n - 1 - count), -1):
            text = self.line(at)
            stripped = text.lstrip(" \t")
            if not stripped.startswith("#") or indent is not None and len(text) - len(stripped) != indent:
                return
            yield stripped.rstrip()

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._starts = starts
        return self._starts

    def pos(self, offset: int) -> tuple[int, int]:
        """(line, col) of a code-point offset into ``text``."""
        starts = self._line_starts()
        idx = bisect_right(starts, offset) - 1
        return idx + 1, offset - starts[idx] + 1

    def offset(self, line: int, col: int) -> int:
        starts = self._line_starts()
        line = min(max(1, line), len(starts))
        return starts[line - 1] + col - 1

    def span(self, start: int, end: int) -> Span:
        """Span of ``text[start:end]``; widened to one character if empty."""
        line, col = self.pos(start)
        end_line, end_col = self.pos(max(end, start + 1) if end <= start else end)
        if (end_line, end_col) <= (line, col):
            end_line, end_col = line, col + 1
        return Span(line, col, end_line, end_col)

    def line_span(self, n: int) -> Span:
        """Line ``n`` without its leading and trailing blanks (at least one column wide)."""
        text = self.line(n)
        start = len(text) - len(text.lstrip()) + 1
        end = len(text.rstrip()) + 1
        return Span(n, start, n, max(end, start + 1))


class NotRegular(OSError):
    """What ``read_regular`` raises for a FIFO, socket, device or folder: never opened for
    reading in a way that could block."""


def read_regular(path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` + 1 of them (so a caller can
    tell "over the limit" from "exactly the limit").  The one way archlint reads a file other than
    the linted one (``.gitignore``, configuration, rule packs, a neighbouring Dockerfile,
    requirements, Makefile includes, baselines): opened without blocking and checked with
    ``fstat`` on the open descriptor, so a FIFO or device named like a file raises NotRegular
    instead of hanging the run.  Raises OSError as ``open`` does."""
    import os
    import stat

    fd, st = open_nonblocking(path)
    try:
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(f"{os.fsdecode(path)}: not a regular file")
        return read_fd(fd, limit)
    finally:
        os.close(fd)


def stat_signatures(paths) -> list:
    """What says each file or folder (its listing) is unchanged: size, times and inode, or None
    for one that cannot be looked at.  For the remembered parses of files read beside the linted
    one (a Python project's files, a Makefile that includes the linted part)."""
    import os

    out = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return out


#: a folder listing memo: (folder, its signature) -> ((name, is a folder), ...); bounded
_LISTINGS: dict = {}
MAX_LISTED = 5000  # entries of a folder read at most


def folder_entries(folder: str) -> tuple:
    """``(name, is a folder)`` of the first ``MAX_LISTED`` entries of ``folder``, read once per
    listing (its signature: ``stat_signatures``) however many files beside each other ask
    (every manifest of a ``deploy/`` folder looks for its released copies); () when it cannot be
    read."""
    import os

    sig = stat_signatures([folder])[0]
    if sig is None:
        return ()
    key = (folder, sig)
    hit = _LISTINGS.get(key)
    if hit is not None:
        return hit
    try:
        with os.scandir(folder) as it:
            out = tuple((e.name, e.is_dir()) for _i, e in zip(range(MAX_LISTED), it))
    except OSError:
        out = ()
    if len(_LISTINGS) > 256:
        _LISTINGS.clear()
    _LISTINGS[key] = out
    return out


def open_nonblocking(path):
    """(descriptor, fstat of it): opened read-only without blocking (a FIFO opens at once) and
    without becoming a controlling terminal; the caller checks the type and closes it."""
    import os

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        return fd, os.fstat(fd)
    except BaseException:
        os.close(fd)
        raise


def read_fd(fd: int, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes from ``fd``, in 1 MiB reads."""
    import os

    chunks = []
    left = limit + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
