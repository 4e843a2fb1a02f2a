"""The view side of permissions: load what the URL names and ask the domain's policy, in one call.

Policies are plain functions in each domain's `policy.py`: `can_view(actor, obj) -> bool`, ... The actor
is the logged-in user, or None for a visitor. Services raise PermissionDenied through the same
functions, and templates receive their answers as flags; nothing else decides who may do what.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, make_response
from flask_login import current_user

from participate.extensions import db

T = TypeVar("T")
ObjectCheck = Callable[[Any, Any], bool]
ActorCheck = Callable[[Any], bool]


def current_actor() -> Any:
    """The logged-in user, or None: policies never see Flask-Login's anonymous stand-in."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def _refuse(actor: Any) -> None:
    if actor is None:
        abort(make_response(current_app.login_manager.unauthorized()))  # type: ignore[attr-defined]
    abort(403)


def authorize(obj: T | None, *, see: ObjectCheck, act: ObjectCheck | None = None) -> T:
    """404 for what the actor may not know exists, 403 (or the login page) for what they may not change."""
    actor = current_actor()
    if obj is None or not see(actor, obj):
        abort(404)
    if act is not None and not act(actor, obj):
        _refuse(actor)
    return obj


def load(model: type[T], ident: Any, *, see: ObjectCheck, act: ObjectCheck | None = None) -> T:
    return authorize(db.session.get(model, ident), see=see, act=act)


def requires(check: ActorCheck) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For pages that belong to no object (the admin dashboard): visitors log in, others get 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if not check(actor):
                _refuse(actor)
            return view(*args, **kwargs)

        return wrapped

    return decorator
