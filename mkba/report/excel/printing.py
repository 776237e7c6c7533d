"""Print settings of every sheet: A4, orientation, fit to the page width, titles, header and footer.

Applied last (:func:`set_up_printing`), from what each sheet holds: its used range is its print
area (unless its writer set one: the summary prints columns A to E, its charts' data stand
beside), the rows frozen at its top repeat on every printed page, a sheet wider than a portrait
page prints landscape, and every sheet fits one page wide (the summary on one page), unless it
would print below :data:`MIN_SCALE` and has frozen columns (the price list, a long horizon's cash
flows): then it prints several pages wide, those columns repeated at the left of each. A sheet
that would leave a few rows on a last page of their own is fit a page shorter. The header names
the scenario and the price list (name@version); the footer the date and "page x of y".
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from openpyxl.utils import range_boundaries

from mkba.report.vocabulary import label

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: Characters of column width that fit across A4 in portrait at 100 % (landscape beyond).
PORTRAIT_WIDTH = 95
#: The smallest scale a one-page sheet (the summary) is laid out for: it prints in portrait when its
#: columns fit across at this scale.
MIN_ONE_PAGE_SCALE = 0.8
#: Characters of column width that LibreOffice prints across A4 at 100 %, landscape and portrait:
#: its stand-in for Calibri is wider (Excel fits about a quarter more).
LANDSCAPE_WIDTH, LO_PORTRAIT_WIDTH = 110.0, 76.0
#: The smallest scale a sheet printed landscape one page wide takes (11 pt text printed at 5.5 pt);
#: a wider sheet whose first columns are frozen prints several pages wide, those columns on each.
MIN_SCALE = 0.5
#: Points of rows that fit down A4 at 100 % (between the margins), portrait and landscape.
PORTRAIT_HEIGHT, LANDSCAPE_HEIGHT = 29.7 / 2.54 * 72 - 1.2 * 72, 21.0 / 2.54 * 72 - 1.2 * 72
#: Points a row of 11 pt text takes when its height was never set.
ROW_POINTS = 15.0
#: A sheet is fit one page shorter when that scales it by this much or more (no stray last page).
SHRINK = 0.88
#: Margins in inches (openpyxl's unit): narrow, room for a header and footer.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.25, "footer": 0.25}
#: Every column is at least this wide (characters) when its width was never set.
DEFAULT_WIDTH = 8.43
#: Roughly how many centimetres a character of column width and a default row take (a chart's size is in cm).
CM_PER_CHARACTER, CM_PER_ROW = 0.2, 0.53


def _used_width(ws: Worksheet, last: int | None = None) -> float:
    """Characters of column width from A to column ``last`` (default: the last used one)."""
    from openpyxl.utils import get_column_letter

    total = 0.0
    for col in range(1, (last or ws.max_column) + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        if dim is not None and dim.hidden:
            continue
        total += dim.width if dim is not None and dim.width else DEFAULT_WIDTH
    return total


def _print_area(ws: Worksheet) -> str:
    """The used cells and every chart on the sheet (charts float beside the cells they show)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import coordinate_to_tuple

    cols, rows = ws.max_column, ws.max_row
    for chart in getattr(ws, "_charts", []):
        if isinstance(chart.anchor, str):  # 'G4', as given to add_chart
            row, col = coordinate_to_tuple(chart.anchor)
        else:  # an anchor object: zero-based
            row, col = chart.anchor._from.row + 1, chart.anchor._from.col + 1
        cols = max(cols, _last_column(ws, col, chart.width))
        rows = max(rows, row + math.ceil(chart.height / CM_PER_ROW))
    return f"A1:{get_column_letter(cols)}{rows}"


def _last_printed_column(ws: Worksheet) -> int:
    """The last column of ``ws``'s print area."""
    from openpyxl.utils import column_index_from_string

    area = str(ws.print_area).rsplit("!", 1)[-1].split(",")[0]
    last = area.split(":")[-1].replace("$", "").rstrip("0123456789")
    return column_index_from_string(last) if last else ws.max_column


def _last_column(ws: Worksheet, first: int, width_cm: float) -> int:
    """The column where a chart ``width_cm`` wide, starting in column ``first``, ends."""
    from openpyxl.utils import get_column_letter

    col, covered = first, 0.0
    while True:
        dim = ws.column_dimensions.get(get_column_letter(col))
        chars = dim.width if dim is not None and dim.width else DEFAULT_WIDTH
        covered += chars * CM_PER_CHARACTER
        if covered >= width_cm:
            return col
        col += 1


def _header_footer(ws: Worksheet, scenario: str, pricelist: str, lang: str) -> None:
    page = "Pagina &P van &N" if lang != "en" else "Page &P of &N"
    for hf in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        hf.left.text = scenario.replace("&", "&&")
        hf.left.size = 9
        hf.right.text = f"{label('pricelist', lang)}: {pricelist}".replace("&", "&&")
        hf.right.size = 9
    for hf in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        hf.left.text = f"&A - {_dt.date.today().isoformat()}"
        hf.left.size = 8
        hf.right.text = page
        hf.right.size = 8


def set_up_sheet(ws: Worksheet, *, scenario: str, pricelist: str, lang: str, one_page: bool = False) -> None:
    """A4, orientation by width, fit to one page wide (and tall with ``one_page``), titles, margins.

    Parameters
    ----------
    ws : Worksheet
        A finished sheet.
    scenario, pricelist : str
        What the header names.
    lang : {'nl', 'en'}
        Language of the footer.
    one_page : bool
        Fit the whole sheet on one page (the summary).
    """
    if ws.max_row < 1:
        return
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if not ws.print_area:  # unless the sheet's writer chose its printed part
        ws.print_area = _print_area(ws)
    width = _used_width(ws, _last_printed_column(ws))
    portrait = width <= (PORTRAIT_WIDTH / MIN_ONE_PAGE_SCALE if one_page else PORTRAIT_WIDTH)
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.print_options.horizontalCentered = False
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    _titles(ws)
    if not one_page:
        _pages_wide(ws, width)
        _pages_tall(ws, width)
        _keep_blocks(ws, width)
    _header_footer(ws, scenario, pricelist, lang)


def _titles(ws: Worksheet) -> None:
    """The rows frozen at the top repeat on every page (unless the sheet's writer chose its own)."""
    from openpyxl.utils.cell import coordinate_from_string

    frozen = ws.freeze_panes
    if frozen and not ws.print_title_rows:
        _, row = coordinate_from_string(frozen)
        if row > 1:
            ws.print_title_rows = f"1:{row - 1}"


def _frozen_columns(ws: Worksheet) -> int:
    """How many columns are frozen at the left of ``ws`` (0 when none)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    if not ws.freeze_panes:
        return 0
    col, _ = coordinate_from_string(ws.freeze_panes)
    return column_index_from_string(col) - 1


def _pages_wide(ws: Worksheet, width: float) -> None:
    """A landscape sheet too wide for one page at :data:`MIN_SCALE` prints several pages wide.

    Only a sheet whose first columns are frozen (they say what a row is: a price item's id, a
    line): they repeat at the left of every page.
    """
    frozen = _frozen_columns(ws)
    room = LANDSCAPE_WIDTH / MIN_SCALE  # characters across a page at the smallest scale
    titles = _used_width(ws, frozen) if frozen else 0.0
    if ws.page_setup.orientation != "landscape" or not frozen or width <= room or titles > room / 2:
        return
    from openpyxl.utils import get_column_letter

    ws.page_setup.fitToWidth = math.ceil((width - titles) / (room - titles))
    ws.print_title_cols = f"A:{get_column_letter(frozen)}"
    rows = str(ws.print_title_rows or "").replace("$", "").split(":")
    if len(rows) == 2 and rows[0] != rows[1]:  # the header row only: the title would be cut off beside page 1
        ws.print_title_rows = f"{rows[1]}:{rows[1]}"
    header = int(rows[-1]) if rows[-1].isdigit() else 1
    wrap_titles(ws, frozen, range(1, header), titles)


def wrap_titles(ws: Worksheet, frozen: int, rows: range, room: float) -> None:
    """The title and note above the header wrap within columns A to ``frozen`` (``room`` characters wide).

    On a sheet printed several pages across, those are the columns repeated on every page.
    Each page after the first shows only those columns of rows 1 and 2: a title running on to the
    right would be cut off there ("Prijslijst: Maatscha|"). Merged across them and wrapped, it prints
    whole on every page, its row high enough.
    """
    from openpyxl.styles import Alignment

    from mkba.report.excel.fit import BOLD_SCALE, LINE_POINTS, lines_needed, own_style

    for r in rows:
        cell = ws._cells.get((r, 1))
        if cell is None or not isinstance(cell.value, str):
            continue
        for merged in [m for m in ws.merged_cells.ranges if m.min_row == r and m.min_col == 1]:
            ws.unmerge_cells(str(merged))  # a note merged across the first page only
        size = cell.font.sz or 11.0
        scale = size / 11.0 * (BOLD_SCALE if cell.font.b else 1.0)
        lines = lines_needed(cell.value, room, scale)
        if frozen > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=frozen)
        own_style(cell)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = LINE_POINTS * size / 11.0 * lines + 4


def _pages_tall(ws: Worksheet, width: float) -> None:
    """A sheet one page wide that would leave a few rows on a last page of their own is fit a page shorter.

    Only when a small shrink does it (to :data:`SHRINK` of its scale or more): a page of a couple
    of stray rows is worse than text a little smaller.
    """
    if ws.page_setup.fitToWidth != 1:
        return
    landscape = ws.page_setup.orientation == "landscape"
    scale = min(1.0, (LANDSCAPE_WIDTH if landscape else LO_PORTRAIT_WIDTH) / width)
    page = (LANDSCAPE_HEIGHT if landscape else PORTRAIT_HEIGHT) / scale  # points of rows a page holds
    titles = _rows_height(ws, ws.print_title_rows)
    pages = (_rows_height(ws, _print_rows(ws)) - titles) / (page - titles)
    whole = math.ceil(pages)
    if whole > 1 and pages <= (whole - 1) / SHRINK:
        ws.page_setup.fitToHeight = whole - 1


#: The attribute of a sheet that holds its blocks of rows (first, last) not to be split over two pages.
_BLOCKS = "_mkba_keep_together"


def keep_together(ws: Worksheet, first: int, last: int) -> None:
    """Rows ``first`` to ``last`` of ``ws`` (a block: its title, its header, its rows) print on one page.

    :func:`set_up_sheet` then puts a manual page break before a block that would otherwise be split
    (a block taller than a page starts on a new page when its title and first rows would be cut off).
    """
    if last >= first:
        blocks = getattr(ws, _BLOCKS, None)
        if blocks is None:
            blocks = []
            setattr(ws, _BLOCKS, blocks)
        blocks.append((first, last))


def _keep_blocks(ws: Worksheet, width: float) -> None:
    """Manual page breaks before the blocks of :func:`keep_together` that a page end would split."""
    from openpyxl.worksheet.pagebreak import Break

    blocks = sorted(getattr(ws, _BLOCKS, None) or [])
    if not blocks or ws.page_setup.fitToWidth != 1:
        return
    landscape = ws.page_setup.orientation == "landscape"
    scale = min(1.0, (LANDSCAPE_WIDTH if landscape else LO_PORTRAIT_WIDTH) / width)
    room = (LANDSCAPE_HEIGHT if landscape else PORTRAIT_HEIGHT) / scale - _rows_height(
        ws, ws.print_title_rows
    )
    _, first_row, _, _ = range_boundaries(_print_rows(ws))
    used, row = 0.0, first_row or 1
    for first, last in blocks:
        used += _rows_height(ws, f"{row}:{first - 1}") if first > row else 0.0
        used = used % room if used > room else used
        height = _rows_height(ws, f"{first}:{last}")
        head = _rows_height(ws, f"{first}:{min(last, first + 3)}")
        if used > 0 and used + (height if height <= room else head) > room:
            ws.row_breaks.append(Break(id=first - 1))
            used = 0.0
        used += height
        used = used % room if used > room else used
        row = last + 1
    if ws.row_breaks.brk:
        ws.page_setup.fitToHeight = 0  # the breaks make the pages


def _print_rows(ws: Worksheet) -> str:
    """The rows of ``ws``'s print area, ``1:35``."""
    _, first, _, last = range_boundaries(str(ws.print_area).rsplit("!", 1)[-1].split(",")[0])
    return f"{first}:{last}"


def _rows_height(ws: Worksheet, rows: str | None) -> float:
    """Points the rows ``rows`` (``1:35``, ``$1:$3``) take: their own heights, else a default row's."""
    if not rows:
        return 0.0
    _, first, _, last = range_boundaries(rows)
    total = 0.0
    for row in range(first or 1, (last or first or 1) + 1):
        dim = ws.row_dimensions.get(row)
        total += dim.height if dim is not None and dim.height else ROW_POINTS
    return total


def set_up_printing(
    wb: Workbook, *, scenario: str, pricelist: str, lang: str, summary: str | Collection[str]
) -> None:
    """Print settings on every sheet of ``wb``; the sheet titled ``summary`` (or each so titled) on one page.

    Parameters
    ----------
    wb : Workbook
        The finished workbook.
    scenario, pricelist : str
        What every page's header names (a project's name in a project workbook).
    lang : {'nl', 'en'}
        Language of the footer.
    summary : str or collection of str
        The title of the summary sheet, or of each alternative's in a project workbook.
    """
    one_page = {summary} if isinstance(summary, str) else set(summary)
    for ws in wb.worksheets:
        set_up_sheet(ws, scenario=scenario, pricelist=pricelist, lang=lang, one_page=ws.title in one_page)
