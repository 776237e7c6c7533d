"""Saving the workbook (:func:`mkba.report.excel.cells.save`): openpyxl's file, written faster.

The sheets, the workbook part (defined names, print settings), the styles and the tables that
:func:`~mkba.report.excel.cells.save` writes are those openpyxl's own ``Workbook.save`` writes
for the same workbook, element for element: the speed (benchmarks/bench_excel.py) costs nothing
the workbook has.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Font

from mkba.report.excel.cells import _defined_name, save
from mkba.report.excel.workbook import build_workbook
from mkba.result import evaluate
from mkba.uncertainty import sensitivity

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"


def _number(found: re.Match) -> str:
    """A number to 12 digits: openpyxl writes 16 (``%.16g``), mkba all that tell the float (``repr``)."""
    return f"<v>{float(found.group(1)):.12g}</v>"


def _parts(path: Path) -> dict[str, str]:
    """Each XML part of the file, canonical (attribute order and empty elements written one way)."""
    with zipfile.ZipFile(path) as z:
        return {
            name: re.sub(
                r"<v>([-+0-9.eE]+)</v>", _number, canonicalize(z.read(name).decode(), strip_text=True)
            )
            for name in z.namelist()
            if name.endswith((".xml", ".rels", ".vml")) and name != "docProps/core.xml"  # its time of saving
        }


def _workbook(result):
    """A workbook with every kind of cell: formulas, texts, inputs, wrapped rows, merged cells, tables."""
    analysis = {
        "tornado": sensitivity.tornado(result.model),
        "break_even": [sensitivity.break_even(result.model, "effects.minder-ots.attribution")],
    }
    wb, _ = build_workbook(result, analysis=analysis)
    ws = wb["Index"]  # what the fast writer leaves to openpyxl's: a comment, a hyperlink, a date
    ws["H2"].comment = Comment("een opmerking", "mkba")
    ws["H3"].hyperlink = "https://www.cbs.nl/"
    ws["H4"] = dt.date(2024, 1, 1)
    ws["H5"].font = Font(bold=True)  # a styled cell without a value: written with its type, as openpyxl does
    ws["H6"] = ""  # an empty text
    ws["H7"] = True  # a boolean, rich text: openpyxl's own writer
    ws["H8"] = CellRichText(["een ", TextBlock(InlineFont(b=True), "vet"), " woord"])
    # a defined name that Excel reserves is written with its _xlnm. prefix
    wb.defined_names["Print_Titles"] = _defined_name("Print_Titles", "Index!$1:$1")
    return wb


def test_save_writes_what_openpyxl_writes(tmp_path):
    result = evaluate(SCENARIO)
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    save(_workbook(result), ours)  # each its own workbook: saving sets some defaults on it
    _workbook(result).save(theirs)
    mine, reference = _parts(ours), _parts(theirs)
    assert mine.keys() == reference.keys()
    for name in reference:
        assert mine[name] == reference[name], name
    # and it holds what the workbook holds: row heights, merged cells, tables, names, the odd cells
    sheets = [n for n in mine if n.startswith("xl/worksheets/sheet")]
    assert any("customHeight" in mine[n] for n in sheets)
    assert any("<mergeCell " in mine[n] for n in sheets)
    assert sum(n.startswith("xl/tables/") for n in mine) >= 5
    assert mine["xl/workbook.xml"].count("<definedName ") >= 50
    back = openpyxl.load_workbook(ours)
    assert back["Index"]["H2"].comment.text == "een opmerking"
    assert back["Index"]["H3"].hyperlink.target == "https://www.cbs.nl/"
    assert back["Index"]["H4"].value == dt.datetime(2024, 1, 1)
    assert back["Index"]["H7"].value is True and back["Index"]["H5"].font.b
    assert '<definedName name="_xlnm.Print_Titles">' in mine["xl/workbook.xml"]
