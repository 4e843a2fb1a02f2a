"""The pool dashboard: counts against quotas and census targets, response rates, feasibility."""

from __future__ import annotations

from pathlib import Path

from participate.extensions import db
from participate.panels import dashboard, invitations, respondents, setup
from participate.panels.models import AddressRegister, PanelStatus, RegisterAddress, RegistrationMode
from tests.conftest import login
from tests.panels.helpers import (
    facilitated_process,
    features_from_csv,
    make_panel,
    manage_url,
    panel_input,
    public_url,
    text,
)

DATA = Path(__file__).resolve().parents[3] / "shared/data/sortition"


def _register(panel, answers, *, name, code="", address=None):
    data = respondents.RegistrationInput(
        answers=answers,
        name=name,
        email=f"{name.replace(' ', '.').lower()}@example.org",
        address=address or f"{name} street 1",
        consent=True,
        code=code,
    )
    return respondents.register(panel, data)[0]


def test_counts_rates_and_a_short_quota(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, size=10)
    gender, age = panel.features
    register = AddressRegister(panel_id=panel.id, name="r", address_count=20)
    db.session.add(register)
    db.session.flush()
    for i in range(20):
        db.session.add(
            RegisterAddress(
                register_id=register.id, address=f"Gata {i}", district=["Kista", "Rinkeby"][i % 2]
            )
        )
    batch = invitations.draw_batch(facilitator, panel, invitations.DrawInput(register.id, 20, "s", False, {}))
    letters = list(invitations.letters(panel, batch))
    kista = [letter for letter in letters if letter.district == "Kista"]
    # 3 Kista households answer (one with two people), none from Rinkeby
    for i, letter in enumerate(kista[:3]):
        _register(
            panel,
            {gender.id: gender.values[0].id, age.id: age.values[0].id},
            name=f"Person {i}",
            code=letter.code,
        )
    _register(panel, {gender.id: None, age.id: age.values[1].id}, name="Housemate", code=kista[0].code)
    db.session.commit()

    table = dashboard.quota_table(panel)
    women, men = table[0].values
    assert (women.count, men.count, table[0].declined) == (3, 0, 1)
    assert women.census_target == 5.1 and women.short and men.short and women.min - women.count == 1
    assert table[1].declined is None and [v.count for v in table[1].values] == [3, 1]
    rates = {row.label: row for row in dashboard.district_rates(panel)}
    assert (rates["Kista"].letters, rates["Kista"].households, rates["Kista"].respondents) == (10, 3, 4)
    assert rates["Kista"].rate == 0.3 and rates["Rinkeby"].rate == 0.0
    ((_batch, row),) = dashboard.batch_rates(panel)
    assert (row.letters, row.households, row.respondents) == (20, 3, 4)

    check = dashboard.feasibility(panel)
    assert not check.feasible and "fewer than the panel size" in check.problem

    as_user(facilitator)
    page = text(client.get(manage_url(panel, "/pool")))
    assert "Short by 4" in page and "Not yet feasible" in page and "30.0 %" in page
    assert "Person 0" not in page  # aggregates only on the dashboard


def test_relaxation_advice_and_people_no_panel_can_hold(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = setup.create_panel(
        facilitator, process, panel_input(size=20, registration_mode=RegistrationMode.OPEN.value)
    )
    features_from_csv(facilitator, panel, DATA / "opendlp-docs-example/Categories_csv_example.csv")
    panel.status = PanelStatus.RECRUITING.value
    respondents.import_people(
        facilitator, panel, (DATA / "opendlp-docs-example/Respondents_csv_example.csv").read_bytes()
    )
    db.session.commit()
    check = dashboard.feasibility(panel)
    assert check.feasible and check.pool_size == 100 and len(check.excluded) == 29

    # a quota the pool cannot fill: the engine's smallest relaxation is shown
    disability = next(f for f in panel.features if f.name == "disability")
    yes = next(v for v in disability.values if v.value == "yes")
    yes.min, yes.max = 15, 16
    db.session.commit()
    check = dashboard.feasibility(panel)
    assert not check.feasible and check.infeasible is not None and check.infeasible.relaxation
    as_user(facilitator)
    page = text(client.get(manage_url(panel, "/pool")))
    assert "The smallest change to the quotas" in page and "15–16" in page


def test_public_pages_show_aggregates_only(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    gender, age = panel.features
    person = _register(
        panel, {gender.id: gender.values[0].id, age.id: age.values[0].id}, name="Fatima Hassan"
    )
    db.session.commit()
    for path in (public_url(panel), f"/processes/{process.slug}"):
        page = text(client.get(path))
        assert "Fatima" not in page and "fatima.hassan@example.org" not in page and person.address not in page
    assert "1 people registered" in text(client.get(public_url(panel)))
    assert panel.title in text(client.get(f"/processes/{process.slug}"))
    other_process, other_facilitator = facilitated_process()
    as_user(other_facilitator)
    assert client.get(manage_url(panel, "/respondents")).status_code == 403
    own = app.test_client()
    login(own, facilitator.email)
    listing = own.get(manage_url(panel, "/respondents"))
    assert "Fatima Hassan" in text(listing) and listing.headers["Cache-Control"] == "no-store"


def test_facilitator_erases_a_person(app, client, as_user):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    gender, age = panel.features
    person = _register(
        panel, {gender.id: gender.values[0].id, age.id: age.values[0].id}, name="Fatima Hassan"
    )
    db.session.commit()
    as_user(facilitator)
    from tests.panels.helpers import post

    response = post(
        client,
        manage_url(panel, "/respondents/erase"),
        {"respondent": person.pseudonym, "reason": "asked by phone"},
        token_from=manage_url(panel, "/respondents"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert person.status == "erased" and person.name == ""
    response = post(
        client,
        manage_url(panel, "/respondents/erase"),
        {"respondent": person.pseudonym},
        token_from=manage_url(panel, "/respondents"),
    )
    assert response.status_code == 400 and "not in the pool" in text(response)


def test_the_dashboard_makes_as_many_queries_for_many_respondents_as_for_few(app, client, as_user):
    from sqlalchemy import event

    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, registration_mode=RegistrationMode.OPEN.value)
    gender, age = panel.features
    as_user(facilitator)

    def queries() -> int:
        statements: list[str] = []

        def count(*args) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(manage_url(panel, "/pool")).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add(n: int) -> None:
        for i in range(n):
            answers = {gender.id: gender.values[i % 2].id, age.id: age.values[i % 2].id}
            _register(panel, answers, name=f"Person {i} {n}", address=f"Gata {i} {n}")
        db.session.commit()

    add(3)
    few = queries()
    add(40)
    assert queries() == few
