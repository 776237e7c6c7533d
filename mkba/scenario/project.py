"""Project files (``format: mkba-project/1``): alternatives against a nulalternatief (docs/method.md, section 8).

A project names its alternatives: each is a scenario file, or a *variant* of another alternative
(``based_on`` with ``set``, ``remove`` and ``add`` in the path language of
:mod:`mkba.scenario.changes`). The nulalternatief (``baseline``) is one of them, or nothing (an
empty scenario on the same settings). All alternatives are valued on the same footing: the same
price list, price year, discount rate, base year, start year and horizon; where they differ the
project is refused, naming both values, unless the project file sets the value for all.

A problem with a setting the project file gives is said at that file's line, in one way: the
settings are validated as the project file's own fields (by the rules of a scenario file), and
each alternative's scenario records where the project sets them (``Scenario._settings_at``), so
that :meth:`~mkba.scenario.model.Scenario.error` points a later problem with one of them (a price
year outside the index, a price list that cannot be used) at the project file.

:func:`read_project` gives a :class:`ProjectDefinition`: every alternative as a validated
:class:`~mkba.scenario.model.Scenario`. Evaluating it is :mod:`mkba.project`'s work.

Imports: :mod:`mkba.io` (reading with positions), :mod:`mkba.pricelist` (patterns) and the rest of
:mod:`mkba.scenario`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pydantic

from mkba.errors import MkbaError
from mkba.io.documents import Document, did_you_mean, read_document, validate
from mkba.pricelist.items import NAME_PATTERN
from mkba.pricelist.source import Source
from mkba.scenario.changes import LINE_SECTIONS, Where
from mkba.scenario.fields import Closed, FixedDiscountRate, Whole, label_for, located
from mkba.scenario.model import SCENARIO_FORMAT, Scenario, _validated

PROJECT_FORMAT = "mkba-project/1"
#: Settings every alternative shares; a project file may set them for all.
SHARED = ("pricelist", "price_year", "discount_rate", "base_year", "start_year", "horizon")
#: The id of the nulalternatief when the project names none: nothing at all.
NOTHING = "niets"


class AlternativeSpec(Closed):
    """One alternative of a project file: a scenario file, or a variant of another alternative."""

    id: str = pydantic.Field(pattern=NAME_PATTERN)
    label: str | None = None
    label_en: str | None = None
    description: str | None = None
    scenario: str | None = pydantic.Field(
        default=None, description="A scenario file, relative to the project file."
    )
    based_on: str | None = pydantic.Field(
        default=None, description="The id of the alternative this one changes."
    )
    set_: dict[str, Any] = pydantic.Field(
        default_factory=dict, alias="set", description="path -> new value (docs/formats.md, 'Project')."
    )
    remove: list[str] = pydantic.Field(
        default_factory=list, description="Paths of lines or fields to remove."
    )
    add: dict[Literal["costs", "effects", "volunteers", "pm"], list[dict[str, Any]]] = pydantic.Field(
        default_factory=dict, description="New lines per section."
    )

    @pydantic.model_validator(mode="after")
    def _one_origin(self) -> AlternativeSpec:
        if (self.scenario is None) == (self.based_on is None):
            raise ValueError("give either 'scenario' (a file) or 'based_on' (another alternative's id)")
        return self


class ProjectFile(Closed):
    """The shape of a project file, as written (docs/formats.md, "Project")."""

    format: Literal["mkba-project/1"]
    name: str = pydantic.Field(min_length=1)
    description: str | None = None
    baseline: str | None = pydantic.Field(
        default=None, description="The nulalternatief's id; default: nothing (an empty scenario)."
    )
    pricelist: str | None = None
    price_year: Whole | None = None
    discount_rate: FixedDiscountRate | None = None  # the rule of a scenario file
    base_year: Whole | None = pydantic.Field(default=None, ge=1900, le=2200)
    start_year: Whole | None = pydantic.Field(default=None, ge=1900, le=2200)
    horizon: Whole | None = pydantic.Field(default=None, ge=1, le=200)
    alternatives: list[AlternativeSpec] = pydantic.Field(min_length=1)
    notes: str | None = None
    sources: list[Source] = pydantic.Field(default_factory=list)

    @pydantic.model_validator(mode="after")
    def _references(self) -> ProjectFile:
        """Alternative ids are unique and the baseline is one of them, each refused at its own line."""
        ids = [a.id for a in self.alternatives]
        problems: list[tuple[tuple, str, Any]] = [
            (
                ("alternatives", i, "id"),
                f"alternative ids must be unique; given twice: {a}, first at alternatives[{ids.index(a)}]",
                a,
            )
            for i, a in enumerate(ids)
            if a in ids[:i]
        ]
        if problems:
            raise located(problems)
        if self.baseline is not None and self.baseline not in ids:
            hint = did_you_mean(self.baseline, ids)
            raise located(
                [
                    (
                        ("baseline",),
                        f"the baseline is not an alternative's id{hint} (ids: {', '.join(ids)})",
                        self.baseline,
                    )
                ]
            )
        return self


@dataclass
class Alternative:
    """One alternative, resolved to a validated scenario."""

    id: str
    label: str
    label_en: str | None
    scenario: Scenario
    based_on: str | None = None
    is_nothing: bool = False

    def label_in(self, lang: str) -> str:
        """Its label for readers: ``label_en`` in English when given."""
        return label_for(self.label, self.label_en, lang)


@dataclass
class ProjectDefinition:
    """A read project: its alternatives as scenarios, and which one is the nulalternatief."""

    name: str
    file: str
    baseline: Alternative
    alternatives: list[Alternative]  # the alternatives compared with the baseline (not the baseline)
    description: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""

    @property
    def all(self) -> list[Alternative]:
        """The baseline first, then the alternatives (each once)."""
        return [self.baseline, *self.alternatives]


def read_project(path: str | Path) -> ProjectDefinition:
    """Read a project file and resolve every alternative to a validated scenario.

    Parameters
    ----------
    path : str or Path
        The project file (YAML, TOML or JSON); scenario files are found relative to it.

    Returns
    -------
    ProjectDefinition

    Raises
    ------
    MkbaError
        One message with file, line and field: an unknown key, a ``based_on`` cycle, an unknown
        path, id or field in a change, duplicate ids, alternatives on different settings.
    """
    import hashlib

    doc = read_document(path)
    spec = validate(ProjectFile, doc)
    settings = {key: getattr(spec, key) for key in SHARED if getattr(spec, key) is not None}
    by_id = {a.id: (i, a) for i, a in enumerate(spec.alternatives)}
    resolved: dict[str, Alternative] = {}
    for alt_id in _in_dependency_order(spec, doc):
        i, alt = by_id[alt_id]
        resolved[alt_id] = _resolve(spec, doc, i, alt, resolved, settings)
    rows = [(a.id, resolved[a.id].scenario, a.set_) for a in spec.alternatives]
    check_same_footing(rows, file=doc.file, given=settings, line_of=doc.line_of)
    if spec.baseline is None:
        first = resolved[spec.alternatives[0].id].scenario
        baseline = nothing(first, doc.file)
        others = [resolved[a.id] for a in spec.alternatives]
    else:
        baseline = resolved[spec.baseline]
        others = [resolved[a.id] for a in spec.alternatives if a.id != spec.baseline]
    if not others:
        raise MkbaError(
            "the project compares nothing: expected at least one alternative besides the baseline",
            file=doc.file,
            line=doc.line_of(("alternatives",)),
            field="alternatives",
        )
    return ProjectDefinition(
        name=spec.name,
        file=doc.file,
        baseline=baseline,
        alternatives=others,
        description=spec.description,
        settings=settings,
        sha256=hashlib.sha256(doc.text).hexdigest() if doc.text else "",
    )


def _in_dependency_order(spec: ProjectFile, doc: Document) -> list[str]:
    """Alternatives ordered so that each comes after the one it is based on; a cycle is refused."""
    order: list[str] = []
    state: dict[str, int] = {}
    index = {a.id: i for i, a in enumerate(spec.alternatives)}
    parent = {a.id: a.based_on for a in spec.alternatives}

    def visit(alt_id: str, trail: tuple[str, ...]) -> None:
        if state.get(alt_id) == 2:
            return
        i = index[alt_id]
        if state.get(alt_id) == 1:
            cycle = " -> ".join((*trail[trail.index(alt_id) :], alt_id))
            raise MkbaError(
                f"based_on makes a cycle: {cycle}",
                file=doc.file,
                line=doc.line_of(("alternatives", i, "based_on")),
                field=f"alternatives[{i}].based_on",
            )
        state[alt_id] = 1
        base = parent[alt_id]
        if base is not None:
            if base not in index:
                ids = ", ".join(index)
                raise MkbaError(
                    f"based_on names no alternative: {base!r}{did_you_mean(base, list(index))} (ids: {ids})",
                    file=doc.file,
                    line=doc.line_of(("alternatives", i, "based_on")),
                    field=f"alternatives[{i}].based_on",
                )
            visit(base, (*trail, alt_id))
        state[alt_id] = 2
        order.append(alt_id)

    for alt in spec.alternatives:
        visit(alt.id, ())
    return order


def _resolve(
    spec: ProjectFile,
    doc: Document,
    i: int,
    alt: AlternativeSpec,
    done: dict[str, Alternative],
    settings: dict[str, Any],
) -> Alternative:
    label = alt.label or alt.id
    if alt.scenario is not None:
        scenario = _scenario_file(doc, i, alt.scenario, settings)
        if alt.set_ or alt.remove or alt.add:
            scenario = scenario.with_changes(alt.set_, alt.remove, _sections(alt), where=_where(doc, i, alt))
        return Alternative(alt.id, label, alt.label_en, scenario)
    assert alt.based_on is not None  # checked by the model
    for key in settings:
        if key in alt.set_:
            raise MkbaError(
                f"the project sets {key} for every alternative; a variant cannot change it",
                file=doc.file,
                line=doc.line_of(("alternatives", i, "set", key)),
                field=f"alternatives[{i}].set.{key}",
            )
    base = done[alt.based_on].scenario
    # a variant is its own scenario: named by its label (unless it sets a name), not by its base's
    changes = {"name": label} | dict(alt.set_)
    scenario = base.with_changes(changes, alt.remove, _sections(alt), where=_where(doc, i, alt))
    return Alternative(alt.id, label, alt.label_en, scenario, based_on=alt.based_on)


def _sections(alt: AlternativeSpec) -> dict[str, list[dict[str, Any]]]:
    """The lines a variant adds, by section (``costs``, ``effects``, ``volunteers``, ``pm``)."""
    return {str(section): lines for section, lines in alt.add.items()}


def _where(doc: Document, i: int, alt: AlternativeSpec) -> Where:
    lines: dict[tuple[str, str], int] = {}
    for op, keys in (("set", alt.set_), ("remove", alt.remove), ("add", alt.add)):
        for n, key in enumerate(keys):
            at = (n,) if op == "remove" else (key,)
            line = doc.line_of(("alternatives", i, op, *at))
            if line is not None:
                lines[(op, str(key))] = line
    at_add = ("alternatives", i, "add")
    added = {path[3:]: n for path, n in doc.lines.items() if path[:3] == at_add and len(path) > 3}
    return Where(
        file=doc.file,
        lines=lines,
        prefix=f"alternatives[{i}]",
        line=doc.line_of(("alternatives", i)),
        added_lines=added,
    )


def _scenario_file(doc: Document, i: int, name: str, settings: dict[str, Any]) -> Scenario:
    path = Path(doc.file).parent / name
    if not path.is_file():
        raise MkbaError(
            f"scenario file not found: {path}",
            file=doc.file,
            line=doc.line_of(("alternatives", i, "scenario")),
            field=f"alternatives[{i}].scenario",
        )
    scenario_doc = read_document(path)
    if isinstance(scenario_doc.data, dict) and settings:
        data = {**scenario_doc.data, **settings}  # the project's settings hold for every alternative
        scenario_doc = Document(data, scenario_doc.file, scenario_doc.lines, scenario_doc.text)
    # The settings were validated as the project file's own (ProjectFile: the scenario file's rules),
    # so they cannot fail here; a problem found later (a price year outside the index, a price list
    # that cannot be used) is pointed at the project file's line by Scenario.error, the one way.
    scenario = _validated(scenario_doc)
    scenario._settings_at = {key: (doc.file, doc.line_of((key,))) for key in settings}
    if settings:
        scenario._base_sha256 = scenario.sha256  # the file as written, before the project's settings
        scenario._doc = Document(scenario_doc.data, scenario_doc.file, scenario_doc.lines)  # hash the content
    return scenario


#: What to do about alternatives off one footing, read from a project file (``{key}``: the setting).
IN_THE_FILE = "set {key} in the project file for all"
#: ... and changed in code (:meth:`mkba.project.Project.with_changes` sets a setting for all).
IN_CODE = "set it for every alternative with Project.with_changes(set={{{key!r}: ...}})"


def check_same_footing(
    alternatives: Sequence[tuple[str, Scenario, Collection[str]]],
    *,
    file: str | None = None,
    given: Collection[str] = (),
    line_of: Callable[[tuple], int | None] | None = None,
    remedy: str = IN_THE_FILE,
) -> None:
    """Refuse alternatives that are not on the same footing (docs/method.md, section 8).

    Every alternative must have the first one's price list, price year, discount rate, base year,
    start year and horizon (:data:`SHARED`), each as it takes effect (the base year defaults to the
    start year). The first that differs is refused, naming both alternatives and both values.

    Parameters
    ----------
    alternatives : sequence of (str, Scenario, collection of str)
        Each alternative's id, its scenario and the keys its own entry (or its changes) sets, in the
        order of the project file: the first is the one the others are held to.
    file : str, optional
        The project file, for the message.
    given : collection of str
        Settings that hold for every alternative however its scenario reads (the project file's
        own, or the ones given to ``evaluate``): not compared.
    line_of : callable, optional
        The project file's line of a path (:meth:`~mkba.io.documents.Document.line_of`): an
        alternative is said at ``alternatives[i]``, or at its ``set:`` of the key when it sets it.
        Without it (alternatives changed in code) no line is said.
    remedy : str
        What to do, as the end of the message; ``{key}`` stands for the setting
        (:data:`IN_THE_FILE`, or :data:`IN_CODE` for alternatives changed in code).

    Raises
    ------
    MkbaError
        For the field ``alternatives[i].KEY`` of the first alternative that differs.

    Examples
    --------
    >>> import mkba
    >>> s = mkba.load_scenario("scenarios/tutorial.yaml")
    >>> b = s.with_changes(set={"discount_rate": 0.04})
    >>> check_same_footing([("a", s, ()), ("b", b, {"discount_rate"})], remedy=IN_CODE)
    Traceback (most recent call last):
    ...
    mkba.errors.MkbaError: alternatives[1].discount_rate: alternative 'b' has discount_rate 0.04 but 'a' has 0.0225; alternatives are valued on the same footing: set it for every alternative with Project.with_changes(set={'discount_rate': ...})
    """
    (first, scenario, _), *others = alternatives
    for key in SHARED:
        if key in given:
            continue
        expected = _effective(scenario, key)
        for i, (alt_id, other, sets) in enumerate(others, 1):
            value = _effective(other, key)
            if value != expected:
                path = ("alternatives", i, *(("set", key) if key in sets else ()))
                raise MkbaError(
                    f"alternative {alt_id!r} has {key} {value!r} but {first!r} has {expected!r}; "
                    f"alternatives are valued on the same footing: {remedy.format(key=key)}",
                    file=file,
                    line=line_of(path) if line_of is not None else None,  # a variant: at its set: line
                    field=f"alternatives[{i}].{key}",
                )


def _effective(scenario: Scenario, key: str) -> Any:
    """A shared setting as it takes effect (the base year defaults to the start year)."""
    if key == "base_year" and scenario.base_year is None:
        return scenario.start_year
    return getattr(scenario, key)


def nothing(like: Scenario, file: str) -> Alternative:
    """The nulalternatief 'nothing' (:data:`NOTHING`): an empty scenario on the same settings as ``like``.

    Parameters
    ----------
    like : Scenario
        The scenario whose shared settings (:data:`SHARED`) and stakeholders it takes: the project's
        first alternative.
    file : str
        The project file, which it is said to be in.

    Returns
    -------
    Alternative
        With ``is_nothing`` set; a problem with a setting is said at the project file's line, as for
        ``like``.
    """
    data: dict[str, Any] = {"format": SCENARIO_FORMAT, "name": "Nulalternatief: niets"}
    for key in SHARED:
        value = getattr(like, key)
        if value is not None:
            data[key] = value
    data["stakeholders"] = {k: v.model_dump(exclude_none=True) for k, v in like.stakeholders.items()}
    scenario = _validated(Document(data, file))
    scenario._settings_at = like._settings_at  # a setting's problem is the project file's
    return Alternative(NOTHING, "Nulalternatief (niets)", "Baseline (nothing)", scenario, is_nothing=True)


#: Sections a variant may add lines to (re-exported for the JSON Schema's description).
ADD_SECTIONS = LINE_SECTIONS


def project_json_schema() -> dict:
    """JSON Schema of project files, for editors."""
    return ProjectFile.model_json_schema(by_alias=True)
