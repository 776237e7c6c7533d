"""The *SIB* sheet of the workbook: recalculated in LibreOffice, every figure equals ``mkba sib`` to the cent.

Uses the LibreOffice helpers of tests/test_excel.py (skips locally without
``soffice``, fails in CI).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml
from test_excel import _close, recalc, set_cells
from typer.testing import CliRunner

from mkba.cli.app import app
from mkba.report.excel.workbook import build_workbook
from mkba.result import evaluate
from mkba.sib.model import compile_sib
from mkba.sib.payout import rule_cents

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"
LEVELS = (50.0, 200.0, 350.0)  # the floor pays; principal back; the return cap binds (docs/sib.md)


def _values(path: Path, title: str):
    wb = openpyxl.load_workbook(path, data_only=True)
    errors = [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and (c.value.startswith("#") or c.value.startswith("Err:"))
    ]
    assert not errors, f"spreadsheet errors: {errors[:10]}"
    return wb[title]


def check_sib_sheet(ws, L: dict, d: dict, sib) -> None:
    """Every SIB figure on the sheet against the core's ``SibResult.to_dict()``."""
    fig = L["figures"]
    for key in (
        "outcome_payments_due",
        "outcome_payments_total",
        "investment_total",
        "investors_receive_total",
        "floor_top_up_total",
        "beyond_return_cap_total",
        "payer_payments_total",
        "payer_savings_total",
        "payer_pv_payments",
        "payer_pv_savings",
        "payer_net_savings",
    ):
        _close(ws[fig[key]].value, float(d[key]), key)
    _close(ws[fig["investor_irr"]].value, d["investor_irr"], "investor_irr", 1e-6)
    _close(ws[fig["investor_multiple"]].value, d["investor_multiple"], "investor_multiple", 1e-9)
    for oid, be in d["payer_break_even"].items():
        if be["level"] is None:  # none: said in the reader's words ("n.v.t. (de betaler bespaart ...)")
            from mkba.report.vocabulary import break_even_words

            lang = "en" if "n/a" in str(ws[fig[f"break_even:{oid}"]].value) else "nl"
            assert break_even_words(be, "payer", lang) in str(ws[fig[f"break_even:{oid}"]].value)
        else:
            _close(ws[fig[f"break_even:{oid}"]].value, be["level"], f"break-even {oid}", 1e-9)
    for oid, _level in d["outcome_levels"].items():
        assert L["levels"][oid]
    # the schedule, year by year
    rows, cols, tot = L["rows"], L["year_cols"], L["total_col"]
    keys = {
        "due": "due",
        "outcome_payments": "made",
        "to_provider": "to_provider",
        "beyond_return_cap": "excess",
        "payer_pays": "payer_pays",
        "payer_avoids": "payer_avoids",
        "investment": "investment",
        "provider_costs": "provider_costs",
    }
    for year_row in d["schedule"]:
        col = cols[year_row["year"]]
        for key, name in keys.items():
            _close(ws[f"{col}{rows[name]}"].value, year_row[key], f"{key} {year_row['year']}")
        for iid in d["investors"]:
            _close(ws[f"{col}{rows['received'][iid]}"].value, year_row[f"to_{iid}"], f"to {iid}")
        tops = sum(ws[f"{col}{r}"].value for r in rows["top_up"].values())
        _close(tops, year_row["floor_top_up"], f"floor top-up {year_row['year']}")
        _close(ws[f"{col}{rows['check']}"].value, 0.0, "check row")
    # each outcome's rules, and the investors' flows, IRR and multiple
    for k, o in enumerate(sib.outcomes):
        _close(
            ws[L["rules"][o.id]["total"]].value,
            sib.run([d["outcome_levels"][x.id] for x in sib.outcomes]).rule_cents[0, k] / 100.0,
            f"rules {o.id}",
        )
    for iid, inv in d["investors"].items():
        for year, flow in inv["flows"].items():
            _close(ws[f"{cols[int(year)]}{rows['flows'][iid]}"].value, flow, f"flow {iid} {year}")
        _close(
            ws[f"{tot}{rows['received'][iid]}"].value + ws[f"{tot}{rows['top_up'][iid]}"].value,
            inv["received"],
            f"received {iid}",
        )
        if inv["irr"] is None:
            assert str(ws[L["irr"][iid]].value).startswith("n")
        else:
            _close(ws[L["irr"][iid]].value, inv["irr"], f"irr {iid}", 1e-6)
        _close(ws[L["multiple"][iid]].value, inv["multiple"], f"multiple {iid}", 1e-9)


def test_sib_sheet_matches_core_at_three_levels(tmp_path):
    result = evaluate(EXAMPLE)
    sib = compile_sib(EXAMPLE)
    files, cases = [], []
    for level in LEVELS:
        res = sib.point(level)
        wb, ctx = build_workbook(result, sib=res)
        path = tmp_path / f"sib_{level:g}.xlsx"
        wb.save(path)
        files.append(path)
        cases.append((ctx.layout.sib, res.to_dict()))
    d350 = cases[2][1]
    assert d350["beyond_return_cap_total"] == pytest.approx(354368.0)  # the cases docs/sib.md works by hand
    assert cases[0][1]["floor_top_up_total"] == pytest.approx(136000.0)
    for path, (L, d) in zip(recalc(files, tmp_path / "recalculated"), cases):
        check_sib_sheet(_values(path, L["sheet"]), L, d, sib)


def test_outcome_level_is_a_live_input(tmp_path):
    """Changing sib_outcome_level moves the payments due, the payments made and the payer's figures."""
    result = evaluate(EXAMPLE)
    sib = compile_sib(EXAMPLE)
    before, after = 180.0, 210.0
    d0, d1 = sib.point(before).to_dict(), sib.point(after).to_dict()
    for d in (d0, d1):  # the waterfall's values (no excess, no top-up) do not change which cells are formulas
        assert d["beyond_return_cap_total"] == 0 and d["floor_top_up_total"] == 0
    wb, ctx = build_workbook(result, sib=sib.point(before))
    original = tmp_path / "original.xlsx"
    wb.save(original)
    ((title, ref),) = openpyxl.load_workbook(original).defined_names["sib_outcome_level"].destinations
    raw = openpyxl.load_workbook(original)
    assert raw[title][ref.replace("$", "")].value == before
    changed = tmp_path / "changed.xlsx"
    set_cells(original, changed, {(title, ref.replace("$", "")): after})
    _, out = recalc([original, changed], tmp_path / "recalculated")
    L = ctx.layout.sib
    ws = _values(out, L["sheet"])
    fig = L["figures"]
    for key in (
        "outcome_payments_due",
        "outcome_payments_total",
        "payer_payments_total",
        "payer_pv_payments",
        "payer_pv_savings",
        "payer_net_savings",
        "payer_savings_total",
    ):
        _close(ws[fig[key]].value, float(d1[key]), f"{key} at {after}")
    assert abs(d1["outcome_payments_total"] - d0["outcome_payments_total"]) > 1000
    for year_row in d1["schedule"]:
        col = L["year_cols"][year_row["year"]]
        _close(ws[f"{col}{L['rows']['due']}"].value, year_row["due"], f"due {year_row['year']}")
        _close(ws[f"{col}{L['rows']['payer_avoids']}"].value, year_row["payer_avoids"], "avoids")


def test_every_rule_type_is_a_live_formula(tmp_path):
    """rate_card (with caps), linear, threshold and bands: the rule payments at several levels."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["sib"]["outcomes"][0]["rules"] = [
        {"type": "rate_card", "price": 20.0, "per_participant_cap": 4000.0, "cap": 500000.333},
        {"type": "linear", "price": 1234.567, "threshold": 50, "up_to": 250, "cap": 200000},
        {"type": "threshold", "level": 150, "amount": 25000.005},
        {"type": "bands", "points": [[40, 0], [120, 60000.5], [220, 90000], [300, 80000]]},
    ]
    data["sib"]["max_outcome_payment"] = 900000
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = evaluate(path)
    sib = compile_sib(path)
    levels = (10.0, 100.0, 150.0, 220.0, 260.0, 400.0)
    files, cases = [], []
    for level in levels:
        res = sib.point(level)
        wb, ctx = build_workbook(result, sib=res)
        f = tmp_path / f"rules_{level:g}.xlsx"
        wb.save(f)
        files.append(f)
        cases.append((ctx.layout.sib, res))
    for f, (L, res), level in zip(recalc(files, tmp_path / "recalculated"), cases, levels):
        ws = _values(f, L["sheet"])
        o = sib.outcomes[0]
        n = np.array([float(o.participants)])
        for rule, row in zip(o.rules, L["rules"][o.id]["rows"]):
            want = rule_cents(rule, np.array([level]), n, np.array([level]))[0] / 100.0
            _close(ws[f"J{row}"].value, want, f"{rule.type} at {level}")
        d = res.to_dict()
        _close(ws[L["figures"]["outcome_payments_due"]].value, d["outcome_payments_due"], "due")
        _close(ws[L["figures"]["outcome_payments_total"]].value, d["outcome_payments_total"], "made")


def test_sib_sheet_from_both_commands(tmp_path):
    runner = CliRunner()
    out = tmp_path / "sib.xlsx"
    res = runner.invoke(app, ["sib", str(EXAMPLE), "--outcome", "200", "--xlsx", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Overview", "Summary", "Inputs", "Prices", "Index", "Cashflows", "SIB"]
    ((title, ref),) = wb.defined_names["sib_outcome_level"].destinations
    assert wb[title][ref.replace("$", "")].value == 200.0
    labels = [c.value for row in wb["SIB"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "value from mkba, not a formula" in labels
    run = tmp_path / "run.xlsx"
    res = runner.invoke(app, ["run", str(EXAMPLE), "--xlsx", str(run)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(run)
    assert wb.sheetnames[-1] == "SIB"
    ((title, ref),) = wb.defined_names["sib_outcome_level"].destinations
    assert wb[title][ref.replace("$", "")].value == pytest.approx(compile_sib(EXAMPLE).point_levels[0])
    assert "waarde uit mkba, geen formule" in [c.value for row in wb["SIB"].iter_rows() for c in row]
    # user text (labels, ids) is text; the payments are formulas
    assert all(
        c.data_type == "s"
        for row in wb["SIB"].iter_rows()
        for c in row
        if isinstance(c.value, str) and not c.value.startswith("=")
    )


def test_no_sib_sheet_without_a_sib_section():
    wb, ctx = build_workbook(evaluate(ROOT / "tests" / "data" / "excel_full.yaml"))
    assert "SIB" not in wb.sheetnames and ctx.layout.sib == {}


def test_other_contract_terms_and_run_overrides(tmp_path):
    """No cap, no floor, a provider share and excess to the provider; a run at another price year and rate."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    c = data["sib"]
    for key in ("max_outcome_payment", "max_loss", "max_loss_paid_by"):
        c.pop(key)
    c["provider"]["share_of_payments"] = 0.1
    c["beyond_max_return"] = "provider"
    c["seniority"] = [["abn-amro-sif", "start-foundation"]]
    path = tmp_path / "terms.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    sib = compile_sib(path)
    files, cases = [], []
    for result, level in (
        (evaluate(path), 330.0),
        (evaluate(EXAMPLE, price_year=2020, discount_rate=0.04), 120.0),
    ):
        s = sib if result.scenario.sib.max_loss is None else compile_sib(EXAMPLE)
        res = s.point(level)
        wb, ctx = build_workbook(result, sib=res)
        f = tmp_path / f"terms_{level:g}.xlsx"
        wb.save(f)
        files.append(f)
        cases.append((ctx.layout.sib, res.to_dict(), s))
    assert (
        cases[0][1]["beyond_return_cap_total"] > 0
        and cases[0][1]["provider"]["outcome_payments_to_provider"] > 0
    )
    for f, (L, d, s) in zip(recalc(files, tmp_path / "recalculated"), cases):
        check_sib_sheet(_values(f, L["sheet"]), L, d, s)
