"""The bank page lists the first service.CATEGORY_LIMIT categories by name, not all: a
generated 100,000-question sheet had 97,842, and the page listing them all was 5.8 MB, built
on the live loop. The organizer is told how many more there are (the search finds them), and
a category chosen in the filter stays chosen."""
import re

from question_bank import service
from tests.unit.test_bank_sheets import xlsx_bytes

HEADER = ["题型", "题目", "A", "B", "答案", "分类"]


def test_the_category_filter_lists_the_first_categories_and_says_how_many_more(
        app, organizer_client, monkeypatch):
    monkeypatch.setattr(service, "CATEGORY_LIMIT", 3)
    rows = [["单选", f"题{n}", "a", "b", "A", f"分类{n}"] for n in range(1, 7)]
    with app.app_context():
        report = service.import_files([("c.xlsx", xlsx_bytes([HEADER] + rows))], bank="c")
        assert report.imported == 6
    page = organizer_client.get("/bank/").get_data(as_text=True)
    select = re.search(r'<select name="category".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option >(分类\d)</option>", select) == ["分类1", "分类2", "分类3"]
    assert "另有 3 个分类" in select
    chosen = organizer_client.get("/bank/?category=分类6").get_data(as_text=True)
    select = re.search(r'<select name="category".*?</select>', chosen, re.S).group(0)
    assert "<option selected>分类6</option>" in select and "另有 2 个分类" in select
    assert "题6" in chosen and "题5" not in chosen
