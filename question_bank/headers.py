"""Finding a sheet's columns: the header row (Chinese/English aliases) or, without one, the
shape of the data. Pure.

- The header is looked for in the first 30 rows: a row where at least two different known
  columns make up at least 40% of the filled cells, one of them a question, answer or type column.
- Without a header, a sheet is read when its shape is unambiguous: question text, then 2-8
  option columns, then a column of answer letters; or question text and an answer column, when
  most of the first column reads as questions (or the answers are list literals).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from . import answers as a

_ALIAS_WORDS: dict[str, tuple[str, ...]] = {
    "type": (
        "题型",
        "类型",
        "题目类型",
        "试题类型",
        "题型名称",
        "题类",
        "type",
        "questiontype",
        "qtype",
        "kind",
    ),
    "stem": (
        "题目",
        "题干",
        "试题",
        "问题",
        "题目内容",
        "问题内容",
        "试题内容",
        "题干内容",
        "题目名称",
        "试题题目",
        "题目描述",
        "内容",
        "question",
        "questions",
        "stem",
        "title",
        "questiontext",
        "content",
        "prompt",
    ),
    "answer": (
        "答案",
        "正确答案",
        "正确选项",
        "标准答案",
        "参考答案",
        "答案选项",
        "answer",
        "answers",
        "correctanswer",
        "correctanswers",
        "correct",
        "key",
        "rightanswer",
        "solution",
    ),
    "points": ("分值", "分数", "题目分值", "每题分值", "score", "points", "point", "marks", "mark"),
    "difficulty": ("难度", "难易度", "难易程度", "难度等级", "难度系数", "difficulty", "level"),
    "category": (
        "分类",
        "类别",
        "题目分类",
        "知识点",
        "一级分类",
        "章节",
        "科目",
        "专题",
        "category",
        "category1",
        "subject",
        "topic",
        "tag",
        "tags",
    ),
    "explanation": (
        "解析",
        "答案解析",
        "试题解析",
        "题目解析",
        "解释",
        "答案说明",
        "analysis",
        "explanation",
        "explain",
        "rationale",
    ),
    "hint": ("提示", "hint", "hints", "备注", "note", "remark"),
    "time_limit": (
        "时限",
        "时间限制",
        "答题时间",
        "答题时限",
        "限时",
        "作答时间",
        "时间",
        "timelimit",
        "time",
        "seconds",
        "duration",
    ),
    "index": ("序号", "编号", "题号", "no", "id", "#", "number", "num"),
    # media: file names in a zip of sheet + media (question_bank/media.py)
    "image": ("图片", "图片文件", "配图", "图片名", "图片名称", "图像", "image", "images",
              "picture", "pic", "img", "photo"),
    "audio": ("音频", "音频文件", "音乐", "声音", "录音", "audio", "sound", "music"),
    "video": ("视频", "视频文件", "video"),
    "media": ("媒体", "媒体文件", "素材", "附件", "图片/音频", "图片音频", "media", "mediafile",
              "attachment"),
}
MEDIA_FIELDS = ("image", "audio", "video", "media")
ALIASES: dict[str, str] = {w: f for f, words in _ALIAS_WORDS.items() for w in words}
for _i, _L in enumerate(a.LETTERS):
    for _w in (
        f"选项{_L}",
        f"{_L}选项",
        _L,
        f"option{_L}",
        f"选项{_L}内容",
        f"choice{_L}",
        f"opt{_L}",
        f"选项{_i + 1}",
        f"option{_i + 1}",
        f"answer{_i + 1}",
        f"choice{_i + 1}",
        f"opt{_i + 1}",
        f"{_L}项",
    ):
        ALIASES[_w.casefold()] = f"opt{_i}"
_STRONG = {"stem", "answer", "type"}
HEADER_SEARCH_ROWS = 30
SHAPE_SAMPLE_ROWS = 60


@functools.lru_cache(maxsize=4096)
def _header_key(cell: str) -> str | None:
    text = unicodedata.normalize("NFKC", cell).strip()
    text = re.split(r"\s[-–—]\s|\n", text, maxsplit=1)[0]
    text = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", text)
    text = re.sub(r"[\s_\-*:：·.]", "", text).casefold()
    return ALIASES.get(text)


def header_key(cell: object) -> str | None:
    """The field a header cell names ('正确答案' -> 'answer', 'Answer 2 - max 75' -> 'opt1')."""
    if not isinstance(cell, str) or not cell or len(cell) > 80:
        return None
    return _header_key(cell)


@dataclass
class Columns:
    """Which column holds which field, for one block of rows."""

    fields: dict[str, int]
    options: list[int]  # column of option A, B, ... (in order)
    quick: tuple = ()  # columns where a repeated header would show (stem, answer, type)
    media: tuple = ()  # columns naming media files (图片, 音频, 视频, media)

    def __post_init__(self) -> None:
        self.quick = tuple(self.fields[k] for k in ("stem", "answer", "type") if k in self.fields)
        self.media = tuple(self.fields[k] for k in MEDIA_FIELDS if k in self.fields)


def match_header(cells: list) -> Columns | None:
    """Columns if this row is a header row, else None.

    It needs a question, answer or type column among at least two known ones, making up 40% of
    the filled cells; bare letters count as options only in a run A, B, C… (data rows are full of
    single letters).
    """
    found: dict[str, int] = {}
    filled = 0
    bare: list[tuple[int, str]] = []
    for col, cell in enumerate(cells):
        if cell == "" or cell is None:
            continue
        filled += 1
        key = header_key(cell)
        if not key or key in found:
            continue
        if key.startswith("opt") and len(cell.strip()) == 1:
            bare.append((col, key))
            continue
        found[key] = col
    run = [(c, k) for i, (c, k) in enumerate(bare) if k == f"opt{i}"]
    if len(run) >= 2 and len(run) == len(bare):
        found.update({k: c for c, k in run})
    if len(found) < 2 or not (_STRONG & found.keys()) or len(found) * 5 < filled * 2:
        return None
    options = [found[f"opt{i}"] for i in range(a.MAX_OPTIONS) if f"opt{i}" in found]
    fields = {k: v for k, v in found.items() if not k.startswith("opt")}
    return Columns(fields, options)


# --------------------------------------------------------------------------- shape inference

_ANSWER_LETTERS = re.compile(r"^[A-Ha-hＡ-Ｈａ-ｈ]([\s,，、|/;；]*[A-Ha-hＡ-Ｈａ-ｈ])*$")


def _text(v: object) -> str:
    return v.strip() if isinstance(v, str) else ("" if v is None else str(v))


def infer_columns(rows: list[tuple[int, list]]) -> Columns | str:
    """Columns of a headerless sheet, or the reason code why its shape is ambiguous."""
    sample = [cells for _, cells in rows[:SHAPE_SAMPLE_ROWS]]
    if not sample:
        return "why_too_few_rows"
    width = max(len(c) for c in sample)
    filled = [sum(1 for c in sample if col < len(c) and _text(c[col])) for col in range(width)]
    used = [col for col in range(width) if filled[col]]
    if not used:
        return "why_too_few_rows"
    stem = used[0]
    if (
        all(isinstance(c[stem], (int, float)) for c in sample if stem < len(c) and _text(c[stem]))
        and len(used) > 2
    ):
        stem = used[1]  # a leading number column is an index
    for col in range(width - 1, stem + 2, -1):  # rightmost column of answer letters
        texts = [_text(c[col]) for c in sample if col < len(c) and _text(c[col])]
        if (
            texts
            and len(texts) * 2 >= len(sample)
            and sum(1 for t in texts if _ANSWER_LETTERS.match(t)) >= 0.8 * len(texts)
        ):
            options = list(range(stem + 1, col))[: a.MAX_OPTIONS]
            fields = {"stem": stem, "answer": col}
            if col + 1 < width and filled[col + 1]:
                fields["explanation"] = col + 1
            return Columns(fields, options)
    others = [col for col in used if col not in (stem, stem + 1)]
    if stem + 1 < width and filled[stem + 1] and not others:
        stems = [_text(c[stem]) for c in sample if _text(c[stem])]
        answers = [_text(c[stem + 1]) for c in sample if stem + 1 < len(c) and _text(c[stem + 1])]
        listed = sum(1 for t in answers if a.literal_list(t) is not None)
        asked = sum(1 for t in stems if a.question_like(t))
        if asked >= 0.6 * len(stems) or (answers and listed >= 0.8 * len(answers)):
            return Columns({"stem": stem, "answer": stem + 1}, [])
        return "why_not_questions"
    return "why_no_answer_col"
