"""Many variants of one scenario at once: one row of a change table per variant (one per gemeente, say).

:func:`evaluate_many` takes a base scenario and a table whose rows are variants: an ``id`` column and
columns named by ``set:`` paths (docs/formats.md, "Project"; e.g. ``participants.2025``,
``costs.team.amount``, ``effects.minder-ots.attribution``). It returns one tidy DataFrame of every
figure of every variant (``id``, ``figure``, ``stakeholder``, ``value``; the societal total as
stakeholder ``total``, the fiscal view as ``fiscal``).

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

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mkba.engine.figures import figures
from mkba.engine.model import Model, compile_scenario
from mkba.errors import MkbaError
from mkba.io.documents import _fields_at
from mkba.pricelist.registry import load_pricelist
from mkba.scenario.changes import resolve
from mkba.scenario.fields import MAX_DISCOUNT_RATE, MAX_NUMBER, MAX_PARTICIPANTS
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
    """What a worker needs for one block: plain data only, so it pickles to processes and Dask."""

    base: dict[str, Any]
    base_file: str
    pricelist: str | None
    folders: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]  # (id, value per column)
    first_row: int  # the table row number of rows[0] (1-based, after the header), for messages
    table: str = "<DataFrame>"  # the change table's file, for messages
    # what the base and its price list hold as this call reads them: a process compiles the base once per
    # content, and a base or list changed between calls (in a notebook) is compiled again
    base_sha: str = ""
    pricelist_sha: str = ""


def read_changes(table: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read a change table: CSV (``.csv``), Parquet (``.parquet``) or a DataFrame.

    Raises
    ------
    MkbaError
        Without an ``id`` column, with an empty or repeated id, or a file that cannot be read.
    """
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        frame, file = table.copy(), "<DataFrame>"
    else:
        path = Path(table)
        file = str(path)
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                _check_header(path, file)
                frame = pd.read_csv(path, dtype={"id": str}, keep_default_na=False, na_values=[""])
            elif suffix == ".parquet":
                frame = pd.read_parquet(path)
            else:
                raise MkbaError(
                    f"expected a .csv or .parquet change table, got {suffix or 'no suffix'!r}", file=file
                )
        except MkbaError:
            raise
        except FileNotFoundError:
            raise MkbaError("file not found", file=file) from None
        except Exception as exc:  # pandas and pyarrow raise many kinds; the user needs one message
            raise MkbaError(f"cannot read the change table: {exc}", file=file) from None
    repeated = frame.columns[frame.columns.duplicated()].tolist()
    if repeated:
        raise MkbaError(
            "column given twice; expected each column once", file=file, line=1, field=str(repeated[0])
        )
    if "id" not in frame.columns:
        raise MkbaError("expected an 'id' column naming each variant", file=file, field="id")
    ids = frame["id"].astype(str)
    for row, value in enumerate(ids, start=2):
        if not value.strip() or value == "nan":
            raise MkbaError("an empty id; every row needs one", file=file, line=row, field="id")
    dupes = ids[ids.duplicated()].unique().tolist()
    if dupes:
        row = int(np.flatnonzero(ids.duplicated().to_numpy())[0]) + 2
        raise MkbaError(
            f"id {dupes[0]!r} is given twice; ids must be unique", file=file, line=row, field="id"
        )
    frame["id"] = ids
    for column in frame.columns:
        if column != "id" and not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype(object).map(_number_or_text)
    frame.attrs["file"] = file
    return frame


def _check_header(path: Path, file: str) -> None:
    """Refuse a CSV header that names a column twice (pandas would rename the second ``x.1``)."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as stream:
        header = next(csv.reader(stream), [])
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise MkbaError("column given twice; expected each column once", file=file, line=1, field=name)
        seen.add(name)


def _number_or_text(value: Any) -> Any:
    """A cell of a mixed column: text that reads as a finite number is that number (CSV has no
    types); ``nan`` or ``inf`` stays text, to be refused (only an empty cell keeps the base)."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    return value


def evaluate_many(
    base: str | Path | Scenario,
    changes: str | Path | pd.DataFrame,
    *,
    pricelist: str | Path | None = None,
    folders: Sequence[str | Path] = (),
    workers: int = 1,
    client: Any = None,
) -> pd.DataFrame:
    """Evaluate one variant of ``base`` per row of ``changes``: a tidy table of every figure.

    Parameters
    ----------
    base : path or Scenario
        The base scenario.
    changes : path or DataFrame
        A CSV or Parquet file, or a DataFrame: an ``id`` column and one column per ``set:`` path,
        one row per variant; an empty cell keeps the base value.
    pricelist : str or path, optional
        ``name@version`` or a file; default: the scenario's.
    folders : sequence of path
        Extra folders of price lists.
    workers : int
        Worker processes on this machine (1: in this process).
    client : dask.distributed.Client, optional
        Run the blocks on this Dask cluster instead.

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
    frame = read_changes(changes)
    file = frame.attrs.get("file", "<DataFrame>")
    columns = [c for c in frame.columns if c != "id"]
    data = (
        scenario._doc.data if scenario._doc is not None else scenario.model_dump(mode="json", by_alias=True)
    )
    _check_columns(data, columns, file)
    rows = [
        (str(r[0]), *(None if _missing(v) else _plain(v) for v in r[1:]))
        for r in frame[["id", *columns]].itertuples(index=False, name=None)
    ]
    ref = str(pricelist) if pricelist is not None else scenario.pricelist_ref
    shas = (scenario.sha256, load_pricelist(ref, folders=tuple(map(str, folders))).sha256)
    jobs = [
        _Job(data, scenario.file or "<dict>", ref, tuple(map(str, folders)), tuple(columns),
             tuple(rows[i : i + BLOCK_ROWS]), i + 2, file, *shas)
        for i in range(0, len(rows), BLOCK_ROWS)
    ]  # fmt: skip
    _check_values(jobs, file)
    return _frame(_run(jobs, workers, client))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """numpy scalars to Python numbers (they pickle and validate as the user wrote them)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _check_columns(data: dict, columns: Sequence[str], file: str) -> None:
    import copy

    probe = copy.deepcopy(data)
    for column in columns:
        try:
            resolve(probe, str(column), lambda loc: _fields_at(Scenario, loc))
        except ValueError as exc:
            raise MkbaError(
                f"unknown path in a column name: {exc}", file=file, line=1, field=str(column)
            ) from None


def _check_values(jobs: list[_Job], file: str) -> None:
    """Every value of every row, before any evaluation: a number where the base has a number, inside
    the bounds the file format sets (an error names the row and the column)."""
    if not jobs:
        return
    base = _Base.of(jobs[0])
    for job in jobs:
        for k, column in enumerate(job.columns):
            for n, values in enumerate(job.rows):
                value = values[k + 1]
                if value is None or _plain_ok(column, value):
                    continue
                where: dict[str, Any] = {
                    "file": file,
                    "line": job.first_row + n,
                    "field": _cell_name(values[0], column),
                }
                if _not_finite(value):
                    raise MkbaError(f"expected a finite number, got {value!r}", **where)
                if column in base.columns and (
                    isinstance(value, bool) or not isinstance(value, (int, float))
                ):
                    raise MkbaError(f"expected a number, got {value!r}", **where)
                try:
                    base.scenario.with_changes(set={column: value})
                except MkbaError as exc:
                    raise MkbaError(exc.message, **where) from None


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

    def __init__(self, job: _Job) -> None:
        self.scenario = _scenario_of(job)
        self.pricelist = load_pricelist(job.pricelist, folders=job.folders)
        self.model = compile_scenario(self.scenario, self.pricelist)
        self.columns: dict[str, int] = {}
        for j, inp in enumerate(self.model.inputs):
            path = _path_text(self.scenario, inp.path)
            # a price item's input is shared by every line that uses the item (and a volunteer line
            # names its item under ``value``): a column of such a path changes the line, not the price
            if path is not None and not inp.name.startswith("price."):
                self.columns[path] = j

    @classmethod
    def of(cls, job: _Job) -> _Base:
        key = (job.base_sha, job.base_file, job.pricelist, job.folders, job.pricelist_sha)
        if key not in cls._cache:
            cls._cache.clear()
            cls._cache[key] = cls(job)
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
    return [part for n, values in enumerate(job.rows) for part in _one_row(base, job, n, values)]


def _fast_block(base: _Base, job: _Job) -> list[_Part]:
    """All rows in one vectorised evaluation: the base model with the changed inputs replaced."""
    model = base.model
    theta = np.tile(model.base, (len(job.rows), 1))
    for k, column in enumerate(job.columns):
        j = base.columns[column]
        for n, values in enumerate(job.rows):
            value = values[k + 1]
            if value is not None:
                theta[n, j] = float(value)
    return _tidy(model, [r[0] for r in job.rows], theta)


def _plain_ok(column: str, value: Any) -> bool:
    """A cheap check that ``value`` is a finite number inside the bounds of its field, as a file
    has them (:mod:`mkba.scenario.fields`); anything else is validated as a file would be."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    leaf = column.rsplit(".", 1)[-1]
    if leaf in {"success", "attribution"}:
        return 0.0 <= value <= 1.0
    if leaf in {"deadweight", "displacement", "drop_off", "optimism_bias"}:
        return 0.0 <= value < 1.0
    if column == "discount_rate":
        return -0.99 <= value <= MAX_DISCOUNT_RATE
    if column.startswith("participants."):
        return 0.0 <= value <= MAX_PARTICIPANTS
    if leaf in {"amount", "quantity", "hours", "value"}:
        return 0.0 <= value <= MAX_NUMBER
    return False


def _one_row(base: _Base, job: _Job, n: int, values: tuple) -> list[_Part]:
    changes = {c: v for c, v in zip(job.columns, values[1:]) if v is not None}
    try:
        variant = base.scenario.with_changes(set=changes)
        model = compile_scenario(variant, base.pricelist)
    except MkbaError as exc:
        names = ", ".join(changes)
        field = _cell_name(values[0], names) + (f" ({exc.field})" if exc.field else "")
        raise MkbaError(exc.message, file=job.table, line=job.first_row + n, field=field) from None
    return _tidy(model, [values[0]], model.base[None])


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
