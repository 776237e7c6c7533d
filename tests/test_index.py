"""Price index and indexation (mkba.pricelist.index)."""

import math

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from mkba.errors import MkbaError
from mkba.io import paths
from mkba.pricelist.index import PriceIndex, default_index, load_index

CPI = default_index()
RAW_VALUES = yaml.safe_load(paths.bundled_index().read_text())["values"]
years = st.integers(CPI.first_year, CPI.last_year)


def test_bundled_cpi_loads_with_consecutive_positive_years():
    assert CPI.first_year == 2000
    assert CPI.last_year >= 2025
    assert list(CPI.years) == list(range(CPI.first_year, CPI.last_year + 1))
    assert (CPI.values > 0).all()
    assert float(CPI.level(2015)) == pytest.approx(100.0)
    assert CPI.meta is not None and CPI.meta.source.title


def test_factor_2015_to_2022_is_the_ratio_of_the_file_values():
    assert float(CPI.factor(2015, 2022)) == RAW_VALUES[2022] / RAW_VALUES[2015]
    assert float(CPI.index(100.0, 2015, 2022)) == pytest.approx(100.0 * RAW_VALUES[2022] / RAW_VALUES[2015])


@pytest.mark.parametrize("year", [1999, CPI.last_year + 1])
def test_a_year_outside_the_series_is_an_error(year):
    with pytest.raises(MkbaError, match=f"price year {year} is outside"):
        CPI.factor(year, 2020)


def test_assumed_inflation_extends_the_series_at_its_rate():
    extended = CPI.with_assumed_inflation(0.02)
    last = CPI.last_year
    assert float(extended.factor(last, last + 2)) == pytest.approx(1.02**2, rel=1e-12)
    assert float(extended.factor(CPI.first_year - 1, CPI.first_year)) == pytest.approx(1.02, rel=1e-12)
    with pytest.raises(MkbaError):
        CPI.level(last + 1)


def test_index_works_on_arrays():
    out = CPI.index([100.0, 200.0], [2015, 2022], 2022)
    assert out[0] == pytest.approx(100 * RAW_VALUES[2022] / RAW_VALUES[2015])
    assert out[1] == pytest.approx(200.0)


def test_index_file_with_a_gap_is_rejected(tmp_path):
    path = tmp_path / "gap.yaml"
    path.write_text(
        "format: mkba-index/1\nname: t\ntitle: T\nbase_year: 2000\nsource: {title: s}\n"
        "values:\n  2000: 100\n  2002: 104\n"
    )
    with pytest.raises(MkbaError, match="missing \\[2001\\]") as info:
        load_index(path)
    assert info.value.line == 6


@given(years, years, st.floats(0.01, 1e7))
def test_indexing_there_and_back_is_identity(a, b, amount):
    back = CPI.index(CPI.index(amount, a, b), b, a)
    assert math.isclose(float(back), amount, rel_tol=1e-12)


@given(years, years, years, st.floats(0.01, 1e7))
def test_indexing_composes(a, b, c, amount):
    via_b = CPI.index(CPI.index(amount, a, b), b, c)
    direct = CPI.index(amount, a, c)
    assert math.isclose(float(via_b), float(direct), rel_tol=1e-12)


@given(st.integers(1990, 2040), st.integers(1990, 2040), st.floats(-0.05, 0.2))
def test_extended_index_composes_beyond_the_ends(a, b, rate):
    index = PriceIndex({2000: 100.0, 2001: 101.0, 2002: 103.5}, "t", assumed_inflation=rate)
    assert math.isclose(float(index.factor(a, b) * index.factor(b, a)), 1.0, rel_tol=1e-12)
