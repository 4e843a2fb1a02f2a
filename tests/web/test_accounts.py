import re

from sqlalchemy import func, select

from participate.accounts.models import User
from participate.audit.models import AuditEntry
from participate.extensions import db
from tests.conftest import login, post_form
from tests.factories import DEFAULT_PASSWORD, make_process, make_user

STRONG = "violet tractor 19 umbrella"


def _link(outbox, path: str) -> str:
    match = re.search(rf"http://localhost({path}/[\w.\-]+)", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def _count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def register(client, email="ada@example.org", name="Ada Lovelace", password=STRONG, confirm=None):
    return post_form(
        client,
        "/accounts/register",
        {"email": email, "display_name": name, "password": password, "confirm": confirm or password},
    )


def test_register_creates_unconfirmed_account_logs_in_and_sends_confirmation(client, outbox):
    response = register(client, email="Ada@Example.org")
    assert response.status_code == 302
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "ada@example.org"
    assert user.password_hash.startswith("$argon2")
    assert not user.is_confirmed
    assert outbox[-1].to == "ada@example.org"
    assert "/accounts/confirm/" in outbox[-1].body
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_registration_refuses_short_common_and_personal_passwords(client):
    for password in ("short pass", "passwordpassword", "aaaaaaaaaaaaaaaa", "ada lovelace rocks 1"):
        response = register(client, password=password)
        assert response.status_code == 400, password
        assert "error" in response.get_data(as_text=True)
    assert _count_users() == 0


def test_registration_refuses_a_taken_email_without_changing_the_database(client):
    make_user(email="ada@example.org")
    response = register(client, email="ADA@example.org")
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert _count_users() == 1


def test_mismatched_confirmation_is_refused(client):
    assert register(client, confirm="something else entirely").status_code == 400
    assert _count_users() == 0


def test_email_confirmation_link_confirms_and_bad_links_are_refused(client, outbox):
    register(client)
    link = _link(outbox, "/accounts/confirm")
    bad = client.get(link[:-3] + "xyz", follow_redirects=True)
    assert "not valid" in bad.get_data(as_text=True)
    assert not db.session.execute(select(User)).scalar_one().is_confirmed
    client.get(link)
    db.session.expire_all()
    assert db.session.execute(select(User)).scalar_one().is_confirmed


def test_confirmation_link_expires(make_app):
    app = make_app(CONFIRM_TOKEN_MAX_AGE=-1)
    client = app.test_client()
    register(client)
    link = _link(app.extensions["mailer"].outbox, "/accounts/confirm")
    assert "expired" in client.get(link, follow_redirects=True).get_data(as_text=True)


def test_login_and_logout(client):
    user = make_user(email="bo@example.org")
    wrong = post_form(client, "/accounts/login", {"email": user.email, "password": "not the password at all"})
    assert wrong.status_code == 401
    assert "not correct" in wrong.get_data(as_text=True)
    login(client, "BO@example.org")
    assert client.get("/accounts/profile").status_code == 200
    post_form(client, "/accounts/logout")
    assert client.get("/accounts/profile").status_code == 302


def test_login_follows_only_local_next_urls(client):
    user = make_user()
    token_page = "/accounts/login?next=/accounts/profile"
    ok = post_form(
        client,
        "/accounts/login",
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "/accounts/profile"},
        token_from=token_page,
    )
    assert ok.headers["Location"] == "/accounts/profile"
    post_form(client, "/accounts/logout")
    evil = post_form(
        client,
        "/accounts/login",
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "https://evil.example/steal"},
    )
    assert evil.headers["Location"] == "/"


def test_password_reset_is_single_use_and_old_password_stops_working(client, outbox):
    user = make_user(email="cy@example.org")
    post_form(client, "/accounts/forgot", {"email": "cy@example.org"})
    link = _link(outbox, "/accounts/reset")
    response = post_form(client, link, {"password": STRONG, "confirm": STRONG}, token_from=link)
    assert response.status_code == 302
    assert (
        post_form(client, "/accounts/login", {"email": user.email, "password": DEFAULT_PASSWORD}).status_code
        == 401
    )
    login(client, user.email, STRONG)
    post_form(client, "/accounts/logout")
    again = post_form(
        client,
        link,
        {"password": "another fine password 7", "confirm": "another fine password 7"},
        token_from=link,
    )
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_password_reset_link_expires(make_app):
    app = make_app(RESET_TOKEN_MAX_AGE=-1)
    client = app.test_client()
    make_user(email="di@example.org")
    post_form(client, "/accounts/forgot", {"email": "di@example.org"})
    link = _link(app.extensions["mailer"].outbox, "/accounts/reset")
    response = post_form(client, link, {"password": STRONG, "confirm": STRONG}, token_from=link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_reset_request_does_not_reveal_whether_an_account_exists(client, outbox):
    make_user(email="known@example.org")
    known = post_form(client, "/accounts/forgot", {"email": "known@example.org"}, follow_redirects=True)
    unknown = post_form(client, "/accounts/forgot", {"email": "nobody@example.org"}, follow_redirects=True)
    assert len(outbox) == 1
    assert known.status_code == unknown.status_code == 200
    message = "If an account uses that address"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_profile_edit_and_email_change_needs_reconfirmation(client, as_user, outbox):
    user = make_user(email="ed@example.org")
    make_user(email="taken@example.org")
    as_user(user)
    taken = post_form(
        client, "/accounts/profile", {"display_name": "Ed", "email": "taken@example.org", "submit": "1"}
    )
    assert taken.status_code == 400
    response = post_form(
        client, "/accounts/profile", {"display_name": "Edwin", "email": "new@example.org", "submit": "1"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.email, user.is_confirmed) == ("Edwin", "new@example.org", False)
    assert outbox[-1].to == "new@example.org"


def test_password_change_logs_out_other_sessions(app, as_user):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user.email)
    client = as_user(user)
    response = post_form(
        client,
        "/accounts/password",
        {"pw-current_password": DEFAULT_PASSWORD, "pw-password": STRONG, "pw-confirm": STRONG},
    )
    assert response.status_code == 302
    assert client.get("/accounts/profile").status_code == 200
    assert other_device.get("/accounts/profile").status_code == 302


def test_account_deletion_erases_personal_data_and_keeps_contributions_anonymous(client, as_user):
    user = make_user("staff", email="fay@example.org", name="Fay Example")
    from participate.audit.services import record

    record("process.created", actor=user, subject_type="process", subject_id=1)
    db.session.commit()
    as_user(user)
    refused = post_form(client, "/accounts/delete", {"password": "wrong password here", "understood": "y"})
    assert refused.status_code == 400
    response = post_form(client, "/accounts/delete", {"password": DEFAULT_PASSWORD, "understood": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(User, user.id)
    assert row.display_name == "Deleted user"
    assert "fay" not in row.email and row.password_hash == "!deleted"
    assert row.roles == [] and not row.is_active
    assert db.session.execute(select(AuditEntry)).scalar_one().actor_id == user.id
    assert client.get("/accounts/profile").status_code == 302
    assert (
        post_form(
            client, "/accounts/login", {"email": "fay@example.org", "password": DEFAULT_PASSWORD}
        ).status_code
        == 401
    )


def test_login_and_registration_are_rate_limited(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", REGISTER_RATE_LIMIT="2 per minute"
    )
    client = app.test_client()
    codes = [
        post_form(
            client, "/accounts/login", {"email": "x@example.org", "password": "whatever password"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    codes = [register(client, email=f"r{i}@example.org", password="short").status_code for i in range(3)]
    assert codes == [400, 400, 429]


def test_session_cookie_flags(client):
    response = post_form(
        client, "/accounts/login", {"email": "x@example.org", "password": "whatever password"}
    )
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_drafts_are_visible_to_staff_only(client, as_user):
    draft = make_process(published=False)
    assert client.get(f"/processes/{draft.slug}").status_code == 404
    as_user(make_user("staff"))
    assert client.get(f"/processes/{draft.slug}").status_code == 200
