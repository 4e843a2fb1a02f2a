"""Outgoing email behind a small interface: logged in development and tests, SMTP in production."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app

from participate.core.after_commit import after_commit
from participate.core.tasks import dispatch, task


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class LogMailer:
    """Writes each message to the log and keeps it in `outbox`, which tests read."""

    def __init__(self, app: Flask):
        self.app = app
        self.outbox: list[Message] = []

    def send(self, message: Message) -> None:
        self.outbox.append(message)
        self.app.logger.info("Email to %s: %s\n%s", message.to, message.subject, message.body)


class SmtpMailer:
    def __init__(self, app: Flask):
        self.config = app.config

    def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"] = self.config["MAIL_DEFAULT_SENDER"]
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        with smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=30) as smtp:
            if self.config["MAIL_USE_TLS"]:
                smtp.starttls()
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"] or "")
            smtp.send_message(email)


def init_app(app: Flask) -> None:
    backend = {"log": LogMailer, "smtp": SmtpMailer}.get(app.config["MAIL_BACKEND"])
    if backend is None:
        raise RuntimeError(f"Unknown MAIL_BACKEND {app.config['MAIL_BACKEND']!r}; use 'log' or 'smtp'.")
    app.extensions["mailer"] = backend(app)


def mailer():
    return current_app.extensions["mailer"]


@task("mail.deliver")
def deliver(to: str, subject: str, body: str) -> None:
    """Runs as a background task: the message is composed in the request, sent outside it."""
    mailer().send(Message(to=to, subject=subject, body=body))


def send_email(to: str, subject: str, body: str) -> None:
    """Sent once the request's transaction commits; never for a change that was rolled back."""
    after_commit(dispatch, "mail.deliver", to, subject, body)
