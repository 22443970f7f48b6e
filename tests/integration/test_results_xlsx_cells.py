"""results.xlsx cells: text that looks like a formula stays text; numbers stay numbers."""
import io
import zipfile

from openpyxl import Workbook, load_workbook

from quiz.record.export_xlsx import put

DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1",
             "\r=1+1", "\n=1+1", "=cmd|' /C calc'!A0"]
PLAIN = ["红队", "a=b", "1+1", "", "x" * 300]


def roundtrip(values):
    wb = Workbook()
    ws = wb.active
    for i, v in enumerate(values, start=1):
        put(ws, i, 1, v)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    return load_workbook(io.BytesIO(data)).active, sheet


def test_formula_looking_text_is_a_string_cell_with_the_quote_prefix():
    ws, xml = roundtrip(DANGEROUS)
    assert b"<f>" not in xml and b"<f " not in xml
    for i, text in enumerate(DANGEROUS, start=1):
        cell = ws.cell(i, 1)
        assert cell.data_type == "s", text
        # exactly the text, no quote added (XML reads a lone CR back as LF)
        assert cell.value == text.replace("\r", "\n")
        assert cell.quotePrefix, text                 # Excel/WPS keep it text when edited


def test_plain_text_numbers_and_negative_numbers():
    ws, _xml = roundtrip(PLAIN + [-10, 0, 7, -3.5])
    for i, text in enumerate(PLAIN, start=1):
        cell = ws.cell(i, 1)
        assert cell.value == (text or None)
        if text:
            assert cell.data_type == "s" and not cell.quotePrefix
    for i, number in enumerate([-10, 0, 7, -3.5], start=len(PLAIN) + 1):
        cell = ws.cell(i, 1)
        assert cell.value == number and cell.data_type == "n"


def test_control_characters_are_dropped_not_fatal():
    ws, _xml = roundtrip(["答\x00案\x07", "=\x1b1+1"])
    assert ws.cell(1, 1).value == "答案"
    assert ws.cell(2, 1).value == "=1+1" and ws.cell(2, 1).data_type == "s"
