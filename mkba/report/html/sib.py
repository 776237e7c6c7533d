"""The SIB section of the report: the contract at its expected outcome, per year, and simulated.

Amounts the contract pays are shown to the cent (a contract pays cents); avoided costs and present
values in whole euros (docs/method.md, section 7). The section shows what ``mkba sib`` shows in the
terminal: the contract's terms (each named guarantee with the investors it covers, the exchange rate),
the break-even outcome levels of payer and investors, and with ``--simulate`` the share of draws where
investors lose everything and their IRR without those draws. A contract without investors shows no
investor figure, row or table; a figure that does not vary over the draws is said in a sentence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mkba.report import numbers
from mkba.report.html import chartspec
from mkba.report.html.context import chart
from mkba.report.sib_view import (
    PERCENTILES,
    percentile_head,
    schedule_table,
    shown_simulation,
    simulation_value,
)
from mkba.report.text import public_text
from mkba.report.vocabulary import (
    break_even_words,
    in_currency,
    joined,
    label,
    simulation_name,
)
from mkba.sib.labels import outcome_label, part_label, party_label

if TYPE_CHECKING:
    from mkba.result import Result
    from mkba.scenario.contract import SibContract
    from mkba.sib.model import SibResult
    from mkba.sib.simulation import SibSimulation


def _who(result: Result, name: str | None) -> str:
    """A stakeholder's or an investor's label (as the scenario gives it), else its id."""
    if not name:
        return label("none", result.lang)
    return party_label(result.scenario.sib, result.scenario.stakeholders, name, result.lang)


def _outcome(result: Result, oid: str) -> str:
    return outcome_label(result.scenario.sib, oid)


def _figures(result: Result, d: dict[str, Any]) -> list[tuple[str, str]]:
    """The contract's terms and headline figures at the expected outcome (investor parts only with investors)."""
    lang = result.lang
    cur = d.get("currency", "EUR")  # the contract's amounts; the payer's savings are in euro
    c = lambda x: numbers.money(x, cur, lang, cents=True)  # noqa: E731
    rows = [
        (f"{label('sib_outcome_level', lang)}: {_outcome(result, oid)}", numbers.number(level, lang, 2))
        for oid, level in d["outcome_levels"].items()
    ]
    rows.append((label("sib_outcome_payments", lang), c(d["outcome_payments_total"])))
    if d["investors"]:
        rows += [
            (label("sib_investment", lang), c(d["investment_total"])),
            (label("sib_investors_receive", lang), c(d["investors_receive_total"])),
            (label("sib_investor_irr", lang), numbers.percent(d["investor_irr"], lang)),
            (
                in_currency("sib_investor_multiple", cur, lang),
                numbers.number(d["investor_multiple"], lang, 3),
            ),
        ]
    rows += _guarantees(result, d)
    if d["floor_top_up_total"]:
        rows.append(
            (
                f"{label('sib_floor_top_up', lang)} ({_who(result, d['floor_paid_by'])})",
                c(d["floor_top_up_total"]),
            )
        )
    if d["beyond_return_cap_total"]:
        rows.append((label("sib_beyond_cap", lang), c(d["beyond_return_cap_total"])))
    if cur != "EUR" and d.get("exchange_rate"):
        rows.append(
            (label("sib_exchange_rate", lang).capitalize(), _exchange_rate(d["exchange_rate"], cur, lang))
        )
    payer = _who(result, d["payer"])
    rows += [
        (f"{label('sib_payer_pv_savings', lang)}: {payer}", numbers.euro(d["payer_pv_savings"], lang)),
        (f"{label('sib_payer_pv_payments', lang)}: {payer}", numbers.euro(d["payer_pv_payments"], lang)),
        (label("sib_payer_net_savings", lang), numbers.euro(d["payer_net_savings"], lang)),
    ]
    rows += _break_evens(result, d.get("payer_break_even") or {}, "payer", "payer_break_even")
    if d["investors"]:
        rows += _break_evens(
            result, d.get("investor_break_even") or {}, "investors", "sib_investor_break_even"
        )
    return rows


def _break_evens(result: Result, found: dict[str, Any], who: str, key: str) -> list[tuple[str, str]]:
    """Per outcome the level where payer or investors break even, or in words why there is none."""
    lang = result.lang
    return [
        (
            f"{label(key, lang)}: {_outcome(result, oid)}",
            numbers.number(be["level"], lang, 2)
            if be["level"] is not None
            else break_even_words(be, who, lang),
        )
        for oid, be in found.items()
    ]


def _exchange_rate(rate: float, cur: str, lang: str, decimals: int = 4) -> str:
    """``0,7530 euro per USD``: the contract's exchange rate in the reader's notation."""
    return in_currency("sib_exchange_rate_value", cur, lang, rate=numbers.number(rate, lang, decimals))


def _guarantees(result: Result, d: dict[str, Any]) -> list[tuple[str, str]]:
    """Each named guarantee: guarantor, the investors it covers, its amount (and what it paid, if anything).

    An amount that rises with the investment drawn (Rikers) is shown in force at settlement, with its steps.
    """
    contract = result.scenario.sib
    if contract is None or not contract.guarantees:
        return []
    lang, cur = result.lang, d.get("currency", "EUR")
    c = lambda x: numbers.money(x, cur, lang, cents=True)  # noqa: E731
    shown = d.get("guarantees", [])  # in the contract's order
    rows = []
    for k, spec in enumerate(contract.guarantees):
        covers = spec.covers or [i.id for i in contract.investors]
        guarantor = _who(result, spec.guarantor)
        name = label("sib_guarantee_by", lang).format(
            guarantor=guarantor, covers=joined([_who(result, i) for i in covers], lang)
        )
        g = shown[k] if k < len(shown) else {}
        if isinstance(spec.amount, dict):
            steps = "; ".join(
                label("sib_guarantee_from", lang).format(period=numbers.date(p, lang), amount=c(a))
                for p, a in spec.amount.items()
            )
            amount = g.get("amount_in_force", max(spec.amount.values()))
            # the steps are words: with the name, so that the figure column holds the amount only
            name = f"{name} ({label('sib_guarantee_steps', lang).format(steps=steps)})"
            value = c(amount)
        else:
            value = c(spec.amount)
        rows.append((name, value))
        if g.get("paid"):
            rows.append((label("sib_guarantee_paid", lang).format(guarantor=guarantor), c(g["paid"])))
    return rows


#: Periods per table of the payment schedule: a contract of many periods (Utah: 13 years, DWP: 13 dates)
#: gets several tables, the last with the total, so that the schedule fits an A4 page in portrait.
PERIODS_PER_TABLE = 7


def _schedule(result: Result, d: dict[str, Any]) -> dict[str, Any]:
    """The payment schedule (:func:`mkba.report.sib_view.schedule_table`, the terminal's too) as tables.

    Each table has at most :data:`PERIODS_PER_TABLE` periods, the last the total. Amounts as numbers:
    the title names the contract's currency, and the payer's avoided costs (in euro) say so in their
    row's name when the contract is in another currency.
    """
    shown = schedule_table(d, result.lang, lambda name: _who(result, name))
    tables = [
        {
            "header": ["", *part.periods, *([part.total] if part.total is not None else [])],
            "rows": part.rows,
        }
        for part in shown.parts(PERIODS_PER_TABLE)
    ]
    note = label("rp_sib_schedule_prices", result.lang).format(year=d["price_year"])
    return {"title": shown.title, "note": note, "tables": tables}


def _price_level(d: dict[str, Any], lang: str) -> str:
    """``prijspeil 2014``: the price level of the contract's amounts, for the titles of its tables and charts."""
    return f"{label('prices_in', lang)} {d['price_year']}"


def _documented(result: Result) -> list[dict[str, Any]]:
    """Every part of the contract that carries a source or an assumption, by the label of that part.

    A part is named as the terminal names it (:func:`mkba.sib.labels.part_label`: an investor, a
    cohort such as ``cohort 2014``, a guarantee), a rule without a name by what it is; the texts have
    the contract's settings in words and numbers in the reader's notation (:func:`_contract_words`).
    """
    import pydantic

    from mkba.report.html.context import _source

    contract = result.scenario.sib
    if contract is None:
        return []
    lang = result.lang
    found: list[dict[str, Any]] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, pydantic.BaseModel):
            source, note = getattr(node, "source", None), getattr(node, "assumption", None)
            if source is not None or note:
                found.append(
                    {
                        "label": _part(result, path),
                        "source": _source(source),
                        "assumption": _contract_words(public_text(note), lang),
                    }
                )
            for field in type(node).model_fields:
                walk(getattr(node, field), f"{path}.{field}")
        elif isinstance(node, list | tuple):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")
        elif isinstance(node, dict):
            for item in node.values():
                walk(item, path)

    walk(contract, "sib")
    return found


#: Parts of a contract that have no label or id of their own, named by their field.
_UNNAMED_PARTS = {"once_investors_whole": "sib_part_once_investors_whole"}


def _part(result: Result, path: str) -> str:
    """The label of the part of the contract at ``path`` (``sib.cohorts[1]`` -> ``cohort 2014``)."""
    contract, lang = result.scenario.sib, result.lang
    last = path.rsplit(".", 1)[-1]
    if last in _UNNAMED_PARTS:
        return label(_UNNAMED_PARTS[last], lang)
    shown = part_label(contract, result.scenario.stakeholders, path, lang)
    return shown or getattr(contract, "name", None) or label("rp_sec_sib", lang)


#: A setting of the contract written as its file key in a text, with its number: ``exchange_rate 0.7530``.
_EXCHANGE_RATE = re.compile(r"\bexchange[_ ]rate\s*(?:=|:)?\s*(\d+(?:\.(\d+))?)")


def _contract_words(text: str, lang: str) -> str:
    """``text`` with the contract's exchange rate in words and the reader's notation.

    ``exchange_rate 0.7530`` -> ``wisselkoers 0,7530`` (``exchange rate 0.7530`` in English).
    """

    def rate(m: re.Match[str]) -> str:
        value = numbers.number(float(m.group(1)), lang, len(m.group(2) or ""))
        return f"{label('sib_exchange_rate', lang)} {value}"

    return _EXCHANGE_RATE.sub(rate, text) if text else text


def _investors(result: Result, d: dict[str, Any]) -> list[list[str]]:
    lang, cur = result.lang, d.get("currency", "EUR")
    return [
        [
            _who(result, iid),
            numbers.money(v["invested"], cur, lang, cents=True),
            numbers.money(v["received"], cur, lang, cents=True),
            numbers.percent(v["irr"], lang),
            numbers.number(v["multiple"], lang, 3),
        ]
        for iid, v in d["investors"].items()
    ]


def _simulation(result: Result, sim: SibSimulation, contract: SibContract) -> dict[str, Any]:
    """The contract over drawn outcome levels: the chances, the percentiles and the payer's net savings.

    The rows and the chances are the terminal's (:func:`mkba.report.sib_view.shown_simulation`): the
    investors' figures only where the contract has investors, their IRR also without the draws where
    they lose everything where there are such draws, the floor's and the guarantees' only where the
    contract has them. A net saving that does not vary over the draws is said in a sentence instead of drawn.
    """
    lang = result.lang
    s = sim.summary()
    cur = contract.currency
    rows, chances = shown_simulation(s, contract)
    savings = sim.payer_net_savings
    fixed = savings.size > 0 and float(savings.max() - savings.min()) < 0.5  # less than half a euro apart
    if fixed:
        figure, still = (
            None,
            label("rp_sib_fixed", lang).format(value=numbers.euro(float(savings.mean()), lang)),
        )
    else:
        spec = chartspec.histogram_chart(lang, savings)
        spec = chartspec.Chart(**{**spec.__dict__, "title": label("chart_sib_hist_title", lang)})
        figure, still = chart(spec, lang), ""
    intro = "rp_sib_sim_intro" if contract.investors else "rp_sib_sim_intro_payer"
    return {
        "intro": label(intro, lang).format(n=numbers.count(s["n"], lang), seed=s["seed"]),
        "head": [label("unc_figure", lang), *(percentile_head(k, lang) for k in PERCENTILES)],
        "rows": _percentile_rows(rows, cur, lang),
        "probabilities": [
            (simulation_name(k, cur, lang), simulation_value(k, x, cur, lang)) for k, x in chances
        ],
        "chart": figure,
        "fixed": still,
    }


def _percentile_rows(rows: list[tuple[str, dict[str, Any]]], cur: str, lang: str) -> list[list[str]]:
    """Rows of :func:`mkba.report.sib_view.shown_simulation` as the report's table has them: name, then
    the figures in :data:`~mkba.report.sib_view.PERCENTILES` order."""
    return [
        [simulation_name(key, cur, lang), *(simulation_value(key, stats[k], cur, lang) for k in PERCENTILES)]
        for key, stats in rows
    ]


def _basis(result: Result, point: SibResult, d: dict[str, Any]) -> list[str]:
    """The contract's price level, what (cw) means and its outcome levels; then why the payer's avoided
    costs differ from the payer's benefits in the MKBA tables.

    The contract is computed at its own price year and at the expected outcome levels; the MKBA at the
    scenario's price year with the effect lines as written (the reference level). Where the MKBA's
    figure, brought to the contract's prices and scaled to the expected level, is the contract's
    figure (one outcome scales the effect lines, every benefit of the payer linked to it), the second
    paragraph shows that sum.
    """
    lang = result.lang
    contract_year, year = int(d["price_year"]), result.price_year
    references = {o.id: o.reference_level for o in point.sib.outcomes if o.reference_level}
    words = [
        label("rp_sib_prices" if contract_year != year else "rp_sib_prices_same", lang).format(
            contract_year=contract_year, year=year
        ),
        label("rp_sib_pv", lang).format(
            rate=numbers.percent(d["discount_rate"], lang, 2), base_year=point.sib.model.base_year
        ),
        label("rp_sib_levels", lang).format(levels=_levels(result, d["outcome_levels"])),
    ]
    if references:
        words.append(label("rp_sib_references", lang).format(references=_levels(result, references)))
    reconciled = _reconcile(result, d, references)
    return [" ".join(words), *([reconciled] if reconciled else [])]


def _levels(result: Result, levels: dict[str, float]) -> str:
    """``Uitstroom naar werk 38,33 en …``: outcomes by their labels with their levels."""
    lang = result.lang
    return joined(
        [f"{_outcome(result, oid)} {numbers.number(v, lang, 2)}" for oid, v in levels.items()], lang
    )


def _reconcile(result: Result, d: dict[str, Any], references: dict[str, float]) -> str:
    """Why the payer's avoided costs (cw) differ from its benefits in the MKBA; empty where the payer
    has none there. With one outcome whose scaling explains the whole difference, as a sum."""
    lang, payer = result.lang, d["payer"]
    mkba = {r["stakeholder"]: r["pv_benefits"] for r in result.stakeholder_rows()}.get(payer)
    if mkba is None:
        return ""
    if abs(mkba - d["payer_pv_savings"]) < 0.5:  # the same euro: nothing to reconcile
        return label("rp_sib_reconcile_same", lang).format(
            payer=_who(result, payer), sib=numbers.euro(mkba, lang)
        )
    contract_year, year = int(d["price_year"]), result.price_year
    factor = float(result.scenario.price_index().factor(year, contract_year))
    fields: dict[str, Any] = {
        "payer": _who(result, payer),
        "sib": numbers.euro(d["payer_pv_savings"], lang),
        "mkba": numbers.euro(mkba, lang),
        "year": year,
    }
    shown = {"contract_year": contract_year, "factor": numbers.number(factor, lang, 4)}
    if len(references) == 1:  # one outcome scales the effect lines: the difference as a sum
        oid, reference = next(iter(references.items()))
        level = d["outcome_levels"][oid]
        chain = mkba * factor * level / reference
        if abs(chain - d["payer_pv_savings"]) <= max(1.0, 1e-4 * abs(d["payer_pv_savings"])):
            indexed = label("rp_sib_indexed_chain", lang).format(**shown) if contract_year != year else ""
            return label("rp_sib_reconcile_chain", lang).format(
                **fields,
                indexed=indexed,
                level=numbers.number(level, lang, 2),
                reference=numbers.number(reference, lang, 2),
            )
    indexed = label("rp_sib_indexed", lang).format(**shown) if contract_year != year else ""
    return label("rp_sib_reconcile", lang).format(**fields, indexed=indexed)


def _sib_chart(d: dict[str, Any], lang: str) -> chartspec.Chart:
    """The payer's payments and avoided costs per year, its title with the contract's price level."""
    spec = chartspec.sib_chart(lang, d["schedule"], float(d.get("exchange_rate") or 1.0))
    return chartspec.Chart(**{**spec.__dict__, "title": f"{spec.title} ({_price_level(d, lang)})"})


def sib_section(result: Result, point: SibResult | None, sim: SibSimulation | None) -> dict[str, Any] | None:
    """The SIB section: figures at the expected outcome, schedule, investors, chart, simulation.

    Parameters
    ----------
    result : mkba.result.Result
        The scenario's result (language, stakeholder labels).
    point : SibResult or None
        The contract at its expected outcome levels; None when the scenario has no ``sib:``.
    sim : SibSimulation or None
        The contract over drawn outcome levels, when simulated.

    Returns
    -------
    dict or None
        What the template shows; None without a SIB.
    """
    if point is None:
        return None
    lang = result.lang
    d = point.to_dict()
    return {
        "name": d["name"],
        "intro": in_currency("rp_sib_intro", d.get("currency", "EUR"), lang, payer=_who(result, d["payer"])),
        "basis": _basis(result, point, d),
        "figures": _figures(result, d),
        "schedule": _schedule(result, d),
        "investors": _investors(result, d),  # empty without investors: the template leaves them out
        "multiple_label": in_currency("sib_investor_multiple", d.get("currency", "EUR"), lang),
        "chart": chart(_sib_chart(d, lang), lang),
        "simulation": _simulation(result, sim, point.sib.contract) if sim is not None else None,
        "documented": _documented(result),
    }
