"""The admin's user list: search text is literal and long lists come in pages."""

import re

from participate.accounts.models import User
from participate.accounts.passwords import hash_password
from participate.extensions import db
from tests.factories import make_user


def _add_users(*people: tuple[str, str]) -> None:
    password_hash = hash_password("not used in these tests")
    db.session.add_all(
        User(display_name=name, email=email, password_hash=password_hash) for name, email in people
    )
    db.session.commit()


def _listed_emails(html: str) -> set[str]:
    return set(re.findall(r"<td>([^<>\s]+@[^<>\s]+)</td>", html))


def test_percent_and_underscore_in_a_search_match_only_themselves(client, as_user):
    admin = make_user("admin", email="boss@example.org", name="Boss")
    _add_users(
        ("Plain Person", "plain@example.org"),
        ("Hundred 100% Sure", "sure@example.org"),
        ("Under Score", "under_score@example.org"),
        ("Another Plain", "another@example.org"),
    )
    as_user(admin)
    percent = client.get("/admin/users", query_string={"q": "%"}).get_data(as_text=True)
    assert _listed_emails(percent) == {"sure@example.org"}
    underscore = client.get("/admin/users", query_string={"q": "_"}).get_data(as_text=True)
    assert _listed_emails(underscore) == {"under_score@example.org"}
    backslash = client.get("/admin/users", query_string={"q": "\\"}).get_data(as_text=True)
    assert _listed_emails(backslash) == set()
    everyone = client.get("/admin/users", query_string={"q": ""}).get_data(as_text=True)
    assert len(_listed_emails(everyone)) == 5


def test_120_users_come_in_3_pages_with_next_and_previous_links(client, as_user):
    admin = make_user("admin", email="boss@example.org", name="Aaa Boss")
    _add_users(*((f"Person {n:03d}", f"p{n:03d}@example.org") for n in range(119)))
    as_user(admin)
    seen: list[set[str]] = []
    for page in (1, 2, 3):
        html = client.get("/admin/users", query_string={"page": page}).get_data(as_text=True)
        assert f"Page {page} of 3" in html
        assert ('rel="prev"' in html) == (page > 1)
        assert ('rel="next"' in html) == (page < 3)
        if page < 3:
            assert f'href="/admin/users?page={page + 1}"' in html
        seen.append(_listed_emails(html))
    assert [len(emails) for emails in seen] == [50, 50, 20]
    assert len(set.union(*seen)) == 120
    searched = client.get("/admin/users", query_string={"q": "person 1", "page": 1}).get_data(as_text=True)
    assert len(_listed_emails(searched)) == 19  # Person 100..118
    beyond = client.get("/admin/users", query_string={"page": 99}).get_data(as_text=True)
    assert "Page 3 of 3" in beyond
