"""Scenario files: who takes part, what it costs, what it avoids, who volunteers.

The shape is docs/formats.md's ``mkba-scenario/1``; every key is checked (closed
models) and any number may be a distribution (docs/method.md, section 6). A loaded
:class:`Scenario` remembers the file and the line of each part, so that a
problem found later (an unknown price item, a unit that does not convert)
still points at the line the user wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pydantic
from pydantic_core import core_schema

from mkba.errors import MkbaError
from mkba.io.documents import Document, check_data, fields_at, format_path, read_document, validate
from mkba.pricelist.index import INFLATION_BOUNDS
from mkba.pricelist.items import NAME_PATTERN
from mkba.pricelist.source import Source
from mkba.pricelist.units import check_unit
from mkba.scenario.changes import Change, Where, apply_changes
from mkba.scenario.fields import (
    MAX_YEARS,
    Count,
    DiscountRate,
    NonNegative,
    OpenShare,
    Share,
    Stakeholder,
    Whole,
    YearRange,
    located,
)
from mkba.scenario.fields import (
    Closed as _Closed,
)

if TYPE_CHECKING:
    from mkba.pricelist.index import PriceIndex
    from mkba.scenario.contract import SibContract

SCENARIO_FORMAT = "mkba-scenario/1"
DEFAULT_DISCOUNT_RATE = 0.0225


class _ContractWhenGiven:
    """Validate a ``sib:`` section with :class:`~mkba.scenario.contract.SibContract`, built on first use.

    The contract's models are many; building their validators takes about a tenth of
    ``mkba run``'s start-up, which a scenario without a ``sib:`` need not pay
    (docs/architecture.md, "Start-up"). Errors keep their place: a problem at
    ``sib.investors[0].amount`` is reported there, with its line. The JSON Schema is the
    contract's own.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.with_info_plain_validator_function(_contract)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        from mkba.scenario.contract import SibContract

        return handler(SibContract.__pydantic_core_schema__)

    @staticmethod
    def deferred_type() -> type:
        """The type this stands for, for hints in messages (:func:`mkba.io.documents.fields_at`)."""
        from mkba.scenario.contract import SibContract

        return SibContract


def _contract(value: Any, info: core_schema.ValidationInfo) -> SibContract:
    from mkba.scenario.contract import SibContract

    if isinstance(value, SibContract):
        return value
    return SibContract.model_validate(value, context=info.context)


if TYPE_CHECKING:
    SibTerms = SibContract
else:
    SibTerms = Annotated[Any, _ContractWhenGiven()]


class StakeholderSpec(_Closed):
    """Attributes of a stakeholder (``public`` ones make the fiscal view)."""

    public: bool = False
    label: str | None = None
    label_en: str | None = None


class Price(_Closed):
    """A price stated in the scenario itself instead of a price list item."""

    amount: NonNegative
    price_year: Whole | None = None
    unit: str = "hour"
    label: str | None = None
    payer: Stakeholder | None = None
    source: Source | str | None = None

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        return check_unit(v)


class _Line(_Closed):
    id: str = pydantic.Field(pattern=NAME_PATTERN)
    label: str | None = None
    label_en: str | None = pydantic.Field(
        default=None, description="The line's label in English, shown with --lang en (else its label)."
    )
    source: Source | str | None = None
    assumption: str | None = pydantic.Field(
        default=None, description="Why an input without a source was chosen; marks it as an assumption."
    )


class CostLine(_Line):
    """A cost of the initiative, a negative flow to ``payer`` (docs/method.md, section 4)."""

    _section = "costs"

    payer: Stakeholder
    amount: NonNegative | None = None
    item: str | None = None
    quantity: NonNegative | None = None
    price_year: Whole | None = None
    per: Literal["once", "year", "participant", "participant_year"]
    year: Whole | None = None
    years: YearRange | None = None
    duration: Whole | None = pydantic.Field(default=None, ge=1, le=MAX_YEARS)

    @pydantic.model_validator(mode="after")
    def _timing(self) -> CostLine:
        if (self.amount is None) == (self.item is None):
            raise ValueError("give either 'amount' (euro) or 'item' with 'quantity'")
        if self.item is not None and self.quantity is None:
            raise ValueError("a cost priced by 'item' needs 'quantity' (in the item's unit)")
        if self.item is not None and self.price_year is not None:
            raise ValueError("'price_year' is for 'amount'; an item has its own price year")
        if self.year is not None and self.years is not None:
            raise ValueError("give 'year' (one year) or 'years: [first, last]', not both")
        if self.per == "once" and (self.year is None or self.years is not None):
            raise ValueError(
                "per: once needs 'year' (one year); for several years use per: year with 'years'"
            )
        if self.per == "year" and (self.years is None) == (self.year is None):
            raise ValueError("per: year needs 'years: [first, last]' (or 'year' for one year)")
        if self.per == "participant_year" and self.duration is None:
            raise ValueError("per: participant_year needs 'duration' (years per participant)")
        if self.per != "participant_year" and self.duration is not None:
            raise ValueError("'duration' is only for per: participant_year")
        if self.per in ("participant", "participant_year") and (self.year or self.years):
            raise ValueError(f"per: {self.per} follows the participants; leave out 'year'/'years'")
        return self


class EffectLine(_Line):
    """A change in the use of a price item (docs/method.md, section 4)."""

    _section = "effects"

    item: str | None = None
    price: Price | None = None
    kind: Literal["avoided_cost", "benefit", "added_cost"]
    quantity: NonNegative
    unit: str | None = None
    success: Share = 1.0
    deadweight: OpenShare = 0.0
    attribution: Share = 1.0
    displacement: OpenShare = 0.0
    drop_off: OpenShare = 0.0
    optimism_bias: OpenShare = 0.0
    duration: Whole = pydantic.Field(default=1, ge=1, le=MAX_YEARS)
    lag: Whole = pydantic.Field(default=0, ge=0, le=MAX_YEARS)
    beneficiary: Stakeholder | None = None
    per: Literal["participant", "year"] = pydantic.Field(
        default="participant",
        description="participant: per participant of each cohort (lag, duration); year: at area level, "
        "'quantity' a year in every year of 'years' (or 'year').",
    )
    year: Whole | None = None
    years: YearRange | None = None

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        return None if v is None else check_unit(v)

    @pydantic.model_validator(mode="after")
    def _timing(self) -> EffectLine:
        if self.year is not None and self.years is not None:
            raise ValueError("give 'year' (one year) or 'years: [first, last]', not both")
        if self.per == "year":
            if self.years is None and self.year is None:
                raise ValueError("per: year needs 'years: [first, last]' (or 'year' for one year)")
            given = sorted({"lag", "duration"} & self.model_fields_set)
            if given:
                names = " and ".join(repr(g) for g in given)
                raise ValueError(
                    f"{names} {'do' if len(given) > 1 else 'does'} not apply to per: year "
                    "(the effect falls in every year of 'years'; drop-off counts from the first "
                    f"year); leave {'them' if len(given) > 1 else 'it'} out"
                )
        elif self.year is not None or self.years is not None:
            raise ValueError(
                "an effect per participant follows the participants (lag, duration); leave out "
                "'year'/'years', or give per: year for an effect at area level"
            )
        return self

    @property
    def first_last(self) -> tuple[int, int] | None:
        """The first and last year of a per: year line (None per participant)."""
        if self.per != "year":
            return None
        if self.year is not None:
            return self.year, self.year
        assert self.years is not None, "per: year has 'year' or 'years' (checked on validation)"
        return self.years[0], self.years[1]

    @pydantic.model_validator(mode="after")
    def _priced(self) -> EffectLine:
        if (self.item is None) == (self.price is None):
            raise ValueError("give either 'item' (a price list id) or 'price' {amount, price_year, unit}")
        if self.kind == "added_cost" and self.beneficiary is not None:
            raise ValueError(
                "'beneficiary' is for avoided costs and benefits; an added cost falls on the "
                "payer of its price"
            )
        if self.price is not None and self.price.payer is None and self.beneficiary is None:
            raise ValueError("an effect with its own 'price' needs 'price.payer' or 'beneficiary'")
        return self


class VolunteerLine(_Line):
    """Capitalised volunteer hours (docs/method.md, section 4); ``as`` is required."""

    _section = "volunteers"

    hours: NonNegative
    per: Literal["year", "participant"]
    year: Whole | None = None
    years: YearRange | None = None
    value: str | Price
    as_: Literal["benefit", "in_kind_cost", "memo"] = pydantic.Field(alias="as")
    beneficiary: Stakeholder | None = None

    @pydantic.model_validator(mode="after")
    def _timing(self) -> VolunteerLine:
        if self.year is not None and self.years is not None:
            raise ValueError("give 'year' (one year) or 'years: [first, last]', not both")
        if self.per == "year" and (self.years is None) == (self.year is None):
            raise ValueError("per: year needs 'years: [first, last]' (or 'year' for one year)")
        if self.per == "participant" and (self.year or self.years):
            raise ValueError("per: participant follows the participants; leave out 'year'/'years'")
        if self.beneficiary is not None and self.as_ != "benefit":
            raise ValueError("'beneficiary' is only for as: benefit")
        return self


class PmPost(_Closed):
    """An effect that is not valued in money: a PM-post (docs/method.md, section 8).

    Listed beside the money lines in every output, marked PM, and never summed.
    """

    _section = "pm"

    id: str = pydantic.Field(pattern=NAME_PATTERN)
    label: str = pydantic.Field(min_length=1)
    label_en: str | None = None
    stakeholder: Stakeholder
    direction: Literal["positive", "negative", "uncertain"]
    size: Literal["--", "-", "0", "+", "++"] | None = pydantic.Field(
        default=None, description="Optional size on a five-point scale: --, -, 0, +, ++."
    )
    source: Source | str | None = None
    assumption: str | None = None
    note: str | None = None

    @pydantic.model_validator(mode="after")
    def _grounded(self) -> PmPost:
        if self.source is None and self.assumption is None:
            raise ValueError("a PM post needs a 'source' or an 'assumption' saying why it is there")
        return self


class Scenario(_Closed):
    """A scenario file (``format: mkba-scenario/1``, docs/formats.md), validated.

    Use :func:`load_scenario` to read one from a file or a dict; the result
    carries the file's line positions for later error messages. Every key is checked (an
    unknown key is refused, naming the nearest), and any number may be a distribution
    (docs/method.md, section 6).

    Parameters
    ----------
    format : {'mkba-scenario/1'}
        The format and its version.
    name : str
        The scenario's name, for reports.
    pricelist : str, optional
        ``name@version`` of the price list (default: the bundled list, newest version).
    price_year : int, optional
        The year whose euros the result is in (default: the newest year of the price index).
    assumed_inflation : float, optional
        Inflation assumed beyond the price index, a rate per year (docs/method.md, section 1).
    start_year, horizon : int
        The first calendar year and the number of years (section 2).
    discount_rate : float or distribution
        The real discount rate, a rate per year (default 0.0225, section 2).
    base_year : int, optional
        The year discounted to (default: ``start_year``).
    stakeholders : dict
        Attributes per stakeholder (``public``: in the fiscal view, section 3; labels).
    participants : dict of int to number
        New participants per calendar year (cohorts, section 4).
    costs, effects, volunteers : list
        The lines of section 4: amounts in euro (or ``item`` from the price list, euro per
        unit), quantities in units, shares 0-1 (``success``, ``deadweight``, ...).
    pm : list
        Effects not valued in money (PM posts), never summed.
    sib : SibContract, optional
        The terms of a Social Impact Bond (docs/method.md, section 7).

    Examples
    --------
    >>> import mkba
    >>> scenario = mkba.load_scenario("scenarios/tutorial.yaml")
    >>> scenario.pricelist, scenario.start_year, scenario.end_year
    ('nl-sociaal-domein@2024.1', 2025, 2029)
    >>> scenario.discount_rate  # a rate per year
    0.0225
    >>> cost = scenario.costs[0]
    >>> cost.id, cost.amount, cost.payer  # euro, once
    ('opstart', 25000.0, 'gemeente')
    """

    format: Literal["mkba-scenario/1"]
    name: str = pydantic.Field(min_length=1)
    description: str | None = None
    pricelist: str | None = None
    price_year: Whole | None = None
    assumed_inflation: float | None = pydantic.Field(
        default=None,
        ge=INFLATION_BOUNDS[0],
        le=INFLATION_BOUNDS[1],
        description="Yearly inflation assumed beyond the price index.",
    )
    start_year: Whole = pydantic.Field(ge=1900, le=2200)
    horizon: Whole = pydantic.Field(ge=1, le=200)
    discount_rate: DiscountRate = DEFAULT_DISCOUNT_RATE
    base_year: Whole | None = pydantic.Field(default=None, ge=1900, le=2200)
    stakeholders: dict[Stakeholder, StakeholderSpec] = pydantic.Field(default_factory=dict)
    participants: dict[int, Count] = pydantic.Field(default_factory=dict)
    costs: list[CostLine] = pydantic.Field(default_factory=list)
    effects: list[EffectLine] = pydantic.Field(default_factory=list)
    volunteers: list[VolunteerLine] = pydantic.Field(default_factory=list)
    notes: str | None = None
    sources: list[Source] = pydantic.Field(default_factory=list)
    pm: list[PmPost] = pydantic.Field(
        default_factory=list, description="Effects not valued in money (PM-posten), never summed."
    )
    sib: SibTerms | None = pydantic.Field(
        default=None, description="The terms of a Social Impact Bond (docs/sib.md)."
    )

    _doc: Document | None = pydantic.PrivateAttr(default=None)
    _changes: list[Change] = pydantic.PrivateAttr(default_factory=list)
    _base_sha256: str | None = pydantic.PrivateAttr(default=None)
    _base_file: str | None = pydantic.PrivateAttr(default=None)  # the file a variant was made from
    _prefix: str | None = pydantic.PrivateAttr(default=None)  # a project's alternative, for messages
    #: Settings a project file gives for all its alternatives: key -> (project file, line), for messages.
    _settings_at: dict[str, tuple[str, int | None]] = pydantic.PrivateAttr(default_factory=dict)
    #: The scenario as validated (JSON), to tell a change made in place since (:meth:`check_unchanged`).
    _validated: str = pydantic.PrivateAttr(default="")

    def check_unchanged(self) -> None:
        """Refuse a scenario changed in place after it was validated.

        A scenario is frozen (``scenario.horizon = 7`` is refused), but its lists and mappings can be
        changed in place (``scenario.participants[2025] = -400``, ``scenario.costs.pop()``): such a
        change is not validated, and the result would still name the file's hash as its source.
        Variants are made with :meth:`with_changes`, which validates them and records the changes.

        Raises
        ------
        MkbaError
            When the scenario differs from what was validated.

        Examples
        --------
        >>> import mkba
        >>> scenario = mkba.load_scenario("scenarios/tutorial.yaml")
        >>> scenario.check_unchanged()
        >>> scenario.participants[2025] = 80
        >>> scenario.check_unchanged()
        Traceback (most recent call last):
        ...
        mkba.errors.MkbaError: scenarios/tutorial.yaml: the scenario was changed in place after it was read (a list or mapping of it, such as participants or costs); such a change is not validated: make a variant with scenario.with_changes(set=..., remove=..., add=...)
        """
        now = self.model_dump_json(by_alias=True)
        if not self._validated:  # a Scenario made by hand, not by a loader: what it holds now is the start
            self._validated = now
        elif now != self._validated:
            raise MkbaError(
                "the scenario was changed in place after it was read (a list or mapping of it, such as "
                "participants or costs); such a change is not validated: make a variant with "
                "scenario.with_changes(set=..., remove=..., add=...)",
                file=self.file,
            )

    @property
    def years(self) -> range:
        """The calendar years of the horizon, ``start_year`` up to and including :attr:`end_year`."""
        return range(self.start_year, self.start_year + self.horizon)

    @property
    def end_year(self) -> int:
        """The last calendar year of the horizon: ``start_year + horizon - 1``."""
        return self.start_year + self.horizon - 1

    @pydantic.model_validator(mode="after")
    def _unique_line_ids(self) -> Scenario:
        """Line ids are unique across the sections; each repeat is refused at its own ``id``."""
        first: dict[str, str] = {}
        problems: list[tuple[tuple, str, Any]] = []
        for group in ("costs", "effects", "volunteers", "pm"):
            for i, line in enumerate(getattr(self, group)):
                if line.id not in first:
                    first[line.id] = f"{group}[{i}]"
                    continue
                problems.append(
                    (
                        (group, i, "id"),
                        "line ids must be unique across costs, effects, volunteers and pm; "
                        f"given twice: {line.id}, first at {first[line.id]}",
                        line.id,
                    )
                )
        if problems:
            raise located(problems)
        return self

    def with_changes(
        self,
        set: Mapping[str, Any] | None = None,
        remove: str | Sequence[str] | None = None,
        add: Mapping[str, Sequence[dict]] | None = None,
        *,
        where: Where | None = None,
    ) -> Scenario:
        """A new scenario: this one with the changes of a variant (docs/formats.md, "Project").

        Parameters
        ----------
        set : mapping of path to value, optional
            ``{"effects.minder-ots.attribution": 0.6, "costs.team.amount": 840000}``: new values (a
            number, also a numpy number; a distribution, ``{"dist": ...}`` or an object such as
            :class:`~mkba.scenario.distributions.Triangular`; a text).
        remove : path or sequence of path, optional
            Lines (``"effects.minder-ots"``), years of participants, or fields (back to their default);
            a single path may be given as a str.
        add : mapping of section to list of lines, optional
            New lines: ``{"effects": [{"id": ..., ...}]}`` (sections ``costs``, ``effects``,
            ``volunteers``, ``pm``).
        where : Where, optional
            Where the changes were written (a project file), for messages.

        Returns
        -------
        Scenario
            Validated as strictly as a file. Its provenance (``changes``, ``based_on``) records the
            changes and the base scenario's hash, so a result never names the unchanged file alone.

        Raises
        ------
        MkbaError
            An unknown path, id or field, or a changed value the format refuses: file, line, field.

        Examples
        --------
        >>> from mkba.scenario.model import load_scenario
        >>> s = load_scenario("scenarios/tutorial.yaml")
        >>> v = s.with_changes(set={"discount_rate": 0.03})
        >>> v.discount_rate, s.discount_rate
        (0.03, 0.0225)
        >>> [c.to_dict() for c in v.changes]
        [{'op': 'set', 'path': 'discount_rate', 'value': 0.03}]
        """
        self.check_unchanged()  # a variant of the file as read, not of a change it would undo in silence
        base = self._doc.data if self._doc is not None else self.model_dump(mode="json", by_alias=True)
        where = where or Where(file=self.file)
        data, changes, touched = apply_changes(
            base,
            set_=set,
            remove=remove,
            add=add,
            fields_at=lambda loc: fields_at(Scenario, loc),
            where=where,
        )
        lines: dict[tuple, int] = {} if where.line is None else {(): where.line}
        lines.update({loc: n for loc, key in touched.items() if (n := where.lines.get(key)) is not None})
        lines.update(_added_lines(touched, where))
        file = where.file or self.file or "<dict>"
        try:
            new = _validated(Document(data, file, lines))
        except MkbaError as exc:  # say which alternative of a project the changed scenario is
            if not where.prefix:
                raise
            field = _in_alternative(where.prefix, exc.field) if exc.field else where.prefix
            raise MkbaError(exc.message, file=exc.file, line=exc.line, field=field) from None
        new._changes = [*self._changes, *changes]
        new._base_sha256 = self._base_sha256 or self.sha256
        new._base_file = self._base_file or self.file
        new._prefix = where.prefix or self._prefix
        new._settings_at = self._settings_at
        return new

    @property
    def changes(self) -> list[Change]:
        """The changes that made this scenario from its base (empty for a scenario as written)."""
        return list(self._changes)

    @property
    def based_on_sha256(self) -> str | None:
        """The hash of the scenario these changes were made to (None for a scenario as written)."""
        return self._base_sha256

    @property
    def based_on_file(self) -> str | None:
        """The file of the scenario these changes were made to (None for a scenario as written, or
        one made from a dict). A project's variant has the project as its :attr:`file`, and the
        alternative it is ``based_on`` here."""
        return self._base_file

    def price_index(self, index: PriceIndex | None = None) -> PriceIndex:
        """The price index this scenario is valued with: ``index`` (default the bundled CBS CPI),
        carried on by the scenario's ``assumed_inflation`` beyond its last year where the index states
        none. The one place of that rule: the engine, the SIB contract's price year and the results
        all ask here.

        Parameters
        ----------
        index : PriceIndex, optional
            The index given by the caller.

        Returns
        -------
        PriceIndex

        Examples
        --------
        >>> import mkba
        >>> mkba.load_scenario("scenarios/tutorial.yaml").price_index().assumed_inflation is None
        True
        """
        from mkba.pricelist.index import default_index

        index = index or default_index()
        if self.assumed_inflation is not None and index.assumed_inflation is None:
            index = index.with_assumed_inflation(self.assumed_inflation)
        return index

    def check_horizon(self) -> None:
        """Every year given (cohorts, cost, per-year effect and volunteer years) lies in the horizon.

        Raises
        ------
        MkbaError
            Pointing at the first year outside ``start_year .. start_year + horizon - 1``.
        """
        first, last = self.start_year, self.end_year
        places: list[tuple[int, tuple]] = [(year, ("participants", year)) for year in self.participants]
        for group in ("costs", "effects", "volunteers"):
            for i, line in enumerate(getattr(self, group)):
                if line.year is not None:
                    places.append((line.year, (group, i, "year")))
                places += [(year, (group, i, "years", j)) for j, year in enumerate(line.years or ())]
        for year, path in places:
            if not first <= year <= last:
                raise self.error(
                    f"year {year} is outside the horizon {first}-{last} (start_year {first}, "
                    f"horizon {self.horizon})",
                    path,
                )

    def party_names(self) -> list[tuple[str, tuple]]:
        """Every party the scenario names in a line or in its contract, with where: ``(name, path)``.

        The payer of a cost, the beneficiary of an effect or of volunteer hours, the payer of an
        effect's own price, the stakeholder of a PM post, and the parties of a ``sib:`` contract (its
        outcome payers, the payer of its floor, its guarantors and its provider), in the file's order.
        The names declared under ``stakeholders:`` are not among them.

        Returns
        -------
        list of (str, tuple)
            Each name and its path, e.g. ``("gemeente", ("costs", 0, "payer"))``.
        """
        places: list[tuple[str | None, tuple]] = [
            (c.payer, ("costs", i, "payer")) for i, c in enumerate(self.costs)
        ]
        for i, e in enumerate(self.effects):
            places.append((e.price.payer if e.price else None, ("effects", i, "price", "payer")))
            places.append((e.beneficiary, ("effects", i, "beneficiary")))
        places += [(v.beneficiary, ("volunteers", i, "beneficiary")) for i, v in enumerate(self.volunteers)]
        places += [(p.stakeholder, ("pm", i, "stakeholder")) for i, p in enumerate(self.pm)]
        if self.sib is not None:
            places += _contract_parties(self.sib)
        return [(name, path) for name, path in places if name is not None]

    def check_party_names(self, known: Iterable[str] | Mapping[str, str]) -> None:
        """Refuse a party name that is a misspelling of a known one (docs/formats.md, "Scenario").

        A name need not be declared under ``stakeholders:``: a line may name a party of its own. A
        name that is neither declared nor ``known``, but nearly the same as one of them
        (:func:`near_miss`), is taken for a misspelling, which would otherwise book its flows on a
        new party of its own and leave the intended one empty.

        Parameters
        ----------
        known : iterable of str, or mapping of str to str
            The names the scenario may use besides its declared ones: the payers and recipients of
            its price list, and the parties the engine knows by name; a mapping says where each
            comes from (``"a payer in nl-sociaal-domein@2025.1"``), for the message.

        Raises
        ------
        MkbaError
            At the first misspelt name: its file, line and field, and the name it is near.

        Examples
        --------
        >>> import mkba
        >>> s = mkba.load_scenario({
        ...     "format": "mkba-scenario/1", "name": "Typo", "start_year": 2025, "horizon": 3,
        ...     "costs": [{"id": "x", "payer": "gemeentee", "amount": 1, "per": "once", "year": 2025}],
        ... })
        >>> s.check_party_names(["gemeente", "rijk"])
        Traceback (most recent call last):
        ...
        mkba.errors.MkbaError: <dict>: costs[0].payer: unknown stakeholder 'gemeentee'; did you mean 'gemeente'? ...
        >>> s.check_party_names(["rijk"])  # a party of its own: no name it could be a misspelling of
        """
        origin = dict(known) if isinstance(known, Mapping) else dict.fromkeys(known, "")
        origin.update(dict.fromkeys(self.stakeholders, ""))  # declared: the message needs no source
        names = sorted(origin)
        for name, path in self.party_names():
            if name in origin:
                continue
            near = near_miss(name, names)
            if near is not None:
                whence = f" ({origin[near]})" if origin[near] else ""
                raise self.error(
                    f"unknown stakeholder {name!r}; did you mean {near!r}{whence}? (declare it under "
                    "stakeholders: if it is a party of its own)",
                    path,
                )

    # -- provenance and positions -------------------------------------------------------
    @property
    def sha256(self) -> str:
        """Hash of the file's bytes (or of the canonical content for a dict)."""
        if self._doc is not None and self._doc.text:
            return hashlib.sha256(self._doc.text).hexdigest()
        payload = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def file(self) -> str | None:
        """The file the scenario was read from, as given; None for a scenario given as a dict."""
        return self._doc.file if self._doc else None

    @property
    def pricelist_ref(self) -> str | None:
        """``pricelist`` as the loader needs it: a relative file is relative to the file that names it.

        That is the scenario's file, or the project's where the project sets the list for all its
        alternatives (as a project finds its scenarios). ``name@version``, an absolute path and a
        scenario given as a dict keep the value as written.
        """
        from mkba.pricelist.registry import looks_like_path  # a lower layer: imported when used

        ref = self.pricelist
        named_in = self._settings_at["pricelist"][0] if "pricelist" in self._settings_at else self.file
        if ref is None or named_in is None or not looks_like_path(ref) or Path(ref).is_absolute():
            return ref
        found = Path(named_in).parent / ref
        if not found.exists():  # said at the line that names it, with where it was looked for
            elsewhere = ""
            if Path(ref).exists():  # read from the current folder before this rule: say how to name it now
                here = os.path.relpath(Path(ref).resolve(), found.parent.resolve())
                elsewhere = f"; the file in the current folder is {here!r} from there"
            raise self.error(
                f"the price list file {ref!r} is not in {str(found.parent)!r}: a relative path is read from "
                f"the folder of the file that names it{elsewhere}",
                ("pricelist",),
            )
        return str(found)

    def error(self, message: str, path: tuple) -> MkbaError:
        """An :class:`MkbaError` pointing at ``path`` in the file this came from.

        For a setting a project gives all its alternatives, the error points at the project file's
        line instead.

        Parameters
        ----------
        message : str
            What is wrong and what was expected.
        path : tuple
            Where in the scenario: keys and list indices, e.g. ``("effects", 1, "success")``.

        Returns
        -------
        MkbaError
            With the file, its line (where known) and the field (``effects[1].success (id '...')``),
            to be raised by the caller.
        """
        if path and path[0] in self._settings_at:
            file, at = self._settings_at[str(path[0])]
            return MkbaError(message, file=file, line=at, field=format_path(path))
        line = self._doc.line_of(path) if self._doc else None
        field = (
            f"participants.{path[1]}"
            if path[:1] == ("participants",) and len(path) == 2
            else format_path(path)
        )  # participants are keyed by year, not by position
        if self._prefix:  # a variant of a project: say which alternative
            field = _in_alternative(self._prefix, field)
        return MkbaError(message, file=self.file, line=line, field=field)


def load_scenario(source: str | Path | dict | Document | Scenario) -> Scenario:
    """Read and validate a scenario from a file (YAML, TOML, JSON) or a dict.

    The format is docs/formats.md's ``mkba-scenario/1``. Beyond each field's own checks, every
    year given must lie in the horizon, and a ``sib:`` contract must fit its scenario.

    Parameters
    ----------
    source : str, Path, dict, Document or Scenario
        A scenario file, its content as a dict, the file already read (:func:`read_document`), or
        a scenario already loaded (returned as is).

    Returns
    -------
    Scenario
        Validated; it remembers the file and the line of each part, for later messages.

    Raises
    ------
    MkbaError
        With file, line and field for anything that does not fit the format.

    Examples
    --------
    >>> import mkba
    >>> scenario = mkba.load_scenario({
    ...     "format": "mkba-scenario/1", "name": "Klein voorbeeld", "start_year": 2025, "horizon": 3,
    ...     "costs": [{"id": "opstart", "payer": "gemeente", "amount": 10000, "per": "once", "year": 2025}],
    ... })
    >>> list(scenario.years), scenario.discount_rate  # calendar years; a rate per year
    ([2025, 2026, 2027], 0.0225)
    >>> mkba.load_scenario({
    ...     "format": "mkba-scenario/1", "name": "Typo", "start_year": 2025, "horizon": 3,
    ...     "costs": [{"id": "opstart", "payer": "gemeente", "amount": 10000, "per": "once", "yaer": 2025}],
    ... })
    Traceback (most recent call last):
    ...
    mkba.errors.MkbaError: <dict>: costs[0].yaer (id 'opstart'): unknown key 'yaer'; did you mean 'year'? ...
    """
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Document):
        return _validated(source)
    doc = Document(source, "<dict>") if isinstance(source, dict) else read_document(source)
    return _validated(doc)


def _validated(doc: Document) -> Scenario:
    """Validate a document as a scenario, with the checks that need the whole of it."""
    # also data built in Python (a dict, with_changes, a project's settings): a year given twice
    # (2025 and "2025") is refused there too; a file read is walked once more, cheaply
    check_data(doc)
    _check_year_keys(doc)
    scenario = validate(Scenario, doc)
    scenario._doc = doc
    scenario._validated = scenario.model_dump_json(by_alias=True)  # what check_unchanged compares with
    scenario.check_horizon()
    if scenario.sib is not None:  # the contract's references to the scenario's own lines and years
        from mkba.scenario.contract import check_against_scenario

        check_against_scenario(scenario, scenario.sib)
    return scenario


def _contract_parties(c: SibContract) -> list[tuple[str | None, tuple]]:
    """The parties a ``sib:`` contract names, with their paths in the scenario."""
    places: list[tuple[str | None, tuple]] = [(c.outcome_payer, ("sib", "outcome_payer"))]
    places += [(p.payer, ("sib", "outcome_payers", j, "payer")) for j, p in enumerate(c.outcome_payers or [])]
    places.append((c.max_loss_paid_by, ("sib", "max_loss_paid_by")))
    places += [(g.guarantor, ("sib", "guarantees", j, "guarantor")) for j, g in enumerate(c.guarantees)]
    if c.provider is not None:
        places.append((c.provider.name, ("sib", "provider", "name")))
    return places


def near_miss(name: str, names: Iterable[str]) -> str | None:
    """The one of ``names`` that ``name`` is nearly the same as, taken for a misspelling of it; or None.

    Near is one character different (added, left out, changed, or two neighbours swapped) in a name
    of at least five characters, or two changed or swapped (not added: ``gemeente-a`` is a party of
    its own) in one of at least twelve. Shorter names differ by one character too often on purpose
    (``rijk``, ``wijk``), and so do names two edits apart (``werknemers``, ``werkgevers``).

    Parameters
    ----------
    name : str
        A name not among ``names``.
    names : iterable of str
        The names it could be a misspelling of.

    Returns
    -------
    str or None
        The nearest such name (the most alike first), or None when none is near.

    Examples
    --------
    >>> near_miss("zorgverzekeraarr", ["gemeente", "zorgverzekeraar"])
    'zorgverzekeraar'
    >>> near_miss("gemeetne", ["gemeente"]), near_miss("wijk", ["rijk"]), near_miss("bewoners", ["gemeente"])
    ('gemeente', None, None)
    """
    found = []
    for other in names:
        if other == name or min(len(name), len(other)) < 5:
            continue
        allowed = 2 if len(name) == len(other) >= 12 else 1
        edits = _edits(name, other, allowed)
        if edits <= allowed:
            found.append((edits, other))
    return min(found)[1] if found else None


def _edits(a: str, b: str, limit: int) -> int:
    """The edit distance of ``a`` and ``b`` (a swap of two neighbours is one edit), or ``limit + 1`` if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, row = previous, row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
    return min(row[-1], limit + 1)


def _in_alternative(prefix: str, field: str) -> str:
    """A field of a project's changed scenario, named with its alternative (``alternatives[1]``)."""
    return f"{prefix} (the changed scenario): {field}"


def _added_lines(touched: dict[tuple, tuple[str, str]], where: Where) -> dict[tuple, int]:
    """The lines of the parts of added lines: ``(section, index in the scenario, key, ...) -> line``."""
    out: dict[tuple, int] = {}
    position: dict[str, int] = {}
    for loc, (op, section) in touched.items():
        if op != "add":
            continue
        j = position[section] = position.get(section, -1) + 1  # the j-th line this add brings
        out.update({(*loc, *sub[2:]): n for sub, n in where.added_lines.items() if sub[:2] == (section, j)})
    return out


def _check_year_keys(doc: Document) -> None:
    """Participants are keyed by year: catch ``'2015'`` vs ``2015`` and non-years early."""
    participants = doc.data.get("participants") if isinstance(doc.data, dict) else None
    if isinstance(participants, dict):
        for key in participants:
            if isinstance(key, bool) or not (isinstance(key, int) or str(key).isdigit()):
                raise MkbaError(
                    f"expected a year as key, got {key!r}",
                    file=doc.file,
                    line=doc.line_of(("participants", key)),
                    field=f"participants.{key}",
                )


def scenario_json_schema() -> dict:
    """JSON Schema of scenario files, for editors."""
    return Scenario.model_json_schema(by_alias=True)
