"""Where the server's work runs, off the event loop.

- ``LintPool``: a few worker processes (``worker``) that lint buffers, at most one lint per
  document.  A lint asked for a document replaces that document's previous one: queued, it is
  dropped; running, its worker is killed.  Either way its caller gets None, so a superseded
  version is never published.  ``close`` (shutdown) kills them all at once.
- ``EngineThread``: one daemon thread for the in-process engine work (code actions re-lint and
  fix, hover reads the rule registry), one thing at a time.  Daemon: exit never waits for it.

Processes, not threads, for the lints: the engine keeps per-process state (the rule registry, the
tree-sitter parser, the per-run caches) that two threads must not share; a process can be stopped
in the middle of a lint, which a thread cannot; a huge lint's memory goes when its worker does; and
two processes use two cores, where threads would share one interpreter lock.
"""
from __future__ import annotations

import asyncio
import logging
import os
import pickle
import queue
import sys
import threading
from concurrent.futures import Future

from .worker import HEADER, frame

log = logging.getLogger("archlint.server")


def pool_size() -> int:
    """Two workers (a slow lint never holds up the other documents), more on a big machine."""
    return max(2, min(4, (os.cpu_count() or 2) // 2))


class LintError(Exception):
    """The worker's lint raised: the traceback it sent."""


class Worker:
    """One worker process and its pipes."""

    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        self.killed = False

    @classmethod
    async def start(cls) -> "Worker":
        """A new worker, importing the server's own archlint (not one in the current folder)."""
        import archlint

        home = os.path.dirname(os.path.dirname(os.path.abspath(archlint.__file__)))
        code = f"import sys; sys.path.insert(0, {home!r}); from archlint.server.worker import main; sys.exit(main())"
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        return cls(proc)

    @property
    def alive(self) -> bool:
        return not self.killed and self.proc.returncode is None

    def kill(self) -> None:
        self.killed = True
        if self.proc.returncode is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass

    async def _send(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        await self.proc.stdin.drain()

    async def _receive(self):
        head = await self.proc.stdout.readexactly(HEADER.size)
        return pickle.loads(await self.proc.stdout.readexactly(HEADER.unpack(head)[0]))

    async def lint(self, header: dict, text: str):
        """The worker's result for the buffer (see ``worker``); the text is sent only if asked."""
        await self._send(frame(("lint", header)))
        msg = await self._receive()
        if msg[0] == "text":
            await self._send(frame(text))
            msg = await self._receive()
        if msg[0] == "error":
            raise LintError(msg[1])
        return msg[1]


class LintPool:
    def __init__(self, size: int | None = None):
        self.size = size or pool_size()
        self.idle: list[Worker] = []
        self.queued: dict[str, tuple] = {}  # key -> (header, text, future), oldest first
        self.running: dict[str, tuple] = {}  # key -> (future, its worker once it has one)
        self.tasks: set = set()
        self.closed = False

    async def lint(self, key: str, header: dict, text: str):
        """Lint in a worker: its result, or None when the lint was superseded (another ``lint``
        or a ``cancel`` of ``key``) or the pool closed.  Raises ``LintError`` (the lint raised)
        or ``OSError`` / ``IncompleteReadError`` (the worker died)."""
        self.cancel(key)
        if self.closed:
            return None
        fut = asyncio.get_running_loop().create_future()
        self.queued[key] = (header, text, fut)
        self._dispatch()
        try:
            return await fut
        except asyncio.CancelledError:
            self._drop(key, fut)
            raise

    def cancel(self, key: str) -> None:
        """Supersede the lint of ``key``: dropped if queued, its worker killed if running."""
        entry = self.queued.pop(key, None)
        if entry is not None:
            _resolve(entry[2], None)
        entry = self.running.pop(key, None)
        if entry is not None:
            fut, worker = entry
            _resolve(fut, None)
            if worker is not None:
                worker.kill()
            self._dispatch()

    def _drop(self, key: str, fut) -> None:
        """Cancel the lint of ``key`` if it is still the one of ``fut``."""
        if self.queued.get(key, (None, None, None))[2] is fut or self.running.get(key, (None,))[0] is fut:
            self.cancel(key)

    def _dispatch(self) -> None:
        while self.queued and len(self.running) < self.size and not self.closed:
            key = next(iter(self.queued))
            header, text, fut = self.queued.pop(key)
            self.running[key] = (fut, None)
            task = asyncio.ensure_future(self._run(key, header, text, fut))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def _still(self, key: str, fut) -> bool:
        return self.running.get(key, (None,))[0] is fut

    async def _run(self, key: str, header: dict, text: str, fut) -> None:
        worker = None
        try:
            worker = self.idle.pop() if self.idle else await Worker.start()
            if not self._still(key, fut):  # superseded while the worker started
                return
            self.running[key] = (fut, worker)
            result = await worker.lint(header, text)
            _resolve(fut, result)
        except Exception as e:
            if worker is not None and self._still(key, fut):
                worker.kill()  # its pipes are in an unknown state
            if not fut.done():
                fut.set_exception(e)
        finally:
            if self._still(key, fut):
                del self.running[key]
            if worker is not None and worker.alive and not self.closed:
                self.idle.append(worker)
            elif worker is not None:
                worker.kill()
            self._dispatch()

    def close(self) -> None:
        """Abandon every lint (their callers get None) and kill every worker, without waiting."""
        self.closed = True
        for _, _, fut in self.queued.values():
            _resolve(fut, None)
        for fut, worker in self.running.values():
            _resolve(fut, None)
            if worker is not None:
                worker.kill()
        for worker in self.idle:
            worker.kill()
        self.queued.clear()
        self.running.clear()
        self.idle.clear()


def _resolve(fut, value) -> None:
    if not fut.done():
        fut.set_result(value)


class EngineThread:
    """One daemon thread running submitted calls in order (an executor whose thread is never
    waited for: a call still running when the server exits is abandoned)."""

    def __init__(self, name: str = "archlint-engine"):
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            fut, fn, args = self.calls.get()
            if fut is None:
                return
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args))
            except BaseException as e:
                fut.set_exception(e)

    async def run(self, fn, *args):
        fut: Future = Future()
        self.calls.put((fut, fn, args))
        return await asyncio.wrap_future(fut)

    def stop(self) -> None:
        """Run nothing more (the call running goes on, unwaited for)."""
        self.calls.put((None, None, None))
