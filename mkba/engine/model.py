"""The calculation core: a scenario compiled to arrays, evaluated for many input sets at once.

:func:`compile_scenario` turns a scenario and a price list into a :class:`Model`:
every number in the scenario (and every price it uses) becomes one *input*
column, and every cost, effect and volunteer line becomes one row of arrays
(its factors, its timing over the years, the stakeholders it is booked on).
:meth:`Model.evaluate` then takes a matrix ``theta`` of input values, one row
per draw (the point result is one row of means), and computes the flows of
docs/method.md, section 4 for all draws, lines, stakeholders and years with array
operations only: no Python loop over years, cohorts or draws.

Shapes: ``D`` draws, ``J`` inputs, ``L`` lines, ``P`` postings (a line booked
on a stakeholder, two for a transfer), ``K`` stakeholders, ``Y`` years.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mkba.errors import MkbaError
from mkba.io.documents import Path_
from mkba.pricelist.index import PriceIndex, default_index
from mkba.pricelist.items import PriceItem, PriceList, unknown_item_message
from mkba.pricelist.units import conversion_factor
from mkba.scenario.distributions import Pert, _Dist, is_uncertain, mean_of
from mkba.scenario.fields import discount_rate_problem, label_for
from mkba.scenario.model import CostLine, EffectLine, Scenario, VolunteerLine

#: Why the engine took a default, per reason code, (Dutch, English), with the figures of ``pert_mean`` as
#: ``{low}``, ``{mode}``, ``{high}`` and ``{amount}``: the one wording of a default, for readers
#: (:func:`mkba.report.vocabulary.default_text`) and, in English, for the JSON (:attr:`UsedDefault.text`).
DEFAULT_REASONS: dict[str, tuple[str, str]] = {
    "newest_index_year": ("nieuwste jaar van de prijsindex", "newest year of the price index"),
    "start_year": ("het startjaar", "the start year"),
    "werkgroep_2020": ("Werkgroep discontovoet 2020", "Werkgroep discontovoet 2020"),
    "pert_mean": (
        "het gemiddelde van PERT({low}; {mode}; {high}), omdat het bedrag in de prijslijst ({amount}) "
        "aan de rand van zijn bereik ligt",
        "the mean of PERT({low}, {mode}, {high}), because the listed amount {amount} lies at the end of its range",
    ),
}


@dataclass(frozen=True)
class UsedDefault:
    """A value the scenario does not state, which the engine took by default: what it is, and why.

    The engine records the reason as a code with its figures; its words are in one place,
    :data:`DEFAULT_REASONS`: readers get them in their language and notation from
    :func:`mkba.report.vocabulary.default_text`, the JSON (``provenance.defaults_used``) in English
    from :attr:`text`.

    Attributes
    ----------
    value : float
        The value used (a year, a rate per year, an amount in euro of ``detail['price_year']``).
    reason : str
        ``newest_index_year`` (price year), ``start_year`` (base year), ``werkgroep_2020``
        (discount rate) or ``pert_mean`` (a price whose listed amount lies at the end of its range).
    detail : dict
        The figures the reason names (``pert_mean``: ``unit``, ``price_year``, ``low``, ``mode``,
        ``high``, ``amount``).
    """

    value: float
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)

    def why(self, lang: str = "en", number: Callable[[float], str] = "{:g}".format) -> str:
        """Why the engine took this default, in words of ``lang`` (:data:`DEFAULT_REASONS`).

        Parameters
        ----------
        lang : {'nl', 'en'}
            Dutch or English (the default).
        number : callable
            Writes a figure of the reason (``pert_mean``'s range); plain (``40``) by default.

        Returns
        -------
        str

        Examples
        --------
        >>> UsedDefault(2015, "start_year").why("nl")
        'het startjaar'
        >>> UsedDefault(55.0, "pert_mean", {"low": 40, "mode": 60, "high": 60, "amount": 60}).why()
        'the mean of PERT(40, 60, 60), because the listed amount 60 lies at the end of its range'
        """
        nl, en = DEFAULT_REASONS[self.reason]
        text = en if lang == "en" else nl
        if self.reason == "pert_mean":
            text = text.format(**{k: number(self.detail[k]) for k in ("low", "mode", "high", "amount")})
        return text

    @property
    def text(self) -> str:
        """The default in English words, as ``provenance.defaults_used`` of the JSON has it: ``2015 (start_year)``."""
        d = self.detail
        if self.reason == "pert_mean":
            return f"{self.value:.2f} per {d['unit']} ({d['price_year']} prices): {self.why()}"
        shown = f"{self.value:g}" if self.reason == "werkgroep_2020" else f"{int(self.value)}"
        # the base year names the scenario's field it was taken from, as the JSON always has; the others say why
        return f"{shown} ({self.reason if self.reason == 'start_year' else self.why()})"


#: Stakeholders whose flows count in the fiscal view unless the scenario says otherwise.
DEFAULT_PUBLIC = frozenset({"gemeente", "rijk", "uwv", "zorgverzekeraar", "provincie", "waterschap"})
VOLUNTEERS = "vrijwilligers"
SOCIETY = "samenleving"

IDENTITY, ONE_MINUS = 0, 1

#: The word for each field of a line in its input's label, (Dutch, English): ``Minder bijstand: succes``.
FIELD_WORDS = {
    "amount": ("bedrag", "amount"),
    "quantity": ("hoeveelheid", "quantity"),
    "price": ("prijs", "price"),
    "success": ("succes", "success"),
    "deadweight": ("deadweight", "deadweight"),
    "attribution": ("attributie", "attribution"),
    "displacement": ("verdringing", "displacement"),
    "optimism_bias": ("optimisme-correctie", "optimism bias"),
    "drop_off": ("drop-off", "drop-off"),
    "value": ("waarde per uur", "value per hour"),
    "hours": ("uren", "hours"),
}


@dataclass(frozen=True)
class Input:
    """One number of the scenario that the evaluation reads from ``theta``.

    Attributes
    ----------
    name : str
        Stable name, e.g. ``effects.minder-hulp.success`` or ``price.bijstand-maand``.
    path : tuple
        Where it stands in the scenario file (for messages).
    value : float or distribution
        As written (a price item's range becomes a PERT whose mean is its amount).
    base : float
        The point value: the mean of a distribution, the number itself otherwise.
    label : str
        Human-readable name for tables and charts, in Dutch: ``Minder bijstand: succes``.
    label_en : str, optional
        The same in English (``Minder bijstand: success``); the Dutch one when there is none.
    """

    name: str
    path: Path_
    value: float | _Dist
    base: float
    label: str
    label_en: str | None = None

    def label_in(self, lang: str = "nl") -> str:
        """The label in ``lang`` (``'nl'`` or ``'en'``)."""
        return label_for(self.label, self.label_en, lang)

    @property
    def uncertain(self) -> bool:
        return is_uncertain(self.value)


@dataclass
class Line:
    """A cost, effect or volunteer line compiled to numbers."""

    id: str
    group: str  # cost | effect | volunteer
    label: str
    kind: str  # cost | avoided_cost | benefit | added_cost | benefit/in_kind_cost/memo for volunteers
    factors: list[tuple[int, int]]  # (input column, IDENTITY or ONE_MINUS)
    constant: float  # indexation and unit conversion
    pattern: np.ndarray  # (Y,) fixed yearly timing (once / per year)
    cohort: tuple[int, int, int] | None  # (lag, duration, drop-off input column or -1)
    postings: list[tuple[str, float, bool]]  # (stakeholder, sign, is a transfer side)
    item: str | None = None
    memo: bool = False
    #: a fixed pattern with drop-off (an effect per: year): (drop-off input column, year index where
    #: k = 0); the timing is then ``pattern[y] * (1 - drop_off) ** max(y - first, 0)``
    decay: tuple[int, int] | None = None
    #: the label in English (``label_en`` in the scenario), where the line has one
    label_en: str | None = None

    def label_in(self, lang: str = "nl") -> str:
        """The label in ``lang`` (``'nl'`` or ``'en'``)."""
        return label_for(self.label, self.label_en, lang)


@dataclass
class Flows:
    """The flows of one evaluation, for ``D`` draws.

    Attributes
    ----------
    gross : ndarray (D, L, Y)
        Each line's yearly amount in euro (positive), before booking.
    posted : ndarray (D, P, Y)
        Each posting's yearly flow in euro: benefits positive, costs negative.
    discount : ndarray (D or 1, Y)
        Discount factor per year.
    """

    gross: np.ndarray
    posted: np.ndarray
    discount: np.ndarray


@dataclass
class Model:
    """A scenario compiled against a price list, ready to evaluate (docs/method.md, sections 1-4).

    Made by :func:`compile_scenario`. Every number of the scenario (and every price it uses) is
    one *input* column; :meth:`evaluate` takes a matrix ``theta`` of input values, one row per
    draw, and gives the yearly flows of every line and posting for all rows at once, in euro of
    ``price_year``. :func:`mkba.figures` turns those flows into the figures of section 5.

    Attributes
    ----------
    scenario : Scenario
        The scenario compiled.
    pricelist : PriceList
        The price list its items were priced from.
    price_year : int
        The year whose euros every amount is indexed to (docs/method.md, section 1).
    base_year : int
        The year discounted to: its flows are not discounted (section 2).
    years : numpy.ndarray
        The calendar years of the horizon, shape (Y,).
    inputs : list of Input
        One per column of ``theta``: name, place in the file, value as written and point value.
    lines : list of Line
        The cost, effect and volunteer lines compiled to factors, timing and postings.
    stakeholders : list of str
        Who bears or gains each flow, in the order of the stakeholder columns of the figures.
    public : numpy.ndarray
        Per stakeholder, whether it counts in the fiscal view (section 3), shape (K,).
    discount_col : int
        The column of the discount rate (a rate per year) in ``theta``.
    used_defaults : dict of str to UsedDefault
        The defaults the scenario relied on (price year, base year, discount rate, a price at the
        mean of its range), each with its reason; :attr:`defaults` words them in English.
    assumed_inflation : float or None
        The yearly inflation assumed beyond the price index's series (a fraction), if one was stated.

    Examples
    --------
    >>> import mkba
    >>> scenario = mkba.load_scenario("scenarios/tutorial.yaml")
    >>> model = mkba.compile_scenario(scenario, mkba.load_pricelist(scenario.pricelist))
    >>> model.price_year, model.base_year, model.years.tolist()
    (2024, 2025, [2025, 2026, 2027, 2028, 2029])
    >>> flows = model.evaluate()  # the point result: every input at its mean
    >>> flows.posted.shape  # (draws, postings, years), euro
    (1, 9, 5)
    >>> theta = model.base[None].repeat(2, axis=0)  # two draws: the second at 4 % a year
    >>> theta[1, model.discount_col] = 0.04
    >>> mkba.figures(model, model.evaluate(theta)).npv.round().tolist()  # euro of 2024
    [-460158.0, -450806.0]
    """

    scenario: Scenario
    pricelist: PriceList
    price_year: int
    base_year: int
    years: np.ndarray
    inputs: list[Input]
    lines: list[Line]
    stakeholders: list[str]
    public: np.ndarray  # (K,) bool
    participant_cols: dict[int, int]  # cohort year -> input column
    discount_col: int
    index_name: str
    used_defaults: dict[str, UsedDefault] = field(default_factory=dict)
    assumed_inflation: float | None = None

    @property
    def defaults(self) -> dict[str, str]:
        """The defaults used, in English words (``provenance.defaults_used`` of the JSON)."""
        return {key: used.text for key, used in self.used_defaults.items()}

    def __post_init__(self) -> None:
        Y, L = len(self.years), len(self.lines)
        n_factors = max((len(line.factors) for line in self.lines), default=0)
        self._factor_cols = np.full((L, max(n_factors, 1)), len(self.inputs), dtype=np.int64)
        self._factor_kind = np.zeros((L, max(n_factors, 1)), dtype=np.int8)
        for i, line in enumerate(self.lines):
            for j, (col, kind) in enumerate(line.factors):
                self._factor_cols[i, j], self._factor_kind[i, j] = col, kind
        self._constant = np.array([line.constant for line in self.lines], dtype=np.float64)
        self._pattern = np.array([line.pattern for line in self.lines]).reshape(L, Y)
        self._cohort_year_idx = np.array([y - self.years[0] for y in self.participant_cols], dtype=np.int64)
        self._cohort_cols = np.array(list(self.participant_cols.values()), dtype=np.int64)
        c = np.arange(Y)[:, None]
        y = np.arange(Y)[None, :]
        self._lag_k = np.zeros((L, Y, Y))  # k = y - c - lag, per line
        self._active = np.zeros((L, Y, Y), dtype=bool)
        self._dropoff_col = np.full(L, -1, dtype=np.int64)
        for i, line in enumerate(self.lines):
            if line.cohort is None:
                continue
            lag, duration, drop_col = line.cohort
            k = y - c - lag
            self._lag_k[i] = k
            self._active[i] = (k >= 0) & (k < duration)
            self._dropoff_col[i] = drop_col
        self._cohort_lines = np.flatnonzero([line.cohort is not None for line in self.lines])
        # fixed patterns with drop-off: k = y - first per year (0 before the first year, where the
        # pattern is 0 anyway)
        decays = [(i, line.decay) for i, line in enumerate(self.lines) if line.decay is not None]
        self._decay_lines = np.array([i for i, _ in decays], dtype=np.int64)
        self._decay_col = np.array([col for _, (col, _) in decays], dtype=np.int64)
        self._decay_k = np.array(
            [np.maximum(np.arange(Y) - first, 0) for _, (_, first) in decays], dtype=np.int64
        ).reshape(-1, Y)
        post = [(i, s, sign, tr) for i, line in enumerate(self.lines) for (s, sign, tr) in line.postings]
        self.posting_line = np.array([p[0] for p in post], dtype=np.int64)
        self.posting_sign = np.array([p[2] for p in post], dtype=np.float64)
        self.posting_transfer = np.array([p[3] for p in post], dtype=bool)
        self.posting_stakeholder = np.array([self.stakeholders.index(p[1]) for p in post], dtype=np.int64)
        self.volunteer_lines = np.flatnonzero([line.group == "volunteer" for line in self.lines])

    # -- inputs ------------------------------------------------------------------------
    @property
    def base(self) -> np.ndarray:
        """The point values of all inputs, shape (J,)."""
        return np.array([inp.base for inp in self.inputs], dtype=np.float64)

    def input_index(self, name: str) -> int:
        """Column of the input called ``name`` in ``theta`` (and in :attr:`inputs`, :attr:`base`).

        Parameters
        ----------
        name : str
            The input's path in the scenario, as :attr:`inputs` names it: ``'discount_rate'``,
            ``'participants.2025'``, ``'costs.<id>.amount'``, ``'effects.<id>.success'``,
            ``'price.<item id>'``, ...

        Returns
        -------
        int
            The column, 0-based.

        Raises
        ------
        MkbaError
            An unknown name, naming the nearest input names.

        Examples
        --------
        >>> import mkba
        >>> scenario = mkba.load_scenario("scenarios/tutorial.yaml")
        >>> model = mkba.compile_scenario(scenario, mkba.load_pricelist(scenario.pricelist))
        >>> model.input_index("discount_rate") == model.discount_col
        True
        >>> round(float(model.base[model.input_index("effects.loon.success")]), 4)  # its mean, a share 0-1
        0.3
        """
        for j, inp in enumerate(self.inputs):
            if inp.name == name:
                return j
        import difflib

        near = difflib.get_close_matches(name, [i.name for i in self.inputs], n=3, cutoff=0.3)
        raise MkbaError(
            f"unknown input {name!r}" + (f"; nearest: {', '.join(near)}" if near else ""), field="input"
        )

    # -- evaluation --------------------------------------------------------------------
    def evaluate(self, theta: np.ndarray | None = None) -> Flows:
        """The flows of each row of inputs ``theta``: gross per line, booked per stakeholder, discounted.

        Parameters
        ----------
        theta : ndarray (D, J) or (J,), optional
            One row per draw, one column per input in the order of :attr:`inputs` (each in its own
            unit: euro, shares, counts, the discount rate per year); default: the point values
            (:attr:`base`). :meth:`input_index` gives an input's column.

        Returns
        -------
        Flows
            ``gross`` (D, L, Y) and ``posted`` (D, P, Y) in euro per year, ``discount`` (D, Y).

        Raises
        ------
        ValueError
            When ``theta`` does not have one column per input (a column more or less would be
            read as another input).
        """
        theta = np.atleast_2d(self.base if theta is None else np.asarray(theta, dtype=np.float64))
        if theta.ndim != 2 or theta.shape[1] != len(self.inputs):
            raise ValueError(
                f"theta has {theta.shape[-1]} columns; expected one per input ({len(self.inputs)}), "
                "in the order of Model.inputs"
            )
        D, Y = theta.shape[0], len(self.years)
        padded = np.concatenate([theta, np.ones((D, 1))], axis=1)  # column J is the constant 1
        values = padded[:, self._factor_cols]  # (D, L, F)
        values = np.where(self._factor_kind == ONE_MINUS, 1.0 - values, values)
        multiplier = self._constant * values.prod(axis=2)  # (D, L)
        timing = np.broadcast_to(self._pattern, (D, *self._pattern.shape)).copy()  # (D, L, Y)
        if self._cohort_lines.size:
            cohorts = np.zeros((D, Y))
            cohorts[:, self._cohort_year_idx] = theta[:, self._cohort_cols]
            timing[:, self._cohort_lines] += self._cohort_timing(padded, cohorts)
        if self._decay_lines.size:
            timing[:, self._decay_lines] *= self._decay_timing(padded)
        gross = multiplier[:, :, None] * timing
        posted = self.posting_sign[None, :, None] * gross[:, self.posting_line, :]
        rate = theta[:, self.discount_col][:, None]
        discount = (1.0 + rate) ** -(self.years - self.base_year)[None, :].astype(np.float64)
        return Flows(gross, posted, discount)

    def _decay_timing(self, padded: np.ndarray) -> np.ndarray:
        """For fixed patterns with drop-off: (1 - drop_off) ** k per draw, line and year, (D, l, Y).

        The powers are built by repeated multiplication (``p_k = p_{k-1} * retain``), element by
        element, so a draw's value never depends on the number of draws evaluated with it (a
        vectorised ``**`` may round differently at different positions of an array).
        """
        retain = 1.0 - padded[:, self._decay_col]  # (D, l)
        k = self._decay_k  # (l, Y)
        powers = np.empty((int(k.max()) + 1, *retain.shape))  # (K, D, l)
        powers[0] = 1.0
        for i in range(1, powers.shape[0]):
            np.multiply(powers[i - 1], retain, out=powers[i])
        picked = powers[k, :, np.arange(k.shape[0])[:, None]]  # (l, Y, D)
        return picked.transpose(2, 0, 1)

    def _cohort_timing(self, padded: np.ndarray, cohorts: np.ndarray) -> np.ndarray:
        """For cohort lines: sum over cohorts c of n_c (1 - drop_off) ** k over active years."""
        lines = self._cohort_lines
        cols = self._dropoff_col[lines]
        retain = np.where(cols >= 0, 1.0 - padded[:, np.where(cols >= 0, cols, padded.shape[1] - 1)], 1.0)
        k = self._lag_k[lines]
        active = self._active[lines]
        certain = np.all(retain == retain[:1], axis=0)  # the same drop-off in every draw
        out = np.empty((cohorts.shape[0], lines.size, cohorts.shape[1]))
        if certain.any():
            kernel = np.where(
                active[certain], retain[0, certain][:, None, None] ** np.maximum(k[certain], 0), 0.0
            )
            out[:, certain] = np.einsum("dc,lcy->dly", cohorts, kernel)
        if (~certain).any():
            kernel = np.where(
                active[~certain][None],
                retain[:, ~certain][:, :, None, None] ** np.maximum(k[~certain], 0)[None],
                0.0,
            )
            out[:, ~certain] = np.einsum("dc,dlcy->dly", cohorts, kernel)
        return out


# -- compiling ---------------------------------------------------------------------------
def _checked_rate(rate: float) -> float:
    """A discount rate given for one run, held to the scenario file's rule (:func:`discount_rate_problem`)."""
    rate = float(rate)
    problem = discount_rate_problem(rate)
    if problem:
        raise MkbaError(f"{problem} (got {rate:g})", field="discount_rate")
    return rate


def _span(line: CostLine | EffectLine | VolunteerLine) -> tuple[int, int] | None:
    """First and last year of a line with fixed timing (per: once or year); None if it follows participants."""
    if line.per not in ("once", "year"):
        return None
    if line.year is not None:
        return line.year, line.year
    assert line.years is not None, "per: year has 'year' or 'years' (checked on validation)"
    return line.years[0], line.years[1]


def _known_parties(pricelist: PriceList) -> dict[str, str]:
    """The parties a scenario may name without declaring them, with where each comes from: its price
    list's payers and recipients, and those the engine knows by name (the public ones, volunteers,
    society)."""
    known = dict.fromkeys([*DEFAULT_PUBLIC, VOLUNTEERS, SOCIETY], "a party mkba knows")
    for item in pricelist.items.values():
        if item.transfer_recipient is not None:
            known.setdefault(item.transfer_recipient, f"a recipient in {pricelist.ref}")
    known.update({item.payer: f"a payer in {pricelist.ref}" for item in pricelist.items.values()})
    return known


class _Compiler:
    def __init__(
        self,
        scenario: Scenario,
        pricelist: PriceList,
        index: PriceIndex,
        price_year: int | None,
        discount_rate: float | None,
    ) -> None:
        self.s = scenario
        self.pl = pricelist
        scenario.check_horizon()
        if pricelist.currency != "EUR":
            raise MkbaError(
                f"the price list {pricelist.ref} is in {pricelist.currency}; mkba computes in euros "
                "(prices in another currency are for reference only)",
                field="pricelist",
            )
        # a misspelt party would be booked as a party of its own, leaving the intended one empty
        scenario.check_party_names(_known_parties(pricelist))
        self.index = scenario.price_index(index)
        self.defaults: dict[str, UsedDefault] = {}
        self.price_year = price_year or scenario.price_year or self._default_price_year()
        if price_year:  # given for this run (--price-year, price_year=): the error is the caller's
            try:
                self.index.level(price_year)
            except MkbaError as exc:
                raise MkbaError(
                    exc.message + " (the price year given for this run, not the scenario's)",
                    field="price_year",
                ) from None
        else:
            self._check_year(self.price_year, ("price_year",))
        # amounts the scenario states without their own price year are in the scenario's price
        # year (docs/formats.md), also when this run reports in another one (an override)
        self.stated_price_year = (
            scenario.price_year if scenario.price_year is not None else self.index.last_year
        )
        self._check_year(self.stated_price_year, ("price_year",))
        self.base_year = self._base_year()
        self.years = np.arange(scenario.start_year, scenario.end_year + 1)
        self.inputs: list[Input] = []
        self.price_cols: dict[str, int] = {}
        self.stakeholders: list[str] = []
        rate = self._discount_rate(discount_rate)
        self.discount_col = self.add_input(
            rate, ("discount_rate",), "discount_rate", "Discontovoet", "Discount rate"
        )
        self.participant_cols = {
            int(year): self.add_input(
                n,
                ("participants", year),
                f"participants.{year}",
                f"Deelnemers {year}",
                f"Participants {year}",
            )
            for year, n in sorted(scenario.participants.items())
        }

    def _default_price_year(self) -> int:
        self.defaults["price_year"] = UsedDefault(self.index.last_year, "newest_index_year")
        return self.index.last_year

    def _base_year(self) -> int:
        """The year discounted to: the scenario's ``base_year``, else its ``start_year``."""
        if self.s.base_year is not None:
            return self.s.base_year
        self.defaults["base_year"] = UsedDefault(self.s.start_year, "start_year")
        return self.s.start_year

    def _discount_rate(self, override: float | None) -> float | _Dist:
        """The run's discount rate (a rate per year): the override, else the scenario's."""
        if override is not None:
            return _checked_rate(override)
        if "discount_rate" not in self.s.model_fields_set:
            self.defaults["discount_rate"] = UsedDefault(mean_of(self.s.discount_rate), "werkgroep_2020")
        return self.s.discount_rate

    def _check_year(self, year: int, path: Path_) -> None:
        try:
            self.index.level(year)
        except MkbaError as exc:
            raise self.s.error(exc.message, path) from None

    def add_input(
        self, value: float | _Dist, path: Path_, name: str, label: str, label_en: str | None = None
    ) -> int:
        self.inputs.append(Input(name, path, value, mean_of(value), label, label_en))
        return len(self.inputs) - 1

    def line_input(
        self,
        value: float | _Dist,
        path: Path_,
        name: str,
        line: CostLine | EffectLine | VolunteerLine,
        field: str,
    ) -> int:
        """An input of ``line``'s ``field``, labelled ``label: word`` in Dutch and in English.

        The English label starts with the line's ``label_en`` where it has one.
        """
        nl, en = FIELD_WORDS[field]
        subject = line.label or line.id
        return self.add_input(value, path, name, f"{subject}: {nl}", f"{line.label_en or subject}: {en}")

    def stakeholder(self, name: str) -> str:
        if name not in self.stakeholders:
            self.stakeholders.append(name)
        return name

    def index_factor(self, from_year: int, path: Path_) -> float:
        self._check_year(from_year, path)
        return float(self.index.factor(from_year, self.price_year))

    def line_error(self, message: str, path: Path_) -> MkbaError:
        """The scenario's error at ``path`` in a line, naming the line's id as a validation error does.

        ``costs[3].item (id 'opstart'): unknown price item ...``: ``path`` starts with the line's
        section and index (``("costs", 3, "item")``).
        """
        err = self.s.error(message, path)
        lines = getattr(self.s, str(path[0]), None)
        if isinstance(lines, (list, tuple)) and isinstance(path[1], int) and path[1] < len(lines):
            err.field = f"{err.field} (id {lines[path[1]].id!r})"
        return err

    def item(self, item_id: str, path: Path_) -> PriceItem:
        if item_id not in self.pl.items:
            raise self.line_error(unknown_item_message(item_id, self.pl), path)
        return self.pl.items[item_id]

    def price_input(self, item_id: str, path: Path_) -> int:
        """One input per price item used; a range makes it a PERT with the listed amount as mean."""
        if item_id not in self.price_cols:
            item = self.item(item_id, path)
            value: float | _Dist = item.amount
            base = item.amount
            if item.low is not None and item.high is not None and item.low < item.high:
                value = Pert.with_mean(item.low, item.amount, item.high)
                if not np.isclose(value.mean, item.amount, rtol=1e-12):
                    # the amount sits too close to an end of its range for a PERT with that mean:
                    # the point result uses the PERT's mean, as for every other distribution
                    base = value.mean
                    detail = {"unit": item.unit, "price_year": item.price_year, "low": item.low}
                    detail |= {"mode": value.mode, "high": item.high, "amount": item.amount}
                    self.defaults[f"price.{item_id}"] = UsedDefault(value.mean, "pert_mean", detail)
            self.inputs.append(Input(f"price.{item_id}", path, value, base, item.label, item.label_en))
            self.price_cols[item_id] = len(self.inputs) - 1
        return self.price_cols[item_id]

    # -- lines -------------------------------------------------------------------------
    def timing(
        self, line: CostLine | EffectLine | VolunteerLine, path: Path_
    ) -> tuple[np.ndarray, tuple[int, int, int] | None]:
        """A line's fixed yearly pattern (Y,), or its cohort timing ``(lag, duration, -1)``."""
        pattern = np.zeros(len(self.years))
        span = _span(line)
        if span is not None:
            first = int(self.years[0])
            pattern[span[0] - first : span[1] - first + 1] = 1.0
            return pattern, None
        if not self.s.participants:
            raise self.s.error(f"per: {line.per} needs 'participants' in the scenario", (*path, "per"))
        duration = line.duration if isinstance(line, CostLine) and line.per == "participant_year" else 1
        assert duration is not None, "per: participant_year has a duration (checked on validation)"
        return pattern, (0, duration, -1)

    def cost(self, i: int, line: CostLine) -> Line:
        path = ("costs", i)
        name = f"costs.{line.id}"
        if line.item is not None:
            assert line.quantity is not None, "a cost priced by 'item' has 'quantity' (checked on validation)"
            item = self.item(line.item, (*path, "item"))
            factors = [
                (
                    self.line_input(
                        line.quantity,
                        (*path, "quantity"),
                        f"{name}.quantity",
                        line,
                        "quantity",
                    ),
                    IDENTITY,
                ),
                (self.price_input(line.item, (*path, "item")), IDENTITY),
            ]
            constant = self.index_factor(item.price_year, (*path, "item"))
        else:
            assert line.amount is not None, "a cost has 'amount' or 'item' (checked on validation)"
            factors = [
                (
                    self.line_input(line.amount, (*path, "amount"), f"{name}.amount", line, "amount"),
                    IDENTITY,
                )
            ]
            year = line.price_year if line.price_year is not None else self.stated_price_year
            constant = self.index_factor(year, (*path, "price_year"))
        pattern, cohort = self.timing(line, path)
        return Line(
            line.id,
            "cost",
            line.label or line.id,
            "cost",
            factors,
            constant,
            pattern,
            cohort,
            [(self.stakeholder(line.payer), -1.0, False)],
            item=line.item,
            label_en=line.label_en,
        )

    def effect(self, i: int, line: EffectLine) -> Line:
        path = ("effects", i)
        name = f"effects.{line.id}"
        label = line.label or line.id
        if line.item is not None:
            item = self.item(line.item, (*path, "item"))
            unit, payer, price_year = item.unit, item.payer, item.price_year
            recipient = item.transfer_recipient
            price_col = self.price_input(line.item, (*path, "item"))
        else:
            price = line.price
            assert price is not None, "an effect has 'item' or 'price' (checked on validation)"
            payer_given = price.payer or line.beneficiary
            assert payer_given is not None, "a price has a payer or a beneficiary (checked)"
            unit, payer, recipient = price.unit, payer_given, None
            price_year = price.price_year if price.price_year is not None else self.stated_price_year
            price_col = self.line_input(
                price.amount, (*path, "price", "amount"), f"{name}.price", line, "price"
            )
        try:
            to_item_unit = conversion_factor(line.unit or unit, unit)
        except MkbaError as exc:
            raise self.line_error(
                exc.message + " (the line's unit against its price's unit)", (*path, "unit")
            ) from None
        if line.per == "participant" and not self.s.participants:
            raise self.s.error(
                "an effect per participant needs 'participants' in the scenario (or give "
                "per: year with 'years' for an effect at area level)",
                path,
            )
        add = self.line_input
        factors = [
            (add(line.quantity, (*path, "quantity"), f"{name}.quantity", line, "quantity"), IDENTITY),
            (add(line.success, (*path, "success"), f"{name}.success", line, "success"), IDENTITY),
            (
                add(line.deadweight, (*path, "deadweight"), f"{name}.deadweight", line, "deadweight"),
                ONE_MINUS,
            ),
            (
                add(line.attribution, (*path, "attribution"), f"{name}.attribution", line, "attribution"),
                IDENTITY,
            ),
            (
                add(
                    line.displacement,
                    (*path, "displacement"),
                    f"{name}.displacement",
                    line,
                    "displacement",
                ),
                ONE_MINUS,
            ),
            (
                add(
                    line.optimism_bias,
                    (*path, "optimism_bias"),
                    f"{name}.optimism_bias",
                    line,
                    "optimism_bias",
                ),
                ONE_MINUS,
            ),
            (price_col, IDENTITY),
        ]
        drop = add(line.drop_off, (*path, "drop_off"), f"{name}.drop_off", line, "drop_off")
        year_path = path + (("item",) if line.item is not None else ("price", "price_year"))
        constant = to_item_unit * self.index_factor(price_year, year_path)
        beneficiary = line.beneficiary or payer
        if line.kind == "added_cost":
            postings = [(self.stakeholder(payer), -1.0, False)]
            if recipient:
                postings = [(self.stakeholder(payer), -1.0, True), (self.stakeholder(recipient), 1.0, True)]
        elif recipient:  # an avoided transfer: the payer saves it, the recipient loses it
            postings = [(self.stakeholder(beneficiary), 1.0, True), (self.stakeholder(recipient), -1.0, True)]
        else:
            postings = [(self.stakeholder(beneficiary), 1.0, False)]
        if line.per == "year":  # at area level: a fixed pattern over the years, drop-off from the first
            pattern, _ = self.timing(line, path)
            return Line(
                line.id,
                "effect",
                label,
                line.kind,
                factors,
                constant,
                pattern,
                None,
                postings,
                item=line.item,
                label_en=line.label_en,
                decay=(drop, int(np.flatnonzero(pattern)[0])),  # drop-off counts from the first year
            )
        return Line(
            line.id,
            "effect",
            label,
            line.kind,
            factors,
            constant,
            np.zeros(len(self.years)),
            (line.lag, line.duration, drop),
            postings,
            item=line.item,
            label_en=line.label_en,
        )

    def volunteer(self, i: int, line: VolunteerLine) -> Line:
        path = ("volunteers", i)
        name = f"volunteers.{line.id}"
        label = line.label or line.id
        if isinstance(line.value, str):
            item = self.item(line.value, (*path, "value"))
            if item.unit != "hour":
                raise self.s.error(
                    f"the value of volunteer hours must be a price item of unit 'hour'; "
                    f"{item.id!r} is per {item.unit!r}",
                    (*path, "value"),
                )
            value_col = self.price_input(line.value, (*path, "value"))
            constant = self.index_factor(item.price_year, (*path, "value"))
        else:
            if line.value.unit != "hour":
                raise self.s.error("expected value.unit: hour for volunteer hours", (*path, "value", "unit"))
            value_col = self.line_input(
                line.value.amount, (*path, "value", "amount"), f"{name}.value", line, "value"
            )
            year = line.value.price_year if line.value.price_year is not None else self.stated_price_year
            constant = self.index_factor(year, (*path, "value", "price_year"))
        hours = self.line_input(line.hours, (*path, "hours"), f"{name}.hours", line, "hours")
        pattern, cohort = self.timing(line, path)
        if line.as_ == "benefit":
            postings = [(self.stakeholder(line.beneficiary or SOCIETY), 1.0, False)]
        elif line.as_ == "in_kind_cost":
            postings = [(self.stakeholder(VOLUNTEERS), -1.0, False)]
        else:
            postings = []
        return Line(
            line.id,
            "volunteer",
            label,
            line.as_,
            [(hours, IDENTITY), (value_col, IDENTITY)],
            constant,
            pattern,
            cohort,
            postings,
            memo=line.as_ == "memo",
            label_en=line.label_en,
        )

    def build(self) -> Model:
        lines = [self.cost(i, c) for i, c in enumerate(self.s.costs)]
        lines += [self.effect(i, e) for i, e in enumerate(self.s.effects)]
        lines += [self.volunteer(i, v) for i, v in enumerate(self.s.volunteers)]
        for name in self.s.stakeholders:
            self.stakeholder(name)
        public = np.array(
            [
                self.s.stakeholders[k].public if k in self.s.stakeholders else k in DEFAULT_PUBLIC
                for k in self.stakeholders
            ],
            dtype=bool,
        )
        return Model(
            self.s,
            self.pl,
            self.price_year,
            self.base_year,
            self.years,
            self.inputs,
            lines,
            self.stakeholders,
            public,
            self.participant_cols,
            self.discount_col,
            self.index.name,
            self.defaults,
            assumed_inflation=self.index.assumed_inflation,
        )


def compile_scenario(
    scenario: Scenario,
    pricelist: PriceList,
    *,
    index: PriceIndex | None = None,
    price_year: int | None = None,
    discount_rate: float | None = None,
) -> Model:
    """Compile ``scenario`` against ``pricelist`` into a :class:`Model`.

    Prices are taken from the list (or from the scenario's own ``price``), indexed to the price
    year with the price index (docs/method.md, section 1) and converted to each line's unit; every
    line is compiled by the formulas of section 4, its flows discounted as in section 2.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (:func:`mkba.load_scenario`).
    pricelist : PriceList
        The list its ``item`` references are priced from; amounts in euro per unit.
    index : PriceIndex, optional
        The price index used for indexation (default: the bundled CBS CPI, :func:`mkba.default_index`).
    price_year : int, optional
        The year whose euros the result is in, instead of the scenario's ``price_year``.
    discount_rate : float, optional
        The real discount rate for this run, a rate per year (0.0225 is 2.25 %), instead of the
        scenario's; from -0.99 to 0.25, as in a scenario file.

    Returns
    -------
    Model
        Ready to evaluate: :meth:`Model.evaluate`, then :func:`mkba.figures`.

    Raises
    ------
    MkbaError
        For references that do not resolve (price items, units, price years),
        pointing at the scenario's file and line; for a discount rate out of range, a price
        list in another currency than the euro, or a scenario changed in place after it was read
        (:meth:`~mkba.scenario.model.Scenario.check_unchanged`).

    Examples
    --------
    >>> import mkba
    >>> scenario = mkba.load_scenario("scenarios/tutorial.yaml")
    >>> pricelist = mkba.load_pricelist(scenario.pricelist)
    >>> model = mkba.compile_scenario(scenario, pricelist, price_year=2023, discount_rate=0.04)
    >>> model.price_year
    2023
    >>> model.inputs[model.discount_col].base  # a rate per year
    0.04
    >>> round(float(mkba.figures(model, model.evaluate()).npv[0]))  # euro of 2023
    -436403
    """
    scenario.check_unchanged()  # a list of it changed in place was never validated
    price_year, discount_rate = run_settings(price_year, discount_rate)
    return _Compiler(scenario, pricelist, index or default_index(), price_year, discount_rate).build()


def run_settings(price_year: object, discount_rate: object) -> tuple[int | None, float | None]:
    """A run's own price year and discount rate as given from Python: a whole year, a real rate, or None.

    Parameters
    ----------
    price_year : int, optional
        The year whose euros the result is in (a numpy integer is taken as an int).
    discount_rate : float, optional
        A rate per year (0.0225 is 2.25 %); its bounds are checked with the scenario's rule.

    Returns
    -------
    (int or None, float or None)
        As Python's int and float.

    Raises
    ------
    MkbaError
        Naming ``price_year`` or ``discount_rate``: a text (``"2024"``), a fraction of a year
        (``2024.5``) or a bool.

    Examples
    --------
    >>> import numpy as np
    >>> run_settings(np.int64(2024), np.float64(0.03))
    (2024, 0.03)
    >>> run_settings(2024.5, None)
    Traceback (most recent call last):
    ...
    mkba.errors.MkbaError: price_year: expected a whole year (an int), got float 2024.5
    """
    if price_year is not None and (
        isinstance(price_year, bool) or not isinstance(price_year, numbers.Integral)
    ):
        raise MkbaError(
            f"expected a whole year (an int), got {type(price_year).__name__} {price_year!r}",
            field="price_year",
        )
    if discount_rate is not None and (
        isinstance(discount_rate, bool) or not isinstance(discount_rate, numbers.Real)
    ):
        raise MkbaError(
            f"expected a number, a fraction per year (0.0225 is 2.25 %), got {type(discount_rate).__name__} "
            f"{discount_rate!r}",
            field="discount_rate",
        )
    return (
        None if price_year is None else int(price_year),
        None if discount_rate is None else float(discount_rate),
    )
