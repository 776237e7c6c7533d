"""Make ``gmca-ucd-v1.4-excerpt.xlsx``, the GMCA workbook the importer tests read, from the published one.

Run by hand, from anywhere, when the excerpt should change (the tests never run it)::

    python tests/data/make_gmca_excerpt.py [WORKBOOK] [OUTPUT]

``WORKBOOK`` is the published Greater Manchester (New Economy) Unit Cost Database v1.4
(default ``../shared/data/gmca-unit-cost-database-v1.4.xlsx`` beside the repository, where CI keeps
it); ``OUTPUT`` defaults to ``tests/data/gmca-ucd-v1.4-excerpt.xlsx``. The same input gives the same
bytes (entries keep the input's order and time stamps). The database is CC BY 4.0, (c) New Economy /
GMCA: ``gmca-ucd-v1.4-excerpt.LICENCE.md`` beside the excerpt says so and what was changed.

What the excerpt is
-------------------
The published workbook with rows removed. Every other part of the file (sheets and their order,
styles, column widths, frozen panes, merged cells, data validations, conditional formats, defined
names, formulas) is copied byte for byte, except what keeps it small and consistent:

* in the 7 theme sheets (every sheet the bundled mapping ``pricelists/mappings/gmca-ucd-v1.4.yaml``
  does not exclude) only the rows chosen below are kept, **each at its own row number**, so every
  cell keeps its address (``Crime!C58`` is still ``Crime!C58``) and the gaps read as blank rows;
  of the update log, its first ``LOG`` rows; Introduction (with the licence), Guidance and Lookups
  (which the formulas and data validations use) are kept whole;
* hyperlinks and cell comments of removed rows are left out; a hyperlink over several rows keeps
  the runs of kept rows (``Q13:Q17`` with rows 16 and 17 kept becomes ``Q16:Q17``);
* the shared-string table holds only the strings the kept cells use, renumbered in their old order;
* each cut sheet's ``<dimension>`` ends at its last kept row;
* left out as well: ``xl/calcChain.xml`` (Excel's list of formula cells, which would name removed
  cells; Excel rebuilds it), the New Economy logo on the Introduction sheet (12 KB of PNG) and the
  printer-driver blobs of each sheet's page setup (the page setup itself stays).

Formulas stay formulas with the values Excel last calculated, which is what the importer reads:
``E&S5.0`` is still ``=3308/40`` with 82.7. The script checks the result: every kept cell has the
value, formula, hyperlink and comment it has in the published workbook, every other cell is empty.

Rows kept in each theme sheet
-----------------------------
1. the header rows the mapping names (``header.rows``: 1 and 2);
2. every row a ``corrections`` entry of the mapping names (``Crime!C58``, the blank cost code) and
   the coded rows either side of it;
3. every coded row without a fiscal value (the 9 economic-only rows E&S8.1-8.6, E&S12.1-12.3);
4. the rows of the cost codes the tests check one by one (``SPOT_CHECKED``);
5. the first row carrying a cell comment (if any);
6. then, over the whole workbook, the shortest coded rows (fewest characters) that add something
   not yet kept in any sheet: a unit text (column E; so every unit text of the published workbook,
   each a key of the mapping's ``unit.map``, is met in the excerpt), an agency level 1 (F), a RAG
   rating (R), a form of year (I), a kind of source hyperlink (Q: none, ``http``, ``https``, or
   malformed, such as the ``superchttp://...eded`` links the mapping's ``pattern`` leaves out), a
   fiscal value given as a formula, a row without an agency level 2;
7. more of the shortest coded rows until the sheet has ``MIN_CODED`` of them;
8. the first ``UNCODED_TAIL`` non-empty rows without a cost code under the table, and every row
   the sheet's conditional formats and data validations refer to (the year and RAG lists under
   each table, which the mapping skips);
9. then, repeatedly, every row a kept formula refers to in its own sheet (``=SUM(H73:H75)`` would
   keep rows 73-75), so that no kept formula points at a removed cell.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORKBOOK = REPO.parent / "shared" / "data" / "gmca-unit-cost-database-v1.4.xlsx"
OUTPUT = HERE / "gmca-ucd-v1.4-excerpt.xlsx"
MAPPING = REPO / "pricelists" / "mappings" / "gmca-ucd-v1.4.yaml"

#: Cost codes tests/test_importers.py checks item by item.
SPOT_CHECKED = {"CR1.0", "CR1.2", "E&S1.0", "E&S5.0", "E&E1.0", "SS1.0", "SS7.0"}
#: Coded rows per theme sheet at least (fewer where the sheet has fewer).
MIN_CODED = 6
#: Non-empty rows without a cost code kept under each table.
UNCODED_TAIL = 3
#: Columns read to choose rows (letters as in the workbook; the script checks their headers).
CODE, UNIT, AGENCY1, AGENCY2, FISCAL, YEAR, SOURCE, RAG = "C", "E", "F", "G", "H", "I", "Q", "R"
HEADERS = {
    CODE: "Cost code",
    UNIT: "Unit",
    FISCAL: "Estimated cost/saving",
    YEAR: "Year",
    RAG: "RAG assessment",
}
URL = re.compile(r"^https?://\S+$")

_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_SHARED_CELL = re.compile(rb'(<c\b[^>]*\bt="s"[^>]*>\s*<v>)(\d+)(</v>)')
_STRING_ITEM = re.compile(rb"<si>.*?</si>|<si/>", re.S)
_HYPERLINK = re.compile(rb'<hyperlink\b[^>]*\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"[^>]*/>')
_RELATIONSHIP = re.compile(rb'<Relationship\b[^>]*\bId="([^"]+)"[^>]*/>')
_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")
_OTHER_SHEET_REF = re.compile(r"(?:'[^']+'|[\w.]+)!\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?")
_MAIN = "xl/workbook.xml"
#: Parts left out: Excel's calculation chain (it names removed cells), the logo on the Introduction
#: sheet and the printer-driver blobs of each sheet's page setup.
DROPPED = {
    "xl/calcChain.xml",
    "xl/drawings/drawing1.xml",
    "xl/drawings/_rels/drawing1.xml.rels",
    "xl/media/image1.png",
}
PRINTER = re.compile(r"xl/printerSettings/printerSettings\d+\.bin$")
#: Rows kept of the update log (its title, header and the Crime changes, which name CR8.0.1).
LOG = ("v1.4 update log", 12)


def link_kind(cell) -> str:
    """How a source cell links: none, http, https or malformed."""
    if cell.hyperlink is None or not cell.hyperlink.target:
        return "none"
    target = cell.hyperlink.target
    return target.split(":", 1)[0] if URL.match(target) else "malformed"


def row_features(sheet, formulas, number: int) -> set[tuple[str, object]]:
    """What a coded row shows of the workbook's variety (rule 6 of the module docstring)."""
    value = lambda letter: sheet[f"{letter}{number}"].value  # noqa: E731
    features = {
        ("unit", value(UNIT)),
        ("agency", value(AGENCY1)),
        ("rag", value(RAG)),
        ("year form", re.sub(r"\d", "9", str(value(YEAR)))),
        ("link", link_kind(sheet[f"{SOURCE}{number}"])),
        ("no agency level 2", value(AGENCY2) is None),
    }
    if str(formulas[f"{FISCAL}{number}"].value).startswith("="):
        features.add(("fiscal formula", True))
    return features


def referred_rows(formula: str) -> set[int]:
    """Rows of its own sheet a formula refers to (references to other sheets left out)."""
    rows: set[int] = set()
    for match in _CELL_REF.finditer(_OTHER_SHEET_REF.sub("", formula)):
        first = int(match[2])
        rows.update(range(first, int(match[4] or first) + 1))
    return rows


def rules_rows(sheet_xml: bytes) -> set[int]:
    """Rows of its own sheet a conditional format or data validation of the sheet refers to."""
    rows: set[int] = set()
    for formula in re.findall(rb"<formula1?>([^<]*)</formula1?>", sheet_xml):
        rows |= referred_rows(formula.decode())
    return rows


def coded_rows(sheet, header_rows: list[int]) -> list[int]:
    """The rows of a theme sheet with a cost code (a blank one too), after checking its header."""
    for letter, text in HEADERS.items():
        found = " / ".join(str(sheet[f"{letter}{r}"].value) for r in header_rows)
        assert text in found, f"{sheet.title}!{letter}: expected {text!r} in the header, found {found!r}"
    return [r for r in range(header_rows[-1] + 1, sheet.max_row + 1) if sheet[f"{CODE}{r}"].value is not None]


def required_rows(sheet, formulas, sheet_xml: bytes, header_rows: list[int], corrected: set[int]) -> set[int]:
    """The rows of one theme sheet that rules 1-5 and 8 of the module docstring keep."""
    coded = coded_rows(sheet, header_rows)
    keep = set(header_rows) | corrected
    for row in corrected:  # the coded rows either side of a corrected one
        keep.update(
            (max((r for r in coded if r < row), default=row), min((r for r in coded if r > row), default=row))
        )
    keep.update(r for r in coded if sheet[f"{FISCAL}{r}"].value is None)
    keep.update(r for r in coded if str(sheet[f"{CODE}{r}"].value).strip() in SPOT_CHECKED)
    keep.add(min((c.row for row in formulas.iter_rows() for c in row if c.comment is not None), default=1))
    uncoded = [
        r
        for r in range(coded[-1] + 1, sheet.max_row + 1)
        if any(c.value is not None for c in sheet[r]) and sheet[f"{CODE}{r}"].value is None
    ]
    return keep | set(uncoded[:UNCODED_TAIL]) | rules_rows(sheet_xml)


def add_variety(values, formulas, keep: dict[str, set[int]], header_rows: list[int]) -> None:
    """Add coded rows until the workbook's variety is there, then up to ``MIN_CODED`` a sheet (rules 6, 7)."""
    coded = {sheet: coded_rows(values[sheet], header_rows) for sheet in keep}
    seen = set().union(
        *(row_features(values[s], formulas[s], r) for s in keep for r in keep[s] if r in coded[s])
    )
    length = lambda sheet, r: sum(len(str(c.value or "")) for c in values[sheet][r])  # noqa: E731
    shortest = sorted(
        ((length(s, r), s, r) for s in keep for r in coded[s]), key=lambda t: (t[0], t[1], t[2])
    )
    for _, sheet, row in shortest:
        new = row_features(values[sheet], formulas[sheet], row) - seen
        if new:
            keep[sheet].add(row)
            seen |= new
    for sheet, rows in keep.items():
        for _, _, row in (t for t in shortest if t[1] == sheet):
            if len(rows & set(coded[sheet])) >= MIN_CODED:
                break
            rows.add(row)


def with_referred_rows(formulas, keep: set[int]) -> set[int]:
    """The rows, and every row a kept formula refers to in its own sheet, repeatedly (rule 9)."""
    while True:
        refers = {
            row
            for r in keep
            for c in formulas[r]
            if isinstance(c.value, str) and c.value.startswith("=")
            for row in referred_rows(c.value)
        }
        if refers <= keep:
            return keep
        keep = keep | refers


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part."""
    rels = {
        m[1].decode(): re.search(rb'Target="([^"]+)"', m[0])[1].decode()
        for m in _RELATIONSHIP.finditer(archive.read("xl/_rels/workbook.xml.rels"))
    }
    sheets = re.findall(rb'<sheet\b[^>]*\bname="([^"]+)"[^>]*\br:id="([^"]+)"', archive.read(_MAIN))
    unescape = {b"&amp;": b"&", b"&apos;": b"'", b"&quot;": b'"', b"&lt;": b"<", b"&gt;": b">"}
    parts = {}
    for name, rel in sheets:
        for escaped, plain in unescape.items():
            name = name.replace(escaped, plain)
        parts[name.decode()] = "xl/" + rels[rel.decode()].removeprefix("/xl/")
    return parts


def cut_sheet(xml: bytes, keep: set[int]) -> bytes:
    """A sheet part with only the rows in ``keep`` and the hyperlinks that touch them."""
    xml = _ROW.sub(lambda m: m[0] if int(m[1]) in keep else b"", xml)

    def hyperlink(match: re.Match) -> bytes:
        column, first, other, last = re.fullmatch(rb"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", match[1]).groups()
        assert other in (None, column), f"a hyperlink over several columns: {match[1]!r}"
        rows = [r for r in range(int(first), int(last or first) + 1) if r in keep]
        refs = [b"%s%d" % (column, a) + (b":%s%d" % (column, b) if b > a else b"") for a, b in _runs(rows)]
        return b"".join(match[0].replace(b'ref="%s"' % match[1], b'ref="%s"' % ref) for ref in refs)

    xml = _HYPERLINK.sub(hyperlink, xml)
    xml = re.sub(rb"<hyperlinks>\s*</hyperlinks>", b"", xml)
    return re.sub(rb'(<dimension ref="[A-Z]+\d+:[A-Z]+)\d+', lambda m: m[1] + str(max(keep)).encode(), xml)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as runs of consecutive ones: [3, 4, 5, 8] -> [(3, 5), (8, 8)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def prune_relationships(rels: bytes, sheet: bytes) -> tuple[bytes, bytes]:
    """A sheet and its relationships without printer settings and the hyperlinks it no longer has."""
    for match in _RELATIONSHIP.finditer(rels):
        if b"/printerSettings" in match[0]:
            sheet = re.sub(rb'(<pageSetup\b[^>]*?) r:id="%s"' % match[1], rb"\1", sheet)
        elif b"/drawing" in match[0] and b"../drawings/drawing1.xml" in match[0]:
            sheet = re.sub(rb'<drawing r:id="%s"\s*/>' % match[1], b"", sheet)
    used = set(re.findall(rb'r:id="([^"]+)"', sheet))
    dropped = (b"/hyperlink", b"/printerSettings", b"/drawing")

    def keep(match: re.Match) -> bytes:
        return match[0] if match[1] in used or not any(t in match[0] for t in dropped) else b""

    return sheet, _RELATIONSHIP.sub(keep, rels)


def renumber_strings(parts: dict[str, bytes], strings: bytes) -> tuple[dict[str, bytes], bytes]:
    """Keep only the shared strings the sheets use; renumber the cells that use them."""
    items = _STRING_ITEM.findall(strings)
    unique = re.search(rb'uniqueCount="(\d+)"', strings)
    assert unique is not None and int(unique[1]) == len(items), "shared strings: count does not match"
    used = sorted({int(m[2]) for xml in parts.values() for m in _SHARED_CELL.finditer(xml)})
    new = {old: i for i, old in enumerate(used)}
    cells = sum(len(_SHARED_CELL.findall(xml)) for xml in parts.values())
    parts = {
        name: _SHARED_CELL.sub(lambda m: m[1] + str(new[int(m[2])]).encode() + m[3], xml)
        for name, xml in parts.items()
    }
    head = strings[: strings.index(b"<si")]
    head = re.sub(rb'\bcount="\d+"', b'count="%d"' % cells, head)
    head = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="%d"' % len(used), head)
    return parts, head + b"".join(items[i] for i in used) + b"</sst>"


def drop_parts(name: str, data: bytes) -> bytes:
    """Content types and workbook relationships without the parts left out."""
    if name == "[Content_Types].xml":
        return re.sub(rb'<Override PartName="/xl/(calcChain|drawings/drawing1).xml"[^>]*/>', b"", data)
    return _RELATIONSHIP.sub(lambda m: b"" if b"/calcChain" in m[0] else m[0], data)


def cut_comments(data: dict[str, bytes], part: str, keep: set[int]) -> None:
    """Leave out the comments (and their VML note shapes) of a sheet's removed rows."""
    folder, name = part.rsplit("/", 1)
    rels = data.get(f"{folder}/_rels/{name}.rels", b"")
    for match in _RELATIONSHIP.finditer(rels):
        target = re.search(rb'Target="\.\./([^"]+)"', match[0])
        if b"/comments" in match[0]:
            path = "xl/" + target[1].decode()
            data[path] = re.sub(
                rb'<comment ref="[A-Z]+(\d+)".*?</comment>',
                lambda m: m[0] if int(m[1]) in keep else b"",
                data[path],
                flags=re.S,
            )
        elif b"/vmlDrawing" in match[0]:
            path = "xl/" + target[1].decode()
            data[path] = re.sub(
                rb"<v:shape .*?<x:Row>(\d+)</x:Row>.*?</v:shape>",
                lambda m: m[0] if int(m[1]) + 1 in keep else b"",
                data[path],
                flags=re.S,
            )


def make_excerpt(source: Path, target: Path) -> dict[str, set[int]]:
    """Write the excerpt; return, per theme sheet, the rows kept."""
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    values = openpyxl.load_workbook(source, data_only=True)
    formulas = openpyxl.load_workbook(source)
    themes = [s for s in values.sheetnames if s not in mapping["sheets"]["exclude"]]
    corrected: dict[str, set[int]] = {}
    for fix in mapping.get("corrections", []):
        corrected.setdefault(fix["sheet"], set()).add(int(re.sub(r"^[A-Z]+", "", fix["cell"])))
    header_rows = mapping["header"]["rows"]
    with zipfile.ZipFile(source) as archive:
        infos = [i for i in archive.infolist() if i.filename not in DROPPED and not PRINTER.match(i.filename)]
        data = {info.filename: archive.read(info) for info in infos}
        parts = sheet_parts(archive)
    keep = {
        sheet: required_rows(
            values[sheet], formulas[sheet], data[parts[sheet]], header_rows, corrected.get(sheet, set())
        )
        for sheet in themes
    }
    add_variety(values, formulas, keep, header_rows)
    keep = {sheet: with_referred_rows(formulas[sheet], rows) for sheet, rows in keep.items()}
    for sheet in themes:
        cut_comments(data, parts[sheet], keep[sheet])
    keep[LOG[0]] = set(range(1, LOG[1] + 1))
    sheets = {
        parts[s]: cut_sheet(data[parts[s]], keep[s]) if s in keep else data[parts[s]]
        for s in values.sheetnames
    }
    sheets, data["xl/sharedStrings.xml"] = renumber_strings(sheets, data["xl/sharedStrings.xml"])
    data |= sheets
    for part in sheets:
        folder, name = part.rsplit("/", 1)
        rels = f"{folder}/_rels/{name}.rels"
        if rels in data:
            data[part], data[rels] = prune_relationships(data[rels], data[part])
    for name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
        data[name] = drop_parts(name, data[name])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in infos:
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            out.writestr(entry, data[info.filename])
    return keep


def check_excerpt(source: Path, target: Path, keep: dict[str, set[int]]) -> None:
    """Kept cells have the value, formula and hyperlink they have in the published workbook; others are empty."""
    for data_only in (True, False):
        full = openpyxl.load_workbook(source, data_only=data_only)
        part = openpyxl.load_workbook(target, data_only=data_only)
        assert part.sheetnames == full.sheetnames
        for sheet in part.sheetnames:
            for row in full[sheet].iter_rows():
                for original in row:
                    cell = part[sheet][original.coordinate]
                    if sheet in keep and original.row not in keep[sheet]:
                        assert cell.value is cell.hyperlink is cell.comment is None, (sheet, cell.coordinate)
                        continue
                    assert cell.value == original.value, (sheet, cell.coordinate)
                    link = original.hyperlink.target if original.hyperlink else None
                    assert (cell.hyperlink.target if cell.hyperlink else None) == link, (
                        sheet,
                        cell.coordinate,
                    )
                    note = original.comment.text if original.comment else None
                    assert (cell.comment.text if cell.comment else None) == note, (sheet, cell.coordinate)


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else WORKBOOK
    target = Path(argv[1]) if len(argv) > 1 else OUTPUT
    kept = make_excerpt(source, target)
    check_excerpt(source, target, kept)
    counts = ", ".join(f"{sheet} {len(rows)}" for sheet, rows in kept.items())
    print(f"{target}: {target.stat().st_size:,} bytes; rows kept: {counts}")


if __name__ == "__main__":
    main(sys.argv[1:])
