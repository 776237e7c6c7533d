"""Bad and hostile input (issue 12): every one ends in exit code 2 and one message naming the file.

The catalogue ``tests/data/bad/`` (written by ``make_bad.py`` there) holds one file per way to be
wrong; large and hostile files are made here, in a temporary folder. A hypothesis test mutates the
bytes of shipped files: every outcome is a result or the one error. docs/security.md.
"""

from __future__ import annotations

import csv
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import invoke_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
CATALOGUE = sorted(p for p in BAD.iterdir() if p.name not in ("make_bad.py", "README.json"))
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def _refused(done, file: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("error:") == 1 and file in done.stderr, done.stderr


def test_the_catalogue_has_at_least_80_ways_to_be_wrong():
    assert len(CATALOGUE) >= 80


@pytest.mark.parametrize("path", CATALOGUE, ids=[p.name for p in CATALOGUE])
def test_every_bad_file_is_refused_by_check_with_one_message_naming_it(path, tmp_path):
    before = set(BAD.iterdir())
    done = invoke_cli("check", str(path.relative_to(ROOT)), cwd=ROOT)
    _refused(done, str(path.relative_to(ROOT)))
    assert set(BAD.iterdir()) == before  # no file left behind


def test_a_billion_laughs_is_refused_fast(tmp_path):
    laughs = "format: mkba-scenario/1\na: &a [" + ",".join(["lol"] * 10) + "]\n"
    laughs += "".join(f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefghi", "bcdefghij"))
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs)
    _refused(invoke_cli("check", str(path)), str(path))


def test_an_input_above_the_size_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    shutil.copy(TUTORIAL, path)
    monkeypatch.setenv("MKBA_MAX_INPUT_BYTES", "1000")
    done = invoke_cli("check", str(path))
    _refused(done, str(path))
    assert "MKBA_MAX_INPUT_BYTES" in done.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_at_once(device):
    if not os.path.exists(device):
        pytest.skip("no such device")
    _refused(invoke_cli("check", device), device)


def test_a_fifo_or_a_folder_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    _refused(invoke_cli("check", str(fifo)), str(fifo))
    _refused(invoke_cli("check", str(tmp_path)), str(tmp_path))


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_an_xlsx_zip_bomb_is_refused(tmp_path):
    bomb = _zip(tmp_path / "bomb.xlsx", {"xl/big.xml": b"\0" * (20 * 2**20)})
    done = invoke_cli("check", str(bomb))
    _refused(done, str(bomb))
    assert "zip bomb" in done.stderr


def test_an_xlsx_whose_part_lies_about_its_size_is_refused(tmp_path):
    path = _zip(tmp_path / "liar.xlsx", {"xl/a.xml": b"<a>" + b"x" * 5000 + b"</a>"})
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # declared size: 10 bytes
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _refused(invoke_cli("check", str(path)), str(path))


# --------------------------------------------------------------------------- outputs


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    shutil.copy(TUTORIAL, path)
    return path


@pytest.mark.parametrize("option", ["--json", "--xlsx"])
def test_run_refuses_an_output_that_is_its_input(tmp_path, option):
    scenario = _copy(tmp_path)
    before = scenario.read_bytes()
    for out in (scenario, tmp_path / "sub" / ".." / "s.yaml"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        _refused(invoke_cli("run", str(scenario), option, str(out)), str(out))
    link = tmp_path / "link.yaml"
    link.symlink_to(scenario)
    hard = tmp_path / "hard.yaml"
    os.link(scenario, hard)
    for out in (link, hard):
        _refused(invoke_cli("run", str(scenario), option, str(out)), str(out))
    assert scenario.read_bytes() == before


def test_pricelist_export_and_import_refuse_their_input_as_output(tmp_path):
    listed = tmp_path / "list.yaml"
    shutil.copy(ROOT / "tests" / "data" / "pl_small.yaml", listed)
    before = listed.read_bytes()
    _refused(invoke_cli("pricelist", "export", str(listed), "-o", str(listed)), str(listed))
    table = tmp_path / "t.csv"
    shutil.copy(ROOT / "tests" / "data" / "pl_import.csv", table)
    mapping = ROOT / "tests" / "data" / "pl_import-mapping.yaml"
    _refused(
        invoke_cli("pricelist", "import", str(table), "--mapping", str(mapping), "-o", str(table)), str(table)
    )
    assert listed.read_bytes() == before


def test_outputs_in_a_missing_folder_or_a_folder_are_refused_before_work(tmp_path):
    scenario = _copy(tmp_path)
    missing = tmp_path / "nope" / "r.json"
    _refused(invoke_cli("run", str(scenario), "--json", str(missing)), str(missing))
    _refused(invoke_cli("run", str(scenario), "--json", str(tmp_path)), str(tmp_path))
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    _refused(invoke_cli("run", str(scenario), "--json", str(fifo)), str(fifo))


def test_dev_null_as_output_is_written_through_not_replaced():
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    done = invoke_cli("run", str(TUTORIAL), "--json", "/dev/null")
    assert done.returncode == 0, done.stderr
    assert Path("/dev/null").is_char_device()


# --------------------------------------------------------------------------- numbers and options


def test_a_percentage_as_discount_rate_gets_a_hint(tmp_path):
    done = invoke_cli("check", str(BAD / "range-discount-percent.yaml"))
    assert done.returncode == 2 and "did you mean 0.0225?" in done.stderr
    done = invoke_cli("run", str(TUTORIAL), "--discount-rate", "2.25")
    assert done.returncode == 2 and "did you mean 0.0225?" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--price-year", str(10**400)],
        ["--price-year", "1066"],
        ["--discount-rate", "nan"],
        ["--discount-rate", "inf"],
        ["--simulate", "0"],
        ["--chunk-size", "0"],
    ],
)
def test_cli_options_out_of_range_are_refused(args):
    done = invoke_cli("run", str(TUTORIAL), *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr


def test_a_seed_of_any_size_never_crashes():
    for seed in (str(10**400), str(-(10**30)), "0"):
        done = invoke_cli("run", str(TUTORIAL), "--simulate", "20", "--seed", seed)
        assert done.returncode in (0, 2) and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- formula injection


def test_csv_exports_neutralise_formulas_and_read_back(tmp_path):
    source = tmp_path / "evil.yaml"
    text = (ROOT / "tests" / "data" / "pl_small.yaml").read_text()
    text = text.replace("label: Hulp per uur", 'label: \'=HYPERLINK("http://x","y")\'')
    text = text.replace("title: Small test list", "title: '@SUM(1+1)'")
    source.write_text(text)
    out = tmp_path / "out.csv"
    assert invoke_cli("pricelist", "export", str(source), "-o", str(out)).returncode == 0
    cells = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    assert '\'=HYPERLINK("http://x","y")' in cells and "32.5" in cells
    from mkba.pricelist.registry import load_pricelist

    again, first = load_pricelist(out), load_pricelist(source)
    assert again.title == first.title and again.items == first.items
    shown = invoke_cli("pricelist", "show", str(source), "--format", "csv")
    rows = list(csv.reader(shown.stdout.splitlines()))
    assert not any(c.startswith(("=", "+", "@")) for row in rows for c in row)


# --------------------------------------------------------------------------- mutated shipped files

SHIPPED = [
    TUTORIAL,
    ROOT / "tests" / "data" / "pl_small.yaml",
    ROOT / "tests" / "data" / "core_scenario.json",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.sampled_from(SHIPPED),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=0, max_size=4)), min_size=1, max_size=4),
)
def test_mutated_shipped_files_give_a_result_or_the_one_error(tmp_path, which, edits):
    data = bytearray(which.read_bytes())
    for where, insert in edits:
        at = int(where * len(data))
        data[at : at + len(insert) or at + 1] = insert
    path = tmp_path / which.name
    path.write_bytes(bytes(data))
    done = invoke_cli("check", str(path))
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 2), done.stderr
    if done.returncode == 2:
        assert done.stderr.count("error:") == 1


# --------------------------------------------------------------------------- pinned content


def test_a_version_found_twice_with_different_content_is_refused_naming_both(tmp_path):
    bundled = ROOT / "pricelists" / "nl-sociaal-domein" / "2024.1.yaml"
    folder = tmp_path / "lists" / "nl-sociaal-domein"
    folder.mkdir(parents=True)
    shadow = folder / "2024.1.yaml"
    shadow.write_text(bundled.read_text().replace("amount: 30.87", "amount: 31.87", 1))
    done = invoke_cli(
        "pricelist", "show", "nl-sociaal-domein@2024.1", "--pricelists-dir", str(tmp_path / "lists")
    )
    assert done.returncode == 2 and str(shadow) in done.stderr and "2024.1.yaml" in done.stderr
    shutil.copy(bundled, shadow)  # the same content twice is fine
    done = invoke_cli(
        "pricelist", "show", "nl-sociaal-domein@2024.1", "--pricelists-dir", str(tmp_path / "lists")
    )
    assert done.returncode == 0, done.stderr


def test_a_pin_carries_the_content_hash():
    from mkba.errors import MkbaError
    from mkba.pricelist.registry import load_pricelist

    listed = load_pricelist("nl-sociaal-domein@2024.1")
    assert load_pricelist(f"nl-sociaal-domein@2024.1#sha256:{listed.sha256}").sha256 == listed.sha256
    with pytest.raises(MkbaError, match="pinned"):
        load_pricelist("nl-sociaal-domein@2024.1#sha256:" + "0" * 64)


def test_a_text_that_does_not_fit_its_pattern_is_told_in_words(tmp_path):
    """'String should match pattern ^[a-z][a-z0-9_-]*$' was pydantic's own message."""
    text = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    scenario = tmp_path / "t.yaml"
    scenario.write_text(text.replace("    payer: gemeente", "    payer: Gemeente", 1), encoding="utf-8")
    done = invoke_cli("run", scenario)
    assert done.returncode == 2 and "pattern" not in done.stderr
    assert (
        "expected a stakeholder id of lower-case letters" in done.stderr and "got 'Gemeente'" in done.stderr
    )
    listed = tmp_path / "l.yaml"
    lines = (ROOT / "pricelists" / "nl-sociaal-domein" / "2025.1.yaml").read_text(encoding="utf-8")
    listed.write_text(lines.replace("title:", "currency: eur\ntitle:", 1), encoding="utf-8")
    done = invoke_cli("pricelist", "show", listed)
    assert done.returncode == 2 and "three capital letters" in done.stderr and "pattern" not in done.stderr
