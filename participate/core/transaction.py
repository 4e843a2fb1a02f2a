"""One transaction per request: validate, run the use case, commit once, then flash and redirect.

    return run_form(
        form,
        lambda: services.update_process(actor, process, form.to_input()),
        done=lambda _: (_("The process is saved."), url_for(...)),
        render=lambda: render_template("processes/manage/details.html", form=form),
    )

Only the errors a person can fix (ValidationFailed, Conflict) are caught here: the transaction rolls
back and the form comes back with the message. PermissionDenied and NotFound travel on to the error
handler (403/404); anything else is a bug and becomes a logged 500 with the transaction rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from participate.core.after_commit import commit, rollback
from participate.core.errors import Conflict, ServiceError, ValidationFailed

T = TypeVar("T")
USER_FACING_ERRORS = (ValidationFailed, Conflict)


def attempt(use_case: Callable[[], T]) -> T | ServiceError:
    """Run the use case and commit; a refusal a person can fix rolls the transaction back and comes back
    as the error, for views whose success is a page of its own rather than a redirect."""
    try:
        result = use_case()
        commit()
    except USER_FACING_ERRORS as error:
        rollback()
        return error
    return result


def run_form(
    form: FlaskForm,
    use_case: Callable[[], T],
    *,
    done: Callable[[T], tuple[str, str]],
    render: Callable[[], Any],
    error_field: Callable[[ServiceError], Any] | None = None,
) -> Any:
    """`done(result)` gives the success message and where to go; `error_field(error)` picks the field
    that shows a refusal (by default the form's own error list, shown in the error summary)."""
    if form.validate_on_submit():
        outcome = attempt(use_case)
        if isinstance(outcome, ServiceError):
            field = error_field(outcome) if error_field else None
            (field.errors if field is not None else form.form_errors).append(outcome.message)
        else:
            message, target = done(outcome)
            flash(message, "success")
            return redirect(target)
    failed = form.is_submitted() and bool(form.errors)
    page = render()
    if isinstance(page, Response) and page.status_code in REDIRECTS:
        # A form without a page of its own (a button on another page): its refusal travels there as a
        # message. Answered 400, the redirect would show the browser's bare "Redirecting..." page instead.
        for message in _messages(form):
            flash(message, "error")
        return page
    return page, 400 if failed else 200


REDIRECTS = (301, 302, 303, 307, 308)


def _messages(form: FlaskForm) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]
