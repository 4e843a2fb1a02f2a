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
