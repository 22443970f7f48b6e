"""Every message the importer can give, in Chinese and English, and the typed errors.

Pure: no Flask, no database. A message is a code plus parameters; the text is chosen at the
edge (CLI ``--lang``, the web page's locale), so the same report can be shown in either language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

LANGS = ("zh", "en")

# code -> (zh, en). Parameters are str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    # file-level refusals
    "empty_file": ("文件是空的（0 字节）。", "The file is empty (0 bytes)."),
    "too_large": (
        "文件太大（{size}），上传上限为 {limit}。",
        "The file is too large ({size}); the upload limit is {limit}.",
    ),
    "not_spreadsheet": (
        "这不是电子表格文件（支持 .xlsx、.xls、.ods、.csv）。",
        "This is not a spreadsheet (accepted: .xlsx, .xls, .ods, .csv).",
    ),
    "image_file": (
        "这是一张图片（{kind}），不是电子表格；请上传 .xlsx、.xls、.ods 或 .csv。",
        "This is an image ({kind}), not a spreadsheet; upload .xlsx, .xls, .ods or .csv.",
    ),
    "corrupt_zip": (
        "文件已损坏或不完整（压缩包无法打开）：{detail}",
        "The file is damaged or truncated (its zip container cannot be opened): {detail}",
    ),
    "encrypted": (
        "工作簿设置了打开密码；请在 Excel/WPS 中取消密码后另存再导入。",
        "The workbook is password-protected; remove the password, save it again and retry.",
    ),
    "zip_bomb": (
        "文件解压后达 {size}，超过上限 {limit}，已拒绝（疑似压缩炸弹）。",
        "The file unpacks to {size}, over the limit of {limit}; refused (a zip bomb?).",
    ),
    "xml_entities": (
        "文件中的 XML 部件 {part} 含有 DOCTYPE/ENTITY 声明，出于安全原因拒绝读取。",
        "The XML part {part} declares a DOCTYPE/ENTITY; refused for safety.",
    ),
    "too_many_rows": (
        "工作表“{sheet}”有 {rows} 行，超过上限 {limit} 行；请拆分后导入。",
        "Sheet '{sheet}' has {rows} rows, over the limit of {limit}; split it first.",
    ),
    "too_many_columns": (
        "工作表“{sheet}”有 {cols} 列，超过上限 {limit} 列。",
        "Sheet '{sheet}' has {cols} columns, over the limit of {limit}.",
    ),
    "unreadable": ("无法读取该工作簿：{detail}", "The workbook cannot be read: {detail}"),
    "bad_encoding": (
        "无法识别文本编码（已尝试 UTF-8、GBK/GB18030）。",
        "The text encoding is not recognised (tried UTF-8 and GBK/GB18030).",
    ),
    "no_questions": ("文件中没有找到任何题目。", "No questions were found in the file."),
    "no_valid_questions": (
        "没有可导入的有效题目；请查看下列问题。",
        "There is no valid question to import; see the problems listed.",
    ),
    "strict_refused": (
        "严格模式：有 {count} 行存在问题，未导入任何题目。",
        "Strict mode: {count} rows have problems, so nothing was imported.",
    ),
    "import_failed": (
        "导入失败，题库未作任何改动：{detail}",
        "The import failed and the bank was left unchanged: {detail}",
    ),
    # sheet skipped (not an error)
    "sheet_empty": ("工作表为空。", "The sheet is empty."),
    "header_without_stem": (
        "找到了表头（{found}），但没有题目/题干列。",
        "A header was found ({found}) but it has no question/stem column.",
    ),
    "no_header_shape": (
        "没有表头，且内容不像题目（{why}）。",
        "No header row, and the content does not look like questions ({why}).",
    ),
    "header_no_rows": ("表头下面没有题目。", "There are no questions under the header."),
    "why_not_questions": ("第一列不像题目", "the first column does not read as questions"),
    "why_no_answer_col": ("找不到答案列", "no answer column could be found"),
    "why_too_few_rows": ("数据行太少", "too few data rows"),
    "blank_run": (
        "连续 {count} 个空行后的内容未读取。",
        "Content after a run of {count} blank rows was not read.",
    ),
    # row-level problems
    "missing_stem": ("题目为空。", "The question text is empty."),
    "missing_answer": ("缺少答案。", "The answer is missing."),
    "unknown_type": ("无法识别的题型“{value}”。", "Unknown question type '{value}'."),
    "too_few_options": ("选择题至少需要 2 个选项。", "A choice question needs at least 2 options."),
    "too_many_options": ("选项超过 8 个。", "More than 8 options."),
    "option_gap": (
        "选项 {letter} 为空，后面的选项已前移。",
        "Option {letter} is empty; the options after it were moved up.",
    ),
    "answer_out_of_range": (
        "答案“{value}”指向不存在的选项。",
        "The answer '{value}' points to an option that does not exist.",
    ),
    "answer_unparsed": (
        "无法识别答案“{value}”（应为选项字母、选项序号或选项内容）。",
        "Cannot read the answer '{value}' (expected option letters, numbers or texts).",
    ),
    "single_many_answers": (
        "单选题给出了多个答案“{value}”。",
        "A single-choice question has several answers '{value}'.",
    ),
    "bad_true_false": (
        "判断题答案“{value}”无法识别（应为 正确/错误、对/错、√/×、T/F）。",
        "Cannot read the true/false answer '{value}' (expected true/false, T/F, √/×).",
    ),
    "bad_number": ("“{value}”不是有效的数字。", "'{value}' is not a valid number."),
    "too_long": (
        "内容过长（{length} 字，上限 {limit}）。",
        "Text too long ({length} chars, limit {limit}).",
    ),
    "duplicate": (
        "重复的题目（与 {where} 相同），已跳过。",
        "Duplicate question (same as {where}); skipped.",
    ),
    # warnings (row imported)
    "date_cell": (
        "Excel 把该单元格存成了日期/时间，按显示格式取为“{value}”，请核对。",
        "Excel stored this cell as a date/time; taken as '{value}' from its format; check it.",
    ),
    "long_number": (
        "数字超过 15 位，Excel 可能已丢失精度：“{value}”。",
        "A number over 15 digits; Excel may have lost precision: '{value}'.",
    ),
    "unknown_difficulty": (
        "无法识别的难度“{value}”，已留空。",
        "Unknown difficulty '{value}'; left empty.",
    ),
    # skipped notes (a row that is not a question: layouts.is_note)
    "skipped_note": (
        "说明文字“{value}”不是题目（没有选项和答案），已跳过。",
        "The note '{value}' is not a question (no options, no answer); skipped.",
    ),
}


def text(code: str, lang: str = "zh", **params: object) -> str:
    """The message for ``code`` in ``lang`` (zh or en) with its parameters filled in."""
    zh, en = MESSAGES.get(code, (code, code))
    template = en if lang == "en" else zh
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def human_size(n: int) -> str:
    """Bytes as a short human figure: 12.3 MB."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


class ImportRefused(Exception):
    """A file (or a whole import) was refused; carries a message code and its parameters."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(text(code, "en", **params))

    def message(self, lang: str = "zh") -> str:
        return text(self.code, lang, **self.params)


# Typed refusals, so callers and tests can tell them apart without comparing strings.
class FileTooLarge(ImportRefused):
    pass


class EmptyFile(ImportRefused):
    pass


class NotASpreadsheet(ImportRefused):
    pass


class CorruptFile(ImportRefused):
    pass


class EncryptedWorkbook(ImportRefused):
    pass


class ZipBomb(ImportRefused):
    pass


class UnsafeXml(ImportRefused):
    pass


class TooManyRows(ImportRefused):
    pass


class TooManyColumns(ImportRefused):
    pass


class NoQuestions(ImportRefused):
    pass


@dataclass
class Problem:
    """One row-level problem (or warning): where it is, what the cell held, and why."""

    code: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    params: dict = field(default_factory=dict)

    def reason(self, lang: str = "zh") -> str:
        return text(self.code, lang, value=self.value, **self.params)

    def to_dict(self, lang: str = "zh") -> dict:
        """The six keys of the JSON report."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason(lang),
        }

    def raw(self) -> dict:
        return asdict(self)


@dataclass
class SkippedSheet:
    """A sheet that holds no questions, and why."""

    file: str
    sheet: str
    code: str
    params: dict = field(default_factory=dict)

    def to_dict(self, lang: str = "zh") -> dict:
        params = dict(self.params)
        if "why" in params:
            params["why"] = text(str(params["why"]), lang)
        return {"file": self.file, "sheet": self.sheet, "reason": text(self.code, lang, **params)}
