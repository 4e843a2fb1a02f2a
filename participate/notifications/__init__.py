"""Notifications: in-app (a bell, a list) and email, with a per-kind email choice and one-click unsubscribe.

Other domains never import this package: they publish events (core.events, contract in subscribers.py)
and the subscribers turn them into notifications, in the same transaction as the action.

- A `Notification` stores its kind and a JSON `data` dict, never sentences: messages.describe() writes the
  text when it is shown, in the reader's language. Emails are written in the council's default language
  (BABEL_DEFAULT_LOCALE), since accounts keep no language choice.
- In-app notifications are always made; an email is queued (core.mail.send_email, so only after the
  commit) when the person's choice for the kind is on (`NotificationPreference`; no row = the default,
  EMAIL_DEFAULTS: all on) and their address is confirmed.
- Every email carries a signed unsubscribe link for its person and kind (tokens.py; no login needed,
  GET confirms, POST applies, no expiry) and the List-Unsubscribe / List-Unsubscribe-Post headers.
- Phase changes: `ProcessPhaseNotice` keeps, per process, the phase last announced to its followers. It
  is set when the process gets its first follower (the baseline), when staff advance the phase
  (processes.services.advance_phase publishes "process.phase_changed") and by `flask
  notify-phase-changes` (run it nightly after midnight; job kind "notifications.phase_changes"), which
  publishes the event for each published, followed process whose dated phase moved past the stored one.
  A change is therefore announced once however often the command runs. Outside a request, links in
  emails use PUBLIC_BASE_URL (see core/urls.py; http://localhost:5000 by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The notification pages, the subscribers that turn events into notifications, the phase-changes job."""
    from participate.notifications import jobs, subscribers, views  # noqa: F401  (a job kind; subscribers)

    app.register_blueprint(views.bp)
