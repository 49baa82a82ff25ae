"""archlint's one way of replacing a file: a reader sees it entirely old or entirely new.

The bytes go to a temporary file created in the target's folder (never an existing name), which
is then renamed over the target with ``os.replace`` (for ``commit``, on Linux, the two names are
swapped instead, to see what the rename replaced).  On any failure the temporary file is
removed and the target is left as it was.  Two callers, two strengths:

``write_bytes``
    archlint's own files (the result cache's index shards, stored reports, memo entries): the
    folder is created private (0700, whatever the umask) and the file is 0600, no fsync (a lost write only costs a re-lint), the temporary file is named
    ``.tmp-<pid>-<random>`` (the cache removes those a killed run left behind).  Imports nothing
    beyond what Python loads at start-up: the cache writes through it on every run.

``atomic_write`` / ``commit`` (``--fix``, ``--add-suppressions``, baselines, ``--diff -o``)
    The user's files.  ``FileState.read`` keeps the bytes read, their codec and BOM and the mode;
    ``commit`` encodes the new text the same way, compares the file on disk with the bytes read
    (a change means another program wrote it: refuse), again right before the rename and, through
    the replaced file, after it (see ``commit``), and ``atomic_write`` replaces it through
    symlinks (onto their target): the temporary file is flushed and fsynced, given the original's
    mode and owner, renamed, and the folder fsynced.  A run killed between write and rename
    leaves a ``.<name>.<pid>.<random>.archlint-tmp`` file, which the next write of that file
    removes once the process is gone.
"""
from __future__ import annotations

import codecs
import os
import stat as statmod

TEMP_SUFFIX = ".archlint-tmp"
_STALE_AGE = 3600.0  # where process liveness cannot be asked (Windows): temp files older than this
_TEMP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))

# ---- the one atomic replacement -----------------------------------------------------------------


def _create_temp(folder: str, prefix: str, suffix: str, perm: int) -> tuple[int, str]:
    """Create a new file ``<prefix><random><suffix>`` in ``folder`` (never an existing one)."""
    for _ in range(100):
        tmp = os.path.join(folder, f"{prefix}{os.urandom(4).hex()}{suffix}")
        try:
            return os.open(tmp, _TEMP_FLAGS, perm), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {folder}")


def _replace(target: str, data, prefix: str, suffix: str, *, durable: bool,
             mode: int | None = None, owner: tuple[int, int] | None = None, before_rename=None,
             displaced=None) -> None:
    """Write ``data`` (bytes, or a function that writes UTF-8 text to the stream it is given) to
    a temporary file next to ``target`` and rename it over ``target``.
    ``durable``: fsync the file before the rename; ``mode``/``owner``: given to the new file
    (else it gets the default mode for the umask); ``before_rename()``: called last before the
    rename (it may raise to cancel it); ``displaced(stat)``: whether the file the rename
    replaced is the one ``before_rename`` checked (where the system can swap two names
    atomically: then one that another program renamed there in between is put back, and
    ``Displaced`` raised).  On failure the temporary file is removed and the exception raised."""
    folder = os.path.dirname(target) or "."
    fd, tmp = _create_temp(folder, prefix, suffix, 0o600 if mode is not None else 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                import io

                text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
                data(text)
                text.flush()
                text.detach()
            else:
                fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if owner is not None and hasattr(os, "chown") and owner != _owner(tmp):
            try:
                os.chown(tmp, *owner)
            except OSError:
                pass
        if before_rename is not None:
            before_rename()
        mine = os.stat(tmp) if displaced is not None else None
        if mine is None or not _exchange(tmp, target):
            os.replace(tmp, target)
            return
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _settle(tmp, target, displaced, mine)  # (swapped: ``tmp`` names the replaced file now)


class Displaced(Exception):
    """The rename found another file than the one checked: it was put back (``_settle``)."""


_RENAME_EXCHANGE = 2  # renameat2's flag (Linux 3.15+): swap two names atomically
_renameat2 = None


def _exchange(a: str, b: str) -> bool:
    """Swap the files named ``a`` and ``b`` atomically (Linux's renameat2); False where the
    system or the file system cannot (then nothing was done).  ctypes is loaded on first use."""
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if os.name == "posix" and os.uname().sysname == "Linux":
            try:
                import ctypes

                fn = ctypes.CDLL(None, use_errno=True).renameat2
                fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
                _renameat2 = fn
            except (OSError, AttributeError):
                pass
    if not _renameat2:
        return False
    at_cwd = -100
    if _renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes
    import errno

    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
        return False  # (a file system that cannot swap: the plain rename then)
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), b)


def _settle(tmp: str, target: str, displaced, mine) -> None:
    """After ``_exchange(tmp, target)``: ``tmp`` names what ``target`` named.  When that is not
    the file checked (another program renamed its save over the target between the last check
    and the swap), swap back while ``target`` still names the new file (``mine``: its stat) and
    raise ``Displaced``; a save that replaced the new file since is the newest: it stays, and
    the earlier one at ``tmp`` is removed.  Where putting a save back fails or is interrupted,
    it is kept beside the file as ``<name>.archlint-saved``, never removed."""
    try:
        ok = displaced(os.stat(tmp))
    except OSError:
        ok = False
    if ok:
        try:
            os.unlink(tmp)  # (the file the fix replaced)
        except OSError:
            pass
        return
    try:
        now = os.stat(target)
        if (now.st_ino, now.st_dev) == (mine.st_ino, mine.st_dev):
            _exchange(tmp, target)  # (theirs back; ours at tmp)
        os.unlink(tmp)
    except BaseException:
        try:
            os.replace(tmp, target + ".archlint-saved")
        except OSError:
            pass
        raise
    raise Displaced()


def make_private_dirs(path: str) -> None:
    """Create ``path`` and its missing parents, each one this creates mode 0700 whatever the
    umask (folders that exist are left as they are)."""
    if os.path.isdir(path):
        return
    parent = os.path.dirname(path)
    if parent and parent != path:
        make_private_dirs(parent)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        if not os.path.isdir(path):
            raise
        return
    os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask


def write_output(path: str, fill) -> None:
    """An output file (``-o``): its folder made, ``fill(stream)`` writes the report as text into
    a temporary file beside it, renamed into place when complete (a reader never sees half a
    report; a failure leaves the old file and no temporary one).  Raises OSError."""
    target = os.path.abspath(path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    _replace(target, fill, f".{os.path.basename(target)}.{os.getpid()}.", TEMP_SUFFIX, durable=False)


def write_bytes(path: str, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically, creating the folder (0700); the file is 0600.
    False (and nothing left behind) when it cannot be written.  For archlint's own files (see
    the module docstring)."""
    try:
        make_private_dirs(os.path.dirname(path) or ".")
        _replace(path, data, f".tmp-{os.getpid()}-", "", durable=False, mode=0o600)
    except OSError:
        return False
    return True


def atomic_write(path: str, data: bytes, mode: int | None = None, before_rename=None, displaced=None) -> None:
    """Replace ``path`` (its target, if a symlink) with ``data`` atomically and durably: the
    temporary file is fsynced and given the original's mode (``mode`` if given) and owner, and
    the folder is fsynced after the rename.  On any failure the temporary file is removed and
    the original is left as it was (the OSError is raised, or what ``before_rename`` raised)."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    st = None
    try:
        st = os.stat(target)
    except FileNotFoundError:
        pass
    if mode is None:
        if st is not None:
            mode = statmod.S_IMODE(st.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    base = os.path.basename(target)
    _remove_stale_temps(folder, base)
    owner = (st.st_uid, st.st_gid) if st is not None else None
    _replace(target, data, f".{base}.{os.getpid()}.", TEMP_SUFFIX, durable=True, mode=mode, owner=owner,
             before_rename=before_rename, displaced=displaced)
    _fsync_dir(folder)


def _remove_stale_temps(folder: str, base: str | None) -> None:
    """Remove the temporary files an earlier archlint left next to ``base`` (every file of the
    folder: None) when it was killed between creating and renaming them, or, swapping, after the
    swap (``.<base>.<pid>.<random>.archlint-tmp``); a temp file of a process still running is left
    alone."""
    prefix = f".{base}." if base is not None else "."
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    import time

    import re

    for name in names:
        parts = name[:-len(TEMP_SUFFIX)].rsplit(".", 2)
        pid_text = parts[1] if len(parts) == 3 else ""
        if not (pid_text.isascii() and pid_text.isdigit() and len(pid_text) <= 7) \
                or base is not None and parts[0] != f".{base}" \
                or base is None and re.fullmatch(r"[0-9a-f]{8}", parts[2]) is None:
            continue  # (not one of ours: _create_temp's random part is 8 hex digits)
        pid = int(pid_text)
        path = os.path.join(folder, name)
        if pid == os.getpid():
            continue
        if os.name == "posix":
            try:
                os.kill(pid, 0)
                continue  # alive (another archlint may be writing it)
            except ProcessLookupError:
                pass
            except OSError:
                continue  # alive, another user's
        else:
            try:
                if time.time() - os.stat(path).st_mtime < _STALE_AGE:
                    continue
            except OSError:
                continue
        try:
            os.unlink(path)
        except OSError:
            pass


def sweep_stale_temps(folders) -> None:
    """``_remove_stale_temps`` of every file in ``folders``: what a ``--fix`` run killed after a
    swap left beside a file that no later run rewrites (the file already holds the fix)."""
    for folder in folders:
        _remove_stale_temps(folder, None)


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


def _fsync_dir(folder: str) -> None:
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    try:
        fd = os.open(folder, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- the user's files: read, then commit the fixed text -----------------------------------------

_BOM_CODECS = {
    codecs.BOM_UTF8: "utf-8",
    codecs.BOM_UTF32_LE: "utf-32-le",
    codecs.BOM_UTF32_BE: "utf-32-be",
    codecs.BOM_UTF16_LE: "utf-16-le",
    codecs.BOM_UTF16_BE: "utf-16-be",
}


class FixError(Exception):
    """A file cannot be changed safely; the message says why (nothing was written)."""

    def __init__(self, message: str, internal: bool = False):
        super().__init__(message)
        self.message = message
        self.internal = internal


class FileState:
    """A file as read for fixing: its bytes, the decoded text and how to encode it back."""

    __slots__ = ("path", "data", "text", "encoding", "bom", "codec", "mode")

    def __init__(self, path, data, text, encoding, bom, codec, mode):
        self.path = path
        self.data = data
        self.text = text
        self.encoding = encoding  # as source.decode names it (for the engine)
        self.bom = bom
        self.codec = codec
        self.mode = mode

    @classmethod
    def read(cls, path: str) -> "FileState":
        from ..source import BOMS, DecodeError, decode

        try:
            with open(path, "rb") as fh:
                data = fh.read()
            mode = statmod.S_IMODE(os.stat(path).st_mode)
        except OSError as e:
            raise FixError(f"cannot read it: {e.strerror or e}") from None
        try:
            text, enc, _ = decode(data)
        except DecodeError as e:
            raise FixError(f"cannot decode it: {e}") from None
        bom, codec = b"", enc
        for b, _name in BOMS:
            if data.startswith(b):
                bom, codec = b, _BOM_CODECS[b]
                break
        state = cls(path, data, text, enc, bom, codec, mode)
        try:
            same = state.encode(text) == data
        except FixError:
            same = False
        if not same:
            raise FixError(f"its bytes do not survive a decode/encode round trip as {enc}")
        return state

    def encode(self, text: str) -> bytes:
        try:
            return self.bom + text.encode(self.codec)
        except UnicodeEncodeError as e:
            raise FixError(f"the new text cannot be encoded as {self.codec} ({e.reason})") from None


_CHANGED = "it changed on disk while archlint was fixing it"


def _read_fd(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        b = os.read(fd, 1 << 20)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def commit(state: FileState, new_text: str) -> bool:
    """Write ``new_text`` over the file ``state`` was read from, unless the file changed on
    disk since (FixError).  Returns False when there is nothing to write.

    Another program (an editor saving) may write the file while the fix is written.  The file
    is compared with the bytes read three times: before the temporary file is made; right
    before the rename (its content, and that the path still names the same file); and after
    the rename, through a descriptor of the replaced file (a program that had it open wrote
    there between that check and the rename): then the other program's bytes are put back
    when the file still holds the fix.  Each is a FixError ("changed on disk", AL007).  On Linux
    the rename swaps the two names (renameat2's RENAME_EXCHANGE), so a save another program
    renamed over the file between the last check and the rename is seen in what was swapped
    out and swapped back.  What remains: elsewhere, a save landing in the microseconds between
    the last check and the rename by a program that replaces the file by renaming (its version
    is lost); and a save written after the rename through a descriptor opened before it (it
    goes to the replaced file)."""
    data = state.encode(new_text)
    if data == state.data:
        return False
    try:
        with open(state.path, "rb") as fh:
            now = fh.read()
    except OSError as e:
        raise FixError(f"cannot read it again before writing: {e.strerror or e}") from None
    if now != state.data:
        raise FixError(_CHANGED)
    target = os.path.realpath(state.path)
    held: list[int] = []

    def check() -> None:
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError as e:
            raise FixError(f"cannot read it again before writing: {e.strerror or e}") from None
        held.append(fd)
        try:
            same = _read_fd(fd) == state.data and _same_file(os.fstat(fd), os.stat(target))
        except OSError:
            same = False
        if not same:
            raise FixError(_CHANGED)

    def checked(st) -> bool:  # the file the swap took the place of is the one checked
        return bool(held) and _same_file(os.fstat(held[0]), st)

    try:
        try:
            atomic_write(state.path, data, state.mode, before_rename=check, displaced=checked)
        except Displaced:
            raise FixError(_CHANGED + " (the other program's version was kept)") from None
        except OSError as e:
            raise FixError(f"writing it failed: {e.strerror or e}") from None
        try:
            late = _read_fd(held[0])  # the replaced file, as it is now
        except OSError:
            late = state.data
    finally:
        for fd in held:
            os.close(fd)
    if late != state.data:
        _put_back(target, data, late, state.mode)
        raise FixError(_CHANGED + " (the other program's version was kept)")
    return True


def _same_file(a, b) -> bool:
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (b.st_ino, b.st_dev, b.st_size, b.st_mtime_ns)


def _put_back(target: str, fixed: bytes, theirs: bytes, mode: int) -> None:
    """Another program wrote the file just replaced: write its bytes back, unless the path no
    longer holds the fix (then that program, or another, has written it again)."""
    def still_ours() -> None:
        try:
            with open(target, "rb") as fh:
                if fh.read() == fixed:
                    return
        except OSError:
            pass
        raise FixError(_CHANGED)

    try:
        atomic_write(target, theirs, mode, before_rename=still_ours)
    except (OSError, FixError):
        pass
