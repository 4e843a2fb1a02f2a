from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.core.clock import today
from participate.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from participate.extensions import db
from participate.processes import services
from participate.processes.models import Phase, Process
from tests.conftest import post_form
from tests.factories import make_process, make_ready_vote, make_user

D = date(2027, 3, 1)


def windows(*phases_and_offsets):
    return [
        services.WindowInput(Phase(p), D + timedelta(days=a), D + timedelta(days=b))
        for p, a, b in phases_and_offsets
    ]


def audit_actions():
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_current_phase_follows_the_dates_and_skipped_phases(app):
    process = make_process(
        phases={
            Phase.PROPOSALS: (D, D + timedelta(days=9)),
            Phase.VOTING: (D + timedelta(days=10), D + timedelta(days=19)),
            Phase.RESULTS: (D + timedelta(days=20), D + timedelta(days=40)),
        }
    )
    assert process.current_phase(D - timedelta(days=1)) is None
    assert process.current_phase(D) is Phase.PROPOSALS
    assert process.current_phase(D + timedelta(days=10)) is Phase.VOTING
    assert process.current_phase(D + timedelta(days=99)) is Phase.RESULTS
    assert process.enabled_phases() == [Phase.PROPOSALS, Phase.VOTING, Phase.RESULTS]


def test_manual_override_only_moves_forward_to_enabled_phases(app):
    staff = make_user("staff")
    process = make_process(
        phases={
            Phase.PROPOSALS: (D, D + timedelta(days=9)),
            Phase.VOTING: (D + timedelta(days=10), D + timedelta(days=19)),
            Phase.RESULTS: (D + timedelta(days=20), D + timedelta(days=40)),
        }
    )
    make_ready_vote(process)
    services.advance_phase(staff, process, Phase.VOTING, on=D)
    assert process.current_phase(D) is Phase.VOTING
    with pytest.raises(IllegalTransition):
        services.advance_phase(staff, process, Phase.PROPOSALS, on=D)
    with pytest.raises(IllegalTransition):
        services.advance_phase(staff, process, Phase.VOTING, on=D)
    with pytest.raises(IllegalTransition, match="no citizen panel phase"):
        services.advance_phase(staff, process, Phase.PANEL, on=D)
    # Dates may carry the process further than the override, never back.
    assert process.current_phase(D + timedelta(days=25)) is Phase.RESULTS
    assert audit_actions().count("process.phase_advanced") == 1


def test_residents_cannot_manage_processes(app):
    resident = make_user()
    with pytest.raises(PermissionDenied):
        services.create_process(resident, services.ProcessInput("T", "", "", 100, "SEK"))


def test_schedule_refuses_overlaps_and_moving_back_and_leaves_the_database_unchanged(app):
    staff = make_user("staff")
    process = make_process(phases={})
    services.set_schedule(staff, process, windows(("proposals", 0, 9), ("voting", 10, 19)), on=D)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="must start after"):
        services.set_schedule(staff, process, windows(("proposals", 0, 9), ("voting", 9, 19)), on=D)
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="move the process back"):
        services.set_schedule(
            staff, process, windows(("proposals", 0, 9), ("voting", 20, 29)), on=D + timedelta(days=12)
        )
    db.session.rollback()
    db.session.expire_all()
    process = db.session.get(Process, process.id)
    assert [(w.phase, w.starts_on) for w in process.windows()] == [
        ("proposals", D),
        ("voting", D + timedelta(days=10)),
    ]


def test_database_refuses_a_window_that_ends_before_it_starts(app):
    from sqlalchemy.exc import IntegrityError

    from participate.processes.models import PhaseWindow

    process = make_process(phases={})
    db.session.add(
        PhaseWindow(process_id=process.id, phase="voting", starts_on=D, ends_on=D - timedelta(days=1))
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(PhaseWindow(process_id=process.id, phase="bogus", starts_on=D, ends_on=D))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_staff_create_schedule_publish_and_advance_through_the_screens(client, as_user):
    as_user(make_user("staff"))
    response = post_form(
        client,
        "/manage/processes/new",
        {
            "title": "Malmö Södra 2027",
            "summary": "Parks",
            "description": "# Parks\n\n<script>alert(1)</script> **green**",
            "budget": "1 500 000,50",
            "currency": "SEK",
        },
    )
    assert response.status_code == 302
    process = db.session.execute(select(Process)).scalar_one()
    assert (process.slug, process.budget_minor) == ("malmo-sodra-2027", 150_000_050)
    start = today() - timedelta(days=2)
    dates = {
        "proposals-starts_on": str(start),
        "proposals-ends_on": str(start + timedelta(days=5)),
        "voting-starts_on": str(start + timedelta(days=6)),
        "voting-ends_on": str(start + timedelta(days=9)),
    }
    assert post_form(client, f"/manage/processes/{process.id}/schedule", dates).status_code == 302
    assert post_form(client, f"/manage/processes/{process.id}/publish").status_code == 302
    make_ready_vote(process)
    page = client.get("/processes/malmo-sodra-2027").get_data(as_text=True)
    assert "<script>" not in page and "<strong>green</strong>" in page and "<h2>Parks</h2>" in page
    assert 'aria-current="step"' in page
    assert (
        post_form(client, f"/manage/processes/{process.id}/advance", {"a-phase": "voting"}).status_code == 302
    )
    db.session.expire_all()
    assert process.current_phase(today()) is Phase.VOTING
    back = post_form(
        client, f"/manage/processes/{process.id}/advance", {"a-phase": "proposals"}, follow_redirects=True
    )
    assert "only moves forward" in back.get_data(as_text=True)
    assert audit_actions() == [
        "process.created",
        "process.schedule_set",
        "process.published",
        "process.phase_advanced",
    ]


def test_bad_process_input_shows_errors_and_writes_nothing(client, as_user):
    as_user(make_user("staff"))
    for budget in ("lots", "-5", "10.123"):
        response = post_form(
            client, "/manage/processes/new", {"title": "X", "budget": budget, "currency": "SEK"}
        )
        assert response.status_code == 400, budget
    assert db.session.scalar(select(func.count()).select_from(Process)) == 0
    assert audit_actions() == []


def test_districts_cannot_exceed_the_budget(client, as_user):
    as_user(make_user("staff"))
    process = make_process(budget_minor=100_00)
    over = post_form(
        client,
        f"/manage/processes/{process.id}/districts",
        {
            "districts-0-name": "North",
            "districts-0-budget": "60",
            "districts-1-name": "South",
            "districts-1-budget": "50",
        },
    )
    assert over.status_code == 400 and "exceed" in over.get_data(as_text=True)
    ok = post_form(
        client,
        f"/manage/processes/{process.id}/districts",
        {
            "districts-0-name": "North",
            "districts-0-budget": "60",
            "districts-1-name": "South",
            "districts-1-budget": "40",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert [(d.name, d.budget_minor) for d in process.districts] == [("North", 60_00), ("South", 40_00)]


def test_public_list_hides_drafts_and_shows_the_timeline(client):
    shown = make_process(title="Open budget")
    make_process(title="Secret draft", published=False)
    page = client.get("/processes/").get_data(as_text=True)
    assert "Open budget" in page and "Secret draft" not in page
    detail = client.get(f"/processes/{shown.slug}").get_data(as_text=True)
    assert detail.count('class="timeline"') == 1 and "Proposals" in detail


def test_schedule_form_errors_name_the_field_and_link_to_it(client, as_user):
    as_user(make_user("staff"))
    process = make_process(phases={})
    response = post_form(
        client, f"/manage/processes/{process.id}/schedule", {"voting-starts_on": "2027-05-01"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#voting-ends_on"' in html and "Give both dates, or neither" in html
    districts = post_form(client, f"/manage/processes/{process.id}/districts", {"districts-0-name": "North"})
    assert districts.status_code == 400
    assert 'href="#districts-0-budget"' in districts.get_data(as_text=True)
    db.session.expire_all()
    assert process.phases == [] and process.districts == []


def test_staff_edit_details_but_not_below_the_districts_total(client, as_user):
    staff = make_user("staff")
    process = make_process(budget_minor=1000_00)
    services.set_districts(staff, process, [services.DistrictInput("North", 600_00)])
    db.session.commit()
    as_user(staff)
    page = client.get(f"/manage/processes/{process.id}/details").get_data(as_text=True)
    assert 'value="1000"' in page
    assert 'value="North"' in client.get(f"/manage/processes/{process.id}/districts").get_data(as_text=True)
    too_small = post_form(
        client,
        f"/manage/processes/{process.id}/details",
        {"title": "Renamed", "budget": "500", "currency": "SEK"},
    )
    assert too_small.status_code == 400 and "smaller than the districts" in too_small.get_data(as_text=True)
    db.session.expire_all()
    assert (process.title, process.budget_minor) != ("Renamed", 500_00)
    ok = post_form(
        client,
        f"/manage/processes/{process.id}/details",
        {"title": "Renamed", "budget": "2000", "currency": "SEK", "summary": "New"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert (process.title, process.budget_minor, process.summary) == ("Renamed", 2000_00, "New")
    assert audit_actions()[-1] == "process.updated"


def test_today_is_the_council_s_calendar_date(make_app, monkeypatch):
    from datetime import datetime as real_datetime

    import participate.core.clock as timeutil

    class Frozen(real_datetime):
        @classmethod
        def now(cls, tz=None):  # 23:30 UTC on 31 Dec is already 1 Jan in Stockholm, still 31 Dec in Lima
            return real_datetime(2026, 12, 31, 23, 30, tzinfo=timeutil.UTC).astimezone(tz)

    monkeypatch.setattr(timeutil, "datetime", Frozen)
    make_app(BABEL_DEFAULT_TIMEZONE="Europe/Stockholm")
    assert timeutil.today() == date(2027, 1, 1)
    make_app(BABEL_DEFAULT_TIMEZONE="America/Lima")
    assert timeutil.today() == date(2026, 12, 31)


def test_saving_the_districts_keeps_what_refers_to_them(client, as_user):
    """Saving the page again, renaming and swapping names edit the districts in place: their proposals
    and budgets keep them. Re-saving used to delete and re-create every district, which took the
    district from every proposal and deleted the district budgets with their ballots."""
    from participate.proposals.models import Proposal
    from participate.voting.models import VoteBudget
    from tests.factories import make_proposal, make_vote

    staff = make_user("staff")
    process = make_process(budget_minor=1000_00)
    services.set_districts(
        staff, process, [services.DistrictInput("North", 300_00), services.DistrictInput("South", 300_00)]
    )
    db.session.commit()
    north, south = sorted(process.districts, key=lambda d: d.name)
    proposal = make_proposal(process, district_id=north.id)
    (budget,) = make_vote(
        process, budgets=[{"name": "North", "budget_minor": 300_00, "district_id": north.id}]
    )
    client = as_user(staff)
    path = f"/manage/processes/{process.id}/districts"
    page = client.get(path).get_data(as_text=True)
    assert f'name="districts-0-id" type="hidden" value="{north.id}"' in page

    def save(rows):
        data = {}
        for n, (district_id, name, budget) in enumerate(rows):
            data |= {
                f"districts-{n}-id": district_id,
                f"districts-{n}-name": name,
                f"districts-{n}-budget": budget,
            }
        return post_form(client, path, data)

    assert save([(north.id, "North", "300"), (south.id, "South", "300")]).status_code == 302
    assert save([(north.id, "South", "300"), (south.id, "North", "250")]).status_code == 302  # a swap
    assert (
        save([(north.id, "South", "300"), (south.id, "North", "250"), ("", "East", "100")]).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).district_id == north.id
    assert db.session.get(VoteBudget, budget.id).district_id == north.id
    assert sorted((d.id, d.name, d.budget_minor) for d in process.districts) == sorted(
        [
            (north.id, "South", 300_00),
            (south.id, "North", 250_00),
            (max(d.id for d in process.districts), "East", 100_00),
        ]
    )
    refused = save([(south.id, "North", "250")])  # "South" (north's row) holds a proposal and a budget
    assert refused.status_code == 400 and "South cannot be removed" in refused.get_data(as_text=True)
    assert save([(north.id, "South", "300"), (south.id, "North", "250")]).status_code == 302  # East goes
    db.session.expire_all()
    assert sorted(d.name for d in process.districts) == ["North", "South"]
