"""The members' workspace shows the meetings' agenda and every material, members-only ones too, and a
member may download a members-only document that stays hidden from everyone else."""

from sqlalchemy import event

from participate.core.after_commit import commit
from participate.extensions import db
from participate.panels import materials, meetings
from participate.panels.meeting_models import MaterialKind
from tests.factories import make_user
from tests.panels.seated import client_of, seated_panel, workspace_url
from tests.panels.seated_meetings import meeting_input


def test_members_see_the_agenda_and_the_members_only_materials_in_their_workspace(app, tmp_path):
    app.config["PANEL_MATERIALS_FOLDER"] = str(tmp_path)
    panel, facilitator, (member, *_rest) = seated_panel(3)
    meeting = meetings.create_meeting(
        facilitator, panel, meeting_input(days=5, video_link="https://meet.example.org/members-room")
    )
    private = materials.add_material(
        facilitator,
        panel,
        materials.MaterialInput("Evidence pack", False, meeting, filename="e.pdf", data=b"%PDF-1.4 pack"),
        MaterialKind.DOCUMENT,
    )
    materials.add_material(
        facilitator,
        panel,
        materials.MaterialInput("Glossary", False, None, url="https://example.org/glossary"),
        MaterialKind.LINK,
    )
    commit()
    download = f"/processes/{panel.process.slug}/panels/{panel.id}/materials/{private.id}"

    page = client_of(app, member).get(workspace_url(panel)).get_data(as_text=True)
    assert "<strong>Evidence</strong> on heat pumps" in page  # the agenda, as Markdown
    assert "members-room" in page and "Evidence pack" in page and "Glossary" in page
    assert download in page
    response = client_of(app, member).get(download)
    assert response.status_code == 200 and response.data == b"%PDF-1.4 pack"
    assert response.headers["Content-Disposition"].startswith("attachment")

    assert client_of(app, make_user()).get(download).status_code == 404
    assert app.test_client().get(download).status_code == 404


def test_the_workspace_reads_the_materials_once_for_the_agenda_and_the_kit(app):
    panel, facilitator, (member, *_rest) = seated_panel(2)
    meeting = meetings.create_meeting(facilitator, panel, meeting_input(days=5))
    for title, on in (("Evidence pack", meeting), ("Glossary", None)):
        materials.add_material(
            facilitator,
            panel,
            materials.MaterialInput(title, False, on, url=f"https://example.org/{title[:4]}"),
            MaterialKind.LINK,
        )
    commit()
    client = client_of(app, member)
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        page = client.get(workspace_url(panel)).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert "Evidence pack" in page and "Glossary" in page  # both slots are filled
    assert len([s for s in statements if "FROM panel_material" in s]) == 1
