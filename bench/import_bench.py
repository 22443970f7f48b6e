"""Question import benchmark: rows/s for the floor (bare calamine), the old way (openpyxl
read-only), our parse + normalize, and the end-to-end import into SQLite; plus peak memory.

    .venv/bin/python bench/import_bench.py            # 10,000 and 100,000 questions
    .venv/bin/python bench/import_bench.py 10000      # just one size
    .venv/bin/python bench/import_bench.py --repeat 5 # best of 5 runs (default 3)
    .venv/bin/python bench/import_bench.py --kinds calamine,parse  # some measurements only
    .venv/bin/python bench/import_bench.py --interleave 6  # the parse/floor ratio only:
        # calamine and our parse alternating in 6 + 6 fresh processes, best CPU time of each

Generated sheets are cached in bench/out/ (12 columns of Chinese text, mixed types).
Each run is a fresh subprocess; the time shown is the best run's (wall clock, and its CPU time:
on a loaded machine the two differ), peak memory is the subprocess's max RSS (ru_maxrss) minus
that of a baseline subprocess doing the same imports and setup and reading the file. Calamine
reads the file from its path, in the floor and in our import (``measure`` says why).
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


def _maxrss_kb() -> int:
    """Peak resident set size of this process so far (Linux reports KB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _setup(kind: str):
    """Everything a measurement needs before the clock starts: its imports (and for the
    end-to-end import an app on a fresh SQLite file with the app's own pragmas)."""
    if kind in ("calamine", "parse", "e2e", "e2e-upload"):
        import python_calamine  # noqa: F401
    if kind == "openpyxl":
        import openpyxl  # noqa: F401
    if kind in ("parse", "e2e", "e2e-upload"):
        from question_bank import normalize, service, sheets  # noqa: F401
    if kind in ("e2e", "e2e-upload"):
        from flask import Flask

        import quiz.factory  # noqa: F401  (registers the SQLite pragmas: WAL, synchronous=NORMAL)
        from quiz.base.extensions import db

        tmp = tempfile.mkdtemp()
        app = Flask("bench")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp}/bench.sqlite3"
        db.init_app(app)
        ctx = app.app_context()
        ctx.push()
        import question_bank.models  # noqa: F401

        db.create_all()
        return ctx
    return None


def measure(kind: str, path: str) -> dict:
    """Run one measurement in this process (called in a fresh subprocess).

    Every kind starts with the file's bytes in memory, read before the clock (an upload is in
    memory before we see it), or reads them itself on the clock (our import of a file on disk,
    the CLI's case: ``sheets.load``, kept for the checks and the media step). Calamine is given
    the path in both the floor and our import (``from_path``: no copy of the file of its own);
    ``e2e-upload`` is the web upload's case, bytes only, calamine given a copy.

    ``baseline-KIND`` does the same imports and setup and reads the file, then stops: its peak
    RSS is subtracted from KIND's, so the peak reported is what the work itself added (the
    file's bytes, which every kind holds once, not included).
    """
    import io

    base = kind.startswith("baseline-")
    work = kind.split("-", 1)[1] if base else kind
    _setup(work)
    data = b""
    if base or kind not in ("parse", "e2e"):
        with open(path, "rb") as fh:
            data = fh.read()
    rows = 0
    started, cpu = time.perf_counter(), time.process_time()
    if base:
        pass
    elif kind == "calamine":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(path)
        rows = sum(1 for _ in book.get_sheet_by_index(0).iter_rows())
    elif kind == "openpyxl":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True)
        rows = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    elif kind == "parse":
        from question_bank import normalize, sheets

        result = normalize.parse_workbook(sheets.read_path(path))
        rows = len(result.questions) + len(result.problems)
        assert not result.problems, result.problems[:3]
    else:
        from question_bank import service

        source = path if kind == "e2e" else (os.path.basename(path), data)
        report = service.import_files([source], bank="bench")
        assert report.ok, report.error("en")
        rows = report.imported
    return {
        "kind": kind,
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "maxrss_kb": _maxrss_kb(),
        "file_kb": os.path.getsize(path) // 1024,
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


def best(kind: str, path: str, repeat: int) -> dict:
    """The fastest of ``repeat`` fresh-process runs (the least disturbed by other load), with
    the peak memory of the work: max RSS minus that of a baseline process (same imports)."""
    runs = [run(kind, path) for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r["seconds"])
    baseline = run(f"baseline-{kind}", path)["maxrss_kb"]
    fastest["peak_kb"] = max(r["maxrss_kb"] for r in runs) - baseline
    return fastest


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


LABELS = {
    "calamine": "bare python-calamine iteration (floor)",
    "openpyxl": "bare openpyxl read-only iteration (old way)",
    "parse": "our read + normalize",
    "e2e": "our end-to-end import into SQLite",
    "e2e-upload": "  the same from bytes (web upload)",
}


KINDS = ("calamine", "openpyxl", "parse", "e2e", "e2e-upload")


def main(sizes: list[int], repeat: int, kinds=KINDS) -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {_load()}")
    print(f"best of {repeat} fresh processes (openpyxl: 1); peak = max RSS - baseline process")
    for n in sizes:
        path = generate(n)
        size_kb = os.path.getsize(path) // 1024
        print(f"\n{n:,} questions, {size_kb:,} KB .xlsx")
        results = {}
        for kind in kinds:
            r = best(kind, path, 1 if kind == "openpyxl" else repeat)
            results[kind] = r
            rate = r["rows"] / r["seconds"]
            print(
                f"  {LABELS[kind]:<45} {r['seconds']:7.2f} s (cpu {r['cpu']:6.2f} s) "
                f"{rate:9,.0f} rows/s  peak +{r['peak_kb'] / 1024:6.1f} MB "
                f"({r['peak_kb'] / max(size_kb, 1):4.1f}x file)"
            )
        if "calamine" not in results or "parse" not in results:
            continue
        ratio = results["calamine"]["seconds"] / results["parse"]["seconds"]
        cpu_ratio = results["calamine"]["cpu"] / results["parse"]["cpu"]
        print(
            f"  our parse runs at {ratio:.0%} of bare calamine's speed "
            f"({cpu_ratio:.0%} by CPU time); {_load()}"
        )


def interleave(sizes: list[int], repeat: int) -> None:
    """Our parse against the floor only, in fresh processes taking turns (calamine, parse,
    calamine, ...), so that a disturbance on a busy machine falls on both alike; the ratio of
    the best CPU times, with every run's CPU time."""
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {_load()}")
    print(f"calamine and our parse alternating, {repeat} fresh processes each")
    for n in sizes:
        path = generate(n)
        runs: dict[str, list[dict]] = {"calamine": [], "parse": []}
        for _ in range(repeat):
            for kind, done in runs.items():
                done.append(run(kind, path))
        print(f"\n{n:,} questions, {os.path.getsize(path) // 1024:,} KB .xlsx")
        best_cpu = {}
        for kind, done in runs.items():
            cpus = sorted(r["cpu"] for r in done)
            best_cpu[kind] = cpus[0]
            wall = min(r["seconds"] for r in done)
            every = ", ".join(f"{c:.3f}" for c in cpus)
            print(
                f"  {LABELS[kind]:<45} best cpu {cpus[0]:6.3f} s (wall {wall:6.3f} s); all: {every}"
            )
        print(
            f"  our parse runs at {best_cpu['calamine'] / best_cpu['parse']:.0%} of bare "
            f"calamine's speed (best CPU times); {_load()}"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
    else:
        args = sys.argv[1:]
        repeat = 3
        if "--repeat" in args:
            at = args.index("--repeat")
            repeat = int(args[at + 1])
            del args[at : at + 2]
        if "--interleave" in args:  # e.g. --interleave 6
            at = args.index("--interleave")
            count = int(args[at + 1])
            del args[at : at + 2]
            interleave([int(a) for a in args] or [10_000, 100_000], count)
            sys.exit()
        kinds = KINDS
        if "--kinds" in args:  # e.g. --kinds calamine,parse
            at = args.index("--kinds")
            kinds = tuple(args[at + 1].split(","))
            del args[at : at + 2]
        main([int(a) for a in args] or [10_000, 100_000], repeat, kinds)
