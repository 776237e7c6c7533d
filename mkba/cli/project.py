"""``mkba run PROJECT``: alternatives against the nulalternatief (docs/method.md, section 8)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from mkba.cli.common import dim, out, progress_bar
from mkba.cli.overview import print_project
from mkba.errors import MkbaError
from mkba.report.vocabulary import label


def run_project(
    path: Path,
    *,
    pricelist: str | None,
    price_year: int | None,
    discount_rate: float | None,
    json_out: Path | None,
    xlsx: Path | None,
    lang: str,
    simulate: int | None,
    seed: int,
    chunk_size: int,
    folders: Sequence[Path],
) -> None:
    """Evaluate a project, print the comparison, and write what was asked for."""
    from mkba.project import load_project

    if simulate is not None and simulate < 1:
        raise MkbaError("--simulate expects a number of draws >= 1")
    project = load_project(path)
    result = project.evaluate(
        pricelist, price_year=price_year, discount_rate=discount_rate, lang=lang, folders=folders
    )
    if simulate is not None:
        with progress_bar("Monte Carlo", simulate, sys.stderr.isatty()) as advance:
            result.simulate(simulate, seed=seed, chunk_size=chunk_size, progress=advance)
    print_project(result)
    if xlsx is not None:
        result.to_excel(xlsx, lang=lang)
        out.print(dim(f"{label('written_workbook', lang)}: {xlsx}"))
    if json_out is not None:
        result.to_json(json_out)
        out.print(dim(f"{label('written_json', lang)}: {json_out}"))
