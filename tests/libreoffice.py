"""Open workbooks in real LibreOffice, headless: to CSV per sheet, to PDF, and PDF pages to PNG."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

from conftest import unavailable

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Every sheet to its own file, values as stored (not as shown), UTF-8.
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def require() -> str:
    """LibreOffice's path (with poppler's PDF tools); in CI their absence fails, elsewhere skips."""
    missing = [
        name
        for name, found in (
            ("LibreOffice", SOFFICE),
            ("pdftoppm", shutil.which("pdftoppm")),
            ("pdftotext", shutil.which("pdftotext")),
        )
        if found is None
    ]
    if missing:
        unavailable(f"{', '.join(missing)} not installed")
    return SOFFICE


def convert(book: Path, target: str, out_dir: Path) -> None:
    profile = out_dir / "lo-profile"
    subprocess.run(
        [
            require(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def sheets_as_csv(book: Path, out_dir: Path) -> dict[str, list[list[str]]]:
    """Each sheet's cells as LibreOffice reads them."""
    convert(book, ALL_SHEETS_CSV, out_dir)
    found = {}
    for path in out_dir.glob(f"{book.stem}-*.csv"):
        with path.open(encoding="utf-8") as handle:
            found[path.stem[len(book.stem) + 1 :]] = list(csv.reader(handle))
    return found


def to_pdf(book: Path, out_dir: Path) -> Path:
    convert(book, "pdf", out_dir)
    return out_dir / f"{book.stem}.pdf"


def pdf_text(pdf: Path) -> list[str]:
    """Text of each page."""
    pages = []
    page = 1
    while True:
        done = subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return pages
        pages.append(done.stdout)
        page += 1
