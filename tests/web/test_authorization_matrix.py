"""Who gets what: every route of the URL map, every method, as each of seven people.

MATRIX below is the one table of the product's authorisation. One row per route and method; the codes say
what each person gets, in the order of ROLES:

    anon   a visitor who is not logged in
    res    a resident who owns the world's objects (a draft and a published proposal, a comment, a
           notification, a job, a cast ballot and its receipt)
    oth    another resident, who owns nothing: every owned object is someone else's to them (IDOR)
    fac    the process facilitator of the world's processes (a process role, not a site role)
    mod    the process moderator of the world's processes
    staff  site staff
    admin  site administrator

    O 200    L 302 to the login page    R any other 302/303 (a successful POST, or a page that sends on)
    B 400    F 403    N 404    or any status as digits (409, 405, ...)

POSTs are sent without CSRF token (CSRF is tested at the end) and with an empty form: an allowed person
gets the form's refusal (B or O), or R when the action needs no field. Every request runs against the
same world: what a request writes is undone before the next (the database is restored from a snapshot),
and each person's login cookie is put back. The world lives on its own SQLite database whatever
TEST_DATABASE_URL says: who may do what does not depend on the database, and a snapshot is cheap there.

A route the table does not list fails test_every_route_and_method_has_a_row, which prints the row to add,
with what each person gets today: check every code is what you mean before you paste it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from participate import create_app
from participate.audit.jobs import VERIFY_CHAIN
from participate.core.clock import today
from participate.extensions import db
from participate.jobs.models import Job
from participate.notifications.models import Kind, Notification
from participate.panels import invitations
from participate.panels.models import Respondent, RespondentValue
from participate.processes.models import ProcessRole
from participate.voting import services as voting
from tests.conftest import FreshContextClient, csrf_token, login
from tests.factories import (
    make_comment,
    make_process,
    make_proposal,
    make_ready_vote,
    make_user,
    register_voter,
)
from tests.panels.helpers import make_panel

ROLES = ("anon", "res", "oth", "fac", "mod", "staff", "admin")
LETTERS = {"O": 200, "B": 400, "F": 403, "N": 404}

# fmt: off
MATRIX = """
# endpoint                                     method  ano res oth fac mod stf adm
accounts.change_password                       POST    L   B   B   B   B   B   B
accounts.confirm_email                         GET     L   R   R   R   R   R   R
accounts.confirm_email_change                  GET     L   R   R   R   R   R   R
accounts.delete_account                        GET     L   O   O   O   O   O   O
accounts.delete_account                        POST    L   B   B   B   B   B   B
accounts.forgot_password                       GET     O   O   O   O   O   O   O
accounts.forgot_password                       POST    B   B   B   B   B   B   B
accounts.log_out_other_devices                 POST    L   R   R   R   R   R   R
accounts.login                                 GET     O   R   R   R   R   R   R
accounts.login                                 POST    B   R   R   R   R   R   R
accounts.logout                                POST    R   R   R   R   R   R   R
accounts.profile                               GET     L   O   O   O   O   O   O
accounts.profile                               POST    L   R   R   R   R   R   R
accounts.register                              GET     O   R   R   R   R   R   R
accounts.register                              POST    B   R   R   R   R   R   R
accounts.resend_confirmation                   POST    L   R   R   R   R   R   R
accounts.reset_password                        GET     B   B   B   B   B   B   B
accounts.reset_password                        POST    B   B   B   B   B   B   B
accounts.undo_email_change                     GET     B   B   B   B   B   B   B
accounts.undo_email_change                     POST    B   B   B   B   B   B   B
admin.audit_log                                GET     L   F   F   F   F   O   O
admin.change_role                              POST    L   F   F   F   F   F   B
admin.dashboard                                GET     L   F   F   F   F   O   O
admin.users                                    GET     L   F   F   F   F   F   O
admin.verify_audit_chain                       POST    L   F   F   F   F   R   R
api.openapi                                    GET     O   O   O   O   O   O   O
api.panel_detail                               GET     O   O   O   O   O   O   O
api.panel_list                                 GET     O   O   O   O   O   O   O
api.panel_lottery                              GET     N   N   N   N   N   N   N
api.panel_meetings                             GET     O   O   O   O   O   O   O
api.panel_recommendations                      GET     O   O   O   O   O   O   O
api.process_list                               GET     O   O   O   O   O   O   O
api.process_proposals                          GET     O   O   O   O   O   O   O
api.process_results                            GET     N   N   N   N   N   N   N
core.favicon                                   GET     R   R   R   R   R   R   R
core.healthz                                   GET     O   O   O   O   O   O   O
core.set_language                              POST    R   R   R   R   R   R   R
deliberation.delete                            POST    L   R   F   F   F   F   F
deliberation.edit                              GET     L   O   F   F   F   F   F
deliberation.edit                              POST    L   R   F   F   F   F   F
deliberation.permalink                         GET     R   R   R   R   R   R   R
deliberation.post                              POST    L   B   B   B   B   B   B
deliberation.reply                             POST    L   B   B   B   B   B   B
deliberation.summary                           GET     L   F   F   O   O   O   O
deliberation.summary                           POST    L   F   F   R   R   R   R
deliberation.thread                            GET     O   O   O   O   O   O   O
deliberation.vote                              POST    L   B   B   B   B   B   B
eligibility_manage.census                      GET     L   F   F   F   F   O   O
eligibility_manage.census                      POST    L   F   F   F   F   B   B
eligibility_manage.codes                       GET     L   F   F   F   F   O   O
eligibility_manage.conflicts                   GET     L   F   F   F   F   O   O
eligibility_manage.dismiss_conflict            POST    L   F   F   F   F   B   B
eligibility_manage.generate_codes              POST    L   F   F   F   F   B   B
eligibility_manage.transfer_conflict           GET     L   F   F   F   F   O   O
eligibility_manage.transfer_conflict           POST    L   F   F   F   F   B   B
home.index                                     GET     O   O   O   O   O   O   O
jobs.detail                                    GET     L   O   N   N   N   O   O
jobs.status                                    GET     L   O   N   N   N   O   O
moderation.report                              GET     L   F   O   O   O   O   O
moderation.report                              POST    L   F   B   B   B   B   B
moderation_manage.block_author                 POST    L   F   F   F   F   B   B
moderation_manage.blocked                      GET     L   F   F   F   F   O   O
moderation_manage.dismiss                      POST    L   F   F   B   B   B   B
moderation_manage.hide                         POST    L   F   F   B   B   B   B
moderation_manage.queue                        GET     L   F   F   O   O   O   O
moderation_manage.settings                     POST    L   F   F   F   F   B   B
moderation_manage.unblock                      POST    L   F   F   F   F   B   B
moderation_manage.unhide                       POST    L   F   F   B   B   B   B
notifications.follow                           POST    L   R   R   R   R   R   R
notifications.index                            GET     L   O   O   O   O   O   O
notifications.mark_all_read                    POST    L   R   R   R   R   R   R
notifications.open_notification                POST    L   R   N   N   N   N   N
notifications.preferences                      GET     L   O   O   O   O   O   O
notifications.preferences                      POST    L   R   R   R   R   R   R
notifications.unfollow                         POST    L   R   R   R   R   R   R
notifications.unsubscribe                      GET     B   B   B   B   B   B   B
notifications.unsubscribe                      POST    B   B   B   B   B   B   B
notifications.unsubscribed                     GET     O   O   O   O   O   O   O
panel_answers.answer                           GET     L   F   F   F   F   N   N
panel_answers.answer                           POST    L   F   F   F   F   N   N
panel_answers.delete_milestone                 POST    L   F   F   F   F   N   N
panel_answers.due                              POST    L   F   F   F   F   R   R
panel_answers.index                            GET     L   F   F   F   F   O   O
panel_answers.milestone                        POST    L   F   F   F   F   N   N
panel_answers.tracking                         POST    L   F   F   F   F   N   N
panel_statements.edit                          GET     L   F   F   N   F   N   N
panel_statements.edit                          POST    L   F   F   N   F   N   N
panel_statements.index                         GET     L   F   F   O   F   O   O
panel_statements.withdraw                      POST    L   F   F   N   F   N   N
panels.detail                                  GET     O   O   O   O   O   O   O
panels.register                                GET     O   O   O   O   O   O   O
panels.register                                POST    B   B   B   B   B   B   B
panels.withdraw                                GET     N   N   N   N   N   N   N
panels.withdraw                                POST    N   N   N   N   N   N   N
panels_draw.fairness_page                      GET     N   N   N   N   N   N   N
panels_draw.verify                             GET     N   N   N   N   N   N   N
panels_draw_manage.choose_alternates           POST    L   F   F   N   F   N   N
panels_draw_manage.draw                        POST    L   F   F   B   F   B   B
panels_draw_manage.export_remaining            GET     L   F   F   O   F   O   O
panels_draw_manage.export_selected             GET     L   F   F   O   F   O   O
panels_draw_manage.publish                     POST    L   F   F   N   F   N   N
panels_draw_manage.replace                     POST    L   F   F   B   F   B   B
panels_draw_manage.run_detail                  GET     L   F   F   N   F   N   N
panels_draw_manage.seat_status                 POST    L   F   F   N   F   N   N
panels_draw_manage.seats_overview              GET     L   F   F   O   F   O   O
panels_draw_manage.selection_overview          GET     L   F   F   O   F   O   O
panels_draw_manage.start_run                   POST    L   F   F   B   F   B   B
panels_manage.census_quotas                    POST    L   F   F   R   F   R   R
panels_manage.delete_feature                   POST    L   F   F   B   F   B   B
panels_manage.draw                             POST    L   F   F   B   F   B   B
panels_manage.edit                             GET     L   F   F   O   F   O   O
panels_manage.edit                             POST    L   F   F   B   F   B   B
panels_manage.erase                            POST    L   F   F   B   F   B   B
panels_manage.feature:<int:feature_id>         GET     L   F   F   O   F   O   O
panels_manage.feature:<int:feature_id>         POST    L   F   F   B   F   B   B
panels_manage.feature:new                      GET     L   F   F   O   F   O   O
panels_manage.feature:new                      POST    L   F   F   B   F   B   B
panels_manage.import_features                  POST    L   F   F   B   F   B   B
panels_manage.import_people                    POST    L   F   F   B   F   B   B
panels_manage.index                            GET     L   F   F   O   F   O   O
panels_manage.invitations_page                 GET     L   F   F   O   F   O   O
panels_manage.letters                          GET     L   F   F   O   F   O   O
panels_manage.mail_merge                       GET     L   F   F   O   F   O   O
panels_manage.new                              GET     L   F   F   O   F   O   O
panels_manage.new                              POST    L   F   F   B   F   B   B
panels_manage.overview                         GET     L   F   F   O   F   O   O
panels_manage.pool                             GET     L   F   F   O   F   O   O
panels_manage.respondents_page                 GET     L   F   F   O   F   O   O
panels_manage.section                          GET     L   F   F   R   F   R   R
panels_manage.status                           POST    L   F   F   B   F   B   B
panels_manage.upload_register                  POST    L   F   F   B   F   B   B
panels_meetings.material                       GET     N   N   N   N   N   N   N
panels_meetings_manage.add_material            POST    L   F   F   B   F   B   B
panels_meetings_manage.attendance              POST    L   F   F   B   F   B   B
panels_meetings_manage.delete                  POST    L   F   F   R   F   R   R
panels_meetings_manage.delete_material         POST    L   F   F   R   F   R   R
panels_meetings_manage.download                GET     L   F   F   N   F   N   N
panels_meetings_manage.edit                    GET     L   F   F   O   F   O   O
panels_meetings_manage.edit                    POST    L   F   F   B   F   B   B
panels_meetings_manage.index                   GET     L   F   F   O   F   O   O
panels_meetings_manage.material_visibility     POST    L   F   F   R   F   R   R
panels_meetings_manage.meeting                 GET     L   F   F   O   F   O   O
panels_meetings_manage.new                     GET     L   F   F   O   F   O   O
panels_meetings_manage.new                     POST    L   F   F   B   F   B   B
panels_meetings_manage.payroll                 GET     L   F   F   O   F   O   O
panels_meetings_manage.plan                    POST    L   F   F   B   F   B   B
panels_meetings_manage.print_tables            GET     L   F   F   O   F   O   O
panels_meetings_manage.stipends                GET     L   F   F   O   F   O   O
panels_meetings_manage.support                 POST    L   F   F   R   F   R   R
panels_report.printable                        GET     N   N   N   N   N   N   N
panels_report.report                           GET     N   N   N   N   N   N   N
panels_workspace.close_round                   POST    L   F   F   B   F   B   B
panels_workspace.edit                          GET     L   F   F   O   F   O   O
panels_workspace.edit                          POST    L   F   F   B   F   B   B
panels_workspace.history                       GET     L   F   F   O   F   O   O
panels_workspace.home                          GET     L   F   F   O   F   O   O
panels_workspace.invite                        POST    L   F   F   O   F   O   O
panels_workspace.join                          GET     L   N   N   N   N   N   N
panels_workspace.join                          POST    L   N   N   N   N   N   N
panels_workspace.members_page                  GET     L   F   F   O   F   O   O
panels_workspace.minority                      POST    L   F   F   B   F   B   B
panels_workspace.new                           GET     L   F   F   O   F   O   O
panels_workspace.new                           POST    L   F   F   B   F   B   B
panels_workspace.open_round                    POST    L   F   F   B   F   B   B
panels_workspace.publish                       POST    L   F   F   B   F   B   B
panels_workspace.recommendation                GET     L   F   F   O   F   O   O
panels_workspace.vote                          POST    L   F   F   B   F   B   B
panels_workspace.withdraw                      POST    L   F   F   R   F   R   R
process_manage.advance                         GET     L   F   F   F   F   O   O
process_manage.advance                         POST    L   F   F   F   F   B   B
process_manage.boundaries                      POST    L   F   F   F   F   B   B
process_manage.details                         GET     L   F   F   F   F   O   O
process_manage.details                         POST    L   F   F   F   F   B   B
process_manage.districts                       GET     L   F   F   F   F   O   O
process_manage.districts                       POST    L   F   F   F   F   R   R
process_manage.index                           GET     L   F   F   F   F   O   O
process_manage.new                             GET     L   F   F   F   F   O   O
process_manage.new                             POST    L   F   F   F   F   B   B
process_manage.overview                        GET     L   F   F   F   F   O   O
process_manage.people                          GET     L   F   F   F   F   O   O
process_manage.people                          POST    L   F   F   F   F   B   B
process_manage.publish                         POST    L   F   F   F   F   R   R
process_manage.revoke_role                     POST    L   F   F   F   F   B   B
process_manage.schedule                        GET     L   F   F   F   F   O   O
process_manage.schedule                        POST    L   F   F   F   F   B   B
processes.detail                               GET     O   O   O   O   O   O   O
processes.index                                GET     O   O   O   O   O   O   O
proposal_manage.queue                          GET     L   F   F   F   F   O   O
proposal_manage.review                         GET     L   F   F   F   F   O   O
proposal_manage.review                         POST    L   F   F   F   F   B   B
proposal_manage.settings                       POST    L   F   F   F   F   R   R
proposals.detail                               GET     N   O   N   N   N   O   O
proposals.edit                                 GET     L   O   N   N   N   F   F
proposals.edit                                 POST    L   B   N   N   N   F   F
proposals.follow                               POST    L   R   R   R   R   R   R
proposals.image                                GET     N   N   N   N   N   N   N
proposals.index                                GET     O   O   O   O   O   O   O
proposals.new                                  GET     L   O   O   O   O   O   O
proposals.new                                  POST    L   B   B   B   B   B   B
proposals.publish                              POST    L   R   N   N   N   F   F
proposals.similar                              GET     O   O   O   O   O   O   O
proposals.support                              POST    L   R   R   R   R   R   R
proposals.unfollow                             POST    L   R   R   R   R   R   R
proposals.unsupport                            POST    L   B   B   B   B   B   B
proposals.withdraw                             GET     L   O   N   N   N   F   F
proposals.withdraw                             POST    L   B   N   N   N   F   F
results.ballots_pb                             GET     N   N   N   N   N   N   N
results.bulletin                               GET     N   N   N   N   N   N   N
results.council                                GET     O   O   O   O   O   O   O
results.page                                   GET     N   N   N   N   N   O   O
results.results_csv_download                   GET     N   N   N   N   N   N   N
results.results_json                           GET     N   N   N   N   N   O   O
results_manage.close                           GET     L   F   F   F   F   O   O
results_manage.close                           POST    L   F   F   F   F   R   R
results_manage.delete_milestone                POST    L   F   F   F   F   N   N
results_manage.milestone                       POST    L   F   F   F   F   N   N
results_manage.overview                        GET     L   F   F   F   F   O   O
results_manage.project                         GET     L   F   F   F   F   N   N
results_manage.publish                         GET     L   F   F   F   F   O   O
results_manage.publish                         POST    L   F   F   F   F   B   B
results_manage.recount                         POST    L   F   F   F   F   B   B
results_manage.tracking                        POST    L   F   F   F   F   N   N
static                                         GET     O   O   O   O   O   O   O
vote_manage.budget                             GET     L   F   F   F   F   O   O
vote_manage.budget                             POST    L   F   F   F   F   B   B
vote_manage.delete_budget                      POST    L   F   F   F   F   B   B
vote_manage.kiosk                              GET     L   F   F   F   F   O   O
vote_manage.kiosk                              POST    L   F   F   F   F   B   B
vote_manage.kiosk_cast                         POST    L   F   F   F   F   B   B
vote_manage.kiosk_check_in                     POST    L   F   F   F   F   B   B
vote_manage.overview                           GET     L   F   F   F   F   O   O
vote_manage.save_settings                      POST    L   F   F   F   F   B   B
vote_verify.verify                             GET     L   O   O   O   O   O   O
vote_verify.verify                             POST    L   B   B   B   B   B   B
voting.ballot                                  GET     L   O   O   O   O   O   O
voting.ballot                                  POST    L   O   O   O   O   O   O
voting.receipt                                 GET     O   O   O   O   O   O   O
voting.receipt                                 POST    B   B   B   B   B   B   B
"""
# fmt: on


def parse_matrix(text: str) -> dict[tuple[str, str], tuple[str, ...]]:
    rows: dict[tuple[str, str], tuple[str, ...]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        endpoint, method, *codes = line.split()
        assert len(codes) == len(ROLES), f"MATRIX line {number}: {len(codes)} codes for {len(ROLES)} roles"
        assert (endpoint, method) not in rows, f"MATRIX line {number}: {endpoint} {method} listed twice"
        assert all(code in LETTERS or code in {"L", "R"} or code.isdigit() for code in codes), line
        rows[(endpoint, method)] = tuple(codes)
    return rows


def code_of(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return "L" if "/accounts/login" in response.headers.get("Location", "") else "R"
    for letter, value in LETTERS.items():
        if value == status:
            return letter
    return str(status)


def row_line(endpoint: str, method: str, codes: tuple[str, ...]) -> str:
    return f"{endpoint:<46} {method:<7} " + " ".join(f"{code:<3}" for code in codes).rstrip()


# ---------------------------------------------------------------------------------------------------------
# The world: built once for the module, on its own SQLite database, so it can be snapshotted and restored.


@dataclass
class World:
    app: object
    ids: dict[str, object]  # URL values of the world's own process
    elsewhere: dict[str, object]  # the same names, for another process nobody here has a role in
    emails: dict[str, str]
    receipt: str
    snapshot: sqlite3.Connection
    live: sqlite3.Connection
    cookies: dict[str, dict]

    def client(self, role: str):
        client = self.app.test_client()
        client._cookies = dict(self.cookies[role])
        return client

    def restore(self) -> None:
        db.session.rollback()
        db.session.close()
        if self.live.total_changes != self._changes:
            self.snapshot.backup(self.live)
            self._changes = self.live.total_changes

    def freeze(self) -> None:
        db.session.commit()
        db.session.close()
        self.live.backup(self.snapshot)
        self._changes = self.live.total_changes


def _grant(process, user, role: str) -> None:
    db.session.add(ProcessRole(process_id=process.id, user_id=user.id, role=role))


def _panel_with_pool(process, staff):
    panel = make_panel(process, staff)
    register = invitations.import_register(
        staff,
        panel,
        "Register",
        b"address,postcode,district\nStorgatan 1,12345,Centrum\nStorgatan 2,12345,Norr\n",
    )
    db.session.flush()
    batch = invitations.draw_batch(staff, panel, invitations.DrawInput(register.id, 1, "seed", False, {}))
    respondent = Respondent(
        panel_id=panel.id, pseudonym="P0001", name="Rita Respondent", email="rita@example.org",
        phone="+46700000001", address="Storgatan 1", postcode="12345", district="Centrum",
        household_key="storgatan 1|12345",
    )  # fmt: skip
    respondent.answers = [
        RespondentValue(feature_id=feature.id, value_id=feature.values[0].id) for feature in panel.features
    ]
    db.session.add(respondent)
    db.session.commit()
    return panel, batch


def _panel_at_work(panel):
    """A meeting, a members-only link among its materials and a drafted recommendation: what a panel's
    members and facilitators see and nobody else does."""
    from datetime import timedelta

    from participate.core.clock import utcnow
    from participate.panels.meeting_models import Material, MaterialKind, Meeting
    from participate.panels.recommendation_models import Recommendation

    meeting = Meeting(
        panel_id=panel.id, starts_at=utcnow() + timedelta(days=7), place="City Hall", agenda="Welcome"
    )
    db.session.add(meeting)
    db.session.flush()
    material = Material(
        panel_id=panel.id, meeting_id=meeting.id, kind=MaterialKind.LINK.value, title="Briefing",
        url="https://example.org/briefing",
    )  # fmt: skip
    recommendation = Recommendation(panel_id=panel.id, title="More trees", text="Plant them.")
    db.session.add_all([material, recommendation])
    db.session.commit()
    return meeting, material, recommendation


def _process_world(staff, resident, facilitator, moderator) -> dict[str, object]:
    """One process in its proposals phase with a panel, one in its voting phase; both facilitated and
    moderated by the world's facilitator and moderator when they are given."""
    process = make_process()
    voting_process = make_process(days_in=21)
    (budget,) = make_ready_vote(voting_process)
    for each in (process, voting_process):
        if facilitator is not None:
            _grant(each, facilitator, "facilitator")
            _grant(each, moderator, "moderator")
    db.session.commit()
    panel, batch = _panel_with_pool(process, staff)
    meeting, material, recommendation = _panel_at_work(panel)
    draft = make_proposal(process, resident, status="draft")
    published = make_proposal(process, resident)
    comment = make_comment(resident, process)
    return {
        "process": process, "voting_process": voting_process, "budget": budget, "panel": panel,
        "batch": batch, "draft": draft, "published": published, "comment": comment, "meeting": meeting,
        "material": material, "recommendation": recommendation,
    }  # fmt: skip


def build_world(app) -> World:
    resident = make_user(name="Rut Resident")
    other = make_user(name="Otto Other")
    facilitator = make_user(name="Fia Facilitator")
    moderator = make_user(name="Mo Moderator")
    staff = make_user("staff", name="Stina Staff")
    admin = make_user("admin", name="Ada Admin")
    own = _process_world(staff, resident, facilitator, moderator)
    elsewhere = _process_world(staff, other, None, None)

    job = Job(kind=VERIFY_CHAIN, created_by_id=resident.id)
    notification = Notification(user_id=resident.id, kind=Kind.REPLY.value, data={}, url="/")
    db.session.add_all([job, notification])
    register_voter(resident, own["voting_process"])
    from participate.proposals.models import Proposal

    feasible = select(Proposal.id).where(Proposal.process_id == own["voting_process"].id)
    receipt = voting.cast_ballot(resident, own["budget"], list(db.session.scalars(feasible)), today())
    db.session.commit()

    def values(world: dict[str, object]) -> dict[str, object]:
        process, panel = world["process"], world["panel"]
        return {
            "process_id": process.id, "slug": process.slug, "voting_id": world["voting_process"].id,
            "voting_slug": world["voting_process"].slug, "panel_id": panel.id,
            "feature_id": panel.features[0].id, "batch_id": world["batch"].id, "budget_id": world["budget"].id,
            "draft_id": world["draft"].id, "proposal_id": world["published"].id,
            "comment_id": world["comment"].id, "item_id": world["comment"].id,
            "meeting_id": world["meeting"].id, "material_id": world["material"].id,
            "recommendation_id": world["recommendation"].id,
        }  # fmt: skip

    ids = values(own) | {
        "job_id": job.id, "notification_id": notification.id, "user_id": other.id,
    }  # fmt: skip
    people = {
        "res": resident,
        "oth": other,
        "fac": facilitator,
        "mod": moderator,
        "staff": staff,
        "admin": admin,
    }
    raw = db.engine.raw_connection().driver_connection
    world = World(
        app=app,
        ids=ids,
        elsewhere=values(elsewhere) | ids_not_of_a_process(ids),
        emails={role: user.email for role, user in people.items()},
        receipt=str(getattr(receipt, "code", receipt)),
        snapshot=sqlite3.connect(":memory:"),
        live=raw,
        cookies={"anon": {}},
    )
    for role, email in world.emails.items():
        client = app.test_client()
        login(client, email)
        world.cookies[role] = dict(client._cookies)
    world.freeze()
    return world


def ids_not_of_a_process(ids: dict[str, object]) -> dict[str, object]:
    return {name: ids[name] for name in ("job_id", "notification_id", "user_id")}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", WTF_CSRF_ENABLED=False)
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        yield build_world(app)
        db.session.remove()
        db.engine.dispose()


# ---------------------------------------------------------------------------------------------------------
# Which world object each URL argument names.

VOTING_PREFIXES = (
    "voting.",
    "vote_manage.",
    "vote_verify.",
    "eligibility_manage.",
    "results.",
    "results_manage.",
    "api.process_results",
)
# Owner-only screens of a proposal take the resident's draft; the rest take the published proposal.
DRAFT_ENDPOINTS = {"proposals.detail", "proposals.edit", "proposals.publish", "proposals.withdraw"}
FIXED = {
    "subject_type": "process", "token": "not-a-token", "filename": "css/site.css", "name": "no-such-image.jpg",
    "kind": "comment", "run_id": 1, "seat_id": 1, "milestone_id": 1,
}  # fmt: skip


def url_for_rule(rule, ids: dict[str, object]) -> str:
    voting_side = rule.endpoint.startswith(VOTING_PREFIXES)
    values = dict(FIXED)
    values.update(ids)
    if voting_side:
        values["process_id"], values["slug"] = ids["voting_id"], ids["voting_slug"]
    if rule.endpoint in DRAFT_ENDPOINTS:
        values["proposal_id"] = ids["draft_id"]
    if rule.endpoint.startswith("deliberation.") and "subject_id" in rule.arguments:
        values["subject_id"] = ids["process_id"]
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def routes(app) -> Iterator[tuple[str, str, object]]:
    """(row name, method, rule) for every route; an endpoint with several rules names each by its path."""
    rules = list(app.url_map.iter_rules())
    per_endpoint: dict[str, int] = {}
    for rule in rules:
        per_endpoint[rule.endpoint] = per_endpoint.get(rule.endpoint, 0) + 1
    for rule in sorted(rules, key=lambda r: (r.endpoint, r.rule)):
        name = (
            rule.endpoint
            if per_endpoint[rule.endpoint] == 1
            else f"{rule.endpoint}:{rule.rule.rsplit('/', 1)[-1]}"
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield name, method, rule


def observe(world: World, role: str, method: str, url: str, **kwargs) -> str:
    response = world.client(role).open(url, method=method, **kwargs)
    world.restore()
    return code_of(response)


# ---------------------------------------------------------------------------------------------------------


def test_every_route_and_method_has_a_row(world):
    listed = parse_matrix(MATRIX)
    missing = []
    for name, method, rule in routes(world.app):
        if (name, method) not in listed:
            url = url_for_rule(rule, world.ids)
            missing.append(row_line(name, method, tuple(observe(world, role, method, url) for role in ROLES)))
    present = {(name, method) for name, method, _ in routes(world.app)}
    stale = [f"{endpoint} {method}" for endpoint, method in listed if (endpoint, method) not in present]
    assert not missing, (
        f"{len(missing)} route(s) have no row in MATRIX of tests/web/test_authorization_matrix.py. "
        "Add these lines (what each person gets today; check every code is what you mean):\n"
        + "\n".join(missing)
    )
    assert not stale, "MATRIX lists routes that no longer exist: " + ", ".join(stale)


def test_each_person_gets_what_the_matrix_says(world):
    listed = parse_matrix(MATRIX)
    wrong = []
    for name, method, rule in routes(world.app):
        expected = listed.get((name, method))
        if expected is None:
            continue  # the test above names it
        url = url_for_rule(rule, world.ids)
        got = tuple(observe(world, role, method, url) for role in ROLES)
        if got != expected:
            wrong.append(
                f"{method} {url}\n  expected {row_line(name, method, expected)}\n  got      {row_line(name, method, got)}"
            )
    assert not wrong, f"{len(wrong)} row(s) differ (order: {' '.join(ROLES)}):\n" + "\n".join(wrong)


# ---------------------------------------------------------------------------------------------------------
# Derived checks: they need no row of their own.


def test_anonymous_json_clients_get_a_json_403_where_browsers_are_sent_to_login(world):
    listed = parse_matrix(MATRIX)
    checked = 0
    for name, method, rule in routes(world.app):
        if listed.get((name, method), ("",))[0] != "L" or name in SENDS_TO_LOGIN:
            continue
        response = world.client("anon").open(
            url_for_rule(rule, world.ids), method=method, headers={"Accept": "application/json"}
        )
        world.restore()
        assert response.status_code == 403 and response.is_json, (name, method, response.status_code)
        assert response.get_json()["status"] == 403
        checked += 1
    assert checked > 100


# Not a refusal: a confirmation link, good or bad, ends on the login page with its message.
SENDS_TO_LOGIN = {"accounts.confirm_email", "accounts.confirm_email_change"}


def _process_scoped(rule) -> bool:
    return bool({"process_id", "slug"} & set(rule.arguments))


def test_a_process_role_gives_nothing_in_another_process(world):
    """The facilitator and the moderator get, on another process's screens (and its panel's pool,
    invitations and exports), exactly what a resident without a role gets there."""
    wrong = []
    checked = 0
    for _name, method, rule in routes(world.app):
        if not _process_scoped(rule):
            continue
        url = url_for_rule(rule, world.elsewhere)
        plain = observe(world, "oth", method, url)
        for role in ("fac", "mod"):
            got = observe(world, role, method, url)
            if got != plain:
                wrong.append(f"{role} {method} {url}: {got}, a resident gets {plain}")
        checked += 1
    assert checked > 80
    assert not wrong, "\n".join(wrong)


def test_a_panel_of_another_process_is_not_found_through_this_process(world):
    """A panel id under the wrong process's address is not found, even for whoever manages both."""
    crossed = dict(world.ids, panel_id=world.elsewhere["panel_id"], feature_id=world.elsewhere["feature_id"],
                   batch_id=world.elsewhere["batch_id"])  # fmt: skip
    checked = 0
    for name, method, rule in routes(world.app):
        if "panel_id" not in rule.arguments or "slug" not in rule.arguments:
            continue
        url = url_for_rule(rule, crossed)
        for role in ("fac", "staff"):
            assert observe(world, role, method, url) in ("N", "F"), (role, name, method, url)
        checked += 1
    assert checked > 20


def test_a_receipt_is_found_only_in_its_own_process(world):
    ids, elsewhere = world.ids, world.elsewhere
    own = f"/processes/{ids['voting_slug']}/vote/receipt"
    other = f"/processes/{elsewhere['voting_slug']}/vote/receipt"
    client = world.client("oth")
    found = client.post(own, data={"code": world.receipt}).get_data(as_text=True)
    assert "Sealed in the ballot box" in found
    not_there = client.post(other, data={"code": world.receipt}).get_data(as_text=True)
    assert "Receipt not found" in not_there and "Sealed in the ballot box" not in not_there
    world.restore()


def test_every_post_without_csrf_token_is_refused(world):
    world.app.config["WTF_CSRF_ENABLED"] = True
    try:
        posts = [
            (name, url_for_rule(rule, world.ids))
            for name, method, rule in routes(world.app)
            if method == "POST"
        ]
        assert len(posts) > 50
        client = world.client("admin")
        for name, url in posts:
            if name == "notifications.unsubscribe":
                continue  # the signed token is the proof: mail programs post it with one click (RFC 8058)
            response = client.post(url, data={"email": "a@example.org", "password": "x" * 20})
            assert response.status_code == 400, name
            assert "expired or was not sent from this site" in response.get_data(as_text=True), name
        # Still logged in: the refused logout did nothing.
        assert client.get("/accounts/profile").status_code == 200
        assert csrf_token(client, "/accounts/profile")
    finally:
        world.app.config["WTF_CSRF_ENABLED"] = False
        world.restore()
