"""The Dashboard: KPI tiles and three native charts, in the file and in the live workbook."""

import datetime as dt
import subprocess
import zipfile

import libreoffice
import pytest
from conftest import basic_sheets, inputs_from, write_book
from lxml import etree
from test_kpis import sheets as kpi_sheets
from xlwings_books import actions, json_book, refresh_live

from pyxl import pipeline
from pyxl.core.kpis import kpi_table
from pyxl.core.tracking import track
from pyxl.views.dashboard import TILES, dashboard_sheet, headline_row

AS_OF = dt.date(2025, 5, 15)


def spec_for(data):
    tracking = track(inputs_from(data), AS_OF)
    return dashboard_sheet(tracking, kpi_table(tracking))


def test_tiles_show_the_company_month():
    spec = spec_for(kpi_sheets())
    assert spec.title.startswith("Dashboard · 2025-05")
    values = dict(zip(TILES, spec.rows[0], strict=True))
    assert values["Actual"] == 500 and values["Target"] == 3000 and values["Win Rate"] == 0.5
    assert values["CAC"] == 400 and values["CSAT"] == 0.5
    assert not spec.table


def test_headline_prefers_the_shortest_running_company_period():
    data = basic_sheets()
    table = track(inputs_from(data), AS_OF).table
    row = headline_row(table, AS_OF)
    assert (row["Level"], row["Period"]) == ("Company rollup", "2025-05")


def test_chart_blocks():
    spec = spec_for(kpi_sheets())
    reps, progress, status = spec.blocks
    assert [r[0] for r in reps.rows] == ["Ann"] and reps.rows[0][1:3] == [0.5, 1.0]
    assert reps.rows[0][3] == pytest.approx(15 / 31)  # expected by 15 May: the fair mark mid-month
    assert len(progress.rows) == 31 and progress.rows[14][1] == 500 and progress.rows[15][1] is None
    assert progress.rows[-1][2] == pytest.approx(3000)
    assert {r[0]: r[1] for r in status.rows} == {"At risk": 1, "On track": 1}
    assert [c.kind for c in spec.charts] == ["column", "line", "column"]


def test_file_has_three_native_charts_and_libreoffice_draws_them(tmp_path):
    book = write_book(tmp_path / "dash.xlsx", kpi_sheets())
    pipeline.refresh_file(book, AS_OF)
    with zipfile.ZipFile(book) as package:
        charts = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 3
        kinds = {
            etree.QName(el).localname
            for n in charts
            for el in etree.fromstring(package.read(n)).iter()
            if etree.QName(el).localname in ("barChart", "lineChart")
        }
        assert kinds == {"barChart", "lineChart"}
    pdf = libreoffice.to_pdf(book, tmp_path)
    pages = libreoffice.pdf_text(pdf)
    page = next(i for i, text in enumerate(pages, start=1) if "Dashboard · 2025-05" in text)
    assert "Attainment by rep" in pages[page - 1] and "Targets by status" in pages[page - 1]
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(tmp_path / "dashboard"),
        ],
        check=True,
    )
    assert list(tmp_path.glob("dashboard*.png"))


def test_live_dashboard_adds_the_same_charts(monkeypatch):
    book = json_book(
        monkeypatch, kpi_sheets() | {"Settings": [["Setting", "Value"], ["As Of", "2025-05-15"]]}
    )
    refresh_live(book)
    added = actions(book, "addChart")
    assert [a["args"][1] for a in added] == ["ColumnClustered", "Line", "ColumnClustered"]
    assert [a["args"][2] for a in added] == ["Dashboard"] * 3


@pytest.mark.parametrize("company_target", [True, False])
def test_the_cumulative_line_ends_where_the_revenue_tile_stands(company_target):
    """A line shared by two reps (Allocated % 50 each) counts once, as the tile's figure does;
    sales by a rep without a target count where the headline row counts them."""
    data = basic_sheets()
    data["Targets"] = [row for row in data["Targets"] if row[1] != "Units"]
    if company_target:
        data["Targets"].append(["2025-05", "Revenue", None, None, 5000])
    data["Actuals"][0].append("Allocated %")
    data["Actuals"] += [
        [dt.date(2025, 5, 12), "Ann", "Widget", "S1", 800, 1, "50%"],
        [dt.date(2025, 5, 12), "Bob", "Widget", "S1", 800, 1, "50%"],
        [dt.date(2025, 5, 13), "Zoe", "Widget", "Z1", 70, 1],
    ]
    spec = spec_for(data)
    tile = dict(zip(TILES, spec.rows[0], strict=True))["Actual"]
    progress = spec.blocks[1].rows
    last = [row[1] for row in progress if row[1] is not None][-1]
    assert last == pytest.approx(tile)
    assert tile == (1470 if company_target else 1400)  # Zoe has no target: in the company's total only


def test_the_second_chart_starts_right_of_the_first_however_narrow_the_tiles():
    from pyxl.views.dashboard import CHART_WIDTH_CM, PIXELS_PER_CM, column_pixels

    spec = spec_for(kpi_sheets())
    line = spec.charts[1]
    letter = line.anchor.rstrip("0123456789")
    index = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(letter))) - 1
    left = sum(column_pixels(c.width) for c in spec.columns[:index]) + column_pixels(8.43) * max(
        0, index - len(spec.columns)
    )
    assert left >= CHART_WIDTH_CM * PIXELS_PER_CM
    assert spec.value_row_height >= 1.5 * (spec.value_size or 0)
