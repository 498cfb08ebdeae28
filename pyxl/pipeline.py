"""One pipeline for every entry point: read the workbook, track, and write the output sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyxl import filebook, xlsxpackage, xlsxrender
from pyxl.outputs import output_sheets
from pyxl.sheets import OUTPUT_MARKER, settle_names
from pyxl.summaries import Plan, plan_summaries
from pyxl.tracking import Tracking, track
from pyxl.validation import UnusableWorkbook

Progress = Callable[[str], None]


@dataclass
class Refreshed:
    """A refresh's tracking, and the names its output sheets were written under."""

    tracking: Tracking
    sheets: list[str]


def _quiet(_: str) -> None:
    pass


def track_file(path: Path | str, as_of: dt.date | None = None, progress: Progress = _quiet) -> Tracking:
    """Read a workbook file and compute its tracking table."""
    path = Path(path)
    progress(f"Reading {path.name}")
    inputs = filebook.read_inputs(path)
    progress(f"Tracking {len(inputs.targets):,} targets against {len(inputs.actuals):,} sales rows")
    return track(inputs, as_of)


def refresh_file(
    path: Path | str,
    as_of: dt.date | None = None,
    out: Path | str | None = None,
    progress: Progress = _quiet,
) -> Refreshed:
    """Compute tracking and write the output sheets into the workbook, or into a copy at `out`."""
    path = Path(path)
    destination = Path(out) if out else path
    if destination.suffix.lower() not in filebook.WRITABLE_SUFFIXES:
        raise UnusableWorkbook(
            f"salestrack writes .xlsx and .xlsm workbooks, not '{destination.name}'; "
            "save the workbook as .xlsx and try again."
        )
    holder = filebook.lock_holder(destination)
    if holder:
        raise UnusableWorkbook(
            f"{destination.name} is open in another program (lock file {holder}); "
            "close it there and run again."
        )
    tracking = track_file(path, as_of, progress)
    specs = settle_names(output_sheets(tracking), xlsxpackage.sheet_owners(path, OUTPUT_MARKER))
    progress("Formatting the output sheets")
    scratch = xlsxrender.render_workbook(specs)
    progress(f"Saving {destination.name}")
    try:
        xlsxpackage.write_sheets(path, scratch, [s.name for s in specs], destination)
    except PermissionError:
        raise UnusableWorkbook(
            f"{destination.name} could not be replaced because another program (probably Excel) has it "
            "open; close it there and run again."
        ) from None
    except xlsxpackage.PackageError as error:
        raise UnusableWorkbook(f"{destination.name} was left unchanged because {error}.") from None
    return Refreshed(tracking, [s.name for s in specs])


@dataclass
class EmailRun:
    tracking: Tracking
    plan: Plan
    messages: list  # of mail.Rendered
    index: Path | None = None
    report: object | None = None  # mail.SendReport after a send


def email_file(
    path: Path | str,
    as_of: dt.date | None = None,
    out: Path | str | None = None,
    send: bool = False,
    resend: bool = False,
    progress: Progress = _quiet,
) -> EmailRun:
    """Track a workbook file and write its email previews, or send them."""
    path = Path(path)
    return deliver_emails(track_file(path, as_of, progress), path, out, send, resend, progress)


def prepare_emails(tracking: Tracking, path: Path, progress: Progress = _quiet) -> EmailRun:
    """Plan and render every summary of the workbook at `path`, without writing or sending."""
    from pyxl import mail  # Jinja2, css-inline and Pillow load only when emails are made

    plan = plan_summaries(tracking, mail.previous_table(path, tracking.as_of))
    progress(f"Rendering {len(plan.summaries)} emails")
    return EmailRun(tracking, plan, mail.render(plan, tracking, path))


def unsent(run: EmailRun, path: Path) -> list:
    """The rendered messages the send ledger beside `path` has not recorded."""
    from pyxl import mail

    ledger = mail.Ledger.beside(path)
    return [m for m in run.messages if m.key not in ledger.sent]


def send_prepared(run: EmailRun, path: Path, resend: bool = False, progress: Progress = _quiet) -> EmailRun:
    """Send what the ledger has not seen (everything with `resend`), and keep this table for the
    next digest's movers."""
    from pyxl import mail

    tracking = run.tracking
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
    return run


def deliver_emails(
    tracking: Tracking,
    path: Path,
    out: Path | str | None = None,
    send: bool = False,
    resend: bool = False,
    progress: Progress = _quiet,
) -> EmailRun:
    """Render every summary; write previews (the default) or send what was not sent before."""
    from pyxl import mail

    run = prepare_emails(tracking, path, progress)
    if send:
        return send_prepared(run, path, resend, progress)
    sender = tracking.settings.email_from or "salestrack@localhost"
    run.index = mail.write_previews(
        run.messages, run.plan, sender, Path(out) if out else mail.preview_folder(path)
    )
    return run


def summary(refreshed: Refreshed, path: Path) -> str:
    """A few lines on what was written and where things stand."""
    tracking, written = refreshed.tracking, refreshed.sheets
    table = tracking.table
    counts = table["Status"].value_counts()
    statuses = ", ".join(f"{count} {status.lower()}" for status, count in counts.items())
    issues = tracking.issues.frame()
    lines = [
        f"Wrote {', '.join(written[:-1])} and {written[-1]} to {path}",
        f"As of {tracking.as_of.isoformat()}: {len(table)} rows ({statuses}).",
        f"Data problems: {(issues['severity'] == 'error').sum()} errors, "
        f"{(issues['severity'] == 'warning').sum()} warnings.",
    ]
    return "\n".join(lines)
