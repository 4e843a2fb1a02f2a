"""Outgoing email behind a small interface: logged in development and tests, SMTP in production.

In development (`DEV_OUTBOX`), the log mailer also prints each message on the console, keeps it for the
/dev/outbox page and appends it to a file that `flask outbox` reads, so a local user can follow the
confirmation and reset links without a mail server.
"""

from __future__ import annotations

import json
import smtplib
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path

from flask import Flask, current_app

from participate.core.after_commit import after_commit
from participate.core.tasks import dispatch, task
from participate.core.text import CONTROL_CATEGORIES


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    # Extra headers, e.g. List-Unsubscribe; the mailer sets From, To and Subject itself.
    headers: dict[str, str] = field(default_factory=dict)


OUTBOX_KEEPS = 500  # messages kept in memory; a long-running development server must not grow forever


def console_block(message: Message) -> str:
    rule = "-" * 72
    return (
        f"\n{rule}\nEmail (not sent: MAIL_BACKEND=log)\nTo:      {message.to}\nSubject: {message.subject}\n"
        f"{rule}\n{message.body}\n{rule}\n"
    )


def dev_outbox_file(app: Flask) -> Path:
    return Path(app.config.get("DEV_OUTBOX_FILE") or Path(app.instance_path) / "dev-outbox.jsonl")


class LogMailer:
    """Writes each message to the log and keeps it in `outbox`, which tests and /dev/outbox read."""

    def __init__(self, app: Flask):
        self.app = app
        self.outbox: list[Message] = []
        self.dev_outbox = bool(app.config.get("DEV_OUTBOX"))

    def send(self, message: Message) -> None:
        self.outbox.append(message)
        del self.outbox[:-OUTBOX_KEEPS]
        self.app.logger.info("Email to %s: %s\n%s", message.to, message.subject, message.body)
        if self.dev_outbox:
            print(console_block(message), file=sys.stderr, flush=True)
            try:
                with dev_outbox_file(self.app).open("a", encoding="utf-8") as file:
                    file.write(json.dumps(asdict(message), ensure_ascii=False) + "\n")
            except OSError:
                self.app.logger.warning("Could not write the development outbox file", exc_info=True)


class SmtpMailer:
    def __init__(self, app: Flask):
        self.config = app.config

    def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"] = self.config["MAIL_DEFAULT_SENDER"]
        email["To"] = message.to
        email["Subject"] = message.subject
        for name, value in message.headers.items():
            email[name] = value
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
def deliver(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Runs as a background task: the message is composed in the request, sent outside it."""
    mailer().send(Message(to=to, subject=subject, body=body, headers=dict(headers or {})))


def one_line_subject(subject: str) -> str:
    """A subject header cannot hold a line break (SMTP refuses the message): a title stored before
    titles refused them (core.forms.one_line) still gets its email, on one line."""
    return " ".join(
        "".join(" " if unicodedata.category(c) in CONTROL_CATEGORIES else c for c in subject).split()
    )


def send_email(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Sent once the request's transaction commits; never for a change that was rolled back."""
    subject = one_line_subject(subject)
    if headers:
        after_commit(dispatch, "mail.deliver", to, subject, body, dict(headers))
    else:
        after_commit(dispatch, "mail.deliver", to, subject, body)
