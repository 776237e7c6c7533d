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
        else:  # no rate: said in words ("n.v.t. (...)"), never an error value
            assert str(ws[L["irr"][iid]].value).startswith("n"), ws[L["irr"][iid]].value
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


#: Investors who lose (nearly) everything: multiples from 0 to about 0.04, rates from -45 % to -100 %.
_UTAH = (
    "cohort-2013-child-years",
    "cohort-2014-child-years",
    "cohort-2015-child-years",
    "cohort-2016-child-years",
)
_DWP = (
    "cohort-2012-attendance",
    "cohort-2012-behaviour",
    "cohort-2012-qualification-l2",
    "cohort-2012-entry-work-13w",
    "cohort-2012-sustained-work-26w",
)
LOW = (
    [
        (SIB / "utah-high-quality-preschool.yaml", dict(zip(_UTAH, levels)))
        for levels in (
            (1.0, 0, 0, 0),
            (10.0, 0, 0, 0),
            (30.0, 0, 0, 0),
            (0, 0, 0, 0),
            (20.0, 20.0, 20.0, 20.0),
        )
    ]
    + [
        (SIB / "dwp-innovation-fund-round1.yaml", dict(zip(_DWP, levels)))
        for levels in ((1.0, 0, 0, 0, 0), (2.0, 0, 0, 0, 0), (30.0, 0, 0, 0, 0), (1.0, 1.0, 1.0, 1.0, 1.0))
    ]
    + [
        (
            SIB / "peterborough-one-service.yaml",
            {"cohort-1-reconvictions": 10.0, "all-cohorts-reconvictions": 0.0},
        ),
        (ROOT / "tests" / "data" / "sib_buzinezzclub.yaml", {"uitkeringsdagen": 2.0}),
    ]
)


def test_rates_near_minus_100_percent_recalculate_to_the_core(tmp_path):
    """IRR (Utah) and XIRR (DWP, Peterborough) when investors get back less than 5 % of what they put in.

    The live first guess is the engine's own (two lumps at their mean times), so LibreOffice lands on
    mkba's rate where a guess from the multiple gave -254,7 %, ``#N/A`` or ``#VALUE!``; nothing back is
    -100 %. All workbooks in one recalculation.
    """
    built: dict[Path, tuple] = {}
    files, checks = [], []
    for n, (path, levels) in enumerate(LOW):
        if path not in built:
            sib = compile_sib(path)
            wb, ctx = build_workbook(evaluate(path), sib=sib.point())
            original = tmp_path / f"{path.stem}.xlsx"
            wb.save(original)
            built[path] = (sib, ctx.layout.sib, _level_cells(original), original)
        sib, L, cells, original = built[path]
        changed = tmp_path / f"low_{n}.xlsx"
        set_cells(original, changed, {cells[L["levels"][oid]]: value for oid, value in levels.items()})
        files.append(changed)
        d = sib.point(levels).to_dict()
        checks.append((L, d))
    for f, (L, d) in zip(recalc(files, tmp_path / "recalculated"), checks):
        _check(_values(f, L["sheet"]), L, d)


def _sib_sheet(path: Path, lang: str = "nl"):
    """The SIB sheet as written (formulas, formats, widths) and its layout."""
    wb, ctx = build_workbook(evaluate(path), sib=compile_sib(path).point(), lang=lang)
    return wb[ctx.layout.sib["sheet"]], ctx.layout.sib


def test_sib_sheet_prints_readably():
    """Narrow columns (whole units over the periods), labels wrapped, no cut-off notes: readable on A4.

    The sheet used to print 470 characters wide on one landscape page (3 pt): now its columns
    add up to under 280 characters and it prints at least at the printing module's smallest scale.
    """
    ws, L = _sib_sheet(SIB / "utah-high-quality-preschool.yaml")
    widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
    assert sum(widths.values()) < 280, widths
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows and ws.print_title_rows.replace("$", "") == "1:1"
    # a period column (where no table header widened it) is 12 characters wide; whole units, no currency
    col = list(L["period_cols"].values())[-1]
    assert widths[col] <= 12
    assert ws[f"{col}{L['rows']['made']}"].number_format.startswith("#,##0;")
    # the break-even text (B) wraps instead of being cut off by the note beside it (C)
    be = ws[L["figures"][next(k for k in L["figures"] if k.startswith("break_even:"))]]
    assert isinstance(be.value, str) and be.alignment.wrap_text


def test_no_cap_shows_words_not_money():
    """The waterfall's stand-in for "no cap" (BIG) stays in the formulas but shows as "geen plafond"."""
    for lang, words in (("nl", "geen plafond"), ("en", "no cap")):
        ws, L = _sib_sheet(SIB / "utah-high-quality-preschool.yaml", lang)
        rooms = L["rows"]["waterfall"]["room"]
        col = L["period_cols"][next(iter(L["period_cols"]))]
        uncapped = [ws[f"{col}{r}"] for r in rooms.values() if ws[f"{col}{r}"].value == "=1E+13"]
        assert uncapped, "Utah's investors have no return cap"
        for cell in uncapped:
            assert f'"{words}"' in cell.number_format and "USD" not in cell.number_format


def test_dated_contract_heads_its_columns_with_dates():
    """Peterborough (on dates): each period column is headed by its date (dd-mm-jjjj), not a repeated year."""
    ws, L = _sib_sheet(SIB / "peterborough-one-service.yaml")
    heads = [
        r
        for r in range(1, ws.max_row + 1)
        if isinstance(ws.cell(r, 1).value, str)
        and ws.cell(r, 1).value.startswith(("Betaalschema", "Kasstromen investeerders"))
    ]
    assert len(heads) == 2
    assert "per jaar" not in ws.cell(heads[0], 1).value and "betaaldatum" in ws.cell(heads[0], 1).value
    for r in heads:
        cells = [ws[f"{col}{r}"] for col in L["period_cols"].values()]
        assert all(c.number_format == "dd-mm-yyyy" for c in cells)
        values = [c.value for c in cells]
        assert len(set(values)) == len(values)  # 2010, 2010, 2011, ... no more
    ws_en, _ = _sib_sheet(SIB / "peterborough-one-service.yaml", "en")
    assert any(
        ws_en.cell(r, 1).value == "Payment schedule per payment date (GBP)"
        for r in range(1, ws_en.max_row + 1)
    )
