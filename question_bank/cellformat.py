"""Turn a cell's stored value back into the text its author typed, using its number format.

Pure. Excel stores ``50%`` as 0.5, ``1-2`` as a date and ``3.50`` as 3.5; what the author saw is the
value rendered through the cell's number format. python-calamine gives the value (and turns date
formats into ``datetime`` objects) but not the format code, so ``sheets.py`` looks the code up
itself for .xlsx and passes it here; without one we fall back to the shortest faithful text.
"""

from __future__ import annotations

import datetime as dt
import re

# Built-in number formats (ECMA-376 18.8.30), with the zh-CN ids Excel/WPS use for dates.
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "yyyy/m/d",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "yyyy/m/d h:mm",
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|\[[^\]]*\]|AM/PM|上午/下午|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|.',
    re.IGNORECASE,
)
_EPOCH = dt.datetime(1899, 12, 30)


def shortest(value: float) -> str:
    """A float as the shortest text that reads back the same, no binary noise: 0.3, 2, 1e-05."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa}e{exp}" if float(text) != value else text
    return text


def _section(fmt: str) -> str:
    return fmt.split(";", 1)[0]


def is_date_format(fmt: str) -> bool:
    """Whether a format code renders a date or a time."""
    code = re.sub(r'"[^"]*"|\\.|\[(?!h\]|m\]|s\])[^\]]*\]', "", _section(fmt)).lower()
    return (
        bool(re.search(r"[ydhs]|m", code))
        and "general" not in code
        and "@" not in code
        and not re.fullmatch(r"[0#,.?%e+\- /]*", code)
    )


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.time):
        return dt.datetime(1899, 12, 30, value.hour, value.minute, value.second)
    if isinstance(value, dt.timedelta):
        return _EPOCH + value
    if isinstance(value, (int, float)) and 0 <= value < 2958466:
        return _EPOCH + dt.timedelta(days=float(value))
    return None


def render_date(value: object, fmt: str) -> str:
    """A date/time value rendered through a date format code (the common tokens only)."""
    when = _as_datetime(value)
    if when is None:
        return str(value)
    tokens = _DATE_TOKEN.findall(_section(fmt))
    has_ampm = any(t.upper() in ("AM/PM", "上午/下午") for t in tokens)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif tok.startswith("["):
            if low in ("[h]", "[hh]"):
                hours = int((when - _EPOCH).total_seconds() // 3600)
                out.append(str(hours))
        elif low in ("yyyy", "yy"):
            out.append(str(when.year) if low == "yyyy" else f"{when.year % 100:02d}")
        elif low in ("m", "mm"):
            # m means minutes right after an hour or right before seconds
            prev = next((t.lower() for t in reversed(tokens[:i]) if t.strip() and t.isalpha()), "")
            nxt = next((t.lower() for t in tokens[i + 1 :] if t.strip() and t.isalpha()), "")
            minutes = prev.startswith("h") or nxt.startswith("s")
            num = when.minute if minutes else when.month
            out.append(f"{num:02d}" if low == "mm" else str(num))
        elif low == "mmm":
            out.append(_MONTHS[when.month - 1])
        elif low == "mmmm":
            out.append(when.strftime("%B"))
        elif low in ("d", "dd"):
            out.append(f"{when.day:02d}" if low == "dd" else str(when.day))
        elif low in ("ddd", "dddd"):
            out.append(when.strftime("%a" if low == "ddd" else "%A"))
        elif low in ("h", "hh"):
            hour = when.hour % 12 or 12 if has_ampm else when.hour
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("s", "ss"):
            out.append(f"{when.second:02d}" if low == "ss" else str(when.second))
        elif tok.upper() == "AM/PM":
            out.append("AM" if when.hour < 12 else "PM")
        elif tok == "上午/下午":
            out.append("上午" if when.hour < 12 else "下午")
        else:
            out.append(tok)
    return "".join(out).strip()


def default_date_text(value: object) -> str:
    """A date or time without a known format: ISO date, H:MM time."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return f"{value.year}-{value.month}-{value.day}"
        if value.date() == _EPOCH.date():
            return f"{value.hour}:{value.minute:02d}" + (
                f":{value.second:02d}" if value.second else ""
            )
        return f"{value.year}-{value.month}-{value.day} {value.hour}:{value.minute:02d}"
    if isinstance(value, dt.date):
        return f"{value.year}-{value.month}-{value.day}"
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else "")
    if isinstance(value, dt.timedelta):
        secs = int(value.total_seconds())
        return f"{secs // 3600}:{secs % 3600 // 60:02d}" + (
            f":{secs % 60:02d}" if secs % 60 else ""
        )
    return str(value)


def render_number(value: float, fmt: str | None) -> str:
    """A number shown as typed: percent, fixed decimals and thousands honoured, else shortest."""
    if not fmt or fmt in ("General", "@"):
        return shortest(value)
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|[_*].', "", _section(fmt)).strip()
    if "%" in code:
        # the exact value, not the rounded display: 0.005% typed stays 0.005%, not 0.01%
        return shortest(round(value * 100, 10)) + "%"
    if re.fullmatch(r"[0#,]*(\.[0#]+)?", code) and code:
        decimals = len(code.split(".", 1)[1]) if "." in code else 0
        text = f"{value:,.{decimals}f}" if "," in code else f"{value:.{decimals}f}"
        return text
    return shortest(value)


def cell_text(value: object, fmt: str | None = None) -> tuple[str, bool]:
    """(text, was_a_date): the cell as its author typed it; dates and times are flagged."""
    if isinstance(value, str):
        return value, False
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        text = render_date(value, fmt) if fmt and is_date_format(fmt) else default_date_text(value)
        return text, True
    if isinstance(value, (int, float)):
        if fmt and is_date_format(fmt):
            return render_date(value, fmt), True
        return render_number(float(value), fmt), False
    return str(value), False
