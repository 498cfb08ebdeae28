"""The cell functions as plain Python functions, and on a real xlwings Book for the table ones."""

import datetime as dt

import pytest
from conftest import basic_sheets
from xlwings_books import json_book

from pyxl import udfs
from pyxl.views import i18n

D = dt.date
MAY = (D(2025, 5, 1), D(2025, 5, 31))


def test_simple_figures():
    assert udfs.ATTAINMENT(300, 1000) == pytest.approx(0.3)
    assert udfs.VARIANCE(300, 1000) == -700
    assert udfs.VARIANCE_PCT(300, 1000) == pytest.approx(-0.7)
    assert udfs.GAP(1300, 1000) == 0 and udfs.GAP(300, 1000) == 700


def test_paced_figures_by_hand():
    as_of = D(2025, 5, 10)
    assert udfs.EXPECTED(1000, *MAY, as_of) == pytest.approx(1000 * 10 / 31)
    assert udfs.PACE(400, 1000, *MAY, as_of) == pytest.approx(400 / (1000 * 10 / 31))
    assert udfs.PERIOD_FORECAST(400, 1000, *MAY, as_of) == pytest.approx(400 * 31 / 10)
    assert udfs.REQUIRED_PER_DAY(400, 1000, *MAY, as_of) == pytest.approx(600 / 21)
    assert udfs.STATUS(400, 1000, *MAY, as_of) == "Ahead"
    assert udfs.STATUS(0, 1000, *MAY, D(2025, 4, 1)) == "Not started"
    assert udfs.PACE(0, 1000, *MAY, D(2025, 4, 1)) is None  # blank, as the contract says
    # Dates as Excel serials, and workdays pacing (22 weekdays in May 2025, 7 by Saturday the 10th).
    assert udfs.EXPECTED(1000, 45778, 45808, 45787, "workdays") == pytest.approx(1000 * 7 / 22)


def test_whole_columns_at_once():
    assert udfs.ATTAINMENT([[100], [200], [None]], 400) == [[0.25], [0.5], [None]]
    assert udfs.STATUS([[0], [1000]], [[1000], [1000]], *MAY, D(2025, 6, 1)) == [["Missed"], ["Achieved"]]
    rows = udfs.EXPECTED([1000, 2000, 3100], *MAY, D(2025, 5, 31))
    assert rows == [[1000.0, 2000.0, 3100.0]]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: udfs.ATTAINMENT("lots", 100), "actual must be a number"),
        (lambda: udfs.ATTAINMENT(1, 0), "target must be a positive number"),
        (lambda: udfs.EXPECTED(100, "soon", D(2025, 5, 31)), "start must be a date"),
        (lambda: udfs.EXPECTED(100, *MAY, D(2025, 5, 3), "weekly"), "method must be"),
        (lambda: udfs.EXPECTED(100, D(2025, 6, 1), D(2025, 5, 1)), "end must not be before start"),
    ],
)
def test_bad_arguments_give_a_short_message(call, message):
    result = call()
    assert isinstance(result, str) and result.startswith("#VALUE!") and message in result


def test_every_cell_function_has_one_line_of_help():
    for name in (
        "ATTAINMENT",
        "VARIANCE",
        "VARIANCE_PCT",
        "EXPECTED",
        "PACE",
        "PERIOD_FORECAST",
        "GAP",
        "REQUIRED_PER_DAY",
        "STATUS",
        "TRACK",
        "TRACKING",
        "FORECAST_RANGE",
        "CAC",
        "CLTV",
        "CONVERSION",
        "WIN_RATE",
        "CSAT",
        "NPS",
    ):
        doc = getattr(udfs, name).__doc__
        assert doc and doc.strip() and "\n" not in doc.strip(), name


def test_track_and_tracking_read_the_workbook(monkeypatch):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["As Of", "2025-05-15"]]}
    book = json_book(monkeypatch, sheets)
    caller = book.sheets[0]["H1"]
    udfs._workbook_cache.clear()
    assert udfs.TRACK("ann", "2025-05", "Attainment", "Revenue", caller=caller) == pytest.approx(0.6)
    assert udfs.TRACK("Ann", "2025-5", "Status", caller=caller) == "Ahead"
    assert udfs.TRACK("Nobody", "2025-05", caller=caller).startswith("#VALUE! no target")
    table = udfs.TRACKING(caller=caller)
    assert table[0][:3] == ["Level", "Name", "Period"] and len(table) == 12
    only_q2 = udfs.TRACKING("2025-Q2", caller=caller)
    assert [row[2] for row in only_q2[1:]] == ["2025-Q2"]


def test_forecast_range_reads_the_workbook_or_a_tracking_table_in_either_language(monkeypatch):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["As Of", "2025-05-15"]]}
    book = json_book(monkeypatch, sheets)
    caller = book.sheets[0]["H1"]
    udfs._workbook_cache.clear()
    [[forecast, low, high, method]] = udfs.FORECAST_RANGE("Ann", "2025-05", caller=caller)
    row = udfs.TRACK("Ann", "2025-05", "Forecast", caller=caller)
    assert forecast == pytest.approx(row) and method == "run-rate"
    table = udfs.TRACKING(caller=caller)
    assert udfs.FORECAST_RANGE("ann", "2025-5", "Revenue", table) == [[forecast, low, high, method]]
    chinese = [[i18n.column_word(h, "zh") for h in table[0]]] + [
        [
            i18n.metric_word(v, "zh")
            if h == "Metric"
            else i18n.method_word(v, "zh")
            if h == "Forecast Method"
            else v
            for h, v in zip(table[0], row, strict=True)
        ]
        for row in table[1:]
    ]
    assert udfs.FORECAST_RANGE("Ann", "2025-05", "销售额", chinese) == [[forecast, low, high, method]]
    assert udfs.FORECAST_RANGE("Ann", "2025-05").startswith("#VALUE! give the Tracking sheet's table")
    assert udfs.FORECAST_RANGE("Ann", "2025-05", "Revenue", [["Name"], ["Ann"]]).startswith("#VALUE! give")


def test_kpi_cell_functions_leave_blanks_not_errors():
    assert udfs.CAC(400, 2) == 200 and udfs.CAC(400, 0) is None
    assert udfs.WIN_RATE(3, 1) == 0.75 and udfs.WIN_RATE(0, 0) is None
    assert udfs.CONVERSION(1, 4) == 0.25 and udfs.CONVERSION(1, 0) is None
    assert udfs.CLTV(1000, 0.25, 0.5) == pytest.approx(2000)
    assert udfs.CSAT([[5], [4], [2], [None]]) == pytest.approx(2 / 3)
    assert udfs.NPS([[10], [9], [7], [3]]) == pytest.approx(25)
    assert udfs.CSAT([[6]]).startswith("#VALUE! CSAT scores run from 1 to 5")
    assert udfs.CAC([[100], [300]], [[1], [0]]) == [[100.0], [None]]


def test_paced_figures_use_the_calling_workbooks_calendar(monkeypatch):
    sheets = basic_sheets() | {
        "Holidays": [["Date", "Name"], [D(2025, 5, 5), "Labour Day"]],
        "Settings": [["Setting", "Value"], ["Weekend", "Sat,Sun"]],
    }
    book = json_book(monkeypatch, sheets)
    udfs._workbook_cache.clear()
    caller = book.sheets[0]["H1"]
    # May 2025 has 21 working days once the 5th is a holiday; 6 of them by Friday the 9th.
    expected = udfs.EXPECTED(1000, *MAY, D(2025, 5, 9), "workdays", caller=caller)
    assert expected == pytest.approx(1000 * 6 / 21)
    assert udfs.EXPECTED(1000, *MAY, D(2025, 5, 9), "workdays") == pytest.approx(1000 * 7 / 22)


def test_no_cell_function_shares_a_name_with_an_excel_built_in():
    """Excel resolves its own functions first: =FORECAST(...) could never reach salestrack."""
    from openpyxl.utils.formulas import FORMULAE

    ours = {name for name in dir(udfs) if name.isupper() and callable(getattr(udfs, name))}
    assert "PERIOD_FORECAST" in ours and len(ours) >= 17
    assert not ours & {f.upper() for f in FORMULAE}, ours & {f.upper() for f in FORMULAE}


# [MS-VBAL] 3.3.5.2 reserved identifiers: a wrapper whose parameter is one of these does not
# compile, and Excel then shows #NAME? for every cell function of the module.
_VBA_RESERVED_TEXT = """
    Call Case Close Const Declare DefBool DefByte DefCur DefDate DefDbl DefInt DefLng DefLngLng
    DefLngPtr DefObj DefSng DefStr DefVar Dim Do Else ElseIf End EndIf Enum Erase Event Exit
    For Friend Function Get Global GoSub GoTo If Implements Input Let Lock Loop LSet Next On
    Open Option Print Private Public Put RaiseEvent ReDim Resume Return RSet Seek Select Set
    Static Stop Sub Type Unlock Wend While With Write Any As ByRef ByVal Each In New Shared
    Until WithEvents Optional ParamArray Preserve Spc Tab Then To AddressOf And Eqv Imp Is Like
    Mod Not Or TypeOf Xor Abs CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr CSng
    CStr CVar CVErr Date Debug DoEvents Fix Int Len LenB PSet Sgn String Array Circle InputB
    LBound Scale UBound Boolean Byte Currency Double Integer Long LongLong LongPtr Single
    Variant Me Empty False Nothing Null True Rem Attribute CDecl Decimal DefDec Object
"""
VBA_RESERVED = set(_VBA_RESERVED_TEXT.split())


def test_no_cell_function_argument_is_a_vba_keyword():
    """xlwings writes each Python argument into the VBA wrapper as is: `end` broke the module."""
    import inspect

    reserved = {word.casefold() for word in VBA_RESERVED}
    for name in dir(udfs):
        function = getattr(udfs, name)
        if name.isupper() and callable(function):
            for argument in inspect.signature(function).parameters:
                assert argument.casefold() not in reserved, f"{name}({argument})"
