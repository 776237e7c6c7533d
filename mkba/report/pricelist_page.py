"""A price list as a Markdown reference page: every price with its unit, year, payer and source.

``mkba pricelist show NAME@VERSION --format md`` prints it; ``docs/pricelist.md`` is made with it
(a test keeps that page current), so that a reviewer reads every price beside its source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkba.report.vocabulary import label, unit_name

if TYPE_CHECKING:
    from mkba.pricelist.items import PriceItem, PriceList

_HEADER = "| id | omschrijving | eenheid | bedrag | prijsjaar | bereik | betaler | aard | zekerheid | bron |"
_RULE = "|---|---|---|---:|---:|---|---|---|---:|---|"


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _amount(x: float | None) -> str:
    """Dutch notation: 1.234,56."""
    return "" if x is None else f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _source(item: PriceItem) -> str:
    s = item.source
    title = _cell(s.title)
    head = f"[{title}]({s.url})" if s.url else title
    return head + (f"; {_cell(s.where)}" if s.where else "")


def _row(item: PriceItem) -> str:
    spread = (
        f"{_amount(item.low)} - {_amount(item.high)}" if item.low is not None or item.high is not None else ""
    )
    # the unit and the nature in Dutch, as the table view (``mkba pricelist show``) says them
    nature = label(f"pl_nature_{item.nature}") + (
        " (referentiewaarde)" if item.kind == "reference_value" else ""
    )
    cells = [
        f"`{item.id}`", _cell(item.label), unit_name(item.unit), _amount(item.amount), str(item.price_year), spread,
        item.payer, nature, str(item.confidence), _source(item),
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def pricelist_markdown(pricelist: PriceList) -> str:
    """The whole list as Markdown: a header with its version and hash, then one table per category.

    Parameters
    ----------
    pricelist : PriceList
        A resolved list (``mkba.load_pricelist("nl-sociaal-domein@2025.1")``).

    Returns
    -------
    str
        Markdown; amounts in the list's currency and each item's own price year.

    Examples
    --------
    >>> import mkba
    >>> page = pricelist_markdown(mkba.load_pricelist("nl-sociaal-domein@2024.1"))
    >>> page.splitlines()[0]
    '# Prijslijst nl-sociaal-domein@2024.1'
    """
    by_category: dict[str, list[PriceItem]] = {}
    for item in pricelist:
        by_category.setdefault(item.category or "overig", []).append(item)
    lines = [
        f"# Prijslijst {pricelist.ref}",
        "",
        f"{_cell(pricelist.title)}: {len(pricelist)} prijzen in {pricelist.currency}, elk in zijn eigen prijsjaar;",
        "mkba indexeert ze met de CBS-consumentenprijsindex naar het prijspeil van een scenario.",
        f"Inhoudshash (sha256): `{pricelist.sha256}`.",
        "",
        f"Gemaakt met `mkba pricelist show {pricelist.ref} --format md`; niet met de hand bewerken (een test",
        "controleert dat deze pagina bij de lijst past). Zekerheid: 5 is een officieel tarief of statistiek,",
        "1 een zwakke aanwijzing; de toelichting (`note`) van elk item in het lijstbestand zegt waarom.",
        "",
    ]
    for category in sorted(by_category):
        items = sorted(by_category[category], key=lambda i: i.id)
        lines += [f"## {category} ({len(items)})", "", _HEADER, _RULE, *(_row(i) for i in items), ""]
    return "\n".join(lines + _index_section())


def _index_section() -> list[str]:
    """The bundled price index, year by year, with how each value was obtained."""
    from mkba.pricelist.index import default_index

    index = default_index()
    meta = index.meta
    if meta is None:  # pragma: no cover - the bundled index always has its file's metadata
        return []
    lines = [
        f"## Prijsindex: {_cell(meta.title)} ({meta.base_year} = 100)",
        "",
        f"Bron: [{_cell(meta.source.title)}]({meta.source.url}).",
        "",
        "| jaar | index | status |",
        "|---:|---:|---|",
    ]
    for year, value in meta.values.items():
        status = meta.status_of(year)
        shown = {"official": "officieel", "provisional": "voorlopig", "derived": "afgeleid"}[status.kind]
        lines.append(
            f"| {year} | {_amount(value)} | {shown}{': ' + _cell(status.how) if status.how else ''} |"
        )
    return [*lines, ""]
