"""The workbook as a controller reads it: names, not code ids; Dutch words; charts and pages that print.

From a reader's review of the printed workbooks: the Dutch label in the column the reader scans (the
id, where a formula needs it, in a column of its own headed "Id"), no field names of the file beside
the Dutch terms (they have their own column), SIB terms in plain Dutch, a parties' chart that labels
every party, SIB blocks not split over two printed pages, and a pointer to the SIB simulation. The
printing test needs LibreOffice (``soffice``) and ``pdftotext``; it skips locally without them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest
from test_excel import soffice
from typer.testing import CliRunner

from mkba.cli.app import app
from mkba.report.excel.workbook import build_workbook
from mkba.result import evaluate

ROOT = Path(__file__).resolve().parents[1]
BZC = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"
NYC = ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"
PROJECT = ROOT / "scenarios" / "frontlijnteam-project.yaml"


@pytest.fixture(scope="module")
def bzc():
    result = evaluate(BZC)
    wb, ctx = build_workbook(result)
    return result, wb, ctx


def _column(ws, col: str, first: int, last: int) -> list:
    return [ws[f"{col}{r}"].value for r in range(first, last + 1)]


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_the_overview_names_each_line_and_keeps_its_id_in_a_column_headed_id(bzc):
    result, wb, _ = bzc
    ws = wb["Overzicht"]
    assert (ws["A4"].value, ws["B4"].value) == ("Post", "Id")
    firsts = [v for v in _column(ws, "A", 5, ws.max_row) if v]
    ids = {line.id for line in result.model.lines}
    assert not ids & set(firsts)  # no "programma", "minder-bijstand-21plus" where the reader scans
    assert "Buzinezzclub-programma (coaching, mini-MBA), per jongere" in firsts
    assert ids <= set(_column(ws, "B", 5, ws.max_row))


def test_cash_flows_book_each_flow_on_the_partys_name(bzc):
    result, wb, ctx = bzc
    ws = wb["Kasstromen"]
    parties = {ws[f"C{row}"].value for _, _, row in ctx.layout.posting_rows}
    assert parties == {result.stakeholder_label(n) for n in result.model.stakeholders}
    assert not parties & set(result.model.stakeholders)  # "investeerders", "gemeente"


def test_line_parameters_are_dutch_with_the_files_key_in_its_own_column(bzc):
    _, wb, _ = bzc
    ws = wb["Uitgangspunten"]
    params = [v for v in _column(ws, "B", 1, ws.max_row) if isinstance(v, str)]
    assert "Optimisme-correctie" in params and "Per" in params
    head = next(r for r in range(1, ws.max_row) if ws[f"A{r}"].value == "Regel")
    assert ws[f"F{head}"].value == "Veld in het bestand"
    fields = {v for v in _column(ws, "F", head + 1, ws.max_row) if v}
    assert {"optimism_bias", "drop_off", "per", "hours"} <= fields
    assert not [p for p in params if any(p.endswith(f"({f})") for f in fields)], (
        "a field name after a Dutch term"
    )


def test_the_sib_sheet_names_investors_and_outcomes_and_says_its_terms_in_dutch(bzc):
    _, wb, ctx = bzc
    ws = wb["SIB"]
    texts = _texts(ws)
    for code in ("abn-amro-sif", "start-foundation", "uitkeringsdagen"):
        assert [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)].count(code) == 0, code
    r = ctx.layout.sib["investor_rows"]["abn-amro-sif"]
    assert (ws[f"A{r}"].value, ws[f"B{r}"].value) == ("ABN AMRO Social Impact Fund", "abn-amro-sif")
    assert ws[f"B{r - 1}"].value == "Id"
    assert not [t for t in texts if "heel" in t or "ROUNDDOWN(…" in t]
    assert "naar beneden afgerond op centen" in texts
    split = [r for r in range(1, ws.max_row + 1) if str(ws[f"A{r}"].value).startswith("Verdeling zodra")]
    assert len(split) == 3 and {ws[f"B{r}"].value for r in split} == {"n.v.t."}
    assert "Discontovoet" in texts and "discontovoet" not in _column(ws, "A", 1, ws.max_row)


def test_the_comparison_names_each_post_and_keeps_its_id_beside_it(tmp_path):
    out = tmp_path / "flt.xlsx"
    res = CliRunner().invoke(app, ["run", str(PROJECT), "--xlsx", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out)["Vergelijking"]
    col_a = _column(ws, "A", 1, ws.max_row)
    assert "ots" not in col_a and "Jeugdbeschermingsmaatregelen (OTS) in de wijk" in col_a
    head = col_a.index("Post") + 1
    assert ws[f"B{head}"].value == "Id" and ws[f"B{head + 1}"].value == "ots"
    pm = col_a.index("Alternatief", head) + 1
    assert ws[f"F{pm}"].value == "Id" and "kwaliteit-van-leven" in _column(ws, "F", pm, ws.max_row)


def test_the_parties_chart_labels_every_party_with_few_level_ticks_in_millions():
    wb, _ = build_workbook(evaluate(NYC))
    charts = wb["Samenvatting"]._charts
    chart = next(c for c in charts if c.type == "bar")  # the horizontal one: the parties
    assert chart.x_axis.tickLblSkip == 1
    lo, hi, step = chart.y_axis.scaling.min, chart.y_axis.scaling.max, chart.y_axis.majorUnit
    assert step and (hi - lo) / step <= 5
    assert "mln" in chart.y_axis.numFmt.formatCode
    assert chart.y_axis.txPr.bodyPr.rot == 0
    assert chart.height > 7.0  # taller than two parties need: room for four parties' names


def test_the_sensitivity_sheet_says_where_the_sib_simulation_is(tmp_path):
    out = tmp_path / "nyc.xlsx"
    res = CliRunner().invoke(app, ["run", str(NYC), "--simulate", "50", "--xlsx", str(out)])
    assert res.exit_code == 0, res.output
    texts = _texts(openpyxl.load_workbook(out)["Gevoeligheid"])
    # the path as given: the command runs as printed
    assert any(f"mkba sib {NYC} --simulate 50 --seed" in t for t in texts)


def test_sib_blocks_start_on_a_new_page_rather_than_split(bzc):
    from mkba.report.excel.printing import set_up_printing

    _, wb, _ = bzc
    set_up_printing(wb, scenario="s", pricelist="p", lang="nl", summary="Samenvatting")
    ws = wb["SIB"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks
    assert all(ws.cell(b + 1, 1).font.b and ws.cell(b + 1, 1).value for b in breaks)  # before a block's title


def _pages(xlsx: Path, outdir: Path) -> list[str]:
    """The text of each page LibreOffice prints of ``xlsx`` (Dutch locale)."""
    binary = soffice()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    profile = Path(tempfile.mkdtemp(prefix="mkba-lo-profile-"))
    try:
        cmd = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
        cmd += ["--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)]
        env = {"LANG": "nl_NL.UTF-8", "LC_ALL": "nl_NL.UTF-8", "HOME": str(profile), "PATH": "/usr/bin:/bin"}
        subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = outdir / (xlsx.stem + ".pdf")
    assert pdf.exists()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return text.split("\f")


@pytest.mark.parametrize("scenario", [BZC, NYC], ids=["bzc", "nyc"])
def test_printed_sib_outcomes_title_is_on_the_page_of_its_rows(tmp_path, scenario):
    xlsx = tmp_path / f"{scenario.stem}.xlsx"
    evaluate(scenario).to_excel(xlsx)
    pages = _pages(xlsx, tmp_path)
    sib = [p for p in pages if "Social Impact Bond:" in p]
    titled = [p for p in sib if re.search(r"^\s*Uitkomsten\s*$", p, re.M)]
    assert titled, "the Uitkomsten block is printed"
    for page in titled:
        after = page[re.search(r"^\s*Uitkomsten\s*$", page, re.M).end() :]
        assert "Deelnemers" in after and "sib_outcome_level" in after, (
            "its header and rows follow on the page"
        )


def test_percentages_have_a_space_before_the_sign_as_in_the_report(bzc):
    _, wb, _ = bzc
    ((title, ref),) = wb.defined_names["discount_rate"].destinations
    assert wb[title][ref.replace("$", "")].number_format == "0.00 %"  # 2,25 %, not 2,25%
    assert not [c.coordinate for c in wb["SIB"]["B"] if c.number_format == "0.00%"]


def test_the_summary_says_ja_or_nee_for_a_public_party_and_keeps_the_flag(bzc):
    _, wb, _ = bzc
    ws = wb["Samenvatting"]
    head = next(r for r in range(1, ws.max_row) if ws[f"A{r}"].value == "Partij")
    assert ws[f"B{head}"].value == "Publiek"  # not "Publiek (1 = ja)": the cell shows ja or nee
    assert ws[f"B{head + 1}"].value.startswith("=public_")
    assert ws[f"B{head + 1}"].number_format == '"ja";"ja";"nee"'


# -- the third read: cents, empty blocks, titles across pages, ids beside labels ----------------------
RF = ROOT / "scenarios" / "sib" / "resultaatfinanciering-gemeente.yaml"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The workbooks as ``mkba run --xlsx`` writes them (widths and print settings applied), by key."""
    out = tmp_path_factory.mktemp("saved")
    books = {}
    for key, scenario in (("bzc", BZC), ("nyc", NYC), ("rf", RF)):
        path = evaluate(scenario).to_excel(out / f"{key}.xlsx")
        books[key] = openpyxl.load_workbook(path)
    return books


def _rows_starting(ws, text: str) -> list[int]:
    return [r for r in range(1, ws.max_row + 1) if str(ws[f"A{r}"].value or "").startswith(text)]


def test_rows_rounded_to_cents_show_cents(saved):
    """'Cumulatief, afgerond op centen' and 'Verschuldigd' showed € 227.114 where the contract pays 227.113,60."""
    ws = saved["bzc"]["SIB"]
    rows = _rows_starting(ws, "Cumulatief, afgerond op centen") + _rows_starting(ws, "Verschuldigd")
    assert len(rows) >= 3
    for r in rows:
        amounts = [c for c in ws[r][2:] if isinstance(c.value, str) and c.value.startswith("=")]
        assert amounts, r
        for cell in amounts:
            assert cell.number_format.split(";")[0].endswith("0.00"), (cell.coordinate, cell.number_format)
        # and the column is wide enough for them: 454.227,20 with room
        assert all(ws.column_dimensions[c.column_letter].width >= 12 for c in amounts)


def test_a_price_list_without_items_is_one_line_not_pages_of_headers(saved):
    ws = saved["nyc"]["Prijslijst"]
    assert ws.max_column == 1 and ws.max_row == 2  # no header row of 19 columns over nothing
    assert ws["A2"].value.startswith("Geen prijsposten uit de prijslijst gebruikt")
    assert str(ws.print_area).endswith("$A$1:$A$2")
    assert ws["A1"].alignment.wrap_text and ws.row_dimensions[1].height > 30  # the title whole, wrapped


def test_a_contract_without_investors_prints_geen_under_the_investor_blocks(saved):
    ws = saved["rf"]["SIB"]
    for title in ("Investeerders (euro)", "Aanvulling tot de bodem", "Kasstromen investeerders (euro)"):
        (r,) = [r for r in _rows_starting(ws, title) if ws[f"A{r}"].font.b and ws[f"A{r}"].value == title]
        assert ws[f"A{r + 1}"].value == "geen", title
        assert all(c.value is None for c in ws[r + 1][1:]), title  # no header of periods over nothing
        assert all(c.value is None for c in ws[r][1:]), title


@pytest.mark.parametrize(("key", "sheet"), [("bzc", "Prijslijst"), ("nyc", "Kasstromen")])
def test_titles_wrap_within_the_columns_every_page_across_repeats(saved, key, sheet):
    """Printed two pages wide, page 2 showed 'Prijslijst: Maatscha|' and 'Blauwe cellen zijn invoer: wi|'."""
    from mkba.report.excel.fit import lines_needed

    ws = saved[key][sheet]
    assert ws.page_setup.fitToWidth > 1 and ws.print_title_cols
    last = ws.print_title_cols.replace("$", "").split(":")[-1]
    room = sum(ws.column_dimensions[c].width for c in "ABCDEFGH"[: "ABCDEFGH".index(last) + 1])
    for r in (1, 2):
        cell = ws[f"A{r}"]
        assert cell.alignment.wrap_text, r
        spans = [m for m in ws.merged_cells.ranges if m.min_row == r and m.min_col == 1]
        assert all(m.max_col == "ABCDEFGH".index(last) + 1 for m in spans), (
            spans
        )  # not beyond the repeated columns
        scale = (cell.font.sz or 11) / 11
        lines = lines_needed(cell.value, room, scale * (1.2 if cell.font.b else 1.0))
        assert ws.row_dimensions[r].height >= 14.5 * scale * lines, r


def test_the_irr_in_words_fits_its_column_word_by_word(saved):
    """'n.v.t. (meerdere tekenwisselingen)' printed its ')' alone on a line: its last word was too wide."""
    from mkba.report.excel.fit import text_width

    ws = saved["nyc"]["Samenvatting"]
    (r,) = [r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "Interne rentevoet"]
    text = ws[f"B{r}"].value
    assert text.startswith("n.v.t.")
    width = ws.column_dimensions["B"].width
    assert max(text_width(word) for word in text.split()) <= width - 1.5, text
    assert " )" not in text


def test_the_dominant_header_stands_clear_of_its_neighbour(tmp_path):
    out = tmp_path / "flt.xlsx"
    res = CliRunner().invoke(app, ["run", str(PROJECT), "--xlsx", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out)["Vergelijking"]
    (cell,) = [c for row in ws.iter_rows(max_row=10) for c in row if c.value == "dominant"]
    assert cell.alignment.indent >= 1  # "Extra baten per" ran into "dominant"
    assert ws.cell(cell.row + 1, cell.column).alignment.indent >= 1


def test_cash_flows_and_inputs_name_each_line_and_party(saved, bzc):
    result, _, ctx = bzc
    ids = {line.id for line in result.model.lines}
    wb = saved["bzc"]
    fl = wb["Kasstromen"]
    assert (fl["A4"].value, fl["B4"].value) == ("Regel", "Id")
    for line in result.model.lines:
        r = ctx.layout.line_rows[line.id]
        assert (fl[f"A{r}"].value, fl[f"B{r}"].value) == (line.label_in("nl"), line.id)
    for line_id, _, r in ctx.layout.posting_rows:
        assert fl[f"B{r}"].value == line_id and fl[f"A{r}"].value not in ids
    ws = wb["Uitgangspunten"]
    col_a = _column(ws, "A", 1, ws.max_row)
    assert not ids & set(col_a)  # "programma", "minder-bijstand-21plus"
    head = col_a.index("Regel") + 1
    assert ws[f"A{head + 1}"].value == result.model.lines[0].label_in("nl")
    parties = col_a.index("Partij") + 1
    assert ws[f"D{parties}"].value == "Id"
    rows = range(parties + 1, parties + 1 + len(result.model.stakeholders))
    assert [ws[f"D{r}"].value for r in rows] == list(result.model.stakeholders)
    assert [ws[f"A{r}"].value for r in rows] == [
        result.stakeholder_label(n) for n in result.model.stakeholders
    ]


def test_the_inputs_last_header_wraps_within_the_printed_columns(saved):
    """'Veld in het bestand' ran past column F, the print area's last: printed 'Veld in het bestan|'."""
    ws = saved["bzc"]["Uitgangspunten"]
    (r,) = [r for r in range(1, ws.max_row + 1) if ws[f"F{r}"].value == "Veld in het bestand"]
    assert str(ws.print_area).split(":")[-1].startswith("$F$")
    assert ws[f"F{r}"].alignment.wrap_text and ws.row_dimensions[r].height > 20
