"""What the command-line modules share: consoles, the language option, euro formatting, progress bars."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum

import typer
from rich.console import Console

# Piped output (files, CI logs) gets a wider page than rich's 80-column default.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)


class Lang(StrEnum):
    """Language of labels: Dutch (default) or English."""

    nl = "nl"
    en = "en"


PRICELISTS_DIR_OPTION = typer.Option(
    None, "--pricelists-dir", help="Extra folder of price lists (<name>/<version>.yaml)."
)


def euro(x: float | None, cents: bool = False, lang: str = "nl") -> str:
    """``€ 1.234`` (or ``€ 1.234,56`` with ``cents``) in Dutch, ``€1,234`` in English; ``-`` for none.

    Formatted by :func:`mkba.report.numbers.euro` (Babel), as in every report.
    """
    if x is None or not math.isfinite(x):
        return "-"
    from mkba.report.numbers import euro as formatted

    return formatted(x, lang, cents=cents, space=" ")


@contextmanager
def progress_bar(title: str, total: int, show: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on standard error, given to numeric code as a callback.

    Yields ``advance(done)``, to be called with the number of draws finished since the last call,
    or None when ``show`` is false (no bar: piped output, small runs).
    """
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(title),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task("draws", total=total)
    with bar:
        yield lambda done: bar.advance(task, done)
