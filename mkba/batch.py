"""Many variants of one scenario at once: one row of a change table per variant (one per gemeente, say).

:func:`evaluate_many` takes a base scenario and a table whose rows are variants: an ``id`` column and
columns named by ``set:`` paths (docs/formats.md, "Project"; e.g. ``participants.2025``,
``costs.team.amount``, ``effects.minder-ots.attribution``). It returns one tidy DataFrame of every
figure of every variant (``id``, ``figure``, ``stakeholder``, ``value``; the societal total as
stakeholder ``total``, the fiscal view as ``fiscal``).

The table is a CSV file (separated by ``,``, ``;`` or a tab, as its header line shows; where ``;``
separates, as a Dutch Excel saves it, numbers have a decimal comma), an Excel workbook (``.xlsx``,
read through :mod:`mkba.io.spreadsheet` with its limits: a sheet, header in row 1), Parquet, or a
DataFrame (docs/scale.md, "Many variants"). Cells are read as written and become numbers only in a
column that names a number field of the scenario model, so text such as ``007`` in a ``label`` stays
that text; a value that is not clearly one number (``32.76`` where decimals are commas, ``45.000``
in a tab-separated file, which may come from a Dutch Excel) is refused,
naming the file, the line or sheet row, the row's id and the column.

How it runs: rows are cut into blocks of a fixed size (the results never depend on how many workers
there are). Where every column names a number the base scenario already has (an input of its
model), a block is one vectorised evaluation of the compiled base model with those inputs replaced,
values checked against the same bounds as in a file. Otherwise each row is the base scenario with its
changes (:meth:`~mkba.scenario.model.Scenario.with_changes`), validated and evaluated alone. Both
give the same numbers, bit for bit. Blocks run in this process, in worker processes
(``workers=N``), or on a Dask cluster (``client=``, a ``dask.distributed.Client``).

Layer: beside :mod:`mkba.result`.
"""

from __future__ import annotations

import io
import math
import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from mkba.engine.figures import figures
from mkba.engine.model import Model, compile_scenario
from mkba.errors import MkbaError
from mkba.io.documents import did_you_mean, expand_hints, fields_at, hints_at
from mkba.io.files import check_input, read_input
from mkba.io.spreadsheet import (
    UNSAVED_FORMULA,
    Row,
    column_letter,
    csv_rows,
    is_blank,
    open_workbook,
    sheet_rows,
    workbook_cells,
)
from mkba.pricelist.items import PriceList
from mkba.pricelist.registry import price_list_folders
from mkba.result import scenario_pricelist
from mkba.scenario.changes import plain, resolve
from mkba.scenario.fields import MAX_NUMBER, Within
from mkba.scenario.model import Scenario, load_scenario
from mkba.uncertainty.parallel import run_tasks

if TYPE_CHECKING:
    import pandas as pd

#: Rows evaluated together; fixed, so that results do not depend on the number of workers.
BLOCK_ROWS = 1_000
#: The figures of every variant, societal total.
TOTAL_FIGURES = (
    "pv_costs",
    "pv_benefits",
    "npv",
    "bcr",
    "net_return",
    "payback_year",
    "irr",
    "volunteer_value_pv",
)
#: The figures per stakeholder and for the fiscal view.
PARTY_FIGURES = ("pv_costs", "pv_benefits", "npv")
COLUMNS = ["id", "figure", "stakeholder", "value"]


@dataclass(frozen=True)
class _Job:
    """What a worker needs for one block: data that pickles to processes and Dask.

    ``pricelist`` is what the caller gave: a name, a path, or a loaded :class:`PriceList` itself
    (its text would name no list a worker could load).
    """

    base: dict[str, Any]
    base_file: str
    pricelist: str | PriceList | None
    folders: tuple[str, ...]
    columns: tuple[str, ...]
    ids: tuple[str, ...]  # each row's id
    values: tuple[tuple[Any, ...], ...]  # per column, a value per row (None: keep the base)
    lines: tuple[int, ...]  # each row's line in the table (CSV line, sheet row), for messages
    table: str = "<DataFrame>"  # the change table's file, for messages
    # what the base and its price list hold as this call reads them: a process compiles the base once per
    # content, and a base or list changed between calls (in a notebook) is compiled again
    base_sha: str = ""
    pricelist_sha: str = ""


@dataclass
class _Read:
    """A change table as read: its cells as written, each row's line, and how its numbers are written."""

    frame: pd.DataFrame
    file: str
    lines: list[int]  # the line (CSV), sheet row (workbook) or row + 1 (Parquet, DataFrame) of each row
    #: "point" (0.35), "tab" (0.35, but no 45.000: a tab-separated file may come from a Dutch Excel),
    #: "comma" (0,35 and 1.234,56) or "workbook" (cells hold numbers)
    numbers: str


def read_changes(table: str | Path | pd.DataFrame, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a change table: CSV (``.csv``), an Excel workbook (``.xlsx``), Parquet (``.parquet``) or a
    DataFrame, its cells as written.

    A CSV file is UTF-8 (with or without a byte order mark), separated by ``,``, ``;`` or a tab as
    its header line shows; a workbook's first sheet (or ``sheet``) is read, its header in row 1.
    Empty rows are left out. Cells stay as written (CSV cells as text): :func:`evaluate_many` reads
    a number only in a column that names a number field (a decimal comma where ``;`` separates).

    Raises
    ------
    MkbaError
        Without an ``id`` column or without rows, with an empty or repeated id, a column given twice
        or a file that cannot be read (naming the file, and the line or row).
    """
    read = _read(table, sheet)
    read.frame.attrs["file"] = read.file
    return read.frame


def _read(table: str | Path | pd.DataFrame, sheet: str | None) -> _Read:
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        if sheet is not None:
            raise MkbaError("a sheet is only for a .xlsx change table, got a DataFrame", field="sheet")
        frame = table.copy()
        frame.attrs = {}
        read = _Read(frame, "<DataFrame>", list(range(2, len(frame) + 2)), "point")
    else:
        read = _read_file(Path(table), sheet)
    _check_ids(read)
    return read


def _read_file(path: Path, sheet: str | None) -> _Read:
    file = str(path)
    suffix = path.suffix.lower()
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}
    if suffix not in readers:
        hint = (
            "; save the workbook as .xlsx (Excel-werkmap)"
            if suffix in (".xls", ".xlsm", ".xlsb", ".ods")
            else ""
        )
        raise MkbaError(
            f"expected a .csv, .xlsx or .parquet change table, got {suffix or 'no suffix'!r}{hint}", file=file
        )
    if sheet is not None and suffix != ".xlsx":
        raise MkbaError(
            f"a sheet is only for a .xlsx change table, got a {suffix} file", file=file, field="sheet"
        )
    check_input(path)
    try:
        return readers[suffix](path, file, sheet)
    except MkbaError:
        raise
    except (
        Exception
    ) as exc:  # pandas, pyarrow and the csv module raise many kinds; the user needs one message
        raise MkbaError(f"cannot read the change table: {exc}", file=file) from None


def _read_parquet(path: Path, file: str, sheet: str | None) -> _Read:
    import pandas as pd

    frame = pd.read_parquet(path)
    return _Read(frame, file, list(range(2, len(frame) + 2)), "point")


#: The separators a CSV change table may have, as messages name them.
SEPARATORS = {",": "','", ";": "';'", "\t": "a tab"}


def _read_csv(path: Path, file: str, sheet: str | None) -> _Read:
    """A CSV change table, every cell as text (an empty cell ``None``), each row with its line."""
    raw = read_input(path)  # once: the separator, the fast reading and the csv module's take these bytes
    separator = _separator(raw, file)
    numbers = {";": "comma", "\t": "tab"}.get(separator, "point")
    fast = _fast_csv(raw, separator, str(path))
    if fast is not None:
        return _Read(*fast, numbers)
    try:
        records = list(csv_rows(path, separator, raw))
    except MkbaError as exc:
        if not exc.message.startswith("not UTF-8"):
            raise
        hint = " (in Excel: save as 'CSV UTF-8')"
        raise MkbaError(exc.message + hint, file=exc.file, line=exc.line, field=exc.field) from None
    names: list[Any] = list(records[0].values) if records else []
    rows: list[list[Any]] = []
    lines: list[int] = []
    for record in records[1:]:
        values = list(record.values)
        if all(is_blank(v) for v in values):
            continue  # an empty line, or one of separators only
        if any(not is_blank(v) for v in values[len(names) :]):
            raise MkbaError(
                f"this line has {len(values)} cells but the header names {len(names)} columns; expected "
                f"one cell per column (a {SEPARATORS[separator]} inside a value needs quotes around it)",
                file=file,
                line=record.number,
            )
        rows.append(
            [None if v == "" else v for v in values[: len(names)]] + [None] * (len(names) - len(values))
        )
        lines.append(record.number)
    frame = _frame_of(names, rows, file, lambda i: f"column {i + 1}")
    return _Read(frame, file, lines, numbers)


def _fast_csv(raw: bytes, separator: str, file: str) -> tuple[pd.DataFrame, str, list[int]] | None:
    """A CSV file read at C speed (pandas' parser, every cell as text): the frame and each row's line,
    the same as the csv module gives them; ``None`` for a file whose rows it cannot vouch for (not
    UTF-8, a NUL, a line with more cells than the header, a value over more lines, a column without a
    name, no header): the csv module reads those and says where they go wrong."""
    import pandas as pd

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    try:
        table = pd.read_csv(
            io.StringIO(text), sep=separator, header=None, dtype=object, na_filter=False,
            skip_blank_lines=False, quotechar='"', doublequote=True, engine="c",
        )  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    if len(table) != breaks + (not text.endswith(("\n", "\r"))):
        return None  # a quoted value spans lines: record i is no longer line i + 1
    cells = table.to_numpy(dtype=object)
    names = cells[0].tolist()
    if any(is_blank(name) for name in names):
        return None
    body = cells[1:]
    blank = np.ones(len(body), dtype=bool)
    for k in range(body.shape[1]):  # a row of empty cells (or only spaces) is no variant
        blank[blank] = [not cell.strip() for cell in body[blank, k]]
    body = body[~blank]
    body[body == ""] = None
    lines = (np.flatnonzero(~blank) + 2).tolist()
    return pd.DataFrame(body, columns=names, dtype=object), file, lines


def _separator(raw: bytes, file: str) -> str:
    """The separator of a CSV file's header line: the one of ``,``, ``;`` and a tab it holds
    (outside quotes); ``,`` for a header of one column."""
    head = raw[: raw.find(b"\n", 0, 1 << 20) + 1 or 1 << 20]
    text = re.sub(r'"[^"]*"', "", head.decode("utf-8-sig", errors="replace"))
    found = [s for s in SEPARATORS if s in text]
    if len(found) > 1:
        raise MkbaError(
            f"the header holds both {' and '.join(SEPARATORS[s] for s in found)}; expected one separator "
            "between the column names: ',', ';' or a tab",
            file=file,
            line=1,
        )
    return found[0] if found else ","


def _frame_of(
    names: list[Any], rows: list[list[Any]], file: str, column: Callable[[int], str]
) -> pd.DataFrame:
    """The rows as a frame of the named columns; a column without a name must be empty (and is left out)."""
    import pandas as pd

    keep = []
    for i, name in enumerate(names):
        if not is_blank(name):
            keep.append(i)
        elif any(not is_blank(row[i]) for row in rows):
            raise MkbaError(
                f"{column(i)} holds values but has no name in the header; expected a set: path "
                "(docs/scale.md, 'Many variants')",
                file=file,
                line=1,
            )
    data = [[row[i] for i in keep] for row in rows]
    return pd.DataFrame(data, columns=[names[i] for i in keep], dtype=object)


# -- workbooks -------------------------------------------------------------------------------------
#: The values openpyxl gives a cell holding an Excel error.
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


def _read_xlsx(path: Path, file: str, sheet: str | None) -> _Read:
    """A sheet of a workbook, through mkba's checked reader (:mod:`mkba.io.spreadsheet`): header in
    row 1, one variant per further row that holds anything."""
    workbook = open_workbook(path)
    try:
        chosen = _chosen_sheet(list(workbook.sheetnames), sheet, file)
        records = list(sheet_rows(workbook, chosen, file))
    finally:
        workbook.close()
    uncached = workbook_cells(path, [chosen]).get(chosen, ({}, set()))[1]
    width = max((len(r.values) for r in records), default=0)
    cells = _SheetCells(file, uncached, width)
    header = records[0] if records and records[0].number == 1 else Row(1, ())
    names = [None if is_blank(v) else _header_text(v) for v in cells.checked(header, [])]
    rows: list[list[Any]] = []
    lines: list[int] = []
    for record in records:
        if record.number == 1:
            continue
        values = cells.checked(record, names)
        if not all(is_blank(v) for v in values):
            rows.append([None if v == "" else v for v in values])
            lines.append(record.number)
    frame = _frame_of(names, rows, file, lambda i: f"column {column_letter(i + 1)}")
    if "id" in frame.columns:
        frame["id"] = [v if isinstance(v, str) or _missing(v) else _number_text(v) for v in frame["id"]]
    return _Read(frame, file, lines, "workbook")


def _chosen_sheet(names: list[str], sheet: str | None, file: str) -> str:
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    raise MkbaError(
        f"the workbook has no sheet {sheet!r}{did_you_mean(sheet, names)} (sheets: {', '.join(names)})",
        file=file,
        field="sheet",
    )


@dataclass
class _SheetCells:
    """Checks the cells of a sheet's rows: no formula without a saved value, no Excel error, no date."""

    file: str
    uncached: set[str]  # cells (B5) holding a formula without a saved value
    width: int

    def checked(self, record: Row, names: list[Any]) -> list[Any]:
        """The row's values, as many as the widest row; a cell that cannot be read is refused."""
        values = list(record.values) + [None] * (self.width - len(record.values))
        row_id = values[names.index("id")] if "id" in names else None
        for i, value in enumerate(values):
            if isinstance(value, (int, float)):
                continue
            ref = f"{column_letter(i + 1)}{record.number}"
            problem = _cell_problem(value, ref in self.uncached)
            if problem:
                name = (
                    names[i] if i < len(names) and names[i] is not None else f"column {column_letter(i + 1)}"
                )
                where = _cell_name(row_id, name) if record.number > 1 and not _missing(row_id) else str(name)
                raise MkbaError(f"cell {ref} {problem}", file=self.file, line=record.number, field=where)
        return values


def _cell_problem(value: Any, uncached: bool) -> str | None:
    """Why a workbook cell cannot be read, or ``None``."""
    import datetime as dt

    if value is None and uncached:
        return UNSAVED_FORMULA
    if isinstance(value, str) and value in EXCEL_ERRORS:
        return f"holds the Excel error {value}; expected a value"
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return f"holds a date or time ({value}); expected a number or text: format the cell as a number or as text"
    return None


def _header_text(value: Any) -> str:
    return value if isinstance(value, str) else _number_text(value)


def _number_text(value: Any) -> str:
    """A workbook's number as the text it shows (General format): 2025, not 2025.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _check_ids(read: _Read) -> None:
    """An ``id`` column of unique, non-empty ids, and no column twice; the ids become text."""
    frame, file = read.frame, read.file
    repeated = frame.columns[frame.columns.duplicated()].tolist()
    if repeated:
        raise MkbaError(
            "column given twice; expected each column once", file=file, line=1, field=str(repeated[0])
        )
    if "id" not in frame.columns:
        raise MkbaError("expected an 'id' column naming each variant", file=file, line=1, field="id")
    if frame.empty:  # a header alone: no variant to evaluate, and an empty result is no answer
        raise MkbaError(
            "the change table has no rows; expected one row per variant under its header",
            file=file,
            line=None if file == "<DataFrame>" else 1,  # the header's line (CSV) or row (workbook)
        )
    texts = _texts(frame["id"])
    if texts is not None and not (texts == None).any():  # noqa: E711 (elementwise)
        ids = texts.tolist()
    else:
        ids = ["" if _missing(v) else str(plain(v)) for v in frame["id"]]
    if all(value.strip() for value in ids) and len(set(ids)) == len(ids):
        frame["id"] = ids
        return
    seen: set[str] = set()
    for line, value in zip(read.lines, ids, strict=True):
        if not value.strip():
            raise MkbaError("an empty id; every row needs one", file=file, line=line, field="id")
        if value in seen:
            raise MkbaError(
                f"id {value!r} is given twice; ids must be unique", file=file, line=line, field="id"
            )
        seen.add(value)
    frame["id"] = ids


def evaluate_many(
    base: str | Path | Scenario,
    changes: str | Path | pd.DataFrame,
    *,
    pricelist: str | Path | PriceList | None = None,
    folders: str | Path | Sequence[str | Path] = (),
    workers: int = 1,
    client: Any = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Evaluate one variant of ``base`` per row of ``changes``: a tidy table of every figure.

    Parameters
    ----------
    base : path or Scenario
        The base scenario.
    changes : path or DataFrame
        A CSV (``,``, ``;`` or tab separated; decimal commas where ``;`` separates), Excel (``.xlsx``)
        or Parquet file, or a DataFrame: an ``id`` column and one column per ``set:`` path, one row
        per variant; an empty cell keeps the base value. A cell is read as a number only in a column
        that names a number field; in a text field (``label``, say) it stays the text written.
    pricelist : str, path or PriceList, optional
        ``name@version``, a file, or a loaded list (:func:`mkba.load_pricelist`); default: the
        scenario's.
    folders : path or sequence of paths
        Extra folders of price lists (one folder may be given as a path).
    workers : int
        Worker processes on this machine (1: in this process).
    client : dask.distributed.Client, optional
        Run the blocks on this Dask cluster instead.
    sheet : str, optional
        The sheet of a ``.xlsx`` change table (default: its first sheet).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``figure``, ``stakeholder``, ``value``: per variant the figures of
        docs/method.md, section 5 for stakeholder ``total`` (euro; ``bcr`` and ``net_return`` as
        ratios, ``irr`` a fraction per year, ``payback_year`` a year), ``pv_costs``, ``pv_benefits``
        and ``npv`` per stakeholder and for ``fiscal`` (euro). The same numbers, bit for bit,
        however it runs.

    Raises
    ------
    MkbaError
        Before any work: an unknown path (naming the column), a repeated id, a value of the wrong
        type (naming the row and column). A worker lost mid-run ends the run with one message; a
        partial result is never returned.

    Examples
    --------
    >>> import pandas as pd, mkba
    >>> table = pd.DataFrame({"id": ["klein", "groot"], "participants.2025": [10, 40]})
    >>> out = mkba.evaluate_many("scenarios/tutorial.yaml", table)
    >>> out[(out.figure == "npv") & (out.stakeholder == "total")]["id"].tolist()
    ['klein', 'groot']
    """

    scenario = load_scenario(base)
    read = _read(changes, sheet)
    frame, file = read.frame, read.file
    columns = [c for c in frame.columns if c != "id"]
    data = (
        scenario._doc.data if scenario._doc is not None else scenario.model_dump(mode="json", by_alias=True)
    )
    locs = _check_columns(data, columns, file)
    kinds = {column: _kind(loc) for column, loc in locs.items()}
    values = _columns(read, columns, kinds)
    ids = frame["id"].tolist()
    ref = pricelist if isinstance(pricelist, PriceList) else str(pricelist) if pricelist is not None else None
    ref = ref if ref is not None else scenario.pricelist_ref
    # as mkba.evaluate loads it: a list the scenario names is said at its pricelist line, and its index
    # is carried on by the scenario's assumed_inflation
    folders = tuple(map(str, price_list_folders(folders)))  # one folder given as text stays one folder
    listed = scenario_pricelist(scenario, pricelist, folders=folders)
    shas = (scenario.sha256, listed.sha256)
    jobs = [
        _Job(data, scenario.file or "<dict>", ref, folders, tuple(columns),
             tuple(ids[i : i + BLOCK_ROWS]), tuple(tuple(cells[i : i + BLOCK_ROWS]) for cells in values),
             tuple(read.lines[i : i + BLOCK_ROWS]), file, *shas)
        for i in range(0, len(ids), BLOCK_ROWS)
    ]  # fmt: skip
    if jobs:  # this process compiles the base from what it has loaded already (workers load their own)
        _Base.of(jobs[0], scenario, listed)
    _check_values(jobs, {column: _bounds(loc) for column, loc in locs.items()})
    return _frame(_run(jobs, workers, client))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


#: Settings of a scenario that a batch would not take from a row, with what to do instead.
NOT_IN_A_TABLE = {
    "pricelist": (
        "the price list is one for the whole table, the command's --pricelist (pricelist= in Python)"
    ),
    "format": "it says what kind of file the base scenario is, not something a variant changes",
}


def _check_columns(data: dict, columns: Sequence[str], file: str) -> dict[str, tuple]:
    """Every column names a path of the base; returns each column's location in the base's data
    (:func:`mkba.scenario.changes.resolve`: list items by index, e.g. ``("effects", 0, "success")``)."""
    import copy

    for column in columns:
        if str(column) in NOT_IN_A_TABLE:
            raise MkbaError(
                f"a change table cannot set {column}: {NOT_IN_A_TABLE[str(column)]}; a change table "
                "varies the scenario (docs/scale.md, 'Many variants')",
                file=file,
                line=1,
                field=str(column),
            )
    probe = copy.deepcopy(data)
    locs = {}
    for column in columns:
        try:
            _, _, loc = resolve(probe, str(column), lambda loc: fields_at(Scenario, loc))
        except ValueError as exc:
            raise MkbaError(
                f"unknown path in a column name: {exc}", file=file, line=1, field=str(column)
            ) from None
        locs[column] = loc
    return locs


def _kind(loc: tuple) -> str:
    """What the scenario model holds at ``loc``: ``number`` (a number or a distribution), ``text``
    (text, or one of some words), or ``other`` (a yes/no, a range of years, a whole line)."""
    hints = expand_hints(hints_at(Scenario, loc))
    number = any(t in (int, float) for t in hints)
    text = any(
        t is str or (typing.get_origin(t) is Literal and all(isinstance(a, str) for a in typing.get_args(t)))
        for t in hints
    )
    if number != text:
        return "number" if number else "text"
    return "other"


def _row_values(
    record: tuple, line: int, columns: Sequence[str], kinds: dict[str, str], read: _Read
) -> tuple:
    """One row of the table as the id and a value per column (``None``: keep the base)."""
    values: list[Any] = [record[0]]
    for column, cell in zip(columns, record[1:]):
        try:
            values.append(_cell_value(cell, kinds[column], read.numbers))
        except ValueError as exc:
            raise MkbaError(
                str(exc), file=read.file, line=line, field=_cell_name(record[0], column)
            ) from None
    return tuple(values)


def _columns(read: _Read, columns: Sequence[str], kinds: dict[str, str]) -> list[list[Any]]:
    """Each column's cells as :func:`_cell_value` gives them (a value per row, ``None``: keep the
    base), read a column at a time: a cell that the vectorised reading does not vouch for sends its
    row through :func:`_row_values`, so the first bad cell (by row, then column) is refused with its
    message. The table stays in columns from here on; only a row evaluated alone is gathered
    (:func:`_one_row`)."""
    frame = read.frame
    built = [_column_values(frame[column], kinds[column], read.numbers) for column in columns]
    values = [cells.tolist() if isinstance(cells, np.ndarray) else list(cells) for cells, _ in built]
    unsure = np.zeros(len(frame), dtype=bool)
    for _, doubt in built:
        unsure |= doubt
    for n in np.flatnonzero(unsure).tolist():
        record = (frame["id"].iat[n], *(frame[column].iat[n] for column in columns))
        row = _row_values(record, read.lines[n], columns, kinds, read)
        for cells, value in zip(values, row[1:], strict=True):
            cells[n] = value
    return values


def _column_values(
    cells: pd.Series, kind: str, numbers: str
) -> tuple[Sequence[Any] | np.ndarray, np.ndarray]:
    """A column's values as :func:`_cell_value` gives them, and which cells it must see itself."""
    if kind == "number" and numbers != "workbook":
        if isinstance(cells.dtype, np.dtype) and cells.dtype.kind in "fiu":
            return _numbers_of_numbers(cells.to_numpy())
        texts = _texts(cells)
        if texts is not None:
            return _numbers_of_texts(texts, numbers)
    elif kind != "number":
        texts = _texts(cells)
        if texts is not None:
            return texts, np.zeros(len(texts), dtype=bool)
    values: list[Any] = []
    doubt = np.zeros(len(cells), dtype=bool)
    for n, cell in enumerate(cells.tolist()):
        try:
            values.append(_cell_value(cell, kind, numbers))
        except ValueError:
            values.append(None)
            doubt[n] = True
    return values, doubt


def _texts(cells: pd.Series) -> np.ndarray | None:
    """The cells as text (an empty cell ``None``) where every cell is text or empty; else ``None``."""
    import pandas as pd

    if cells.dtype != object and not isinstance(cells.dtype, pd.StringDtype):
        return None
    texts = cells.to_numpy(dtype=object, copy=True)
    if pd.api.types.infer_dtype(texts, skipna=True) not in ("string", "empty"):
        return None
    missing = pd.isna(texts)
    if not all(_missing(v) for v in texts[missing]):  # pd.NA: not an empty cell to _cell_value
        return None
    texts[missing] = None
    return texts


def _numbers_of_numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A column of numbers (a DataFrame's, Parquet's): NaN is an empty cell, an infinity is doubted."""
    values = cells.astype(object)  # Python numbers, as plain makes them
    if cells.dtype.kind != "f":
        return values, np.zeros(len(cells), dtype=bool)
    missing = np.isnan(cells)
    values[missing] = None
    return values, ~missing & ~np.isfinite(cells)


def _numbers_of_texts(texts: np.ndarray, numbers: str) -> tuple[np.ndarray, np.ndarray]:
    """A column of text cells as numbers, by the table's convention: the cells that match a plain
    form (:data:`_FAST`), read as :func:`_number` reads them; every other
    cell is doubted."""
    import pandas as pd

    values = np.full(len(texts), None, dtype=object)
    doubt = np.zeros(len(texts), dtype=bool)
    present = np.flatnonzero(texts != None)  # noqa: E711 (elementwise)
    given = pd.Series(texts[present], dtype="string[pyarrow]")  # its regular expressions run in C++
    form, whole = _FAST[numbers]

    def matching(pattern: str) -> np.ndarray:
        return given.str.fullmatch(f"(?:{pattern})").to_numpy(dtype=bool, na_value=False)

    ok = matching(form) & (given.str.len() <= 300).to_numpy(dtype=bool, na_value=False)
    if numbers == "tab":  # 45.000: 45, or 45000 as a Dutch Excel writes it? _number says so
        ok &= ~matching(_DOUBTFUL_GROUPS)
    ints = ok & matching(whole)
    floats = ok & ~ints
    if numbers == "comma":
        given = given.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    plain = given.to_numpy(dtype=object)
    values[present[ints]] = [int(t) for t in plain[ints]]
    read = np.array([float(t) for t in plain[floats]], dtype=float)
    finite = np.isfinite(read)
    values[present[floats][finite]] = read[finite].astype(object)
    doubt[present[~ok]] = True
    doubt[present[floats][~finite]] = True
    return values, doubt


def _cell_value(cell: Any, kind: str, numbers: str) -> Any:
    """A cell as the value of its column: a number where the field is a number, read by the table's
    convention; a workbook's number in a text field as the text it shows; anything else as written."""
    if _missing(cell):
        return None
    cell = plain(cell)
    if kind == "number":
        return _number(cell, numbers)
    if (
        kind == "text"
        and numbers == "workbook"
        and isinstance(cell, (int, float))
        and not isinstance(cell, bool)
    ):
        return _number_text(cell)
    return cell


#: The number grammar of a change table's text cells, per convention: a number and a whole number.
#: Only ASCII digits, no spaces. Decimal point (``point``, ``tab``): ``-12``, ``0.35``, ``.5``,
#: ``1e9``. Decimal comma (``comma``): ``1.234,56``, ``0,35``, ``25.000``, with '.' only between
#: groups of three digits before the comma (as :func:`~mkba.pricelist.importing.parse_number` wants
#: it). A column is read at once with these (:func:`_numbers_of_texts`), a cell alone too
#: (:func:`_number`).
_GROUPED = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"
_EXPONENT = r"(?:[eE][+-]?[0-9]+)?"
_POINT_FORMS = (rf"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+){_EXPONENT}", r"[+-]?[0-9]+")
_FAST = {
    "point": _POINT_FORMS,
    "tab": _POINT_FORMS,
    "comma": (
        rf"[+-]?(?:{_GROUPED}(?:,[0-9]+{_EXPONENT})?|[0-9]+(?:,[0-9]+)?{_EXPONENT}|,[0-9]+{_EXPONENT})",
        rf"[+-]?(?:{_GROUPED}|[0-9]+)",
    ),
}
_FORMS = {numbers: (re.compile(form), re.compile(whole)) for numbers, (form, whole) in _FAST.items()}
#: In a tab-separated file, a number that reads one way with a decimal point and another as a Dutch
#: Excel writes it ('.' between groups of three digits): ``45.000``, ``-1.250``, ``2.500.000``.
_DOUBTFUL_GROUPS = rf"[+-]?{_GROUPED}"
_COMMA_HINT = (
    "a file separated by ';' is read with a decimal comma (0,35) and '.' only between groups of three "
    "digits (1.234,56)"
)


def _number(cell: Any, numbers: str) -> int | float:
    """A cell of a number column as a number; ``ValueError`` saying what was expected."""
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        raise ValueError(f"expected a number, got {cell!r}")
    if _not_finite(cell):
        raise ValueError(f"expected a finite number, got {cell!r}")
    if not isinstance(cell, str):
        return cell
    text = cell.strip()
    if numbers == "comma":
        return _comma_number(text, cell)
    if numbers == "workbook":
        if not _FORMS["point"][1].fullmatch(text):
            raise ValueError(
                f"expected a number, got the text {cell!r}; store it in the workbook as a number, not as text"
            )
        return int(text)
    if numbers == "tab" and re.fullmatch(_DOUBTFUL_GROUPS, text):
        thousands = int(text.replace(".", ""))
        readings = (
            f"{float(text):g} (decimal point) or {thousands}" if text.count(".") == 1 else f"{thousands}"
        )
        raise ValueError(
            f"{cell!r} in a tab-separated file may be {readings} (a Dutch Excel writes '.' between "
            "thousands); expected a number without doubt: no '.' between thousands, and a decimal point "
            "only as a decimal point (45000, or 45.0)"
        )
    form, whole = _FORMS[numbers]
    if not form.fullmatch(text):
        hint = " (a file separated by ',' or a tab has decimal points: 0.35)" if "," in text else ""
        raise ValueError(f"expected a number, got {cell!r}{hint}")
    return int(text) if whole.fullmatch(text) else float(text)


def _comma_number(text: str, cell: str) -> int | float:
    """A number written with a decimal comma, checked once, by the number grammar (:data:`_FAST`):
    the price-list importer's rules (:func:`mkba.pricelist.importing.parse_number`: ``32.76`` is
    refused) and no more: no ``0.035`` (thousands grouped after a 0), no spaces or ``_`` inside.
    The message says what was expected as the importer says it."""
    form, whole = _FORMS["comma"]
    if not form.fullmatch(text):
        # a number written oddly (digits, or '.' where only groups of three may have them) is shown
        # the form expected
        like = " like 1.234,56" if "." in text or any(c.isdigit() for c in text) else ""
        raise ValueError(f"expected a number{like}, got {' '.join(text.split())!r}; {_COMMA_HINT}")
    if whole.fullmatch(text):
        return int(text.replace(".", ""))
    number = float(text.replace(".", "").replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {cell!r}")
    return number


def _check_values(jobs: list[_Job], bounds: dict[str, Bounds | None]) -> None:
    """Every value of every row, before any evaluation: a number where the base has a number, inside
    the bounds the file format sets (an error names the row and the column). A value seen to pass
    once is not validated again in its column; ``bounds`` are each column's quick bounds
    (:func:`_bounds`)."""
    if not jobs:
        return
    base = _Base.of(jobs[0])
    passed: set[tuple] = set()
    for job in jobs:
        for column, cells in zip(job.columns, job.values, strict=True):
            for n in _unsure(cells, bounds[column]):
                where: dict[str, Any] = {
                    "file": job.table,
                    "line": job.lines[n],
                    "field": _cell_name(job.ids[n], column),
                }
                _check_value(base, column, cells[n], where, passed)


def _unsure(cells: Sequence[Any], bounds: Bounds | None) -> list[int]:
    """The cells that are given and that :func:`_plain_ok` does not pass: a column of plain numbers is
    checked against its bounds at once, any other cell by :func:`_plain_ok` alone."""
    if bounds is not None and set(map(type, cells)) <= _PLAIN:
        try:
            x = np.array(cells, dtype=float)  # an empty cell (None) is NaN, and passed over
        except OverflowError:  # a whole number beyond any float: cell by cell
            pass
        else:
            low, high, open_high = bounds
            with np.errstate(invalid="ignore"):
                ok = np.isfinite(x) & (x >= low) & ((x < high) if open_high else (x <= high))
            return [n for n in np.flatnonzero(~ok).tolist() if cells[n] is not None]
    return [n for n, value in enumerate(cells) if value is not None and not _plain_ok(value, bounds)]


#: The types of the cells of a column that :func:`_unsure` checks at once: plain numbers, or empty.
_PLAIN = frozenset({int, float, type(None)})


def _check_value(base: _Base, column: str, value: Any, where: dict[str, Any], passed: set[tuple]) -> None:
    """One value as a file would be validated (:meth:`Scenario.with_changes`), or refused at ``where``.

    A number column has refused a value that is not finite already (:func:`_number`); in a text
    column ``Inf`` is a text."""
    if column in base.columns and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise MkbaError(f"expected a number, got {value!r}", **where)
    key: tuple | None = (column, type(value), value)
    try:
        if key in passed:
            return
    except TypeError:  # a value that cannot be hashed (a distribution): validated every time
        key = None
    try:
        base.scenario.with_changes(set={column: value})
    except MkbaError as exc:
        raise MkbaError(exc.message, **where) from None
    if key is not None:
        passed.add(key)


def _cell_name(row_id: Any, column: str) -> str:
    """A cell of the change table, for messages: ``row 'a', column discount_rate``."""
    return f"row {str(row_id)!r}, column {column}"


def _not_finite(value: Any) -> bool:
    """NaN or an infinity, as a number or as text (``nan``, ``-inf``): never a value to keep."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return False
    return isinstance(value, float) and not math.isfinite(value)


# -- workers ---------------------------------------------------------------------------------------
class _Base:
    """The compiled base scenario, once per process: its model, and the input column of each path."""

    _cache: ClassVar[dict[tuple, _Base]] = {}

    def __init__(
        self, job: _Job, scenario: Scenario | None = None, pricelist: PriceList | None = None
    ) -> None:
        self.scenario = scenario if scenario is not None else _scenario_of(job)
        self.pricelist = (
            pricelist
            if pricelist is not None
            else scenario_pricelist(self.scenario, job.pricelist, folders=job.folders)
        )
        self.model = compile_scenario(self.scenario, self.pricelist)
        self.columns: dict[str, int] = {}
        for j, inp in enumerate(self.model.inputs):
            path = _path_text(self.scenario, inp.path)
            # a price item's input is shared by every line that uses the item (and a volunteer line
            # names its item under ``value``): a column of such a path changes the line, not the price
            if path is not None and not inp.name.startswith("price."):
                self.columns[path] = j

    @classmethod
    def of(cls, job: _Job, scenario: Scenario | None = None, pricelist: PriceList | None = None) -> _Base:
        """The base of ``job``, compiled once per content; from ``scenario`` and ``pricelist`` where the
        caller has them loaded already (else read from the job)."""
        listed = job.pricelist.ref if isinstance(job.pricelist, PriceList) else job.pricelist
        key = (job.base_sha, job.base_file, listed, job.folders, job.pricelist_sha)
        if key not in cls._cache:
            cls._cache.clear()
            cls._cache[key] = cls(job, scenario, pricelist)
        return cls._cache[key]


def _scenario_of(job: _Job) -> Scenario:
    from mkba.io.documents import Document
    from mkba.scenario.model import _validated

    return _validated(Document(job.base, job.base_file))


def _path_text(scenario: Scenario, path: tuple) -> str | None:
    """An input's location as a ``set:`` path: list indices become the items' ids."""
    parts: list[str] = []
    node: Any = scenario
    for step in path:
        if isinstance(step, int) and isinstance(node, list):
            node = node[step]
            parts.append(str(getattr(node, "id", step)))
        else:
            parts.append(str(step))
            node = getattr(node, str(step), None) if not isinstance(node, dict) else node.get(step)
    return ".".join(parts)


def _evaluate_block(job: _Job) -> list[_Part]:
    base = _Base.of(job)
    if all(c in base.columns for c in job.columns):
        return _fast_block(base, job)
    return [part for n in range(len(job.ids)) for part in _one_row(base, job, n)]


def _fast_block(base: _Base, job: _Job) -> list[_Part]:
    """All rows in one vectorised evaluation: the base model with the changed inputs replaced."""
    model = base.model
    theta = np.tile(model.base, (len(job.ids), 1))
    for column, cells in zip(job.columns, job.values, strict=True):
        j = base.columns[column]
        given = np.array(cells, dtype=float)  # an empty cell (None) is NaN; a value is never NaN: refused
        theta[:, j] = np.where(np.isnan(given), theta[:, j], given)
    return _tidy(model, list(job.ids), theta)


#: A field's bounds as :func:`_plain_ok` checks them: low, high, whether high is excluded.
Bounds = tuple[float, float, bool]


def _plain_ok(value: Any, bounds: Bounds | None) -> bool:
    """A cheap check that ``value`` is a finite number inside ``bounds``, its field's as a file has
    them (:func:`_bounds`); anything else (``bounds`` ``None``: any value) is validated as a file
    would be."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if bounds is None:
        return False
    low, high, open_high = bounds
    return low <= value < high if open_high else low <= value <= high


def _bounds(loc: tuple) -> Bounds | None:
    """The bounds a plain number at ``loc`` (a column's location, :func:`_check_columns`) is held to,
    read off the scenario model: the :class:`~mkba.scenario.fields.Within` bounds of the field there,
    inside the size every number keeps (:data:`~mkba.scenario.fields.MAX_NUMBER`); where the field
    may be one of several types, the bounds all of them hold. ``None`` for a field without such
    bounds (a text, a year, a price item, a number checked another way), and for every number inside a
    model whose rules join its fields (``JOINED_RULES``: the ``sib:`` contract): each of its values is
    validated as a file would be, before any row is evaluated."""
    inside = (model for i in range(1, len(loc)) for model in expand_hints(hints_at(Scenario, loc[:i])))
    if any(getattr(model, "JOINED_RULES", False) for model in inside):
        return None
    found: list[Within] = []
    todo = hints_at(Scenario, loc)
    while todo:  # through Annotated and unions, not into lists or mappings (a number is no list)
        hint = todo.pop()
        if typing.get_origin(hint) is typing.Annotated:
            found += [m.func for m in hint.__metadata__ if isinstance(getattr(m, "func", None), Within)]
            todo.append(typing.get_args(hint)[0])
        elif typing.get_origin(hint) in (typing.Union, types.UnionType):
            todo += typing.get_args(hint)
    if not found:
        return None
    low = max(-MAX_NUMBER, *(w.low for w in found))
    high = min(MAX_NUMBER, *(w.high for w in found))
    return float(low), float(high), any(w.high_open and w.high == high for w in found)


def _one_row(base: _Base, job: _Job, n: int) -> list[_Part]:
    """Row ``n`` of the block alone: the base with its changes, validated and evaluated."""
    row_id = job.ids[n]
    changes = {c: cells[n] for c, cells in zip(job.columns, job.values) if cells[n] is not None}
    try:
        variant = base.scenario.with_changes(set=changes)
        model = compile_scenario(variant, base.pricelist)
    except MkbaError as exc:
        names = ", ".join(changes)
        field = _cell_name(row_id, names) + (f" ({exc.field})" if exc.field else "")
        raise MkbaError(exc.message, file=job.table, line=job.lines[n], field=field) from None
    return _tidy(model, [row_id], model.base[None])


@dataclass(frozen=True)
class _Part:
    """The figures of some variants that share one model: compact, so it travels fast between processes."""

    ids: list[str]
    keys: list[tuple[str, str]]  # (figure, stakeholder) per column of values
    values: np.ndarray  # (variants, keys), NaN where a figure has no value


def _tidy(model: Model, ids: list[str], theta: np.ndarray) -> list[_Part]:
    with np.errstate(over="ignore", invalid="ignore"):
        f = figures(model, model.evaluate(theta))
    keys: list[tuple[str, str]] = [(name, "total") for name in TOTAL_FIGURES]
    columns = [np.asarray(getattr(f, name), dtype=float) for name in TOTAL_FIGURES]
    for k, who in enumerate(model.stakeholders):
        for name in PARTY_FIGURES:
            keys.append((name, who))
            columns.append(getattr(f, f"stakeholder_{name}")[:, k])
    for name in PARTY_FIGURES:
        keys.append((name, "fiscal"))
        columns.append(getattr(f, f"fiscal_{name}"))
    values = np.column_stack(columns)
    values[~np.isfinite(values)] = np.nan
    return [_Part(list(ids), keys, values)]


def _frame(parts: list[list[_Part]]) -> pd.DataFrame:
    """One tidy table of all parts, in order: ``id``, ``figure``, ``stakeholder``, ``value``."""
    import pandas as pd

    frames = []
    for part in (p for block in parts for p in block):
        n, k = part.values.shape
        figures_, who = zip(*part.keys) if part.keys else ((), ())
        frames.append(
            pd.DataFrame(
                {
                    "id": np.repeat(np.asarray(part.ids, dtype=object), k),
                    "figure": np.tile(np.asarray(figures_, dtype=object), n),
                    "stakeholder": np.tile(np.asarray(who, dtype=object), n),
                    "value": part.values.ravel(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _run(jobs: list[_Job], workers: int, client: Any) -> list[list[_Part]]:
    if client is None and workers < 1:
        raise MkbaError(f"expected at least 1 worker, got {workers}", field="--workers")
    return list(run_tasks(_evaluate_block, jobs, workers=workers, client=client, what="the batch"))
