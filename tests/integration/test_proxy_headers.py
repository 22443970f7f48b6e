"""Behind nginx (deploy/): limits per address count the phones' addresses, not the proxy's.

QUIZ_TRUSTED_PROXIES=1 makes the app read the client's address from X-Forwarded-For (nginx
sets it); without it the header is ignored, so a client cannot pick its own address.
"""
import pytest

from quiz.factory import create_app

PASSWORD = "proxy-test-pw"


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    def make(trusted: str | None):
        if trusted is None:
            monkeypatch.delenv("QUIZ_TRUSTED_PROXIES", raising=False)
        else:
            monkeypatch.setenv("QUIZ_TRUSTED_PROXIES", trusted)
        monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
        monkeypatch.setenv("QUIZ_ADMIN_PASSWORD", PASSWORD)
        return create_app({
            "TESTING": True, "WTF_CSRF_ENABLED": False, "QUIZ_DEMO": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
            "SOCKETIO_ASYNC_MODE": "threading"})
    return make


def sign_in(client, password, address):
    """True when the organizer sign-in with ``password`` from ``address`` succeeded."""
    resp = client.post("/login", data={"password": password},
                       headers={"X-Forwarded-For": address})
    return resp.status_code == 302


def lock_out(client, address):
    """Fail to sign in from ``address`` until even the right password is refused."""
    for _ in range(50):
        assert not sign_in(client, "wrong", address)
        if not sign_in(client, PASSWORD, address):
            return
        client.get("/logout")
    raise AssertionError("the sign-in was never throttled")


def test_behind_a_trusted_proxy_each_forwarded_address_is_limited_on_its_own(make_app):
    client = make_app("1").test_client()
    lock_out(client, "198.51.100.7")
    assert not sign_in(client, PASSWORD, "198.51.100.7")
    # another phone behind the same nginx is not locked out with the first
    assert sign_in(client, PASSWORD, "203.0.113.9")


def test_without_trusted_proxies_a_forged_forwarded_address_changes_nothing(make_app):
    client = make_app(None).test_client()
    lock_out(client, "198.51.100.7")
    # the header is not believed: this is still the same client, still locked out
    assert not sign_in(client, PASSWORD, "203.0.113.9")
