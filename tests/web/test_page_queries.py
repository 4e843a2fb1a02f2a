"""The number of SQL queries a page makes does not grow with the data behind it."""

from contextlib import contextmanager

from sqlalchemy import event

from participate.extensions import db
from tests.factories import make_process, make_proposal, make_user


@contextmanager
def counted_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries(client, path) -> int:
    client.get(path)  # warm up: the first request loads the session, the user, the locale
    with counted_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_proposal_pages_make_the_same_number_of_queries_for_3_or_60_proposals(client, as_user):
    small, large = make_process(), make_process()
    author = make_user()
    for _ in range(3):
        make_proposal(small, author)
    for _ in range(60):
        make_proposal(large, author)
    as_user(make_user())
    for suffix in ("proposals/", "proposals/?sort=supports", "proposals/?q=proposal", "proposals/?page=2"):
        assert _queries(client, f"/processes/{small.slug}/{suffix}") == _queries(
            client, f"/processes/{large.slug}/{suffix}"
        ), suffix
    assert _queries(client, f"/processes/{large.slug}") == _queries(client, f"/processes/{small.slug}")
