"""The word filter for players' names: folding, and what it catches and lets through."""
import pytest

from quiz.live.namefilter import blocked, fold, words_of


@pytest.mark.parametrize(("text", "folded"), [
    ("Bad", "bad"), ("b a d", "bad"), ("B.a-d!", "bad"), ("ＢＡＤ", "bad"), ("坏 蛋", "坏蛋"),
    ("张_三·1", "张三1"), ("  ", ""),
])
def test_fold_keeps_letters_and_digits_in_one_case(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("name", ["bad", "BadBoy", "b a d", "I.am.B-A-D", "ｂａｄ", "坏 蛋队"])
def test_a_name_holding_a_listed_word_is_blocked(name):
    assert blocked(name, ["bad", "坏蛋"])


@pytest.mark.parametrize("name", ["Bob", "ba", "张三", "b4d"])
def test_other_names_pass(name):
    assert not blocked(name, ["bad", "坏蛋"])


def test_a_listed_word_with_marks_is_folded_too():
    assert blocked("xbady", ["b-a-d"])


def test_a_word_of_only_marks_blocks_nothing():
    assert not blocked("anything", ["--", " "])


def test_words_of_reads_a_list_or_lines_and_drops_blanks():
    assert words_of(" bad \n\n坏蛋\r\n") == ["bad", "坏蛋"]
    assert words_of(["bad", " ", 3, "x"]) == ["bad", "x"]
    assert words_of(None) == [] and words_of(7) == []
