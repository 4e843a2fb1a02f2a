from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.core.clock import utcnow
from participate.extensions import Model


class Role(StrEnum):
    RESIDENT = "resident"
    FACILITATOR = "facilitator"
    STAFF = "staff"
    ADMIN = "admin"


GRANTABLE_ROLES = (Role.FACILITATOR, Role.STAFF, Role.ADMIN)
ROLE_LABELS = {
    Role.FACILITATOR.value: _l("Facilitator"),
    Role.STAFF.value: _l("Council staff"),
    Role.ADMIN.value: _l("Administrator"),
}


def role_label(role: Role | str) -> str:
    return str(_l("Resident")) if role == Role.RESIDENT else str(ROLE_LABELS[str(role)])


class User(UserMixin, Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    email_confirmed_at: Mapped[datetime | None]
    # A new address asked for on the profile: the account moves to it only when its link is opened.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    deleted_at: Mapped[datetime | None]
    # Bumped on password change and logout-everywhere, so older sessions and reset links stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Set by staff through moderation: a blocked person can still log in and read, but no longer write.
    blocked_at: Mapped[datetime | None]
    blocked_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The secret of the login session this object was loaded for (set by the login and the user loader);
    # never stored: the database holds only its SHA-256.
    login_token = None  # type: str | None

    @property
    def role_names(self) -> set[str]:
        return {Role.RESIDENT.value} | {grant.role for grant in self.roles}

    def has_role(self, role: Role | str) -> bool:
        names = self.role_names
        return Role.ADMIN.value in names or str(role) in names

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: all three parts are checked."""
        return f"{self.id}:{self.session_version}:{self.login_token or ''}"


class UserRole(Model):
    """A grant of one role beyond resident; everyone is a resident."""

    __tablename__ = "user_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint("role IN ('facilitator', 'staff', 'admin')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class LoginSession(Model):
    """One login on one device. Logging out ends it on the server, so a copied cookie stops working."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(120), default="")

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
