"""The demo's climate panel at work: published recommendations with support levels, one not adopted with
a minority statement, and private workspace threads that only members and facilitators see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participate import create_app
from participate.deliberation.models import Thread
from participate.extensions import db
from participate.panels.models import Panel, PanelStatus
from tests.conftest import FreshContextClient
from tests.demo_pages import log_in_as


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from participate.demo import seed_demo

    database = tmp_path_factory.mktemp("demo") / "demo.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    app.test_client_class = FreshContextClient  # each request in its own context, as in production
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        yield app
        db.session.remove()


def _climate_panel() -> Panel:
    return db.session.scalars(select(Panel).where(Panel.status == PanelStatus.SEATED.value)).one()


def test_the_seated_demo_panel_published_its_recommendations(demo):
    panel = _climate_panel()
    client = demo.test_client()
    data = client.get(f"/api/v1/panels/{panel.id}/recommendations").get_json()["recommendations"]
    assert len(data) == 6
    assert [r["adopted"] for r in data].count(False) == 1
    for r in data:
        assert sum(r["support"].values()) == panel.size
    report = client.get(f"/processes/{panel.process.slug}/panels/{panel.id}/recommendations")
    page = report.get_data(as_text=True)
    assert report.status_code == 200
    assert "Minority statements" in page and "Eleven of us opposed" in page
    assert "Regnbäddar" in page  # the demo's texts are in English and Swedish
    detail = client.get(f"/processes/{panel.process.slug}/panels/{panel.id}").get_data(as_text=True)
    assert "The panel&#39;s recommendations" in detail or "The panel's recommendations" in detail


def test_the_demo_workspace_is_private_and_has_conversations(demo):
    panel = _climate_panel()
    threads = db.session.scalars(
        select(Thread).where(Thread.subject_type.in_(["panel_workspace", "recommendation"]))
    )
    assert sum(thread.comment_count for thread in threads) >= 5
    workspace = f"/processes/{panel.process.slug}/panels/{panel.id}/workspace"
    member = demo.test_client()
    log_in_as(member, "member")
    page = member.get(workspace).get_data(as_text=True)
    assert "between the Saturdays" in page
    resident = demo.test_client()
    log_in_as(resident, "resident")
    assert resident.get(workspace).status_code == 403
    facilitator = demo.test_client()
    log_in_as(facilitator, "staff")
    assert facilitator.get(workspace).status_code == 200
