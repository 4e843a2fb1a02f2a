"""run_form: one commit per request, user-facing refusals re-render, permission errors become 403."""

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from participate.accounts.models import User
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.transaction import run_form
from participate.extensions import db
from tests.factories import make_user


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def _rename_then(error):
    def use_case():
        user = db.session.execute(select(User)).scalar_one()
        user.display_name = "Changed"
        db.session.flush()
        if error:
            raise error
        return user

    return use_case


def _run(app, error=None):
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm()
        return form, run_form(
            form,
            _rename_then(error),
            done=lambda user: (f"Saved {user.display_name}", "/done"),
            render=lambda: "the form again",
        )


def test_success_commits_once_then_redirects(app):
    make_user(name="Before")
    _form, response = _run(app)
    assert response.status_code == 302 and response.location == "/done"
    db.session.rollback()
    assert db.session.execute(select(User.display_name)).scalar_one() == "Changed"


@pytest.mark.parametrize("error", [ValidationFailed("Not like that."), Conflict("Someone was faster.")])
def test_a_refusal_rolls_back_and_shows_the_form_with_the_message(app, error):
    make_user(name="Before")
    form, (body, status) = _run(app, error)
    assert (body, status) == ("the form again", 400)
    assert form.form_errors == [error.message]
    assert db.session.execute(select(User.display_name)).scalar_one() == "Before"


def test_permission_denied_is_not_a_form_error_but_a_403(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    make_user(name="Before")

    def forbidden():
        return run_form(
            NameForm(),
            _rename_then(PermissionDenied("Not yours.")),
            done=lambda _user: ("Saved", "/done"),
            render=lambda: "the form again",
        )

    app.add_url_rule("/forbidden", "forbidden", forbidden, methods=["POST"])
    response = app.test_client().post("/forbidden", data={"name": "x"})
    assert response.status_code == 403 and "Not yours." in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.display_name == "Changed")) == 0
    )
