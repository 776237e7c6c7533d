"""Units of price items and quantities, and conversion between them.

Time units convert through the year, as docs/method.md, section 1 fixes:
1 year = 12 months = 52 weeks = 365 days (so 1 week = 365/52 days, and
1 month = 365/12 days). ``hour`` is a unit of its own: it does not convert
to days, because how many hours a day of care has depends on the care.
Count units convert only to themselves.
"""

from __future__ import annotations

from mkba.errors import MkbaError

#: Length of each period unit, in years.
PERIOD_YEARS: dict[str, float] = {"day": 1 / 365, "week": 1 / 52, "month": 1 / 12, "year": 1.0}

#: Units that count things (one of them per thing) rather than time.
COUNT_UNITS: frozenset[str] = frozenset(
    {
        "case",
        "contact",
        "session",
        "person",
        "event",
        "visit",
        "consult",
        "trajectory",
        "placement",
        "offence",
        "qaly",
        "km",
        "schoolday",
        "household",
        "referral",
        "measure",
        "night",
        "daypart",
        "item",
    }
)

UNITS: frozenset[str] = frozenset({"hour", *PERIOD_YEARS, *COUNT_UNITS})


#: Each unit as readers say it, (Dutch, English): files write the English id (``month``), readers see
#: ``maand`` (:func:`mkba.report.vocabulary.unit_name`).
UNIT_NAMES: dict[str, tuple[str, str]] = {
    "hour": ("uur", "hour"),
    "day": ("dag", "day"),
    "week": ("week", "week"),
    "month": ("maand", "month"),
    "year": ("jaar", "year"),
    "case": ("geval", "case"),
    "contact": ("contact", "contact"),
    "session": ("sessie", "session"),
    "person": ("persoon", "person"),
    "event": ("gebeurtenis", "event"),
    "visit": ("bezoek", "visit"),
    "consult": ("consult", "consultation"),
    "trajectory": ("traject", "programme"),
    "placement": ("plaatsing", "placement"),
    "offence": ("delict", "offence"),
    "qaly": ("QALY", "QALY"),
    "km": ("km", "km"),
    "schoolday": ("schooldag", "school day"),
    "household": ("huishouden", "household"),
    "referral": ("verwijzing", "referral"),
    "measure": ("maatregel", "measure"),
    "night": ("nacht", "night"),
    "daypart": ("dagdeel", "day part"),
    "item": ("stuk", "item"),
}


def check_unit(unit: str) -> str:
    """Return ``unit`` if known, else raise ``ValueError`` listing the known units.

    A unit written as readers see it (``maand``, as ``mkba pricelist show`` prints it) is pointed
    to its id in files (``month``).

    Examples
    --------
    >>> check_unit("month")
    'month'
    >>> check_unit("maand")
    Traceback (most recent call last):
    ...
    ValueError: unknown unit 'maand'; files write units in English: did you mean 'month' (maand)?
    """
    if unit not in UNITS:
        meant = [
            u
            for u, (dutch, english) in UNIT_NAMES.items()
            if unit.lower() in (dutch.lower(), english.lower())
        ]
        if meant:
            raise ValueError(
                f"unknown unit {unit!r}; files write units in English: did you mean {meant[0]!r} ({unit})?"
            )
        raise ValueError(
            f"unknown unit {unit!r}; expected one of: hour, day, week, month, year, "
            "or a count unit (" + ", ".join(sorted(COUNT_UNITS)) + ")"
        )
    return unit


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """How many ``to_unit`` there are in one ``from_unit``.

    A quantity ``q`` in ``from_unit`` is ``q * conversion_factor(from_unit, to_unit)``
    in ``to_unit``; e.g. ``conversion_factor("day", "month") == 12 / 365``.

    Raises
    ------
    MkbaError
        When the units do not convert (naming both).
    """
    if from_unit == to_unit:
        return 1.0
    if from_unit in PERIOD_YEARS and to_unit in PERIOD_YEARS:
        return PERIOD_YEARS[from_unit] / PERIOD_YEARS[to_unit]
    raise MkbaError(
        f"cannot convert {from_unit!r} to {to_unit!r}; only day, week, month and year "
        "convert (1 year = 12 months = 52 weeks = 365 days)"
    )
