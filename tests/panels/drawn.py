"""A closed pool ready for selection, built straight in the database (the registration screens are tested
elsewhere): two features with quotas, respondents with pseudonyms, answers and a few shared addresses."""

from __future__ import annotations

from itertools import cycle

from participate.extensions import db
from participate.panels.models import (
    Panel,
    PanelFeature,
    PanelFeatureValue,
    PanelStatus,
    Respondent,
    RespondentValue,
)
from participate.sortition.model import normalise_address

GENDERS = ("woman", "man")
AGES = ("16-34", "35-64", "65+")


def make_closed_pool(
    process, *, people: int = 30, size: int = 6, status: PanelStatus = PanelStatus.POOL_CLOSED
) -> Panel:
    panel = Panel(process_id=process.id, title="Climate panel", purpose="Advise the council.", size=size)
    panel.status = status.value
    gender = PanelFeature(name="gender", label="Gender", position=0)
    gender.values = [
        PanelFeatureValue(value=v, label=v.title(), min=size // 2, max=size - size // 2, position=i)
        for i, v in enumerate(GENDERS)
    ]
    age = PanelFeature(name="age", label="Age", position=1)
    age.values = [
        PanelFeatureValue(value=v, label=v, min=1, max=size // 2, position=i) for i, v in enumerate(AGES)
    ]
    panel.features = [gender, age]
    db.session.add(panel)
    db.session.flush()
    genders, ages = cycle(gender.values), cycle(age.values + age.values[:1])
    for n in range(people):
        street = f"Storgatan {n // 2 + 1}" if n < 6 else f"Kungsgatan {n}"  # three shared addresses
        respondent = Respondent(
            panel_id=panel.id,
            pseudonym=f"P{n:04d}",
            name=f"Person {n}",
            email=f"person{n}@example.org",
            phone=f"+4670000{n:04d}",
            address=street,
            postcode="41101",
            district="Centrum",
            household_key=normalise_address([street, "41101"]),
        )
        respondent.answers = [
            RespondentValue(feature_id=gender.id, value_id=next(genders).id),
            RespondentValue(feature_id=age.id, value_id=next(ages).id),
        ]
        db.session.add(respondent)
    db.session.commit()
    return panel
