"""Whole-file writes that a reader sees entirely old or entirely new: the bytes go to a
temporary file in the same folder, renamed over the target (``os.replace``).  For the cache's
index shards, stored reports, memo entries and report files; ``--fix`` has its own (it keeps
the file's mode and re-checks what it replaces)."""
from __future__ import annotations

import os
import time


def write_bytes(path: str, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically, creating the folder; False (and nothing left
    behind) when it cannot be written."""
    folder = os.path.dirname(path) or "."
    tmp = os.path.join(folder, f".tmp-{os.getpid()}-{time.time_ns() & 0xFFFFFFFF:08x}")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True
