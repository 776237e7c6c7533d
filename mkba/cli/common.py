"""What the command-line modules share: consoles, the language option, euro formatting, progress bars."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from mkba.cli.terminal import Console, Text
from mkba.errors import MkbaError

# What a user wrote (names, labels, paths) is printed as written: nothing is read as markup, and
# nothing is highlighted by itself. Style comes only from the texts the command line builds itself
# (:func:`styled`). Piped output gets 120 columns (mkba.cli.terminal).
out = Console()
err = Console(stderr=True)


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text in parts, each plain or ``(text, style)``: the one way the command line styles output.

    Examples
    --------
    >>> styled(("Saldo", "bold"), ": ", "[b] stays as written").plain
    'Saldo: [b] stays as written'
    """
    return Text.assemble(*parts)


def dim(text: str) -> Text:
    """``text`` dimmed (notes under a table, files written), exactly as given."""
    return Text(text, style="dim")


def bold(text: str) -> Text:
    """``text`` in bold (totals, names), exactly as given."""
    return Text(text, style="bold")


class Lang(StrEnum):
    """Language of labels: Dutch (default) or English."""

    nl = "nl"
    en = "en"


#: The largest number of Monte Carlo draws and of draws evaluated at once the command line accepts
#: (a run too large for memory is refused before it starts, with what it would need).
MAX_DRAWS = 10**15
#: The price years the command line accepts (as the scenario's ``start_year``).
YEARS = (1900, 2200)


def check_range(value: float | None, option: str, low: float, high: float) -> None:
    """Refuse an option's value outside ``[low, high]`` (or not a finite number), naming the option.

    Raises
    ------
    MkbaError
        ``--option: expected a value in [low, high], got value``.
    """

    if value is None:
        return
    if not (isinstance(value, int) or math.isfinite(value)) or not low <= value <= high:
        shown = (
            f"{value:.6g}"
            if isinstance(value, float)
            else (str(value) if abs(value) < 10**20 else "a huge number")
        )
        raise MkbaError(f"expected a value in [{low:g}, {high:g}], got {shown}", field=option)


def check_options(
    *,
    price_year: int | None = None,
    discount_rate: float | None = None,
    simulate: int | None = None,
    chunk_size: int | None = None,
) -> None:
    """Range-check the options that ``mkba run``, ``sib``, ``report`` and ``batch`` share.

    Raises
    ------
    MkbaError
        Naming the option; a discount rate typed as a percentage gets a hint (2.25: did you mean 0.0225?).
    """

    check_range(price_year, "--price-year", *YEARS)
    if discount_rate is not None and math.isfinite(discount_rate) and 0.25 < discount_rate <= 100:
        raise MkbaError(
            f"expected a rate per year in [-0.99, 0.25], got {discount_rate:g}; did you mean {discount_rate / 100:g}?",
            field="--discount-rate",
        )
    check_range(discount_rate, "--discount-rate", -0.99, 0.25)
    check_range(simulate, "--simulate", 1, MAX_DRAWS)
    check_range(chunk_size, "--chunk-size", 1, MAX_DRAWS)


def input_files(source: Path, pricelist: str | None = None, doc: Any = None) -> list[Path]:
    """The files a command reads: the scenario or project, a project's scenarios, a price list file.

    Used to refuse an output that would overwrite one of them (:func:`mkba.io.files.check_outputs`).
    ``doc`` is ``source`` already read (:class:`mkba.io.documents.Document`), so it is not read again.
    """
    from mkba.io.documents import read_document

    found = [source]
    if pricelist and Path(pricelist).is_file():
        found.append(Path(pricelist))
    data = (doc if doc is not None else read_document(source)).data
    if isinstance(data, dict) and isinstance(data.get("pricelist"), str):
        ref = source.parent / data["pricelist"]
        if ref.is_file():
            found.append(ref)
    if isinstance(data, dict) and data.get("format") == "mkba-project/1":
        from mkba.project import load_project

        for alt in load_project(source).definition.all:
            file = getattr(alt.scenario, "file", None)
            if file:
                found.append(Path(file))
    return found


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
    from rich.console import Console as RichConsole
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(title),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=RichConsole(stderr=True, markup=False, highlight=False, emoji=False),
        transient=True,
    )
    task = bar.add_task("draws", total=total)
    with bar:
        yield lambda done: bar.advance(task, done)


@contextmanager
def dask_client(address: str | None) -> Iterator[Any]:
    """A Dask client for ``--scheduler ADDRESS`` (None without one), closed when the work is done.

    Raises
    ------
    MkbaError
        Dask is not installed (an optional extra), or the scheduler cannot be reached.
    """
    if not address:
        yield None
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise MkbaError('--scheduler needs Dask: pip install "mkba[dask]"', field="--scheduler") from None
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise MkbaError(f"cannot reach the Dask scheduler at {address}: {exc}", field="--scheduler") from None
    try:
        yield client
    finally:
        client.close()
