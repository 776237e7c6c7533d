"""The terminal report of an uncertainty analysis (``mkba run --simulate/--tornado/--break-even``).

:func:`render_analysis` prints the Monte Carlo (:mod:`mkba.uncertainty.montecarlo`), the
tornado and the break-even values (:mod:`mkba.uncertainty.sensitivity`) in tables;
:func:`point_note` is the sentence saying the point result uses the means.
"""

from __future__ import annotations

import numpy as np

from mkba.cli.common import dim, styled
from mkba.engine.model import Model
from mkba.report import numbers
from mkba.report.vocabulary import counted, label, sib_command


def point_note(model: Model, lang: str = "nl") -> str | None:
    """The sentence saying the point result uses the means, or None without uncertain inputs."""
    n = sum(inp.uncertain for inp in model.inputs)
    return label("unc_point", lang).format(inputs=counted(n, "n_uncertain", lang)) if n else None


def _num(x: float | None, euro: bool = False, lang: str = "nl") -> str:
    """A figure for the terminal in the reader's notation: whole euros, or a number with 2 decimals."""
    if x is None or not np.isfinite(x):
        return "-"
    if euro:
        return numbers.euro(x, lang)
    return numbers.number(x, lang, decimals=2 if abs(x) < 1000 else 0)


def _draws_equal(result, n: int) -> str:
    """Why every draw of the MKBA is the same; with a SIB, that its outcome levels are drawn all the same
    (``mkba sib --simulate`` and the report show them)."""
    lang = result.lang
    if result.scenario.sib is None:
        return label("unc_draws_equal", lang)
    return label("unc_draws_equal_sib", lang).format(command=sib_command(result.scenario.file, n))


def render_analysis(console, result, analysis: dict) -> None:
    """Print the simulation, tornado and break-even of ``analysis``."""
    from mkba.cli.terminal import Table
    from mkba.uncertainty.montecarlo import PERCENTILES

    lang = result.lang
    note = point_note(result.model, lang)
    console.print(dim(note or label("unc_none_uncertain", lang)))
    sim = analysis.get("simulation")
    if sim is not None:
        table = Table(
            title=label("unc_simulation", lang).format(n=numbers.count(sim.n, lang), seed=sim.seed),
            title_justify="left",
        )
        table.add_column(label("unc_figure", lang))
        for col in [label("unc_mean", lang)] + [f"p{q}" for q in PERCENTILES]:
            table.add_column(col, justify="right")
        rows: list[tuple[str, tuple[str, int | None], bool]] = [
            ("npv", ("npv", None), True),
            ("pv_costs", ("pv_costs", None), True),
            ("pv_benefits", ("pv_benefits", None), True),
            ("bcr", ("bcr", None), False),
            ("fiscal", ("fiscal_npv", None), True),
        ]
        rows += [
            (f"  {result.stakeholder_label(k)}", ("stakeholder_npv", i), True)
            for i, k in enumerate(sim.stakeholders)
        ]
        for key, which, euro in rows:
            s = sim.stats(*which)
            name = key if key.startswith("  ") else label(key, lang)
            table.add_row(
                name, _num(s["mean"], euro, lang), *(_num(s[f"p{q}"], euro, lang) for q in PERCENTILES)
            )
        console.print(table)

        console.print(
            styled(f"{label('unc_p_negative', lang)}: ", (numbers.percent(sim.p_npv_negative, lang), "bold"))
        )
        if note is None:  # nothing drawn: say why the columns are equal
            console.print(_draws_equal(result, sim.n))
    frame = analysis.get("tornado")
    if frame is not None and frame.empty:  # nothing to vary: say so, no empty table
        console.print(styled((label("unc_tornado_none", lang), "italic")))
    elif frame is not None:
        from mkba.report.html.context import input_value  # shares in percent, as the break-even says them

        table = Table(title=label("unc_tornado", lang), title_justify="left")
        table.add_column(label("unc_input", lang))
        for key in ("low", "high", "npv_low", "npv_high", "swing"):
            table.add_column(label(f"unc_{key}", lang), justify="right")
        for row in frame.head(20).itertuples():
            table.add_row(
                styled(f"{row.label} ", (f"({row.input})", "dim")),
                input_value(row.input, row.low, lang),
                input_value(row.input, row.high, lang),
                _num(row.npv_low, True, lang),
                _num(row.npv_high, True, lang),
                _num(row.swing, True, lang),
            )
        console.print(table)
        if len(frame) > 20:
            console.print(dim(label("unc_more", lang).format(n=len(frame) - 20)))
    found = analysis.get("break_even")
    if found is not None:
        from mkba.report.html.context import break_even_text

        for be in [found] if isinstance(found, dict) else found:
            console.print(styled((label("unc_break_even", lang), "bold"), " ", break_even_text(be, lang)))
            if lang == "en":  # how it was found, in the engine's words (English)
                console.print(dim(f"  ({be['range_basis']}; {be['method']})"))
