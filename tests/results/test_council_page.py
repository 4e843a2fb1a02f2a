""" "What the council did": the funded proposals with their tracking, linked from the results and the
process page, in Swedish too."""

from __future__ import annotations

from datetime import date

from participate.extensions import db
from participate.results import services
from tests.results.test_results import _count, _vote


def test_the_page_lists_the_funded_proposals_with_their_tracking(app, client):
    process, _budget, _proposals = _vote(n_voters=10, n_proposals=4)
    staff, _job = _count(process)
    hidden = client.get(f"/processes/{process.slug}/what-the-council-did").get_data(as_text=True)
    funded = [p for _b, p in services.funded_proposals(process)]
    assert funded and all(p.title not in hidden for p in funded)  # counted, not yet published
    services.publish(staff, process)
    services.set_tracking(staff, process, funded[0], services.TrackingInput("in_progress", 60))
    services.add_milestone(staff, process, funded[0], date(2030, 1, 2), "Work started")
    db.session.commit()
    url = f"/processes/{process.slug}/what-the-council-did"
    page = client.get(url).get_data(as_text=True)
    assert all(p.title in page for p in funded)
    assert "In progress, 60%" in page and "Work started" in page
    assert url in client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
    assert url in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    swedish = client.get(url, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Vad kommunen gjorde" in swedish


def test_a_draft_process_has_no_public_council_page(client):
    from tests.factories import make_process

    process = make_process(published=False)
    assert client.get(f"/processes/{process.slug}/what-the-council-did").status_code == 404
