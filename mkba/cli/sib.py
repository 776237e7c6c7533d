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


#: Words of the SIB output that the shared vocabulary does not have (Dutch, English).
_WORDS = {
    "investor_break_even": ("Break-even investeerders", "Investors' break-even"),
    "guarantee": ("Garantie", "Guarantee"),
    "in_force": ("van kracht", "in force"),
    "paid": ("betaald", "paid"),
    "principal_lost": ("Verloren hoofdsom", "Principal lost"),
    "cohorts": ("Verschuldigd per cohort", "Due per cohort"),
    "parties": ("Per partij (betaald -, ontvangen +)", "Per party (pays -, receives +)"),
    "party": ("Partij", "Party"),
    "role": ("Rol", "Role"),
    "total_loss": ("Kans op totaal verlies (IRR -100 %)", "P(total loss, IRR -100 %)"),
    "irr_without": ("IRR zonder totaal verlies", "IRR without total losses"),
    "currency": ("bedragen in", "amounts in"),
}


def _w(key: str, lang: str) -> str:
    nl, en = _WORDS[key]
    return nl if lang == "nl" else en


def _money(x: float | None, currency: str, lang: str = "nl") -> str:
    """An amount of the contract: euro as every report shows it, another currency by its code."""
    if currency == "EUR":
        return euro(x, True, lang)
    return "-" if x is None else f"{currency} {x:,.2f}"


def _be(be: dict) -> str:
    """A break-even level, or what stands for it in words."""
    return f"{be['level']:,.2f}" if be["level"] is not None else str(be["reason"])


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
    json_out: Path | None = typer.Option(None, "--json", help="Write the figures as JSON to this file."),
    plot: Path | None = typer.Option(
        None, "--plot", help="Write the payout curve as a PNG (one per outcome: FILE-<outcome id>.png)."
    ),
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
    from mkba.cli.common import check_options, input_files
    from mkba.io.files import check_outputs

    check_options(simulate=simulate, chunk_size=chunk_size)
    check_outputs(
        [("--xlsx", xlsx), ("--json", json_out), ("--plot", plot)], input_files(scenario, pricelist)
    )
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
        for k, path in enumerate(chart_paths(plot, [o.id for o in sib.outcomes])):
            plot_payout_curve(sib, path, outcome=k, lang=lang.value)
            out.print(f"[dim]chart: {path}[/dim]")
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
    """The schedule and the headline figures of one outcome set (amounts in the contract's currency)."""
    cur = d.get("currency", "EUR")
    out.print(
        f"[bold]{d['name']}[/bold]  ({label('prices_in', lang)} {d['price_year']}, "
        f"{label('discount_rate', lang)} {d['discount_rate']:.2%}"
        + (f", {_w('currency', lang)} {cur}" if cur != "EUR" else "")
        + ")"
    )
    _print_summary(d, lang, cur)
    _print_schedule(d, lang, cur)
    if d["investors"]:
        _print_investors(d, lang, cur)
    for g in d.get("guarantees", []):
        out.print(
            f"{_w('guarantee', lang)} {g['guarantor']}: {_money(g['amount_in_force'], cur, lang)} "
            f"{_w('in_force', lang)}, {_w('paid', lang)} {_money(g['paid'], cur, lang)} ({g['settles']})"
        )
    if d.get("cohorts"):
        _print_by_period(
            _w("cohorts", lang),
            [(cid, v["by_period"], v["due_total"]) for cid, v in d["cohorts"].items()],
            lang,
            cur,
        )
    if d.get("parties"):
        _print_by_period(
            _w("parties", lang),
            [(f"{p['party']} ({p['role']})", p["by_period"], p["total"]) for p in d["parties"]],
            lang,
            cur,
        )
    _print_notes(d, lang)


def _print_summary(d: dict, lang: str, cur: str) -> None:
    """The headline figures: levels, payments, investors, payer, break-evens."""
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    for oid, level in d["outcome_levels"].items():
        summary.add_row(f"{label('sib_outcome_level', lang)} {oid}", f"{level:,.2f}")
    summary.add_row(label("sib_outcome_payments", lang), _money(d["outcome_payments_total"], cur, lang))
    if d["investors"]:
        summary.add_row(label("sib_investment", lang), _money(d["investment_total"], cur, lang))
        summary.add_row(label("sib_investors_receive", lang), _money(d["investors_receive_total"], cur, lang))
        summary.add_row(label("sib_investor_irr", lang), _pct(d["investor_irr"]))
        summary.add_row(label("sib_investor_multiple", lang), f"{d['investor_multiple']:.3f}")
    if d["floor_top_up_total"]:
        summary.add_row(
            f"{label('sib_floor_top_up', lang)} ({d['floor_paid_by']})",
            _money(d["floor_top_up_total"], cur, lang),
        )
    if d["beyond_return_cap_total"]:
        summary.add_row(label("sib_beyond_cap", lang), _money(d["beyond_return_cap_total"], cur, lang))
    payer = (
        ", ".join(f"{p['payer']} {p['share']:.0%}" for p in d["payers"])
        if len(d["payers"]) > 1
        else d["payer"]
    )
    summary.add_row(f"{label('sib_payer_pv_savings', lang)} ({payer})", euro(d["payer_pv_savings"]))
    summary.add_row(f"{label('sib_payer_pv_payments', lang)} ({payer})", euro(d["payer_pv_payments"]))
    summary.add_row(label("sib_payer_net_savings", lang), euro(d["payer_net_savings"]))
    for oid, be in d["payer_break_even"].items():
        summary.add_row(f"{label('payer_break_even', lang)} {oid}", _be(be))
    if d["investors"]:
        for oid, be in d["investor_break_even"].items():
            summary.add_row(f"{_w('investor_break_even', lang)} {oid}", _be(be))
    out.print(summary)


def _print_schedule(d: dict, lang: str, cur: str) -> None:
    """The payment schedule: one column per period."""
    rows = d["schedule"]
    if d.get("dated"):  # a contract on dates: only the dates where money moves
        rows = [r for r in rows if any(v for k, v in r.items() if k not in ("year", "period"))]
    title = label("sib_schedule", lang)
    if cur != "EUR":
        title = title.replace("(euro)", f"({cur})")
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for r in rows:
        table.add_column(str(r.get("period", r["year"])), justify="right")
    table.add_column(label("sib_total", lang), justify="right", style="bold")
    keys = (
        ["investment", "provider_costs", "due", "outcome_payments", "to_provider"]
        + [f"to_{i}" for i in d["investors"]]
        + ["beyond_return_cap", "floor_top_up", "guarantees_paid", "payer_pays", "payer_avoids"]
    )
    for key in keys:
        if key in ("to_provider", "guarantees_paid") and not any(r[key] for r in rows):
            continue
        if key.startswith("to_") and key != "to_provider":
            name = f"→ {key[3:]}"
        elif key == "guarantees_paid":
            name = _w("guarantee", lang)
        else:
            name = label(f"sib_{key}", lang)
        fmt = "{:,.0f}" if key == "payer_avoids" else "{:,.2f}"
        table.add_row(name, *[fmt.format(r[key]) for r in rows], fmt.format(sum(r[key] for r in rows)))
    out.print(table)


def _print_investors(d: dict, lang: str, cur: str) -> None:
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
        name = _w(col, lang) if col in _WORDS else label(col, lang)
        inv.add_column(name, justify="left" if col == "sib_investor" else "right")
    for iid, v in d["investors"].items():
        inv.add_row(
            iid,
            _money(v["invested"], cur, lang),
            _money(v["received"], cur, lang),
            _money(v["floor_top_up"], cur, lang),
            _money(v["principal_lost"], cur, lang),
            _pct(v["irr"]),
            f"{v['multiple']:.3f}",
        )
    out.print(inv)


def _print_by_period(title: str, rows: list[tuple[str, dict, float]], lang: str, cur: str) -> None:
    """A table of amounts per period (only periods with an amount), one row per cohort or party."""
    periods = sorted({p for _, by, _ in rows for p in by})
    table = Table(title=title + (f" ({cur})" if cur != "EUR" else ""), title_justify="left")
    table.add_column("")
    for p in periods:
        table.add_column(p, justify="right")
    table.add_column(label("sib_total", lang), justify="right", style="bold")
    for name, by, total in rows:
        table.add_row(name, *[f"{by.get(p, 0.0):,.2f}" for p in periods], f"{total:,.2f}")
    out.print(table)


def _print_notes(d: dict, lang: str) -> None:
    """The provider's funding, the assumptions and the defaults used."""
    prov = d.get("provider")
    if prov:
        out.print(
            f"{label('sib_provider', lang)} {prov['name']}: {label('sib_provider_costs', lang).lower()} "
            f"{euro(prov['costs_total'])}, {label('sib_investment', lang).lower()} "
            f"{_money(prov['investment_total'], d.get('currency', 'EUR'), lang)}"
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
    """The simulation summary: probabilities, percentiles, expected values, total losses apart."""
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
    dist = s["investor_irr_distribution"]
    if dist["without_total_losses"] is not None:
        w = dist["without_total_losses"]
        table.add_row(_w("irr_without", lang), *[_pct(w[k]) for k in ("p5", "p50", "p95", "mean")])
    m = s["investor_multiple"]
    table.add_row(
        label("sib_investor_multiple", lang),
        *["-" if m[k] is None else f"{m[k]:.3f}" for k in ("p5", "p50", "p95", "mean")],
    )
    for key in ("outcome_payments", "payer_payments", "payer_net_savings"):
        v = s[key]
        table.add_row(label(f"sib_{key}", lang), *[euro(v[k]) for k in ("p5", "p50", "p95", "mean")])
    out.print(table)
    low = s["investor_multiple_min"]
    out.print(
        f"{label('sib_p_investor_loss', lang)}: {s['p_investor_loss']:.1%}   "
        f"{_w('total_loss', lang)}: {dist['total_loss_share']:.1%}   "
        f"{label('sib_p_payer_loss', lang)}: {s['p_payer_pays_more_than_saves']:.1%}   "
        f"{label('sib_p_floor_used', lang)}: {s['p_floor_used']:.1%}   "
        f"{label('sib_investor_multiple_min', lang)}: {'-' if low is None else f'{low:.3f}'}"
    )
