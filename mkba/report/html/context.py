"""What the HTML report of a scenario shows, as words and formatted numbers (the template's input).

Every reader-facing word comes from :mod:`mkba.report.vocabulary`, every number from
:mod:`mkba.report.numbers`; the templates only lay them out. :func:`scenario_context` gathers the
sections of docs/report.md: summary, overview table, stakeholders, assumptions and sources,
sensitivity, Monte Carlo, SIB and provenance.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mkba.report import chartspec, numbers
from mkba.report.html.svg import render_svg
from mkba.report.text import public_text
from mkba.report.vocabulary import (
    counted,
    default_reason,
    default_text,
    item_label,
    joined,
    kind_name,
    label,
    unit_name,
)
from mkba.scenario.fields import label_for

if TYPE_CHECKING:
    from mkba.result import Result
    from mkba.sib.model import SibResult
    from mkba.sib.simulation import SibSimulation
    from mkba.uncertainty.montecarlo import Simulation

#: Last parts of input names that are shares (shown as a percentage).
SHARES = frozenset({"success", "attribution", "deadweight", "displacement", "drop_off", "optimism_bias"})
#: How many tornado inputs the report draws and searches a break-even for.
TORNADO_TOP = chartspec.TORNADO_TOP
BREAK_EVEN_TOP = 3


@dataclass
class Analysis:
    """What was computed beside the point result (each part optional).

    Attributes
    ----------
    simulation : Simulation, optional
        Monte Carlo draws of the scenario's uncertain inputs.
    tornado : list of dict, optional
        Tornado records, sorted by swing (:func:`mkba.uncertainty.sensitivity.tornado`).
    npv_base : float
        The point saldo the tornado starts from, euro.
    break_even : list of dict
        Break-even results for the inputs with the largest swing.
    sib : SibResult, optional
        The SIB at its expected outcome levels.
    sib_simulation : SibSimulation, optional
        The SIB over drawn outcome levels.
    """

    simulation: Simulation | None = None
    tornado: list[dict[str, Any]] | None = None
    npv_base: float = 0.0
    break_even: list[dict[str, Any]] = field(default_factory=list)
    sib: SibResult | None = None
    sib_simulation: SibSimulation | None = None


def chart(spec: chartspec.Chart, lang: str) -> dict[str, str]:
    """A chart for the template: its title, alternative text and inline SVG."""
    return {"key": spec.key, "title": spec.title, "alt": spec.alt, "svg": render_svg(spec, lang)}


def _kind(kind: str, transfer: bool, lang: str) -> str:
    return kind_name(kind, lang) + (f" ({label('transfer_note', lang)})" if transfer else "")


# -- summary ----------------------------------------------------------------------------------------
def summary_paragraphs(result: Result, analysis: Analysis) -> list[str]:
    """The summary in plain words: saldo, baten per euro, who pays and who gains, how certain."""
    lang, s = result.lang, result.scenario
    e = lambda x: numbers.euro(x, lang)  # noqa: E731
    period = f"{s.start_year}-{s.end_year}" if s.end_year != s.start_year else str(s.start_year)
    paras = [
        label("rp_sum_costs_benefits", lang).format(
            name=s.name,
            period=period,
            costs=e(result.pv_costs),
            benefits=e(result.pv_benefits),
            price_year=result.price_year,
        )
    ]
    sign = "rp_sum_positive" if result.npv > 0 else ("rp_sum_negative" if result.npv < 0 else "rp_sum_zero")
    text = label(sign, lang).format(npv=e(result.npv))
    if result.bcr is not None:
        text += " " + label("rp_sum_bcr", lang).format(bcr=numbers.euro(result.bcr, lang, cents=True))
    paras.append(text)
    paras.append(_who_pays_sentence(result))
    if result.volunteer_value_pv:
        paras.append(label("rp_sum_volunteers", lang).format(value=e(result.volunteer_value_pv)))
    if s.pm:
        paras.append(label("rp_sum_pm", lang).format(n=len(s.pm)))
    sim = analysis.simulation
    if sim is not None and sim.uncertain_inputs:
        paras.append(
            label("rp_sum_mc", lang).format(
                n=numbers.count(sim.n, lang), p=numbers.percent(sim.p_npv_negative, lang)
            )
        )
    return paras


def _who_pays_sentence(result: Result) -> str:
    lang = result.lang
    rows = sorted(result.stakeholder_rows(), key=lambda r: r["npv"])

    def named(rs: list[dict[str, Any]]) -> str:
        parts = [f"{result.stakeholder_label(r['stakeholder'])} ({numbers.euro(r['npv'], lang)})" for r in rs]
        return joined(parts, lang)

    losers = [r for r in rows if r["npv"] < -0.5]
    winners = [r for r in reversed(rows) if r["npv"] > 0.5]
    text = []
    if losers:
        text.append(label("rp_sum_pays", lang).format(who=named(losers)))
    if winners:
        text.append(label("rp_sum_gains", lang).format(who=named(winners)))
    return " ".join(text) or label("rp_sum_nobody", lang)


def key_figures(result: Result) -> list[tuple[str, str]]:
    """The headline figures of docs/method.md, section 5, each with its label and formatted value."""
    lang = result.lang
    f = result.summary()
    irr = numbers.percent(f["irr"], lang)
    if f["irr"] is None:
        irr = label("rp_no_irr", lang)
    return [
        (label("pv_costs", lang), numbers.euro(f["pv_costs"], lang)),
        (label("pv_benefits", lang), numbers.euro(f["pv_benefits"], lang)),
        (label("npv", lang), numbers.euro(f["npv"], lang)),
        (label("bcr", lang), numbers.ratio(f["bcr"], lang)),
        (label("net_return", lang), numbers.percent(f["net_return"], lang)),
        (
            label("payback_year", lang),
            str(f["payback_year"]) if f["payback_year"] else label("rp_never", lang),
        ),
        (label("irr", lang), irr),
        (label("volunteer_value_pv", lang), numbers.euro(f["volunteer_value_pv"], lang)),
        (label("fiscal", lang), numbers.euro(result.fiscal_npv, lang)),
    ]


# -- the overview table (docs/method.md, section 8) -------------------------------------------------
def overview_table(result: Result) -> dict[str, Any]:
    """One row per line: present value per stakeholder and in total; the saldo; PM-posten unsummed."""
    lang = result.lang
    rows = result.overview_rows()
    names = list(dict.fromkeys(name for r in rows for name in r["pv"]))
    names += [n for n in result.model.stakeholders if n not in names]
    out_rows = [
        {
            "label": r["label"] or r["id"],
            "kind": _kind(r["kind"], r["transfer"], lang),
            "cells": [numbers.euro(r["pv"][n], lang) if n in r["pv"] else "" for n in names],
            "total": numbers.euro(r["total"], lang),
            "memo": r["memo"],
        }
        for r in rows
    ]
    npv_by = {r["stakeholder"]: r["npv"] for r in result.stakeholder_rows()}
    pm = [
        {
            "label": p["label"],
            "kind": label("pm", lang),
            "cells": [_pm_cell(p, n, lang) for n in names],
            "total": "PM",
        }
        for p in result.pm_rows()
    ]
    return {
        "columns": [result.stakeholder_label(n) for n in names],
        "rows": out_rows,
        "pm": pm,
        "total": {
            "label": label("npv", lang),
            "cells": [numbers.euro(npv_by.get(n, 0.0), lang) for n in names],
            "total": numbers.euro(result.npv, lang),
        },
    }


def _pm_cell(p: dict[str, Any], name: str, lang: str) -> str:
    if p["stakeholder"] != name:
        return ""
    return f"PM ({label('dir_' + str(p['direction']), lang)}{', ' + p['size'] if p['size'] else ''})"


# -- stakeholders ----------------------------------------------------------------------------------
def stakeholder_table(result: Result) -> dict[str, Any]:
    """Per stakeholder its present values and saldo; then the fiscal view and society."""
    lang = result.lang
    e = lambda x: numbers.euro(x, lang)  # noqa: E731
    rows = [
        {
            "label": result.stakeholder_label(r["stakeholder"]),
            "public": label("rp_yes" if r["public"] else "rp_no", lang),
            "cells": [e(r["pv_costs"]), e(r["pv_benefits"]), e(r["npv"])],
        }
        for r in result.stakeholder_rows()
    ]
    return {
        "rows": rows,
        "fiscal": [e(result.fiscal_pv_costs), e(result.fiscal_pv_benefits), e(result.fiscal_npv)],
        "society": [e(result.pv_costs), e(result.pv_benefits), e(result.npv)],
    }


def yearly_table(result: Result) -> list[list[str]]:
    """Per year: costs, benefits, net flow and the cumulative discounted net flow (euro)."""
    lang = result.lang
    frame = result.yearly_frame()
    columns = ("costs", "benefits", "net_flow", "cumulative_discounted")
    return [
        [str(int(row["year"])), *(numbers.euro(float(row[c]), lang) for c in columns)]
        for row in frame.to_dict(orient="records")
    ]


# -- assumptions and sources ---------------------------------------------------------------------------
def _source(src: Any) -> dict[str, str] | None:
    """A source for the reader: title, link and where in it, without pointers into the project's folders."""
    if src is None:
        return None
    if isinstance(src, str):
        return {"title": public_text(src), "url": "", "where": ""}
    return {"title": public_text(src.title), "url": src.url or "", "where": public_text(src.where)}


def sources(result: Result) -> dict[str, Any]:
    """Each line's source and assumption, the price items used with theirs, the scenario's sources,
    and the defaults the engine took (a price item's default amount in place of its list amount too)."""
    lang, s = result.lang, result.scenario
    groups = (("costs", s.costs), ("effects", s.effects), ("volunteers", s.volunteers))
    lines = [
        {
            "label": label_for(line.label, line.label_en, lang) or line.id,
            "group": label(f"rp_group_{name}", lang),
            "source": _source(line.source),
            "assumption": public_text(line.assumption),
        }
        for name, group in groups
        for line in group
    ]
    lines += [
        {
            "label": label_for(p.label, p.label_en, lang),
            "group": label("pm", lang),
            "source": _source(p.source),
            "assumption": public_text(p.assumption),
        }
        for p in s.pm
    ]
    used = list(dict.fromkeys(line.item for line in result.model.lines if line.item))
    items = []
    for item_id in used:
        item = result.model.pricelist.items.get(item_id)
        if item is None:
            continue
        items.append(
            {
                "label": label_for(item.label, item.label_en, lang),
                "amount": numbers.euro(item.amount, lang, cents=item.amount < 100),
                "unit": unit_name(item.unit, lang),
                "price_year": str(item.price_year),
                "source": _source(item.source),
            }
        )
    return {
        "lines": lines,
        "items": items,
        "own_prices": _own_prices(result),
        "general": [_source(x) for x in s.sources],
        "defaults": defaults_used(result),
    }


def _own_prices(result: Result) -> list[dict[str, Any]]:
    """The prices a line gives itself (``price:`` in place of a price item), each once, as the price
    items' rows: an alternative that values a line at another tariff shows that tariff and its source."""
    lang = result.lang
    found = []
    for line in result.scenario.effects:
        price = getattr(line, "price", None)
        if price is None:
            continue
        found.append(
            {
                "label": public_text(price.label) or label_for(line.label, line.label_en, lang) or line.id,
                "amount": numbers.euro(price.amount, lang, cents=price.amount < 100),
                "unit": unit_name(price.unit, lang),
                "price_year": str(price.price_year if price.price_year is not None else result.price_year),
                "source": _source(price.source),
            }
        )
    return list({json.dumps(r, sort_keys=True): r for r in found}.values())  # two lines at one price: once


def defaults_used(result: Result) -> list[str]:
    """The defaults the engine took, in the reader's words: a setting left out (``basisjaar = 2008
    (standaard: het startjaar)``), a price item's amount in place of its list amount.

    The one wording of them, for the report and for ``mkba run``'s terminal output.

    Parameters
    ----------
    result : Result
        An evaluated scenario; its ``lang`` is the language of the words.

    Returns
    -------
    list of str
        One text per default taken (:attr:`mkba.engine.model.Model.used_defaults`), in order; empty
        when the scenario gives everything. A price item is named by its label.

    Examples
    --------
    >>> import mkba
    >>> defaults_used(mkba.evaluate("scenarios/buuv-haarlem.yaml", lang="en"))[0]
    'base year = 2014 (default: the start year)'
    """
    lang, items = result.lang, result.model.pricelist.items
    return [
        default_text(key, used, lang, name=item_label(items.get(key.removeprefix("price.")), lang))
        for key, used in result.model.used_defaults.items()
    ]


# -- sensitivity ---------------------------------------------------------------------------------------
def input_value(name: str, value: float, lang: str) -> str:
    """An input's value in the reader's notation: shares and the discount rate in percent, money in euro."""
    last = name.rsplit(".", 1)[-1]
    if last in SHARES or name == "discount_rate":
        return numbers.percent(value, lang, 1 if name != "discount_rate" else 2)
    if name.startswith("price.") or last in ("amount", "price", "value"):
        return numbers.euro(value, lang, cents=abs(value) < 100)
    return numbers.number(value, lang, 0 if abs(value) >= 100 else 2)


def sensitivity(result: Result, analysis: Analysis) -> dict[str, Any] | None:
    """The tornado (chart and table) and break-even values where they fall in a meaningful range."""
    if analysis.tornado is None:
        return None
    lang = result.lang
    rows = analysis.tornado
    if not rows:
        return {"chart": None, "rows": [], "break_even": [], "note": label("rp_tornado_none", lang)}
    names = [str(r["label"]) for r in rows]
    spec = chartspec.tornado_chart(lang, rows, analysis.npv_base, top=TORNADO_TOP, names=names)
    table = [
        [
            str(r["label"]),
            input_value(r["input"], r["low"], lang),
            input_value(r["input"], r["high"], lang),
            numbers.euro(r["npv_low"], lang),
            numbers.euro(r["npv_high"], lang),
            numbers.euro(r["swing"], lang),
        ]
        for r in rows[:TORNADO_TOP]
    ]
    return {
        "chart": chart(spec, lang),
        "rows": table,
        "more": max(0, len(rows) - TORNADO_TOP),
        "break_even": [break_even_text(b, lang) for b in analysis.break_even],
        "note": label("rp_tornado_note", lang).format(npv=numbers.euro(analysis.npv_base, lang)),
    }


def break_even_text(found: dict[str, Any], lang: str) -> str:
    """A break-even in words: its value where it lies in the input's range, else what happens there.

    A crossing outside the range searched (the distribution's support, or a share's 0-1) is not
    shown as a number: it is not a value the input can take.
    """
    name = found["input"]
    what = found["label"] or name
    lo, hi = (input_value(name, v, lang) for v in found["range"])
    if found["value"] is not None:
        return label("rp_be_value", lang).format(
            what=what,
            value=input_value(name, found["value"], lang),
            base=input_value(name, found["base"], lang),
            low=lo,
            high=hi,
        )
    if found["npv_at_low"] == found["npv_at_high"]:
        return label("rp_be_flat", lang).format(what=what)
    key = "rp_be_positive" if found["npv_at_low"] > 0 else "rp_be_negative"
    return label(key, lang).format(what=what, low=lo, high=hi)


# -- Monte Carlo ---------------------------------------------------------------------------------------
def montecarlo(result: Result, analysis: Analysis) -> dict[str, Any] | None:
    """The distribution of the saldo, the other figures and each stakeholder's saldo (percentiles)."""
    sim = analysis.simulation
    if sim is None:
        return None
    lang = result.lang
    k = len(sim.uncertain_inputs)
    inputs = (
        counted(k, "n_uncertain", lang)
        if k == 1
        else f"{label('rp_all', lang)} {counted(k, 'n_uncertain', lang)}"
    )
    intro = label("rp_mc_intro", lang).format(
        draws=counted(sim.n, "n_draws", lang), seed=sim.seed, inputs=inputs
    )
    if not sim.uncertain_inputs:  # no "all 0 uncertain inputs": the note says what the draws show
        # with a SIB its outcome levels are drawn (its own section shows them); without one nothing is
        key = "rp_mc_certain_sib" if result.scenario.sib is not None else "rp_mc_certain"
        return {"intro": "", "note": label(key, lang), "chart": None, "rows": []}

    def row(name: str, stats: dict[str, Any], fmt: Callable[[Any], str]) -> list[str]:
        return [name, *(fmt(stats[k]) for k in ("mean", "p5", "p50", "p95"))]

    e = lambda x: numbers.euro(x, lang)  # noqa: E731
    rows = [
        row(label("npv", lang), sim.stats("npv"), e),
        row(label("pv_costs", lang), sim.stats("pv_costs"), e),
        row(label("pv_benefits", lang), sim.stats("pv_benefits"), e),
        row(label("bcr", lang), sim.stats("bcr"), lambda x: numbers.ratio(x, lang)),
        row(label("fiscal", lang), sim.stats("fiscal_npv"), e),
    ]
    rows += [
        row(f"{label('rp_npv_of', lang)} {result.stakeholder_label(k)}", sim.stats("stakeholder_npv", i), e)
        for i, k in enumerate(sim.stakeholders)
    ]
    return {
        "intro": intro,
        "note": label("rp_mc_p_negative", lang).format(p=numbers.percent(sim.p_npv_negative, lang)),
        "chart": chart(chartspec.npv_histogram(result, sim), lang),
        "rows": rows,
    }


# -- provenance --------------------------------------------------------------------------------------
def provenance(result: Result) -> list[tuple[str, str]]:
    """Where the numbers come from: price list (name, version, hash), scenario, settings, mkba."""
    lang = result.lang
    p = result.provenance
    pl = p["pricelist"]
    sc = p["scenario"]
    used = result.model.used_defaults

    def note(key: str) -> str:  # why the engine took a default, in the words the workbook uses
        return f" ({default_reason(used[key], lang)})" if key in used else ""

    return [
        (label("xl_pricelist_name", lang), pl["name"]),
        (label("xl_pricelist_version", lang), pl["version"]),
        (label("xl_pricelist_hash", lang), pl["sha256"]),
        (label("xl_scenario_name", lang), sc["name"]),
        (label("xl_scenario_file", lang), _file_name(sc.get("file"))),
        (label("xl_scenario_hash", lang), sc["sha256"]),
        (label("price_year", lang), str(p["price_year"]) + note("price_year")),
        (
            label("rp_discount_rate", lang),
            numbers.percent(p["discount_rate"], lang, 2) + note("discount_rate"),
        ),
        (label("base_year", lang), str(p["base_year"]) + note("base_year")),
        (label("xl_price_index", lang), label("rp_index_" + str(p["price_index"]), lang)),
        (label("xl_mkba_version", lang), p["mkba_version"]),
        (label("rp_made_on", lang), numbers.date(_dt.date.today(), lang)),
    ]


def _file_name(path: str | None) -> str:
    """Only the file's name: a reader has no use for a folder on the analyst's machine."""
    if not path:
        return "-"
    return path.replace("\\", "/").rsplit("/", 1)[-1]
