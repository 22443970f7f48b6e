"""A picture question and an audio question, from a zip of sheet + media to the projector.

The bank is imported with the CLI from a zip built here (a PNG made with zlib + struct, a WAV with
the wave module); the contest draws both questions in sheet order. The projector must show the
picture loaded (naturalWidth > 0), large, whole and clear of the options; the host's "play on the
projector" must start the projector's audio (Chromium runs with
--autoplay-policy=no-user-gesture-required, see conftest.CHROMIUM_ARGS).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, created_contest, press_when, start_server
from tests.unit.test_media_sheet import HEAD, png, wav, workbook_bytes, zip_bundle

T = 8000
CODE = "135790"


def _landscape_png() -> bytes:
    """A 640×360 picture with a frame and a cross, so cropping would show in a screenshot."""
    import struct
    import zlib

    w, h = 640, 360
    rows = []
    for y in range(h):
        row = bytearray(b"\x00")
        for x in range(w):
            edge = x < 12 or y < 12 or x >= w - 12 or y >= h - 12
            cross = abs(x * h - y * w) < 2 * w or abs((w - x) * h - y * w) < 2 * w
            row += bytes((255, 213, 79) if edge else (229, 57, 53) if cross else (30, 136, 229))
        rows.append(bytes(row))

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def media_server(tmp_path_factory):
    """The real server with a bank of a picture and an audio question, and a contest on it."""
    instance = str(tmp_path_factory.mktemp("media-instance"))
    work = tmp_path_factory.mktemp("media-files")
    rows = [
        HEAD + ["图片", "音频"],
        [
            "单选",
            "图中的标志是什么颜色的？",
            "红色和蓝色",
            "绿色",
            "黑色",
            "白色",
            "A",
            "media/flag.png",
            None,
        ],
        [
            "填空",
            "听一段音频：它是什么声音？____",
            None,
            None,
            None,
            None,
            "正弦波|beep",
            None,
            "media/tone.wav",
        ],
    ]
    bundle = work / "媒体题库.zip"
    bundle.write_bytes(
        zip_bundle(
            {
                "题库.xlsx": workbook_bytes(rows),
                "media/flag.png": _landscape_png(),
                "media/tone.wav": wav(6.0, 8000, 440),
                "media/unused.png": png(),
            }
        )
    )
    spec = work / "contest.json"
    spec.write_text(
        json.dumps(
            {
                "name": "图片与音频题",
                "code": CODE,
                "media_on_phones": True,
                "join": "open",  # any phone joins any team (tests/e2e/test_websec.py: policies)
                "teams": [
                    {"name": "红队", "color": "#e53935"},
                    {"name": "蓝队", "color": "#1e88e5"},
                ],
                "rounds": [
                    {
                        "kind": "buzz",
                        "title": "看图听音",
                        "settings": {"buzz_window": 60, "answer_time": 60},
                        "draw": {"bank": "媒体题库", "count": 2, "order": "sheet"},
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    made = {}

    def prepare(srv):
        done = srv.flask("bank", "import", str(bundle), "--bank", "媒体题库", "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert report["imported"] == 2 and report["media"]["questions"] == 2, report
        made.update(created_contest(srv.flask("contest", "create", str(spec))))

    srv = start_server(instance, prepare)
    try:
        yield {"url": srv.url, "code": made["code"], "key": made["host_key"]}
    finally:
        srv.stop()


def test_picture_and_audio_questions(media_server, browser, shoot):
    base, code = media_server["url"], media_server["code"]
    proj_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host_ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    phone_ctx = browser.new_context(**PHONE)
    try:
        proj, host, phone = proj_ctx.new_page(), host_ctx.new_page(), phone_ctx.new_page()
        for p in (proj, host, phone):
            p.set_default_timeout(T)
        proj.goto(f"{base}/screen/{code}")
        host.goto(f"{base}/host/{code}")
        host.fill("input[name=key]", media_server["key"])
        host.click("button[type=submit]")
        expect(host.locator("#primary")).to_be_visible()
        phone.goto(f"{base}/play/{code}")
        phone.locator("button.team-pick", has_text="红队").click()
        phone.fill("#join-name", "张三")
        phone.click("#join-go")
        expect(phone.locator("#s-wait")).to_be_visible()

        host.keyboard.press("Space")  # round intro
        expect(proj.locator("#intro-title")).to_have_text("看图听音")
        press_when(host, "出第一题")  # the picture question
        expect(proj.locator("#q-stem")).to_contain_text("标志是什么颜色")
        img = proj.locator("#q-media img")
        expect(img).to_be_visible()
        proj.wait_for_function(
            "() => { const i = document.querySelector('#q-media img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        assert img.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [640, 360]
        box = img.bounding_box()
        fit = img.evaluate("i => getComputedStyle(i).objectFit")
        assert fit == "contain"
        first_opt = proj.locator("#q-options .opt").first.bounding_box()
        stem = proj.locator("#q-stem").bounding_box()
        # large (the rendered picture: contain keeps 16:9 inside the box), under the stem,
        # above the options, inside the stage
        shown_h = min(box["height"], box["width"] * 360 / 640)
        assert shown_h >= 1080 * 0.28, box
        assert box["y"] >= stem["y"] + stem["height"] - 1
        assert box["y"] + box["height"] <= first_opt["y"] + 1
        stage = proj.locator("#stage").bounding_box()
        assert box["x"] >= stage["x"] and box["x"] + box["width"] <= stage["x"] + stage["width"]
        # the host previews it; the phone shows it (media_on_phones)
        expect(host.locator("#now-media img")).to_be_visible()
        assert host.locator("#now-media img").evaluate("i => i.naturalWidth") == 640
        host.keyboard.press("b")
        expect(phone.locator("#buzz-media img")).to_be_visible()
        phone.wait_for_function(
            "() => { const i = document.querySelector('#buzz-media img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        shoot(proj, "media-01-picture-proj")
        shoot(host, "media-01-picture-host")
        shoot(phone, "media-01-picture-phone")

        # the audio question: the host plays it on the projector
        host.locator("#actions button[data-action=next]").click()
        expect(proj.locator("#q-stem")).to_contain_text("听一段音频")
        audio = proj.locator("#q-media audio")
        expect(audio).to_have_count(1)
        expect(proj.locator("#q-media img")).to_have_count(0)
        assert audio.evaluate("a => a.paused") is True
        play = host.locator("#now-media button.hm-play")
        expect(play).to_be_visible()
        play.click()
        proj.wait_for_function(
            "() => { const a = document.querySelector('#q-media audio');"
            " return a && !a.paused && a.currentTime > 0; }",
            timeout=10000,
        )
        shoot(proj, "media-02-audio-proj")
        shoot(host, "media-02-audio-host")
        host.locator("#now-media button.hm-pause").click()
        proj.wait_for_function("() => document.querySelector('#q-media audio').paused")
        # the mirror in the host console stays silent
        frame = host.frame_locator("#mirror-frame")
        expect(frame.locator("#q-media audio")).to_have_count(1)
        assert frame.locator("#q-media audio").evaluate("a => a.paused") is True
    finally:
        for ctx in (proj_ctx, host_ctx, phone_ctx):
            ctx.close()
