"""Demo: the seated climate panel at work. Its members joined the workspace, talked in its threads, drafted
six recommendations (one amended), voted on them in one support round with the four-fifths threshold,
attached a minority statement to the one they did not adopt, and published the report."""

from __future__ import annotations

from datetime import timedelta

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.deliberation import services as deliberation
from participate.deliberation.subjects import resolve
from participate.extensions import db
from participate.panels import recommendations, support
from participate.panels.models import Panel
from participate.panels.recommendation_models import PanelMember
from participate.panels.seats import seat_list
from participate.panels.selection_models import SeatStatus
from participate.panels.workspace_subjects import RECOMMENDATION, WORKSPACE

# (title, text, votes as (support, can live with it, oppose); the rest of the 30 members did not vote)
RECOMMENDATIONS: tuple[tuple[str, str, tuple[int, int, int]], ...] = (
    (
        "Rain gardens on every school street / Regnbäddar på varje skolgata",
        "Plant rain gardens along the streets outside every school by 2028, so that heavy rain soaks into the "
        "ground instead of flooding cellars, and children learn how the city handles water.\n\n"
        "*På svenska:* Anlägg regnbäddar längs gatorna utanför varje skola till 2028, så att skyfall sjunker "
        "ner i marken i stället för att översvämma källare.",
        (22, 5, 1),
    ),
    (
        "Shared cargo bikes in every district / Lådcyklar att låna i varje stadsdel",
        "Place at least five shared electric cargo bikes in each district, bookable by the hour at the "
        "library, free for the first two hours.\n\n"
        "*På svenska:* Ställ ut minst fem elektriska lådcyklar i varje stadsdel, att boka per timme på "
        "biblioteket, gratis de två första timmarna.",
        (18, 8, 2),
    ),
    (
        "Solar panels on community centres / Solceller på fritidsgårdarna",
        "Cover the roofs of the city's community centres with solar panels and publish how much electricity "
        "each one produces.\n\n"
        "*På svenska:* Täck fritidsgårdarnas tak med solceller och publicera hur mycket el varje gård "
        "producerar.",
        (25, 3, 0),
    ),
    (
        "A tool library in Rosengård / Ett verktygsbibliotek i Rosengård",
        "Open a tool library in Rosengård where residents borrow drills, ladders and sewing machines instead "
        "of buying them, run with the tenants' association.\n\n"
        "*På svenska:* Öppna ett verktygsbibliotek i Rosengård där de boende lånar borrmaskiner, stegar och "
        "symaskiner i stället för att köpa dem, i samarbete med hyresgästföreningen.",
        (14, 10, 3),
    ),
    (
        "Heat refuges for older residents / Svala rum för äldre under värmeböljor",
        "During heat waves, keep cooled rooms open in libraries and meeting places from 10 to 20, and call "
        "older residents who live alone.\n\n"
        "*På svenska:* Håll svala rum öppna på bibliotek och mötesplatser kl. 10–20 under värmeböljor, och "
        "ring äldre som bor ensamma.",
        (20, 6, 1),
    ),
    (
        "A car-free city centre on Saturdays / Bilfri innerstad på lördagar",
        "Close the streets inside the canal to private cars every Saturday from April to September, with "
        "exceptions for residents, deliveries before 10 and disabled drivers.\n\n"
        "*På svenska:* Stäng gatorna innanför kanalen för privatbilar varje lördag april–september, med "
        "undantag för boende, leveranser före kl. 10 och förare med funktionsnedsättning.",
        (9, 8, 11),
    ),
)
AMENDED_TEXT = (
    "Place at least five shared electric cargo bikes in each district, bookable by the hour at the library "
    "or by phone, free for the first two hours and with a child seat on every bike.\n\n"
    "*På svenska:* Ställ ut minst fem elektriska lådcyklar i varje stadsdel, att boka per timme på biblioteket "
    "eller per telefon, gratis de två första timmarna och med barnstol på varje cykel."
)
MINORITY = (
    "Eleven of us opposed this recommendation. Shop owners and people who care for relatives told us a "
    "weekly closure would keep customers and visitors away; we would rather start with two Saturdays a year "
    "and measure what happens.\n\n"
    "*På svenska:* Elva av oss var emot. Butiksägare och anhörigvårdare sa att en stängning varje vecka "
    "skulle hålla kunder och besökare borta; vi vill hellre börja med två lördagar om året och mäta effekten."
)
WORKSPACE_POSTS = (
    "Welcome, everyone! Here we keep talking between the Saturdays. / Välkomna! Här fortsätter vi samtalet "
    "mellan lördagarna.",
    "The flooding maps from the first meeting are worth a second look before we write about rain gardens.",
    "Kan vi be om siffror på hur många som redan lånar lådcyklar i Husie? / Can we ask for figures on cargo "
    "bike loans in Husie?",
    "Thank you for the interpreting on Saturday, it made a real difference for my neighbour.",
)
RECOMMENDATION_POSTS = (
    "Five bikes per district sounds low for Rosengård; could we ask for more where fewer people own cars?",
    "A child seat on every bike would make this work for parents. / Barnstol på varje cykel vore bra.",
)


def _level_list(votes: tuple[int, int, int]) -> list[str]:
    support_n, live_n, oppose_n = votes
    return ["support"] * support_n + ["can_live_with"] * live_n + ["oppose"] * oppose_n


def seed_panel_work(staff: User, panel: Panel, people: list[User]) -> None:
    """`people`: one account per confirmed seat, in seat order (the demo's member login first)."""
    confirmed = [s for s in seat_list(panel).active if s.status == SeatStatus.CONFIRMED.value]
    members = []
    for seat, person in zip(confirmed, people, strict=False):
        db.session.add(
            PanelMember(
                panel_id=panel.id, seat_id=seat.id, user_id=person.id, joined_at=utcnow() - timedelta(days=30)
            )
        )
        members.append(person)
    db.session.flush()

    workspace = resolve(WORKSPACE, panel.id)
    assert workspace is not None
    for n, body in enumerate(WORKSPACE_POSTS):
        deliberation.post_comment(members[(n * 7) % len(members)], workspace, body, "neutral")

    drafted = []
    for n, (title, text, _votes) in enumerate(RECOMMENDATIONS):
        author = members[(n * 5 + 1) % len(members)]
        drafted.append(recommendations.draft(author, panel, recommendations.RecommendationInput(title, text)))
    bikes = drafted[1]
    thread = resolve(RECOMMENDATION, bikes.id)
    assert thread is not None
    for n, body in enumerate(RECOMMENDATION_POSTS):
        deliberation.post_comment(members[n + 3], thread, body, "in_favour")
    recommendations.amend(
        members[4],
        panel,
        bikes,
        recommendations.RecommendationInput(bikes.title, AMENDED_TEXT, "Booking by phone and child seats"),
    )

    support.open_round(staff, panel, [r.id for r in drafted], support.DEFAULT_THRESHOLD)
    for recommendation, (_title, _text, votes) in zip(drafted, RECOMMENDATIONS, strict=True):
        for member, level in zip(members, _level_list(votes), strict=False):
            support.cast_vote(member, panel, recommendation, level)
    support.close_round(staff, panel)
    not_adopted = drafted[-1]
    recommendations.add_minority_statement(members[20], panel, not_adopted, MINORITY)  # voted "oppose"
    support.publish_report(staff, panel)
