"""Field types shared by the scenario and its ``sib:`` contract: numbers that may be distributions, shares, rates.

Every scenario model is closed (:class:`Closed`): an unknown key is refused, not dropped.
Imports: :mod:`mkba.scenario.distributions` and the price list patterns only (and, when a distribution
is wrong, :mod:`mkba.io.documents` for the words of its message).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, overload

import pydantic
from pydantic_core import InitErrorDetails, PydanticCustomError

from mkba.errors import MkbaError
from mkba.pricelist.items import MAX_AMOUNT, STAKEHOLDER_PATTERN
from mkba.scenario.distributions import DISTRIBUTIONS, Distribution, _Dist, parse_distribution


def _dist_hint(given: Any) -> str:
    """``; got 'unifrom', did you mean 'uniform'?`` for a ``dist`` that is not one, or ``''``."""
    if not isinstance(given, str):
        return ""
    near = difflib.get_close_matches(given, list(DISTRIBUTIONS), n=1)
    return f"; got {given!r}" + (f", did you mean {near[0]!r}?" if near else "")


def _distribution_problem(value: dict[Any, Any], exc: pydantic.ValidationError) -> str:
    """What is wrong with a ``{dist: ...}`` mapping, in the words of every other field.

    ``invalid distribution: unknown key 'hi'; did you mean 'high'? Expected one of: dist, high, low``,
    ``invalid distribution: sd: expected a number > 0, got -0.1``: pydantic's errors as
    :func:`mkba.io.documents.describe_errors` words them, each after the key it is at; said at the
    line of the distribution (the loader adds the file, line and field).
    """
    from mkba.io.documents import describe_errors, format_path  # here: only a wrong file needs it

    errors = exc.errors()
    if errors[0]["type"] in ("union_tag_invalid", "union_tag_not_found"):
        names = ", ".join(DISTRIBUTIONS).rsplit(", ", 1)
        return f"invalid distribution: expected dist: {' or '.join(names)}" + _dist_hint(value.get("dist"))
    model = DISTRIBUTIONS.get(str(errors[0]["loc"][0]), _Dist)  # the first part of a place is the dist
    said = []
    for err, words in describe_errors(errors, model):
        where = format_path(tuple(err["loc"][1:]))
        said.append(f"{where}: {words}" if where and err["type"] != "extra_forbidden" else words)
    return "invalid distribution: " + "; ".join(said)


def _number_or_distribution(value: Any) -> Any:
    if isinstance(value, _Dist):
        return value
    if isinstance(value, dict):
        try:
            return parse_distribution(value)
        except pydantic.ValidationError as exc:
            raise ValueError(_distribution_problem(value, exc)) from None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]*,[0-9]+\s*", value):
        point = value.strip().replace(",", ".")
        raise ValueError(f"expected a number with a decimal point ({point}), not a decimal comma")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected a number or a distribution {dist: ...}")  # the loader adds the value
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        raise ValueError(
            f"expected a number of at most {MAX_NUMBER:g} in size, got a number of {len(str(abs(value)))} digits"
        )
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    if abs(value) > MAX_NUMBER:
        raise ValueError(f"expected a number of at most {MAX_NUMBER:g} in size")
    return float(value)


@dataclass(frozen=True)
class Within:
    """A field's bounds, as its validator checks them (a distribution by its whole support).

    Kept as data so that a reader of the model can see them: :mod:`mkba.batch` checks a change table's
    plain numbers against the same bounds without validating a scenario per value
    (``tests/test_batch.py`` holds its quick check to these).
    """

    low: float
    high: float
    high_open: bool = False
    name: str = ""

    def __call__(self, value: Any) -> Any:
        lo, hi = value.support() if isinstance(value, _Dist) else (value, value)
        bad_high = hi >= self.high if self.high_open else hi > self.high
        if lo < self.low or bad_high:
            if math.isinf(self.high):
                expected = f"expected {self.name} >= {self.low:g}"
            else:
                close = ")" if self.high_open else "]"
                expected = f"expected {self.name} in [{self.low:g}, {self.high:g}{close}"
            # a plain number is added to the message by the loader ("(got 1.5)")
            raise ValueError(
                f"{expected}; its range is {lo:g}..{hi:g}" if isinstance(value, _Dist) else expected
            )
        return value


def _within(low: float, high: float, high_open: bool = False, name: str = "") -> pydantic.AfterValidator:
    return pydantic.AfterValidator(Within(low, high, high_open, name))


def _whole_number(value: Any) -> Any:
    # pydantic's lax mode reads "2024" and true as whole numbers; a year written as text is a typo
    if isinstance(value, (str, bool)):
        raise ValueError("expected a whole number, not text or true/false")
    if isinstance(value, (int, float)) and not abs(value) <= MAX_WHOLE:
        raise ValueError(f"expected a whole number of at most {MAX_WHOLE:,} in size")
    return value


@overload
def label_for(label: str, label_en: str | None, lang: str = "nl") -> str: ...
@overload
def label_for(label: str | None, label_en: str | None, lang: str = "nl") -> str | None: ...
def label_for(label: str | None, label_en: str | None, lang: str = "nl") -> str | None:
    """A label in ``lang``: ``label_en`` in English where it is given, else ``label`` (the Dutch one).

    The one rule of every bilingual label of a file: an input's and a line's (:mod:`mkba.engine.model`),
    a project's alternative's (:mod:`mkba.scenario.project`), a stakeholder's, a PM post's and a price
    item's (:mod:`mkba.result`, :mod:`mkba.report`). A label that may be missing stays missing (None),
    for the caller's own fallback (a line's id).

    Examples
    --------
    >>> label_for("Opstartkosten", "Start-up costs", "en"), label_for("Opstartkosten", None, "en")
    ('Start-up costs', 'Opstartkosten')
    >>> label_for("Opstartkosten", "Start-up costs")
    'Opstartkosten'
    """
    return (label_en or label) if lang == "en" else label


def discount_rate_problem(rate: float) -> str | None:
    """What is wrong with a discount rate (a rate per year), in words; None when it is one a file takes.

    The rule of a scenario file, also for a rate given to a run (the API, ``--discount-rate``, a project):
    from -0.99 to :data:`MAX_DISCOUNT_RATE`; a percentage typed as a number (2.25 for 2.25 %) is the
    usual slip, and the message says what was meant.

    Examples
    --------
    >>> discount_rate_problem(2.25)
    'expected a rate per year of at most 0.25; did you mean 0.0225?'
    >>> discount_rate_problem(0.0225) is None
    True
    """
    if 1 <= rate <= 100:  # 2.25 for 2.25 %; a rate of 0.3 is no percentage slip
        return f"expected a rate per year of at most {MAX_DISCOUNT_RATE:g}; did you mean {rate / 100:g}?"
    if not (math.isfinite(rate) and MIN_DISCOUNT_RATE <= rate <= MAX_DISCOUNT_RATE):
        return f"expected a rate per year in [{MIN_DISCOUNT_RATE:g}, {MAX_DISCOUNT_RATE:g}] (e.g. 0.0225 for 2.25 %)"
    return None


def _discount_rate(value: Any) -> Any:
    # the percentage slip is said here; the range itself by the field's bounds (the loader adds "(got 2.25)")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 100:
        raise ValueError(discount_rate_problem(value))
    return value


#: The largest size of any number in a scenario (amounts, quantities, hours): beyond it, a typo.
MAX_NUMBER = MAX_AMOUNT  # the bound of a price list's amounts too
#: The largest size of a whole number (years, durations, lags, keys).
MAX_WHOLE = 10**9
#: The highest discount rate a scenario may give (a rate per year; 2.25 % is 0.0225).
MAX_DISCOUNT_RATE = 0.25
#: The lowest discount rate (and rate) a scenario may give: -99 % a year.
MIN_DISCOUNT_RATE = -0.99
#: The most participants in one year (more than the population of the Netherlands several times over).
MAX_PARTICIPANTS = 1e8
#: The longest duration or lag, in years.
MAX_YEARS = 200

Whole = Annotated[int, pydantic.BeforeValidator(_whole_number)]
Number = Annotated[float | Distribution, pydantic.BeforeValidator(_number_or_distribution)]
NonNegative = Annotated[Number, _within(0, math.inf, name="a number")]
Share = Annotated[Number, _within(0, 1, name="a share")]
OpenShare = Annotated[Number, _within(0, 1, high_open=True, name="a share")]
Rate = Annotated[Number, _within(MIN_DISCOUNT_RATE, 10, name="a rate")]
_DISCOUNT_RATE_BOUNDS = _within(MIN_DISCOUNT_RATE, MAX_DISCOUNT_RATE, name="a discount rate")
DiscountRate = Annotated[Number, pydantic.BeforeValidator(_discount_rate), _DISCOUNT_RATE_BOUNDS]
#: A discount rate that is a number only (a setting a project gives all its alternatives): the same
#: rule and message as a scenario file's.
FixedDiscountRate = Annotated[
    float,
    pydantic.BeforeValidator(_discount_rate),
    pydantic.Field(allow_inf_nan=False),
    _DISCOUNT_RATE_BOUNDS,
]
Count = Annotated[Number, _within(0, MAX_PARTICIPANTS, name="a number of participants")]
Stakeholder = Annotated[str, pydantic.Field(pattern=STAKEHOLDER_PATTERN)]


def _in_order(years: tuple[int, int]) -> tuple[int, int]:
    """``years: [first, last]`` with the first year not after the last."""
    if years[0] > years[1]:
        raise ValueError("expected years: [first, last] with first <= last")
    return years


#: ``[first, last]``, a range of calendar years, both included, in order (said at the ``years`` line).
YearRange = Annotated[tuple[Whole, Whole], pydantic.AfterValidator(_in_order)]


def located(problems: list[tuple[tuple, str, Any]]) -> pydantic.ValidationError:
    """A validation error at given places below the model raising it, so that each has its own line.

    A check of a whole model (a model validator) raising a plain ``ValueError`` is reported at the
    model's own line: for a scenario or a project file, the top of the file. Raised from such a
    check instead, this error is reported at the line of each place (the loader turns it into an
    :class:`~mkba.errors.MkbaError` with the file and line of the first, listing the others).

    Parameters
    ----------
    problems : list of (tuple, str, object)
        Each place (keys and list indices below the model, e.g. ``("costs", 1, "id")``), what is
        wrong there, and the value given there (said after the message: ``(got 'opstart')``).

    Returns
    -------
    pydantic.ValidationError
        To raise.

    Examples
    --------
    >>> located([(("costs", 1, "id"), "given twice", "opstart")]).errors()[0]["loc"]
    ('costs', 1, 'id')
    """
    details = [
        InitErrorDetails(type=PydanticCustomError("located", message), loc=loc, input=value)
        for loc, message, value in problems
    ]
    return pydantic.ValidationError.from_exception_data("located", details)


class Closed(pydantic.BaseModel):
    """A closed, frozen model: unknown keys are refused, and a field is not set after validation."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    #: The section of a scenario a model's items stand in (``costs``), to name a field's path.
    _section: ClassVar[str | None] = None

    def __setattr__(self, name: str, value: Any) -> None:
        """Refuse setting a field in one message that says how to make a variant (pydantic said only
        "Instance is frozen"); private attributes (``_doc``) are the library's own."""
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        item = getattr(self, "id", None)
        path = f"{self._section}.{item}.{name}" if self._section and isinstance(item, str) else name
        raise MkbaError(
            f"a scenario and its lines are read only: make a variant with "
            f"scenario.with_changes(set={{{path!r}: ...}})",
            field=name,
        )
