"""What a media file is, by content, never by name: its type, its size, its caps. Pure.

``sniff`` reads the magic bytes (PNG, JPEG, GIF, WebP; MP3 with ID3 or a frame sync, OGG, WAV,
M4A; MP4 and WebM video) and, for pictures, that the header holds a size; a ``.png`` that is
really a JPEG is the JPEG it is, and a file that is none of these is a row-level problem.
Capped: 10 MB a picture, 20 MB a sound or video, 200 MB of media per import (over that the
import is refused), and a zip of sheet + media of at most 256 MB.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass, field

from . import media_messages  # noqa: F401  (registers the media messages)
from . import messages as m

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
NAME_RE = re.compile(r"^([0-9a-f]{64})\.([a-z0-9]{2,4})$")


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
