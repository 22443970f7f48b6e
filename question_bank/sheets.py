"""Open an uploaded sheet safely and hand out its rows: .xlsx/.xls/.ods through python-calamine,
.csv with its encoding detected. Pure: bytes in, rows out, typed refusals for hostile files.

Why python-calamine: iterating a 10,000-question .xlsx takes ~3.2 s with openpyxl read-only and
~0.3 s with calamine (Rust), which also reads .xls and .ods. Calamine does not expose number
formats, so for .xlsx we read the few format codes we need from the package ourselves
(``_xlsx_number_formats``); openpyxl stays for writing the template and exports.

Every check that protects the server runs BEFORE the parser sees the file: size cap, the zip
directory's total uncompressed size, DOCTYPE/ENTITY in any XML part, a cheap row count.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import NamedTuple

from defusedxml import ElementTree as SafeET

from . import messages as m
from .cellformat import BUILTIN_FORMATS

try:  # the reader is a pinned dependency; keep the import error readable
    import python_calamine as calamine
except ImportError:  # pragma: no cover
    calamine = None


@dataclass(frozen=True)
class Limits:
    """Caps against hostile or broken files."""

    max_bytes: int = 20 * 1024 * 1024  # upload size
    max_unpacked: int = 300 * 1024 * 1024  # total uncompressed size in the zip directory
    max_ratio: int = 200  # per-part compression ratio (past 1 MB)
    max_parts: int = 2000
    max_rows: int = 200_000  # rows holding something, per sheet
    max_cols: int = 256
    blank_run: int = 1000  # stop after this many blank rows in a row
    prolog_bytes: int = 64 * 1024  # an XML part must reach its root element within


@dataclass
class RawSheet:
    """One sheet: its name and its rows as (1-based row number, cells)."""

    name: str
    rows: Iterable[tuple[int, list]]  # consumed once for a workbook sheet
    col_offset: int = 0  # the first cell's column (rows start there)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col0) -> code
    cut_at: int | None = None  # row after which a blank run stopped reading


@dataclass
class Workbook:
    filename: str
    kind: str  # xlsx, xls, ods, csv
    sheets: list[RawSheet]


_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"BM": "BMP",
    b"%PDF": "PDF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


class OnDisk(NamedTuple):
    """Where bytes came from: a file, as it was when they were read."""

    path: str
    ident: tuple  # (device, inode, size, mtime) at that time

    @staticmethod
    def ident_of(st: os.stat_result) -> tuple:
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def unchanged(self) -> bool:
        try:
            return self.ident_of(os.stat(self.path)) == self.ident
        except OSError:
            return False


def load(path: str, max_bytes: int) -> tuple[bytes, OnDisk]:
    """A file's bytes (refused over ``max_bytes`` before they are read) and where they are."""
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read(max_bytes + 1) if st.st_size <= max_bytes else b""
        if st.st_size > max_bytes or len(data) > max_bytes:
            size = max(st.st_size, len(data))
            raise m.FileTooLarge(
                "too_large", size=m.human_size(size), limit=m.human_size(max_bytes)
            )
        return data, OnDisk(path, OnDisk.ident_of(st))


def read_path(path: str, limits: Limits = Limits()) -> Workbook:
    """Read a file from disk (size checked before it is loaded); calamine reads it from there."""
    data, disk = load(path, limits.max_bytes)
    return read_bytes(data, PurePath(path).name, limits, disk)


# calamine picks its reader by the extension of a path: it gets the path only when that agrees
# with what the content says the file is (else a copy of the bytes, as for an upload)
_PATH_EXTS = {"xlsx": (".xlsx", ".xlsm"), "ods": (".ods",)}


def read_bytes(
    data: bytes, filename: str, limits: Limits = Limits(), disk: OnDisk | None = None
) -> Workbook:
    """Identify the file by its content (not its name), check it, and read its sheets.

    ``disk``, when these bytes were read from a file: python-calamine then reads the workbook
    from that file instead of holding a copy of the bytes of its own (1x the file, of an
    import's peak memory). Every check still runs on ``data``, and the import is refused if the
    file is not as it was when ``data`` was read once calamine is done with it.
    """
    if not data:
        raise m.EmptyFile("empty_file")
    if len(data) > limits.max_bytes:
        raise m.FileTooLarge(
            "too_large", size=m.human_size(len(data)), limit=m.human_size(limits.max_bytes)
        )
    head = data[:8]
    for magic, kind in _IMAGES.items():
        if head.startswith(magic):
            raise m.NotASpreadsheet("image_file", kind=kind)
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise m.NotASpreadsheet("image_file", kind="WEBP")
    if head.startswith(b"PK"):
        return _read_zip(data, filename, limits, disk)
    if head.startswith(_CFB):
        if _ENCRYPTED in data:
            raise m.EncryptedWorkbook("encrypted")
        return Workbook(filename, "xls", _read_calamine(data, limits, {}))
    return Workbook(filename, "csv", [_read_csv(data, filename, limits)])


# ---------------------------------------------------------------- zip packages (xlsx, ods)


def _read_zip(data: bytes, filename: str, limits: Limits, disk: OnDisk | None = None) -> Workbook:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise m.CorruptFile("corrupt_zip", detail=str(exc) or type(exc).__name__) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "content.xml" in names:
        kind = "ods"
    elif "EncryptedPackage" in names:
        raise m.EncryptedWorkbook("encrypted")
    else:
        raise m.NotASpreadsheet("not_spreadsheet")
    _check_package(zf, infos, limits)
    formats = _xlsx_number_formats(zf) if kind == "xlsx" else {}
    if disk is not None and not str(disk.path).lower().endswith(_PATH_EXTS[kind]):
        disk = None
    return Workbook(filename, kind, _read_calamine(data, limits, formats, disk))


def _check_package(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse zip bombs, entity declarations and giant sheets before anything parses them."""
    if len(infos) > limits.max_parts:
        raise m.ZipBomb("zip_bomb", size=f"{len(infos)} parts", limit=f"{limits.max_parts} parts")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked:
        raise m.ZipBomb(
            "zip_bomb", size=m.human_size(total), limit=m.human_size(limits.max_unpacked)
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise m.ZipBomb(
                "zip_bomb", size=m.human_size(info.file_size), limit=f"{limits.max_ratio}x"
            )
        if info.filename.endswith((".xml", ".rels")):
            try:
                _check_xml_part(zf, info, limits)
            except m.TooManyRows as err:  # name the sheet as the organizer knows it
                names = {part: name for name, part in _sheet_parts(zf).items()}
                err.params["sheet"] = names.get(info.filename, info.filename)
                raise


def _check_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    try:
        with zf.open(info) as fh:
            head = fh.read(limits.prolog_bytes)
            if info.filename.startswith("xl/worksheets/") and info.file_size > 4 * 1024 * 1024:
                _count_rows(fh, head, info, limits, lambda: zf.open(info))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        if "password" in str(exc).lower() or "encrypted" in str(exc).lower():
            raise m.EncryptedWorkbook("encrypted") from None
        raise m.CorruptFile("corrupt_zip", detail=f"{info.filename}: {exc}") from None
    text = head
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:2] in (b"<\x00", b"\x00<"):
        text = head.decode("utf-16", "ignore").encode("utf-8")
    upper = text.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise m.UnsafeXml("xml_entities", part=info.filename)
    body = re.sub(rb"<!--.*?-->|<\?.*?\?>", b"", text, flags=re.S)
    if text.strip() and not re.search(rb"<[A-Za-z_]", body) and info.file_size > len(head):
        raise m.UnsafeXml("xml_entities", part=info.filename)  # a prolog this long hides something
    if info.filename.startswith("xl/worksheets/"):
        dim = re.search(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"', text)
        if dim and int(dim.group(2)) > 1_048_576:
            raise m.TooManyRows(
                "too_many_rows", sheet=info.filename, rows=int(dim.group(2)), limit=limits.max_rows
            )


def _count_rows(fh, head: bytes, info: zipfile.ZipInfo, limits: Limits, reopen) -> None:
    """Refuse a sheet with more than ``max_rows`` rows holding something, by streaming its XML.

    One count per chunk (``<row``): the sheets we are sent stay under the cap by it. Only when
    there are more ``<row`` elements than the cap (a sheet with many formatted empty rows, or a
    hostile one) is the part read again counting value cells too: rows holding something are at
    most the lesser of the two counts. Counting all four tags on every sheet cost ~0.2 s per
    100,000 rows (docs/performance.md).
    """
    rows = head.count(b"<row")
    tail = head[-8:]
    while True:
        if rows > limits.max_rows:
            break
        chunk = fh.read(1 << 20)
        if not chunk:
            return
        buf = tail + chunk
        rows += buf.count(b"<row") - tail.count(b"<row")
        tail = chunk[-8:]
    with reopen() as fh:  # past the cap by ``<row``: the exact count, rows and values
        _count_filled(fh, info, limits)


def _count_filled(fh, info: zipfile.ZipInfo, limits: Limits) -> None:
    rows = values = 0
    tail = b""
    while min(rows, values) <= limits.max_rows:
        chunk = fh.read(1 << 20)
        if not chunk:
            return
        buf = tail + chunk
        rows += buf.count(b"<row") - tail.count(b"<row") - buf.count(b"<rowBreaks")
        values += buf.count(b"<v>") + buf.count(b"<is>") - tail.count(b"<v>") - tail.count(b"<is>")
        tail = chunk[-8:]
    raise m.TooManyRows(
        "too_many_rows", sheet=info.filename, rows=f"> {limits.max_rows}", limit=limits.max_rows
    )


def _xlsx_number_formats(zf: zipfile.ZipFile) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> {(row, col0): format code} for number cells whose format is not General.

    Only runs when the workbook defines such a style, so plain sheets cost nothing.
    """
    try:
        styles = SafeET.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return {}
    except Exception:  # a broken styles part only costs us the formats
        return {}
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    custom = {
        int(f.get("numFmtId", 0)): f.get("formatCode", "") for f in styles.iter(f"{ns}numFmt")
    }
    xfs = styles.find(f"{ns}cellXfs")
    wanted: dict[bytes, str] = {}
    for index, xf in enumerate(xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId", 0))
        if fid not in (0, 49):
            code = custom.get(fid) or BUILTIN_FORMATS.get(fid)
            if code and code != "General":
                wanted[str(index).encode()] = code
    if not wanted:
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    for name, part in _sheet_parts(zf).items():
        info = zf.getinfo(part) if part in zf.namelist() else None
        if info is None or info.file_size > 64 * 1024 * 1024:
            continue
        cells: dict[tuple[int, int], str] = {}
        cell_re = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*)>')
        for match in cell_re.finditer(zf.read(part)):
            attrs = match.group(3)
            style = re.search(rb'\bs="(\d+)"', attrs)
            if not style or style.group(1) not in wanted:
                continue
            typ = re.search(rb'\bt="(\w+)"', attrs)
            if typ and typ.group(1) not in (b"n", b"d"):
                continue
            cells[(int(match.group(2)), col_index(match.group(1).decode()))] = wanted[
                style.group(1)
            ]
        if cells:
            out[name] = cells
    return out


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part path, from workbook.xml and its relationships."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter(f"{ns}sheet"):
        target = targets.get(sheet.get(f"{rns}id"), "")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[sheet.get("name", "")] = path
    return out


def col_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# ---------------------------------------------------------------- calamine


def _read_calamine(
    data: bytes,
    limits: Limits,
    formats: dict[str, dict[tuple[int, int], str]],
    disk: OnDisk | None = None,
) -> list[RawSheet]:
    try:
        if disk is None:
            book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        else:  # no second copy of the file in memory
            book = calamine.CalamineWorkbook.from_path(disk.path)
        names = list(book.sheet_names)
    except calamine.PasswordError:
        raise m.EncryptedWorkbook("encrypted") from None
    except Exception as exc:  # calamine raises several types for broken files
        raise _calamine_error(exc) from None
    sheets = []
    for name in names:
        try:
            sheet = book.get_sheet_by_name(name)
        except calamine.PasswordError:
            raise m.EncryptedWorkbook("encrypted") from None
        except Exception as exc:
            raise _calamine_error(exc) from None
        if sheet.width > limits.max_cols:
            raise m.TooManyColumns(
                "too_many_columns", sheet=name, cols=sheet.width, limit=limits.max_cols
            )
        if sheet.height > 2 * limits.max_rows:  # the exact count of filled rows is kept below
            raise m.TooManyRows(
                "too_many_rows", sheet=name, rows=sheet.height, limit=limits.max_rows
            )
        start_row, start_col = sheet.start if sheet.height else (0, 0)
        raw = RawSheet(name, [], start_col, formats.get(name, {}))
        # rows are handed out lazily: a 100,000-row sheet never sits in memory as Python lists
        raw.rows = _nonblank(
            _numbered(sheet.iter_rows(), start_row), raw, limits, start_row + sheet.height
        )
        sheets.append(raw)
    if disk is not None and not disk.unchanged():  # calamine read what was checked
        raise m.CorruptFile("unreadable", detail="the file changed while it was read")
    return sheets


def _numbered(rows: Iterator[list], start_row: int) -> Iterator[tuple[int, list]]:
    """Rows with the numbers Excel shows. python-calamine (0.9) hands out the blank rows above
    the first filled one too, while ``sheet.start`` says where that one is: the first row
    handed out tells which (the row at ``start`` is never blank), so the numbers are right
    either way (they were ``start`` rows too high: issue 15)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return iter(())
    padded = start_row > 0 and not any(v not in ("", None) for v in first)
    number = 1 if padded else start_row + 1
    # chain + enumerate: no Python frame per row (this runs for every row of a sheet)
    return itertools.chain(((number, first),), enumerate(rows, number + 1))


def _calamine_error(exc: Exception) -> m.ImportRefused:
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    low = detail.lower()
    if "password" in low or "encrypt" in low:
        return m.EncryptedWorkbook("encrypted")
    if "zip" in low or "eof" in low or "invalid" in low or "cfb" in low:
        return m.CorruptFile("corrupt_zip", detail=detail)
    return m.CorruptFile("unreadable", detail=detail)


def _nonblank(
    numbered: Iterator[tuple[int, list]], sheet: RawSheet, limits: Limits, height: int | None = None
) -> Iterator[tuple[int, list]]:
    """Rows holding something; stop after a long blank run (noted in ``sheet.cut_at``); cap."""
    kept = 0
    blank = 0
    cap = limits.max_rows
    for number, cells in numbered:
        # any(): a truthy cell settles it at once; a row of "", None, 0, False is counted
        if any(cells) or cells.count("") + cells.count(None) < len(cells):
            blank = 0
            kept += 1
            if kept > cap:
                raise m.TooManyRows(
                    "too_many_rows",
                    sheet=sheet.name,
                    rows=f"> {limits.max_rows}",
                    limit=limits.max_rows,
                )
            yield number, cells
        else:
            blank += 1
            if blank >= limits.blank_run:
                if height is None or number < height:
                    sheet.cut_at = number
                return


# ---------------------------------------------------------------- csv


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise m.NotASpreadsheet("not_spreadsheet")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise m.NotASpreadsheet("bad_encoding") from None
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    if controls > len(sample) // 100 + 2:  # binary that happens to decode
        raise m.NotASpreadsheet("not_spreadsheet")
    return text


_DELIMITERS = (",", ";", "\t", "|")
_QUOTES = ('"', "'")


def sniff_dialect(text: str, sample_rows: int = 50) -> tuple[str, str]:
    """(delimiter, quote character) of a CSV text: of comma, semicolon, tab and bar, with
    double or single quotes, the pair that splits the first rows most evenly (the share of
    rows of the commonest width, 2 cells or more, then their number, then the fewest cells left
    wrapped in quotes); ties go to the comma and double quotes. Quoted cells may hold the
    delimiter and newlines."""
    sample = text[: 256 * 1024]
    cut = len(sample) < len(text)
    best, best_score = (",", '"'), (0.0, 0, 0, 0)
    for quote in _QUOTES:
        if quote == "'" and "'" not in sample:
            continue
        for delimiter in _DELIMITERS:
            if delimiter not in sample:
                continue
            reader = csv.reader(
                io.StringIO(sample, newline=""), delimiter=delimiter, quotechar=quote
            )
            try:
                rows = [r for r in itertools.islice(reader, sample_rows) if any(r)]
            except csv.Error:
                continue
            widths = [len(r) for r in rows]
            # cells still wrapped in quotes: the other quote character was meant
            wrapped = sum(
                1 for r in rows for c in r if len(c) > 1 and c[0] == c[-1] and c[0] in "'\""
            )
            if cut and len(widths) > 1:
                widths = widths[:-1]  # the sample may end inside the last row
            common = max(set(widths), key=widths.count, default=0)
            if common < 2:
                continue
            same = widths.count(common)
            score = (round(same / len(widths), 1), same, common, -wrapped)
            if score > best_score:
                best, best_score = (delimiter, quote), score
    return best


def _read_csv(data: bytes, filename: str, limits: Limits) -> RawSheet:
    text = decode_text(data)
    delimiter, quote = sniff_dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote)
    sheet = RawSheet(PurePath(filename).stem or "CSV", [], 0, {})
    try:
        rows = list(_nonblank(enumerate(reader, 1), sheet, limits))
    except csv.Error as exc:
        raise m.NotASpreadsheet("unreadable", detail=str(exc)) from None
    if rows and max(len(r) for _, r in rows[:200]) > limits.max_cols:
        raise m.TooManyColumns(
            "too_many_columns",
            sheet="CSV",
            cols=max(len(r) for _, r in rows[:200]),
            limit=limits.max_cols,
        )
    sheet.rows = rows
    return sheet
