"""The demo is the product's first impression (issue 18): it must agree with itself. Seeded once for the
module into a file database, as `make run` does."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participate import create_app
from participate.extensions import db


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from participate.demo import seed_demo

    database = tmp_path_factory.mktemp("demo") / "demo.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        yield app
        db.session.remove()


def test_the_demo_results_reasons_agree_with_their_figures(demo):
    from participate.results.models import BudgetResult
    from tests.results.test_reason_figures import check_mes

    results = db.session.scalars(select(BudgetResult)).all()
    mes = [r for r in results if r.explanation.get("kind") == "mes"]
    assert mes, "the demo counts at least one budget with equal shares"
    assert sum(check_mes(r.explanation) for r in mes) > 5
