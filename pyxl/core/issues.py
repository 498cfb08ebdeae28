"""Data problems found in the input: where they are, what was wrong and what was done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from pyxl.core.parsing import is_missing

ERROR, WARNING, INFO = "error", "warning", "info"
ISSUE_COLUMNS = ["severity", "sheet", "row", "column", "value", "problem", "action", "detail", "letter"]


class UnusableWorkbook(Exception):
    """The workbook cannot be used at all; the message is one sentence for the user."""


@dataclass
class Issues:
    """Collects problems; bulk adds take whole columns so a million bad rows stay cheap."""

    parts: list[pd.DataFrame] = field(default_factory=list)
    singles: list[list[object]] = field(default_factory=list)

    def add(
        self,
        severity: str,
        sheet: str,
        row: int | None,
        column: str,
        value: object,
        problem: str,
        action: str,
        detail: str | dict[str, object] = "",
        letter: str = "",
    ) -> None:
        self.singles.append([severity, sheet, row, column, _text(value), problem, action, detail, letter])

    def add_many(
        self,
        severity: str,
        sheet: str,
        rows: Iterable[int],
        column: str,
        values: Iterable[object],
        problem: str,
        action: str,
        detail: str | Iterable[object] = "",
        letter: str = "",
    ) -> None:
        frame = pd.DataFrame({"row": list(rows), "value": [_text(v) for v in values]})
        if frame.empty:
            return
        frame["severity"], frame["sheet"], frame["column"] = severity, sheet, column
        frame["problem"], frame["action"] = problem, action
        frame["detail"] = detail if isinstance(detail, str) else [_detail(v) for v in detail]
        frame["letter"] = letter
        self.parts.append(frame[ISSUE_COLUMNS])

    def frame(self) -> pd.DataFrame:
        """All issues, errors first, then by sheet and row."""
        parts = (
            [*self.parts, pd.DataFrame(self.singles, columns=ISSUE_COLUMNS)] if self.singles else self.parts
        )
        if not parts:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        frame = pd.concat(parts, ignore_index=True)
        order = frame["severity"].map({ERROR: 0, WARNING: 1, INFO: 2})
        frame = frame.assign(_order=order).sort_values(
            ["_order", "sheet", "row"], kind="stable", na_position="first"
        )
        return frame.drop(columns="_order").reset_index(drop=True)

    def copy(self) -> Issues:
        return Issues(list(self.parts), [list(row) for row in self.singles])

    def has_errors(self) -> bool:
        return any(row[0] == ERROR for row in self.singles) or any(
            (part["severity"] == ERROR).any() for part in self.parts
        )


def _detail(value: object) -> object:
    """Details are text, or a dict of facts (message values) that views word."""
    return value if isinstance(value, dict) else _text(value)


def _text(value: object) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
