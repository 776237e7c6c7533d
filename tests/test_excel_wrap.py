"""One way to wrap text and set row heights on every sheet of the workbook (:mod:`mkba.report.excel.fit`).

A long label makes its row as high on the *Overzicht*, *Samenvatting*, *Vergelijking* and
*Gevoeligheid* sheets as the same text, in a column of the same width and in the same font, makes
it anywhere else: the project and sensitivity sheets had a wrapping of their own (other line
counts, 14 pt a line, at most 5 lines) and the summary another (at most 6 lines). Headers break
at word breaks; texts that were cut off on paper (a break-even's note, a distribution in words on
*Uitgangspunten*, the price index's source) wrap in rows high enough.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import core_pricelist_data, write_yaml
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

import mkba
from mkba.report.excel.cells import Context
from mkba.report.excel.fit import (
    BOLD_SCALE,
    LINE_POINTS,
    MAX_LINES,
    lines_needed,
    row_height,
    text_width,
    wrap_columns,
)
from mkba.report.excel.project import build_project_workbook
from mkba.report.excel.workbook import build_workbook
from mkba.uncertainty import sensitivity
from mkba.uncertainty.montecarlo import monte_carlo

ROOT = Path(__file__).resolve().parents[1]

#: A stakeholder's label and a line's label, each longer than any column they stand in.
LONG_PARTY = "Gemeente Leeuwarden, afdeling Werk, Inkomen en Zorg"
LONG_LINE = "Minder doorverwijzingen naar het zware sociale team tijdens de opbouw van het wijkteam"
SETTINGS = {"price_year": 2020, "start_year": 2020, "horizon": 4, "discount_rate": 0.03}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> mkba.project.ProjectResult:
    """A nulalternatief and an alternative whose party and effect line have long labels."""
    folder = tmp_path_factory.mktemp("wrap")
    pricelist = str(write_yaml(folder / "prijzen.yaml", core_pricelist_data()))
    party = {"gemeente": {"public": True, "label": LONG_PARTY}}
    team = {"id": "team", "payer": "gemeente", "amount": 20_000, "per": "year", "years": [2020, 2023]}
    effect = {
        "id": "minder-zorg",
        "label": LONG_LINE,
        "item": "zorg-dag",
        "kind": "avoided_cost",
        "beneficiary": "gemeente",
        "quantity": 200.0,
        "per": "year",
        "years": [2021, 2023],
        "success": {"dist": "uniform", "low": 0.3, "high": 0.6},
    }
    base = {"format": "mkba-scenario/1", "name": "Regulier", "pricelist": pricelist, **SETTINGS}
    write_yaml(folder / "regulier.yaml", {**base, "stakeholders": party, "costs": [team]})
    alt = {**base, "name": "Wijkteam", "stakeholders": party, "costs": [team], "effects": [effect]}
    write_yaml(folder / "wijkteam.yaml", alt)
    spec = {
        "format": "mkba-project/1",
        "name": "Wijkteam",
        "baseline": "regulier",
        "alternatives": [
            {"id": "regulier", "label": "Regulier", "scenario": "regulier.yaml"},
            {"id": "wijkteam", "label": "Wijkteam", "scenario": "wijkteam.yaml"},
        ],
    }
    return mkba.load_project(write_yaml(folder / "project.yaml", spec)).evaluate()


def _alone(ctx: Context, text: str, width: float, bold: bool) -> float | None:
    """The height of a row where ``text`` stands alone, in a column ``width`` wide, a cell beside it."""
    ws = Workbook().active
    ctx = Context(ctx.result, "nl", ctx.index)  # a book of its own
    ctx.text(ws, 1, 1, text, bold=bold)
    ctx.text(ws, 1, 2, "x")
    ctx.widths[(ws.title, 1)] = int(width) - 2  # the workbook sets what was written + 2
    wrap_columns(ctx, ws, {1: 60}, 0)
    return ws.row_dimensions[1].height


def _long_rows(ctx: Context, ws) -> dict[int, float]:
    """Each row of ``ws`` holding a long label: the height its texts make, each as if alone."""
    rows: dict[int, float] = {}
    for row in ws.iter_rows():
        texts = [c for c in row if isinstance(c.value, str) and c.data_type == "s"]
        if not any(LONG_PARTY in c.value or LONG_LINE in c.value for c in texts):
            continue
        heights = [
            _alone(ctx, c.value, ws.column_dimensions[get_column_letter(c.column)].width, bool(c.font.b))
            for c in texts
        ]
        rows[row[0].row] = max((h for h in heights if h is not None), default=0.0)
    return rows


def _check(ctx: Context, ws) -> int:
    """Every long label's row on ``ws`` is as high as its texts make it alone; returns how many rows."""
    found = _long_rows(ctx, ws)
    for row, height in found.items():
        assert height > 2 * LINE_POINTS, (ws.title, row)  # the label does wrap
        assert ws.row_dimensions[row].height == height, (ws.title, row, ws.cell(row, 1).value)
    return len(found)


def test_a_long_label_wraps_to_the_same_height_on_every_sheet(project):
    wb, _ = build_project_workbook(project)
    alt = project.results["wijkteam"]
    scenario_wb, ctx = build_workbook(alt, analysis={"tornado": sensitivity.tornado(alt.model)})
    sheets = {
        "Vergelijking": wb["Vergelijking"],
        "Overzicht": scenario_wb["Overzicht"],
        "Samenvatting": scenario_wb["Samenvatting"],
        "Gevoeligheid": scenario_wb["Gevoeligheid"],
    }
    counts = {title: _check(ctx, ws) for title, ws in sheets.items()}
    # the party's delta and its lines on the comparison; the line, and the party's column, on the
    # overview; the party in the summary's table; the line's input in the tornado
    assert counts["Vergelijking"] >= 3 and counts["Overzicht"] >= 2, counts
    assert counts["Samenvatting"] >= 1 and counts["Gevoeligheid"] >= 1, counts


def _header_rows(ws) -> list[int]:
    """The rows of ``ws`` that head a table: three bold texts or more."""
    rows = []
    for row in ws.iter_rows():
        bold = [c for c in row if isinstance(c.value, str) and c.data_type == "s" and c.font.b]
        if len(bold) >= 3:
            rows.append(row[0].row)
    return rows


def _span(ws, cell) -> float:
    """The width of ``cell``'s column, or of the columns of the merged range it starts."""
    last = next(
        (r.max_col for r in ws.merged_cells.ranges if (r.min_row, r.min_col) == (cell.row, cell.column)),
        cell.column,
    )
    return sum(ws.column_dimensions[get_column_letter(c)].width for c in range(cell.column, last + 1))


def test_headers_break_at_word_breaks_on_the_comparison_and_sensitivity_sheets(project):
    """No header word is wider than its column: 'Standaardafwijking' printed as 'Standaardafwijk / ing'."""
    wb, _ = build_project_workbook(project)
    alt = project.results["wijkteam"]
    analysis = {
        "tornado": sensitivity.tornado(alt.model),
        "simulation": monte_carlo(alt.model, 200, seed=1),
        "break_even": [sensitivity.break_even(alt.model, "effects.minder-zorg.success")],
    }
    scenario_wb, _ = build_workbook(alt, analysis=analysis)
    for ws in (wb["Vergelijking"], scenario_wb["Gevoeligheid"]):
        heads = _header_rows(ws)
        assert len(heads) >= 2, ws.title
        for row in heads:
            for cell in ws[row]:
                if isinstance(cell.value, str) and cell.value:
                    widest = max(text_width(word, BOLD_SCALE) for word in cell.value.split())
                    assert widest <= _span(ws, cell) - 1, (ws.title, cell.coordinate, cell.value)


def test_an_alternative_heads_its_two_columns_on_the_comparison(project):
    """Above 'A1: Contante waarde' and 'A1: Verschil ...' the alternative's name spans both columns."""
    wb, cells = build_project_workbook(project)
    ws = wb["Vergelijking"]
    pv, delta = cells.line_cols["wijkteam"]
    head = min(cells.line_rows.values()) - 2  # the names above the header row
    assert ws[f"{pv}{head}"].value == "Wijkteam"
    assert f"{pv}{head}:{delta}{head}" in {str(r) for r in ws.merged_cells.ranges}


def test_the_break_even_note_shows_whole_and_the_sensitivity_sheet_prints_one_page_wide(tmp_path):
    """The note beside a break-even value wraps in full; it was cut after 5 lines of a 15-wide column."""
    result = mkba.evaluate(ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml")
    found = [sensitivity.break_even(result.model, "effects.minder-ots.attribution")]
    analysis = {"tornado": sensitivity.tornado(result.model), "break_even": found}
    path = result.to_excel(tmp_path / "gevoeligheid.xlsx", analysis=analysis)
    ws = openpyxl.load_workbook(path)["Gevoeligheid"]
    b = build_workbook(result, analysis=analysis)[1].layout.sensitivity["break_even"]
    note = ws[f"{b['cols']['note']}{b['rows']['effects.minder-ots.attribution']}"]
    lines = lines_needed(note.value, ws.column_dimensions[note.column_letter].width - 1)
    assert 1 < lines <= MAX_LINES and note.alignment.wrap_text
    assert ws.row_dimensions[note.row].height == row_height(lines)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.orientation == "landscape"


def test_sheets_built_in_memory_iterate_their_rows(project):
    """``ws.iter_rows()`` on a sheet of :func:`build_workbook` yields its rows (it yielded none)."""
    wb, _ = build_workbook(project.results["wijkteam"])
    ws = wb["Samenvatting"]
    first = next(ws.iter_rows())
    assert first[0].value == ws["A1"].value == "Wijkteam"
    assert sum(1 for _ in ws.iter_rows()) == ws.max_row


def test_a_distribution_in_words_wraps_beside_the_input_it_explains():
    """*Uitgangspunten*: 'uniform tussen 0,50 en 0,75; gemiddelde 0,625 (...)' was cut by the name beside it."""
    result = mkba.evaluate(ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml")
    ws = build_workbook(result)[0]["Uitgangspunten"]
    notes = [c for c in ws["D"] if isinstance(c.value, str) and c.value.startswith("uniform tussen")]
    assert notes
    width = ws.column_dimensions["D"].width
    for note in notes:
        lines = lines_needed(note.value, width - 1)
        assert lines > 1 and note.alignment.wrap_text, note.coordinate
        assert ws.row_dimensions[note.row].height == row_height(lines)
        assert ws.cell(note.row, 5).value  # its defined name beside it
    assert sum(d.width for d in ws.column_dimensions.values()) <= 200  # was 238: 5 pt on paper


def test_the_price_indexs_source_wraps_with_its_row_high_enough():
    """*Index*: its long source texts wrapped in rows of the default height, over the rows below them."""
    result = mkba.evaluate(ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml")
    ws = build_workbook(result)[0]["Index"]
    width = ws.column_dimensions["F"].width
    long = [c for c in ws["F"] if isinstance(c.value, str) and lines_needed(c.value, width - 1) > 1]
    assert len(long) >= 2  # the source and where in it
    for cell in long:
        assert cell.alignment.wrap_text, cell.coordinate
        assert ws.row_dimensions[cell.row].height == row_height(lines_needed(cell.value, width - 1))
