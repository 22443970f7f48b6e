"""Question import benchmark: rows/s for the floor (bare calamine), the old way (openpyxl
read-only), our parse + normalize, and the end-to-end import into SQLite; plus peak memory.

    .venv/bin/python bench/import_bench.py            # 10,000 and 100,000 questions
    .venv/bin/python bench/import_bench.py 10000      # just one size

Generated sheets are cached in bench/out/ (12 columns of Chinese text, mixed types).
Each measurement runs in a fresh subprocess so peak memory (VmHWM) is its own.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
sys.path.insert(0, ROOT)

HEADER = [
    "题型",
    "题目",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "分值",
    "难度",
    "分类",
    "解析",
    "时限",
]
WORDS = "安全生产消防交通法律历史地理科学文化健康环境能源网络信息防诈骗应急救援知识竞赛题库"


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def generate(n: int) -> str:
    """A .xlsx of n questions (written once with openpyxl's write-only mode, then cached)."""
    path = os.path.join(OUT, f"questions_{n}.xlsx")
    if os.path.exists(path):
        return path
    from openpyxl import Workbook

    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(n)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("题库")
    ws.append(HEADER)
    kinds = ["单选", "单选", "单选", "多选", "判断"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        stem = f"第{i}题：{_text(rng, 24)}（ ）。"
        if kind == "判断":
            row = [kind, stem, "", "", "", "", rng.choice(["正确", "错误"])]
        else:
            answer = (
                rng.choice("ABCD") if kind == "单选" else "".join(sorted(rng.sample("ABCD", 2)))
            )
            row = [kind, stem] + [_text(rng, 6) for _ in range(4)] + [answer]
        row += [
            rng.choice([10, 20, 30]),
            rng.choice(["简单", "中等", "困难"]),
            _text(rng, 4),
            _text(rng, 20),
            30,
        ]
        ws.append(row)
    wb.save(path)
    return path


def _peak_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(kind: str, path: str) -> dict:
    """Run one measurement in this process (called in a subprocess)."""
    import python_calamine

    from question_bank import normalize, service, sheets

    if kind == "e2e":
        from flask import Flask

        from quiz.extensions import db

        tmp = tempfile.mkdtemp()
        app = Flask("bench")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp}/bench.sqlite3"
        db.init_app(app)
        ctx = app.app_context()
        ctx.push()
        import question_bank.models  # noqa: F401

        db.create_all()
    with open(path, "rb") as fh:
        data = fh.read()
    base = _rss_kb()
    started = time.perf_counter()
    if kind == "calamine":
        import io

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = sum(1 for _ in book.get_sheet_by_index(0).iter_rows())
    elif kind == "openpyxl":
        import io

        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True)
        rows = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    elif kind == "parse":
        result = normalize.parse_workbook(sheets.read_bytes(data, os.path.basename(path)))
        rows = len(result.questions) + len(result.problems)
        assert not result.problems, result.problems[:3]
    else:
        report = service.import_files([(os.path.basename(path), data)], bank="bench")
        assert report.ok, report.error("en")
        rows = report.imported
    elapsed = time.perf_counter() - started
    return {
        "kind": kind,
        "rows": rows,
        "seconds": elapsed,
        "peak_kb": _peak_kb() - base,
        "file_kb": len(data) // 1024,
    }


def run(kind: str, path: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, path],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


LABELS = {
    "calamine": "bare python-calamine iteration (floor)",
    "openpyxl": "bare openpyxl read-only iteration (old way)",
    "parse": "our read + normalize",
    "e2e": "our end-to-end import into SQLite",
}


def main(sizes: list[int]) -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for n in sizes:
        path = generate(n)
        size_kb = os.path.getsize(path) // 1024
        print(f"\n{n:,} questions, {size_kb:,} KB .xlsx")
        results = {}
        for kind in ("calamine", "openpyxl", "parse", "e2e"):
            r = run(kind, path)
            results[kind] = r
            rate = r["rows"] / r["seconds"]
            print(
                f"  {LABELS[kind]:<45} {r['seconds']:7.2f} s  {rate:9,.0f} rows/s  "
                f"peak +{r['peak_kb'] / 1024:6.1f} MB ({r['peak_kb'] / max(size_kb, 1):4.1f}x file)"
            )
        ratio = results["calamine"]["seconds"] / results["parse"]["seconds"]
        print(f"  our parse runs at {ratio:.0%} of bare calamine's speed")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
