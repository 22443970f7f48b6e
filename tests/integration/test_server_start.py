"""`python app.py` (what `make run` starts): demo on first start, the banner, the pages."""
import re
import urllib.request

from tests.serverproc import ServerProcess


def test_first_start_loads_the_demo_prints_addresses_and_serves_them(tmp_path):
    server = ServerProcess(tmp_path / "instance", demo=True,
                           extra_env={"QUIZ_PUBLIC_URL": ""})
    server.start()
    try:
        out = server.output()
        urls = {}
        for role in ("host", "screen", "play"):
            found = re.search(rf"http://[\d.]+:{server.port}/{role}/(\d{{6}})", out)
            assert found, f"no {role} address in:\n{out}"
            urls[role] = found.group(0)
        assert re.search(r"Host key / 主持人密钥:\s+\S{22,}", out)
        assert "QUIZ_ADMIN_PASSWORD" in out or "password" in out
        code = re.search(r"/play/(\d{6})", urls["play"]).group(1)
        for role in ("screen", "play"):
            page = urllib.request.urlopen(f"{server.url}/{role}/{code}", timeout=5)
            body = page.read().decode("utf-8")
            assert page.status == 200 and "红星队" in body
        page = urllib.request.urlopen(f"{server.url}/host/{code}", timeout=5).read().decode()
        assert 'name="key"' in page                      # the host signs in first
    finally:
        server.stop()
    # a second start keeps the same contest and does not load the demo again
    server.start()
    try:
        second = server.output().split("知识竞赛 Knowledge contest server")
        assert len(second) == 3 and second[2].count(f"/play/{code}") == 1
    finally:
        server.stop()
