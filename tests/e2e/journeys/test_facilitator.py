"""The facilitator's journey with a citizens' panel of their own, one page after another: set the panel up,
import an address register, draw the letters, open registration; a resident registers with the code from
their letter (the others through the services); read the pool dashboard and the respondents, close the
pool, run the selection, publish the lottery, record the public draw, make the confirmation calls and
replace the member who declined; then the public pages, where the browser re-checks the draw.

Part 1 of citizens' panels. The later stages (meetings, the members' workspace, recommendations and the
council's answer) continue the same walk: add their step functions to STAGES, after `confirm_and_replace`.
Every page passes axe and fits the width (tests/e2e/journey.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import WIDTHS, Journey, log_in

pytestmark = pytest.mark.xdist_group("e2e")
FACILITATOR = "facilitator@demo.participate.example"
SIZE = 6
ADDRESSES = 40
LETTERS = 30
PEOPLE = 20  # registrations in all: enough for six seats, with reserves


@dataclass
class Panel:
    """What the walk learns as it goes."""

    slug: str
    width: int
    title: str = ""
    manage: str = ""
    public: str = ""
    letters: list[tuple[str, str]] = field(default_factory=list)  # (address, code)


@pytest.fixture
def panel_process(live_server, request):
    """The demo process whose facilitator is the demo's facilitator (it already has a panel recruiting);
    the registration form's time check is off for the walk's quick typing."""
    from sqlalchemy import select

    from participate.extensions import db
    from participate.panels.models import Panel as PanelRow
    from participate.panels.models import PanelStatus

    with live_server.app_context():
        recruiting = db.session.scalar(
            select(PanelRow).where(PanelRow.status == PanelStatus.RECRUITING.value)
        )
        slug = recruiting.process.slug
    live_server.config["PANEL_FORM_MIN_SECONDS"] = 0
    yield Panel(slug=slug, width=request.node.callspec.params["width"])
    live_server.config.pop("PANEL_FORM_MIN_SECONDS")


def set_up(walk: Journey, panel: Panel, _app) -> None:
    page = walk.page
    log_in(walk, FACILITATOR)
    walk.goto(f"/manage/processes/{panel.slug}/panels")
    walk.follow(page.get_by_role("link", name="New panel"))
    panel.title = f"Panel on the harbour baths ({panel.width} px)"
    page.get_by_label("Title").fill(panel.title)
    page.get_by_label(re.compile("^Purpose")).fill("Should the harbour baths stay open all year?")
    page.get_by_label(re.compile("^Panel size")).fill(str(SIZE))
    page.get_by_label(re.compile("^Meeting dates")).fill("Saturday 6 March\nSaturday 20 March")
    walk.follow(page.get_by_role("button", name="Save"))
    panel.manage = re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].rstrip("/")
    for key, question, values in (
        ("gender", "Which gender do you identify with?", "woman | Woman | 2 | 4 |\nman | Man | 2 | 4 |"),
        ("age", "How old are you?", "young | Under 40 | 2 | 4 |\nold | 40 and over | 2 | 4 |"),
    ):
        walk.follow(page.get_by_role("link", name="Add a feature"))
        page.get_by_label(re.compile("^Key")).fill(key)
        page.get_by_label("Question as respondents see it").fill(question)
        page.get_by_label(re.compile("^Values")).fill(values)
        walk.follow(page.get_by_role("button", name="Save feature"))
    walk.follow(page.get_by_role("button", name="Open registration"))


def invite(walk: Journey, panel: Panel, _app) -> None:
    page = walk.page
    walk.follow(
        page.get_by_role("navigation", name="This panel").get_by_role("link", name="Invitation letters")
    )
    rows = "\n".join(
        f"Hamngatan {n},211 {n:02d},{'Norr' if n % 2 else 'Söder'}" for n in range(1, ADDRESSES + 1)
    )
    page.get_by_label("Name of the register").fill("Address register, harbour")
    page.get_by_label(re.compile("^Address register \\(CSV")).set_input_files(
        files=[
            {
                "name": "addresses.csv",
                "mimeType": "text/csv",
                "buffer": f"address,postcode,district\n{rows}\n".encode(),
            }
        ]
    )
    walk.follow(page.get_by_role("button", name="Import addresses"))
    page.get_by_label(re.compile("^Letters to send")).fill(str(LETTERS))
    page.get_by_label(re.compile("^Seed")).fill("dice at the harbour office: 3 5 1 6")
    walk.follow(page.get_by_role("button", name="Draw addresses"))
    walk.follow(page.get_by_role("link", name="Letters in English").first)
    letters = page.locator("article.letter")
    expect(letters).to_have_count(LETTERS)
    for n in range(LETTERS):
        letter = letters.nth(n)
        address = letter.locator(".letter-address").inner_text().splitlines()[0]
        panel.letters.append((address, letter.locator(".letter-code strong").inner_text()))
    walk.follow(page.get_by_role("link", name="Back to the invitation letters"))


# The resident registers in English on the laptop and in Swedish on the phone.
REGISTRATION = {
    "en": ("Register for the panel", "Code from your letter", "Your name", "Email", "Street address",
           "^I agree", "Send my registration", "Thank you"),
    "sv": ("Anmäl dig till panelen", "Koden i ditt brev", "Ditt namn", "E-post", "Gatuadress",
           "^Jag godkänner", "Skicka min anmälan", "Tack för din anmälan"),
}  # fmt: skip


def residents_register(walk: Journey, panel: Panel, app, browser_walk) -> None:
    """One resident registers in the browser with the first letter; the others through the service."""
    address, code = panel.letters[0]
    language = "sv" if panel.width < 600 else "en"
    link, code_label, name, email, street, agree, send, thanks = REGISTRATION[language]
    locale = {"sv": "sv-SE", "en": "en-GB"}[language]
    with browser_walk(
        "resident", locale=locale, extra_http_headers={"Accept-Language": language}
    ) as resident:
        page = resident.page
        resident.goto(panel.manage.replace("/manage/processes/", "/processes/"))
        panel.public = re.sub(r"^https?://[^/]+", "", page.url)
        resident.follow(page.get_by_role("link", name=link))
        page.get_by_label(code_label).fill(code.lower())
        page.get_by_role("group", name="Which gender do you identify with?").get_by_label("Woman").check()
        page.get_by_role("group", name="How old are you?").get_by_label("Under 40").check()
        page.get_by_label(name).fill("Sara Lindqvist")
        page.get_by_label(email).fill(f"sara.{panel.width}@example.se")
        page.get_by_label(street).fill(address)
        page.get_by_label(re.compile(agree)).check()
        resident.follow(page.get_by_role("button", name=send))
        expect(page.get_by_role("heading", level=1)).to_contain_text(thanks)
    _others_register(app, panel)


def _others_register(app, panel: Panel) -> None:
    from sqlalchemy import select

    from participate.extensions import db
    from participate.panels import respondents
    from participate.panels.models import Panel as PanelRow

    panel_id = int(panel.manage.rsplit("/", 1)[1])
    with app.app_context():
        row = db.session.scalar(select(PanelRow).where(PanelRow.id == panel_id))
        gender, age = ({v.value: v.id for v in f.values} for f in row.features)
        ids = [f.id for f in row.features]
        for n, (address, code) in enumerate(panel.letters[1:PEOPLE], start=1):
            answers = {
                ids[0]: gender["man" if n % 2 else "woman"],
                ids[1]: age["old" if n % 3 else "young"],
            }
            data = respondents.RegistrationInput(
                answers=answers, name=f"Person {n}", email=f"person{n}.{panel.width}@example.se",
                address=address, consent=True, code=code,
            )  # fmt: skip
            respondents.register(row, data)
        db.session.commit()


def read_the_pool(walk: Journey, panel: Panel, _app) -> None:
    page = walk.page
    nav = page.get_by_role("navigation", name="This panel")
    walk.follow(nav.get_by_role("link", name="Pool dashboard"))
    expect(page.get_by_text(str(PEOPLE)).first).to_be_visible()
    walk.follow(nav.get_by_role("link", name="Respondents"))
    walk.follow(nav.get_by_role("link", name="Set-up"))
    walk.follow(page.get_by_role("button", name="Close the pool"))


def select_and_draw(walk: Journey, panel: Panel, _app) -> None:
    page = walk.page
    nav = page.get_by_role("navigation", name="This panel")
    walk.follow(nav.get_by_role("link", name="Selection and draw"))
    page.get_by_label(re.compile("^Panels in the published lottery")).fill("100")
    walk.follow(page.get_by_role("button", name="Run the selection"))  # its job's page
    walk.follow(page.get_by_role("link", name="Back to the selection"))
    walk.follow(page.get_by_role("link", name=re.compile(r"^#\d+$")).first)  # the run's fairness figures
    walk.follow(nav.get_by_role("link", name="Selection and draw"))
    walk.follow(page.get_by_role("button", name="Publish this lottery"))
    page.get_by_label("Seed").fill("Dice at the harbour office: 6 2 4 4 1 3")
    page.get_by_label("The public event").fill("Harbour office, 1 March, 10:00")
    page.get_by_label(re.compile("^Witnesses")).fill("Anna Berg\nOla Ek")
    walk.follow(page.get_by_role("button", name="Record the seed and draw the panel"))
    walk.status("The panel is drawn.")


def confirm_and_replace(walk: Journey, panel: Panel, _app) -> None:
    page = walk.page
    expect(page.get_by_role("heading", name="Confirmation calls")).to_be_visible()  # where the draw led
    rows = page.locator("table.seats-table tbody tr")
    expect(rows).to_have_count(SIZE)
    for n, status in enumerate(("confirmed", "declined")):
        row = page.locator("table.seats-table tbody tr").nth(n)
        row.get_by_label("New status").select_option(status)
        row.get_by_label("Call note").fill("Called on Monday")
        walk.follow(row.get_by_role("button", name=re.compile("^Save")))
    expect(page.get_by_role("heading", name="Vacant seats")).to_be_visible()
    page.get_by_label(re.compile("^Reason")).fill("Declined on the phone")
    walk.follow(page.get_by_role("button", name="Replace from the alternates"))
    expect(page.get_by_text("No seat is vacant.")).to_be_visible()
    expect(page.locator("table.seats-table").get_by_text("Replacement")).to_have_count(1)


def public_pages(walk: Journey, panel: Panel, _app) -> None:
    page = walk.page
    walk.follow(page.get_by_role("navigation", name="This panel").get_by_role("link", name="Public page"))
    walk.follow(page.get_by_role("link", name="How fair is the lottery?"))
    walk.goto(panel.public)
    walk.follow(page.get_by_role("link", name="Verify the draw yourself"))
    walk.page.get_by_role("button", name="Verify in my browser").click()
    expect(page.locator("#verify-result")).to_contain_text("Same panel as the recorded draw.")


# The facilitator's walk, stage by stage. Part 2 of citizens' panels (meetings, recommendations, the
# council's answer) adds its stages here, after the confirmation calls.
STAGES = (
    set_up,
    invite,
    residents_register,
    read_the_pool,
    select_and_draw,
    confirm_and_replace,
    public_pages,
)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_facilitators_journey(open_journey, live_server, panel_process, width):
    with open_journey(width, "facilitator") as walk:
        for stage in STAGES:
            if stage is residents_register:
                stage(walk, panel_process, live_server, partial(open_journey, width))
            else:
                stage(walk, panel_process, live_server)
