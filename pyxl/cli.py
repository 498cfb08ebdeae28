"""The salestrack command line: a thin layer over the pipeline."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import os
import shutil
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click
from click import UsageError

from pyxl import __version__
from pyxl.collector import cycle_collector_paused
from pyxl.core.errors import SalesTrackError
from pyxl.views import i18n

# `salestrack --help` must start fast: pandas, the pipeline and the readers load in the
# commands that need them.
if TYPE_CHECKING:
    import pandas as pd

    from pyxl.core.tracking import AsOf, Tracking
    from pyxl.pipeline import Actuals
    from pyxl.views.outputs import Progress
    from pyxl.views.terminal import RowFilter

BOOK = click.argument("book", type=click.Path(path_type=Path))


class AsOfDate(click.ParamType):
    """A date as people type it: 2025-11-14, 2025/11/14, 2025年11月14日, today, yesterday.

    Today and yesterday are dates at once; other text is read once the workbook's Settings are
    (its Date Order, and its Language for what is said when the text is no date)."""

    name = "date"
    RELATIVE: ClassVar[dict[str, int]] = {"today": 0, "今天": 0, "yesterday": 1, "昨天": 1}

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date | str:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if text.casefold() in self.RELATIVE:
            return dt.date.today() - dt.timedelta(days=self.RELATIVE[text.casefold()])
        return text


class Words(click.Choice):
    """A choice that also takes each choice's other names (表格 for table, 中文 for zh)."""

    def __init__(self, words: dict[str, tuple[str, ...]]) -> None:
        super().__init__(list(words))
        self.aliases = {alias.casefold(): word for word, names in words.items() for alias in names}

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        word = self.aliases.get(str(value).strip().casefold(), value)
        return str(super().convert(word, param, ctx))


FORMATS = Words({"table": ("表格", "表"), "csv": ("CSV",), "json": ("JSON",)})
LANGUAGES = Words({"en": ("english", "英文", "英语"), "zh": ("chinese", "中文", "汉语", "简体中文")})


AS_OF = click.option(
    "--as-of",
    type=AsOfDate(),
    default=None,
    help="Track as of this date (2025-11-14, 2025/11/14, 2025年11月14日, today, yesterday); "
    "default: the As Of setting, else today.",
)


def FORMAT(command: Callable[..., None]) -> Callable[..., None]:
    """--format, and --output to write the table to a file instead of standard output."""
    command = click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=lambda ctx, _param, value: ctx.meta.__setitem__("output", value),
        help="Write to this file; CSV and JSON get a UTF-8 byte-order mark so Excel keeps Chinese intact.",
    )(command)
    return click.option(
        "--format",
        "output_format",
        type=FORMATS,
        default="table",
        show_default=True,
        help="table for people; csv or json (ratios as fractions, blanks empty or null) for tools.",
    )(command)


def emit(text: str, output_format: str, language: str = "en") -> None:
    """A rendered table to standard output (plain, for pipes) or to the --output file."""
    output: Path | None = click.get_current_context().meta.get("output")
    if output is None:
        echo(text, nl=False)
        return
    if not output.parent.is_dir():
        raise UsageError(i18n.text("no_folder", language, folder=output.parent))
    output.write_text(text, encoding="utf-8-sig" if output_format in ("csv", "json") else "utf-8")
    echo(i18n.text("wrote_file", language, path=output))


def FILTERS(command: Callable[..., None]) -> Callable[..., None]:
    """--period, --rep and --level, handed to the command as one `rows` argument."""

    @click.option(
        "--period", "periods", multiple=True, metavar="PERIOD", help="Only this period (repeatable)."
    )
    @click.option(
        "--rep", "names", multiple=True, metavar="NAME", help="Only rows with this Name (repeatable)."
    )
    @click.option(
        "--level",
        "levels",
        multiple=True,
        metavar="LEVEL",
        help="Only this level: Rep, Team, Region, … (repeatable).",
    )
    @functools.wraps(command)
    def run(
        *args: object,
        periods: tuple[str, ...],
        names: tuple[str, ...],
        levels: tuple[str, ...],
        **kwargs: object,
    ) -> None:
        from pyxl.views.terminal import RowFilter

        command(*args, rows=RowFilter(periods, names, levels), **kwargs)

    return run


PROGRESS = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on stderr (default: when stderr is a terminal).",
)


def actuals_options(command: Callable[..., None]) -> Callable[..., None]:
    """--actuals and --actuals-table, handed to the command as one `actuals` argument; without
    --actuals, the Actuals sheet's read starts at once (adapters.readahead). Goes under @friendly,
    so that a Ctrl-C or a failure there is worded too."""

    @click.option(
        "--actuals",
        "actuals_source",
        metavar="SOURCE",
        default=None,
        help="Read actuals from this Parquet, CSV or DuckDB file (or glob), instead of the Actuals "
        "sheet or the Actuals Source setting; relative to the workbook.",
    )
    @click.option("--actuals-table", metavar="NAME", default=None, help="The table, for a DuckDB file.")
    @functools.wraps(command)
    def run(*args: object, actuals_source: str | None, actuals_table: str | None, **kwargs: object) -> None:
        from pyxl.adapters import readahead

        book = Path(str(kwargs["book"]))
        with readahead.reading_ahead(book) if actuals_source is None else contextlib.nullcontext():
            with cycle_collector_paused():  # loading pandas makes objects, not garbage
                from pyxl.pipeline import Actuals

            command(*args, actuals=Actuals(actuals_source, actuals_table), **kwargs)

    return run


def friendly(command: Callable) -> Callable:
    """Turn every failure into one sentence and exit status 2, never a traceback; Ctrl-C exits 130."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SalesTrackError as error:
            echo(f"salestrack: {i18n.explain(error, error.language or guessed_language())}", err=True)
            sys.exit(2)
        except click.ClickException as error:  # a usage problem found once the workbook is read
            echo(f"salestrack: {error.format_message()}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            echo(f"salestrack: {i18n.text('stopped', guessed_language())}", err=True)
            sys.exit(130)
        except (SystemExit, GeneratorExit):
            raise
        except BaseException as error:  # a Rust panic in a reader (pyo3's PanicException) is one too
            if os.environ.get("SALESTRACK_DEBUG"):
                raise
            reason = f"{type(error).__name__}: {error}"
            echo(f"salestrack: {i18n.text('went_wrong', guessed_language(), reason=reason)}", err=True)
            sys.exit(2)

    return run


def guessed_language() -> str:
    """The language of a message raised before the workbook's Settings could be read (a file
    that cannot be opened): Chinese under a Chinese locale, else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(variable):
            return "zh" if value.casefold().startswith("zh") else "en"
    return "en"


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print, with any control character from the workbook shown as an escape, never obeyed."""
    from pyxl.core.parsing import CONTROL_CHARACTERS

    click.echo(CONTROL_CHARACTERS.sub(lambda c: f"\\x{ord(c.group()):02x}", text), err=err, nl=nl)


def tell_skipped_targets(tracking: Tracking) -> None:
    """Targets skipped for a bad Period, Target or Metric are named on screen, not only on Data Quality."""
    from pyxl.views.sheets import quality_rows

    language = tracking.settings.language
    issues = tracking.issues.frame()
    sheet = tracking.inputs.sheet_names.get("targets")
    skipped = quality_rows(issues[(issues["severity"] == "error") & (issues["sheet"] == sheet)], language)
    for problem in skipped.itertuples():
        echo(
            i18n.text(
                "target_skipped", language, sheet=problem.Sheet, row=problem.Row, problem=problem.Problem
            ),
            err=True,
        )


def progress_printer(enabled: bool | None) -> Progress:
    if enabled is None:
        enabled = sys.stderr.isatty()
    started = time.perf_counter()

    def show(message: str) -> None:
        if enabled:
            echo(f"[{time.perf_counter() - started:6.1f}s] {message}", err=True)

    return show


def terminal_width() -> int | None:
    """The terminal's width when standard output is one (or COLUMNS says); None for pipes and files."""
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def run() -> None:
    """The `salestrack` command: `main`, then out without taking the interpreter apart."""
    _choose_arrow_allocator()
    if not os.environ.get("SALESTRACK_DEBUG"):
        # A library's warning (numpy's overflow on amounts near 1e308, say) is no message for a
        # manager: what matters reaches the Data Quality sheet in words.
        warnings.simplefilter("ignore")
    try:
        main()
    except SystemExit as stop:
        code = stop.code
    else:
        code = 0
    if not isinstance(code, int):  # sys.exit("message") prints the message and fails
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    # What a normal exit does, in order, less freeing every module one by one: after a refresh
    # of a million rows that is 0.1-0.15 s of a click spent on nothing a user sees.
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _choose_arrow_allocator() -> None:
    """Arrow's memory from jemalloc, which pyarrow's Linux builds carry, unless the user chose one.
    With mimalloc, Arrow's default, a refresh of a million rows takes 0.2 s longer and one after
    an edit 0.15 s longer, nearly all of it kernel time: fewer page faults, each far dearer
    (README, Performance). Set before pyarrow loads, for this process and its children only."""
    if sys.platform == "linux":
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="salestrack")
def main() -> None:
    """Track sales against targets in an Excel workbook."""


@main.command()
@BOOK
@AS_OF
@FILTERS
@FORMAT
@PROGRESS
@friendly
@actuals_options
def track(
    book: Path,
    as_of: AsOf,
    rows: RowFilter,
    output_format: str,
    progress: bool | None,
    actuals: Actuals,
) -> None:
    """Print the tracking table of BOOK without changing it."""
    from pyxl import pipeline

    tracking = pipeline.track_file(book, as_of, progress_printer(progress), actuals)
    tell_skipped_targets(tracking)
    language = tracking.settings.language
    show_table(rows.apply(tracking.table, language), output_format, language)


def show_table(table: pd.DataFrame, output_format: str, language: str) -> None:
    """A table to standard output or --output; in a terminal, only the columns that fit."""
    from pyxl.views import terminal

    to_terminal = output_format == "table" and click.get_current_context().meta.get("output") is None
    width = terminal_width() if to_terminal else None
    emit(terminal.render_table(table, output_format, language, width), output_format, language)


@main.command()
@BOOK
@AS_OF
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Write a copy here instead of changing BOOK."
)
@PROGRESS
@friendly
@actuals_options
def refresh(book: Path, as_of: AsOf, out: Path | None, progress: bool | None, actuals: Actuals) -> None:
    """Write the Tracking, Data Quality, KPIs, Dashboard and Definitions sheets into BOOK (or a copy
    at --out); nothing else in the workbook changes."""
    from pyxl import pipeline

    refreshed = pipeline.refresh_file(book, as_of, out, progress_printer(progress), actuals)
    tell_skipped_targets(refreshed.tracking)
    echo(pipeline.summary(refreshed, out or book))


@main.command()
@BOOK
@click.option("--from", "first", default=None, help="First replay day (default: a year before --to).")
@click.option("--to", "last", default=None, help="Last replay day (default: the last sale's day).")
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Write a copy here instead of changing BOOK."
)
@FORMAT
@PROGRESS
@friendly
@actuals_options
def backtest(
    book: Path,
    first: str | None,
    last: str | None,
    out: Path | None,
    output_format: str,
    progress: bool | None,
    actuals: Actuals,
) -> None:
    """Replay BOOK's past: forecast every period on each Sunday and month-end from only the sales
    known then, print how close the forecasts came (beside the run-rate's) and write the Forecast
    Accuracy sheet into BOOK (or a copy at --out)."""
    from pyxl import pipeline

    result = pipeline.backtest_file(book, first, last, out, progress_printer(progress), actuals)
    show_table(result.accuracy, output_format, result.language)
    if output_format == "table":
        echo(i18n.text("wrote_sheet", result.language, sheet=result.sheet, path=out or book))


@main.command()
@BOOK
@AS_OF
@click.option(
    "--since", default=None, help="The last meeting's date (default: History's latest before --as-of)."
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="The .pptx to write (default: beside BOOK)."
)
@friendly
@actuals_options
def pack(book: Path, as_of: AsOf, since: str | None, out: Path | None, actuals: Actuals) -> None:
    """Write the sales meeting pack (PowerPoint, native charts): where we stand, what moved since
    the last meeting, who needs help, the pipeline and the actions agreed."""
    from pyxl import pipeline

    packed = pipeline.pack_file(book, as_of, since, out, actuals)
    echo(i18n.text("wrote_pack", packed.language, slides=packed.slides, path=packed.path))


@main.command()
@BOOK
@AS_OF
@FORMAT
@friendly
@actuals_options
def validate(book: Path, as_of: AsOf, output_format: str, actuals: Actuals) -> None:
    """List the data problems in BOOK; exit status 1 when any is an error."""
    from pyxl import pipeline
    from pyxl.views import terminal
    from pyxl.views.sheets import quality_rows

    tracking = pipeline.track_file(book, as_of, actuals=actuals)
    language = tracking.settings.language
    frame = quality_rows(tracking.issues.frame(), language)
    if output_format == "table":
        headed = frame.rename(columns=lambda header: i18n.text(header, language))
        echo(i18n.text("no_problems", language) if frame.empty else terminal.aligned(headed), nl=frame.empty)
    else:
        show_table(frame, output_format, language)
    sys.exit(1 if tracking.issues.has_errors() else 0)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@AS_OF
@PROGRESS
@friendly
def demo(directory: Path, as_of: AsOf, progress: bool | None) -> None:
    """Create a demo workbook for a pharma sales team in DIRECTORY and refresh it."""
    from pyxl import pipeline
    from pyxl.core.settings import Settings
    from pyxl.core.tracking import resolve_as_of
    from pyxl.excel.demo import write_demo

    day = resolve_as_of(Settings(), as_of) if as_of is not None else None
    directory.mkdir(parents=True, exist_ok=True)
    path = write_demo(directory / "salestrack-demo.xlsx", day)
    refreshed = pipeline.refresh_file(path, progress=progress_printer(progress))
    echo(pipeline.summary(refreshed, path))
    echo(i18n.text("demo_problems_on_purpose", refreshed.tracking.settings.language))


@main.command()
@BOOK
@AS_OF
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the previews (default: BOOK's name + '-emails' beside it).",
)
@click.option("--send", is_flag=True, help="Send over SMTP instead of writing previews.")
@click.option("--resend", is_flag=True, help="With --send: send again what the ledger says was sent.")
@PROGRESS
@friendly
@actuals_options
def email(
    book: Path,
    as_of: AsOf,
    out: Path | None,
    send: bool,
    resend: bool,
    progress: bool | None,
    actuals: Actuals,
) -> None:
    """Write a summary email per rep and a digest per manager as previews, or --send them."""
    from pyxl import pipeline

    shown = progress_printer(progress)
    run = pipeline.prepare_emails(pipeline.track_file(book, as_of, shown, actuals), book, shown)
    language = run.tracking.settings.language

    def say(key: str, err: bool = False, **values: object) -> None:
        echo(i18n.text(key, language, **values), err=err)

    for recipient in run.plan.missing:
        say("no_email_address", err=True, name=recipient.name)
    if not send:
        index = pipeline.write_previews(run, book, out)
        say("previews_listed", count=len(run.messages), folder=index.parent, index=index)
        return
    report = pipeline.send_prepared(run, book, resend, shown)
    if report.ledger_unreadable_lines:
        say("ledger_damaged", err=True, path=report.ledger, count=report.ledger_unreadable_lines)
    say("sent_counts", sent=len(report.sent), skipped=len(report.skipped), refused=len(report.failed))
    for message, reason in report.failed:
        say("refused_address", err=True, address=message.summary.recipient.email, reason=reason)
    if report.stopped_because:
        say("batch_stopped", err=True, reason=report.stopped_because, count=len(report.not_attempted))
    sys.exit(1 if report.stopped_because or report.failed else 0)


@main.command()
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--language", type=LANGUAGES, default="en", show_default=True, help="en or zh (中文).")
@friendly
def new(book: Path, language: str) -> None:
    """Write BOOK: an empty workbook with every sheet, headers in LANGUAGE, an example row each
    and a How to sheet."""
    from pyxl.excel.starter import write_starter

    if book.exists():
        raise UsageError(i18n.text("book_exists", language, path=book))
    if not book.parent.is_dir():
        raise UsageError(i18n.text("no_folder", language, folder=book.parent))
    write_starter(book, language)
    echo(i18n.text("wrote_starter", language, path=book))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--wheel-url", metavar="URL", default=None, help="Where Excel downloads the salestrack wheel from."
)
@click.option(
    "--bundle", is_flag=True, help="Put salestrack's own code inside main.py: no package index needed."
)
@friendly
def lite(directory: Path, wheel_url: str | None, bundle: bool) -> None:
    """Write DIRECTORY/main.py and requirements.txt for the xlwings Lite editor (Excel on the web,
    Windows and macOS, no local Python)."""
    from pyxl.excel.litekit import write_lite_kit

    language = guessed_language()
    if bundle and wheel_url:
        raise click.UsageError(i18n.text("lite_bundle_or_wheel", language))
    written = write_lite_kit(directory, wheel_url, bundle)
    for path in written:
        echo(i18n.text("wrote_file", language, path=path))
    # Which way requirements.txt names salestrack, and what the user does next.
    if bundle:
        echo(i18n.text("lite_bundled", language, size=f"{written[0].stat().st_size / 1024:,.0f}"))
    else:
        echo(i18n.text("lite_wheel_url" if wheel_url else "lite_pypi_name", language, url=wheel_url))


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="salestrack.xlsm")
@friendly
def xlsm(path: Path) -> None:
    """Build the Excel front end (ribbon, macros, demo data) at PATH from its sources."""
    from pyxl.excel.xlsm import build

    echo(i18n.text("wrote_file", guessed_language(), path=build(path)))


@main.command()
@BOOK
@AS_OF
@FILTERS
@FORMAT
@PROGRESS
@friendly
@actuals_options
def kpis(
    book: Path,
    as_of: AsOf,
    rows: RowFilter,
    output_format: str,
    progress: bool | None,
    actuals: Actuals,
) -> None:
    """Print CAC, CLTV, win rate, coverage, CSAT and NPS per period for the company, teams and regions."""
    from pyxl import pipeline
    from pyxl.core.kpis import KPI_COLUMNS, kpi_table
    from pyxl.views.sheets import kpi_rows

    tracking = pipeline.track_file(book, as_of, progress_printer(progress), actuals)
    language = tracking.settings.language
    table = rows.apply(kpi_rows(kpi_table(tracking), language), language)
    show_table(table if output_format == "table" else table[KPI_COLUMNS], output_format, language)


@main.command()
@BOOK
@click.argument("period")
@AS_OF
@FORMAT
@friendly
@actuals_options
def suggest(book: Path, period: str, as_of: AsOf, output_format: str, actuals: Actuals) -> None:
    """Suggest targets for PERIOD from history and seasonality, for each rep, team or product targeted."""
    from pyxl import pipeline
    from pyxl.core.realism import suggest as suggest_targets

    tracking = pipeline.track_file(book, as_of, actuals=actuals)
    table = suggest_targets(tracking.inputs, period, tracking.as_of)
    show_table(table, output_format, tracking.settings.language)
