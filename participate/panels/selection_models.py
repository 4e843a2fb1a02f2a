"""Selection runs, the published lottery, the public draw and the seats of the drawn panel.

The database itself keeps the promises made to the public: one published lottery per panel (it can never
be replaced), one draw per panel and per lottery (it can never be repeated), one seat per person per panel,
and one replacement per seat that fell vacant. Everything here names respondents by pseudonym only,
except the seats, which point at the respondent row (personal data stays in `panel_respondent`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.extensions import Model
from participate.panels.models import Respondent


def _sql_list(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SelectionRun(Model):
    """One run of the engine on a frozen copy of the pool. `inputs` is that copy (features with their
    quotas, and each person's pseudonym, answers and a hash of their household key), `inputs_sha256` its
    hash: a run can be repeated and compared, and later replacements use the very pool the draw used."""

    __tablename__ = "panel_selection_run"
    __table_args__ = (
        CheckConstraint(f"status IN ({_sql_list(RunStatus)})", name="known_status"),
        CheckConstraint("deadline_seconds IS NULL OR deadline_seconds > 0", name="deadline_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    algorithm: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=RunStatus.RUNNING.value)
    deadline_seconds: Mapped[int | None]
    lottery_size: Mapped[int] = mapped_column(default=1000)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    seconds: Mapped[float | None] = mapped_column(Float)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    pool_size: Mapped[int] = mapped_column(default=0)
    optimal: Mapped[bool | None]
    message: Mapped[str] = mapped_column(Text, default="")
    min_probability: Mapped[float | None] = mapped_column(Float)
    gini: Mapped[float | None] = mapped_column(Float)
    geometric_mean: Mapped[float | None] = mapped_column(Float)
    probabilities: Mapped[dict[str, float] | None] = mapped_column(JSON)
    lottery_panels: Mapped[list[list[str]] | None] = mapped_column(JSON)
    lottery_sha256: Mapped[str | None] = mapped_column(String(64))
    lottery_max_deviation: Mapped[float | None] = mapped_column(Float)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    started_by: Mapped[User | None] = relationship()

    @property
    def done(self) -> bool:
        return self.status == RunStatus.DONE.value


class PublishedLottery(Model):
    """The uniform lottery of M panels, published before the draw. One per panel, never replaced."""

    __tablename__ = "panel_lottery"
    __table_args__ = (UniqueConstraint("panel_id", name="one_lottery_per_panel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("panel_selection_run.id", ondelete="RESTRICT"))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[SelectionRun] = relationship()


class PanelDraw(Model):
    """The public draw: a seed from a public event picks one panel of the published lottery."""

    __tablename__ = "panel_draw"
    __table_args__ = (
        UniqueConstraint("panel_id", name="one_draw_per_panel"),
        UniqueConstraint("lottery_id", name="one_draw_per_lottery"),
        CheckConstraint("draw_index >= 0", name="index_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    lottery_id: Mapped[int] = mapped_column(ForeignKey("panel_lottery.id", ondelete="RESTRICT"))
    seed: Mapped[str] = mapped_column(String(500))
    event: Mapped[str] = mapped_column(Text, default="")  # "dice rolled at the council meeting of …"
    witnesses: Mapped[str] = mapped_column(Text, default="")  # one name per line
    draw_index: Mapped[int]
    members: Mapped[list[str]] = mapped_column(JSON)  # pseudonyms, as drawn
    reserves: Mapped[list[str]] = mapped_column(JSON)  # pseudonyms, in the engine's reserve order
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def witness_names(self) -> list[str]:
        return [line.strip() for line in self.witnesses.splitlines() if line.strip()]


class SeatStatus(StrEnum):
    SELECTED = "selected"
    CONTACTED = "contacted"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"
    WITHDRAWN = "withdrawn"


SEAT_STATUS_LABELS = {
    SeatStatus.SELECTED: _l("Selected"),
    SeatStatus.CONTACTED: _l("Contacted"),
    SeatStatus.CONFIRMED: _l("Confirmed"),
    SeatStatus.DECLINED: _l("Declined"),
    SeatStatus.UNREACHABLE: _l("Unreachable"),
    SeatStatus.WITHDRAWN: _l("Withdrawn"),
}
DROPPED_OUT = frozenset({SeatStatus.DECLINED, SeatStatus.UNREACHABLE, SeatStatus.WITHDRAWN})


class SeatOrigin(StrEnum):
    DRAWN = "drawn"
    REPLACEMENT = "replacement"


class PanelSeat(Model):
    """A person offered a seat on a drawn panel, and where their confirmation stands."""

    __tablename__ = "panel_seat"
    __table_args__ = (
        UniqueConstraint("panel_id", "respondent_id", name="one_seat_per_person"),
        UniqueConstraint("replaces_id", name="one_replacement_per_seat"),
        CheckConstraint(f"status IN ({_sql_list(SeatStatus)})", name="known_status"),
        CheckConstraint(f"origin IN ({_sql_list(SeatOrigin)})", name="known_origin"),
        Index("ix_panel_seat_panel_status", "panel_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("panel_respondent.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=SeatStatus.SELECTED.value)
    origin: Mapped[str] = mapped_column(String(12), default=SeatOrigin.DRAWN.value)
    # The seat this one took over, and why that person left (kept with the audit entry).
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("panel_seat.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")  # the facilitator's last call note
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    respondent: Mapped[Respondent] = relationship(lazy="joined")

    @property
    def dropped_out(self) -> bool:
        return SeatStatus(self.status) in DROPPED_OUT

    @property
    def status_label(self) -> str:
        return str(SEAT_STATUS_LABELS[SeatStatus(self.status)])


class AlternatesSource(StrEnum):
    DEFAULT = "default"  # the same rate for every feature value
    ESTIMATED = "estimated"  # from past panels' confirmation records
    FACILITATOR = "facilitator"  # rates the facilitator entered


class PanelAlternates(Model):
    """Alternates chosen in advance after the draw (the engine's `select_alternates`), in the order they are
    called on, and the dropout rates per feature value they were chosen for. One list per panel; choosing
    again with other rates replaces it."""

    __tablename__ = "panel_alternates"
    __table_args__ = (
        UniqueConstraint("panel_id", name="one_alternates_list_per_panel"),
        CheckConstraint(f"source IN ({_sql_list(AlternatesSource)})", name="known_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    # [[feature, value, rate in 0..1], ...], names as in the draw's frozen pool
    rates: Mapped[list[list[Any]]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(12))
    records: Mapped[int] = mapped_column(default=0)  # confirmation records an estimate used
    members: Mapped[list[str]] = mapped_column(JSON)  # pseudonyms, in calling order
    expected_dropouts: Mapped[float] = mapped_column(Float, default=0.0)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def rate_of(self, feature: str, value: str) -> float | None:
        return next((float(r) for f, v, r in self.rates if f == feature and v == value), None)
