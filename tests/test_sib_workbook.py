"""The live waterfall of the workbook's SIB sheet (issue 13): change the outcome levels, recalculate in
LibreOffice, and every figure equals ``mkba sib`` at those levels.

Uses the LibreOffice helpers of tests/test_excel.py (skips locally without ``soffice``, fails in CI).
The outcome levels are the named input cells ``sib_outcome_level`` and ``sib_outcome_level_<id>``;
payments, triggers, caps, the waterfall (interest and principal by seniority, the split once investors
are whole, the return up to the caps), floors, guarantees, investor flows, IRR/XIRR and the payers'
savings are formulas of them.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from test_excel import _close, recalc, set_cells
from test_excel_sib import _values

from mkba.report.excel.workbook import build_workbook
from mkba.result import evaluate
from mkba.sib.model import compile_sib

ROOT = Path(__file__).resolve().parents[1]
SIB = ROOT / "scenarios" / "sib"

CASES = {
    "buzinezzclub": (
        ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml",
        [{"uitkeringsdagen": 50.0}, {"uitkeringsdagen": 200.0}, {"uitkeringsdagen": 350.0}],
    ),
    "rikers": (
        SIB / "nyc-rikers-able.yaml",
        [{"cohort-2013-bed-days": 5.0}, {"cohort-2013-bed-days": 10.0}, {"cohort-2013-bed-days": 17.5}],
    ),
    "peterborough": (
        SIB / "peterborough-one-service.yaml",
        [
            {"cohort-1-reconvictions": 8.4, "all-cohorts-reconvictions": 9.0},
            {"cohort-1-reconvictions": 10.0, "all-cohorts-reconvictions": 9.0},
            {
                "cohort-1-reconvictions": 12.0,
                "cohort-2-reconvictions": 14.0,
                "all-cohorts-reconvictions": 30.0,
            },
        ],
    ),
    "utah": (
        SIB / "utah-high-quality-preschool.yaml",
        [
            {"cohort-2013-child-years": 763.0},
            {"cohort-2013-child-years": 0.0, "cohort-2014-child-years": 100.0},
            {"cohort-2013-child-years": 2000.0, "cohort-2014-child-years": 3000.0},
        ],
    ),
    "dwp": (
        SIB / "dwp-innovation-fund-round1.yaml",
        [
            {},
            {"cohort-2012-entry-work-13w": 50.0, "cohort-2012-sustained-work-26w": 80.0},
            {"cohort-2012-attendance": 1000.0, "cohort-2012-qualification-l2": 1000.0},
        ],
    ),
    "resultaatfinanciering": (
        SIB / "resultaatfinanciering-gemeente.yaml",
        [
            {"cohort-2025-uitstroom-werk": 45.0, "cohort-2025-duurzaam-werk": 50.0},
            {"cohort-2025-uitstroom-werk": 5.0},
        ],
    ),
}

FIGURES = (
    "outcome_payments_due",
    "outcome_payments_total",
    "investment_total",
    "investors_receive_total",
    "floor_top_up_total",
    "guarantees_total",
    "beyond_return_cap_total",
    "payer_payments_total",
    "payer_savings_total",
    "payer_pv_payments",
    "payer_pv_savings",
    "payer_net_savings",
)


def _level_cells(path: Path) -> dict[str, tuple[str, str]]:
    """Outcome id -> (sheet, cell) of its named input level."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for name, dn in wb.defined_names.items():
        if name.startswith("sib_outcome_level"):
            ((title, ref),) = dn.destinations
            out[name] = (title, ref.replace("$", ""))
    return out


def _check(ws, L: dict, d: dict) -> None:
    """The recalculated sheet against the core's figures at the same levels."""
    fig = L["figures"]
    for key in FIGURES:
        _close(ws[fig[key]].value, float(d[key]), key)
    if d["investor_irr"] is not None:
        _close(ws[fig["investor_irr"]].value, d["investor_irr"], "investor_irr", 1e-6)
        _close(ws[fig["investor_multiple"]].value, d["investor_multiple"], "investor_multiple", 1e-9)
    rows, cols = L["rows"], L["period_cols"]
    for row in d["schedule"]:
        col = cols[row["period"]]
        for key, name in (("due", "due"), ("outcome_payments", "made"), ("to_provider", "to_provider")):
            _close(ws[f"{col}{rows[name]}"].value, row[key], f"{key} {row['period']}")
        _close(ws[f"{col}{rows['excess']}"].value, row["beyond_return_cap"], f"excess {row['period']}")
        _close(ws[f"{col}{rows['check']}"].value, 0.0, f"check {row['period']}")
        for iid in d["investors"]:
            _close(ws[f"{col}{rows['received'][iid]}"].value, row[f"to_{iid}"], f"to {iid} {row['period']}")
    for iid, inv in d["investors"].items():
        if inv["irr"] is not None:
            _close(ws[L["irr"][iid]].value, inv["irr"], f"irr {iid}", 1e-6)
        _close(ws[L["multiple"][iid]].value, inv["multiple"], f"multiple {iid}", 1e-9)


@pytest.mark.parametrize("case", list(CASES))
def test_changed_levels_recalculate_to_the_core(tmp_path, case):
    path, level_sets = CASES[case]
    sib = compile_sib(path)
    wb, ctx = build_workbook(evaluate(path), sib=sib.point())
    original = tmp_path / f"{case}.xlsx"
    wb.save(original)
    L = ctx.layout.sib
    cells = _level_cells(original)
    assert set(L["levels"]) == {o.id for o in sib.outcomes}  # every outcome level is a named input cell
    files, wants = [], []
    for n, levels in enumerate(level_sets):
        changed = tmp_path / f"{case}_{n}.xlsx"
        given = {cells[L["levels"][oid]]: value for oid, value in levels.items()}
        set_cells(original, changed, given)
        files.append(changed)
        wants.append(sib.point(levels).to_dict())
    for f, d in zip(recalc(files, tmp_path / "recalculated"), wants):
        _check(_values(f, L["sheet"]), L, d)
