"""Charts: every chart is written as a valid PNG, for scenarios with and without uncertainty."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkba.errors import MkbaError
from mkba.report.charts import write_plots
from mkba.result import evaluate
from mkba.uncertainty import montecarlo, sensitivity

DATA = Path(__file__).parent / "data"
PNG = b"\x89PNG\r\n\x1a\n"


def _valid_png(path: Path) -> bool:
    data = path.read_bytes()
    return data[:8] == PNG and data[12:16] == b"IHDR" and len(data) > 2_000


def test_point_charts_only(tmp_path):
    result = evaluate(DATA / "unc_certain.yaml")
    paths = write_plots(result, tmp_path / "new" / "folder")
    assert [p.name for p in paths] == ["yearly_flows.png", "stakeholders.png"]
    assert all(_valid_png(p) for p in paths)


def test_all_charts(tmp_path):
    result = evaluate(DATA / "unc_mixed.yaml")
    model = result.model
    sim = montecarlo.monte_carlo(model, 5_000, seed=1)
    frame = sensitivity.tornado(model)
    found = [
        sensitivity.break_even(model, "discount_rate"),
        sensitivity.break_even(model, "participants.2024"),
    ]
    paths = write_plots(result, tmp_path, simulation=sim, tornado=frame, break_even=found)
    names = [p.name for p in paths]
    assert names == [
        "yearly_flows.png",
        "stakeholders.png",
        "tornado.png",
        "npv_histogram.png",
        "break_even_discount_rate.png",
        "break_even_participants.2024.png",
    ]
    assert all(p.parent == tmp_path and _valid_png(p) for p in paths)


def test_single_break_even_dict_and_empty_tornado(tmp_path):
    result = evaluate(DATA / "unc_certain.yaml", lang="en")
    frame = sensitivity.tornado(result.model)
    found = sensitivity.break_even(result.model, "participants.2024")
    paths = write_plots(result, tmp_path, tornado=frame, break_even=found)
    assert [p.name for p in paths][-2:] == ["tornado.png", "break_even_participants.2024.png"]
    assert all(_valid_png(p) for p in paths)


def test_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(MkbaError):
        write_plots(evaluate(DATA / "unc_certain.yaml"), blocker / "sub")
