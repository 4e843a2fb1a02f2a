"""Notifications: subscribers to the domain events, email choices, unsubscribe links, the bell, the list,
following a process and the nightly phase check."""

import email
import email.policy
import re
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from participate.accounts.models import Role
from participate.core.after_commit import commit, rollback
from participate.core.clock import utcnow
from participate.core.events import publish
from participate.extensions import db
from participate.jobs.registry import JOB_KINDS
from participate.notifications import services
from participate.notifications.messages import describe
from participate.notifications.models import Kind, Notification, ProcessFollow, ProcessPhaseNotice
from participate.notifications.tokens import make_unsubscribe_token
from participate.processes import services as process_services
from participate.processes.models import Phase, PhaseWindow
from tests.conftest import csrf_token, post_form
from tests.factories import make_process, make_user
from tests.web.test_mail import smtp_server  # noqa: F401  (the fixture)


def notifications_of(user) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        ).scalars()
    )


def comment(author, id=1):
    return SimpleNamespace(id=id, author_id=author.id, thread_id=5)


def answer(author, actor, id=7):
    proposal = SimpleNamespace(
        id=id,
        title="More benches in the park",
        author_id=author.id,
        status="accepted",
        status_label="Accepted",
        process_id=1,
    )
    publish("proposal.answered", proposal=proposal, actor=actor)


def unsubscribe_link(message) -> str:
    return re.search(r"http://[^\s]+/notifications/unsubscribe/[^\s]+", message.body).group(0)


def follow(client, process):
    return post_form(client, f"/notifications/follow/{process.id}", token_from=f"/processes/{process.slug}")


def shift_dates_back(process, days: int) -> None:
    for window in db.session.execute(
        select(PhaseWindow).where(PhaseWindow.process_id == process.id)
    ).scalars():
        window.starts_on -= timedelta(days=days)
        window.ends_on -= timedelta(days=days)
    db.session.commit()


# Subscribers ------------------------------------------------------------------------------------------


def test_an_answered_proposal_notifies_its_author_in_app_and_by_email_after_the_commit(app, outbox):
    author, staff = make_user(name="Ada Author"), make_user(Role.STAFF)
    answer(author, staff)
    assert outbox == []  # nothing leaves before the commit
    commit()
    (note,) = notifications_of(author)
    assert note.kind == Kind.PROPOSAL_ANSWERED and note.url == "/proposals/7" and note.read_at is None
    assert note.data["title"] == "More benches in the park"
    (message,) = outbox
    assert message.to == author.email
    assert message.subject == "Your proposal “More benches in the park” has an answer: Accepted."
    assert "http://localhost:5000/proposals/7" in message.body
    link = unsubscribe_link(message)
    assert message.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert notifications_of(staff) == []


def test_an_author_answering_their_own_proposal_is_not_notified(app, outbox):
    author = make_user(Role.STAFF)
    answer(author, author)
    commit()
    assert notifications_of(author) == [] and outbox == []


def test_a_reply_notifies_the_parent_author_but_never_the_replier(app, outbox):
    parent_author, replier = make_user(), make_user(name="Rita Replier")
    publish("comment.replied", comment=comment(replier, 2), parent=comment(parent_author, 1), url="/c/2")
    publish("comment.replied", comment=comment(replier, 3), parent=comment(replier, 2), url="/c/3")
    commit()
    (note,) = notifications_of(parent_author)
    assert (note.kind, note.url) == (Kind.REPLY, "/c/2")
    assert describe(note.kind, note.data) == "Rita Replier replied to your comment."
    assert notifications_of(replier) == []
    assert [m.to for m in outbox] == [parent_author.email]


def test_a_mention_notifies_the_mentioned_person_but_never_the_author(app, outbox):
    author, mentioned = make_user(name="Mo Mentioner"), make_user()
    publish("comment.mentioned", comment=comment(author), mentioned=mentioned, url="/c/1")
    publish("comment.mentioned", comment=comment(author), mentioned=author, url="/c/1")
    commit()
    (note,) = notifications_of(mentioned)
    assert note.kind == Kind.MENTION and note.url == "/c/1"
    assert notifications_of(author) == []
    assert [m.to for m in outbox] == [mentioned.email]
    assert "Mo Mentioner mentioned you in a comment." in outbox[0].body


def test_a_reply_that_mentions_the_parent_author_notifies_them_once(app, outbox):
    parent_author, replier = make_user(), make_user()
    reply = comment(replier, 9)
    publish("comment.mentioned", comment=reply, mentioned=parent_author, url="/c/9")
    publish("comment.replied", comment=reply, parent=comment(parent_author, 1), url="/c/9")
    commit()
    assert [n.kind for n in notifications_of(parent_author)] == [Kind.MENTION]
    assert len(outbox) == 1


def test_hidden_content_notifies_its_author_with_the_reason(app, outbox):
    author = make_user()
    publish(
        "content.hidden", author_id=author.id, what="proposal", reason="Personal data", url="/proposals/3"
    )
    commit()
    (note,) = notifications_of(author)
    assert note.kind == Kind.HIDDEN and note.url == "/proposals/3"
    assert describe(note.kind, note.data) == "A moderator hid your proposal. Reason: Personal data"
    assert outbox[0].subject == "A moderator hid your proposal."
    assert "A moderator hid your proposal. Reason: Personal data" in outbox[0].body


def test_notifications_store_what_happened_not_english_text(app):
    author = make_user()
    publish("content.hidden", author_id=author.id, what="comment", reason="", url="/c/1")
    commit()
    (note,) = notifications_of(author)
    assert note.data == {"what": "comment", "reason": ""}  # the words are rendered in the reader's language


def test_a_rolled_back_action_notifies_nobody_and_sends_no_email(app, outbox):
    author = make_user()
    publish("content.hidden", author_id=author.id, what="comment", reason="Spam", url="/c/1")
    rollback()
    commit()
    assert notifications_of(author) == [] and outbox == []


def test_unconfirmed_addresses_get_no_email_and_deleted_accounts_nothing(app, outbox):
    unconfirmed, deleted = make_user(confirmed=False), make_user()
    deleted.deleted_at = utcnow()
    commit()
    for person in (unconfirmed, deleted):
        publish("content.hidden", author_id=person.id, what="comment", reason="", url="/c/1")
    commit()
    assert len(notifications_of(unconfirmed)) == 1 and notifications_of(deleted) == [] and outbox == []


# Email choices and unsubscribe links -----------------------------------------------------------------


def test_an_email_choice_turned_off_keeps_the_in_app_notification(app, outbox):
    author, staff = make_user(), make_user(Role.STAFF)
    services.set_email_choices(author, {Kind.PROPOSAL_ANSWERED: False})
    commit()
    answer(author, staff)
    publish("content.hidden", author_id=author.id, what="comment", reason="", url="/c/1")
    commit()
    assert [n.kind for n in notifications_of(author)] == [Kind.PROPOSAL_ANSWERED, Kind.HIDDEN]
    assert [m.subject for m in outbox] == ["A moderator hid your comment."]


def test_the_preferences_page_shows_and_saves_one_switch_per_kind(app, client, as_user):
    user = make_user()
    as_user(user)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert page.count('type="checkbox"') == len(Kind) and page.count("checked") == len(Kind)
    response = post_form(
        client,
        "/notifications/preferences",
        {"reply": "y", "mention": "y", "hidden": "y"},
        token_from="/notifications/preferences",
    )
    assert response.status_code == 302
    assert services.email_choices(user.id) == {
        Kind.REPLY: True,
        Kind.MENTION: True,
        Kind.PROPOSAL_ANSWERED: False,
        Kind.HIDDEN: True,
        Kind.PHASE_CHANGED: False,
        Kind.REPORTED: False,
        Kind.RECOMMENDATION_ANSWERED: False,
        Kind.PANEL_POST: False,
    }
    assert client.get("/notifications/preferences").get_data(as_text=True).count("checked") == 3


def test_the_preferences_page_needs_a_login(client):
    response = client.get("/notifications/preferences")
    assert response.status_code == 302 and "/accounts/login" in response.location


def test_the_unsubscribe_link_works_without_login_for_its_own_kind_and_person_only(app, client, outbox):
    author, other, staff = make_user(), make_user(), make_user(Role.STAFF)
    answer(author, staff)
    commit()
    link = unsubscribe_link(outbox[0]).replace("http://localhost:5000", "")
    page = client.get(link)
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    assert services.email_choices(author.id)[Kind.PROPOSAL_ANSWERED] is True  # GET changes nothing
    response = client.post(link)  # no login, no CSRF token: the signed link is enough
    assert response.status_code == 302
    assert "no longer receive emails" in client.get(response.location).get_data(as_text=True)
    choices = services.email_choices(author.id)
    assert choices[Kind.PROPOSAL_ANSWERED] is False
    assert all(on for kind, on in choices.items() if kind != Kind.PROPOSAL_ANSWERED)
    assert all(services.email_choices(other.id).values())
    answer(author, staff, id=8)
    commit()
    assert len(outbox) == 1 and len(notifications_of(author)) == 2


def test_one_click_unsubscribe_from_a_mail_program(app, client):
    user = make_user()
    token = make_unsubscribe_token(user.id, Kind.MENTION)
    response = client.post(f"/notifications/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 302
    assert services.email_choices(user.id)[Kind.MENTION] is False


def test_a_tampered_or_foreign_unsubscribe_token_is_refused(app, client):
    user = make_user()
    token = make_unsubscribe_token(user.id, Kind.REPLY)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "nonsense", token.replace(".", "x", 1)):
        assert client.get(f"/notifications/unsubscribe/{bad}").status_code == 400
        assert client.post(f"/notifications/unsubscribe/{bad}").status_code == 400
    with app.test_request_context():
        app.config["SECRET_KEY"] = "another-site"
        foreign = make_unsubscribe_token(user.id, Kind.REPLY)
        app.config["SECRET_KEY"] = "testing-secret-key"
    assert client.post(f"/notifications/unsubscribe/{foreign}").status_code == 400
    assert all(services.email_choices(user.id).values())


def test_smtp_sends_the_list_unsubscribe_headers(make_app, smtp_server):  # noqa: F811
    app = make_app(MAIL_BACKEND="smtp", MAIL_PORT=smtp_server.server_address[1], MAIL_SERVER="127.0.0.1")
    user = make_user()
    publish("content.hidden", author_id=user.id, what="comment", reason="", url="/c/1")
    commit()
    (sent,) = smtp_server.messages
    parsed = email.message_from_bytes(sent, policy=email.policy.default)
    assert parsed["List-Unsubscribe"].startswith("<http://localhost:5000/notifications/unsubscribe/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert app.extensions["mailer"].__class__.__name__ == "SmtpMailer"


# The bell and the list --------------------------------------------------------------------------------


def test_the_header_says_how_many_notifications_are_unread(app, client, as_user):
    user = make_user()
    assert "Notifications" not in client.get("/").get_data(as_text=True)  # visitors have no bell
    as_user(user)
    assert "Notifications (" not in client.get("/").get_data(as_text=True)
    for n in range(3):
        publish("content.hidden", author_id=user.id, what="comment", reason="", url=f"/c/{n}")
    commit()
    assert "Notifications (3 unread)" in client.get("/").get_data(as_text=True)


def test_the_header_count_is_one_query(app):
    from flask_login import login_user
    from sqlalchemy import event

    from participate.notifications.views import notification_globals

    user = make_user()
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    with app.test_request_context("/"):
        login_user(user)
        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            assert notification_globals()["unread_notifications"] == 0
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
    (statement,) = statements
    assert "count(" in statement.lower() and "notification" in statement


def test_the_list_is_newest_first_and_paged(app, client, as_user):
    user = make_user()
    for n in range(services.PER_PAGE + 2):
        publish("content.hidden", author_id=user.id, what="comment", reason=f"reason {n}", url=f"/c/{n}")
    commit()
    as_user(user)
    first = client.get("/notifications/").get_data(as_text=True)
    assert first.index("reason 21") < first.index("reason 20") and "reason 1<" not in first
    assert "Page 1 of 2" in first and "Mark all as read" in first
    assert "reason 0" in client.get("/notifications/?page=2").get_data(as_text=True)


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(app, client, as_user):
    user = make_user()
    publish("content.hidden", author_id=user.id, what="comment", reason="", url="/processes/")
    commit()
    (note,) = notifications_of(user)
    as_user(user)
    response = post_form(client, f"/notifications/{note.id}/open", token_from="/notifications/")
    assert response.status_code == 302 and response.location == "/processes/"
    db.session.refresh(note)
    assert note.read_at is not None
    assert "Notifications (" not in client.get("/").get_data(as_text=True)


def test_an_outside_url_is_never_followed_nor_emailed(app, client, as_user, outbox):
    user = make_user()
    publish("content.hidden", author_id=user.id, what="comment", reason="", url="https://evil.example/x")
    commit()
    (note,) = notifications_of(user)
    assert "evil.example" not in outbox[0].body and "http://localhost:5000/notifications/\n" in outbox[0].body
    as_user(user)
    response = post_form(client, f"/notifications/{note.id}/open", token_from="/notifications/")
    assert response.location == "/notifications/"


def test_nobody_can_open_or_mark_someone_elses_notifications(app, client, as_user):
    owner, intruder = make_user(), make_user()
    publish("content.hidden", author_id=owner.id, what="comment", reason="", url="/c/1")
    publish("content.hidden", author_id=intruder.id, what="comment", reason="", url="/c/2")
    commit()
    (note,) = notifications_of(owner)
    as_user(intruder)
    token = csrf_token(client, "/notifications/")
    assert client.post(f"/notifications/{note.id}/open", data={"csrf_token": token}).status_code == 404
    assert client.post("/notifications/999999/open", data={"csrf_token": token}).status_code == 404
    assert client.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    db.session.refresh(note)
    assert note.read_at is None
    assert all(n.read_at is not None for n in notifications_of(intruder))


# Following processes and phase changes ----------------------------------------------------------------


def test_follow_and_unfollow_from_the_process_page(app, client, as_user):
    process, user = make_process(), make_user()
    assert "Follow this process" not in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    as_user(user)
    assert "Follow this process" in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert follow(client, process).status_code == 302
    assert follow(client, process).status_code == 302  # twice is still one follow
    assert services.follower_ids(process.id) == [user.id]
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Unfollow" in page
    response = post_form(
        client, f"/notifications/unfollow/{process.id}", token_from=f"/processes/{process.slug}"
    )
    assert response.status_code == 302 and services.follower_ids(process.id) == []


def test_a_draft_cannot_be_followed(app, client, as_user):
    draft, user = make_process(published=False), make_user()
    as_user(user)
    token = csrf_token(client, "/")
    assert client.post(f"/notifications/follow/{draft.id}", data={"csrf_token": token}).status_code == 404
    assert db.session.scalars(select(ProcessFollow)).all() == []


def test_staff_advancing_a_phase_notifies_every_follower_once(app, client, as_user, outbox):
    process = make_process()
    follower, other_follower, bystander = make_user(), make_user(), make_user()
    staff = make_user(Role.STAFF)
    for person in (follower, other_follower):
        as_user(person)
        follow(client, process)
        post_form(client, "/accounts/logout")
    process_services.advance_phase(staff, process, Phase.DELIBERATION)
    commit()
    for person in (follower, other_follower):
        (note,) = notifications_of(person)
        assert note.kind == Kind.PHASE_CHANGED and note.url == f"/processes/{process.slug}"
        assert describe(note.kind, note.data) == f"“{process.title}” is now in the deliberation phase."
    assert notifications_of(bystander) == [] and notifications_of(staff) == []
    assert sorted(m.to for m in outbox) == sorted([follower.email, other_follower.email])
    # At midnight the dates reach the phase staff already announced: nothing new to say.
    shift_dates_back(process, 7)
    runner = app.test_cli_runner()
    assert "0 process(es)" in runner.invoke(args=["notify-phase-changes"]).output
    assert len(notifications_of(follower)) == 1


def test_the_first_phase_starting_by_date_is_announced_and_the_task_is_registered(app, client, as_user):
    process, follower = make_process(days_in=-3), make_user()  # opens in three days
    as_user(follower)
    follow(client, process)
    assert db.session.get(ProcessPhaseNotice, process.id).phase is None
    shift_dates_back(process, 3)
    assert JOB_KINDS["notifications.phase_changes"].work({}, lambda *_: None) == {"changed": 1}
    (note,) = notifications_of(follower)
    assert note.data["phase"] == "proposals"


def test_notify_phase_changes_announces_a_change_by_date_once(app, client, as_user, outbox):
    process, quiet, follower = make_process(), make_process(), make_user()
    as_user(follower)
    follow(client, process)
    follow(client, quiet)
    assert db.session.get(ProcessPhaseNotice, process.id).phase == Phase.PROPOSALS
    runner = app.test_cli_runner()
    assert "0 process(es)" in runner.invoke(args=["notify-phase-changes"]).output  # nothing changed yet
    shift_dates_back(process, 7)  # midnight: the deliberation phase starts by its date
    first = runner.invoke(args=["notify-phase-changes"])
    assert first.exit_code == 0 and "1 process(es)" in first.output
    second = runner.invoke(args=["notify-phase-changes"])
    assert "0 process(es)" in second.output
    (note,) = notifications_of(follower)
    assert note.data == {"process": process.title, "phase": "deliberation"}
    (message,) = outbox
    assert message.to == follower.email and "http://localhost:5000/processes/" in message.body
    assert db.session.get(ProcessPhaseNotice, process.id).phase == Phase.DELIBERATION


def test_the_real_chain_a_reply_on_a_proposal_notifies_its_parent_author(app, outbox):
    """Deliberation publishes, notifications subscribe: no stand-ins."""
    from participate.core.after_commit import commit
    from participate.deliberation import services as deliberation
    from participate.deliberation.subjects import resolve
    from participate.notifications.models import Notification
    from tests.factories import make_proposal

    process = make_process()
    first_author, replier = make_user(), make_user()
    proposal = make_proposal(process)
    first = deliberation.post_comment(
        first_author, resolve("proposal", proposal.id), "A good idea.", "in_favour"
    )
    deliberation.reply_to(replier, first, "Thanks!", None)
    commit()
    notes = (
        db.session.execute(select(Notification).where(Notification.user_id == first_author.id))
        .scalars()
        .all()
    )
    assert [n.kind for n in notes] == ["reply"] and notes[0].url.startswith("/deliberation/comments/")
    assert [m.to for m in outbox] == [first_author.email]
