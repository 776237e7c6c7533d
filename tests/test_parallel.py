"""mkba.uncertainty.parallel: the same results wherever tasks run; a lost worker is one message."""

from __future__ import annotations

import math
import time

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


_KILLED_WHILE_SENT = """
import os, signal, threading, time
from mkba.errors import MkbaError
from mkba.uncertainty.parallel import run_tasks

class KilledWhileSent:
    # a large result whose worker is killed while the result is on its way to this process
    def __reduce__(self):
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return bytes, (b"x" * 100_000_000,)

def task(i):
    if i == 0:
        return KilledWhileSent()
    time.sleep(0.5)  # the run goes on past the kill, wherever it lands
    return i

if __name__ == "__main__":
    try:
        list(run_tasks(task, list(range(7)), workers=2))
    except MkbaError as exc:
        print(exc.message)
"""


def test_a_worker_killed_while_its_result_is_sent_ends_the_run_and_never_hangs(tmp_path):
    # In a process of its own: the pool this guards against waited for the rest of a half-sent
    # result for ever, and would have held up this test run at its exit.
    import os
    import signal
    import subprocess
    import sys

    script, said = tmp_path / "killed.py", tmp_path / "said.txt"
    script.write_text(_KILLED_WHILE_SENT, encoding="utf-8")
    with said.open("w", encoding="utf-8") as out:
        child = subprocess.Popen(
            [sys.executable, str(script)], stdout=out, stderr=out, start_new_session=True
        )
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the run and its workers
            child.wait()
            pytest.fail("the run hung after a worker was killed while it sent its result")
    assert child.returncode == 0
    assert "a worker process stopped before it finished" in said.read_text(encoding="utf-8")


def _marked(task):
    """Leave a mark that this task ran, then take a while (module level: it goes to worker processes)."""
    import time
    from pathlib import Path

    folder, i = task
    (Path(folder) / f"{i}.ran").touch()
    time.sleep(0.2)
    return i


def test_a_run_stopped_early_starts_no_more_tasks(tmp_path):
    tasks = [(str(tmp_path), i) for i in range(12)]
    results = run_tasks(_marked, tasks, workers=2)
    assert next(results) == 0
    results.close()  # the reader stops (an error in a merge, Ctrl-C): the pool's tasks not started are cancelled
    ran = len(list(tmp_path.glob("*.ran")))
    assert ran < len(tasks)
    time.sleep(0.5)  # longer than a task: one still queued would have left its mark by now
    assert len(list(tmp_path.glob("*.ran"))) == ran  # and none starts after


def test_a_temporary_folder_without_room_is_one_message(tmp_path, monkeypatch):
    import errno
    import pickle
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    with pytest.raises(MkbaError, match=r"temporary folder .*missing.*set TMPDIR to a folder with room"):
        list(run_tasks(math.sqrt, TASKS, workers=2))
    monkeypatch.undo()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pickle, "dump", full)  # in the worker processes too: they are forked from here
    with pytest.raises(MkbaError, match=r"\(No space left on device\); set TMPDIR"):
        list(run_tasks(math.sqrt, TASKS, workers=2))
