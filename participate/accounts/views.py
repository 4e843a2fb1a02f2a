from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from participate.accounts import bp, services
from participate.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
)
from participate.core.urls import safe_next
from participate.errors import Conflict, ServiceError
from participate.extensions import db, limiter


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data, display_name=form.display_name.data, password=form.password.data
            )
        except ServiceError as error:
            db.session.rollback()
            field = form.email if isinstance(error, Conflict) else form.password
            field.errors.append(error.message)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! We have sent you an email: open its link to confirm your address."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data) or url_for("core.home"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("The email address or password is not correct."), "error")
            return render_template("accounts/login.html", form=form), 401
        login_user(user, remember=form.remember.data)
        flash(_("You are logged in."), "success")
        return redirect(safe_next(form.next.data) or url_for("core.home"))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("core.home"))


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        services.confirm_email(token)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
    db.session.commit()
    flash(_("Thank you: your email address is confirmed."), "success")
    return redirect(url_for("core.home"))


@bp.post("/confirm/resend")
@login_required
@limiter.limit(_register_limit)
def resend_confirmation():
    if ResendConfirmationForm().validate_on_submit() and not current_user.is_confirmed:
        services.send_confirmation(current_user)
        flash(_("We have sent the confirmation email again."), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account uses that address, we have sent it a link to reset the password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ServiceError as error:
            db.session.rollback()
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password has been changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), 400 if form.errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if form.submit.data and form.validate_on_submit():
        try:
            email_changed = services.update_profile(
                current_user, display_name=form.display_name.data, email=form.email.data
            )
        except ServiceError as error:
            db.session.rollback()
            form.email.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            if email_changed:
                flash(_("Please confirm your new email address: we have sent you a link."), "info")
            return redirect(url_for("accounts.profile"))
    return _render_profile(form, password_form, 400 if form.errors else 200)


def _render_profile(form: ProfileForm, password_form: ChangePasswordForm, status: int):
    return render_template(
        "accounts/profile.html", form=form, password_form=password_form, resend_form=ResendConfirmationForm()
    ), status


@bp.post("/password")
@login_required
def change_password():
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                current_password=password_form.current_password.data,
                new_password=password_form.password.data,
            )
        except ServiceError as error:
            db.session.rollback()
            password_form.password.errors.append(error.message)
        else:
            db.session.commit()
            # The session version changed: log in again under the new one so this device stays in.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(ProfileForm(obj=current_user), password_form, 400)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, password=form.password.data)
        except ServiceError as error:
            db.session.rollback()
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account has been deleted and your personal data erased."), "info")
            return redirect(url_for("core.home"))
    return render_template("accounts/delete.html", form=form), 400 if form.errors else 200
