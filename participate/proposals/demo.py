"""Demo proposals for `make run`: every status, supports and categories, written through the services."""

from __future__ import annotations

import colorsys
import io
import random
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import today, utcnow
from participate.deliberation import policy as deliberation_policy
from participate.deliberation import services as deliberation
from participate.deliberation.subjects import resolve
from participate.extensions import db
from participate.processes import geo
from participate.processes.models import District, Phase, Process
from participate.proposals import services
from participate.proposals.models import Category, Proposal, ProposalStatus

# Per theme: categories, then ideas as (title, summary, description, cost in SEK).
IDEAS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, str, int], ...]]] = {
    "Parks": (
        ("Safety", "Places to rest", "Green spaces", "Play and exercise"),
        (
            (
                "A splash pad in Hyllie park",
                "Water play for small children on hot days",
                "Fountains that spray from the ground, switched off at night, with benches in the shade for parents.",
                850_000,
            ),
            (
                "Benches along the Fosie walking loop",
                "Places to rest every 200 metres",
                "Older residents say the loop is too long without a place to sit. Twenty benches with armrests.",
                160_000,
            ),
            (
                "Lighting on the path through Oxie park",
                "The path is dark from four o'clock in winter",
                "Low, warm lamps along the 600-metre path, so it feels safe to walk home after dark.",
                620_000,
            ),
            (
                "A wildflower meadow instead of lawn",
                "Less mowing, more bees and butterflies",
                "Turn the unused lawn behind the sports hall into a meadow, with a mown path and signs about the plants.",
                90_000,
            ),
            (
                "Outdoor gym for all ages",
                "Free exercise equipment near the playground",
                "Simple machines for strength and balance, including some that work from a wheelchair.",
                450_000,
            ),
            (
                "Drinking fountains in three parks",
                "Water for everyone, summer and winter",
                "Frost-proof drinking fountains with a low spout for dogs.",
                240_000,
            ),
            (
                "Trees on Lorensborgsgatan",
                "Shade and cleaner air on a bare street",
                "Twenty-four street trees in planting beds that collect rainwater.",
                980_000,
            ),
            (
                "A fenced dog park",
                "Dogs off the lead, children's play areas left in peace",
                "A fenced area with a double gate, bins and a water tap.",
                380_000,
            ),
            (
                "Picnic tables by the pond",
                "Somewhere to eat together outdoors",
                "Six sturdy tables, two of them with room for a wheelchair.",
                75_000,
            ),
            (
                "More shade at the playground",
                "Sails and trees over the sandpit",
                "Shade sails now and trees that take over in ten years.",
                210_000,
            ),
        ),
    ),
    "Bike": (
        ("Safety", "Parking", "Routes", "Service"),
        (
            (
                "Protected lane on Amiralsgatan",
                "A kerb between bikes and cars",
                "Replace the painted lane with a raised, separated lane for 800 metres.",
                1_600_000,
            ),
            (
                "Bike parking at Triangeln station",
                "Two hundred covered places",
                "Covered two-tier racks with frame locks, near the entrances.",
                700_000,
            ),
            (
                "Lights at the Ystadvägen crossing",
                "Children cross here on their way to school",
                "Traffic lights for bikes and pedestrians, with a button that answers quickly.",
                450_000,
            ),
            (
                "A repair station in every district",
                "Pump and tools, free to use",
                "Stainless repair stands with a pump, at libraries and schools.",
                120_000,
            ),
            (
                "Winter gritting of the main bike routes first",
                "Cycling is safer when routes are cleared early",
                "Change the order of winter maintenance so the main bike routes come before the car roads.",
                300_000,
            ),
        ),
    ),
    "Climate": (
        ("Energy", "Travel", "Food", "Reuse", "Nature and water", "Heat and health"),
        (
            (
                "Solar panels on the sports hall",
                "The roof is large and faces south",
                "About 400 square metres of panels; the savings go back into sport for young people.",
                1_200_000,
            ),
            (
                "A tool library",
                "Borrow a drill instead of buying one",
                "A room at the library with tools to borrow, run with the neighbourhood association.",
                180_000,
            ),
            (
                "Rain gardens on Rosengård's streets",
                "Less flooding after heavy rain",
                "Planted hollows that take rainwater from the roads and the roofs.",
                900_000,
            ),
            (
                "Community gardens by the blocks",
                "Grow vegetables together",
                "Raised beds, water and a shed, with a gardener who helps in the first year.",
                260_000,
            ),
            (
                "Shared electric cargo bikes",
                "Carry the shopping without a car",
                "Six cargo bikes to book by the hour, with chargers in the courtyards.",
                420_000,
            ),
            (
                "Trees in Rosengård's schoolyards",
                "Shade for pupils and cooler classrooms",
                "Forty trees in the yards of four schools, planted with the pupils.",
                380_000,
            ),
            (
                "Bike-sharing stations in Husie",
                "Borrow a bike for the last stretch",
                "Three stations with twelve bikes each, near the bus stops.",
                300_000,
            ),
            (
                "Energy advice for tenants",
                "Lower bills, lower emissions",
                "Advisers visit blocks of flats and help tenants save electricity and heat.",
                120_000,
            ),
            (
                "A repair café in Centrum",
                "Mend it instead of throwing it away",
                "Monthly evenings where volunteers help fix clothes, bikes and electronics.",
                80_000,
            ),
            (
                "Green roofs on the bus shelters",
                "Plants that catch rain and feed bees",
                "Sedum roofs on twenty bus shelters along the main roads.",
                260_000,
            ),
            (
                "LED lighting in the community centre",
                "Half the electricity for the same light",
                "Replace the old lamps in the halls and corridors of Husie's community centre.",
                150_000,
            ),
            (
                "Swap shop for children's clothes",
                "Children grow; clothes can travel on",
                "A free shop run by parents' groups, open on Saturdays.",
                60_000,
            ),
            (
                "Water butts for allotments",
                "Use rainwater, not tap water",
                "Two hundred water butts for the allotment gardens in Rosengård and Husie.",
                90_000,
            ),
            (
                "Solar lights on the Husie path",
                "Light without wires or bills",
                "Thirty solar lamps on the path from the station to the school.",
                210_000,
            ),
            (
                "A climate walk for schools",
                "Rain gardens, solar roofs and recycling, seen on foot",
                "A signposted walk with stops at the rain gardens, solar roofs and recycling centre.",
                70_000,
            ),
            (
                "Cycle parking at the health centre",
                "Room for bikes where people queue for the doctor",
                "Covered racks for forty bikes and two cargo bikes by the entrance.",
                110_000,
            ),
            (
                "Compost bins for each block",
                "Food waste becomes soil for the courtyards",
                "Shared compost bins with a course for residents on how to use them.",
                95_000,
            ),
            (
                "Heat pump for the sports club house",
                "Stop heating with electric radiators",
                "An air-to-water heat pump and better insulation in the club's changing rooms.",
                340_000,
            ),
            (
                "Shade trees at the bus terminal",
                "A cooler wait in summer",
                "Twelve large trees in planting beds that also take rainwater.",
                270_000,
            ),
            (
                "Electric bikes to borrow for a week",
                "Try before you buy",
                "Ten electric bikes lent out from the library, a week at a time.",
                180_000,
            ),
            (
                "Cooling room for hot days",
                "Somewhere cool for older residents in a heatwave",
                "Air conditioning and opening hours in the meeting room of the community centre on the hottest days.",
                150_000,
            ),
            (
                "Bee hotels and flower strips",
                "More pollinators in the parks",
                "Flower strips along the footpaths, and insect hotels built by school classes.",
                45_000,
            ),
            (
                "A second-hand furniture shop",
                "Furniture that lasts another home",
                "A volunteer-run shop in an empty shop front, with a van for deliveries.",
                230_000,
            ),
        ),
    ),
    "Youth": (
        ("Sport", "Culture", "School and work", "Places to meet"),
        (
            (
                "A covered skate spot",
                "Skate all year, even in the rain",
                "A roof over part of the skate park, with lights that switch off at ten.",
                600_000,
            ),
            (
                "Music studio at the youth centre",
                "Record your own songs",
                "Sound-proofing, a computer and instruments, with a youth worker two evenings a week.",
                240_000,
            ),
            (
                "Free summer football school",
                "Two weeks for anyone aged 13 to 16",
                "Coaches from local clubs, lunch included.",
                150_000,
            ),
            (
                "Wi-Fi and sockets in the square",
                "A place to sit, charge and study",
                "Benches with sockets and free Wi-Fi in Möllevångstorget.",
                90_000,
            ),
            (
                "Climbing wall in the sports hall",
                "Bouldering for beginners",
                "A low wall with soft mats, open in the evenings.",
                200_000,
            ),
            (
                "Evening opening at two youth centres",
                "Somewhere to go until ten",
                "Friday and Saturday evenings with staff, music and a kitchen.",
                260_000,
            ),
            (
                "Free swimming lessons in summer",
                "Everyone should be able to swim",
                "Courses at the outdoor pool for young people who never learned.",
                120_000,
            ),
            (
                "Basketball court in Rosengård",
                "New baskets, lines and a smooth surface",
                "Rebuild the worn court behind the school, with lights for the evenings.",
                280_000,
            ),
            (
                "A gaming room at the library",
                "Play together, not alone at home",
                "Consoles and a big screen, with tournaments once a month.",
                110_000,
            ),
            (
                "Youth-led film festival",
                "Show your own films on a big screen",
                "A weekend festival at the cinema, with workshops before it.",
                90_000,
            ),
            (
                "Outdoor table tennis in Hyllie",
                "Tables that can stay out all year",
                "Four concrete tables in the park, with nets that cannot be stolen.",
                60_000,
            ),
            (
                "Dance studio with mirrors",
                "A room for dance groups to practise",
                "Mirrors, a sprung floor and speakers in the youth centre's basement.",
                180_000,
            ),
            (
                "Homework café with tutors",
                "Help with maths and Swedish after school",
                "Students from the university help three afternoons a week.",
                140_000,
            ),
            (
                "Street art wall",
                "A legal wall for graffiti",
                "A long wall by the underpass where anyone can paint.",
                40_000,
            ),
            (
                "Hammocks and shade in the park",
                "A place to hang out in summer",
                "Hammock posts, shade sails and a water tap in Pildammsparken.",
                70_000,
            ),
            (
                "Padel court by the youth centre",
                "A popular sport, free to play",
                "An outdoor padel court with lights, booked through the youth centre.",
                290_000,
            ),
            (
                "Podcast studio",
                "Make your own radio",
                "Microphones and a quiet room, with help from a sound technician once a week.",
                85_000,
            ),
            (
                "Driving lessons at cost price",
                "A licence should not depend on your parents' money",
                "Theory classes and twenty subsidised lessons for young people who apply.",
                200_000,
            ),
            (
                "Late-night sports hall",
                "Football and basketball on Friday nights",
                "The sports hall open until midnight on Fridays, with youth leaders.",
                160_000,
            ),
            (
                "Summer jobs in the parks",
                "Paid work for young people in July",
                "Twenty summer jobs looking after the parks, with a supervisor.",
                240_000,
            ),
            (
                "Free period products at school",
                "No one should miss class for lack of them",
                "Dispensers in the toilets of every secondary school.",
                50_000,
            ),
            (
                "A youth café with cheap food",
                "Somewhere to eat and hang out after school",
                "A café run by young people, with meals at cost price.",
                210_000,
            ),
            (
                "Outdoor stage for concerts",
                "Young bands need somewhere to play",
                "A small covered stage in the park, with power and lights.",
                170_000,
            ),
        ),
    ),
}
# What a proposal's title or summary must say to be filed under each category (whole words, any case):
# the demo files each idea under the first of its theme's categories whose words it uses.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "Safety": ("safe", "safer", "dark", "lighting", "lights", "crossing", "kerb", "protected"),
    "Places to rest": ("bench", "benches", "rest", "picnic", "drinking", "eat"),
    "Green spaces": ("tree", "trees", "meadow", "bees", "dog", "dogs", "shade", "green"),
    "Play and exercise": ("play", "playground", "gym", "exercise"),
    "Parking": ("parking", "racks"),
    "Routes": ("route", "routes", "lane", "path"),
    "Service": ("repair", "pump", "tools"),
    "Energy": ("solar", "energy", "electricity", "heat pump", "heating", "led"),
    "Travel": ("bike", "bikes", "cycle", "cycling", "car"),
    "Food": ("food", "vegetables", "compost"),
    "Reuse": ("borrow", "tool", "repair", "mend", "swap", "clothes", "second-hand", "furniture"),
    "Nature and water": ("rain", "rainwater", "flooding", "tree", "trees", "bees", "pollinators", "plants"),
    "Heat and health": ("heatwave", "hot days", "cool", "cooler"),
    "Sport": (
        "skate", "football", "climbing", "bouldering", "swim", "swimming", "basketball", "table tennis",
        "padel", "sports",
    ),
    "Culture": ("music", "songs", "film", "films", "dance", "art", "graffiti", "podcast", "radio", "concerts", "bands"),
    "School and work": ("homework", "maths", "driving", "licence", "jobs", "work", "class"),
    "Places to meet": ("place to", "somewhere to go", "hang out", "play together", "café", "square"),
}  # fmt: skip


def uses_words(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) for word in words)


def category_for(title: str, summary: str, names: tuple[str, ...]) -> str | None:
    return next((name for name in names if uses_words(f"{title}. {summary}", CATEGORY_WORDS[name])), None)


def districts_named(text: str, districts: list[District]) -> list[District]:
    return [d for d in districts if uses_words(text, (d.name,))]


def _district_for(n: int, text: str, districts: list[District]) -> District | None:
    """The district an idea names; none if it names several (it is city-wide); else, for two ideas in
    three, the districts in turn so that every district has some."""
    named = districts_named(text, districts)
    if named:
        return named[0] if len(named) == 1 else None
    return districts[(n - n // 3 - 1) % len(districts)] if districts and n % 3 else None


def picture(seed: int, category: str | None) -> bytes:
    """A simple illustration for a demo proposal (sky, hills and a sun in the category's colours), drawn
    here so that the demo ships no image files; the upload path re-encodes it like any photo."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    hue = sum(map(ord, category or "")) % 360
    sky = _rgb(hue, 0.35, 0.85)
    ground = _rgb((hue + 90) % 360, 0.45, 0.55)
    image = Image.new("RGB", (480, 320), sky)
    draw = ImageDraw.Draw(image)
    sun_x = rng.randint(60, 420)
    draw.ellipse((sun_x - 30, 40, sun_x + 30, 100), fill=(250, 214, 92))
    for layer in range(3):
        top = 170 + 40 * layer + rng.randint(-20, 20)
        shade = _rgb((hue + 90) % 360, 0.45, 0.55 - 0.1 * layer)
        draw.polygon(
            [(0, 320), (0, top), (rng.randint(120, 360), top - 50), (480, top + 10), (480, 320)], fill=shade
        )
    draw.rectangle((0, 300, 480, 320), fill=ground)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _rgb(hue: int, saturation: float, value: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hsv_to_rgb(hue / 360, saturation, value)
    return round(red * 255), round(green * 255), round(blue * 255)


def _somewhere_in(district: District | None, rng: random.Random) -> dict[str, float]:
    """A point inside the district's outline, near its middle (none for a city-wide idea)."""
    polygons = geo.polygons_of(district.boundary) if district else []
    if not polygons:
        return {}
    lon, lat = geo.label_point(polygons)
    for _try in range(40):
        point = (lon + rng.uniform(-0.008, 0.008), lat + rng.uniform(-0.005, 0.005))
        clear_of_the_name = abs(point[1] - lat) > 0.0012  # the district's name is written at its middle
        if clear_of_the_name and geo.contains(polygons, *point):
            return {"longitude": round(point[0], 6), "latitude": round(point[1], 6)}
    return {"longitude": round(lon, 6), "latitude": round(lat, 6)}


THEME_BY_WORD = {"Parks": "Parks", "bike": "Bike", "Climate": "Climate", "Youth": "Youth"}


def _theme(process: Process) -> str | None:
    return next((theme for word, theme in THEME_BY_WORD.items() if word in process.title), None)


def seed_proposals(process: Process, people: list[User], staff: User, image_folder: Path) -> None:
    """Ideas submitted during the process's proposals phase; reviewed when it is past that phase."""
    theme = _theme(process)
    window = process.window(Phase.PROPOSALS)
    if theme is None or window is None or window.starts_on > today():
        return
    rng = random.Random(process.id)
    category_names, ideas = IDEAS[theme]
    services.set_proposal_settings(staff, process, list(category_names), supports_per_person=5)
    categories = {c.name: c for c in services.categories(process)}
    # Sent in over the part of the phase that has passed, never later than today.
    last_day = min(window.ends_on, today())
    span = (last_day - window.starts_on).days
    created = []
    for n, idea in enumerate(ideas):
        on = window.starts_on + timedelta(days=span * n // len(ideas))
        author = people[(n * 7 + process.id) % len(people)]
        data = _idea_input(process, n, idea, categories, category_names, rng)
        proposal = services.create_proposal(
            author, process, data, publish_now=n != 3, image_folder=image_folder, on=on
        )
        # Dated as if sent in during the phase, not when the demo was seeded, and never in the future.
        proposal.created_at = min(
            datetime.combine(on, time(9, 30)) + timedelta(minutes=17 * n), utcnow() - timedelta(minutes=n + 1)
        )
        if proposal.published_at is not None:
            proposal.published_at = proposal.created_at
        created.append((proposal, on))
    _supports(process, people, created, rng)
    if window.ends_on < today():
        _review(staff, [proposal for proposal, _on in created], on=window.ends_on)
    elif len(created) > 4:
        withdrawn = created[4][0]
        if withdrawn.author is not None:
            services.withdraw_proposal(withdrawn.author, withdrawn, "The school will do it anyway next year.")


def _idea_input(
    process: Process,
    n: int,
    idea: tuple[str, str, str, int],
    categories: dict[str, Category],
    category_names: tuple[str, ...],
    rng: random.Random,
) -> services.ProposalInput:
    """The n-th idea of the theme as a proposal's input: its district, category, cost and place."""
    title, summary, description, cost = idea
    district = _district_for(n, f"{title}. {summary}. {description}", process.districts)
    budget = district.budget_minor if district else process.budget_minor - process.district_budget_total
    category = category_for(title, summary, category_names)
    return services.ProposalInput(
        title=title,
        summary=summary,
        description=description,
        # Within its ballot's budget with room for the review's cost adjustment (the checklist blocks
        # a vote with a proposal that costs more than its ballot).
        cost_minor=min(cost * 100, (budget or process.budget_minor) * 8 // 10),
        district_id=district.id if district else None,
        category_id=categories[category].id if category else None,
        image=picture(process.id * 100 + n, category) if n % 4 != 1 else None,  # some have no photo
        **_somewhere_in(district, rng),  # type: ignore[arg-type]
    )


def _supports(process: Process, people: list[User], created: list, rng: random.Random) -> None:
    """Residents support the submitted proposals, each within their supports left, on the day it came in."""
    for proposal, on in created:
        if proposal.status != ProposalStatus.SUBMITTED:
            continue
        for supporter in rng.sample(people, rng.randint(0, min(14, len(people)))):
            if services.supports_left(supporter, process) != 0 and supporter.id != proposal.author_id:
                services.support_proposal(supporter, proposal, on=on)


def _review(staff: User, proposals: list, on: date) -> None:
    published = [p for p in proposals if p.status == ProposalStatus.SUBMITTED]
    for n, proposal in enumerate(published):
        if n == 1:
            services.review_proposal(
                staff,
                proposal,
                services.Decision(
                    ProposalStatus.NOT_FEASIBLE,
                    "The land belongs to the state railway company, so the city cannot build here. We have passed the idea on to them.",
                ),
            )
        elif n == 2 and len(published) > 3:
            services.review_proposal(
                staff,
                proposal,
                services.Decision(
                    ProposalStatus.MERGED,
                    "This is the same idea as another proposal; its supporters now support that one.",
                    merged_into_id=published[3].id,
                ),
            )
        elif n == len(published) - 1 and len(published) > 5:
            services.review_proposal(
                staff,
                proposal,
                services.Decision(ProposalStatus.UNDER_REVIEW, "The traffic office is checking the costs."),
            )
        else:
            adjusted = proposal.cost_minor * 11 // 10 // 100 * 100 if n % 2 else None
            services.review_proposal(
                staff,
                proposal,
                services.Decision(
                    ProposalStatus.FEASIBLE,
                    "The city can build this. The cost estimate includes five years of upkeep.",
                    adjusted_cost_minor=adjusted,
                ),
            )


DISCUSSION = (
    ("in_favour", "I would use this every week. Please make it happen."),
    ("against", "Nice idea, but the money would do more on the bike paths."),
    ("neutral", "What would it cost to look after each year?"),
)


def seed_proposal_discussions(people: list[User]) -> None:
    """A few comments on the most supported proposals of the processes still open for discussion."""
    rng = random.Random(7)
    top = db.session.execute(
        select(Proposal)
        .where(Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.support_count.desc())
        .limit(6)
    ).scalars()
    for proposal in top:
        subject = resolve("proposal", proposal.id)
        if subject is None:
            continue
        for stance, text in DISCUSSION:
            author = rng.choice(people)
            if deliberation_policy.comment_refusal(author, subject) is None:
                deliberation.post_comment(author, subject, text, stance)
