"""The forked helper: the shared counter hands out each index once, a helper's exception
comes back as itself, and a helper whose result is not wanted is stopped."""

from __future__ import annotations

import os
import time

import pytest
from statuspress.diagnostics import error
from statuspress.incremental.forking import Forked, SharedCounter, helper
from statuspress.outputs.render import TemplateProblem

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forking is POSIX only")


@pytest.mark.parametrize("count", [0, 1, 7, 5000])
def test_each_index_is_taken_once_by_one_of_the_two(count: int) -> None:
    counter = SharedCounter()
    with helper(lambda: list(counter.take(count))) as forked:
        mine = list(counter.take(count))
        theirs = forked.result()
    assert sorted(mine + theirs) == list(range(count))
    assert not set(mine) & set(theirs)


def test_the_helper_s_exception_is_raised_in_the_build() -> None:
    problem = TemplateProblem(error("theme/x.html", 3, "template", "broken", "fix it"))

    def fails() -> None:
        raise problem

    with pytest.raises(TemplateProblem) as raised:
        Forked(fails).result()
    assert raised.value.diagnostic == problem.diagnostic


def test_a_helper_is_stopped_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), helper(lambda: time.sleep(60)) as forked:
        raise RuntimeError("the build failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(forked.pid, os.WNOHANG)  # reaped already: no zombie, no sleeper left
