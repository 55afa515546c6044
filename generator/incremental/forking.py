"""Forked helper processes, for the places a build shares work with a second core."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any, Generic, TypeVar

CONTEXT = "fork"


def can_fork() -> bool:
    """A second core, and processes started by fork (they inherit the build's state)."""
    return (os.cpu_count() or 1) >= 2 and CONTEXT in multiprocessing.get_all_start_methods()


@contextmanager
def helper_pool() -> Iterator[Pool]:
    """A pool of one forked process; whatever it must inherit is in place before the call."""
    with warnings.catch_warnings():
        # Python warns about forking with threads running. The helper only computes and
        # returns bytes; it touches no locks that other threads (a progress display, a
        # live-reload server, the pack reader) might hold.
        warnings.simplefilter("ignore", DeprecationWarning)
        frozen_already = gc.get_freeze_count() > 0  # by the build: it unfreezes at its end
        gc.freeze()  # the helper's collector then leaves the inherited objects alone
        pool = multiprocessing.get_context(CONTEXT).Pool(1)
        if not frozen_already:
            gc.unfreeze()
    with pool:
        yield pool


class SharedCounter:
    """Hands out indexes 0, 1, 2... once each, to this process and a helper forked after it
    was made: each takes the next item when it is free, so both finish together whatever
    each item costs."""

    def __init__(self) -> None:
        self.next: Any = multiprocessing.get_context(CONTEXT).Value("i", 0)

    def take(self, count: int) -> Iterator[int]:
        """Indexes below `count` this process takes, until none is left."""
        while True:
            with self.next.get_lock():
                index = self.next.value
                self.next.value = index + 1
            if index >= count:
                return
            yield index


T = TypeVar("T")


class Forked(Generic[T]):
    """`function()` computed in a forked process while this one goes on; `result()` waits
    for it, `cancel()` stops it. Only for work that takes no lock another thread may hold
    (file system calls, hashing, the build's own data): the process has only the thread that
    forked it. Its result comes back pickled, through a pipe from this very process's own
    child: nothing anyone else wrote, and never a file (the cache folder holds no pickle)."""

    def __init__(self, function: Callable[[], T]) -> None:
        self.pipe, child_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the tests see its effect from outside
            status = 1
            try:
                os.close(self.pipe)
                data = pickle.dumps(function(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(child_end, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(child_end)

    def result(self) -> T:
        """The function's result; ChildProcessError when the process failed."""
        with os.fdopen(self.pipe, "rb") as source:
            data = source.read()
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not data:
            raise ChildProcessError("the forked process stopped")
        try:
            value: T = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError) as exc:
            raise ChildProcessError(f"the forked process sent no result: {exc}") from None
        return value

    def cancel(self) -> None:
        """Not needed any more (the caller failed): stop the process and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        os.waitpid(self.pid, 0)
