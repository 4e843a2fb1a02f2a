"""The pool as the sortition engine sees it: features with their quotas, and people keyed by pseudonym.

"Prefer not to say" becomes one more value of its feature, with the quota 0..panel size, so that such an
answer never helps or blocks a quota of that feature.
"""

from __future__ import annotations

from sqlalchemy import select

from participate.extensions import db
from participate.panels.models import Panel, Respondent, RespondentStatus, RespondentValue
from participate.sortition.model import Feature, Person, Quota

PREFER_NOT_TO_SAY = "prefer-not-to-say"


def engine_features(panel: Panel) -> tuple[Feature, ...]:
    features = []
    for feature in panel.features:
        quotas = [Quota(feature.name, v.value, v.min, v.max) for v in feature.values]
        if feature.allow_prefer_not_to_say:
            quotas.append(Quota(feature.name, PREFER_NOT_TO_SAY, 0, panel.size))
        features.append(Feature(feature.name, tuple(quotas)))
    return tuple(features)


def pool_for_engine(panel: Panel) -> tuple[tuple[Feature, ...], tuple[Person, ...]]:
    """Everyone registered (not withdrawn, not erased) who answered every feature, in registration order.

    Two queries whatever the pool's size. The household key is left empty when the panel has no
    household rule, so the engine applies none."""
    features = engine_features(panel)
    position = {feature.id: i for i, feature in enumerate(panel.features)}
    value_key = {v.id: v.value for feature in panel.features for v in feature.values}
    may_decline = {feature.id for feature in panel.features if feature.allow_prefer_not_to_say}
    rows = db.session.execute(
        select(Respondent.id, Respondent.pseudonym, Respondent.household_key)
        .where(Respondent.panel_id == panel.id, Respondent.status == RespondentStatus.REGISTERED.value)
        .order_by(Respondent.id)
    ).all()
    answers: dict[int, list[str | None]] = {row.id: [None] * len(features) for row in rows}
    for respondent_id, feature_id, value_id in db.session.execute(
        select(RespondentValue.respondent_id, RespondentValue.feature_id, RespondentValue.value_id)
        .join(Respondent, Respondent.id == RespondentValue.respondent_id)
        .where(Respondent.panel_id == panel.id, Respondent.status == RespondentStatus.REGISTERED.value)
    ):
        if respondent_id not in answers or feature_id not in position:
            continue
        if value_id is None:  # prefer not to say: only a value while the feature allows it
            answer = PREFER_NOT_TO_SAY if feature_id in may_decline else None
        else:
            answer = value_key.get(value_id)
        answers[respondent_id][position[feature_id]] = answer
    people = []
    for row in rows:
        values = [value for value in answers[row.id] if value is not None]
        if len(values) < len(features):
            continue  # a feature added after this person registered: they cannot be placed
        household = row.household_key if panel.household_rule else ""
        people.append(Person(row.pseudonym, tuple(values), household))
    return features, tuple(people)
