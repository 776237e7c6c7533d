"""Comparing two price lists item by item, in nominal and real terms (``mkba pricelist diff``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mkba.errors import MkbaError
from mkba.pricelist.index import WITHIN_INDEX, PriceIndex, default_index
from mkba.pricelist.items import DEFAULT_CURRENCY, PriceList


def diff(
    a: PriceList, b: PriceList, price_year: int | None = None, index: PriceIndex | None = None
) -> pd.DataFrame:
    """Compare two price lists item by item, in nominal and in real terms.

    The real change compares both amounts indexed to one price year with the price index
    (``amount * I(P) / I(p)``, docs/method.md, section 1), so that inflation between two price
    years does not count as a change in price.

    Parameters
    ----------
    a, b : PriceList
        The old and the new list (e.g. two versions of one list), in the same currency.
    price_year : int, optional
        The year whose euros the real change is measured in (default: the newest price year in
        either list).
    index : PriceIndex, optional
        The price index for the real change (default: the bundled CBS CPI).

    Returns
    -------
    pandas.DataFrame
        One row per item in either list with ``status`` (added, removed,
        changed, unchanged), the fields that changed, both amounts and price
        years, the nominal change (euro and fraction) and the real change
        (fraction) with both amounts indexed to ``price_year`` (default: the
        newest price year in either list); no real change for lists in another
        currency than the euro.

    Raises
    ------
    MkbaError
        When the two lists are in different currencies, or ``price_year`` is outside the index
        (without an assumed inflation).

    Examples
    --------
    >>> import mkba
    >>> old = mkba.load_pricelist("nl-sociaal-domein@2024.1")
    >>> new = mkba.load_pricelist("nl-sociaal-domein@2025.1")
    >>> table = mkba.diff(old, new, price_year=2024).set_index("id")
    >>> row = table.loc["bijstand-maand"]
    >>> row["status"], float(row["amount_a"]), float(row["amount_b"])  # euro per month
    ('changed', 1283.83, 1345.45)
    >>> round(float(row["nominal_change_pct"]), 4), round(float(row["real_change_pct"]), 4)  # fractions
    (0.048, 0.0145)
    """
    if a.currency != b.currency:
        raise MkbaError(
            f"cannot compare {a.ref} ({a.currency}) with {b.ref} ({b.currency}): "
            "expected two lists in the same currency"
        )
    index = index or default_index()
    if price_year is not None and a.currency == DEFAULT_CURRENCY:  # only euro lists are indexed
        index.check_year(price_year, WITHIN_INDEX)
    years = [i.price_year for i in (*a, *b)]
    price_year = price_year if price_year is not None else (max(years) if years else None)
    rows = []
    for item_id in list(a.items) + [i for i in b.items if i not in a.items]:
        old, new = a.items.get(item_id), b.items.get(item_id)
        if old is None or new is None:
            status, changed = ("added" if old is None else "removed"), []
        else:
            d_old, d_new = old.model_dump(), new.model_dump()
            changed = [k for k in d_old if d_old[k] != d_new[k]]
            status = "changed" if changed else "unchanged"
        rows.append(
            {
                "id": item_id,
                "status": status,
                "changed": ", ".join(changed),
                "unit_a": old.unit if old else None,
                "unit_b": new.unit if new else None,
                "amount_a": old.amount if old else np.nan,
                "price_year_a": old.price_year if old else None,
                "amount_b": new.amount if new else np.nan,
                "price_year_b": new.price_year if new else None,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "status",
            "changed",
            "unit_a",
            "unit_b",
            "amount_a",
            "price_year_a",
            "amount_b",
            "price_year_b",
        ],
    )
    frame["nominal_change"] = frame["amount_b"] - frame["amount_a"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["nominal_change_pct"] = frame["nominal_change"] / frame["amount_a"]
        # the real change needs the (Dutch) price index, which only applies to euro lists
        both = (
            frame["status"].isin(["changed", "unchanged"])
            & (frame["unit_a"] == frame["unit_b"])
            & (a.currency == DEFAULT_CURRENCY)
        )
        real_a = np.full(len(frame), np.nan)
        real_b = np.full(len(frame), np.nan)
        if both.any():
            assert price_year is not None, "items in both lists: the newest price year exists"
            sel = both.to_numpy()
            real_a[sel] = index.index(
                frame.loc[sel, "amount_a"].to_numpy(float),
                frame.loc[sel, "price_year_a"].to_numpy(int),
                price_year,
            )
            real_b[sel] = index.index(
                frame.loc[sel, "amount_b"].to_numpy(float),
                frame.loc[sel, "price_year_b"].to_numpy(int),
                price_year,
            )
        frame[f"amount_a_{price_year}"] = real_a
        frame[f"amount_b_{price_year}"] = real_b
        frame["real_change_pct"] = real_b / real_a - 1
    frame.attrs["price_year"] = price_year
    return frame
