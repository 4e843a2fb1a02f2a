"""Selection runs as jobs, the published lottery, the public draw, confirmations and replacements."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from participate.accounts.models import Role
from participate.audit.models import AuditEntry
from participate.core.after_commit import commit
from participate.core.errors import Conflict, IllegalTransition
from participate.extensions import db
from participate.jobs.models import Job
from participate.panels import alternates, seats, selection
from participate.panels.models import PanelStatus
from participate.panels.selection_models import PanelDraw, PanelSeat, PublishedLottery, SelectionRun
from participate.processes.models import ProcessRole, ProcessRoleName
from participate.sortition import draw_index, verify_draw
from participate.sortition.lottery import lottery_hash
from tests.concurrency import as_request, at_once, races
from tests.conftest import login, post_form
from tests.factories import make_process, make_user
from tests.panels.drawn import make_closed_pool


def facilitator_of(process):
    user = make_user()
    db.session.add(
        ProcessRole(process_id=process.id, user_id=user.id, role=ProcessRoleName.FACILITATOR.value)
    )
    db.session.commit()
    return user


@pytest.fixture
def setup(app):
    process = make_process()
    panel = make_closed_pool(process)
    return process, panel, facilitator_of(process)


def run_selection(panel, actor, algorithm="leximin", **kwargs):
    run = selection.start_run(
        actor, panel, selection.RunInput(algorithm=algorithm, deadline_seconds=60, **kwargs)
    )
    commit()  # the job runs inline after the commit in tests
    db.session.refresh(run)
    return run


def published(panel, actor):
    run = run_selection(panel, actor)
    lottery = selection.publish_lottery(actor, panel, run)
    commit()  # the legacy comparison starts after the commit (inline in tests)
    return lottery


def drawn(panel, actor, seed="4 2 6 1 3 5"):
    published(panel, actor)
    draw = alternates.draw_panel(
        actor, panel, selection.DrawInput(seed, "Town hall, 3 March", "Anna Berg\nOla Ek")
    )
    db.session.commit()
    return draw


def test_a_run_is_a_job_that_keeps_its_inputs_hash_probabilities_and_lottery(setup):
    _process, panel, facilitator = setup
    run = run_selection(panel, facilitator)
    assert run.status == "done" and run.optimal
    job = db.session.get(Job, run.job_id)
    assert job.status == "done" and job.progress == 100 and job.created_by_id == facilitator.id
    assert len(run.inputs["people"]) == 30 == run.pool_size
    assert run.inputs_sha256 == selection.snapshot_sha256(selection.pool_snapshot(panel))
    assert sum(run.probabilities.values()) == pytest.approx(panel.size)
    assert run.min_probability == pytest.approx(min(run.probabilities.values()))
    assert len(run.lottery_panels) == 1000 and run.lottery_sha256 == lottery_hash(run.lottery_panels)
    assert all(len(p) == panel.size for p in run.lottery_panels)
    # no address or name leaves the respondents' table: households are compared by hash
    text = json.dumps(run.inputs)
    assert "Storgatan" not in text and "Person 1" not in text


def test_the_deadline_reaches_the_engine_and_the_run_says_what_is_proved(setup, monkeypatch):
    _process, panel, facilitator = setup
    monkeypatch.setattr(selection, "deadline_after", lambda seconds: time.monotonic() - 1)
    run = run_selection(panel, facilitator)
    assert run.status == "done" and run.optimal is False
    assert "level" in run.message.lower() or "deadline" in run.message.lower()
    assert sum(run.probabilities.values()) == pytest.approx(panel.size)


def test_infeasible_quotas_fail_the_run_with_the_engines_explanation(setup):
    _process, panel, facilitator = setup
    women, men = panel.features[0].values
    women.max, women.min, men.min = 6, 4, 3  # at least four women and three men on a panel of six
    db.session.commit()
    run = run_selection(panel, facilitator)
    assert run.status == "failed" and "infeasible" in run.message.lower()
    assert db.session.get(Job, run.job_id).status == "failed"


def test_only_a_closed_pool_is_selected_and_only_by_its_facilitators(app):
    process = make_process()
    panel = make_closed_pool(process, status=PanelStatus.RECRUITING)
    facilitator = facilitator_of(process)
    with pytest.raises(IllegalTransition):
        selection.start_run(facilitator, panel, selection.RunInput("leximin", 10))
    panel.status = PanelStatus.POOL_CLOSED.value
    other = facilitator_of(make_process())
    from participate.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        selection.start_run(other, panel, selection.RunInput("leximin", 10))


def test_a_published_lottery_can_never_be_replaced(setup):
    _process, panel, facilitator = setup
    lottery = published(panel, facilitator)
    assert panel.status == PanelStatus.LOTTERY_PUBLISHED.value
    assert lottery.sha256 == lottery_hash(selection.lottery_document(lottery)["panels"])
    second = run_selection(panel, facilitator) if False else None  # runs need a closed, unpublished pool
    assert second is None
    with pytest.raises(Conflict):
        selection.publish_lottery(facilitator, panel, lottery.run)
    db.session.rollback()
    db.session.add(PublishedLottery(panel_id=panel.id, run_id=lottery.run_id, size=1, sha256="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "panel.lottery_published")
    ).scalar_one()
    assert lottery.sha256 in entry.data


def test_the_legacy_method_is_for_comparison_only(setup):
    _process, panel, facilitator = setup
    from participate.core.errors import ValidationFailed

    legacy = run_selection(panel, facilitator, algorithm="legacy")
    assert legacy.status == "done"
    with pytest.raises(ValidationFailed):
        selection.publish_lottery(facilitator, panel, legacy)


def test_the_draw_is_the_engines_draw_and_goes_to_the_audit_chain(setup):
    _process, panel, facilitator = setup
    draw = drawn(panel, facilitator, seed="Lotto 2026-03-07: 3 11 19 24 30 33 35")
    lottery = selection.lottery_of(panel)
    panels = selection.lottery_document(lottery)["panels"]
    assert draw.draw_index == draw_index("Lotto 2026-03-07: 3 11 19 24 30 33 35", 1000)
    assert draw.members == panels[draw.draw_index]
    assert verify_draw(selection.lottery_document(lottery), draw.seed).panel == tuple(draw.members)
    assert panel.status == PanelStatus.DRAWN.value
    assert sorted(s.respondent.pseudonym for s in seats.seats_of(panel)) == sorted(draw.members)
    assert not set(draw.reserves) & set(draw.members) and draw.reserves
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "panel.drawn")).scalar_one()
    data = json.loads(entry.data)
    assert data["seed"] == draw.seed and data["lottery_sha256"] == lottery.sha256
    assert data["witnesses"] == ["Anna Berg", "Ola Ek"] and data["members"] == draw.members


def test_a_draw_can_never_be_repeated(setup):
    _process, panel, facilitator = setup
    draw = drawn(panel, facilitator)
    with pytest.raises(Conflict):
        selection.record_draw(facilitator, panel, selection.DrawInput("another seed", "", "Someone"))
    db.session.rollback()
    db.session.add(
        PanelDraw(
            panel_id=panel.id, lottery_id=draw.lottery_id, seed="x", draw_index=0, members=[], reserves=[]
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.execute(select(PanelDraw)).scalars().all() == [draw]


def test_a_seed_and_a_witness_are_required(setup):
    _process, panel, facilitator = setup
    from participate.core.errors import ValidationFailed

    published(panel, facilitator)
    for seed, witnesses in (("  ", "Anna"), ("1 2 3", "  \n ")):
        with pytest.raises(ValidationFailed):
            selection.record_draw(facilitator, panel, selection.DrawInput(seed, "", witnesses))
    assert selection.draw_of(panel) is None


def test_one_seat_per_person_per_panel_is_a_database_rule(setup):
    _process, panel, facilitator = setup
    drawn(panel, facilitator)
    seat = seats.seats_of(panel)[0]
    db.session.add(PanelSeat(panel_id=panel.id, respondent_id=seat.respondent_id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _quota_counts(panel, pseudonyms):
    snapshot = selection.lottery_of(panel).run.inputs
    answers = {pid: values for pid, values, _h in snapshot["people"]}
    return Counter(value for pid in pseudonyms for value in answers[pid])


def _within_quotas(panel, pseudonyms):
    counts = _quota_counts(panel, pseudonyms)
    return all(v.min <= counts[v.value] <= v.max for f in panel.features for v in f.values)


def test_confirmations_a_replacement_that_keeps_every_quota_and_a_seated_panel(setup):
    _process, panel, facilitator = setup
    draw = drawn(panel, facilitator)
    listing = seats.seat_list(panel)
    leaving = listing.active[0]
    seats.set_status(facilitator, panel, leaving, "contacted", "Left a message")
    seats.set_status(facilitator, panel, leaving, "declined", "Works abroad in March")
    db.session.commit()
    with pytest.raises(IllegalTransition):
        seats.set_status(facilitator, panel, leaving, "confirmed")
    db.session.rollback()
    calling_order = alternates.alternates_of(panel).members
    done = seats.replace_vacated(facilitator, panel, "Declined on the phone")
    db.session.commit()
    assert not done.fell_back and done.from_reserves == 0
    made = done.made
    assert len(made) == 1 and made[0].vacated.id == leaving.id and made[0].from_alternates
    newcomer = made[0].seat.respondent.pseudonym
    assert newcomer in calling_order and newcomer not in draw.members
    current = [s.respondent.pseudonym for s in seats.seat_list(panel).active]
    assert len(current) == panel.size and _within_quotas(panel, current)
    assert newcomer not in alternates.still_waiting(panel)
    # the earliest alternate who keeps the quotas: everyone before them in calling order would break one
    for earlier in calling_order[: calling_order.index(newcomer)]:
        trial = [p for p in current if p != newcomer] + [earlier]
        assert not _within_quotas(panel, trial) or earlier in {
            s.respondent.pseudonym for s in seats.seats_of(panel)
        }
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "panel.replaced")).scalar_one()
    data = json.loads(entry.data)
    assert data["left"] == leaving.respondent.pseudonym and data["replacement"] == newcomer
    assert data["from"] == "alternates"
    assert "Declined on the phone" in data["reason"]
    assert panel.status == PanelStatus.DRAWN.value
    for seat in seats.seat_list(panel).active:
        seats.set_status(facilitator, panel, seat, "confirmed")
    db.session.commit()
    assert panel.status == PanelStatus.SEATED.value
    # a confirmed member who withdraws reopens the seat
    seats.set_status(facilitator, panel, seats.seat_list(panel).active[0], "withdrawn")
    assert panel.status == PanelStatus.DRAWN.value
    db.session.rollback()


def test_nothing_to_replace_is_a_clear_refusal(setup):
    _process, panel, facilitator = setup
    from participate.core.errors import ValidationFailed

    drawn(panel, facilitator)
    with pytest.raises(ValidationFailed):
        seats.replace_vacated(facilitator, panel, "")


def test_exports_are_sortition_foundation_csv_and_formula_safe(setup):
    _process, panel, facilitator = setup
    drawn(panel, facilitator)
    seat = seats.seats_of(panel)[0]
    seat.respondent.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    selected = seats.selected_csv(facilitator, panel).splitlines()
    assert (
        selected[0] == "id,name,email,mobile_number,primary_address1,primary_zip,district,gender,age,status"
    )
    assert len(selected) == 1 + panel.size
    assert any(line.startswith(f"{seat.respondent.pseudonym},\"'=HYPERLINK") for line in selected)
    remaining = seats.remaining_csv(facilitator, panel).splitlines()
    assert len(remaining) == 1 + 30 - panel.size
    assert "reserve 1" in remaining[1]


@races
def test_two_parallel_draws_make_one(app, setup):
    process, panel, facilitator = setup
    published(panel, facilitator)
    panel_id, actor_id = panel.id, facilitator.id

    def draw_with(seed):
        def use_case():
            from participate.accounts.models import User
            from participate.panels.models import Panel

            return selection.record_draw(
                db.session.get(User, actor_id),
                db.session.get(Panel, panel_id),
                selection.DrawInput(seed, "", "Witness"),
            )

        return as_request(use_case)

    outcomes = at_once(app, [draw_with("1 2 3"), draw_with("6 5 4")])
    assert sorted(o == "done" for o in outcomes) == [False, True]
    assert len(db.session.execute(select(PanelDraw)).scalars().all()) == 1
    assert len(seats.seats_of(panel)) == panel.size


@races
def test_two_parallel_publications_make_one(app, setup):
    process, panel, facilitator = setup
    first, second = run_selection(panel, facilitator), run_selection(panel, facilitator)
    panel_id, actor_id = panel.id, facilitator.id

    def publish(run_id):
        def use_case():
            from participate.accounts.models import User
            from participate.panels.models import Panel

            return selection.publish_lottery(
                db.session.get(User, actor_id),
                db.session.get(Panel, panel_id),
                db.session.get(SelectionRun, run_id),
            )

        return as_request(use_case)

    outcomes = at_once(app, [publish(first.id), publish(second.id)])
    assert sorted(o == "done" for o in outcomes) == [False, True]
    assert len(db.session.execute(select(PublishedLottery)).scalars().all()) == 1


def test_a_staff_member_may_also_run_it_but_a_resident_may_not(app, setup):
    process, panel, _facilitator = setup
    client = app.test_client()
    login(client, make_user().email)
    base = f"/manage/processes/{process.slug}/panels/{panel.id}"
    assert client.get(f"{base}/selection").status_code == 403
    assert client.get(f"{base}/seats").status_code == 403
    assert client.get(f"{base}/export/selected.csv").status_code == 403
    staff = make_user(Role.STAFF)
    client = app.test_client()
    login(client, staff.email)
    assert client.get(f"{base}/selection").status_code == 200
    response = post_form(
        client,
        f"{base}/selection/runs",
        {"algorithm": "leximin", "deadline_seconds": "30", "lottery_size": "100"},
        token_from=f"{base}/selection",
    )
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    run = db.session.execute(select(SelectionRun)).scalar_one()
    assert run.status == "done" and run.lottery_size == 100 and run.started_by_id == staff.id


def test_a_run_on_an_older_pool_cannot_be_published(setup):
    _process, panel, facilitator = setup
    from participate.core.errors import ValidationFailed
    from participate.panels.models import Respondent, RespondentStatus

    run = run_selection(panel, facilitator)
    someone = db.session.execute(select(Respondent).where(Respondent.panel_id == panel.id)).scalars().first()
    someone.status = RespondentStatus.WITHDRAWN.value  # the pool changed after the run
    db.session.commit()
    with pytest.raises(ValidationFailed):
        selection.publish_lottery(facilitator, panel, run)
    db.session.rollback()
    assert selection.lottery_of(panel) is None


def test_publishing_starts_the_legacy_comparison_when_nobody_ran_it(setup):
    _process, panel, facilitator = setup
    lottery = published(panel, facilitator)
    legacy = selection.comparison_run(lottery.run)
    assert legacy is not None and legacy.inputs_sha256 == lottery.run.inputs_sha256
    runs = [r.algorithm for r in selection.runs_of(panel)]
    assert sorted(runs) == ["legacy", "leximin"]
