"""Development shows the emails it did not send (console, /dev/outbox, `flask outbox`); production never."""

import re

import pytest

from participate import create_app
from participate.extensions import db
from tests.conftest import post_form

PASSWORD = "violet tractor 19 umbrella"


@pytest.fixture
def dev_app(tmp_path):
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        JOBS_RUN_INLINE=True,
        RATELIMIT_ENABLED=False,
        DEV_OUTBOX_FILE=str(tmp_path / "outbox.jsonl"),
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _register(client):
    return post_form(
        client,
        "/accounts/register",
        {"email": "dev@example.org", "display_name": "Dev Person", "password": PASSWORD, "confirm": PASSWORD},
    )


def test_development_prints_emails_and_lists_them_with_clickable_links(dev_app, capsys):
    client = dev_app.test_client()
    assert client.get("/dev/outbox").status_code == 200
    assert _register(client).status_code == 302
    printed = capsys.readouterr().err
    assert "To:      dev@example.org" in printed and "Confirm your email address" in printed
    assert "/accounts/confirm/" in printed
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "dev@example.org" in page and "Confirm your email address" in page
    # Links go to the development server's address, whatever host the request named.
    link = re.search(r'<a href="http://127.0.0.1:5000(/accounts/confirm/[^"]+)">', page)
    assert link, page
    assert client.get(link.group(1)).status_code == 302


def test_flask_outbox_prints_the_newest_emails(dev_app):
    client = dev_app.test_client()
    runner = dev_app.test_cli_runner()
    assert "No emails yet." in runner.invoke(args=["outbox"]).output
    _register(client)
    result = runner.invoke(args=["outbox", "--last", "1"])
    assert result.exit_code == 0
    assert "dev@example.org" in result.output and "/accounts/confirm/" in result.output
    assert "cleared" in runner.invoke(args=["outbox", "--clear"]).output
    assert "No emails yet." in runner.invoke(args=["outbox"]).output


def test_testing_app_has_no_outbox(client, runner):
    assert client.get("/dev/outbox").status_code == 404
    assert runner.invoke(args=["outbox"]).exit_code != 0


def test_production_never_has_the_outbox_even_if_asked(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "production-secret-for-test")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("CELERY_BROKER_URL", "memory://")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://localhost")
    app = create_app(
        "production",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        DEV_OUTBOX=True,
        PUBLIC_BASE_URL="https://localhost",
    )
    assert not app.config["DEV_OUTBOX"]
    assert "dev.outbox" not in {rule.endpoint for rule in app.url_map.iter_rules()}
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/dev/outbox", base_url="https://localhost")
        assert response.status_code == 404
        db.session.remove()
        db.engine.dispose()


def test_the_outbox_answers_only_this_machine_or_an_administrator(dev_app):
    from participate.accounts.models import Role
    from tests.conftest import FreshContextClient
    from tests.factories import DEFAULT_PASSWORD, make_user

    dev_app.test_client_class = FreshContextClient  # clients that log in must not share `g`
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert dev_app.test_client().get("/dev/outbox", environ_base=remote).status_code == 404
    assert dev_app.test_client().get("/dev/outbox", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    # A reverse proxy on this machine connects from loopback: what it passes on is not local.
    proxied = dev_app.test_client().get("/dev/outbox", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 404
    for role, status in ((None, 404), (Role.ADMIN, 200)):
        user = make_user(*([role] if role else []), email=f"{role or 'resident'}@example.org")
        db.session.commit()
        client = dev_app.test_client()
        client.environ_base.update(remote)
        response = post_form(client, "/accounts/login", {"email": user.email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302
        assert client.get("/dev/outbox").status_code == status
