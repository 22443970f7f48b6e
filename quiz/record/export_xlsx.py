"""results.xlsx: the record (quiz.record.results) as a workbook for Excel and WPS.

Sheets: standings, round scores, questions, score changes, buzzes. Row 1 is a bold, frozen
header in Chinese or English (``lang``); columns are sized to their content.

Text that a spreadsheet could run (a cell starting with ``=``, ``+``, ``-``, ``@``, a tab, CR or
LF — OWASP "CSV injection") is written as a plain string cell (type ``s``, never a formula) with
Excel's quote-prefix style, so the value stays exactly the text and editing the cell does not turn
it into a formula either. Numbers (negative ones included) stay numeric cells.
"""
from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from quiz.base.safety import write_text_cell
from quiz.record.results import TIEBREAK_RULE, fmt_answer, label, local_time, norm_lang

TIME_FORMAT = "yyyy-mm-dd hh:mm:ss.000"
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")

SHEETS = {
    "standings": {"zh": "名次", "en": "Standings"},
    "rounds": {"zh": "各环节得分", "en": "Round scores"},
    "questions": {"zh": "题目", "en": "Questions"},
    "changes": {"zh": "分数变动", "en": "Score changes"},
    "buzzes": {"zh": "抢答记录", "en": "Buzzes"},
}

HEADERS = {
    "standings": {
        "zh": ["名次", "队伍", "得分", "答对", "答错", "犯规", "放弃", "加赛胜场"],
        "en": ["Rank", "Team", "Score", "Right", "Wrong", "Fouls", "Passes", "Tie-break wins"],
    },
    "questions": {
        "zh": ["环节", "类型", "题号", "题目", "正确答案", "队伍", "作答", "结果", "得分",
               "风险分值", "抢答轮次", "抢答名次", "开放后毫秒", "距第一名毫秒", "作答用时毫秒"],
        "en": ["Round", "Type", "No.", "Question", "Correct answer", "Team", "Answer", "Result",
               "Points", "Wager", "Buzz attempt", "Buzz rank", "Ms after buzzers opened",
               "Ms behind first buzz", "Answer time ms"],
    },
    "changes": {
        "zh": ["序号", "服务器时间", "时间戳毫秒", "队伍", "分数变动", "类型", "原因", "操作人",
               "角色", "环节", "题号", "已撤销", "撤销的序号"],
        "en": ["No.", "Server time", "Epoch ms", "Team", "Change", "Kind", "Reason", "By",
               "Role", "Round", "Question no.", "Undone", "Undoes no."],
    },
    "buzzes": {
        "zh": ["序号", "服务器时间", "时间戳毫秒", "环节", "题号", "抢答轮次", "队伍", "选手",
               "名次", "开放后毫秒", "距第一名毫秒", "提前抢答（犯规）",
               "收到时刻（时间戳毫秒）", "手机报告的按下时刻", "校正后按下时刻", "网络往返毫秒",
               "时钟误差毫秒", "领先下一队毫秒", "接近并列", "时钟不准（按到达）", "限制",
               "裁定方式"],
        "en": ["No.", "Server time", "Epoch ms", "Round", "Question no.", "Attempt", "Team",
               "Player", "Rank", "Ms after buzzers opened", "Ms behind first buzz",
               "Early (foul)", "Received (epoch ms)", "Claimed press time",
               "Corrected press time", "Round trip ms", "Clock error ms", "Margin to next ms",
               "Near-tie", "Poor sync (by arrival)", "Bound", "Decided by"],
    },
}

NOTES = {
    "rule": {"zh": "排名规则：", "en": "Ranking rule: "},
    "provisional": {"zh": "比赛尚未结束：以上为当前名次。",
                    "en": "The contest is not finished: these are the current standings."},
    "contest": {"zh": "比赛", "en": "Contest"},
    "date": {"zh": "日期", "en": "Date"},
}


def safe_text(value: str) -> str:
    """The text without characters an .xlsx file cannot hold (control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(ws, row: int, col: int, value):
    """Write one cell: text is always a string cell, never a formula."""
    cell = ws.cell(row=row, column=col)
    if value is None:
        return cell
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)):
        cell.value = value
    elif hasattr(value, "isoformat"):              # datetime
        cell.value = value
        cell.number_format = TIME_FORMAT
    else:
        write_text_cell(cell, safe_text(str(value)))  # never a formula (quiz.base.safety)
    return cell


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _width(value) -> int:
    """Roughly how many character widths the value needs (CJK characters count two)."""
    if value is None:
        return 0
    if hasattr(value, "isoformat"):
        return 23
    lines = str(value)[:500].splitlines() or [""]
    return max(_display_width(line) for line in lines)


def _sheet(wb: Workbook, key: str, lang: str, rows: list[list], first: bool = False,
           headers: list[str] | None = None):
    ws = wb.active if first else wb.create_sheet()
    ws.title = SHEETS[key][lang]
    headers = headers or HEADERS[key][lang]
    bold = Font(bold=True)
    widths = [_width(h) for h in headers]
    for c, h in enumerate(headers, start=1):
        cell = put(ws, 1, c, h)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            put(ws, r, c, v)
            if c <= len(widths):
                widths[c - 1] = max(widths[c - 1], _width(v))
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(6, min(MAX_WIDTH, w + 2))
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    return ws


def _evidence(b: dict, lang: str) -> list:
    """The fair-order evidence of a buzz (empty cells for a foul or an older record)."""
    return [b["received"], b["claimed"], b["corrected"], b["rtt"], b["uncertainty"],
            b["margin_ms"], _yes(bool(b["near_tie"]), lang), _yes(bool(b["fallback"]), lang),
            b["bound"] or "", b["decided_by"] or ""]


def _yes(flag: bool, lang: str) -> str:
    return label("yes" if flag else "no", lang)


def _round_name(title: str, kind: str | None, lang: str) -> str:
    return title or label(kind, lang)


def build_workbook(record: dict, lang: str = "zh") -> Workbook:
    """The workbook of a record (quiz.record.results.build_record)."""
    lang = norm_lang(lang)
    wb = Workbook()
    # standings
    rows = [[s["rank"], s["name"], s["score"], s["right"], s["wrong"], s["fouls"], s["passes"],
             s["tiebreak_wins"]] for s in record["standings"]]
    ws = _sheet(wb, "standings", lang, rows, first=True)
    r = len(rows) + 3
    contest = record["contest"]
    put(ws, r, 1, NOTES["contest"][lang])
    put(ws, r, 2, contest["name"])
    put(ws, r + 1, 1, NOTES["date"][lang])
    put(ws, r + 1, 2, contest["date"] or "")
    put(ws, r + 2, 1, NOTES["rule"][lang] + TIEBREAK_RULE[lang])
    if not contest["finished"]:
        put(ws, r + 3, 1, NOTES["provisional"][lang]).font = Font(bold=True)
    # round scores
    cols = record["round_columns"]
    headers = ([HEADERS["standings"][lang][0], HEADERS["standings"][lang][1], label("base", lang)]
               + [_round_name(c["title"], c["kind"], lang) for c in cols] + [label("total", lang)])
    rows = [[s["rank"], s["name"], s["base"]] + [s["by_round"][c["key"]] for c in cols]
            + [s["total"]] for s in record["round_scores"]]
    _sheet(wb, "rounds", lang, rows, headers=headers)
    # questions
    rows = []
    for q in record["questions"]:
        for x in q["rows"]:
            rows.append([
                _round_name(x["round_title"], x["round_kind"], lang), label(x["round_kind"], lang),
                x["index"], x["stem"], fmt_answer(x["correct_answer"], lang), x["team_name"],
                fmt_answer(x["answer"], lang), label(x["result"], lang), x["points"],
                x["wager"], x["attempt"], x["buzz_rank"], x["ms_after_open"],
                x["ms_behind_first"], x["answer_ms"]])
    ws = _sheet(wb, "questions", lang, rows)
    ws.column_dimensions["D"].width = min(ws.column_dimensions["D"].width, 40)
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    # score changes
    rows = [[e["id"], local_time(e["at"]), e["at"], e["team_name"], e["delta"],
             label(e["kind"], lang), e["reason"], e["actor"], label(e["actor_role"], lang),
             _round_name(e["round_title"], e["round_kind"], lang) if e["round_kind"] else "",
             e["question_index"], _yes(e["undone"], lang), e["undoes"]]
            for e in record["score_changes"]]
    _sheet(wb, "changes", lang, rows)
    # buzzes
    rows = [[b["n"], local_time(b["at"]), b["at"],
             _round_name(b["round_title"], b["round_kind"], lang), b["question_index"],
             b["attempt"], b["team_name"], b["player_name"], b["rank"], b["ms_after_open"],
             b["ms_behind_first"], _yes(b["foul"], lang), *_evidence(b, lang)]
            for b in record["buzzes"]]
    _sheet(wb, "buzzes", lang, rows)
    wb.properties.title = safe_text(contest["name"] or "")
    wb.properties.creator = "quiz"
    return wb


def xlsx_bytes(record: dict, lang: str = "zh") -> bytes:
    """The workbook as .xlsx bytes."""
    buf = io.BytesIO()
    build_workbook(record, lang).save(buf)
    return buf.getvalue()
