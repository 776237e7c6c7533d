"""The SIB section of the report: the contract at its expected outcome, per year, and simulated.

Amounts the contract pays are shown to the cent (a contract pays cents); avoided costs and present
values in whole euros (docs/method.md, section 7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkba.report import numbers
from mkba.report.html import chartspec
from mkba.report.html.context import chart
from mkba.report.text import public_text
from mkba.report.vocabulary import break_even_reason, in_currency, label
from mkba.sib.labels import outcome_label, party_label

if TYPE_CHECKING:
    from mkba.result import Result
    from mkba.sib.model import SibResult
    from mkba.sib.simulation import SibSimulation

#: Yearly flows of the schedule table, in order (investor rows are added after ``outcome_payments``).
_SCHEDULE = ("investment", "provider_costs", "due", "outcome_payments")
_SCHEDULE_AFTER = ("beyond_return_cap", "floor_top_up", "payer_pays", "payer_avoids")


def _who(result: Result, name: str | None) -> str:
    """A stakeholder's or an investor's label (as the scenario gives it), else its id."""
    if not name:
        return label("none", result.lang)
    return party_label(result.scenario.sib, result.scenario.stakeholders, name, result.lang)


def _outcome(result: Result, oid: str) -> str:
    return outcome_label(result.scenario.sib, oid)


def _figures(result: Result, d: dict[str, Any]) -> list[tuple[str, str]]:
    lang = result.lang
    cur = d.get("currency", "EUR")  # the contract's amounts; the payer's savings are in euro
    c = lambda x: numbers.money(x, cur, lang, cents=True)  # noqa: E731
    rows = [
        (f"{label('sib_outcome_level', lang)}: {_outcome(result, oid)}", numbers.number(level, lang, 2))
        for oid, level in d["outcome_levels"].items()
    ]
    rows += [
        (label("sib_outcome_payments", lang), c(d["outcome_payments_total"])),
        (label("sib_investment", lang), c(d["investment_total"])),
        (label("sib_investors_receive", lang), c(d["investors_receive_total"])),
        (label("sib_investor_irr", lang), numbers.percent(d["investor_irr"], lang)),
        (in_currency("sib_investor_multiple", cur, lang), numbers.number(d["investor_multiple"], lang, 3)),
    ]
    if d["floor_top_up_total"]:
        rows.append(
            (
                f"{label('sib_floor_top_up', lang)} ({_who(result, d['floor_paid_by'])})",
                c(d["floor_top_up_total"]),
            )
        )
    if d["beyond_return_cap_total"]:
        rows.append((label("sib_beyond_cap", lang), c(d["beyond_return_cap_total"])))
    payer = _who(result, d["payer"])
    rows += [
        (f"{label('sib_payer_pv_savings', lang)}: {payer}", numbers.euro(d["payer_pv_savings"], lang)),
        (f"{label('sib_payer_pv_payments', lang)}: {payer}", numbers.euro(d["payer_pv_payments"], lang)),
        (label("sib_payer_net_savings", lang), numbers.euro(d["payer_net_savings"], lang)),
    ]
    for oid, be in d["payer_break_even"].items():
        value = (
            numbers.number(be["level"], lang, 2)
            if be["level"] is not None
            else break_even_reason(be, "payer", lang)
        )
        rows.append((f"{label('payer_break_even', lang)}: {_outcome(result, oid)}", value))
    return rows


#: Periods per table of the payment schedule: a contract of many periods (Utah: 13 years, DWP: 13 dates)
#: gets several tables, the last with the total, so that the schedule fits an A4 page in portrait.
PERIODS_PER_TABLE = 7


def _schedule(result: Result, d: dict[str, Any]) -> dict[str, Any]:
    """The payment schedule as tables of at most :data:`PERIODS_PER_TABLE` periods.

    Amounts as numbers: the title names the contract's currency, and the payer's avoided costs (in
    euro) say so in their row's name when the contract is in another currency.
    """
    lang = result.lang
    rows = d["schedule"]
    if d.get("dated"):  # a contract on dates: only the dates where money moves
        rows = [r for r in rows if any(v for k, v in r.items() if k not in ("year", "period"))]
    investors = list(d["investors"])
    keys = [*_SCHEDULE, *(f"to_{i}" for i in investors), *_SCHEDULE_AFTER]
    if any(r["to_provider"] for r in rows):
        keys.insert(len(_SCHEDULE), "to_provider")
    body = []
    for key in keys:
        if key in ("beyond_return_cap", "floor_top_up") and not any(r[key] for r in rows):
            continue
        name = (
            f"{label('rp_sib_to', lang)} {_who(result, key[3:])}"
            if key.startswith("to_") and key != "to_provider"
            else label(f"sib_{key}", lang)
        ) + (" (euro)" if key == "payer_avoids" and d.get("currency", "EUR") != "EUR" else "")
        decimals = 0 if key == "payer_avoids" else 2  # the contract pays cents; avoided costs are estimates
        body.append(
            [
                name,
                *(numbers.number(r[key], lang, decimals) for r in rows),
                numbers.number(sum(r[key] for r in rows), lang, decimals),
            ]
        )
    title = label("sib_schedule", lang).format(cur=numbers.currency_name(d.get("currency", "EUR"), lang))
    periods = [numbers.date(r.get("period", r["year"]), lang) for r in rows]  # a dated contract: its dates
    tables = []
    for at in range(0, max(len(periods), 1), PERIODS_PER_TABLE):
        last = at + PERIODS_PER_TABLE >= len(periods)
        cut = slice(1 + at, min(1 + at + PERIODS_PER_TABLE, 1 + len(periods)))  # periods only, not the total
        tables.append(
            {
                "header": [
                    "",
                    *periods[at : at + PERIODS_PER_TABLE],
                    *([label("sib_total", lang)] if last else []),
                ],
                "rows": [[row[0], *row[cut], *([row[-1]] if last else [])] for row in body],
            }
        )
    return {"title": title, "years": periods, "rows": body, "tables": tables}


def _documented(result: Result) -> list[dict[str, Any]]:
    """Every part of the contract that carries a source or an assumption, by its label."""
    import pydantic

    from mkba.report.html.context import _source

    found: list[dict[str, Any]] = []

    def walk(node: object, name: str) -> None:
        if isinstance(node, pydantic.BaseModel):
            source, note = getattr(node, "source", None), getattr(node, "assumption", None)
            shown = getattr(node, "label", None) or name
            if source is not None or note:
                found.append({"label": shown, "source": _source(source), "assumption": public_text(note)})
            for field in type(node).model_fields:
                walk(getattr(node, field), shown)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item, name)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item, name)

    contract = result.scenario.sib
    if contract is not None:
        walk(contract, contract.name or label("rp_sec_sib", result.lang))
    return found


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


def _simulation(result: Result, sim: SibSimulation) -> dict[str, Any]:
    lang = result.lang
    s = sim.summary()
    e = lambda x: numbers.euro(x, lang)  # noqa: E731
    m = s["investor_multiple"]
    contract = result.scenario.sib
    cur = getattr(contract, "currency", "EUR") or "EUR"
    rows = [
        [
            label("sib_investor_irr", lang),
            *(numbers.percent(s[f"investor_irr_{k}"], lang) for k in ("mean", "p5", "p50", "p95")),
        ],
        [
            in_currency("sib_investor_multiple", cur, lang),
            *(numbers.number(m[k], lang, 3) for k in ("mean", "p5", "p50", "p95")),
        ],
    ]
    for key in ("outcome_payments", "payer_payments", "payer_net_savings"):
        v = s[key]
        shown = e if key == "payer_net_savings" else (lambda x: numbers.money(x, cur, lang))  # savings: euro
        rows.append([label(f"sib_{key}", lang), *(shown(v[k]) for k in ("mean", "p5", "p50", "p95"))])
    probabilities = [
        (label("sib_p_investor_loss", lang), numbers.percent(s["p_investor_loss"], lang)),
        (label("sib_p_payer_loss", lang), numbers.percent(s["p_payer_pays_more_than_saves"], lang)),
        (label("sib_p_floor_used", lang), numbers.percent(s["p_floor_used"], lang)),
    ]
    spec = chartspec.histogram_chart(lang, sim.payer_net_savings)
    spec = chartspec.Chart(**{**spec.__dict__, "title": label("chart_sib_hist_title", lang)})
    return {
        "intro": label("rp_sib_sim_intro", lang).format(n=numbers.count(s["n"], lang), seed=s["seed"]),
        "rows": rows,
        "probabilities": probabilities,
        "chart": chart(spec, lang),
    }


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
        "intro": label("rp_sib_intro", lang).format(
            payer=_who(result, d["payer"]), cur=numbers.currency_name(d.get("currency", "EUR"), lang)
        ),
        "figures": _figures(result, d),
        "schedule": _schedule(result, d),
        "investors": _investors(result, d),
        "multiple_label": in_currency("sib_investor_multiple", d.get("currency", "EUR"), lang),
        "chart": chart(chartspec.sib_chart(lang, d["schedule"], float(d.get("exchange_rate") or 1.0)), lang),
        "simulation": _simulation(result, sim) if sim is not None else None,
        "documented": _documented(result),
    }
