"""``mkba sib``: the payment schedule and figures of a scenario's Social Impact Bond.

Registered on the main app by :mod:`mkba.cli.app`; an :class:`~mkba.errors.MkbaError`
propagates to :func:`mkba.cli.main` (one message, exit code 2).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from mkba.cli.common import PRICELISTS_DIR_OPTION, Lang, euro, out, progress_bar
from mkba.errors import MkbaError
from mkba.report.vocabulary import label


def _check_output(path: Path, option: str) -> None:
    """Refuse an output path that is a folder or lies in a missing folder, before computing."""
    if path.is_dir():
        raise MkbaError(f"{option}: {str(path)!r} is a folder; expected a file name")
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        raise MkbaError(f"{option}: the folder {str(path.parent)!r} {what}")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def parse_outcome(values: list[str] | None) -> dict[str, float] | float | None:
    """``--outcome`` values: one ``LEVEL``, or ``ID=LEVEL`` (repeatable)."""
    if not values:
        return None
    if len(values) == 1 and "=" not in values[0]:
        try:
            return float(values[0])
        except ValueError:
            raise MkbaError(f"--outcome expects a number or ID=LEVEL, got {values[0]!r}") from None
    given: dict[str, float] = {}
    for v in values:
        key, sep, num = v.partition("=")
        try:
            if not sep:
                raise ValueError
            given[key.strip()] = float(num)
        except ValueError:
            raise MkbaError(f"--outcome expects ID=LEVEL when repeated, got {v!r}") from None
    return given


def sib_command(
    scenario: Path = typer.Argument(..., help="Scenario file with a 'sib:' section."),
    outcome: list[str] | None = typer.Option(
        None, "--outcome", help="Outcome level (LEVEL, or ID=LEVEL, repeatable); default: the expected level."
    ),
    simulate: int | None = typer.Option(None, "--simulate", help="Simulate N outcome draws."),
    seed: int = typer.Option(20260101, "--seed", help="Seed of the draws."),
    chunk_size: int = typer.Option(50_000, "--chunk-size", help="Draws computed at once (memory bound)."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the figures as JSON to this file."),
    plot: Path | None = typer.Option(None, "--plot", help="Write the payout curve as a PNG to this file."),
    xlsx: Path | None = typer.Option(
        None, "--xlsx", help="Write the auditable Excel workbook, with the SIB sheet at this outcome level."
    ),
    pricelist: str | None = typer.Option(None, help="Price list: NAME[@VERSION] or a file."),
    lang: Lang = typer.Option(Lang.nl, "--lang", help="Language of labels."),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
) -> None:
    """Social Impact Bond: payment schedule, investor IRR and multiple, the payer's net savings."""
    from mkba.report.sib_chart import check_png_path, plot_payout_curve
    from mkba.sib.model import compile_sib
    from mkba.sib.simulation import simulate_sib

    given = parse_outcome(outcome)
    if simulate is not None and simulate < 1:
        raise MkbaError("--simulate expects a number of draws >= 1")
    if chunk_size < 1:
        raise MkbaError("--chunk-size expects a number >= 1")
    # Output paths are checked before anything is computed; mkba.io.files writes every file atomically.
    if plot is not None:
        check_png_path(plot, "--plot")
    for option, path in (("--xlsx", xlsx), ("--json", json_out)):
        if path is not None:
            _check_output(path, option)
    sib = compile_sib(scenario, pricelist, folders=pricelists_dir or ())
    result = sib.point(given)
    data = result.to_dict()
    print_sib(data, lang.value)
    if simulate:
        with progress_bar("SIB", simulate, sys.stderr.isatty() and simulate >= 200_000) as advance:
            sim = simulate_sib(sib, simulate, seed=seed, chunk_size=chunk_size, progress=advance)
        data["simulation"] = sim.summary()
        print_simulation(data["simulation"], lang.value)
    if plot is not None:
        plot_payout_curve(sib, plot, lang=lang.value)
        out.print(f"[dim]chart: {plot}[/dim]")
    if xlsx is not None:
        from mkba.result import evaluate

        mkba = evaluate(scenario, pricelist, lang=lang.value, folders=pricelists_dir or ())
        mkba.to_excel(xlsx, lang=lang.value, sib=result)
        out.print(f"[dim]workbook: {xlsx}[/dim]")
    if json_out is not None:
        from mkba.io.files import write_text_atomic

        write_text_atomic(
            Path(json_out), json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        )
        out.print(f"[dim]json: {json_out}[/dim]")


def print_sib(d: dict, lang: str) -> None:
    """The schedule and the headline figures of one outcome set."""
    out.print(
        f"[bold]{d['name']}[/bold]  ({label('prices_in', lang)} {d['price_year']}, "
        f"{label('discount_rate', lang)} {d['discount_rate']:.2%})"
    )
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    for oid, level in d["outcome_levels"].items():
        summary.add_row(f"{label('sib_outcome_level', lang)} {oid}", f"{level:,.2f}")
    summary.add_row(label("sib_outcome_payments", lang), euro(d["outcome_payments_total"], True))
    summary.add_row(label("sib_investment", lang), euro(d["investment_total"], True))
    summary.add_row(label("sib_investors_receive", lang), euro(d["investors_receive_total"], True))
    summary.add_row(label("sib_investor_irr", lang), _pct(d["investor_irr"]))
    summary.add_row(label("sib_investor_multiple", lang), f"{d['investor_multiple']:.3f}")
    if d["floor_top_up_total"]:
        summary.add_row(
            f"{label('sib_floor_top_up', lang)} ({d['floor_paid_by']})", euro(d["floor_top_up_total"], True)
        )
    if d["beyond_return_cap_total"]:
        summary.add_row(label("sib_beyond_cap", lang), euro(d["beyond_return_cap_total"], True))
    summary.add_row(f"{label('sib_payer_pv_savings', lang)} ({d['payer']})", euro(d["payer_pv_savings"]))
    summary.add_row(f"{label('sib_payer_pv_payments', lang)} ({d['payer']})", euro(d["payer_pv_payments"]))
    summary.add_row(label("sib_payer_net_savings", lang), euro(d["payer_net_savings"]))
    for oid, be in d["payer_break_even"].items():
        value = f"{be['level']:,.2f}" if be["level"] is not None else f"- ({be['reason']})"
        summary.add_row(f"{label('payer_break_even', lang)} {oid}", value)
    out.print(summary)
    rows = d["schedule"]
    investors = list(d["investors"])
    table = Table(title=label("sib_schedule", lang), title_justify="left")
    table.add_column("")
    for r in rows:
        table.add_column(str(r["year"]), justify="right")
    table.add_column(label("sib_total", lang), justify="right", style="bold")
    keys = (
        ["investment", "provider_costs", "due", "outcome_payments", "to_provider"]
        + [f"to_{i}" for i in investors]
        + ["beyond_return_cap", "floor_top_up", "payer_pays", "payer_avoids"]
    )
    for key in keys:
        if key == "to_provider" and not any(r[key] for r in rows):
            continue
        name = f"→ {key[3:]}" if key.startswith("to_") and key != "to_provider" else label(f"sib_{key}", lang)
        fmt = "{:,.0f}" if key == "payer_avoids" else "{:,.2f}"
        table.add_row(name, *[fmt.format(r[key]) for r in rows], fmt.format(sum(r[key] for r in rows)))
    out.print(table)
    inv = Table(title=label("sib_investors", lang), title_justify="left")
    for col in (
        "sib_investor",
        "sib_investment",
        "sib_investors_receive",
        "sib_floor_top_up",
        "sib_investor_irr",
        "sib_investor_multiple",
    ):
        inv.add_column(label(col, lang), justify="left" if col == "sib_investor" else "right")
    for iid, v in d["investors"].items():
        inv.add_row(
            iid,
            euro(v["invested"], True),
            euro(v["received"], True),
            euro(v["floor_top_up"], True),
            _pct(v["irr"]),
            f"{v['multiple']:.3f}",
        )
    out.print(inv)
    prov = d.get("provider")
    if prov:
        out.print(
            f"{label('sib_provider', lang)} {prov['name']}: {label('sib_provider_costs', lang).lower()} "
            f"{euro(prov['costs_total'])}, {label('sib_investment', lang).lower()} "
            f"{euro(prov['investment_total'])}"
            + (
                f", [red]{label('sib_shortfall', lang)} {euro(prov['shortfall'])}[/red]"
                if prov["shortfall"] > 0
                else ""
            )
        )
    if d["assumptions"]:
        out.print(
            f"[dim]{label('sib_assumptions', lang)}: "
            + "; ".join(a["field"] for a in d["assumptions"])
            + "[/dim]"
        )
    if d["defaults_used"]:
        out.print(
            "[dim]"
            + label("defaults_used", lang)
            + ": "
            + "; ".join(f"{k} = {v}" for k, v in d["defaults_used"].items())
            + "[/dim]"
        )


def print_simulation(s: dict, lang: str) -> None:
    """The simulation summary: probabilities, percentiles, expected values."""
    table = Table(
        title=f"{label('sib_simulation', lang)} (n = {s['n']:,}, seed {s['seed']})", title_justify="left"
    )
    for col in ("", "p5", "p50", "p95", "sib_mean"):
        table.add_column(label(col, lang) if col else "", justify="left" if not col else "right")
    table.add_row(
        label("sib_investor_irr", lang),
        _pct(s["investor_irr_p5"]),
        _pct(s["investor_irr_p50"]),
        _pct(s["investor_irr_p95"]),
        _pct(s["investor_irr_mean"]),
    )
    m = s["investor_multiple"]
    table.add_row(
        label("sib_investor_multiple", lang), *[f"{m[k]:.3f}" for k in ("p5", "p50", "p95", "mean")]
    )
    for key in ("outcome_payments", "payer_payments", "payer_net_savings"):
        v = s[key]
        table.add_row(label(f"sib_{key}", lang), *[euro(v[k]) for k in ("p5", "p50", "p95", "mean")])
    out.print(table)
    out.print(
        f"{label('sib_p_investor_loss', lang)}: {s['p_investor_loss']:.1%}   "
        f"{label('sib_p_payer_loss', lang)}: {s['p_payer_pays_more_than_saves']:.1%}   "
        f"{label('sib_p_floor_used', lang)}: {s['p_floor_used']:.1%}   "
        f"{label('sib_investor_multiple_min', lang)}: {s['investor_multiple_min']:.3f}"
    )
