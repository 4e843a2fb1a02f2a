"""The council's answer: staff answer a panel's published recommendations (decision, reasons, deadline),
track their implementation with the results' tracking, followers are notified, and "What the council did"
shows them beside the funded proposals, flagging what is overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from participate.accounts.models import User
from participate.audit.labels import action_label
from participate.audit.models import AuditEntry
from participate.core.clock import today, utcnow
from participate.core.errors import NotFound, PermissionDenied, ValidationFailed
from participate.extensions import db
from participate.notifications import services as notifications
from participate.notifications.models import Notification, ProcessFollow
from participate.panels import answers
from participate.panels.answer_models import RecommendationAnswer
from participate.panels.models import Panel, PanelStatus
from participate.panels.recommendation_models import Recommendation
from participate.results.models import ProjectMilestone, ProjectTracking
from participate.results.tracking import TrackingInput
from tests.concurrency import DONE, as_request, at_once, races
from tests.conftest import deletes_a_milestone_or_says_why
from tests.factories import make_user
from tests.panels.helpers import facilitated_process, make_panel, manage_url, post, text


def _recommendation(
    panel: Panel, title: str = "Free buses for pupils", *, published_days_ago: int = 10, **fields
):
    recommendation = Recommendation(
        panel_id=panel.id,
        title=title,
        text="Every pupil travels free on the city's buses on school days.",
        status=fields.pop("status", "adopted"),
        published_at=None if published_days_ago is None else utcnow() - timedelta(days=published_days_ago),
        **fields,
    )
    db.session.add(recommendation)
    db.session.commit()
    return recommendation


def _world():
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, status=PanelStatus.SEATED)
    return process, facilitator, panel, make_user("staff")


def _answer_url(panel, recommendation, rest=""):
    return manage_url(panel, f"/answers/{recommendation.id}{rest}")


def test_staff_answer_followers_hear_of_it_and_the_public_page_shows_it(app, client, as_user, outbox):
    process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    follower, other = make_user(), make_user()
    db.session.add(ProcessFollow(user_id=follower.id, process_id=process.id))
    db.session.commit()
    as_user(staff)
    listing = text(client.get(manage_url(panel, "/answers")))
    assert "Free buses for pupils" in listing and "Not answered" in listing
    response = post(
        client,
        _answer_url(panel, recommendation),
        {"decision": "partly", "reasons": "We start with **secondary schools**.", "deadline": "2030-08-01"},
    )
    assert response.status_code == 302, text(response)[:1500]
    saved = db.session.scalar(select(RecommendationAnswer))
    assert (saved.decision, saved.deadline) == ("partly", date(2030, 8, 1))
    # the follower is told, in the app and by email once the request committed; nobody else is
    (note,) = db.session.scalars(select(Notification).where(Notification.user_id == follower.id)).all()
    assert note.kind == "recommendation_answered" and note.url.endswith(
        f"#recommendation-{recommendation.id}"
    )
    assert "accepted in part" in notifications.describe(note.kind, note.data)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.user_id == other.id)
        )
        == 0
    )
    (message,) = outbox
    assert message.to == follower.email and "Free buses for pupils" in message.subject
    # tracking the implementation with the shared tracker
    assert (
        post(
            client,
            _answer_url(panel, recommendation, "/tracking"),
            {"status": "in_progress", "progress": "30"},
            token_from=_answer_url(panel, recommendation),
        ).status_code
        == 302
    )
    assert (
        post(
            client,
            _answer_url(panel, recommendation, "/milestones"),
            {"on": "2030-01-15", "text": "Budget approved"},
            token_from=_answer_url(panel, recommendation),
        ).status_code
        == 302
    )
    tracked = db.session.scalar(select(ProjectTracking))
    assert (tracked.recommendation_id, tracked.proposal_id, tracked.progress) == (recommendation.id, None, 30)
    # the public page, for anyone
    page = text(app.test_client().get(f"/processes/{process.slug}/what-the-council-did"))  # a visitor
    assert "Free buses for pupils" in page and "Accepted in part" in page
    assert "<strong>secondary schools</strong>" in page
    assert "In progress, 30%" in page and "Budget approved" in page
    assert "Overdue" not in page
    # a revision with the same decision tells nobody again
    assert (
        post(
            client,
            _answer_url(panel, recommendation),
            {"decision": "partly", "reasons": "Secondary schools first, then all.", "deadline": "2030-08-01"},
        ).status_code
        == 302
    )
    assert (
        db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.user_id == follower.id)
        )
        == 1
    )
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("panel.%"))).all()
    assert "panel.recommendation_answered" in actions and "panel.answer_revised" in actions
    for action in ("panel.recommendation_answered", "panel.answer_revised", "panel.answers_due"):
        assert action_label(action) != action


def test_an_unanswered_recommendation_is_overdue_after_the_deadline(client):
    process, _facilitator, panel, staff = _world()
    late = _recommendation(panel, "Late one", published_days_ago=answers.ANSWER_DAYS + 5)
    fresh = _recommendation(panel, "Fresh one", published_days_ago=3)
    on = today()
    items = {i.recommendation.title: i for i in answers.items(panel, on)}
    assert items["Late one"].overdue == answers.Overdue.ANSWER
    assert items["Fresh one"].overdue is None
    # the panel's own deadline replaces the default
    answers.set_answers_due(staff, panel, on - timedelta(days=1))
    db.session.commit()
    assert answers.items(panel, on)[1].overdue == answers.Overdue.ANSWER
    answers.set_answers_due(staff, panel, on + timedelta(days=30))
    db.session.commit()
    assert all(i.overdue is None for i in answers.items(panel, on))
    assert late.id and fresh.id
    answers.set_answers_due(staff, panel, None)
    db.session.commit()
    page = text(client.get(f"/processes/{process.slug}/what-the-council-did"))
    assert page.count("Overdue") == 1 and "Not answered yet" in page


def test_an_implementation_past_its_deadline_is_overdue_until_done(app):
    _process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    on = today()
    answers.answer(
        staff, panel, recommendation, answers.AnswerInput("accepted", "Yes.", on - timedelta(days=1))
    )
    answers.set_tracking(staff, panel, recommendation, TrackingInput("in_progress", 80))
    db.session.commit()
    assert answers.items(panel, on)[0].overdue == answers.Overdue.IMPLEMENTATION
    answers.set_tracking(staff, panel, recommendation, TrackingInput("done", 100))
    db.session.commit()
    assert answers.items(panel, on)[0].overdue is None
    # not accepted: nothing to implement, never overdue, and no tracking
    answers.answer(staff, panel, recommendation, answers.AnswerInput("not_accepted", "No money.", None))
    assert answers.items(panel, on)[0].overdue is None
    with pytest.raises(ValidationFailed):
        answers.set_tracking(staff, panel, recommendation, TrackingInput("in_progress", 10))


def test_bad_answers_get_a_message_and_leave_nothing(client, as_user):
    _process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    as_user(staff)
    url = _answer_url(panel, recommendation)
    for data, message in (
        ({"decision": "accepted", "reasons": "Yes", "deadline": ""}, "Give the date"),
        ({"decision": "accepted", "reasons": "  ", "deadline": "2030-01-01"}, "Give the council"),
        ({"decision": "maybe", "reasons": "Hm", "deadline": "2030-01-01"}, "Not a valid choice"),
        ({"decision": "accepted", "reasons": "Yes", "deadline": "not a date"}, "date"),
        ({"decision": "accepted", "reasons": "Yes", "deadline": "1900-01-01"}, "between 2000 and 2100"),
    ):
        response = post(client, url, data)
        assert response.status_code == 400, data
        assert message in text(response), (data, text(response)[:3000])
    assert (
        post(client, url + "/tracking", {"status": "done", "progress": "100"}, token_from=url).status_code
        == 400
    )
    assert (
        post(client, url + "/milestones", {"on": "2030-01-01", "text": "x"}, token_from=url).status_code
        == 400
    )
    assert db.session.scalar(select(func.count()).select_from(RecommendationAnswer)) == 0
    assert db.session.scalar(select(func.count()).select_from(ProjectTracking)) == 0
    assert db.session.scalar(select(func.count()).select_from(ProjectMilestone)) == 0


def test_only_staff_answer_and_only_published_adopted_recommendations(client, as_user):
    _process, facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    draft = _recommendation(panel, "Still a draft", status="draft", published_days_ago=None)
    rejected = _recommendation(panel, "Not adopted", status="not_adopted")
    with pytest.raises(PermissionDenied):
        answers.answer(
            facilitator, panel, recommendation, answers.AnswerInput("accepted", "Yes", date(2030, 1, 1))
        )
    for hidden in (draft, rejected):
        with pytest.raises(NotFound):
            answers.answer(staff, panel, hidden, answers.AnswerInput("accepted", "Yes", date(2030, 1, 1)))
    as_user(facilitator)  # the panel's facilitator runs the panel, the council answers it
    assert client.get(manage_url(panel, "/answers")).status_code == 403
    assert f"/panels/{panel.id}/answers" not in text(client.get(manage_url(panel)))
    post(client, "/accounts/logout", {})
    as_user(staff)
    assert f"/panels/{panel.id}/answers" in text(client.get(manage_url(panel)))
    assert client.get(_answer_url(panel, draft)).status_code == 404
    listing = text(client.get(manage_url(panel, "/answers")))
    assert "Still a draft" not in listing and "Not adopted" not in listing


def test_a_milestone_is_added_and_deleted_with_the_shared_tracking(client, as_user):
    _process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    answers.answer(staff, panel, recommendation, answers.AnswerInput("accepted", "Yes.", date(2030, 1, 1)))
    milestone = answers.add_milestone(staff, panel, recommendation, date(2029, 5, 1), "Pilot started")
    db.session.commit()
    as_user(staff)
    url = _answer_url(panel, recommendation)
    page = text(client.get(url))
    assert (
        "Pilot started" in page
        and _answer_url(panel, recommendation, f"/milestones/{milestone.id}/delete") in page
    )
    response = post(
        client, _answer_url(panel, recommendation, f"/milestones/{milestone.id}/delete"), {}, token_from=url
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "The milestone is deleted." in text(client.get(url))
    assert db.session.scalar(select(func.count()).select_from(ProjectMilestone)) == 0
    actions = db.session.scalars(
        select(AuditEntry.subject_type).where(AuditEntry.action == "results.milestone_deleted")
    ).all()
    assert actions == ["recommendation"]


def test_a_refused_milestone_delete_says_why_on_the_answer_page(client, as_user):
    _process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    other = _recommendation(panel, "Cycle lanes on every main road")
    for each in (recommendation, other):
        answers.answer(staff, panel, each, answers.AnswerInput("accepted", "Yes.", date(2030, 1, 1)))
    mine = answers.add_milestone(staff, panel, recommendation, date(2029, 5, 1), "Pilot started")
    theirs = answers.add_milestone(staff, panel, other, date(2029, 6, 1), "Lanes painted")
    db.session.commit()
    as_user(staff)
    deletes_a_milestone_or_says_why(
        client,
        _answer_url(panel, recommendation),
        lambda milestone_id: _answer_url(panel, recommendation, f"/milestones/{milestone_id}/delete"),
        mine.id,
        theirs.id,
    )
    assert db.session.scalars(select(ProjectMilestone.text)).all() == ["Lanes painted"]
    assert (
        len(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "results.milestone_deleted")
            ).all()
        )
        == 1
    )


def test_a_tracking_row_names_exactly_one_subject(app):
    db.session.add(ProjectTracking(status="planned", progress=0))
    with pytest.raises(IntegrityError):  # the database's check constraint refuses it
        db.session.flush()
    db.session.rollback()


def test_before_any_result_or_recommendation_the_page_says_so(client):
    process, _facilitator, _panel, _staff = _world()
    page = text(client.get(f"/processes/{process.slug}/what-the-council-did"))
    assert "What the council did" in page and "not published yet" in page
    assert "No citizens' panel of this process has published recommendations yet." in page.replace(
        "&#39;", "'"
    )


@races
def test_parallel_first_answers_keep_one_row(app):
    _process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    ids = (staff.id, panel.id, recommendation.id)

    def answer(decision: str):
        def use_case() -> None:
            answers.answer(
                db.session.get(User, ids[0]),
                db.session.get(Panel, ids[1]),
                db.session.get(Recommendation, ids[2]),
                answers.AnswerInput(decision, f"Because {decision}", date(2030, 1, 1)),
            )

        return as_request(use_case)

    results = at_once(app, [answer("accepted"), answer("partly"), answer("accepted")])
    assert results.count(DONE) == 3
    assert db.session.scalar(select(func.count()).select_from(RecommendationAnswer)) == 1


@races
def test_parallel_deletes_of_one_milestone_delete_it_once(app):
    _process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    answers.answer(staff, panel, recommendation, answers.AnswerInput("accepted", "Yes.", date(2030, 1, 1)))
    milestone = answers.add_milestone(staff, panel, recommendation, date(2029, 5, 1), "Pilot started")
    db.session.commit()
    ids = (staff.id, panel.id, recommendation.id, milestone.id)

    def delete() -> None:
        answers.delete_milestone(
            db.session.get(User, ids[0]),
            db.session.get(Panel, ids[1]),
            db.session.get(Recommendation, ids[2]),
            ids[3],
        )

    results = at_once(app, [as_request(delete) for _ in range(3)])
    assert results.count(DONE) == 1, results
    assert results.count("This milestone is no longer here: it may have been deleted already.") == 2
    assert db.session.scalar(select(func.count()).select_from(ProjectMilestone)) == 0
    deleted = select(func.count()).where(AuditEntry.action == "results.milestone_deleted")
    assert db.session.scalar(deleted) == 1


def test_the_api_and_the_report_show_the_councils_response(app, client):
    _process, _facilitator, panel, staff = _world()
    recommendation = _recommendation(panel)
    url = f"/api/v1/panels/{panel.id}/recommendations"
    (listed,) = client.get(url).get_json()["recommendations"]
    assert listed["id"] == recommendation.id and listed["response"] is None
    answers.answer(
        staff, panel, recommendation, answers.AnswerInput("partly", "Schools first.", date(2030, 8, 1))
    )
    answers.set_tracking(staff, panel, recommendation, TrackingInput("in_progress", 45))
    db.session.commit()
    (listed,) = client.get(url).get_json()["recommendations"]
    assert listed["response"] == {
        "decision": "partly",
        "reasons": "Schools first.",
        "deadline": "2030-08-01",
        "status": "in_progress",
        "progress": 45,
    }
    report = text(client.get(f"/processes/{panel.process.slug}/panels/{panel.id}/recommendations"))
    assert "Accepted in part" in report and "Schools first." in report
    assert (
        f"/processes/{panel.process.slug}/what-the-council-did#recommendation-{recommendation.id}" in report
    )


def test_a_seated_panel_links_its_process_page_to_what_the_council_did(client):
    process, _facilitator, panel, _staff = _world()
    assert f"/processes/{process.slug}/what-the-council-did" in client.get(
        f"/processes/{process.slug}"
    ).get_data(as_text=True)
    panel.status = PanelStatus.RECRUITING.value
    db.session.commit()
    assert "what-the-council-did" not in client.get(f"/processes/{process.slug}").get_data(as_text=True)
