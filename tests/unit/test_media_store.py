"""Media by content: type sniffing, caps, the content-addressed store, hostile zips."""

from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest

from question_bank import bundles, media_collect, media_store, media_types
from question_bank import messages as m

from .test_media_sheet import PICTURE_ROWS, jpeg_header, png, wav, workbook_bytes, zip_bundle


@pytest.mark.parametrize(
    "data, ext",
    [
        (png(), "png"),
        (jpeg_header(), "jpg"),
        (b"GIF89a\x04\x00\x03\x00" + b"\x00" * 20, "gif"),
        (b"RIFF\x20\x00\x00\x00WEBPVP8X" + b"\x00" * 8 + b"\x03\x00\x00\x02\x00\x00", "webp"),
        (wav(0.05), "wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x10" + b"\x00" * 40, "mp3"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 40, "mp3"),
        (b"OggS\x00\x02" + b"\x00" * 40, "ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 20, "m4a"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + b"\x00" * 20, "mp4"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 40, "webm"),
        (b"\xff\xf1\x50\x80" + b"\x00" * 40, None),  # AAC ADTS is not MP3
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),  # SVG: never (scripts)
        (b"%PDF-1.4", None),
        (b"hello", None),
    ],
)
def test_sniff_by_content(data, ext):
    assert media_types.sniff(data) == ext


def test_check_picture_size_and_label():
    blob = media_types.check(png(8, 6), "图片/长城.JPG")  # mislabelled: a PNG named .JPG
    assert (blob.ext, blob.kind, blob.width, blob.height) == ("png", "image", 8, 6)
    assert blob.name == "长城.png" and blob.url == f"/media/{blob.sha256}.png"
    assert media_types.check(jpeg_header(4, 3), "x").width == 4


def test_check_refuses_unreadable_truncated_and_large():
    with pytest.raises(media_types.MediaError) as err:
        media_types.check(b"not an image", "a.png")
    assert err.value.code == "media_unreadable"
    with pytest.raises(media_types.MediaError):
        media_types.check(png()[:-12], "cut.png")  # truncated: no IEND
    limits = media_types.MediaLimits(max_image=100, max_av=200)
    with pytest.raises(media_types.MediaError) as err:
        media_types.check(png(40, 40, (1, 2, 3)) + b"\x00" * 200, "big.png", limits)
    assert err.value.code in ("media_too_large", "media_unreadable")
    with pytest.raises(media_types.MediaError) as err:
        media_types.check(wav(0.5), "long.wav", limits)
    assert err.value.code == "media_too_large_av"
    text = m.text("media_too_large_av", "zh", value="x.wav", size="1 MB", limit="2 MB")
    assert "x.wav" in text and "音视频" in text


def test_store_paths_come_from_the_digest_only(tmp_path):
    blob = media_types.check(png(), "../../etc/passwd.png")
    path = media_store.save(str(tmp_path), blob)
    assert path == os.path.join(str(tmp_path), "media", blob.sha256[:2], blob.sha256 + ".png")
    assert open(path, "rb").read() == blob.data
    assert media_store.save(str(tmp_path), blob) == path  # stored once
    assert blob.name == "passwd.png"
    for sha, ext in (("../" * 3 + "x", "png"), ("a" * 64, "exe"), ("A" * 64, "png")):
        with pytest.raises(ValueError):
            media_store.path_for(str(tmp_path), sha, ext)
    assert sorted(os.listdir(tmp_path)) == ["media"]


def _raw_zip(entries):
    """A zip whose entry names and attributes are written as given (no sanitising)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body, mode in entries:
            info = zipfile.ZipInfo(name)
            if mode:
                info.external_attr = mode << 16
            zf.writestr(info, body)
    return buf.getvalue()


SHEET = workbook_bytes(PICTURE_ROWS)


@pytest.mark.parametrize(
    "name, mode",
    [
        ("../evil.png", 0),
        ("media/../../evil.png", 0),
        ("/etc/evil.png", 0),
        ("C:/evil.png", 0),
        ("..\\evil.png", 0),
        ("media/link.png", stat.S_IFLNK | 0o777),
    ],
)
def test_hostile_zip_paths_refuse_the_whole_file(name, mode):
    data = _raw_zip([("q.xlsx", SHEET, 0), (name, png(), mode)])
    with pytest.raises(m.ImportRefused) as err:
        bundles.open_bundle(data, "bad.zip")
    assert err.value.code == "bundle_unsafe_path"
    assert "unsafe" in err.value.message("en") and "不安全" in err.value.message("zh")


def test_zip_bomb_and_limits():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("q.xlsx", SHEET)
        zf.writestr("media/zeros.wav", b"\x00" * (8 * 1024 * 1024))
    with pytest.raises(m.ZipBomb):
        bundles.open_bundle(buf.getvalue(), "bomb.zip")
    small = zip_bundle({"q.xlsx": SHEET, "a.png": png()})
    with pytest.raises(m.FileTooLarge):
        bundles.open_bundle(small, "x.zip", media_types.MediaLimits(max_bundle=100))
    with pytest.raises(m.ZipBomb):
        bundles.open_bundle(small, "x.zip", media_types.MediaLimits(max_entries=1))
    with pytest.raises(m.NotASpreadsheet):
        bundles.open_bundle(zip_bundle({"a.png": png()}), "x.zip")


class _Cp437Info(zipfile.ZipInfo):
    """An entry name written as raw bytes without the UTF-8 flag (as Windows' zip does)."""

    __slots__ = ()

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp437"), self.flag_bits


def test_bundle_detection_and_gbk_names():
    assert not bundles.is_bundle(SHEET)  # an .xlsx is a zip, but a workbook
    assert bundles.is_bundle(zip_bundle({"q.xlsx": SHEET}))
    buf = io.BytesIO()  # a Windows zip: GBK bytes in the name, no UTF-8 flag
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("q.xlsx", SHEET)
        info = _Cp437Info("media/长城.png".encode("gbk").decode("cp437"))
        zf.writestr(info, png())
    b = bundles.open_bundle(buf.getvalue(), "win.zip")
    assert b.find("长城.png") == "media/长城.png"


def test_collector_caps_the_import():
    c = media_collect.Collector(media_types.MediaLimits(max_import=len(png()) + 10))
    first = c.add(png(), "a.png")
    assert c.add(png(), "b.png").sha256 == first.sha256  # the same file counts once
    with pytest.raises(m.ImportRefused) as err:
        c.add(png(rgb=(1, 1, 1)), "c.png")
    assert err.value.code == "media_total_too_large"
