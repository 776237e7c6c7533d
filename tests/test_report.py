"""``mkba report``: Dutch numbers, one vocabulary, the sections, bad input (issue 11).

The browser and the PDF are tested in tests/test_report_browser.py.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mkba.report import numbers
from tests.conftest import invoke_cli

ROOT = Path(__file__).resolve().parents[1]
FRONTLIJN = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"
BUZINEZZ = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"
PROJECT = ROOT / "scenarios" / "frontlijnteam-project.yaml"

#: Words and code names that must never reach a Dutch reader.
NOT_DUTCH = (
    "avoided_cost", "fiscal_npv", "no sign change", "base_year =", "discount_rate =", "(start_year)",
    "pv_costs", "pv_benefits", "npv_low", "stakeholder", "participant", ">cost<", ">benefit<",
    "True", "False", "None", "nan", "scenarios/", "/work/", "shared/", "Net present value", ".txt",
    "seed", "Break-even",
)  # fmt: skip


class _Text(HTMLParser):
    """The visible text of an HTML document (no tags, no style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def foreign_words(text: str) -> list[str]:
    """The words of :data:`NOT_DUTCH` in ``text`` (whole words where they start and end in a letter)."""
    found = []
    for word in NOT_DUTCH:
        pattern = re.escape(word)
        pattern = (r"\b" if word[0].isalnum() else "") + pattern + (r"\b" if word[-1].isalnum() else "")
        if re.search(pattern, text):
            found.append(word)
    return found


# -- numbers ----------------------------------------------------------------------------------------
def test_numbers_are_dutch_by_default_and_english_on_request():
    assert numbers.euro(2028960, space=" ") == "€ 2.028.960"
    assert numbers.euro(-882412.4, space=" ") == "€ -882.412"
    assert numbers.euro(1234.5, cents=True, space=" ") == "€ 1.234,50"
    assert numbers.euro(2028960, "en") == "€2,028,960"
    assert numbers.ratio(0.18) == "0,18"
    assert numbers.ratio(0.18, "en") == "0.18"
    assert numbers.percent(0.146) == "14,6\u00a0%"
    assert numbers.percent(0.0225, "en", 2) == "2.25%"
    assert numbers.count(100000) == "100.000"
    assert numbers.euro(None) == numbers.euro(float("nan")) == "-"


# -- the report -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def frontlijn_html(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "frontlijn.html"
    run = invoke_cli("report", FRONTLIJN, "-o", out, "--tornado", "--simulate", "2000")
    assert run.returncode == 0, run.stderr
    return out.read_text(encoding="utf-8")


def test_report_has_every_section_and_table(frontlijn_html):
    for section in (
        "samenvatting",
        "overzicht",
        "partijen",
        "bronnen",
        "gevoeligheid",
        "montecarlo",
        "herkomst",
    ):
        assert f'<section id="{section}"' in frontlijn_html
    for table in ("overview", "stakeholders", "yearly", "items", "tornado", "montecarlo", "provenance"):
        assert re.search(rf'<table class="{table}[ "]', frontlijn_html), table
    assert frontlijn_html.count('role="img"') == 4  # stakeholders, yearly, tornado, histogram
    assert frontlijn_html.count("<title>") == 5  # the page and one per chart (alt text)


def test_report_is_self_contained(frontlijn_html):
    assert not re.search(r'(src|href)="(?!#|https?://)', frontlijn_html.replace('href="http', 'href="#http'))
    assert "<script" not in frontlijn_html
    assert "<img" not in frontlijn_html and "<link" not in frontlijn_html
    assert "@import" not in frontlijn_html and "url(" not in frontlijn_html
    assert "default-src 'none'" in frontlijn_html


def test_report_speaks_dutch(frontlijn_html):
    text = visible_text(frontlijn_html)
    assert foreign_words(text) == []
    assert "MKBA-overzichtstabel" in text
    assert "€\u00a0-2.657.336" in text  # the saldo, the Dutch way
    assert "Baten per geïnvesteerde euro" in text and "0,19" in text
    assert "Gemeente Leeuwarden" in text  # stakeholder labels, not ids
    assert "Wie per saldo betaalt: Gemeente Leeuwarden" in text


def test_report_links_sources_and_says_break_even_in_words(frontlijn_html):
    assert '<a href="https://5dok.net/' in frontlijn_html
    text = visible_text(frontlijn_html)
    # npv stays negative over every attribution's 50-75 %: said in words, no value outside the range
    assert "blijft negatief over het hele bereik van 50,0\u00a0% tot 75,0\u00a0%" in text
    assert "3,93" not in text


def test_report_in_english(tmp_path):
    out = tmp_path / "r.html"
    assert invoke_cli("report", FRONTLIJN, "-o", out, "--lang", "en").returncode == 0
    text = visible_text(out.read_text(encoding="utf-8"))
    assert "Summary" in text and "-€2,657,336" in text and "Samenvatting" not in text
    assert '<html lang="en">' in out.read_text(encoding="utf-8")


def test_project_report(tmp_path):
    out = tmp_path / "p.html"
    run = invoke_cli("report", PROJECT, "-o", out, "--simulate", "500")
    assert run.returncode == 0, run.stderr
    html = out.read_text(encoding="utf-8")
    for section in ("samenvatting", "vergelijking", "posten", "montecarlo", "herkomst"):
        assert f'<section id="{section}"' in html
    text = visible_text(html)
    assert "Rangorde naar saldo t.o.v. het nulalternatief" in text
    assert foreign_words(text) == []
    # the percentiles under the workbook's names, in its order (mkba/report/excel/project.py)
    assert _heads(html, "paired") == [
        "Alternatief", "Kans saldo t.o.v. nulalternatief > 0", "Kans het beste alternatief",
        "Saldo t.o.v. nulalternatief p5", "Saldo t.o.v. nulalternatief p50", "Saldo t.o.v. nulalternatief p95",
    ]  # fmt: skip


def _heads(html: str, table: str) -> list[str]:
    """The column heads of the report's table of class ``table``."""
    found = re.search(rf'<table class="{table}[ "].*?<thead>(.*?)</thead>', html, re.S)
    assert found, table
    return [
        unescape(re.sub(r"\s+", " ", h).strip())
        for h in re.findall(r"<th[^>]*>(.*?)</th>", found.group(1), re.S)
    ]


def test_the_simulation_columns_are_the_workbooks_and_the_terminals(frontlijn_html):
    # the workbook's Gevoeligheid: Gemiddelde, (Standaardafwijking,) p5, p50, p95; the report said P5
    assert _heads(frontlijn_html, "montecarlo") == ["Kengetal", "Gemiddelde", "p5", "p50", "p95"]
    run = invoke_cli("run", FRONTLIJN, "--simulate", "200")
    assert run.returncode == 0, run.stderr
    head = next(line for line in run.stdout.splitlines() if "Gemiddelde" in line)
    assert [c.strip() for c in head.strip("┃").split("┃")] == ["Kengetal", "Gemiddelde", "p5", "p50", "p95"]
    assert "p5, p50 en p95: in 5 %" in visible_text(frontlijn_html).replace("\xa0", " ")


def test_the_sib_simulation_columns_are_the_same_in_the_report_and_the_terminal(tmp_path):
    # mkba sib printed p5, mediaan, p95, verwacht; the report, the workbook and mkba run: mean first
    contract = ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"
    out = tmp_path / "rikers.html"
    assert invoke_cli("report", contract, "-o", out, "--simulate", "2000").returncode == 0
    assert _heads(out.read_text(encoding="utf-8"), "sib-simulation") == [
        "Kengetal",
        "Gemiddelde",
        "p5",
        "p50",
        "p95",
    ]
    done = invoke_cli("sib", contract, "--simulate", "2000")
    assert done.returncode == 0, done.stderr
    head = next(line for line in done.stdout.splitlines() if "Gemiddelde" in line)
    assert [c.strip() for c in head.strip("┃").split("┃")] == ["", "Gemiddelde", "p5", "p50", "p95"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [("nl", "Nulalternatief: reguliere hulp"), ("en", "Baseline: regular services")],
)
def test_the_project_report_names_its_nulalternatief_without_saying_the_word_twice(tmp_path, lang, said):
    # its label is "Nulalternatief - reguliere hulp": the report said "Nulalternatief: Nulalternatief - ..."
    out = tmp_path / "p.html"
    assert invoke_cli("report", PROJECT, "-o", out, "--lang", lang).returncode == 0
    text = re.sub(r"\s+", " ", visible_text(out.read_text(encoding="utf-8")))
    assert said in text
    assert "Nulalternatief: Nulalternatief" not in text and "Baseline: Baseline" not in text
    assert "nulalternatief (Nulalternatief" not in text and "baseline (Baseline" not in text


def test_a_nulalternatief_label_loses_only_a_leading_word():
    from mkba.report.vocabulary import baseline_name

    assert baseline_name("Nulalternatief - reguliere hulp") == "reguliere hulp"
    assert baseline_name("Baseline - regular services") == "regular services"
    assert baseline_name("nulalternatief: niets doen") == "niets doen"
    assert baseline_name("Nulalternatief (niets)") == "niets"
    assert baseline_name("Null alternative \u2013 status quo") == "status quo"
    for kept in ("Reguliere hulp", "Nulalternatief", "Nulalternatiefje", "Hulp zonder nulalternatief"):
        assert baseline_name(kept) == kept


# -- bad input -------------------------------------------------------------------------------------
def test_output_that_is_an_input_is_refused(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(FRONTLIJN.read_bytes())
    before = scenario.read_bytes()
    run = invoke_cli("report", scenario, "-o", scenario)
    assert run.returncode == 2 and "is also an input of this command" in run.stderr
    assert scenario.read_bytes() == before
    run = invoke_cli("report", scenario, "-o", tmp_path / "a.html", "--pdf", tmp_path / "a.html")
    assert run.returncode == 2 and "-o and --pdf name the same file" in run.stderr
    assert list(tmp_path.iterdir()) == [scenario]


def test_missing_template_is_refused(tmp_path):
    run = invoke_cli("report", FRONTLIJN, "-o", tmp_path / "r.html", "--template", tmp_path / "nope.j2")
    assert run.returncode == 2 and "template does not exist" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_broken_template_writes_nothing(tmp_path):
    template = tmp_path / "mine.html.j2"
    template.write_text("{% extends 'base.html.j2' %}{% block content %}{{ nothing_here }}{% endblock %}")
    run = invoke_cli("report", FRONTLIJN, "-o", tmp_path / "r.html", "--template", template)
    assert run.returncode == 2 and "template is not valid" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.html.j2"]


def test_own_template_extends_the_bundled_one(tmp_path):
    template = tmp_path / "mine.html.j2"
    template.write_text(
        "{% extends 'report.html.j2' %}{% block content %}<p>eigen</p>{{ super() }}{% endblock %}"
    )
    out = tmp_path / "r.html"
    assert invoke_cli("report", FRONTLIJN, "-o", out, "--template", template).returncode == 0
    assert "<p>eigen</p>" in out.read_text(encoding="utf-8")


def test_scenario_without_result_is_refused(tmp_path):
    scenario = tmp_path / "leeg.yaml"
    scenario.write_text("format: mkba-scenario/1\nname: Leeg\nstart_year: 2025\nhorizon: 3\n")
    run = invoke_cli("report", scenario, "-o", tmp_path / "r.html")
    assert run.returncode == 2 and "no result to report" in run.stderr
    assert not (tmp_path / "r.html").exists()


def test_no_output_and_bad_draws_are_refused(tmp_path):
    assert invoke_cli("report", FRONTLIJN).returncode == 2
    assert invoke_cli("report", FRONTLIJN, "-o", tmp_path / "r.html", "--simulate", "0").returncode == 2
    run = invoke_cli("report", FRONTLIJN, "-o", tmp_path / "missing" / "r.html")
    assert run.returncode == 2 and "does not exist" in run.stderr


def test_pdf_without_chromium_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setenv("MKBA_CHROMIUM", str(tmp_path / "no-chromium"))
    run = invoke_cli("report", FRONTLIJN, "-o", tmp_path / "r.html", "--pdf", tmp_path / "r.pdf")
    assert run.returncode == 2 and "MKBA_CHROMIUM" in run.stderr
    assert list(tmp_path.iterdir()) == []


# -- the templates are package data -------------------------------------------------------------------
def test_wheel_ships_the_templates_and_reports_outside_the_checkout(tmp_path):
    import subprocess
    import sys
    import zipfile

    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            tmp_path,
            ROOT,
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("mkba-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("report.html.j2", "project.html.j2", "base.html.j2", "macros.html.j2", "report.css"):
        assert f"mkba/report/html/templates/{name}" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", target, wheel], check=True
    )
    out = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-m", "mkba.cli", "report", "mkba/_bundled/scenarios/tutorial.yaml", "-o", out],
        cwd=target, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "MKBA-overzichtstabel" in out.read_text(encoding="utf-8")


def test_notebook_view_and_repr_speak_dutch():
    import mkba

    result = mkba.evaluate(BUZINEZZ)
    html = result._repr_html_()
    text = visible_text(html)
    assert "True" not in text and "False" not in text and "deelnemers" not in text
    assert "Jongeren in het programma" in text and "€\u00a0128.969" in text
    assert "1,15" in repr(result) and "2,25\u00a0%" in repr(result)
    assert "€1,011,381" in repr(mkba.evaluate(BUZINEZZ, lang="en"))


def test_pdf_printer_failures_leave_nothing(tmp_path, monkeypatch):
    import subprocess

    from mkba.errors import MkbaError
    from mkba.report.html import render

    monkeypatch.setenv("MKBA_CHROMIUM", "sh")  # any executable: the runs below never start it
    html = tmp_path / "r.html"
    html.write_text("<html></html>", encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"earlier")

    def fails(cmd, **kwargs):
        assert "--headless" in cmd and any(c.startswith("--print-to-pdf=") for c in cmd)
        return subprocess.CompletedProcess(cmd, 1, "", "something went wrong\nFATAL: no display")

    def hangs(cmd, **kwargs):
        raise subprocess.TimeoutExpired(cmd, kwargs["timeout"])

    for run, message in ((fails, "FATAL: no display"), (hangs, "did not print the report")):
        with pytest.raises(MkbaError, match=message):
            render.write_pdf(html, pdf, run=run)
        assert pdf.read_bytes() == b"earlier"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.pdf"]


def test_chromium_is_found_on_the_path(monkeypatch, tmp_path):
    from mkba.errors import MkbaError
    from mkba.report.html import render

    monkeypatch.delenv("MKBA_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MkbaError, match="apt-get install chromium"):
        render.find_chromium()
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert render.find_chromium() == str(fake)


def test_a_contract_in_another_currency_is_shown_in_it_and_its_chart_in_euro(tmp_path):
    """DWP pays in GBP: the SIB section names GBP for the contract's amounts, euro for the savings."""
    from mkba.report import chartspec

    html = tmp_path / "dwp.html"
    done = invoke_cli("report", ROOT / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml", "-o", html)
    assert done.returncode == 0, done.stderr
    text = " ".join(visible_text(html.read_text(encoding="utf-8")).replace(numbers.NBSP, " ").split())
    assert "Betaalschema (GBP)" in text and "Betalingen in GBP, tot op de cent" in text
    assert re.search(r"Uitkomstbetalingen GBP \d{1,3}(\.\d{3})*,\d\d", text), text
    assert not re.search(r"Uitkomstbetalingen €", text)
    schedule = [{"year": 2014, "payer_pays": 100.0, "payer_avoids": 50.0}]
    spec = chartspec.sib_chart("nl", schedule, fx=1.2)  # 1.2 euro per pound
    assert {s.key: s.values for s in spec.series}["cost"] == (-120.0,)


def test_the_workbooks_sib_headings_name_the_contracts_currency(tmp_path):
    import openpyxl

    xlsx = tmp_path / "dwp.xlsx"
    done = invoke_cli("sib", ROOT / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml", "--xlsx", xlsx)
    assert done.returncode == 0, done.stderr
    texts = [c.value for ws in openpyxl.load_workbook(xlsx) for row in ws.iter_rows() for c in row]
    texts = [t for t in texts if isinstance(t, str)]
    assert (
        "Betaalschema per betaaldatum (GBP)" in texts and "Kasstromen investeerders (GBP)" in texts
    )  # on dates
    assert any(t.startswith("Waterval per investeerder (GBP)") for t in texts)


def test_a_dutch_sib_workbook_says_why_there_is_no_break_even_or_irr_in_dutch(tmp_path):
    import openpyxl

    for name in ("nyc-rikers-able", "dwp-innovation-fund-round1"):
        xlsx = tmp_path / f"{name}.xlsx"
        done = invoke_cli("sib", ROOT / "scenarios" / "sib" / f"{name}.yaml", "--xlsx", xlsx)
        assert done.returncode == 0, done.stderr
        texts = [c.value for ws in openpyxl.load_workbook(xlsx) for row in ws.iter_rows() for c in row]
        reasons = [t for t in texts if isinstance(t, str) and t.startswith("n.v.t. (")]
        assert not [t for t in reasons if re.search(r"\b(the|payer|level|several|roots)\b", t)], reasons
        assert not any(isinstance(t, str) and t.startswith("Omslagpunt") and "(" + "_" in t for t in texts)


def test_the_sib_sheet_names_parties_and_outcomes_by_their_labels_in_its_rows(tmp_path):
    """Row labels say 'Hoofdsom uitstaand: ABN AMRO Social Impact Fund', not the id 'abn-amro-sif'."""
    import openpyxl

    for name, ident in (
        ("nyc-rikers-able", "bloomberg-philanthropies"),
        ("dwp-innovation-fund-round1", "social-investor"),
    ):
        xlsx = tmp_path / f"{name}.xlsx"
        done = invoke_cli("sib", ROOT / "scenarios" / "sib" / f"{name}.yaml", "--xlsx", xlsx)
        assert done.returncode == 0, done.stderr
        ws = openpyxl.load_workbook(xlsx)["SIB"]
        labels = [
            c.value for row in ws.iter_rows(min_col=1, max_col=1) for c in row if isinstance(c.value, str)
        ]
        sentences = [t for t in labels if ":" in t or "(" in t]  # 'what: whom' and 'what (which outcome)'
        assert not [t for t in sentences if ident in t or "cohort-" in t], sentences


def test_the_sib_sheet_writes_the_contracts_terms_in_dutch_words():
    """Rule types, what happens beyond the return cap and the waterfall's steps: no file values."""
    import tempfile

    import openpyxl

    with tempfile.TemporaryDirectory() as folder:
        for name in ("dwp-innovation-fund-round1", "nyc-rikers-able", "peterborough-one-service"):
            xlsx = Path(folder) / f"{name}.xlsx"
            assert (
                invoke_cli("sib", ROOT / "scenarios" / "sib" / f"{name}.yaml", "--xlsx", xlsx).returncode == 0
            )
            ws = openpyxl.load_workbook(xlsx)["SIB"]
            texts = {c.value for row in ws.iter_rows(max_col=3) for c in row if isinstance(c.value, str)}
            words = {"rate_card", "threshold", "linear", "bands", "payer_keeps", "provider", "Multiple"}
            assert not words & texts, name
            assert not [t for t in texts if t.endswith(": take") or "max_loss)" in t], name


def test_a_dollar_contract_names_dollars_where_a_label_names_the_euro(tmp_path):
    import openpyxl

    path = ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"
    html, xlsx = tmp_path / "nyc.html", tmp_path / "nyc.xlsx"
    assert invoke_cli("report", path, "-o", html).returncode == 0
    assert invoke_cli("sib", path, "--xlsx", xlsx).returncode == 0
    text = " ".join(visible_text(html.read_text(encoding="utf-8")).split())
    assert "Terugbetaald per geïnvesteerde USD" in text and "Terugbetaald per geïnvesteerde euro" not in text
    ws = openpyxl.load_workbook(xlsx)["SIB"]
    labels = {c.value for row in ws.iter_rows(max_col=12) for c in row if isinstance(c.value, str)}
    assert "Terugbetaald per geïnvesteerde USD" in labels and "Band: USD" in labels
    assert (
        "Betaler: betalingen tegenover vermeden kosten (betalingen in USD, vermeden kosten in euro)" in labels
    )


def test_a_long_payment_schedule_is_split_into_tables_that_fit_the_page(tmp_path):
    """DWP pays on 9 dates: two tables of at most 7 periods, the total in the last; dates as Dutch write them."""
    from mkba.report.html.sib import PERIODS_PER_TABLE

    html = tmp_path / "dwp.html"
    assert (
        invoke_cli(
            "report", ROOT / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml", "-o", html
        ).returncode
        == 0
    )
    page = html.read_text(encoding="utf-8")
    tables = re.findall(r'<table class="schedule compact">(.*?)</table>', page, flags=re.S)
    assert len(tables) == 2
    heads = [re.findall(r"<th[^>]*>(.*?)</th>", t) for t in tables]
    assert all(len(h) <= 1 + PERIODS_PER_TABLE + 1 for h in heads)
    assert heads[0][1] == "30-09-2012" and heads[-1][-1] == "Totaal" and "Totaal" not in heads[0]
    widths = {
        len(re.findall(r"<td", row)) for t in tables for row in re.findall(r"<tr>(.*?)</tr>", t, flags=re.S)
    }
    assert widths - {0} == {len(h) for h in heads}  # every row as wide as its head (0: the head's own row)


# -- the SIB section: every term, both break-evens, what the terminal shows --------------------------
SIB = ROOT / "scenarios" / "sib"


def _report_text(tmp_path: Path, scenario: Path, *args: str) -> str:
    html = tmp_path / f"{scenario.stem}.html"
    run = invoke_cli("report", scenario, "-o", html, *args)
    assert run.returncode == 0, run.stderr
    return " ".join(visible_text(html.read_text(encoding="utf-8")).replace(numbers.NBSP, " ").split())


def _sib_part(text: str) -> str:
    return text[text.index("Social Impact Bond:") : text.rindex("Herkomst van de cijfers")]


def test_the_sib_section_names_the_guarantee_and_the_investors_break_even(tmp_path):
    """Rikers: Bloomberg Philanthropies guarantees USD 7.2 million of Goldman's loan; Goldman breaks even at 10 %."""
    text = _sib_part(_report_text(tmp_path, SIB / "nyc-rikers-able.yaml", "--simulate", "2000"))
    assert (  # the steps in words beside the name, the amount alone in the figure column
        "Garantie van Bloomberg Philanthropies voor Goldman Sachs Bank USA (Urban Investment Group) "
        "(oplopend met de investering: vanaf 2014 USD 6.000.000,00; "
        "vanaf 2015 USD 7.200.000,00) USD 7.200.000,00"
    ) in text
    assert re.search(
        r"Omslagpunt investeerders bij: Daling van de detentiedagen door recidive.*?\(%\) 10,00", text
    )
    assert "Omslagpunt betaler bij: Daling" in text
    # the simulation: total losses apart, as the terminal shows them
    assert "Kans op totaal verlies investeerders (IRR -100 %) 0,0 %" in text


def test_the_simulated_irr_is_also_shown_without_total_losses_when_there_are_any():
    from mkba.report.html.sib import _percentile_rows
    from mkba.report.sib_view import shown_investor_rows

    def _investor_percentiles(summary, cur, lang):
        return _percentile_rows(shown_investor_rows(summary), cur, lang)

    stats = {"mean": -0.2, "p5": -1.0, "p50": 0.01, "p95": 0.05}
    summary = {
        **{f"investor_irr_{k}": v for k, v in stats.items()},
        "investor_multiple": {"mean": 0.8, "p5": 0.0, "p50": 1.0, "p95": 1.2},
        "investor_irr_distribution": {
            "total_loss_share": 0.2,
            "without_total_losses": {"mean": 0.02, "p5": -0.05, "p50": 0.02, "p95": 0.06},
        },
    }
    rows = _investor_percentiles(summary, "EUR", "nl")
    assert [r[0] for r in rows] == [
        "Rendement investeerders (IRR)",
        "Rendement zonder totaal verlies (IRR)",
        "Terugbetaald per geïnvesteerde euro",
    ]
    assert rows[1][1:] == ["2,0\u00a0%", "-5,0\u00a0%", "2,0\u00a0%", "6,0\u00a0%"]
    summary["investor_irr_distribution"]["total_loss_share"] = 0.0  # no total loss: no second row
    assert len(_investor_percentiles(summary, "EUR", "en")) == 2


def test_the_utah_report_reads_as_dutch(tmp_path):
    """Cohorts named, the exchange rate in words, no empty price table, no '0 uncertain inputs', no flat histogram."""
    html = tmp_path / "utah.html"
    run = invoke_cli("report", SIB / "utah-high-quality-preschool.yaml", "-o", html, "--simulate", "2000")
    assert run.returncode == 0, run.stderr
    page = html.read_text(encoding="utf-8")
    text = " ".join(visible_text(page).replace(numbers.NBSP, " ").split())
    contract = "Utah High Quality Preschool Program (Goldman Sachs, J.B. Pritzker, 2013)"
    assert f"{contract} . Aanname: zoals cohort" not in text
    assert (
        "cohort 2015 . Aanname: zoals cohort 2014" in text
        and "cohort 2016 . Aanname: zoals cohort 2014" in text
    )
    assert "cohort 2014 . Aanname: 3.700 kinderen" in text
    assert "Verdeling zodra de investeerders heel zijn . Aanname: Zodra de investeerders" in text
    assert "exchange_rate" not in text and "Aanname: wisselkoers 0,7530 euro per USD" in text
    assert "Wisselkoers 0,7530 euro per USD" in text  # among the contract's terms
    assert "Gebruikte prijzen uit de prijslijst" not in text and '<table class="items' not in page
    assert "onzekere invoerwaarden" not in text and "hangt niet af van onzekere invoer" in text
    sib = page[page.index('<section id="sib"') :]
    assert "chart-histogram" not in sib  # seven ticks of the same amount say nothing
    assert "De netto besparing van de betaler varieert niet over de trekkingen: € 1.548.000" in text
    english = _report_text(tmp_path, SIB / "utah-high-quality-preschool.yaml", "--lang", "en")
    assert "Assumption: exchange rate 0.7530 euro per USD" in english.replace("Assumption :", "Assumption:")


def test_a_contract_without_investors_shows_no_investor_parts(tmp_path):
    """Resultaatfinanciering: the municipality pays the provider; nobody invests, so nothing of investors shows."""
    text = _sib_part(
        _report_text(tmp_path, SIB / "resultaatfinanciering-gemeente.yaml", "--simulate", "2000")
    )
    for word in ("Investering", "Investeerder", "verlies investeerders", "IRR", "Terugbetaald", "bodem"):
        assert word not in text, word
    assert "wat de betaler kan verwachten" in text and "Kans dat de betaler meer betaalt" in text
    assert "Betaler betaalt" in text and "Naar uitvoerder" in text


def test_the_schedule_shows_what_the_payer_keeps_once_investors_are_whole(tmp_path, monkeypatch):
    """A ``payer_keeps`` row of the model is shown, labelled in words, only where it is nonzero somewhere."""
    from mkba.report.vocabulary import label
    from mkba.sib.model import SibResult

    assert label("sib_payer_keeps") == "Houdt betaler (investeerders heel)"
    assert label("sib_payer_keeps", "en") == "Payer keeps (investors whole)"
    original = SibResult.schedule_rows
    keeps = {"value": 125.5}

    def with_keeps(self):
        rows = original(self)
        return [{**r, "payer_keeps": keeps["value"] if k == 3 else 0.0} for k, r in enumerate(rows)]

    monkeypatch.setattr(SibResult, "schedule_rows", with_keeps)
    text = _report_text(tmp_path, SIB / "utah-high-quality-preschool.yaml")
    assert re.search(r"Houdt betaler \(investeerders heel\)( 0,00){3} 125,50( 0,00){3}", text), text
    keeps["value"] = 0.0
    assert "Houdt betaler" not in _report_text(tmp_path, SIB / "utah-high-quality-preschool.yaml")


def test_a_chart_axis_that_reaches_a_million_is_written_in_millions_throughout(tmp_path):
    """'€ -2,50 mln' beside '€ -500.000' on one axis mixed two units (the project report's chart)."""
    out = tmp_path / "p.html"
    done = invoke_cli("report", ROOT / "scenarios" / "frontlijnteam-project.yaml", "-o", out)
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    ticks = re.findall(r"<text[^>]*>(€[^<]*)</text>", page)
    millions = [t for t in ticks if "mln" in t]
    assert millions, ticks
    assert all("mln" in t or t.replace("\xa0", " ") == "€ 0" for t in ticks if t in millions or "." in t), (
        ticks
    )


@pytest.mark.parametrize("horizontal", [False, True])
def test_an_svg_axis_is_in_one_unit_from_its_ticks_not_its_data(horizontal):
    """Data up to 980.000 gives ticks up to 1.000.000: '€ 800.000' beside '€ 1,00 mln' mixed two units."""
    from mkba.report.chartspec import Chart, Series
    from mkba.report.html.svg import render_svg

    chart = Chart(
        key="t", title="t", alt="t", categories=("a", "b"), series=(Series("cost", "c", (150_000.0, 980_000.0)),),
        horizontal=horizontal,
    )  # fmt: skip
    ticks = re.findall(r">(€[^<]*)</text>", render_svg(chart, "nl"))
    assert any("mln" in t for t in ticks) and all("mln" in t or t == "€\xa00" for t in ticks), ticks


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_reports_provenance_says_each_default_in_the_workbooks_words(lang):
    import yaml

    import mkba
    from mkba.report.html.context import provenance
    from mkba.report.vocabulary import default_reason, label

    data = yaml.safe_load(FRONTLIJN.read_text(encoding="utf-8"))
    data.pop("price_year", None)  # the price year a default too: the newest year of the index
    data["pricelist"] = "nl-sociaal-domein@2024.1"
    result = mkba.evaluate(data, lang=lang)
    rows = dict(provenance(result))
    used = result.model.used_defaults
    assert {"base_year", "discount_rate", "price_year"} <= set(used)
    for key, name in (
        ("base_year", "base_year"),
        ("discount_rate", "rp_discount_rate"),
        ("price_year", "price_year"),
    ):
        assert rows[label(name, lang)].endswith(f" ({default_reason(used[key], lang)})")


def test_a_pm_posts_english_label_in_the_english_sources(tmp_path):
    # the sources section gave a PM post its Dutch label in an English report (label_en was passed over)
    scenario = tmp_path / "met-pm.yaml"
    scenario.write_text(
        (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
        + "\npm:\n  - id: buurtcontact\n    label: Meer contact in de buurt\n    label_en: More contact in the neighbourhood\n"
        "    stakeholder: gemeente\n    direction: positive\n    assumption: Genoemd door deelnemers.\n",
        encoding="utf-8",
    )
    english = _report_text(tmp_path, scenario, "--lang", "en")
    sources = english[english.index("Assumptions and sources") :]
    assert "More contact in the neighbourhood" in sources and "Meer contact in de buurt" not in sources
    dutch = _report_text(tmp_path, scenario)
    assert "Meer contact in de buurt" in dutch[dutch.index("Aannames en bronnen") :]
