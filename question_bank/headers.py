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
from dataclasses import dataclass, field

from . import answers as a
from . import map_messages  # noqa: F401  (registers the map's messages)
from .sheets import col_index as _col_index
from .sheets import col_letter as _col_letter

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
    # media: file names in a zip of sheet + media (question_bank/media_collect.py)
    "image": (
        "图片",
        "图片文件",
        "配图",
        "图片名",
        "图片名称",
        "图像",
        "image",
        "images",
        "picture",
        "pic",
        "img",
        "photo",
    ),
    "audio": ("音频", "音频文件", "音乐", "声音", "录音", "audio", "sound", "music"),
    "video": ("视频", "视频文件", "video"),
    "media": (
        "媒体",
        "媒体文件",
        "素材",
        "附件",
        "图片/音频",
        "图片音频",
        "media",
        "mediafile",
        "attachment",
    ),
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


# words people add to a header: '选项A（必填）' is handled by the brackets, 'D项目' / '题目内容列'
# by these (tried only when the exact name is unknown)
_EXTRA_WORDS = re.compile(r"(项目|内容|文本|栏|列|text|column|field)$|^(请输入|请填写|填写|输入)")


@functools.lru_cache(maxsize=4096)
def _header_key(cell: str) -> str | None:
    text = unicodedata.normalize("NFKC", cell).strip()
    text = re.split(r"\s[-–—]\s|\n", text, maxsplit=1)[0]
    text = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", text)
    text = re.sub(r"[\s_\-*:：·.]", "", text).casefold()
    found = ALIASES.get(text)
    if found is None and text:
        found = _loose_key(text)
    return found


def _loose_key(text: str) -> str | None:
    """A header with extra words ('D项目', '请填写题目') or one typo ('题千', 'quesiton'): the
    field of the one alias it can be, else None. Bare letters and short words never match
    loosely (data rows are full of them)."""
    shorter = _EXTRA_WORDS.sub("", text)
    if shorter != text and shorter:
        found = ALIASES.get(shorter)
        if found is not None:
            return found
    if len(text) < (3 if text.isascii() else 2) or len(text) > 24:
        return None
    hits = {
        field
        for alias, field in ALIASES.items()
        if len(alias) >= (5 if alias.isascii() else 2)
        and abs(len(alias) - len(text)) <= 1
        and _one_edit(alias, text)
    }
    return hits.pop() if len(hits) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one substitution, insertion, deletion or swap of two
    neighbouring characters (and are not equal)."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) != 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i:] == b[i + 1 :]


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
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a number cell shown as typed: 1, not 1.0
    return v.strip() if isinstance(v, str) else ("" if v is None else str(v))


def _stats(sample: list[list], col: int) -> tuple[list[str], float]:
    texts = [_text(c[col]) for c in sample if col < len(c) and _text(c[col])]
    mean = sum(map(len, texts)) / len(texts) if texts else 0.0
    return texts, mean


def _share(texts: list[str], test) -> float:
    return sum(1 for t in texts if test(t)) / len(texts) if texts else 0.0


def _is_answer(text: str) -> bool:
    """A cell of an answer column: option letters, or a true/false mark (判断题 rows)."""
    return bool(_ANSWER_LETTERS.match(text)) or a.looks_true_false(text)


def infer_columns(rows: list[tuple[int, list]]) -> Columns | str:
    """Columns of a headerless sheet from what its cells hold, or the reason code why not.

    - a column of 单选/多选/判断… (most filled cells a type word) is the type;
    - a column of option letters (or true/false marks), filled in at least half the rows, is
      the answer: the rightmost such column, also when it comes before the options;
    - a leading column of numbers is an index; the question is the longest text among the
      first columns left, the short texts right of it (up to the answer) are the options, a
      filled column after the answer the explanation;
    - without an answer column: question and answer only, when most first-column cells read as
      questions (or the answers are list literals).
    """
    sample = [cells for _, cells in rows[:SHAPE_SAMPLE_ROWS]]
    if not sample:
        return "why_too_few_rows"
    width = max(len(c) for c in sample)
    stats = [_stats(sample, col) for col in range(width)]
    used = [col for col in range(width) if stats[col][0]]
    if not used:
        return "why_too_few_rows"
    type_col = next(
        (
            col
            for col in used
            if len(stats[col][0]) * 2 >= len(sample)
            and _share(stats[col][0], lambda t: len(t) <= 12 and a.parse_type(t)) >= 0.8
        ),
        None,
    )
    rest = [col for col in used if col != type_col]
    if (
        rest
        and all(
            isinstance(c[rest[0]], (int, float))
            for c in sample
            if rest[0] < len(c) and _text(c[rest[0]])
        )
        and len(rest) > 2
    ):
        rest = rest[1:]  # a leading number column is an index
    answer_col = None
    for col in reversed(rest):
        texts = stats[col][0]
        if len(texts) * 2 >= len(sample) and _share(texts, _is_answer) >= 0.8:
            if _share(texts, _ANSWER_LETTERS.match) >= 0.3 or type_col is not None:
                answer_col = col
                break
    if answer_col is not None:
        left = [col for col in rest if col != answer_col]
        if not left:
            return "why_not_questions"
        before = [col for col in left if col < answer_col] or left
        stem = max(before[:3], key=lambda col: stats[col][1])
        options = [col for col in left if col > stem and (col < answer_col or stem > answer_col)]
        fields = {"stem": stem, "answer": answer_col}
        if type_col is not None:
            fields["type"] = type_col
        if answer_col > stem and options and options[-1] > answer_col:
            options = [col for col in options if col < answer_col]
        after = [col for col in left if col > answer_col and col not in options and col > stem]
        if after:
            fields["explanation"] = after[0]
        if len(options) >= 2 or type_col is not None:
            return Columns(fields, options[: a.MAX_OPTIONS])
    stem = rest[0] if rest else used[0]
    others = [col for col in rest if col not in (stem, stem + 1)]
    if stem + 1 < width and stats[stem + 1][0] and not others:
        stems = stats[stem][0]
        answers = stats[stem + 1][0]
        listed = sum(1 for t in answers if a.literal_list(t) is not None)
        asked = sum(1 for t in stems if a.question_like(t))
        if asked >= 0.6 * len(stems) or (answers and listed >= 0.8 * len(answers)):
            fields = {"stem": stem, "answer": stem + 1}
            if type_col is not None:
                fields["type"] = type_col
            return Columns(fields, [])
        return "why_not_questions"
    return "why_no_answer_col"


# --------------------------------------------------------------------------- the column map

# what a column can be read as, in the order the column map offers them
ROLES = (
    "stem",
    *(f"opt{i}" for i in range(a.MAX_OPTIONS)),
    "answer",
    "type",
    "points",
    "explanation",
    "category",
    "difficulty",
    "time_limit",
    "ignore",
)
_ROLE_WORDS = {
    "ignore": "ignore",
    "ignored": "ignore",
    "-": "ignore",
    "忽略": "ignore",
    "skip": "ignore",
    "time": "time_limit",
    "hint": "explanation",
}
_ROLE_WORDS.update({r: r for r in ROLES})
_ROLE_WORDS.update({L.casefold(): f"opt{i}" for i, L in enumerate(a.LETTERS)})
MAP_FIELD = re.compile(r"^\s*([A-Za-z]{1,3})\s*[=:：]\s*(.+?)\s*$")


class MapError(ValueError):
    """A column map that cannot be read; ``code`` and ``params`` name what is wrong."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)


@dataclass
class ColumnMap:
    """The organizer's reading of a sheet: absolute column index (A = 0) -> role (``ROLES``),
    and the first row of data (Excel's row number; None: after the header row if one is
    found, else from the top). Text form: ``A=stem,B=A,C=B,D=answer,from=2``."""

    roles: dict[int, str]
    first_row: int | None = None

    @classmethod
    def parse(cls, text: str) -> ColumnMap:
        """Read the text form. Roles: stem, A…H (options), answer, type, points, explanation,
        category, difficulty, time, ignore, or any header name the importer knows (题目, 选项A,
        答案…). Raises MapError."""
        roles: dict[int, str] = {}
        first = None
        for part in re.split(r"[,，;；\s]+", text.strip()):
            if not part:
                continue
            low = part.casefold()
            if low.startswith(("from=", "from:", "row=")):
                digits = low.split("=" if "=" in low else ":", 1)[1]
                if not digits.isdigit() or int(digits) < 1:
                    raise MapError("map_bad_row", value=part)
                first = int(digits)
                continue
            match = MAP_FIELD.match(part)
            if not match:
                raise MapError("map_bad_part", value=part)
            letters, word = match.group(1).upper(), match.group(2)
            role = _ROLE_WORDS.get(word.casefold()) or header_key(word)
            if role not in ROLES:
                raise MapError("map_bad_role", value=word, column=letters)
            col = _col_index(letters)
            if col in roles:
                raise MapError("map_twice", column=letters)
            roles[col] = role
        return cls(roles, first).checked()

    def checked(self) -> ColumnMap:
        """This map, when it names a question column and no role twice; else MapError."""
        seen: dict[str, int] = {}
        for col, role in sorted(self.roles.items()):
            if role != "ignore" and role in seen:
                raise MapError(
                    "map_role_twice",
                    role=role,
                    columns=f"{_col_letter(seen[role])}, {_col_letter(col)}",
                )
            seen[role] = col
        if "stem" not in seen:
            raise MapError("map_no_stem")
        return self

    def text(self) -> str:
        """The text form (what --columns takes and --json reports)."""
        parts = [f"{_col_letter(c)}={role_word(r)}" for c, r in sorted(self.roles.items())]
        if self.first_row:
            parts.append(f"from={self.first_row}")
        return ",".join(parts)

    def columns(self, col_offset: int = 0) -> Columns:
        """The map as the row reader's Columns (indexes relative to the sheet's first column)."""
        fields: dict[str, int] = {}
        options: list[tuple[int, int]] = []
        for col, role in self.roles.items():
            rel = col - col_offset
            if rel < 0 or role == "ignore":
                continue
            if role.startswith("opt"):
                options.append((int(role[3:]), rel))
            else:
                fields[role] = rel
        return Columns(fields, [rel for _, rel in sorted(options)])

    def to_dict(self) -> dict:
        return {
            "map": self.text(),
            "first_row": self.first_row,
            "roles": {_col_letter(c): r for c, r in sorted(self.roles.items())},
        }

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMap:
        return cls.parse(data.get("map", ""))


def role_word(role: str) -> str:
    """The role as written in a map: options as their letter."""
    return a.LETTERS[int(role[3:])] if role.startswith("opt") else role


def map_of(cols: Columns, col_offset: int = 0) -> ColumnMap:
    """What the reader chose, as a column map (absolute columns)."""
    roles = {col + col_offset: field for field, col in cols.fields.items() if field in ROLES}
    roles.update({col + col_offset: f"opt{i}" for i, col in enumerate(cols.options)})
    return ColumnMap(roles)


def header_signature(cells: list) -> str:
    """The key a remembered map is stored under: the header's texts, cleaned, '|'-joined."""
    texts = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(c))).casefold() for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return "|".join(texts)[:500]


SAMPLE_VALUES = 5


@dataclass
class Layout:
    """How one sheet was read: ``how`` is 'header', 'inferred', 'map' (given), 'remembered'
    or 'none' (skipped, ``reason`` says why); the map used; the header row and its
    signature; the first values of each column, for the column map."""

    file: str
    sheet: str
    how: str
    map: ColumnMap | None
    header_row: int | None = None
    signature: str = ""
    samples: dict = field(default_factory=dict)  # column letter -> [first values]
    headers: dict = field(default_factory=dict)  # column letter -> header text
    reason: str = ""
    width: int = 0

    @property
    def unsure(self) -> bool:
        """The reader guessed (no header) or found nothing: the preview opens the map."""
        return self.how in ("inferred", "none")

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "how": self.how,
            "columns": self.map.text() if self.map else "",
            "roles": self.map.to_dict()["roles"] if self.map else {},
            "header_row": self.header_row,
            "first_row": self.map.first_row if self.map else None,
        }


class MapChooser:
    """Which map (if any) a sheet is read with: one given for the sheet (by name, or '*' for
    every sheet), else one remembered for its header (``remembered(signature)``)."""

    def __init__(self, given: dict | None = None, remembered=None):
        self.given = given or {}
        self._lookup = remembered
        self._seen: dict[str, ColumnMap | None] = {}

    def remembered(self, signature: str) -> ColumnMap | None:
        """The remembered map for a header signature (looked up once per signature)."""
        if signature not in self._seen:
            self._seen[signature] = self._lookup(signature) if self._lookup else None
        return self._seen[signature]

    def pick(self, sheet: str, head: list[tuple[int, list]]) -> tuple[ColumnMap | None, str]:
        found = self.given.get(sheet) or self.given.get("*")
        if found is not None:
            return found, "map"
        if self._lookup is not None:
            for _, cells in head[:HEADER_SEARCH_ROWS]:
                if any(_text(c) for c in cells):
                    hit = self.remembered(header_signature(cells))
                    if hit is not None:
                        return hit, "remembered"
                    if match_header(cells):
                        break
        return None, ""


def _unknown_header(head: list[tuple[int, list]], cols: Columns) -> int | None:
    """Index of a header row the aliases do not know, under a given map: the first filled row,
    when its answer cell does not read as an answer while most rows under it do."""
    col = cols.fields.get("answer")
    filled = [i for i, (_, cells) in enumerate(head) if any(_text(c) for c in cells)]
    if col is None or len(filled) < 2:
        return None
    first = head[filled[0]][1]
    below = [_text(head[i][1][col]) for i in filled[1:] if col < len(head[i][1])]
    below = [t for t in below if t]
    cell = _text(first[col]) if col < len(first) else ""
    if cell and not _is_answer(cell) and below and _share(below, _is_answer) >= 0.8:
        return filled[0]
    return None


def locate(
    file: str, sheet: str, head: list[tuple[int, list]], col_offset: int = 0, chooser=None
) -> tuple[Layout, Columns | None, int]:
    """(layout, columns, index in ``head`` of the first data row) for one sheet: a given or
    remembered map wins, then a header row in the first 30 rows, then the shape of the data."""
    given, how = chooser.pick(sheet, head) if chooser is not None else (None, "")
    header_at = None
    for i, (_, cells) in enumerate(head[:HEADER_SEARCH_ROWS]):
        found = match_header(cells)
        if found:
            header_at, cols = i, found
            break
        if given is not None and how == "remembered" and any(_text(c) for c in cells):
            if chooser.remembered(header_signature(cells)) is given:
                header_at, cols = i, None
                break
    start = header_at + 1 if header_at is not None else 0
    reason = ""
    if given is not None:
        cols = given.columns(col_offset)
        if header_at is None and not given.first_row:
            header_at = _unknown_header(head, cols)
            start = header_at + 1 if header_at is not None else 0
        if given.first_row:  # the header found above the first data row, else the last
            start = next((i for i, (n, _) in enumerate(head) if n >= given.first_row), len(head))
            if header_at is None or header_at >= start:  # filled row above it
                above = [i for i in range(start) if any(_text(c) for c in head[i][1])]
                header_at = above[-1] if above else None
        used = given
    elif header_at is not None:
        how, used = "header", map_of(cols, col_offset)
    else:
        inferred = infer_columns(head)
        if isinstance(inferred, str):
            how, cols, used, reason = "none", None, None, inferred
        else:
            how, cols, used = "inferred", inferred, map_of(inferred, col_offset)
    layout = Layout(file, sheet, how, used, reason=reason)
    if header_at is not None:
        number, cells = head[header_at]
        layout.header_row, layout.signature = number, header_signature(cells)
        layout.headers = {
            _col_letter(c + col_offset): _text(v) for c, v in enumerate(cells) if _text(v)
        }
    data = head[start:]
    layout.width = max((len(c) for _, c in head), default=0) + col_offset
    for c in range(col_offset, layout.width):
        values = [_text(cells[c - col_offset]) for _, cells in data if c - col_offset < len(cells)]
        values = [v for v in values if v][:SAMPLE_VALUES]
        if values or _col_letter(c) in layout.headers:
            layout.samples[_col_letter(c)] = values
    return layout, cols, start
