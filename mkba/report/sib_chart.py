"""The payout curve chart of a Social Impact Bond (``mkba sib --plot``).

:func:`plot_payout_curve` draws :meth:`mkba.sib.model.SibModel.curve`: the outcome
payments, what investors receive and the payer's avoided costs against an
outcome level (docs/method.md, section 7), the investors' IRR on a second
axis, with the risk bands shaded. matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mkba.errors import MkbaError
from mkba.io.files import write_atomic
from mkba.sib.model import SibModel


def check_png_path(path: str | Path, option: str = "path") -> Path:
    """``path`` as a PNG file to write: ends in ``.png``, is not a folder, and its folder exists.

    Parameters
    ----------
    path : str or Path
        The file name to check.
    option : str
        Where the path came from, for the message (e.g. ``--plot``).

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    MkbaError
        When ``path`` does not end in ``.png``, is a folder, or its folder does not exist.
    """
    path = Path(path)
    if path.is_dir():
        raise MkbaError(f"{option}: {str(path)!r} is a folder; expected a file name ending in .png")
    if path.suffix.lower() != ".png":
        raise MkbaError(
            f"{option}: expected a file name ending in .png (the chart is a PNG image), got {str(path)!r}"
        )
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        raise MkbaError(f"{option}: the folder {str(path.parent)!r} {what}")
    return path


def plot_payout_curve(sib: SibModel, path: str | Path, *, outcome: int | str = 0, lang: str = "nl") -> Path:
    """Write the payout curve of one outcome as a PNG: payments and investor IRR against its level.

    The other outcomes stay at their expected levels; the payer's and the investors' break-even
    levels are marked.

    The risk bands are shaded: where the floor pays (investors lose, topped up),
    where investors lose money, where they gain, and where the return cap binds
    (the waterfall of docs/method.md, section 7). The file is written atomically
    (:func:`mkba.io.files.write_atomic`); its folder must exist.

    Parameters
    ----------
    sib : mkba.sib.model.SibModel
        The compiled contract.
    path : str or Path
        The PNG file to write.
    outcome : int or str
        Which outcome's level runs along the x axis: its id, or its position in the contract.
    lang : {'nl', 'en'}
        Language of the labels.

    Returns
    -------
    Path
        The file written; payments in the contract's currency, the IRR in percent.

    Raises
    ------
    MkbaError
        When ``path`` does not end in ``.png``, is a folder, or its folder does not exist; for an
        outcome the contract does not have (:meth:`~mkba.sib.model.SibModel.outcome_index`).
    """
    check_png_path(path)
    outcome = sib.outcome_index(outcome)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mkba.report import numbers
    from mkba.report.vocabulary import in_currency, label

    o = sib.outcomes[outcome]
    cv = sib.curve(outcome, top=1.2 * max(o.level_high, o.point_level, o.trigger or 0.0, 1e-9))
    x = cv["level"]
    cur = sib.contract.currency
    sign = "€" if cur == "EUR" else cur
    fig, ax = plt.subplots(figsize=(9, 6), dpi=120)
    zones = np.where(
        cv["guarantee"] > 0, 0, np.where(cv["investor_multiple"] < 1, 1, np.where(cv["excess"] > 0, 3, 2))
    )
    colours = ["#f4b6b6", "#fbe3b4", "#cdeccd", "#c9dcf5"]
    names = [
        label("sib_zone_floor" if sib.contract.max_loss is not None else "sib_zone_guarantee", lang),
        label("sib_zone_loss", lang),
        label("sib_zone_gain", lang),
        label("sib_zone_capped", lang),
    ]
    shown = set()
    edges = np.concatenate([[x[0]], (x[1:] + x[:-1]) / 2, [x[-1]]])
    start = 0
    for i in range(1, len(x) + 1 if sib.contract.investors else 0):  # payment by results: no investors' zones
        if i == len(x) or zones[i] != zones[start]:
            z = zones[start]
            ax.axvspan(
                edges[start],
                edges[i],
                color=colours[z],
                alpha=0.6,
                lw=0,
                label=names[z] if z not in shown else None,
            )
            shown.add(z)
            start = i
    ax.plot(x, cv["outcome_payments"], color="#1f4e79", lw=2, label=label("sib_outcome_payments", lang))
    investors = bool(sib.contract.investors)
    if investors:
        ax.plot(
            x,
            cv["investors_receive"],
            color="#2e7d32",
            lw=1.6,
            ls="--",
            label=label("sib_investors_receive", lang),
        )
    fx = sib.contract.exchange_rate or 1.0  # the payer's avoided costs (euro) in the contract's currency
    ax.plot(
        x,
        cv["payer_pv_savings"] / fx,
        color="#6a1b9a",
        lw=1.6,
        ls=":",
        label=label("sib_payer_avoids_pv", lang),
    )
    ax.set_xlabel(o.label or o.id)
    ax.set_ylabel(in_currency("sib_money_axis", cur, lang))
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _: f"{sign} {numbers.number(v, lang)}")
    )
    handles: tuple[list, list] = ([], [])
    if investors:  # payment by results has no investors' return
        ax2 = ax.twinx()
        ax2.plot(x, cv["investor_irr"] * 100, color="#c62828", lw=2, label=label("sib_investor_irr", lang))
        ax2.set_ylabel(label("sib_investor_irr", lang) + " (%)")
        if sib.contract.max_return is not None:
            ax2.axhline(sib.contract.max_return * 100, color="#c62828", lw=0.8, ls="-.")
        handles = ax2.get_legend_handles_labels()
    point = sib.point_levels[outcome]
    ax.axvline(
        point,
        color="black",
        lw=0.8,
        ls="--",
        label=f"{label('sib_expected', lang)} ({numbers.number(point, lang, 0 if point == round(point) else 2)})",
    )
    be, _ = sib.break_even(outcome)
    if be is not None and be <= x[-1]:
        ax.axvline(
            be,
            color="#6a1b9a",
            lw=1.0,
            label=f"{label('payer_break_even', lang)} {numbers.number(be, lang, 2)}",
        )
    inv_be, _ = sib.break_even(outcome, "investors")
    if inv_be is not None and inv_be <= x[-1]:
        ax.axvline(
            inv_be,
            color="#2e7d32",
            lw=1.0,
            label=f"{label('sib_investors_break_even', lang)} {numbers.number(inv_be, lang, 2)}",
        )
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))  # the money axis starts at zero (or below it)
    h1, l1 = ax.get_legend_handles_labels()
    fig.legend(h1 + handles[0], l1 + handles[1], loc="lower center", ncol=3, fontsize=7.5, frameon=False)
    ax.set_title(sib.contract.name or sib.scenario.name, fontsize=11)
    ax.set_xlim(x[0], x[-1])
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    try:
        return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png"))
    finally:
        plt.close(fig)
