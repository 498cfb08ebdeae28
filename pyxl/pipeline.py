"""One pipeline for every front end: read the inputs, track, write the output sheets, make emails.

It works on a `WorkbookReader` and a `WorkbookWriter`, so the command line (a workbook file),
the ribbon (the open workbook) and later front ends run the same steps. The `*_file` helpers
pick the file adapter for the command line and scheduled jobs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pyxl.collector import cycle_collector_paused
from pyxl.core import backtest
from pyxl.core.errors import SalesTrackError, UnusableWorkbook
from pyxl.core.figures import ACHIEVED, AHEAD, AT_RISK, BEHIND, MISSED, NOT_STARTED, ON_TRACK
from pyxl.core.history import AS_OF, HISTORY_COLUMNS, snapshot
from pyxl.core.inputs import ActualsCache, WorkbookReader, load_inputs, load_settings
from pyxl.core.issues import ERROR, WARNING
from pyxl.core.kpis import kpi_table
from pyxl.core.meeting import Meeting, meeting, since_date
from pyxl.core.meeting import headline as meeting_headline
from pyxl.core.parsing import parse_day
from pyxl.core.settings import Settings
from pyxl.core.tracking import AsOf, Tracking, resolve_as_of, track
from pyxl.views import i18n
from pyxl.views.history import HistoryUpdate, history_from_cells
from pyxl.views.meeting import slides
from pyxl.views.outputs import Progress, WorkbookWriter, output_sheets
from pyxl.views.sheets import (
    HISTORY_SHEET,
    Preview,
    SheetSpec,
    accuracy_sheet,
    email_preview_sheet,
    settle_names,
)
from pyxl.views.summaries import Plan, plan_summaries

if TYPE_CHECKING:
    from pyxl.adapters.mail import Rendered, SendReport


@dataclass
class Refreshed:
    """A refresh's tracking, and the names its output sheets were written under."""

    tracking: Tracking
    sheets: list[str]
    saved_beside: Path | None = None  # another program saved the workbook meanwhile
    # History rows that did not read back when History was written whole (sheet rows), left out.
    history_unreadable: list[int] = field(default_factory=list)


def _quiet(_: str) -> None:
    pass


@contextlib.contextmanager
def worded_in(language: str) -> Iterator[None]:
    """Errors raised once the workbook's Settings are known, and progress said meanwhile, are
    worded in its Language."""
    try:
        with i18n.in_language(language):
            yield
    except SalesTrackError as error:
        error.language = error.language or language
        raise


def track_workbook(
    reader: WorkbookReader,
    as_of: AsOf = None,
    progress: Progress = _quiet,
    cache: ActualsCache | None = None,
) -> Tracking:
    """Read a workbook's input sheets and compute its tracking table."""
    with cycle_collector_paused():
        progress(i18n.said("progress_reading", name=reader.name))
        inputs = load_inputs(reader, cache)
        progress(
            i18n.text(
                "progress_tracking",
                inputs.settings.language,
                targets=len(inputs.targets),
                rows=inputs.actuals_count(),
            )
        )
        return track(inputs, as_of)


def refresh(
    reader: WorkbookReader,
    writer: WorkbookWriter,
    as_of: AsOf = None,
    progress: Progress = _quiet,
    cache: ActualsCache | None = None,
) -> Refreshed:
    """Compute tracking and write every output sheet through `writer`."""
    with cycle_collector_paused():
        tracking = track_workbook(reader, as_of, progress, cache)
        history = HistoryUpdate(snapshot(tracking), tracking.settings)
        specs = settle_names([*output_sheets(tracking), history.spec], writer.sheet_owners())
        with worded_in(tracking.settings.language):
            writer.write_sheets(specs, progress, history)
        unreadable = list(getattr(writer, "unreadable_history", []))
        return Refreshed(tracking, [s.name for s in specs], history_unreadable=unreadable)


# The file adapter loads fastexcel, lxml and XlsxWriter: only the file helpers import it, so front
# ends without them (xlwings Lite) can use the pipeline.
@dataclass(frozen=True)
class Actuals:
    """Where actuals come from when not from the Actuals sheet: --actuals and --actuals-table,
    else the Actuals Source and Actuals Table settings."""

    source: str | None = None
    table: str | None = None


def file_reader(path: Path | str, actuals: Actuals = Actuals()) -> WorkbookReader:
    """The workbook file, with its actuals from the source the option or its Settings name."""
    return _file_source(path, actuals)[0]


def _file_source(path: Path | str, actuals: Actuals) -> tuple[WorkbookReader, Settings]:
    """The workbook file's reader and its Settings, read once."""
    from pyxl.adapters.filebook import FileWorkbook

    workbook = FileWorkbook(path)
    settings = load_settings(workbook)
    return with_actuals_source(workbook, settings, actuals, Path(path).parent), settings


def with_actuals_source(
    workbook: WorkbookReader, settings: Settings, actuals: Actuals, folder: Path
) -> WorkbookReader:
    """The workbook, its actuals read from the source --actuals or its Settings name (a path
    relative to `folder`, the workbook's), if any."""
    source = actuals.source or settings.actuals_source
    if not source:
        return workbook
    from pyxl.adapters.actuals import ExternalActuals  # DuckDB loads only for a source

    with worded_in(settings.language):
        return ExternalActuals(workbook, source, actuals.table or settings.actuals_table, folder)


@contextlib.contextmanager
def file_cache() -> Iterator[ActualsCache | None]:
    """Where file commands keep cleaned actuals between runs (see adapters.actualscache); what it
    writes in the background is on disk when the block ends."""
    from pyxl.adapters.actualscache import user_cache

    cache = user_cache()
    with cache if cache is not None else contextlib.nullcontext():
        yield cache


def track_file(
    path: Path | str, as_of: AsOf = None, progress: Progress = _quiet, actuals: Actuals = Actuals()
) -> Tracking:
    """Read a workbook file (and its actuals source, if any) and compute its tracking table."""
    reader, settings = _file_source(path, actuals)
    with worded_in(settings.language), file_cache() as cache:
        return track_workbook(reader, resolve_as_of(settings, as_of), progress, cache)


def refresh_file(
    path: Path | str,
    as_of: AsOf = None,
    out: Path | str | None = None,
    progress: Progress = _quiet,
    actuals: Actuals = Actuals(),
) -> Refreshed:
    """Compute tracking and write the output sheets into the workbook, or into a copy at `out`."""
    from pyxl.adapters.filebook import FileOutput, refuse_unwritable_kind

    refuse_unwritable_kind(Path(path))
    reader, settings = _file_source(path, actuals)
    with worded_in(settings.language), file_cache() as cache:  # "--out folder missing" too
        day = resolve_as_of(settings, as_of)  # a date typed wrong is said before the sheets are read
        writer = FileOutput(path, out)
        refreshed = refresh(reader, writer, day, progress, cache)
    if writer.written_to != writer.destination.resolve():
        refreshed.saved_beside = writer.written_to
    return refreshed


@dataclass
class Backtest:
    """A replay of the past: the scores, the forecasts they were made from, and the span."""

    accuracy: pd.DataFrame
    forecasts: int
    first: dt.date
    last: dt.date
    language: str
    sheet: str | None = None  # the Forecast Accuracy sheet's name, once written


def backtest_file(
    path: Path | str,
    first: AsOf = None,
    last: AsOf = None,
    out: Path | str | None = None,
    progress: Progress = _quiet,
    actuals: Actuals = Actuals(),
) -> Backtest:
    """Replay the workbook's past (pyxl.core.backtest) and write the Forecast Accuracy sheet into
    it, or into a copy at `out`; a SalesTrackError when no period ended in the span."""
    from pyxl.adapters.filebook import FileOutput, refuse_unwritable_kind

    refuse_unwritable_kind(Path(path))
    reader, settings = _file_source(path, actuals)
    with worded_in(settings.language), file_cache() as cache, cycle_collector_paused():
        first_day = parse_day(first, settings.date_order) if isinstance(first, str) else first
        last_day = parse_day(last, settings.date_order) if isinstance(last, str) else last
        progress(i18n.said("progress_reading", name=reader.name))
        inputs = load_inputs(reader, cache)
        made = backtest.replay(inputs, first_day, last_day)
        if made.empty:
            raise SalesTrackError("no_backtest", first=first_day or "…", last=last_day or "…")
        days = pd.to_datetime(made["As Of"])
        result = Backtest(
            backtest.accuracy(made), len(made), days.min().date(), days.max().date(), settings.language
        )
        spec = accuracy_sheet(result.accuracy, settings.language, result.first, result.last)
        writer = FileOutput(path, out)
        specs = settle_names([spec], writer.sheet_owners())
        writer.write_sheets(specs, progress)
        result.sheet = specs[0].name
    return result


def meeting_of(
    reader: WorkbookReader, as_of: AsOf = None, since: AsOf = None, cache: ActualsCache | None = None
) -> tuple[Meeting, str, str]:
    """The meeting as of `as_of` against History's rows of `since` (by default the latest History
    date before it), with the workbook's language and currency symbol."""
    tracking = track_workbook(reader, as_of, cache=cache)
    settings = tracking.settings
    names = i18n.sheet_names_of(HISTORY_SHEET)
    found = next((n for n in reader.sheet_names() if n in names), None)
    history = pd.DataFrame(columns=HISTORY_COLUMNS)
    if found is not None:
        history, _ = history_from_cells(reader.read_sheet(found).cells, settings.language)
    since_day = parse_day(since, settings.date_order) if isinstance(since, str) else since
    dates = sorted(set(history[AS_OF])) if len(history) else []
    day = since_date(dates, tracking.as_of, since_day)
    kpis = kpi_table(tracking)
    row = meeting_headline(tracking.table, tracking.as_of)
    coverage = None
    if row is not None:
        company = kpis[(kpis["Level"] == "Company") & (kpis["Period"] == row["Period"])]
        if len(company) and pd.notna(company["Coverage"].iloc[0]):
            coverage = float(company["Coverage"].iloc[0])
    return meeting(tracking, history, day, coverage), settings.language, settings.currency_symbol


@dataclass
class Packed:
    """A meeting pack written: where, how many slides, and the meeting it shows."""

    path: Path
    slides: int
    language: str


def pack_file(
    path: Path | str,
    as_of: AsOf = None,
    since: AsOf = None,
    out: Path | str | None = None,
    actuals: Actuals = Actuals(),
) -> Packed:
    """Write the PowerPoint meeting pack for a workbook file, beside it unless `out` says where."""
    from pyxl.adapters.pack import write_pack  # python-pptx loads only for a pack

    reader, settings = _file_source(path, actuals)
    with worded_in(settings.language), file_cache() as cache:
        found, language, currency = meeting_of(reader, resolve_as_of(settings, as_of), since, cache)
        deck = slides(found, language, currency)
        target = Path(out) if out else Path(path).with_name(f"{Path(path).stem} meeting {found.as_of}.pptx")
        if target.suffix.lower() != ".pptx":
            raise UnusableWorkbook("pack_not_pptx", name=target.name)
        if not target.parent.is_dir():
            raise UnusableWorkbook("no_folder", folder=target.parent)
        return Packed(write_pack(deck, language, target), len(deck), language)


@dataclass
class EmailRun:
    tracking: Tracking
    plan: Plan
    messages: list[Rendered]
    index: Path | None = None
    report: SendReport | None = None  # after a send


def email_file(
    path: Path | str,
    as_of: AsOf = None,
    out: Path | str | None = None,
    send: bool = False,
    resend: bool = False,
    progress: Progress = _quiet,
    actuals: Actuals = Actuals(),
) -> EmailRun:
    """Track a workbook file and write its email previews, or send them."""
    path = Path(path)
    return deliver_emails(track_file(path, as_of, progress, actuals), path, out, send, resend, progress)


def prepare_emails(tracking: Tracking, path: Path, progress: Progress = _quiet) -> EmailRun:
    """Plan and render every summary of the workbook at `path`, without writing or sending."""
    from pyxl.adapters import mail  # Jinja2, css-inline and Pillow load only when emails are made

    plan = plan_summaries(tracking, mail.previous_table(path, tracking.as_of))
    with worded_in(tracking.settings.language):
        progress(i18n.said("progress_rendering_emails", count=len(plan.summaries)))
        return EmailRun(tracking, plan, mail.render(plan, tracking, path))


def email_preview(tracking: Tracking, book_name: str) -> SheetSpec:
    """Every summary's subject and text as one sheet, for a front end that cannot send mail or
    write files (xlwings Lite)."""
    from pyxl.adapters import mail  # Jinja2 only: no chart, no CSS inlining

    plan = plan_summaries(tracking, None)
    with worded_in(tracking.settings.language):
        messages = mail.render_texts(plan, tracking, Path(book_name))
    previews = [
        Preview(m.summary.kind, m.summary.recipient.name, m.summary.recipient.email, m.subject, m.text)
        for m in messages
    ]
    return email_preview_sheet(previews, tracking.as_of, tracking.settings.language)


def unsent(run: EmailRun, path: Path) -> list[Rendered]:
    """The rendered messages the send ledger beside `path` has not recorded."""
    from pyxl.adapters import mail

    ledger = mail.Ledger.beside(path)
    return [m for m in run.messages if m.key not in ledger.sent]


def send_prepared(run: EmailRun, path: Path, resend: bool = False, progress: Progress = _quiet) -> SendReport:
    """Send what the ledger has not seen (everything with `resend`), and keep this table for the
    next digest's movers."""
    from pyxl.adapters import mail

    tracking = run.tracking
    with worded_in(tracking.settings.language):
        run.report = mail.send(
            run.messages,
            tracking.settings,
            mail.Ledger.beside(path),
            tracking.as_of.isoformat(),
            resend,
            progress,
        )
    if run.report.sent:
        mail.remember(path, tracking)
    return run.report


def write_previews(run: EmailRun, path: Path, out: Path | str | None = None) -> Path:
    """Write every message as an unsent draft, plus an index page; returns the index's path."""
    from pyxl.adapters import mail

    sender = run.tracking.settings.email_from or "salestrack@localhost"
    with worded_in(run.tracking.settings.language):
        run.index = mail.write_previews(
            run.messages, run.plan, sender, Path(out) if out else mail.preview_folder(path)
        )
    return run.index


def deliver_emails(
    tracking: Tracking,
    path: Path,
    out: Path | str | None = None,
    send: bool = False,
    resend: bool = False,
    progress: Progress = _quiet,
) -> EmailRun:
    """Render every summary; write previews (the default) or send what was not sent before."""
    run = prepare_emails(tracking, path, progress)
    if send:
        send_prepared(run, path, resend, progress)
    else:
        write_previews(run, path, out)
    return run


# Statuses in the order a manager reads them: the periods still running, then those ended.
IN_PROGRESS = (AT_RISK, BEHIND, ON_TRACK, AHEAD)
ENDED = (MISSED, ACHIEVED)


def summary(refreshed: Refreshed, path: Path) -> str:
    """A few lines on what was written and where things stand: the targets in progress first,
    then those ended, each by status."""
    tracking, written = refreshed.tracking, refreshed.sheets
    language = tracking.settings.language
    issues = tracking.issues.frame()
    lines = [
        i18n.text(
            "summary_wrote",
            language,
            sheets=i18n.joined(written, language),
            path=path,
        ),
        i18n.text("summary_as_of", language, as_of=tracking.as_of.isoformat()),
    ]
    groups = (
        ("summary_in_progress", IN_PROGRESS),
        ("summary_ended", ENDED),
        ("summary_not_started", (NOT_STARTED,)),
    )
    for key, statuses in groups:
        counts = tracking.table["Status"].value_counts().reindex(statuses).dropna()
        if counts.sum():
            worded = i18n.text("list_separator", language).join(
                f"{int(count)} {i18n.status_word(str(status), language).lower()}"
                for status, count in counts.items()
            )
            lines.append(i18n.text(key, language, count=int(counts.sum()), statuses=worded))
    lines.append(
        i18n.text(
            "summary_problems",
            language,
            errors=(issues["severity"] == ERROR).sum(),
            warnings=(issues["severity"] == WARNING).sum(),
        )
    )
    if refreshed.history_unreadable:
        history = next(
            (name for name in written if name in i18n.sheet_names_of(HISTORY_SHEET)), HISTORY_SHEET
        )
        rows = refreshed.history_unreadable
        lines.append(
            i18n.text("history_rows_unreadable", language, sheet=history, count=len(rows), rows=rows[:10])
        )
    if refreshed.saved_beside:
        lines[0] = i18n.text("saved_beside", language, name=path.name, beside=refreshed.saved_beside)
    return "\n".join(lines)
