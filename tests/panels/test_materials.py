"""Materials and what observers see: PDF uploads checked by their magic bytes and size, stored under a random
name and served only as downloads; links; public or members-only; the public page and the API show the
meetings and public materials, never attendance, support needs, table plans or members-only material."""

from __future__ import annotations

import io
import random

import pytest
from sqlalchemy import func, select

from participate.extensions import db
from participate.panels import materials, meetings
from participate.panels.meeting_models import Material, MaterialKind
from tests.conftest import csrf_token, login
from tests.factories import make_user
from tests.panels.helpers import text
from tests.panels.seated_meetings import make_seated_panel, meeting_input, seats_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def seated(app, tmp_path):
    app.config["PANEL_MATERIALS_FOLDER"] = str(tmp_path)
    return make_seated_panel()


def _client(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def _base(panel) -> str:
    return f"/manage/processes/{panel.process.slug}/panels/{panel.id}"


def _upload(client, panel, *, data: bytes = PDF, name: str = "Brief.pdf", meeting=None, **fields):
    page = f"{_base(panel)}/meetings"
    form = {
        "csrf_token": csrf_token(client, page),
        "kind": "document",
        "title": "The brief",
        "meeting_id": str(meeting.id if meeting else 0),
        "file": (io.BytesIO(data), name),
        **fields,
    }
    return client.post(f"{_base(panel)}/materials", data=form, content_type="multipart/form-data")


def _materials() -> int:
    return db.session.scalar(select(func.count()).select_from(Material)) or 0


def test_a_pdf_is_stored_under_a_random_name_and_served_as_a_safe_download(app, seated, tmp_path):
    _process, facilitator, panel = seated
    meeting = meetings.create_meeting(facilitator, panel, meeting_input())
    db.session.commit()
    client = _client(app, facilitator)
    response = _upload(client, panel, name="Årsrapport 2026 <x>.pdf", meeting=meeting, public="y")
    assert response.status_code == 302, text(response)
    material = db.session.scalars(select(Material)).one()
    assert material.meeting_id == meeting.id and material.public
    assert material.filename == "Arsrapport-2026-x.pdf"
    assert (tmp_path / str(material.stored_name)).read_bytes() == PDF
    assert material.stored_name and "rsrapport" not in material.stored_name
    for url in (
        f"/processes/{panel.process.slug}/panels/{panel.id}/materials/{material.id}",
        f"{_base(panel)}/materials/{material.id}",
    ):
        download = client.get(url)
        assert download.status_code == 200 and download.data == PDF
        assert download.mimetype == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "Arsrapport-2026-x.pdf" in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "this file is not a PDF"),
        (b"GIF89a%PDF-", "this file is not a PDF"),
        (PDF + b"0" * (materials.MAX_PDF_BYTES + 1 - len(PDF)), "larger than 5 MB"),
        (b"", "Choose a PDF file"),
    ],
)
def test_a_file_that_is_not_a_small_pdf_is_refused_and_nothing_is_kept(app, seated, tmp_path, data, message):
    _process, facilitator, panel = seated
    client = _client(app, facilitator)
    response = _upload(client, panel, data=data, name="evil.pdf")
    assert response.status_code == 400
    assert message in text(response)
    assert _materials() == 0
    assert list(tmp_path.iterdir()) == []


def test_links_and_their_bad_addresses(app, seated):
    _process, facilitator, panel = seated
    client = _client(app, facilitator)
    for url in ("javascript:alert(1)", "ftp://example.org/x", "https://exa mple.org"):
        response = _upload(client, panel, kind="link", url=url, title="A link")
        assert response.status_code == 400 and "must be a web address" in text(response), url
    assert _materials() == 0
    response = _upload(client, panel, kind="link", url="https://example.org/report", title="Report")
    assert response.status_code == 302
    assert db.session.scalars(select(Material)).one().kind == "link"


def test_deleting_a_material_removes_its_file(app, seated, tmp_path):
    _process, facilitator, panel = seated
    client = _client(app, facilitator)
    assert _upload(client, panel).status_code == 302
    material = db.session.scalars(select(Material)).one()
    page = f"{_base(panel)}/meetings"
    response = client.post(
        f"{_base(panel)}/materials/{material.id}/delete", data={"csrf_token": csrf_token(client, page)}
    )
    assert response.status_code == 302
    assert _materials() == 0 and list(tmp_path.iterdir()) == []


def _private_world(app, facilitator, panel):
    """A past meeting with attendance, a checklist tick and a table plan; a public and a members-only PDF,
    a members-only link, and a members-only video link."""
    meeting = meetings.create_meeting(
        facilitator,
        panel,
        meeting_input(agenda="Evidence on **heat pumps**", video_link="https://meet.example.org/secret-room"),
    )
    members = seats_of(panel)
    meetings.record_attendance(facilitator, panel, meeting, {s.id: "present" for s in members})
    row = meetings.checklist(meeting, panel)[0]
    meetings.save_checklist(facilitator, panel, meeting, {(row.seat.id, row.need)})
    meetings.make_tables(facilitator, panel, meeting, random.Random(1))
    public = materials.add_material(
        facilitator,
        panel,
        materials.MaterialInput("Public evidence pack", True, meeting, filename="a.pdf", data=PDF),
        MaterialKind.DOCUMENT,
    )
    private = materials.add_material(
        facilitator,
        panel,
        materials.MaterialInput("Members' draft notes", False, meeting, filename="b.pdf", data=PDF),
        MaterialKind.DOCUMENT,
    )
    materials.add_material(
        facilitator,
        panel,
        materials.MaterialInput("Members' chat room", False, None, url="https://chat.example.org/room"),
        MaterialKind.LINK,
    )
    from participate.core.after_commit import commit

    commit()
    return meeting, public, private, members


SECRETS = ("Members' draft notes", "Members' chat room", "secret-room", "Childcare for two", "Table 1")


def test_observers_see_meetings_agendas_and_public_materials_only(app, seated):
    _process, facilitator, panel = seated
    meeting, public, private, members = _private_world(app, facilitator, panel)
    page_url = f"/processes/{panel.process.slug}/panels/{panel.id}"
    for client in (app.test_client(), _client(app, make_user())):
        page = text(client.get(page_url))
        assert "heat pumps" in page and "Public evidence pack" in page
        for secret in SECRETS + (members[0].respondent.name, members[0].respondent.pseudonym):
            assert secret not in page, secret
        assert client.get(f"{page_url}/materials/{public.id}").status_code == 200
        assert client.get(f"{page_url}/materials/{private.id}").status_code == 404
        assert client.get(f"{_base(panel)}/materials/{private.id}").status_code in (302, 403)

    api = app.test_client().get(f"/api/v1/panels/{panel.id}/meetings")
    assert api.status_code == 200
    document = api.get_json()
    [listed] = document["meetings"]
    assert set(listed) == {"id", "starts_at", "ends_at", "place", "video_link", "agenda", "materials"}
    assert listed["video_link"] is None  # members only
    assert [m["title"] for m in listed["materials"]] == ["Public evidence pack"]
    assert listed["materials"][0]["url"].endswith(f"/materials/{public.id}")
    assert document["information_kit"] == []
    body = api.get_data(as_text=True)
    for secret in SECRETS + (members[0].respondent.name, "present", "tables"):
        assert secret not in body, secret
    # once the link is made public, observers get it
    meeting.video_link_public = True
    db.session.commit()
    assert app.test_client().get(f"/api/v1/panels/{panel.id}/meetings").get_json()["meetings"][0][
        "video_link"
    ] == ("https://meet.example.org/secret-room")


def test_the_meetings_api_of_a_draft_panel_does_not_exist(app, seated):
    _process, _facilitator, panel = seated
    panel.status = "draft"
    db.session.commit()
    assert app.test_client().get(f"/api/v1/panels/{panel.id}/meetings").status_code == 404
    assert app.test_client().get("/api/v1/panels/999999/meetings").status_code == 404


def test_the_openapi_document_describes_the_meetings():
    from participate.api.openapi import document

    doc = document("http://localhost")
    operation = doc["paths"]["/panels/{panel_id}/meetings"]["get"]
    assert operation["operationId"] == "listPanelMeetings"
    meeting = doc["components"]["schemas"]["PanelMeeting"]
    assert "attendance" not in meeting["properties"] and "video_link" in meeting["properties"]


def test_a_material_is_made_members_only_and_public_again(app, seated):
    _process, facilitator, panel = seated
    client = _client(app, facilitator)
    assert _upload(client, panel, public="y").status_code == 302
    material = db.session.scalars(select(Material)).one()
    public_url = f"/processes/{panel.process.slug}/panels/{panel.id}/materials/{material.id}"
    assert app.test_client().get(public_url).status_code == 200
    page = f"{_base(panel)}/meetings"
    toggle = f"{_base(panel)}/materials/{material.id}/visibility"
    response = client.post(toggle, data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    assert app.test_client().get(public_url).status_code == 404
    assert "Make it public" in text(client.get(page))
    client.post(toggle, data={"csrf_token": csrf_token(client, page)})
    assert app.test_client().get(public_url).status_code == 200
    from participate.audit.models import AuditEntry

    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions.count("panel.material_visibility") == 2
