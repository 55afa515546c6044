"""Forked helper processes, for the places a build shares work with a second core."""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import pickle
import signal
import struct
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar


def can_fork() -> bool:
    """A second core, and processes started by fork (they inherit the build's state)."""
    return (os.cpu_count() or 1) >= 2 and hasattr(os, "fork")


class SharedCounter:
    """Hands out indexes 0, 1, 2... once each, to this process and a helper forked after it
    was made: each takes the next item when it is free, so both finish together whatever
    each item costs. The count is in memory both processes share (an anonymous shared map,
    which a fork keeps shared); a POSIX record lock on a temporary file, which the system
    releases if its holder dies, guards it. Nothing of `multiprocessing` is imported."""

    def __init__(self) -> None:
        self.memory = mmap.mmap(-1, _COUNT.size)  # MAP_SHARED: the helper sees the same bytes
        self.lock, path = tempfile.mkstemp(prefix="statuspress-counter-")
        os.unlink(path)

    def take(self, count: int) -> Iterator[int]:
        """Indexes below `count` this process takes, until none is left."""
        import fcntl  # POSIX only, as forking is

        while True:
            fcntl.lockf(self.lock, fcntl.LOCK_EX)
            try:
                (index,) = _COUNT.unpack_from(self.memory)
                _COUNT.pack_into(self.memory, 0, index + 1)
            finally:
                fcntl.lockf(self.lock, fcntl.LOCK_UN)
            if index >= count:
                return
            yield index

    @property
    def taken(self) -> int:
        """How many indexes either process took so far (a moment's reading)."""
        (index,) = _COUNT.unpack_from(self.memory)
        return int(index)

    def __del__(self) -> None:
        os.close(self.lock)


_COUNT = struct.Struct("=q")


T = TypeVar("T")


class Forked(Generic[T]):
    """`function()` computed in a forked process while this one goes on; `result()` waits
    for it, `cancel()` stops it. Only for work that takes no lock another thread may hold
    (file system calls, hashing, the build's own data): the process has only the thread that
    forked it, and inherits everything else, so `function` needs no arguments sent (a
    closure or a partial over the build's objects). Its result, or the exception it raised,
    comes back pickled, through a pipe from this very process's own child: nothing anyone
    else wrote, and never a file (the cache folder holds no pickle)."""

    def __init__(self, function: Callable[[], T]) -> None:
        self.reaped = False
        self.pipe, child_end = os.pipe()
        frozen_already = gc.get_freeze_count() > 0  # by the build: it unfreezes at its end
        gc.freeze()  # the child's collector then leaves the inherited objects alone
        with warnings.catch_warnings():
            # Python warns about forking with threads running. The child only computes and
            # returns bytes; it touches no locks that other threads (a progress display, a
            # live-reload server, the pack reader) might hold.
            warnings.simplefilter("ignore", DeprecationWarning)
            self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the tests see its effect from outside
            status = 1
            try:
                os.close(self.pipe)
                try:
                    outcome: tuple[bool, Any] = (True, function())
                except Exception as exc:  # raised again in the parent, by result()
                    outcome = (False, exc)
                data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(child_end, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        if not frozen_already:
            gc.unfreeze()
        os.close(child_end)

    def result(self) -> T:
        """The function's result, or the exception it raised; ChildProcessError when the
        process failed otherwise."""
        self.reaped = True
        with os.fdopen(self.pipe, "rb") as source:
            data = source.read()
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not data:
            raise ChildProcessError("the forked process stopped")
        try:
            returned, value = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise ChildProcessError(f"the forked process sent no result: {exc}") from None
        if not returned:
            raise value
        result: T = value
        return result

    def cancel(self) -> None:
        """Not needed any more (the caller failed): stop the process and reap it."""
        if self.reaped:
            return
        self.reaped = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        os.waitpid(self.pid, 0)


@contextmanager
def helper(function: Callable[[], T]) -> Iterator[Forked[T]]:
    """`function()` in a forked helper process for the block: whatever it must inherit is in
    place before the call. Stopped if the block ends without taking its result."""
    forked = Forked(function)
    try:
        yield forked
    finally:
        forked.cancel()  # nothing to do once its result was taken
