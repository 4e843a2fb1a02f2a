import pytest
from sqlalchemy import func, select

from participate import create_app
from participate.accounts.models import User
from participate.extensions import db
from participate.processes.models import Process
from tests.conftest import login


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY and DATABASE_URL"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_refuses_to_start_without_a_job_broker(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(RuntimeError, match="CELERY_BROKER_URL"):
        create_app("production")


def _production_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://participate.example.org")


def test_production_starts_with_secrets_and_secure_cookies(monkeypatch, tmp_path):
    _production_environment(monkeypatch, tmp_path)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug


@pytest.mark.parametrize("address", [None, "", "participate.example.org", "https://", "javascript:alert(1)"])
def test_production_refuses_to_start_without_its_public_address(monkeypatch, tmp_path, address):
    _production_environment(monkeypatch, tmp_path)
    if address is None:
        monkeypatch.delenv("PUBLIC_BASE_URL")
    else:
        monkeypatch.setenv("PUBLIC_BASE_URL", address)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app("production")


def test_production_answers_only_its_own_host_names(monkeypatch, tmp_path):
    _production_environment(monkeypatch, tmp_path)
    app = create_app(
        "production", PUBLIC_BASE_URL="https://participate.example.org", SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    assert app.config["TRUSTED_HOSTS"] == ["participate.example.org"]
    client = app.test_client()
    with app.app_context():
        db.create_all()
        assert client.get("/", base_url="https://participate.example.org").status_code == 200
        assert client.get("/", base_url="https://evil.example").status_code == 400
        forged = client.post(
            "/accounts/forgot", base_url="https://participate.example.org", headers={"Host": "evil.example"}
        )
        assert forged.status_code == 400
        db.session.remove()
        db.engine.dispose()


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="PARTICIPATE_ENV"):
        create_app("staging")


def test_postgres_urls_get_the_psycopg_driver():
    from config import _database_url

    assert _database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert _database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_seed_demo_fills_an_empty_database_once_and_prints_logins(app, runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.participate.example" in result.output and "demo-password-2026" in result.output
    users = db.session.scalar(select(func.count()).select_from(User))
    processes = list(db.session.execute(select(Process)).scalars())
    assert users >= 44 and len(processes) == 6
    from participate.core.clock import today

    phases = {p.current_phase(today()) for p in processes if p.published}
    assert len(phases) >= 4  # processes in different phases, one not started yet
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count()).select_from(User)) == users
    login(client, "staff@demo.participate.example", "demo-password-2026")
    assert client.get("/admin/").status_code == 200


def test_create_admin_command(app, runner, client):
    result = runner.invoke(
        args=["create-admin", "boss@example.org", "--password", "violet tractor 19 umbrella"]
    )
    assert result.exit_code == 0, result.output
    login(client, "boss@example.org", "violet tractor 19 umbrella")
    assert client.get("/admin/users").status_code == 200
    weak = runner.invoke(args=["create-admin", "weak@example.org", "--password", "password123"])
    assert weak.exit_code != 0 and "Traceback" not in weak.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_admin_grants_and_revokes_roles(app, client, as_user):
    from participate.audit.models import AuditEntry
    from tests.conftest import post_form
    from tests.factories import make_user

    admin = make_user("admin")
    member = make_user()
    as_user(admin)
    post_form(client, f"/admin/users/{member.id}/roles", {"role": "facilitator", "grant": "1"})
    post_form(client, f"/admin/users/{member.id}/roles", {"role": "facilitator", "grant": "1"})
    db.session.refresh(member)
    assert member.role_names == {"resident", "facilitator"}
    post_form(client, f"/admin/users/{member.id}/roles", {"role": "facilitator", "revoke": "1"})
    db.session.refresh(member)
    assert member.role_names == {"resident"}
    self_demote = post_form(
        client, f"/admin/users/{admin.id}/roles", {"role": "admin", "revoke": "1"}, follow_redirects=True
    )
    assert "cannot remove your own administrator role" in self_demote.get_data(as_text=True)
    actions = list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    assert actions == ["role.granted", "role.revoked"]


def test_one_role_grant_per_user_is_a_database_constraint(app):
    from sqlalchemy.exc import IntegrityError

    from participate.accounts.models import UserRole
    from tests.factories import make_user

    user = make_user("staff")
    db.session.add(UserRole(user_id=user.id, role="staff"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_role_messages_name_the_role_in_the_reader_s_language(app, client, as_user):
    from tests.conftest import post_form
    from tests.factories import make_user

    member = make_user()
    as_user(make_user("admin"))
    post_form(client, "/language", {"locale": "sv", "next": "/"})
    page = post_form(
        client, f"/admin/users/{member.id}/roles", {"role": "staff", "grant": "1"}, follow_redirects=True
    )
    html = page.get_data(as_text=True)
    assert "Kommunens handläggare" in html and "Rollen staff" not in html
