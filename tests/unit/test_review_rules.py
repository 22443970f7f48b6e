"""The review's pure rules and the engine's arrange_round (no Flask, no database)."""
import pytest

from quiz.engine import RuleError, apply, new_state
from quiz.engine import review_rules as rules

HOST = {"role": "host", "name": "organizer"}


def q(i, **extra):
    return dict({"id": i, "type": "single", "stem": f"题 {i}", "options": ["a", "b"],
                 "answer": ["A"], "bank_id": 100 + i}, **extra)


def state():
    return new_state({"name": "赛", "teams": [{"id": 1, "name": "红", "seat": 1},
                                              {"id": 2, "name": "蓝", "seat": 2}],
                      "rounds": [{"id": 1, "kind": "buzz", "questions": [q(1), q(2), q(3)]},
                                 {"id": 2, "kind": "buzz", "questions": [q(4)]}]})


def arrange(s, questions, round_id=1):
    return apply(s, {"type": "arrange_round", "round": round_id, "questions": questions,
                     "actor": HOST}, 1000)


def test_move_swaps_neighbours_and_stops_at_the_ends():
    assert rules.move([1, 2, 3], 2, -1) == [2, 1, 3]
    assert rules.move([1, 2, 3], 2, 1) == [1, 3, 2]
    assert rules.move([1, 2, 3], 1, -1) == [1, 2, 3]
    assert rules.move([1, 2, 3], 3, 1) == [1, 2, 3]
    with pytest.raises(KeyError):
        rules.move([1, 2], 9, 1)


def test_toggle_adds_then_removes():
    assert rules.toggle([1], 2) == [1, 2]
    assert rules.toggle([1, 2], 1) == [2]


def test_redraw_slots_skip_pinned_and_file_questions():
    assert rules.redraw_slots([1, 2, 3, 4], pinned_ids=[2], from_bank={1, 2, 4}) == [0, 3]


def test_a_question_fits_a_draw_by_bank_type_category_and_difficulty():
    bank_ids = {"演示题库": 1, "别的": 2}.get
    draw = {"bank": "演示题库", "type": "single", "category": "党史", "difficulty": None}
    fits = {"bank": 1, "type": "single", "category": "党史", "difficulty": "hard"}
    assert rules.matches(fits, draw, bank_ids)
    assert not rules.matches(dict(fits, bank=2), draw, bank_ids)
    assert not rules.matches(dict(fits, type="multiple"), draw, bank_ids)
    assert not rules.matches(dict(fits, category="科技"), draw, bank_ids)
    assert rules.matches(dict(fits, bank=2), {"bank": None, "type": "single"}, bank_ids)


def test_draw_of_respects_the_level_of_a_wager_draw():
    draws = [{"bank": None, "type": None, "level": 10}, {"bank": None, "type": None, "level": 20}]
    assert rules.draw_of({"level": 20}, draws, lambda b: None) is draws[1]
    assert rules.draw_of({"level": 30}, draws, lambda b: None) is None


def test_round_draws_read_the_contest_file_with_its_default_bank():
    spec = {"bank": "演示题库", "rounds": [{"questions": []},
                                       {"draw": {"type": "single", "count": 3}},
                                       {"draw": [{"bank": "别的", "level": 10}]}]}
    assert rules.round_draws(spec, 0) == []
    assert rules.round_draws(spec, 1)[0]["bank"] == "演示题库"
    assert rules.round_draws(spec, 2)[0] == {"type": None, "category": None,
                                             "difficulty": None, "bank": "别的", "level": 10}
    assert rules.round_draws(spec, 7) == []


def test_review_part_is_a_copy_and_with_review_a_new_setup():
    setup = {"name": "x", "review": {"pinned": {"1": [2]}}}
    part = rules.review_part(setup)
    part["pinned"]["1"].append(3)
    assert setup["review"]["pinned"]["1"] == [2] and part["spares"] == {}
    out = rules.with_review(setup, part)
    assert out is not setup and out["review"]["pinned"]["1"] == [2, 3]


def test_first_spare_skips_those_already_in_the_contest():
    assert rules.first_spare([7, 8, 9], {7}) == 8
    assert rules.first_spare([7], {7}) is None
    assert rules.next_question_id({"3": {}, "12": {}}) == 13


def test_arrange_round_sets_the_order_and_replaces_questions():
    s = state()
    events = arrange(s, [q(3), q(9), q(1)])
    assert events[0]["type"] == "round_arranged"
    assert s["rounds"][0]["question_ids"] == [3, 9, 1]
    assert "2" not in s["questions"] and s["questions"]["9"]["stem"] == "题 9"
    assert s["rounds"][1]["question_ids"] == [4]


def test_arrange_round_refuses_ids_of_other_rounds_and_duplicates():
    s = state()
    with pytest.raises(RuleError):
        arrange(s, [q(1), q(4)])
    with pytest.raises(RuleError):
        arrange(s, [q(1), q(1)])
    with pytest.raises(RuleError):
        arrange(s, [])
    with pytest.raises(RuleError):
        arrange(s, [q(1)], round_id=9)
    assert s["rounds"][0]["question_ids"] == [1, 2, 3]


def test_arrange_round_is_refused_once_the_contest_has_started():
    s = state()
    apply(s, {"type": "next", "actor": HOST}, 1000)
    with pytest.raises(RuleError) as err:
        arrange(s, [q(3), q(2), q(1)])
    assert err.value.code == "contest_started" and "比赛已经开始" in err.value.message_zh
