"""One contract, three views: the terminal (``mkba sib``), the HTML report and the workbook's SIB sheet.

What each shows comes from one place: the simulation's rows and chances from
:func:`mkba.report.sib_view.shown_simulation` with their names from the vocabulary, a currency in a label
from :func:`mkba.report.vocabulary.in_currency`, the words of a missing break-even from
:mod:`mkba.sib.labels`, a default's words from :data:`mkba.engine.model.DEFAULT_REASONS`.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import invoke_cli

ROOT = Path(__file__).resolve().parents[1]
SIB = ROOT / "scenarios" / "sib"
BUZ = ROOT / "tests" / "data" / "sib_buzinezzclub.yaml"
RIKERS = SIB / "nyc-rikers-able.yaml"


@pytest.fixture(scope="module")
def rikers_without_guarantee(tmp_path_factory) -> Path:
    """Rikers without its guarantee: a missed trigger loses everything (total losses in the draws)."""
    data = yaml.safe_load(RIKERS.read_text(encoding="utf-8"))
    del data["sib"]["guarantees"]
    path = tmp_path_factory.mktemp("rikers") / "rikers-without-guarantee.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _cells(line: str, bar: str) -> list[str]:
    return [c.strip() for c in line.strip().strip(bar).split(bar)]


def _terminal_rows(stdout: str) -> tuple[list[str], list[str]]:
    """The names of the simulation table's rows and of the chances under it, as ``mkba sib`` prints them.

    A name the table wraps over two lines (its other cells empty on the second) is joined.
    """
    lines = stdout.replace("\u00a0", " ").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(("Simulatie", "Simulation")))
    rows: list[str] = []
    i = at + 1
    while not lines[i].startswith("└"):
        if lines[i].startswith("│"):
            cells = _cells(lines[i], "│")
            if any(cells[1:]) or not rows:
                rows.append(cells[0])
            else:
                rows[-1] += " " + cells[0]
        i += 1
    chances: list[str] = []
    for line in lines[i + 1 :]:  # name and value, until the note on the percentiles (or the end)
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) != 2:
            break
        chances.append(parts[0])
    return rows, chances


def _report_rows(page: str) -> tuple[list[str], list[str]]:
    """The names of the report's simulation rows and of the chances above them."""
    section = page[page.index('<section id="sib"') :]
    section = section[section.index("<h3>Simulatie</h3>") :]
    chances = section[section.index('<table class="figures">') :]
    chances = chances[: chances.index("</table>")]
    grid = section[section.index('<table class="sib-simulation compact">') :]
    grid = grid[: grid.index("</table>")]

    def names(table: str) -> list[str]:
        return [
            html.unescape(n).replace("\u00a0", " ") for n in re.findall(r"<tr><td[^>]*>(.*?)</td>", table)
        ]

    return names(grid), names(chances)


def _both(tmp_path: Path, scenario: Path) -> tuple[tuple[list[str], list[str]], tuple[list[str], list[str]]]:
    shown = invoke_cli("sib", scenario, "--simulate", "3000")
    assert shown.returncode == 0, shown.stderr
    page = tmp_path / "report.html"
    run = invoke_cli("report", scenario, "--simulate", "3000", "-o", page)
    assert run.returncode == 0, run.stderr
    return _terminal_rows(shown.stdout), _report_rows(page.read_text(encoding="utf-8"))


# -- the investors' rows of a simulation: one source for the terminal and the report -----------------------
def test_with_total_losses_terminal_and_report_show_the_irr_without_them(tmp_path, rikers_without_guarantee):
    (rows, chances), (report_rows, report_chances) = _both(tmp_path, rikers_without_guarantee)
    assert (
        rows
        == report_rows
        == [
            "Rendement investeerders (IRR)",
            "Rendement zonder totaal verlies (IRR)",
            "Terugbetaald per geïnvesteerde USD",
            "Uitkomstbetalingen",
            "Betalingen betaler",
            "Netto besparing betaler (cw)",
        ]
    )
    assert (
        chances
        == report_chances
        == [
            "Kans op verlies investeerders",
            "Kans op totaal verlies investeerders (IRR -100 %)",
            "Kans dat de betaler meer betaalt dan hij bespaart",
            "Laagste terugbetaling per USD",
        ]
    )


@pytest.mark.parametrize(
    ("scenario", "floor", "guarantee"),
    [(RIKERS, False, True), (BUZ, True, False)],
    ids=["rikers-guarantee", "buzinezzclub-floor"],
)
def test_without_total_losses_neither_shows_the_irr_without_them(tmp_path, scenario, floor, guarantee):
    """No draw loses everything: the IRR without total losses would repeat the row above, in neither view.

    The floor's chance only where the contract has a floor, the guarantee's only where it names one.
    """
    (rows, chances), (report_rows, report_chances) = _both(tmp_path, scenario)
    assert rows == report_rows
    assert chances == report_chances
    assert rows[0] == "Rendement investeerders (IRR)" and rows[1].startswith("Terugbetaald per")
    assert not [r for r in rows if "zonder totaal verlies" in r]
    assert ("Kans dat de bodem wordt aangesproken" in chances) is floor
    assert ("Kans dat de garantie betaalt" in chances) is guarantee
    assert ("Verwachte betaling garantie" in chances) is guarantee


def test_without_investors_neither_shows_an_investor_row(tmp_path):
    (rows, chances), (report_rows, report_chances) = _both(
        tmp_path, SIB / "resultaatfinanciering-gemeente.yaml"
    )
    assert rows == report_rows == ["Uitkomstbetalingen", "Betalingen betaler", "Netto besparing betaler (cw)"]
    assert chances == report_chances == ["Kans dat de betaler meer betaalt dan hij bespaart"]


def test_the_investor_rows_in_english_are_the_vocabularys():
    from mkba.report.sib_view import shown_investor_rows
    from mkba.report.vocabulary import simulation_name

    stats = {"p5": -1.0, "p50": 0.01, "p95": 0.05, "mean": -0.2}
    summary = {
        **{f"investor_irr_{k}": v for k, v in stats.items()},
        "investor_multiple": {"p5": 0.0, "p50": 1.0, "p95": 1.2, "mean": 0.8},
        "investor_irr_distribution": {"total_loss_share": 0.2, "without_total_losses": stats},
    }
    names = [simulation_name(key, "GBP", "en") for key, _ in shown_investor_rows(summary)]
    assert names == ["Investor IRR", "Investor IRR without total losses", "Investor multiple"]
    summary["investor_irr_distribution"]["total_loss_share"] = 1.0  # everything lost: nothing left without
    summary["investor_irr_distribution"]["without_total_losses"] = None
    assert [key for key, _ in shown_investor_rows(summary)] == ["investor_irr", "investor_multiple"]


# -- a currency in a label: one way, in the terminal, the report and the workbook -------------------------
CONTRACTS = [
    pytest.param(SIB / "dwp-innovation-fund-round1.yaml", "GBP", id="dwp-gbp"),
    pytest.param(RIKERS, "USD", id="rikers-usd"),
    pytest.param(SIB / "utah-high-quality-preschool.yaml", "USD", id="utah-usd"),
    pytest.param(BUZ, "euro", id="buzinezzclub-eur"),
]


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize(("scenario", "cur"), CONTRACTS)
def test_every_money_label_of_the_terminal_names_the_contracts_currency(scenario, cur):
    from mkba.sib.model import compile_sib

    contract = compile_sib(scenario).contract
    shown = invoke_cli("sib", scenario, "--simulate", "500")
    assert shown.returncode == 0, shown.stderr
    lines = [line.strip() for line in shown.stdout.replace("\u00a0", " ").splitlines()]
    text = _flat(shown.stdout)
    assert "{cur}" not in text
    assert f"bedragen in {cur})" in text  # the heading
    assert f"Betaalschema ({cur})" in lines
    assert f"Per partij (betaald -, ontvangen +) ({cur})" in lines
    assert (f"Verschuldigd per cohort ({cur})" in lines) is bool(contract.cohorts)
    assert f"Terugbetaald per geïnvesteerde {cur}" in text
    assert f"Laagste terugbetaling per {cur}" in text
    # the payer's avoided costs are in euro: a row of a table in another currency says so
    assert ("Betaler vermijdt (euro)" in text) is (cur != "euro")
    others = {"GBP", "USD", "euro"} - {cur}
    assert not [t for t in lines if t.endswith(tuple(f"({o})" for o in others))]


@pytest.mark.parametrize(("scenario", "cur"), CONTRACTS)
def test_every_money_label_of_the_report_names_the_contracts_currency(tmp_path, scenario, cur):
    page = tmp_path / "report.html"
    run = invoke_cli("report", scenario, "--simulate", "500", "-o", page)
    assert run.returncode == 0, run.stderr
    source = page.read_text(encoding="utf-8")
    section = _flat(html.unescape(re.sub(r"<[^>]+>", " ", source[source.index('<section id="sib"') :])))
    assert "{cur}" not in section
    assert f"Betalingen in {cur}, tot op de cent" in section
    assert f"Betaalschema ({cur})" in section
    assert section.count(f"Terugbetaald per geïnvesteerde {cur}") >= 3  # figures, investors, simulation
    assert f"Laagste terugbetaling per {cur}" in section
    assert ("Betaler vermijdt (euro)" in section) is (cur != "euro")
    assert (f"euro per {cur}" in section) is (cur != "euro")  # the exchange rate


@pytest.mark.parametrize(("scenario", "cur"), CONTRACTS)
def test_every_money_label_of_the_workbook_names_the_contracts_currency(tmp_path, scenario, cur):
    xlsx = tmp_path / "sib.xlsx"
    assert invoke_cli("sib", scenario, "--xlsx", xlsx).returncode == 0
    ws = openpyxl.load_workbook(xlsx)["SIB"]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not [t for t in texts if "{cur}" in t]
    dated = "Betaalschema per betaaldatum" if "dwp" in scenario.stem else "Betaalschema per jaar"
    for shown in (
        f"Betalingsregels ({cur})",
        f"Band: {cur}",
        f"Investeerders ({cur})",
        f"{dated} ({cur})",
        f"Kasstromen investeerders ({cur})",
        f"Terug per geïnvesteerde {cur}",
        f"Terugbetaald per geïnvesteerde {cur}",
    ):
        assert shown in texts, shown
    # the rate a euro contract converts with is 1, named for what it is, not "euro per euro"
    rate = "Wisselkoers (het contract is in euro)" if cur == "euro" else f"Wisselkoers (euro per {cur})"
    assert rate in texts and "Wisselkoers (euro per euro)" not in texts
    payer = (
        "Betaler: betalingen tegenover vermeden kosten (euro)"
        if cur == "euro"
        else f"Betaler: betalingen tegenover vermeden kosten (betalingen in {cur}, vermeden kosten in euro)"
    )
    assert payer in texts
    assert any(t.startswith(f"Waterval per investeerder ({cur})") for t in texts)


def test_a_label_with_a_currency_slot_gets_it_filled_in_both_languages():
    from mkba.report.vocabulary import LABELS, in_currency

    slotted = [key for key, pair in LABELS.items() if "{cur}" in pair[0] or "{cur}" in pair[1]]
    assert {"sib_investor_multiple", "sib_schedule", "xl_sib_rules", "sib_parties"} <= set(slotted)
    for key in slotted:
        for lang in ("nl", "en"):
            extra = {"rate": "1,0"} if "{rate}" in LABELS[key][0] else {}
            extra |= {"payer": "X"} if "{payer}" in LABELS[key][0] else {}
            shown = in_currency(key, "GBP", lang, **extra)
            assert "{" not in shown, key
            assert ("GBP" in shown) is ("{cur}" in LABELS[key][lang == "en"]), (key, lang)
    assert in_currency("sib_parties", "EUR", "en") == "Per party (pays -, receives +) (euro)"


# -- a missing break-even: the reader's words and the JSON's reason from one wording -----------------------
def test_the_json_reason_is_the_readers_english_words_with_what_stands_for_the_level_after():
    from mkba.report.vocabulary import break_even_words
    from mkba.sib.model import compile_sib

    d = compile_sib(SIB / "dwp-innovation-fund-round1.yaml").point().to_dict()
    be = next(iter(d["payer_break_even"].values()))  # the first outcome, searched up to level 800
    assert be["why"] == "never" and be["level"] is None
    # the JSON as it always was (machines read `why`; `reason` keeps its words)
    assert be["reason"] == "the payer pays more than it saves at every level up to 800 (none)"
    assert (
        break_even_words(be, "payer", "en")
        == "none: the payer pays more than it saves at every level up to 800"
    )
    assert (
        break_even_words(be, "payer")
        == "geen: de betaler betaalt bij elk niveau tot 800 meer dan hij bespaart"
    )
    wide = {**be, "top": 12500.0}  # the reader's notation, the JSON's plain one
    assert "up to 12,500" in break_even_words(wide, "payer", "en")
    assert "tot 12.500" in break_even_words(wide, "payer", "nl")


@pytest.mark.parametrize("who", ["payer", "investors"])
@pytest.mark.parametrize("why", ["always", "never", "up_to"])
def test_each_missing_break_even_has_the_same_words_for_readers_and_the_json(who, why):
    from mkba.report.vocabulary import break_even_words
    from mkba.sib.labels import no_break_even

    found = {"why": why, "top": 400.0, "up_to": 3.25}  # the same in both notations
    reader = break_even_words(found, who, "en")
    machine = no_break_even(who, why, top=400.0, up_to=3.25, json=True)
    sentence = reader.split(": ", 1)[1]
    assert machine.startswith(sentence + " (") and machine.endswith(")")
    assert break_even_words(found, who, "nl").startswith("geen: ")


def test_a_contract_without_investors_says_so_in_the_json_and_to_readers():
    from mkba.report.vocabulary import break_even_words
    from mkba.sib.model import compile_sib

    d = compile_sib(SIB / "resultaatfinanciering-gemeente.yaml").point().to_dict()
    be = next(iter(d["investor_break_even"].values()))
    assert be["reason"] == "the contract has no investors"
    assert break_even_words(be, "investors", "en") == be["reason"]
    assert break_even_words(be, "investors") == "het contract heeft geen investeerders"


def test_the_model_and_the_vocabulary_no_longer_share_a_function_name():
    import mkba.report.vocabulary as vocabulary
    import mkba.sib.model as model

    assert not hasattr(model, "break_even_reason") and not hasattr(vocabulary, "break_even_reason")


# -- a default's words: one table for readers and the JSON ------------------------------------------------
@pytest.mark.parametrize("reason", ["newest_index_year", "start_year", "werkgroep_2020", "pert_mean"])
def test_a_defaults_words_are_the_same_for_readers_and_the_json(reason):
    from mkba.engine.model import DEFAULT_REASONS, UsedDefault
    from mkba.report.vocabulary import default_reason

    detail = {"unit": "uur", "price_year": 2024, "low": 40.0, "mode": 60.0, "high": 60.0, "amount": 60.0}
    used = UsedDefault(55.0 if reason == "pert_mean" else 2015, reason, detail)
    nl, en = DEFAULT_REASONS[reason]
    assert default_reason(used, "en") == f"default: {used.why('en', lambda x: f'{x:,.2f}')}"
    assert default_reason(used, "nl").startswith("standaard: " + nl.split("{", 1)[0])
    if reason == "start_year":  # the JSON names the field it was taken from, as it always has
        assert used.text == "2015 (start_year)"
    else:
        assert used.text.endswith(used.why("en") + ("" if reason == "pert_mean" else ")"))
        assert en.split("{", 1)[0] in used.text


def test_a_price_at_the_mean_of_its_range_keeps_its_json_words():
    from mkba.engine.model import UsedDefault

    detail = {"unit": "uur", "price_year": 2024, "low": 40.0, "mode": 60.0, "high": 60.0, "amount": 60.0}
    assert UsedDefault(55.0, "pert_mean", detail).text == (
        "55.00 per uur (2024 prices): the mean of PERT(40, 60, 60), because the listed amount 60 "
        "lies at the end of its range"
    )


# -- the payment schedule: one table for the terminal and the report ---------------------------------------
UTAH = SIB / "utah-high-quality-preschool.yaml"  # 13 years, two investors, what the payer keeps
DWP = SIB / "dwp-innovation-fund-round1.yaml"  # a contract on dates


def _terminal_schedule(stdout: str) -> tuple[list[str], list[list[str]]]:
    """The headers and rows of ``mkba sib``'s schedule, its tables of a few periods joined.

    A name the table wraps over two lines (its other cells empty on the second) is joined.
    """
    lines = stdout.replace("\u00a0", " ").splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith(("Betaalschema", "Payment schedule"))) + 1
    header: list[str] = []
    rows: list[list[str]] = []
    while i < len(lines) and lines[i].startswith("┏"):  # one table per few periods
        header += _cells(lines[i + 1], "┃")[1:]
        i += 3
        part: list[list[str]] = []
        while not lines[i].startswith("└"):
            cells = _cells(lines[i], "│")
            if any(cells[1:]) or not part:
                part.append(cells)
            else:
                part[-1][0] += " " + cells[0]
            i += 1
        i += 1
        rows = part if not rows else [[*r, *p[1:]] for r, p in zip(rows, part, strict=True)]
    return header, rows


def _report_schedule(page: str) -> tuple[str, list[str], list[list[str]]]:
    """The title, headers and rows of the report's schedule, its tables of a few periods joined."""
    section = page[page.index('<section id="sib"') :]
    title = html.unescape(re.search(r"<h3>((?:Betaalschema|Payment schedule)[^<]*)</h3>", section).group(1))
    header: list[str] = []
    rows: list[list[str]] = []
    for table in re.findall(r'<table class="schedule compact">(.*?)</table>', section, re.S):
        header += [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)][1:]
        part = [
            [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(<td.*?)</tr>", table)
        ]
        rows = part if not rows else [[*r, *p[1:]] for r, p in zip(rows, part, strict=True)]
    return (
        title,
        [h.replace("\u00a0", " ") for h in header],
        [[c.replace("\u00a0", " ") for c in r] for r in rows],
    )


@pytest.mark.parametrize("scenario", [UTAH, DWP], ids=["utah-years", "dwp-dates"])
def test_the_terminal_and_the_report_lay_out_the_one_schedule_table(tmp_path, scenario):
    """Every name, period, amount and total of the schedule, in both views, is the table's."""
    from mkba.report.sib_view import schedule_table
    from mkba.sib.labels import party_label
    from mkba.sib.model import compile_sib

    sib = compile_sib(scenario)
    table = schedule_table(
        sib.point().to_dict(),
        "nl",
        lambda name: party_label(sib.contract, sib.scenario.stakeholders, name, "nl"),
    )
    header = [p.replace("\u00a0", " ") for p in [*table.periods, table.total]]
    rows = [[c.replace("\u00a0", " ") for c in [r.name, *r.cells, r.total_cell]] for r in table.rows]
    assert len(table.periods) > 7  # cut into several tables in both views
    shown = invoke_cli("sib", scenario)
    assert shown.returncode == 0, shown.stderr
    assert _terminal_schedule(shown.stdout) == (header, rows)
    page = tmp_path / "report.html"
    assert invoke_cli("report", scenario, "-o", page).returncode == 0
    assert _report_schedule(page.read_text(encoding="utf-8")) == (table.title, header, rows)


def test_a_schedule_table_has_each_rows_total_and_its_amounts_in_the_readers_notation():
    from mkba.report.sib_view import schedule_table, shown_schedule
    from mkba.sib.model import compile_sib

    d = compile_sib(UTAH).point().to_dict()
    table = schedule_table(d, "en", str.upper)
    periods, keys = shown_schedule(d)
    assert [r.key for r in table.rows] == keys and "payer_keeps" in keys
    assert table.title == "Payment schedule (USD)" and table.total == "Total"
    assert table.periods == tuple(str(p["year"]) for p in periods)
    for row in table.rows:
        assert row.values == tuple(p[row.key] for p in periods)
        assert row.total == pytest.approx(sum(row.values))
    avoids = next(r for r in table.rows if r.key == "payer_avoids")  # whole euros, named as euro
    assert avoids.name == "Payer avoids (euro)" and "." not in avoids.total_cell
    to = next(r for r in table.rows if r.key.startswith("to_"))
    assert to.name == f"To {to.key[3:].upper()}" and to.cells[2] == "266,949.45"
    parts = table.parts(7)
    assert [len(p.periods) for p in parts] == [7, len(table.periods) - 7]
    assert [p.total for p in parts] == [None, "Total"]
    assert parts[1].rows[0] == [table.rows[0].name, *table.rows[0].cells[7:], table.rows[0].total_cell]


# -- what the payer keeps: one total, in the JSON, read by the terminal ------------------------------------
def test_the_json_has_what_the_payer_keeps_and_the_terminal_prints_that_total(tmp_path, monkeypatch):
    from mkba.cli.sib import _money
    from mkba.sib.model import SibResult, compile_sib

    out = tmp_path / "utah.json"
    shown = invoke_cli("sib", UTAH, "--json", out)
    assert shown.returncode == 0, shown.stderr
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["payer_keeps_total"] == pytest.approx(sum(r["payer_keeps"] for r in d["schedule"]), abs=1e-6)
    assert d["payer_keeps_total"] == 1_883_195.77  # Utah: 55 % of the savings once the investors are whole
    line = next(x for x in shown.stdout.splitlines() if x.startswith("Houdt betaler (investeerders heel)"))
    assert line.split()[-2:] == _money(d["payer_keeps_total"], "USD").split()
    assert compile_sib(BUZ).point().to_dict()["payer_keeps_total"] == 0.0  # nothing kept: no split
    # the terminal reads the total, not a sum of its own
    original = SibResult.to_dict
    monkeypatch.setattr(SibResult, "to_dict", lambda self: {**original(self), "payer_keeps_total": 12.5})
    again = invoke_cli("sib", UTAH)
    line = next(x for x in again.stdout.splitlines() if x.startswith("Houdt betaler (investeerders heel)"))
    assert line.endswith(_money(12.5, "USD"))


# -- the layers: the contract's model shapes no output ----------------------------------------------------
def test_the_sib_layer_imports_nothing_of_the_report_and_the_outputs_shape_lives_there():
    from test_architecture import import_graph

    import mkba.report.sib_view as view
    import mkba.sib.model as model

    up = sorted(
        (src, dst)
        for src, dsts in import_graph().items()
        if src.startswith("mkba.sib")
        for dst in dsts
        if dst.startswith(("mkba.report", "mkba.cli", "mkba.result"))
    )
    assert up == []
    moved = ("shown_schedule", "shown_simulation", "shown_investor_rows", "SCHEDULE_HEAD", "SCHEDULE_TAIL")
    for name in (*moved, "SCHEDULE_IF_ANY", "PERCENTILES"):
        assert hasattr(view, name) and not hasattr(model, name), name
