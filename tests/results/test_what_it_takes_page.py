"""What it would take to win, on the results page (issue 22, part 4): computed by the count job, stored with
the result, worded in the reader's language."""

from __future__ import annotations

import re

from sqlalchemy import select

from participate.counting import count, parse_pabulib
from participate.counting.what_it_takes import with_cost
from participate.extensions import db
from participate.results import services
from participate.results.jobs import _options
from participate.results.models import BudgetResult

from .test_results import _count, _vote


def test_the_count_job_stores_what_it_takes_and_the_page_says_it_in_plain_words(app, client):
    process, budget, proposals = _vote(n_voters=40, n_proposals=8)
    staff, _job = _count(process)
    services.publish(staff, process)
    db.session.commit()
    result = db.session.execute(select(BudgetResult)).scalar_one()
    takes = result.explanation["what_it_takes"]
    unfunded = {str(p.id) for p in proposals} - set(result.selected)
    assert unfunded and set(takes) == unfunded
    # the stored figures are the engine's on the published ballots, and exact
    election = parse_pabulib(result.ballots_pb)
    options = _options(budget, budget.rule)
    again = count(election, what_it_takes=True, **options)
    assert again.explanation["what_it_takes"] == takes
    pid, figures = next((k, v) for k, v in takes.items() if v["max_cost"] is not None)
    assert pid in count(with_cost(election, pid, figures["max_cost"]), **options).selected
    assert pid not in count(with_cost(election, pid, figures["max_cost"] + 1), **options).selected

    page = client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
    sentences = re.findall(r'<span class="what-it-takes">(.*?)</span>', page)
    assert len(sentences) == sum(
        1 for v in takes.values() if v["max_cost"] is not None or v["more_supporters"]
    )
    assert any(re.search(r"It would have been funded if it had cost .+ or less", s) for s in sentences)
    for figures in takes.values():
        if figures["more_supporters"] is not None:
            assert f"{figures['more_supporters']} more supporters" in page

    swedish = client.get(f"/processes/{process.slug}/results", headers={"Accept-Language": "sv"}).get_data(
        as_text=True
    )
    assert "It would have been funded" not in swedish
    assert "Det hade finansierats" in swedish
