"""Emailed summaries: render with Jinja2, write previews, send over SMTP, never send twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import smtplib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.header import Header
from email.message import Message as MimeMessage
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from pyxl.adapters.chart import attainment_chart
from pyxl.adapters.passwords import KEYRING_SERVICE, password
from pyxl.core.errors import EmailSetupError
from pyxl.core.settings import Settings
from pyxl.core.tracking import Tracking
from pyxl.views import i18n
from pyxl.views.formatting import money_text, number_text, percent_text, signed_percent_text
from pyxl.views.sheets import STATUS_TONES
from pyxl.views.summaries import Plan, Summary

PASSWORD_VARIABLE = "SALESTRACK_SMTP_PASSWORD"
CAFILE_VARIABLE = "SALESTRACK_SMTP_CAFILE"
CHART_CID = "attainment-chart@salestrack"


def packaged_templates() -> Path:
    """The templates/ folder shipped with salestrack (the repository's own when run from source)."""
    source = Path(__file__).resolve().parents[2] / "templates"
    if source.is_dir():
        return source
    return Path(str(resources.files("pyxl") / "templates"))


def environment(book: Path, settings: Settings) -> jinja2.Environment:
    """Templates beside the workbook (a templates/ folder) win over the packaged ones."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(book.parent / "templates")),
            jinja2.FileSystemLoader(str(packaged_templates())),
        ]
    )
    # A templates/ folder beside a downloaded workbook is someone else's code: sandbox it.
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=False,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    language = settings.language
    symbol = settings.currency_symbol

    def amount(value: float | None, metric: str) -> str:
        if value is None:
            return "–"
        if metric == "Revenue":
            return money_text(value, symbol)
        # A fraction of an order a day still says something; 0 would not.
        return number_text(value, 1 if abs(value) < 10 and not float(value).is_integer() else 0)

    env.filters.update(
        amount=amount,
        percent=lambda v: "–" if v is None else percent_text(v),
        change=lambda v: "–" if v is None else signed_percent_text(v),
        days=lambda count, working: i18n.text(
            ("working_day" if working else "day") + ("" if count == 1 else "s"), language, count=count
        ),
        per_day=lambda working: i18n.text("per_working_day" if working else "per_day", language),
        status=lambda s: i18n.status_word(s, language),
        metric=lambda m: i18n.metric_word(m, language),
        tone=lambda s: STATUS_TONES.get(s, "idle"),
    )
    return env


def clean_header(text: str) -> str:
    """No value from the workbook can break a header: line breaks become spaces."""
    return re.sub(r"[\r\n\t\v\f\x00-\x1f]+", " ", text).strip()


@dataclass
class Rendered:
    summary: Summary
    subject: str
    text: str
    html: str
    chart: bytes
    key: str = ""

    def email(self, sender: str, draft: bool = False) -> MimeMessage:
        """multipart/alternative: plain text, and HTML related to its chart image."""
        # The compat32 MIME classes build a message several times faster than EmailMessage,
        # which matters for a thousand summaries; header safety comes from clean_header.
        html_part = MIMEMultipart("related")
        html_part.attach(MIMEText(self.html, "html", "utf-8"))
        image = MIMEImage(self.chart, "png")
        image["Content-ID"] = f"<{CHART_CID}>"
        image["Content-Disposition"] = 'inline; filename="attainment.png"'
        html_part.attach(image)
        message = MIMEMultipart("alternative")
        message.attach(MIMEText(self.text, "plain", "utf-8"))
        message.attach(html_part)
        message["Subject"] = Header(clean_header(self.subject), "utf-8")  # type: ignore[assignment]
        message["From"] = clean_header(sender)
        message["To"] = formataddr(
            (clean_header(self.summary.recipient.name), clean_header(self.summary.recipient.email or "")),
            "utf-8",
        )
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="salestrack")
        if draft:
            message["X-Unsent"] = "1"  # Outlook opens the .eml as a draft ready to send
        return message


def render(plan: Plan, tracking: Tracking, book: Path) -> list[Rendered]:
    """One message per summary, in the workbook's language, with its chart and CSS inlined."""
    import css_inline  # not in Pyodide: xlwings Lite previews the text only (render_texts)

    drafts = render_texts(plan, tracking, book)
    language = tracking.settings.language
    # Pillow lets go of the GIL while it encodes PNGs, so the charts are drawn on every core.
    with ThreadPoolExecutor() as pool:
        for message, chart in zip(
            drafts, pool.map(lambda m: chart_for(m.summary, language), drafts), strict=True
        ):
            message.chart = chart
    inlined = css_inline.inline_many([m.html for m in drafts]) if drafts else []
    for message, inlined_html in zip(drafts, inlined, strict=True):
        message.html = inlined_html
    return drafts


def render_texts(plan: Plan, tracking: Tracking, book: Path) -> list[Rendered]:
    """One message per summary, in the workbook's language: subject, plain text and HTML, no chart."""
    settings = tracking.settings
    language = settings.language
    env = environment(book, settings)
    loader = env.loader
    assert loader is not None  # environment() always sets one
    css = loader.get_source(env, "email.css")[0]
    as_of = tracking.as_of.isoformat()
    drafts = []
    for summary in plan.summaries:
        context = {
            "recipient": summary.recipient,
            "rows": summary.rows,
            "rollups": summary.rollups,
            "next_steps": summary.next_steps,
            "outcomes": summary.outcomes,
            "movers": summary.movers,
            "actions": summary.actions,
            "as_of": as_of,
            "book": book.name,  # our templates no longer show it; a workbook's own may
            "chart_cid": CHART_CID,
            "css": css,
        }
        base = f"{language}/{summary.kind}"
        try:
            subject = env.get_template(f"{base}.subject.txt").render(context).strip()
            context["subject"] = subject
            text, page = (env.get_template(f"{base}.{kind}").render(context) for kind in ("txt", "html"))
        except SecurityError:
            raise EmailSetupError("template_refused", folder=book.parent / "templates") from None
        drafts.append(Rendered(summary, subject, text, page, b""))
        drafts[-1].key = ledger_key(drafts[-1], as_of)
    return drafts


def _ratio(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _share(part: object, whole: object) -> float | None:
    """part ÷ whole for the chart's expected-by-today tick; None where either is blank or 0."""
    top, bottom = _ratio(part), _ratio(whole)
    return top / bottom if top is not None and bottom else None


def chart_for(summary: Summary, language: str) -> bytes:
    """The attainment chart of a summary: the rep's targets, or the team's reps."""
    rows = summary.rows
    metrics = [i18n.metric_word(str(r["metric"]), language) for r in rows]
    # Bars are told apart by what differs between them: the rep (in a digest), the period where
    # several appear (a month and its quarter), the metric where several appear.
    periods = len({r["period"] for r in rows}) > 1
    several_metrics = len(set(metrics)) > 1
    labels = [
        " · ".join(
            [str(r["name"])] * (summary.kind != "rep")
            + [str(r["period"])] * (periods or summary.kind == "rep")
            + [m] * (several_metrics or summary.kind == "rep")
        )
        for r, m in zip(rows, metrics, strict=True)
    ]
    expected = [_share(r.get("expected"), r.get("target")) for r in rows]
    return attainment_chart(
        labels,
        [_ratio(r["attainment"]) for r in rows],
        [STATUS_TONES.get(str(r["status"]), "idle") for r in rows],
        expected,
    )


def ledger_key(message: Rendered, as_of: str) -> str:
    """Recipient, periods, as-of date and content: what makes a message the same message."""
    content = hashlib.sha256((message.subject + "\n" + message.text).encode()).hexdigest()
    parts = [message.summary.recipient.email or "", ",".join(message.summary.periods), as_of, content]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def preview_folder(book: Path) -> Path:
    return book.parent / f"{book.stem}-emails"


def write_previews(messages: list[Rendered], plan: Plan, sender: str, folder: Path) -> Path:
    """One unsent .eml per message plus an index.html, in the language of the block it runs
    in (pipeline.worded_in); returns the index."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    rows = []
    for number, message in enumerate(messages, start=1):
        slug = re.sub(r"[^\w.-]+", "_", message.summary.recipient.email or "unknown")
        name = f"{number:03d}-{message.summary.kind}-{slug}.eml"
        (folder / name).write_bytes(bytes(message.email(sender, draft=True)))
        rows.append(
            f"<tr><td>{html.escape(i18n.said('kind_' + message.summary.kind))}</td>"
            f"<td>{html.escape(message.summary.recipient.name)}</td>"
            f"<td>{html.escape(message.summary.recipient.email or '')}</td>"
            f'<td><a href="{html.escape(name)}">{html.escape(message.subject)}</a></td></tr>'
        )
    missing = "".join(f"<li>{html.escape(r.name)}</li>" for r in plan.missing)
    headers = "".join(f"<th>{html.escape(i18n.said(h))}</th>" for h in ("Kind", "Name", "Email", "Subject"))
    title = html.escape(i18n.said("previews_title", count=len(messages)))
    language = "zh-CN" if i18n.current_language() == "zh" else "en"
    index = folder / "index.html"
    index.write_text(
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><h1>{title}</h1><table border="1" cellpadding="4"><tr>{headers}</tr>'
        + "".join(rows)
        + "</table>"
        + (f"<h2>{html.escape(i18n.said('previews_no_address'))}</h2><ul>{missing}</ul>" if missing else "")
        + "</body></html>",
        encoding="utf-8",
    )
    return index


class Ledger:
    """Messages already delivered, one JSON line each, beside the workbook; appended as each goes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sent: set[str] = set()
        self.unreadable_lines = 0  # a line cut off by a crash mid-write, say
        self.text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        for line in self.text.splitlines():
            try:
                self.sent.add(str(json.loads(line)["key"]))
            except (ValueError, KeyError, TypeError):
                self.unreadable_lines += bool(line.strip())

    def check_writable(self) -> None:
        """Refuse to send at all when deliveries could not be recorded (and so would repeat)."""
        try:
            with self.path.open("a", encoding="utf-8"):
                pass
        except OSError as error:
            raise EmailSetupError(
                "ledger_unwritable", path=self.path, reason=error.strerror or error
            ) from None

    @classmethod
    def beside(cls, book: Path) -> Ledger:
        return cls(book.parent / f"{book.stem}.salestrack-sent.jsonl")

    def record(self, message: Rendered, as_of: str) -> None:
        entry = {
            "key": message.key,
            "to": message.summary.recipient.email,
            "subject": message.subject,
            "periods": message.summary.periods,
            "as_of": as_of,
            "sent_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        # A line cut off mid-write gets its end, so this entry starts a line of its own.
        start = "\n" if self.text and not self.text.endswith("\n") else ""
        line = start + json.dumps(entry, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self.text += line
        self.sent.add(message.key)


def history_folder(book: Path) -> Path:
    return book.parent / f"{book.stem}.salestrack-history"


def previous_table(book: Path, as_of: dt.date) -> pd.DataFrame | None:
    """The tracking table of the last summary sent before `as_of`, if any."""
    folder = history_folder(book)
    earlier = sorted(p for p in folder.glob("*.csv") if p.stem < as_of.isoformat()) if folder.is_dir() else []
    return pd.read_csv(earlier[-1]) if earlier else None


def remember(book: Path, tracking: Tracking) -> None:
    folder = history_folder(book)
    folder.mkdir(exist_ok=True)
    tracking.table.to_csv(folder / f"{tracking.as_of.isoformat()}.csv", index=False)


@dataclass
class SendReport:
    sent: list[Rendered] = field(default_factory=list)
    skipped: list[Rendered] = field(default_factory=list)  # already in the ledger
    failed: list[tuple[Rendered, str]] = field(default_factory=list)
    not_attempted: list[Rendered] = field(default_factory=list)
    stopped_because: str | None = None
    ledger: Path | None = None
    ledger_unreadable_lines: int = 0


def smtp_password(settings: Settings) -> str | None:
    """From the environment, else the system keyring; never from the workbook."""
    return password(PASSWORD_VARIABLE, settings.smtp_user or None)


def connect(settings: Settings) -> smtplib.SMTP:
    """An open, authenticated SMTP connection as the Settings sheet describes."""
    import ssl  # Pyodide loads ssl only on request, and xlwings Lite never sends

    context = ssl.create_default_context(cafile=os.environ.get(CAFILE_VARIABLE) or None)
    try:
        if settings.smtp_security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=30, context=context
            )
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
            if settings.smtp_security == "starttls":
                server.starttls(context=context)
        if settings.smtp_user:
            password = smtp_password(settings)
            if password is None:
                server.close()
                raise EmailSetupError(
                    "no_smtp_password",
                    user=settings.smtp_user,
                    variable=PASSWORD_VARIABLE,
                    service=KEYRING_SERVICE,
                )
            try:
                server.login(settings.smtp_user, password)
            except smtplib.SMTPNotSupportedError:
                server.close()
                raise EmailSetupError(
                    "smtp_no_auth", host=settings.smtp_host, user=settings.smtp_user
                ) from None
    except (OSError, smtplib.SMTPException) as error:
        raise EmailSetupError(
            "smtp_unreachable", host=settings.smtp_host, port=settings.smtp_port, reason=str(error)
        ) from None
    return server


def send(
    messages: Iterable[Rendered],
    settings: Settings,
    ledger: Ledger,
    as_of: str,
    resend: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> SendReport:
    """Send what the ledger has not seen; record each delivery as it happens."""
    report = SendReport(ledger=ledger.path, ledger_unreadable_lines=ledger.unreadable_lines)
    pending: list[Rendered] = []
    for message in messages:
        (pending if resend or message.key not in ledger.sent else report.skipped).append(message)
    if not pending:
        return report
    sender = settings.email_from or settings.smtp_user
    missing = tuple(
        key for key, value in (("smtp_host", settings.smtp_host), ("email_from", sender)) if not value
    )
    if missing:
        raise EmailSetupError("smtp_settings_missing", settings=missing)
    ledger.check_writable()
    server = connect(settings)
    try:
        for index, message in enumerate(pending):
            try:
                server.send_message(message.email(sender))
            except smtplib.SMTPRecipientsRefused as error:
                report.failed.append((message, str(error.recipients)))
                continue
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException, OSError) as error:
                report.stopped_because = str(error) or type(error).__name__
                report.not_attempted = pending[index:]
                break
            report.sent.append(message)
            try:
                ledger.record(message, as_of)
            except OSError as error:
                # Sending on without a record would send these again on the next run.
                report.stopped_because = f"{ledger.path} could not be written ({error.strerror or error})"
                report.not_attempted = pending[index + 1 :]
                break
            progress(i18n.said("progress_sent", sent=len(report.sent), total=len(pending)))
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
    return report
