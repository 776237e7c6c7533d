"""Price lists: the bundled list, the registry, extends, validation, diff (mkba.pricelist.items)."""

import hashlib
import textwrap
from pathlib import Path

import pytest
import yaml

from mkba.errors import MkbaError
from mkba.io import paths
from mkba.io.documents import SUFFIXES
from mkba.pricelist.compare import diff
from mkba.pricelist.items import PriceItem, PriceList
from mkba.pricelist.registry import Registry, load_pricelist

DATA = Path(__file__).parent / "data"
BUNDLED = paths.bundled_pricelists()
CPI_VALUES = yaml.safe_load(paths.bundled_index().read_text())["values"]


@pytest.fixture(autouse=True)
def _no_user_folders(monkeypatch):
    monkeypatch.delenv("MKBA_PRICELISTS", raising=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def item_yaml(item_id="uur-hulp", amount="32.5", unit="hour", price_year="2022", extra=""):
    return f"""
      - id: {item_id}
        label: Hulp {item_id}
        unit: {unit}
        amount: {amount}
        price_year: {price_year}
        payer: gemeente
        nature: resource
        confidence: 3
        source: {{title: Test source}}{extra}
    """


def list_yaml(name="mylist", version="1.0", extends=None, items=None, overrides=""):
    head = f"""
    format: mkba-pricelist/1
    name: {name}
    version: "{version}"
    title: Test list {name}
    """
    if extends:
        head += f"extends: {extends}\n"
    body = "items:\n" + textwrap.dedent(items if items is not None else item_yaml())
    return textwrap.dedent(head).lstrip("\n") + body + textwrap.dedent(overrides)


# --------------------------------------------------------------------------- the bundled list


def test_bundled_default_list_loads_complete():
    pricelist = load_pricelist()
    assert pricelist.name == "nl-sociaal-domein"
    assert len(pricelist) >= 60
    for item in pricelist:
        assert item.unit and item.price_year and item.payer and item.nature
        assert item.source.title.strip(), item.id
    bijstand = pricelist["bijstand-maand"]
    assert bijstand.nature == "transfer"
    assert bijstand.payer == "gemeente"
    assert bijstand.transfer_recipient == "deelnemers"


def test_unknown_item_names_the_nearest():
    with pytest.raises(MkbaError, match="nearest: bijstand-maand"):
        load_pricelist()["bijstand-maan"]


# --------------------------------------------------------------------------- registry


@pytest.fixture
def versions_folder(tmp_path):
    for version in ("2023.1", "2024.2", "2024.10"):
        write(tmp_path / "mylist" / f"{version}.yaml", list_yaml(version=version))
    return tmp_path


def test_registry_finds_name_at_version(versions_folder):
    registry = Registry([versions_folder], include_bundled=False)
    assert registry.load("mylist@2024.2").version == "2024.2"
    assert registry.path_of("mylist@2023.1") == versions_folder / "mylist" / "2023.1.yaml"


def test_registry_name_alone_is_the_newest_version(versions_folder):
    registry = Registry([versions_folder], include_bundled=False)
    assert list(registry.available()["mylist"]) == ["2023.1", "2024.2", "2024.10"]
    assert registry.load("mylist").version == "2024.10"


def test_registry_unknown_version_and_name_are_errors(versions_folder):
    registry = Registry([versions_folder], include_bundled=False)
    with pytest.raises(MkbaError, match=r"has no version '9.9'; available: 2023.1, 2024.2, 2024.10"):
        registry.load("mylist@9.9")
    with pytest.raises(MkbaError, match="did you mean mylist"):
        registry.load("mylst")


def test_user_folder_comes_before_bundled(tmp_path):
    write(
        tmp_path / "nl-sociaal-domein" / "2099.1.yaml", list_yaml(name="nl-sociaal-domein", version="2099.1")
    )
    registry = Registry([tmp_path])
    assert registry.load("nl-sociaal-domein").version == "2099.1"
    assert registry.load("nl-sociaal-domein@2024.1").version == "2024.1"


# --------------------------------------------------------------------------- extends


MUNICIPAL = """
format: mkba-pricelist/1
name: gemeente-voorbeeld
version: "2025.1"
title: Prijslijst gemeente Voorbeeld
extends: nl-sociaal-domein@2024.1
overrides:
  - id: huishoudelijke-hulp-uur
    amount: 35.10
    price_year: 2024
    confidence: 4
    source: {title: Tarievenbesluit Wmo gemeente Voorbeeld 2024}
items:
  - id: buurtcoach-uur
    label: Buurtcoach
    unit: hour
    amount: 61.0
    price_year: 2024
    payer: gemeente
    nature: resource
    confidence: 3
    source: {title: Begroting gemeente Voorbeeld 2024}
"""


def test_municipal_list_overrides_a_tariff_and_adds_an_item(tmp_path):
    write(tmp_path / "gemeente-voorbeeld" / "2025.1.yaml", MUNICIPAL)
    municipal = Registry([tmp_path]).load("gemeente-voorbeeld")
    base = load_pricelist("nl-sociaal-domein@2024.1")
    assert municipal.chain == ("gemeente-voorbeeld@2025.1", "nl-sociaal-domein@2024.1")
    assert len(municipal) == len(base) + 1
    tariff = municipal["huishoudelijke-hulp-uur"]
    assert (tariff.amount, tariff.price_year) == (35.10, 2024)
    assert tariff.source.title == "Tarievenbesluit Wmo gemeente Voorbeeld 2024"
    assert tariff.unit == base["huishoudelijke-hulp-uur"].unit
    assert municipal["buurtcoach-uur"].amount == 61.0
    assert municipal["bijstand-maand"] == base["bijstand-maand"]


OTS_OVERRIDE = """
format: mkba-pricelist/1
name: gemeente-ots
version: "2025.1"
title: Prijslijst gemeente OTS
extends: nl-sociaal-domein@2024.1
overrides:
  - id: jeugdhulp-jaar
    amount: 12600
    price_year: 2025
{extra}    source: {{title: Inkoopcontract jeugdhulp gemeente OTS 2025}}
"""


def test_a_new_tariff_does_not_inherit_the_national_range_note_or_code(tmp_path):
    """The national range (2019 euros) would be read around the gemeente's 2025 tariff and move its point
    value: a new amount drops it (and the note and code that describe the national figure)."""
    write(tmp_path / "gemeente-ots" / "2025.1.yaml", OTS_OVERRIDE.format(extra="    confidence: 4\n"))
    tariff = Registry([tmp_path]).load("gemeente-ots")["jeugdhulp-jaar"]
    national = load_pricelist("nl-sociaal-domein@2024.1")["jeugdhulp-jaar"]
    assert national.low is not None and national.note
    assert (tariff.low, tariff.high, tariff.note, tariff.code) == (None, None, None, None)
    assert (tariff.amount, tariff.price_year, tariff.confidence) == (12600, 2025, 4)
    assert tariff.label == national.label and tariff.payer == national.payer  # the rest is inherited


def test_a_new_tariff_keeps_a_range_it_states_again(tmp_path):
    extra = "    confidence: 4\n    low: 12000\n    high: 13000\n"
    write(tmp_path / "gemeente-ots" / "2025.1.yaml", OTS_OVERRIDE.format(extra=extra))
    tariff = Registry([tmp_path]).load("gemeente-ots")["jeugdhulp-jaar"]
    assert (tariff.low, tariff.high) == (12000, 13000)


def test_a_new_tariff_needs_its_own_confidence(tmp_path):
    path = write(tmp_path / "gemeente-ots" / "2025.1.yaml", OTS_OVERRIDE.format(extra=""))
    with pytest.raises(MkbaError, match="needs its own source and confidence") as info:
        Registry([tmp_path]).load("gemeente-ots")
    assert info.value.file == str(path) and info.value.line == 7  # the override's


def test_origin_records_where_each_item_came_from(tmp_path):
    write(tmp_path / "gemeente-voorbeeld" / "2025.1.yaml", MUNICIPAL)
    origin = Registry([tmp_path]).load("gemeente-voorbeeld").origin
    assert origin["huishoudelijke-hulp-uur"] == "nl-sociaal-domein@2024.1 < gemeente-voorbeeld@2025.1"
    assert origin["buurtcoach-uur"] == "gemeente-voorbeeld@2025.1"
    assert origin["bijstand-maand"] == "nl-sociaal-domein@2024.1"


def test_missing_base_is_an_error_at_the_extends_line(tmp_path):
    path = write(tmp_path / "a" / "1.0.yaml", list_yaml(name="a", extends="nl-sociaal-domein@1999.1"))
    with pytest.raises(MkbaError, match="does not resolve") as info:
        Registry([tmp_path]).load("a")
    assert info.value.file == str(path)
    assert info.value.line == 5
    assert info.value.field == "extends"


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path / "a" / "1.0.yaml", list_yaml(name="a", extends="b@1.0"))
    write(tmp_path / "b" / "1.0.yaml", list_yaml(name="b", extends="a@1.0", items=item_yaml("x")))
    with pytest.raises(MkbaError, match=r"cycle: a@1.0 -> b@1.0 -> a@1.0"):
        Registry([tmp_path], include_bundled=False).load("a")


def test_override_of_an_unknown_item_is_an_error(tmp_path):
    text = MUNICIPAL.replace("id: huishoudelijke-hulp-uur", "id: huishoudelijke-hulp-uurr")
    write(tmp_path / "gemeente-voorbeeld" / "2025.1.yaml", text)
    with pytest.raises(MkbaError, match="nearest: huishoudelijke-hulp-uur") as info:
        Registry([tmp_path]).load("gemeente-voorbeeld")
    assert info.value.line == 7


# --------------------------------------------------------------------------- bad input


def bad_list_error(tmp_path, text, folder="bad", file="1.0.yaml") -> MkbaError:
    path = write(tmp_path / folder / file, text)
    with pytest.raises(MkbaError) as info:
        Registry(include_bundled=False).load(path)
    assert info.value.file == str(path)
    return info.value


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_misspelt_key_is_an_error_with_its_line(tmp_path):
    text = list_yaml(items=item_yaml(extra="\n        payr: gemeente"))
    error = bad_list_error(tmp_path, text)
    assert error.line == line_of(text, "payr:")
    assert error.field.startswith("items[0].payr")
    assert "did you mean 'payer'" in error.message


def test_negative_amount_is_an_error_with_its_line(tmp_path):
    text = list_yaml(items=item_yaml(amount="-5"))
    error = bad_list_error(tmp_path, text)
    assert error.line == line_of(text, "amount: -5")
    assert error.field.startswith("items[0].amount")
    assert "expected a number >= 0, got -5" in error.message


def test_unknown_unit_is_an_error_with_its_line(tmp_path):
    text = list_yaml(items=item_yaml(unit="fortnight"))
    error = bad_list_error(tmp_path, text)
    assert error.line == line_of(text, "unit: fortnight")
    assert "unknown unit 'fortnight'" in error.message


def test_price_year_outside_the_index_is_an_error_with_its_line(tmp_path):
    text = list_yaml(items=item_yaml(price_year="1990"))
    error = bad_list_error(tmp_path, text)
    assert error.line == line_of(text, "price_year: 1990")
    assert "outside the price index" in error.message


def test_version_that_disagrees_with_the_file_name_is_an_error(tmp_path):
    text = list_yaml(name="mylist", version="1.0")
    error = bad_list_error(tmp_path, text, folder="mylist", file="1.1.yaml")
    assert error.line == line_of(text, "version:")
    assert "expected the file name to be the version" in error.message


def test_unquoted_version_is_an_error(tmp_path):
    text = list_yaml().replace('version: "1.0"', "version: 1.10")
    error = bad_list_error(tmp_path, text)
    assert error.line == line_of(text, "version:") and "quoted text" in error.message


def test_duplicate_item_id_is_an_error(tmp_path):
    error = bad_list_error(tmp_path, list_yaml(items=item_yaml("a") + item_yaml("a")))
    assert "id 'a' is given twice" in error.message


# --------------------------------------------------------------------------- diff and hash


def make_item(item_id, amount, price_year, unit="hour"):
    return PriceItem(
        id=item_id,
        label=item_id,
        unit=unit,
        amount=amount,
        price_year=price_year,
        payer="gemeente",
        nature="resource",
        confidence=3,
        source={"title": "t"},
    )


def make_list(version, *items):
    return PriceList("l", version, "L", {i.id: i for i in items}, chain=(f"l@{version}",))


def test_diff_reports_added_removed_and_changed_with_nominal_and_real_change():
    old = make_list(
        "1", make_item("kept", 100.0, 2015), make_item("gone", 10.0, 2015), make_item("same", 5.0, 2020)
    )
    new = make_list(
        "2", make_item("kept", 110.0, 2022), make_item("same", 5.0, 2020), make_item("new", 7.0, 2022)
    )
    table = diff(old, new).set_index("id")
    assert table.attrs["price_year"] == 2022
    assert table.loc["gone", "status"] == "removed"
    assert table.loc["new", "status"] == "added"
    assert table.loc["same", "status"] == "unchanged"
    kept = table.loc["kept"]
    assert kept["status"] == "changed"
    assert kept["changed"] == "amount, price_year"
    assert kept["nominal_change"] == pytest.approx(10.0)
    assert kept["nominal_change_pct"] == pytest.approx(0.10)
    old_in_2022 = 100.0 * CPI_VALUES[2022] / CPI_VALUES[2015]
    assert kept["amount_a_2022"] == pytest.approx(old_in_2022)
    assert kept["real_change_pct"] == pytest.approx(110.0 / old_in_2022 - 1)
    assert kept["real_change_pct"] < 0 < kept["nominal_change_pct"]


def test_diff_in_a_chosen_price_year():
    old = make_list("1", make_item("x", 100.0, 2015))
    new = make_list("2", make_item("x", 100.0, 2020))
    kept = diff(old, new, price_year=2015).set_index("id").loc["x"]
    assert kept["real_change_pct"] == pytest.approx(CPI_VALUES[2015] / CPI_VALUES[2020] - 1)


def test_content_hash_changes_when_an_amount_changes():
    base = make_list("1", make_item("x", 100.0, 2015))
    assert base.sha256 == make_list("1", make_item("x", 100.0, 2015)).sha256
    assert base.sha256 != make_list("1", make_item("x", 100.01, 2015)).sha256


# --------------------------------------------------------------------------- published versions


def bundled_list_files() -> dict[str, Path]:
    """Every bundled price list file, by its path relative to ``pricelists/``."""
    return {
        f"{sub.name}/{file.name}": file
        for sub in sorted(BUNDLED.iterdir())
        if sub.is_dir() and sub.name not in ("index", "mappings")
        for file in sorted(sub.iterdir())
        if file.suffix.lower() in SUFFIXES
    }


def test_published_price_lists_never_change():
    """A correction to a published list must be a new version; add its hash to MANIFEST.sha256."""
    manifest = {}
    for line in (BUNDLED / "MANIFEST.sha256").read_text().splitlines():
        digest, _, name = line.partition("  ")
        manifest[name] = digest
    files = bundled_list_files()
    assert set(files) == set(manifest), "every bundled list file, and only those, is in MANIFEST.sha256"
    for name, file in files.items():
        assert hashlib.sha256(file.read_bytes()).hexdigest() == manifest[name], (
            f"{name} changed after publication: publish a new version instead"
        )


def test_every_bundled_list_loads():
    registry = Registry()
    for name, versions in registry.available().items():
        for version in versions:
            assert len(registry.load(f"{name}@{version}")) > 0


# --------------------------------------------------------------------------- price years beyond the index


def test_price_year_beyond_the_index_says_how_to_proceed(tmp_path):
    from mkba.pricelist.index import default_index

    year = default_index().last_year + 1
    text = list_yaml(items=item_yaml(price_year=str(year)))
    error = bad_list_error(tmp_path, text)
    assert error.line == line_of(text, f"price_year: {year}")
    assert f"price year {year} is outside the price index 'cbs-cpi'" in error.message
    assert "use a year from 2000 to 2025 in the list" in error.message
    assert "for a scenario using the list, set `assumed_inflation` in the scenario file" in error.message


def test_price_year_beyond_the_index_loads_with_an_assumed_inflation(tmp_path):
    from mkba.pricelist.index import default_index

    index = default_index()
    year = index.last_year + 1
    path = write(tmp_path / "mylist" / "1.0.yaml", list_yaml(items=item_yaml(price_year=str(year))))
    with pytest.raises(MkbaError, match="outside the price index"):
        load_pricelist(path)
    with pytest.raises(MkbaError, match="outside the price index"):
        load_pricelist(path, index=index)
    pricelist = load_pricelist(path, index=index.with_assumed_inflation(0.02))
    assert pricelist["uur-hulp"].price_year == year
    # ... and through a registry, by name, as evaluate() loads a scenario's list.
    registry = Registry([tmp_path], include_bundled=False)
    by_name = registry.load("mylist", index=index.with_assumed_inflation(0.02))
    assert by_name["uur-hulp"].price_year == year


def test_override_with_a_price_year_beyond_the_index_loads_with_an_assumed_inflation(tmp_path):
    from mkba.pricelist.index import default_index

    index = default_index()
    text = MUNICIPAL.replace(
        "price_year: 2024\n    confidence: 4",
        f"price_year: {index.last_year + 1}\n    confidence: 4",
    )
    assert text != MUNICIPAL
    write(tmp_path / "gemeente-voorbeeld" / "2025.1.yaml", text)
    with pytest.raises(MkbaError, match="assumed_inflation"):
        Registry([tmp_path]).load("gemeente-voorbeeld")
    municipal = Registry([tmp_path]).load("gemeente-voorbeeld", index=index.with_assumed_inflation(0.02))
    assert municipal["huishoudelijke-hulp-uur"].price_year == index.last_year + 1


# --------------------------------------------------------------------------- currency


def with_currency(text: str, code: str) -> str:
    """A ``list_yaml`` text with ``currency: code`` above its title."""
    return text.replace("title: Test list", f'currency: "{code}"\ntitle: Test list')


def test_a_list_is_in_euros_unless_it_says_otherwise(tmp_path):
    assert load_pricelist("nl-sociaal-domein@2024.1").currency == "EUR"
    path = write(tmp_path / "mylist" / "1.0.yaml", list_yaml())
    assert load_pricelist(path).currency == "EUR"
    path = write(tmp_path / "uk" / "1.0.yaml", with_currency(list_yaml(name="uk"), "GBP"))
    assert load_pricelist(path).currency == "GBP"


@pytest.mark.parametrize("code", ["gbp", "GB", "POUND", "€"])
def test_a_currency_that_is_not_an_iso_code_is_an_error_with_its_line(tmp_path, code):
    text = with_currency(list_yaml(), code)
    error = bad_list_error(tmp_path, text)
    assert error.line == line_of(text, "currency:") and error.field == "currency"


def uk_base(tmp_path) -> None:
    write(tmp_path / "uk" / "1.0.yaml", with_currency(list_yaml(name="uk"), "GBP"))


def test_extending_a_list_of_another_currency_is_an_error(tmp_path):
    uk_base(tmp_path)
    text = with_currency(list_yaml(name="nl", extends="uk@1.0", items=item_yaml("x")), "EUR")
    path = write(tmp_path / "nl" / "1.0.yaml", text)
    with pytest.raises(MkbaError) as info:
        Registry([tmp_path], include_bundled=False).load("nl")
    error = info.value
    assert (error.file, error.line, error.field) == (str(path), line_of(text, "currency:"), "currency")
    assert "says currency EUR, but its base uk@1.0 is in GBP" in error.message
    assert "expected one currency in an 'extends' chain" in error.message


def test_extending_a_list_of_another_currency_without_saying_one_is_an_error_at_extends(tmp_path):
    uk_base(tmp_path)
    text = list_yaml(name="nl", extends="uk@1.0", items=item_yaml("x"))
    path = write(tmp_path / "nl" / "1.0.yaml", text)
    message = r"names no currency \(so EUR\), but its base uk@1.0 is in GBP"
    with pytest.raises(MkbaError, match=message) as info:
        Registry([tmp_path], include_bundled=False).load("nl")
    where = (info.value.file, info.value.line, info.value.field)
    assert where == (str(path), line_of(text, "extends:"), "extends")
    assert "set 'currency: GBP'" in info.value.message


def test_a_chain_in_one_currency_keeps_it(tmp_path):
    uk_base(tmp_path)
    text = list_yaml(name="uk-local", extends="uk@1.0", items=item_yaml("x"))
    write(tmp_path / "uk-local" / "1.0.yaml", with_currency(text, "GBP"))
    pricelist = Registry([tmp_path], include_bundled=False).load("uk-local")
    assert pricelist.currency == "GBP" and pricelist.chain == ("uk-local@1.0", "uk@1.0")


def test_content_hash_counts_a_currency_other_than_euros_only():
    import dataclasses
    import json

    base = make_list("1", make_item("x", 100.0, 2015))
    # A euro list hashes as before lists had a currency, so recorded hashes stay valid.
    payload = {"chain": list(base.chain), "items": [i.model_dump(mode="json") for i in base]}
    assert base.currency == "EUR"
    assert base.sha256 == hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    assert dataclasses.replace(base, currency="GBP").sha256 != base.sha256


# -- lists in another currency are never indexed with the Dutch CPI ---------------------------------
def test_a_non_euro_list_is_not_indexed_and_not_compared_with_a_euro_list(tmp_path):
    import mkba
    from mkba.pricelist.registry import load_pricelist

    text = (DATA / "pl_small.yaml").read_text(encoding="utf-8")
    gbp = tmp_path / "gbp.yaml"
    gbp.write_text(
        text.replace("format: mkba-pricelist/1", "format: mkba-pricelist/1\ncurrency: GBP", 1),
        encoding="utf-8",
    )
    eur, pounds = load_pricelist(DATA / "pl_small.yaml"), load_pricelist(gbp)
    assert pounds.currency == "GBP"
    with pytest.raises(MkbaError, match="GBP"):
        pounds.to_frame(price_year=2020)
    with pytest.raises(MkbaError, match="same currency"):
        mkba.diff(eur, pounds)
    same = mkba.diff(pounds, pounds)
    assert (same["status"] == "unchanged").all() and same["real_change_pct"].isna().all()
    assert pounds.to_frame()["amount"].tolist() == eur.to_frame()["amount"].tolist()


# --------------------------------------------------------------------------- bad input (review 2026-12)


def test_a_registry_file_naming_another_list_does_not_satisfy_a_pin(tmp_path):
    # gemeente-a/2024.1.yaml that says name: gemeente-b once ran as gemeente-b under a pin gemeente-a@2024.1
    path = write(tmp_path / "gemeente-a" / "2024.1.yaml", list_yaml(name="gemeente-b", version="2024.1"))
    with pytest.raises(MkbaError, match="in the folder 'gemeente-a' but says name 'gemeente-b'") as info:
        Registry([tmp_path]).load("gemeente-a@2024.1")
    assert (info.value.file, info.value.line, info.value.field) == (str(path), 2, "name")
    with pytest.raises(MkbaError, match="says name 'gemeente-b'"):
        Registry([tmp_path]).load("gemeente-a")


@pytest.mark.parametrize("field", ["amount", "high"])
def test_an_amount_beyond_1e15_is_refused_as_in_a_scenario(tmp_path, field):
    extra = "\n        high: 1.0e+300" if field == "high" else ""
    items = item_yaml(amount="1.0e+300" if field == "amount" else "32.5", extra=extra)
    path = write(tmp_path / "big.yaml", list_yaml(items=items))
    with pytest.raises(MkbaError, match=r"expected a number of at most 1e\+15 in size") as info:
        load_pricelist(path)
    assert info.value.field == f"items[0].{field} (id 'uur-hulp')"


def test_an_override_amount_beyond_1e15_is_refused(tmp_path):
    text = OTS_OVERRIDE.format(extra="    confidence: 4\n").replace("amount: 12600", "amount: 1.0e+300")
    path = write(tmp_path / "gemeente-ots" / "2025.1.yaml", text)
    with pytest.raises(MkbaError, match=r"expected a number of at most 1e\+15 in size") as info:
        Registry([tmp_path]).load("gemeente-ots")
    assert (info.value.file, info.value.line) == (str(path), 8)  # the line of the amount


def test_an_id_both_an_item_and_an_override_is_refused(tmp_path):
    """The list's own item silently replaced the override: one of the two was lost."""
    text = MUNICIPAL.replace("  - id: buurtcoach-uur", "  - id: huishoudelijke-hulp-uur", 1)
    path = write(tmp_path / "gemeente-voorbeeld" / "2025.1.yaml", text)
    with pytest.raises(MkbaError, match="both an item of this list and an override") as info:
        Registry([tmp_path]).load("gemeente-voorbeeld")
    assert info.value.file == str(path) and info.value.field == "overrides[0].id"


def test_a_new_unit_is_a_new_figure(tmp_path):
    """32.76 per week is not the national 32.76 per hour: the override needs its own source and confidence."""
    text = OTS_OVERRIDE.replace("    amount: 12600\n    price_year: 2025\n", "    unit: week\n").format(
        extra=""
    )
    write(tmp_path / "gemeente-ots" / "2025.1.yaml", text)
    with pytest.raises(MkbaError, match="amount, price_year or unit needs its own source and confidence"):
        Registry([tmp_path]).load("gemeente-ots")


def test_an_override_that_breaks_its_item_says_why_in_plain_words(tmp_path):
    extra = "    confidence: 4\n    low: 13000\n"  # above the new amount
    write(tmp_path / "gemeente-ots" / "2025.1.yaml", OTS_OVERRIDE.format(extra=extra))
    with pytest.raises(MkbaError, match=r"not valid: low \(13000.0\) is above amount") as info:
        Registry([tmp_path]).load("gemeente-ots")
    assert "Value error" not in info.value.message
