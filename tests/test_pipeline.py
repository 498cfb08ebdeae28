import datetime as dt
import gc

import pytest

from pyxl import pipeline
from pyxl.adapters.filebook import FileWorkbook

AS_OF = dt.date(2025, 5, 15)


class RecordingWriter:
    """Writes nothing; notes whether the cycle collector ran while the sheets were written."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.collector_on: list[bool] = []
        self.failure = failure

    def sheet_owners(self) -> dict[str, bool]:
        return {}

    def write_sheets(self, specs, progress, history=None) -> None:
        self.collector_on.append(gc.isenabled())
        if self.failure is not None:
            raise self.failure


def test_a_refresh_pauses_the_cycle_collector_and_resumes_it(basic_book):
    writer = RecordingWriter()
    refreshed = pipeline.refresh(FileWorkbook(basic_book), writer, AS_OF)
    assert writer.collector_on == [False] and gc.isenabled()
    assert refreshed.sheets[0] == "Tracking"


def test_the_cycle_collector_resumes_after_a_failed_refresh_and_stays_off_if_it_was(basic_book):
    book = basic_book
    with pytest.raises(OSError, match="disk full"):
        pipeline.refresh(FileWorkbook(book), RecordingWriter(OSError("disk full")), AS_OF)
    assert gc.isenabled()
    gc.disable()
    try:
        pipeline.refresh(FileWorkbook(book), RecordingWriter(), AS_OF)
        assert not gc.isenabled()
    finally:
        gc.enable()
