"""A citizens' panel, the features its respondents are asked and their quotas, the address register and
the invitation letters drawn from it, and the respondents who registered.

Personal data lives only in `panel_respondent` (name, contact details, address, support needs); the rest
of the product and every public page refers to a respondent by `pseudonym`, a random public id that is
never derived from personal data. Erasing a respondent blanks those columns and drops their answers.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.core.clock import utcnow
from participate.extensions import Model
from participate.processes.models import Process


def _sql_list(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class PanelStatus(StrEnum):
    DRAFT = "draft"
    RECRUITING = "recruiting"
    POOL_CLOSED = "pool_closed"
    LOTTERY_PUBLISHED = "lottery_published"
    DRAWN = "drawn"
    SEATED = "seated"


PANEL_STATUS_ORDER: tuple[PanelStatus, ...] = tuple(PanelStatus)
PANEL_STATUS_LABELS = {
    PanelStatus.DRAFT: _l("Draft"),
    PanelStatus.RECRUITING: _l("Recruiting"),
    PanelStatus.POOL_CLOSED: _l("Pool closed"),
    PanelStatus.LOTTERY_PUBLISHED: _l("Lottery published"),
    PanelStatus.DRAWN: _l("Drawn"),
    PanelStatus.SEATED: _l("Seated"),
}


class Algorithm(StrEnum):
    LEXIMIN = "leximin"
    MAXIMIN = "maximin"
    LEGACY = "legacy"


ALGORITHM_LABELS = {
    Algorithm.LEXIMIN: _l("LEXIMIN (fairest; recommended)"),
    Algorithm.MAXIMIN: _l("MAXIMIN (for comparison)"),
    Algorithm.LEGACY: _l("Legacy greedy (for comparison)"),
}


class RegistrationMode(StrEnum):
    INVITATION = "invitation"  # a code from an invitation letter is required
    OPEN = "open"  # anyone with the link may register


REGISTRATION_MODE_LABELS = {
    RegistrationMode.INVITATION: _l("Invitation letters with a code (address lottery)"),
    RegistrationMode.OPEN: _l("Open sign-up link"),
}


class RespondentStatus(StrEnum):
    REGISTERED = "registered"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


class Panel(Model):
    __tablename__ = "panel"
    __table_args__ = (
        CheckConstraint(f"status IN ({_sql_list(PanelStatus)})", name="known_status"),
        CheckConstraint(f"algorithm IN ({_sql_list(Algorithm)})", name="known_algorithm"),
        CheckConstraint(f"registration_mode IN ({_sql_list(RegistrationMode)})", name="known_mode"),
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("stipend_minor >= 0", name="stipend_not_negative"),
        CheckConstraint("max_registrations_per_code >= 1", name="code_allows_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int]
    # One meeting per line, as the facilitator writes it ("Saturday 6 March 2027, 10:00-16:00, City Hall").
    meeting_dates: Mapped[str] = mapped_column(Text, default="")
    # What members receive: a stipend per meeting (minor units of the process's currency) and support.
    stipend_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    travel_covered: Mapped[bool] = mapped_column(default=True)
    childcare_offered: Mapped[bool] = mapped_column(default=False)
    interpretation: Mapped[str] = mapped_column(Text, default="")
    # At most one member per household (normalised address).
    household_rule: Mapped[bool] = mapped_column(default=True)
    algorithm: Mapped[str] = mapped_column(String(10), default=Algorithm.LEXIMIN.value)
    status: Mapped[str] = mapped_column(String(20), default=PanelStatus.DRAFT.value)
    registration_mode: Mapped[str] = mapped_column(String(12), default=RegistrationMode.INVITATION.value)
    max_registrations_per_code: Mapped[int] = mapped_column(default=2)
    # After this date the personal data of everyone not seated is erased (`flask panels purge`).
    purge_after: Mapped[date | None]
    # When the council has promised to answer the panel's recommendations (None: 90 days after they are
    # published; see panels/answers.py).
    answers_due: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    process: Mapped[Process] = relationship()
    features: Mapped[list[PanelFeature]] = relationship(
        back_populates="panel",
        cascade="all, delete-orphan",
        order_by="(PanelFeature.position, PanelFeature.id)",
        lazy="selectin",
    )

    @property
    def meetings(self) -> list[str]:
        return [line.strip() for line in self.meeting_dates.splitlines() if line.strip()]

    def status_index(self) -> int:
        return PANEL_STATUS_ORDER.index(PanelStatus(self.status))

    def is_at_least(self, status: PanelStatus) -> bool:
        return self.status_index() >= PANEL_STATUS_ORDER.index(status)


class PanelFeature(Model):
    """A question every respondent answers (gender, age band, district…); its values carry the quotas."""

    __tablename__ = "panel_feature"
    __table_args__ = (UniqueConstraint("panel_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    allow_prefer_not_to_say: Mapped[bool] = mapped_column(default=False)

    panel: Mapped[Panel] = relationship(back_populates="features")
    values: Mapped[list[PanelFeatureValue]] = relationship(
        back_populates="feature",
        cascade="all, delete-orphan",
        order_by="(PanelFeatureValue.position, PanelFeatureValue.id)",
        lazy="selectin",
    )


class PanelFeatureValue(Model):
    """One answer to a feature and its quota: the panel holds between `min` and `max` people with it."""

    __tablename__ = "panel_feature_value"
    __table_args__ = (
        UniqueConstraint("feature_id", "value"),
        CheckConstraint('"min" >= 0', name="min_not_negative"),
        CheckConstraint('"max" >= "min"', name="max_at_least_min"),
        CheckConstraint("census_share IS NULL OR (census_share >= 0 AND census_share <= 1)", name="share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("panel_feature.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    # The value's share of the population (0..1), from the census; the quota may be computed from it.
    census_share: Mapped[float | None] = mapped_column(Float)
    min: Mapped[int] = mapped_column(default=0)
    max: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    feature: Mapped[PanelFeature] = relationship(back_populates="values")


class AddressRegister(Model):
    """An imported list of addresses (the council's property or population register) to draw letters from."""

    __tablename__ = "panel_address_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address_count: Mapped[int] = mapped_column(default=0)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class RegisterAddress(Model):
    __tablename__ = "panel_register_address"
    __table_args__ = (Index("ix_panel_register_address_register_district", "register_id", "district"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("panel_address_register.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(20), default="")
    district: Mapped[str] = mapped_column(String(120), default="")


class InvitationBatch(Model):
    """One draw of N addresses; the seed is recorded and shown so the draw can be repeated by anyone."""

    __tablename__ = "panel_invitation_batch"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("panel_address_register.id", ondelete="CASCADE"))
    seed: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    stratified: Mapped[bool] = mapped_column(default=False)
    # JSON {district: weight}; a weight above 1 sends more letters where fewer people usually answer.
    weights: Mapped[str] = mapped_column(Text, default="{}")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    register: Mapped[AddressRegister] = relationship()


class Invitation(Model):
    """One letter to one address. The code is never stored: only its keyed hash (panels.codes)."""

    __tablename__ = "panel_invitation"
    __table_args__ = (
        UniqueConstraint("code_hash"),
        UniqueConstraint("panel_id", "address_id"),
        CheckConstraint("registrations_used >= 0", name="used_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("panel_invitation_batch.id", ondelete="CASCADE"), index=True
    )
    address_id: Mapped[int] = mapped_column(ForeignKey("panel_register_address.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    registrations_used: Mapped[int] = mapped_column(default=0)

    address: Mapped[RegisterAddress] = relationship(lazy="joined")


class Respondent(Model):
    """A person in the pool: registered online, or imported by a facilitator."""

    __tablename__ = "panel_respondent"
    __table_args__ = (
        UniqueConstraint("panel_id", "pseudonym"),
        UniqueConstraint("withdraw_token_hash"),
        CheckConstraint(f"status IN ({_sql_list(RespondentStatus)})", name="known_status"),
        Index("ix_panel_respondent_panel_status", "panel_id", "status"),
        Index("ix_panel_respondent_panel_email", "panel_id", "email"),
        Index("ix_panel_respondent_panel_phone", "panel_id", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    pseudonym: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")  # lower-cased
    phone: Mapped[str] = mapped_column(String(40), default="")  # digits and a leading +
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    # Kept after erasure: a coarse area, so that response rates per district stay true.
    district: Mapped[str] = mapped_column(String(120), default="")
    # sortition.model.normalise_address of (address, postcode): the household rule compares these.
    household_key: Mapped[str] = mapped_column(String(340), default="")
    support_needs: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime | None]
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_invitation.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(12), default="registration")  # or "import"
    status: Mapped[str] = mapped_column(String(12), default=RespondentStatus.REGISTERED.value)
    # Flagged for the facilitator (same email, phone, or name and address as an earlier respondent).
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_respondent.id", ondelete="SET NULL")
    )
    withdraw_token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None]

    panel: Mapped[Panel] = relationship()
    answers: Mapped[list[RespondentValue]] = relationship(
        back_populates="respondent", cascade="all, delete-orphan"
    )
    invitation: Mapped[Invitation | None] = relationship()


class RespondentValue(Model):
    """A respondent's answer to one feature; `value_id` None is "prefer not to say"."""

    __tablename__ = "panel_respondent_value"
    __table_args__ = (UniqueConstraint("respondent_id", "feature_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("panel_respondent.id", ondelete="CASCADE"))
    feature_id: Mapped[int] = mapped_column(ForeignKey("panel_feature.id", ondelete="CASCADE"), index=True)
    value_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_feature_value.id", ondelete="CASCADE"), index=True
    )

    respondent: Mapped[Respondent] = relationship(back_populates="answers")
