"""``flask bank import|export|template|list``: the bank's command line.

Registered by ``question_bank.init_app``."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from . import messages
from .headers import ColumnMap, MapError
from .limits import limits_from_config, media_limits_from_config

bank_cli = AppGroup("bank", help="Question bank: import sheets, export, template.")


@bank_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and count; change nothing.")
@click.option("--strict", is_flag=True, help="Import nothing unless every row is valid.")
@click.option("--bank", "bank_name", default=None, help="Bank name (created if new).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--columns",
    "column_maps",
    multiple=True,
    metavar="[SHEET!]MAP",
    help="Read the columns this way, e.g. 'A=stem,B=A,C=B,D=C,E=answer,from=2' (every sheet) "
    "or '题库!A=stem,…' (one sheet); repeatable. Roles: stem, A-H, answer, type, points, "
    "explanation, category, difficulty, time, ignore.",
)
@click.option(
    "--no-answer",
    type=click.Choice(["problem", "open"]),
    default="problem",
    show_default=True,
    help="A sheet without an answer column: one problem, or open questions without an answer.",
)
def import_command(files, dry_run, strict, bank_name, as_json, lang, column_maps, no_answer):
    """Import question sheets (.xlsx .xls .ods .csv, or a .zip of sheets + media). Exit 0 when
    imported (or would be)."""
    from . import service

    try:
        columns = parse_column_options(column_maps)
    except MapError as err:
        click.echo(messages.text(err.code, lang, **err.params), err=True)
        sys.exit(2)
    report = service.import_files(
        list(files),
        bank=bank_name,
        dry_run=dry_run,
        strict=strict,
        limits=limits_from_config(),
        media_limits=media_limits_from_config(),
        columns=columns,
        no_answer=no_answer,
    )
    if as_json:
        click.echo(json.dumps(report.to_json(lang), ensure_ascii=False, indent=2))
    else:
        _print_report(report, lang)
    if not report.ok:
        sys.exit(1)


def parse_column_options(values) -> dict:
    """--columns values -> {sheet name or '*': ColumnMap}; 'SHEET!MAP' names one sheet."""
    out = {}
    for value in values:
        sheet, _, text = value.rpartition("!")
        out[sheet or "*"] = ColumnMap.parse(text)
    return out


def _print_report(report, lang: str) -> None:
    zh = lang == "zh"
    out = report.to_json(lang)
    if report.ok:
        verb = (
            ("将导入" if zh else "Would import")
            if report.dry_run
            else ("已导入" if zh else "Imported")
        )
        click.echo(
            f"{verb} {report.imported} → {report.bank}; "
            + ("重复跳过" if zh else "duplicates skipped")
            + f" {report.duplicates}"
        )
        click.echo("  " + ", ".join(f"{k} {v}" for k, v in report.by_type.items()))
        for sheet, count in report.by_sheet.items():
            click.echo(f"  {sheet}: {count}")
        for layout in report.layouts:
            if layout.map is not None:
                click.echo(
                    ("  列对应 " if zh else "  columns ") + f"{layout.sheet}: {layout.map.text()}"
                )
        if report.media_questions:
            click.echo(
                ("  带媒体的题目 " if zh else "  questions with media ")
                + f"{report.media_questions}, "
                + ("媒体文件 " if zh else "media files ")
                + f"{report.media_files}"
            )
    else:
        click.echo(("未导入：" if zh else "Not imported: ") + report.error(lang), err=True)
    for s in out["skipped_sheets"]:
        click.echo(
            ("跳过工作表 " if zh else "Skipped sheet ")
            + f"{s['file']} / {s['sheet']}: "
            + s["reason"]
        )
    for p in out["problems"]:
        where = " ".join(str(x) for x in (p["file"], p["sheet"], p["row"] or "", p["column"]) if x)
        value = f" [{p['value']}]" if p["value"] else ""
        click.echo(f"  ✗ {where}{value}: {p['reason']}", err=not report.ok)
    for w in out["warnings"]:
        where = " ".join(str(x) for x in (w["file"], w["sheet"], w["row"] or "", w["column"]) if x)
        click.echo(f"  ! {where}: {w['reason']}")


@bank_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--bank", "bank_name", default=None, help="Only this bank (name or id).")
@click.option("--category", default=None)
@click.option(
    "--type",
    "qtype",
    type=click.Choice(["single", "multiple", "true_false", "fill_blank", "open"]),
    default=None,
)
@click.option("--difficulty", type=click.Choice(["easy", "medium", "hard"]), default=None)
def export_command(file, bank_name, category, qtype, difficulty):
    """Export questions to an .xlsx in the template layout; FILE.zip also holds the media."""
    from . import export, service

    if bank_name and service.find_bank(bank_name) is None:
        click.echo(f"No such bank / 没有这个题库: {bank_name}", err=True)
        sys.exit(1)
    if file.lower().endswith(".zip"):
        data = export.export_zip(bank_name, category, qtype, difficulty)
    else:
        data = export.export_bytes(bank_name, category, qtype, difficulty)
        if export.has_media(bank_name, category, qtype, difficulty):
            click.echo(
                "Some questions have pictures or sound: export to a .zip to keep them / "
                "部分题目带图片或音频：导出为 .zip 才能保留媒体文件",
                err=True,
            )
    with open(file, "wb") as fh:
        fh.write(data)
    click.echo(f"{file}")


@bank_cli.command("template")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def template_command(file):
    """Write the official import template (.xlsx)."""
    from . import template

    with open(file, "wb") as fh:
        fh.write(template.template_bytes())
    click.echo(f"{file}")


@bank_cli.command("list")
def list_command():
    """List the banks with their question counts per type."""
    from . import service

    by_type: dict = {}
    for summary in service.bank_summary():
        by_type[summary["name"]] = summary["types"]
    for bank, count in service.banks():
        kinds = " ".join(f"{k}={v}" for k, v in by_type.get(bank.name, {}).items())
        click.echo(f"{bank.id}\t{bank.name}\t{count}\t{kinds}")
