"""What a council meets in its first hour (issue 18): each test walks a path that was broken."""

from __future__ import annotations

import re

import pytest

from participate.extensions import db
from participate.processes.models import District
from participate.proposals.models import Category, Proposal
from tests.conftest import post_form
from tests.factories import make_process, make_user


def selected(page: str, name: str) -> str | None:
    """The value of the selected option of the select called `name`."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    option = re.search(r"<option([^>]*)selected([^>]*)>", select.group(1))
    if option is None:
        return None
    return re.search(r'value="([^"]*)"', option.group(1) + option.group(2)).group(1)


@pytest.fixture
def malmo(app):
    process = make_process(budget_minor=2_000_000_00)
    hyllie = District(process_id=process.id, name="Hyllie", budget_minor=500_000_00)
    green = Category(process_id=process.id, name="Green spaces")
    db.session.add_all([hyllie, green])
    db.session.commit()
    return process, hyllie, green


def _draft(client, process, hyllie, green) -> Proposal:
    response = post_form(
        client,
        f"/processes/{process.slug}/proposals/new",
        {
            "title": "Trees along Hyllie boulevard",
            "summary": "Shade and birds.",
            "description": "Forty lindens.",
            "cost": "120 000",
            "district": str(hyllie.id),
            "category": str(green.id),
            "latitude": "55.56",
            "longitude": "12.97",
            "save_draft": "Save as draft",
        },
    )
    assert response.status_code == 302
    return db.session.query(Proposal).one()


def test_editing_a_proposal_keeps_its_district_category_and_every_field(client, as_user, malmo):
    process, hyllie, green = malmo
    as_user(make_user())
    draft = _draft(client, process, hyllie, green)
    page = client.get(f"/proposals/{draft.id}/edit").get_data(as_text=True)
    assert selected(page, "district") == str(hyllie.id)
    assert selected(page, "category") == str(green.id)
    for shown in ("Trees along Hyllie boulevard", "Shade and birds.", "Forty lindens.", "120000", "55.56"):
        assert shown in page, shown
    # Publishing from the edit form without touching anything keeps every field.
    fields = dict(re.findall(r'<(?:input|textarea)[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    fields.update(district=selected(page, "district"), category=selected(page, "category"))
    fields.update(description="Forty lindens.", publish="Publish")
    fields.pop("csrf_token", None)
    fields.pop("save_draft", None)
    response = post_form(client, f"/proposals/{draft.id}/edit", fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(draft)
    assert (draft.status, draft.district_id, draft.category_id) == ("submitted", hyllie.id, green.id)
    assert (draft.cost_minor, draft.latitude, draft.longitude) == (120_000_00, 55.56, 12.97)


def test_a_draft_is_published_from_its_own_page(client, as_user, malmo):
    process, hyllie, green = malmo
    author = make_user()
    as_user(author)
    draft = _draft(client, process, hyllie, green)
    page = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert f'action="/proposals/{draft.id}/publish"' in page
    response = post_form(client, f"/proposals/{draft.id}/publish", token_from=f"/proposals/{draft.id}")
    assert response.status_code == 302
    db.session.refresh(draft)
    assert (draft.status, draft.district_id, draft.category_id) == ("submitted", hyllie.id, green.id)
    assert draft.published_at is not None
    page = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert f'action="/proposals/{draft.id}/publish"' not in page
    # Publishing twice is refused with a message, not a 500.
    again = post_form(client, f"/proposals/{draft.id}/publish", token_from=f"/proposals/{draft.id}")
    assert again.status_code in (400, 403)


def test_every_staff_edit_form_shows_what_was_saved(client, as_user, malmo):
    """The same object-versus-id class of defect, in the other forms that edit a saved row."""
    from tests.factories import make_proposal, make_vote

    process, hyllie, _green = malmo
    as_user(make_user("staff"))
    (budget,) = make_vote(
        process,
        budgets=[
            {
                "name": "Hyllie",
                "district_id": hyllie.id,
                "budget_minor": 400_000_00,
                "ballot_type": "approval",
                "min_choices": 2,
                "max_choices": 3,
                "spending_cap": True,
                "rule": "greedy",
                "sat": None,
            }
        ],
    )
    page = client.get(f"/manage/processes/{process.id}/vote/budget?budget_id={budget.id}").get_data(
        as_text=True
    )
    assert selected(page, "district") == str(hyllie.id)
    assert selected(page, "rule") == "greedy"
    assert re.search(r'<input checked[^>]*value="approval"', page)
    assert re.search(r'name="max_choices"[^>]*value="3"', page) and re.search(
        r'name="min_choices"[^>]*value="2"', page
    )
    assert re.search(r'<input checked[^>]*name="spending_cap"', page) and 'value="400000"' in page

    details = client.get(f"/manage/processes/{process.id}/details").get_data(as_text=True)
    assert process.title in details and 'value="2000000"' in details
    assert selected(details, "currency") == "SEK"

    target = make_proposal(process)
    merged = make_proposal(process, status="merged", merged_into_id=target.id, answer="Joined.")
    review = client.get(f"/manage/proposals/{merged.id}/review").get_data(as_text=True)
    assert re.search(rf'name="merged_into"[^>]*value="{target.id}"', review)
    assert selected(review, "decision") == "merged"


def test_every_comment_can_be_reported_by_others_without_javascript(client, as_user):
    from participate.moderation.models import Report
    from tests.conftest import login
    from tests.factories import make_comment, make_proposal

    process = make_process()
    writer, reader = make_user(), make_user()
    on_process = make_comment(writer, process, "A comment on the process.")
    proposal = make_proposal(process)
    from participate.deliberation import services as deliberation
    from participate.deliberation.subjects import resolve

    on_proposal = deliberation.post_comment(
        writer, resolve("proposal", proposal.id), "On the idea.", "in_favour"
    )
    db.session.commit()
    link = '/moderation/report/comment/{}"'
    # A visitor is not offered it; the author is not offered it for their own comment.
    assert link.format(on_process.id) not in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    as_user(writer)
    assert link.format(on_process.id) not in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    client = client.application.test_client()
    login(client, reader.email)
    assert link.format(on_process.id) in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert link.format(on_proposal.id) in page
    report_page = f"/moderation/report/comment/{on_proposal.id}"
    assert client.get(report_page).status_code == 200
    response = post_form(client, report_page, {"reason": "spam"}, token_from=report_page)
    assert response.status_code == 302
    row = db.session.query(Report).one()
    assert (row.item_type, row.item_id, row.reporter_id) == ("comment", on_proposal.id, reader.id)


def _timeline(page: str) -> dict[str, str]:
    """Phase name → its badge on the page's timeline."""
    items = re.findall(
        r'<span class="phase-name">([^<]+)</span>.*?<span class="badge[^"]*">\s*([^<]+?)\s*</span>',
        page,
        re.S,
    )
    return dict(items)


def test_a_vote_closed_early_is_closed_everywhere(client, as_user):
    from participate.core.clock import utcnow
    from participate.voting.models import VoteSettings
    from tests.factories import make_vote

    process = make_process(days_in=22)  # the voting phase began yesterday and runs six more days
    make_vote(process)
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Voting is open until" in page and "The vote is open." in page
    db.session.query(VoteSettings).one().closed_at = utcnow()
    db.session.commit()
    for path in (f"/processes/{process.slug}", "/", "/processes/"):
        page = client.get(path).get_data(as_text=True)
        assert "Voting is open until" not in page, path
        assert "The voting phase ended on" in page and "Voting (ended)" in page, path
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Results will be published on" in page
    assert "The vote has closed." in page and "The vote is open." not in page
    assert "Voting (ended)" in page
    assert _timeline(page)["Voting"] == "Ended early" and _timeline(page)["Results"] == "Coming"
    as_user(make_user("staff"))
    manage = client.get(f"/manage/processes/{process.id}").get_data(as_text=True)
    assert "Voting (ended)" in manage and _timeline(manage)["Voting"] == "Ended early"
    api = next(p for p in client.get("/api/v1/processes").get_json()["processes"] if p["id"] == process.id)
    assert (api["phase"], api["phase_ended"]) == ("voting", True)


def test_moving_a_process_forward_shows_what_was_cut_short_and_what_started_early(client, as_user):
    from tests.factories import make_ready_vote

    process = make_process(days_in=1)  # proposals began yesterday
    make_ready_vote(process)  # the checklist lets the vote open
    as_user(make_user("staff"))
    from participate.processes import services

    services.advance_phase(make_user("staff"), process, "voting")
    db.session.commit()
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    steps = _timeline(page)
    assert steps == {
        "Proposals": "Ended early",
        "Deliberation": "Skipped",
        "Citizen panel": "Skipped",
        "Voting": "Now, ahead of its dates",
        "Results": "Coming",
    }
    assert "Finished" not in steps.values()


def _post_forms(page: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', page)


def test_irreversible_staff_actions_ask_on_a_page_of_their_own_first(client, as_user):
    from participate.core.clock import today
    from participate.jobs.models import Job
    from participate.processes.models import Process
    from participate.results.models import BudgetResult
    from participate.voting.models import VoteSettings
    from tests.factories import make_ready_vote

    process = make_process(days_in=1)
    make_ready_vote(process)  # the checklist lets the vote open
    as_user(make_user("staff"))
    base = f"/manage/processes/{process.id}"
    overview = client.get(base).get_data(as_text=True)
    assert f"{base}/advance" not in _post_forms(overview)
    # Move now: the overview's choice leads to a page that says what happens, and nothing moves yet.
    page = client.get(f"{base}/advance?a-phase=voting").get_data(as_text=True)
    assert "This cannot be undone." in page and "never moves back" in page
    assert "Skipped, never to take place: deliberation, citizen panel." in page
    assert f"{base}/advance" in _post_forms(page) and 'name="a-phase" value="voting"' in page
    assert db.session.get(Process, process.id).current_phase(today()).value == "proposals"
    assert client.get(f"{base}/advance?a-phase=proposals").status_code == 400
    response = post_form(
        client, f"{base}/advance", {"a-phase": "voting"}, token_from=f"{base}/advance?a-phase=voting"
    )
    assert response.status_code == 302
    assert db.session.get(Process, process.id).current_phase(today()).value == "voting"

    results = f"{base}/results"
    tab = client.get(results).get_data(as_text=True)
    assert f"{results}/close" not in _post_forms(tab) and f'href="{results}/close"' in tab
    page = client.get(f"{results}/close").get_data(as_text=True)
    assert "A closed vote cannot be opened again." in page and f"{results}/close" in _post_forms(page)
    assert db.session.query(VoteSettings).one().closed_at is None and db.session.query(Job).count() == 0
    assert post_form(client, f"{results}/close", token_from=f"{results}/close").status_code == 302
    assert db.session.query(VoteSettings).one().closed_at is not None

    page = client.get(f"{results}/publish").get_data(as_text=True)
    assert "Published results cannot be withdrawn" in page and f"{results}/publish" in _post_forms(page)
    assert all(r.status != "published" for r in db.session.query(BudgetResult))


def test_checking_for_similar_proposals_keeps_what_was_typed(client, as_user, malmo):
    from tests.factories import make_proposal

    process, hyllie, green = malmo
    make_proposal(process, title="Trees along the boulevard in Hyllie")
    as_user(make_user())
    new = f"/processes/{process.slug}/proposals/new"
    form = client.get(new).get_data(as_text=True)
    assert (
        'name="check_similar"' in form and f'href="/processes/{process.slug}/proposals/similar"' not in form
    )
    typed = {
        "title": "Trees along Hyllie boulevard",
        "summary": "Shade and birds.",
        "description": "Forty lindens, please.",
        "cost": "120 000",
        "district": str(hyllie.id),
        "category": str(green.id),
        "check_similar": "1",
    }
    response = post_form(client, new, typed, token_from=new)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.query(Proposal).count() == 1
    assert "Trees along the boulevard in Hyllie" in page  # the similar one
    for value in ("Trees along Hyllie boulevard", "Shade and birds.", "Forty lindens, please.", "120 000"):
        assert value in page, value
    assert selected(page, "district") == str(hyllie.id) and selected(page, "category") == str(green.id)
    assert "error" not in re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page).split("<main", 1)[1].lower()


def test_every_job_page_reads_as_sentences_and_leads_back(client, as_user, app):
    from participate.jobs.registry import JOB_KINDS
    from participate.jobs.services import start_job
    from participate.results.services import close_and_count
    from tests.factories import make_proposal, make_vote

    staff = make_user("staff")
    process = make_process(days_in=22)
    make_vote(process, budgets=[{"name": "City-wide", "budget_minor": 1_500_000_00}])
    make_proposal(process, status="feasible", cost_minor=400_000_00)
    count = close_and_count(staff, process)
    check = start_job(staff, "audit.verify_chain")
    from participate.core.after_commit import commit

    commit()
    as_user(staff)
    for job, back in ((count, f"/manage/processes/{process.id}/results"), (check, "/admin/audit")):
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert "{'" not in page and "True" not in page and "None" not in page, page
        assert "first_broken_id" not in page and "ballots_sha256" not in page
        assert f'href="{back}"' in page
    shown = client.get(f"/jobs/{count.id}").get_data(as_text=True)
    assert "City-wide" in shown
    assert "The audit log is intact" in client.get(f"/jobs/{check.id}").get_data(as_text=True)
    product_kinds = [kind for kind in JOB_KINDS.values() if kind.work.__module__.startswith("participate.")]
    assert product_kinds and all(kind.template and kind.back for kind in product_kinds)


def _options(page: str, name_contains: str) -> list[list[str]]:
    """The option values of each select whose name contains `name_contains`."""
    return [
        re.findall(r'<option value="([^"]*)"', body)
        for body in re.findall(
            rf'<select[^>]*name="[^"]*{name_contains}[^"]*"[^>]*>(.*?)</select>', page, re.S
        )
    ]


def test_ranked_ballots_offer_no_more_ranks_than_may_be_chosen(client, as_user):
    from participate.eligibility import codes
    from participate.voting import secrecy
    from tests.factories import make_proposal, make_vote, register_voter

    process = make_process(days_in=21)
    for _ in range(7):
        make_proposal(process, status="feasible", cost_minor=10_000_00)
    make_vote(
        process,
        eligibility="account",
        budgets=[{"name": "City-wide", "budget_minor": 1_000_000_00, "max_choices": 5}],
    )
    voter = make_user()
    register_voter(voter, process)
    as_user(voter)
    ballot = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    assert _options(ballot, "-p") and all(o == ["", "1", "2", "3", "4", "5"] for o in _options(ballot, "-p"))
    staff = make_user("staff")
    (code,) = codes.generate_codes(staff, process, 1, None, "Library")
    db.session.commit()
    kiosk = client.application.test_client()
    as_staff = kiosk
    from tests.conftest import login

    login(as_staff, staff.email)
    path = f"/manage/processes/{process.id}/vote/kiosk"
    page = post_form(as_staff, path, {"code": secrecy.shown_code(code)}, token_from=path).get_data(
        as_text=True
    )
    assert _options(page, "-p") and all(o == ["", "1", "2", "3", "4", "5"] for o in _options(page, "-p"))


def test_no_supports_left_is_announced_where_supports_are_closed(client, as_user):
    from participate.proposals.models import ProposalSettings
    from tests.factories import make_proposal

    process = make_process(days_in=8)  # deliberation: supports are closed
    db.session.add(ProposalSettings(process_id=process.id, supports_per_person=5))
    db.session.commit()
    proposal = make_proposal(process)
    as_user(make_user())
    for path in (f"/proposals/{proposal.id}", f"/processes/{process.slug}/proposals/"):
        assert "more supports in this process" not in client.get(path).get_data(as_text=True), path
    open_process = make_process()
    db.session.add(ProposalSettings(process_id=open_process.id, supports_per_person=5))
    db.session.commit()
    page = client.get(f"/processes/{open_process.slug}/proposals/").get_data(as_text=True)
    assert "You can give 5 more supports in this process." in page


def test_a_deleted_author_reads_in_the_pages_language(client):
    from participate.core.clock import utcnow
    from tests.factories import make_proposal

    author = make_user()
    proposal = make_proposal(make_process(), author)
    author.display_name, author.deleted_at = "Deleted user", utcnow()
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Borttagen användare" in page and "Deleted user" not in page


def test_every_audit_action_has_a_label_and_the_log_shows_it(client, as_user):
    import ast
    from pathlib import Path

    from participate.audit.labels import ACTION_LABELS
    from participate.eligibility.models import ConflictStatus

    recorded = set()
    for path in Path("participate").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            call = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(call, "id", getattr(call, "attr", None)) in (
                "record",
                "record_on_process",
                "record_on_panel",
            ):
                for value in ast.walk(node.args[0]) if node.args else ():
                    if (
                        isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and "." in value.value
                        and not value.value.endswith("_")
                    ):
                        recorded.add(value.value)
    recorded |= {f"vote.conflict_{s.value}" for s in ConflictStatus if s is not ConflictStatus.OPEN}
    assert {"role.granted", "process.published", "process.unpublished", "thread.summary_removed"} <= recorded
    assert recorded - set(ACTION_LABELS) == set()
    admin = make_user("admin")
    as_user(admin)
    person = make_user()
    from participate.accounts import services as accounts

    accounts.grant_role(admin, person, "staff")
    db.session.commit()
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Role granted" in log and "role.granted" not in log
    swedish = client.get("/admin/audit", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "role.granted" not in swedish and "Role granted" not in swedish


def test_the_move_to_phase_choices_read_as_words(client, as_user):
    process = make_process(days_in=1)
    as_user(make_user("staff"))
    page = client.get(f"/manage/processes/{process.id}").get_data(as_text=True)
    (choices,) = re.findall(r'<select[^>]*name="a-phase"[^>]*>(.*?)</select>', page, re.S)
    options = re.findall(r"<option[^>]*>([^<]+)</option>", choices)
    assert options and all(o[0].isupper() and "planned from" in o for o in options), options


def test_times_dates_and_counts_read_the_councils_way_in_both_languages(client, as_user):
    from datetime import datetime

    from tests.factories import make_comment, make_proposal

    process = make_process()
    comment = make_comment(make_user(), process, "Seen at tea time.")
    comment.created_at = datetime(2026, 12, 7, 15, 54, 59)  # UTC; 16:54 in Stockholm
    make_proposal(process, title="A much supported idea", support_count=12_345)
    db.session.commit()
    english = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Dec 7, 2026, 4:54\u202fPM" in english and "12/7/26" not in english and "4:54:59" not in english
    swedish = client.get(f"/processes/{process.slug}", headers={"Accept-Language": "sv"}).get_data(
        as_text=True
    )
    assert "7 dec. 2026 16:54" in swedish
    listing = client.get(f"/processes/{process.slug}/proposals/").get_data(as_text=True)
    assert "12,345 supports" in listing
    listing = client.get(f"/processes/{process.slug}/proposals/", headers={"Accept-Language": "sv"})
    assert "12\u00a0345 stöd" in listing.get_data(as_text=True)
    as_user(make_user("staff"))
    schedule = client.get(f"/manage/processes/{process.id}/schedule").get_data(as_text=True)
    assert "YYYY-MM-DD" not in schedule and 'type="date"' in schedule
    for path in ("/admin/audit", "/notifications/"):
        assert "UTC" not in client.get(path).get_data(as_text=True), path


def test_the_councils_time_zone_is_a_setting(make_app):
    from datetime import datetime

    from participate.core.templating import format_moment

    app = make_app(BABEL_DEFAULT_TIMEZONE="Europe/Helsinki")
    with app.test_request_context("/"):
        assert format_moment(datetime(2026, 12, 7, 15, 54)) == "Dec 7, 2026, 5:54\u202fPM"


def test_the_readmes_staff_entry_and_the_icon_answer(client, as_user):
    draft = make_process(published=False, title="A draft for later")
    assert client.get("/favicon.ico").status_code == 302
    icon = client.get("/favicon.ico", follow_redirects=True)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
    assert client.get("/manage/processes/").status_code in (302, 401, 403)
    as_user(make_user("staff"))
    assert client.get("/manage/processes").status_code in (301, 308)
    page = client.get("/manage/processes/").get_data(as_text=True)
    assert "A draft for later" in page and f"/manage/processes/{draft.id}" in page
    from tests.conftest import login

    resident = client.application.test_client()
    login(resident, make_user().email)
    assert resident.get("/manage/processes/").status_code == 403
