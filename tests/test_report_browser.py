"""The report in a real browser and on paper (issue 11).

Headless Chromium (the Debian package ``chromium``, driven by Playwright) opens the HTML report:
no console error, no request that leaves the file, every section, table and chart present; a
screenshot is kept under pytest's temporary folder. The PDF that ``--pdf`` prints is counted with
pypdf. CI installs chromium (``.ci/run``); nothing here is skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import invoke_cli

ROOT = Path(__file__).resolve().parents[1]
FRONTLIJN = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"
BUZINEZZ = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"
PROJECT = ROOT / "scenarios" / "frontlijnteam-project.yaml"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pages(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def open_report(browser, html: Path, screenshot: Path) -> dict:
    """Open ``html`` in a fresh page; return what was logged and requested, and the page."""
    page = browser.new_page(viewport={"width": 1100, "height": 1500})
    seen: dict = {"console": [], "requests": [], "errors": []}
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(html.as_uri(), wait_until="load")
    page.screenshot(path=str(screenshot), full_page=True)
    seen["page"] = page
    return seen


@pytest.fixture(scope="module")
def frontlijn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frontlijn")
    html, pdf = folder / "frontlijnteam.html", folder / "frontlijnteam.pdf"
    run = invoke_cli("report", FRONTLIJN, "-o", html, "--pdf", pdf, "--tornado", "--simulate", "5000")
    assert run.returncode == 0, run.stderr
    return html, pdf


@pytest.fixture(scope="module")
def buzinezz(tmp_path_factory):
    folder = tmp_path_factory.mktemp("buzinezz")
    html, pdf = folder / "buzinezzclub.html", folder / "buzinezzclub.pdf"
    run = invoke_cli("report", BUZINEZZ, "-o", html, "--pdf", pdf, "--tornado", "--simulate", "100000")
    assert run.returncode == 0, run.stderr
    return html, pdf


def test_frontlijnteam_in_the_browser(browser, frontlijn):
    html, _ = frontlijn
    seen = open_report(browser, html, html.with_suffix(".png"))
    page = seen["page"]
    assert seen["console"] == [] and seen["errors"] == []
    assert seen["requests"] == [html.as_uri()]  # the file itself, nothing else
    for section in (
        "samenvatting",
        "overzicht",
        "partijen",
        "bronnen",
        "gevoeligheid",
        "montecarlo",
        "herkomst",
    ):
        assert page.locator(f"section#{section}").is_visible(), section
    for table in ("overview", "stakeholders", "yearly", "items", "tornado", "montecarlo", "provenance"):
        assert page.locator(f"table.{table}").count() == 1, table
    # the tornado and the Monte Carlo distribution are drawn, each with its alt text
    for chart in ("tornado", "histogram", "stakeholders", "yearly"):
        svg = page.locator(f"svg.chart-{chart}")
        assert svg.count() == 1 and svg.get_attribute("role") == "img"
        assert len(svg.get_attribute("aria-label") or "") > 20
        assert svg.bounding_box()["height"] > 100
    assert page.locator("svg.chart-tornado rect").count() >= 10  # 5 inputs, low and high
    assert html.with_suffix(".png").stat().st_size > 50_000
    page.close()


def test_frontlijnteam_pdf(frontlijn):
    _, pdf = frontlijn
    reader = PdfReader(pdf)
    assert 2 <= len(reader.pages) <= 8
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "MKBA-overzichtstabel" in text and "Gevoeligheid" in text and "Onzekerheid (Monte Carlo)" in text
    box = reader.pages[0].mediabox  # A4: 595 x 842 points
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2


def test_buzinezzclub_report_fits_twelve_pages(browser, buzinezz):
    html, pdf = buzinezz
    assert pages(pdf) <= 12
    seen = open_report(browser, html, html.with_suffix(".png"))
    assert seen["console"] == [] and seen["errors"] == [] and seen["requests"] == [html.as_uri()]
    page = seen["page"]
    assert page.locator("section#sib").is_visible()
    for table in ("schedule", "investors", "sib-simulation"):
        assert page.locator(f"table.{table}").count() == 1, table
    assert page.locator("svg.chart-sib").count() == 1 and page.locator("svg.chart-histogram").count() == 1
    text = page.locator("section#sib").inner_text()
    assert "ABN AMRO Social Impact Fund" in text and "abn-amro-sif" not in text  # labels, not ids
    assert "€ 648.896,00" in text.replace("\u00a0", " ")  # a contract pays cents
    page.close()


def test_summary_prints_on_the_first_page(buzinezz):
    _, pdf = buzinezz
    first = PdfReader(pdf).pages[0].extract_text()
    assert "Samenvatting" in first and "Kerncijfers" in first and "€ 128.969" in first.replace("\u00a0", " ")


def test_project_report_in_the_browser(browser, tmp_path):
    html, pdf = tmp_path / "project.html", tmp_path / "project.pdf"
    run = invoke_cli("report", PROJECT, "-o", html, "--pdf", pdf, "--simulate", "2000")
    assert run.returncode == 0, run.stderr
    seen = open_report(browser, html, tmp_path / "project.png")
    assert seen["console"] == [] and seen["errors"] == [] and seen["requests"] == [html.as_uri()]
    page = seen["page"]
    for table in ("comparison", "line-deltas", "paired", "provenance"):
        assert page.locator(f"table.{table}").count() == 1, table
    assert page.locator("svg.chart-delta").count() == 1
    assert 1 <= pages(pdf) <= 6
    page.close()


def test_pdf_alone_and_english(tmp_path):
    pdf = tmp_path / "report.pdf"
    run = invoke_cli("report", FRONTLIJN, "--pdf", pdf, "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no HTML left behind
    text = PdfReader(pdf).pages[0].extract_text().replace("\ufb01", "fi")  # the 'fi' ligature
    assert "Summary" in text and "Key figures" in text


# -- print: no line cut across a page, no heading left at a page's foot -----------------------------------
SIB = ROOT / "scenarios" / "sib"
UTAH = SIB / "utah-high-quality-preschool.yaml"
MM = 72 / 25.4
#: The report's page margins (report.css, ``@page``): top and bottom, mm.
MARGIN_TOP, MARGIN_BOTTOM = 14, 15
#: Text at least this large (pt) is a heading (h1-h3); body text prints at 9.5 pt, captions at 10 pt.
HEADING_PT = 11.4


def text_lines(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page the text pieces Chromium drew: (baseline y in points from the foot, size in points, text)."""
    out = []
    for page in PdfReader(pdf).pages:
        found: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, found=found):
            if text.strip():
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                found.append((y, size * (abs(cm[3] * tm[3]) or abs(cm[3])), text.strip()))

        page.extract_text(visitor_text=visit)
        out.append(found)
    return out


def print_faults(pdf: Path) -> list[str]:
    """Lines whose glyphs straddle the top or foot of the page area, and headings that end a page."""
    faults = []
    for n, found in enumerate(text_lines(pdf), 1):
        height = float(PdfReader(pdf).pages[n - 1].mediabox.height)
        top, foot = height - MARGIN_TOP * MM, MARGIN_BOTTOM * MM
        for y, size, text in found:
            low, high = y - 0.2 * size, y + 0.75 * size  # descenders to cap height
            if low < top < high or low < foot < high:
                faults.append(f"page {n}: cut across the page: {text!r}")
        body = [(y, size, text) for y, size, text in found if y > foot]  # not the page number below
        if n < len(PdfReader(pdf).pages) and body:
            lowest = min(y for y, _, _ in body)
            last = [(size, text) for y, size, text in body if y < lowest + 3]
            if any(size >= HEADING_PT for size, _ in last):
                faults.append(f"page {n}: a heading ends the page: {last}")
    return faults


@pytest.fixture(scope="module")
def utah_pdf(tmp_path_factory):
    """The report the reviewer found cut lines in: Utah with 20.000 draws of its contract."""
    folder = tmp_path_factory.mktemp("utah")
    html, pdf = folder / "utah.html", folder / "utah.pdf"
    run = invoke_cli("report", UTAH, "-o", html, "--pdf", pdf, "--simulate", "20000")
    assert run.returncode == 0, run.stderr
    return pdf


def test_the_utah_report_prints_no_line_across_a_page(utah_pdf):
    assert print_faults(utah_pdf) == []
    lines = [t for found in text_lines(utah_pdf) for _, _, t in found]  # a cut line is drawn on both pages
    assert len([t for t in lines if "County of Salt Lake" in t]) == 1


def test_the_printed_reports_cut_no_line_and_orphan_no_heading(frontlijn, buzinezz):
    assert print_faults(frontlijn[1]) == [] and print_faults(buzinezz[1]) == []


@pytest.mark.parametrize("name", sorted(p.stem for p in SIB.glob("*.yaml")))
def test_every_sib_report_prints_whole_lines(tmp_path, name):
    """Every contract, with and without drawn outcome levels: no cut line, no heading at a page's foot."""
    for extra in ((), ("--simulate", "2000")):
        html, pdf = tmp_path / f"{name}.html", tmp_path / f"{name}.pdf"
        run = invoke_cli("report", SIB / f"{name}.yaml", "-o", html, "--pdf", pdf, *extra)
        assert run.returncode == 0, run.stderr
        assert print_faults(pdf) == [], (name, extra)


def test_the_print_check_sees_a_cut_line(tmp_path):
    """The check itself: a heading kept with the next block by painting below it (the old style) cuts lines."""
    from mkba.report.html import render

    html, pdf = tmp_path / "cut.html", tmp_path / "cut.pdf"
    lines = "".join(f"<p>Regel {k} van een lange alinea.</p>" for k in range(60))
    style = (
        "@page { size: A4; margin: 14mm 13mm 15mm 13mm; } html { font-size: 9.5pt; line-height: 1.4 }"
        " p { margin: 0 } .shift { transform: translateY(-6pt) }"
    )
    html.write_text(
        f"<!DOCTYPE html><html><head><style>{style}</style></head><body><div class='shift'>{lines}"
        f"{lines}</div></body></html>",
        encoding="utf-8",
    )
    render.write_pdf(html, pdf)
    assert any("cut across the page" in f for f in print_faults(pdf))
