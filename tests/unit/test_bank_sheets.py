"""The sheet reader: formats, encodings, and hostile or broken files refused with a clear reason."""

import io
import time
import zipfile

import openpyxl
import pytest

from question_bank import messages as m
from question_bank import sheets

NS_PKG = "http://schemas.openxmlformats.org/package/2006"
NS_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CT_DOC = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CT = (
    f'<?xml version="1.0"?><Types xmlns="{NS_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT_DOC}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_DOC}.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{NS_PKG}/relationships"><Relationship Id="rId1" '
    f'Type="{NS_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
BOOK = (
    f'<?xml version="1.0"?><workbook xmlns="{NS_MAIN}" xmlns:r="{NS_DOC}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
BOOK_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{NS_PKG}/relationships"><Relationship Id="rId1" '
    f'Type="{NS_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)


def raw_xlsx(sheet_chunks, extra=None) -> bytes:
    """A minimal .xlsx written as raw XML (cheap for a million rows; no openpyxl)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", BOOK)
        z.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            for chunk in sheet_chunks:
                fh.write(chunk)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def rows_xml(rows):
    yield SHEET_HEAD.encode()
    for i, row in enumerate(rows, 1):
        cells = "".join(
            f'<c r="{chr(65 + j)}{i}" t="inlineStr"><is><t>{v}</t></is></c>'
            for j, v in enumerate(row)
        )
        yield f'<row r="{i}">{cells}</row>'.encode()
    yield b"</sheetData></worksheet>"


def million_rows() -> bytes:
    def chunks():
        yield SHEET_HEAD.encode()
        for i in range(1, 1_000_001):
            yield b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>q%d</t></is></c></row>' % (i, i, i)
        yield b"</sheetData></worksheet>"

    return raw_xlsx(chunks())


def entity_bomb() -> bytes:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol%s;" % ("" if i == 1 else i - 1) * 10}">' for i in range(1, 10)
        )
        + f']><sst xmlns="{NS_MAIN}" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    )
    return raw_xlsx(rows_xml([["题目", "答案"], ["1+1=?", "2"]]), {"xl/sharedStrings.xml": lol})


def zip_bomb() -> bytes:
    buf = io.BytesIO(raw_xlsx(rows_xml([["题目", "答案"]])))
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/zeros.bin", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(400):
                fh.write(block)
    return buf.getvalue()


def encrypted_workbook() -> bytes:
    """A password-protected .xlsx as Excel writes it: a CFB file with an EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = (
        "EncryptedInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le")
    )
    return header + directory + b"\0" * 2048


def xlsx_bytes(rows, title="Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def refused(data, name="x.xlsx", **limits):
    with pytest.raises(m.ImportRefused) as info:
        sheets.read_bytes(data, name, sheets.Limits(**limits) if limits else sheets.Limits())
    err = info.value
    assert err.message("zh") and err.message("en") and err.message("zh") != err.message("en")
    return err


def test_reads_xlsx_rows_with_their_row_numbers():
    book = sheets.read_bytes(xlsx_bytes([["题目", "答案"], [], ["1+1=?", 2]]), "a.xlsx")
    assert book.kind == "xlsx"
    rows = list(book.sheets[0].rows)  # handed out lazily
    assert [n for n, _ in rows] == [1, 3]
    assert rows[1][1] == ["1+1=?", 2.0]


def test_csv_in_gbk_utf8_and_bom_are_detected():
    text = "题目,答案\n中国的首都是？,北京\n"
    for data in (
        text.encode("gbk"),
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("gb18030"),
    ):
        book = sheets.read_bytes(data, "q.csv")
        assert book.sheets[0].rows[1][1] == ["中国的首都是？", "北京"]


def test_tab_separated_text_is_read():
    book = sheets.read_bytes("题目\t答案\n1+1=?\t2\n".encode(), "q.txt")
    assert book.sheets[0].rows[1][1] == ["1+1=?", "2"]


def test_long_blank_run_stops_reading_and_says_where():
    rows = [["题目", "答案"], ["1+1=?", "2"]] + [[]] * 30 + [["late", "x"]]
    book = sheets.read_bytes(xlsx_bytes(rows), "a.xlsx", sheets.Limits(blank_run=10))
    sheet = book.sheets[0]
    assert len(list(sheet.rows)) == 2 and sheet.cut_at == 12


@pytest.mark.parametrize(
    "data, cls, code",
    [
        (b"", m.EmptyFile, "empty_file"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, m.NotASpreadsheet, "image_file"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, m.NotASpreadsheet, "image_file"),
        (bytes(range(256)) * 20, m.NotASpreadsheet, "not_spreadsheet"),
    ],
)
def test_not_a_spreadsheet(data, cls, code):
    err = refused(data)
    assert isinstance(err, cls) and err.code == code


def test_renamed_image_names_the_image_kind():
    err = refused(b"GIF89a" + b"\0" * 50, "questions.xlsx")
    assert "GIF" in err.message("en") and "图片" in err.message("zh")


def test_truncated_zip_is_reported_as_damaged():
    data = xlsx_bytes([["题目", "答案"], ["1+1=?", "2"]])
    err = refused(data[: len(data) // 2])
    assert isinstance(err, m.CorruptFile)


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert refused(buf.getvalue()).code == "not_spreadsheet"


def test_password_protected_workbook():
    assert isinstance(refused(encrypted_workbook()), m.EncryptedWorkbook)


def test_entity_bomb_refused_before_parsing():
    err = refused(entity_bomb())
    assert isinstance(err, m.UnsafeXml) and "sharedStrings" in err.message("en")


def test_zip_bomb_refused_from_the_directory():
    data = zip_bomb()
    assert len(data) < 2_000_000
    started = time.perf_counter()
    err = refused(data)
    assert isinstance(err, m.ZipBomb)
    assert time.perf_counter() - started < 1


def test_million_rows_refused_within_seconds():
    data = million_rows()
    started = time.perf_counter()
    err = refused(data)
    assert isinstance(err, m.TooManyRows) and "'Sheet1'" in err.message("en")
    assert time.perf_counter() - started < 5


def test_many_formatted_empty_rows_are_not_counted_as_filled():
    """Over the cap by <row> elements (formatted empty rows), under it by value cells: read."""

    def chunks():
        yield SHEET_HEAD.encode()
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>q</t></is></c></row>'
        for i in range(2, 300_002):
            yield b'<row r="%d" s="1" customFormat="1"/>' % i
        yield b"</sheetData></worksheet>"

    data = raw_xlsx(chunks())
    started = time.perf_counter()
    book = sheets.read_bytes(data, "q.xlsx")
    assert [cells for _, cells in book.sheets[0].rows] == [["q"]]
    assert time.perf_counter() - started < 5


def test_row_cap_applies_to_every_format():
    csv_data = "\n".join(f"q{i}?,a" for i in range(50)).encode()
    assert isinstance(refused(csv_data, "q.csv", max_rows=10), m.TooManyRows)
    assert isinstance(refused(xlsx_bytes([["q?", "a"]] * 50), max_rows=10), m.TooManyRows)


def test_column_cap():
    assert isinstance(refused(xlsx_bytes([["x"] * 40]), max_cols=20), m.TooManyColumns)


def test_upload_over_the_cap():
    err = refused(b"x" * 2000, max_bytes=1000)
    assert isinstance(err, m.FileTooLarge) and "1000 B" in err.message("en")


def test_column_letters_round_trip():
    for i in (0, 25, 26, 27, 701, 702):
        assert sheets.col_index(sheets.col_letter(i)) == i


def test_a_file_on_disk_is_read_by_calamine_from_its_path(tmp_path, monkeypatch):
    data = xlsx_bytes([["题目", "答案"], ["1+1=?", 2]])
    opened = []
    real = sheets.calamine.CalamineWorkbook.from_path
    monkeypatch.setattr(
        sheets.calamine.CalamineWorkbook,
        "from_path",
        lambda path: opened.append(path) or real(path),
    )
    for name in ("q.xlsx", "q.XLSM", "q.xls", "q.csv", "q"):  # the name need not be right
        (tmp_path / name).write_bytes(data)
        book = sheets.read_path(str(tmp_path / name))
        assert book.kind == "xlsx" and [c for _, c in book.sheets[0].rows][1] == ["1+1=?", 2]
    assert opened == [str(tmp_path / "q.xlsx"), str(tmp_path / "q.XLSM")]


def test_a_file_changed_after_its_checks_is_refused(tmp_path):
    path = tmp_path / "q.xlsx"
    path.write_bytes(xlsx_bytes([["题目", "答案"], ["1+1=?", 2]]))
    data, disk = sheets.load(str(path), 1 << 20)
    path.write_bytes(zip_bomb())  # swapped between the checks on ``data`` and calamine
    with pytest.raises(m.CorruptFile):
        sheets.read_bytes(data, "q.xlsx", sheets.Limits(), disk)
    assert isinstance(refused(b"x" * 10, max_bytes=5), m.FileTooLarge)
    with pytest.raises(m.FileTooLarge):
        sheets.load(str(path), 100)
