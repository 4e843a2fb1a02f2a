"""What a thread can be about. Each kind says how to load its objects and who may do what there.

    register_subject(SubjectKind(name="proposal", load=..., can_view=..., ...))

The deliberation component asks only these functions; it knows nothing else about processes,
proposals or panels. A kind's `comment_refusal(actor, obj)` says in words why commenting is closed
(None when it is open); `can_comment` is its yes/no form. Login and email confirmation are checked by
deliberation.policy for every kind, so a kind only speaks about its own rules (phases, membership).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from participate.accounts.models import User
from participate.core.clock import today
from participate.extensions import db
from participate.processes import policy as process_policy
from participate.processes.models import Phase, Process


@dataclass(frozen=True)
class SubjectKind:
    name: str
    load: Callable[[int], Any | None]
    can_view: Callable[[User | None, Any], bool]
    comment_refusal: Callable[[User | None, Any], str | None]
    can_facilitate: Callable[[User | None, Any], bool]
    process_of: Callable[[Any], Process | None]
    url: Callable[[Any], str]
    title: Callable[[Any], str]

    def can_comment(self, actor: User | None, obj: Any) -> bool:
        return self.comment_refusal(actor, obj) is None


SUBJECT_KINDS: dict[str, SubjectKind] = {}


def register_subject(kind: SubjectKind) -> SubjectKind:
    SUBJECT_KINDS[kind.name] = kind
    return kind


def subject_kind(name: str) -> SubjectKind | None:
    return SUBJECT_KINDS.get(name)


@dataclass(frozen=True)
class Subject:
    """One loaded subject and its kind: what a thread is about."""

    kind: SubjectKind
    obj: Any
    id: int

    @property
    def type(self) -> str:
        return self.kind.name

    @property
    def title(self) -> str:
        return self.kind.title(self.obj)

    @property
    def url(self) -> str:
        return self.kind.url(self.obj)


def resolve(subject_type: str, subject_id: int) -> Subject | None:
    """The subject a thread is about, or None when the kind is unknown or the object is gone."""
    kind = subject_kind(subject_type)
    obj = kind.load(subject_id) if kind else None
    return Subject(kind, obj, subject_id) if kind and obj is not None else None


# --- processes -------------------------------------------------------------------------------------


def _load_process(ident: int) -> Process | None:
    return db.session.get(Process, ident)


def _process_comment_refusal(actor: User | None, process: Process) -> str | None:
    if not process.published:
        return _("This process is not published, so its discussion is closed.")
    phase = process.current_phase(today())
    if phase is None:
        return _("The discussion opens when the process starts.")
    if phase is Phase.RESULTS:
        return _("This process has finished, so its discussion is closed.")
    return None


def _facilitates_process(actor: User | None, process: Process) -> bool:
    return process_policy.can_facilitate(actor, process) or process_policy.can_moderate(actor, process)


register_subject(
    SubjectKind(
        name="process",
        load=_load_process,
        can_view=process_policy.can_view,
        comment_refusal=_process_comment_refusal,
        can_facilitate=_facilitates_process,
        process_of=lambda process: process,
        url=lambda process: url_for("processes.detail", slug=process.slug),
        title=lambda process: process.title,
    )
)
