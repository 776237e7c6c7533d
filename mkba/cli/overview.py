"""The overview table (MKBA-overzichtstabel) and project comparisons in the terminal (docs/method.md, section 8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkba.cli.common import bold, dim, euro, out, styled
from mkba.cli.terminal import Table
from mkba.report import numbers
from mkba.report.vocabulary import baseline_name, kind_name, label

if TYPE_CHECKING:
    from mkba.project import ProjectResult
    from mkba.result import Result


def _pm_table(rows: list[dict[str, Any]], lang: str, stakeholder_label: Any, with_alt: bool = False) -> Table:
    table = Table(title=label("pm_posts", lang), title_justify="left")
    if with_alt:
        table.add_column(label("alternative", lang))
    for col in ("overview_line", "stakeholder", "direction", "size"):
        table.add_column(label(col, lang))
    for r in rows:
        cells = [
            r["label"],
            stakeholder_label(r["stakeholder"]),
            label(f"dir_{r['direction']}", lang),
            r["size"] or "",
        ]
        table.add_row(*([r["alternative"]] if with_alt else []), *cells)
    return table


def print_overview(result: Result) -> None:
    """One row per line: its present value per stakeholder and in total; PM-posten beside them."""
    lang = result.lang
    rows = result.overview_rows()
    stakeholders = list(dict.fromkeys(name for r in rows for name in r["pv"]))
    table = Table(title=label("overview", lang), title_justify="left")
    table.add_column(label("overview_line", lang))
    table.add_column("")
    for name in stakeholders:
        table.add_column(result.stakeholder_label(name), justify="right")
    table.add_column(label("total", lang), justify="right")
    totals = dict.fromkeys(stakeholders, 0.0)
    for r in rows:
        cells = r["pv"]
        for name in stakeholders:
            totals[name] += cells.get(name, 0.0)
        note = kind_name(r["kind"], lang) + (f" ({label('transfer_note', lang)})" if r["transfer"] else "")
        total = euro(r["total"], lang=lang)
        table.add_row(
            r["label"] or r["id"],
            note,
            *(euro(cells[name], lang=lang) if name in cells else "" for name in stakeholders),
            dim(f"({total})") if r["memo"] else total,
        )
    table.add_row(
        bold(label("npv", lang)),
        "",
        *(euro(totals[name], lang=lang) for name in stakeholders),
        bold(euro(result.npv, lang=lang)),
    )
    out.print(table)
    if result.scenario.pm:
        out.print(_pm_table(result.pm_rows(), lang, result.stakeholder_label))


def print_project(result: ProjectResult) -> None:
    """The project: each alternative against the nulalternatief, the ranking, dominance, PM-posten."""
    lang = result.lang
    project = result.project
    base = result.baseline
    out.print(
        styled(
            (project.name, "bold"),
            f"  ({label('prices_in', lang)} {base.price_year}, {label('discount_rate', lang)} "
            f"{numbers.percent(base.discount_rate, lang, 2)}, {base.model.pricelist.ref})",
        )
    )
    out.print(f"{label('baseline', lang)}: {baseline_name(project.baseline.label_in(lang))}")
    frame = result.compare()
    table = Table(title=label("delta", lang), title_justify="left")
    for col in (
        "rank",
        "alternative",
        "pv_costs",
        "pv_benefits",
        "npv",
        "delta_pv_costs",
        "delta_pv_benefits",
    ):
        table.add_column(label(col, lang), justify="left" if col == "alternative" else "right")
    table.add_column(label("delta_npv", lang), justify="right")
    table.add_column(label("delta_bcr", lang), justify="right")
    for row in frame.sort_values("rank").to_dict(orient="records"):
        bcr = row["delta_bcr"]
        ratio = (
            label("dominant", lang)
            if row["dominant"]
            else ("-" if bcr is None or bcr != bcr else numbers.ratio(bcr, lang))
        )
        money = [
            euro(row[k], lang=lang)
            for k in ("pv_costs", "pv_benefits", "npv", "delta_pv_costs", "delta_pv_benefits")
        ]
        table.add_row(
            str(row["rank"]),
            str(row["label"]),
            *money,
            bold(euro(row["delta_npv"], lang=lang)),
            ratio,
        )
    out.print(table)
    labels = {alt.id: alt.label_in(lang) for alt in project.alternatives}
    for alt_id in result.dominant():
        out.print(label("dominant_text", lang).format(alt=labels[alt_id]))
    out.print(f"{label('ranking_text', lang)}: " + " > ".join(labels[i] for i in result.ranking()))
    if all(result.delta(a.id)["npv"] <= 0 for a in project.alternatives):
        out.print(label("none_beats_baseline", lang))
    _print_line_deltas(result)
    pm = result.pm_rows()
    names = {alt.id: alt.label_in(lang) for alt in project.definition.all}
    pm = [{**p, "alternative": names.get(p["alternative"], p["alternative"])} for p in pm]
    if pm:
        out.print(_pm_table(pm, lang, base.stakeholder_label, with_alt=True))
    sim = result.extra.get("simulation")
    if sim:
        _print_paired(result, sim)


def _print_line_deltas(result: ProjectResult) -> None:
    lang = result.lang
    alts = result.project.alternatives
    table = Table(title=f"{label('overview', lang)}: {label('delta', lang).lower()}", title_justify="left")
    table.add_column(label("overview_line", lang))
    table.add_column(label("stakeholder", lang))
    table.add_column(label("baseline", lang), justify="right")
    for alt in alts:
        table.add_column(alt.label_in(lang), justify="right")
    for r in result.line_delta_rows():
        who = (
            result.baseline.stakeholder_label(r["stakeholder"])
            if r["stakeholder"]
            else label("kind_memo", lang)
        )
        table.add_row(
            r["label"] or r["id"], who, euro(r["baseline_pv"], lang=lang),
            *(euro(r["deltas"].get(alt.id, 0.0), lang=lang) for alt in alts),
        )  # fmt: skip
    base = result.baseline.npv  # the sums: the saldo, and each alternative's difference with it
    table.add_row(
        bold(label("npv", lang)), "", bold(euro(base, lang=lang)),
        *(bold(euro(result.results[alt.id].npv - base, lang=lang)) for alt in alts),
    )  # fmt: skip
    out.print(table)


def _print_paired(result: ProjectResult, sim: dict[str, Any]) -> None:
    lang = result.lang
    table = Table(
        title=label("paired_title", lang).format(n=numbers.count(sim["n"], lang), seed=sim["seed"]),
        title_justify="left",
    )
    for col in ("alternative", "p_delta_positive", "p_best"):
        table.add_column(label(col, lang), justify="left" if col == "alternative" else "right")
    for p in ("p5", "p50", "p95"):
        table.add_column(f"{label('delta_npv', lang)} {p}", justify="right")
    for alt in result.project.alternatives:
        s = sim["alternatives"][alt.id]
        table.add_row(
            alt.label_in(lang), numbers.percent(s["p_delta_npv_positive"], lang),
            numbers.percent(s["p_best"], lang),
            *(euro(s["delta_npv"][p], lang=lang) for p in ("p5", "p50", "p95")),
        )  # fmt: skip
    if "baseline_p_best" in sim:
        table.add_row(
            result.project.baseline.label_in(lang),
            "",
            numbers.percent(sim["baseline_p_best"], lang),
            "",
            "",
            "",
        )
    out.print(table)
