"""Opening an import's sources: a sheet file, or a zip of sheets + media checked for safety.

A zip (``open_bundle``) is refused when an entry climbs out (``../``, an absolute path, a drive
letter), is a symlink or is encrypted, or when the declared sizes add up to a bomb; entries are
read with a cap, whatever their headers say. Entry names are only ever keys of a dict, never
paths. Pure: bytes in, workbooks and entries out.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass

from . import messages as m
from . import sheets
from .media_types import MB, MediaLimits

SHEET_EXTS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")


@dataclass
class Bundle:
    """A zip holding question sheets and their media; entry names are dict keys only."""

    filename: str
    sheets: list[tuple[str, str]]  # (display name, entry key)
    entries: dict[str, zipfile.ZipInfo]  # normalized key -> entry
    zf: zipfile.ZipFile
    limits: MediaLimits

    def read(self, key: str, cap: int) -> bytes:
        """An entry's bytes, never more than cap + 1 whatever its header says."""
        with self.zf.open(self.entries[key]) as fh:
            return fh.read(cap + 1)

    def find(self, ref: str, sheet_key: str = "") -> str | None:
        """The entry a cell names: next to the sheet, from the top, or a unique base name."""
        want = _key(ref)
        if not want or any(part == ".." for part in want.split("/")):
            return None
        here = posixpath.dirname(sheet_key)
        for candidate in (posixpath.join(here, want) if here else want, want):
            if candidate in self.entries:
                return candidate
        base = want.rsplit("/", 1)[-1]
        same = [k for k in self.entries if k.rsplit("/", 1)[-1] == base]
        if len(same) == 1:
            return same[0]
        # a name without its extension ("长城" for 长城.jpg), when unique
        if "." not in base:
            stems = [k for k in self.entries if k.rsplit("/", 1)[-1].rsplit(".", 1)[0] == base]
            if len(stems) == 1:
                return stems[0]
        return None


def _key(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name)).strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return posixpath.normpath(text).lstrip("/").casefold() if text else ""


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; Windows zips of Chinese names carry GBK bytes without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for codec in ("utf-8", "gb18030"):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                continue
    return name


def _unsafe(name: str, info: zipfile.ZipInfo) -> bool:
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text) or "\x00" in text:
        return True
    if any(part == ".." for part in text.split("/")):
        return True
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def is_bundle(data: bytes) -> bool:
    """A zip that is not itself a workbook (.xlsx/.ods): a sheet with a media folder."""
    if not data.startswith(b"PK"):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # the sheet reader names the damage
    return not ({"xl/workbook.xml", "content.xml", "EncryptedPackage", "mimetype"} & names)


def open_bundle(data: bytes, filename: str, limits: MediaLimits = MediaLimits()) -> Bundle:
    """Check a zip of sheets + media and index it; ImportRefused for anything hostile."""
    if len(data) > limits.max_bundle:
        raise m.FileTooLarge(
            "bundle_too_large",
            size=m.human_size(len(data)),
            limit=m.human_size(limits.max_bundle),
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise m.CorruptFile("corrupt_zip", detail=str(exc) or type(exc).__name__) from None
    if len(infos) > limits.max_entries:
        raise m.ZipBomb(
            "zip_bomb", size=f"{len(infos)} entries", limit=f"{limits.max_entries} entries"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked:
        raise m.ZipBomb(
            "zip_bomb", size=m.human_size(total), limit=m.human_size(limits.max_unpacked)
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    sheets: list[tuple[str, str]] = []
    for info in infos:
        name = _entry_name(info)
        if _unsafe(name, info):
            raise m.ImportRefused("bundle_unsafe_path", part=name[:200])
        if info.flag_bits & 0x1:
            raise m.EncryptedWorkbook("bundle_encrypted")
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise m.ZipBomb(
                "zip_bomb", size=m.human_size(info.file_size), limit=f"{limits.max_ratio}x"
            )
        if info.is_dir():
            continue
        parts = name.replace("\\", "/").split("/")
        if parts[0] == "__MACOSX" or parts[-1].startswith(("._", "~$", ".~")):
            continue
        key = _key(name)
        entries[key] = info
        if key.endswith(SHEET_EXTS) and parts[-1] not in (".DS_Store",):
            sheets.append((name.replace("\\", "/"), key))
    if not sheets:
        raise m.NotASpreadsheet("bundle_no_sheet")
    sheets.sort(key=lambda s: (s[1].count("/"), s[1]))
    return Bundle(filename, sheets, entries, zf, limits)


def open_source(source, limits, media_limits: MediaLimits = MediaLimits()):
    """Yield (workbook, its bytes, bundle or None, entry key) for a path, a (name, bytes) pair
    or a (name, path) pair: one workbook for a sheet file, one per sheet for a zip of sheets +
    media."""
    disk = None
    if isinstance(source, str):
        source = (os.path.basename(source), source)
    name, data = source
    if isinstance(data, (str, os.PathLike)):  # a file on disk (the CLI, a kept upload)
        size = os.path.getsize(data)
        if size > max(limits.max_bytes, media_limits.max_bundle):
            raise m.FileTooLarge(
                "too_large", size=m.human_size(size), limit=m.human_size(limits.max_bytes)
            )
        data, disk = sheets.load(os.fspath(data), max(limits.max_bytes, media_limits.max_bundle))
    if not is_bundle(data):  # a workbook on disk is read by calamine from there (sheets.py)
        yield sheets.read_bytes(data, name, limits, disk), data, None, ""
        return
    bundle = open_bundle(data, name, media_limits)
    for display, key in bundle.sheets:
        inner = bundle.read(key, limits.max_bytes)
        if len(inner) > limits.max_bytes:
            raise m.FileTooLarge(
                "too_large",
                size=f"> {m.human_size(limits.max_bytes)}",
                limit=m.human_size(limits.max_bytes),
            )
        label = display.rsplit("/", 1)[-1]
        yield sheets.read_bytes(inner, label, limits), inner, bundle, key
