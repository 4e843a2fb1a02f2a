"""Parallel registrations with one household's code, and parallel letter draws, on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from participate.extensions import db
from participate.panels import invitations, respondents
from participate.panels.models import AddressRegister, Invitation, Panel, RegisterAddress, Respondent
from tests.concurrency import DONE, as_request, at_once, races
from tests.panels.helpers import facilitated_process, make_panel

pytestmark = races


def _register_with(app, panel_id: int, code: str, n: int):
    def use_case() -> None:
        panel = db.session.get(Panel, panel_id)
        gender, age = panel.features
        respondents.register(
            panel,
            respondents.RegistrationInput(
                answers={gender.id: gender.values[0].id, age.id: age.values[0].id},
                name=f"Person {n}",
                email=f"p{n}@example.org",
                address="Storgatan 1",
                consent=True,
                code=code,
            ),
        )

    return as_request(use_case)


def test_a_code_is_never_used_more_often_than_it_allows(app):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator, max_registrations_per_code=2)
    register = AddressRegister(panel_id=panel.id, name="r", address_count=1)
    db.session.add(register)
    db.session.flush()
    db.session.add(RegisterAddress(register_id=register.id, address="Storgatan 1", district="Kista"))
    batch = invitations.draw_batch(facilitator, panel, invitations.DrawInput(register.id, 1, "s", False, {}))
    db.session.commit()
    (letter,) = invitations.letters(panel, batch)
    results = at_once(app, [_register_with(app, panel.id, letter.code, n) for n in range(5)])
    assert results.count(DONE) == 2
    assert db.session.scalar(select(func.count()).select_from(Respondent)) == 2
    assert db.session.scalar(select(Invitation.registrations_used)) == 2


def test_parallel_draws_never_invite_an_address_twice(app):
    process, facilitator = facilitated_process()
    panel = make_panel(process, facilitator)
    register = AddressRegister(panel_id=panel.id, name="r", address_count=30)
    db.session.add(register)
    db.session.flush()
    for i in range(30):
        db.session.add(RegisterAddress(register_id=register.id, address=f"Gata {i}", district="Kista"))
    db.session.commit()
    panel_id, register_id, actor_id = panel.id, register.id, facilitator.id

    def draw(seed: str):
        def use_case() -> None:
            from participate.accounts.models import User

            invitations.draw_batch(
                db.session.get(User, actor_id),
                db.session.get(Panel, panel_id),
                invitations.DrawInput(register_id, 20, seed, False, {}),
            )

        return as_request(use_case)

    results = at_once(app, [draw("a"), draw("b"), draw("c")])
    assert DONE in results
    invited = db.session.scalars(select(Invitation.address_id)).all()
    assert len(invited) == len(set(invited))
