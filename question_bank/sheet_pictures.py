"""Pictures inside an .xlsx: placed on the sheet (Excel's "insert picture") or in a cell (WPS).

Why not openpyxl: ``openpyxl.reader.drawings.find_images`` drops every picture when Pillow is not
installed (it is not a dependency here), it would load the whole workbook (calamine reads the
cells), and it does not know WPS's cell pictures. The parts involved are small XML files and the
media themselves, so they are read from the zip with defusedxml (no DTD, no entities) after
``sheets`` has already vetted the package (sizes, bombs, DOCTYPE). Pure: bytes in, pictures out.

- Anchored pictures: ``xl/workbook.xml`` (+ rels) gives each sheet's part;
  ``xl/worksheets/_rels/sheetN.xml.rels`` its drawing; ``xl/drawings/drawingN.xml`` holds
  ``twoCellAnchor``/``oneCellAnchor`` elements whose ``from/row`` (0-based) places the picture, and
  whose ``a:blip r:embed`` points through ``xl/drawings/_rels/drawingN.xml.rels`` at
  ``xl/media/imageN.png``. A picture belongs to the question whose row holds its top edge (or,
  failing that, the first question row it covers).
- WPS cell pictures: the cell holds ``=DISPIMG("ID_…",1)`` (formula ``_xlfn.DISPIMG``, cached value
  the formula text); ``xl/cellimages.xml`` lists ``<xdr:pic>`` elements named ``ID_…``
  (``xdr:cNvPr/@name``) whose ``a:blip r:embed`` resolves through
  ``xl/_rels/cellimages.xml.rels``. The sheet XML is scanned for DISPIMG cells, so the picture is
  found whatever column it sits in.
- Linked (``r:link``) pictures are never fetched; absolute-anchored shapes have no row and are
  ignored.
"""

from __future__ import annotations

import bisect
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET

from .sheets import _sheet_parts

XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_CELL = re.compile(rb'<c\s[^>]*?\br="[A-Z]{1,3}(\d+)"')
_DISPIMG = re.compile(rb'DISPIMG\(\s*(?:&quot;|")([^&"<]{1,200})(?:&quot;|")')


@dataclass
class Picture:
    part: str  # the zip entry holding the bytes (xl/media/image1.png)
    name: str  # a label (the media file's base name)
    row: int  # 1-based sheet row of its top edge (or of its cell)
    last_row: int  # 1-based last row it covers
    how: str  # "anchor" or "cell"


def pictures(data: bytes) -> dict[str, list[Picture]]:
    """Sheet name -> its pictures (anchored and in cells), for an .xlsx package."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return {}
    if "xl/workbook.xml" not in names:
        return {}
    out: dict[str, list[Picture]] = {}
    cell_pics = _cell_images(zf, names)
    for sheet, part in _sheet_parts(zf).items():
        found = _anchored(zf, names, part)
        if cell_pics and part in names:
            found += _dispimg_cells(zf, part, cell_pics)
        if found:
            out[sheet] = found
    return out


def read_part(data: bytes, part: str, cap: int) -> bytes:
    """The bytes of one entry, at most cap + 1 (the caller judges the size)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(part) as fh:
        return fh.read(cap + 1)


def _xml(zf: zipfile.ZipFile, part: str):
    try:
        return SafeET.fromstring(zf.read(part))
    except Exception:  # a missing or broken part only costs its pictures
        return None


def _rels(zf: zipfile.ZipFile, names: set, part: str) -> dict[str, tuple[str, str, str]]:
    """rId -> (type, resolved target part, target mode) for a part's relationships."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in names:
        return {}
    root = _xml(zf, rels_part)
    if root is None:
        return {}
    out = {}
    for rel in root.iter(f"{PKG}Relationship"):
        target = rel.get("Target", "")
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), resolved, rel.get("TargetMode", ""))
    return out


def _int(el) -> int | None:
    try:
        return int((el.text or "").strip()) if el is not None else None
    except ValueError:
        return None


def _anchored(zf: zipfile.ZipFile, names: set, sheet_part: str) -> list[Picture]:
    found = []
    for rtype, drawing, mode in _rels(zf, names, sheet_part).values():
        if not rtype.endswith("/drawing") or mode == "External" or drawing not in names:
            continue
        root = _xml(zf, drawing)
        if root is None:
            continue
        links = _rels(zf, names, drawing)
        for anchor in root.iter():
            if anchor.tag not in (f"{XDR}twoCellAnchor", f"{XDR}oneCellAnchor"):
                continue
            first = _int(anchor.find(f"{XDR}from/{XDR}row"))
            if first is None:
                continue
            last = _int(anchor.find(f"{XDR}to/{XDR}row"))
            last = first if last is None or last < first else last
            for pic in anchor.iter(f"{XDR}pic"):
                part = _blip_part(pic, links, names)
                if part:
                    name = posixpath.basename(part)
                    found.append(Picture(part, name, first + 1, last + 1, "anchor"))
    return found


def _blip_part(pic, links: dict, names: set) -> str | None:
    blip = pic.find(f".//{A}blip")
    if blip is None:
        return None
    link = links.get(blip.get(f"{R}embed", ""))
    if not link or link[2] == "External" or link[1] not in names:
        return None
    return link[1]


def _cell_images(zf: zipfile.ZipFile, names: set) -> dict[str, str]:
    """WPS: picture ID (ID_…) -> media part, from xl/cellimages.xml."""
    part = "xl/cellimages.xml"
    for rtype, target, _mode in _rels(zf, names, "xl/workbook.xml").values():
        if "cellimage" in rtype.lower() and target in names:
            part = target
    if part not in names:
        return {}
    root = _xml(zf, part)
    if root is None:
        return {}
    links = _rels(zf, names, part)
    out = {}
    for pic in root.iter(f"{XDR}pic"):
        props = pic.find(f"{XDR}nvPicPr/{XDR}cNvPr")
        media = _blip_part(pic, links, names)
        if props is not None and media and props.get("name"):
            out[props.get("name")] = media
    return out


def _dispimg_cells(zf: zipfile.ZipFile, part: str, cell_pics: dict[str, str]) -> list[Picture]:
    xml = zf.read(part)
    if b"DISPIMG" not in xml:
        return []
    starts, rows = [], []
    for cell in _CELL.finditer(xml):
        starts.append(cell.start())
        rows.append(int(cell.group(1)))
    found, seen = [], set()
    for hit in _DISPIMG.finditer(xml):
        i = bisect.bisect_right(starts, hit.start()) - 1
        if i < 0:
            continue
        pid = hit.group(1).decode("utf-8", "replace")
        media = cell_pics.get(pid)
        key = (rows[i], pid)
        if media and key not in seen:  # the formula and its cached value name it twice
            seen.add(key)
            found.append(Picture(media, posixpath.basename(media), rows[i], rows[i], "cell"))
    return found
