"""The demo is the product's first impression (issue 18): it must agree with itself. Seeded once for the
module into a file database, as `make run` does."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participate import create_app
from participate.extensions import db


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from participate.demo import seed_demo

    database = tmp_path_factory.mktemp("demo") / "demo.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        yield app
        db.session.remove()


def test_the_demo_results_reasons_agree_with_their_figures(demo):
    from participate.results.models import BudgetResult
    from tests.results.test_reason_figures import check_mes

    results = db.session.scalars(select(BudgetResult)).all()
    mes = [r for r in results if r.explanation.get("kind") == "mes"]
    assert mes, "the demo counts at least one budget with equal shares"
    assert sum(check_mes(r.explanation) for r in mes) > 5


# Defect 12: the demo contradicts itself no more.

UNDATED = {"phase_window", "panel_recommendation_answer.deadline"}  # plans, not things that happened


PLANNED = {("panel_meeting", "starts_at"), ("panel_meeting", "ends_at")}  # a meeting may be coming


def test_nothing_in_the_demo_happened_after_now(demo):
    from datetime import datetime, timedelta

    import sqlalchemy as sa

    from participate.core.clock import utcnow

    now = utcnow() + timedelta(minutes=1)
    checked = 0
    for table in db.metadata.sorted_tables:
        if table.name in UNDATED:
            continue
        for column in table.columns:
            planned = f"{table.name}.{column.name}" in UNDATED or (table.name, column.name) in PLANNED
            if not isinstance(column.type, sa.Date | sa.DateTime) or planned:
                continue
            latest = db.session.scalar(select(sa.func.max(column)))
            if latest is None:
                continue
            limit = now if isinstance(latest, datetime) else now.date()
            assert latest <= limit, f"{table.name}.{column.name} is {latest}, after now"
            checked += 1
    assert checked > 20


def test_demo_proposals_were_sent_in_during_their_proposals_phase_and_after_the_process_was_set_up(demo):
    from participate.processes.models import Phase
    from participate.proposals.models import Proposal

    proposals = db.session.scalars(select(Proposal).where(Proposal.published_at.is_not(None))).all()
    assert len(proposals) > 30
    for proposal in proposals:
        window = proposal.process.window(Phase.PROPOSALS)
        assert window.starts_on <= proposal.published_at.date() <= window.ends_on, proposal.title
        assert proposal.process.created_at <= proposal.created_at, proposal.title
        if proposal.answered_at is not None:
            assert proposal.answered_at >= proposal.published_at, proposal.title


def test_demo_titles_naming_a_district_are_filed_in_it(demo):
    from participate.processes.models import District
    from participate.proposals.demo import uses_words
    from participate.proposals.models import Proposal

    names = set(db.session.scalars(select(District.name)))
    named = 0
    for proposal in db.session.scalars(select(Proposal)):
        for name in names:
            if uses_words(proposal.title, (name,)):
                named += 1
                assert proposal.district is not None and proposal.district.name == name, (
                    f"“{proposal.title}” is filed under {proposal.district.name if proposal.district else 'the whole city'}"
                )
    assert named >= 5


def test_demo_categories_match_their_keywords(demo):
    from participate.proposals.demo import CATEGORY_WORDS, uses_words
    from participate.proposals.models import Proposal

    proposals = db.session.scalars(select(Proposal)).all()
    for proposal in proposals:
        assert proposal.category is not None, proposal.title
        words = CATEGORY_WORDS[proposal.category.name]
        assert uses_words(f"{proposal.title}. {proposal.summary}", words), (
            f"“{proposal.title}” is under {proposal.category.name}, whose words are {words}"
        )
    assert "Cooling room for hot days" in {p.title for p in proposals if p.category.name == "Heat and health"}


def test_published_demo_processes_pass_their_checklist(demo):
    from participate.core.clock import today
    from participate.processes import checks
    from participate.processes.services import list_public_processes

    for process in list_public_processes():
        opening = checks.opens_vote(process, today())
        assert not checks.blocking(process, today(), opening_vote=opening), process.title


def test_the_demo_results_answer_first_with_images(demo):
    from participate.processes.services import list_public_processes
    from participate.results import present
    from participate.results import services as results

    published = [p for p in list_public_processes() if results.is_published(p)]
    assert published
    client = demo.test_client()
    for process in published:
        views = present.process_views(process, "en")
        summary = present.summary(process, views)
        assert summary.funded and summary.voters >= max(v.result.voters for v in views)
        page = client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
        head = page[page.index('id="summary-title"') : page.index('id="details-title"')]
        assert f"{len(summary.funded)} proposals are funded" in head
        assert f"{summary.voters:,}" in head
        assert head.count('alt="Image for the proposal') >= 1 and 'loading="lazy"' in head


def test_the_demo_draws_its_district_map_on_the_process_page_and_the_results(demo):
    from participate.processes.services import list_public_processes
    from participate.results import services as results

    client = demo.test_client()
    with_districts = [p for p in list_public_processes() if p.districts]
    assert with_districts and all(d.boundary for p in with_districts for d in p.districts)
    for process in with_districts:
        page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
        assert '<svg class="district-map"' in page and page.count('class="district-shape') == len(
            process.districts
        )
    published = next(p for p in with_districts if results.is_published(p))
    page = client.get(f"/processes/{published.slug}/results").get_data(as_text=True)
    svg = page[page.index('<svg class="district-map"') : page.index("</svg>")]
    assert svg.count('class="map-marker"') >= 1


def test_the_demo_panel_replaced_its_decliner_from_the_alternates(demo):
    import json

    from participate.audit.models import AuditEntry
    from participate.panels import alternates, seats
    from participate.panels.models import Panel

    with demo.app_context():
        seated = [p for p in db.session.execute(select(Panel)).scalars() if p.status == "seated"]
        assert seated
        for panel in seated:
            chosen = alternates.alternates_of(panel)
            assert chosen is not None and chosen.members
            replaced = [s for s in seats.seats_of(panel) if s.replaces_id]
            assert len(replaced) == 1 and replaced[0].respondent.pseudonym in chosen.members
        entries = db.session.execute(
            select(AuditEntry).where(AuditEntry.action == "panel.replaced")
        ).scalars()
        assert {json.loads(e.data)["from"] for e in entries} == {"alternates"}


def test_the_climate_panel_speaks_on_two_proposals_of_the_open_vote(demo):
    from participate.panels.statement_models import PanelStatement
    from participate.voting import services as voting
    from participate.voting.statements import statement_for

    statements = db.session.scalars(select(PanelStatement)).all()
    assert len(statements) == 2
    city_wide = voting.budgets_of(statements[0].proposal.process)[0]
    assert {s.proposal_id for s in statements} <= {p.id for p in voting.candidates(city_wide)}  # every ballot
    for statement in statements:
        proposal = statement.proposal
        assert proposal.status == "feasible" and proposal.process.title.startswith("Climate action")
        assert statement_for(proposal) == statement.text  # so the ballot shows it beside the proposal


def test_the_council_answered_the_climate_panel_in_every_state_with_one_overdue(demo):
    from participate.core.clock import today
    from participate.panels import answers
    from participate.panels.models import Panel, PanelStatus

    panel = db.session.scalars(select(Panel).where(Panel.status == PanelStatus.SEATED.value)).one()
    items = answers.items(panel, today())
    assert {i.answer.decision if i.answer else None for i in items} == {
        "accepted",
        "partly",
        "not_accepted",
        None,
    }
    assert [i.overdue for i in items].count(answers.Overdue.ANSWER) == 1
    assert [i.overdue for i in items].count(answers.Overdue.IMPLEMENTATION) == 1
    for item in items:
        assert item.recommendation.published_at is not None
        if item.answer is not None:
            assert item.answer.answered_at >= item.recommendation.published_at
        for milestone in item.milestones:
            assert item.answer.answered_at.date() <= milestone.on < today()


def test_the_council_has_done_one_of_the_climate_panels_recommendations(demo):
    from participate.core.clock import today
    from participate.panels import answers
    from participate.panels.models import Panel, PanelStatus
    from tests.conftest import FreshContextClient
    from tests.panels.helpers import text

    panel = db.session.scalars(select(Panel).where(Panel.status == PanelStatus.SEATED.value)).one()
    (done,) = [i for i in answers.items(panel, today()) if i.tracking and i.tracking.status == "done"]
    assert done.answer is not None and done.answer.accepted
    assert done.tracking.progress == 100 and done.overdue is None
    assert len(done.milestones) >= 2
    assert all(done.answer.answered_at.date() <= m.on < today() for m in done.milestones)
    assert done.tracking.updated_at >= done.answer.answered_at
    for language, shown in (("en", "Done, 100%"), ("sv", "Klart, 100%")):
        page = text(
            FreshContextClient(demo, demo.response_class).get(
                f"/processes/{panel.process.slug}/what-the-council-did", headers={"Accept-Language": language}
            )
        )
        assert page.count(shown) == 1, language
        assert done.recommendation.title in page and all(m.text in page for m in done.milestones)


def test_the_seated_demo_panel_has_met_three_times_and_meets_once_more(demo):
    from participate.core.clock import utcnow
    from participate.panels import materials, meetings
    from participate.panels.models import Panel, PanelStatus

    panel = db.session.scalars(select(Panel).where(Panel.status == PanelStatus.SEATED.value)).one()
    listed = meetings.meetings_of(panel)
    assert len(listed) == 4
    held = [m for m in listed if m.starts_at < utcnow()]
    assert len(held) == 3
    members = {seat.id for seat in meetings.members(panel)}
    for meeting in held:
        assert set(meetings.attendance_of(meeting)) == members
        assert any(row.arranged for row in meetings.checklist(meeting, panel))
    assert not meetings.attendance_of(listed[-1])
    assert [m.tables is not None for m in listed] == [False, False, True, False]
    planned = [seat for table in held[-1].tables for seat in table]
    present = {s for s, status in meetings.attendance_of(held[-1]).items() if status == "present"}
    assert sorted(planned) == sorted(present)
    assert all(6 <= len(table) <= 8 for table in held[-1].tables)
    assert any(line.total_minor for line in meetings.stipends(panel))
    everything = materials.materials_of(panel)
    assert {m.public for m in everything} == {True, False}
    assert {m.kind for m in everything} == {"document", "link"}
    assert materials.materials_of(panel, kit=True)
