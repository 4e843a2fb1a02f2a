from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, StopValidation

from participate.accounts.names import display_name_problem, normalise_display_name
from participate.accounts.passwords import MAX_LENGTH, MIN_LENGTH


def visible_display_name(form, field) -> None:
    """Normalises the name (NFC, trimmed) and refuses invisible names and direction or control characters."""
    field.data = normalise_display_name(field.data or "")
    problem = display_name_problem(field.data)
    if problem:
        raise StopValidation(problem)


def display_name_field() -> StringField:
    return StringField(
        _l("Display name"), validators=[DataRequired(), visible_display_name, Length(min=2, max=80)]
    )


class RegisterForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = display_name_field()
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set new password"))


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    current_password = PasswordField(_l("Current password (only to change the email address)"))
    submit = SubmitField(_l("Save profile"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    understood = BooleanField(
        _l("I understand that my personal data will be erased and this cannot be undone."),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Delete my account"))


class UndoEmailChangeForm(FlaskForm):
    submit = SubmitField(_l("It was not me: undo the change"))


class ResendConfirmationForm(FlaskForm):
    submit = SubmitField(_l("Send the confirmation email again"))


class LogOutOtherDevicesForm(FlaskForm):
    submit = SubmitField(_l("Log out everywhere else"))
