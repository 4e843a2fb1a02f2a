"""Demo: the seated climate panel at work. Four Saturday meetings (three held, one coming), attendance for
the three held, a diverse table plan for the last one held, support checklists, and materials (small
generated PDFs and links, public and members-only) in English and Swedish."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from participate.accounts.models import User
from participate.core.clock import council_timezone, utcnow
from participate.panels import materials, meetings
from participate.panels.meeting_models import MaterialKind, Meeting
from participate.panels.models import Panel

# (weeks from now, place, agenda)
MEETINGS = (
    (
        -5,
        "Malmö City Hall, Stora salen / Malmö rådhus, Stora salen",
        "1. Welcome and how we work together / Välkomna och hur vi arbetar\n"
        "2. **What the city emits today** – Malmö environment department\n"
        "3. Questions in small tables / Frågor vid borden",
    ),
    (
        -3,
        "Rosengård library / Rosengårds bibliotek",
        "1. Evidence: heat pumps, district heating and buses / Underlag: värmepumpar, fjärrvärme och bussar\n"
        "2. Hearing: residents' associations / Hearing med hyresgästföreningar\n"
        "3. What we still need to know / Vad vi behöver veta mer om",
    ),
    (
        -1,
        "Malmö City Hall, Stora salen / Malmö rådhus, Stora salen",
        "1. The proposals that passed the feasibility review / Förslagen som klarade genomförbarhetsprövningen\n"
        "2. Deliberation at diverse tables / Samtal vid blandade bord\n"
        "3. First drafts of recommendations / Första utkast till rekommendationer",
    ),
    (
        2,
        "Husie community centre / Husie medborgarhus",
        "1. Amending the drafts / Ändringar i utkasten\n"
        "2. The support vote on each recommendation / Omröstning om varje rekommendation\n"
        "3. Handing the report to the council / Rapporten lämnas till kommunen",
    ),
)
VIDEO = "https://meet.example.org/klimatpanelen"


def tiny_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF of a title and a few lines (Latin-1 text, so Swedish letters show)."""

    def escaped(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = [f"BT /F1 18 Tf 56 780 Td ({escaped(title)}) Tj ET"]
    for n, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 56 {750 - 18 * n} Td ({escaped(line)}) Tj ET")
    stream = "\n".join(text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _saturday_at_ten(weeks: int) -> datetime:
    local = datetime.now(council_timezone()) + timedelta(weeks=weeks)
    local = local - timedelta(days=(local.weekday() - 5) % 7)
    local = local.replace(hour=10, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC).replace(tzinfo=None)


def _document(
    staff: User, panel: Panel, meeting: Meeting | None, title: str, lines: list[str], public: bool
) -> None:
    filename = title.split(" / ")[0] + ".pdf"
    data = tiny_pdf(title, lines)
    materials.add_material(
        staff,
        panel,
        materials.MaterialInput(title, public, meeting, filename=filename, data=data),
        MaterialKind.DOCUMENT,
    )


def _link(staff: User, panel: Panel, meeting: Meeting | None, title: str, url: str, public: bool) -> None:
    materials.add_material(
        staff,
        panel,
        materials.MaterialInput(title, public, meeting, url=url),
        MaterialKind.LINK,
    )


def seed_panel_meetings(staff: User, panel: Panel) -> None:
    rng = random.Random(2031)
    held = []
    for weeks, place, agenda in MEETINGS:
        starts = _saturday_at_ten(weeks)
        meeting = meetings.create_meeting(
            staff,
            panel,
            meetings.MeetingInput(
                starts_at=starts,
                ends_at=starts + timedelta(hours=6),
                place=place,
                video_link=VIDEO,
                video_link_public=weeks > 0,  # the last meeting is streamed for observers
                agenda=agenda,
            ),
        )
        if starts < utcnow():
            held.append(meeting)
    members = meetings.members(panel)
    for number, meeting in enumerate(held):
        marks = {}
        for seat in members:
            roll = rng.random()
            marks[seat.id] = "present" if roll < 0.88 else "excused" if roll < 0.96 else "absent"
        meetings.record_attendance(staff, panel, meeting, marks)
        rows = meetings.checklist(meeting, panel)
        # every need arranged for the meetings held, but one left unticked at the first
        ticked = {(row.seat.id, row.need) for row in rows if not (number == 0 and row is rows[-1])}
        meetings.save_checklist(staff, panel, meeting, ticked)
    meetings.make_tables(staff, panel, held[-1], random.Random("Klimatpanelen, bord möte 3"))
    upcoming = meetings.meetings_of(panel)[-1]
    rows = meetings.checklist(upcoming, panel)
    meetings.save_checklist(
        staff, panel, upcoming, {(row.seat.id, row.need) for row in rows[: len(rows) // 2]}
    )

    kit = [
        (
            "The panel's brief / Panelens uppdrag",
            [
                "The council asks: which climate proposals belong on the ballot, and why?",
                "Kommunen frågar: vilka klimatförslag hör hemma på valsedeln, och varför?",
                "Thirty residents drawn by lot; four Saturdays; a report to the council.",
            ],
            True,
        ),
        (
            "Practical information for members / Praktisk information för ledamöter",
            [
                "Stipend: 1 500 kr per meeting attended / Arvode: 1 500 kr per möte.",
                "Travel and childcare are paid; ask the facilitators / Resor och barnomsorg betalas.",
                "Contact the facilitators: klimatpanelen@example.se",
            ],
            False,
        ),
    ]
    for title, lines, public in kit:
        _document(staff, panel, None, title, lines, public)
    _link(
        staff,
        panel,
        None,
        "Malmö's environment programme / Malmös miljöprogram",
        "https://malmo.se/miljoprogram",
        True,
    )
    evidence = [
        (
            "Emissions in Malmö 2025 / Utsläpp i Malmö 2025",
            ["Transport 38 %", "Heating 27 %", "Industry 21 %"],
        ),
        ("Heat pumps and district heating / Värmepumpar och fjärrvärme", ["Costs, savings and who pays."]),
        ("Summary of the proposals / Sammanfattning av förslagen", ["Twelve proposals passed the review."]),
    ]
    for meeting, (title, lines) in zip(held, evidence, strict=True):
        _document(staff, panel, meeting, title, lines, True)
    _document(
        staff,
        panel,
        held[-1],
        "Draft recommendations (members only) / Utkast till rekommendationer",
        ["Not for publication before the vote / Publiceras inte före omröstningen."],
        False,
    )
    _link(
        staff, panel, held[1], "Recording of the hearing / Inspelning av hearingen", VIDEO + "/hearing", True
    )
