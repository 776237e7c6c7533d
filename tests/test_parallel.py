"""mkba.uncertainty.parallel: the same results wherever tasks run; a lost worker is one message."""

from __future__ import annotations

import math

import pytest

from mkba.errors import MkbaError
from mkba.uncertainty.parallel import run_tasks

TASKS = [0.5 * i for i in range(7)]


@pytest.mark.parametrize(
    "where", [{"workers": 1}, {"workers": 2}, {"workers": None, "threads": 2}, {"workers": None}]
)
def test_every_way_gives_the_results_in_the_tasks_order(where):
    assert list(run_tasks(math.sqrt, TASKS, **where)) == [math.sqrt(t) for t in TASKS]


class _LostCluster:
    """A Dask client whose worker dies on the third task."""

    def map(self, fn, tasks, pure=False):
        for i, task in enumerate(tasks):
            yield _Future(fn, task, lost=i == 2)


class _Future:
    def __init__(self, fn, task, lost):
        self.fn, self.task, self.lost = fn, task, lost

    def result(self):
        if self.lost:
            raise OSError("worker tcp://127.0.0.1:1 lost")
        return self.fn(self.task)


def test_a_lost_dask_worker_ends_the_run_with_one_message_and_no_partial_result():
    results = []
    with pytest.raises(MkbaError, match=r"did not finish the batch \(OSError: worker .* lost\); no result"):
        for r in run_tasks(math.sqrt, TASKS, client=_LostCluster(), what="the batch"):
            results.append(r)
    assert len(results) == 2  # what came before the loss is never returned as a whole result


def test_an_error_of_mkba_inside_a_task_passes_unchanged():
    def refuse(_):
        raise MkbaError("expected at least one draw", field="--simulate")

    class Client:
        def map(self, fn, tasks, pure=False):
            return [_Future(fn, t, lost=False) for t in tasks]

    with pytest.raises(MkbaError, match="expected at least one draw"):
        list(run_tasks(refuse, [1], client=Client()))
