"""Parallel requests against PostgreSQL: the audit chain takes every staff action, none is lost."""

from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.audit.services import verify_chain
from participate.extensions import db
from tests.concurrency import posts_at_once, races
from tests.conftest import csrf_token, login
from tests.factories import DEFAULT_PASSWORD, make_process, make_user

pytestmark = races
PARALLEL = 8


def test_parallel_staff_actions_all_land_in_one_unbroken_chain(app):
    clients = []
    for n in range(PARALLEL):
        staff, process = make_user("staff"), make_process(budget_minor=1000_00)
        client = app.test_client()
        login(client, staff.email)
        path = f"/manage/processes/{process.id}/details"
        clients.append((client, path, csrf_token(client, path), n))
    statuses = posts_at_once(
        app,
        [
            (
                client,
                path,
                {"csrf_token": token, "title": f"Renamed {n}", "budget": "2000", "currency": "SEK"},
            )
            for client, path, token, n in clients
        ],
    )
    assert statuses == [302] * PARALLEL
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("process.updated") == PARALLEL
    report = verify_chain()
    assert report.ok and report.entries == len(actions)


def test_parallel_supports_by_one_person_make_one_support(app):
    """Decidim's CVE-2023-47634 was exactly this race; the unique constraint settles it."""
    from participate.proposals.models import Proposal, Support
    from tests.factories import make_proposal

    process = make_process()
    proposal = make_proposal(process)
    person = make_user()
    requests = []
    for _ in range(PARALLEL):
        client = app.test_client()
        login(client, person.email)
        requests.append(
            (
                client,
                f"/proposals/{proposal.id}/support",
                {"csrf_token": csrf_token(client, f"/proposals/{proposal.id}")},
            )
        )
    statuses = posts_at_once(app, requests)
    assert sorted(statuses).count(302) == 1, statuses
    assert set(statuses) <= {302, 400}
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
    assert db.session.get(Proposal, proposal.id).support_count == 1


def test_parallel_supports_never_exceed_the_limit_per_person(app):
    from participate.proposals import services
    from participate.proposals.models import Support
    from tests.factories import make_proposal

    process = make_process()
    services.set_proposal_settings(make_user("staff"), process, [], supports_per_person=2)
    db.session.commit()
    proposals = [make_proposal(process) for _ in range(PARALLEL)]
    person = make_user()
    requests = []
    for proposal in proposals:
        client = app.test_client()
        login(client, person.email)
        requests.append(
            (
                client,
                f"/proposals/{proposal.id}/support",
                {"csrf_token": csrf_token(client, f"/proposals/{proposal.id}")},
            )
        )
    statuses = posts_at_once(app, requests)
    assert sorted(statuses).count(302) == 2, statuses
    assert db.session.scalar(select(func.count()).select_from(Support)) == 2


def test_parallel_reports_by_one_person_make_one_report(app):
    """One report per person per item: the unique constraint (and the lock per item) settle the race."""
    from participate.moderation.models import Report
    from tests.factories import make_proposal

    proposal = make_proposal(make_process())
    person = make_user()
    path = f"/moderation/report/proposal/{proposal.id}"
    clients = []
    for _ in range(PARALLEL):
        client = app.test_client()
        login(client, person.email)
        clients.append((client, csrf_token(client, path)))
    data = {"reason": "spam", "text": ""}
    statuses = posts_at_once(
        app, [(client, path, {"csrf_token": token, **data}) for client, token in clients]
    )
    assert sorted(statuses).count(302) == 1, statuses
    assert set(statuses) <= {302, 400}
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_many_people_supporting_at_once_all_count(app):
    """The total is recounted from the rows; each recount must see the supports committed before it."""
    from participate.proposals.models import Proposal
    from tests.factories import make_proposal

    proposal = make_proposal(make_process())
    requests = []
    for _ in range(PARALLEL):
        client = app.test_client()
        login(client, make_user().email)
        token = csrf_token(client, f"/proposals/{proposal.id}")
        requests.append((client, f"/proposals/{proposal.id}/support", {"csrf_token": token}))
    assert posts_at_once(app, requests) == [302] * PARALLEL
    assert db.session.get(Proposal, proposal.id).support_count == PARALLEL


def test_a_merge_and_a_support_of_its_target_at_once_leave_one_support_each(app):
    """The merge moves the source's supporters to the target; one of them supports the target meanwhile."""
    from participate.proposals import services
    from participate.proposals.models import Proposal, Support
    from tests.concurrency import DONE, as_request, at_once
    from tests.factories import make_proposal

    process = make_process()
    source, target = make_proposal(process), make_proposal(process)
    resident, staff = make_user(), make_user("staff")
    services.support_proposal(resident, source)
    db.session.commit()
    ids = {"source": source.id, "target": target.id, "resident": resident.id, "staff": staff.id}

    def merge() -> None:
        from participate.accounts.models import User

        decision = services.Decision(
            status=services.ProposalStatus.MERGED, answer="Same idea", merged_into_id=ids["target"]
        )
        services.review_proposal(
            db.session.get(User, ids["staff"]), db.session.get(Proposal, ids["source"]), decision
        )

    def support() -> None:
        from participate.accounts.models import User

        services.support_proposal(
            db.session.get(User, ids["resident"]), db.session.get(Proposal, ids["target"])
        )

    outcomes = at_once(app, [as_request(merge), as_request(support)])
    assert outcomes[0] == DONE and outcomes[1] in (DONE, "You already support this proposal."), outcomes
    supports = db.session.execute(select(Support.proposal_id)).scalars().all()
    assert supports == [ids["target"]]
    assert db.session.get(Proposal, ids["target"]).support_count == 1


def test_two_people_taking_one_email_address_at_once_leave_it_to_one(app):
    from participate.accounts import services, tokens
    from participate.accounts.models import User
    from tests.concurrency import DONE, as_request, at_once

    people = [make_user() for _ in range(2)]
    for person in people:  # both ask; the address moves only when its link is opened
        with app.test_request_context():
            assert services.update_profile(
                person, display_name="Kim", email="kim@example.org", current_password=DEFAULT_PASSWORD
            )
    db.session.commit()
    links = [tokens.make_change_token(person, "kim@example.org") for person in people]

    def confirm(token: str) -> None:
        with app.test_request_context():
            services.confirm_email_change(token)

    outcomes = at_once(app, [as_request(lambda t=t: confirm(t)) for t in links])
    assert all(isinstance(outcome, str) for outcome in outcomes), outcomes  # no database error
    assert sorted(outcomes) == sorted(
        [DONE, "Another account now uses this email address, so yours was not changed."]
    ), outcomes
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "kim@example.org")) == 1
    )
