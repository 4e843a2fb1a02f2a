from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from participate.accounts import services
from participate.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    LogOutOtherDevicesForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    UndoEmailChangeForm,
)
from participate.accounts.models import role_label
from participate.core.access import current_actor
from participate.core.after_commit import commit, rollback
from participate.core.errors import ServiceError
from participate.core.templating import format_moment
from participate.core.transaction import run_form
from participate.core.urls import safe_next
from participate.extensions import limiter

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
# A global role's name in the page language: `user.role_names|map("role_label")`.
bp.add_app_template_filter(role_label, "role_label")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _check_your_email(_user) -> tuple[str, str]:
    # The same answer whether the address was new or taken: the form never reveals who has an account.
    return _(
        "Thank you. We have sent an email to the address you gave: open its link to confirm it, then log in."
    ), url_for("accounts.login")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    return run_form(
        form,
        lambda: services.register_user(
            email=form.email.data, display_name=form.display_name.data, password=form.password.data
        ),
        done=_check_your_email,
        render=lambda: render_template("accounts/register.html", form=form),
        error_field=lambda _error: form.password,
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data) or url_for("home.index"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("The email address or password is not correct."), "error")
            return render_template("accounts/login.html", form=form), 401
        services.start_login_session(user, user_agent=request.user_agent.string)
        commit()
        login_user(user, remember=form.remember.data)
        flash(_("You are logged in."), "success")
        return redirect(safe_next(form.next.data) or url_for("home.index"))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    actor = current_actor()
    if actor is not None:
        services.end_login_session(actor, actor.login_token)
        commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("home.index"))


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        services.confirm_email(token)
    except ServiceError as error:
        rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
    commit()
    flash(_("Thank you: your email address is confirmed."), "success")
    return redirect(url_for("home.index" if current_user.is_authenticated else "accounts.login"))


@bp.post("/confirm/resend")
@login_required
@limiter.limit(_register_limit)
def resend_confirmation():
    if ResendConfirmationForm().validate_on_submit() and not current_user.is_confirmed:
        services.send_confirmation(current_user)
        commit()
        flash(_("We have sent the confirmation email again."), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    return run_form(
        form,
        lambda: services.request_password_reset(form.email.data),
        done=lambda _r: (
            _("If an account uses that address, we have sent it a link to reset the password."),
            url_for("accounts.login"),
        ),
        render=lambda: render_template("accounts/forgot.html", form=form),
    )


def _password_reset_done(_user) -> tuple[str, str]:
    logout_user()
    return _("Your password has been changed. Log in with the new one."), url_for("accounts.login")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    try:
        services.check_reset_token(token)
    except ServiceError as error:
        rollback()
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    return run_form(
        form,
        lambda: services.reset_password(token, form.password.data),
        done=_password_reset_done,
        render=lambda: render_template("accounts/reset.html", form=form),
        error_field=lambda _error: form.password,
    )


def _profile_saved(email_change_asked: bool) -> tuple[str, str]:
    if email_change_asked:
        # The same words whether the address was free or taken: the form tells nobody who has an account.
        flash(
            _(
                "We have sent a confirmation link to the new address. Your account keeps its current "
                "address until that link is opened."
            ),
            "info",
        )
    return _("Your profile is saved."), url_for("accounts.profile")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    return run_form(
        form,
        lambda: services.update_profile(
            current_actor(),
            display_name=form.display_name.data,
            email=form.email.data,
            current_password=form.current_password.data or "",
        ),
        done=_profile_saved,
        render=lambda: _render_profile(form, password_form),
    )


@bp.get("/confirm-change/<token>")
def confirm_email_change(token: str):
    try:
        services.confirm_email_change(token)
    except ServiceError as error:
        rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
    commit()
    flash(_("Thank you: your account now uses its new email address."), "success")
    return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))


def _change_undone(_user) -> tuple[str, str]:
    logout_user()
    return _(
        "The change is undone and every device is logged out. Choose a new password to log in again."
    ), url_for("accounts.forgot_password")


@bp.route("/undo-change/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def undo_email_change(token: str):
    # A page with a button, not an action on GET: mail scanners open links by themselves.
    try:
        _user, _old, new = services.check_undo_email_change(token)
    except ServiceError as error:
        rollback()
        return render_template("accounts/undo_change.html", message=error.message), 400
    form = UndoEmailChangeForm()
    return run_form(
        form,
        lambda: services.undo_email_change(token),
        done=_change_undone,
        render=lambda: render_template("accounts/undo_change.html", form=form, new=new),
    )


def _render_profile(form: ProfileForm, password_form: ChangePasswordForm) -> str:
    actor = current_actor()
    devices = [
        {
            "label": row.user_agent,
            "since": format_moment(row.created_at),
            "last_seen": format_moment(row.last_seen_at),
            "current": services.is_current_login_session(actor, row),
        }
        for row in services.list_login_sessions(actor)
    ]
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=password_form,
        resend_form=ResendConfirmationForm(),
        devices=devices,
        can_log_out_others=any(not device["current"] for device in devices),
        others_form=LogOutOtherDevicesForm(),
    )


def _others_logged_out(count: int) -> tuple[str, str]:
    message = ngettext(
        "%(num)d other device has been logged out.", "%(num)d other devices have been logged out.", count
    )
    return message, url_for("accounts.profile")


@bp.post("/devices/log-out-others")
@login_required
def log_out_other_devices():
    form = LogOutOtherDevicesForm()
    return run_form(
        form,
        lambda: services.log_out_other_devices(current_actor()),
        done=_others_logged_out,
        render=lambda: _render_profile(
            ProfileForm(obj=current_user, formdata=None), ChangePasswordForm(prefix="pw", formdata=None)
        ),
    )


def _password_changed(_result) -> tuple[str, str]:
    # The session version changed: log in again under the new one so this device stays in.
    login_user(current_actor())
    return _("Your password has been changed. Other devices have been logged out."), url_for(
        "accounts.profile"
    )


@bp.post("/password")
@login_required
def change_password():
    password_form = ChangePasswordForm(prefix="pw")
    return run_form(
        password_form,
        lambda: services.change_password(
            current_actor(),
            current_password=password_form.current_password.data,
            new_password=password_form.password.data,
        ),
        done=_password_changed,
        render=lambda: _render_profile(ProfileForm(obj=current_user, formdata=None), password_form),
        error_field=lambda _error: password_form.password,
    )


def _account_deleted(_result) -> tuple[str, str]:
    logout_user()
    return _("Your account has been deleted and your personal data erased."), url_for("home.index")


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    return run_form(
        form,
        lambda: services.delete_account(current_actor(), password=form.password.data),
        done=_account_deleted,
        render=lambda: render_template("accounts/delete.html", form=form),
        error_field=lambda _error: form.password,
    )
