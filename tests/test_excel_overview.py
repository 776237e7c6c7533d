"""The overview sheet (MKBA-overzichtstabel) and the project workbook, recalculated by LibreOffice.

Every amount on the *Overzicht* sheet equals ``Result.line_rows()`` summed per line and stakeholder,
to the cent, for every example scenario; the comparison sheet of a project equals
``ProjectResult.to_dict()`` (figures, deltas, ratio, dominance, rank, per stakeholder, per line),
also after an input of an alternative is changed in the workbook and it is recalculated: the
deltas are live formulas over the alternatives' sheets. Without ``soffice`` these tests skip
locally and fail in CI (see tests/test_excel.py).
"""

from __future__ import annotations

from functools import partial
from glob import glob
from pathlib import Path

import openpyxl
import pytest
from conftest import core_pricelist_data, write_yaml
from test_excel import FULL, _close, recalc, set_cells, with_inputs

import mkba
from mkba.errors import MkbaError
from mkba.project import ProjectResult
from mkba.report.excel.overview import OverviewCells, plan_overview
from mkba.report.excel.project import ComparisonCells, build_project_workbook, write_project_workbook
from mkba.report.excel.workbook import build_workbook
from mkba.result import Result

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(glob(str(ROOT / "scenarios" / "*.yaml")))
SCENARIOS = [f for f in FILES if "format: mkba-project/1" not in Path(f).read_text(encoding="utf-8")] + [FULL]
PROJECTS = [f for f in FILES if f not in SCENARIOS]
SHIPPED_PROJECT = ROOT / "scenarios" / "frontlijnteam-project.yaml"


# -- checking an overview sheet against the core ----------------------------------------------------
def no_errors(wb) -> None:
    errors = [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and (c.value.startswith("#") or c.value.startswith("Err:"))
    ]
    assert not errors, f"spreadsheet errors: {errors[:10]}"


def money(value) -> float:
    """An empty cell is no money."""
    return 0.0 if value is None else value


def check_overview(ws, cells: OverviewCells, result: Result) -> None:
    """Every cell of the overview: per line and stakeholder, totals, subtotals, saldo, check row, PM."""
    rows = result.line_rows()
    m = result.model
    for line in m.lines:
        r = cells.line_rows[line.id]
        assert ws[f"B{r}"].value == line.id  # its label in A, its id beside it
        mine = [x for x in rows if x["id"] == line.id]
        if line.memo:
            _close(ws[f"{cells.memo_col}{r}"].value, sum(x["pv"] for x in mine), f"{line.id} memo")
            assert ws[f"{cells.total_col}{r}"].value is None
            continue
        for name, col in cells.stakeholder_cols.items():
            want = sum(x["pv"] for x in mine if x["stakeholder"] == name)
            _close(money(ws[f"{col}{r}"].value), want, f"{line.id} / {name}")
        want = sum(x["pv"] for x in mine if not x["transfer"])
        _close(ws[f"{cells.total_col}{r}"].value, want, f"{line.id} total")
    for group, (_, sub) in cells.group_rows.items():
        ids = {line.id for line in m.lines if line.group == group}
        part = [x for x in rows if x["id"] in ids and not x["memo"]]
        for name, col in cells.stakeholder_cols.items():
            want = sum(x["pv"] for x in part if x["stakeholder"] == name)
            _close(ws[f"{col}{sub}"].value, want, f"subtotal {group} / {name}")
        want = sum(x["pv"] for x in part if not x["transfer"])
        _close(ws[f"{cells.total_col}{sub}"].value, want, f"subtotal {group}")
    stakeholders = {r["stakeholder"]: r["npv"] for r in result.stakeholder_rows()}
    for name, col in cells.stakeholder_cols.items():
        for row in (cells.saldo_row, cells.check_row):
            _close(ws[f"{col}{row}"].value, stakeholders[name], f"saldo / {name}")
    _close(ws[f"{cells.total_col}{cells.saldo_row}"].value, result.npv, "saldo")
    _close(ws[f"{cells.total_col}{cells.check_row}"].value, result.npv, "saldo in the summary")
    for p in result.pm_rows():
        r = cells.pm_rows[p["id"]]
        assert ws[f"B{r}"].value == p["id"] and ws[f"A{r}"].value == p["label"]
        assert all(
            ws[f"{col}{r}"].value is None or isinstance(ws[f"{col}{r}"].value, str) for col in "ABCDE"
        )  # PM is never a number
    # the PM-posten are below every sum
    assert not cells.pm_rows or min(cells.pm_rows.values()) > cells.check_row


# -- the scenario workbook: its first sheet ---------------------------------------------------------
@pytest.fixture(scope="module")
def recalculated_scenarios(tmp_path_factory):
    """Every example scenario's workbook, as written and with another discount rate, recalculated once."""
    tmp = tmp_path_factory.mktemp("overview")
    cases, files = {}, []
    for k, scenario in enumerate(SCENARIOS):
        result = mkba.evaluate(scenario)
        wb, ctx = build_workbook(result)
        original = tmp / f"s{k}.xlsx"
        wb.save(original)
        rate = 0.04 if abs(result.discount_rate - 0.04) > 1e-9 else 0.03
        changed = tmp / f"s{k}_rate.xlsx"
        set_cells(original, changed, {ctx.layout.inputs["discount_rate"][:2]: rate})
        cells = plan_overview(ctx, wb.sheetnames[0])
        cases[scenario] = (cells, result, mkba.evaluate(scenario, discount_rate=rate))
        files += [original, changed]
    out = recalc(files, tmp / "recalculated")
    return {s: (*cases[s], out[2 * k], out[2 * k + 1]) for k, s in enumerate(SCENARIOS)}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: Path(p).name)
def test_overview_is_the_first_sheet_and_equals_the_line_rows(scenario, recalculated_scenarios):
    cells, result, at_rate, original, changed = recalculated_scenarios[scenario]
    for path, want in ((original, result), (changed, at_rate)):
        wb = openpyxl.load_workbook(path, data_only=True)
        no_errors(wb)
        assert wb.sheetnames[0] == "Overzicht" and wb.sheetnames[1] == "Samenvatting"
        check_overview(wb["Overzicht"], cells, want)


def test_overview_amounts_are_formulas_over_the_cashflows_sheet():
    result = mkba.evaluate(FULL)
    wb, ctx = build_workbook(result)
    cells = plan_overview(ctx, "Overzicht")
    ws = wb["Overzicht"]
    assert wb.active.title == "Overzicht"
    for line in result.model.lines:
        r = cells.line_rows[line.id]
        found = [ws[f"{c}{r}"] for c in [*cells.stakeholder_cols.values(), cells.memo_col]]
        formulas = [c.value for c in found if c.value is not None]
        assert formulas and all(f.startswith("='Kasstromen'!") for f in formulas), line.id
    assert ws[f"{cells.total_col}{cells.saldo_row}"].data_type == "f"
    # a transfer shows on both stakeholders and cancels in the total; a memo line is outside the sums
    assert ws["C" + str(cells.line_rows["minder-bijstand"])].value == "vermeden kosten (overdracht)"
    assert ws[f"{cells.memo_col}{cells.line_rows['bestuur']}"].data_type == "f"
    assert ws.freeze_panes == "D5"


def test_english_overview():
    result = mkba.evaluate(FULL, lang="en")
    wb, _ = build_workbook(result, "en")
    assert wb.sheetnames[:2] == ["Overview", "Summary"]
    assert wb["Overview"]["A1"].value.startswith("CBA overview table: ")


# -- a project ----------------------------------------------------------------------------------------
SETTINGS = {"price_year": 2015, "start_year": 2015, "horizon": 4, "discount_rate": 0.03}


def _scenario(name: str, **sections) -> dict:
    return {"format": "mkba-scenario/1", "name": name, **SETTINGS, **sections}


def _cost(line_id: str, amount: float, payer: str = "gemeente") -> dict:
    return {"id": line_id, "payer": payer, "amount": amount, "per": "year", "years": [2015, 2018]}


@pytest.fixture
def project_file(tmp_path) -> Path:
    """A nulalternatief with real costs, a transfer and a memo line; two alternatives and a variant."""
    write_yaml(tmp_path / "prijzen.yaml", core_pricelist_data())
    pricelist = str(tmp_path / "prijzen.yaml")
    base = _scenario(
        "Regulier",
        pricelist=pricelist,
        costs=[_cost("bestaande-hulp", 10_000), _cost("huur", 2_000, payer="woningcorporatie")],
        effects=[
            {"id": "minder-ww", "item": "ww-maand", "kind": "avoided_cost", "quantity": 2.0, "per": "year",
             "years": [2016, 2018]},
        ],
        volunteers=[
            {"id": "bestuur", "hours": 100, "per": "year", "years": [2015, 2018], "value": "hulp-uur",
             "as": "memo"},
        ],
    )  # fmt: skip
    alt = _scenario(
        "Nieuw",
        pricelist=pricelist,
        participants={2015: 10, 2016: 12},
        costs=[_cost("team", 25_000), _cost("huur", 2_000, payer="woningcorporatie")],
        effects=[
            {"id": "minder-zorg", "item": "zorg-dag", "kind": "avoided_cost", "quantity": 20.0,
             "attribution": 0.5},
            {"id": "minder-ww", "item": "ww-maand", "kind": "avoided_cost", "quantity": 3.0, "per": "year",
             "years": [2016, 2018]},
        ],
        volunteers=[
            {"id": "maatjes", "hours": 300, "per": "year", "years": [2016, 2018], "value": "hulp-uur",
             "as": "benefit", "beneficiary": "buurt"},
        ],
        pm=[{"id": "cohesie", "label": "=Cohesie", "stakeholder": "bewoners", "direction": "positive",
             "size": "+", "assumption": "test"}],
    )  # fmt: skip
    write_yaml(tmp_path / "regulier.yaml", base)
    write_yaml(tmp_path / "nieuw.yaml", alt)
    project = {
        "format": "mkba-project/1",
        "name": "Testproject",
        "baseline": "regulier",
        "alternatives": [
            {"id": "regulier", "label": "Regulier", "scenario": "regulier.yaml"},
            {"id": "nieuw", "label": "Nieuw", "scenario": "nieuw.yaml"},
            {"id": "nieuw-goedkoop", "label": "Nieuw, goedkoper", "based_on": "nieuw",
             "set": {"costs.team.amount": 5_000}},
        ],
    }  # fmt: skip
    return write_yaml(tmp_path / "project.yaml", project)


def check_comparison(ws, cells: ComparisonCells, data: dict) -> None:
    """The comparison sheet against ``ProjectResult.to_dict()``, to the cent."""
    col, row = cells.figure_cols, cells.figure_rows
    base = data["baseline_result"]
    for key in ("pv_costs", "pv_benefits", "npv"):
        _close(ws[f"{col[key]}{row[data['baseline']]}"].value, base[key], f"baseline {key}")
    for alt in data["alternatives"]:
        r, d = row[alt["id"]], alt["delta"]
        for key in ("pv_costs", "pv_benefits", "npv"):
            _close(ws[f"{col[key]}{r}"].value, alt[key], f"{alt['id']} {key}")
            _close(ws[f"{col['delta_' + key]}{r}"].value, d[key], f"{alt['id']} delta {key}")
        got = ws[f"{col['delta_bcr']}{r}"].value
        if d["bcr"] is None:
            assert got == "n.v.t.", f"{alt['id']} bcr: {got!r}"
        else:
            _close(got, d["bcr"], f"{alt['id']} bcr", 1e-9 * max(1.0, abs(d["bcr"])))
        assert (ws[f"{col['dominant']}{r}"].value == "dominant") == d["dominant"], alt["id"]
        assert ws[f"{col['rank']}{r}"].value == alt["rank"], alt["id"]
        c = cells.stakeholder_cols[alt["id"]]
        for name, want in d["stakeholders"].items():
            _close(ws[f"{c}{cells.stakeholder_rows[name]}"].value, want["npv"], f"{alt['id']} / {name}")
        _close(ws[f"{c}{cells.fiscal_row}"].value, d["fiscal"]["npv"], f"{alt['id']} fiscal")
        pv_col, delta_col = cells.line_cols[alt["id"]]
        base_col = cells.line_cols[data["baseline"]][0]
        rows = {(k[0], k[1]): r for k, r in cells.line_rows.items()}
        assert len(rows) == len(cells.line_rows)
        for line in alt["lines"]:
            r = rows[(line["id"], line["stakeholder"])]
            what = f"{alt['id']} / {line['id']} / {line['stakeholder']}"
            _close(ws[f"{pv_col}{r}"].value, line["pv"], what)
            _close(ws[f"{base_col}{r}"].value, line["baseline_pv"], what + " (baseline)")
            _close(ws[f"{delta_col}{r}"].value, line["delta_pv"], what + " (delta)")
        _close(ws[f"{delta_col}{cells.saldo_row}"].value, d["npv"], f"{alt['id']} saldo of the lines")


def check_project_workbook(path: Path, cells: ComparisonCells, result: ProjectResult) -> None:
    wb = openpyxl.load_workbook(path, data_only=True)
    no_errors(wb)
    check_comparison(wb[cells.title], cells, result.to_dict())
    for alt_id, group in cells.groups.items():
        check_overview(wb[group.overview.title], group.overview, result.results[alt_id])


def changed(result: ProjectResult, alt_id: str, inputs: dict[str, float]) -> ProjectResult:
    """The project's result with some model inputs of one alternative set to other values."""
    results = dict(result.results)
    results[alt_id] = with_inputs(results[alt_id], inputs)
    return ProjectResult(result.project, results, result.lang)


def test_project_workbook_equals_the_json_and_its_deltas_are_live(project_file, tmp_path):
    result = mkba.load_project(project_file).evaluate()
    original = tmp_path / "project.xlsx"
    write_project_workbook(result, original)
    wb, cells = build_project_workbook(result)
    assert wb.sheetnames[0] == "Vergelijking"
    assert wb.sheetnames[1:3] == ["Nul Overzicht", "Nul Samenvatting"] and "A2 Kasstromen" in wb.sheetnames
    assert len(set(wb.sheetnames)) == len(wb.sheetnames) and max(map(len, wb.sheetnames)) <= 31
    names = set(wb.defined_names)
    assert {"base_discount_rate", "alt_1_discount_rate", "alt_2_npv", "alt_2_costs_team_amount"} <= names
    assert not {"discount_rate", "npv"} & names
    a2 = cells.groups["nieuw-goedkoop"]
    assert (
        openpyxl.load_workbook(original)["A2 Kasstromen"]["G5"].value
        == "=(1+alt_2_discount_rate)^-(G$4-alt_2_base_year)"
    )
    # an input of the variant (its team's amount) and the nulalternatief's discount rate, changed
    sheet, cell, _ = a2.layout.inputs["costs.team.amount"]
    edited = tmp_path / "edited.xlsx"
    set_cells(original, edited, {(sheet, cell): 40_000.0})
    base = cells.groups["regulier"]
    rate = tmp_path / "rate.xlsx"
    set_cells(original, rate, {base.layout.inputs["discount_rate"][:2]: 0.05})
    out = recalc([original, edited, rate], tmp_path / "recalculated")
    check_project_workbook(out[0], cells, result)
    now = changed(result, "nieuw-goedkoop", {"costs.team.amount": 40_000.0})
    assert now.ranking() != result.ranking()  # the edit moves the rank, and the sheet follows
    check_project_workbook(out[1], cells, now)
    check_project_workbook(out[2], cells, changed(result, "regulier", {"discount_rate": 0.05}))
    values = openpyxl.load_workbook(out[0], data_only=True)["Vergelijking"]
    assert any(c.value == "=Cohesie" for row in values.iter_rows() for c in row)  # text, not a formula


@pytest.mark.skipif(not SHIPPED_PROJECT.exists(), reason="no shipped example project")
def test_shipped_project_workbook(tmp_path):
    result = mkba.load_project(SHIPPED_PROJECT).evaluate()
    wb, cells = build_project_workbook(result, "en")
    assert wb.sheetnames[:2] == ["Comparison", "Base Overview"]
    path = tmp_path / "shipped.xlsx"
    wb.save(path)
    (out,) = recalc([path], tmp_path / "recalculated")
    check_project_workbook(out, cells, result)


def test_project_against_nothing_and_the_cli(project_file, tmp_path):
    import yaml

    raw = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    del raw["baseline"]
    raw["alternatives"] = raw["alternatives"][1:]
    nothing = write_yaml(project_file.parent / "niets.yaml", raw)
    from typer.testing import CliRunner

    from mkba.cli.app import app

    out = tmp_path / "niets.xlsx"
    run = CliRunner().invoke(app, ["run", str(nothing), "--xlsx", str(out)])
    assert run.exit_code == 0, run.output
    result = mkba.load_project(nothing).evaluate()
    _, cells = build_project_workbook(result)
    (recalculated,) = recalc([out], tmp_path / "recalculated")
    check_project_workbook(recalculated, cells, result)
    own = result.results["nieuw"]
    ws = openpyxl.load_workbook(recalculated, data_only=True)["Vergelijking"]
    _close(
        ws[f"{cells.figure_cols['delta_npv']}{cells.figure_rows['nieuw']}"].value, own.npv, "against nothing"
    )


def test_project_workbook_refuses_to_overwrite_an_input(project_file, tmp_path):
    result = mkba.load_project(project_file).evaluate()
    for victim in (project_file, project_file.parent / "nieuw.yaml", project_file.parent / "prijzen.yaml"):
        before = victim.read_bytes()
        for write in (partial(write_project_workbook, result), result.to_excel):
            with pytest.raises(MkbaError, match="is also an input of this project"):
                write(victim)
        assert victim.read_bytes() == before
    # the JSON too, from Python as from the command line; and the index, which the old check missed
    with pytest.raises(MkbaError, match="is also an input of this project"):
        result.to_json(project_file)
    index = next(p for p in result.input_files() if p.name == "cbs-cpi.yaml")
    with pytest.raises(MkbaError, match="is also an input of this project"):
        write_project_workbook(result, index)
    with pytest.raises(MkbaError):
        write_project_workbook(result, tmp_path / "missing" / "x.xlsx")
