"""Write the catalogue of bad inputs in this folder: each file one way to be wrong (issue 12).

Run ``python tests/data/bad/make_bad.py`` to rewrite them; tests/test_bad_inputs.py checks every one
through ``mkba check`` (exit code 2, one message naming the file, no traceback). Large and hostile
files (a billion laughs, /dev/zero-sized, zip bombs) are made at test time in a temporary folder.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
BASE = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
PL = (ROOT / "tests" / "data" / "pl_small.yaml").read_text(encoding="utf-8")


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


SCENARIO_EDITS: dict[str, tuple[str, str]] = {
    # syntax
    "syntax-tab-indent": ("  gemeente: {public: true, label: Gemeente}", "\tgemeente: {public: true}"),
    "syntax-unclosed-flow": ("{public: true, label: Gemeente}", "{public: true, label: Gemeente"),
    "syntax-unclosed-quote": ("name: Tutorial", 'name: "Tutorial'),
    "syntax-bad-indent": ("  2026: 60", "    2026: 60"),
    "syntax-duplicate-key": ("horizon: 5", "horizon: 5\nhorizon: 6"),
    "syntax-undefined-alias": ("horizon: 5", "horizon: *five"),
    "syntax-two-documents": ("format: mkba-scenario/1", "format: mkba-scenario/1\n---\nx: 1"),
    "syntax-colon-in-key": ("horizon: 5", "horizon: 5: 6"),
    "syntax-python-tag": ("horizon: 5", "horizon: !!python/object/apply:os.system [echo]"),
    "syntax-custom-tag": ("horizon: 5", "horizon: !custom 5"),
    "syntax-self-alias": ("participants:\n", "participants: &p\n  2024: *p\n"),
    # structure
    "structure-unknown-key": ("horizon: 5", "horizon: 5\nhorizn: 5"),
    "structure-missing-start-year": ("start_year: 2025\n", ""),
    "structure-wrong-format": ("\nformat: mkba-scenario/1", "\nformat: mkba-scenario/9"),
    "structure-costs-mapping": ("costs:\n", "costs: {}\nold_costs:\n"),
    "structure-stakeholders-list": ("stakeholders:\n", "stakeholders: [gemeente]\nxstakeholders:\n"),
    "structure-cost-without-amount": ("    amount: 25000\n    price_year: 2024", "    price_year: 2024"),
    "structure-unknown-per": ("    per: once", "    per: sometimes"),
    "structure-unknown-dist": ("horizon: 5", "horizon: 5\ndiscount_rate: {dist: cauchy, low: 0, high: 1}"),
    # types
    "type-horizon-text": ("horizon: 5", 'horizon: "5"'),
    "type-horizon-float": ("horizon: 5", "horizon: 5.5"),
    "type-horizon-bool": ("horizon: 5", "horizon: true"),
    "type-discount-text": ("discount_rate: 0.0225", "discount_rate: two"),
    "type-discount-list": ("discount_rate: 0.0225", "discount_rate: [0.02]"),
    "type-amount-text": ("    amount: 25000", "    amount: 25.000,00"),
    "type-participants-text": ("  2025: 40", "  2025: forty"),
    "type-public-text": ("{public: true, label: Gemeente}", "{public: maybe, label: Gemeente}"),
    "type-start-year-date": ("start_year: 2025", "start_year: 2025-01-01"),
    "type-null-name": ("name: Tutorial - buurtcoaching (fictief voorbeeld)", "name: null"),
    # numbers and ranges
    "range-discount-percent": ("discount_rate: 0.0225", "discount_rate: 2.25"),
    "range-discount-nan": ("discount_rate: 0.0225", "discount_rate: .nan"),
    "range-discount-inf": ("discount_rate: 0.0225", "discount_rate: .inf"),
    "range-discount-minus-one": ("discount_rate: 0.0225", "discount_rate: -1"),
    "range-participants-1e300": ("  2025: 40", "  2025: 1e300"),
    "range-participants-negative": ("  2025: 40", "  2025: -40"),
    "range-amount-negative": ("    amount: 25000", "    amount: -25000"),
    "range-amount-huge-int": ("    amount: 25000", "    amount: " + "9" * 400),
    "range-amount-1e400": ("    amount: 25000", "    amount: 1e400"),
    "range-horizon-zero": ("horizon: 5", "horizon: 0"),
    "range-horizon-huge": ("horizon: 5", "horizon: 100000"),
    "range-start-year-1066": ("start_year: 2025", "start_year: 1066"),
    "range-price-year-huge": ("\nprice_year: 2024\n", "\nprice_year: " + "9" * 400 + "\n"),
    "range-int-5000-digits": ("horizon: 5", "horizon: " + "1" * 5000),
    "range-dist-low-above-high": (
        "discount_rate: 0.0225",
        "discount_rate: {dist: uniform, low: 0.05, high: 0.01}",
    ),
    # references
    "ref-unknown-pricelist": ("pricelist: nl-sociaal-domein@2024.1", "pricelist: nl-sociaal-domain@2024.1"),
    "ref-unknown-version": ("pricelist: nl-sociaal-domein@2024.1", "pricelist: nl-sociaal-domein@1999.9"),
    "ref-missing-pricelist-file": ("pricelist: nl-sociaal-domein@2024.1", "pricelist: ./no-such-list.yaml"),
    "ref-unknown-item": ("    item: maatschappelijk-werk-consult", "    item: no-such-item"),
    "ref-unknown-payer": ("    payer: fonds", "    payer: Fonds Met Spaties"),
    "ref-pricelist-is-folder": ("pricelist: nl-sociaal-domein@2024.1", "pricelist: ../bad/"),
    "ref-pricelist-self": ("pricelist: nl-sociaal-domein@2024.1", "pricelist: ref-pricelist-self.yaml"),
}

PRICELIST_EDITS: dict[str, tuple[str, str]] = {
    "pl-amount-negative": ("amount: 32.5", "amount: -32.5"),
    "pl-amount-nan": ("amount: 32.5", "amount: .nan"),
    "pl-amount-text": ("amount: 32.5", "amount: lots"),
    "pl-price-year-outside-index": ("price_year: 2022", "price_year: 1800"),
    "pl-confidence-9": ("confidence: 3", "confidence: 9"),
    "pl-unknown-nature": ("nature: resource", "nature: magic"),
    "pl-duplicate-id": ("  - id: uitkering-maand", "  - id: uur-hulp"),
    "pl-missing-version": ('version: "1.0"\n', ""),
    "pl-extends-missing": ("title: Small test list", "title: Small test list\nextends: no-such-list@1"),
    "pl-extends-self": ("title: Small test list", "title: Small test list\nextends: ./pl-extends-self.yaml"),
    "pl-unknown-key": ("title: Small test list", "title: Small test list\ntitel: x"),
    "pl-id-with-space": ("  - id: uur-hulp", "  - id: uur hulp"),
}

RAW: dict[str, bytes] = {
    "enc-nul-byte.yaml": BASE.replace("horizon: 5", "horizon: 5\x00").encode(),
    "enc-control-char.yaml": BASE.replace("name: Tutorial", "name: Tu\x07torial").encode(),
    "enc-latin1.yaml": BASE.replace("fictief", "fictief \u00e9").encode("latin-1", "replace"),
    "enc-utf16.yaml": BASE.encode("utf-16"),
    "enc-invalid-utf8.yaml": BASE.encode() + b"\nname2: \xff\xfe\n",
    "enc-escape-sequence.yaml": BASE.replace("name: Tutorial", "name: \x1b[31mTutorial").encode(),
    "enc-del-char.yaml": BASE.replace("name: Tutorial", "name: Tut\x7forial").encode(),
    "size-empty.yaml": b"",
    "size-only-comment.yaml": b"# nothing here\n",
    "size-only-whitespace.yaml": b"   \n\n  \n",
    "structure-top-list.yaml": b"- format: mkba-scenario/1\n",
    "structure-top-scalar.yaml": b"just text\n",
    "structure-no-format.yaml": b"name: x\nhorizon: 5\n",
    "hostile-laughs-small.yaml": (
        "format: mkba-scenario/1\na: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    ).encode(),
    "hostile-deep-flow.yaml": b"format: mkba-scenario/1\nx: " + b"[" * 2000 + b"]" * 2000 + b"\n",
    "hostile-deep-block.yaml": b"format: mkba-scenario/1\nx:\n"
    + b"".join(b" " * i + b"- \n" for i in range(1, 300)),
    "json-syntax.json": b'{"format": "mkba-scenario/1",}',
    "json-nan.json": b'{"format": "mkba-scenario/1", "horizon": NaN}',
    "json-infinity.json": b'{"format": "mkba-scenario/1", "horizon": Infinity}',
    "json-1e400.json": b'{"format": "mkba-scenario/1", "discount_rate": 1e400}',
    "json-duplicate-key.json": b'{"format": "mkba-scenario/1", "format": "mkba-scenario/1"}',
    "json-deep.json": b"[" * 5000 + b"]" * 5000,
    "json-top-list.json": b"[1, 2, 3]",
    "json-huge-int.json": b'{"format": "mkba-scenario/1", "horizon": ' + b"9" * 5000 + b"}",
    "toml-syntax.toml": b'format = "mkba-scenario/1"\nname = \n',
    "toml-duplicate-key.toml": b'format = "mkba-scenario/1"\nformat = "x"\n',
    "toml-deep.toml": b'format = "mkba-scenario/1"\nx = ' + b"[" * 3000 + b"]" * 3000 + b"\n",
    "toml-nan.toml": b'format = "mkba-scenario/1"\nname = "x"\nstart_year = 2025\nhorizon = 5\ndiscount_rate = nan\n',
    "csv-formula-table.csv": b"format,mkba-pricelist/1\nname,x\n\nid,label\n=cmd,x\n",
    "csv-bad-layout.csv": b"just,one,row\n",
    "csv-nul.csv": b"format,mkba-pricelist/1\x00\n",
    "csv-unknown-column.csv": b"format,mkba-pricelist/1\nname,x\nversion,1\n\nid,colour\na,red\n",
    "xlsx-not-a-zip.xlsx": b"this is not a workbook\n",
    "xlsx-empty-zip.xlsx": b"PK\x05\x06" + b"\x00" * 18,
    "mapping-unknown-key.yaml": b"format: mkba-mapping/1\nname: m\ncolour: red\n",
    "index-bad.yaml": b"format: mkba-index/1\nname: cpi\nvalues: {2020: -1}\n",
    "project-missing-alternative.yaml": b"format: mkba-project/1\nname: p\nbaseline: {id: nul, scenario: no-such.yaml}\n",
}


def _xlsx(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _corrupt_deflate() -> bytes:
    data = bytearray(_xlsx({"[Content_Types].xml": b"<Types>" + b"x" * 4000 + b"</Types>"}))
    data[60:80] = b"\x00" * 20  # inside the compressed stream
    return bytes(data)


RAW["xlsx-corrupt-deflate.xlsx"] = _corrupt_deflate()
RAW["xlsx-doctype.xlsx"] = _xlsx(
    {"[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>'}
)
RAW["xlsx-missing-parts.xlsx"] = _xlsx({"hello.txt": b"hello"})


def main() -> None:
    """Write every file of the catalogue next to this script."""
    for name, (old, new) in SCENARIO_EDITS.items():
        (HERE / f"{name}.yaml").write_text(sub(BASE, old, new), encoding="utf-8")
    for name, (old, new) in PRICELIST_EDITS.items():
        (HERE / f"{name}.yaml").write_text(sub(PL, old, new), encoding="utf-8")
    for name, data in RAW.items():
        (HERE / name).write_bytes(data)
    (HERE / "README.json").write_text(
        json.dumps({"files": len(SCENARIO_EDITS) + len(PRICELIST_EDITS) + len(RAW)}) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
