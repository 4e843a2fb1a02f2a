"""Every form on every page, filled with nonsense: the answer is a clear refusal, never a 500."""

import re
from html.parser import HTMLParser

from tests.conftest import csrf_token
from tests.factories import make_process, make_user

GARBAGE = ["", " ", "-1", "0", "x" * 5000, "2027-02-30", "1e309", "NaN", "<script>alert(1)</script>",
           "\u202e\u0000\ud7ff", "../../etc/passwd", "1 500 000,505", "99999999999999999999999"]  # fmt: skip


class FormCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append((attrs.get("action") or "", set()))
        elif tag in {"input", "select", "textarea", "button"} and self.forms and attrs.get("name"):
            self.forms[-1][1].add(attrs["name"])


def _forms_on(client, path):
    collector = FormCollector()
    collector.feed(client.get(path).get_data(as_text=True))
    return collector.forms


def test_garbage_in_every_form_never_causes_a_server_error(app, client, as_user):
    process = make_process()
    as_user(make_user("admin"))
    pages = [
        "/",
        "/processes/",
        f"/processes/{process.slug}",
        "/accounts/profile",
        "/accounts/delete",
        "/admin/",
        "/manage/processes/new",
        f"/manage/processes/{process.id}",
        f"/manage/processes/{process.id}/details",
        f"/manage/processes/{process.id}/schedule",
        f"/manage/processes/{process.id}/districts",
        f"/manage/processes/{process.id}/people",
        "/admin/audit",
        "/admin/users",
    ]
    seen = set()
    for page in pages:
        for action, names in _forms_on(client, page):
            target = action or page
            if target in seen or "logout" in target or "delete" in target:
                continue
            seen.add(target)
            for value in GARBAGE:
                data = {name: value for name in names if not name.endswith("csrf_token")}
                data["csrf_token"] = csrf_token(client)
                response = client.post(target, data=data)
                assert response.status_code < 500, (target, value[:20], response.status_code)
                assert "Traceback" not in response.get_data(as_text=True)
    assert len(seen) >= 8, seen


def test_anonymous_garbage_on_account_forms(client):
    for path in ["/accounts/register", "/accounts/login", "/accounts/forgot", "/accounts/reset/garbage"]:
        for value in GARBAGE:
            names = {n for _, names in _forms_on(client, path) for n in names}
            data = {name: value for name in names if not re.search(r"csrf_token$", name)}
            data["csrf_token"] = csrf_token(client)
            response = client.post(path, data=data)
            assert response.status_code < 500, (path, value[:20])
