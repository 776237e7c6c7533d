"""Charts: every chart is written as a valid PNG, for scenarios with and without uncertainty."""

from __future__ import annotations

import re
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


# -- one chart definition: PNG, SVG and the workbook draw the same series (issue 11) ----------------
def _hex(colour) -> str:
    from matplotlib.colors import to_hex

    return to_hex(colour).upper()


def _png_legend(fig) -> list[tuple[str, str]]:
    """(label, colour) of each legend entry of the figure's axes, in the legend's order."""
    legend = fig.axes[0].get_legend()
    out = []
    for handle, text in zip(legend.legend_handles, legend.get_texts()):
        colour = handle.get_color() if hasattr(handle, "get_xdata") else handle.get_facecolor()
        out.append((text.get_text(), _hex(colour)))
    return out


def _png_bars(fig) -> dict[str, list[float]]:
    """Each bar series' label and its bars' lengths (heights, or widths of horizontal bars)."""
    out = {}
    for container in fig.axes[0].containers:
        horizontal = getattr(container, "orientation", "vertical") == "horizontal"
        out[container.get_label()] = [p.get_width() if horizontal else p.get_height() for p in container]
    return out


def _svg_legend(html: str, key: str) -> list[tuple[str, str]]:
    """(label, colour) of each legend entry of the report's SVG chart ``key``, in order."""
    import re

    svg = re.search(rf'<svg [^>]*class="chart chart-{key}".*?</svg>', html, re.S).group(0)
    pairs = re.findall(
        r'(?:fill|stroke)="(#[0-9A-Fa-f]{6})"[^<]*/><text x="[\d.]+" y="14">([^<]+)</text>', svg
    )
    return [(label, colour.upper()) for colour, label in pairs]


def _workbook_series(chart) -> list[tuple[str, str, str]]:
    """(label, colour, data reference) of each series of a native chart and the charts combined with it."""
    out = []
    for part in [chart, *chart._charts[1:]]:
        for s in part.series:
            props = s.graphicalProperties
            fill = props.solidFill if props.solidFill is not None else props.line.solidFill
            rgb = getattr(fill.srgbClr, "val", fill.srgbClr)
            out.append((s.tx.v, "#" + str(rgb).upper(), s.val.numRef.f))
    return out


def _cells(wb, ref: str):
    from openpyxl.utils.cell import range_to_tuple

    sheet, (c1, r1, c2, r2) = range_to_tuple(ref)
    return [wb[sheet].cell(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


@pytest.fixture(scope="module")
def drawn():
    """One result drawn every way: its chart definitions, PNG figures, report HTML and workbook."""
    from mkba.report import charts, chartspec
    from mkba.report.excel.workbook import build_workbook
    from mkba.report.html.build import analyse
    from mkba.report.html.render import scenario_report

    result = evaluate(DATA / "unc_mixed.yaml")
    analysis = analyse(result, tornado=True)
    frame = sensitivity.tornado(result.model)
    wb, ctx = build_workbook(result, analysis={"tornado": frame})
    records = frame.to_dict(orient="records")
    return {
        "result": result,
        "spec": {
            "yearly": chartspec.yearly_chart(result),
            "stakeholders": chartspec.stakeholder_chart(result),
            "tornado": chartspec.tornado_chart("nl", records, frame.attrs["npv_base"]),
        },
        "png": {
            "yearly": charts.yearly_figure(result),
            "stakeholders": charts.stakeholder_figure(result),
            "tornado": charts.tornado_figure(result, frame),
        },
        "html": scenario_report(result, analysis),
        "wb": wb,
        "xl": {
            "yearly": wb[ctx.layout.sheets["summary"]]._charts[0],
            "stakeholders": wb[ctx.layout.sheets["summary"]]._charts[1],
            "tornado": wb["Gevoeligheid"]._charts[0],
        },
    }


@pytest.mark.parametrize("key", ["yearly", "stakeholders", "tornado"])
def test_png_svg_and_workbook_draw_one_definition(drawn, key):
    from mkba.report.chartspec import PALETTE
    from mkba.report.excel.chartstyle import drawn_series, title_text

    spec = drawn["spec"][key]
    series = [(s.label, s.colour.upper()) for s in spec.series]
    markers = [(m.label, PALETTE[m.colour].upper()) for m in spec.markers]
    # the palette is Okabe-Ito's: costs vermillion, benefits blue, an input's low and high end apart
    assert PALETTE["cost"] == "#D55E00" and PALETTE["benefit"] == "#0072B2"
    # PNG: the legend in the spec's order and colours, the title the spec's
    fig = drawn["png"][key]
    assert _png_legend(fig) == series + markers
    title = fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title()
    assert title == spec.title
    # SVG in the HTML report: the same legend
    assert _svg_legend(drawn["html"], key) == series + markers
    # workbook: the same series (a horizontal chart's marker left out), colours and title
    native = _workbook_series(drawn["xl"][key])
    assert [(label, colour) for label, colour, _ in native] == [
        (s.label, s.colour.upper()) for s in drawn_series(spec)
    ]
    assert title_text(drawn["xl"][key]) == spec.title


def test_signs_agree_costs_down_benefits_up(drawn):
    """Costs are negative and benefits positive in the spec, the PNG bars and the workbook's cells."""
    from mkba.report.excel.chartstyle import drawn_series

    wb = drawn["wb"]
    for key in ("yearly", "stakeholders"):
        spec = drawn["spec"][key]
        bars = _png_bars(drawn["png"][key])
        for s, (_, _, ref) in zip(drawn_series(spec), _workbook_series(drawn["xl"][key])):
            if s.style != "bar":
                continue
            assert bars[s.label] == pytest.approx(list(s.values)), (key, s.key)
            formulas = [c.value for c in _cells(wb, ref)]
            if s.key == "cost":
                assert all(v <= 0 for v in s.values) and any(v < 0 for v in s.values)
                assert all(f.startswith("=-") for f in formulas), (key, formulas)
            else:
                assert all(v >= 0 for v in s.values) and any(v > 0 for v in s.values)
                assert not any(f.startswith("=-") for f in formulas), (key, formulas)
    # the tornado: bars from the point saldo in the PNG, changes from it in the workbook, same sides
    spec = drawn["spec"]["tornado"]
    bars = _png_bars(drawn["png"]["tornado"])
    for s, (_, _, ref) in zip(spec.series, _workbook_series(drawn["xl"]["tornado"])):
        change = [v - spec.origin for v in s.values]
        assert bars[s.label] == pytest.approx(change)
        cells = [c.value for c in _cells(wb, ref)]
        assert cells == pytest.approx(change)


def test_categories_in_one_order(drawn):
    """Years left to right, stakeholders and inputs top to bottom (the largest swing on top) everywhere."""
    spec = drawn["spec"]
    png = drawn["png"]
    years = [t.get_text() for t in png["yearly"].axes[0].get_xticklabels()]
    assert years == list(spec["yearly"].categories)
    names = [
        t.get_text().removesuffix(" *").replace("\n", " ")
        for t in png["stakeholders"].axes[0].get_yticklabels()
    ]
    assert names == list(spec["stakeholders"].categories)
    assert png["stakeholders"].axes[0].yaxis_inverted() and png["tornado"].axes[0].yaxis_inverted()
    wb = drawn["wb"]
    for key in ("stakeholders", "tornado"):
        chart = drawn["xl"][key]
        cat = chart.series[0].cat
        shown = [c.value for c in _cells(wb, (cat.strRef or cat.numRef).f)]
        assert shown == list(spec[key].categories), key
        assert chart.x_axis.scaling.orientation == "maxMin"  # the first one on top
    swings = [abs(h - lo) for lo, h in zip(*(s.values for s in spec["tornado"].series))]
    assert swings == sorted(swings, reverse=True)


def test_chart_texts_follow_the_language():
    """Numbers in a chart's texts the Dutch way by default, the English way with lang='en'."""
    from mkba.report import charts

    shown = {}
    for lang in ("nl", "en"):
        result = evaluate(DATA / "unc_mixed.yaml", lang=lang)
        sim = montecarlo.monte_carlo(result.model, 2_000, seed=1)
        fig = charts.histogram_figure(result, sim)
        shown[lang] = [t.get_text() for t in fig.axes[0].texts] + [fig.axes[0].get_title()]
        fig = charts.tornado_figure(result, sensitivity.tornado(result.model))
        shown[lang] += [t.get_text() for t in fig.axes[0].get_xticklabels()]
    p = sim.p_npv_negative * 100
    assert f"P(saldo < 0) = {p:.1f}\xa0%".replace(".", ",") in shown["nl"]
    assert f"P(NPV < 0) = {p:.1f}%" in shown["en"]
    assert "2.000 trekkingen" in " ".join(shown["nl"]) and "2,000 draws" in " ".join(shown["en"])
    assert any(re.fullmatch(r"€\xa0-?\d{1,3}(\.\d{3})+", t) for t in shown["nl"])  # € -270.000
    assert any(re.fullmatch(r"-?€\d{1,3}(,\d{3})+", t) for t in shown["en"])  # -€270,000


@pytest.mark.parametrize(
    "scenario",
    ["buuv-haarlem.yaml", "frontlijnteam-regulier.yaml", "buzinezzclub-rotterdam.yaml", "tutorial.yaml"],
)
def test_the_stakeholder_chart_names_a_winner_only_where_one_gains(scenario):
    # the alt text said "het meest profiteert Gemeente Haarlem (€ -1.685.495), het meest betaalt
    # Gemeente Haarlem (€ -1.685.495)": the highest saldo was called a gain, even below zero
    import mkba
    from mkba.report import chartspec

    result = mkba.evaluate(Path(__file__).resolve().parents[1] / "scenarios" / scenario)
    alt = chartspec.stakeholder_chart(result).alt
    rows = result.stakeholder_rows()
    gainers = [r for r in rows if r["npv"] > 0]
    payers = [r for r in rows if r["npv"] < 0]
    if gainers:
        best = max(gainers, key=lambda r: r["npv"])
        assert f"het meest profiteert {result.stakeholder_label(best['stakeholder'])} (€" in alt
    else:
        assert "geen partij gaat er per saldo op vooruit" in alt and "profiteert" not in alt
    if payers:
        worst = min(payers, key=lambda r: r["npv"])
        assert f"het meest betaalt {result.stakeholder_label(worst['stakeholder'])} (€ -" in alt
    else:
        assert "geen partij gaat er per saldo op achteruit" in alt and "betaalt" not in alt
