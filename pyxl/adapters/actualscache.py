"""Cleaned actuals kept between refreshes, in the user's cache directory (core.inputs.ActualsCache).

A manager clicks Refresh many times a day while a large Actuals sheet stays the same: reading
and cleaning it is most of a refresh. An entry is an Arrow file of the cleaned rows plus a JSON
file of what they were made from and the problems found, named by the key core.inputs makes
(the cells' fingerprint and the settings that read them) and by the code that cleaned them (a
digest of the modules that read and clean actuals, so a changed cleaning never serves old
figures, whatever the version number says). A
damaged or unreadable entry is ignored and removed, a cache that cannot be written is no cache,
and the folder is kept under a size limit by dropping the entries used longest ago.

Finding the folder and asking whether it holds an entry for some cells need neither pandas nor
Arrow (the read-ahead asks before they load), so those load where they are used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from pyxl.core.inputs import ActualsKey, CleanedActuals

FORMAT = 4
LIMIT_BYTES = 2 * 1024**3
# A folder for the cache, or "off" for none (tests, shared machines, users who keep caches elsewhere).
FOLDER_VARIABLE = "SALESTRACK_CACHE_DIR"


# The code that decides what a cleaned Actuals frame holds lives in the core (reading cells,
# parsing them, the schema and settings that name them, the line codes of split sales): all of
# it is digested, so no change to it, however small, can serve a frame cleaned the old way.
CORE = Path(__file__).resolve().parent.parent / "core"
_code: dict[Path, str] = {}


def cleaning_code(core: Path | None = None) -> str:
    """A digest of the core's source (CORE unless told) and of this cache's own format,
    computed once per folder from the files (no import: the read-ahead asks before pandas loads)."""
    core = core or CORE
    if core not in _code:
        digest = hashlib.sha256(f"format {FORMAT}".encode())
        for module in sorted(core.rglob("*.py")):
            digest.update(module.relative_to(core).as_posix().encode() + b"\0" + module.read_bytes())
        _code[core] = digest.hexdigest()[:16]
    return _code[core]


def user_cache() -> DiskActualsCache | None:
    """The cache in the user's cache directory (platformdirs), or where SALESTRACK_CACHE_DIR
    says; None when it says "off"."""
    chosen = os.environ.get(FOLDER_VARIABLE, "").strip()
    if chosen.casefold() == "off":
        return None
    if chosen:
        return DiskActualsCache(Path(chosen))
    import platformdirs

    return DiskActualsCache(Path(platformdirs.user_cache_dir("salestrack", appauthor=False)) / "actuals")


class DiskActualsCache:
    """Cleaned actuals on disk, one entry per key, at most `limit_bytes` in all."""

    def __init__(self, folder: Path, limit_bytes: int = LIMIT_BYTES) -> None:
        self.folder = folder
        self.limit_bytes = limit_bytes
        self._writing: threading.Thread | None = None

    def __enter__(self) -> DiskActualsCache:
        return self

    def __exit__(self, *_: object) -> None:
        self.wait()

    def wait(self) -> None:
        """Until the entry being written is on disk (or given up)."""
        if self._writing is not None:
            self._writing.join()
            self._writing = None

    def _paths(self, key: ActualsKey) -> tuple[Path, Path]:
        # Named by the cells first, so that read_ahead() needs only them.
        name = f"{_cells_name(key.cells)}-{hashlib.sha256(key.reading.encode()).hexdigest()[:24]}"
        return self.folder / f"{name}.arrow", self.folder / f"{name}.json"

    def read_ahead(self, cells: str) -> bool:
        """Whether an entry was made from these cells (the reader's fingerprint), read with any
        settings: a guess that the next load will find one. Each such entry starts loading on
        a thread of its own, for `load` to take (`forget_read_ahead` drops what it did not)."""
        found = [facts.with_suffix(".arrow") for facts in self.folder.glob(f"{_cells_name(cells)}-*.json")]
        for rows in found:
            if rows not in _ahead:
                _ahead[rows] = _Ahead(rows)
        return bool(found)

    def load(self, key: ActualsKey) -> CleanedActuals | None:
        self.wait()
        rows, facts = self._paths(key)
        if not facts.exists():
            return None
        import pandas as pd

        from pyxl.core.inputs import CleanedActuals
        from pyxl.core.issues import ISSUE_COLUMNS

        ahead = _ahead.pop(rows, None)
        try:
            meta = json.loads(facts.read_text(encoding="utf-8"))
            if meta["key"] != [key.cells, key.reading] or meta["code"] != cleaning_code():
                raise ValueError("entry made from other cells, settings or code")
            table = ahead.table(meta["crc"]) if ahead is not None else _arrow(rows.read_bytes(), meta["crc"])
            frame = _restore(table, meta["dtypes"])
            issues = pd.DataFrame(meta["issues"], columns=ISSUE_COLUMNS)
            for path in (rows, facts):
                os.utime(path)  # used now: the last to be dropped
            return CleanedActuals(
                frame,
                frozenset(meta["columns"]),
                issues,
                tuple(meta["formats"]),
                meta["letters"],
                meta["headers"],
            )
        except Exception:  # damaged, truncated, or from elsewhere: never trusted
            for path in (rows, facts):
                with contextlib.suppress(OSError):
                    path.unlink()
            return None

    def save(self, key: ActualsKey, cleaned: CleanedActuals) -> None:
        """Keep `cleaned` under `key`. The rows are compressed and written in the background,
        since nothing in this run reads them back (0.2-0.3 s at a million rows); `wait()`, or
        leaving a `with` block, makes sure they are on disk."""
        self.wait()
        import pyarrow as pa

        try:
            # Taken now, on the caller's thread: the frame is the caller's to change afterwards.
            table = pa.Table.from_pandas(cleaned.frame, preserve_index=True)
            meta = {
                "key": [key.cells, key.reading],
                "code": cleaning_code(),
                "dtypes": {str(c): str(t) for c, t in cleaned.frame.dtypes.items()},
                "columns": sorted(cleaned.columns),
                "formats": list(cleaned.formats),
                "letters": cleaned.letters,
                "headers": cleaned.headers,
                "issues": json.loads(cleaned.issues.to_json(orient="records", force_ascii=False)),
            }
        except (ValueError, TypeError, pa.ArrowException):
            return
        writer = threading.Thread(target=self._write, args=(key, table, meta), name="salestrack-cache")
        try:
            writer.start()
        except RuntimeError:  # no threads here (Pyodide): write now
            self._write(key, table, meta)
            return
        self._writing = writer

    def _write(self, key: ActualsKey, table: pa.Table, meta: dict[str, object]) -> None:
        import pyarrow as pa

        # A million rows are 140 MB as they are and 15 MB in zstd: writing and copying the plain
        # file cost more than a second of a first refresh. One core compresses, in 0.3-0.5 s,
        # while the run goes on: compressing on every core held up the run's own next read
        # (0.15 s at a million rows).
        options = pa.ipc.IpcWriteOptions(
            compression="zstd" if pa.Codec.is_available("zstd") else None, use_threads=False
        )
        rows, facts = self._paths(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            sink = pa.BufferOutputStream()
            with pa.ipc.new_file(sink, table.schema, options=options) as writer:
                writer.write_table(table)
            data = sink.getvalue()
            _replace(rows, data)
            _replace(facts, json.dumps({**meta, "crc": zlib.crc32(data)}, ensure_ascii=False).encode("utf-8"))
            self._trim()
        except (OSError, ValueError, TypeError, pa.ArrowException):
            return

    def _trim(self) -> None:
        """Drop the entries used longest ago until the folder is under its limit."""
        entries = sorted(self.folder.glob("*.arrow"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in entries)
        for rows in entries[:-1]:  # the entry just written stays
            if total <= self.limit_bytes:
                break
            total -= rows.stat().st_size
            for path in (rows, rows.with_suffix(".json")):
                with contextlib.suppress(OSError):
                    path.unlink()


def _replace(path: Path, data: bytes | pa.Buffer) -> None:
    """Write `data` to `path` whole or not at all."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _arrow(data: bytes, crc: int) -> pa.Table:
    """The rows of an entry's file. Arrow parses only bytes whose CRC this cache wrote (`crc`,
    from the entry's JSON file): a file changed since is never read."""
    import pyarrow as pa

    if zlib.crc32(data) != crc:
        raise ValueError("entry changed since it was written")
    return pa.ipc.open_file(pa.BufferReader(data)).read_all()


class _Ahead:
    """An entry's rows read and parsed on another thread while the command loads pandas: a
    million rows inflate to 140 MB, 0.15 s of the main thread that a refresh after an edit no
    longer waits for."""

    def __init__(self, rows: Path) -> None:
        self.rows = rows
        self.parsed: tuple[int, pa.Table] | None = None  # (the CRC it was checked against, rows)
        self.thread = threading.Thread(target=self._fill, daemon=True, name="salestrack-cache-ahead")
        with contextlib.suppress(RuntimeError):  # no threads here (Pyodide): load reads it then
            self.thread.start()

    def _fill(self) -> None:
        with contextlib.suppress(Exception):  # load reads it again, and tells
            crc = json.loads(self.rows.with_suffix(".json").read_text(encoding="utf-8"))["crc"]
            self.parsed = (crc, _arrow(self.rows.read_bytes(), crc))

    def table(self, crc: int) -> pa.Table:
        """The rows, if checked against `crc` (the JSON file `load` read); else read now."""
        if self.thread.is_alive():
            self.thread.join()
        if self.parsed is not None and self.parsed[0] == crc:
            return self.parsed[1]
        return _arrow(self.rows.read_bytes(), crc)


_ahead: dict[Path, _Ahead] = {}


def forget_read_ahead() -> None:
    """Drop the entries read ahead that no load took (another setting read them)."""
    _ahead.clear()


def _cells_name(cells: str) -> str:
    return hashlib.sha256(f"{cleaning_code()}|{cells}".encode()).hexdigest()[:16]


def _restore(table: pa.Table, dtypes: dict[str, str]) -> pd.DataFrame:
    """The frame as it was cleaned: every column in its own dtype, text blanks as None."""
    import pandas as pd

    frame = table.to_pandas(split_blocks=True)  # each column as it is: stacking them copies every row
    for name, dtype in dtypes.items():
        if dtype == "object":
            values = table.column(name).to_numpy(zero_copy_only=False)
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
        elif str(frame[name].dtype) != dtype:
            frame[name] = frame[name].astype(dtype)
    return frame
