"""Timing shared by the benchmark scripts (run as ``python benchmarks/bench_*.py``)."""

import statistics
import time


def median_seconds(action, runs: int) -> float:
    """Median wall time of ``action()`` over ``runs`` runs, after one warm-up run, seconds."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
