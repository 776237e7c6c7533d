"""Start-up time of ``import mkba`` and of the ``mkba`` command, against importing numpy and pydantic.

Run from the repository root: ``python benchmarks/bench_startup.py [--runs 15]``. Each command runs
in a fresh interpreter (what a user waits for), the commands interleaved run by run so that other
work on the machine falls on all of them alike; the figure is the median wall time. The peer is
``python -c "import numpy, pydantic"``, the two libraries every mkba command needs: a command
cannot start faster than that, so the ratio says what mkba adds on top.

Goals (issue 14): ``import mkba`` at most 1.3x the peer, ``mkba --version`` at most 1.5x,
``mkba run scenarios/tutorial.yaml`` at most 2x. The command is timed through its console script,
as a user runs it. Results go to ``benchmarks/results/startup.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands() -> dict[str, list[str]]:
    exe = shutil.which("mkba")
    if exe is None:
        sys.exit("the mkba command is not on PATH: pip install . first")
    return {
        "peer: python -c 'import numpy, pydantic'": [sys.executable, "-c", "import numpy, pydantic"],
        "python -c 'import mkba'": [sys.executable, "-c", "import mkba"],
        "mkba --version": [exe, "--version"],
        "mkba run scenarios/tutorial.yaml": [exe, "run", "scenarios/tutorial.yaml"],
    }


GOALS = {"python -c 'import mkba'": 1.3, "mkba --version": 1.5, "mkba run scenarios/tutorial.yaml": 2.0}


def time_once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "startup.md")
    args = parser.parse_args()
    cmds = commands()
    for cmd in cmds.values():  # warm the file cache
        time_once(cmd)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            times[name].append(time_once(cmd))
    median = {name: statistics.median(t) for name, t in times.items()}
    peer_name = next(iter(cmds))
    peer = median[peer_name]
    rows = []
    for name, seconds in median.items():
        ratio = seconds / peer
        goal = GOALS.get(name)
        met = "" if goal is None else ("yes" if ratio <= goal else "no")
        rows.append(
            f"| `{name}` | {seconds:.3f} | {ratio:.2f}x | {'' if goal is None else f'<= {goal}x'} | {met} |"
        )
        print(f"{name:45} {seconds:.3f} s  {ratio:.2f}x")
    load = os.getloadavg()
    text = "\n".join(
        [
            "# Start-up time",
            "",
            f"`python benchmarks/bench_startup.py --runs {args.runs}`: each command in a fresh interpreter, "
            f"interleaved, median of {args.runs} runs after one warm-up.",
            "",
            f"- date: {dt.datetime.now().isoformat(timespec='seconds')}",
            f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, load average at start {load[0]:.2f}",
            f"- Python {platform.python_version()}",
            "",
            "| command | median (s) | ratio to peer | goal | met |",
            "|---|---:|---:|---:|:---:|",
            *rows,
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
