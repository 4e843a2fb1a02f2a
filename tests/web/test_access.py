"""Walk the whole URL map: who may reach what, and every POST refuses a missing CSRF token."""

import re

import pytest
from sqlalchemy import select

from participate.audit.jobs import VERIFY_CHAIN
from participate.extensions import db
from participate.jobs.models import Job
from participate.panels.models import Panel
from tests.factories import make_comment, make_process, make_proposal, make_user
from tests.panels.helpers import make_panel

# Endpoints anyone may use. Everything else must refuse anonymous visitors.
PUBLIC = {
    "static", "home.index", "core.healthz", "core.set_language", "core.favicon", "processes.index", "processes.detail",
    "accounts.register", "accounts.login", "accounts.logout", "accounts.confirm_email",
    "accounts.forgot_password", "accounts.reset_password", "accounts.confirm_email_change", "accounts.undo_email_change",
    "proposals.index", "proposals.detail", "proposals.similar", "proposals.image",
    "api.process_list", "api.process_proposals", "api.openapi",
    "deliberation.thread", "deliberation.permalink",
    "notifications.unsubscribe", "notifications.unsubscribed",
    "voting.receipt",
    "results.page", "results.ballots_pb", "results.results_csv_download", "results.results_json", "results.bulletin",
    "api.process_results",
    "panels.detail", "panels.register", "panels.withdraw", "panels_draw.fairness_page", "panels_draw.verify",
    "api.panel_list", "api.panel_detail", "api.panel_lottery",
    "panels_meetings.material", "api.panel_meetings",
}  # fmt: skip
# Endpoints any logged-in resident may use.
RESIDENT = {
    "proposals.new", "proposals.publish", "proposals.support", "proposals.unsupport", "proposals.follow", "proposals.unfollow",
    "deliberation.post", "deliberation.reply", "deliberation.vote",
    "notifications.index", "notifications.mark_all_read", "notifications.preferences", "notifications.follow",
    "notifications.unfollow",
    "accounts.profile", "accounts.change_password", "accounts.delete_account", "accounts.resend_confirmation",
    "accounts.log_out_other_devices", "moderation.report",
    "voting.ballot",  # a resident who has not confirmed they may vote gets a page explaining how
    "vote_verify.verify",
}  # fmt: skip
ADMIN_ONLY = {"admin.users", "admin.change_role"}
# Endpoints about something a person owns: to everyone else it does not exist (404, not 403).
OWNER_ONLY = {"jobs.detail", "jobs.status", "notifications.open_notification"}
# Endpoints only the author of a comment may use: everyone else, staff too, gets 403.
AUTHOR_ONLY = {"deliberation.edit", "deliberation.delete"}
# Results of a vote nobody has counted: 404 for everyone in these tests.
NOT_COUNTED = {
    "results.ballots_pb", "results.results_csv_download", "results.bulletin", "results_manage.project",
    "api.process_results",
}  # fmt: skip
# The world's panel is recruiting: no run, no letters, no published lottery yet (404 for everyone).
NOT_YET = {
    "panels_draw_manage.run_detail", "panels_manage.letters", "panels_manage.mail_merge",
    "panels_draw.fairness_page", "api.panel_lottery", "panels_draw.verify",
}  # fmt: skip


def _meeting_and_material(staff, panel):
    from participate.core.after_commit import commit
    from participate.panels import materials, meetings
    from participate.panels.meeting_models import MaterialKind
    from tests.panels.seated import meeting_input

    meeting = meetings.create_meeting(staff, panel, meeting_input())
    materials.add_material(
        staff,
        panel,
        materials.MaterialInput(
            "Members' notes", False, meeting, filename="n.pdf", data=b"%PDF-1.4\n%%EOF\n"
        ),
        MaterialKind.DOCUMENT,
    )
    commit()


def _urls(app, process, user, job, proposal):
    panel = db.session.scalar(select(Panel).where(Panel.process_id == process.id))
    values = {
        "panel_id": panel.id,
        "feature_id": panel.features[0].id,
        "run_id": 1,
        "seat_id": 1,
        "batch_id": 1,
        "subject_type": "process",
        "subject_id": process.id,
        "comment_id": 1,  # the world's comment
        "notification_id": 1,  # nobody's in these tests: 404 for all
        "process_id": process.id,
        "user_id": user.id,
        "slug": process.slug,
        "token": "not-a-token",
        "filename": "css/site.css",
        "job_id": job.id,
        "proposal_id": proposal.id,
        "name": "no-such-image.jpg",
        "kind": "proposal",
        "item_id": proposal.id,
        "budget_id": 1,
        "milestone_id": 1,
        "meeting_id": 1,
        "material_id": 1,
    }
    for rule in app.url_map.iter_rules():
        args = {name: values[name] for name in rule.arguments}
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, a=args: str(a[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


@pytest.fixture
def world(app, tmp_path):
    app.config["PANEL_MATERIALS_FOLDER"] = str(tmp_path)
    user = make_user()
    job = Job(kind=VERIFY_CHAIN, created_by_id=user.id)
    db.session.add(job)
    db.session.commit()
    process = make_process()
    staff = make_user("staff")
    panel = make_panel(process, staff)
    _meeting_and_material(staff, panel)  # meeting 1, material 1 (members only)
    make_comment(user, process)  # comment 1, for the discussion's endpoints
    return app, process, user, job, make_proposal(process, user)


def test_url_map_has_no_unclassified_blueprints(app):
    known_prefixes = (
        "core.", "home.", "processes.", "process_manage.", "proposals.", "proposal_manage.", "accounts.",
        "admin.", "jobs.", "api.", "deliberation.", "notifications.", "moderation.", "moderation_manage.",
        "voting.",
        "results.", "results_manage.",
        "vote_manage.", "vote_verify.",
        "panels.", "panels_manage.", "panels_draw.", "panels_draw_manage.",
        "panels_meetings.", "panels_meetings_manage.",
    )  # fmt: skip
    for rule in app.url_map.iter_rules():
        assert rule.endpoint == "static" or rule.endpoint.startswith(known_prefixes), rule.endpoint


def test_anonymous_browsers_are_sent_to_login_and_json_clients_get_403(app, world):
    _, process, user, job, proposal = world
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False  # here we test authorisation, not CSRF
    for endpoint, method, url in _urls(app, process, user, job, proposal):
        if endpoint in PUBLIC:
            continue
        browser = client.open(url, method=method)
        assert browser.status_code == 302, (endpoint, method, browser.status_code)
        assert "/accounts/login" in browser.headers["Location"], endpoint
        api = client.open(url, method=method, headers={"Accept": "application/json"})
        assert api.status_code == 403, (endpoint, method)
        assert api.is_json and api.get_json()["status"] == 403


def test_residents_are_refused_staff_and_admin_screens(app, world, as_user):
    _, process, user, job, proposal = world
    client = as_user(make_user())
    app.config["WTF_CSRF_ENABLED"] = False
    checked = 0
    for endpoint, method, url in _urls(app, process, user, job, proposal):
        if endpoint in PUBLIC or endpoint in RESIDENT:
            continue
        response = client.open(url, method=method)
        if endpoint in OWNER_ONLY:
            assert response.status_code == 404, (endpoint, method, response.status_code)
            continue
        assert response.status_code == 403, (endpoint, method, response.status_code)
        assert "Forbidden" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 10


def test_staff_reach_staff_screens_but_not_role_administration(app, world, as_user):
    _, process, user, job, proposal = world
    client = as_user(make_user("staff"))
    for endpoint, method, url in _urls(app, process, user, job, proposal):
        if method != "GET" or not endpoint.startswith(
            (
                "admin.",
                "process_manage.",
                "proposal_manage.",
                "moderation_manage.",
                "results_manage.",
                "vote_manage.",
                "panels_manage.",
                "panels_draw_manage.",
                "panels_meetings_manage.",
            )
        ):
            continue
        expected = 403 if endpoint in ADMIN_ONLY else 404 if endpoint in NOT_YET else 200
        if endpoint == "panels_manage.section":
            expected = 302  # the Panels tab leads to the process's panels, by slug
        if endpoint == "results_manage.project":
            expected = 404  # only a funded proposal has a tracking page
        assert client.get(url).status_code == expected, endpoint


def test_admin_reaches_every_get_screen(app, world, as_user):
    _, process, user, job, proposal = world
    client = as_user(make_user("admin"))
    for endpoint, method, url in _urls(app, process, user, job, proposal):
        if method == "GET" and endpoint not in {
            "static",
            "accounts.confirm_email",
            "accounts.reset_password",
            "accounts.undo_email_change",  # a made-up token is refused with 400
            "proposals.image",  # no such image in this test
            "proposals.edit",  # a proposal belongs to its author: 403 for everyone else
            "proposals.withdraw",
            *AUTHOR_ONLY,
            "notifications.unsubscribe",  # a made-up token is refused with 400
            "panels.withdraw",  # a made-up token is refused
            *NOT_COUNTED,
            *NOT_YET,
        }:
            assert client.get(url).status_code in (200, 302), endpoint


def test_every_post_without_csrf_token_is_refused(app, world, as_user):
    _, process, user, job, proposal = world
    client = as_user(make_user("admin"))
    posts = [
        (endpoint, url)
        for endpoint, method, url in _urls(app, process, user, job, proposal)
        if method == "POST"
    ]
    assert len(posts) >= 12
    for endpoint, url in posts:
        if endpoint == "notifications.unsubscribe":
            continue  # the signed token is the proof: mail programs post it with one click (RFC 8058)
        response = client.post(url, data={"email": "a@example.org", "password": "x" * 20})
        assert response.status_code == 400, endpoint
        assert "expired or was not sent from this site" in response.get_data(as_text=True), endpoint
    # Still logged in: the refused logout did nothing.
    assert client.get("/accounts/profile").status_code == 200


def test_attendance_support_needs_tables_and_members_only_material_never_reach_anyone_else(
    app, as_user, tmp_path
):
    """Every page and API answer a visitor, a resident or a facilitator of another process can open, on a
    seated panel with all of it recorded: none shows a member, a mark, a need, a table or private material."""
    import random

    from participate.core.after_commit import commit
    from participate.panels import materials, meetings
    from participate.panels.meeting_models import MaterialKind
    from tests.panels.seated import make_seated_panel, meeting_input, seats_of

    app.config["PANEL_MATERIALS_FOLDER"] = str(tmp_path)
    process, facilitator, panel = make_seated_panel()
    meeting = meetings.create_meeting(
        facilitator, panel, meeting_input(video_link="https://meet.example.org/members-room")
    )
    members = seats_of(panel)
    meetings.record_attendance(
        facilitator,
        panel,
        meeting,
        {s.id: "excused" for s in members[:1]} | {s.id: "present" for s in members[1:]},
    )
    row = meetings.checklist(meeting, panel)[0]
    meetings.save_checklist(facilitator, panel, meeting, {(row.seat.id, row.need)})
    meetings.make_tables(facilitator, panel, meeting, random.Random(0))
    private = materials.add_material(
        facilitator,
        panel,
        materials.MaterialInput(
            "Draft for members", False, meeting, filename="d.pdf", data=b"%PDF-1.4 members"
        ),
        MaterialKind.DOCUMENT,
    )
    commit()
    other_process, other_facilitator = __import__(
        "tests.panels.helpers", fromlist=["x"]
    ).facilitated_process()
    secrets = [
        "Draft for members",
        "members-room",
        "Arabic interpreter",
        "Taxi from Oxie",
        "Table 1",
        "Excused",
        "excused",
    ]
    secrets += [s.respondent.name for s in members] + [s.respondent.pseudonym for s in members]
    values = {
        "slug": process.slug,
        "panel_id": panel.id,
        "process_id": process.id,
        "meeting_id": meeting.id,
        "material_id": private.id,
    }
    visitors = [app.test_client(), as_user(make_user())]
    crawled: set[str] = set()
    for client in visitors:
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or set(rule.arguments) - set(values) or rule.endpoint == "static":
                continue
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
            response = client.get(url)
            body = response.get_data()
            for secret in secrets:
                assert secret.encode() not in body, (rule.endpoint, secret)
            crawled.add(rule.endpoint)
    assert {
        "panels.detail",
        "api.panel_meetings",
        "panels_meetings.material",
        "panels_meetings_manage.meeting",
    } <= crawled
    other = app.test_client()
    from tests.conftest import login

    login(other, other_facilitator.email)
    for path in ("/meetings", f"/meetings/{meeting.id}", "/stipends.csv", f"/materials/{private.id}"):
        response = other.get(f"/manage/processes/{process.slug}/panels/{panel.id}{path}")
        assert response.status_code == 403, path
