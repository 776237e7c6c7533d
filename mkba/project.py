"""Projects: alternatives against a nulalternatief, valued alike and compared (docs/method.md, section 8).

:func:`load_project` reads a project file (``format: mkba-project/1``); :meth:`Project.evaluate`
values every alternative on one price list and gives a :class:`ProjectResult`: each alternative's
own figures and its *delta* against the nulalternatief, figure by figure, line by line, per
stakeholder and for the fiscal view, the dominant alternatives said in words, and a ranking by
``delta_npv``. :meth:`ProjectResult.simulate` evaluates every alternative on the same draws
(common random numbers by input path).

Layer: beside :mod:`mkba.result` (it may import everything below it; :mod:`mkba.report` and
:mod:`mkba.cli` import it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkba._version import __version__
from mkba.errors import MkbaError
from mkba.pricelist.items import PriceList
from mkba.pricelist.registry import price_list_folders
from mkba.result import Result, evaluate, scenario_pricelist
from mkba.scenario.changes import plain
from mkba.scenario.model import Scenario
from mkba.scenario.project import (
    IN_CODE,
    SHARED,
    Alternative,
    ProjectDefinition,
    check_same_footing,
    nothing,
    read_project,
)

if TYPE_CHECKING:
    import pandas as pd

FIGURES = ("pv_costs", "pv_benefits", "npv")
#: Percentiles of ``delta_npv`` reported by a paired simulation.
PERCENTILES = (5, 50, 95)


def _set_in_code(scenario: Scenario) -> set[str]:
    """The shared settings a scenario's changes made in code set (its row of :func:`check_same_footing`)."""
    return {c.path for c in scenario.changes if c.op == "set" and c.path in SHARED}


@dataclass
class Project:
    """A project: the nulalternatief and the alternatives compared with it, as scenarios.

    Vary an alternative in code with :meth:`with_changes` (a new project, on the same footing);
    :meth:`evaluate` checks the footing of the scenarios it values, however they were put in.

    Attributes
    ----------
    definition : ProjectDefinition
        What the project file says, every alternative resolved to a validated scenario.
    changes : list of dict
        The changes made in code by :meth:`with_changes`, in order: ``alternative`` (an id, or None
        for every alternative), ``op``, ``path`` and ``value``; recorded in the provenance.

    Examples
    --------
    >>> import mkba
    >>> project = mkba.load_project("scenarios/frontlijnteam-project.yaml")
    >>> [a.id for a in project.alternatives]
    ['frontlijnteam', 'frontlijnteam-ots-tarief']
    """

    definition: ProjectDefinition
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The project's ``name``, as its file gives it."""
        return self.definition.name

    @property
    def file(self) -> str:
        """The project file, as it was given to :func:`load_project` (for messages and provenance)."""
        return self.definition.file

    @property
    def baseline(self) -> Alternative:
        """The nulalternatief (``niets`` when the project names none)."""
        return self.definition.baseline

    @property
    def alternatives(self) -> list[Alternative]:
        """The alternatives compared with the nulalternatief, in the file's order."""
        return self.definition.alternatives

    def evaluate(
        self,
        pricelist: str | Path | PriceList | None = None,
        *,
        price_year: int | None = None,
        discount_rate: float | None = None,
        lang: str = "nl",
        folders: str | Path | Sequence[str | Path] = (),
    ) -> ProjectResult:
        """Value every alternative on one price list and compare each with the nulalternatief.

        Parameters
        ----------
        pricelist : str, path or PriceList, optional
            Default: the alternatives' own (which the project holds equal), else the bundled default.
        price_year : int, optional
            The year whose euros the results are in, for all alternatives.
        discount_rate : float, optional
            A real discount rate per year (fraction) for all alternatives.
        lang : {'nl', 'en'}
            Language of labels.
        folders : path or sequence of path
            Extra folders of price lists (one folder, or several), searched before the bundled ones;
            each alternative's result keeps them, so that its ``to_json`` and ``to_excel`` write no
            file in them (:attr:`mkba.result.Result.folders`).

        Returns
        -------
        ProjectResult

        Raises
        ------
        MkbaError
            Alternatives that are not on the same footing (docs/method.md, section 8), as
            :func:`load_project` refuses them: also when a scenario was changed or put in in code (use
            :meth:`with_changes`); a setting given here holds for all and is not compared. A folder
            in ``folders`` that does not exist (field ``folders``).
        """
        given = {"pricelist": pricelist, "price_year": price_year, "discount_rate": discount_rate}
        self.check_footing({key: value for key, value in given.items() if value is not None})
        folders = price_list_folders(folders)  # one folder or several, each an existing folder
        pl = self.load_pricelist(pricelist, folders=folders)
        results = {
            alt.id: evaluate(
                alt.scenario,
                pl,
                price_year=price_year,
                discount_rate=discount_rate,
                lang=lang,
                folders=folders,
            )
            for alt in self.definition.all
        }
        return ProjectResult(self, results, lang)

    def check_footing(self, settings: Mapping[str, Any] | None = None) -> None:
        """Refuse alternatives that are not on the same footing, by the loader's rule.

        Every alternative, the nulalternatief included, as it is now (also one changed or put in in
        code): the same price list, price year, discount rate, base year, start year and horizon
        (docs/method.md, section 8).

        Parameters
        ----------
        settings : mapping of str to value, optional
            Settings that hold for every alternative however its scenario reads (the ones given to
            :meth:`evaluate`): not compared.

        Raises
        ------
        MkbaError
            Naming both alternatives and both values, with the project file and the setting
            (``alternatives[i].KEY``, as the loader), and the way to change a setting for all in code:
            :meth:`with_changes` with ``set=`` and no alternative.

        Examples
        --------
        >>> import mkba
        >>> project = mkba.load_project("scenarios/frontlijnteam-project.yaml")
        >>> project.check_footing()  # as read: nothing to say
        """
        base, alternatives = self.definition.baseline, self.definition.alternatives
        # as the file lists them ('nothing', made from the first alternative's settings, last)
        everyone = [*alternatives, base] if base.is_nothing else [base, *alternatives]
        rows = [(a.id, a.scenario, _set_in_code(a.scenario)) for a in everyone]
        # no lines: a scenario changed in code is not at a line of the project file
        check_same_footing(rows, file=self.file, given=dict(settings or {}), remedy=IN_CODE)

    def with_changes(
        self,
        alternative: str | None = None,
        *,
        set: Mapping[str, Any] | None = None,
        remove: Sequence[str] | None = None,
        add: Mapping[str, Sequence[dict]] | None = None,
    ) -> Project:
        """A new project: one alternative changed, or a shared setting changed for every alternative.

        The way to vary an alternative in code (docs/projects.md, "Varying an alternative in code"): the changes are those of
        :meth:`Scenario.with_changes <mkba.scenario.model.Scenario.with_changes>` (the path language of a
        variant), validated as strictly, and recorded in the provenance; the project is unchanged.
        Alternatives read as variants of the changed one (``based_on``) keep the scenario they were read
        with.

        Parameters
        ----------
        alternative : str, optional
            The id of the alternative (or of a named nulalternatief) to change. None: ``set`` changes
            settings every alternative shares (``pricelist``, ``price_year``, ``discount_rate``,
            ``base_year``, ``start_year``, ``horizon``) for all of them, the nulalternatief included, as
            the project file's own settings do.
        set : mapping of path to value, optional
            New values: ``{"effects.minder-ots.attribution": 0.6}``.
        remove : sequence of path, optional
            Lines or fields to remove (one alternative only).
        add : mapping of section to list of lines, optional
            New lines per section (one alternative only).

        Returns
        -------
        Project

        Raises
        ------
        MkbaError
            An unknown alternative (naming the alternatives); a shared setting changed for one
            alternative, or anything else changed for all; a change the scenario refuses (an unknown
            path, id or field, a value out of range).

        Examples
        --------
        >>> import mkba
        >>> project = mkba.load_project("scenarios/frontlijnteam-project.yaml")
        >>> lower = project.with_changes("frontlijnteam", set={"effects.minder-ots.attribution": 0.5})
        >>> d = lower.evaluate().delta("frontlijnteam")["pv_benefits"]
        >>> d < project.evaluate().delta("frontlijnteam")["pv_benefits"]
        True
        >>> at_4 = project.with_changes(set={"discount_rate": 0.04})  # every alternative, on one footing
        >>> at_4.evaluate().to_dict()["provenance"]["discount_rate"]
        0.04
        """
        if alternative is None:
            new = self._with_settings(dict(set or {}), remove, add)
        else:
            new = self._with_alternative(alternative, set, remove, add)
        new.check_footing()
        return new

    def _with_settings(
        self, settings: dict[str, Any], remove: Sequence[str] | None, add: Mapping[str, Sequence[dict]] | None
    ) -> Project:
        """Every alternative with the shared ``settings`` changed (:meth:`with_changes` without an id)."""
        others = [key for key in settings if key not in SHARED]
        if others or remove or add:
            what = f"set {', '.join(others)}" if others else ("remove" if remove else "add")
            raise MkbaError(
                f"without an alternative, with_changes changes only the settings every alternative shares "
                f"({', '.join(SHARED)}); to {what}, name the alternative: with_changes(ID, ...) "
                f"(ids: {', '.join(self._ids())})",
                file=self.file,
                field="alternative",
            )
        if not settings:
            return dataclasses.replace(self, changes=list(self.changes))

        def changed(alt: Alternative) -> Alternative:
            try:
                scenario = alt.scenario.with_changes(set=settings)
            except MkbaError as exc:  # say which alternative the shared setting does not fit
                exc.message = (
                    f"alternative {alt.id!r}, with {', '.join(map(str, settings))} changed: {exc.message}"
                )
                raise
            # a setting now comes from this call, not from the project file's line
            scenario._settings_at = {k: v for k, v in alt.scenario._settings_at.items() if k not in settings}
            return dataclasses.replace(alt, scenario=scenario)

        alternatives = [changed(alt) for alt in self.definition.alternatives]
        base = self.definition.baseline
        baseline = (
            nothing(alternatives[0].scenario, self.file) if base.is_nothing else changed(base)
        )  # 'nothing' takes the first alternative's settings, as when read
        definition = dataclasses.replace(
            self.definition,
            baseline=baseline,
            alternatives=alternatives,
            settings={**self.definition.settings, **settings},
        )
        made = [
            {"alternative": None, "op": "set", "path": key, "value": plain(value)}
            for key, value in settings.items()
        ]
        return Project(definition, [*self.changes, *made])

    def _with_alternative(
        self,
        alt_id: str,
        set_: Mapping[str, Any] | None,
        remove: Sequence[str] | None,
        add: Mapping[str, Sequence[dict]] | None,
    ) -> Project:
        """Alternative ``alt_id`` changed (:meth:`with_changes` with an id)."""
        alt = self._alternative(alt_id, field="alternative")
        if alt.is_nothing:
            raise MkbaError(
                f"the nulalternatief {alt.id!r} is nothing: it has nothing to change "
                "(name a nulalternatief in the project file to vary it)",
                file=self.file,
                field="alternative",
            )
        shared = [key for key in set_ or {} if key in SHARED]
        if shared:
            key = shared[0]
            raise MkbaError(
                f"{key} is a setting every alternative shares (same footing, docs/method.md section 8): "
                f"change it for all with with_changes(set={{{key!r}: ...}}) without an alternative",
                file=self.file,
                field=f"set.{key}",
            )
        scenario = alt.scenario.with_changes(set=set_, remove=remove, add=add)
        made = [{"alternative": alt.id, **c.to_dict()} for c in scenario.changes[len(alt.scenario.changes) :]]
        new_alt = dataclasses.replace(alt, scenario=scenario)
        base = self.definition.baseline
        definition = dataclasses.replace(
            self.definition,
            baseline=new_alt if base.id == alt.id else base,
            alternatives=[new_alt if a.id == alt.id else a for a in self.definition.alternatives],
        )
        return Project(definition, [*self.changes, *made])

    def _ids(self) -> list[str]:
        return [a.id for a in self.definition.all]

    def _alternative(self, alt_id: str, *, field: str) -> Alternative:
        """The alternative (or nulalternatief) ``alt_id``; an unknown id is one MkbaError naming them all."""
        for alt in self.definition.all:
            if isinstance(alt_id, str) and alt.id == alt_id:
                return alt
        raise MkbaError(
            f"no alternative {alt_id!r} in the project (alternatives: {', '.join(self._ids())})",
            file=self.file,
            field=field,
        )

    def load_pricelist(
        self,
        pricelist: str | Path | PriceList | None = None,
        *,
        folders: str | Path | Sequence[str | Path] = (),
    ) -> PriceList:
        """The price list every alternative is valued on: ``pricelist``, else the one the project
        (or its alternatives, which it holds equal) names, else the bundled default.

        Parameters
        ----------
        pricelist : str, path or PriceList, optional
            ``name@version``, a file, or a loaded list (returned as it is); default: the one the
            project names.
        folders : path or sequence of path
            Extra folders of price lists (one folder, or several), searched before the bundled ones.

        Returns
        -------
        PriceList
            Amounts in euro per unit, each in its item's own price year.

        Raises
        ------
        MkbaError
            A list the project names that cannot be loaded: naming the project file (or the
            scenario file) and the line of ``pricelist``; a list given as ``pricelist`` that cannot
            be loaded, as :func:`mkba.load_pricelist`; a folder in ``folders`` that does not exist
            (field ``folders``).

        Examples
        --------
        >>> import mkba
        >>> mkba.load_project("scenarios/frontlijnteam-project.yaml").load_pricelist()
        PriceList('nl-sociaal-domein@2024.1', 70 items)
        """
        first = self.baseline.scenario if not self.baseline.is_nothing else self.alternatives[0].scenario
        folders = price_list_folders(folders)  # one folder or several, each an existing folder
        return scenario_pricelist(first, pricelist, folders=folders)  # said where the project names it


def load_project(path: str | Path) -> Project:
    """Read a project file: alternatives (scenario files or variants) and a nulalternatief.

    Parameters
    ----------
    path : str or Path
        A ``format: mkba-project/1`` file (docs/formats.md, "Project"); scenario files are found
        relative to it.

    Returns
    -------
    Project

    Raises
    ------
    MkbaError
        With file, line and field: a ``based_on`` cycle, an unknown path, id or field, duplicate ids,
        alternatives on different settings that the project does not set.

    Examples
    --------
    >>> import mkba
    >>> result = mkba.load_project("scenarios/frontlijnteam-project.yaml").evaluate()
    >>> result.compare()[["id", "rank"]].to_dict("records")[0]["rank"]
    1
    """
    return Project(read_project(path))


def _delta(a: float, b: float) -> float:
    return float(a) - float(b)


@dataclass
class ProjectResult:
    """Every alternative's result and its delta against the nulalternatief (docs/method.md, section 8).

    Money in euro of the results' price year, discounted to their base year.

    Attributes
    ----------
    project : Project
        What was evaluated.
    results : dict of str to Result
        Each alternative's own result, the nulalternatief's included (by id).
    lang : {'nl', 'en'}
        Language of labels.

    Examples
    --------
    >>> import mkba
    >>> result = mkba.load_project("scenarios/frontlijnteam-project.yaml").evaluate()
    >>> delta = result.delta("frontlijnteam")
    >>> round(delta["npv"]) == round(result.results["frontlijnteam"].npv - result.baseline.npv)
    True
    >>> sorted(result.compare().columns)[:3]
    ['delta_bcr', 'delta_npv', 'delta_pv_benefits']
    """

    project: Project
    results: dict[str, Result]
    lang: str = "nl"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline(self) -> Result:
        """The nulalternatief's result: what every delta is taken against (euro, as :attr:`results`).

        For a project that names no nulalternatief, the result of ``niets``: an empty scenario on
        the project's settings.
        """
        return self.results[self.project.baseline.id]

    def _result(self, alt_id: str) -> Result:
        """The result of alternative ``alt_id``; an unknown id is one MkbaError naming the alternatives."""
        if isinstance(alt_id, str) and alt_id in self.results:
            return self.results[alt_id]
        ids = ", ".join(self.results)
        raise MkbaError(
            f"no alternative {alt_id!r} in the project (alternatives: {ids})",
            file=self.project.file,
            field="alt_id",
        )

    def delta(self, alt_id: str) -> dict[str, Any]:
        """Alternative ``alt_id`` minus the nulalternatief: figures, per stakeholder and fiscal.

        ``bcr`` is ``delta_pv_benefits / delta_pv_costs`` when ``delta_pv_costs > 0``; an alternative
        that costs no more and yields no less (and differs) is ``dominant`` and has no ratio.

        Parameters
        ----------
        alt_id : str
            The id of an alternative (or of the nulalternatief, whose deltas are all 0).

        Returns
        -------
        dict
            ``pv_costs``, ``pv_benefits`` and ``npv``: the differences in euro (of the results'
            price year, discounted to their base year); ``dominant`` (bool); ``bcr`` (a ratio, or
            None); ``stakeholders``: per stakeholder of either, the differences of its
            ``pv_costs``, ``pv_benefits`` and ``npv`` (euro); ``fiscal``: those of the public
            stakeholders together (euro).

        Raises
        ------
        MkbaError
            An ``alt_id`` that is not an alternative's, naming the alternatives.

        Examples
        --------
        >>> import mkba
        >>> result = mkba.load_project("scenarios/frontlijnteam-project.yaml").evaluate()
        >>> delta = result.delta("frontlijnteam")
        >>> delta["dominant"], round(delta["bcr"], 3)  # 0.056 euro more benefit per euro more cost
        (False, 0.056)
        """
        a, b = self._result(alt_id), self.baseline
        out: dict[str, Any] = {name: _delta(getattr(a, name), getattr(b, name)) for name in FIGURES}
        dc, db = out["pv_costs"], out["pv_benefits"]
        differs = abs(dc) > 1e-9 or abs(db) > 1e-9
        out["dominant"] = bool(differs and dc <= 0 and db >= 0)
        out["bcr"] = db / dc if dc > 0 else None
        mine = {r["stakeholder"]: r for r in a.stakeholder_rows()}
        theirs = {r["stakeholder"]: r for r in b.stakeholder_rows()}
        zero = dict.fromkeys(FIGURES, 0.0)
        out["stakeholders"] = {
            name: {f: _delta(mine.get(name, zero)[f], theirs.get(name, zero)[f]) for f in FIGURES}
            for name in [*mine, *(n for n in theirs if n not in mine)]
        }
        out["fiscal"] = {
            f: _delta(getattr(a, f"fiscal_{f}"), getattr(b, f"fiscal_{f}"))
            for f in ("pv_costs", "pv_benefits", "npv")
        }
        return out

    def ranking(self) -> list[str]:
        """Alternative ids by ``delta_npv``, best first (ties keep the file's order)."""
        ids = [alt.id for alt in self.project.alternatives]
        return sorted(ids, key=lambda i: -self.delta(i)["npv"])

    def dominant(self) -> list[str]:
        """The alternatives that cost no more than the nulalternatief and yield no less."""
        return [alt.id for alt in self.project.alternatives if self.delta(alt.id)["dominant"]]

    def compare(self) -> pd.DataFrame:
        """One row per alternative: own figures, deltas, ratio, dominance and rank (euro).

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``label``, ``pv_costs``, ``pv_benefits``, ``npv``, ``delta_pv_costs``,
            ``delta_pv_benefits``, ``delta_npv``, ``delta_bcr``, ``dominant``, ``rank``.
        """
        import pandas as pd

        rank = {alt_id: k for k, alt_id in enumerate(self.ranking(), 1)}
        rows = []
        for alt in self.project.alternatives:
            r, d = self.results[alt.id], self.delta(alt.id)
            rows.append(
                {
                    "id": alt.id,
                    "label": alt.label_in(self.lang),
                    **{name: float(getattr(r, name)) for name in FIGURES},
                    **{f"delta_{name}": d[name] for name in FIGURES},
                    "delta_bcr": d["bcr"],
                    "dominant": d["dominant"],
                    "rank": rank[alt.id],
                }
            )
        return pd.DataFrame(rows)

    def line_deltas(self, alt_id: str) -> list[dict[str, Any]]:
        """Line by line and per stakeholder: the alternative's and the nulalternatief's present value
        and their difference (euro; a line the alternative removed shows its saving as a delta).

        Parameters
        ----------
        alt_id : str
            The id of an alternative.

        Returns
        -------
        list of dict
            One per line and stakeholder (and memo line) of either result, the alternative's first:
            ``id``, ``group``, ``kind``, ``label``, ``stakeholder``, ``transfer``, ``memo`` as
            :meth:`Result.line_rows`, and ``pv``, ``baseline_pv`` and ``delta_pv = pv - baseline_pv``
            in euro (benefits positive, costs negative; 0 where a result has no such line).

        Raises
        ------
        MkbaError
            An ``alt_id`` that is not an alternative's, naming the alternatives.

        Examples
        --------
        >>> import mkba
        >>> result = mkba.load_project("scenarios/frontlijnteam-project.yaml").evaluate()
        >>> rows = {r["id"]: r for r in result.line_deltas("frontlijnteam")}
        >>> round(rows["zware-gezinsaanpak"]["delta_pv"])  # a cost the alternative removed, euro
        1626812
        """
        key_cols = ("id", "stakeholder", "transfer", "memo")
        mine = {tuple(r[k] for k in key_cols): r for r in self._result(alt_id).line_rows()}
        theirs = {tuple(r[k] for k in key_cols): r for r in self.baseline.line_rows()}
        rows = []
        for key in [*mine, *(k for k in theirs if k not in mine)]:
            r = mine.get(key) or theirs[key]
            pv_a = mine[key]["pv"] if key in mine else 0.0
            pv_b = theirs[key]["pv"] if key in theirs else 0.0
            rows.append(
                {
                    **{k: r[k] for k in ("id", "group", "kind", "label", "stakeholder", "transfer", "memo")},
                    "pv": pv_a,
                    "baseline_pv": pv_b,
                    "delta_pv": pv_a - pv_b,
                }
            )
        return rows

    def line_delta_rows(self) -> list[dict[str, Any]]:
        """:meth:`line_deltas` of every alternative side by side: one row per line and stakeholder.

        Each row is the line's fields (``id``, ``label``, ``stakeholder``, ``transfer``, ``memo``,
        ``baseline_pv``, ...) with ``deltas``: alternative id -> its difference with the
        nulalternatief (euro); an alternative without the row has no entry.
        """
        keyed: dict[tuple, dict[str, Any]] = {}
        for alt in self.project.alternatives:
            for r in self.line_deltas(alt.id):
                key = (r["id"], r["stakeholder"], r["transfer"], r["memo"])
                keyed.setdefault(key, {**r, "deltas": {}})["deltas"][alt.id] = r["delta_pv"]
        return list(keyed.values())

    def table(self) -> pd.DataFrame:
        """The overview table of the project as a tidy DataFrame (docs/method.md, section 8).

        Returns
        -------
        pandas.DataFrame
            One row per alternative, line and stakeholder: ``alternative``, ``id``, ``kind``,
            ``label``, ``stakeholder``, ``pv``, ``baseline_pv`` and ``delta_pv`` (euro), ``transfer``,
            ``memo``; PM-posten as rows with ``pm`` true, a ``direction`` and ``size``, and no money.
        """
        import pandas as pd

        rows = []
        for alt in self.project.alternatives:
            rows += [{"alternative": alt.id, **r, "pm": False} for r in self.line_deltas(alt.id)]
            rows += [
                {"alternative": alt.id, **p, "kind": "pm", "group": "pm", "pm": True}
                for p in self.results[alt.id].pm_rows()
            ]
        columns = [
            "alternative", "id", "group", "kind", "label", "stakeholder", "pv", "baseline_pv", "delta_pv",
            "transfer", "memo", "pm", "direction", "size",
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

    def pm_rows(self) -> list[dict[str, Any]]:
        """Every PM-post of every alternative (and the nulalternatief), with its alternative's id."""
        out = []
        for alt in self.project.definition.all:
            out += [{**p, "alternative": alt.id} for p in self.results[alt.id].pm_rows()]
        return out

    def simulate(
        self,
        n: int,
        *,
        seed: int = 20260101,
        chunk_size: int = 100_000,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, Any]:
        """Paired Monte Carlo: every alternative on the same draws (common random numbers by input path).

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int
            The same seed gives the same result at any ``chunk_size``.
        chunk_size : int
            Draws evaluated at once.
        progress : callable, optional
            Called with the draws finished after each chunk.

        Returns
        -------
        dict
            Per alternative id: ``p_delta_npv_positive``, ``p_best`` and ``delta_npv`` percentiles
            (``p5``, ``p50``, ``p95``, euro) and ``delta_npv_mean``; also ``n`` and ``seed``.
        """
        from mkba.uncertainty.paired import paired_summary

        everyone = self.project.definition.all
        competes = not self.project.baseline.is_nothing
        summary = paired_summary(
            [self.results[a.id].model for a in everyone],
            [a.id for a in everyone],
            n,
            seed=seed,
            chunk_size=chunk_size,
            baseline_competes=competes,
            progress=progress,
        )
        out: dict[str, Any] = {"n": n, "seed": seed, "alternatives": {}}
        worst = 0.0
        for alt in self.project.alternatives:
            s = summary.delta[alt.id]
            quantiles = {f"p{p}": s.quantile(p / 100) for p in PERCENTILES}
            worst = max([worst, *(error for _, error in quantiles.values())])
            out["alternatives"][alt.id] = {
                "p_delta_npv_positive": s.above(0.0),
                "p_best": summary.best[alt.id] / n,
                "delta_npv_mean": s.mean,
                "delta_npv_sd": s.std,
                "delta_npv": {key: value for key, (value, _) in quantiles.items()},
            }
        if competes:
            out["baseline_p_best"] = summary.best[""] / n
        out["quantile_error"] = worst
        self.extra["simulation"] = out
        return out

    def input_files(self) -> list[Path]:
        """The files this project was computed from, which none of its outputs may replace.

        The project file and every alternative's :meth:`mkba.result.Result.input_files` (its
        scenario, the scenario it is based on, the price list with its ``extends`` chain, the index,
        the price-list folders).

        Returns
        -------
        list of Path

        Examples
        --------
        >>> import mkba
        >>> files = mkba.load_project("scenarios/frontlijnteam-project.yaml").evaluate().input_files()
        >>> sorted({p.name for p in files if p.name.startswith("frontlijnteam")})
        ['frontlijnteam-project.yaml', 'frontlijnteam-regulier.yaml']
        """
        found = [Path(self.project.file)] if self.project.file else []
        for result in self.results.values():
            found += [p for p in result.input_files() if p not in found]
        return found

    def to_json(self, path: str | Path | None = None) -> str:
        """:meth:`to_dict` as JSON text, as ``mkba run PROJECT --json`` writes it; to ``path`` when given.

        Parameters
        ----------
        path : str or Path, optional
            A ``.json`` file to write (atomically), checked before anything is written.

        Returns
        -------
        str
            The JSON text (without the final newline).

        Raises
        ------
        MkbaError
            When ``path`` does not end in ``.json``, is one of :meth:`input_files`, a folder, or its
            folder does not exist.
        """
        from mkba.result import checked_output, json_text

        if path is not None:
            path = checked_output(path, "json", self.input_files, "this project")
        text = json_text(self.to_dict())
        if path is not None:
            from mkba.io.files import write_text_atomic

            write_text_atomic(path, text + "\n")
        return text

    def to_excel(self, path: str | Path, lang: str | None = None) -> Path:
        """Write the project's auditable workbook: the comparison first, then each alternative's sheets.

        A thin forwarder to :func:`mkba.report.excel.project.write_project_workbook`, as
        :meth:`mkba.result.Result.to_excel` is to the scenario workbook.

        Parameters
        ----------
        path : str or Path
            A ``.xlsx`` file to write (atomically), checked before anything is computed.
        lang : {'nl', 'en'}, optional
            Language of sheet names and labels (default: the result's).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        MkbaError
            When ``path`` does not end in ``.xlsx``, is one of :meth:`input_files`, a folder, or its
            folder does not exist.
        """
        from mkba.report.excel.project import write_project_workbook
        from mkba.result import check_lang, checked_output

        checked = checked_output(path, "xlsx", self.input_files, "this project")
        return write_project_workbook(self, checked, lang=check_lang(lang or self.lang))

    def to_dict(self) -> dict[str, Any]:
        """Everything ``mkba run PROJECT --json`` writes (docs/formats.md, "Project")."""
        rank = {alt_id: k for k, alt_id in enumerate(self.ranking(), 1)}
        base = self.project.baseline
        alternatives = []
        for alt in self.project.alternatives:
            own = self.results[alt.id].to_dict()
            alternatives.append(
                {
                    "id": alt.id,
                    "label": alt.label_in(self.lang),
                    "based_on": alt.based_on,
                    **{
                        k: own[k] for k in ("pv_costs", "pv_benefits", "npv", "bcr", "stakeholders", "fiscal")
                    },
                    "delta": self.delta(alt.id),
                    "lines": [
                        {
                            k: r[k]
                            for k in ("id", "kind", "label", "stakeholder", "pv", "baseline_pv", "delta_pv")
                        }
                        for r in self.line_deltas(alt.id)
                    ],
                    "rank": rank[alt.id],
                    "provenance": own["provenance"]["scenario"],
                }
            )
        baseline_own = self.baseline.to_dict()
        out: dict[str, Any] = {
            "project": self.project.name,
            "baseline": base.id,
            "baseline_result": {
                "label": base.label_in(self.lang),
                **{
                    k: baseline_own[k]
                    for k in ("pv_costs", "pv_benefits", "npv", "stakeholders", "fiscal", "lines")
                },
            },
            "alternatives": alternatives,
            "ranking": self.ranking(),
            "dominant": self.dominant(),
            "pm": [
                {k: p[k] for k in ("id", "alternative", "label", "stakeholder", "direction", "size")}
                for p in self.pm_rows()
            ],
            "provenance": {
                "project": {
                    "name": self.project.name,
                    "file": self.project.file,
                    "sha256": self.project.definition.sha256,
                    **({"changes": list(self.project.changes)} if self.project.changes else {}),
                },
                **{k: v for k, v in baseline_own["provenance"].items() if k != "scenario"},
                "mkba_version": __version__,
            },
        }
        out.update(self.extra)
        return out
