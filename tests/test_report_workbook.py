"""The workbook on paper (issue 11): A4, fit to one page wide, titles, header and footer, page counts.

LibreOffice headless prints the Buzinezzclub workbook (with ``--simulate --tornado``) to PDF;
pypdf counts its pages: at most 15 in all, the summary on one page.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from tests.conftest import invoke_cli

ROOT = Path(__file__).resolve().parents[1]
BUZINEZZ = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"


def to_pdf(xlsx: Path) -> Path:
    """Print ``xlsx`` with LibreOffice headless (a profile of its own) and return the PDF."""
    with tempfile.TemporaryDirectory(prefix="mkba-lo-print-") as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(xlsx.parent), str(xlsx)],
            check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": profile},
        )  # fmt: skip
    return xlsx.with_suffix(".pdf")


@pytest.fixture(scope="module")
def buzinezz(tmp_path_factory) -> Path:
    xlsx = tmp_path_factory.mktemp("print") / "buzinezzclub.xlsx"
    run = invoke_cli("run", BUZINEZZ, "--simulate", "10000", "--tornado", "--xlsx", xlsx)
    assert run.returncode == 0, run.stderr
    return xlsx


def test_every_sheet_is_set_up_for_a4(buzinezz):
    wb = openpyxl.load_workbook(buzinezz)
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9, ws.title
        assert ws.page_setup.orientation in ("portrait", "landscape")
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.print_area and ws.freeze_panes, ws.title
        assert ws.print_title_rows, ws.title
        assert (
            "Buzinezzclub" in ws.oddHeader.left.text and "nl-sociaal-domein@2024.1" in ws.oddHeader.right.text
        )
        assert ws.oddFooter.right.text == "Pagina &P van &N"
    summary = wb["Samenvatting"]
    assert summary.page_setup.fitToHeight == 1
    # readers see labels and whole euros; the formulas keep the ids
    names = [summary.cell(r, 1).value for r in range(1, summary.max_row + 1)]
    assert "Gemeente Rotterdam (betaler bijstand)" in names and "gemeente" not in names
    assert summary["B5"].number_format.startswith('"€" #,##0;')
    assert "/" not in str(
        [c.value for row in summary.iter_rows() for c in row if c.value and "bestand" in str(c.value)]
    )


def test_buzinezzclub_workbook_prints_in_at_most_15_pages(buzinezz):
    pdf = to_pdf(buzinezz)
    reader = PdfReader(pdf)
    assert len(reader.pages) <= 15
    footers = [p.extract_text() for p in reader.pages]
    assert sum("Samenvatting - " in text for text in footers) == 1  # the summary on one page
    assert all("Pagina" in text for text in footers)
    box = reader.pages[0].mediabox
    assert {round(float(box.width)), round(float(box.height))} == {595, 842}
