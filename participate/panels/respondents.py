"""Stage 2 of the civic lottery: people register (or a facilitator imports them), duplicates are flagged,
and anyone may withdraw and have their personal data erased.

Registration takes turns on the invitation row (a conditional UPDATE) so that two people registering at
once with one household's code can never both take its last place.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, update

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.errors import IllegalTransition, ValidationFailed
from participate.core.unique import add_unique
from participate.extensions import db
from participate.panels import codes, csvfile
from participate.panels.models import (
    Invitation,
    Panel,
    PanelFeature,
    PanelStatus,
    RegistrationMode,
    Respondent,
    RespondentStatus,
    RespondentValue,
)
from participate.panels.pool import PREFER_NOT_TO_SAY
from participate.panels.setup import record_on_panel, require_manager
from participate.sortition.model import normalise_address

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9]{6,15}$")
MAX_IMPORT_ROWS = 20_000
PSEUDONYM_TRIES = 8


@dataclass(frozen=True)
class RegistrationInput:
    answers: dict[int, int | None]  # feature id -> value id, None for "prefer not to say"
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    district: str = ""
    support_needs: str = ""
    consent: bool = False
    code: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def clean_phone(raw: str) -> str:
    text = raw.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    return ("+" if text.startswith("+") else "") + digits


def _check_answers(panel: Panel, answers: dict[int, int | None]) -> list[tuple[PanelFeature, int | None]]:
    chosen = []
    for feature in panel.features:
        if feature.id not in answers:
            raise ValidationFailed(_("Please answer “%(question)s”.", question=feature.label))
        value_id = answers[feature.id]
        if value_id is None and not feature.allow_prefer_not_to_say:
            raise ValidationFailed(_("Please answer “%(question)s”.", question=feature.label))
        if value_id is not None and value_id not in {v.id for v in feature.values}:
            raise ValidationFailed(
                _("Choose one of the answers offered to “%(question)s”.", question=feature.label)
            )
        chosen.append((feature, value_id))
    return chosen


def _take_code(panel: Panel, code: str) -> Invitation:
    """The invitation the code belongs to, with one more registration counted on it."""
    if not code.strip():
        raise ValidationFailed(_("Please enter the code from your invitation letter."))
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.panel_id == panel.id, Invitation.code_hash == codes.code_hash(code)
        )
    )
    if invitation is None:
        raise ValidationFailed(
            _("We do not recognise this code. Check it against your letter and try again.")
        )
    taken = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id, Invitation.registrations_used < panel.max_registrations_per_code
        )
        .values(registrations_used=Invitation.registrations_used + 1)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ValidationFailed(
            _(
                "This code has already been used by %(n)d people of your household, as many as it allows.",
                n=panel.max_registrations_per_code,
            )
        )
    db.session.refresh(invitation)
    return invitation


def _add_with_pseudonym(respondent: Respondent) -> None:
    for _try in range(PSEUDONYM_TRIES):
        respondent.pseudonym = codes.new_pseudonym()
        if add_unique(respondent):
            return
    raise RuntimeError("no free pseudonym after several tries")  # 31^8 ids: this cannot happen in practice


def find_duplicate(panel: Panel, respondent: Respondent) -> int | None:
    """The earliest other respondent with the same email, phone, or name and household address."""
    same = []
    if respondent.email:
        same.append(Respondent.email == respondent.email)
    if respondent.phone:
        same.append(Respondent.phone == respondent.phone)
    if respondent.household_key and respondent.name:
        same.append(
            and_(
                Respondent.household_key == respondent.household_key,
                func.lower(Respondent.name) == respondent.name.lower(),
            )
        )
    if not same:
        return None
    return db.session.scalar(
        select(func.min(Respondent.id)).where(
            Respondent.panel_id == panel.id,
            Respondent.id != respondent.id,
            Respondent.status == RespondentStatus.REGISTERED.value,
            or_(*same),
        )
    )


def _contact(data: RegistrationInput) -> tuple[str, str]:
    email = data.email.strip().lower()
    phone = clean_phone(data.phone)
    if not data.name.strip():
        raise ValidationFailed(_("Please give your name."))
    if not email and not phone:
        raise ValidationFailed(_("Please give an email address or a phone number so that we can reach you."))
    if email and (not EMAIL.match(email) or len(email) > 254):
        raise ValidationFailed(_("The email address does not look right."))
    if data.phone.strip() and not PHONE.match(phone):
        raise ValidationFailed(
            _("The phone number does not look right: write it with digits, such as 070 123 45 67.")
        )
    return email, phone


def _new_respondent(panel: Panel, data: RegistrationInput, email: str, phone: str, source: str) -> Respondent:
    respondent = Respondent(
        panel_id=panel.id,
        name=" ".join(data.name.split())[:200],
        email=email,
        phone=phone[:40],
        address=data.address.strip()[:300],
        postcode=data.postcode.strip()[:20],
        district=data.district.strip()[:120],
        support_needs=data.support_needs.strip()[:4000],
        source=source,
        status=RespondentStatus.REGISTERED.value,
    )
    respondent.household_key = normalise_address([respondent.address, respondent.postcode])[:340]
    return respondent


def register(panel: Panel, data: RegistrationInput) -> tuple[Respondent, str]:
    """A resident joins the pool. Returns the respondent and their withdrawal token (for the email)."""
    if panel.status != PanelStatus.RECRUITING.value:
        raise IllegalTransition(_("This panel is not taking registrations."))
    chosen = _check_answers(panel, data.answers)
    email, phone = _contact(data)
    if not data.address.strip():
        raise ValidationFailed(
            _("Please give your address: at most one person per household can be on the panel.")
        )
    if not data.consent:
        raise ValidationFailed(_("Please tick the box to agree to how we keep your details."))
    invitation = None
    if panel.registration_mode == RegistrationMode.INVITATION.value:
        invitation = _take_code(panel, data.code)
    respondent = _new_respondent(panel, data, email, phone, "registration")
    if invitation is not None:
        respondent.invitation_id = invitation.id
        respondent.district = invitation.address.district  # the letter's district counts for response rates
    respondent.consent_at = utcnow()
    token = codes.new_withdraw_token()
    respondent.withdraw_token_hash = codes.withdraw_token_hash(token)
    _add_with_pseudonym(respondent)
    for feature, value_id in chosen:
        db.session.add(RespondentValue(respondent_id=respondent.id, feature_id=feature.id, value_id=value_id))
    respondent.duplicate_of_id = find_duplicate(panel, respondent)
    db.session.flush()
    return respondent, token


def by_withdraw_token(panel: Panel, token: str) -> Respondent | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(Respondent).where(
            Respondent.panel_id == panel.id,
            Respondent.withdraw_token_hash == codes.withdraw_token_hash(token),
        )
    )


def erase(respondent: Respondent, *, status: RespondentStatus = RespondentStatus.ERASED) -> None:
    """Blank the personal data and drop the answers; the pseudonym and district stay for the records."""
    respondent.name = respondent.email = respondent.phone = ""
    respondent.address = respondent.postcode = respondent.household_key = respondent.support_needs = ""
    respondent.withdraw_token_hash = None
    respondent.status = status.value
    respondent.erased_at = utcnow()
    db.session.execute(delete(RespondentValue).where(RespondentValue.respondent_id == respondent.id))
    db.session.flush()


def withdraw(panel: Panel, respondent: Respondent) -> None:
    """The respondent's own choice, from the link in their email: out of the pool, data erased."""
    erase(respondent)
    record_on_panel("panel.respondent_withdrew", None, panel, respondent=respondent.pseudonym)


def withdraw_for(actor: User | None, panel: Panel, respondent: Respondent, reason: str) -> None:
    """A facilitator takes someone out (they asked by phone; a duplicate) and erases their data."""
    require_manager(actor, panel)
    if respondent.panel_id != panel.id or respondent.status == RespondentStatus.ERASED.value:
        raise ValidationFailed(_("This person is not in the pool."))
    erase(respondent)
    record_on_panel(
        "panel.respondent_erased", actor, panel, respondent=respondent.pseudonym, reason=reason.strip()[:300]
    )


def purge(actor: User | None, panel: Panel, seated: Collection[int], on: date) -> int:
    """After `panel.purge_after`, erase everyone not in `seated` (respondent ids). Returns how many."""
    if panel.purge_after is None or on <= panel.purge_after:
        return 0
    rows = db.session.scalars(
        select(Respondent).where(
            Respondent.panel_id == panel.id, Respondent.status != RespondentStatus.ERASED.value
        )
    ).all()
    erased = 0
    for respondent in rows:
        if respondent.id not in seated:
            erase(respondent)
            erased += 1
    if erased:
        record_on_panel("panel.purged", actor, panel, erased=erased, kept=len(seated), on=on.isoformat())
    return erased


# Import in the Sortition Foundation's people CSV -------------------------------------------------------

ID_COLUMNS = ("id", "nationbuilder_id", "unique_id")


def _first(header: dict[str, int], cells: list[str], *names: str) -> str:
    return " ".join(cells[header[n]].strip() for n in names if n in header and cells[header[n]].strip())


def _answers(
    cells: list[str], header: dict[str, int], lookups: list[tuple[PanelFeature, dict[str, int]]]
) -> dict[int, int | None] | str:
    """Each feature's value on a line of the people file (None: prefers not to say), or what is wrong."""
    answers: dict[int, int | None] = {}
    for feature, lookup in lookups:
        raw_value = cells[header[feature.name]].strip()
        if raw_value.casefold() in lookup:
            answers[feature.id] = lookup[raw_value.casefold()]
        elif feature.allow_prefer_not_to_say and raw_value.casefold() in (
            "",
            "prefer not to say",
            PREFER_NOT_TO_SAY,
        ):
            answers[feature.id] = None
        else:
            return _("“%(value)s” is not a value of %(feature)s", value=raw_value, feature=feature.name)
    return answers


def _registration(
    header: dict[str, int], cells: list[str], answers: dict[int, int | None]
) -> RegistrationInput:
    """A line of the people file as a registration, its contact columns named as the Sortition Foundation's
    tools name them."""
    name = _first(header, cells, "name") or _first(header, cells, "first_name", "last_name")
    return RegistrationInput(
        answers=answers,
        name=name,
        email=_first(header, cells, "email"),
        phone=_first(header, cells, "mobile_number", "phone"),
        address=_first(header, cells, "address", "primary_address1", "primary_address2", "primary_city"),
        postcode=_first(header, cells, "postcode", "primary_zip"),
        district=_first(header, cells, "district", "geo_bucket"),
        support_needs=_first(header, cells, "support_needs"),
    )


def _add_imported(panel: Panel, people: list[tuple[RegistrationInput, str, str]]) -> None:
    for data, email, phone in people:
        respondent = _new_respondent(panel, data, email, phone, "import")
        _add_with_pseudonym(respondent)
        for feature_id, value_id in data.answers.items():
            db.session.add(
                RespondentValue(respondent_id=respondent.id, feature_id=feature_id, value_id=value_id)
            )
        respondent.duplicate_of_id = find_duplicate(panel, respondent)
    db.session.flush()


def import_people(actor: User | None, panel: Panel, raw: bytes) -> int:
    """Respondents from a Sortition Foundation people CSV: an id column, one column per feature (its key),
    values by key or label; contact and address columns as its tools name them. All or nothing."""
    require_manager(actor, panel)
    if panel.status not in (PanelStatus.DRAFT.value, PanelStatus.RECRUITING.value):
        raise IllegalTransition(_("People can only be added before the pool closes."))
    if not panel.features:
        raise ValidationFailed(_("Add the panel's features first: the file's columns are matched to them."))
    header, rows = csvfile.read(raw, [f.name for f in panel.features], most=MAX_IMPORT_ROWS)
    id_column = next((c for c in ID_COLUMNS if c in header), None)
    lookups = [
        (feature, {key.casefold(): v.id for v in feature.values for key in (v.value, v.label)})
        for feature in panel.features
    ]
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    people: list[tuple[RegistrationInput, str, str]] = []
    for line, cells in rows:
        if id_column:
            ident = cells[header[id_column]].strip()
            if ident in seen:
                errors.append((line, _("the same id as line %(other)d", other=seen[ident])))
                continue
            seen[ident] = line
        answers = _answers(cells, header, lookups)
        problem = answers if isinstance(answers, str) else None
        data = _registration(header, cells, answers if isinstance(answers, dict) else {})
        if problem is None and len(data.email) > 254:
            problem = _("the email address is too long")
        if problem:
            errors.append((line, problem))
            continue
        people.append((data, data.email.strip().lower(), clean_phone(data.phone)))
    if errors:
        raise csvfile.line_errors(errors)
    _add_imported(panel, people)
    record_on_panel("panel.people_imported", actor, panel, people=len(people))
    return len(people)
