"""quiz.base.safety: where `next` may lead, and which spreadsheet text could run."""
import pytest
from openpyxl import Workbook

from quiz.base.safety import is_formula_like, safe_next, write_text_cell


@pytest.mark.parametrize("value", ["/", "/bank/", "/bank/?page=2&q=%E5%85%9A", "/results/123456",
                                   "/bank/question/4?next=/bank/"])
def test_same_site_paths_pass(value):
    assert safe_next(value, "/fallback") == value


@pytest.mark.parametrize("value", [
    None, "", 42, "bank", "javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)",
    "//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example", "/\t/evil.example",
    "/\n/evil.example", "/ok\r\nSet-Cookie: x=1", "http://evil.example/", "https:evil.example",
    "data:text/html,x", "/a\x00b", "/a b", "/" + "a" * 2001, "/ok\\..\\x",
])
def test_other_sites_and_schemes_fall_back(value):
    assert safe_next(value, "/fallback") == "/fallback"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1:A2)",
                                  "\t=1", "\r=1", "=cmd|' /C calc'!A0"])
def test_formula_text_is_written_as_text(text):
    ws = Workbook().active
    cell = write_text_cell(ws.cell(1, 1), text)
    assert is_formula_like(text)
    assert cell.data_type == "s" and cell.value == text and cell.quotePrefix


def test_plain_text_gets_no_quote_prefix():
    ws = Workbook().active
    cell = write_text_cell(ws.cell(1, 1), "党史 1921")
    assert not is_formula_like("党史 1921") and cell.data_type == "s" and not cell.quotePrefix
