"""Names typed slightly differently are warned about, never merged, and never silently dropped."""

import datetime as dt

from conftest import basic_sheets, inputs_from
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.names import Finder, Place, distance, near_misses, pinyin
from pyxl.core.tracking import track

AS_OF = dt.date(2025, 5, 15)


def warnings_of(sheets, problem_keys=("name_near_roster", "name_near_miss")):
    issues = track(inputs_from(sheets), AS_OF).issues.frame()
    return issues[issues["problem"].isin(problem_keys)]


def test_a_sale_for_a_misspelt_rep_is_a_warning_naming_both_and_its_rows():
    sheets = basic_sheets()
    sheets["Actuals"] += [[dt.date(2025, 5, 2), "Hector Ruis", "Widget", f"H{i}", 70, 1] for i in range(7)]
    sheets["Team"].append(["Hector Ruiz", "h@example.com", "East", "China", "Mia", "mia@example.com"])
    found = warnings_of(sheets)
    assert len(found) == 1
    warning = found.iloc[0]
    assert (warning["sheet"], warning["row"], warning["column"], warning["value"]) == (
        "Actuals",
        8,
        "Rep",
        "Hector Ruis",
    )
    assert warning["detail"]["match"] == "Hector Ruiz" and warning["detail"]["where"] == "Team"
    assert warning["detail"]["count"] == 7 and warning["detail"]["rows"] == [8, 9, 10, 11, 12]
    assert warning["severity"] == "warning"
    # Nothing merged: Hector Ruiz's target would still see none of these sales.
    table = track(inputs_from(sheets), AS_OF).table
    assert "Hector Ruis" not in set(table["Name"])


def test_a_target_for_a_misspelt_rep_is_warned_with_its_cell():
    sheets = basic_sheets()
    sheets["Targets"].append(["2025-05", "Revenue", "Bobb", None, 500])
    found = warnings_of(sheets)
    assert list(found["value"]) == ["Bobb"]
    assert found.iloc[0]["sheet"] == "Targets" and found.iloc[0]["letter"] == "C"
    assert found.iloc[0]["detail"]["match"] == "Bob"


def test_chinese_homophones_are_near_misses():
    assert pinyin("张伟") == pinyin("张玮") == "zhang wei"
    sheets = basic_sheets()
    sheets["Team"].append(["张伟", "z@example.com", "East", "China", "Mia", "mia@example.com"])
    sheets["Actuals"].append([dt.date(2025, 5, 3), "张玮", "Widget", "Z1", 10, 1])
    found = warnings_of(sheets)
    assert list(found["value"]) == ["张玮"]
    assert found.iloc[0]["detail"]["match"] == "张伟"


def test_without_a_team_sheet_the_rarer_of_two_lonely_spellings_is_named():
    sheets = basic_sheets()
    del sheets["Team"]
    sheets["Targets"].append(["2025-05", "Revenue", None, "Cardiolex", 500])
    sheets["Actuals"] += [[dt.date(2025, 5, 3), "Ann", "Cardiolexx", f"C{i}", 10, 1] for i in range(3)]
    found = warnings_of(sheets)
    assert list(found["value"]) == ["Cardiolex"]
    assert found.iloc[0]["sheet"] == "Targets" and found.iloc[0]["detail"]["match"] == "Cardiolexx"


def test_different_things_with_numbers_or_letters_are_not_near_misses():
    places = [
        place("Targets", ["Product A", "SKU-1001", "Team 1"]),
        place("Actuals", ["Product B", "SKU-1002", "Team 2"]),
    ]
    assert near_misses(places) == []


def test_spaces_order_and_case_are_near_misses():
    roster = place("Team", ["Hector Ruiz", "Li Wei"])
    others = [place("Actuals", ["HectorRuiz", "Wei Li"])]
    assert sorted(m.match for m in near_misses(others, roster)) == ["Hector Ruiz", "Li Wei"]


def test_exact_matches_are_never_warned():
    sheets = basic_sheets()
    assert warnings_of(sheets).empty


def place(sheet, names):
    import numpy as np
    import pandas as pd

    from pyxl.core.names import place_of

    return place_of(sheet, "Rep", "", pd.Series(names, dtype=object), pd.Series(np.arange(2, len(names) + 2)))


@given(st.text(alphabet="abcdefghij", min_size=4, max_size=12), st.integers(0, 20))
def test_one_typo_is_found_through_the_index(name, position):
    """A single deleted, swapped or replaced letter is found whatever the index holds beside it."""
    position %= len(name)
    typos = {
        name[:position] + name[position + 1 :],
        name[:position] + "z" + name[position + 1 :],
    }
    if position + 1 < len(name):
        typos.add(name[:position] + name[position + 1] + name[position] + name[position + 2 :])
    finder = Finder([name, "qqqqqqqq", "zzzzyyyy"])
    for typo in typos - {name}:
        if len(typo.replace(" ", "")) >= 4:
            assert finder.nearest(typo) == name, typo


@given(st.text(min_size=0, max_size=10), st.text(min_size=0, max_size=10))
def test_distance_is_a_symmetric_measure(a, b):
    assert distance(a, b) == distance(b, a)
    assert (distance(a, b) == 0) == (a == b)
    assert distance(a, b) <= max(len(a), len(b))


def test_place_keeps_blank_cells_out():
    assert set(place("Team", ["Ann", None, "  "]).values) == {"ann"}
    assert isinstance(place("Team", ["Ann"]), Place)
