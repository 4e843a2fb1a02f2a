"""Setting up a panel: its description, features and quotas, and the moves between its states.

Every facilitator action is written to the audit chain with the panel as its subject.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from participate.accounts.models import User
from participate.audit.services import record
from participate.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from participate.core.unique import add_unique
from participate.extensions import db
from participate.panels import policy
from participate.panels.models import (
    PANEL_STATUS_LABELS,
    Algorithm,
    Panel,
    PanelFeature,
    PanelFeatureValue,
    PanelStatus,
    RegistrationMode,
    Respondent,
)
from participate.panels.pool import PREFER_NOT_TO_SAY
from participate.processes.models import Process
from participate.sortition.errors import InputError
from participate.sortition.io import parse_features

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_FEATURES = 12
MAX_VALUES = 30


def record_on_panel(action: str, actor: User | None, panel: Panel, **data: object) -> None:
    record(action, actor=actor, subject_type="panel", subject_id=panel.id, data=data)


def require_manager(actor: User | None, panel: Panel) -> None:
    if not policy.can_manage_panel(actor, panel):
        raise PermissionDenied(_("Only this process's facilitators may change its panels."))


@dataclass(frozen=True)
class PanelInput:
    title: str
    purpose: str
    size: int
    meeting_dates: str
    stipend_minor: int
    travel_covered: bool
    childcare_offered: bool
    interpretation: str
    household_rule: bool
    algorithm: str
    registration_mode: str
    max_registrations_per_code: int
    purge_after: date | None


def _apply(panel: Panel, data: PanelInput) -> None:
    if data.algorithm not in set(Algorithm) or data.registration_mode not in set(RegistrationMode):
        raise ValidationFailed(_("Choose one of the options offered."))
    if data.size < 1:
        raise ValidationFailed(_("A panel needs at least one member."))
    panel.title = data.title.strip()
    panel.purpose = data.purpose.strip()
    panel.size = data.size
    panel.meeting_dates = data.meeting_dates.strip()
    panel.stipend_minor = data.stipend_minor
    panel.travel_covered = data.travel_covered
    panel.childcare_offered = data.childcare_offered
    panel.interpretation = data.interpretation.strip()
    panel.household_rule = data.household_rule
    panel.algorithm = data.algorithm
    panel.registration_mode = data.registration_mode
    panel.max_registrations_per_code = data.max_registrations_per_code
    panel.purge_after = data.purge_after


def create_panel(actor: User | None, process: Process, data: PanelInput) -> Panel:
    if not policy.can_create_panel(actor, process):
        raise PermissionDenied(_("Only this process's facilitators may add a panel."))
    panel = Panel(process=process, status=PanelStatus.DRAFT.value)
    _apply(panel, data)
    db.session.add(panel)
    db.session.flush()
    record_on_panel("panel.created", actor, panel, title=panel.title, size=panel.size)
    return panel


def update_panel(actor: User | None, panel: Panel, data: PanelInput) -> Panel:
    require_manager(actor, panel)
    if panel.is_at_least(PanelStatus.LOTTERY_PUBLISHED) and (
        data.size != panel.size
        or data.household_rule != panel.household_rule
        or data.algorithm != panel.algorithm
    ):
        raise IllegalTransition(
            _("The lottery is published: the panel size, household rule and algorithm can no longer change.")
        )
    _apply(panel, data)
    record_on_panel(
        "panel.updated", actor, panel, title=panel.title, size=panel.size, algorithm=panel.algorithm
    )
    return panel


def panels_of(process: Process) -> list[Panel]:
    return list(
        db.session.scalars(select(Panel).where(Panel.process_id == process.id).order_by(Panel.id)).all()
    )


# Features and quotas ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueInput:
    value: str
    label: str
    min: int | None
    max: int | None
    census_share: float | None  # 0..1


@dataclass(frozen=True)
class FeatureInput:
    name: str
    label: str
    allow_prefer_not_to_say: bool
    values: tuple[ValueInput, ...]


def parse_values(text: str) -> tuple[ValueInput, ...]:
    """One value a line: `key | label | min | max | census %`; the last three may be left empty.

    Raises ValidationFailed naming every bad line."""
    values: list[ValueInput] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value = _value_line(line, seen)
        if isinstance(value, str):
            errors.append(_("line %(line)d: %(problem)s", line=number, problem=value))
            continue
        seen.add(value.value)
        values.append(value)
    if errors:
        raise ValidationFailed(_("Fix these lines of the values: %(errors)s", errors="; ".join(errors)))
    if len(values) < 2:
        raise ValidationFailed(_("A feature needs at least two values."))
    if len(values) > MAX_VALUES:
        raise ValidationFailed(_("A feature may have at most %(most)d values.", most=MAX_VALUES))
    return tuple(values)


def _value_line(line: str, seen: set[str]) -> ValueInput | str:
    """One line of the values, or what is wrong with it."""
    cells = [cell.strip() for cell in line.split("|")] + [""] * 5
    key, label, low, high, share = cells[:5]
    key = key.casefold()
    if not KEY.match(key) or key == PREFER_NOT_TO_SAY:
        return _("the key must be lower-case letters, digits, - or _ (such as “18-29”)")
    if key in seen:
        return _("the key “%(key)s” is listed twice", key=key)
    low_n = _whole(low, "min")
    if isinstance(low_n, str):
        return low_n
    high_n = _whole(high, "max")
    if isinstance(high_n, str):
        return high_n
    share_n = _share(share)
    if isinstance(share_n, str):
        return share_n
    if low_n is not None and high_n is not None and low_n > high_n:
        return _("the minimum is larger than the maximum")
    if (low_n is None) != (high_n is None):
        return _("give both a minimum and a maximum, or neither")
    if low_n is None and share_n is None:
        return _("give a minimum and maximum, or a census share to compute them from")
    return ValueInput(key, label or key, low_n, high_n, share_n)


def _whole(raw: str, name: str) -> int | None | str:
    """The bound (None: left empty), or what is wrong with it."""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 5:
        return _("%(what)s must be a whole number", what=name)
    return int(raw)


def _share(raw: str) -> float | None | str:
    """The census share as a fraction (None: left empty), or what is wrong with it."""
    if not raw:
        return None
    try:
        percent = float(raw.rstrip("%").strip().replace(",", "."))
    except ValueError:
        percent = -1
    if not 0 <= percent <= 100 or math.isnan(percent):
        return _("the census share must be a percentage from 0 to 100")
    return percent / 100


def values_text(feature: PanelFeature) -> str:
    """The values as `parse_values` reads them, to edit them again."""
    lines = []
    for v in feature.values:
        share = "" if v.census_share is None else f"{v.census_share * 100:g}"
        lines.append(f"{v.value} | {v.label} | {v.min} | {v.max} | {share}")
    return "\n".join(lines)


def quota_from_share(share: float, size: int, tolerance: int = 0) -> tuple[int, int]:
    """27% of 50 is 13.5: min 13, max 14; a whole target (50% of 50) gives 25..25. `tolerance` widens both."""
    exact = share * size
    low, high = math.floor(exact + 1e-9), math.ceil(exact - 1e-9)
    return max(low - tolerance, 0), min(high + tolerance, size)


def _require_draft(panel: Panel) -> None:
    if panel.status != PanelStatus.DRAFT.value:
        raise IllegalTransition(
            _(
                "Features can only be added, removed or changed while the panel is a draft: people have answered them."
            )
        )


def save_feature(
    actor: User | None, panel: Panel, data: FeatureInput, existing: PanelFeature | None
) -> PanelFeature:
    require_manager(actor, panel)
    _require_draft(panel)
    name = data.name.strip().casefold()
    if not KEY.match(name):
        raise ValidationFailed(_("The key must be lower-case letters, digits, - or _ (such as “age”)."))
    if existing is None and len(panel.features) >= MAX_FEATURES:
        raise ValidationFailed(_("A panel may ask at most %(most)d features.", most=MAX_FEATURES))
    feature = existing
    if feature is None:
        feature = PanelFeature(position=len(panel.features))
        panel.features.append(feature)
    feature.name = name
    feature.label = data.label.strip()
    feature.allow_prefer_not_to_say = data.allow_prefer_not_to_say
    if not add_unique(feature):
        raise ValidationFailed(_("This panel already asks a feature with the key “%(key)s”.", key=name))
    kept = {v.value: v for v in feature.values}
    wanted = {v.value for v in data.values}
    for old in list(feature.values):
        if old.value not in wanted:
            feature.values.remove(old)
    db.session.flush()
    for position, item in enumerate(data.values):
        row = kept.get(item.value)
        if row is None:
            row = PanelFeatureValue(value=item.value)
            feature.values.append(row)
        row.label = item.label
        row.position = position
        row.census_share = item.census_share
        if item.min is not None and item.max is not None:
            row.min, row.max = min(item.min, panel.size), min(item.max, panel.size)
        elif item.census_share is not None:
            row.min, row.max = quota_from_share(item.census_share, panel.size)
    db.session.flush()
    record_on_panel(
        "panel.feature_saved",
        actor,
        panel,
        feature=feature.name,
        quotas={v.value: [v.min, v.max] for v in feature.values},
    )
    return feature


def delete_feature(actor: User | None, panel: Panel, feature: PanelFeature) -> None:
    require_manager(actor, panel)
    _require_draft(panel)
    panel.features.remove(feature)
    db.session.flush()
    record_on_panel("panel.feature_deleted", actor, panel, feature=feature.name)


def quotas_from_census(actor: User | None, panel: Panel, tolerance: int) -> int:
    """Every value with a census share gets the quota its share of the panel size gives; returns how many."""
    require_manager(actor, panel)
    if panel.is_at_least(PanelStatus.LOTTERY_PUBLISHED):
        raise IllegalTransition(_("The lottery is published: the quotas can no longer change."))
    changed = {}
    for feature in panel.features:
        for value in feature.values:
            if value.census_share is not None:
                value.min, value.max = quota_from_share(value.census_share, panel.size, tolerance)
                changed[f"{feature.name}={value.value}"] = [value.min, value.max]
    db.session.flush()
    record_on_panel("panel.quotas_from_census", actor, panel, tolerance=tolerance, quotas=changed)
    return len(changed)


def quota_problems(panel: Panel) -> list[str]:
    """What makes the quotas impossible whatever the pool: no values, or minimums/maximums that cannot add up."""
    problems = []
    if not panel.features:
        problems.append(_("The panel asks no features yet."))
    for feature in panel.features:
        lows = sum(v.min for v in feature.values)
        highs = sum(v.max for v in feature.values) + (panel.size if feature.allow_prefer_not_to_say else 0)
        if lows > panel.size:
            problems.append(
                _(
                    "The minimums of “%(feature)s” add up to %(n)d, more than the panel size %(size)d.",
                    feature=feature.label,
                    n=lows,
                    size=panel.size,
                )
            )
        if highs < panel.size:
            problems.append(
                _(
                    "The maximums of “%(feature)s” add up to %(n)d, less than the panel size %(size)d.",
                    feature=feature.label,
                    n=highs,
                    size=panel.size,
                )
            )
    return problems


# States --------------------------------------------------------------------------------------------

# The moves this part of the product makes; the lottery, the draw and seating have their own use cases.
MOVES = {
    (PanelStatus.DRAFT, PanelStatus.RECRUITING),
    (PanelStatus.RECRUITING, PanelStatus.POOL_CLOSED),
    (PanelStatus.POOL_CLOSED, PanelStatus.RECRUITING),
}


def move(actor: User | None, panel: Panel, target: PanelStatus | str, **data: object) -> Panel:
    """Move the panel to `target` if the state machine allows it; audited with `data`."""
    require_manager(actor, panel)
    current, wanted = PanelStatus(panel.status), PanelStatus(target)
    if (current, wanted) not in MOVES:
        raise IllegalTransition(
            _(
                "A panel that is “%(current)s” cannot become “%(target)s”.",
                current=PANEL_STATUS_LABELS[current],
                target=PANEL_STATUS_LABELS[wanted],
            )
        )
    if wanted is PanelStatus.RECRUITING:
        problems = quota_problems(panel)
        if problems:
            raise ValidationFailed(" ".join(problems))
    panel.status = wanted.value
    db.session.flush()
    record_on_panel("panel.status", actor, panel, **{"from": current.value, "to": wanted.value, **data})
    return panel


def respondent_count(panel: Panel) -> int:
    return (
        db.session.scalar(select(func.count()).select_from(Respondent).where(Respondent.panel_id == panel.id))
        or 0
    )


def _key_of(text: str) -> str:
    key = re.sub(r"[^a-z0-9_]+", "-", text.casefold())[:40].strip("-")
    return key or "value"


def import_features(actor: User | None, panel: Panel, raw: bytes) -> int:
    """The features and quotas of a Sortition Foundation features CSV (`feature,value,min,max`, or
    `category,name,min,max`), replacing the panel's; keys are made from the names. All or nothing."""
    require_manager(actor, panel)
    _require_draft(panel)
    try:
        parsed = parse_features(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        ) from exc
    except InputError as exc:
        raise ValidationFailed(_("Nothing was imported: %(problem)s", problem=str(exc))) from exc
    if len(parsed.features) > MAX_FEATURES:
        raise ValidationFailed(_("A panel may ask at most %(most)d features.", most=MAX_FEATURES))
    panel.features.clear()
    db.session.flush()
    for feature in parsed.features:
        keys = [_key_of(q.value) for q in feature.quotas]
        if len(set(keys)) != len(keys) or len(keys) < 2 or len(keys) > MAX_VALUES:
            raise ValidationFailed(
                _(
                    "Nothing was imported: the values of %(feature)s cannot be told apart.",
                    feature=feature.name,
                )
            )
        values = tuple(
            ValueInput(key, q.value[:200], min(q.min, panel.size), min(q.max, panel.size), None)
            for key, q in zip(keys, feature.quotas, strict=True)
        )
        save_feature(
            actor, panel, FeatureInput(_key_of(feature.name), feature.name[:200], False, values), None
        )
    record_on_panel("panel.features_imported", actor, panel, features=[f.name for f in panel.features])
    return len(parsed.features)
