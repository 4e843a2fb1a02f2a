"""Demo data for `make run`: a citizens' panel recruiting in Malmö South, with an address register, two
draws of invitation letters, a few hundred respondents who registered with their letters' codes, and a
dashboard on which young people are still short of their quota (as they usually are)."""

from __future__ import annotations

import random

from faker import Faker
from sqlalchemy import insert

from participate.accounts.models import User
from participate.extensions import db
from participate.panels import invitations, respondents, setup
from participate.panels.models import AddressRegister, Panel, PanelFeature, PanelStatus, RegisterAddress
from participate.processes.models import Process

PURPOSE = """
Malmö South is getting **5 million kronor** for parks and play. Before residents vote, a citizens' panel
of 24 people drawn by lot will weigh the proposals over two Saturdays and tell the council which ones
serve the districts best, and why.

*På svenska:* Malmö syd får **5 miljoner kronor** till parker och lek. Innan invånarna röstar väger en
medborgarpanel med 24 lottade invånare förslagen under två lördagar och berättar för kommunen vilka som
gör mest nytta och varför.
"""
MEETINGS = (
    "Saturday 14 March, 10:00–16:00, Hyllie library / lördag 14 mars\n"
    "Saturday 28 March, 10:00–16:00, Fosie town hall / lördag 28 mars"
)
# (key, label, census share %) per feature; the panel has 24 seats.
GENDER = (
    ("woman", "Woman / Kvinna", 50.4),
    ("man", "Man / Man", 48.6),
    ("non-binary", "Non-binary / Icke-binär", 1.0),
)
AGE = (
    ("16-29", "16–29", 24.0),
    ("30-44", "30–44", 28.0),
    ("45-64", "45–64", 29.0),
    ("65", "65 and over / 65 och äldre", 19.0),
)
DISTRICTS = (
    ("fosie", "Fosie", 35.0, 1.0),
    ("hyllie", "Hyllie", 30.0, 1.0),
    ("oxie", "Oxie", 15.0, 1.6),
    ("sodra", "Södra Innerstaden", 20.0, 1.0),
)
ADDRESSES = 5200
# Who answers: a share of letters per district, and ages skewed old, as real invitation lotteries see.
ANSWER_RATE = {"Fosie": 0.075, "Hyllie": 0.085, "Oxie": 0.05, "Södra Innerstaden": 0.095}
AGE_WEIGHTS = (0.05, 0.25, 0.36, 0.34)
YOUNG_WHO_ANSWER = 3  # fewer than the quota's minimum of 5: the dashboard shows it short


def _lines(values: tuple[tuple[str, str, float], ...]) -> str:
    return "\n".join(f"{key} | {label} | | | {share}" for key, label, share in values)


def _answer(
    rng: random.Random,
    fake: Faker,
    features: dict[str, PanelFeature],
    district: str,
    letter: invitations.Letter,
    gender: int,
    age: int,
) -> respondents.RegistrationInput:
    """A registration in answer to a letter (the same draws from `rng`, in the same order, as when this was
    written inline: the demo stays the same)."""
    answers: dict[int, int | None] = {
        features["gender"].id: None if rng.random() < 0.02 else gender,
        features["age"].id: age,
        features["district"].id: next(v.id for v in features["district"].values if v.value == district),
    }
    name = fake.name()
    data = respondents.RegistrationInput(
        answers=answers,
        name=name,
        email=f"{name.lower().replace(' ', '.')}@example.se" if rng.random() < 0.85 else "",
        phone=fake.phone_number() if rng.random() < 0.6 else "",
        address=letter.address,
        postcode=letter.postcode,
        support_needs=rng.choice(("", "", "", "", "Step-free access", "Vegetarisk kost", "Hörslinga")),
        consent=True,
        code=letter.code,
    )
    if not data.email and not data.phone:
        data = respondents.RegistrationInput(
            **{**data.__dict__, "phone": "+4640" + str(rng.randrange(100000, 999999))}
        )
    return data


def seed_recruiting_panel(facilitator: User, process: Process) -> Panel:
    fake = Faker("sv_SE")
    Faker.seed(20)
    rng = random.Random(20)
    panel = setup.create_panel(
        facilitator,
        process,
        setup.PanelInput(
            title="Citizens' panel on parks and play / Medborgarpanel om parker och lek",
            purpose=PURPOSE.strip(),
            size=24,
            meeting_dates=MEETINGS,
            stipend_minor=1200_00,
            travel_covered=True,
            childcare_offered=True,
            interpretation="Arabic, Bosnian/Croatian/Serbian, Somali, Swedish sign language",
            household_rule=True,
            algorithm="leximin",
            registration_mode="invitation",
            max_registrations_per_code=2,
            purge_after=None,
        ),
    )
    questions = (
        ("gender", "Which gender do you identify with? / Vilket kön identifierar du dig med?", True, GENDER),
        ("age", "How old are you? / Hur gammal är du?", False, AGE),
        (
            "district",
            "Which district do you live in? / I vilken stadsdel bor du?",
            False,
            tuple(d[:3] for d in DISTRICTS),
        ),
    )
    for name, label, may_decline, values in questions:
        feature = setup.FeatureInput(name, label, may_decline, setup.parse_values(_lines(values)))
        setup.save_feature(facilitator, panel, feature, None)
    setup.quotas_from_census(facilitator, panel, tolerance=0)
    setup.move(facilitator, panel, PanelStatus.RECRUITING)

    register = AddressRegister(
        panel_id=panel.id, name="Lantmäteriet address register, Malmö South", address_count=ADDRESSES
    )
    register.imported_by_id = facilitator.id
    db.session.add(register)
    db.session.flush()
    shares = [d[2] for d in DISTRICTS]
    rows = []
    for _ in range(ADDRESSES):
        district = rng.choices(DISTRICTS, weights=shares)[0][1]
        rows.append(
            {
                "register_id": register.id,
                "address": fake.street_address(),
                "postcode": fake.postcode(),
                "district": district,
            }
        )
    db.session.execute(insert(RegisterAddress), rows)
    first = invitations.draw_batch(
        facilitator,
        panel,
        invitations.DrawInput(register.id, 2400, "Hyllie library, 12 January: dice 4 1 6 6 2 3", True, {}),
    )
    second = invitations.draw_batch(
        facilitator,
        panel,
        invitations.DrawInput(
            register.id, 1000, "Fosie town hall, 2 February: dice 5 5 2 1 3 6", True, {"Oxie": 1.6}
        ),
    )
    features = {f.name: f for f in panel.features}
    district_value = {label: key for key, label, _share, _weight in DISTRICTS}
    young, older = features["age"].values[0], features["age"].values[1]
    young_so_far = 0
    registered = []
    for batch in (first, second):
        for letter in invitations.letters(panel, batch):
            if rng.random() >= ANSWER_RATE[letter.district]:
                continue
            household = 2 if rng.random() < 0.12 else 1
            for _person in range(household):
                gender = rng.choices(features["gender"].values, weights=(52, 46, 1))[0].id
                age = rng.choices(features["age"].values, weights=AGE_WEIGHTS)[0]
                if age is young:
                    young_so_far += 1
                    age = young if young_so_far <= YOUNG_WHO_ANSWER else older
                data = _answer(rng, fake, features, district_value[letter.district], letter, gender, age.id)
                registered.append(respondents.register(panel, data)[0])
    respondents.withdraw(panel, registered[17])  # changed their mind, from the link in the email
    db.session.flush()
    return panel
