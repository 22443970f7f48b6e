"""Real sheets published by other organizers (../shared/samples): each reads with the counts
stated in its README, or is refused with a reason. Skipped when the folder is absent."""
import collections
import pathlib

import pytest

from question_bank import messages as m
from question_bank import normalize, sheets

SAMPLES = pathlib.Path(__file__).resolve().parents[3] / "shared" / "samples"
if not SAMPLES.is_dir():
    SAMPLES = pathlib.Path("/work/shared/samples")


def read(name):
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {name} not present")
    return normalize.parse_workbook(sheets.read_path(str(path)))


def by_type(result):
    return dict(collections.Counter(q.type for q in result.questions))


def test_alune1212_standard_bank():
    out = read("alune1212_internal-exam__安全知识竞赛题库_标准化题库.xlsx")
    assert len(out.questions) == 612
    assert by_type(out) == {"single": 415, "multiple": 137, "true_false": 60}
    assert sorted(s.sheet for s in out.skipped) == ["summary", "unsupported_raw", "字段说明"]
    assert not out.problems


def test_fyhc1_chinese_template():
    out = read("FYHC1_online-exam__试题导入模板.xlsx")
    assert by_type(out) == {
        "single": 3,
        "multiple": 2,
        "true_false": 2,
        "fill_blank": 2,
        "open": 1,
    }
    assert out.questions[0].options[0] == "java"  # the non-breaking space is gone
    assert [q.answer for q in out.questions if q.type == "fill_blank"] == [["true", "false"], ["0"]]


def test_netcan_headerless_with_one_empty_answer():
    out = read("netcan_baike_contest__题库.xlsx")
    assert len(out.questions) == 299 and by_type(out) == {"single": 299}
    (problem,) = out.problems
    assert (problem.code, problem.column) == ("missing_answer", "F")
    assert not any(o.startswith(("C.", "D.")) for q in out.questions for o in q.options)


def test_tangzhenyu_old_xls():
    out = read("tangzhenyu2013_Yanan__资料.xls")
    assert len(out.questions) == 6
    assert len(out.skipped) == 4
    assert {q.sheet for q in out.questions} == {"题库"}
    assert any(q.answer == ["A", "B"] for q in out.questions)
    assert all(not o.startswith(("A、", "B、", "C、")) for q in out.questions for o in q.options)


def test_kahoot_template():
    out = read("2berius_Qahoot__KahootQuizTemplate.xlsx")
    (q,) = out.questions
    assert (q.type, q.answer, q.time_limit) == ("multiple", ["A", "B", "C", "D"], 60)


def test_halfye_csv_list_literal_answers():
    out = read("halfye_sishi__题库.csv")
    assert len(out.questions) == 1060
    assert by_type(out) == {"fill_blank": 1059, "open": 1}
    assert not out.problems
    assert not any("【出题" in q.stem for q in out.questions)


def test_zhang35_points_from_sheet_names():
    out = read("zhang35_ppt-vba__题库.xlsx")
    assert out.sheets == {
        "zhang35_ppt-vba__题库.xlsx / 10": 154,
        "zhang35_ppt-vba__题库.xlsx / 20": 15,
        "zhang35_ppt-vba__题库.xlsx / 30": 9,
    }
    assert collections.Counter(q.points for q in out.questions) == {10: 154, 20: 15, 30: 9}
    assert by_type(out) == {"open": 178}


def test_zhang35_roster_holds_no_questions():
    out = read("zhang35_ppt-vba__选手名单.xlsx")
    assert not out.questions and len(out.skipped) == 1
    assert m.text("no_questions", "en") == "No questions were found in the file."
