"""``mkba batch``: one variant of a scenario per row of a change table (one per gemeente, say)."""

from __future__ import annotations

from pathlib import Path

import typer

from mkba.cli.common import LANG_OPTION, PRICELISTS_DIR_OPTION, Lang, dask_client, input_files, out
from mkba.errors import MkbaError
from mkba.report.vocabulary import counted, label

OUTPUT_SUFFIXES = (".parquet", ".csv")


def batch(
    base: Path = typer.Argument(..., help="The base scenario file."),
    changes: Path = typer.Option(
        ...,
        "--changes",
        help="Change table (.csv, .xlsx or .parquet): id + set: paths. CSV: ',', ';' (decimal comma) or tab.",
    ),
    sheet: str | None = typer.Option(
        None, "--sheet", help="The sheet of an .xlsx change table (default: the first sheet)."
    ),
    output: Path = typer.Option(
        ..., "-o", "--output", help="Results: .parquet or .csv (tidy: id, figure, stakeholder, value)."
    ),
    workers: int = typer.Option(1, "--workers", help="Worker processes on this machine (1: this process)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of a Dask scheduler (tcp://host:8786) to evaluate the variants on."
    ),
    pricelist: str | None = typer.Option(None, help="Price list: NAME, NAME@VERSION or a file."),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
    lang: Lang = LANG_OPTION,
) -> None:
    """Evaluate many variants of one scenario: every figure of every variant in one tidy table."""
    from mkba.batch import evaluate_many

    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise MkbaError(
            f"expected a .parquet or .csv output, got {output.suffix or 'no suffix'!r}", field="--output"
        )
    from mkba.io.files import check_input, check_output

    check_input(changes)
    inputs = [*input_files(base, pricelist, folders=pricelists_dir or ()), changes]
    check_output(output, inputs=inputs, option="--output")
    with dask_client(scheduler) as client:  # an error's field 'sheet' is said as --sheet (cli.app)
        frame = evaluate_many(
            base,
            changes,
            pricelist=pricelist,
            folders=pricelists_dir or (),
            workers=workers,
            client=client,
            sheet=sheet,
        )
    _write(frame, output)
    done = label("ck_written_batch", lang.value)
    variants = counted(frame["id"].nunique(), "n_variants", lang.value)
    out.print(
        done.format(variants=variants, figures=counted(len(frame), "n_figures", lang.value), output=output)
    )


def _write(frame, output: Path) -> None:
    from mkba.io.files import write_atomic
    from mkba.io.spreadsheet import safe_csv_frame

    if output.suffix.lower() == ".parquet":
        write_atomic(output, lambda tmp: frame.to_parquet(tmp, index=False))
    else:
        safe = safe_csv_frame(frame)
        write_atomic(output, lambda tmp: safe.to_csv(tmp, index=False))
