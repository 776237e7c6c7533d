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


_FIRST_MODEL = (
    "import numpy, pydantic\n"
    "class M(pydantic.BaseModel):\n"
    "    x: int = pydantic.Field(ge=0)\n"
    "    @pydantic.field_validator('x')\n"
    "    @classmethod\n"
    "    def _same(cls, v: int) -> int:\n"
    "        return v\n"
    "M(x=1)"
)

#: Where ``mkba run`` spends its time: each step is a fresh interpreter doing all of the step before
#: and one thing more; the differences between their medians are the cost of each layer.
LAYERS = {
    "numpy and pydantic imported (the peer)": "import numpy, pydantic",
    "+ pydantic's first model with a constraint and a validator (its schema machinery)": _FIRST_MODEL,
    "+ Typer (the command line)": _FIRST_MODEL + "\nimport typer, typer.main",
    "+ mkba's modules and models (everything `mkba run` imports)": (
        "import numpy, pydantic, typer, typer.main\nimport mkba.cli.app, mkba.cli.run"
    ),
    "+ the run: read, validate, evaluate, print (`mkba run`)": (
        "import sys\nfrom mkba.cli import main\nsys.argv = ['mkba', 'run', 'scenarios/tutorial.yaml']\nsys.exit(main())"
    ),
}


def _this_checkout(env: dict[str, str]) -> None:
    """Refuse to time an ``mkba`` that is not this checkout (an older install would be timed)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import mkba; print(mkba.__file__)"],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    if Path(probe.stdout.strip()).resolve().parent.parent != ROOT:
        sys.exit(f"mkba imports from {probe.stdout.strip()}, not this checkout: pip install -e . first")


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


# An installed package runs from compiled bytecode; PYTHONDONTWRITEBYTECODE (set on some machines)
# would make every run compile mkba's sources again, which no user's install does.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def time_once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def medians(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command, the commands interleaved run by run, after one warm-up."""
    for cmd in cmds.values():  # warm the file cache and write the bytecode
        time_once(cmd)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(time_once(cmd))
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "startup.md")
    args = parser.parse_args()
    _this_checkout(ENV)
    load = os.getloadavg()
    cmds = commands()
    median = medians(cmds, args.runs)
    layers = medians({name: [sys.executable, "-c", code] for name, code in LAYERS.items()}, args.runs)
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
    layer_rows = []
    before = 0.0
    layer_peer = next(iter(layers.values()))
    for name, seconds in layers.items():
        layer_rows.append(
            f"| {name} | {seconds:.3f} | {seconds - before:+.3f} | {seconds / layer_peer:.2f}x |"
        )
        before = seconds
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
            "## Where `mkba run` spends its time",
            "",
            "Each row is a fresh interpreter doing everything of the row above and one thing more "
            "(same runs, medians); the second column is what that one thing adds. The first two rows "
            "and Typer are what any command built on pydantic and Typer pays before its own work.",
            "",
            "| step | median (s) | adds (s) | ratio to peer |",
            "|---|---:|---:|---:|",
            *layer_rows,
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
