"""Names typed slightly differently: a dimension value that matches nothing it should match, but
nearly matches a value there (a spelling slip, a space, names in the other order, or in Chinese
the same pinyin, since input methods offer homophones).

Such a value is never merged: a sale for "Hector Ruis" still counts for nobody named Hector Ruiz.
It is a Data Quality warning naming both, so the manager fixes the sheet.

Pure Python (difflib-free edit distance, pypinyin where installed), so xlwings Lite runs it too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pyxl.core.inputs import Inputs
from pyxl.core.issues import WARNING
from pyxl.core.matching import Sales
from pyxl.core.schema import normalise

_CJK = re.compile(r"[\u3400-\u9fff]")
SHOWN_ROWS = 5  # row numbers a warning lists before "and N more"


@dataclass
class Place:
    """One sheet column's values of a dimension.

    `values` maps each folded value to the codes it has in `codes`, one code per row of the
    column; `rows` are those rows' Excel numbers and `text` their cells as written. Rows and
    text may be absent (actuals summed in a database): a warning then names the value only.
    """

    sheet: str
    column: str  # the header as the user knows it
    letter: str = ""
    values: dict[str, list[int]] = field(default_factory=dict)
    codes: np.ndarray | None = None
    rows: np.ndarray | None = None
    text: pd.Series | None = None

    def rows_of(self, value: str) -> np.ndarray | None:
        """The Excel rows holding `value`."""
        if self.codes is None or self.rows is None:
            return None
        return self.rows[np.isin(self.codes, self.values[value])]

    def written(self, value: str) -> str:
        """`value` as the sheet writes it (its first cell), else folded."""
        if self.codes is None or self.text is None:
            return value
        first = int(np.flatnonzero(np.isin(self.codes, self.values[value]))[0])
        return " ".join(str(self.text.iloc[first]).split())


def place_of(sheet: str, column: str, letter: str, text: pd.Series, rows: pd.Series) -> Place:
    """A Place from a column's cells and their Excel row numbers; blanks are left out."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    values: dict[str, list[int]] = {}
    for code, unique in enumerate(uniques):
        folded = normalise(unique)
        if folded:
            values.setdefault(folded, []).append(code)
    return Place(sheet, column, letter, values, codes, rows.to_numpy(), text.reset_index(drop=True))


@dataclass(frozen=True)
class NearMiss:
    """`value` on `place` matches nothing it should, but nearly matches `match` on `where`."""

    place: Place
    value: str  # folded
    match: str  # as written
    where: str  # the sheet the match stands on
    roster: bool = False  # the match is on the Team sheet, where every rep, team and region belongs

    @property
    def written(self) -> str:
        return self.place.written(self.value)

    @property
    def rows(self) -> np.ndarray | None:
        return self.place.rows_of(self.value)


def near_misses(places: list[Place], authority: Place | None = None) -> list[NearMiss]:
    """Values that nearly match a value they should match and match none exactly.

    With an `authority` (the Team sheet, for reps, teams and regions) every other place's values
    should be on it. Without one, a value should stand on at least one other place; when two
    such values each nearly match only the other, the one on fewer rows is the slip named.
    """
    found: list[NearMiss] = []
    if authority is not None and authority.values:
        finder = Finder(authority.values)
        for place in places:
            for value in place.values:
                if value not in authority.values and (match := finder.nearest(value)) is not None:
                    found.append(
                        NearMiss(place, value, authority.written(match), authority.sheet, roster=True)
                    )
        return found
    where: dict[str, list[Place]] = {}
    for place in places:
        for value in place.values:
            where.setdefault(value, []).append(place)
    alone = {value for value, standing in where.items() if len({id(p) for p in standing}) == 1}
    if not alone:
        return found
    for place in places:
        others = {v for other in places if other is not place for v in other.values}
        lonely = [v for v in place.values if v in alone]
        if not lonely or not others:
            continue
        finder = Finder(others)
        for value in lonely:
            match = finder.nearest(value)
            if match is not None:
                owner = where[match][0]
                found.append(NearMiss(place, value, owner.written(match), owner.sheet))
    return _one_of_each_pair(found)


def _one_of_each_pair(found: list[NearMiss]) -> list[NearMiss]:
    """Of two lonely values that nearly match each other, name only the one on fewer rows."""
    by_value = {(miss.value, normalise(miss.match)): miss for miss in found}
    kept = []
    for miss in found:
        other = by_value.get((normalise(miss.match), miss.value))
        if other is not None and (_weight(miss), miss.value) > (_weight(other), other.value):
            continue
        kept.append(miss)
    return kept


def _weight(miss: NearMiss) -> int:
    rows = miss.rows
    return len(rows) if rows is not None else 1


class Finder:
    """The values one value should be compared with, indexed so a few thousand customers are
    not compared pairwise: by their deletion neighbourhoods (two names within edit distance k
    share a string with k characters deleted) and by their shape (spaces dropped, words sorted,
    pinyin)."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = list(values)
        self.by_deletion: dict[str, list[str]] = {}
        self.by_shape: dict[str, list[str]] = {}
        for value in self.values:
            for key in _deletions(value, _allowed(value)):
                self.by_deletion.setdefault(key, []).append(value)
            for key in _shapes(value):
                self.by_shape.setdefault(key, []).append(value)

    def nearest(self, value: str) -> str | None:
        """The indexed value nearest to `value` that is near enough, if any."""
        candidates: dict[str, int] = {}
        for key in _shapes(value):
            for other in self.by_shape.get(key, ()):
                if other != value:
                    candidates[other] = 0
        for key in _deletions(value, _allowed(value)):
            for other in self.by_deletion.get(key, ()):
                if other != value and other not in candidates and _near(value, other):
                    candidates[other] = distance(value, other)
        if not candidates:
            return None
        return min(candidates, key=lambda other: (candidates[other], other))


def _allowed(value: str) -> int:
    """Edits a name of this length may differ by and still be the same name mistyped."""
    size = len(value.replace(" ", ""))
    if _CJK.search(value):
        return 1 if size >= 3 else 0
    return 0 if size < 4 else (1 if size <= 8 else 2)


def _deletions(value: str, edits: int) -> set[str]:
    keys = {value}
    frontier = {value}
    for _ in range(edits):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        keys |= frontier
    return keys


def _shapes(value: str) -> Iterator[str]:
    """Keys two spellings of one name share: without spaces and dots, words in order, pinyin."""
    squeezed = re.sub(r"[\s.·・,，_-]+", "", value)
    yield "s:" + squeezed
    words = re.split(r"[\s,，]+", value)
    if len(words) > 1:
        yield "w:" + " ".join(sorted(words))
    if _CJK.search(value):
        sound = pinyin(squeezed)
        if sound:
            yield "p:" + sound


def _near(value: str, other: str) -> bool:
    """Within the edits allowed, and not two names that differ only in a number or a one-letter
    word (Product A and Product B, SKU-1001 and SKU-1002 are different things)."""
    if distance(value, other) > max(_allowed(value), _allowed(other)):
        return False
    words, other_words = re.split(r"[\s\-_/]+", value), re.split(r"[\s\-_/]+", other)
    if len(words) == len(other_words):
        differing = [(a, b) for a, b in zip(words, other_words, strict=True) if a != b]
        if differing and all(_identifier(a) and _identifier(b) for a, b in differing):
            return False
    return re.sub(r"\d", "", value) != re.sub(r"\d", "", other)


def _identifier(word: str) -> bool:
    return len(word) <= 2 or any(c.isdigit() for c in word)


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    neighbouring characters each cost one."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@functools.lru_cache(maxsize=4096)
def pinyin(text: str) -> str:
    """Toneless pinyin of Chinese characters (other characters kept); empty without pypinyin."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # an install without it (a bundled xlwings Lite script) compares spelling only
        return ""
    return " ".join(lazy_pinyin(text, style=Style.NORMAL, errors="default"))


# Where each dimension's values stand besides Actuals: (sheet key, column key).
SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "rep": (("targets", "rep"), ("pipeline", "rep"), ("survey", "rep"), ("actions", "rep")),
    "team": (("targets", "team"), ("costs", "team"), ("actions", "team")),
    "region": (("targets", "region"), ("costs", "region")),
    "product": (("targets", "product"), ("products", "product"), ("products", "group")),
    "customer": (
        ("targets", "customer"),
        ("survey", "customer"),
        ("customers", "customer"),
        ("customers", "group"),
    ),
    "channel": (("targets", "channel"),),
}
# The Team sheet is the roster: a rep, team or region elsewhere should be one of its values.
ROSTER = ("rep", "team", "region")


def check_names(inputs: Inputs, sales: Sales) -> None:
    """Warn (Data Quality) about every dimension value that nearly matches a value it should match."""
    team = inputs.tables.get("team")
    for dimension, sources in SOURCES.items():
        places = [
            place_of(
                table.sheet,
                table.label(key),
                table.letters.get(key, ""),
                table.frame[key],
                table.frame["row"],
            )
            for sheet, key in sources
            if (table := inputs.tables.get(sheet)) is not None and key in table.frame
        ]
        places = [p for p in places if p.values]
        authority = (
            place_of(
                team.sheet,
                team.label(dimension),
                team.letters.get(dimension, ""),
                team.frame[dimension],
                team.frame["row"],
            )
            if team is not None and dimension in ROSTER and dimension in team.frame
            else None
        )
        if not places and authority is None:
            continue
        actuals = _actuals_place(inputs, sales, dimension)
        if actuals is not None:
            places.append(actuals)
        for miss in near_misses(places, authority):
            rows = miss.rows
            inputs.issues.add(
                WARNING,
                miss.place.sheet,
                int(rows[0]) if rows is not None and len(rows) else None,
                miss.place.column,
                miss.written,
                "name_near_roster" if miss.roster else "name_near_miss",
                "warning_only",
                {
                    "match": miss.match,
                    "where": miss.where,
                    "rows": [] if rows is None else [int(r) for r in rows[:SHOWN_ROWS]],
                    "count": 0 if rows is None else len(rows),
                },
                miss.place.letter,
            )


def _actuals_place(inputs: Inputs, sales: Sales, dimension: str) -> Place | None:
    """The Actuals' values of a dimension, numbered as the sales already are where targets name it."""
    if dimension not in inputs.actual_columns:
        return None
    sheet = inputs.sheet_names.get("actuals", "Actuals")
    label = inputs.targets_sheet.label(dimension)
    coded = getattr(sales, "rows", None)
    if inputs.pushed is not None:
        folded = sales.codes.codes.get(dimension, {})
        return Place(sheet, label, "", {value: [code] for value, code in folded.items()}) if folded else None
    frame = inputs.actuals
    if isinstance(coded, pd.DataFrame) and dimension in coded:
        codes = coded[dimension].to_numpy()
        present = np.flatnonzero(np.bincount(codes + 1)[1:])  # groups get codes no sale has
        named = {c: v for v, c in sales.codes.codes[dimension].items()}
        values: dict[str, list[int]] = {named[int(c)]: [int(c)] for c in present}
        return Place(
            sheet, label, "", values, coded[dimension].to_numpy(), frame["row"].to_numpy(), frame[dimension]
        )
    return place_of(sheet, label, "", frame[dimension], frame["row"])
