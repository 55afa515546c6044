"""One forked helper process, for the two places a build shares work with a second core."""

from __future__ import annotations

import gc
import multiprocessing
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any

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
