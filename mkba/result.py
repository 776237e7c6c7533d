"""Figures of docs/method.md, section 5, their tables, and where they came from.

:func:`figures` computes every figure for all draws of an evaluation at once
(arrays over draws); :class:`Result` is the point result a user reads: the
summary, the per-stakeholder table ("wie betaalt, wie profiteert"), tidy
DataFrames of the flows, and provenance.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pydantic

from mkba._version import __version__
from mkba.engine.figures import Figures, figures
from mkba.engine.model import Flows, Model, compile_scenario, run_settings
from mkba.errors import MkbaError
from mkba.io.documents import Document
from mkba.io.files import check_format, check_output, same_file
from mkba.pricelist.index import PriceIndex
from mkba.pricelist.items import PriceList
from mkba.pricelist.registry import Registry, load_pricelist, looks_like_path, price_list_folders
from mkba.scenario.fields import label_for
from mkba.scenario.model import Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd


def mkba_version() -> str:
    """The version of mkba that computed a result (recorded in its provenance)."""
    return __version__


def _none_if_nan(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


@dataclass
class Result:
    """The point result of a scenario: figures, tables and provenance (docs/method.md, section 5).

    Made by :func:`evaluate`. Money is in euro of the result's ``price_year``, discounted to the
    scenario's base year at its ``discount_rate`` (docs/method.md, sections 1-2).

    Attributes
    ----------
    model : Model
        The compiled scenario (inputs, lines, stakeholders, years).
    flows : Flows
        The point evaluation's flows (one draw), euro per line, stakeholder and year.
    figs : Figures
        Every figure of the method for that draw (arrays of one row).
    lang : {'nl', 'en'}
        Language of labels in tables and reports.
    extra : dict
        What an analysis adds to the JSON output (``simulation``, ``tornado``, ``break_even``).
    folders : tuple of path
        The extra price-list folders it was evaluated with (``folders`` of :func:`evaluate`), to
        find the files it was computed from (:meth:`input_files`).

    Examples
    --------
    >>> import mkba
    >>> result = mkba.evaluate("scenarios/tutorial.yaml")
    >>> round(result.pv_costs) > 0
    True
    >>> result.stakeholder_table().columns.tolist()
    ['stakeholder', 'public', 'pv_costs', 'pv_benefits', 'npv']
    """

    model: Model
    flows: Flows
    figs: Figures
    lang: str = "nl"
    extra: dict = field(default_factory=dict)
    folders: tuple[str | Path, ...] = ()
    #: :meth:`input_files`, once found (a result's outputs are checked against the same files each time)
    _inputs: list[Path] | None = field(default=None, init=False, repr=False, compare=False)

    # -- figures -------------------------------------------------------------------------
    def _euro(self, name: str) -> float:
        return float(getattr(self.figs, name)[0])

    def _optional(self, name: str) -> float | None:
        value = float(getattr(self.figs, name)[0])
        return value if np.isfinite(value) else None

    @property
    def pv_costs(self) -> float:
        """Present value of all cost flows, euro (positive); transfers left out."""
        return self._euro("pv_costs")

    @property
    def pv_benefits(self) -> float:
        """Present value of all benefit flows, euro; transfers left out."""
        return self._euro("pv_benefits")

    @property
    def npv(self) -> float:
        """Saldo: ``pv_benefits - pv_costs``, euro."""
        return self._euro("npv")

    @property
    def bcr(self) -> float | None:
        """Baten per geïnvesteerde euro: ``pv_benefits / pv_costs``; None when ``pv_costs`` is 0."""
        return self._optional("bcr")

    @property
    def net_return(self) -> float | None:
        """Maatschappelijk rendement: ``npv / pv_costs`` (fraction); None when ``pv_costs`` is 0."""
        return self._optional("net_return")

    @property
    def payback_year(self) -> int | None:
        """First year in which the cumulative discounted net flow is >= 0; None if never."""
        value = self._optional("payback_year")
        return None if value is None else int(value)

    @property
    def irr(self) -> float | None:
        """Internal rate of return of the yearly net flows (fraction); None, see :attr:`irr_reason`."""
        return self._optional("irr")

    @property
    def volunteer_value_pv(self) -> float:
        """Present value of all volunteer lines, whatever their ``as``, euro."""
        return self._euro("volunteer_value_pv")

    @property
    def fiscal_pv_costs(self) -> float:
        """Present value of the public stakeholders' costs, euro (transfers included)."""
        return self._euro("fiscal_pv_costs")

    @property
    def fiscal_pv_benefits(self) -> float:
        """Present value of the public stakeholders' benefits, euro (transfers included)."""
        return self._euro("fiscal_pv_benefits")

    @property
    def fiscal_npv(self) -> float:
        """Saldo of the public stakeholders (the fiscal view), euro."""
        return self._euro("fiscal_npv")

    @property
    def irr_reason(self) -> str:
        """Why :attr:`irr` is None: ``'no sign change'`` or ``'several roots possible: ...'``; else ``''``.

        The IRR exists only when the yearly net flows change sign once (docs/method.md, section 5).
        """
        return str(self.figs.irr_reason[0])

    @property
    def scenario(self) -> Scenario:
        """The scenario evaluated (the compiled model's)."""
        return self.model.scenario

    @property
    def years(self) -> list[int]:
        """The calendar years of the horizon, first to last (those of :attr:`net_flows`)."""
        return self.model.years.tolist()

    @property
    def net_flows(self) -> list[float]:
        """The net flow of each year of :attr:`years`, euro of :attr:`price_year`, undiscounted.

        Benefits minus costs over all stakeholders; the two sides of a transfer cancel.
        """
        return self.figs.net_flows[0].tolist()

    @property
    def discount_rate(self) -> float:
        """The real discount rate the result is discounted at, a fraction per year (0.0225 is 2.25 %).

        The scenario's (or its default), or the one given to :func:`evaluate`.
        """
        return float(self.model.base[self.model.discount_col])

    @property
    def price_year(self) -> int:
        """The year whose euros every amount of the result is in (docs/method.md, section 1)."""
        return self.model.price_year

    def stakeholder_label(self, name: str) -> str:
        """How to show stakeholder ``name``: its ``label`` from the scenario (``label_en`` in English).

        Without a label, a common id gets its default name (``zorgverzekeraar``: Zorgverzekeraar,
        Health insurer) and any other id a capital first letter
        (:func:`mkba.report.vocabulary.stakeholder_name`).

        Parameters
        ----------
        name : str
            A stakeholder id, e.g. ``'gemeente'``; it need not be one of the scenario's.

        Returns
        -------
        str
            The label in the result's :attr:`lang`.

        Examples
        --------
        >>> import mkba
        >>> result = mkba.evaluate("scenarios/tutorial.yaml", lang="en")
        >>> [result.stakeholder_label(name) for name in ("gemeente", "zorgverzekeraar", "buurt")]
        ['Municipality', 'Health insurer', 'Buurt']
        """
        spec = self.scenario.stakeholders.get(name)
        own = None if spec is None else label_for(spec.label, spec.label_en, self.lang)
        if own:
            return own
        from mkba.report.vocabulary import stakeholder_name

        return stakeholder_name(name, self.lang)

    def stakeholder_rows(self) -> list[dict[str, Any]]:
        """Per stakeholder, in order: ``stakeholder``, ``public`` and its ``pv_costs``, ``pv_benefits``
        and ``npv`` (euro), as plain Python values (what :meth:`stakeholder_table` holds)."""
        f = self.figs
        return [
            {
                "stakeholder": name,
                "public": bool(public),
                "pv_costs": float(f.stakeholder_pv_costs[0, k]),
                "pv_benefits": float(f.stakeholder_pv_benefits[0, k]),
                "npv": float(f.stakeholder_npv[0, k]),
            }
            for k, (name, public) in enumerate(zip(self.model.stakeholders, self.model.public))
        ]

    def stakeholder_table(self) -> pd.DataFrame:
        """Per stakeholder: pv costs, pv benefits, npv (euro), and whether it is public.

        Returns
        -------
        pandas.DataFrame
            Columns ``stakeholder``, ``public``, ``pv_costs``, ``pv_benefits``, ``npv`` (euro): "wie
            betaalt, wie profiteert" (docs/method.md, section 3).
        """
        import pandas as pd

        return pd.DataFrame(
            self.stakeholder_rows(), columns=["stakeholder", "public", "pv_costs", "pv_benefits", "npv"]
        )

    def line_rows(self) -> list[dict[str, Any]]:
        """The overview table's money rows (docs/method.md, section 8), as plain values.

        One row per line and stakeholder it is booked on: ``id``, ``group`` (cost, effect,
        volunteer), ``kind``, ``label``, ``stakeholder``, ``transfer`` (a side of a transfer, which
        cancels in the societal total), ``memo`` (a volunteer line valued but not in the saldo) and
        ``pv``, the present value in euro (benefits positive, costs negative).
        """
        m, fl = self.model, self.flows
        disc = fl.discount[0]
        pv = fl.posted[0] @ disc
        rows: list[dict[str, Any]] = []
        for p in range(len(pv)):
            line = m.lines[m.posting_line[p]]
            rows.append(
                {
                    "id": line.id,
                    "group": line.group,
                    "kind": line.kind,
                    "label": line.label_in(self.lang),
                    "stakeholder": m.stakeholders[m.posting_stakeholder[p]],
                    "transfer": bool(m.posting_transfer[p]),
                    "memo": False,
                    "pv": float(pv[p]),
                }
            )
        for li, line in enumerate(m.lines):
            if line.memo:
                rows.append(
                    {
                        "id": line.id,
                        "group": line.group,
                        "kind": line.kind,
                        "label": line.label_in(self.lang),
                        "stakeholder": None,
                        "transfer": False,
                        "memo": True,
                        "pv": float(fl.gross[0, li] @ disc),
                    }
                )
        return rows

    def overview_rows(self) -> list[dict[str, Any]]:
        """The overview table by line (docs/method.md, section 8): what every reader's view shows.

        One row per line, in the order of :meth:`line_rows`: ``id``, ``group``, ``kind``, ``label``,
        ``transfer``, ``memo``, ``pv`` (stakeholder -> present value in euro, benefits positive) and
        ``total`` (the sum over stakeholders; for a memo line its value, which is not in the saldo).

        Examples
        --------
        >>> import mkba
        >>> rows = mkba.evaluate("scenarios/tutorial.yaml").overview_rows()
        >>> first = rows[0]
        >>> first["id"], first["pv"], first["total"]  # euro
        ('opstart', {'gemeente': -25000.0}, -25000.0)
        """
        by_line: dict[str, dict[str, Any]] = {}
        for r in self.line_rows():
            entry = by_line.setdefault(
                r["id"],
                {**{k: r[k] for k in ("id", "group", "kind", "label", "transfer")}, "memo": False, "pv": {}},
            )
            if r["stakeholder"] is None:  # a memo line: valued, not in the saldo
                entry["memo"] = True
                entry["memo_pv"] = entry.get("memo_pv", 0.0) + r["pv"]
            else:
                entry["pv"][r["stakeholder"]] = entry["pv"].get(r["stakeholder"], 0.0) + r["pv"]
        for entry in by_line.values():
            entry["total"] = entry.pop("memo_pv") if entry["memo"] else sum(entry["pv"].values())
        return list(by_line.values())

    def pm_rows(self) -> list[dict[str, Any]]:
        """The PM-posten (effects not in money): ``id``, ``label``, ``stakeholder``, ``direction``, ``size``."""
        return [
            {
                "id": p.id,
                "label": label_for(p.label, p.label_en, self.lang),
                "stakeholder": p.stakeholder,
                "direction": p.direction,
                "size": p.size,
            }
            for p in self.scenario.pm
        ]

    def table(self) -> pd.DataFrame:
        """The overview table (MKBA-overzichtstabel, docs/method.md, section 8) as a tidy DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per line and stakeholder (:meth:`line_rows`) and one per PM-post, with columns
            ``id``, ``kind``, ``label``, ``stakeholder``, ``pv`` (euro; empty for PM-posten, which are
            never summed), ``transfer``, ``memo``, ``pm``, ``direction`` and ``size``.

        Examples
        --------
        >>> import mkba
        >>> table = mkba.evaluate("scenarios/tutorial.yaml").table()
        >>> round(table.loc[~table["transfer"] & ~table["memo"], "pv"].sum()) == round(
        ...     mkba.evaluate("scenarios/tutorial.yaml").npv)
        True
        """
        import pandas as pd

        rows = [{**r, "pm": False, "direction": None, "size": None} for r in self.line_rows()]
        rows += [
            {
                **r,
                "group": "pm",
                "kind": "pm",
                "transfer": False,
                "memo": False,
                "pm": True,
                "pv": float("nan"),
            }
            for r in self.pm_rows()
        ]
        columns = [
            "id",
            "group",
            "kind",
            "label",
            "stakeholder",
            "pv",
            "transfer",
            "memo",
            "pm",
            "direction",
            "size",
        ]
        return pd.DataFrame(rows, columns=columns)

    def flows_frame(self) -> pd.DataFrame:
        """Tidy flows: one row per year, line and stakeholder, nominal and discounted (euro)."""
        import pandas as pd

        m, fl = self.model, self.flows
        posted = fl.posted[0]  # (P, Y)
        P, Y = posted.shape
        lines = [m.lines[i] for i in m.posting_line]
        frame = pd.DataFrame(
            {
                "year": np.tile(m.years, P),
                "line": np.repeat([ln.id for ln in lines], Y),
                "group": np.repeat([ln.group for ln in lines], Y),
                "kind": np.repeat([ln.kind for ln in lines], Y),
                "stakeholder": np.repeat([m.stakeholders[k] for k in m.posting_stakeholder], Y),
                "transfer": np.repeat(m.posting_transfer, Y),
                "flow": posted.ravel(),
                "discount_factor": np.tile(fl.discount[0], P),
            }
        )
        frame["discounted"] = frame["flow"] * frame["discount_factor"]
        return frame

    def line_frame(self) -> pd.DataFrame:
        """Gross yearly amount of every line (including memo volunteer lines), euro."""
        import pandas as pd

        m = self.model
        gross = self.flows.gross[0]
        frame = pd.DataFrame(gross, columns=m.years, index=[ln.id for ln in m.lines])
        frame.index.name = "line"
        return frame

    def yearly_frame(self) -> pd.DataFrame:
        """Per year: costs, benefits, net flow, discount factor, discounted and cumulative net flow."""
        import pandas as pd

        posted = self.flows.posted[0][~self.model.posting_transfer]
        df = self.flows.discount[0]
        net = self.figs.net_flows[0]
        return pd.DataFrame(
            {
                "year": self.model.years,
                "costs": np.maximum(-posted, 0).sum(axis=0),  # +0.0 in a year without costs, not -0.0
                "benefits": np.maximum(posted, 0).sum(axis=0),
                "net_flow": net,
                "discount_factor": df,
                "discounted_net_flow": net * df,
                "cumulative_discounted": np.cumsum(net * df),
            }
        )

    @property
    def provenance(self) -> dict:
        """Where the result came from, so that it can be reproduced (``provenance`` of the JSON).

        ``pricelist`` (``name``, ``version``, ``sha256``), ``scenario`` (``name``, ``sha256``,
        ``file``; for a variant also ``based_on_sha256`` and its ``changes``), ``price_year``,
        ``discount_rate`` (a fraction per year), ``base_year``, ``price_index`` (its name),
        ``assumed_inflation`` (a fraction per year; only when one was stated), ``defaults_used``
        (:attr:`Model.defaults`) and ``mkba_version``.

        Examples
        --------
        >>> import mkba
        >>> provenance = mkba.evaluate("scenarios/tutorial.yaml").provenance
        >>> provenance["pricelist"]["version"], provenance["price_index"], provenance["base_year"]
        ('2024.1', 'cbs-cpi', 2025)
        """
        pl = self.model.pricelist
        return {
            "pricelist": {"name": pl.name, "version": pl.version, "sha256": pl.sha256},
            "scenario": {
                "name": self.scenario.name,
                "sha256": self.scenario.sha256,
                "file": self.scenario.file,
                **(
                    {
                        "based_on_sha256": self.scenario.based_on_sha256,
                        "changes": [c.to_dict() for c in self.scenario.changes],
                    }
                    if self.scenario.based_on_sha256
                    else {}
                ),
            },
            "price_year": self.price_year,
            "discount_rate": self.discount_rate,
            "base_year": self.model.base_year,
            "price_index": self.model.index_name,
            # a stated assumption changes the figures: recorded so that the result can be reproduced
            **(
                {"assumed_inflation": self.model.assumed_inflation}
                if self.model.assumed_inflation is not None
                else {}
            ),
            "defaults_used": dict(self.model.defaults),
            "mkba_version": mkba_version(),
        }

    def summary(self) -> dict:
        """The headline figures (euro, fractions, years) as plain Python values."""
        return {
            name: getattr(self, name)
            for name in (
                "pv_costs",
                "pv_benefits",
                "npv",
                "bcr",
                "net_return",
                "payback_year",
                "irr",
                "volunteer_value_pv",
            )
        }

    def to_dict(self) -> dict:
        """Everything ``mkba run --json`` writes."""
        out = self.summary()
        out["irr_reason"] = self.irr_reason or None
        out["stakeholders"] = {
            row["stakeholder"]: {
                "pv_costs": row["pv_costs"],
                "pv_benefits": row["pv_benefits"],
                "npv": row["npv"],
                "public": row["public"],
            }
            for row in self.stakeholder_rows()
        }
        out["fiscal"] = {
            "pv_costs": self.fiscal_pv_costs,
            "pv_benefits": self.fiscal_pv_benefits,
            "npv": self.fiscal_npv,
        }
        out["lines"] = [
            {k: r[k] for k in ("id", "kind", "label", "stakeholder", "pv", "transfer", "memo")}
            for r in self.line_rows()
        ]
        out["pm"] = self.pm_rows()
        out["years"] = self.years
        out["net_flows"] = self.net_flows
        out["provenance"] = self.provenance
        out.update(self.extra)
        return out

    def to_json(self, path: str | Path | None = None) -> str:
        """:meth:`to_dict` as JSON text (indented; NaN refused), and written to ``path`` when given.

        Parameters
        ----------
        path : str or Path, optional
            A file to write the text to (UTF-8, with a final newline), atomically: an earlier file
            there is replaced whole or not at all. Default: nothing is written.

        Returns
        -------
        str
            The JSON text (without the final newline); money in euro of :attr:`price_year`.

        Raises
        ------
        MkbaError
            Naming the file, before anything is computed, when ``path`` is not a file name ending in
            ``.json``, is a file this result was computed from (:meth:`input_files`: "is also an input
            of this result"), is a folder, or its folder does not exist; and when it cannot be written.

        Examples
        --------
        >>> import json
        >>> import mkba
        >>> result = mkba.evaluate("scenarios/tutorial.yaml")
        >>> json.loads(result.to_json())["npv"] == result.npv
        True
        """
        if path is not None:
            path = self._check_output(path, "json")
        text = json_text(self.to_dict())
        if path is not None:
            from mkba.io.files import write_text_atomic

            write_text_atomic(path, text + "\n")
        return text

    def to_excel(
        self, path: str | Path, lang: str | None = None, *, analysis: dict | None = None, sib=None
    ) -> Path:
        """Write the auditable workbook (see :mod:`mkba.report.excel.workbook`).

        Every figure in it is a live formula over the inputs (euro of :attr:`price_year`).

        Parameters
        ----------
        path : str or Path
            The ``.xlsx`` file to write (atomically); its folder must exist.
        lang : {'nl', 'en'}, optional
            Language of sheet names and labels; default: the result's :attr:`lang`.
        analysis : dict, optional
            ``tornado``, ``simulation`` and ``break_even`` results, for the *Gevoeligheid* sheet;
            default: what :attr:`extra` holds of them (no sheet without any).
        sib : mkba.sib.SibResult, optional
            The SIB at an outcome level, for the *SIB* sheet; default: the scenario's ``sib:``
            section at its expected levels (no sheet without one).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        MkbaError
            Naming the file, before any work, when ``path`` is not a file name ending in ``.xlsx``,
            is a file this result was computed from (:meth:`input_files`: "is also an input of this
            result"), is a folder, or its folder does not exist; and when it cannot be written. With
            field ``lang``, when ``lang`` is not 'nl' or 'en'.
        """
        from mkba.report.excel.workbook import write_workbook

        lang = self.lang if lang is None else check_lang(lang)
        path = self._check_output(path, "xlsx")
        return write_workbook(self, path, lang=lang, analysis=analysis, sib=sib)

    def input_files(self) -> list[Path]:
        """The files this result was computed from, which none of its outputs may replace.

        :func:`scenario_input_files` of its scenario's file and the price list it was valued on:
        the scenario (for a variant made with :meth:`~mkba.scenario.model.Scenario.with_changes`,
        the file it was made from), the price list's file with every list of its ``extends``
        chain, the price index, and the price-list folders (:attr:`folders`, ``MKBA_PRICELISTS``
        and the bundled lists), in which no existing list is replaced.

        Returns
        -------
        list of Path
            What the command line refuses as an output for the same run.

        Examples
        --------
        >>> import mkba
        >>> files = mkba.evaluate("scenarios/tutorial.yaml").input_files()
        >>> [p.name for p in files if p.suffix == ".yaml"]
        ['tutorial.yaml', '2024.1.yaml', 'cbs-cpi.yaml']
        """
        if self._inputs is None:
            pl = self.model.pricelist
            found = scenario_input_files(self.scenario.file, pl.path or pl.ref, folders=self.folders)
            base = self.scenario.based_on_file  # a project's variant: the alternative it is based on
            if base is not None and base != "<dict>" and Path(base) not in found:
                found.insert(1, Path(base))
            self._inputs = found
        return list(self._inputs)

    def _check_output(self, path: Any, fmt: str) -> Path:
        """Check a file to write this result to, before any work: as the command line checks its outputs.

        Raises
        ------
        MkbaError
            Field ``path``: not a file name; an input of this result (:meth:`input_files`), a
            folder, a folder that does not exist (:func:`mkba.io.files.check_output`); a suffix
            that is not the format's (:func:`mkba.io.files.check_format`).
        """
        return checked_output(path, fmt, self.input_files, "this result")

    # -- display: thin forwarders to mkba.report, as DataFrame.to_excel forwards to pandas.io ----
    def __repr__(self) -> str:
        from mkba.report.text import render_text

        return render_text(self)

    def _repr_html_(self) -> str:
        from mkba.report.text import render_html

        return render_html(self)


def checked_output(path: Any, fmt: str, inputs: Callable[[], list[Path]], reader: str) -> Path:
    """A file to write a result to, checked before any work as the command line checks its outputs.

    Parameters
    ----------
    path : str or Path
        The file to write.
    fmt : str
        Its format (``"json"``, ``"xlsx"``): the suffix it must have (:func:`mkba.io.files.check_format`).
    inputs : callable
        The files the result was computed from (asked only for a file name).
    reader : str
        Whose inputs they are, for the message (``"this result"``, ``"this project"``).

    Returns
    -------
    Path

    Raises
    ------
    MkbaError
        Field ``path``: not a file name; one of ``inputs``, a folder, a folder that does not exist
        (:func:`mkba.io.files.check_output`); a suffix that is not the format's.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise MkbaError(f"expected a file name (a str or Path), got {_given(path)}", field="path")
    path = Path(path)
    check_output(path, inputs=inputs(), option="path", reader=reader)
    return check_format(path, fmt, "path")


def json_text(data: dict[str, Any]) -> str:
    """A result's dict as mkba writes JSON: indented, NaN refused, numpy numbers and distributions plain."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=_json_default)


def _json_default(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return _none_if_nan(float(obj))
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, pydantic.BaseModel):  # a distribution given to with_changes: as the file writes it
        return obj.model_dump(mode="json", by_alias=True, exclude_none=True)
    raise TypeError(type(obj))


def _given(value: Any) -> str:
    """What a caller gave, for a message: ``int 5``, ``str '2024'``."""
    return f"{type(value).__name__} {value!r}"


def check_lang(lang: Any) -> str:
    """The language of labels, ``'nl'`` or ``'en'``, as the command line's ``--lang`` takes it.

    Parameters
    ----------
    lang : str
        The language asked for.

    Returns
    -------
    str
        ``'nl'`` or ``'en'``.

    Raises
    ------
    MkbaError
        Field ``lang``, for anything else (``'fr'``, ``'NL'``, None).

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if isinstance(lang, str) and lang in ("nl", "en"):
        return str(lang)
    raise MkbaError(f"expected 'nl' or 'en', got {lang!r}", field="lang")


def _check_arguments(scenario: Any, pricelist: Any, index: Any) -> None:
    """Refuse arguments of :func:`evaluate` of the wrong type, naming the argument.

    (``price_year`` and ``discount_rate`` are checked where every evaluation takes them:
    :func:`mkba.engine.model.run_settings`.)

    Raises
    ------
    MkbaError
        With the argument as its field.
    """
    if not isinstance(scenario, (str, os.PathLike, dict, Document, Scenario)):
        raise MkbaError(
            f"expected a Scenario (mkba.load_scenario), a scenario file's path, or a scenario's content as a "
            f"dict; got {_given(scenario)}",
            field="scenario",
        )
    if pricelist is not None and not isinstance(pricelist, (str, os.PathLike, PriceList)):
        raise MkbaError(
            f"expected a price list's name (name@version), its file's path or a PriceList; got {_given(pricelist)}",
            field="pricelist",
        )
    if index is not None and not isinstance(index, PriceIndex):
        raise MkbaError(
            f"expected a PriceIndex (mkba.load_index, mkba.default_index); got {_given(index)}", field="index"
        )


def scenario_input_files(
    source: str | Path | None,
    pricelist: str | Path | None = None,
    *,
    named: str | None = None,
    folders: Iterable[str | Path] = (),
) -> list[Path]:
    """The files (and price-list folders) evaluating a scenario reads, so that no output overwrites one.

    The one place of that rule: :meth:`Result.input_files` and the command line
    (:func:`mkba.cli.common.input_files`) refuse an output among them
    (:func:`mkba.io.files.check_output`).

    Parameters
    ----------
    source : str or Path, optional
        The scenario's file (None for a scenario given as a dict).
    pricelist : str or Path, optional
        The price list in use (``name@version`` or a file), when the caller gives it.
    named : str, optional
        Else the ``pricelist`` the scenario names (a relative file is taken beside ``source``); else
        the bundled default list.
    folders : iterable of path
        Extra folders of price lists.

    Returns
    -------
    list of Path
        ``source``; the price-list folders (``folders``, ``MKBA_PRICELISTS``, the bundled lists), in
        which :func:`mkba.io.files.check_output` replaces no existing list; the price list's file with
        every list of its ``extends`` chain and the price index
        (:meth:`mkba.pricelist.registry.Registry.files_of`).

    Examples
    --------
    >>> [p.name for p in scenario_input_files("scenarios/tutorial.yaml", "nl-sociaal-domein@2024.1")]
    ['tutorial.yaml', 'pricelists', '2024.1.yaml', 'cbs-cpi.yaml']
    """
    registry = Registry(folders)
    found = [*([Path(source)] if source is not None else []), *registry.folders]
    if pricelist is not None:
        return found + registry.files_of(pricelist)
    return found + named_pricelist_files(registry, named, None if source is None else Path(source))


def named_pricelist_files(registry: Registry, ref: str | None, named_in: Path | None) -> list[Path]:
    """The files of the price list that ``named_in`` (a scenario or project file) names, wherever it is read.

    :meth:`~mkba.pricelist.registry.Registry.files_of` of ``ref`` (None: the bundled default); a
    relative file is taken both beside ``named_in`` (where the loader reads it) and in the current
    folder (where a reader may think it is read), so that neither is overwritten.

    Parameters
    ----------
    registry : Registry
        Where lists are found by name.
    ref : str, optional
        The ``pricelist`` as written in ``named_in``.
    named_in : Path, optional
        The file that names it (None for a scenario given as a dict).

    Returns
    -------
    list of Path
    """
    if ref and named_in is not None and looks_like_path(ref) and not Path(ref).is_absolute():
        return registry.files_of(named_in.parent / ref) + registry.files_of(ref)
    return registry.files_of(ref)


def scenario_pricelist(
    scenario: Scenario,
    pricelist: str | Path | PriceList | None = None,
    *,
    folders: Iterable[str | Path] = (),
    index: PriceIndex | None = None,
) -> PriceList:
    """The price list a scenario is valued on: ``pricelist``, else the one it names, else the default.

    The one place that loads the list a scenario (or a project, for all its alternatives) names:
    :func:`evaluate`, :meth:`mkba.project.Project.load_pricelist` and ``mkba check`` use it, so a
    list that cannot be used is reported alike by each.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario; its ``pricelist`` (a relative file is read beside the file that names it).
    pricelist : str, path or PriceList, optional
        A list given by the caller instead (``name@version``, a file, or a loaded list).
    folders : sequence of path
        Extra folders of price lists, searched before the bundled ones.
    index : PriceIndex, optional
        The index price years are checked against (default: the bundled CBS CPI).

    Returns
    -------
    PriceList
        Amounts in euro per unit, each in its item's own price year.

    Raises
    ------
    MkbaError
        A list the scenario names that cannot be loaded: at the line of its ``pricelist`` (in the
        project file, for a list a project sets for all its alternatives), field ``pricelist``,
        with the list's own message (and its file and line, when the problem is inside the list);
        a list given as ``pricelist`` that cannot be loaded, as :func:`mkba.load_pricelist`.

    Examples
    --------
    >>> import mkba
    >>> from mkba.result import scenario_pricelist
    >>> scenario_pricelist(mkba.load_scenario("scenarios/tutorial.yaml"))
    PriceList('nl-sociaal-domein@2024.1', 70 items)
    """
    index = scenario.price_index(index)
    if pricelist is not None or scenario.pricelist is None:
        try:
            return load_pricelist(pricelist, folders=folders, index=index)
        except MkbaError as exc:  # the caller's argument (--pricelist): say it is the one
            if pricelist is not None and exc.file is None and exc.field is None:
                exc.field = "pricelist"
            raise
    try:
        return load_pricelist(scenario.pricelist_ref, folders=folders, index=index)
    except MkbaError as exc:  # the scenario names the list: say which scenario, and where
        said = scenario.error(f"the price list {scenario.pricelist!r} cannot be used: {exc}", ("pricelist",))
        if exc.file is not None and said.file is not None and same_file(exc.file, said.file):
            raise  # already said in the file that names the list (its pricelist line, or its format)
        raise said from None


def evaluate(
    scenario: str | Path | dict | Scenario,
    pricelist: str | Path | PriceList | None = None,
    *,
    price_year: int | None = None,
    discount_rate: float | None = None,
    index: PriceIndex | None = None,
    lang: str = "nl",
    folders=(),
) -> Result:
    """Evaluate a scenario: the point result of docs/method.md, sections 1-5.

    Every uncertain input is taken at its mean; :mod:`mkba.uncertainty` draws them instead.

    Parameters
    ----------
    scenario : path, dict or Scenario
        The scenario file, its content as a dict, or a loaded scenario.
    pricelist : str, path or PriceList, optional
        ``name@version``, a file, or a loaded list. Default: the scenario's
        ``pricelist``, else the bundled default list (newest version).
    price_year : int, optional
        Override the scenario's price year (the year whose euros the result is in) for this run.
    discount_rate : float, optional
        Override the scenario's real discount rate for this run, a fraction per year (0.0225 is
        2.25 %, the Dutch standard since 2021).
    index : PriceIndex, optional
        The price index that brings amounts to the price year (default: the bundled CBS CPI).
    lang : {'nl', 'en'}
        Language of labels in tables and reports.
    folders : path or sequence of path
        Extra folders of price lists, searched before the bundled ones.

    Returns
    -------
    Result
        Figures (euro, fractions, years), tables and provenance.

    Raises
    ------
    MkbaError
        Naming the file, line and field of what is wrong in the scenario or the price list. Naming
        the argument as its field, before anything is read: ``scenario`` that is not a Scenario, a
        path or a dict; ``pricelist`` that is not a name, a path or a PriceList; ``index`` that is
        not a PriceIndex; ``price_year`` that is not an int (a bool neither); ``discount_rate``
        that is not a real number (a bool or a str neither); ``lang`` other than 'nl' or 'en'.
        Numpy integers and floats are taken as numbers.

    Examples
    --------
    >>> import mkba
    >>> result = mkba.evaluate("scenarios/tutorial.yaml", discount_rate=0.03)
    >>> result.discount_rate
    0.03
    >>> sorted(result.summary())[:3]
    ['bcr', 'irr', 'net_return']
    """
    _check_arguments(scenario, pricelist, index)
    price_year, discount_rate = run_settings(price_year, discount_rate)  # before any file is read
    lang = check_lang(lang)
    folders = price_list_folders(folders)  # one folder or several, each an existing folder
    scenario = load_scenario(scenario)
    pl = scenario_pricelist(scenario, pricelist, folders=folders, index=index)  # each asks price_index
    model = compile_scenario(scenario, pl, index=index, price_year=price_year, discount_rate=discount_rate)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported just below
        flows = model.evaluate()
        figs = figures(model, flows)
    if not all(np.isfinite(getattr(figs, name)).all() for name in ("pv_costs", "pv_benefits", "npv")):
        message = (
            f"the figures overflow: a discount rate of {float(model.base[model.discount_col]):g} with base "
            f"year {model.base_year} over {model.years[0]}-{model.years[-1]} gives discount factors beyond "
            "what a computer number holds; check discount_rate and base_year"
        )
        if discount_rate is not None:  # the caller's rate (--discount-rate)
            raise MkbaError(message, field="discount_rate")
        raise scenario.error(message, ("discount_rate",))  # the scenario's own: at its line
    return Result(model, flows, figs, lang=lang, folders=folders)
