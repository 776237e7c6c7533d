"""What the report of a project shows: alternatives against the nulalternatief (docs/method.md, section 8).

The comparison table, the ranking, dominance said in words, the differences per line and
stakeholder, PM-posten, paired Monte Carlo when simulated, the sources, assumptions and defaults of each
alternative (the scenario report's, :func:`mkba.report.html.context.sources`; each only where it differs
from the alternatives before it), and provenance.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mkba.report import chartspec, numbers
from mkba.report.html.context import chart, provenance, sources
from mkba.report.vocabulary import baseline_name, label

if TYPE_CHECKING:
    from mkba.project import ProjectResult


def _who(result: ProjectResult, name: str) -> str:
    """A stakeholder's label from the first alternative (nulalternatief first) that names it."""
    for r in result.results.values():
        if name in r.scenario.stakeholders:
            return r.stakeholder_label(name)
    return result.baseline.stakeholder_label(name)  # undeclared: its default name (Bewoners)


def _labels(result: ProjectResult) -> dict[str, str]:
    return {alt.id: alt.label_in(result.lang) for alt in result.project.definition.all}


def _summary(result: ProjectResult) -> list[str]:
    lang = result.lang
    names = _labels(result)
    baseline = baseline_name(names[result.project.baseline.id])  # after "het nulalternatief ("
    ranking = result.ranking()
    best = ranking[0]
    delta = result.delta(best)
    paras = []
    if delta["npv"] > 0:
        paras.append(
            label("rp_proj_best", lang).format(
                n=len(ranking), best=names[best], delta=numbers.euro(delta["npv"], lang), baseline=baseline
            )
        )
    else:
        paras.append(label("rp_proj_none_positive", lang).format(baseline=baseline))
    dominant = result.dominant()
    paras += [label("dominant_text", lang).format(alt=names[a]) for a in dominant]
    if not dominant:
        paras.append(label("rp_proj_no_dominant", lang))
    for alt_id in ranking:
        bcr = result.delta(alt_id)["bcr"]
        if bcr is not None:
            paras.append(
                label("rp_proj_bcr", lang).format(alt=names[alt_id], bcr=numbers.euro(bcr, lang, cents=True))
            )
    paras.append(f"{label('ranking_text', lang)}: " + " > ".join(names[i] for i in ranking) + ".")
    return paras


def _comparison(result: ProjectResult) -> list[list[str]]:
    lang = result.lang
    e = lambda x: numbers.euro(x, lang)  # noqa: E731
    rank = {alt_id: k for k, alt_id in enumerate(result.ranking(), 1)}
    rows = []
    for alt in result.project.alternatives:
        r, d = result.results[alt.id], result.delta(alt.id)
        ratio = label("dominant", lang) if d["dominant"] else numbers.ratio(d["bcr"], lang)
        rows.append(
            [
                str(rank[alt.id]),
                alt.label_in(lang),
                e(r.pv_costs),
                e(r.pv_benefits),
                e(r.npv),
                e(d["pv_costs"]),
                e(d["pv_benefits"]),
                e(d["npv"]),
                ratio,
            ]
        )
    return sorted(rows, key=lambda row: int(row[0]))


def _line_deltas(result: ProjectResult) -> dict[str, Any]:
    lang = result.lang
    alts = result.project.alternatives
    rows = []
    for r in result.line_delta_rows():
        who = _who(result, r["stakeholder"]) if r["stakeholder"] else label("kind_memo", lang)
        rows.append(
            [r["label"] or r["id"], who, numbers.euro(r["baseline_pv"], lang)]
            + [numbers.euro(r["deltas"].get(alt.id, 0.0), lang) for alt in alts]
        )
    base = result.baseline.npv
    total = [label("npv", lang), "", numbers.euro(base, lang)] + [
        numbers.euro(result.results[alt.id].npv - base, lang) for alt in alts
    ]
    return {"columns": [alt.label_in(lang) for alt in alts], "rows": rows, "total": total}


def _pm(result: ProjectResult) -> list[list[str]]:
    lang = result.lang
    names = _labels(result)
    return [
        [
            names.get(p["alternative"], p["alternative"]),
            p["label"],
            _who(result, p["stakeholder"]),
            label(f"dir_{p['direction']}", lang),
            p["size"] or "",
        ]
        for p in result.pm_rows()
    ]


def _simulation(result: ProjectResult) -> dict[str, Any] | None:
    sim = result.extra.get("simulation")
    if not sim:
        return None
    lang = result.lang
    rows = []
    for alt in result.project.alternatives:
        s = sim["alternatives"][alt.id]
        rows.append(
            [
                alt.label_in(lang),
                numbers.percent(s["p_delta_npv_positive"], lang),
                numbers.percent(s["p_best"], lang),
                *(numbers.euro(s["delta_npv"][p], lang) for p in ("p5", "p50", "p95")),
            ]
        )
    if sim.get("baseline_p_best") is not None:
        name = _labels(result)[result.project.baseline.id]
        rows.append([name, "", numbers.percent(sim["baseline_p_best"], lang), "", "", ""])
    return {
        "intro": label("rp_proj_mc_intro", lang).format(n=numbers.count(sim["n"], lang), seed=sim["seed"]),
        "rows": rows,
    }


def _delta_chart(result: ProjectResult) -> chartspec.Chart:
    lang = result.lang
    alts = result.project.alternatives
    values = tuple(result.delta(a.id)["npv"] for a in alts)
    best = max(range(len(alts)), key=lambda k: values[k])
    return chartspec.Chart(
        key="delta",
        title=label("chart_delta_title", lang),
        alt=label("chart_delta_alt", lang).format(
            best=alts[best].label_in(lang), value=numbers.euro(values[best], lang, space=" ")
        ),
        categories=tuple(a.label_in(lang) for a in alts),
        series=(
            chartspec.Series(
                "net",
                label("delta_npv", lang),
                values,
                colours=tuple(chartspec.PALETTE["cost" if v < 0 else "benefit"] for v in values),
            ),
        ),
        horizontal=True,
    )


def _sources(result: ProjectResult) -> list[dict[str, Any]]:
    """Per alternative, nulalternatief first, the scenario report's sources block
    (:func:`mkba.report.html.context.sources`) with only what an alternative before it has not shown:
    an alternative ``based_on`` another repeats none of the lines, prices and defaults they share.

    Returns
    -------
    list of dict
        ``label``, ``src`` (lines, items, own prices, defaults, general: the new ones), ``first`` (the first
        alternative shown) and ``same`` (nothing new: the template says so in a sentence).
    """
    names = _labels(result)
    parts = ("lines", "items", "own_prices", "defaults", "general")
    seen: dict[str, set[str]] = {part: set() for part in parts}
    found = []
    for k, alt in enumerate(result.project.definition.all):
        src = sources(result.results[alt.id])
        new: dict[str, list[Any]] = {}
        for part, shown in seen.items():
            keys = [json.dumps(x, sort_keys=True) for x in src[part]]
            new[part] = [x for x, key in zip(src[part], keys) if key not in shown]
            shown.update(keys)
        found.append({"label": names[alt.id], "src": new, "first": k == 0, "same": not any(new.values())})
    return found


def project_context(result: ProjectResult) -> dict[str, Any]:
    """Everything the project template shows, as words and formatted numbers.

    Parameters
    ----------
    result : mkba.project.ProjectResult
        The evaluated project (``extra['simulation']`` when simulated).

    Returns
    -------
    dict
        ``title``, ``meta``, ``summary``, ``comparison``, ``chart``, ``lines``, ``pm``,
        ``simulation``, ``sources`` (per alternative) and ``provenance``.
    """
    lang = result.lang
    base = result.baseline
    names = _labels(result)
    prov = [(k, v) for k, v in provenance(base) if k not in _scenario_keys(lang)]
    prov.insert(0, (label("rp_project_file", lang), _name(result.project.file)))
    prov.insert(1, (label("rp_project_hash", lang), result.project.definition.sha256))
    return {
        "lang": lang,
        "title": result.project.name,
        "description": "",
        "meta": [
            (label("baseline", lang), baseline_name(names[result.project.baseline.id])),
            (label("price_year", lang), str(base.price_year)),
            (label("rp_discount_rate", lang), numbers.percent(base.discount_rate, lang, 2)),
            (label("pricelist", lang), base.model.pricelist.ref),
        ],
        "summary": _summary(result),
        "comparison": _comparison(result),
        "chart": chart(_delta_chart(result), lang),
        "lines": _line_deltas(result),
        "pm": _pm(result),
        "simulation": _simulation(result),
        "sources": _sources(result),
        "provenance": prov,
    }


def _scenario_keys(lang: str) -> set[str]:
    return {label(k, lang) for k in ("xl_scenario_name", "xl_scenario_file", "xl_scenario_hash")}


def _name(path: str | None) -> str:
    return (path or "-").replace("\\", "/").rsplit("/", 1)[-1]
