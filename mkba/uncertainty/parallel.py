"""Where chunks of work run: in this process, on worker processes, or on a Dask cluster.

One function, :func:`run_tasks`, used by every simulation and batch (scenario and project Monte
Carlo, SIB simulations, :func:`mkba.evaluate_many`): the same tasks give the same results wherever
they run, in the tasks' order, and a worker lost on the way (killed, out of memory, a scheduler gone)
ends the run with one :class:`~mkba.errors.MkbaError`, never a partial result (docs/scale.md).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import Any, TypeVar

from mkba.errors import MkbaError

T = TypeVar("T")
R = TypeVar("R")


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int | None = 1,
    client: Any = None,
    threads: int = 0,
    what: str = "the simulation",
) -> Iterator[R]:
    """``fn`` of each task, in the tasks' order, as they finish.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled for processes and Dask).
    tasks : sequence
        Its arguments, one per task.
    workers : int, optional
        Worker processes; 1 (or one task) runs in this process.
    client : dask.distributed.Client, optional
        Run on this Dask cluster instead (``workers`` is then not used).
    threads : int
        With ``workers`` None: run on up to this many threads of this process (numpy releases the
        GIL in its loops); 0 runs one task after the other.
    what : str
        What is run, for the message when a worker is lost (``"the batch"``).

    Yields
    ------
    object
        ``fn(task)``, task by task.

    Raises
    ------
    MkbaError
        A worker process stopped, or the Dask cluster did not finish: no result.

    Examples
    --------
    >>> list(run_tasks(abs, [-1, 2, -3]))
    [1, 2, 3]
    """
    if client is not None:
        yield from _on_dask(fn, tasks, client, what)
    elif workers is None and threads > 1 and len(tasks) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            yield from pool.map(fn, tasks)
    elif workers is None or workers <= 1 or len(tasks) <= 1:
        yield from map(fn, tasks)
    else:
        yield from _on_processes(fn, tasks, workers)


def _on_dask(fn: Callable[[T], R], tasks: Sequence[T], client: Any, what: str) -> Iterator[R]:
    try:
        for future in client.map(fn, list(tasks), pure=False):
            yield future.result()
    except MkbaError:
        raise
    except Exception as exc:  # a lost worker or scheduler: one message, never a partial result
        raise MkbaError(
            f"the Dask cluster did not finish {what} ({type(exc).__name__}: {exc}); no result"
        ) from None


def _on_processes(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[R]:
    # A result travels through a file, and only its name through the pool's pipe. A worker killed while
    # it sent a large result through the pipe left half a message there, and the pool waited for the
    # rest for ever (Python 3.11; tests/test_parallel.py). A name is one write of a few hundred bytes,
    # which a pipe takes whole or not at all.
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        folder = tempfile.TemporaryDirectory(prefix="mkba-")
    except OSError as exc:
        raise _no_room(tempfile.gettempdir(), exc) from None
    with folder:
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                names = pool.map(_to_file, repeat(fn), tasks, repeat(folder.name), range(len(tasks)))
                try:
                    for name in names:
                        yield _from_file(name)
                finally:  # a consumer that stops early: the tasks not yet started never start
                    pool.shutdown(cancel_futures=True)
        except BrokenProcessPool:
            raise MkbaError(
                "a worker process stopped before it finished (killed, or out of memory); no result. "
                "Run again, or with fewer --workers"
            ) from None


def _no_room(folder: str, exc: OSError) -> MkbaError:
    """The one message for a temporary folder that cannot hold the workers' results."""
    return MkbaError(
        f"the worker processes could not hand back their results through the temporary folder {folder} "
        f"({exc.strerror or exc}); set TMPDIR to a folder with room, or run without --workers"
    )


def _to_file(fn: Callable[[T], R], task: T, folder: str, index: int) -> str:
    """``fn(task)`` pickled into ``folder`` (in a worker process); the file's name."""
    result = fn(task)
    name = os.path.join(folder, f"{index}.pickle")
    try:
        with open(name, "wb") as out:
            pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:  # a full disk: said once, as the worker's own error
        raise _no_room(folder, exc) from None
    return name


def _from_file(name: str) -> Any:
    """The result that :func:`_to_file` wrote, its file removed."""
    with open(name, "rb") as result:
        found = pickle.load(result)  # written by this run's own workers, in its own folder
    os.remove(name)
    return found
