"""From the cells of the input sheets to clean, typed tables, reporting every problem on the way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from pyxl.core import schema
from pyxl.core.cleaning.actions import clean_actions
from pyxl.core.cleaning.actuals import clean_actuals
from pyxl.core.cleaning.cells import (
    RawSheet,
    Table,
    locate,
)
from pyxl.core.cleaning.costs import clean_costs
from pyxl.core.cleaning.groups import group_pairs
from pyxl.core.cleaning.holidays import days_off
from pyxl.core.cleaning.pipeline import clean_pipeline
from pyxl.core.cleaning.seasonality import month_weights
from pyxl.core.cleaning.settings_sheet import settings_pairs
from pyxl.core.cleaning.survey import clean_survey
from pyxl.core.cleaning.targets import clean_targets
from pyxl.core.cleaning.team import clean_team
from pyxl.core.errors import SalesTrackError, UnusableWorkbook
from pyxl.core.examples import example_rows
from pyxl.core.issues import ERROR, WARNING, Issues
from pyxl.core.matching import Sales, SalesIndex, fill_from_team
from pyxl.core.pacing import Calendar
from pyxl.core.settings import Settings, read_settings


class WorkbookReader(Protocol):
    """Where the input sheets come from: a workbook file, an open workbook, cells in memory."""

    @property
    def name(self) -> str:
        """What the user calls this workbook (its file name)."""
        ...

    def sheet_names(self) -> list[str]: ...

    def read_sheet(self, name: str) -> RawSheet:
        """One sheet's cells as text, placed where they sit on the sheet."""
        ...


@dataclass(frozen=True)
class CleanedActuals:
    """The Actuals sheet read and cleaned: what a cache keeps from one refresh to the next."""

    frame: pd.DataFrame
    columns: frozenset[str]  # the contract columns the sheet has
    issues: pd.DataFrame  # the problems found on it, in ISSUE_COLUMNS
    # The number format of each cell style when cleaned. Styles added since (each refresh adds
    # its own) cannot change these cells; a style changed in place can.
    formats: tuple[str, ...] = ()
    # Each column's letter and header as the sheet has them, to word a problem found later.
    letters: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def still_read_the_same(self, formats: tuple[str, ...]) -> bool:
        return formats[: len(self.formats)] == self.formats


@dataclass(frozen=True)
class ActualsKey:
    """What decides the cleaned actuals: `cells`, the reader's fingerprint of the sheet's cells,
    and `reading`, a digest of the sheet's name and the settings that change how cells are read."""

    cells: str
    reading: str


class ActualsCache(Protocol):
    """Cleaned actuals kept between refreshes, by a key that says what they were made from."""

    def load(self, key: ActualsKey) -> CleanedActuals | None: ...

    def save(self, key: ActualsKey, cleaned: CleanedActuals) -> None: ...


def actuals_key(fingerprint: str, sheet: str, settings: Settings) -> ActualsKey:
    """The key of the Actuals sheet `sheet` whose cells the reader fingerprints as `fingerprint`,
    read with `settings` (Date Order, `Alias:` headers)."""
    facts = [sheet, settings.date_order, sorted(settings.header_aliases.items())]
    return ActualsKey(fingerprint, hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode()).hexdigest())


class PushedActuals(Protocol):
    """Actuals kept in an engine that sums them where they are (a reader's `pushed_actuals`):
    each target's actual comes back, not the rows."""

    columns: frozenset[str]  # the contract columns the source has
    issues: pd.DataFrame  # the problems found in it, in ISSUE_COLUMNS
    count: int  # its rows

    def sales(self, team: pd.DataFrame | None, groups: dict[str, list[tuple[str, str]]]) -> Sales: ...

    def clean_rows(self) -> pd.DataFrame:
        """The usable rows, cleaned as `clean_actuals` cleans a sheet's."""
        ...


class LazyRows:
    """The clean Actuals rows, read when first wanted: actuals summed in an engine are read row by
    row only for the outputs about each sale (KPIs, dashboard, emails)."""

    def __init__(self, load: Callable[[], pd.DataFrame]) -> None:
        self._load: Callable[[], pd.DataFrame] | None = load
        self._frame: pd.DataFrame | None = None

    def get(self) -> pd.DataFrame:
        if self._frame is None:
            assert self._load is not None
            self._frame, self._load = self._load(), None
        return self._frame


@dataclass
class Inputs:
    settings: Settings
    targets: pd.DataFrame
    actual_rows: LazyRows
    team: pd.DataFrame | None
    calendar: Calendar
    issues: Issues
    sheet_names: dict[str, str]
    actual_columns: frozenset[str]
    targets_sheet: Table  # where the Targets columns are, for warnings about targets
    pipeline: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None
    survey: pd.DataFrame | None = None
    actions: pd.DataFrame | None = None  # the Actions sheet (cleaning.actions), if any
    # (member, group) pairs of the Products and Customers sheets, by dimension, loops broken.
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    pushed: PushedActuals | None = None
    # Every input sheet but Actuals as read (cell text under column keys, with row numbers), by
    # sheet key: for checks that compare the sheets' names with one another.
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def actuals(self) -> pd.DataFrame:
        """The clean Actuals rows (read now, if the actuals are summed in an engine)."""
        return self.actual_rows.get()

    def actuals_count(self) -> int:
        return self.pushed.count if self.pushed is not None else len(self.actuals)

    def departed(self, as_of: dt.date) -> set[str]:
        """Folded names of reps whose End Date is before `as_of` (People who leave): they keep their
        Tracking rows but are left out of everything about the present or the future."""
        if self.team is None:
            return set()
        left = self.team["end_date"].notna() & (self.team["end_date"] < pd.Timestamp(as_of))
        return {schema.normalise(rep) for rep in self.team.loc[left, "rep"]}

    def sales(self) -> Sales:
        """The sales, ready to be summed by target: in the engine that keeps them, or in memory."""
        if self.pushed is not None:
            return self.pushed.sales(self.team, self.groups)
        return SalesIndex(self.actuals, "order_id" in self.actual_columns, self.groups)

    def report_targets(
        self,
        where: pd.Series,
        key: str,
        problem: str,
        rows: pd.DataFrame | None = None,
        detail: pd.Series | str = "",
    ) -> None:
        """A warning about target rows (of the clean targets, or of `rows` carrying their row numbers)."""
        rows = self.targets if rows is None else rows
        self.targets_sheet.report(
            self.issues, WARNING, where, key, problem, "warning_only", detail=detail, rows=rows
        )


def load_inputs(reader: WorkbookReader, cache: ActualsCache | None = None) -> Inputs:
    """Read and clean every input sheet. Raises UnusableWorkbook for what cannot be worked around.

    With a `cache`, and a reader that can fingerprint a sheet's cells (`fingerprint(name)`), the
    cleaned Actuals are kept and reused while the cells and the settings that read them stay the same.
    """
    issues = Issues()
    found = schema.find_sheets(reader.sheet_names())
    read = reader.read_sheet
    settings = _settings(found, read, issues)
    try:
        return _load_inputs(found, read, settings, issues, reader, cache)
    except SalesTrackError as error:
        error.language = error.language or settings.language
        raise


def _load_inputs(
    found: dict[str, str],
    read: Callable[[str], RawSheet],
    settings: Settings,
    issues: Issues,
    reader: WorkbookReader,
    cache: ActualsCache | None,
) -> Inputs:
    for sheet in schema.INPUT_SHEETS:
        if sheet.required_sheet and sheet.key not in found:
            raise UnusableWorkbook(
                "no_sheet",
                sheet=sheet.name,
                aliases=" / ".join(sheet.aliases),
                columns=[sheet.column(k).header for k in sheet.required],
            )
    for ignored, used in schema.ignored_sheets(reader.sheet_names()):
        issues.add(ERROR, ignored, None, "", "", "sheet_shadowed", "sheet_not_read", {"used": used})
    # Cells far outside a sheet's data, which the reader set aside rather than fill the grid to reach.
    for sheet_name, row, column in getattr(reader, "stray_cells", ()):
        letter = schema.column_letter(column - 1)
        issues.add(WARNING, sheet_name, row, letter, "", "stray_cell", "cell_ignored", letter=letter)

    tables: dict[str, Table] = {}

    def table(sheet: schema.Sheet) -> Table | None:
        located = _table(found, read, sheet, settings, issues)
        if located is not None:
            tables[sheet.key] = located
        return located

    targets_table = table(schema.TARGETS)
    assert targets_table is not None
    # The other sheets are read first: a large Actuals sheet may still be on its way (the file
    # adapter reads it ahead, on another thread). Their problems are listed after the Actuals'.
    later = Issues()
    others = {
        sheet.key: _table(found, read, sheet, settings, later)
        for sheet in (
            schema.TEAM,
            schema.PIPELINE,
            schema.COSTS,
            schema.SURVEY,
            schema.PRODUCTS,
            schema.CUSTOMERS,
            schema.ACTIONS,
        )
    }
    tables.update({key: located for key, located in others.items() if located is not None})
    team_table, pipeline_table, costs_table, survey_table = (
        others[key] for key in ("team", "pipeline", "costs", "survey")
    )
    products_table, customers_table, actions_table = (
        others[key] for key in ("products", "customers", "actions")
    )
    pushed_actuals = getattr(reader, "pushed_actuals", None)
    pushed: PushedActuals | None = pushed_actuals(settings) if callable(pushed_actuals) else None
    if pushed is None:
        cleaned = _cleaned_actuals(found, read, settings, reader, cache)
        found_issues, columns = cleaned.issues, cleaned.columns
    else:
        found_issues, columns = pushed.issues, pushed.columns
    if not found_issues.empty:
        issues.parts.append(found_issues)
    issues.parts.extend(later.parts)
    issues.singles.extend(later.singles)
    actual_examples = example_rows("actuals", cleaned.frame) if pushed is None else pd.Series(dtype=bool)
    examples_aside = _set_examples_aside(
        tables,
        Table(found.get("actuals", ""), cleaned.frame, cleaned.letters, cleaned.headers)
        if pushed is None
        else Table(found.get("actuals", ""), pd.DataFrame()),
        actual_examples,
        issues,
    )
    calendar = _calendar(found, read, settings, issues)
    team = clean_team(team_table, settings, issues) if team_table else None

    def rows() -> pd.DataFrame:
        # A pushed source's rows are read only now, cleaned by the engine.
        frame = cleaned.frame if pushed is None else pushed.clean_rows()
        if examples_aside and actual_examples.any():
            frame = frame[~actual_examples.to_numpy()].reset_index(drop=True)
        # A row's blank Team and Region come from the Team sheet through its Rep, once, here.
        return fill_from_team(frame, team)

    return Inputs(
        settings=settings,
        targets=clean_targets(targets_table, settings, calendar, issues),
        actual_rows=LazyRows(rows),
        pushed=pushed,
        team=team,
        calendar=calendar,
        issues=issues,
        sheet_names=found,
        actual_columns=columns,
        pipeline=fill_from_team(clean_pipeline(pipeline_table, settings, issues), team)
        if pipeline_table
        else None,
        costs=clean_costs(costs_table, settings, issues) if costs_table else None,
        survey=fill_from_team(clean_survey(survey_table, settings, issues), team) if survey_table else None,
        actions=clean_actions(actions_table, settings, issues) if actions_table else None,
        targets_sheet=targets_table,
        groups={
            dimension: group_pairs(group_table, dimension, issues)
            for dimension, group_table in (("product", products_table), ("customer", customers_table))
            if group_table is not None
        },
        tables=tables,
    )


def _set_examples_aside(
    tables: dict[str, Table], actuals: Table, actual_examples: pd.Series, issues: Issues
) -> bool:
    """Report the example rows `salestrack new` wrote; once the manager's own rows exist (on
    Targets or Actuals) they are left out of every sheet, so the template's spend and survey never
    count. Returns whether they are left out: a workbook of nothing but examples keeps them, to
    show what the sheets do."""
    marked = {key: example_rows(key, table.frame) for key, table in tables.items()}
    targets = marked.get("targets", pd.Series(dtype=bool))
    own = bool((~actual_examples).any() or (~targets).any())
    action = "row_skipped" if own else "warning_only"
    for key, table in [*tables.items(), ("actuals", actuals)]:
        where = actual_examples if key == "actuals" else marked[key]
        if where.any():
            first = next(column for column in table.frame.columns if column != "row")
            table.report(issues, WARNING, where, first, "example_row", action, values="")
            if own and key != "actuals":
                table.frame = table.frame[~where].reset_index(drop=True)
    return own


def _cleaned_actuals(
    found: dict[str, str],
    read: Callable[[str], RawSheet],
    settings: Settings,
    reader: WorkbookReader,
    cache: ActualsCache | None,
) -> CleanedActuals:
    """The Actuals sheet cleaned, from the cache when its cells and reading settings are unchanged."""
    name = found["actuals"]
    fingerprint, cell_formats = getattr(reader, "fingerprint", None), getattr(reader, "cell_formats", None)
    marker = fingerprint(name) if cache is not None and callable(fingerprint) else None
    key = actuals_key(marker, name, settings) if marker else None
    formats: tuple[str, ...] = cell_formats() if key is not None and callable(cell_formats) else ()
    if cache is not None and key is not None:
        kept = cache.load(key)
        if kept is not None and kept.still_read_the_same(formats):
            return kept
    own = Issues()
    table = _table(found, read, schema.ACTUALS, settings, own)
    assert table is not None
    frame = clean_actuals(table, settings, own)
    cleaned = CleanedActuals(
        frame, frozenset(table.frame.columns), own.frame(), formats, table.letters, table.headers
    )
    if cache is not None and key is not None:
        cache.save(key, cleaned)
    return cleaned


def actuals_layout(names: list[str], settings: Settings, source: str) -> tuple[dict[str, str], Table]:
    """For actuals whose first row is `names` (the columns of `source`, as the user named it): the
    column holding each Actuals column, by key, and the empty table that words their problems
    (as an Actuals sheet's). Raises UnusableWorkbook, naming the source, when Date or Amount is
    missing."""
    located = schema.find_header([names], schema.ACTUALS, settings.header_aliases)
    if located is None:
        missing = schema.missing_columns([names], schema.ACTUALS, settings.header_aliases)
        raise UnusableWorkbook("actuals_no_header", source=source, columns=missing)
    table = locate(RawSheet(schema.ACTUALS.name, pd.DataFrame([names])), schema.ACTUALS, settings, Issues())
    assert table is not None
    return {key: names[position] for position, key in located[1].items()}, table


def actuals_problems(table: Table, rows: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The problems the Actuals rules find in `rows` (cell text by column key, and `row`, the row
    number to report), worded as for a sheet, in ISSUE_COLUMNS."""
    found = Issues()
    clean_actuals(dataclasses.replace(table, frame=rows.reset_index(drop=True)), settings, found)
    return found.frame()


def _table(
    found: dict[str, str],
    read: Callable[[str], RawSheet],
    sheet: schema.Sheet,
    settings: Settings,
    issues: Issues,
) -> Table | None:
    if sheet.key not in found:
        return None
    return locate(read(found[sheet.key]), sheet, settings, issues)


def load_settings(reader: WorkbookReader) -> Settings:
    """Just the Settings sheet (defaults where there is none), e.g. for the workbook's language."""
    return _settings(schema.find_sheets(reader.sheet_names()), reader.read_sheet, Issues())


def load_calendar(reader: WorkbookReader) -> Calendar:
    """The weekend, holidays and seasonality that pacing uses, reading only the sheets they live on."""
    found = schema.find_sheets(reader.sheet_names())
    issues = Issues()
    return _calendar(found, reader.read_sheet, _settings(found, reader.read_sheet, issues), issues)


def _calendar(
    found: dict[str, str], read: Callable[[str], RawSheet], settings: Settings, issues: Issues
) -> Calendar:
    off_days, makeup_days = days_off(_table(found, read, schema.HOLIDAYS, settings, issues), settings, issues)
    return Calendar(
        weekmask=settings.weekmask,
        holidays=off_days,
        month_weights=month_weights(_table(found, read, schema.SEASONALITY, settings, issues), issues),
        makeup_days=makeup_days,
    )


def _settings(found: dict[str, str], read: Callable[[str], RawSheet], issues: Issues) -> Settings:
    if "settings" not in found:
        return Settings()
    return read_settings(settings_pairs(read(found["settings"])), issues, found["settings"])
