"""The *Gevoeligheid* / *Sensitivity* sheet: tornado, Monte Carlo summary and break-even as labelled values."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_excel import _close, recalc
from typer.testing import CliRunner

from mkba.cli.app import app
from mkba.report.excel.workbook import build_workbook
from mkba.result import evaluate
from mkba.uncertainty import montecarlo, sensitivity

ROOT = Path(__file__).resolve().parents[1]
MIXED = ROOT / "tests" / "data" / "unc_mixed.yaml"
BREAK_EVEN = ["effects.minder-bijstand.success", "discount_rate"]


def _charts(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return len([n for n in z.namelist() if n.startswith("xl/charts/chart")])


def check_sheet(ws, L: dict, result, sim, frame, found) -> None:
    cols = L["tornado_cols"]
    _close(ws[L["npv_base"]].value, frame.attrs["npv_base"], "npv base")
    assert len(L["tornado_rows"]) == len(frame)
    for row, rec in zip(L["tornado_rows"], frame.to_dict(orient="records")):
        assert ws[f"{cols['input']}{row}"].value == rec["input"]
        assert ws[f"{cols['label']}{row}"].value == rec["label"]
        for key in ("base", "low", "high"):
            _close(ws[f"{cols[key]}{row}"].value, rec[key], f"{rec['input']} {key}", 1e-9)
        for key in ("npv_low", "npv_high", "swing"):
            _close(ws[f"{cols[key]}{row}"].value, rec[key], f"{rec['input']} {key}")
        _close(ws[f"{cols['d_low']}{row}"].value, rec["npv_low"] - frame.attrs["npv_base"], "change at low")
    s = L["simulation"]
    assert ws[s["info"]["n"]].value == sim.n and ws[s["info"]["seed"]].value == sim.seed
    _close(ws[s["info"]["p_negative"]].value, sim.p_npv_negative, "P(npv<0)", 1e-12)
    c = s["cols"]
    for key in ("npv", "pv_costs", "pv_benefits", "fiscal_npv"):
        st = sim.stats(key)
        for q in ("mean", "p5", "p50", "p95"):
            _close(ws[f"{c[q]}{s['rows'][key]}"].value, st[q], f"{key} {q}")
    for k, name in enumerate(sim.stakeholders):
        st = sim.stats("stakeholder_npv", k)
        row = s["rows"][f"stakeholder:{name}"]
        for q in ("mean", "p5", "p50", "p95"):
            _close(ws[f"{c[q]}{row}"].value, st[q], f"{name} {q}")
        _close(
            ws[f"{c['p_negative']}{row}"].value, float((sim.stakeholder_npv[:, k] < 0).mean()), name, 1e-12
        )
    b = L["break_even"]
    for be in found:
        row = b["rows"][be["input"]]
        if be["value"] is None:
            assert ws[f"{b['cols']['value']}{row}"].value.startswith("n.v.t.")
        else:
            _close(ws[f"{b['cols']['value']}{row}"].value, be["value"], be["input"], 1e-12)


def test_cli_run_adds_the_sheet_with_the_core_values(tmp_path):
    out = tmp_path / "run.xlsx"
    args = ["run", str(MIXED), "--tornado", "--simulate", "2000", "--seed", "7", "--xlsx", str(out)]
    for name in BREAK_EVEN:
        args += ["--break-even", name]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "Gevoeligheid"
    assert _charts(out) == 3  # two on the summary, the tornado
    texts = [c.value for row in wb["Gevoeligheid"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("waarde uit mkba, geen formule" in t for t in texts)
    assert not any(c.data_type == "f" for row in wb["Gevoeligheid"].iter_rows() for c in row)
    # the same numbers from the core, and LibreOffice reads them without errors
    result = evaluate(MIXED)
    sim = montecarlo.monte_carlo(result.model, 2000, seed=7)
    frame = sensitivity.tornado(result.model)
    found = [sensitivity.break_even(result.model, n) for n in BREAK_EVEN]
    _wb2, ctx = build_workbook(result, analysis={"simulation": sim, "tornado": frame, "break_even": found})
    (recalculated,) = recalc([out], tmp_path / "recalculated")
    values = openpyxl.load_workbook(recalculated, data_only=True)
    errors = [
        f"{ws.title}!{c.coordinate}"
        for ws in values
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and (c.value.startswith("#") or c.value.startswith("Err:"))
    ]
    assert not errors
    check_sheet(values["Gevoeligheid"], ctx.layout.sensitivity, result, sim, frame, found)


def test_english_sheet_and_result_api(tmp_path):
    result = evaluate(MIXED, lang="en")
    frame = sensitivity.tornado(result.model)
    path = result.to_excel(tmp_path / "en.xlsx", analysis={"tornado": frame})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == "Sensitivity"
    ws = wb["Sensitivity"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("value from mkba, not a formula" in t for t in texts)
    assert "Swing" in texts and _charts(path) == 3


def test_analysis_from_result_extra_and_none_without(tmp_path):
    result = evaluate(MIXED)
    wb, ctx = build_workbook(result)
    assert "Gevoeligheid" not in wb.sheetnames and ctx.layout.sensitivity == {}
    result.extra["break_even"] = sensitivity.break_even(result.model, "effects.minder-bijstand.success")
    wb, ctx = build_workbook(result)
    assert wb.sheetnames[-1] == "Gevoeligheid" and "tornado_rows" not in ctx.layout.sensitivity
    assert list(ctx.layout.sensitivity["break_even"]["rows"]) == ["effects.minder-bijstand.success"]


def test_nan_and_missing_values_are_visible_text():
    result = evaluate(MIXED)
    frame = sensitivity.tornado(result.model)
    frame.loc[0, "npv_low"] = float("nan")
    be = {
        "input": "x",
        "label": "x",
        "base": 1.0,
        "value": None,
        "range": [0.0, 1.0],
        "range_basis": "given",
        "method": "linear",
        "npv_base": 1.0,
        "npv_at_low": float("inf"),
        "npv_at_high": 2.0,
        "note": "npv stays positive",
    }
    wb, ctx = build_workbook(result, analysis={"tornado": frame, "break_even": [be]})
    ws = wb[ctx.layout.sensitivity["sheet"]]
    L = ctx.layout.sensitivity
    row = L["tornado_rows"][0]
    assert ws[f"{L['tornado_cols']['npv_low']}{row}"].value == "n.v.t."
    assert ws[f"{L['tornado_cols']['d_low']}{row}"].value == "n.v.t."
    b = L["break_even"]
    r = b["rows"]["x"]
    assert ws[f"{b['cols']['value']}{r}"].value.startswith("n.v.t.")
    assert ws[f"{b['cols']['npv_at_low']}{r}"].value == "n.v.t."


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x","y")', "+1", "@sum"])
def test_labels_stay_text(hostile):
    result = evaluate(MIXED)
    frame = sensitivity.tornado(result.model)
    frame.loc[0, "label"] = hostile
    wb, ctx = build_workbook(result, analysis={"tornado": frame})
    L = ctx.layout.sensitivity
    cell = wb[L["sheet"]][f"B{L['tornado_rows'][0]}"]
    assert cell.value == hostile and cell.data_type == "s" and cell.quotePrefix
