"""Passwords for the mail server and databases: from an environment variable, else the system
keyring (`keyring set salestrack USER`); never from the workbook or the command line."""

from __future__ import annotations

import os

KEYRING_SERVICE = "salestrack"


def password(variable: str, user: str | None) -> str | None:
    """The password in `variable`, else the keyring's for `user`; None where there is none."""
    if os.environ.get(variable):
        return os.environ[variable]
    if not user:
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no keyring backend on this machine
        return None
