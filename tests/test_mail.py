"""Emails against a real SMTP server on loopback (aiosmtpd, with STARTTLS and authentication)."""

import datetime as dt
import email
import shutil
import subprocess
from email import policy

import portpicker
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from conftest import basic_sheets, unavailable, write_book
from openpyxl import load_workbook
from PIL import Image
from smtpdfix import SMTPDFix
from smtpdfix.certs import _generate_certs
from smtpdfix.configuration import Config

from pyxl import pipeline
from pyxl.adapters import mail
from pyxl.cli import main

AS_OF = "2025-05-15"


def book_with(tmp_path, port, security="starttls", user="sales", language="en", **edits):
    sheets = basic_sheets()
    sheets["Settings"] = [
        ["Setting", "Value"],
        ["As Of", AS_OF],
        ["SMTP Host", "localhost"],
        ["SMTP Port", port],
        ["SMTP Security", security],
        ["SMTP User", user],
        ["Email From", "ops@example.com"],
        ["Language", language],
    ]
    for sheet, rows in edits.items():
        sheets[sheet] = rows
    return write_book(tmp_path / "team.xlsx", sheets)


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    cert, _ = _generate_certs(tmp_path, separate_key=False)
    config = Config()
    config.ssl_cert_files = (str(cert), None)
    config.use_starttls = True
    config.enforce_auth = True
    config.auth_require_tls = True
    config.login_username, config.login_password = "sales", "s3cret"
    monkeypatch.setenv(mail.CAFILE_VARIABLE, str(cert))
    monkeypatch.setenv(mail.PASSWORD_VARIABLE, "s3cret")
    with SMTPDFix(hostname="localhost", config=config) as server:
        yield server


def parsed(server):
    return [
        email.message_from_bytes(bytes(m), policy=policy.default)
        if not isinstance(m, email.message.Message)
        else m
        for m in server.messages
    ]


def test_messages_arrive_as_text_and_html_with_the_related_chart(tmp_path, tls_server):
    book = book_with(tmp_path, tls_server.port)
    run = pipeline.email_file(book, send=True)
    assert len(run.report.sent) == 3 and not run.report.failed
    received = {m["To"]: m for m in tls_server.messages}
    assert set(received) == {"Ann <ann@example.com>", "Bob <bob@example.com>", "Mia <mia@example.com>"}
    ann = received["Ann <ann@example.com>"]
    assert ann.get_content_type() == "multipart/alternative"
    plain, related = ann.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.get_payload()
    assert image.get_content_type() == "image/png" and image["Content-ID"] == f"<{mail.CHART_CID}>"
    assert f'src="cid:{mail.CHART_CID}"' in html_part.get_payload(decode=True).decode()
    assert "style=" in html_part.get_payload(decode=True).decode()  # CSS inlined
    assert "X-Unsent" not in ann
    text = plain.get_payload(decode=True).decode()
    # Ann has an Orders target this month: her steps count orders once, by that target.
    assert "2 more orders in the 16 days left" in text and "of your average size" not in text


def test_ledger_prevents_resends_across_runs(tmp_path, tls_server):
    book = book_with(tmp_path, tls_server.port)
    assert len(pipeline.email_file(book, send=True).report.sent) == 3
    second = pipeline.email_file(book, send=True).report
    assert (len(second.sent), len(second.skipped)) == (0, 3)
    assert len(tls_server.messages) == 3
    again = pipeline.email_file(book, send=True, resend=True).report
    assert len(again.sent) == 3 and len(tls_server.messages) == 6


def test_changed_content_is_sent_again(tmp_path, tls_server):
    book = book_with(tmp_path, tls_server.port)
    pipeline.email_file(book, send=True)
    report = pipeline.email_file(book, as_of=dt.date(2025, 5, 16), send=True).report
    assert len(report.sent) == 3


def test_wrong_password_is_one_sentence(tmp_path, tls_server, monkeypatch):
    monkeypatch.setenv(mail.PASSWORD_VARIABLE, "wrong")
    result = CliRunner().invoke(main, ["email", str(book_with(tmp_path, tls_server.port)), "--send"])
    assert result.exit_code == 2 and "Could not connect" in result.output and "Traceback" not in result.output


class DropAfter:
    """An SMTP handler that accepts `limit` messages, then drops the connection."""

    def __init__(self, limit):
        self.limit, self.received = limit, []

    async def handle_DATA(self, server, session, envelope):
        if len(self.received) >= self.limit:
            server.transport.close()
            return "421 closing"
        self.received.append(envelope.rcpt_tos[0])
        return "250 OK"


def test_a_dropped_connection_keeps_the_ledger_true(tmp_path):
    handler = DropAfter(1)
    port = portpicker.pick_unused_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        book = book_with(tmp_path, port, security="none", user="")
        result = CliRunner().invoke(main, ["email", str(book), "--send"])
        assert result.exit_code == 1
        assert "Run the same command again" in result.output
        assert handler.received == ["ann@example.com"]
        ledger = mail.Ledger.beside(book)
        assert len(ledger.sent) == 1
        handler.limit = 10
        rest = pipeline.email_file(book, send=True).report
        assert len(rest.sent) == 2 and len(rest.skipped) == 1
        assert handler.received == ["ann@example.com", "bob@example.com", "mia@example.com"]
    finally:
        controller.stop()


def test_preview_is_the_default_and_marks_drafts(tmp_path):
    book = book_with(tmp_path, 25)
    result = CliRunner().invoke(main, ["email", str(book)])
    assert result.exit_code == 0 and "Wrote 3 previews (not sent)" in result.output
    folder = tmp_path / "team-emails"
    files = sorted(p.name for p in folder.glob("*.eml"))
    assert files == [
        "001-rep-ann_example.com.eml",
        "002-rep-bob_example.com.eml",
        "003-manager-mia_example.com.eml",
    ]
    draft = email.message_from_bytes((folder / files[0]).read_bytes(), policy=policy.default)
    assert draft["X-Unsent"] == "1"
    assert "ann_example.com.eml" in (folder / "index.html").read_text()
    assert not mail.Ledger.beside(book).sent


def test_chinese_templates(tmp_path):
    run = pipeline.email_file(book_with(tmp_path, 25, language="zh"))
    rep, manager = run.messages[0], run.messages[-1]
    assert rep.subject == "Ann：截至 2025-05-15 的销售目标进度"
    assert "下一步" in rep.text and "领先" in rep.html
    assert "团队合计" in manager.html


def test_values_are_escaped_and_cannot_break_headers(tmp_path):
    sheets = basic_sheets()
    team = [row[:] for row in sheets["Team"]]
    team[1][0] = "<script>alert(1)</script>\nBcc: evil@example.com"
    targets = [row[:] for row in sheets["Targets"]]
    targets[1][2] = team[1][0]
    book = book_with(tmp_path, 25, Team=team, Targets=targets)
    run = pipeline.email_file(book)
    message = run.messages[0]
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    built = message.email("ops@example.com")
    assert "\n" not in str(built["To"]) and "\n" not in str(built["Subject"])
    assert built["Bcc"] is None
    headers = bytes(built).split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers


def test_templates_beside_the_workbook_override_the_packaged_ones(tmp_path):
    (tmp_path / "templates" / "en").mkdir(parents=True)
    (tmp_path / "templates" / "en" / "rep.subject.txt").write_text("Custom for {{ recipient.name }}")
    run = pipeline.email_file(book_with(tmp_path, 25))
    assert run.messages[0].subject == "Custom for Ann"
    assert run.messages[-1].subject.startswith("Team digest")


def test_rep_email_looks_right_in_a_browser(tmp_path):
    """Chromium renders the rep email at phone width; the screenshot is kept and checked for content."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        unavailable("chromium is not installed")
    message = pipeline.email_file(book_with(tmp_path, 25)).messages[0]
    page = tmp_path / "rep.html"
    chart = tmp_path / "chart.png"
    chart.write_bytes(message.chart)
    page.write_text(message.html.replace(f"cid:{mail.CHART_CID}", chart.name), encoding="utf-8")
    shot = tmp_path / "rep.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=390,900",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (390, 900)
    colours = image.getcolors(maxcolors=100000)
    assert colours is not None and len(colours) > 50  # text, bars and badges, not a blank page
    # The header blue (#1f4e78) of the figures table is on the page.
    assert any(abs(r - 0x1F) < 8 and abs(g - 0x4E) < 8 and abs(b - 0x78) < 8 for _, (r, g, b) in colours)
    shutil.copy(shot, tmp_path / "kept-rep-email.png")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_demo_team_renders_in_both_languages(tmp_path, language):
    from pyxl.excel.demo import write_demo

    for as_of in (dt.date(2026, 11, 27), dt.date(2026, 3, 10)):
        book = write_demo(tmp_path / f"demo-{language}.xlsx", as_of, language=language)
        run = pipeline.email_file(book, out=tmp_path / f"out-{language}")
        kinds = [m.summary.kind for m in run.messages]
        assert kinds.count("rep") == 7 and kinds.count("manager") == 2
        assert [r.name for r in run.plan.missing] == ["Zhang Tao 张涛"]
        assert all(m.text.strip() and "<html" in m.html for m in run.messages)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_ssl_connections_send_too(tmp_path, monkeypatch):
    cert, _ = _generate_certs(tmp_path, separate_key=False)
    config = Config()
    config.ssl_cert_files = (str(cert), None)
    config.use_ssl, config.use_starttls = True, False
    # aiosmtpd only counts STARTTLS as TLS for AUTH; this whole connection is already TLS.
    config.enforce_auth, config.auth_require_tls = True, False
    config.login_username, config.login_password = "sales", "s3cret"
    monkeypatch.setenv(mail.CAFILE_VARIABLE, str(cert))
    monkeypatch.setenv(mail.PASSWORD_VARIABLE, "s3cret")
    with SMTPDFix(hostname="localhost", config=config) as server:
        run = pipeline.email_file(book_with(tmp_path, server.port, security="ssl"), send=True)
        assert len(run.report.sent) == 3 and len(server.messages) == 3


def test_missing_smtp_settings_are_named_at_once(tmp_path):
    book = write_book(tmp_path / "team.xlsx", basic_sheets())
    result = CliRunner().invoke(main, ["email", str(book), "--send", "--as-of", AS_OF])
    assert result.exit_code == 2
    assert "Settings has no SMTP Host and Email From" in result.output and "Traceback" not in result.output


def test_a_relay_without_login_says_to_clear_smtp_user(tmp_path, monkeypatch):
    class Accept:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    monkeypatch.setenv(mail.PASSWORD_VARIABLE, "s3cret")
    port = portpicker.pick_unused_port()
    controller = Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        book = book_with(tmp_path, port, security="none", user="sales")
        result = CliRunner().invoke(main, ["email", str(book), "--send"])
    finally:
        controller.stop()
    assert result.exit_code == 2 and "clear SMTP User" in result.output


@pytest.mark.parametrize(("language", "words"), [("en", "working days left"), ("zh", "个工作日")])
def test_days_counted_as_working_days_are_called_working_days(tmp_path, language, words):
    book = book_with(tmp_path, 25, language=language)
    workbook = load_workbook(book)
    workbook["Settings"].append(["Pacing", "workdays"])
    workbook.save(book)
    run = pipeline.email_file(book)
    rep = run.messages[0]
    assert words in rep.text and words in rep.html
    assert "team.xlsx" not in rep.text and "team.xlsx" not in rep.html  # no file names in emails


def test_an_ended_period_is_not_put_as_a_next_step(tmp_path):
    book = book_with(tmp_path, 25)
    workbook = load_workbook(book)
    workbook["Settings"]["B2"] = dt.date(2025, 6, 1)
    workbook["Targets"].delete_rows(4, 3)  # the quarter, orders and year targets run on
    workbook.save(book)
    rep = pipeline.email_file(book).messages[0]
    assert "Next steps" not in rep.text and "Next steps" not in rep.html
    assert "You reached" in rep.text
