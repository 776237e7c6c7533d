"""The Excel export: a live, auditable workbook that a real spreadsheet engine recalculates to the core's figures.

The workbook is recalculated by LibreOffice (headless, Debian package
``libreoffice-calc-nogui``). Without ``soffice`` these tests skip locally and
fail in CI (``CI`` set in the environment).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from glob import glob
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from mkba.engine.figures import figures
from mkba.engine.model import compile_scenario
from mkba.report.excel.workbook import build_workbook, write_workbook
from mkba.result import Result, evaluate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(glob(str(ROOT / "tests" / "data" / "excel_*.yaml")))
SCENARIOS = [  # scenario files (a project file, format mkba-project/1, has a workbook of its own)
    p
    for p in sorted(glob(str(ROOT / "scenarios" / "*.yaml")))
    if "format: mkba-project/1" not in Path(p).read_text(encoding="utf-8")
] + FIXTURES
FULL = str(ROOT / "tests" / "data" / "excel_full.yaml")
CENT = 0.005

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The LibreOffice binary; skip (locally) or fail (in CI) when it is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = (
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui "
            "to recalculate the exported workbooks"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def recalc(files: list[Path], outdir: Path) -> list[Path]:
    """Recalculate ``files`` in LibreOffice (a private profile, always recalculating on load).

    Returns the recalculated copies in ``outdir`` (same names), with cached values
    that openpyxl reads with ``data_only=True``.
    """
    binary = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="mkba-lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(_XCU)
        cmd = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = [outdir / Path(f).name for f in files]
    missing = [str(p) for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout}\n{proc.stderr}"
    return out


def with_inputs(result: Result, changes: dict[str, float]) -> Result:
    """The core's result with some inputs (by model input name) set to other values."""
    model = result.model
    theta = model.base.copy()
    for name, value in changes.items():
        theta[model.input_index(name)] = value
    flows = model.evaluate(theta[None, :])
    return Result(model, flows, figures(model, flows), lang=result.lang)


def set_cells(src: Path, dst: Path, cells: dict[tuple[str, str], float]) -> None:
    wb = openpyxl.load_workbook(src)
    for (sheet, cell), value in cells.items():
        wb[sheet][cell].value = value
    wb.save(dst)


# -- comparing a recalculated workbook with the core -----------------------------------------------
def _close(got, want, what: str, tol: float = CENT) -> None:
    assert isinstance(got, (int, float)) and not isinstance(got, bool), (
        f"{what}: expected a number, got {got!r}"
    )
    assert abs(got - want) <= tol, f"{what}: workbook {got!r} != core {want!r}"


def _optional(got, want, what: str, tol: float, na: str) -> None:
    if want is None:
        assert isinstance(got, str) and got.startswith(na), f"{what}: expected {na!r}, got {got!r}"
    else:
        _close(got, want, what, tol)


def check_workbook(path: Path, layout, result: Result) -> None:
    """Every figure on the summary sheet and every present value on the flows sheet, to the cent."""
    wb = openpyxl.load_workbook(path, data_only=True)
    summary, flows = wb[layout.sheets["summary"]], wb[layout.sheets["flows"]]
    na = "n.v.t." if result.lang != "en" else "n/a"
    errors = [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and (c.value.startswith("#") or c.value.startswith("Err:"))
    ]
    assert not errors, f"spreadsheet errors: {errors[:10]}"
    fig = layout.figures
    for name in ("pv_costs", "pv_benefits", "npv", "volunteer_value_pv"):
        _close(summary[fig[name]].value, getattr(result, name), name)
    for name in ("bcr", "net_return"):
        want = getattr(result, name)
        _optional(summary[fig[name]].value, want, name, 1e-9 * max(1.0, abs(want or 0)), na)
    got = summary[fig["payback_year"]].value
    if result.payback_year is None:
        assert got == na
    else:
        assert got == result.payback_year
    _optional(summary[fig["irr"]].value, result.irr, "irr", 1e-6, na)

    table = result.stakeholder_table().set_index("stakeholder")
    cols = layout.stakeholder_cols
    for name, row in layout.stakeholder_rows.items():
        for key in ("pv_costs", "pv_benefits", "npv"):
            _close(summary[f"{cols[key]}{row}"].value, float(table.loc[name, key]), f"{name}.{key}")
        assert summary[f"{cols['public']}{row}"].value == int(table.loc[name, "public"])
    for key, want in (
        ("pv_costs", result.fiscal_pv_costs),
        ("pv_benefits", result.fiscal_pv_benefits),
        ("npv", result.fiscal_npv),
    ):
        _close(summary[f"{cols[key]}{layout.fiscal_row}"].value, want, f"fiscal.{key}")
    for key in ("pv_costs", "pv_benefits", "npv"):
        _close(summary[f"{cols[key]}{layout.society_row}"].value, getattr(result, key), f"society.{key}")

    # the flows sheet: discount factors, gross amounts, postings and their present values, totals
    model, fl = result.model, result.flows
    df = fl.discount[0]
    for i, col in enumerate(layout.year_cols):
        assert flows[f"{col}{layout.year_row}"].value == model.years[i]
        _close(flows[f"{col}{layout.discount_row}"].value, df[i], f"DF {model.years[i]}", 1e-12)
    for li, line in enumerate(model.lines):
        row = layout.line_rows[line.id]
        for i, col in enumerate(layout.year_cols):
            _close(flows[f"{col}{row}"].value, fl.gross[0, li, i], f"{line.id} {model.years[i]}")
        _close(flows[f"{layout.pv_col}{row}"].value, float(fl.gross[0, li] @ df), f"{line.id} PV")
    for p, (line_id, stakeholder, row) in enumerate(layout.posting_rows):
        posted = fl.posted[0, p]
        assert flows[f"B{row}"].value == line_id and flows[f"C{row}"].value == result.stakeholder_label(
            stakeholder
        )
        for i, col in enumerate(layout.year_cols):
            _close(flows[f"{col}{row}"].value, posted[i], f"{line_id}/{stakeholder} {model.years[i]}")
        _close(flows[f"{layout.pv_col}{row}"].value, float(posted @ df), f"{line_id}/{stakeholder} PV")
        _close(flows[f"{layout.pv_pos_col}{row}"].value, float(np.maximum(posted, 0) @ df), "PV benefits")
        _close(flows[f"{layout.pv_neg_col}{row}"].value, float(-np.minimum(posted, 0) @ df), "PV costs")
    yearly = result.yearly_frame()
    for key, row in (
        ("costs", layout.costs_row),
        ("benefits", layout.benefits_row),
        ("net_flow", layout.net_row),
        ("discounted_net_flow", layout.discounted_row),
        ("cumulative_discounted", layout.cumulative_row),
    ):
        for i, col in enumerate(layout.year_cols):
            _close(flows[f"{col}{row}"].value, float(yearly[key].iloc[i]), f"{key} {model.years[i]}")
    for key, row in (
        ("costs", layout.costs_row),
        ("benefits", layout.benefits_row),
        ("net_flow", layout.net_row),
    ):
        _close(
            flows[f"{layout.pv_col}{row}"].value, float(yearly[key] @ yearly["discount_factor"]), f"PV {key}"
        )
    _close(flows[f"{layout.pv_col}{layout.discounted_row}"].value, result.npv, "PV net flow")


# -- the tests ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: Path(p).name)
def test_recalculated_workbook_matches_core_and_follows_the_discount_rate(scenario, tmp_path):
    result = evaluate(scenario)
    wb, ctx = build_workbook(result)
    original = tmp_path / "original.xlsx"
    wb.save(original)
    new_rate = 0.04 if abs(result.discount_rate - 0.04) > 1e-9 else 0.03
    sheet, cell, name = ctx.layout.inputs["discount_rate"]
    assert name == "discount_rate"
    changed = tmp_path / "changed_rate.xlsx"
    set_cells(original, changed, {(sheet, cell): new_rate})
    out_original, out_changed = recalc([original, changed], tmp_path / "recalculated")
    check_workbook(out_original, ctx.layout, result)
    check_workbook(out_changed, ctx.layout, evaluate(scenario, discount_rate=new_rate))


def test_every_input_cell_is_live(tmp_path):
    """Changing a success share, participants, a price and the price year moves every figure as the core."""
    result = evaluate(FULL)
    wb, ctx = build_workbook(result)
    original = tmp_path / "original.xlsx"
    wb.save(original)
    inputs = ctx.layout.inputs
    changes = {
        "effects.minder-bijstand.success": 0.55,
        "participants.2026": 45.0,
        "price.huisuitzetting": 9000.0,
        "costs.begeleiding.amount": 1800.0,
        "effects.welzijn.drop_off": 0.3,
        "volunteers.maatjes.hours": 1500.0,
        # effects per: year (at area level): drop-off counts from the first year of the range
        "effects.wijk-uitzettingen.drop_off": 0.05,
        "effects.wijk-uitzettingen.success": 0.95,
        "effects.wijk-bijstand.drop_off": 0.05,
    }
    edited = tmp_path / "edited.xlsx"
    set_cells(original, edited, {inputs[k][:2]: v for k, v in changes.items()})
    price_year = tmp_path / "price_year.xlsx"
    wb2 = openpyxl.load_workbook(original)
    dn = wb2.defined_names["price_year"]
    ((title, ref),) = dn.destinations
    set_cells(original, price_year, {(title, ref.replace("$", "")): 2023})
    out_edited, out_price_year = recalc([edited, price_year], tmp_path / "recalculated")
    check_workbook(out_edited, ctx.layout, with_inputs(result, changes))
    check_workbook(out_price_year, ctx.layout, evaluate(FULL, price_year=2023))


def test_user_text_never_becomes_a_formula(tmp_path):
    result = evaluate(FULL)
    wb, ctx = build_workbook(result)
    path = tmp_path / "injection.xlsx"
    wb.save(path)
    row = ctx.layout.line_rows["opstart"]
    flows_title = ctx.layout.sheets["flows"]
    hostile = '=HYPERLINK("http://x","y")'
    raw = openpyxl.load_workbook(path)
    assert raw[flows_title][f"A{row}"].value == hostile
    assert raw[flows_title][f"A{row}"].data_type == "s"
    assert raw[flows_title][f"A{row}"].quotePrefix
    for label in ("+coördinator; -kosten @team", "@welzijn"):
        cells = [c for ws in raw for r in ws.iter_rows() for c in r if c.value == label]
        assert cells and all(c.data_type == "s" for c in cells)
    # no formula anywhere carries user text
    formulas = [c.value for ws in raw for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas and not any("HYPERLINK" in f or "coördinator" in f for f in formulas)
    (out,) = recalc([path], tmp_path / "recalculated")
    recalculated = openpyxl.load_workbook(out)
    cell = recalculated[flows_title][f"A{row}"]
    assert cell.value == hostile and cell.data_type == "s"
    assert openpyxl.load_workbook(out, data_only=True)[flows_title][f"A{row}"].value == hostile
    assert not recalculated[flows_title][f"A{row}"].hyperlink


def test_hostile_scenario_name_and_missing_ratio(tmp_path):
    path = ROOT / "tests" / "data" / "excel_benefits_only.yaml"
    result = evaluate(path)
    assert result.bcr is None and result.irr is None
    wb, ctx = build_workbook(result)
    summary = wb[ctx.layout.sheets["summary"]]
    assert summary["A1"].value == result.scenario.name and summary["A1"].data_type == "s"
    out = tmp_path / "benefits_only.xlsx"
    wb.save(out)
    (recalculated,) = recalc([out], tmp_path / "recalculated")
    values = openpyxl.load_workbook(recalculated, data_only=True)[ctx.layout.sheets["summary"]]
    assert values[ctx.layout.figures["bcr"]].value == "n.v.t."
    assert values[ctx.layout.figures["irr"]].value.startswith("n.v.t.")
    assert values["A1"].value == result.scenario.name


def test_nan_and_infinity_are_visible_text():
    result = evaluate(FULL)
    wb, ctx = build_workbook(result)
    ws = wb.create_sheet("probe")
    for i, value in enumerate([float("nan"), float("inf"), -math.inf, np.float64("nan"), None]):
        cell = ctx.number(ws, 1, i + 1, value, "0.00")
        assert cell.value == "n.v.t." and cell.data_type == "s"
    assert ctx.number(ws, 2, 1, np.float64(1.5)).value == 1.5


def test_defined_names_number_formats_tables_and_charts(tmp_path):
    result = evaluate(FULL)
    path = tmp_path / "full.xlsx"
    result.to_excel(path)
    wb = openpyxl.load_workbook(path)
    names = set(wb.defined_names)
    for name in (
        "discount_rate",
        "price_year",
        "base_year",
        "pv_costs",
        "pv_benefits",
        "npv",
        "bcr",
        "net_return",
        "payback_year",
        "irr",
        "volunteer_value_pv",
        "fiscal_npv",
        "participants_2024",
        "effects_minder_bijstand_success",
        "item_huisuitzetting",
    ):
        assert name in names, name
    assert wb.sheetnames == [
        "Overzicht",
        "Samenvatting",
        "Uitgangspunten",
        "Prijslijst",
        "Index",
        "Kasstromen",
    ]
    ((sheet, ref),) = wb.defined_names["npv"].destinations
    assert sheet == "Samenvatting" and wb[sheet][ref.replace("$", "")].data_type == "f"
    ((sheet, ref),) = wb.defined_names["discount_rate"].destinations
    assert wb[sheet][ref.replace("$", "")].value == pytest.approx(0.0225)
    assert wb[sheet][ref.replace("$", "")].number_format == "0.00 %"
    summary = wb["Samenvatting"]
    assert "€" in summary["B5"].number_format
    assert summary.freeze_panes and wb["Kasstromen"].freeze_panes
    assert sum(len(ws.tables) for ws in wb) >= 5
    for ws in wb:
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width >= 9
    # charts do not survive openpyxl's reader: look in the package itself
    import zipfile

    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


def test_every_figure_is_a_formula():
    result = evaluate(FULL)
    wb, ctx = build_workbook(result)
    summary, flows = wb[ctx.layout.sheets["summary"]], wb[ctx.layout.sheets["flows"]]
    for name, cell in ctx.layout.figures.items():
        assert summary[cell].data_type == "f", name
    for row in [
        *ctx.layout.line_rows.values(),
        *(r for _, _, r in ctx.layout.posting_rows),
        ctx.layout.net_row,
        ctx.layout.discount_row,
        ctx.layout.cumulative_row,
    ]:
        for col in ctx.layout.year_cols:
            assert flows[f"{col}{row}"].data_type == "f"
    for row in [*ctx.layout.line_rows.values(), *(r for _, _, r in ctx.layout.posting_rows)]:
        for col in (ctx.layout.pv_col, ctx.layout.pv_pos_col, ctx.layout.pv_neg_col):
            assert flows[f"{col}{row}"].data_type == "f" or row in ctx.layout.line_rows.values()


def test_english_workbook_and_cli(tmp_path):
    from typer.testing import CliRunner

    from mkba.cli.app import app

    out = tmp_path / "en.xlsx"
    run = CliRunner().invoke(app, ["run", FULL, "--xlsx", str(out), "--lang", "en"])
    assert run.exit_code == 0, run.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Overview", "Summary", "Inputs", "Prices", "Index", "Cashflows"]
    assert wb["Summary"]["A5"].value == "Present value of costs"
    dutch = tmp_path / "nl.xlsx"
    run = CliRunner().invoke(app, ["run", FULL, "--xlsx", str(dutch)])
    assert run.exit_code == 0, run.output
    assert openpyxl.load_workbook(dutch).sheetnames[:2] == ["Overzicht", "Samenvatting"]


def test_english_workbook_recalculates(tmp_path):
    result = evaluate(FULL, lang="en")
    wb, ctx = build_workbook(result, "en")
    path = tmp_path / "en.xlsx"
    wb.save(path)
    (out,) = recalc([path], tmp_path / "recalculated")
    check_workbook(out, ctx.layout, result)


def test_sheet_writer_extension_point(tmp_path):
    seen = []

    def extra(wb, ctx):
        ws = wb.create_sheet("SIB")
        ctx.text(ws, 1, 1, "=not a formula")
        ctx.formula(ws, 2, 1, f"={ctx.ref('summary', ctx.layout.figures['npv'])}")
        ctx.define(wb, "sib_probe", ws, "A2")
        seen.append(ctx.layout.sheets["summary"])

    path = write_workbook(evaluate(FULL), tmp_path / "x.xlsx", sheet_writers=[extra])
    wb = openpyxl.load_workbook(path)
    assert seen == ["Samenvatting"] and wb.sheetnames[-1] == "SIB"
    assert wb["SIB"]["A1"].data_type == "s" and wb["SIB"]["A2"].value == "='Samenvatting'!$B$7"
    assert "sib_probe" in wb.defined_names


def test_write_is_atomic_and_checks_folder(tmp_path):
    from mkba.errors import MkbaError

    with pytest.raises(MkbaError):
        write_workbook(evaluate(FULL), tmp_path / "missing" / "x.xlsx")
    assert not list(tmp_path.iterdir())


def test_workbook_refuses_another_price_index():
    from mkba.errors import MkbaError
    from mkba.pricelist.index import PriceIndex
    from mkba.pricelist.registry import load_pricelist
    from mkba.scenario.model import load_scenario

    other = PriceIndex({y: 100.0 + y - 2000 for y in range(2000, 2031)}, name="other")
    scenario = load_scenario(FULL)
    model = compile_scenario(scenario, load_pricelist(scenario.pricelist), index=other)
    flows = model.evaluate()
    result = Result(model, flows, figures(model, flows))
    with pytest.raises(MkbaError, match="price index"):
        build_workbook(result)
    wb, _ = build_workbook(result, index=other)
    assert wb.sheetnames[:2] == ["Overzicht", "Samenvatting"]


def test_price_ranges_in_the_readers_words_and_notation():
    """An uncertain price's range and mean on the price sheet: Dutch words and notation, or English."""
    frontlijn = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"
    notes = {}
    for lang in ("nl", "en"):
        wb, ctx = build_workbook(evaluate(frontlijn, lang=lang), lang)
        ws = wb[ctx.layout.sheets["prices"]]
        notes[lang] = " ".join(c.value for c in ws["Q"] if isinstance(c.value, str) and "PERT" in c.value)
    assert (
        "laag 5.000, hoog 10.000: PERT: laag 5.000, meest waarschijnlijk 7.500, hoog 10.000; gemiddelde 7.500"
        in notes["nl"]
    )
    assert "gemiddelde 7.426,5" in notes["nl"] and "mean" not in notes["nl"] and "=" not in notes["nl"]
    assert (
        "low 5,000, high 10,000: PERT: low 5,000, most likely 7,500, high 10,000; mean 7,500" in notes["en"]
    )


def test_distributions_and_the_price_index_in_the_readers_words(tmp_path):
    """Uitgangspunten writes a distribution in words and Dutch notation, and names the price index.

    It wrote ``uniform(low=0.5, high=0.75); gemiddelde 0,625`` (English parameter names, decimal
    points in a Dutch cell) and ``Prijsindex: cbs-cpi`` (a code) on Uitgangspunten and Samenvatting.
    """
    frontlijn = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"
    words = {
        "nl": ("uniform tussen 0,50 en 0,75; gemiddelde 0,625", "CBS consumentenprijsindex (CPI)"),
        "en": ("uniform between 0.50 and 0.75; mean 0.625", "CBS consumer price index (CPI)"),
    }
    for lang, (dist, index) in words.items():
        path = tmp_path / f"frontlijn-{lang}.xlsx"
        evaluate(frontlijn, lang=lang).to_excel(path, lang=lang)
        wb = openpyxl.load_workbook(path)
        titles = {"nl": ("Uitgangspunten", "Samenvatting"), "en": ("Inputs", "Summary")}[lang]
        texts = {
            title: [str(c.value) for row in wb[title].iter_rows() for c in row if c.value] for title in titles
        }
        inputs = " | ".join(texts[titles[0]])
        assert dist in inputs, lang
        assert "low=" not in inputs and "uniform(" not in inputs, lang
        for title in titles:
            assert index in texts[title] and "cbs-cpi" not in texts[title], title


def test_the_defaults_used_are_written_in_the_readers_words(run, make_scenario, tmp_path):
    """Uitgangspunten and the summary's provenance say why a default was taken, in Dutch or English."""
    scenario = make_scenario(
        discount_rate=None,
        participants={2015: 1},
        costs=[{"id": "c", "amount": 100, "year": 2015, "payer": "gemeente", "per": "once"}],
    )
    r = run(scenario)
    assert set(r.model.used_defaults) >= {"base_year", "discount_rate"}
    for lang, why in (("nl", "standaard: het startjaar"), ("en", "default: the start year")):
        path = tmp_path / f"defaults-{lang}.xlsx"
        r.to_excel(path, lang=lang)
        wb = openpyxl.load_workbook(path)
        texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
        assert why in texts  # the note beside the base year on Uitgangspunten / Inputs
        assert any(t.startswith("2015 (") and why in t for t in texts)  # the provenance on the summary
        assert not any("start_year)" in t for t in texts)


def test_a_dutch_workbook_writes_the_scenarios_choices_in_words(tmp_path):
    """Soort, Per, units and the nature of a price in Dutch words, not the file format's values."""
    root = Path(__file__).resolve().parents[1]
    codes = {
        "cost",
        "avoided_cost",
        "added_cost",
        "benefit",
        "once",
        "year",
        "participant",
        "participant_year",
    }
    codes |= {
        "hour",
        "month",
        "day",
        "case",
        "resource",
        "transfer",
        "in_kind_cost",
        "memo",
    }  # "contact" is Dutch too
    for name in ("tutorial.yaml", "frontlijnteam-leeuwarden.yaml", "buuv-haarlem.yaml"):
        path = tmp_path / f"{name}.xlsx"
        evaluate(root / "scenarios" / name).to_excel(path)
        wb = openpyxl.load_workbook(path)
        cells = [
            c.value
            for title in ("Uitgangspunten", "Prijslijst")
            for row in wb[title].iter_rows()
            for c in row
        ]
        assert not codes & {c for c in cells if isinstance(c, str)}, name
        assert "1 year = 12 months = 52 weeks = 365 days" not in cells
