"""Panels test data: a process with a facilitator, a panel with two features, an address register."""

from __future__ import annotations

import io
import re

from participate.extensions import db
from participate.panels import setup
from participate.panels.models import Panel, PanelStatus
from participate.processes.models import ProcessRole
from tests.conftest import csrf_token
from tests.factories import make_process, make_user

GENDER = "f | Woman | 4 | 6 | 51\nm | Man | 4 | 6 | 49"
AGE = "young | 16 to 39 | 3 | 6 | \nold | 40 and over | 4 | 7 | "


def facilitated_process():
    process = make_process()
    facilitator = make_user()
    db.session.add(ProcessRole(process_id=process.id, user_id=facilitator.id, role="facilitator"))
    db.session.commit()
    return process, facilitator


def panel_input(**changes) -> setup.PanelInput:
    values = {
        "title": "Climate panel",
        "purpose": "How should the city cut its emissions by half by 2030?",
        "size": 10,
        "meeting_dates": "Saturday 6 March 2027\nSaturday 20 March 2027",
        "stipend_minor": 100000,
        "travel_covered": True,
        "childcare_offered": True,
        "interpretation": "Arabic, Somali",
        "household_rule": True,
        "algorithm": "leximin",
        "registration_mode": "invitation",
        "max_registrations_per_code": 2,
        "purge_after": None,
    }
    values.update(changes)
    return setup.PanelInput(**values)


def make_panel(process, actor, *, status: PanelStatus = PanelStatus.RECRUITING, **changes) -> Panel:
    panel = setup.create_panel(actor, process, panel_input(**changes))
    setup.save_feature(
        actor, panel, setup.FeatureInput("gender", "Gender", True, setup.parse_values(GENDER)), None
    )
    setup.save_feature(actor, panel, setup.FeatureInput("age", "Age", False, setup.parse_values(AGE)), None)
    panel.status = status.value
    db.session.commit()
    return panel


def upload(data: str, name: str = "file.csv"):
    return (io.BytesIO(data.encode("utf-8")), name)


def post(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    token = csrf_token(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def manage_url(panel: Panel, rest: str = "") -> str:
    return f"/manage/processes/{panel.process.slug}/panels/{panel.id}{rest}"


def public_url(panel: Panel, rest: str = "") -> str:
    return f"/processes/{panel.process.slug}/panels/{panel.id}{rest}"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def features_from_csv(actor, panel: Panel, path) -> None:
    """Set up a panel's features from a Sortition Foundation features CSV (keys made from the values)."""
    from participate.sortition.io import parse_features

    for feature in parse_features(path.read_text(encoding="utf-8")).features:
        lines = [
            f"{re.sub(r'[^a-z0-9]+', '-', q.value.lower())[:40].strip('-') or 'v'} | {q.value} | {q.min} | {q.max}"
            for q in feature.quotas
        ]
        values = setup.parse_values("\n".join(lines))
        setup.save_feature(
            actor, panel, setup.FeatureInput(feature.name.lower(), feature.name, False, values), None
        )
    db.session.commit()
