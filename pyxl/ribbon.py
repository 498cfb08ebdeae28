"""The SalesTrack ribbon's buttons: each runs through xlwings' RunPython with the calling book.

Every function takes the book so tests can pass one; from Excel it is `xw.Book.caller()`.
Progress goes to the status bar; problems to a short message box, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import xlwings as xw

from pyxl import pipeline
from pyxl.adapters import livebook
from pyxl.adapters.livebook import LiveWorkbook
from pyxl.core.errors import SalesTrackError, UnusableWorkbook
from pyxl.views import i18n
from pyxl.views import meeting as views_meeting
from pyxl.views.meeting import slides
from pyxl.views.sheets import quality_rows, settle_names


def _book(book: xw.Book | None) -> xw.Book:
    return book if book is not None else xw.Book.caller()


def status(book: xw.Book) -> Callable[[str], None]:
    def show(message: str) -> None:
        with contextlib.suppress(Exception):  # some engines have no status bar
            book.app.status_bar = message

    return show


def tell(book: xw.Book, message: str, mode: str = "info") -> None:
    book.app.alert(message, title="SalesTrack", mode=mode)


@contextlib.contextmanager
def shown_to_user(book: xw.Book) -> Iterator[None]:
    """Any failure becomes one short message box; the status bar is always reset."""
    try:
        yield
    except SalesTrackError as problem:
        tell(book, i18n.explain(problem, _language(book)), mode="critical")
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # a Rust panic in a reader (pyo3's PanicException) is one too
        reason = f"{type(error).__name__}: {error}"
        tell(book, i18n.text("could_not_finish", _language(book), reason=reason), mode="critical")
    finally:
        with contextlib.suppress(Exception):
            book.app.status_bar = False


def refresh(book: xw.Book | None = None) -> None:
    """Refresh button: the same pipeline as `salestrack refresh`, written into the open workbook."""
    book = _book(book)
    with shown_to_user(book):
        refreshed = _refreshed(book)
        tell(book, pipeline.summary(refreshed, Path(book.name)))


def _refreshed(book: xw.Book) -> pipeline.Refreshed:
    """The open workbook refreshed, its status bar worded in the workbook's language, with its
    actuals from the Actuals Source its Settings name, as on the command line."""
    live = LiveWorkbook(book)
    settings = livebook.read_settings(book)
    with pipeline.worded_in(settings.language):
        if settings.actuals_source and live.on_the_web:
            # Excel on the web runs Python in the browser (or on a server): no path or database
            # port of the user's computer is within its reach.
            raise UnusableWorkbook("actuals_source_on_the_web", source=settings.actuals_source)
        folder = Path(book.fullname).parent
        reader = pipeline.with_actuals_source(live, settings, pipeline.Actuals(), folder)
        return pipeline.refresh(reader, live, progress=status(book))


def validate(book: xw.Book | None = None) -> None:
    """Validate button: list the data problems in a message and on the Data Quality sheet."""
    book = _book(book)
    with shown_to_user(book):
        tracking = _refreshed(book).tracking
        problems = quality_rows(tracking.issues.frame(), tracking.settings.language)
        language = tracking.settings.language
        if problems.empty:
            tell(book, i18n.text("no_problems", language))
            return
        lines = [
            i18n.text(
                "problem_line",
                language,
                sheet=p.Sheet,
                row=p.Row,
                column=p.Column,
                problem=p.Problem,
                action=p.Action,
            )
            for p in problems.head(10).itertuples()
        ]
        more = (
            ("\n" + i18n.text("more_problems", language, count=len(problems) - 10))
            if len(problems) > 10
            else ""
        )
        tell(
            book,
            i18n.text("problems_found", language, count=len(problems)) + "\n" + "\n".join(lines) + more,
            mode="critical",
        )


def _book_path(book: xw.Book) -> Path:
    path = Path(book.fullname)
    if not path.parent.exists() or str(path.parent) in ("", "."):
        raise UnusableWorkbook("save_first")
    return path


def preview_emails(book: xw.Book | None = None, open_folder: bool = True) -> None:
    """Preview emails button: write the drafts and an index beside the workbook, and open the folder."""
    book = _book(book)
    with shown_to_user(book):
        tracking = pipeline.track_workbook(LiveWorkbook(book))
        path = _book_path(book)
        run = pipeline.prepare_emails(tracking, path, progress=status(book))
        folder = pipeline.write_previews(run, path).parent
        if open_folder:
            _open(folder)
        tell(
            book,
            i18n.text("previews_written", tracking.settings.language, count=len(run.messages), folder=folder),
        )


def meeting_pack(book: xw.Book | None = None, open_folder: bool = True) -> None:
    """Meeting pack button: the PowerPoint pack for the sales meeting, beside the workbook."""
    from pyxl.adapters.pack import write_pack

    book = _book(book)
    with shown_to_user(book):
        path = _book_path(book)
        found, language, currency = pipeline.meeting_of(LiveWorkbook(book))
        deck = slides(found, language, currency)
        written = write_pack(deck, language, path.with_name(f"{path.stem} meeting {found.as_of}.pptx"))
        if open_folder:
            _open(written.parent)
        tell(book, i18n.text("wrote_pack", language, slides=len(deck), path=written))


def meeting_sheet(book: xw.Book | None = None) -> None:
    """The meeting pack as a printable Meeting sheet, where no file can be saved (Excel on the web)."""
    book = _book(book)
    with shown_to_user(book):
        live = LiveWorkbook(book)
        found, language, currency = pipeline.meeting_of(live)
        spec = views_meeting.meeting_sheet(slides(found, language, currency), language, found.as_of)
        [sheet] = settle_names([spec], live.sheet_owners())
        live.write_sheets([sheet], status(book))
        tell(book, i18n.text("meeting_sheet_written", language, sheet=sheet.name))


def send_emails(book: xw.Book | None = None, confirm: Callable[[str], bool] | None = None) -> None:
    """Send emails button: shows how many will go, and sends only after OK."""
    book = _book(book)
    with shown_to_user(book):
        tracking = pipeline.track_workbook(LiveWorkbook(book))
        language = tracking.settings.language
        path = _book_path(book)
        run = pipeline.prepare_emails(tracking, path, progress=status(book))
        question = i18n.text("send_question", language, count=len(pipeline.unsent(run, path)))
        agreed = (
            confirm(question)
            if confirm
            else book.app.alert(question, title="SalesTrack", buttons="ok_cancel", mode="info") == "ok"
        )
        if not agreed:
            return
        report = pipeline.send_prepared(run, path, progress=status(book))
        message = i18n.text("send_report", language, sent=len(report.sent), skipped=len(report.skipped))
        if report.stopped_because:
            message += "\n" + i18n.text("send_stopped", language, reason=report.stopped_because)
        tell(book, message, mode="critical" if report.stopped_because else "info")


def show_help(book: xw.Book | None = None) -> None:
    """Help button, in the workbook's language when its Settings say so."""
    book = _book(book)
    tell(book, i18n.text("help", _language(book)))


def _language(book: xw.Book) -> str:
    """The workbook's Language setting; English where even Settings cannot be read."""
    try:
        return livebook.read_settings(book).language
    except Exception:  # a message must show even in a workbook salestrack cannot read
        return "en"


def _open(folder: Path) -> None:
    with contextlib.suppress(Exception):
        if sys.platform == "win32":
            os.startfile(folder)  # type: ignore[attr-defined]
        elif sys.platform == "darwin":
            subprocess.run(["open", str(folder)], check=False)
