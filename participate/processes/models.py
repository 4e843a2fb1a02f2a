from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.errors import IllegalTransition
from participate.extensions import Model


class Phase(StrEnum):
    PROPOSALS = "proposals"
    DELIBERATION = "deliberation"
    PANEL = "panel"
    VOTING = "voting"
    RESULTS = "results"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)
_PHASE_SQL = ", ".join(f"'{phase.value}'" for phase in Phase)


def phase_label(phase: Phase | str | None) -> str:
    labels = {
        None: _("upcoming"),
        Phase.PROPOSALS: _("proposals"),
        Phase.DELIBERATION: _("deliberation"),
        Phase.PANEL: _("citizen panel"),
        Phase.VOTING: _("voting"),
        Phase.RESULTS: _("results"),
    }
    return labels[Phase(phase) if phase else None]


def phase_index(phase: Phase | str | None) -> int:
    return -1 if phase is None else PHASE_ORDER.index(Phase(phase))


class Process(Model):
    __tablename__ = "process"
    __table_args__ = (
        CheckConstraint("budget_minor >= 0", name="budget_not_negative"),
        CheckConstraint(f"phase_override IS NULL OR phase_override IN ({_PHASE_SQL})", name="known_override"),
        CheckConstraint("language IN ('en', 'sv')", name="known_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # The language residents write in: full-text search stems proposals in it.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    published: Mapped[bool] = mapped_column(default=False)
    # Staff may advance a process ahead of its dates; it never moves a process backwards.
    phase_override: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    districts: Mapped[list[District]] = relationship(
        back_populates="process", cascade="all, delete-orphan", order_by="District.name", lazy="selectin"
    )
    phases: Mapped[list[PhaseWindow]] = relationship(
        back_populates="process", cascade="all, delete-orphan", lazy="selectin"
    )
    roles: Mapped[list[ProcessRole]] = relationship(
        back_populates="process", cascade="all, delete-orphan", order_by="ProcessRole.id"
    )

    def roles_of(self, user: User | None) -> set[str]:
        if user is None:
            return set()
        return {grant.role for grant in self.roles if grant.user_id == user.id}

    def windows(self) -> list[PhaseWindow]:
        """The enabled phases in process order (skipped phases have no window)."""
        return sorted(self.phases, key=lambda window: phase_index(window.phase))

    def enabled_phases(self) -> list[Phase]:
        return [Phase(window.phase) for window in self.windows()]

    def window(self, phase: Phase | str) -> PhaseWindow | None:
        return next((w for w in self.phases if w.phase == Phase(phase)), None)

    def scheduled_phase(self, on: date) -> Phase | None:
        """The latest enabled phase that has started by `on`; None before the first one."""
        started = [Phase(w.phase) for w in self.windows() if w.starts_on <= on]
        return started[-1] if started else None

    def current_phase(self, on: date) -> Phase | None:
        scheduled = self.scheduled_phase(on)
        if self.phase_override and phase_index(self.phase_override) > phase_index(scheduled):
            return Phase(self.phase_override)
        return scheduled

    def legal_next_phases(self, on: date) -> list[Phase]:
        current = phase_index(self.current_phase(on))
        return [phase for phase in self.enabled_phases() if phase_index(phase) > current]

    def advance_to(self, phase: Phase | str, on: date) -> None:
        target = Phase(phase)
        if target not in self.enabled_phases():
            raise IllegalTransition(_("This process has no %(phase)s phase.", phase=phase_label(target)))
        if target not in self.legal_next_phases(on):
            raise IllegalTransition(
                _(
                    "A process only moves forward: it is already in the %(phase)s phase.",
                    phase=phase_label(self.current_phase(on)),
                )
            )
        self.phase_override = target.value

    @property
    def district_budget_total(self) -> int:
        return sum(d.budget_minor for d in self.districts)


class ProcessRoleName(StrEnum):
    """Roles that hold for one process only, beside the global roles of participate.accounts."""

    FACILITATOR = "facilitator"
    MODERATOR = "moderator"
    REVIEWER = "reviewer"
    # Checks residents in against the census and enters paper ballots at the vote's kiosk.
    POLL_WORKER = "poll_worker"


PROCESS_ROLE_LABELS = {
    ProcessRoleName.FACILITATOR: _l("Facilitator"),
    ProcessRoleName.MODERATOR: _l("Moderator"),
    ProcessRoleName.REVIEWER: _l("Feasibility reviewer"),
    ProcessRoleName.POLL_WORKER: _l("Poll worker"),
}


def process_role_label(role: ProcessRoleName | str) -> str:
    return str(PROCESS_ROLE_LABELS[ProcessRoleName(role)])


_PROCESS_ROLE_SQL = ", ".join(f"'{role.value}'" for role in ProcessRoleName)


class ProcessRole(Model):
    """One person's role in one process; the unique constraint makes a repeated grant impossible."""

    __tablename__ = "process_role"
    __table_args__ = (
        UniqueConstraint("user_id", "process_id", "role"),
        CheckConstraint(f"role IN ({_PROCESS_ROLE_SQL})", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    process: Mapped[Process] = relationship(back_populates="roles")
    user: Mapped[User] = relationship(lazy="joined")


class District(Model):
    __tablename__ = "district"
    __table_args__ = (
        UniqueConstraint("process_id", "name"),
        CheckConstraint("budget_minor >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    # Its outline for the map drawn on the server: a GeoJSON Polygon or MultiPolygon (processes.geo).
    boundary: Mapped[str | None] = mapped_column(Text)

    process: Mapped[Process] = relationship(back_populates="districts")


class PhaseWindow(Model):
    __tablename__ = "phase_window"
    __table_args__ = (
        UniqueConstraint("process_id", "phase"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint(f"phase IN ({_PHASE_SQL})", name="known_phase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    process: Mapped[Process] = relationship(back_populates="phases")
