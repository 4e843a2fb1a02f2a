import pytest

from tests.conftest import post_form


def test_healthz_queries_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize("path", ["/", "/processes/", "/accounts/login", "/no-such-page", "/healthz"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    html = client.get("/accounts/register").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_layout_landmarks_skip_link_and_labels(client):
    html = client.get("/accounts/register").get_data(as_text=True)
    for marker in (
        '<html lang="en">',
        'class="skip-link" href="#main"',
        '<main id="main"',
        "<header",
        "<nav",
        "<footer",
        'for="email"',
        'for="password"',
        'autocomplete="new-password"',
    ):
        assert marker in html, marker


def test_error_pages_render_in_the_layout_and_as_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Page not found" in page.get_data(as_text=True) and "skip-link" in page.get_data(as_text=True)
    api = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.get_json()["error"] == "Page not found"
    assert client.post("/healthz").status_code == 405


def test_unexpected_errors_show_a_page_never_a_traceback(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body and "secret internals" not in body and "Traceback" not in body


def test_language_switch_is_remembered(client):
    response = post_form(client, "/language", {"locale": "sv", "next": "/processes/"})
    assert response.status_code == 302 and response.headers["Location"] == "/processes/"
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)
    away = post_form(client, "/language", {"locale": "en", "next": "//evil.example/"})
    assert away.headers["Location"] == "/"


def test_static_assets_are_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get("/static/js/enhance.js").status_code == 200


def test_form_fields_never_carry_none_attributes(client):
    html = client.get("/accounts/login").get_data(as_text=True)
    assert '="None"' not in html


def test_error_pages_are_translated_but_json_error_names_stay_english(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "sv"})
    assert page.status_code == 404 and "Page not found" not in page.get_data(as_text=True)
    api = client.get("/no-such-page", headers={"Accept": "application/json", "Accept-Language": "sv"})
    assert api.get_json()["error"] == "Page not found"
    assert api.get_json()["message"] != "We could not find that page. It may have moved or never existed."
