"""What the outputs of a Social Impact Bond show: which rows, in which order, under which names.

The terminal (``mkba sib``, :mod:`mkba.cli.sib`) and the HTML report (:mod:`mkba.report.html.sib`)
show the same schedule and the same simulation; this module decides what that is, once, so that each
view only lays it out (a Rich table; a Jinja context):

- :func:`shown_schedule`: the periods and the rows of the payment schedule;
- :func:`schedule_table`: the payment schedule as a :class:`PeriodTable`, named and in the reader's
  notation, with its totals (:meth:`PeriodTable.parts` cuts it into tables of a few periods);
- :func:`shown_investor_rows` and :func:`shown_simulation`: the rows and the chances of a simulation
  (named by :func:`mkba.report.vocabulary.simulation_name`).

The figures themselves come from :meth:`mkba.sib.model.SibResult.to_dict` and
:meth:`mkba.sib.simulation.SibSimulation.summary`; nothing here computes one.

Imports: :mod:`mkba.report.numbers` and :mod:`mkba.report.vocabulary` (the words and the notation);
nothing of :mod:`mkba.cli`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from mkba.report import numbers
from mkba.report.vocabulary import in_currency, label, schedule_row_name

if TYPE_CHECKING:
    from mkba.scenario.contract import SibContract

#: The schedule's rows as every output shows them, in order: these, one ``to_<investor>`` row per
#: investor, then :data:`SCHEDULE_TAIL` (keys of :meth:`mkba.sib.model.SibResult.schedule_rows`).
SCHEDULE_HEAD = ("investment", "provider_costs", "due", "outcome_payments", "to_provider")
SCHEDULE_TAIL = (
    "beyond_return_cap",
    "payer_keeps",
    "floor_top_up",
    "guarantees_paid",
    "payer_pays",
    "payer_avoids",
)
#: Schedule rows in whole euros (estimates of avoided costs); the contract's own money is in cents.
SCHEDULE_WHOLE = frozenset({"payer_avoids"})
#: Rows shown only where they are nonzero in some period (a contract without them shows no row of zeros).
SCHEDULE_IF_ANY = frozenset(
    {"to_provider", "beyond_return_cap", "payer_keeps", "floor_top_up", "guarantees_paid"}
)

#: The figures of each row of a SIB simulation's summary, in the order the terminal and the report show
#: them (as every simulation table of mkba: the workbook's, ``mkba run --simulate``): the mean (expected
#: value), then p5, p50, p95.
PERCENTILES = ("mean", "p5", "p50", "p95")


def percentile_head(key: str, lang: str = "nl") -> str:
    """A column head of a simulation table: the vocabulary's word for the mean, ``p5`` and so on as is.

    Examples
    --------
    >>> [percentile_head(k) for k in PERCENTILES]
    ['Gemiddelde', 'p5', 'p50', 'p95']
    """
    return label("unc_mean", lang) if key == "mean" else key


def shown_schedule(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The periods and the rows of a schedule as the terminal and the report show them.

    Parameters
    ----------
    data : dict
        :meth:`mkba.sib.model.SibResult.to_dict` (``schedule``, ``investors``, ``dated``).

    Returns
    -------
    (list of dict, list of str)
        The periods (rows of ``schedule``; for a contract on dates only the dates where money moves)
        and the keys to show, in order: :data:`SCHEDULE_HEAD`, one ``to_<id>`` per investor,
        :data:`SCHEDULE_TAIL`, without the rows of :data:`SCHEDULE_IF_ANY` that are zero in every
        period, and without the investment of a contract nobody invests in.
    """
    rows = data["schedule"]
    if data.get("dated"):
        rows = [r for r in rows if any(v for k, v in r.items() if k not in ("year", "period"))]
    investors = list(data["investors"])
    keys = [*SCHEDULE_HEAD, *(f"to_{i}" for i in investors), *SCHEDULE_TAIL]
    if not investors and not any(r["investment"] for r in rows):
        keys.remove("investment")
    return rows, [k for k in keys if k not in SCHEDULE_IF_ANY or any(r.get(k) for r in rows)]


@dataclass(frozen=True)
class PeriodRow:
    """One row of a :class:`PeriodTable`: its name, its amount per period and its total, as shown.

    Attributes
    ----------
    key : str
        What the row is (a key of :func:`shown_schedule`; empty for a row of no schedule).
    name : str
        Its name for the reader.
    values : tuple of float
        The amount per period.
    total : float
        The sum of ``values``.
    cells, total_cell : tuple of str, str
        ``values`` and ``total`` in the reader's notation.
    """

    key: str
    name: str
    values: tuple[float, ...]
    total: float
    cells: tuple[str, ...]
    total_cell: str


class TablePart(NamedTuple):
    """A part of a :class:`PeriodTable` of a few periods (:meth:`PeriodTable.parts`), as laid out.

    Attributes
    ----------
    periods : list of str
        The headers of its periods.
    total : str or None
        The header of the total's column, in the last part only.
    rows : list of list of str
        Per row its name, its cells under ``periods`` and, in the last part, its total.
    """

    periods: list[str]
    total: str | None
    rows: list[list[str]]


@dataclass(frozen=True)
class PeriodTable:
    """A table of amounts with one column per period and one for the total: what a view lays out.

    Attributes
    ----------
    title : str
        The table's title (it names the currency of the amounts).
    periods : tuple of str
        The periods' headers, in the reader's notation (years, or dates).
    rows : tuple of PeriodRow
        The rows, in order.
    total : str
        The header of the total's column.
    """

    title: str
    periods: tuple[str, ...]
    rows: tuple[PeriodRow, ...]
    total: str

    def parts(self, per: int) -> list[TablePart]:
        """The table cut into tables of at most ``per`` periods each, the last with the total.

        Parameters
        ----------
        per : int
            Periods per table (at least 1).

        Returns
        -------
        list of TablePart
            In order; a table without periods is one part with the total only.
        """
        per = max(1, per)
        found = []
        for at in range(0, max(len(self.periods), 1), per):
            last = at + per >= len(self.periods)
            rows = [[r.name, *r.cells[at : at + per], *([r.total_cell] if last else [])] for r in self.rows]
            found.append(TablePart(list(self.periods[at : at + per]), self.total if last else None, rows))
        return found


def period_table(
    title: str,
    periods: Sequence[str],
    rows: Sequence[tuple[str, str, Sequence[float], float, int]],
    lang: str,
) -> PeriodTable:
    """A :class:`PeriodTable` of amounts in the reader's notation.

    Parameters
    ----------
    title : str
        The table's title.
    periods : sequence of str
        The periods' headers, as shown.
    rows : sequence of (str, str, sequence of float, float, int)
        Per row its key, name, amount per period, total and decimals.
    lang : {"nl", "en"}
        The reader's notation.
    """
    return PeriodTable(
        title,
        tuple(periods),
        tuple(
            PeriodRow(
                key,
                name,
                tuple(float(v) for v in values),
                float(total),
                tuple(numbers.number(v, lang, decimals) for v in values),
                numbers.number(total, lang, decimals),
            )
            for key, name, values, total, decimals in rows
        ),
        label("sib_total", lang),
    )


def schedule_table(data: dict[str, Any], lang: str, party: Callable[[str], str]) -> PeriodTable:
    """The payment schedule as the terminal and the report show it: rows of :func:`shown_schedule`.

    Parameters
    ----------
    data : dict
        :meth:`mkba.sib.model.SibResult.to_dict`.
    lang : {"nl", "en"}
        The reader's language and notation.
    party : callable
        An investor's id -> its name for the reader (the ``to_<id>`` rows).

    Returns
    -------
    PeriodTable
        Titled with the contract's currency; one column per period (a dated contract: its dates),
        the contract's amounts to the cent, the payer's avoided costs (estimates, in euro) whole
        (:data:`SCHEDULE_WHOLE`); each row with its total.
    """
    rows, keys = shown_schedule(data)
    currency = data.get("currency", "EUR")
    body = []
    for key in keys:
        values = [r[key] for r in rows]
        decimals = 0 if key in SCHEDULE_WHOLE else 2  # the contract pays cents; avoided costs are estimates
        body.append((key, schedule_row_name(key, currency, party, lang), values, sum(values), decimals))
    periods = [numbers.date(r.get("period", r["year"]), lang) for r in rows]
    return period_table(in_currency("sib_schedule", currency, lang), periods, body, lang)


def shown_investor_rows(summary: dict[str, Any]) -> list[tuple[str, dict[str, float | None]]]:
    """The investors' rows of a simulation as the terminal and the report show them, in order.

    Parameters
    ----------
    summary : dict
        :meth:`mkba.sib.simulation.SibSimulation.summary` (or the streamed one's).

    Returns
    -------
    list of (str, dict)
        ``(key, {p5, p50, p95, mean})``: ``investor_irr`` (over all draws), then
        ``investor_irr_without_total_losses`` only where some draws lose everything and some do not
        (else it is the row above, or there is none), then ``investor_multiple``.
    """
    rows = [("investor_irr", {k: summary[f"investor_irr_{k}"] for k in PERCENTILES})]
    dist = summary.get("investor_irr_distribution") or {}
    rest = dist.get("without_total_losses")
    if rest is not None and dist.get("total_loss_share"):
        rows.append(("investor_irr_without_total_losses", rest))
    rows.append(("investor_multiple", summary["investor_multiple"]))
    return rows


def shown_simulation(
    summary: dict[str, Any], contract: SibContract
) -> tuple[list[tuple[str, dict[str, float | None]]], list[tuple[str, float | None]]]:
    """A simulation as the terminal and the report show it: the rows of percentiles and the chances.

    Parameters
    ----------
    summary : dict
        :meth:`mkba.sib.simulation.SibSimulation.summary` (or the streamed one's).
    contract : SibContract
        The contract simulated: the investors' figures only where it has investors, the floor's only
        where it has one (``max_loss``), the guarantees' only where it names some.

    Returns
    -------
    (list of (str, dict), list of (str, float or None))
        The rows, ``(key, {p5, p50, p95, mean})``: :func:`shown_investor_rows`, then
        ``outcome_payments``, ``payer_payments`` and ``payer_net_savings``; and the single figures,
        ``(key, value)``: ``p_investor_loss``, ``p_total_loss`` (investors lose everything), then
        ``p_payer_pays_more_than_saves``, ``p_floor_used``, ``p_guarantee_called``,
        ``expected_guarantee_paid`` and ``investor_multiple_min``. Each key's unit is in
        :data:`SIMULATION_UNITS`.
    """
    investors = bool(contract.investors)
    rows = shown_investor_rows(summary) if investors else []
    rows += [(k, summary[k]) for k in ("outcome_payments", "payer_payments", "payer_net_savings")]
    chances: list[tuple[str, float | None]] = []
    if investors:
        dist = summary.get("investor_irr_distribution") or {}
        chances += [
            ("p_investor_loss", summary["p_investor_loss"]),
            ("p_total_loss", dist.get("total_loss_share")),
        ]
    chances.append(("p_payer_pays_more_than_saves", summary["p_payer_pays_more_than_saves"]))
    if investors and contract.max_loss is not None:
        chances.append(("p_floor_used", summary["p_floor_used"]))
    if investors and contract.guarantees:
        chances += [(k, summary.get(k)) for k in ("p_guarantee_called", "expected_guarantee_paid")]
    if investors:
        chances.append(("investor_multiple_min", summary["investor_multiple_min"]))
    return rows, chances


#: The unit of each figure of a simulation that the outputs show (the keys of :func:`shown_simulation`):
#: ``rate`` (a fraction: IRR, probability), ``multiple`` (per unit invested), ``money`` (the contract's
#: currency) or ``euro`` (the payer's net savings).
SIMULATION_UNITS = {
    "investor_irr": "rate",
    "investor_irr_without_total_losses": "rate",
    "investor_multiple": "multiple",
    "outcome_payments": "money",
    "payer_payments": "money",
    "payer_net_savings": "euro",
    "p_investor_loss": "rate",
    "p_total_loss": "rate",
    "p_payer_pays_more_than_saves": "rate",
    "p_floor_used": "rate",
    "p_guarantee_called": "rate",
    "expected_guarantee_paid": "money",
    "investor_multiple_min": "multiple",
}


def simulation_value(
    key: str, x: float | None, currency: str, lang: str = "nl", *, euro_space: str = numbers.NBSP
) -> str:
    """A figure of a SIB simulation in the reader's notation, by its unit (:data:`SIMULATION_UNITS`).

    Rates and shares in percent, multiples to three decimals, amounts in whole units of their currency:
    the contract's, the euro for the payer's net savings. ``euro_space`` goes between ``€`` and the
    amount (the terminal's is a plain space).

    Examples
    --------
    >>> simulation_value("investor_irr", -0.028, "EUR", "en"), simulation_value("investor_multiple", 1.16, "GBP")
    ('-2.8%', '1,160')
    >>> simulation_value("outcome_payments", 9757281.4, "USD", "en").replace(numbers.NBSP, " ")
    'USD 9,757,281'
    """
    unit = SIMULATION_UNITS[key]
    if unit == "rate":
        return numbers.percent(x, lang)
    if unit == "multiple":
        return numbers.number(x, lang, 3)
    cur = "EUR" if unit == "euro" else currency
    return numbers.money(x, cur, lang, space=euro_space if cur == "EUR" else numbers.NBSP)
