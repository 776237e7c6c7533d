"""The workbook of a project (``mkba run PROJECT --xlsx``): alternatives against the nulalternatief.

docs/method.md, section 8. The first sheet, *Vergelijking* / *Comparison*, shows per alternative
its own present value of costs and benefits and its npv, the deltas against the nulalternatief,
the incremental benefit-cost ratio, dominance and rank; per stakeholder (and the fiscal view) the
delta of the npv; per line and stakeholder the present value in the nulalternatief and in each
alternative and their delta (one column group per alternative); and the PM-posten, never summed.

Then one group of sheets per alternative, the nulalternatief first: the sheets of a scenario's
workbook (*Overzicht*, *Samenvatting*, *Uitgangspunten*, *Prijslijst*, *Index*, *Kasstromen*;
:mod:`mkba.report.excel.workbook`), their titles prefixed (``Nul Kasstromen``, ``A1 Kasstromen``,
...) and their defined names too (``base_discount_rate``, ``alt_1_discount_rate``, ...). Every
amount on the comparison sheet is a live formula over those sheets: change an input of an
alternative (its discount rate, a line's amount) and its figures and deltas follow.

How the groups are made: each alternative's sheets are written by the scenario workbook's own
sheet writers into the one workbook, with a fresh set of defined names; then those names are
renamed with the group's prefix, in the names and in every formula of the group's sheets (the
formulas are tokenised, so only names change, never text). The *SIB* and *Gevoeligheid* sheets of
a scenario's workbook are not part of a project workbook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from mkba.io.files import write_atomic
from mkba.report.excel.cells import (
    EURO0,
    PERCENT,
    RATIO,
    Book,
    Context,
    Layout,
    save,
    sheet_width,
    write_header,
    write_title,
)
from mkba.report.excel.fit import fit_header, own_style, wrap_note, wrap_rows
from mkba.report.excel.flows import write_flows_sheet
from mkba.report.excel.inputs import write_input_sheets
from mkba.report.excel.overview import OverviewCells, print_wide, write_overview_sheet
from mkba.report.excel.printing import set_up_printing
from mkba.report.excel.summary import write_summary_sheet
from mkba.report.excel.workbook import STANDARD_SHEETS, _index_of, _layout
from mkba.report.numbers import count, percent
from mkba.report.vocabulary import kind_name, label

if TYPE_CHECKING:
    from mkba.project import ProjectResult
    from mkba.result import Result

#: Columns of the table of figures on the comparison sheet.
FIGURE_COLS = (
    "alternative",
    "xl_cmp_sheets",
    "pv_costs",
    "pv_benefits",
    "npv",
    "delta_pv_costs",
    "delta_pv_benefits",
    "delta_npv",
    "delta_bcr",
    "dominant",
    "rank",
)
#: A line's key in the per-line table: (id, stakeholder, transfer, memo), as ``ProjectResult.line_deltas``.
LineKey = tuple[str, str | None, bool, bool]


@dataclass(frozen=True)
class Group:
    """One alternative's sheets in the project workbook.

    Attributes
    ----------
    alt_id : str
        The alternative's id.
    prefix : str
        The prefix of its sheet titles (``Nul ``, ``A1 ``, ...).
    layout : Layout
        Where its standard sheets put things (titles prefixed; defined names not).
    overview : OverviewCells
        Where its *Overzicht* sheet put things.
    names : mapping
        Each defined name its sheets made to the name it has in the workbook (prefixed).
    """

    alt_id: str
    prefix: str
    layout: Layout
    overview: OverviewCells
    names: Mapping[str, str]

    def ref(self, sheet_key: str, cell: str) -> str:
        """An absolute reference to ``cell`` on the group's sheet ``sheet_key`` (``summary``, ``overview``)."""
        title = self.overview.title if sheet_key == "overview" else self.layout.sheets[sheet_key]
        col = cell.rstrip("0123456789")
        return f"{quote_sheetname(title)}!${col}${cell[len(col) :]}"


@dataclass(frozen=True)
class ComparisonCells:
    """Where the comparison sheet put things (1-based rows, column letters).

    Attributes
    ----------
    title : str
        The sheet's title.
    figure_rows : mapping
        Alternative id (the nulalternatief's too) to its row in the table of figures.
    figure_cols : mapping
        Column key (``pv_costs``, ``delta_npv``, ``dominant``, ``rank``, ...) to its letter.
    stakeholder_rows : mapping
        Stakeholder to its row in the table of deltas per stakeholder; ``fiscal_row`` the fiscal view.
    stakeholder_cols : mapping
        Alternative id to its column in that table.
    fiscal_row : int
        The fiscal view's row in that table.
    line_rows : mapping
        Line key (id, stakeholder, transfer, memo) to its row in the table per line.
    line_cols : mapping
        Alternative id to (its present-value column, its delta column) in that table; the
        nulalternatief's id to (its present-value column, its present-value column).
    saldo_row : int
        The row of the sum of the lines (not the memo lines) in that table.
    groups : mapping
        Alternative id to its :class:`Group`.
    """

    title: str
    figure_rows: Mapping[str, int]
    figure_cols: Mapping[str, str]
    stakeholder_rows: Mapping[str, int]
    stakeholder_cols: Mapping[str, str]
    fiscal_row: int
    line_rows: Mapping[LineKey, int]
    line_cols: Mapping[str, tuple[str, str]]
    saldo_row: int
    groups: Mapping[str, Group]


def write_project_workbook(result: ProjectResult, path: str | Path, lang: str = "nl") -> Path:
    """Write the workbook of a project to ``path`` (atomically): comparison first, then each alternative.

    Parameters
    ----------
    result : mkba.project.ProjectResult
        The evaluated project.
    path : str or Path
        The ``.xlsx`` file to write; its folder must exist, and it may not be one of the files the
        project was read from.
    lang : {'nl', 'en'}
        Language of sheet names and labels.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MkbaError
        When ``path`` is an input of the project (its file, a scenario file, the price list file) or
        its folder does not exist; nothing is written.
    """
    from mkba.io.files import check_output

    check_output(Path(path), inputs=result.input_files(), option="path", reader="this project")
    wb, _ = build_project_workbook(result, lang)
    return write_atomic(path, lambda tmp: save(wb, tmp))


def build_project_workbook(result: ProjectResult, lang: str = "nl") -> tuple[Workbook, ComparisonCells]:
    """The project workbook, unsaved, and where its comparison sheet put things.

    Parameters
    ----------
    result : mkba.project.ProjectResult
        The evaluated project.
    lang : {'nl', 'en'}
        Language of sheet names and labels (anything but 'en' is Dutch).

    Returns
    -------
    (Workbook, ComparisonCells)
    """
    lang = "en" if lang == "en" else "nl"
    wb = Workbook()
    first = wb.active
    shared = Book()
    groups: dict[str, Group] = {}
    everyone = result.project.definition.all
    for k, alt in enumerate(everyone):
        prefix = f"{label('xl_cmp_prefix_base', lang)} " if k == 0 else f"A{k} "
        name_prefix = "base_" if k == 0 else f"alt_{k}_"
        groups[alt.id] = _write_group(wb, alt.id, result.results[alt.id], lang, (prefix, name_prefix), shared)
    wb.remove(first)
    base = result.results[everyone[0].id]
    book = replace(shared, defined={new.lower(): new for g in groups.values() for new in g.names.values()})
    ctx = Context(base, lang, _index_of(base, None), book=book)
    cells = _Comparison(wb, ctx, result, groups).write()
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True  # openpyxl stores no computed values
    for (title, col), n in book.widths.items():
        wb[title].column_dimensions[get_column_letter(col)].width = sheet_width(n)
    set_up_printing(  # as a scenario's workbook: A4, titles, header and footer, each summary on one page
        wb,
        scenario=result.project.name,
        pricelist=base.model.pricelist.ref,
        lang=lang,
        summary=[g.layout.sheets["summary"] for g in groups.values()],
    )
    return wb, cells


# -- one group of sheets per alternative ----------------------------------------------------------
def _write_group(
    wb: Workbook, alt_id: str, res: Result, lang: str, prefixes: tuple[str, str], shared: Book
) -> Group:
    """Write one alternative's sheets (titles prefixed), then prefix the defined names they made."""
    prefix, name_prefix = prefixes
    titles = {key: prefix + label(f"xl_sheet_{key}", lang) for key in STANDARD_SHEETS}
    book = Book(widths=shared.widths, styles=shared.styles, tables=shared.tables)
    ctx = Context(res, lang, _index_of(res, None), layout=Layout(sheets=titles), book=book)
    sheets = {key: wb.create_sheet(titles[key]) for key in STANDARD_SHEETS}
    inputs = write_input_sheets(ctx, wb, sheets)
    flows = write_flows_sheet(ctx, sheets["flows"], inputs)
    summary = write_summary_sheet(ctx, wb, sheets["summary"], sheets["flows"], inputs, flows)
    ctx = replace(ctx, layout=_layout(titles, inputs, flows, summary))
    overview = write_overview_sheet(wb, ctx, prefix + label("xl_sheet_overview", lang))
    shared.tables = book.tables
    taken = {name.lower() for name in wb.defined_names} - set(book.defined)
    names: dict[str, str] = {}
    for name in book.defined.values():
        new, n = name_prefix + name, 2
        while new.lower() in taken:
            new, n = f"{name_prefix}{name}_{n}", n + 1
        taken.add(new.lower())
        names[name] = new
    _rename(wb, [wb[overview.title], *sheets.values()], names)
    return Group(alt_id, prefix, ctx.layout, overview, names)


def _rename(wb: Workbook, sheets: Sequence[Worksheet], names: Mapping[str, str]) -> None:
    """Rename the defined names ``names`` (old -> new) in the workbook and on ``sheets``.

    Formulas are tokenised and only their name operands change; a text cell that shows a defined
    name (the *Naam* columns) shows the new one.
    """
    for old, new in names.items():
        found = wb.defined_names.pop(old)
        wb.defined_names[new] = DefinedName(new, attr_text=found.attr_text)
    lower = {old.lower(): new for old, new in names.items()}
    for ws in sheets:
        for cell in ws._cells.values():
            value = cell._value
            if cell.data_type == "f" and isinstance(value, str):
                cell._value = _renamed(value, lower)
            elif cell.data_type == "s" and isinstance(value, str) and value in names:
                cell._value = names[value]


def _renamed(formula: str, lower: Mapping[str, str]) -> str:
    """``formula`` with every defined name in ``lower`` (lower-case old name -> new) renamed."""
    tokens = Tokenizer(formula)
    changed = False
    for token in tokens.items:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            new = lower.get(token.value.lower())
            if new is not None:
                token.value, changed = new, True
    return tokens.render() if changed else formula


# -- the comparison sheet -------------------------------------------------------------------------
class _Comparison:
    """Writes the comparison sheet over the groups' sheets."""

    def __init__(self, wb: Workbook, ctx: Context, result: ProjectResult, groups: Mapping[str, Group]):
        self.wb, self.ctx, self.result, self.groups = wb, ctx, result, groups
        self.everyone = result.project.definition.all
        self.base = self.everyone[0].id
        self.ws = wb.create_sheet(ctx.label("xl_sheet_compare"), 0)
        self.headers: list[int] = []  # header rows, wrapped once the columns' widths are known
        self.keys = {
            alt.id: {
                (r["id"], r["stakeholder"], r["transfer"], r["memo"])
                for r in result.results[alt.id].line_rows()
            }
            for alt in self.everyone
        }

    def write(self) -> ComparisonCells:
        ctx, ws, res = self.ctx, self.ws, self.result
        base = res.baseline
        write_title(
            ctx,
            ws,
            res.project.name,
            ctx.label("xl_cmp_note").format(py=base.price_year)
            + f" {ctx.label('discount_rate').capitalize()}: {percent(base.discount_rate, ctx.lang, 2)}; "
            + f"{ctx.label('pricelist').lower()}: {base.model.pricelist.ref}.",
        )
        figure_rows, figure_cols = self._figures(4)
        row = max(figure_rows.values()) + 2
        sh_rows, sh_cols, fiscal_row = self._stakeholders(row)
        line_rows, line_cols, saldo_row, row = self._lines(fiscal_row + 2)
        row = self._pm(row + 2)
        self.paired_rows = self._paired(row + 2)
        ws.freeze_panes = "A3"  # the title and its note: the sheet holds three tables with their own heads
        print_wide(ws)
        # narrow text columns that wrap, so that the sheet prints one page wide at a readable size
        ctx.cap_width(ws, 1, 24, least=16)
        ctx.cap_width(ws, 2, 26, least=10)
        ctx.cap_width(ws, 3, 20, least=14)
        last = max(len(FIGURE_COLS), 4 + 2 * len(self.everyone))
        for col in range(4, last + 1):
            ctx.cap_width(ws, col, 12, least=12)
        # the headers wrap at word breaks, long labels in their columns (a section's title runs on),
        # the note under the title across the table
        for r in self.headers:
            fit_header(ctx, ws, r)
        body = {r for (r, _) in ws._cells if r > 3}.difference(self.headers)
        wrap_rows(ctx, ws, body, range(1, last + 1), run_on=True, last=last)
        wrap_note(ctx, ws, last)
        # the "dominant" column a little in from its left edge: its header never runs into the one before
        _indent(ws, _col(figure_cols["dominant"]), [min(figure_rows.values()) - 1, *figure_rows.values()])
        return ComparisonCells(
            ws.title,
            figure_rows,
            figure_cols,
            sh_rows,
            sh_cols,
            fiscal_row,
            line_rows,
            line_cols,
            saldo_row,
            self.groups,
        )

    def _who(self, name: str) -> str:
        """How to show stakeholder ``name``: its label in the first alternative that declares it."""
        for alt in self.everyone:
            res = self.result.results[alt.id]
            if name in res.scenario.stakeholders:
                return res.stakeholder_label(name)
        return self.result.baseline.stakeholder_label(name)  # undeclared: its default name (Bewoners)

    # -- figures per alternative ----------------------------------------------------------------
    def _figures(self, head: int) -> tuple[dict[str, int], dict[str, str]]:
        ctx, ws = self.ctx, self.ws
        ctx.text(ws, head - 1, 1, ctx.label("xl_cmp_figures"), bold=True)
        write_header(ctx, ws, head, FIGURE_COLS)
        self.headers.append(head)
        cols = {key: get_column_letter(1 + j) for j, key in enumerate(FIGURE_COLS)}
        rows = {alt.id: head + 1 + k for k, alt in enumerate(self.everyone)}
        span = (head + 2, max(rows.values()))  # the alternatives' rows, the nulalternatief's left out
        for k, alt in enumerate(self.everyone):
            row, group = rows[alt.id], self.groups[alt.id]
            name = alt.label_in(ctx.lang)
            said = k > 0 or ctx.label("baseline").lower() in name.lower()
            ctx.text(ws, row, 1, name if said else f"{ctx.label('baseline')}: {name}")
            ctx.text(ws, row, 2, group.prefix.strip())
            for key in ("pv_costs", "pv_benefits", "npv"):
                ref = group.ref("summary", group.layout.figures[key])
                ctx.formula(ws, row, _col(cols[key]), f"={ref}", EURO0, bold=key == "npv")
            if k == 0:
                continue
            self._delta_cells(row, cols, group, span)
        return rows, cols

    def _delta_cells(self, row: int, cols: Mapping[str, str], group: Group, span: tuple[int, int]) -> None:
        """An alternative's deltas (over its sheets and the nulalternatief's), ratio, dominance, rank."""
        ctx, ws = self.ctx, self.ws
        base = self.groups[self.base]
        for key in ("pv_costs", "pv_benefits", "npv"):
            mine = group.ref("summary", group.layout.figures[key])
            theirs = base.ref("summary", base.layout.figures[key])
            ctx.formula(ws, row, _col(cols[f"delta_{key}"]), f"={mine}-{theirs}", EURO0, bold=key == "npv")
        dc, db, dn = (f"{cols[k]}{row}" for k in ("delta_pv_costs", "delta_pv_benefits", "delta_npv"))
        na = ctx.na.replace('"', '""')
        ctx.formula(ws, row, _col(cols["delta_bcr"]), f'=IF({dc}>0,{db}/{dc},"{na}")', RATIO)
        word = ctx.label("dominant").replace('"', '""')
        dominant = f'=IF(AND(OR(ABS({dc})>1E-9,ABS({db})>1E-9),{dc}<=0,{db}>=0),"{word}","")'
        ctx.formula(ws, row, _col(cols["dominant"]), dominant)
        c = cols["delta_npv"]
        rng = f"${c}${span[0]}:${c}${span[1]}"
        rank = f"=SUMPRODUCT(({rng}>{dn})*1)+SUMPRODUCT((${c}${span[0]}:{dn}={dn})*1)"
        ctx.formula(ws, row, _col(cols["rank"]), rank, "0")

    # -- deltas per stakeholder -----------------------------------------------------------------
    def _stakeholders(self, row: int) -> tuple[dict[str, int], dict[str, str], int]:
        ctx, ws = self.ctx, self.ws
        alts = self.everyone[1:]
        ctx.text(ws, row, 1, ctx.label("xl_cmp_stakeholders"), bold=True)
        head = row + 1
        ctx.text(ws, head, 1, ctx.label("stakeholder"), bold=True)
        self.headers.append(head)
        cols = {alt.id: get_column_letter(2 + j) for j, alt in enumerate(alts)}
        for alt in alts:
            ctx.text(ws, head, _col(cols[alt.id]), self.groups[alt.id].prefix.strip(), bold=True)
        names = list(
            dict.fromkeys(n for alt in self.everyone for n in self.groups[alt.id].layout.stakeholder_rows)
        )
        rows = {name: head + 1 + k for k, name in enumerate(names)}
        fiscal_row = head + 1 + len(names)
        base = self.groups[self.base]
        for name, r in rows.items():
            ctx.text(ws, r, 1, self._who(name))
            for alt in alts:
                terms = [_npv_ref(self.groups[alt.id], name), _npv_ref(base, name)]
                formula = (terms[0] or "0") + (f"-{terms[1]}" if terms[1] else "")
                ctx.formula(ws, r, _col(cols[alt.id]), f"={formula}", EURO0)
        ctx.text(ws, fiscal_row, 1, ctx.label("fiscal"), bold=True)
        for alt in alts:
            mine, theirs = (_fiscal_ref(g) for g in (self.groups[alt.id], base))
            ctx.formula(ws, fiscal_row, _col(cols[alt.id]), f"={mine}-{theirs}", EURO0, bold=True)
        return rows, cols, fiscal_row

    # -- deltas per line ------------------------------------------------------------------------
    def _lines(self, row: int) -> tuple[dict[LineKey, int], dict[str, tuple[str, str]], int, int]:
        """The table per line and stakeholder; returns its rows, columns, saldo row and last row."""
        ctx, ws = self.ctx, self.ws
        ctx.text(ws, row, 1, ctx.label("xl_cmp_lines"), bold=True)
        head = row + 2
        for c, name in enumerate(("overview_line", "xl_id", "stakeholder", "xl_kind"), 1):
            ctx.text(ws, head, c, ctx.label(name), bold=True)
        self.headers += [head - 1, head]
        cols: dict[str, tuple[str, str]] = {}
        c = 5
        for k, alt in enumerate(self.everyone):
            prefix = self.groups[alt.id].prefix.strip()
            ctx.text(ws, head - 1, c, alt.label_in(ctx.lang), bold=True)
            ctx.text(ws, head, c, f"{prefix}: {ctx.label('pv')}", bold=True)
            if k > 0:  # the alternative's name over its two columns, wrapped in their width
                ws.merge_cells(start_row=head - 1, start_column=c, end_row=head - 1, end_column=c + 1)
            if k == 0:
                cols[alt.id] = (get_column_letter(c), get_column_letter(c))
                c += 1
                continue
            ctx.text(ws, head, c + 1, f"{prefix}: {ctx.label('delta')}", bold=True)
            cols[alt.id] = (get_column_letter(c), get_column_letter(c + 1))
            c += 2
        keys, meta = self._line_keys()
        money = [key for key in keys if not key[3]]
        memo = [key for key in keys if key[3]]
        rows = {key: head + 1 + k for k, key in enumerate(money)}
        saldo = head + 1 + len(money)
        rows.update({key: saldo + 2 + k for k, key in enumerate(memo)})
        for key, r in rows.items():
            self._line_row(key, r, cols, meta[key])
        ctx.text(ws, saldo, 1, ctx.label("npv"), bold=True)
        for alt in self.everyone:
            for letter in dict.fromkeys(cols[alt.id]):
                formula = f"=SUM({letter}{head + 1}:{letter}{saldo - 1})" if money else "=0"
                ctx.formula(ws, saldo, _col(letter), formula, EURO0, bold=True)
        if memo:
            ctx.text(ws, saldo + 1, 1, ctx.label("xl_ov_memo"), bold=True)
        return rows, cols, saldo, max(rows.values(), default=saldo)

    def _line_keys(self) -> tuple[list[LineKey], dict[LineKey, dict[str, Any]]]:
        """Every line key of the nulalternatief and the alternatives, grouped as the overview."""
        meta: dict[LineKey, dict[str, Any]] = {}
        for alt in self.everyone:
            for r in self.result.results[alt.id].line_rows():
                key = (r["id"], r["stakeholder"], r["transfer"], r["memo"])
                meta.setdefault(key, r)
        order = {"cost": 0, "effect": 1, "volunteer": 2}
        keys = sorted(meta, key=lambda key: order.get(meta[key]["group"], 3))
        return keys, meta

    def _line_row(
        self, key: LineKey, row: int, cols: Mapping[str, tuple[str, str]], r: Mapping[str, Any]
    ) -> None:
        ctx, ws = self.ctx, self.ws
        line_id, stakeholder, transfer, _ = key
        kind = kind_name(r["kind"], ctx.lang)
        ctx.text(ws, row, 1, r["label"])  # the reader's name; its id beside it
        ctx.text(ws, row, 2, line_id)
        ctx.text(ws, row, 3, "" if stakeholder is None else self._who(stakeholder))
        ctx.text(ws, row, 4, f"{kind} ({ctx.label('transfer_note')})" if transfer else kind)
        base_col = cols[self.base][0]
        for alt in self.everyone:
            pv_col, delta_col = cols[alt.id]
            ref = self._pv_ref(alt.id, key)
            if ref is None:
                ctx.number(ws, row, _col(pv_col), 0.0, EURO0)
            else:
                ctx.formula(ws, row, _col(pv_col), f"={ref}", EURO0)
            if alt.id != self.base:
                ctx.formula(ws, row, _col(delta_col), f"={pv_col}{row}-{base_col}{row}", EURO0)

    def _pv_ref(self, alt_id: str, key: LineKey) -> str | None:
        """The alternative's overview cell of ``key``; None when it has no such line."""
        line_id, stakeholder, _, memo = key
        group = self.groups[alt_id]
        if key not in self.keys[alt_id]:
            return None
        return group.ref("overview", group.overview.cell(line_id, None if memo else stakeholder))

    # -- PM-posten ------------------------------------------------------------------------------
    def _pm(self, row: int) -> int:
        """The PM posts from ``row`` on; returns the last row written (``row - 1`` when there are none)."""
        ctx, ws = self.ctx, self.ws
        pm = self.result.pm_rows()
        if not pm:
            return row - 1
        labels = {alt.id: alt.label_in(ctx.lang) for alt in self.everyone}
        ctx.text(ws, row, 1, ctx.label("pm_posts"), bold=True)
        keys = ("alternative", "xl_label", "stakeholder", "direction", "size", "xl_id")
        write_header(ctx, ws, row + 1, keys)
        self.headers.append(row + 1)
        for k, p in enumerate(pm):
            r = row + 2 + k
            ctx.text(ws, r, 1, labels.get(p["alternative"], p["alternative"]))
            ctx.text(ws, r, 2, p["label"])
            ctx.text(ws, r, 3, self._who(p["stakeholder"]))
            ctx.text(ws, r, 4, ctx.label(f"dir_{p['direction']}"))
            ctx.text(ws, r, 5, p["size"] or "")
            ctx.text(ws, r, 6, p["id"])
        return row + 1 + len(pm)

    def _paired(self, row: int) -> dict[str, int]:
        """The paired Monte Carlo (``mkba run PROJECT --simulate``) from ``row`` on, as values from mkba.

        Per alternative: the chance that it beats the nulalternatief, the chance that it is the best,
        and percentiles of its saldo against the nulalternatief. Returns each alternative's row.
        """
        ctx, ws, res = self.ctx, self.ws, self.result
        sim = res.extra.get("simulation")
        if not sim:
            return {}
        title = ctx.label("paired_title").format(n=count(sim["n"], ctx.lang), seed=sim["seed"])
        ctx.text(ws, row, 1, f"{title} ({ctx.label('xl_from_core')})", bold=True)
        head = row + 1
        for c, key in enumerate(("alternative", "p_delta_positive", "p_best"), 1):
            ctx.text(ws, head, c, ctx.label(key), bold=True)
        for c, p in enumerate(("p5", "p50", "p95"), 4):
            ctx.text(ws, head, c, f"{ctx.label('delta_npv')} {p}", bold=True)
        self.headers.append(head)
        rows: dict[str, int] = {}
        everyone = [*res.project.alternatives, res.project.baseline]
        for k, alt in enumerate(everyone):
            r = rows[alt.id] = head + 1 + k
            ctx.text(ws, r, 1, alt.label_in(ctx.lang))
            if alt is res.project.baseline:
                ctx.number(ws, r, 3, sim.get("baseline_p_best"), PERCENT)
                continue
            s = sim["alternatives"][alt.id]
            ctx.number(ws, r, 2, s["p_delta_npv_positive"], PERCENT)
            ctx.number(ws, r, 3, s["p_best"], PERCENT)
            for c, p in enumerate(("p5", "p50", "p95"), 4):
                ctx.number(ws, r, c, s["delta_npv"][p], EURO0)
        return rows


def _indent(ws: Worksheet, col: int, rows: Iterable[int]) -> None:
    """Indent the cells of column ``col`` on ``rows`` by one step (each given its own style)."""
    from copy import copy

    for r in rows:
        cell = ws.cell(r, col)
        # the safe writers share one style array per kind of cell: this one its own
        own_style(cell)
        shown = copy(cell.alignment)
        shown.indent, shown.horizontal = 1, shown.horizontal or "left"
        cell.alignment = shown


def _col(letter: str) -> int:
    return column_index_from_string(letter)


def _npv_ref(group: Group, stakeholder: str) -> str | None:
    """The group's *Samenvatting* cell of ``stakeholder``'s npv; None when it has no such stakeholder."""
    row = group.layout.stakeholder_rows.get(stakeholder)
    if row is None:
        return None
    return group.ref("summary", f"{group.layout.stakeholder_cols['npv']}{row}")


def _fiscal_ref(group: Group) -> str:
    """The group's *Samenvatting* cell of the fiscal npv."""
    return group.ref("summary", f"{group.layout.stakeholder_cols['npv']}{group.layout.fiscal_row}")
