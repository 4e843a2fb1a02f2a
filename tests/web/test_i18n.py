"""The Swedish catalog covers every string in the source, keeps its placeholders, and is served.

Extraction uses the same options as the documented `pybabel extract` command, so a string added to
the code or templates without a Swedish translation fails here, naming the string.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from participate import ROOT, create_app

TRANSLATIONS = ROOT / "participate" / "translations"
PO_PATH = TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


def _pybabel() -> list[str]:
    script = Path(sys.executable).with_name("pybabel")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "babel.messages.frontend"]


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@pytest.fixture(scope="module")
def extracted():
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        command = [
            *_pybabel(),
            "--quiet",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            "--no-location",
            "--sort-output",
            "--project",
            "participate",
            "--copyright-holder",
            "participate contributors",
            ".",
        ]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"pybabel extract failed:\n{result.stdout}\n{result.stderr}"
        return _read(pot)


@pytest.fixture(scope="module")
def swedish():
    return _read(PO_PATH)


def test_every_extracted_string_has_a_swedish_translation(extracted, swedish):
    extracted_ids = [message.id for message in extracted if message.id]
    assert extracted_ids, "pybabel extract found no strings at all"

    problems = []
    for msgid in extracted_ids:
        entry = swedish.get(msgid)
        label = _msgid(entry) if entry is not None else (msgid if isinstance(msgid, str) else msgid[0])
        if entry is None:
            problems.append(f"missing from sv/messages.po: {label!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy in sv/messages.po: {label!r}")
        elif not all(text.strip() for text in _strings(entry.string)):
            problems.append(f"no Swedish translation: {label!r}")
    assert not problems, (
        f"{len(problems)} string(s) need a Swedish translation "
        "(run pybabel extract/update, then translate):\n" + "\n".join(problems)
    )


def test_translations_keep_their_placeholders(swedish):
    problems = []
    for message in swedish:
        if not message.id or not message.string:
            continue
        names = {name for text in _strings(message.id) for name in PLACEHOLDER.findall(text)}
        for text in _strings(message.string):
            if text and set(PLACEHOLDER.findall(text)) != names:
                problems.append(
                    f"{_msgid(message)!r}: expected {sorted(names)}, got {sorted(set(PLACEHOLDER.findall(text)))}"
                )
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def _compile_swedish_if_stale() -> bool:
    if MO_PATH.exists() and MO_PATH.stat().st_mtime >= PO_PATH.stat().st_mtime:
        return False
    catalog = _read(PO_PATH)
    # Write beside the target, then rename: parallel test workers never see half a file.
    fd, tmp = tempfile.mkstemp(dir=MO_PATH.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog)
        os.chmod(tmp, 0o644)
        os.replace(tmp, MO_PATH)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True


@pytest.fixture(scope="module")
def i18n_client():
    compiled = _compile_swedish_if_stale()
    app = create_app("testing")
    if compiled:
        # Flask-Babel caches loaded catalogs on the shared extension; drop any loaded before the .mo existed.
        from participate.extensions import babel

        with app.app_context():
            babel.domain_instance.cache.clear()
    return app.test_client()


def test_login_page_is_swedish_for_swedish_browsers(i18n_client):
    swedish_login = _read(PO_PATH).get("Log in").string
    assert swedish_login and swedish_login != "Log in"

    response = i18n_client.get("/accounts/login", headers={"Accept-Language": "sv"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert f"<h1>{swedish_login}</h1>" in page
    assert "<h1>Log in</h1>" not in page


def test_login_page_is_english_for_english_browsers(i18n_client):
    response = i18n_client.get("/accounts/login", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>Log in</h1>" in page


# --- The catalogue is up to date with the sources ------------------------------------------------------


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def _label(msgid) -> str:
    return repr(msgid if isinstance(msgid, str) else msgid[0])


def test_the_catalogue_is_extracted_from_the_current_sources(extracted, swedish):
    """A string added, changed or removed without running extract and update fails here: the committed
    messages.pot and sv/messages.po hold exactly the msgids the sources hold today."""
    sources = _ids(extracted)
    template = _ids(_read(TRANSLATIONS / "messages.pot"))
    po = _ids(swedish)
    problems = [
        f"not in messages.pot (run pybabel extract): {_label(m)}" for m in sorted(sources - template, key=str)
    ]
    problems += [
        f"in messages.pot but no longer in the sources: {_label(m)}"
        for m in sorted(template - sources, key=str)
    ]
    problems += [f"in sv/messages.po but no longer in the sources (run pybabel update): {_label(m)}"
                 for m in sorted(po - sources, key=str)]  # fmt: skip
    assert not problems, "\n".join(problems)


def _babel_patterns() -> list[str]:
    return re.findall(r"^\[\w+:\s*(.+?)\]\s*$", (ROOT / "babel.cfg").read_text(), re.M)


def test_every_template_and_module_is_read_by_the_extraction():
    """An email in .txt or a page in a new extension must not slip past pybabel extract (babel.cfg)."""
    from babel.util import pathmatch

    patterns = _babel_patterns()
    files = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    files += list((ROOT / "participate").rglob("*.py"))
    unread = [
        str(path.relative_to(ROOT))
        for path in files
        if not any(pathmatch(pattern, path.relative_to(ROOT).as_posix()) for pattern in patterns)
    ]
    assert len(files) > 100
    assert not unread, "babel.cfg does not extract from: " + ", ".join(unread)


# --- Strings a person reads are marked for translation ---------------------------------------------------

FIELDS = re.compile(r"^\w*Field$")
MESSAGE_CALLS = {
    "flash", "ValidationError", "StopValidation", "ValidationFailed", "Conflict", "PermissionDenied",
    "NotFound", "IllegalTransition", "render_error",
}  # fmt: skip
VALIDATORS = {
    "DataRequired", "InputRequired", "Length", "NumberRange", "Email", "Regexp", "EqualTo", "FileRequired",
    "FileAllowed", "FileSize", "AnyOf", "NoneOf", "URL", "Optional",
}  # fmt: skip
# Language names are written in their own language, whatever the page's language.
ENDONYMS = {"English", "Svenska"}


def _callee(call) -> str:
    import ast

    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _plain_text(node) -> bool:
    """A literal (or f-string) a person would read: it has letters and is not wrapped in _()."""
    import ast

    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(re.search(r"[A-Za-z]", node.value))
    )


def untranslated_strings(source: str, filename: str) -> list[str]:
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        texts = []
        if name in MESSAGE_CALLS:
            texts = node.args[:1] + [k.value for k in node.keywords if k.arg == "message"]
        elif FIELDS.match(name):
            texts = node.args[:1] + [k.value for k in node.keywords if k.arg in ("label", "description")]
            for keyword in node.keywords:
                if keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                    texts += [
                        pair.elts[1]
                        for pair in keyword.value.elts
                        if isinstance(pair, ast.Tuple) and len(pair.elts) == 2
                    ]
        elif name in VALIDATORS:
            texts = [k.value for k in node.keywords if k.arg == "message"]
        for text in texts:
            if _plain_text(text) and not (isinstance(text, ast.Constant) and text.value in ENDONYMS):
                found.append(f"{filename}:{text.lineno}: {name}({ast.unparse(text)[:70]})")
    return found


def test_user_facing_strings_in_the_code_are_marked_for_translation():
    """flash() messages, the errors services and validators raise, form labels and choices: each a _() or
    _l() call, never a plain string that pybabel cannot see."""
    found = []
    for path in sorted((ROOT / "participate").rglob("*.py")):
        found += untranslated_strings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "wrap these in _() (or _l() at import time):\n" + "\n".join(found)


def test_the_scan_finds_plain_strings():
    source = (
        "flash('Saved.')\nraise ValidationFailed(f'{x} is bad')\nname = StringField('Name')\n"
        "ok = StringField(_l('Name'))\nv = Length(max=3, message='Too long')\nflash(_('Saved.'))\n"
        "lang = SelectField(choices=[('sv', 'Svenska'), ('x', 'Other')])\n"
    )
    found = untranslated_strings(source, "x.py")
    assert [line.split(": ", 1)[1].split("(")[0] for line in found] == [
        "flash", "ValidationFailed", "StringField", "Length", "SelectField",
    ]  # fmt: skip


TEMPLATE_NOT_TEXT = [
    r"\{#.*?#\}", r"<(script|style)\b.*?</\1>", r"\{%.*?%\}", r"\{\{.*?\}\}", r"<!--.*?-->", r"<[^>]*>",
    r"&[a-z]+;|&#\d+;",
]  # fmt: skip
# Text that is the same in every language: language names, a hash's name, a command line.
TEMPLATE_LITERALS = {"English", "Svenska", "SHA-256"}
TEMPLATE_COMMANDS = re.compile(r"^participate verify-draw ")


def test_templates_show_no_text_outside_translation_calls():
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in TEMPLATE_NOT_TEXT:
            text = re.sub(pattern, " ", text, flags=re.S)
        for literal in re.findall(r"[A-Za-zÅÄÖåäö][^\n]*", text):
            literal = literal.strip()
            if literal not in TEMPLATE_LITERALS and not TEMPLATE_COMMANDS.match(literal):
                found.append(f"{path.relative_to(ROOT)}: {literal[:70]!r}")
        attributes = re.findall(
            r'\b(?:aria-label|title|placeholder|alt)="([^"{]*[A-Za-z][^"{]*)"', path.read_text()
        )
        found += [f"{path.relative_to(ROOT)}: attribute {value!r}" for value in attributes]
    assert not found, "text in templates outside {{ _() }}:\n" + "\n".join(found)


# --- The demo, in Swedish, shows no English string the catalogue translates ------------------------------


class _VisibleText(HTMLParser):
    """Text nodes a person sees or hears (labels for screen readers too), outside scripts and styles."""

    HIDDEN = {"script", "style", "code", "pre", "textarea"}
    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        self.texts += [values[name] for name in self.SPOKEN if values.get(name)]
        if tag == "input" and values.get("type") == "submit" and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


def visible_texts(page: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(page)
    return {re.sub(r"\s+", " ", text).strip() for text in parser.texts} - {""}


def english_that_swedish_changes(swedish) -> dict[str, str]:
    """msgid -> msgstr for the strings whose Swedish differs, without placeholders (those are shown filled in)."""
    return {
        message.id: message.string
        for message in swedish
        if isinstance(message.id, str)
        and message.id
        and "%(" not in message.id
        and message.string != message.id
    }


def stored_as_data(text: str) -> bool:
    """People's own words (a budget named "City-wide" by staff) are shown as written, in any language."""
    from sqlalchemy import String, select

    from participate.extensions import db

    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if (
                isinstance(column.type, String)
                and db.session.execute(select(column).where(column == text).limit(1)).first()
            ):
                return True
    return False


CHOSEN_LANGUAGE = re.compile(r"[?&]lang=(?!sv)")


def test_the_demo_in_swedish_shows_no_english_string_of_the_catalogue(demo_snapshot, swedish):
    """Every page of the demo (as a visitor, a resident, a facilitator, staff) rendered in Swedish, and every
    form sent back empty (its errors, or the flash message of what it did): a text that is the English msgid
    of a translated string means it was translated at import time, outside the request, or not through the
    catalogue."""
    from tests.demo_pages import NOT_POSTED, crawl, csrf_of, demo_app, log_in_as

    _compile_swedish_if_stale()
    english = english_that_swedish_changes(swedish)
    found: dict[str, str] = {}
    with demo_app(demo_snapshot) as (app, _live):
        from participate.extensions import babel

        babel.domain_instance.cache.clear()
        for role in (None, "resident", "facilitator", "staff"):
            client = app.test_client()
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
            if role:
                log_in_as(client, role)

            def read(url, response, role=role):
                if (
                    response.status_code not in (200, 400, 409)
                    or response.mimetype != "text/html"
                    or CHOSEN_LANGUAGE.search(url)
                ):
                    return  # a page printed in the language chosen for it (letters) is not the reader's
                page = response.get_data(as_text=True)
                assert '<html lang="sv">' in page, url
                for text in visible_texts(page) & english.keys():
                    found.setdefault(text, f"{url} (as {role or 'visitor'})")

            _pages, forms, _failures = crawl(client, visit=read)
            # The messages of forms sent back (form errors) and of actions done (flash messages).
            for kind, ((page_url, action, fields), *_more) in forms.items():
                if NOT_POSTED.search(kind):
                    continue
                kept = {
                    name: value
                    for name, (_tag, type_, value) in fields.items()
                    if type_ in ("hidden", "submit")
                }
                response = client.post(action, data={**kept, "csrf_token": csrf_of(client, page_url)})
                if response.status_code in (302, 303):
                    location = response.headers["Location"]
                    response = client.get(location)
                    action = location
                read(action, response)
        found = {text: url for text, url in found.items() if not stored_as_data(text)}
    assert not found, "English on Swedish pages:\n" + "\n".join(
        f"{text!r} on {url}" for text, url in found.items()
    )
