"""Field validators for commands and setup, and answer parsing/grading.

Every check raises RuleError before anything is changed; nothing here mutates the state.
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, cast

from .errors import RuleError
from .types import Question

MAX_ID = 2**53 - 1
LETTERS = "ABCDEFGH"
QUESTION_TYPES = ("single", "multiple", "true_false", "fill_blank", "open")
CHOICE_TYPES = ("single", "multiple")
AUTO_GRADED = ("single", "multiple", "true_false")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
TRUE_WORDS = {"true", "t", "yes", "y", "1", "对", "正确", "是", "√", "✓"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "错", "错误", "否", "×", "✗"}
MAX_TEXT_ANSWER = 500


def is_int(value: object) -> bool:
    """True for a real int (bool is refused: True is not 1 here)."""
    return type(value) is int


def need_int(obj: dict, key: str, lo: int, hi: int, code: str = "bad_command",
             where: str = "") -> int:
    """obj[key] as an int in [lo, hi]."""
    value = obj.get(key)
    if not is_int(value) or not lo <= value <= hi:
        raise RuleError(code, f"{where}{key} must be an integer from {lo} to {hi}",
                        f"{where}{key} 必须是 {lo} 到 {hi} 之间的整数")
    return value


def need_id(obj: dict, key: str, code: str = "bad_command", where: str = "") -> int:
    """obj[key] as an id (a non-negative int below 2**53)."""
    return need_int(obj, key, 0, MAX_ID, code, where)


def opt_int(obj: dict, key: str, lo: int, hi: int, code: str = "bad_command",
            where: str = "") -> int | None:
    """obj[key] as an int in [lo, hi], or None when absent/None."""
    if obj.get(key) is None:
        return None
    return need_int(obj, key, lo, hi, code, where)


def need_bool(obj: dict, key: str, code: str = "bad_command") -> bool:
    """obj[key] as a real bool."""
    value = obj.get(key)
    if type(value) is not bool:
        raise RuleError(code, f"{key} must be true or false", f"{key} 必须是 true 或 false")
    return value


def need_str(obj: dict, key: str, max_len: int, *, nonempty: bool = False,
             default: str | None = None, code: str = "bad_command", where: str = "") -> str:
    """obj[key] as a str of at most max_len chars (stripped emptiness checked if nonempty)."""
    value = obj.get(key, default)
    if not isinstance(value, str) or len(value) > max_len or (nonempty and not value.strip()):
        need = "a non-empty text" if nonempty else "a text"
        raise RuleError(code, f"{where}{key} must be {need} of at most {max_len} characters",
                        f"{where}{key} 必须是不超过 {max_len} 个字符的文本")
    return value


def normalize_text(text: str) -> str:
    """Compare form of a typed answer: NFKC (full-width → ASCII), case-fold, trim, 1 space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def _bad_answer(msg: str, zh: str) -> RuleError:
    return RuleError("bad_command", msg, zh)


def parse_answer(question: Question, raw: object) -> list[str]:
    """A player's answer in canonical form for the question's type, or RuleError."""
    qtype = question["type"]
    if isinstance(raw, list):
        if len(raw) > len(LETTERS) or not all(isinstance(x, str) for x in raw):
            raise _bad_answer("answer must be a text or a short list of texts", "答案格式错误")
        items = raw
    elif isinstance(raw, str):
        items = [raw]
    else:
        raise _bad_answer("answer must be a text or a list of texts", "答案格式错误")
    if any(len(x) > MAX_TEXT_ANSWER for x in items):
        raise _bad_answer("answer is too long", "答案过长")
    if qtype in CHOICE_TYPES:
        return _parse_letters(question, items)
    if qtype == "true_false":
        if len(items) != 1:
            raise _bad_answer("answer true or false", "请回答对或错")
        word = items[0].strip().casefold()
        if word in TRUE_WORDS:
            return ["true"]
        if word in FALSE_WORDS:
            return ["false"]
        raise _bad_answer("answer true or false", "请回答对或错")
    if len(items) != 1 or not items[0].strip():
        raise _bad_answer("answer must be one non-empty text", "请填写答案")
    return [items[0].strip()]


def _parse_letters(question: Question, items: list[str]) -> list[str]:
    allowed = LETTERS[: len(question["options"])]
    letters: set[str] = set()
    for item in items:
        for ch in unicodedata.normalize("NFKC", item).upper():
            if ch in " ,，、;；":
                continue
            if ch not in allowed:
                raise _bad_answer(f"answer must use the letters {allowed}", f"答案只能是 {allowed}")
            letters.add(ch)
    if not letters:
        raise _bad_answer("choose at least one option", "请至少选择一项")
    if question["type"] == "single" and len(letters) != 1:
        raise _bad_answer("choose exactly one option", "单选题只能选一项")
    return sorted(letters)


def grade(question: Question, answer: list[str]) -> str:
    """'right', 'partial' (non-empty strict subset of a multiple answer) or 'wrong'."""
    right = question["answer"]
    if question["type"] in ("fill_blank", "open"):
        accepted = {normalize_text(a) for a in right}
        return "right" if normalize_text(answer[0]) in accepted else "wrong"
    if set(answer) == set(right):
        return "right"
    if question["type"] == "multiple" and answer and set(answer) < set(right):
        return "partial"
    return "wrong"


def validate_question(raw: object, code: str = "bad_command", where: str = "") -> Question:
    """A QUESTION dict checked and normalized (defaults filled, answers canonical)."""
    if not isinstance(raw, dict):
        raise RuleError(code, f"{where}question must be an object", f"{where}题目格式错误")
    q: dict[str, Any] = {"id": need_id(raw, "id", code, where)}
    bank_id = raw.get("bank_id")
    q["bank_id"] = None if bank_id is None else need_id(raw, "bank_id", code, where)
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise RuleError(code, f"{where}type must be one of {', '.join(QUESTION_TYPES)}",
                        f"{where}题型错误")
    q["type"] = qtype
    q["stem"] = need_str(raw, "stem", 5000, code=code, where=where)
    options = raw.get("options", [])
    if (not isinstance(options, list) or len(options) > len(LETTERS)
            or not all(isinstance(o, str) and len(o) <= 1000 for o in options)):
        raise RuleError(code, f"{where}options must be a list of up to 8 texts",
                        f"{where}选项最多 8 个")
    if qtype in CHOICE_TYPES and len(options) < 2:
        raise RuleError(code, f"{where}a choice question needs at least 2 options",
                        f"{where}选择题至少需要 2 个选项")
    q["options"] = list(options)
    q["answer"] = _question_answer(q, raw.get("answer"), code, where)
    q["points"] = opt_int(raw, "points", 0, 10000, code, where)
    q["explanation"] = need_str(raw, "explanation", 5000, default="", code=code, where=where)
    q["time_limit"] = opt_int(raw, "time_limit", 1, 3600, code, where)
    q["level"] = opt_int(raw, "level", 0, 10000, code, where)
    q["category"] = need_str(raw, "category", 200, default="", code=code, where=where)
    media = raw.get("media", [])
    if not isinstance(media, list) or not _json_safe(media):
        raise RuleError(code, f"{where}media must be a JSON list", f"{where}媒体格式错误")
    q["media"] = json.loads(json.dumps(media))
    return cast(Question, q)


def _question_answer(q: dict[str, Any], answer: object, code: str, where: str) -> list[str]:
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
        raise RuleError(code, f"{where}answer must be a list of texts", f"{where}答案格式错误")
    if q["type"] == "open":
        return [a for a in answer if len(a) <= 5000]
    if not answer:
        raise RuleError(code, f"{where}answer is missing", f"{where}缺少答案")
    if q["type"] == "fill_blank":
        texts = [a.strip() for a in answer]
        if not all(texts) or any(len(t) > MAX_TEXT_ANSWER for t in texts):
            raise RuleError(code, f"{where}answer texts must be non-empty and short",
                            f"{where}答案不能为空")
        return texts
    try:
        return parse_answer(cast(Question, q), answer)
    except RuleError as err:
        raise RuleError(code, f"{where}answer: {err.message}", f"{where}答案：{err.message_zh}")\
            from None


def _json_safe(value: object, depth: int = 0) -> bool:
    if depth > 5:
        return False
    if value is None or isinstance(value, (str, bool)) or is_int(value):
        return True
    if isinstance(value, list):
        return all(_json_safe(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v, depth + 1) for k, v in value.items())
    return False
