"""Moderation: reports (once per person), automatic hiding, the moderators' queue, blocking, the audit."""

import pytest
from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.core.events import SUBSCRIBERS
from participate.extensions import db
from participate.moderation.models import Report
from participate.processes.models import ProcessRole
from participate.proposals.models import Proposal
from tests.conftest import csrf_token, login, post_form
from tests.factories import make_process, make_proposal, make_user


@pytest.fixture
def process(app):
    return make_process()


@pytest.fixture
def proposal(process):
    return make_proposal(process, make_user(name="Ada Author"), title="Free parking for my shop")


@pytest.fixture
def events(app):
    heard = {"content.reported": [], "content.hidden": []}

    def listener_for(name):
        def listen(**data):  # the process is read while the request's session is still open
            heard[name].append({**data, **({"process": data["process"].id} if "process" in data else {})})

        return listen

    listeners = {name: listener_for(name) for name in heard}
    for name, listener in listeners.items():
        SUBSCRIBERS[name].append(listener)
    yield heard
    for name, listener in listeners.items():
        SUBSCRIBERS[name].remove(listener)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def client_for(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def report(client, proposal, reason="spam", text=""):
    url = f"/moderation/report/proposal/{proposal.id}"
    return post_form(client, url, {"reason": reason, "text": text}, token_from=f"/proposals/{proposal.id}")


def report_by_new_people(app, proposal, n):
    for _ in range(n):
        assert report(client_for(app, make_user()), proposal).status_code == 302


def moderator_of(process, role="moderator"):
    person = make_user()
    db.session.add(ProcessRole(process_id=process.id, user_id=person.id, role=role))
    db.session.commit()
    return person


def queue_url(process):
    return f"/manage/processes/{process.id}/moderation"


def act(client, process, proposal, action, **fields):
    """Post one of the queue's forms; the hide and block forms carry a per-item prefix."""
    prefix = {"hide": f"hide-proposal-{proposal.id}-", "block-author": f"block-proposal-{proposal.id}-"}
    token = csrf_token(client, queue_url(process))
    data = {f"{prefix.get(action, '')}csrf_token": token}
    data.update({f"{prefix.get(action, '')}{name}": value for name, value in fields.items()})
    return client.post(f"{queue_url(process)}/proposal/{proposal.id}/{action}", data=data)


def public_listing(app, process) -> str:
    return app.test_client().get(f"/processes/{process.slug}/proposals/").get_data(as_text=True)


def test_a_resident_reports_once_and_a_second_report_is_refused_clearly(app, client, proposal, events):
    reporter = make_user()
    login(client, reporter.email)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/moderation/report/proposal/{proposal.id}" in page
    response = report(client, proposal, "offensive", "Insults the neighbours.")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    row = db.session.execute(select(Report)).scalar_one()
    assert (row.item_type, row.item_id, row.reporter_id, row.reason, row.text, row.process_id) == (
        "proposal",
        proposal.id,
        reporter.id,
        "offensive",
        "Insults the neighbours.",
        proposal.process_id,
    )
    assert row.resolved_at is None
    again = report(client, proposal, "spam")
    assert again.status_code == 400
    assert "You have already reported this" in again.get_data(as_text=True)
    assert count(Report) == 1
    assert "You have already reported this" in client.get(
        f"/moderation/report/proposal/{proposal.id}"
    ).get_data(as_text=True)
    [event] = events["content.reported"]
    assert event["process"] == proposal.process_id
    assert (event["item_type"], event["item_id"], event["url"]) == (
        "proposal",
        proposal.id,
        f"/proposals/{proposal.id}",
    )
    # Reports are people's data, not audit entries.
    assert actions() == []


@pytest.mark.parametrize(
    ("reason", "text", "message"),
    [
        ("", "", "Choose why you are reporting this"),
        ("rude", "", "Not a valid choice"),
        ("other", "", "Tell the moderators what is wrong"),
        ("other", "   ", "Tell the moderators what is wrong"),
        ("spam", "x" * 1001, "cannot be longer than 1000 characters"),
    ],
)
def test_report_reasons_are_validated_and_bad_reports_write_nothing(client, proposal, reason, text, message):
    login(client, make_user().email)
    response = report(client, proposal, reason, text)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(Report) == 0


def test_other_with_a_text_is_accepted(client, proposal):
    login(client, make_user().email)
    assert report(client, proposal, "other", "It copies another proposal word for word.").status_code == 302
    assert db.session.execute(select(Report.reason)).scalar_one() == "other"


def test_visitors_log_in_and_authors_and_unconfirmed_people_cannot_report(app, client, proposal):
    url = f"/moderation/report/proposal/{proposal.id}"
    assert "/accounts/login" in client.get(url).headers["Location"]
    assert url not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    author = client_for(app, db.session.get(Proposal, proposal.id).author)
    assert url not in author.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    refused = author.get(url)
    assert refused.status_code == 403 and "cannot report what you wrote" in refused.get_data(as_text=True)
    unconfirmed = client_for(app, make_user(confirmed=False))
    assert unconfirmed.get(url).status_code == 403
    assert app.test_client().get("/moderation/report/nothing/1").status_code == 302  # login first
    assert client_for(app, make_user()).get("/moderation/report/nothing/1").status_code == 404
    assert count(Report) == 0


def test_a_draft_cannot_be_reported_by_those_who_cannot_see_it(app, process):
    draft = make_proposal(process, status="draft")
    assert client_for(app, make_user()).get(f"/moderation/report/proposal/{draft.id}").status_code == 404


def test_automatic_hide_at_the_threshold_and_not_before(app, proposal, events):
    report_by_new_people(app, proposal, 2)
    db.session.expire_all()
    assert not db.session.get(Proposal, proposal.id).is_hidden
    assert "Free parking for my shop" in public_listing(app, proposal.process)
    assert events["content.hidden"] == []
    report_by_new_people(app, proposal, 1)
    db.session.expire_all()
    hidden = db.session.get(Proposal, proposal.id)
    assert hidden.is_hidden and "hidden until a moderator looks at it" in hidden.hidden_reason
    page = app.test_client().get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Hidden by moderation" in page
    assert "Free parking for my shop" not in public_listing(app, proposal.process)
    api = app.test_client().get(f"/api/v1/processes/{proposal.process_id}/proposals").get_json()
    assert proposal.id not in [item["id"] for item in api["proposals"]]
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor_id, entry.subject_type, entry.subject_id) == (
        "moderation.hidden",
        None,
        "proposal",
        str(proposal.id),
    )
    assert [e["author_id"] for e in events["content.hidden"]] == [hidden.author_id]
    assert events["content.hidden"][0]["what"] == "proposal"
    assert len(events["content.reported"]) == 3
    # The reports stay open: the item waits in the queue for a moderator.
    assert (
        db.session.scalar(select(func.count()).select_from(Report).where(Report.resolved_at.is_(None))) == 3
    )


def test_the_threshold_is_a_process_setting_and_zero_means_never(app, client, proposal):
    staff = client_for(app, make_user("staff"))
    url = f"{queue_url(proposal.process)}/settings"
    token = csrf_token(staff, queue_url(proposal.process))
    bad = staff.post(url, data={"settings-csrf_token": token, "settings-hide_after_reports": "-1"})
    assert bad.status_code == 400
    ok = staff.post(url, data={"settings-csrf_token": token, "settings-hide_after_reports": "0"})
    assert ok.status_code == 302
    report_by_new_people(app, proposal, 4)
    db.session.expire_all()
    assert not db.session.get(Proposal, proposal.id).is_hidden
    other = make_proposal(proposal.process)
    staff.post(url, data={"settings-csrf_token": token, "settings-hide_after_reports": "1"})
    report_by_new_people(app, other, 1)
    db.session.expire_all()
    assert db.session.get(Proposal, other.id).is_hidden
    assert actions() == ["moderation.settings_changed", "moderation.settings_changed", "moderation.hidden"]
    # A moderator who is not staff sees the queue but cannot change the setting.
    moderator = client_for(app, moderator_of(proposal.process))
    assert "settings-hide_after_reports" not in moderator.get(queue_url(proposal.process)).get_data(
        as_text=True
    )
    assert moderator.post(url, data={"settings-hide_after_reports": "5"}).status_code in (400, 403)


def test_a_moderator_hides_with_a_public_reason_and_unhide_brings_it_back(app, proposal, events):
    reporter = client_for(app, make_user())
    report(reporter, proposal, "other", "This is an advert for a shop.")
    moderator = client_for(app, moderator_of(proposal.process))
    queue = moderator.get(queue_url(proposal.process)).get_data(as_text=True)
    assert "Free parking for my shop" in queue and "This is an advert for a shop." in queue
    assert "1 open report" in queue and "Ada Author" in queue
    assert "Block the author" not in queue  # blocking is for staff
    empty = act(moderator, proposal.process, proposal, "hide", reason="")
    assert empty.status_code == 400 and "This field is required" in empty.get_data(as_text=True)
    hidden = act(moderator, proposal.process, proposal, "hide", reason="Advertising")
    assert hidden.status_code == 302
    page = app.test_client().get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Hidden by moderation: Advertising" in page
    assert "Free parking for my shop" not in public_listing(app, proposal.process)
    row = db.session.execute(select(Report)).scalar_one()
    assert (row.resolution, row.resolved_by_id is not None) == ("hidden", True)
    assert events["content.hidden"][-1]["reason"] == "Advertising"
    shown = act(moderator, proposal.process, proposal, "unhide")
    assert shown.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Proposal, proposal.id).is_hidden
    assert "Free parking for my shop" in public_listing(app, proposal.process)
    again = act(moderator, proposal.process, proposal, "unhide")
    assert again.status_code == 400 and "This is not hidden" in again.get_data(as_text=True)
    assert actions() == ["moderation.hidden", "moderation.unhidden"]


def test_unhiding_an_automatically_hidden_item_closes_its_reports(app, proposal):
    report_by_new_people(app, proposal, 3)
    moderator = client_for(app, moderator_of(proposal.process, "facilitator"))
    assert act(moderator, proposal.process, proposal, "unhide").status_code == 302
    resolutions = db.session.execute(select(Report.resolution)).scalars().all()
    assert resolutions == ["restored"] * 3
    report_by_new_people(app, proposal, 1)  # one new report is not three open ones
    db.session.expire_all()
    assert not db.session.get(Proposal, proposal.id).is_hidden


def test_dismiss_closes_the_reports_and_leaves_the_item(app, proposal):
    report_by_new_people(app, proposal, 2)
    moderator = client_for(app, moderator_of(proposal.process))
    assert act(moderator, proposal.process, proposal, "dismiss").status_code == 302
    assert db.session.execute(select(Report.resolution)).scalars().all() == ["dismissed", "dismissed"]
    db.session.expire_all()
    assert not db.session.get(Proposal, proposal.id).is_hidden
    again = act(moderator, proposal.process, proposal, "dismiss")
    assert again.status_code == 400 and "no open reports" in again.get_data(as_text=True)
    assert actions() == ["moderation.dismissed"]


def test_the_queue_lists_open_items_first(app, process):
    old = make_proposal(process, title="Dismissed long ago")
    new = make_proposal(process, title="Needs a look")
    report_by_new_people(app, new, 1)
    report_by_new_people(app, old, 1)
    moderator = client_for(app, moderator_of(process))
    act(moderator, process, old, "dismiss")
    queue = moderator.get(queue_url(process)).get_data(as_text=True)
    assert queue.index("Needs a look") < queue.index("Dismissed long ago")


def test_residents_and_reviewers_cannot_reach_the_queue_moderators_can(app, proposal):
    report_by_new_people(app, proposal, 1)
    process = proposal.process
    for person in (make_user(), moderator_of(process, "reviewer")):
        client = client_for(app, person)
        assert client.get(queue_url(process)).status_code == 403
        assert act(client, process, proposal, "dismiss").status_code == 403
    assert client_for(app, moderator_of(process)).get(queue_url(process)).status_code == 200
    assert client_for(app, moderator_of(process, "facilitator")).get(queue_url(process)).status_code == 200
    # A moderator of another process is nobody here.
    elsewhere = moderator_of(make_process())
    assert client_for(app, elsewhere).get(queue_url(process)).status_code == 403
    # An item of another process is not in this queue.
    other = make_proposal(make_process())
    staff = client_for(app, make_user("staff"))
    assert act(staff, process, other, "dismiss").status_code == 404
    assert count(Report) == 1 and actions() == []


def test_a_blocked_person_can_read_but_not_submit_support_or_report(app, proposal):
    process = proposal.process
    report_by_new_people(app, proposal, 1)
    author = db.session.get(Proposal, proposal.id).author
    moderator = client_for(app, moderator_of(process))
    assert act(moderator, process, proposal, "block-author", reason="Spam").status_code == 403
    staff = client_for(app, make_user("staff"))
    empty = act(staff, process, proposal, "block-author", reason="")
    assert empty.status_code == 400
    blocked = act(staff, process, proposal, "block-author", reason="Repeated advertising")
    assert blocked.status_code == 302
    db.session.expire_all()
    assert author.is_blocked and author.blocked_reason == "Repeated advertising"

    person = client_for(app, author)
    target = make_proposal(process)
    assert person.get(f"/proposals/{target.id}").status_code == 200
    assert person.get(f"/processes/{process.slug}/proposals/").status_code == 200
    message = "Your account has been blocked by the moderators: Repeated advertising"
    new = person.get(f"/processes/{process.slug}/proposals/new")
    assert new.status_code == 403 and message in new.get_data(as_text=True)
    support = post_form(person, f"/proposals/{target.id}/support", token_from=f"/proposals/{target.id}")
    assert support.status_code == 403 and message in support.get_data(as_text=True)
    edit = person.get(f"/proposals/{proposal.id}/edit")
    assert edit.status_code == 403 and message in edit.get_data(as_text=True)
    refused = person.get(f"/moderation/report/proposal/{target.id}")
    assert refused.status_code == 403 and message in refused.get_data(as_text=True)

    listing = staff.get("/manage/moderation/blocked").get_data(as_text=True)
    assert author.display_name in listing and "Repeated advertising" in listing
    token = csrf_token(staff, "/manage/moderation/blocked")
    assert (
        staff.post(f"/manage/moderation/blocked/{author.id}/unblock", data={"csrf_token": token}).status_code
        == 302
    )
    again = staff.post(f"/manage/moderation/blocked/{author.id}/unblock", data={"csrf_token": token})
    assert again.status_code == 400 and "is not blocked" in again.get_data(as_text=True)
    assert (
        post_form(person, f"/proposals/{target.id}/support", token_from=f"/proposals/{target.id}").status_code
        == 302
    )
    assert actions() == ["user.blocked", "user.unblocked"]
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    assert {(e.subject_type, e.subject_id) for e in entries} == {("user", str(author.id))}


def test_staff_cannot_be_blocked_and_residents_cannot_see_blocked_accounts(app, process):
    colleague = make_user("staff")
    proposal = make_proposal(process, colleague)
    report_by_new_people(app, proposal, 1)
    staff = client_for(app, make_user("staff"))
    refused = act(staff, process, proposal, "block-author", reason="Test")
    assert refused.status_code == 400 and "Council staff cannot be blocked" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not colleague.is_blocked
    resident = client_for(app, make_user())
    assert resident.get("/manage/moderation/blocked").status_code == 403
    assert actions() == []


def test_every_moderator_action_is_audited_with_who_and_what(app, proposal):
    report_by_new_people(app, proposal, 1)
    staff_user = make_user("staff")
    staff = client_for(app, staff_user)
    act(staff, proposal.process, proposal, "hide", reason="Off topic")
    act(staff, proposal.process, proposal, "unhide")
    report_by_new_people(app, proposal, 1)
    act(staff, proposal.process, proposal, "dismiss")
    act(staff, proposal.process, proposal, "block-author", reason="Trolling")
    author_id = db.session.get(Proposal, proposal.id).author_id
    token = csrf_token(staff, "/manage/moderation/blocked")
    staff.post(f"/manage/moderation/blocked/{author_id}/unblock", data={"csrf_token": token})
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    assert [e.action for e in entries] == [
        "moderation.hidden",
        "moderation.unhidden",
        "moderation.dismissed",
        "user.blocked",
        "user.unblocked",
    ]
    assert {e.actor_id for e in entries} == {staff_user.id}
    assert '"reason":"Off topic"' in entries[0].data


def test_a_report_notifies_the_process_moderators_and_a_hidden_comment_leaves_the_counts(app, outbox):
    """The real chain: moderation publishes, notifications and deliberation react."""
    from participate.core.after_commit import commit
    from participate.deliberation import services as deliberation
    from participate.deliberation.subjects import resolve
    from participate.moderation import services as moderation
    from participate.notifications.models import Notification
    from participate.processes import services as process_services

    process = make_process()
    staff, moderator = make_user("staff"), make_user()
    process_services.grant_process_role(staff, process, moderator.email, "moderator")
    comment = deliberation.post_comment(
        make_user(), resolve("process", process.id), "Buy my stuff!", "neutral"
    )
    commit()
    from participate.moderation.reportables import reportable

    comments = reportable("comment")
    moderation.report_item(make_user(), comments, comment, "spam", "")
    commit()
    kinds = (
        db.session.execute(select(Notification.kind).where(Notification.user_id == moderator.id))
        .scalars()
        .all()
    )
    assert kinds == ["reported"]
    moderation.hide_item(moderator, comments, comment, "Advertising")
    commit()
    db.session.expire_all()
    assert comment.thread.comment_count == 0 and comment.hidden_reason == "Advertising"
