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

    One query whatever the pool's size. The household key is left empty when the panel has no
    household rule, so the engine applies none."""
    features = engine_features(panel)
    position = {feature.id: i for i, feature in enumerate(panel.features)}
    value_key = {v.id: v.value for feature in panel.features for v in feature.values}
    may_decline = {feature.id for feature in panel.features if feature.allow_prefer_not_to_say}
    in_pool = (Respondent.panel_id == panel.id, Respondent.status == RespondentStatus.REGISTERED.value)
    rows = db.session.execute(
        select(
            Respondent.id,
            Respondent.pseudonym,
            Respondent.household_key,
            RespondentValue.feature_id,
            RespondentValue.value_id,
        )
        .join(RespondentValue, RespondentValue.respondent_id == Respondent.id)
        .where(*in_pool)
        .order_by(Respondent.id)
    )
    people: list[Person] = []
    current: int | None = None
    pseudonym = household = ""
    values: list[str | None] = []

    def finish() -> None:
        if current is not None and None not in values:  # a feature added later, unanswered: not placeable
            people.append(Person(pseudonym, tuple(v for v in values if v is not None), household))

    for respondent_id, row_pseudonym, row_household, feature_id, value_id in rows:
        if respondent_id != current:
            finish()
            current, pseudonym = respondent_id, row_pseudonym
            household = row_household if panel.household_rule else ""
            values = [None] * len(features)
        slot = position.get(feature_id)
        if slot is None:
            continue
        if value_id is None:  # prefer not to say: only a value while the feature allows it
            values[slot] = PREFER_NOT_TO_SAY if feature_id in may_decline else None
        else:
            values[slot] = value_key.get(value_id)
    finish()
    return features, tuple(people)
