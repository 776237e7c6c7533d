"""The input sheets of the Excel workbook (:mod:`mkba.report.excel.workbook`): *Index*, *Uitgangspunten*, *Prijslijst*.

Every input becomes a named cell (discount rate, base year, price year,
participants per year, stakeholders, each line's parameters); a distribution
is written as its mean with its description. The *Prijslijst* sheet gives the
price items used and their indexed amount as a formula over the *Index* sheet
(docs/method.md, section 1).

:func:`write_input_sheets` writes the three sheets and returns what the later
sheets' formulas need, the defined names, as one :class:`Inputs` value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, SupportsFloat

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mkba.pricelist.units import conversion_factor
from mkba.report.excel.cells import (
    EURO,
    FACTOR,
    MAX_WIDTH,
    NUMBER,
    PERCENT,
    YEAR,
    Context,
    InputCell,
    Rows,
    index_lookup,
    write_header,
    write_title,
)
from mkba.report.excel.fit import fit_header, wrap_columns, wrap_rows
from mkba.report.excel.printing import wrap_titles
from mkba.report.numbers import number
from mkba.report.text import public_text
from mkba.report.vocabulary import default_reason, kind_name, label, unit_name
from mkba.scenario.distributions import _Dist
from mkba.scenario.model import CostLine, EffectLine, VolunteerLine

if TYPE_CHECKING:
    from mkba.engine.model import Line, Model
    from mkba.pricelist.items import PriceItem

#: A value written in a parameter row: a number, a text, or None (shown as 'n.v.t.').
Value = SupportsFloat | str | None

#: Where the line parameters start on the *Uitgangspunten* sheet, after the last general table.
_GAP = 2


@dataclass(frozen=True)
class Inputs:
    """What the input sheets defined, for the formulas of the *Kasstromen* and *Samenvatting* sheets.

    Attributes
    ----------
    input_names : mapping
        Model input column to the defined name of its cell.
    cells : mapping
        Model input name (``effects.x.success``) to (sheet title, cell, defined name).
    participant_names : tuple of str
        Defined name of the new participants of each year of the horizon.
    public_names : mapping
        Stakeholder to the defined name of its public flag (1 = public).
    item_indexed : mapping
        Price item id to the defined name of its indexed amount (euro, in the result's price year).
    line_names : mapping
        Line id to its parameters' defined names (``success``, ``first_year``, ``index_factor``, ...).
    line_constant : mapping
        Line id to what the workbook's formulas multiply besides the inputs (index and unit factors).
    """

    input_names: Mapping[int, str]
    cells: Mapping[str, InputCell]
    participant_names: tuple[str, ...]
    public_names: Mapping[str, str]
    item_indexed: Mapping[str, str]
    line_names: Mapping[str, Mapping[str, str]]
    line_constant: Mapping[str, float]


def write_input_sheets(ctx: Context, wb: Workbook, sheets: Mapping[str, Worksheet]) -> Inputs:
    """Write the *Index*, *Uitgangspunten* and *Prijslijst* sheets; return their defined names.

    Parameters
    ----------
    ctx : Context
        The workbook's context (result, language, price index, safe writers).
    wb : Workbook
        The workbook (for defined names).
    sheets : mapping
        Sheet key (``index``, ``inputs``, ``prices``) to its worksheet.

    Returns
    -------
    Inputs
        The defined names the formulas of the later sheets use.
    """
    write_index_sheet(ctx, wb, sheets["index"])
    general = _write_general(ctx, wb, sheets["inputs"])
    prices = write_price_sheet(ctx, wb, sheets["prices"])
    lines = _write_lines(ctx, wb, sheets["inputs"], general.last_row + _GAP)
    # narrow text columns whose long texts (a label, a distribution in words) wrap: nothing is cut
    # off by the column to its right, and the sheet prints landscape at a readable size
    wrap_columns(ctx, sheets["inputs"], _INPUT_WIDTHS, 3)
    # the last header ("Veld in het bestand") wraps at word breaks: it ran past the printed columns
    fit_header(ctx, sheets["inputs"], general.last_row + _GAP + 1, [6])
    parts = (general.named, prices.named, lines.named)
    return Inputs(
        input_names={j: name for part in parts for j, name in part.input_names.items()},
        cells={key: cell for part in parts for key, cell in part.cells.items()},
        participant_names=general.participant_names,
        public_names=general.public_names,
        item_indexed=prices.item_indexed,
        line_names=lines.names,
        line_constant=lines.constant,
    )


# -- the rows of named parameters -------------------------------------------------------------------
def _describe(value: float | _Dist, lang: str = "nl") -> str:
    """A distribution in the reader's words and notation, and its mean.

    Examples
    --------
    >>> from mkba.scenario.distributions import Uniform
    >>> _describe(Uniform(dist="uniform", low=0.5, high=0.75))
    'uniform tussen 0,50 en 0,75; gemiddelde 0,625'
    >>> _describe(Uniform(dist="uniform", low=0.5, high=0.75), "en")
    'uniform between 0.50 and 0.75; mean 0.625'
    """
    if not isinstance(value, _Dist):
        return _plain(value, lang)
    params = {k: v for k, v in value.model_dump().items() if k != "dist" and v is not None}
    words = _dist_words(value.dist, params, lang)
    return f"{words}; {label('unc_mean', lang).lower()} {_plain(value.mean, lang)}"


def _dist_words(dist: str, params: Mapping[str, object], lang: str) -> str:
    """The parameters of a distribution ``dist`` as words (``laag 0,1, meest waarschijnlijk 0,2, ...``)."""
    key = f"xl_dist_{dist}"
    template = label(key, lang)
    numbers = {k: v for k, v in params.items() if isinstance(v, (int, float))}
    if template == key or any(f"{{{k}}}" not in template for k in numbers if k != "mean_"):
        inner = ", ".join(f"{k} {_plain(v, lang)}" for k, v in numbers.items())  # unknown: as it is written
        return f"{dist}: {inner}" if inner else dist
    keys: list[str] = [k for k in ("low", "mode", "high") if k in numbers]
    shown: dict[str, str] = dict(zip(keys, _same_decimals([float(numbers[k]) for k in keys], lang)))
    shown |= {k.rstrip("_"): _plain(float(v), lang) for k, v in numbers.items() if k not in shown}
    text = template.format(**shown)
    clip = params.get("clip")
    if isinstance(clip, (tuple, list)) and len(clip) == 2:
        low, high = _same_decimals([float(clip[0]), float(clip[1])], lang)
        text += label("xl_dist_clip", lang).format(low=low, high=high)
    return text


def _same_decimals(values: list[float], lang: str) -> list[str]:
    """``values`` in the reader's notation, all with as many decimals as the one that needs most (up to 4)."""
    decimals = max((len(f"{v:.4f}".rstrip("0").partition(".")[2]) for v in values), default=0)
    return [number(v, lang, decimals) for v in values]


def _plain(x: float | None, lang: str) -> str:
    """A number in the reader's notation with up to four decimals: ``7.426,5`` or ``7,426.5``."""
    text = number(x, lang, 4)
    return text.rstrip("0").rstrip(",.") if ("," in text if lang != "en" else "." in text) else text


def _mean_of(ctx: Context, value: float | _Dist) -> str:
    """A distribution's description, marked as the mean of it (what the cell holds)."""
    return _describe(value, ctx.lang) + f" ({ctx.label('xl_mean_of')})"


@dataclass(frozen=True)
class Named:
    """The model inputs one writer put in named cells.

    Attributes
    ----------
    input_names : mapping
        Model input column to the defined name of its cell.
    cells : mapping
        Model input name to (sheet title, cell, defined name).
    """

    input_names: Mapping[int, str]
    cells: Mapping[str, InputCell]


@dataclass
class _Params:
    """Rows ``part | parameter | value | explanation | defined name`` of one writer, and the inputs they name."""

    ctx: Context
    wb: Workbook
    ws: Worksheet
    rows: Rows
    input_names: dict[int, str] = field(default_factory=dict)
    cells: dict[str, InputCell] = field(default_factory=dict)

    def put(
        self,
        part: str,
        param: str,
        value: Value,
        fmt: str | None,
        *,
        name: str | None = None,
        note: object = "",
        formula: str | None = None,
        is_input: bool = False,
        input_col: int | None = None,
        field: str | None = None,
    ) -> str | None:
        """Write one parameter row; returns the defined name of its value (C) when ``name`` is given.

        With ``field`` (a table with that column), the key of the file the parameter comes from, in F.
        """
        ctx, ws = self.ctx, self.ws
        r = self.rows.next()
        ctx.text(ws, r, 1, part)
        ctx.text(ws, r, 2, param)
        if field is not None:
            ctx.text(ws, r, 6, field)
        if formula is not None:
            ctx.formula(ws, r, 3, formula, fmt)
        elif value is None or isinstance(value, str):
            ctx.text(ws, r, 3, value)
        else:
            ctx.number(ws, r, 3, value, fmt, is_input=is_input)
        ctx.text(ws, r, 4, note)
        if name is None:
            ctx.text(ws, r, 5, "")
            return None
        used = self.name(r, name, input_col)
        ctx.text(ws, r, 5, used)
        return used

    def name(self, r: int, name: str, input_col: int | None = None, col: str = "C") -> str:
        """Define ``name`` for the cell in column ``col`` of row ``r``; record it as the input ``input_col``'s."""
        used = self.ctx.define(self.wb, name, self.ws, f"{col}{r}")
        if input_col is not None:
            self.input_names[input_col] = used
            self.cells[self.ctx.result.model.inputs[input_col].name] = (self.ws.title, f"{col}{r}", used)
        return used

    def named(self) -> Named:
        """The inputs named so far, as a value."""
        return Named(dict(self.input_names), dict(self.cells))


# -- Index ----------------------------------------------------------------------------------------
def write_index_sheet(ctx: Context, wb: Workbook, ws: Worksheet) -> None:
    """The *Index* sheet: the price index series, named ``idx_year`` and ``idx_value``.

    Years the series lacks but the scenario needs are formulas over the
    assumed inflation (docs/method.md, section 1).
    """
    idx = ctx.index
    needed = _needed_years(ctx)
    first, last = min(idx.first_year, *needed), max(idx.last_year, *needed)
    write_title(ctx, ws, f"{ctx.label('xl_price_index')}: {index_title(ctx, idx.name)}")
    ctx.widths[(ws.title, 1)] = 0  # the title runs on over the empty cells to its right
    head = 3
    write_header(ctx, ws, head, ["year", "xl_index_value", "xl_explanation"])
    row = head
    for year in range(first, last + 1):
        row += 1
        ctx.number(ws, row, 1, year, YEAR)
        if idx.first_year <= year <= idx.last_year:
            ctx.number(ws, row, 2, float(idx.level(year)), "0.00##", is_input=True)
            ctx.text(ws, row, 3, idx.name)
        elif year > idx.last_year:
            ctx.formula(ws, row, 2, f"=B{row - 1}*(1+assumed_inflation)", "0.00##")
            ctx.text(ws, row, 3, ctx.label("xl_assumed"))
        # years before the series are written below, from its first year backwards
    for year in range(idx.first_year - 1, first - 1, -1):
        r = head + 1 + (year - first)
        ctx.formula(ws, r, 2, f"=B{r + 1}/(1+assumed_inflation)", "0.00##")
        ctx.text(ws, r, 3, ctx.label("xl_assumed"))
    ctx.table(ws, head, row, 1, 3, "Index")
    ctx.define(wb, "idx_year", ws, f"A{head + 1}:A{row}")
    ctx.define(wb, "idx_value", ws, f"B{head + 1}:B{row}")
    _index_source(ctx, ws, head)
    ws.freeze_panes = f"A{head + 1}"


def index_title(ctx: Context, index_id: str) -> str:
    """How a reader knows the price index ``index_id``: its title (``CBS consumentenprijsindex (CPI)``).

    The report's name for it (``rp_index_<id>``), else the title the index file gives when it is the
    workbook's index, else the id.
    """
    key = f"rp_index_{index_id}"
    known = ctx.label(key)
    if known != key:
        return known
    meta = ctx.index.meta if ctx.index.name == index_id else None
    if meta is None:
        return index_id
    return (meta.title_en if ctx.lang == "en" and meta.title_en else meta.title) or index_id


def _needed_years(ctx: Context) -> set[int]:
    """Every price year the workbook looks up on the *Index* sheet."""
    m = ctx.result.model
    s = m.scenario
    needed = {m.price_year, _stated_price_year(ctx), *(it.price_year for it in _items(m).values())}
    own_prices = [
        *(cost.price_year for cost in s.costs),
        *(v.value.price_year for v in s.volunteers if not isinstance(v.value, str)),
        *(effect.price.price_year for effect in s.effects if effect.price is not None),
    ]
    return needed | {year for year in own_prices if year is not None}


def _index_source(ctx: Context, ws: Worksheet, head: int) -> None:
    """The index's name and source, beside its series (columns E and F)."""
    idx = ctx.index
    info: list[tuple[str, str | None]] = [("xl_price_index", idx.name)]
    meta = idx.meta
    if meta is not None:
        info += [
            ("xl_label", meta.title),
            ("xl_source", meta.source.title),
            ("xl_url", meta.source.url),
            ("xl_where", meta.source.where),
        ]
    for i, (key, value) in enumerate(info):
        ctx.text(ws, head + i, 5, ctx.label(key), bold=True)
        ctx.text(ws, head + i, 6, public_text(value) if key == "xl_where" else value)
    wrap_rows(ctx, ws, range(head, head + len(info)), [6])  # a long source text wraps within its column


def _stated_price_year(ctx: Context) -> int:
    """The price year of amounts the scenario states without one.

    The scenario's own price year, also when the run reports in another (an
    override), else the index's newest year (docs/formats.md, section "Scenario").
    """
    s = ctx.result.model.scenario
    return s.price_year if s.price_year is not None else ctx.index.last_year


def _items(m: Model) -> dict[str, PriceItem]:
    """The price items the scenario uses, in the order its lines first use them."""
    used = {}
    lines: list[CostLine | EffectLine] = [*m.scenario.costs, *m.scenario.effects]
    for line in lines:
        if line.item is not None:
            used[line.item] = m.pricelist.items[line.item]
    for volunteer in m.scenario.volunteers:
        if isinstance(volunteer.value, str):
            used[volunteer.value] = m.pricelist.items[volunteer.value]
    return used


# -- Uitgangspunten: general, participants, stakeholders ------------------------------------------
@dataclass(frozen=True)
class _General:
    """What the general part of *Uitgangspunten* defined, and the row it ended on."""

    last_row: int
    named: Named
    participant_names: tuple[str, ...]
    public_names: Mapping[str, str]


def _write_general(ctx: Context, wb: Workbook, ws: Worksheet) -> _General:
    """The general inputs, the participants per year and the stakeholders of the *Uitgangspunten* sheet."""
    s = ctx.result.model.scenario
    write_title(ctx, ws, f"{ctx.label('xl_sheet_inputs')}: {s.name}", ctx.label("xl_note_inputs"))
    params = _Params(ctx, wb, ws, Rows(4))
    _general_table(params)
    participants = _participants_table(params)
    public = _stakeholders_table(params)
    return _General(params.rows.row, params.named(), participants, public)


def _general_table(p: _Params) -> None:
    ctx, ws, m = p.ctx, p.ws, p.ctx.result.model
    s = m.scenario
    write_header(ctx, ws, p.rows.row, ["xl_part", "xl_parameter", "xl_value", "xl_explanation", "xl_name"])
    start = p.rows.row
    part = ctx.label("xl_general")
    p.put(part, ctx.label("xl_scenario_name"), s.name, None)
    p.put(part, ctx.label("xl_start_year"), s.start_year, YEAR, name="start_year")
    p.put(part, ctx.label("xl_horizon"), s.horizon, YEAR, name="horizon")
    p.put(part, ctx.label("xl_end_year"), None, YEAR, name="end_year", formula="=start_year+horizon-1")
    for key in ("base_year", "price_year"):
        value = m.base_year if key == "base_year" else m.price_year
        note = default_reason(m.used_defaults[key], ctx.lang) if key in m.used_defaults else ""
        p.put(part, ctx.label(key), value, YEAR, name=key, note=note, is_input=True)
    rate = m.inputs[m.discount_col]
    default = m.used_defaults.get("discount_rate")
    note = (
        _mean_of(ctx, rate.value) if rate.uncertain else default_reason(default, ctx.lang) if default else ""
    )
    p.put(
        part,
        ctx.label("discount_rate").capitalize(),
        rate.base,
        PERCENT,
        name="discount_rate",
        note=note,
        is_input=True,
        input_col=m.discount_col,
    )
    if ctx.index.assumed_inflation is not None:
        inflation = float(ctx.index.assumed_inflation)
        p.put(
            part,
            ctx.label("xl_assumed_inflation"),
            inflation,
            PERCENT,
            name="assumed_inflation",
            is_input=True,
        )
    p.put(part, ctx.label("xl_price_index"), index_title(ctx, m.index_name), None)
    p.put(part, ctx.label("pricelist"), m.pricelist.ref, None)
    ctx.table(ws, start, p.rows.row, 1, 5, "Algemeen")


def _participants_table(p: _Params) -> tuple[str, ...]:
    """One named cell per year of the horizon (0 where the scenario has no new participants)."""
    ctx, ws, m = p.ctx, p.ws, p.ctx.result.model
    start = p.rows.next(_GAP)
    write_header(ctx, ws, start, ["year", "xl_participants", "xl_value", "xl_explanation", "xl_name"])
    names = []
    for year in m.years.tolist():
        r = p.rows.next()
        col = m.participant_cols.get(year)
        ctx.number(ws, r, 1, year, YEAR)
        ctx.text(ws, r, 2, ctx.label("xl_participants"))
        ctx.number(ws, r, 3, m.inputs[col].base if col is not None else 0.0, NUMBER, is_input=True)
        uncertain = col is not None and m.inputs[col].uncertain
        ctx.text(ws, r, 4, _mean_of(ctx, m.inputs[col].value) if col is not None and uncertain else "")
        used = p.name(r, f"participants_{year}", col)
        ctx.text(ws, r, 5, used)
        names.append(used)
    ctx.table(ws, start, p.rows.row, 1, 5, "Deelnemers")
    return tuple(names)


def _stakeholders_table(p: _Params) -> dict[str, str]:
    """Each stakeholder and whether it is public (a named input, 1 = public)."""
    ctx, ws, m = p.ctx, p.ws, p.ctx.result.model
    start = p.rows.next(_GAP)
    write_header(ctx, ws, start, ["stakeholder", "xl_parameter", "xl_public_flag", "xl_id", "xl_name"])
    names = {}
    for k, name in enumerate(m.stakeholders):
        r = p.rows.next()
        spec = m.scenario.stakeholders.get(name)
        text = None if spec is None else (spec.label_en if ctx.lang == "en" and spec.label_en else spec.label)
        ctx.text(ws, r, 1, text or name)  # the reader's name; its id in its own column (D)
        ctx.text(ws, r, 2, ctx.label("public"))
        ctx.number(ws, r, 3, int(bool(m.public[k])), "0", is_input=True)
        ctx.text(ws, r, 4, name)
        names[name] = p.name(r, f"public_{name}")
        ctx.text(ws, r, 5, names[name])  # the defined name in E, as in the tables above and below
    ctx.table(ws, start, p.rows.row, 1, 5, "Partijen")
    return names


# -- Prijslijst -----------------------------------------------------------------------------------
_PRICE_KEYS = (
    "xl_item",
    "xl_label",
    "xl_unit",
    "xl_amount",
    "xl_item_price_year",
    "xl_index_item",
    "xl_index_target",
    "xl_index_factor",
    "xl_indexed",
    "xl_payer",
    "xl_nature",
    "xl_recipient",
    "xl_confidence",
    "xl_source",
    "xl_url",
    "xl_where",
    "xl_uncertainty",
    "xl_origin",
    "xl_name",
)


#: The widest (characters) each column of the *Prijslijst* sheet is: id, description, unit, price
#: year, the indices and factor, payer, nature, recipient, confidence, source, address, where,
#: range, origin, names; longer texts wrap. The amounts keep their width.
_PRICE_WIDTHS = {1: 20, 2: 26, 3: 12, 5: 7, 6: 10, 7: 10, 8: 10, 10: 16, 11: 10, 12: 14, 13: 8}
_PRICE_WIDTHS |= {14: 26, 15: 24, 16: 26, 17: 24, 18: 14, 19: 24}
#: The widest (characters) the text columns of the *Uitgangspunten* sheet are: part or line,
#: parameter, value, explanation, the file's key (F) (the defined names keep their width); longer texts wrap.
_INPUT_WIDTHS = {1: 25, 2: 26, 3: 34, 4: 40, 6: 14}


@dataclass(frozen=True)
class Prices:
    """What the *Prijslijst* sheet defined: each item's indexed amount, and the item amounts as inputs."""

    item_indexed: Mapping[str, str]
    named: Named


def write_price_sheet(ctx: Context, wb: Workbook, ws: Worksheet) -> Prices:
    """The *Prijslijst* sheet: each price item used, its amount and its indexed amount (a formula).

    The indexed amount is amount x index(result's price year) / index(item's
    price year), in euro of the result's price year (docs/method.md, section 1).
    """
    m = ctx.result.model
    pl = m.pricelist
    head = 4
    if not _items(m):  # no price item used: one line, not a table of headers only
        write_title(ctx, ws, f"{ctx.label('pricelist')}: {pl.title} ({pl.ref})")
        ctx.text(ws, 2, 1, ctx.label("xl_no_price_items"))
        ctx.cap_width(ws, 1, MAX_WIDTH - 2, least=MAX_WIDTH - 2)  # both wrap in column A: its print area
        wrap_titles(ws, 1, range(1, 3), MAX_WIDTH - 1.0)
        return Prices({}, _Params(ctx, wb, ws, Rows(head)).named())
    write_title(ctx, ws, f"{ctx.label('pricelist')}: {pl.title} ({pl.ref})", ctx.label("xl_note_inputs"))
    write_header(ctx, ws, head, _PRICE_KEYS)
    params = _Params(ctx, wb, ws, Rows(head))
    price_cols = {
        inp.name[len("price.") :]: j for j, inp in enumerate(m.inputs) if inp.name.startswith("price.")
    }
    indexed = {}
    for item_id, item in _items(m).items():
        indexed[item_id] = _price_row(params, item_id, item, price_cols[item_id])
    ctx.table(ws, head, params.rows.row, 1, len(_PRICE_KEYS), "Prijslijst")
    ws.freeze_panes = f"B{head + 1}"
    # narrow columns whose long texts (source, address, where, range) wrap: the sheet prints
    # landscape at a readable size, two pages wide with the item's id repeated (printing.py)
    wrap_columns(ctx, ws, _PRICE_WIDTHS, head, table=True)
    fit_header(ctx, ws, head)  # each header wraps at word breaks
    return Prices(indexed, params.named())


def _price_row(p: _Params, item_id: str, item: PriceItem, j: int) -> str:
    """One price item's row; returns the defined name of its indexed amount."""
    ctx, ws, m = p.ctx, p.ws, p.ctx.result.model
    r = p.rows.next()
    ctx.text(ws, r, 1, item_id)
    ctx.text(ws, r, 2, item.label_en if ctx.lang == "en" and item.label_en else item.label)
    ctx.text(ws, r, 3, unit_name(item.unit, ctx.lang))
    ctx.number(ws, r, 4, m.inputs[j].base, EURO, is_input=True)
    ctx.number(ws, r, 5, item.price_year, YEAR, is_input=True)
    ctx.formula(ws, r, 6, "=" + index_lookup(f"E{r}"), "0.00##")
    ctx.formula(ws, r, 7, "=" + index_lookup("price_year"), "0.00##")
    ctx.formula(ws, r, 8, f"=G{r}/F{r}", FACTOR)
    ctx.formula(ws, r, 9, f"=D{r}*H{r}", EURO)
    ctx.text(ws, r, 10, ctx.result.stakeholder_label(item.payer))
    ctx.text(ws, r, 11, ctx.label(f"pl_nature_{item.nature}"))
    ctx.text(
        ws, r, 12, ctx.result.stakeholder_label(item.transfer_recipient) if item.transfer_recipient else ""
    )
    ctx.number(ws, r, 13, item.confidence, "0")
    ctx.text(ws, r, 14, item.source.title)
    ctx.text(ws, r, 15, item.source.url or "")
    ctx.text(ws, r, 16, item.source.where or "")
    unc = m.inputs[j]
    low, high = (_plain(v, ctx.lang) for v in (item.low, item.high))
    words = f"{ctx.label('plot_low')} {low}, {ctx.label('plot_high')} {high}"
    range_note = f"{words}: {_mean_of(ctx, unc.value)}" if unc.uncertain else ""
    ctx.text(ws, r, 17, range_note)
    ctx.text(ws, r, 18, m.pricelist.origin.get(item_id, m.pricelist.ref))
    amount = p.name(r, f"item_{item_id}", j, col="D")
    ctx.define(p.wb, f"item_{item_id}_price_year", ws, f"E{r}")
    indexed = ctx.define(p.wb, f"item_{item_id}_indexed", ws, f"I{r}")
    ctx.text(ws, r, 19, f"{amount}, {indexed}")
    return indexed


# -- Uitgangspunten: lines ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Lines:
    """What the line parameters defined: per line its names and constant, and the inputs named."""

    named: Named
    names: Mapping[str, Mapping[str, str]]
    constant: Mapping[str, float]


_PREFIX = {"cost": "costs", "effect": "effects", "volunteer": "volunteers"}


@dataclass
class _LineParams:
    """The parameter rows of one line: its inputs by name, the defined names of its cells."""

    p: _Params
    line: Line
    by_name: Mapping[str, int]
    names: dict[str, str] = field(default_factory=dict)
    rows: int = 0  # the parameter rows written so far

    @property
    def base(self) -> str:
        """The prefix of the line's input names (``effects.<id>``)."""
        return f"{_PREFIX[self.line.group]}.{self.line.id}"

    def put(
        self,
        param: str,
        value: Value = None,
        fmt: str | None = None,
        *,
        key: str | None = None,
        note: object = "",
        formula: str | None = None,
        is_input: bool = False,
        input_name: str | None = None,
    ) -> None:
        """One parameter row: an input of the model (``input_name``), a formula, or a value.

        With ``key``, its value cell is named ``<group>_<line id>_<key>`` (its name
        kept in :attr:`names` for the formulas of the *Kasstromen* sheet).
        """
        ctx = self.p.ctx
        shown = ctx.label(f"xl_p_{param}")
        # the reader's word in B; the file's key (optimism_bias) only in its own column F
        param_text = param if shown == f"xl_p_{param}" else shown
        file_key = param if re.fullmatch(r"[a-z_]+", param) else ""
        j = self.by_name.get(input_name) if input_name else None
        if j is not None:
            inp = ctx.result.model.inputs[j]
            value, is_input = inp.base, True
            note = _mean_of(ctx, inp.value) if inp.uncertain else note
        name = None if key is None else f"{_PREFIX[self.line.group]}_{self.line.id}_{key}"
        # the line's name on its first row (the rows below are its own); no formula looks up its id,
        # which its defined names (column E) hold
        self.rows += 1
        used = self.p.put(
            self.line.label_in(ctx.lang) if self.rows == 1 else "",
            param_text,
            value,
            fmt,
            name=name,
            note=note,
            formula=formula,
            is_input=is_input,
            input_col=j,
            field=file_key,
        )
        if key is not None and used is not None:
            self.names[key] = used


def _write_lines(ctx: Context, wb: Workbook, ws: Worksheet, row: int) -> _Lines:
    """Each line's parameters on the *Uitgangspunten* sheet, from ``row`` on."""
    m = ctx.result.model
    s = m.scenario
    ctx.text(ws, row, 1, ctx.label("xl_lines"), bold=True)
    params = _Params(ctx, wb, ws, Rows(row + 1))
    start = params.rows.row
    write_header(
        ctx, ws, start, ["line", "xl_parameter", "xl_value", "xl_explanation", "xl_name", "xl_field"]
    )
    by_name = {inp.name: j for j, inp in enumerate(m.inputs)}
    names: dict[str, Mapping[str, str]] = {}
    constant: dict[str, float] = {}
    specs: list[CostLine | EffectLine | VolunteerLine] = [*s.costs, *s.effects, *s.volunteers]
    for line, spec in zip(m.lines, specs):
        assert line.id == spec.id
        lp = _LineParams(params, line, by_name)
        names[line.id] = lp.names
        constant[line.id] = _line_params(lp, spec)
    ctx.table(ws, start, params.rows.row, 1, 6, "Regels")
    ws.freeze_panes = "A5"
    return _Lines(params.named(), names, constant)


def _line_params(lp: _LineParams, spec: CostLine | EffectLine | VolunteerLine) -> float:
    """A line's parameters; returns the constant its formula multiplies by (index and unit factors)."""
    lp.put(lp.p.ctx.label("xl_label"), lp.line.label_in(lp.p.ctx.lang))
    lp.put(lp.p.ctx.label("xl_kind"), kind_name(lp.line.kind, lp.p.ctx.lang))
    if isinstance(spec, CostLine):
        return _cost_params(lp, spec)
    if isinstance(spec, EffectLine):
        return _effect_params(lp, spec)
    return _volunteer_params(lp, spec)


def _own_price(lp: _LineParams, param: str, fmt: str, year: int | None, note: str = "") -> float:
    """A line's own amount (not a price item): the amount, its price year and its index factor.

    Returns the index factor's value, to check the workbook against the calculation.
    """
    ctx = lp.p.ctx
    lp.put(param, None, fmt, key=param, input_name=f"{lp.base}.{param}", note=note)
    stated = year if year is not None else _stated_price_year(ctx)
    explain = ctx.label("xl_stated_price_year") if year is None else ""
    lp.put(ctx.label("xl_item_price_year"), stated, YEAR, key="price_year", is_input=True, note=explain)
    factor = f"={index_lookup('price_year')}/{index_lookup(lp.names['price_year'])}"
    lp.put(ctx.label("xl_index_factor"), None, FACTOR, key="index_factor", formula=factor)
    return float(ctx.index.factor(stated, ctx.result.model.price_year))


def _timing(lp: _LineParams, spec: CostLine | EffectLine | VolunteerLine) -> None:
    """When a line runs: its first and last year, or its duration per participant."""
    line = lp.line
    if line.cohort is None:
        years = (spec.year, spec.year) if spec.year is not None else spec.years
        assert years is not None, "a line without participants has 'year' or 'years' (checked on loading)"
        first, last = years
        note = lp.p.ctx.label("xl_drop_off_from") if line.decay is not None else ""
        lp.put("first_year", first, YEAR, key="first_year", is_input=True, note=note)
        lp.put("last_year", last, YEAR, key="last_year", is_input=True)
    else:
        note = lp.p.ctx.label("per_participant") if spec.per == "participant" else ""
        lp.put("duration", line.cohort[1], "0", key="duration", is_input=True, note=note)


def _cost_params(lp: _LineParams, spec: CostLine) -> float:
    """A cost line's parameters after its label; returns its index factor."""
    ctx = lp.p.ctx
    constant = 1.0
    lp.put(ctx.label("xl_payer"), ctx.result.stakeholder_label(spec.payer))
    lp.put("per", ctx.label(f"per_{spec.per}"))
    if spec.item is not None:
        lp.put(ctx.label("xl_item"), spec.item)
        lp.put("quantity", None, NUMBER, key="quantity", input_name=f"{lp.base}.quantity")
    else:
        constant = _own_price(lp, "amount", EURO, spec.price_year)
    _timing(lp, spec)
    return constant


_EFFECT_FACTORS = (
    ("quantity", NUMBER),
    ("success", PERCENT),
    ("deadweight", PERCENT),
    ("attribution", PERCENT),
    ("displacement", PERCENT),
    ("optimism_bias", PERCENT),
    ("drop_off", PERCENT),
)


def _effect_params(lp: _LineParams, spec: EffectLine) -> float:
    """An effect line's parameters after its label (docs/method.md, section 4); returns its index x unit factor."""
    ctx, m = lp.p.ctx, lp.p.ctx.result.model
    constant = 1.0
    item = m.pricelist.items[spec.item] if spec.item is not None else None
    price = spec.price
    payer: str | None
    if item is not None:
        payer, unit = item.payer, item.unit
    else:
        assert price is not None, "an effect has an item or a price (checked on loading)"
        payer, unit = price.payer or spec.beneficiary, price.unit
    who = ctx.result.stakeholder_label
    lp.put(ctx.label("xl_payer"), who(payer) if payer else None)
    beneficiary = spec.beneficiary or payer
    lp.put("beneficiary", who(beneficiary) if beneficiary else None)
    if item is not None and item.transfer_recipient:
        recipient = who(item.transfer_recipient)
        lp.put(ctx.label("xl_recipient"), recipient, note=ctx.label("pl_nature_transfer"))
    if item is not None:
        lp.put(ctx.label("xl_item"), spec.item)
    elif price is not None:
        constant = _own_price(lp, "price", EURO, price.price_year, note=price.label or "")
    conv = conversion_factor(spec.unit or unit, unit)
    lp.put(ctx.label("xl_unit"), f"{unit_name(spec.unit or unit, ctx.lang)} → {unit_name(unit, ctx.lang)}")
    note = ctx.label("xl_unit_note")
    lp.put("unit_factor", conv, "0.000000####", key="unit_factor", note=note)
    for param, fmt in _EFFECT_FACTORS:
        lp.put(param, None, fmt, key=param, input_name=f"{lp.base}.{param}")
    if spec.per == "year":  # at area level: every year of the range, drop-off from its first
        lp.put("per", ctx.label(f"per_{spec.per}"))
        _timing(lp, spec)
    else:
        lp.put("lag", spec.lag, "0", key="lag", is_input=True)
        lp.put("duration", spec.duration, "0", key="duration", is_input=True)
    return constant * conv


def _volunteer_params(lp: _LineParams, spec: VolunteerLine) -> float:
    """A volunteer line's parameters after its label; returns its index factor."""
    ctx = lp.p.ctx
    constant = 1.0
    lp.put("as", kind_name(spec.as_, ctx.lang))
    if spec.as_ == "benefit":
        lp.put("beneficiary", ctx.result.stakeholder_label(spec.beneficiary or "samenleving"))
    lp.put("per", ctx.label(f"per_{spec.per}"))
    lp.put("hours", None, NUMBER, key="hours", input_name=f"{lp.base}.hours")
    if isinstance(spec.value, str):
        lp.put(ctx.label("xl_item"), spec.value)
    else:
        constant = _own_price(lp, "value", EURO, spec.value.price_year)
    _timing(lp, spec)
    return constant
