"""A plain (non-editable) install must carry the bundled price lists, index and scenarios."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (found,) = out.glob("mkba-*.whl")
    return found


def test_wheel_contains_bundled_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for pricelist in (ROOT / "pricelists").rglob("*.yaml"):
        rel = pricelist.relative_to(ROOT / "pricelists").as_posix()
        assert f"mkba/_bundled/pricelists/{rel}" in names
    assert "mkba/_bundled/pricelists/index/cbs-cpi.yaml" in names
    assert any(n.startswith("mkba/_bundled/scenarios/") and n.endswith(".yaml") for n in names)


def test_installed_wheel_finds_default_list_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
    )
    code = (
        "import mkba, pathlib; pl = mkba.load_pricelist(); "
        "assert 'site' in mkba.__file__, mkba.__file__; "
        "assert '_bundled' in str(pl.path), pl.path; print(pl.ref, len(pl))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("nl-sociaal-domein@")
