"""Pictures inside workbooks: Excel's anchored pictures and WPS's DISPIMG cell pictures.

The fixtures are built here, the way the programs write them: an openpyxl workbook to which the
drawing parts are added by hand (openpyxl writes pictures only with Pillow, not a dependency), and
a WPS workbook whose picture cells hold ``_xlfn.DISPIMG("ID_…",1)`` with the cached value
``=DISPIMG("ID_…",1)`` and whose pictures live in ``xl/cellimages.xml``. Tiny media are generated:
a PNG with zlib + struct, a WAV with the wave module.
"""

from __future__ import annotations

import io
import re
import struct
import wave
import zipfile
import zlib

import openpyxl

from question_bank import bundles, sheet_pictures, sheets

# --------------------------------------------------------------------------- tiny media


def png(width: int = 8, height: int = 6, rgb=(200, 30, 30)) -> bytes:
    """A valid PNG of one colour."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def wav(seconds: float = 1.0, rate: int = 8000, tone: int = 440) -> bytes:
    """A mono 16-bit WAV holding a tone (audible, so a browser really plays it)."""
    import math

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * tone * i / rate)))
            for i in range(int(seconds * rate))
        )
        w.writeframes(frames)
    return buf.getvalue()


def jpeg_header(width: int = 4, height: int = 3) -> bytes:
    """The start of a baseline JPEG (SOI, APP0, SOF0): enough for the type and size checks."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


# --------------------------------------------------------------------------- workbooks

HEAD = ["题型", "题目", "选项A", "选项B", "选项C", "选项D", "答案"]


def workbook_bytes(rows, sheet_title="Sheet") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: src.read(name) for name in src.namelist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return out.getvalue()


def with_anchored_pictures(data: bytes, pictures: list[tuple[int, int, bytes]], one_cell=False):
    """Add pictures to sheet 1 the way Excel does: (0-based row, 0-based col, png bytes) each,
    a twoCellAnchor (or oneCellAnchor) in xl/drawings/drawing1.xml."""

    def change(parts):
        anchors, rels = [], []
        for n, (row, col, body) in enumerate(pictures, start=1):
            parts[f"xl/media/image{n}.png"] = body
            rels.append(
                f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/relationships/image" Target="../media/image{n}.png"/>'
            )
            pic = (
                f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{n + 1}" name="图片 {n}"/>'
                '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
                f'<xdr:blipFill><a:blip r:embed="rId{n}"/><a:stretch><a:fillRect/></a:stretch>'
                '</xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" '
                'cy="714375"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
                "</xdr:spPr></xdr:pic>"
            )
            start = (
                f"<xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>19050</xdr:colOff>"
                f"<xdr:row>{row}</xdr:row><xdr:rowOff>19050</xdr:rowOff></xdr:from>"
            )
            if one_cell:
                anchors.append(
                    f'<xdr:oneCellAnchor>{start}<xdr:ext cx="952500" cy="714375"/>{pic}'
                    "<xdr:clientData/></xdr:oneCellAnchor>"
                )
            else:
                anchors.append(
                    f'<xdr:twoCellAnchor editAs="oneCell">{start}<xdr:to><xdr:col>{col + 1}'
                    f"</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + 1}</xdr:row>"
                    f"<xdr:rowOff>0</xdr:rowOff></xdr:to>{pic}<xdr:clientData/>"
                    "</xdr:twoCellAnchor>"
                )
        parts["xl/drawings/drawing1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="'
            'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="'
            'http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            + "".join(anchors)
            + "</xdr:wsDr>"
        ).encode()
        parts["xl/drawings/_rels/drawing1.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>"
        ).encode()
        parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            b'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/drawing" Target="../drawings/drawing1.xml"/></Relationships>'
        )
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        if "xmlns:r=" not in sheet[:400]:
            sheet = sheet.replace(
                "<worksheet ",
                '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships" ',
                1,
            )
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(
            "</worksheet>", '<drawing r:id="rId1"/></worksheet>'
        ).encode()
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace(
            "</Types>",
            '<Default Extension="png" ContentType="image/png"/><Override PartName="/xl/drawings/'
            'drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"'
            "/></Types>",
        ).encode()

    return _rewrite(data, change)


def wps_workbook(rows, pictures: dict[str, bytes]) -> bytes:
    """A workbook as WPS saves cell pictures: cells '=DISPIMG("ID_…",1)' in ``rows`` become
    ``<c t="str"><f>_xlfn.DISPIMG(&quot;ID&quot;,1)</f><v>=DISPIMG(&quot;ID&quot;,1)</v></c>``,
    and ``pictures`` (ID -> bytes) go to xl/cellimages.xml + xl/media/."""
    data = workbook_bytes(rows)

    def change(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()

        def cell(match):
            ref, pid = match.group(1), match.group(2)
            return (
                f'<c r="{ref}" t="str"><f>_xlfn.DISPIMG(&quot;{pid}&quot;,1)</f>'
                f"<v>=DISPIMG(&quot;{pid}&quot;,1)</v></c>"
            )

        sheet = re.sub(
            r'<c r="([A-Z]+\d+)"[^>]*><f>_xlfn\.DISPIMG\("(ID_\w+)",1\)</f><v ?/></c>', cell, sheet
        )
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        pics, rels = [], []
        for n, (pid, body) in enumerate(pictures.items(), start=1):
            parts[f"xl/media/image{n}.png"] = body
            rels.append(
                f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/relationships/image" Target="media/image{n}.png"/>'
            )
            pics.append(
                f'<etc:cellImage><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{n + 1}" name="{pid}" '
                'descr="1"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr>'
                f'</xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId{n}"/><a:stretch><a:fillRect/>'
                '</a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext '
                'cx="1371600" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
                "</a:prstGeom></xdr:spPr></xdr:pic></etc:cellImage>"
            )
        parts["xl/cellimages.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<etc:cellImages xmlns:xdr="'
            'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:r="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="'
            'http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:etc="'
            'http://www.wps.cn/officeDocument/2017/etCustomData">'
            + "".join(pics)
            + "</etc:cellImages>"
        ).encode()
        parts["xl/_rels/cellimages.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>"
        ).encode()
        book_rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = book_rels.replace(
            "</Relationships>",
            '<Relationship Id="rId99" Type="http://www.wps.cn/officeDocument/2020/cellImage" '
            'Target="cellimages.xml"/></Relationships>',
        ).encode()
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace(
            "</Types>",
            '<Default Extension="png" ContentType="image/png"/><Override PartName="/xl/'
            'cellimages.xml" ContentType="application/vnd.wps-officedocument.cellimage+xml"/>'
            "</Types>",
        ).encode()

    return _rewrite(data, change)


def zip_bundle(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in files.items():
            zf.writestr(name, body)
    return buf.getvalue()


PICTURE_ROWS = [
    HEAD,
    ["单选", "图中是哪座城市的地标？", "北京", "上海", "广州", "深圳", "A"],
    ["判断", "这是一张红色的图片。", None, None, None, None, "对"],
    ["单选", "没有图片的题目", "甲", "乙", "丙", "丁", "B"],
]


# --------------------------------------------------------------------------- tests


def test_anchored_pictures_are_found_at_their_rows():
    red, blue = png(rgb=(255, 0, 0)), png(rgb=(0, 0, 255))
    data = with_anchored_pictures(workbook_bytes(PICTURE_ROWS), [(1, 7, red), (2, 7, blue)])
    sheets.read_bytes(data, "pics.xlsx")  # still a valid workbook for the reader
    found = sheet_pictures.pictures(data)
    assert [(p.row, p.how, p.part) for p in found["Sheet"]] == [
        (2, "anchor", "xl/media/image1.png"),
        (3, "anchor", "xl/media/image2.png"),
    ]
    assert sheet_pictures.read_part(data, "xl/media/image2.png", 1000) == blue


def test_one_cell_anchor():
    data = with_anchored_pictures(workbook_bytes(PICTURE_ROWS), [(3, 2, png())], one_cell=True)
    assert [p.row for p in sheet_pictures.pictures(data)["Sheet"]] == [4]


def test_wps_dispimg_cells():
    rows = [HEAD + ["图片"]] + [r + [None] for r in PICTURE_ROWS[1:]]
    rows[1][-1] = '=_xlfn.DISPIMG("ID_4F1B2C3D",1)'
    rows[2][-1] = '=_xlfn.DISPIMG("ID_99AA",1)'
    data = wps_workbook(rows, {"ID_4F1B2C3D": png(rgb=(0, 200, 0)), "ID_99AA": png()})
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>_xlfn.DISPIMG(&quot;ID_4F1B2C3D&quot;,1)</f>" in xml  # written the WPS way
    book = sheets.read_bytes(data, "wps.xlsx")
    cells = [c for _, row in book.sheets[0].rows for c in row]
    assert '=DISPIMG("ID_4F1B2C3D",1)' in cells  # calamine gives the cached value
    found = sheet_pictures.pictures(data)["Sheet"]
    assert [(p.row, p.how) for p in found] == [(2, "cell"), (3, "cell")]


def test_no_pictures_and_broken_packages():
    assert sheet_pictures.pictures(workbook_bytes(PICTURE_ROWS)) == {}
    assert sheet_pictures.pictures(b"not a zip") == {}


def test_bundle_lookup_is_a_dict_lookup():
    data = zip_bundle(
        {
            "题库/题库.xlsx": workbook_bytes(PICTURE_ROWS),
            "题库/media/长城.PNG": png(),
            "题库/audio/song.wav": wav(0.1),
        }
    )
    b = bundles.open_bundle(data, "b.zip")
    assert [s[0] for s in b.sheets] == ["题库/题库.xlsx"]
    key = b.sheets[0][1]
    assert b.find("media/长城.png", key) == "题库/media/长城.png"
    assert b.find("长城", key) == "题库/media/长城.png"
    assert b.find("media\\长城.png", key) == "题库/media/长城.png"
    assert b.find("song.wav", key) == "题库/audio/song.wav"
    assert b.find("../题库/media/长城.png", key) is None
    assert b.find("nothing.png", key) is None
