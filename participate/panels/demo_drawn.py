"""Demo: the climate process's citizens' panel, drawn and seated. 240 people registered from the letters;
the facilitators compared LEXIMIN with the legacy greedy method, published the LEXIMIN lottery, drew the
panel with dice at City Hall, made their confirmation calls, and replaced one member who declined."""

from __future__ import annotations

import random
from datetime import timedelta

from faker import Faker

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.extensions import db
from participate.panels import alternates, seats, selection, setup
from participate.panels.codes import ALPHABET, PSEUDONYM_LENGTH
from participate.panels.models import Panel, PanelStatus, Respondent, RespondentValue
from participate.processes.models import Process
from participate.sortition.model import normalise_address

PEOPLE = 240
SIZE = 30
SEED = "Dice at Malmö City Hall, 12 February: 4 1 6 3 3 5 2 6"
WITNESSES = (
    "Amira Haddad (Rosengård youth council)\nLars Nilsson (pensioners' association)\nEva Lind (city clerk)"
)
FEATURES = (
    (
        "gender",
        "Gender",
        True,
        "woman | Woman | | | 50\nman | Man | | | 49\nnonbinary | Non-binary | 0 | 2 | ",
    ),
    (
        "age",
        "Age",
        False,
        "16-29 | 16 to 29 | | | 24\n30-44 | 30 to 44 | | | 27\n45-64 | 45 to 64 | | | 29\n65-plus | 65 and over | | | 20",
    ),
    (
        "district",
        "District",
        False,
        "centrum | Centrum | | | 36\nhusie | Husie | | | 30\nrosengard | Rosengård | | | 34",
    ),
)
# Who answers letters: more older people, fewer young men, fewer from Rosengård; the quotas correct it.
ANSWERS = {
    "gender": (("woman", 52), ("man", 45), ("nonbinary", 2), (None, 1)),
    "age": (("16-29", 15), ("30-44", 24), ("45-64", 33), ("65-plus", 28)),
    "district": (("centrum", 42), ("husie", 33), ("rosengard", 25)),
}
STREETS = {
    "centrum": ("Södra Förstadsgatan", "Davidshallsgatan", "Kalendegatan", "Östergatan"),
    "husie": ("Husievägen", "Kvarnbyvägen", "Ängdalavägen"),
    "rosengard": ("Ramels väg", "Amiralsgatan", "Von Rosens väg"),
}


def _pick(rng: random.Random, weighted: tuple[tuple[str | None, int], ...]) -> str | None:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _respondents(panel: Panel, rng: random.Random, fake: Faker) -> None:
    features = {f.name: f for f in panel.features}
    by_key = {f.name: {v.value: v for v in f.values} for f in panel.features}
    households: list[tuple[str, str, str]] = []
    for n in range(PEOPLE):
        if households and rng.random() < 0.08:  # a partner or grown child at the same address
            district, street, postcode = rng.choice(households)
        else:
            district = str(_pick(rng, ANSWERS["district"]))
            street = f"{rng.choice(STREETS[district])} {rng.randint(1, 60)}"
            postcode = f"2{rng.randint(11, 15)} {rng.randint(10, 99)}"
            households.append((district, street, postcode))
        name = fake.name()
        respondent = Respondent(
            panel_id=panel.id,
            pseudonym="".join(rng.choice(ALPHABET) for _ in range(PSEUDONYM_LENGTH)),
            name=name,
            email=f"{name.split()[0].lower()}.{n}@example.se",
            phone=f"+4670{rng.randint(1000000, 9999999)}",
            address=street,
            postcode=postcode,
            district=by_key["district"][district].label,
            household_key=normalise_address([street, postcode]),
            support_needs=rng.choice(["", "", "", "", "Wheelchair access", "Hearing loop", "Childcare"]),
            consent_at=utcnow() - timedelta(days=rng.randint(40, 60)),
        )
        answers = {
            "district": district,
            "gender": _pick(rng, ANSWERS["gender"]),
            "age": _pick(rng, ANSWERS["age"]),
        }
        respondent.answers = [
            RespondentValue(
                feature_id=features[key].id, value_id=by_key[key][value].id if value is not None else None
            )
            for key, value in answers.items()
        ]
        db.session.add(respondent)
    db.session.flush()


def _ignore(_fraction: float, _message: str) -> None:
    return None


def seed_drawn_panel(staff: User, process: Process) -> Panel:
    rng = random.Random(2030)
    fake = Faker("sv_SE")
    fake.seed_instance(2030)
    panel = setup.create_panel(
        staff,
        process,
        setup.PanelInput(
            title="Klimatpanelen – the citizens' panel on climate action",
            purpose=(
                "Thirty residents of Centrum, Husie and Rosengård, drawn by lot, weighed the climate proposals "
                "that passed the feasibility review and told the council which belong on the ballot and why."
            ),
            size=SIZE,
            meeting_dates="Saturday 28 February, 10:00–16:00, Malmö City Hall\n"
            "Saturday 7 March, 10:00–16:00, Rosengård library\nSaturday 14 March, 10:00–15:00, Malmö City Hall",
            stipend_minor=150000,
            travel_covered=True,
            childcare_offered=True,
            interpretation="Arabic, Bosnian/Croatian/Serbian, Somali",
            household_rule=True,
            algorithm="leximin",
            registration_mode="invitation",
            max_registrations_per_code=2,
            purge_after=None,
        ),
    )
    for name, label, prefer_not, values in FEATURES:
        setup.save_feature(
            staff, panel, setup.FeatureInput(name, label, prefer_not, setup.parse_values(values)), None
        )
    setup.quotas_from_census(staff, panel, 1)
    setup.move(staff, panel, PanelStatus.RECRUITING)
    _respondents(panel, rng, fake)
    setup.move(staff, panel, PanelStatus.POOL_CLOSED)

    legacy = selection.start_run(staff, panel, selection.RunInput("legacy", None))
    selection.compute_run(legacy, _ignore, legacy_samples=200)  # the demo skips the job queue
    fair = selection.start_run(staff, panel, selection.RunInput("leximin", 120))
    selection.compute_run(fair, _ignore)
    selection.publish_lottery(staff, panel, fair)
    alternates.draw_panel(
        staff,
        panel,
        selection.DrawInput(SEED, "Dice rolled at the council's open meeting, 12 February", WITNESSES),
    )
    # the member who declines comes from the largest groups, so an alternate can keep every quota
    answers = {pid: values for pid, values, _house in fair.inputs["people"]}
    calls = seats.seat_list(panel).active
    declined = next(s for s in calls if answers[s.respondent.pseudonym][::2] == ["woman", "centrum"])
    seats.set_status(staff, panel, declined, "contacted", "Reached on the second call")
    seats.set_status(staff, panel, declined, "declined", "Works shifts on Saturdays in March")
    seats.replace_vacated(staff, panel, "Declined during the confirmation calls")
    for seat in seats.seat_list(panel).active:
        if seat.status == "selected":
            seats.set_status(staff, panel, seat, "contacted")
        seats.set_status(staff, panel, seat, "confirmed")
    return panel
