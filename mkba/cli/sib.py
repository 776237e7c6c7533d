"""``mkba sib``: the payment schedule and figures of a scenario's Social Impact Bond.

Registered on the main app by :mod:`mkba.cli.app`; an :class:`~mkba.errors.MkbaError`
propagates to :func:`mkba.cli.main` (one message, exit code 2).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mkba.cli.common import (
    LANG_OPTION,
    PRICELISTS_DIR_OPTION,
    Lang,
    dask_client,
    dim,
    euro,
    out,
    progress_bar,
    styled,
)
from mkba.cli.terminal import Table
from mkba.errors import MkbaError
from mkba.report import numbers
from mkba.report.sib_view import (
    PERCENTILES,
    PeriodTable,
    percentile_head,
    period_table,
    schedule_table,
    shown_simulation,
    simulation_value,
)
from mkba.report.vocabulary import break_even_words, in_currency, label, simulation_name

if TYPE_CHECKING:
    from mkba.scenario.contract import SibContract


def _pct(x: float | None, lang: str) -> str:
    """A fraction as a percentage in the reader's notation: ``-2,8 %`` or ``-2.8%``; ``-`` for none."""
    return numbers.percent(x, lang)


#: Words of the SIB output that the shared vocabulary does not have (Dutch, English).
_WORDS = {
    "guarantee": ("Garantie", "Guarantee"),
    "break_even_others": (
        "Omslagpunten: steeds één uitkomst gevarieerd, de andere op de niveaus hierboven",
        "Break-evens: one outcome varied at a time, the others at the levels above",
    ),
    "in_force": ("van kracht", "in force"),
    "paid": ("betaald", "paid"),
    "principal_lost": ("Verloren hoofdsom", "Principal lost"),
    "party": ("Partij", "Party"),
    "role": ("Rol", "Role"),
    "role_payer": ("betaler", "payer"),
    "role_floor": ("betaalt de bodem", "pays the floor"),
    "role_guarantor": ("garantsteller", "guarantor"),
    "role_investor": ("investeerder", "investor"),
    "role_provider": ("uitvoerder", "provider"),
    "default_price_year": (
        "prijspeil contract (dat van het scenario)",
        "contract price year (the scenario's)",
    ),
    "default_participants": ("deelnemers gemeten bij", "participants measured for"),
    "default_participants_why": ("alle deelnemers van het scenario", "all participants of the scenario"),
    "draws": ("trekkingen", "draws"),
    "seed": ("startgetal", "seed"),
    "quantile_error": (
        "percentielen uit een histogram: rangfout ten hoogste {error}",
        "percentiles read from a histogram: rank error at most {error}",
    ),
    "outcome_not_drawn": (
        "De simulatie trekt de uitkomstniveaus zoals het contract ze geeft; --outcome geldt alleen voor de "
        "berekening hierboven.",
        "The simulation draws the outcome levels as the contract gives them; --outcome holds only for the "
        "result above.",
    ),
    "draws_equal": (
        "Elke trekking is gelijk: geen uitkomstniveau en geen invoer van het scenario heeft een verdeling. "
        "Geef een uitkomst een verdeling (level: {dist: pert, low: ..., mode: ..., high: ...}) om de "
        "spreiding te zien.",
        "Every draw is the same: no outcome level and no input of the scenario has a distribution. Give "
        "an outcome a distribution (level: {dist: pert, low: ..., mode: ..., high: ...}) to see the spread.",
    ),
}


def _w(key: str, lang: str) -> str:
    nl, en = _WORDS[key]
    return nl if lang == "nl" else en


def _money(x: float | None, currency: str, lang: str = "nl") -> str:
    """An amount the contract pays, to the cent: ``€ 1.234,56``, or ``GBP 1.234,56`` in another currency."""
    return numbers.money(x, currency, lang, cents=True, space=" " if currency == "EUR" else numbers.NBSP)


def parse_outcome(values: list[str] | None) -> dict[str, float] | float | None:
    """``--outcome`` values: one ``LEVEL``, or ``ID=LEVEL`` (repeatable)."""
    if not values:
        return None
    if len(values) == 1 and "=" not in values[0]:
        try:
            return float(values[0])
        except ValueError:
            hint = f" (write a decimal point: {values[0].replace(',', '.')})" if "," in values[0] else ""
            raise MkbaError(
                f"expected a number or ID=LEVEL, got {values[0]!r}{hint}", field="--outcome"
            ) from None
    given: dict[str, float] = {}
    for v in values:
        key, sep, num = v.partition("=")
        key = key.strip()
        if not sep:
            raise MkbaError(
                f"expected ID=LEVEL for each outcome when several are given, got {v!r}", field="--outcome"
            )
        try:
            level = float(num)
        except ValueError:
            raise MkbaError(
                f"{key}: expected a number as the level, got {num!r}"
                + (" (write a decimal point: " + num.replace(",", ".") + ")" if "," in num else ""),
                field="--outcome",
            ) from None
        if key in given:
            raise MkbaError(
                f"{key}: given twice ({given[key]:g} and {level:g}); expected one level", field="--outcome"
            )
        given[key] = level
    return given


def chart_paths(plot: Path, ids: list[str]) -> list[Path]:
    """One chart per outcome: ``plot`` itself for one outcome, else ``<stem>-<outcome id>.png`` for each."""
    if len(ids) == 1:
        return [plot]
    return [plot.with_name(f"{plot.stem}-{oid}{plot.suffix}") for oid in ids]


def sib_command(
    scenario: Path = typer.Argument(..., help="Scenario file with a 'sib:' section."),
    outcome: list[str] | None = typer.Option(
        None, "--outcome", help="Outcome level (LEVEL, or ID=LEVEL, repeatable); default: the expected level."
    ),
    simulate: int | None = typer.Option(None, "--simulate", help="Simulate N outcome draws."),
    seed: int = typer.Option(20260101, "--seed", help="Seed of the draws."),
    chunk_size: int = typer.Option(50_000, "--chunk-size", help="Draws computed at once (memory bound)."),
    workers: int | None = typer.Option(
        None,
        "--workers",
        help="Simulation: worker processes on this machine (1: this process; default: two threads of this process).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Simulation: address of a Dask scheduler (tcp://host:8786) to stream the draws on.",
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write the figures as JSON to this file."),
    plot: Path | None = typer.Option(
        None, "--plot", help="Write the payout curve as a PNG (one per outcome: FILE-<outcome id>.png)."
    ),
    xlsx: Path | None = typer.Option(
        None, "--xlsx", help="Write the auditable Excel workbook, with the SIB sheet at this outcome level."
    ),
    pricelist: str | None = typer.Option(None, help="Price list: NAME, NAME@VERSION or a file."),
    lang: Lang = LANG_OPTION,
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
) -> None:
    """Social Impact Bond: payment schedule, investor IRR and multiple, the payer's net savings."""
    from mkba.report.sib_chart import check_png_path, plot_payout_curve
    from mkba.sib.model import compile_sib

    given = parse_outcome(outcome)
    # Output paths are checked before anything is computed; mkba.io.files writes every file atomically.
    if plot is not None:
        check_png_path(plot, "--plot")
    from mkba.cli.common import check_options, check_output_options, input_files

    check_options(simulate=simulate, chunk_size=chunk_size)
    check_output_options(
        [("--xlsx", xlsx), ("--json", json_out), ("--plot", plot)],
        input_files(scenario, pricelist, folders=pricelists_dir or ()),
    )
    sib = compile_sib(scenario, pricelist, folders=pricelists_dir or ())
    result = sib.point(given)  # an error's field 'levels' is said as --outcome (cli.app.OPTION_FIELDS)
    data = result.to_dict()
    print_sib(data, lang.value, Names.of(sib, lang.value))
    if simulate:
        data["simulation"] = _simulate(sib, simulate, seed, chunk_size, workers, scheduler)
        print_simulation(data["simulation"], lang.value, sib.contract)
        if given is not None:  # the draws come from the contract, not from --outcome
            out.print(_w("outcome_not_drawn", lang.value))
    if plot is not None:
        for k, path in enumerate(chart_paths(plot, [o.id for o in sib.outcomes])):
            plot_payout_curve(sib, path, outcome=k, lang=lang.value)
            out.print(dim(f"{label('written_chart', lang.value)}: {path}"))
    if xlsx is not None:
        from mkba.result import evaluate

        mkba = evaluate(scenario, pricelist, lang=lang.value, folders=pricelists_dir or ())
        mkba.to_excel(xlsx, lang=lang.value, sib=result)
        out.print(dim(f"{label('written_workbook', lang.value)}: {xlsx}"))
    if json_out is not None:
        from mkba.io.files import write_text_atomic

        write_text_atomic(
            Path(json_out), json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        )
        out.print(dim(f"{label('written_json', lang.value)}: {json_out}"))


@dataclass(frozen=True)
class Names:
    """How the terminal names a contract's parties, outcomes and cohorts: their labels (mkba.sib.labels)."""

    contract: Any = None
    stakeholders: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "nl"

    @classmethod
    def of(cls, sib: Any, lang: str) -> Names:
        """The names of a compiled contract (:class:`mkba.sib.model.SibModel`) in ``lang``."""
        return cls(sib.contract, sib.scenario.stakeholders, lang)

    def party(self, name: str | None) -> str:
        """A payer, investor, provider or guarantor by its label."""
        from mkba.sib.labels import party_label

        return (
            label("none", self.lang)
            if not name
            else party_label(self.contract, self.stakeholders, name, self.lang)
        )

    def outcome(self, oid: str) -> str:
        """An outcome by its label."""
        from mkba.sib.labels import outcome_label

        return outcome_label(self.contract, oid)

    def cohort(self, cid: str) -> str:
        """A cohort by its label."""
        from mkba.sib.labels import cohort_label

        return cohort_label(self.contract, cid)

    def part(self, path: str) -> str:
        """The part of the contract at ``path`` (``sib.investors[0]``) by its label."""
        from mkba.sib.labels import part_label

        return part_label(self.contract, self.stakeholders, path, self.lang) or path


def _simulate(
    sib: Any, n: int, seed: int, chunk_size: int, workers: int | None, scheduler: str | None
) -> dict:
    """The streamed simulation's summary, here, on ``workers`` processes or on a Dask cluster."""
    from mkba.sib.simulation import draws_differ, simulate_sib

    with (
        dask_client(scheduler) as client,
        progress_bar("SIB", n, sys.stderr.isatty() and n >= 200_000) as advance,
    ):
        sim = simulate_sib(
            sib, n, seed=seed, chunk_size=chunk_size, progress=advance, workers=workers, client=client
        )
    return sim.summary() | {"draws_differ": draws_differ(sib)}


def print_sib(d: dict, lang: str, names: Names | None = None) -> None:
    """The schedule and the headline figures of one outcome set (amounts in the contract's currency).

    Parties, outcomes and cohorts are shown by their labels (``names``), numbers in the reader's
    notation (:mod:`mkba.report.numbers`): whole euros, cents where the contract pays cents.
    """
    names = names or Names(lang=lang)
    cur = d.get("currency", "EUR")
    out.print(
        styled(
            (d["name"], "bold"),
            f"  ({label('prices_in', lang)} {d['price_year']}, "
            f"{label('discount_rate', lang)} {numbers.percent(d['discount_rate'], lang, 2)}, "
            f"{in_currency('sib_amounts_in', cur, lang)})",
        )
    )
    _print_summary(d, lang, cur, names)
    _print_schedule(d, lang, cur, names)
    if d["investors"]:
        _print_investors(d, lang, cur, names)
    for g in d.get("guarantees", []):
        out.print(
            f"{_w('guarantee', lang)} {names.party(g['guarantor'])}: {_money(g['amount_in_force'], cur, lang)} "
            f"{_w('in_force', lang)}, {_w('paid', lang)} {_money(g['paid'], cur, lang)} ({g['settles']})"
        )
    if d.get("cohorts"):
        _print_by_period(
            in_currency("sib_cohorts", cur, lang),
            [(names.cohort(cid), v["by_period"], v["due_total"]) for cid, v in d["cohorts"].items()],
            lang,
        )
    if d.get("parties"):
        _print_by_period(
            in_currency("sib_parties", cur, lang),
            [
                (f"{names.party(p['party'])} ({_w('role_' + p['role'], lang)})", p["by_period"], p["total"])
                for p in d["parties"]
            ],
            lang,
        )
    _print_notes(d, lang, names)


def _be(be: dict, who: str, lang: str) -> str:
    """A break-even level, or in words why there is none."""
    if be["level"] is not None:
        return numbers.number(be["level"], lang, 2)
    return break_even_words(be, who, lang)


def _print_summary(d: dict, lang: str, cur: str, names: Names) -> None:
    """The headline figures: levels, payments, investors, payer, break-evens."""
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    for oid, level in d["outcome_levels"].items():
        summary.add_row(
            f"{label('sib_outcome_level', lang)}: {names.outcome(oid)}", numbers.number(level, lang, 2)
        )
    summary.add_row(label("sib_outcome_payments", lang), _money(d["outcome_payments_total"], cur, lang))
    if d["investors"]:
        summary.add_row(label("sib_investment", lang), _money(d["investment_total"], cur, lang))
        summary.add_row(label("sib_investors_receive", lang), _money(d["investors_receive_total"], cur, lang))
        summary.add_row(label("sib_investor_irr", lang), _pct(d["investor_irr"], lang))
        summary.add_row(
            in_currency("sib_investor_multiple", cur, lang), numbers.number(d["investor_multiple"], lang, 3)
        )
    if d["floor_top_up_total"]:
        summary.add_row(
            f"{label('sib_floor_top_up', lang)} ({names.party(d['floor_paid_by'])})",
            _money(d["floor_top_up_total"], cur, lang),
        )
    if d["beyond_return_cap_total"]:
        summary.add_row(label("sib_beyond_cap", lang), _money(d["beyond_return_cap_total"], cur, lang))
    if d["payer_keeps_total"]:
        summary.add_row(label("sib_payer_keeps", lang), _money(d["payer_keeps_total"], cur, lang))
    payer = (
        ", ".join(f"{names.party(p['payer'])} {numbers.percent(p['share'], lang, 0)}" for p in d["payers"])
        if len(d["payers"]) > 1
        else names.party(d["payer"])
    )
    summary.add_row(f"{label('sib_payer_pv_savings', lang)}: {payer}", euro(d["payer_pv_savings"], lang=lang))
    summary.add_row(
        f"{label('sib_payer_pv_payments', lang)}: {payer}", euro(d["payer_pv_payments"], lang=lang)
    )
    summary.add_row(label("sib_payer_net_savings", lang), euro(d["payer_net_savings"], lang=lang))
    for oid, be in d["payer_break_even"].items():
        summary.add_row(f"{label('payer_break_even', lang)}: {names.outcome(oid)}", _be(be, "payer", lang))
    if d["investors"]:
        for oid, be in d["investor_break_even"].items():
            summary.add_row(
                f"{label('sib_investor_break_even', lang)}: {names.outcome(oid)}", _be(be, "investors", lang)
            )
    out.print(summary)
    if len(d["outcome_levels"]) > 1:
        out.print(dim(_w("break_even_others", lang)))


def _print_schedule(d: dict, lang: str, cur: str, names: Names) -> None:
    """The payment schedule (:func:`mkba.report.sib_view.schedule_table`, the report's too)."""
    _print_blocks(schedule_table(d, lang, names.party))


def _print_blocks(shown: PeriodTable) -> None:
    """A table with one column per period, split into tables of as many periods as the page holds.

    Nothing is cut off: a contract of many periods (Utah: 13 years, DWP: 9 dates) gets several
    tables, the last one with the total.
    """
    cells = [c for r in shown.rows for c in [*r.cells, r.total_cell]]
    longest = max([len(c) for c in cells] + [len(p) for p in shown.periods])
    first = min(max(len(r.name) for r in shown.rows), 36)
    per = max(1, (out.width - first - 7) // (longest + 3) - 1)
    for k, part in enumerate(shown.parts(per)):
        table = Table(title=shown.title if k == 0 else None, title_justify="left")
        table.add_column("", max_width=36)
        for p in part.periods:
            table.add_column(p, justify="right", no_wrap=True)
        if part.total is not None:
            table.add_column(part.total, justify="right", style="bold", no_wrap=True)
        for row in part.rows:
            table.add_row(*row)
        out.print(table)


def _print_investors(d: dict, lang: str, cur: str, names: Names) -> None:
    """Per investor: invested, received, top-up, principal lost, IRR, multiple."""
    inv = Table(title=label("sib_investors", lang), title_justify="left")
    for col in (
        "sib_investor",
        "sib_investment",
        "sib_investors_receive",
        "sib_floor_top_up",
        "principal_lost",
        "sib_investor_irr",
        "sib_investor_multiple",
    ):
        name = _w(col, lang) if col in _WORDS else in_currency(col, cur, lang)
        inv.add_column(name, justify="left" if col == "sib_investor" else "right")
    for iid, v in d["investors"].items():
        inv.add_row(
            names.party(iid),
            _money(v["invested"], cur, lang),
            _money(v["received"], cur, lang),
            _money(v["floor_top_up"], cur, lang),
            _money(v["principal_lost"], cur, lang),
            _pct(v["irr"], lang),
            numbers.number(v["multiple"], lang, 3),
        )
    out.print(inv)


def _print_by_period(title: str, rows: list[tuple[str, dict, float]], lang: str) -> None:
    """A table of amounts per period (only periods with an amount), one row per cohort or party.

    The amounts are numbers: ``title`` names their currency.
    """
    periods = sorted({p for _, by, _ in rows for p in by})
    body = [("", name, [by.get(p, 0.0) for p in periods], total, 2) for name, by, total in rows]
    shown = [numbers.date(p, lang) for p in periods]  # sorted as ISO dates, shown as the reader writes them
    _print_blocks(period_table(title, shown, body, lang))


#: A default of the contract, as :func:`mkba.sib.model.compile_sib` names it: the outcome it is of.
_PARTICIPANTS = re.compile(r"sib\.outcomes\[(\d+)\]\.participants$")


def _default(key: str, value: str, d: dict, lang: str, names: Names) -> str:
    """One default used, in words: ``what = value (why)``."""
    if key == "sib.price_year":
        return f"{_w('default_price_year', lang)} = {d['price_year']}"
    found = _PARTICIPANTS.match(key)
    if found:
        oids = list(d["outcome_levels"])
        k = int(found.group(1))
        what = names.outcome(oids[k]) if k < len(oids) else ""
        count = value.split(" ", 1)[0]
        shown = numbers.count(int(count), lang) if count.isdigit() else count
        return f"{_w('default_participants', lang)} {what} = {shown} ({_w('default_participants_why', lang)})"
    return f"{names.part(key)} = {value}"


def _print_notes(d: dict, lang: str, names: Names) -> None:
    """The provider's funding, the assumptions and the defaults used."""
    prov = d.get("provider")
    if prov:
        shortfall = (
            (f", {label('sib_shortfall', lang)} {euro(prov['shortfall'], lang=lang)}", "red")
            if prov["shortfall"] > 0
            else ""
        )
        out.print(
            styled(
                f"{label('sib_provider', lang)} {names.party(prov['name'])}: "
                f"{label('sib_provider_costs', lang).lower()} {euro(prov['costs_total'], lang=lang)}, "
                f"{label('sib_investment', lang).lower()} "
                f"{_money(prov['investment_total'], d.get('currency', 'EUR'), lang)}",
                shortfall,
            )
        )
    if d["assumptions"]:
        parts = list(dict.fromkeys(names.part(a["field"]) for a in d["assumptions"]))
        out.print(dim(f"{label('sib_assumptions', lang)}: " + "; ".join(parts)))
    if d["defaults_used"]:
        out.print(
            dim(
                label("defaults_used", lang)
                + ": "
                + "; ".join(_default(k, v, d, lang, names) for k, v in d["defaults_used"].items())
            )
        )


def print_simulation(s: dict, lang: str, contract: SibContract) -> None:
    """The simulation summary: percentiles and expected values, then the chances, total losses apart.

    What is shown, in which order and under which name is the report's too
    (:func:`mkba.report.sib_view.shown_simulation`, :func:`mkba.report.vocabulary.simulation_name`):
    the investors' figures only where the ``contract`` has investors, the floor's and the guarantees'
    only where it has a floor (``max_loss``) or named ``guarantees``. Payments are in the contract's
    currency (whole units), the payer's net savings in euro.

    The percentiles of a streamed simulation are read from a histogram; their rank error
    (``quantile_error``) is stated under the table.
    """
    cur = contract.currency
    rows, chances = shown_simulation(s, contract)
    table = Table(
        title=f"{label('sib_simulation', lang)} ({_w('draws', lang)} {numbers.count(s['n'], lang)}, "
        f"{_w('seed', lang)} {s['seed']})",
        title_justify="left",
    )
    table.add_column("")
    for col in PERCENTILES:
        table.add_column(percentile_head(col, lang), justify="right")
    for key, stats in rows:
        shown = [simulation_value(key, stats[k], cur, lang, euro_space=" ") for k in PERCENTILES]
        table.add_row(simulation_name(key, cur, lang), *shown)
    out.print(table)
    said = Table(show_header=False, box=None, pad_edge=False)
    said.add_column(style="bold")
    said.add_column(justify="right")
    for key, value in chances:
        said.add_row(simulation_name(key, cur, lang), simulation_value(key, value, cur, lang, euro_space=" "))
    out.print(said)
    if not s.get("draws_differ", True):
        out.print(_w("draws_equal", lang))
    if s.get("quantile_error"):
        out.print(dim(_w("quantile_error", lang).format(error=numbers.percent(s["quantile_error"], lang, 2))))
