"""Put rendered output sheets into the user's own .xlsx/.xlsm package, touching nothing else.

XlsxWriter renders the output sheets into a scratch workbook (in constant-memory mode, so strings
are inline and need no sharedStrings merge). This module moves those sheet parts into the user's
package and merges their styles into the user's styles part. Every other part (input sheets,
VBA, ribbon, charts, pivot caches) is copied unchanged, so nothing a library does not understand
is lost. The result is written beside the target, verified, then swapped in atomically.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import posixpath
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    import pandas as pd

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = f"{REL_NS}/officeDocument"
WORKSHEET_REL = f"{REL_NS}/worksheet"
STYLES_REL = f"{REL_NS}/styles"
SHARED_STRINGS_REL = f"{REL_NS}/sharedStrings"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
M = f"{{{MAIN_NS}}}"
TEMPORARY_SUFFIX = ".salestrack-tmp"
_STYLE_ORDER = [
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
]


class PackageError(Exception):
    """The workbook package is not one salestrack can safely rewrite."""


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(
        data, etree.XMLParser(remove_blank_text=False, resolve_entities=False, huge_tree=True)
    )


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'  # as Excel writes it


def xml_bytes(root: etree._Element) -> bytes:
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def rels_path(part: str) -> str:
    """The relationships part that belongs to `part`."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    """A relationship target as a part name, relative to the source part's folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


@dataclass(frozen=True)
class Deflated:
    """A part given as raw deflate data, with the CRC-32 and size of what it inflates to. Its
    compressed bytes are the source file's `kept` range (offset, length), copied file to file,
    then `data`."""

    data: bytes
    crc: int
    size: int
    kept: tuple[int, int] = (0, 0)

    @property
    def length(self) -> int:
        return self.kept[1] + len(self.data)


@dataclass
class Package:
    """Parts of an OOXML zip read into memory lazily; changes are tracked until saved."""

    path: Path
    names: list[str] = field(default_factory=list)
    changed: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    # Parts given already deflated: written as they are.
    compressed: dict[str, Deflated] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.zip = zipfile.ZipFile(self.path)
        self.names = self.zip.namelist()

    def has(self, part: str) -> bool:
        return part not in self.removed and (
            part in self.changed or part in self.compressed or part in self.names
        )

    def read(self, part: str) -> bytes:
        if part in self.changed:
            return self.changed[part]
        if part in self.compressed:
            return zlib.decompress(self._deflated_bytes(part), -15)
        return self.zip.read(part)

    def _deflated_bytes(self, part: str, limit: int | None = None) -> bytes:
        """A part given deflated, its compressed bytes (the first `limit` of them)."""
        deflated = self.compressed[part]
        offset, length = deflated.kept
        kept = self.read_at(offset, length if limit is None else min(length, limit))
        return (kept + deflated.data)[:limit]

    def write(self, part: str, data: bytes) -> None:
        self.changed[part] = data
        self.compressed.pop(part, None)
        self.removed.discard(part)

    def write_compressed(self, part: str, deflated: Deflated) -> None:
        """Put a part in as raw deflate data."""
        self.changed.pop(part, None)
        self.compressed[part] = deflated
        self.removed.discard(part)

    def head(self, part: str, size: int = 1 << 16) -> bytes:
        """The first bytes of a part, without inflating the rest (History may be 700 MB)."""
        if part in self.changed:
            return self.changed[part][:size]
        if part in self.compressed:
            return zlib.decompressobj(-15).decompress(self._deflated_bytes(part, 1 << 20), size)
        with self.zip.open(part) as stream:
            return stream.read(size)

    def located(self, part: str) -> tuple[int, int, int, int] | None:
        """Where an unchanged part's raw deflate data lies in the file, (offset, length), and its
        CRC-32 and size (None for a part that is not deflated, changed, or absent)."""
        if part in self.changed or part in self.removed or part not in self.names:
            return None
        info = self.zip.getinfo(part)
        if info.compress_type != zipfile.ZIP_DEFLATED:
            return None
        offset = _data_offset(_stream(self.zip), info)
        if offset is None:
            return None
        return offset, info.compress_size, info.CRC, info.file_size

    def read_at(self, offset: int, length: int) -> bytes:
        """`length` bytes of the file from `offset`."""
        reading = _stream(self.zip)
        reading.seek(offset)
        return reading.read(length)

    def raw(self, part: str) -> tuple[bytes, int, int] | None:
        """An unchanged part's raw deflate data, CRC-32 and size as the file holds them."""
        found = self.located(part)
        if found is None:
            return None
        offset, length, crc, size = found
        return self.read_at(offset, length), crc, size

    def remove(self, part: str) -> None:
        self.changed.pop(part, None)
        self.compressed.pop(part, None)
        self.removed.add(part)

    def relationships(self, part: str) -> etree._Element:
        path = rels_path(part)
        if self.has(path):
            return parse_xml(self.read(path))
        return etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})

    def all_parts(self) -> list[str]:
        kept = [n for n in self.names if n not in self.removed]
        return kept + [n for n in [*self.changed, *self.compressed] if n not in self.names]

    def save(self, destination: Path, unchanged: Callable[[], bool] = lambda: True) -> Path:
        """Write to a temporary file beside `destination`, verify it, then replace atomically.

        `unchanged` is asked right before the replace; when it says the destination changed
        meanwhile (another program saved it), the destination is kept and the result is saved
        beside it instead. Returns where the workbook was written.
        """
        destination = destination.resolve()
        _remove_abandoned_temporaries(destination)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{destination.stem}.{os.getpid()}.", suffix=TEMPORARY_SUFFIX, dir=destination.parent
        )
        os.close(handle)
        try:
            with zipfile.ZipFile(temporary, "w", allowZip64=True) as out:
                for info in self.zip.infolist():
                    if info.filename in self.removed:
                        continue
                    data = self.changed.get(info.filename)
                    if info.filename in self.compressed:
                        _write_deflated(
                            out, _fresh_info(info.filename, info), self.compressed[info.filename], self.zip
                        )
                    elif data is None:
                        _copy_entry(self.zip, info, out)
                    else:
                        out.writestr(_fresh_info(info.filename, info), data)
                for name in self.changed:
                    if name not in self.names:
                        out.writestr(_fresh_info(name), self.changed[name])
                for name, deflated in self.compressed.items():
                    if name not in self.names:
                        _write_deflated(out, _fresh_info(name), deflated, self.zip)
                written = _stream(out)
                written.flush()
                os.fsync(written.fileno())
            verify(Path(temporary), self.changed, self.compressed)
            _keep_mode_and_owner(destination, Path(temporary))
            if not unchanged():
                destination = _beside(destination)
            os.replace(temporary, destination)
            return destination
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)

    def close(self) -> None:
        self.zip.close()


def _keep_mode_and_owner(destination: Path, temporary: Path) -> None:
    """The replaced workbook's mode and owner, or for a new file the mode the umask allows."""
    if not destination.exists():
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        return
    shutil.copymode(destination, temporary)
    stat = destination.stat()
    if hasattr(os, "chown") and (stat.st_uid, stat.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(PermissionError):  # only root can give a file away
            os.chown(temporary, stat.st_uid, stat.st_gid)


def _beside(destination: Path) -> Path:
    """A free name next to `destination` for a result that must not replace it."""
    for number in range(1, 1000):
        candidate = destination.with_name(f"{destination.stem} (SalesTrack {number}){destination.suffix}")
        if not candidate.exists():
            return candidate
    raise PackageError(f"there is no free name beside {destination.name}")


def _remove_abandoned_temporaries(destination: Path) -> None:
    """Temporary files of saves that were killed (their process is gone) are removed."""
    for leftover in destination.parent.glob(f".{destination.stem}.*{TEMPORARY_SUFFIX}"):
        pid = leftover.name[len(destination.stem) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _running(pid: int) -> bool:
    if os.name == "nt":  # no cheap liveness check there; leave the file for the user
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fresh_info(name: str, like: zipfile.ZipInfo | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _stream(package: zipfile.ZipFile) -> IO[bytes]:
    """The open file under a ZipFile (None only once it is closed)."""
    if package.fp is None:
        raise PackageError("the workbook was closed while it was being written")
    return package.fp


def _data_offset(reading: IO[bytes], info: zipfile.ZipInfo) -> int | None:
    """Where an entry's compressed data starts, after its local header (None if that is damaged)."""
    reading.seek(info.header_offset)
    header = reading.read(30)
    if header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length


def _copy_entry(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Copy one entry's compressed bytes as they are.

    zipfile has no public raw copy; recompressing a million-row sheet would cost seconds, so this
    writes the entry's local header and compressed data itself, then registers the entry the
    way ZipFile.write does. The CRC travels with it and is checked when the part is next read.
    """
    offset = _data_offset(_stream(source), info)
    if offset is None:
        raise PackageError(f"the workbook's zip entry {info.filename} is damaged")
    copied = copy.copy(info)
    copied.extra = b""  # FileHeader adds the zip64 field again where the sizes need it
    _write_raw(out, copied, (offset, info.compress_size), b"", source)


def _write_deflated(
    out: zipfile.ZipFile, info: zipfile.ZipInfo, deflated: Deflated, source: zipfile.ZipFile
) -> None:
    """Write an entry given deflated: its kept range of `source`'s file, then its data."""
    info.CRC, info.file_size = deflated.crc, deflated.size
    _write_raw(out, info, deflated.kept, deflated.data, source)


def _write_raw(
    out: zipfile.ZipFile, info: zipfile.ZipInfo, kept: tuple[int, int], data: bytes, source: zipfile.ZipFile
) -> None:
    """Write an entry whose compressed bytes are the `kept` (offset, length) of `source`'s file
    followed by `data`, CRC-32 and size already in `info`, and register it as ZipFile.write does."""
    reading, writing = _stream(source), _stream(out)
    offset, remaining = kept
    info.compress_size = remaining + len(data)
    info.flag_bits &= ~0x08  # sizes and CRC go in the local header, no trailing descriptor
    info.header_offset = writing.tell()
    zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
    writing.write(info.FileHeader(zip64=zip64))
    reading.seek(offset)
    while remaining:
        chunk = reading.read(min(remaining, 1 << 20))
        if not chunk:
            raise PackageError(f"the workbook's zip entry {info.filename} is cut short")
        writing.write(chunk)
        remaining -= len(chunk)
    writing.write(data)
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    out.start_dir = writing.tell()
    out._didModify = True  # type: ignore[attr-defined]  # as ZipFile.write sets it


def verify(path: Path, written: Iterable[str], deflated: Mapping[str, Deflated] | None = None) -> None:
    """Reopen a saved package: every part we wrote reads back whole and every sheet is present.
    A part given already deflated (History) is checked by its size, CRC and last bytes as the
    file holds them, rather than inflated whole on every refresh."""
    try:
        with zipfile.ZipFile(path) as package:
            for name in written:
                package.read(name)  # checks the CRC
            for name, given in (deflated or {}).items():
                info = package.getinfo(name)
                if (info.CRC, info.file_size, info.compress_size) != (given.crc, given.size, given.length):
                    raise PackageError(f"the saved workbook's {name} is not what was written")
                with package.open(info) as stream:  # a readable start
                    stream.read(1 << 16)
            workbook_part = find_workbook_part(package.read)
            rels = parse_xml(package.read(rels_path(workbook_part)))
            names = set(package.namelist())
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                if resolve(workbook_part, rel.get("Target")) not in names:
                    raise PackageError(f"the saved workbook lacks {rel.get('Target')}")
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
        raise PackageError(f"the saved workbook did not read back ({error})") from None


def find_workbook_part(read) -> str:
    root = parse_xml(read("_rels/.rels"))
    for rel in root:
        if rel.get("Type") == OFFICE_DOCUMENT:
            return resolve("", rel.get("Target"))
    raise PackageError("the package has no workbook part")


class StyleMerger:
    """Adds a scratch workbook's styles to the user's, reusing identical entries.

    Reuse keeps a second refresh from growing the styles part, so refreshing twice gives the
    same workbook. `maps` says where each scratch entry ended up.
    """

    def __init__(self, user: etree._Element, scratch: etree._Element) -> None:
        self.user, self.scratch = user, scratch
        self.maps: dict[str, list[int]] = {}
        self._merge()

    def _section(self, name: str) -> etree._Element:
        found = self.user.find(M + name)
        if found is not None:
            return found
        section = etree.Element(M + name, count="0")
        later = _STYLE_ORDER[_STYLE_ORDER.index(name) + 1 :]
        for index, child in enumerate(self.user):
            if etree.QName(child).localname in later:
                self.user.insert(index, section)
                return section
        self.user.append(section)
        return section

    def _add(self, name: str, items: list[etree._Element]) -> list[int]:
        """Index of each item in the user's section, appending those not already there."""
        if not items:
            return []
        section = self._section(name)
        known = {_canonical(child): index for index, child in enumerate(section)}
        positions = []
        for item in items:
            key = _canonical(item)
            if key not in known:
                section.append(item)
                known[key] = len(section) - 1
            positions.append(known[key])
        section.set("count", str(len(section)))
        return positions

    def _scratch_items(self, name: str) -> list[etree._Element]:
        section = self.scratch.find(M + name)
        return [] if section is None else [etree.fromstring(etree.tostring(c)) for c in section]

    def _merge(self) -> None:
        user_formats = {
            n.get("formatCode"): n.get("numFmtId") for n in self.user.iterfind(f"{M}numFmts/{M}numFmt")
        }
        next_id = max([163, *(int(i) for i in user_formats.values())]) + 1
        number_formats: dict[str, str] = {}
        new_formats = []
        for item in self._scratch_items("numFmts"):
            code, scratch_id = item.get("formatCode"), item.get("numFmtId")
            if code not in user_formats:
                user_formats[code] = str(next_id)
                item.set("numFmtId", str(next_id))
                new_formats.append(item)
                next_id += 1
            number_formats[scratch_id] = user_formats[code]
        self._add("numFmts", new_formats)
        for name in ("fonts", "fills", "borders", "dxfs"):
            self.maps[name] = self._add(name, self._scratch_items(name))
        xfs = []
        for xf in self._scratch_items("cellXfs"):
            for attribute, section in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                xf.set(attribute, str(self.maps[section][int(xf.get(attribute, "0"))]))
            number_format = xf.get("numFmtId", "0")
            xf.set("numFmtId", number_formats.get(number_format, number_format))
            xf.set("xfId", "0")
            xfs.append(xf)
        self.maps["cellXfs"] = self._add("cellXfs", xfs)

    def remap_sheet(self, sheet_xml: bytes) -> bytes:
        """Point style and differential-format ids in a scratch sheet at the merged entries."""
        # Each id's new text made once: tens of thousands of cells share a few dozen styles.
        xfs, dxfs = (
            {str(old).encode(): f'{new}"'.encode() for old, new in enumerate(self.maps.get(name, []))}
            for name in ("cellXfs", "dxfs")
        )
        sheet_xml = re.sub(
            rb'(<(?:c|row|col)\b[^>]*?\bs(?:tyle)?=")(\d+)"', lambda m: m[1] + xfs[m[2]], sheet_xml
        )
        return re.sub(rb'(\bdxfId=")(\d+)"', lambda m: m[1] + dxfs[m[2]], sheet_xml)


def _canonical(element: etree._Element) -> tuple:
    """Compare style entries by content, whatever namespace prefixes are in scope."""
    return (
        etree.QName(element).localname,
        tuple(sorted((etree.QName(k).localname, v) for k, v in element.attrib.items())),
        tuple(_canonical(child) for child in element if isinstance(child.tag, str)),
    )


def replace_sheets(
    package: Package, scratch_bytes: bytes, names: list[str], former: Sequence[Sequence[str]] = ()
) -> None:
    """Put the scratch workbook's sheets, named `names` in order, into `package`; a sheet named
    by `former` (aligned with `names`: the names each was written under before) is replaced and
    renamed when none has its name yet."""
    scratch = zipfile.ZipFile(io.BytesIO(scratch_bytes))
    workbook_part = find_workbook_part(package.read)
    workbook = parse_xml(package.read(workbook_part))
    workbook_rels = package.relationships(workbook_part)
    content_types = parse_xml(package.read("[Content_Types].xml"))

    styles_part = next(
        (resolve(workbook_part, r.get("Target")) for r in workbook_rels if r.get("Type") == STYLES_REL), None
    )
    if styles_part is None:
        styles_part = posixpath.join(posixpath.dirname(workbook_part), "styles.xml")
        _add_relationship(
            workbook_rels, STYLES_REL, posixpath.relpath(styles_part, posixpath.dirname(workbook_part))
        )
        _set_override(content_types, styles_part, STYLES_TYPE)
        package.write(styles_part, _empty_styles())
    user_styles = parse_xml(package.read(styles_part))
    merger = StyleMerger(user_styles, parse_xml(scratch.read("xl/styles.xml")))
    package.write(styles_part, xml_bytes(user_styles))

    scratch_sheets = _sheet_parts(scratch)
    sheets = workbook.find(f"{M}sheets")
    replaced = False
    for index, (name, scratch_part) in enumerate(zip(names, scratch_sheets, strict=True)):
        xml = scratch.read(scratch_part)
        xml = xml.replace(b' tabSelected="1"', b"")
        xml = merger.remap_sheet(xml)
        candidates = [name, *(former[index] if index < len(former) else ())]
        existing = next(
            (s for wanted in candidates for s in sheets if s.get("name", "").casefold() == wanted.casefold()),
            None,
        )
        if existing is not None:
            rel_id = existing.get(f"{{{REL_NS}}}id")
            rel = next(r for r in workbook_rels if r.get("Id") == rel_id)
            part = resolve(workbook_part, rel.get("Target"))
            xml = _keep_code_name(xml, package.head(part))
            _drop_dependents(package, part, content_types)
            if existing.get("name") != name:
                _forget_sheet_names(workbook, list(sheets).index(existing))
            existing.set("name", name)
            replaced = True
        else:
            part = _free_name(
                package, posixpath.join(posixpath.dirname(workbook_part), "worksheets", "sheet1.xml")
            )
            rel_id = _add_relationship(
                workbook_rels, WORKSHEET_REL, posixpath.relpath(part, posixpath.dirname(workbook_part))
            )
            sheet_id = max([0, *(int(s.get("sheetId", "0")) for s in sheets)]) + 1
            element = etree.SubElement(sheets, f"{M}sheet", name=name, sheetId=str(sheet_id))
            element.set(f"{{{REL_NS}}}id", rel_id)
        _set_override(content_types, part, WORKSHEET_TYPE)
        package.write(part, xml)
        if rels_path(scratch_part) in scratch.namelist():
            package.write(rels_path(part), _transplant(package, scratch, scratch_part, part, content_types))

    _copy_sheet_names(parse_xml(scratch.read(find_workbook_part(scratch.read))), workbook, names)
    if replaced:
        # The chain lists formula cells of the old sheets, which now hold values: Excel would
        # "repair" the file. Without the part, Excel rebuilds the chain on its next save.
        _remove_calc_chain(package, workbook_part, workbook_rels, content_types)
    _list_sheets_in_app_properties(package, [s.get("name", "") for s in sheets])
    # A workbook written without the relationships prefix (openpyxl's) would otherwise get
    # lxml's ns0, ns1, … on every sheet added: Excel writes r: once, on the root. Prefixes that
    # only mc:Ignorable names (x14ac, xr) are kept.
    keep = [prefix for prefix in workbook.nsmap if prefix]
    etree.cleanup_namespaces(workbook, top_nsmap={"r": REL_NS}, keep_ns_prefixes=keep)
    package.write(workbook_part, xml_bytes(workbook))
    package.write(rels_path(workbook_part), xml_bytes(workbook_rels))
    # Sorted, so that replacing the same sheets again writes the same part.
    overrides = sorted(content_types.findall(f"{{{CT_NS}}}Override"), key=lambda o: o.get("PartName"))
    for override in overrides:
        content_types.remove(override)
        content_types.append(override)
    package.write("[Content_Types].xml", xml_bytes(content_types))


CALC_CHAIN_REL = f"{REL_NS}/calcChain"
EXTENDED_PROPERTIES_REL = f"{REL_NS}/extended-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CODE_NAME = re.compile(rb'<(?:\w+:)?sheetPr\b[^>]*\bcodeName="([^"]*)"')


def _keep_code_name(new: bytes, old: bytes) -> bytes:
    """The replaced sheet's codeName (its VBA document module) on the new sheet."""
    found = _CODE_NAME.search(old[:4096])
    if not found:
        return new
    code_name = b' codeName="' + found.group(1) + b'"'
    if re.search(rb"<sheetPr\b", new[:4096]):
        return re.sub(rb"<sheetPr\b", b"<sheetPr" + code_name, new, count=1)
    return re.sub(rb"(<worksheet\b[^>]*>)", rb"\1<sheetPr" + code_name + b"/>", new, count=1)


def _remove_calc_chain(
    package: Package, workbook_part: str, workbook_rels: etree._Element, content_types: etree._Element
) -> None:
    for rel in list(workbook_rels):
        if rel.get("Type") == CALC_CHAIN_REL:
            part = resolve(workbook_part, rel.get("Target"))
            workbook_rels.remove(rel)
            if package.has(part):
                package.remove(part)
            _remove_override(content_types, part)


def _list_sheets_in_app_properties(package: Package, sheet_names: list[str]) -> None:
    """docProps/app.xml names the worksheets (Excel shows them in file properties): keep it true."""
    part = next(
        (
            resolve("", r.get("Target"))
            for r in package.relationships("")
            if r.get("Type") == EXTENDED_PROPERTIES_REL
        ),
        None,
    )
    if part is None or not package.has(part):
        return
    app = parse_xml(package.read(part))
    ns = {"vt": VT_NS, "ep": app.nsmap.get(None, "")}
    pairs = app.find("ep:HeadingPairs/vt:vector", ns)
    titles = app.find("ep:TitlesOfParts/vt:vector", ns)
    if pairs is None or titles is None:
        return
    variants = pairs.findall("vt:variant", ns)
    start = 0
    for heading, count in zip(variants[0::2], variants[1::2], strict=False):
        number = count.find("vt:i4", ns)
        if number is None or number.text is None:
            return
        if heading.findtext("vt:lpstr", namespaces=ns) in ("Worksheets", "工作表"):
            old = int(number.text)
            entries = list(titles)
            if [e.text for e in entries[start : start + old]] == sheet_names:
                return
            for entry in entries[start : start + old]:
                titles.remove(entry)
            for offset, name in enumerate(sheet_names):
                element = etree.Element(f"{{{VT_NS}}}lpstr")
                element.text = name
                titles.insert(start + offset, element)
            number.text = str(len(sheet_names))
            titles.set("size", str(len(titles)))
            package.write(part, xml_bytes(app))
            return
        start += int(number.text)


def _transplant(
    package: Package, scratch: zipfile.ZipFile, source: str, target: str, content_types: etree._Element
) -> bytes:
    """Copy the parts `source` relates to (drawings, then their charts) under free names; return the rels."""
    scratch_types = {
        o.get("PartName").lstrip("/"): o.get("ContentType")
        for o in parse_xml(scratch.read("[Content_Types].xml")).iterfind(f"{{{CT_NS}}}Override")
    }
    rels = parse_xml(scratch.read(rels_path(source)))
    for rel in rels:
        if rel.get("TargetMode") == "External":
            continue
        old = resolve(source, rel.get("Target"))
        new = _free_name(package, old)
        package.write(new, scratch.read(old))
        if rels_path(old) in scratch.namelist():
            package.write(rels_path(new), _transplant(package, scratch, old, new, content_types))
        if old in scratch_types:
            _set_override(content_types, new, scratch_types[old])
        rel.set("Target", posixpath.relpath(new, posixpath.dirname(target)))
    return xml_bytes(rels)


def _free_name(package: Package, like: str) -> str:
    """The first unused part name of the same folder and stem, e.g. xl/charts/chart3.xml."""
    folder, name = posixpath.split(like)
    stem = re.sub(r"\d+$", "", posixpath.splitext(name)[0])
    extension = posixpath.splitext(name)[1]
    number = 1
    while package.has(f"{folder}/{stem}{number}{extension}"):
        number += 1
    return f"{folder}/{stem}{number}{extension}"


def _forget_sheet_names(workbook: etree._Element, position: int) -> None:
    """Drop the sheet-scoped defined names of the sheet at `position` (a sheet being renamed: they
    name it by its old name); the new sheet's own come from the scratch workbook."""
    for old in list(workbook.iterfind(f"{M}definedNames/{M}definedName[@localSheetId='{position}']")):
        old.getparent().remove(old)


def _copy_sheet_names(scratch: etree._Element, workbook: etree._Element, names: list[str]) -> None:
    """Carry sheet-scoped defined names (print titles) over, replacing the old ones of those sheets."""
    scratch_names = scratch.find(f"{M}definedNames")
    if scratch_names is None:
        return
    positions = {s.get("name"): i for i, s in enumerate(workbook.find(f"{M}sheets"))}
    defined = workbook.find(f"{M}definedNames")
    if defined is None:
        defined = etree.Element(f"{M}definedNames")
        anchor = workbook.find(f"{M}externalReferences")
        (anchor if anchor is not None else workbook.find(f"{M}sheets")).addnext(defined)
    for name in scratch_names:
        local = name.get("localSheetId")
        if local is None:
            continue
        position = str(positions[names[int(local)]])
        for old in defined.findall(f"{M}definedName"):
            if old.get("localSheetId") == position and old.get("name") == name.get("name"):
                defined.remove(old)
        copy = etree.SubElement(defined, f"{M}definedName", name=name.get("name"), localSheetId=position)
        for attribute, value in name.attrib.items():  # hidden="1" keeps markers out of Name Manager
            if attribute not in ("name", "localSheetId"):
                copy.set(attribute, value)
        copy.text = name.text


def sheet_names_by_part(package: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part and the name of its sheet."""
    workbook_part = find_workbook_part(package.read)
    rels = {r.get("Id"): r.get("Target") for r in parse_xml(package.read(rels_path(workbook_part)))}
    return {
        resolve(workbook_part, rels[sheet.get(f"{{{REL_NS}}}id")]): sheet.get("name")
        for sheet in parse_xml(package.read(workbook_part)).find(f"{M}sheets")
    }


def sheet_part(package: zipfile.ZipFile, name: str) -> str:
    """The part that holds sheet `name`; KeyError when the workbook has no such sheet."""
    part = next((part for part, sheet in sheet_names_by_part(package).items() if sheet == name), None)
    if part is None:
        raise KeyError(name)
    return part


def cells_fingerprint(path: Path, name: str) -> str | None:
    """What the cells of sheet `name` are made of, cheaply: the CRC-32 and size of its part and of
    the shared strings (where its text lives), and the workbook's date system. None where the
    package cannot say."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = [sheet_part(package, name), shared_strings_part(package)]
            marks = [
                f"{part}:{package.getinfo(part).CRC:08x}:{package.getinfo(part).file_size}"
                for part in parts
                if part is not None
            ]
            workbook = package.read(find_workbook_part(package.read))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    marks.append("1904" if b'date1904="1"' in workbook or b'date1904="true"' in workbook else "1900")
    return "|".join(marks)


def _workbook_related(package: zipfile.ZipFile, rel_type: str) -> str | None:
    """The part the workbook relates to with `rel_type`, if any."""
    workbook_part = find_workbook_part(package.read)
    rels = parse_xml(package.read(rels_path(workbook_part)))
    return next((resolve(workbook_part, r.get("Target")) for r in rels if r.get("Type") == rel_type), None)


def shared_strings_part(package: zipfile.ZipFile) -> str | None:
    """The shared strings part, where sheets written by Excel keep their text."""
    return _workbook_related(package, SHARED_STRINGS_REL)


def cell_formats(package: zipfile.ZipFile) -> tuple[str, ...]:
    """Each cell style's number format (its code, or the built-in id), in cellXfs order."""
    styles = _workbook_related(package, STYLES_REL)
    if styles is None:
        return ()
    root = parse_xml(package.read(styles))
    codes = {n.get("numFmtId"): n.get("formatCode", "") for n in root.iterfind(f"{M}numFmts/{M}numFmt")}
    return tuple(
        codes.get(xf.get("numFmtId", "0"), f"built-in {xf.get('numFmtId', '0')}")
        for xf in root.iterfind(f"{M}cellXfs/{M}xf")
    )


def _sheet_parts(scratch: zipfile.ZipFile) -> list[str]:
    workbook_part = find_workbook_part(scratch.read)
    rels = {r.get("Id"): r.get("Target") for r in parse_xml(scratch.read(rels_path(workbook_part)))}
    sheets = parse_xml(scratch.read(workbook_part)).find(f"{M}sheets")
    return [resolve(workbook_part, rels[s.get(f"{{{REL_NS}}}id")]) for s in sheets]


def _drop_dependents(package: Package, part: str, content_types: etree._Element) -> None:
    """Remove an old output sheet's own related parts (drawings, comments) along with its rels."""
    path = rels_path(part)
    if not package.has(path):
        return
    still_used = set()
    for other in package.all_parts():
        if other.endswith(".rels") and other != path:
            source = posixpath.join(
                posixpath.dirname(posixpath.dirname(other)), posixpath.basename(other)[:-5]
            )
            still_used |= {
                resolve(source, r.get("Target"))
                for r in parse_xml(package.read(other))
                if r.get("TargetMode") != "External"
            }
    for rel in package.relationships(part):
        target = resolve(part, rel.get("Target"))
        if rel.get("TargetMode") != "External" and target not in still_used and package.has(target):
            _drop_dependents(package, target, content_types)
            package.remove(target)
            _remove_override(content_types, target)
    package.remove(path)


def _add_relationship(rels: etree._Element, rel_type: str, target: str) -> str:
    taken = {r.get("Id") for r in rels}
    number = len(taken) + 1
    while f"rId{number}" in taken:
        number += 1
    rel_id = f"rId{number}"
    etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
    return rel_id


def _set_override(content_types: etree._Element, part: str, content_type: str) -> None:
    name = "/" + part
    for override in content_types.iterfind(f"{{{CT_NS}}}Override"):
        if override.get("PartName") == name:
            override.set("ContentType", content_type)
            return
    etree.SubElement(content_types, f"{{{CT_NS}}}Override", PartName=name, ContentType=content_type)


def _remove_override(content_types: etree._Element, part: str) -> None:
    for override in content_types.iterfind(f"{{{CT_NS}}}Override"):
        if override.get("PartName") == "/" + part:
            content_types.remove(override)


def _empty_styles() -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN_NS}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ).encode()


def sheet_owners(path: Path, marker: str) -> dict[str, bool]:
    """Each sheet of the workbook, and whether it carries the sheet-scoped defined name `marker`."""
    with zipfile.ZipFile(path) as package:
        workbook = parse_xml(package.read(find_workbook_part(package.read)))
    names = [s.get("name") for s in workbook.find(f"{M}sheets")]
    marked = {
        int(n.get("localSheetId"))
        for n in workbook.iterfind(f"{M}definedNames/{M}definedName")
        if n.get("name") == marker and n.get("localSheetId") is not None
    }
    return {name: index in marked for index, name in enumerate(names)}


@dataclass(frozen=True)
class HistoryAppend:
    """History is the scratch sheet `name` (title, headers and one sample row that shows each
    column's style); `rows` are this refresh's, as the sheet shows them, under `as_of`.
    `whole(existing)` gives History's rows whole (sheet `existing`'s read back, and the new ones)
    with each date's row count, for when appending cannot do (historypart)."""

    name: str
    former: Sequence[str]
    as_of: str
    rows: pd.DataFrame
    whole: Callable[[str | None], tuple[pd.DataFrame, list[tuple[str, int]]]]


def write_sheets(
    source: Path,
    scratch: bytes,
    names: list[str],
    destination: Path,
    unchanged: Callable[[], bool] = lambda: True,
    former: Sequence[Sequence[str]] = (),
    history: HistoryAppend | None = None,
) -> Path:
    """Write `source` with the scratch sheets put in, to `destination` (which may be `source`);
    returns where it was written (beside `destination` when `unchanged` says no)."""
    package = Package(source)
    try:
        existing = _sheet_part(package, [history.name, *history.former]) if history else None
        old = package.located(existing[1]) if existing else None
        replace_sheets(package, scratch, names, former)
        if history is not None:
            _put_history(package, history, existing[0] if existing else None, old)
        return package.save(destination, unchanged)
    finally:
        package.close()


def _sheet_part(package: Package, names: Sequence[str]) -> tuple[str, str] | None:
    """The (name, part) of the first sheet called one of `names`, if the workbook has one."""
    workbook_part = find_workbook_part(package.read)
    workbook = parse_xml(package.read(workbook_part))
    rels = {r.get("Id"): r.get("Target") for r in package.relationships(workbook_part)}
    for wanted in names:
        for sheet in workbook.iterfind(f"{M}sheets/{M}sheet"):
            if sheet.get("name", "").casefold() == wanted.casefold():
                target = rels.get(sheet.get(f"{{{REL_NS}}}id"))
                return (sheet.get("name", ""), resolve(workbook_part, target)) if target else None
    return None


def _put_history(
    package: Package,
    history: HistoryAppend,
    existing: str | None,
    old: tuple[int, int, int, int] | None,
) -> None:
    """History's part as deflate segments: the old entry's kept as they are with the new rows
    added, or, where that cannot be, History written whole once more."""
    # Imported here: the read-ahead imports this module before pandas, and must not wait for it.
    from pyxl.adapters import historypart
    from pyxl.core.history import HISTORY_LIMIT

    found = _sheet_part(package, [history.name])
    assert found is not None  # replace_sheets has just written it
    part = found[1]
    head, sample, tail = historypart.split(package.read(part))
    styles = historypart.column_styles(sample)
    count = len(history.rows)
    entry = None
    if old is not None:
        offset, length, crc, size = old
        stored = historypart.Stored(
            length, crc, size, lambda start, stop: package.read_at(offset + start, stop - start)
        )
        entry = historypart.appended(
            stored,
            head,
            lambda first: historypart.rows_xml(history.rows, first, styles),
            count,
            history.as_of,
            tail,
            HISTORY_LIMIT,
        )
    elif existing is None:  # the first History: nothing to keep
        rows = historypart.rows_xml(history.rows, 3, styles)
        entry = historypart.compose(head, [(history.as_of, rows, 2 + count)], tail)
    if entry is None:
        every, counts = history.whole(existing)
        rows = historypart.rows_xml(every, 3, styles)
        entry = historypart.compose(head, historypart.segments_by_date(rows, counts), tail)
    kept = (old[0], entry.kept) if old is not None else (0, 0)
    package.write_compressed(part, Deflated(entry.compressed, entry.crc, entry.size, kept))
