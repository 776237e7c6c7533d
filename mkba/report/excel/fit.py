"""Text that fits its printed column: how wide a text prints, how many lines it wraps to, wrapping cells.

The one way every sheet of the workbook wraps its texts and sets its rows' heights: the same
text, in a column of the same width and the same font, makes a row of the same height on every
sheet.

A sheet that prints one A4 page wide at a readable size has narrow text columns; a text longer
than its column wraps within it (the row made high enough), instead of being cut off by the cell
to its right or running off the page. LibreOffice draws Calibri with a wider stand-in (DejaVu
Sans) where Carlito is not installed, so every estimate counts DejaVu's advance widths
(:data:`ADVANCE`): Excel, with the narrower Calibri, never needs more lines.

* :func:`text_width` and :func:`lines_needed`: a text's printed width in digit widths (a
  column's width unit) and the lines it wraps to;
* :func:`column_width`: a column's width as the workbook sets it from what was written in it;
* :func:`row_height`: the height of a row whose text takes so many lines;
* :func:`wrap_rows`: wrap the text cells of given rows and columns that do not fit, rows high enough;
* :func:`wrap_columns`: narrow given columns and wrap the text cells that no longer fit;
* :func:`wrap_note`: the note under a sheet's title wrapped across the printed columns;
* :func:`fit_header`: a header row wrapped at word breaks, each column as wide as its longest word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from mkba.report.excel.cells import MAX_WIDTH, Context, sheet_width

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
    return sheet_width(ctx.widths.get((ws.title, col), 0))


def row_height(lines: int) -> float:
    """The height (points) of a row whose text takes ``lines`` lines (at most :data:`MAX_LINES` counted).

    Examples
    --------
    >>> row_height(1), row_height(2), row_height(40)
    (16.5, 31.0, 176.0)
    """
    return LINE_POINTS * min(lines, MAX_LINES) + 2


def own_style(cell: Cell) -> StyleArray:
    """Give ``cell`` its own copy of its style array, and return it.

    The safe writers share one style array per kind of cell, which a change in place (an
    alignment, an indent) would change for every such cell.
    """
    cell._style = StyleArray(cell._style) if cell._style is not None else StyleArray()
    return cell._style


def _align(ctx: Context, cell: Cell, wrap: bool) -> None:
    """Give ``cell`` its own copy of its style, aligned to the top of its row and, if ``wrap``, wrapped.

    Its horizontal alignment stays. The safe writers share one style array per kind of cell,
    which a change in place would change for every such cell; the alignment's index in the
    workbook is looked up once per workbook.
    """
    style = own_style(cell)
    key = (wrap, style.alignmentId)
    found = ctx.book.alignments.get(key)
    if found is None:
        alignments = cell.parent.parent._alignments
        horizontal = alignments[style.alignmentId].horizontal
        shown = Alignment(horizontal=horizontal, vertical="top", wrap_text=wrap or None)
        found = ctx.book.alignments[key] = alignments.add(shown)
    style.alignmentId = found
    cell._style = style


class _Fit:
    """The widths wrapping needs on one sheet: each column's, and each merged range's where it starts."""

    def __init__(self, ctx: Context, ws: Worksheet, last: int | None) -> None:
        self.ctx, self.ws, self.last = ctx, ws, last
        self.widths: dict[int, int] = {}
        self.spans = {
            (rng.min_row, rng.min_col): sum(self.width(c) for c in range(rng.min_col, rng.max_col + 1))
            for rng in ws.merged_cells.ranges
        }

    def width(self, col: int) -> int:
        found = self.widths.get(col)
        if found is None:
            found = self.widths[col] = column_width(self.ctx, self.ws, col)
        return found

    def lines(self, cell: Cell) -> int:
        """Lines a text cell takes in its column, or in its merged range (1 for a number or a formula)."""
        value = cell._value
        if cell.data_type != "s" or not isinstance(value, str) or not value:
            return 1
        scale = BOLD_SCALE if cell.has_style and cell.font.b else 1.0
        width = self.spans.get((cell.row, cell.column)) or self.width(cell.column)
        return lines_needed(value, width - 1.0, scale)

    def runs_on(self, cell: Cell) -> bool:
        """Whether a text runs on into the empty cells to its right instead of wrapping.

        Only a text with nothing to its right, not merged, and (given the sheet's last printed
        column) only when it fits before the end of that column.
        """
        row, col = cell.row, cell.column
        if (row, col + 1) in self.ws._cells or (row, col) in self.spans:
            return False
        if self.last is None:
            return True
        scale = BOLD_SCALE if cell.has_style and cell.font.b else 1.0
        room = sum(self.width(c) for c in range(col, self.last + 1)) - 1.0
        return text_width(str(cell._value), scale) <= room


def wrap_rows(
    ctx: Context,
    ws: Worksheet,
    rows: Iterable[int],
    cols: Iterable[int],
    *,
    run_on: bool = False,
    last: int | None = None,
) -> None:
    """Wrap the text cells of ``cols`` on ``rows`` that are wider than their column; rows high enough.

    Call it once the columns' widths are final (capped). A text that starts a merged range wraps
    in the range's width. With ``run_on``, a text with nothing to its right runs on into the empty
    cells instead (neither counted nor wrapped); with ``last`` too (the sheet's last printed
    column), only when it fits before the end of that column. Every cell of a row that needs more
    than one line is aligned to the top, its cells in ``cols`` wrapped (a formula's text too); the
    row is :func:`row_height` high.
    """
    fit = _Fit(ctx, ws, last)
    wanted, cols = set(rows), set(cols)
    cells = ws._cells
    lines: dict[int, int] = {}  # the rows that need more than one line: how many
    for (r, c), cell in cells.items():  # one pass over the sheet; only texts take more than one line
        if cell.data_type == "s" and c in cols and r in wanted and not (run_on and fit.runs_on(cell)):
            n = fit.lines(cell)
            if n > lines.get(r, 1):
                lines[r] = n
    if not lines:
        return
    for (r, c), cell in list(cells.items()):
        if r in lines and cell._value is not None:  # a formula's text too wraps in its column
            _align(ctx, cell, c in cols and not (run_on and cell.data_type == "s" and fit.runs_on(cell)))
    for row, n in lines.items():
        ws.row_dimensions[row].height = row_height(n)


def wrap_columns(
    ctx: Context,
    ws: Worksheet,
    caps: Mapping[int, int],
    below: int,
    *,
    table: bool = False,
    last: int | None = None,
) -> None:
    """Narrow each column of ``caps`` (column -> most characters) and wrap its texts below row ``below``.

    A text with nothing to its right (a section's title) runs on into the empty cells and is left
    alone, unless ``table``: then every text wider than its column wraps. ``last``: the sheet's
    last printed column; a text with nothing to its right that would run on past it wraps.
    """
    for col, most in caps.items():
        ctx.cap_width(ws, col, most)
    wrap_rows(ctx, ws, range(below + 1, ws.max_row + 1), caps, run_on=not table, last=last)


def fit_header(ctx: Context, ws: Worksheet, row: int, cols: Iterable[int] | None = None) -> None:
    """Wrap the header ``row`` at word breaks: each column at least as wide as its longest (bold) word.

    Call it after the columns' widths are capped. ``cols``: the columns to fit (default: all). A
    header merged over several columns wraps in their width.
    """
    cells = ws._cells  # the row's own cells, not a walk over the sheet
    texts = {
        col: cell._value
        for col in (range(1, ws.max_column + 1) if cols is None else cols)
        if (cell := cells.get((row, col))) is not None
        and cell.data_type == "s"
        and isinstance(cell._value, str)
    }
    ends = {rng.min_col: rng.max_col for rng in ws.merged_cells.ranges if rng.min_row == row}
    for col, text in texts.items():
        longest = max((text_width(word, BOLD_SCALE) for word in text.split()), default=0.0)
        # a merged header (over several columns) has their width beside its own
        longest -= sum(column_width(ctx, ws, c) for c in range(col + 1, ends.get(col, col) + 1))
        need = int(longest + 2.5) - 2  # the width the workbook sets is what was written + 2
        key = (ws.title, col)
        ctx.widths[key] = max(min(ctx.widths.get(key, 0), MAX_WIDTH - 2), need)
    wrap_rows(ctx, ws, [row], texts)


def wrap_note(ctx: Context, ws: Worksheet, last: int, row: int = 2) -> None:
    """The note under the title (``row``) wraps across columns A to ``last`` instead of running off the page."""
    note = ws._cells.get((row, 1))
    if note is None or not isinstance(note.value, str):
        return
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    wrap_rows(ctx, ws, [row], [1])  # in the merged range's width
