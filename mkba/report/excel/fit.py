"""Text that fits its printed column: how wide a text prints, how many lines it wraps to, wrapping cells.

A sheet that prints one A4 page wide at a readable size has narrow text columns; a text longer
than its column wraps within it (the row made high enough), instead of being cut off by the cell
to its right or running off the page. LibreOffice draws Calibri with a wider stand-in (DejaVu
Sans) where Carlito is not installed, so every estimate counts DejaVu's advance widths
(:data:`ADVANCE`): Excel, with the narrower Calibri, never needs more lines.

* :func:`text_width` and :func:`lines_needed`: a text's printed width in digit widths (a
  column's width unit) and the lines it wraps to;
* :func:`column_width`: a column's width as the workbook sets it from what was written in it;
* :func:`wrap_columns`: narrow given columns and wrap the text cells that no longer fit;
* :func:`wrap_note`: the note under a sheet's title wrapped across the printed columns;
* :func:`fit_header`: a header row wrapped at word breaks, each column as wide as its longest word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from copy import copy
from functools import lru_cache

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from mkba.report.excel.cells import Context

#: Advance widths of DejaVu Sans (LibreOffice's stand-in for Calibri, and wider than it) in digit widths.
ADVANCE = {
    "a": 0.96,
    "b": 1.0,
    "c": 0.86,
    "d": 1.0,
    "e": 0.97,
    "f": 0.55,
    "g": 1.0,
    "h": 1.0,
    "i": 0.44,
    "j": 0.44,
    "k": 0.91,
    "l": 0.44,
    "m": 1.53,
    "n": 1.0,
    "o": 0.96,
    "p": 1.0,
    "q": 1.0,
    "r": 0.65,
    "s": 0.82,
    "t": 0.62,
    "u": 1.0,
    "v": 0.93,
    "w": 1.29,
    "x": 0.93,
    "y": 0.93,
    "z": 0.83,
    " ": 0.5,
    "(": 0.61,
    ")": 0.61,
    ",": 0.5,
    ".": 0.5,
    ";": 0.53,
    ":": 0.53,
    "'": 0.43,
    "=": 1.32,
    ">": 1.32,
    "<": 1.32,
    "-": 0.57,
    "/": 0.53,
    "%": 1.49,
    "€": 1.0,
}
#: How much wider bold text prints (LibreOffice's bold stand-in is wider still than DejaVu Sans).
BOLD_SCALE = 1.2
#: Points a line of 11 pt text takes in a wrapped cell.
LINE_POINTS = 14.5
#: At most this many lines make a row's height (a longer text is cut, rather than a page-high row).
MAX_LINES = 12
#: Where a spreadsheet may break a word across lines: after a hyphen or a slash (an address).
_BREAKS = re.compile(r"(?<=[-/])(?=.)")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def text_width(text: str, scale: float = 1.0) -> float:
    """The printed width of ``text`` in digit widths (DejaVu Sans; ``scale`` times for bold).

    Examples
    --------
    >>> text_width("0,625")
    4.5
    """
    return scale * sum(ADVANCE.get(ch, 1.1 if ch.isupper() else 1.0) for ch in text)


@lru_cache(maxsize=8192)  # a workbook repeats its labels: one count per text, width and weight
def lines_needed(text: str, room: float, scale: float = 1.0) -> int:
    """How many lines ``text`` takes wrapped at word breaks in ``room`` digit widths (a column's width).

    Each letter counts its width in DejaVu Sans (:data:`ADVANCE`; capitals 1.1, others 1), ``scale``
    times as wide for bold text: Calibri, narrower, never needs more lines.

    Examples
    --------
    >>> lines_needed("Doorverwijzingen naar het zware sociale team", 20)
    2
    >>> lines_needed("https://huisuitzettingen.nl/publicaties/", 16)  # after a slash
    3
    """
    lines, used, space = 1, 0.0, text_width(" ", scale)
    for word in text.split():
        for k, piece in enumerate(_BREAKS.split(word)):  # a line may also break after - and /
            w = text_width(piece, scale) + (space if used and k == 0 else 0.0)
            if used and used + w > room:
                lines, used, w = lines + 1, 0.0, text_width(piece, scale)
            used += w
            while used > room:  # a piece wider than the column breaks inside
                lines, used = lines + 1, used - room
    return lines


def column_width(ctx: Context, ws: Worksheet, col: int) -> int:
    """The width (characters) the workbook gives column ``col`` of ``ws`` from what was written in it."""
    return max(9, min(ctx.widths.get((ws.title, col), 0) + 2, 60))


def _own_style(cell: object, alignment: Alignment) -> None:
    """Give ``cell`` its own copy of its style (the safe writers share one per kind), then ``alignment``."""
    cell._style = copy(cell._style)  # type: ignore[attr-defined]
    cell.alignment = alignment  # type: ignore[attr-defined]


def _cell_lines(ctx: Context, ws: Worksheet, cell: object) -> int:
    """Lines a text cell takes in its column (1 for a number or a formula)."""
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) != "s" or not isinstance(value, str) or not value:
        return 1
    scale = BOLD_SCALE if cell.font is not None and cell.font.b else 1.0  # type: ignore[attr-defined]
    return lines_needed(value, column_width(ctx, ws, cell.column) - 1.0, scale)  # type: ignore[attr-defined]


def wrap_rows(ctx: Context, ws: Worksheet, rows: Iterable[int], cols: Iterable[int]) -> None:
    """Wrap the text cells of ``cols`` on ``rows`` that are wider than their column; rows high enough.

    Call it once the columns' widths are final (capped). Every cell of a row that needs more than
    one line is aligned to the top, the texts wrapped.
    """
    cols = tuple(cols)
    wanted = set(rows)
    by_row: dict[int, list] = {}  # the sheet's cells grouped by row once, not scanned once per row
    for (r, _), cell in ws._cells.items():
        if r in wanted and cell.value is not None:
            by_row.setdefault(r, []).append(cell)
    for row in sorted(wanted):
        cells = [ws._cells[row, col] for col in cols if (row, col) in ws._cells]
        lines = max((_cell_lines(ctx, ws, cell) for cell in cells), default=1)
        if lines == 1:
            continue
        for cell in by_row.get(row, ()):
            wrap = cell in cells and cell.data_type == "s"
            _own_style(
                cell, WRAP if wrap else Alignment(horizontal=cell.alignment.horizontal, vertical="top")
            )
        ws.row_dimensions[row].height = LINE_POINTS * min(lines, MAX_LINES) + 2


def wrap_columns(
    ctx: Context, ws: Worksheet, caps: Mapping[int, int], below: int, *, table: bool = False
) -> None:
    """Narrow each column of ``caps`` (column -> most characters) and wrap its texts below row ``below``.

    A text with nothing to its right (a section's title) runs on into the empty cells and is left
    alone, unless ``table``: then every text wider than its column wraps.
    """
    for col, most in caps.items():
        ctx.cap_width(ws, col, most)
    rows = {
        r
        for (r, col), cell in ws._cells.items()
        if r > below
        and col in caps
        and (table or (r, col + 1) in ws._cells)
        and _cell_lines(ctx, ws, cell) > 1
    }
    wrap_rows(ctx, ws, rows, caps)


def fit_header(ctx: Context, ws: Worksheet, row: int, cols: Iterable[int] | None = None) -> None:
    """Wrap the header ``row`` at word breaks: each column at least as wide as its longest (bold) word.

    Call it after the columns' widths are capped. ``cols``: the columns to fit (default: all).
    """
    texts = {
        col: cell
        for (r, col), cell in ws._cells.items()
        if r == row
        and isinstance(cell.value, str)
        and cell.data_type == "s"
        and (cols is None or col in cols)
    }
    for col, cell in texts.items():
        longest = max((text_width(word, BOLD_SCALE) for word in cell.value.split()), default=0.0)
        need = int(longest + 2.5) - 2  # the width the workbook sets is what was written + 2
        key = (ws.title, col)
        ctx.widths[key] = max(min(ctx.widths.get(key, 0), 58), need)
    wrap_rows(ctx, ws, [row], texts)


def wrap_note(ctx: Context, ws: Worksheet, last: int, row: int = 2) -> None:
    """The note under the title (``row``) wraps across columns A to ``last`` instead of running off the page."""
    note = ws._cells.get((row, 1))
    if note is None or not isinstance(note.value, str):
        return
    width = sum(column_width(ctx, ws, c) for c in range(1, last + 1))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    _own_style(note, WRAP)
    ws.row_dimensions[row].height = LINE_POINTS * lines_needed(note.value, width - 1.5) + 2
