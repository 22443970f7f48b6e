"""Pictures, sound and video for questions: checked by content, stored once by content hash.

- **Type by content, never by name.** ``sniff`` reads the magic bytes (PNG, JPEG, GIF, WebP;
  MP3 with ID3 or a frame sync, OGG, WAV, M4A; MP4 and WebM video) and, for pictures, that the
  header holds a size; a ``.png`` that is really a JPEG is stored as the JPEG it is, and a file
  that is none of these is a row-level problem.
- **Capped:** 10 MB a picture, 20 MB a sound or video, 200 MB of media per import (over that the
  import is refused), and a zip of sheet + media of at most 256 MB.
- **Stored by content:** ``instance/media/<sha256[:2]>/<sha256>.<ext>``. Only the hex digest and an
  extension from our own table make the path, so no name from a sheet or a zip ever reaches the
  file system. Files are written before the import's one transaction (a failed transaction leaves
  a harmless unreferenced file, no row).
- **Zips of sheet + media** (``open_bundle``): refused when an entry climbs out (``../``, an
  absolute path, a drive letter), is a symlink or is encrypted, or when the declared sizes add up
  to a bomb; entries are read with a cap, whatever their headers say. Entry names are only ever
  keys of a dict, never paths.
- Served at ``/media/<sha256>.<ext>``: immutable, a year of caching, ETag, ranges (audio and
  video seek), the right Content-Type and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import stat
import struct
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field

from . import messages as m
from .messages import Problem

MB = 1024 * 1024

# ext -> (kind, mime). The only extensions a stored file can have.
TYPES: dict[str, tuple[str, str]] = {
    "png": ("image", "image/png"),
    "jpg": ("image", "image/jpeg"),
    "gif": ("image", "image/gif"),
    "webp": ("image", "image/webp"),
    "mp3": ("audio", "audio/mpeg"),
    "ogg": ("audio", "audio/ogg"),
    "wav": ("audio", "audio/wav"),
    "m4a": ("audio", "audio/mp4"),
    "mp4": ("video", "video/mp4"),
    "webm": ("video", "video/webm"),
}
SHEET_EXTS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")
NAME_RE = re.compile(r"^([0-9a-f]{64})\.([a-z0-9]{2,4})$")
_SEPARATORS = re.compile(r"[|\n;；、]+")

MESSAGES = {
    "media_missing": (
        "找不到媒体文件“{value}”（压缩包中没有这个文件）。",
        "The media file '{value}' was not found (it is not in the zip).",
    ),
    "media_missing_no_zip": (
        "找不到媒体文件“{value}”：请把表格和媒体文件夹一起打包成 .zip 上传。",
        "The media file '{value}' was not found: upload the sheet and its media folder "
        "together as one .zip.",
    ),
    "media_link": (
        "媒体“{value}”是网址；不会下载网上的文件，请把文件放进 .zip。",
        "The media '{value}' is a web address; nothing is downloaded: put the file in the .zip.",
    ),
    "media_unreadable": (
        "媒体文件“{value}”不是可显示的图片或可播放的音视频（支持 PNG、JPEG、GIF、WebP、"
        "MP3、OGG、WAV、M4A、MP4、WebM），或文件已损坏。",
        "The media file '{value}' is not a picture, sound or video we can show (PNG, JPEG, GIF, "
        "WebP, MP3, OGG, WAV, M4A, MP4, WebM), or it is damaged.",
    ),
    "media_too_large": (
        "媒体文件“{value}”有 {size}，超过单个图片的上限 {limit}。",
        "The media file '{value}' is {size}, over the limit of {limit} for a picture.",
    ),
    "media_too_large_av": (
        "媒体文件“{value}”有 {size}，超过单个音视频文件的上限 {limit}。",
        "The media file '{value}' is {size}, over the limit of {limit} for a sound or video.",
    ),
    "media_total_too_large": (
        "本次导入的媒体文件合计 {size}，超过上限 {limit}；请分批导入。",
        "The media of this import add up to {size}, over the limit of {limit}; import in parts.",
    ),
    "media_unplaced": (
        "工作表中的图片（第 {row} 行）不在任何题目的行内，已忽略。",
        "A picture in the sheet (row {row}) is not in any question's row; it was ignored.",
    ),
    "bundle_unsafe_path": (
        "压缩包中的“{part}”路径不安全（含 ../、绝对路径或符号链接），已拒绝整个文件。",
        "The zip entry '{part}' has an unsafe path (../, an absolute path or a symlink); "
        "the whole file is refused.",
    ),
    "bundle_encrypted": (
        "压缩包设置了密码；请去掉密码后重新打包。",
        "The zip is password-protected; pack it again without a password.",
    ),
    "bundle_no_sheet": (
        "压缩包里没有题目表格（.xlsx、.xls、.ods 或 .csv）。",
        "The zip holds no question sheet (.xlsx, .xls, .ods or .csv).",
    ),
    "bundle_too_large": (
        "压缩包太大（{size}），上限为 {limit}。",
        "The zip is too large ({size}); the limit is {limit}.",
    ),
}
m.MESSAGES.update(MESSAGES)


@dataclass(frozen=True)
class MediaLimits:
    max_image: int = 10 * MB
    max_av: int = 20 * MB  # audio and video
    max_import: int = 200 * MB  # distinct media of one import
    max_bundle: int = 256 * MB  # a .zip of sheet + media, as uploaded
    max_unpacked: int = 600 * MB  # declared uncompressed total of a bundle
    max_entries: int = 5000
    max_ratio: int = 200  # per entry, past 1 MB


class MediaError(ValueError):
    """A file that cannot be a question's media: ``code`` is a message code (row-level)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Blob:
    """One checked media file (bytes in memory until ``save``)."""

    sha256: str
    ext: str
    size: int
    name: str
    data: bytes = field(repr=False, default=b"")
    width: int | None = None
    height: int | None = None

    @property
    def kind(self) -> str:
        return TYPES[self.ext][0]

    @property
    def mime(self) -> str:
        return TYPES[self.ext][1]

    @property
    def url(self) -> str:
        return f"/media/{self.sha256}.{self.ext}"


# --------------------------------------------------------------------------- content checks


def sniff(data: bytes) -> str | None:
    """The extension (a TYPES key) the content really is, or None."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"ID3") and len(data) > 10:
        return "mp3"
    if len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
        bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
        if version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3:
            return "mp3"  # an MPEG audio frame header (not AAC's ADTS: its layer is 0)
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "m4a" if brand in (b"M4A ", b"M4B ", b"M4P ", b"F4A ") else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def image_size(data: bytes, ext: str) -> tuple[int, int] | None:
    """(width, height) from a picture's header; None when the header is broken."""
    try:
        if ext == "png":
            if data[12:16] != b"IHDR" or b"IEND" not in data[-16:]:
                return None  # no header chunk, or truncated
            return struct.unpack(">II", data[16:24])
        if ext == "gif":
            return struct.unpack("<HH", data[6:10])
        if ext == "webp":
            chunk = data[12:16]
            if chunk == b"VP8 ":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if chunk == b"VP8L":
                b = data[21:25]
                w = 1 + (((b[1] & 0x3F) << 8) | b[0])
                h = 1 + (((b[3] & 0xF) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
                return w, h
            if chunk == b"VP8X":
                w = 1 + int.from_bytes(data[24:27], "little")
                h = 1 + int.from_bytes(data[27:30], "little")
                return w, h
            return None
        if ext == "jpg":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    return None
                marker = data[i + 1]
                if marker == 0xFF:
                    i += 1
                    continue
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                    i += 2
                    continue
                length = struct.unpack(">H", data[i + 2 : i + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                    return w, h
                i += 2 + length
            return None
    except (struct.error, IndexError):
        return None
    return None


def check(data: bytes, name: str, limits: MediaLimits = MediaLimits()) -> Blob:
    """A Blob for these bytes, or MediaError (unreadable, too large)."""
    ext = sniff(data)
    if ext is None:
        raise MediaError("media_unreadable")
    kind = TYPES[ext][0]
    cap = limits.max_image if kind == "image" else limits.max_av
    if len(data) > cap:
        raise MediaError(
            "media_too_large" if kind == "image" else "media_too_large_av",
            size=m.human_size(len(data)),
            limit=m.human_size(cap),
        )
    width = height = None
    if kind == "image":
        dims = image_size(data, ext)
        if not dims or not dims[0] or not dims[1]:
            raise MediaError("media_unreadable")
        width, height = dims
    return Blob(
        hashlib.sha256(data).hexdigest(),
        ext,
        len(data),
        display_name(name, ext),
        data,
        width,
        height,
    )


def display_name(name: str, ext: str) -> str:
    """A harmless label from a file name: base name, no control characters, at most 120 chars;
    the extension set to what the content is."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[:100] or "media"
    return f"{stem}.{ext}"


# --------------------------------------------------------------------------- the store


def root(instance_path: str) -> str:
    return os.path.join(instance_path, "media")


def path_for(instance_path: str, sha256: str, ext: str) -> str:
    """The file of a stored medium: built from the hex digest and a known extension only."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256) or ext not in TYPES:
        raise ValueError("not a media name")
    return os.path.join(root(instance_path), sha256[:2], f"{sha256}.{ext}")


def save(instance_path: str, blob: Blob) -> str:
    """Write the blob once (atomically); an existing file with that digest is kept."""
    path = path_for(instance_path, blob.sha256, blob.ext)
    if os.path.exists(path):
        return path
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob.data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


# --------------------------------------------------------------------------- zips of sheet + media


@dataclass
class Bundle:
    """A zip holding question sheets and their media; entry names are dict keys only."""

    filename: str
    sheets: list[tuple[str, str]]  # (display name, entry key)
    entries: dict[str, zipfile.ZipInfo]  # normalized key -> entry
    zf: zipfile.ZipFile
    limits: MediaLimits

    def read(self, key: str, cap: int) -> bytes:
        """An entry's bytes, never more than cap + 1 whatever its header says."""
        with self.zf.open(self.entries[key]) as fh:
            return fh.read(cap + 1)

    def find(self, ref: str, sheet_key: str = "") -> str | None:
        """The entry a cell names: next to the sheet, from the top, or a unique base name."""
        want = _key(ref)
        if not want or any(part == ".." for part in want.split("/")):
            return None
        here = posixpath.dirname(sheet_key)
        for candidate in (posixpath.join(here, want) if here else want, want):
            if candidate in self.entries:
                return candidate
        base = want.rsplit("/", 1)[-1]
        same = [k for k in self.entries if k.rsplit("/", 1)[-1] == base]
        if len(same) == 1:
            return same[0]
        # a name without its extension ("长城" for 长城.jpg), when unique
        if "." not in base:
            stems = [k for k in self.entries if k.rsplit("/", 1)[-1].rsplit(".", 1)[0] == base]
            if len(stems) == 1:
                return stems[0]
        return None


def _key(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name)).strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return posixpath.normpath(text).lstrip("/").casefold() if text else ""


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; Windows zips of Chinese names carry GBK bytes without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for codec in ("utf-8", "gb18030"):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                continue
    return name


def _unsafe(name: str, info: zipfile.ZipInfo) -> bool:
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text) or "\x00" in text:
        return True
    if any(part == ".." for part in text.split("/")):
        return True
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def is_bundle(data: bytes) -> bool:
    """A zip that is not itself a workbook (.xlsx/.ods): a sheet with a media folder."""
    if not data.startswith(b"PK"):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # the sheet reader names the damage
    return not ({"xl/workbook.xml", "content.xml", "EncryptedPackage", "mimetype"} & names)


def open_bundle(data: bytes, filename: str, limits: MediaLimits = MediaLimits()) -> Bundle:
    """Check a zip of sheets + media and index it; ImportRefused for anything hostile."""
    if len(data) > limits.max_bundle:
        raise m.FileTooLarge(
            "bundle_too_large",
            size=m.human_size(len(data)),
            limit=m.human_size(limits.max_bundle),
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise m.CorruptFile("corrupt_zip", detail=str(exc) or type(exc).__name__) from None
    if len(infos) > limits.max_entries:
        raise m.ZipBomb(
            "zip_bomb", size=f"{len(infos)} entries", limit=f"{limits.max_entries} entries"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked:
        raise m.ZipBomb(
            "zip_bomb", size=m.human_size(total), limit=m.human_size(limits.max_unpacked)
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    sheets: list[tuple[str, str]] = []
    for info in infos:
        name = _entry_name(info)
        if _unsafe(name, info):
            raise m.ImportRefused("bundle_unsafe_path", part=name[:200])
        if info.flag_bits & 0x1:
            raise m.EncryptedWorkbook("bundle_encrypted")
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise m.ZipBomb(
                "zip_bomb", size=m.human_size(info.file_size), limit=f"{limits.max_ratio}x"
            )
        if info.is_dir():
            continue
        parts = name.replace("\\", "/").split("/")
        if parts[0] == "__MACOSX" or parts[-1].startswith(("._", "~$", ".~")):
            continue
        key = _key(name)
        entries[key] = info
        if key.endswith(SHEET_EXTS) and parts[-1] not in (".DS_Store",):
            sheets.append((name.replace("\\", "/"), key))
    if not sheets:
        raise m.NotASpreadsheet("bundle_no_sheet")
    sheets.sort(key=lambda s: (s[1].count("/"), s[1]))
    return Bundle(filename, sheets, entries, zf, limits)


def split_refs(text: str) -> list[str]:
    """The file names one media cell holds (several separated by |, ;, 、 or line breaks)."""
    return [t.strip() for t in _SEPARATORS.split(text or "") if t.strip()]


DISPIMG_RE = re.compile(r'DISPIMG\(\s*"([^"]+)"', re.I)


# --------------------------------------------------------------------------- during an import


def _is_link(text: str) -> bool:
    return bool(re.match(r"^(https?|ftp)://|^www\.", text.strip(), re.I))


class Collector:
    """The media of one import: reads, checks and dedupes them, attaches them to the parsed
    questions, and counts what the dry run reports (questions with media, missing files)."""

    def __init__(self, limits: MediaLimits = MediaLimits()):
        self.limits = limits
        self.blobs: dict[str, Blob] = {}
        self.total = 0
        self.missing: list[dict] = []  # {"file", "sheet", "row", "name"}

    def add(self, data: bytes, name: str) -> Blob:
        """A checked blob (MediaError for this file; ImportRefused past the import's cap)."""
        blob = check(data, name, self.limits)
        known = self.blobs.get(blob.sha256)
        if known is not None:
            return Blob(
                known.sha256,
                known.ext,
                known.size,
                blob.name,
                known.data,
                known.width,
                known.height,
            )
        self.total += blob.size
        if self.total > self.limits.max_import:
            raise m.ImportRefused(
                "media_total_too_large",
                size=f"> {m.human_size(self.limits.max_import)}",
                limit=m.human_size(self.limits.max_import),
            )
        self.blobs[blob.sha256] = blob
        return blob

    def attach(
        self,
        out,
        start: int,
        book,
        data: bytes | None,
        bundle: Bundle | None = None,
        sheet_key: str = "",
    ) -> None:
        """Give the questions ``out.questions[start:]`` (one workbook) their media; a question
        whose media cannot be had becomes a row-level problem."""
        from . import media_sheet

        questions = out.questions[start:]
        pics = media_sheet.pictures(data) if data and book.kind == "xlsx" else {}
        if not pics and not any(q.media_ref for q in questions):
            return
        at = {(q.sheet, q.row): q for q in questions}
        bad: dict[int, Problem] = {}
        cap = max(self.limits.max_image, self.limits.max_av)

        def fail(q, code, column, value, **params):
            if id(q) not in bad:
                bad[id(q)] = Problem(code, q.file, q.sheet, q.row, column, value, params)

        def take(q, raw: bytes, name: str, column: str, value: str) -> None:
            try:
                blob = self.add(raw, name)
            except MediaError as err:
                fail(q, err.code, column, value, **err.params)
                return
            q.media = q.media or []
            if all(b.sha256 != blob.sha256 for b in q.media):
                q.media.append(blob)

        for sheet, found in pics.items():
            for pic in found:
                q = at.get((sheet, pic.row)) or next(
                    (at[(sheet, r)] for r in range(pic.row, pic.last_row + 1) if (sheet, r) in at),
                    None,
                )
                if q is None:
                    out.warnings.append(
                        Problem(
                            "media_unplaced",
                            book.filename,
                            sheet,
                            pic.row,
                            "",
                            pic.name,
                            {"row": pic.row},
                        )
                    )
                    continue
                take(q, media_sheet.read_part(data, pic.part, cap), pic.name, "", pic.name)
        for q in questions:
            for column, text in q.media_ref or ():
                for ref in split_refs(text):
                    if DISPIMG_RE.search(ref):
                        if not q.media:
                            fail(q, "media_missing", column, ref)
                        continue
                    if _is_link(ref):
                        fail(q, "media_link", column, ref)
                        continue
                    key = bundle.find(ref, sheet_key) if bundle else None
                    if key is None:
                        self.missing.append(
                            {"file": q.file, "sheet": q.sheet, "row": q.row, "name": ref}
                        )
                        fail(q, "media_missing" if bundle else "media_missing_no_zip", column, ref)
                        continue
                    take(q, bundle.read(key, cap), ref, column, ref)
        if bad:
            out.problems.extend(bad.values())
            kept = [q for q in questions if id(q) not in bad]
            for q in questions:
                if id(q) in bad:
                    where = f"{q.file} / {q.sheet}"
                    out.sheets[where] = out.sheets.get(where, 1) - 1
            out.questions[start:] = kept
        for q in out.questions[start:]:
            if q.media:
                q.fingerprint = fingerprint(
                    q.stem, q.options, q.points, [b.sha256 for b in q.media]
                )


def fingerprint(stem, options, points, shas) -> str:
    """A question's fingerprint with its media: the same stem over another picture is another
    question. Without media it is the plain fingerprint (so older rows keep theirs)."""
    from .answers import fingerprint as plain

    if not shas:
        return plain(stem, options, points)
    return plain(f"{stem}\x00media:{','.join(shas)}", options, points)


def fingerprint_clash(question, fp: str) -> int | None:
    """The id of another question of the same bank that already has fingerprint ``fp``."""
    from sqlalchemy import select

    from quiz.base.extensions import db

    from .models import Question

    return db.session.scalar(
        select(Question.id).where(
            Question.bank_id == question.bank_id,
            Question.fingerprint == fp,
            Question.id != question.id,
        )
    )


def open_source(source, limits, media_limits: MediaLimits = MediaLimits()):
    """Yield (workbook, its bytes, bundle or None, entry key) for a path, a (name, bytes) pair
    or a (name, path) pair: one workbook for a sheet file, one per sheet for a zip of sheets +
    media."""
    from . import sheets

    disk = None
    if isinstance(source, str):
        source = (os.path.basename(source), source)
    name, data = source
    if isinstance(data, (str, os.PathLike)):  # a file on disk (the CLI, a kept upload)
        size = os.path.getsize(data)
        if size > max(limits.max_bytes, media_limits.max_bundle):
            raise m.FileTooLarge(
                "too_large", size=m.human_size(size), limit=m.human_size(limits.max_bytes)
            )
        data, disk = sheets.load(os.fspath(data), max(limits.max_bytes, media_limits.max_bundle))
    if not is_bundle(data):  # a workbook on disk is read by calamine from there (sheets.py)
        yield sheets.read_bytes(data, name, limits, disk), data, None, ""
        return
    bundle = open_bundle(data, name, media_limits)
    for display, key in bundle.sheets:
        inner = bundle.read(key, limits.max_bytes)
        if len(inner) > limits.max_bytes:
            raise m.FileTooLarge(
                "too_large",
                size=f"> {m.human_size(limits.max_bytes)}",
                limit=m.human_size(limits.max_bytes),
            )
        label = display.rsplit("/", 1)[-1]
        yield sheets.read_bytes(inner, label, limits), inner, bundle, key


# --------------------------------------------------------------------------- database and web
# (imported lazily: the parts above stay usable without Flask)


def save_blobs(instance_path: str, questions) -> int:
    """Write the media of these parsed questions to the store (before the transaction)."""
    written = set()
    for q in questions:
        for blob in q.media or ():
            if blob.sha256 not in written:
                save(instance_path, blob)
                written.add(blob.sha256)
    return len(written)


def link(bank_id: int, questions) -> None:
    """Inside the import's transaction: Media rows for new digests and the question links."""
    from sqlalchemy import insert, select

    from quiz.base.extensions import db

    from .models import Media, Question, QuestionMedia

    with_media = [q for q in questions if q.media]
    if not with_media:
        return
    blobs = {b.sha256: b for q in with_media for b in q.media}
    known = set()
    shas = list(blobs)
    for i in range(0, len(shas), 500):
        known.update(
            db.session.scalars(select(Media.sha256).where(Media.sha256.in_(shas[i : i + 500])))
        )
    new = [
        {
            "sha256": b.sha256,
            "ext": b.ext,
            "kind": b.kind,
            "size": b.size,
            "width": b.width,
            "height": b.height,
        }
        for sha, b in blobs.items()
        if sha not in known
    ]
    if new:
        db.session.execute(insert(Media.__table__), new)
    ids: dict[str, int] = {}
    fps = [q.fingerprint for q in with_media]
    for i in range(0, len(fps), 500):
        ids.update(
            db.session.execute(
                select(Question.fingerprint, Question.id).where(
                    Question.bank_id == bank_id, Question.fingerprint.in_(fps[i : i + 500])
                )
            ).all()
        )
    rows = [
        {"question_id": ids[q.fingerprint], "sha256": b.sha256, "position": n, "name": b.name}
        for q in with_media
        if q.fingerprint in ids
        for n, b in enumerate(q.media)
    ]
    if rows:
        db.session.execute(insert(QuestionMedia.__table__), rows)


def dicts(question) -> list[dict]:
    """A bank question's media as the contest copies them: kind, url, name."""
    return [
        {
            "kind": TYPES[ln.media.ext][0],
            "url": f"/media/{ln.sha256}.{ln.media.ext}",
            "name": ln.name,
        }
        for ln in (getattr(question, "media_links", None) or [])
    ]


def add_to_question(question, blob: Blob, instance_path: str) -> str | None:
    """Editor upload: store the file and link it; returns a problem code or None. Commits."""

    from quiz.base.extensions import db

    from .models import Media, QuestionMedia

    shas = [ln.sha256 for ln in question.media_links]
    if blob.sha256 in shas:
        return None
    fp = fingerprint(question.stem, question.options or [], question.points, shas + [blob.sha256])
    if fingerprint_clash(question, fp):
        return "duplicate"
    save(instance_path, blob)
    if db.session.get(Media, blob.sha256) is None:
        db.session.add(
            Media(
                sha256=blob.sha256,
                ext=blob.ext,
                kind=blob.kind,
                size=blob.size,
                width=blob.width,
                height=blob.height,
            )
        )
    question.media_links.append(
        QuestionMedia(sha256=blob.sha256, name=blob.name, position=len(shas))
    )
    question.fingerprint = fp
    db.session.commit()
    return None


def remove_from_question(question, sha256: str) -> str | None:
    """Editor: unlink one medium (the file stays: others may use it). Commits."""

    from quiz.base.extensions import db


    keep = [ln for ln in question.media_links if ln.sha256 != sha256]
    if len(keep) == len(question.media_links):
        return None
    fp = fingerprint(
        question.stem, question.options or [], question.points, [ln.sha256 for ln in keep]
    )
    if fingerprint_clash(question, fp):
        return "duplicate"
    question.media_links[:] = keep
    for n, ln in enumerate(keep):
        ln.position = n
    question.fingerprint = fp
    db.session.commit()
    return None


def shas_of(question_id: int) -> list[str]:
    from sqlalchemy import select

    from quiz.base.extensions import db

    from .models import QuestionMedia

    return list(
        db.session.scalars(
            select(QuestionMedia.sha256)
            .where(QuestionMedia.question_id == question_id)
            .order_by(QuestionMedia.position)
        )
    )


def _make_blueprint():
    from flask import Blueprint, abort, current_app, request, send_file

    bp = Blueprint("media", __name__)

    @bp.route("/media/<name>")
    def serve(name: str):
        found = NAME_RE.match(name)
        if not found or found.group(2) not in TYPES:
            abort(404)
        sha, ext = found.groups()
        path = path_for(current_app.instance_path, sha, ext)
        if not os.path.isfile(path):
            abort(404)
        if request.if_none_match and sha in request.if_none_match:
            resp = current_app.response_class(status=304)
        else:
            resp = send_file(
                path, mimetype=TYPES[ext][1], conditional=True, etag=sha, max_age=31536000
            )
        resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        resp.headers["ETag"] = f'"{sha}"'
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return resp

    return bp


def init_app(app) -> None:
    app.register_blueprint(_make_blueprint())
