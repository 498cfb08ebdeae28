"""What can stop salestrack, as message keys and values; `views.i18n.explain` words them.

The core never writes sentences: an error names what went wrong (`key`) and the facts that
go into the message (`values`), and each front end says it in the workbook's language.
"""

from __future__ import annotations


class SalesTrackError(Exception):
    """A problem the user can fix, with no traceback: a message key and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key, values)
        self.key = key
        self.values = values
        # The workbook's Language, set by whoever knows it when the error passes (load_inputs,
        # pipeline); None before its Settings could be read.
        self.language: str | None = None

    def __str__(self) -> str:
        facts = ", ".join(f"{name}={value!r}" for name, value in self.values.items())
        return f"{self.key}({facts})"


def first_line(error: BaseException) -> str:
    """A library's error as a short reason inside one of our sentences."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class UnusableWorkbook(SalesTrackError):
    """The workbook, or the actuals beside it, cannot be used at all."""


class BadArgument(SalesTrackError, ValueError):
    """An argument a cell function or a command cannot use."""


class EmailSetupError(SalesTrackError):
    """Emails cannot be sent as Settings and the environment stand (SMTP host, sender, password)."""
