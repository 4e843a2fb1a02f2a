"""A meeting's time as every page shows it: a meeting within one day shows its date once, with the hours
it runs, in the page's language and the council's time zone; a meeting over several days shows both
moments in full."""

from __future__ import annotations

from datetime import datetime

import pytest

from participate.core.templating import format_span
from participate.extensions import db
from participate.panels import meetings
from tests.panels.helpers import manage_url, public_url, text
from tests.panels.seated import client_of, seated_panel, workspace_url
from tests.panels.seated_meetings import meeting_input

# Stored as naive UTC; the council is in Europe/Stockholm (UTC+1 at the end of October 2026).
SAME_DAY = (datetime(2026, 10, 31, 9, 0), datetime(2026, 10, 31, 15, 0))
TWO_DAYS = (datetime(2026, 11, 6, 9, 0), datetime(2026, 11, 7, 15, 0))
SHOWN = {
    "en": ("Oct 31, 2026, 10:00 AM – 4:00 PM", "Nov 6, 2026, 10:00 AM – Nov 7, 2026, 4:00 PM"),
    "sv": ("31 okt. 2026, 10:00–16:00", "6 nov. 2026 10:00 – 7 nov. 2026 16:00"),
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_every_page_shows_a_same_day_meeting_as_one_date_with_its_hours(app, language):
    panel, facilitator, (member, *_rest) = seated_panel(2)
    one_day, two_days = (
        meetings.create_meeting(facilitator, panel, meeting_input(starts_at=start, ends_at=end))
        for start, end in (SAME_DAY, TWO_DAYS)
    )
    db.session.commit()
    same_day, multi_day = SHOWN[language]
    headers = {"Accept-Language": language}
    staff, seated = client_of(app, facilitator), client_of(app, member)
    for client, path in (
        (app.test_client(), public_url(panel)),
        (seated, workspace_url(panel)),
        (staff, manage_url(panel, "/meetings")),
    ):
        page = text(client.get(path, headers=headers))
        assert same_day in page and multi_day in page, (path, page[:3000])
        # the day appears only as part of the same-day form, never twice in one line
        assert page.count(same_day[:12]) == page.count(same_day) >= 1, path
    for meeting, shown in ((one_day, same_day), (two_days, multi_day)):
        for rest in ("", "/tables"):
            page = text(staff.get(manage_url(panel, f"/meetings/{meeting.id}{rest}"), headers=headers))
            assert shown in page, (rest, page[:3000])


def test_the_day_is_the_councils_day(app):
    with app.test_request_context("/"):
        # 23:30 to 00:30 in Stockholm runs over two days, though both moments are on one day in UTC
        late = format_span(datetime(2026, 10, 31, 22, 30), datetime(2026, 10, 31, 23, 30))
        assert late == "Oct 31, 2026, 11:30\u202fPM – Nov 1, 2026, 12:30\u202fAM"
        assert format_span(datetime(2026, 10, 31, 9, 0), None) == "Oct 31, 2026, 10:00\u202fAM"
