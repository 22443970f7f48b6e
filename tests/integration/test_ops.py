"""What operators watch (quiz/web/ops.py, docs/operations.md): /healthz and /metrics."""
import json

from prometheus_client.parser import text_string_to_metric_families

from quiz.factory import create_app
from tests.conftest import ADMIN_PASSWORD


def samples(resp) -> dict:
    """{(name, labels...): value} of a /metrics page."""
    out = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            out[(s.name, *sorted(s.labels.items()))] = s.value
    return out


def test_healthz_says_ok_with_counts_and_no_secrets(app, client, make_contest, make_socket):
    c = make_contest()
    make_socket(contest=c["code"], role="screen")          # this process now holds the contest
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["ok"] is True and body["failed"] == []
    assert body["checks"] == {"database": "ok", "redis": "off", "schema": "ok",
                              "contests": {"loaded": 1, "failed": 0}}
    text = resp.get_data(as_text=True)
    for secret in (c["code"], c["host_key"], ADMIN_PASSWORD, app.config["SECRET_KEY"],
                   "sqlite"):
        assert secret not in text


def test_healthz_is_503_naming_the_database_when_it_is_unreachable(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    down = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://quiz:pw-xyz@127.0.0.1:1/none",
                       "SOCKETIO_ASYNC_MODE": "threading", "QUIZ_DEMO": False})
    resp = down.test_client().get("/healthz")
    assert resp.status_code == 503
    body = json.loads(resp.get_data(as_text=True))
    assert body["ok"] is False and "database" in body["failed"]
    assert body["checks"]["database"].startswith("error: ")
    assert "pw-xyz" not in resp.get_data(as_text=True)


def test_metrics_count_clients_commands_and_broadcasts(app, client, make_contest, make_socket):
    before = samples(client.get("/metrics"))
    c = make_contest()
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    make_socket(contest=c["code"], role="screen")
    phones = [make_socket(contest=c["code"], role="player") for _ in range(3)]
    assert phones[0].emit("join", {"team": c["teams"][0], "name": "甲"}, callback=True)["ok"]
    assert host.emit("host", {"action": "next"}, callback=True)["ok"]
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype.startswith("text/plain")
    after = samples(resp)

    def grew(*key):
        return after.get(key, 0) - before.get(key, 0)

    assert after[("quiz_connected_clients", ("role", "player"))] == 3
    assert after[("quiz_connected_clients", ("role", "host"))] == 1
    assert after[("quiz_connected_clients", ("role", "screen"))] == 1
    assert grew("quiz_commands_total", ("role", "host")) == 1
    assert grew("quiz_command_seconds_count") == 1
    assert grew("quiz_broadcast_seconds_count", ("role", "screen")) >= 1
    assert ("quiz_conflicts_total",) in after and ("quiz_reloads_total",) in after


def test_metrics_are_refused_to_the_hall_and_through_a_proxy(app, client):
    phone = app.test_client()
    lan = {"REMOTE_ADDR": "192.168.1.20"}
    assert phone.get("/metrics", environ_base=lan).status_code == 404
    # behind nginx every phone arrives from loopback: a forwarded request needs the token
    assert client.get("/metrics", headers={"X-Forwarded-For": "192.168.1.20"}).status_code == 404
    app.config["QUIZ_METRICS_TOKEN"] = "scrape-secret"
    assert phone.get("/metrics", environ_base=lan,
                     headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert phone.get("/metrics", environ_base=lan,
                     headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
    app.config["QUIZ_METRICS_ALLOW"] = ["10.9.0.0/24"]      # the operators' network
    assert phone.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.0.7"}).status_code == 200
