"""What the command-line modules share: consoles, the language option, euro formatting, progress bars."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
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


#: The largest number of Monte Carlo draws and of draws evaluated at once the command line accepts:
#: what a simulation takes (:data:`mkba.uncertainty.montecarlo.MAX_DRAWS`,
#: :data:`mkba.sib.simulation.MAX_STREAMED`; written here, as the command line starts without numpy),
#: refused before any work. A run too large for memory is refused before it starts, with what it needs.
MAX_DRAWS = 1_000_000_000
#: The price years the command line accepts (as the scenario's ``start_year``).
YEARS = (1900, 2200)
#: The most worker processes ``--workers`` starts.
MAX_WORKERS = 1024
#: The values each whole-number option with bounds accepts (:func:`check_options`,
#: :func:`check_shared_options`); also what a value typed with '.' between thousands (``2.000``) is
#: checked against before it is suggested without them (:func:`mkba.cli.app._value_problem`).
WHOLE_RANGES: dict[str, tuple[int, int]] = {
    "--price-year": YEARS,
    "--simulate": (1, MAX_DRAWS),
    "--chunk-size": (1, MAX_DRAWS),
    "--workers": (1, MAX_WORKERS),
}


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
        raise MkbaError(f"expected a value in [{bound(low)}, {bound(high)}], got {shown}", field=option)


def bound(x: float) -> str:
    """A bound as a reader writes it: ``1``, ``0.25``, ``1,000,000,000,000,000`` (not ``1e+15``)."""
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) >= 1e6 else f"{x:g}"


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

    from mkba.scenario.fields import discount_rate_problem

    check_range(price_year, "--price-year", *WHOLE_RANGES["--price-year"])
    problem = None if discount_rate is None else discount_rate_problem(discount_rate)
    if problem:
        raise MkbaError(f"{problem} (got {discount_rate:g})", field="--discount-rate")
    check_range(simulate, "--simulate", *WHOLE_RANGES["--simulate"])
    check_range(chunk_size, "--chunk-size", *WHOLE_RANGES["--chunk-size"])


#: A Dask scheduler's address: ``tcp://host:port`` (or another of Dask's schemes), or ``host:port``.
_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$")


def check_scheduler(address: str | None, option: str = "--scheduler") -> None:
    """Refuse a Dask scheduler address that cannot be one (``foo``, ``tcp://``, ``http://x:1``).

    Raises
    ------
    MkbaError
        ``--scheduler: expected an address like tcp://host:port, got 'foo'``.
    """
    if address is None:
        return
    found = _SCHEDULER.match(address.strip())
    if found is None or not 1 <= int(found.group(1)) <= 65535:
        raise MkbaError(f"expected an address like tcp://host:port, got {address!r}", field=option)


def check_ref(ref: str | None, option: str) -> None:
    """Refuse a price list reference that names nothing: empty, ``name@`` or ``@version``.

    An empty reference would silently mean the newest bundled list, not the one meant.

    Raises
    ------
    MkbaError
        Naming the option: ``--pricelist: expected NAME[@VERSION] or a file, got ''``.
    """
    if ref is None:
        return
    name, at, version = ref.partition("#sha256:")[0].partition("@")
    if _is_file_ref(ref) and ref.strip():
        return
    if not ref.strip() or not name.strip() or (at and not version.strip()):
        raise MkbaError(f"expected NAME[@VERSION] or a file, got {ref!r}", field=option)


def check_folders(folders: Sequence[Path] | None, option: str = "--pricelists-dir") -> None:
    """Refuse a ``--pricelists-dir`` that is not an existing folder (it would be silently skipped).

    Raises
    ------
    MkbaError
        Naming the option and the folder.
    """
    if not folders:  # nothing to check, and no price-list module to load for it
        return
    from mkba.pricelist.registry import price_list_folders

    try:
        price_list_folders(folders)
    except MkbaError as exc:
        exc.field = option  # the option the user typed, not the API's argument
        raise


def check_plots(folder: Path | None, outputs: Sequence[Path | None] = (), option: str = "--plots") -> None:
    """Check a folder for charts before any work: an existing folder, or a new one in an existing folder.

    Raises
    ------
    MkbaError
        Naming the option: a file, a folder whose parent does not exist, or another output's file.
    """
    if folder is None:
        return
    if folder.exists() and not folder.is_dir():
        raise MkbaError(
            "is not a folder; expected a folder to write the charts to", file=str(folder), field=option
        )
    parent = Path(os.path.realpath(folder)).parent
    if not folder.exists() and not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise MkbaError(
            f"the folder {str(folder.parent)!r} {what}; expected an existing folder, or a new folder in "
            "an existing one",
            file=str(folder),
            field=option,
        )
    from mkba.io.files import same_file

    for other in outputs:
        if other is not None and same_file(folder, other):
            raise MkbaError(
                "is also the file of another output; expected a folder of its own",
                file=str(folder),
                field=option,
            )


#: Options that only steer the draws of ``--simulate``: given without it, they would do nothing.
ONLY_WITH_SIMULATE = {
    "scheduler": "it runs the Monte Carlo draws",
    "seed": "the seed of its draws",
    "chunk_size": "how many draws it computes at once",
    "workers": "the draws' worker processes",
}
#: Values of those options that change nothing (their defaults), for a caller that cannot say which
#: options were typed.
_SAYS_NOTHING: dict[str, tuple[Any, ...]] = {"scheduler": (None,), "workers": (None, 1)}


def check_shared_options(given: dict[str, Any], typed: frozenset[str] = frozenset()) -> None:
    """Check the options several commands share, whether or not the run uses them, before any work.

    ``given`` is a command's arguments by name; only the ones it has are checked: ``--pricelist``,
    ``--pricelists-dir``, ``--workers`` and ``--scheduler`` (also: only with ``--simulate`` where the
    command has it). ``--simulate`` and ``--chunk-size`` each command checks itself. ``typed`` names
    the arguments the user gave rather than left at their defaults: ``--seed``, ``--chunk-size``,
    ``--workers`` or ``--scheduler`` typed without ``--simulate`` (:data:`ONLY_WITH_SIMULATE`) is
    refused, as it would change nothing.

    Raises
    ------
    MkbaError
        Naming the option.
    """
    check_ref(given.get("pricelist"), "--pricelist")
    check_folders(given.get("pricelists_dir"))
    check_range(given.get("workers"), "--workers", *WHOLE_RANGES["--workers"])
    check_scheduler(given.get("scheduler"))
    simulates = "simulate" not in given or given["simulate"] is not None
    for name, what in ONLY_WITH_SIMULATE.items():
        said = name in typed or (name in _SAYS_NOTHING and given.get(name) not in _SAYS_NOTHING[name])
        if not simulates and name in given and said:
            option = "--" + name.replace("_", "-")
            raise MkbaError(f"applies with --simulate ({what}); add --simulate N", field=option)
    if given.get("scheduler") is not None and given.get("workers") not in (None, 1):  # 1: the default
        raise MkbaError(
            "applies without --scheduler (a cluster has its own workers; set them where it is started)",
            field="--workers",
        )


@dataclass(frozen=True)
class OptionField:
    """An option of a command, as an error of the API it calls names the value the option gives.

    Attributes
    ----------
    option : str
        What the user types (``--price-year``).
    param : str
        The command's parameter that holds it (``price_year``), and its ``default``.
    default : Any
    file_ok : bool
        Whether an error that names a file is still about the option's value (``--sheet``: the
        workbook has no such sheet); else only an error that names no file is.
    """

    option: str
    param: str
    default: Any = None
    file_ok: bool = False


@contextmanager
def command_options(
    given: dict[str, Any],
    options: Mapping[str, OptionField] | None = None,
    typed: frozenset[str] = frozenset(),
) -> Iterator[None]:
    """Around a command: :func:`check_shared_options`, its ``--pricelists-dir`` for :func:`input_files`,
    and errors said with the command's options.

    ``options`` maps a field of the API the command calls to the option that gives it
    (``"sheet"``: ``--sheet`` for ``mkba batch``, whose ``--sheet`` is
    :func:`mkba.batch.evaluate_many`'s ``sheet``): an :class:`~mkba.errors.MkbaError` raised in
    the command with that field names the option instead, the one the user typed, when the user
    gave it (not its default) and the error is about a value, not a file's own field of that name
    (no line; no file, unless ``file_ok``).

    Raises
    ------
    MkbaError
        From :func:`check_shared_options`, or the command's own, its field renamed.
    """
    check_shared_options(given, typed)
    token = _FOLDERS.set(tuple(given.get("pricelists_dir") or ()))
    try:
        yield
    except MkbaError as exc:
        said = options.get(exc.field) if options and exc.field is not None else None
        if said is not None and _about_option(exc, said, given):
            exc.field = said.option
        raise
    finally:
        _FOLDERS.reset(token)


def _about_option(exc: MkbaError, said: OptionField, given: Mapping[str, Any]) -> bool:
    """Whether ``exc`` is about the value the user gave ``said``'s option (see :func:`command_options`).

    A file's field of the same name is said at its line (a scenario's key ``levels``, a change
    table's column ``sheet``); an option left at its default gave nothing to blame.
    """
    value = given.get(said.param)
    if exc.line is not None or value is None or value == said.default:
        return False
    return said.file_ok or exc.file is None


#: The ``--pricelists-dir`` folders of the command being run (set by :func:`command_options`), for
#: :func:`input_files` when its caller does not pass them.
_FOLDERS: ContextVar[tuple[Path, ...]] = ContextVar("mkba_pricelists_dirs", default=())


#: The format each output option writes: a key of :data:`mkba.io.files.OUTPUT_FORMATS` (its
#: suffixes, the first named, and what it is, for messages).
OUTPUT_OPTIONS: dict[str, str] = {"--json": "json", "--xlsx": "xlsx", "-o": "html", "--pdf": "pdf"}


def check_output_options(outputs: Sequence[tuple[str, Path | None]], inputs: Sequence[Path]) -> None:
    """A command's outputs, before any work: none an input or another output, each with its format's suffix.

    ``outputs`` are (option, path or None); an option of :data:`OUTPUT_OPTIONS` must end in its
    format's suffix.

    Raises
    ------
    MkbaError
        Naming the option and the file (:func:`mkba.io.files.check_outputs`,
        :func:`mkba.io.files.check_format`).
    """
    from mkba.io.files import check_format, check_outputs

    check_outputs(list(outputs), inputs)
    for option, path in outputs:
        if path is not None and option in OUTPUT_OPTIONS:
            check_format(path, OUTPUT_OPTIONS[option], option)


def input_files(
    source: Path, pricelist: str | None = None, doc: Any = None, folders: Sequence[Path] | None = None
) -> list[Path]:
    """The files (and price-list folders) a command reads, so that no output overwrites one of them.

    For a scenario, :func:`mkba.result.scenario_input_files`: the scenario, the price list in use
    (``pricelist``, else the one the scenario names, else the bundled default) with every list of its
    ``extends`` chain and the price index, and the price-list folders (``folders``,
    ``MKBA_PRICELISTS`` and the bundled lists), in which :func:`mkba.io.files.check_output` replaces
    no existing list. For a project, also its scenarios and the list each alternative names.
    ``doc`` is ``source`` already read (:class:`mkba.io.documents.Document`), so it is not read
    again; ``folders`` defaults to the command's ``--pricelists-dir``.
    """
    from mkba.io.documents import read_document
    from mkba.result import scenario_input_files

    folders = tuple(folders) if folders is not None else _FOLDERS.get()
    data = (doc if doc is not None else read_document(source)).data
    if not isinstance(data, dict) or data.get("format") != "mkba-project/1":
        ref = data.get("pricelist") if isinstance(data, dict) else None
        return scenario_input_files(
            source, pricelist, named=ref if isinstance(ref, str) else None, folders=folders
        )
    from mkba.pricelist.registry import Registry
    from mkba.project import load_project
    from mkba.result import named_pricelist_files

    registry = Registry(folders)
    found = [source, *registry.folders, *(registry.files_of(pricelist) if pricelist else [])]
    for alt in load_project(source).definition.all:
        file = getattr(alt.scenario, "file", None)
        found += [Path(file)] if file else []
        if not pricelist:  # beside the scenario, or beside the project that sets it for all
            for near in dict.fromkeys([Path(file or source), source]):
                found += named_pricelist_files(registry, alt.scenario.pricelist, near)
    return found


def _is_file_ref(ref: str | None) -> bool:
    """Whether a price list reference (or None) names a file, as the registry decides it."""
    from mkba.pricelist.registry import looks_like_path

    return looks_like_path(str(ref or ""))


#: ``--lang``, the same on every command: what it sets, and what it leaves in English.
LANG_OPTION = typer.Option(
    Lang.nl,
    "--lang",
    help="Language of labels and numbers: nl (1.234,56) or en (1,234.56). Error messages are in English, "
    "as the file format's field names they quote.",
)

PRICELISTS_DIR_OPTION = typer.Option(
    None, "--pricelists-dir", help="Extra folder of price lists (<name>/<version>.yaml).", metavar="FOLDER"
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
