"""Cell-level normalizing: white space, full-width characters, types, answers, numbers.

Pure. Each function takes text and returns a normalized value or a problem code (a ``str`` from
``messages.MESSAGES``) — never raises for bad input, because a bad cell is a row-level problem.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import re
import unicodedata

TYPES = ("single", "multiple", "true_false", "fill_blank", "open")
LETTERS = "ABCDEFGH"
MAX_OPTIONS = 8

# One translate() call per cell: every kind of white space -> ' ', zero-width -> gone,
# full-width letters and digits -> ASCII (Chinese punctuation is kept as the author wrote it).
_TABLE: dict[int, int | None] = {
    c: 0x20 for c in (0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0x0B, 0x0C, *range(0x2000, 0x200B))
}
_TABLE.update({c: None for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)})
_TABLE.update(
    {
        c: c - 0xFEE0
        for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
    }
)
_TABLE[ord("\r")] = None


_NEEDS_TABLE = re.compile("[" + re.escape("".join(chr(c) for c in _TABLE if c != 0x20)) + "]")


def clean(text: str) -> str:
    """Trim every kind of white space, make full-width letters/digits ASCII, drop CR."""
    # translate() looks every character up in a dict; a regex scan first is ~10x cheaper
    if _NEEDS_TABLE.search(text):
        text = text.translate(_TABLE)
    return text.strip()


def squash(text: str) -> str:
    """The comparison key of a text: NFKC, case-folded, without any white space."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


# the full-width punctuation of Chinese text, with its NFKC form
_COMMON_WIDE = tuple((ch, chr(ord(ch) - 0xFEE0)) for ch in "（）：，？！；") + (("\u3000", " "),)


def fingerprint(stem: str, options: list[str] | tuple[str, ...], points: int | None) -> str:
    """Identity of a question: its normalized stem, options and point value.

    Points are part of it because a risk round draws by value: the same stem at 10 and at 20
    points is two cards (real banks do this, one sheet per value). By definition, the BLAKE2b
    (16 bytes) of ``"".join(NFKC(stem + "\\0" + options… + "\\0" + points).casefold().split())``
    in UTF-8; ``fingerprints()`` computes the same for many questions at once.
    """
    return _hash(_key(fingerprint_text(stem, options, points)))


def fingerprint_text(stem: str, options: list[str] | tuple[str, ...], points: int | None) -> str:
    """What a fingerprint is taken of, before normalizing: the texts joined with U+0000."""
    return "\x00".join([stem, *options, str(points or "")])


def _hash(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def _nfkc(text: str) -> str:
    """NFKC, without ``unicodedata.normalize`` in the common case."""
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is far cheaper
        # Chinese stems fail the quick check mostly for full-width punctuation （ ）：; swapping
        # those for their NFKC forms (exactly their compatibility decompositions) is ~4x cheaper
        # than normalize() and gives the same result, which normalize() then only confirms
        for wide, narrow in _COMMON_WIDE:
            if wide in text:
                text = text.replace(wide, narrow)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text


def _key(joined: str) -> str:
    return "".join(_nfkc(joined).casefold().split())


_ROW = "\x01"  # between the texts of two questions in fingerprints()


def fingerprints(texts: list[str]) -> list[str]:
    """``fingerprint()`` of many questions, from their ``fingerprint_text()``s, in one go.

    The texts are joined with U+0001 and normalized, case-folded and stripped of white space
    as one string, then split again: one C call per step instead of one per question (the
    calls, not the characters, are the cost for texts this short). It gives the same keys
    because U+0000 and U+0001 are starters that decompose to nothing else, compose with
    nothing and block composition and reordering across them (so NFKC of the joined string is
    the joined NFKCs, even when a text starts with a combining mark), ``casefold()`` maps each
    character on its own, and neither is white space. A text holding U+0001 itself is hashed
    on its own.
    """
    if not texts:
        return []
    joined = _ROW.join(texts)
    if joined.count(_ROW) != len(texts) - 1:
        return [_hash(_key(t)) for t in texts]
    keys = "".join(_nfkc(joined).casefold().split()).encode("utf-8").split(b"\x01")
    blake2b = hashlib.blake2b
    return [blake2b(k, digest_size=16).hexdigest() for k in keys]


# --------------------------------------------------------------------------- question text

# '12、' '12.' '12．' '12,' '12)' '(12)' '第12题' '第十二题', however typed ('1.、', '1 、',
# '第 1 题：'); never '1.5', '3:2', '1,000'
_NUMBERING = re.compile(
    r"^(?:\d{1,4}\s*(?:[、．)）]|[.,，:：](?!\d))(?:\s*[、．.,，:：)）](?!\d))*"
    r"|[（(]\d{1,4}[)）]|第\s*(?:\d{1,4}|[一二三四五六七八九十百]{1,6})\s*题(?:\s*[、.．:：,，])?)\s*"
)
_ATTRIBUTION = re.compile(r"\s*【(出题|来源|出处)[:：]([^】]*)】\s*$")
_BLANK = re.compile(r"[（(]\s*[)）]|_{2,}|＿{2,}|﹍{2,}")
_QUESTION_LIKE = re.compile(r"[?？]|[（(]\s*[)）]|_{2,}|＿|[:：]\s*$|是\s*$|为\s*$")


def split_stem(stem: str) -> tuple[str, str]:
    """(stem without its '12、' numbering and '【出题：…】' note, the note)."""
    first = stem[:1]
    if first.isdecimal() or first in "（(第":  # \d is a decimal digit; the regex is the slow part
        numbering = _NUMBERING.match(stem)  # anchored: match(), not a sub() that scans the stem
        if numbering:
            stem = stem[numbering.end() :]
    note = ""
    match = _ATTRIBUTION.search(stem) if "【" in stem else None
    if match:
        note = f"{match.group(1)}：{match.group(2).strip()}"
        stem = stem[: match.start()]
    return stem.strip(), note


# the numbering at the start of any of the stems joined after one U+0000 each (split_stems)
_NUMBERING_AFTER_SEP = re.compile("\x00" + _NUMBERING.pattern.removeprefix("^"))


def split_stems(stems: list[str]) -> tuple[list[str], list[str] | None]:
    """``split_stem()`` of many stems at once: (stems, their notes, or None when none has one).

    The numbering is removed from all of them by one ``sub()`` over the stems joined with
    U+0000 (each after one, so the pattern is anchored there; nothing in it matches U+0000, so
    it stays within one stem); only stems holding '【' are looked at one by one for a note.
    """
    joined = "\x00" + "\x00".join(stems)
    if joined.count("\x00") != len(stems):  # a stem holding U+0000 itself
        pairs = [split_stem(s) for s in stems]
        notes = [note for _, note in pairs]
        return [stem for stem, _ in pairs], notes if any(notes) else None
    if _NUMBERING_AFTER_SEP.search(joined):
        joined = _NUMBERING_AFTER_SEP.sub("\x00", joined)
    out = joined[1:].split("\x00")
    if "【" not in joined:
        return list(map(str.strip, out)), None
    notes = [""] * len(out)
    for i, stem in enumerate(out):
        match = _ATTRIBUTION.search(stem) if "【" in stem else None
        if match:
            notes[i] = f"{match.group(1)}：{match.group(2).strip()}"
            out[i] = stem[: match.start()]
    return list(map(str.strip, out)), notes if any(notes) else None


def has_blank(stem: str) -> bool:
    return bool(_BLANK.search(stem))


def question_like(text: str) -> bool:
    return bool(_QUESTION_LIKE.search(text))


_OPTION_PREFIX = re.compile(r"^[(（]?([A-Ha-h])[)）]?\s*[.．、:：)）]\s*|^[(（]([A-Ha-h])[)）]\s*")


_PREFIX_MARKS = set(".．、:：)）")
# a mark or parenthesis anywhere in the options: else none of them can carry a prefix (a plain
# character class, scanned ~4x faster than a pattern for 'a mark after the first character')
_PREFIX_HINT = re.compile(r"[.．、:：)）(（]")


def strip_option_prefixes(options: list[str]) -> list[str]:
    """Remove 'A.', 'A、', 'A．', '(A)' prefixes: when the letter is the option's own, or when
    every option in the row carries one (so 'A、B都对' alone in column D is left alone)."""
    # one scan finds the rows worth the loop (most have no prefix at all)
    if not _PREFIX_HINT.search("\x00".join(options)) or not any(
        len(o) > 1 and (o[1] in _PREFIX_MARKS or o[0] in "(（") for o in options
    ):
        return options
    found = [_OPTION_PREFIX.match(o) for o in options]
    every = all(f for f, o in zip(found, options, strict=True) if o) and any(found)
    out = []
    for i, (opt, match) in enumerate(zip(options, found, strict=True)):
        if match and (every or (match.group(1) or match.group(2)).upper() == LETTERS[i]):
            opt = opt[match.end() :].strip()
        out.append(opt)
    return out


# --------------------------------------------------------------------------- types

_TYPE_WORDS = {
    "single": ("单选", "单项选择", "单择", "单选择", "single", "singlechoice", "radio", "sc"),
    # 'choice' is not a type: single or multiple, decided by the number of answers
    "choice": ("选择", "choice", "选择题型", "客观"),
    "multiple": (
        "多选",
        "多项选择",
        "不定项",
        "不定项选择",
        "多选择",
        "multiple",
        "multiplechoice",
        "multi",
        "checkbox",
        "mc",
    ),
    "true_false": (
        "判断",
        "是非",
        "对错",
        "正误",
        "判断正误",
        "judge",
        "truefalse",
        "tf",
        "boolean",
        "bool",
        "yesno",
        "judgement",
    ),
    "fill_blank": ("填空", "填充", "fill", "fillblank", "fillintheblank", "blank", "completion"),
    "open": (
        "简答",
        "问答",
        "论述",
        "主观",
        "开放",
        "抢答",
        "计算",
        "名词解释",
        "open",
        "essay",
        "shortanswer",
        "text",
        "subjective",
    ),
}
_TYPE_LOOKUP = {word: t for t, words in _TYPE_WORDS.items() for word in words}


def parse_type(text: str) -> str | None:
    """'单选题', 'Multiple choice', 'judge' -> one of TYPES (or 'choice'); None when unknown."""
    key = re.sub(r"[\s_\-/]", "", unicodedata.normalize("NFKC", text).casefold())
    key = re.sub(r"(题型|题目|试题|题|question|questions|type)$", "", key) or key
    return _TYPE_LOOKUP.get(key)


# --------------------------------------------------------------------------- answers

_TRUE = {
    "正确",
    "对",
    "√",
    "✓",
    "✔",
    "☑",
    "t",
    "true",
    "是",
    "y",
    "yes",
    "right",
    "correct",
    "1",
    "对的",
    "正确的",
    "o",
    "○",
}
_FALSE = {
    "错误",
    "错",
    "×",
    "✗",
    "✘",
    "☒",
    "f",
    "false",
    "否",
    "n",
    "no",
    "wrong",
    "incorrect",
    "0",
    "错的",
    "x",
    "不对",
    "不正确",
}
# for *inferring* a true/false question, digits and x/o are too ambiguous
_TF_STRONG = {"正确", "错误", "对", "错", "√", "×", "✓", "✗", "✔", "✘", "true", "false", "t", "f"}


@functools.lru_cache(maxsize=1024)
def truth(text: str) -> bool | None:
    """正确/错误, 对/错, √/×, T/F, true/false, 是/否, 1/0 -> True/False; None when unreadable."""
    key = unicodedata.normalize("NFKC", text).strip().casefold().rstrip("。.!！")
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def looks_true_false(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().casefold() in _TF_STRONG


def literal_list(text: str) -> list[str] | None:
    """ "['罗盛教', '李大钊']" (a Python/JSON list of answer texts) -> the texts; else None."""
    if not (text.startswith("[") and text.endswith("]")) or len(text) > 4000:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, (list, tuple)):
        return None
    return [clean(str(v)) for v in value if clean(str(v))]


_SEPARATORS = re.compile(r"[\s,，、|｜/;；&+和及]+")
_LETTERS_ONLY = re.compile(r"[A-Ha-h]+")


@functools.lru_cache(maxsize=1024)
def _letter_picks(text: str) -> tuple[int, ...] | None:
    """The option indexes of an answer written as letters ('ABD', 'A、B'), else None (cached:
    a sheet repeats the same few answers)."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).strip()).rstrip("。.")
    if _LETTERS_ONLY.fullmatch(compact):
        return tuple(sorted({LETTERS.index(c) for c in compact.upper()}))
    return None


def choice_answer(text: str, options: list[str]) -> list[int] | str:
    """The option indexes an answer names, or a problem code.

    Accepted: 'ABD', 'A,B,D', 'A、B、D', 'A|B', 'abd', full-width 'ＡＢ', option numbers '1,2,3',
    and option texts instead of letters. A whole-answer match on an option's text wins over
    reading digits as option numbers (options '2','3','4','5' with answer '3' mean B).
    """
    count = len(options)
    letters = _letter_picks(text)
    if letters is not None:
        return list(letters) if letters[-1] < count else "answer_out_of_range"
    raw = unicodedata.normalize("NFKC", text).strip()
    keys = [squash(o) for o in options]
    whole = squash(raw)
    if whole in keys:
        return [keys.index(whole)]
    tokens = [t for t in _SEPARATORS.split(raw) if t]
    if tokens and all(t.isdigit() for t in tokens):
        numbers = sorted({int(t) for t in tokens})
        return (
            [n - 1 for n in numbers]
            if numbers[0] >= 1 and numbers[-1] <= count
            else "answer_out_of_range"
        )
    parts = [squash(t) for t in re.split(r"[|｜;；、,，]+", raw) if t.strip()]
    if parts and all(p in keys for p in parts):
        return sorted({keys.index(p) for p in parts})
    prefix = _OPTION_PREFIX.match(raw)  # 'B、《史记》': the letter and its option's text
    if prefix:
        index = LETTERS.index((prefix.group(1) or prefix.group(2)).upper())
        if index < count and keys[index] == squash(raw[prefix.end() :]):
            return [index]
    return "answer_unparsed"


def text_answers(text: str) -> list[str]:
    """Accepted answers of a fill-in/open question: a list literal, or texts split on '|'."""
    listed = literal_list(text)
    if listed is not None:
        return listed
    return [clean(part) for part in re.split(r"[|｜]", text) if clean(part)]


# --------------------------------------------------------------------------- numbers etc.

_NUMBER = re.compile(
    r"^\s*(-?\d+(?:\.\d+)?)\s*(分|points?|pts?|秒|s|sec|secs|seconds|分钟|min)?\s*$", re.I
)


def whole_number(text: str) -> int | None | str:
    """'10', '10.0', '10分', '60秒', '60 s', '2分钟' -> int; '' -> None; else 'bad_number'."""
    if not text:
        return None
    match = _NUMBER.match(unicodedata.normalize("NFKC", text))
    if not match:
        return "bad_number"
    value = float(match.group(1))
    if (match.group(2) or "").lower() in ("分钟", "min"):
        value *= 60
    if value != int(value) or value < 0 or value > 1_000_000:
        return "bad_number"
    return int(value)


_DIFFICULTY = {
    "easy": ("easy", "简单", "容易", "易", "低", "初级", "基础", "1", "e", "low", "simple"),
    "medium": (
        "medium",
        "中等",
        "一般",
        "中",
        "适中",
        "普通",
        "中级",
        "2",
        "normal",
        "m",
        "moderate",
        "average",
    ),
    "hard": ("hard", "困难", "难", "高", "较难", "高级", "difficult", "3", "h", "high"),
}
_DIFFICULTY_LOOKUP = {w: d for d, words in _DIFFICULTY.items() for w in words}
DIFFICULTY_ZH = {"easy": "简单", "medium": "中等", "hard": "困难"}


def difficulty(text: str) -> str | None:
    """'简单' / 'easy' / '1' -> 'easy' (or medium, hard); None when unknown."""
    key = re.sub(r"\s", "", unicodedata.normalize("NFKC", text).casefold())
    key = {"4": "3", "5": "3", "1.0": "1", "2.0": "2", "3.0": "3"}.get(key, key)
    return _DIFFICULTY_LOOKUP.get(key)


_SHEET_POINTS = re.compile(r"^\s*(\d{1,4})\s*(分|分题|points?|pts?)?\s*$", re.I)


def points_from_sheet_name(name: str) -> int | None:
    """A sheet named '10', '20分' or '30 points' holds questions worth that much."""
    match = _SHEET_POINTS.match(unicodedata.normalize("NFKC", name))
    return int(match.group(1)) if match else None
