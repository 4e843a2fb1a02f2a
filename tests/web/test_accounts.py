import re

import pytest
from sqlalchemy import func, select

from participate.accounts.models import LoginSession, User
from participate.audit.models import AuditEntry
from participate.extensions import db
from tests.conftest import CSRF_RE, login, post_form
from tests.factories import DEFAULT_PASSWORD, make_process, make_user

STRONG = "violet tractor 19 umbrella"


def _link(outbox, path: str) -> str:
    match = re.search(rf"http://localhost:5000({path}/[\w.\-]+)", outbox[-1].body)
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


def test_register_creates_unconfirmed_account_and_sends_confirmation(client, outbox):
    response = register(client, email="Ada@Example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login"
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "ada@example.org"
    assert user.password_hash.startswith("$argon2")
    assert not user.is_confirmed
    assert outbox[-1].to == "ada@example.org"
    assert "/accounts/confirm/" in outbox[-1].body
    page = client.get("/accounts/login").get_data(as_text=True)
    assert "open its link to confirm it, then log in" in page
    assert "Log out" not in page
    login(client, "ada@example.org", STRONG)
    assert client.get("/accounts/profile").status_code == 200


def test_registration_refuses_short_common_and_personal_passwords(client):
    for password in ("short pass", "passwordpassword", "aaaaaaaaaaaaaaaa", "ada lovelace rocks 1"):
        response = register(client, password=password)
        assert response.status_code == 400, password
        assert "error" in response.get_data(as_text=True)
    assert _count_users() == 0


def _answer(client, response) -> tuple[int, str, str]:
    """Status, target and the flashed message of a registration, and whether it logged the visitor in."""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    message = re.search(r'<p class="flash flash-\w+">(.*?)</p>', page, re.S)
    assert "Log out" not in page
    return response.status_code, response.headers["Location"], message.group(1).strip() if message else ""


def test_registering_a_taken_address_answers_like_a_new_one_and_warns_the_owner(app, outbox):
    owner = make_user(email="ada@example.org", name="Ada Original")
    hash_before = owner.password_hash
    new_visitor, taken_visitor = app.test_client(), app.test_client()
    new = _answer(new_visitor, register(new_visitor, email="bea@example.org", name="Bea Example"))
    sent_before = len(outbox)
    taken = _answer(taken_visitor, register(taken_visitor, email="ADA@example.org", name="Mallory"))
    assert new == taken
    assert new[0] == 302 and new[2]
    assert _count_users() == 2
    db.session.expire_all()
    owner = db.session.get(User, owner.id)
    assert (owner.display_name, owner.password_hash) == ("Ada Original", hash_before)
    assert len(outbox) == sent_before + 1
    warning = outbox[-1]
    assert warning.to == "ada@example.org"
    assert "tried to create a new account" in warning.body
    assert "http://localhost:5000/accounts/login" in warning.body
    assert "http://localhost:5000/accounts/forgot" in warning.body
    assert taken_visitor.get("/accounts/profile").status_code == 302


def test_a_registration_that_loses_the_race_for_an_address_is_answered_the_same(app, outbox):
    from participate.accounts import services

    make_user(email="race@example.org")
    with app.test_request_context():
        # The lookup misses (the other registration had not committed yet); the unique constraint catches it.
        original = services.find_user_by_email
        calls = []

        def miss_once(email):
            calls.append(email)
            return None if len(calls) == 1 else original(email)

        services.find_user_by_email = miss_once
        try:
            assert (
                services.register_user(email="race@example.org", display_name="Racer", password=STRONG)
                is None
            )
        finally:
            services.find_user_by_email = original
        db.session.commit()
    assert _count_users() == 1
    assert outbox[-1].to == "race@example.org" and "tried to create" in outbox[-1].body


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


def _change_email(client, email: str, password: str = DEFAULT_PASSWORD, name: str = "Edwin"):
    fields = {"display_name": name, "email": email, "current_password": password, "submit": "1"}
    return post_form(client, "/accounts/profile", fields, token_from="/accounts/profile")


def _flashes(client, response) -> list[str]:
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return [m.strip() for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page, re.S)]


def test_an_email_change_needs_the_current_password(client, as_user, outbox):
    user = make_user(email="ed@example.org")
    as_user(user)
    for password in ("", "not the password at all"):
        refused = _change_email(client, "mallory@evil.example", password=password)
        assert refused.status_code == 400
        assert "enter your current password" in refused.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.email, user.pending_email, outbox) == ("ed@example.org", None, [])
    # The name alone changes without the password.
    renamed = post_form(client, "/accounts/profile", {"display_name": "Edwin", "email": "ed@example.org"})
    assert renamed.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "Edwin"


def test_the_old_address_stays_until_the_new_one_is_confirmed_and_is_told(app, client, as_user, outbox):
    user = make_user(email="ed@example.org")
    as_user(user)
    assert _change_email(client, "new@example.org").status_code == 302
    db.session.refresh(user)
    assert (user.email, user.pending_email, user.is_confirmed) == ("ed@example.org", "new@example.org", True)
    confirmation, notice = outbox
    assert confirmation.to == "new@example.org" and "/accounts/confirm-change/" in confirmation.body
    assert notice.to == "ed@example.org" and "new@example.org" in notice.body
    assert "/accounts/undo-change/" in notice.body
    page = client.get("/accounts/profile").get_data(as_text=True)
    assert "Waiting for confirmation: new@example.org" in page
    # Until then a reset asked for at the new address goes nowhere: the session alone takes nothing.
    post_form(app.test_client(), "/accounts/forgot", {"email": "new@example.org"})
    assert len(outbox) == 2
    link = re.search(r"http://localhost:5000(/accounts/confirm-change/\S+)", confirmation.body).group(1)
    assert app.test_client().get(link).status_code == 302
    db.session.refresh(user)
    assert (user.email, user.pending_email, user.is_confirmed) == ("new@example.org", None, True)
    assert app.test_client().get(link).status_code == 302  # used: refused, nothing changes
    db.session.refresh(user)
    assert user.email == "new@example.org"


def test_a_taken_address_is_answered_like_a_free_one_and_its_owner_is_told(app, as_user, outbox):
    owner = make_user(email="taken@example.org")
    answers = []
    for email in ("free@example.org", "taken@example.org"):
        user = make_user(email=f"asker-{email}")
        client = app.test_client()
        login(client, user.email)
        response = _change_email(client, email)
        answers.append((response.status_code, response.headers["Location"], _flashes(client, response)))
    assert answers[0] == answers[1]
    assert "sent a confirmation link to the new address" in answers[0][2][0]
    assert (
        outbox[-1].to == "taken@example.org"
        and "tried to change its email address to yours" in outbox[-1].body
    )
    db.session.expire_all()
    assert db.session.get(User, owner.id).email == "taken@example.org"
    assert (
        db.session.scalar(select(User.pending_email).where(User.email == "asker-taken@example.org")) is None
    )


def test_the_old_address_can_undo_a_change_even_after_it_went_through(app, client, as_user, outbox):
    user = make_user(email="ed@example.org")
    as_user(user)
    _change_email(client, "mallory@evil.example")
    confirmation, notice = outbox
    confirm = re.search(r"http://localhost:5000(/accounts/confirm-change/\S+)", confirmation.body).group(1)
    client.get(confirm)
    db.session.refresh(user)
    assert user.email == "mallory@evil.example"
    undo = re.search(r"http://localhost:5000(/accounts/undo-change/\S+)", notice.body).group(1)
    owner = app.test_client()
    page = owner.get(undo)
    assert page.status_code == 200 and "mallory@evil.example" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "mallory@evil.example"  # opening the link (a mail scanner) changes nothing
    done = post_form(owner, undo, {}, token_from=undo)
    assert done.headers["Location"] == "/accounts/forgot"
    db.session.refresh(user)
    assert (user.email, user.pending_email) == ("ed@example.org", None)
    assert client.get("/accounts/profile").status_code == 302  # the changer's session is over
    wrong = post_form(
        app.test_client(), "/accounts/login", {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert wrong.status_code == 401  # and the password it knew no longer opens the account
    assert owner.get(undo).status_code == 400  # done once
    post_form(app.test_client(), "/accounts/forgot", {"email": "ed@example.org"})
    assert outbox[-1].to == "ed@example.org" and "/accounts/reset/" in outbox[-1].body


def test_a_pending_change_is_cancelled_by_the_old_address(app, client, as_user, outbox):
    user = make_user(email="ed@example.org")
    as_user(user)
    _change_email(client, "mallory@evil.example")
    confirmation, notice = outbox
    undo = re.search(r"http://localhost:5000(/accounts/undo-change/\S+)", notice.body).group(1)
    post_form(app.test_client(), undo, {}, token_from=undo)
    confirm = re.search(r"http://localhost:5000(/accounts/confirm-change/\S+)", confirmation.body).group(1)
    app.test_client().get(confirm)
    db.session.refresh(user)
    assert (user.email, user.pending_email) == ("ed@example.org", None)


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


# Server-side login sessions


def _sessions(user_id: int) -> list[LoginSession]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(LoginSession).where(LoginSession.user_id == user_id).order_by(LoginSession.id)
        ).scalars()
    )


def test_login_records_a_server_side_session_holding_only_a_hash_of_its_token(client):
    user = make_user()
    client.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
    )
    login(client, user.email)
    (row,) = _sessions(user.id)
    assert row.ended_at is None and row.user_agent == "Firefox / Windows"
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_hash)
    page = client.get("/accounts/profile").get_data(as_text=True)
    assert "Firefox / Windows" in page and "this device" in page


def test_logout_ends_the_session_so_a_copied_cookie_no_longer_opens_the_account(app, client):
    user = make_user()
    login(client, user.email)
    copied = client.get_cookie("session").value
    other_device = app.test_client()
    login(other_device, user.email)
    assert [row.ended_at for row in _sessions(user.id)] == [None, None]

    post_form(client, "/accounts/logout")
    replay = app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get("/accounts/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login")
    first, second = _sessions(user.id)
    assert first.ended_at is not None and second.ended_at is None
    # The other device's session survives a logout on this one.
    assert other_device.get("/accounts/profile").status_code == 200


def test_a_copied_remember_me_cookie_goes_through_the_same_check(app, client):
    user = make_user()
    post_form(client, "/accounts/login", {"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"})
    remember = client.get_cookie("remember_token").value
    visitor = app.test_client()
    visitor.set_cookie("remember_token", remember)
    assert visitor.get("/accounts/profile").status_code == 200  # the cookie alone logs in

    post_form(client, "/accounts/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/accounts/profile").status_code == 302


def test_a_forged_or_old_style_session_id_is_refused(app, client):
    user = make_user()
    login(client, user.email)
    with client.session_transaction() as session:
        real = session["_user_id"]
        user_id, version, _token = real.split(":")
        session["_user_id"] = f"{user_id}:{version}"  # the format before login sessions
    assert client.get("/accounts/profile").status_code == 302
    other = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = f"{other.id}:1:{_token}"  # someone else's id with this token
    assert client.get("/accounts/profile").status_code == 302


def test_password_change_ends_other_sessions_and_keeps_this_one(app, as_user):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user.email)
    client = as_user(user)
    post_form(
        client,
        "/accounts/password",
        {"pw-current_password": DEFAULT_PASSWORD, "pw-password": STRONG, "pw-confirm": STRONG},
    )
    other, this = _sessions(user.id)
    assert other.ended_at is not None and this.ended_at is None
    assert client.get("/accounts/profile").status_code == 200


def test_account_deletion_ends_every_session(app, as_user):
    user = make_user()
    login(app.test_client(), user.email)
    client = as_user(user)
    post_form(client, "/accounts/delete", {"password": DEFAULT_PASSWORD, "understood": "y"})
    assert all(row.ended_at is not None for row in _sessions(user.id))


def test_log_out_everywhere_else_from_the_devices_list(app, as_user):
    user = make_user()
    devices = [app.test_client() for _ in range(2)]
    for device in devices:
        login(device, user.email)
    client = as_user(user)
    page = client.get("/accounts/profile").get_data(as_text=True)
    assert "Your devices" in page and "Log out everywhere else" in page
    response = post_form(client, "/accounts/devices/log-out-others", token_from="/accounts/profile")
    assert response.status_code == 302
    assert "2 other devices have been logged out." in client.get("/accounts/profile").get_data(as_text=True)
    assert [row.ended_at is None for row in _sessions(user.id)] == [False, False, True]
    assert all(device.get("/accounts/profile").status_code == 302 for device in devices)
    assert "Log out everywhere else" not in client.get("/accounts/profile").get_data(as_text=True)


# Display names

BAD_NAMES = [
    "\u200b\u200b\u200b",  # zero-width spaces only
    "\u3164\u3164\u3164",  # Hangul fillers: letters that draw nothing
    " \u00a0\u2003 ",  # white space only
    "\u2800\u2800",  # blank Braille
    "Eve\u202egnp.exe",  # right-to-left override
    "Ad\u2066a Lovelace",  # isolate
    "Bo\u200f Ek",  # right-to-left mark
    "Ali\u061c Ahmed",  # Arabic letter mark
    "Ann\u0007a",  # bell
    "Ann\u2028a",  # line separator
]


def test_register_refuses_invisible_names_and_direction_or_control_characters(client):
    for name in BAD_NAMES:
        response = register(client, name=name)
        assert response.status_code == 400, repr(name)
        html = response.get_data(as_text=True)
        assert any(word in html for word in ("visible characters", "direction", "control characters")) or (
            "This field is required" in html
        ), repr(name)
    assert _count_users() == 0


def test_profile_edit_refuses_the_same_names_and_leaves_the_name_unchanged(client, as_user):
    user = make_user(name="Clara Berg")
    as_user(user)
    for name in BAD_NAMES:
        response = post_form(
            client, "/accounts/profile", {"display_name": name, "email": user.email, "submit": "1"}
        )
        assert response.status_code == 400, repr(name)
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Clara Berg"


def test_names_are_stored_in_nfc_and_trimmed_of_invisible_ends(client):
    register(client, name="\u200bJose\u0301 Marti\u0301\u00a0")
    assert db.session.execute(select(User)).scalar_one().display_name == "Jos\u00e9 Mart\u00ed"


def test_services_refuse_bad_names_too(app):
    from participate.accounts import services
    from participate.core.errors import ValidationFailed

    user = make_user(name="Dan Holm")
    with app.test_request_context():
        for name in ("\u200b\u200b", "Dan\u202e Holm"):
            with pytest.raises(ValidationFailed):
                services.register_user(email="new@example.org", display_name=name, password=STRONG)
            with pytest.raises(ValidationFailed):
                services.update_profile(user, display_name=name, email=user.email)
        db.session.rollback()
    assert _count_users() == 1
    assert db.session.get(User, user.id).display_name == "Dan Holm"


# Reset links are checked before the form is shown


def test_a_garbage_reset_link_says_so_instead_of_showing_the_form(client):
    response = client.get("/accounts/reset/garbage")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This reset link is not valid or has expired" in html
    assert 'href="/accounts/forgot"' in html
    assert "Choose a new password" not in html


def test_a_used_reset_link_is_refused_on_get(client, outbox):
    user = make_user(email="gus@example.org")
    post_form(client, "/accounts/forgot", {"email": user.email})
    link = _link(outbox, "/accounts/reset")
    assert "Choose a new password" in client.get(link).get_data(as_text=True)
    post_form(client, link, {"password": STRONG, "confirm": STRONG}, token_from=link)
    again = client.get(link)
    assert again.status_code == 400
    assert "This reset link is not valid or has expired" in again.get_data(as_text=True)


def test_an_expired_reset_link_is_refused_on_get(make_app):
    app = make_app(RESET_TOKEN_MAX_AGE=-1)
    client = app.test_client()
    make_user(email="hal@example.org")
    post_form(client, "/accounts/forgot", {"email": "hal@example.org"})
    response = client.get(_link(app.extensions["mailer"].outbox, "/accounts/reset"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This reset link is not valid or has expired" in html and "has expired. Ask for a new one." in html


@pytest.mark.parametrize("target", ["/accounts/profile\n", "/x\r\nSet-Cookie: a=b", "/\t", "/\\evil.example"])
def test_next_with_control_characters_or_a_backslash_is_ignored_not_a_500(client, target):
    user = make_user()
    posted = post_form(
        client, "/accounts/login", {"email": user.email, "password": DEFAULT_PASSWORD, "next": target}
    )
    assert (posted.status_code, posted.headers["Location"]) == (302, "/")
    logged_in_get = client.get("/accounts/login", query_string={"next": target})
    assert (logged_in_get.status_code, logged_in_get.headers["Location"]) == (302, "/")
    language = post_form(client, "/language", {"locale": "sv", "next": target})
    assert (language.status_code, language.headers["Location"]) == (302, "/")


def _remember_cookie_days(response) -> float | None:
    """Days until the remember-me cookie this response sets expires, or None when it sets none."""
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("remember_token="):
            expires = re.search(r"Expires=([^;]+)", header).group(1)
            return (parsedate_to_datetime(expires) - datetime.now(UTC)).total_seconds() / 86400
    return None


def test_remember_me_lasts_30_days_and_is_renewed_whenever_it_is_used(app, client):
    user = make_user()
    logged_in = post_form(
        client, "/accounts/login", {"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"}
    )
    assert 29.9 < _remember_cookie_days(logged_in) <= 30
    later = app.test_client()  # the browser was closed: only the remember-me cookie is left
    later.set_cookie("remember_token", client.get_cookie("remember_token").value)
    used = later.get("/accounts/profile")
    assert used.status_code == 200
    assert 29.9 < _remember_cookie_days(used) <= 30
    assert 29.9 < _remember_cookie_days(later.get("/")) <= 30


def test_no_remember_me_cookie_for_who_did_not_ask_for_one(client):
    user = make_user()
    logged_in = post_form(client, "/accounts/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert _remember_cookie_days(logged_in) is None
    assert _remember_cookie_days(client.get("/accounts/profile")) is None
    assert client.get_cookie("remember_token") is None


def test_links_in_emails_use_the_configured_address_whatever_host_the_request_names(app, outbox):
    """A forged Host header must not put the sender's server into a reset or confirmation link."""
    owner = make_user(email="victim@example.org", confirmed=False)

    def forged_post(client, path: str, data: dict, *, token_from: str):
        page = client.get(token_from, base_url="http://evil.example").get_data(as_text=True)
        token = CSRF_RE.search(page)
        data = {"csrf_token": token.group(1) or token.group(2), **data}
        return client.post(path, data=data, base_url="http://evil.example")

    attacker = app.test_client()
    forged_post(attacker, "/accounts/forgot", {"email": owner.email}, token_from="/accounts/forgot")
    for email in ("victim@example.org", "new@example.org"):  # the taken-address warning, a confirmation
        fields = {"email": email, "display_name": "Eve Example", "password": STRONG, "confirm": STRONG}
        forged_post(app.test_client(), "/accounts/register", fields, token_from="/accounts/register")
    owner_client = app.test_client()
    forged_post(
        owner_client,
        "/accounts/login",
        {"email": owner.email, "password": DEFAULT_PASSWORD},
        token_from="/accounts/login",
    )
    forged_post(owner_client, "/accounts/confirm/resend", {}, token_from="/accounts/profile")
    subjects = [message.subject for message in outbox]
    assert subjects == [
        "Reset your password",
        "Someone tried to register with your email address",
        "Confirm your email address",
        "Confirm your email address",
    ]
    for message in outbox:
        assert "evil.example" not in message.body
        assert re.search(r"http://localhost:5000/accounts/(reset|confirm|login)", message.body), message.body


# Every emailed link: (service, token maker, the setting of its lifetime, its "expired" and "invalid" answers).
EMAILED_LINKS = [
    (
        "confirm_email",
        lambda tokens, user: tokens.make_confirm_token(user),
        "CONFIRM_TOKEN_MAX_AGE",
        "This confirmation link has expired. Log in to get a new one.",
        "This confirmation link is not valid.",
    ),
    (
        "check_reset_token",
        lambda tokens, user: tokens.make_reset_token(user),
        "RESET_TOKEN_MAX_AGE",
        "This reset link has expired. Ask for a new one.",
        "This reset link is not valid or has already been used. Ask for a new one.",
    ),
    (
        "confirm_email_change",
        lambda tokens, user: tokens.make_change_token(user, "new@example.org"),
        "CONFIRM_TOKEN_MAX_AGE",
        "This confirmation link has expired. Ask for the change again.",
        "This confirmation link is not valid or has already been used.",
    ),
    (
        "check_undo_email_change",
        lambda tokens, user: tokens.make_undo_change_token(user, "old@example.org", "new@example.org"),
        "EMAIL_UNDO_MAX_AGE",
        "This link has expired.",
        "This link is not valid, or the change has already been undone.",
    ),
]


@pytest.mark.parametrize(
    ("service", "make", "max_age", "expired", "invalid"), EMAILED_LINKS, ids=lambda v: str(v)[:24]
)
def test_every_emailed_link_answers_expired_garbage_and_a_deleted_account_in_its_own_words(
    make_app, service, make, max_age, expired, invalid
):
    """One helper reads every link: an expired link says so; garbage, a link of another kind and the link of
    a deleted account all get the link's "not valid" answer."""
    from participate.accounts import services, tokens
    from participate.core.errors import ValidationFailed

    app = make_app(**{max_age: -1})
    with app.test_request_context():
        user = make_user(email="old@example.org")
        user.pending_email = "new@example.org"
        db.session.commit()
        read = getattr(services, service)
        with pytest.raises(ValidationFailed) as refused:
            read(make(tokens, user))
        assert refused.value.message == expired
        app.config[max_age] = 3600
        other_kind = (
            tokens.make_reset_token(user) if service == "confirm_email" else tokens.make_confirm_token(user)
        )
        for bad in ("garbage", other_kind):
            with pytest.raises(ValidationFailed) as refused:
                read(bad)
            assert refused.value.message == invalid
        token = make(tokens, user)
        user.deleted_at = user.created_at
        db.session.commit()
        with pytest.raises(ValidationFailed) as refused:
            read(token)
        assert refused.value.message == invalid
