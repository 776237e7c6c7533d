"""The input sheets of the Excel workbook (:mod:`mkba.report.excel.workbook`): *Index*, *Uitgangspunten*, *Prijslijst*.

Every input becomes a named cell (discount rate, base year, price year,
participants per year, stakeholders, each line's parameters); a distribution
is written as its mean with its description. The *Prijslijst* sheet gives the
price items used and their indexed amount as a formula over the *Index* sheet.
"""

from __future__ import annotations

from mkba.pricelist.units import conversion_factor
from mkba.report.excel.cells import EURO, FACTOR, NUMBER, PERCENT, YEAR, _SheetPlan
from mkba.report.vocabulary import label


def _describe(value) -> str:
    """Text describing a distribution: its parameters and its mean."""
    params = {k: v for k, v in value.model_dump().items() if k != "dist" and v is not None}
    inner = ", ".join(f"{k}={v:g}" if isinstance(v, (int, float)) else f"{k}={v}" for k, v in params.items())
    return f"{value.dist}({inner}); mean = {value.mean:.10g}"


class _InputSheets(_SheetPlan):
    """Writes the *Index*, *Uitgangspunten* and *Prijslijst* sheets (names first, for the formulas after)."""

    # -- Index ----------------------------------------------------------------------------
    def index_sheet(self) -> None:
        ctx, ws, idx = self.ctx, self.sheets["index"], self.ctx.index
        m, s = self.model, self.model.scenario
        needed = {m.price_year, self._stated_price_year(), *(it.price_year for it in self._items().values())}
        for line in (*s.costs, *s.volunteers):
            if getattr(line, "price_year", None) is not None:
                needed.add(line.price_year)
            value = getattr(line, "value", None)
            if value is not None and not isinstance(value, str) and value.price_year is not None:
                needed.add(value.price_year)
        for line in s.effects:
            if line.price is not None and line.price.price_year is not None:
                needed.add(line.price.price_year)
        first, last = min(idx.first_year, *needed), max(idx.last_year, *needed)
        self.title(ws, f"{ctx.label('xl_price_index')}: {idx.name}")
        head = 3
        self.header(ws, head, ["year", "xl_index_value", "xl_explanation"])
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
            else:
                pass  # written below, from the first year of the series backwards
        for year in range(idx.first_year - 1, first - 1, -1):
            r = head + 1 + (year - first)
            ctx.formula(ws, r, 2, f"=B{r + 1}/(1+assumed_inflation)", "0.00##")
            ctx.text(ws, r, 3, ctx.label("xl_assumed"))
        self.table(ws, head, row, 1, 3, "Index")
        self.ctx.define(self.wb, "idx_year", ws, f"A{head + 1}:A{row}")
        self.ctx.define(self.wb, "idx_value", ws, f"B{head + 1}:B{row}")
        meta = idx.meta
        info = [("xl_price_index", idx.name)]
        if meta is not None:
            info += [
                ("xl_label", meta.title),
                ("xl_source", meta.source.title),
                ("xl_url", meta.source.url),
                ("xl_where", meta.source.where),
            ]
        for i, (key, value) in enumerate(info):
            ctx.text(ws, head + i, 5, ctx.label(key), bold=True)
            ctx.text(ws, head + i, 6, value)
        ws.freeze_panes = f"A{head + 1}"

    # -- Uitgangspunten: general, participants, stakeholders ------------------------------
    def inputs_general(self) -> None:
        ctx, ws, m = self.ctx, self.sheets["inputs"], self.model
        s = m.scenario
        self.title(ws, f"{ctx.label('xl_sheet_inputs')}: {s.name}", ctx.label("xl_note_inputs"))
        keys = ["xl_part", "xl_parameter", "xl_value", "xl_explanation", "xl_name"]
        self.row = 4
        self.header(ws, self.row, keys)
        start = self.row
        general = ctx.label("xl_general")

        def put(
            param: str,
            value,
            fmt: str | None,
            name: str | None,
            note=None,
            is_input=True,
            formula: str | None = None,
            input_col: int | None = None,
        ) -> str | None:
            self.row += 1
            r = self.row
            ctx.text(ws, r, 1, general)
            ctx.text(ws, r, 2, param)
            if formula is not None:
                ctx.formula(ws, r, 3, formula, fmt)
            elif isinstance(value, str):
                ctx.text(ws, r, 3, value)
            else:
                ctx.number(ws, r, 3, value, fmt, is_input=is_input)
            ctx.text(ws, r, 4, note if note is not None else "")
            if name is None:
                ctx.text(ws, r, 5, "")
                return None
            used = ctx.define(self.wb, name, ws, f"C{r}")
            ctx.text(ws, r, 5, used)
            if input_col is not None:
                self.input_names[input_col] = used
                self.L.inputs[m.inputs[input_col].name] = (ws.title, f"C{r}", used)
            return used

        put(ctx.label("xl_scenario_name"), s.name, None, None)
        put(ctx.label("xl_start_year"), s.start_year, YEAR, "start_year", is_input=False)
        put(ctx.label("xl_horizon"), s.horizon, YEAR, "horizon", is_input=False)
        put(ctx.label("xl_end_year"), None, YEAR, "end_year", formula="=start_year+horizon-1")
        put(ctx.label("base_year"), m.base_year, YEAR, "base_year", note=m.defaults.get("base_year", ""))
        put(ctx.label("price_year"), m.price_year, YEAR, "price_year", note=m.defaults.get("price_year", ""))
        rate = m.inputs[m.discount_col]
        note = (
            _describe(rate.value) + f" ({ctx.label('xl_mean_of')})"
            if rate.uncertain
            else m.defaults.get("discount_rate", "")
        )
        put(
            ctx.label("discount_rate").capitalize(),
            rate.base,
            PERCENT,
            "discount_rate",
            note=note,
            input_col=m.discount_col,
        )
        if ctx.index.assumed_inflation is not None:
            put(
                ctx.label("xl_assumed_inflation"),
                float(ctx.index.assumed_inflation),
                PERCENT,
                "assumed_inflation",
            )
        put(ctx.label("xl_price_index"), m.index_name, None, None)
        put(ctx.label("pricelist"), m.pricelist.ref, None, None)
        self.table(ws, start, self.row, 1, 5, "Algemeen")

        # participants: one named cell per year of the horizon (0 where the scenario has none)
        self.row += 2
        self.header(ws, self.row, ["year", "xl_participants", "xl_value", "xl_explanation", "xl_name"])
        start = self.row
        self.participant_names = []
        cols = m.participant_cols
        for year in m.years.tolist():
            self.row += 1
            r = self.row
            ctx.number(ws, r, 1, year, YEAR)
            ctx.text(ws, r, 2, ctx.label("xl_participants"))
            col = cols.get(year)
            value = m.inputs[col].base if col is not None else 0.0
            ctx.number(ws, r, 3, value, NUMBER, is_input=True)
            ctx.text(
                ws,
                r,
                4,
                _describe(m.inputs[col].value) + f" ({ctx.label('xl_mean_of')})"
                if col is not None and m.inputs[col].uncertain
                else "",
            )
            used = ctx.define(self.wb, f"participants_{year}", ws, f"C{r}")
            ctx.text(ws, r, 5, used)
            self.participant_names.append(used)
            if col is not None:
                self.input_names[col] = used
                self.L.inputs[m.inputs[col].name] = (ws.title, f"C{r}", used)
        self.table(ws, start, self.row, 1, 5, "Deelnemers")

        # stakeholders and whether they are public
        self.row += 2
        self.header(ws, self.row, ["stakeholder", "xl_parameter", "xl_public_flag", "xl_label", "xl_name"])
        start = self.row
        self.public_cells = {}
        for k, name in enumerate(m.stakeholders):
            self.row += 1
            r = self.row
            spec = s.stakeholders.get(name)
            ctx.text(ws, r, 1, name)
            ctx.text(ws, r, 2, ctx.label("public"))
            ctx.number(ws, r, 3, int(bool(m.public[k])), "0", is_input=True)
            text = (
                None
                if spec is None
                else (spec.label_en if ctx.lang == "en" and spec.label_en else spec.label)
            )
            ctx.text(ws, r, 4, text or "")
            used = ctx.define(self.wb, f"public_{name}", ws, f"C{r}")
            ctx.text(ws, r, 5, used)
            self.public_cells[name] = used
        self.table(ws, start, self.row, 1, 5, "Partijen")

    # -- Prijslijst -----------------------------------------------------------------------
    def _items(self) -> dict:
        m = self.model
        used = {}
        for line in (*m.scenario.costs, *m.scenario.effects):
            if line.item is not None:
                used[line.item] = m.pricelist.items[line.item]
        for line in m.scenario.volunteers:
            if isinstance(line.value, str):
                used[line.value] = m.pricelist.items[line.value]
        return used

    def price_sheet(self) -> None:
        ctx, ws, m = self.ctx, self.sheets["prices"], self.model
        pl = m.pricelist
        self.title(ws, f"{ctx.label('pricelist')}: {pl.title} ({pl.ref})", ctx.label("xl_note_inputs"))
        keys = [
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
        ]
        head = 4
        self.header(ws, head, keys)
        row = head
        price_cols = {
            inp.name[len("price.") :]: j for j, inp in enumerate(m.inputs) if inp.name.startswith("price.")
        }
        for item_id, item in self._items().items():
            row += 1
            r = row
            j = price_cols[item_id]
            ctx.text(ws, r, 1, item_id)
            ctx.text(ws, r, 2, item.label_en if ctx.lang == "en" and item.label_en else item.label)
            ctx.text(ws, r, 3, item.unit)
            ctx.number(ws, r, 4, m.inputs[j].base, EURO, is_input=True)
            ctx.number(ws, r, 5, item.price_year, YEAR, is_input=True)
            ctx.formula(ws, r, 6, "=" + self.lookup(f"E{r}"), "0.00##")
            ctx.formula(ws, r, 7, "=" + self.lookup("price_year"), "0.00##")
            ctx.formula(ws, r, 8, f"=G{r}/F{r}", FACTOR)
            ctx.formula(ws, r, 9, f"=D{r}*H{r}", EURO)
            ctx.text(ws, r, 10, item.payer)
            ctx.text(ws, r, 11, item.nature)
            ctx.text(ws, r, 12, item.transfer_recipient or "")
            ctx.number(ws, r, 13, item.confidence, "0")
            ctx.text(ws, r, 14, item.source.title)
            ctx.text(ws, r, 15, item.source.url or "")
            ctx.text(ws, r, 16, item.source.where or "")
            unc = m.inputs[j]
            ctx.text(
                ws,
                r,
                17,
                (
                    f"low {item.low:g}, high {item.high:g}: "
                    + _describe(unc.value)
                    + f" ({ctx.label('xl_mean_of')})"
                )
                if unc.uncertain
                else "",
            )
            ctx.text(ws, r, 18, pl.origin.get(item_id, pl.ref))
            amount = ctx.define(self.wb, f"item_{item_id}", ws, f"D{r}")
            ctx.define(self.wb, f"item_{item_id}_price_year", ws, f"E{r}")
            self.item_indexed[item_id] = ctx.define(self.wb, f"item_{item_id}_indexed", ws, f"I{r}")
            ctx.text(ws, r, 19, f"{amount}, {self.item_indexed[item_id]}")
            self.input_names[j] = amount
            self.L.inputs[m.inputs[j].name] = (ws.title, f"D{r}", amount)
            self.ctx.widths[(ws.title, 14)] = min(self.ctx.widths.get((ws.title, 14), 0), 50)
        self.table(ws, head, row, 1, len(keys), "Prijslijst")
        ws.freeze_panes = f"B{head + 1}"

    # -- Uitgangspunten: lines --------------------------------------------------------------
    def inputs_lines(self) -> None:
        ctx, ws, m = self.ctx, self.sheets["inputs"], self.model
        s = m.scenario
        self.row += 2
        ctx.text(ws, self.row, 1, ctx.label("xl_lines"), bold=True)
        self.row += 1
        self.header(ws, self.row, ["line", "xl_parameter", "xl_value", "xl_explanation", "xl_name"])
        start = self.row
        specs = [*s.costs, *s.effects, *s.volunteers]
        by_name = {inp.name: j for j, inp in enumerate(m.inputs)}
        for line, spec in zip(m.lines, specs):
            assert line.id == spec.id
            names: dict[str, str] = {}
            self.line_names[line.id] = names
            prefix = {"cost": "costs", "effect": "effects", "volunteer": "volunteers"}[line.group]

            def put(
                param: str,
                value=None,
                fmt=None,
                *,
                key: str | None = None,
                note="",
                formula=None,
                is_input=False,
                input_name: str | None = None,
            ) -> None:
                self.row += 1
                r = self.row
                ctx.text(ws, r, 1, line.id)
                shown = label(f"xl_p_{param}", ctx.lang)
                ctx.text(ws, r, 2, param if shown == f"xl_p_{param}" else f"{shown} ({param})")
                j = by_name.get(input_name) if input_name else None
                if j is not None:
                    inp = m.inputs[j]
                    ctx.number(ws, r, 3, inp.base, fmt, is_input=True)
                    if inp.uncertain:
                        note = _describe(inp.value) + f" ({ctx.label('xl_mean_of')})"
                elif formula is not None:
                    ctx.formula(ws, r, 3, formula, fmt)
                elif isinstance(value, str) or value is None:
                    ctx.text(ws, r, 3, value)
                else:
                    ctx.number(ws, r, 3, value, fmt, is_input=is_input)
                ctx.text(ws, r, 4, note)
                if key is None:
                    ctx.text(ws, r, 5, "")
                    return
                used = ctx.define(self.wb, f"{prefix}_{line.id}_{key}", ws, f"C{r}")
                names[key] = used
                ctx.text(ws, r, 5, used)
                if j is not None:
                    self.input_names[j] = used
                    self.L.inputs[input_name] = (ws.title, f"C{r}", used)

            base = f"{prefix}.{line.id}"
            put(ctx.label("xl_label"), spec.label or line.id)
            put(ctx.label("xl_kind"), line.kind)
            constant = 1.0
            if line.group == "cost":
                put(ctx.label("xl_payer"), spec.payer)
                put("per", spec.per)
                if spec.item is not None:
                    put(ctx.label("xl_item"), spec.item)
                    put("quantity", None, NUMBER, key="quantity", input_name=f"{base}.quantity")
                else:
                    put("amount", None, EURO, key="amount", input_name=f"{base}.amount")
                    self._price_year(put, spec.price_year, key="price_year")
                    constant = self._index_factor(put, spec.price_year)
                self._timing(put, spec, line)
            elif line.group == "effect":
                item = m.pricelist.items[spec.item] if spec.item is not None else None
                payer = item.payer if item is not None else (spec.price.payer or spec.beneficiary)
                put(ctx.label("xl_payer"), payer)
                put("beneficiary", spec.beneficiary or payer)
                if item is not None and item.transfer_recipient:
                    put(ctx.label("xl_recipient"), item.transfer_recipient, note="transfer")
                unit = item.unit if item is not None else spec.price.unit
                if item is not None:
                    put(ctx.label("xl_item"), spec.item)
                else:
                    put(
                        "price",
                        None,
                        EURO,
                        key="price",
                        input_name=f"{base}.price",
                        note=spec.price.label or "",
                    )
                    self._price_year(put, spec.price.price_year, key="price_year")
                    constant = self._index_factor(put, spec.price.price_year)
                conv = conversion_factor(spec.unit or unit, unit)
                put(ctx.label("xl_unit"), f"{spec.unit or unit} -> {unit}")
                put(
                    "unit_factor",
                    conv,
                    "0.000000####",
                    key="unit_factor",
                    note="1 year = 12 months = 52 weeks = 365 days",
                )
                constant *= conv
                for param, fmt in (
                    ("quantity", NUMBER),
                    ("success", PERCENT),
                    ("deadweight", PERCENT),
                    ("attribution", PERCENT),
                    ("displacement", PERCENT),
                    ("optimism_bias", PERCENT),
                    ("drop_off", PERCENT),
                ):
                    put(param, None, fmt, key=param, input_name=f"{base}.{param}")
                if spec.per == "year":  # at area level: every year of the range, drop-off from its first
                    put("per", spec.per)
                    self._timing(put, spec, line)
                else:
                    put("lag", spec.lag, "0", key="lag", is_input=True)
                    put("duration", spec.duration, "0", key="duration", is_input=True)
            else:
                put("as", spec.as_)
                if spec.as_ == "benefit":
                    put("beneficiary", spec.beneficiary or "samenleving")
                put("per", spec.per)
                put("hours", None, NUMBER, key="hours", input_name=f"{base}.hours")
                if isinstance(spec.value, str):
                    put(ctx.label("xl_item"), spec.value)
                else:
                    put("value", None, EURO, key="value", input_name=f"{base}.value")
                    self._price_year(put, spec.value.price_year, key="price_year")
                    constant = self._index_factor(put, spec.value.price_year)
                self._timing(put, spec, line)
            self.line_constant[line.id] = constant
        self.table(ws, start, self.row, 1, 5, "Regels")
        ws.freeze_panes = "A5"

    def _stated_price_year(self) -> int:
        """The price year of amounts the scenario states without one: the scenario's own price year
        (docs/formats.md), also when the run reports in another (an override), else the index's newest year."""
        s = self.model.scenario
        return s.price_year if s.price_year is not None else self.ctx.index.last_year

    def _price_year(self, put, year, key: str) -> None:
        if year is None:
            put(
                self.ctx.label("xl_item_price_year"),
                self._stated_price_year(),
                YEAR,
                key=key,
                is_input=True,
                note=self.ctx.label("xl_stated_price_year"),
            )
        else:
            put(self.ctx.label("xl_item_price_year"), year, YEAR, key=key, is_input=True)

    def _index_factor(self, put, year) -> float:
        """Index factor cell of a line's own amount; returns its value (to check against the core)."""
        names = self._current_names()
        put(
            self.ctx.label("xl_index_factor"),
            None,
            FACTOR,
            key="index_factor",
            formula=f"={self.lookup('price_year')}/{self.lookup(names['price_year'])}",
        )
        y = year if year is not None else self._stated_price_year()
        return float(self.ctx.index.factor(y, self.model.price_year))

    def _current_names(self) -> dict[str, str]:
        return list(self.line_names.values())[-1]

    def _timing(self, put, spec, line) -> None:
        if line.cohort is None:
            first = spec.year if spec.year is not None else spec.years[0]
            last = spec.year if spec.year is not None else spec.years[1]
            note = "drop-off from this year" if line.decay is not None else ""
            put("first_year", first, YEAR, key="first_year", is_input=True, note=note)
            put("last_year", last, YEAR, key="last_year", is_input=True)
        else:
            put(
                "duration",
                line.cohort[1],
                "0",
                key="duration",
                is_input=True,
                note="per participant" if spec.per == "participant" else "",
            )
